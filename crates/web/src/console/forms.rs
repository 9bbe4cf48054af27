//! The pieces every console form and list is made of: labelled inputs and choices, fields read from a
//! posted form, numbers typed by people, server-side paging and search.

use super::{Desk, Fields};
use crate::portal::html::Html;
use crate::portal::{self, Ctx};
use crate::{html, write_html};
use axum::Form;
use axum::extract::{FromRequest, Multipart};

/// A labelled text input of a form with `fields` layout.
pub(crate) fn input(id: &str, label: &str, value: &str, extra: &'static str) -> Html {
    html!(
        r#"<label for="{0}">{1}</label><input id="{0}" name="{0}" value="{2}"{3}>"#,
        id,
        label,
        value,
        Html::trusted(extra)
    )
}

/// A labelled choice among `options` (value, label); the one equal to `value` is selected.
pub(crate) fn select(id: &str, label: &str, value: &str, options: &[(String, String)]) -> Html {
    let mut opts = Html::new();
    for (v, l) in options {
        let selected = if v == value {
            Html::trusted(" selected")
        } else {
            Html::new()
        };
        write_html!(opts, r#"<option value="{}"{}>{}</option>"#, v, selected, l);
    }
    html!(
        r#"<label for="{0}">{1}</label><select id="{0}" name="{0}">{2}</select>"#,
        id,
        label,
        opts
    )
}

/// A form field as text, empty when absent.
pub(crate) fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.get(name).map_or("", |v| v.trim())
}

/// A form field, `None` when absent or blank.
pub(crate) fn optional(f: &Fields, name: &str) -> Option<String> {
    Some(field(f, name))
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// A number typed into a form: `None` when blank; a message naming the field when it is not a number.
pub(crate) fn number<T: std::str::FromStr>(
    f: &Fields,
    name: &str,
) -> Result<Option<T>, platform::Error> {
    match optional(f, name) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| {
            platform::Error::invalid_both(
                format!("{name} {v:?} is not a number"),
                format!("{name}“{v}”不是数字"),
            )
        }),
    }
}

/// Rows per page of the console's lists.
pub(crate) const PAGE_ROWS: usize = 50;

/// One page of `rows` (1-based `page` from the query) and the links to the pages beside it.
pub(crate) fn paged<T>(ctx: &Ctx, q: &Fields, rows: Vec<T>) -> (Vec<T>, Html) {
    let total = rows.len();
    let pages = total.div_ceil(PAGE_ROWS).max(1);
    let page = q
        .get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let shown: Vec<T> = rows
        .into_iter()
        .skip((page - 1) * PAGE_ROWS)
        .take(PAGE_ROWS)
        .collect();
    let base = ctx.here.split('?').next().unwrap_or("");
    let link = |n: usize| {
        let mut parts: Vec<String> = q
            .iter()
            .filter(|(k, _)| k.as_str() != "page" && k.as_str() != "lang" && k.as_str() != "saved")
            .map(|(k, v)| format!("{}={}", portal::urlencode(k), portal::urlencode(v)))
            .collect();
        parts.sort();
        parts.push(format!("page={n}"));
        ctx.href(&format!("{base}?{}", parts.join("&")))
    };
    let mut nav = html!(
        r#"<p class="muted">{} {} · {} {}/{}</p>"#,
        ctx.t("共", "Total"),
        total,
        ctx.t("页", "page"),
        page,
        pages
    );
    if page > 1 {
        write_html!(
            nav,
            r#"<a rel="prev" href="{}">{}</a> "#,
            link(page - 1),
            ctx.t("上一页", "Previous")
        );
    }
    if page < pages {
        write_html!(
            nav,
            r#"<a rel="next" href="{}">{}</a>"#,
            link(page + 1),
            ctx.t("下一页", "Next")
        );
    }
    (shown, nav)
}

/// Whether `text` contains the search `q` (case-insensitive); an empty search matches everything.
pub(crate) fn matches(q: &str, texts: &[&str]) -> bool {
    let q = q.trim().to_lowercase();
    q.is_empty() || texts.iter().any(|t| t.to_lowercase().contains(&q))
}

