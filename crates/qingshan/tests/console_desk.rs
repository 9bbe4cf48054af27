//! The console's working pages through the real server, as the people who use them: registry forms
//! (validation in the person's language, jurisdiction kept when the URL or the form is edited, a
//! device's password kept when left blank), accounts made by an administrator with a temporary password
//! that must be changed first, one's own API tokens (shown once, usable, revocable), and the evidence
//! pages with the raw frame's password masked.

mod support;

use platform::accounts::{NewAccount, Role};
use store::{County, Scopes, Site, SiteKind};
use support::{Server, csrf_of};
use tokio::io::AsyncWriteExt;

const PASSWORD: &str = "Desk-test-pass-1";

fn prepare(store: &mut store::Store) {
    for (code, site) in [("530602", "ZY1"), ("530621", "LD1")] {
        store
            .upsert_county(&County {
                code: code.into(),
                name: format!("县{code}"),
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
    let actor = platform::registry::Actor::new("test");
    for (name, role, counties) in [
        ("officer", Role::CountyOfficer, vec!["530602".to_string()]),
        ("chief", Role::CityAdmin, vec![]),
    ] {
        let new = NewAccount {
            name: name.into(),
            role,
            scopes: Scopes {
                counties,
                ..Scopes::default()
            },
            password: PASSWORD.into(),
            must_change_password: false,
        };
        platform::accounts::create_account(store, &actor, &new).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registry_forms_speak_the_persons_language_and_keep_to_the_jurisdiction() {
    let server = Server::start(|s, _| prepare(s)).await;
    let officer = server.sign_in("officer", PASSWORD).await;
    let (status, _, page) = server.page(&officer, "/console/sites/new").await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(r#"<option value="530602">"#) && !page.contains(r#"value="530621""#),
        "only their county is offered: {page}"
    );
    let csrf = csrf_of(&page);
    let site = |name: &'static str, county: &'static str, lon: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("id", "ZY2".to_string()),
            ("name", name.to_string()),
            ("kind", "air_station".to_string()),
            ("county", county.to_string()),
            ("lon", lon.to_string()),
            ("lat", if lon.is_empty() { "" } else { "27.3" }.to_string()),
        ]
    };
    let pairs = |v: &Vec<(&'static str, String)>| -> Vec<(&'static str, String)> { v.clone() };
    let post = |path: &'static str, v: Vec<(&'static str, String)>| {
        let server = &server;
        let officer = officer.clone();
        async move {
            let borrowed: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
            server.post_form(&officer, path, &borrowed).await
        }
    };
    // A missing name, in Chinese and in English; the form comes back with what was typed.
    let (status, _, page) = post("/console/sites/new", pairs(&site("", "530602", ""))).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("点位“ZY2”须填写名称"), "{page}");
    assert!(
        page.contains(r#"value="ZY2""#),
        "the form keeps its values: {page}"
    );
    let (status, _, page) =
        post("/console/sites/new?lang=en", pairs(&site("", "530602", ""))).await;
    assert_eq!(status, 400);
    assert!(page.contains("site &quot;ZY2&quot; needs a name"), "{page}");
    let (status, _, page) =
        post("/console/sites/new", pairs(&site("新站", "530602", "东经"))).await;
    assert_eq!(status, 400);
    assert!(page.contains("lon“东经”不是数字"), "{page}");
    // Another county, by editing the form: refused, and the refusal is in the audit log.
    let (status, _, _) = post("/console/sites/new", pairs(&site("新站", "530621", ""))).await;
    assert_eq!(status, 403);
    // Without the form's token: refused.
    let mut forged = site("新站", "530602", "");
    forged[0].1 = "not-the-token".into();
    let (status, _, _) = post("/console/sites/new", forged).await;
    assert_eq!(status, 403);
    // Right: saved, and the page says so.
    let (status, location, _) = post(
        "/console/sites/new",
        pairs(&site("新站", "530602", "103.7")),
    )
    .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/console/sites/ZY2?saved=1"))
    );
    let (status, _, page) = server.page(&officer, "/console/sites/ZY2?saved=1").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("已保存") && page.contains(r#"value="103.7""#),
        "{page}"
    );
    // Another county's site by its URL: refused.
    let (status, _, _) = server.page(&officer, "/console/sites/LD1").await;
    assert_eq!(status, 403);
    let (status, _, page) = server.page(&officer, "/console/sites").await;
    assert_eq!(status, 200);
    assert!(page.contains(">ZY2</a>") && !page.contains("LD1"), "{page}");

    // A device, then its settings changed with the password left blank: the password stays.
    let device = |password: &'static str, interval: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("mn", "ZYDEV0000001".to_string()),
            ("site_id", "ZY2".to_string()),
            ("password", password.to_string()),
            ("protocol", "2017".to_string()),
            ("crc_policy", "strict".to_string()),
            ("realtime_interval_s", interval.to_string()),
            ("minute_interval_min", "10".to_string()),
        ]
    };
    let (status, _, page) = post("/console/devices/new", device("", "60")).await;
    assert_eq!(status, 400);
    assert!(
        page.contains("设备 ZYDEV0000001 的密码须为 1 至 64 个字符"),
        "{page}"
    );
    let (status, _, page) = post("/console/devices/new", device("pw-desk-1", "0")).await;
    assert_eq!(status, 400);
    assert!(page.contains("实时数据间隔 0 秒超出范围"), "{page}");
    let (status, _, _) = post("/console/devices/new", device("pw-desk-1", "60")).await;
    assert_eq!(status, 303);
    let sealed = |server: &Server| {
        server
            .store()
            .devices()
            .unwrap()
            .into_iter()
            .find(|d| d.mn == "ZYDEV0000001")
            .unwrap()
    };
    let before = sealed(&server);
    let (status, _, _) = post("/console/devices/ZYDEV0000001", device("", "30")).await;
    assert_eq!(status, 303);
    let after = sealed(&server);
    assert_eq!(after.realtime_interval_s, 30);
    assert_eq!(
        after.password, before.password,
        "a blank password keeps the stored one"
    );
    assert!(!after.password.contains("pw-desk-1"));

    // The audit log has each change, each refusal, and never the device's password.
    let audit = server.store().audit_log(100).unwrap();
    let said = |action: &str, subject: &str| {
        audit.iter().any(|e| {
            e.actor.contains("officer") && e.action == action && e.subject.contains(subject)
        })
    };
    assert!(said("upsert_site", "ZY2"));
    assert!(
        said("refused:upsert_site", "ZY2"),
        "invalid attempts are audited"
    );
    assert!(
        said("refused:access", "POST /console/sites/new"),
        "403s are audited"
    );
    assert!(said("refused:access", "GET /console/sites/LD1"));
    assert!(
        audit.iter().any(|e| e.action == "upsert_device"
            && e.detail.as_deref() == Some("realtime_interval_s: 60 → 30")),
        "{audit:?}"
    );
    assert!(
        audit
            .iter()
            .all(|e| !format!("{e:?}").contains("pw-desk-1"))
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_makes_an_account_whose_temporary_password_must_be_changed_first() {
    let server = Server::start(|s, _| prepare(s)).await;
    let chief = server.sign_in("chief", PASSWORD).await;
    let (status, _, page) = server.page(&chief, "/console/accounts").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(">officer</a>"), "{page}");
    let csrf = csrf_of(&page);
    let temporary = "Handed-over-2026";
    let (status, location, page) = server
        .post_form(
            &chief,
            "/console/accounts",
            &[
                ("csrf", &csrf),
                ("name", "newbie"),
                ("role", "county_officer"),
                ("counties", "530999"),
                ("temporary", temporary),
            ],
        )
        .await;
    assert_eq!(status, 404, "an unknown county: {page}");
    assert!(!page.contains(temporary), "no password is ever in a page");
    let (status, location_, _) = server
        .post_form(
            &chief,
            "/console/accounts",
            &[
                ("csrf", &csrf),
                ("name", "newbie"),
                ("role", "county_officer"),
                ("counties", "530602"),
                ("temporary", temporary),
            ],
        )
        .await;
    let _ = location;
    assert_eq!(
        (status, location_.as_deref()),
        (303, Some("/console/accounts/newbie?saved=1"))
    );
    // Others may not manage accounts.
    let officer = server.sign_in("officer", PASSWORD).await;
    let (status, _, _) = server.page(&officer, "/console/accounts").await;
    assert_eq!(status, 403);

    // The new person signs in and is sent to change the password before anything else.
    let newbie = server.sign_in("newbie", temporary).await;
    let (status, location, _) = server.page(&newbie, "/console").await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/console/account"))
    );
    let (status, _, page) = server.page(&newbie, "/console/account").await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"id="must-change""#), "{page}");
    let csrf = csrf_of(&page);
    let change = |new: &'static str, repeat: &'static str| {
        let csrf = csrf.clone();
        let (server, newbie) = (&server, newbie.clone());
        async move {
            server
                .post_form(
                    &newbie,
                    "/console/account/password",
                    &[
                        ("csrf", &csrf),
                        ("current", temporary),
                        ("new", new),
                        ("repeat", repeat),
                    ],
                )
                .await
        }
    };
    let (status, _, page) = change("Brand-new-secret-9", "Brand-new-secret-8").await;
    assert_eq!(status, 400);
    assert!(page.contains("两次输入的新密码不一致"), "{page}");
    let (status, _, page) = server
        .post_form(
            &newbie,
            "/console/account/password",
            &[
                ("csrf", &csrf),
                ("current", "Not-the-temporary-1"),
                ("new", "Brand-new-secret-9"),
                ("repeat", "Brand-new-secret-9"),
            ],
        )
        .await;
    assert_eq!(
        status, 400,
        "a mistyped current password is the form's problem"
    );
    assert!(page.contains("当前密码不正确"), "{page}");
    let (status, _, page) = change("newbie-is-my-name", "newbie-is-my-name").await;
    assert_eq!(status, 400);
    assert!(page.contains("密码不能包含账号名"), "{page}");
    let (status, _, _) = change("Brand-new-secret-9", "Brand-new-secret-9").await;
    assert_eq!(status, 303);
    let (status, _, page) = server.page(&newbie, "/console").await;
    assert_eq!(status, 200, "{page}");

    // Disabled by the administrator: the session ends at once.
    let (_, _, page) = server.page(&chief, "/console/accounts/newbie").await;
    assert!(page.contains("停用账号"), "{page}");
    let (status, _, _) = server
        .post_form(
            &chief,
            "/console/accounts/newbie",
            &[("csrf", &csrf_of(&page)), ("do", "disable")],
        )
        .await;
    assert_eq!(status, 303);
    let (status, location, _) = server.page(&newbie, "/console").await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/console/sign-in"))
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_tokens_are_shown_once_work_as_bearer_and_end_when_revoked() {
    let server = Server::start(|s, _| prepare(s)).await;
    let officer = server.sign_in("officer", PASSWORD).await;
    let (_, _, page) = server.page(&officer, "/console/account").await;
    let csrf = csrf_of(&page);
    let (status, _, page) = server
        .post_form(
            &officer,
            "/console/account/tokens",
            &[
                ("csrf", &csrf),
                ("label", "nightly export"),
                ("expires_days", "30"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let token = page
        .split(r#"id="new-token">"#)
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap()
        .to_string();
    assert!(token.starts_with("qs_") && token.len() == 67, "{token}");
    let bearer = format!("Bearer {token}");
    let api = |auth: String| {
        let server = &server;
        async move {
            server
                .send(
                    "GET",
                    "/api/v1/sites/ZY1/completeness?param=a34004",
                    &[("Authorization", &auth)],
                    "",
                )
                .await
                .0
        }
    };
    assert_eq!(api(bearer.clone()).await, 200);
    let (_, _, page) = server.page(&officer, "/console/account").await;
    assert!(!page.contains(&token), "shown once only");
    assert!(page.contains("nightly export"), "{page}");
    let id = page
        .split(r#"action="/console/account/tokens/"#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let (status, _, _) = server
        .post_form(
            &officer,
            &format!("/console/account/tokens/{id}"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(api(bearer).await, 401, "a revoked token opens nothing");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_read_quarantined_frames_with_the_password_masked() {
    let server = Server::start(|s, _| prepare(s)).await;
    let frame = hj212::packet::frame_data_segment(
        b"QN=20260101000000001;ST=22;CN=2011;PW=desk-secret;MN=NOSUCHDEVICE1;Flag=5;CP=&&DataTime=20260101000000;a34004-Rtd=12&&",
    )
    .unwrap();
    let mut device = tokio::net::TcpStream::connect(&server.hj212).await.unwrap();
    device.write_all(&frame).await.unwrap();
    let chief = server.sign_in("chief", PASSWORD).await;
    let mut page = String::new();
    for _ in 0..100 {
        page = server
            .page(&chief, "/console/quarantine?verdict=unknown_device")
            .await
            .2;
        if page.contains("NOSUCHDEVICE1") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(page.contains("NOSUCHDEVICE1"), "{page}");
    let id = page
        .split(r#"href="/console/journal/"#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let (status, _, raw) = server.page(&chief, &format!("/console/journal/{id}")).await;
    assert_eq!(status, 200, "{raw}");
    assert!(
        raw.contains("MN=NOSUCHDEVICE1") && raw.contains("PW=***********;"),
        "{raw}"
    );
    assert!(!raw.contains("desk-secret"));
    // County officers read their own county's data, not the city's evidence.
    let officer = server.sign_in("officer", PASSWORD).await;
    let (status, _, _) = server
        .page(&officer, &format!("/console/journal/{id}"))
        .await;
    assert_eq!(status, 403);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_access_log_shows_who_opened_what_and_what_they_were_refused() {
    let server = Server::start(|s, _| prepare(s)).await;
    let officer = server.sign_in("officer", PASSWORD).await;
    assert_eq!(server.page(&officer, "/console/sites/ZY1").await.0, 200);
    assert_eq!(server.page(&officer, "/console/sites/LD1").await.0, 403);
    assert_eq!(
        server.page(&officer, "/console/access").await.0,
        403,
        "auditors' page"
    );
    let chief = server.sign_in("chief", PASSWORD).await;
    let mut page = String::new();
    // The log is written in batches, within a second or so.
    for _ in 0..100 {
        page = server.page(&chief, "/console/access?q=officer").await.2;
        if page.contains("/console/access</td>") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        page.contains("GET /console/sites/ZY1</td><td class=\"num\">200</td>")
            && page.contains("GET /console/sites/LD1</td><td class=\"num\">403</td>")
            && page.contains("GET /console/access</td><td class=\"num\">403</td>"),
        "{page}"
    );
    assert!(page.contains("user:officer@127.0.0.1"), "{page}");
    assert!(
        !page.contains("/console/sign-in"),
        "nobody signed in is not in the access log"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counties_water_bodies_and_enterprises_are_added_and_changed_within_reach() {
    let server = Server::start(|s, _| prepare(s)).await;
    let chief = server.sign_in("chief", PASSWORD).await;
    let (_, _, page) = server.page(&chief, "/console/counties").await;
    let csrf = csrf_of(&page);
    let (status, _, page) = server
        .post_form(
            &chief,
            "/console/counties",
            &[("csrf", &csrf), ("code", "5306"), ("name", "短")],
        )
        .await;
    assert_eq!(status, 400);
    assert!(page.contains("须为 6 位行政区划代码"), "{page}");
    let (status, _, page) = server
        .post_form(
            &chief,
            "/console/counties",
            &[("csrf", &csrf), ("code", "530602"), ("name", "改名")],
        )
        .await;
    assert_eq!(status, 409, "adding over an existing county: {page}");
    assert!(page.contains("已存在"), "{page}");
    let (status, _, _) = server
        .post_form(
            &chief,
            "/console/counties",
            &[
                ("csrf", &csrf),
                ("code", "530602"),
                ("name", "昭阳区"),
                ("editing", "1"),
            ],
        )
        .await;
    assert_eq!(status, 303, "changed from its edit form");
    let (_, _, page) = server.page(&chief, "/console/counties?q=530602").await;
    assert!(page.contains("<td>昭阳区</td>"), "{page}");
    let (status, _, _) = server
        .post_form(
            &chief,
            "/console/waterbodies",
            &[
                ("csrf", &csrf),
                ("id", "W1"),
                ("name", "洒渔河"),
                ("kind", "river"),
            ],
        )
        .await;
    assert_eq!(status, 303);

    // A county officer adds an enterprise in their county, not in another, and changes no county.
    let officer = server.sign_in("officer", PASSWORD).await;
    let (_, _, page) = server.page(&officer, "/console/enterprises").await;
    let csrf = csrf_of(&page);
    let enterprise = |id: &'static str, county: &'static str| {
        let (server, officer, csrf) = (&server, officer.clone(), csrf.clone());
        async move {
            server
                .post_form(
                    &officer,
                    "/console/enterprises",
                    &[
                        ("csrf", &csrf),
                        ("id", id),
                        ("name", "某电厂"),
                        ("county", county),
                    ],
                )
                .await
                .0
        }
    };
    assert_eq!(enterprise("E1", "530602").await, 303);
    assert_eq!(enterprise("E2", "530621").await, 403);
    assert_eq!(
        enterprise("E1", "530602").await,
        409,
        "E1 exists: open it to change it"
    );
    let (status, _, _) = server
        .post_form(
            &officer,
            "/console/counties",
            &[("csrf", &csrf), ("code", "530603"), ("name", "新区")],
        )
        .await;
    assert_eq!(status, 403);
    let (_, _, page) = server.page(&officer, "/console/counties").await;
    assert!(
        !page.contains(r#"name="code""#),
        "no county form for a county officer"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permits_are_written_as_toml_changed_renewed_and_warned_about_before_they_expire() {
    let server = Server::start(|s, _| {
        prepare(s);
        s.upsert_enterprise(&store::Enterprise {
            id: "EZ".into(),
            name: "昭阳电厂".into(),
            county: Some("530602".into()),
        })
        .unwrap();
        s.upsert_site(&Site {
            id: "ZYO1".into(),
            name: "昭阳电厂排口".into(),
            kind: SiteKind::FlueGasOutlet,
            county: Some("530602".into()),
            lon: None,
            lat: None,
            enterprise_id: Some("EZ".into()),
            emission_standard: None,
            simulated: false,
        })
        .unwrap();
    })
    .await;
    let officer = server.sign_in("officer", PASSWORD).await;
    let (status, _, page) = server.page(&officer, "/console/permits/new").await;
    assert_eq!(status, 200, "{page}");
    let csrf = csrf_of(&page);
    let soon = (jiff::Zoned::now().date() + jiff::Span::new().days(30)).to_string();
    let toml = format!(
        "[[permit]]\nnumber = \"P-DESK-1\"\nenterprise = \"EZ\"\nvalid_from = \"2026-01-01\"\nvalid_to = \"{soon}\"\n\
         [[permit.outlet]]\nsite = \"ZYO1\"\nkind = \"main\"\n[[permit.outlet.limit]]\nparam = \"a21026\"\nlimit = 35.0\n\
         unit = \"mg/m3\"\naveraging = \"hour\"\nreference_o2 = 6.0\n"
    );
    // A limit in an unknown unit: refused, the form comes back with the text.
    let (status, _, page) = server
        .post_form(
            &officer,
            "/console/permits/new",
            &[("csrf", &csrf), ("toml", &toml.replace("mg/m3", "kg"))],
        )
        .await;
    assert_eq!(status, 400);
    assert!(page.contains("单位“kg”应为"), "{page}");
    assert!(page.contains("P-DESK-1"), "the text is kept: {page}");
    let (status, location, _) = server
        .post_form(
            &officer,
            "/console/permits/new",
            &[("csrf", &csrf), ("toml", &toml)],
        )
        .await;
    assert_eq!(status, 303);
    let location = location.unwrap();
    let (status, _, page) = server.page(&officer, &location).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("a21026") && page.contains("35 mg/m3") && page.contains("6 %"),
        "{page}"
    );
    assert!(page.contains("即将到期"), "{page}");
    let (_, _, list) = server.page(&officer, "/console/permits").await;
    assert!(
        list.contains(r#"id="expiring""#) && list.contains("P-DESK-1"),
        "{list}"
    );
    // Renewing starts the day after it ends.
    let id = location
        .split('/')
        .nth(3)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let (_, _, form) = server
        .page(&officer, &format!("/console/permits/new?from={id}&renew=1"))
        .await;
    let next = (jiff::Zoned::now().date() + jiff::Span::new().days(31)).to_string();
    assert!(
        form.contains(&format!("valid_from = &quot;{next}&quot;")),
        "{form}"
    );
    server.stop().await;
}
