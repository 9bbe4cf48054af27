//! The one test-server harness of the HTTP and TCP tests: [`Server::start_with`] seeds a fresh database,
//! starts the platform exactly as the binary does (`qingshan::serve_on`: gateway, device refresher and
//! web on loopback ports 0) and talks plain HTTP/1.0 and HJ 212 over real sockets.
//!
//! The database is a SQLite file in a temporary folder, or, with `QINGSHAN_TEST_BACKEND=postgres`, a
//! fresh PostgreSQL database of its own (`store::postgres::TestDatabase`, dropped after the test):
//! `scripts/test` runs these tests once per backend.
//! [`city`] holds the deterministic test city (the demo registry and simulated rollups).
//! [`Process`] runs the built binary instead, for what only a real process shows (SIGKILL, restart).
#![allow(dead_code)]

pub mod city;
pub mod device;
pub mod outlet;
pub mod people;
pub mod webhook;

#[allow(unused_imports)]
pub use city::*;

use jiff::tz::TimeZone;
use platform::{Platform, Settings};
use std::sync::Arc;
use std::time::Duration;
use store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A running platform on loopback ports over a seeded database.
pub struct Server {
    /// The HJ 212 gateway's address.
    pub hj212: String,
    /// The HTTP server's address.
    pub http: String,
    pub platform: Arc<Platform>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    pub dir: tempfile::TempDir,
    /// The device passwords, the account password and the token the test registered: no HTTP answer
    /// may contain one.
    passwords: Vec<String>,
    postgres: Option<store::postgres::TestDatabase>,
    /// An API token of a city administrator (`harness-admin`), sent by [`Server::get`] and
    /// [`Server::request`] to the staff API; [`Server::send`] sends only the headers it is given.
    pub token: String,
}

/// The password of the harness's city administrator.
pub const ADMIN_PASSWORD: &str = "harness-Secret-2026";

/// What a stopped [`Server`] leaves: its data folder and its database, still readable.
pub struct Stopped {
    pub dir: tempfile::TempDir,
    /// The database URL (`sqlite:…` or `postgres://…`).
    pub database_url: String,
    postgres: Option<store::postgres::TestDatabase>,
}

impl Stopped {
    /// A connection to the server's database.
    pub fn store(&self) -> Store {
        store::open(&self.database_url, store::Durability::Normal)
            .unwrap()
            .connect()
            .unwrap()
    }

    /// The flags that point a `qingshan` command at the server's data folder and database.
    pub fn flags(&self) -> Vec<String> {
        vec![
            "--data-dir".into(),
            self.dir.path().display().to_string(),
            "--database".into(),
            self.database_url.clone(),
        ]
    }

    /// Runs SQL on the PostgreSQL database behind the platform's back (a tampering test), or `None` on
    /// SQLite.
    pub fn postgres(&self) -> Option<&store::postgres::TestDatabase> {
        self.postgres.as_ref()
    }

    /// Every byte of the database at rest: the SQLite file, or a `pg_dump` of the PostgreSQL database
    /// (byte strings appear there in hex, so look for both forms).
    pub fn bytes_at_rest(&self) -> Vec<u8> {
        match &self.postgres {
            None => std::fs::read(self.dir.path().join("qingshan.db")).unwrap(),
            Some(pg) => {
                let out = std::process::Command::new("pg_dump")
                    .args(["--data-only", &pg.url])
                    .output()
                    .expect("pg_dump runs");
                assert!(
                    out.status.success(),
                    "pg_dump: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                out.stdout
            }
        }
    }
}

/// The PostgreSQL database for a test server when `QINGSHAN_TEST_BACKEND=postgres`.
fn test_postgres() -> Option<store::postgres::TestDatabase> {
    match std::env::var("QINGSHAN_TEST_BACKEND").as_deref() {
        Ok("postgres") => Some(
            store::postgres::TestDatabase::create("server")
                .expect("QINGSHAN_TEST_BACKEND=postgres needs a PostgreSQL server"),
        ),
        Ok("sqlite") | Err(_) => None,
        Ok(other) => panic!("QINGSHAN_TEST_BACKEND={other:?}: expected sqlite or postgres"),
    }
}

impl Server {
    /// Seeds a fresh database with `prepare` and serves it with the default settings.
    pub async fn start(prepare: impl FnOnce(&mut Store, &TimeZone)) -> Server {
        Server::start_with(|_| {}, prepare).await
    }

