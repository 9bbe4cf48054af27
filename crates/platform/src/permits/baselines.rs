//! Emission baselines and reduction targets (总量控制): an area's total in a base year and the cut its
//! target asks for, e.g. the seed's "SO2 and NOx −1 %, COD −14.1 %, NH3-N −12.9 % against 2015 by 2020".
//! Loaded from a CSV file (`qingshan baseline import FILE`) with the header
//! `area,param,base_year,tonnes,target_year,reduction_pct,source,simulated`, where `area` is `city` or a
//! registered county's code and `simulated` is `true` for made-up figures (the demo's).

use crate::registry::Actor;
use crate::{Error, Result};
use serde::Deserialize;
use store::{Baseline, Store};

/// One row of the baseline file, before validation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineInput {
    pub area: String,
    pub param: String,
    pub base_year: i64,
    pub tonnes: f64,
    pub target_year: i64,
    pub reduction_pct: f64,
    pub source: String,
    #[serde(default)]
    pub simulated: bool,
}

/// The rows of a baseline CSV file.
pub fn parse_csv(text: &str) -> Result<Vec<BaselineInput>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    reader
        .deserialize::<BaselineInput>()
        .enumerate()
        // Line numbers count the header as line 1.
        .map(|(i, row)| {
            row.map_err(|e| Error::invalid(format!("baseline CSV line {}: {e}", i + 2)))
        })
        .collect()
}

impl BaselineInput {
    /// Checks the area exists, the pollutant is a factor code, the years are in order and the figures in
    /// range; names the first problem.
    pub fn validate(self, store: &Store) -> Result<Baseline> {
        let what = format!("baseline {} {} {}", self.area, self.param, self.base_year);
        let bad = |en: String, zh: String| {
            Error::invalid_both(format!("{what}: {en}"), format!("基数 {what}：{zh}"))
        };
        if self.area != "city" && !store.counties()?.iter().any(|c| c.code == self.area) {
            return Err(bad(
                format!(
                    "area {:?} is neither `city` nor a registered county",
                    self.area
                ),
                format!("地区“{}”既不是 city 也不是已登记的区县", self.area),
            ));
        }
        if !crate::ingest::admission::is_factor_code(&self.param) {
            return Err(bad(
                format!("param {:?} is not an HJ 212 factor code", self.param),
                format!("因子“{}”不是 HJ 212 编码", self.param),
            ));
        }
        if !(1990..=2100).contains(&self.base_year) || self.target_year <= self.base_year {
            return Err(bad(
                format!(
                    "target_year {} must come after base_year {} (1990–2100)",
                    self.target_year, self.base_year
                ),
                format!(
                    "目标年 {} 须晚于基准年 {}",
                    self.target_year, self.base_year
                ),
            ));
        }
        if !self.tonnes.is_finite() || self.tonnes < 0.0 {
            return Err(bad(
                format!("tonnes {} must be a number ≥ 0", self.tonnes),
                format!("吨数 {} 须为不小于 0 的数", self.tonnes),
            ));
        }
        if !self.reduction_pct.is_finite() || !(-100.0..=100.0).contains(&self.reduction_pct) {
            return Err(bad(
                format!(
                    "reduction_pct {} must lie in −100 … 100",
                    self.reduction_pct
                ),
                format!("削减比例 {} 须在 −100 至 100 之间", self.reduction_pct),
            ));
        }
        if self.source.trim().is_empty() {
            return Err(bad(
                "source is empty: name the document the figures come from".into(),
                "来源为空：请写明数据出处".into(),
            ));
        }
        Ok(Baseline {
            area: self.area,
            param: self.param,
            base_year: self.base_year,
            tonnes: self.tonnes,
            target_year: self.target_year,
            reduction_pct: self.reduction_pct,
            source: self.source.trim().to_string(),
            simulated: self.simulated,
        })
    }
}

