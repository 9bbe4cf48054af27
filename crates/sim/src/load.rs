//! Load generation for the gateway benchmark (issue 4 item 9): many connections, each a registered device
//! sending real-time packets pipelined (Flag A = 1, so every one is answered after the platform's durable
//! commit) as fast as the rate allows, with answer latencies measured per packet; and idle connections held
//! open to measure the server's memory per connection. Bounded in connections and time, loopback only.

use crate::devices::DeviceSpec;
use crate::quirks::frame;
use crate::uploads::{Due, Upload, data_area, local_time};
use crate::values::Model;
use hj212::{Cn, CrcPolicy, Framer, FramerConfig, Packet};
use std::collections::VecDeque;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// The most connections a load run or an idle hold may open.
pub const MAX_CONNECTIONS: usize = 20_000;
/// The longest a load run or an idle hold may last.
pub const MAX_DURATION: Duration = Duration::from_secs(600);

/// Why a load run could not start.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The target does not resolve.
    #[error("cannot resolve {0}")]
    Resolve(String),
    /// Load is only generated against this machine.
    #[error("load mode only targets loopback addresses; {0} is not one")]
    NotLoopback(SocketAddr),
    /// Too many connections or too long.
    #[error("{0}")]
    Bounds(String),
    /// No connection could be opened.
    #[error("no connection to {target} could be opened: {source}")]
    Connect {
        /// The target.
        target: String,
        /// The last error.
        source: std::io::Error,
    },
}

/// A load run's settings.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// The gateway, `HOST:PORT` on loopback.
    pub target: String,
    /// Packets per second over all connections; 0 sends as fast as answers come back.
    pub rate: f64,
    /// How long to send.
    pub duration: Duration,
    /// Packets in flight (sent, not yet answered) per connection at most.
    pub window: usize,
    /// How long to wait for the last answers after sending stops.
    pub drain: Duration,
    /// The seed of the values.
    pub seed: u64,
}

impl LoadConfig {
    /// Defaults: unlimited rate, 10 s, 64 packets in flight per connection.
    pub fn new(target: impl Into<String>, seed: u64) -> LoadConfig {
        LoadConfig {
            target: target.into(),
            rate: 0.0,
            duration: Duration::from_secs(10),
            window: 64,
            drain: Duration::from_secs(5),
            seed,
        }
    }
}

/// What a load run measured.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    /// Connections that were opened.
    pub connections: usize,
    /// Packets sent.
    pub sent: u64,
    /// Answers (9014) received.
    pub answered: u64,
    /// Values carried by the answered packets.
    pub values_answered: u64,
    /// Seconds spent sending.
    pub sending_s: f64,
    /// Connection failures, I/O errors and packets left unanswered.
    pub errors: u64,
    /// Answer latencies in microseconds, sorted.
    pub latencies_us: Vec<u32>,
}

impl LoadReport {
    /// The `q` quantile (0–1) of answer latency, ms.
    pub fn latency_ms(&self, q: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        let i = ((self.latencies_us.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize;
        f64::from(self.latencies_us[i]) / 1000.0
    }
}

impl std::fmt::Display for LoadReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.sending_s.max(1e-9);
        writeln!(f, "connections        {}", self.connections)?;
        writeln!(
            f,
            "packets sent       {} ({:.0} packets/s over {:.1} s)",
            self.sent,
            self.sent as f64 / s,
            s
        )?;
        writeln!(
            f,
            "answers received   {} ({:.0} answers/s)",
            self.answered,
            self.answered as f64 / s
        )?;
        writeln!(
            f,
            "values answered    {} ({:.0} values/s)",
            self.values_answered,
            self.values_answered as f64 / s
        )?;
        writeln!(
            f,
            "answer latency ms  p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
            self.latency_ms(0.5),
            self.latency_ms(0.9),
            self.latency_ms(0.99),
            self.latency_ms(1.0)
        )?;
        write!(f, "errors             {}", self.errors)
    }
}

fn loopback(target: &str) -> Result<SocketAddr, LoadError> {
    let addr = target
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| LoadError::Resolve(target.to_string()))?;
    if !addr.ip().is_loopback() {
        return Err(LoadError::NotLoopback(addr));
    }
    Ok(addr)
}

