//! River chiefs (河长制; issue 15 item 3; workflows.md D): the registry's rivers and lakes divided into
//! reaches, each with its chiefs at every level (Yunnan's five: province to village) and its monitoring
//! sections; chiefs' patrols (a GeoJSON track judged against the level's duty, [`patrols`]), whose
//! findings open cases on the reach; orders (交办单) from a chief to a lower-level chief or a unit, which
//! are cases too; a section below its reach's target class raising an alarm to the chiefs ([`watch`]);
//! and the assessment per chief and reach ([`assessment`]).
//!
//! Every change goes through the permission table (`registry.write` for reaches, `patrols.record`,
//! `orders.issue`; a river chief's jurisdiction is their reaches) and writes its audit entry in its
//! transaction.

pub mod assessment;
pub mod patrols;
pub mod signboard;
pub mod watch;

use crate::accounts::{Action, Principal, Role, Target};
use crate::cases::{self, CaseAction};
use crate::registry::areas::CountyLayer;
use crate::{Error, Result};
use patrols::{Answer, CHECKLIST, Level, PatrolRules};
use serde::Deserialize;
use standards::water::WaterClass;
use store::{Attachment, Case, Patrol, Reach, ReachChief, Store};

/// The river chiefs' settings (`rivers.*`).
#[derive(Debug, Clone, PartialEq)]
pub struct RiverSettings {
    /// The patrol duty per level (`rivers.patrol`).
    pub patrol: PatrolRules,
    /// A complaint with a point this close to a reach's course is about the reach
    /// (`rivers.complaint_metres`).
    pub complaint_metres: f64,
}

impl Default for RiverSettings {
    fn default() -> RiverSettings {
        RiverSettings {
            patrol: PatrolRules::default(),
            complaint_metres: 500.0,
        }
    }
}

/// Who may see and change a reach: its chiefs, and the county its cases go to.
pub fn target(r: &Reach) -> Target<'_> {
    Target::Reach {
        id: &r.id,
        county: r.counties.first().map(String::as_str),
    }
}

/// A chief as the API or the registry file sends it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChiefInput {
    pub level: String,
    pub name: String,
    pub title: Option<String>,
    /// The account (river-chief role) they sign in with.
    pub account: Option<String>,
}

/// A reach as the API or the registry file sends it, not yet checked.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReachInput {
    pub id: String,
    pub waterbody_id: String,
    pub name: String,
    pub start_point: Option<String>,
    pub end_point: Option<String>,
    pub counties: Vec<String>,
    #[serde(default)]
    pub sections: Vec<String>,
    pub target_class: Option<String>,
    pub length_km: Option<f64>,
    pub phone: Option<String>,
    /// Its course, `[[lon, lat], ...]`.
    #[serde(default)]
    pub course: Vec<[f64; 2]>,
    #[serde(default)]
    pub chiefs: Vec<ChiefInput>,
}

fn words(v: &Option<String>, max: usize, what: &str) -> Result<Option<String>> {
    match v.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) if t.chars().count() > max || t.chars().any(char::is_control) => {
            Err(Error::invalid(format!(
                "{what} is longer than {max} characters or holds control characters"
            )))
        }
        Some(t) => Ok(Some(t.to_string())),
    }
}

/// The class a reach is to meet, from its label (`III`, or 1–5).
pub fn parse_class(label: &str) -> Option<WaterClass> {
    WaterClass::GRADED
        .into_iter()
        .find(|c| c.label() == label || c.number().to_string() == label)
}

/// The target class of the section `site`: its reach's, when a reach with a target has it.
pub fn target_of(reaches: &[Reach], site: &str) -> Option<WaterClass> {
    reaches
        .iter()
        .find(|r| r.sections.iter().any(|s| s == site))
        .and_then(|r| r.target_class.as_deref())
        .and_then(parse_class)
}

