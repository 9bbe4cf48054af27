//! The invariants of ARCHITECTURE.md that a machine can check: which crate may depend on which (from
//! `cargo metadata`), and what may appear in whose sources. A change that breaks one fails here, with
//! the rule and the offending place named.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Each workspace crate's normal (non-dev, non-build) dependencies, by name.
fn dependencies() -> BTreeMap<String, Vec<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("running cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["kind"].is_null())
                .map(|d| d["name"].as_str().unwrap().to_string())
                .collect();
            (p["name"].as_str().unwrap().to_string(), deps)
        })
        .collect()
}

const WORKSPACE: [&str; 8] = [
    "hj212",
    "standards",
    "store",
    "platform",
    "web",
    "sim",
    "qingshan",
    "testdata",
];
const DATABASE_DRIVERS: [&str; 6] = [
    "rusqlite",
    "postgres",
    "tokio-postgres",
    "deadpool-postgres",
    "sqlx",
    "libsqlite3-sys",
];
const HTTP: [&str; 5] = ["axum", "hyper", "tower", "tower-http", "http"];
const RUNTIMES: [&str; 3] = ["tokio", "async-std", "smol"];

#[test]
fn dependencies_point_one_way() {
    let deps = dependencies();
    // The workspace crates each crate may use (the layout of ARCHITECTURE.md).
    let allowed: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("hj212", &[][..]),
        ("standards", &[][..]),
        ("testdata", &[][..]),
        ("store", &[][..]),
        ("sim", &["hj212"][..]),
        ("platform", &["hj212", "standards", "store"][..]),
        ("web", &["platform", "standards", "store"][..]),
        (
            "qingshan",
            &["hj212", "standards", "store", "platform", "web", "sim"][..],
        ),
    ]);
    for (krate, used) in &deps {
        let Some(ok) = allowed.get(krate.as_str()) else {
            panic!("crate {krate} is not in ARCHITECTURE.md's layout: add it there and here");
        };
        for d in used.iter().filter(|d| WORKSPACE.contains(&d.as_str())) {
            assert!(
                ok.contains(&d.as_str()),
                "{krate} depends on {d}, against the one-way layout"
            );
        }
    }
}

#[test]
fn only_store_speaks_to_a_database_and_platform_knows_no_http() {
    let deps = dependencies();
    for (krate, used) in &deps {
        for d in used {
            if krate != "store" {
                assert!(
                    !DATABASE_DRIVERS.contains(&d.as_str()),
                    "{krate} depends on the database driver {d}: only store speaks SQL"
                );
            }
            if matches!(krate.as_str(), "platform" | "store" | "standards" | "hj212") {
                assert!(
                    !HTTP.contains(&d.as_str()),
                    "{krate} depends on the HTTP crate {d}: HTTP belongs to web"
                );
            }
            if matches!(krate.as_str(), "standards" | "hj212") {
                assert!(
                    !RUNTIMES.contains(&d.as_str()),
                    "{krate} depends on the runtime {d}: it must do no I/O"
                );
            }
        }
    }
}

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    out.sort();
    out
}

/// Lines of `text` (outside `//` comments) containing any of `needles`.
fn offending<'a>(text: &'a str, needles: &[&str]) -> Vec<&'a str> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .filter(|l| needles.iter().any(|n| l.contains(n)))
        .collect()
}

#[test]
fn sql_is_written_only_in_store() {
    let sql = [
        "SELECT ",
        "INSERT INTO",
        "CREATE TABLE",
        "DELETE FROM",
        "ON CONFLICT",
    ];
    for krate in ["hj212", "standards", "platform", "web", "sim", "qingshan"] {
        for (path, text) in sources(&root().join("crates").join(krate).join("src")) {
            let lines = offending(&text, &sql);
            assert!(
                lines.is_empty(),
                "{} writes SQL; only store may: {lines:?}",
                path.display()
            );
        }
    }
}

#[test]
fn platform_imports_no_http_and_writes_no_html() {
    let needles = [
        "axum", "hyper::", "<html", "<div", "<table", "<td", "<span", "<svg",
    ];
    for (path, text) in sources(&root().join("crates/platform/src")) {
        let lines = offending(&text, &needles);
        assert!(
            lines.is_empty(),
            "{} uses HTTP or writes HTML: {lines:?}",
            path.display()
        );
    }
}

#[test]
fn standards_and_hj212_do_no_io() {
    let io = [
        "std::fs",
        "std::net",
        "std::process",
        "File::",
        "tokio",
        "TcpStream",
        "std::io::stdin",
    ];
    for krate in ["standards", "hj212"] {
        for (path, text) in sources(&root().join("crates").join(krate).join("src")) {
            let lines = offending(&text, &io);
            assert!(lines.is_empty(), "{} does I/O: {lines:?}", path.display());
        }
    }
}

#[test]
fn capabilities_do_not_call_back_up_into_the_platform() {
    for capability in ["ingest", "series", "registry", "figures"] {
        let dir = root().join("crates/platform/src").join(capability);
        for (path, text) in sources(&dir) {
            let lines = offending(&text, &["crate::Platform", "use crate::{Platform"]);
            assert!(
                lines.is_empty(),
                "{} uses the whole Platform; take what it needs instead: {lines:?}",
                path.display()
            );
        }
    }
}

#[test]
fn no_source_file_in_web_or_platform_is_over_700_lines() {
    let mut long = Vec::new();
    for krate in ["web", "platform"] {
        for (path, text) in sources(&root().join("crates").join(krate).join("src")) {
            let n = text.lines().count();
            if n > 700 {
                long.push(format!("{} ({n} lines)", path.display()));
            }
        }
    }
    assert!(long.is_empty(), "split these by job: {long:?}");
}

/// `scripts/test` runs the test files built on the shared test server a second time on PostgreSQL; a new
/// such file must be in that list, or its behaviour would be checked on SQLite only.
#[test]
fn every_test_server_file_also_runs_on_postgres() {
    let script = std::fs::read_to_string(root().join("scripts/test")).unwrap();
    let postgres_run: String = script
        .split("QINGSHAN_TEST_BACKEND=postgres cargo test")
        .nth(1)
        .expect("scripts/test runs the server tests on PostgreSQL")
        .lines()
        .take_while(|l| l.trim_end().ends_with('\\') || l.trim_start().starts_with("--test"))
        .collect::<Vec<_>>()
        .join(" ");
    let dir = root().join("crates/qingshan/tests");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        // The browser test needs Chromium and runs on its own in scripts/test.
        if path.extension().is_some_and(|e| e == "rs")
            && text.contains("Server::start")
            && !matches!(name.as_str(), "web_browser" | "architecture")
        {
            assert!(
                postgres_run
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .windows(2)
                    .any(|w| w == ["--test", name.as_str()]),
                "{name}.rs uses the test server but scripts/test does not run it on PostgreSQL"
            );
        }
    }
}
