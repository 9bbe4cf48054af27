//! Cases in the console: the queue of the person's jurisdiction (an enterprise user sees the cases about
//! its own outlets) with filters and counts of what is overdue or due soon; one case with its clock, its
//! history and the steps this person may take (`platform::cases::act`); an alarm escalated into a case
//! from the alarm's page.

use super::{Desk, Fields, field, optional, select, table};
use crate::portal::html::Html;
use crate::{App, html, write_html};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Form};
use platform::accounts::{Action, Principal, Target};
use platform::cases::{ActInput, CaseAction, CaseState, Clock, DECLINE_REASONS};
use std::sync::Arc;
use store::Case;

const PATH: &str = "/console/cases";

fn context(p: &App) -> platform::cases::Context {
    platform::cases::Context {
        tz: p.tz.clone(),
        cases: p.settings.cases.clone(),
        alarms: p.settings.alarms.clone(),
        now: jiff::Timestamp::now().as_second(),
    }
}

fn state_name(desk: &Desk, state: &str) -> &'static str {
    let t = |zh, en| desk.ctx.t(zh, en);
    match CaseState::parse(state) {
        Some(CaseState::Created) => t("待受理", "received"),
        Some(CaseState::NotAccepted) => t("不予受理", "not accepted"),
        Some(CaseState::Accepted) => t("已受理", "accepted"),
        Some(CaseState::Assigned) => t("已交办", "assigned"),
        Some(CaseState::Feedback) => t("企业已反馈", "enterprise answered"),
        Some(CaseState::Verified) => t("已核实", "verified"),
        Some(CaseState::Proposed) => t("拟立案处罚", "penalty proposed"),
        Some(CaseState::Decided) => t("已作出处罚决定", "penalty decided"),
        Some(CaseState::Closed) => t("已办结", "closed"),
        Some(CaseState::Replied) => t("已答复", "replied"),
        Some(CaseState::UnderReview) => t("复查复核中", "under review"),
        Some(CaseState::Merged) => t("已合并", "merged"),
        None => t("未知", "unknown"),
    }
}

fn action_name(desk: &Desk, a: CaseAction) -> &'static str {
    let t = |zh, en| desk.ctx.t(zh, en);
    match a {
        CaseAction::Accept => t("受理", "Accept"),
        CaseAction::Decline => t("不予受理", "Decline"),
        CaseAction::Assign => t("交办", "Assign"),
        CaseAction::Feedback => t("反馈", "Answer"),
        CaseAction::Verify => t("核实", "Verify"),
        CaseAction::ProposePenalty => t("拟立案处罚", "Propose a penalty"),
        CaseAction::DecidePenalty => t("处罚决定", "Decide the penalty"),
        CaseAction::Close => t("办结", "Close"),
        CaseAction::Reply => t("答复", "Reply"),
        CaseAction::RequestReview => t("复查复核申请", "Review requested"),
        CaseAction::AnswerReview => t("复查复核答复", "Answer the review"),
        CaseAction::Reassign => t("改派", "Reassign"),
        CaseAction::Comment => t("备注", "Comment"),
        CaseAction::Merge => t("合并重复件", "Merge as duplicate"),
    }
}

