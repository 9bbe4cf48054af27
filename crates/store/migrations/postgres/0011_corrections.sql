-- As SQLite's migration 16: staff corrections of stored values, records beside the values, which stay
-- as received. Never deleted: a withdrawn correction keeps who withdrew it and when.
CREATE TABLE corrections (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id TEXT NOT NULL,
    param TEXT NOT NULL,
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    withdrawn_by TEXT,
    withdrawn_at BIGINT
);
CREATE INDEX corrections_by_series ON corrections (site_id, param, start_at);
CREATE INDEX corrections_by_created ON corrections (created_at);
