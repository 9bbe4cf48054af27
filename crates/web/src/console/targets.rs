//! Targets in the console: every target of the stored sets with its figure (to date for a year under
//! way), its status and the basis of the figure, cut to the areas the person may read; and the form that
//! enters a value of an indicator the platform cannot measure, with its evidence (`platform::targets`).

use super::forms::read_any;
use super::{Desk, Fields, field, optional, select, table};
use crate::portal::html::Html;
use crate::{App, html, write_html};
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use platform::accounts::permissions::Reach;
use platform::accounts::{Action, Principal, Target};
use platform::targets::projection::{Need, Projection};
use platform::targets::ranking;
use platform::targets::{CATALOGUE, Source, Status, ValueInput};
use std::sync::Arc;

const PATH: &str = "/console/targets";

fn status_name(desk: &Desk, s: Status) -> &'static str {
    match s {
        Status::Met => desk.ctx.t("达标", "met"),
        Status::AtRisk => desk.ctx.t("有风险", "at risk"),
        Status::Missed => desk.ctx.t("未达标", "missed"),
        Status::NoData => desk.ctx.t("无数据", "no data"),
    }
}

/// A projection in words: what the rest of the year must look like, and the probability.
fn projection_text(desk: &Desk, p: &Projection) -> String {
    let ctx = &desk.ctx;
    let need = match p.need {
        Need::PollutedDays(Some(n)) => format!(
            "{} {n} {} {}",
            ctx.t("余下", "at most"),
            ctx.t("天内污染天数不超过", "more polluted days in the"),
            p.remaining
        ),
        Need::Pm2_5Mean(Some(x)) => format!(
            "{} {} {x} µg/m³",
            p.remaining,
            ctx.t(
                "天内 PM2.5 均值不超过",
                "remaining days must average PM2.5 at most"
            )
        ),
        Need::HeavyDays(Some(n)) => format!(
            "{} {n}",
            ctx.t("重污染天数还可有", "at most more heavy days:")
        ),
        _ => ctx.t("已无法达到", "can no longer be met").to_string(),
    };
    match p.probability {
        Some(x) => format!(
            "{need} · {} {:.0}% ({} {} {})",
            ctx.t("达标概率", "probability"),
            x * 100.0,
            ctx.t("按往年同期", "resampling the same span of"),
            p.history_years,
            ctx.t("年数据重抽样", "earlier year(s)")
        ),
        None => format!(
            "{need} · {}",
            ctx.t(
                "无往年数据，不估算概率",
                "no earlier year to estimate a probability"
            )
        ),
    }
}

/// Whether the person may read an area's figures.
fn readable(desk: &Desk, area: &str) -> bool {
    let city_wide = desk.who.reach(Action::DataRead) == Reach::Everywhere;
    match area {
        "city" => city_wide,
        basin if basin.starts_with("basin:") => city_wide,
        county => desk.who.may(Action::DataRead, Target::County(county)),
    }
}

fn value_form(desk: &Desk, f: &Fields) -> Html {
    let ctx = &desk.ctx;
    let manual: Vec<(String, String)> = CATALOGUE
        .iter()
        .filter(|i| i.source == Source::Manual)
        .map(|i| (i.id.to_string(), ctx.t(i.zh, i.en).to_string()))
        .collect();
    html!(
        r#"<h2>{}</h2><form method="post" action="{}" enctype="multipart/form-data" class="fields" id="value-form">{}{}{}{}{}
<label for="note">{}</label><input id="note" name="note" maxlength="500" value="{}">
<label for="evidence">{}</label><input id="evidence" name="evidence" type="file" multiple accept="application/pdf,image/jpeg,image/png" required>
<div><button type="submit">{}</button></div></form>"#,
        ctx.t(
            "填报不能自动计算的指标",
            "Enter an indicator the platform cannot measure"
        ),
        PATH,
        desk.csrf_field(),
        select(
            "indicator",
            ctx.t("指标", "Indicator"),
            field(f, "indicator"),
            &manual
        ),
        super::input(
            "area",
            ctx.t("地区（city 或区县代码）", "Area (city or a county code)"),
            field(f, "area"),
            " required"
        ),
        super::input(
            "period",
            ctx.t("期间（如 2020）", "Period (e.g. 2020)"),
            field(f, "period"),
            " required"
        ),
        super::input(
            "value",
            ctx.t("数值（%）", "Value (%)"),
            field(f, "value"),
            r#" inputmode="decimal" required"#
        ),
        ctx.t("说明", "Note"),
        field(f, "note"),
        ctx.t("证明材料（必填）", "Evidence (required)"),
        ctx.t("提交", "Enter")
    )
}

