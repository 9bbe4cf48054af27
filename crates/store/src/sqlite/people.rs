//! The audit log (a hash chain) and people: accounts, sessions, API tokens, on SQLite.

use super::SqliteConnection;
use crate::chain::{self, ChainCheck};
use crate::{
    AccessEntry, Account, ApiToken, Audit, AuditEntry, People, Result, Scopes, Session, StoreError,
};
use rusqlite::{OptionalExtension, Row, params};

impl SqliteConnection {
    /// Runs `f` in a transaction of its own that holds the write lock from the start, or inside the
    /// caller's (as a savepoint).
    pub(super) fn atomically<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let own = self.conn.is_autocommit();
        self.conn.execute_batch(if own {
            "BEGIN IMMEDIATE"
        } else {
            "SAVEPOINT atomically"
        })?;
        match f() {
            Ok(t) => {
                self.conn
                    .execute_batch(if own { "COMMIT" } else { "RELEASE atomically" })?;
                Ok(t)
            }
            Err(e) => {
                let _ = self.conn.execute_batch(if own {
                    "ROLLBACK"
                } else {
                    "ROLLBACK TO atomically; RELEASE atomically"
                });
                Err(e)
            }
        }
    }
}

fn audit_row(r: &Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        subject: r.get(4)?,
        detail: r.get(5)?,
    })
}

impl Audit for SqliteConnection {
    fn audit(&self, actor: &str, action: &str, subject: &str, detail: Option<&str>) -> Result<()> {
        // The head is read under the write lock: no other writer can append in between.
        self.atomically(|| {
            let head: Option<Option<Vec<u8>>> = self
                .conn
                .query_row("SELECT hash FROM audit ORDER BY id DESC LIMIT 1", [], |r| {
                    r.get(0)
                })
                .optional()?;
            let prev = match head {
                None => chain::GENESIS,
                Some(h) => chain::stored_hash(h)
                    .ok_or_else(|| StoreError::Corrupt("the last audit entry has no hash".into()))?,
            };
            let at = crate::people::now();
            let hash = chain::audit_hash(&prev, at, actor, action, subject, detail);
            self.conn.execute(
                "INSERT INTO audit (at, actor, action, subject, detail, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![at, actor, action, subject, detail, &hash[..]],
            )?;
            Ok(())
        })
    }

    fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>> {
        self.audit_page(None, None, limit)
    }

