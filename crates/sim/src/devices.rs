//! What a simulated data logger is: its kind (and so its factors, system code and uploads), its identity
//! (MN, password), its site, and the real-world quirks it shows on the wire.

use hj212::Cn;

/// The kinds of monitored site a simulated logger serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeviceKind {
    /// Ambient air quality station (ST=22): PM2.5, PM10, SO2, NO2, CO, O3.
    AirStation,
    /// Surface-water automatic station (ST=21): pH, DO, CODMn, NH3-N, TP, TN.
    WaterSection,
    /// Flue-gas CEMS at a stack (ST=31): SO2, NOx, dust, O2, temperature, velocity, flow.
    FlueGasOutlet,
    /// Wastewater outlet (ST=32): COD, NH3-N, pH, flow.
    WastewaterOutlet,
}

/// One monitored factor (HJ 212-2017 Appendix B code; hj212.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Factor {
    /// The factor code, e.g. `a34004`.
    pub code: &'static str,
    /// A short English name.
    pub name: &'static str,
    /// The unit of the value.
    pub unit: &'static str,
    /// Decimals written in packets.
    pub decimals: u8,
    /// Whether interval uploads carry a cumulative amount (`-Cou`): emissions (kg) and flow (m³).
    pub cumulative: bool,
    /// Whether `-Zs…` values (converted to the reference O2) are sent (flue-gas pollutants).
    pub converted: bool,
}

const fn f(code: &'static str, name: &'static str, unit: &'static str, decimals: u8) -> Factor {
    Factor {
        code,
        name,
        unit,
        decimals,
        cumulative: false,
        converted: false,
    }
}

const fn emitted(mut factor: Factor, converted: bool) -> Factor {
    factor.cumulative = true;
    factor.converted = converted;
    factor
}

const AIR: [Factor; 6] = [
    f("a34004", "PM2.5", "ug/m3", 0),
    f("a34002", "PM10", "ug/m3", 0),
    f("a21026", "SO2", "ug/m3", 0),
    f("a21004", "NO2", "ug/m3", 0),
    f("a21005", "CO", "mg/m3", 3),
    f("a05024", "O3", "ug/m3", 0),
];

const WATER: [Factor; 6] = [
    f("w01001", "pH", "", 2),
    f("w01009", "DO", "mg/L", 2),
    f("w01019", "CODMn", "mg/L", 2),
    f("w21003", "NH3-N", "mg/L", 3),
    f("w21011", "TP", "mg/L", 3),
    f("w21001", "TN", "mg/L", 2),
];

const FLUE_GAS: [Factor; 7] = [
    emitted(f("a21026", "SO2", "mg/m3", 2), true),
    emitted(f("a21002", "NOx", "mg/m3", 1), true),
    emitted(f("a34013", "dust", "mg/m3", 2), true),
    f("a19001", "O2", "%", 1),
    f("a01012", "temperature", "C", 1),
    f("a01011", "velocity", "m/s", 2),
    emitted(f("a00000", "flow", "m3/s", 1), false),
];

const WASTEWATER: [Factor; 4] = [
    emitted(f("w01018", "COD", "mg/L", 1), false),
    emitted(f("w21003", "NH3-N", "mg/L", 2), false),
    f("w01001", "pH", "", 2),
    emitted(f("w00000", "flow", "L/s", 2), false),
];

impl DeviceKind {
    /// Every kind.
    pub const ALL: [DeviceKind; 4] = [
        DeviceKind::AirStation,
        DeviceKind::WaterSection,
        DeviceKind::FlueGasOutlet,
        DeviceKind::WastewaterOutlet,
    ];

