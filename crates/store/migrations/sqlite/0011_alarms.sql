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
