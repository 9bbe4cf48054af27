-- As SQLite's migration 10: what supervision determined, and the queue of days to determine again.
CREATE TABLE determinations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id TEXT COLLATE "C" NOT NULL,
    param TEXT COLLATE "C" NOT NULL,
    kind TEXT NOT NULL,
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL,
    hours BIGINT,
    peak DOUBLE PRECISION,
    limit_value DOUBLE PRECISION,
    multiple DOUBLE PRECISION,
    averaging TEXT,
    permit_id BIGINT,
    permit_number TEXT,
    source TEXT,
    first_journal_id BIGINT,
    last_journal_id BIGINT,
    found_at BIGINT NOT NULL,
    changed_at BIGINT NOT NULL,
    withdrawn_at BIGINT
);
CREATE INDEX determinations_by_site ON determinations (site_id, start_at);
CREATE TABLE determination_queue (
    site_id TEXT COLLATE "C" NOT NULL,
    day BIGINT NOT NULL,
    PRIMARY KEY (site_id, day)
);
