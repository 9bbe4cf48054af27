//! 12369 complaints and reports from the public: the front door of a case (issue 15 item 2; workflows.md
//! C1–C2). A complaint is checked at the edge, routed to the county of its place (the point on the
//! county layer, or a county named in the address), joined to an open case about the same place,
//! category and day (a duplicate), and otherwise opens a case of its own; the reporter gets a tracking
//! code and a page that follows the case without any personal data. The reporter's name and contact are
//! sealed ([`sealed`]) and opened only by staff with `complaints.reveal`, each time with a reason in the
//! audit log (环保法 art. 57: the reporter's information is kept confidential; 信访工作条例 art. 30).

pub mod sealed;

use crate::accounts::{Action, Principal};
use crate::cases::{CaseAction, CaseState};
use crate::registry::areas::CountyLayer;
use crate::{Error, Result};
use jiff::tz::TimeZone;
use sealed::PersonalKeys;
use serde::{Deserialize, Serialize};
use store::{Attachment, Case, CaseEvent, Complaint, Store};

/// The categories a complaint is filed under: (code, Chinese, English).
pub const CATEGORIES: [(&str, &str, &str); 8] = [
    ("air", "大气污染", "air pollution"),
    ("water", "水污染", "water pollution"),
    ("noise", "噪声污染", "noise"),
    ("waste", "固体废物", "solid waste"),
    ("soil", "土壤污染", "soil pollution"),
    ("radiation", "辐射", "radiation"),
    ("ecology", "生态破坏", "ecological damage"),
    ("other", "其他", "other"),
];

/// Who reported, as they chose to say (all optional: anonymous reports are accepted; a real name gets
/// feedback). Sealed at rest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl Contact {
    fn is_empty(&self) -> bool {
        self.name.is_none() && self.phone.is_none() && self.email.is_none()
    }
}

/// A complaint as the public form or an Open311 client sends it, not yet checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ComplaintInput {
    pub category: String,
    pub address: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub description: String,
    pub contact: Contact,
    /// The river reach it is about, when the reporter chose one (a water complaint with a point near a
    /// reach is placed on it anyway).
    pub reach: Option<String>,
}

/// What submitting needs: the city's zone and the time now, the cases' clocks, the keys and the layer.
pub struct Context<'a> {
    pub tz: &'a TimeZone,
    pub cases: &'a crate::cases::CaseSettings,
    pub keys: &'a PersonalKeys,
    pub layer: &'a CountyLayer,
    pub rivers: &'a crate::rivers::RiverSettings,
    pub now: i64,
}

fn invalid(en: String, zh: &str) -> Error {
    Error::invalid_both(en, zh)
}

fn clean(v: &Option<String>, max: usize, what: &str, zh: &str) -> Result<Option<String>> {
    match v.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) if t.chars().count() > max => Err(invalid(
            format!("{what} is longer than {max} characters"),
            zh,
        )),
        Some(t) if t.chars().any(char::is_control) => {
            Err(invalid(format!("{what} holds control characters"), zh))
        }
        Some(t) => Ok(Some(t.to_string())),
    }
}

