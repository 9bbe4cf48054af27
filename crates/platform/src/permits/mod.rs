//! Emission permits (排污许可证, workflows.md B): an enterprise's permit in versions by date, its outlets
//! (registered sites: main or general), the permitted concentration limit per outlet and pollutant (with
//! its averaging period, reference O2, and seasonal limits), and the permitted annual quantity per main
//! outlet and pollutant. A determination uses the version in force at the data's time ([`in_force`]).
//!
//! One input shape ([`PermitInput`]) for the permit file (`qingshan permit import`, TOML or CSV: see
//! [`file`]) and the JSON API; one validation ([`PermitInput::validate`]); one write ([`import`]), all or
//! nothing, each version audited in the same transaction.

pub mod baselines;
pub mod file;

use crate::registry::Actor;
use crate::{Error, Result};
use jiff::civil::Date;
use serde::Deserialize;
use store::{Permit, PermitAnnual, PermitLimit, PermitOutlet, SiteKind, Store};

/// A permit as a file or a request describes it, before validation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermitInput {
    pub number: String,
    pub enterprise: String,
    #[serde(default)]
    pub authority: Option<String>,
    pub valid_from: String,
    pub valid_to: String,
    #[serde(default, rename = "outlet")]
    pub outlets: Vec<OutletInput>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutletInput {
    pub site: String,
    /// `main` or `general`.
    pub kind: String,
    #[serde(default, rename = "limit")]
    pub limits: Vec<LimitInput>,
    #[serde(default)]
    pub annual: Vec<AnnualInput>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitInput {
    pub param: String,
    pub limit: f64,
    pub unit: String,
    /// `hour` or `day`.
    pub averaging: String,
    #[serde(default)]
    pub reference_o2: Option<f64>,
    /// A seasonal or special limit: first and last day it applies each year, `MM-DD`.
    #[serde(default)]
    pub season_from: Option<String>,
    #[serde(default)]
    pub season_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnualInput {
    pub param: String,
    pub tonnes: f64,
}

/// Units a permitted concentration may be given in.
pub const UNITS: &[&str] = &["mg/m3", "mg/L", "ug/m3", "ng-TEQ/m3", "pH"];

fn invalid(number: &str, en: String, zh: String) -> Error {
    Error::invalid_both(
        format!("permit {number:?}: {en}"),
        format!("许可证“{number}”：{zh}"),
    )
}

fn date(number: &str, field: &str, text: &str) -> Result<Date> {
    text.parse::<Date>().map_err(|_| {
        invalid(
            number,
            format!("{field} {text:?} is not a date (YYYY-MM-DD)"),
            format!("{field}“{text}”不是日期（YYYY-MM-DD）"),
        )
    })
}

/// `MM-DD`, a day that exists in a leap year.
fn month_day(number: &str, text: &str) -> Result<String> {
    match format!("2024-{text}").parse::<Date>() {
        Ok(_) if text.len() == 5 => Ok(text.to_string()),
        _ => Err(invalid(
            number,
            format!("season day {text:?} is not MM-DD"),
            format!("季节日期“{text}”应为 MM-DD"),
        )),
    }
}

impl PermitInput {
    /// Checks every field, that the enterprise and the outlets exist and the outlets are the enterprise's,
    /// and that no other enterprise holds the number ([`Error::Conflict`]); names the first problem.
    pub fn validate(self, store: &Store) -> Result<Permit> {
        let n = self.number.trim().to_string();
        if n.is_empty() || n.len() > 64 || !n.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::invalid_both(
                format!(
                    "permit number {:?} must be 1 to 64 printable ASCII characters",
                    self.number
                ),
                format!(
                    "许可证编号“{}”须为 1 至 64 个可打印 ASCII 字符",
                    self.number
                ),
            ));
        }
        let (from, to) = (
            date(&n, "valid_from", &self.valid_from)?,
            date(&n, "valid_to", &self.valid_to)?,
        );
        if to < from {
            return Err(invalid(
                &n,
                format!("valid_to {to} is before valid_from {from}"),
                format!("有效期止 {to} 早于有效期起 {from}"),
            ));
        }
        let enterprise = store
            .enterprises()?
            .into_iter()
            .find(|e| e.id == self.enterprise)
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "permit {n:?}: enterprise {:?} does not exist",
                    self.enterprise
                ))
            })?;
        if let Some(other) = store
            .permits()?
            .into_iter()
            .find(|v| v.number == n && v.enterprise_id != enterprise.id)
        {
            return Err(Error::Conflict(format!(
                "permit number {n:?} belongs to enterprise {}",
                other.enterprise_id
            )));
        }
        let sites = store.sites()?;
        let mut outlets: Vec<PermitOutlet> = Vec::new();
        for o in self.outlets {
            let site = sites.iter().find(|s| s.id == o.site).ok_or_else(|| {
                Error::NotFound(format!("permit {n:?}: site {:?} does not exist", o.site))
            })?;
            if site.enterprise_id.as_deref() != Some(enterprise.id.as_str()) {
                return Err(invalid(
                    &n,
                    format!(
                        "site {} is not an outlet of enterprise {}",
                        site.id, enterprise.id
                    ),
                    format!("点位 {} 不是企业 {} 的排口", site.id, enterprise.id),
                ));
            }
            if !matches!(
                site.kind,
                SiteKind::FlueGasOutlet | SiteKind::WastewaterOutlet | SiteKind::RiverOutfall
            ) {
                return Err(invalid(
                    &n,
                    format!("site {} is a {}, not an outlet", site.id, site.kind),
                    format!("点位 {} 不是排口", site.id),
                ));
            }
            if outlets.iter().any(|known| known.site_id == o.site) {
                return Err(invalid(
                    &n,
                    format!("outlet {} is listed twice", o.site),
                    format!("排口 {} 重复", o.site),
                ));
            }
            if !matches!(o.kind.as_str(), "main" | "general") {
                return Err(invalid(
                    &n,
                    format!("outlet {} kind {:?} is not main or general", o.site, o.kind),
                    format!(
                        "排口 {} 类型“{}”应为 main（主要排放口）或 general（一般排放口）",
                        o.site, o.kind
                    ),
                ));
            }
            let mut limits: Vec<PermitLimit> = Vec::new();
            for l in o.limits {
                limits.push(limit(&n, &o.site, l)?);
                let last = limits.last().expect("just pushed");
                let same = limits
                    .iter()
                    .filter(|k| k.param == last.param && k.season == last.season)
                    .count();
                if same > 1 {
                    return Err(invalid(
                        &n,
                        format!(
                            "outlet {} has two limits for {} in the same season",
                            o.site, last.param
                        ),
                        format!("排口 {} 的 {} 在同一时段有两个限值", o.site, last.param),
                    ));
                }
            }
            let mut annual: Vec<PermitAnnual> = Vec::new();
            for a in o.annual {
                check_param(&n, &a.param)?;
                if o.kind != "main" {
                    return Err(invalid(
                        &n,
                        format!(
                            "annual quantities belong to main outlets; {} is {}",
                            o.site, o.kind
                        ),
                        format!("许可排放量只适用于主要排放口；{} 不是", o.site),
                    ));
                }
                if !(a.tonnes.is_finite() && a.tonnes > 0.0)
                    || annual.iter().any(|k| k.param == a.param)
                {
                    return Err(invalid(
                        &n,
                        format!(
                            "outlet {} annual {}: tonnes {} must be positive, once per pollutant",
                            o.site, a.param, a.tonnes
                        ),
                        format!(
                            "排口 {} 的 {} 年许可排放量须为正数且每种污染物一项",
                            o.site, a.param
                        ),
                    ));
                }
                annual.push(PermitAnnual {
                    param: a.param,
                    tonnes: a.tonnes,
                });
            }
            outlets.push(PermitOutlet {
                site_id: o.site,
                kind: o.kind,
                limits,
                annual,
            });
        }
        Ok(Permit {
            id: 0,
            number: n,
            enterprise_id: enterprise.id,
            authority: self
                .authority
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty()),
            valid_from: from.to_string(),
            valid_to: to.to_string(),
            outlets,
        })
    }
}

