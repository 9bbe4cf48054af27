//! Rankings of the counties (issue 16 item 3; workflows.md G): air by the comprehensive index of the
//! period and by its change against the same period a year before (环办监测〔2018〕19号), water by CWQI and
//! its change (环办监测〔2017〕51号). Lower is better in all four. Equal published values share a rank and
//! are marked tied (并列), the next rank skipping as many ("1, 2, 2, 4"); an area without the figure, or
//! excluded by the rules, is listed after the ranked ones with the reason.
//!
//! The water change ranking leaves out the sections at or better than class II in the base or the current
//! period that meet their target (their change says nothing about effort); a county all of whose sections
//! are left out is not ranked by change.

use super::Period;
use super::score::{Line, Method, breakdown, total};
use crate::figures::{Cache, city_days, local_date, period_sample};
use jiff::tz::TimeZone;
use standards::Decimal;
use standards::air::Gb3095;
use standards::water::WaterClass;
use store::{Site, SiteKind, Store};

/// One area's place in a ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub area: String,
    pub name: String,
    /// The figure ranked (as published: the index to two decimals, a change to one).
    pub value: Option<Decimal>,
    /// 1 is best; `None`: not ranked.
    pub rank: Option<usize>,
    /// Shares its rank with another area (并列).
    pub tied: bool,
    /// Why it is not ranked, when it is not.
    pub excluded: Option<String>,
}

/// Ranks `items` (area, name, value or the reason there is none), lower first (higher first with
/// `higher_first`: a score): competition ranking with ties, unranked ones last in the order given.
pub fn rank(
    items: Vec<(String, String, Result<Decimal, String>)>,
    higher_first: bool,
) -> Vec<Place> {
    let mut ranked: Vec<Place> = Vec::new();
    let mut rest: Vec<Place> = Vec::new();
    for (area, name, v) in items {
        match v {
            Ok(value) => ranked.push(Place {
                area,
                name,
                value: Some(value),
                rank: None,
                tied: false,
                excluded: None,
            }),
            Err(why) => rest.push(Place {
                area,
                name,
                value: None,
                rank: None,
                tied: false,
                excluded: Some(why),
            }),
        }
    }
    ranked.sort_by(|a, b| {
        let order = a.value.cmp(&b.value);
        if higher_first { order.reverse() } else { order }.then_with(|| a.area.cmp(&b.area))
    });
    let values: Vec<Option<Decimal>> = ranked.iter().map(|p| p.value).collect();
    for (i, place) in ranked.iter_mut().enumerate() {
        let first = (0..=i)
            .rev()
            .take_while(|j| values[*j] == values[i])
            .last()
            .unwrap_or(i);
        place.rank = Some(first + 1);
        place.tied = (i > 0 && values[i - 1] == values[i]) || values.get(i + 1) == Some(&values[i]);
    }
    ranked.extend(rest);
    ranked
}

/// The four rankings of a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Rankings {
    pub period: Period,
    /// The scoring method's version, when one is set, and the counties by score (per 100, higher first).
    pub method: Option<String>,
    pub score: Vec<Place>,
    pub air_index: Vec<Place>,
    pub air_change: Vec<Place>,
    pub water_cwqi: Vec<Place>,
    pub water_change: Vec<Place>,
}

fn sites_of(sites: &[Site], county: &str, kind: SiteKind) -> Vec<Site> {
    sites
        .iter()
        .filter(|s| s.kind == kind && s.county.as_deref() == Some(county))
        .cloned()
        .collect()
}

/// The county's composite index over `period` (to date), from its air stations' daily values.
fn air_index(
    store: &Store,
    tz: &TimeZone,
    cache: &Cache,
    stations: &[Site],
    period: Period,
    now: i64,
) -> store::Result<Result<Decimal, String>> {
    if stations.is_empty() {
        return Ok(Err("no air station".into()));
    }
    let (from, end) = period.days();
    let today = local_date(tz, now);
    let last = end.min(today).yesterday().unwrap_or(from);
    if last < from {
        return Ok(Err("the period has not begun".into()));
    }
    let refs: Vec<&Site> = stations.iter().collect();
    let days = city_days(store, cache, tz, &refs, (from, last), now)?;
    let readings: Vec<_> = days.iter().map(|d| d.readings).collect();
    let s = standards::composite::period_statistics(&readings);
    Ok(standards::composite::index(Gb3095::in_force_on(last), &s)
        .ok_or_else(|| "a pollutant without valid days".to_string()))
}

/// A section's period mean: its class and CWQI.
fn section(
    store: &Store,
    tz: &TimeZone,
    site: &Site,
    period: Period,
) -> store::Result<Option<(WaterClass, Decimal)>> {
    let Some((kind, sample)) = period_sample(store, tz, site, period.days())? else {
        return Ok(None);
    };
    let class = standards::water::evaluate(kind, &sample).map(|e| e.class);
    let index = standards::water::cwqi(kind, &sample).map(|c| c.total);
    Ok(class.ok().zip(index.ok()))
}

fn mean(values: &[Decimal]) -> Option<Decimal> {
    let sum: Decimal = values.iter().copied().sum();
    sum.div(Decimal::from_int(values.len() as i64))
}

/// The lines of `area`'s score on `method` over `period`: each item's figure and points.
pub fn lines_of(
    store: &Store,
    ctx: &super::compute::Context,
    method: &Method,
    area: &str,
    period: Period,
) -> store::Result<Vec<Line>> {
    let mut figures = Vec::new();
    for item in &method.items {
        let figure = match super::indicator(&item.indicator) {
            Some(i) => super::compute::value(store, ctx, i, area, period)?,
            None => None,
        };
        figures.push((item.indicator.clone(), figure.map(|f| f.value)));
    }
    Ok(breakdown(method, |i| {
        figures.iter().find(|f| f.0 == i).and_then(|f| f.1)
    }))
}

