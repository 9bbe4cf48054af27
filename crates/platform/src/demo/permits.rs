//! The demo city's permits: one per demo enterprise, its outlet the main outlet. Limits come from the
//! standards engine for the outlet's standard, as the portal judges it (`figures::outlet_limit`: the power
//! plants' ultra-low limits, GB 18918 grade 1A for the WWTPs, GB 8978 grade 1 for the other effluents),
//! never typed here; the outlets whose sector standard
//! (cement, aluminium, glass, silicon...) the engine does not hold yet get a permit without limits, and
//! the console and API show that. Annual quantities are demo figures (marked so in the permit's authority):
//! the limit × a design flow × operating hours, from the plant sizes in `stations.csv`.

use crate::figures::{FLUE_PARAMS, OutletParam, WASTEWATER_PARAMS, outlet_limit};
use crate::permits::baselines::BaselineInput;
use crate::permits::{AnnualInput, LimitInput, OutletInput, PermitInput};
use crate::registry::RegistryData;
use standards::emissions::Limit;
use std::collections::HashMap;
use store::{Site, SiteKind};

/// Who issued a demo permit: says plainly that it is demo data.
pub const DEMO_AUTHORITY: &str = "昭通市生态环境局（演示数据）";

/// Operating hours a year assumed for the demo's annual quantities.
const HOURS_A_YEAR: f64 = 6000.0;

/// (HJ 212 code, limit, unit, averaging, reference O2) of every parameter the outlet's standard limits
/// ([`outlet_limit`], as the portal judges it); a range such as pH has no single value and is left out.
/// Flue gas is judged hourly, effluents on the daily mean (workflows.md A5).
fn limits(site: &Site) -> Vec<(&'static str, f64, &'static str, &'static str, Option<f64>)> {
    let (params, unit, averaging): (&[OutletParam], _, _) = match site.kind {
        SiteKind::FlueGasOutlet => (&FLUE_PARAMS, "mg/m3", "hour"),
        SiteKind::WastewaterOutlet => (&WASTEWATER_PARAMS, "mg/L", "day"),
        _ => return Vec::new(),
    };
    params
        .iter()
        .filter_map(|p| {
            let l = outlet_limit(site, p.code)?;
            let Limit::AtMost(v) = l.limit else {
                return None;
            };
            Some((
                p.code,
                v.to_f64(),
                unit,
                averaging,
                l.reference_o2.map(|o| o.to_f64()),
            ))
        })
        .collect()
}

/// The design flow of a demo source, m³/h: flue gas from the units in the power plants' names (about
/// 3,200 m³/h per MW), effluent from the WWTPs' design capacity (万m³/d in their notes), otherwise a
/// modest default. Demo figures only.
fn design_flow_m3_h(site: &Site, notes: &str) -> f64 {
    let name = &site.name;
    if let Some((units, mw)) = name
        .split_whitespace()
        .find_map(|w| w.split_once("x"))
        .and_then(|(u, mw)| {
            Some((
                u.parse::<f64>().ok()?,
                mw.trim_end_matches("MW").parse::<f64>().ok()?,
            ))
        })
    {
        return units * mw * 3200.0;
    }
    if let Some(wan) = notes
        .split("design ")
        .nth(1)
        .and_then(|r| r.split("万m3/d").next())
        .and_then(|n| n.parse::<f64>().ok())
    {
        return wan * 10_000.0 / 24.0;
    }
    match site.kind {
        store::SiteKind::WastewaterOutlet => 200.0,
        _ => 200_000.0,
    }
}

/// One permit per demo enterprise, valid 2026–2030.
pub fn permits(city: &RegistryData, notes: &HashMap<String, String>) -> Vec<PermitInput> {
    city.sites
        .iter()
        .filter_map(|site| {
            let enterprise = site.enterprise_id.clone()?;
            let flow = design_flow_m3_h(site, notes.get(&site.id).map_or("", String::as_str));
            let limits = limits(site);
            let annual = limits
                .iter()
                .map(|(code, limit, unit, _, _)| {
                    // mg/m³ × m³ = mg; mg/L × m³ = g: both to tonnes.
                    let per_t = if *unit == "mg/L" { 1e-6 } else { 1e-9 };
                    AnnualInput {
                        param: code.to_string(),
                        tonnes: ((limit * flow * HOURS_A_YEAR * per_t) * 10.0).round() / 10.0,
                    }
                })
                .filter(|a| a.tonnes > 0.0)
                .collect();
            Some(PermitInput {
                number: format!(
                    "91{}DEMO{}001P",
                    site.county.as_deref().unwrap_or("530600"),
                    site.id
                ),
                enterprise,
                authority: Some(DEMO_AUTHORITY.into()),
                valid_from: "2026-01-01".into(),
                valid_to: "2030-12-31".into(),
                outlets: vec![OutletInput {
                    site: site.id.clone(),
                    kind: "main".into(),
                    limits: limits
                        .into_iter()
                        .map(|(param, limit, unit, averaging, reference_o2)| LimitInput {
                            param: param.into(),
                            limit,
                            unit: unit.into(),
                            averaging: averaging.into(),
                            reference_o2,
                            season_from: None,
                            season_to: None,
                        })
                        .collect(),
                    annual,
                }],
            })
        })
        .collect()
}

