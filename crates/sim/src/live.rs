//! Devices as real TCP clients: each simulated logger connects to the platform, uploads on its kind's
//! schedule, asks for time calibration (1013) and obeys the platform's set-time (1012, answered 9011 + 9012),
//! waits for each answer it asked for, re-sends unanswered packets (HJ 212 timeout/retry: 3 retries by
//! default), and after the retries treats the link as unusable and reconnects with exponential backoff,
//! re-sending what was never answered. Quirky devices write their frames split across TCP segments or two
//! at a time.

use crate::devices::{DeviceSpec, Writes};
use crate::history::encode;
use crate::quirks::{frame, reply};
use crate::rng::{hash, text};
use crate::uploads::{Schedule, local_time};
use crate::values::{BEIJING_OFFSET_S, Model};
use hj212::answers::{execution_result, request_answer};
use hj212::{Cn, CrcPolicy, Framer, FramerConfig, Packet};
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::watch;
use tokio::time::Instant;

/// How the simulated devices behave on the network.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The gateway, `HOST:PORT`.
    pub target: String,
    /// The seed values are drawn from (the fleet's seed).
    pub seed: u64,
    /// How long to wait for an answer before re-sending (HJ 212-2017 Table 1: 10 s over mobile networks).
    pub answer_timeout: Duration,
    /// Re-sends before the link is considered unusable (HJ 212-2017 Table 1: 3).
    pub retries: u32,
    /// First reconnection delay; doubled after each failure.
    pub backoff_min: Duration,
    /// Longest reconnection delay.
    pub backoff_max: Duration,
    /// How long to wait for outstanding answers when stopping.
    pub drain: Duration,
    /// Whether devices go silent (disconnected) during their communication gaps.
    pub gaps: bool,
}

impl RunConfig {
    /// The standard's timing against `target`.
    pub fn new(target: impl Into<String>, seed: u64) -> RunConfig {
        RunConfig {
            target: target.into(),
            seed,
            answer_timeout: Duration::from_secs(10),
            retries: 3,
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            drain: Duration::from_secs(3),
            gaps: true,
        }
    }
}

/// Counts shared by a fleet's devices while they run.
#[derive(Debug, Default)]
pub struct Counters {
    packets: AtomicU64,
    writes: AtomicU64,
    wanting_answer: AtomicU64,
    answered: AtomicU64,
    retries: AtomicU64,
    given_up: AtomicU64,
    connects: AtomicU64,
    connect_failures: AtomicU64,
    disconnects: AtomicU64,
    gaps: AtomicU64,
    time_set: AtomicU64,
    requests: AtomicU64,
    unanswered_at_end: AtomicU64,
}

impl Counters {
    /// A snapshot.
    pub fn report(&self) -> RunReport {
        RunReport {
            packets: self.packets.load(Relaxed),
            writes: self.writes.load(Relaxed),
            wanting_answer: self.wanting_answer.load(Relaxed),
            answered: self.answered.load(Relaxed),
            retries: self.retries.load(Relaxed),
            given_up: self.given_up.load(Relaxed),
            connects: self.connects.load(Relaxed),
            connect_failures: self.connect_failures.load(Relaxed),
            disconnects: self.disconnects.load(Relaxed),
            gaps: self.gaps.load(Relaxed),
            time_calibrations: self.time_set.load(Relaxed),
            requests_answered: self.requests.load(Relaxed),
            unanswered_at_end: self.unanswered_at_end.load(Relaxed),
        }
    }
}

/// What a fleet did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Distinct packets sent (re-sends not counted).
    pub packets: u64,
    /// TCP writes.
    pub writes: u64,
    /// Packets that asked for an answer (Flag A = 1).
    pub wanting_answer: u64,
    /// Answers received for them (9014 / 9013).
    pub answered: u64,
    /// Re-sends after a timeout.
    pub retries: u64,
    /// Packets given up after the last retry (each also drops the link).
    pub given_up: u64,
    /// Successful connections.
    pub connects: u64,
    /// Failed connection attempts.
    pub connect_failures: u64,
    /// Connections lost or dropped (closed by the server or after the retries).
    pub disconnects: u64,
    /// Communication gaps: the device hung up and stayed silent for a while.
    pub gaps: u64,
    /// Set-time requests (1012) obeyed.
    pub time_calibrations: u64,
    /// Platform requests answered with 9011/9012.
    pub requests_answered: u64,
    /// Packets still unanswered when the run stopped.
    pub unanswered_at_end: u64,
}

