//! The write path alone: frames of seven values each, journaled and stored in batches per transaction, as
//! the gateway's writer does (its batches are whatever queued during the previous commit: large under
//! heavy load, small under light). Prints frames/s and values/s per durability setting and batch size.
//! Run: `cargo bench -p store --bench write`

use std::time::Instant;
use store::{
    CrcPolicy, Device, Durability, FrameRecord, Interval, NewValue, Site, SiteKind, prelude::*,
};

const SITES: usize = 200;
const FRAMES: usize = 100_000;
const PARAMS: [&str; 7] = [
    "a21026", "a21002", "a34013", "a19001", "a01012", "a01011", "a00000",
];

fn main() {
    for (durability, batch_size) in [
        (Durability::Full, 2000),
        (Durability::Full, 250),
        (Durability::Normal, 2000),
        (Durability::Normal, 250),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let db =
            store::sqlite::SqliteDatabase::open(&dir.path().join("bench.db"), durability).unwrap();
        let mut store = db.connect().unwrap();
        for i in 0..SITES {
            let id = format!("LOAD{i:04}");
            store
                .upsert_site(&Site {
                    id: id.clone(),
                    name: id.clone(),
                    kind: SiteKind::FlueGasOutlet,
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
                    mn: format!("MN{i:04}"),
                    password: "123456".into(),
                    site_id: id,
                    protocol: "2017".into(),
                    crc_policy: CrcPolicy::Strict,
                    realtime_interval_s: 60,
                    minute_interval_min: 10,
                })
                .unwrap();
        }
        let raw = vec![b'#'; 260];
        let start = Instant::now();
        let mut frames = 0usize;
        for b in 0..FRAMES / batch_size {
            let batch: Vec<FrameRecord> = (0..batch_size)
                .map(|k| {
                    let n = b * batch_size + k;
                    let site = format!("LOAD{:04}", n % SITES);
                    let time = 1_764_000_000 + (n / SITES) as i64;
                    FrameRecord {
                        received_at_ms: time * 1000,
                        peer: "127.0.0.1:40000".into(),
                        mn: Some(format!("MN{:04}", n % SITES)),
                        cn: Some("2011".into()),
                        verdict: store::Verdict::Accepted,
                        cause: None,
                        raw: raw.clone(),
                        values: PARAMS
                            .iter()
                            .enumerate()
                            .map(|(j, p)| NewValue {
                                site_id: site.clone(),
                                param: p.to_string(),
                                interval: Interval::Realtime,
                                time,
                                value: Some(10.0 + j as f64 + (n % 97) as f64 / 10.0),
                                min: None,
                                max: None,
                                cou: None,
                                flag: Some("N".into()),
                            })
                            .collect(),
                    }
                })
                .collect();
            store.write_frames(&batch).unwrap();
            frames += batch.len();
        }
        let s = start.elapsed().as_secs_f64();
        println!(
            "write_frames {:?}: {frames} frames in {s:.2} s = {:.0} frames/s, {:.0} values/s (batches of {batch_size})",
            durability,
            frames as f64 / s,
            (frames * PARAMS.len()) as f64 / s
        );
    }
}
