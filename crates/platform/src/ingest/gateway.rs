//! The HJ 212 TCP gateway: accepts data loggers' connections and serves each in its own task.
//!
//! Per connection: read what arrived, frame it, admit every frame, hand the records to the writer as one
//! job, and after the commit write the answers back. A connection that sends nothing for
//! `idle_timeout`, keeps a frame half-sent for `frame_timeout`, or sends more garbage than
//! `connection_buffer_bytes` without one valid frame is closed, so slow or hostile clients cost little and
//! cannot hold up anyone else.

use super::admission::{self, Admission, Arrival};
use super::{Devices, Writer};
use crate::Limits;
use crate::metrics::Metrics;
use hj212::{CrcPolicy, Framer, FramerConfig};
use jiff::tz::TimeZone;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

/// HJ 212 framing overhead: `##`, 4-digit length, 4-digit CRC, CRLF.
const FRAME_OVERHEAD: usize = 12;

/// What the gateway needs: its limits, the city's zone (`DataTime` is local), the admitted devices, the
/// writer and the metrics. Nothing else of the platform.
#[derive(Clone)]
pub struct Gateway {
    pub limits: Limits,
    pub tz: TimeZone,
    pub devices: Arc<Devices>,
    pub writer: Writer,
    pub metrics: Arc<Metrics>,
}

/// Accepts connections until `stop` turns true.
pub async fn run(gateway: Gateway, listener: TcpListener, mut stop: watch::Receiver<bool>) {
    let platform = Arc::new(gateway);
    let slots = Arc::new(Semaphore::new(platform.limits.max_connections));
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped(&mut stop) => return,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            platform.metrics.connections_refused.fetch_add(1, Relaxed);
            tracing::warn!(%peer, "connection refused: max_connections reached");
            drop(stream);
            continue;
        };
        let platform = platform.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            platform.metrics.connections_total.fetch_add(1, Relaxed);
            platform.metrics.connections_open.fetch_add(1, Relaxed);
            let peer = peer.to_string();
            if let Err(reason) = serve_connection(&platform, stream, &peer, stop).await {
                tracing::debug!(%peer, %reason, "connection closed");
            }
            platform.metrics.connections_open.fetch_sub(1, Relaxed);
            drop(permit);
        });
    }
}

/// Why a connection ended.
#[derive(Debug, thiserror::Error)]
enum Closed {
    #[error("peer closed the connection")]
    Eof,
    #[error("read or write failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("idle for {0:?}")]
    Idle(Duration),
    #[error("a frame stayed incomplete for {0:?}")]
    SlowFrame(Duration),
    #[error("{0} bytes without a valid frame")]
    Garbage(usize),
    #[error("storing failed: {0}")]
    Write(#[from] super::WriteError),
    #[error("answers not taken for {0:?}")]
    WriteStalled(Duration),
    #[error("server shutting down")]
    Shutdown,
}

async fn serve_connection(
    platform: &Gateway,
    mut stream: TcpStream,
    peer: &str,
    mut stop: watch::Receiver<bool>,
) -> Result<(), Closed> {
    let limits = &platform.limits;
    let _ = stream.set_nodelay(true);
    let config = FramerConfig::default()
        .with_max_data_len(
            limits
                .max_frame_bytes
                .saturating_sub(FRAME_OVERHEAD)
                .max(64),
        )
        // Lenient at the framer so vendor CRC variants come through to admission, which applies each
        // device's own policy (strict devices get them quarantined there).
        .with_crc_policy(CrcPolicy::Lenient);
    let mut framer = Framer::new(config);
    let mut buf = vec![0u8; 16 * 1024];
    let mut partial_since: Option<Instant> = None;
    let mut garbage = 0usize;
    loop {
        let wait = match partial_since {
            Some(t) => limits.frame_timeout.saturating_sub(t.elapsed()),
            None => limits.idle_timeout,
        };
        let read = tokio::select! {
            r = tokio::time::timeout(wait, stream.read(&mut buf)) => r,
            _ = stopped(&mut stop) => return Err(Closed::Shutdown),
        };
        let n = match read {
            Err(_) if partial_since.is_some() => {
                return Err(Closed::SlowFrame(limits.frame_timeout));
            }
            Err(_) => return Err(Closed::Idle(limits.idle_timeout)),
            Ok(Err(e)) => return Err(e.into()),
            Ok(Ok(0)) => {
                framer.finish();
                let _ = process(platform, &mut framer, &mut stream, peer).await;
                return Err(Closed::Eof);
            }
            Ok(Ok(n)) => n,
        };
        let arrived = Instant::now();
        framer.push(&buf[..n]);
        let found = process(platform, &mut framer, &mut stream, peer).await?;
        if found > 0 {
            garbage = 0;
        } else {
            garbage += n;
            if garbage > limits.connection_buffer_bytes {
                return Err(Closed::Garbage(garbage));
            }
        }
        partial_since = match (framer.buffered(), partial_since) {
            (0, _) => None,
            (_, Some(t)) if found == 0 => Some(t),
            _ => Some(arrived),
        };
    }
}

/// Admits every frame the framer holds, stores them in one job and answers after the commit.
/// Returns how many of them were well-formed frames (accepted, or refused only for their device or password).
async fn process(
    platform: &Gateway,
    framer: &mut Framer,
    stream: &mut TcpStream,
    peer: &str,
) -> Result<usize, Closed> {
    let started = Instant::now();
    let arrival = Arrival {
        peer,
        received_at_ms: jiff::Timestamp::now().as_millisecond(),
    };
    let rules = admission::Rules::new(&platform.devices, &platform.tz, &platform.limits);
    let mut admitted: Vec<Admission> = Vec::new();
    while let Some(next) = framer.next_frame() {
        let a = match next {
            Ok(frame) => admission::admit(&frame, &arrival, &rules),
            Err(rejected) => admission::admit_rejected(&rejected, &arrival, &rules),
        };
        platform.metrics.frame(a.record.verdict);
        admitted.push(a);
    }
    if admitted.is_empty() {
        return Ok(0);
    }
    let good = admitted
        .iter()
        .filter(|a| a.record.verdict != store::Verdict::BadFrame)
        .count();
    let mut answers = Vec::new();
    let records = admitted
        .into_iter()
        .map(|a| {
            answers.extend(a.answers.into_iter().flatten());
            a.record
        })
        .collect();
    platform.writer.write(records).await?;
    if !answers.is_empty() {
        // A client that never reads its answers must not hold the connection (and its slot) forever.
        let limit = platform.limits.frame_timeout;
        tokio::time::timeout(limit, stream.write_all(&answers))
            .await
            .map_err(|_| Closed::WriteStalled(limit))??;
        platform
            .metrics
            .answer_latency
            .observe(started.elapsed().as_micros() as u64);
    }
    Ok(good)
}

/// Completes when the stop flag turns true (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}
