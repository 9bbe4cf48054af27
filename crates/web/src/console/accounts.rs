//! Accounts, for administrators: the list (searched, paged), a new account with a temporary password,
//! and on each account's page: disable or enable it, or reset its password to a new temporary one. The
//! administrator types the temporary password (so no password is ever in a page) and hands it over; the
//! person must change it at their first sign-in. Accounts are never deleted, so the audit trail keeps
//! its names.

use super::{Desk, Fields, field, input, matches, paged, role_name, search_box, select};
use crate::portal::html::Html;
use crate::portal::urlencode;
use crate::{App, html, write_html};
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use platform::accounts::{self, Action, NewAccount, Principal, Role, Target};
use std::sync::Arc;
use store::{Account, Scopes};

async fn open(
    p: &App,
    path: &str,
    q: &Fields,
    who: Principal,
    headers: &HeaderMap,
) -> Result<Desk, Response> {
    let desk = Desk::open(p, path, q, who, headers).await?;
    desk.require(Action::AccountsManage, Target::CityWide)?;
    Ok(desk)
}

fn scope_of(desk: &Desk, s: &Scopes) -> String {
    let mut parts: Vec<String> = s.counties.clone();
    parts.extend(s.enterprises.iter().cloned());
    parts.extend(s.reaches.iter().cloned());
    if parts.is_empty() {
        desk.ctx.t("全市", "city-wide").to_string()
    } else {
        parts.join(", ")
    }
}

fn role_of(desk: &Desk, a: &Account) -> String {
    Role::parse(&a.role).map_or(a.role.clone(), |r| role_name(&desk.ctx, r).to_string())
}

fn state_of(desk: &Desk, a: &Account) -> &'static str {
    let ctx = &desk.ctx;
    if a.disabled {
        ctx.t("已停用", "disabled")
    } else if a.locked_until.is_some_and(|t| t > ctx.now) {
        ctx.t("暂时锁定", "locked for now")
    } else if a.must_change_password {
        ctx.t("待修改临时密码", "temporary password")
    } else {
        ctx.t("正常", "active")
    }
}

