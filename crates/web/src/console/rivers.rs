//! River chiefs in the console: the assessment of the year per chief and per reach (patrol completion,
//! cases closed and how fast, target attainment, complaints; as a table and XLSX), the patrol form (a
//! chief records a patrol: the reach, start and end, the GeoJSON track as a file or pasted, the
//! checklist, a finding with photos; works without JavaScript) and the order form (交办单 with a
//! responsibility list). The rules are `platform::rivers`'.

use super::forms::{local_input, read_any};
use super::{Desk, Fields, XLSX, download, field, optional, select, table};
use crate::portal::html::Html;
use crate::{App, html, write_html};
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use platform::accounts::{Action, Principal, Target};
use platform::rivers::assessment::{Assessment, Line};
use platform::rivers::patrols::CHECKLIST;
use platform::rivers::{FindingInput, OrderInput, PatrolInput};
use std::sync::Arc;
use store::Reach;

const PATH: &str = "/console/rivers";

fn pct(r: Option<f64>) -> String {
    r.map(|r| format!("{:.0}%", r * 100.0))
        .unwrap_or_else(|| "—".into())
}

/// A line's cells as text: the same for the table and the workbook.
fn cells(desk: &Desk, l: &Line) -> Vec<String> {
    let ctx = &desk.ctx;
    vec![
        l.reach_name.clone(),
        l.chief
            .as_ref()
            .map(|(level, name)| format!("{} {name}", ctx.t(level.name().0, level.name().1)))
            .unwrap_or_else(|| ctx.t("全河段", "whole reach").into()),
        format!("{}/{}", l.patrols_done, l.patrols_required),
        pct(l.patrol_rate()),
        l.patrols.to_string(),
        format!("{}/{}", l.closed, l.cases),
        pct(l.closure_rate()),
        l.mean_days_to_close
            .map(|d| format!("{d:.1}"))
            .unwrap_or_else(|| "—".into()),
        format!("{}/{}", l.months_at_target, l.months),
        pct(l.attainment()),
        l.complaints.to_string(),
    ]
}

fn heads(desk: &Desk) -> [&'static str; 11] {
    let ctx = &desk.ctx;
    [
        ctx.t("河段", "Reach"),
        ctx.t("河长", "Chief"),
        ctx.t("合格巡河/应巡", "Patrols counted/due"),
        ctx.t("巡河完成率", "Patrol completion"),
        ctx.t("巡河记录", "Patrols recorded"),
        ctx.t("办结/案件", "Closed/cases"),
        ctx.t("办结率", "Closure rate"),
        ctx.t("平均办结天数", "Mean days to close"),
        ctx.t("达标月/评价月", "Months at target/evaluated"),
        ctx.t("水质达标率", "Target attainment"),
        ctx.t("涉河举报", "Complaints"),
    ]
}

async fn assessment(p: &Arc<App>, desk: &Desk, q: &Fields) -> Result<Assessment, Response> {
    let year = super::forms::number::<i16>(q, "year").map_err(|e| desk.fail(e))?;
    crate::api::rivers::assess(p, &desk.who, year)
        .await
        .map_err(|e| desk.fail(e))
}

