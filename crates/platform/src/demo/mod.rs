//! The demo city (Zhaotong, 昭通市): registry seed data compiled into the binary.
//!
//! The files under `crates/platform/demo/zhaotong/` were made for this project (see their README for what
//! is real and what is synthetic). [`city`] reads them into counties, enterprises and sites,
//! which [`crate::registry::import`] writes idempotently. Every demo site is marked `simulated`: its values come
//! from the device simulator, and the UI and API say so.

mod permits;
pub mod rivers;

pub use permits::DEMO_AUTHORITY;

use crate::permits::PermitInput;
use crate::registry::RegistryData;
use store::{County, EmissionStandard, Enterprise, Site, SiteKind, Waterbody, WaterbodyKind};

const COUNTIES: &str = include_str!("../../demo/zhaotong/counties.csv");
const STATIONS: &str = include_str!("../../demo/zhaotong/stations.csv");
/// The demo's target set: the 2018 programme's 2020 targets (`platform::targets`).
pub const TARGETS: &str = include_str!("../../demo/zhaotong/targets.csv");
/// The demo's county scoring method: invented weights and curves (no county rule was found), versioned
/// `demo-2026`; a bureau sets its own with `targets.score_method`.
pub const SCORE_METHOD: &str = include_str!("../../demo/zhaotong/score_method.csv");
const WATERBODIES: &str = include_str!("../../demo/zhaotong/waterbodies.csv");
/// The schematic county layer (Voronoi cells around the county seats; CC0, not real borders).
pub const COUNTIES_GEOJSON: &str = include_str!("../../demo/zhaotong/counties_schematic.geojson");

/// Why the embedded demo data could not be read (a bug in the shipped files).
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo file {file}, line {line}: {message}")]
    Data {
        file: &'static str,
        line: usize,
        message: String,
    },
}

/// Sources that discharge water rather than flue gas, besides the wastewater treatment plants (`P…`):
/// the silica-sand plant, the coal mines and the phosphate works (mine water and process effluent), as the
/// device simulator models them.
const EFFLUENT_SOURCES: [&str; 5] = ["S06", "S12", "S13", "S14", "S15"];

/// The coal-fired power plants, held to the ultra-low emission limits (stations.csv notes).
const POWER_PLANTS: [&str; 2] = ["S01", "S02"];

/// The standard a demo outlet is judged against: the power plants ultra-low, the municipal WWTPs (`P..`,
/// "GB18918 一级A" in their notes) grade 1A, the other effluents GB 8978 grade 1; the other flue-gas
/// outlets (cement, silicon, aluminium...) have sector standards the engine does not hold yet: none.
fn demo_standard(id: &str, kind: SiteKind) -> Option<EmissionStandard> {
    match kind {
        SiteKind::FlueGasOutlet if POWER_PLANTS.contains(&id) => Some(EmissionStandard::UltraLow),
        SiteKind::WastewaterOutlet if id.starts_with('P') => Some(EmissionStandard::Gb18918OneA),
        SiteKind::WastewaterOutlet => Some(EmissionStandard::Gb8978One),
        _ => None,
    }
}

/// Reads the embedded demo city: counties, enterprises and sites. Its devices come from the simulator's
/// demo fleet, which names them (see `qingshan serve --demo`).
pub fn city() -> Result<RegistryData, DemoError> {
    let mut counties = Vec::new();
    for (line, row) in rows("counties.csv", COUNTIES)? {
        let get = |name: &str| row.get(name).cloned().unwrap_or_default();
        counties.push(County {
            code: get("code"),
            name: get("name_zh"),
            name_en: Some(get("name_en_pinyin")).filter(|s| !s.is_empty()),
            lon: number("counties.csv", line, &get("seat_lon"))?,
            lat: number("counties.csv", line, &get("seat_lat"))?,
        });
    }
    let mut waterbodies = Vec::new();
    for (line, row) in rows("waterbodies.csv", WATERBODIES)? {
        let get = |name: &str| row.get(name).cloned().unwrap_or_default();
        let kind = match get("type").as_str() {
            "river" => WaterbodyKind::River,
            "reservoir" => WaterbodyKind::Reservoir,
            "lake" => WaterbodyKind::Lake,
            other => {
                return Err(DemoError::Data {
                    file: "waterbodies.csv",
                    line,
                    message: format!("unknown type {other:?}"),
                });
            }
        };
        waterbodies.push(Waterbody {
            id: get("id"),
            name: get("name_zh"),
            name_en: Some(get("name_en")).filter(|s| !s.is_empty()),
            kind,
            basin: Some(get("basin")).filter(|s| !s.is_empty()),
            lon: number("waterbodies.csv", line, &get("lon"))?,
            lat: number("waterbodies.csv", line, &get("lat"))?,
        });
    }
    let mut enterprises = Vec::new();
    let mut sites = Vec::new();
    for (line, row) in rows("stations.csv", STATIONS)? {
        let get = |name: &str| row.get(name).cloned().unwrap_or_default();
        let id = get("id");
        let name = get("name");
        let kind = match (get("kind").as_str(), id.as_bytes().first()) {
            ("air", _) => SiteKind::AirStation,
            // The three reservoirs supply drinking water (stations.csv notes).
            ("water", _) if ["W13", "W14", "W15"].contains(&id.as_str()) => {
                SiteKind::DrinkingWaterSource
            }
            ("water", _) => SiteKind::WaterSection,
            ("source", Some(b'P')) => SiteKind::WastewaterOutlet,
            ("source", _) if EFFLUENT_SOURCES.contains(&id.as_str()) => SiteKind::WastewaterOutlet,
            ("source", _) => SiteKind::FlueGasOutlet,
            (other, _) => {
                return Err(DemoError::Data {
                    file: "stations.csv",
                    line,
                    message: format!("unknown kind {other:?}"),
                });
            }
        };
        let county = Some(get("county_code")).filter(|c| !c.is_empty());
        let enterprise_id = (get("kind") == "source").then(|| format!("E{id}"));
        if let Some(eid) = &enterprise_id {
            enterprises.push(Enterprise {
                id: eid.clone(),
                name: name.clone(),
                county: county.clone(),
            });
        }
        let site_name = if enterprise_id.is_some() {
            format!("{name} 总排口")
        } else {
            name
        };
        sites.push(Site {
            emission_standard: demo_standard(&id, kind),
            id: id.clone(),
            name: site_name,
            kind,
            county,
            lon: number("stations.csv", line, &get("lon"))?,
            lat: number("stations.csv", line, &get("lat"))?,
            enterprise_id,
            simulated: true,
        });
    }
    let site_waterbodies = sites
        .iter()
        .filter(|s| {
            matches!(
                s.kind,
                SiteKind::WaterSection | SiteKind::DrinkingWaterSource
            )
        })
        .filter_map(|s| waterbody_of(&s.name, &waterbodies).map(|w| (s.id.clone(), w.to_string())))
        .collect();
    Ok(RegistryData {
        counties,
        waterbodies,
        enterprises,
        sites,
        site_waterbodies,
        devices: Vec::new(),
    })
}

