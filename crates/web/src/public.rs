//! The open data API under `/api/v1/public/`: stations, latest values, hourly and daily series, AQI, water
//! classes and the quarterly drinking-water bulletin, as JSON or CSV (`?format=csv`), paged
//! (`page`, `per_page`), and rate limited per client address with the IETF `RateLimit-*` headers (also on
//! the 429, which adds `Retry-After`).
//!
//! Every figure comes from `crate::web::data`, i.e. from the standards engine, as on the portal's pages.

use crate::ApiError;
use crate::App;
use axum::Router;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;
use platform::PortalSettings;
use platform::figures::{self as data, AIR_PARAMS};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use store::{Period, SiteKind};

type Q = Query<HashMap<String, String>>;
type AppState = State<Arc<App>>;

/// Rows per page when `per_page` is not given, and the most a page may hold.
pub const DEFAULT_PER_PAGE: usize = 100;
pub const MAX_PER_PAGE: usize = 5000;
/// The longest time range one request may cover.
pub const MAX_RANGE_S: i64 = 366 * 86400;

/// Requests allowed per client address per window: settings `portal.public_rate_limit` and
/// `portal.public_rate_window_s` (default 300 per 60 s).
#[derive(Debug, Clone, Copy)]
pub struct RateConfig {
    pub limit: u32,
    pub window: Duration,
}

impl RateConfig {
    /// The portal settings' limit; a zero limit or window falls back to the default rather than
    /// disabling the limit.
    pub fn from_settings(s: &PortalSettings) -> RateConfig {
        let default = PortalSettings::default();
        RateConfig {
            limit: if s.public_rate_limit > 0 {
                s.public_rate_limit
            } else {
                default.public_rate_limit
            },
            window: if s.public_rate_window.is_zero() {
                default.public_rate_window
            } else {
                s.public_rate_window
            },
        }
    }
}

/// A fixed-window counter per client address.
pub struct RateLimiter {
    config: RateConfig,
    clients: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

/// The outcome of one request against the limiter.
#[derive(Debug, Clone, Copy)]
pub struct RateDecision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the window resets.
    pub reset: u64,
}

impl RateLimiter {
    pub fn new(config: RateConfig) -> RateLimiter {
        RateLimiter {
            config,
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request from `ip` now.
    pub fn check(&self, ip: IpAddr) -> RateDecision {
        let now = Instant::now();
        let window = self.config.window;
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if clients.len() > 100_000 {
            clients.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = clients.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        let allowed = entry.1 < self.config.limit;
        if allowed {
            entry.1 += 1;
        }
        let elapsed = now.duration_since(entry.0);
        let reset = (window.saturating_sub(elapsed).as_millis() as u64)
            .div_ceil(1000)
            .max(1);
        RateDecision {
            allowed,
            limit: self.config.limit,
            remaining: self.config.limit - entry.1.min(self.config.limit),
            reset,
        }
    }
}

fn set_rate_headers(resp: &mut Response, d: &RateDecision) {
    let h = resp.headers_mut();
    for (name, value) in [
        ("ratelimit-limit", d.limit as u64),
        ("ratelimit-remaining", d.remaining as u64),
        ("ratelimit-reset", d.reset),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
            h.insert(name, v);
        }
    }
    if !d.allowed
        && let Ok(v) = HeaderValue::from_str(&d.reset.to_string())
    {
        h.insert(header::RETRY_AFTER, v);
    }
}

async fn rate_limit(State(limiter): State<Arc<RateLimiter>>, req: Request, next: Next) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let d = limiter.check(ip);
    let mut resp = if d.allowed {
        next.run(req).await
    } else {
        ApiError {
            status: StatusCode::TOO_MANY_REQUESTS,
            message: format!(
                "rate limit of {} requests per {} s exceeded; retry after {} s",
                d.limit,
                limiter.config.window.as_secs(),
                d.reset
            ),
        }
        .into_response()
    };
    set_rate_headers(&mut resp, &d);
    // Open data: any web page may read it (GET only, no credentials).
    resp.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    resp.headers_mut().insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After, X-Total-Count, Link"),
    );
    resp
}

