//! `qingshan evaluate water`, run as a user runs it: through the binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn qingshan(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qingshan"))
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the qingshan binary runs");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    child.wait_with_output().unwrap()
}

/// Runs `evaluate water` on `csv` written to a temporary file; returns (stdout, stderr, success).
fn evaluate(csv: &[u8], extra: &[&str]) -> (String, String, bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.csv");
    std::fs::write(&path, csv).unwrap();
    let mut args = vec!["evaluate", "water", "--input", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = qingshan(&args, None);
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.success(),
    )
}

#[test]
fn classes_categories_and_limiting_parameters() {
    // Columns by HJ 212 code and by name, mixed; the gov.cn 2007 week-2 rows.
    let csv = "section,w01001,DO(mg/l),CODMn,NH3-N\n\
               黑龙江肇源,6.97,5.85,6.3,0.32\n\
               黑龙江同江,7.66,6.03,13.3,1.77\n\
               吉林长春松花江村,6.59,7.1,3.9,0.57\n\
               黑龙江黑河,6.53,9.65,3.9,0.26\n\
               呼伦贝尔黑山头,7.25,.03,4.5,0.63\n";
    let (out, err, ok) = evaluate(csv.as_bytes(), &[]);
    assert!(ok, "{err}");
    assert_eq!(err, "");
    assert_eq!(
        out,
        "section,class,category,limiting\n\
         黑龙江肇源,4,IV,codmn(0.05)\n\
         黑龙江同江,5,V,codmn(1.22);nh3n(0.77)\n\
         吉林长春松花江村,3,III,nh3n\n\
         黑龙江黑河,2,II,codmn;nh3n\n\
         呼伦贝尔黑山头,6,劣V,do\n"
    );
}

#[test]
fn ph_outside_6_to_9_is_worse_than_v_and_on_a_limit_is_the_better_class() {
    let csv = "id,ph,nh3n,cod\nlow,5.9,0.1,10\nedge,9,0.15,15\n";
    let (out, _, ok) = evaluate(csv.as_bytes(), &[]);
    assert!(ok);
    assert_eq!(
        out,
        "id,class,category,limiting\nlow,6,劣V,ph\nedge,1,I,cod;nh3n\n"
    );
}

#[test]
fn lakes_use_the_lake_phosphorus_limits() {
    let csv = "id,tp,tn\nA,0.1,1.8\n";
    let (river, _, _) = evaluate(csv.as_bytes(), &[]);
    let (lake, _, _) = evaluate(csv.as_bytes(), &["--waterbody", "lake"]);
    // TN never decides the class (环办〔2011〕22号); TP 0.1 is class II in a river, IV in a lake.
    assert_eq!(river, "id,class,category,limiting\nA,2,II,tp\n");
    assert_eq!(lake, "id,class,category,limiting\nA,4,IV,tp(1.00)\n");
}

#[test]
fn unknown_columns_warn_and_bad_cells_are_named() {
    let csv = "site,date,ph,nh3n,tp\n\
               S1,2024-05-01,7.2,abc,0.25\n\
               S2,2024-05-02,15,0.4,-0.1\n\
               S3,2024-05-03,,,\n\
               S4,2024-05-04,7,0.0000001,0.1\n";
    let (out, err, ok) = evaluate(csv.as_bytes(), &[]);
    assert!(!ok, "bad cells give a failing exit status");
    assert!(!err.contains("panicked"), "{err}");
    // Every row is still reported, evaluated on its good cells.
    assert_eq!(
        out,
        "site,class,category,limiting\nS1,4,IV,tp(0.25)\nS2,2,II,nh3n\nS3,,,\nS4,2,II,tp\n"
    );
    assert!(
        err.contains("column 2 \"date\" is not a water-quality parameter"),
        "{err}"
    );
    assert!(
        err.contains(":2: column 4 (nh3n): \"abc\" is not a usable number"),
        "{err}"
    );
    assert!(
        err.contains(":3: column 3 (ph): \"15\": pH = 15 is outside 0–14"),
        "{err}"
    );
    assert!(
        err.contains(":3: column 5 (tp): \"-0.1\": tp = -0.1 is negative"),
        "{err}"
    );
    assert!(
        err.contains(":4: S3: the sample has none of the 21 class-deciding parameters"),
        "{err}"
    );
    assert!(
        err.contains(
            ":5: column 4 (nh3n): \"0.0000001\" is not a usable number (more than 6 decimal places"
        ),
        "{err}"
    );
    assert!(err.contains("4 bad cell(s)"), "{err}");
}

#[test]
fn standard_input_quotes_and_bom() {
    let input = "\u{feff}\"name, with comma\",nh3n\n\"a \"\"quoted\"\" id\",1.6\n".as_bytes();
    let out = qingshan(&["evaluate", "water", "--input", "-"], Some(input));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "\"name, with comma\",class,category,limiting\n\"a \"\"quoted\"\" id\",5,V,nh3n(0.60)\n"
    );
}

#[test]
fn unusable_inputs_fail_cleanly() {
    for (csv, message) in [
        (&b""[..], "the input is empty"),
        (
            b"id,colour,date\nA,1,2\n",
            "names no water-quality parameter",
        ),
        (b"id,nh3n,w21003\nA,1,1\n", "both name nh3n"),
        (b"id,nh3n\n\xb0\xb1,1\n", "not UTF-8"),
    ] {
        let (out, err, ok) = evaluate(csv, &[]);
        assert!(!ok, "{message}");
        assert!(err.contains(message), "expected {message:?} in {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(out, "", "{message}");
    }
    let missing = qingshan(
        &["evaluate", "water", "--input", "/nonexistent/water.csv"],
        None,
    );
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("cannot read /nonexistent/water.csv")
    );
}

#[test]
fn the_weekly_bulletin_end_to_end() {
    let Some(path) = testdata::shared("data/water/weekly_2012_2018_sample_every10th.csv") else {
        return;
    };
    let out = qingshan(
        &["evaluate", "water", "--input", path.to_str().unwrap()],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    // 点位名称, 河流名称 and 本周水质 are not parameters.
    assert_eq!(stderr.lines().count(), 3, "{stderr}");
    let input = std::fs::read_to_string(&path).unwrap();
    let published: Vec<&str> = input
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    let output = String::from_utf8(out.stdout).unwrap();
    let computed: Vec<&str> = output
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(published.len(), computed.len());
    let matched = published
        .iter()
        .zip(&computed)
        .filter(|(p, c)| p == c)
        .count();
    println!(
        "{matched} of {} rows match the published class",
        published.len()
    );
    assert!(matched * 1000 >= published.len() * 995);
}
