//! Targets on a real server: a county's January 2025 with hand-computed figures (three days of air: PM2.5
//! 30, 100 and 20 µg/m³, so two good days of three, a mean of 50 and a composite index of 3.17; two
//! sections, one class II and one worse than V; a drinking-water source in class II), each target's
//! status, a hand-entered indicator with its evidence through the console, jurisdiction, and the command
//! line (`qingshan targets import|list`).

mod support;

use platform::accounts::Role;
use store::{County, Interval, Period, Rollup, Site, SiteKind};
use support::Server;
use support::people::{PASSWORD, Person, create};

const TARGETS: &str = "set,area,indicator,period,target,source
t,530602,air.good_day_ratio,2025-01,90,test
t,530602,air.pm2_5,2025-01,35,test
t,530602,air.heavy_days,2025-01,0,test
t,530602,air.composite_index,2025-01,4,test
t,530602,water.assessed_good_share,2025-01,100,test
t,530602,water.assessed_worse_than_v,2025-01,0,test
t,530602,water.drinking_class_iii,2025-01,100,test
t,city,ecology.forest_cover,2025,40,test
";

fn site(id: &str, kind: SiteKind) -> Site {
    Site {
        id: id.into(),
        name: format!("点位{id}"),
        kind,
        county: Some("530602".into()),
        lon: None,
        lat: None,
        enterprise_id: None,
        emission_standard: None,
        simulated: false,
    }
}

fn hourly(site: &str, param: &str, time: i64, mean: f64) -> Rollup {
    Rollup {
        site_id: site.into(),
        param: param.into(),
        period: Period::Hour,
        time,
        source: Interval::Realtime,
        count: 60,
        valid_count: 60,
        mean: Some(mean),
        min: Some(mean),
        max: Some(mean),
        valid: true,
    }
}

fn prepare(store: &mut store::Store, tz: &jiff::tz::TimeZone) {
    for (code, name) in [
        ("530602", "昭阳区"),
        ("530621", "鲁甸县"),
        ("530623", "盐津县"),
    ] {
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
    for (id, kind) in [
        ("A1", SiteKind::AirStation),
        ("W1", SiteKind::WaterSection),
        ("W2", SiteKind::WaterSection),
        ("D1", SiteKind::DrinkingWaterSource),
    ] {
        store.upsert_site(&site(id, kind)).unwrap();
    }
    // Ludian's station measured the same as Zhaoyang's: the two tie in the ranking.
    store
        .upsert_site(&Site {
            county: Some("530621".into()),
            ..site("A2", SiteKind::AirStation)
        })
        .unwrap();
    let start = platform::figures::day_start(tz, jiff::civil::date(2025, 1, 1));
    let mut rollups = Vec::new();
    for day in 0..3i64 {
        let pm2_5 = [30.0, 100.0, 20.0][day as usize];
        for h in 0..24 {
            let t = start + day * 86_400 + h * 3600;
            for (param, v) in [
                ("a21026", 10.0),
                ("a21004", 20.0),
                ("a21005", 0.5),
                ("a05024", 60.0),
                ("a34002", 40.0),
                ("a34004", pm2_5),
            ] {
                rollups.push(hourly("A1", param, t, v));
                rollups.push(hourly("A2", param, t, v));
            }
            // NH3-N: 0.4 is class II, 2.5 worse than V; dissolved oxygen 7.5 is class I.
            for (s, nh3n) in [("W1", 0.4), ("W2", 2.5), ("D1", 0.3)] {
                rollups.push(hourly(s, "w21003", t, nh3n));
                rollups.push(hourly(s, "w01009", t, 7.5));
            }
        }
    }
    store.put_rollups(&rollups, &[]).unwrap();
    // This year's PM2.5 target: judged to date, with its projection.
    let year = platform::figures::local_date(tz, jiff::Timestamp::now().as_second()).year();
    let csv = format!("{TARGETS}t,530602,air.pm2_5,{year},35,test\n");
    let rows = platform::targets::parse_csv(&csv).unwrap();
    platform::targets::import(store, "test", &rows).unwrap();
    create(
        store,
        vec![
            Person::new("staff", Role::CityStaff),
            Person::new("elsewhere", Role::CountyOfficer).counties(&["530621"]),
        ],
    );
}

/// A `multipart/form-data` body of `fields` and one file; returns (content type, body).
fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "qingshan-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .bytes(),
        );
    }
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"{}\"\r\nContent-Type: application/pdf\r\n\r\n",
            file.0
        )
        .bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The cells of the targets table row of `indicator` (by its English name) on the page.
