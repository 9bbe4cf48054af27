//! Ambient air quality evaluation: GB 3095 limits and HJ 663-2013 statistics.
//!
//! Inside, in the order an annual evaluation runs:
//! - [`Gb3095`] (2012 / 2026 transitional / 2026 final, chosen by date), [`Grade`], [`Period`] and
//!   [`limit`]: GB 3095 Table 1;
//! - data validity and aggregation (GB 3095 Table 4): [`daily_mean`], [`o3_8h_moving_mean`],
//!   [`daily_max_8h`], [`daily_readings`] (a day of hours → daily AQI inputs), [`month_has_enough_days`],
//!   [`annual_validity`]; city values from stations: [`spatial_mean`], [`city_hourly_readings`],
//!   [`city_daily_readings`];
//! - HJ 663-2013 annual statistics: [`percentile`], [`annual_statistic`];
//! - judgements: [`daily_attainment`] and [`annual_attainment`] ("attains the standard", 达标),
//!   [`good_day_ratio`] ("good day", 优良: AQI ≤ 100) — two different questions kept apart, because from
//!   2031 an AQI ≤ 100 no longer implies Grade II attainment —, and the [`comprehensive_index`].
//!
//! HJ 663-2026 replaced HJ 663-2013 on 2026-03-01, but its text was not available: the HJ 663 rules here
//! are the 2013 ones, with the limits of the GB 3095 in force.

use jiff::civil::{Date, date};

use crate::Decimal;
use crate::aqi::{DailyReadings, HourlyReadings};
use crate::pollutant::{Concentration, Pollutant};

/// The GB 3095 limit set in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Gb3095 {
    /// GB 3095-2012 (with its 2018 amendment), until 2026-02-28.
    V2012,
    /// GB 3095-2026 transitional limits (过渡阶段), 2026-03-01 … 2030-12-31.
    V2026Transitional,
    /// GB 3095-2026 final limits, from 2031-01-01.
    V2026Final,
}

impl Gb3095 {
    /// The limit set in force on `day` (GB 3095-2026 cover and Table 1 headings).
    pub fn in_force_on(day: Date) -> Gb3095 {
        if day < date(2026, 3, 1) {
            Gb3095::V2012
        } else if day < date(2031, 1, 1) {
            Gb3095::V2026Transitional
        } else {
            Gb3095::V2026Final
        }
    }

    /// `GB 3095-2012`, `GB 3095-2026 (transitional)`, `GB 3095-2026 (final)`.
    pub fn name(self) -> &'static str {
        match self {
            Gb3095::V2012 => "GB 3095-2012",
            Gb3095::V2026Transitional => "GB 3095-2026 (transitional)",
            Gb3095::V2026Final => "GB 3095-2026 (final)",
        }
    }
}

/// The grade of limits (GB 3095 §4, 环境空气功能区: Grade I for class-1 areas such as nature reserves, Grade II for
/// residential, commercial, industrial and rural areas).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Grade {
    /// 一级浓度限值.
    I,
    /// 二级浓度限值.
    II,
}

/// An averaging period of GB 3095 Table 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    /// Annual mean (年平均).
    Annual,
    /// 24-hour mean (24小时平均).
    Day,
    /// Daily maximum 8-hour mean (日最大8小时平均), O₃ only.
    DailyMax8h,
    /// 1-hour mean (1小时平均).
    Hour,
}

/// The limit of `pollutant` over `period` (µg/m³; CO mg/m³), or `None` where Table 1 sets none
/// (e.g. CO annual, O₃ annual).
///
/// GB 3095-2012 Table 1; GB 3095-2026 Table 1, transitional (left block) and final (right block).
pub fn limit(
    standard: Gb3095,
    grade: Grade,
    pollutant: Pollutant,
    period: Period,
) -> Option<Concentration> {
    let row = LIMITS
        .iter()
        .find(|row| row.pollutant == pollutant && row.period == period)?;
    let pair = match standard {
        Gb3095::V2012 => row.v2012,
        Gb3095::V2026Transitional => row.transitional,
        Gb3095::V2026Final => row.final_,
    };
    Some(Concentration::from_int(match grade {
        Grade::I => pair.0,
        Grade::II => pair.1,
    }))
}

struct LimitRow {
    pollutant: Pollutant,
    period: Period,
    /// (Grade I, Grade II)
    v2012: (u32, u32),
    transitional: (u32, u32),
    final_: (u32, u32),
}

const fn row(
    pollutant: Pollutant,
    period: Period,
    v2012: (u32, u32),
    transitional: (u32, u32),
    final_: (u32, u32),
) -> LimitRow {
    LimitRow {
        pollutant,
        period,
        v2012,
        transitional,
        final_,
    }
}

/// GB 3095-2012 Table 1 and GB 3095-2026 Table 1 (basic items).
const LIMITS: [LimitRow; 14] = {
    use Period::*;
    use Pollutant::*;
    [
        row(So2, Annual, (20, 60), (20, 60), (20, 20)),
        row(So2, Day, (50, 150), (50, 150), (50, 50)),
        row(So2, Hour, (150, 500), (150, 500), (150, 150)),
        row(No2, Annual, (40, 40), (40, 40), (30, 30)),
        row(No2, Day, (80, 80), (80, 80), (50, 50)),
        row(No2, Hour, (200, 200), (200, 200), (200, 200)),
        row(Co, Day, (4, 4), (4, 4), (4, 4)),
        row(Co, Hour, (10, 10), (10, 10), (10, 10)),
        row(O3, DailyMax8h, (100, 160), (100, 160), (100, 160)),
        row(O3, Hour, (160, 200), (160, 200), (160, 200)),
        row(Pm10, Annual, (40, 70), (40, 60), (20, 50)),
        row(Pm10, Day, (50, 150), (50, 120), (50, 100)),
        row(Pm2_5, Annual, (15, 35), (15, 30), (10, 25)),
        row(Pm2_5, Day, (35, 75), (35, 60), (25, 50)),
    ]
};