fn clock_cell(desk: &Desk, k: Clock) -> Html {
    let t = |zh, en| desk.ctx.t(zh, en);
    match k {
        Clock::Overdue => html!(r#"<span class="exceed">{}</span>"#, t("已超期", "overdue")),
        Clock::DueSoon => html!(r#"<span class="warn">{}</span>"#, t("即将到期", "due soon")),
        Clock::OnTime => html!("{}", t("期限内", "on time")),
        Clock::None => html!("—"),
    }
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
    let ctx = &desk.ctx;
    let days: i64 = field(&q, "days").parse().unwrap_or(90).clamp(1, 366);
    let filter = platform::cases::Filter {
        state: Some(optional(&q, "state").unwrap_or_else(|| "open".into())).filter(|s| s != "all"),
        county: optional(&q, "county"),
        clock: optional(&q, "clock"),
        from: ctx.now - days * 86_400,
        to: ctx.now + 1,
    };
    let (reader, settings) = (desk.who.clone(), p.settings.cases.clone());
    let today = platform::figures::local_date(&ctx.tz, ctx.now);
    let rows = match p
        .read(move |s| platform::cases::list(s, &reader, &filter, today, &settings))
        .await
    {
        Ok(r) => r,
        Err(e) => return desk.fail(e),
    };
    let count = |k: Clock| rows.iter().filter(|(_, c)| *c == k).count();
    let mut body = html!(
        r#"<div class="cards" id="case-counts"><div class="card"><div class="muted">{}</div><div class="big">{}</div></div><div class="card"><div class="muted">{}</div><div class="big" id="overdue">{}</div></div><div class="card"><div class="muted">{}</div><div class="big" id="due-soon">{}</div></div></div>"#,
        ctx.t("案件", "Cases"),
        rows.len(),
        ctx.t("已超期", "Overdue"),
        count(Clock::Overdue),
        ctx.t("即将到期", "Due soon"),
        count(Clock::DueSoon)
    );
    let states: Vec<(String, String)> = [
        ("open", ctx.t("办理中", "open")),
        ("all", ctx.t("全部", "all")),
    ]
    .into_iter()
    .map(|(v, l)| (v.to_string(), l.to_string()))
    .chain(CaseState::ALL.iter().map(|s| {
        (
            s.code().to_string(),
            state_name(&desk, s.code()).to_string(),
        )
    }))
    .collect();
    let clocks: Vec<(String, String)> = [
        ("", ctx.t("全部", "all")),
        ("overdue", ctx.t("已超期", "overdue")),
        ("due_soon", ctx.t("即将到期", "due soon")),
    ]
    .into_iter()
    .map(|(v, l)| (v.to_string(), l.to_string()))
    .collect();
    write_html!(
        body,
        r#"<form class="pick fields" method="get" action="{}">{}{}{}{}<button type="submit">{}</button></form>"#,
        PATH,
        select("state", ctx.t("状态", "State"), field(&q, "state"), &states),
        select("clock", ctx.t("期限", "Clock"), field(&q, "clock"), &clocks),
        super::input(
            "county",
            ctx.t("区县代码", "County code"),
            field(&q, "county"),
            ""
        ),
        super::input(
            "days",
            ctx.t("最近天数", "Last days"),
            field(&q, "days"),
            r#" inputmode="numeric""#
        ),
        ctx.t("筛选", "Filter")
    );
    let mut rows_html = Html::new();
    for (c, k) in &rows {
        write_html!(
            rows_html,
            r#"<tr><td><a href="/console/cases/{}">#{0}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            c.id,
            &c.title,
            &c.source,
            c.county.as_deref().unwrap_or(""),
            state_name(&desk, &c.state),
            c.assignee.as_deref().or(c.unit.as_deref()).unwrap_or(""),
            c.due.as_deref().unwrap_or("—"),
            clock_cell(&desk, *k)
        );
    }
    let heads = [
        ctx.t("编号", "No."),
        ctx.t("事项", "Matter"),
        ctx.t("来源", "Source"),
        ctx.t("区县", "County"),
        ctx.t("状态", "State"),
        ctx.t("承办", "Assignee"),
        ctx.t("期限", "Due"),
        ctx.t("时限", "Clock"),
    ];
    body.push(&table("cases", &heads, rows_html));
    if rows.is_empty() {
        write_html!(
            body,
            "<p>{}</p>",
            ctx.t("没有符合条件的案件。", "No case matches.")
        );
    }
    desk.page(StatusCode::OK, ctx.t("案件", "Cases"), body)
}

pub(super) async fn readable(p: &App, desk: &Desk, id: &str) -> Result<Case, Response> {
    let id: i64 = id.parse().map_err(|_| {
        desk.fail(platform::Error::NotFound(format!(
            "case {id:?} does not exist"
        )))
    })?;
    let c = p
        .read_with(move |s| platform::cases::case(s, id))
        .await
        .map_err(|e| desk.fail(e))?;
    desk.require(Action::DataRead, platform::cases::target(&c))?;
    Ok(c)
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
        Ok(c) => page(&p, &desk, &c, &q, None, StatusCode::OK, None).await,
        Err(r) => r,
    }
}

pub(super) async fn page(
    p: &App,
    desk: &Desk,
    c: &Case,
    q: &Fields,
    problem: Option<platform::Error>,
    status: StatusCode,
    revealed: Option<super::complaints::Revealed>,
) -> Response {
    let ctx = &desk.ctx;
    let id = c.id;
    let (events, complaints, files) = match p
        .read(move |s| {
            Ok((
                s.case_events(id)?,
                s.complaints_of_case(id)?,
                s.attachments_of(&platform::cases::owner(id))?,
            ))
        })
        .await
    {
        Ok(e) => e,
        Err(e) => return desk.fail(e),
    };
    let today = platform::figures::local_date(&ctx.tz, ctx.now);
    let mut body = desk.saved(q);
    if let Some(e) = &problem {
        body.push(&desk.problem(e));
    }
    let source = match c
        .source_ref
        .as_deref()
        .and_then(|r| r.strip_prefix("alarm:"))
    {
        Some(alarm) => html!(
            r#"<a href="/console/alarms/{}" id="source">{} #{0}</a>"#,
            alarm,
            ctx.t("告警", "alarm")
        ),
        None => html!("{}", &c.source),
    };
    write_html!(
        body,
        r#"<dl class="facts"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{} {}</dd><dt>{}</dt><dd id="state">{}</dd><dt>{}</dt><dd>{} {}</dd><dt>{}</dt><dd>{} {}</dd><dt>{}</dt><dd>{}</dd></dl><p>{}</p>"#,
        ctx.t("事项", "Matter"),
        &c.title,
        ctx.t("来源", "Source"),
        source,
        ctx.t("对象", "Subject"),
        &c.subject_kind,
        c.subject_id.as_deref().unwrap_or(""),
        ctx.t("状态", "State"),
        state_name(desk, &c.state),
        ctx.t("承办", "Assignee"),
        c.unit.as_deref().unwrap_or(""),
        c.assignee.as_deref().unwrap_or(""),
        ctx.t("期限", "Due"),
        c.due.as_deref().unwrap_or("—"),
        clock_cell(desk, platform::cases::clock(c, today, &p.settings.cases)),
        ctx.t("处罚决定", "Penalty decision"),
        match (&c.penalty_number, c.penalty_amount) {
            (Some(n), Some(a)) => format!(
                "{n} · ¥{a} · {}",
                c.penalty_measures.as_deref().unwrap_or("")
            ),
            _ => "—".into(),
        },
        &c.description
    );
    body.push(&super::complaints::section(
        desk,
        c,
        &complaints,
        revealed.as_ref(),
    ));
    // The steps this person may take from here, one form.
    let allowed: Vec<CaseAction> = match (
        CaseState::parse(&c.state),
        platform::cases::role_of(&desk.who, c),
    ) {
        (Some(from), Some(by)) => CaseAction::ALL
            .into_iter()
            .filter(|a| platform::cases::transition(from, *a, by).is_ok())
            .collect(),
        _ => Vec::new(),
    };
    if !allowed.is_empty() {
        let has = |a: CaseAction| allowed.contains(&a);
        let mut fields = html!(
            r#"<label for="comment">{}</label><textarea id="comment" name="comment" maxlength="2000" rows="2"></textarea>"#,
            ctx.t("说明", "Comment")
        );
        if has(CaseAction::Decline) {
            let reasons: Vec<(String, String)> = DECLINE_REASONS
                .iter()
                .map(|r| (r.to_string(), r.to_string()))
                .collect();
            fields.push(&select(
                "reason_code",
                ctx.t("不予受理理由", "Reason not accepted"),
                "",
                &reasons,
            ));
        }
        if has(CaseAction::Assign) || has(CaseAction::Reassign) {
            fields.push(&super::input("unit", ctx.t("承办单位", "Unit"), "", ""));
            fields.push(&super::input("assignee", ctx.t("承办人", "Person"), "", ""));
            fields.push(&super::input(
                "due",
                ctx.t(
                    "办理期限（空：受理后60日）",
                    "Due (blank: 60 days from acceptance)",
                ),
                "",
                r#" type="date""#,
            ));
        }
        if has(CaseAction::Verify) {
            let founded = vec![
                ("true".to_string(), ctx.t("属实", "founded").to_string()),
                (
                    "false".to_string(),
                    ctx.t("不属实", "not founded").to_string(),
                ),
            ];
            fields.push(&select(
                "founded",
                ctx.t("核实结果", "Result"),
                "",
                &founded,
            ));
        }
        if has(CaseAction::DecidePenalty) {
            fields.push(&super::input(
                "number",
                ctx.t("决定书文号", "Decision number"),
                "",
                "",
            ));
            fields.push(&super::input(
                "amount",
                ctx.t("罚款金额（元）", "Fine (yuan)"),
                "",
                r#" inputmode="decimal""#,
            ));
            fields.push(&super::input(
                "measures",
                ctx.t("处理措施", "Measures"),
                "",
                "",
            ));
        }
        if has(CaseAction::Merge) {
            fields.push(&super::input(
                "into",
                ctx.t("合并至案件编号", "Duplicate of case no."),
                "",
                r#" inputmode="numeric""#,
            ));
        }
        let mut buttons = Html::new();
        for a in &allowed {
            write_html!(
                buttons,
                r#"<button type="submit" name="do" value="{}">{}</button> "#,
                a.code(),
                action_name(desk, *a)
            );
        }
        // The enterprise's one step has its own address.
        let to = if allowed == [CaseAction::Feedback] {
            "/feedback"
        } else {
            ""
        };
        write_html!(
            body,
            r#"<form method="post" action="/console/cases/{}{}" enctype="multipart/form-data" class="fields" id="act">{}{}<label for="evidence">{}</label><input id="evidence" name="evidence" type="file" multiple accept="application/pdf,image/jpeg,image/png"><div>{}</div></form>"#,
            c.id,
            to,
            desk.csrf_field(),
            fields,
            ctx.t(
                "附件（可选：照片、笔录、决定书）",
                "Files (optional: photos, records, decisions)"
            ),
            buttons
        );
    }
    let mut rows = Html::new();
    for e in &events {
        write_html!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ctx.time(e.at),
            &e.actor,
            match CaseAction::parse(&e.action) {
                Some(a) => action_name(desk, a),
                None if e.action == "created" => ctx.t("登记", "received"),
                None => e.action.as_str(),
            },
            state_name(desk, &e.to_state),
            e.detail.as_deref().unwrap_or(""),
            e.comment.as_deref().unwrap_or("")
        );
    }
    write_html!(
        body,
        r#"<h2>{}</h2><ul id="files">{}</ul>"#,
        ctx.t("附件", "Files"),
        super::forms::evidence_list(ctx, &format!("/console/cases/{}", c.id), &files)
    );
    write_html!(body, "<h2>{}</h2>", ctx.t("办理记录", "History"));
    let heads = [
        ctx.t("时间", "When"),
        ctx.t("操作者", "Who"),
        ctx.t("操作", "What"),
        ctx.t("状态", "State"),
        ctx.t("内容", "Detail"),
        ctx.t("说明", "Comment"),
    ];
    body.push(&table("events", &heads, rows));
    desk.page(
        status,
        &format!("{} #{}", ctx.t("案件", "Case"), c.id),
        body,
    )
}

