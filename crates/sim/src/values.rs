//! Realistic values: a pure function of (seed, device, time).
//!
//! Each factor's value is `level × season(month) × diurnal(hour) × exp(weather + local + hourly + white)`
//! (pH, O2 and temperatures are additive instead), times the instrument's drift since its last calibration
//! and, at pollution sources, the occasional exceedance episode. `weather` is a city-wide smooth noise field
//! (multi-day episodes, AR(1)-like) shared by every air station built from the same seed, so stations move
//! together as they do under one weather system. Device events come from seeded hashes per local day:
//! weekly calibration (flag C), monthly maintenance (M), faults (D), communication gaps (nothing sent) and,
//! at sources, exceedances.
//!
//! Air levels are the 2019 figures of Zhaotong's two national stations (`data/calibration.rs`, from
//! `../shared/data/zhaotong/calibration.json`): monthly means, diurnal profiles, annual means.

use crate::calibration as cal;
use crate::devices::{Character, DeviceKind, DeviceSpec, Stack};
use crate::rng::{gauss, hash, smooth_noise, text, unit};
use hj212::DataFlag;

/// Beijing time is UTC+8 all year; HJ 212 times are local.
pub const BEIJING_OFFSET_S: i64 = 8 * 3600;
const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

/// What the instrument is doing at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Measuring normally (flag N).
    Normal,
    /// Zero/span calibration (flag C).
    Calibration,
    /// Maintenance (flag M).
    Maintenance,
    /// Instrument fault (flag D).
    Fault,
}

impl Status {
    /// The HJ 212-2017 data flag.
    pub fn flag(self) -> DataFlag {
        match self {
            Status::Normal => DataFlag::Normal,
            Status::Calibration => DataFlag::Calibration,
            Status::Maintenance => DataFlag::Maintenance,
            Status::Fault => DataFlag::Fault,
        }
    }
}

/// How one factor behaves.
#[derive(Debug, Clone)]
struct Param {
    level: f64,
    monthly: [f64; 12],
    diurnal: [f64; 24],
    /// Key of the shared (city) field and its weight.
    shared: Option<(u64, f64)>,
    local: f64,
    hourly: f64,
    white: f64,
    /// Added noise (in the value's unit) instead of multiplied: pH, O2, temperature.
    additive: bool,
    /// Raised during exceedance episodes.
    emitted: bool,
    min: f64,
    max: f64,
}

impl Param {
    fn multiplicative(level: f64, local: f64, hourly: f64, white: f64) -> Param {
        Param {
            level,
            monthly: [1.0; 12],
            diurnal: [1.0; 24],
            shared: None,
            local,
            hourly,
            white,
            additive: false,
            emitted: false,
            min: 0.0,
            max: f64::INFINITY,
        }
    }

    fn additive(level: f64, local: f64, hourly: f64, white: f64, min: f64, max: f64) -> Param {
        Param {
            additive: true,
            min,
            max,
            ..Param::multiplicative(level, local, hourly, white)
        }
    }

    fn monthly(mut self, m: [f64; 12]) -> Param {
        self.monthly = normalised(&m);
        self
    }

    fn diurnal(mut self, d: [f64; 24]) -> Param {
        self.diurnal = normalised(&d);
        self
    }

    fn shared(mut self, key: &str, sigma: f64) -> Param {
        self.shared = Some((text(key), sigma));
        self
    }

    fn emitted(mut self) -> Param {
        self.emitted = true;
        self
    }
}

fn normalised<const N: usize>(v: &[f64; N]) -> [f64; N] {
    let mean = v.iter().sum::<f64>() / N as f64;
    v.map(|x| x / mean)
}

/// Cyclic linear interpolation at `pos` (0 = the first entry's centre).
fn cyclic<const N: usize>(v: &[f64; N], pos: f64) -> f64 {
    let i = pos.floor();
    let f = pos - i;
    let a = v[(i as i64).rem_euclid(N as i64) as usize];
    let b = v[(i as i64 + 1).rem_euclid(N as i64) as usize];
    a + (b - a) * f
}

