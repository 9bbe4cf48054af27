//! Emission permits in the console: the list (with a warning 60 days before a version expires), one
//! version with its outlets and limits, and a form that takes a version in the permit file's TOML (the
//! README's format) to create one, change one (prefilled with it) or renew one (prefilled with the next
//! period). The file's validation names what is wrong, in the person's language where it is written.

use super::{Desk, Fields, field, matches, paged, search_box};
use crate::portal::html::Html;
use crate::{App, html, write_html};
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jiff::civil::Date;
use platform::accounts::{Action, Principal, Target};
use platform::permits::{self, file::parse_toml};
use std::sync::Arc;
use store::{Enterprise, Permit};

/// Days before its end a permit version is flagged as expiring.
pub const WARN_DAYS: i64 = 60;

fn today(desk: &Desk) -> Date {
    platform::figures::local_date(&desk.ctx.tz, desk.ctx.now)
}

/// The permits and enterprises the person may read.
async fn readable(p: &App, desk: &Desk) -> Result<(Vec<Permit>, Vec<Enterprise>), platform::Error> {
    let (permits, enterprises) = p.read(|s| Ok((s.permits()?, s.enterprises()?))).await?;
    let mine: Vec<Enterprise> = enterprises
        .into_iter()
        .filter(|e| desk.who.may(Action::RegistryRead, Target::enterprise(e)))
        .collect();
    let permits = permits
        .into_iter()
        .filter(|p| mine.iter().any(|e| e.id == p.enterprise_id))
        .collect();
    Ok((permits, mine))
}

/// In force, expiring (within [`WARN_DAYS`]), expired or not yet in force, in words.
fn state(desk: &Desk, p: &Permit) -> Html {
    let ctx = &desk.ctx;
    let today = today(desk);
    let day = today.to_string();
    if p.valid_to < day {
        Html::text(ctx.t("已过期", "expired"))
    } else if p.valid_from > day {
        Html::text(ctx.t("未生效", "not yet in force"))
    } else if permits::expires_within(p, today, WARN_DAYS) {
        html!(
            r#"<span class="exceed">{}</span>"#,
            ctx.t("即将到期", "expires soon")
        )
    } else {
        Html::text(ctx.t("有效", "in force"))
    }
}

pub async fn list(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match Desk::open_for(
        &p,
        "/console/permits",
        &q,
        who,
        &headers,
        Action::RegistryRead,
        Target::Any,
    )
    .await
    {
        Ok(d) => d,
        Err(r) => return r,
    };
    let (permits, enterprises) = match readable(&p, &desk).await {
        Ok(r) => r,
        Err(e) => return desk.fail(e),
    };
    let ctx = &desk.ctx;
    let today = today(&desk);
    let expiring: Vec<&Permit> = permits
        .iter()
        .filter(|p| p.valid_to >= today.to_string() && permits::expires_within(p, today, WARN_DAYS))
        .collect();
    let warning = if expiring.is_empty() {
        Html::new()
    } else {
        let numbers: Vec<&str> = expiring.iter().map(|p| p.number.as_str()).collect();
        html!(
            r#"<p class="warn" role="alert" id="expiring">{} {}</p>"#,
            match ctx.lang {
                crate::portal::Lang::Zh =>
                    format!("{} 个许可证版本将在 {WARN_DAYS} 天内到期：", expiring.len()),
                crate::portal::Lang::En => format!(
                    "{} permit versions expire within {WARN_DAYS} days:",
                    expiring.len()
                ),
            },
            numbers.join("、")
        )
    };
    let search = field(&q, "q");
    let found: Vec<&Permit> = permits
        .iter()
        .filter(|p| {
            let name = enterprises
                .iter()
                .find(|e| e.id == p.enterprise_id)
                .map_or("", |e| e.name.as_str());
            matches(search, &[&p.number, &p.enterprise_id, name])
        })
        .collect();
    let (shown, pages) = paged(ctx, &q, found);
    let mut rows = Html::new();
    for permit in shown {
        write_html!(
            rows,
            r#"<tr><td><a href="{}">{}</a></td><td>{}</td><td>{} – {}</td><td class="num">{}</td><td>{}</td></tr>"#,
            ctx.href(&format!("/console/permits/{}", permit.id)),
            &permit.number,
            &permit.enterprise_id,
            &permit.valid_from,
            &permit.valid_to,
            permit.outlets.len(),
            state(&desk, permit)
        );
    }
    let new = if desk.can(Action::RegistryWrite) {
        html!(
            r#"<p><a href="{}">{}</a></p>"#,
            ctx.href("/console/permits/new"),
            ctx.t("新建许可证（版本）", "New permit (version)")
        )
    } else {
        Html::new()
    };
    let body = html!(
        r#"{0}{1}{2}{3}
<div class="scroll"><table id="permit-list"><thead><tr><th>{4}</th><th>{5}</th><th>{6}</th><th>{7}</th><th>{8}</th></tr></thead><tbody>{9}</tbody></table></div>
{10}"#,
        desk.saved(&q),
        warning,
        search_box(
            ctx,
            "/console/permits",
            search,
            ctx.t("编号或企业", "Number or enterprise")
        ),
        new,
        ctx.t("许可证编号", "Permit number"),
        ctx.t("企业", "Enterprise"),
        ctx.t("有效期", "Valid"),
        ctx.t("排口数", "Outlets"),
        ctx.t("状态", "State"),
        rows,
        pages
    );
    desk.page(
        StatusCode::OK,
        ctx.t("排污许可证", "Emission permits"),
        body,
    )
}

