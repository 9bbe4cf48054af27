//! The HJ 212 check sum (HJ 212-2017 Appendix A, unchanged in HJ/T 212-2005 and HJ 212-2025 Appendix A.1)
//! and the vendor variants met in the field.
//!
//! The standard's "CRC16" starts from `0xFFFF` and, for every byte `b` of the data segment, computes
//! `reg = (reg >> 8) ^ b` and then shifts right eight times, XOR-ing `0xA001` whenever a one falls out.
//! This is **not** CRC-16/MODBUS (`reg ^= b`): only the high byte of the register survives each step, so the
//! check has 8 bits of state and its value is always one of the 256 entries of the reflected `0xA001` table.
//!
//! Because that 8-bit state evolves linearly (`h' = H[h] ^ H[b]`, where `H` is the table's high byte), eight
//! bytes can be folded at once with eight independent look-ups ("slicing by 8"); [`crc16`] does that.

use std::fmt;

/// The reflected CRC-16 table of polynomial `0xA001` (the "ARC" table the standard's loop computes).
const TABLE: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut t = i as u16;
        let mut bit = 0;
        while bit < 8 {
            t = if t & 1 == 1 {
                (t >> 1) ^ 0xA001
            } else {
                t >> 1
            };
            bit += 1;
        }
        table[i] = t;
        i += 1;
    }
    table
};

/// `SLICES[k][x]` is the high byte of the state after `k + 1` rounds of `h' = H[h]` starting from `x`.
/// The HJ 212 state update is linear over GF(2), so a run of bytes folds into XORs of these tables.
const SLICES: [[u8; 256]; 8] = {
    let mut slices = [[0u8; 256]; 8];
    let mut x = 0;
    while x < 256 {
        let mut h = (TABLE[x] >> 8) as u8;
        let mut k = 0;
        while k < 8 {
            slices[k][x] = h;
            h = (TABLE[h as usize] >> 8) as u8;
            k += 1;
        }
        x += 1;
    }
    slices
};

/// The HJ 212 CRC of `data` (HJ 212-2017 Appendix A; HJ 212-2025 Appendix A.1): the value printed, high byte
/// first, as the four hex digits after the data segment. The empty input gives `0xFFFF`.
///
/// ```
/// let seg = b"QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&";
/// assert_eq!(hj212::crc::crc16(seg), 0x1C80);
/// ```
pub fn crc16(data: &[u8]) -> u16 {
    let Some((&last, body)) = data.split_last() else {
        return 0xFFFF;
    };
    // `h` is the high byte of the register; it starts as the high byte of 0xFFFF.
    let mut h: u8 = 0xFF;
    let mut chunks = body.chunks_exact(8);
    for c in &mut chunks {
        h = SLICES[7][(h ^ c[0]) as usize]
            ^ SLICES[6][c[1] as usize]
            ^ SLICES[5][c[2] as usize]
            ^ SLICES[4][c[3] as usize]
            ^ SLICES[3][c[4] as usize]
            ^ SLICES[2][c[5] as usize]
            ^ SLICES[1][c[6] as usize]
            ^ SLICES[0][c[7] as usize];
    }
    for &b in chunks.remainder() {
        h = SLICES[0][(h ^ b) as usize];
    }
    TABLE[(h ^ last) as usize]
}

/// The HJ 212 CRC computed byte by byte exactly as printed in HJ 212-2017 Appendix A (reference for tests).
pub fn crc16_bitwise(data: &[u8]) -> u16 {
    let mut reg: u16 = 0xFFFF;
    for &b in data {
        reg = (reg >> 8) ^ u16::from(b);
        for _ in 0..8 {
            let lsb = reg & 1;
            reg >>= 1;
            if lsb == 1 {
                reg ^= 0xA001;
            }
        }
    }
    reg
}

/// CRC-16/MODBUS (`reg ^= b`), which some vendors send instead of the HJ 212 CRC (hj212.md §2.3, §2.5).
pub fn crc16_modbus(data: &[u8]) -> u16 {
    let mut reg: u16 = 0xFFFF;
    for &b in data {
        reg = (reg >> 8) ^ TABLE[((reg ^ u16::from(b)) & 0xFF) as usize];
    }
    reg
}

/// The HJ 212 loop run over the UTF-16 code units of the text, as Java and C# implementations do
/// (hj212.md §2.4). Returns `None` when `data` is not UTF-8.
pub fn crc16_utf16(data: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(data).ok()?;
    Some(crc16_units(text.encode_utf16()))
}