/// A flue gas's reference O2 for converted (折算) values, %.
fn reference_o2(stack: Stack) -> f64 {
    match stack {
        Stack::CoalPower => 6.0,
        Stack::Cement => 10.0,
        Stack::Furnace => 9.0,
    }
}

/// One device's value generator.
#[derive(Debug, Clone)]
pub struct Model {
    kind: DeviceKind,
    key: u64,
    city: u64,
    params: Vec<Param>,
    reference_o2: Option<f64>,
    /// Daily probabilities of a fault, a communication gap and (sources) an exceedance.
    fault_p: f64,
    gap_p: f64,
    exceed_p: f64,
}

/// One instant's readings: the instrument's status and a value per factor (in [`DeviceKind::factors`] order).
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// What the instrument was doing.
    pub status: Status,
    /// Values, in the kind's factor order.
    pub values: Vec<f64>,
}

/// An interval's statistics for one factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// Mean of the valid samples (of all samples when none was valid).
    pub avg: f64,
    /// Minimum.
    pub min: f64,
    /// Maximum.
    pub max: f64,
    /// Cumulative amount over the interval: kg for pollutants, m³ for flows (when the factor has one).
    pub cou: Option<f64>,
}

/// An interval's statistics for every factor and the interval's flag.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// `N` when at least 75 % of samples were normal (HJ 212-2017 Appendix C note), else the most frequent
    /// other status.
    pub status: Status,
    /// Statistics per factor, in the kind's factor order.
    pub factors: Vec<Stats>,
    /// Converted (折算) mean/min/max per factor for flue-gas pollutants (`None` elsewhere).
    pub converted: Vec<Option<(f64, f64, f64)>>,
    /// Hours of the interval the facility ran normally.
    pub running_hours: f64,
}

/// Local (Beijing) calendar position of a unix time.
struct Civil {
    day: i64,
    month_pos: f64,
    hour_pos: f64,
    seconds_of_day: i64,
}

fn civil(t: i64) -> Civil {
    let local = t + BEIJING_OFFSET_S;
    let day = local.div_euclid(DAY);
    let sod = local.rem_euclid(DAY);
    let ts = hj212::Timestamp::from_unix_seconds(local, None);
    const DIM: [f64; 12] = [
        31.0, 28.25, 31.0, 30.0, 31.0, 30.0, 31.0, 31.0, 30.0, 31.0, 30.0, 31.0,
    ];
    let m = usize::from(ts.month.clamp(1, 12)) - 1;
    let month_pos = m as f64 + (f64::from(ts.day) - 1.0 + sod as f64 / DAY as f64) / DIM[m] - 0.5;
    Civil {
        day,
        month_pos,
        hour_pos: sod as f64 / HOUR as f64 - 0.5,
        seconds_of_day: sod,
    }
}

impl Model {
    /// The generator of `spec`'s values for `seed`.
    pub fn new(spec: &DeviceSpec, seed: u64) -> Model {
        let key = hash(&[seed, text(&spec.site_id), text(&spec.mn)]);
        let city = hash(&[seed, text("city")]);
        let (params, reference_o2) = params(spec, key);
        let source = matches!(
            spec.kind,
            DeviceKind::FlueGasOutlet | DeviceKind::WastewaterOutlet
        );
        Model {
            kind: spec.kind,
            key,
            city,
            params,
            reference_o2,
            fault_p: 0.006,
            gap_p: 0.01,
            exceed_p: if source { 0.03 } else { 0.0 },
        }
    }

    /// The device kind.
    pub fn kind(&self) -> DeviceKind {
        self.kind
    }

    fn event(&self, name: &str, day: i64) -> u64 {
        hash(&[self.key, text(name), day as u64])
    }

