//! Registry changes through the API: sites and devices, each change (and each refused attempt) audited.
//!
//! Bodies are read strictly, as the OpenAPI document describes them: an optional field is either absent
//! or a value of its type (`null` is refused), and an integer may be written `365` or `365.0`, as JSON
//! Schema counts both as integers.

use super::{AppState, body, site_json};
use crate::ApiError;
use crate::App;
use axum::Extension;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::response::{IntoResponse, Response};
use platform::accounts::{Action, Principal, Target};
use platform::registry;
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
    Extension(who): Extension<Principal>,
    b: Result<Json<SiteInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    let subject = b.as_ref().map_or(UNREADABLE.into(), |Json(i)| i.id.clone());
    let result = register_site(&p, &who, b).await;
    refused_if_err(&p, &who, "upsert_site", subject, result).await
}

/// Whether `who` may change the site `id` as it is now (if it exists) and as it would become.
async fn may_change_site(
    p: &App,
    who: &Principal,
    id: &str,
    after: Target<'_>,
) -> Result<(), ApiError> {
    who.require(Action::RegistryWrite, after)?;
    let lookup = id.to_string();
    if let Some(now) = p.read(move |s| s.site(&lookup)).await? {
        who.require(Action::RegistryWrite, Target::site(&now))?;
    }
    Ok(())
}

async fn register_site(
    p: &App,
    who: &Principal,
    b: Result<Json<SiteInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    who.require(Action::RegistryWrite, Target::Any)?;
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
    let target = Target::site(&site);
    may_change_site(p, who, &site.id, target).await?;
    let out = site_json(&site);
    let actor = who.actor();
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
    who: &Principal,
    action: &'static str,
    subject: String,
    result: Result<T, ApiError>,
) -> Result<T, ApiError> {
    let Err(e) = result else {
        return result;
    };
    let who = who.actor();
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
    Extension(who): Extension<Principal>,
) -> Result<Json<Json_>, ApiError> {
    // The MNs are half of what forging a device's data takes: staff only, each their jurisdiction's.
    who.require(Action::RegistryRead, Target::Any)?;
    let (devices, sites) = p.read(|s| Ok((s.devices()?, s.sites()?))).await?;
    let visible: Vec<_> = devices
        .iter()
        .filter(|d| {
            let site = sites.iter().find(|s| s.id == d.site_id);
            who.may(
                Action::RegistryRead,
                Target::Site {
                    county: site.and_then(|s| s.county.as_deref()),
                    enterprise: site.and_then(|s| s.enterprise_id.as_deref()),
                },
            )
        })
        .map(device_json)
        .collect();
    Ok(Json(json!({ "devices": visible })))
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
    Extension(who): Extension<Principal>,
    b: Result<Json<DeviceInput>, JsonRejection>,
) -> Result<Json<Json_>, ApiError> {
    let subject = b.as_ref().map_or(UNREADABLE.into(), |Json(i)| i.mn.clone());
    let result = register_device(&p, &who, b).await;
    refused_if_err(&p, &who, "upsert_device", subject, result).await
}

async fn register_device(
    p: &App,
    who: &Principal,
    b: Result<Json<DeviceInput>, JsonRejection>,
) -> Result<Json<Json_>, ApiError> {
    who.require(Action::RegistryWrite, Target::Any)?;
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
    // The device's site (a missing one is the registry's 404), and the device's current site if it moves.
    let (site, current) = {
        let (site_id, mn) = (device.site_id.clone(), device.mn.clone());
        p.read(move |s| {
            let current = s.devices()?.into_iter().find(|d| d.mn == mn);
            let current = match current {
                Some(d) => s.site(&d.site_id)?,
                None => None,
            };
            Ok((s.site(&site_id)?, current))
        })
        .await?
    };
    for s in site.iter().chain(current.iter()) {
        who.require(Action::RegistryWrite, Target::site(s))?;
    }
    let out = device_json(&device);
    let actor = who.actor();
    let key = p.device_key.clone();
    p.modify(move |s| registry::register_device(s, &actor, &device, &key))
        .await?;
    Ok(Json(out))
}