    fn audit_page(
        &self,
        search: Option<&str>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, actor, action, subject, detail FROM audit
             WHERE id < ?1 AND (?2 IS NULL OR instr(actor, ?2) > 0 OR instr(action, ?2) > 0
                                OR instr(subject, ?2) > 0)
             ORDER BY id DESC LIMIT ?3",
        )?;
        let rows = stmt.query_map(
            params![before.unwrap_or(i64::MAX), search, limit],
            audit_row,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn record_access(&self, entries: &[AccessEntry]) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO access_log (at, actor, address, method, path, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for e in entries {
            stmt.execute(params![
                e.at, e.actor, e.address, e.method, e.path, e.status
            ])?;
        }
        Ok(())
    }

    fn access_page(
        &self,
        search: Option<&str>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AccessEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, actor, address, method, path, status FROM access_log
             WHERE id < ?1 AND (?2 IS NULL OR instr(actor, ?2) > 0 OR instr(path, ?2) > 0)
             ORDER BY id DESC LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![before.unwrap_or(i64::MAX), search, limit], |r| {
            Ok(AccessEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                address: r.get(3)?,
                method: r.get(4)?,
                path: r.get(5)?,
                status: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn verify_audit(&self) -> Result<ChainCheck> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at, actor, action, subject, detail, hash FROM audit ORDER BY id",
        )?;
        let entries = stmt
            .query_map([], |r| {
                Ok(chain::StoredAudit {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    subject: r.get(4)?,
                    detail: r.get(5)?,
                    hash: r.get(6)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(chain::verify_audit(entries))
    }
}

/// Chains the audit entries written before the chain existed (migration 5), in id order.
pub(crate) fn chain_unhashed_audit(conn: &rusqlite::Connection) -> Result<()> {
    let entries: Vec<(i64, i64, String, String, String, Option<String>)> = conn
        .prepare("SELECT id, at, actor, action, subject, detail FROM audit ORDER BY id")?
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut prev = chain::GENESIS;
    for (id, at, actor, action, subject, detail) in entries {
        prev = chain::audit_hash(&prev, at, &actor, &action, &subject, detail.as_deref());
        conn.execute(
            "UPDATE audit SET hash = ?2 WHERE id = ?1",
            params![id, &prev[..]],
        )?;
    }
    Ok(())
}

const ACCOUNT_SELECT: &str = "SELECT id, name, role, password_hash, must_change_password, disabled,
    failed_sign_ins, locked_until, created_at, email FROM accounts";

impl SqliteConnection {
    fn account_row(&self, r: &Row<'_>) -> rusqlite::Result<Account> {
        Ok(Account {
            id: r.get(0)?,
            name: r.get(1)?,
            role: r.get(2)?,
            password_hash: r.get(3)?,
            must_change_password: r.get(4)?,
            disabled: r.get(5)?,
            failed_sign_ins: r.get(6)?,
            locked_until: r.get(7)?,
            created_at: r.get(8)?,
            email: r.get(9)?,
            scopes: Scopes::default(),
        })
    }

    fn with_scopes(&self, mut a: Account) -> Result<Account> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, ref FROM account_scopes WHERE account_id = ?1 ORDER BY kind, ref",
        )?;
        let rows = stmt
            .query_map([a.id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        for (kind, reference) in rows {
            a.scopes
                .add(&kind, reference)
                .map_err(|e| StoreError::Corrupt(format!("account {} has {e}", a.name)))?;
        }
        Ok(a)
    }

    fn put_scopes(&self, id: i64, scopes: &Scopes) -> Result<()> {
        self.conn
            .execute("DELETE FROM account_scopes WHERE account_id = ?1", [id])?;
        let mut put = self.conn.prepare_cached(
            "INSERT INTO account_scopes (account_id, kind, ref) VALUES (?1, ?2, ?3)",
        )?;
        for (kind, r) in scopes.entries() {
            put.execute(params![id, kind, r])?;
        }
        Ok(())
    }

    fn one_account(&self, filter: &str, key: &dyn rusqlite::ToSql) -> Result<Option<Account>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{ACCOUNT_SELECT} WHERE {filter} = ?1"))?;
        let found = stmt.query_row([key], |r| self.account_row(r)).optional()?;
        found.map(|a| self.with_scopes(a)).transpose()
    }
}

fn token_row(r: &Row<'_>) -> rusqlite::Result<ApiToken> {
    let actions: String = r.get(4)?;
    Ok(ApiToken {
        id: r.get(0)?,
        account_id: r.get(1)?,
        name: r.get(2)?,
        token_hash: r.get(3)?,
        actions: actions
            .split(',')
            .filter(|a| !a.is_empty())
            .map(String::from)
            .collect(),
        created_at: r.get(5)?,
        expires_at: r.get(6)?,
        revoked: r.get(7)?,
        last_used: r.get(8)?,
    })
}

const TOKEN_SELECT: &str =
    "SELECT id, account_id, name, token_hash, actions, created_at, expires_at,
    revoked, last_used FROM api_tokens";

impl People for SqliteConnection {
    fn create_account(
        &self,
        name: &str,
        role: &str,
        password_hash: &str,
        scopes: &Scopes,
        now: i64,
    ) -> Result<i64> {
        self.atomically(|| {
            if self.one_account("name", &name)?.is_some() {
                return Err(StoreError::Exists(format!("an account named {name:?} exists")));
            }
            self.conn.execute(
                "INSERT INTO accounts (name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![name, role, password_hash, now],
            )?;
            let id = self.conn.last_insert_rowid();
            self.put_scopes(id, scopes)?;
            Ok(id)
        })
    }

    fn account(&self, id: i64) -> Result<Option<Account>> {
        self.one_account("id", &id)
    }

    fn account_by_name(&self, name: &str) -> Result<Option<Account>> {
        self.one_account("name", &name)
    }

    fn accounts(&self) -> Result<Vec<Account>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{ACCOUNT_SELECT} ORDER BY name"))?;
        let rows = stmt
            .query_map([], |r| self.account_row(r))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(|a| self.with_scopes(a)).collect()
    }

    fn update_account(&self, a: &Account) -> Result<()> {
        self.atomically(|| {
            let changed = self.conn.execute(
                "UPDATE accounts SET role = ?2, must_change_password = ?3, disabled = ?4,
                    failed_sign_ins = ?5, locked_until = ?6, email = ?7 WHERE id = ?1",
                params![
                    a.id,
                    a.role,
                    a.must_change_password,
                    a.disabled,
                    a.failed_sign_ins,
                    a.locked_until,
                    a.email
                ],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound(format!("no account {}", a.id)));
            }
            self.put_scopes(a.id, &a.scopes)
        })
    }

    fn set_password(
        &self,
        id: i64,
        password_hash: &str,
        must_change: bool,
        now: i64,
    ) -> Result<()> {
        self.atomically(|| {
            let old: Option<String> = self
                .conn
                .query_row("SELECT password_hash FROM accounts WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?;
            let old = old.ok_or_else(|| StoreError::NotFound(format!("no account {id}")))?;
            self.conn.execute(
                "INSERT OR IGNORE INTO password_history (account_id, set_at, password_hash) VALUES (?1, ?2, ?3)",
                params![id, now, old],
            )?;
            self.conn.execute(
                "UPDATE accounts SET password_hash = ?2, must_change_password = ?3 WHERE id = ?1",
                params![id, password_hash, must_change],
            )?;
            Ok(())
        })
    }

    fn password_history(&self, id: i64, n: u32) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT password_hash FROM password_history WHERE account_id = ?1
             ORDER BY set_at DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![id, n], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn create_session(&self, s: &Session) -> Result<()> {
        self.conn.execute(
            "INSERT INTO sessions (id_hash, account_id, created_at, last_seen, address, revoked)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                s.id_hash,
                s.account_id,
                s.created_at,
                s.last_seen,
                s.address,
                s.revoked
            ],
        )?;
        Ok(())
    }

    fn session(&self, id_hash: &[u8]) -> Result<Option<Session>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id_hash, account_id, created_at, last_seen, address, revoked FROM sessions
             WHERE id_hash = ?1",
        )?;
        Ok(stmt
            .query_row([id_hash], |r| {
                Ok(Session {
                    id_hash: r.get(0)?,
                    account_id: r.get(1)?,
                    created_at: r.get(2)?,
                    last_seen: r.get(3)?,
                    address: r.get(4)?,
                    revoked: r.get(5)?,
                })
            })
            .optional()?)
    }

    fn touch_session(&self, id_hash: &[u8], at: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE sessions SET last_seen = ?2 WHERE id_hash = ?1",
            params![id_hash, at],
        )?;
        Ok(())
    }

