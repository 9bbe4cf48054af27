-- Targets as data: target sets (a city's or county's target for an indicator and a period, with the
-- document it comes from) and the values of indicators the platform cannot measure, entered by hand with
-- evidence (the newest per area, indicator and period stands; earlier ones are kept).
CREATE TABLE targets (
    set_name TEXT NOT NULL,
    area TEXT NOT NULL,
    indicator TEXT NOT NULL,
    period TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (set_name, area, indicator, period)
);
CREATE TABLE indicator_values (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    area TEXT NOT NULL,
    indicator TEXT NOT NULL,
    period TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    note TEXT,
    entered_by TEXT NOT NULL,
    entered_at BIGINT NOT NULL
);
CREATE INDEX indicator_values_by_key ON indicator_values (area, indicator, period);
