//! 12369 on the portal: the public form to report pollution (zh/en, usable at 390 px, no JavaScript
//! needed; photos optional; anonymous allowed), the receipt with the tracking code, and the page that
//! follows a complaint by its code, which shows the steps and the answer, never anyone's personal data.
//! Abuse: the portal's per-client rate limit, a honeypot field people never see, size limits, and
//! duplicates joined to one case (`platform::complaints`).

use super::html::Html;
use super::{Ctx, Page, context, frame};
use crate::console::forms::read_any;
use crate::{App, html, write_html};
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use platform::complaints::{CATEGORIES, ComplaintInput, Contact, PublicStep};
use std::collections::HashMap;
use std::sync::Arc;
use store::Reach;

type Fields = HashMap<String, String>;

/// Photos one complaint may carry.
const MAX_PHOTOS: usize = 5;

fn field<'a>(f: &'a Fields, k: &str) -> &'a str {
    f.get(k).map_or("", |v| v.trim())
}

fn page(ctx: &Ctx, status: StatusCode, title: &str, body: Html) -> Response {
    let page = Page {
        title: title.into(),
        body,
        simulated: false,
    };
    // Personal data may be typed here: never cached anywhere.
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::response::Html(frame(ctx, &page).into_string()),
    )
        .into_response()
}

