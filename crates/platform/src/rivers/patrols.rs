//! What a patrol counts for, without I/O (workflows.md D): the chief levels, the patrol table per level
//! (how often, how long, how far; Yunnan's values were not found, so the table is a setting whose default
//! is the Akqi county example), the checklist, a GeoJSON track's length, and a chief's completion over a
//! period.

use jiff::civil::Date;
use std::fmt;

/// The five levels of Yunnan's river chiefs (省/州(市)/县/乡/村), highest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Province,
    City,
    County,
    Township,
    Village,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Province,
        Level::City,
        Level::County,
        Level::Township,
        Level::Village,
    ];

    pub fn code(self) -> &'static str {
        ["province", "city", "county", "township", "village"][self as usize]
    }

    pub fn parse(code: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The level's name: (Chinese, English).
    pub fn name(self) -> (&'static str, &'static str) {
        [
            ("省级河长", "provincial chief"),
            ("市级河长", "city chief"),
            ("县级河长", "county chief"),
            ("乡级河长", "township chief"),
            ("村级河长", "village chief"),
        ][self as usize]
    }
}

/// The period a patrol duty is counted over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    Week,
    Month,
    Quarter,
    HalfYear,
    Year,
}

impl Every {
    const ALL: [Every; 5] = [
        Every::Week,
        Every::Month,
        Every::Quarter,
        Every::HalfYear,
        Every::Year,
    ];

    pub fn code(self) -> &'static str {
        ["week", "month", "quarter", "half_year", "year"][self as usize]
    }

    /// The period holding `day`: its first day and the first day of the next.
    pub fn period_of(self, day: Date) -> (Date, Date) {
        let (y, m) = (day.year(), day.month());
        let months = |first: i8, n: i8| {
            let start = jiff::civil::date(y, first, 1);
            let end = start
                .checked_add(jiff::Span::new().months(n))
                .unwrap_or(start);
            (start, end)
        };
        match self {
            Every::Week => {
                let monday = day
                    .checked_sub(
                        jiff::Span::new().days(i64::from(day.weekday().to_monday_zero_offset())),
                    )
                    .unwrap_or(day);
                (
                    monday,
                    monday.checked_add(jiff::Span::new().days(7)).unwrap_or(day),
                )
            }
            Every::Month => months(m, 1),
            Every::Quarter => months((m - 1) / 3 * 3 + 1, 3),
            Every::HalfYear => months(if m <= 6 { 1 } else { 7 }, 6),
            Every::Year => months(1, 12),
        }
    }
}

/// A level's patrol duty: `times` patrols each period, each at least `min_minutes` long and `min_km` along
/// the track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PatrolRule {
    pub times: u32,
    pub every: Every,
    pub min_minutes: u32,
    pub min_km: f64,
}

/// The patrol table, one rule per level (`rivers.patrol`).
#[derive(Debug, Clone, PartialEq)]
pub struct PatrolRules([PatrolRule; 5]);

impl Default for PatrolRules {
    /// The Akqi county example (workflows.md D; unconfirmed for Yunnan): county once a quarter, township
    /// once a month, village once a week, each at least 30 minutes, township and village at least 2 km;
    /// provincial and city chiefs yearly and half-yearly (the Yunnan forest-chief analogue).
    fn default() -> PatrolRules {
        PatrolRules::parse(PatrolRules::DEFAULT).expect("the default patrol table parses")
    }
}

impl PatrolRules {
    pub const DEFAULT: &'static str = "province=1/year,city=1/half_year,county=1/quarter:30min,township=1/month:30min:2km,village=1/week:30min:2km";

    pub fn rule(&self, level: Level) -> PatrolRule {
        self.0[level as usize]
    }

