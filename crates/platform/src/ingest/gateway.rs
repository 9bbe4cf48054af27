//! The HJ 212 TCP gateway: accepts data loggers' connections and serves each in its own task.
//!
//! Per connection: read what arrived, frame it, admit every frame, hand the records to the writer as one
//! job, and after the commit write the answers back. A connection is closed when it sends nothing for
//! `idle_timeout`, keeps a frame half-sent for `frame_timeout`, sends more garbage than
//! `connection_buffer_bytes` without one valid frame, sends no accepted frame within
//! `first_frame_timeout`, or runs up `max_refused_frames` refused frames or `max_wrong_passwords` wrong
//! passwords; the last three give its source a strike ([`super::guard`]). Slow or hostile clients cost
//! little and cannot hold up anyone else.

use super::admission::{self, Admission, Arrival};
use super::guard::{Entry, Guard, Keep, Source};
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
    pub guard: Arc<Guard>,
}

/// How long a stopping gateway waits for its connections to finish the batch in flight and answer it.
pub const DRAIN: Duration = Duration::from_secs(10);

/// Accepts connections until `stop` turns true, then waits (at most [`DRAIN`]) for every connection to
/// finish what it was doing: a batch being written is committed and answered before the connection ends.
pub async fn run(gateway: Gateway, listener: TcpListener, mut stop: watch::Receiver<bool>) {
    let platform = Arc::new(gateway);
    let slots = Arc::new(Semaphore::new(platform.limits.max_connections));
    let mut tasks = tokio::task::JoinSet::new();
    loop {
        // Reap finished connections so the set stays as large as the open ones.
        while tasks.try_join_next().is_some() {}
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped(&mut stop) => break,
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
        let source = Source::of(peer.ip());
        let penalty = match platform.guard.open(&source, Instant::now()) {
            Entry::Serve(penalty) => penalty,
            Entry::TooMany => {
                platform.metrics.connections_refused.fetch_add(1, Relaxed);
                tracing::debug!(%peer, "connection refused: max_connections_per_source reached");
                drop(stream);
                continue;
            }
        };
        let platform = platform.clone();
        let stop = stop.clone();
        tasks.spawn(async move {
            platform.metrics.connections_total.fetch_add(1, Relaxed);
            platform.metrics.connections_open.fetch_add(1, Relaxed);
            let peer = peer.to_string();
            let result = serve_connection(&platform, stream, &peer, &source, penalty, stop).await;
            let abusive = result.as_ref().err().is_some_and(Closed::is_abuse);
            if let Err(reason) = result {
                tracing::debug!(%peer, %reason, "connection closed");
            }
            if abusive {
                platform
                    .metrics
                    .connections_closed_abuse
                    .fetch_add(1, Relaxed);
            }
            platform.guard.closed(&source, abusive, Instant::now());
            platform.metrics.connections_open.fetch_sub(1, Relaxed);
            drop(permit);
        });
    }
    drop(listener);
    let open = tasks.len();
    if open > 0 {
        tracing::info!(
            open,
            "gateway stopping: letting connections finish their batch"
        );
    }
    let drained =
        tokio::time::timeout(DRAIN, async { while tasks.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        tracing::warn!(
            left = tasks.len(),
            "connections still busy after the drain time; dropped"
        );
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
    #[error("no accepted frame within {0:?}")]
    NoValidFrame(Duration),
    #[error("{0} refused frames")]
    Refused(u32),
    #[error("{0} wrong passwords")]
    WrongPasswords(u32),
}

impl Closed {
    /// Closed for what the client did wrong (a strike for its source), not for the network or the server.
    fn is_abuse(&self) -> bool {
        matches!(
            self,
            Closed::Garbage(_)
                | Closed::NoValidFrame(_)
                | Closed::Refused(_)
                | Closed::WrongPasswords(_)
        )
    }
}

/// What one round of [`process`] found.
#[derive(Debug, Default)]
struct Round {
    /// Well-formed frames (accepted, or refused only for their device, password or time).
    well_formed: usize,
    /// Frames from a registered device with its password (accepted, or out of the time window).
    accepted: usize,
    refused: u32,
    wrong_passwords: u32,
    /// How long to wait before reading on (wrong passwords cost time).
    delay: Duration,
    /// Frames may be left in the framer (the round stopped at a wrong password or the refusal budget).
    stopped_early: bool,
}

async fn serve_connection(
    platform: &Gateway,
    mut stream: TcpStream,
    peer: &str,
    source: &Source,
    penalty: Duration,
    mut stop: watch::Receiver<bool>,
) -> Result<(), Closed> {
    let opened = Instant::now();
    let mut accepted_any = false;
    let (mut refused, mut wrong_passwords) = (0u32, 0u32);
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
        let mut wait = match partial_since {
            Some(t) => limits.frame_timeout.saturating_sub(t.elapsed()),
            None => limits.idle_timeout,
        };
        let first_frame_left =
            (!accepted_any).then(|| limits.first_frame_timeout.saturating_sub(opened.elapsed()));
        if let Some(left) = first_frame_left {
            wait = wait.min(left);
        }
        let read = tokio::select! {
            r = tokio::time::timeout(wait, stream.read(&mut buf)) => r,
            _ = stopped(&mut stop) => return Err(Closed::Shutdown),
        };
        let n = match read {
            Err(_) if first_frame_left.is_some_and(|left| left <= wait) => {
                return Err(Closed::NoValidFrame(limits.first_frame_timeout));
            }
            Err(_) if partial_since.is_some() => {
                return Err(Closed::SlowFrame(limits.frame_timeout));
            }
            Err(_) => return Err(Closed::Idle(limits.idle_timeout)),
            Ok(Err(e)) => return Err(e.into()),
            Ok(Ok(0)) => {
                framer.finish();
                let _ = process(platform, &mut framer, &mut stream, peer, source, 1).await;
                return Err(Closed::Eof);
            }
            Ok(Ok(n)) => n,
        };
        let arrived = Instant::now();
        framer.push(&buf[..n]);
        // Frames are taken round by round: a round stops at a wrong password (which costs a wait before
        // the next guess is even looked at) or when the connection's refusal budget is spent.
        let mut found = 0;
        loop {
            let refused_left = limits.max_refused_frames.max(1).saturating_sub(refused);
            let round = process(
                platform,
                &mut framer,
                &mut stream,
                peer,
                source,
                refused_left,
            )
            .await?;
            found += round.well_formed;
            accepted_any |= round.accepted > 0;
            refused += round.refused;
            wrong_passwords += round.wrong_passwords;
            if wrong_passwords >= limits.max_wrong_passwords.max(1) {
                return Err(Closed::WrongPasswords(wrong_passwords));
            }
            if refused >= limits.max_refused_frames.max(1) {
                return Err(Closed::Refused(refused));
            }
            // A penalised source pays for each refusal with time on its own connection; its accepted
            // frames (an honest logger behind the same address) are not held up.
            let delay = if round.refused > 0 {
                round.delay.max(penalty)
            } else {
                round.delay
            };
            if !delay.is_zero() {
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = stopped(&mut stop) => return Err(Closed::Shutdown),
                }
            }
            if !round.stopped_early {
                break;
            }
        }
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

/// Admits every frame the framer holds, stores them in one job and answers after the commit. Refused
/// frames beyond the journal budget are counted instead; a locked-out MN is refused, right password or not.
async fn process(
    platform: &Gateway,
    framer: &mut Framer,
    stream: &mut TcpStream,
    peer: &str,
    source: &Source,
    refused_left: u32,
) -> Result<Round, Closed> {
    let started = Instant::now();
    let arrival = Arrival {
        peer,
        received_at_ms: jiff::Timestamp::now().as_millisecond(),
    };
    let hour = arrival.received_at_ms.div_euclid(3_600_000) * 3600;
    let rules = admission::Rules::new(&platform.devices, &platform.tz, &platform.limits);
    let mut round = Round::default();
    let mut records = Vec::new();
    let mut counts: Vec<store::RefusalCount> = Vec::new();
    let mut answers = Vec::new();
    while let Some(next) = framer.next_frame() {
        let mut a = match next {
            Ok(frame) => admission::admit(&frame, &arrival, &rules),
            Err(rejected) => admission::admit_rejected(&rejected, &arrival, &rules),
        };
        judge(platform, source, &mut a, &mut round);
        platform.metrics.frame(a.record.verdict);
        let verdict = a.record.verdict;
        // A registered device with the right password whose clock is wrong (time_out_of_range) is not a
        // hostile client: its frames are journaled and answered, and do not spend the refusal budget.
        let authenticated = matches!(
            verdict,
            store::Verdict::Accepted | store::Verdict::TimeOutOfRange
        );
        round.stopped_early = verdict == store::Verdict::WrongPassword
            || (!authenticated && round.refused + 1 >= refused_left);
        if authenticated {
            round.accepted += 1;
        } else {
            round.refused += 1;
            let keep = platform.guard.refusal(
                source,
                a.record.verdict,
                a.record.mn.as_deref(),
                a.record.cause.as_deref(),
                hour,
                Instant::now(),
            );
            if keep == Keep::Count {
                platform.metrics.refusals_counted.fetch_add(1, Relaxed);
                count(&mut counts, hour, source, a.record.verdict);
                answers.extend(a.answers.into_iter().flatten());
                if round.stopped_early {
                    break;
                }
                continue;
            }
        }
        answers.extend(a.answers.into_iter().flatten());
        records.push(a.record);
        if round.stopped_early {
            break;
        }
    }
    if records.is_empty() && counts.is_empty() {
        return Ok(round);
    }
    platform.writer.write_with_counts(records, counts).await?;
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
    Ok(round)
}

/// Applies the guard to one admitted frame: lockouts, wrong-password delays, forgiven failures.
fn judge(platform: &Gateway, source: &Source, a: &mut Admission, round: &mut Round) {
    use store::Verdict;
    let now = Instant::now();
    if a.record.verdict != Verdict::BadFrame {
        round.well_formed += 1;
    }
    let Some(mn) = a.record.mn.clone() else {
        return;
    };
    let checked = matches!(
        a.record.verdict,
        Verdict::Accepted | Verdict::TimeOutOfRange | Verdict::WrongPassword
    );
    if checked && platform.guard.locked(&mn, source, now) {
        a.record.verdict = Verdict::WrongPassword;
        a.record.cause = Some(format!(
            "locked_out: MN {mn} from {} after {} wrong passwords; frames refused for up to {} min",
            source.as_str(),
            super::guard::LOCKOUT_AFTER,
            super::guard::LOCKOUT.as_secs() / 60
        ));
        a.record.values.clear();
        a.answers.clear();
    }
    match a.record.verdict {
        Verdict::WrongPassword => {
            round.wrong_passwords += 1;
            let (delay, locked) = platform.guard.wrong_password(&mn, source, now);
            round.delay = round.delay.max(delay);
            if locked {
                platform.metrics.lockouts.fetch_add(1, Relaxed);
                tracing::warn!(%mn, source = source.as_str(), "MN locked out for this source after repeated wrong passwords");
            }
        }
        Verdict::Accepted | Verdict::TimeOutOfRange => platform.guard.right_password(&mn, source),
        _ => {}
    }
}

fn count(
    counts: &mut Vec<store::RefusalCount>,
    hour: i64,
    source: &Source,
    verdict: store::Verdict,
) {
    match counts.iter_mut().find(|c| c.verdict == verdict) {
        Some(c) => c.count += 1,
        None => counts.push(store::RefusalCount {
            hour,
            source: source.as_str().to_string(),
            verdict,
            count: 1,
        }),
    }
}

/// Completes when the stop flag turns true (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}
