//! Marks in the console: an enterprise user marks periods of its outlets' data with a category, a reason
//! and evidence files (a form that works without JavaScript, `multipart/form-data`); everyone who may
//! read the outlet sees the marks and their state; staff accept or reject them with a comment, the
//! enterprise withdraws one not yet reviewed. The rules are `platform::marks`'.

use super::forms::{local_input, read_any};
use super::{Desk, Fields, field, optional, select, table};
use crate::portal::html::Html;
use crate::{App, html, write_html};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Form};
use platform::accounts::{Action, Principal, Target};
use platform::supervision::marking::{MarkActor, MarkCategory, MarkEvent, MarkState, transition};
use std::sync::Arc;
use store::{Attachment, Mark, Site, SiteKind};

const PATH: &str = "/console/marks";

fn state_name(desk: &Desk, state: &str) -> &'static str {
    let t = |zh, en| desk.ctx.t(zh, en);
    match MarkState::parse(state) {
        Some(MarkState::Submitted) => t("已标记（待审核）", "submitted (in force)"),
        Some(MarkState::AwaitingApproval) => t("逾期待批准", "late, awaiting approval"),
        Some(MarkState::Accepted) => t("已通过", "accepted"),
        Some(MarkState::Rejected) => t("已驳回", "rejected"),
        Some(MarkState::Withdrawn) => t("已撤回", "withdrawn"),
        None => t("未知", "unknown"),
    }
}

fn category_name(desk: &Desk, code: &str) -> String {
    match MarkCategory::parse(code) {
        Some(c) => desk.ctx.t(c.names().0, c.names().1).to_string(),
        None => code.to_string(),
    }
}

/// The outlets the person may mark.
async fn markable(p: &App, desk: &Desk) -> Result<Vec<Site>, platform::Error> {
    let sites = p.read(|s| s.sites()).await?;
    Ok(sites
        .into_iter()
        .filter(|s| matches!(s.kind, SiteKind::FlueGasOutlet | SiteKind::WastewaterOutlet))
        .filter(|s| desk.who.may(Action::DataMark, Target::site(s)))
        .collect())
}

/// The form of a new mark, with what was typed (`f`) when it comes back with a problem.
fn mark_form(desk: &Desk, sites: &[Site], f: &Fields) -> Html {
    let ctx = &desk.ctx;
    let sites: Vec<(String, String)> = sites
        .iter()
        .map(|s| (s.id.clone(), format!("{} {}", s.id, s.name)))
        .collect();
    let categories: Vec<(String, String)> = MarkCategory::ALL
        .iter()
        .map(|c| {
            (
                c.code().to_string(),
                ctx.t(c.names().0, c.names().1).to_string(),
            )
        })
        .collect();
    html!(
        r#"<h2>{}</h2><p class="muted">{}</p>
<form method="post" action="/console/marks" enctype="multipart/form-data" class="fields" id="mark-form">{}{}{}
<label for="param">{}</label><input id="param" name="param" value="{}" placeholder="a21026">
<label for="start">{}</label><input id="start" name="start" type="datetime-local" step="3600" value="{}" required>
<label for="end">{}</label><input id="end" name="end" type="datetime-local" step="3600" value="{}" required>
<label for="reason">{}</label><textarea id="reason" name="reason" maxlength="2000" rows="3" required>{}</textarea>
<label for="value">{}</label><input id="value" name="value" inputmode="decimal" value="{}">
<label for="evidence">{}</label><input id="evidence" name="evidence" type="file" multiple accept="application/pdf,image/jpeg,image/png">
<div><button type="submit">{}</button></div></form>"#,
        ctx.t("标记数据", "Mark data"),
        ctx.t(
            "按整点标记前一天的数据（截止时间：次日 24:00，逾期须经生态环境局批准）。故障、维护标记请附维修记录（PDF、JPEG 或 PNG）。",
            "Mark whole hours of the previous day's data (by the next day 24:00; later marks need the bureau's approval). Attach the repair record to fault and maintenance marks (PDF, JPEG or PNG)."
        ),
        desk.csrf_field(),
        select("site", ctx.t("排放口", "Outlet"), field(f, "site"), &sites),
        select("category", ctx.t("标记类别", "Category"), field(f, "category"), &categories),
        ctx.t("监测项目（空：全部）", "Parameter (blank: all)"),
        field(f, "param"),
        ctx.t("开始（整点）", "From (whole hour)"),
        field(f, "start"),
        ctx.t("结束（整点）", "To (whole hour)"),
        field(f, "end"),
        ctx.t("原因", "Reason"),
        field(f, "reason"),
        ctx.t("手工监测值（仅手工监测值录入）", "Value measured by hand (manual value only)"),
        field(f, "value"),
        ctx.t("证明材料", "Evidence"),
        ctx.t("提交标记", "Submit the mark")
    )
}

