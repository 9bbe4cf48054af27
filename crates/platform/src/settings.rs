//! Everything an operator can set. The binary fills this from flags, a TOML file and the environment;
//! [`Settings::default`] is a working configuration with nothing set.

use std::path::PathBuf;
use std::time::Duration;

/// The platform's configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Folder holding the SQLite database (`qingshan.db`) and, by default, the device key.
    pub data_dir: PathBuf,
    /// The database (see `store::open`): `sqlite:PATH` or `postgres://USER@HOST:PORT/DB`. `None`: the
    /// SQLite file `qingshan.db` in the data folder.
    pub database_url: Option<String>,
    /// The key device passwords are sealed with (created, mode 0600, when missing). Default
    /// `device.key` in the data folder. Keep it out of database backups; every server of one database
    /// needs the same key.
    pub device_key_file: Option<PathBuf>,
    /// Address the HJ 212 gateway listens on.
    pub hj212_listen: String,
    /// Address the HTTP server listens on.
    pub http_listen: String,
    /// The city's time zone: HJ 212 `DataTime` is local time, days are bucketed in it.
    pub timezone: String,
    /// Whether a commit must survive power loss (`full`) or only a process crash (`normal`).
    pub durability: store::Durability,
    /// Bearer token that authorises registry changes through the API (`POST /api/v1/sites`, `/devices`).
    /// Without one, such changes are accepted only from the loopback interface.
    pub admin_token: Option<String>,
    pub limits: Limits,
    pub http: HttpSettings,
    pub portal: PortalSettings,
    /// How long staff sessions last.
    pub sessions: crate::accounts::SessionPolicy,
    /// When silence is a gap and an unchanged value is stuck (`supervision.*`).
    pub supervision: crate::supervision::Thresholds,
    /// When an alarm nobody acknowledged goes to the city (`alarms.*`).
    pub alarms: crate::alarms::AlarmSettings,
    /// The marking deadline and the yearly quotas of marks (`marks.*`).
    pub marks: crate::supervision::marking::MarkSettings,
    /// The cases' clocks and working-day calendar (`cases.*`).
    pub cases: crate::cases::CaseSettings,
    /// The river chiefs' patrol duty and how near a complaint is to a reach (`rivers.*`).
    pub rivers: crate::rivers::RiverSettings,
    /// The method counties are scored by (`targets.score_method`); `None`: no score ranking.
    pub score_method: Option<crate::targets::score::Method>,
    /// The key file reporters' personal data is sealed with (`complaints.key_file`); `None`:
    /// `personal.key` in the data folder (made, mode 0600, when missing). Keep it out of database backups.
    pub complaints_key_file: Option<PathBuf>,
    /// Where evidence files are kept and how large one may be (`attachments.*`).
    pub attachments: crate::attachments::AttachmentSettings,
}

/// Explicit bounds on what clients may cost the server.
#[derive(Debug, Clone)]
pub struct Limits {
    /// HJ 212 connections open at once; further connections are closed on accept.
    pub max_connections: usize,
    /// Largest frame accepted, in bytes (the standard allows 1036; real flue-gas packets reach ~1.7 k).
    pub max_frame_bytes: usize,
    /// Bytes buffered per connection while waiting for a frame to complete.
    pub connection_buffer_bytes: usize,
    /// A connection that sends nothing for this long is closed.
    pub idle_timeout: Duration,
    /// A frame that has started must complete within this time (defeats slow-drip clients).
    pub frame_timeout: Duration,
    /// Frames written per transaction at most (group commit).
    pub max_write_batch: usize,
    /// Largest HTTP request body accepted.
    pub http_body_bytes: usize,
    /// Oldest `DataTime` accepted, in days before receipt (older frames are quarantined, still answered).
    pub max_backfill_days: u32,
    /// Latest `DataTime` accepted, in minutes after receipt (a logger clock running ahead).
    pub max_future_minutes: u32,
    /// HJ 212 connections one source (an IPv4 address or IPv6 /64) may hold open at once.
    pub max_connections_per_source: u32,
    /// A connection is closed after this many refused frames (bad frame, unknown MN, wrong password...).
    pub max_refused_frames: u32,
    /// A connection is closed after this many wrong passwords.
    pub max_wrong_passwords: u32,
    /// The wait after a wrong password before the connection is read again; it doubles with each further
    /// wrong password for the MN from the source (at most 30 s; ten in a row lock the MN out there).
    pub wrong_password_delay: Duration,
    /// A connection must send an accepted frame within this time of opening, or it is closed.
    pub first_frame_timeout: Duration,
    /// Refused frames journaled per source and hour; beyond, they are counted (see `ingest::guard`).
    pub refused_journal_per_source_hour: u32,
    /// Refused frames journaled per hour from all sources together; beyond, they are counted.
    pub refused_journal_per_hour: u32,
    /// Refused frames' bytes are purged after this many days (their record and digest stay; accepted
    /// frames are evidence and kept). Zero keeps them forever.
    pub refused_retention_days: u32,
    /// Below this much free disk (MB) the writer refuses batches (unanswered, so loggers re-send) and
    /// `/healthz` answers 503, until space returns.
    pub min_free_disk_mb: u64,
}