fn row<'a>(page: &'a str, name: &str) -> &'a str {
    let at = page
        .find(name)
        .unwrap_or_else(|| panic!("{name} is not on the page"));
    let start = page[..at].rfind("<tr").unwrap();
    let end = at + page[at..].find("</tr>").unwrap();
    &page[start..end]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_countys_targets_are_computed_judged_and_completed_by_hand() {
    // A scoring method: good days from 50 % (nothing) to 100 % (50 points), PM2.5 from 75 to 25 µg/m³.
    let method = "version,indicator,weight,full_at,zero_at\nv1,air.good_day_ratio,50,100,50\nv1,air.pm2_5,50,25,75\n";
    let server = Server::start_with(
        |s| s.score_method = Some(platform::targets::score::Method::parse(method).unwrap()),
        prepare,
    )
    .await;
    let staff = server.sign_in("staff", PASSWORD).await;
    let (status, _, page) = server.page(&staff, "/console/targets?lang=en").await;
    assert_eq!(status, 200, "{page}");
    for (name, figure, verdict) in [
        ("good-air-day ratio", "66.7", "missed"),
        ("PM2.5 mean", "50", "missed"),
        ("heavy-pollution days", "0", "met"),
        ("air composite index", "3.17", "met"),
        ("assessed sections in class I–III", "50", "missed"),
        ("assessed sections worse than V", "50", "missed"),
        (
            "drinking-water sources in class III or better",
            "100",
            "met",
        ),
        ("forest cover", "—", "no_data"),
    ] {
        let r = row(&page, name);
        assert!(r.contains(&format!("<td>{figure}</td>")), "{name}: {r}");
        assert!(
            r.starts_with(&format!("<tr class=\"{verdict}\"")),
            "{name}: {r}"
        );
    }
    assert!(
        row(&page, "good-air-day ratio").contains("2 good of 3 valid days"),
        "the figure names its basis"
    );
    // This year's target has no data yet: no figure, and a projection without history says so.
    let this_year = &page[page.rfind("PM2.5 mean").unwrap()..];
    let this_year = &this_year[..this_year.find("</tr>").unwrap()];
    assert!(
        this_year.contains("no earlier year to estimate a probability")
            && this_year.contains("remaining days must average PM2.5 at most 35"),
        "{this_year}"
    );

    // The county's page: its score on the method, item by item, and its place.
    let (status, _, county) = server
        .page(
            &staff,
            "/console/targets?area=530602&period=2025-01&lang=en",
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        county.contains("Method version v1 · 2025-01") && county.contains("place: 41.7 · 1 (tied)"),
        "{county}"
    );
    assert!(county.contains("<td>66.7</td><td>16.70</td>"), "{county}");

    // Forest cover is entered by hand, with its evidence, by someone who may: it then stands.
    let csrf = support::csrf_of(&page);
    let fields = [
        ("csrf", csrf.as_str()),
        ("indicator", "ecology.forest_cover"),
        ("area", "city"),
        ("period", "2025"),
        ("value", "41.2"),
        ("note", "林草局2025年报"),
    ];
    let (content_type, body) = multipart(&fields, ("森林资源公报.pdf", b"%PDF-1.4\n% report\n"));
    let (status, headers, _) = server
        .send_bytes(
            "POST",
            "/console/targets",
            &[("Cookie", &staff), ("Content-Type", &content_type)],
            &body,
        )
        .await;
    assert_eq!(status, 303, "{headers:?}");
    let (_, _, page) = server.page(&staff, "/console/targets?lang=en").await;
    let forest = row(&page, "forest cover");
    assert!(
        forest.contains("<td>41.2</td>") && forest.starts_with("<tr class=\"met\""),
        "{forest}"
    );
    // Without evidence it is refused, and a computed indicator is not entered.
    let (status, _, page) = server
        .post_form(
            &staff,
            "/console/targets",
            &[
                ("csrf", &csrf),
                ("indicator", "ecology.forest_cover"),
                ("area", "city"),
                ("period", "2025"),
                ("value", "50"),
            ],
        )
        .await;
    assert_eq!(status, 400, "{page}");

    // Another county's officer sees none of 530602's targets and may not enter the city's.
    let elsewhere = server.sign_in("elsewhere", PASSWORD).await;
    let (status, _, page) = server.page(&elsewhere, "/console/targets?lang=en").await;
    assert_eq!(status, 200);
    assert!(
        !page.contains("good-air-day ratio"),
        "another county's targets are shown"
    );
    assert_eq!(
        server
            .page(&elsewhere, "/console/targets?area=530602")
            .await
            .0,
        403
    );
    let (content_type, body) = multipart(&fields, ("x.pdf", b"%PDF-1.4\n"));
    let (status, _, _) = server
        .send_bytes(
            "POST",
            "/console/targets",
            &[("Cookie", &elsewhere), ("Content-Type", &content_type)],
            &body,
        )
        .await;
    assert_eq!(status, 403);

    // The public ranking of January 2025: Zhaoyang and Ludian tie on the index (3.17); Yanjin has no
    // station; nobody has last January to compare with; Zhaoyang's CWQI is the mean of its sections'
    // (0.4 + 5/7.5 = 1.066667 and 2.5 + 5/7.5 = 3.166667: 2.12).
    let (status, page) = server.get("/rankings?period=2025-01&lang=en").await;
    assert_eq!(status, 200, "{page}");
    let air =
        &page[page.find("id=\"air-index\"").unwrap()..page.find("id=\"air-change\"").unwrap()];
    assert_eq!(air.matches("<td>1 (tied)</td>").count(), 2, "{air}");
    assert!(
        air.contains("<td>盐津县</td><td>not ranked: no air station</td>"),
        "{air}"
    );
    assert!(
        page.contains("not ranked: last year: a pollutant without valid days"),
        "{page}"
    );
    // The score: 66.7 % good days is a third of the way (16.7 of 50), PM2.5 50 halfway (25 of 50): 41.7,
    // the same in both counties with a station.
    let score = &page[page.find("id=\"score\"").unwrap()..page.find("id=\"air-index\"").unwrap()];
    assert!(
        page.contains("method version v1)"),
        "the method's version is named"
    );
    assert_eq!(score.matches("<td>41.7</td>").count(), 2, "{score}");
    assert!(
        score.contains("<td>1 (tied)</td><td>昭阳区</td>"),
        "{score}"
    );
    assert!(
        score.contains("not ranked: no figure for any scored indicator"),
        "{score}"
    );
    let water = &page[page.find("id=\"water-cwqi\"").unwrap()..];
    assert!(
        water.contains("<td>1</td><td>昭阳区</td><td>2.12</td>"),
        "{water}"
    );

    // The command line: a bad file names its line and loads nothing; the list shows every status.
    let stopped = server.stop().await;
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "set,area,indicator,period,target,source\nt,city,air.nonsense,2025,1,x\n",
    )
    .unwrap();
    let qingshan = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_qingshan"))
            .args(args)
            .args(stopped.flags())
            .env("QINGSHAN_LOG", "warn")
            .output()
            .unwrap()
    };
    let out = qingshan(&["targets", "import", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("air.nonsense"),
        "{out:?}"
    );
    let out = qingshan(&["targets", "list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("t 530602 air.good_day_ratio 2025-01: target 90 %, figure 66.7, missed"),
        "{text}"
    );
    assert!(
        text.contains("t city ecology.forest_cover 2025: target 40 %, figure 41.2, met"),
        "{text}"
    );
}
