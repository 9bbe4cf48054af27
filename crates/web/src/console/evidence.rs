//! What the gateway received, for staff who read evidence city-wide: the quarantine of refused frames
//! (filtered by cause), conflicting re-sends beside the value that stands, and any journal record with
//! its raw frame, the password masked.

use super::{Desk, Fields, field, select};
use crate::portal::html::Html;
use crate::{App, html, write_html};
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use platform::accounts::{Action, Principal, Target};
use platform::ingest::redact::mask_password;
use std::sync::Arc;
use store::{NewValue, Verdict};

/// Rows per page of the quarantine and the conflicts (paged by id, newest first).
const ROWS: u32 = 50;

async fn open(
    p: &App,
    path: &str,
    q: &Fields,
    who: Principal,
    headers: &HeaderMap,
) -> Result<Desk, Response> {
    let desk = Desk::open(p, path, q, who, headers).await?;
    desk.require(Action::EvidenceRead, Target::CityWide)?;
    Ok(desk)
}

fn before(q: &Fields) -> Option<i64> {
    q.get("before")
        .and_then(|b| b.parse::<i64>().ok())
        .filter(|b| *b > 0)
}

fn older(desk: &Desk, path: &str, last: Option<i64>, full: bool) -> Html {
    match last {
        Some(id) if full => {
            let sep = if path.contains('?') { '&' } else { '?' };
            html!(
                r#"<p><a rel="next" href="{}">{}</a></p>"#,
                desk.ctx.href(&format!("{path}{sep}before={id}")),
                desk.ctx.t("更早的记录", "Older entries")
            )
        }
        _ => Html::new(),
    }
}

