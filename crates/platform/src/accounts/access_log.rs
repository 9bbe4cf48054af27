//! The access log's writer: what people signed in ask for (who, from where, which path, the answer's
//! status) is queued without ever holding a request back, and written in batches by a thread of its own.
//! A full queue drops entries and says so in the log; it never slows the requests down.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use store::{AccessEntry, Database};

/// Entries waiting to be written, at most.
const QUEUE: usize = 10_000;
/// Entries per transaction, at most.
const BATCH: usize = 500;
/// How long an entry waits for others before its batch is written.
const FLUSH_EVERY: Duration = Duration::from_secs(1);

enum Message {
    Entry(AccessEntry),
    Stop,
}

/// A handle to the access log's writer thread.
pub struct AccessLog {
    queue: SyncSender<Message>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
    dropped: Arc<AtomicU64>,
}

impl AccessLog {
    /// Starts the writer thread on connections of `db`.
    pub fn start(db: Arc<dyn Database>) -> AccessLog {
        let (queue, entries) = mpsc::sync_channel(QUEUE);
        let dropped = Arc::new(AtomicU64::new(0));
        let thread = std::thread::Builder::new()
            .name("qingshan-access-log".into())
            .spawn(move || run(db, entries))
            .expect("spawning the access log's thread");
        AccessLog {
            queue,
            thread: Mutex::new(Some(thread)),
            dropped,
        }
    }

    /// Queues an entry; never waits.
    pub fn record(&self, entry: AccessEntry) {
        match self.queue.try_send(Message::Entry(entry)) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                let n = self.dropped.fetch_add(1, Relaxed) + 1;
                if n.is_power_of_two() {
                    tracing::warn!(
                        dropped = n,
                        "the access log's queue is full: entries dropped"
                    );
                }
            }
            Err(TrySendError::Disconnected(_)) => {}
        }
    }

    /// Entries dropped because the queue was full, since start.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Relaxed)
    }

    /// Writes what is queued and ends the thread (blocking: the server's last step).
    pub fn stop(&self) {
        let thread = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(thread) = thread {
            let _ = self.queue.send(Message::Stop);
            let _ = thread.join();
        }
    }
}

fn run(db: Arc<dyn Database>, entries: mpsc::Receiver<Message>) {
    let mut batch = Vec::new();
    // When the oldest entry of the batch arrived: a steady trickle must not postpone it forever.
    let mut oldest: Option<Instant> = None;
    loop {
        let wait = oldest.map_or(FLUSH_EVERY, |t| FLUSH_EVERY.saturating_sub(t.elapsed()));
        let (stop, flush) = match entries.recv_timeout(wait) {
            Ok(Message::Entry(e)) => {
                batch.push(e);
                let first = *oldest.get_or_insert_with(Instant::now);
                (
                    false,
                    batch.len() >= BATCH || first.elapsed() >= FLUSH_EVERY,
                )
            }
            Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => (true, true),
            Err(RecvTimeoutError::Timeout) => (false, true),
        };
        if flush && !batch.is_empty() {
            let written = db
                .connect()
                .and_then(|mut s| s.in_transaction(|s| s.record_access(&batch)));
            match written {
                Ok(()) => {
                    batch.clear();
                    oldest = None;
                }
                // Kept for the next try, up to one queue's worth.
                Err(e) => {
                    tracing::error!(error = %e, entries = batch.len(), "writing the access log failed");
                    if batch.len() > QUEUE {
                        batch.clear();
                        oldest = None;
                    }
                    std::thread::sleep(FLUSH_EVERY);
                }
            }
        }
        if stop {
            return;
        }
    }
}
