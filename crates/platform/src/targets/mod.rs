//! Targets as data (issue 16 item 1): the indicator catalogue (what each indicator is, its unit and
//! direction, whether the platform computes it from its data or a person enters it with evidence, and the
//! standard it follows), target sets (an area's target for an indicator and a period, with the document
//! it comes from; `qingshan targets import FILE`), hand-entered values, and each target's status
//! ([`compute`] computes the measurable indicators).
//!
//! Areas: `city`, a county code, or `basin:<name>` (the sections whose water body's basin names it).
//! Periods: a year `2020`, a quarter `2020-Q2` or a month `2020-05`; a period under way is judged to date.

pub mod compute;
pub mod projection;
pub mod ranking;
pub mod score;

use crate::accounts::{Action, Principal, Target as On};
use crate::{Error, Result};
use jiff::civil::Date;
use serde::Deserialize;
use store::{IndicatorValue, Store, Target};

/// Whether more or less of an indicator is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The value must reach the target (`≥`).
    AtLeast,
    /// The value must stay within the target (`≤`).
    AtMost,
}

/// Where an indicator's values come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Computed from the platform's data ([`compute::value`]).
    Computed,
    /// Entered by hand with evidence ([`enter_value`]): the platform cannot measure it.
    Manual,
}

/// One indicator of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Indicator {
    pub id: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub unit: &'static str,
    pub direction: Direction,
    pub source: Source,
    /// The standards and rules its figure follows.
    pub standard: &'static str,
}

const fn computed(
    id: &'static str,
    zh: &'static str,
    en: &'static str,
    unit: &'static str,
    direction: Direction,
    standard: &'static str,
) -> Indicator {
    Indicator {
        id,
        zh,
        en,
        unit,
        direction,
        source: Source::Computed,
        standard,
    }
}

const fn manual(id: &'static str, zh: &'static str, en: &'static str) -> Indicator {
    Indicator {
        id,
        zh,
        en,
        unit: "%",
        direction: Direction::AtLeast,
        source: Source::Manual,
        standard: "entered by hand with evidence",
    }
}

use Direction::{AtLeast, AtMost};

/// The indicator catalogue.
pub const CATALOGUE: &[Indicator] = &[
    computed(
        "air.good_day_ratio",
        "空气质量优良天数比例",
        "good-air-day ratio",
        "%",
        AtLeast,
        "HJ 633 daily AQI ≤ 100 over valid days (GB 3095 Table 4, HJ 663)",
    ),
    computed(
        "air.heavy_days",
        "重污染天数",
        "heavy-pollution days",
        "d",
        AtMost,
        "HJ 633 daily AQI > 200",
    ),
    computed(
        "air.pm2_5",
        "PM2.5平均浓度",
        "PM2.5 mean",
        "µg/m³",
        AtMost,
        "HJ 663: mean of valid daily means, rounded",
    ),
    computed(
        "air.composite_index",
        "环境空气质量综合指数",
        "air composite index",
        "",
        AtMost,
        "环办监测〔2018〕19号, GB 3095 Grade II limits in force",
    ),
    computed(
        "water.assessed_good_share",
        "考核断面水质优良(I–III类)比例",
        "assessed sections in class I–III",
        "%",
        AtLeast,
        "GB 3838 single-factor class of each section's period mean (环办〔2011〕22号)",
    ),
    computed(
        "water.assessed_worse_than_v",
        "考核断面劣V类比例",
        "assessed sections worse than V",
        "%",
        AtMost,
        "GB 3838 single-factor class of each section's period mean",
    ),
    computed(
        "water.function_zone_attainment",
        "水功能区(河段)水质达标率",
        "sections meeting their reach's target",
        "%",
        AtLeast,
        "GB 3838 class of the period mean against the reach's target class",
    ),
    computed(
        "water.drinking_class_iii",
        "集中式饮用水水源地达到或优于III类比例",
        "drinking-water sources in class III or better",
        "%",
        AtLeast,
        "GB 3838 class of each source's period mean",
    ),
    computed(
        "emissions.reduction.a21026",
        "二氧化硫排放总量削减比例",
        "SO2 total cut against the baseline",
        "%",
        AtLeast,
        "HJ 75 hourly quantities summed (measured + substituted) against the area's baseline",
    ),
    computed(
        "emissions.reduction.a21002",
        "氮氧化物排放总量削减比例",
        "NOx total cut against the baseline",
        "%",
        AtLeast,
        "HJ 75 hourly quantities summed against the area's baseline",
    ),
    computed(
        "emissions.reduction.w01018",
        "化学需氧量排放总量削减比例",
        "COD total cut against the baseline",
        "%",
        AtLeast,
        "HJ 355/356 hourly quantities summed against the area's baseline",
    ),
    computed(
        "emissions.reduction.w21003",
        "氨氮排放总量削减比例",
        "NH3-N total cut against the baseline",
        "%",
        AtLeast,
        "HJ 355/356 hourly quantities summed against the area's baseline",
    ),
    manual(
        "soil.heavy_metal_reduction",
        "重点重金属排放量削减比例",
        "heavy-metal total cut against 2013",
    ),
    manual(
        "soil.safe_use_rate",
        "污染地块安全利用率",
        "safe use of contaminated plots",
    ),
    manual("ecology.forest_cover", "森林覆盖率", "forest cover"),
];

