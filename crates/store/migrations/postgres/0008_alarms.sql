-- As SQLite's migration 11: alarms and their notes.
CREATE TABLE alarms (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    site_id TEXT COLLATE "C" NOT NULL,
    param TEXT COLLATE "C",
    determination_id BIGINT,
    state TEXT NOT NULL,
    level TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    episode_start BIGINT NOT NULL,
    episode_end BIGINT NOT NULL,
    changed_at BIGINT NOT NULL,
    case_id BIGINT
);
CREATE INDEX alarms_by_opened ON alarms (opened_at);
CREATE INDEX alarms_by_determination ON alarms (determination_id);
CREATE INDEX alarms_unclosed ON alarms (state) WHERE state <> 'closed';
CREATE TABLE alarm_notes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alarm_id BIGINT NOT NULL REFERENCES alarms(id),
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    event TEXT NOT NULL,
    comment TEXT
);
CREATE INDEX alarm_notes_by_alarm ON alarm_notes (alarm_id, id);
CREATE TABLE alarm_deliveries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alarm_id BIGINT NOT NULL REFERENCES alarms(id),
    channel TEXT NOT NULL,
    recipient TEXT,
    event TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT,
    delivered_at BIGINT,
    last_error TEXT
);
CREATE INDEX alarm_deliveries_due ON alarm_deliveries (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX alarm_deliveries_by_alarm ON alarm_deliveries (alarm_id, id);
CREATE TABLE alarm_rules (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id TEXT COLLATE "C" NOT NULL,
    param TEXT COLLATE "C" NOT NULL,
    condition TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    hours BIGINT NOT NULL,
    severity TEXT NOT NULL,
    note TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE
);