/// The year's assessment, with the ways to record a patrol and issue an order.
pub async fn list(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk =
        match Desk::open_for(&p, PATH, &q, who, &headers, Action::DataRead, Target::Any).await {
            Ok(d) => d,
            Err(r) => return r,
        };
    let a = match assessment(&p, &desk, &q).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let ctx = &desk.ctx;
    let mut body = desk.saved(&q);
    let mut links = Vec::new();
    if desk.can(Action::PatrolsRecord) {
        links.push(html!(
            r#"<a href="/console/rivers/patrol" id="new-patrol">{}</a>"#,
            ctx.t("记录巡河…", "Record a patrol…")
        ));
    }
    if desk.can(Action::OrdersIssue) {
        links.push(html!(
            r#"<a href="/console/rivers/order" id="new-order">{}</a>"#,
            ctx.t("下发交办单…", "Issue an order…")
        ));
    }
    links.push(html!(
        r#"<a href="/console/rivers.xlsx?year={}" id="xlsx" download>XLSX</a>"#,
        a.from.year()
    ));
    let mut bar = Html::new();
    for (i, l) in links.iter().enumerate() {
        if i > 0 {
            bar.push(&Html::trusted(" · "));
        }
        bar.push(l);
    }
    write_html!(
        body,
        r#"<p class="noprint">{}</p><form class="pick fields" method="get" action="{}">{}<button type="submit">{}</button></form><p class="muted">{} {} – {}. {}</p>"#,
        bar,
        PATH,
        super::input("year", ctx.t("年度", "Year"), &a.from.year().to_string(), r#" inputmode="numeric""#),
        ctx.t("查看", "Show"),
        ctx.t("考核期", "Period"),
        a.from.to_string(),
        a.to.to_string(),
        ctx.t(
            "巡河按各级河长的频次、时长和里程要求计（设置 rivers.patrol）；不满足时长或里程的巡河不计入。水质按断面月均值单因子评价，当月不计。",
            "Patrols count against each level's frequency, duration and distance (setting rivers.patrol); a patrol short of either does not count. Water is each section's monthly class, single-factor; the month under way is left out."
        )
    );
    let heads = heads(&desk);
    for (id, title, lines) in [
        ("chiefs", ctx.t("河长", "Chiefs"), &a.chiefs),
        ("reaches", ctx.t("河段", "Reaches"), &a.reaches),
    ] {
        let mut rows = Html::new();
        for l in lines {
            let mut tr = Html::trusted("<tr>");
            for c in cells(&desk, l) {
                write_html!(tr, "<td>{}</td>", c);
            }
            tr.push(&Html::trusted("</tr>"));
            rows.push(&tr);
        }
        write_html!(body, "<h2>{}</h2>", title);
        body.push(&table(id, &heads, rows));
    }
    desk.page(
        StatusCode::OK,
        ctx.t("河长制考核", "River chiefs' assessment"),
        body,
    )
}

/// The assessment as XLSX: a sheet of chiefs, a sheet of reaches.
pub async fn xlsx(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match Desk::open_for(
        &p,
        "/console/rivers.xlsx",
        &q,
        who,
        &headers,
        Action::DataRead,
        Target::Any,
    )
    .await
    {
        Ok(d) => d,
        Err(r) => return r,
    };
    let a = match assessment(&p, &desk, &q).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let heads = heads(&desk);
    let book = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        for (name, lines) in [("chiefs", &a.chiefs), ("reaches", &a.reaches)] {
            let ws = wb.add_worksheet();
            ws.set_name(name)?;
            for (j, h) in heads.iter().enumerate() {
                ws.write_string_with_format(0, j as u16, *h, &bold)?;
            }
            for (i, l) in lines.iter().enumerate() {
                for (j, v) in cells(&desk, l).iter().enumerate() {
                    ws.write_string(i as u32 + 1, j as u16, v)?;
                }
            }
        }
        wb.save_to_buffer()
    };
    match book() {
        Ok(bytes) => download(XLSX, &format!("river-chiefs-{}.xlsx", a.from.year()), bytes),
        Err(e) => desk.fail(platform::Error::Internal(format!(
            "building the workbook: {e}"
        ))),
    }
}

/// The reaches the person may take `action` on, as choices.
async fn reach_choices(p: &App, desk: &Desk, action: Action) -> Vec<(String, String)> {
    let reaches: Vec<Reach> = p.read(|s| s.reaches()).await.unwrap_or_default();
    reaches
        .iter()
        .filter(|r| desk.who.may(action, platform::rivers::target(r)))
        .map(|r| (r.id.clone(), format!("{} {}", r.id, r.name)))
        .collect()
}

