//! The counties' weighted score (issue 16 item 3): a scoring method as data, with a version, because the
//! bureau's method changes from year to year and no national county rule was found (workflows.md G). A
//! method lists indicators of the catalogue, each with a weight and a linear curve from the value that
//! scores nothing to the value that scores the full weight (either way round: for PM2.5 the full score is
//! at the lower value). An indicator an area has no figure for is left out of its score and named, and
//! the score is then out of the weights that remain, so an area is not punished for a missing monitor.
//!
//! File (`targets.score_method`, CSV): `version,indicator,weight,full_at,zero_at`, one line per item, one
//! version per file.

use crate::{Error, Result};
use serde::Deserialize;

/// One item of a method.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub version: String,
    pub indicator: String,
    pub weight: f64,
    /// The value scoring the full weight, and the value scoring nothing.
    pub full_at: f64,
    pub zero_at: f64,
}

/// A scoring method.
#[derive(Debug, Clone, PartialEq)]
pub struct Method {
    pub version: String,
    pub items: Vec<Item>,
}

impl Method {
    /// Reads and checks a method file: one version, known indicators, positive weights, distinct ends.
    pub fn parse(text: &str) -> Result<Method> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let items = reader
            .deserialize::<Item>()
            .enumerate()
            .map(|(i, row)| {
                let row =
                    row.map_err(|e| Error::invalid(format!("score method line {}: {e}", i + 2)))?;
                let bad = |m: &str| Error::invalid(format!("score method line {}: {m}", i + 2));
                if super::indicator(&row.indicator).is_none() {
                    return Err(bad(&format!("{:?} is not in the catalogue", row.indicator)));
                }
                if !(row.weight.is_finite() && row.weight > 0.0) {
                    return Err(bad("the weight is not a positive number"));
                }
                if !(row.full_at.is_finite() && row.zero_at.is_finite())
                    || row.full_at == row.zero_at
                {
                    return Err(bad("full_at and zero_at are two different numbers"));
                }
                Ok(row)
            })
            .collect::<Result<Vec<Item>>>()?;
        let Some(version) = items.first().map(|i| i.version.clone()) else {
            return Err(Error::invalid("the score method has no item"));
        };
        if items.iter().any(|i| i.version != version) {
            return Err(Error::invalid("a score method file holds one version"));
        }
        Ok(Method { version, items })
    }
}

/// The score of one item for `value`: the weight times where the value lies between `zero_at` and
/// `full_at`, clamped to [0, weight].
pub fn item_score(item: &Item, value: f64) -> f64 {
    let share = (value - item.zero_at) / (item.full_at - item.zero_at);
    item.weight * share.clamp(0.0, 1.0)
}

/// An area's score on the method: the points, the weights they are out of, and the indicators left out
/// for want of a figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub points: f64,
    pub out_of: f64,
    pub left_out: Vec<String>,
}

impl Score {
    /// Points per 100 of the weights scored (comparable between areas with different items left out),
    /// to two decimals.
    pub fn per_100(&self) -> Option<f64> {
        (self.out_of > 0.0).then(|| (self.points / self.out_of * 10_000.0).round() / 100.0)
    }
}

/// One item of an area's score: its figure and the points it earned (`None` without a figure).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub item: Item,
    pub figure: Option<f64>,
    pub points: Option<f64>,
}

/// The items of an area's score, one by one (for its page).
pub fn breakdown(method: &Method, mut figure: impl FnMut(&str) -> Option<f64>) -> Vec<Line> {
    method
        .items
        .iter()
        .map(|item| {
            let f = figure(&item.indicator);
            Line {
                item: item.clone(),
                figure: f,
                points: f.map(|v| item_score(item, v)),
            }
        })
        .collect()
}

/// Scores an area whose figures are `figure(indicator)`.
pub fn score(method: &Method, figure: impl FnMut(&str) -> Option<f64>) -> Score {
    total(&breakdown(method, figure))
}

/// The score the lines of a [`breakdown`] add up to.
pub fn total(lines: &[Line]) -> Score {
    let mut s = Score {
        points: 0.0,
        out_of: 0.0,
        left_out: Vec::new(),
    };
    for l in lines {
        match l.points {
            Some(p) => {
                s.points += p;
                s.out_of += l.item.weight;
            }
            None => s.left_out.push(l.item.indicator.clone()),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const METHOD: &str = "version,indicator,weight,full_at,zero_at
2026-demo,air.good_day_ratio,40,97.2,80
2026-demo,air.pm2_5,30,25,50
2026-demo,water.assessed_good_share,30,100,60
";

    #[test]
    fn curves_run_either_way_and_clamp() {
        let m = Method::parse(METHOD).unwrap();
        assert_eq!(m.version, "2026-demo");
        let good = &m.items[0];
        assert_eq!(item_score(good, 97.2), 40.0);
        assert_eq!(item_score(good, 100.0), 40.0);
        assert_eq!(item_score(good, 70.0), 0.0);
        // Halfway from 80 to 97.2 is 88.6: 20 points.
        assert!((item_score(good, 88.6) - 20.0).abs() < 1e-9);
        let pm = &m.items[1];
        // Lower is better: 35 is 15 of the 25 µg/m³ from 50 towards 25: 18 points.
        assert!((item_score(pm, 35.0) - 18.0).abs() < 1e-9);
    }

    #[test]
    fn a_missing_figure_is_left_out_and_named() {
        let m = Method::parse(METHOD).unwrap();
        // 88.6 % good days (20 of 40), PM2.5 35 (18 of 30), water unknown: 38 of 70 → 54.29 per 100.
        let s = score(&m, |i| match i {
            "air.good_day_ratio" => Some(88.6),
            "air.pm2_5" => Some(35.0),
            _ => None,
        });
        assert!((s.points - 38.0).abs() < 1e-9);
        assert_eq!(s.out_of, 70.0);
        assert_eq!(s.per_100(), Some(54.29));
        assert_eq!(s.left_out, vec!["water.assessed_good_share".to_string()]);
        let lines = breakdown(&m, |i| (i == "air.pm2_5").then_some(35.0));
        assert_eq!(lines.len(), 3);
        assert_eq!(
            (lines[1].figure, lines[1].points.map(|p| p.round())),
            (Some(35.0), Some(18.0))
        );
        assert_eq!(lines[0].points, None);
    }

    #[test]
    fn a_bad_method_is_refused_by_line() {
        for (text, what) in [
            (
                "version,indicator,weight,full_at,zero_at\nv,air.nothing,1,1,0\n",
                "line 2",
            ),
            (
                "version,indicator,weight,full_at,zero_at\nv,air.pm2_5,0,25,50\n",
                "weight",
            ),
            (
                "version,indicator,weight,full_at,zero_at\nv,air.pm2_5,1,25,25\n",
                "different",
            ),
            (
                "version,indicator,weight,full_at,zero_at\nv,air.pm2_5,1,25,50\nw,air.heavy_days,1,0,10\n",
                "one version",
            ),
        ] {
            let e = Method::parse(text).unwrap_err().to_string();
            assert!(e.contains(what), "{e}");
        }
    }
}
