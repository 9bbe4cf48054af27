//! The alarm queue in the console: the alarms of the person's jurisdiction (an enterprise user sees their
//! own outlets'), filtered by state, kind, site, county and days, with counts by state, exported as CSV
//! and XLSX; one alarm with its notes and webhook deliveries, and the lifecycle steps the person may take
//! (acknowledge, resolve, close, with a comment; `platform::alarms::act`, audited).

use super::{Desk, Fields, XLSX, download, field, optional, select, table};
use crate::portal::html::Html;
use crate::{App, html, write_html};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Form};
use platform::accounts::{Action, Principal, Target};
use platform::alarms::{AlarmEvent, AlarmState, Filter, transition};
use std::sync::Arc;
use store::{Alarm, Site};

const PATH: &str = "/console/alarms";

/// The filter of the query: `state` (default `active`: all but closed), `kind`, `site`, `county`, and the
/// last `days` (default 30, at most 366).
fn filter(q: &Fields, now: i64) -> Filter {
    let days: i64 = field(q, "days").parse().unwrap_or(30).clamp(1, 366);
    Filter {
        state: Some(optional(q, "state").unwrap_or_else(|| "active".into())).filter(|s| s != "all"),
        kind: optional(q, "kind"),
        site: optional(q, "site"),
        county: optional(q, "county"),
        from: now - days * 86_400,
        to: now + 1,
    }
}

async fn found(p: &App, desk: &Desk, q: &Fields) -> Result<Vec<(Alarm, Site)>, platform::Error> {
    let (f, reader) = (filter(q, desk.ctx.now), desk.who.clone());
    p.read(move |s| platform::alarms::list(s, &reader, &f))
        .await
}

fn state_name(desk: &Desk, state: &str) -> &'static str {
    let t = |zh, en| desk.ctx.t(zh, en);
    match state {
        "open" => t("待处理", "open"),
        "acknowledged" => t("已确认", "acknowledged"),
        "resolved" => t("已解决", "resolved"),
        "closed" => t("已关闭", "closed"),
        _ => t("未知", "unknown"),
    }
}

/// What happened to an alarm, in the person's language (the notes' event codes).
fn event_name<'a>(desk: &Desk, event: &'a str) -> &'a str {
    let t = |zh, en| desk.ctx.t(zh, en);
    match event {
        "opened" => t("发生", "opened"),
        "ack" => t("确认", "acknowledged"),
        "resolve" => t("解决", "resolved"),
        "close" => t("关闭", "closed"),
        "cleared" => t("自动恢复", "cleared by itself"),
        "recurred" => t("再次发生", "recurred"),
        "withdrawn" => t("撤销（不再判定）", "withdrawn (no longer determined)"),
        "escalated" => t("升级至市级", "escalated to the city"),
        "explained" => t("由数据标记说明", "explained by a data mark"),
        other => other,
    }
}

