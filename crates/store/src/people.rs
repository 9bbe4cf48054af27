//! People's records: accounts with their jurisdiction, sessions and API tokens. The platform's `accounts`
//! capability gives them meaning (roles, permissions, the password policy); the store keeps them, and
//! never a password, a session secret or a token in clear: only their hashes.

/// A person's account. Accounts are disabled, never deleted: the audit log keeps their names.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: i64,
    pub name: String,
    /// A role code (`city_admin`, `county_officer`...), parsed by the platform.
    pub role: String,
    /// Argon2id in PHC string format.
    pub password_hash: String,
    /// A temporary password (set by an administrator) must be changed at the next sign-in.
    pub must_change_password: bool,
    pub disabled: bool,
    pub scopes: Scopes,
    /// Failed sign-ins since the last successful one.
    pub failed_sign_ins: i64,
    /// No sign-in is tried before this time (unix seconds), whatever the password.
    pub locked_until: Option<i64>,
    pub created_at: i64,
    /// Where alarm notifications reach the person, when they gave one.
    pub email: Option<String>,
}

/// What an account's jurisdiction covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes {
    pub counties: Vec<String>,
    pub enterprises: Vec<String>,
    pub reaches: Vec<String>,
}

impl Scopes {
    /// Each scope as stored: (`county` | `enterprise` | `reach`, reference).
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&'static str, &String)> {
        self.counties
            .iter()
            .map(|r| ("county", r))
            .chain(self.enterprises.iter().map(|r| ("enterprise", r)))
            .chain(self.reaches.iter().map(|r| ("reach", r)))
    }

    /// Adds a stored scope; the kind must be one [`Scopes::entries`] writes.
    pub(crate) fn add(&mut self, kind: &str, reference: String) -> Result<(), String> {
        match kind {
            "county" => self.counties.push(reference),
            "enterprise" => self.enterprises.push(reference),
            "reach" => self.reaches.push(reference),
            other => return Err(format!("a scope of unknown kind {other:?}")),
        }
        Ok(())
    }
}

/// Now, unix seconds: when an audit entry is written.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A signed-in session, known by the SHA-256 of its cookie's secret.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id_hash: Vec<u8>,
    pub account_id: i64,
    pub created_at: i64,
    pub last_seen: i64,
    /// The address it was signed in from.
    pub address: String,
    pub revoked: bool,
}

/// An API token of an account, known by its SHA-256.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub token_hash: Vec<u8>,
    /// The actions it may take (a subset of its account's), as codes.
    pub actions: Vec<String>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked: bool,
    pub last_used: Option<i64>,
}