/// The open data API's routes, rate limited by `settings`.
pub fn routes(settings: &PortalSettings) -> Router<Arc<App>> {
    let limiter = Arc::new(RateLimiter::new(RateConfig::from_settings(settings)));
    Router::new()
        .route("/stations", get(stations))
        .route("/stations/{site}/latest", get(latest))
        .route(
            "/stations/{site}/hourly",
            get(|s, p, q| series(s, p, q, Period::Hour)),
        )
        .route(
            "/stations/{site}/daily",
            get(|s, p, q| series(s, p, q, Period::Day)),
        )
        .route("/stations/{site}/aqi", get(station_aqi))
        .route("/aqi", get(city_aqi))
        .route("/water/classes", get(water_classes))
        .route("/bulletins/drinking-water", get(bulletin))
        .layer(axum::middleware::from_fn_with_state(limiter, rate_limit))
}

// ---------------------------------------------------------------------------------------------------------
// Tables answered as JSON or CSV, paged.

/// Rows with named columns: the one shape every endpoint answers, so JSON and CSV always agree.
struct Table {
    columns: Vec<&'static str>,
    rows: Vec<Vec<Value>>,
}

impl Table {
    fn new(columns: &[&'static str]) -> Table {
        Table {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }
}

fn csv_cell(v: &Value) -> String {
    let s = match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    platform::csv_out::field(&s)
}

fn paged(
    q: &HashMap<String, String>,
    path: &str,
    table: Table,
    extra: Option<Value>,
) -> Result<Response, ApiError> {
    let page: usize = match q.get("page") {
        Some(p) => p.parse().ok().filter(|&p| p >= 1).ok_or_else(|| {
            ApiError::bad_request(format!("page={p:?} is not a page number (1, 2, ...)"))
        })?,
        None => 1,
    };
    let per_page: usize = match q.get("per_page") {
        Some(p) => p
            .parse()
            .ok()
            .filter(|&p| (1..=MAX_PER_PAGE).contains(&p))
            .ok_or_else(|| {
                ApiError::bad_request(format!("per_page={p:?} must be 1..={MAX_PER_PAGE}"))
            })?,
        None => DEFAULT_PER_PAGE,
    };
    let total = table.rows.len();
    let start = (page - 1).saturating_mul(per_page).min(total);
    let end = (start + per_page).min(total);
    let next = (end < total).then(|| {
        let mut keep: Vec<String> = q
            .iter()
            .filter(|(k, _)| k.as_str() != "page")
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    crate::portal::urlencode(k),
                    crate::portal::urlencode(v)
                )
            })
            .collect();
        keep.sort();
        keep.push(format!("page={}", page + 1));
        format!("/api/v1/public{path}?{}", keep.join("&"))
    });
    let format = q.get("format").map(String::as_str).unwrap_or("json");
    let mut resp = match format {
        "csv" => {
            let mut out = table.columns.join(",");
            out.push_str("\r\n");
            for r in &table.rows[start..end] {
                out.push_str(&r.iter().map(csv_cell).collect::<Vec<_>>().join(","));
                out.push_str("\r\n");
            }
            ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response()
        }
        "json" => {
            let data: Vec<Value> = table.rows[start..end]
                .iter()
                .map(|r| {
                    Value::Object(
                        table
                            .columns
                            .iter()
                            .map(|c| c.to_string())
                            .zip(r.iter().cloned())
                            .collect::<Map<_, _>>(),
                    )
                })
                .collect();
            let mut body = json!({"data": data, "page": page, "per_page": per_page, "total": total, "next": next});
            if let Some(Value::Object(m)) = extra {
                for (k, v) in m {
                    body[k] = v;
                }
            }
            axum::Json(body).into_response()
        }
        other => {
            return Err(ApiError::bad_request(format!(
                "format={other:?}: use json or csv"
            )));
        }
    };
    if let Ok(v) = HeaderValue::from_str(&total.to_string()) {
        resp.headers_mut().insert("x-total-count", v);
    }
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    if let Some(n) = next
        && let Ok(v) = HeaderValue::from_str(&format!("<{n}>; rel=\"next\""))
    {
        resp.headers_mut().insert(header::LINK, v);
    }
    Ok(resp)
}

