//! What an alarm's notification says and how it is signed and retried; the sending itself (HTTP) is the
//! server's (`qingshan::notify`), since this crate speaks no HTTP. A notification is written to the outbox
//! ([`store::Delivery`]) in the alarm change's transaction, so none is lost when the receiver is down or the
//! server stops.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use store::Alarm;

/// Attempts before a delivery is given up (logged with its last error).
pub const MAX_ATTEMPTS: i64 = 10;
/// The longest wait between two attempts.
pub const MAX_BACKOFF_S: i64 = 3600;

/// The JSON body of a notification: the event, who did it and why, and the alarm (times in Unix seconds
/// and RFC 3339 UTC; `level` and `county` say whose desk it is for).
pub fn payload(
    a: &Alarm,
    event: &str,
    actor: &str,
    comment: Option<&str>,
    county: Option<&str>,
    at: i64,
) -> String {
    let time =
        |t: i64| jiff::Timestamp::from_second(t).map_or_else(|_| t.to_string(), |t| t.to_string());
    serde_json::json!({
        "event": event, "at": time(at), "actor": actor, "comment": comment,
        "alarm": {
            "id": a.id, "kind": a.kind, "severity": a.severity, "site": a.site_id, "param": a.param,
            "county": county, "state": a.state, "level": a.level, "opened": time(a.opened_at),
            "episode_start": time(a.episode_start), "episode_end": time(a.episode_end),
            "determination_id": a.determination_id,
        }
    })
    .to_string()
}

/// An alarm e-mail: the subject line, a blank line, the text (the sender adds the headers).
pub fn email(a: &Alarm, site: &store::Site, event: &str, comment: Option<&str>) -> String {
    let what = match event {
        "escalated" => "升级至市级 / escalated to the city",
        _ => "新告警 / new alarm",
    };
    let time =
        |t: i64| jiff::Timestamp::from_second(t).map_or_else(|_| t.to_string(), |t| t.to_string());
    format!(
        "[青山 Qingshan] {what}: {} {} {} (#{})\n\n\
         告警 / alarm #{}\n类型 / kind: {} ({})\n点位 / site: {} {}\n因子 / parameter: {}\n\
         时段 / episode: {} – {} (UTC)\n状态 / state: {}, {}\n{}",
        a.kind,
        site.id,
        a.param.as_deref().unwrap_or(""),
        a.id,
        a.id,
        a.kind,
        a.severity,
        site.id,
        site.name,
        a.param.as_deref().unwrap_or(""),
        time(a.episode_start),
        time(a.episode_end),
        a.state,
        a.level,
        comment
            .map(|c| format!("说明 / comment: {c}\n"))
            .unwrap_or_default()
    )
}

/// The `X-Qingshan-Signature` header of `body`: `sha256=` and the hex HMAC-SHA256 of the body's bytes
/// under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

/// When to try again after `attempts` failed attempts: `retry_s` doubled each time up to an hour; `None`
/// after [`MAX_ATTEMPTS`].
pub fn next_attempt(attempts: i64, retry_s: u32, now: i64) -> Option<i64> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let wait = i64::from(retry_s.max(1)).saturating_mul(1 << (attempts - 1).clamp(0, 20));
    Some(now + wait.min(MAX_BACKOFF_S))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_of_the_body() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn retries_back_off_to_an_hour_and_give_up() {
        assert_eq!(next_attempt(1, 30, 0), Some(30));
        assert_eq!(next_attempt(2, 30, 0), Some(60));
        assert_eq!(next_attempt(3, 30, 0), Some(120));
        assert_eq!(next_attempt(9, 30, 0), Some(3600));
        assert_eq!(next_attempt(MAX_ATTEMPTS, 30, 0), None);
    }
}