impl std::fmt::Display for RunReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "packets {} ({} writes), asked for answers {}, answered {}, retries {}, given up {}, \
             unanswered at end {}, connects {} (failed {}, lost {}, gaps {}), time calibrations {}, \
             requests answered {}",
            self.packets,
            self.writes,
            self.wanting_answer,
            self.answered,
            self.retries,
            self.given_up,
            self.unanswered_at_end,
            self.connects,
            self.connect_failures,
            self.disconnects,
            self.gaps,
            self.time_calibrations,
            self.requests_answered
        )
    }
}

/// Runs every device of `devices` against `config.target` until `stop` turns true, then waits up to
/// `config.drain` for outstanding answers and returns the counts.
pub async fn run_fleet(
    devices: Vec<DeviceSpec>,
    config: RunConfig,
    stop: watch::Receiver<bool>,
) -> RunReport {
    run_fleet_counting(devices, config, stop, Arc::new(Counters::default())).await
}

/// Like [`run_fleet`], counting into `counters` so a caller can report progress while it runs.
pub async fn run_fleet_counting(
    devices: Vec<DeviceSpec>,
    config: RunConfig,
    stop: watch::Receiver<bool>,
    counters: Arc<Counters>,
) -> RunReport {
    let config = Arc::new(config);
    let tasks: Vec<_> = devices
        .into_iter()
        .map(|spec| {
            let (config, counters, stop) = (config.clone(), counters.clone(), stop.clone());
            tokio::spawn(async move {
                Device::new(spec, &config)
                    .run(&config, &counters, stop)
                    .await
            })
        })
        .collect();
    for t in tasks {
        let _ = t.await;
    }
    counters.report()
}

/// The wall clock in unix milliseconds.
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Unix seconds of an HJ 212 local (Beijing) time.
fn unix_of_local(t: hj212::Timestamp) -> i64 {
    // Days from civil (Howard Hinnant).
    let (y, m, d) = (i64::from(t.year), i64::from(t.month), i64::from(t.day));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + i64::from(t.hour) * 3600 + i64::from(t.minute) * 60 + i64::from(t.second)
        - BEIJING_OFFSET_S
}

struct Pending {
    qn: String,
    frame: Vec<u8>,
    deadline: Instant,
    tries: u32,
}

enum Closed {
    Stop,
    Lost,
    /// A communication gap until this device-clock time (unix seconds).
    Gap(i64),
}

struct Device {
    spec: DeviceSpec,
    model: Model,
    /// Device clock minus wall clock, ms (corrected by the platform's 1012).
    skew_ms: i64,
    last_qn_ms: i64,
    schedule: Schedule,
    next: Option<crate::uploads::Due>,
    pending: VecDeque<Pending>,
    /// Frames waiting to be written, each marked new (true) or re-sent after a reconnect.
    outbox: VecDeque<(Vec<u8>, bool)>,
    held: Option<(Vec<u8>, Instant)>,
    powered_on_ms: i64,
    announced: bool,
}

impl Device {
    fn new(spec: DeviceSpec, config: &RunConfig) -> Device {
        let h = hash(&[config.seed, text(&spec.mn), text("clock")]);
        let skew_ms = (h % 60_000) as i64 - 30_000;
        let now = now_ms() + skew_ms;
        let schedule = Schedule::new(&spec, now / 1000 + 1);
        Device {
            model: Model::new(&spec, config.seed),
            spec,
            skew_ms,
            last_qn_ms: 0,
            schedule,
            next: None,
            pending: VecDeque::new(),
            outbox: VecDeque::new(),
            held: None,
            powered_on_ms: now,
            announced: false,
        }
    }

    fn clock_ms(&self) -> i64 {
        now_ms() + self.skew_ms
    }

    /// A fresh QN time: the device clock, strictly increasing.
    fn qn_ms(&mut self) -> i64 {
        let ms = self.clock_ms().max(self.last_qn_ms + 1);
        self.last_qn_ms = ms;
        ms
    }