/// The seed's reduction targets against 2015 by 2020 (SO2 and NOx −1 %, COD −14.1 %, NH3-N −12.9 %).
pub const SEED_TARGETS: [(&str, f64); 4] = [
    ("a21026", 1.0),
    ("a21002", 1.0),
    ("w01018", 14.1),
    ("w21003", 12.9),
];

/// Demo 2015 baselines for the city and each county with permitted quantities, marked simulated: 80 % of
/// the demo permits' annual quantities of the area (a plausible share for a base year), with the seed's
/// reduction targets.
pub fn baselines(permits: &[PermitInput], city: &RegistryData) -> Vec<BaselineInput> {
    let county_of: HashMap<&str, &str> = city
        .sites
        .iter()
        .filter_map(|s| Some((s.id.as_str(), s.county.as_deref()?)))
        .collect();
    let mut sums: std::collections::BTreeMap<(String, &str), f64> = Default::default();
    for o in permits.iter().flat_map(|p| &p.outlets) {
        for a in &o.annual {
            let Some((param, _)) = SEED_TARGETS.iter().find(|(c, _)| *c == a.param) else {
                continue;
            };
            let areas = ["city"]
                .into_iter()
                .chain(county_of.get(o.site.as_str()).copied());
            for area in areas {
                *sums.entry((area.to_string(), param)).or_default() += a.tonnes;
            }
        }
    }
    sums.into_iter()
        .map(|((area, param), tonnes)| BaselineInput {
            area,
            param: param.to_string(),
            base_year: 2015,
            tonnes: (tonnes * 0.8 * 10.0).round() / 10.0,
            target_year: 2020,
            reduction_pct: SEED_TARGETS
                .iter()
                .find(|(c, _)| *c == param)
                .map_or(0.0, |(_, r)| *r),
            source: "seed: 2020 reduction targets against 2015 (demo: base-year tonnes simulated)"
                .into(),
            simulated: true,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::registry::{Actor, DeviceKey};

    #[test]
    fn every_demo_enterprise_gets_a_valid_permit_with_the_engines_limits() {
        let dir = tempfile::tempdir().unwrap();
        let mut store =
            store::sqlite::connect_file(&dir.path().join("d.db"), store::Durability::Normal)
                .unwrap();
        let city = crate::demo::city().unwrap();
        let key = DeviceKey::load_or_create(&dir.path().join("k")).unwrap();
        crate::registry::import(&mut store, &Actor::new("test"), &city, &key).unwrap();
        let permits: Vec<store::Permit> = crate::demo::permits()
            .unwrap()
            .into_iter()
            .map(|p| p.validate(&store).unwrap())
            .collect();
        assert_eq!(permits.len(), city.enterprises.len());
        assert_eq!(permits.len(), 26);
        let outlet = |site: &str| {
            permits
                .iter()
                .flat_map(|p| &p.outlets)
                .find(|o| o.site_id == site)
                .unwrap()
        };
        let so2 = outlet("S01")
            .limits
            .iter()
            .find(|l| l.param == "a21026")
            .unwrap();
        assert_eq!(
            (so2.limit, so2.reference_o2, so2.averaging.as_str()),
            (35.0, Some(6.0), "hour")
        );
        let cod = outlet("P01")
            .limits
            .iter()
            .find(|l| l.param == "w01018")
            .unwrap();
        assert_eq!(
            (cod.limit, cod.unit.as_str(), cod.averaging.as_str()),
            (50.0, "mg/L", "day")
        );
        // P01: 12.0万 m³/d × 50 mg/L = 6 t/d; over 6,000 h: 1,500 t.
        let annual = outlet("P01")
            .annual
            .iter()
            .find(|a| a.param == "w01018")
            .unwrap();
        assert_eq!(annual.tonnes, 1500.0);
        assert!(
            outlet("S09").limits.is_empty(),
            "cement: no sector standard in the engine yet"
        );
        let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
        crate::permits::import(&mut store, &tz, &Actor::new("test"), &permits).unwrap();
        assert_eq!(store.permits().unwrap().len(), 26);

        let baselines: Vec<store::Baseline> = crate::demo::baselines()
            .unwrap()
            .into_iter()
            .map(|b| b.validate(&store).unwrap())
            .collect();
        let city_cod = baselines
            .iter()
            .find(|b| b.area == "city" && b.param == "w01018")
            .unwrap();
        // The city's COD baseline is 80 % of every permitted COD quantity, P01's 1,500 t among them.
        let permitted: f64 = permits
            .iter()
            .flat_map(|p| &p.outlets)
            .flat_map(|o| &o.annual)
            .filter(|a| a.param == "w01018")
            .map(|a| a.tonnes)
            .sum();
        assert!(permitted >= 1500.0);
        assert_eq!(city_cod.tonnes, (permitted * 0.8 * 10.0).round() / 10.0);
        assert_eq!((city_cod.reduction_pct, city_cod.simulated), (14.1, true));
        assert!(baselines.iter().any(|b| b.area != "city"), "counties too");
        crate::permits::baselines::import(&mut store, &Actor::new("test"), &baselines).unwrap();
        assert_eq!(store.baselines().unwrap().len(), baselines.len());
    }
}
