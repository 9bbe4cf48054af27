//! `qingshan simulate`: simulated HJ 212 data loggers over real TCP (the `sim` crate).
//!
//! - `--profile demo` (default): the demo city's devices report on their kinds' schedules until `--duration`
//!   or Ctrl-C, then the run's counts are printed.
//! - `--profile load`: one connection per device, packets pipelined as fast as `--rate` allows, then sustained
//!   packets/s, answers, values/s, answer-latency percentiles and errors. Loopback only, bounded.
//! - `--idle-connections N`: opens N connections, holds them for `--duration`, reports (and with
//!   `--server-pid` prints the server's resident memory while they are open).
//! - `--register DATA_DIR` registers the fleet's sites and devices in that data folder first (the server
//!   picks them up within seconds); `--list` prints the fleet instead of running it.

use anyhow::{Context, bail};
use sim::load::{LoadConfig, hold_idle};
use sim::{DeviceSpec, Profile, RunConfig, fleet_with_quirks, run_fleet_counting};
use std::path::PathBuf;
use std::time::Duration;

/// Arguments of `qingshan simulate`.
#[derive(clap::Args, Debug)]
pub struct SimulateArgs {
    /// The gateway to connect to, HOST:PORT.
    #[arg(long, default_value = "127.0.0.1:9212")]
    target: String,
    /// Number of simulated devices (demo: the city's 56 sites first, then synthetic ones).
    #[arg(long, default_value_t = 56)]
    devices: usize,
    /// Packets per second over all devices. Load: the sending rate (default: as fast as answers come back).
    /// Demo: sets every device's real-time interval to devices/rate seconds (at least 1 s).
    #[arg(long)]
    rate: Option<f64>,
    /// How long to run: `30s`, `5m`, `2h` or seconds (demo default: until Ctrl-C; load and idle: 10 s).
    #[arg(long, value_parser = parse_duration)]
    duration: Option<Duration>,
    /// `demo` (the city's devices on their real schedules) or `load` (the gateway benchmark).
    #[arg(long, default_value = "demo")]
    profile: Profile,
    /// Seed of device names, passwords and values.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Share of devices (0–1) with a real-world quirk (demo default 0.15, load 0).
    #[arg(long)]
    quirks: Option<f64>,
    /// Open this many idle connections and hold them for --duration instead of simulating devices.
    #[arg(long)]
    idle_connections: Option<usize>,
    /// The server's process id: its resident memory is printed while the idle connections are open.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Register the fleet's sites and devices in this data folder before running.
    #[arg(long)]
    register: Option<PathBuf>,
    /// With --register: the database to register in (sqlite:PATH or postgres://…; default the data
    /// folder's SQLite file). The device key stays in the data folder.
    #[arg(long, requires = "register")]
    database: Option<String>,
    /// Print the fleet (MN, password, kind, site, protocol, CRC policy, quirks) as TSV and exit.
    #[arg(long)]
    list: bool,
    /// Load: packets in flight per connection at most.
    #[arg(long, default_value_t = 64)]
    window: usize,
    /// Demo: seconds to wait for an answer before re-sending (HJ 212 default 10).
    #[arg(long, default_value_t = 10)]
    answer_timeout: u64,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(text.len()),
    );
    let n: f64 = number
        .parse()
        .map_err(|_| format!("bad duration {text:?}"))?;
    let seconds = match unit {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("bad duration unit in {text:?} (use ms, s, m or h)")),
    };
    Ok(Duration::from_secs_f64(seconds))
}