/// The counties ranked by their score on `method` over `period` (per 100, higher first).
pub fn scores(
    store: &Store,
    ctx: &super::compute::Context,
    method: &Method,
    period: Period,
) -> store::Result<Vec<Place>> {
    let mut items = Vec::new();
    for county in store.counties()? {
        let s = total(&lines_of(store, ctx, method, &county.code, period)?);
        items.push((
            county.code,
            county.name,
            match s.per_100() {
                Some(v) => Decimal::from_f64(v)
                    .map(|d| d.round_half_even(2))
                    .map_err(|_| "no score".to_string()),
                None => Err("no figure for any scored indicator".into()),
            },
        ));
    }
    Ok(rank(items, true))
}

/// The rankings of the counties over `period` (to date when under way), against the same period a year
/// before.
pub fn rankings(
    store: &Store,
    tz: &TimeZone,
    cache: &Cache,
    period: Period,
    method: Option<&Method>,
    now: i64,
) -> store::Result<Rankings> {
    let sites = store.sites()?;
    let reaches = store.reaches()?;
    let (mut air, mut air_change, mut water, mut water_change) = (vec![], vec![], vec![], vec![]);
    for county in store.counties()? {
        let entry = |v| (county.code.clone(), county.name.clone(), v);
        let stations = sites_of(&sites, &county.code, SiteKind::AirStation);
        let now_index = air_index(store, tz, cache, &stations, period, now)?;
        let before = air_index(store, tz, cache, &stations, period.year_before(), now)?;
        let change = match (&now_index, &before) {
            (Ok(i), Ok(b)) => standards::composite::change_percent(*i, *b)
                .ok_or_else(|| "a base index of zero".to_string()),
            (Err(e), _) => Err(e.clone()),
            (_, Err(e)) => Err(format!("last year: {e}")),
        };
        air.push(entry(now_index));
        air_change.push(entry(change));

        let (mut current, mut changes) = (Vec::new(), Vec::new());
        let mut left_out = 0;
        for s in sites_of(&sites, &county.code, SiteKind::WaterSection) {
            let Some((class, index)) = section(store, tz, &s, period)? else {
                continue;
            };
            current.push(index);
            let Some((base_class, base)) = section(store, tz, &s, period.year_before())? else {
                continue;
            };
            let target = crate::rivers::target_of(&reaches, &s.id).unwrap_or(WaterClass::III);
            let good = class <= WaterClass::II || base_class <= WaterClass::II;
            if good && class <= target {
                left_out += 1;
            } else {
                changes.push((index, base));
            }
        }
        let cwqi = mean(&current)
            .map(|m| m.round_half_even(2))
            .ok_or_else(|| "no section with a valid period mean".to_string());
        let change = if changes.is_empty() {
            Err(if left_out > 0 {
                format!("all {left_out} section(s) at class II or better and at target")
            } else {
                "no section with last year's mean".into()
            })
        } else {
            let now: Vec<Decimal> = changes.iter().map(|c| c.0).collect();
            let then: Vec<Decimal> = changes.iter().map(|c| c.1).collect();
            match (mean(&now), mean(&then)) {
                (Some(n), Some(t)) => standards::composite::change_percent(n, t)
                    .ok_or_else(|| "a base CWQI of zero".to_string()),
                _ => Err("no section with last year's mean".into()),
            }
        };
        water.push(entry(cwqi));
        water_change.push(entry(change));
    }
    Ok(Rankings {
        period,
        method: method.map(|m| m.version.clone()),
        score: match method {
            Some(m) => scores(
                store,
                &super::compute::Context { tz, cache, now },
                m,
                period,
            )?,
            None => Vec::new(),
        },
        air_index: rank(air, false),
        air_change: rank(air_change, false),
        water_cwqi: rank(water, false),
        water_change: rank(water_change, false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Result<Decimal, String> {
        Ok(s.parse().unwrap())
    }

    #[test]
    fn ties_share_a_rank_and_the_next_skips() {
        let items = vec![
            ("b".into(), "B".into(), d("3.20")),
            ("a".into(), "A".into(), d("3.10")),
            ("x".into(), "X".into(), Err("no air station".into())),
            ("c".into(), "C".into(), d("3.20")),
            ("e".into(), "E".into(), d("4.00")),
        ];
        let r = rank(items, false);
        let view: Vec<(&str, Option<usize>, bool)> = r
            .iter()
            .map(|p| (p.area.as_str(), p.rank, p.tied))
            .collect();
        assert_eq!(
            view,
            vec![
                ("a", Some(1), false),
                ("b", Some(2), true),
                ("c", Some(2), true),
                ("e", Some(4), false),
                ("x", None, false),
            ]
        );
        assert_eq!(r[4].excluded.as_deref(), Some("no air station"));
    }

    #[test]
    fn a_change_ranks_improvement_first() {
        let r = rank(
            vec![
                ("up".into(), "Up".into(), d("5.0")),
                ("down".into(), "Down".into(), d("-12.5")),
            ],
            false,
        );
        assert_eq!((r[0].area.as_str(), r[0].rank), ("down", Some(1)));
        // A score: higher first.
        let r = rank(
            vec![
                ("lo".into(), "Lo".into(), d("54.29")),
                ("hi".into(), "Hi".into(), d("80")),
            ],
            true,
        );
        assert_eq!((r[0].area.as_str(), r[0].rank), ("hi", Some(1)));
    }
}
