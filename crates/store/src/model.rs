//! The domain types the store takes and returns.

use std::fmt;
use std::str::FromStr;

/// Why a text did not name a known code (a site kind, an interval, a verdict...).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}; expected one of: {expected}")]
pub struct UnknownCode {
    pub what: &'static str,
    pub value: String,
    pub expected: &'static str,
}

/// Defines a fieldless enum stored and shown as a fixed lower-case code.
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code stored in the database and used in the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, UnknownCode> {
                match s { $($code => Ok($name::$variant),)+
                    _ => Err(UnknownCode { what: $what, value: s.to_string(), expected: concat!($($code, " "),+) }) }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.code()) }
        }
    };
}

code_enum! {
    /// What a monitored site is.
    SiteKind, "site kind" {
        /// Ambient air quality station.
        AirStation = "air_station",
        /// Surface-water monitoring section.
        WaterSection = "water_section",
        /// Drinking-water source.
        DrinkingWaterSource = "drinking_water_source",
        /// Flue-gas outlet of an emitter.
        FlueGasOutlet = "flue_gas_outlet",
        /// Wastewater outlet of an emitter.
        WastewaterOutlet = "wastewater_outlet",
        /// Outfall into a river.
        RiverOutfall = "river_outfall",
        /// Anything else.
        Other = "other",
    }
}

code_enum! {
    /// The emission standard an outlet is judged against. Until permits (which name each outlet's limits)
    /// are in the registry, the registry says which standard applies; an outlet without one is shown
    /// without a limit.
    EmissionStandard, "emission standard" {
        /// Ultra-low emission limits of coal-fired power units (发改能源〔2014〕2093号).
        UltraLow = "ultra_low",
        /// GB 18918-2002 grade 1A (municipal wastewater treatment plants).
        Gb18918OneA = "gb18918_1a",
        /// GB 8978-1996 grade 1 (integrated wastewater discharge).
        Gb8978One = "gb8978_1",
    }
}

code_enum! {
    /// What kind of water body a water site samples (GB 3838-2002 distinguishes rivers from lakes and
    /// reservoirs for total phosphorus and total nitrogen).
    WaterbodyKind, "water body kind" {
        /// A river or stream.
        River = "river",
        /// A natural lake.
        Lake = "lake",
        /// A reservoir.
        Reservoir = "reservoir",
    }
}

code_enum! {
    /// How strictly a device's CRC is checked (mirrors `hj212`'s policy, stored per device).
    CrcPolicy, "CRC policy" {
        /// Only the HJ 212 CRC is accepted.
        Strict = "strict",
        /// Known vendor variants are accepted and flagged.
        Lenient = "lenient",
        /// The CRC is not checked.
        Off = "off",
    }
}

code_enum! {
    /// The averaging interval of a series: the HJ 212 upload it came from.
    Interval, "interval" {
        /// Real-time values (CN 2011).
        Realtime = "realtime",
        /// Minute data (CN 2051).
        Minute = "minute",
        /// Hourly data as sent by the device (CN 2061).
        Hour = "hour",
        /// Daily data as sent by the device (CN 2031).
        Day = "day",
    }
}

code_enum! {
    /// Review state of a value.
    Tier, "tier" {
        /// As received; not yet reviewed by staff.
        Preliminary = "preliminary",
        /// Reviewed and confirmed.
        Validated = "validated",
    }
}

code_enum! {
    /// What the gateway decided about a frame.
    Verdict, "verdict" {
        /// Framed, checked and admitted; its values (if any) are in the series.
        Accepted = "accepted",
        /// The frame could not be framed or decoded (bad length, CRC, syntax...).
        BadFrame = "bad_frame",
        /// The MN is not registered.
        UnknownDevice = "unknown_device",
        /// The MN is registered but the password is wrong.
        WrongPassword = "wrong_password",
        /// A well-formed frame from its device whose `DataTime` lies outside the accepted window
        /// (too far back, or in the future): answered, but its values are not stored.
        TimeOutOfRange = "time_out_of_range",
    }
}

code_enum! {
    /// A rollup period in the city's local time.
    Period, "period" {
        /// A local clock hour.
        Hour = "hour",
        /// A local calendar day.
        Day = "day",
    }
}

impl Interval {
    pub(crate) fn as_int(self) -> i64 {
        match self {
            Interval::Realtime => 1,
            Interval::Minute => 2,
            Interval::Hour => 3,
            Interval::Day => 4,
        }
    }

    pub(crate) fn from_int(n: i64) -> Option<Interval> {
        Interval::ALL.iter().copied().find(|i| i.as_int() == n)
    }
}

impl Period {
    pub(crate) fn as_int(self) -> i64 {
        match self {
            Period::Hour => 1,
            Period::Day => 2,
        }
    }
}

impl Tier {
    pub(crate) fn as_int(self) -> i64 {
        match self {
            Tier::Preliminary => 0,
            Tier::Validated => 1,
        }
    }

    pub(crate) fn from_int(n: i64) -> Tier {
        if n == 1 {
            Tier::Validated
        } else {
            Tier::Preliminary
        }
    }
}

/// The protocol values a device may be registered with: `auto` (from each packet's Flag) or a version.
pub const PROTOCOLS: [&str; 4] = ["auto", "2005", "2017", "2025"];

