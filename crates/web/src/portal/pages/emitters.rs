//! The key emitters: each outlet's latest hour against its limit, exceedance hours and completeness this month.

use super::bulletin::pct;
use super::*;
use std::fmt::Write;

pub(super) fn outlet_cell(ctx: &Ctx, v: &data::OutletValue) -> Html {
    let limit_text = v.limit.as_ref().map(|l| {
        let t = match l.limit {
            standards::emissions::Limit::AtMost(x) => format!("≤{x}"),
            standards::emissions::Limit::Range { low, high } => format!("{low}–{high}"),
            standards::emissions::Limit::NotDetectable => ctx.t("不得检出", "n.d.").into(),
        };
        (t, l)
    });
    let Some(j) = &v.latest else {
        return match &limit_text {
            Some((t, _)) => html!(
                r#"<td class="num">— <span class="muted">/ {}</span></td>"#,
                t
            ),
            None => Html::trusted(r#"<td class="num">—</td>"#),
        };
    };
    let shown = j.corrected.unwrap_or(j.measured);
    let mut title = format!(
        "{} {} {}",
        ctx.t(v.param.name_zh, v.param.name_en),
        ctx.t("实测", "measured"),
        svg::fmt_num(j.measured)
    );
    if let Some(c) = j.corrected {
        let _ = write!(
            title,
            ", {} {}",
            ctx.t("折算", "O2-corrected"),
            svg::fmt_num(c)
        );
    }
    let (class, mark) = match j.verdict {
        Some(x) if x.exceeds() => {
            if let standards::emissions::Verdict::Exceeds { multiple: Some(m) } = x {
                let _ = write!(
                    title,
                    ", {} {m}",
                    ctx.t("超标倍数", "multiple over the limit")
                );
            }
            ("exceed", "✗")
        }
        Some(_) => ("ok", "✓"),
        None if j.correction_failed => {
            title.push_str(ctx.t(
                "，无法折算（缺氧含量或氧含量过高）",
                "; cannot correct (no or too high O2)",
            ));
            ("muted", "?")
        }
        None => ("", ""),
    };
    if let Some((t, l)) = &limit_text {
        let _ = write!(
            title,
            "; {} {t} {}{} ({}); {} {}; {} {}",
            ctx.t("限值", "limit"),
            v.param.unit,
            l.reference_o2
                .map(|r| format!(" @O2 {r}%"))
                .unwrap_or_default(),
            l.standard,
            ctx.t("本月超标小时", "exceedance hours this month"),
            v.exceedance_hours,
            ctx.t("超标次数", "episodes"),
            v.exceedance_episodes
        );
    }
    let corrected_mark = if j.corrected.is_some() { "*" } else { "" };
    let limit_html = match &limit_text {
        Some((t, _)) => html!(r#" <span class="muted">/ {}</span>"#, t),
        None => Html::new(),
    };
    let hours = if v.limit.is_some() && v.exceedance_hours > 0 {
        html!(r#"<br><span class="exceed">{}h</span>"#, v.exceedance_hours)
    } else {
        Html::new()
    };
    html!(
        r#"<td class="num" title="{}"><span class="{2}">{}{3} {4}</span>{5}{6}</td>"#,
        &title,
        svg::fmt_num(shown),
        class,
        corrected_mark,
        mark,
        limit_html,
        hours
    )
}

/// What the emitters page shows: each enterprise's outlets now, and the outlets' emissions this year.
pub struct EmittersView {
    pub emitters: Vec<data::EmitterNow>,
    pub year: std::sync::Arc<Vec<data::EmissionRow>>,
}

/// Reads the key emitters' outlets now and their emissions of the year so far.
pub fn view(store: &Store, ctx: &Ctx, _q: &Q) -> store::Result<EmittersView> {
    let emitters = data::emitters_now(store, &ctx.tz, ctx.now)?;
    let outlets: Vec<Site> = emitters
        .iter()
        .flat_map(|e| e.outlets.iter().map(|o| o.site.clone()))
        .collect();
    Ok(EmittersView {
        year: ctx
            .figures
            .year_emissions(store, &ctx.tz, &outlets, ctx.now)?,
        emitters,
    })
}

/// Tonnes to three decimals (a kilogram), trailing zeros dropped: 130.5, 0.11, 806.4.
fn tonnes(t: f64) -> String {
    let s = format!("{t:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The year's emissions of an outlet against its permitted quantities: a line per pollutant, tonnes.
fn year_cell(
    ctx: &Ctx,
    rows: &[data::EmissionRow],
    site: &str,
    params: &[data::OutletParam],
) -> Html {
    let mut lines = Vec::new();
    for r in rows.iter().filter(|r| r.site == site) {
        let name = params
            .iter()
            .find(|p| p.code == r.param)
            .map_or(r.param.as_str(), |p| ctx.t(p.name_zh, p.name_en));
        let over = r.permitted_t.is_some_and(|p| r.total_t > p);
        let permitted = r.permitted_t.map_or(Html::new(), |p| {
            html!(r#" <span class="muted">/ {}</span>"#, tonnes(p))
        });
        lines.push(html!(
            r#"<span title="{}">{} <span class="{}">{}</span>{}</span>"#,
            &format!(
                "{} {} t, {} {} t",
                ctx.t("实测", "measured"),
                tonnes(r.measured_t),
                ctx.t("核算替代", "substituted (HJ 75)"),
                tonnes(r.substituted_t)
            ),
            name,
            if over { "exceed" } else { "prelim" },
            tonnes(r.total_t),
            permitted
        ));
    }
    let mut cell = Html::trusted(r#"<td class="num">"#);
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            cell.push_trusted("<br>");
        }
        cell.push(l);
    }
    if lines.is_empty() {
        cell.push_trusted("—");
    }
    cell.push_trusted("</td>");
    cell
}

pub fn emitters(store: &Store, ctx: &Ctx, q: &Q) -> store::Result<Page> {
    Ok(render(ctx, &view(store, ctx, q)?))
}

/// The emitters page of `v`.
pub fn render(ctx: &Ctx, v: &EmittersView) -> Page {
    let list = &v.emitters;
    let mut b = Html::new();
    write_html!(b, r#"<p class="muted">{}</p>"#, ctx.t(
            "各排放口最新小时均值与排放限值比较（数值 / 限值，限值取自排污许可证，许可证未载明的取自适用标准）；带 * 的为按基准氧含量折算后的浓度。红色小时数为本月（本地自然月）超标时段的小时数；完整率 = 本月有效小时 / 已过小时；本年排放量 = 实测 + 按 HJ 75 核算的替代量（吨）/ 许可年排放量。本月超标与本年排放量在企业数据标记截止前均为初步结果；未经审核的数据标注为“初步”。悬停或点按数值查看实测值、折算值、适用标准。",
            "Latest hourly mean of each outlet against its limit (value / limit: the permit's, or the standard's where the permit is silent); * marks concentrations corrected to the reference O2. Red hours: hours of this local calendar month's exceedance episodes; completeness = valid hours / hours elapsed this month; year to date = measured + substituted by HJ 75 (tonnes) / permitted annual quantity. This month's exceedances and the year's emissions are preliminary until the enterprises' marking deadline has passed; values not yet reviewed are marked preliminary. Hover or tap a value for the measured and corrected values and the standard."
        ));
    for (kind, heading, params) in [
        (
            store::SiteKind::FlueGasOutlet,
            ctx.t("废气排放口", "Flue-gas outlets"),
            &data::FLUE_PARAMS[..],
        ),
        (
            store::SiteKind::WastewaterOutlet,
            ctx.t("废水排放口", "Wastewater outlets"),
            &data::WASTEWATER_PARAMS[..],
        ),
    ] {
        let outlets: Vec<(&data::EmitterNow, &data::OutletNow)> = list
            .iter()
            .flat_map(|e| {
                e.outlets
                    .iter()
                    .filter(|o| o.site.kind == kind)
                    .map(move |o| (e, o))
            })
            .collect();
        if outlets.is_empty() {
            continue;
        }
        write_html!(
            b,
            r#"<h2>{3}</h2><div class="scroll"><table class="outlets" id="{}"><tr><th>{}</th><th>{}</th>"#,
            kind.code(),
            ctx.t("单位 / 排放口", "Enterprise / outlet"),
            ctx.t("时间", "Hour"),
            heading
        );
        for p in params {
            let unit = if p.unit.is_empty() {
                String::new()
            } else {
                format!(" ({})", p.unit)
            };
            write_html!(b, "<th>{}{}</th>", ctx.t(p.name_zh, p.name_en), &unit);
        }
        write_html!(
            b,
            "<th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            ctx.t("本年排放量（吨，初步）", "Year to date (t, preliminary)"),
            ctx.t("本月完整率", "Completeness"),
            ctx.t("适用标准", "Standard"),
            ctx.t("状态", "Status")
        );
        for (e, o) in outlets {
            let reviewed = o.preliminary.1 > 0 && o.preliminary.0 == 0;
            write_html!(
                b,
                r#"<tr><td>{}{}</td>"#,
                &e.enterprise.name,
                if o.site.simulated {
                    html!(
                        r#" <span class="muted">{}</span>"#,
                        ctx.t("(模拟)", "(simulated)")
                    )
                } else {
                    Html::new()
                }
            );
            match (&o.no_data, o.hour) {
                (None, Some(h)) => {
                    write_html!(
                        b,
                        r#"<td class="num">{}</td>"#,
                        ctx.time(h).get(5..).unwrap_or_default()
                    );
                    for v in &o.values {
                        b.push(&outlet_cell(ctx, v));
                    }
                }
                (n, _) => {
                    write_html!(
                        b,
                        r#"<td colspan="{}"><span class="badge" style="background:{3}">{}</span> {}</td>"#,
                        1 + o.values.len(),
                        ctx.t("无当前数据", "no current data"),
                        &n.as_ref().map(|n| no_data_text(ctx, n)).unwrap_or_default(),
                        GREY
                    );
                }
            }
            b.push(&year_cell(ctx, &v.year, &o.site.id, params));
            let valid = o.values.iter().map(|v| v.valid_hours).max().unwrap_or(0);
            let standard = o
                .values
                .iter()
                .find_map(|v| v.limit.as_ref().map(|l| l.standard.as_str()));
            write_html!(
                b,
                r#"<td class="num">{}</td><td>{}</td><td>{}</td></tr>"#,
                pct(valid as f64, o.hours_elapsed as f64),
                standard.map(Html::text).unwrap_or_else(|| html!(
                    r#"<span class="muted">{}</span>"#,
                    ctx.t(
                        "行业标准未纳入标准库",
                        "sector standard not in the standards engine"
                    )
                )),
                if reviewed {
                    html!(r#"<span class="ok">{}</span>"#, ctx.t("已审核", "reviewed"))
                } else {
                    html!(
                        r#"<span class="prelim">{}</span>"#,
                        ctx.t("初步", "preliminary")
                    )
                }
            );
        }
        b.push_trusted("</table></div>");
    }
    if list.is_empty() {
        write_html!(
            b,
            "<p>{}</p>",
            ctx.t("尚未登记重点排污单位。", "No key emitter registered yet.")
        );
    }
    let sims: Vec<&Site> = list
        .iter()
        .flat_map(|e| e.outlets.iter().map(|o| &o.site))
        .collect();
    Page {
        title: ctx
            .t(
                "重点排污单位自动监测数据",
                "Key emitters: automatic monitoring",
            )
            .into(),
        body: b,
        simulated: simulated(&sims),
    }
}
