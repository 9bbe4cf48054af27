//! The data segment: header fields and data area (HJ 212-2017 §6.3.2 Table 3; HJ/T 212-2005 §6.3;
//! HJ 212-2025 §6.3.2 Table 3), parsed tolerantly and built exactly.
//!
//! Parsing: header keys in any order and any ASCII case, separated by `;` (a stray `,` is tolerated and
//! noted); the data area is everything from `CP=&&` to the final `&&`. What deviates from the standard
//! without preventing use is listed in [`Packet::deviations`] rather than rejected (hj212.md §7).
//! Building: canonical order `QN;ST;CN;PW;MN;Flag;PNUM;PNO;RF;CP=&&…&&`, upper-case CRC, `<CR><LF>`.

use std::borrow::Cow;
use std::fmt;

use crate::cp::Cp;
use crate::crc;
use crate::error::{EncodeError, PacketError};
use crate::framing::STANDARD_MAX_DATA_LEN;
use crate::time::Timestamp;

/// The protocol version, from the Flag's bits 7..2 (HJ 212-2017 §6.3.2 Table 3, HJ 212-2025 Table 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// HJ/T 212-2005: version bits `000000`, or no Flag at all.
    V2005,
    /// HJ 212-2017: version bits `000001`.
    V2017,
    /// HJ 212-2025: version bits `000010`.
    V2025,
    /// Any other version bits (kept, echoed in answers).
    Unknown(u8),
}

impl Version {
    /// The version a packet's Flag says; an absent Flag means HJ/T 212-2005 (hj212.md §7).
    pub fn from_flag(flag: Option<Flag>) -> Version {
        match flag.map_or(0, |f| f.0 >> 2) {
            0 => Version::V2005,
            1 => Version::V2017,
            2 => Version::V2025,
            bits => Version::Unknown(bits),
        }
    }

    /// The six version bits.
    pub fn bits(self) -> u8 {
        match self {
            Version::V2005 => 0,
            Version::V2017 => 1,
            Version::V2025 => 2,
            Version::Unknown(bits) => bits & 0x3F,
        }
    }

    /// `"2005"`, `"2017"`, `"2025"` or `"unknown"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2005 => "2005",
            Version::V2017 => "2017",
            Version::V2025 => "2025",
            Version::Unknown(_) => "unknown",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `Flag` byte: `V5..V0 D A` (HJ 212-2017 Table 3; HJ 212-2025 Table 3 swaps the letters, not the bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Flag(pub u8);

impl Flag {
    /// The Flag for `version`, with the "has PNUM/PNO" and "answer wanted" bits.
    pub fn new(version: Version, segmented: bool, needs_answer: bool) -> Flag {
        Flag((version.bits() << 2) | (u8::from(segmented) << 1) | u8::from(needs_answer))
    }

    /// The version bits 7..2.
    pub fn version(self) -> Version {
        Version::from_flag(Some(self))
    }

    /// Bit 1: the packet carries PNUM and PNO (is one segment of several).
    pub fn segmented(self) -> bool {
        self.0 & 2 != 0
    }

    /// Bit 0: the sender wants an answer.
    pub fn needs_answer(self) -> bool {
        self.0 & 1 != 0
    }
}

/// The request number `QN`: `YYYYMMDDhhmmsszzz` (HJ 212-2017 Table 3). Devices also send 13-digit epoch
/// milliseconds (hj212.md §7), so the text is kept as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Qn<'a>(pub Cow<'a, str>);

impl Qn<'_> {
    /// The text as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The time the QN encodes when it is the standard 17 digits (14 accepted too).
    pub fn timestamp(&self) -> Option<Timestamp> {
        Timestamp::parse(&self.0)
    }

    /// A QN for `time` (milliseconds 000 when absent).
    pub fn from_time(time: Timestamp) -> Qn<'static> {
        Qn(Cow::Owned(
            time.with_millis(time.millis.unwrap_or(0)).to_string(),
        ))
    }
}

/// The system code `ST` (HJ 212-2017 §6.6.2 Table 5): two characters `0-9A-Z` by the standard, but 3-digit
/// values are seen (hj212.md §3.2), so the text is kept as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct St<'a>(pub Cow<'a, str>);