/// Why a statistic could not be formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InsufficientData {
    /// Fewer valid values than the rule requires.
    #[error("{statistic} needs at least {required} valid values, got {got}")]
    TooFewValues {
        /// Which statistic.
        statistic: &'static str,
        /// Minimum required.
        required: usize,
        /// How many there were.
        got: usize,
    },
}

/// Minimum minutes of valid sampling for a 1-hour mean (GB 3095 Table 4: ≥ 45 minutes in the hour).
pub const MIN_MINUTES_PER_HOUR: usize = 45;
/// Minimum hourly values for a 24-hour mean of SO₂, NO₂, CO, PM10, PM2.5 (GB 3095 Table 4: ≥ 20).
pub const MIN_HOURS_PER_DAY: usize = 20;
/// Minimum hourly values in an O₃ 8-hour window (GB 3095 Table 4: ≥ 6).
pub const MIN_HOURS_PER_8H_WINDOW: usize = 6;
/// Minimum valid 8-hour means for the daily maximum 8-hour O₃ (HJ 663-2013: ≥ 14 of the 17 windows).
pub const MIN_WINDOWS_PER_DAY: usize = 14;
/// Minimum daily values per year for an annual statistic (GB 3095 Table 4: ≥ 324).
pub const MIN_DAYS_PER_YEAR: usize = 324;

fn mean(values: &[Concentration]) -> Concentration {
    let sum: Decimal = values.iter().map(|c| c.value()).sum();
    let n = Decimal::from_int(values.len() as i64);
    // A non-negative sum over a positive count (callers never pass an empty slice).
    Concentration::from_non_negative(sum.div(n).unwrap_or(Decimal::ZERO))
}

/// The 24-hour mean of a natural day's hourly values (GB 3095 Table 4: valid with ≥ 20 hourly values).
///
/// `hours` holds the day's hourly means, `None` where missing; the mean is over the values present, exact
/// to six decimal places (half to even). Reporting precision is the caller's.
pub fn daily_mean(hours: &[Option<Concentration>]) -> Result<Concentration, InsufficientData> {
    let present: Vec<Concentration> = hours.iter().flatten().copied().collect();
    if present.len() < MIN_HOURS_PER_DAY {
        return Err(InsufficientData::TooFewValues {
            statistic: "24-hour mean",
            required: MIN_HOURS_PER_DAY,
            got: present.len(),
        });
    }
    Ok(mean(&present))
}

/// The O₃ 8-hour moving mean labelled by the hour ending the window: the mean of the eight hourly values
/// `hours[end-7..=end]` (HJ 663-2013 Table A.1 as quoted by GB/T 34302-2017), valid with ≥ 6 of them
/// (GB 3095 Table 4). `None` when `end < 7` or fewer than 6 values are present.
pub fn o3_8h_moving_mean(hours: &[Option<Concentration>], end: usize) -> Option<Concentration> {
    if end < 7 || end >= hours.len() {
        return None;
    }
    let present: Vec<Concentration> = hours[end - 7..=end].iter().flatten().copied().collect();
    (present.len() >= MIN_HOURS_PER_8H_WINDOW).then(|| mean(&present))
}

/// The daily maximum 8-hour O₃ mean (日最大8小时平均) and how it was judged valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DailyMax8h {
    /// The maximum over the valid windows.
    pub value: Concentration,
    /// How many of the 17 windows were valid.
    pub valid_windows: usize,
}

/// The daily maximum 8-hour O₃ mean of a natural day (HJ 663-2013; GB 3095 Table 4).
///
/// `hours[i]` is the 1-hour mean of the day's hour `i:00–(i+1):00`. The 17 windows end at 08:00 … 24:00
/// (`hours[0..=7]` … `hours[16..=23]`), so none crosses midnight; each needs ≥ 6 values. The maximum is
/// valid with ≥ 14 valid windows, or with fewer when it already exceeds `exceedance_limit` (pass the
/// 8-hour limit being judged, e.g. [`limit`]`(.., Grade::II, O3, DailyMax8h)` = 160): missing hours could
/// only raise the maximum.
pub fn daily_max_8h(
    hours: &[Option<Concentration>; 24],
    exceedance_limit: Concentration,
) -> Result<DailyMax8h, InsufficientData> {
    let windows: Vec<Concentration> = (7..24)
        .filter_map(|end| o3_8h_moving_mean(hours, end))
        .collect();
    let too_few = InsufficientData::TooFewValues {
        statistic: "daily maximum 8-hour O3",
        required: MIN_WINDOWS_PER_DAY,
        got: windows.len(),
    };
    let Some(max) = windows.iter().copied().max() else {
        return Err(too_few);
    };
    if windows.len() >= MIN_WINDOWS_PER_DAY || max > exceedance_limit {
        Ok(DailyMax8h {
            value: max,
            valid_windows: windows.len(),
        })
    } else {
        Err(too_few)
    }
}

