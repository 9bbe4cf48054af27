//! The notification sender: e-mails through [`crate::smtp`], and the webhook: POSTs the alarm notifications
//! waiting in the outbox (`platform::alarms::notify`) to
//! `alarms.webhook_url`, signed (`X-Qingshan-Signature: sha256=<hex HMAC-SHA256 of the body>`), each with
//! its id (`X-Qingshan-Delivery`, for the receiver to drop a repeat: delivery is at least once), and
//! records every attempt: delivered on a 2xx, else tried again with backoff and given up after
//! `platform::alarms::notify::MAX_ATTEMPTS`, the last error kept in the delivery log.
//!
//! Plain HTTP only (no TLS client in the build): put a TLS-terminating proxy in front of an `https`
//! receiver. The URL is checked when the server starts.

use crate::App;
use axum::http::{Request, Uri, header};
use http_body_util::Full;
use hyper::body::Bytes;
use platform::alarms::notify::{next_attempt, signature};
use std::sync::Arc;
use std::time::Duration;
use store::Delivery;

/// How often the outbox is looked at.
const POLL: Duration = Duration::from_secs(1);
/// How long one attempt may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Deliveries sent per look.
const BATCH: u32 = 20;

/// Why a webhook URL is refused.
#[derive(Debug, thiserror::Error)]
pub enum UrlError {
    #[error("alarms.webhook_url {0:?} is not a URL")]
    NotAUrl(String),
    #[error(
        "alarms.webhook_url {0:?}: only http:// is supported (put a TLS-terminating proxy in front of an https receiver)"
    )]
    NotHttp(String),
}

/// The receiver's address: (authority for `Host`, host, port, path and query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub authority: String,
    pub host: String,
    pub port: u16,
    pub path: String,
}

/// Parses and checks `alarms.webhook_url`.
pub fn target(url: &str) -> Result<Target, UrlError> {
    let uri: Uri = url.parse().map_err(|_| UrlError::NotAUrl(url.into()))?;
    if uri.scheme_str() != Some("http") {
        return Err(UrlError::NotHttp(url.into()));
    }
    let authority = uri
        .authority()
        .ok_or_else(|| UrlError::NotAUrl(url.into()))?;
    Ok(Target {
        authority: authority.as_str().to_string(),
        host: authority.host().trim_matches(['[', ']']).to_string(),
        port: authority.port_u16().unwrap_or(80),
        path: uri
            .path_and_query()
            .map_or("/".to_string(), |p| p.as_str().to_string()),
    })
}

/// Sends what the outbox holds until `stop` turns true: webhook deliveries to `to` (when set), e-mails
/// through `alarms.smtp_relay` (when set).
pub async fn run(app: Arc<App>, to: Option<Target>, mut stop: tokio::sync::watch::Receiver<bool>) {
    let settings = app.platform.settings.alarms.clone();
    let secret = settings.webhook_secret.clone().unwrap_or_default();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        let now = jiff::Timestamp::now().as_second();
        let due = match app
            .platform
            .read(move |s| s.due_deliveries(now, BATCH))
            .await
        {
            Ok(d) => d,
            Err(e) => {
                tracing::error!(error = %e, "reading the alarm outbox failed; will retry");
                continue;
            }
        };
        for d in due {
            let result = match (d.channel.as_str(), &to, &settings.smtp_relay) {
                ("webhook", Some(to), _) => send(to, &secret, &d).await,
                ("email", _, Some(relay)) => {
                    crate::smtp::send(
                        relay,
                        &settings.smtp_from,
                        d.recipient.as_deref().unwrap_or(""),
                        &d.body,
                    )
                    .await
                }
                (channel, ..) => Err(format!("no {channel} channel is set up")),
            };
            let now = jiff::Timestamp::now().as_second();
            let attempts = d.attempts + 1;
            let done = match &result {
                // The error of an earlier attempt stays in the log beside the delivery.
                Ok(()) => Delivery {
                    attempts,
                    next_attempt_at: None,
                    delivered_at: Some(now),
                    ..d
                },
                Err(why) => {
                    let next = next_attempt(attempts, settings.webhook_retry_s, now);
                    if next.is_none() {
                        tracing::error!(delivery = d.id, alarm = d.alarm_id, channel = %d.channel, error = %why, "alarm notification given up");
                    }
                    Delivery {
                        attempts,
                        next_attempt_at: next,
                        last_error: Some(why.clone()),
                        ..d
                    }
                }
            };
            if let Err(e) = app
                .platform
                .write(move |s| Ok(s.put_delivery(&done)?))
                .await
            {
                tracing::error!(error = %e, "recording a webhook attempt failed");
            }
        }
    }
}

/// One attempt: `Ok` on a 2xx answer, else what went wrong, in words.
async fn send(to: &Target, secret: &str, d: &Delivery) -> Result<(), String> {
    let attempt = async {
        let stream = tokio::net::TcpStream::connect((to.host.as_str(), to.port))
            .await
            .map_err(|e| format!("connecting to {}: {e}", to.authority))?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .map_err(|e| format!("HTTP handshake: {e}"))?;
        tokio::spawn(connection);
        let request = Request::post(to.path.as_str())
            .header(header::HOST, to.authority.as_str())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::USER_AGENT, "qingshan-alarms")
            .header("X-Qingshan-Signature", signature(secret, d.body.as_bytes()))
            .header("X-Qingshan-Delivery", d.id.to_string())
            .header("X-Qingshan-Event", d.event.as_str())
            .body(Full::new(Bytes::from(d.body.clone())))
            .map_err(|e| format!("building the request: {e}"))?;
        let answer = sender
            .send_request(request)
            .await
            .map_err(|e| format!("sending: {e}"))?;
        if answer.status().is_success() {
            Ok(())
        } else {
            Err(format!("HTTP {}", answer.status().as_u16()))
        }
    };
    tokio::time::timeout(TIMEOUT, attempt)
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {} s", TIMEOUT.as_secs())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_urls_are_plain_http_with_a_host() {
        assert_eq!(
            target("http://127.0.0.1:9000/hooks/qingshan?x=1").unwrap(),
            Target {
                authority: "127.0.0.1:9000".into(),
                host: "127.0.0.1".into(),
                port: 9000,
                path: "/hooks/qingshan?x=1".into(),
            }
        );
        assert_eq!(target("http://alarms.example").unwrap().port, 80);
        assert!(matches!(
            target("https://x.example/"),
            Err(UrlError::NotHttp(_))
        ));
        assert!(matches!(target("not a url"), Err(UrlError::NotAUrl(_))));
    }
}
