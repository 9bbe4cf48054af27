//! The conformance suite, people: the audit chain, accounts, sessions and tokens.

use super::*;

pub fn the_audit_log_is_a_hash_chain_and_pages(db: &dyn Database) {
    let mut store = db.connect().unwrap();
    assert_eq!(store.verify_audit().unwrap().records, 0);
    for (who, what) in [
        ("cli:alice", "upsert_site"),
        ("api:bob@10.0.0.5", "upsert_device"),
        ("cli:alice", "sign_in"),
    ] {
        store.audit(who, what, "S1", Some("name: a → b")).unwrap();
    }
    // Inside a transaction that is abandoned, the entry goes with it and the chain stays whole.
    let _ = store.in_transaction(|s| -> Result<()> {
        s.audit("cli:carol", "upsert_site", "S2", None)?;
        Err(StoreError::NotFound("abandoned".into()))
    });
    let check = store.verify_audit().unwrap();
    assert_eq!((check.records, check.first_broken), (3, None));
    let all = store.audit_page(None, None, 10).unwrap();
    assert_eq!(all.len(), 3);
    assert!(
        all[0].id > all[1].id && all[1].id > all[2].id,
        "newest first"
    );
    let alice = store.audit_page(Some("alice"), None, 10).unwrap();
    assert_eq!(alice.len(), 2);
    let older = store.audit_page(None, Some(all[0].id), 10).unwrap();
    assert_eq!(older, all[1..].to_vec(), "paging by id");
    assert_eq!(
        store.audit_page(Some("device"), None, 10).unwrap()[0].actor,
        "api:bob@10.0.0.5"
    );
}

pub fn the_access_log_appends_and_pages(db: &dyn Database) {
    let store = db.connect().unwrap();
    let entry = |actor: &str, path: &str, status: u16| AccessEntry {
        id: 0,
        at: T0,
        actor: actor.into(),
        address: "10.0.0.5".into(),
        method: "GET".into(),
        path: path.into(),
        status,
    };
    store
        .record_access(&[
            entry("alice", "/console/sites/S1", 200),
            entry("bob", "/api/v1/sites/S2/series", 403),
            entry("alice", "/console/audit", 200),
        ])
        .unwrap();
    let all = store.access_page(None, None, 10).unwrap();
    assert_eq!(all.len(), 3);
    assert!(
        all[0].id > all[1].id && all[1].id > all[2].id,
        "newest first"
    );
    assert_eq!(
        (
            all[1].actor.as_str(),
            all[1].path.as_str(),
            all[1].status,
            all[1].at
        ),
        ("bob", "/api/v1/sites/S2/series", 403, T0)
    );
    assert_eq!(store.access_page(Some("alice"), None, 10).unwrap().len(), 2);
    assert_eq!(store.access_page(Some("/S2/"), None, 10).unwrap().len(), 1);
    let older = store.access_page(None, Some(all[0].id), 1).unwrap();
    assert_eq!(older, vec![all[1].clone()], "paging by id");
}

pub fn accounts_keep_their_scopes_and_password_history(db: &dyn Database) {
    let store = db.connect().unwrap();
    let scopes = Scopes {
        counties: vec!["530602".into(), "530621".into()],
        enterprises: vec![],
        reaches: vec![],
    };
    let id = store
        .create_account("zhang", "county_officer", "$argon2id$h1", &scopes, T0)
        .unwrap();
    assert!(matches!(
        store.create_account("zhang", "auditor", "$argon2id$x", &Scopes::default(), T0),
        Err(StoreError::Exists(_))
    ));
    let mut a = store.account_by_name("zhang").unwrap().unwrap();
    assert_eq!(
        (a.id, a.role.as_str(), &a.scopes),
        (id, "county_officer", &scopes)
    );
    assert!(!a.disabled && !a.must_change_password && a.locked_until.is_none());
    assert_eq!(a.email, None);
    a.email = Some("zhang@hbj.zt.example".into());
    a.scopes.counties = vec!["530623".into()];
    a.failed_sign_ins = 3;
    a.locked_until = Some(T0 + 60);
    a.disabled = true;
    store.update_account(&a).unwrap();
    assert_eq!(store.account(id).unwrap().unwrap(), a);
    store
        .set_password(id, "$argon2id$h2", true, T0 + 1)
        .unwrap();
    store
        .set_password(id, "$argon2id$h3", false, T0 + 2)
        .unwrap();
    let now = store.account(id).unwrap().unwrap();
    assert_eq!(
        (now.password_hash.as_str(), now.must_change_password),
        ("$argon2id$h3", false)
    );
    assert_eq!(
        store.password_history(id, 5).unwrap(),
        vec!["$argon2id$h2".to_string(), "$argon2id$h1".to_string()]
    );
    store
        .create_account("li", "auditor", "$argon2id$l", &Scopes::default(), T0)
        .unwrap();
    let names: Vec<String> = store
        .accounts()
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["li", "zhang"]);
    assert_eq!(store.account(9999).unwrap(), None);
}

pub fn sessions_and_tokens_are_found_by_hash_and_revoked(db: &dyn Database) {
    let store = db.connect().unwrap();
    let id = store
        .create_account("wang", "city_staff", "$argon2id$w", &Scopes::default(), T0)
        .unwrap();
    let session = |n: u8| Session {
        id_hash: vec![n; 32],
        account_id: id,
        created_at: T0,
        last_seen: T0,
        address: "10.0.0.9".into(),
        revoked: false,
    };
    store.create_session(&session(1)).unwrap();
    store.create_session(&session(2)).unwrap();
    store.touch_session(&[1; 32], T0 + 30).unwrap();
    assert_eq!(store.session(&[1; 32]).unwrap().unwrap().last_seen, T0 + 30);
    assert_eq!(store.revoke_sessions(id, Some(&[1; 32])).unwrap(), 1);
    assert!(store.session(&[1; 32]).unwrap().unwrap().revoked);
    assert!(!store.session(&[2; 32]).unwrap().unwrap().revoked);
    store.create_session(&session(4)).unwrap();
    assert_eq!(
        store.revoke_other_sessions(id, &[4; 32]).unwrap(),
        1,
        "all but the one kept"
    );
    assert!(!store.session(&[4; 32]).unwrap().unwrap().revoked);
    assert_eq!(store.revoke_sessions(id, None).unwrap(), 1, "the rest");
    assert_eq!(store.session(&[3; 32]).unwrap(), None);

    let token = ApiToken {
        id: 0,
        account_id: id,
        name: "uploader".into(),
        token_hash: vec![7; 32],
        actions: vec!["registry.write".into(), "data.read".into()],
        created_at: T0,
        expires_at: Some(T0 + 86_400),
        revoked: false,
        last_used: None,
    };
    let tid = store.create_token(&token).unwrap();
    let found = store.token_by_hash(&[7; 32]).unwrap().unwrap();
    assert_eq!(
        found,
        ApiToken {
            id: tid,
            ..token.clone()
        }
    );
    store.touch_token(tid, T0 + 5).unwrap();
    assert_eq!(store.tokens_of(id).unwrap()[0].last_used, Some(T0 + 5));
    assert!(
        !store.revoke_token(id + 1, tid).unwrap(),
        "only its own account revokes it"
    );
    assert!(store.revoke_token(id, tid).unwrap());
    assert!(store.token_by_hash(&[7; 32]).unwrap().unwrap().revoked);
}