/// A natural day's daily-report inputs from its 24 hourly readings (only their 1-hour fields are read):
/// 24-hour means of SO₂, NO₂, CO, PM10 and PM2.5 with ≥ 20 hours each ([`daily_mean`]), the O₃ daily
/// maximum 8-hour mean ([`daily_max_8h`], validity judged against the Grade II 8-hour limit of the
/// GB 3095 in force on `day`) and the O₃ daily maximum 1-hour mean. GB 3095 Table 4 sets no minimum for
/// the daily maximum 1-hour value; this function asks for the same ≥ 20 hours as a daily mean (a policy
/// choice: with fewer hours the true maximum may be missing). `hours[i]` is the hour `i:00–(i+1):00`;
/// in CNEMC's labelling, where an hour is labelled by its end, that is label `i + 1` (label 24 being the
/// next day's 0).
pub fn daily_readings(day: Date, hours: &[HourlyReadings; 24]) -> DailyReadings {
    let series =
        |get: fn(&HourlyReadings) -> Option<Concentration>| -> [Option<Concentration>; 24] {
            std::array::from_fn(|h| get(&hours[h]))
        };
    let o3 = series(|r| r.o3);
    let o3_present = o3.iter().flatten().count();
    let o3_limit = limit(
        Gb3095::in_force_on(day),
        Grade::II,
        Pollutant::O3,
        Period::DailyMax8h,
    )
    .unwrap_or(Concentration::from_int(160));
    DailyReadings {
        so2: daily_mean(&series(|r| r.so2)).ok(),
        no2: daily_mean(&series(|r| r.no2)).ok(),
        co: daily_mean(&series(|r| r.co)).ok(),
        o3_1h_max: (o3_present >= MIN_HOURS_PER_DAY)
            .then(|| o3.iter().flatten().max().copied())
            .flatten(),
        o3_8h_max: daily_max_8h(&o3, o3_limit).ok().map(|m| m.value),
        pm10: daily_mean(&series(|r| r.pm10)).ok(),
        pm2_5: daily_mean(&series(|r| r.pm2_5)).ok(),
    }
}

/// The arithmetic mean of the values present (`None` when none is): how a city's (or region's)
/// concentration is formed from its stations' (HJ 663-2013 city-scale evaluation; the text was not
/// available here, the rule is the one national and provincial bulletins describe). Exact to six places.
pub fn spatial_mean(
    values: impl IntoIterator<Item = Option<Concentration>>,
) -> Option<Concentration> {
    let present: Vec<Concentration> = values.into_iter().flatten().collect();
    (!present.is_empty()).then(|| mean(&present))
}

/// A city's hourly readings from its stations': every field the [`spatial_mean`] over the stations
/// that have it. Evaluate it with [`crate::aqi::hourly_aqi`] for the city's real-time AQI.
pub fn city_hourly_readings(stations: &[HourlyReadings]) -> HourlyReadings {
    let m = |f: fn(&HourlyReadings) -> Option<Concentration>| spatial_mean(stations.iter().map(f));
    HourlyReadings {
        so2: m(|r| r.so2),
        no2: m(|r| r.no2),
        co: m(|r| r.co),
        o3: m(|r| r.o3),
        pm10: m(|r| r.pm10),
        pm2_5: m(|r| r.pm2_5),
        so2_24h: m(|r| r.so2_24h),
        o3_8h: m(|r| r.o3_8h),
        pm10_24h: m(|r| r.pm10_24h),
        pm2_5_24h: m(|r| r.pm2_5_24h),
    }
}

/// A city's daily inputs from its stations': every field the [`spatial_mean`] over the stations that
/// have it (the O₃ daily maxima too, as national practice averages the stations' daily values).
pub fn city_daily_readings(stations: &[DailyReadings]) -> DailyReadings {
    let m = |f: fn(&DailyReadings) -> Option<Concentration>| spatial_mean(stations.iter().map(f));
    DailyReadings {
        so2: m(|d| d.so2),
        no2: m(|d| d.no2),
        co: m(|d| d.co),
        o3_1h_max: m(|d| d.o3_1h_max),
        o3_8h_max: m(|d| d.o3_8h_max),
        pm10: m(|d| d.pm10),
        pm2_5: m(|d| d.pm2_5),
    }
}

/// Whether a month has enough daily values for an annual statistic (GB 3095 Table 4: ≥ 27 per month,
/// ≥ 25 in February).
pub fn month_has_enough_days(month: i8, valid_days: usize) -> bool {
    valid_days >= if month == 2 { 25 } else { 27 }
}

/// The data-validity verdict for a year of daily values (GB 3095 Table 4, annual statistics).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnualValidity {
    /// Valid daily values in the year.
    pub days: usize,
    /// Valid daily values per month, January first.
    pub per_month: [usize; 12],
    /// The months (1–12) short of their minimum.
    pub short_months: Vec<i8>,
    /// ≥ 324 days in the year and every month at its minimum.
    pub valid: bool,
}