    /// Like [`Server::start`], with the settings changed by `configure` (limits, `settings.portal`...).
    pub async fn start_with(
        configure: impl FnOnce(&mut Settings),
        prepare: impl FnOnce(&mut Store, &TimeZone),
    ) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let postgres = test_postgres();
        let mut settings = Settings {
            data_dir: dir.path().to_path_buf(),
            database_url: postgres.as_ref().map(|pg| pg.url.clone()),
            durability: store::Durability::Normal,
            ..Settings::default()
        };
        configure(&mut settings);
        let tz = TimeZone::get(&settings.timezone).unwrap();
        let db = platform::open_database(&settings).unwrap();
        let mut seed = db.connect().unwrap();
        prepare(&mut seed, &tz);
        // Read before the platform seals them.
        let mut passwords: Vec<String> = seed
            .devices()
            .unwrap()
            .into_iter()
            .map(|d| d.password)
            .filter(|p| p.len() >= 4)
            .collect();
        let actor = platform::registry::Actor::new("test:harness");
        platform::accounts::create_account(
            &mut seed,
            &actor,
            &platform::accounts::NewAccount {
                name: "harness-admin".into(),
                role: platform::accounts::Role::CityAdmin,
                scopes: store::Scopes::default(),
                password: ADMIN_PASSWORD.into(),
                must_change_password: false,
            },
        )
        .unwrap();
        let (_, token) = platform::accounts::create_token(
            &mut seed,
            &actor,
            "harness-admin",
            "harness",
            None,
            None,
        )
        .unwrap();
        passwords.push(ADMIN_PASSWORD.into());
        passwords.push(token.0.clone());
        drop(seed);
        let platform = Platform::start(settings, db).unwrap();
        let hj = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let http = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let hj212 = hj.local_addr().unwrap().to_string();
        let http_addr = http.local_addr().unwrap().to_string();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(qingshan::serve_on(platform.clone(), hj, http, async move {
            let _ = stopped.await;
        }));
        Server {
            hj212,
            http: http_addr,
            platform,
            stop: Some(stop),
            task,
            dir,
            passwords,
            postgres,
            token: token.0,
        }
    }

    /// Stops the server; returns its data folder and database (which stays readable).
    pub async fn stop(mut self) -> Stopped {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(10), &mut self.task).await;
        Stopped {
            database_url: self.platform.settings.database_url(),
            dir: self.dir,
            postgres: self.postgres,
        }
    }

    /// A new connection to the running server's database.
    pub fn store(&self) -> Store {
        store::open(
            &self.platform.settings.database_url(),
            store::Durability::Normal,
        )
        .unwrap()
        .connect()
        .unwrap()
    }

    /// A request over HTTP/1.0 with a JSON body and extra header lines; returns (status, headers
    /// lower-cased, body bytes).
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, Vec<(String, String)>, Vec<u8>) {
        let mut all = headers.to_vec();
        if !body.is_empty() {
            all.push(("Content-Type", "application/json"));
        }
        self.send_bytes(method, path, &all, body.as_bytes()).await
    }

    /// A request with a body of bytes sent as they are (give its `Content-Type` in `headers`); returns
    /// (status, headers lower-cased, body bytes).
    pub async fn send_bytes(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, Vec<(String, String)>, Vec<u8>) {
        let mut s = tokio::net::TcpStream::connect(&self.http).await.unwrap();
        let mut req = format!("{method} {path} HTTP/1.0\r\nHost: test\r\n");
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        if !body.is_empty() {
            req.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        req.push_str("\r\n");
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        s.write_all(&bytes).await.unwrap();
        let mut out = Vec::new();
        // A server that never answers fails the test instead of hanging it.
        tokio::time::timeout(Duration::from_secs(60), s.read_to_end(&mut out))
            .await
            .unwrap_or_else(|_| panic!("{method} {path}: no answer within 60 s"))
            .unwrap();
        let split = out
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("header end");
        let head = String::from_utf8_lossy(&out[..split]).to_string();
        for secret in &self.passwords {
            assert!(
                !out.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{method} {path} answered a registered device password"
            );
        }
        let mut lines = head.lines();
        let status = lines.next().unwrap()[9..12].parse().unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        (status, headers, out[split + 4..].to_vec())
    }

    /// GET; returns (status, headers lower-cased, body bytes).
    pub async fn get_raw(&self, path: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
        self.send("GET", path, &[], "").await
    }

    /// The harness administrator's `Authorization` header for the staff API (not for open data and
    /// pages, which are the public's).
    fn staff_auth(&self, path: &str) -> Vec<(&'static str, String)> {
        if path.starts_with("/api/v1/") && !path.starts_with("/api/v1/public") {
            vec![("Authorization", format!("Bearer {}", self.token))]
        } else {
            vec![]
        }
    }

    /// GET, as the harness administrator on the staff API; returns (status, body).
    pub async fn get(&self, path: &str) -> (u16, String) {
        self.request("GET", path, "").await
    }

    /// A request with a JSON body, as the harness administrator on the staff API; returns (status, body).
    pub async fn request(&self, method: &str, path: &str, body: &str) -> (u16, String) {
        let auth = self.staff_auth(path);
        let headers: Vec<(&str, &str)> = auth.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (s, _, b) = self.send(method, path, &headers, body).await;
        (s, String::from_utf8_lossy(&b).to_string())
    }

    /// GET of a JSON document that must answer 200.
    pub async fn json(&self, path: &str) -> serde_json::Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap()
    }
}

