//! The public portal: server-rendered HTML pages in Simplified Chinese (default) or English (`?lang=en`).
//!
//! - [`data`]: the figures, computed from stored rollups by the standards engine (shared with the open
//!   data API in `http::public`);
//! - [`svg`]: charts and the map, drawn on the server as SVG with `<title>` tooltips;
//! - [`pages`]: home (map, city AQI, warnings), air, water, the quarterly drinking-water bulletin (HTML,
//!   CSV, XLSX) and key emitters;
//! - this file: routes, language, the page frame and its stylesheet. Everything is compiled into the
//!   binary; there is no script, font or image from outside. The only JavaScript is the bulletin's print
//!   button (`window.print()`); tooltips are SVG `<title>`s and the language switch is a link.
//!
//! Configuration: [`crate::PortalSettings`] (`settings.portal`; keys `portal.*` of the settings file):
//! the map layer, the stations averaged into the city's figures, the targets and the open data API's rate
//! limit. Each [`Platform`] reads its own; there is no process-wide portal state except the figure cache,
//! which is keyed by database.

pub mod complaints;
pub mod html;
pub mod pages;
pub mod svg;

use crate::App;
use crate::{html, write_html};
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use html::Html;
use jiff::tz::TimeZone;
use platform::PortalSettings;
use platform::figures;
use std::collections::HashMap;
use std::sync::Arc;
use store::Store;

/// The language of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// `en` selects English; anything else (or nothing) Simplified Chinese.
    /// The language a URI asks for (`?lang=en`).
    pub fn from_uri(uri: &axum::http::Uri) -> Lang {
        let en = uri
            .query()
            .is_some_and(|q| q.split('&').any(|kv| kv == "lang=en"));
        if en { Lang::En } else { Lang::Zh }
    }

    pub fn from_query(q: &HashMap<String, String>) -> Lang {
        match q.get("lang").map(String::as_str) {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        }
    }

    /// The Chinese or the English text.
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    pub fn code(self) -> &'static str {
        self.t("zh-CN", "en")
    }
}

/// Targets the pages compare against. They are policy, so they are configuration
/// (`portal.air_good_days_target_pct`, `portal.water_good_target_pct`, per cent; see
/// [`crate::PortalSettings`]).
#[derive(Debug, Clone, Copy)]
pub struct Targets {
    pub air_good_days_pct: f64,
    pub water_good_pct: f64,
}

impl From<&PortalSettings> for Targets {
    fn from(s: &PortalSettings) -> Targets {
        Targets {
            air_good_days_pct: s.air_good_days_target_pct,
            water_good_pct: s.water_good_target_pct,
        }
    }
}

impl Default for Targets {
    fn default() -> Targets {
        Targets::from(&PortalSettings::default())
    }
}

/// What every page renderer needs besides the store.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub tz: TimeZone,
    pub lang: Lang,
    /// "Now", unix seconds (tests and benchmarks pin it).
    pub now: i64,
    /// The platform's cache of costly figures.
    pub figures: Arc<figures::Cache>,
    pub targets: Targets,
    /// Ids of the air stations averaged into the city's figures; empty: every air station
    /// (`portal.city_air_stations`; see [`data::in_city`]).
    pub city_air_stations: Arc<[String]>,
    /// The method counties are scored by (`targets.score_method`), if any.
    pub score_method: Option<platform::targets::score::Method>,
    /// The map's area layer (the platform's, read once when it opened).
    pub map_layer: Arc<svg::MapLayer>,
    /// The page's own path and query without `lang` (for the language switch).
    pub here: String,
}

impl Ctx {
    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.lang.t(zh, en)
    }

    /// A link to `path` (which may carry a query) in the page's language.
    pub fn href(&self, path: &str) -> String {
        match self.lang {
            Lang::Zh => path.to_string(),
            Lang::En if path.contains('?') => format!("{path}&lang=en"),
            Lang::En => format!("{path}?lang=en"),
        }
    }

    pub fn time(&self, unix: i64) -> String {
        figures::fmt_time(&self.tz, unix)
    }
}

/// A rendered page body and what the frame needs to know about it.
pub struct Page {
    pub title: String,
    pub body: Html,
    /// Some of the data shown is simulated (the frame says so on top).
    pub simulated: bool,
}

/// The demo's schematic county layer (Voronoi cells around the county seats; CC0, not real borders).
pub const DEMO_GEOJSON: &str = platform::demo::COUNTIES_GEOJSON;