/// Counts the distinct days with a valid daily value and checks GB 3095 Table 4 (≥ 324 per year, ≥ 27 per
/// month, ≥ 25 in February). Days outside `year` are ignored.
pub fn annual_validity(year: i16, days: impl IntoIterator<Item = Date>) -> AnnualValidity {
    let mut seen: Vec<Date> = days.into_iter().filter(|d| d.year() == year).collect();
    seen.sort();
    seen.dedup();
    let mut per_month = [0usize; 12];
    for d in &seen {
        per_month[d.month() as usize - 1] += 1;
    }
    let short_months: Vec<i8> = (1..=12)
        .filter(|m| !month_has_enough_days(*m, per_month[*m as usize - 1]))
        .collect();
    AnnualValidity {
        days: seen.len(),
        per_month,
        valid: seen.len() >= MIN_DAYS_PER_YEAR && short_months.is_empty(),
        short_months,
    }
}

/// The `p`-th percentile by HJ 663-2013 Appendix (formula A.1): sort ascending X₁ … Xₙ,
/// k = 1 + (n − 1)·p/100, s = ⌊k⌋, m = X_s + (X_{s+1} − X_s)(k − s). Exact to six places.
///
/// Equals numpy `percentile(method="linear")` and Excel `PERCENTILE.INC`. `None` for no values or p > 100.
pub fn percentile(values: &[Decimal], p: u8) -> Option<Decimal> {
    if values.is_empty() || p > 100 {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort();
    // (k − 1) = (n − 1)·p/100 = whole + fraction/100.
    let scaled = (sorted.len() - 1) * p as usize;
    let (whole, fraction) = (scaled / 100, scaled % 100);
    let low = sorted[whole];
    if fraction == 0 {
        return Some(low);
    }
    let high = sorted[whole + 1];
    let step = (high - low)
        .mul(Decimal::from_int(fraction as i64))
        .div(Decimal::from_int(100))?;
    Some(low + step)
}

/// One pollutant's annual statistics (HJ 663-2013 annual evaluation items and statistics).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnualStatistic {
    /// The pollutant.
    pub pollutant: Pollutant,
    /// Data validity of the daily values used.
    pub validity: AnnualValidity,
    /// Annual mean (SO₂, NO₂, PM10, PM2.5; `None` for CO and O₃, which have no annual limit).
    pub mean: Option<Concentration>,
    /// Which percentile: 98 (SO₂, NO₂), 95 (PM10, PM2.5, CO), 90 (O₃ daily max 8 h).
    pub percentile_rank: u8,
    /// That percentile of the daily values.
    pub percentile: Concentration,
}

/// The percentile HJ 663-2013 compares with the daily limit: 98th for SO₂ and NO₂ 24-hour means, 95th for
/// PM10, PM2.5 and CO 24-hour means, 90th for O₃ daily maximum 8-hour means.
pub fn percentile_rank(pollutant: Pollutant) -> u8 {
    match pollutant {
        Pollutant::So2 | Pollutant::No2 => 98,
        Pollutant::Pm10 | Pollutant::Pm2_5 | Pollutant::Co => 95,
        Pollutant::O3 => 90,
    }
}

/// The annual statistics of `pollutant` from its valid daily values of `year` (24-hour means; for O₃ the
/// daily maximum 8-hour means). `None` when there are no values in that year.
pub fn annual_statistic(
    pollutant: Pollutant,
    year: i16,
    daily: &[(Date, Concentration)],
) -> Option<AnnualStatistic> {
    let in_year: Vec<(Date, Concentration)> = daily
        .iter()
        .filter(|(d, _)| d.year() == year)
        .copied()
        .collect();
    if in_year.is_empty() {
        return None;
    }
    let values: Vec<Concentration> = in_year.iter().map(|(_, c)| *c).collect();
    let decimals: Vec<Decimal> = values.iter().map(|c| c.value()).collect();
    let rank = percentile_rank(pollutant);
    let pct = percentile(&decimals, rank)?;
    Some(AnnualStatistic {
        pollutant,
        validity: annual_validity(year, in_year.iter().map(|(d, _)| *d)),
        mean: matches!(
            pollutant,
            Pollutant::So2 | Pollutant::No2 | Pollutant::Pm10 | Pollutant::Pm2_5
        )
        .then(|| mean(&values)),
        percentile_rank: rank,
        percentile: Concentration::from_non_negative(pct),
    })
}

/// A judgement against a limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// At or below every limit judged (a value equal to the limit attains).
    Attains,
    /// Above at least one limit.
    Exceeds,
    /// Not enough valid data to judge (GB 3095 Table 4).
    InsufficientData,
}

/// One comparison: a statistic, its limit, and the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// The pollutant.
    pub pollutant: Pollutant,
    /// The averaging period of the limit.
    pub period: Period,
    /// The statistic compared.
    pub value: Concentration,
    /// The limit.
    pub limit: Concentration,
    /// `value / limit` (exceedance multiple is this minus one when above 1).
    pub ratio: Decimal,
    /// `value ≤ limit`.
    pub attains: bool,
}

fn compare(
    standard: Gb3095,
    grade: Grade,
    pollutant: Pollutant,
    period: Period,
    value: Concentration,
) -> Option<Comparison> {
    let limit = limit(standard, grade, pollutant, period)?;
    Some(Comparison {
        pollutant,
        period,
        value,
        limit,
        ratio: value.value().div(limit.value()).unwrap_or(Decimal::ZERO),
        attains: value <= limit,
    })
}