/// Checks a reach against the registry: its water body, counties and sections exist (sections are water
/// sections), its class is I–V, its chiefs' levels are known and their accounts are river chiefs.
pub fn validate(store: &Store, r: &ReachInput) -> Result<(Reach, Vec<ReachChief>)> {
    let id = r.id.trim();
    if id.is_empty()
        || id.len() > 32
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::invalid(format!(
            "reach id {id:?} is not 1–32 letters, digits, - or _"
        )));
    }
    let name = words(&Some(r.name.clone()), 100, "name")?
        .ok_or_else(|| Error::invalid("a reach needs a name"))?;
    if !store.waterbodies()?.iter().any(|w| w.id == r.waterbody_id) {
        return Err(Error::NotFound(format!(
            "water body {:?} does not exist",
            r.waterbody_id
        )));
    }
    if r.counties.is_empty() {
        return Err(Error::invalid("a reach runs through at least one county"));
    }
    let counties = store.counties()?;
    for c in &r.counties {
        if !counties.iter().any(|k| &k.code == c) {
            return Err(Error::NotFound(format!("county {c:?} does not exist")));
        }
    }
    for s in &r.sections {
        match store.site(s)? {
            Some(site) if site.kind == store::SiteKind::WaterSection => {}
            Some(_) => return Err(Error::invalid(format!("site {s:?} is not a water section"))),
            None => return Err(Error::NotFound(format!("site {s:?} does not exist"))),
        }
    }
    let target_class = match r.target_class.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(label) => Some(
            parse_class(label)
                .ok_or_else(|| Error::invalid(format!("target_class {label:?} is not I–V")))?
                .label()
                .to_string(),
        ),
    };
    if r.length_km.is_some_and(|k| !k.is_finite() || k <= 0.0) {
        return Err(Error::invalid("length_km is not a positive number"));
    }
    if r.course
        .iter()
        .any(|[x, y]| !(-180.0..=180.0).contains(x) || !(-90.0..=90.0).contains(y))
    {
        return Err(Error::invalid(
            "a course point is not [longitude, latitude] in range",
        ));
    }
    let mut chiefs = Vec::new();
    for c in &r.chiefs {
        let level = Level::parse(c.level.trim()).ok_or_else(|| {
            Error::invalid(format!(
                "chief level {:?} is not province, city, county, township or village",
                c.level
            ))
        })?;
        let name = words(&Some(c.name.clone()), 50, "a chief's name")?
            .ok_or_else(|| Error::invalid("a chief needs a name"))?;
        let account = words(&c.account, 64, "a chief's account")?;
        if let Some(a) = &account {
            let acc = crate::accounts::account_named(store, a)?;
            if acc.role != Role::RiverChief.code() {
                return Err(Error::invalid(format!(
                    "account {a:?} is not a river chief (its role is {})",
                    acc.role
                )));
            }
        }
        chiefs.push(ReachChief {
            reach_id: id.into(),
            level: level.code().into(),
            name,
            title: words(&c.title, 50, "a chief's title")?,
            account,
        });
    }
    let reach = Reach {
        id: id.into(),
        waterbody_id: r.waterbody_id.clone(),
        name,
        start_point: words(&r.start_point, 100, "start_point")?,
        end_point: words(&r.end_point, 100, "end_point")?,
        counties: r.counties.clone(),
        sections: r.sections.clone(),
        target_class,
        length_km: r.length_km,
        phone: words(&r.phone, 30, "phone")?,
        course: r.course.iter().map(|[x, y]| (*x, *y)).collect(),
    };
    Ok((reach, chiefs))
}

/// Creates or replaces a reach and its chiefs, in one transaction with the audit entry. The accounts of
/// its chiefs get the reach in their jurisdiction, and accounts no longer its chiefs lose it.
pub fn register_reach(store: &mut Store, who: &Principal, input: &ReachInput) -> Result<Reach> {
    let actor = who.actor();
    store.in_transaction(|s| {
        let (reach, chiefs) = validate(s, input)?;
        who.require(Action::RegistryWrite, target(&reach))?;
        let before = s.reach(&reach.id)?;
        if let Some(old) = &before {
            who.require(Action::RegistryWrite, target(old))?;
        }
        s.put_reach(&reach)?;
        s.set_reach_chiefs(&reach.id, &chiefs)?;
        for mut acc in s.accounts()? {
            let chief = chiefs.iter().any(|c| c.account.as_ref() == Some(&acc.name));
            let has = acc.scopes.reaches.contains(&reach.id);
            if chief != has {
                if chief {
                    acc.scopes.reaches.push(reach.id.clone());
                } else {
                    acc.scopes.reaches.retain(|r| r != &reach.id);
                }
                s.update_account(&acc)?;
                s.audit(
                    actor.as_str(),
                    "account_scope",
                    &format!("account {}", acc.name),
                    Some(&format!(
                        "reach {} {}",
                        reach.id,
                        if chief {
                            "added (its chief)"
                        } else {
                            "removed (no longer its chief)"
                        }
                    )),
                )?;
            }
        }
        s.audit(
            actor.as_str(),
            if before.is_some() {
                "reach_update"
            } else {
                "reach_create"
            },
            &format!("reach {}", reach.id),
            Some(&format!(
                "{} ({}), counties {}, sections {}, target {}, {} chiefs",
                reach.name,
                reach.waterbody_id,
                reach.counties.join(","),
                reach.sections.join(","),
                reach.target_class.as_deref().unwrap_or("none"),
                chiefs.len()
            )),
        )?;
        Ok(reach)
    })
}

/// The reach `id`.
pub fn reach(store: &Store, id: &str) -> Result<Reach> {
    store
        .reach(id)?
        .ok_or_else(|| Error::NotFound(format!("reach {id:?} does not exist")))
}

