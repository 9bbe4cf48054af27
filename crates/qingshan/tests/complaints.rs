//! 12369 complaints on a real server: one through the portal's form and one through Open311 get
//! tracking codes and land in the right county's queue and no other; a duplicate joins its case; the
//! reporter's phone is nowhere in the database file, the pages or the API a county officer sees until a
//! reveal with a reason, which the audit and access logs record; the tracking page and Open311 show the
//! progress without personal data; a robot filling the honeypot is refused.

mod support;

use platform::accounts::{NewAccount, Role};
use serde_json::Value;
use store::{County, Scopes};
use support::{FORM, Server, form};

const PASSWORD: &str = "Complaint-tests-2026";
const PHONE: &str = "13987001234";
const OTHER_PHONE: &str = "13611112222";

fn people(store: &mut store::Store, cookies: &mut Vec<&'static str>) {
    for (code, name) in [("530602", "昭阳区"), ("530621", "鲁甸县")] {
        store
            .upsert_county(&County {
                code: code.into(),
                name: name.into(),
                name_en: None,
                lon: None,
                lat: None,
            })
            .unwrap();
    }
    let actor = platform::registry::Actor::new("test");
    for (name, county) in [("zhaoyang", "530602"), ("ludian", "530621")] {
        let new = NewAccount {
            name: name.into(),
            role: Role::CountyOfficer,
            scopes: Scopes {
                counties: vec![county.into()],
                ..Scopes::default()
            },
            password: PASSWORD.into(),
            must_change_password: false,
        };
        platform::accounts::create_account(store, &actor, &new).unwrap();
        cookies.push(name);
    }
}

