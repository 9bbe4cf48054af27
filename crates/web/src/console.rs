//! The staff console (first pages): sign in, a home page for the signed-in person's jurisdiction, sign
//! out. Server-rendered in the portal's frame (zh-CN default, `?lang=en`), forms without JavaScript;
//! every form that changes state carries the session's CSRF token, checked here.

use crate::auth::{SESSION_COOKIE, cookie, count_sign_in_failure, session_cookie};
use crate::portal::html::Html;
use crate::portal::{self, Ctx, Page};
use crate::{App, html, write_html};
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use platform::accounts::{self, Action, Principal, Role, SessionSecret, Target, Who};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;

type Q = Query<HashMap<String, String>>;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/console", get(home))
        .route("/console/sign-in", get(sign_in_page).post(sign_in))
        .route("/console/sign-out", axum::routing::post(sign_out))
        .route("/console/audit", get(audit))
}

fn role_name(ctx: &Ctx, role: Role) -> &'static str {
    match role {
        Role::CityAdmin => ctx.t("市局管理员", "City administrator"),
        Role::CityStaff => ctx.t("市局工作人员", "City staff"),
        Role::CountyOfficer => ctx.t("县（区）分局人员", "County officer"),
        Role::EnterpriseUser => ctx.t("企业用户", "Enterprise user"),
        Role::RiverChief => ctx.t("河长", "River chief"),
        Role::Auditor => ctx.t("审计人员", "Auditor"),
    }
}

fn kind_name(ctx: &Ctx, kind: store::SiteKind) -> &'static str {
    use store::SiteKind::*;
    match kind {
        AirStation => ctx.t("空气自动站", "Air station"),
        WaterSection => ctx.t("水质断面", "Water section"),
        DrinkingWaterSource => ctx.t("饮用水水源地", "Drinking-water source"),
        FlueGasOutlet => ctx.t("废气排口", "Flue-gas outlet"),
        WastewaterOutlet => ctx.t("废水排口", "Wastewater outlet"),
        RiverOutfall => ctx.t("入河排污口", "River outfall"),
        Other => ctx.t("其他", "Other"),
    }
}