/// Checks `input`; returns it cleaned.
pub fn validate(input: &ComplaintInput) -> Result<ComplaintInput> {
    if !CATEGORIES.iter().any(|(c, _, _)| *c == input.category) {
        let all = CATEGORIES.map(|c| c.0).join(", ");
        return Err(invalid(
            format!("category {:?} is not one of {all}", input.category),
            "请选择举报类别",
        ));
    }
    let description = input.description.trim();
    let n = description.chars().count();
    if !(5..=5000).contains(&n) {
        return Err(invalid(
            format!("the description must be 5 to 5,000 characters; it has {n}"),
            "请描述举报的情况（5 至 5000 字）",
        ));
    }
    let address = clean(&input.address, 200, "address", "地址不超过 200 字")?;
    let (lon, lat) = match (input.lon, input.lat) {
        (Some(lon), Some(lat))
            if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) =>
        {
            (Some(lon), Some(lat))
        }
        (None, None) => (None, None),
        _ => {
            return Err(invalid(
                "lon and lat go together, within ±180 and ±90".into(),
                "位置坐标无效",
            ));
        }
    };
    if address.is_none() && lon.is_none() {
        return Err(invalid(
            "say where: an address, a point on the map, or both".into(),
            "请填写地址或在地图上选择位置",
        ));
    }
    let phone = clean(&input.contact.phone, 20, "phone", "电话号码无效")?;
    if let Some(p) = &phone
        && !(p.len() >= 5 && p.chars().all(|c| c.is_ascii_digit() || "+- ".contains(c)))
    {
        return Err(invalid(
            "phone is digits (and + - or spaces), 5 to 20 of them".into(),
            "电话号码无效",
        ));
    }
    let email = clean(&input.contact.email, 100, "email", "电子邮箱无效")?;
    if email.as_deref().is_some_and(|e| !e.contains('@')) {
        return Err(invalid("email has no @".into(), "电子邮箱无效"));
    }
    Ok(ComplaintInput {
        category: input.category.clone(),
        address,
        lon,
        lat,
        description: description.to_string(),
        contact: Contact {
            name: clean(&input.contact.name, 50, "name", "姓名不超过 50 字")?,
            phone,
            email,
        },
        reach: clean(&input.reach, 32, "reach", "河段无效")?,
    })
}

/// The reach a complaint is about: the one the reporter chose, else for a water complaint the reach
/// whose course passes within `rivers.complaint_metres` of its point.
fn reach_of(store: &Store, ctx: &Context, c: &ComplaintInput) -> Result<Option<store::Reach>> {
    if let Some(id) = &c.reach {
        return match store.reach(id)? {
            Some(r) => Ok(Some(r)),
            None => Err(invalid(format!("reach {id:?} does not exist"), "河段无效")),
        };
    }
    match (c.category.as_str(), c.lon, c.lat) {
        ("water", Some(lon), Some(lat)) => Ok(crate::rivers::reach_at(
            store,
            lon,
            lat,
            ctx.rivers.complaint_metres,
        )?),
        _ => Ok(None),
    }
}

/// The county of a complaint: the point's, else a county the address names.
fn route(store: &Store, layer: &CountyLayer, c: &ComplaintInput) -> store::Result<Option<String>> {
    if let (Some(lon), Some(lat)) = (c.lon, c.lat)
        && let Some(code) = layer.county_at(lon, lat)
    {
        return Ok(Some(code.to_string()));
    }
    let address = c.address.as_deref().unwrap_or("");
    Ok(store
        .counties()?
        .into_iter()
        .find(|k| !k.name.is_empty() && address.contains(&k.name))
        .map(|k| k.code))
}

/// Whether two complaints are about the same place: the same address, or points within 200 m.
fn same_place(a: &Complaint, b: &ComplaintInput) -> bool {
    match ((a.lon, a.lat), (b.lon, b.lat)) {
        ((Some(x1), Some(y1)), (Some(x2), Some(y2))) => {
            crate::registry::areas::metres((x1, y1), (x2, y2)) <= 200.0
        }
        _ => a.address.is_some() && a.address == b.address,
    }
}

/// A tracking code: `ZT` and ten characters of Crockford's base32 (50 random bits; unguessable enough
/// for a page that shows no personal data).
fn tracking_code() -> Result<String> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut bytes = [0u8; 10];
    getrandom::fill(&mut bytes).map_err(|e| Error::Internal(format!("no random source: {e}")))?;
    Ok(std::iter::once("ZT".to_string())
        .chain(
            bytes
                .iter()
                .map(|b| (ALPHABET[(*b & 31) as usize] as char).to_string()),
        )
        .collect())
}