/// The list page, with the form for those who mark; `problem` and `typed` when a mark was refused.
async fn list_page(
    p: &App,
    desk: &Desk,
    q: &Fields,
    typed: &Fields,
    problem: Option<platform::Error>,
    status: StatusCode,
) -> Response {
    let ctx = &desk.ctx;
    let days: i64 = field(q, "days").parse().unwrap_or(30).clamp(1, 366);
    let filter = platform::marks::Filter {
        state: optional(q, "state"),
        site: optional(q, "site"),
        from: ctx.now - days * 86_400,
        to: ctx.now + 1,
    };
    let reader = desk.who.clone();
    let rows = match p
        .read(move |s| platform::marks::list(s, &reader, &filter))
        .await
    {
        Ok(r) => r,
        Err(e) => return desk.fail(e),
    };
    let mut body = desk.saved(q);
    if let Some(e) = &problem {
        body.push(&desk.problem(e));
    }
    if desk.can(Action::DataMark) {
        let sites = match markable(p, desk).await {
            Ok(s) => s,
            Err(e) => return desk.fail(e),
        };
        body.push(&mark_form(desk, &sites, typed));
    }
    let states: Vec<(String, String)> =
        std::iter::once((String::new(), ctx.t("全部", "all").to_string()))
            .chain(
                MarkState::ALL
                    .iter()
                    .map(|s| (s.code().to_string(), state_name(desk, s.code()).to_string())),
            )
            .collect();
    write_html!(
        body,
        r#"<h2>{}</h2><form class="pick fields" method="get" action="{}">{}{}{}<button type="submit">{}</button></form>"#,
        ctx.t("标记记录", "Marks"),
        PATH,
        select("state", ctx.t("状态", "State"), field(q, "state"), &states),
        super::input("site", ctx.t("点位", "Site"), field(q, "site"), ""),
        super::input(
            "days",
            ctx.t("最近天数", "Last days"),
            field(q, "days"),
            r#" inputmode="numeric""#
        ),
        ctx.t("筛选", "Filter")
    );
    let mut rows_html = Html::new();
    for (m, site) in &rows {
        write_html!(
            rows_html,
            r#"<tr><td><a href="/console/marks/{}">#{0}</a></td><td>{} {}</td><td>{}</td><td>{}</td><td>{} – {}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            m.id,
            &m.site_id,
            &site.name,
            m.param.as_deref().unwrap_or("*"),
            category_name(desk, &m.category),
            ctx.time(m.start),
            ctx.time(m.end),
            state_name(desk, &m.state),
            &m.created_by,
            ctx.time(m.created_at)
        );
    }
    let heads = [
        ctx.t("编号", "No."),
        ctx.t("点位", "Site"),
        ctx.t("因子", "Parameter"),
        ctx.t("类别", "Category"),
        ctx.t("时段", "Period"),
        ctx.t("状态", "State"),
        ctx.t("标记人", "By"),
        ctx.t("标记时间", "Made"),
    ];
    body.push(&table("marks", &heads, rows_html));
    if rows.is_empty() {
        write_html!(
            body,
            "<p>{}</p>",
            ctx.t("没有符合条件的标记。", "No mark matches.")
        );
    }
    desk.page(status, ctx.t("数据标记", "Data marks"), body)
}

pub async fn list(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk =
        match Desk::open_for(&p, PATH, &q, who, &headers, Action::DataRead, Target::Any).await {
            Ok(d) => d,
            Err(r) => return r,
        };
    list_page(&p, &desk, &q, &Fields::new(), None, StatusCode::OK).await
}