impl St<'_> {
    /// `91`: system interaction, used by answers 9011–9014 (HJ 212-2017 Table 5).
    pub const INTERACTION: St<'static> = St(Cow::Borrowed("91"));

    /// The text as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The device identifier `MN` (HJ 212-2017 Table 3: 24 hex characters, EPC-96; HJ/T 212-2005: 14
/// characters; HJ 212-2025: assigned by the platform). Kept as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mn<'a>(pub Cow<'a, str>);

impl Mn<'_> {
    /// The text as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! commands {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, )*) => {
        /// A command code `CN` (HJ 212-2017 §6.6.5 Table 7; HJ/T 212-2005 Table 9; HJ 212-2025 Table 12).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Cn {
            $( $(#[$doc])* $name, )*
            /// Any other code (vendor extensions such as 9021, reserved codes), kept as sent.
            Unknown(u16),
        }

        impl Cn {
            /// The command for a numeric code.
            pub fn from_code(code: u16) -> Cn {
                match code {
                    $( $code => Cn::$name, )*
                    other => Cn::Unknown(other),
                }
            }

            /// The numeric code.
            pub fn code(self) -> u16 {
                match self {
                    $( Cn::$name => $code, )*
                    Cn::Unknown(code) => code,
                }
            }
        }
    };
}

commands! {
    /// 1000: set timeout and retry count.
    SetTimeoutRetry = 1000,
    /// 1001: HJ 212-2025 C2, upload the data logger's hardware serial (HJ/T 212-2005: set alarm time).
    UploadHardwareSerial = 1001,
    /// 1002: HJ 212-2025 C3, set the data logger's MN.
    SetMn = 1002,
    /// 1011: get / upload the field time.
    GetTime = 1011,
    /// 1012: set the field time.
    SetTime = 1012,
    /// 1013: field time-calibration request (HJ 212-2017).
    TimeCalibrationRequest = 1013,
    /// 1014: HJ 212-2025 C7/C8, ask for / issue a new SM4 key.
    NewKey = 1014,
    /// 1061: get / upload the real-time data interval.
    GetRealTimeInterval = 1061,
    /// 1062: set the real-time data interval.
    SetRealTimeInterval = 1062,
    /// 1063: get / upload the minute data interval.
    GetMinuteInterval = 1063,
    /// 1064: set the minute data interval.
    SetMinuteInterval = 1064,
    /// 1072: set the access password.
    SetPassword = 1072,
    /// 2011: start / upload real-time data.
    RealTimeData = 2011,
    /// 2012: stop real-time data.
    StopRealTimeData = 2012,
    /// 2013: HJ 212-2025 C27/C28, get / upload raw (periodic) monitoring data.
    RawData = 2013,
    /// 2021: start / upload facility run state.
    RunState = 2021,
    /// 2022: stop facility run state.
    StopRunState = 2022,
    /// 2031: get / upload daily data.
    DayData = 2031,
    /// 2041: get / upload daily facility running time.
    RunTimeData = 2041,
    /// 2051: get / upload minute data.
    MinuteData = 2051,
    /// 2052: HJ 212-2025 C34, get / upload single noise measurements.
    NoiseSingleData = 2052,
    /// 2061: get / upload hourly data.
    HourData = 2061,
    /// 2062: HJ 212-2025 C59/C60, get / upload automatic standard-check data.
    StandardCheckData = 2062,
    /// 2081: upload the data logger's power-on time (HJ 212-2017).
    PowerOnTime = 2081,
    /// 2111: HJ 212-2025 C31, upload the furnace temperature 5-minute mean.
    FurnaceTemperature = 2111,
    /// 3011: zero / span calibration.
    Calibrate = 3011,
    /// 3012: immediate sampling.
    Sample = 3012,
    /// 3013: start cleaning / back-blowing.
    Clean = 3013,
    /// 3014: comparison sampling (removed in HJ 212-2025).
    ComparisonSample = 3014,
    /// 3015: over-limit sample retention (removed in HJ 212-2025).
    OverLimitRetention = 3015,
    /// 3016: set the sampling period (removed in HJ 212-2025).
    SetSamplingPeriod = 3016,
    /// 3017: get / upload the sampling period (removed in HJ 212-2025).
    GetSamplingPeriod = 3017,
    /// 3018: get / upload the sample output time.
    GetSampleOutputTime = 3018,
    /// 3019: get / upload instrument serials.
    GetInstrumentSerial = 3019,
    /// 3020: get / upload field information.
    FieldInfo = 3020,
    /// 3021: set a field parameter.
    SetFieldParameter = 3021,
    /// 3022: HJ 212-2025 C62, issue an immediate sample-retention task.
    RetentionTask = 3022,
    /// 3024: HJ 212-2025 C61, start an automatic standard check.
    StartStandardCheck = 3024,
    /// 9011: request answer (`QnRtn`).
    RequestAnswer = 9011,
    /// 9012: execution result (`ExeRtn`).
    ExecutionResult = 9012,
    /// 9013: notification answer.
    NotifyAnswer = 9013,
    /// 9014: data answer.
    DataAnswer = 9014,
    /// 9015: HJ 212-2025 C54, heartbeat.
    Heartbeat = 9015,
}

