//! Counters and histograms for `/metrics`, rendered in the Prometheus text format.
//!
//! A handful of atomics is all the gateway needs; no registry crate.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use store::Verdict;

/// The platform's metrics, shared by the gateway, the writer and the HTTP server.
#[derive(Default)]
pub struct Metrics {
    frames: [AtomicU64; Verdict::ALL.len()],
    pub values_stored: AtomicU64,
    pub values_conflicting: AtomicU64,
    pub connections_open: AtomicU64,
    pub connections_total: AtomicU64,
    pub connections_refused: AtomicU64,
    pub connections_closed_abuse: AtomicU64,
    pub http_connections_refused: AtomicU64,
    pub lockouts: AtomicU64,
    pub sign_in_failures: AtomicU64,
    pub account_lockouts: AtomicU64,
    pub refusals_counted: AtomicU64,
    pub write_errors: AtomicU64,
    pub writer_restarts: AtomicU64,
    pub answer_latency: Histogram<12>,
    pub write_batch: Histogram<10>,
}

impl Metrics {
    /// Counts one frame with its verdict.
    pub fn frame(&self, verdict: Verdict) {
        self.frames[verdict_index(verdict)].fetch_add(1, Relaxed);
    }

    /// Frames counted with this verdict.
    pub fn frames(&self, verdict: Verdict) -> u64 {
        self.frames[verdict_index(verdict)].load(Relaxed)
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP qingshan_frames_total HJ 212 frames received, by verdict.\n# TYPE qingshan_frames_total counter\n");
        for &v in Verdict::ALL {
            let _ = writeln!(
                out,
                "qingshan_frames_total{{verdict=\"{}\"}} {}",
                v.code(),
                self.frames(v)
            );
        }
        let counters = [
            (
                "qingshan_values_stored_total",
                "Values stored in the series (the first received for their key).",
                &self.values_stored,
            ),
            (
                "qingshan_values_conflicting_total",
                "Re-sent values that differed from the stored one: journaled, kept as conflicts, not applied.",
                &self.values_conflicting,
            ),
            (
                "qingshan_connections_total",
                "HJ 212 connections accepted.",
                &self.connections_total,
            ),
            (
                "qingshan_connections_refused_total",
                "HJ 212 connections refused at max_connections or max_connections_per_source.",
                &self.connections_refused,
            ),
            (
                "qingshan_connections_closed_abuse_total",
                "HJ 212 connections closed for refused frames, wrong passwords, garbage or no valid frame.",
                &self.connections_closed_abuse,
            ),
            (
                "qingshan_http_connections_refused_total",
                "HTTP connections closed on accept at http.max_connections.",
                &self.http_connections_refused,
            ),
            (
                "qingshan_lockouts_total",
                "MNs locked out for a source after repeated wrong passwords.",
                &self.lockouts,
            ),
            (
                "qingshan_sign_in_failures_total",
                "Failed staff sign-ins (wrong name or password, disabled or locked account).",
                &self.sign_in_failures,
            ),
            (
                "qingshan_account_lockouts_total",
                "Sign-ins refused because the account is locked after repeated failures.",
                &self.account_lockouts,
            ),
            (
                "qingshan_refusals_counted_total",
                "Refused frames counted instead of journaled (identical, or beyond the hourly budget).",
                &self.refusals_counted,
            ),
            (
                "qingshan_writer_restarts_total",
                "Times the writer thread failed and was restarted.",
                &self.writer_restarts,
            ),
            (
                "qingshan_write_errors_total",
                "Write transactions that failed (nothing was answered).",
                &self.write_errors,
            ),
        ];
        for (name, help, c) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                c.load(Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP qingshan_connections_open HJ 212 connections open now.\n# TYPE qingshan_connections_open gauge\nqingshan_connections_open {}",
            self.connections_open.load(Relaxed)
        );
        self.answer_latency.render(
            &mut out,
            "qingshan_answer_latency_seconds",
            "From a frame's arrival to its answer being written (includes the durable commit).",
            1e-6,
        );
        self.write_batch.render(
            &mut out,
            "qingshan_write_batch_frames",
            "Frames per write transaction.",
            1.0,
        );
        out
    }
}

fn verdict_index(v: Verdict) -> usize {
    Verdict::ALL.iter().position(|&x| x == v).unwrap_or(0)
}

/// A histogram with power-of-four bucket bounds `1, 4, 16, ...` in some integer unit.
pub struct Histogram<const N: usize> {
    buckets: [AtomicU64; N],
    count: AtomicU64,
    sum: AtomicU64,
}

impl<const N: usize> Default for Histogram<N> {
    fn default() -> Self {
        Histogram {
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
            count: AtomicU64::new(0),
            sum: AtomicU64::new(0),
        }
    }
}

impl<const N: usize> Histogram<N> {
    fn bound(i: usize) -> u64 {
        4u64.pow(i as u32)
    }

    /// Records one observation (in the histogram's integer unit).
    pub fn observe(&self, value: u64) {
        if let Some(i) = (0..N).find(|&i| value <= Self::bound(i)) {
            self.buckets[i].fetch_add(1, Relaxed);
        }
        self.count.fetch_add(1, Relaxed);
        self.sum.fetch_add(value, Relaxed);
    }

    /// Observations recorded.
    pub fn count(&self) -> u64 {
        self.count.load(Relaxed)
    }

    fn render(&self, out: &mut String, name: &str, help: &str, scale: f64) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for i in 0..N {
            cumulative += self.buckets[i].load(Relaxed);
            let _ = writeln!(
                out,
                "{name}_bucket{{le=\"{}\"}} {cumulative}",
                Self::bound(i) as f64 * scale
            );
        }
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {}", self.count());
        let _ = writeln!(
            out,
            "{name}_sum {}\n{name}_count {}",
            self.sum.load(Relaxed) as f64 * scale,
            self.count()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let m = Metrics::default();
        m.frame(Verdict::Accepted);
        m.frame(Verdict::Accepted);
        m.frame(Verdict::BadFrame);
        m.write_batch.observe(3);
        m.write_batch.observe(100);
        let text = m.render();
        assert!(text.contains("qingshan_frames_total{verdict=\"accepted\"} 2"));
        assert!(text.contains("qingshan_frames_total{verdict=\"bad_frame\"} 1"));
        assert!(text.contains("qingshan_write_batch_frames_bucket{le=\"4\"} 1"));
        assert!(text.contains("qingshan_write_batch_frames_bucket{le=\"256\"} 2"));
        assert!(text.contains("qingshan_write_batch_frames_count 2"));
    }
}
