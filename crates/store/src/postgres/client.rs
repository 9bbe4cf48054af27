//! The PostgreSQL client, usable from any thread.
//!
//! The `postgres` crate drives its connection with a small tokio runtime of its own, and tokio refuses to
//! block on a runtime from a thread that is already running one (an async task, or a test's body). The
//! platform reads and writes from plain threads (the writer, `spawn_blocking`), where the client is used
//! directly; a call made from inside a runtime runs on a scoped thread instead, so no caller needs to know.

use postgres::types::ToSql;
use postgres::{Error, NoTls, Row};

/// Runs `f` here, or on a scoped thread when this thread is inside a tokio runtime.
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_ok() {
        std::thread::scope(|s| match s.spawn(f).join() {
            Ok(t) => t,
            Err(panic) => std::panic::resume_unwind(panic),
        })
    } else {
        f()
    }
}

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// A connection to the server.
pub(crate) struct Client(Option<postgres::Client>);

impl Client {
    pub fn connect(config: &postgres::Config) -> Result<Client, Error> {
        off_runtime(|| config.connect(NoTls)).map(|c| Client(Some(c)))
    }

    fn inner(&mut self) -> &mut postgres::Client {
        self.0
            .as_mut()
            .expect("a client is only taken when dropped")
    }

    pub fn batch_execute(&mut self, sql: &str) -> Result<(), Error> {
        let c = self.inner();
        off_runtime(move || c.batch_execute(sql))
    }

    pub fn execute(&mut self, sql: &str, params: Params<'_>) -> Result<u64, Error> {
        let c = self.inner();
        off_runtime(move || c.execute(sql, params))
    }

    pub fn query(&mut self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, Error> {
        let c = self.inner();
        off_runtime(move || c.query(sql, params))
    }

    pub fn query_one(&mut self, sql: &str, params: Params<'_>) -> Result<Row, Error> {
        let c = self.inner();
        off_runtime(move || c.query_one(sql, params))
    }

    pub fn query_opt(&mut self, sql: &str, params: Params<'_>) -> Result<Option<Row>, Error> {
        let c = self.inner();
        off_runtime(move || c.query_opt(sql, params))
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // Closing the connection blocks on its runtime too.
        if let Some(c) = self.0.take() {
            off_runtime(move || drop(c));
        }
    }
}
