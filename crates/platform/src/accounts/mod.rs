//! People: accounts with a role and a jurisdiction, how they prove who they are (passwords, sessions, API
//! tokens), and what they may do ([`permissions`]). Every change is audited in its own transaction, with
//! before → after and secrets as "changed"; sign-ins, failed sign-ins and refusals too.

pub mod access_log;
pub mod password;
pub mod permissions;
mod sessions;

pub use permissions::{Action, Reach, Target};
pub use sessions::{
    LOCKOUT_AFTER, Live, SessionPolicy, SessionSecret, Signed, TokenSecret, create_token,
    csrf_token, revoke_token, session_principal, sign_in, sign_out, token_principal, touch,
};

use crate::registry::Actor;
use crate::{Error, Result};
use store::{Account, Scopes, Store};

/// What an account is, and so what it may do (see [`permissions::PERMISSIONS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Manages accounts; everything else too.
    CityAdmin,
    /// Monitoring and enforcement staff of the city bureau.
    CityStaff,
    /// Staff of one or more counties: their counties' sites and data.
    CountyOfficer,
    /// A monitored enterprise: its own sites and data only.
    EnterpriseUser,
    /// A river chief: their reaches (the river-chief workflow fills this in).
    RiverChief,
    /// Reads everything, the audit log included; changes nothing.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::CityAdmin,
        Role::CityStaff,
        Role::CountyOfficer,
        Role::EnterpriseUser,
        Role::RiverChief,
        Role::Auditor,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::CityAdmin => "city_admin",
            Role::CityStaff => "city_staff",
            Role::CountyOfficer => "county_officer",
            Role::EnterpriseUser => "enterprise_user",
            Role::RiverChief => "river_chief",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(code: &str) -> Result<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "role {code:?} is not one of {}",
                    Role::ALL.map(Role::code).join(", ")
                ))
            })
    }
}

/// Who is asking: a signed-in person, a token of theirs, or nobody.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub who: Who,
    /// The address the request came from.
    pub address: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Who {
    /// Nobody signed in: the public.
    Anonymous,
    /// An account, through a session or a token.
    Account {
        id: i64,
        name: String,
        role: Role,
        scopes: Scopes,
        /// `Some`: a token limited to these actions.
        token_actions: Option<Vec<Action>>,
        /// The session's secret hash or the token's id, so signing out ends this one.
        credential: Credential,
    },
    /// The bootstrap `admin_token` of the settings: a city administrator without an account.
    Bootstrap,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Credential {
    Session(Vec<u8>),
    Token(i64),
}

impl Principal {
    pub fn anonymous(address: impl Into<String>) -> Principal {
        Principal {
            who: Who::Anonymous,
            address: address.into(),
        }
    }

    /// The account's name, if an account is asking (not the public, not the bootstrap token).
    pub fn account_name(&self) -> Option<&str> {
        match &self.who {
            Who::Account { name, .. } => Some(name),
            _ => None,
        }
    }

    /// The role, if anyone is signed in.
    pub fn role(&self) -> Option<Role> {
        match &self.who {
            Who::Anonymous => None,
            Who::Account { role, .. } => Some(*role),
            Who::Bootstrap => Some(Role::CityAdmin),
        }
    }

    /// The name the audit log gives this principal: `user:zhang@10.0.0.5`, `token:zhang#3@…`.
    pub fn actor(&self) -> Actor {
        Actor::new(match &self.who {
            Who::Anonymous => format!("anonymous@{}", self.address),
            Who::Account {
                name,
                credential: Credential::Token(id),
                ..
            } => format!("token:{name}#{id}@{}", self.address),
            Who::Account { name, .. } => format!("user:{name}@{}", self.address),
            Who::Bootstrap => format!("api:admin-token@{}", self.address),
        })
    }

    /// Where this principal may take `action`: the role's reach, cut to nothing when a token does not
    /// carry the action.
    pub fn reach(&self, action: Action) -> Reach {
        let Some(role) = self.role() else {
            return Reach::Nowhere;
        };
        if let Who::Account {
            token_actions: Some(allowed),
            ..
        } = &self.who
            && !allowed.contains(&action)
        {
            return Reach::Nowhere;
        }
        permissions::reach(role, action)
    }

    /// Whether this principal may take `action` on `target`.
    pub fn may(&self, action: Action, target: Target<'_>) -> bool {
        match self.reach(action) {
            Reach::Nowhere => false,
            Reach::Everywhere => true,
            Reach::Jurisdiction => match &self.who {
                Who::Account { scopes, .. } => permissions::covers(scopes, target),
                _ => false,
            },
        }
    }

    /// [`Principal::may`], or a [`Error::Forbidden`] naming the action.
    pub fn require(&self, action: Action, target: Target<'_>) -> Result<()> {
        if self.may(action, target) {
            Ok(())
        } else if self.role().is_none() {
            Err(Error::Unauthenticated(format!(
                "{} needs a signed-in account or an API token",
                action.code()
            )))
        } else {
            Err(Error::Forbidden(format!(
                "this account may not {} here",
                action.code()
            )))
        }
    }
}

/// A new account as an administrator (or the command line) describes it.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub name: String,
    pub role: Role,
    pub scopes: Scopes,
    pub password: String,
    /// A temporary password the person must change at their first sign-in.
    pub must_change_password: bool,
}