pub async fn one(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/console/permits/{}", crate::portal::urlencode(&id));
    let desk = match Desk::open_for(
        &p,
        &path,
        &q,
        who,
        &headers,
        Action::RegistryRead,
        Target::Any,
    )
    .await
    {
        Ok(d) => d,
        Err(r) => return r,
    };
    let Some(number) = id.parse::<i64>().ok() else {
        return desk.fail(platform::Error::NotFound(format!("no permit {id:?}")));
    };
    let found = p
        .read(move |s| Ok((s.permit(number)?, s.enterprises()?)))
        .await;
    let (permit, enterprise) = match found {
        Ok((Some(permit), enterprises)) => {
            let e = enterprises
                .into_iter()
                .find(|e| e.id == permit.enterprise_id);
            (permit, e)
        }
        Ok((None, _)) => {
            return desk.fail(platform::Error::NotFound(format!("no permit {number}")));
        }
        Err(e) => return desk.fail(e),
    };
    let Some(enterprise) =
        enterprise.filter(|e| desk.who.may(Action::RegistryRead, Target::enterprise(e)))
    else {
        return desk.forbidden();
    };
    let ctx = &desk.ctx;
    let mut rows = Html::new();
    for o in &permit.outlets {
        if o.limits.is_empty() && o.annual.is_empty() {
            write_html!(
                rows,
                r#"<tr><td>{}</td><td>{}</td><td colspan="4">{}</td></tr>"#,
                &o.site_id,
                &o.kind,
                ctx.t(
                    "本版本未载明限值：按排口适用的排放标准判定（标准引擎尚无该行业标准时无法判定）。",
                    "No limits in this version: the outlet's emission standard applies (not judged while the standards engine lacks the sector standard)."
                )
            );
        }
        for l in &o.limits {
            let season = l
                .season
                .as_ref()
                .map_or(String::new(), |(f, t)| format!(" ({f} – {t})"));
            write_html!(
                rows,
                r#"<tr><td>{}</td><td>{}</td><td>{}</td><td class="num">{} {}{}</td><td>{}</td><td>{}</td></tr>"#,
                &o.site_id,
                &o.kind,
                &l.param,
                l.limit,
                &l.unit,
                season,
                &l.averaging,
                l.reference_o2
                    .map_or("—".to_string(), |o2| format!("{o2} %"))
            );
        }
        for a in &o.annual {
            write_html!(
                rows,
                r#"<tr><td>{}</td><td>{}</td><td>{}</td><td class="num">{} t/a</td><td>{}</td><td>—</td></tr>"#,
                &o.site_id,
                &o.kind,
                &a.param,
                a.tonnes,
                ctx.t("任意连续12个月", "any 12 months")
            );
        }
    }
    let actions = if desk
        .who
        .may(Action::RegistryWrite, Target::enterprise(&enterprise))
    {
        html!(
            r#"<p><a href="{}">{}</a> · <a href="{}">{}</a></p>"#,
            ctx.href(&format!("/console/permits/new?from={}", permit.id)),
            ctx.t("修改此版本", "Change this version"),
            ctx.href(&format!("/console/permits/new?from={}&renew=1", permit.id)),
            ctx.t("延续（新版本）", "Renew (a new version)")
        )
    } else {
        Html::new()
    };
    let body = html!(
        r#"{0}<dl><dt>{1}</dt><dd>{2} {3}</dd><dt>{4}</dt><dd>{5} – {6} · {7}</dd><dt>{8}</dt><dd>{9}</dd></dl>
{10}
<div class="scroll"><table id="permit-limits"><thead><tr><th>{11}</th><th>{12}</th><th>{13}</th><th>{14}</th><th>{15}</th><th>{16}</th></tr></thead><tbody>{17}</tbody></table></div>"#,
        desk.saved(&q),
        ctx.t("企业", "Enterprise"),
        &enterprise.id,
        &enterprise.name,
        ctx.t("有效期", "Valid"),
        &permit.valid_from,
        &permit.valid_to,
        state(&desk, &permit),
        ctx.t("发证机关", "Issued by"),
        permit.authority.as_deref().unwrap_or("—"),
        actions,
        ctx.t("排口", "Outlet"),
        ctx.t("类型", "Kind"),
        ctx.t("污染物", "Pollutant"),
        ctx.t("许可限值", "Permitted"),
        ctx.t("均值周期", "Averaging"),
        ctx.t("基准含氧量", "Reference O2"),
        rows
    );
    desk.page(
        StatusCode::OK,
        &format!("{} {}", ctx.t("许可证", "Permit"), permit.number),
        body,
    )
}

