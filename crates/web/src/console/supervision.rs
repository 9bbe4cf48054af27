//! Supervision in the console: the exceedance episodes and data problems of the outlets in the person's
//! jurisdiction over the last days (7 by default, `?days=` up to 31), as determined (the API's).

use super::{Desk, Fields, field};
use crate::portal::html::Html;
use crate::{App, html, write_html};
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use platform::accounts::{Action, Principal, Target};
use std::sync::Arc;
use store::SiteKind;

pub async fn page(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match Desk::open_for(
        &p,
        "/console/supervision",
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
    let ctx = &desk.ctx;
    let days: i64 = field(&q, "days").parse().unwrap_or(7).clamp(1, 31);
    let to = ctx.now;
    let from = to - days * 86_400;
    let reader = desk.who.clone();
    let found = p
        .read(move |s| {
            let sites: Vec<store::Site> = s
                .sites()?
                .into_iter()
                .filter(|s| matches!(s.kind, SiteKind::FlueGasOutlet | SiteKind::WastewaterOutlet))
                .filter(|s| reader.may(Action::DataRead, Target::site(s)))
                .collect();
            let current = platform::determinations::current;
            Ok((
                current(s, &sites, None, true, from, to)?,
                current(s, &sites, None, false, from, to)?,
            ))
        })
        .await;
    let (episodes, problems) = match found {
        Ok(f) => f,
        Err(e) => return desk.fail(e),
    };
    let mut rows = Html::new();
    for (d, e) in episodes
        .iter()
        .filter_map(|d| Some((d, d.exceedance.as_ref()?)))
    {
        write_html!(
            rows,
            r#"<tr><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td><td class="num exceed">{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>"#,
            &d.site_id,
            &d.param,
            ctx.time(d.start),
            e.hours,
            e.peak,
            e.limit,
            e.multiple.map_or("—".to_string(), |m| m.to_string()),
            &e.source
        );
    }
    let mut problem_rows = Html::new();
    for pr in &problems {
        write_html!(
            problem_rows,
            r#"<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            &pr.site_id,
            &pr.param,
            &pr.kind,
            ctx.time(pr.start),
            ctx.time(pr.end)
        );
    }
    let body = html!(
        r#"<p class="muted">{0}</p>
<h2>{1}（{2}）</h2>
<div class="scroll"><table id="episodes"><thead><tr><th>{3}</th><th>{4}</th><th>{5}</th><th>{6}</th><th>{7}</th><th>{8}</th><th>{9}</th><th>{10}</th></tr></thead><tbody>{11}</tbody></table></div>
<h2>{12}（{13}）</h2>
<div class="scroll"><table id="problems"><thead><tr><th>{3}</th><th>{4}</th><th>{14}</th><th>{5}</th><th>{15}</th></tr></thead><tbody>{16}</tbody></table></div>"#,
        match ctx.lang {
            crate::portal::Lang::Zh => format!(
                "管辖范围内排口最近 {days} 天的超标与数据问题（?days= 最多 31 天）。超标按当日有效的许可证限值判定，许可证未载明的按排放标准。"
            ),
            crate::portal::Lang::En => format!(
                "Exceedances and data problems of the outlets in your jurisdiction over the last {days} days (?days= up to 31), judged against the permit in force each day, or the outlet's standard where the permit is silent."
            ),
        },
        ctx.t("超标", "Exceedance episodes"),
        episodes.len(),
        ctx.t("点位", "Site"),
        ctx.t("因子", "Parameter"),
        ctx.t("开始", "Start"),
        ctx.t("时长（小时）", "Hours"),
        ctx.t("峰值", "Peak"),
        ctx.t("限值", "Limit"),
        ctx.t("超标倍数", "Multiple"),
        ctx.t("依据", "Limit from"),
        rows,
        ctx.t("数据问题", "Data problems"),
        problems.len(),
        ctx.t("类型", "Kind"),
        ctx.t("结束", "End"),
        problem_rows
    );
    desk.page(StatusCode::OK, ctx.t("监管", "Supervision"), body)
}
