//! The figures of the catalogue's indicators for an area and a period, each with the basis it was
//! computed from (which sites, how many valid days or sections, which rule), through the standards engine:
//! air from the stations' daily values (city rule: the mean of the stations' concentrations), water from
//! each section's period mean sample (GB 3838 single factor), emissions from the outlets' hourly quantities
//! against the area's baseline, and hand-entered values (the newest stands).

use super::{Indicator, Period, Source};
use crate::figures::{Cache, city_days, day_start, local_date, period_sample};
use jiff::tz::TimeZone;
use standards::air::Gb3095;
use standards::water::WaterClass;
use store::{Site, SiteKind, Store};

/// A figure and what it was computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub value: f64,
    /// In words: the data and the rule behind it.
    pub basis: String,
}

/// What a computation needs.
pub struct Context<'a> {
    pub tz: &'a TimeZone,
    pub cache: &'a Cache,
    pub now: i64,
}

/// The sites of `kind` in `area` (`city`: all; a county code; `basin:<name>`: on a water body of that basin).
pub(super) fn sites_in(store: &Store, area: &str, kinds: &[SiteKind]) -> store::Result<Vec<Site>> {
    let mut out = Vec::new();
    for s in store
        .sites()?
        .into_iter()
        .filter(|s| kinds.contains(&s.kind))
    {
        let inside = match area.strip_prefix("basin:") {
            Some(basin) => store
                .site_waterbody(&s.id)?
                .and_then(|w| w.basin)
                .is_some_and(|b| b.contains(basin)),
            None => area == "city" || s.county.as_deref() == Some(area),
        };
        if inside {
            out.push(s);
        }
    }
    Ok(out)
}

fn pct(n: usize, of: usize) -> f64 {
    (n as f64 * 1000.0 / of as f64).round() / 10.0
}

/// The figure of `indicator` for `area` over `period` (to date when under way); `None` when there is
/// nothing to compute it from.
pub fn value(
    store: &Store,
    ctx: &Context,
    i: &Indicator,
    area: &str,
    period: Period,
) -> store::Result<Option<Figure>> {
    let (from, end) = period.days();
    let today = local_date(ctx.tz, ctx.now);
    let to = end.min(today.tomorrow().unwrap_or(today));
    if to <= from {
        return Ok(None);
    }
    if i.source == Source::Manual {
        return Ok(store
            .indicator_values()?
            .into_iter()
            .filter(|v| v.area == area && v.indicator == i.id && v.period == period.code())
            .max_by_key(|v| v.id)
            .map(|v| Figure {
                value: v.value,
                basis: format!(
                    "entered by {} (value {}){}",
                    v.entered_by,
                    v.id,
                    v.note.map(|n| format!(": {n}")).unwrap_or_default()
                ),
            }));
    }
    let last = to.yesterday().unwrap_or(from);
    match i.id {
        "air.good_day_ratio" | "air.heavy_days" | "air.pm2_5" | "air.composite_index" => {
            let sites = sites_in(store, area, &[SiteKind::AirStation])?;
            if sites.is_empty() {
                return Ok(None);
            }
            let refs: Vec<&Site> = sites.iter().collect();
            let days = city_days(store, ctx.cache, ctx.tz, &refs, (from, last), ctx.now)?;
            let basis = format!(
                "{} air station(s), {} – {}; {}",
                sites.len(),
                from,
                last,
                i.standard
            );
            let aqi: Vec<Option<u16>> = days.iter().map(|d| d.report.publishable_aqi()).collect();
            let figure = match i.id {
                "air.good_day_ratio" => {
                    let r = standards::air::good_day_ratio(aqi);
                    r.percent().map(|p| {
                        (
                            p.round_half_even(1).to_f64(),
                            format!("{} good of {} valid days", r.good_days, r.valid_days),
                        )
                    })
                }
                "air.heavy_days" => {
                    let valid = aqi.iter().flatten().count();
                    (valid > 0).then(|| {
                        let heavy = aqi.iter().flatten().filter(|a| **a > 200).count();
                        (heavy as f64, format!("{heavy} of {valid} valid days"))
                    })
                }
                _ => {
                    let readings: Vec<_> = days.iter().map(|d| d.readings).collect();
                    let s = standards::composite::period_statistics(&readings);
                    if i.id == "air.pm2_5" {
                        s.pm2_5
                            .map(|c| (c.value().to_f64(), format!("{} days", s.days)))
                    } else {
                        let standard = Gb3095::in_force_on(last);
                        standards::composite::index(standard, &s)
                            .map(|x| (x.to_f64(), format!("{} days, {}", s.days, standard.name())))
                    }
                }
            };
            Ok(figure.map(|(value, n)| Figure {
                value,
                basis: format!("{n}; {basis}"),
            }))
        }
        "water.assessed_good_share"
        | "water.assessed_worse_than_v"
        | "water.function_zone_attainment"
        | "water.drinking_class_iii" => {
            let kinds = if i.id == "water.drinking_class_iii" {
                [SiteKind::DrinkingWaterSource]
            } else {
                [SiteKind::WaterSection]
            };
            let reaches = store.reaches()?;
            let (mut judged, mut counted) = (0, 0);
            for site in sites_in(store, area, &kinds)? {
                let target = crate::rivers::target_of(&reaches, &site.id);
                if i.id == "water.function_zone_attainment" && target.is_none() {
                    continue;
                }
                let Some(class) = period_sample(store, ctx.tz, &site, (from, to))?
                    .and_then(|(kind, s)| standards::water::evaluate(kind, &s).ok())
                    .map(|e| e.class)
                else {
                    continue;
                };
                judged += 1;
                counted += usize::from(match i.id {
                    "water.assessed_worse_than_v" => class == WaterClass::WorseThanV,
                    "water.function_zone_attainment" => target.is_some_and(|t| class <= t),
                    _ => class <= WaterClass::III,
                });
            }
            Ok((judged > 0).then(|| Figure {
                value: pct(counted, judged),
                basis: format!(
                    "{counted} of {judged} site(s) with a valid period mean, {from} – {last}; {}",
                    i.standard
                ),
            }))
        }
        id if id.starts_with("emissions.reduction.") => {
            let param = &id["emissions.reduction.".len()..];
            let Period::Year(year) = period else {
                return Ok(None); // a baseline is a year's total
            };
            let outlets = sites_in(
                store,
                area,
                &[SiteKind::FlueGasOutlet, SiteKind::WastewaterOutlet],
            )?;
            let rows = crate::figures::emissions(
                store,
                ctx.tz,
                &outlets,
                day_start(ctx.tz, from),
                day_start(ctx.tz, to),
            )?;
            let total: f64 = rows
                .iter()
                .filter(|r| r.param == param)
                .map(|r| r.measured_t + r.substituted_t)
                .sum();
            // No quantity at all means no data for the year, not a 100 % cut.
            if total <= 0.0 {
                return Ok(None);
            }
            let baselines = store.baselines()?;
            Ok(crate::permits::baselines::against(&baselines, area, param, i64::from(year), total)
                .and_then(|a| {
                    Some(Figure {
                        value: -a.change_pct?,
                        basis: format!(
                            "{total:.3} t in {} outlet(s) {from} – {last} against {:.3} t in {}{}; {}",
                            outlets.len(),
                            a.baseline_t,
                            a.base_year,
                            if a.simulated { " (simulated baseline)" } else { "" },
                            i.standard
                        ),
                    })
                }))
        }
        _ => Ok(None),
    }
}