/// A form body (`application/x-www-form-urlencoded`).
pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", web::portal::urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The form content type, for [`Server::send`].
pub const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

/// The CSRF token a console page's forms carry.
pub fn csrf_of(page: &str) -> String {
    page.split(r#"name="csrf" value=""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the page has a form with its CSRF token")
        .to_string()
}

impl Server {
    /// Signs `name` in through the console's form; returns the session cookie `name=value`.
    pub async fn sign_in(&self, name: &str, password: &str) -> String {
        let body = form(&[("name", name), ("password", password)]);
        let (status, headers, _) = self.send("POST", "/console/sign-in", &[FORM], &body).await;
        assert_eq!(status, 303, "{name} signs in");
        header(&headers, "set-cookie")
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string()
    }

    /// A console page as the person with session `cookie`: (status, location, body).
    pub async fn page(&self, cookie: &str, path: &str) -> (u16, Option<String>, String) {
        let (status, headers, body) = self.send("GET", path, &[("Cookie", cookie)], "").await;
        (
            status,
            header(&headers, "location").map(str::to_string),
            String::from_utf8_lossy(&body).to_string(),
        )
    }

    /// Posts a console form as the person with session `cookie`: (status, location, body).
    pub async fn post_form(
        &self,
        cookie: &str,
        path: &str,
        pairs: &[(&str, &str)],
    ) -> (u16, Option<String>, String) {
        let (status, headers, body) = self
            .send("POST", path, &[FORM, ("Cookie", cookie)], &form(pairs))
            .await;
        (
            status,
            header(&headers, "location").map(str::to_string),
            String::from_utf8_lossy(&body).to_string(),
        )
    }
}

pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The built `qingshan serve` as a child process on free loopback ports: for tests that kill it.
pub struct Process {
    pub child: std::process::Child,
    pub hj212: u16,
    pub http: u16,
}

impl Process {
    /// Starts `qingshan serve --data-dir data` and waits until its gateway listens.
    pub fn start(data: &std::path::Path) -> Process {
        Process::start_with(data, &[], None)
    }

    /// Like [`Process::start`] with more flags (`--database URL`), logging at info into `log` if given.
    pub fn start_with(
        data: &std::path::Path,
        flags: &[&str],
        log: Option<&std::path::Path>,
    ) -> Process {
        let (hj212, http) = (free_port(), free_port());
        let stderr = match log {
            Some(path) => std::process::Stdio::from(std::fs::File::create(path).unwrap()),
            None => std::process::Stdio::inherit(),
        };
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_qingshan"))
            .args(["serve", "--data-dir"])
            .arg(data)
            .args([
                "--hj212-listen",
                &format!("127.0.0.1:{hj212}"),
                "--http-listen",
                &format!("127.0.0.1:{http}"),
            ])
            .args(flags)
            .env("QINGSHAN_LOG", if log.is_some() { "info" } else { "warn" })
            .env("NO_COLOR", "1")
            .env_remove("QINGSHAN_CONFIG")
            .stdout(std::process::Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", hj212)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "server did not start listening"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Process { child, hj212, http }
    }

    /// SIGKILL: no shutdown, no flush.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port free at the time of asking.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
