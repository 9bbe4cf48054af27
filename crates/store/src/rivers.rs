//! River chiefs as stored (河长制, workflows.md D): reaches of the registry's water bodies, the chiefs of
//! each reach at each level, and the chiefs' patrols. The platform's `rivers` capability decides what a
//! patrol counts for; a patrol's findings are cases.

/// A reach (河段): a stretch of a river, lake or reservoir with its chiefs.
#[derive(Debug, Clone, PartialEq)]
pub struct Reach {
    pub id: String,
    pub waterbody_id: String,
    pub name: String,
    /// Where it starts and ends, in words (a bridge, a village, a county line).
    pub start_point: Option<String>,
    pub end_point: Option<String>,
    /// The counties it runs through (codes), the first the one its cases go to.
    pub counties: Vec<String>,
    /// The monitoring sections (site ids) on it.
    pub sections: Vec<String>,
    /// The GB 3838 class it is to meet (管护目标): `I` … `V`.
    pub target_class: Option<String>,
    pub length_km: Option<f64>,
    /// The supervision phone on its signboard (监督电话).
    pub phone: Option<String>,
    /// Its course as (lon, lat) points, to place a complaint on it; may be empty.
    pub course: Vec<(f64, f64)>,
}

/// A chief of a reach at one level (province, city, county, township, village).
#[derive(Debug, Clone, PartialEq)]
pub struct ReachChief {
    pub reach_id: String,
    pub level: String,
    pub name: String,
    /// Their office (职务), shown on the signboard.
    pub title: Option<String>,
    /// The account they sign in with (the river-chief role), if any.
    pub account: Option<String>,
}

/// A patrol of a reach by one of its chiefs, as recorded (the track as sent).
#[derive(Debug, Clone, PartialEq)]
pub struct Patrol {
    /// 0 until stored.
    pub id: i64,
    pub reach_id: String,
    /// The chief's account name.
    pub chief: String,
    /// The level they patrolled at.
    pub level: String,
    pub started_at: i64,
    pub ended_at: i64,
    /// The GeoJSON LineString as received.
    pub track: String,
    /// The track's length along the ground, metres.
    pub distance_m: f64,
    /// Whether it counts towards the chief's patrol duty; if not, why (`shortfall`).
    pub counts: bool,
    pub shortfall: Option<String>,
    /// The checklist's answers, JSON: `{"item": "ok" | "problem" | "n/a"}`.
    pub checklist: String,
    pub note: Option<String>,
    /// Who recorded it (the chief, or staff for them).
    pub created_by: String,
    pub created_at: i64,
}

/// A list as one text column (`;` between items; an item never holds one).
pub(crate) fn join(items: &[String]) -> String {
    items.join(";")
}

pub(crate) fn split(text: &str) -> Vec<String> {
    text.split(';')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A course as one text column: `lon,lat` points between `;`.
pub(crate) fn course_text(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .map(|(x, y)| format!("{x},{y}"))
        .collect::<Vec<_>>()
        .join(";")
}

pub(crate) fn course_points(text: &str) -> crate::Result<Vec<(f64, f64)>> {
    split(text)
        .iter()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap_or((p, ""));
            match (x.parse(), y.parse()) {
                (Ok(x), Ok(y)) => Ok((x, y)),
                _ => Err(crate::StoreError::Corrupt(format!(
                    "a reach's course point {p:?} is not lon,lat"
                ))),
            }
        })
        .collect()
}