fn respond(ctx: &Ctx, status: StatusCode, page: Page) -> Response {
    let mut r = (
        status,
        axum::response::Html(portal::frame(ctx, &page).into_string()),
    )
        .into_response();
    // Staff pages are never cached: a shared browser must not show them after sign-out.
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn sign_in_form(ctx: &Ctx, problem: Option<&str>) -> Page {
    let problem = problem.map_or(Html::new(), |p| {
        html!(r#"<p class="warn" role="alert">{}</p>"#, p)
    });
    let body = html!(
        r#"{0}<form method="post" action="{1}" class="signin">
<p><label for="name">{2}</label><br><input id="name" name="name" autocomplete="username" required maxlength="64"></p>
<p><label for="password">{3}</label><br><input id="password" name="password" type="password" autocomplete="current-password" required maxlength="128"></p>
<p><button type="submit">{4}</button></p>
</form>"#,
        problem,
        ctx.href("/console/sign-in"),
        ctx.t("用户名", "User name"),
        ctx.t("密码", "Password"),
        ctx.t("登录", "Sign in")
    );
    Page {
        title: ctx.t("工作人员登录", "Staff sign-in").to_string(),
        body,
        simulated: false,
    }
}

async fn sign_in_page(State(p): State<Arc<App>>, Query(q): Q) -> Response {
    let ctx = portal::context(&p, "/console/sign-in", &q);
    respond(&ctx, StatusCode::OK, sign_in_form(&ctx, None))
}

#[derive(Deserialize)]
struct SignInForm {
    name: String,
    password: String,
}

async fn sign_in(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Q,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> Response {
    let ctx = portal::context(&p, "/console/sign-in", &q);
    let address = who.address.clone();
    let result = p
        .write(move |s| accounts::sign_in(s, &f.name, &f.password, &address))
        .await;
    match result {
        Ok(signed) => {
            let mut r = Redirect::to(&ctx.href("/console")).into_response();
            r.headers_mut().insert(
                header::SET_COOKIE,
                session_cookie(&signed.secret.0, p.settings.sessions.max_s, &headers),
            );
            r
        }
        Err(e) => {
            count_sign_in_failure(&p, &e);
            let (status, message) = match e {
                platform::Error::Locked { seconds } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    match ctx.lang {
                        portal::Lang::Zh => {
                            format!("登录失败次数过多，请 {seconds} 秒后再试。")
                        }
                        portal::Lang::En => {
                            format!("Too many failed sign-ins; try again in {seconds} s.")
                        }
                    },
                ),
                platform::Error::Unauthenticated(_) => (
                    StatusCode::UNAUTHORIZED,
                    ctx.t(
                        "用户名或密码不正确。",
                        "The name or the password is not right.",
                    )
                    .to_string(),
                ),
                other => return crate::ApiError::from(other).into_response(),
            };
            respond(&ctx, status, sign_in_form(&ctx, Some(&message)))
        }
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn sign_out(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Q,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    let ctx = portal::context(&p, "/console/sign-out", &q);
    let expected = cookie(&headers, SESSION_COOKIE)
        .map(|s| accounts::csrf_token(&SessionSecret(s.to_string())));
    if expected.as_deref() != Some(f.csrf.as_str()) {
        return portal::error_page(
            ctx.lang,
            StatusCode::FORBIDDEN,
            ctx.t(
                "表单已过期或来自别处，请重新打开页面。",
                "This form has expired or came from elsewhere; open the page again.",
            ),
        );
    }
    if let Err(e) = p.write(move |s| accounts::sign_out(s, &who)).await {
        return crate::ApiError::from(e).into_response();
    }
    let mut r = Redirect::to(&ctx.href("/console/sign-in")).into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, session_cookie("", 0, &headers));
    r
}

/// The signed-in person's home: who they are, what their jurisdiction covers, and its sites.
async fn home(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Q,
    headers: HeaderMap,
) -> Response {
    let ctx = portal::context(&p, "/console", &q);
    let Who::Account {
        name, role, scopes, ..
    } = &who.who
    else {
        return Redirect::to(&ctx.href("/console/sign-in")).into_response();
    };
    let sites = match p.read(|s| s.sites()).await {
        Ok(s) => s,
        Err(e) => return crate::ApiError::from(e).into_response(),
    };
    let mut rows = Html::new();
    let mut shown = 0;
    for s in &sites {
        let target = Target::Site {
            county: s.county.as_deref(),
            enterprise: s.enterprise_id.as_deref(),
        };
        if !who.may(Action::DataRead, target) {
            continue;
        }
        shown += 1;
        write_html!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            &s.id,
            &s.name,
            kind_name(&ctx, s.kind),
            s.county.as_deref().unwrap_or("")
        );
    }
    let mut scope = Vec::new();
    scope.extend(
        scopes
            .counties
            .iter()
            .map(|c| format!("{} {c}", ctx.t("县区", "county"))),
    );
    scope.extend(
        scopes
            .enterprises
            .iter()
            .map(|e| format!("{} {e}", ctx.t("企业", "enterprise"))),
    );
    let scope = if scope.is_empty() {
        ctx.t("全市", "the whole city").to_string()
    } else {
        scope.join("、")
    };
    let csrf = cookie(&headers, SESSION_COOKIE)
        .map(|s| accounts::csrf_token(&SessionSecret(s.to_string())))
        .unwrap_or_default();
    let audit = if who.may(Action::AuditRead, Target::CityWide) {
        html!(
            r#"<p><a href="{}">{}</a></p>"#,
            ctx.href("/console/audit"),
            ctx.t("审计日志", "Audit log")
        )
    } else {
        Html::new()
    };
    let body = html!(
        r#"<p id="who">{0}：<strong>{1}</strong>（{2}）· {3}：{4}</p>
<form method="post" action="{5}"><input type="hidden" name="csrf" value="{6}"><button type="submit">{7}</button></form>
{8}
<h2>{9}（{10}）</h2>
<div class="scroll"><table><thead><tr><th>{11}</th><th>{12}</th><th>{13}</th><th>{14}</th></tr></thead><tbody>{15}</tbody></table></div>"#,
        ctx.t("当前用户", "Signed in as"),
        name,
        role_name(&ctx, *role),
        ctx.t("管辖范围", "Jurisdiction"),
        scope,
        ctx.href("/console/sign-out"),
        csrf,
        ctx.t("退出登录", "Sign out"),
        audit,
        ctx.t("可查看的点位", "Sites you may see"),
        shown,
        ctx.t("编号", "Id"),
        ctx.t("名称", "Name"),
        ctx.t("类型", "Kind"),
        ctx.t("县区", "County"),
        rows
    );
    respond(
        &ctx,
        StatusCode::OK,
        Page {
            title: ctx.t("工作台", "Console").to_string(),
            body,
            simulated: false,
        },
    )
}

/// Entries per page of the audit log.
const AUDIT_PAGE: u32 = 50;

/// The audit log for auditors and administrators: newest first, filtered by actor, action or subject,
/// paged on the server, exportable as CSV with the same filter.
async fn audit(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Q,
) -> Response {
    let ctx = portal::context(&p, "/console/audit", &q);
    if who.role().is_none() {
        return Redirect::to(&ctx.href("/console/sign-in")).into_response();
    }
    if !who.may(Action::AuditRead, Target::CityWide) {
        return portal::error_page(
            ctx.lang,
            StatusCode::FORBIDDEN,
            ctx.t(
                "您的角色不能查看审计日志。",
                "Your role may not read the audit log.",
            ),
        );
    }
    let search = q.get("q").filter(|s| !s.is_empty()).cloned();
    let before = q.get("before").and_then(|b| b.parse::<i64>().ok());
    let lookup = search.clone();
    let entries = match p
        .read(move |s| s.audit_page(lookup.as_deref(), before, AUDIT_PAGE))
        .await
    {
        Ok(e) => e,
        Err(e) => return crate::ApiError::from(e).into_response(),
    };
    let mut rows = Html::new();
    for e in &entries {
        write_html!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            e.id,
            ctx.time(e.at),
            &e.actor,
            &e.action,
            &e.subject,
            e.detail.as_deref().unwrap_or("")
        );
    }
    let filter = search.as_deref().unwrap_or("");
    let with_filter = |path: &str| {
        let q = portal::urlencode(filter);
        ctx.href(&if filter.is_empty() {
            path.to_string()
        } else {
            format!("{path}?q={q}")
        })
    };
    let older = match entries.last() {
        Some(last) if entries.len() as u32 == AUDIT_PAGE => {
            let path = if filter.is_empty() {
                format!("/console/audit?before={}", last.id)
            } else {
                format!(
                    "/console/audit?q={}&before={}",
                    portal::urlencode(filter),
                    last.id
                )
            };
            html!(
                r#"<p><a rel="next" href="{}">{}</a></p>"#,
                ctx.href(&path),
                ctx.t("更早的记录", "Older entries")
            )
        }
        _ => Html::new(),
    };
    let body = html!(
        r#"<form method="get" action="/console/audit" role="search"><label for="q">{0}</label>
<input id="q" name="q" value="{1}"> {2}<button type="submit">{3}</button>
<a href="{4}">{5}</a></form>
<div class="scroll"><table><thead><tr><th>#</th><th>{6}</th><th>{7}</th><th>{8}</th><th>{9}</th><th>{10}</th></tr></thead><tbody>{11}</tbody></table></div>
{12}"#,
        ctx.t(
            "筛选（操作者、操作或对象包含）",
            "Filter (actor, action or subject contains)"
        ),
        filter,
        if ctx.lang == portal::Lang::En {
            Html::trusted(r#"<input type="hidden" name="lang" value="en">"#)
        } else {
            Html::new()
        },
        ctx.t("筛选", "Filter"),
        with_filter("/api/v1/audit.csv"),
        ctx.t("导出 CSV", "Export CSV"),
        ctx.t("时间", "Time"),
        ctx.t("操作者", "Actor"),
        ctx.t("操作", "Action"),
        ctx.t("对象", "Subject"),
        ctx.t("内容", "Detail"),
        rows,
        older
    );
    respond(
        &ctx,
        StatusCode::OK,
        Page {
            title: ctx.t("审计日志", "Audit log").to_string(),
            body,
            simulated: false,
        },
    )
}