/// What a submission gives the reporter.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    pub tracking_code: String,
    pub case_id: i64,
    pub county: Option<String>,
    /// The earlier complaint it joined (same place, category and day).
    pub duplicate_of: Option<i64>,
}

/// Files a complaint from `channel` (`web` or `open311`) with its photos (already kept on disk): a new
/// case, or the open case of a duplicate, in one transaction with the audit entry (which names no one).
pub fn submit(
    store: &mut Store,
    ctx: &Context,
    channel: &'static str,
    input: &ComplaintInput,
    photos: &[Attachment],
) -> Result<Receipt> {
    let c = validate(input)?;
    let sealed = if c.contact.is_empty() {
        None
    } else {
        let json = serde_json::to_string(&c.contact).map_err(|e| Error::Internal(e.to_string()))?;
        Some(
            ctx.keys
                .seal(&json)
                .map_err(|e| Error::Internal(e.to_string()))?,
        )
    };
    let code = tracking_code()?;
    store.in_transaction(|s| {
        let reach = reach_of(s, ctx, &c)?;
        let county = match route(s, ctx.layer, &c)? {
            None => reach.as_ref().and_then(|r| r.counties.first().cloned()),
            found => found,
        };
        let day = crate::series::rollups::local_start(ctx.now, ctx.tz, store::Period::Day);
        let duplicate = s
            .complaints_received(day, ctx.now + 1)?
            .into_iter()
            .find(|o| o.category == c.category && o.county == county && same_place(o, &c));
        let joined = match &duplicate {
            Some(o) => s
                .case(o.case_id)?
                .filter(|k| CaseState::parse(&k.state).is_some_and(CaseState::open)),
            None => None,
        };
        let zh = CATEGORIES
            .iter()
            .find(|k| k.0 == c.category)
            .map_or("其他", |k| k.1);
        let case_id = match &joined {
            Some(k) => k.id,
            None => {
                let place = c.address.clone().unwrap_or_else(|| {
                    format!(
                        "{:.5}, {:.5}",
                        c.lon.unwrap_or_default(),
                        c.lat.unwrap_or_default()
                    )
                });
                let case = Case {
                    subject_kind: if reach.is_some() { "reach" } else { "place" }.into(),
                    subject_id: reach.as_ref().map(|r| r.id.clone()),
                    county: county.clone(),
                    ..crate::cases::received(
                        "complaint",
                        format!("{zh} · {place}"),
                        c.description.clone(),
                        channel,
                        (ctx.now, crate::figures::local_date(ctx.tz, ctx.now)),
                        ctx.cases,
                    )
                };
                s.put_case(&case)?
            }
        };
        let mut complaint = Complaint {
            id: 0,
            case_id,
            tracking_code: code.clone(),
            category: c.category.clone(),
            address: c.address.clone(),
            lon: c.lon,
            lat: c.lat,
            county: county.clone(),
            description: c.description.clone(),
            contact_sealed: sealed.clone(),
            channel: channel.into(),
            duplicate_of: duplicate.as_ref().map(|o| o.id),
            created_at: ctx.now,
        };
        complaint.id = s.put_complaint(&complaint)?;
        for p in photos {
            s.attach(&format!("complaint:{}", complaint.id), p)?;
        }
        if joined.is_none() {
            let mut case = s
                .case(case_id)?
                .ok_or_else(|| Error::Internal("case vanished".into()))?;
            case.source_ref = Some(format!("complaint:{}", complaint.id));
            s.put_case(&case)?;
        }
        let state = s.case(case_id)?.map(|k| k.state).unwrap_or_default();
        s.add_case_event(&CaseEvent {
            case_id,
            at: ctx.now,
            actor: channel.into(),
            action: if joined.is_some() {
                "joined"
            } else {
                "created"
            }
            .into(),
            from_state: joined.as_ref().map(|k| k.state.clone()),
            to_state: state,
            comment: None,
            detail: Some(match &duplicate {
                Some(o) => format!(
                    "complaint {} ({}), a duplicate of complaint {}",
                    complaint.id, c.category, o.id
                ),
                None => format!("complaint {} ({})", complaint.id, c.category),
            }),
        })?;
        s.audit(
            channel,
            "complaint_submit",
            &format!("case {case_id}"),
            Some(&format!(
                "complaint {} ({}, county {}{}{})",
                complaint.id,
                c.category,
                county.as_deref().unwrap_or("not routed"),
                if sealed.is_some() {
                    ", real name"
                } else {
                    ", anonymous"
                },
                duplicate
                    .as_ref()
                    .map(|o| format!(", duplicate of complaint {}", o.id))
                    .unwrap_or_default()
            )),
        )?;
        Ok(Receipt {
            tracking_code: code.clone(),
            case_id,
            county,
            duplicate_of: duplicate.map(|o| o.id),
        })
    })
}