    /// A random episode starting on `day` with probability `p`: (start, end) in local seconds of `day`.
    fn episode(&self, name: &str, day: i64, p: f64, max_hours: i64) -> Option<(i64, i64)> {
        let h = self.event(name, day);
        if unit(h) >= p {
            return None;
        }
        let start = (unit(crate::rng::mix(h)) * DAY as f64) as i64;
        let len = HOUR + (crate::rng::mix(h ^ 1) % (max_hours as u64 * HOUR as u64)) as i64;
        Some((start, start + len))
    }

    /// Whether local time `sod` of `day` falls in an episode that started on `day` or the day before.
    fn in_episode(&self, name: &str, day: i64, sod: i64, p: f64, max_hours: i64) -> bool {
        [(day, sod), (day - 1, sod + DAY)].iter().any(|&(d, s)| {
            self.episode(name, d, p, max_hours)
                .is_some_and(|(a, b)| s >= a && s < b)
        })
    }

    fn calibration_day(&self, day: i64) -> bool {
        (day + (self.key % 7) as i64).rem_euclid(7) == 0
    }

    fn calibration_hour(&self) -> i64 {
        1 + ((self.key >> 8) % 4) as i64
    }

    /// The instrument's status at unix time `t`.
    pub fn status(&self, t: i64) -> Status {
        let c = civil(t);
        self.status_at(&c)
    }

    fn status_at(&self, c: &Civil) -> Status {
        let hour = c.seconds_of_day / HOUR;
        if self.in_episode("fault", c.day, c.seconds_of_day, self.fault_p, 18) {
            return Status::Fault;
        }
        if self.calibration_day(c.day) && hour == self.calibration_hour() {
            return Status::Calibration;
        }
        let maint_start = 9 + ((self.key >> 16) % 3) as i64;
        if (c.day + ((self.key >> 24) % 30) as i64).rem_euclid(30) == 0
            && hour >= maint_start
            && hour < maint_start + 2 + ((self.key >> 32) % 2) as i64
        {
            return Status::Maintenance;
        }
        Status::Normal
    }

    /// Whether the link to the platform is down at `t` (a communication gap: nothing is sent).
    pub fn offline(&self, t: i64) -> bool {
        let c = civil(t);
        self.in_episode("gap", c.day, c.seconds_of_day, self.gap_p, 6)
    }

    /// Relative drift of the analysers since the last weekly calibration.
    fn drift(&self, c: &Civil) -> f64 {
        let since_cal = (c.day + (self.key % 7) as i64).rem_euclid(7);
        let mut cal_day = c.day - since_cal;
        if since_cal == 0 && c.seconds_of_day < self.calibration_hour() * HOUR {
            cal_day -= 7;
        }
        let elapsed = (c.day - cal_day) * DAY + c.seconds_of_day - self.calibration_hour() * HOUR;
        let rate = 0.03 * gauss(self.event("drift", cal_day));
        rate * elapsed as f64 / (7 * DAY) as f64
    }

    /// Multiplier of emitted pollutants during an exceedance episode (1 outside).
    fn exceedance(&self, c: &Civil) -> f64 {
        if self.exceed_p == 0.0 {
            return 1.0;
        }
        for (d, s) in [
            (c.day, c.seconds_of_day),
            (c.day - 1, c.seconds_of_day + DAY),
        ] {
            if let Some((a, b)) = self.episode("exceed", d, self.exceed_p, 4)
                && s >= a
                && s < b
            {
                return 1.8 + 1.4 * unit(self.event("exceed-size", d));
            }
        }
        1.0
    }

    /// Every factor's value at `t` and the instrument's status.
    pub fn reading(&self, t: i64) -> Reading {
        let c = civil(t);
        let status = self.status_at(&c);
        let values = self.values_at(t, &c, status);
        Reading { status, values }
    }

