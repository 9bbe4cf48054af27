//! `qingshan evaluate composite` on real CNEMC data: January 2019 at Zhaotong's two national stations,
//! checked against the comprehensive index computed here by hand, step by step, in plain floating point
//! (daily means with ≥ 20 hours, the daily maximum 8-hour O₃ over the 17 windows of the day, the period
//! means and the HJ 663 percentiles, the GB 3095-2012 Grade II denominators 60, 40, 70, 35, 4 and 160).
//! Also: several china_sites files read together, and bad input.

use std::collections::HashMap;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_qingshan");

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN)
        .args(["evaluate", "composite", "--format", "cnemc"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The output rows by station.
fn rows(csv: &str) -> HashMap<String, HashMap<String, String>> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header,
        "station,from,to,days,so2,no2,pm10,pm2_5,co_p95,o3_8h_p90,index"
            .split(',')
            .collect::<Vec<_>>()
    );
    lines
        .map(|l| {
            let row: HashMap<String, String> = header
                .iter()
                .zip(l.split(','))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect();
            (row["station"].clone(), row)
        })
        .collect()
}

/// HJ 663-2013 Appendix A percentile: k = 1 + (n − 1)p, between the s-th and (s+1)-th sorted values.
fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let k = 1.0 + (v.len() as f64 - 1.0) * p;
    let s = k.floor() as usize;
    if s >= v.len() {
        return v[v.len() - 1];
    }
    v[s - 1] + (v[s] - v[s - 1]) * (k - s as f64)
}

/// The hand calculation for one station over January 2019, from the file's rows.
fn by_hand(text: &str, station: &str) -> [f64; 7] {
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let names = ["SO2", "NO2", "PM10", "PM2.5", "CO", "O3"];
    // (date, label hour) → the six values.
    let mut hours: HashMap<(String, u32), [Option<f64>; 6]> = HashMap::new();
    for line in text.lines().skip(1) {
        let r: Vec<&str> = line.split(',').collect();
        if r[0] != station {
            continue;
        }
        let v = names.map(|n| r[col(n)].parse::<f64>().ok());
        hours.insert((r[1].to_string(), r[2].parse().unwrap()), v);
    }
    let mut daily: [Vec<f64>; 6] = Default::default();
    for day in 1..=31u32 {
        let date = format!("201901{day:02}");
        let next = if day == 31 {
            "20190201".to_string()
        } else {
            format!("201901{:02}", day + 1)
        };
        // The natural day: labels 1–23 of the day and label 0 of the next.
        let of_day: Vec<[Option<f64>; 6]> = (1..24)
            .map(|h| hours.get(&(date.clone(), h)).copied().unwrap_or([None; 6]))
            .chain(std::iter::once(
                hours.get(&(next.clone(), 0)).copied().unwrap_or([None; 6]),
            ))
            .collect();
        for (i, series) in daily.iter_mut().enumerate().take(5) {
            let present: Vec<f64> = of_day.iter().filter_map(|h| h[i]).collect();
            if present.len() >= 20 {
                series.push(present.iter().sum::<f64>() / present.len() as f64);
            }
        }
        // O3: the 17 windows ending 08:00 … 24:00, each valid with ≥ 6 hours; the maximum with ≥ 14.
        let o3: Vec<Option<f64>> = of_day.iter().map(|h| h[5]).collect();
        let windows: Vec<f64> = (7..24)
            .filter_map(|end| {
                let w: Vec<f64> = o3[end - 7..=end].iter().flatten().copied().collect();
                (w.len() >= 6).then(|| w.iter().sum::<f64>() / w.len() as f64)
            })
            .collect();
        if windows.len() >= 14 {
            daily[5].push(windows.iter().copied().fold(f64::MIN, f64::max));
        }
    }
    let mean = |v: &Vec<f64>| (v.iter().sum::<f64>() / v.len() as f64).round();
    let so2 = mean(&daily[0]);
    let no2 = mean(&daily[1]);
    let pm10 = mean(&daily[2]);
    let pm2_5 = mean(&daily[3]);
    let co = (percentile(daily[4].clone(), 0.95) * 10.0).round() / 10.0;
    let o3 = percentile(daily[5].clone(), 0.90).round();
    let index = so2 / 60.0 + no2 / 40.0 + pm10 / 70.0 + pm2_5 / 35.0 + co / 4.0 + o3 / 160.0;
    [so2, no2, pm10, pm2_5, co, o3, index]
}