async fn page(
    p: &Arc<App>,
    desk: &Desk,
    q: &Fields,
    f: &Fields,
    problem: Option<platform::Error>,
    status: StatusCode,
) -> Response {
    let (tz, cache, now) = (p.tz.clone(), p.figures.clone(), desk.ctx.now);
    let assessed = match p
        .read(move |s| platform::targets::assess(s, &tz, &cache, now))
        .await
    {
        Ok(a) => a,
        Err(e) => return desk.fail(e),
    };
    let ctx = &desk.ctx;
    let mut body = desk.saved(q);
    if let Some(e) = &problem {
        body.push(&desk.problem(e));
    }
    write_html!(
        body,
        "<p>{}</p>",
        ctx.t(
            "目标集中的每项目标：由平台数据计算的指标注明所用数据和规则；不能自动计算的指标由人工填报并附证明材料。进行中的期间按截至今日的数据判断（未达到即“有风险”）。",
            "Every target of the stored sets: a computed figure names the data and rule behind it; an indicator the platform cannot measure is entered by hand with its evidence. A period under way is judged on its data to date (short of the target: at risk)."
        )
    );
    let area = optional(q, "area");
    let counties = p.read(|s| s.counties()).await.unwrap_or_default();
    let mut links = Html::new();
    for c in counties.iter().filter(|c| readable(desk, &c.code)) {
        write_html!(
            links,
            r#" <a href="{}?area={}">{}</a>"#,
            PATH,
            &c.code,
            &c.name
        );
    }
    write_html!(
        body,
        r#"<p id="counties">{}{}</p>"#,
        ctx.t("区县页：", "County pages:"),
        links
    );
    if let Some(code) = &area {
        if !readable(desk, code) {
            return desk.forbidden();
        }
        if let Some(c) = counties.iter().find(|c| &c.code == code) {
            body.push(&county(p, desk, c, q.get("period").map(String::as_str)).await);
        }
    }
    let shown: Vec<_> = assessed
        .iter()
        .filter(|a| readable(desk, &a.target.area))
        .filter(|a| area.as_ref().is_none_or(|code| &a.target.area == code))
        .collect();
    let unlikely: Vec<String> = shown
        .iter()
        .filter(|a| {
            a.projection
                .as_ref()
                .and_then(|p| p.probability)
                .is_some_and(|x| x < 0.5)
        })
        .map(|a| {
            format!(
                "{} {} {}",
                a.target.area,
                ctx.t(a.indicator.zh, a.indicator.en),
                a.target.period
            )
        })
        .collect();
    if !unlikely.is_empty() {
        write_html!(
            body,
            r#"<p class="warn" role="alert" id="at-risk">{} {}</p>"#,
            ctx.t(
                "按往年同期推算，以下目标达标的可能性低于一半：",
                "By the earlier years' same span, these targets are less likely than not to be met:"
            ),
            unlikely.join(ctx.t("；", "; "))
        );
    }
    let mut rows = Html::new();
    for a in shown {
        let i = a.indicator;
        write_html!(
            rows,
            r#"<tr class="{}"><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td><td>{} {} {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            a.status.code(),
            &a.target.set_name,
            &a.target.area,
            ctx.t(i.zh, i.en),
            if i.source == Source::Manual {
                ctx.t("（人工填报）", " (entered)")
            } else {
                ""
            },
            &a.target.period,
            match i.direction {
                platform::targets::Direction::AtLeast => "≥",
                platform::targets::Direction::AtMost => "≤",
            },
            a.target.value,
            i.unit,
            a.figure
                .as_ref()
                .map_or("—".to_string(), |f| f.value.to_string()),
            status_name(desk, a.status),
            a.figure.as_ref().map_or_else(
                || a.target.source.clone(),
                |f| format!("{} · {}", f.basis, a.target.source)
            ),
            a.projection
                .as_ref()
                .map_or(String::new(), |p| projection_text(desk, p))
        );
    }
    let heads = [
        ctx.t("目标集", "Set"),
        ctx.t("地区", "Area"),
        ctx.t("指标", "Indicator"),
        ctx.t("期间", "Period"),
        ctx.t("目标", "Target"),
        ctx.t("现值", "Figure"),
        ctx.t("状态", "Status"),
        ctx.t("依据", "Basis"),
        ctx.t("全年推算", "Projection for the year"),
    ];
    body.push(&table("targets", &heads, rows));
    if desk.can(Action::RegistryWrite) {
        body.push(&value_form(desk, f));
    }
    desk.page(status, ctx.t("目标与考核", "Targets"), body)
}