/// Seals again under the current key every reporter's contact sealed under an older one (the second half
/// of a key rotation: put the new key first in the file, reseal, then drop the old key), in one
/// transaction with an audit entry that names how many, never whom. Returns how many were resealed.
pub fn reseal(store: &mut Store, keys: &PersonalKeys, actor: &str) -> Result<usize> {
    store.in_transaction(|s| {
        let mut n = 0;
        for mut c in s.complaints_received(i64::MIN, i64::MAX)? {
            let Some(sealed) = c.contact_sealed.as_deref() else {
                continue;
            };
            if keys.is_current(sealed) {
                continue;
            }
            let plain = keys
                .open(sealed)
                .map_err(|e| Error::Internal(format!("complaint {}: {e}", c.id)))?;
            c.contact_sealed = Some(
                keys.seal(&plain)
                    .map_err(|e| Error::Internal(e.to_string()))?,
            );
            s.put_complaint(&c)?;
            n += 1;
        }
        s.audit(
            actor,
            "complaints_reseal",
            "complaints",
            Some(&format!(
                "{n} reporters' contacts sealed again under the current key"
            )),
        )?;
        Ok(n)
    })
}

/// One step of a complaint's progress as the reporter sees it: when, and what (never who, never anyone's
/// personal data).
#[derive(Debug, Clone, PartialEq)]
pub struct PublicStep {
    pub at: i64,
    /// `received`, `accepted`, `not_accepted`, `assigned`, `verified`, `handled`, `replied`, `review`.
    pub step: &'static str,
    /// The answer to the reporter, on `replied` (and the reason code, on `not_accepted`).
    pub text: Option<String>,
}

/// What the tracking page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub tracking_code: String,
    pub category: String,
    pub county: Option<String>,
    pub received: i64,
    pub state: String,
    pub steps: Vec<PublicStep>,
}

/// The progress of the complaint with `code`; `None` for no such code.
pub fn progress(store: &Store, code: &str) -> store::Result<Option<Progress>> {
    let code = code.trim().to_ascii_uppercase();
    let Some(c) = store.complaint_by_code(&code)? else {
        return Ok(None);
    };
    let Some(case) = store.case(c.case_id)? else {
        return Ok(None);
    };
    let mut steps = vec![PublicStep {
        at: c.created_at,
        step: "received",
        text: None,
    }];
    for e in store.case_events(case.id)? {
        let step = match CaseAction::parse(&e.action) {
            Some(CaseAction::Accept) => "accepted",
            Some(CaseAction::Decline) => "not_accepted",
            Some(CaseAction::Assign) => "assigned",
            Some(CaseAction::Verify) => "verified",
            Some(CaseAction::Close) => "handled",
            Some(CaseAction::Reply) => "replied",
            Some(CaseAction::RequestReview) => "review",
            _ => continue,
        };
        let text = match step {
            "replied" => e.comment.clone(),
            "not_accepted" => case.reason_code.clone(),
            _ => None,
        };
        steps.push(PublicStep {
            at: e.at,
            step,
            text,
        });
    }
    Ok(Some(Progress {
        tracking_code: c.tracking_code,
        category: c.category,
        county: c.county,
        received: c.created_at,
        state: case.state,
        steps,
    }))
}