    fn notice(&mut self, cn: Cn, cp: String) -> Vec<u8> {
        let ms = self.qn_ms();
        let qn = local_time(ms.div_euclid(1000), Some(ms.rem_euclid(1000) as u16));
        frame(&self.spec, cn, qn, cp, self.spec.quirks.wants_answers())
    }

    async fn run(
        mut self,
        config: &RunConfig,
        counters: &Counters,
        mut stop: watch::Receiver<bool>,
    ) {
        let mut backoff = config.backoff_min;
        self.next = self.schedule.next();
        loop {
            if *stop.borrow() {
                break;
            }
            let connect =
                tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(&config.target));
            let stream = tokio::select! {
                r = connect => r.ok().and_then(Result::ok),
                _ = stop.changed() => None,
            };
            let Some(stream) = stream else {
                if *stop.borrow() {
                    break;
                }
                counters.connect_failures.fetch_add(1, Relaxed);
                let jitter =
                    Duration::from_millis(hash(&[text(&self.spec.mn), now_ms() as u64]) % 250);
                tokio::select! {
                    _ = tokio::time::sleep(backoff + jitter) => {}
                    _ = stop.changed() => {}
                }
                backoff = (backoff * 2).min(config.backoff_max);
                continue;
            };
            backoff = config.backoff_min;
            counters.connects.fetch_add(1, Relaxed);
            let closed = self.connection(stream, config, counters, &mut stop).await;
            if let Closed::Stop = closed {
                break;
            }
            // Unanswered packets are sent again on the next connection.
            let pending: Vec<_> = self.pending.drain(..).map(|p| (p.frame, false)).collect();
            let held = self.held.take().map(|(f, _)| (f, false));
            self.outbox.extend(pending.into_iter().chain(held));
            self.outbox.truncate(1000);
            let pause = match closed {
                Closed::Gap(until) => {
                    counters.gaps.fetch_add(1, Relaxed);
                    Duration::from_millis((until * 1000 - self.clock_ms()).max(0) as u64)
                }
                _ => {
                    counters.disconnects.fetch_add(1, Relaxed);
                    backoff
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = stop.changed() => {}
            }
        }
        counters
            .unanswered_at_end
            .fetch_add(self.pending.len() as u64, Relaxed);
    }

    /// Serves one connection until it is lost or the run stops.
    async fn connection(
        &mut self,
        stream: TcpStream,
        config: &RunConfig,
        counters: &Counters,
        stop: &mut watch::Receiver<bool>,
    ) -> Closed {
        let _ = stream.set_nodelay(true);
        let (mut rd, mut wr) = stream.into_split();
        let mut framer = Framer::new(FramerConfig::default().with_crc_policy(CrcPolicy::Lenient));
        let mut buf = vec![0u8; 8192];
        if !self.announced {
            // Power-on notice, then ask for the platform's time (2005 loggers have no 1013).
            self.announced = true;
            let restart = local_time(self.powered_on_ms / 1000, None);
            let now = local_time(self.clock_ms() / 1000, None);
            let f = self.notice(
                Cn::PowerOnTime,
                format!("DataTime={now};RestartTime={restart}"),
            );
            self.outbox.push_back((f, true));
            if self.spec.quirks.wants_answers() {
                let f = self.notice(Cn::TimeCalibrationRequest, String::new());
                self.outbox.push_back((f, true));
            }
        }
        let mut stopping: Option<Instant> = None;
        loop {
            while let Some((f, new)) = self.outbox.pop_front() {
                if self.send(&mut wr, f, config, counters, new).await.is_err() {
                    return Closed::Lost;
                }
            }
            if let Some(since) = stopping
                && (self.pending.is_empty() || since.elapsed() >= config.drain)
            {
                return Closed::Stop;
            }
            let wake = self.wake(stopping.is_some());
            tokio::select! {
                _ = tokio::time::sleep_until(wake) => {
                    match self.on_timer(&mut wr, config, counters, stopping.is_some()).await {
                        Ok(None) => {}
                        Ok(Some(closed)) => return closed,
                        Err(_) => return Closed::Lost,
                    }
                }
                r = rd.read(&mut buf) => {
                    let n = match r {
                        Ok(0) | Err(_) => return if stopping.is_some() { Closed::Stop } else { Closed::Lost },
                        Ok(n) => n,
                    };
                    framer.push(&buf[..n]);
                    let mut frames = Vec::new();
                    while let Some(item) = framer.next_frame() {
                        if let Ok(frame) = item {
                            frames.push(frame.data.to_vec());
                        }
                    }
                    for data in frames {
                        if self.on_frame(&data, &mut wr, config, counters).await.is_err() {
                            return Closed::Lost;
                        }
                    }
                }
                _ = stop.changed(), if stopping.is_none() => {
                    stopping = Some(Instant::now());
                    if let Some((f, _)) = self.held.take()
                        && self.write(&mut wr, &[f], counters).await.is_err()
                    {
                        return Closed::Stop;
                    }
                }
            }
        }
    }

