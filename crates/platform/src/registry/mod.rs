//! The registry: counties, water bodies, enterprises, sites and devices, and the one way each is changed.
//!
//! Every change goes through an operation here ([`register_site`], [`register_device`],
//! [`register_enterprise`], [`import`]), whoever asks: the JSON API, the command line or a registry file.
//! Each operation validates its input the same way ([`SiteInput::validate`], [`DeviceInput::validate`]) and
//! writes its audit entry in the same transaction as the change, so the log cannot miss a change or record
//! one that did not happen. A device's password is never written to the audit log.
//!
//! - [`import`]: the registry file format (TOML), parsed into [`RegistryData`].

pub mod areas;
pub mod changes;
pub mod import;
pub mod secret;

pub use import::{RegistryData, parse_toml};
pub use secret::DeviceKey;

use crate::{Error, Result};
use store::{
    County, CrcPolicy, Device, EmissionStandard, Enterprise, Site, SiteKind, Store, Waterbody,
};

/// Who made a change, as the audit log names them: `api:admin-token@10.0.0.5`, `cli:root@host`,
/// `import:registry.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(String);

impl Actor {
    /// An actor of the given description.
    pub fn new(name: impl Into<String>) -> Actor {
        Actor(name.into())
    }

    /// The name written to the audit log.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The longest MN accepted: HJ 212-2017 Table 3 gives the field 24 characters (HJ/T 212-2005 used 14).
pub const MN_MAX_LEN: usize = 24;
/// Bounds of a device's real-time interval, seconds (one second to one day).
pub const REALTIME_INTERVAL_S: std::ops::RangeInclusive<u32> = 1..=86_400;
/// Bounds of a device's minute-data interval, minutes (one minute to one day).
pub const MINUTE_INTERVAL_MIN: std::ops::RangeInclusive<u32> = 1..=1_440;

/// A device as a person describes it (API body, command-line flags, registry file), before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceInput {
    pub mn: String,
    pub password: String,
    pub site_id: String,
    /// `auto` (default), `2005`, `2017` or `2025`.
    pub protocol: Option<String>,
    /// `strict` (default), `lenient` or `off`.
    pub crc_policy: Option<String>,
    /// Seconds between real-time uploads (default 60).
    pub realtime_interval_s: Option<u32>,
    /// Minutes between minute-data uploads (default 10).
    pub minute_interval_min: Option<u32>,
}

impl DeviceInput {
    /// Checks every field and names the first one that is wrong, with its value.
    pub fn validate(self) -> Result<Device> {
        let password = self.password.clone();
        let device = self.validate_settings()?;
        if password.is_empty() || password.len() > 64 || password.contains(';') {
            // The value itself is a secret: the message does not repeat it.
            return Err(Error::invalid_both(
                format!(
                    "the password of device {} must be 1 to 64 characters without ';'",
                    device.mn
                ),
                format!("设备 {} 的密码须为 1 至 64 个字符，且不含“;”", device.mn),
            ));
        }
        Ok(Device { password, ..device })
    }

    /// Checks every field but the password, for [`update_device_settings`] (which keeps the stored
    /// one); the device returned has an empty password.
    pub fn validate_settings(self) -> Result<Device> {
        if self.mn.is_empty()
            || self.mn.len() > MN_MAX_LEN
            || !self.mn.bytes().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(Error::invalid_both(
                format!(
                    "mn {:?} must be 1 to {MN_MAX_LEN} ASCII letters or digits (HJ 212-2017 Table 3)",
                    self.mn
                ),
                format!(
                    "设备编码（MN）“{}”须为 1 至 {MN_MAX_LEN} 位字母或数字（HJ 212-2017 表 3）",
                    self.mn
                ),
            ));
        }
        if self.site_id.trim().is_empty() {
            return Err(Error::invalid_both(
                format!("device {} needs a site id", self.mn),
                format!("设备 {} 须指定所属点位", self.mn),
            ));
        }
        let protocol = self.protocol.unwrap_or_else(|| "auto".into());
        store::check_protocol(&protocol)?;
        let crc_policy: CrcPolicy = self.crc_policy.as_deref().unwrap_or("strict").parse()?;
        let realtime_interval_s = self.realtime_interval_s.unwrap_or(60);
        if !REALTIME_INTERVAL_S.contains(&realtime_interval_s) {
            return Err(Error::invalid_both(
                format!(
                    "realtime_interval_s {realtime_interval_s} is outside {REALTIME_INTERVAL_S:?}"
                ),
                format!(
                    "实时数据间隔 {realtime_interval_s} 秒超出范围 {}–{} 秒",
                    REALTIME_INTERVAL_S.start(),
                    REALTIME_INTERVAL_S.end()
                ),
            ));
        }
        let minute_interval_min = self.minute_interval_min.unwrap_or(10);
        if !MINUTE_INTERVAL_MIN.contains(&minute_interval_min) {
            return Err(Error::invalid_both(
                format!(
                    "minute_interval_min {minute_interval_min} is outside {MINUTE_INTERVAL_MIN:?}"
                ),
                format!(
                    "分钟数据间隔 {minute_interval_min} 分钟超出范围 {}–{} 分钟",
                    MINUTE_INTERVAL_MIN.start(),
                    MINUTE_INTERVAL_MIN.end()
                ),
            ));
        }
        Ok(Device {
            mn: self.mn,
            password: String::new(),
            site_id: self.site_id,
            protocol,
            crc_policy,
            realtime_interval_s,
            minute_interval_min,
        })
    }
}