/// A permit version as the permit file's TOML (what the form edits).
fn as_toml(p: &Permit) -> String {
    let q = |s: &str| format!("{s:?}");
    let mut t = format!(
        "[[permit]]\nnumber = {}\nenterprise = {}\n",
        q(&p.number),
        q(&p.enterprise_id)
    );
    if let Some(a) = &p.authority {
        t.push_str(&format!("authority = {}\n", q(a)));
    }
    t.push_str(&format!(
        "valid_from = {}\nvalid_to = {}\n",
        q(&p.valid_from),
        q(&p.valid_to)
    ));
    for o in &p.outlets {
        t.push_str(&format!(
            "\n[[permit.outlet]]\nsite = {}\nkind = {}\n",
            q(&o.site_id),
            q(&o.kind)
        ));
        for l in &o.limits {
            t.push_str(&format!(
                "[[permit.outlet.limit]]\nparam = {}\nlimit = {:?}\nunit = {}\naveraging = {}\n",
                q(&l.param),
                l.limit,
                q(&l.unit),
                q(&l.averaging)
            ));
            if let Some(o2) = l.reference_o2 {
                t.push_str(&format!("reference_o2 = {o2:?}\n"));
            }
            if let Some((from, to)) = &l.season {
                t.push_str(&format!(
                    "season_from = {}\nseason_to = {}\n",
                    q(from),
                    q(to)
                ));
            }
        }
        for a in &o.annual {
            t.push_str(&format!(
                "[[permit.outlet.annual]]\nparam = {}\ntonnes = {:?}\n",
                q(&a.param),
                a.tonnes
            ));
        }
    }
    t
}

const TEMPLATE: &str = r#"[[permit]]
number = ""
enterprise = ""
valid_from = "2026-01-01"
valid_to = "2030-12-31"

[[permit.outlet]]
site = ""
kind = "main"
[[permit.outlet.limit]]
param = "a21026"
limit = 35.0
unit = "mg/m3"
averaging = "hour"
reference_o2 = 6.0
"#;