pub async fn create(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Response {
    let desk = match Desk::open(&p, PATH, &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    // The right to mark before the form is read: nobody else makes the server read files.
    if let Err(r) = desk.require(Action::DataMark, Target::Any) {
        return r;
    }
    let (f, files) = match read_any(request).await {
        Ok(x) => x,
        Err(e) => {
            let status = Desk::status_of(&e);
            return list_page(&p, &desk, &q, &Fields::new(), Some(e), status).await;
        }
    };
    if let Err(r) = desk.check_csrf(&f) {
        return r;
    }
    // The outlet's jurisdiction before anything typed is judged or a file kept.
    let site_id = field(&f, "site").to_string();
    match p.read(move |s| s.site(&site_id)).await {
        Ok(Some(site)) if desk.who.may(Action::DataMark, Target::site(&site)) => {}
        Ok(Some(_)) => return desk.forbidden(),
        Ok(None) => {
            let e =
                platform::Error::NotFound(format!("site {:?} does not exist", field(&f, "site")));
            return list_page(&p, &desk, &q, &f, Some(e), StatusCode::NOT_FOUND).await;
        }
        Err(e) => return desk.fail(e),
    }
    let input = (|| -> Result<platform::marks::MarkInput, platform::Error> {
        Ok(platform::marks::MarkInput {
            site: field(&f, "site").to_string(),
            param: optional(&f, "param"),
            category: field(&f, "category").to_string(),
            start: local_input(&desk, &f, "start")?,
            end: local_input(&desk, &f, "end")?,
            reason: field(&f, "reason").to_string(),
            value: super::forms::number(&f, "value")?,
        })
    })();
    let saved = match input.and_then(|i| Ok((i, crate::api::uploads::keep_files(&p, &files)?))) {
        Ok((input, evidence)) => {
            crate::api::marks::write_mark(&p, desk.who.clone(), input, evidence).await
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(m) => desk.after_save(&format!("/console/marks/{}", m.id)),
        Err(e) => {
            let status = Desk::status_of(&e);
            list_page(&p, &desk, &q, &f, Some(e), status).await
        }
    }
}

/// The mark `id` with its site and evidence when the person may read it; the page to answer otherwise.
async fn readable(
    p: &App,
    desk: &Desk,
    id: &str,
) -> Result<(Mark, Site, Vec<Attachment>), Response> {
    let id: i64 = id.parse().map_err(|_| {
        desk.fail(platform::Error::NotFound(format!(
            "mark {id:?} does not exist"
        )))
    })?;
    let read = p
        .read_with(move |s| {
            let m = platform::marks::mark(s, id)?;
            let site = s
                .site(&m.site_id)?
                .ok_or_else(|| platform::Error::NotFound(format!("site {} is gone", m.site_id)))?;
            let files = s.attachments_of(&format!("mark:{id}"))?;
            Ok((m, site, files))
        })
        .await;
    let (m, site, files) = read.map_err(|e| desk.fail(e))?;
    desk.require(Action::DataRead, Target::site(&site))?;
    Ok((m, site, files))
}

pub async fn one(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk =
        match Desk::open_for(&p, PATH, &q, who, &headers, Action::DataRead, Target::Any).await {
            Ok(d) => d,
            Err(r) => return r,
        };
    match readable(&p, &desk, &id).await {
        Ok((m, site, files)) => page(&desk, &m, &site, &files, &q, None, StatusCode::OK),
        Err(r) => r,
    }
}

fn page(
    desk: &Desk,
    m: &Mark,
    site: &Site,
    files: &[Attachment],
    q: &Fields,
    problem: Option<platform::Error>,
    status: StatusCode,
) -> Response {
    let ctx = &desk.ctx;
    let mut body = desk.saved(q);
    if let Some(e) = &problem {
        body.push(&desk.problem(e));
    }
    let evidence = super::forms::evidence_list(ctx, &format!("/console/marks/{}", m.id), files);
    write_html!(
        body,
        r#"<dl class="facts"><dt>{}</dt><dd>{} {}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{} – {}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd id="state">{}</dd><dt>{}</dt><dd>{} · {}{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd><ul id="evidence">{}</ul></dd></dl>"#,
        ctx.t("点位", "Site"),
        &m.site_id,
        &site.name,
        ctx.t("因子", "Parameter"),
        m.param.as_deref().unwrap_or("*"),
        ctx.t("类别", "Category"),
        category_name(desk, &m.category),
        ctx.t("时段", "Period"),
        ctx.time(m.start),
        ctx.time(m.end),
        ctx.t("原因", "Reason"),
        &m.reason,
        ctx.t("手工监测值", "Manual value"),
        m.value.map(|v| v.to_string()).unwrap_or_else(|| "—".into()),
        ctx.t("状态", "State"),
        state_name(desk, &m.state),
        ctx.t("标记", "Made"),
        &m.created_by,
        ctx.time(m.created_at),
        if m.late {
            ctx.t("（逾期）", " (after the deadline)")
        } else {
            ""
        },
        ctx.t("审核", "Review"),
        match (&m.reviewed_by, m.reviewed_at) {
            (Some(by), Some(at)) => format!(
                "{by} · {} {}",
                ctx.time(at),
                m.review_comment.as_deref().unwrap_or("")
            ),
            _ => "—".into(),
        },
        ctx.t("证明材料", "Evidence"),
        evidence
    );
    // The steps the lifecycle allows this person from here.
    let from = MarkState::parse(&m.state).unwrap_or(MarkState::Rejected);
    let target = Target::site(site);
    let open = |by| {
        transition(from, MarkEvent::Accept, by).is_ok()
            || transition(from, MarkEvent::Withdraw, by).is_ok()
    };
    if desk.who.may(Action::MarksReview, target) && open(MarkActor::Reviewer) {
        write_html!(
            body,
            r#"<form method="post" action="/console/marks/{}" class="fields" id="review">{}<label for="comment">{}</label><textarea id="comment" name="comment" maxlength="2000" rows="2"></textarea><div><button type="submit" name="do" value="accept">{}</button> <button type="submit" name="do" value="reject">{}</button></div></form>"#,
            m.id,
            desk.csrf_field(),
            ctx.t("审核意见（驳回须填写）", "Comment (required to reject)"),
            ctx.t(
                if m.late { "批准" } else { "通过" },
                if m.late { "Approve" } else { "Accept" }
            ),
            ctx.t("驳回", "Reject")
        );
    }
    if desk.who.may(Action::DataMark, target) && open(MarkActor::Enterprise) {
        write_html!(
            body,
            r#"<form method="post" action="/console/marks/{}/withdraw" id="withdraw">{}<button type="submit">{}</button></form>"#,
            m.id,
            desk.csrf_field(),
            ctx.t("撤回标记", "Withdraw the mark")
        );
    }
    desk.page(
        status,
        &format!("{} #{}", ctx.t("数据标记", "Data mark"), m.id),
        body,
    )
}

pub async fn review(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let desk = match Desk::open_posted(&p, PATH, &q, who, &headers, &f).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let (m, site, files) = match readable(&p, &desk, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(event) = MarkEvent::parse(field(&f, "do")) else {
        let e = platform::Error::invalid(format!(
            "{:?} is not accept, reject or withdraw",
            field(&f, "do")
        ));
        return page(
            &desk,
            &m,
            &site,
            &files,
            &Fields::new(),
            Some(e),
            StatusCode::BAD_REQUEST,
        );
    };
    // Withdrawing has its own address (`/withdraw`, the enterprise's); this one is the reviewers'.
    if event == MarkEvent::Withdraw {
        let e = platform::Error::invalid("a mark is withdrawn at /console/marks/{id}/withdraw");
        return page(
            &desk,
            &m,
            &site,
            &files,
            &Fields::new(),
            Some(e),
            StatusCode::BAD_REQUEST,
        );
    }
    if let Err(r) = desk.require(Action::MarksReview, Target::site(&site)) {
        return r;
    }
    match crate::api::marks::write_review(
        &p,
        desk.who.clone(),
        m.id,
        event,
        optional(&f, "comment"),
    )
    .await
    {
        Ok(_) => desk.after_save(&format!("/console/marks/{}", m.id)),
        Err(e) => {
            let status = Desk::status_of(&e);
            page(&desk, &m, &site, &files, &Fields::new(), Some(e), status)
        }
    }
}

/// The enterprise takes back a mark not yet reviewed.
pub async fn withdraw(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let desk = match Desk::open_posted(&p, PATH, &q, who, &headers, &f).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let (m, site, files) = match readable(&p, &desk, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if let Err(r) = desk.require(Action::DataMark, Target::site(&site)) {
        return r;
    }
    let comment = optional(&f, "comment");
    match crate::api::marks::write_review(&p, desk.who.clone(), m.id, MarkEvent::Withdraw, comment)
        .await
    {
        Ok(_) => desk.after_save(&format!("/console/marks/{}", m.id)),
        Err(e) => {
            let status = Desk::status_of(&e);
            page(&desk, &m, &site, &files, &Fields::new(), Some(e), status)
        }
    }
}

pub async fn evidence(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk =
        match Desk::open_for(&p, PATH, &q, who, &headers, Action::DataRead, Target::Any).await {
            Ok(d) => d,
            Err(r) => return r,
        };
    let (m, _, files) = match readable(&p, &desk, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match crate::api::uploads::file_response(
        &p,
        &files,
        field(&q, "digest"),
        &format!("mark {}", m.id),
    ) {
        Ok(r) => r,
        Err(e) => desk.fail(e),
    }
}
