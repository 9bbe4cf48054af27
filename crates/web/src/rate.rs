//! The rate limit on everything anonymous (the portal's pages and the open data API): a fixed window per
//! client, counted by [`Client::rate_key`] (an IPv4 address or an IPv6 /64, the address taken through
//! trusted proxies only), answered with the IETF `RateLimit-*` headers (and `Retry-After` on the 429).
//!
//! Memory is bounded: the table has a fixed number of slots in independent shards (no global lock, no
//! sweep of the whole table). A full shard first forgets clients whose window has ended; when none has,
//! the newcomers of that shard share one overflow counter, so a flood of fresh addresses limits itself
//! rather than growing the table.

use crate::ApiError;
use crate::client::Client;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use platform::PortalSettings;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Requests allowed per client per window: settings `portal.public_rate_limit` and
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

const SHARDS: usize = 64;
/// Clients tracked at most (all shards together).
pub const CAPACITY: usize = 65_536;

#[derive(Default)]
struct Shard {
    clients: HashMap<u128, (Instant, u32)>,
    overflow: Option<(Instant, u32)>,
}

/// Fixed-window counters per client, in bounded memory.
pub struct RateLimiter {
    config: RateConfig,
    shards: Vec<Mutex<Shard>>,
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
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }

    /// Counts a request from the client with rate key `key` at `now`.
    pub fn check(&self, key: u128, now: Instant) -> RateDecision {
        let window = self.config.window;
        // Mix the key's bits so neighbouring addresses spread over the shards.
        let shard =
            ((key ^ (key >> 64)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize % SHARDS;
        let mut shard = self.shards[shard].lock().unwrap_or_else(|e| e.into_inner());
        let per_shard = CAPACITY / SHARDS;
        if !shard.clients.contains_key(&key) && shard.clients.len() >= per_shard {
            shard
                .clients
                .retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let full = !shard.clients.contains_key(&key) && shard.clients.len() >= per_shard;
        let entry = if full {
            shard.overflow.get_or_insert((now, 0))
        } else {
            shard.clients.entry(key).or_insert((now, 0))
        };
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

    /// Clients tracked now (for tests and metrics).
    pub fn tracked(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().map_or(0, |s| s.clients.len()))
            .sum()
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

/// The middleware: counts the request against its client; a client over the limit gets a 429 (JSON
/// under `/api`, a page elsewhere).
pub async fn limit(State(limiter): State<Arc<RateLimiter>>, req: Request, next: Next) -> Response {
    // Someone signed in (the console identifies before this runs) is staff, not the anonymous public.
    let signed_in = req
        .extensions()
        .get::<platform::accounts::Principal>()
        .is_some_and(|p| p.role().is_some());
    if signed_in {
        return next.run(req).await;
    }
    let key = req.extensions().get::<Client>().map_or(0, Client::rate_key);
    let d = limiter.check(key, Instant::now());
    let mut resp = if d.allowed {
        next.run(req).await
    } else {
        let message = format!(
            "rate limit of {} requests per {} s exceeded; retry after {} s",
            d.limit,
            limiter.config.window.as_secs(),
            d.reset
        );
        if req.uri().path().starts_with("/api") {
            ApiError {
                status: StatusCode::TOO_MANY_REQUESTS,
                message,
            }
            .into_response()
        } else {
            let lang = crate::portal::Lang::from_uri(req.uri());
            crate::portal::error_page(lang, StatusCode::TOO_MANY_REQUESTS, &message)
        }
    };
    set_rate_headers(&mut resp, &d);
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(limit: u32, window_ms: u64) -> RateLimiter {
        RateLimiter::new(RateConfig {
            limit,
            window: Duration::from_millis(window_ms),
        })
    }

    #[test]
    fn fixed_window_per_client() {
        let limiter = limiter(2, 400);
        let now = Instant::now();
        let first = limiter.check(1, now);
        assert!(first.allowed && first.remaining == 1 && first.limit == 2 && first.reset == 1);
        assert!(limiter.check(1, now).allowed);
        let denied = limiter.check(1, now);
        assert!(!denied.allowed && denied.remaining == 0);
        assert!(
            limiter.check(2, now).allowed,
            "another client has its own window"
        );
        let again = limiter.check(1, now + Duration::from_millis(450));
        assert!(again.allowed && again.remaining == 1, "a new window starts");
    }

    #[test]
    fn a_flood_of_new_clients_stays_within_the_table_and_limits_itself() {
        let limiter = limiter(3, 60_000);
        let now = Instant::now();
        let mut denied = 0;
        for key in 0..(CAPACITY as u128 * 4) {
            if !limiter.check(key << 64, now).allowed {
                denied += 1;
            }
        }
        assert!(limiter.tracked() <= CAPACITY, "{}", limiter.tracked());
        assert!(
            denied > CAPACITY,
            "the overflow newcomers share a counter: {denied} denied"
        );
        // Once their window ends, room is made for new clients again.
        let later = now + Duration::from_secs(61);
        assert!(limiter.check(u128::MAX, later).allowed);
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