    fn values_at(&self, t: i64, c: &Civil, status: Status) -> Vec<f64> {
        let tf = t as f64;
        let drift = self.drift(c);
        let exceed = self.exceedance(c);
        let city_days = 0.8 * smooth_noise(self.city, tf, 2.5 * DAY as f64);
        let city_day = 0.6 * smooth_noise(self.city ^ 1, tf, 1.2 * DAY as f64);
        self.params
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let i = i as u64;
                let season = cyclic(&p.monthly, c.month_pos) * cyclic(&p.diurnal, c.hour_pos);
                let shared = p.shared.map_or(0.0, |(k, s)| {
                    // City field: a multi-day weather system plus day-to-day variation; `k` decorrelates
                    // fields partly (photochemistry vs dispersion).
                    let own = smooth_noise(self.city ^ k, tf, 2.0 * DAY as f64);
                    s * (0.85 * (city_days + city_day) + 0.527 * own)
                });
                let local = p.local * smooth_noise(self.key ^ (i << 1), tf, 3.0 * DAY as f64);
                let hourly =
                    p.hourly * smooth_noise(self.key ^ (i << 1 | 1), tf, 3.0 * HOUR as f64);
                let white = p.white * gauss(hash(&[self.key, i, t as u64]));
                let shared_var = p.shared.map_or(0.0, |(_, s)| s * s);
                let var = shared_var + p.local * p.local + p.hourly * p.hourly + p.white * p.white;
                let mut v = if p.additive {
                    p.level * season + shared + local + hourly + white
                } else {
                    p.level
                        * season
                        * (shared + local + hourly + white - var / 2.0).exp()
                        * (1.0 + drift)
                };
                if p.emitted {
                    v *= exceed;
                }
                v = v.clamp(p.min, p.max);
                match status {
                    Status::Normal => v,
                    // Span gas, a zeroed analyser, a dead instrument.
                    Status::Calibration if !p.additive => p.level * 2.5,
                    Status::Maintenance if !p.additive => p.level * 0.05,
                    Status::Fault => 0.0,
                    _ => v,
                }
            })
            .collect()
    }

    /// Converted (折算) concentration at the reference O2, for flue-gas pollutants.
    pub fn converted(&self, concentration: f64, o2: f64) -> Option<f64> {
        self.reference_o2
            .map(|r| concentration * (21.0 - r) / (21.0 - o2.min(19.5)))
    }

    /// Statistics over `[from, to)` from samples every `step` seconds (at the middle of each step).
    pub fn aggregate(&self, from: i64, to: i64, step: i64) -> Aggregate {
        let factors = self.kind.factors();
        let n = factors.len();
        let step = step.max(1);
        let mut count = [0usize; 4];
        let mut sum_valid = vec![0.0; n];
        let mut sum_all = vec![0.0; n];
        let mut min = vec![f64::INFINITY; n];
        let mut max = vec![f64::NEG_INFINITY; n];
        let mut cou = vec![0.0; n];
        let mut zs = vec![(0.0, f64::INFINITY, f64::NEG_INFINITY); n];
        let mut samples = 0usize;
        let flow_index = factors.iter().position(|f| f.code.ends_with("00000"));
        let o2_index = factors.iter().position(|f| f.code == "a19001");
        let mut t = from + step / 2;
        while t < to {
            let r = self.reading(t);
            samples += 1;
            count[r.status as usize] += 1;
            let flow = flow_index.map_or(0.0, |i| r.values[i]);
            for (i, &v) in r.values.iter().enumerate() {
                if r.status == Status::Normal {
                    sum_valid[i] += v;
                }
                sum_all[i] += v;
                min[i] = min[i].min(v);
                max[i] = max[i].max(v);
                if factors[i].cumulative {
                    cou[i] += match (self.kind, Some(i) == flow_index) {
                        // m³/s × s = m³; mg/m³ × m³/s × s = mg → kg.
                        (DeviceKind::FlueGasOutlet, true) => v * step as f64,
                        (DeviceKind::FlueGasOutlet, false) => v * flow * step as f64 * 1e-6,
                        // L/s × s = L → m³; mg/L × L/s × s = mg → kg.
                        (_, true) => v * step as f64 * 1e-3,
                        (_, false) => v * flow * step as f64 * 1e-6,
                    };
                }
                if factors[i].converted
                    && let Some(o2) = o2_index.map(|k| r.values[k])
                    && let Some(z) = self.converted(v, o2)
                {
                    zs[i].0 += z;
                    zs[i].1 = zs[i].1.min(z);
                    zs[i].2 = zs[i].2.max(z);
                }
            }
            t += step;
        }
        let normal = count[Status::Normal as usize];
        let status = if samples == 0 || normal * 4 >= samples * 3 {
            Status::Normal
        } else {
            [Status::Calibration, Status::Maintenance, Status::Fault]
                .into_iter()
                .max_by_key(|s| count[*s as usize])
                .unwrap_or(Status::Fault)
        };
        let samples_f = samples.max(1) as f64;
        let stats = (0..n)
            .map(|i| Stats {
                avg: if normal > 0 {
                    sum_valid[i] / normal as f64
                } else {
                    sum_all[i] / samples_f
                },
                min: if samples > 0 { min[i] } else { 0.0 },
                max: if samples > 0 { max[i] } else { 0.0 },
                cou: factors[i].cumulative.then_some(cou[i]),
            })
            .collect();
        let converted = (0..n)
            .map(|i| {
                (factors[i].converted && samples > 0 && self.reference_o2.is_some())
                    .then(|| (zs[i].0 / samples_f, zs[i].1, zs[i].2))
            })
            .collect();
        Aggregate {
            status,
            factors: stats,
            converted,
            running_hours: ((to - from) as f64 / HOUR as f64)
                * (samples - count[Status::Fault as usize]) as f64
                / samples_f,
        }
    }
}

