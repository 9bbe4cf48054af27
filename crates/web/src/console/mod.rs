//! The staff console: server-rendered pages in the portal's frame (zh-CN default, `?lang=en`), forms
//! without JavaScript. Every page names what it needs in [`ROUTES`] (the router refuses a page that is
//! not listed, and `tests/access.rs` walks them all as every role); each handler opens a [`Desk`] (who is
//! signed in, their language, their form token) and asks it before reading or changing anything. Every
//! form that changes state carries the session's CSRF token, checked by [`Desk::check_csrf`].
//!
//! - [`sign_in`]: sign in, sign out; [`home`]: the jurisdiction's day at a glance;
//! - [`sites`], [`devices`]: the registry's sites and devices; [`places`]: counties, water bodies, enterprises;
//! - [`supervision`]: exceedance episodes and data problems of the jurisdiction's outlets;
//! - [`alarms`]: the alarm queue (filters, counts, CSV/XLSX) and one alarm with its lifecycle steps;
//!   [`alarm_rules`]: the rules people define (above, below, rising, for some hours);
//! - [`permits`]: emission permits (list with expiry warnings, a version, create/change/renew);
//! - [`reports`]: execution reports, an enterprise's quarter or a county's month, printable and as XLSX;
//! - [`evidence`]: quarantined frames and conflicting re-sends, with the raw frame;
//! - [`accounts`]: accounts for administrators; [`account`]: one's own password and tokens;
//! - [`audit`]: the audit log and the access log for auditors.

// A page that cannot go on answers with its own response (sign-in redirect, 403 page): returned as the
// `Err` of the desk's checks, as axum handlers do; it is built once per request, so its size is no cost.
#![allow(clippy::result_large_err)]
mod account;
mod accounts;
mod alarm_rules;
mod alarms;
mod audit;
mod cases;
mod complaints;
mod corrections;
mod devices;
mod evidence;
pub(crate) mod forms;
mod home;
mod marks;
mod permits;
mod places;
mod reports;
mod rivers;
mod routes;
mod sign_in;
mod sites;
mod supervision;
mod targets;

use crate::auth::{SESSION_COOKIE, cookie};
use crate::portal::html::Html;
use crate::portal::{self, Ctx, Page};
use crate::{App, html, write_html};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
pub(crate) use forms::*;
use platform::accounts::{Action, Principal, Role, SessionSecret, Target, Who};
use std::collections::HashMap;
use std::sync::Arc;

/// A page's query or a form's fields, read leniently: a missing field is empty.
pub(crate) type Fields = HashMap<String, String>;

pub use routes::{ROUTES, routes};

pub(crate) fn role_name(ctx: &Ctx, role: Role) -> &'static str {
    match role {
        Role::CityAdmin => ctx.t("市局管理员", "City administrator"),
        Role::CityStaff => ctx.t("市局工作人员", "City staff"),
        Role::CountyOfficer => ctx.t("县（区）分局人员", "County officer"),
        Role::EnterpriseUser => ctx.t("企业用户", "Enterprise user"),
        Role::RiverChief => ctx.t("河长", "River chief"),
        Role::Auditor => ctx.t("审计人员", "Auditor"),
    }
}

pub(crate) fn kind_name(ctx: &Ctx, kind: store::SiteKind) -> &'static str {
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

/// The console's pages, in the order of its menu: (path, zh, en, what one needs to see the link).
const MENU: &[(&str, &str, &str, Action, bool)] = &[
    ("/console", "工作台", "Home", Action::OwnAccount, false),
    (
        "/console/sites",
        "点位",
        "Sites",
        Action::RegistryRead,
        false,
    ),
    (
        "/console/devices",
        "设备",
        "Devices",
        Action::RegistryRead,
        false,
    ),
    (
        "/console/enterprises",
        "企业",
        "Enterprises",
        Action::RegistryRead,
        false,
    ),
    (
        "/console/counties",
        "县区",
        "Counties",
        Action::RegistryRead,
        false,
    ),
    (
        "/console/waterbodies",
        "水体",
        "Water bodies",
        Action::RegistryRead,
        false,
    ),
    (
        "/console/supervision",
        "监管",
        "Supervision",
        Action::DataRead,
        false,
    ),
    ("/console/alarms", "告警", "Alarms", Action::DataRead, false),
    (
        "/console/marks",
        "数据标记",
        "Data marks",
        Action::DataRead,
        false,
    ),
    ("/console/cases", "案件", "Cases", Action::DataRead, false),
    (
        "/console/rivers",
        "河长制",
        "Rivers",
        Action::DataRead,
        false,
    ),
    (
        "/console/targets",
        "目标考核",
        "Targets",
        Action::DataRead,
        false,
    ),
    (
        "/console/corrections",
        "数据修正",
        "Corrections",
        Action::DataRead,
        false,
    ),
    (
        "/console/reports",
        "执行报告",
        "Reports",
        Action::DataRead,
        false,
    ),
    (
        "/console/permits",
        "许可证",
        "Permits",
        Action::RegistryRead,
        false,
    ),
    (
        "/console/quarantine",
        "隔离数据",
        "Quarantine",
        Action::EvidenceRead,
        true,
    ),
    (
        "/console/conflicts",
        "冲突重传",
        "Conflicts",
        Action::EvidenceRead,
        true,
    ),
    (
        "/console/accounts",
        "账号管理",
        "Accounts",
        Action::AccountsManage,
        true,
    ),
    (
        "/console/audit",
        "审计日志",
        "Audit log",
        Action::AuditRead,
        true,
    ),
    (
        "/console/access",
        "访问日志",
        "Access log",
        Action::AuditRead,
        true,
    ),
    (
        "/console/account",
        "我的账号",
        "My account",
        Action::OwnAccount,
        false,
    ),
];