/// Reads the map's area layer: the GeoJSON file `path` (setting `portal.map_geojson`: the operator's own
/// licensed boundaries), else, or when it cannot be read or has no polygon (with a warning), the demo's
/// schematic layer.
pub fn map_layer(path: Option<&std::path::Path>) -> svg::MapLayer {
    if let Some(path) = path {
        let shown = path.display();
        match std::fs::read_to_string(path).map(|t| svg::MapLayer::parse(&t)) {
            Ok(layer) if !layer.areas.is_empty() => return layer,
            Ok(_) => {
                tracing::warn!(path = %shown, "portal.map_geojson has no polygon features; using the demo's schematic layer")
            }
            Err(e) => {
                tracing::warn!(path = %shown, error = %e, "cannot read portal.map_geojson; using the demo's schematic layer")
            }
        }
    }
    svg::MapLayer::parse(DEMO_GEOJSON)
}

/// Black or white text, whichever reads on `rgb`.
pub fn ink(rgb: (u8, u8, u8)) -> &'static str {
    let l = 0.299 * rgb.0 as f64 + 0.587 * rgb.1 as f64 + 0.114 * rgb.2 as f64;
    if l > 150.0 { "#111" } else { "#fff" }
}

const NAV: [(&str, &str, &str); 8] = [
    ("/", "首页", "Home"),
    ("/air", "空气", "Air"),
    ("/water", "水环境", "Water"),
    ("/bulletin", "饮用水公报", "Drinking water"),
    ("/emitters", "重点排污单位", "Key emitters"),
    ("/rivers", "河长制", "River chiefs"),
    ("/rankings", "排名", "Rankings"),
    ("/complaints", "举报", "Report"),
];

