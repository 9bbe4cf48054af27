//! The staff console's first pages through the real server: signing in with a form (and failing), the
//! home page showing only the jurisdiction's sites, signing out with the form's CSRF token.

mod support;

use platform::accounts::{NewAccount, Role};
use store::{County, Scopes, Site, SiteKind};
use support::{Server, form, header};

const PASSWORD: &str = "Console-test-pass-1";

fn prepare(store: &mut store::Store) {
    for (code, site) in [("530602", "ZY1"), ("530621", "LD1")] {
        store
            .upsert_county(&County {
                code: code.into(),
                name: code.into(),
                name_en: None,
                lon: None,
                lat: None,
            })
            .unwrap();
        store
            .upsert_site(&Site {
                id: site.into(),
                name: format!("站点{site}"),
                kind: SiteKind::AirStation,
                county: Some(code.into()),
                lon: None,
                lat: None,
                enterprise_id: None,
                emission_standard: None,
                simulated: false,
            })
            .unwrap();
    }
    let new = NewAccount {
        name: "officer".into(),
        role: Role::CountyOfficer,
        scopes: Scopes {
            counties: vec!["530602".into()],
            ..Scopes::default()
        },
        password: PASSWORD.into(),
        must_change_password: false,
    };
    platform::accounts::create_account(store, &platform::registry::Actor::new("test"), &new)
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_county_officer_signs_in_sees_their_county_and_signs_out() {
    let server = Server::start(|s, _| prepare(s)).await;
    let urlencoded = ("Content-Type", "application/x-www-form-urlencoded");

    // Nobody signed in: the console sends you to the sign-in form, in your language.
    let (status, headers, _) = server.send("GET", "/console?lang=en", &[], "").await;
    assert_eq!(status, 303);
    assert_eq!(
        header(&headers, "location"),
        Some("/console/sign-in?lang=en")
    );
    let (status, page) = server.get("/console/sign-in?lang=en").await;
    assert_eq!(status, 200);
    assert!(
        page.contains(r#"<form method="post" action="/console/sign-in?lang=en""#),
        "{page}"
    );
    assert!(page.contains(r#"autocomplete="current-password""#));

    // A wrong password: the form again, with the reason, 401.
    let wrong = form(&[("name", "officer"), ("password", "not-it")]);
    let (status, _, page) = server
        .send("POST", "/console/sign-in", &[urlencoded], &wrong)
        .await;
    assert_eq!(status, 401);
    assert!(String::from_utf8_lossy(&page).contains("用户名或密码不正确"));

    let right = form(&[("name", "officer"), ("password", PASSWORD)]);
    let (status, headers, _) = server
        .send("POST", "/console/sign-in", &[urlencoded], &right)
        .await;
    assert_eq!(status, 303);
    let set = header(&headers, "set-cookie").unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_string();

    let (status, headers, page) = server
        .send("GET", "/console", &[("Cookie", &cookie)], "")
        .await;
    let page = String::from_utf8_lossy(&page).to_string();
    assert_eq!(status, 200, "{page}");
    assert_eq!(header(&headers, "cache-control"), Some("no-store"));
    assert!(
        page.contains("<strong>officer</strong>（县（区）分局人员）"),
        "{page}"
    );
    assert!(
        page.contains(">ZY1</a></td>") && !page.contains("LD1"),
        "only their county: {page}"
    );
    // Editing the URL does not open another county's site either.
    let (status, _, _) = server
        .send(
            "GET",
            "/api/v1/sites/LD1/series?param=a34004",
            &[("Cookie", &cookie)],
            "",
        )
        .await;
    assert_eq!(status, 403);

    // Signing out needs the form's CSRF token.
    let csrf = page
        .split(r#"name="csrf" value=""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let forged = form(&[("csrf", "0123")]);
    let (status, _, _) = server
        .send(
            "POST",
            "/console/sign-out",
            &[urlencoded, ("Cookie", &cookie)],
            &forged,
        )
        .await;
    assert_eq!(status, 403);
    let out = form(&[("csrf", &csrf)]);
    let (status, _, _) = server
        .send(
            "POST",
            "/console/sign-out",
            &[urlencoded, ("Cookie", &cookie)],
            &out,
        )
        .await;
    assert_eq!(status, 303);
    let (status, _, _) = server
        .send("GET", "/console", &[("Cookie", &cookie)], "")
        .await;
    assert_eq!(status, 303, "signed out: back to the sign-in form");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_auditor_reads_filters_and_exports_the_audit_log_and_others_may_not() {
    let server = Server::start(|s, _| {
        prepare(s);
        let new = NewAccount {
            name: "auditor".into(),
            role: Role::Auditor,
            scopes: Scopes::default(),
            password: PASSWORD.into(),
            must_change_password: false,
        };
        platform::accounts::create_account(s, &platform::registry::Actor::new("test"), &new)
            .unwrap();
    })
    .await;
    let officer = server.sign_in("officer", PASSWORD).await;
    let (status, _, _) = server
        .send("GET", "/console/audit", &[("Cookie", &officer)], "")
        .await;
    assert_eq!(status, 403, "a county officer may not read the audit log");
    let (status, headers, _) = server.send("GET", "/console/audit", &[], "").await;
    assert_eq!(
        (status, header(&headers, "location")),
        (303, Some("/console/sign-in"))
    );

    let auditor = server.sign_in("auditor", PASSWORD).await;
    let (status, _, home) = server
        .send("GET", "/console", &[("Cookie", &auditor)], "")
        .await;
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&home).contains(r#"href="/console/audit""#));
    let (status, _, page) = server
        .send(
            "GET",
            "/console/audit?q=sign_in&lang=en",
            &[("Cookie", &auditor)],
            "",
        )
        .await;
    let page = String::from_utf8_lossy(&page).to_string();
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("<td>sign_in</td><td>auditor</td>")
            && page.contains("<td>sign_in</td><td>officer</td>"),
        "{page}"
    );
    assert!(
        !page.contains("<td>create_account</td>"),
        "filtered: {page}"
    );
    assert!(
        page.contains(r#"href="/api/v1/audit.csv?q=sign_in&amp;lang=en""#),
        "{page}"
    );
    let (status, _, csv) = server
        .send(
            "GET",
            "/api/v1/audit.csv?q=create_account",
            &[("Cookie", &auditor)],
            "",
        )
        .await;
    assert_eq!(status, 200);
    let csv = String::from_utf8_lossy(&csv);
    assert!(
        csv.contains(",create_account,officer,") && csv.contains(",create_account,auditor,"),
        "{csv}"
    );
    server.stop().await;
}
