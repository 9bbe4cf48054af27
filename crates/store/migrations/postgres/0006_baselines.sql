-- As SQLite's migration 9: emission baselines and their reduction targets.
CREATE TABLE emission_baselines (
    area TEXT COLLATE "C" NOT NULL,
    param TEXT COLLATE "C" NOT NULL,
    base_year BIGINT NOT NULL,
    tonnes DOUBLE PRECISION NOT NULL,
    target_year BIGINT NOT NULL,
    reduction_pct DOUBLE PRECISION NOT NULL,
    source TEXT NOT NULL,
    simulated BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (area, param, base_year)
);