/// Wraps a page body in the frame: header, navigation, language switch, simulated-data notice, footer.
pub fn frame(ctx: &Ctx, page: &Page) -> Html {
    let mut nav = Html::new();
    let here_path = ctx.here.split('?').next().unwrap_or("/");
    for (path, zh, en) in NAV {
        let current = if path == here_path {
            Html::trusted(r#" aria-current="page""#)
        } else {
            Html::new()
        };
        write_html!(
            nav,
            r#"<a href="{}"{}>{}</a>"#,
            ctx.href(path),
            current,
            ctx.t(zh, en)
        );
    }
    let other = match ctx.lang {
        Lang::Zh => Ctx {
            lang: Lang::En,
            ..ctx.clone()
        }
        .href(&ctx.here),
        Lang::En => ctx.here.clone(),
    };
    let notice = if page.simulated {
        html!(
            r#"<p class="sim" role="note">{}</p>"#,
            ctx.t(
                "演示数据：本站点位数据由模拟器生成，不是真实监测结果。",
                "Demo data: the values shown come from a simulator, not from real monitoring."
            )
        )
    } else {
        Html::new()
    };
    let site = ctx.t(
        "青山 · 生态环境信息公开",
        "Qingshan · Environmental information",
    );
    html!(
        r#"<!doctype html>
<html lang="{0}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{1} · {2}</title>
<link rel="icon" href="data:,">
<style>{3}</style>
</head>
<body>
<header class="top"><div class="wrap bar"><a class="brand" href="{4}">{2}</a><a class="lang" id="lang-switch" href="{5}" hreflang="{6}">{7}</a></div>
<nav class="wrap">{8}</nav></header>
<main class="wrap">
{9}<h1>{1}</h1>
{10}
</main>
<footer class="wrap">{11}</footer>
</body>
</html>"#,
        ctx.lang.code(),
        &page.title,
        site,
        Html::trusted(CSS),
        ctx.href("/"),
        other,
        ctx.t("en", "zh-CN"),
        ctx.t("English", "中文"),
        nav,
        notice,
        page.body,
        ctx.t(
            "数据按国家标准计算（HJ 633、HJ 663、GB 3095、GB 3838 等）；时间为本地时间。开放数据接口：/api/v1/public/",
            "Figures computed by the national standards (HJ 633, HJ 663, GB 3095, GB 3838 …); times are local. Open data API: /api/v1/public/"
        )
    )
}

const CSS: &str = r#"
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1d2329;background:#f5f7f8}
.wrap{max-width:1180px;margin:0 auto;padding:0 14px}
.top{background:#1f5f3f;color:#fff}
.bar{display:flex;justify-content:space-between;align-items:center;padding-top:10px;padding-bottom:4px;gap:8px}
.brand{color:#fff;font-weight:700;text-decoration:none;font-size:17px}
.lang{color:#fff;border:1px solid #fff8;border-radius:4px;padding:2px 10px;text-decoration:none;white-space:nowrap}
nav{display:flex;flex-wrap:wrap;gap:4px 14px;padding-bottom:8px}
nav a{color:#e8f3ec;text-decoration:none;padding:2px 0}
nav a[aria-current]{color:#fff;border-bottom:2px solid #fff}
h1{font-size:22px;margin:16px 0 8px}
h2{font-size:18px;margin:22px 0 8px}
h3{font-size:16px;margin:14px 0 6px}
.sim{background:#fff4d6;border:1px solid #e6c35c;padding:6px 10px;border-radius:4px;margin:12px 0 0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:10px}
.card{background:#fff;border-radius:6px;padding:10px 12px;box-shadow:0 1px 2px #0002;min-width:0}
.card .big{font-size:30px;font-weight:700;line-height:1.2}
.badge{display:inline-block;border-radius:3px;padding:0 6px;font-size:13px;white-space:nowrap}
.muted{color:#5d6770;font-size:13px}
.panel{background:#fff;border-radius:6px;padding:10px;box-shadow:0 1px 2px #0002;margin:8px 0}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
table{border-collapse:collapse;width:100%;background:#fff;font-size:14px}
th,td{border-bottom:1px solid #e3e6ea;padding:5px 6px;text-align:left;vertical-align:top}
th{background:#eef2f0;font-weight:600;white-space:nowrap}
td:first-child{min-width:8.5em}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
svg{display:block;width:100%;height:auto;max-width:100%}
.scroll>svg.chart{min-width:560px}
#calendar svg.grid{min-width:520px}
#monthly-share svg.chart{min-width:0}
svg.map{max-width:760px;margin:0 auto}
svg.ratio{max-width:640px}
.pair{display:grid;gap:0 12px;grid-template-columns:repeat(auto-fit,minmax(min(100%,540px),1fr))}
svg text{font-family:inherit}
svg .ax{font-size:11px;fill:#5d6770}
svg .cell{font-size:9px;fill:#111}
svg .area{fill:#e8efe9;stroke:#7a9a85;stroke-width:1}
svg .area:hover{fill:#d6e6da}
svg .area-name{font-size:15px;fill:#55705e;pointer-events:none}
svg a.pt:hover *{stroke-width:2.5}
.legend{display:flex;flex-wrap:wrap;gap:4px 10px;font-size:13px;margin:6px 0}
.legend span{display:inline-flex;align-items:center;gap:4px}
.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;border:1px solid #0003}
form.pick{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0}
select,button,input{font:inherit;padding:4px 6px;max-width:100%}
.prelim{color:#8a5a00;font-size:12px}
.exceed{color:#b00020;font-weight:600}
.ok{color:#1f7a3f}
footer{color:#5d6770;font-size:12px;padding-top:18px;padding-bottom:24px}
:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
.desk{display:flex;flex-wrap:wrap;gap:4px 14px;margin:10px 0 0;padding:6px 0;border-bottom:1px solid #d5dbd8}
.desk a{color:#1f5f3f}
.desk a[aria-current]{font-weight:700;text-decoration:none}
.who{display:flex;flex-wrap:wrap;gap:6px 12px;align-items:center;margin:8px 0}
.who form{margin:0}
.warn{background:#fde8e8;border:1px solid #d9534f;padding:6px 10px;border-radius:4px}
.saved{background:#e6f4ea;border:1px solid #6fb784;padding:6px 10px;border-radius:4px}
.secret{font-family:ui-monospace,monospace;word-break:break-all;background:#fff;border:1px dashed #1f5f3f;padding:6px}
form.fields{display:grid;grid-template-columns:minmax(8em,13em) minmax(0,30em);gap:6px 10px;align-items:center;margin:8px 0}
form.fields label{font-weight:600}
form.fields button,form.fields input[type=checkbox]{justify-self:start}
form.fields .hint{grid-column:2;color:#5d6770;font-size:13px;margin-top:-4px}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
form.inline{display:inline}
@media(max-width:560px){form.fields{grid-template-columns:minmax(0,1fr)}form.fields .hint{grid-column:1}}
pre.raw{white-space:pre-wrap;word-break:break-all;background:#fff;padding:8px;border:1px solid #e3e6ea;font-size:13px}
@media print{.top,nav,form.pick,.noprint,footer{display:none}body{background:#fff;font-size:12px}.panel,.card{box-shadow:none}.scroll{overflow:visible}table{font-size:11px}th{white-space:normal}.wrap{max-width:none;padding:0}}
"#;

/// The portal's routes (merged at the root of the router).
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(|s, q| serve(s, q, "/", pages::home)))
        .route("/air", get(|s, q| serve(s, q, "/air", pages::air)))
        .route("/water", get(|s, q| serve(s, q, "/water", pages::water)))
        .route(
            "/bulletin",
            get(|s, q| serve(s, q, "/bulletin", pages::bulletin)),
        )
        .route("/bulletin.csv", get(bulletin_csv))
        .route("/bulletin.xlsx", get(bulletin_xlsx))
        .route(
            "/emitters",
            get(|s, q| serve(s, q, "/emitters", pages::emitters)),
        )
        .route("/rivers", get(|s, q| serve(s, q, "/rivers", pages::rivers)))
        .route(
            "/rankings",
            get(|s, q| serve(s, q, "/rankings", pages::rankings_page)),
        )
        .route(
            "/complaints",
            get(complaints::new).post(complaints::submit).layer(
                axum::extract::DefaultBodyLimit::max(crate::api::uploads::UPLOAD_BODY_BYTES),
            ),
        )
        .route("/complaints/track", get(complaints::track))
}

type Query_ = Query<HashMap<String, String>>;
type Renderer = fn(&Store, &Ctx, &HashMap<String, String>) -> store::Result<Page>;

/// The context of a request.
pub fn context(p: &App, path: &str, q: &HashMap<String, String>) -> Ctx {
    let mut keep: Vec<(&String, &String)> =
        q.iter().filter(|(k, _)| k.as_str() != "lang").collect();
    keep.sort();
    let query: Vec<String> = keep
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect();
    let here = if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query.join("&"))
    };
    Ctx {
        tz: p.tz.clone(),
        lang: Lang::from_query(q),
        now: jiff::Timestamp::now().as_second(),
        figures: p.figures.clone(),
        targets: Targets::from(&p.settings.portal),
        city_air_stations: p.settings.portal.city_air_stations.as_slice().into(),
        score_method: p.settings.score_method.clone(),
        map_layer: p.map_layer.clone(),
        here,
    }
}

/// Percent-encodes a query component.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Renders a whole page (frame included) on a read connection.
pub fn render(
    store: &Store,
    ctx: &Ctx,
    q: &HashMap<String, String>,
    page: Renderer,
) -> store::Result<Html> {
    let p = page(store, ctx, q)?;
    Ok(frame(ctx, &p))
}

async fn serve(
    State(p): State<Arc<App>>,
    Query(q): Query_,
    path: &'static str,
    page: Renderer,
) -> Response {
    let ctx = context(&p, path, &q);
    let lang = ctx.lang;
    match p.read(move |store| render(store, &ctx, &q, page)).await {
        // Figures change hourly; a minute of caching spares the server a crowd refreshing a page.
        Ok(page) => (
            [(header::CACHE_CONTROL, "public, max-age=60")],
            axum::response::Html(page.into_string()),
        )
            .into_response(),
        Err(e) => error_page(lang, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// A plain HTML error page.
pub fn error_page(lang: Lang, status: StatusCode, message: &str) -> Response {
    let body = html!(
        r#"<!doctype html><html lang="{}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>{}</title><style>{}</style></head><body><main class="wrap"><h1>{}</h1><p>{}</p><p><a href="/">{}</a></p></main></body></html>"#,
        lang.code(),
        status.as_u16(),
        Html::trusted(CSS),
        status.as_u16(),
        message,
        lang.t("返回首页", "Home")
    );
    (status, axum::response::Html(body.into_string())).into_response()
}

async fn bulletin_csv(State(p): State<Arc<App>>, Query(q): Query_) -> Response {
    let ctx = context(&p, "/bulletin.csv", &q);
    let (year, quarter) = pages::quarter_of(&ctx, &q);
    let lang = ctx.lang;
    match p
        .read(move |store| figures::bulletin(store, &ctx.tz, year, quarter))
        .await
    {
        Ok(b) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"drinking-water-{year}-Q{quarter}.csv\""),
                ),
            ],
            pages::bulletin_csv(&b),
        )
            .into_response(),
        Err(e) => error_page(lang, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

async fn bulletin_xlsx(State(p): State<Arc<App>>, Query(q): Query_) -> Response {
    let ctx = context(&p, "/bulletin.xlsx", &q);
    let (year, quarter) = pages::quarter_of(&ctx, &q);
    let lang = ctx.lang;
    match p
        .read(move |store| figures::bulletin(store, &ctx.tz, year, quarter))
        .await
    {
        Ok(b) => match pages::bulletin_xlsx(&b) {
            Ok(bytes) => (
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            .to_string(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"drinking-water-{year}-Q{quarter}.xlsx\""),
                    ),
                ],
                bytes,
            )
                .into_response(),
            Err(e) => error_page(lang, StatusCode::INTERNAL_SERVER_ERROR, &e),
        },
        Err(e) => error_page(lang, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// The answer for an unknown path outside `/api`: an HTML 404 page.
pub async fn not_found(Query(q): Query_) -> Response {
    let lang = Lang::from_query(&q);
    error_page(
        lang,
        StatusCode::NOT_FOUND,
        lang.t("没有这个页面。", "No such page."),
    )
}
