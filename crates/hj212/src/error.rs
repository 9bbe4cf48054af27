//! Errors: one variant per way a frame or a packet can be wrong, each saying where and with which value.
//!
//! Every error has a stable snake_case [`kind`](FrameError::kind) used in logs, metrics and JSON output; the
//! kinds never change meaning once published.

use thiserror::Error;

use crate::crc::CrcVariant;

/// Why a candidate frame (`##` + 4 digits found in the stream) was not accepted
/// (HJ 212-2017 §6.3.2 Table 2: header, length, data segment, CRC, tail).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The length field says more than the configured maximum ([`crate::FramerConfig::max_data_len`]) and no
    /// shorter frame could be recovered.
    #[error("frame at byte {offset}: length field {declared} exceeds the limit {max}")]
    TooLong {
        /// Stream position of the frame's `##`.
        offset: u64,
        /// The value of the length field.
        declared: usize,
        /// The configured limit.
        max: usize,
    },
    /// The CRC digits do not match the data segment under the device's CRC policy (HJ 212-2017 Appendix A).
    #[error("frame at byte {offset}: CRC field {found:?} does not match the HJ 212 CRC {computed:04X}{}",
        variant.map(|v| format!(" (it is the {v} variant, refused by the policy)")).unwrap_or_default())]
    CrcMismatch {
        /// Stream position of the frame's `##`.
        offset: u64,
        /// The four characters the frame carries.
        found: String,
        /// The HJ 212 CRC of the data segment.
        computed: u16,
        /// The vendor variant the field matches, if any (refused by a strict policy).
        variant: Option<CrcVariant>,
    },
    /// The four characters where the CRC belongs are not hex digits.
    #[error("frame at byte {offset}: CRC field {found:?} is not four hex digits")]
    BadCrcField {
        /// Stream position of the frame's `##`.
        offset: u64,
        /// The four characters found there.
        found: String,
    },
    /// No CRC and terminator where the length field points, and no `&&` + CRC + terminator before the next
    /// frame either (hj212.md §7, "wrong length field").
    #[error(
        "frame at byte {offset}: no CRC and terminator after the {declared} bytes the length field announces"
    )]
    LengthMismatch {
        /// Stream position of the frame's `##`.
        offset: u64,
        /// The value of the length field.
        declared: usize,
    },
    /// The stream ended, or the next frame began, before the announced data segment was complete.
    #[error(
        "frame at byte {offset}: cut short after {available} of the {declared} announced bytes"
    )]
    Truncated {
        /// Stream position of the frame's `##`.
        offset: u64,
        /// The value of the length field.
        declared: usize,
        /// Data bytes present before the end or the next frame.
        available: usize,
    },
}

impl FrameError {
    /// A stable snake_case name: `frame_too_long`, `crc_mismatch`, `bad_crc_field`, `length_mismatch`,
    /// `truncated`.
    pub fn kind(&self) -> &'static str {
        match self {
            FrameError::TooLong { .. } => "frame_too_long",
            FrameError::CrcMismatch { .. } => "crc_mismatch",
            FrameError::BadCrcField { .. } => "bad_crc_field",
            FrameError::LengthMismatch { .. } => "length_mismatch",
            FrameError::Truncated { .. } => "truncated",
        }
    }

    /// Stream position of the candidate's `##`.
    pub fn offset(&self) -> u64 {
        match self {
            FrameError::TooLong { offset, .. }
            | FrameError::CrcMismatch { offset, .. }
            | FrameError::BadCrcField { offset, .. }
            | FrameError::LengthMismatch { offset, .. }
            | FrameError::Truncated { offset, .. } => *offset,
        }
    }
}

/// Why an accepted frame's data segment is not a usable packet (HJ 212-2017 §6.3.2 Table 3, §6.3.3).
/// Offsets are byte positions inside the data segment.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PacketError {
    /// The header (everything before `CP=&&`) contains a byte that is not printable ASCII.
    #[error("header byte {offset} is 0x{byte:02X}, not printable ASCII")]
    HeaderNotAscii {
        /// Position in the data segment.
        offset: usize,
        /// The byte found.
        byte: u8,
    },
    /// There is no `CP=&&` in the data segment.
    #[error("no \"CP=&&\" in the data segment")]
    MissingCp,
    /// The data area opened by `CP=&&` is not closed by `&&` at the end of the data segment.
    #[error("the data area opened at byte {offset} is not closed by \"&&\"")]
    UnterminatedCp {
        /// Position of `CP=&&`.
        offset: usize,
    },
    /// A required header field is absent.
    #[error("header field {field} is missing")]
    MissingField {
        /// The field's name as the standard spells it (`ST`, `CN`).
        field: &'static str,
    },
    /// A header field's value has the wrong form.
    #[error("header field {field} at byte {offset} has the invalid value {value:?}")]
    BadField {
        /// The field's name as the standard spells it.
        field: &'static str,
        /// Position of the value in the data segment.
        offset: usize,
        /// The value found.
        value: String,
    },
    /// A header item has no `=`.
    #[error("header item at byte {offset} has no '=': {item:?}")]
    MalformedHeaderItem {
        /// Position of the item in the data segment.
        offset: usize,
        /// The item's text.
        item: String,
    },
}

impl PacketError {
    /// A stable snake_case name: `header_not_ascii`, `missing_cp`, `unterminated_cp`, `missing_field`,
    /// `bad_field`, `malformed_header_item`.
    pub fn kind(&self) -> &'static str {
        match self {
            PacketError::HeaderNotAscii { .. } => "header_not_ascii",
            PacketError::MissingCp => "missing_cp",
            PacketError::UnterminatedCp { .. } => "unterminated_cp",
            PacketError::MissingField { .. } => "missing_field",
            PacketError::BadField { .. } => "bad_field",
            PacketError::MalformedHeaderItem { .. } => "malformed_header_item",
        }
    }
}

/// Why a packet could not be built into a frame (HJ 212-2017 Table 2).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EncodeError {
    /// The data segment is longer than the 4-digit length field can say.
    #[error("data segment of {len} bytes does not fit the 4-digit length field")]
    TooLong {
        /// The data segment's length.
        len: usize,
    },
}

impl EncodeError {
    /// A stable snake_case name: `encode_too_long`.
    pub fn kind(&self) -> &'static str {
        match self {
            EncodeError::TooLong { .. } => "encode_too_long",
        }
    }
}
