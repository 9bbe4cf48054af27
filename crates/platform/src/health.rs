//! Whether the platform can do its job, and why not: the writer's last commit and last failure, and the
//! free space on the database's disk. `/healthz` answers 503 with the reasons when something is wrong.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// The shared health state, written by the writer and read by `/healthz` and `/metrics`.
#[derive(Debug, Default)]
pub struct Health {
    /// Unix milliseconds of the last successful commit (0: none yet).
    last_commit_ms: AtomicI64,
    /// Free bytes on the data folder's disk at the last check.
    free_disk: AtomicU64,
    disk_checked: AtomicBool,
    disk_low: AtomicBool,
    /// The writer's last failure, until its next success.
    writer_failure: Mutex<Option<String>>,
}

/// What `/healthz` says.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Nothing is wrong.
    pub ok: bool,
    /// What is wrong, in words.
    pub problems: Vec<String>,
    /// Seconds since the last commit (none yet: `None`).
    pub last_commit_age_s: Option<i64>,
    pub free_disk_mb: Option<u64>,
}

impl Health {
    pub fn committed(&self, now_ms: i64) {
        self.last_commit_ms.store(now_ms, Relaxed);
        if let Ok(mut f) = self.writer_failure.lock() {
            *f = None;
        }
    }

    pub fn writer_failed(&self, reason: String) {
        if let Ok(mut f) = self.writer_failure.lock() {
            *f = Some(reason);
        }
    }

    pub fn disk(&self, free: u64, low: bool) {
        self.free_disk.store(free, Relaxed);
        self.disk_checked.store(true, Relaxed);
        self.disk_low.store(low, Relaxed);
    }

    pub fn disk_low(&self) -> bool {
        self.disk_low.load(Relaxed)
    }

    pub fn free_disk(&self) -> Option<u64> {
        self.disk_checked
            .load(Relaxed)
            .then(|| self.free_disk.load(Relaxed))
    }

    pub fn report(&self, now_ms: i64) -> Report {
        let mut problems = Vec::new();
        if let Some(f) = self.writer_failure.lock().ok().and_then(|f| f.clone()) {
            problems.push(format!("the writer is failing: {f}"));
        }
        if self.disk_low() {
            problems.push(format!(
                "free disk below limits.min_free_disk_mb ({} MB left): writes are refused",
                self.free_disk.load(Relaxed) / 1_000_000
            ));
        }
        let last = self.last_commit_ms.load(Relaxed);
        Report {
            ok: problems.is_empty(),
            problems,
            last_commit_age_s: (last > 0).then(|| (now_ms - last) / 1000),
            free_disk_mb: self.free_disk().map(|b| b / 1_000_000),
        }
    }
}

/// Free bytes for unprivileged users on the file system holding `path`.
#[cfg(unix)]
pub fn free_bytes(path: &Path) -> std::io::Result<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    // SAFETY: `c` is a valid NUL-terminated path; statvfs only writes into `stat`.
    unsafe {
        let mut stat: libc::statvfs = std::mem::zeroed();
        if libc::statvfs(c.as_ptr(), &mut stat) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok((stat.f_bavail as u64).saturating_mul(stat.f_frsize as u64))
    }
}

#[cfg(not(unix))]
pub fn free_bytes(_path: &Path) -> std::io::Result<u64> {
    Ok(u64::MAX)
}

/// A log line that repeats (a failing write, a failing rollup) is written at most once per `every`,
/// saying how many were suppressed meanwhile.
#[derive(Debug)]
pub struct LogLimit {
    every: Duration,
    last: Option<Instant>,
    suppressed: u64,
}

impl LogLimit {
    pub fn new(every: Duration) -> LogLimit {
        LogLimit {
            every,
            last: None,
            suppressed: 0,
        }
    }

    /// `Some(suppressed since the last line)` when a line may be written now.
    pub fn allow(&mut self, now: Instant) -> Option<u64> {
        if self
            .last
            .is_some_and(|l| now.duration_since(l) < self.every)
        {
            self.suppressed += 1;
            return None;
        }
        self.last = Some(now);
        Some(std::mem::take(&mut self.suppressed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_names_what_is_wrong_until_it_is_right_again() {
        let h = Health::default();
        assert_eq!(
            h.report(10_000),
            Report {
                ok: true,
                problems: vec![],
                last_commit_age_s: None,
                free_disk_mb: None
            }
        );
        h.committed(4_000);
        h.writer_failed("disk I/O error".into());
        h.disk(5_000_000, true);
        let r = h.report(10_000);
        assert!(!r.ok);
        assert_eq!(r.last_commit_age_s, Some(6));
        assert_eq!(r.free_disk_mb, Some(5));
        assert!(r.problems[0].contains("disk I/O error") && r.problems[1].contains("5 MB left"));
        h.committed(11_000);
        h.disk(900_000_000, false);
        assert!(h.report(12_000).ok);
    }

    #[test]
    fn repeated_log_lines_are_limited_and_counted() {
        let mut limit = LogLimit::new(Duration::from_secs(60));
        let t = Instant::now();
        assert_eq!(limit.allow(t), Some(0));
        assert_eq!(limit.allow(t + Duration::from_millis(50)), None);
        assert_eq!(limit.allow(t + Duration::from_secs(1)), None);
        assert_eq!(limit.allow(t + Duration::from_secs(61)), Some(2));
    }

    #[test]
    fn the_data_folder_has_free_space() {
        assert!(free_bytes(Path::new(".")).unwrap() > 0);
        assert!(free_bytes(Path::new("/no/such/folder")).is_err());
    }
}
