//! Hourly (real-time) and daily AQI evaluations per second: `cargo bench -p standards --bench aqi`.
//!
//! A plain `main` (no bench framework, nothing to compile): each case evaluates a fixed set of 4,096
//! varied station-hours (deterministic pseudo-random concentrations across the whole table, about 1 %
//! with a pollutant missing) for at least one second and prints evaluations per second.

use std::hint::black_box;
use std::time::{Duration, Instant};

use standards::aqi::{
    AqiVersion, DailyReadings, HourlyMethod, HourlyReadings, HourlyRules, daily_aqi, hourly_aqi,
};
use standards::{Concentration, Date, Decimal, Pollutant};

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A concentration of `p` with one decimal (CO) or an integer, up to `max`, missing 1 time in 100.
    fn value(&mut self, p: Pollutant, max: u64) -> Option<Concentration> {
        if self.next().is_multiple_of(100) {
            return None;
        }
        let units = if p == Pollutant::Co {
            (self.next() % (max * 10)) as i64 * 100_000
        } else {
            (self.next() % max) as i64 * 1_000_000
        };
        Concentration::new(p, Decimal::from_units(units)).ok()
    }
}

fn hourly_inputs(n: usize) -> Vec<HourlyReadings> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..n)
        .map(|_| HourlyReadings {
            so2: rng.value(Pollutant::So2, 900),
            no2: rng.value(Pollutant::No2, 400),
            co: rng.value(Pollutant::Co, 15),
            o3: rng.value(Pollutant::O3, 500),
            pm10: rng.value(Pollutant::Pm10, 700),
            pm2_5: rng.value(Pollutant::Pm2_5, 400),
            ..Default::default()
        })
        .collect()
}

fn measure(name: &str, inputs: usize, mut batch: impl FnMut() -> u64) {
    let start = Instant::now();
    let (mut evaluations, mut checksum) = (0u64, 0u64);
    while start.elapsed() < Duration::from_secs(1) {
        checksum = checksum.wrapping_add(batch());
        evaluations += inputs as u64;
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{name:<44} {:>12.0} evaluations/s  ({:.1} ns each; checksum {checksum})",
        evaluations as f64 / seconds,
        seconds * 1e9 / evaluations as f64
    );
}

fn main() {
    let inputs = hourly_inputs(4096);
    for (label, day) in [
        ("HJ 633-2012", Date::constant(2019, 6, 15)),
        ("HJ 633-2026", Date::constant(2026, 6, 15)),
    ] {
        let rules = HourlyRules::for_date(day, HourlyMethod::Published);
        measure(
            &format!("hourly AQI, published method, {label}"),
            inputs.len(),
            || {
                inputs
                    .iter()
                    .map(|r| {
                        u64::from(hourly_aqi(black_box(&rules), black_box(r)).aqi.unwrap_or(0))
                    })
                    .sum()
            },
        );
    }
    let strict = HourlyRules::strict(AqiVersion::Hj633_2012);
    measure("hourly AQI, strict text, HJ 633-2012", inputs.len(), || {
        inputs
            .iter()
            .map(|r| {
                u64::from(
                    hourly_aqi(black_box(&strict), black_box(r))
                        .aqi
                        .unwrap_or(0),
                )
            })
            .sum()
    });
    let daily: Vec<DailyReadings> = inputs
        .iter()
        .map(|r| DailyReadings {
            so2: r.so2,
            no2: r.no2,
            co: r.co,
            o3_1h_max: r.o3,
            o3_8h_max: r.o3,
            pm10: r.pm10,
            pm2_5: r.pm2_5,
        })
        .collect();
    measure("daily AQI, HJ 633-2026", daily.len(), || {
        daily
            .iter()
            .map(|r| {
                u64::from(
                    daily_aqi(black_box(AqiVersion::Hj633_2026), black_box(r))
                        .aqi
                        .unwrap_or(0),
                )
            })
            .sum()
    });
}
