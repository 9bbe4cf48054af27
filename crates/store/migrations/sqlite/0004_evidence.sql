-- Evidence that holds (issue 10).
--
-- The journal is a hash chain: `hash` is SHA-256 over the previous record's hash and this record's
-- content (store::chain). Records written before this migration are chained by it, in id order.
ALTER TABLE journal ADD COLUMN hash BLOB;

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
