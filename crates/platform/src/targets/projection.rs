//! Attainment projection (issue 16 item 4): for a year's air target judged to date, what the rest of the
//! year must look like to meet it ("at most N more polluted days", "the remaining days must average at
//! most X µg/m³ of PM2.5", "at most N more heavy days"), and the probability of meeting it estimated by
//! resampling the area's own history: the remaining days are drawn, with replacement, from the same
//! calendar span of the earlier years on record, many times over, and the share of draws that meet the
//! target is the probability. The method is stated with the figure; with no earlier year there is no
//! probability.

/// One day of an area as the projection counts it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayOutcome {
    /// The daily AQI was valid.
    pub valid: bool,
    /// AQI ≤ 100.
    pub good: bool,
    /// AQI > 200.
    pub heavy: bool,
    /// The daily PM2.5 mean, when valid.
    pub pm2_5: Option<f64>,
}

/// The year to date: the sums the targets are judged by.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ToDate {
    pub valid_days: u32,
    pub good_days: u32,
    pub heavy_days: u32,
    pub pm2_5_sum: f64,
    pub pm2_5_days: u32,
}

impl ToDate {
    pub fn of(days: &[DayOutcome]) -> ToDate {
        let mut t = ToDate::default();
        for d in days {
            t.add(d);
        }
        t
    }

    fn add(&mut self, d: &DayOutcome) {
        if d.valid {
            self.valid_days += 1;
            self.good_days += u32::from(d.good);
            self.heavy_days += u32::from(d.heavy);
        }
        if let Some(v) = d.pm2_5 {
            self.pm2_5_sum += v;
            self.pm2_5_days += 1;
        }
    }
}

/// Which year target is projected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Projected {
    /// Good-day ratio ≥ target %.
    GoodDayRatio,
    /// PM2.5 annual mean ≤ target.
    Pm2_5,
    /// Heavy-pollution days ≤ target.
    HeavyDays,
}

impl Projected {
    pub fn of(indicator: &str) -> Option<Projected> {
        match indicator {
            "air.good_day_ratio" => Some(Projected::GoodDayRatio),
            "air.pm2_5" => Some(Projected::Pm2_5),
            "air.heavy_days" => Some(Projected::HeavyDays),
            _ => None,
        }
    }

    /// Whether the year meets `target` with `t` at its end.
    fn meets(self, target: f64, t: &ToDate) -> bool {
        match self {
            Projected::GoodDayRatio => {
                t.valid_days > 0
                    && f64::from(t.good_days) * 100.0 >= target * f64::from(t.valid_days)
            }
            Projected::Pm2_5 => t.pm2_5_days > 0 && t.pm2_5_sum / f64::from(t.pm2_5_days) <= target,
            Projected::HeavyDays => f64::from(t.heavy_days) <= target,
        }
    }
}

/// What the rest of the year must look like; `None` where the target can no longer be met.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Need {
    /// At most this many more polluted (AQI > 100) days in the `remaining` days, all valid.
    PollutedDays(Option<u32>),
    /// The remaining days' PM2.5 must average at most this (µg/m³).
    Pm2_5Mean(Option<f64>),
    /// At most this many more heavy days.
    HeavyDays(Option<u32>),
}

/// What the `remaining` days must look like for the year to meet `target`.
pub fn need(what: Projected, target: f64, t: &ToDate, remaining: u32) -> Need {
    let r = f64::from(remaining);
    match what {
        Projected::GoodDayRatio => {
            // (g + R − P) / (v + R) ≥ target/100  ⇔  P ≤ g + R − target/100 × (v + R)
            let p = f64::from(t.good_days) + r - target / 100.0 * (f64::from(t.valid_days) + r);
            Need::PollutedDays((p >= 0.0).then(|| (p + 1e-9).floor() as u32))
        }
        Projected::Pm2_5 => {
            if remaining == 0 {
                return Need::Pm2_5Mean(None);
            }
            // (S + X·R) / (n + R) ≤ target  ⇔  X ≤ (target (n + R) − S) / R
            let x = (target * (f64::from(t.pm2_5_days) + r) - t.pm2_5_sum) / r;
            Need::Pm2_5Mean((x >= 0.0).then_some((x * 10.0).floor() / 10.0))
        }
        Projected::HeavyDays => {
            let left = target - f64::from(t.heavy_days);
            Need::HeavyDays((left >= 0.0).then(|| (left + 1e-9).floor() as u32))
        }
    }
}

/// The probability of meeting `target`: `runs` draws of `remaining` days from `history` (with
/// replacement, by a fixed-seed generator so the figure is reproducible); `None` without history.
pub fn probability(
    what: Projected,
    target: f64,
    t: &ToDate,
    remaining: u32,
    history: &[DayOutcome],
    runs: u32,
) -> Option<f64> {
    if remaining == 0 {
        return Some(if what.meets(target, t) { 1.0 } else { 0.0 });
    }
    if history.is_empty() || runs == 0 {
        return None;
    }
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        // SplitMix64: reproducible and plenty for resampling.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z % n as u64) as usize
    };
    let mut met = 0u32;
    for _ in 0..runs {
        let mut end = *t;
        for _ in 0..remaining {
            end.add(&history[next(history.len())]);
        }
        met += u32::from(what.meets(target, &end));
    }
    Some(f64::from(met) / f64::from(runs))
}

/// A year target's projection.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub need: Need,
    /// Days left in the year, today included.
    pub remaining: u32,
    /// The probability of meeting the target, and how many earlier years it was drawn from.
    pub probability: Option<f64>,
    pub history_years: u32,
}

