-- People (issue 12): as SQLite's migration 5.

CREATE TABLE accounts (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                 TEXT COLLATE "C" NOT NULL UNIQUE,
    role                 TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    failed_sign_ins      BIGINT NOT NULL DEFAULT 0,
    locked_until         BIGINT,
    created_at           BIGINT NOT NULL
);

CREATE TABLE account_scopes (
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    kind       TEXT COLLATE "C" NOT NULL,
    ref        TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, kind, ref)
);

CREATE TABLE password_history (
    account_id    BIGINT NOT NULL REFERENCES accounts(id),
    set_at        BIGINT NOT NULL,
    password_hash TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, set_at, password_hash)
);

CREATE TABLE sessions (
    id_hash    BYTEA PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL,
    address    TEXT NOT NULL,
    revoked    BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE api_tokens (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts(id),
    name        TEXT NOT NULL,
    token_hash  BYTEA NOT NULL UNIQUE,
    actions     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT,
    revoked     BOOLEAN NOT NULL DEFAULT FALSE,
    last_used   BIGINT
);

ALTER TABLE audit ADD COLUMN hash BYTEA;