/// The id of the case behind the first link to a case on a console page.
fn case_ids(page: &str) -> Vec<i64> {
    page.split("href=\"/console/cases/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}

fn code_of(receipt: &str) -> String {
    receipt
        .split("id=\"tracking-code\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .expect("a tracking code on the receipt")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn complaints_reach_their_county_and_the_reporter_stays_confidential() {
    let mut names = Vec::new();
    let server = Server::start(|s, _| people(s, &mut names)).await;
    // Through the portal's form (no JavaScript: a plain form post), a point in Zhaoyang's city centre.
    let report = [
        ("category", "air"),
        ("address", "凤凰街道某烧烤摊"),
        ("lon", "103.717"),
        ("lat", "27.338"),
        ("description", "每晚露天烧烤，浓烟扰民"),
        ("name", "李某"),
        ("phone", PHONE),
        ("email", ""),
        ("website", ""),
    ];
    let (status, _, receipt) = server
        .send("POST", "/complaints", &[FORM], &form(&report))
        .await;
    let receipt = String::from_utf8_lossy(&receipt).to_string();
    assert_eq!(status, 200, "{receipt}");
    let web_code = code_of(&receipt);
    assert!(
        web_code.starts_with("ZT") && web_code.len() == 12,
        "{web_code}"
    );
    assert!(!receipt.contains(PHONE) && !receipt.contains("李某"));
    // The same place, category and day again: joined to the same case.
    let (status, _, again) = server
        .send("POST", "/complaints", &[FORM], &form(&report))
        .await;
    assert_eq!(status, 200);
    let again_code = code_of(&String::from_utf8_lossy(&again));
    assert_ne!(again_code, web_code);
    // A robot fills the field people never see.
    let mut robot = report.to_vec();
    robot.retain(|(k, _)| *k != "website");
    robot.push(("website", "http://spam.example"));
    assert_eq!(
        server
            .send("POST", "/complaints", &[FORM], &form(&robot))
            .await
            .0,
        400
    );

    // Through Open311: services, then a request routed by the county its address names.
    let services = server.json("/open311/v2/services.json").await;
    assert!(
        services
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["service_code"] == "water"),
        "{services}"
    );
    let body = form(&[
        ("service_code", "water"),
        ("address_string", "鲁甸县龙头山镇河边"),
        ("description", "河水发黑发臭，疑似偷排"),
        ("first_name", "某"),
        ("last_name", "张"),
        ("phone", OTHER_PHONE),
    ]);
    let (status, _, answer) = server
        .send("POST", "/open311/v2/requests.json", &[FORM], &body)
        .await;
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(status, 200, "{answer}");
    let open311_code = answer[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let request = server
        .json(&format!("/open311/v2/requests/{open311_code}.json"))
        .await;
    assert_eq!(request[0]["status"], "open", "{request}");
    assert_eq!(request[0]["service_code"], "water");
    assert!(!request.to_string().contains(OTHER_PHONE));
    let token = server
        .json(&format!("/open311/v2/tokens/{open311_code}.json"))
        .await;
    assert_eq!(token[0]["service_request_id"], open311_code.as_str());
    let bad = form(&[
        ("service_code", "bribery"),
        ("address_string", "x"),
        ("description", "xxxxxx"),
    ]);
    let (status, _, answer) = server
        .send("POST", "/open311/v2/requests.json", &[FORM], &bad)
        .await;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&answer));

    // The portal publishes the year's figures by county and month: a duplicate counts once.
    let (_, public) = server.get("/complaints").await;
    let table = public
        .split("id=\"complaint-figures\"")
        .nth(1)
        .expect("the figures table");
    for county in ["昭阳区", "鲁甸县"] {
        let row = table.split(county).nth(1).expect("a row per county");
        let cells: Vec<&str> = row
            .split("<td class=\"num\">")
            .skip(1)
            .take(3)
            .map(|c| c.split('<').next().unwrap())
            .collect();
        assert_eq!(
            cells,
            ["1", "0", "0"],
            "{county}: received, handled, on time"
        );
    }

    // Each county's officer sees its own complaint and not the other's.
    let zhaoyang = server.sign_in("zhaoyang", PASSWORD).await;
    let ludian = server.sign_in("ludian", PASSWORD).await;
    let (_, _, queue) = server.page(&zhaoyang, "/console/cases").await;
    let ours = case_ids(&queue);
    assert_eq!(ours.len(), 1, "two reports, one case: {queue}");
    let (_, _, theirs) = server.page(&ludian, "/console/cases").await;
    assert_eq!(case_ids(&theirs).len(), 1);
    assert_ne!(case_ids(&theirs), ours);
    let case = ours[0];
    assert_eq!(
        server
            .page(&ludian, &format!("/console/cases/{case}"))
            .await
            .0,
        403
    );

    // The officer reads the case: what was reported, not who reported it.
    let (status, _, page) = server
        .page(&zhaoyang, &format!("/console/cases/{case}"))
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("每晚露天烧烤") && page.contains("实名（信息保密）"),
        "{page}"
    );
    assert!(!page.contains(PHONE) && !page.contains("李某"));
    // A reveal needs a reason; with one, the contact shows, and the audit and access logs have it.
    let csrf = support::csrf_of(&page);
    let complaint = page
        .split("name=\"complaint\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let reveal = format!("/console/cases/{case}/reveal");
    let (status, _, refused) = server
        .post_form(
            &zhaoyang,
            &reveal,
            &[("csrf", &csrf), ("complaint", &complaint), ("reason", "")],
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    assert!(!refused.contains(PHONE));
    let (status, _, shown) = server
        .post_form(
            &zhaoyang,
            &reveal,
            &[
                ("csrf", &csrf),
                ("complaint", &complaint),
                ("reason", "需电话回访核实"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{shown}");
    assert!(shown.contains(PHONE) && shown.contains("李某"), "{shown}");
    let audit = server.json("/api/v1/audit").await.to_string();
    assert!(
        audit.contains("complaint_reveal") && audit.contains("需电话回访核实"),
        "{audit}"
    );
    assert!(!audit.contains(PHONE));
    // The access log is written by its own thread, in batches: wait for it.
    let admin = server
        .sign_in("harness-admin", support::ADMIN_PASSWORD)
        .await;
    let mut logged = false;
    for _ in 0..100 {
        logged = server
            .page(&admin, "/console/access")
            .await
            .2
            .contains(&reveal);
        if logged {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(logged, "the reveal is in the access log");

    // The officer handles it through the case's form; the public figures count it handled on time.
    let step = format!("/console/cases/{case}");
    for fields in [
        vec![("do", "accept")],
        vec![("do", "assign"), ("unit", "昭阳分局")],
        vec![("do", "verify"), ("founded", "true")],
        vec![("do", "close"), ("comment", "已责令整改")],
    ] {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(fields.iter().copied());
        let (status, location, body) = server.post_form(&zhaoyang, &step, &form).await;
        assert_eq!(status, 303, "{fields:?}: {location:?} {body}");
    }
    let (_, public) = server.get("/complaints").await;
    let row = public
        .split("id=\"complaint-figures\"")
        .nth(1)
        .unwrap()
        .split("昭阳区")
        .nth(1)
        .unwrap();
    let cells: Vec<&str> = row
        .split("<td class=\"num\">")
        .skip(1)
        .take(3)
        .map(|c| c.split('<').next().unwrap())
        .collect();
    assert_eq!(cells, ["1", "1", "1"]);

    // The reporter follows the case by code: the steps, nobody's name or number.
    let (status, track) = server
        .get(&format!("/complaints/track?code={web_code}"))
        .await;
    assert_eq!(status, 200);
    assert!(
        track.contains(&web_code) && !track.contains(PHONE) && !track.contains("李某"),
        "{track}"
    );
    assert_eq!(
        server.get("/complaints/track?code=ZTNOSUCHCODE").await.0,
        404
    );

    // At rest, the phones are nowhere in the database (sealed).
    let stopped = server.stop().await;
    let bytes = stopped.bytes_at_rest();
    for phone in [PHONE, OTHER_PHONE] {
        assert!(
            !bytes.windows(phone.len()).any(|w| w == phone.as_bytes()),
            "{phone} is in the database"
        );
    }

    // A key rotation: the new key goes first, `qingshan complaints reseal` seals every contact again
    // under it (audited), and the contacts still open to what the reporters gave.
    let key_file = stopped.dir.path().join("personal.key");
    let old = std::fs::read_to_string(&key_file).unwrap();
    let rotated = format!("rot2026 {}\n{old}", "ab".repeat(32));
    std::fs::write(&key_file, &rotated).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_qingshan"))
        .args(["complaints", "reseal"])
        .args(stopped.flags())
        .env("QINGSHAN_LOG", "warn")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let keys = platform::complaints::sealed::PersonalKeys::parse(&rotated, "rotated").unwrap();
    let store = stopped.store();
    let sealed: Vec<String> = store
        .complaints_received(i64::MIN, i64::MAX)
        .unwrap()
        .into_iter()
        .filter_map(|c| c.contact_sealed)
        .collect();
    assert!(
        said.starts_with(&format!("{} reporters", sealed.len())),
        "{said}"
    );
    assert!(
        sealed.iter().all(|s| s.starts_with("v1:rot2026:")),
        "{sealed:?}"
    );
    assert!(
        sealed.iter().any(|s| keys.open(s).unwrap().contains(PHONE)),
        "the reporter's phone opens under the new key"
    );
    assert!(
        store
            .audit_log(5)
            .unwrap()
            .iter()
            .any(|e| e.action == "complaints_reseal"
                && !e.detail.as_deref().unwrap_or("").contains(PHONE))
    );
}