#[test]
fn january_2019_at_zhaotongs_two_stations_matches_the_hand_calculation() {
    let Some(path) = testdata::shared("data/cnemc/zhaotong_2019_hourly.csv") else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let file = path.to_str().unwrap();
    let (ok, out, err) = run(&[
        "--from",
        "2019-01-01",
        "--to",
        "2019-01-31",
        "--input",
        file,
    ]);
    assert!(ok, "{err}");
    let rows = rows(&out);
    let stations: Vec<String> = {
        let mut s: Vec<String> = text
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect();
        s.sort();
        s.dedup();
        s
    };
    assert_eq!(
        stations.len(),
        2,
        "the file holds Zhaotong's two national stations"
    );
    for station in &stations {
        let row = &rows[station];
        let hand = by_hand(&text, station);
        let got = ["so2", "no2", "pm10", "pm2_5", "co_p95", "o3_8h_p90"]
            .map(|k| row[k].parse::<f64>().unwrap());
        for (i, k) in ["so2", "no2", "pm10", "pm2_5", "co_p95", "o3_8h_p90"]
            .iter()
            .enumerate()
        {
            // Half-to-even (the command) and half-away (f64 round, here) differ only on an exact .5.
            let tolerance = if *k == "co_p95" { 0.1 } else { 1.0 };
            assert!(
                (got[i] - hand[i]).abs() < tolerance + 1e-9,
                "{station} {k}: command {}, by hand {}",
                got[i],
                hand[i]
            );
        }
        let index: f64 = row["index"].parse().unwrap();
        assert!(
            (index - hand[6]).abs() <= 0.03,
            "{station}: index {index}, by hand {:.4}",
            hand[6]
        );
        assert_eq!(
            (row["from"].as_str(), row["to"].as_str()),
            ("2019-01-01", "2019-01-31")
        );
        let days: usize = row["days"].parse().unwrap();
        assert!((27..=31).contains(&days), "{station}: {days} days");
        println!("{station}: index {index}, by hand {:.4}", hand[6]);
    }
}

#[test]
fn several_daily_files_read_together_and_bad_rows_are_named() {
    let (Some(a), Some(b)) = (
        testdata::shared("data/cnemc/china_sites_20190615.csv"),
        testdata::shared("data/cnemc/china_sites_20191021.csv"),
    ) else {
        return;
    };
    let (ok, out, err) = run(&["--input", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert!(ok, "{err}");
    let rows = rows(&out);
    assert!(rows.len() > 1000, "every station with data: {}", rows.len());
    // Default period: the files' first and last natural days.
    let any = rows.values().next().unwrap();
    assert_eq!(
        (any["from"].as_str(), any["to"].as_str()),
        ("2019-06-15", "2019-10-21")
    );
    assert!(
        rows.values().any(|r| r["days"] == "2"),
        "a station with both days"
    );

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "date,hour,type,1001A\n20190615,1,PM2.5,12\n2019061,2,PM2.5,13\n20190615,3,PM2.5,-4\n",
    )
    .unwrap();
    let (ok, out, err) = run(&["--input", bad.to_str().unwrap()]);
    assert!(!ok, "bad rows end in an error status");
    assert!(
        err.contains("bad.csv:3: date \"2019061\" is not YYYYMMDD"),
        "{err}"
    );
    assert!(err.contains("bad.csv:4: station 1001A"), "{err}");
    assert!(
        out.starts_with("station,from,to"),
        "the good figures are still printed: {out}"
    );
    let not_cnemc = dir.path().join("other.csv");
    std::fs::write(&not_cnemc, "a,b,c\n1,2,3\n").unwrap();
    let (ok, _, err) = run(&["--input", not_cnemc.to_str().unwrap()]);
    assert!(!ok && err.contains("not CNEMC hourly data"), "{err}");
}
