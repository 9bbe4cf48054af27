//! Heavy-pollution weather warning levels (重污染天气预警分级) from a forecast of daily AQI.
//!
//! The national scheme since 2018 (环办大气函〔2018〕875号) has three levels, yellow, orange and red; the
//! 2017 MEP version had a fourth, blue. Regions may set stricter triggers, so a scheme is data: a
//! [`WarningScheme`] is a list of [`LevelCriterion`]s, built in ([`WarningScheme::national_2018`],
//! [`WarningScheme::mep_2017`]) or read from the CSV layout of `warning_levels.csv` ([`WarningScheme::parse_csv`]).
//!
//! A forecast is a sequence of daily AQI values, one per forecast "day" (a rolling 24 hours that may cross
//! midnight). An *episode* is a maximal run of consecutive days with AQI above the criterion's threshold
//! (200 in both national schemes); the level is the most severe whose criterion some episode meets.

use std::fmt;
use std::ops::Range;

/// A warning level, ordered by severity (blue < yellow < orange < red).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WarningLevel {
    /// 蓝色预警 (IV级): only in the 2017 four-level scheme.
    Blue,
    /// 黄色预警 (III级).
    Yellow,
    /// 橙色预警 (II级).
    Orange,
    /// 红色预警 (I级).
    Red,
}

impl WarningLevel {
    /// The English colour name: `blue`, `yellow`, `orange`, `red`.
    pub fn name(self) -> &'static str {
        ["blue", "yellow", "orange", "red"][self as usize]
    }

    /// The Chinese name: `蓝色`, `黄色`, `橙色`, `红色`.
    pub fn chinese_name(self) -> &'static str {
        ["蓝色", "黄色", "橙色", "红色"][self as usize]
    }

    /// The grade: `IV`, `III`, `II`, `I` (I is the most severe).
    pub fn grade(self) -> &'static str {
        ["IV", "III", "II", "I"][self as usize]
    }

    /// The level named `blue`, `yellow`, `orange` or `red` (or 蓝色, 黄色, 橙色, 红色).
    pub fn from_name(name: &str) -> Option<WarningLevel> {
        let name = name.trim();
        [
            WarningLevel::Blue,
            WarningLevel::Yellow,
            WarningLevel::Orange,
            WarningLevel::Red,
        ]
        .into_iter()
        .find(|l| l.name().eq_ignore_ascii_case(name) || l.chinese_name() == name)
    }
}

impl fmt::Display for WarningLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A stricter condition inside an episode: AQI above `aqi_above` on at least `min_days` consecutive days
/// ("日AQI>300持续2天").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SevereCondition {
    /// The threshold (300 in the national schemes); AQI must be strictly above it.
    pub aqi_above: u16,
    /// Minimum number of consecutive days above it within the episode (≥ 1).
    pub min_days: u32,
}

/// The trigger of one warning level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LevelCriterion {
    /// The level this criterion triggers.
    pub level: WarningLevel,
    /// The episode threshold (200 in the national schemes); AQI must be strictly above it.
    pub aqi_above: u16,
    /// Minimum length of the episode, days (≥ 1).
    pub min_days: u32,
    /// An additional condition inside the episode, if any.
    pub severe: Option<SevereCondition>,
    /// Alternatively, the level is triggered by any day whose AQI reaches this value (500 for red).
    pub or_aqi_reaches: Option<u16>,
}

impl LevelCriterion {
    /// The episode (a range of forecast days) that meets the criterion, the first one if several do.
    fn find(&self, forecast: &[u16]) -> Option<Range<usize>> {
        let reached = self
            .or_aqi_reaches
            .and_then(|reach| forecast.iter().position(|&a| a >= reach));
        if let Some(day) = reached {
            // Report the whole episode around that day when there is one.
            return Some(episode_around(forecast, day, self.aqi_above));
        }
        episodes(forecast, self.aqi_above).find(|e| {
            e.len() as u32 >= self.min_days
                && self
                    .severe
                    .is_none_or(|s| longest_run(&forecast[e.clone()], s.aqi_above) >= s.min_days)
        })
    }
}

