//! The quarterly drinking-water bulletin.

use super::*;

/// The years a bulletin may be asked for.
pub const BULLETIN_YEARS: std::ops::RangeInclusive<i16> = 1990..=2200;

pub fn quarter_of(ctx: &Ctx, q: &Q) -> (i16, u8) {
    let today = data::local_date(&ctx.tz, ctx.now);
    let current = ((today.month() - 1) / 3 + 1) as u8;
    let (dy, dq) = if current == 1 {
        (today.year() - 1, 4)
    } else {
        (today.year(), current - 1)
    };
    let year = q
        .get("year")
        .and_then(|y| y.parse().ok())
        .filter(|y| BULLETIN_YEARS.contains(y))
        .unwrap_or(dy);
    let quarter = q
        .get("quarter")
        .and_then(|x| x.parse().ok())
        .filter(|x| (1..=4).contains(x))
        .unwrap_or(dq);
    (year, quarter)
}

/// `n` of `d` as a percentage with one decimal ("—" when `d` is zero).
pub(super) fn pct(n: f64, d: f64) -> String {
    if d > 0.0 {
        format!("{:.1}%", n / d * 100.0)
    } else {
        "—".into()
    }
}

/// What the bulletin page shows: the quarter asked for and its bulletin.
pub struct BulletinView {
    pub year: i16,
    pub quarter: u8,
    pub bulletin: Bulletin,
}

/// Reads the bulletin of the quarter the query asks for (default: the last complete quarter).
pub fn view(store: &Store, ctx: &Ctx, q: &Q) -> store::Result<BulletinView> {
    let (year, quarter) = quarter_of(ctx, q);
    Ok(BulletinView {
        year,
        quarter,
        bulletin: data::bulletin(store, &ctx.tz, year, quarter)?,
    })
}

pub fn bulletin(store: &Store, ctx: &Ctx, q: &Q) -> store::Result<Page> {
    Ok(render(ctx, &view(store, ctx, q)?))
}