/// A signed-in person at the console: who they are, the page's language and links, and the token their
/// forms carry.
pub(crate) struct Desk {
    pub ctx: Ctx,
    pub who: Principal,
    pub name: String,
    pub role: Role,
    pub csrf: String,
    /// The account's password was set by an administrator and must be changed first.
    pub must_change_password: bool,
}

impl Desk {
    /// The desk of the person asking for `path`, or the answer to give instead: the sign-in form for
    /// nobody, the password change for an account with a temporary password.
    pub async fn open(
        p: &App,
        path: &str,
        q: &Fields,
        who: Principal,
        headers: &HeaderMap,
    ) -> Result<Desk, Response> {
        let ctx = portal::context(p, path, q);
        let Who::Account { id, name, role, .. } = &who.who else {
            return Err(Redirect::to(&ctx.href("/console/sign-in")).into_response());
        };
        let (id, name, role) = (*id, name.clone(), *role);
        let account = p.read(move |s| s.account(id)).await;
        let must_change_password = match account {
            Ok(Some(a)) => a.must_change_password,
            Ok(None) => return Err(Redirect::to(&ctx.href("/console/sign-in")).into_response()),
            Err(e) => return Err(fail(&ctx, e)),
        };
        if must_change_password
            && !path.starts_with("/console/account")
            && path != "/console/sign-out"
        {
            return Err(Redirect::to(&ctx.href("/console/account")).into_response());
        }
        let csrf = cookie(headers, SESSION_COOKIE)
            .map(|s| platform::accounts::csrf_token(&SessionSecret(s.to_string())))
            .unwrap_or_default();
        Ok(Desk {
            ctx,
            who,
            name,
            role,
            csrf,
            must_change_password,
        })
    }

    /// [`Desk::open`], then [`Desk::require`] of `action` on `target`: what most pages do first.
    pub async fn open_for(
        p: &App,
        path: &str,
        q: &Fields,
        who: Principal,
        headers: &HeaderMap,
        action: Action,
        target: Target<'_>,
    ) -> Result<Desk, Response> {
        let desk = Desk::open(p, path, q, who, headers).await?;
        desk.require(action, target)?;
        Ok(desk)
    }

    /// [`Desk::open`] for a posted form, then [`Desk::check_csrf`] of it: what every change does first.
    pub async fn open_posted(
        p: &App,
        path: &str,
        q: &Fields,
        who: Principal,
        headers: &HeaderMap,
        form: &Fields,
    ) -> Result<Desk, Response> {
        let desk = Desk::open(p, path, q, who, headers).await?;
        desk.check_csrf(form)?;
        Ok(desk)
    }

    /// Ok when the person may take `action` on `target`; a 403 page naming the action otherwise.
    pub fn require(&self, action: Action, target: Target<'_>) -> Result<(), Response> {
        if self.who.may(action, target) {
            Ok(())
        } else {
            Err(self.forbidden())
        }
    }

