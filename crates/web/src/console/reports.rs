//! Execution reports (执行报告) in the console: an enterprise's quarter (`?enterprise=&year=&quarter=`) or a
//! county's month for the bureau (`?county=&year=&month=`), as a printable page and as XLSX
//! (`/console/reports.xlsx` with the same query): per outlet and pollutant the hours, valid hours,
//! exceedance hours and episodes as determined, and the emissions against the permitted quantity.
//! Without a scope, the page offers the enterprises and counties of the person's jurisdiction.

use super::{Desk, Fields, XLSX, download, field, select, table};
use crate::portal::html::Html;
use crate::{App, html, write_html};
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use platform::accounts::{Action, Principal, Target};
use platform::figures::{ReportLine, ReportPeriod, ReportTotal, report_totals};
use std::sync::Arc;
use store::SiteKind;

/// What a report covers.
enum Scope {
    Enterprise(store::Enterprise),
    County(store::County),
}

/// A report as the page and the workbook show it.
struct Report {
    title: String,
    period: ReportPeriod,
    lines: Vec<ReportLine>,
    totals: Vec<ReportTotal>,
    preliminary: bool,
}

pub async fn page(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match Desk::open_for(
        &p,
        "/console/reports",
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
    let title = desk.ctx.t("执行报告", "Execution reports");
    if field(&q, "enterprise").is_empty() && field(&q, "county").is_empty() {
        return match choices(&p, &desk).await {
            Ok(body) => desk.page(StatusCode::OK, title, body),
            Err(e) => desk.fail(e),
        };
    }
    match report(&p, &desk, &q).await {
        Ok(Ok(r)) => {
            let body = render(&desk, &q, &r);
            desk.page(StatusCode::OK, &r.title, body)
        }
        Ok(Err(refused)) => refused,
        Err(e) => {
            let status = Desk::status_of(&e);
            desk.page(status, title, desk.problem(&e))
        }
    }
}

pub async fn xlsx(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match Desk::open_for(
        &p,
        "/console/reports.xlsx",
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
    let r = match report(&p, &desk, &q).await {
        Ok(Ok(r)) => r,
        Ok(Err(refused)) => return refused,
        Err(e) => {
            let status = Desk::status_of(&e);
            return desk.page(
                status,
                desk.ctx.t("执行报告", "Execution reports"),
                desk.problem(&e),
            );
        }
    };
    match workbook(&desk, &r) {
        Ok(bytes) => download(
            XLSX,
            &format!("execution-report-{}-{}.xlsx", ascii(&q), r.period.code()),
            bytes,
        ),
        Err(e) => desk.fail(platform::Error::Internal(format!(
            "building the workbook: {e}"
        ))),
    }
}

/// The enterprise or county id, as a file name may hold it.
fn ascii(q: &Fields) -> String {
    let id = [field(q, "enterprise"), field(q, "county")].concat();
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(64)
        .collect()
}

/// The period the query names: `year` with `quarter` (1–4) or `month` (1–12).
fn period(q: &Fields) -> Result<ReportPeriod, platform::Error> {
    let bad = |what: &str, v: &str| {
        platform::Error::invalid_both(
            format!("{what} {v:?} is not valid: give year=YYYY with quarter=1–4 or month=1–12"),
            format!("{what}“{v}”无效：请给出 year=年份 及 quarter=1–4 或 month=1–12"),
        )
    };
    let year: i16 = field(q, "year")
        .parse()
        .ok()
        .filter(|y| (1990..=2200).contains(y))
        .ok_or_else(|| bad("year", field(q, "year")))?;
    match (field(q, "quarter"), field(q, "month")) {
        (quarter, "") => quarter
            .parse()
            .ok()
            .filter(|q| (1..=4).contains(q))
            .map(|quarter| ReportPeriod::Quarter { year, quarter })
            .ok_or_else(|| bad("quarter", quarter)),
        ("", month) => month
            .parse()
            .ok()
            .filter(|m| (1..=12).contains(m))
            .map(|month| ReportPeriod::Month { year, month })
            .ok_or_else(|| bad("month", month)),
        (quarter, _) => Err(bad("quarter and month", quarter)),
    }
}

/// The report the query asks for: `Ok(Err(page))` when the person may not see it.
async fn report(
    p: &App,
    desk: &Desk,
    q: &Fields,
) -> Result<Result<Report, Response>, platform::Error> {
    let period = period(q)?;
    let (enterprise, county) = (
        field(q, "enterprise").to_string(),
        field(q, "county").to_string(),
    );
    let scope = p
        .read(move |s| {
            Ok(if !enterprise.is_empty() {
                s.enterprises()?
                    .into_iter()
                    .find(|e| e.id == enterprise)
                    .map(Scope::Enterprise)
            } else {
                s.counties()?
                    .into_iter()
                    .find(|c| c.code == county)
                    .map(Scope::County)
            })
        })
        .await?
        .ok_or_else(|| platform::Error::NotFound("no such enterprise or county".into()))?;
    let target = match &scope {
        Scope::Enterprise(e) => Target::enterprise(e),
        Scope::County(c) => Target::County(&c.code),
    };
    if let Err(refused) = desk.require(Action::DataRead, target) {
        return Ok(Err(refused));
    }
    let ctx = &desk.ctx;
    let (from, to) = period.range(&ctx.tz, ctx.now);
    let (tz, reader) = (ctx.tz.clone(), desk.who.clone());
    let (id, by_county) = match &scope {
        Scope::Enterprise(e) => (e.id.clone(), false),
        Scope::County(c) => (c.code.clone(), true),
    };
    let lines = p
        .read(move |s| {
            let sites: Vec<store::Site> = s
                .sites()?
                .into_iter()
                .filter(|s| matches!(s.kind, SiteKind::FlueGasOutlet | SiteKind::WastewaterOutlet))
                .filter(|s| {
                    if by_county {
                        s.county.as_deref() == Some(id.as_str())
                    } else {
                        s.enterprise_id.as_deref() == Some(id.as_str())
                    }
                })
                .filter(|s| reader.may(Action::DataRead, Target::site(s)))
                .collect();
            if to <= from {
                return Ok(Vec::new());
            }
            platform::figures::execution_report(s, &tz, &sites, from, to)
        })
        .await?;
    let name = match &scope {
        Scope::Enterprise(e) => e.name.clone(),
        Scope::County(c) => c.name.clone(),
    };
    Ok(Ok(Report {
        title: format!(
            "{} {name} {}",
            ctx.t("执行报告", "Execution report"),
            period.code()
        ),
        period,
        totals: report_totals(&lines),
        preliminary: to <= from || p.settings.marks.preliminary(&ctx.tz, to, ctx.now),
        lines,
    }))
}

/// The enterprises and counties of the person's jurisdiction, each with a link to its current report.
async fn choices(p: &App, desk: &Desk) -> Result<Html, platform::Error> {
    let reader = desk.who.clone();
    let (enterprises, counties) = p
        .read(move |s| {
            let enterprises: Vec<store::Enterprise> = s
                .enterprises()?
                .into_iter()
                .filter(|e| reader.may(Action::DataRead, Target::enterprise(e)))
                .collect();
            let counties: Vec<store::County> = s
                .counties()?
                .into_iter()
                .filter(|c| reader.may(Action::DataRead, Target::County(&c.code)))
                .collect();
            Ok((enterprises, counties))
        })
        .await?;
    let ctx = &desk.ctx;
    let today = platform::figures::local_date(&ctx.tz, ctx.now);
    let (year, quarter, month) = (today.year(), (today.month() - 1) / 3 + 1, today.month());
    let mut body = html!(
        r#"<p class="muted">{}</p>"#,
        ctx.t(
            "按季度的企业执行报告（实际排放与合规部分）与按月的区县汇总；可打印，亦可下载 XLSX。",
            "An enterprise's quarter (the actual-emission and compliance part of its execution report) and a county's month for the bureau; printable, and as XLSX."
        )
    );
    write_html!(
        body,
        r#"<form class="pick fields" method="get" action="/console/reports">{}{}{}<button type="submit">{}</button></form>"#,
        select(
            "enterprise",
            ctx.t("企业", "Enterprise"),
            "",
            &enterprises
                .iter()
                .map(|e| (e.id.clone(), e.name.clone()))
                .collect::<Vec<_>>()
        ),
        super::input("year", ctx.t("年", "Year"), &year.to_string(), ""),
        super::input(
            "quarter",
            ctx.t("季度", "Quarter"),
            &quarter.to_string(),
            ""
        ),
        ctx.t("查看", "Show")
    );
    write_html!(
        body,
        r#"<form class="pick fields" method="get" action="/console/reports">{}{}{}<button type="submit">{}</button></form>"#,
        select(
            "county",
            ctx.t("区县", "County"),
            "",
            &counties
                .iter()
                .map(|c| (c.code.clone(), c.name.clone()))
                .collect::<Vec<_>>()
        ),
        super::input("year", ctx.t("年", "Year"), &year.to_string(), ""),
        super::input("month", ctx.t("月", "Month"), &month.to_string(), ""),
        ctx.t("查看", "Show")
    );
    Ok(body)
}

/// The headings of a report line after its outlet.
fn columns(desk: &Desk) -> [&'static str; 9] {
    let ctx = &desk.ctx;
    [
        ctx.t("因子", "Pollutant"),
        ctx.t("小时", "Hours"),
        ctx.t("有效小时", "Valid hours"),
        ctx.t("超标小时", "Exceedance hours"),
        ctx.t("超标次数", "Episodes"),
        ctx.t("实测排放量（吨）", "Measured (t)"),
        ctx.t("替代量（吨）", "Substituted (t)"),
        ctx.t("合计（吨）", "Total (t)"),
        ctx.t("许可年排放量（吨）", "Permitted a year (t)"),
    ]
}

/// Tonnes to the kilogram.
fn t(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn render(desk: &Desk, q: &Fields, r: &Report) -> Html {
    let ctx = &desk.ctx;
    let query: String = ["enterprise", "county", "year", "quarter", "month"]
        .iter()
        .filter(|k| !field(q, k).is_empty())
        .map(|k| format!("{k}={}", crate::portal::urlencode(field(q, k))))
        .collect::<Vec<_>>()
        .join("&");
    let mut body = html!(
        r#"<p class="noprint"><a href="/console/reports.xlsx?{}" id="xlsx" download>XLSX</a> · <button type="button" onclick="window.print()">{}</button> · <a href="/console/reports">{}</a></p>"#,
        &query,
        ctx.t("打印", "Print"),
        ctx.t("其他报告", "Other reports")
    );
    if r.preliminary {
        write_html!(
            body,
            r#"<p class="prelim" role="note">{}</p>"#,
            ctx.t(
                "初步：本期最后一天的企业数据标记尚未截止，数字可能变化。",
                "Preliminary: the enterprises' marking of the period's last day is still open; figures may change."
            )
        );
    }
    let mut rows = Html::new();
    for l in &r.lines {
        let e = l.emissions.as_ref();
        write_html!(
            rows,
            r#"<tr><td>{} {}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
            &l.site,
            &l.site_name,
            ctx.t(l.param.name_zh, l.param.name_en),
            l.hours,
            l.valid_hours,
            l.exceedance_hours,
            l.exceedance_episodes,
            t(e.map_or(0.0, |e| e.measured_t)),
            t(e.map_or(0.0, |e| e.substituted_t)),
            t(e.map_or(0.0, |e| e.total_t)),
            e.and_then(|e| e.permitted_t).map_or("—".into(), t)
        );
    }
    let mut totals = Html::new();
    for s in &r.totals {
        write_html!(
            totals,
            r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
            ctx.t(s.param.name_zh, s.param.name_en),
            s.exceedance_hours,
            s.exceedance_episodes,
            t(s.measured_t),
            t(s.substituted_t),
            t(s.total_t),
            s.permitted_t.map_or("—".into(), t)
        );
    }
    let line_heads: Vec<&str> = std::iter::once(ctx.t("排放口", "Outlet"))
        .chain(columns(desk))
        .collect();
    body.push(&table("lines", &line_heads, rows));
    write_html!(body, "<h2>{}</h2>", ctx.t("合计", "Totals"));
    let total_heads = [
        ctx.t("因子", "Pollutant"),
        ctx.t("超标小时", "Exceedance hours"),
        ctx.t("超标次数", "Episodes"),
        ctx.t("实测（吨）", "Measured (t)"),
        ctx.t("替代（吨）", "Substituted (t)"),
        ctx.t("合计（吨）", "Total (t)"),
        ctx.t("许可年排放量（吨）", "Permitted a year (t)"),
    ];
    body.push(&table("totals", &total_heads, totals));
    if r.lines.is_empty() {
        write_html!(
            body,
            "<p>{}</p>",
            ctx.t("本期无排放口数据。", "No outlet in this report.")
        );
    }
    body
}

/// The report as one worksheet: the lines, then the totals.
fn workbook(desk: &Desk, r: &Report) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let ctx = &desk.ctx;
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name(r.period.code())?;
    ws.write_string_with_format(0, 0, &r.title, &bold)?;
    if r.preliminary {
        ws.write_string(1, 0, ctx.t("初步数据", "Preliminary"))?;
    }
    let heads = [ctx.t("排放口", "Outlet"), ctx.t("名称", "Name")]
        .into_iter()
        .chain(columns(desk));
    for (j, h) in heads.enumerate() {
        ws.write_string_with_format(3, j as u16, h, &bold)?;
    }
    let mut row = 4;
    for l in &r.lines {
        let e = l.emissions.as_ref();
        ws.write_string(row, 0, &l.site)?;
        ws.write_string(row, 1, &l.site_name)?;
        ws.write_string(row, 2, ctx.t(l.param.name_zh, l.param.name_en))?;
        let numbers = [
            f64::from(l.hours),
            f64::from(l.valid_hours),
            f64::from(l.exceedance_hours),
            f64::from(l.exceedance_episodes),
            e.map_or(0.0, |e| e.measured_t),
            e.map_or(0.0, |e| e.substituted_t),
            e.map_or(0.0, |e| e.total_t),
        ];
        for (j, n) in numbers.iter().enumerate() {
            ws.write_number(row, 3 + j as u16, *n)?;
        }
        if let Some(p) = e.and_then(|e| e.permitted_t) {
            ws.write_number(row, 10, p)?;
        }
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, ctx.t("合计", "Totals"), &bold)?;
    for s in &r.totals {
        row += 1;
        ws.write_string(row, 2, ctx.t(s.param.name_zh, s.param.name_en))?;
        ws.write_number(row, 5, f64::from(s.exceedance_hours))?;
        ws.write_number(row, 6, f64::from(s.exceedance_episodes))?;
        ws.write_number(row, 7, s.measured_t)?;
        ws.write_number(row, 8, s.substituted_t)?;
        ws.write_number(row, 9, s.total_t)?;
        if let Some(p) = s.permitted_t {
            ws.write_number(row, 10, p)?;
        }
    }
    ws.set_column_width(1, 24)?;
    wb.save_to_buffer()
}