    /// Parses `level=times/period[:Nmin][:Nkm]` items separated by commas; a level left out has no duty
    /// (0 a year).
    pub fn parse(text: &str) -> Result<PatrolRules, String> {
        let none = PatrolRule {
            times: 0,
            every: Every::Year,
            min_minutes: 0,
            min_km: 0.0,
        };
        let mut rules = [none; 5];
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (level, rest) = item
                .split_once('=')
                .ok_or_else(|| format!("{item:?} is not level=times/period"))?;
            let level = Level::parse(level.trim()).ok_or_else(|| {
                format!("{level:?} is not a level (province, city, county, township, village)")
            })?;
            let mut parts = rest.split(':');
            let (times, every) = parts
                .next()
                .and_then(|f| f.split_once('/'))
                .ok_or_else(|| format!("{item:?}: the frequency is not times/period"))?;
            let mut rule = PatrolRule {
                times: times
                    .trim()
                    .parse()
                    .map_err(|_| format!("{item:?}: {times:?} is not a whole number"))?,
                every: Every::ALL
                    .into_iter()
                    .find(|e| e.code() == every.trim())
                    .ok_or_else(|| {
                        format!(
                            "{item:?}: {every:?} is not week, month, quarter, half_year or year"
                        )
                    })?,
                ..none
            };
            for p in parts.map(str::trim) {
                if let Some(n) = p.strip_suffix("min") {
                    rule.min_minutes = n
                        .parse()
                        .map_err(|_| format!("{item:?}: {p:?} is not N min"))?;
                } else if let Some(n) = p.strip_suffix("km") {
                    rule.min_km = n
                        .parse::<f64>()
                        .ok()
                        .filter(|k| k.is_finite() && *k >= 0.0)
                        .ok_or_else(|| format!("{item:?}: {p:?} is not N km"))?;
                } else {
                    return Err(format!("{item:?}: {p:?} is neither Nmin nor Nkm"));
                }
            }
            rules[level as usize] = rule;
        }
        Ok(PatrolRules(rules))
    }
}

impl fmt::Display for PatrolRules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let items: Vec<String> = Level::ALL
            .into_iter()
            .filter(|l| self.rule(*l).times > 0)
            .map(|l| {
                let r = self.rule(l);
                let mut s = format!("{}={}/{}", l.code(), r.times, r.every.code());
                if r.min_minutes > 0 {
                    s += &format!(":{}min", r.min_minutes);
                }
                if r.min_km > 0.0 {
                    s += &format!(":{}km", r.min_km);
                }
                s
            })
            .collect();
        f.write_str(&items.join(","))
    }
}

/// The patrol checklist (workflows.md D, the items public river-chief apps ask): (code, Chinese, English).
pub const CHECKLIST: [(&str, &str, &str); 10] = [
    (
        "garbage",
        "水面漂浮物、岸边垃圾",
        "floating garbage and waste",
    ),
    (
        "colour_odour",
        "水体颜色、气味异常",
        "abnormal colour or odour",
    ),
    ("new_outfall", "新增违法排污口", "new illegal outfall"),
    (
        "outfall_abnormal",
        "排口出水异常、雨水口旱天排水",
        "outfall effluent abnormal, dry-weather flow from rain outfalls",
    ),
    (
        "nearby_discharge",
        "周边企业、养殖场异常排放",
        "abnormal discharge by nearby enterprises or farms",
    ),
    (
        "encroachment",
        "违法建设、倾倒、侵占岸线",
        "illegal structures, dumping, encroachment",
    ),
    ("works_damage", "水利设施损毁", "damage to water works"),
    (
        "illegal_fishing",
        "电鱼、毒鱼",
        "electro- or poison-fishing",
    ),
    (
        "signboard",
        "公示牌、水源保护标志倾斜或损毁",
        "signboards tilted or damaged",
    ),
    (
        "follow_up",
        "前次问题整改情况",
        "follow-up of earlier issues",
    ),
];

/// An answer to a checklist item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Ok,
    Problem,
    NotApplicable,
}

impl Answer {
    pub fn code(self) -> &'static str {
        match self {
            Answer::Ok => "ok",
            Answer::Problem => "problem",
            Answer::NotApplicable => "n/a",
        }
    }

    pub fn parse(code: &str) -> Option<Answer> {
        [Answer::Ok, Answer::Problem, Answer::NotApplicable]
            .into_iter()
            .find(|a| a.code() == code)
    }
}