/// The reach whose course passes nearest (lon, lat), within `within` metres.
pub fn reach_at(store: &Store, lon: f64, lat: f64, within: f64) -> store::Result<Option<Reach>> {
    Ok(store
        .reaches()?
        .into_iter()
        .filter_map(|r| {
            let d = crate::registry::areas::metres_to_line((lon, lat), &r.course)?;
            (d <= within).then_some((d, r))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, r)| r))
}

/// A finding of a patrol: what was seen, where, with photos (already kept on disk).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FindingInput {
    pub description: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub photos: Vec<Attachment>,
}

/// A patrol as the API or the console sends it, not yet checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PatrolInput {
    pub reach: String,
    /// The chief's account, when staff record a patrol for them (a chief records their own).
    pub chief: Option<String>,
    pub started_at: i64,
    pub ended_at: i64,
    /// The GeoJSON LineString as sent.
    pub track: serde_json::Value,
    /// Checklist item code → `ok`, `problem` or `n/a`.
    pub checklist: Vec<(String, String)>,
    pub note: Option<String>,
    pub findings: Vec<FindingInput>,
}

/// What recording a patrol gave: the patrol (whether it counts, and why not) and the cases its findings
/// opened.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub patrol: Patrol,
    pub cases: Vec<Case>,
}

/// Records a patrol of a reach by one of its chiefs: the track's length and the duration are judged
/// against the chief's level ([`patrols::shortfall`]; a patrol that falls short is kept, and does not
/// count); each finding opens a case on the reach (routed to the county of its point, else the reach's
/// first), linked to a founded complaint on the same reach and day ([`cases::duplicates`]). One
/// transaction with the audit entries.
pub fn record_patrol(
    store: &mut Store,
    ctx: &cases::Context,
    settings: &RiverSettings,
    layer: &CountyLayer,
    who: &Principal,
    input: &PatrolInput,
) -> Result<Recorded> {
    let actor = who.actor();
    let points = patrols::track_points(&input.track).map_err(Error::invalid)?;
    if input.ended_at <= input.started_at {
        return Err(Error::invalid("a patrol ends after it starts"));
    }
    if input.ended_at > ctx.now + 300 {
        return Err(Error::invalid("a patrol cannot end in the future"));
    }
    if input.ended_at - input.started_at > 24 * 3600 {
        return Err(Error::invalid("a patrol lasts at most 24 hours"));
    }
    let mut checklist = serde_json::Map::new();
    for (item, answer) in &input.checklist {
        if !CHECKLIST.iter().any(|c| c.0 == item) {
            return Err(Error::invalid(format!("{item:?} is not a checklist item")));
        }
        let a = Answer::parse(answer).ok_or_else(|| {
            Error::invalid(format!(
                "checklist {item}: {answer:?} is not ok, problem or n/a"
            ))
        })?;
        checklist.insert(item.clone(), a.code().into());
    }
    let note = words(&input.note, 2000, "note")?;
    if input.findings.len() > 20 {
        return Err(Error::invalid("a patrol records at most 20 findings"));
    }
    for f in &input.findings {
        if words(&Some(f.description.clone()), 2000, "a finding")?.is_none() {
            return Err(Error::invalid("a finding needs a description"));
        }
    }
    store.in_transaction(|s| {
        let r = reach(s, &input.reach)?;
        who.require(Action::PatrolsRecord, target(&r))?;
        let chief = match (who.role(), who.account_name(), &input.chief) {
            (Some(Role::RiverChief), Some(me), _) => me.to_string(),
            (_, _, Some(c)) => c.trim().to_string(),
            _ => {
                return Err(Error::invalid(
                    "chief: the account of the chief whose patrol this is",
                ));
            }
        };
        let level = s
            .reach_chiefs(Some(&r.id))?
            .into_iter()
            .filter(|c| c.account.as_deref() == Some(chief.as_str()))
            .filter_map(|c| Level::parse(&c.level))
            .min()
            .ok_or_else(|| Error::Forbidden(format!("{chief} is not a chief of reach {}", r.id)))?;
        let distance_m = patrols::length_m(&points);
        let shortfall = patrols::shortfall(
            settings.patrol.rule(level),
            input.ended_at - input.started_at,
            distance_m,
        );
        let mut patrol = Patrol {
            id: 0,
            reach_id: r.id.clone(),
            chief: chief.clone(),
            level: level.code().into(),
            started_at: input.started_at,
            ended_at: input.ended_at,
            track: input.track.to_string(),
            distance_m,
            counts: shortfall.is_none(),
            shortfall,
            checklist: serde_json::Value::Object(checklist.clone()).to_string(),
            note: note.clone(),
            created_by: actor.as_str().into(),
            created_at: ctx.now,
        };
        patrol.id = s.put_patrol(&patrol)?;
        s.audit(
            actor.as_str(),
            "patrol_record",
            &format!("patrol {}", patrol.id),
            Some(&format!(
                "reach {} by {chief} ({}), {:.0} m in {} min, {}",
                r.id,
                level.code(),
                distance_m,
                (input.ended_at - input.started_at) / 60,
                match &patrol.shortfall {
                    None => "counts".to_string(),
                    Some(w) => format!("does not count: {w}"),
                }
            )),
        )?;
        let mut opened = Vec::new();
        for f in &input.findings {
            let county = match (f.lon, f.lat) {
                (Some(x), Some(y)) => layer.county_at(x, y).map(str::to_string),
                _ => None,
            }
            .or_else(|| r.counties.first().cloned());
            let description = f.description.trim().to_string();
            let title = format!(
                "巡河发现 · {} · {}",
                r.name,
                description.chars().take(30).collect::<String>()
            );
            let c = cases::open(
                s,
                Case {
                    source_ref: Some(format!("patrol:{}", patrol.id)),
                    subject_kind: "reach".into(),
                    subject_id: Some(r.id.clone()),
                    county,
                    ..cases::blank("patrol", title, description, ctx, actor.as_str())
                },
                None,
                &format!(
                    "finding of patrol {} on reach {} by {chief}",
                    patrol.id, r.id
                ),
            )?;
            for p in &f.photos {
                s.attach(&cases::owner(c.id), p)?;
            }
            cases::duplicates::link(s, ctx, &c, actor.as_str())?;
            opened.push(s.case(c.id)?.unwrap_or(c));
        }
        Ok(Recorded {
            patrol,
            cases: opened,
        })
    })
}

