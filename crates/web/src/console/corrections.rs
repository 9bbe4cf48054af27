//! Corrections in the console: staff with `data.correct` correct a parameter's values over a period (a
//! form that works without JavaScript, `multipart/form-data` with evidence files, or a plain form);
//! everyone who may read the site sees the corrections; staff withdraw one. The rules are
//! `platform::series::corrections`'. Enterprise users never get the form: they mark their data instead.

use super::forms::{local_input, read_any};
use super::{Desk, Fields, field, optional, table};
use crate::portal::html::Html;
use crate::{App, html, write_html};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Form};
use platform::accounts::{Action, Principal, Target};
use platform::series::corrections::{self, CorrectionInput};
use std::sync::Arc;
use store::{Attachment, Correction, Site};

const PATH: &str = "/console/corrections";

/// The form of a new correction, with what was typed (`f`) when it comes back with a problem.
fn correction_form(desk: &Desk, f: &Fields) -> Html {
    let ctx = &desk.ctx;
    html!(
        r#"<h2>{}</h2><p class="muted">{}</p>
<form method="post" action="/console/corrections" enctype="multipart/form-data" class="fields" id="correction-form">{}{}
<label for="param">{}</label><input id="param" name="param" value="{}" placeholder="a21026" required>
<label for="start">{}</label><input id="start" name="start" type="datetime-local" value="{}" required>
<label for="end">{}</label><input id="end" name="end" type="datetime-local" value="{}" required>
<label for="value">{}</label><input id="value" name="value" inputmode="decimal" value="{}" required>
<label for="reason">{}</label><textarea id="reason" name="reason" maxlength="2000" rows="3" required>{}</textarea>
<label for="evidence">{}</label><input id="evidence" name="evidence" type="file" multiple accept="application/pdf,image/jpeg,image/png">
<div><button type="submit">{}</button></div></form>"#,
        ctx.t("修正数据", "Correct data"),
        ctx.t(
            "修正值替代时段内该因子的每个存储值（实时、分钟值按数据时间，小时值须整小时在内，日值须整日在内）；原始数据和报文不变，修正后小时、日均值、判定和排放量重新计算。",
            "The value replaces every stored value of the parameter in the period (real-time and minute values by their data time, an hourly value when its whole hour is inside, a daily value when its whole day is); the journal and the values as received never change, and the hourly and daily means, determinations and emission quantities are computed again."
        ),
        desk.csrf_field(),
        super::input("site", ctx.t("点位", "Site"), field(f, "site"), " required"),
        ctx.t("监测项目", "Parameter"),
        field(f, "param"),
        ctx.t("开始", "From"),
        field(f, "start"),
        ctx.t("结束（不含）", "To (exclusive)"),
        field(f, "end"),
        ctx.t("修正值", "Value"),
        field(f, "value"),
        ctx.t("原因", "Reason"),
        field(f, "reason"),
        ctx.t("证明材料", "Evidence"),
        ctx.t("提交修正", "Correct")
    )
}

fn form_page(
    desk: &Desk,
    f: &Fields,
    problem: Option<platform::Error>,
    status: StatusCode,
) -> Response {
    let mut body = Html::new();
    if let Some(e) = &problem {
        body.push(&desk.problem(e));
    }
    body.push(&correction_form(desk, f));
    desk.page(status, desk.ctx.t("修正数据", "Correct data"), body)
}