/// Maximal runs of consecutive days with AQI > `above`.
fn episodes(forecast: &[u16], above: u16) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        while start < forecast.len() && forecast[start] <= above {
            start += 1;
        }
        if start >= forecast.len() {
            return None;
        }
        let end = start + forecast[start..].iter().take_while(|&&a| a > above).count();
        let e = start..end;
        start = end;
        Some(e)
    })
}

fn episode_around(forecast: &[u16], day: usize, above: u16) -> Range<usize> {
    episodes(forecast, above)
        .find(|e| e.contains(&day))
        .unwrap_or(day..day + 1)
}

fn longest_run(days: &[u16], above: u16) -> u32 {
    let (mut best, mut run) = (0, 0);
    for &a in days {
        run = if a > above { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// The warning a forecast calls for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarningDecision {
    /// The level.
    pub level: WarningLevel,
    /// The forecast days (indices into the forecast) of the episode that triggers it.
    pub episode: Range<usize>,
}

/// Why a warning scheme is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WarningError {
    /// The scheme has no criterion.
    #[error("warning scheme {0:?} has no level")]
    Empty(String),
    /// Two criteria for the same level.
    #[error("warning scheme {scheme:?} defines level {level} twice")]
    DuplicateLevel {
        /// The scheme.
        scheme: String,
        /// The level.
        level: WarningLevel,
    },
    /// A duration of zero days.
    #[error("warning scheme {scheme:?}, level {level}: a duration must be at least one day")]
    ZeroDays {
        /// The scheme.
        scheme: String,
        /// The level.
        level: WarningLevel,
    },
    /// A CSV line that cannot be read.
    #[error("warning scheme CSV line {line}: {message}")]
    Csv {
        /// 1-based line number.
        line: usize,
        /// What is wrong, naming the value.
        message: String,
    },
}

/// A set of warning-level criteria (national or local).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarningScheme {
    name: String,
    /// Most severe first.
    criteria: Vec<LevelCriterion>,
}

impl WarningScheme {
    /// A scheme from its criteria, checked: at least one, each level at most once, durations ≥ 1 day.
    pub fn new(
        name: impl Into<String>,
        mut criteria: Vec<LevelCriterion>,
    ) -> Result<WarningScheme, WarningError> {
        let name = name.into();
        if criteria.is_empty() {
            return Err(WarningError::Empty(name));
        }
        criteria.sort_by_key(|c| std::cmp::Reverse(c.level));
        for pair in criteria.windows(2) {
            if pair[0].level == pair[1].level {
                return Err(WarningError::DuplicateLevel {
                    scheme: name,
                    level: pair[0].level,
                });
            }
        }
        for c in &criteria {
            if c.min_days == 0 || c.severe.is_some_and(|s| s.min_days == 0) {
                return Err(WarningError::ZeroDays {
                    scheme: name,
                    level: c.level,
                });
            }
        }
        Ok(WarningScheme { name, criteria })
    }

    /// The national three-level scheme (环办大气函〔2018〕875号, as relayed by local plans):
    /// - yellow: forecast daily AQI > 200 for ≥ 2 consecutive days;
    /// - orange: AQI > 200 for ≥ 3 days, with AQI > 300 on at least one of them;
    /// - red: AQI > 200 for ≥ 4 days with AQI > 300 on ≥ 2 consecutive days, or AQI reaching 500 on any day.
    pub fn national_2018() -> WarningScheme {
        WarningScheme {
            name: "2018 national (环办大气函〔2018〕875号)".to_string(),
            criteria: vec![
                red(),
                orange(),
                criterion(WarningLevel::Yellow, 2, None, None),
            ],
        }
    }

    /// The 2017 MEP four-level scheme: the three levels of [`national_2018`](Self::national_2018) plus
    /// blue, forecast daily AQI > 200 for one day.
    pub fn mep_2017() -> WarningScheme {
        WarningScheme {
            name: "2017 MEP four-level".to_string(),
            criteria: vec![
                red(),
                orange(),
                criterion(WarningLevel::Yellow, 2, None, None),
                criterion(WarningLevel::Blue, 1, None, None),
            ],
        }
    }

