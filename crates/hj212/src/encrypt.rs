//! HJ 212-2025 §6.4 and Appendix A.2: SM4 (GB/T 32907-2016) encryption of the data area.
//!
//! Rules, as quoted in `hj212-2025.md` §4:
//! * 16-byte key, ECB mode, **no padding**: each whole 16-byte block of the text between `CP=&&` and the
//!   closing `&&` is encrypted; a remainder shorter than 16 bytes stays in clear (Appendix A.2).
//! * The CRC and the length field are computed over the plaintext ("先完成CRC校验并组包，再对数据段加密").
//! * Commands 2000–2999, 1014 and 3020 are encrypted (§6.4.4); answers and other commands are not.
//!
//! The standard prints encrypted bytes as `{0xE4,0x3E,…}`; [`decrypt_data_segment`] accepts that text form as
//! well as raw bytes.

use sm4::Sm4;
use sm4::cipher::generic_array::GenericArray;
use sm4::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};

/// An SM4 key: 16 bytes (HJ 212-2025 §6.4.2). The standard's test key is sixteen `0x30` (`"0000000000000000"`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sm4Key(pub [u8; 16]);

impl std::fmt::Debug for Sm4Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        f.write_str("Sm4Key(..)")
    }
}

impl Sm4Key {
    /// A key from the 16 characters of a `NewSK` value (HJ 212-2025 C8, CN 1014); `None` unless 16 bytes.
    pub fn from_text(text: &str) -> Option<Sm4Key> {
        <[u8; 16]>::try_from(text.as_bytes()).ok().map(Sm4Key)
    }
}

/// Encrypts the whole 16-byte blocks of `data` in place with SM4-ECB; a shorter remainder stays in clear
/// (HJ 212-2025 Appendix A.2, "不足16个字符的部分使用明文").
pub fn encrypt_ecb_in_place(data: &mut [u8], key: &Sm4Key) {
    let cipher = Sm4::new(GenericArray::from_slice(&key.0));
    for block in data.chunks_exact_mut(16) {
        cipher.encrypt_block(GenericArray::from_mut_slice(block));
    }
}

/// Decrypts the whole 16-byte blocks of `data` in place with SM4-ECB; a shorter remainder is left as it is.
pub fn decrypt_ecb_in_place(data: &mut [u8], key: &Sm4Key) {
    let cipher = Sm4::new(GenericArray::from_slice(&key.0));
    for block in data.chunks_exact_mut(16) {
        cipher.decrypt_block(GenericArray::from_mut_slice(block));
    }
}