/// Factor parameters for a device, in the kind's factor order, and the reference O2 of a stack.
fn params(spec: &DeviceSpec, key: u64) -> (Vec<Param>, Option<f64>) {
    // A device's own persistent offset (siting, instrument): a few per cent.
    let own = |i: u64| 1.0 + 0.05 * gauss(hash(&[key, text("own"), i]));
    match spec.character {
        Character::Air { pm_scale } => (air(pm_scale), None),
        Character::Water { class, reservoir } => (water(class, reservoir, own(0)), None),
        Character::Stack(stack) => (flue_gas(stack, own(0), own(1)), Some(reference_o2(stack))),
        Character::Effluent { m3_per_day, mine } => (effluent(m3_per_day * own(2), mine), None),
    }
}

fn air(pm_scale: f64) -> Vec<Param> {
    let pm_sigma = cal::PM_SHARED_SIGMA;
    let pm25 = Param::multiplicative(cal::pm25_level() * pm_scale, 0.1, 0.22, 0.06)
        .monthly(cal::PM25_MONTHLY)
        .diurnal(cal::PM25_DIURNAL)
        .shared("dispersion", pm_sigma);
    let pm10 = Param::multiplicative(cal::pm10_level() * pm_scale.sqrt(), 0.1, 0.22, 0.07)
        .monthly(cal::PM10_MONTHLY)
        .diurnal(cal::PM10_DIURNAL)
        .shared("dispersion", pm_sigma * 0.95);
    let so2 = Param::multiplicative(cal::SO2_ANNUAL * pm_scale.sqrt(), 0.15, 0.25, 0.08)
        .monthly(cal::PM10_MONTHLY)
        .diurnal(cal::SO2_DIURNAL)
        .shared("dispersion", 0.25);
    let no2 = Param::multiplicative(cal::NO2_ANNUAL * pm_scale.sqrt(), 0.12, 0.22, 0.08)
        .monthly(cal::PM10_MONTHLY)
        .diurnal(cal::NO2_DIURNAL)
        .shared("dispersion", 0.25);
    let co = Param::multiplicative(cal::CO_LEVEL, 0.08, 0.15, 0.05)
        .monthly(cal::PM10_MONTHLY)
        .diurnal(cal::CO_DIURNAL)
        .shared("dispersion", 0.2);
    let o3 = Param::multiplicative(cal::o3_level(), 0.04, 0.1, 0.05)
        .monthly(cal::O3_8H_MONTHLY)
        .diurnal(cal::O3_DIURNAL)
        .shared("photochemistry", cal::O3_SHARED_SIGMA);
    vec![pm25, pm10, so2, no2, co, o3]
}

