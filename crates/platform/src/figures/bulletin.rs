//! The quarterly drinking-water bulletin.

use super::air::*;
use super::calendar::*;
use super::water::*;
use jiff::tz::TimeZone;
use standards::Decimal;
use standards::water::{self, WaterClass};
use std::collections::BTreeMap;
use store::{Period, Site, SiteKind, Store};

// ---------------------------------------------------------------------------------------------------------
// Quarterly drinking-water bulletin.

/// One exceeding parameter of a source in a quarter, with its largest multiple.
#[derive(Debug, Clone)]
pub struct Exceedance {
    pub item: String,
    pub item_zh: String,
    pub max_multiple: Option<Decimal>,
    pub samples: u32,
}

/// One source's line of the quarterly bulletin.
#[derive(Debug, Clone)]
pub struct BulletinRow {
    pub site: Site,
    /// Monthly samples evaluated (monthly means of the quarter's valid hourly values).
    pub samples: u32,
    pub compliant_samples: u32,
    /// Intake volume of the quarter (m³) from the flow series, when the source reports one.
    pub volume_m3: Option<f64>,
    /// Intake volume in compliant months (m³).
    pub compliant_volume_m3: Option<f64>,
    pub exceedances: Vec<Exceedance>,
    /// Worst monthly class of the quarter.
    pub worst_class: Option<WaterClass>,
    /// Each evaluated month: whether it complied and its class.
    pub months: Vec<((i16, i8), bool, Option<WaterClass>)>,
}

impl BulletinRow {
    /// The source complies in the quarter when every sample does.
    pub fn compliant(&self) -> bool {
        self.samples > 0 && self.compliant_samples == self.samples
    }
}

/// The bulletin of a quarter (1–4) of `year`.
#[derive(Debug, Clone)]
pub struct Bulletin {
    pub year: i16,
    pub quarter: u8,
    /// The quarter's three months.
    pub months: Vec<(i16, i8)>,
    pub rows: Vec<BulletinRow>,
}

impl Bulletin {
    /// Sources assessed (with at least one sample).
    pub fn assessed(&self) -> usize {
        self.rows.iter().filter(|r| r.samples > 0).count()
    }
    /// Sources compliant in every sample.
    pub fn compliant_sources(&self) -> usize {
        self.rows.iter().filter(|r| r.compliant()).count()
    }
    /// Total and compliant intake volume over the sources that report one.
    pub fn volumes(&self) -> Option<(f64, f64)> {
        let with: Vec<_> = self
            .rows
            .iter()
            .filter_map(|r| Some((r.volume_m3?, r.compliant_volume_m3?)))
            .collect();
        (!with.is_empty()).then(|| with.iter().fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1)))
    }
}

/// The English and Chinese names of a drinking-water item.
pub fn item_names(item: &water::DrinkingItem) -> (String, String) {
    match item {
        water::DrinkingItem::Basic(p) | water::DrinkingItem::Supplementary(p) => {
            (p.english_name().to_string(), p.chinese_name().to_string())
        }
        water::DrinkingItem::Specific(i) => {
            (i.english_name.to_string(), i.chinese_name.to_string())
        }
    }
}

/// The quarterly drinking-water bulletin: per source, each month of the quarter is a sample (the mean of
/// the month's valid hourly values), judged by `standards::water::drinking_source_compliance`.
pub fn bulletin(store: &Store, tz: &TimeZone, year: i16, quarter: u8) -> store::Result<Bulletin> {
    let q = quarter.clamp(1, 4) as i8;
    let first_month = (q - 1) * 3 + 1;
    let from = day_start(tz, jiff::civil::date(year, first_month, 1));
    let to = day_start(tz, next_month(year, first_month + 2));
    let mut rows = Vec::new();
    for site in store
        .sites()?
        .into_iter()
        .filter(|s| s.kind == SiteKind::DrinkingWaterSource)
    {
        let kind = waterbody_kind(store, &site)?;
        let samples = water_samples(store, &site.id, Period::Hour, from, to, |t| {
            local_month(tz, t)
        })?;
        // Monthly intake volume: Σ hourly mean flow (m³/h) × 1 h.
        let mut volume: BTreeMap<(i16, i8), f64> = BTreeMap::new();
        for (t, mean, valid) in means(store, &site.id, FLOW_PARAM, Period::Hour, from, to)? {
            if let (true, Some(v)) = (valid, mean) {
                *volume.entry(local_month(tz, t)).or_default() += v;
            }
        }
        let mut row = BulletinRow {
            site: site.clone(),
            samples: 0,
            compliant_samples: 0,
            volume_m3: (!volume.is_empty()).then(|| volume.values().sum()),
            compliant_volume_m3: (!volume.is_empty()).then_some(0.0),
            exceedances: Vec::new(),
            worst_class: None,
            months: Vec::new(),
        };
        for (month, sample) in &samples {
            let Ok(c) = water::drinking_source_compliance(kind, sample, &[]) else {
                continue;
            };
            row.samples += 1;
            row.worst_class = row.worst_class.max(c.basic_class);
            row.months.push((*month, c.compliant(), c.basic_class));
            if c.compliant() {
                row.compliant_samples += 1;
                if let (Some(cv), Some(v)) = (row.compliant_volume_m3.as_mut(), volume.get(month)) {
                    *cv += v;
                }
            }
            for f in &c.failures {
                let (en, zh) = item_names(&f.item);
                match row.exceedances.iter_mut().find(|e| e.item == en) {
                    Some(e) => {
                        e.samples += 1;
                        e.max_multiple = e.max_multiple.max(f.exceedance);
                    }
                    None => row.exceedances.push(Exceedance {
                        item: en,
                        item_zh: zh,
                        max_multiple: f.exceedance,
                        samples: 1,
                    }),
                }
            }
        }
        rows.push(row);
    }
    Ok(Bulletin {
        year,
        quarter: q as u8,
        months: (0..3).map(|i| (year, first_month + i)).collect(),
        rows,
    })
}
