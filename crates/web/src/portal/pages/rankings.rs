//! The rankings page: the counties ranked by air (the comprehensive index and its change against the same
//! period a year before) and by water (CWQI and its change), ties marked 并列, the unranked listed with the
//! reason, and the method stated (`platform::targets::ranking`). `?period=` a year, `YYYY-Qn` or `YYYY-MM`;
//! by default the last whole month.

use super::*;
use platform::targets::Period;
use platform::targets::ranking::{Place, Rankings, rankings};

/// What the rankings page shows.
pub struct RankingsView {
    pub rankings: Rankings,
    /// The period asked for could not be read (the default is shown instead).
    pub bad_period: Option<String>,
    /// Some of the sites ranked are simulated (the demo).
    pub simulated: bool,
}

/// The last whole month before `now`.
fn last_month(ctx: &Ctx) -> Period {
    let today = data::local_date(&ctx.tz, ctx.now);
    let (y, m) = if today.month() == 1 {
        (today.year() - 1, 12)
    } else {
        (today.year(), today.month() - 1)
    };
    Period::Month(y, m)
}

pub fn view(store: &Store, ctx: &Ctx, q: &Q) -> store::Result<RankingsView> {
    let asked = q.get("period").filter(|p| !p.is_empty());
    let period = asked
        .and_then(|p| Period::parse(p))
        .unwrap_or_else(|| last_month(ctx));
    Ok(RankingsView {
        rankings: rankings(
            store,
            &ctx.tz,
            &ctx.figures,
            period,
            ctx.score_method.as_ref(),
            ctx.now,
        )?,
        bad_period: asked.filter(|p| Period::parse(p).is_none()).cloned(),
        simulated: store.sites()?.iter().any(|s| {
            s.simulated
                && matches!(
                    s.kind,
                    store::SiteKind::AirStation | store::SiteKind::WaterSection
                )
        }),
    })
}

pub fn rankings_page(store: &Store, ctx: &Ctx, q: &Q) -> store::Result<Page> {
    Ok(render(ctx, &view(store, ctx, q)?))
}

/// Why an area is not ranked, in the page's language (the platform says it in English).
fn reason(ctx: &Ctx, why: &str) -> String {
    if ctx.lang == Lang::En {
        return why.to_string();
    }
    const ZH: [(&str, &str); 9] = [
        ("last year: ", "上年同期"),
        ("no air station", "无空气监测站"),
        ("the period has not begun", "期间尚未开始"),
        ("a pollutant without valid days", "有污染物无有效日数据"),
        ("a base index of zero", "基数为零"),
        ("a base CWQI of zero", "基数为零"),
        (
            "no section with a valid period mean",
            "无有效期间均值的断面",
        ),
        ("no section with last year's mean", "无上年同期均值的断面"),
        (
            " section(s) at class II or better and at target",
            "个断面均达到或优于II类且达标",
        ),
    ];
    let mut text = why.replace("all ", "");
    for (en, zh) in ZH {
        text = text.replace(en, zh);
    }
    text
}

fn table(ctx: &Ctx, id: &str, title: &str, places: &[Place], unit: &str) -> Html {
    let mut rows = Html::new();
    for p in places {
        let rank = match (p.rank, p.tied) {
            (Some(r), true) => format!("{r} {}", ctx.t("(并列)", "(tied)")),
            (Some(r), false) => r.to_string(),
            (None, _) => "—".into(),
        };
        let value = match (&p.value, &p.excluded) {
            (Some(v), _) => format!("{v}{unit}"),
            (None, Some(why)) => format!(
                "{} {}",
                ctx.t("不参与排名：", "not ranked:"),
                reason(ctx, why)
            ),
            (None, None) => "—".into(),
        };
        write_html!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            rank,
            &p.name,
            value
        );
    }
    html!(
        r#"<h2>{}</h2><div class="scroll"><table id="{}"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table></div>"#,
        title,
        id,
        ctx.t("名次", "Rank"),
        ctx.t("区县", "County"),
        ctx.t("数值", "Value"),
        rows
    )
}

pub fn render(ctx: &Ctx, v: &RankingsView) -> Page {
    let r = &v.rankings;
    let mut b = Html::new();
    if let Some(p) = &v.bad_period {
        write_html!(
            b,
            r#"<p class="warn" role="alert">{} {}</p>"#,
            ctx.t("无法识别的期间：", "Not a period:"),
            p
        );
    }
    write_html!(
        b,
        r#"<form class="pick fields" method="get" action="{}"><label for="period">{}</label><input id="period" name="period" value="{}" placeholder="2025-05"><button type="submit">{}</button></form>"#,
        ctx.href("/rankings"),
        ctx.t(
            "期间（年、季度如 2025-Q2、月如 2025-05）",
            "Period (a year, a quarter like 2025-Q2, a month like 2025-05)"
        ),
        r.period.code(),
        ctx.t("查看", "Show")
    );
    if let Some(version) = &r.method {
        b.push(&table(
            ctx,
            "score",
            &format!(
                "{} {version}{}",
                ctx.t(
                    "综合得分（每百分，越高越好；评分方法版本",
                    "Score (per 100, higher is better; method version"
                ),
                ctx.t("）", ")")
            ),
            &r.score,
            "",
        ));
    }
    b.push(&table(
        ctx,
        "air-index",
        ctx.t(
            "环境空气质量综合指数（越小越好）",
            "Air composite index (lower is better)",
        ),
        &r.air_index,
        "",
    ));
    b.push(&table(
        ctx,
        "air-change",
        ctx.t(
            "综合指数同比变化（越小改善越多）",
            "Change of the index on a year before (lower is more improvement)",
        ),
        &r.air_change,
        "%",
    ));
    b.push(&table(
        ctx,
        "water-cwqi",
        ctx.t(
            "城市水质指数 CWQI（越小越好）",
            "Water quality index CWQI (lower is better)",
        ),
        &r.water_cwqi,
        "",
    ));
    b.push(&table(
        ctx,
        "water-change",
        ctx.t(
            "CWQI 同比变化（越小改善越多）",
            "Change of CWQI on a year before (lower is more improvement)",
        ),
        &r.water_change,
        "%",
    ));
    write_html!(
        b,
        r#"<p class="muted">{}</p>"#,
        ctx.t(
            "方法：综合指数为 SO2、NO2、PM10、PM2.5 期间均值与 CO 日均值第95百分位、O3 日最大8小时第90百分位分别除以 GB 3095 二级标准限值之和（环办监测〔2018〕19号，HJ 663 有效性与百分位，限值按期间末所执行的标准版本）；CWQI 为各断面期间均值按 GB 3838 III 类限值计算的指数之和的平均（环办监测〔2017〕51号）。变化为与上年同期相比的百分比；期间内水质达到或优于 II 类且达到目标的断面不参与 CWQI 变化排名。数值相同者并列，下一名次顺延。",
            "Method: the composite index sums the period means of SO2, NO2, PM10 and PM2.5, the 95th percentile of CO daily means and the 90th percentile of O3 daily maximum 8-hour means, each divided by its GB 3095 Grade II limit (环办监测〔2018〕19号; HJ 663 validity and percentiles; the limits of the version in force at the period's end); CWQI is the mean over sections of each period-mean sample's sum of indices against the GB 3838 class III limits (环办监测〔2017〕51号). Changes are percentages against the same period a year before; sections at class II or better that meet their target are left out of the CWQI change ranking. Equal values share a rank and the next rank is skipped."
        )
    );
    Page {
        title: ctx.t("区县排名", "County rankings").into(),
        body: b,
        simulated: v.simulated,
    }
}