fn bounds(connections: usize, duration: Duration) -> Result<(), LoadError> {
    if connections == 0 || connections > MAX_CONNECTIONS {
        return Err(LoadError::Bounds(format!(
            "connections must be 1..={MAX_CONNECTIONS}, not {connections}"
        )));
    }
    if duration > MAX_DURATION {
        return Err(LoadError::Bounds(format!(
            "duration must be at most {MAX_DURATION:?}"
        )));
    }
    Ok(())
}

struct Outcome {
    sent: u64,
    answered: u64,
    errors: u64,
    latencies: Vec<u32>,
    sending: Duration,
}

/// Runs `devices` (one connection each; they must be registered on the server) against the loopback target.
pub async fn run(devices: &[DeviceSpec], config: &LoadConfig) -> Result<LoadReport, LoadError> {
    let addr = loopback(&config.target)?;
    bounds(devices.len(), config.duration)?;
    let per_connection = if config.rate > 0.0 {
        config.rate / devices.len() as f64
    } else {
        0.0
    };
    let mut streams = Vec::with_capacity(devices.len());
    let mut last_error = None;
    for d in devices {
        match TcpStream::connect(addr).await {
            Ok(s) => streams.push((d.clone(), s)),
            Err(e) => last_error = Some(e),
        }
    }
    if streams.is_empty() {
        return Err(LoadError::Connect {
            target: config.target.clone(),
            source: last_error.unwrap_or_else(|| std::io::Error::other("no devices")),
        });
    }
    let failed = (devices.len() - streams.len()) as u64;
    let connections = streams.len();
    let start = Instant::now();
    let tasks: Vec<_> = streams
        .into_iter()
        .map(|(spec, stream)| {
            let config = config.clone();
            tokio::spawn(
                async move { connection(spec, stream, &config, per_connection, start).await },
            )
        })
        .collect();
    let mut report = LoadReport {
        connections,
        errors: failed,
        ..LoadReport::default()
    };
    let mut sending = Duration::ZERO;
    let values_per_packet = devices.first().map_or(0, |d| d.kind.factors().len()) as u64;
    for t in tasks {
        match t.await {
            Ok(o) => {
                report.sent += o.sent;
                report.answered += o.answered;
                report.errors += o.errors;
                report.latencies_us.extend(o.latencies);
                sending = sending.max(o.sending);
            }
            Err(_) => report.errors += 1,
        }
    }
    report.values_answered = report.answered * values_per_packet;
    report.sending_s = sending.as_secs_f64();
    report.latencies_us.sort_unstable();
    Ok(report)
}

