-- The outbox carries case reminders too: a delivery names its alarm or its case.
ALTER TABLE alarm_deliveries ALTER COLUMN alarm_id DROP NOT NULL;
ALTER TABLE alarm_deliveries ADD COLUMN case_id BIGINT REFERENCES cases(id);
CREATE INDEX alarm_deliveries_by_case ON alarm_deliveries (case_id, id);
-- Which reminders of which case's clock were sent (one per case, kind and due date).
CREATE TABLE case_reminders (
    case_id BIGINT NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    due TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, kind, due)
);