    /// The next moment something is due: an upload, a re-send, a held frame's flush.
    fn wake(&self, stopping: bool) -> Instant {
        let now = Instant::now();
        let mut wake = now + Duration::from_secs(3600);
        if !stopping && let Some(due) = &self.next {
            let wait = (due.send_at * 1000 - self.clock_ms()).max(0) as u64;
            wake = wake.min(now + Duration::from_millis(wait));
        }
        if let Some(p) = self.pending.iter().map(|p| p.deadline).min() {
            wake = wake.min(p);
        }
        if let Some((_, since)) = &self.held {
            wake = wake.min(*since + Duration::from_millis(500));
        }
        if stopping {
            wake = wake.min(now + Duration::from_millis(50));
        }
        wake
    }

    /// Sends what is due; re-sends what timed out. `Some` when the link is to be dropped.
    async fn on_timer(
        &mut self,
        wr: &mut OwnedWriteHalf,
        config: &RunConfig,
        counters: &Counters,
        stopping: bool,
    ) -> std::io::Result<Option<Closed>> {
        let now = Instant::now();
        if let Some((f, since)) = self.held.take() {
            if now >= since + Duration::from_millis(500) {
                self.write(wr, &[f], counters).await?;
            } else {
                self.held = Some((f, since));
            }
        }
        while !stopping
            && let Some(due) = self.next
            && due.send_at * 1000 <= self.clock_ms()
        {
            self.next = self.schedule.next();
            if config.gaps && self.model.offline(due.send_at) {
                // Hang up until the gap ends; what fell due meanwhile is never sent.
                let mut until = due.send_at;
                while self.model.offline(until) && until < due.send_at + 8 * 3600 {
                    until += 60;
                }
                self.schedule = Schedule::new(&self.spec, until);
                self.next = self.schedule.next();
                return Ok(Some(Closed::Gap(until)));
            }
            let f = encode(&self.spec, &self.model, &due);
            self.send(wr, f, config, counters, true).await?;
        }
        let mut resend = Vec::new();
        for p in self.pending.iter_mut().filter(|p| p.deadline <= now) {
            if p.tries >= config.retries {
                counters.given_up.fetch_add(1, Relaxed);
                return Ok(Some(Closed::Lost));
            }
            p.tries += 1;
            p.deadline = now + config.answer_timeout;
            counters.retries.fetch_add(1, Relaxed);
            resend.push(p.frame.clone());
        }
        for f in resend {
            self.write(wr, &[f], counters).await?;
        }
        Ok(None)
    }

    /// Writes a new frame and remembers it until answered when it asks for an answer.
    async fn send(
        &mut self,
        wr: &mut OwnedWriteHalf,
        f: Vec<u8>,
        config: &RunConfig,
        counters: &Counters,
        count: bool,
    ) -> std::io::Result<()> {
        if count {
            counters.packets.fetch_add(1, Relaxed);
        }
        if let Some(qn) = qn_of(&f)
            && self.spec.quirks.wants_answers()
            && wants_answer(&f)
        {
            if count {
                counters.wanting_answer.fetch_add(1, Relaxed);
            }
            self.pending.push_back(Pending {
                qn,
                frame: f.clone(),
                deadline: Instant::now() + config.answer_timeout,
                tries: 0,
            });
        }
        if self.spec.quirks.writes == Writes::TwoPerWrite {
            return match self.held.take() {
                Some((first, _)) => self.write(wr, &[first, f], counters).await,
                None => {
                    self.held = Some((f, Instant::now()));
                    Ok(())
                }
            };
        }
        self.write(wr, &[f], counters).await
    }