fn check_param(number: &str, param: &str) -> Result<()> {
    if crate::ingest::admission::is_factor_code(param) {
        Ok(())
    } else {
        Err(invalid(
            number,
            format!("param {param:?} is not an HJ 212 factor code"),
            format!("污染物代码“{param}”不是 HJ 212 因子编码"),
        ))
    }
}

fn limit(number: &str, site: &str, l: LimitInput) -> Result<PermitLimit> {
    check_param(number, &l.param)?;
    if !(l.limit.is_finite() && l.limit > 0.0) {
        return Err(invalid(
            number,
            format!(
                "outlet {site} {}: limit {} must be a positive number",
                l.param, l.limit
            ),
            format!("排口 {site} 的 {} 限值须为正数", l.param),
        ));
    }
    if !UNITS.contains(&l.unit.as_str()) {
        return Err(invalid(
            number,
            format!(
                "outlet {site} {}: unit {:?} is not one of {}",
                l.param,
                l.unit,
                UNITS.join(", ")
            ),
            format!(
                "排口 {site} 的 {} 单位“{}”应为 {} 之一",
                l.param,
                l.unit,
                UNITS.join("、")
            ),
        ));
    }
    if !matches!(l.averaging.as_str(), "hour" | "day") {
        return Err(invalid(
            number,
            format!(
                "outlet {site} {}: averaging {:?} is not hour or day",
                l.param, l.averaging
            ),
            format!(
                "排口 {site} 的 {} 均值周期“{}”应为 hour 或 day",
                l.param, l.averaging
            ),
        ));
    }
    if let Some(o2) = l.reference_o2
        && !(0.0..21.0).contains(&o2)
    {
        return Err(invalid(
            number,
            format!(
                "outlet {site} {}: reference_o2 {o2} is outside 0–21 %",
                l.param
            ),
            format!("排口 {site} 的 {} 基准含氧量 {o2} 超出 0–21 %", l.param),
        ));
    }
    let season = match (l.season_from, l.season_to) {
        (None, None) => None,
        (Some(a), Some(b)) => Some((month_day(number, &a)?, month_day(number, &b)?)),
        _ => {
            return Err(invalid(
                number,
                format!(
                    "outlet {site} {}: give season_from and season_to together",
                    l.param
                ),
                format!("排口 {site} 的 {} 季节起止日期须同时填写", l.param),
            ));
        }
    };
    Ok(PermitLimit {
        param: l.param,
        limit: l.limit,
        unit: l.unit,
        averaging: l.averaging,
        reference_o2: l.reference_o2,
        season,
    })
}

