//! The ambient-air comprehensive index of a period (环境空气质量综合指数) as the national city ranking
//! computes it (《城市环境空气质量排名技术规定》, 环办监测〔2018〕19号; workflows.md G): from a station's (or a
//! city's) valid daily values of the period, the SO₂, NO₂, PM10 and PM2.5 means, the CO 95th percentile of
//! daily means and the O₃ 90th percentile of daily maximum 8-hour means (HJ 663-2013 §5 and Appendix A),
//! each rounded as HJ 663 reports them (GB/T 8170 half to even: integers, CO one decimal), divided by the
//! GB 3095 Grade II limits of the version in force ([`crate::air::comprehensive_index`]), summed, and
//! reported to two decimals.

use crate::Decimal;
use crate::air::{self, Gb3095, Weights};
use crate::aqi::DailyReadings;
use crate::pollutant::{Concentration, Pollutant};

/// A period's statistics, as reported (rounded); `None` where the period has no valid daily value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct PeriodStatistics {
    /// Days with at least one valid daily value.
    pub days: usize,
    pub so2: Option<Concentration>,
    pub no2: Option<Concentration>,
    pub pm10: Option<Concentration>,
    pub pm2_5: Option<Concentration>,
    /// CO, 95th percentile of the daily means (mg/m³).
    pub co_p95: Option<Concentration>,
    /// O₃, 90th percentile of the daily maximum 8-hour means.
    pub o3_8h_p90: Option<Concentration>,
}

fn reported(pollutant: Pollutant, value: Decimal) -> Concentration {
    Concentration::new(pollutant, value)
        .unwrap_or(Concentration::ZERO)
        .rounded_for_aqi(pollutant)
}

/// The period statistics of `days` (each a natural day's values, `None` where not valid: GB 3095 Table 4).
pub fn period_statistics(days: &[DailyReadings]) -> PeriodStatistics {
    let series = |f: fn(&DailyReadings) -> Option<Concentration>| -> Vec<Decimal> {
        days.iter().filter_map(f).map(|c| c.value()).collect()
    };
    let mean = |p: Pollutant, values: Vec<Decimal>| {
        let n = Decimal::from_int(values.len() as i64);
        let sum: Decimal = values.iter().copied().sum();
        sum.div(n).map(|m| reported(p, m))
    };
    let pct = |p: Pollutant, values: Vec<Decimal>, rank: u8| {
        air::percentile(&values, rank).map(|v| reported(p, v))
    };
    PeriodStatistics {
        days: days
            .iter()
            .filter(|d| {
                [d.so2, d.no2, d.co, d.o3_8h_max, d.pm10, d.pm2_5]
                    .iter()
                    .any(Option::is_some)
            })
            .count(),
        so2: mean(Pollutant::So2, series(|d| d.so2)),
        no2: mean(Pollutant::No2, series(|d| d.no2)),
        pm10: mean(Pollutant::Pm10, series(|d| d.pm10)),
        pm2_5: mean(Pollutant::Pm2_5, series(|d| d.pm2_5)),
        co_p95: pct(Pollutant::Co, series(|d| d.co), 95),
        o3_8h_p90: pct(Pollutant::O3, series(|d| d.o3_8h_max), 90),
    }
}

/// The comprehensive index of `s` under `standard`'s Grade II limits, to two decimals (half to even);
/// `None` when a pollutant has no statistic.
pub fn index(standard: Gb3095, s: &PeriodStatistics) -> Option<Decimal> {
    let input = air::ComprehensiveInput {
        so2_mean: s.so2?,
        no2_mean: s.no2?,
        pm10_mean: s.pm10?,
        pm2_5_mean: s.pm2_5?,
        co_p95: s.co_p95?,
        o3_p90: s.o3_8h_p90?,
    };
    Some(
        air::comprehensive_index(standard, &input, &Weights::default())
            .total
            .round_half_even(2),
    )
}

/// The change of the index against the same period a year before, in percent to one decimal
/// (ΔI = (I − I₀)/I₀ × 100; negative is an improvement). `None` without a base.
pub fn change_percent(now: Decimal, before: Decimal) -> Option<Decimal> {
    (now - before)
        .mul(Decimal::from_int(100))
        .div(before)
        .map(|d| d.round_half_even(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(p: Pollutant, s: &str) -> Option<Concentration> {
        Some(Concentration::parse(p, s).unwrap())
    }

    fn day(so2: &str, no2: &str, co: &str, o3: &str, pm10: &str, pm2_5: &str) -> DailyReadings {
        DailyReadings {
            so2: c(Pollutant::So2, so2),
            no2: c(Pollutant::No2, no2),
            co: c(Pollutant::Co, co),
            o3_1h_max: None,
            o3_8h_max: c(Pollutant::O3, o3),
            pm10: c(Pollutant::Pm10, pm10),
            pm2_5: c(Pollutant::Pm2_5, pm2_5),
        }
    }

    #[test]
    fn a_hand_computed_period() {
        // Three days; PM2.5 means (30 + 35 + 40)/3 = 35 → 35/35 = 1; SO2 10/60; NO2 20/40; PM10 70/70;
        // CO p95 of 0.8, 1.0, 1.2: k = 1 + 2 × 0.95 = 2.9 → 1.0 + 0.9 × 0.2 = 1.18 → 1.2 (one decimal) /4;
        // O3 p90 of 100, 120, 140: k = 2.8 → 120 + 0.8 × 20 = 136 / 160.
        let days = [
            day("10", "20", "0.8", "100", "70", "30"),
            day("10", "20", "1.0", "120", "70", "35"),
            day("10", "20", "1.2", "140", "70", "40"),
        ];
        let s = period_statistics(&days);
        assert_eq!(s.days, 3);
        assert_eq!(s.pm2_5, c(Pollutant::Pm2_5, "35"));
        assert_eq!(s.co_p95, c(Pollutant::Co, "1.2"));
        assert_eq!(s.o3_8h_p90, c(Pollutant::O3, "136"));
        // 10/60 + 20/40 + 1.2/4 + 136/160 + 70/70 + 35/35 = 0.166667 + 0.5 + 0.3 + 0.85 + 1 + 1 = 3.816667
        assert_eq!(index(Gb3095::V2012, &s), Some("3.82".parse().unwrap()));
        assert_eq!(
            change_percent("3.82".parse().unwrap(), "4.00".parse().unwrap()),
            Some("-4.5".parse().unwrap())
        );
    }

    #[test]
    fn a_missing_pollutant_gives_no_index_and_rounding_is_half_even() {
        let mut d = day("10", "20", "0.8", "100", "70", "30");
        d.co = None;
        let s = period_statistics(&[d]);
        assert_eq!(s.co_p95, None);
        assert_eq!(index(Gb3095::V2012, &s), None);
        // (12 + 13)/2 = 12.5 → 12 (half to even).
        let s = period_statistics(&[
            day("12", "20", "0.8", "100", "70", "30"),
            day("13", "20", "0.8", "100", "70", "30"),
        ]);
        assert_eq!(s.so2, c(Pollutant::So2, "12"));
    }
}