impl fmt::Display for Cn {
    /// The 4-digit code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.code())
    }
}

/// The header fields of a data segment (HJ 212-2017 Table 3; HJ 212-2025 Table 3 adds `RF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header<'a> {
    /// `QN`: request number; optional on 2005 uploads.
    pub qn: Option<Qn<'a>>,
    /// `ST`: system code.
    pub st: St<'a>,
    /// `CN`: command code.
    pub cn: Cn,
    /// `PW`: access password (may be empty).
    pub pw: Option<Cow<'a, str>>,
    /// `MN`: device identifier (empty before an HJ 212-2025 logger is registered).
    pub mn: Option<Mn<'a>>,
    /// `Flag`: version and D/A bits; absent on many 2005 devices.
    pub flag: Option<Flag>,
    /// `PNUM`: number of segments (when the D bit is set).
    pub pnum: Option<u16>,
    /// `PNO`: this segment's number, from 1.
    pub pno: Option<u16>,
    /// `RF`: HJ 212-2025 re-sent (补传) marker; only `RF=1` is defined.
    pub rf: Option<Cow<'a, str>>,
    /// Other header keys, in order, as sent.
    pub extra: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl<'a> Header<'a> {
    /// A header with `ST`, `CN`, `PW`, `MN` and the others absent.
    pub fn new(
        st: impl Into<Cow<'a, str>>,
        cn: Cn,
        pw: impl Into<Cow<'a, str>>,
        mn: impl Into<Cow<'a, str>>,
    ) -> Self {
        Header {
            qn: None,
            st: St(st.into()),
            cn,
            pw: Some(pw.into()),
            mn: Some(Mn(mn.into())),
            flag: None,
            pnum: None,
            pno: None,
            rf: None,
            extra: Vec::new(),
        }
    }

    /// The version the Flag says (absent Flag: HJ/T 212-2005).
    pub fn version(&self) -> Version {
        Version::from_flag(self.flag)
    }

    /// Whether the sender asked for an answer (Flag bit 0; false when Flag is absent).
    pub fn needs_answer(&self) -> bool {
        self.flag.is_some_and(Flag::needs_answer)
    }

    /// Whether this is an HJ 212-2025 re-sent packet (`RF=1`).
    pub fn is_resent(&self) -> bool {
        self.rf.as_deref() == Some("1")
    }

    /// Copies the borrowed text so the header no longer borrows the input.
    pub fn into_owned(self) -> Header<'static> {
        fn own(c: Cow<'_, str>) -> Cow<'static, str> {
            Cow::Owned(c.into_owned())
        }
        Header {
            qn: self.qn.map(|q| Qn(own(q.0))),
            st: St(own(self.st.0)),
            cn: self.cn,
            pw: self.pw.map(own),
            mn: self.mn.map(|m| Mn(own(m.0))),
            flag: self.flag,
            pnum: self.pnum,
            pno: self.pno,
            rf: self.rf.map(own),
            extra: self
                .extra
                .into_iter()
                .map(|(k, v)| (own(k), own(v)))
                .collect(),
        }
    }
}

/// Something in a packet that departs from the standard but does not stop it being used (hj212.md §1.6, §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Deviation {
    /// The data segment is longer than the 1024 bytes of HJ 212-2017 Table 2 (should have been split).
    DataTooLong,
    /// `QN` is not the 17-digit `YYYYMMDDhhmmsszzz` of Table 3 (e.g. 13-digit epoch milliseconds).
    QnNotTimestamp,
    /// `ST` is not two characters `0-9A-Z` (Table 5).
    StNotTwoChars,
    /// Flag's D bit is set but `PNUM`/`PNO` are missing (HJ 212-2017 and later), or they are present without
    /// the D bit.
    SegmentFieldsInconsistent,
    /// `PNO` is 0 or greater than `PNUM`.
    SegmentNumberOutOfRange,
    /// A header key is not spelled in the standard's case (`FLAG`, `PNum`).
    KeyCase,
    /// The header uses `,` or an empty item where `;` separates fields (HJ 212-2017 C.22, C.48).
    HeaderSeparator,
    /// A header key appears twice (the first is used).
    DuplicateKey,
    /// The data area is not UTF-8; it was decoded with replacement characters (GBK devices, §2.4).
    NotUtf8,
}

