//! The signed-in person's home: what their jurisdiction covers and its day so far (completeness today,
//! devices offline, refused frames), with the city's quarantine by cause for those who read evidence.

use super::{Desk, Fields, kind_name};
use crate::portal::html::Html;
use crate::{App, html, write_html};
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use platform::accounts::{Action, Principal, Target, Who};
use platform::series::today::{SiteToday, sites_today};
use std::sync::Arc;

pub async fn home(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match Desk::open(&p, "/console", &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let ctx = &desk.ctx;
    let reader = desk.who.clone();
    let evidence = desk.who.may(Action::EvidenceRead, Target::CityWide);
    let (tz, now) = (ctx.tz.clone(), ctx.now);
    let read = p
        .read(move |s| {
            let mine: Vec<store::Site> = s
                .sites()?
                .into_iter()
                .filter(|site| reader.may(Action::DataRead, Target::site(site)))
                .collect();
            let days = sites_today(s, &tz, now, mine)?;
            let active = platform::alarms::Filter {
                state: Some("active".into()),
                from: now - 366 * 86_400,
                to: now + 1,
                ..Default::default()
            };
            let alarms: Vec<String> = platform::alarms::list(s, &reader, &active)?
                .into_iter()
                .map(|(a, _)| a.state)
                .collect();
            let quarantine = if evidence {
                s.quarantine_counts()?
            } else {
                Vec::new()
            };
            // Marks of the last 31 days not yet reviewed (a mark covers at most 31 days of data, made
            // by its deadline: older unreviewed ones are rare and listed on the marks page).
            let marks = platform::marks::Filter {
                from: now - 31 * 86_400,
                to: now + 1,
                ..Default::default()
            };
            let unreviewed = platform::marks::list(s, &reader, &marks)?
                .iter()
                .filter(|(m, _)| matches!(m.state.as_str(), "submitted" | "awaiting_approval"))
                .count();
            Ok((days, quarantine, alarms, unreviewed))
        })
        .await;
    let (days, quarantine, alarms, unreviewed) = match read {
        Ok(r) => r,
        Err(e) => return desk.fail(e),
    };
    let (expected, accepted) = days.iter().fold((0, 0), |(e, a), d| {
        (e + d.expected, a + d.accepted.min(d.expected))
    });
    let devices: u32 = days.iter().map(|d| d.devices).sum();
    let offline: u32 = days.iter().map(|d| d.offline).sum();
    let refused: u64 = days.iter().map(|d| d.refused).sum();
    let percent = |d: Option<f64>| d.map_or("–".to_string(), |v| format!("{v:.1}%"));
    let overall = percent((expected > 0).then(|| 100.0 * accepted as f64 / expected as f64));
    let cards = html!(
        r#"<div class="cards" id="today">
<div class="card"><div class="muted">{0}</div><div class="big">{1}</div></div>
<div class="card"><div class="muted">{2}</div><div class="big" id="completeness">{3}</div></div>
<div class="card"><div class="muted">{4}</div><div class="big" id="offline">{5}</div><div class="muted">{6} {7}</div></div>
<div class="card"><div class="muted">{8}</div><div class="big" id="refused">{9}</div></div>
<div class="card"><div class="muted"><a href="/console/alarms">{10}</a></div><div class="big" id="alarms">{11}</div><div class="muted">{12} {13}</div></div>
<div class="card"><div class="muted"><a href="/console/marks">{14}</a></div><div class="big" id="marks">{15}</div></div>
</div>"#,
        ctx.t("可查看的点位", "Sites you may see"),
        days.len(),
        ctx.t("今日数据完整率", "Data completeness today"),
        overall,
        ctx.t("离线设备", "Devices offline"),
        offline,
        ctx.t("设备总数", "of"),
        devices,
        ctx.t("今日被拒收的数据包", "Frames refused today"),
        refused,
        ctx.t("未关闭的告警", "Alarms not closed"),
        alarms.len(),
        ctx.t("待确认", "not acknowledged:"),
        alarms.iter().filter(|s| *s == "open").count(),
        ctx.t("待审核的数据标记", "Marks not yet reviewed"),
        unreviewed
    );
    let quarantine = if evidence {
        let mut items = Html::new();
        for c in &quarantine {
            write_html!(
                items,
                r#"<li><a href="{}">{}</a>：{}</li>"#,
                ctx.href(&format!("/console/quarantine?verdict={}", c.verdict.code())),
                c.verdict.code(),
                c.count
            );
        }
        if quarantine.is_empty() {
            items = html!("<li>{}</li>", ctx.t("无", "None"));
        }
        html!(
            r#"<h2>{}</h2><ul id="quarantine-counts">{}</ul>"#,
            ctx.t(
                "隔离数据（按原因，全市）",
                "Quarantine by cause (city-wide)"
            ),
            items
        )
    } else {
        Html::new()
    };
    let scope = scope_text(&desk);
    let mut rows = Html::new();
    let registry = desk.can(Action::RegistryRead);
    for d in &days {
        rows.push(&site_row(&desk, d, registry));
    }
    let body = html!(
        r#"<p>{0}：{1}</p>
{2}
{3}
<h2>{4}</h2>
<div class="scroll"><table id="sites"><thead><tr><th>{5}</th><th>{6}</th><th>{7}</th><th>{8}</th><th>{9}</th><th>{10}</th><th>{11}</th></tr></thead><tbody>{12}</tbody></table></div>"#,
        ctx.t("管辖范围", "Jurisdiction"),
        scope,
        cards,
        quarantine,
        ctx.t("各点位今日情况", "Each site today"),
        ctx.t("编号", "Id"),
        ctx.t("名称", "Name"),
        ctx.t("类型", "Kind"),
        ctx.t("县区", "County"),
        ctx.t("完整率", "Completeness"),
        ctx.t("离线设备", "Offline"),
        ctx.t("拒收", "Refused"),
        rows
    );
    desk.page(StatusCode::OK, ctx.t("工作台", "Console"), body)
}

fn site_row(desk: &Desk, d: &SiteToday, registry: bool) -> Html {
    let ctx = &desk.ctx;
    let id = if registry {
        html!(
            r#"<a href="{}">{}</a>"#,
            ctx.href(&format!(
                "/console/sites/{}",
                crate::portal::urlencode(&d.site.id)
            )),
            &d.site.id
        )
    } else {
        Html::text(&d.site.id)
    };
    html!(
        r#"<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}/{}</td><td class="num">{}</td></tr>"#,
        id,
        &d.site.name,
        kind_name(ctx, d.site.kind),
        d.site.county.as_deref().unwrap_or(""),
        d.completeness_percent()
            .map_or("–".to_string(), |v| format!("{v:.1}%")),
        d.offline,
        d.devices,
        d.refused
    )
}

/// The jurisdiction in words: its counties and enterprises, or the whole city.
pub(crate) fn scope_text(desk: &Desk) -> String {
    let ctx = &desk.ctx;
    let Who::Account { scopes, .. } = &desk.who.who else {
        return String::new();
    };
    let mut parts = Vec::new();
    parts.extend(
        scopes
            .counties
            .iter()
            .map(|c| format!("{} {c}", ctx.t("县区", "county"))),
    );
    parts.extend(
        scopes
            .enterprises
            .iter()
            .map(|e| format!("{} {e}", ctx.t("企业", "enterprise"))),
    );
    if parts.is_empty() {
        ctx.t("全市", "the whole city").to_string()
    } else {
        parts.join("、")
    }
}
