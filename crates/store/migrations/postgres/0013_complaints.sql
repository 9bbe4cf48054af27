-- Complaints and reports from the public (12369): the front door of a case. The reporter's name and
-- contact are only ever stored sealed.
CREATE TABLE complaints (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    tracking_code TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL,
    address TEXT,
    lon DOUBLE PRECISION,
    lat DOUBLE PRECISION,
    county TEXT,
    description TEXT NOT NULL,
    contact_sealed TEXT,
    channel TEXT NOT NULL,
    duplicate_of BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX complaints_by_case ON complaints (case_id);
CREATE INDEX complaints_by_created ON complaints (created_at);
