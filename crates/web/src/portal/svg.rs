//! Charts and the map as SVG strings drawn on the server. Every mark carries a `<title>` (the browser's
//! tooltip); every SVG scales to its container (`viewBox`, width 100 %), so one drawing serves 390 px
//! phones and desktop screens.

use super::html::Html;
use crate::{html, write_html};
use std::fmt::Write;

fn open(w: f64, h: f64, class: &str, label: &str) -> Html {
    html!(
        r#"<svg class="{}" viewBox="0 0 {:.0} {:.0}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">"#,
        class,
        w,
        h,
        label
    )
}

/// Like [`open`], at most `max_width` pixels wide.
fn open_narrow(w: f64, h: f64, class: &str, label: &str, max_width: f64) -> Html {
    html!(
        r#"<svg style="max-width:{:.0}px" class="{}" viewBox="0 0 {:.0} {:.0}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">"#,
        max_width,
        class,
        w,
        h,
        label
    )
}

/// A bar of a time chart.
pub struct Bar {
    pub start: i64,
    pub end: i64,
    pub value: f64,
    pub colour: String,
    pub title: String,
}

/// A line of a time chart: its points (time, value) and each point's tooltip.
pub struct Line {
    pub label: String,
    pub colour: String,
    pub points: Vec<(i64, f64)>,
}

/// Axis labels along time: (time, text).
pub type Ticks = Vec<(i64, String)>;

const W: f64 = 720.0;
const PAD_L: f64 = 44.0;
const PAD_R: f64 = 10.0;
const PAD_T: f64 = 10.0;
const PAD_B: f64 = 24.0;

fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if v <= m * mag {
            return m * mag;
        }
    }
    10.0 * mag
}

fn axes(s: &mut Html, h: f64, t0: i64, t1: i64, ymax: f64, ticks: &Ticks, guides: &[f64]) {
    let plot_h = h - PAD_T - PAD_B;
    let x = |t: i64| PAD_L + (t - t0) as f64 / (t1 - t0).max(1) as f64 * (W - PAD_L - PAD_R);
    let y = |v: f64| PAD_T + plot_h - v / ymax * plot_h;
    for i in 0..=4 {
        let v = ymax * i as f64 / 4.0;
        write_html!(
            s,
            r##"<line x1="{6}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#e3e6ea"/><text x="{:.1}" y="{:.1}" class="ax" text-anchor="end">{}</text>"##,
            W - PAD_R,
            y(v),
            y(v),
            PAD_L - 4.0,
            y(v) + 4.0,
            fmt_num(v),
            PAD_L
        );
    }
    for &g in guides.iter().filter(|&&g| g < ymax) {
        write_html!(
            s,
            r##"<line x1="{3}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#999" stroke-dasharray="4 3"/>"##,
            W - PAD_R,
            y(g),
            y(g),
            PAD_L
        );
    }
    for (t, label) in ticks {
        write_html!(
            s,
            r#"<text x="{:.1}" y="{:.1}" class="ax" text-anchor="middle">{}</text>"#,
            x(*t),
            h - 6.0,
            label
        );
    }
}

