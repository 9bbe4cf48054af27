//! Water: samples from rollups, classes by GB 3838, the current state of each section and source, and
//! monthly classes.

use super::air::*;
use super::cache::Cache;
use super::calendar::*;
use jiff::tz::TimeZone;
use standards::Decimal;
use standards::water::{self, DrinkingCompliance, Evaluation, Parameter, WaterbodyKind};
use std::collections::BTreeMap;
use store::{Period, Site, SiteKind, Store};

// ---------------------------------------------------------------------------------------------------------
// Water.

/// The GB 3838 parameters with an HJ 212 code, as (code, parameter).
pub fn water_params() -> Vec<(&'static str, Parameter)> {
    Parameter::ALL
        .into_iter()
        .filter_map(|p| p.hj212_code().map(|c| (c, p)))
        .collect()
}

/// Rivers and lakes or reservoirs take different TP limits (GB 3838-2002 Table 1 item 8): the kind of the
/// water body the registry links the site to. A site linked to none is judged as a river (the table's
/// general column); the registry, not the site's name, is where a reservoir is said to be one.
pub fn waterbody_kind(store: &Store, site: &Site) -> store::Result<WaterbodyKind> {
    Ok(kind_of(store.site_waterbody(&site.id)?.as_ref()))
}

/// The GB 3838 kind of a registry water body (none: a river).
fn kind_of(waterbody: Option<&store::Waterbody>) -> WaterbodyKind {
    match waterbody.map(|w| w.kind) {
        Some(store::WaterbodyKind::Lake | store::WaterbodyKind::Reservoir) => {
            WaterbodyKind::LakeOrReservoir
        }
        Some(store::WaterbodyKind::River) | None => WaterbodyKind::River,
    }
}

/// A water sample: parameter values (valid means) of one hour, day or month.
pub type Sample = Vec<(Parameter, Decimal)>;

/// The current state of a water section or drinking-water source.
#[derive(Debug, Clone)]
pub struct WaterNow {
    pub site: Site,
    /// The name of the river, lake or reservoir the site samples, when the registry says.
    pub waterbody: Option<String>,
    pub kind: WaterbodyKind,
    pub hour: Option<i64>,
    pub sample: Sample,
    pub evaluation: Option<Evaluation>,
    /// For drinking-water sources: compliance of the sample.
    pub drinking: Option<DrinkingCompliance>,
    pub no_data: Option<NoData>,
}

/// Means of each water parameter of `site` over `[from, to)` from valid rollups of `period`, grouped by
/// `bucket(time)`: one [`Sample`] per bucket (the mean of the valid values of each parameter).
pub fn water_samples<K: Ord + Copy>(
    store: &Store,
    site: &str,
    period: Period,
    from: i64,
    to: i64,
    bucket: impl Fn(i64) -> K,
) -> store::Result<BTreeMap<K, Sample>> {
    let mut acc: BTreeMap<K, BTreeMap<Parameter, (Decimal, i64)>> = BTreeMap::new();
    for (code, p) in water_params() {
        for (t, mean, valid) in means(store, site, code, period, from, to)? {
            if let (true, Some(d)) = (valid, mean.and_then(decimal)) {
                let e = acc
                    .entry(bucket(t))
                    .or_default()
                    .entry(p)
                    .or_insert((Decimal::ZERO, 0));
                e.0 = e.0 + d;
                e.1 += 1;
            }
        }
    }
    Ok(acc
        .into_iter()
        .map(|(k, params)| {
            let sample = params
                .into_iter()
                .filter_map(|(p, (sum, n))| Some((p, sum.div(Decimal::from_int(n))?)))
                .collect();
            (k, sample)
        })
        .collect())
}

