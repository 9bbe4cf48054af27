//! Signing in over the API: the session cookie's attributes, CSRF on changes made with it, signing out,
//! the lockout after failed sign-ins (counted in metrics), changing one's password, and the auditor's
//! filtered, exportable audit log.

mod support;

use support::{ADMIN_PASSWORD, Server, header};

/// Signs in; returns (status, the cookie `name=value`, the Set-Cookie line, the JSON answer).
async fn sign_in(
    server: &Server,
    name: &str,
    password: &str,
) -> (u16, String, String, serde_json::Value) {
    let body = serde_json::json!({"name": name, "password": password}).to_string();
    let (status, headers, answer) = server.send("POST", "/api/v1/session", &[], &body).await;
    let set = header(&headers, "set-cookie").unwrap_or("").to_string();
    let cookie = set.split(';').next().unwrap_or("").to_string();
    (
        status,
        cookie,
        set,
        serde_json::from_slice(&answer).unwrap_or_default(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_signs_in_changes_with_its_csrf_token_and_signs_out() {
    let server = Server::start(|_, _| {}).await;
    let (status, cookie, set, answer) = sign_in(&server, "harness-admin", ADMIN_PASSWORD).await;
    assert_eq!(status, 200, "{answer}");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain HTTP: {set}");
    assert_eq!(answer["role"], "city_admin");
    let csrf = answer["csrf_token"].as_str().unwrap().to_string();
    let with_cookie = [("Cookie", cookie.as_str())];
    assert_eq!(
        server
            .send("GET", "/api/v1/devices", &with_cookie, "")
            .await
            .0,
        200
    );

    // A change made with the cookie alone (as another site could make a browser do) is refused.
    let site = r#"{"id":"S1","name":"x","kind":"other"}"#;
    assert_eq!(
        server
            .send("POST", "/api/v1/sites", &with_cookie, site)
            .await
            .0,
        403
    );
    let wrong = [("Cookie", cookie.as_str()), ("X-CSRF-Token", "0000")];
    assert_eq!(
        server.send("POST", "/api/v1/sites", &wrong, site).await.0,
        403
    );
    let right = [("Cookie", cookie.as_str()), ("X-CSRF-Token", csrf.as_str())];
    assert_eq!(
        server.send("POST", "/api/v1/sites", &right, site).await.0,
        200
    );

    // Behind a proxy that says the client used TLS, the cookie is Secure.
    let (_, _, set, _) = {
        let body =
            serde_json::json!({"name": "harness-admin", "password": ADMIN_PASSWORD}).to_string();
        let (s, h, a) = server
            .send(
                "POST",
                "/api/v1/session",
                &[("X-Forwarded-Proto", "https")],
                &body,
            )
            .await;
        let set = header(&h, "set-cookie").unwrap_or("").to_string();
        (s, String::new(), set, a)
    };
    assert!(set.contains("; Secure"), "{set}");

    // Signing out ends this session: the cookie signs nobody in any more.
    assert_eq!(
        server.send("DELETE", "/api/v1/session", &right, "").await.0,
        200
    );
    assert_eq!(
        server
            .send("GET", "/api/v1/devices", &with_cookie, "")
            .await
            .0,
        401
    );

    // Changing one's password: the old one no longer signs in, the new one does; reuse is refused.
    let (_, cookie, _, answer) = sign_in(&server, "harness-admin", ADMIN_PASSWORD).await;
    let csrf = answer["csrf_token"].as_str().unwrap().to_string();
    let auth = [("Cookie", cookie.as_str()), ("X-CSRF-Token", csrf.as_str())];
    let change = |new: &str| serde_json::json!({"current": ADMIN_PASSWORD, "new": new}).to_string();
    let (status, _, body) = server
        .send(
            "POST",
            "/api/v1/account/password",
            &auth,
            &change(ADMIN_PASSWORD),
        )
        .await;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("used before"));
    let (status, _, _) = server
        .send(
            "POST",
            "/api/v1/account/password",
            &auth,
            &change("A-new-secret-2027"),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        sign_in(&server, "harness-admin", ADMIN_PASSWORD).await.0,
        401
    );
    assert_eq!(
        sign_in(&server, "harness-admin", "A-new-secret-2027")
            .await
            .0,
        200
    );
    assert_eq!(
        server.send("GET", "/api/v1/devices", &auth, "").await.0,
        200,
        "the session that changed it goes on"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failed_sign_ins_lock_the_account_and_are_audited() {
    let server = Server::start(|_, _| {}).await;
    for _ in 0..5 {
        assert_eq!(
            sign_in(&server, "harness-admin", "not-the-password")
                .await
                .0,
            401
        );
    }
    // Locked now: even the right password is refused, with 429.
    let (status, _, _, answer) = sign_in(&server, "harness-admin", ADMIN_PASSWORD).await;
    assert_eq!(status, 429, "{answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("try again in"),
        "{answer}"
    );
    // An unknown name is refused the same way as a wrong password, and the name typed is not logged.
    let (status, _, _, unknown) = sign_in(&server, "Secret-typed-in-name", "x").await;
    assert_eq!(status, 401);
    let (_, _, _, wrong) = sign_in(&server, "nobody", "x").await;
    assert_eq!(unknown["error"]["message"], wrong["error"]["message"]);
    let metrics = server.get("/metrics").await.1;
    assert!(
        metrics.contains("qingshan_sign_in_failures_total 8\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("qingshan_account_lockouts_total 1\n"),
        "{metrics}"
    );

    // The auditor's view: filtered, paged, exported as CSV.
    let log = server.json("/api/v1/audit?q=sign_in_failed&limit=3").await;
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert!(
        entries.iter().all(|e| e["action"] == "sign_in_failed"),
        "{log}"
    );
    let older = server
        .json(&format!(
            "/api/v1/audit?q=sign_in_failed&before={}",
            log["next_before"]
        ))
        .await;
    assert_eq!(
        older["entries"].as_array().unwrap().len(),
        5,
        "8 failures in all"
    );
    let (status, csv) = server.get("/api/v1/audit.csv?q=sign_in").await;
    assert_eq!(status, 200);
    assert!(
        csv.starts_with("id,at,actor,action,subject,detail\n"),
        "{csv}"
    );
    assert!(
        csv.contains("(unknown account)") && !csv.contains("Secret-typed-in-name"),
        "{csv}"
    );
    assert!(csv.contains("failed sign-ins: 5; locked"), "{csv}");
    server.stop().await;
}
