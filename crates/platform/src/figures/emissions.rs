//! Emission quantities of outlets over a month or a year (workflows.md A4, B3): each local hour's mass
//! from the valid hourly mean concentration (measured, never O2-corrected) and the same hour's valid flow
//! (flue gas `a00000` m³/s, wastewater `w00000` L/s), and for hours whose data are invalid while the source
//! ran, the HJ 75-2017 substitute (`supervision::quantities::account`, per calendar quarter of the range),
//! kept apart. An hour whose flow was flagged F (stopped) and never N emits nothing and is not counted in
//! the capture rate. Hours without any rule (capture below 75 %) are counted, not guessed.

use super::{FLUE_PARAMS, WASTEWATER_PARAMS};
use crate::permits::in_force;
use crate::series::rollups::{local_start, next_start};
use crate::supervision::quantities::{HourState, account, hourly_mass_kg, tonnes};
use hj212::cp::DataFlag;
use jiff::tz::TimeZone;
use standards::Decimal;
use standards::emissions::MeasuredConcentration;
use std::collections::{BTreeMap, HashMap};
use store::{Interval, Period, Permit, Site, SiteKind, Store};

/// Flue-gas flow (m³/s, dry standard state; HJ 212-2017).
pub const FLUE_FLOW: &str = "a00000";
/// Wastewater flow (L/s; HJ 212-2017).
pub const WATER_FLOW: &str = "w00000";

/// One outlet and pollutant over the range.
#[derive(Debug, Clone, PartialEq)]
pub struct EmissionRow {
    pub site: String,
    pub param: String,
    pub measured_t: f64,
    pub substituted_t: f64,
    pub total_t: f64,
    /// The permitted annual quantity of the permit in force at the range's end, tonnes.
    pub permitted_t: Option<f64>,
    /// Invalid hours HJ 75 gives no substitute for (capture rate below 75 %).
    pub unaccounted_hours: u32,
}

/// The pollutants whose mass an outlet reports: those of its kind with a limit of some kind (not O2, pH
/// or flow).
fn pollutants(site: &Site) -> Vec<&'static str> {
    match site.kind {
        SiteKind::FlueGasOutlet => FLUE_PARAMS[..3].iter().map(|p| p.code).collect(),
        SiteKind::WastewaterOutlet => WASTEWATER_PARAMS[..4].iter().map(|p| p.code).collect(),
        _ => Vec::new(),
    }
}

/// The emission rows of `sites` over the local hours of `[from, to)`.
pub fn emissions(
    store: &Store,
    tz: &TimeZone,
    sites: &[Site],
    from: i64,
    to: i64,
) -> store::Result<Vec<EmissionRow>> {
    let permits: Vec<Permit> = store.permits()?;
    let last_day = jiff::Timestamp::from_second(to - 1)
        .map(|t| t.to_zoned(tz.clone()).date())
        .map_err(|e| store::StoreError::Corrupt(format!("time {to}: {e}")))?;
    let mut out = Vec::new();
    for site in sites {
        let flow_code = match site.kind {
            SiteKind::FlueGasOutlet => FLUE_FLOW,
            SiteKind::WastewaterOutlet => WATER_FLOW,
            _ => continue,
        };
        let mut hourly: HashMap<String, BTreeMap<i64, Option<Decimal>>> = HashMap::new();
        for r in store.site_rollups(&site.id, Period::Hour, from, to)? {
            let mean = r
                .mean
                .filter(|_| r.valid)
                .and_then(|m| Decimal::from_f64(m).ok());
            hourly.entry(r.param).or_default().insert(r.time, mean);
        }
        let flow = hourly.get(flow_code).cloned().unwrap_or_default();
        // The hours of the range, each with whether the source was stopped (flow flagged F, never N).
        let mut hours = Vec::new();
        let mut at = local_start(from, tz, Period::Hour);
        while at < to {
            let next = next_start(at, tz, Period::Hour);
            // Only an hour with flow data that are not valid needs its flags read: an hour without any
            // is not known to be stopped (and a year of such hours must not cost a read each).
            let stopped = match flow.get(&at) {
                Some(Some(_)) | None => false,
                Some(None) => {
                    // As corrected: a corrected flow is a normal value, the source was running.
                    let values = crate::series::corrections::values(
                        store,
                        &site.id,
                        flow_code,
                        Interval::Realtime,
                        at,
                        next,
                    )?;
                    let flags: Vec<DataFlag> = values
                        .iter()
                        .map(|v| v.flag.as_deref().map_or(DataFlag::Normal, DataFlag::parse))
                        .collect();
                    flags.contains(&DataFlag::Stopped) && !flags.iter().any(|f| f.is_valid())
                }
            };
            hours.push((at, stopped));
            at = next;
        }
        let permitted = in_force(&permits, &site.id, last_day).map(|(_, o)| &o.annual);
        for code in pollutants(site) {
            let conc = hourly.get(code);
            if conc.is_none() && permitted.is_none_or(|a| !a.iter().any(|q| q.param == code)) {
                continue;
            }
            let states: Vec<(i64, HourState)> = hours
                .iter()
                .map(|(t, stopped)| {
                    let c = conc.and_then(|c| c.get(t).copied().flatten());
                    let q = flow.get(t).copied().flatten();
                    let state = match (c, q, stopped) {
                        (_, _, true) => HourState::Stopped,
                        (Some(c), Some(q), _) => {
                            HourState::Measured(hourly_mass_kg(MeasuredConcentration(c), q))
                        }
                        _ => HourState::Invalid,
                    };
                    (*t, state)
                })
                .collect();
            // HJ 75's capture rate is a quarter's: account each calendar quarter of the range apart.
            let mut quarters: BTreeMap<(i16, i8), Vec<(i64, HourState)>> = BTreeMap::new();
            for (t, s) in states {
                let d = jiff::Timestamp::from_second(t)
                    .map(|ts| ts.to_zoned(tz.clone()).date())
                    .map_err(|e| store::StoreError::Corrupt(format!("hour {t}: {e}")))?;
                quarters
                    .entry((d.year(), (d.month() - 1) / 3))
                    .or_default()
                    .push((t, s));
            }
            let (mut measured, mut substituted, mut unaccounted) =
                (Decimal::ZERO, Decimal::ZERO, 0u32);
            for q in quarters.values() {
                let states: Vec<HourState> = q.iter().map(|(_, s)| *s).collect();
                for a in account(q[0].0, &states) {
                    measured = measured + a.measured_kg;
                    substituted = substituted + a.substituted_kg;
                    unaccounted += u32::from(a.unaccounted);
                }
            }
            let (m, s) = (tonnes(measured), tonnes(substituted));
            out.push(EmissionRow {
                site: site.id.clone(),
                param: code.to_string(),
                measured_t: m.to_f64(),
                substituted_t: s.to_f64(),
                total_t: (m + s).to_f64(),
                permitted_t: permitted
                    .and_then(|a| a.iter().find(|q| q.param == code))
                    .map(|q| q.tonnes),
                unaccounted_hours: unaccounted,
            });
        }
    }
    Ok(out)
}

