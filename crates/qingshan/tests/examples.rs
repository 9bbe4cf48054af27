//! Every file format a user loads has an example in `examples/`, and each example loads through the
//! built binary: the registry file, the configuration file, the permit files (TOML and CSV), the baseline
//! file, and the CSV inputs of `evaluate`.

use standards::aqi::{HourlyMethod, HourlyReadings, HourlyRules, hourly_aqi};
use standards::{Concentration, Decimal, Pollutant};
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_qingshan");

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

/// Runs the binary; returns (success, stdout, stderr).
fn run(args: &[&str], dir: &Path) -> (bool, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("QINGSHAN_CONFIG")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn the_registry_example_loads_and_registers_everything_it_shows() {
    let dir = tempfile::tempdir().unwrap();
    let file = example("registry.toml");
    let data = dir.path().to_str().unwrap();
    let (ok, out, err) = run(
        &[
            "import",
            "registry",
            file.to_str().unwrap(),
            "--data-dir",
            data,
        ],
        dir.path(),
    );
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("1 counties, 1 enterprises, 2 sites, 1 devices"),
        "{out}"
    );
    let db =
        store::sqlite::connect_file(&dir.path().join("qingshan.db"), store::Durability::Normal)
            .unwrap();
    let device = &db.devices().unwrap()[0];
    assert_eq!(
        (
            device.mn.as_str(),
            device.site_id.as_str(),
            device.crc_policy
        ),
        ("88888880000001", "S01", store::CrcPolicy::Lenient)
    );
    let wb = db.site_waterbody("W13").unwrap().unwrap();
    assert_eq!(wb.kind, store::WaterbodyKind::Reservoir);
}

#[test]
fn the_configuration_example_is_accepted_key_by_key() {
    // Any unknown or malformed key in the file would make `migrate` fail.
    let dir = tempfile::tempdir().unwrap();
    let file = example("qingshan.toml");
    let (ok, out, err) = run(
        &[
            "migrate",
            "--config",
            file.to_str().unwrap(),
            "--data-dir",
            dir.path().to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("schema migrated"), "{out}");
}

#[test]
fn the_evaluate_examples_give_the_engines_figures() {
    let dir = tempfile::tempdir().unwrap();
    let air = example("air-hourly.csv");
    let (ok, out, err) = run(
        &["evaluate", "air", "--input", air.to_str().unwrap()],
        dir.path(),
    );
    assert!(ok, "{out}{err}");
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{out}");
    // The first row by the standards engine itself, on the raw concentrations.
    let c = |p, v: &str| Some(Concentration::new(p, v.parse::<Decimal>().unwrap()).unwrap());
    let readings = HourlyReadings {
        so2: c(Pollutant::So2, "9"),
        no2: c(Pollutant::No2, "30"),
        co: c(Pollutant::Co, "0.8"),
        o3: c(Pollutant::O3, "70"),
        pm10: c(Pollutant::Pm10, "120"),
        pm2_5: c(Pollutant::Pm2_5, "82"),
        ..Default::default()
    };
    let rules = HourlyRules::for_date(jiff::civil::date(2026, 11, 28), HourlyMethod::Published);
    let aqi = hourly_aqi(&rules, &readings).aqi.unwrap();
    let fields: Vec<&str> = rows[0].split(',').collect();
    assert_eq!(fields[..3], ["A01", "2026-11-28 08:00", &aqi.to_string()]);

    let water = example("water.csv");
    let (ok, out, err) = run(
        &["evaluate", "water", "--input", water.to_str().unwrap()],
        dir.path(),
    );
    assert!(ok, "{out}{err}");
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{out}");
    // GB 3838-2002 Table 1 by hand: W01 is class II (CODMn 2.1 > 2 and TP 0.03 > 0.02 leave class I; the
    // rest is class I). W16: NH3-N 1.62 is above class IV's 1.5 and within class V's 2.0, the worst
    // item, 0.62 times over class III's 1.0 (环办〔2011〕22号).
    assert!(rows[0].starts_with("W01 2026-10,2,II,"), "{}", rows[0]);
    assert_eq!(rows[1], "W16 2026-10,5,V,nh3n(0.62)");
}

#[test]
fn the_permit_and_baseline_examples_load_after_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let load = |args: &[&str]| {
        let (ok, out, err) = run(&[args, &["--data-dir", data]].concat(), dir.path());
        assert!(ok, "{args:?}: {out}{err}");
        out
    };
    let path = |name: &str| example(name).to_str().unwrap().to_string();
    load(&["import", "registry", &path("registry.toml")]);
    let out = load(&["permit", "import", &path("permits.toml")]);
    assert!(
        out.contains("loaded 1 permit versions (1 outlets)"),
        "{out}"
    );
    let out = load(&["permit", "import", &path("permits.csv")]);
    assert!(
        out.contains("loaded 1 permit versions (1 outlets)"),
        "{out}"
    );
    let out = load(&["baseline", "import", &path("baselines.csv")]);
    assert!(out.contains("loaded 3 baselines"), "{out}");
    let db =
        store::sqlite::connect_file(&dir.path().join("qingshan.db"), store::Durability::Normal)
            .unwrap();
    let permits = db.permits().unwrap();
    assert_eq!(permits.len(), 2, "two versions of one number");
    let first = &permits[0].outlets[0];
    assert_eq!(
        first.limits.len(),
        2,
        "the all-year and the seasonal SO2 limit"
    );
    assert_eq!(first.annual[0].tonnes, 120.0);
    let renewed = &permits[1].outlets[0];
    assert_eq!((renewed.limits.len(), renewed.annual[0].tonnes), (2, 100.0));
    let baselines = db.baselines().unwrap();
    assert_eq!(baselines[0].area, "530602");
    assert_eq!(baselines[0].tonnes, 9100.5);
    let listed = load(&["baseline", "list"]);
    assert!(
        listed.contains("city w01018: 31000 t in 2015, −14.1 % by 2020, simulated"),
        "{listed}"
    );
}
