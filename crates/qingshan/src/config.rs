//! Configuration: defaults, then a TOML file, then `QINGSHAN_*` environment variables, then flags.
//!
//! Every setting has one dotted key (`http_listen`, `limits.max_connections`); the environment variable
//! is the key upper-cased with dots as underscores and a `QINGSHAN_` prefix (`QINGSHAN_LIMITS_MAX_CONNECTIONS`).
//! [`KEYS`] lists them all; an unknown key in the file is an error, not a silent no-op. The one list-valued
//! key, `portal.city_air_stations`, is comma-separated text in the environment and a flag, and either that
//! or an array of strings in the file.

use anyhow::{Context, bail};
use platform::Settings;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Every configuration key with its meaning (shown by `qingshan serve --help-config`).
pub const KEYS: &[(&str, &str)] = &[
    (
        "data_dir",
        "folder holding qingshan.db and device.key (default ./data)",
    ),
    (
        "database_url",
        "the database: sqlite:PATH or postgres://USER@HOST:PORT/DB (default sqlite:DATA_DIR/qingshan.db)",
    ),
    (
        "hj212_listen",
        "HJ 212 gateway address (default 0.0.0.0:9212)",
    ),
    (
        "http_listen",
        "HTTP address (default 127.0.0.1:8080; any other needs admin_token)",
    ),
    (
        "timezone",
        "the city's IANA time zone (default Asia/Shanghai)",
    ),
    (
        "durability",
        "full (survives power loss, default) or normal (survives a crash)",
    ),
    (
        "admin_token",
        "bearer token for registry changes through the API (default: none, loopback only)",
    ),
    (
        "device_key_file",
        "key file device passwords are sealed with (default device.key in data_dir; created 0600 when missing)",
    ),
    (
        "limits.max_connections",
        "HJ 212 connections open at once (default 20000)",
    ),
    (
        "limits.max_frame_bytes",
        "largest HJ 212 frame in bytes (default 16384)",
    ),
    (
        "limits.connection_buffer_bytes",
        "bytes buffered per connection (default 65536)",
    ),
    (
        "limits.idle_timeout_s",
        "close a silent connection after this many seconds (default 600)",
    ),
    (
        "limits.frame_timeout_s",
        "a started frame must complete within this many seconds (default 30)",
    ),
    (
        "limits.max_write_batch",
        "frames per write transaction at most (default 4096)",
    ),
    (
        "limits.http_body_bytes",
        "largest HTTP request body (default 1048576)",
    ),
    (
        "limits.max_backfill_days",
        "oldest DataTime accepted, days before receipt (default 400)",
    ),
    (
        "limits.max_future_minutes",
        "latest DataTime accepted, minutes after receipt (default 15)",
    ),
    (
        "limits.max_connections_per_source",
        "HJ 212 connections one IPv4 address or IPv6 /64 may hold open (default 256)",
    ),
    (
        "limits.max_refused_frames",
        "close a connection after this many refused frames (default 20)",
    ),
    (
        "limits.max_wrong_passwords",
        "close a connection after this many wrong passwords (default 3)",
    ),
    (
        "limits.wrong_password_delay_ms",
        "wait after a wrong password, doubling per further one, at most 30 s (default 1000)",
    ),
    (
        "limits.first_frame_timeout_s",
        "a connection must send an accepted frame within this many seconds (default 30)",
    ),
    (
        "limits.refused_journal_per_source_hour",
        "refused frames journaled per source and hour; the rest are counted (default 200)",
    ),
    (
        "limits.refused_journal_per_hour",
        "refused frames journaled per hour in all; the rest are counted (default 10000)",
    ),
    (
        "limits.min_free_disk_mb",
        "refuse writes (and answer 503 on /healthz) below this much free disk, MB (default 256)",
    ),
    (
        "limits.refused_retention_days",
        "purge refused frames' bytes after this many days, 0 never (default 90)",
    ),
    (
        "sessions.idle_minutes",
        "a staff session unused this long ends (default 30)",
    ),
    (
        "sessions.max_hours",
        "a staff session ends this long after sign-in, used or not (default 12)",
    ),
    (
        "supervision.gap_minutes",
        "no data for longer than this while the source is not stopped is a data problem (default 60)",
    ),
    (
        "supervision.stuck_hours",
        "a measurement unchanged for longer than this is a data problem (default 4)",
    ),
    (
        "alarms.webhook_url",
        "every alarm event is POSTed here as signed JSON (http:// only; none by default)",
    ),
    (
        "alarms.webhook_secret",
        "the HMAC-SHA256 key of the X-Qingshan-Signature header (never logged)",
    ),
    (
        "alarms.webhook_retry_s",
        "the first wait before a failed webhook delivery is tried again, doubled each time up to an hour (default 30)",
    ),
    (
        "alarms.smtp_relay",
        "host:port of the SMTP relay alarm e-mails go through (plain SMTP; none by default)",
    ),
    (
        "alarms.smtp_from",
        "the sender address of alarm e-mails (default qingshan@localhost)",
    ),
    (
        "alarms.escalate_after_minutes",
        "an alarm nobody acknowledged this long after it opened goes from the county to the city (default 60)",
    ),
    (
        "marks.deadline",
        "hours after a day ends by which enterprises mark its data (default 24: the next day 24:00 local); later marks need the bureau's approval, and figures covering the day are preliminary until then",
    ),
    (
        "marks.quota_hours",
        "hours a mark category may cover per outlet and calendar year, as category=hours pairs separated by commas (default device_fault=60,start_stop=60; empty: no quotas)",
    ),
    (
        "cases.holidays_file",
        "CSV of public holidays and weekend days worked (date,kind,name; kind holiday or workday) for the cases' working-day clocks (default: the shipped 2025–2026 calendar)",
    ),
    (
        "cases.due_soon_days",
        "a case due within this many days is flagged due soon (default 3)",
    ),
    (
        "rivers.patrol",
        "river chiefs' patrol duty per level: level=times/period[:Nmin][:Nkm] items separated by commas, period week, month, quarter, half_year or year; a patrol shorter than the level's minutes or kilometres does not count (default province=1/year,city=1/half_year,county=1/quarter:30min,township=1/month:30min:2km,village=1/week:30min:2km, the Akqi county example; Yunnan's values were not found)",
    ),
    (
        "rivers.complaint_metres",
        "a water complaint with a point this close to a reach's course is about the reach (default 500)",
    ),
    (
        "targets.score_method",
        "CSV of the county scoring method (version,indicator,weight,full_at,zero_at; one version per file); none by default, so no score ranking (the demo uses its own, invented)",
    ),
    (
        "complaints.key_file",
        "key file reporters' names and contacts are sealed with (ChaCha20-Poly1305; one `id hex` key per line, the first seals, all open; default personal.key in the data folder, made when missing); keep it out of database backups",
    ),
    (
        "attachments.dir",
        "folder of evidence files (content-addressed; default attachments in the data folder; servers of one database share it)",
    ),
    (
        "attachments.max_bytes",
        "largest evidence file accepted, bytes (default 10485760)",
    ),
    (
        "http.header_timeout_s",
        "cut HTTP clients that take longer to send their headers (default 10)",
    ),
    (
        "http.request_timeout_s",
        "answer 503 to a request not answered within this many seconds (default 30)",
    ),
    (
        "http.max_connections",
        "HTTP connections open at once (default 1024)",
    ),
    (
        "http.trusted_proxies",
        "comma-separated addresses or CIDR blocks of reverse proxies whose X-Forwarded-For is believed (default none)",
    ),
    (
        "portal.air_good_days_target_pct",
        "target share of good air days, per cent, shown on the air page (default 97.2)",
    ),
    (
        "portal.water_good_target_pct",
        "target share of class I-III water sections, per cent (default 95)",
    ),
    (
        "portal.map_geojson",
        "GeoJSON file of the operator's county areas for the portal map (default the demo's schematic layer)",
    ),
    (
        "portal.city_air_stations",
        "comma-separated air station ids averaged into the city's figures (default every air station)",
    ),
    (
        "portal.public_rate_limit",
        "open data API requests per client address per window (default 300)",
    ),
    (
        "portal.public_rate_window_s",
        "the open data API's rate-limit window in seconds (default 60)",
    ),
];

