//! Proving who one is: signing in (with lockout), sessions, CSRF tokens and API tokens.
//!
//! Secrets (a session's cookie value, an API token) are 32 random bytes shown to their holder once; the
//! store keeps their SHA-256 only, so a copy of the database signs nobody in.

use super::{Action, Credential, Principal, Role, Who, account_named, now, password};
use crate::registry::Actor;
use crate::{Error, Result};
use sha2::{Digest, Sha256};
use store::{Account, ApiToken, Session, Store};

/// Consecutive failed sign-ins after which an account is locked, for 1 minute, then 2, 4... (at most a
/// day) after each further failure.
pub const LOCKOUT_AFTER: i64 = 5;

/// A secret: 32 random bytes, written as 64 hexadecimal characters.
fn secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Internal(format!("no random source: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// A session's secret: the cookie's value.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionSecret(pub String);

impl std::fmt::Debug for SessionSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionSecret(…)")
    }
}

/// An API token, shown once when created.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSecret(pub String);

impl std::fmt::Debug for TokenSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSecret(…)")
    }
}

/// The CSRF token of a session: derived from its secret, so it needs no storage and is worthless without
/// the cookie.
pub fn csrf_token(session: &SessionSecret) -> String {
    let d = Sha256::digest(format!("qingshan-csrf:{}", session.0).as_bytes());
    d[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// A successful sign-in.
#[derive(Debug)]
pub struct Signed {
    pub secret: SessionSecret,
    pub account: Account,
}

/// How long sessions last.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// A session unused for this long ends.
    pub idle_s: i64,
    /// A session ends this long after sign-in, used or not.
    pub max_s: i64,
}

/// Signs `name` in with `password` from `address`. Every attempt is audited; failures count toward the
/// lockout. The refusal does not say whether the name exists.
pub fn sign_in(store: &mut Store, name: &str, given: &str, address: &str) -> Result<Signed> {
    let at = now();
    let refused = || Error::Unauthenticated("the name or the password is not right".into());
    let Some(mut account) = store.account_by_name(name)? else {
        // As slow as a real check, so the time taken does not tell which names exist.
        let _ = password::verify(given, DUMMY_HASH);
        // The name typed is not logged: people type passwords into name fields.
        store.audit(
            &format!("anonymous@{address}"),
            "sign_in_failed",
            "(unknown account)",
            None,
        )?;
        return Err(refused());
    };
    let actor = format!("user:{}@{address}", account.name);
    if account.disabled {
        store.audit(
            &actor,
            "sign_in_failed",
            &account.name,
            Some("account disabled"),
        )?;
        return Err(refused());
    }
    if let Some(until) = account.locked_until.filter(|&u| u > at) {
        store.audit(&actor, "sign_in_failed", &account.name, Some("locked"))?;
        return Err(Error::Locked {
            seconds: until - at,
        });
    }
    if !password::verify(given, &account.password_hash) {
        account.failed_sign_ins += 1;
        let excess = account.failed_sign_ins - LOCKOUT_AFTER;
        if excess >= 0 {
            account.locked_until = Some(at + (60i64 << excess.min(11)).min(86_400));
        }
        let detail = format!(
            "failed sign-ins: {}{}",
            account.failed_sign_ins,
            if excess >= 0 { "; locked" } else { "" }
        );
        store.in_transaction(|s| {
            s.update_account(&account)?;
            s.audit(&actor, "sign_in_failed", &account.name, Some(&detail))
        })?;
        return Err(refused());
    }
    let secret = SessionSecret(secret()?);
    account.failed_sign_ins = 0;
    account.locked_until = None;
    store.in_transaction(|s| {
        s.update_account(&account)?;
        s.create_session(&Session {
            id_hash: digest(&secret.0),
            account_id: account.id,
            created_at: at,
            last_seen: at,
            address: address.to_string(),
            revoked: false,
        })?;
        s.audit(&actor, "sign_in", &account.name, None)
    })?;
    Ok(Signed { secret, account })
}

/// An Argon2id hash of a random password, verified against when the name is unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$m2ZmWWW4fWyrbVeJ7tX0aQ1f4ocOjiEr1zN3sOC3xiw";

/// A live session and whether it should be marked used ([`touch_session`]; at most once a minute, to
/// spare the database writes).
#[derive(Debug)]
pub struct Live {
    pub principal: Principal,
    pub account: Account,
    pub stale: bool,
}

/// Who holds this session, if it is live: not revoked, not idle past the policy, not older than its
/// maximum, its account enabled. Reads only (a read-only connection will do).
pub fn session_principal(
    store: &Store,
    secret: &SessionSecret,
    address: &str,
    policy: SessionPolicy,
) -> Result<Option<Live>> {
    let at = now();
    let id_hash = digest(&secret.0);
    let Some(session) = store.session(&id_hash)? else {
        return Ok(None);
    };
    if session.revoked
        || at - session.last_seen > policy.idle_s
        || at - session.created_at > policy.max_s
    {
        return Ok(None);
    }
    let Some(account) = store.account(session.account_id)? else {
        return Ok(None);
    };
    if account.disabled {
        return Ok(None);
    }
    let stale = at - session.last_seen >= 60;
    let principal = Principal {
        who: Who::Account {
            id: account.id,
            name: account.name.clone(),
            role: Role::parse(&account.role)?,
            scopes: account.scopes.clone(),
            token_actions: None,
            credential: Credential::Session(id_hash),
        },
        address: address.to_string(),
    };
    Ok(Some(Live {
        principal,
        account,
        stale,
    }))
}

/// Marks the principal's session or token used now.
pub fn touch(store: &Store, principal: &Principal) -> Result<()> {
    if let Who::Account { credential, .. } = &principal.who {
        match credential {
            Credential::Session(id_hash) => store.touch_session(id_hash, now())?,
            Credential::Token(id) => store.touch_token(*id, now())?,
        }
    }
    Ok(())
}

/// Ends the session (audited).
pub fn sign_out(store: &mut Store, principal: &Principal) -> Result<()> {
    if let Who::Account {
        id,
        name,
        credential: Credential::Session(id_hash),
        ..
    } = &principal.who
    {
        let actor = principal.actor();
        store.in_transaction(|s| {
            s.revoke_sessions(*id, Some(id_hash))?;
            s.audit(actor.as_str(), "sign_out", name, None)
        })?;
    }
    Ok(())
}

/// Creates an API token for the account `name`, limited to `actions` (each one its role may take) and
/// expiring after `expires_days` (`None`: never). Returns the token, shown this once.
pub fn create_token(
    store: &mut Store,
    actor: &Actor,
    name: &str,
    label: &str,
    actions: Option<&[Action]>,
    expires_days: Option<u32>,
) -> Result<(i64, TokenSecret)> {
    let account = account_named(store, name)?;
    if account.disabled {
        return Err(Error::Conflict(format!("account {name:?} is disabled")));
    }
    let role = Role::parse(&account.role)?;
    let granted: Vec<Action> = Action::ALL
        .into_iter()
        .filter(|a| super::permissions::reach(role, *a) != super::Reach::Nowhere)
        .collect();
    let actions = match actions {
        None => granted,
        Some(asked) => {
            if let Some(a) = asked.iter().find(|a| !granted.contains(a)) {
                return Err(Error::Forbidden(format!(
                    "a {} may not {}, so its token may not either",
                    role.code(),
                    a.code()
                )));
            }
            asked.to_vec()
        }
    };
    let token = TokenSecret(format!("qs_{}", secret()?));
    let at = now();
    let record = ApiToken {
        id: 0,
        account_id: account.id,
        name: label.to_string(),
        token_hash: digest(&token.0),
        actions: actions.iter().map(|a| a.code().to_string()).collect(),
        created_at: at,
        expires_at: expires_days.map(|d| at + i64::from(d) * 86_400),
        revoked: false,
        last_used: None,
    };
    let id = store.in_transaction(|s| {
        let id = s.create_token(&record)?;
        s.audit(
            actor.as_str(),
            "create_token",
            name,
            Some(&format!(
                "token #{id} {label:?}: actions {}; expires {}; secret: set",
                record.actions.join(","),
                expires_days.map_or("never".into(), |d| format!("in {d} days"))
            )),
        )?;
        Ok::<_, Error>(id)
    })?;
    Ok((id, token))
}

/// Who holds this API token, if it is live (not revoked, not expired, its account enabled), and whether
/// it should be marked used ([`touch`]). Reads only.
pub fn token_principal(
    store: &Store,
    token: &str,
    address: &str,
) -> Result<Option<(Principal, bool)>> {
    let at = now();
    let Some(t) = store.token_by_hash(&digest(token))? else {
        return Ok(None);
    };
    if t.revoked || t.expires_at.is_some_and(|e| e <= at) {
        return Ok(None);
    }
    let Some(account) = store.account(t.account_id)? else {
        return Ok(None);
    };
    if account.disabled {
        return Ok(None);
    }
    let stale = t.last_used.is_none_or(|u| at - u >= 60);
    Ok(Some((
        Principal {
            who: Who::Account {
                id: account.id,
                name: account.name,
                role: Role::parse(&account.role)?,
                scopes: account.scopes,
                token_actions: Some(t.actions.iter().filter_map(|a| Action::parse(a)).collect()),
                credential: Credential::Token(t.id),
            },
            address: address.to_string(),
        },
        stale,
    )))
}

/// Revokes token `id` of the account `name` (audited).
pub fn revoke_token(store: &mut Store, actor: &Actor, name: &str, id: i64) -> Result<()> {
    let account = account_named(store, name)?;
    store.in_transaction(|s| {
        if !s.revoke_token(account.id, id)? {
            return Err(Error::NotFound(format!("{name:?} has no token #{id}")));
        }
        s.audit(
            actor.as_str(),
            "revoke_token",
            name,
            Some(&format!("token #{id}: revoked")),
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dummy_hash_is_a_real_argon2id_hash() {
        assert!(!password::verify("anything", DUMMY_HASH));
        assert!(argon2::password_hash::PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn csrf_tokens_differ_per_session_and_reveal_nothing_of_it() {
        let a = SessionSecret("a".repeat(64));
        let b = SessionSecret("b".repeat(64));
        assert_ne!(csrf_token(&a), csrf_token(&b));
        assert_eq!(csrf_token(&a).len(), 32);
        assert!(!csrf_token(&a).contains(&a.0[..8]));
    }
}