/// An order (交办单) as a chief sends it, not yet checked.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderInput {
    pub reach: String,
    pub title: String,
    /// The unit it goes to (a township, a department) and the lower-level chief, if any.
    pub unit: String,
    pub assignee: Option<String>,
    /// The responsibility list: what is to be done, item by item.
    pub duties: Vec<String>,
    /// Done by (`YYYY-MM-DD`); the handling clock otherwise.
    pub due: Option<String>,
}

/// Issues an order on a reach: a case (source `order`) accepted and assigned at once to the unit, with
/// its responsibility list in the description and the history, in one transaction with the audit entry.
pub fn issue_order(
    store: &mut Store,
    ctx: &cases::Context,
    who: &Principal,
    input: &OrderInput,
) -> Result<Case> {
    let actor = who.actor();
    let title = words(&Some(input.title.clone()), 200, "title")?
        .ok_or_else(|| Error::invalid("an order needs a title"))?;
    let duties: Vec<String> = input
        .duties
        .iter()
        .map(|d| words(&Some(d.clone()), 500, "a duty"))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    if duties.is_empty() || duties.len() > 30 {
        return Err(Error::invalid(
            "an order carries a responsibility list of 1–30 duties",
        ));
    }
    store.in_transaction(|s| {
        let r = reach(s, &input.reach)?;
        who.require(Action::OrdersIssue, target(&r))?;
        let list = duties
            .iter()
            .enumerate()
            .map(|(i, d)| format!("{}. {d}", i + 1))
            .collect::<Vec<_>>()
            .join("\n");
        let c = cases::open(
            s,
            Case {
                subject_kind: "reach".into(),
                subject_id: Some(r.id.clone()),
                county: r.counties.first().cloned(),
                ..cases::blank(
                    "order",
                    format!("交办单 · {} · {title}", r.name),
                    format!("责任清单 (responsibility list):\n{list}"),
                    ctx,
                    actor.as_str(),
                )
            },
            None,
            &format!("order on reach {} to {}", r.id, input.unit.trim()),
        )?;
        // Issued is accepted and assigned at once: a chief's order needs no intake. The lifecycle still
        // decides each step.
        cases::act_within(
            s,
            ctx,
            who,
            c.id,
            CaseAction::Accept,
            &cases::ActInput::default(),
        )?;
        cases::act_within(
            s,
            ctx,
            who,
            c.id,
            CaseAction::Assign,
            &cases::ActInput {
                unit: Some(input.unit.clone()),
                assignee: input.assignee.clone(),
                due: input.due.clone(),
                comment: Some(format!("责任清单:\n{list}")),
                ..cases::ActInput::default()
            },
        )
    })
}

/// The chiefs of a reach, highest level first.
pub fn chiefs_of(store: &Store, reach: &str) -> store::Result<Vec<ReachChief>> {
    let mut chiefs = store.reach_chiefs(Some(reach))?;
    chiefs.sort_by_key(|c| Level::parse(&c.level));
    Ok(chiefs)
}