/// A site as a person describes it, before validation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SiteInput {
    pub id: String,
    pub name: String,
    /// A [`SiteKind`] code: `air_station`, `water_section`, `flue_gas_outlet`...
    pub kind: String,
    pub county: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub enterprise_id: Option<String>,
    /// For an outlet: an [`EmissionStandard`] code (`ultra_low`, `gb18918_1a`, `gb8978_1`).
    pub emission_standard: Option<String>,
    pub simulated: bool,
}

impl SiteInput {
    /// Checks every field and names the first one that is wrong, with its value.
    pub fn validate(self) -> Result<Site> {
        check_id("site", &self.id)?;
        if self.name.trim().is_empty() {
            return Err(Error::invalid_both(
                format!("site {:?} needs a name", self.id),
                format!("点位“{}”须填写名称", self.id),
            ));
        }
        let kind: SiteKind = self.kind.parse()?;
        check_coordinates(&self.id, self.lon, self.lat)?;
        let emission_standard = self
            .emission_standard
            .as_deref()
            .map(str::parse::<EmissionStandard>)
            .transpose()?;
        let fits = match emission_standard {
            None => true,
            Some(EmissionStandard::UltraLow) => kind == SiteKind::FlueGasOutlet,
            Some(EmissionStandard::Gb18918OneA | EmissionStandard::Gb8978One) => {
                kind == SiteKind::WastewaterOutlet
            }
        };
        if !fits {
            let standard = emission_standard.map_or("", |e| e.code());
            return Err(Error::invalid_both(
                format!(
                    "site {:?}: emission standard {standard} does not apply to a {kind}",
                    self.id
                ),
                format!(
                    "点位“{}”：排放标准 {standard} 不适用于 {kind} 类点位",
                    self.id
                ),
            ));
        }
        Ok(Site {
            id: self.id,
            name: self.name,
            kind,
            county: self.county,
            lon: self.lon,
            lat: self.lat,
            enterprise_id: self.enterprise_id,
            emission_standard,
            simulated: self.simulated,
        })
    }
}

/// Ids are keys in URLs and files: 1 to 64 printable characters without spaces.
fn check_id(what: &str, id: &str) -> Result<()> {
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|c| c.is_ascii_graphic()) {
        return Err(Error::invalid_both(
            format!("{what} id {id:?} must be 1 to 64 printable ASCII characters without spaces"),
            format!("{what} 编号“{id}”须为 1 至 64 个可打印 ASCII 字符，不含空格"),
        ));
    }
    Ok(())
}

/// Longitude in [-180, 180], latitude in [-90, 90], both or neither.
pub fn check_coordinates(id: &str, lon: Option<f64>, lat: Option<f64>) -> Result<()> {
    match (lon, lat) {
        (None, None) => Ok(()),
        (Some(lon), Some(lat))
            if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) =>
        {
            Ok(())
        }
        (Some(_), Some(_)) => Err(Error::invalid_both(
            format!(
                "{id}: coordinates lon={lon:?} lat={lat:?} are out of range (lon -180..180, lat -90..90)"
            ),
            format!("{id}：坐标超出范围（经度 -180 至 180，纬度 -90 至 90）"),
        )),
        _ => Err(Error::invalid_both(
            format!("{id}: give both lon and lat or neither (lon={lon:?} lat={lat:?})"),
            format!("{id}：经度和纬度须同时填写或同时留空"),
        )),
    }
}

