-- As SQLite's migration 8: emission permits in versions, their outlets, limits and annual quantities.
CREATE TABLE permits (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number TEXT COLLATE "C" NOT NULL,
    enterprise_id TEXT COLLATE "C" NOT NULL REFERENCES enterprises(id),
    authority TEXT,
    valid_from TEXT COLLATE "C" NOT NULL,
    valid_to TEXT NOT NULL,
    UNIQUE (number, valid_from)
);
CREATE TABLE permit_outlets (
    permit_id BIGINT NOT NULL REFERENCES permits(id),
    site_id TEXT COLLATE "C" NOT NULL REFERENCES sites(id),
    kind TEXT NOT NULL,
    PRIMARY KEY (permit_id, site_id)
);
CREATE TABLE permit_limits (
    permit_id BIGINT NOT NULL REFERENCES permits(id),
    site_id TEXT COLLATE "C" NOT NULL,
    param TEXT COLLATE "C" NOT NULL,
    season_from TEXT COLLATE "C" NOT NULL DEFAULT '',
    season_to TEXT NOT NULL DEFAULT '',
    limit_value DOUBLE PRECISION NOT NULL,
    unit TEXT NOT NULL,
    averaging TEXT NOT NULL,
    reference_o2 DOUBLE PRECISION,
    PRIMARY KEY (permit_id, site_id, param, season_from)
);
CREATE TABLE permit_annual (
    permit_id BIGINT NOT NULL REFERENCES permits(id),
    site_id TEXT COLLATE "C" NOT NULL,
    param TEXT COLLATE "C" NOT NULL,
    tonnes DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (permit_id, site_id, param)
);
