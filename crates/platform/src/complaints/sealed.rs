//! Reporters' personal data at rest: sealed with ChaCha20-Poly1305 (an authenticated cipher: a changed
//! byte is found, not decrypted into something else) under a key kept outside the database, in a key
//! file beside it (`complaints.key_file`, default `personal.key` in the data folder, mode 0600).
//!
//! Rotation: the file holds one key per line, `id hex`; the first line seals, every line opens. To
//! rotate, put a new line first and keep the old ones until every sealed value was sealed again
//! (`qingshan complaints reseal`, [`super::reseal`]) or is no longer kept.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use std::path::Path;

/// The keys personal data is sealed and opened with.
#[derive(Clone)]
pub struct PersonalKeys {
    /// (id, key); the first seals.
    keys: Vec<(String, [u8; 32])>,
}

impl std::fmt::Debug for PersonalKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|(id, _)| id.as_str()).collect();
        write!(f, "PersonalKeys({ids:?})")
    }
}

/// Why the keys could not be read, made or used.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("personal-data key file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "personal-data key file {path}, line {line}: not `id hex` with 64 hexadecimal characters"
    )]
    Malformed { path: String, line: usize },
    #[error("no random source: {0}")]
    Random(String),
    #[error("a sealed value is not `v1:id:nonce:ciphertext`")]
    Format,
    #[error("no key {0:?} in the personal-data key file (rotated away?)")]
    UnknownKey(String),
    #[error("a sealed value does not open under its key: changed, or another key")]
    Forged,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn random<const N: usize>() -> Result<[u8; N], SealError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| SealError::Random(e.to_string()))?;
    Ok(b)
}

impl PersonalKeys {
    /// Reads the key file at `path`, or makes one with a new random key (mode 0600) when there is none;
    /// says which (true: made now).
    pub fn load_or_create(path: &Path) -> Result<(PersonalKeys, bool), SealError> {
        let shown = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => Ok((PersonalKeys::parse(&text, &shown)?, false)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key: [u8; 32] = random()?;
                let id = hex(&random::<4>()?);
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                use std::io::Write;
                let io = |source| SealError::Io {
                    path: shown.clone(),
                    source,
                };
                let mut file = options.open(path).map_err(io)?;
                writeln!(file, "{id} {}", hex(&key)).map_err(io)?;
                Ok((
                    PersonalKeys {
                        keys: vec![(id, key)],
                    },
                    true,
                ))
            }
            Err(source) => Err(SealError::Io {
                path: shown,
                source,
            }),
        }
    }

    /// Keys from the text of a key file (`id hex` per line; `#` lines and blanks skipped).
    pub fn parse(text: &str, path: &str) -> Result<PersonalKeys, SealError> {
        let mut keys = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let malformed = || SealError::Malformed {
                path: path.into(),
                line: n + 1,
            };
            let (id, key) = line.split_once(' ').ok_or_else(malformed)?;
            let key: [u8; 32] = unhex(key.trim())
                .and_then(|k| k.try_into().ok())
                .ok_or_else(malformed)?;
            if id.is_empty() || id.contains(':') {
                return Err(malformed());
            }
            keys.push((id.to_string(), key));
        }
        if keys.is_empty() {
            return Err(SealError::Malformed {
                path: path.into(),
                line: 0,
            });
        }
        Ok(PersonalKeys { keys })
    }

    /// Seals `plain` under the current key: `v1:id:nonce:ciphertext` (hex), a fresh nonce each time.
    pub fn seal(&self, plain: &str) -> Result<String, SealError> {
        let (id, key) = &self.keys[0];
        let nonce: [u8; 12] = random()?;
        let cipher = ChaCha20Poly1305::new(Key::from_slice(key));
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
            .map_err(|_| SealError::Forged)?;
        Ok(format!("v1:{id}:{}:{}", hex(&nonce), hex(&sealed)))
    }

    /// Whether `sealed` was sealed under the current (first) key.
    pub fn is_current(&self, sealed: &str) -> bool {
        sealed
            .strip_prefix("v1:")
            .and_then(|rest| rest.split(':').next())
            .is_some_and(|id| id == self.keys[0].0)
    }

    /// Opens a value [`PersonalKeys::seal`] made under any key of the file.
    pub fn open(&self, sealed: &str) -> Result<String, SealError> {
        let mut parts = sealed.split(':');
        let (Some("v1"), Some(id), Some(nonce), Some(body), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(SealError::Format);
        };
        let (_, key) = self
            .keys
            .iter()
            .find(|(k, _)| k == id)
            .ok_or_else(|| SealError::UnknownKey(id.into()))?;
        let nonce: [u8; 12] = unhex(nonce)
            .and_then(|n| n.try_into().ok())
            .ok_or(SealError::Format)?;
        let body = unhex(body).ok_or(SealError::Format)?;
        let plain = ChaCha20Poly1305::new(Key::from_slice(key))
            .decrypt(Nonce::from_slice(&nonce), body.as_slice())
            .map_err(|_| SealError::Forged)?;
        String::from_utf8(plain).map_err(|_| SealError::Forged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_data_hides_the_phone_opens_under_old_keys_and_finds_tampering() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("personal.key");
        let (old, made) = PersonalKeys::load_or_create(&path).unwrap();
        assert!(made);
        let sealed = old.seal(r#"{"phone":"13912345678"}"#).unwrap();
        assert!(!sealed.contains("13912345678"));
        assert_ne!(
            sealed,
            old.seal(r#"{"phone":"13912345678"}"#).unwrap(),
            "a fresh nonce"
        );
        // Rotation: a new key first, the old one kept to open what it sealed.
        let text = std::fs::read_to_string(&path).unwrap();
        let rotated =
            PersonalKeys::parse(&format!("new1 {}\n{text}", "ab".repeat(32)), "k").unwrap();
        assert_eq!(rotated.open(&sealed).unwrap(), r#"{"phone":"13912345678"}"#);
        assert!(rotated.seal("x").unwrap().starts_with("v1:new1:"));
        // A changed byte does not open; a dropped key is named.
        let mut forged = sealed.clone().into_bytes();
        let last = forged.len() - 1;
        forged[last] = if forged[last] == b'0' { b'1' } else { b'0' };
        assert!(matches!(
            old.open(&String::from_utf8(forged).unwrap()),
            Err(SealError::Forged)
        ));
        let only_new = PersonalKeys::parse(&format!("new1 {}", "ab".repeat(32)), "k").unwrap();
        assert!(matches!(
            only_new.open(&sealed),
            Err(SealError::UnknownKey(_))
        ));
        assert!(matches!(old.open("13912345678"), Err(SealError::Format)));
        let (again, made) = PersonalKeys::load_or_create(&path).unwrap();
        assert!(!made);
        assert_eq!(again.open(&sealed).unwrap(), r#"{"phone":"13912345678"}"#);
    }
}