/// The position of the data area inside a data segment: after `CP=&&`, up to the closing `&&`.
pub(crate) fn cp_bounds(data: &[u8]) -> Option<(usize, usize)> {
    let open = find(data, b"CP=&&")? + 5;
    let close = data.len().checked_sub(2)?;
    (data.ends_with(b"&&") && close >= open).then_some((open, close))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Parses the standard's printed form of cipher text, `{0xE4,0x3E,…}`, followed by any clear remainder.
/// Returns the bytes and the remainder, or `None` when `area` does not start with `{0x`.
pub fn parse_hex_block_text(area: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    let rest = area.strip_prefix(b"{")?;
    if !rest.starts_with(b"0x") && !rest.starts_with(b"0X") {
        return None;
    }
    let close = rest.iter().position(|&b| b == b'}')?;
    let mut bytes = Vec::with_capacity(close / 5 + 1);
    for item in rest[..close].split(|&b| b == b',') {
        let item = item.trim_ascii();
        let hex = item
            .strip_prefix(b"0x")
            .or_else(|| item.strip_prefix(b"0X"))?;
        if hex.is_empty() || hex.len() > 2 {
            return None;
        }
        let text = std::str::from_utf8(hex).ok()?;
        bytes.push(u8::from_str_radix(text, 16).ok()?);
    }
    Some((bytes, &rest[close + 1..]))
}

/// The plaintext data segment of an encrypted one: the data area is decrypted with `key` (raw bytes or the
/// `{0x..}` text form), the header and the clear remainder are kept. `None` when there is no data area.
pub fn decrypt_data_segment(data: &[u8], key: &Sm4Key) -> Option<Vec<u8>> {
    let (open, close) = cp_bounds(data)?;
    let area = &data[open..close];
    let mut plain_area = match parse_hex_block_text(area) {
        Some((mut cipher, remainder)) => {
            if cipher.len() % 16 != 0 {
                return None;
            }
            decrypt_ecb_in_place(&mut cipher, key);
            cipher.extend_from_slice(remainder);
            cipher
        }
        None => {
            if area.len() < 16 {
                return None;
            }
            let mut bytes = area.to_vec();
            decrypt_ecb_in_place(&mut bytes, key);
            bytes
        }
    };
    let mut out = Vec::with_capacity(open + plain_area.len() + 2);
    out.extend_from_slice(&data[..open]);
    out.append(&mut plain_area);
    out.extend_from_slice(b"&&");
    Some(out)
}

/// The data segment with its data area encrypted with `key` as raw bytes (HJ 212-2025 Appendix A.2).
/// The length is unchanged, so the length field and CRC of the plaintext still apply.
pub fn encrypt_data_segment(data: &[u8], key: &Sm4Key) -> Option<Vec<u8>> {
    let (open, close) = cp_bounds(data)?;
    let mut out = data.to_vec();
    encrypt_ecb_in_place(&mut out[open..close], key);
    Some(out)
}

/// Writes cipher bytes in the standard's printed form `{0xE4,0x3E,…}` (HJ 212-2025 Appendix A.2 examples).
pub fn hex_block_text(cipher: &[u8]) -> String {
    let items: Vec<String> = cipher.iter().map(|b| format!("0x{b:02X}")).collect();
    format!("{{{}}}", items.join(","))
}

/// Whether a decrypted data segment reads like HJ 212 text (valid UTF-8, no control characters), so that a
/// wrong key cannot pass on the CRC alone, which matches 1 time in 256 (hj212-2025.md §4).
pub(crate) fn looks_like_cp(plain: &[u8]) -> bool {
    std::str::from_utf8(plain).is_ok_and(|t| !t.chars().any(char::is_control))
}

/// Whether HJ 212-2025 §6.4.4 says a command's data area is encrypted: data commands 2000–2999, 1014 and 3020.
pub fn command_is_encrypted(cn: u16) -> bool {
    (2000..=2999).contains(&cn) || cn == 1014 || cn == 3020
}

/// SM4-ECB with PKCS#7 padding, Base64-encoded: the HTTPS `Authorization` credential of HJ 212-2025
/// Appendix H.1.2 (`user:pass`). Unlike the TCP protocol, this path pads.
pub fn appendix_h_credential(user: &str, password: &str, key: &Sm4Key) -> String {
    let mut data = format!("{user}:{password}").into_bytes();
    let pad = 16 - data.len() % 16;
    data.extend(std::iter::repeat_n(pad as u8, pad));
    encrypt_ecb_in_place(&mut data, key);
    base64(&data)
}

fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn gb_t_32907_vector() {
        // GB/T 32907-2016 example 1 (hj212-2025.md §4 item 5).
        let key = Sm4Key(hex("0123456789abcdeffedcba9876543210").try_into().unwrap());
        let mut block = hex("0123456789abcdeffedcba9876543210");
        encrypt_ecb_in_place(&mut block, &key);
        assert_eq!(block, hex("681edf34d206965e86b3e94f536e4246"));
        decrypt_ecb_in_place(&mut block, &key);
        assert_eq!(block, hex("0123456789abcdeffedcba9876543210"));
    }

    #[test]
    fn appendix_h_vector() {
        let key = Sm4Key::from_text("msbE74gsiSHSEh5e").unwrap();
        assert_eq!(
            appendix_h_credential("testuser", "AezF0nZRs4kypuGO", &key),
            "LG/m7lsFU/taig+vbQsDJXy4NGAaE2j2lplPwhZM7iM="
        );
    }

    #[test]
    fn remainder_stays_clear() {
        let key = Sm4Key(*b"0000000000000000");
        let mut data = b"0123456789abcdefXYZ".to_vec();
        encrypt_ecb_in_place(&mut data, &key);
        assert_eq!(&data[16..], b"XYZ");
        assert_ne!(&data[..16], b"0123456789abcdef");
    }

    #[test]
    fn encrypted_commands() {
        assert!(command_is_encrypted(2051));
        assert!(command_is_encrypted(1014));
        assert!(command_is_encrypted(3020));
        assert!(!command_is_encrypted(9014));
        assert!(!command_is_encrypted(1011));
    }
}