/// The catalogue entry `id`.
pub fn indicator(id: &str) -> Option<&'static Indicator> {
    CATALOGUE.iter().find(|i| i.id == id)
}

/// The period of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Period {
    Year(i16),
    Quarter(i16, i8),
    Month(i16, i8),
}

impl Period {
    /// `2020`, `2020-Q2` or `2020-05`.
    pub fn parse(text: &str) -> Option<Period> {
        let year = |y: &str| y.parse::<i16>().ok().filter(|y| (2000..=2100).contains(y));
        match text.split_once('-') {
            None => Some(Period::Year(year(text)?)),
            Some((y, q)) if q.starts_with('Q') => {
                let q: i8 = q[1..].parse().ok().filter(|q| (1..=4).contains(q))?;
                Some(Period::Quarter(year(y)?, q))
            }
            Some((y, m)) => {
                let m: i8 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
                (m.to_string().len() <= 2 && text.len() == 7).then_some(Period::Month(year(y)?, m))
            }
        }
    }

    pub fn code(self) -> String {
        match self {
            Period::Year(y) => y.to_string(),
            Period::Quarter(y, q) => format!("{y}-Q{q}"),
            Period::Month(y, m) => format!("{y}-{m:02}"),
        }
    }

    /// Its days: the first, and the day after the last.
    pub fn days(self) -> (Date, Date) {
        let start = |y: i16, m: i8| jiff::civil::date(y, m, 1);
        let (from, months) = match self {
            Period::Year(y) => (start(y, 1), 12),
            Period::Quarter(y, q) => (start(y, (q - 1) * 3 + 1), 3),
            Period::Month(y, m) => (start(y, m), 1),
        };
        let to = from
            .checked_add(jiff::Span::new().months(months))
            .unwrap_or(from);
        (from, to)
    }

    /// The same period a year before (for changes).
    pub fn year_before(self) -> Period {
        match self {
            Period::Year(y) => Period::Year(y - 1),
            Period::Quarter(y, q) => Period::Quarter(y - 1, q),
            Period::Month(y, m) => Period::Month(y - 1, m),
        }
    }
}

/// One row of a target file (`set,area,indicator,period,target,source`), not yet checked.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    pub set: String,
    pub area: String,
    pub indicator: String,
    pub period: String,
    pub target: f64,
    pub source: String,
}

/// The rows of a target CSV file; a bad row names its line.
pub fn parse_csv(text: &str) -> Result<Vec<TargetInput>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    reader
        .deserialize::<TargetInput>()
        .enumerate()
        .map(|(i, row)| row.map_err(|e| Error::invalid(format!("target CSV line {}: {e}", i + 2))))
        .collect()
}

/// Checks an area: `city`, a registered county, or `basin:<name>` of a registered water body's basin.
pub fn check_area(store: &Store, area: &str) -> Result<()> {
    let ok = match area.strip_prefix("basin:") {
        Some(basin) => store
            .waterbodies()?
            .iter()
            .any(|w| w.basin.as_deref().is_some_and(|b| b.contains(basin))),
        None => area == "city" || store.counties()?.iter().any(|c| c.code == area),
    };
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "area {area:?} is not city, a registered county or basin:<a basin of a registered water body>"
        )))
    }
}

