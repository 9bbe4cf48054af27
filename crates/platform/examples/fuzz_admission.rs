//! A fuzzer for the admission path (frame bytes → journal record), run for a while on the stable
//! toolchain (cargo-fuzz needs nightly): valid frames of every upload kind are mutated (bytes flipped,
//! inserted, deleted, spliced, fields duplicated) and fed, with pure noise, through the framer and
//! admission exactly as the gateway does. It checks that nothing panics, that every frame becomes one
//! record, that only accepted records carry values, and that every `PW=` value of a stored frame is masked.
//!
//!   cargo run --release -p platform --example fuzz_admission -- 60     # seconds
use hj212::{CrcPolicy, FramerConfig};
use platform::ingest::Devices;
use platform::ingest::admission::{Arrival, Rules, admit, admit_rejected};
use platform::registry::DeviceKey;
use std::time::{Duration, Instant};
use store::{Device, Verdict};

const MN: &str = "88888880000001";
const PW: &str = "p4ssw0rd";

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let cps = [
        (
            "2011",
            "DataTime=20261128080000;a21026-Rtd=12.5,a21026-Flag=N;a34013-Rtd=3.1,a34013-Flag=D",
        ),
        (
            "2051",
            "DataTime=20261128080000;a21026-Min=1,a21026-Avg=2,a21026-Max=3,a21026-Flag=N",
        ),
        (
            "2061",
            "DataTime=20261128070000;w01018-Avg=30.2,w01018-Cou=1.5,w01018-Flag=N",
        ),
        (
            "2031",
            "DataTime=20261127000000;a34013-Avg=9,a34013-Flag=N;i11001-Info=//PW=x//",
        ),
        ("1011", ""),
    ];
    cps.iter()
        .map(|(cn, cp)| {
            let data =
                format!("QN=20261128080000000;ST=31;CN={cn};PW={PW};MN={MN};Flag=5;CP=&&{cp}&&");
            hj212::packet::frame_data_segment(data.as_bytes()).unwrap()
        })
        .collect()
}

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut f = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(f.len() + 1);
        match rng.below(6) {
            0 if at < f.len() => f[at] = rng.next() as u8,
            1 => f.insert(at, b"=;,&-#\r\n0aZ"[rng.below(11)]),
            2 if at < f.len() => {
                f.remove(at);
            }
            3 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len());
                f.splice(at..at, other[from..].iter().take(rng.below(40)).copied());
            }
            4 => {
                let noise: Vec<u8> = (0..rng.below(64)).map(|_| rng.next() as u8).collect();
                f.splice(at..at, noise);
            }
            _ => {}
        }
    }
    // Sometimes re-frame the mutated data segment with a correct CRC, so parsing gets exercised deeper.
    if rng.below(2) == 0
        && f.len() > 12
        && let Ok(framed) = hj212::packet::frame_data_segment(&f[6..f.len() - 6])
    {
        return framed;
    }
    f
}

fn main() {
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10);
    let dir = std::env::temp_dir().join(format!("qingshan-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = DeviceKey::load_or_create(&dir.join("device.key")).unwrap();
    let devices = Devices::new(key);
    devices.replace(vec![Device {
        mn: MN.into(),
        password: PW.into(),
        site_id: "S01".into(),
        protocol: "auto".into(),
        crc_policy: store::CrcPolicy::Lenient,
        realtime_interval_s: 60,
        minute_interval_min: 10,
    }]);
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    let rules = Rules {
        devices: &devices,
        tz: &tz,
        max_backfill_s: 400 * 86_400,
        max_future_s: 15 * 60,
    };
    let arrival = Arrival {
        peer: "10.0.0.1:4000",
        received_at_ms: 1_795_824_000_000,
    };
    let config = FramerConfig::default().with_crc_policy(CrcPolicy::Lenient);
    let seeds = seeds();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ std::process::id() as u64);
    let (start, mut inputs, mut records) = (Instant::now(), 0u64, 0u64);
    let mut verdicts = std::collections::BTreeMap::new();
    while start.elapsed() < Duration::from_secs(seconds) {
        let input: Vec<u8> = if rng.below(10) == 0 {
            (0..rng.below(300)).map(|_| rng.next() as u8).collect()
        } else {
            (0..1 + rng.below(3))
                .flat_map(|_| mutate(&mut rng, &seeds))
                .collect()
        };
        inputs += 1;
        for next in hj212::frames(&input, &config) {
            let a = match next {
                Ok(frame) => admit(&frame, &arrival, &rules),
                Err(rejected) => admit_rejected(&rejected, &arrival, &rules),
            };
            records += 1;
            *verdicts.entry(a.record.verdict.code()).or_insert(0u64) += 1;
            assert!(
                a.record.values.is_empty() || a.record.verdict == Verdict::Accepted,
                "a refused frame carries values: {:?}",
                a.record
            );
            // Every `PW=` value of the stored header is masked (bytes that no longer form a `PW=` field
            // are not a password offered, whatever they spell).
            let raw = &a.record.raw;
            let header_end = raw
                .windows(5)
                .position(|w| w == b"CP=&&")
                .unwrap_or(raw.len());
            let header = &raw[..header_end];
            for (at, _) in header.windows(3).enumerate().filter(|(_, w)| *w == b"PW=") {
                let value = header[at + 3..]
                    .split(|&b| b == b';' || b == b'&')
                    .next()
                    .unwrap_or(&[]);
                assert!(
                    value.iter().all(|&b| b == b'*'),
                    "a PW= value is stored in clear: {:?}",
                    String::from_utf8_lossy(raw)
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "{inputs} inputs, {records} records in {:.0} s ({:.0} inputs/s), no panic, no broken invariant",
        start.elapsed().as_secs_f64(),
        inputs as f64 / start.elapsed().as_secs_f64()
    );
    println!("records by verdict: {verdicts:?}");
}
