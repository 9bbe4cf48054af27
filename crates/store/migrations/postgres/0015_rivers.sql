-- River chiefs (河长制): reaches of the registry's water bodies, their chiefs at each level, and the
-- chiefs' patrols. A patrol's track is kept as sent.
CREATE TABLE reaches (
    id TEXT PRIMARY KEY,
    waterbody_id TEXT NOT NULL REFERENCES waterbodies(id),
    name TEXT NOT NULL,
    start_point TEXT,
    end_point TEXT,
    counties TEXT NOT NULL,
    sections TEXT NOT NULL,
    target_class TEXT,
    length_km DOUBLE PRECISION,
    phone TEXT,
    course TEXT NOT NULL
);
CREATE TABLE reach_chiefs (
    reach_id TEXT NOT NULL REFERENCES reaches(id),
    level TEXT NOT NULL,
    name TEXT NOT NULL,
    title TEXT,
    account TEXT,
    PRIMARY KEY (reach_id, level, name)
);
CREATE TABLE patrols (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reach_id TEXT NOT NULL REFERENCES reaches(id),
    chief TEXT NOT NULL,
    level TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT NOT NULL,
    track TEXT NOT NULL,
    distance_m DOUBLE PRECISION NOT NULL,
    counts BOOLEAN NOT NULL,
    shortfall TEXT,
    checklist TEXT NOT NULL,
    note TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX patrols_by_start ON patrols (started_at);