impl Deviation {
    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            Deviation::DataTooLong => "data_too_long",
            Deviation::QnNotTimestamp => "qn_not_timestamp",
            Deviation::StNotTwoChars => "st_not_two_chars",
            Deviation::SegmentFieldsInconsistent => "segment_fields_inconsistent",
            Deviation::SegmentNumberOutOfRange => "segment_number_out_of_range",
            Deviation::KeyCase => "key_case",
            Deviation::HeaderSeparator => "header_separator",
            Deviation::DuplicateKey => "duplicate_key",
            Deviation::NotUtf8 => "not_utf8",
        }
    }
}

/// A packet: header and data area (HJ 212-2017 §6.3.2), borrowed from the received bytes where possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet<'a> {
    /// The header fields.
    pub header: Header<'a>,
    /// The data area `CP=&&…&&`.
    pub cp: Cp<'a>,
    /// Departures from the standard found while parsing (empty for a conforming packet or a built one).
    pub deviations: Vec<Deviation>,
}

/// Finds `CP=&&` and checks that every byte before it is printable ASCII (HJ 212-2017 §6.3: the header is
/// ASCII). Eight bytes are tested at a time; only words holding a `C` or a suspect byte are looked at closely.
fn scan_header(data: &[u8]) -> Result<usize, PacketError> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let check = |k: usize| -> Option<Result<usize, PacketError>> {
        let b = data[k];
        if b == b'C' && data[k..].starts_with(b"CP=&&") {
            Some(Ok(k))
        } else if !(0x20..0x7F).contains(&b) {
            Some(Err(PacketError::HeaderNotAscii { offset: k, byte: b }))
        } else {
            None
        }
    };
    let mut i = 0;
    while let Some(word) = data.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
        let w = u64::from_le_bytes(word);
        let suspect = has_zero(w ^ (ONES * u64::from(b'C')))
            | (w.wrapping_sub(ONES * 0x20) & !w & HIGHS)
            | has_zero(w ^ (ONES * 0x7F))
            | (w & HIGHS);
        if suspect != 0 {
            for k in i..i + 8 {
                if let Some(result) = check(k) {
                    return result;
                }
            }
        }
        i += 8;
    }
    for k in i..data.len() {
        if let Some(result) = check(k) {
            return result;
        }
    }
    Err(PacketError::MissingCp)
}

fn parse_number(field: &'static str, offset: usize, value: &str) -> Result<u16, PacketError> {
    let v = value.trim_ascii();
    if v.is_empty() || v.len() > 5 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PacketError::BadField {
            field,
            offset,
            value: value.to_owned(),
        });
    }
    v.parse().map_err(|_| PacketError::BadField {
        field,
        offset,
        value: value.to_owned(),
    })
}