/// A total of emission rows over an enterprise, a county or the whole selection.
#[derive(Debug, Clone, PartialEq)]
pub struct EmissionTotal {
    /// `enterprise`, `county` or `all`.
    pub scope: &'static str,
    /// The enterprise id or county code (`None` for `all`).
    pub id: Option<String>,
    pub param: String,
    pub measured_t: f64,
    pub substituted_t: f64,
    pub total_t: f64,
    /// The permitted annual quantities summed, when every outlet in the total has one.
    pub permitted_t: Option<f64>,
}

/// (scope, enterprise or county, pollutant).
type TotalKey = (&'static str, Option<String>, String);
/// (measured, substituted, permitted: `None` once an outlet without a permitted quantity is added).
type Sums = (Decimal, Decimal, Option<Decimal>);

/// The rows summed by enterprise, by county and over all of them, per pollutant.
pub fn totals(rows: &[EmissionRow], sites: &[Site]) -> Vec<EmissionTotal> {
    let mut sums: BTreeMap<TotalKey, Sums> = BTreeMap::new();
    let dec = |x: f64| Decimal::from_f64(x).unwrap_or(Decimal::ZERO);
    for r in rows {
        let site = sites.iter().find(|s| s.id == r.site);
        let keys = [
            ("enterprise", site.and_then(|s| s.enterprise_id.clone())),
            ("county", site.and_then(|s| s.county.clone())),
            ("all", None),
        ];
        for (scope, id) in keys {
            if scope != "all" && id.is_none() {
                continue;
            }
            let e = sums.entry((scope, id, r.param.clone())).or_insert((
                Decimal::ZERO,
                Decimal::ZERO,
                Some(Decimal::ZERO),
            ));
            e.0 = e.0 + dec(r.measured_t);
            e.1 = e.1 + dec(r.substituted_t);
            e.2 = match (e.2, r.permitted_t) {
                (Some(sum), Some(p)) => Some(sum + dec(p)),
                _ => None,
            };
        }
    }
    sums.into_iter()
        .map(|((scope, id, param), (m, s, p))| EmissionTotal {
            scope,
            id,
            param,
            measured_t: m.to_f64(),
            substituted_t: s.to_f64(),
            total_t: (m + s).to_f64(),
            permitted_t: p.map(Decimal::to_f64),
        })
        .collect()
}

/// The total (measured + substituted) tonnes of each outlet and pollutant over the twelve months that end
/// where `to` ends (`[to − 12 months, to)`, local time), the span a permitted annual quantity is judged
/// over ("any 12 consecutive months").
pub fn rolling_12_months(
    store: &Store,
    tz: &TimeZone,
    sites: &[Site],
    to: i64,
) -> store::Result<HashMap<(String, String), f64>> {
    let end = jiff::Timestamp::from_second(to)
        .map(|t| t.to_zoned(tz.clone()))
        .map_err(|e| store::StoreError::Corrupt(format!("time {to}: {e}")))?;
    let start = end
        .checked_sub(jiff::Span::new().months(12))
        .map_err(|e| store::StoreError::Corrupt(format!("12 months before {to}: {e}")))?;
    Ok(
        emissions(store, tz, sites, start.timestamp().as_second(), to)?
            .into_iter()
            .map(|r| ((r.site, r.param), r.total_t))
            .collect(),
    )
}
