//! The registry file: counties, water bodies, enterprises, sites and devices in TOML, loaded with
//! `qingshan import registry FILE` (written by [`super::import`], all or nothing). A complete example is
//! `examples/registry.toml` in the source tree (`crates/qingshan/tests/examples.rs` loads it). In short:
//!
//! ```toml
//! [[counties]]
//! code = "530602"
//! name = "昭阳区"
//!
//! [[waterbodies]]
//! id = "WB12"
//! name = "渔洞水库"
//! kind = "reservoir"          # river, lake or reservoir
//!
//! [[sites]]
//! id = "W13"
//! name = "渔洞水库取水口"
//! kind = "drinking_water_source"
//! waterbody = "WB12"
//!
//! [[sites]]
//! id = "S01"
//! name = "1号锅炉排口"
//! kind = "flue_gas_outlet"
//! county = "530602"
//!
//! [[devices]]
//! mn = "88888880000001"
//! password = "123456"
//! site = "S01"
//! crc = "lenient"          # strict (default), lenient or off
//! ```

use super::{DeviceInput, SiteInput};
use crate::{Error, Result};
use serde::Deserialize;
use store::{County, Device, Enterprise, Site, Waterbody};

/// A registry to write: the demo city, or an operator's file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegistryData {
    pub counties: Vec<County>,
    pub waterbodies: Vec<Waterbody>,
    pub enterprises: Vec<Enterprise>,
    pub sites: Vec<Site>,
    /// (site id, water body id): which water body each water site samples.
    pub site_waterbodies: Vec<(String, String)>,
    pub devices: Vec<Device>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    counties: Vec<CountyIn>,
    #[serde(default)]
    waterbodies: Vec<WaterbodyIn>,
    #[serde(default)]
    enterprises: Vec<EnterpriseIn>,
    #[serde(default)]
    sites: Vec<SiteIn>,
    #[serde(default)]
    devices: Vec<DeviceIn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CountyIn {
    code: String,
    name: String,
    name_en: Option<String>,
    lon: Option<f64>,
    lat: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WaterbodyIn {
    id: String,
    name: String,
    name_en: Option<String>,
    kind: String,
    basin: Option<String>,
    lon: Option<f64>,
    lat: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnterpriseIn {
    id: String,
    name: String,
    county: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteIn {
    id: String,
    name: String,
    kind: String,
    county: Option<String>,
    lon: Option<f64>,
    lat: Option<f64>,
    enterprise: Option<String>,
    waterbody: Option<String>,
    emission_standard: Option<String>,
    #[serde(default)]
    simulated: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeviceIn {
    mn: String,
    password: String,
    site: String,
    protocol: Option<String>,
    crc: Option<String>,
    realtime_interval_s: Option<u32>,
    minute_interval_min: Option<u32>,
}

/// Parses a registry file and validates every item as the API and the command line do; the first wrong
/// item is named with its id.
pub fn parse_toml(text: &str) -> Result<RegistryData> {
    let file: File = toml::from_str(text)
        .map_err(|e| Error::invalid(format!("not a valid registry file: {e}")))?;
    let invalid = |what: &str, id: &str, e: Error| Error::invalid(format!("{what} {id:?}: {e}"));
    let counties = file
        .counties
        .into_iter()
        .map(|c| County {
            code: c.code,
            name: c.name,
            name_en: c.name_en,
            lon: c.lon,
            lat: c.lat,
        })
        .collect();
    let enterprises = file
        .enterprises
        .into_iter()
        .map(|e| Enterprise {
            id: e.id,
            name: e.name,
            county: e.county,
        })
        .collect();
    let mut waterbodies = Vec::new();
    for w in file.waterbodies {
        let kind = w
            .kind
            .parse()
            .map_err(|e: store::UnknownCode| invalid("water body", &w.id, e.into()))?;
        super::check_coordinates(&w.id, w.lon, w.lat)
            .map_err(|e| invalid("water body", &w.id, e))?;
        waterbodies.push(Waterbody {
            id: w.id,
            name: w.name,
            name_en: w.name_en,
            kind,
            basin: w.basin,
            lon: w.lon,
            lat: w.lat,
        });
    }
    let mut data = RegistryData {
        counties,
        waterbodies,
        enterprises,
        sites: Vec::new(),
        site_waterbodies: Vec::new(),
        devices: Vec::new(),
    };
    for s in file.sites {
        if let Some(w) = &s.waterbody {
            data.site_waterbodies.push((s.id.clone(), w.clone()));
        }
        let id = s.id.clone();
        let site = SiteInput {
            id: s.id,
            name: s.name,
            kind: s.kind,
            county: s.county,
            lon: s.lon,
            lat: s.lat,
            enterprise_id: s.enterprise,
            emission_standard: s.emission_standard,
            simulated: s.simulated,
        }
        .validate()
        .map_err(|e| invalid("site", &id, e))?;
        data.sites.push(site);
    }
    for d in file.devices {
        let mn = d.mn.clone();
        let device = DeviceInput {
            mn: d.mn,
            password: d.password,
            site_id: d.site,
            protocol: d.protocol,
            crc_policy: d.crc,
            realtime_interval_s: d.realtime_interval_s,
            minute_interval_min: d.minute_interval_min,
        }
        .validate()
        .map_err(|e| invalid("device", &mn, e))?;
        data.devices.push(device);
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::CrcPolicy;

    const FILE: &str = r#"
[[counties]]
code = "530602"
name = "昭阳区"

[[enterprises]]
id = "E1"
name = "某电厂"

[[waterbodies]]
id = "WB1"
name = "渔洞水库"
kind = "reservoir"

[[sites]]
id = "S01"
name = "1号锅炉排口"
kind = "flue_gas_outlet"
enterprise = "E1"

[[sites]]
id = "W1"
name = "取水口"
kind = "drinking_water_source"
waterbody = "WB1"

[[devices]]
mn = "88888880000001"
password = "123456"
site = "S01"
crc = "lenient"
"#;

    fn actor() -> crate::registry::Actor {
        crate::registry::Actor::new("test")
    }

    fn key(dir: &tempfile::TempDir) -> crate::registry::DeviceKey {
        crate::registry::DeviceKey::load_or_create(&dir.path().join("device.key")).unwrap()
    }

    #[test]
    fn loads_idempotently() {
        let dir = tempfile::tempdir().unwrap();
        let mut store =
            store::sqlite::connect_file(&dir.path().join("q.db"), store::Durability::Normal)
                .unwrap();
        let data = parse_toml(FILE).unwrap();
        crate::registry::import(&mut store, &actor(), &data, &key(&dir)).unwrap();
        crate::registry::import(&mut store, &actor(), &data, &key(&dir)).unwrap();
        assert_eq!(store.sites().unwrap().len(), 2);
        let wb = store.site_waterbody("W1").unwrap().unwrap();
        assert_eq!(
            (wb.id.as_str(), wb.kind),
            ("WB1", store::WaterbodyKind::Reservoir)
        );
        assert_eq!(store.site_waterbody("S01").unwrap(), None);
        let devices = store.devices().unwrap();
        assert_eq!(devices.len(), 1);
        assert_eq!(devices[0].crc_policy, CrcPolicy::Lenient);
        assert!(
            key(&dir).verify("123456", &devices[0].password)
                && !devices[0].password.contains("123456"),
            "stored sealed: {}",
            devices[0].password
        );
        let log = store.audit_log(100).unwrap();
        let device_entries: Vec<_> = log.iter().filter(|e| e.action == "upsert_device").collect();
        assert_eq!(device_entries.len(), 2);
        assert!(
            device_entries
                .iter()
                .any(|e| e.detail.as_deref().unwrap().ends_with("password=set")),
            "the first load sets the password: {device_entries:?}"
        );
        assert!(
            device_entries
                .iter()
                .any(|e| e.detail.as_deref() == Some("unchanged")),
            "the second load changes nothing: {device_entries:?}"
        );
    }

    #[test]
    fn refuses_bad_files_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut store =
            store::sqlite::connect_file(&dir.path().join("q.db"), store::Durability::Normal)
                .unwrap();
        let e = parse_toml("[[sites]]\nid='X'\nname='x'\nkind='volcano'\n").unwrap_err();
        assert!(
            e.to_string().contains("unknown site kind \"volcano\""),
            "{e}"
        );
        assert!(
            parse_toml("[[sites]]\nid='X'\nnmae='x'\n")
                .unwrap_err()
                .to_string()
                .contains("nmae")
        );
        // A device on a site that does not exist: nothing of the file is written.
        let orphan = "[[sites]]\nid='S9'\nname='s'\nkind='other'\n[[devices]]\nmn='M'\npassword='p'\nsite='nowhere'\n";
        assert!(
            crate::registry::import(
                &mut store,
                &actor(),
                &parse_toml(orphan).unwrap(),
                &key(&dir)
            )
            .is_err()
        );
        assert!(
            store.sites().unwrap().is_empty(),
            "the transaction was rolled back"
        );
    }
}