impl TargetInput {
    /// Checks the row against the catalogue and the registry; names the first problem.
    pub fn validate(&self, store: &Store) -> Result<Target> {
        let what = format!("target {} {} {}", self.area, self.indicator, self.period);
        let bad = |m: String| Error::invalid(format!("{what}: {m}"));
        if self.set.trim().is_empty() || self.set.len() > 64 {
            return Err(bad("the set needs a name of at most 64 characters".into()));
        }
        let i = indicator(&self.indicator).ok_or_else(|| {
            bad(format!(
                "{:?} is not in the catalogue ({})",
                self.indicator,
                CATALOGUE
                    .iter()
                    .map(|i| i.id)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        check_area(store, &self.area).map_err(|e| bad(e.to_string()))?;
        let period = Period::parse(&self.period).ok_or_else(|| {
            bad(format!(
                "period {:?} is not YYYY, YYYY-Qn or YYYY-MM",
                self.period
            ))
        })?;
        if !self.target.is_finite() || (i.unit == "%" && !(0.0..=100.0).contains(&self.target)) {
            return Err(bad(format!("target {} is out of range", self.target)));
        }
        if self.source.trim().is_empty() {
            return Err(bad("the source document is required".into()));
        }
        Ok(Target {
            set_name: self.set.trim().into(),
            area: self.area.clone(),
            indicator: i.id.into(),
            period: period.code(),
            value: self.target,
            source: self.source.trim().into(),
        })
    }
}

/// Imports target rows, all or nothing, in one transaction with the audit entry.
pub fn import(store: &mut Store, actor: &str, rows: &[TargetInput]) -> Result<usize> {
    store.in_transaction(|s| {
        let targets = rows
            .iter()
            .map(|r| r.validate(s))
            .collect::<Result<Vec<_>>>()?;
        s.put_targets(&targets)?;
        let mut sets: Vec<&str> = targets.iter().map(|t| t.set_name.as_str()).collect();
        sets.sort();
        sets.dedup();
        s.audit(
            actor,
            "targets_import",
            &format!("targets {}", sets.join(",")),
            Some(&format!("{} targets", targets.len())),
        )?;
        Ok(targets.len())
    })
}

/// A hand-entered value, not yet checked; its evidence files are kept already.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValueInput {
    pub area: String,
    pub indicator: String,
    pub period: String,
    pub value: f64,
    pub note: Option<String>,
    pub evidence: Vec<store::Attachment>,
}

/// Enters a value of an indicator the platform cannot measure (staff with `registry.write` for the area),
/// with its evidence, in one transaction with the audit entry. A computed indicator is refused.
pub fn enter_value(
    store: &mut Store,
    who: &Principal,
    input: &ValueInput,
    now: i64,
) -> Result<IndicatorValue> {
    let actor = who.actor();
    let i = indicator(&input.indicator)
        .ok_or_else(|| Error::invalid(format!("{:?} is not in the catalogue", input.indicator)))?;
    if i.source != Source::Manual {
        return Err(Error::invalid(format!(
            "{} is computed from the platform's data, not entered",
            i.id
        )));
    }
    let period = Period::parse(&input.period).ok_or_else(|| {
        Error::invalid(format!(
            "period {:?} is not YYYY, YYYY-Qn or YYYY-MM",
            input.period
        ))
    })?;
    if !input.value.is_finite() || !(0.0..=100.0).contains(&input.value) {
        return Err(Error::invalid(format!(
            "value {} is not a percentage",
            input.value
        )));
    }
    if input.evidence.is_empty() {
        return Err(Error::invalid(
            "a value entered by hand needs its evidence (a document)",
        ));
    }
    store.in_transaction(|s| {
        check_area(s, &input.area)?;
        let target = match input.area.as_str() {
            "city" => On::CityWide,
            county => On::County(county),
        };
        who.require(Action::RegistryWrite, target)?;
        let mut v = IndicatorValue {
            id: 0,
            area: input.area.clone(),
            indicator: i.id.into(),
            period: period.code(),
            value: input.value,
            note: input.note.clone().filter(|n| !n.trim().is_empty()),
            entered_by: actor.as_str().into(),
            entered_at: now,
        };
        v.id = s.put_indicator_value(&v)?;
        for a in &input.evidence {
            s.attach(&format!("indicator_value:{}", v.id), a)?;
        }
        s.audit(
            actor.as_str(),
            "indicator_value",
            &format!("{} {} {}", v.area, v.indicator, v.period),
            Some(&format!(
                "{} {}, {} evidence file(s)",
                v.value,
                i.unit,
                input.evidence.len()
            )),
        )?;
        Ok(v)
    })
}

/// How a target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Met,
    /// A period under way whose figure so far does not meet the target.
    AtRisk,
    Missed,
    /// Nothing to judge by (no data, no value entered).
    NoData,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::AtRisk => "at_risk",
            Status::Missed => "missed",
            Status::NoData => "no_data",
        }
    }
}