pub async fn quarantine(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match open(&p, "/console/quarantine", &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let ctx = &desk.ctx;
    let verdict = field(&q, "verdict").parse::<Verdict>().ok();
    let at = before(&q);
    let (entries, counts) = match p
        .read(move |s| Ok((s.quarantine(verdict, at, ROWS)?, s.quarantine_counts()?)))
        .await
    {
        Ok(r) => r,
        Err(e) => return desk.fail(e),
    };
    let mut options = vec![(String::new(), ctx.t("全部原因", "Every cause").to_string())];
    options.extend(
        Verdict::ALL
            .iter()
            .filter(|v| **v != Verdict::Accepted)
            .map(|v| {
                let n = counts
                    .iter()
                    .find(|c| c.verdict == *v)
                    .map_or(0, |c| c.count);
                (v.code().to_string(), format!("{} ({n})", v.code()))
            }),
    );
    let mut rows = Html::new();
    for e in &entries {
        write_html!(
            rows,
            r#"<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            ctx.href(&format!("/console/journal/{}", e.id)),
            e.id,
            ctx.time(e.received_at_ms / 1000),
            &e.peer,
            e.mn.as_deref().unwrap_or("—"),
            e.verdict.code(),
            e.cause.as_deref().unwrap_or("")
        );
    }
    let here = match verdict {
        Some(v) => format!("/console/quarantine?verdict={}", v.code()),
        None => "/console/quarantine".to_string(),
    };
    let body = html!(
        r#"<form method="get" action="/console/quarantine" class="pick">{0}{1}<button type="submit">{2}</button></form>
<div class="scroll"><table id="quarantine"><thead><tr><th>#</th><th>{3}</th><th>{4}</th><th>MN</th><th>{5}</th><th>{6}</th></tr></thead><tbody>{7}</tbody></table></div>
{8}"#,
        select(
            "verdict",
            ctx.t("原因", "Cause"),
            field(&q, "verdict"),
            &options
        ),
        if ctx.lang == crate::portal::Lang::En {
            Html::trusted(r#"<input type="hidden" name="lang" value="en">"#)
        } else {
            Html::new()
        },
        ctx.t("筛选", "Filter"),
        ctx.t("接收时间", "Received"),
        ctx.t("来源地址", "From"),
        ctx.t("判定", "Verdict"),
        ctx.t("原因", "Cause"),
        rows,
        older(
            &desk,
            &here,
            entries.last().map(|e| e.id),
            entries.len() as u32 == ROWS
        )
    );
    desk.page(StatusCode::OK, ctx.t("隔离数据", "Quarantine"), body)
}

fn value_text(v: &NewValue) -> String {
    let n = |x: Option<f64>| x.map_or("—".to_string(), |x| x.to_string());
    format!("{} ({})", n(v.value), v.flag.as_deref().unwrap_or("—"))
}

pub async fn conflicts(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match open(&p, "/console/conflicts", &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let ctx = &desk.ctx;
    let at = before(&q);
    let list = match p.read(move |s| s.conflicts(None, at, ROWS)).await {
        Ok(l) => l,
        Err(e) => return desk.fail(e),
    };
    let mut rows = Html::new();
    for c in &list {
        write_html!(
            rows,
            r#"<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><a href="{}">{}</a></td><td><a href="{}">{}</a></td></tr>"#,
            &c.resent.site_id,
            &c.resent.param,
            ctx.time(c.resent.time),
            c.resent.interval.code(),
            ctx.href(&format!("/console/journal/{}", c.stored_journal_id)),
            value_text(&c.stored),
            ctx.href(&format!("/console/journal/{}", c.journal_id)),
            value_text(&c.resent)
        );
    }
    let body = html!(
        r#"<p>{0}</p>
<div class="scroll"><table id="conflicts"><thead><tr><th>{1}</th><th>{2}</th><th>{3}</th><th>{4}</th><th>{5}</th><th>{6}</th></tr></thead><tbody>{7}</tbody></table></div>
{8}"#,
        ctx.t(
            "设备重传了不同的数值：先收到的值保留有效，重传的值记录在此备查。",
            "A device re-sent a different value: the first one received stands; the re-sent one is kept here."
        ),
        ctx.t("点位", "Site"),
        ctx.t("因子", "Parameter"),
        ctx.t("数据时间", "Data time"),
        ctx.t("类型", "Interval"),
        ctx.t("保留的值（标记）", "Value that stands (flag)"),
        ctx.t("重传的值（标记）", "Re-sent value (flag)"),
        rows,
        older(&desk, "/console/conflicts", list.last().map(|c| c.id), list.len() as u32 == ROWS)
    );
    desk.page(
        StatusCode::OK,
        ctx.t("冲突重传", "Conflicting re-sends"),
        body,
    )
}

pub async fn journal(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/console/journal/{}", crate::portal::urlencode(&id));
    let desk = match open(&p, &path, &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let ctx = &desk.ctx;
    let Ok(number) = id.parse::<i64>() else {
        return desk.fail(platform::Error::NotFound(format!(
            "no journal record {id:?}"
        )));
    };
    let entry = match p.read(move |s| s.journal_entry(number)).await {
        Ok(Some(e)) => e,
        Ok(None) => {
            return desk.fail(platform::Error::NotFound(format!(
                "no journal record {number}"
            )));
        }
        Err(e) => return desk.fail(e),
    };
    let raw = String::from_utf8_lossy(&mask_password(&entry.raw)).into_owned();
    let body = html!(
        r#"<dl><dt>{0}</dt><dd>{1}</dd><dt>{2}</dt><dd>{3}</dd><dt>MN</dt><dd>{4}</dd><dt>CN</dt><dd>{5}</dd><dt>{6}</dt><dd>{7}</dd><dt>{8}</dt><dd>{9}</dd></dl>
<h2>{10}</h2><pre class="raw" id="raw">{11}</pre>
<p class="muted">{12}</p>"#,
        ctx.t("接收时间", "Received"),
        ctx.time(entry.received_at_ms / 1000),
        ctx.t("来源地址", "From"),
        &entry.peer,
        entry.mn.as_deref().unwrap_or("—"),
        entry.cn.as_deref().unwrap_or("—"),
        ctx.t("判定", "Verdict"),
        entry.verdict.code(),
        ctx.t("原因", "Cause"),
        entry.cause.as_deref().unwrap_or("—"),
        ctx.t("原始报文", "Raw frame"),
        raw,
        ctx.t(
            "报文按收到时原样保存，仅密码（PW）被遮盖。",
            "The frame is kept exactly as received; only the password (PW) is masked."
        )
    );
    desk.page(
        StatusCode::OK,
        &format!("{} #{}", ctx.t("报文记录", "Journal record"), entry.id),
        body,
    )
}
