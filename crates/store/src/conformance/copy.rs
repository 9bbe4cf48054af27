//! The conformance suite, moving data: the copy list is the schema, and a copy reads the same and resumes.

use super::*;

pub fn the_copy_list_is_the_schema(db: &dyn Database) {
    let store = db.connect().unwrap();
    let mut listed: Vec<(String, Vec<String>)> = crate::copy::TABLES
        .iter()
        .map(|t| {
            (
                t.name.to_string(),
                t.column_names().iter().map(|c| c.to_string()).collect(),
            )
        })
        .collect();
    listed.sort();
    assert_eq!(
        store.schema().unwrap(),
        listed,
        "store::copy::TABLES must list every table and column, or a copy would leave data behind"
    );
}

/// Everything a platform stores, copied into a fresh SQLite file (another backend, for PostgreSQL),
/// reads back the same; a copy interrupted after some rows resumes where it stopped.
pub fn a_copy_reads_the_same_and_resumes(db: &dyn Database) {
    let mut store = with_site(db);
    store.upsert_device(&device("MN1", "S1")).unwrap();
    store
        .upsert_county(&County {
            code: "530602".into(),
            name: "昭阳区".into(),
            name_en: Some("Zhaoyang".into()),
            lon: None,
            lat: None,
        })
        .unwrap();
    let mut frames: Vec<FrameRecord> = (0..50)
        .map(|i| frame(Verdict::Accepted, vec![value(T0 + i * 60, i as f64)]))
        .collect();
    frames.push(frame(Verdict::Accepted, vec![value(T0, 99.0)]));
    frames.push(frame(Verdict::UnknownDevice, vec![]));
    store.write_frames(&frames).unwrap();
    store.put_rollups(&[rollup(T0, 24.5)], &[]).unwrap();
    store
        .audit("cli:test", "upsert_site", "S1", Some("name: → S1"))
        .unwrap();
    store
        .count_refusals(&[RefusalCount {
            hour: T0,
            source: "192.0.2.1".into(),
            verdict: Verdict::BadFrame,
            count: 7,
        }])
        .unwrap();

    let file = TempFile::new("copy");
    let copy_db = crate::sqlite::SqliteDatabase::open(&file.0, Durability::Normal).unwrap();
    let report = crate::copy::copy(db, &copy_db, 7, |_| {}).unwrap();
    let total: i64 = report.iter().map(|r| r.copied).sum();
    assert!(total > 50, "{report:?}");
    let copy = copy_db.connect().unwrap();
    let reads = |s: &Store| {
        (
            s.series("S1", "a21026", Interval::Realtime, 0, i64::MAX)
                .unwrap(),
            s.conflicts(None, None, 10).unwrap(),
            s.rollups("S1", "a21026", Period::Hour, 0, i64::MAX)
                .unwrap(),
            s.audit_log(10).unwrap(),
            s.refusal_counts(0).unwrap(),
            s.devices().unwrap(),
            s.counties().unwrap(),
            s.quarantine_counts().unwrap(),
        )
    };
    assert_eq!(reads(&copy), reads(&store));
    assert_eq!(copy.verify_chain().unwrap(), store.verify_chain().unwrap());
    assert_eq!(copy.verify_chain().unwrap().first_broken, None);
    // A later audit entry on the copy gets a new id, not one of the copied ones.
    copy.audit("cli:test", "after", "S1", None).unwrap();
    assert_eq!(copy.audit_log(1).unwrap()[0].action, "after");

    // Interrupted: the last rows of the measurements never arrived. Copying again adds just those.
    drop(copy);
    let sql = rusqlite::Connection::open(&file.0).unwrap();
    sql.execute("DELETE FROM measurements WHERE time >= ?1", [T0 + 40 * 60])
        .unwrap();
    sql.execute("DELETE FROM audit WHERE action = 'after'", [])
        .unwrap();
    let report = crate::copy::copy(db, &copy_db, 7, |_| {}).unwrap();
    let measurements = report.iter().find(|r| r.table == "measurements").unwrap();
    assert_eq!(
        (
            measurements.already,
            measurements.copied,
            measurements.total
        ),
        (40, 10, 50)
    );
    assert!(
        report
            .iter()
            .filter(|r| r.table != "measurements")
            .all(|r| r.copied == 0),
        "{report:?}"
    );
    assert_eq!(reads(&copy_db.connect().unwrap()), reads(&store));
}

/// A SQLite file in the temporary folder, removed (with its WAL) when dropped. The suite is library code
/// (backends' tests call it), so it does not use the dev-only `tempfile`.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(what: &str) -> TempFile {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        TempFile(std::env::temp_dir().join(format!(
            "qingshan-conformance-{what}-{}-{n}-{nanos}.db",
            std::process::id()
        )))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}
