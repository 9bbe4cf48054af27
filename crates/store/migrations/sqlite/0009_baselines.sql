-- Emission baselines (总量控制): an area's total in a base year and the cut its target asks for. `area` is
-- 'city' or a county code; reduction_pct 14.1 means −14.1 % by target_year.
CREATE TABLE emission_baselines (
    area TEXT NOT NULL,
    param TEXT NOT NULL,
    base_year INTEGER NOT NULL,
    tonnes REAL NOT NULL,
    target_year INTEGER NOT NULL,
    reduction_pct REAL NOT NULL,
    source TEXT NOT NULL,
    simulated INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (area, param, base_year)
);