async fn connection(
    spec: DeviceSpec,
    stream: TcpStream,
    config: &LoadConfig,
    rate: f64,
    start: Instant,
) -> Outcome {
    let _ = stream.set_nodelay(true);
    let (mut rd, mut wr) = stream.into_split();
    let model = Model::new(&spec, config.seed);
    // Data times one per second back from now, so every packet writes new values.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let first_data_time = now - 86_400 * 30;
    // Values of this moment: a repeated run rewrites the same keys with new values, not unchanged rows.
    let due = Due {
        send_at: now,
        upload: Upload::RealTime,
        data_time: now,
        span: 0,
    };
    let body = data_area(&model, &due);
    let body = body
        .split_once(';')
        .map_or(String::new(), |(_, rest)| rest.to_string());
    let mut framer = Framer::new(FramerConfig::default().with_crc_policy(CrcPolicy::Lenient));
    let mut in_flight: VecDeque<(String, Instant)> = VecDeque::new();
    let mut out = Outcome {
        sent: 0,
        answered: 0,
        errors: 0,
        latencies: Vec::new(),
        sending: Duration::ZERO,
    };
    let end = start + config.duration;
    let mut buf = vec![0u8; 64 * 1024];
    // Paced connections start at spread-out phases of their interval (golden-ratio offsets), as real
    // devices do: started in step they would all send in the same millisecond, every interval.
    let mut next_send = if rate > 0.0 {
        let phase = (f64::from(spec.index) * 0.618_033_988_75).fract();
        Instant::now() + Duration::from_secs_f64(phase / rate)
    } else {
        Instant::now()
    };
    let mut sending = true;
    let mut batch = Vec::with_capacity(64 * 400);
    loop {
        if sending && Instant::now() >= end {
            sending = false;
            out.sending = start.elapsed();
        }
        if !sending && (in_flight.is_empty() || Instant::now() >= end + config.drain) {
            break;
        }
        let room = config.window.saturating_sub(in_flight.len());
        let can_send = sending && room > 0;
        tokio::select! {
            biased;
            r = rd.read(&mut buf) => {
                let n = match r {
                    Ok(0) | Err(_) => { out.errors += 1; break; }
                    Ok(n) => n,
                };
                let arrived = Instant::now();
                framer.push(&buf[..n]);
                while let Some(item) = framer.next_frame() {
                    let Ok(f) = item else { out.errors += 1; continue };
                    let Ok(p) = Packet::parse(&f.data) else { out.errors += 1; continue };
                    if p.cn() != Cn::DataAnswer {
                        continue;
                    }
                    let Some(qn) = p.header.qn.as_ref().map(|q| q.as_str()) else { continue };
                    if let Some(i) = in_flight.iter().position(|(q, _)| q == qn)
                        && let Some((_, sent_at)) = in_flight.remove(i)
                    {
                        let us = arrived.duration_since(sent_at).as_micros();
                        out.latencies.push(us.min(u128::from(u32::MAX)) as u32);
                        out.answered += 1;
                    }
                }
            }
            _ = tokio::time::sleep_until(next_send), if can_send => {
                let now = Instant::now();
                let allowed = if rate > 0.0 {
                    ((now.duration_since(start).as_secs_f64() * rate) as u64).saturating_sub(out.sent) as usize
                } else {
                    room
                };
                let burst = allowed.min(room).min(64);
                batch.clear();
                for _ in 0..burst {
                    let i = out.sent as i64;
                    let qn_ms = now_ms_base(start) + i;
                    let qn = local_time(qn_ms.div_euclid(1000), Some(qn_ms.rem_euclid(1000) as u16));
                    let cp = format!("DataTime={};{body}", local_time(first_data_time + i, None));
                    let f = frame(&spec, Cn::RealTimeData, qn, cp, true);
                    in_flight.push_back((qn.to_string(), now));
                    batch.extend_from_slice(&f);
                    out.sent += 1;
                }
                if !batch.is_empty() && wr.write_all(&batch).await.is_err() {
                    out.errors += 1;
                    break;
                }
                // Paced: wake when the next packet is due (at least 2 ms apart), as a device would, rather
                // than polling; a load generator that burns CPU on timers steals it from the server.
                next_send = if rate > 0.0 && burst == allowed {
                    now + Duration::from_secs_f64((1.0 / rate).max(0.002))
                } else {
                    now
                };
            }
            _ = tokio::time::sleep_until(end), if sending => {}
            _ = tokio::time::sleep_until(end + config.drain), if !sending => {}
        }
    }
    if out.sending.is_zero() {
        out.sending = start.elapsed();
    }
    out.errors += in_flight.len() as u64;
    out
}

/// The QN clock of a run: wall-clock milliseconds at its start (QNs then count up one per packet).
fn now_ms_base(start: Instant) -> i64 {
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    wall - start.elapsed().as_millis() as i64
}

/// What holding idle connections showed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdleReport {
    /// Connections opened.
    pub opened: usize,
    /// Connection attempts that failed.
    pub failed: usize,
    /// Connections the server had closed by the end.
    pub closed_by_server: usize,
}

/// Opens `n` connections to the loopback `target`, sends nothing, and holds them for `hold` (calling
/// `during` once they are all open, e.g. to read the server's memory), then reports how many survived.
pub async fn hold_idle(
    target: &str,
    n: usize,
    hold: Duration,
    during: impl FnOnce(usize),
) -> Result<IdleReport, LoadError> {
    let addr = loopback(target)?;
    bounds(n, hold)?;
    let mut streams = Vec::with_capacity(n);
    let mut report = IdleReport::default();
    for chunk in (0..n).collect::<Vec<_>>().chunks(256) {
        let attempts: Vec<_> = chunk
            .iter()
            .map(|_| tokio::spawn(TcpStream::connect(addr)))
            .collect();
        for a in attempts {
            match a.await {
                Ok(Ok(s)) => streams.push(s),
                _ => report.failed += 1,
            }
        }
    }
    report.opened = streams.len();
    during(report.opened);
    tokio::time::sleep(hold).await;
    let mut probe = [0u8; 1];
    report.closed_by_server = streams
        .iter()
        .filter(|s| match s.try_read(&mut probe) {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
        })
        .count();
    Ok(report)
}