/// Stores permit versions, all or nothing, each with its audit entry, in one transaction, and queues
/// their outlets' days for determination under the new limits.
pub fn import(
    store: &mut Store,
    tz: &jiff::tz::TimeZone,
    actor: &Actor,
    permits: &[Permit],
) -> Result<Vec<i64>> {
    let now = jiff::Timestamp::now().as_second();
    store.in_transaction(|s| {
        let mut ids = Vec::with_capacity(permits.len());
        for p in permits {
            let id = s.put_permit(p)?;
            // Its limits judge its outlets' data again, back to its first day (or a year).
            crate::determinations::queue_permit(s, tz, p, now)?;
            let limits: usize = p.outlets.iter().map(|o| o.limits.len()).sum();
            s.audit(
                actor.as_str(),
                "upsert_permit",
                &p.number,
                Some(&format!(
                    "version #{id} {} – {}, enterprise {}: {} outlets, {limits} limits",
                    p.valid_from,
                    p.valid_to,
                    p.enterprise_id,
                    p.outlets.len()
                )),
            )?;
            ids.push(id);
        }
        Ok(ids)
    })
}

/// The permit version in force at `site` on `day`: among the versions covering the site and the day,
/// the one that began last; and that version's outlet.
pub fn in_force<'a>(
    permits: &'a [Permit],
    site: &str,
    day: Date,
) -> Option<(&'a Permit, &'a PermitOutlet)> {
    let day = day.to_string();
    permits
        .iter()
        .filter(|p| p.valid_from <= day && day <= p.valid_to)
        .filter_map(|p| p.outlets.iter().find(|o| o.site_id == site).map(|o| (p, o)))
        .max_by(|a, b| a.0.valid_from.cmp(&b.0.valid_from))
}

