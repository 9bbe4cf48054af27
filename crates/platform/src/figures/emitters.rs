//! Key emitters: each outlet's latest values against its limit, exceedance hours and completeness.

use super::air::*;
use super::calendar::*;
use jiff::tz::TimeZone;
use standards::Decimal;
use standards::emissions::{
    self, Gb8978Grade, Gb18918Conditions, Gb18918Grade, Limit, MeasuredConcentration, OxygenPolicy,
    WastewaterItem,
};
use standards::hj212_codes as codes;
use std::collections::{BTreeMap, HashMap};
use store::{EmissionStandard, Enterprise, Period, Site, SiteKind, Store};

// ---------------------------------------------------------------------------------------------------------
// Key emitters.

/// The limit an outlet's parameter is judged against, and where it comes from.
#[derive(Debug, Clone)]
pub struct OutletLimit {
    pub limit: Limit,
    /// Reference O2 (%), when the standard corrects to one.
    pub reference_o2: Option<Decimal>,
    /// The standard, or the permit, the limit comes from, in words.
    pub standard: String,
    /// The permit number, when the limit is the permit's.
    pub permit: Option<String>,
}

/// The limit of parameter `code` at an outlet on `day`: the permit version in force and its (seasonal)
/// limit; where no permit names the parameter, the outlet's standard ([`outlet_limit`]).
pub fn limit_on_day(
    site: &Site,
    code: &str,
    permits: &[store::Permit],
    day: jiff::civil::Date,
) -> Option<OutletLimit> {
    if let Some((permit, outlet)) = crate::permits::in_force(permits, &site.id, day)
        && let Some(l) = crate::permits::limit_on(outlet, code, day)
        && let Ok(limit) = Decimal::from_f64(l.limit)
    {
        return Some(OutletLimit {
            limit: Limit::AtMost(limit),
            reference_o2: l.reference_o2.and_then(|o| Decimal::from_f64(o).ok()),
            standard: format!("排污许可证 / permit {}", permit.number),
            permit: Some(permit.number.clone()),
        });
    }
    outlet_limit(site, code)
}

/// An outlet parameter: HJ 212 code, names, unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutletParam {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub unit: &'static str,
}

/// Parameters shown for flue-gas outlets (codes from the standards engine's HJ 212 table).
pub const FLUE_PARAMS: [OutletParam; 4] = [
    OutletParam {
        code: codes::FLUE_GAS[0].0,
        name_zh: "颗粒物",
        name_en: "Particulate matter",
        unit: "mg/m³",
    },
    OutletParam {
        code: codes::FLUE_GAS[1].0,
        name_zh: "二氧化硫",
        name_en: "SO2",
        unit: "mg/m³",
    },
    OutletParam {
        code: codes::FLUE_GAS[2].0,
        name_zh: "氮氧化物",
        name_en: "NOx",
        unit: "mg/m³",
    },
    OutletParam {
        code: codes::OXYGEN,
        name_zh: "氧含量",
        name_en: "O2",
        unit: "%",
    },
];

/// Parameters shown for wastewater outlets (codes from the standards engine's HJ 212 table).
pub const WASTEWATER_PARAMS: [OutletParam; 5] = [
    OutletParam {
        code: codes::WASTEWATER[0].0,
        name_zh: "化学需氧量",
        name_en: "COD",
        unit: "mg/L",
    },
    OutletParam {
        code: codes::WASTEWATER[1].0,
        name_zh: "氨氮",
        name_en: "NH3-N",
        unit: "mg/L",
    },
    OutletParam {
        code: codes::WASTEWATER[2].0,
        name_zh: "总磷",
        name_en: "TP",
        unit: "mg/L",
    },
    OutletParam {
        code: codes::WASTEWATER[3].0,
        name_zh: "总氮",
        name_en: "TN",
        unit: "mg/L",
    },
    OutletParam {
        code: codes::WASTEWATER[4].0,
        name_zh: "pH值",
        name_en: "pH",
        unit: "",
    },
];

