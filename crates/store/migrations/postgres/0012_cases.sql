-- Cases (one workflow for alarms, complaints and river-chief orders) and their append-only history.
CREATE TABLE cases (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    founded BOOLEAN,
    penalty_number TEXT,
    penalty_amount DOUBLE PRECISION,
    penalty_measures TEXT,
    reason_code TEXT,
    merged_into BIGINT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    changed_at BIGINT NOT NULL
);
CREATE INDEX cases_by_created ON cases (created_at);
CREATE INDEX cases_open ON cases (state) WHERE state NOT IN ('not_accepted', 'closed', 'replied', 'merged');
CREATE TABLE case_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    comment TEXT,
    detail TEXT
);
CREATE INDEX case_events_by_case ON case_events (case_id, id);