/// Opens the reporter's contact of complaint `id` for `who` (`complaints.reveal` on the case's county),
/// with `reason` written to the audit log in the same transaction: every reveal is on record for
/// auditors. `None` for an anonymous complaint.
pub fn reveal(
    store: &mut Store,
    keys: &PersonalKeys,
    who: &Principal,
    id: i64,
    reason: &str,
) -> Result<Option<Contact>> {
    let reason = reason.trim();
    let actor = who.actor();
    store.in_transaction(|s| {
        let c = s
            .complaint(id)?
            .ok_or_else(|| Error::NotFound(format!("complaint {id} does not exist")))?;
        let case = crate::cases::case(s, c.case_id)?;
        who.require(Action::ComplaintsReveal, crate::cases::target(&case))?;
        if reason.chars().count() < 4 || reason.chars().count() > 500 {
            return Err(invalid(
                "say why the reporter's contact is needed (4 to 500 characters)".into(),
                "请说明查看举报人信息的理由",
            ));
        }
        let Some(sealed) = &c.contact_sealed else {
            return Ok(None);
        };
        let json = keys
            .open(sealed)
            .map_err(|e| Error::Internal(format!("complaint {id}: {e}")))?;
        let contact: Contact =
            serde_json::from_str(&json).map_err(|e| Error::Internal(e.to_string()))?;
        s.audit(
            actor.as_str(),
            "complaint_reveal",
            &format!("complaint {id}"),
            Some(&format!("case {}: {reason}", c.case_id)),
        )?;
        Ok(Some(contact))
    })
}

/// The public's figures of complaints for one county and month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthFigures {
    /// The county (`None`: not routed to one).
    pub county: Option<String>,
    /// `YYYY-MM`, local.
    pub month: String,
    pub received: u32,
    /// Handled (closed, answered, or not accepted with the route told).
    pub handled: u32,
    /// Handled within the handling clock (`cases.handling_days` from acceptance, or the notice clock
    /// for one not accepted).
    pub on_time: u32,
}

/// Complaints received in `[from, to)` by county and month, with how many were handled and on time: what
/// the portal publishes (workflows.md C2: results made public). Duplicates count once, with their case.
pub fn statistics(
    store: &Store,
    tz: &TimeZone,
    settings: &crate::cases::CaseSettings,
    from: i64,
    to: i64,
) -> store::Result<Vec<MonthFigures>> {
    use std::collections::BTreeMap;
    let mut rows: BTreeMap<(Option<String>, String), MonthFigures> = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    for c in store.complaints_received(from, to)? {
        if !seen.insert(c.case_id) {
            continue;
        }
        let Some(case) = store.case(c.case_id)? else {
            continue;
        };
        let received = crate::figures::local_date(tz, c.created_at);
        let month = received.strftime("%Y-%m").to_string();
        let row = rows
            .entry((c.county.clone(), month.clone()))
            .or_insert_with(|| MonthFigures {
                county: c.county.clone(),
                month,
                ..MonthFigures::default()
            });
        row.received += 1;
        let finished = store
            .case_events(case.id)?
            .into_iter()
            .find(|e| matches!(e.action.as_str(), "close" | "decline"));
        if let Some(done) = finished {
            row.handled += 1;
            let start = case
                .accepted_on
                .as_deref()
                .and_then(|d| d.parse::<jiff::civil::Date>().ok())
                .unwrap_or(received);
            let days = if done.action == "decline" {
                settings.notice_days
            } else {
                settings.handling_days
            };
            let limit = start
                .checked_add(jiff::Span::new().days(i64::from(days)))
                .unwrap_or(start);
            if crate::figures::local_date(tz, done.at) <= limit {
                row.on_time += 1;
            }
        }
    }
    Ok(rows.into_values().collect())
}