impl<'a> Packet<'a> {
    /// A packet from a header and a data area.
    pub fn new(header: Header<'a>, cp: Cp<'a>) -> Packet<'a> {
        Packet {
            header,
            cp,
            deviations: Vec::new(),
        }
    }

    /// Parses a data segment (the bytes between the length field and the CRC; [`crate::Frame::data`]).
    pub fn parse(data: &'a [u8]) -> Result<Packet<'a>, PacketError> {
        let cp_at = scan_header(data)?;
        let head = &data[..cp_at];
        let open = cp_at + 5;
        if data.len() < open + 2 || !data.ends_with(b"&&") {
            return Err(PacketError::UnterminatedCp { offset: cp_at });
        }
        let mut deviations = Vec::new();
        let area = &data[open..data.len() - 2];
        let cp_text = match std::str::from_utf8(area) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => {
                deviations.push(Deviation::NotUtf8);
                Cow::Owned(String::from_utf8_lossy(area).into_owned())
            }
        };
        // The header was checked to be ASCII above.
        let head = std::str::from_utf8(head).unwrap_or_default();
        let header = parse_header(head, &mut deviations)?;
        if data.len() > STANDARD_MAX_DATA_LEN {
            deviations.push(Deviation::DataTooLong);
        }
        let mut packet = Packet {
            header,
            cp: Cp::new(cp_text),
            deviations,
        };
        packet.check_conformance();
        Ok(packet)
    }

    fn check_conformance(&mut self) {
        let h = &self.header;
        let mut found = Vec::new();
        if h.qn
            .as_ref()
            .is_some_and(|q| q.0.len() != 17 || q.timestamp().is_none())
        {
            found.push(Deviation::QnNotTimestamp);
        }
        if h.st.0.len() != 2
            || !h
                .st
                .0
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        {
            found.push(Deviation::StNotTwoChars);
        }
        let has_numbers = h.pnum.is_some() && h.pno.is_some();
        let d_bit = h.flag.is_some_and(Flag::segmented);
        // HJ/T 212-2005's own Appendix C sets D without PNUM/PNO on requests (Flag=3), so only later versions
        // are held to "D bit set ⇒ PNUM and PNO present".
        let missing_numbers = d_bit && !has_numbers && h.version() != Version::V2005;
        if missing_numbers || (has_numbers && !d_bit) || (h.pnum.is_some() != h.pno.is_some()) {
            found.push(Deviation::SegmentFieldsInconsistent);
        }
        if let (Some(pnum), Some(pno)) = (h.pnum, h.pno)
            && (pno == 0 || pno > pnum)
        {
            found.push(Deviation::SegmentNumberOutOfRange);
        }
        self.deviations.extend(found);
    }

    /// The version the Flag says.
    pub fn version(&self) -> Version {
        self.header.version()
    }

    /// The command code.
    pub fn cn(&self) -> Cn {
        self.header.cn
    }

    /// Writes the data segment (without `##`, length, CRC) in canonical order (HJ 212-2017 Table 3).
    pub fn write_data_segment(&self, out: &mut Vec<u8>) {
        let h = &self.header;
        let mut field = |name: &str, value: &str| {
            out.extend_from_slice(name.as_bytes());
            out.push(b'=');
            out.extend_from_slice(value.as_bytes());
            out.push(b';');
        };
        if let Some(qn) = &h.qn {
            field("QN", qn.as_str());
        }
        field("ST", h.st.as_str());
        field("CN", &h.cn.to_string());
        if let Some(pw) = &h.pw {
            field("PW", pw);
        }
        if let Some(mn) = &h.mn {
            field("MN", mn.as_str());
        }
        if let Some(flag) = h.flag {
            field("Flag", &flag.0.to_string());
        }
        if let Some(pnum) = h.pnum {
            field("PNUM", &pnum.to_string());
        }
        if let Some(pno) = h.pno {
            field("PNO", &pno.to_string());
        }
        if let Some(rf) = &h.rf {
            field("RF", rf);
        }
        // An extra key spelled `CP` (received as `CP =&&…` or `CP=&…`) is not written: it would open the
        // data area early.
        for (k, v) in h
            .extra
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("CP"))
        {
            field(k, v);
        }
        out.extend_from_slice(b"CP=&&");
        out.extend_from_slice(self.cp.as_str().as_bytes());
        out.extend_from_slice(b"&&");
    }

    /// The data segment as bytes.
    pub fn data_segment(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128 + self.cp.as_str().len());
        self.write_data_segment(&mut out);
        out
    }

    /// The whole frame: `##`, 4-digit length, data segment, upper-case CRC, `<CR><LF>` (HJ 212-2017 Table 2).
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        frame_data_segment(&self.data_segment())
    }

    /// The whole frame with the data area SM4-encrypted (HJ 212-2025 Appendix A.2): length and CRC are those
    /// of the plaintext; only whole 16-byte blocks are encrypted.
    pub fn encode_encrypted(&self, key: &crate::encrypt::Sm4Key) -> Result<Vec<u8>, EncodeError> {
        let plain = self.data_segment();
        let crc = crc::crc16(&plain);
        let cipher = crate::encrypt::encrypt_data_segment(&plain, key).unwrap_or(plain);
        assemble(&cipher, crc)
    }

    /// Copies the borrowed text so the packet no longer borrows the input.
    pub fn into_owned(self) -> Packet<'static> {
        Packet {
            header: self.header.into_owned(),
            cp: self.cp.into_owned(),
            deviations: self.deviations,
        }
    }
}