/// Keys whose value may be a list (an array of strings in the file).
const LIST_KEYS: &[&str] = &["portal.city_air_stations", "http.trusted_proxies"];

/// Builds the settings from `file` (or `./qingshan.toml` when present), the environment and `flags`
/// (dotted key, value) pairs, later sources winning.
pub fn load(file: Option<&Path>, flags: &[(&str, Option<String>)]) -> anyhow::Result<Settings> {
    let mut settings = Settings::default();
    let default_file = PathBuf::from("qingshan.toml");
    let file = match (file, std::env::var_os("QINGSHAN_CONFIG")) {
        (Some(f), _) => Some(f.to_path_buf()),
        (None, Some(f)) => Some(PathBuf::from(f)),
        (None, None) => default_file.exists().then_some(default_file),
    };
    if let Some(path) = file {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let table: toml::Table = text
            .parse()
            .with_context(|| format!("parsing {}", path.display()))?;
        let mut pairs = Vec::new();
        flatten("", &table, &mut pairs).with_context(|| format!("in {}", path.display()))?;
        for (key, value) in pairs {
            set(&mut settings, &key, &value).with_context(|| format!("in {}", path.display()))?;
        }
    }
    for (key, _) in KEYS {
        let var = format!("QINGSHAN_{}", key.to_uppercase().replace('.', "_"));
        if let Ok(value) = std::env::var(&var) {
            set(&mut settings, key, &value)
                .with_context(|| format!("in environment variable {var}"))?;
        }
    }
    for (key, value) in flags {
        if let Some(value) = value {
            set(&mut settings, key, value)?;
        }
    }
    Ok(settings)
}

