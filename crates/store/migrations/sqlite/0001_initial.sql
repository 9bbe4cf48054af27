-- Registry, raw journal, measurement series and rollups.
-- Times are integers: unix seconds (UTC) for data times, unix milliseconds for receive times.

CREATE TABLE counties (
    code      TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    name_en   TEXT,
    lon       REAL,
    lat       REAL
);

CREATE TABLE enterprises (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    county    TEXT
);

CREATE TABLE sites (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    county        TEXT,
    lon           REAL,
    lat           REAL,
    enterprise_id TEXT REFERENCES enterprises(id),
    simulated     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE devices (
    mn                  TEXT PRIMARY KEY,
    password            TEXT NOT NULL,
    site_id             TEXT NOT NULL REFERENCES sites(id),
    protocol            TEXT NOT NULL DEFAULT 'auto',
    crc_policy          TEXT NOT NULL DEFAULT 'strict',
    realtime_interval_s INTEGER NOT NULL DEFAULT 60,
    minute_interval_min INTEGER NOT NULL DEFAULT 10
);
CREATE INDEX devices_site ON devices(site_id);

-- Every frame received, as received. Append-only: never updated, never deleted by the application.
CREATE TABLE journal (
    id          INTEGER PRIMARY KEY,
    received_at INTEGER NOT NULL,
    peer        TEXT NOT NULL,
    mn          TEXT,
    cn          TEXT,
    verdict     TEXT NOT NULL,
    cause       TEXT,
    raw         BLOB NOT NULL
);
CREATE INDEX journal_rejected ON journal(verdict, id) WHERE verdict <> 'accepted';
CREATE INDEX journal_mn_time ON journal(mn, received_at);

-- One value per (site, parameter, interval, data time). interval: 1 realtime, 2 minute, 3 hour, 4 day.
-- tier: 0 preliminary, 1 validated. journal_id: the frame the value came from.
CREATE TABLE measurements (
    site_id    TEXT NOT NULL,
    param      TEXT NOT NULL,
    interval   INTEGER NOT NULL,
    time       INTEGER NOT NULL,
    value      REAL,
    min        REAL,
    max        REAL,
    cou        REAL,
    flag       TEXT,
    tier       INTEGER NOT NULL DEFAULT 0,
    journal_id INTEGER NOT NULL,
    PRIMARY KEY (site_id, param, interval, time)
) WITHOUT ROWID;

-- Hourly (period 1) and daily (period 2) aggregates computed from the finest data of each site and parameter.
CREATE TABLE rollups (
    site_id     TEXT NOT NULL,
    param       TEXT NOT NULL,
    period      INTEGER NOT NULL,
    time        INTEGER NOT NULL,
    source      INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    valid_count INTEGER NOT NULL,
    mean        REAL,
    min         REAL,
    max         REAL,
    valid       INTEGER NOT NULL,
    PRIMARY KEY (site_id, param, period, time)
) WITHOUT ROWID;

-- Hours whose rollups must be recomputed because data for them arrived (late, re-sent or new).
CREATE TABLE rollup_dirty (
    site_id TEXT NOT NULL,
    param   TEXT NOT NULL,
    hour    INTEGER NOT NULL,
    PRIMARY KEY (site_id, param, hour)
) WITHOUT ROWID;

-- Every change made by a person.
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    detail    TEXT
);
