//! Fleets: the demo city's devices (Zhaotong's 56 monitoring points, `data/zhaotong/stations.csv`) or a
//! synthetic load fleet, named deterministically from a seed so the platform can register exactly the
//! devices the simulator drives.

use crate::devices::{Character, DeviceKind, DeviceSpec, QUIRK_KINDS, Quirks, Stack};
use crate::rng::{hash, text};

/// Which fleet to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// The demo city: the Zhaotong sites in order (air, water, sources), then synthetic extras.
    Demo,
    /// A load fleet: flue-gas outlets `LOAD0001`, `LOAD0002`, … with no quirks.
    Load,
}

impl Profile {
    /// The share of devices with a quirk when none is asked for: 15 % in the demo, none under load.
    pub fn default_quirk_share(self) -> f64 {
        match self {
            Profile::Demo => 0.15,
            Profile::Load => 0.0,
        }
    }
}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "demo" => Ok(Profile::Demo),
            "load" => Ok(Profile::Load),
            other => Err(format!("unknown profile {other:?} (expected demo or load)")),
        }
    }
}

/// A demo site: `stations.csv` id and what drives its values.
struct DemoSite {
    id: &'static str,
    kind: DeviceKind,
    character: Character,
}

const fn air(id: &'static str, pm_scale: f64) -> DemoSite {
    DemoSite {
        id,
        kind: DeviceKind::AirStation,
        character: Character::Air { pm_scale },
    }
}

const fn water(id: &'static str, class: u8, reservoir: bool) -> DemoSite {
    DemoSite {
        id,
        kind: DeviceKind::WaterSection,
        character: Character::Water { class, reservoir },
    }
}

const fn stack(id: &'static str, s: Stack) -> DemoSite {
    DemoSite {
        id,
        kind: DeviceKind::FlueGasOutlet,
        character: Character::Stack(s),
    }
}

const fn effluent(id: &'static str, m3_per_day: f64, mine: bool) -> DemoSite {
    DemoSite {
        id,
        kind: DeviceKind::WastewaterOutlet,
        character: Character::Effluent { m3_per_day, mine },
    }
}

/// The Zhaotong sites (ids of `../shared/data/zhaotong/stations.csv`). Air multipliers: the two national
/// stations' 2019 PM2.5 (20.8 and 17.4 against the city's 19.1, calibration.json), the county seats'
/// 2023-H1 PM2.5 against the city's 25; background and industrial sites invented. Water classes follow the
/// README's synthetic assumptions; WWTP flows are 85 % of the design capacities in the notes.
const DEMO: [DemoSite; 56] = [
    air("A01", 20.8 / 19.1),
    air("A02", 17.4 / 19.1),
    air("A03", 20.0 / 25.0),
    air("A04", 21.0 / 25.0),
    air("A05", 29.0 / 25.0),
    air("A06", 18.0 / 25.0),
    air("A07", 19.0 / 25.0),
    air("A08", 28.0 / 25.0),
    air("A09", 27.0 / 25.0),
    air("A10", 18.0 / 25.0),
    air("A11", 28.0 / 25.0),
    air("A12", 36.0 / 25.0),
    air("A13", 0.55),
    air("A14", 1.3),
    water("W01", 2, false),
    water("W02", 2, false),
    water("W03", 2, false),
    water("W04", 2, false),
    water("W05", 3, false),
    water("W06", 3, false),
    water("W07", 2, false),
    water("W08", 3, false),
    water("W09", 3, false),
    water("W10", 2, false),
    water("W11", 2, false),
    water("W12", 3, false),
    water("W13", 2, true),
    water("W14", 3, true),
    water("W15", 3, true),
    water("W16", 5, false),
    stack("S01", Stack::CoalPower),
    stack("S02", Stack::CoalPower),
    stack("S03", Stack::Furnace),
    stack("S04", Stack::Furnace),
    stack("S05", Stack::Furnace),
    effluent("S06", 3_000.0, true),
    stack("S07", Stack::Furnace),
    stack("S08", Stack::Furnace),
    stack("S09", Stack::Cement),
    stack("S10", Stack::Cement),
    stack("S11", Stack::Cement),
    effluent("S12", 4_500.0, true),
    effluent("S13", 3_000.0, true),
    effluent("S14", 4_500.0, true),
    effluent("S15", 6_000.0, true),
    effluent("P01", 102_000.0, false),
    effluent("P02", 25_500.0, false),
    effluent("P03", 21_250.0, false),
    effluent("P04", 12_750.0, false),
    effluent("P05", 8_500.0, false),
    effluent("P06", 17_000.0, false),
    effluent("P07", 12_750.0, false),
    effluent("P08", 42_500.0, false),
    effluent("P09", 21_250.0, false),
    effluent("P10", 17_000.0, false),
    effluent("P11", 17_000.0, false),
];

