-- Staff corrections of stored values (issue 14 item 3): records beside the values, which stay as
-- received. Never deleted: a withdrawn correction keeps who withdrew it and when.
CREATE TABLE corrections (
    id INTEGER PRIMARY KEY,
    site_id TEXT NOT NULL,
    param TEXT NOT NULL,
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    value REAL NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    withdrawn_by TEXT,
    withdrawn_at INTEGER
);
CREATE INDEX corrections_by_series ON corrections (site_id, param, start_at);
CREATE INDEX corrections_by_created ON corrections (created_at);
