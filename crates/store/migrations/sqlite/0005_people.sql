-- People (issue 12): accounts with their role and jurisdiction, sessions, API tokens; the audit log
-- becomes a hash chain like the journal (`hash`: SHA-256 over the previous entry's hash and this entry;
-- entries written before this migration are chained by it, in id order).

CREATE TABLE accounts (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT NOT NULL UNIQUE,
    role                 TEXT NOT NULL,
    -- Argon2id, PHC string format (parameters inside); never the password.
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    disabled             INTEGER NOT NULL DEFAULT 0,
    failed_sign_ins      INTEGER NOT NULL DEFAULT 0,
    locked_until         INTEGER,
    created_at           INTEGER NOT NULL
);

-- What an account's jurisdiction covers: counties (county officers), enterprises (enterprise users),
-- river reaches (river chiefs).
CREATE TABLE account_scopes (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    kind       TEXT NOT NULL,
    ref        TEXT NOT NULL,
    PRIMARY KEY (account_id, kind, ref)
) WITHOUT ROWID;

-- Earlier password hashes, for the reuse policy.
CREATE TABLE password_history (
    account_id    INTEGER NOT NULL REFERENCES accounts(id),
    set_at        INTEGER NOT NULL,
    password_hash TEXT NOT NULL,
    PRIMARY KEY (account_id, set_at, password_hash)
) WITHOUT ROWID;

-- Signed-in sessions, by the SHA-256 of the cookie's secret (the secret itself is never stored).
CREATE TABLE sessions (
    id_hash    BLOB PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    address    TEXT NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX sessions_account ON sessions(account_id);

-- API tokens, by the SHA-256 of the token (shown once, never stored).
CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    name        TEXT NOT NULL,
    token_hash  BLOB NOT NULL UNIQUE,
    actions     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER,
    revoked     INTEGER NOT NULL DEFAULT 0,
    last_used   INTEGER
);

ALTER TABLE audit ADD COLUMN hash BLOB;