/// Frames a data segment: `##` + length + data + CRC + `<CR><LF>` (HJ 212-2017 Table 2).
pub fn frame_data_segment(data: &[u8]) -> Result<Vec<u8>, EncodeError> {
    assemble(data, crc::crc16(data))
}

fn assemble(data: &[u8], crc: u16) -> Result<Vec<u8>, EncodeError> {
    if data.len() > 9999 {
        return Err(EncodeError::TooLong { len: data.len() });
    }
    let mut out = Vec::with_capacity(data.len() + 12);
    out.extend_from_slice(format!("##{:04}", data.len()).as_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&crc::format_crc(crc));
    out.extend_from_slice(b"\r\n");
    Ok(out)
}

/// The standard's spelling of a header key, whatever the case it was sent in (HJ 212-2017 Table 3).
fn canonical_key(key: &str) -> Option<&'static str> {
    let exact = match key {
        "QN" => "QN",
        "ST" => "ST",
        "CN" => "CN",
        "PW" => "PW",
        "MN" => "MN",
        "Flag" => "Flag",
        "PNUM" => "PNUM",
        "PNO" => "PNO",
        "RF" => "RF",
        _ => "",
    };
    if !exact.is_empty() {
        return Some(exact);
    }
    const CANONICAL: [&str; 9] = ["QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO", "RF"];
    CANONICAL
        .iter()
        .find(|c| c.eq_ignore_ascii_case(key))
        .copied()
}