/// The form; `typed` refills what is not personal after a problem (name and contact are typed again:
/// they never travel back in a response).
fn form(ctx: &Ctx, typed: &Fields, problem: Option<&platform::Error>, reaches: &[Reach]) -> Html {
    let mut body = Html::new();
    if let Some(e) = problem {
        let text = match e {
            platform::Error::Invalid(m) => m.in_chinese(ctx.lang == super::Lang::Zh).to_string(),
            other => other.to_string(),
        };
        write_html!(body, r#"<p class="warn" role="alert">{}</p>"#, text);
    }
    let mut options = Html::new();
    for (code, zh, en) in CATEGORIES {
        let selected = if field(typed, "category") == code {
            Html::trusted(" selected")
        } else {
            Html::new()
        };
        write_html!(
            options,
            r#"<option value="{}"{}>{}</option>"#,
            code,
            selected,
            ctx.t(zh, en)
        );
    }
    let mut rivers = Html::new();
    for r in reaches {
        let selected = if field(typed, "reach") == r.id {
            Html::trusted(" selected")
        } else {
            Html::new()
        };
        write_html!(
            rivers,
            r#"<option value="{}"{}>{}</option>"#,
            &r.id,
            selected,
            &r.name
        );
    }
    write_html!(
        body,
        r#"<p>{}</p>
<form method="post" action="{}" enctype="multipart/form-data" class="fields" id="complaint-form">
<label for="category">{}</label><select id="category" name="category" required>{}</select>
<label for="reach">{}</label><select id="reach" name="reach"><option value="">{}</option>{}</select>
<label for="address">{}</label><input id="address" name="address" maxlength="200" value="{}">
<label for="lon">{}</label><input id="lon" name="lon" inputmode="decimal" value="{}" placeholder="103.717">
<label for="lat">{}</label><input id="lat" name="lat" inputmode="decimal" value="{}" placeholder="27.338">
<label for="description">{}</label><textarea id="description" name="description" rows="5" maxlength="5000" required>{}</textarea>
<label for="photos">{}</label><input id="photos" name="evidence" type="file" multiple accept="image/jpeg,image/png">
<label for="name">{}</label><input id="name" name="name" maxlength="50" autocomplete="name">
<label for="phone">{}</label><input id="phone" name="phone" maxlength="20" inputmode="tel" autocomplete="tel">
<label for="email">{}</label><input id="email" name="email" maxlength="100" type="email" autocomplete="email">
<div class="hp" aria-hidden="true"><label for="website">Website</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
<div><button type="submit">{}</button></div></form>
<h2>{}</h2><form method="get" action="{}" class="fields"><label for="code">{}</label><input id="code" name="code" maxlength="20" required><div><button type="submit">{}</button></div></form>"#,
        ctx.t(
            "发现污染环境、破坏生态的行为，请在此举报（12369）。可匿名；留下姓名和联系方式的，我们会反馈办理结果。举报人信息依法保密，不会告知被举报单位。",
            "Report pollution or damage to the environment here (12369). You may stay anonymous; leave your name and contact to hear the result. Your identity is kept confidential by law and never told to the party you report."
        ),
        ctx.href("/complaints"),
        ctx.t("类别", "Category"),
        options,
        ctx.t("河湖（可选）", "River or lake (optional)"),
        ctx.t("— 不涉及或不清楚 —", "— none or not sure —"),
        rivers,
        ctx.t("地点（地址）", "Place (address)"),
        field(typed, "address"),
        ctx.t("经度（可选）", "Longitude (optional)"),
        field(typed, "lon"),
        ctx.t("纬度（可选）", "Latitude (optional)"),
        field(typed, "lat"),
        ctx.t("情况描述", "What happened"),
        field(typed, "description"),
        ctx.t("照片（可选，最多5张）", "Photos (optional, up to 5)"),
        ctx.t("姓名（可选）", "Name (optional)"),
        ctx.t("电话（可选）", "Phone (optional)"),
        ctx.t("电子邮箱（可选）", "E-mail (optional)"),
        ctx.t("提交举报", "Submit the report"),
        ctx.t("查询办理进度", "Follow a report"),
        ctx.href("/complaints/track"),
        ctx.t("查询码", "Tracking code"),
        ctx.t("查询", "Follow")
    );
    body
}

/// This year's complaints by county and month: received, handled, handled on time.
async fn figures(p: &App, ctx: &Ctx) -> Html {
    let (tz, settings) = (p.tz.clone(), p.settings.cases.clone());
    let year = platform::figures::local_date(&tz, ctx.now).year();
    let from = platform::figures::day_start(&tz, jiff::civil::date(year, 1, 1));
    let to = ctx.now + 1;
    let read = p
        .read(move |s| {
            Ok((
                platform::complaints::statistics(s, &tz, &settings, from, to)?,
                s.counties()?,
            ))
        })
        .await;
    let Ok((rows, counties)) = read else {
        return Html::new();
    };
    let mut body = html!(
        "<h2>{} {}</h2>",
        year,
        ctx.t("年举报办理情况", "reports and how they were handled")
    );
    if rows.is_empty() {
        write_html!(
            body,
            "<p>{}</p>",
            ctx.t("本年尚无举报。", "No report this year yet.")
        );
        return body;
    }
    let mut tr = Html::new();
    for r in &rows {
        let county = r
            .county
            .as_ref()
            .and_then(|c| counties.iter().find(|k| k.code == *c))
            .map_or(ctx.t("待分派", "not yet routed").to_string(), |k| match (
                ctx.lang, &k.name_en,
            ) {
                (super::Lang::En, Some(en)) => en.clone(),
                _ => k.name.clone(),
            });
        write_html!(
            tr,
            r#"<tr><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
            county,
            &r.month,
            r.received,
            r.handled,
            r.on_time
        );
    }
    write_html!(
        body,
        r#"<div class="scroll"><table id="complaint-figures"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table></div>"#,
        ctx.t("区县", "County"),
        ctx.t("月份", "Month"),
        ctx.t("受理举报", "Received"),
        ctx.t("已办结", "Handled"),
        ctx.t("按时办结", "On time"),
        tr
    );
    body
}

pub async fn new(State(p): State<Arc<App>>, Query(q): Query<Fields>) -> Response {
    let ctx = context(&p, "/complaints", &q);
    let reaches = reaches(&p).await;
    // A signboard's link names its reach.
    let typed: Fields = q
        .get("reach")
        .map(|r| Fields::from([("reach".to_string(), r.clone())]))
        .unwrap_or_default();
    let mut body = form(&ctx, &typed, None, &reaches);
    body.push(&figures(&p, &ctx).await);
    page(
        &ctx,
        StatusCode::OK,
        ctx.t("12369 环境污染举报", "Report pollution (12369)"),
        body,
    )
}

/// The reaches a reporter may name (a read failure leaves the choice out: the point still places it).
async fn reaches(p: &App) -> Vec<Reach> {
    p.read(|s| s.reaches()).await.unwrap_or_default()
}

fn number(f: &Fields, k: &str) -> Result<Option<f64>, platform::Error> {
    match field(f, k) {
        "" => Ok(None),
        v => v.parse().map(Some).map_err(|_| {
            platform::Error::invalid_both(format!("{k} {v:?} is not a number"), "坐标须为数字")
        }),
    }
}

pub async fn submit(
    State(p): State<Arc<App>>,
    Query(q): Query<Fields>,
    request: axum::extract::Request,
) -> Response {
    let ctx = context(&p, "/complaints", &q);
    let title = ctx.t("12369 环境污染举报", "Report pollution (12369)");
    let reaches = reaches(&p).await;
    let (f, files) = match read_any(request).await {
        Ok(x) => x,
        Err(e) => {
            return page(
                &ctx,
                StatusCode::BAD_REQUEST,
                title,
                form(&ctx, &Fields::new(), Some(&e), &reaches),
            );
        }
    };
    // The honeypot: people never see the field; a form-filling robot fills it.
    if !field(&f, "website").is_empty() {
        let e = platform::Error::invalid("the form was not filled in by a person");
        return page(
            &ctx,
            StatusCode::BAD_REQUEST,
            title,
            form(&ctx, &Fields::new(), Some(&e), &reaches),
        );
    }
    let result = async {
        if files.len() > MAX_PHOTOS {
            return Err(platform::Error::invalid_both(
                format!("{} photos: at most {MAX_PHOTOS}", files.len()),
                "照片最多 5 张",
            ));
        }
        let input = ComplaintInput {
            category: field(&f, "category").into(),
            address: Some(field(&f, "address").to_string()),
            lon: number(&f, "lon")?,
            lat: number(&f, "lat")?,
            description: field(&f, "description").into(),
            contact: Contact {
                name: Some(field(&f, "name").to_string()),
                phone: Some(field(&f, "phone").to_string()),
                email: Some(field(&f, "email").to_string()),
            },
            reach: Some(field(&f, "reach").to_string()),
        };
        platform::complaints::validate(&input)?;
        let photos = crate::api::uploads::keep_files(&p, &files)?;
        if let Some(a) = photos.iter().find(|a| !a.media_type.starts_with("image/")) {
            return Err(platform::Error::invalid_both(
                format!("{:?} is not a photo (JPEG or PNG)", a.name),
                "照片须为 JPEG 或 PNG",
            ));
        }
        file(&p, "web", input, photos).await
    }
    .await;
    match result {
        Ok(receipt) => {
            let body = html!(
                r#"<p role="status" class="saved">{}</p><p>{}</p><p class="big" id="tracking-code">{}</p><p><a href="{}" id="follow">{}</a></p>"#,
                ctx.t("举报已收到。", "Your report was received."),
                ctx.t(
                    "请记下查询码，用它查询办理进度（本页只显示一次）：",
                    "Keep this tracking code to follow your report (it is shown only here):"
                ),
                &receipt.tracking_code,
                ctx.href(&format!("/complaints/track?code={}", receipt.tracking_code)),
                ctx.t("查询办理进度", "Follow your report")
            );
            page(&ctx, StatusCode::OK, title, body)
        }
        Err(e) => {
            let status = crate::ApiError::status_of(&e);
            page(&ctx, status, title, form(&ctx, &f, Some(&e), &reaches))
        }
    }
}

/// Files a complaint on the writer (the form's and Open311's way in).
pub async fn file(
    p: &App,
    channel: &'static str,
    input: ComplaintInput,
    photos: Vec<store::Attachment>,
) -> Result<platform::complaints::Receipt, platform::Error> {
    let (tz, cases, keys, layer, rivers) = (
        p.tz.clone(),
        p.settings.cases.clone(),
        p.personal_keys.clone(),
        p.county_layer.clone(),
        p.settings.rivers.clone(),
    );
    p.write(move |s| {
        let ctx = platform::complaints::Context {
            tz: &tz,
            cases: &cases,
            keys: &keys,
            layer: &layer,
            rivers: &rivers,
            now: jiff::Timestamp::now().as_second(),
        };
        platform::complaints::submit(s, &ctx, channel, &input, &photos)
    })
    .await
}

fn step_name(ctx: &Ctx, s: &PublicStep) -> &'static str {
    match s.step {
        "received" => ctx.t("已收到", "received"),
        "accepted" => ctx.t("已受理", "accepted"),
        "not_accepted" => ctx.t("不予受理", "not accepted"),
        "assigned" => ctx.t("已交办承办单位", "passed to the unit in charge"),
        "verified" => ctx.t("已现场核实", "checked on site"),
        "handled" => ctx.t("已办结", "handled"),
        "replied" => ctx.t("已答复", "answered"),
        "review" => ctx.t("复查复核中", "under review"),
        _ => ctx.t("处理中", "in progress"),
    }
}