/// The limit of parameter `code` at an outlet under the standard the registry names for it
/// ([`Site::emission_standard`]); a permit's limit comes first ([`limit_on_day`]). An outlet without a standard, or whose standard has no limit for the parameter, gets none, which
/// the page says (sector standards such as cement, aluminium and silicon are not in the standards engine).
pub fn outlet_limit(site: &Site, code: &str) -> Option<OutletLimit> {
    match (site.kind, site.emission_standard?) {
        (SiteKind::FlueGasOutlet, EmissionStandard::UltraLow) => {
            let pollutant = standards::hj212_codes::flue_gas_pollutant(code)?;
            let l = emissions::ultra_low_limit(pollutant)?;
            Some(OutletLimit {
                limit: Limit::AtMost(l.limit),
                reference_o2: l.reference_o2,
                standard: "超低排放 / ultra-low (发改能源〔2014〕2093号)".into(),
                permit: None,
            })
        }
        (SiteKind::WastewaterOutlet, EmissionStandard::Gb18918OneA) => {
            let item = standards::hj212_codes::wastewater_item(code)?;
            let l =
                emissions::gb18918_limit(item, Gb18918Grade::OneA, Gb18918Conditions::default())?;
            Some(OutletLimit {
                limit: l,
                reference_o2: None,
                standard: "GB 18918-2002 一级A".into(),
                permit: None,
            })
        }
        (SiteKind::WastewaterOutlet, EmissionStandard::Gb8978One) => {
            // GB 8978 limits phosphate (as P), the closest of its items to total phosphorus.
            let item = match standards::hj212_codes::wastewater_item(code)? {
                WastewaterItem::TotalPhosphorus => WastewaterItem::Phosphate,
                item => item,
            };
            let l = emissions::gb8978_limit(item, Gb8978Grade::One)?;
            Some(OutletLimit {
                limit: l,
                reference_o2: None,
                standard: "GB 8978-1996 一级".into(),
                permit: None,
            })
        }
        // A standard that does not fit the outlet's kind (the registry refuses it) judges nothing.
        _ => None,
    }
}

/// A value judged against its limit: oxygen-corrected first when the limit says so.
#[derive(Debug, Clone, Copy)]
pub struct Judged {
    pub measured: f64,
    /// The oxygen-corrected value (折算浓度) when a reference O2 applies and O2 was measured.
    pub corrected: Option<f64>,
    pub verdict: Option<emissions::Verdict>,
    /// The correction was needed but impossible (no O2, or O2 too high): not judged.
    pub correction_failed: bool,
}

/// Judges one hourly value of an outlet parameter.
pub fn judge(limit: Option<&OutletLimit>, value: f64, o2: Option<f64>) -> Judged {
    let mut j = Judged {
        measured: value,
        corrected: None,
        verdict: None,
        correction_failed: false,
    };
    let (Some(l), Some(v)) = (limit, decimal(value)) else {
        return j;
    };
    let compared = match l.reference_o2 {
        Some(reference) => match o2.and_then(decimal).map(|o2| {
            emissions::oxygen_corrected(
                MeasuredConcentration(v),
                o2,
                reference,
                OxygenPolicy::default(),
            )
        }) {
            Some(Ok(c)) => {
                j.corrected = Some(c.0.to_f64());
                c.0
            }
            _ => {
                j.correction_failed = true;
                return j;
            }
        },
        None => v,
    };
    j.verdict = Some(emissions::check(compared, l.limit));
    j
}

/// One parameter of an outlet on the emitters page.
#[derive(Debug, Clone)]
pub struct OutletValue {
    pub param: OutletParam,
    pub limit: Option<OutletLimit>,
    pub latest: Option<Judged>,
    /// Hours of the month so far in exceedance episodes (a day judged on its daily mean counts 24).
    pub exceedance_hours: u32,
    /// Exceedance episodes this month (as determined: [`crate::determinations`]).
    pub exceedance_episodes: u32,
    /// Valid hourly means this month over hours elapsed this month.
    pub valid_hours: u32,
}

/// An outlet and its figures.
#[derive(Debug, Clone)]
pub struct OutletNow {
    pub site: Site,
    pub hour: Option<i64>,
    pub values: Vec<OutletValue>,
    pub hours_elapsed: u32,
    /// Values of the latest hour not yet reviewed (tier preliminary) / all values of that hour.
    pub preliminary: (i64, i64),
    pub no_data: Option<NoData>,
}