/// Whether a day attains the standard: every 24-hour mean within its 24-hour limit, the O₃ daily maximum
/// 8-hour mean within the 8-hour limit and the O₃ daily maximum 1-hour mean within the 1-hour limit
/// (GB 3095 Table 1; HJ 663-2013 daily evaluation). Missing indicators are not judged; with none
/// present the verdict is [`Verdict::InsufficientData`].
///
/// This is *not* the good-day question ([`good_day_ratio`]): under GB 3095-2026 final limits a PM2.5
/// day mean of 55 µg/m³ has AQI 90 (良) but exceeds the 50 µg/m³ limit.
pub fn daily_attainment(
    standard: Gb3095,
    grade: Grade,
    day: &DailyReadings,
) -> (Verdict, Vec<Comparison>) {
    let items = [
        (Pollutant::So2, Period::Day, day.so2),
        (Pollutant::No2, Period::Day, day.no2),
        (Pollutant::Co, Period::Day, day.co),
        (Pollutant::O3, Period::DailyMax8h, day.o3_8h_max),
        (Pollutant::O3, Period::Hour, day.o3_1h_max),
        (Pollutant::Pm10, Period::Day, day.pm10),
        (Pollutant::Pm2_5, Period::Day, day.pm2_5),
    ];
    let comparisons: Vec<Comparison> = items
        .into_iter()
        .filter_map(|(p, period, v)| compare(standard, grade, p, period, v?))
        .collect();
    (verdict_of(&comparisons, false), comparisons)
}

fn verdict_of(comparisons: &[Comparison], any_insufficient: bool) -> Verdict {
    if comparisons.iter().any(|c| !c.attains) {
        Verdict::Exceeds
    } else if any_insufficient || comparisons.is_empty() {
        Verdict::InsufficientData
    } else {
        Verdict::Attains
    }
}

/// One pollutant's annual attainment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PollutantAttainment {
    /// The pollutant.
    pub pollutant: Pollutant,
    /// The comparisons made (annual mean vs annual limit; percentile vs 24-hour or 8-hour limit).
    pub comparisons: Vec<Comparison>,
    /// The verdict.
    pub verdict: Verdict,
}

/// Annual attainment (HJ 663-2013 annual evaluation): a pollutant attains when its annual mean (SO₂, NO₂, PM10, PM2.5)
/// is within the annual limit **and** its percentile of daily values (see [`percentile_rank`]) is within
/// the 24-hour limit (O₃: the 90th percentile of daily max 8 h within the 8-hour limit). A station or city
/// attains when all six do. A statistic failing GB 3095 Table 4 validity gives
/// [`Verdict::InsufficientData`] unless some valid comparison already exceeds.
///
/// `standard` is the caller's choice for the period: [`Gb3095::in_force_on`] of its last day is the
/// natural one, but 2026 straddles the change (January–February under GB 3095-2012) and HJ 663-2026, which
/// would settle it, was not available.
pub fn annual_attainment(
    standard: Gb3095,
    grade: Grade,
    statistics: &[AnnualStatistic],
) -> (Verdict, Vec<PollutantAttainment>) {
    let mut per_pollutant = Vec::new();
    let mut any_insufficient = false;
    for pollutant in Pollutant::ALL {
        let Some(stat) = statistics.iter().find(|s| s.pollutant == pollutant) else {
            any_insufficient = true;
            per_pollutant.push(PollutantAttainment {
                pollutant,
                comparisons: Vec::new(),
                verdict: Verdict::InsufficientData,
            });
            continue;
        };
        let daily_period = if pollutant == Pollutant::O3 {
            Period::DailyMax8h
        } else {
            Period::Day
        };
        let comparisons: Vec<Comparison> = [
            stat.mean
                .and_then(|m| compare(standard, grade, pollutant, Period::Annual, m)),
            compare(standard, grade, pollutant, daily_period, stat.percentile),
        ]
        .into_iter()
        .flatten()
        .collect();
        let verdict = verdict_of(&comparisons, !stat.validity.valid);
        any_insufficient |= verdict == Verdict::InsufficientData;
        per_pollutant.push(PollutantAttainment {
            pollutant,
            comparisons,
            verdict,
        });
    }
    let overall = if per_pollutant.iter().any(|p| p.verdict == Verdict::Exceeds) {
        Verdict::Exceeds
    } else if any_insufficient {
        Verdict::InsufficientData
    } else {
        Verdict::Attains
    };
    (overall, per_pollutant)
}

/// The good-day ratio (优良天数比例) over a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoodDayRatio {
    /// Days with a daily AQI ≤ 100 (levels 1–2).
    pub good_days: usize,
    /// Days with a valid (publishable) daily AQI.
    pub valid_days: usize,
}

impl GoodDayRatio {
    /// `good_days / valid_days × 100`, exact to six places; `None` with no valid day.
    pub fn percent(self) -> Option<Decimal> {
        Decimal::from_int(self.good_days as i64 * 100)
            .div(Decimal::from_int(self.valid_days as i64))
    }
}

/// Counts good days: daily AQI ≤ 100 over days with a valid daily AQI (national practice on HJ 633 levels;
/// HJ 663-2013). Pass `None` for a day whose AQI could not be published (HJ 633-2026 §5.3: not a valid
/// day, see [`crate::aqi::AqiReport::publishable_aqi`]). Sand-and-dust and exceptional-event exclusions
/// are policy: filter the days before calling.
pub fn good_day_ratio(daily_aqi: impl IntoIterator<Item = Option<u16>>) -> GoodDayRatio {
    let (mut good_days, mut valid_days) = (0, 0);
    for aqi in daily_aqi.into_iter().flatten() {
        valid_days += 1;
        if aqi <= 100 {
            good_days += 1;
        }
    }
    GoodDayRatio {
        good_days,
        valid_days,
    }
}