/// Account names: 1 to 64 letters, digits, `.`, `_` or `-` (they appear in the audit log and URLs).
fn check_name(name: &str) -> Result<()> {
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(Error::invalid(format!(
            "account name {name:?} must be 1 to 64 letters, digits, '.', '_' or '-'"
        )));
    }
    Ok(())
}

/// The jurisdiction a role needs, checked against the registry.
fn check_scopes(store: &Store, role: Role, scopes: &Scopes) -> Result<()> {
    match role {
        Role::CountyOfficer if scopes.counties.is_empty() => {
            return Err(Error::invalid("a county officer needs at least one county"));
        }
        Role::EnterpriseUser if scopes.enterprises.len() != 1 => {
            return Err(Error::invalid(
                "an enterprise user belongs to exactly one enterprise",
            ));
        }
        _ => {}
    }
    let counties = store.counties()?;
    for c in &scopes.counties {
        if !counties.iter().any(|k| &k.code == c) {
            return Err(Error::NotFound(format!("county {c:?} does not exist")));
        }
    }
    let enterprises = store.enterprises()?;
    for e in &scopes.enterprises {
        if !enterprises.iter().any(|k| &k.id == e) {
            return Err(Error::NotFound(format!("enterprise {e:?} does not exist")));
        }
    }
    Ok(())
}