/// A county's page: its score on the method this year to date, item by item, and its place among the
/// counties (when a method is set).
async fn county(p: &Arc<App>, desk: &Desk, c: &store::County, asked: Option<&str>) -> Html {
    let ctx = &desk.ctx;
    let mut out = html!("<h2>{} {}</h2>", &c.name, &c.code);
    let Some(method) = p.settings.score_method.clone() else {
        write_html!(
            out,
            "<p>{}</p>",
            ctx.t(
                "未设定评分方法（targets.score_method）。",
                "No scoring method is set (targets.score_method)."
            )
        );
        return out;
    };
    let (tz, cache, now, code) = (p.tz.clone(), p.figures.clone(), ctx.now, c.code.clone());
    let year = platform::figures::local_date(&tz, now).year();
    let period = asked
        .and_then(platform::targets::Period::parse)
        .unwrap_or(platform::targets::Period::Year(year));
    let m = method.clone();
    let read = p
        .read(move |s| {
            let cctx = platform::targets::compute::Context {
                tz: &tz,
                cache: &cache,
                now,
            };
            let lines = ranking::lines_of(s, &cctx, &m, &code, period)?;
            Ok((lines, ranking::scores(s, &cctx, &m, period)?))
        })
        .await;
    let (lines, places) = match read {
        Ok(x) => x,
        Err(e) => return desk.problem(&e),
    };
    let mut rows = Html::new();
    for l in &lines {
        let i = platform::targets::indicator(&l.item.indicator);
        write_html!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td><td>{}</td></tr>",
            i.map_or(l.item.indicator.as_str(), |i| ctx.t(i.zh, i.en)),
            l.item.weight,
            l.item.zero_at,
            l.item.full_at,
            l.figure.map_or("—".to_string(), |f| f.to_string()),
            l.points.map_or(
                ctx.t("无数据，不计", "no figure, left out").to_string(),
                |p| format!("{p:.2}")
            )
        );
    }
    let place = match places.iter().find(|pl| pl.area == c.code) {
        Some(pl) => match (pl.value, pl.rank) {
            (Some(v), Some(r)) => format!(
                "{v} · {r}{}",
                if pl.tied {
                    ctx.t("（并列）", " (tied)")
                } else {
                    ""
                }
            ),
            _ => pl.excluded.clone().unwrap_or_default(),
        },
        None => "—".into(),
    };
    write_html!(
        out,
        r#"<p id="county-score">{} {} · {} {} {}</p>"#,
        ctx.t("评分方法版本", "Method version"),
        &method.version,
        period.code(),
        ctx.t(
            "得分（每百分，进行中的期间按至今数据）与名次：",
            "score (per 100; a period under way to date) and place:"
        ),
        place
    );
    let heads = [
        ctx.t("指标", "Indicator"),
        ctx.t("权重", "Weight"),
        ctx.t("零分 → 满分", "Zero → full"),
        ctx.t("现值", "Figure"),
        ctx.t("得分", "Points"),
    ];
    out.push(&table("score-lines", &heads, rows));
    out
}

pub async fn list(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    match Desk::open_for(&p, PATH, &q, who, &headers, Action::DataRead, Target::Any).await {
        Ok(desk) => page(&p, &desk, &q, &Fields::new(), None, StatusCode::OK).await,
        Err(r) => r,
    }
}

/// A hand-entered value with its evidence.
pub async fn enter(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Response {
    // The right before the form is read: nobody else makes the server read files.
    let desk = match Desk::open_for(
        &p,
        PATH,
        &q,
        who,
        &headers,
        Action::RegistryWrite,
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
            return page(&p, &desk, &q, &Fields::new(), Some(e), status).await;
        }
    };
    if let Err(r) = desk.check_csrf(&f) {
        return r;
    }
    // The area's jurisdiction before a file is kept.
    let area = match field(&f, "area") {
        "city" => Target::CityWide,
        county => Target::County(county),
    };
    if let Err(r) = desk.require(Action::RegistryWrite, area) {
        return r;
    }
    let input = (|| -> Result<ValueInput, platform::Error> {
        Ok(ValueInput {
            area: field(&f, "area").into(),
            indicator: field(&f, "indicator").into(),
            period: field(&f, "period").into(),
            value: super::forms::number(&f, "value")?
                .ok_or_else(|| platform::Error::invalid_both("value is required", "须填写数值"))?,
            note: optional(&f, "note"),
            evidence: crate::api::uploads::keep_files(&p, &files)?,
        })
    })();
    let who = desk.who.clone();
    let saved = match input {
        Ok(input) => {
            let now = desk.ctx.now;
            p.write(move |s| platform::targets::enter_value(s, &who, &input, now))
                .await
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => desk.after_save(PATH),
        Err(e) => {
            let status = Desk::status_of(&e);
            page(&p, &desk, &q, &f, Some(e), status).await
        }
    }
}
