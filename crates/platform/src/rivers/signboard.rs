//! A reach's public signboard (河长公示牌, workflows.md D): its chiefs, their duties, the reach's target,
//! the supervision phone, and the latest class of its sections. Names and offices only: never accounts.

use super::patrols::Level;
use crate::figures::{WaterNow, water_now};
use store::{Reach, Store, Waterbody};

/// The six tasks of a river chief (《关于全面推行河长制的意见》): (Chinese, English).
pub const DUTIES: [(&str, &str); 6] = [
    ("加强水资源保护", "protect water resources"),
    (
        "加强河湖水域岸线管理保护",
        "manage and protect waters and shorelines",
    ),
    ("加强水污染防治", "prevent and control water pollution"),
    ("加强水环境治理", "improve the water environment"),
    ("加强水生态修复", "restore aquatic ecosystems"),
    ("加强执法监管", "enforce the law"),
];

/// What the signboard shows.
#[derive(Debug, Clone)]
pub struct Signboard {
    pub reach: Reach,
    pub waterbody: Option<Waterbody>,
    /// (level, name, office), highest level first.
    pub chiefs: Vec<(Level, String, Option<String>)>,
    /// Each section's current state (class of its latest valid hour).
    pub sections: Vec<WaterNow>,
}

/// Every reach's signboard.
pub fn signboards(store: &Store, now: i64) -> store::Result<Vec<Signboard>> {
    let waterbodies = store.waterbodies()?;
    let chiefs = store.reach_chiefs(None)?;
    let water = water_now(store, now)?;
    Ok(store
        .reaches()?
        .into_iter()
        .map(|reach| {
            let mut mine: Vec<(Level, String, Option<String>)> = chiefs
                .iter()
                .filter(|c| c.reach_id == reach.id)
                .filter_map(|c| Some((Level::parse(&c.level)?, c.name.clone(), c.title.clone())))
                .collect();
            mine.sort_by_key(|c| c.0);
            Signboard {
                waterbody: waterbodies
                    .iter()
                    .find(|w| w.id == reach.waterbody_id)
                    .cloned(),
                chiefs: mine,
                sections: water
                    .iter()
                    .filter(|w| reach.sections.contains(&w.site.id))
                    .cloned()
                    .collect(),
                reach,
            }
        })
        .collect())
}