async fn patrol_form(
    p: &App,
    desk: &Desk,
    f: &Fields,
    problem: Option<platform::Error>,
    status: StatusCode,
) -> Response {
    let ctx = &desk.ctx;
    let mut body = Html::new();
    if let Some(e) = &problem {
        body.push(&desk.problem(e));
    }
    let reaches = reach_choices(p, desk, Action::PatrolsRecord).await;
    let mut checklist = Html::new();
    for (code, zh, en) in CHECKLIST {
        let answers = [
            ("ok", ctx.t("正常", "fine")),
            ("problem", ctx.t("有问题", "problem")),
            ("n/a", ctx.t("不适用", "n/a")),
        ];
        let mut radios = Html::new();
        let chosen = match field(f, &format!("check_{code}")) {
            "" => "ok",
            v => v,
        };
        for (value, label) in answers {
            let checked = if value == chosen {
                Html::trusted(" checked")
            } else {
                Html::new()
            };
            write_html!(
                radios,
                r#"<label class="inline"><input type="radio" name="check_{}" value="{}"{}> {}</label>"#,
                code,
                value,
                checked,
                label
            );
        }
        write_html!(
            checklist,
            r#"<fieldset class="check"><legend>{}</legend>{}</fieldset>"#,
            ctx.t(zh, en),
            radios
        );
    }
    let chief = if desk.who.role() == Some(platform::accounts::Role::RiverChief) {
        Html::new()
    } else {
        super::input(
            "chief",
            ctx.t("河长账号（代录）", "Chief's account (recording for them)"),
            field(f, "chief"),
            " required",
        )
    };
    write_html!(
        body,
        r#"<form method="post" action="/console/rivers/patrol" enctype="multipart/form-data" class="fields" id="patrol-form">{}{}{}
<label for="start">{}</label><input id="start" name="start" type="datetime-local" value="{}" required>
<label for="end">{}</label><input id="end" name="end" type="datetime-local" value="{}" required>
<label for="track">{}</label><textarea id="track" name="track" rows="4" placeholder='{{"type":"LineString","coordinates":[[103.71,27.33],[103.72,27.34]]}}'>{}</textarea>
<label for="track_file">{}</label><input id="track_file" name="evidence" type="file" accept=".geojson,.json,application/geo+json,application/json,image/jpeg,image/png" multiple>
{}
<label for="note">{}</label><textarea id="note" name="note" rows="2" maxlength="2000">{}</textarea>
<label for="finding">{}</label><textarea id="finding" name="finding" rows="3" maxlength="2000">{}</textarea>
<div><button type="submit">{}</button></div></form>"#,
        desk.csrf_field(),
        select("reach", ctx.t("河段", "Reach"), field(f, "reach"), &reaches),
        chief,
        ctx.t("开始", "Start"),
        field(f, "start"),
        ctx.t("结束", "End"),
        field(f, "end"),
        ctx.t(
            "轨迹（GeoJSON LineString，可粘贴）",
            "Track (GeoJSON LineString, may be pasted)"
        ),
        field(f, "track"),
        ctx.t(
            "或上传轨迹文件（.geojson）及问题照片（JPEG/PNG）",
            "Or upload the track (.geojson) and photos of a finding (JPEG/PNG)"
        ),
        checklist,
        ctx.t("备注", "Note"),
        field(f, "note"),
        ctx.t("发现的问题（填写即立案）", "A finding (opens a case)"),
        field(f, "finding"),
        ctx.t("提交巡河记录", "Record the patrol")
    );
    desk.page(status, ctx.t("记录巡河", "Record a patrol"), body)
}

pub async fn patrol_new(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let path = "/console/rivers/patrol";
    match Desk::open_for(
        &p,
        path,
        &q,
        who,
        &headers,
        Action::PatrolsRecord,
        Target::Any,
    )
    .await
    {
        Ok(desk) => patrol_form(&p, &desk, &q, None, StatusCode::OK).await,
        Err(r) => r,
    }
}

