-- The outbox carries case reminders too: a delivery names its alarm or its case. SQLite cannot drop a NOT
-- NULL, so the table is rebuilt with its rows and indexes.
CREATE TABLE alarm_deliveries_new (
    id INTEGER PRIMARY KEY,
    alarm_id INTEGER REFERENCES alarms(id),
    channel TEXT NOT NULL,
    recipient TEXT,
    event TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER,
    delivered_at INTEGER,
    last_error TEXT,
    case_id INTEGER REFERENCES cases(id)
);
INSERT INTO alarm_deliveries_new (id, alarm_id, channel, recipient, event, body, created_at, attempts,
    next_attempt_at, delivered_at, last_error)
    SELECT id, alarm_id, channel, recipient, event, body, created_at, attempts, next_attempt_at,
        delivered_at, last_error FROM alarm_deliveries;
DROP TABLE alarm_deliveries;
ALTER TABLE alarm_deliveries_new RENAME TO alarm_deliveries;
CREATE INDEX alarm_deliveries_due ON alarm_deliveries (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX alarm_deliveries_by_alarm ON alarm_deliveries (alarm_id, id);
CREATE INDEX alarm_deliveries_by_case ON alarm_deliveries (case_id, id);
-- Which reminders of which case's clock were sent (one per case, kind and due date).
CREATE TABLE case_reminders (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    due TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (case_id, kind, due)
);
