//! Alarm rules in the console: the rules of the sites the person may read, a form to define one for a
//! site they may handle alarms of (above, below or rising by a value for a number of hours), and a
//! button to disable one (`platform::alarms::rules`, audited).

use super::{Desk, Fields, field, input, optional, select, table};
use crate::portal::html::Html;
use crate::{App, html, write_html};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Form};
use platform::accounts::{Action, Principal, Target};
use platform::alarms::rules::{RuleInput, describe, save};
use std::sync::Arc;

const PATH: &str = "/console/alarm-rules";

pub async fn list(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    page(&p, who, &q, &headers, None, &Fields::new()).await
}

async fn page(
    p: &App,
    who: Principal,
    q: &Fields,
    headers: &HeaderMap,
    problem: Option<platform::Error>,
    form: &Fields,
) -> Response {
    let desk = match Desk::open(p, PATH, q, who, headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Err(r) = desk.require(Action::DataRead, Target::Any) {
        return r;
    }
    let (rules, sites) = match p.read(|s| Ok((s.alarm_rules()?, s.sites()?))).await {
        Ok(x) => x,
        Err(e) => return desk.fail(e),
    };
    let ctx = &desk.ctx;
    let mut body = desk.saved(q);
    let status = match &problem {
        Some(e) => {
            body.push(&desk.problem(e));
            Desk::status_of(e)
        }
        None => StatusCode::OK,
    };
    let handles: Vec<&store::Site> = sites
        .iter()
        .filter(|s| desk.who.may(Action::AlarmsHandle, Target::site(s)))
        .collect();
    if !handles.is_empty() {
        let options: Vec<(String, String)> = handles
            .iter()
            .map(|s| (s.id.clone(), format!("{} {}", s.id, s.name)))
            .collect();
        let conditions: Vec<(String, String)> = [
            ("above", ctx.t("高于", "above")),
            ("below", ctx.t("低于", "below")),
            (
                "rise",
                ctx.t("每小时升幅超过", "rises per hour by more than"),
            ),
        ]
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect();
        let severities: Vec<(String, String)> = [
            ("medium", ctx.t("中", "medium")),
            ("high", ctx.t("高", "high")),
            ("low", ctx.t("低", "low")),
        ]
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect();
        write_html!(
            body,
            r#"<form method="post" action="{}" class="fields" id="new-rule">{}{}{}{}{}{}{}{}<button type="submit">{}</button></form>"#,
            PATH,
            desk.csrf_field(),
            select("site", ctx.t("点位", "Site"), field(form, "site"), &options),
            input(
                "param",
                ctx.t("因子（HJ 212 编码）", "Parameter (HJ 212 code)"),
                field(form, "param"),
                ""
            ),
            select(
                "condition",
                ctx.t("条件", "Condition"),
                field(form, "condition"),
                &conditions
            ),
            input(
                "value",
                ctx.t("数值", "Value"),
                field(form, "value"),
                r#" inputmode="decimal""#
            ),
            input(
                "hours",
                ctx.t("持续小时数", "For hours in a row"),
                field(form, "hours"),
                r#" inputmode="numeric""#
            ),
            select(
                "severity",
                ctx.t("级别", "Severity"),
                field(form, "severity"),
                &severities
            ),
            input("note", ctx.t("说明", "Note"), field(form, "note"), ""),
            ctx.t("新增规则", "Add the rule")
        );
    }
    let mut rows = Html::new();
    let readable = rules.iter().filter_map(|r| {
        let site = sites.iter().find(|s| s.id == r.site_id)?;
        desk.who
            .may(Action::DataRead, Target::site(site))
            .then_some((r, site))
    });
    for (r, site) in readable {
        let may_disable = !r.disabled && desk.who.may(Action::AlarmsHandle, Target::site(site));
        let action = if may_disable {
            html!(
                r#"<form method="post" action="{}/{}">{}<button type="submit" name="do" value="disable">{}</button></form>"#,
                PATH,
                r.id,
                desk.csrf_field(),
                ctx.t("停用", "Disable")
            )
        } else if r.disabled {
            Html::text(ctx.t("已停用", "disabled"))
        } else {
            Html::new()
        };
        write_html!(
            rows,
            "<tr><td>#{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            r.id,
            &r.site_id,
            &describe(r),
            &r.severity,
            r.note.as_deref().unwrap_or(""),
            &r.created_by,
            action
        );
    }
    let heads = [
        ctx.t("编号", "No."),
        ctx.t("点位", "Site"),
        ctx.t("规则", "Rule"),
        ctx.t("级别", "Severity"),
        ctx.t("说明", "Note"),
        ctx.t("设定人", "Set by"),
        "",
    ];
    body.push(&table("rules", &heads, rows));
    desk.page(status, ctx.t("告警规则", "Alarm rules"), body)
}

pub async fn create(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let desk = match Desk::open(&p, PATH, &q, who.clone(), &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Err(r) = desk.check_csrf(&f) {
        return r;
    }
    if let Err(r) = desk.require(Action::AlarmsHandle, Target::Any) {
        return r;
    }
    let site_id = field(&f, "site").to_string();
    let site = match p.read(move |s| s.site(&site_id)).await {
        Ok(s) => s,
        Err(e) => return desk.fail(e),
    };
    if let Some(site) = &site
        && let Err(r) = desk.require(Action::AlarmsHandle, Target::site(site))
    {
        return r;
    }
    let parsed = (|| -> Result<RuleInput, platform::Error> {
        Ok(RuleInput {
            site: field(&f, "site").to_string(),
            param: field(&f, "param").to_string(),
            condition: field(&f, "condition").to_string(),
            value: super::number(&f, "value")?.ok_or_else(|| {
                platform::Error::invalid_both(
                    "value is required".to_string(),
                    "请填写数值".to_string(),
                )
            })?,
            hours: super::number(&f, "hours")?,
            severity: optional(&f, "severity"),
            note: optional(&f, "note"),
        })
    })();
    let (actor, tz, now) = (desk.who.actor(), p.tz.clone(), desk.ctx.now);
    let result = match parsed {
        Ok(input) => {
            p.write(move |s| {
                let rule = input.validate(s, &actor, now)?;
                save(s, &tz, &actor, &rule, now)
            })
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => desk.after_save(PATH),
        Err(e) => page(&p, who, &q, &headers, Some(e), &f).await,
    }
}

pub async fn disable(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let desk = match Desk::open(&p, PATH, &q, who.clone(), &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Err(r) = desk.check_csrf(&f) {
        return r;
    }
    if let Err(r) = desk.require(Action::AlarmsHandle, Target::Any) {
        return r;
    }
    let Ok(id) = id.parse::<i64>() else {
        return desk.fail(platform::Error::NotFound(format!("no alarm rule {id:?}")));
    };
    let found = p
        .read(move |s| {
            let rule = s.alarm_rule(id)?;
            let site = match &rule {
                Some(r) => s.site(&r.site_id)?,
                None => None,
            };
            Ok((rule, site))
        })
        .await;
    let (rule, site) = match found {
        Ok((Some(r), Some(s))) => (r, s),
        Ok(_) => return desk.fail(platform::Error::NotFound(format!("no alarm rule {id}"))),
        Err(e) => return desk.fail(e),
    };
    if let Err(r) = desk.require(Action::AlarmsHandle, Target::site(&site)) {
        return r;
    }
    let (actor, tz, now) = (desk.who.actor(), p.tz.clone(), desk.ctx.now);
    let off = store::AlarmRule {
        disabled: true,
        ..rule
    };
    match p.write(move |s| save(s, &tz, &actor, &off, now)).await {
        Ok(_) => desk.after_save(PATH),
        Err(e) => page(&p, who, &q, &headers, Some(e), &Fields::new()).await,
    }
}
