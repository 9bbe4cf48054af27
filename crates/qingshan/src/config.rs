//! Configuration: defaults, then a TOML file, then `QINGSHAN_*` environment variables, then flags.
//!
//! Every setting has one dotted key (`http_listen`, `limits.max_connections`); the environment variable
//! is the key upper-cased with dots as underscores and a `QINGSHAN_` prefix (`QINGSHAN_LIMITS_MAX_CONNECTIONS`).
//! [`KEYS`] lists them all; an unknown key in the file is an error, not a silent no-op.

use anyhow::{Context, bail};
use platform::Settings;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Every configuration key with its meaning (shown by `qingshan serve --help-config`).
pub const KEYS: &[(&str, &str)] = &[
    ("data_dir", "folder holding qingshan.db (default ./data)"),
    (
        "hj212_listen",
        "HJ 212 gateway address (default 0.0.0.0:9212)",
    ),
    ("http_listen", "HTTP address (default 0.0.0.0:8080)"),
    (
        "timezone",
        "the city's IANA time zone (default Asia/Shanghai)",
    ),
    (
        "durability",
        "full (survives power loss, default) or normal (survives a crash)",
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
];

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
        flatten("", &table, &mut pairs);
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

fn flatten(prefix: &str, table: &toml::Table, out: &mut Vec<(String, String)>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => out.push((key, s.clone())),
            toml::Value::Integer(i) => out.push((key, i.to_string())),
            toml::Value::Float(f) => out.push((key, f.to_string())),
            toml::Value::Boolean(b) => out.push((key, b.to_string())),
            // Dates and arrays are no setting's type; keep the key so `set` names it.
            _ => out.push((key, String::new())),
        }
    }
}

/// Sets one key from its text.
fn set(s: &mut Settings, key: &str, value: &str) -> anyhow::Result<()> {
    fn num<T: std::str::FromStr>(key: &str, value: &str) -> anyhow::Result<T> {
        value
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("{key} = {value:?} is not a valid number"))
    }
    let l = &mut s.limits;
    match key {
        "data_dir" => s.data_dir = PathBuf::from(value),
        "hj212_listen" => s.hj212_listen = value.to_string(),
        "http_listen" => s.http_listen = value.to_string(),
        "timezone" => s.timezone = value.to_string(),
        "admin_token" => s.admin_token = Some(value.to_string()).filter(|t| !t.is_empty()),
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
}
