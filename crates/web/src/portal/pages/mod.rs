//! The portal's pages. Each page is a view and a render step: `view` reads what the page shows from the
//! store through `platform::figures` into a plain struct (testable without HTML), and `render` turns that
//! struct into [`Html`] (escaped by construction, see [`super::html`]). The page function the router calls
//! is the two in sequence.
//!
//! - [`labels`]: names, colours, badges and legends shared by the pages;
//! - [`home`], [`air`], [`water`], [`bulletin`], [`emitters`], [`rivers`]: one file per page;
//! - [`downloads`]: the bulletin as CSV and XLSX.

mod air;
mod bulletin;
mod downloads;
mod emitters;
mod home;
mod labels;
mod rankings;
mod rivers;
mod water;

pub use air::{AirView, air};
pub use bulletin::{BULLETIN_YEARS, BulletinView, bulletin, quarter_of};
pub use downloads::{bulletin_csv, bulletin_xlsx};
pub use emitters::{EmittersView, emitters};
pub use home::{HomeView, home};
pub use labels::class_colour;
pub use rankings::{RankingsView, rankings_page};
pub use rivers::{RiversView, rivers};
pub use water::{WaterView, water};

use super::html::Html;
use super::svg::{self, Bar, Cell, Line, MapPoint};
use super::{Ctx, Lang, Page, ink};
use crate::{html, write_html};
use jiff::civil::Date;
use labels::*;
use platform::figures::{self as data, AIR_PARAMS, AirNow, Bulletin, NoData, WaterNow};
use standards::Pollutant;
use standards::aqi::{AqiReport, HourlyReadings, IndicatorSet, Level};
use standards::water::{ClassCounts, WaterClass, WaterStatus};
use std::collections::{BTreeMap, HashMap};
use store::{Site, Store};

type Q = HashMap<String, String>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn ctx(lang: Lang) -> Ctx {
        Ctx {
            tz: jiff::tz::TimeZone::get("Asia/Shanghai").unwrap(),
            lang,
            now: 1_795_824_000,
            figures: Arc::default(),
            targets: super::super::Targets::default(),
            city_air_stations: Arc::from([]),
            score_method: None,
            map_layer: Arc::new(super::super::map_layer(None)),
            here: "/".into(),
        }
    }

    /// Views are plain data: a page renders from a hand-built view, without a database.
    #[test]
    fn pages_render_from_views_without_a_store() {
        let en = ctx(Lang::En);
        let home = home::render(
            &en,
            &HomeView {
                air: vec![],
                water: vec![],
                city_stations: 0,
                city: None,
                good_hours: 3,
                valid_hours: 4,
                warning: data::city_warning(&[]),
            },
        );
        let body = home.body.as_str();
        assert!(
            body.contains("No heavy-pollution warning in effect."),
            "{body}"
        );
        assert!(body.contains(">3/4</div>"), "good hours of valid hours");
        let air = air::render(
            &ctx(Lang::Zh),
            &AirView {
                air: vec![],
                selected: None,
                hours30: BTreeMap::new(),
                station_days: Arc::default(),
                city_days: vec![],
            },
        );
        assert!(air.body.as_str().contains("尚未登记空气监测站。"));
        let emitters = emitters::render(
            &en,
            &EmittersView {
                emitters: vec![],
                year: Arc::default(),
            },
        );
        assert_eq!(emitters.title, "Key emitters: automatic monitoring");
        // An outlet's year to date against its permitted quantities: over for SO2, under for NOx.
        let site = store::Site {
            id: "S01".into(),
            name: "1号锅炉".into(),
            kind: store::SiteKind::FlueGasOutlet,
            county: None,
            lon: None,
            lat: None,
            enterprise_id: Some("E01".into()),
            emission_standard: None,
            simulated: false,
        };
        let row = |param: &str, total_t: f64, permitted_t: Option<f64>| data::EmissionRow {
            site: "S01".into(),
            param: param.into(),
            measured_t: total_t - 0.5,
            substituted_t: 0.5,
            total_t,
            permitted_t,
            unaccounted_hours: 0,
        };
        let emitters = emitters::render(
            &en,
            &EmittersView {
                emitters: vec![data::EmitterNow {
                    enterprise: store::Enterprise {
                        id: "E01".into(),
                        name: "电厂".into(),
                        county: None,
                    },
                    outlets: vec![data::OutletNow {
                        site,
                        hour: None,
                        values: vec![],
                        hours_elapsed: 10,
                        preliminary: (0, 0),
                        no_data: Some(data::NoData::NeverReceived),
                    }],
                }],
                year: Arc::new(vec![
                    row("a21026", 130.5, Some(120.0)),
                    row("a21002", 12.25, Some(806.4)),
                ]),
            },
        );
        let body = emitters.body.as_str();
        assert!(body.contains("Year to date (t, preliminary)"), "{body}");
        assert!(
            body.contains(
                r#"SO2 <span class="exceed">130.5</span> <span class="muted">/ 120</span>"#
            ),
            "{body}"
        );
        assert!(
            body.contains(
                r#"NOx <span class="prelim">12.25</span> <span class="muted">/ 806.4</span>"#
            ),
            "{body}"
        );
        assert!(
            body.contains("measured 130 t, substituted (HJ 75) 0.5 t"),
            "{body}"
        );
    }
}