/// Draws per projection: enough for a share to two decimals.
pub const RUNS: u32 = 2000;
/// Earlier years searched for history.
pub const HISTORY_YEARS: i16 = 5;

fn outcomes(days: &[crate::figures::Day]) -> Vec<DayOutcome> {
    days.iter()
        .map(|d| {
            let aqi = d.report.publishable_aqi();
            DayOutcome {
                valid: aqi.is_some(),
                good: aqi.is_some_and(|a| a <= 100),
                heavy: aqi.is_some_and(|a| a > 200),
                pm2_5: d.readings.pm2_5.map(|c| c.value().to_f64()),
            }
        })
        .collect()
}

/// The projection of a target of `year` (the current year) for the air stations `sites`, from today on.
pub fn project(
    store: &store::Store,
    ctx: &super::compute::Context,
    sites: &[&store::Site],
    what: Projected,
    target: f64,
    year: i16,
) -> store::Result<Option<Projection>> {
    use crate::figures::{city_days, local_date};
    let today = local_date(ctx.tz, ctx.now);
    if today.year() != year || sites.is_empty() {
        return Ok(None);
    }
    let jan1 = jiff::civil::date(year, 1, 1);
    let dec31 = jiff::civil::date(year, 12, 31);
    let so_far = match today.yesterday() {
        Ok(y) if y >= jan1 => city_days(store, ctx.cache, ctx.tz, sites, (jan1, y), ctx.now)?,
        _ => Vec::new(),
    };
    let t = ToDate::of(&outcomes(&so_far));
    let remaining = (dec31 - today).get_days() as u32 + 1;
    let mut history = Vec::new();
    let mut years = 0;
    for back in 1..=HISTORY_YEARS {
        let (Ok(from), Ok(to)) = (
            today.with().year(year - back).build(),
            dec31.with().year(year - back).build(),
        ) else {
            continue;
        };
        let days = city_days(store, ctx.cache, ctx.tz, sites, (from, to), ctx.now)?;
        let valid: Vec<DayOutcome> = outcomes(&days).into_iter().filter(|d| d.valid).collect();
        if !valid.is_empty() {
            years += 1;
            history.extend(valid);
        }
    }
    Ok(Some(Projection {
        need: need(what, target, &t, remaining),
        remaining,
        probability: probability(what, target, &t, remaining, &history, RUNS),
        history_years: years,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(good: bool, pm2_5: f64) -> DayOutcome {
        DayOutcome {
            valid: true,
            good,
            heavy: pm2_5 > 150.0,
            pm2_5: Some(pm2_5),
        }
    }

    /// A synthetic year whose answers are known: 200 days to date, 160 good (80 %), PM2.5 averaging 40;
    /// 165 days left.
    fn to_date() -> ToDate {
        let mut days = vec![day(true, 30.0); 160];
        days.extend(vec![day(false, 80.0); 40]);
        ToDate::of(&days)
    }

    #[test]
    fn what_the_rest_of_the_year_must_look_like() {
        let t = to_date();
        assert_eq!((t.valid_days, t.good_days), (200, 160));
        // 85 %: P ≤ 160 + 165 − 0.85 × 365 = 14.75 → at most 14 more polluted days.
        assert_eq!(
            need(Projected::GoodDayRatio, 85.0, &t, 165),
            Need::PollutedDays(Some(14))
        );
        // 95 % can no longer be met: 160 + 165 − 0.95 × 365 < 0.
        assert_eq!(
            need(Projected::GoodDayRatio, 95.0, &t, 165),
            Need::PollutedDays(None)
        );
        // PM2.5 ≤ 35: X ≤ (35 × 365 − 8,000)/165 = 28.9 µg/m³.
        assert_eq!(
            need(Projected::Pm2_5, 35.0, &t, 165),
            Need::Pm2_5Mean(Some(28.9))
        );
        assert_eq!(
            need(Projected::HeavyDays, 3.0, &t, 165),
            Need::HeavyDays(Some(3))
        );
    }

    #[test]
    fn the_probability_follows_the_history() {
        let t = to_date();
        // A history of only good, clean days: certain; of only polluted days: impossible.
        let clean = vec![day(true, 20.0); 90];
        let dirty = vec![day(false, 90.0); 90];
        assert_eq!(
            probability(Projected::GoodDayRatio, 85.0, &t, 165, &clean, 500),
            Some(1.0)
        );
        assert_eq!(
            probability(Projected::GoodDayRatio, 85.0, &t, 165, &dirty, 500),
            Some(0.0)
        );
        // Half good, half polluted: about 82 polluted days expected against 14 allowed: nearly never.
        let mixed: Vec<DayOutcome> = clean.iter().chain(&dirty).copied().collect();
        let p = probability(Projected::GoodDayRatio, 85.0, &t, 165, &mixed, 1000).unwrap();
        assert!(p < 0.01, "{p}");
        // Against 60 % the same history nearly always succeeds: (160 + ~82)/365 ≈ 66 %.
        assert!(probability(Projected::GoodDayRatio, 60.0, &t, 165, &mixed, 1000).unwrap() > 0.99);
        assert_eq!(
            probability(Projected::GoodDayRatio, 85.0, &t, 165, &[], 1000),
            None
        );
        // Nothing left: met or not.
        assert_eq!(
            probability(Projected::GoodDayRatio, 80.0, &t, 0, &[], 1),
            Some(1.0)
        );
    }
}