/// The limit of `param` at an outlet on `day`: a seasonal limit whose season holds the day (a season may
/// run over the new year, `11-15` to `03-15`), else the all-year one.
pub fn limit_on<'a>(outlet: &'a PermitOutlet, param: &str, day: Date) -> Option<&'a PermitLimit> {
    let md = format!("{:02}-{:02}", day.month(), day.day());
    let in_season = |(from, to): &(String, String)| {
        if from <= to {
            from.as_str() <= md.as_str() && md.as_str() <= to.as_str()
        } else {
            md.as_str() >= from.as_str() || md.as_str() <= to.as_str()
        }
    };
    let of_param = || outlet.limits.iter().filter(|l| l.param == param);
    of_param()
        .find(|l| l.season.as_ref().is_some_and(in_season))
        .or_else(|| of_param().find(|l| l.season.is_none()))
}

/// Whether a permit version ends within `days` of `today` (or has ended): the console warns 60 days ahead.
pub fn expires_within(p: &Permit, today: Date, days: i64) -> bool {
    p.valid_to
        .parse::<Date>()
        .ok()
        .and_then(|end| {
            today
                .checked_add(jiff::Span::new().days(days))
                .ok()
                .map(|horizon| end <= horizon)
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::{Enterprise, Site};

    fn store_with_outlets() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store =
            store::sqlite::connect_file(&dir.path().join("p.db"), store::Durability::Normal)
                .unwrap();
        for e in ["E01", "E02"] {
            store
                .upsert_enterprise(&Enterprise {
                    id: e.into(),
                    name: e.into(),
                    county: None,
                })
                .unwrap();
        }
        for (id, kind, e) in [
            ("S01", SiteKind::FlueGasOutlet, "E01"),
            ("S02", SiteKind::FlueGasOutlet, "E02"),
            ("A01", SiteKind::AirStation, "E01"),
        ] {
            store
                .upsert_site(&Site {
                    id: id.into(),
                    name: id.into(),
                    kind,
                    county: None,
                    lon: None,
                    lat: None,
                    enterprise_id: Some(e.into()),
                    emission_standard: None,
                    simulated: false,
                })
                .unwrap();
        }
        (dir, store)
    }

    fn input(valid_from: &str, limit: f64) -> PermitInput {
        PermitInput {
            number: "P1".into(),
            enterprise: "E01".into(),
            authority: None,
            valid_from: valid_from.into(),
            valid_to: "2030-12-31".into(),
            outlets: vec![OutletInput {
                site: "S01".into(),
                kind: "main".into(),
                limits: vec![
                    LimitInput {
                        param: "a21026".into(),
                        limit,
                        unit: "mg/m3".into(),
                        averaging: "hour".into(),
                        reference_o2: Some(6.0),
                        season_from: None,
                        season_to: None,
                    },
                    LimitInput {
                        param: "a21026".into(),
                        limit: 25.0,
                        unit: "mg/m3".into(),
                        averaging: "hour".into(),
                        reference_o2: Some(6.0),
                        season_from: Some("11-15".into()),
                        season_to: Some("03-15".into()),
                    },
                ],
                annual: vec![AnnualInput {
                    param: "a21026".into(),
                    tonnes: 120.0,
                }],
            }],
        }
    }

    fn refused(store: &Store, change: impl FnOnce(&mut PermitInput)) -> String {
        let mut i = input("2026-01-01", 35.0);
        change(&mut i);
        i.validate(store).unwrap_err().to_string()
    }

    #[test]
    fn validation_names_what_is_wrong() {
        let (_dir, store) = store_with_outlets();
        assert!(input("2026-01-01", 35.0).validate(&store).is_ok());
        assert!(
            refused(&store, |i| i.valid_to = "2025-12-31".into()).contains("before valid_from")
        );
        assert!(refused(&store, |i| i.valid_from = "2026-02-30".into()).contains("not a date"));
        assert!(refused(&store, |i| i.enterprise = "E09".into()).contains("E09"));
        assert!(
            refused(&store, |i| i.outlets[0].site = "S02".into())
                .contains("not an outlet of enterprise E01")
        );
        assert!(refused(&store, |i| i.outlets[0].site = "A01".into()).contains("not an outlet"));
        assert!(refused(&store, |i| i.outlets[0].kind = "side".into()).contains("main or general"));
        assert!(refused(&store, |i| i.outlets[0].limits[0].unit = "kg".into()).contains("unit"));
        assert!(refused(&store, |i| i.outlets[0].limits[0].limit = f64::NAN).contains("positive"));
        assert!(
            refused(&store, |i| i.outlets[0].limits[0].reference_o2 = Some(21.0))
                .contains("reference_o2")
        );
        assert!(refused(&store, |i| i.outlets[0].limits[1].season_to = None).contains("together"));
        assert!(
            refused(&store, |i| i.outlets[0].limits[1].season_from =
                Some("02-30".into()))
            .contains("MM-DD")
        );
        assert!(
            refused(&store, |i| i.outlets[0].limits[1].season_from = None).contains("together")
        );
        assert!(
            refused(&store, |i| {
                let again = i.outlets[0].limits[0].clone();
                i.outlets[0].limits.push(again);
            })
            .contains("two limits")
        );
        assert!(refused(&store, |i| i.outlets[0].kind = "general".into()).contains("main outlets"));
        assert!(
            refused(&store, |i| i.outlets[0].limits[0].param = "SO2!".into())
                .contains("factor code")
        );
    }

    #[test]
    fn the_version_in_force_and_the_seasonal_limit_are_picked_by_date() {
        let (_dir, mut store) = store_with_outlets();
        let first = input("2026-01-01", 35.0).validate(&store).unwrap();
        let renewed = input("2028-01-01", 30.0).validate(&store).unwrap();
        import(
            &mut store,
            &jiff::tz::TimeZone::UTC,
            &Actor::new("test"),
            &[first, renewed],
        )
        .unwrap();
        let all = store.permits().unwrap();
        let day = |s: &str| s.parse::<Date>().unwrap();
        let (p, o) = in_force(&all, "S01", day("2027-06-01")).unwrap();
        assert_eq!(
            (
                p.valid_from.as_str(),
                limit_on(o, "a21026", day("2027-06-01")).unwrap().limit
            ),
            ("2026-01-01", 35.0)
        );
        let (p, o) = in_force(&all, "S01", day("2029-06-01")).unwrap();
        assert_eq!(
            (
                p.valid_from.as_str(),
                limit_on(o, "a21026", day("2029-06-01")).unwrap().limit
            ),
            ("2028-01-01", 30.0)
        );
        // The winter limit, across the new year.
        assert_eq!(
            limit_on(o, "a21026", day("2029-12-01")).unwrap().limit,
            25.0
        );
        assert_eq!(
            limit_on(o, "a21026", day("2029-02-01")).unwrap().limit,
            25.0
        );
        assert_eq!(
            limit_on(o, "a21026", day("2029-03-16")).unwrap().limit,
            30.0
        );
        assert!(in_force(&all, "S01", day("2025-12-31")).is_none());
        assert!(in_force(&all, "S01", day("2031-01-01")).is_none());
        assert!(expires_within(p, day("2030-11-01"), 60));
        assert!(!expires_within(p, day("2030-10-01"), 60));
        let audit = store.audit_log(10).unwrap();
        assert_eq!(
            audit.iter().filter(|e| e.action == "upsert_permit").count(),
            2
        );
    }
}