    /// The scheme's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The criteria, most severe first.
    pub fn criteria(&self) -> &[LevelCriterion] {
        &self.criteria
    }

    /// The warning level a forecast of daily AQI calls for: the most severe level whose criterion some
    /// episode of the forecast meets (so "higher level not reached" holds for the others), or `None`.
    pub fn level(&self, forecast: &[u16]) -> Option<WarningDecision> {
        self.criteria.iter().find_map(|c| {
            c.find(forecast).map(|episode| WarningDecision {
                level: c.level,
                episode,
            })
        })
    }

    /// Reads schemes from CSV in the layout of `warning_levels.csv`: a header naming the columns
    /// `scheme`, `level`, `aqi_gt_threshold`, `min_days_above_threshold`, `aqi_gt_severe`,
    /// `min_days_above_severe` and `aqi_reaches` (others are ignored; empty cells mean "no condition"),
    /// one row per level; rows are grouped into schemes by `scheme`, in order of first appearance.
    pub fn parse_csv(text: &str) -> Result<Vec<WarningScheme>, WarningError> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let (_, header) = lines.next().ok_or(WarningError::Csv {
            line: 1,
            message: "empty".into(),
        })?;
        let header = split_csv_line(header);
        let column = |name: &str| {
            header
                .iter()
                .position(|h| h.trim() == name)
                .ok_or_else(|| WarningError::Csv {
                    line: 1,
                    message: format!("missing column {name:?}"),
                })
        };
        let cols = [
            column("scheme")?,
            column("level")?,
            column("aqi_gt_threshold")?,
            column("min_days_above_threshold")?,
            column("aqi_gt_severe")?,
            column("min_days_above_severe")?,
            column("aqi_reaches")?,
        ];
        let mut schemes: Vec<(String, Vec<LevelCriterion>)> = Vec::new();
        for (i, line) in lines {
            let f = split_csv_line(line);
            let line = i + 1;
            let cell = |k: usize| f.get(cols[k]).map(|s| s.trim()).unwrap_or("");
            let err = |message: String| WarningError::Csv { line, message };
            let number = |k: usize| -> Result<Option<u32>, WarningError> {
                let s = cell(k);
                if s.is_empty() {
                    return Ok(None);
                }
                s.parse()
                    .map(Some)
                    .map_err(|_| err(format!("{:?} is not a whole number", s)))
            };
            let aqi = |k: usize| -> Result<Option<u16>, WarningError> {
                number(k)?
                    .map(|n| u16::try_from(n).map_err(|_| err(format!("AQI {n} is too large"))))
                    .transpose()
            };
            let level = WarningLevel::from_name(cell(1))
                .ok_or_else(|| err(format!("unknown level {:?}", cell(1))))?;
            let aqi_above = aqi(2)?.ok_or_else(|| err("aqi_gt_threshold is empty".into()))?;
            let min_days =
                number(3)?.ok_or_else(|| err("min_days_above_threshold is empty".into()))?;
            let severe = match (aqi(4)?, number(5)?) {
                (Some(aqi_above), days) => Some(SevereCondition {
                    aqi_above,
                    min_days: days.unwrap_or(1),
                }),
                (None, None) => None,
                (None, Some(_)) => {
                    return Err(err("min_days_above_severe without aqi_gt_severe".into()));
                }
            };
            let c = LevelCriterion {
                level,
                aqi_above,
                min_days,
                severe,
                or_aqi_reaches: aqi(6)?,
            };
            let name = cell(0).to_string();
            match schemes.iter_mut().find(|(n, _)| *n == name) {
                Some((_, list)) => list.push(c),
                None => schemes.push((name, vec![c])),
            }
        }
        schemes
            .into_iter()
            .map(|(name, criteria)| WarningScheme::new(name, criteria))
            .collect()
    }
}

fn criterion(
    level: WarningLevel,
    min_days: u32,
    severe: Option<SevereCondition>,
    reaches: Option<u16>,
) -> LevelCriterion {
    LevelCriterion {
        level,
        aqi_above: 200,
        min_days,
        severe,
        or_aqi_reaches: reaches,
    }
}