fn form(desk: &Desk, text: &str) -> Html {
    let ctx = &desk.ctx;
    html!(
        r#"<p class="muted">{0}</p>
<form method="post" action="{1}">{2}
<p><label for="toml">{3}</label><br><textarea id="toml" name="toml" rows="24" cols="80" spellcheck="false" style="width:100%;font-family:ui-monospace,monospace">{4}</textarea></p>
<p><button type="submit">{5}</button></p></form>"#,
        ctx.t(
            "按许可证文件格式（TOML）填写一个版本。编号和有效期起始日相同的版本将被整体替换；延续即新建一个较晚起始的版本。",
            "One version in the permit file's format (TOML). A version with the same number and valid_from is replaced whole; a renewal is a new version starting later."
        ),
        ctx.href("/console/permits/new"),
        desk.csrf_field(),
        ctx.t("许可证（TOML）", "Permit (TOML)"),
        text,
        ctx.t("保存", "Save")
    )
}

pub async fn new(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match Desk::open_for(
        &p,
        "/console/permits/new",
        &q,
        who,
        &headers,
        Action::RegistryWrite,
        Target::Any,
    )
    .await
    {
        Ok(d) => d,
        Err(r) => return r,
    };
    let from = q.get("from").and_then(|id| id.parse::<i64>().ok());
    let text = match from {
        None => TEMPLATE.to_string(),
        Some(id) => match readable(&p, &desk).await {
            Ok((permits, _)) => match permits.into_iter().find(|p| p.id == id) {
                Some(mut permit) => {
                    if q.get("renew").is_some_and(|r| r == "1") {
                        renew(&mut permit);
                    }
                    as_toml(&permit)
                }
                None => return desk.fail(platform::Error::NotFound(format!("no permit {id}"))),
            },
            Err(e) => return desk.fail(e),
        },
    };
    desk.page(
        StatusCode::OK,
        desk.ctx.t("许可证版本", "Permit version"),
        form(&desk, &text),
    )
}

/// The next period of a version: from the day after it ends, as long as it lasted.
fn renew(p: &mut Permit) {
    let (Ok(from), Ok(to)) = (p.valid_from.parse::<Date>(), p.valid_to.parse::<Date>()) else {
        return;
    };
    let Ok(span) = from.until(to) else { return };
    if let Some(next) = to.tomorrow().ok()
        && let Ok(end) = next.checked_add(span)
    {
        p.valid_from = next.to_string();
        p.valid_to = end.to_string();
    }
}

pub async fn save(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let desk = match Desk::open_posted(&p, "/console/permits/new", &q, who, &headers, &f).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Err(r) = desk.require(Action::RegistryWrite, Target::Any) {
        return r;
    }
    let text = f.get("toml").cloned().unwrap_or_default();
    let enterprises = match p.read(|s| s.enterprises()).await {
        Ok(e) => e,
        Err(e) => return desk.fail(e),
    };
    let result = async {
        let inputs = parse_toml(&text)?;
        if inputs.len() != 1 {
            return Err(platform::Error::invalid_both(
                format!("give exactly one [[permit]] (found {})", inputs.len()),
                format!("请填写且只填写一个 [[permit]]（现有 {} 个）", inputs.len()),
            ));
        }
        let input = inputs.into_iter().next().expect("one");
        let enterprise = enterprises
            .iter()
            .find(|e| e.id == input.enterprise)
            .ok_or_else(|| {
                platform::Error::NotFound(format!(
                    "enterprise {:?} does not exist",
                    input.enterprise
                ))
            })?;
        if !desk
            .who
            .may(Action::RegistryWrite, Target::enterprise(enterprise))
        {
            return Err(platform::Error::Forbidden(format!(
                "enterprise {} is outside your jurisdiction",
                enterprise.id
            )));
        }
        let actor = desk.who.actor();
        let tz = p.tz.clone();
        p.write(move |s| {
            let permit = input.validate(s)?;
            Ok(permits::import(s, &tz, &actor, std::slice::from_ref(&permit))?[0])
        })
        .await
    }
    .await;
    match result {
        Ok(id) => desk.after_save(&format!("/console/permits/{id}")),
        Err(platform::Error::Forbidden(_)) => desk.forbidden(),
        Err(e) => {
            super::sites::audit_refusal(
                &p,
                &desk,
                "upsert_permit",
                "(console form)",
                &e.to_string(),
            )
            .await;
            let body = html!("{}{}", desk.problem(&e), form(&desk, &text));
            desk.page(
                Desk::status_of(&e),
                desk.ctx.t("许可证版本", "Permit version"),
                body,
            )
        }
    }
}
