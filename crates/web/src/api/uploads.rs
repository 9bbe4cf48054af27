//! Evidence files through HTTP: the bodies that carry them, keeping them (`platform::attachments`), and
//! handing one back. Marks and corrections share these.

use crate::ApiError;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use store::Attachment;

/// The largest request carrying evidence files (the API's JSON, the console's form): ten files of the
/// default `attachments.max_bytes` in base64. Read only after the permission check, so nobody without
/// the right to mark can make the server buffer it.
pub const UPLOAD_BODY_BYTES: usize = 15 * 1024 * 1024;

/// A file inside a JSON body (evidence, a photo, an attachment).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonFile {
    pub name: String,
    /// The file's bytes, base64 (standard alphabet, padded).
    pub content_base64: String,
}

/// The bytes of files carried in JSON; one that is not base64 is named.
pub fn decode(files: &[JsonFile]) -> Result<Vec<(String, Vec<u8>)>, ApiError> {
    files
        .iter()
        .map(|f| {
            base64::engine::general_purpose::STANDARD
                .decode(f.content_base64.trim())
                .map(|bytes| (f.name.clone(), bytes))
                .map_err(|e| ApiError::bad_request(format!("file {:?} is not base64: {e}", f.name)))
        })
        .collect()
}

/// A JSON body that may carry files, read whole (at most [`UPLOAD_BODY_BYTES`]); call it after the
/// permission check of the route.
pub async fn read_json<T: DeserializeOwned>(body: axum::body::Body) -> Result<T, ApiError> {
    let bytes = axum::body::to_bytes(body, UPLOAD_BODY_BYTES)
        .await
        .map_err(|e| {
            ApiError::bad_request(format!(
                "the body could not be read whole (at most {UPLOAD_BODY_BYTES} bytes): {e}"
            ))
        })?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::bad_request(format!("bad JSON body: {e}")))
}

/// The files of a form or a JSON body, kept on disk (refused ones name why).
pub fn keep_files(
    p: &crate::App,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<Attachment>, platform::Error> {
    if files.len() > 10 {
        return Err(platform::Error::invalid_both(
            format!("{} evidence files: at most 10 at once", files.len()),
            "证明材料最多 10 个文件",
        ));
    }
    files
        .iter()
        .map(|(name, bytes)| platform::attachments::keep(&p.settings, name, bytes))
        .collect()
}

/// The file `digest` of `files` (what a record holds), downloaded, never shown inline.
pub fn file_response(
    p: &crate::App,
    files: &[Attachment],
    digest: &str,
    holder: &str,
) -> Result<Response, platform::Error> {
    let a = files.iter().find(|a| a.digest == digest).ok_or_else(|| {
        platform::Error::NotFound(format!("{holder} holds no evidence file {digest:?}"))
    })?;
    let bytes = platform::attachments::read(&p.settings, &a.digest)?;
    // The name is the uploader's: only ASCII letters, digits, dot, dash and underscore go in the header.
    let safe: String = a
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, a.media_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
        ],
        bytes,
    )
        .into_response())
}
