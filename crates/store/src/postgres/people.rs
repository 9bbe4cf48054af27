//! The audit log (a hash chain) and people: accounts, sessions, API tokens, on PostgreSQL.

use super::{AUDIT_LOCK, PgConnection};
use crate::chain::{self, ChainCheck};
use crate::{
    AccessEntry, Account, ApiToken, Audit, AuditEntry, People, Result, Scopes, Session, StoreError,
};
use postgres::Row;

fn audit_row(r: &Row) -> AuditEntry {
    AuditEntry {
        id: r.get(0),
        at: r.get(1),
        actor: r.get(2),
        action: r.get(3),
        subject: r.get(4),
        detail: r.get(5),
    }
}

impl Audit for PgConnection {
    fn audit(&self, actor: &str, action: &str, subject: &str, detail: Option<&str>) -> Result<()> {
        // One appender at a time across every server: the chain has one order.
        self.atomically(|c| {
            c.client()
                .execute("SELECT pg_advisory_xact_lock($1)", &[&AUDIT_LOCK])?;
            let head = c
                .client()
                .query_opt("SELECT hash FROM audit ORDER BY id DESC LIMIT 1", &[])?;
            let prev = match head {
                None => chain::GENESIS,
                Some(r) => chain::stored_hash(r.get(0))
                    .ok_or_else(|| StoreError::Corrupt("the last audit entry has no hash".into()))?,
            };
            let at = crate::people::now();
            let hash = chain::audit_hash(&prev, at, actor, action, subject, detail);
            c.client().execute(
                "INSERT INTO audit (at, actor, action, subject, detail, hash) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&at, &actor, &action, &subject, &detail, &&hash[..]],
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
        Ok(self
            .client()
            .query(
                "SELECT id, at, actor, action, subject, detail FROM audit
                 WHERE id < $1 AND ($2::text IS NULL OR strpos(actor, $2) > 0 OR strpos(action, $2) > 0
                                    OR strpos(subject, $2) > 0)
                 ORDER BY id DESC LIMIT $3",
                &[&before.unwrap_or(i64::MAX), &search, &i64::from(limit)],
            )?
            .iter()
            .map(audit_row)
            .collect())
    }

    fn record_access(&self, entries: &[AccessEntry]) -> Result<()> {
        self.atomically(|c| {
            for e in entries {
                c.client().execute(
                    "INSERT INTO access_log (at, actor, address, method, path, status)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        &e.at,
                        &e.actor,
                        &e.address,
                        &e.method,
                        &e.path,
                        &i32::from(e.status),
                    ],
                )?;
            }
            Ok(())
        })
    }

    fn access_page(
        &self,
        search: Option<&str>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AccessEntry>> {
        Ok(self
            .client()
            .query(
                "SELECT id, at, actor, address, method, path, status FROM access_log
                 WHERE id < $1 AND ($2::text IS NULL OR strpos(actor, $2) > 0 OR strpos(path, $2) > 0)
                 ORDER BY id DESC LIMIT $3",
                &[&before.unwrap_or(i64::MAX), &search, &i64::from(limit)],
            )?
            .iter()
            .map(|r| AccessEntry {
                id: r.get(0),
                at: r.get(1),
                actor: r.get(2),
                address: r.get(3),
                method: r.get(4),
                path: r.get(5),
                status: u16::try_from(r.get::<_, i32>(6)).unwrap_or(0),
            })
            .collect())
    }

    fn verify_audit(&self) -> Result<ChainCheck> {
        let rows = self.client().query(
            "SELECT id, at, actor, action, subject, detail, hash FROM audit ORDER BY id",
            &[],
        )?;
        Ok(chain::verify_audit(rows.iter().map(|r| {
            chain::StoredAudit {
                id: r.get(0),
                at: r.get(1),
                actor: r.get(2),
                action: r.get(3),
                subject: r.get(4),
                detail: r.get(5),
                hash: r.get(6),
            }
        })))
    }
}

/// Chains the audit entries written before the chain existed (migration 2), in id order.
pub(crate) fn chain_unhashed_audit(client: &mut super::client::Client) -> Result<()> {
    let rows = client.query(
        "SELECT id, at, actor, action, subject, detail FROM audit ORDER BY id",
        &[],
    )?;
    let mut prev = chain::GENESIS;
    for r in &rows {
        let detail: Option<String> = r.get(5);
        prev = chain::audit_hash(
            &prev,
            r.get(1),
            r.get(2),
            r.get(3),
            r.get(4),
            detail.as_deref(),
        );
        let id: i64 = r.get(0);
        client.execute(
            "UPDATE audit SET hash = $2 WHERE id = $1",
            &[&id, &&prev[..]],
        )?;
    }
    Ok(())
}

const ACCOUNT_SELECT: &str = "SELECT id, name, role, password_hash, must_change_password, disabled,
    failed_sign_ins, locked_until, created_at, email FROM accounts";

fn account_row(r: &Row) -> Account {
    Account {
        id: r.get(0),
        name: r.get(1),
        role: r.get(2),
        password_hash: r.get(3),
        must_change_password: r.get(4),
        disabled: r.get(5),
        failed_sign_ins: r.get(6),
        locked_until: r.get(7),
        created_at: r.get(8),
        email: r.get(9),
        scopes: Scopes::default(),
    }
}

const TOKEN_SELECT: &str =
    "SELECT id, account_id, name, token_hash, actions, created_at, expires_at,
    revoked, last_used FROM api_tokens";

fn token_row(r: &Row) -> ApiToken {
    let actions: String = r.get(4);
    ApiToken {
        id: r.get(0),
        account_id: r.get(1),
        name: r.get(2),
        token_hash: r.get(3),
        actions: actions
            .split(',')
            .filter(|a| !a.is_empty())
            .map(String::from)
            .collect(),
        created_at: r.get(5),
        expires_at: r.get(6),
        revoked: r.get(7),
        last_used: r.get(8),
    }
}

impl PgConnection {
    fn with_scopes(&self, mut a: Account) -> Result<Account> {
        let rows = self.client().query(
            "SELECT kind, ref FROM account_scopes WHERE account_id = $1 ORDER BY kind, ref",
            &[&a.id],
        )?;
        for r in &rows {
            let (kind, reference): (String, String) = (r.get(0), r.get(1));
            a.scopes
                .add(&kind, reference)
                .map_err(|e| StoreError::Corrupt(format!("account {} has {e}", a.name)))?;
        }
        Ok(a)
    }

    fn put_scopes(&self, id: i64, scopes: &Scopes) -> Result<()> {
        self.client()
            .execute("DELETE FROM account_scopes WHERE account_id = $1", &[&id])?;
        for (kind, r) in scopes.entries() {
            self.client().execute(
                "INSERT INTO account_scopes (account_id, kind, ref) VALUES ($1, $2, $3)",
                &[&id, &kind, r],
            )?;
        }
        Ok(())
    }
}

impl People for PgConnection {
    fn create_account(
        &self,
        name: &str,
        role: &str,
        password_hash: &str,
        scopes: &Scopes,
        now: i64,
    ) -> Result<i64> {
        self.atomically(|c| {
            let id: Option<i64> = c
                .client()
                .query_opt(
                    "INSERT INTO accounts (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (name) DO NOTHING RETURNING id",
                    &[&name, &role, &password_hash, &now],
                )?
                .map(|r| r.get(0));
            let id = id.ok_or_else(|| StoreError::Exists(format!("an account named {name:?} exists")))?;
            c.put_scopes(id, scopes)?;
            Ok(id)
        })
    }

    fn account(&self, id: i64) -> Result<Option<Account>> {
        let row = self
            .client()
            .query_opt(&format!("{ACCOUNT_SELECT} WHERE id = $1"), &[&id])?;
        row.map(|r| self.with_scopes(account_row(&r))).transpose()
    }

    fn account_by_name(&self, name: &str) -> Result<Option<Account>> {
        let row = self
            .client()
            .query_opt(&format!("{ACCOUNT_SELECT} WHERE name = $1"), &[&name])?;
        row.map(|r| self.with_scopes(account_row(&r))).transpose()
    }

    fn accounts(&self) -> Result<Vec<Account>> {
        let rows = self
            .client()
            .query(&format!("{ACCOUNT_SELECT} ORDER BY name"), &[])?;
        rows.iter()
            .map(|r| self.with_scopes(account_row(r)))
            .collect()
    }

    fn update_account(&self, a: &Account) -> Result<()> {
        self.atomically(|c| {
            let changed = c.client().execute(
                "UPDATE accounts SET role = $2, must_change_password = $3, disabled = $4,
                    failed_sign_ins = $5, locked_until = $6, email = $7 WHERE id = $1",
                &[
                    &a.id,
                    &a.role,
                    &a.must_change_password,
                    &a.disabled,
                    &a.failed_sign_ins,
                    &a.locked_until,
                    &a.email,
                ],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound(format!("no account {}", a.id)));
            }
            c.put_scopes(a.id, &a.scopes)
        })
    }

    fn set_password(
        &self,
        id: i64,
        password_hash: &str,
        must_change: bool,
        now: i64,
    ) -> Result<()> {
        self.atomically(|c| {
            let old = c
                .client()
                .query_opt("SELECT password_hash FROM accounts WHERE id = $1", &[&id])?
                .map(|r| r.get::<_, String>(0))
                .ok_or_else(|| StoreError::NotFound(format!("no account {id}")))?;
            c.client().execute(
                "INSERT INTO password_history (account_id, set_at, password_hash) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
                &[&id, &now, &old],
            )?;
            c.client().execute(
                "UPDATE accounts SET password_hash = $2, must_change_password = $3 WHERE id = $1",
                &[&id, &password_hash, &must_change],
            )?;
            Ok(())
        })
    }

    fn password_history(&self, id: i64, n: u32) -> Result<Vec<String>> {
        Ok(self
            .client()
            .query(
                "SELECT password_hash FROM password_history WHERE account_id = $1
                 ORDER BY set_at DESC LIMIT $2",
                &[&id, &i64::from(n)],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn create_session(&self, s: &Session) -> Result<()> {
        self.client().execute(
            "INSERT INTO sessions (id_hash, account_id, created_at, last_seen, address, revoked)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &s.id_hash,
                &s.account_id,
                &s.created_at,
                &s.last_seen,
                &s.address,
                &s.revoked,
            ],
        )?;
        Ok(())
    }

    fn session(&self, id_hash: &[u8]) -> Result<Option<Session>> {
        Ok(self
            .client()
            .query_opt(
                "SELECT id_hash, account_id, created_at, last_seen, address, revoked FROM sessions
                 WHERE id_hash = $1",
                &[&id_hash],
            )?
            .map(|r| Session {
                id_hash: r.get(0),
                account_id: r.get(1),
                created_at: r.get(2),
                last_seen: r.get(3),
                address: r.get(4),
                revoked: r.get(5),
            }))
    }

    fn touch_session(&self, id_hash: &[u8], at: i64) -> Result<()> {
        self.client().execute(
            "UPDATE sessions SET last_seen = $2 WHERE id_hash = $1",
            &[&id_hash, &at],
        )?;
        Ok(())
    }

    fn revoke_sessions(&self, account_id: i64, only: Option<&[u8]>) -> Result<u64> {
        Ok(self.client().execute(
            "UPDATE sessions SET revoked = TRUE
             WHERE account_id = $1 AND NOT revoked AND ($2::bytea IS NULL OR id_hash = $2)",
            &[&account_id, &only],
        )?)
    }

    fn revoke_other_sessions(&self, account_id: i64, keep: &[u8]) -> Result<u64> {
        Ok(self.client().execute(
            "UPDATE sessions SET revoked = TRUE WHERE account_id = $1 AND NOT revoked AND id_hash <> $2",
            &[&account_id, &keep],
        )?)
    }

    fn create_token(&self, t: &ApiToken) -> Result<i64> {
        Ok(self
            .client()
            .query_one(
                "INSERT INTO api_tokens (account_id, name, token_hash, actions, created_at, expires_at, revoked)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    &t.account_id,
                    &t.name,
                    &t.token_hash,
                    &t.actions.join(","),
                    &t.created_at,
                    &t.expires_at,
                    &t.revoked,
                ],
            )?
            .get(0))
    }

    fn token_by_hash(&self, token_hash: &[u8]) -> Result<Option<ApiToken>> {
        Ok(self
            .client()
            .query_opt(
                &format!("{TOKEN_SELECT} WHERE token_hash = $1"),
                &[&token_hash],
            )?
            .map(|r| token_row(&r)))
    }

    fn tokens_of(&self, account_id: i64) -> Result<Vec<ApiToken>> {
        Ok(self
            .client()
            .query(
                &format!("{TOKEN_SELECT} WHERE account_id = $1 ORDER BY id DESC"),
                &[&account_id],
            )?
            .iter()
            .map(token_row)
            .collect())
    }

    fn revoke_token(&self, account_id: i64, id: i64) -> Result<bool> {
        Ok(self.client().execute(
            "UPDATE api_tokens SET revoked = TRUE WHERE account_id = $1 AND id = $2",
            &[&account_id, &id],
        )? > 0)
    }

    fn touch_token(&self, id: i64, at: i64) -> Result<()> {
        self.client().execute(
            "UPDATE api_tokens SET last_used = $2 WHERE id = $1",
            &[&id, &at],
        )?;
        Ok(())
    }
}