fn water(class: u8, reservoir: bool, own: f64) -> Vec<Param> {
    let c = usize::from(class.clamp(1, 5)) - 1;
    // Typical levels by GB 3838 class: DO, CODMn, NH3-N, TP (river / reservoir), TN.
    const DO: [f64; 5] = [8.2, 7.6, 6.4, 4.6, 3.2];
    const CODMN: [f64; 5] = [1.4, 2.6, 4.6, 7.8, 11.5];
    const NH3N: [f64; 5] = [0.09, 0.32, 0.7, 1.2, 1.75];
    const TP_RIVER: [f64; 5] = [0.015, 0.06, 0.13, 0.23, 0.33];
    const TP_LAKE: [f64; 5] = [0.008, 0.018, 0.035, 0.07, 0.13];
    const TN: [f64; 5] = [0.3, 0.6, 0.95, 1.4, 1.9];
    // Wet season (Jun–Sep) washes nutrients in; DO is higher in the cold months.
    const RUNOFF: [f64; 12] = [
        0.85, 0.85, 0.9, 0.95, 1.05, 1.2, 1.25, 1.2, 1.1, 1.0, 0.9, 0.85,
    ];
    const COLD: [f64; 12] = [
        1.12, 1.1, 1.04, 0.98, 0.94, 0.9, 0.88, 0.88, 0.92, 0.98, 1.04, 1.1,
    ];
    let photosynthesis: [f64; 24] = std::array::from_fn(|h| {
        1.0 + 0.08 * ((h as f64 - 9.0) / 24.0 * std::f64::consts::TAU).sin()
    });
    let ph = Param::additive(
        if class >= 4 { 7.3 } else { 7.7 },
        0.15,
        0.05,
        0.02,
        6.0,
        9.5,
    )
    .diurnal(std::array::from_fn(|h| photosynthesis[h]));
    let tn = if reservoir { TN[c] * 1.3 } else { TN[c] };
    let tp = if reservoir { TP_LAKE[c] } else { TP_RIVER[c] };
    vec![
        ph,
        Param::multiplicative(DO[c], 0.08, 0.04, 0.02)
            .monthly(COLD)
            .diurnal(photosynthesis),
        Param::multiplicative(CODMN[c] * own, 0.2, 0.05, 0.03).monthly(RUNOFF),
        Param::multiplicative(NH3N[c] * own, 0.3, 0.08, 0.04).monthly(RUNOFF),
        Param::multiplicative(tp * own, 0.25, 0.06, 0.03).monthly(RUNOFF),
        Param::multiplicative(tn * own, 0.2, 0.05, 0.03).monthly(RUNOFF),
    ]
}

