//! The single writer: one thread owns the write connection and commits frames in batches.
//!
//! Connections hand their frames to the writer and wait; the writer takes every job queued at that moment
//! (up to a bound) into one transaction, commits, then wakes each job's connection with its result. So a
//! busy gateway pays one fsync for many packets (group commit), and an answer is only ever sent for data
//! that is already committed.
//!
//! The writer refuses a batch when the disk's free space is below `limits.min_free_disk_mb` (nothing of
//! it is answered, so loggers send it again later) and takes batches again when space returns. It is
//! supervised: should the thread panic, the jobs in flight fail (unanswered), the failure is recorded for
//! `/healthz` and the metrics, and the writer restarts on a new connection.

use crate::health::{Health, LogLimit};
use crate::metrics::Metrics;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};
use store::{Database, FrameRecord, RefusalCount, Store};
use tokio::sync::oneshot;

/// Why frames were not stored.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WriteError {
    /// The transaction failed (disk full, I/O error...). Nothing of the batch is stored.
    #[error("storing failed: {0}")]
    Store(Arc<str>),
    /// The writer has stopped (the server is shutting down, or the thread failed mid-batch).
    #[error("the writer has stopped")]
    Stopped,
    /// Free disk space is below the limit: nothing is written until space returns.
    #[error("free disk space {free_mb} MB is below limits.min_free_disk_mb ({min_mb} MB)")]
    DiskLow { free_mb: u64, min_mb: u64 },
}

/// What the writer needs besides its jobs.
pub struct WriterConfig {
    /// Frames per transaction at most.
    pub max_batch: usize,
    /// The folder whose disk is watched.
    pub data_dir: std::path::PathBuf,
    /// Batches are refused below this many free bytes.
    pub min_free_disk: u64,
}

/// What the writer answers a job: its frames are committed, journaled under these ids (in the order
/// given). How many values changed is known only per transaction, which may hold many jobs, so it goes
/// to the metrics (`values_stored`) and not to any one caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    pub journal_ids: Vec<i64>,
}

struct Job {
    frames: Vec<FrameRecord>,
    /// Refusals counted instead of journaled (the gateway's budget), stored with the frames.
    counts: Vec<RefusalCount>,
    done: oneshot::Sender<Result<Committed, WriteError>>,
}

/// Work the writer thread does on its connection between batches (rollups). It must return by the given
/// deadline, since frames wait meanwhile.
pub type IdleWork = Box<dyn FnMut(&mut Store, Instant) + Send>;

/// Time the idle work may take while frames are arriving, and how often it gets it.
const BUSY_SLICE: Duration = Duration::from_millis(10);
const BUSY_EVERY: Duration = Duration::from_millis(250);
/// Time the idle work may take when no frame has arrived for [`QUIET`].
const QUIET_SLICE: Duration = Duration::from_millis(100);
const QUIET: Duration = Duration::from_millis(50);

/// A handle to the writer thread; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
    /// Set by [`Writer::stop`]: the thread commits what is queued, closes its connection and ends.
    stopping: Arc<AtomicBool>,
    thread: Arc<Mutex<Option<std::thread::JoinHandle<()>>>>,
}

impl Writer {
    /// Starts the writer thread on a connection of `db`. `idle` gets short time slices between batches:
    /// longer ones when no frames are waiting, a few milliseconds every quarter second under sustained
    /// load, so rollups keep up without holding answers back.
    pub fn start(
        db: Arc<dyn Database>,
        metrics: Arc<Metrics>,
        health: Arc<Health>,
        config: WriterConfig,
        mut idle: IdleWork,
    ) -> Result<Writer, store::StoreError> {
        let first = db.connect()?;
        let (jobs, queue) = mpsc::channel();
        let stopping = Arc::new(AtomicBool::new(false));
        let stop = stopping.clone();
        let thread = std::thread::Builder::new()
            .name("qingshan-writer".into())
            .spawn(move || {
                let mut ctx = Ctx {
                    metrics,
                    health,
                    config,
                    disk_checked: None,
                    log: LogLimit::new(Duration::from_secs(60)),
                };
                let mut store = Some(first);
                loop {
                    let connection = match store.take().map(Ok).unwrap_or_else(|| db.connect()) {
                        Ok(s) => s,
                        Err(e) => {
                            ctx.failed(format!("cannot reconnect: {e}"));
                            std::thread::sleep(Duration::from_secs(1));
                            continue;
                        }
                    };
                    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        run(connection, &queue, &stop, &mut ctx, &mut idle)
                    }));
                    match ran {
                        Ok(()) => return,
                        Err(panic) => {
                            let what = panic
                                .downcast_ref::<&str>()
                                .map(|s| s.to_string())
                                .or_else(|| panic.downcast_ref::<String>().cloned())
                                .unwrap_or_else(|| "panic".into());
                            ctx.metrics.writer_restarts.fetch_add(1, Relaxed);
                            ctx.failed(format!("the writer thread failed ({what}); restarted"));
                            std::thread::sleep(Duration::from_millis(200));
                        }
                    }
                }
            })
            .expect("spawning the writer thread");
        Ok(Writer {
            jobs,
            stopping,
            thread: Arc::new(Mutex::new(Some(thread))),
        })
    }

    /// Commits what is queued, then ends the thread and waits for it, so its connection is closed
    /// when this returns (the server's last step; later writes fail with [`WriteError::Stopped`]).
    /// Blocking: call it outside the async runtime's worker threads.
    pub fn stop(&self) {
        self.stopping.store(true, Relaxed);
        let thread = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }

    /// Stores `frames` in one of the next transactions; returns once it is committed.
    pub async fn write(&self, frames: Vec<FrameRecord>) -> Result<Committed, WriteError> {
        self.write_with_counts(frames, Vec::new()).await
    }

    /// Like [`Writer::write`], with refusals that were counted instead of journaled.
    pub async fn write_with_counts(
        &self,
        frames: Vec<FrameRecord>,
        counts: Vec<RefusalCount>,
    ) -> Result<Committed, WriteError> {
        let (done, wait) = oneshot::channel();
        self.jobs
            .send(Job {
                frames,
                counts,
                done,
            })
            .map_err(|_| WriteError::Stopped)?;
        wait.await.map_err(|_| WriteError::Stopped)?
    }

    /// Like [`Writer::write`], for callers outside the async runtime (seeding, imports).
    pub fn write_blocking(&self, frames: Vec<FrameRecord>) -> Result<Committed, WriteError> {
        let (done, wait) = oneshot::channel();
        self.jobs
            .send(Job {
                frames,
                counts: Vec::new(),
                done,
            })
            .map_err(|_| WriteError::Stopped)?;
        wait.blocking_recv().map_err(|_| WriteError::Stopped)?
    }
}