/// Creates or updates a site, with its audit entry, in one transaction.
pub fn register_site(store: &mut Store, actor: &Actor, site: &Site) -> Result<()> {
    store.in_transaction(|s| put_site(s, actor, site))
}

/// The site write every operation shares, audited with what changed.
fn put_site(s: &Store, actor: &Actor, site: &Site) -> Result<()> {
    if let Some(e) = &site.enterprise_id
        && !s.enterprises()?.iter().any(|known| &known.id == e)
    {
        return Err(Error::NotFound(format!(
            "enterprise {e:?} does not exist (site {})",
            site.id
        )));
    }
    check_county(s, &format!("site {}", site.id), site.county.as_deref())?;
    let before = s.site(&site.id)?;
    s.upsert_site(site)?;
    let detail = changes::site(before.as_ref(), site);
    s.audit(actor.as_str(), "upsert_site", &site.id, Some(&detail))?;
    Ok(())
}

/// Records a change that was refused (not authorised, invalid, or naming what does not exist), in its
/// own transaction, so the log shows attempts as well as changes. `reason` must hold no secret (the
/// registry's errors never quote a password).
pub fn audit_refused(
    store: &mut Store,
    actor: &Actor,
    action: &str,
    subject: &str,
    reason: &str,
) -> Result<()> {
    store.in_transaction(|s| {
        s.audit(
            actor.as_str(),
            &format!("refused:{action}"),
            subject,
            Some(reason),
        )?;
        Ok(())
    })
}

/// Creates or updates a device, with its audit entry (never its password), in one transaction. The site
/// must exist ([`Error::NotFound`] otherwise). The password is stored sealed under `key`.
pub fn register_device(
    store: &mut Store,
    actor: &Actor,
    device: &Device,
    key: &DeviceKey,
) -> Result<()> {
    store.in_transaction(|s| put_device(s, actor, device, key))
}

/// Changes an existing device's settings (site, protocol, intervals...) and keeps its password, with its
/// audit entry, in one transaction; `device.password` is ignored.
pub fn update_device_settings(store: &mut Store, actor: &Actor, device: &Device) -> Result<()> {
    store.in_transaction(|s| {
        let before = s
            .devices()?
            .into_iter()
            .find(|old| old.mn == device.mn)
            .ok_or_else(|| Error::NotFound(format!("device {:?} does not exist", device.mn)))?;
        if s.site(&device.site_id)?.is_none() {
            return Err(Error::NotFound(format!(
                "site {:?} does not exist (device {})",
                device.site_id, device.mn
            )));
        }
        let kept = Device {
            password: before.password.clone(),
            ..device.clone()
        };
        s.upsert_device(&kept)?;
        let detail = changes::device(Some(&before), &kept, false);
        s.audit(actor.as_str(), "upsert_device", &device.mn, Some(&detail))?;
        Ok(())
    })
}

/// Like [`register_device`], creating the device's site as `new_site` first when it does not exist (the
/// command line's `device add`), all in one transaction. Returns whether the site was created.
pub fn register_device_and_site(
    store: &mut Store,
    actor: &Actor,
    device: &Device,
    new_site: &Site,
    key: &DeviceKey,
) -> Result<bool> {
    store.in_transaction(|s| {
        let created = s.site(&new_site.id)?.is_none();
        if created {
            put_site(s, actor, new_site)?;
        }
        put_device(s, actor, device, key)?;
        Ok(created)
    })
}

/// The device write every operation shares: the site must exist; the password is sealed; the audit entry
/// says whether the password changed, never what it is.
fn put_device(s: &Store, actor: &Actor, d: &Device, key: &DeviceKey) -> Result<()> {
    if s.site(&d.site_id)?.is_none() {
        return Err(Error::NotFound(format!(
            "site {:?} does not exist (device {})",
            d.site_id, d.mn
        )));
    }
    let before = s.devices()?.into_iter().find(|old| old.mn == d.mn);
    let password_changed = before
        .as_ref()
        .is_none_or(|old| !key.verify(&d.password, &old.password) && old.password != d.password);
    let sealed = Device {
        password: key.seal(&d.password),
        ..d.clone()
    };
    s.upsert_device(&sealed)?;
    let detail = changes::device(before.as_ref(), d, password_changed);
    s.audit(actor.as_str(), "upsert_device", &d.mn, Some(&detail))?;
    Ok(())
}