/// The HTTP server under abuse: slow clients, many clients, clients behind a proxy.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpSettings {
    /// A client must send its request headers within this time (slow-header clients are cut).
    pub header_timeout: Duration,
    /// A request must be answered within this time, or it is answered 503.
    pub request_timeout: Duration,
    /// HTTP connections open at once; further ones are closed on accept.
    pub max_connections: usize,
    /// Reverse proxies whose `X-Forwarded-For` is believed (addresses or CIDR blocks). Empty: none; the
    /// peer is the client. With any proxy configured, "the peer is loopback" authorises nothing.
    pub trusted_proxies: Vec<String>,
}

impl Default for HttpSettings {
    fn default() -> HttpSettings {
        HttpSettings {
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 1024,
            trusted_proxies: Vec::new(),
        }
    }
}

/// The public portal (the `web` crate) and its open data API (`/api/v1/public/`).
#[derive(Debug, Clone, PartialEq)]
pub struct PortalSettings {
    /// Target share of good air days (daily AQI ≤ 100) in the year, per cent; the air page compares the
    /// city's good-day ratio with it. Default 97.2, the Zhaotong 2018 programme's 2020 indicator (DESIGN §1).
    pub air_good_days_target_pct: f64,
    /// Target share of water sections of class I–III, per cent; the water page compares with it.
    /// Default 95, the same programme's indicator.
    pub water_good_target_pct: f64,
    /// GeoJSON FeatureCollection of (multi)polygons drawn as the home page map's areas: the operator's own
    /// licensed county boundaries. `None`, or a file that cannot be read or has no polygon, draws the
    /// demo's schematic layer (not real borders). Read once, when the platform opens.
    pub map_geojson: Option<PathBuf>,
    /// Ids of the air stations whose mean is the city's figure (e.g. the national-control stations, as the
    /// national platform computes a city's AQI). Empty: every air station.
    pub city_air_stations: Vec<String>,
    /// Requests to the open data API allowed per client address per [`public_rate_window`]. Zero is
    /// treated as the default (the limit cannot be switched off).
    ///
    /// [`public_rate_window`]: PortalSettings::public_rate_window
    pub public_rate_limit: u32,
    /// The open data API's rate-limit window (fixed, per client address). Zero is treated as the default.
    pub public_rate_window: Duration,
}

impl Default for PortalSettings {
    fn default() -> PortalSettings {
        PortalSettings {
            air_good_days_target_pct: 97.2,
            water_good_target_pct: 95.0,
            map_geojson: None,
            city_air_stations: Vec::new(),
            public_rate_limit: 300,
            public_rate_window: Duration::from_secs(60),
        }
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            data_dir: PathBuf::from("data"),
            database_url: None,
            hj212_listen: "0.0.0.0:9212".into(),
            // Loopback by default: exposing the HTTP server takes a decision (and an admin token).
            http_listen: "127.0.0.1:8080".into(),
            timezone: "Asia/Shanghai".into(),
            durability: store::Durability::Full,
            admin_token: None,
            device_key_file: None,
            limits: Limits::default(),
            http: HttpSettings::default(),
            portal: PortalSettings::default(),
            sessions: crate::accounts::SessionPolicy {
                idle_s: 30 * 60,
                max_s: 12 * 3600,
            },
            supervision: crate::supervision::Thresholds::default(),
            alarms: crate::alarms::AlarmSettings::default(),
            marks: crate::supervision::marking::MarkSettings::default(),
            cases: crate::cases::CaseSettings::default(),
            rivers: crate::rivers::RiverSettings::default(),
            score_method: None,
            complaints_key_file: None,
            attachments: crate::attachments::AttachmentSettings::default(),
        }
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: 20_000,
            max_frame_bytes: 16 * 1024,
            connection_buffer_bytes: 64 * 1024,
            idle_timeout: Duration::from_secs(600),
            frame_timeout: Duration::from_secs(30),
            max_write_batch: 4096,
            http_body_bytes: 1024 * 1024,
            max_backfill_days: 400,
            max_future_minutes: 15,
            max_connections_per_source: 256,
            max_refused_frames: 20,
            max_wrong_passwords: 3,
            wrong_password_delay: Duration::from_secs(1),
            first_frame_timeout: Duration::from_secs(30),
            refused_journal_per_source_hour: 200,
            refused_journal_per_hour: 10_000,
            refused_retention_days: 90,
            min_free_disk_mb: 256,
        }
    }
}

impl Settings {
    /// The city's time zone (`timezone`).
    pub fn time_zone(&self) -> Result<jiff::tz::TimeZone, crate::StartError> {
        jiff::tz::TimeZone::get(&self.timezone)
            .map_err(|_| crate::StartError::TimeZone(self.timezone.clone()))
    }

    /// The database file.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("qingshan.db")
    }

    /// The device key file ([`Settings::device_key_file`], or `device.key` in the data folder).
    pub fn device_key_path(&self) -> PathBuf {
        self.device_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("device.key"))
    }

    /// The key file of reporters' personal data ([`Settings::complaints_key_file`], or `personal.key` in
    /// the data folder).
    pub fn personal_key_path(&self) -> PathBuf {
        self.complaints_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("personal.key"))
    }

    /// The database to open (see `store::open`): [`Settings::database_url`], or the SQLite file in the
    /// data folder.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite:{}", self.database_path().display()))
    }
}