/// The reach a posted form names, when the person may take `action` on it (a 403 page otherwise).
async fn posted_reach(
    p: &App,
    desk: &Desk,
    f: &Fields,
    action: Action,
) -> Result<Result<Reach, platform::Error>, Response> {
    let id = field(f, "reach").to_string();
    match p.read_with(move |s| platform::rivers::reach(s, &id)).await {
        Ok(r) => {
            desk.require(action, platform::rivers::target(&r))?;
            Ok(Ok(r))
        }
        Err(e) => Ok(Err(e)),
    }
}

pub async fn patrol_create(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Response {
    let path = "/console/rivers/patrol";
    // The right to patrol before the form is read: nobody else makes the server read files.
    let desk = match Desk::open_for(
        &p,
        path,
        &q,
        who,
        &headers,
        Action::PatrolsRecord,
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
            return patrol_form(&p, &desk, &Fields::new(), Some(e), status).await;
        }
    };
    if let Err(r) = desk.check_csrf(&f) {
        return r;
    }
    match posted_reach(&p, &desk, &f, Action::PatrolsRecord).await {
        Err(r) => return r,
        Ok(Err(e)) => {
            let status = Desk::status_of(&e);
            return patrol_form(&p, &desk, &f, Some(e), status).await;
        }
        Ok(Ok(_)) => {}
    }
    let input = (|| -> Result<PatrolInput, platform::Error> {
        // The track: pasted, or the uploaded file that is not a photo.
        let (tracks, photos): (Vec<_>, Vec<_>) = files
            .iter()
            .partition(|(_, bytes)| platform::attachments::media_type(bytes).is_none());
        let text = match (optional(&f, "track"), tracks.first()) {
            (Some(t), _) => t,
            (None, Some((_, bytes))) => String::from_utf8_lossy(bytes).into_owned(),
            (None, None) => {
                return Err(platform::Error::invalid_both(
                    "a patrol needs its track",
                    "请提供巡河轨迹",
                ));
            }
        };
        let track: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            platform::Error::invalid_both(
                format!("the track is not GeoJSON: {e}"),
                "轨迹不是有效的 GeoJSON",
            )
        })?;
        let photos: Vec<(String, Vec<u8>)> = photos.into_iter().cloned().collect();
        let finding = optional(&f, "finding");
        if finding.is_none() && !photos.is_empty() {
            return Err(platform::Error::invalid_both(
                "photos go with a finding: describe it",
                "照片须随问题描述一并提交",
            ));
        }
        let findings = match finding {
            Some(description) => vec![FindingInput {
                description,
                lon: None,
                lat: None,
                photos: crate::api::uploads::keep_files(&p, &photos)?,
            }],
            None => Vec::new(),
        };
        Ok(PatrolInput {
            reach: field(&f, "reach").to_string(),
            chief: optional(&f, "chief"),
            started_at: local_input(&desk, &f, "start")?,
            ended_at: local_input(&desk, &f, "end")?,
            track,
            checklist: CHECKLIST
                .iter()
                .filter_map(|(code, _, _)| {
                    Some((code.to_string(), optional(&f, &format!("check_{code}"))?))
                })
                .collect(),
            note: optional(&f, "note"),
            findings,
        })
    })();
    let saved = match input {
        Ok(input) => crate::api::rivers::write_patrol(&p, desk.who.clone(), input).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(r) => {
            let ctx = &desk.ctx;
            let mut cases = Html::new();
            for c in &r.cases {
                write_html!(cases, r#" <a href="/console/cases/{}">#{0}</a>"#, c.id);
            }
            let verdict = match &r.patrol.shortfall {
                None => ctx
                    .t("计入巡河任务。", "It counts towards the patrol duty.")
                    .to_string(),
                Some(why) => format!(
                    "{} {why}",
                    ctx.t("不计入巡河任务：", "It does not count towards the duty:")
                ),
            };
            let body = html!(
                r#"<p class="saved" role="status" id="patrol-saved">{} #{} · {:.0} m · {} min. {}</p><p>{}{}</p><p><a href="/console/rivers">{}</a></p>"#,
                ctx.t("巡河已记录", "Patrol recorded"),
                r.patrol.id,
                r.patrol.distance_m,
                (r.patrol.ended_at - r.patrol.started_at) / 60,
                verdict,
                if r.cases.is_empty() {
                    ctx.t("没有发现问题。", "No finding.")
                } else {
                    ctx.t("已立案：", "Cases opened:")
                },
                cases,
                ctx.t("河长制考核", "River chiefs' assessment")
            );
            desk.page(StatusCode::OK, ctx.t("巡河已记录", "Patrol recorded"), body)
        }
        Err(e) => {
            let status = Desk::status_of(&e);
            patrol_form(&p, &desk, &f, Some(e), status).await
        }
    }
}