    /// The HJ 212 system code (`ST`).
    pub fn st(self) -> &'static str {
        match self {
            DeviceKind::AirStation => "22",
            DeviceKind::WaterSection => "21",
            DeviceKind::FlueGasOutlet => "31",
            DeviceKind::WastewaterOutlet => "32",
        }
    }

    /// The factors measured, in upload order.
    pub fn factors(self) -> &'static [Factor] {
        match self {
            DeviceKind::AirStation => &AIR,
            DeviceKind::WaterSection => &WATER,
            DeviceKind::FlueGasOutlet => &FLUE_GAS,
            DeviceKind::WastewaterOutlet => &WASTEWATER,
        }
    }

    /// The site-kind code the store uses (`store::SiteKind` parses it).
    pub fn site_kind(self) -> &'static str {
        match self {
            DeviceKind::AirStation => "air_station",
            DeviceKind::WaterSection => "water_section",
            DeviceKind::FlueGasOutlet => "flue_gas_outlet",
            DeviceKind::WastewaterOutlet => "wastewater_outlet",
        }
    }

    /// Seconds between real-time uploads (CN 2011) by default.
    pub fn realtime_interval_s(self) -> u32 {
        match self {
            DeviceKind::WaterSection => 600,
            _ => 60,
        }
    }

    /// Minutes between minute-data uploads (CN 2051); `None` when the kind sends none.
    pub fn minute_interval_min(self) -> Option<u32> {
        match self {
            DeviceKind::FlueGasOutlet | DeviceKind::WastewaterOutlet => Some(10),
            _ => None,
        }
    }

    /// Hours between hourly-data uploads (CN 2061): water stations analyse nutrients in 4-hour cycles.
    pub fn hour_cycle(self) -> u32 {
        match self {
            DeviceKind::WaterSection => 4,
            _ => 1,
        }
    }

    /// The commands this kind uploads on its own.
    pub fn uploads(self) -> &'static [Cn] {
        match self {
            DeviceKind::AirStation | DeviceKind::WaterSection => &[Cn::RealTimeData, Cn::HourData],
            DeviceKind::FlueGasOutlet => &[
                Cn::RealTimeData,
                Cn::RunState,
                Cn::MinuteData,
                Cn::HourData,
                Cn::DayData,
                Cn::RunTimeData,
            ],
            DeviceKind::WastewaterOutlet => {
                &[Cn::RealTimeData, Cn::MinuteData, Cn::HourData, Cn::DayData]
            }
        }
    }
}

/// What drives a site's values beyond its kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Character {
    /// Ambient air; `pm_scale` multiplies the city's particulate levels (1.0 = the city mean).
    Air {
        /// Particulate multiplier relative to the city.
        pm_scale: f64,
    },
    /// A river or reservoir section of GB 3838 class `class` (1–5) on average.
    Water {
        /// Typical water-quality class.
        class: u8,
        /// A reservoir (lake criteria: lower TP, higher TN).
        reservoir: bool,
    },
    /// A combustion or process stack.
    Stack(Stack),
    /// A wastewater outlet discharging `m3_per_day` on average.
    Effluent {
        /// Mean flow, m³/day.
        m3_per_day: f64,
        /// Mine water rather than treated municipal sewage.
        mine: bool,
    },
}

/// Process behind a flue-gas outlet (sets concentrations, O2 reference and flow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stack {
    /// Coal-fired power unit with ultra-low emissions (FGD + SCR + ESP).
    CoalPower,
    /// Cement clinker kiln.
    Cement,
    /// Smelting, silicon, glass and other industrial furnaces.
    Furnace,
}

/// The protocol version a device speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Dialect {
    /// HJ 212-2017: QN, Flag=5, 24-character MN.
    #[default]
    V2017,
    /// HJ/T 212-2005: no QN and no Flag on uploads (so nothing is answered), 14-character MN.
    V2005,
    /// HJ 212-2025: Flag version bits `000010` (Flag=9).
    V2025,
}

/// How a device writes its check sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CrcStyle {
    /// The HJ 212 CRC of Appendix A.
    #[default]
    Standard,
    /// CRC-16/MODBUS printed low byte first (a real vendor variant, hj212.md §2.5).
    ModbusLowByteFirst,
}

/// What ends a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LineEnd {
    /// `<CR><LF>` as the standard says.
    #[default]
    CrLf,
    /// `<LF>` alone.
    LfOnly,
}

/// How frames are handed to TCP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Writes {
    /// One frame per write.
    #[default]
    Whole,
    /// Each frame split across two writes (two TCP segments), a few milliseconds apart.
    Split,
    /// Frames held back and written two at a time.
    TwoPerWrite,
}

/// The real-world quirks a device shows; the default is a conforming HJ 212-2017 logger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Quirks {
    /// Protocol version.
    pub dialect: Dialect,
    /// Check-sum style.
    pub crc: CrcStyle,
    /// Frame terminator.
    pub line_end: LineEnd,
    /// Write pattern.
    pub writes: Writes,
}