fn kind_name(desk: &Desk, kind: &str) -> &'static str {
    let t = |zh, en| desk.ctx.t(zh, en);
    match kind {
        "exceedance" => t("超标", "exceedance"),
        "gap" => t("数据缺失", "no data"),
        "stuck" => t("数值恒定", "stuck value"),
        "over_range" => t("超量程", "over range"),
        "fault" => t("设备故障", "device fault"),
        "comm_fault" => t("通讯异常", "communication fault"),
        "offline" => t("设备离线", "logger offline"),
        "conflict" => t("重传数据冲突", "conflicting re-send"),
        "suspicious_mark" => t("可疑标记", "suspicious mark"),
        _ => t("其他", "other"),
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
    let rows = match found(&p, &desk, &q).await {
        Ok(r) => r,
        Err(e) => return desk.fail(e),
    };
    let ctx = &desk.ctx;
    let mut counts = Html::new();
    for s in AlarmState::ALL {
        let n = rows.iter().filter(|(a, _)| a.state == s.code()).count();
        write_html!(
            counts,
            r#"<div class="card"><div class="muted">{}</div><div class="big" id="count-{}">{}</div></div>"#,
            state_name(&desk, s.code()),
            s.code(),
            n
        );
    }
    let states: Vec<(String, String)> = [
        ("active", ctx.t("未关闭", "not closed")),
        ("all", ctx.t("全部", "all")),
    ]
    .into_iter()
    .map(|(v, l)| (v.to_string(), l.to_string()))
    .chain(AlarmState::ALL.iter().map(|s| {
        (
            s.code().to_string(),
            state_name(&desk, s.code()).to_string(),
        )
    }))
    .collect();
    let kinds: Vec<(String, String)> =
        std::iter::once((String::new(), ctx.t("全部", "all").to_string()))
            .chain(
                [
                    "exceedance",
                    "gap",
                    "stuck",
                    "over_range",
                    "fault",
                    "comm_fault",
                    "suspicious_mark",
                ]
                .iter()
                .map(|k| (k.to_string(), kind_name(&desk, k).to_string())),
            )
            .collect();
    let query = ["state", "kind", "site", "county", "days"]
        .iter()
        .filter(|k| !field(&q, k).is_empty())
        .map(|k| format!("{k}={}", crate::portal::urlencode(field(&q, k))))
        .collect::<Vec<_>>()
        .join("&");
    let mut body = html!(
        r#"<div class="cards" id="counts">{}</div>
<form class="pick fields" method="get" action="{}">{}{}{}{}{}<button type="submit">{}</button></form>
<p class="noprint"><a href="/console/alarms.csv?{}" id="csv" download>CSV</a> · <a href="/console/alarms.xlsx?{8}" id="xlsx" download>XLSX</a> · <a href="/console/alarm-rules" id="rules">{}</a></p>"#,
        counts,
        PATH,
        select("state", ctx.t("状态", "State"), field(&q, "state"), &states),
        select("kind", ctx.t("类型", "Kind"), field(&q, "kind"), &kinds),
        super::input("site", ctx.t("点位", "Site"), field(&q, "site"), ""),
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
        ctx.t("筛选", "Filter"),
        &query,
        ctx.t("告警规则", "Alarm rules")
    );
    let mut rows_html = Html::new();
    for (a, site) in &rows {
        write_html!(
            rows_html,
            r#"<tr><td><a href="/console/alarms/{}">#{0}</a></td><td class="{}">{}</td><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td><td>{} – {}</td><td>{}</td><td>{}</td></tr>"#,
            a.id,
            if a.severity == "high" { "exceed" } else { "" },
            &a.severity,
            kind_name(&desk, &a.kind),
            &a.site_id,
            &site.name,
            a.param.as_deref().unwrap_or(""),
            ctx.time(a.opened_at),
            ctx.time(a.episode_start),
            ctx.time(a.episode_end),
            state_name(&desk, &a.state),
            if a.level == "city" {
                ctx.t("市级", "city")
            } else {
                ctx.t("区县", "county")
            }
        );
    }
    let heads = [
        ctx.t("编号", "No."),
        ctx.t("级别", "Severity"),
        ctx.t("类型", "Kind"),
        ctx.t("点位", "Site"),
        ctx.t("因子", "Parameter"),
        ctx.t("发生", "Opened"),
        ctx.t("时段", "Episode"),
        ctx.t("状态", "State"),
        ctx.t("层级", "Desk"),
    ];
    body.push(&table("alarms", &heads, rows_html));
    if rows.is_empty() {
        write_html!(
            body,
            "<p>{}</p>",
            ctx.t("没有符合条件的告警。", "No alarm matches.")
        );
    }
    desk.page(StatusCode::OK, ctx.t("告警", "Alarms"), body)
}

/// The list as rows of text, for the exports.
fn export_rows(desk: &Desk, rows: &[(Alarm, Site)]) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let ctx = &desk.ctx;
    let header = vec![
        "id",
        "severity",
        "kind",
        "site",
        "site_name",
        "county",
        "param",
        "opened",
        "episode_start",
        "episode_end",
        "state",
        "level",
    ];
    let rows = rows
        .iter()
        .map(|(a, s)| {
            vec![
                a.id.to_string(),
                a.severity.clone(),
                a.kind.clone(),
                a.site_id.clone(),
                s.name.clone(),
                s.county.clone().unwrap_or_default(),
                a.param.clone().unwrap_or_default(),
                ctx.time(a.opened_at),
                ctx.time(a.episode_start),
                ctx.time(a.episode_end),
                a.state.clone(),
                a.level.clone(),
            ]
        })
        .collect();
    (header, rows)
}

pub async fn csv(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match Desk::open_for(
        &p,
        "/console/alarms.csv",
        &q,
        who,
        &headers,
        Action::DataRead,
        Target::Any,
    )
    .await
    {
        Ok(d) => d,
        Err(r) => return r,
    };
    let rows = match found(&p, &desk, &q).await {
        Ok(r) => r,
        Err(e) => return desk.fail(e),
    };
    let (header, rows) = export_rows(&desk, &rows);
    let text = platform::csv_out::table(&header, &rows);
    download("text/csv; charset=utf-8", "alarms.csv", text.into_bytes())
}