    fn revoke_sessions(&self, account_id: i64, only: Option<&[u8]>) -> Result<u64> {
        Ok(self.conn.execute(
            "UPDATE sessions SET revoked = 1
             WHERE account_id = ?1 AND NOT revoked AND (?2 IS NULL OR id_hash = ?2)",
            params![account_id, only],
        )? as u64)
    }

    fn revoke_other_sessions(&self, account_id: i64, keep: &[u8]) -> Result<u64> {
        Ok(self.conn.execute(
            "UPDATE sessions SET revoked = 1 WHERE account_id = ?1 AND NOT revoked AND id_hash <> ?2",
            params![account_id, keep],
        )? as u64)
    }

    fn create_token(&self, t: &ApiToken) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO api_tokens (account_id, name, token_hash, actions, created_at, expires_at, revoked)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                t.account_id,
                t.name,
                t.token_hash,
                t.actions.join(","),
                t.created_at,
                t.expires_at,
                t.revoked
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn token_by_hash(&self, token_hash: &[u8]) -> Result<Option<ApiToken>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{TOKEN_SELECT} WHERE token_hash = ?1"))?;
        Ok(stmt.query_row([token_hash], token_row).optional()?)
    }

    fn tokens_of(&self, account_id: i64) -> Result<Vec<ApiToken>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{TOKEN_SELECT} WHERE account_id = ?1 ORDER BY id DESC"
        ))?;
        let rows = stmt.query_map([account_id], token_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn revoke_token(&self, account_id: i64, id: i64) -> Result<bool> {
        Ok(self.conn.execute(
            "UPDATE api_tokens SET revoked = 1 WHERE account_id = ?1 AND id = ?2",
            params![account_id, id],
        )? > 0)
    }

    fn touch_token(&self, id: i64, at: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE api_tokens SET last_used = ?2 WHERE id = ?1",
            params![id, at],
        )?;
        Ok(())
    }
}
