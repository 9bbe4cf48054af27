//! The rivers page: every reach with its chiefs, and one reach's signboard (河长公示牌, `?reach=`): its
//! chiefs, their duties, its target class, the supervision phone and its sections' latest class.

use super::*;
use platform::rivers::signboard::{DUTIES, Signboard, signboards};

/// What the rivers page shows: every reach's signboard, or one (`reach`).
pub struct RiversView {
    pub boards: Vec<Signboard>,
    /// The reach asked for, when one was.
    pub reach: Option<String>,
}

pub fn view(store: &Store, ctx: &Ctx, q: &Q) -> store::Result<RiversView> {
    let mut boards = signboards(store, ctx.now)?;
    let reach = q.get("reach").filter(|r| !r.is_empty()).cloned();
    if let Some(r) = &reach {
        boards.retain(|b| &b.reach.id == r);
    }
    Ok(RiversView { boards, reach })
}

pub fn rivers(store: &Store, ctx: &Ctx, q: &Q) -> store::Result<Page> {
    Ok(render(ctx, &view(store, ctx, q)?))
}

fn chiefs(ctx: &Ctx, b: &Signboard) -> Html {
    let mut rows = Html::new();
    for (level, name, title) in &b.chiefs {
        let (zh, en) = level.name();
        write_html!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ctx.t(zh, en),
            name,
            title.as_deref().unwrap_or("")
        );
    }
    rows
}

fn sections(ctx: &Ctx, b: &Signboard) -> Html {
    let mut rows = Html::new();
    for w in &b.sections {
        let class = match (&w.evaluation, w.hour) {
            (Some(e), Some(h)) => html!(
                "{} <span class=\"muted\">{}</span>",
                class_badge(ctx, e.class),
                ctx.time(h)
            ),
            _ => Html::text(ctx.t("暂无有效数据", "no valid data")),
        };
        write_html!(rows, "<tr><td>{}</td><td>{}</td></tr>", &w.site.name, class);
    }
    rows
}

fn target(ctx: &Ctx, b: &Signboard) -> String {
    match b
        .reach
        .target_class
        .as_deref()
        .and_then(platform::rivers::parse_class)
    {
        Some(c) => class_label(ctx, c),
        None => ctx.t("未设定", "not set").into(),
    }
}

/// One signboard in full.
fn board(ctx: &Ctx, b: &Signboard) -> Html {
    let mut duties = Html::new();
    for (zh, en) in DUTIES {
        write_html!(duties, "<li>{}</li>", ctx.t(zh, en));
    }
    let r = &b.reach;
    let span = match (&r.start_point, &r.end_point) {
        (Some(s), Some(e)) => format!("{s} — {e}"),
        (Some(s), None) => s.clone(),
        (None, Some(e)) => e.clone(),
        (None, None) => String::new(),
    };
    html!(
        r#"<section class="panel signboard" id="signboard-{}"><h2>{} · {}</h2>
<p>{}: {} {}</p>
<h3>{}</h3><div class="scroll"><table class="chiefs"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table></div>
<h3>{}</h3><ol>{}</ol>
<h3>{}</h3><p class="target">{}</p>
<h3>{}</h3><div class="scroll"><table><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table></div>
<p class="phone">{}: <strong>{}</strong> · {}: <a href="{}">{}</a></p></section>"#,
        &r.id,
        &r.name,
        b.waterbody.as_ref().map_or("", |w| w.name.as_str()),
        ctx.t("起止", "From–to"),
        span,
        r.length_km.map(|k| format!("({k} km)")).unwrap_or_default(),
        ctx.t("河长", "River chiefs"),
        ctx.t("级别", "Level"),
        ctx.t("姓名", "Name"),
        ctx.t("职务", "Office"),
        chiefs(ctx, b),
        ctx.t("河长职责", "Duties"),
        duties,
        ctx.t("管护目标（水质）", "Target (water class)"),
        target(ctx, b),
        ctx.t("断面最新水质", "Latest class of its sections"),
        ctx.t("断面", "Section"),
        ctx.t("水质类别", "Class"),
        sections(ctx, b),
        ctx.t("监督电话", "Supervision phone"),
        r.phone.as_deref().unwrap_or("12369"),
        ctx.t("网上举报", "Report online"),
        ctx.href(&format!("/complaints?reach={}", r.id)),
        ctx.t("12369 举报", "12369 report")
    )
}

pub fn render(ctx: &Ctx, v: &RiversView) -> Page {
    let mut b = Html::new();
    match (&v.reach, v.boards.first()) {
        (Some(_), Some(one)) => {
            b.push(&board(ctx, one));
            write_html!(
                b,
                r#"<p><a href="{}">{}</a></p>"#,
                ctx.href("/rivers"),
                ctx.t("全部河段", "All reaches")
            );
        }
        (Some(r), None) => write_html!(
            b,
            r#"<p class="warn" role="alert">{} {}</p>"#,
            ctx.t("没有这个河段：", "No such reach:"),
            r
        ),
        (None, _) => {
            write_html!(
                b,
                "<p>{}</p>",
                ctx.t(
                    "每条河湖分段设立河长，公示河长姓名、职责、管护目标和监督电话。",
                    "Every river and lake is divided into reaches, each with its chiefs; their names, duties, the reach's target and the supervision phone are public."
                )
            );
            let mut rows = Html::new();
            for s in &v.boards {
                let top = s
                    .chiefs
                    .first()
                    .map(|(l, n, _)| format!("{} {n}", ctx.t(l.name().0, l.name().1)))
                    .unwrap_or_default();
                write_html!(
                    rows,
                    r#"<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
                    ctx.href(&format!("/rivers?reach={}", s.reach.id)),
                    &s.reach.name,
                    s.waterbody.as_ref().map_or("", |w| w.name.as_str()),
                    top,
                    target(ctx, s)
                );
            }
            write_html!(
                b,
                r#"<div class="scroll"><table id="reaches"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table></div>"#,
                ctx.t("河段", "Reach"),
                ctx.t("河湖", "River or lake"),
                ctx.t("河长", "Chief"),
                ctx.t("管护目标", "Target"),
                rows
            );
        }
    }
    let sites: Vec<&Site> = v
        .boards
        .iter()
        .flat_map(|b| b.sections.iter().map(|w| &w.site))
        .collect();
    Page {
        title: ctx
            .t("河长制 · 河长公示牌", "River chiefs · signboards")
            .into(),
        body: b,
        simulated: simulated(&sites),
    }
}
