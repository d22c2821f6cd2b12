//! `hearth council`: the council's settings held by the store, set once and used by the
//! exports, which may still be given `--la`; a generated borough holds its profile's.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

const HEARTH: &str = env!("CARGO_BIN_EXE_hearth");

fn hearth(db: &str, args: &[&str]) -> Output {
    Command::new(HEARTH)
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("HEARTH_COUNCIL")
        .env_remove("HEARTH_LA_NUMBER")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn sqlite(dir: &Path, name: &str) -> String {
    format!("sqlite://{}", dir.join(name).display())
}

/// The census's `LEA` for 2025/26, exported with these extra arguments, or the failure.
fn census_lea(db: &str, out: &Path, extra: &[&str]) -> Result<String, String> {
    let out_s = out.to_str().unwrap();
    let mut args = vec!["export", "cin-census", "--year", "2026", "--out", out_s];
    args.extend_from_slice(extra);
    let o = hearth(db, &args);
    if !o.status.success() {
        return Err(stderr(&o));
    }
    let xml = std::fs::read_to_string(out.join("cin/cin-census-2026.xml")).unwrap();
    let lea = xml
        .split_once("<LEA>")
        .and_then(|(_, rest)| rest.split_once("</LEA>"))
        .unwrap()
        .0;
    Ok(lea.to_owned())
}

#[test]
fn the_settings_are_set_once_and_the_census_uses_them_unless_told_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path(), "council.db");

    // Nothing is set yet: showing says how to set it, and the census needs a number.
    let o = hearth(&db, &["council", "show"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("hearth council set"), "{}", stderr(&o));
    let err = census_lea(&db, &dir.path().join("none"), &[]).unwrap_err();
    assert!(
        err.contains("hearth council set") && err.contains("--la"),
        "{err}"
    );
    assert!(!dir.path().join("none/cin").exists());

    // Bad values are refused, each by name, and nothing is stored.
    for (args, says) in [
        (
            ["Bromley", "3050", "E09000006"],
            "`3050` is not a council's DfE number",
        ),
        (
            ["Bromley", "305", "W06000001"],
            "`W06000001` is not an English council's ONS code",
        ),
        (["  ", "305", "E09000006"], "is not a council's name"),
    ] {
        let o = hearth(
            &db,
            &[
                "council",
                "set",
                "--name",
                args[0],
                "--la",
                args[1],
                "--ons-code",
                args[2],
            ],
        );
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    }
    assert_eq!(hearth(&db, &["council", "show"]).status.code(), Some(1));

    let set = |name: &str, la: &str, ons: &str| {
        hearth(
            &db,
            &[
                "council",
                "set",
                "--name",
                name,
                "--la",
                la,
                "--ons-code",
                ons,
            ],
        )
    };
    let o = set("London Borough of Bromley", "305", "E09000006");
    assert!(o.status.success(), "{}", stderr(&o));
    let o = hearth(&db, &["council", "show"]);
    assert!(o.status.success());
    assert_eq!(
        stdout(&o),
        "name: London Borough of Bromley\nla: 305\nons-code: E09000006\ncaseload-promise: not set\n"
    );

    // The census takes the number from the store; --la (or HEARTH_LA_NUMBER) overrides it.
    assert_eq!(census_lea(&db, &dir.path().join("a"), &[]).unwrap(), "305");
    assert_eq!(
        census_lea(&db, &dir.path().join("b"), &["--la", "318"]).unwrap(),
        "318"
    );

    // A later bad value leaves the settings as they were.
    assert_eq!(
        set("London Borough of Bromley", "305", "E9000006")
            .status
            .code(),
        Some(1)
    );
    assert!(stdout(&hearth(&db, &["council", "show"])).contains("ons-code: E09000006"));

    // Councils sharing a store each have their own.
    let o = Command::new(HEARTH)
        .args(["--db", &db, "--council", "other", "council", "show"])
        .env_remove("HEARTH_LA_NUMBER")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn a_generated_borough_holds_the_council_its_profile_describes() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path(), "borough.db");
    let o = hearth(
        &db,
        &[
            "generate",
            "--population",
            "300",
            "--years",
            "1",
            "--as-at",
            "2026-05-15",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = hearth(&db, &["council", "show"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The generated borough sets the caseload promise its rates assume.
    assert_eq!(
        stdout(&o),
        "name: London Borough of Bromley\nla: 305\nons-code: E09000006\ncaseload-promise: 15\n"
    );
    assert_eq!(census_lea(&db, &dir.path().join("c"), &[]).unwrap(), "305");
}
