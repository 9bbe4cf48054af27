//! People from the command line, through the binary: `user add|list|disable|enable|reset-password`,
//! `token create` and `audit verify`, which names an audit entry edited in the database file.

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_qingshan");

/// Runs `qingshan ARGS --data-dir DIR` with `stdin` piped in; returns (exit code, stdout, stderr).
fn run(dir: &std::path::Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("QINGSHAN_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn accounts_tokens_and_the_audit_chain_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let registry = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/registry.toml");
    assert_eq!(run(d, &["import", "registry", registry], "").0, 0);

    let pw = "Qingshan-Boss-2026\n";
    let (code, out, err) = run(
        d,
        &[
            "user",
            "add",
            "--name",
            "admin",
            "--role",
            "city_admin",
            "--password-stdin",
        ],
        pw,
    );
    assert_eq!(code, 0, "{out}{err}");
    let officer = [
        "user",
        "add",
        "--name",
        "zhao",
        "--role",
        "county_officer",
        "--county",
        "530602",
        "--password-stdin",
    ];
    assert_eq!(run(d, &officer, "Yunnan-officer-99\n").0, 0);
    // Refusals name what is wrong.
    let (code, _, err) = run(d, &officer, "Yunnan-officer-99\n");
    assert_ne!(code, 0);
    assert!(err.contains("an account named \"zhao\" exists"), "{err}");
    let (code, _, err) = run(
        d,
        &[
            "user",
            "add",
            "--name",
            "li",
            "--role",
            "auditor",
            "--password-stdin",
        ],
        "short\n",
    );
    assert_ne!(code, 0);
    assert!(
        err.contains("a password needs 12 to 128 characters"),
        "{err}"
    );
    let (code, _, err) = run(
        d,
        &[
            "user",
            "add",
            "--name",
            "li",
            "--role",
            "county_officer",
            "--county",
            "999999",
            "--password-stdin",
        ],
        "Long-enough-pass-1\n",
    );
    assert_ne!(code, 0);
    assert!(err.contains("county \"999999\" does not exist"), "{err}");
    let (code, _, err) = run(
        d,
        &[
            "user",
            "add",
            "--name",
            "li",
            "--role",
            "mayor",
            "--password-stdin",
        ],
        "Long-enough-pass-1\n",
    );
    assert_ne!(code, 0);
    assert!(
        err.contains("role \"mayor\" is not one of city_admin"),
        "{err}"
    );

    let (_, list, _) = run(d, &["user", "list"], "");
    assert!(list.contains("admin\tcity_admin\tcity\tactive"), "{list}");
    assert!(
        list.contains("zhao\tcounty_officer\tcounty:530602\tactive"),
        "{list}"
    );

    // A token is printed alone, and never stored in clear.
    let (code, token, err) = run(
        d,
        &["token", "create", "--user", "zhao", "--expires-days", "30"],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let token = token.trim_end();
    assert!(
        token.starts_with("qs_") && token.len() == 67 && !token.contains(' '),
        "{token:?}"
    );
    let (code, _, err) = run(
        d,
        &[
            "token",
            "create",
            "--user",
            "zhao",
            "--action",
            "accounts.manage",
        ],
        "",
    );
    assert_ne!(code, 0);
    assert!(
        err.contains("a county_officer may not accounts.manage"),
        "{err}"
    );

    assert_eq!(run(d, &["user", "disable", "--name", "zhao"], "").0, 0);
    let (_, list, _) = run(d, &["user", "list"], "");
    assert!(
        list.contains("zhao\tcounty_officer\tcounty:530602\tdisabled"),
        "{list}"
    );
    assert_eq!(run(d, &["user", "enable", "--name", "zhao"], "").0, 0);
    assert_eq!(
        run(
            d,
            &[
                "user",
                "reset-password",
                "--name",
                "zhao",
                "--password-stdin"
            ],
            "Temporary-pass-77\n"
        )
        .0,
        0
    );
    let (_, list, _) = run(d, &["user", "list"], "");
    assert!(
        list.contains("zhao\tcounty_officer\tcounty:530602\tmust change password"),
        "{list}"
    );

    let (code, out, _) = run(d, &["audit", "verify"], "");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("audit log intact"), "{out}");

    let bytes = std::fs::read(d.join("qingshan.db")).unwrap();
    for secret in [
        "Qingshan-Boss-2026",
        "Yunnan-officer-99",
        "Temporary-pass-77",
        &token[3..],
    ] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "the database file holds {secret:?} in clear"
        );
    }
    // Someone with the file changes who created the county officer.
    let db = d.join("qingshan.db");
    let mut bytes = std::fs::read(&db).unwrap();
    let needle = b"role: county_officer";
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("the audit entry is in the file");
    bytes[at + 6] = b'C';
    std::fs::write(&db, &bytes).unwrap();
    let (code, out, _) = run(d, &["audit", "verify"], "");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("audit log BROKEN at entry"), "{out}");
}