/// The search box of a list page, keeping the language.
pub(crate) fn search_box(ctx: &Ctx, action: &str, q: &str, label: &str) -> Html {
    html!(
        r#"<form method="get" action="{0}" role="search" class="pick"><label for="q">{1}</label><input id="q" name="q" value="{2}">{3}<button type="submit">{4}</button></form>"#,
        action,
        label,
        q,
        if ctx.lang == portal::Lang::En {
            Html::trusted(r#"<input type="hidden" name="lang" value="en">"#)
        } else {
            Html::new()
        },
        ctx.t("搜索", "Search")
    )
}

/// A scrolling table with `id`, a header row of `heads` and the rows of `body`.
pub(crate) fn table(id: &str, heads: &[&str], body: Html) -> Html {
    let mut head = Html::new();
    for h in heads {
        write_html!(head, "<th>{}</th>", *h);
    }
    html!(
        r#"<div class="scroll"><table id="{}"><thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>"#,
        id,
        head,
        body
    )
}

/// A file to download: its bytes with their type and name.
pub(crate) fn download(
    content_type: &'static str,
    name: &str,
    bytes: Vec<u8>,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let mut r = bytes.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// The media type of an XLSX workbook.
pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A local time typed into a `datetime-local` input (`2026-12-03T08:00`), as Unix seconds.
pub(crate) fn local_input(desk: &Desk, f: &Fields, name: &str) -> Result<i64, platform::Error> {
    let text = field(f, name);
    text.parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|t| t.to_zoned(desk.ctx.tz.clone()).ok())
        .map(|z| z.timestamp().as_second())
        .ok_or_else(|| {
            platform::Error::invalid_both(
                format!("{name} {text:?} is not a local time like 2026-12-03T08:00"),
                format!("时间“{text}”无效，格式如 2026-12-03T08:00"),
            )
        })
}

/// The fields and files of a form that may carry evidence files: `multipart/form-data`, or a form without files.
pub(crate) async fn read_any(
    request: axum::extract::Request,
) -> Result<(Fields, Vec<(String, Vec<u8>)>), platform::Error> {
    let multipart = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
        let form = Multipart::from_request(request, &()).await.map_err(|e| {
            platform::Error::invalid(format!("the form could not be read: {}", e.body_text()))
        })?;
        return read_form(form).await;
    }
    let Form(f) = Form::<Fields>::from_request(request, &())
        .await
        .map_err(|e| {
            platform::Error::invalid(format!("the form could not be read: {}", e.body_text()))
        })?;
    Ok((f, Vec::new()))
}

/// The fields and files of a multipart form.
async fn read_form(
    mut form: Multipart,
) -> Result<(Fields, Vec<(String, Vec<u8>)>), platform::Error> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        platform::Error::invalid(format!("the form could not be read: {}", e.body_text()))
    };
    let (mut fields, mut files) = (Fields::new(), Vec::new());
    while let Some(part) = form.next_field().await.map_err(bad)? {
        let name = part.name().unwrap_or_default().to_string();
        match part.file_name().map(str::to_string) {
            Some(file_name) if name == "evidence" => {
                let bytes = part.bytes().await.map_err(bad)?;
                // A file input left empty still sends a part, with no name and no bytes.
                if !(file_name.is_empty() && bytes.is_empty()) {
                    files.push((file_name, bytes.to_vec()));
                }
            }
            _ => {
                let text = part.text().await.map_err(bad)?;
                fields.insert(name, text);
            }
        }
    }
    Ok((fields, files))
}

/// The evidence files a record holds, as download links under `base` (`/console/marks/12`).
pub(crate) fn evidence_list(ctx: &Ctx, base: &str, files: &[store::Attachment]) -> Html {
    let mut list = Html::new();
    for a in files {
        write_html!(
            list,
            r#"<li><a href="{}/evidence?digest={}" download>{}</a> ({}, {} B)</li>"#,
            base,
            &a.digest,
            &a.name,
            &a.media_type,
            a.size
        );
    }
    if files.is_empty() {
        write_html!(list, "<li>{}</li>", ctx.t("无", "none"));
    }
    list
}
