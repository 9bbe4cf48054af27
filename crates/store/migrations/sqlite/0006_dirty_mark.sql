-- A dirty hour counts its marks: a value that arrives while the hour is being rolled up marks it again,
-- and clearing the hour succeeds only for the mark that was rolled up (several gateways on one database
-- write while one of them rolls up).
ALTER TABLE rollup_dirty ADD COLUMN mark INTEGER NOT NULL DEFAULT 0;
