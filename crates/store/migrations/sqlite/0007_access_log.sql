-- The access log: what people signed in (sessions, tokens) asked for, and the answer's status. Reads
-- are evidence too: an auditor can see who looked at which site's data, and when.
CREATE TABLE access_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    address TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL
);
CREATE INDEX access_log_at ON access_log (at);