fn orange() -> LevelCriterion {
    criterion(
        WarningLevel::Orange,
        3,
        Some(SevereCondition {
            aqi_above: 300,
            min_days: 1,
        }),
        None,
    )
}

fn red() -> LevelCriterion {
    criterion(
        WarningLevel::Red,
        4,
        Some(SevereCondition {
            aqi_above: 300,
            min_days: 2,
        }),
        Some(500),
    )
}

/// Splits one CSV line, honouring double quotes.
fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                if let Some(f) = fields.last_mut() {
                    f.push('"');
                }
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            _ => {
                if let Some(f) = fields.last_mut() {
                    f.push(c);
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use WarningLevel::*;

    fn level(forecast: &[u16]) -> Option<WarningLevel> {
        WarningScheme::national_2018()
            .level(forecast)
            .map(|d| d.level)
    }

    #[test]
    fn national_2018_levels() {
        assert_eq!(level(&[150, 201, 180, 250]), None);
        assert_eq!(level(&[150, 201, 250, 120]), Some(Yellow));
        // 200 is not "above 200"
        assert_eq!(level(&[200, 200, 200]), None);
        // 3 days > 200 without > 300: still yellow
        assert_eq!(level(&[210, 220, 230]), Some(Yellow));
        assert_eq!(level(&[210, 301, 230]), Some(Orange));
        // 4 days with one day > 300: orange (red needs two consecutive)
        assert_eq!(level(&[210, 301, 230, 240]), Some(Orange));
        assert_eq!(level(&[210, 301, 230, 301]), Some(Orange));
        assert_eq!(level(&[210, 301, 330, 240]), Some(Red));
        // 500 on a single day is red
        assert_eq!(level(&[120, 500, 100]), Some(Red));
        // two short episodes do not add up
        assert_eq!(level(&[210, 301, 150, 310, 320]), Some(Yellow));
        assert_eq!(level(&[]), None);
    }

    #[test]
    fn decision_names_the_episode() {
        let d = WarningScheme::national_2018()
            .level(&[100, 150, 210, 301, 330, 240, 90])
            .unwrap();
        assert_eq!((d.level, d.episode), (Red, 2..6));
    }

    #[test]
    fn mep_2017_has_blue() {
        let s = WarningScheme::mep_2017();
        assert_eq!(s.level(&[150, 201, 180]).map(|d| d.level), Some(Blue));
        assert_eq!(s.level(&[201, 210]).map(|d| d.level), Some(Yellow));
    }

    #[test]
    fn local_schemes_are_data() {
        // A stricter local plan: orange on 3 days > 200 without the > 300 condition.
        let csv = "scheme,level,aqi_gt_threshold,min_days_above_threshold,aqi_gt_severe,min_days_above_severe,aqi_reaches\n\
                   local,yellow,200,2,,,\n\
                   local,orange,200,3,,,\n\
                   local,red,200,4,300,2,500\n";
        let schemes = WarningScheme::parse_csv(csv).unwrap();
        assert_eq!(schemes.len(), 1);
        assert_eq!(
            schemes[0].level(&[210, 220, 230]).map(|d| d.level),
            Some(Orange)
        );
        let bad = "scheme,level,aqi_gt_threshold,min_days_above_threshold,aqi_gt_severe,min_days_above_severe,aqi_reaches\n\
                   local,purple,200,2,,,\n";
        assert!(matches!(
            WarningScheme::parse_csv(bad),
            Err(WarningError::Csv { line: 2, .. })
        ));
        let twice = vec![
            criterion(Yellow, 2, None, None),
            criterion(Yellow, 3, None, None),
        ];
        assert!(matches!(
            WarningScheme::new("x", twice),
            Err(WarningError::DuplicateLevel { .. })
        ));
        assert!(matches!(
            WarningScheme::new("x", vec![criterion(Yellow, 0, None, None)]),
            Err(WarningError::ZeroDays { .. })
        ));
    }
}