/// Runs the subcommand.
pub fn run(args: SimulateArgs) -> anyhow::Result<()> {
    let share = args.quirks.unwrap_or(args.profile.default_quirk_share());
    if !(0.0..=1.0).contains(&share) {
        bail!("--quirks must be between 0 and 1");
    }
    let mut devices = fleet_with_quirks(args.seed, args.devices, args.profile, share);
    if let Some(rate) = args.rate
        && args.profile == Profile::Demo
    {
        let interval = (args.devices as f64 / rate.max(1e-6)).round().max(1.0) as u32;
        for d in &mut devices {
            d.realtime_interval_s = interval;
        }
    }
    if let Some(dir) = &args.register {
        register(dir, args.database.clone(), &devices)?;
        eprintln!("registered {} devices in {}", devices.len(), dir.display());
    }
    if args.list {
        println!("mn\tpassword\tkind\tsite\tprotocol\tcrc_policy\trealtime_interval_s\tquirks");
        for d in &devices {
            println!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                d.mn,
                d.password,
                d.kind.site_kind(),
                d.site_id,
                d.protocol(),
                d.crc_policy(),
                d.realtime_interval_s,
                d.quirks.names().join(",")
            );
        }
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        if let Some(n) = args.idle_connections {
            let hold = args.duration.unwrap_or(Duration::from_secs(10));
            let pid = args.server_pid;
            let report = hold_idle(&args.target, n, hold, |opened| {
                eprintln!("{opened} idle connections open; holding for {hold:?}");
                if let Some(pid) = pid {
                    // Give the server a moment to accept the last of them.
                    std::thread::sleep(Duration::from_secs(2));
                    match resident_kib(pid) {
                        Some(kib) => println!("server pid {pid} resident memory {:.1} MiB with {opened} idle connections", kib as f64 / 1024.0),
                        None => println!("cannot read /proc/{pid}/status"),
                    }
                }
            })
            .await?;
            println!(
                "idle connections: opened {}, failed {}, closed by the server during the hold {}",
                report.opened, report.failed, report.closed_by_server
            );
            return Ok(());
        }
        match args.profile {
            Profile::Load => {
                let mut config = LoadConfig::new(args.target.clone(), args.seed);
                config.rate = args.rate.unwrap_or(0.0);
                config.duration = args.duration.unwrap_or(Duration::from_secs(10));
                config.window = args.window.max(1);
                let report = sim::load::run(&devices, &config).await?;
                println!("{report}");
            }
            Profile::Demo => {
                let mut config = RunConfig::new(args.target.clone(), args.seed);
                config.answer_timeout = Duration::from_secs(args.answer_timeout.max(1));
                let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
                let duration = args.duration;
                tokio::spawn(async move {
                    match duration {
                        Some(d) => {
                            tokio::select! {
                                _ = tokio::time::sleep(d) => {}
                                _ = tokio::signal::ctrl_c() => {}
                            }
                        }
                        None => {
                            let _ = tokio::signal::ctrl_c().await;
                        }
                    }
                    let _ = stop_tx.send(true);
                });
                eprintln!("{} simulated devices reporting to {}", devices.len(), args.target);
                let counters = std::sync::Arc::new(sim::Counters::default());
                let progress = counters.clone();
                let ticker = tokio::spawn(async move {
                    let mut every = tokio::time::interval(Duration::from_secs(60));
                    every.tick().await;
                    loop {
                        every.tick().await;
                        eprintln!("{}", progress.report());
                    }
                });
                let report = run_fleet_counting(devices, config, stop_rx, counters).await;
                ticker.abort();
                println!("{report}");
            }
        }
        Ok(())
    })
}

/// Registers the fleet's sites (only those missing, marked simulated) and devices in `dir`'s database.
fn register(
    dir: &std::path::Path,
    database_url: Option<String>,
    devices: &[DeviceSpec],
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let settings = platform::Settings {
        data_dir: dir.to_path_buf(),
        database_url,
        ..platform::Settings::default()
    };
    let mut store = platform::open_database(&settings)?.connect()?;
    let key = platform::registry::DeviceKey::load_or_create(&settings.device_key_path())?;
    let actor = platform::registry::Actor::new(format!("{}:simulate", super::cli_actor()));
    for d in devices {
        let site = store::Site {
            id: d.site_id.clone(),
            name: format!("simulated {} {}", d.kind.site_kind(), d.site_id),
            kind: d.kind.site_kind().parse()?,
            county: None,
            lon: None,
            lat: None,
            enterprise_id: None,
            emission_standard: None,
            simulated: true,
        };
        let device = store::Device {
            mn: d.mn.clone(),
            password: d.password.clone(),
            site_id: d.site_id.clone(),
            protocol: d.protocol().to_string(),
            crc_policy: d.crc_policy().parse()?,
            realtime_interval_s: d.realtime_interval_s,
            minute_interval_min: d.minute_interval_min,
        };
        platform::registry::register_device_and_site(&mut store, &actor, &device, &site, &key)?;
    }
    Ok(())
}

/// VmRSS of a process, KiB (Linux).
fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