fn flue_gas(stack: Stack, own: f64, size: f64) -> Vec<Param> {
    // SO2, NOx, dust (mg/m³), O2 %, temperature °C, velocity m/s, duct area m².
    let (so2, nox, dust, o2, temp, velocity, area) = match stack {
        Stack::CoalPower => (18.0, 32.0, 2.6, 6.2, 48.0, 14.0, 30.0),
        Stack::Cement => (28.0, 210.0, 8.5, 10.8, 112.0, 12.0, 12.0),
        Stack::Furnace => (60.0, 120.0, 7.5, 14.5, 88.0, 10.0, 5.0),
    };
    // Power units follow the grid's demand; kilns and furnaces run flat out.
    let load: [f64; 24] = match stack {
        Stack::CoalPower => [
            0.78, 0.75, 0.73, 0.72, 0.72, 0.74, 0.8, 0.88, 0.95, 1.0, 1.03, 1.04, 1.0, 0.98, 1.0,
            1.02, 1.03, 1.05, 1.08, 1.1, 1.08, 1.02, 0.93, 0.85,
        ],
        _ => [1.0; 24],
    };
    let area = area * size;
    vec![
        Param::multiplicative(so2 * own, 0.15, 0.12, 0.05).emitted(),
        Param::multiplicative(nox * own, 0.12, 0.1, 0.04).emitted(),
        Param::multiplicative(dust * own, 0.2, 0.15, 0.06).emitted(),
        Param::additive(o2, 0.3, 0.3, 0.1, 2.0, 20.0),
        Param::additive(temp, 2.0, 1.5, 0.3, 0.0, 400.0),
        Param::multiplicative(velocity, 0.05, 0.03, 0.01).diurnal(load),
        Param::multiplicative(velocity * area, 0.05, 0.03, 0.01).diurnal(load),
    ]
}

fn effluent(m3_per_day: f64, mine: bool) -> Vec<Param> {
    let (cod, nh3n, ph) = if mine {
        (16.0, 0.45, 7.9)
    } else {
        (21.0, 1.1, 7.1)
    };
    // Sewage inflow peaks mid-morning and evening; mine water is pumped steadily.
    let inflow: [f64; 24] = if mine {
        [1.0; 24]
    } else {
        [
            0.85, 0.78, 0.72, 0.68, 0.68, 0.72, 0.82, 0.95, 1.08, 1.16, 1.2, 1.18, 1.12, 1.06,
            1.02, 1.0, 1.02, 1.06, 1.12, 1.16, 1.14, 1.08, 1.0, 0.92,
        ]
    };
    vec![
        Param::multiplicative(cod, 0.15, 0.1, 0.05).emitted(),
        Param::multiplicative(nh3n, 0.25, 0.12, 0.05).emitted(),
        Param::additive(ph, 0.1, 0.06, 0.02, 5.5, 9.5),
        Param::multiplicative(m3_per_day / 86.4, 0.08, 0.05, 0.02).diurnal(inflow),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::{Profile, fleet};

    #[test]
    fn values_are_pure_functions_of_seed_device_and_time() {
        let devices = fleet(42, 56, Profile::Demo);
        let t = 1_700_000_000;
        for d in &devices {
            let a = Model::new(d, 42).reading(t);
            assert_eq!(a, Model::new(d, 42).reading(t));
            assert!(
                a.values.iter().all(|v| v.is_finite() && *v >= 0.0),
                "{d:?} {a:?}"
            );
        }
        let m = Model::new(&devices[0], 42);
        assert_ne!(
            m.reading(t).values,
            Model::new(&devices[0], 43).reading(t).values
        );
        let hour = m.aggregate(t - t % 3600, t - t % 3600 + 3600, 300);
        assert_eq!(hour.factors.len(), 6);
    }

    #[test]
    fn a_year_shows_every_status_gaps_and_exceedances() {
        let devices = fleet(5, 56, Profile::Demo);
        let start = 1_546_272_000; // 2019-01-01 00:00 Beijing
        let stack = devices.iter().find(|d| d.site_id == "S01").unwrap();
        let m = Model::new(stack, 5);
        let mut seen = std::collections::HashSet::new();
        let mut offline = 0;
        let mut over = 0;
        for h in 0..8760 {
            let t = start + h * 3600 + 1800;
            let r = m.reading(t);
            seen.insert(r.status);
            offline += usize::from(m.offline(t));
            over += usize::from(r.status == Status::Normal && r.values[0] > 35.0);
        }
        assert_eq!(seen.len(), 4, "{seen:?}");
        assert!((20..400).contains(&offline), "{offline} offline hours");
        assert!((10..600).contains(&over), "{over} hours over the SO2 limit");
    }
}