/// Seals the passwords an older version stored in clear, each with an audit entry, in one transaction.
/// Returns how many were sealed.
pub fn seal_stored_passwords(store: &mut Store, actor: &Actor, key: &DeviceKey) -> Result<usize> {
    store.in_transaction(|s| {
        let mut sealed = 0;
        for d in s.devices()? {
            if !secret::is_sealed(&d.password) {
                s.upsert_device(&Device {
                    password: key.seal(&d.password),
                    ..d.clone()
                })?;
                s.audit(actor.as_str(), "seal_password", &d.mn, None)?;
                sealed += 1;
            }
        }
        Ok(sealed)
    })
}

/// A name people type: not blank, at most 100 characters.
fn check_name(what: &str, id: &str, name: &str) -> Result<()> {
    if name.trim().is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid_both(
            format!("{what} {id:?} needs a name of 1 to 100 characters"),
            format!("{what}“{id}”须填写 1 至 100 个字符的名称"),
        ));
    }
    Ok(())
}

/// The county a change names must exist.
fn check_county(s: &Store, what: &str, county: Option<&str>) -> Result<()> {
    if let Some(c) = county
        && !s.counties()?.iter().any(|known| known.code == c)
    {
        return Err(Error::NotFound(format!(
            "county {c:?} does not exist ({what})"
        )));
    }
    Ok(())
}

/// Creates or updates an enterprise, with its audit entry (before → after), in one transaction.
pub fn register_enterprise(store: &mut Store, actor: &Actor, e: &Enterprise) -> Result<()> {
    check_id("enterprise", &e.id)?;
    check_name("enterprise", &e.id, &e.name)?;
    store.in_transaction(|s| {
        check_county(s, &format!("enterprise {}", e.id), e.county.as_deref())?;
        let before = s.enterprises()?.into_iter().find(|k| k.id == e.id);
        s.upsert_enterprise(e)?;
        let detail = changes::enterprise(before.as_ref(), e);
        s.audit(actor.as_str(), "upsert_enterprise", &e.id, Some(&detail))?;
        Ok(())
    })
}

/// Creates or updates a county (its code is the national administrative division code, six digits),
/// with its audit entry, in one transaction.
pub fn register_county(store: &mut Store, actor: &Actor, c: &County) -> Result<()> {
    if c.code.len() != 6 || !c.code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid_both(
            format!(
                "county code {:?} must be the six-digit division code (GB/T 2260)",
                c.code
            ),
            format!("县区代码“{}”须为 6 位行政区划代码（GB/T 2260）", c.code),
        ));
    }
    check_name("county", &c.code, &c.name)?;
    check_coordinates(&c.code, c.lon, c.lat)?;
    store.in_transaction(|s| {
        let before = s.counties()?.into_iter().find(|k| k.code == c.code);
        s.upsert_county(c)?;
        let detail = changes::county(before.as_ref(), c);
        s.audit(actor.as_str(), "upsert_county", &c.code, Some(&detail))?;
        Ok(())
    })
}

/// Creates or updates a water body, with its audit entry, in one transaction.
pub fn register_waterbody(store: &mut Store, actor: &Actor, w: &Waterbody) -> Result<()> {
    check_id("waterbody", &w.id)?;
    check_name("waterbody", &w.id, &w.name)?;
    check_coordinates(&w.id, w.lon, w.lat)?;
    store.in_transaction(|s| {
        let before = s.waterbodies()?.into_iter().find(|k| k.id == w.id);
        s.upsert_waterbody(w)?;
        let detail = changes::waterbody(before.as_ref(), w);
        s.audit(actor.as_str(), "upsert_waterbody", &w.id, Some(&detail))?;
        Ok(())
    })
}

