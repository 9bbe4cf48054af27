//! Determination over a year of minute data: valid hourly means, O2 correction, exceedance episodes, data
//! problems and the emission accounting, for one outlet and for the demo city's 26 enterprises (one
//! flue-gas outlet each: SO2, NOx and PM judged against their limits with O2 correction, flow for the
//! mass). `cargo bench -p platform --bench supervision` prints the time of each.

use hj212::cp::DataFlag;
use platform::supervision::exceedance::{episodes, hours_to_judge};
use platform::supervision::means::hourly;
use platform::supervision::problems::problems;
use platform::supervision::quantities::{HourState, account, hourly_mass_kg};
use platform::supervision::{Minute, Thresholds};
use standards::Decimal;
use standards::emissions::{Limit, MeasuredConcentration, OxygenPolicy};

const MINUTES_A_YEAR: i64 = 365 * 24 * 60;

/// A year of minutes of a parameter around `level`, with a calibration every day and some faults.
fn year(level: i64, seed: i64) -> Vec<Minute> {
    (0..MINUTES_A_YEAR)
        .map(|i| {
            let wobble = (i * 7919 + seed * 104_729) % 2000 - 1000; // ±1.0
            let flag = match i % 1440 {
                0..=14 => DataFlag::Calibration,
                _ if (i / 1440) % 37 == 5 && i % 1440 < 200 => DataFlag::Fault,
                _ => DataFlag::Normal,
            };
            Minute {
                start: 1_704_038_400 + i * 60,
                value: Some(Decimal::from_units(level * 1_000_000 + wobble * 1000)),
                flag,
            }
        })
        .collect()
}

struct Outlet {
    pollutants: Vec<(Vec<Minute>, Decimal)>,
    o2: Vec<Minute>,
    flow: Vec<Minute>,
}

fn outlet(seed: i64) -> Outlet {
    Outlet {
        pollutants: vec![
            (year(30, seed), Decimal::from_int(35)),
            (year(45, seed + 1), Decimal::from_int(50)),
            (year(8, seed + 2), Decimal::from_int(10)),
        ],
        o2: year(9, seed + 3),
        flow: year(120, seed + 4),
    }
}

/// Everything determination does for one outlet's year; returns a count so nothing is optimised away.
fn determine(o: &Outlet) -> usize {
    let t = Thresholds::default();
    let (from, to) = (o.o2[0].start, o.o2[0].start + MINUTES_A_YEAR * 60);
    let o2 = hourly(&o.o2);
    let flow = hourly(&o.flow);
    let mut found =
        problems(&o.o2, from, to, true, t).len() + problems(&o.flow, from, to, true, t).len();
    for (minutes, limit) in &o.pollutants {
        let hours = hourly(minutes);
        let judged = hours_to_judge(
            &hours,
            &o2,
            Some(Decimal::from_int(6)),
            OxygenPolicy::default(),
        );
        found += episodes(&judged, Limit::AtMost(*limit)).len();
        found += problems(minutes, from, to, true, t).len();
        let states: Vec<HourState> = hours
            .iter()
            .zip(&flow)
            .map(|(h, f)| match (h.mean, f.mean) {
                (Some(c), Some(q)) => {
                    HourState::Measured(hourly_mass_kg(MeasuredConcentration(c), q))
                }
                _ => HourState::Invalid,
            })
            .collect();
        found += account(hours[0].start, &states).len();
    }
    found
}

fn main() {
    divan::main();
}

#[divan::bench(args = [1, 26], sample_count = 3, sample_size = 1)]
fn a_year_of_minute_data(bencher: divan::Bencher, outlets: usize) {
    let data: Vec<Outlet> = (0..outlets as i64).map(|i| outlet(i * 10)).collect();
    bencher.bench(|| data.iter().map(determine).sum::<usize>());
}
