-- Files kept as evidence (content-addressed on disk, never in the database): which record holds which.
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL,
    digest TEXT NOT NULL,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    UNIQUE (owner, digest)
);
-- Enterprises' marks on their outlets' data (workflows.md A6), and their review.
CREATE TABLE marks (
    id INTEGER PRIMARY KEY,
    site_id TEXT NOT NULL,
    param TEXT,
    category TEXT NOT NULL,
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    reason TEXT NOT NULL,
    value REAL,
    state TEXT NOT NULL,
    late INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    reviewed_by TEXT,
    reviewed_at INTEGER,
    review_comment TEXT
);
CREATE INDEX marks_by_site ON marks (site_id, start_at);
CREATE INDEX marks_by_created ON marks (created_at);
-- How far each site's values are confirmed (the marking deadline passed): values before are validated.
CREATE TABLE confirmed_until (
    site_id TEXT PRIMARY KEY,
    until INTEGER NOT NULL
);
-- A suspicious-mark alarm names its mark.
ALTER TABLE alarms ADD COLUMN mark_id INTEGER;