/// Formats an axis or tooltip number compactly.
pub fn fmt_num(v: f64) -> String {
    if v.abs() >= 100.0 || v == v.trunc() {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// A bar chart over time (hourly AQI coloured by level): one `<rect>` with a `<title>` per bar.
pub fn time_bars(
    label: &str,
    t0: i64,
    t1: i64,
    bars: &[Bar],
    ticks: &Ticks,
    guides: &[f64],
) -> Html {
    let h = 200.0;
    let ymax = nice_max(bars.iter().map(|b| b.value).fold(0.0, f64::max).max(100.0));
    let mut s = open(W, h, "chart", label);
    axes(&mut s, h, t0, t1, ymax, ticks, guides);
    let plot_h = h - PAD_T - PAD_B;
    let span = (t1 - t0).max(1) as f64;
    let pw = W - PAD_L - PAD_R;
    for b in bars {
        let x0 = PAD_L + (b.start - t0) as f64 / span * pw;
        let x1 = PAD_L + (b.end - t0) as f64 / span * pw;
        let bh = b.value / ymax * plot_h;
        write_html!(
            s,
            r#"<rect class="mark" x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="{}"><title>{}</title></rect>"#,
            x0,
            PAD_T + plot_h - bh,
            ((x1 - x0) * 0.85).max(0.6),
            bh,
            &b.colour,
            &b.title
        );
    }
    s.push_trusted("</svg>");
    s
}

/// Lines over time with a legend; `hover` splits the time axis into bands, each with a tooltip (values of
/// every line in that band), so a phone user can tap anywhere on the chart.
pub fn time_lines(
    label: &str,
    t0: i64,
    t1: i64,
    lines: &[Line],
    ticks: &Ticks,
    hover: &[(i64, i64, String)],
) -> Html {
    let h = 220.0;
    let ymax = nice_max(
        lines
            .iter()
            .flat_map(|l| l.points.iter().map(|p| p.1))
            .fold(0.0, f64::max),
    );
    let mut s = open(W, h + 22.0, "chart", label);
    axes(&mut s, h, t0, t1, ymax, ticks, &[]);
    let plot_h = h - PAD_T - PAD_B;
    let span = (t1 - t0).max(1) as f64;
    let pw = W - PAD_L - PAD_R;
    let x = |t: i64| PAD_L + (t - t0) as f64 / span * pw;
    let y = |v: f64| PAD_T + plot_h - v / ymax * plot_h;
    // A gap of more than three hours breaks the line.
    for l in lines {
        let mut d = String::new();
        let mut prev: Option<i64> = None;
        for &(t, v) in &l.points {
            let cmd = if prev.is_some_and(|p| t - p <= 3 * 3600) {
                'L'
            } else {
                'M'
            };
            let _ = write!(d, "{cmd}{:.1} {:.1}", x(t), y(v));
            prev = Some(t);
        }
        write_html!(
            s,
            r#"<path class="mark" d="{2}" fill="none" stroke="{}" stroke-width="1.6"><title>{}</title></path>"#,
            &l.colour,
            &l.label,
            d
        );
    }
    for (a, b, title) in hover {
        write_html!(
            s,
            r#"<rect class="hover" x="{:.1}" y="{3}" width="{:.1}" height="{4:.1}" fill="transparent"><title>{}</title></rect>"#,
            x(*a),
            (x(*b) - x(*a)).max(0.5),
            title,
            PAD_T,
            plot_h
        );
    }
    let mut lx = PAD_L;
    for l in lines {
        write_html!(
            s,
            r#"<rect x="{5:.0}" y="{:.0}" width="12" height="4" fill="{}"/><text x="{:.0}" y="{:.0}" class="ax">{}</text>"#,
            h + 8.0,
            &l.colour,
            lx + 16.0,
            h + 14.0,
            &l.label,
            lx
        );
        lx += 24.0 + 7.0 * l.label.chars().count() as f64;
    }
    s.push_trusted("</svg>");
    s
}

/// A cell of a grid chart (calendar, class strips).
pub struct Cell {
    pub fill: String,
    pub text: String,
    pub title: String,
}

/// A grid of coloured cells with row and column labels (the daily-AQI calendar, monthly class strips).
pub fn grid(
    label: &str,
    rows: &[(String, Vec<Option<Cell>>)],
    cols: &[String],
    cell: f64,
    label_w: f64,
) -> Html {
    let ncols = cols.len().max(1) as f64;
    let w = label_w + ncols * cell + 4.0;
    let h = 16.0 + rows.len() as f64 * cell + 4.0;
    let mut s = open_narrow(w, h, "grid", label, w * 1.6);
    for (j, c) in cols.iter().enumerate() {
        write_html!(
            s,
            r#"<text x="{:.1}" y="12" class="ax" text-anchor="middle">{}</text>"#,
            label_w + (j as f64 + 0.5) * cell,
            c
        );
    }
    for (i, (name, cells)) in rows.iter().enumerate() {
        let y = 16.0 + i as f64 * cell;
        write_html!(
            s,
            r#"<text x="{:.1}" y="{:.1}" class="ax" text-anchor="end">{}</text>"#,
            label_w - 4.0,
            y + cell * 0.68,
            name
        );
        for (j, c) in cells.iter().enumerate() {
            let Some(c) = c else { continue };
            let x = label_w + j as f64 * cell;
            write_html!(
                s,
                r##"<g class="mark"><rect x="{3:.1}" y="{4:.1}" width="{:.1}" height="{:.1}" rx="2" fill="{}" stroke="#fff"/>"##,
                cell - 1.0,
                cell - 1.0,
                &c.fill,
                x,
                y
            );
            if !c.text.is_empty() {
                write_html!(
                    s,
                    r#"<text x="{:.1}" y="{:.1}" class="cell" text-anchor="middle">{}</text>"#,
                    x + cell / 2.0,
                    y + cell * 0.66,
                    &c.text
                );
            }
            write_html!(s, "<title>{}</title></g>", &c.title);
        }
    }
    s.push_trusted("</svg>");
    s
}

/// A horizontal bar of a percentage with a target marker.
pub fn ratio_bar(
    label: &str,
    value: Option<f64>,
    target: f64,
    value_text: &str,
    target_text: &str,
) -> Html {
    let (w, h) = (600.0, 46.0);
    let mut s = open(w, h, "ratio", label);
    let x = |p: f64| 4.0 + p.clamp(0.0, 100.0) / 100.0 * (w - 8.0);
    let ok = value.is_some_and(|v| v >= target);
    write_html!(
        s,
        r##"<rect x="4" y="8" width="{:.1}" height="18" rx="3" fill="#e3e6ea"/>"##,
        w - 8.0
    );
    if let Some(v) = value {
        write_html!(
            s,
            r#"<rect class="mark" x="4" y="8" width="{:.1}" height="18" rx="3" fill="{}"><title>{}</title></rect>"#,
            x(v) - 4.0,
            if ok { "#2e9d50" } else { "#d9822b" },
            value_text
        );
    }
    write_html!(
        s,
        r##"<line x1="{0:.1}" x2="{0:.1}" y1="3" y2="31" stroke="#222" stroke-width="2"><title>{1}</title></line><text x="{0:.1}" y="42" class="ax" text-anchor="{2}">{1}</text>"##,
        x(target),
        target_text,
        if target > 85.0 {
            "end"
        } else if target < 15.0 {
            "start"
        } else {
            "middle"
        }
    );
    s.push_trusted("</svg>");
    s
}

/// A point drawn on the map.
pub struct MapPoint {
    pub lon: f64,
    pub lat: f64,
    pub fill: String,
    /// `circle` (air), `square` (water), `diamond` (drinking water), `triangle` (outlets).
    pub shape: &'static str,
    pub title: String,
    pub href: String,
}

fn rings(geometry: &serde_json::Value) -> Vec<Vec<(f64, f64)>> {
    let ring = |r: &serde_json::Value| -> Vec<(f64, f64)> {
        r.as_array()
            .map(|pts| {
                pts.iter()
                    .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let coords = &geometry["coordinates"];
    match geometry["type"].as_str() {
        Some("Polygon") => coords
            .as_array()
            .map(|rs| rs.iter().map(ring).collect())
            .unwrap_or_default(),
        Some("MultiPolygon") => coords
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| p.as_array())
                    .flat_map(|rs| rs.iter().map(ring))
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A polygon's rings of (lon, lat).
pub type Rings = Vec<Vec<(f64, f64)>>;

/// The areas of the map layer: (Chinese name, English name, rings).
#[derive(Debug)]
pub struct MapLayer {
    pub areas: Vec<(String, String, Rings)>,
}

impl MapLayer {
    /// Reads a GeoJSON FeatureCollection of (multi)polygons; names from `name_zh`/`name`, and
    /// `name_pinyin`/`name_en` for English.
    pub fn parse(geojson: &str) -> MapLayer {
        let v: serde_json::Value = serde_json::from_str(geojson).unwrap_or_default();
        let mut areas = Vec::new();
        for f in v["features"].as_array().into_iter().flatten() {
            let p = &f["properties"];
            let name = |keys: &[&str]| {
                keys.iter()
                    .find_map(|k| p[*k].as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            areas.push((
                name(&["name_zh", "name"]),
                name(&["name_pinyin", "name_en", "name"]),
                rings(&f["geometry"]),
            ));
        }
        MapLayer { areas }
    }
}

/// The map: county areas from the layer and the points, projected equirectangularly around the mean
/// latitude (distortion is negligible at city scale).
pub fn map(label: &str, layer: &MapLayer, english: bool, points: &[MapPoint]) -> Html {
    let all = layer
        .areas
        .iter()
        .flat_map(|a| a.2.iter().flatten().copied())
        .chain(points.iter().map(|p| (p.lon, p.lat)));
    let (mut lo0, mut lo1, mut la0, mut la1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (lon, lat) in all {
        lo0 = lo0.min(lon);
        lo1 = lo1.max(lon);
        la0 = la0.min(lat);
        la1 = la1.max(lat);
    }
    if lo0 > lo1 {
        let mut empty = open(10.0, 10.0, "map", label);
        empty.push_trusted("</svg>");
        return empty;
    }
    let k = ((la0 + la1) / 2.0).to_radians().cos();
    let w = 800.0;
    let pad = 14.0;
    let scale = (w - 2.0 * pad) / ((lo1 - lo0) * k).max(1e-9);
    let h = (la1 - la0) * scale + 2.0 * pad;
    let px = |lon: f64| pad + (lon - lo0) * k * scale;
    let py = |lat: f64| pad + (la1 - lat) * scale;
    let mut s = open(w, h, "map", label);
    for (zh, en, rs) in &layer.areas {
        let mut d = String::new();
        for r in rs {
            for (i, (lon, lat)) in r.iter().enumerate() {
                let _ = write!(
                    d,
                    "{}{:.1} {:.1}",
                    if i == 0 { 'M' } else { 'L' },
                    px(*lon),
                    py(*lat)
                );
            }
            d.push('Z');
        }
        let name = if english { en } else { zh };
        write_html!(
            s,
            r#"<path class="area" d="{1}"><title>{}</title></path>"#,
            name,
            d
        );
    }
    for (zh, en, rs) in &layer.areas {
        let Some(outer) = rs.first().filter(|r| !r.is_empty()) else {
            continue;
        };
        let n = outer.len() as f64;
        let (cx, cy) = outer
            .iter()
            .fold((0.0, 0.0), |a, p| (a.0 + p.0 / n, a.1 + p.1 / n));
        let name = if english { en } else { zh };
        write_html!(
            s,
            r#"<text x="{:.1}" y="{:.1}" class="area-name" text-anchor="middle">{}</text>"#,
            px(cx),
            py(cy),
            name
        );
    }
    for p in points {
        let (x, y) = (px(p.lon), py(p.lat));
        let shape = match p.shape {
            "square" => html!(
                r#"<rect x="{:.1}" y="{:.1}" width="13" height="13""#,
                x - 6.5,
                y - 6.5
            ),
            "diamond" => html!(
                r#"<path d="M{4:.1} {:.1}L{:.1} {5:.1}L{4:.1} {:.1}L{:.1} {5:.1}Z""#,
                y - 9.0,
                x + 9.0,
                y + 9.0,
                x - 9.0,
                x,
                y
            ),
            "triangle" => html!(
                r#"<path d="M{5:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z""#,
                y - 8.0,
                x + 7.0,
                y + 5.0,
                x - 7.0,
                y + 5.0,
                x
            ),
            _ => html!(r#"<circle cx="{0:.1}" cy="{1:.1}" r="9.5""#, x, y),
        };
        write_html!(
            s,
            r##"<a href="{}" class="pt">{4} fill="{}" stroke="#222" stroke-width="1.2"><title>{}</title></{}></a>"##,
            &p.href,
            &p.fill,
            &p.title,
            match p.shape {
                "square" => "rect",
                "diamond" | "triangle" => "path",
                _ => "circle",
            },
            shape
        );
    }
    s.push_trusted("</svg>");
    s
}
