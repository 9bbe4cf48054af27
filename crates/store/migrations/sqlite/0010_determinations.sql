-- What supervision determined: exceedance episodes and data problems of outlets, with what they cite
-- (permit version or standard, the first and last journal entry of the data). A determination no longer
-- found is withdrawn (withdrawn_at), never deleted: alarms and cases may point at it.
CREATE TABLE determinations (
    id INTEGER PRIMARY KEY,
    site_id TEXT NOT NULL,
    param TEXT NOT NULL,
    kind TEXT NOT NULL,
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    hours INTEGER,
    peak REAL,
    limit_value REAL,
    multiple REAL,
    averaging TEXT,
    permit_id INTEGER,
    permit_number TEXT,
    source TEXT,
    first_journal_id INTEGER,
    last_journal_id INTEGER,
    found_at INTEGER NOT NULL,
    changed_at INTEGER NOT NULL,
    withdrawn_at INTEGER
);
CREATE INDEX determinations_by_site ON determinations (site_id, start_at);
-- (site, local day start) whose determinations must be made again.
CREATE TABLE determination_queue (
    site_id TEXT NOT NULL,
    day INTEGER NOT NULL,
    PRIMARY KEY (site_id, day)
);