/// The bulletin page of `v`.
pub fn render(ctx: &Ctx, v: &BulletinView) -> Page {
    let (year, quarter, bl) = (v.year, v.quarter, &v.bulletin);
    let mut b = Html::new();
    let today = data::local_date(&ctx.tz, ctx.now);
    write_html!(
        b,
        r#"<form class="pick noprint" method="get" action="/bulletin"><label for="year">{}</label><select id="year" name="year">"#,
        ctx.t("年份", "Year")
    );
    for y in (today.year() - 4..=today.year()).rev() {
        write_html!(
            b,
            r#"<option value="{1}"{}>{1}</option>"#,
            if y == year { " selected" } else { "" },
            y
        );
    }
    write_html!(
        b,
        r#"</select><label for="quarter">{}</label><select id="quarter" name="quarter">"#,
        ctx.t("季度", "Quarter")
    );
    for x in 1..=4u8 {
        write_html!(
            b,
            r#"<option value="{2}"{}>{}</option>"#,
            if x == quarter { " selected" } else { "" },
            match ctx.lang {
                Lang::Zh => format!("第{x}季度"),
                Lang::En => format!("Q{x}"),
            },
            x
        );
    }
    let qs = format!("year={year}&quarter={quarter}");
    write_html!(
        b,
        r#"</select>{}<button type="submit">{}</button> <a href="/bulletin.csv?{3}" id="csv" download>CSV</a> <a href="/bulletin.xlsx?{3}" id="xlsx" download>XLSX</a> <button type="button" onclick="window.print()">{}</button></form>"#,
        lang_field(ctx),
        ctx.t("查看", "Show"),
        ctx.t("打印", "Print"),
        qs
    );
    write_html!(
        b,
        r#"<h2>{1} {}</h2>"#,
        match ctx.lang {
            Lang::Zh => format!("年第{quarter}季度 集中式饮用水水源地水质状况"),
            Lang::En => format!("Q{quarter}: centralised drinking-water sources"),
        },
        year
    );
    let assessed = bl.assessed();
    let compliant = bl.compliant_sources();
    let samples: u32 = bl.rows.iter().map(|r| r.samples).sum();
    let ok_samples: u32 = bl.rows.iter().map(|r| r.compliant_samples).sum();
    write_html!(
        b,
        r#"<section class="cards" id="summary"><div class="card"><div class="muted">{}</div><div class="big">{6}/{7}</div></div><div class="card"><div class="muted">{}</div><div class="big">{}</div><div class="muted">{8}/{9}</div></div><div class="card"><div class="muted">{}</div><div class="big">{}</div><div class="muted">{}</div></div></section>"#,
        ctx.t(
            "达标水源地 / 监测水源地",
            "Compliant sources / sources assessed"
        ),
        ctx.t("按次数达标率", "Compliance by count"),
        pct(ok_samples as f64, samples as f64),
        ctx.t("按水量达标率", "Compliance by volume"),
        bl.volumes()
            .map(|(t, ok)| pct(ok, t))
            .unwrap_or_else(|| "—".into()),
        bl.volumes()
            .map(|(t, ok)| format!("{:.0} / {:.0} m³", ok, t))
            .unwrap_or_else(|| ctx
                .t("水源地未报送取水量", "no intake volume reported")
                .into()),
        compliant,
        assessed,
        ok_samples,
        samples
    );
    let rows: Vec<(String, Vec<Option<Cell>>)> = bl
        .rows
        .iter()
        .map(|r| {
            let cells = bl
                .months
                .iter()
                .map(|m| {
                    Some(match r.months.iter().find(|x| x.0 == *m) {
                        Some((_, ok, class)) => Cell {
                            fill: if *ok {
                                "#2e9d50".into()
                            } else {
                                "#d93434".into()
                            },
                            text: class
                                .map(|c| c.label().replace('劣', "≫"))
                                .unwrap_or_default(),
                            title: format!(
                                "{} {}-{:02}: {}{}",
                                r.site.name,
                                m.0,
                                m.1,
                                if *ok {
                                    ctx.t("达标", "complies")
                                } else {
                                    ctx.t("不达标", "does not comply")
                                },
                                class
                                    .map(|c| format!(" · {}", class_label(ctx, c)))
                                    .unwrap_or_default()
                            ),
                        },
                        None => Cell {
                            fill: "#dde1e5".into(),
                            text: String::new(),
                            title: format!(
                                "{} {}-{:02}: {}",
                                r.site.name,
                                m.0,
                                m.1,
                                ctx.t("无监测数据", "no data")
                            ),
                        },
                    })
                })
                .collect();
            (r.site.id.clone(), cells)
        })
        .collect();
    let cols: Vec<String> = bl
        .months
        .iter()
        .map(|m| match ctx.lang {
            Lang::Zh => format!("{}月", m.1),
            Lang::En => format!("{}-{:02}", m.0, m.1),
        })
        .collect();
    write_html!(
        b,
        r#"<div class="panel" id="months"><p>{}</p>{}</div>"#,
        ctx.t(
            "逐月达标情况（绿：达标，红：不达标，格内为水质类别）",
            "Compliance by month (green: complies, red: does not; class in the cell)"
        ),
        svg::grid(
            ctx.t("逐月达标情况", "Compliance by month"),
            &rows,
            &cols,
            44.0,
            46.0
        )
    );
    write_html!(
        b,
        r#"<div class="scroll"><table id="bulletin"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"#,
        ctx.t("水源地", "Source"),
        ctx.t("监测次数（月）", "Samples (months)"),
        ctx.t("达标次数", "Compliant"),
        ctx.t("按次数达标率", "By count"),
        ctx.t("取水量 / 达标水量 (m³)", "Intake / compliant volume (m³)"),
        ctx.t("最差类别", "Worst class"),
        ctx.t(
            "超标项目（最大超标倍数，超标次数）",
            "Exceeding items (largest multiple, samples)"
        )
    );
    for r in &bl.rows {
        let exc: Vec<String> = r
            .exceedances
            .iter()
            .map(|e| {
                let name = if ctx.lang == Lang::Zh {
                    &e.item_zh
                } else {
                    &e.item
                };
                format!(
                    "{name} ({}, {})",
                    e.max_multiple
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| "—".into()),
                    e.samples
                )
            })
            .collect();
        write_html!(
            b,
            r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td><td>{}</td></tr>"#,
            site_name(ctx, &r.site),
            r.samples,
            r.compliant_samples,
            pct(r.compliant_samples as f64, r.samples as f64),
            match (r.volume_m3, r.compliant_volume_m3) {
                (Some(v), Some(ok)) => format!("{v:.0} / {ok:.0} ({})", pct(ok, v)),
                _ => "—".into(),
            },
            r.worst_class
                .map(|c| class_badge(ctx, c))
                .unwrap_or_else(|| Html::trusted("—")),
            if exc.is_empty() {
                "—".into()
            } else {
                exc.join("; ")
            }
        );
    }
    if bl.rows.is_empty() {
        write_html!(
            b,
            r#"<tr><td colspan="7">{}</td></tr>"#,
            ctx.t(
                "尚未登记饮用水水源地。",
                "No drinking-water source registered."
            )
        );
    }
    write_html!(b, r#"</table></div><p class="muted">{}</p>"#, ctx.t(
            "每月一次评价：取当月有效小时均值的均值，按 GB 3838-2002 表1（Ⅲ类）及表2 判定（环办〔2011〕22号）；超标倍数 =（C−S）/S。按水量达标率 = 达标月份取水量 / 总取水量（取水流量 w00000，m³/h，逐小时累计）。",
            "One evaluation per month: the mean of the month's valid hourly means, judged against GB 3838-2002 Table 1 (class III) and Table 2 (环办〔2011〕22号); multiple = (C − S)/S. Compliance by volume = intake volume in compliant months / total intake (intake flow w00000 in m³/h, summed hour by hour)."
        ));
    let sims: Vec<&Site> = bl.rows.iter().map(|r| &r.site).collect();
    Page {
        title: ctx
            .t(
                "饮用水水源地水质季度公报",
                "Quarterly drinking-water bulletin",
            )
            .into(),
        body: b,
        simulated: simulated(&sims),
    }
}
