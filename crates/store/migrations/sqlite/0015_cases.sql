-- Cases (one workflow for alarms, complaints and river-chief orders) and their append-only history.
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    source_ref TEXT,
    subject_kind TEXT NOT NULL,
    subject_id TEXT,
    site_id TEXT,
    enterprise_id TEXT,
    county TEXT,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    state TEXT NOT NULL,
    unit TEXT,
    assignee TEXT,
    due TEXT,
    accepted_on TEXT,
    founded INTEGER,
    penalty_number TEXT,
    penalty_amount REAL,
    penalty_measures TEXT,
    reason_code TEXT,
    merged_into INTEGER,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    changed_at INTEGER NOT NULL
);
CREATE INDEX cases_by_created ON cases (created_at);
CREATE INDEX cases_open ON cases (state) WHERE state NOT IN ('not_accepted', 'closed', 'replied', 'merged');
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    comment TEXT,
    detail TEXT
);
CREATE INDEX case_events_by_case ON case_events (case_id, id);
