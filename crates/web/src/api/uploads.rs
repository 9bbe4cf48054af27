//! Evidence files through HTTP: the bodies that carry them, keeping them (`platform::attachments`), and
//! handing one back. Marks and corrections share these.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use store::Attachment;

/// The largest request carrying evidence files (the API's JSON, the console's form): ten files of the
/// default `attachments.max_bytes` in base64. Read only after the permission check, so nobody without
/// the right to mark can make the server buffer it.
pub const UPLOAD_BODY_BYTES: usize = 15 * 1024 * 1024;

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