/// The writer thread's state beside its connection.
struct Ctx {
    metrics: Arc<Metrics>,
    health: Arc<Health>,
    config: WriterConfig,
    /// When the free space was last measured, and whether it was enough.
    disk_checked: Option<(Instant, Result<(), WriteError>)>,
    log: LogLimit,
}

impl Ctx {
    fn failed(&mut self, reason: String) {
        if let Some(suppressed) = self.log.allow(Instant::now()) {
            tracing::error!(%reason, suppressed, "writer failure");
        }
        self.health.writer_failed(reason);
    }

    /// Whether there is room to write, measured at most once a second.
    fn room(&mut self) -> Result<(), WriteError> {
        if let Some((at, verdict)) = &self.disk_checked
            && at.elapsed() < Duration::from_secs(1)
        {
            return verdict.clone();
        }
        let verdict = match crate::health::free_bytes(&self.config.data_dir) {
            Ok(free) => {
                let low = free < self.config.min_free_disk;
                self.health.disk(free, low);
                if low {
                    Err(WriteError::DiskLow {
                        free_mb: free / 1_000_000,
                        min_mb: self.config.min_free_disk / 1_000_000,
                    })
                } else {
                    Ok(())
                }
            }
            // A disk that cannot be measured is not refused: the commit itself will say.
            Err(_) => Ok(()),
        };
        self.disk_checked = Some((Instant::now(), verdict.clone()));
        verdict
    }
}

fn run(
    mut store: Store,
    queue: &mpsc::Receiver<Job>,
    stopping: &AtomicBool,
    ctx: &mut Ctx,
    idle: &mut IdleWork,
) {
    let max_batch = ctx.config.max_batch.max(1);
    let mut last_idle = Instant::now();
    loop {
        let first = match queue.recv_timeout(QUIET) {
            Ok(job) => job,
            // Nothing queued: every job handed over before the stop is committed.
            Err(mpsc::RecvTimeoutError::Timeout) if stopping.load(Relaxed) => return,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                idle(&mut store, Instant::now() + QUIET_SLICE);
                last_idle = Instant::now();
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        let mut frames = first.frames.len();
        let mut jobs = vec![first];
        while frames < max_batch {
            match queue.try_recv() {
                Ok(job) => {
                    frames += job.frames.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        commit(&mut store, jobs, ctx);
        ctx.metrics.write_batch.observe(frames as u64);
        if last_idle.elapsed() >= BUSY_EVERY {
            idle(&mut store, Instant::now() + BUSY_SLICE);
            last_idle = Instant::now();
        }
    }
}

fn commit(store: &mut Store, jobs: Vec<Job>, ctx: &mut Ctx) {
    if let Err(low) = ctx.room() {
        ctx.metrics.write_errors.fetch_add(1, Relaxed);
        if let Some(suppressed) = ctx.log.allow(Instant::now()) {
            tracing::error!(error = %low, suppressed, "writes refused until disk space returns");
        }
        for job in jobs {
            let _ = job.done.send(Err(low.clone()));
        }
        return;
    }
    let metrics = ctx.metrics.clone();
    let mut all = Vec::new();
    let mut counts = Vec::new();
    let mut waiters = Vec::with_capacity(jobs.len());
    for job in jobs {
        waiters.push((job.frames.len(), job.done));
        all.extend(job.frames);
        counts.extend(job.counts);
    }
    let written = store.in_transaction(|s| {
        let summary = s.write_frames(&all)?;
        if !counts.is_empty() {
            s.count_refusals(&counts)?;
        }
        Ok::<_, store::StoreError>(summary)
    });
    match written {
        Ok(summary) => {
            ctx.health
                .committed(jiff::Timestamp::now().as_millisecond());
            metrics
                .values_stored
                .fetch_add(summary.values_new as u64, Relaxed);
            metrics
                .values_conflicting
                .fetch_add(summary.conflicts as u64, Relaxed);
            let mut ids = summary.journal_ids.into_iter();
            for (n, done) in waiters {
                let journal_ids: Vec<i64> = ids.by_ref().take(n).collect();
                let _ = done.send(Ok(Committed { journal_ids }));
            }
        }
        Err(e) => {
            metrics.write_errors.fetch_add(1, Relaxed);
            ctx.failed(format!(
                "write transaction of {} frames failed (not answered): {e}",
                all.len()
            ));
            let err = WriteError::Store(e.to_string().into());
            for (_, done) in waiters {
                let _ = done.send(Err(err.clone()));
            }
        }
    }
}
