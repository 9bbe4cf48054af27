//! What the audit log says a change did: each field that changed as `field: before → after`, or the new
//! item's fields when there was none before. Secrets never appear: a password is only ever "changed".

use store::{County, Device, Enterprise, Site, Waterbody};

/// A field of `T` by name, shown as text.
type Field<T> = (&'static str, fn(&T) -> String);

fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map_or("-".to_string(), |v| v.to_string())
}

const SITE: &[Field<Site>] = &[
    ("name", |s| s.name.clone()),
    ("kind", |s| s.kind.to_string()),
    ("county", |s| opt(&s.county)),
    ("lon", |s| opt(&s.lon)),
    ("lat", |s| opt(&s.lat)),
    ("enterprise", |s| opt(&s.enterprise_id)),
    ("emission_standard", |s| opt(&s.emission_standard)),
    ("simulated", |s| s.simulated.to_string()),
];

const DEVICE: &[Field<Device>] = &[
    ("site", |d| d.site_id.clone()),
    ("protocol", |d| d.protocol.clone()),
    ("crc", |d| d.crc_policy.to_string()),
    ("realtime_interval_s", |d| d.realtime_interval_s.to_string()),
    ("minute_interval_min", |d| d.minute_interval_min.to_string()),
];

const COUNTY: &[Field<County>] = &[
    ("name", |c| c.name.clone()),
    ("name_en", |c| opt(&c.name_en)),
    ("lon", |c| opt(&c.lon)),
    ("lat", |c| opt(&c.lat)),
];

const WATERBODY: &[Field<Waterbody>] = &[
    ("name", |w| w.name.clone()),
    ("name_en", |w| opt(&w.name_en)),
    ("kind", |w| w.kind.to_string()),
    ("basin", |w| opt(&w.basin)),
    ("lon", |w| opt(&w.lon)),
    ("lat", |w| opt(&w.lat)),
];

const ENTERPRISE: &[Field<Enterprise>] =
    &[("name", |e| e.name.clone()), ("county", |e| opt(&e.county))];

fn describe<T>(before: Option<&T>, after: &T, fields: &[Field<T>]) -> String {
    match before {
        None => {
            let all: Vec<String> = fields
                .iter()
                .map(|(name, get)| format!("{name}={}", get(after)))
                .collect();
            format!("new: {}", all.join(" "))
        }
        Some(before) => {
            let changed: Vec<String> = fields
                .iter()
                .filter_map(|(name, get)| {
                    let (old, new) = (get(before), get(after));
                    (old != new).then(|| format!("{name}: {old} → {new}"))
                })
                .collect();
            if changed.is_empty() {
                "unchanged".to_string()
            } else {
                changed.join("; ")
            }
        }
    }
}

/// A site's change.
pub fn site(before: Option<&Site>, after: &Site) -> String {
    describe(before, after, SITE)
}

/// A county's change.
pub fn county(before: Option<&County>, after: &County) -> String {
    describe(before, after, COUNTY)
}

/// A water body's change.
pub fn waterbody(before: Option<&Waterbody>, after: &Waterbody) -> String {
    describe(before, after, WATERBODY)
}

/// An enterprise's change.
pub fn enterprise(before: Option<&Enterprise>, after: &Enterprise) -> String {
    describe(before, after, ENTERPRISE)
}

/// A device's change; `password_changed` adds "password: changed" (never the password).
pub fn device(before: Option<&Device>, after: &Device, password_changed: bool) -> String {
    let text = describe(before, after, DEVICE);
    match (password_changed, before.is_some(), text.as_str()) {
        (false, _, _) => text,
        (true, false, _) => format!("{text} password=set"),
        (true, true, "unchanged") => "password: changed".to_string(),
        (true, true, _) => format!("{text}; password: changed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::{CrcPolicy, SiteKind};

    fn device_(crc: CrcPolicy) -> Device {
        Device {
            mn: "MN1".into(),
            password: "hmac-sha256:00".into(),
            site_id: "S1".into(),
            protocol: "auto".into(),
            crc_policy: crc,
            realtime_interval_s: 60,
            minute_interval_min: 10,
        }
    }

    #[test]
    fn changes_read_before_to_after_and_never_show_a_password() {
        let old = device_(CrcPolicy::Strict);
        let new = device_(CrcPolicy::Lenient);
        assert_eq!(device(Some(&old), &new, false), "crc: strict → lenient");
        assert_eq!(
            device(Some(&old), &new, true),
            "crc: strict → lenient; password: changed"
        );
        assert_eq!(device(Some(&old), &old, true), "password: changed");
        assert_eq!(device(Some(&old), &old, false), "unchanged");
        let created = device(None, &new, true);
        assert!(
            created.starts_with("new: site=S1 protocol=auto crc=lenient")
                && created.ends_with("password=set")
        );
        assert!(!created.contains("hmac"));
        let s = Site {
            id: "S1".into(),
            name: "outlet".into(),
            kind: SiteKind::FlueGasOutlet,
            county: None,
            lon: None,
            lat: None,
            enterprise_id: None,
            emission_standard: None,
            simulated: false,
        };
        let renamed = Site {
            name: "stack 1".into(),
            lon: Some(103.7),
            lat: Some(27.3),
            ..s.clone()
        };
        assert_eq!(
            site(Some(&s), &renamed),
            "name: outlet → stack 1; lon: - → 103.7; lat: - → 27.3"
        );
    }
}
