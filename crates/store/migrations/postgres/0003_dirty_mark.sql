-- As SQLite's migration 6: a dirty hour counts its marks, and is cleared only for the mark rolled up.
ALTER TABLE rollup_dirty ADD COLUMN mark BIGINT NOT NULL DEFAULT 0;
