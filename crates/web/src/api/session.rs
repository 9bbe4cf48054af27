//! Signing in and out over the API, and one's own password: a session cookie (`HttpOnly`,
//! `SameSite=Lax`, `Secure` over TLS or behind a proxy that says so) for the console and scripts that
//! prefer a session to a token. A request that changes state with a session cookie must carry the
//! session's CSRF token in `X-CSRF-Token` (checked in `auth::identify`).

use super::{AppState, body};
use crate::ApiError;
use crate::auth::{count_sign_in_failure, session_cookie};
use axum::Extension;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use platform::accounts::{self, Action, Principal, Target};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
pub(super) struct SignIn {
    name: String,
    password: String,
}

/// `POST /api/v1/session`: signs in; answers who is signed in and the session's CSRF token.
pub(super) async fn sign_in(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    b: Result<Json<SignIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let i = body(b)?;
    let address = who.address.clone();
    let result = p
        .write(move |s| accounts::sign_in(s, &i.name, &i.password, &address))
        .await;
    let signed = match result {
        Ok(s) => s,
        Err(e) => {
            count_sign_in_failure(&p, &e);
            return Err(e.into());
        }
    };
    let mut answer = Json(json!({
        "name": signed.account.name,
        "role": signed.account.role,
        "must_change_password": signed.account.must_change_password,
        "csrf_token": accounts::csrf_token(&signed.secret),
    }))
    .into_response();
    answer.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(&signed.secret.0, p.settings.sessions.max_s, &headers),
    );
    Ok(answer)
}

/// `DELETE /api/v1/session`: signs out (this session only).
pub(super) async fn sign_out(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    who.require(Action::OwnAccount, Target::Any)?;
    p.write(move |s| accounts::sign_out(s, &who)).await?;
    let mut answer = Json(json!({"signed_out": true})).into_response();
    answer
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie("", 0, &headers));
    Ok(answer)
}

#[derive(Deserialize)]
pub(super) struct NewPassword {
    current: String,
    new: String,
}

/// `POST /api/v1/account/password`: changes one's own password; other sessions end.
pub(super) async fn change_password(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    b: Result<Json<NewPassword>, JsonRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    who.require(Action::OwnAccount, Target::Any)?;
    let i = body(b)?;
    p.write(move |s| accounts::change_password(s, &who, &i.current, &i.new))
        .await?;
    Ok(Json(json!({"changed": true})))
}
