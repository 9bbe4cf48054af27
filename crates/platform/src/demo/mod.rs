//! The demo city (Zhaotong, 昭通市): registry seed data compiled into the binary.
//!
//! The files under `crates/platform/demo/zhaotong/` were made for this project (see their README for what
//! is real and what is synthetic). [`city`] reads them into counties, enterprises, sites and devices,
//! which [`RegistryData::apply`] writes idempotently. Every demo site is marked `simulated`: its values come
//! from the device simulator, and the UI and API say so.

use crate::import::RegistryData;
use store::{County, CrcPolicy, Device, Enterprise, Site, SiteKind};

const COUNTIES: &str = include_str!("../../demo/zhaotong/counties.csv");
const STATIONS: &str = include_str!("../../demo/zhaotong/stations.csv");
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

/// The password every demo device uses (they are simulated; real devices each get their own).
pub const DEMO_PASSWORD: &str = "123456";

/// The demo device's MN for a site: 24 characters like an HJ 212-2017 EPC-96 MN, derived from the site id.
pub fn demo_mn(site_id: &str) -> String {
    let mut mn = String::from("QSDEMO");
    mn.extend(site_id.chars().filter(char::is_ascii_alphanumeric));
    format!("{mn:0<24}")
}

/// Reads the embedded demo city.
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
    let mut enterprises = Vec::new();
    let mut sites = Vec::new();
    let mut devices = Vec::new();
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
            // Wastewater treatment plants, and mines discharging mine water.
            ("source", Some(b'P')) => SiteKind::WastewaterOutlet,
            ("source", _) if name.contains("煤矿") => SiteKind::WastewaterOutlet,
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
            id: id.clone(),
            name: site_name,
            kind,
            county,
            lon: number("stations.csv", line, &get("lon"))?,
            lat: number("stations.csv", line, &get("lat"))?,
            enterprise_id,
            simulated: true,
        });
        devices.push(Device {
            mn: demo_mn(&id),
            password: DEMO_PASSWORD.into(),
            site_id: id,
            protocol: "2017".into(),
            crc_policy: CrcPolicy::Lenient,
            realtime_interval_s: realtime_interval(kind),
            minute_interval_min: 10,
        });
    }
    Ok(RegistryData {
        counties,
        enterprises,
        sites,
        devices,
    })
}

/// Seconds between real-time uploads for a demo device of this kind.
pub fn realtime_interval(kind: SiteKind) -> u32 {
    match kind {
        // Air stations and outlets report every minute; water stations every hour.
        SiteKind::WaterSection | SiteKind::DrinkingWaterSource => 3600,
        _ => 60,
    }
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

/// The rows of a CSV file with a header, as (line number, column → value).
fn rows(
    file: &'static str,
    text: &'static str,
) -> Result<Vec<(usize, std::collections::HashMap<String, String>)>, DemoError> {
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
        assert_eq!(city.devices.len(), 56);
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
        assert!(
            city.sites
                .iter()
                .all(|s| s.simulated && s.lon.is_some() && s.county.is_some())
        );
        let mns: std::collections::HashSet<_> = city.devices.iter().map(|d| d.mn.clone()).collect();
        assert_eq!(mns.len(), 56, "MNs are unique");
        assert_eq!(demo_mn("A01"), "QSDEMOA01000000000000000");
    }

    #[test]
    fn seeding_twice_gives_the_same_registry() {
        let dir = tempfile::tempdir().unwrap();
        let mut store =
            store::Store::open(&dir.path().join("q.db"), store::Durability::Normal).unwrap();
        let city = city().unwrap();
        city.apply(&mut store).unwrap();
        let first = (
            store.counties().unwrap(),
            store.enterprises().unwrap(),
            store.sites().unwrap(),
            store.devices().unwrap(),
        );
        city.apply(&mut store).unwrap();
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