/// The demo city's 2015 emission baselines with the seed's reduction targets, simulated from its permits
/// (see [`permits::baselines`]).
pub fn baselines() -> Result<Vec<crate::permits::baselines::BaselineInput>, DemoError> {
    Ok(permits::baselines(&self::permits()?, &city()?))
}

/// The demo city's permits, one per enterprise (see [`permits`]).
pub fn permits() -> Result<Vec<PermitInput>, DemoError> {
    let city = city()?;
    let notes = rows("stations.csv", STATIONS)?
        .into_iter()
        .map(|(_, mut row)| {
            (
                row.remove("id").unwrap_or_default(),
                row.remove("notes").unwrap_or_default(),
            )
        })
        .collect();
    Ok(permits::permits(&city, &notes))
}

/// The water body a demo section's name starts with (`横江-盐津县城下游` → 横江(关河), `渔洞水库-取水口` →
/// 渔洞水库); the section names put the water body first.
fn waterbody_of<'w>(site_name: &str, waterbodies: &'w [Waterbody]) -> Option<&'w str> {
    let head = site_name.split(['-', '(']).next()?;
    waterbodies
        .iter()
        .find(|w| w.name.split('(').next() == Some(head))
        .map(|w| w.id.as_str())
}

fn number(file: &'static str, line: usize, text: &str) -> Result<Option<f64>, DemoError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    text.trim().parse().map(Some).map_err(|_| DemoError::Data {
        file,
        line,
        message: format!("{text:?} is not a number"),
    })
}

/// A CSV row: column name → value.
type Row = std::collections::HashMap<String, String>;

/// The rows of a CSV file with a header, as (line number, row).
fn rows(file: &'static str, text: &'static str) -> Result<Vec<(usize, Row)>, DemoError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| DemoError::Data {
            file,
            line: 1,
            message: e.to_string(),
        })?
        .clone();
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| DemoError::Data {
            file,
            line: i + 2,
            message: e.to_string(),
        })?;
        out.push((
            i + 2,
            header
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect(),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_city_reads_completely() {
        let city = city().unwrap();
        assert_eq!(city.counties.len(), 11);
        assert_eq!(city.sites.len(), 56);
        assert_eq!(
            city.sites
                .iter()
                .filter(|s| s.kind == SiteKind::AirStation)
                .count(),
            14
        );
        assert_eq!(
            city.sites
                .iter()
                .filter(|s| s.kind == SiteKind::DrinkingWaterSource)
                .count(),
            3
        );
        assert_eq!(city.enterprises.len(), 26);
        assert_eq!(city.waterbodies.len(), 14);
        // Every water site but the urban creek (W16) samples a listed water body.
        assert_eq!(city.site_waterbodies.len(), 15);
        assert!(
            city.site_waterbodies
                .contains(&("W13".into(), "WB12".into()))
        );
        assert!(
            city.site_waterbodies
                .contains(&("W04".into(), "WB02".into()))
        );
        assert!(
            city.sites
                .iter()
                .all(|s| s.simulated && s.lon.is_some() && s.county.is_some())
        );
    }

    #[test]
    fn seeding_twice_gives_the_same_registry() {
        let dir = tempfile::tempdir().unwrap();
        let mut store =
            store::sqlite::connect_file(&dir.path().join("q.db"), store::Durability::Normal)
                .unwrap();
        let city = city().unwrap();
        let key = crate::registry::DeviceKey::load_or_create(&dir.path().join("k")).unwrap();
        crate::registry::import(
            &mut store,
            &crate::registry::Actor::new("demo"),
            &city,
            &key,
        )
        .unwrap();
        let first = (
            store.counties().unwrap(),
            store.enterprises().unwrap(),
            store.sites().unwrap(),
            store.devices().unwrap(),
        );
        crate::registry::import(
            &mut store,
            &crate::registry::Actor::new("demo"),
            &city,
            &key,
        )
        .unwrap();
        let second = (
            store.counties().unwrap(),
            store.enterprises().unwrap(),
            store.sites().unwrap(),
            store.devices().unwrap(),
        );
        assert_eq!(first, second);
        assert_eq!(first.2.len(), 56);
    }
}
