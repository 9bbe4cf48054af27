//! Registry changes through the API: sites and devices, each change (and each refused attempt) audited.
//!
//! Bodies are read strictly, as the OpenAPI document describes them: an optional field is either absent
//! or a value of its type (`null` is refused), and an integer may be written `365` or `365.0`, as JSON
//! Schema counts both as integers.

use super::{AppState, body, require_admin, require_staff, site_json};
use crate::ApiError;
use crate::App;
use crate::client::Client;
use axum::Extension;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use platform::{Platform, registry};
use serde::{Deserialize, Deserializer};
use serde_json::{Value as Json_, json};
use store::Device;

/// An optional field that, when present, must hold a value (`"lon": null` is refused, not read as absent).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A whole number that fits in `u32`, written as an integer (`365`) or a float with no fraction (`365.0`).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Whole(u32);

impl<'de> Deserialize<'de> for Whole {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = serde_json::Number::deserialize(d)?;
        let whole = match (n.as_u64(), n.as_f64()) {
            (Some(u), _) => u32::try_from(u).ok(),
            (None, Some(f)) if f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&f) => {
                Some(f as u32)
            }
            _ => None,
        };
        whole.map(Whole).ok_or_else(|| {
            serde::de::Error::custom(format!("{n} is not a whole number from 0 to {}", u32::MAX))
        })
    }
}

/// Who made an API change, for the audit log: the token holder, or the loopback operator, and from where.
fn actor(p: &Platform, client: &Client) -> registry::Actor {
    let who = if p.settings.admin_token.is_some() {
        "admin-token"
    } else {
        "loopback"
    };
    registry::Actor::new(format!("api:{who}@{}", client.ip))
}

/// A site as posted to `/sites`.
#[derive(Deserialize)]
pub(super) struct SiteInput {
    id: String,
    name: String,
    kind: String,
    #[serde(default, deserialize_with = "present")]
    county: Option<String>,
    #[serde(default, deserialize_with = "present")]
    lon: Option<f64>,
    #[serde(default, deserialize_with = "present")]
    lat: Option<f64>,
    #[serde(default, deserialize_with = "present")]
    enterprise_id: Option<String>,
    #[serde(default, deserialize_with = "present")]
    emission_standard: Option<String>,
    #[serde(default)]
    simulated: bool,
}

pub(super) async fn put_site(
    State(p): AppState,
    Extension(client): Extension<Client>,
    headers: HeaderMap,
    b: Result<Json<SiteInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    let subject = b.as_ref().map_or(UNREADABLE.into(), |Json(i)| i.id.clone());
    let result = register_site(&p, &client, &headers, b).await;
    refused_if_err(&p, &client, "upsert_site", subject, result).await
}

async fn register_site(
    p: &App,
    client: &Client,
    headers: &HeaderMap,
    b: Result<Json<SiteInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    require_admin(p, client, headers)?;
    let i = body(b)?;
    let site = registry::SiteInput {
        id: i.id,
        name: i.name,
        kind: i.kind,
        county: i.county,
        lon: i.lon,
        lat: i.lat,
        enterprise_id: i.enterprise_id,
        emission_standard: i.emission_standard,
        simulated: i.simulated,
    }
    .validate()?;
    let out = site_json(&site);
    let actor = actor(p, client);
    p.modify(move |s| registry::register_site(s, &actor, &site))
        .await?;
    Ok((axum::http::StatusCode::OK, Json(out)).into_response())
}

/// The subject of a refused change whose body could not be read.
const UNREADABLE: &str = "(unreadable body)";

/// Audits a refused registry change in its own transaction (best effort: failing to record it is logged,
/// and the caller still gets the refusal).
async fn refused_if_err<T>(
    p: &App,
    client: &Client,
    action: &'static str,
    subject: String,
    result: Result<T, ApiError>,
) -> Result<T, ApiError> {
    let Err(e) = result else {
        return result;
    };
    let who = if e.status == axum::http::StatusCode::FORBIDDEN {
        registry::Actor::new(format!("api:unauthorised@{}", client.ip))
    } else {
        actor(p, client)
    };
    let reason = format!("{} {}", e.status.as_u16(), e.message);
    if let Err(failed) = p
        .modify(move |s| registry::audit_refused(s, &who, action, &subject, &reason))
        .await
    {
        tracing::warn!(error = %failed, "could not audit a refused change");
    }
    Err(e)
}

fn device_json(d: &Device) -> Json_ {
    // The password is never shown.
    json!({"mn": d.mn, "site_id": d.site_id, "protocol": d.protocol, "crc_policy": d.crc_policy.code(),
           "realtime_interval_s": d.realtime_interval_s, "minute_interval_min": d.minute_interval_min})
}

pub(super) async fn list_devices(
    State(p): AppState,
    Extension(client): Extension<Client>,
    headers: HeaderMap,
) -> Result<Json<Json_>, ApiError> {
    // The MNs are half of what forging a device's data takes: staff only.
    require_staff(&p, &client, &headers)?;
    let devices = p.read(|s| s.devices()).await?;
    Ok(Json(
        json!({ "devices": devices.iter().map(device_json).collect::<Vec<_>>() }),
    ))
}

/// A device as posted to `/devices`.
#[derive(Deserialize)]
pub(super) struct DeviceInput {
    mn: String,
    password: String,
    site_id: String,
    #[serde(default, deserialize_with = "present")]
    protocol: Option<String>,
    #[serde(default, deserialize_with = "present")]
    crc_policy: Option<String>,
    #[serde(default, deserialize_with = "present")]
    realtime_interval_s: Option<Whole>,
    #[serde(default, deserialize_with = "present")]
    minute_interval_min: Option<Whole>,
}

pub(super) async fn put_device(
    State(p): AppState,
    Extension(client): Extension<Client>,
    headers: HeaderMap,
    b: Result<Json<DeviceInput>, JsonRejection>,
) -> Result<Json<Json_>, ApiError> {
    let subject = b.as_ref().map_or(UNREADABLE.into(), |Json(i)| i.mn.clone());
    let result = register_device(&p, &client, &headers, b).await;
    refused_if_err(&p, &client, "upsert_device", subject, result).await
}

async fn register_device(
    p: &App,
    client: &Client,
    headers: &HeaderMap,
    b: Result<Json<DeviceInput>, JsonRejection>,
) -> Result<Json<Json_>, ApiError> {
    require_admin(p, client, headers)?;
    let i = body(b)?;
    let device = registry::DeviceInput {
        mn: i.mn,
        password: i.password,
        site_id: i.site_id,
        protocol: i.protocol,
        crc_policy: i.crc_policy,
        realtime_interval_s: i.realtime_interval_s.map(|w| w.0),
        minute_interval_min: i.minute_interval_min.map(|w| w.0),
    }
    .validate()?;
    let out = device_json(&device);
    let actor = actor(p, client);
    let key = p.device_key.clone();
    p.modify(move |s| registry::register_device(s, &actor, &device, &key))
        .await?;
    Ok(Json(out))
}