fn time_param(q: &HashMap<String, String>, name: &str, default: i64) -> Result<i64, ApiError> {
    match q.get(name) {
        None => Ok(default),
        Some(t) => t
            .parse::<Timestamp>()
            .map(|ts| ts.as_second())
            .map_err(|e| {
                ApiError::bad_request(format!(
                    "{name}={t:?} is not an RFC 3339 time (e.g. 2026-11-28T08:00:00+08:00): {e}"
                ))
            }),
    }
}

fn range(q: &HashMap<String, String>, default_span: i64) -> Result<(i64, i64), ApiError> {
    let to = time_param(q, "to", Timestamp::now().as_second())?;
    let from = time_param(q, "from", to - default_span)?;
    if from >= to {
        return Err(ApiError::bad_request("from must be before to"));
    }
    if to - from > MAX_RANGE_S {
        return Err(ApiError::bad_request(
            "the range may cover at most 366 days; page through longer spans",
        ));
    }
    Ok((from, to))
}

fn t(p: &App, unix: i64) -> Value {
    Value::String(super::api::local_time(p, unix))
}

fn num(v: f64) -> Value {
    serde_json::Number::from_f64(v)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

fn dec(v: standards::Decimal) -> Value {
    num(v.to_f64())
}

fn text(s: impl Into<String>) -> Value {
    Value::String(s.into())
}

// ---------------------------------------------------------------------------------------------------------
// Endpoints.

/// The HJ 212 codes a site of this kind measures (for device values without a rollup).
fn kind_params(kind: SiteKind) -> Vec<String> {
    let codes: Vec<&str> = match kind {
        SiteKind::AirStation => AIR_PARAMS.iter().map(|(c, _)| *c).collect(),
        SiteKind::WaterSection | SiteKind::DrinkingWaterSource => {
            let mut c: Vec<&str> = data::water_params().iter().map(|(c, _)| *c).collect();
            c.push(data::FLOW_PARAM);
            c
        }
        SiteKind::FlueGasOutlet => data::FLUE_PARAMS.iter().map(|p| p.code).collect(),
        SiteKind::WastewaterOutlet => data::WASTEWATER_PARAMS.iter().map(|p| p.code).collect(),
        _ => Vec::new(),
    };
    codes.into_iter().map(String::from).collect()
}

async fn stations(State(p): AppState, Query(q): Q) -> Result<Response, ApiError> {
    let kind = match q.get("kind") {
        Some(k) => Some(
            k.parse::<SiteKind>()
                .map_err(|e| ApiError::bad_request(e.to_string()))?,
        ),
        None => None,
    };
    let sites = p.read(|s| s.sites()).await?;
    let mut table = Table::new(&[
        "id",
        "name",
        "kind",
        "county",
        "lon",
        "lat",
        "enterprise_id",
        "simulated",
    ]);
    for s in sites
        .into_iter()
        .filter(|s| kind.is_none_or(|k| s.kind == k))
    {
        table.rows.push(vec![
            text(s.id),
            text(s.name),
            text(s.kind.code()),
            json!(s.county),
            json!(s.lon),
            json!(s.lat),
            json!(s.enterprise_id),
            json!(s.simulated),
        ]);
    }
    paged(&q, "/stations", table, None)
}

fn no_data_json(p: &App, n: &Option<data::NoData>) -> Value {
    match n {
        None => Value::Null,
        Some(data::NoData::NoDevice) => json!({"cause": "no_device"}),
        Some(data::NoData::NeverReceived) => json!({"cause": "never_received"}),
        Some(data::NoData::Stale { last }) => json!({"cause": "stale", "last": t(p, *last)}),
        Some(data::NoData::Invalid { hour }) => json!({"cause": "invalid", "hour": t(p, *hour)}),
    }
}

fn aqi_json(r: &standards::aqi::AqiReport) -> Value {
    json!({
        "aqi": r.aqi,
        "level": r.level().map(|l| l.number()),
        "category_zh": r.level().map(|l| l.category_zh()),
        "category_en": r.level().map(|l| l.category_en()),
        "colour": r.level().map(|l| l.colour().hex),
        "primary": r.primary.iter().map(|i| i.label()).collect::<Vec<_>>(),
        "standard": r.version.name(),
    })
}

async fn latest(State(p): AppState, Path(site): Path<String>) -> Result<Response, ApiError> {
    let pp = p.clone();
    let answer = p
        .read(move |store| {
            let now = Timestamp::now().as_second();
            let Some(s) = store.site(&site)? else { return Ok(None) };
            let head = json!({"id": s.id, "name": s.name, "kind": s.kind.code(), "simulated": s.simulated});
            let body = match s.kind {
                SiteKind::AirStation => {
                    let a = data::air_now(store, &pp.tz, now)?.into_iter().find(|a| a.site.id == s.id);
                    a.map(|a| {
                        let values: Map<String, Value> = AIR_PARAMS
                            .iter()
                            .map(|(code, pol)| (code.to_string(), json!({"pollutant": pol.symbol(), "unit": pol.unit().symbol(), "value": data::reading(&a.readings, *pol).map(|c| dec(c.value()))})))
                            .collect();
                        json!({"hour": a.hour.map(|h| t(&pp, h)), "aqi": a.report.as_ref().map(aqi_json), "values": values, "no_data": no_data_json(&pp, &a.no_data)})
                    })
                }
                SiteKind::WaterSection | SiteKind::DrinkingWaterSource => {
                    let w = data::water_now(store, now)?.into_iter().find(|w| w.site.id == s.id);
                    w.map(|w| water_json(&pp, &w))
                }
                SiteKind::FlueGasOutlet | SiteKind::WastewaterOutlet => {
                    let o = data::emitters_now(store, &pp.tz, now)?
                        .into_iter()
                        .flat_map(|e| e.outlets)
                        .find(|o| o.site.id == s.id);
                    o.map(|o| {
                        let values: Vec<Value> = o
                            .values
                            .iter()
                            .map(|v| {
                                json!({
                                    "param": v.param.code, "name": v.param.name_en, "unit": v.param.unit,
                                    "measured": v.latest.map(|j| num(j.measured)),
                                    "o2_corrected": v.latest.and_then(|j| j.corrected).map(num),
                                    "limit": v.limit.map(|l| match l.limit { standards::emissions::Limit::AtMost(x) => dec(x), _ => Value::Null }),
                                    "reference_o2": v.limit.and_then(|l| l.reference_o2).map(dec),
                                    "standard": v.limit.map(|l| l.standard),
                                    "exceeds": v.latest.and_then(|j| j.verdict).map(|x| x.exceeds()),
                                    "exceedance_hours_this_month": v.exceedance_hours,
                                    "valid_hours_this_month": v.valid_hours,
                                })
                            })
                            .collect();
                        json!({"hour": o.hour.map(|h| t(&pp, h)), "hours_elapsed_this_month": o.hours_elapsed,
                               "preliminary": !(o.preliminary.1 > 0 && o.preliminary.0 == 0),
                               "values": values, "no_data": no_data_json(&pp, &o.no_data)})
                    })
                }
                _ => None,
            };
            let mut out = head;
            if let Some(Value::Object(m)) = body {
                for (k, v) in m {
                    out[k] = v;
                }
            }
            Ok(Some(out))
        })
        .await?;
    match answer {
        Some(v) => Ok(axum::Json(v).into_response()),
        None => Err(ApiError::not_found("no such station")),
    }
}

fn water_json(p: &App, w: &data::WaterNow) -> Value {
    json!({
        "hour": w.hour.map(|h| t(p, h)),
        "class": w.evaluation.as_ref().map(|e| e.class.label()),
        "limiting": w.evaluation.as_ref().map(|e| e.limiting().iter().map(|r| json!({"parameter": r.parameter.short_name(), "value": dec(r.value), "exceedance_multiple": r.exceedance.map(dec)})).collect::<Vec<_>>()),
        "drinking_compliant": w.drinking.as_ref().map(|c| c.compliant()),
        "values": w.sample.iter().map(|(p, v)| (p.short_name().to_string(), dec(*v))).collect::<Map<_, _>>(),
        "no_data": no_data_json(p, &w.no_data),
    })
}

async fn series(
    State(p): AppState,
    Path(site): Path<String>,
    Query(q): Q,
    period: Period,
) -> Result<Response, ApiError> {
    let span = if period == Period::Hour {
        86400
    } else {
        30 * 86400
    };
    let (from, to) = range(&q, span)?;
    let param = q.get("param").cloned();
    let site_id = site.clone();
    let pp = p.clone();
    let table = p
        .read(move |store| {
            let Some(s) = store.site(&site)? else {
                return Ok(None);
            };
            let rows = store.site_rollups(&site, period, from, to)?;
            let mut table = Table::new(&[
                "time",
                "param",
                "mean",
                "min",
                "max",
                "count",
                "valid_count",
                "valid",
                "source",
            ]);
            // (time, param) → row, so the device's own values fill in where no rollup exists.
            let mut out: std::collections::BTreeMap<(i64, String), Vec<Value>> = Default::default();
            for r in rows
                .into_iter()
                .filter(|r| param.as_ref().is_none_or(|p| &r.param == p))
            {
                out.insert(
                    (r.time, r.param.clone()),
                    vec![
                        t(&pp, r.time),
                        text(r.param),
                        r.mean.map(num).unwrap_or(Value::Null),
                        r.min.map(num).unwrap_or(Value::Null),
                        r.max.map(num).unwrap_or(Value::Null),
                        json!(r.count),
                        json!(r.valid_count),
                        json!(r.valid),
                        text("rollup"),
                    ],
                );
            }
            // The device's own hourly (CN 2061) or daily (CN 2031) values, for the parameters asked for
            // or those the site's kind measures.
            let interval = if period == Period::Hour {
                store::Interval::Hour
            } else {
                store::Interval::Day
            };
            let codes: Vec<String> = match &param {
                Some(p) => vec![p.clone()],
                None => kind_params(s.kind),
            };
            for code in &codes {
                for v in store.series(&site, code, interval, from, to)? {
                    out.entry((v.time, code.clone())).or_insert_with(|| {
                        vec![
                            t(&pp, v.time),
                            text(code.clone()),
                            v.value.map(num).unwrap_or(Value::Null),
                            v.min.map(num).unwrap_or(Value::Null),
                            v.max.map(num).unwrap_or(Value::Null),
                            Value::Null,
                            Value::Null,
                            json!(platform::series::rollups::flag_is_valid(v.flag.as_deref())),
                            text("device"),
                        ]
                    });
                }
            }
            table.rows = out.into_values().collect();
            Ok(Some(table))
        })
        .await?
        .ok_or_else(|| ApiError::not_found("no such station"))?;
    let path = if period == Period::Hour {
        "hourly"
    } else {
        "daily"
    };
    paged(&q, &format!("/stations/{site_id}/{path}"), table, None)
}

async fn station_aqi(
    State(p): AppState,
    Path(site): Path<String>,
    Query(q): Q,
) -> Result<Response, ApiError> {
    let daily = match q.get("period").map(String::as_str) {
        None | Some("hour") => false,
        Some("day") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "period={other:?}: use hour or day"
            )));
        }
    };
    let (from, to) = range(&q, if daily { 30 * 86400 } else { 86400 })?;
    let pp = p.clone();
    let site2 = site.clone();
    let table = p
        .read(move |store| {
            let Some(s) = store.site(&site2)? else {
                return Ok(None);
            };
            if s.kind != SiteKind::AirStation {
                return Ok(Some(Err(())));
            }
            let hours = data::air_hours(store, &s.id, from, to)?;
            let mut table = Table::new(&[
                "time",
                "aqi",
                "level",
                "category_zh",
                "category_en",
                "primary",
                "standard",
                "so2",
                "no2",
                "co",
                "o3",
                "pm10",
                "pm2_5",
            ]);
            let conc = |c: Option<standards::Concentration>| {
                c.map(|c| dec(c.value())).unwrap_or(Value::Null)
            };
            if daily {
                for d in data::daily_from_hours(&pp.tz, &hours) {
                    let r = &d.report;
                    let aqi = r.publishable_aqi();
                    let l = aqi.map(standards::aqi::Level::of);
                    table.rows.push(vec![
                        text(d.date.to_string()),
                        json!(aqi),
                        json!(l.map(|l| l.number())),
                        json!(l.map(|l| l.category_zh())),
                        json!(l.map(|l| l.category_en())),
                        text(r.primary.labels()),
                        text(r.version.name()),
                        conc(d.readings.so2),
                        conc(d.readings.no2),
                        conc(d.readings.co),
                        conc(d.readings.o3_8h_max),
                        conc(d.readings.pm10),
                        conc(d.readings.pm2_5),
                    ]);
                }
            } else {
                for (h, rd) in &hours {
                    let r = data::hourly_report(&pp.tz, *h, rd);
                    let l = r.level();
                    table.rows.push(vec![
                        t(&pp, *h),
                        json!(r.aqi),
                        json!(l.map(|l| l.number())),
                        json!(l.map(|l| l.category_zh())),
                        json!(l.map(|l| l.category_en())),
                        text(r.primary.labels()),
                        text(r.version.name()),
                        conc(rd.so2),
                        conc(rd.no2),
                        conc(rd.co),
                        conc(rd.o3),
                        conc(rd.pm10),
                        conc(rd.pm2_5),
                    ]);
                }
            }
            Ok(Some(Ok(table)))
        })
        .await?;
    match table {
        None => Err(ApiError::not_found("no such station")),
        Some(Err(())) => Err(ApiError::bad_request(format!(
            "{site} is not an air station"
        ))),
        Some(Ok(table)) => paged(
            &q,
            &format!("/stations/{site}/aqi"),
            table,
            Some(
                json!({"o3_column": if daily { "O3 daily maximum 8-hour mean" } else { "O3 1-hour mean" }}),
            ),
        ),
    }
}