pub async fn track(State(p): State<Arc<App>>, Query(q): Query<Fields>) -> Response {
    let ctx = context(&p, "/complaints/track", &q);
    let title = ctx.t("举报办理进度", "Progress of a report");
    let code = field(&q, "code").to_string();
    let found = match p
        .read(move |s| platform::complaints::progress(s, &code))
        .await
    {
        Ok(f) => f,
        Err(e) => {
            return super::error_page(ctx.lang, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string());
        }
    };
    let Some(progress) = found else {
        let body = html!(
            r#"<p class="warn" role="alert">{}</p><p><a href="{}">{}</a></p>"#,
            ctx.t("没有这个查询码。", "No report has this tracking code."),
            ctx.href("/complaints"),
            ctx.t("返回举报页", "Back to the report form")
        );
        return page(&ctx, StatusCode::NOT_FOUND, title, body);
    };
    let category = CATEGORIES
        .iter()
        .find(|c| c.0 == progress.category)
        .map_or(progress.category.as_str(), |c| ctx.t(c.1, c.2));
    let mut rows = Html::new();
    for s in &progress.steps {
        write_html!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ctx.time(s.at),
            step_name(&ctx, s),
            s.text.as_deref().unwrap_or("")
        );
    }
    let body = html!(
        r#"<dl class="facts"><dt>{}</dt><dd id="code">{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl><div class="scroll"><table id="steps"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table></div>"#,
        ctx.t("查询码", "Tracking code"),
        &progress.tracking_code,
        ctx.t("类别", "Category"),
        category,
        ctx.t("收到时间", "Received"),
        ctx.time(progress.received),
        ctx.t("时间", "When"),
        ctx.t("进度", "Step"),
        ctx.t("答复", "Answer"),
        rows
    );
    page(&ctx, StatusCode::OK, title, body)
}
