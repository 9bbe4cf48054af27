//! Who is asking. Every API request carries a [`Principal`]: the holder of an API token or of the
//! bootstrap `admin_token` (`Authorization: Bearer …`), the person of a session cookie, or the anonymous
//! public. Handlers ask the principal ([`Principal::require`]) through the one permission table of
//! `platform::accounts::permissions`; nothing else decides who may do what.

use crate::client::Client;
use crate::{ApiError, App};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use platform::accounts::{self, Principal, SessionSecret, Who};
use std::sync::Arc;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "qs_session";

/// Puts the request's [`Principal`] in its extensions; a bearer token that is not valid is a 401.
pub async fn identify(State(app): State<Arc<App>>, mut req: Request, next: Next) -> Response {
    let client = req
        .extensions()
        .get::<Client>()
        .cloned()
        .expect("server::frame_request runs first");
    match principal(&app, &client, req.headers()).await {
        Ok(p) => {
            if let Err(e) = check_csrf(&p, &req) {
                return e.into_response();
            }
            req.extensions_mut().insert(p);
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
}

/// Like [`identify`] for the console's pages: its forms carry the CSRF token as a field, which each
/// handler that changes state checks; an invalid token or cookie is simply nobody signed in.
pub async fn identify_console(
    State(app): State<Arc<App>>,
    mut req: Request,
    next: Next,
) -> Response {
    let client = req
        .extensions()
        .get::<Client>()
        .cloned()
        .expect("server::frame_request runs first");
    let p = match principal(&app, &client, req.headers()).await {
        Ok(p) => p,
        Err(_) => Principal::anonymous(client.ip.to_string()),
    };
    req.extensions_mut().insert(p);
    next.run(req).await
}

/// Keeps the record of what someone signed in (a session or a token) asked for: every request goes to the
/// access log (who, from where, method, path without its query, status), and every 403 to the audit log
/// as a permission refusal. Runs inside [`identify`] / [`identify_console`].
pub async fn keep_record(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let who = req
        .extensions()
        .get::<Principal>()
        .cloned()
        .filter(|w| w.role().is_some());
    let (method, path) = (req.method().to_string(), req.uri().path().to_string());
    let asked = format!("{method} {path}");
    let answer = next.run(req).await;
    let Some(who) = who else {
        return answer;
    };
    app.access_log.record(store::AccessEntry {
        id: 0,
        at: jiff::Timestamp::now().as_second(),
        actor: who.actor().as_str().to_string(),
        address: who.address.clone(),
        method,
        path,
        status: answer.status().as_u16(),
    });
    if answer.status() == axum::http::StatusCode::FORBIDDEN {
        let actor = who.actor();
        let written = app
            .write(move |s| {
                platform::registry::audit_refused(s, &actor, "access", &asked, "403 forbidden")
            })
            .await;
        if let Err(e) = written {
            tracing::warn!(error = %e, "could not audit a permission refusal");
        }
    }
    answer
}

/// A request that changes state on the strength of a session cookie must carry the session's CSRF token
/// in `X-CSRF-Token`: another site can make a browser send the cookie, never the token. (Tokens in
/// `Authorization` are not sent by browsers on their own, so they need none.)
fn check_csrf(p: &Principal, req: &Request) -> Result<(), ApiError> {
    let safe = matches!(req.method().as_str(), "GET" | "HEAD" | "OPTIONS");
    if safe
        || !matches!(
            &p.who,
            Who::Account {
                credential: accounts::Credential::Session(_),
                ..
            }
        )
    {
        return Ok(());
    }
    let secret = cookie(req.headers(), SESSION_COOKIE).unwrap_or_default();
    let expected = accounts::csrf_token(&SessionSecret(secret.to_string()));
    let given = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if same(given, &expected) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "this change needs the session's CSRF token in X-CSRF-Token",
        ))
    }
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The `Set-Cookie` value of a session (`""` with max age 0 clears it): `HttpOnly`, `SameSite=Lax`,
/// and `Secure` when the client reached us over TLS (a trusted proxy says so in `X-Forwarded-Proto`).
pub fn session_cookie(value: &str, max_age: i64, headers: &HeaderMap) -> axum::http::HeaderValue {
    let secure = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    axum::http::HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    ))
    .expect("a cookie of hexadecimal characters")
}

/// Counts a failed sign-in (and a refusal because the account is locked) in the metrics.
pub fn count_sign_in_failure(app: &App, e: &platform::Error) {
    use std::sync::atomic::Ordering::Relaxed;
    app.metrics.sign_in_failures.fetch_add(1, Relaxed);
    if matches!(e, platform::Error::Locked { .. }) {
        app.metrics.account_lockouts.fetch_add(1, Relaxed);
    }
}

/// The value of cookie `name`, if sent.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

async fn principal(app: &App, client: &Client, headers: &HeaderMap) -> Result<Principal, ApiError> {
    let address = client.ip.to_string();
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let given = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::unauthenticated("Authorization must be `Bearer <token>`"))?;
        if app
            .settings
            .admin_token
            .as_deref()
            .is_some_and(|t| same(t, given))
        {
            return Ok(Principal {
                who: Who::Bootstrap,
                address,
            });
        }
        let (token, at) = (given.to_string(), address.clone());
        let found = app
            .read_with(move |s| accounts::token_principal(s, &token, &at))
            .await?;
        let Some((principal, stale)) = found else {
            return Err(ApiError::unauthenticated(
                "the token is not valid (unknown, expired or revoked)",
            ));
        };
        touch_if(app, &principal, stale).await;
        return Ok(principal);
    }
    if let Some(secret) = cookie(headers, SESSION_COOKIE) {
        let (secret, at, policy) = (
            SessionSecret(secret.to_string()),
            address.clone(),
            app.settings.sessions,
        );
        let live = app
            .read_with(move |s| accounts::session_principal(s, &secret, &at, policy))
            .await?;
        if let Some(live) = live {
            touch_if(app, &live.principal, live.stale).await;
            return Ok(live.principal);
        }
    }
    Ok(Principal::anonymous(address))
}

/// Marks a session or token used (a failure is logged: it must not refuse the request).
async fn touch_if(app: &App, principal: &Principal, stale: bool) {
    if stale {
        let p = principal.clone();
        if let Err(e) = app.write(move |s| accounts::touch(s, &p)).await {
            tracing::warn!(error = %e, "could not mark a session or token used");
        }
    }
}