/// The single quirks the fleet hands out, one per quirky device, in this order.
pub const QUIRK_KINDS: [Quirk; 6] = [
    Quirk::Dialect2005,
    Quirk::Dialect2025,
    Quirk::ModbusCrc,
    Quirk::LfOnly,
    Quirk::SplitWrites,
    Quirk::TwoPerWrite,
];

/// One departure from a conforming logger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quirk {
    /// HJ/T 212-2005 dialect.
    Dialect2005,
    /// HJ 212-2025 dialect.
    Dialect2025,
    /// CRC-16/MODBUS, low byte first.
    ModbusCrc,
    /// LF-only terminator.
    LfOnly,
    /// Frames split across TCP segments.
    SplitWrites,
    /// Two frames per write.
    TwoPerWrite,
}

impl Quirk {
    /// The quirks a device with only this departure has.
    pub fn quirks(self) -> Quirks {
        let mut q = Quirks::default();
        match self {
            Quirk::Dialect2005 => q.dialect = Dialect::V2005,
            Quirk::Dialect2025 => q.dialect = Dialect::V2025,
            Quirk::ModbusCrc => q.crc = CrcStyle::ModbusLowByteFirst,
            Quirk::LfOnly => q.line_end = LineEnd::LfOnly,
            Quirk::SplitWrites => q.writes = Writes::Split,
            Quirk::TwoPerWrite => q.writes = Writes::TwoPerWrite,
        }
        q
    }

    /// A stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Quirk::Dialect2005 => "dialect_2005",
            Quirk::Dialect2025 => "dialect_2025",
            Quirk::ModbusCrc => "modbus_crc",
            Quirk::LfOnly => "lf_only",
            Quirk::SplitWrites => "split_writes",
            Quirk::TwoPerWrite => "two_per_write",
        }
    }
}

impl Quirks {
    /// Whether the device behaves exactly as the standard says.
    pub fn is_conforming(&self) -> bool {
        *self == Quirks::default()
    }

    /// The names of the departures, e.g. `["modbus_crc"]`.
    pub fn names(&self) -> Vec<&'static str> {
        QUIRK_KINDS
            .iter()
            .filter(|q| {
                let one = q.quirks();
                (one.dialect != Dialect::V2017 && one.dialect == self.dialect)
                    || (one.crc != CrcStyle::Standard && one.crc == self.crc)
                    || (one.line_end != LineEnd::CrLf && one.line_end == self.line_end)
                    || (one.writes != Writes::Whole && one.writes == self.writes)
            })
            .map(|q| q.as_str())
            .collect()
    }

    /// Whether uploads ask for an answer (Flag A = 1): every dialect but 2005, which has no Flag.
    pub fn wants_answers(&self) -> bool {
        self.dialect != Dialect::V2005
    }
}

/// One simulated data logger, named deterministically from the fleet's seed so a server can register the
/// same fleet the simulator drives ([`crate::fleet`]).
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceSpec {
    /// Position in the fleet (0-based).
    pub index: u32,
    /// The HJ 212 MN: 24 hex characters, or 14 characters for the 2005 dialect.
    pub mn: String,
    /// The access password (6 characters).
    pub password: String,
    /// What the device monitors.
    pub kind: DeviceKind,
    /// The site's id (the demo city's `stations.csv` id, e.g. `A01`, or `LOAD0001` for load fleets).
    pub site_id: String,
    /// What drives its values.
    pub character: Character,
    /// Its departures from the standard.
    pub quirks: Quirks,
    /// Seconds between real-time uploads.
    pub realtime_interval_s: u32,
    /// Minutes between minute-data uploads (10 when the kind sends none, as a registry default).
    pub minute_interval_min: u32,
}

impl DeviceSpec {
    /// The protocol the platform should register: `2005`, `2017` or `2025`.
    pub fn protocol(&self) -> &'static str {
        match self.quirks.dialect {
            Dialect::V2005 => "2005",
            Dialect::V2017 => "2017",
            Dialect::V2025 => "2025",
        }
    }

    /// The CRC policy a lenient platform registers the device with: `lenient` when it writes a vendor CRC
    /// variant, else `strict`. (Registering a Modbus-CRC device as `strict` gets its frames quarantined.)
    pub fn crc_policy(&self) -> &'static str {
        match self.quirks.crc {
            CrcStyle::Standard => "strict",
            CrcStyle::ModbusLowByteFirst => "lenient",
        }
    }
}
