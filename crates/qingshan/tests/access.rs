//! Every route of the JSON API (`web::api::access::ROUTES`) and every page of the console
//! (`web::console::ROUTES`) as every role, a county officer of another
//! county, an enterprise user of another enterprise and the anonymous public: the answer must be what the
//! permission table (`platform::accounts::permissions`) says. A route missing from the list cannot be
//! built, so it cannot escape this test.

mod support;

use platform::accounts::{self, Action, NewAccount, Principal, Role, Target};
use platform::registry::Actor;
use store::{County, Enterprise, Scopes, Site, SiteKind};
use support::Server;
use web::api::access::{Need, ROUTES};

const PASSWORD: &str = "Access-test-pass-1";

/// The site every `{site}` route is asked about: county 530602, enterprise E1.
const SITE: (&str, &str) = ("530602", "E1");
/// The reach of the river routes (its county is the site's).
const REACH: Target = Target::Reach {
    id: "R1",
    county: Some("530602"),
};

fn reach_row() -> store::Reach {
    store::Reach {
        id: "R1".into(),
        waterbody_id: "WB1".into(),
        name: "洒渔河昭阳段".into(),
        start_point: None,
        end_point: None,
        counties: vec!["530602".into()],
        sections: vec![],
        target_class: Some("II".into()),
        length_km: None,
        phone: None,
        course: vec![],
    }
}

struct Someone {
    label: &'static str,
    token: Option<String>,
    principal: Principal,
}