pub async fn list(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match open(&p, "/console/accounts", &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    render_list(&p, &desk, &q, Html::new(), StatusCode::OK, &Fields::new()).await
}

async fn render_list(
    p: &App,
    desk: &Desk,
    q: &Fields,
    notice: Html,
    status: StatusCode,
    posted: &Fields,
) -> Response {
    let all = match p.read(|s| s.accounts()).await {
        Ok(a) => a,
        Err(e) => return desk.fail(e),
    };
    let ctx = &desk.ctx;
    let search = field(q, "q");
    let found: Vec<&Account> = all
        .iter()
        .filter(|a| matches(search, &[&a.name, &a.role]))
        .collect();
    let (shown, pages) = paged(ctx, q, found);
    let mut rows = Html::new();
    for a in shown {
        write_html!(
            rows,
            r#"<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            ctx.href(&format!("/console/accounts/{}", urlencode(&a.name))),
            &a.name,
            role_of(desk, a),
            scope_of(desk, &a.scopes),
            state_of(desk, a),
            ctx.time(a.created_at)
        );
    }
    let roles: Vec<(String, String)> = Role::ALL
        .iter()
        .map(|r| (r.code().to_string(), role_name(ctx, *r).to_string()))
        .collect();
    let body = html!(
        r#"{0}{1}
<div class="scroll"><table id="account-list"><thead><tr><th>{2}</th><th>{3}</th><th>{4}</th><th>{5}</th><th>{6}</th></tr></thead><tbody>{7}</tbody></table></div>
{8}
<h2 id="new">{9}</h2>
<form method="post" action="{10}" class="fields">{11}
{12}{13}{14}<span class="hint">{15}</span>{16}<span class="hint">{17}</span>{18}
<span></span><button type="submit">{19}</button></form>"#,
        notice,
        search_box(
            ctx,
            "/console/accounts",
            search,
            ctx.t("账号或角色", "Name or role")
        ),
        ctx.t("账号", "Account"),
        ctx.t("角色", "Role"),
        ctx.t("管辖范围", "Jurisdiction"),
        ctx.t("状态", "State"),
        ctx.t("创建时间", "Created"),
        rows,
        pages,
        ctx.t("新建账号", "New account"),
        ctx.href("/console/accounts"),
        desk.csrf_field(),
        input(
            "name",
            ctx.t("账号", "Name"),
            field(posted, "name"),
            r#" required maxlength="64" autocomplete="off""#
        ),
        select("role", ctx.t("角色", "Role"), field(posted, "role"), &roles),
        input(
            "counties",
            ctx.t("县区代码", "County codes"),
            field(posted, "counties"),
            ""
        ),
        ctx.t(
            "县（区）分局人员必填，多个用逗号分隔",
            "For county officers; separate several with commas"
        ),
        input(
            "enterprises",
            ctx.t("企业编号", "Enterprise id"),
            field(posted, "enterprises"),
            ""
        ),
        ctx.t("企业用户必填，一个", "For enterprise users: exactly one"),
        temporary_field(desk),
        ctx.t("创建账号", "Create the account")
    );
    desk.page(status, ctx.t("账号管理", "Accounts"), body)
}

/// The labelled temporary-password field of the forms here.
fn temporary_field(desk: &Desk) -> Html {
    let ctx = &desk.ctx;
    html!(
        r#"<label for="temporary">{}</label><input id="temporary" name="temporary" type="password" autocomplete="new-password" required maxlength="128"><span class="hint">{}</span>"#,
        ctx.t("临时密码", "Temporary password"),
        ctx.t(
            "至少 12 个字符；请当面或通过安全渠道交给本人，首次登录时必须修改。",
            "At least 12 characters; hand it over in person or by a safe channel. It must be changed at the first sign-in."
        )
    )
}

fn list_of(text: &str) -> Vec<String> {
    text.split([',', '，', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub async fn create(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let desk = match open(&p, "/console/accounts", &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Err(r) = desk.check_csrf(&f) {
        return r;
    }
    let name = field(&f, "name").to_string();
    let result = async {
        let role = Role::parse(field(&f, "role"))?;
        let password = f.get("temporary").cloned().unwrap_or_default();
        let new = NewAccount {
            name: name.clone(),
            role,
            scopes: Scopes {
                counties: list_of(field(&f, "counties")),
                enterprises: list_of(field(&f, "enterprises")),
                reaches: Vec::new(),
            },
            password,
            must_change_password: true,
        };
        let actor = desk.who.actor();
        p.write(move |s| accounts::create_account(s, &actor, &new))
            .await
    }
    .await;
    match result {
        Ok(_) => desk.after_save(&format!("/console/accounts/{}", urlencode(&name))),
        Err(e) => {
            let notice = desk.problem(&e);
            render_list(&p, &desk, &q, notice, Desk::status_of(&e), &f).await
        }
    }
}

pub async fn one(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Path(name): Path<String>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/console/accounts/{}", urlencode(&name));
    let desk = match open(&p, &path, &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    render_one(&p, &desk, &name, desk.saved(&q), StatusCode::OK).await
}

async fn render_one(
    p: &App,
    desk: &Desk,
    name: &str,
    notice: Html,
    status: StatusCode,
) -> Response {
    let lookup = name.to_string();
    let account = match p
        .read_with(move |s| accounts::account_named(s, &lookup))
        .await
    {
        Ok(a) => a,
        Err(e) => return desk.fail(e),
    };
    let ctx = &desk.ctx;
    let path = ctx.href(&format!("/console/accounts/{}", urlencode(&account.name)));
    let toggle = if account.disabled {
        ("enable", ctx.t("重新启用", "Enable again"))
    } else {
        ("disable", ctx.t("停用账号", "Disable"))
    };
    let body = html!(
        r#"{0}<dl><dt>{1}</dt><dd>{2}</dd><dt>{3}</dt><dd>{4}</dd><dt>{5}</dt><dd id="state">{6}</dd><dt>{7}</dt><dd>{8}</dd><dt>{9}</dt><dd>{10}</dd></dl>
<form method="post" action="{11}">{12}<input type="hidden" name="do" value="{13}"><button type="submit">{14}</button></form>
<h2>{15}</h2><form method="post" action="{11}" class="fields">{12}<input type="hidden" name="do" value="reset">{17}<span></span><button type="submit">{15}</button></form>
<p class="muted">{16}</p>"#,
        notice,
        ctx.t("角色", "Role"),
        role_of(desk, &account),
        ctx.t("管辖范围", "Jurisdiction"),
        scope_of(desk, &account.scopes),
        ctx.t("状态", "State"),
        state_of(desk, &account),
        ctx.t("连续登录失败", "Failed sign-ins in a row"),
        account.failed_sign_ins,
        ctx.t("创建时间", "Created"),
        ctx.time(account.created_at),
        path,
        desk.csrf_field(),
        toggle.0,
        toggle.1,
        ctx.t("重置为临时密码", "Reset to a temporary password"),
        ctx.t(
            "账号不会被删除：停用后无法登录，其会话立即结束，审计记录中的名字保留。",
            "Accounts are never deleted: a disabled one cannot sign in, its sessions end at once, and the audit log keeps its name."
        ),
        temporary_field(desk)
    );
    desk.page(
        status,
        &format!("{} {}", ctx.t("账号", "Account"), account.name),
        body,
    )
}

pub async fn change(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Path(name): Path<String>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let path = format!("/console/accounts/{}", urlencode(&name));
    let desk = match open(&p, &path, &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Err(r) = desk.check_csrf(&f) {
        return r;
    }
    let actor = desk.who.actor();
    let target = name.clone();
    let result = match field(&f, "do") {
        "disable" | "enable" => {
            let disabled = field(&f, "do") == "disable";
            p.write(move |s| accounts::set_disabled(s, &actor, &target, disabled))
                .await
        }
        "reset" => {
            let temporary = f.get("temporary").cloned().unwrap_or_default();
            p.write(move |s| accounts::reset_password(s, &actor, &target, &temporary))
                .await
        }
        other => Err(platform::Error::invalid_both(
            format!("unknown account change {other:?} (disable, enable or reset)"),
            format!("未知的操作“{other}”"),
        )),
    };
    match result {
        Ok(()) => desk.after_save(&path),
        Err(e) => render_one(&p, &desk, &name, desk.problem(&e), Desk::status_of(&e)).await,
    }
}
