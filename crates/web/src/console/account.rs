//! "My account": change one's password (required first when an administrator set a temporary one), and
//! one's API tokens: create one (its secret shown this once, never again: only its hash is kept), see
//! when each was last used, revoke it.

use super::{Desk, Fields, field, input};
use crate::portal::html::Html;
use crate::{App, html, write_html};
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use platform::accounts::{self, Action, Principal, Who};
use std::sync::Arc;

const PATH: &str = "/console/account";

/// Longest expiry a token can be given here, days.
const MAX_EXPIRY_DAYS: u32 = 3650;

pub async fn page(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match Desk::open(&p, PATH, &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    render(&p, &desk, desk.saved(&q), StatusCode::OK).await
}

async fn render(p: &App, desk: &Desk, notice: Html, status: StatusCode) -> Response {
    let Who::Account { id, .. } = &desk.who.who else {
        return desk.forbidden();
    };
    let id = *id;
    let tokens = match p.read(move |s| s.tokens_of(id)).await {
        Ok(t) => t,
        Err(e) => return desk.fail(e),
    };
    let ctx = &desk.ctx;
    let must = if desk.must_change_password {
        html!(
            r#"<p class="warn" role="alert" id="must-change">{}</p>"#,
            ctx.t(
                "您正在使用管理员设置的临时密码，请先修改密码再继续。",
                "You are using a temporary password set by an administrator: change it before going on."
            )
        )
    } else {
        Html::new()
    };
    let mut rows = Html::new();
    for t in &tokens {
        let state = if t.revoked {
            Html::text(ctx.t("已撤销", "revoked"))
        } else if t.expires_at.is_some_and(|e| e <= ctx.now) {
            Html::text(ctx.t("已过期", "expired"))
        } else {
            html!(
                r#"<form method="post" action="{}">{}<button type="submit">{}</button></form>"#,
                ctx.href(&format!("/console/account/tokens/{}", t.id)),
                desk.csrf_field(),
                ctx.t("撤销", "Revoke")
            )
        };
        write_html!(
            rows,
            r#"<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            t.id,
            &t.name,
            t.actions.join(", "),
            ctx.time(t.created_at),
            t.expires_at
                .map_or(ctx.t("不过期", "never").to_string(), |e| ctx.time(e)),
            t.last_used.map_or("—".to_string(), |u| ctx.time(u)),
            state
        );
    }
    let tokens_section = if desk.must_change_password {
        Html::new()
    } else {
        html!(
            r#"<h2 id="tokens">{0}</h2>
<p class="muted">{1}</p>
<div class="scroll"><table id="token-list"><thead><tr><th>#</th><th>{2}</th><th>{3}</th><th>{4}</th><th>{5}</th><th>{6}</th><th></th></tr></thead><tbody>{7}</tbody></table></div>
<form method="post" action="{8}" class="fields">{9}
{10}{11}
<span></span><button type="submit">{12}</button></form>"#,
            ctx.t("API 令牌", "API tokens"),
            ctx.t(
                "令牌供程序以 Authorization: Bearer 调用 JSON API，权限与您的账号相同；创建时只显示一次。",
                "Tokens let programs call the JSON API with Authorization: Bearer, with your account's permissions; each is shown once, when created."
            ),
            ctx.t("用途", "Label"),
            ctx.t("权限", "Actions"),
            ctx.t("创建", "Created"),
            ctx.t("过期", "Expires"),
            ctx.t("最近使用", "Last used"),
            rows,
            ctx.href("/console/account/tokens"),
            desk.csrf_field(),
            input("label", ctx.t("用途", "Label"), "", r#" required maxlength="100""#),
            input(
                "expires_days",
                ctx.t("有效天数（留空不过期）", "Days valid (blank: never expires)"),
                "90",
                r#" inputmode="numeric""#
            ),
            ctx.t("创建令牌", "Create a token")
        )
    };
    let body = html!(
        r#"{0}{1}
<h2 id="password">{2}</h2>
<form method="post" action="{3}" class="fields">{4}
<label for="current">{5}</label><input id="current" name="current" type="password" autocomplete="current-password" required maxlength="128">
<label for="new">{6}</label><input id="new" name="new" type="password" autocomplete="new-password" required maxlength="128"><span class="hint">{7}</span>
<label for="repeat">{8}</label><input id="repeat" name="repeat" type="password" autocomplete="new-password" required maxlength="128">
<span></span><button type="submit">{9}</button></form>
{10}"#,
        must,
        notice,
        ctx.t("修改密码", "Change password"),
        ctx.href("/console/account/password"),
        desk.csrf_field(),
        ctx.t("当前密码", "Current password"),
        ctx.t("新密码", "New password"),
        ctx.t(
            "12 至 128 个字符，不含账号名，至少 5 个不同字符，不能与最近 5 次相同",
            "12 to 128 characters, not containing your name, at least 5 different characters, none of your last 5"
        ),
        ctx.t("再次输入新密码", "New password again"),
        ctx.t("修改密码", "Change password"),
        tokens_section
    );
    desk.page(status, ctx.t("我的账号", "My account"), body)
}

pub async fn password(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let desk = match Desk::open_posted(&p, "/console/account/password", &q, who, &headers, &f).await
    {
        Ok(d) => d,
        Err(r) => return r,
    };
    let (current, new) = (
        f.get("current").cloned().unwrap_or_default(),
        f.get("new").cloned().unwrap_or_default(),
    );
    let result = if f.get("repeat").map(String::as_str) != Some(new.as_str()) {
        Err(platform::Error::invalid_both(
            "the two new passwords differ",
            "两次输入的新密码不一致",
        ))
    } else {
        let who = desk.who.clone();
        p.write(move |s| accounts::change_password(s, &who, &current, &new))
            .await
    };
    match result {
        // The page reopens with the temporary-password notice gone.
        Ok(()) => desk.after_save(PATH),
        Err(e) => {
            // A mistyped current password is the form's problem (400), not a permission refusal.
            let (problem, status) = match &e {
                platform::Error::Forbidden(_) => (
                    html!(
                        r#"<p class="warn" role="alert">{}</p>"#,
                        desk.ctx
                            .t("当前密码不正确。", "The current password is not right.")
                    ),
                    StatusCode::BAD_REQUEST,
                ),
                _ => (desk.problem(&e), Desk::status_of(&e)),
            };
            render(&p, &desk, problem, status).await
        }
    }
}

pub async fn create_token(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let desk = match Desk::open_posted(&p, "/console/account/tokens", &q, who, &headers, &f).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Err(r) = desk.require(Action::OwnAccount, platform::accounts::Target::Any) {
        return r;
    }
    let label = field(&f, "label").to_string();
    let result = async {
        if label.is_empty() || label.chars().count() > 100 {
            return Err(platform::Error::invalid_both(
                "a token needs a label of 1 to 100 characters",
                "令牌须填写 1 至 100 个字符的用途",
            ));
        }
        let days = match super::number::<u32>(&f, "expires_days")? {
            Some(d) if !(1..=MAX_EXPIRY_DAYS).contains(&d) => {
                return Err(platform::Error::invalid_both(
                    format!("expires_days {d} is outside 1..={MAX_EXPIRY_DAYS}"),
                    format!("有效天数 {d} 超出范围 1–{MAX_EXPIRY_DAYS}"),
                ));
            }
            d => d,
        };
        let (actor, name) = (desk.who.actor(), desk.name.clone());
        p.write(move |s| accounts::create_token(s, &actor, &name, &label, None, days))
            .await
    }
    .await;
    match result {
        Ok((id, secret)) => {
            let ctx = &desk.ctx;
            // The one time the secret is shown: only its hash is kept.
            let notice = html!(
                r#"<div class="saved" role="status"><p>{} #{}：</p><p class="secret" id="new-token">{}</p><p>{}</p></div>"#,
                ctx.t("新令牌", "New token"),
                id,
                &secret.0,
                ctx.t(
                    "请立即复制保存：离开本页后将无法再次查看。",
                    "Copy it now: it cannot be shown again once you leave this page."
                )
            );
            render(&p, &desk, notice, StatusCode::OK).await
        }
        Err(e) => render(&p, &desk, desk.problem(&e), Desk::status_of(&e)).await,
    }
}

pub async fn revoke_token(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let desk = match Desk::open_posted(&p, "/console/account/tokens", &q, who, &headers, &f).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let Ok(id) = id.parse::<i64>() else {
        return desk.fail(platform::Error::NotFound(format!("no token {id:?}")));
    };
    let (actor, name) = (desk.who.actor(), desk.name.clone());
    match p
        .write(move |s| accounts::revoke_token(s, &actor, &name, id))
        .await
    {
        Ok(()) => desk.after_save(PATH),
        Err(e) => desk.fail(e),
    }
}