/// The list: with a site, its corrections overlapping the last `days` days; without, those made in them.
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
    let filter = corrections::Filter {
        site: optional(&q, "site"),
        param: optional(&q, "param"),
        from: ctx.now - days * 86_400,
        to: ctx.now + 1,
    };
    let reader = desk.who.clone();
    let rows = match p
        .read(move |s| corrections::list(s, &reader, &filter))
        .await
    {
        Ok(r) => r,
        Err(e) => return desk.fail(e),
    };
    let mut body = desk.saved(&q);
    if desk.can(Action::DataCorrect) {
        write_html!(
            body,
            r#"<p><a href="/console/corrections/new" id="new-correction">{}</a></p>"#,
            ctx.t("修正数据…", "Correct data…")
        );
    }
    write_html!(
        body,
        r#"<form class="pick fields" method="get" action="{}">{}{}{}<button type="submit">{}</button></form>"#,
        PATH,
        super::input("site", ctx.t("点位", "Site"), field(&q, "site"), ""),
        super::input("param", ctx.t("因子", "Parameter"), field(&q, "param"), ""),
        super::input(
            "days",
            ctx.t("最近天数", "Last days"),
            field(&q, "days"),
            r#" inputmode="numeric""#
        ),
        ctx.t("筛选", "Filter")
    );
    let mut rows_html = Html::new();
    for (c, site) in &rows {
        write_html!(
            rows_html,
            r#"<tr><td><a href="/console/corrections/{}">#{0}</a></td><td>{} {}</td><td>{}</td><td>{} – {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            c.id,
            &c.site_id,
            &site.name,
            &c.param,
            ctx.time(c.start),
            ctx.time(c.end),
            c.value,
            &c.created_by,
            ctx.time(c.created_at),
            if c.withdrawn_at.is_some() {
                ctx.t("已撤回", "withdrawn")
            } else {
                ctx.t("有效", "in force")
            }
        );
    }
    let heads = [
        ctx.t("编号", "No."),
        ctx.t("点位", "Site"),
        ctx.t("因子", "Parameter"),
        ctx.t("时段", "Period"),
        ctx.t("修正值", "Value"),
        ctx.t("修正人", "By"),
        ctx.t("修正时间", "Made"),
        ctx.t("状态", "State"),
    ];
    body.push(&table("corrections", &heads, rows_html));
    if rows.is_empty() {
        write_html!(
            body,
            "<p>{}</p>",
            ctx.t("没有符合条件的修正。", "No correction matches.")
        );
    }
    desk.page(StatusCode::OK, ctx.t("数据修正", "Corrections"), body)
}

/// The form, for those with `data.correct` (403 for everyone else, enterprise users included).
pub async fn new(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match Desk::open_for(
        &p,
        PATH,
        &q,
        who,
        &headers,
        Action::DataCorrect,
        Target::Any,
    )
    .await
    {
        Ok(d) => d,
        Err(r) => return r,
    };
    form_page(&desk, &q, None, StatusCode::OK)
}