async fn city_aqi(State(p): AppState, Query(q): Q) -> Result<Response, ApiError> {
    let pp = p.clone();
    let (stations, city) = p
        .read(move |store| {
            let now = Timestamp::now().as_second();
            let stations = data::air_now(store, &pp.tz, now)?;
            let city = data::city_now(&pp.tz, &stations, &pp.settings.portal.city_air_stations);
            Ok((stations, city))
        })
        .await?;
    let mut table = Table::new(&[
        "id",
        "name",
        "simulated",
        "hour",
        "aqi",
        "level",
        "category_zh",
        "category_en",
        "primary",
        "no_data",
    ]);
    for a in &stations {
        let r = a.report.as_ref();
        table.rows.push(vec![
            text(a.site.id.clone()),
            text(a.site.name.clone()),
            json!(a.site.simulated),
            a.hour.map(|h| t(&p, h)).unwrap_or(Value::Null),
            json!(r.and_then(|r| r.aqi)),
            json!(a.level().map(|l| l.number())),
            json!(a.level().map(|l| l.category_zh())),
            json!(a.level().map(|l| l.category_en())),
            text(r.map(|r| r.primary.labels()).unwrap_or_default()),
            no_data_json(&p, &a.no_data)
                .get("cause")
                .cloned()
                .unwrap_or(Value::Null),
        ]);
    }
    let city_json = city.map(|(h, _, r)| {
        let mut v = aqi_json(&r);
        v["hour"] = t(&p, h);
        v["method"] = text("mean of the stations' concentrations, HJ 633 real-time AQI");
        v
    });
    paged(&q, "/aqi", table, Some(json!({"city": city_json})))
}