    pub fn forbidden(&self) -> Response {
        let message = self.ctx.t(
            "您的角色或管辖范围不包括此项。",
            "This is outside your role or your jurisdiction.",
        );
        self.page(
            StatusCode::FORBIDDEN,
            self.ctx.t("无权访问", "Not allowed"),
            html!(r#"<p class="warn" role="alert">{}</p>"#, message),
        )
    }

    /// Ok when a form carries this session's token (in constant time); a 403 page otherwise.
    pub fn check_csrf(&self, form: &Fields) -> Result<(), Response> {
        let given = form.get("csrf").map_or("", String::as_str);
        if !self.csrf.is_empty() && crate::auth::same(given, &self.csrf) {
            return Ok(());
        }
        Err(self.page(
            StatusCode::FORBIDDEN,
            self.ctx.t("表单已失效", "Form expired"),
            html!(
                r#"<p class="warn" role="alert">{}</p>"#,
                self.ctx.t(
                    "表单已过期或来自别处，请重新打开页面。",
                    "This form has expired or came from elsewhere; open the page again."
                )
            ),
        ))
    }

    /// The hidden field every state-changing form carries.
    pub fn csrf_field(&self) -> Html {
        html!(
            r#"<input type="hidden" name="csrf" value="{}">"#,
            &self.csrf
        )
    }

    /// Whether the person may take `action` somewhere (a link worth showing).
    pub fn can(&self, action: Action) -> bool {
        self.who.may(action, Target::Any)
    }

    /// A page of the console: the menu of what this person may open, who is signed in, then `body`.
    pub fn page(&self, status: StatusCode, title: &str, body: Html) -> Response {
        let ctx = &self.ctx;
        let here = ctx.here.split('?').next().unwrap_or("");
        let mut menu = Html::new();
        for (path, zh, en, action, city_wide) in MENU {
            let target = if *city_wide {
                Target::CityWide
            } else {
                Target::Any
            };
            if !self.who.may(*action, target) {
                continue;
            }
            let current = if *path == here {
                Html::trusted(r#" aria-current="page""#)
            } else {
                Html::new()
            };
            write_html!(
                menu,
                r#"<a href="{}"{}>{}</a>"#,
                ctx.href(path),
                current,
                ctx.t(zh, en)
            );
        }
        let head = html!(
            r#"<nav class="desk" aria-label="{0}">{1}</nav>
<div class="who"><span id="who">{2}<strong>{3}</strong>（{4}）</span><form method="post" action="{5}">{6}<button type="submit">{7}</button></form></div>
"#,
            ctx.t("工作台菜单", "Console menu"),
            menu,
            ctx.t("当前用户：", "Signed in as: "),
            &self.name,
            role_name(ctx, self.role),
            ctx.href("/console/sign-out"),
            self.csrf_field(),
            ctx.t("退出登录", "Sign out")
        );
        let mut whole = head;
        whole.push(&body);
        respond(
            ctx,
            status,
            Page {
                title: title.to_string(),
                body: whole,
                simulated: false,
            },
        )
    }

    /// What went wrong with a form, in the person's language, for the top of the form.
    pub fn problem(&self, e: &platform::Error) -> Html {
        let text = match e {
            platform::Error::Invalid(m) => {
                m.in_chinese(self.ctx.lang == portal::Lang::Zh).to_string()
            }
            platform::Error::Storage(_) | platform::Error::Internal(_) => {
                tracing::error!(error = %e, "a console form failed");
                self.ctx
                    .t(
                        "保存失败（已记录在服务器日志中）。",
                        "Saving failed (logged on the server).",
                    )
                    .to_string()
            }
            other => other.to_string(),
        };
        html!(r#"<p class="warn" role="alert">{}</p>"#, text)
    }

    /// The status a failed form is answered with.
    pub fn status_of(e: &platform::Error) -> StatusCode {
        crate::ApiError::status_of(e)
    }

    /// A failure that ends the page (not a form's problem).
    pub fn fail(&self, e: platform::Error) -> Response {
        fail(&self.ctx, e)
    }

    /// A "saved" notice when the page was reached after a change (`?saved=1`).
    pub fn saved(&self, q: &Fields) -> Html {
        if q.get("saved").is_some_and(|v| v == "1") {
            html!(
                r#"<p class="saved" role="status">{}</p>"#,
                self.ctx.t("已保存。", "Saved.")
            )
        } else {
            Html::new()
        }
    }

    /// Where to go after a change: `path` with `saved=1` and the language kept.
    pub fn after_save(&self, path: &str) -> Response {
        let joined = if path.contains('?') {
            format!("{path}&saved=1")
        } else {
            format!("{path}?saved=1")
        };
        Redirect::to(&self.ctx.href(&joined)).into_response()
    }
}

/// A failure answered as a page in the person's language.
fn fail(ctx: &Ctx, e: platform::Error) -> Response {
    let status = crate::ApiError::status_of(&e);
    let message = match &e {
        platform::Error::NotFound(_) => ctx.t("没有找到。", "Not found.").to_string(),
        platform::Error::Storage(_) | platform::Error::Internal(_) => {
            tracing::error!(error = %e, "a console page failed");
            ctx.t("服务器出错（已记录）。", "The server failed (logged).")
                .to_string()
        }
        other => other.to_string(),
    };
    portal::error_page(ctx.lang, status, &message)
}

/// A console page with its status; never cached, so a shared browser shows nothing after sign-out.
fn respond(ctx: &Ctx, status: StatusCode, page: Page) -> Response {
    let mut r = (
        status,
        axum::response::Html(portal::frame(ctx, &page).into_string()),
    )
        .into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}