/// The (lon, lat) points of a GeoJSON LineString (a bare geometry or a Feature holding one), checked:
/// at least two points, each a longitude in [-180, 180] and a latitude in [-90, 90].
pub fn track_points(geojson: &serde_json::Value) -> Result<Vec<(f64, f64)>, String> {
    let geometry = match geojson.get("type").and_then(|t| t.as_str()) {
        Some("Feature") => geojson
            .get("geometry")
            .ok_or("the Feature has no geometry")?,
        _ => geojson,
    };
    if geometry.get("type").and_then(|t| t.as_str()) != Some("LineString") {
        return Err("the track is not a GeoJSON LineString".into());
    }
    let coordinates = geometry
        .get("coordinates")
        .and_then(|c| c.as_array())
        .ok_or("the LineString has no coordinates array")?;
    let points = coordinates
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let xy = p.as_array().filter(|a| a.len() >= 2);
            let n = |k: usize| xy.and_then(|a| a[k].as_f64());
            match (n(0), n(1)) {
                (Some(lon), Some(lat))
                    if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) =>
                {
                    Ok((lon, lat))
                }
                _ => Err(format!(
                    "point {i} of the track is not [longitude, latitude] in range"
                )),
            }
        })
        .collect::<Result<Vec<_>, String>>()?;
    if points.len() < 2 {
        return Err(format!(
            "the track has {} point(s); a patrol's track has at least 2",
            points.len()
        ));
    }
    Ok(points)
}

/// The length of a track in metres: the sum of its segments' great-circle distances.
pub fn length_m(points: &[(f64, f64)]) -> f64 {
    points
        .windows(2)
        .map(|w| crate::registry::areas::metres(w[0], w[1]))
        .sum()
}

/// Why a patrol of `seconds` along `metres` does not count under `rule`; `None`: it counts.
pub fn shortfall(rule: PatrolRule, seconds: i64, metres: f64) -> Option<String> {
    let mut why = Vec::new();
    if seconds < i64::from(rule.min_minutes) * 60 {
        why.push(format!(
            "{} min < {} min",
            seconds.max(0) / 60,
            rule.min_minutes
        ));
    }
    if metres < rule.min_km * 1000.0 {
        why.push(format!("{metres:.0} m < {:.0} m", rule.min_km * 1000.0));
    }
    (!why.is_empty()).then(|| why.join(", "))
}