async fn water_classes(State(p): AppState, Query(q): Q) -> Result<Response, ApiError> {
    let water = p
        .read(|store| data::water_now(store, Timestamp::now().as_second()))
        .await?;
    let mut table = Table::new(&[
        "id",
        "name",
        "kind",
        "simulated",
        "hour",
        "class",
        "limiting",
        "drinking_compliant",
        "no_data",
    ]);
    for w in &water {
        table.rows.push(vec![
            text(w.site.id.clone()),
            text(w.site.name.clone()),
            text(w.site.kind.code()),
            json!(w.site.simulated),
            w.hour.map(|h| t(&p, h)).unwrap_or(Value::Null),
            json!(w.evaluation.as_ref().map(|e| e.class.label())),
            text(
                w.evaluation
                    .as_ref()
                    .map(|e| {
                        e.limiting()
                            .iter()
                            .map(|r| match r.exceedance {
                                Some(m) => format!("{}:{m}", r.parameter.short_name()),
                                None => r.parameter.short_name().to_string(),
                            })
                            .collect::<Vec<_>>()
                            .join(";")
                    })
                    .unwrap_or_default(),
            ),
            json!(w.drinking.as_ref().map(|c| c.compliant())),
            no_data_json(&p, &w.no_data)
                .get("cause")
                .cloned()
                .unwrap_or(Value::Null),
        ]);
    }
    paged(&q, "/water/classes", table, None)
}

