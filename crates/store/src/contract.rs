//! The storage contract: one trait per capability, which every backend implements and the conformance
//! suite ([`crate::conformance`]) holds them to. The platform only ever sees these traits.

use crate::chain::ChainCheck;
use crate::copy::{Cell, Table};
use crate::{
    AccessEntry, Account, Alarm, AlarmNote, AlarmRule, ApiToken, Attachment, AuditEntry, Baseline,
    Case, CaseEvent, Complaint, Correction, County, Delivery, Determination, Device, Enterprise,
    FrameRecord, IndicatorValue, Interval, JournalEntry, Mark, NewValue, Patrol, Period, Permit,
    Reach, ReachChief, Result, Rollup, Scopes, Session, Site, StoreError, Target, Tier, Value,
    Verdict, Waterbody,
};

/// What one [`Journal::write_frames`] call stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteSummary {
    /// The journal id of each frame, in the order given.
    pub journal_ids: Vec<i64>,
    /// Values stored for a key that had none (a re-sent identical value counts zero).
    pub values_new: usize,
    /// Values that differed from the one already stored for their key: kept as conflicts, not applied.
    pub conflicts: usize,
}

/// Refused frames of one verdict from one source in one hour that were counted, not journaled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusalCount {
    /// Start of the UTC hour, unix seconds.
    pub hour: i64,
    /// The source address (an IPv4 address, or an IPv6 /64).
    pub source: String,
    pub verdict: Verdict,
    pub count: i64,
}

/// A re-sent value that differed from the first one received for its key (which stands).
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub id: i64,
    /// The frame that carried the re-sent value.
    pub journal_id: i64,
    /// The value as re-sent (its key is the stored value's key).
    pub resent: NewValue,
    /// The stored value and the frame it came from.
    pub stored: NewValue,
    pub stored_journal_id: i64,
}

/// Rejected frames of one cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantineCount {
    pub verdict: Verdict,
    pub count: i64,
}

/// What a site has stored for one parameter and interval.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesInfo {
    pub param: String,
    pub interval: Interval,
    pub count: i64,
    /// Data time of the first and last value, unix seconds UTC.
    pub first: i64,
    pub last: i64,
}

/// A stored value with what the completeness report needs: its flag and when its frame arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    /// Data time, unix seconds UTC.
    pub time: i64,
    pub flag: Option<String>,
    /// When the frame carrying it was received, unix milliseconds UTC.
    pub received_at_ms: i64,
}

/// A UTC clock hour of one series that received new or changed fine-grained data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DirtyHour {
    pub site_id: String,
    pub param: String,
    /// Start of the UTC hour, unix seconds.
    pub hour: i64,
    /// How often it was marked: [`Rollups::write_rollups`] clears it only if no value marked it again
    /// since it was read (a gateway may store one while another server rolls the hour up).
    pub mark: i64,
}