fn prepare(store: &mut store::Store, people: &mut Vec<Someone>) {
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
    for (id, county) in [("E1", "530602"), ("E2", "530621")] {
        store
            .upsert_enterprise(&Enterprise {
                id: id.into(),
                name: format!("企业{id}"),
                county: Some(county.into()),
            })
            .unwrap();
    }
    store
        .upsert_site(&Site {
            id: "S1".into(),
            name: "1号排口".into(),
            kind: SiteKind::FlueGasOutlet,
            county: Some(SITE.0.into()),
            lon: None,
            lat: None,
            enterprise_id: Some(SITE.1.into()),
            emission_standard: None,
            simulated: false,
        })
        .unwrap();
    store
        .upsert_device(&store::Device {
            mn: "ACCESSDEV01".into(),
            password: "pw-access-dev".into(),
            site_id: "S1".into(),
            protocol: "auto".into(),
            crc_policy: store::CrcPolicy::Strict,
            realtime_interval_s: 60,
            minute_interval_min: 10,
        })
        .unwrap();
    // Alarm 1, at S1, for the alarm routes.
    store
        .put_alarm(&store::Alarm {
            id: 0,
            kind: "exceedance".into(),
            severity: "high".into(),
            site_id: "S1".into(),
            param: Some("a21026".into()),
            determination_id: None,
            state: "open".into(),
            level: "county".into(),
            opened_at: 1_795_000_000,
            episode_start: 1_794_996_400,
            episode_end: 1_795_000_000,
            changed_at: 1_795_000_000,
            case_id: None,
            mark_id: None,
        })
        .unwrap();
    // Mark 1, at S1, for the mark routes.
    store
        .put_mark(&store::Mark {
            id: 0,
            site_id: "S1".into(),
            param: Some("a21026".into()),
            category: "calibration".into(),
            start: 1_794_996_000,
            end: 1_795_000_000,
            reason: "校准".into(),
            value: None,
            state: "submitted".into(),
            late: false,
            created_by: "enterprise_user".into(),
            created_at: 1_795_000_000,
            reviewed_by: None,
            reviewed_at: None,
            review_comment: None,
        })
        .unwrap();
    // Correction 1, at S1, for the correction routes.
    store
        .put_correction(&store::Correction {
            id: 0,
            site_id: "S1".into(),
            param: "a21026".into(),
            start: 1_794_996_000,
            end: 1_795_000_000,
            value: 12.0,
            reason: "分析仪漂移".into(),
            created_by: "city_staff".into(),
            created_at: 1_795_000_000,
            withdrawn_by: None,
            withdrawn_at: None,
        })
        .unwrap();
    // Case 1, at S1, for the case routes.
    store
        .put_case(&store::Case {
            id: 0,
            source: "inspection".into(),
            source_ref: None,
            subject_kind: "site".into(),
            subject_id: Some("S1".into()),
            site_id: Some("S1".into()),
            enterprise_id: Some("E1".into()),
            county: Some("530602".into()),
            title: "现场检查".into(),
            description: "检查发现".into(),
            state: "created".into(),
            unit: None,
            assignee: None,
            due: None,
            accepted_on: None,
            founded: None,
            penalty_number: None,
            penalty_amount: None,
            penalty_measures: None,
            reason_code: None,
            merged_into: None,
            created_by: "test".into(),
            created_at: 1_795_000_000,
            changed_at: 1_795_000_000,
        })
        .unwrap();
    // Reach R1 in 530602, whose township chief is the river chief's account, for the river routes.
    store
        .upsert_waterbody(&store::Waterbody {
            id: "WB1".into(),
            name: "洒渔河".into(),
            name_en: None,
            kind: store::WaterbodyKind::River,
            basin: None,
            lon: None,
            lat: None,
        })
        .unwrap();
    store.put_reach(&reach_row()).unwrap();
    store
        .set_reach_chiefs(
            "R1",
            &[store::ReachChief {
                reach_id: "R1".into(),
                level: "township".into(),
                name: "孙丽".into(),
                title: None,
                account: Some("river-chief".into()),
            }],
        )
        .unwrap();
    // Rule 1, at S1, for the rule routes.
    store
        .put_alarm_rule(&store::AlarmRule {
            id: 0,
            site_id: "S1".into(),
            param: "a21026".into(),
            condition: "above".into(),
            value: 30.0,
            hours: 2,
            severity: "medium".into(),
            note: None,
            created_by: "test".into(),
            created_at: 1_795_000_000,
            disabled: false,
        })
        .unwrap();
    let actor = Actor::new("test:access");
    let scopes = |counties: &[&str], enterprises: &[&str]| Scopes {
        counties: counties.iter().map(|c| c.to_string()).collect(),
        enterprises: enterprises.iter().map(|e| e.to_string()).collect(),
        reaches: vec![],
    };
    let accounts = [
        ("city_admin", Role::CityAdmin, scopes(&[], &[])),
        ("city_staff", Role::CityStaff, scopes(&[], &[])),
        (
            "county_officer",
            Role::CountyOfficer,
            scopes(&["530602"], &[]),
        ),
        (
            "county_officer_of_another_county",
            Role::CountyOfficer,
            scopes(&["530621"], &[]),
        ),
        (
            "enterprise_user",
            Role::EnterpriseUser,
            scopes(&[], &["E1"]),
        ),
        (
            "enterprise_user_of_another_enterprise",
            Role::EnterpriseUser,
            scopes(&[], &["E2"]),
        ),
        (
            "river_chief",
            Role::RiverChief,
            Scopes {
                reaches: vec!["R1".into()],
                ..scopes(&[], &[])
            },
        ),
        ("auditor", Role::Auditor, scopes(&[], &[])),
    ];
    for (label, role, scopes) in accounts {
        let name = label.replace('_', "-");
        let new = NewAccount {
            name: name.clone(),
            role,
            scopes: scopes.clone(),
            password: PASSWORD.into(),
            must_change_password: false,
        };
        accounts::create_account(store, &actor, &new).unwrap();
        let (id, token) =
            accounts::create_token(store, &actor, &name, "access", None, None).unwrap();
        people.push(Someone {
            label,
            token: Some(token.0),
            principal: Principal {
                who: accounts::Who::Account {
                    id,
                    name,
                    role,
                    scopes,
                    token_actions: None,
                    credential: accounts::Credential::Token(id),
                },
                address: "127.0.0.1".into(),
            },
        });
    }
    people.push(Someone {
        label: "anonymous",
        token: None,
        principal: Principal::anonymous("127.0.0.1"),
    });
}