/// Weights of the comprehensive index, one per pollutant. The published definitions found use none
/// (all 1, the [`Default`]); a weighted ranking variant (PM2.5 ×3, NO₂ ×2, O₃ ×2) is unverified, so it is
/// configuration, not code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Weights(pub [Decimal; 6]);

impl Default for Weights {
    fn default() -> Self {
        Weights([Decimal::from_int(1); 6])
    }
}

impl Weights {
    /// The weight of `pollutant`.
    pub fn of(&self, pollutant: Pollutant) -> Decimal {
        self.0[pollutant.index()]
    }
}

/// The period statistics the comprehensive index divides (µg/m³; CO mg/m³).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ComprehensiveInput {
    /// SO₂ period mean.
    pub so2_mean: Concentration,
    /// NO₂ period mean.
    pub no2_mean: Concentration,
    /// PM10 period mean.
    pub pm10_mean: Concentration,
    /// PM2.5 period mean.
    pub pm2_5_mean: Concentration,
    /// CO 95th percentile of daily means.
    pub co_p95: Concentration,
    /// O₃ 90th percentile of daily maximum 8-hour means.
    pub o3_p90: Concentration,
}

/// The comprehensive index and its parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ComprehensiveIndex {
    /// Iᵢ × weight for each pollutant, in [`Pollutant::ALL`] order.
    pub parts: [Decimal; 6],
    /// Σ of the parts.
    pub total: Decimal,
}

