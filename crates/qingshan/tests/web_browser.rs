//! The portal and the staff console in a real browser: seeds the demo city with 90 days of data, serves it on port 0 and runs
//! `tests/browser/portal.mjs` (Node + playwright-core driving the Debian Chromium). Needs Chromium and the
//! npm packages, so it is ignored by default; `scripts/test` installs both and runs it with `--ignored`.
//! Screenshots go to `target/browser-screenshots/`.

mod support;

use std::path::PathBuf;
use support::{Server, seed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and Node (scripts/test installs them)"]
async fn portal_in_headless_chromium() {
    let now = jiff::Timestamp::now().as_second();
    let server = Server::start(|store, tz| seed(store, tz, now, 90, Some("A01"))).await;
    run_script(server, "portal.mjs", &[]).await;
}

/// Runs `tests/browser/SCRIPT <base-url> <screenshot-dir> ARGS…` with Node against `server`, prints its
/// output, stops the server and fails when the script did.
async fn run_script(server: Server, script: &str, args: &[&str]) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    let shots = root.join("target/browser-screenshots");
    let base = format!("http://{}", server.http);
    let dir = root.join("tests/browser");
    let script = dir.join(script);
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(&script)
            .arg(&base)
            .arg(&shots)
            .args(&args)
            .current_dir(dir)
            .output()
    })
    .await
    .unwrap()
    .expect("node is installed (scripts/test installs the browser test dependencies)");
    println!("{}", String::from_utf8_lossy(&out.stdout));
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    server.stop().await;
    assert!(
        out.status.success(),
        "browser tests failed (see the output above)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and Node (scripts/test installs them)"]
async fn console_in_headless_chromium() {
    const PASSWORD: &str = "Browser-console-2026";
    let now = jiff::Timestamp::now().as_second();
    let mut other_site = String::new();
    let mut quarantined = 0;
    let mut alarms = (0, 0);
    let server = Server::start(|store, tz| {
        seed(store, tz, now, 2, Some("A01"));
        // The officer's county is the one of the enterprise's outlet: the officer reviews its marks.
        let enterprise = store.enterprises().unwrap()[0].id.clone();
        let county = store
            .sites()
            .unwrap()
            .into_iter()
            .find(|s| s.enterprise_id.as_deref() == Some(enterprise.as_str()))
            .and_then(|s| s.county)
            .expect("the enterprise's outlet is in a county");
        other_site = store
            .sites()
            .unwrap()
            .into_iter()
            .find(|s| s.county.as_ref().is_some_and(|c| *c != county))
            .expect("the test city has sites in two counties")
            .id;
        // A frame from an unknown device, for the quarantine and the raw-frame page.
        let raw = hj212::packet::frame_data_segment(
            b"QN=20260101000000001;ST=22;CN=2011;PW=******;MN=NOSUCHDEVICE1;Flag=5;CP=&&DataTime=20260101000000;a34004-Rtd=12&&",
        )
        .unwrap();
        store
            .write_frames(&[store::FrameRecord {
                received_at_ms: now * 1000,
                peer: "10.20.30.40:5000".into(),
                mn: Some("NOSUCHDEVICE1".into()),
                cn: Some("2011".into()),
                verdict: store::Verdict::UnknownDevice,
                cause: Some("unknown_device: MN NOSUCHDEVICE1 is not registered".into()),
                raw,
                values: vec![],
            }])
            .unwrap();
        quarantined = store.quarantine(None, None, 1).unwrap()[0].id;
        // An alarm at the enterprise's outlet and one at a site of the officer's county, for the queue.
        let sites = store.sites().unwrap();
        let alarm = |site: &store::Site, kind: &str| store::Alarm {
            id: 0,
            kind: kind.into(),
            severity: "high".into(),
            site_id: site.id.clone(),
            param: Some("a21026".into()),
            determination_id: None,
            state: "open".into(),
            level: "county".into(),
            opened_at: now - 3600,
            episode_start: now - 7200,
            episode_end: now - 3600,
            changed_at: now - 3600,
            case_id: None,
            mark_id: None,
        };
        let outlet = sites
            .iter()
            .find(|s| s.enterprise_id.as_deref() == Some(enterprise.as_str()))
            .expect("the enterprise has an outlet");
        let local = sites
            .iter()
            .find(|s| {
                s.county.as_deref() == Some(county.as_str())
                    && s.enterprise_id.as_deref() != Some(enterprise.as_str())
            })
            .expect("the county has a site that is not the enterprise's");
        alarms = (
            store.put_alarm(&alarm(outlet, "exceedance")).unwrap(),
            store.put_alarm(&alarm(local, "exceedance")).unwrap(),
        );
        let actor = platform::registry::Actor::new("test");
        use platform::accounts::Role;
        for (name, role) in [
            ("chief", Role::CityAdmin),
            ("staff", Role::CityStaff),
            ("officer", Role::CountyOfficer),
            ("owner", Role::EnterpriseUser),
            ("river", Role::RiverChief),
            ("auditor", Role::Auditor),
            ("careless", Role::CityStaff),
        ] {
            let scopes = store::Scopes {
                counties: if role == Role::CountyOfficer {
                    vec![county.clone()]
                } else {
                    vec![]
                },
                enterprises: if role == Role::EnterpriseUser {
                    vec![enterprise.clone()]
                } else {
                    vec![]
                },
                reaches: vec![],
            };
            let new = platform::accounts::NewAccount {
                name: name.into(),
                role,
                scopes,
                password: PASSWORD.into(),
                must_change_password: false,
            };
            platform::accounts::create_account(store, &actor, &new).unwrap();
        }
        // A reach whose township chief is `river`, for the patrol.
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
        let waterbody = "WB1".to_string();
        let chief = platform::rivers::ChiefInput {
            level: "township".into(),
            name: "孙丽".into(),
            title: Some("镇长".into()),
            account: Some("river".into()),
        };
        platform::rivers::register_reach(
            store,
            &platform::accounts::Principal {
                who: platform::accounts::Who::Bootstrap,
                address: "test".into(),
            },
            &platform::rivers::ReachInput {
                id: "R1".into(),
                waterbody_id: waterbody,
                name: "示例河段".into(),
                counties: vec![county.clone()],
                chiefs: vec![chief],
                ..Default::default()
            },
        )
        .unwrap();
    })
    .await;
    let journal = quarantined.to_string();
    let (theirs, county_alarm) = (alarms.0.to_string(), alarms.1.to_string());
    run_script(
        server,
        "console.mjs",
        &[PASSWORD, &other_site, &journal, &theirs, &county_alarm],
    )
    .await;
}