pub async fn create(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Response {
    // The right to correct before the form is read: nobody else makes the server read files.
    let desk = match Desk::open_for(
        &p,
        PATH,
        &q,
        who,
        &headers,
        Action::DataCorrect,
        Target::Any,
    )
    .await
    {
        Ok(d) => d,
        Err(r) => return r,
    };
    let (f, files) = match read_any(request).await {
        Ok(x) => x,
        Err(e) => {
            let status = Desk::status_of(&e);
            return form_page(&desk, &Fields::new(), Some(e), status);
        }
    };
    if let Err(r) = desk.check_csrf(&f) {
        return r;
    }
    // The site's jurisdiction before anything typed is judged or a file kept.
    let site_id = field(&f, "site").to_string();
    match p.read(move |s| s.site(&site_id)).await {
        Ok(Some(site)) if desk.who.may(Action::DataCorrect, Target::site(&site)) => {}
        Ok(Some(_)) => return desk.forbidden(),
        Ok(None) => {
            let e =
                platform::Error::NotFound(format!("site {:?} does not exist", field(&f, "site")));
            return form_page(&desk, &f, Some(e), StatusCode::NOT_FOUND);
        }
        Err(e) => return desk.fail(e),
    }
    let input = (|| -> Result<CorrectionInput, platform::Error> {
        Ok(CorrectionInput {
            site: field(&f, "site").to_string(),
            param: field(&f, "param").to_string(),
            start: local_input(&desk, &f, "start")?,
            end: local_input(&desk, &f, "end")?,
            value: super::forms::number(&f, "value")?.ok_or_else(|| {
                platform::Error::invalid_both("value is required", "须填写修正值")
            })?,
            reason: field(&f, "reason").to_string(),
        })
    })();
    let saved = match input.and_then(|i| Ok((i, crate::api::uploads::keep_files(&p, &files)?))) {
        Ok((input, evidence)) => {
            crate::api::corrections::write_correction(&p, desk.who.clone(), input, evidence).await
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(c) => desk.after_save(&format!("/console/corrections/{}", c.id)),
        Err(e) => {
            let status = Desk::status_of(&e);
            form_page(&desk, &f, Some(e), status)
        }
    }
}

/// The correction `id` with its site and evidence when the person may read it; the page to answer
/// otherwise.
async fn readable(
    p: &App,
    desk: &Desk,
    id: &str,
) -> Result<(Correction, Site, Vec<Attachment>), Response> {
    let id: i64 = id.parse().map_err(|_| {
        desk.fail(platform::Error::NotFound(format!(
            "correction {id:?} does not exist"
        )))
    })?;
    let read = p
        .read_with(move |s| {
            let c = corrections::correction(s, id)?;
            let site = s
                .site(&c.site_id)?
                .ok_or_else(|| platform::Error::NotFound(format!("site {} is gone", c.site_id)))?;
            let files = s.attachments_of(&corrections::owner(id))?;
            Ok((c, site, files))
        })
        .await;
    let (c, site, files) = read.map_err(|e| desk.fail(e))?;
    desk.require(Action::DataRead, Target::site(&site))?;
    Ok((c, site, files))
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
        Ok((c, site, files)) => page(&desk, &c, &site, &files, &q, None, StatusCode::OK),
        Err(r) => r,
    }
}

fn page(
    desk: &Desk,
    c: &Correction,
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
    let evidence =
        super::forms::evidence_list(ctx, &format!("/console/corrections/{}", c.id), files);
    let state = match (&c.withdrawn_by, c.withdrawn_at) {
        (Some(by), Some(at)) => {
            format!("{} · {by} · {}", ctx.t("已撤回", "withdrawn"), ctx.time(at))
        }
        _ => ctx.t("有效", "in force").to_string(),
    };
    write_html!(
        body,
        r#"<dl class="facts"><dt>{}</dt><dd>{} {}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{} – {}</dd><dt>{}</dt><dd id="value">{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{} · {}</dd><dt>{}</dt><dd id="state">{}</dd><dt>{}</dt><dd><ul id="evidence">{}</ul></dd></dl>"#,
        ctx.t("点位", "Site"),
        &c.site_id,
        &site.name,
        ctx.t("因子", "Parameter"),
        &c.param,
        ctx.t("时段", "Period"),
        ctx.time(c.start),
        ctx.time(c.end),
        ctx.t("修正值", "Value"),
        c.value,
        ctx.t("原因", "Reason"),
        &c.reason,
        ctx.t("修正", "Made"),
        &c.created_by,
        ctx.time(c.created_at),
        ctx.t("状态", "State"),
        state,
        ctx.t("证明材料", "Evidence"),
        evidence
    );
    if c.withdrawn_at.is_none() && desk.who.may(Action::DataCorrect, Target::site(site)) {
        write_html!(
            body,
            r#"<form method="post" action="/console/corrections/{}" id="withdraw">{}<button type="submit" name="do" value="withdraw">{}</button></form>"#,
            c.id,
            desk.csrf_field(),
            ctx.t("撤回修正", "Withdraw the correction")
        );
    }
    desk.page(
        status,
        &format!("{} #{}", ctx.t("数据修正", "Correction"), c.id),
        body,
    )
}

/// Staff withdraw a correction (`do=withdraw`).
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
    let (c, site, files) = match readable(&p, &desk, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if let Err(r) = desk.require(Action::DataCorrect, Target::site(&site)) {
        return r;
    }
    if field(&f, "do") != "withdraw" {
        let e = platform::Error::invalid(format!("{:?} is not withdraw", field(&f, "do")));
        return page(
            &desk,
            &c,
            &site,
            &files,
            &Fields::new(),
            Some(e),
            StatusCode::BAD_REQUEST,
        );
    }
    match crate::api::corrections::write_withdrawal(&p, desk.who.clone(), c.id).await {
        Ok(_) => desk.after_save(&format!("/console/corrections/{}", c.id)),
        Err(e) => {
            let status = Desk::status_of(&e);
            page(&desk, &c, &site, &files, &Fields::new(), Some(e), status)
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
    let (c, _, files) = match readable(&p, &desk, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match crate::api::uploads::file_response(
        &p,
        &files,
        field(&q, "digest"),
        &format!("correction {}", c.id),
    ) {
        Ok(r) => r,
        Err(e) => desk.fail(e),
    }
}