/// Checks a device's protocol against [`PROTOCOLS`].
pub fn check_protocol(protocol: &str) -> Result<(), UnknownCode> {
    if PROTOCOLS.contains(&protocol) {
        Ok(())
    } else {
        Err(UnknownCode {
            what: "protocol",
            value: protocol.to_string(),
            expected: "auto 2005 2017 2025",
        })
    }
}

/// A county (or district) of the city.
#[derive(Debug, Clone, PartialEq)]
pub struct County {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
}

/// A river, lake or reservoir.
#[derive(Debug, Clone, PartialEq)]
pub struct Waterbody {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: WaterbodyKind,
    pub basin: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
}

/// An enterprise operating pollution sources.
#[derive(Debug, Clone, PartialEq)]
pub struct Enterprise {
    pub id: String,
    pub name: String,
    pub county: Option<String>,
}

/// A monitored place: an air station, a water section, an outlet...
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub id: String,
    pub name: String,
    pub kind: SiteKind,
    pub county: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub enterprise_id: Option<String>,
    /// For an outlet: the standard its values are judged against.
    pub emission_standard: Option<EmissionStandard>,
    /// True for the demo city's simulated sites: the UI says so.
    pub simulated: bool,
}

/// A data logger (数采仪) identified by its HJ 212 MN.
#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    pub mn: String,
    pub password: String,
    pub site_id: String,
    /// `auto`, `2005`, `2017` or `2025`.
    pub protocol: String,
    pub crc_policy: CrcPolicy,
    /// Seconds between real-time uploads (CN 2011); sets how many values an hour should hold.
    pub realtime_interval_s: u32,
    /// Minutes between minute-data uploads (CN 2051).
    pub minute_interval_min: u32,
}

/// A value to store, keyed by (site, parameter, interval, data time).
#[derive(Debug, Clone, PartialEq)]
pub struct NewValue {
    pub site_id: String,
    /// The HJ 212 factor code, e.g. `a21026`.
    pub param: String,
    pub interval: Interval,
    /// Data time, unix seconds UTC.
    pub time: i64,
    pub value: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub cou: Option<f64>,
    /// The device's data flag (`N`, `F`, `M`, `S`, `D`, `C`, `T`, `B`...), as sent.
    pub flag: Option<String>,
}

/// One frame as received, with the gateway's verdict and the values it carried.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameRecord {
    /// Receive time, unix milliseconds UTC.
    pub received_at_ms: i64,
    pub peer: String,
    pub mn: Option<String>,
    pub cn: Option<String>,
    pub verdict: Verdict,
    /// For a rejected frame: the error kind and message.
    pub cause: Option<String>,
    pub raw: Vec<u8>,
    pub values: Vec<NewValue>,
}

/// A stored journal entry (without its values).
#[derive(Debug, Clone, PartialEq)]
pub struct JournalEntry {
    pub id: i64,
    pub received_at_ms: i64,
    pub peer: String,
    pub mn: Option<String>,
    pub cn: Option<String>,
    pub verdict: Verdict,
    pub cause: Option<String>,
    pub raw: Vec<u8>,
}

/// A stored value of a series.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub time: i64,
    pub value: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub cou: Option<f64>,
    pub flag: Option<String>,
    pub tier: Tier,
    pub journal_id: i64,
}

/// An hourly or daily aggregate.
#[derive(Debug, Clone, PartialEq)]
pub struct Rollup {
    pub site_id: String,
    pub param: String,
    pub period: Period,
    /// Start of the period, unix seconds UTC.
    pub time: i64,
    /// The interval the aggregate was computed from.
    pub source: Interval,
    /// Values in the period.
    pub count: u32,
    /// Values in the period whose flag marks them valid.
    pub valid_count: u32,
    pub mean: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Whether enough valid values were present for the aggregate to count.
    pub valid: bool,
}

/// A request made by someone signed in, as the access log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessEntry {
    /// 0 until stored.
    pub id: i64,
    /// When, unix seconds UTC.
    pub at: i64,
    /// Who: the account's name (with `token#N` for a token).
    pub actor: String,
    /// The address the request came from.
    pub address: String,
    pub method: String,
    /// The path asked for, without its query.
    pub path: String,
    /// The answer's HTTP status.
    pub status: u16,
}

/// A change made by a person.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    /// When, unix seconds UTC.
    pub at: i64,
    /// Who: `api:admin-token@10.0.0.5`, `cli:alice`...
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: Option<String>,
}

/// A staff correction of a series' stored values over `[start, end)`: a record beside the values, which
/// are never edited (the journal and the stored value stay the evidence). It is never deleted; a
/// withdrawn one no longer applies, and where two apply to one value the newer (higher id) wins.
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    /// 0 until stored.
    pub id: i64,
    pub site_id: String,
    /// The HJ 212 factor code corrected.
    pub param: String,
    /// The period corrected, `[start, end)`, unix seconds UTC.
    pub start: i64,
    pub end: i64,
    /// The value every covered stored value reads as.
    pub value: f64,
    pub reason: String,
    /// Who made it (as the audit log names them).
    pub created_by: String,
    pub created_at: i64,
    pub withdrawn_by: Option<String>,
    pub withdrawn_at: Option<i64>,
}