/// The file's (dotted key, value as text) pairs. The array of strings of a list key becomes
/// comma-separated text.
fn flatten(
    prefix: &str,
    table: &toml::Table,
    out: &mut Vec<(String, String)>,
) -> anyhow::Result<()> {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out)?,
            toml::Value::String(s) => out.push((key, s.clone())),
            toml::Value::Integer(i) => out.push((key, i.to_string())),
            toml::Value::Float(f) => out.push((key, f.to_string())),
            toml::Value::Boolean(b) => out.push((key, b.to_string())),
            toml::Value::Array(items) if LIST_KEYS.contains(&key.as_str()) => {
                let texts: Option<Vec<&str>> = items.iter().map(toml::Value::as_str).collect();
                match texts {
                    Some(texts) if !texts.iter().any(|t| t.contains(',')) => {
                        out.push((key, texts.join(",")))
                    }
                    _ => bail!("{key}: expected an array of strings without commas"),
                }
            }
            _ if KEYS.iter().any(|k| k.0 == key) => {
                bail!("{key}: expected one value (text or a number), not an array or a date")
            }
            // Unknown key: keep it so `set` names it.
            _ => out.push((key, String::new())),
        }
    }
    Ok(())
}

/// Sets one key from its text.
fn set(s: &mut Settings, key: &str, value: &str) -> anyhow::Result<()> {
    fn num<T: std::str::FromStr>(key: &str, value: &str) -> anyhow::Result<T> {
        value
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("{key} = {value:?} is not a valid number"))
    }
    fn pct(key: &str, value: &str) -> anyhow::Result<f64> {
        let v: f64 = num(key, value)?;
        if !(0.0..=100.0).contains(&v) {
            bail!("{key} = {value:?}: expected a percentage from 0 to 100");
        }
        Ok(v)
    }
    fn positive<T: std::str::FromStr + Default + PartialEq>(
        key: &str,
        value: &str,
    ) -> anyhow::Result<T> {
        let v: T = num(key, value)?;
        if v == T::default() {
            bail!("{key} = {value:?}: must be more than 0");
        }
        Ok(v)
    }
    let l = &mut s.limits;
    let h = &mut s.http;
    let p = &mut s.portal;
    match key {
        "data_dir" => s.data_dir = PathBuf::from(value),
        "database_url" => s.database_url = Some(value.to_string()).filter(|u| !u.is_empty()),
        "hj212_listen" => s.hj212_listen = value.to_string(),
        "http_listen" => s.http_listen = value.to_string(),
        "timezone" => s.timezone = value.to_string(),
        "admin_token" => s.admin_token = Some(value.to_string()).filter(|t| !t.is_empty()),
        "device_key_file" => {
            s.device_key_file =
                Some(value.into()).filter(|p: &std::path::PathBuf| !p.as_os_str().is_empty())
        }
        "durability" => {
            s.durability = match value {
                "full" => store::Durability::Full,
                "normal" => store::Durability::Normal,
                _ => bail!("durability = {value:?}: expected full or normal"),
            }
        }
        "limits.max_connections" => l.max_connections = num(key, value)?,
        "limits.max_frame_bytes" => l.max_frame_bytes = num(key, value)?,
        "limits.connection_buffer_bytes" => l.connection_buffer_bytes = num(key, value)?,
        "limits.idle_timeout_s" => l.idle_timeout = Duration::from_secs(num(key, value)?),
        "limits.frame_timeout_s" => l.frame_timeout = Duration::from_secs(num(key, value)?),
        "limits.max_write_batch" => l.max_write_batch = num(key, value)?,
        "limits.http_body_bytes" => l.http_body_bytes = num(key, value)?,
        "limits.max_backfill_days" => l.max_backfill_days = num(key, value)?,
        "limits.max_future_minutes" => l.max_future_minutes = num(key, value)?,
        "limits.max_connections_per_source" => l.max_connections_per_source = num(key, value)?,
        "limits.max_refused_frames" => l.max_refused_frames = num(key, value)?,
        "limits.max_wrong_passwords" => l.max_wrong_passwords = num(key, value)?,
        "limits.wrong_password_delay_ms" => {
            l.wrong_password_delay = Duration::from_millis(num(key, value)?)
        }
        "limits.first_frame_timeout_s" => {
            l.first_frame_timeout = Duration::from_secs(num(key, value)?)
        }
        "limits.refused_journal_per_source_hour" => {
            l.refused_journal_per_source_hour = num(key, value)?
        }
        "limits.refused_journal_per_hour" => l.refused_journal_per_hour = num(key, value)?,
        "limits.refused_retention_days" => l.refused_retention_days = num(key, value)?,
        "limits.min_free_disk_mb" => l.min_free_disk_mb = num(key, value)?,
        "http.header_timeout_s" => h.header_timeout = Duration::from_secs(positive(key, value)?),
        "sessions.idle_minutes" => s.sessions.idle_s = positive::<i64>(key, value)? * 60,
        "sessions.max_hours" => s.sessions.max_s = positive::<i64>(key, value)? * 3600,
        "supervision.gap_minutes" => s.supervision.gap_minutes = positive(key, value)?,
        "supervision.stuck_hours" => s.supervision.stuck_hours = positive(key, value)?,
        "alarms.escalate_after_minutes" => s.alarms.escalate_after_minutes = positive(key, value)?,
        "alarms.webhook_url" => {
            web::notify::target(value)?;
            s.alarms.webhook_url = Some(value.to_string())
        }
        "alarms.webhook_secret" => s.alarms.webhook_secret = Some(value.to_string()),
        "alarms.smtp_relay" => {
            s.alarms.smtp_relay = Some(value.to_string()).filter(|v| !v.is_empty())
        }
        "alarms.smtp_from" => s.alarms.smtp_from = value.to_string(),
        "alarms.webhook_retry_s" => s.alarms.webhook_retry_s = positive(key, value)?,
        "marks.deadline" => s.marks.deadline_hours = num(key, value)?,
        "marks.quota_hours" => {
            s.marks.quota_hours = platform::supervision::marking::MarkSettings::parse_quotas(value)
                .map_err(|e| anyhow::anyhow!("{key}: {e}"))?
        }
        "cases.holidays_file" => {
            let text = std::fs::read_to_string(value)
                .map_err(|e| anyhow::anyhow!("{key}: cannot read {value}: {e}"))?;
            s.cases.calendar = platform::cases::calendar::WorkCalendar::parse(&text)
                .map_err(|e| anyhow::anyhow!("{key}: {value}: {e}"))?
        }
        "cases.due_soon_days" => s.cases.due_soon_days = num(key, value)?,
        "complaints.key_file" => s.complaints_key_file = Some(value.into()),
        "rivers.patrol" => {
            s.rivers.patrol = platform::rivers::patrols::PatrolRules::parse(value)
                .map_err(|e| anyhow::anyhow!("{key}: {e}"))?
        }
        "targets.score_method" => {
            let text = std::fs::read_to_string(value)
                .map_err(|e| anyhow::anyhow!("{key}: cannot read {value}: {e}"))?;
            s.score_method = Some(
                platform::targets::score::Method::parse(&text)
                    .map_err(|e| anyhow::anyhow!("{key}: {value}: {e}"))?,
            )
        }
        "rivers.complaint_metres" => {
            s.rivers.complaint_metres = positive::<u32>(key, value)?.into()
        }
        "attachments.dir" => s.attachments.dir = Some(value.into()),
        "attachments.max_bytes" => s.attachments.max_bytes = positive(key, value)?,
        "http.request_timeout_s" => h.request_timeout = Duration::from_secs(positive(key, value)?),
        "http.max_connections" => h.max_connections = positive(key, value)?,
        "http.trusted_proxies" => {
            h.trusted_proxies = value
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect();
            for proxy in &h.trusted_proxies {
                if web::client::Cidr::parse(proxy).is_none() {
                    bail!("http.trusted_proxies: {proxy:?} is not an IP address or CIDR block");
                }
            }
        }
        "portal.air_good_days_target_pct" => p.air_good_days_target_pct = pct(key, value)?,
        "portal.water_good_target_pct" => p.water_good_target_pct = pct(key, value)?,
        // An unreadable file is a warning when the platform opens, and the demo's layer is drawn.
        "portal.map_geojson" => {
            p.map_geojson = Some(PathBuf::from(value)).filter(|_| !value.is_empty())
        }
        "portal.city_air_stations" => {
            p.city_air_stations = value
                .split(',')
                .map(|id| id.trim().to_string())
                .filter(|id| !id.is_empty())
                .collect()
        }
        "portal.public_rate_limit" => p.public_rate_limit = positive(key, value)?,
        "portal.public_rate_window_s" => {
            p.public_rate_window = Duration::from_secs(positive(key, value)?)
        }
        _ => bail!(
            "unknown configuration key {key:?}; known keys: {}",
            KEYS.iter().map(|k| k.0).collect::<Vec<_>>().join(", ")
        ),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_flags_override_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.toml");
        std::fs::write(
            &path,
            "http_listen = \"127.0.0.1:1\"\n[limits]\nmax_connections = 7\nidle_timeout_s = 5\n",
        )
        .unwrap();
        let s = load(
            Some(&path),
            &[
                ("http_listen", Some("127.0.0.1:2".into())),
                ("data_dir", None),
            ],
        )
        .unwrap();
        assert_eq!(s.http_listen, "127.0.0.1:2");
        assert_eq!(s.limits.max_connections, 7);
        assert_eq!(s.limits.idle_timeout, Duration::from_secs(5));
        assert_eq!(s.data_dir, PathBuf::from("data"));
    }

    #[test]
    fn unknown_keys_and_bad_numbers_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.toml");
        std::fs::write(&path, "[limits]\nmax_conections = 7\n").unwrap();
        let err = format!("{:#}", load(Some(&path), &[]).unwrap_err());
        assert!(
            err.contains("unknown configuration key \"limits.max_conections\""),
            "{err}"
        );
        std::fs::write(&path, "[limits]\nmax_connections = \"many\"\n").unwrap();
        let err = format!("{:#}", load(Some(&path), &[]).unwrap_err());
        assert!(err.contains("is not a valid number"), "{err}");
    }

    #[test]
    fn portal_section() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.toml");
        std::fs::write(&path, "").unwrap();
        let defaults = load(Some(&path), &[]).unwrap().portal;
        assert_eq!(defaults, platform::PortalSettings::default());
        assert_eq!(defaults.air_good_days_target_pct, 97.2);
        assert_eq!(defaults.public_rate_window, Duration::from_secs(60));
        std::fs::write(
            &path,
            r#"
[portal]
air_good_days_target_pct = 90.5
water_good_target_pct = 80
map_geojson = "/srv/qingshan/counties.geojson"
city_air_stations = ["A01", " A02 "]
public_rate_limit = 50
public_rate_window_s = 10
"#,
        )
        .unwrap();
        let p = load(Some(&path), &[]).unwrap().portal;
        assert_eq!(p.air_good_days_target_pct, 90.5);
        assert_eq!(p.water_good_target_pct, 80.0);
        assert_eq!(
            p.map_geojson,
            Some(PathBuf::from("/srv/qingshan/counties.geojson"))
        );
        assert_eq!(p.city_air_stations, ["A01", "A02"]);
        assert_eq!(p.public_rate_limit, 50);
        assert_eq!(p.public_rate_window, Duration::from_secs(10));

        // Comma-separated text (as in QINGSHAN_PORTAL_CITY_AIR_STATIONS) overrides the file's list.
        let p = load(
            Some(&path),
            &[("portal.city_air_stations", Some("A03, ,A04".into()))],
        )
        .unwrap()
        .portal;
        assert_eq!(p.city_air_stations, ["A03", "A04"]);
        let p = load(
            Some(&path),
            &[("portal.city_air_stations", Some(String::new()))],
        )
        .unwrap()
        .portal;
        assert!(p.city_air_stations.is_empty(), "empty: every station");

        // Bad values are errors, not silent fallbacks.
        for (text, expected) in [
            ("[portal]\nair_good_days_target_pct = 120\n", "percentage"),
            (
                "[portal]\nwater_good_target_pct = \"high\"\n",
                "not a valid number",
            ),
            ("[portal]\npublic_rate_limit = 0\n", "more than 0"),
            ("[portal]\npublic_rate_window_s = 0\n", "more than 0"),
            ("[portal]\ncity_air_stations = [1, 2]\n", "array of strings"),
            ("[portal]\nmap_geojson = [\"a\"]\n", "not an array"),
            (
                "[portal]\nrate_limit = 5\n",
                "unknown configuration key \"portal.rate_limit\"",
            ),
        ] {
            std::fs::write(&path, text).unwrap();
            let err = format!("{:#}", load(Some(&path), &[]).unwrap_err());
            assert!(err.contains(expected), "{text}: {err}");
        }
    }
}
