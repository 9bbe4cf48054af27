//! Water-class evaluations per second: `cargo bench -p standards --bench water`.
//!
//! A plain `main` like the AQI bench: each case evaluates a fixed set of 4,096 varied samples
//! (deterministic pseudo-random values spread over classes I to worse than V) for at least one second and
//! prints evaluations per second. Cases: the four parameters of the national weekly bulletin (pH, DO,
//! CODMn, NH3-N); all 21 class-deciding items plus TN (a full monthly section sample); and the same
//! four-parameter sample with its limiting parameters and exceedance multiples (what the CLI prints);
//! and `class_of`, the class alone without per-parameter details.

use std::hint::black_box;
use std::time::{Duration, Instant};

use standards::Decimal;
use standards::water::{Parameter, WaterbodyKind, class_iii_limit, class_of, evaluate};

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A value between 0 and 2.5 × the class III limit, in steps of 1/1000 of that limit.
    fn around(&mut self, limit: Decimal) -> Decimal {
        let step = (self.next() % 2500) as i64;
        Decimal::from_units(limit.units() * step / 1000)
    }
}

fn sample(rng: &mut Rng, parameters: &[Parameter]) -> Vec<(Parameter, Decimal)> {
    parameters
        .iter()
        .map(|&p| {
            let value = match p {
                Parameter::Ph => {
                    Decimal::from_units(5_500_000 + (rng.next() % 4_000) as i64 * 1_000)
                }
                Parameter::DissolvedOxygen => {
                    Decimal::from_units((rng.next() % 12_000) as i64 * 1_000)
                }
                _ => {
                    rng.around(class_iii_limit(p, WaterbodyKind::River).expect("graded parameter"))
                }
            };
            (p, value)
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
        "{name:<52} {:>12.0} evaluations/s  ({:.1} ns each; checksum {checksum})",
        evaluations as f64 / seconds,
        seconds * 1e9 / evaluations as f64
    );
}

fn main() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let four = [
        Parameter::Ph,
        Parameter::DissolvedOxygen,
        Parameter::PermanganateIndex,
        Parameter::AmmoniaNitrogen,
    ];
    let full: Vec<Parameter> = Parameter::ALL
        .into_iter()
        .filter(|p| p.decides_class() || *p == Parameter::TotalNitrogen)
        .collect();
    let weekly: Vec<_> = (0..4096).map(|_| sample(&mut rng, &four)).collect();
    let monthly: Vec<_> = (0..4096).map(|_| sample(&mut rng, &full)).collect();

    let class_sum = |samples: &[Vec<(Parameter, Decimal)>], kind: WaterbodyKind| -> u64 {
        samples
            .iter()
            .map(|s| {
                evaluate(black_box(kind), black_box(s)).map_or(0, |e| u64::from(e.class.number()))
            })
            .sum()
    };
    measure(
        "water class, 4 parameters (weekly bulletin), river",
        weekly.len(),
        || class_sum(&weekly, WaterbodyKind::River),
    );
    measure(
        "water class, 22 parameters (21 items + TN), river",
        monthly.len(),
        || class_sum(&monthly, WaterbodyKind::River),
    );
    measure(
        "water class, 22 parameters, lake/reservoir",
        monthly.len(),
        || class_sum(&monthly, WaterbodyKind::LakeOrReservoir),
    );
    let class_only = |samples: &[Vec<(Parameter, Decimal)>], kind: WaterbodyKind| -> u64 {
        samples
            .iter()
            .map(|s| class_of(black_box(kind), black_box(s)).map_or(0, |c| u64::from(c.number())))
            .sum()
    };
    measure(
        "class_of (class only), 4 parameters, river",
        weekly.len(),
        || class_only(&weekly, WaterbodyKind::River),
    );
    measure(
        "class_of (class only), 22 parameters, river",
        monthly.len(),
        || class_only(&monthly, WaterbodyKind::River),
    );
    measure(
        "water class + limiting parameters, 4 parameters",
        weekly.len(),
        || {
            weekly
                .iter()
                .map(|s| {
                    evaluate(WaterbodyKind::River, black_box(s))
                        .map_or(0, |e| e.limiting().len() as u64)
                })
                .sum()
        },
    );
}
