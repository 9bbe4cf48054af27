//! Device passwords at rest: a keyed hash (HMAC-SHA256) under a key kept outside the database.
//!
//! A data logger sends its password in clear in every packet (HJ 212 `PW=`), so the platform must check
//! it per packet: a slow password hash (argon2) would cost milliseconds per packet and hand an attacker
//! a CPU amplifier. HMAC-SHA256 costs about a microsecond, and without the key (a file beside the
//! database, `device.key` in the data folder by default, mode 0600) the stored hashes say nothing: a
//! copy of the database file, a backup or a dump does not give away any device's password.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;

/// What a sealed password starts with.
const PREFIX: &str = "hmac-sha256:";

/// The key device passwords are sealed with.
#[derive(Clone)]
pub struct DeviceKey([u8; 32]);

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceKey(…)")
    }
}

/// Why the key could not be read or made.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("device key {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("device key {path} is not 64 hexadecimal characters")]
    Malformed { path: String },
    #[error("no random source for a new device key: {0}")]
    Random(String),
}

impl DeviceKey {
    /// Reads the key at `path`, or makes a new random one there (mode 0600) when there is none.
    pub fn load_or_create(path: &Path) -> Result<DeviceKey, KeyError> {
        let shown = path.display().to_string();
        let io = |source| KeyError::Io {
            path: shown.clone(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => DeviceKey::from_hex(text.trim()).ok_or(KeyError::Malformed {
                path: shown.clone(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                getrandom::fill(&mut key).map_err(|e| KeyError::Random(e.to_string()))?;
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                use std::io::Write;
                let mut file = options.open(path).map_err(io)?;
                file.write_all(format!("{}\n", hex(&key)).as_bytes())
                    .and_then(|_| file.sync_all())
                    .map_err(io)?;
                Ok(DeviceKey(key))
            }
            Err(e) => Err(io(e)),
        }
    }

    fn from_hex(text: &str) -> Option<DeviceKey> {
        if text.len() != 64 {
            return None;
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(DeviceKey(key))
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes keys of any length: this cannot fail.
        <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC accepts any key length")
    }

    /// The stored form of `password`: `hmac-sha256:` and 64 hex digits. A stored form is returned as is.
    pub fn seal(&self, password: &str) -> String {
        if is_sealed(password) {
            return password.to_string();
        }
        let mut mac = self.mac();
        mac.update(password.as_bytes());
        format!("{PREFIX}{}", hex(&mac.finalize().into_bytes()))
    }

    /// Whether `sent` is the password whose stored form is `stored` (in constant time).
    pub fn verify(&self, sent: &str, stored: &str) -> bool {
        let Some(digest) = stored.strip_prefix(PREFIX) else {
            return false;
        };
        let Some(expected) = DeviceKey::from_hex(digest) else {
            return false;
        };
        let mut mac = self.mac();
        mac.update(sent.as_bytes());
        mac.verify_slice(&expected.0).is_ok()
    }
}

/// Whether a stored password is already sealed (older databases held them in clear).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_password_verifies_only_under_its_key_and_hides_the_password() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.key");
        let key = DeviceKey::load_or_create(&path).unwrap();
        let again = DeviceKey::load_or_create(&path).unwrap();
        let sealed = key.seal("123456");
        assert!(
            sealed.starts_with("hmac-sha256:") && sealed.len() == 12 + 64,
            "{sealed}"
        );
        assert!(!sealed.contains("123456"));
        assert_eq!(again.seal("123456"), sealed, "the key file is read back");
        assert_eq!(key.seal(&sealed), sealed, "sealing is idempotent");
        assert!(key.verify("123456", &sealed));
        assert!(!key.verify("123457", &sealed));
        assert!(
            !key.verify("123456", "123456"),
            "a password in clear never verifies"
        );
        let other = DeviceKey::load_or_create(&dir.path().join("other.key")).unwrap();
        assert!(!other.verify("123456", &sealed), "another key says nothing");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(dir.path().join("bad.key"), "xyz").unwrap();
        assert!(matches!(
            DeviceKey::load_or_create(&dir.path().join("bad.key")),
            Err(KeyError::Malformed { .. })
        ));
    }
}
