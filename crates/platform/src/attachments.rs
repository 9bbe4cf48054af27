//! Evidence files (a mark's repair record, a correction's lab report...): kept on disk under the SHA-256
//! of their content, never inside a database row, within a size limit and only of the types a reviewer
//! can open safely (PDF, JPEG, PNG), recognised by their content, not by the name or type a client claims.
//! The same content is kept once however often it is attached; the store records which record holds
//! which file ([`store::Attachments`]).
//!
//! Several servers of one PostgreSQL database must share the folder (`attachments.dir`).

use crate::settings::Settings;
use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::PathBuf;
use store::Attachment;

/// Where evidence files are kept and how large one may be (`attachments.*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentSettings {
    /// The folder (`attachments.dir`); `None`: `attachments` in the data folder.
    pub dir: Option<PathBuf>,
    /// The largest file accepted, in bytes (`attachments.max_bytes`, default 10 MiB).
    pub max_bytes: u64,
}

impl Default for AttachmentSettings {
    fn default() -> AttachmentSettings {
        AttachmentSettings {
            dir: None,
            max_bytes: 10 * 1024 * 1024,
        }
    }
}

/// The folder evidence files are kept in.
pub fn folder(settings: &Settings) -> PathBuf {
    settings
        .attachments
        .dir
        .clone()
        .unwrap_or_else(|| settings.data_dir.join("attachments"))
}

/// The types accepted, recognised by their first bytes (the format's signature).
const TYPES: [(&[u8], &str); 3] = [
    (b"%PDF-", "application/pdf"),
    (b"\xFF\xD8\xFF", "image/jpeg"),
    (b"\x89PNG\r\n\x1A\n", "image/png"),
];

/// The media type of `bytes` by its signature, if it is one accepted.
pub fn media_type(bytes: &[u8]) -> Option<&'static str> {
    TYPES
        .iter()
        .find(|(signature, _)| bytes.starts_with(signature))
        .map(|(_, t)| *t)
}

/// The name a file is shown with: the last part of what the client sent, without control characters,
/// at most 120 characters. It is never used as a path.
fn shown_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = last.chars().filter(|c| !c.is_control()).take(120).collect();
    match clean.trim() {
        "" => "evidence".into(),
        s => s.to_string(),
    }
}

/// Checks `bytes` and keeps them (once per content). Returns what a record holds to refer to the file.
pub fn keep(settings: &Settings, name: &str, bytes: &[u8]) -> Result<Attachment> {
    let max = settings.attachments.max_bytes;
    if bytes.is_empty() {
        return Err(Error::invalid_both(
            format!("evidence file {name:?} is empty"),
            format!("证明材料“{name}”为空文件"),
        ));
    }
    if bytes.len() as u64 > max {
        return Err(Error::invalid_both(
            format!(
                "evidence file {name:?} is {} bytes; the limit is {max} (attachments.max_bytes)",
                bytes.len()
            ),
            format!(
                "证明材料“{name}”有 {} 字节，超过上限 {max} 字节",
                bytes.len()
            ),
        ));
    }
    let Some(media_type) = media_type(bytes) else {
        return Err(Error::invalid_both(
            format!("evidence file {name:?} is not a PDF, JPEG or PNG file (by its content)"),
            format!("证明材料“{name}”不是 PDF、JPEG 或 PNG 文件"),
        ));
    };
    let digest = hex(&Sha256::digest(bytes));
    let path = path_of(settings, &digest);
    if !path.exists() {
        write_new(&path, bytes).map_err(|e| {
            Error::Internal(format!(
                "evidence file could not be kept at {}: {e}",
                path.display()
            ))
        })?;
    }
    Ok(Attachment {
        digest,
        name: shown_name(name),
        media_type: media_type.into(),
        size: bytes.len() as i64,
    })
}

/// The content of the kept file `digest`.
pub fn read(settings: &Settings, digest: &str) -> Result<Vec<u8>> {
    if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::invalid(format!(
            "{digest:?} is not a SHA-256 digest (64 hexadecimal digits)"
        )));
    }
    let path = path_of(settings, &digest.to_ascii_lowercase());
    std::fs::read(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            Error::NotFound(format!("evidence file {digest} is not kept here"))
        }
        _ => Error::Internal(format!(
            "evidence file {} could not be read: {e}",
            path.display()
        )),
    })
}

/// `folder/ab/abcdef…`: 256 subfolders keep each one small.
fn path_of(settings: &Settings, digest: &str) -> PathBuf {
    folder(settings).join(&digest[..2]).join(digest)
}

/// Writes beside the destination and renames, so a file under a digest is always whole.
fn write_new(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().expect("a digest path has a folder");
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile_in(dir)?;
    tmp.1.write_all(bytes)?;
    tmp.1.sync_all()?;
    std::fs::rename(&tmp.0, path)
}

fn tempfile_in(dir: &std::path::Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let mut n = [0u8; 8];
    getrandom::fill(&mut n).map_err(|e| std::io::Error::other(e.to_string()))?;
    let path = dir.join(format!(".incoming-{}", hex(&n)));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    Ok((path, file))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(dir: &std::path::Path, max_bytes: u64) -> Settings {
        Settings {
            data_dir: dir.into(),
            attachments: AttachmentSettings {
                dir: None,
                max_bytes,
            },
            ..Settings::default()
        }
    }

    #[test]
    fn a_file_is_kept_once_under_its_digest_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let s = settings(dir.path(), 1000);
        let pdf = b"%PDF-1.7\n repair record".to_vec();
        let a = keep(&s, "C:\\Users\\ent\\维修记录.pdf", &pdf).unwrap();
        assert_eq!(a.name, "维修记录.pdf");
        assert_eq!(a.media_type, "application/pdf");
        assert_eq!(a.size, pdf.len() as i64);
        assert_eq!(a.digest, hex(&Sha256::digest(&pdf)));
        let again = keep(&s, "../../etc/passwd", &pdf).unwrap();
        assert_eq!(
            (again.digest.as_str(), again.name.as_str()),
            (a.digest.as_str(), "passwd")
        );
        assert_eq!(read(&s, &a.digest).unwrap(), pdf);
        let files: Vec<_> = std::fs::read_dir(folder(&s).join(&a.digest[..2]))
            .unwrap()
            .collect();
        assert_eq!(files.len(), 1, "one file, no leftovers");
    }

    #[test]
    fn too_large_empty_and_unknown_types_are_refused_by_content() {
        let dir = tempfile::tempdir().unwrap();
        let s = settings(dir.path(), 16);
        let big = [b"\x89PNG\r\n\x1A\n".as_slice(), &[0u8; 9]].concat();
        let e = keep(&s, "big.png", &big).unwrap_err().to_string();
        assert!(e.contains("17 bytes") && e.contains("16"), "{e}");
        assert!(
            keep(&s, "x.pdf", b"")
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
        // A script named like a picture is refused.
        let e = keep(&s, "photo.jpg", b"GIF89a;xx").unwrap_err();
        assert!(e.to_string().contains("not a PDF, JPEG or PNG"), "{e}");
        assert_eq!(media_type(b"\xFF\xD8\xFF\xE0 jfif"), Some("image/jpeg"));
        assert!(!folder(&s).exists(), "nothing refused was written");
    }

    #[test]
    fn reads_name_a_digest_never_a_path() {
        let dir = tempfile::tempdir().unwrap();
        let s = settings(dir.path(), 100);
        assert!(matches!(read(&s, "../qingshan.db"), Err(Error::Invalid(_))));
        assert!(matches!(read(&s, &"0".repeat(64)), Err(Error::NotFound(_))));
    }
}
