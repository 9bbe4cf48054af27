//! Staff passwords: Argon2id and the policy new passwords must meet.
//!
//! Parameters (OWASP's 2023 minimum for Argon2id): 19 MiB of memory, 2 passes, 1 lane, 32-byte hash,
//! 16-byte random salt: cheap once per sign-in, costly for every guess. They are stored inside each hash (PHC format), so raising them later still
//! verifies old hashes.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Memory cost, KiB.
const MEMORY_KIB: u32 = 19 * 1024;
/// Passes over the memory.
const PASSES: u32 = 2;
/// Parallel lanes.
const LANES: u32 = 1;

/// The shortest and longest password accepted.
pub const LENGTH: std::ops::RangeInclusive<usize> = 12..=128;
/// How many earlier passwords of an account a new one may not repeat.
pub const HISTORY: u32 = 5;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, Some(32)).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The Argon2id hash of `password` with a fresh random salt, in PHC string format.
pub fn hash(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("no random source for a salt: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` is the one `stored` was made from (false for a malformed stored hash).
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
}

/// Why a new password was refused (said to the person, in their words).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Weak {
    #[error("a password needs {} to {} characters", LENGTH.start(), LENGTH.end())]
    Length,
    #[error("a password may not contain the account's name")]
    ContainsName,
    #[error("a password needs at least 5 different characters")]
    Repetitive,
    #[error("this password was used before; choose one not among the last {HISTORY}")]
    Reused,
}

/// Checks a new password against the policy (not the history: see [`Weak::Reused`]).
pub fn check(name: &str, password: &str) -> Result<(), Weak> {
    if !LENGTH.contains(&password.chars().count()) {
        return Err(Weak::Length);
    }
    if !name.is_empty() && password.to_lowercase().contains(&name.to_lowercase()) {
        return Err(Weak::ContainsName);
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 5 {
        return Err(Weak::Repetitive);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("correct horse battery", "not a hash"));
        assert_ne!(
            hash("correct horse battery").unwrap(),
            h,
            "a fresh salt each time"
        );
    }

    #[test]
    fn the_policy_names_what_is_wrong() {
        assert_eq!(check("zhang", "short"), Err(Weak::Length));
        assert_eq!(check("zhang", "my-Zhang-password"), Err(Weak::ContainsName));
        assert_eq!(check("zhang", "aaaaaaaaaaaabbbb"), Err(Weak::Repetitive));
        assert_eq!(
            check("zhang", "青山绿水就是金山银山"),
            Err(Weak::Length),
            "10 characters"
        );
        assert_eq!(
            check("zhang", "青山绿水就是金山银山啊啊"),
            Ok(()),
            "characters, not bytes"
        );
        assert_eq!(check("zhang", &"x1".repeat(65)), Err(Weak::Length));
    }
}