/// Writes a whole registry file in one transaction with one audit entry per changed item: all of it, or
/// nothing when any item fails. Applying the same data twice leaves the same registry.
pub fn import(
    store: &mut Store,
    actor: &Actor,
    data: &RegistryData,
    key: &DeviceKey,
) -> Result<()> {
    let who = actor.as_str();
    store.in_transaction(|s| {
        for c in &data.counties {
            s.upsert_county(c)?;
            s.audit(who, "upsert_county", &c.code, Some(&c.name))?;
        }
        for w in &data.waterbodies {
            s.upsert_waterbody(w)?;
            s.audit(who, "upsert_waterbody", &w.id, Some(&w.name))?;
        }
        for e in &data.enterprises {
            s.upsert_enterprise(e)?;
            s.audit(who, "upsert_enterprise", &e.id, Some(&e.name))?;
        }
        for site in &data.sites {
            put_site(s, actor, site)?;
        }
        for (site, waterbody) in &data.site_waterbodies {
            s.set_site_waterbody(site, Some(waterbody))?;
            s.audit(who, "link_waterbody", site, Some(waterbody))?;
        }
        for d in &data.devices {
            put_device(s, actor, d, key)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(mn: &str) -> DeviceInput {
        DeviceInput {
            mn: mn.into(),
            password: "123456".into(),
            site_id: "S01".into(),
            ..DeviceInput::default()
        }
    }

    #[test]
    fn device_validation_names_the_field_and_value() {
        let ok = device("88888880000001").validate().unwrap();
        assert_eq!(
            (ok.protocol.as_str(), ok.crc_policy, ok.realtime_interval_s),
            ("auto", CrcPolicy::Strict, 60)
        );
        for (input, needle) in [
            (device(""), "mn \"\""),
            (device("0123456789012345678901234"), "1 to 24"),
            (device("MN 1"), "mn \"MN 1\""),
            (
                DeviceInput {
                    realtime_interval_s: Some(0),
                    ..device("M1")
                },
                "realtime_interval_s 0",
            ),
            (
                DeviceInput {
                    minute_interval_min: Some(2000),
                    ..device("M1")
                },
                "minute_interval_min 2000",
            ),
            (
                DeviceInput {
                    crc_policy: Some("loose".into()),
                    ..device("M1")
                },
                "unknown CRC policy \"loose\"",
            ),
            (
                DeviceInput {
                    protocol: Some("2099".into()),
                    ..device("M1")
                },
                "unknown protocol \"2099\"",
            ),
        ] {
            let e = input.validate().unwrap_err().to_string();
            assert!(e.contains(needle), "{e:?} should contain {needle:?}");
        }
        let secret = DeviceInput {
            password: "a;b-secret".into(),
            ..device("M1")
        };
        let e = secret.validate().unwrap_err().to_string();
        assert!(!e.contains("secret"), "the password is not echoed: {e}");
    }

    #[test]
    fn site_validation_checks_kind_and_coordinates() {
        let site = |lon, lat| SiteInput {
            id: "S1".into(),
            name: "outlet".into(),
            kind: "flue_gas_outlet".into(),
            lon,
            lat,
            ..SiteInput::default()
        };
        assert!(site(Some(103.7), Some(27.3)).validate().is_ok());
        assert!(site(None, None).validate().is_ok());
        let e = site(Some(203.7), Some(27.3)).validate().unwrap_err();
        assert!(e.to_string().contains("lon=Some(203.7)"), "{e}");
        assert!(site(Some(103.7), None).validate().is_err());
        let bad_kind = SiteInput {
            kind: "volcano".into(),
            ..site(None, None)
        };
        assert!(
            bad_kind
                .validate()
                .unwrap_err()
                .to_string()
                .contains("\"volcano\"")
        );
        let no_id = SiteInput {
            id: " ".into(),
            ..site(None, None)
        };
        assert!(matches!(no_id.validate(), Err(Error::Invalid(_))));
    }

    #[test]
    fn an_emission_standard_must_exist_and_fit_the_outlet() {
        let site = |kind: &str, standard: &str| SiteInput {
            id: "S1".into(),
            name: "outlet".into(),
            kind: kind.into(),
            emission_standard: Some(standard.into()),
            ..SiteInput::default()
        };
        let ok = site("flue_gas_outlet", "ultra_low").validate().unwrap();
        assert_eq!(ok.emission_standard, Some(EmissionStandard::UltraLow));
        let ok = site("wastewater_outlet", "gb18918_1a").validate().unwrap();
        assert_eq!(ok.emission_standard, Some(EmissionStandard::Gb18918OneA));
        let e = site("wastewater_outlet", "ultra_low")
            .validate()
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("ultra_low does not apply to a wastewater_outlet"),
            "{e}"
        );
        assert!(site("air_station", "gb8978_1").validate().is_err());
        let e = site("flue_gas_outlet", "gb13223").validate().unwrap_err();
        assert!(e.to_string().contains("\"gb13223\""), "{e}");
    }
}