    /// Puts frames on the wire in the device's write pattern.
    async fn write(
        &mut self,
        wr: &mut OwnedWriteHalf,
        frames: &[Vec<u8>],
        counters: &Counters,
    ) -> std::io::Result<()> {
        if self.spec.quirks.writes == Writes::Split {
            for f in frames {
                let cut = f.len() / 2;
                wr.write_all(&f[..cut]).await?;
                wr.flush().await?;
                tokio::time::sleep(Duration::from_millis(20)).await;
                wr.write_all(&f[cut..]).await?;
                counters.writes.fetch_add(2, Relaxed);
            }
            return Ok(());
        }
        wr.write_all(&frames.concat()).await?;
        counters.writes.fetch_add(1, Relaxed);
        Ok(())
    }

    /// Handles one frame from the platform: answers to our packets, set-time and other requests.
    async fn on_frame(
        &mut self,
        data: &[u8],
        wr: &mut OwnedWriteHalf,
        config: &RunConfig,
        counters: &Counters,
    ) -> std::io::Result<()> {
        let Ok(packet) = Packet::parse(data) else {
            return Ok(());
        };
        match packet.cn() {
            Cn::DataAnswer | Cn::NotifyAnswer => {
                let qn = packet
                    .header
                    .qn
                    .as_ref()
                    .map(|q| q.as_str().to_string())
                    .or_else(|| packet.cp.get("QN").map(str::to_string));
                if let Some(qn) = qn
                    && let Some(i) = self.pending.iter().position(|p| p.qn == qn)
                {
                    self.pending.remove(i);
                    counters.answered.fetch_add(1, Relaxed);
                }
            }
            Cn::RequestAnswer | Cn::ExecutionResult => {}
            cn => {
                if !packet.header.needs_answer() && cn != Cn::SetTime {
                    return Ok(());
                }
                if cn == Cn::SetTime
                    && let Some(t) = packet
                        .cp
                        .get("SystemTime")
                        .and_then(hj212::Timestamp::parse)
                {
                    self.skew_ms = unix_of_local(t) * 1000 + 500 - now_ms();
                    // The clock jumped: start the schedule again from the corrected time.
                    self.schedule = Schedule::new(&self.spec, self.clock_ms() / 1000 + 1);
                    self.next = self.schedule.next();
                    counters.time_set.fetch_add(1, Relaxed);
                }
                counters.requests.fetch_add(1, Relaxed);
                let frames = vec![
                    reply(&self.spec, &request_answer(&packet, 1)),
                    reply(&self.spec, &execution_result(&packet, 1)),
                ];
                let _ = config;
                self.write(wr, &frames, counters).await?;
            }
        }
        Ok(())
    }
}

/// The QN of a frame we built (17 digits after `QN=`).
fn qn_of(frame: &[u8]) -> Option<String> {
    let at = frame.windows(3).position(|w| w == b"QN=")?;
    let rest = &frame[at + 3..];
    let end = rest.iter().position(|&b| b == b';')?;
    std::str::from_utf8(&rest[..end]).ok().map(str::to_string)
}

/// Whether a frame we built has Flag A = 1.
fn wants_answer(frame: &[u8]) -> bool {
    let Some(at) = frame.windows(5).position(|w| w == b"Flag=") else {
        return false;
    };
    let digits: String = frame[at + 5..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| b as char)
        .collect();
    digits.parse::<u8>().is_ok_and(|f| f & 1 == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_round_trip() {
        for t in [0i64, 1_546_272_000, 1_764_300_000] {
            assert_eq!(unix_of_local(local_time(t, None)), t);
        }
        assert!(wants_answer(b"##0010QN=1;Flag=5;CP=&&&&"));
        assert!(!wants_answer(b"##0010QN=1;Flag=4;CP=&&&&"));
        assert_eq!(
            qn_of(b"##0010QN=20260101000000001;ST=1").as_deref(),
            Some("20260101000000001")
        );
    }
}
