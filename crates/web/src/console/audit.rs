//! The audit log for auditors and administrators: newest first, filtered by actor, action or subject,
//! paged on the server, exportable as CSV with the same filter. And the access log: what people signed
//! in asked for (reads included), filtered by actor or path.

use super::{Desk, Fields};
use crate::portal::html::Html;
use crate::portal::{self};
use crate::{App, html, write_html};
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use platform::accounts::{Action, Principal, Target};
use std::sync::Arc;

/// Entries per page of the audit log.
const AUDIT_PAGE: u32 = 50;

pub async fn audit(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match Desk::open_for(
        &p,
        "/console/audit",
        &q,
        who,
        &headers,
        Action::AuditRead,
        Target::CityWide,
    )
    .await
    {
        Ok(d) => d,
        Err(r) => return r,
    };
    let ctx = &desk.ctx;
    let search = q.get("q").filter(|s| !s.is_empty()).cloned();
    let before = q.get("before").and_then(|b| b.parse::<i64>().ok());
    let lookup = search.clone();
    let entries = match p
        .read(move |s| s.audit_page(lookup.as_deref(), before, AUDIT_PAGE))
        .await
    {
        Ok(e) => e,
        Err(e) => return desk.fail(e),
    };
    let mut rows = Html::new();
    for e in &entries {
        write_html!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            e.id,
            ctx.time(e.at),
            &e.actor,
            &e.action,
            &e.subject,
            e.detail.as_deref().unwrap_or("")
        );
    }
    let filter = search.as_deref().unwrap_or("");
    let with_filter = |path: &str| {
        ctx.href(&if filter.is_empty() {
            path.to_string()
        } else {
            format!("{path}?q={}", portal::urlencode(filter))
        })
    };
    let older = match entries.last() {
        Some(last) if entries.len() as u32 == AUDIT_PAGE => {
            let path = if filter.is_empty() {
                format!("/console/audit?before={}", last.id)
            } else {
                format!(
                    "/console/audit?q={}&before={}",
                    portal::urlencode(filter),
                    last.id
                )
            };
            html!(
                r#"<p><a rel="next" href="{}">{}</a></p>"#,
                ctx.href(&path),
                ctx.t("更早的记录", "Older entries")
            )
        }
        _ => Html::new(),
    };
    let body = html!(
        r#"<form method="get" action="/console/audit" role="search" class="pick"><label for="q">{0}</label>
<input id="q" name="q" value="{1}"> {2}<button type="submit">{3}</button>
<a href="{4}">{5}</a></form>
<div class="scroll"><table><thead><tr><th>#</th><th>{6}</th><th>{7}</th><th>{8}</th><th>{9}</th><th>{10}</th></tr></thead><tbody>{11}</tbody></table></div>
{12}"#,
        ctx.t(
            "筛选（操作者、操作或对象包含）",
            "Filter (actor, action or subject contains)"
        ),
        filter,
        if ctx.lang == portal::Lang::En {
            Html::trusted(r#"<input type="hidden" name="lang" value="en">"#)
        } else {
            Html::new()
        },
        ctx.t("筛选", "Filter"),
        with_filter("/api/v1/audit.csv"),
        ctx.t("导出 CSV", "Export CSV"),
        ctx.t("时间", "Time"),
        ctx.t("操作者", "Actor"),
        ctx.t("操作", "Action"),
        ctx.t("对象", "Subject"),
        ctx.t("内容", "Detail"),
        rows,
        older
    );
    desk.page(StatusCode::OK, ctx.t("审计日志", "Audit log"), body)
}

/// The access log: newest first, filtered by actor or path, paged on the server.
pub async fn access(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match Desk::open_for(
        &p,
        "/console/access",
        &q,
        who,
        &headers,
        Action::AuditRead,
        Target::CityWide,
    )
    .await
    {
        Ok(d) => d,
        Err(r) => return r,
    };
    let ctx = &desk.ctx;
    let search = q.get("q").filter(|s| !s.is_empty()).cloned();
    let before = q.get("before").and_then(|b| b.parse::<i64>().ok());
    let lookup = search.clone();
    let entries = match p
        .read(move |s| s.access_page(lookup.as_deref(), before, AUDIT_PAGE))
        .await
    {
        Ok(e) => e,
        Err(e) => return desk.fail(e),
    };
    let mut rows = Html::new();
    for e in &entries {
        write_html!(
            rows,
            r#"<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td><td class="num">{}</td></tr>"#,
            e.id,
            ctx.time(e.at),
            &e.actor,
            &e.address,
            &e.method,
            &e.path,
            e.status
        );
    }
    let filter = search.as_deref().unwrap_or("");
    let older = match entries.last() {
        Some(last) if entries.len() as u32 == AUDIT_PAGE => {
            let mut path = format!("/console/access?before={}", last.id);
            if !filter.is_empty() {
                path.push_str(&format!("&q={}", portal::urlencode(filter)));
            }
            html!(
                r#"<p><a rel="next" href="{}">{}</a></p>"#,
                ctx.href(&path),
                ctx.t("更早的记录", "Older entries")
            )
        }
        _ => Html::new(),
    };
    let body = html!(
        r#"<p class="muted">{0}</p>{1}
<div class="scroll"><table id="access-list"><thead><tr><th>#</th><th>{2}</th><th>{3}</th><th>{4}</th><th>{5}</th><th>{6}</th></tr></thead><tbody>{7}</tbody></table></div>
{8}"#,
        ctx.t(
            "登录人员（会话或令牌）的每一次请求，包括查看数据。",
            "Every request of someone signed in (a session or a token), reads included."
        ),
        super::search_box(
            ctx,
            "/console/access",
            filter,
            ctx.t("操作者或路径包含", "Actor or path contains")
        ),
        ctx.t("时间", "Time"),
        ctx.t("操作者", "Actor"),
        ctx.t("地址", "Address"),
        ctx.t("请求", "Request"),
        ctx.t("状态", "Status"),
        rows,
        older
    );
    desk.page(StatusCode::OK, ctx.t("访问日志", "Access log"), body)
}
