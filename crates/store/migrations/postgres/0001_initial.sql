-- The whole schema as SQLite has it after its migration 4, in PostgreSQL's types.
-- Times are integers: unix seconds (UTC) for data times, unix milliseconds for receive times.
--
-- Every measurement-like key leads with the site, so the large tables can be distributed by site_id
-- (Citus: create_distributed_table(..., 'site_id')); registry tables are small reference tables.
-- Text keys use the "C" collation: bytewise order, as SQLite's, whatever the server's locale, so a copy
-- between backends (store::copy) resumes after the same key on either side, in index order.

CREATE TABLE counties (
    code      TEXT COLLATE "C" PRIMARY KEY,
    name      TEXT NOT NULL,
    name_en   TEXT,
    lon       DOUBLE PRECISION,
    lat       DOUBLE PRECISION
);

CREATE TABLE enterprises (
    id        TEXT COLLATE "C" PRIMARY KEY,
    name      TEXT NOT NULL,
    county    TEXT
);

-- Rivers, lakes and reservoirs: GB 3838 judges total phosphorus differently in rivers and in lakes.
CREATE TABLE waterbodies (
    id        TEXT COLLATE "C" PRIMARY KEY,
    name      TEXT NOT NULL,
    name_en   TEXT,
    kind      TEXT NOT NULL,
    basin     TEXT,
    lon       DOUBLE PRECISION,
    lat       DOUBLE PRECISION
);

CREATE TABLE sites (
    id                TEXT COLLATE "C" PRIMARY KEY,
    name              TEXT NOT NULL,
    kind              TEXT NOT NULL,
    county            TEXT,
    lon               DOUBLE PRECISION,
    lat               DOUBLE PRECISION,
    enterprise_id     TEXT COLLATE "C" REFERENCES enterprises(id),
    simulated         BOOLEAN NOT NULL DEFAULT FALSE,
    waterbody_id      TEXT COLLATE "C" REFERENCES waterbodies(id),
    emission_standard TEXT
);

CREATE TABLE devices (
    mn                  TEXT COLLATE "C" PRIMARY KEY,
    password            TEXT NOT NULL,
    site_id             TEXT COLLATE "C" NOT NULL REFERENCES sites(id),
    protocol            TEXT NOT NULL DEFAULT 'auto',
    crc_policy          TEXT NOT NULL DEFAULT 'strict',
    realtime_interval_s BIGINT NOT NULL DEFAULT 60,
    minute_interval_min BIGINT NOT NULL DEFAULT 10
);
CREATE INDEX devices_site ON devices(site_id);

-- Every frame received, as received; a hash chain (store::chain). Append-only: never updated, except
-- retention emptying a refused frame's raw bytes (purged), whose digest stays.
CREATE TABLE journal (
    id          BIGINT PRIMARY KEY,
    received_at BIGINT NOT NULL,
    peer        TEXT NOT NULL,
    mn          TEXT COLLATE "C",
    cn          TEXT,
    verdict     TEXT COLLATE "C" NOT NULL,
    cause       TEXT,
    raw         BYTEA NOT NULL,
    raw_sha256  BYTEA,
    hash        BYTEA,
    purged      BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX journal_rejected ON journal(verdict, id) WHERE verdict <> 'accepted';
CREATE INDEX journal_mn_time ON journal(mn, received_at);

-- One value per (site, parameter, interval, data time). interval: 1 realtime, 2 minute, 3 hour, 4 day.
-- tier: 0 preliminary, 1 validated. journal_id: the frame the value came from.
-- Partitioned by data time, one partition per UTC month, created ahead by the server
-- (store::postgres::partitions).
CREATE TABLE measurements (
    site_id    TEXT COLLATE "C" NOT NULL,
    param      TEXT COLLATE "C" NOT NULL,
    interval   SMALLINT NOT NULL,
    time       BIGINT NOT NULL,
    value      DOUBLE PRECISION,
    min        DOUBLE PRECISION,
    max        DOUBLE PRECISION,
    cou        DOUBLE PRECISION,
    flag       TEXT,
    tier       SMALLINT NOT NULL DEFAULT 0,
    journal_id BIGINT NOT NULL,
    PRIMARY KEY (site_id, param, interval, time)
) PARTITION BY RANGE (time);

-- Hourly (period 1) and daily (period 2) aggregates.
CREATE TABLE rollups (
    site_id     TEXT COLLATE "C" NOT NULL,
    param       TEXT COLLATE "C" NOT NULL,
    period      SMALLINT NOT NULL,
    time        BIGINT NOT NULL,
    source      SMALLINT NOT NULL,
    count       BIGINT NOT NULL,
    valid_count BIGINT NOT NULL,
    mean        DOUBLE PRECISION,
    min         DOUBLE PRECISION,
    max         DOUBLE PRECISION,
    valid       BOOLEAN NOT NULL,
    PRIMARY KEY (site_id, param, period, time)
);

-- Hours whose rollups must be recomputed because data for them arrived.
CREATE TABLE rollup_dirty (
    site_id TEXT COLLATE "C" NOT NULL,
    param   TEXT COLLATE "C" NOT NULL,
    hour    BIGINT NOT NULL,
    PRIMARY KEY (site_id, param, hour)
);

-- Every change made by a person.
CREATE TABLE audit (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        BIGINT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    detail    TEXT
);

-- Refusals counted instead of journaled one by one.
CREATE TABLE refusal_counts (
    hour     BIGINT NOT NULL,
    source   TEXT COLLATE "C" NOT NULL,
    verdict  TEXT COLLATE "C" NOT NULL,
    count    BIGINT NOT NULL,
    PRIMARY KEY (hour, source, verdict)
);

-- Re-sent values that differed from the stored one (which stands).
CREATE TABLE conflicts (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    journal_id BIGINT NOT NULL REFERENCES journal(id),
    site_id    TEXT COLLATE "C" NOT NULL,
    param      TEXT COLLATE "C" NOT NULL,
    interval   SMALLINT NOT NULL,
    time       BIGINT NOT NULL,
    value      DOUBLE PRECISION,
    min        DOUBLE PRECISION,
    max        DOUBLE PRECISION,
    cou        DOUBLE PRECISION,
    flag       TEXT
);
CREATE INDEX conflicts_key ON conflicts(site_id, param, interval, time);
