-- Alarms raised from determinations, and the notes of everything that happened to them.
CREATE TABLE alarms (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    site_id TEXT NOT NULL,
    param TEXT,
    determination_id INTEGER,
    state TEXT NOT NULL,
    level TEXT NOT NULL,
    opened_at INTEGER NOT NULL,
    episode_start INTEGER NOT NULL,
    episode_end INTEGER NOT NULL,
    changed_at INTEGER NOT NULL,
    case_id INTEGER
);
CREATE INDEX alarms_by_opened ON alarms (opened_at);
CREATE INDEX alarms_by_determination ON alarms (determination_id);
CREATE INDEX alarms_unclosed ON alarms (state) WHERE state <> 'closed';
CREATE TABLE alarm_notes (
    id INTEGER PRIMARY KEY,
    alarm_id INTEGER NOT NULL REFERENCES alarms(id),
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    event TEXT NOT NULL,
    comment TEXT
);
CREATE INDEX alarm_notes_by_alarm ON alarm_notes (alarm_id, id);
-- The outbox of notifications: written with the alarm's change, emptied by the sender.
CREATE TABLE alarm_deliveries (
    id INTEGER PRIMARY KEY,
    alarm_id INTEGER NOT NULL REFERENCES alarms(id),
    channel TEXT NOT NULL,
    recipient TEXT,
    event TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER,
    delivered_at INTEGER,
    last_error TEXT
);
CREATE INDEX alarm_deliveries_due ON alarm_deliveries (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX alarm_deliveries_by_alarm ON alarm_deliveries (alarm_id, id);
-- Rules people define per site and parameter (threshold, rate of change, duration).
CREATE TABLE alarm_rules (
    id INTEGER PRIMARY KEY,
    site_id TEXT NOT NULL,
    param TEXT NOT NULL,
    condition TEXT NOT NULL,
    value REAL NOT NULL,
    hours INTEGER NOT NULL,
    severity TEXT NOT NULL,
    note TEXT,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);