async fn order_form(
    p: &App,
    desk: &Desk,
    f: &Fields,
    problem: Option<platform::Error>,
    status: StatusCode,
) -> Response {
    let ctx = &desk.ctx;
    let mut body = Html::new();
    if let Some(e) = &problem {
        body.push(&desk.problem(e));
    }
    let reaches = reach_choices(p, desk, Action::OrdersIssue).await;
    write_html!(
        body,
        r#"<form method="post" action="/console/rivers/order" class="fields" id="order-form">{}{}{}{}{}
<label for="duties">{}</label><textarea id="duties" name="duties" rows="5" required>{}</textarea>
<label for="due">{}</label><input id="due" name="due" type="date" value="{}">
<div><button type="submit">{}</button></div></form>"#,
        desk.csrf_field(),
        select("reach", ctx.t("河段", "Reach"), field(f, "reach"), &reaches),
        super::input(
            "title",
            ctx.t("事项", "Subject"),
            field(f, "title"),
            " required maxlength=\"200\""
        ),
        super::input(
            "unit",
            ctx.t("承办单位", "Unit"),
            field(f, "unit"),
            " required maxlength=\"100\""
        ),
        super::input(
            "assignee",
            ctx.t(
                "下级河长或责任人（可选）",
                "Lower-level chief or person (optional)"
            ),
            field(f, "assignee"),
            " maxlength=\"100\""
        ),
        ctx.t(
            "责任清单（每行一项）",
            "Responsibility list (one duty a line)"
        ),
        field(f, "duties"),
        ctx.t("办结期限（可选）", "Due by (optional)"),
        field(f, "due"),
        ctx.t("下发交办单", "Issue the order")
    );
    desk.page(status, ctx.t("下发交办单", "Issue an order"), body)
}

pub async fn order_new(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let path = "/console/rivers/order";
    match Desk::open_for(
        &p,
        path,
        &q,
        who,
        &headers,
        Action::OrdersIssue,
        Target::Any,
    )
    .await
    {
        Ok(desk) => order_form(&p, &desk, &q, None, StatusCode::OK).await,
        Err(r) => r,
    }
}

pub async fn order_create(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<Fields>,
) -> Response {
    let path = "/console/rivers/order";
    let desk = match Desk::open_posted(&p, path, &q, who, &headers, &f).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Err(r) = desk.require(Action::OrdersIssue, Target::Any) {
        return r;
    }
    match posted_reach(&p, &desk, &f, Action::OrdersIssue).await {
        Err(r) => return r,
        Ok(Err(e)) => {
            let status = Desk::status_of(&e);
            return order_form(&p, &desk, &f, Some(e), status).await;
        }
        Ok(Ok(_)) => {}
    }
    let input = OrderInput {
        reach: field(&f, "reach").into(),
        title: field(&f, "title").into(),
        unit: field(&f, "unit").into(),
        assignee: optional(&f, "assignee"),
        duties: field(&f, "duties").lines().map(str::to_string).collect(),
        due: optional(&f, "due"),
    };
    let ctx = crate::api::cases::context(&p);
    let who = desk.who.clone();
    match p
        .write(move |s| platform::rivers::issue_order(s, &ctx, &who, &input))
        .await
    {
        Ok(c) => desk.after_save(&format!("/console/cases/{}", c.id)),
        Err(e) => {
            let status = Desk::status_of(&e);
            order_form(&p, &desk, &f, Some(e), status).await
        }
    }
}
