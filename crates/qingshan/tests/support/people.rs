//! People for the tests that act through the staff API: accounts with a role, a jurisdiction and an
//! e-mail address, each with a bearer token, and a JSON call as one of them.

use super::Server;
use platform::accounts::{NewAccount, Role};
use serde_json::Value;
use store::Scopes;

pub const PASSWORD: &str = "People-tests-2026";

/// Each account's `Authorization` header value, by name.
pub type Tokens = std::collections::HashMap<&'static str, String>;

/// Someone to create: name, role, jurisdiction, e-mail.
pub struct Person {
    pub name: &'static str,
    pub role: Role,
    pub scopes: Scopes,
    pub email: Option<&'static str>,
}

impl Person {
    pub fn new(name: &'static str, role: Role) -> Person {
        Person {
            name,
            role,
            scopes: Scopes::default(),
            email: None,
        }
    }

    pub fn counties(mut self, codes: &[&str]) -> Person {
        self.scopes.counties = codes.iter().map(|c| c.to_string()).collect();
        self
    }

    pub fn enterprises(mut self, ids: &[&str]) -> Person {
        self.scopes.enterprises = ids.iter().map(|c| c.to_string()).collect();
        self
    }

    pub fn email(mut self, address: &'static str) -> Person {
        self.email = Some(address);
        self
    }
}

/// Creates the accounts (password [`PASSWORD`]) and a token each.
pub fn create(store: &mut store::Store, people: Vec<Person>) -> Tokens {
    let actor = platform::registry::Actor::new("test");
    let mut tokens = Tokens::new();
    for p in people {
        let new = NewAccount {
            name: p.name.into(),
            role: p.role,
            scopes: p.scopes,
            password: PASSWORD.into(),
            must_change_password: false,
        };
        platform::accounts::create_account(store, &actor, &new).unwrap();
        if let Some(email) = p.email {
            let mut acc = store.account_by_name(p.name).unwrap().unwrap();
            acc.email = Some(email.into());
            store.update_account(&acc).unwrap();
        }
        let (_, token) =
            platform::accounts::create_token(store, &actor, p.name, "test", None, None).unwrap();
        tokens.insert(p.name, format!("Bearer {}", token.0));
    }
    tokens
}

/// A JSON request as the holder of `token`; returns the status and the answer (a JSON string when it
/// was not JSON).
pub async fn call(
    server: &Server,
    method: &str,
    path: &str,
    token: &str,
    body: Value,
) -> (u16, Value) {
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    let (status, _, answer) = server
        .send(method, path, &[("Authorization", token)], &body)
        .await;
    let v = serde_json::from_slice(&answer)
        .unwrap_or(Value::String(String::from_utf8_lossy(&answer).into_owned()));
    (status, v)
}