fn describe(scopes: &Scopes) -> String {
    let mut parts = Vec::new();
    if !scopes.counties.is_empty() {
        parts.push(format!("counties {}", scopes.counties.join(",")));
    }
    if !scopes.enterprises.is_empty() {
        parts.push(format!("enterprises {}", scopes.enterprises.join(",")));
    }
    if !scopes.reaches.is_empty() {
        parts.push(format!("reaches {}", scopes.reaches.join(",")));
    }
    if parts.is_empty() {
        "city-wide".into()
    } else {
        parts.join("; ")
    }
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// Creates an account, audited in the same transaction. The password must meet the policy.
pub fn create_account(store: &mut Store, actor: &Actor, new: &NewAccount) -> Result<i64> {
    check_name(&new.name)?;
    password::check(&new.name, &new.password)?;
    let hash = password::hash(&new.password).map_err(Error::Internal)?;
    store.in_transaction(|s| {
        check_scopes(s, new.role, &new.scopes)?;
        let id = s
            .create_account(&new.name, new.role.code(), &hash, &new.scopes, now())
            .map_err(|e| match e {
                store::StoreError::Exists(m) => Error::Conflict(m),
                e => e.into(),
            })?;
        if new.must_change_password {
            let mut a = s
                .account(id)?
                .ok_or_else(|| Error::Internal("account vanished".into()))?;
            a.must_change_password = true;
            s.update_account(&a)?;
        }
        s.audit(
            actor.as_str(),
            "create_account",
            &new.name,
            Some(&format!(
                "role: {}; scope: {}; password: set",
                new.role.code(),
                describe(&new.scopes)
            )),
        )?;
        Ok(id)
    })
}

/// The account named `name`, or a 404.
pub fn account_named(store: &Store, name: &str) -> Result<Account> {
    store
        .account_by_name(name)?
        .ok_or_else(|| Error::NotFound(format!("no account named {name:?}")))
}

/// Disables (or enables again) an account and ends its sessions; accounts are never deleted.
pub fn set_disabled(store: &mut Store, actor: &Actor, name: &str, disabled: bool) -> Result<()> {
    store.in_transaction(|s| {
        let mut a = account_named(s, name)?;
        let before = a.disabled;
        a.disabled = disabled;
        s.update_account(&a)?;
        if disabled {
            s.revoke_sessions(a.id, None)?;
        }
        s.audit(
            actor.as_str(),
            if disabled {
                "disable_account"
            } else {
                "enable_account"
            },
            name,
            Some(&format!("disabled: {before} → {disabled}")),
        )?;
        Ok(())
    })
}

/// Sets (or, with `None`, removes) the e-mail address alarm notifications reach the account at, audited.
/// The address is checked for shape only (one `@`, no spaces, at most 254 characters).
pub fn set_email(store: &mut Store, actor: &Actor, name: &str, email: Option<&str>) -> Result<()> {
    let email = email.map(str::trim).filter(|e| !e.is_empty());
    if let Some(e) = email {
        let shaped = e.len() <= 254
            && e.chars().all(|c| c.is_ascii_graphic())
            && e.split('@').count() == 2
            && e.split('@').all(|part| !part.is_empty())
            && e.rsplit('@')
                .next()
                .is_some_and(|domain| domain.contains('.'));
        if !shaped {
            return Err(Error::invalid_both(
                format!("e-mail address {e:?} is not an address like name@example.org"),
                format!("电子邮件地址“{e}”格式不正确（应如 name@example.org）"),
            ));
        }
    }
    store.in_transaction(|s| {
        let mut a = account_named(s, name)?;
        a.email = email.map(str::to_string);
        s.update_account(&a)?;
        // The address itself stays out of the audit log: who changed it and when is what matters.
        s.audit(
            actor.as_str(),
            "set_account_email",
            name,
            Some(if email.is_some() {
                "e-mail address set"
            } else {
                "e-mail address removed"
            }),
        )?;
        Ok(())
    })
}

/// Sets a temporary password chosen by an administrator, to be changed at the next sign-in; ends the
/// account's sessions and clears its lockout.
pub fn reset_password(store: &mut Store, actor: &Actor, name: &str, temporary: &str) -> Result<()> {
    password::check(name, temporary)?;
    let hash = password::hash(temporary).map_err(Error::Internal)?;
    store.in_transaction(|s| {
        let mut a = account_named(s, name)?;
        s.set_password(a.id, &hash, true, now())?;
        a = account_named(s, name)?;
        a.failed_sign_ins = 0;
        a.locked_until = None;
        s.update_account(&a)?;
        s.revoke_sessions(a.id, None)?;
        s.audit(
            actor.as_str(),
            "reset_password",
            name,
            Some("password: changed (temporary, must be changed at sign-in)"),
        )?;
        Ok(())
    })
}

/// A person changes their own password: the current one proves it is them; the new one meets the policy
/// and is none of the last [`password::HISTORY`]. Other sessions end.
pub fn change_password(
    store: &mut Store,
    principal: &Principal,
    current: &str,
    new: &str,
) -> Result<()> {
    let Who::Account {
        id,
        name,
        credential,
        ..
    } = &principal.who
    else {
        return Err(Error::Forbidden(
            "only an account has a password to change".into(),
        ));
    };
    let account = store
        .account(*id)?
        .ok_or_else(|| Error::NotFound(format!("no account {id}")))?;
    if !password::verify(current, &account.password_hash) {
        return Err(Error::Forbidden("the current password is not right".into()));
    }
    password::check(name, new)?;
    let earlier = store.password_history(*id, password::HISTORY - 1)?;
    if std::iter::once(&account.password_hash)
        .chain(earlier.iter())
        .any(|h| password::verify(new, h))
    {
        return Err(password::Weak::Reused.into());
    }
    let hash = password::hash(new).map_err(Error::Internal)?;
    let actor = principal.actor();
    store.in_transaction(|s| {
        s.set_password(*id, &hash, false, now())?;
        // Every other session of the account ends; the one that changed the password goes on.
        match credential {
            Credential::Session(current) => s.revoke_other_sessions(*id, current)?,
            Credential::Token(_) => s.revoke_sessions(*id, None)?,
        };
        s.audit(
            actor.as_str(),
            "change_password",
            name,
            Some("password: changed"),
        )?;
        Ok(())
    })
}
