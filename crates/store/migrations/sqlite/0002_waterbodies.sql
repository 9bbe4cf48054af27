-- Rivers, lakes and reservoirs, and which one a water site samples. GB 3838 judges total phosphorus
-- differently in rivers and in lakes or reservoirs, so a water site's evaluation depends on it.

CREATE TABLE waterbodies (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    name_en   TEXT,
    kind      TEXT NOT NULL,
    basin     TEXT,
    lon       REAL,
    lat       REAL
);

ALTER TABLE sites ADD COLUMN waterbody_id TEXT REFERENCES waterbodies(id);
