//! The complaints behind a case, on the case's page: what the public reported (category, place,
//! description, how it came in, the duplicate it joined), and, for staff with `complaints.reveal`, a
//! form to open the reporter's contact with a reason (`platform::complaints::reveal`: in the audit log
//! each time). The contact is shown on that one answer, never stored in a page or a list.

use super::{Desk, Fields, field};
use crate::portal::html::Html;
use crate::{App, write_html};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Form};
use platform::accounts::{Action, Principal};
use platform::complaints::{CATEGORIES, Contact};
use std::sync::Arc;
use store::Complaint;

/// A reporter's contact just opened for the person, for complaint `.0` (`None`: anonymous).
pub(super) type Revealed = (i64, Option<Contact>);

/// The complaints of a case, with the reveal form where the person may use it.
pub(super) fn section(
    desk: &Desk,
    case: &store::Case,
    complaints: &[Complaint],
    revealed: Option<&Revealed>,
) -> Html {
    let ctx = &desk.ctx;
    let mut body = Html::new();
    if complaints.is_empty() {
        return body;
    }
    write_html!(body, "<h2>{}</h2>", ctx.t("举报内容", "Complaints"));
    let may_reveal = desk
        .who
        .may(Action::ComplaintsReveal, platform::cases::target(case));
    for c in complaints {
        let category = CATEGORIES
            .iter()
            .find(|k| k.0 == c.category)
            .map_or(c.category.as_str(), |k| ctx.t(k.1, k.2));
        let point = match (c.lon, c.lat) {
            (Some(lon), Some(lat)) => format!("{lon:.5}, {lat:.5}"),
            _ => "—".into(),
        };
        write_html!(
            body,
            r#"<section class="complaint" id="complaint-{}"><dl class="facts"><dt>{}</dt><dd>{} · {} · {}</dd><dt>{}</dt><dd>{} ({})</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>"#,
            c.id,
            ctx.t("举报", "Complaint"),
            category,
            &c.channel,
            ctx.time(c.created_at),
            ctx.t("地点", "Place"),
            c.address.as_deref().unwrap_or("—"),
            point,
            ctx.t("情况", "What happened"),
            &c.description,
            ctx.t("举报人", "Reporter"),
            if c.contact_sealed.is_some() {
                ctx.t("实名（信息保密）", "named (kept confidential)")
            } else {
                ctx.t("匿名", "anonymous")
            }
        );
        if let Some(other) = c.duplicate_of {
            write_html!(
                body,
                "<p>{} #{}</p>",
                ctx.t("与此前举报重复：", "A duplicate of complaint"),
                other
            );
        }
        match revealed {
            Some((id, Some(contact))) if *id == c.id => write_html!(
                body,
                r#"<div class="warn" id="revealed" role="status"><p>{}</p><p>{} {} {}</p></div>"#,
                ctx.t(
                    "已记录本次查看（审计日志）。请勿转告被举报单位。",
                    "This look is on record (audit log). Never tell the party reported."
                ),
                contact.name.as_deref().unwrap_or(""),
                contact.phone.as_deref().unwrap_or(""),
                contact.email.as_deref().unwrap_or("")
            ),
            Some((id, None)) if *id == c.id => {
                write_html!(
                    body,
                    r#"<p id="revealed">{}</p>"#,
                    ctx.t("匿名举报，没有联系方式。", "Anonymous: no contact.")
                )
            }
            _ if may_reveal && c.contact_sealed.is_some() => write_html!(
                body,
                r#"<form method="post" action="/console/cases/{}/reveal" class="fields" id="reveal-{}">{}<input type="hidden" name="complaint" value="{1}"><label for="reason-{1}">{}</label><input id="reason-{1}" name="reason" maxlength="500" required><div><button type="submit">{}</button></div></form>"#,
                case.id,
                c.id,
                desk.csrf_field(),
                ctx.t(
                    "查看举报人信息的理由",
                    "Why you need the reporter's contact"
                ),
                ctx.t("查看举报人信息", "Show the reporter's contact")
            ),
            _ => {}
        }
        write_html!(body, "</section>");
    }
    body
}

/// Opens a reporter's contact for the person, with the reason on record.
pub async fn reveal(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let desk = match Desk::open_posted(&p, "/console/cases", &q, who, &headers, &f).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let case = match super::cases::readable(&p, &desk, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Err(r) = desk.require(Action::ComplaintsReveal, platform::cases::target(&case)) {
        return r;
    }
    let Ok(complaint) = field(&f, "complaint").parse::<i64>() else {
        let e = platform::Error::invalid("which complaint? (complaint is not a number)");
        return super::cases::page(
            &p,
            &desk,
            &case,
            &Fields::new(),
            Some(e),
            StatusCode::BAD_REQUEST,
            None,
        )
        .await;
    };
    let (keys, who, reason) = (
        p.personal_keys.clone(),
        desk.who.clone(),
        field(&f, "reason").to_string(),
    );
    let belongs = p
        .read(move |s| s.complaint(complaint))
        .await
        .ok()
        .flatten()
        .is_some_and(|c| c.case_id == case.id);
    if !belongs {
        return desk.fail(platform::Error::NotFound(format!(
            "case {} has no complaint {complaint}",
            case.id
        )));
    }
    match p
        .write(move |s| platform::complaints::reveal(s, &keys, &who, complaint, &reason))
        .await
    {
        Ok(contact) => {
            super::cases::page(
                &p,
                &desk,
                &case,
                &Fields::new(),
                None,
                StatusCode::OK,
                Some((complaint, contact)),
            )
            .await
        }
        Err(e) => {
            let status = Desk::status_of(&e);
            super::cases::page(&p, &desk, &case, &Fields::new(), Some(e), status, None).await
        }
    }
}
