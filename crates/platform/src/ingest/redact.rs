//! Secrets out of what is stored: a frame's password is masked before the frame is journaled.

/// `raw` with the characters of its header's `PW=` value replaced by `*` (same length, so the rest of
/// the frame stays byte-exact). Only the header is searched: the password precedes `CP=&&`.
pub fn mask_password(raw: &[u8]) -> Vec<u8> {
    let mut out = raw.to_vec();
    let header_end = find(raw, b"CP=&&").unwrap_or(raw.len());
    let mut from = 0;
    while let Some(at) = find(&raw[from..header_end], b"PW=") {
        let start = from + at + 3;
        // Every `PW=` of the header, field or not: a garbled frame may still carry a real password, and
        // masking a few header bytes too many costs nothing (found by `examples/fuzz_admission.rs`).
        let end = raw[start..header_end]
            .iter()
            .position(|&b| b == b';' || b == b'&')
            .map_or(header_end, |p| start + p);
        out[start..end].fill(b'*');
        from = end.max(start);
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_password_is_masked_and_nothing_else() {
        // `PW=` inside the data area is data, not a password; a garbled header's `PW=` is masked too.
        let masked = mask_password(b"##0040QN=1;PW=abc;MN=X;CP=&&i11001-Info=//PW=x//&&ZZZZ");
        assert_eq!(
            masked,
            b"##0040QN=1;PW=***;MN=X;CP=&&i11001-Info=//PW=x//&&ZZZZ".to_vec()
        );
        assert_eq!(mask_password(b"##0009PW=12345"), b"##0009PW=*****".to_vec());
        assert_eq!(mask_password(b"#"), b"#".to_vec());
        assert_eq!(mask_password(b""), b"".to_vec());
        assert_eq!(
            mask_password(b"##0030QN=1;\xb3PW=secret;CP=&&&&"),
            b"##0030QN=1;\xb3PW=******;CP=&&&&".to_vec()
        );
    }
}