/// The request that exercises a route: its path with `{site}` and `{id}` filled, and a body.
fn request(method: &str, path: &str) -> (String, String) {
    let url = format!(
        "/api/v1{}",
        path.replace("{site}", "S1")
            .replace("{id}", "1")
            .replace("{reach}", "R1")
    );
    let url = if path.starts_with("/sites/{site}/") {
        format!("{url}?param=a21026")
    } else if path == "/emissions" {
        format!("{url}?year=2026")
    } else {
        url
    };
    let body = match (method, path) {
        ("POST", "/sites") => {
            r#"{"id":"S1","name":"1号排口","kind":"flue_gas_outlet","county":"530602","enterprise_id":"E1"}"#
        }
        ("POST", "/devices") => r#"{"mn":"ACCESS0001","password":"pw-access-1","site_id":"S1"}"#,
        ("POST", "/marks") => {
            r#"{"site":"S1","param":"a21026","category":"calibration","start":"2026-01-01T08:00:00+08:00","end":"2026-01-01T09:00:00+08:00","reason":"校准"}"#
        }
        ("POST", "/corrections") => {
            r#"{"site":"S1","param":"a21026","start":"2026-01-01T08:00:00+08:00","end":"2026-01-01T09:00:00+08:00","value":12.5,"reason":"分析仪漂移"}"#
        }
        ("POST", "/reaches") => {
            r#"{"id":"R1","waterbody_id":"WB1","name":"洒渔河昭阳段","counties":["530602"],"chiefs":[{"level":"township","name":"孙丽","account":"river-chief"}]}"#
        }
        ("POST", "/patrols") => {
            r#"{"reach":"R1","chief":"river-chief","start":"2026-01-01T08:00:00+08:00","end":"2026-01-01T09:00:00+08:00","track":{"type":"LineString","coordinates":[[103.70,27.30],[103.73,27.30]]}}"#
        }
        ("POST", "/orders") => {
            r#"{"reach":"R1","title":"清理排污口","unit":"洒渔镇","duties":["封堵"]}"#
        }
        ("POST", "/alarm-rules") => {
            r#"{"site":"S1","param":"a21026","condition":"above","value":30,"hours":2}"#
        }
        ("POST", "/permits") => {
            r#"{"number":"P-ACCESS-1","enterprise":"E1","valid_from":"2026-01-01","valid_to":"2030-12-31",
                "outlet":[{"site":"S1","kind":"main","limit":[{"param":"a21026","limit":35,"unit":"mg/m3","averaging":"hour","reference_o2":6}]}]}"#
        }
        _ => "",
    };
    (url, body.into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_role_as_the_permission_table_says() {
    let mut people = Vec::new();
    let server = Server::start(|s, _| prepare(s, &mut people)).await;
    let site = Target::Site {
        county: Some(SITE.0),
        enterprise: Some(SITE.1),
    };
    let enterprise = Target::Enterprise {
        id: SITE.1,
        county: Some(SITE.0),
    };
    let mut wrong = Vec::new();
    for (method, path, need) in ROUTES {
        let (url, body) = request(method, path);
        for who in &people {
            let allowed = match *need {
                Need::Public => true,
                Need::OnSite(a) => who.principal.may(a, site),
                Need::OnEnterprise(a) => who.principal.may(a, enterprise),
                Need::OnSiteOf(a) => who.principal.may(a, site),
                Need::OnReach(a) => who.principal.may(a, REACH),
                // A change names its site (the same site); a list is cut to the jurisdiction.
                Need::Listed(a) if *method == "POST" => who.principal.may(a, site),
                Need::Listed(a) => who.principal.may(a, Target::Any),
                Need::CityWide(a) => who.principal.may(a, Target::CityWide),
            };
            let bearer = who.token.as_ref().map(|t| format!("Bearer {t}"));
            let headers: Vec<(&str, &str)> = bearer
                .iter()
                .map(|b| ("Authorization", b.as_str()))
                .collect();
            let (status, _, answer) = server.send(method, &url, &headers, &body).await;
            let expected = if allowed {
                "answered (not 401/403)"
            } else if who.token.is_none() {
                "401"
            } else {
                "403"
            };
            let ok = match expected {
                "401" => status == 401,
                "403" => status == 403,
                _ => status != 401 && status != 403 && status < 500,
            };
            if !ok {
                wrong.push(format!(
                    "{method} {url} as {}: {status}, the table says {expected}: {}",
                    who.label,
                    String::from_utf8_lossy(&answer)
                        .chars()
                        .take(160)
                        .collect::<String>()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} answers differ from the table:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // The table was exercised both ways.
    let allowed = |role: Role, action: Action| accounts::permissions::reach(role, action);
    assert_ne!(
        allowed(Role::Auditor, Action::AuditRead),
        accounts::Reach::Nowhere
    );
    assert_eq!(
        allowed(Role::Auditor, Action::RegistryWrite),
        accounts::Reach::Nowhere
    );
    server.stop().await;
}

/// What a console page is sent: its path with `{site}`, `{mn}`, `{name}` and `{id}` filled, and a form.
fn console_request(method: &str, path: &str, csrf: &str) -> (String, Vec<(&'static str, String)>) {
    let url = path
        .replace("{site}", "S1")
        .replace("{mn}", "ACCESSDEV01")
        .replace("{name}", "city-staff")
        .replace("{id}", "1");
    let mut form: Vec<(&'static str, String)> = vec![("csrf", csrf.to_string())];
    let fields: &[(&'static str, &str)] = match (method, path) {
        ("POST", "/console/sign-in") => &[("name", "city-staff"), ("password", PASSWORD)],
        ("POST", "/console/sites/new" | "/console/sites/{site}") => &[
            ("id", "S1"),
            ("name", "1号排口"),
            ("kind", "flue_gas_outlet"),
            ("county", "530602"),
            ("enterprise_id", "E1"),
        ],
        ("POST", "/console/devices/new" | "/console/devices/{mn}") => &[
            ("mn", "ACCESSDEV01"),
            ("site_id", "S1"),
            ("password", ""),
            ("realtime_interval_s", "60"),
        ],
        ("POST", "/console/enterprises") => {
            &[("id", "E1"), ("name", "企业E1"), ("county", "530602")]
        }
        ("POST", "/console/counties") => &[("code", "530602"), ("name", "昭阳区")],
        ("POST", "/console/waterbodies") => &[("id", "W1"), ("name", "洒渔河"), ("kind", "river")],
        // Forms that cannot succeed: the table decides between 403 and a form's own answer.
        ("POST", "/console/permits/new") => &[(
            "toml",
            "[[permit]]\nnumber = \"P-CONSOLE-1\"\nenterprise = \"E1\"\nvalid_from = \"2026-01-01\"\nvalid_to = \"2030-12-31\"\n[[permit.outlet]]\nsite = \"S1\"\nkind = \"main\"\n",
        )],
        ("POST", "/console/accounts") => &[("name", "")],
        ("POST", "/console/alarms/{id}") => &[("do", "ack")],
        ("POST", "/console/rivers/patrol") => &[("reach", "R1"), ("chief", "river-chief")],
        ("POST", "/console/rivers/order") => &[("reach", "R1")],
        // Not multipart, so without evidence: whoever may enter the county's value gets the form back.
        ("POST", "/console/targets") => &[("area", "530602")],
        ("POST", "/console/alarm-rules") => &[
            ("site", "S1"),
            ("param", "a21026"),
            ("condition", "above"),
            ("value", "30"),
            ("hours", "2"),
        ],
        ("POST", "/console/alarm-rules/{id}") => &[("do", "disable")],
        // Not multipart: an enterprise user gets the form back with the problem, others 403.
        ("POST", "/console/marks") => &[("site", "S1")],
        ("POST", "/console/marks/{id}") => &[("do", "accept")],
        ("POST", "/console/cases/{id}") => &[("do", "comment"), ("comment", "已电话联系")],
        ("POST", "/console/cases/{id}/feedback") => &[("comment", "已整改")],
        ("POST", "/console/cases/{id}/reveal") => &[("complaint", "1"), ("reason", "核实情况")],
        // Not multipart, and S1 has no values: staff get the form back with the problem.
        ("POST", "/console/corrections") => &[("site", "S1")],
        ("POST", "/console/corrections/{id}") => &[("do", "withdraw")],
        ("POST", "/console/accounts/{name}") => &[("do", "nothing")],
        ("POST", "/console/account/password") => &[("current", "x"), ("new", "y"), ("repeat", "z")],
        ("POST", "/console/account/tokens") => &[("label", "")],
        _ => &[],
    };
    form.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
    (url, form)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_console_page_answers_every_role_as_the_permission_table_says() {
    let mut people = Vec::new();
    let server = Server::start(|s, _| prepare(s, &mut people)).await;
    let site = Target::Site {
        county: Some(SITE.0),
        enterprise: Some(SITE.1),
    };
    let enterprise = Target::Enterprise {
        id: SITE.1,
        county: Some(SITE.0),
    };
    let mut wrong = Vec::new();
    // Signing out comes last: it ends the session the other pages are asked with.
    let mut routes: Vec<_> = web::console::ROUTES.iter().collect();
    routes.sort_by_key(|(_, path, _)| *path == "/console/sign-out");
    for who in &people {
        let cookie = match who.label {
            "anonymous" => None,
            label => Some(server.sign_in(&label.replace('_', "-"), PASSWORD).await),
        };
        let csrf = cookie.as_ref().map_or(String::new(), |c| {
            let secret = c.split_once('=').unwrap().1;
            accounts::csrf_token(&accounts::SessionSecret(secret.to_string()))
        });
        for (method, path, need) in &routes {
            let (url, form) = console_request(method, path, &csrf);
            let allowed = match *need {
                Need::Public => true,
                Need::OnSite(a) => who.principal.may(a, site),
                Need::OnEnterprise(a) => who.principal.may(a, enterprise),
                Need::OnSiteOf(a) => who.principal.may(a, site),
                Need::OnReach(a) => who.principal.may(a, REACH),
                Need::Listed(a) if *method == "POST" => who.principal.may(a, site),
                Need::Listed(a) => who.principal.may(a, Target::Any),
                Need::CityWide(a) => who.principal.may(a, Target::CityWide),
            };
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (status, location, body) = match (&cookie, *method) {
                (Some(c), "POST") => server.post_form(c, &url, &pairs).await,
                (Some(c), _) => server.page(c, &url).await,
                (None, "POST") => {
                    let body = support::form(&pairs);
                    let (s, h, b) = server.send("POST", &url, &[support::FORM], &body).await;
                    let at = support::header(&h, "location").map(str::to_string);
                    (s, at, String::from_utf8_lossy(&b).to_string())
                }
                (None, _) => {
                    let (s, h, b) = server.send("GET", &url, &[], "").await;
                    let at = support::header(&h, "location").map(str::to_string);
                    (s, at, String::from_utf8_lossy(&b).to_string())
                }
            };
            let to_sign_in = status == 303 && location.as_deref() == Some("/console/sign-in");
            let (ok, expected) = if allowed && *path == "/console/sign-out" {
                // Signing out answers with the sign-in form, and the session is over.
                let ended = match &cookie {
                    Some(c) => {
                        server.page(c, "/console").await.1.as_deref() == Some("/console/sign-in")
                    }
                    None => true,
                };
                (to_sign_in && ended, "signed out")
            } else if allowed {
                (
                    status != 401 && status != 403 && status < 500 && !to_sign_in,
                    "answered",
                )
            } else if cookie.is_none() {
                (to_sign_in, "303 to the sign-in form")
            } else {
                (status == 403, "403")
            };
            if !ok {
                wrong.push(format!(
                    "{method} {url} as {}: {status} {location:?}, the table says {expected}: {}",
                    who.label,
                    body.chars().take(160).collect::<String>()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} answers differ from the table:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    server.stop().await;
}