/// An enterprise with its outlets.
#[derive(Debug, Clone)]
pub struct EmitterNow {
    pub enterprise: Enterprise,
    pub outlets: Vec<OutletNow>,
}

/// Every enterprise's outlets at `now`: latest hourly values against limits, exceedance hours and
/// completeness of the local month so far.
pub fn emitters_now(store: &Store, tz: &TimeZone, now: i64) -> store::Result<Vec<EmitterNow>> {
    let today = local_date(tz, now);
    let month_start = day_start(tz, jiff::civil::date(today.year(), today.month(), 1));
    let hours_elapsed = ((now - month_start) / 3600).max(1) as u32;
    let sites = store.sites()?;
    let permits = store.permits()?;
    let devices: std::collections::HashSet<String> =
        store.devices()?.into_iter().map(|d| d.site_id).collect();
    let mut out = Vec::new();
    for e in store.enterprises()? {
        let mut outlets = Vec::new();
        for site in sites
            .iter()
            .filter(|s| s.enterprise_id.as_deref() == Some(e.id.as_str()))
        {
            let params: &[OutletParam] = match site.kind {
                SiteKind::FlueGasOutlet => &FLUE_PARAMS,
                SiteKind::WastewaterOutlet => &WASTEWATER_PARAMS,
                _ => continue,
            };
            let codes: Vec<&str> = params.iter().map(|p| p.code).collect();
            // The month so far, and at least the "current" window before it.
            let read_from = month_start.min(now - CURRENT_AIR_S - 3600);
            let mut series: HashMap<&str, BTreeMap<i64, f64>> = HashMap::new();
            for p in params {
                let s = means(store, &site.id, p.code, Period::Hour, read_from, now + 1)?
                    .into_iter()
                    .filter_map(|(t, m, valid)| Some((t, m.filter(|_| valid)?)))
                    .collect();
                series.insert(p.code, s);
            }
            let latest = store.latest_rollup_time(&site.id, &codes, Period::Hour, now)?;
            // The latest hour with a valid mean of any parameter (the hour in progress is not yet one).
            let current = series
                .values()
                .filter_map(|s| s.keys().next_back().copied())
                .max()
                .filter(|&h| now - h <= CURRENT_AIR_S);
            let o2 = series.get(O2_PARAM).cloned().unwrap_or_default();
            // The month's episodes as determined (the API's), daily limits included.
            let month_episodes = crate::determinations::current(
                store,
                std::slice::from_ref(site),
                None,
                true,
                month_start,
                now + 1,
            )?;
            let mut values = Vec::new();
            for p in params {
                let limit = limit_on_day(site, p.code, &permits, today);
                let s = &series[p.code];
                let episodes: Vec<_> = month_episodes
                    .iter()
                    .filter(|e| e.param == p.code)
                    .collect();
                let exceedance_hours = episodes
                    .iter()
                    .filter_map(|e| e.exceedance.as_ref())
                    .map(|e| e.hours as u32)
                    .sum();
                let exceedance_episodes = episodes.len() as u32;
                let latest = current.and_then(|h| {
                    s.get(&h)
                        .map(|v| judge(limit.as_ref(), *v, o2.get(&h).copied()))
                });
                values.push(OutletValue {
                    param: *p,
                    limit,
                    latest,
                    exceedance_hours,
                    exceedance_episodes,
                    valid_hours: s.range(month_start..).count() as u32,
                });
            }
            let preliminary = match current {
                Some(h) => store.tier_counts(&site.id, &codes, h, h + 3600)?,
                None => (0, 0),
            };
            let no_data = match (current, latest) {
                (Some(_), _) => None,
                (None, Some(h)) if now - h <= CURRENT_AIR_S => Some(NoData::Invalid { hour: h }),
                (None, _) => Some(no_data_cause(
                    store,
                    site,
                    &codes,
                    devices.contains(&site.id),
                    latest,
                )?),
            };
            outlets.push(OutletNow {
                site: site.clone(),
                hour: current,
                values,
                hours_elapsed,
                preliminary,
                no_data,
            });
        }
        if !outlets.is_empty() {
            out.push(EmitterNow {
                enterprise: e,
                outlets,
            });
        }
    }
    Ok(out)
}