/// The HJ 212 loop as C code computes it when it takes `char *` on x86 and keeps the register in a 32-bit
/// `unsigned int`: bytes ≥ 0x80 are sign-extended to 32 bits (hj212.md §2.4, `binghuang/HJ212Dispatcher`).
pub fn crc16_sign_extended(data: &[u8]) -> u16 {
    let mut reg: u32 = 0xFFFF;
    for &b in data {
        reg = (reg >> 8) ^ (b as i8 as i32 as u32);
        for _ in 0..8 {
            let lsb = reg & 1;
            reg >>= 1;
            if lsb == 1 {
                reg ^= 0xA001;
            }
        }
    }
    reg as u16
}

fn crc16_units(units: impl Iterator<Item = u16>) -> u16 {
    let mut reg: u16 = 0xFFFF;
    for u in units {
        reg = (reg >> 8) ^ u;
        for _ in 0..8 {
            let lsb = reg & 1;
            reg >>= 1;
            if lsb == 1 {
                reg ^= 0xA001;
            }
        }
    }
    reg
}

/// How strictly a device's check sum is judged (hj212.md §2.5: a per-device policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CrcPolicy {
    /// Only the HJ 212 CRC of Appendix A is accepted. Hex digits compare case-insensitively, as the
    /// reference advises (hj212.md §1.1, §7); lower-case digits are still reported as
    /// [`CrcVariant::LowerCaseHex`].
    #[default]
    Strict,
    /// The HJ 212 CRC or one of the known vendor variants ([`CrcVariant`]) is accepted; the variant is reported.
    Lenient,
    /// The check sum is computed and reported but never causes a rejection.
    Off,
}

impl CrcPolicy {
    /// The policy's name as used on the command line: `strict`, `lenient`, `off`.
    pub fn as_str(self) -> &'static str {
        match self {
            CrcPolicy::Strict => "strict",
            CrcPolicy::Lenient => "lenient",
            CrcPolicy::Off => "off",
        }
    }
}

impl std::str::FromStr for CrcPolicy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "strict" => Ok(CrcPolicy::Strict),
            "lenient" => Ok(CrcPolicy::Lenient),
            "off" => Ok(CrcPolicy::Off),
            other => Err(format!(
                "unknown CRC policy {other:?} (expected strict, lenient or off)"
            )),
        }
    }
}

/// A way a check sum was written other than the standard's upper-case HJ 212 CRC (hj212.md §2.3–§2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CrcVariant {
    /// The HJ 212 CRC written in lower-case hex (`1dc0`); the standard prints upper case.
    LowerCaseHex,
    /// CRC-16/MODBUS, high byte first (gitee `lily_2006/jh212-parser`).
    Modbus,
    /// CRC-16/MODBUS printed low byte first (real device log, `tonyxia2016/HJ212Receiver`).
    ModbusByteSwapped,
    /// The HJ 212 loop over UTF-16 code units instead of UTF-8 bytes (Java/C# libraries, §2.4).
    Utf16,
    /// The HJ 212 loop over sign-extended bytes (C `char *` on x86, §2.4).
    SignExtended,
}

impl CrcVariant {
    /// A stable snake_case name for logs and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            CrcVariant::LowerCaseHex => "lower_case_hex",
            CrcVariant::Modbus => "modbus",
            CrcVariant::ModbusByteSwapped => "modbus_byte_swapped",
            CrcVariant::Utf16 => "utf16",
            CrcVariant::SignExtended => "sign_extended",
        }
    }
}

impl fmt::Display for CrcVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The verdict on one frame's check sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrcCheck {
    /// The four characters the frame carries where the CRC belongs (HJ 212-2017 Table 2).
    pub field: [u8; 4],
    /// The HJ 212 CRC computed over the (plaintext) data segment.
    pub computed: u16,
    /// `None` when the field is the standard upper-case HJ 212 CRC; otherwise how it was written, when known.
    pub variant: Option<CrcVariant>,
    /// Whether the field matches the HJ 212 CRC or one of the variants at all.
    pub matches: bool,
}

impl CrcCheck {
    /// Compares the `field` a frame carries with the check sums of `data`.
    /// The vendor variants are only computed when the standard CRC does not match.
    pub fn compute(data: &[u8], field: [u8; 4]) -> CrcCheck {
        let computed = crc16(data);
        let mut check = CrcCheck {
            field,
            computed,
            variant: None,
            matches: false,
        };
        let Some(value) = parse_hex4(&field) else {
            return check;
        };
        if value == computed {
            check.matches = true;
            if field.iter().any(u8::is_ascii_lowercase) {
                check.variant = Some(CrcVariant::LowerCaseHex);
            }
            return check;
        }
        let modbus = crc16_modbus(data);
        let found = if value == modbus {
            Some(CrcVariant::Modbus)
        } else if value == modbus.swap_bytes() {
            Some(CrcVariant::ModbusByteSwapped)
        } else if data.iter().any(|&b| b >= 0x80) {
            if crc16_utf16(data) == Some(value) {
                Some(CrcVariant::Utf16)
            } else if crc16_sign_extended(data) == value {
                Some(CrcVariant::SignExtended)
            } else {
                None
            }
        } else {
            None
        };
        check.matches = found.is_some();
        check.variant = found;
        check
    }