/// The current state of every water section and drinking-water source.
pub fn water_now(store: &Store, now: i64) -> store::Result<Vec<WaterNow>> {
    let devices: std::collections::HashSet<String> =
        store.devices()?.into_iter().map(|d| d.site_id).collect();
    let codes: Vec<&str> = water_params().iter().map(|(c, _)| *c).collect();
    let mut out = Vec::new();
    for site in store.sites()?.into_iter().filter(|s| {
        matches!(
            s.kind,
            SiteKind::WaterSection | SiteKind::DrinkingWaterSource
        )
    }) {
        let waterbody = store.site_waterbody(&site.id)?;
        let kind = kind_of(waterbody.as_ref());
        // The latest hour in the window whose sample can be evaluated.
        let latest = store.latest_rollup_time(&site.id, &codes, Period::Hour, now)?;
        let recent = water_samples(
            store,
            &site.id,
            Period::Hour,
            now - CURRENT_WATER_S,
            now + 1,
            |t| t,
        )?;
        let valid = recent
            .into_iter()
            .rev()
            .find_map(|(h, sample)| Some((h, water::evaluate(kind, &sample).ok()?, sample)));
        let mut item = WaterNow {
            site: site.clone(),
            waterbody: waterbody.map(|w| w.name),
            kind,
            hour: None,
            sample: Vec::new(),
            evaluation: None,
            drinking: None,
            no_data: None,
        };
        match (valid, latest) {
            (Some((h, evaluation, sample)), _) => {
                if site.kind == SiteKind::DrinkingWaterSource {
                    item.drinking = water::drinking_source_compliance(kind, &sample, &[]).ok();
                }
                item.hour = Some(h);
                item.sample = sample;
                item.evaluation = Some(evaluation);
            }
            (None, Some(h)) if now - h <= CURRENT_WATER_S => {
                item.no_data = Some(NoData::Invalid { hour: h });
            }
            _ => {
                item.no_data = Some(no_data_cause(
                    store,
                    &site,
                    &codes,
                    devices.contains(&site.id),
                    latest,
                )?)
            }
        }
        out.push(item);
    }
    Ok(out)
}

/// The class of a site's local `day`: the class of the day's mean sample (the mean of its valid hourly
/// values), `None` when nothing valid was measured.
pub fn day_class(
    store: &Store,
    tz: &TimeZone,
    site: &Site,
    day: jiff::civil::Date,
) -> store::Result<Option<Evaluation>> {
    let Some((kind, sample)) =
        period_sample(store, tz, site, (day, day.tomorrow().unwrap_or(day)))?
    else {
        return Ok(None);
    };
    Ok(water::evaluate(kind, &sample).ok())
}

/// A site's mean sample over the local days `[from, to)` (the mean of each parameter's valid hourly
/// values) and the kind of water body it is judged as; `None` when nothing valid was measured.
pub fn period_sample(
    store: &Store,
    tz: &TimeZone,
    site: &Site,
    (from, to): (jiff::civil::Date, jiff::civil::Date),
) -> store::Result<Option<(WaterbodyKind, Sample)>> {
    let kind = waterbody_kind(store, site)?;
    let mut samples = water_samples(
        store,
        &site.id,
        Period::Hour,
        day_start(tz, from),
        day_start(tz, to),
        |_| (),
    )?;
    Ok(samples.remove(&()).map(|s| (kind, s)))
}

/// The class of each of `months` of a site: the class of the monthly mean sample (the mean of the month's
/// valid hourly values; GB 3838 single-factor evaluation of the mean, 环办〔2011〕22号). A month is
/// computed once and kept in `cache` (see [`Cache`] for how long).
pub fn monthly_classes(
    store: &Store,
    tz: &TimeZone,
    cache: &Cache,
    site: &Site,
    months: &[(i16, i8)],
    now: i64,
) -> store::Result<BTreeMap<(i16, i8), Evaluation>> {
    let kind = waterbody_kind(store, site)?;
    let this_month = local_month(tz, now);
    let mut out = BTreeMap::new();
    for &m in months {
        let evaluation = match cache.month(&site.id, m, m == this_month) {
            Some(e) => e,
            None => {
                let from = day_start(tz, jiff::civil::date(m.0, m.1, 1));
                let to = day_start(tz, next_month(m.0, m.1));
                let samples = water_samples(store, &site.id, Period::Hour, from, to, |_| ())?;
                let e = samples.get(&()).and_then(|s| water::evaluate(kind, s).ok());
                cache.put_month(&site.id, m, e.clone());
                e
            }
        };
        if let Some(e) = evaluation {
            out.insert(m, e);
        }
    }
    Ok(out)
}
