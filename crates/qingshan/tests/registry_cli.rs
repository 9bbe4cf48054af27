//! `qingshan migrate`, `device add|list` and `import registry` through the binary.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_qingshan");

fn run(args: &[&str], dir: &std::path::Path) -> (bool, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("QINGSHAN_LOG", "warn")
        // The audit log names the operating system's user, whatever $USER says.
        .env("USER", "mallory")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn registry_commands_are_idempotent_and_refuse_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, _) = run(&["migrate"], dir.path());
    assert!(ok && out.contains("migrated from version 0 to"), "{out}");
    let (ok, out, _) = run(&["migrate"], dir.path());
    assert!(ok && out.contains("nothing to do"), "{out}");

    let pw_file = dir.path().join("pw.txt");
    std::fs::write(&pw_file, "pw1\n").unwrap();
    let pw_file = pw_file.to_str().unwrap();
    let add = [
        "device",
        "add",
        "--mn",
        "MN0001",
        "--password-file",
        pw_file,
        "--site",
        "OUT1",
        "--kind",
        "flue_gas_outlet",
        "--crc",
        "lenient",
    ];
    let (ok, out, err) = run(&add, dir.path());
    assert!(ok && out.contains("site created"), "{out}{err}");
    let (ok, out, _) = run(&add, dir.path());
    assert!(ok && !out.contains("site created"), "{out}");
    let (ok, out, _) = run(&["device", "list"], dir.path());
    assert!(ok);
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            "mn,site,protocol,crc_policy,realtime_interval_s",
            "MN0001,OUT1,auto,lenient,60"
        ]
    );

    let (ok, _, err) = run(
        &[
            "device",
            "add",
            "--mn",
            "M2",
            "--password-file",
            pw_file,
            "--site",
            "S",
            "--crc",
            "sloppy",
        ],
        dir.path(),
    );
    assert!(
        !ok && err.contains("unknown CRC policy \"sloppy\""),
        "{err}"
    );
    // Refused attempts are audited, with the reason.
    let refused =
        store::sqlite::connect_file(&dir.path().join("qingshan.db"), store::Durability::Normal)
            .unwrap()
            .audit_log(100)
            .unwrap()
            .into_iter()
            .find(|e| e.action == "refused:upsert_device" && e.subject == "M2")
            .expect("the refused device add is audited");
    assert!(refused.detail.unwrap().contains("sloppy"));

    let file = dir.path().join("registry.toml");
    std::fs::write(&file, "[[sites]]\nid = 'W1'\nname = '断面'\nkind = 'water_section'\n[[devices]]\nmn = 'MNW1'\npassword = 'x'\nsite = 'W1'\n").unwrap();
    let f = file.to_str().unwrap();
    let (ok, out, err) = run(&["import", "registry", f], dir.path());
    assert!(ok && out.contains("1 sites, 1 devices"), "{out}{err}");
    let (ok, _, _) = run(&["import", "registry", f], dir.path());
    assert!(ok);
    let (_, out, _) = run(&["device", "list"], dir.path());
    assert_eq!(out.lines().count(), 3, "{out}");
    // Every change is in the audit log, passwords excluded.
    let db =
        store::sqlite::connect_file(&dir.path().join("qingshan.db"), store::Durability::Normal)
            .unwrap();
    let actions: Vec<String> = db
        .audit_log(100)
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {} {}", e.actor, e.action, e.subject))
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| a.contains("upsert_device MN0001"))
            .count(),
        2,
        "{actions:?}"
    );
    // The same operations as the API, one entry per item, the file named in the actor.
    for item in ["upsert_site W1", "upsert_device MNW1"] {
        assert_eq!(
            actions
                .iter()
                .filter(|a| a.contains(":import:")
                    && a.contains("registry.toml")
                    && a.ends_with(item))
                .count(),
            2,
            "{item}: {actions:?}"
        );
    }
    assert!(actions.iter().all(|a| a.starts_with("cli:")), "{actions:?}");
    assert!(
        !actions.iter().any(|a| a.contains("mallory")),
        "{actions:?}"
    );
    assert!(!format!("{:?}", db.audit_log(100).unwrap()).contains("pw1"));
    // The password is sealed at rest: the database file never holds it in clear.
    drop(db);
    for file in ["qingshan.db", "qingshan.db-wal"] {
        if let Ok(bytes) = std::fs::read(dir.path().join(file)) {
            let needle = b"pw1";
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{file} holds a password in clear"
            );
        }
    }
    let devices =
        store::sqlite::connect_file(&dir.path().join("qingshan.db"), store::Durability::Normal)
            .unwrap()
            .devices()
            .unwrap();
    assert!(
        devices
            .iter()
            .all(|d| d.password.starts_with("hmac-sha256:")),
        "{devices:?}"
    );
}

#[test]
fn every_configuration_key_is_listed_with_its_environment_variable() {
    let out = Command::new(BIN)
        .args(["serve", "--help-config"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for key in [
        "data_dir",
        "admin_token",
        "limits.max_connections",
        "portal.public_rate_limit",
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(key)),
            "{key} missing from:\n{text}"
        );
    }
    assert!(text.contains("QINGSHAN_LIMITS_MAX_CONNECTIONS"));
}