/// The ambient air quality comprehensive index (环境空气质量综合指数): I = Σ wᵢ·Cᵢ/Sᵢ over the six
/// pollutants; SO₂, NO₂, PM10, PM2.5: period mean ÷ annual Grade II limit; CO: 95th percentile ÷ 24-hour
/// Grade II limit; O₃: 90th percentile of daily max 8 h ÷ 8-hour Grade II limit (HJ 663-2013 practice as
/// published in provincial rankings). `standard` chooses the limits S (after 2026, transitional or final
/// is a policy choice). Parts are exact to six places; rounding for publication is the caller's.
pub fn comprehensive_index(
    standard: Gb3095,
    input: &ComprehensiveInput,
    weights: &Weights,
) -> ComprehensiveIndex {
    let items = [
        (Pollutant::So2, Period::Annual, input.so2_mean),
        (Pollutant::No2, Period::Annual, input.no2_mean),
        (Pollutant::Co, Period::Day, input.co_p95),
        (Pollutant::O3, Period::DailyMax8h, input.o3_p90),
        (Pollutant::Pm10, Period::Annual, input.pm10_mean),
        (Pollutant::Pm2_5, Period::Annual, input.pm2_5_mean),
    ];
    let mut parts = [Decimal::ZERO; 6];
    for (pollutant, period, value) in items {
        let s = limit(standard, Grade::II, pollutant, period)
            .expect("Table 1 has every limit used here");
        let i = value.value().div(s.value()).unwrap_or(Decimal::ZERO);
        parts[pollutant.index()] = i.mul(weights.of(pollutant));
    }
    ComprehensiveIndex {
        parts,
        total: parts.iter().copied().sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aqi::{AqiVersion, daily_aqi};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn c(n: u32) -> Concentration {
        Concentration::from_int(n)
    }

    #[test]
    fn limit_set_by_date() {
        assert_eq!(Gb3095::in_force_on(date(2026, 2, 28)), Gb3095::V2012);
        assert_eq!(
            Gb3095::in_force_on(date(2026, 3, 1)),
            Gb3095::V2026Transitional
        );
        assert_eq!(
            Gb3095::in_force_on(date(2030, 12, 31)),
            Gb3095::V2026Transitional
        );
        assert_eq!(Gb3095::in_force_on(date(2031, 1, 1)), Gb3095::V2026Final);
        let pm25_day = |s| limit(s, Grade::II, Pollutant::Pm2_5, Period::Day).unwrap();
        assert_eq!(pm25_day(Gb3095::V2012), c(75));
        assert_eq!(pm25_day(Gb3095::V2026Transitional), c(60));
        assert_eq!(pm25_day(Gb3095::V2026Final), c(50));
        assert_eq!(
            limit(Gb3095::V2012, Grade::II, Pollutant::Co, Period::Annual),
            None
        );
    }

    #[test]
    fn daily_mean_needs_20_hours() {
        let mut hours = vec![Some(c(10)); 19];
        hours.extend([None; 5]);
        assert!(daily_mean(&hours).is_err());
        hours[19] = Some(c(30));
        // (19 × 10 + 30) / 20 = 11
        assert_eq!(daily_mean(&hours).unwrap(), c(11));
        // 1/3 of a unit rounds to six places.
        let thirds: Vec<_> = [1, 1, 2]
            .iter()
            .cycle()
            .take(21)
            .map(|n| Some(c(*n)))
            .collect();
        assert_eq!(daily_mean(&thirds).unwrap().value(), d("1.333333"));
    }

    #[test]
    fn o3_windows_need_six_of_eight() {
        let mut hours = [Some(c(100)); 24];
        hours[0] = None;
        hours[1] = None;
        assert_eq!(o3_8h_moving_mean(&hours, 7), Some(c(100)));
        hours[2] = None;
        assert_eq!(o3_8h_moving_mean(&hours, 7), None);
        assert_eq!(o3_8h_moving_mean(&hours, 6), None);
    }

    #[test]
    fn daily_max_8h_rules() {
        // Hours 0..23 rise by 10: the last window (16..=23) averages 195.
        let mut hours = [None; 24];
        for (i, h) in hours.iter_mut().enumerate() {
            *h = Some(c(10 * i as u32));
        }
        let r = daily_max_8h(&hours, c(160)).unwrap();
        assert_eq!((r.value, r.valid_windows), (c(195), 17));
        // Knock out hours 0..=5: windows ending 7..=10 lack 6 values → 13 valid windows, but the maximum
        // 195 exceeds 160, so the day is still valid.
        for h in hours.iter_mut().take(6) {
            *h = None;
        }
        let r = daily_max_8h(&hours, c(160)).unwrap();
        assert_eq!(r.valid_windows, 13);
        // Judged against 200, 195 proves nothing: invalid.
        assert!(daily_max_8h(&hours, c(200)).is_err());
    }

    #[test]
    fn daily_readings_from_hours() {
        let mut hours = [HourlyReadings::default(); 24];
        for (i, h) in hours.iter_mut().enumerate() {
            h.so2 = Some(c(10));
            h.pm2_5 = (i >= 4).then(|| c(i as u32)); // 20 hours: 4..=23, mean 13.5
            h.pm10 = (i >= 5).then(|| c(50)); // 19 hours: invalid
            h.o3 = Some(c(10 * i as u32));
        }
        let day = daily_readings(date(2019, 6, 15), &hours);
        assert_eq!(day.so2, Some(c(10)));
        assert_eq!(day.pm2_5.unwrap().value(), d("13.5"));
        assert_eq!(day.pm10, None);
        assert_eq!(day.no2, None);
        assert_eq!(day.o3_1h_max, Some(c(230)));
        assert_eq!(day.o3_8h_max, Some(c(195)));
    }

    #[test]
    fn city_values_are_means_over_the_stations_present() {
        assert_eq!(
            spatial_mean([Some(c(10)), None, Some(c(21))])
                .unwrap()
                .value(),
            d("15.5")
        );
        assert_eq!(spatial_mean([None, None]), None);
        let a = HourlyReadings {
            pm2_5: Some(c(40)),
            so2: Some(c(5)),
            ..Default::default()
        };
        let b = HourlyReadings {
            pm2_5: Some(c(80)),
            ..Default::default()
        };
        let city = city_hourly_readings(&[a, b]);
        assert_eq!(
            (city.pm2_5, city.so2, city.no2),
            (Some(c(60)), Some(c(5)), None)
        );
        let days = [
            DailyReadings {
                o3_8h_max: Some(c(100)),
                ..Default::default()
            },
            DailyReadings {
                o3_8h_max: Some(c(161)),
                ..Default::default()
            },
        ];
        assert_eq!(
            city_daily_readings(&days).o3_8h_max.unwrap().value(),
            d("130.5")
        );
    }

    #[test]
    fn month_and_year_counts() {
        assert!(month_has_enough_days(2, 25));
        assert!(!month_has_enough_days(3, 26));
        let all_2019 = (0..365).map(|i| date(2019, 1, 1) + jiff::Span::new().days(i));
        let v = annual_validity(2019, all_2019.clone());
        assert!(v.valid);
        assert_eq!(v.days, 365);
        // Drop 5 days of March: 26 left → March short although the year has 360.
        let v = annual_validity(2019, all_2019.filter(|d| !(d.month() == 3 && d.day() <= 5)));
        assert_eq!(
            (v.days, v.valid, v.short_months.clone()),
            (360, false, vec![3])
        );
    }

    #[test]
    fn percentile_hj663_formula() {
        // Worked example: {3,4,8,2,5,4}, p = 90 → k = 5.5 → 5 + (8 − 5) × 0.5 = 6.5.
        let xs: Vec<Decimal> = [3, 4, 8, 2, 5, 4]
            .iter()
            .map(|n| Decimal::from_int(*n))
            .collect();
        assert_eq!(percentile(&xs, 90), Some(d("6.5")));
        assert_eq!(percentile(&xs, 0), Some(d("2")));
        assert_eq!(percentile(&xs, 100), Some(d("8")));
        // n = 365, p = 95: k = 1 + 364 × 0.95 = 346.8 → X346 + 0.8 (X347 − X346); values 1..=365 → 346.8.
        let year: Vec<Decimal> = (1..=365).map(Decimal::from_int).collect();
        assert_eq!(percentile(&year, 95), Some(d("346.8")));
        assert_eq!(percentile(&[], 50), None);
    }

    proptest::proptest! {
        /// The percentile lies between the smallest and largest value, never decreases with p, and at
        /// p = 50 of an odd count is the median.
        #[test]
        fn percentile_is_bounded_and_monotonic(
            units in proptest::collection::vec(0i64..1_000_000_000, 1..60),
            p in 0u8..100,
        ) {
            let xs: Vec<Decimal> = units.iter().map(|u| Decimal::from_units(*u)).collect();
            let (lo, hi) = (*xs.iter().min().unwrap(), *xs.iter().max().unwrap());
            let a = percentile(&xs, p).unwrap();
            let b = percentile(&xs, p + 1).unwrap();
            proptest::prop_assert!(lo <= a && a <= b && b <= hi);
            if xs.len() % 2 == 1 {
                let mut sorted = xs.clone();
                sorted.sort();
                proptest::prop_assert_eq!(percentile(&xs, 50).unwrap(), sorted[xs.len() / 2]);
            }
        }
    }

    #[test]
    fn february_needs_25_days_in_a_leap_year_too() {
        // 2020: every day except 29 February and 1–3 February → February has 25 days: still valid.
        let days = (0..366)
            .map(|i| date(2020, 1, 1) + jiff::Span::new().days(i))
            .filter(|d| !(d.month() == 2 && (d.day() <= 3 || d.day() == 29)));
        let v = annual_validity(2020, days);
        assert_eq!((v.per_month[1], v.days, v.valid), (25, 362, true));
    }

    #[test]
    fn good_day_and_attainment_are_different_answers() {
        // GB 3095-2026 final, PM2.5 day mean 55: HJ 633-2026 AQI = 50 + 50 × 20/25 = 90 (良, a good day)
        // but above the final Grade II 24-hour limit 50.
        let day = DailyReadings {
            pm2_5: Some(c(55)),
            ..Default::default()
        };
        let aqi = daily_aqi(AqiVersion::Hj633_2026, &day).aqi;
        assert_eq!(aqi, Some(90));
        assert_eq!(good_day_ratio([aqi]).good_days, 1);
        let (verdict, comparisons) = daily_attainment(Gb3095::V2026Final, Grade::II, &day);
        assert_eq!(verdict, Verdict::Exceeds);
        assert_eq!(comparisons[0].ratio, d("1.1"));
        // The same day under the transitional limit 60 attains.
        assert_eq!(
            daily_attainment(Gb3095::V2026Transitional, Grade::II, &day).0,
            Verdict::Attains
        );
        // A value exactly on the limit attains.
        let on_limit = DailyReadings {
            pm2_5: Some(c(75)),
            ..Default::default()
        };
        assert_eq!(
            daily_attainment(Gb3095::V2012, Grade::II, &on_limit).0,
            Verdict::Attains
        );
    }

    #[test]
    fn good_day_ratio_counts_valid_days_only() {
        let r = good_day_ratio([Some(50), Some(100), Some(101), None, Some(300)]);
        assert_eq!((r.good_days, r.valid_days), (2, 4));
        assert_eq!(r.percent(), Some(d("50")));
        assert_eq!(good_day_ratio([None]).percent(), None);
    }

    #[test]
    fn annual_statistics_and_attainment() {
        // PM2.5: 365 daily means 1..=365 in 2019 → mean 183, P95 346.8 (> 75): exceeds.
        let days: Vec<(Date, Concentration)> = (0..365)
            .map(|i| {
                (
                    date(2019, 1, 1) + jiff::Span::new().days(i),
                    c(i as u32 + 1),
                )
            })
            .collect();
        let s = annual_statistic(Pollutant::Pm2_5, 2019, &days).unwrap();
        assert_eq!(s.mean, Some(c(183)));
        assert_eq!(s.percentile.value(), d("346.8"));
        assert!(s.validity.valid);
        // CO: constant 1 mg/m³ → P95 = 1 ≤ 4, no annual mean.
        let co: Vec<_> = days.iter().map(|(d, _)| (*d, c(1))).collect();
        let co_stat = annual_statistic(Pollutant::Co, 2019, &co).unwrap();
        assert_eq!(co_stat.mean, None);
        let (overall, per) = annual_attainment(Gb3095::V2012, Grade::II, &[s, co_stat]);
        assert_eq!(overall, Verdict::Exceeds);
        assert_eq!(per[Pollutant::Co.index()].verdict, Verdict::Attains);
        assert_eq!(
            per[Pollutant::So2.index()].verdict,
            Verdict::InsufficientData
        );
        assert_eq!(per[Pollutant::Pm2_5.index()].verdict, Verdict::Exceeds);
    }

    #[test]
    fn comprehensive_index_by_hand() {
        // GB 3095-2012: 12/60 + 40/40 + 1.2/4 + 160/160 + 70/70 + 35/35 = 0.2 + 1 + 0.3 + 1 + 1 + 1 = 4.5.
        let input = ComprehensiveInput {
            so2_mean: c(12),
            no2_mean: c(40),
            pm10_mean: c(70),
            pm2_5_mean: c(35),
            co_p95: Concentration::parse(Pollutant::Co, "1.2").unwrap(),
            o3_p90: c(160),
        };
        let i = comprehensive_index(Gb3095::V2012, &input, &Weights::default());
        assert_eq!(i.total, d("4.5"));
        // Weight PM2.5 ×3: 4.5 + 2 = 6.5.
        let mut w = Weights::default();
        w.0[Pollutant::Pm2_5.index()] = Decimal::from_int(3);
        assert_eq!(
            comprehensive_index(Gb3095::V2012, &input, &w).total,
            d("6.5")
        );
        // Under the 2026 final limits PM2.5 35/25 = 1.4.
        let fin = comprehensive_index(Gb3095::V2026Final, &input, &Weights::default());
        assert_eq!(fin.parts[Pollutant::Pm2_5.index()], d("1.4"));
    }
}