/// The number of real demo sites; [`fleet`] adds synthetic ones beyond it.
pub const DEMO_SITES: usize = DEMO.len();

/// `n` devices of `profile`, named from `seed`, with the profile's default share of quirky devices.
pub fn fleet(seed: u64, n: usize, profile: Profile) -> Vec<DeviceSpec> {
    fleet_with_quirks(seed, n, profile, profile.default_quirk_share())
}

/// `n` devices of `profile` named from `seed`; `quirk_share` (0–1) of them get one quirk each, the kinds
/// of [`QUIRK_KINDS`] handed out in turn, so six or more quirky devices cover every kind.
pub fn fleet_with_quirks(
    seed: u64,
    n: usize,
    profile: Profile,
    quirk_share: f64,
) -> Vec<DeviceSpec> {
    let salt = match profile {
        Profile::Demo => text("demo"),
        Profile::Load => text("load"),
    };
    let quirky = ((quirk_share.clamp(0.0, 1.0) * n as f64).round() as usize).min(n);
    // Rank devices by a seeded hash; the first `quirky` get quirks.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| hash(&[seed, salt, text("quirk"), i as u64]));
    let mut quirks = vec![Quirks::default(); n];
    for (rank, &i) in order.iter().take(quirky).enumerate() {
        quirks[i] = QUIRK_KINDS[rank % QUIRK_KINDS.len()].quirks();
    }
    (0..n)
        .map(|i| {
            let (site_id, kind, character) = match profile {
                Profile::Demo if i < DEMO.len() => {
                    let s = &DEMO[i];
                    (s.id.to_string(), s.kind, s.character)
                }
                Profile::Demo => {
                    // Beyond the city: cycle through the demo sites' characters under new ids.
                    let s = &DEMO[i % DEMO.len()];
                    (format!("X{:04}", i + 1), s.kind, s.character)
                }
                Profile::Load => (
                    format!("LOAD{:04}", i + 1),
                    DeviceKind::FlueGasOutlet,
                    Character::Stack(Stack::Furnace),
                ),
            };
            let h = hash(&[seed, salt, i as u64]);
            let q = quirks[i];
            let mn = if q.dialect == crate::devices::Dialect::V2005 {
                format!("QS{:05}{:07}", i % 100_000, h % 10_000_000)
            } else {
                let prefix = if profile == Profile::Load {
                    "10AD"
                } else {
                    "5306"
                };
                format!("{prefix}{:04X}{:016X}", i % 0x10000, h)
            };
            DeviceSpec {
                index: i as u32,
                mn,
                password: password(hash(&[seed, salt, text("pw"), i as u64])),
                kind,
                site_id,
                character,
                quirks: q,
                realtime_interval_s: kind.realtime_interval_s(),
                minute_interval_min: kind.minute_interval_min().unwrap_or(10),
            }
        })
        .collect()
}

fn password(mut h: u64) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    (0..6)
        .map(|_| {
            let c = ALPHABET[(h % ALPHABET.len() as u64) as usize] as char;
            h /= ALPHABET.len() as u64;
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::Dialect;
    use std::collections::HashSet;

    #[test]
    fn fleets_are_deterministic_unique_and_quirky_as_asked() {
        let a = fleet(7, 60, Profile::Demo);
        assert_eq!(a, fleet(7, 60, Profile::Demo));
        assert_ne!(a[0].mn, fleet(8, 60, Profile::Demo)[0].mn);
        let mns: HashSet<_> = a.iter().map(|d| d.mn.clone()).collect();
        assert_eq!(mns.len(), 60);
        assert_eq!(a[0].site_id, "A01");
        assert_eq!(a[59].site_id, "X0060");
        assert_eq!(a.iter().filter(|d| !d.quirks.is_conforming()).count(), 9);
        for d in &a {
            let want = if d.quirks.dialect == Dialect::V2005 {
                14
            } else {
                24
            };
            assert_eq!(d.mn.len(), want, "{}", d.mn);
            assert_eq!(d.password.len(), 6);
        }
        let all = fleet_with_quirks(1, 12, Profile::Demo, 1.0);
        let kinds: HashSet<_> = all.iter().flat_map(|d| d.quirks.names()).collect();
        assert_eq!(kinds.len(), 6, "{kinds:?}");
        let load = fleet(7, 3, Profile::Load);
        assert!(
            load.iter()
                .all(|d| d.quirks.is_conforming() && d.mn.starts_with("10AD"))
        );
    }
}