fn parse_header<'a>(
    head: &'a str,
    deviations: &mut Vec<Deviation>,
) -> Result<Header<'a>, PacketError> {
    let mut qn = None;
    let mut st = None;
    let mut cn = None;
    let mut pw = None;
    let mut mn = None;
    let mut flag = None;
    let mut pnum = None;
    let mut pno = None;
    let mut rf = None;
    let mut extra = Vec::new();
    let note = |d: Deviation, deviations: &mut Vec<Deviation>| {
        if !deviations.contains(&d) {
            deviations.push(d);
        }
    };
    let base = head.as_ptr() as usize;
    let mut rest = head;
    while let Some((part, _)) = crate::cp::next_part(&mut rest, b';', b',', false) {
        let raw_item = part.text;
        let offset = raw_item.as_ptr() as usize - base;
        let item = raw_item.trim_ascii();
        if item.is_empty() {
            // "…;Flag=5;CP=&&" leaves one empty item at the end; any other is a stray separator.
            if offset + raw_item.len() != head.len() {
                note(Deviation::HeaderSeparator, deviations);
            }
            continue;
        }
        if offset > 0 && head.as_bytes()[offset - 1] == b',' {
            note(Deviation::HeaderSeparator, deviations);
        }
        let Some(eq) = part.eq else {
            return Err(PacketError::MalformedHeaderItem {
                offset,
                item: item.to_owned(),
            });
        };
        let key = raw_item[..eq].trim_ascii();
        let value = raw_item[eq + 1..].trim_ascii();
        let value_offset = offset + eq + 1;
        let Some(canonical) = canonical_key(key) else {
            extra.push((Cow::Borrowed(key), Cow::Borrowed(value)));
            continue;
        };
        if canonical != key {
            note(Deviation::KeyCase, deviations);
        }
        let duplicate = match canonical {
            "QN" => qn.replace(Qn(Cow::Borrowed(value))).is_some(),
            "ST" => st.replace(St(Cow::Borrowed(value))).is_some(),
            "CN" => {
                let code = parse_number("CN", value_offset, value)?;
                if value.len() != 4 {
                    return Err(PacketError::BadField {
                        field: "CN",
                        offset: value_offset,
                        value: value.to_owned(),
                    });
                }
                cn.replace(Cn::from_code(code)).is_some()
            }
            "PW" => pw.replace(Cow::Borrowed(value)).is_some(),
            "MN" => mn.replace(Mn(Cow::Borrowed(value))).is_some(),
            "Flag" => {
                let v = parse_number("Flag", value_offset, value)?;
                let byte = u8::try_from(v).map_err(|_| PacketError::BadField {
                    field: "Flag",
                    offset: value_offset,
                    value: value.to_owned(),
                })?;
                flag.replace(Flag(byte)).is_some()
            }
            "PNUM" => pnum
                .replace(parse_number("PNUM", value_offset, value)?)
                .is_some(),
            "PNO" => pno
                .replace(parse_number("PNO", value_offset, value)?)
                .is_some(),
            _ => rf.replace(Cow::Borrowed(value)).is_some(),
        };
        if duplicate {
            note(Deviation::DuplicateKey, deviations);
        }
    }
    Ok(Header {
        qn,
        st: st.ok_or(PacketError::MissingField { field: "ST" })?,
        cn: cn.ok_or(PacketError::MissingField { field: "CN" })?,
        pw,
        mn,
        flag,
        pnum,
        pno,
        rf,
        extra,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_example() {
        let data = b"QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&";
        let p = Packet::parse(data).unwrap();
        assert_eq!(p.header.qn.as_ref().unwrap().as_str(), "20160801085857223");
        assert_eq!(p.header.cn, Cn::SetRealTimeInterval);
        assert_eq!(p.version(), Version::V2017);
        assert!(p.header.needs_answer());
        assert_eq!(p.cp.get("RtdInterval"), Some("30"));
        assert!(p.deviations.is_empty());
        assert_eq!(p.data_segment(), data);
        assert_eq!(
            p.encode().unwrap(),
            [b"##0101".as_slice(), data, b"1C80\r\n"].concat()
        );
    }

    #[test]
    fn keys_any_order_and_case_with_deviations() {
        let p = Packet::parse(
            b"ST=32;CN=2011;PW=123456;,MN=88888881234567;FLAG=0;CP=&&DataTime=20180306120000&&",
        )
        .unwrap();
        assert_eq!(p.version(), Version::V2005);
        assert_eq!(p.header.mn.as_ref().unwrap().as_str(), "88888881234567");
        assert!(p.deviations.contains(&Deviation::KeyCase));
        assert!(p.deviations.contains(&Deviation::HeaderSeparator));
        let q = Packet::parse(b"MN=X;PNO=2;cn=2051;PNUM=2;Flag=7;St=31;CP=&&&&").unwrap();
        assert_eq!((q.header.pnum, q.header.pno), (Some(2), Some(2)));
        assert_eq!(q.cn(), Cn::MinuteData);
    }

    #[test]
    fn absent_flag_is_2005_and_errors_say_where() {
        let p = Packet::parse(
            b"ST=32;CN=2011;PW=123456;MN=LD130133000015;CP=&&DataTime=20160824003817&&",
        )
        .unwrap();
        assert_eq!(p.version(), Version::V2005);
        assert_eq!(p.header.flag, None);
        assert_eq!(
            Packet::parse(b"ST=32;CN=2011").unwrap_err(),
            PacketError::MissingCp
        );
        assert_eq!(
            Packet::parse(b"ST=32;CN=20x1;CP=&&&&").unwrap_err(),
            PacketError::BadField {
                field: "CN",
                offset: 9,
                value: "20x1".into()
            }
        );
        assert_eq!(
            Packet::parse(b"CN=2011;CP=&&&&").unwrap_err(),
            PacketError::MissingField { field: "ST" }
        );
        assert_eq!(
            Packet::parse(b"ST=32;CN=2011;CP=&&x").unwrap_err().kind(),
            "unterminated_cp"
        );
        assert_eq!(
            Packet::parse(b"ST=32;CN=2011;Flag=300;CP=&&&&")
                .unwrap_err()
                .kind(),
            "bad_field"
        );
    }

    #[test]
    fn header_values_are_not_log_text() {
        // Found by the fuzzer: "=//" in a header value must not swallow the separators after it.
        let p = Packet::parse(b"ST=//22;Flig=4;CN=1013;PW=1;MN=A;CP=&&&&").unwrap();
        assert_eq!(p.header.st.as_str(), "//22");
        assert_eq!(p.header.cn, Cn::TimeCalibrationRequest);
        let again = p.encode().unwrap();
        assert_eq!(Packet::parse(&again[6..again.len() - 6]).unwrap(), p);
    }

    #[test]
    fn flag_bits() {
        let f = Flag::new(Version::V2025, true, true);
        assert_eq!(f.0, 11);
        assert_eq!(f.version(), Version::V2025);
        assert!(f.segmented() && f.needs_answer());
        assert_eq!(Flag(4).version(), Version::V2017);
        assert_eq!(Flag(0xFF).version(), Version::Unknown(63));
    }
}