    /// Whether `policy` accepts this check sum.
    pub fn accepted(&self, policy: CrcPolicy) -> bool {
        match policy {
            CrcPolicy::Off => true,
            CrcPolicy::Lenient => self.matches,
            CrcPolicy::Strict => {
                self.matches && matches!(self.variant, None | Some(CrcVariant::LowerCaseHex))
            }
        }
    }

    /// The field as text (it is four ASCII characters whenever the frame was accepted).
    pub fn field_str(&self) -> String {
        String::from_utf8_lossy(&self.field).into_owned()
    }
}

/// Parses four hex digits (either case).
pub(crate) fn parse_hex4(field: &[u8; 4]) -> Option<u16> {
    let mut v: u16 = 0;
    for &c in field {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'A'..=b'F' => c - b'A' + 10,
            b'a'..=b'f' => c - b'a' + 10,
            _ => return None,
        };
        v = (v << 4) | u16::from(d);
    }
    Some(v)
}

/// Writes `crc` as four upper-case hex digits, high byte first (HJ 212-2017 Table 2).
pub fn format_crc(crc: u16) -> [u8; 4] {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    [
        HEX[(crc >> 12) as usize & 0xF],
        HEX[(crc >> 8) as usize & 0xF],
        HEX[(crc >> 4) as usize & 0xF],
        HEX[crc as usize & 0xF],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const STD_EXAMPLE: &[u8] =
        b"QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&";

    #[test]
    fn standard_example_is_1c80_not_modbus() {
        assert_eq!(crc16(STD_EXAMPLE), 0x1C80);
        assert_eq!(crc16_bitwise(STD_EXAMPLE), 0x1C80);
        assert_eq!(crc16_modbus(STD_EXAMPLE), 0x0759);
    }

    #[test]
    fn sliced_equals_bitwise_on_every_length() {
        let mut seed: u32 = 212;
        for len in 0..300 {
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (seed >> 16) as u8
                })
                .collect();
            assert_eq!(crc16(&data), crc16_bitwise(&data), "length {len}");
        }
    }

    #[test]
    fn empty_input_is_ffff() {
        assert_eq!(crc16(b""), 0xFFFF);
    }

    #[test]
    fn utf8_chinese_log_variants() {
        // HJ 212-2017 C.40 data segment: 9741 over UTF-8, 35C0 over UTF-16, 9C01 sign-extended (hj212.md §2.4).
        let seg = "QN=20160801085857223;ST=32;CN=3020;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&DataTime=20100301145000;PolId=w01018;i11001-Info=//清洗管路//&&";
        assert_eq!(crc16(seg.as_bytes()), 0x9741);
        assert_eq!(crc16_utf16(seg.as_bytes()), Some(0x35C0));
        assert_eq!(crc16_sign_extended(seg.as_bytes()), 0x9C01);
        let check = CrcCheck::compute(seg.as_bytes(), *b"35C0");
        assert_eq!(check.variant, Some(CrcVariant::Utf16));
        assert!(check.accepted(CrcPolicy::Lenient));
        assert!(!check.accepted(CrcPolicy::Strict));
    }

    #[test]
    fn policies() {
        let lower = CrcCheck::compute(STD_EXAMPLE, *b"1c80");
        assert_eq!(lower.variant, Some(CrcVariant::LowerCaseHex));
        assert!(lower.accepted(CrcPolicy::Strict));
        let modbus = CrcCheck::compute(STD_EXAMPLE, *b"0759");
        assert_eq!(modbus.variant, Some(CrcVariant::Modbus));
        assert!(!modbus.accepted(CrcPolicy::Strict));
        assert!(modbus.accepted(CrcPolicy::Lenient));
        let swapped = CrcCheck::compute(STD_EXAMPLE, *b"5907");
        assert_eq!(swapped.variant, Some(CrcVariant::ModbusByteSwapped));
        let wrong = CrcCheck::compute(STD_EXAMPLE, *b"1C81");
        assert!(!wrong.matches);
        assert!(!wrong.accepted(CrcPolicy::Lenient));
        assert!(wrong.accepted(CrcPolicy::Off));
        let not_hex = CrcCheck::compute(STD_EXAMPLE, *b"1CX0");
        assert!(!not_hex.matches);
    }

    #[test]
    fn format_is_upper_case_high_byte_first() {
        assert_eq!(&format_crc(0x1C80), b"1C80");
        assert_eq!(&format_crc(0x0000), b"0000");
        assert_eq!("strict".parse::<CrcPolicy>(), Ok(CrcPolicy::Strict));
        assert!("bogus".parse::<CrcPolicy>().is_err());
    }
}
