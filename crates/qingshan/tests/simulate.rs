//! The simulator against the real platform: quirky devices over real TCP, registered leniently (everything
//! accepted, every packet answered) and strictly (the Modbus-CRC devices' frames quarantined, the rest
//! accepted).

mod support;

use sim::{
    CrcStyle, DeviceSpec, Dialect, Profile, RunConfig, RunReport, fleet_with_quirks, run_fleet,
};
use std::time::Duration;
use store::{CrcPolicy, Device, Interval, Site, SiteKind, Store, Verdict};
use support::{Server, Stopped};

/// Twelve air stations, each quirk on two of them, reporting every second.
fn devices() -> Vec<DeviceSpec> {
    let mut devices = fleet_with_quirks(11, 12, Profile::Demo, 1.0);
    for d in &mut devices {
        d.realtime_interval_s = 1;
    }
    devices
}

/// A platform on loopback ports with `devices` registered (`strict`: every device's CRC policy strict).
async fn start(devices: &[DeviceSpec], strict: bool) -> Server {
    let devices = devices.to_vec();
    Server::start(move |store, _| {
        for d in &devices {
            store
                .upsert_site(&Site {
                    id: d.site_id.clone(),
                    name: d.site_id.clone(),
                    kind: d.kind.site_kind().parse::<SiteKind>().unwrap(),
                    county: None,
                    lon: None,
                    lat: None,
                    enterprise_id: None,
                    emission_standard: None,
                    simulated: true,
                })
                .unwrap();
            store
                .upsert_device(&Device {
                    mn: d.mn.clone(),
                    password: d.password.clone(),
                    site_id: d.site_id.clone(),
                    protocol: d.protocol().into(),
                    crc_policy: if strict {
                        CrcPolicy::Strict
                    } else {
                        d.crc_policy().parse().unwrap()
                    },
                    realtime_interval_s: d.realtime_interval_s,
                    minute_interval_min: d.minute_interval_min,
                })
                .unwrap();
        }
    })
    .await
}

/// Runs `devices` against a fresh platform for `seconds`; returns the run's counts and its database.
async fn run(devices: &[DeviceSpec], strict: bool, seconds: u64) -> (RunReport, Stopped) {
    let server = start(devices, strict).await;
    let mut config = RunConfig::new(server.hj212.clone(), 11);
    config.answer_timeout = Duration::from_millis(1500);
    config.backoff_min = Duration::from_millis(200);
    config.drain = Duration::from_secs(2);
    // A communication gap falling in these few seconds would silence a device the test expects to hear.
    config.gaps = false;
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let fleet = tokio::spawn(run_fleet(devices.to_vec(), config, stop_rx));
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.send(true).unwrap();
    let report = fleet.await.unwrap();
    (report, server.stop().await)
}

fn realtime_values(store: &Store, site: &str) -> usize {
    store
        .series(site, "a34004", Interval::Realtime, 0, i64::MAX)
        .unwrap()
        .len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quirky_devices_are_accepted_and_answered_by_a_lenient_gateway() {
    let devices = devices();
    let (report, stopped) = run(&devices, false, 4).await;
    println!("lenient: {report}");
    assert!(report.packets >= 12 * 3, "{report}");
    assert_eq!(
        report.answered, report.wanting_answer,
        "every packet that asked was answered: {report}"
    );
    assert_eq!(
        (report.retries, report.given_up, report.unanswered_at_end),
        (0, 0, 0),
        "{report}"
    );
    let speaking_1013 = devices
        .iter()
        .filter(|d| d.quirks.dialect != Dialect::V2005)
        .count() as u64;
    assert_eq!(
        report.time_calibrations, speaking_1013,
        "each 2017/2025 device obeyed one 1012"
    );
    let store = stopped.store();
    assert!(store.quarantine(None, None, 100).unwrap().is_empty());
    for d in &devices {
        let n = realtime_values(&store, &d.site_id);
        assert!(
            n >= 2,
            "{} ({:?}) stored {n} real-time values",
            d.site_id,
            d.quirks.names()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strict_gateway_quarantines_the_modbus_crc_devices_only() {
    let devices = devices();
    let (report, stopped) = run(&devices, true, 4).await;
    println!("strict: {report}");
    assert!(report.answered < report.wanting_answer, "{report}");
    assert!(
        report.retries > 0,
        "unanswered packets were re-sent: {report}"
    );
    let store = stopped.store();
    let quarantined = store
        .quarantine(Some(Verdict::BadFrame), None, 1000)
        .unwrap();
    assert!(!quarantined.is_empty());
    for entry in &quarantined {
        let mn = entry.mn.as_deref().unwrap();
        let device = devices.iter().find(|d| d.mn == mn).unwrap();
        assert_eq!(device.quirks.crc, CrcStyle::ModbusLowByteFirst, "{entry:?}");
        assert!(
            entry
                .cause
                .as_deref()
                .unwrap()
                .starts_with("crc_variant_refused"),
            "{entry:?}"
        );
    }
    for d in &devices {
        let n = realtime_values(&store, &d.site_id);
        if d.quirks.crc == CrcStyle::ModbusLowByteFirst {
            assert_eq!(
                n, 0,
                "{}: nothing from a refused device reaches the series",
                d.site_id
            );
            assert!(
                quarantined
                    .iter()
                    .any(|e| e.mn.as_deref() == Some(d.mn.as_str()))
            );
        } else {
            assert!(
                n >= 2,
                "{} ({:?}) stored {n} real-time values",
                d.site_id,
                d.quirks.names()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_mode_gets_every_packet_answered_and_idle_connections_stay_open() {
    let devices = sim::fleet(5, 4, Profile::Load);
    let server = start(&devices, false).await;
    let mut config = sim::load::LoadConfig::new(server.hj212.clone(), 5);
    config.duration = Duration::from_millis(1500);
    config.window = 8;
    let report = sim::load::run(&devices, &config).await.unwrap();
    println!("{report}");
    assert_eq!(report.connections, 4);
    assert!(report.sent > 100, "{report}");
    assert_eq!(report.answered, report.sent, "{report}");
    assert_eq!(report.errors, 0, "{report}");
    assert_eq!(report.values_answered, report.answered * 7);
    assert!(report.latency_ms(0.5) <= report.latency_ms(0.99));
    let idle = sim::load::hold_idle(&server.hj212, 50, Duration::from_millis(500), |_| {})
        .await
        .unwrap();
    assert_eq!(
        (idle.opened, idle.failed, idle.closed_by_server),
        (50, 0, 0)
    );
    let elsewhere =
        sim::load::run(&devices, &sim::load::LoadConfig::new("192.0.2.1:9212", 5)).await;
    assert!(matches!(
        elsewhere,
        Err(sim::load::LoadError::NotLoopback(_))
    ));
    let stopped = server.stop().await;
    let store = stopped.store();
    let stored = store
        .series("LOAD0001", "a21026", Interval::Realtime, 0, i64::MAX)
        .unwrap()
        .len();
    assert!(stored > 10, "answered packets are stored: {stored}");
}