/// The raw journal (every frame, as received) and the write path into the series.
pub trait Journal {
    /// Journals `frames` and stores the values of the accepted ones, all in one transaction (or, when the
    /// caller already holds one, inside it).
    ///
    /// When this returns outside a caller's transaction, it is committed with the durability the store was
    /// opened with: only then may the gateway answer the devices. The first value received for a key
    /// stands: an identical re-send changes nothing, a different one is kept as a [`Conflict`] and never
    /// applied. Every new realtime or minute value marks its hour for rollup recomputation. Each journal
    /// record is chained to the one before it ([`crate::chain`]).
    fn write_frames(&mut self, frames: &[FrameRecord]) -> Result<WriteSummary>;
    /// Checks the journal's hash chain from the first record to the last.
    fn verify_chain(&self) -> Result<ChainCheck>;
    /// Empties the raw bytes of refused frames received before `received_before_ms` (retention); their
    /// digest, verdict and cause stay, and the chain still verifies. Accepted frames are never purged.
    /// Returns how many were purged.
    fn purge_refused(&self, received_before_ms: i64) -> Result<u64>;
    /// Adds refusals that were counted instead of journaled.
    fn count_refusals(&self, counts: &[RefusalCount]) -> Result<()>;
    /// Counted refusals from `from_hour` (unix seconds) on, oldest first.
    fn refusal_counts(&self, from_hour: i64) -> Result<Vec<RefusalCount>>;
    /// Conflicting re-sends, newest first, optionally of one site, with ids below `before`.
    fn conflicts(
        &self,
        site: Option<&str>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Conflict>>;
    /// One journal entry.
    fn journal_entry(&self, id: i64) -> Result<Option<JournalEntry>>;
    /// Rejected frames, newest first, optionally of one verdict, with ids below `before` (for paging).
    fn quarantine(
        &self,
        verdict: Option<Verdict>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<JournalEntry>>;
    /// How many frames were rejected, by cause.
    fn quarantine_counts(&self) -> Result<Vec<QuarantineCount>>;
    /// Frames journaled for a device between two receive times (unix ms), as (receive time, verdict).
    fn device_frames(&self, mn: &str, from_ms: i64, to_ms: i64) -> Result<Vec<(i64, Verdict)>>;
    /// Accepted frames of a device received between two times (unix ms) that carried a value of `param`
    /// that was not a number (noted `invalid_value: PARAM-…` in the record's cause).
    fn invalid_values(&self, mn: &str, param: &str, from_ms: i64, to_ms: i64) -> Result<i64>;
    /// When the last frame from this MN was received (unix ms), if any.
    fn last_frame_at(&self, mn: &str) -> Result<Option<i64>>;
    /// The number of journal entries.
    fn journal_len(&self) -> Result<i64>;
}

/// The stored measurement series.
pub trait Series {
    /// Values of one series with `from <= time < to` (unix seconds UTC), oldest first, at most `limit`.
    fn series_page(
        &self,
        site: &str,
        param: &str,
        interval: Interval,
        from: i64,
        to: i64,
        limit: u32,
    ) -> Result<Vec<Value>>;
    /// Every value of one series with `from <= time < to`, oldest first.
    fn series(
        &self,
        site: &str,
        param: &str,
        interval: Interval,
        from: i64,
        to: i64,
    ) -> Result<Vec<Value>> {
        self.series_page(site, param, interval, from, to, u32::MAX)
    }
    /// The series a site has, with their extent.
    fn series_of_site(&self, site: &str) -> Result<Vec<SeriesInfo>>;
    /// The number of stored values of all series.
    fn value_count(&self) -> Result<i64>;
    /// Receipts of one series with `from <= time < to`, oldest first.
    fn receipts(
        &self,
        site: &str,
        param: &str,
        interval: Interval,
        from: i64,
        to: i64,
    ) -> Result<Vec<Receipt>>;
    /// The data time of the latest stored value of `site` over `params` (any interval), if any.
    fn latest_value_time(&self, site: &str, params: &[&str]) -> Result<Option<i64>>;
    /// How many stored values of `site` over `params` with `from <= time < to` are still preliminary, and
    /// how many there are: `(preliminary, total)`.
    fn tier_counts(&self, site: &str, params: &[&str], from: i64, to: i64) -> Result<(i64, i64)>;
    /// Sets the review tier of one stored value; false when there is no such value. Staff review, never
    /// a device: once validated, a device's re-send no longer changes the value.
    fn set_tier(
        &self,
        site: &str,
        param: &str,
        interval: Interval,
        time: i64,
        tier: Tier,
    ) -> Result<bool>;
}

/// Hourly and daily rollups, and the hours waiting to be rolled up.
pub trait Rollups {
    /// Up to `limit` hours waiting for their rollups to be recomputed, oldest first.
    fn dirty_hours(&self, limit: u32) -> Result<Vec<DirtyHour>>;
    /// Stores (inserting or replacing) `rollups` and clears the dirty hours `done` that were not marked
    /// again since they were read, in the caller's transaction (see [`Store::put_rollups`] for one of its own).
    fn write_rollups(&self, rollups: &[Rollup], done: &[DirtyHour]) -> Result<()>;
    /// Rollups of one series with `from <= time < to`, oldest first.
    fn rollups(
        &self,
        site: &str,
        param: &str,
        period: Period,
        from: i64,
        to: i64,
    ) -> Result<Vec<Rollup>>;
    /// Rollups of every parameter of `site` with `from <= time < to`, ordered by time then parameter.
    fn site_rollups(&self, site: &str, period: Period, from: i64, to: i64) -> Result<Vec<Rollup>>;
    /// The start of the latest rollup of `site` for `period` at or before `at`, over `params`, if any.
    fn latest_rollup_time(
        &self,
        site: &str,
        params: &[&str],
        period: Period,
        at: i64,
    ) -> Result<Option<i64>>;
    /// Marks for recomputation every UTC hour of one series in `[from, to)` that holds a real-time or
    /// minute value (as [`Journal::write_frames`] does for new values: a hour already marked is marked
    /// again, so a rollup under way does not clear it). Returns how many hours were marked.
    fn mark_hours_dirty(&self, site: &str, param: &str, from: i64, to: i64) -> Result<u64>;
    /// `(time, mean, valid)` of one rollup series with `from <= time < to`, oldest first: the lean read the
    /// portal's year-long pages are built on.
    fn rollup_means(
        &self,
        site: &str,
        param: &str,
        period: Period,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, Option<f64>, bool)>>;
}

/// Counties, water bodies, enterprises, sites and devices. Every write is an idempotent upsert.
pub trait Registry {
    /// Creates or updates a county.
    fn upsert_county(&self, c: &County) -> Result<()>;
    /// Every county, by code.
    fn counties(&self) -> Result<Vec<County>>;
    /// Creates or updates a water body.
    fn upsert_waterbody(&self, w: &Waterbody) -> Result<()>;
    /// Every water body, by id.
    fn waterbodies(&self) -> Result<Vec<Waterbody>>;
    /// Records which water body a site samples (`None` to clear). Both must exist.
    fn set_site_waterbody(&self, site: &str, waterbody: Option<&str>) -> Result<()>;
    /// The water body a site samples, if recorded.
    fn site_waterbody(&self, site: &str) -> Result<Option<Waterbody>>;
    /// Creates or updates an enterprise.
    fn upsert_enterprise(&self, e: &Enterprise) -> Result<()>;
    /// Every enterprise, by id.
    fn enterprises(&self) -> Result<Vec<Enterprise>>;
    /// Creates or updates a site (keeping its water body).
    fn upsert_site(&self, s: &Site) -> Result<()>;
    /// The site with this id, if any.
    fn site(&self, id: &str) -> Result<Option<Site>>;
    /// Every site, by id.
    fn sites(&self) -> Result<Vec<Site>>;
    /// Creates or updates a device. The site must exist ([`StoreError::NotFound`] otherwise).
    fn upsert_device(&self, d: &Device) -> Result<()>;
    /// Every device, by MN.
    fn devices(&self) -> Result<Vec<Device>>;
}

/// Who changed what: written in the same transaction as the change it records, in a hash chain
/// ([`crate::chain::audit_hash`]) so an entry edited, removed or inserted afterwards is found.
pub trait Audit {
    /// Records a change made by a person (who, what, to which subject, details), with the time now.
    fn audit(&self, actor: &str, action: &str, subject: &str, detail: Option<&str>) -> Result<()>;
    /// The most recent audit entries, newest first.
    fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>>;
    /// Audit entries newest first, with ids below `before`, whose actor, action or subject contains
    /// `search` (case-sensitive; `None`: all).
    fn audit_page(
        &self,
        search: Option<&str>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>>;
    /// Checks the audit log's hash chain from the first entry to the last.
    fn verify_audit(&self) -> Result<ChainCheck>;
    /// Appends entries to the access log (what people signed in asked for).
    fn record_access(&self, entries: &[AccessEntry]) -> Result<()>;
    /// Access-log entries newest first, with ids below `before`, whose actor or path contains `search`.
    fn access_page(
        &self,
        search: Option<&str>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AccessEntry>>;
}

/// Emission permits in versions, and the areas' emission baselines with their reduction targets
/// ([`crate::permits`]).
pub trait Permits {
    /// Stores a permit version with its outlets, limits and annual quantities; a version with the same
    /// number and `valid_from` is replaced whole. Returns its id.
    fn put_permit(&self, permit: &Permit) -> Result<i64>;
    /// Every permit version, with everything it holds, by number then `valid_from`.
    fn permits(&self) -> Result<Vec<Permit>>;
    /// One permit version.
    fn permit(&self, id: i64) -> Result<Option<Permit>>;
    /// Stores an area's base-year total and reduction target, replacing the one with the same area,
    /// pollutant and base year.
    fn put_baseline(&self, b: &Baseline) -> Result<()>;
    /// Every baseline, by area, pollutant and base year.
    fn baselines(&self) -> Result<Vec<Baseline>>;
}

/// What supervision determined and what it must determine again ([`crate::determinations`]).
pub trait Determinations {
    /// Queues (site, local day start) pairs for determination; a pair already queued stays once.
    fn queue_determinations(&self, days: &[(String, i64)]) -> Result<()>;
    /// Up to `limit` queued pairs, by site then day.
    fn queued_determinations(&self, limit: u32) -> Result<Vec<(String, i64)>>;
    /// Removes pairs from the queue (after their determination was stored, in the same transaction).
    fn dequeue_determinations(&self, days: &[(String, i64)]) -> Result<()>;
    /// The site's determinations overlapping `[from, to)` (withdrawn ones too when `withdrawn`), by start.
    fn determinations_of(
        &self,
        site: &str,
        from: i64,
        to: i64,
        withdrawn: bool,
    ) -> Result<Vec<Determination>>;
    /// Stores a new determination (`id` 0; returns its id) or replaces the one with its id.
    fn put_determination(&self, d: &Determination) -> Result<i64>;
}

/// Alarms and their notes ([`crate::alarms`]).
pub trait Alarms {
    /// Stores a new alarm (`id` 0; returns its id) or replaces the one with its id.
    fn put_alarm(&self, a: &Alarm) -> Result<i64>;
    fn alarm(&self, id: i64) -> Result<Option<Alarm>>;
    /// The newest alarm raised from a determination.
    fn alarm_of_determination(&self, determination_id: i64) -> Result<Option<Alarm>>;
    /// The newest alarm raised about a mark.
    fn alarm_of_mark(&self, mark_id: i64) -> Result<Option<Alarm>>;
    /// Alarms not closed, oldest first.
    fn unclosed_alarms(&self) -> Result<Vec<Alarm>>;
    /// Alarms opened in `[from, to)`, newest first.
    fn alarms_opened(&self, from: i64, to: i64) -> Result<Vec<Alarm>>;
    fn add_alarm_note(&self, n: &AlarmNote) -> Result<()>;
    /// An alarm's notes, oldest first.
    fn alarm_notes(&self, alarm_id: i64) -> Result<Vec<AlarmNote>>;
    /// Stores a new delivery (`id` 0; returns its id) or replaces the one with its id.
    fn put_delivery(&self, d: &Delivery) -> Result<i64>;
    /// Up to `limit` deliveries due at `now` (`next_attempt_at <= now`), oldest first.
    fn due_deliveries(&self, now: i64, limit: u32) -> Result<Vec<Delivery>>;
    /// An alarm's deliveries, oldest first.
    fn deliveries_of(&self, alarm_id: i64) -> Result<Vec<Delivery>>;
    /// Stores a new rule (`id` 0; returns its id) or replaces the one with its id.
    fn put_alarm_rule(&self, r: &AlarmRule) -> Result<i64>;
    fn alarm_rule(&self, id: i64) -> Result<Option<AlarmRule>>;
    /// Every rule (disabled ones too), by id.
    fn alarm_rules(&self) -> Result<Vec<AlarmRule>>;
}

/// Enterprises' marks on their data, and how far each site's data is confirmed ([`crate::marks`]).
pub trait Marks {
    /// Stores a new mark (`id` 0; returns its id) or replaces the one with its id.
    fn put_mark(&self, m: &Mark) -> Result<i64>;
    fn mark(&self, id: i64) -> Result<Option<Mark>>;
    /// The site's marks (every state) overlapping `[from, to)`, by start then id.
    fn marks_of(&self, site: &str, from: i64, to: i64) -> Result<Vec<Mark>>;
    /// Marks made in `[from, to)`, newest first.
    fn marks_made(&self, from: i64, to: i64) -> Result<Vec<Mark>>;
    /// Where the site's confirmed data ends: values before it were confirmed, if any were.
    fn confirmed_until(&self, site: &str) -> Result<Option<i64>>;
    /// Confirms the site's values with `from <= time < to` (every parameter and interval): preliminary ones
    /// become validated, and the site's confirmed data now ends at `to`. Returns how many values changed.
    fn confirm_values(&self, site: &str, from: i64, to: i64) -> Result<u64>;
}

/// Cases and their history ([`crate::cases`]).
pub trait Cases {
    /// Stores a new case (`id` 0; returns its id) or replaces the one with its id.
    fn put_case(&self, c: &Case) -> Result<i64>;
    fn case(&self, id: i64) -> Result<Option<Case>>;
    /// Cases created in `[from, to)`, newest first.
    fn cases_created(&self, from: i64, to: i64) -> Result<Vec<Case>>;
    /// Cases still being worked on (not `not_accepted`, `closed`, `replied` or `merged`), oldest first.
    fn open_cases(&self) -> Result<Vec<Case>>;
    /// Appends to a case's history.
    fn add_case_event(&self, e: &CaseEvent) -> Result<()>;
    /// A case's history, oldest first.
    fn case_events(&self, case_id: i64) -> Result<Vec<CaseEvent>>;
    /// Stores a new complaint (`id` 0; returns its id) or replaces the one with its id.
    fn put_complaint(&self, c: &Complaint) -> Result<i64>;
    fn complaint(&self, id: i64) -> Result<Option<Complaint>>;
    fn complaint_by_code(&self, tracking_code: &str) -> Result<Option<Complaint>>;
    /// The complaints that opened or joined a case, oldest first.
    fn complaints_of_case(&self, case_id: i64) -> Result<Vec<Complaint>>;
    /// Complaints received in `[from, to)`, oldest first.
    fn complaints_received(&self, from: i64, to: i64) -> Result<Vec<Complaint>>;
    /// Records that the reminder `kind` of case `case_id`'s clock due on `due` was sent; false when it
    /// already was (so each is sent once).
    fn record_case_reminder(&self, case_id: i64, kind: &str, due: &str, at: i64) -> Result<bool>;
    /// A case's deliveries (its reminders), oldest first.
    fn deliveries_of_case(&self, case_id: i64) -> Result<Vec<Delivery>>;
}

/// Target sets and hand-entered indicator values ([`crate::targets`]).
pub trait Targets {
    /// Creates or replaces targets (by set, area, indicator and period).
    fn put_targets(&self, targets: &[Target]) -> Result<()>;
    /// Every target, by set, area, indicator and period.
    fn targets(&self) -> Result<Vec<Target>>;
    /// Stores a hand-entered value; returns its id. Values are never changed.
    fn put_indicator_value(&self, v: &IndicatorValue) -> Result<i64>;
    /// Every hand-entered value, oldest first.
    fn indicator_values(&self) -> Result<Vec<IndicatorValue>>;
}

/// River chiefs: reaches, their chiefs and patrols ([`crate::rivers`]).
pub trait Rivers {
    /// Creates or replaces a reach.
    fn put_reach(&self, r: &Reach) -> Result<()>;
    fn reach(&self, id: &str) -> Result<Option<Reach>>;
    /// Every reach, by id.
    fn reaches(&self) -> Result<Vec<Reach>>;
    /// Replaces the chiefs of `reach`.
    fn set_reach_chiefs(&self, reach: &str, chiefs: &[ReachChief]) -> Result<()>;
    /// The chiefs of `reach` (of every reach when `None`), by reach, level and name.
    fn reach_chiefs(&self, reach: Option<&str>) -> Result<Vec<ReachChief>>;
    /// Stores a new patrol; returns its id. Patrols are never changed.
    fn put_patrol(&self, p: &Patrol) -> Result<i64>;
    fn patrol(&self, id: i64) -> Result<Option<Patrol>>;
    /// Patrols started in `[from, to)`, oldest first.
    fn patrols(&self, from: i64, to: i64) -> Result<Vec<Patrol>>;
}

/// Which stored record holds which evidence file (the files are on disk, see `platform::attachments`).
pub trait Attachments {
    /// Records that `owner` (`mark:12`...) holds the file; holding it twice is holding it once.
    fn attach(&self, owner: &str, a: &Attachment) -> Result<()>;
    /// The files `owner` holds, in the order attached.
    fn attachments_of(&self, owner: &str) -> Result<Vec<Attachment>>;
}

/// Staff corrections of stored values ([`crate::Correction`]): records beside the values, never edits.
pub trait Corrections {
    /// Stores a new correction (its `id` is ignored) and returns its id. A stored correction is never
    /// changed, only withdrawn.
    fn put_correction(&self, c: &Correction) -> Result<i64>;
    fn correction(&self, id: i64) -> Result<Option<Correction>>;
    /// The corrections of `site` (of `param`, or every parameter) overlapping `[from, to)`, withdrawn
    /// ones too when `withdrawn`, by id (oldest first: a later one supersedes an earlier one).
    fn corrections_of(
        &self,
        site: &str,
        param: Option<&str>,
        from: i64,
        to: i64,
        withdrawn: bool,
    ) -> Result<Vec<Correction>>;
    /// Corrections made in `[from, to)` (withdrawn ones too), newest first.
    fn corrections_made(&self, from: i64, to: i64) -> Result<Vec<Correction>>;
    /// Withdraws correction `id` (by whom, when); false when there is none or it was withdrawn already.
    fn withdraw_correction(&self, id: i64, by: &str, at: i64) -> Result<bool>;
}

/// Accounts, their sessions and API tokens ([`crate::people`]).
pub trait People {
    /// Creates an account; [`StoreError::Exists`] when the name is taken.
    fn create_account(
        &self,
        name: &str,
        role: &str,
        password_hash: &str,
        scopes: &Scopes,
        now: i64,
    ) -> Result<i64>;
    fn account(&self, id: i64) -> Result<Option<Account>>;
    fn account_by_name(&self, name: &str) -> Result<Option<Account>>;
    /// Every account, by name.
    fn accounts(&self) -> Result<Vec<Account>>;
    /// Stores an account's role, scopes, flags and sign-in counters (not its password).
    fn update_account(&self, a: &Account) -> Result<()>;
    /// Sets a new password hash, keeping the old one in the history.
    fn set_password(&self, id: i64, password_hash: &str, must_change: bool, now: i64)
    -> Result<()>;
    /// The account's last `n` password hashes before the current one, newest first.
    fn password_history(&self, id: i64, n: u32) -> Result<Vec<String>>;
    fn create_session(&self, s: &Session) -> Result<()>;
    fn session(&self, id_hash: &[u8]) -> Result<Option<Session>>;
    fn touch_session(&self, id_hash: &[u8], at: i64) -> Result<()>;
    /// Revokes one session of the account, or all of them (`None`); returns how many.
    fn revoke_sessions(&self, account_id: i64, only: Option<&[u8]>) -> Result<u64>;
    /// Revokes every session of the account but `keep`; returns how many.
    fn revoke_other_sessions(&self, account_id: i64, keep: &[u8]) -> Result<u64>;
    /// Stores a new token; returns its id.
    fn create_token(&self, t: &ApiToken) -> Result<i64>;
    fn token_by_hash(&self, token_hash: &[u8]) -> Result<Option<ApiToken>>;
    /// The account's tokens, newest first.
    fn tokens_of(&self, account_id: i64) -> Result<Vec<ApiToken>>;
    /// Revokes a token of the account; false when it has no such token.
    fn revoke_token(&self, account_id: i64, id: i64) -> Result<bool>;
    fn touch_token(&self, id: i64, at: i64) -> Result<()>;
}

/// Whole tables as rows, for moving a platform between databases ([`crate::copy`]).
pub trait Tables {
    /// Up to `limit` rows of `table` whose key comes after `after` (from the first when `None`), in key
    /// order (text bytewise).
    fn read_rows(
        &self,
        table: &Table,
        after: Option<&[Cell]>,
        limit: u32,
    ) -> Result<Vec<Vec<Cell>>>;
    /// Inserts `rows` as they are (ids included), in the caller's transaction.
    fn write_rows(&self, table: &Table, rows: &[Vec<Cell>]) -> Result<()>;
    /// The key of the last row in key order, if any.
    fn last_key(&self, table: &Table) -> Result<Option<Vec<Cell>>>;
    /// How many rows `table` holds.
    fn row_count(&self, table: &Table) -> Result<i64>;
    /// After rows were written with their ids: moves the table's id counter past them.
    fn after_rows_written(&mut self, table: &Table) -> Result<()>;
    /// Every table of the schema (not partitions, not the migrations' own) with its columns in order,
    /// sorted by table name: what [`crate::copy::TABLES`] must describe.
    fn schema(&self) -> Result<Vec<(String, Vec<String>)>>;
}

/// One connection to a database: every capability's storage, plus schema and transactions.
pub trait Connection:
    Journal
    + Series
    + Rollups
    + Registry
    + Audit
    + People
    + Permits
    + Determinations
    + Alarms
    + Marks
    + Attachments
    + Corrections
    + Cases
    + Rivers
    + Targets
    + Tables
    + Send
{
    /// The schema version the database is at.
    fn schema_version(&self) -> Result<i64>;
    /// Applies every migration not yet applied; returns the versions applied now.
    fn migrate(&mut self) -> Result<Vec<i64>>;
    /// Starts a transaction (writes wait for other writers). Prefer [`Store::in_transaction`].
    fn begin(&mut self) -> Result<()>;
    /// Commits the transaction [`Connection::begin`] started.
    fn commit(&mut self) -> Result<()>;
    /// Abandons the transaction [`Connection::begin`] started.
    fn rollback(&mut self);
    /// Whether this connection leads the background jobs (rollups, retention, storage upkeep) among every
    /// server of the database. PostgreSQL: at most one connection at a time, until it closes (a session
    /// advisory lock), so several gateways compute each rollup once. SQLite: always (one file, one server).
    fn lead_background_jobs(&mut self) -> Result<bool> {
        Ok(true)
    }
    /// Prepares storage ahead of need (PostgreSQL: the coming months' partitions). The leader calls it
    /// about hourly; a no-op where nothing needs preparing.
    fn prepare_ahead(&mut self) -> Result<()> {
        Ok(())
    }
}

/// A connection of any backend, as the platform holds it: its methods are the [`Connection`]'s.
pub struct Store(Box<dyn Connection>);

impl Store {
    /// Wraps a backend's connection.
    pub fn new(connection: impl Connection + 'static) -> Store {
        Store(Box::new(connection))
    }

    /// Runs `f` in one transaction: everything it wrote is committed together, or nothing when it fails.
    pub fn in_transaction<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut Store) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.0.begin()?;
        match f(self) {
            Ok(t) => {
                self.0.commit()?;
                Ok(t)
            }
            Err(e) => {
                self.0.rollback();
                Err(e)
            }
        }
    }

    /// Stores recomputed rollups and clears the dirty hours they cover, in one transaction.
    pub fn put_rollups(&mut self, rollups: &[Rollup], done: &[DirtyHour]) -> Result<()> {
        self.in_transaction(|s| s.write_rollups(rollups, done))
    }
}

impl std::ops::Deref for Store {
    type Target = dyn Connection;
    fn deref(&self) -> &(dyn Connection + 'static) {
        &*self.0
    }
}

impl std::ops::DerefMut for Store {
    fn deref_mut(&mut self) -> &mut (dyn Connection + 'static) {
        &mut *self.0
    }
}

/// A database: hands out connections.
pub trait Database: Send + Sync {
    /// A connection that reads and writes (the schema is migrated when the database is opened).
    fn connect(&self) -> Result<Store>;
    /// A connection for reading only.
    fn reader(&self) -> Result<Store>;
    /// Where the database is, without credentials.
    fn url(&self) -> &str;
    /// Folds what is committed into the database's own files, for a server that is stopping: on SQLite
    /// the write-ahead log is checkpointed into the main file, so a copy of that file alone is a whole
    /// backup. Nothing to do on PostgreSQL.
    fn checkpoint(&self) -> Result<()> {
        Ok(())
    }
}
