-- Evidence that holds (issue 10).
--
-- The journal is a hash chain: `hash` is SHA-256 over the previous record's hash and this record's
-- content, the raw frame by its digest `raw_sha256` (store::chain). Records written before this
-- migration are chained by it, in id order. Retention may empty a refused frame's `raw` (`purged` = 1);
-- its digest stays, so the chain still verifies.
ALTER TABLE journal ADD COLUMN raw_sha256 BLOB;
ALTER TABLE journal ADD COLUMN hash BLOB;
ALTER TABLE journal ADD COLUMN purged INTEGER NOT NULL DEFAULT 0;

-- Refusals beyond the journal's budget (identical ones from one address, or too many from one address
-- or from everyone in an hour) are counted here instead of journaled one by one.
CREATE TABLE refusal_counts (
    hour     INTEGER NOT NULL,
    source   TEXT NOT NULL,
    verdict  TEXT NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (hour, source, verdict)
) WITHOUT ROWID;

-- The first value received for a key stands. A later frame that carries a different value for the same
-- (site, parameter, interval, data time) is journaled as usual and its value kept here, never applied.
CREATE TABLE conflicts (
    id         INTEGER PRIMARY KEY,
    journal_id INTEGER NOT NULL REFERENCES journal(id),
    site_id    TEXT NOT NULL,
    param      TEXT NOT NULL,
    interval   INTEGER NOT NULL,
    time       INTEGER NOT NULL,
    value      REAL,
    min        REAL,
    max        REAL,
    cou        REAL,
    flag       TEXT
);
CREATE INDEX conflicts_key ON conflicts(site_id, param, interval, time);
