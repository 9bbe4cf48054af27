//! Test-only access to the third-party data kept in `../shared/` beside the checkout.
//!
//! That data (CNEMC air records, water bulletins, HJ 212 packets and reference vectors) is never committed
//! into this repository. A test asks for a file with [`shared`]; when `../shared/` is absent the test skips
//! with a clear message on a user's machine, and fails under `CI=true`, where the data must be present.

use std::path::PathBuf;

/// The `shared/` folder beside the checkout (`<repo>/../shared`), whether or not it exists.
pub fn shared_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("QINGSHAN_SHARED_DIR") {
        return PathBuf::from(dir);
    }
    // crates/testdata -> crates -> repo -> its parent
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// The path of `relative` inside `../shared/`, or `None` (after printing why) when it is absent.
///
/// Panics under `CI=true` when the file is absent: CI always has the data, so a missing file there is a bug.
/// Use as `let Some(path) = testdata::shared("data/cnemc/stations.csv") else { return };`.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let path = shared_dir().join(relative);
    if path.exists() {
        return Some(path);
    }
    let message = format!(
        "third-party test data {} is absent (looked for {}); set QINGSHAN_SHARED_DIR or place shared/ beside the checkout",
        relative,
        path.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{message}");
    }
    eprintln!("SKIPPED: {message}");
    None
}
