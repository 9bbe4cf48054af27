-- Emission permits (排污许可证), in versions: a renewal or change is a new row with the same number and a
-- later valid_from; a determination uses the version in force at the data's time. Dates are local
-- calendar dates, 'YYYY-MM-DD'.
CREATE TABLE permits (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL,
    enterprise_id TEXT NOT NULL REFERENCES enterprises(id),
    authority TEXT,
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    UNIQUE (number, valid_from)
);
CREATE TABLE permit_outlets (
    permit_id INTEGER NOT NULL REFERENCES permits(id),
    site_id TEXT NOT NULL REFERENCES sites(id),
    kind TEXT NOT NULL,
    PRIMARY KEY (permit_id, site_id)
);
-- One permitted concentration limit per outlet and pollutant (and season, when the permit has seasonal
-- limits: season_from/season_to as 'MM-DD', both or neither).
CREATE TABLE permit_limits (
    permit_id INTEGER NOT NULL REFERENCES permits(id),
    site_id TEXT NOT NULL,
    param TEXT NOT NULL,
    season_from TEXT NOT NULL DEFAULT '',
    season_to TEXT NOT NULL DEFAULT '',
    limit_value REAL NOT NULL,
    unit TEXT NOT NULL,
    averaging TEXT NOT NULL,
    reference_o2 REAL,
    PRIMARY KEY (permit_id, site_id, param, season_from)
);
CREATE TABLE permit_annual (
    permit_id INTEGER NOT NULL REFERENCES permits(id),
    site_id TEXT NOT NULL,
    param TEXT NOT NULL,
    tonnes REAL NOT NULL,
    PRIMARY KEY (permit_id, site_id, param)
);