/// A step's form, read once the person may take `right` on the case (nobody else makes the server read
/// files), its CSRF token checked, and its files kept.
async fn posted(
    p: &Arc<App>,
    q: &Fields,
    who: Principal,
    headers: &HeaderMap,
    id: &str,
    right: Action,
    request: axum::extract::Request,
) -> Result<(Desk, Case, Fields, Vec<store::Attachment>), Response> {
    let desk = Desk::open(p, PATH, q, who, headers).await?;
    let c = readable(p, &desk, id).await?;
    desk.require(right, platform::cases::target(&c))?;
    let (f, files) = match super::forms::read_any(request).await {
        Ok(x) => x,
        Err(e) => {
            let status = Desk::status_of(&e);
            return Err(page(p, &desk, &c, &Fields::new(), Some(e), status, None).await);
        }
    };
    desk.check_csrf(&f)?;
    match crate::api::uploads::keep_files(p, &files) {
        Ok(kept) => Ok((desk, c, f, kept)),
        Err(e) => {
            let status = Desk::status_of(&e);
            Err(page(p, &desk, &c, &Fields::new(), Some(e), status, None).await)
        }
    }
}

pub async fn act(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Response {
    let (desk, c, f, attachments) =
        match posted(&p, &q, who, &headers, &id, Action::CasesHandle, request).await {
            Ok(x) => x,
            Err(r) => return r,
        };
    let parsed = (|| -> Result<(CaseAction, ActInput), platform::Error> {
        let action = CaseAction::parse(field(&f, "do")).ok_or_else(|| {
            platform::Error::invalid(format!("{:?} is not a step of a case", field(&f, "do")))
        })?;
        let into = super::forms::number::<i64>(&f, "into")?;
        Ok((
            action,
            ActInput {
                comment: optional(&f, "comment"),
                reason_code: optional(&f, "reason_code"),
                unit: optional(&f, "unit"),
                assignee: optional(&f, "assignee"),
                due: optional(&f, "due"),
                founded: optional(&f, "founded").map(|v| v == "true"),
                number: optional(&f, "number"),
                amount: super::forms::number(&f, "amount")?,
                measures: optional(&f, "measures"),
                into,
                attachments,
            },
        ))
    })();
    let result = match parsed {
        Ok((action, input)) => {
            let (ctx, who) = (context(&p), desk.who.clone());
            p.write(move |s| platform::cases::act(s, &ctx, &who, c.id, action, &input))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => desk.after_save(&format!("/console/cases/{}", c.id)),
        Err(e) => {
            let status = Desk::status_of(&e);
            page(&p, &desk, &c, &Fields::new(), Some(e), status, None).await
        }
    }
}

/// The enterprise's answer to a case about it (its own address: the enterprise takes no other step).
pub async fn feedback(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Response {
    let (desk, c, f, attachments) =
        match posted(&p, &q, who, &headers, &id, Action::CaseFeedback, request).await {
            Ok(x) => x,
            Err(r) => return r,
        };
    let input = ActInput {
        comment: optional(&f, "comment"),
        attachments,
        ..ActInput::default()
    };
    let (ctx, who) = (context(&p), desk.who.clone());
    match p
        .write(move |s| platform::cases::act(s, &ctx, &who, c.id, CaseAction::Feedback, &input))
        .await
    {
        Ok(_) => desk.after_save(&format!("/console/cases/{}", c.id)),
        Err(e) => {
            let status = Desk::status_of(&e);
            page(&p, &desk, &c, &Fields::new(), Some(e), status, None).await
        }
    }
}

/// One file a case holds, downloaded.
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
    let c = match readable(&p, &desk, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let files = match p
        .read(move |s| s.attachments_of(&platform::cases::owner(c.id)))
        .await
    {
        Ok(f) => f,
        Err(e) => return desk.fail(e),
    };
    match crate::api::uploads::file_response(
        &p,
        &files,
        field(&q, "digest"),
        &format!("case {}", c.id),
    ) {
        Ok(r) => r,
        Err(e) => desk.fail(e),
    }
}

/// Escalates an alarm into a case from the alarm's page.
pub async fn escalate(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let desk = match Desk::open_for(
        &p,
        "/console/alarms",
        &q,
        who,
        &headers,
        Action::CasesHandle,
        Target::Any,
    )
    .await
    {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Err(r) = desk.check_csrf(&f) {
        return r;
    }
    let Ok(alarm) = id.parse::<i64>() else {
        return desk.fail(platform::Error::NotFound(format!(
            "alarm {id:?} does not exist"
        )));
    };
    let (ctx, who, comment) = (context(&p), desk.who.clone(), optional(&f, "comment"));
    match p
        .write(move |s| platform::cases::escalate_alarm(s, &ctx, &who, alarm, comment.as_deref()))
        .await
    {
        Ok(c) => desk.after_save(&format!("/console/cases/{}", c.id)),
        Err(platform::Error::Forbidden(_)) => desk.forbidden(),
        Err(e) => desk.fail(e),
    }
}
