//! One flue-gas outlet and its logger, and the waits of tests that send it HJ 212 frames over TCP and read
//! what supervision made of them (rollups, then determinations, both between the writer's batches).

use super::Server;
use store::{County, Device, Enterprise, Site, SiteKind};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

pub const MN: &str = "MNEXCEED0001";

/// County 530602, enterprise E01 and its flue-gas outlet S01 with the logger [`MN`] (password 123456).
pub fn prepare(store: &mut store::Store) {
    store
        .upsert_county(&County {
            code: "530602".into(),
            name: "昭阳区".into(),
            name_en: None,
            lon: None,
            lat: None,
        })
        .unwrap();
    store
        .upsert_enterprise(&Enterprise {
            id: "E01".into(),
            name: "电厂".into(),
            county: Some("530602".into()),
        })
        .unwrap();
    store
        .upsert_site(&Site {
            id: "S01".into(),
            name: "1号锅炉排口".into(),
            kind: SiteKind::FlueGasOutlet,
            county: Some("530602".into()),
            lon: None,
            lat: None,
            enterprise_id: Some("E01".into()),
            emission_standard: None,
            simulated: false,
        })
        .unwrap();
    store
        .upsert_device(&Device {
            mn: MN.into(),
            password: "123456".into(),
            site_id: "S01".into(),
            protocol: "auto".into(),
            crc_policy: store::CrcPolicy::Strict,
            realtime_interval_s: 60,
            minute_interval_min: 10,
        })
        .unwrap();
}

/// Writes `frames` to the gateway as one logger while reading its answers; every one must be 9014.
pub async fn send_all(server: &Server, frames: &[u8], count: usize) {
    let mut dev = TcpStream::connect(&server.hj212).await.unwrap();
    let (mut rd, mut wr) = dev.split();
    let (answers, written) = tokio::join!(
        async {
            use tokio::io::AsyncReadExt;
            let mut s = Vec::new();
            let mut buf = [0u8; 65536];
            while s.iter().filter(|&&b| b == b'\n').count() < count {
                let n = rd.read(&mut buf).await.unwrap();
                assert!(n > 0, "the gateway closed before answering");
                s.extend_from_slice(&buf[..n]);
            }
            s
        },
        wr.write_all(frames)
    );
    written.unwrap();
    assert_eq!(
        String::from_utf8_lossy(&answers).matches("CN=9014").count(),
        count
    );
}

/// Waits until every hour from `first` to `last` (local, yesterday) of `site`/`param` is rolled up from
/// all of its `minutes`: rollups run between write batches, and an hour rolled up while its minutes were
/// still arriving is rolled up again after them, so a partial hour is not the last word.
pub async fn rolled_up(
    server: &Server,
    site: &str,
    param: &str,
    hours: std::ops::Range<u32>,
    minutes: u64,
) {
    let day = yesterday();
    let path = format!(
        "/api/v1/sites/{site}/rollups?param={param}&period=hour&from={day}T00:00:00%2B08:00&to={}T00:00:00%2B08:00",
        day.tomorrow().unwrap()
    );
    let mut got = serde_json::Value::Null;
    for _ in 0..400 {
        got = server.json(&path).await;
        let rows = got["rollups"].as_array().cloned().unwrap_or_default();
        if rows.len() == hours.len() && rows.iter().all(|r| r["count"].as_u64() == Some(minutes)) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("hours {hours:?} of {site}/{param} not rolled up from {minutes} minutes each: {got}");
}

/// Polls `path` until `got` of the answer equals `expected`, then returns the answer: the determination
/// job stores what it finds after the rollups it follows, between write batches, so an answer read
/// before its last run may still show the day as an earlier, partial rollup had it.
pub async fn determined<T: PartialEq + std::fmt::Debug>(
    server: &Server,
    path: &str,
    got: impl Fn(&serde_json::Value) -> T,
    expected: T,
) -> serde_json::Value {
    let mut answer = serde_json::Value::Null;
    for _ in 0..400 {
        answer = server.json(path).await;
        if got(&answer) == expected {
            return answer;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(got(&answer), expected, "{path}: {answer}");
    answer
}

/// (param, kind, start, end) of each data problem; the end of a silence still going on when it was
/// determined is `now`, shown as "open".
pub fn problem_rows(
    answer: &serde_json::Value,
    open_after: &str,
) -> Vec<(String, String, String, String)> {
    answer["problems"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap_or_default().to_string();
            let end = if s("kind") == "gap" && s("end").as_str() > open_after {
                "open".to_string()
            } else {
                s("end")
            };
            (s("param"), s("kind"), s("start"), end)
        })
        .collect()
}

pub fn yesterday() -> jiff::civil::Date {
    jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date()
        .yesterday()
        .unwrap()
}

/// The frame of minute `h:m` of `day` from the logger [`MN`]: SO2 `so2` mg/m³ at 6 % O2 and 100 m³/s of
/// flue gas, each with a wobble of 0, 0.01, 0.02 (averaging 0.01 an hour) so that nothing is stuck.
pub fn flue_gas_minute(day: jiff::civil::Date, h: u32, m: u32, so2: f64) -> Vec<u8> {
    let stamp = format!("{}{h:02}{m:02}00", day.strftime("%Y%m%d"));
    let w = f64::from(m % 3) * 0.01;
    super::device::packet(
        &format!("{stamp}000"),
        "2011",
        MN,
        "123456",
        &format!(
            "DataTime={stamp};a21026-Rtd={:.2},a21026-Flag=N;a19001-Rtd={:.2},a19001-Flag=N;a00000-Rtd={:.2},a00000-Flag=N",
            so2 + w,
            6.0 + w,
            100.0 + w
        ),
    )
}
