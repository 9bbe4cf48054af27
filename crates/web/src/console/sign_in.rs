//! Signing in and out. A failed sign-in says only that the name or the password is not right (never
//! which), and a locked account says how long to wait.

use super::{Desk, Fields, field, respond};
use crate::auth::{count_sign_in_failure, session_cookie};
use crate::portal::html::Html;
use crate::portal::{self, Ctx, Page};
use crate::{App, html};
use axum::Extension;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use platform::accounts::{self, Principal};
use std::sync::Arc;

fn form(ctx: &Ctx, problem: Option<&str>) -> Page {
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

pub async fn page(State(p): State<Arc<App>>, Query(q): Query<Fields>) -> Response {
    let ctx = portal::context(&p, "/console/sign-in", &q);
    respond(&ctx, StatusCode::OK, form(&ctx, None))
}

pub async fn sign_in(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let ctx = portal::context(&p, "/console/sign-in", &q);
    let address = who.address.clone();
    let (name, password) = (
        field(&f, "name").to_string(),
        f.get("password").cloned().unwrap_or_default(),
    );
    let result = p
        .write(move |s| accounts::sign_in(s, &name, &password, &address))
        .await;
    match result {
        Ok(signed) => {
            let next = if signed.account.must_change_password {
                "/console/account"
            } else {
                "/console"
            };
            let mut r = Redirect::to(&ctx.href(next)).into_response();
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
                        portal::Lang::Zh => format!("登录失败次数过多，请 {seconds} 秒后再试。"),
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
                other => return super::fail(&ctx, other),
            };
            respond(&ctx, status, form(&ctx, Some(&message)))
        }
    }
}

/// Ends this session (the form carries its CSRF token) and clears the cookie.
pub async fn sign_out(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let desk = match Desk::open_posted(&p, "/console/sign-out", &q, who, &headers, &f).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let who = desk.who.clone();
    if let Err(e) = p.write(move |s| accounts::sign_out(s, &who)).await {
        return desk.fail(e);
    }
    let mut r = Redirect::to(&desk.ctx.href("/console/sign-in")).into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, session_cookie("", 0, &headers));
    r
}