/// A chief's patrol duty over `[from, to)` (local days): the periods of their level's rule that end
/// within it, how many patrols each needed, and how many counted ones each had (`days`: the local days of
/// their patrols that count). Returns (done, required), each period's done capped at its need. A period
/// still under way at `to` is owed nothing yet: what was done in it counts on both sides, so a chief who
/// has already patrolled this month shows it.
pub fn completion(rule: PatrolRule, days: &[Date], from: Date, to: Date) -> (u32, u32) {
    if rule.times == 0 {
        return (0, 0);
    }
    let (mut done, mut required) = (0, 0);
    let mut period = rule.every.period_of(from);
    while period.0 < to {
        let (start, end) = period;
        let n = days.iter().filter(|d| **d >= start && **d < end).count() as u32;
        done += n.min(rule.times);
        required += if end <= to {
            rule.times
        } else {
            n.min(rule.times)
        };
        period = rule.every.period_of(end);
    }
    (done, required)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn the_default_table_is_the_akqi_example_and_round_trips() {
        let t = PatrolRules::default();
        assert_eq!(
            t.rule(Level::Township),
            PatrolRule {
                times: 1,
                every: Every::Month,
                min_minutes: 30,
                min_km: 2.0
            }
        );
        assert_eq!(t.rule(Level::County).min_km, 0.0);
        assert_eq!(PatrolRules::parse(&t.to_string()).unwrap(), t);
        assert!(
            PatrolRules::parse("town=1/month")
                .unwrap_err()
                .contains("town")
        );
        assert!(
            PatrolRules::parse("village=2/fortnight")
                .unwrap_err()
                .contains("fortnight")
        );
        assert!(PatrolRules::parse("village=1/week:5m").is_err());
    }

    #[test]
    fn a_track_is_a_linestring_of_points_in_range() {
        let ok = serde_json::json!({"type": "LineString", "coordinates": [[103.7, 27.3], [103.71, 27.3]]});
        let points = track_points(&ok).unwrap();
        // 0.01° of longitude at 27.3° N is about 989 m.
        let m = length_m(&points);
        assert!((m - 989.0).abs() < 5.0, "{m}");
        let feature = serde_json::json!({"type": "Feature", "geometry": ok, "properties": {}});
        assert_eq!(track_points(&feature).unwrap(), points);
        for bad in [
            serde_json::json!({"type": "Point", "coordinates": [103.7, 27.3]}),
            serde_json::json!({"type": "LineString", "coordinates": [[103.7, 27.3]]}),
            serde_json::json!({"type": "LineString", "coordinates": [[103.7, 127.3], [1, 2]]}),
            serde_json::json!({"type": "LineString", "coordinates": [["a", "b"], [1, 2]]}),
            serde_json::json!({"type": "LineString"}),
        ] {
            assert!(track_points(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_patrol_short_in_time_or_distance_does_not_count() {
        let village = PatrolRules::default().rule(Level::Village);
        assert_eq!(shortfall(village, 45 * 60, 2500.0), None);
        assert_eq!(
            shortfall(village, 45 * 60, 1480.0).as_deref(),
            Some("1480 m < 2000 m")
        );
        assert_eq!(
            shortfall(village, 20 * 60, 2500.0).as_deref(),
            Some("20 min < 30 min")
        );
        let county = PatrolRules::default().rule(Level::County);
        assert_eq!(shortfall(county, 30 * 60, 10.0), None, "no distance duty");
    }

    #[test]
    fn completion_counts_each_period_up_to_its_need() {
        let monthly = PatrolRules::default().rule(Level::Township);
        let days = [date(2026, 1, 5), date(2026, 1, 20), date(2026, 3, 2)];
        // January twice (counts once), February none, March once: 2 of 3.
        assert_eq!(
            completion(monthly, &days, date(2026, 1, 1), date(2026, 4, 1)),
            (2, 3)
        );
        // A period under way is not owed, and counts once its duty is met.
        assert_eq!(
            completion(monthly, &days, date(2026, 1, 1), date(2026, 3, 15)),
            (2, 3)
        );
        assert_eq!(
            completion(monthly, &days, date(2026, 1, 1), date(2026, 3, 1)),
            (1, 2)
        );
        let weekly = PatrolRules::default().rule(Level::Village);
        // 2026-01-05 is a Monday: four whole weeks to 2 February.
        assert_eq!(
            completion(weekly, &days, date(2026, 1, 5), date(2026, 2, 2)),
            (2, 4)
        );
    }

    proptest! {
        #[test]
        fn periods_tile_the_calendar(y in 2000i16..2100, doy in 0i64..365, k in 0usize..5) {
            let every = Every::ALL[k];
            let day = date(y, 1, 1).checked_add(jiff::Span::new().days(doy)).unwrap();
            let (start, end) = every.period_of(day);
            prop_assert!(start <= day && day < end);
            prop_assert_eq!(every.period_of(end).0, end);
            prop_assert_eq!(every.period_of(start), (start, end));
        }

        #[test]
        fn a_track_is_never_shorter_than_its_ends_apart(
            pts in proptest::collection::vec((103.0f64..105.0, 27.0f64..28.5), 2..20)
        ) {
            let direct = crate::registry::areas::metres(pts[0], *pts.last().unwrap());
            prop_assert!(length_m(&pts) + 1e-6 >= direct);
        }
    }
}
