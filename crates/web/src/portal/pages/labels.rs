//! Names, colours, badges and legends the pages share.

use super::*;

pub(super) const GREY: &str = "#b7bcc2";

pub(super) fn level_name(ctx: &Ctx, l: Level) -> &'static str {
    match ctx.lang {
        Lang::Zh => l.category_zh(),
        Lang::En => l.category_en(),
    }
}

pub(super) fn level_badge(ctx: &Ctx, l: Level) -> Html {
    let c = l.colour();
    html!(
        r#"<span class="badge" style="background:{};color:{}">{}</span>"#,
        c.hex,
        ink(c.rgb),
        level_name(ctx, l)
    )
}

pub(super) fn primary(ctx: &Ctx, set: IndicatorSet) -> String {
    let names: Vec<&str> = set
        .iter()
        .map(|i| match ctx.lang {
            Lang::Zh => i.name_zh(),
            Lang::En => i.label(),
        })
        .collect();
    if names.is_empty() {
        "—".into()
    } else {
        names.join(ctx.t("、", ", "))
    }
}

/// The display colour of a water class: the colour of its section status (环办〔2011〕22号 Table 2).
pub fn class_colour(c: WaterClass) -> (&'static str, (u8, u8, u8)) {
    match WaterStatus::of_section(c).colour() {
        "blue" => ("#3b8fd9", (59, 143, 217)),
        "green" => ("#3fb35f", (63, 179, 95)),
        "yellow" => ("#f2d230", (242, 210, 48)),
        "orange" => ("#f08c2a", (240, 140, 42)),
        _ => ("#d93434", (217, 52, 52)),
    }
}

pub(super) fn class_label(ctx: &Ctx, c: WaterClass) -> String {
    match ctx.lang {
        Lang::Zh => format!("{}类", c.label()),
        Lang::En => format!("Class {}", c.label().replace('劣', "worse than ")),
    }
}

pub(super) fn class_badge(ctx: &Ctx, c: WaterClass) -> Html {
    let (hex, rgb) = class_colour(c);
    html!(
        r#"<span class="badge" style="background:{2};color:{}">{}</span>"#,
        ink(rgb),
        class_label(ctx, c),
        hex
    )
}

pub(super) fn status_name(ctx: &Ctx, c: WaterClass) -> &'static str {
    let s = WaterStatus::of_section(c);
    match ctx.lang {
        Lang::Zh => s.chinese_name(),
        Lang::En => [
            "Excellent",
            "Good",
            "Lightly polluted",
            "Moderately polluted",
            "Heavily polluted",
        ][s as usize],
    }
}

pub(super) fn no_data_text(ctx: &Ctx, n: &NoData) -> String {
    match n {
        NoData::NoDevice => ctx
            .t("未登记监测设备", "no monitoring device registered")
            .into(),
        NoData::NeverReceived => ctx.t("从未收到数据", "no data ever received").into(),
        NoData::Stale { last } => format!(
            "{} {}",
            ctx.t("数据中断，最后数据时间", "no current data; last data at"),
            ctx.time(*last)
        ),
        NoData::Invalid { hour } => format!(
            "{} {}",
            ctx.t(
                "最新小时数据无效（标记异常或有效数据不足）",
                "latest hour not valid (flagged or too few valid values):"
            ),
            ctx.time(*hour)
        ),
    }
}

pub(super) fn site_name(ctx: &Ctx, s: &Site) -> Html {
    let mut n = Html::text(&s.name);
    if s.simulated {
        write_html!(
            n,
            r#" <span class="muted">{}</span>"#,
            ctx.t("(模拟)", "(simulated)")
        );
    }
    n
}

pub(super) fn pollutant_label(p: Pollutant) -> String {
    format!("{} ({})", p.symbol(), p.unit().symbol())
}

pub(super) fn conc(v: Option<standards::Concentration>) -> String {
    v.map(|c| svg::fmt_num(c.value().to_f64()))
        .unwrap_or_else(|| "—".into())
}

pub(super) fn air_title(ctx: &Ctx, name: &str, a: &AirNow) -> String {
    match (&a.report, a.level(), a.hour) {
        (Some(r), Some(l), Some(h)) => format!(
            "{name}\nAQI {} {} · {}\n{} {}",
            r.aqi.unwrap_or(0),
            level_name(ctx, l),
            ctx.time(h),
            ctx.t("首要污染物", "Primary"),
            primary(ctx, r.primary)
        ),
        _ => format!(
            "{name}\n{}",
            a.no_data
                .as_ref()
                .map(|n| no_data_text(ctx, n))
                .unwrap_or_default()
        ),
    }
}

pub(super) fn water_title(ctx: &Ctx, w: &WaterNow) -> String {
    match (&w.evaluation, w.hour) {
        (Some(e), Some(h)) => format!(
            "{}\n{} · {}\n{}",
            w.site.name,
            class_label(ctx, e.class),
            ctx.time(h),
            limiting_text(ctx, e)
        ),
        _ => format!(
            "{}\n{}",
            w.site.name,
            w.no_data
                .as_ref()
                .map(|n| no_data_text(ctx, n))
                .unwrap_or_default()
        ),
    }
}

pub(super) fn limiting_text(ctx: &Ctx, e: &standards::water::Evaluation) -> String {
    let items: Vec<String> = e
        .limiting()
        .iter()
        .map(|r| {
            let name = match ctx.lang {
                Lang::Zh => r.parameter.chinese_name(),
                Lang::En => r.parameter.english_name(),
            };
            match r.exceedance {
                Some(m) => format!("{name} ({} {m})", ctx.t("超Ⅲ类倍数", "× over III:")),
                None => name.to_string(),
            }
        })
        .collect();
    format!(
        "{} {}",
        ctx.t("定类因子:", "Limiting:"),
        if items.is_empty() {
            "—".into()
        } else {
            items.join(", ")
        }
    )
}

/// The hidden field that keeps a form's answer in the page's language.
pub(super) fn lang_field(ctx: &Ctx) -> Html {
    match ctx.lang {
        Lang::En => Html::trusted(r#"<input type="hidden" name="lang" value="en">"#),
        Lang::Zh => Html::new(),
    }
}

pub(super) fn simulated(sites: &[&Site]) -> bool {
    sites.iter().any(|s| s.simulated)
}

pub(super) fn level_legend(ctx: &Ctx) -> Html {
    let mut s = Html::trusted(r#"<div class="legend">"#);
    for l in Level::ALL {
        write_html!(
            s,
            r#"<span><i style="background:{}"></i>{}</span>"#,
            l.colour().hex,
            level_name(ctx, l)
        );
    }
    write_html!(
        s,
        r#"<span><i style="background:{1}"></i>{}</span></div>"#,
        ctx.t("无当前数据", "no current data"),
        GREY
    );
    s
}

pub(super) fn class_legend(ctx: &Ctx) -> Html {
    let mut s = Html::trusted(r#"<div class="legend">"#);
    for c in [
        WaterClass::I,
        WaterClass::III,
        WaterClass::IV,
        WaterClass::V,
        WaterClass::WorseThanV,
    ] {
        let label = if c == WaterClass::I {
            ctx.t("Ⅰ–Ⅱ类", "Class I–II").to_string()
        } else {
            class_label(ctx, c)
        };
        write_html!(
            s,
            r#"<span><i style="background:{}"></i>{1}</span>"#,
            class_colour(c).0,
            label
        );
    }
    s.push_trusted("</div>");
    s
}