async fn bulletin(State(p): AppState, Query(q): Q) -> Result<Response, ApiError> {
    let ctx = crate::portal::context(&p, "/bulletin", &q);
    if q.get("year").is_some_and(|y| y.parse::<i16>().is_err())
        || q.get("quarter")
            .is_some_and(|x| !matches!(x.as_str(), "1" | "2" | "3" | "4"))
    {
        return Err(ApiError::bad_request("year must be a year and quarter 1–4"));
    }
    let (year, quarter) = crate::portal::pages::quarter_of(&ctx, &q);
    let tz = p.tz.clone();
    let b = p
        .read(move |store| data::bulletin(store, &tz, year, quarter))
        .await?;
    let mut table = Table::new(&[
        "id",
        "name",
        "simulated",
        "samples",
        "compliant_samples",
        "compliance_by_count_pct",
        "intake_m3",
        "compliant_intake_m3",
        "compliance_by_volume_pct",
        "worst_class",
        "exceeding",
    ]);
    for r in &b.rows {
        table.rows.push(vec![
            text(r.site.id.clone()),
            text(r.site.name.clone()),
            json!(r.site.simulated),
            json!(r.samples),
            json!(r.compliant_samples),
            if r.samples > 0 { num((r.compliant_samples as f64 / r.samples as f64 * 1000.0).round() / 10.0) } else { Value::Null },
            r.volume_m3.map(|v| num(v.round())).unwrap_or(Value::Null),
            r.compliant_volume_m3.map(|v| num(v.round())).unwrap_or(Value::Null),
            match (r.volume_m3, r.compliant_volume_m3) {
                (Some(v), Some(ok)) if v > 0.0 => num((ok / v * 1000.0).round() / 10.0),
                _ => Value::Null,
            },
            json!(r.worst_class.map(|c| c.label())),
            json!(r.exceedances.iter().map(|e| json!({"item": e.item, "max_multiple": e.max_multiple.map(dec), "samples": e.samples})).collect::<Vec<_>>()),
        ]);
    }
    paged(
        &q,
        "/bulletins/drinking-water",
        table,
        Some(json!({"year": year, "quarter": quarter})),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_window_per_client() {
        let limiter = RateLimiter::new(RateConfig {
            limit: 2,
            window: Duration::from_millis(400),
        });
        let a = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        let b = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
        let first = limiter.check(a);
        assert!(first.allowed && first.remaining == 1 && first.limit == 2 && first.reset == 1);
        assert!(limiter.check(a).allowed);
        let denied = limiter.check(a);
        assert!(!denied.allowed && denied.remaining == 0);
        assert!(
            limiter.check(b).allowed,
            "another client has its own window"
        );
        std::thread::sleep(Duration::from_millis(450));
        let again = limiter.check(a);
        assert!(again.allowed && again.remaining == 1, "a new window starts");
    }

    #[test]
    fn config_from_settings() {
        let c = RateConfig::from_settings(&PortalSettings {
            public_rate_limit: 50,
            public_rate_window: Duration::from_secs(10),
            ..PortalSettings::default()
        });
        assert_eq!((c.limit, c.window), (50, Duration::from_secs(10)));
        // Zero values fall back to the default rather than disabling the limit.
        let c = RateConfig::from_settings(&PortalSettings {
            public_rate_limit: 0,
            public_rate_window: Duration::ZERO,
            ..PortalSettings::default()
        });
        assert_eq!((c.limit, c.window), (300, Duration::from_secs(60)));
    }
}