pub async fn xlsx(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match Desk::open_for(
        &p,
        "/console/alarms.xlsx",
        &q,
        who,
        &headers,
        Action::DataRead,
        Target::Any,
    )
    .await
    {
        Ok(d) => d,
        Err(r) => return r,
    };
    let rows = match found(&p, &desk, &q).await {
        Ok(r) => r,
        Err(e) => return desk.fail(e),
    };
    let (header, rows) = export_rows(&desk, &rows);
    let book = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let ws = wb.add_worksheet();
        ws.set_name("alarms")?;
        for (j, h) in header.iter().enumerate() {
            ws.write_string_with_format(0, j as u16, *h, &bold)?;
        }
        for (i, r) in rows.iter().enumerate() {
            for (j, v) in r.iter().enumerate() {
                match (j, v.parse::<f64>()) {
                    (0, Ok(n)) => ws.write_number(i as u32 + 1, 0, n),
                    _ => ws.write_string(i as u32 + 1, j as u16, v),
                }?;
            }
        }
        wb.save_to_buffer()
    };
    match book() {
        Ok(bytes) => download(XLSX, "alarms.xlsx", bytes),
        Err(e) => desk.fail(platform::Error::Internal(format!(
            "building the workbook: {e}"
        ))),
    }
}

/// The alarm `id` and its site when the person may read it: the desk's answer (404, 403) otherwise.
async fn readable(p: &App, desk: &Desk, id: &str) -> Result<(Alarm, Site), Response> {
    let id: i64 = id
        .parse()
        .map_err(|_| desk.fail(platform::Error::NotFound(format!("no alarm {id:?}"))))?;
    let read = p
        .read_with(move |s| {
            let a = platform::alarms::alarm(s, id)?;
            let site = s
                .site(&a.site_id)?
                .ok_or_else(|| platform::Error::NotFound(format!("site {} is gone", a.site_id)))?;
            Ok((a, site))
        })
        .await;
    let (a, site) = read.map_err(|e| desk.fail(e))?;
    desk.require(Action::DataRead, Target::site(&site))?;
    Ok((a, site))
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
    let (a, site) = match readable(&p, &desk, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    page(&p, &desk, &a, &site, &q, None, StatusCode::OK).await
}

async fn page(
    p: &App,
    desk: &Desk,
    a: &Alarm,
    site: &Site,
    q: &Fields,
    problem: Option<platform::Error>,
    status: StatusCode,
) -> Response {
    let ctx = &desk.ctx;
    let id = a.id;
    let (notes, deliveries) = match p
        .read(move |s| Ok((s.alarm_notes(id)?, s.deliveries_of(id)?)))
        .await
    {
        Ok(x) => x,
        Err(e) => return desk.fail(e),
    };
    let mut body = desk.saved(q);
    if let Some(e) = &problem {
        body.push(&desk.problem(e));
    }
    write_html!(
        body,
        r#"<dl class="facts"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{} {}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{} – {}</dd><dt>{}</dt><dd id="state">{}</dd><dt>{}</dt><dd>{}</dd></dl>"#,
        ctx.t("类型", "Kind"),
        kind_name(desk, &a.kind),
        ctx.t("点位", "Site"),
        &a.site_id,
        &site.name,
        ctx.t("因子", "Parameter"),
        a.param.as_deref().unwrap_or(""),
        ctx.t("时段", "Episode"),
        ctx.time(a.episode_start),
        ctx.time(a.episode_end),
        ctx.t("状态", "State"),
        state_name(desk, &a.state),
        ctx.t("层级", "Desk"),
        if a.level == "city" {
            ctx.t("市级", "city")
        } else {
            ctx.t("区县", "county")
        }
    );
    match a.case_id {
        Some(case) => write_html!(
            body,
            r#"<p><a href="/console/cases/{}" id="case">{} #{0}</a></p>"#,
            case,
            ctx.t("已转为案件", "Escalated into case")
        ),
        None if desk.who.may(Action::CasesHandle, Target::site(site)) => write_html!(
            body,
            r#"<form method="post" action="/console/alarms/{}/escalate" id="escalate">{}<button type="submit">{}</button></form>"#,
            a.id,
            desk.csrf_field(),
            ctx.t("转为案件办理", "Escalate into a case")
        ),
        None => {}
    }
    if let Some(mark) = a.mark_id {
        write_html!(
            body,
            r#"<p><a href="/console/marks/{}" id="mark">{} #{0}</a></p>"#,
            mark,
            ctx.t("被审核的数据标记", "The mark to review")
        );
    }
    // The steps the lifecycle allows from here, when the person may handle the alarm.
    let from = AlarmState::parse(&a.state).unwrap_or(AlarmState::Open);
    if desk.who.may(Action::AlarmsHandle, Target::site(site)) {
        let mut buttons = Html::new();
        for (event, zh, en) in [
            (AlarmEvent::Acknowledge, "确认", "Acknowledge"),
            (AlarmEvent::Resolve, "解决", "Resolve"),
            (AlarmEvent::Close, "关闭", "Close"),
        ] {
            if transition(from, event, platform::alarms::person_resolves(&a.kind)).is_ok() {
                write_html!(
                    buttons,
                    r#"<button type="submit" name="do" value="{}">{}</button> "#,
                    event.code(),
                    ctx.t(zh, en)
                );
            }
        }
        if !buttons.as_str().is_empty() {
            write_html!(
                body,
                r#"<form method="post" action="/console/alarms/{}" class="fields" id="act">{}<label for="comment">{}</label><textarea id="comment" name="comment" maxlength="2000" rows="2"></textarea><div>{}</div></form>"#,
                a.id,
                desk.csrf_field(),
                ctx.t("说明", "Comment"),
                buttons
            );
        }
    }
    let mut rows = Html::new();
    for n in &notes {
        write_html!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ctx.time(n.at),
            &n.actor,
            event_name(desk, &n.event),
            n.comment.as_deref().unwrap_or("")
        );
    }
    write_html!(body, "<h2>{}</h2>", ctx.t("处理记录", "History"));
    let heads = [
        ctx.t("时间", "When"),
        ctx.t("操作者", "Who"),
        ctx.t("事件", "What"),
        ctx.t("说明", "Comment"),
    ];
    body.push(&table("notes", &heads, rows));
    if !deliveries.is_empty() {
        let mut rows = Html::new();
        for d in &deliveries {
            write_html!(
                rows,
                r#"<tr><td>{}</td><td>{}</td><td class="num">{}</td><td>{}</td><td>{}</td></tr>"#,
                &d.channel,
                event_name(desk, &d.event),
                d.attempts,
                d.delivered_at
                    .map(|t| ctx.time(t))
                    .unwrap_or_else(|| "—".into()),
                d.last_error.as_deref().unwrap_or("")
            );
        }
        write_html!(body, "<h2>{}</h2>", ctx.t("通知投递", "Notifications"));
        let heads = [
            ctx.t("渠道", "Channel"),
            ctx.t("事件", "Event"),
            ctx.t("尝试次数", "Attempts"),
            ctx.t("送达", "Delivered"),
            ctx.t("最近错误", "Last error"),
        ];
        body.push(&table("deliveries", &heads, rows));
    }
    desk.page(
        status,
        &format!("{} #{}", ctx.t("告警", "Alarm"), a.id),
        body,
    )
}

pub async fn act(
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
    if let Err(r) = desk.require(Action::AlarmsHandle, Target::Any) {
        return r;
    }
    let (a, site) = match readable(&p, &desk, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if let Err(r) = desk.require(Action::AlarmsHandle, Target::site(&site)) {
        return r;
    }
    let Some(event) = AlarmEvent::by_person(field(&f, "do")) else {
        let e = platform::Error::invalid(format!(
            "{:?} is not ack, resolve or close",
            field(&f, "do")
        ));
        return page(
            &p,
            &desk,
            &a,
            &site,
            &Fields::new(),
            Some(e),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let (settings, actor, comment) = (
        p.settings.alarms.clone(),
        desk.who.actor(),
        optional(&f, "comment"),
    );
    let now = desk.ctx.now;
    let alarm_id = a.id;
    match p
        .write(move |s| {
            platform::alarms::act(
                s,
                &settings,
                &actor,
                alarm_id,
                event,
                comment.as_deref(),
                now,
            )
        })
        .await
    {
        Ok(_) => desk.after_save(&format!("/console/alarms/{alarm_id}")),
        Err(e) => {
            let status = Desk::status_of(&e);
            page(&p, &desk, &a, &site, &Fields::new(), Some(e), status).await
        }
    }
}