/// Stores the baselines, all or nothing, each audited in the same transaction.
pub fn import(store: &mut Store, actor: &Actor, baselines: &[Baseline]) -> Result<()> {
    store.in_transaction(|s| {
        for b in baselines {
            s.put_baseline(b)?;
            s.audit(
                actor.as_str(),
                "upsert_baseline",
                &format!("{}/{}/{}", b.area, b.param, b.base_year),
                Some(&describe(b)),
            )?;
        }
        Ok(())
    })
}

/// A baseline in words: `9100.5 t in 2015, −1 % by 2020, simulated (source)`.
pub fn describe(b: &Baseline) -> String {
    format!(
        "{} t in {}, −{} % by {}{} ({})",
        b.tonnes,
        b.base_year,
        b.reduction_pct,
        b.target_year,
        if b.simulated { ", simulated" } else { "" },
        b.source
    )
}

/// An area's total of a year set against its baseline and target.
#[derive(Debug, Clone, PartialEq)]
pub struct AgainstBaseline {
    pub base_year: i64,
    pub baseline_t: f64,
    pub target_year: i64,
    /// The baseline less the cut: the most the area may emit in the target year.
    pub target_t: f64,
    pub reduction_pct: f64,
    /// (total − baseline) / baseline, percent, one decimal; `None` for a zero baseline.
    pub change_pct: Option<f64>,
    /// Whether the total is at or below the target quantity.
    pub meets: bool,
    pub source: String,
    pub simulated: bool,
}

/// The baseline of `area` and `param` a year's total is judged against (the latest base year before
/// it), and how the total compares.
pub fn against(
    baselines: &[Baseline],
    area: &str,
    param: &str,
    year: i64,
    total_t: f64,
) -> Option<AgainstBaseline> {
    let b = baselines
        .iter()
        .filter(|b| b.area == area && b.param == param && b.base_year < year)
        .max_by_key(|b| b.base_year)?;
    let target_t = b.tonnes * (1.0 - b.reduction_pct / 100.0);
    Some(AgainstBaseline {
        base_year: b.base_year,
        baseline_t: b.tonnes,
        target_year: b.target_year,
        target_t: (target_t * 1e6).round() / 1e6,
        reduction_pct: b.reduction_pct,
        change_pct: (b.tonnes > 0.0)
            .then(|| ((total_t - b.tonnes) / b.tonnes * 1000.0).round() / 10.0),
        meets: total_t <= target_t,
        source: b.source.clone(),
        simulated: b.simulated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cod(base_year: i64, tonnes: f64) -> Baseline {
        Baseline {
            area: "530602".into(),
            param: "w01018".into(),
            base_year,
            tonnes,
            target_year: 2020,
            reduction_pct: 14.1,
            source: "plan".into(),
            simulated: true,
        }
    }

    #[test]
    fn a_total_is_judged_against_the_latest_earlier_baseline() {
        let all = [cod(2015, 1000.0), cod(2020, 800.0)];
        // 2019 is judged against 2015: target 1000 × (1 − 0.141) = 859 t.
        let a = against(&all, "530602", "w01018", 2019, 850.0).unwrap();
        assert_eq!((a.base_year, a.target_t, a.meets), (2015, 859.0, true));
        assert_eq!(a.change_pct, Some(-15.0));
        let a = against(&all, "530602", "w01018", 2019, 859.5).unwrap();
        assert!(!a.meets);
        assert_eq!(
            against(&all, "530602", "w01018", 2021, 700.0)
                .unwrap()
                .base_year,
            2020
        );
        assert_eq!(
            against(&all, "530602", "w01018", 2015, 700.0),
            None,
            "not against itself"
        );
        assert_eq!(against(&all, "city", "w01018", 2019, 700.0), None);
    }

    #[test]
    fn the_file_names_its_bad_line() {
        let e = parse_csv("area,param,base_year,tonnes,target_year,reduction_pct,source,simulated\ncity,a21026,2015,x,2020,1,plan,true\n")
            .unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        let ok = parse_csv("area,param,base_year,tonnes,target_year,reduction_pct,source,simulated\ncity,a21026,2015,9000,2020,1,plan,true\n")
            .unwrap();
        assert_eq!(ok[0].tonnes, 9000.0);
        assert!(ok[0].simulated);
    }
}