/// The status of a target whose figure is `value`, its period over or not.
pub fn status(i: &Indicator, target: f64, value: Option<f64>, over: bool) -> Status {
    let Some(v) = value else {
        return Status::NoData;
    };
    let meets = match i.direction {
        Direction::AtLeast => v >= target,
        Direction::AtMost => v <= target,
    };
    match (meets, over) {
        (true, _) => Status::Met,
        (false, false) => Status::AtRisk,
        (false, true) => Status::Missed,
    }
}

/// A target with its figure and status.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessed {
    pub target: Target,
    pub indicator: &'static Indicator,
    pub figure: Option<compute::Figure>,
    pub status: Status,
    /// For an air target of the year under way: what the rest of the year must look like, and the
    /// probability of meeting it.
    pub projection: Option<projection::Projection>,
}

/// Every stored target with its figure (to date for a period under way) and status.
pub fn assess(
    store: &Store,
    tz: &jiff::tz::TimeZone,
    cache: &crate::figures::Cache,
    now: i64,
) -> store::Result<Vec<Assessed>> {
    let ctx = compute::Context { tz, cache, now };
    let today = crate::figures::local_date(tz, now);
    let mut out = Vec::new();
    for t in store.targets()? {
        let (Some(i), Some(period)) = (indicator(&t.indicator), Period::parse(&t.period)) else {
            continue; // a catalogue entry since withdrawn: nothing to judge by
        };
        let figure = compute::value(store, &ctx, i, &t.area, period)?;
        let over = period.days().1 <= today;
        let status = status(i, t.value, figure.as_ref().map(|f| f.value), over);
        let projection = match (period, projection::Projected::of(i.id)) {
            (Period::Year(year), Some(what)) if !over => {
                let sites = compute::sites_in(store, &t.area, &[store::SiteKind::AirStation])?;
                let refs: Vec<&store::Site> = sites.iter().collect();
                projection::project(store, &ctx, &refs, what, t.value, year)?
            }
            _ => None,
        };
        out.push(Assessed {
            target: t,
            indicator: i,
            figure,
            status,
            projection,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_and_span_their_days() {
        use jiff::civil::date;
        assert_eq!(Period::parse("2020"), Some(Period::Year(2020)));
        assert_eq!(Period::parse("2020-Q2"), Some(Period::Quarter(2020, 2)));
        assert_eq!(Period::parse("2020-05"), Some(Period::Month(2020, 5)));
        for bad in ["20", "2020-13", "2020-Q5", "2020-5", "abcd", "1999"] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Period::Quarter(2020, 4).days(),
            (date(2020, 10, 1), date(2021, 1, 1))
        );
        assert_eq!(
            Period::Month(2020, 2).days(),
            (date(2020, 2, 1), date(2020, 3, 1))
        );
        assert_eq!(Period::parse("2020-Q2").unwrap().code(), "2020-Q2");
        assert_eq!(Period::Month(2020, 5).year_before(), Period::Month(2019, 5));
    }

    #[test]
    fn status_by_direction_and_whether_the_period_is_over() {
        let good = indicator("air.good_day_ratio").unwrap();
        let heavy = indicator("air.heavy_days").unwrap();
        assert_eq!(status(good, 97.2, Some(97.2), true), Status::Met);
        assert_eq!(status(good, 97.2, Some(97.1), false), Status::AtRisk);
        assert_eq!(status(good, 97.2, Some(97.1), true), Status::Missed);
        assert_eq!(status(heavy, 0.0, Some(1.0), true), Status::Missed);
        assert_eq!(status(heavy, 3.0, Some(1.0), false), Status::Met);
        assert_eq!(status(good, 97.2, None, true), Status::NoData);
    }

    #[test]
    fn the_catalogue_has_unique_ids_and_the_demo_set_uses_it() {
        let mut ids: Vec<&str> = CATALOGUE.iter().map(|i| i.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), CATALOGUE.len());
        let rows = parse_csv(crate::demo::TARGETS).unwrap();
        assert_eq!(rows.len(), 17);
        assert!(
            rows.iter().all(|r| indicator(&r.indicator).is_some()),
            "{rows:?}"
        );
    }
}
