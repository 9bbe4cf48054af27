-- Files kept as evidence (content-addressed on disk, never in the database): which record holds which.
CREATE TABLE attachments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner TEXT NOT NULL,
    digest TEXT NOT NULL,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    UNIQUE (owner, digest)
);
-- Enterprises' marks on their outlets' data (workflows.md A6), and their review.
CREATE TABLE marks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id TEXT NOT NULL,
    param TEXT,
    category TEXT NOT NULL,
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    value DOUBLE PRECISION,
    state TEXT NOT NULL,
    late BOOLEAN NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    reviewed_by TEXT,
    reviewed_at BIGINT,
    review_comment TEXT
);
CREATE INDEX marks_by_site ON marks (site_id, start_at);
CREATE INDEX marks_by_created ON marks (created_at);
-- How far each site's values are confirmed (the marking deadline passed): values before are validated.
CREATE TABLE confirmed_until (
    site_id TEXT PRIMARY KEY,
    until BIGINT NOT NULL
);
-- A suspicious-mark alarm names its mark.
ALTER TABLE alarms ADD COLUMN mark_id BIGINT;
