//! `hearth import ssda903` and `hearth export ssda903`, run as the real binary against
//! fresh stores: the DfE-validated sample tables round trip, and broken tables are
//! reported with their file, line and column and leave those children out.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const HEARTH: &str = env!("CARGO_BIN_EXE_hearth");

fn samples(which: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/ssda903")
        .join(which)
}

fn hearth(args: &[&str]) -> Output {
    Command::new(HEARTH)
        .args(args)
        .env_remove("HEARTH_COUNCIL")
        .env_remove("HEARTH_DATABASE_URL")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

fn db(dir: &Path, name: &str) -> String {
    format!("sqlite://{}", dir.join(name).display())
}

fn import(db: &str, tables: &Path) -> Output {
    hearth(&["--db", db, "import", "ssda903", tables.to_str().unwrap()])
}

fn export(db: &str, year: &str, out: &Path) -> Output {
    let o = hearth(&[
        "--db",
        db,
        "export",
        "ssda903",
        "--year",
        year,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    o
}

fn read(dir: &Path, name: &str) -> String {
    text(&std::fs::read(dir.join(name)).unwrap())
}

#[test]
fn the_valid_sample_imports_and_exports_again_and_the_export_round_trips() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (db(tmp.path(), "a.db"), db(tmp.path(), "b.db"));
    let o = import(&a, &samples("valid"));
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("imported 5 children; 0 refused"));
    let first = tmp.path().join("first");
    let o = export(&a, "2026", &first);
    assert!(
        text(&o.stdout).contains("2 children looked after at 31 March, 4 in the year"),
        "{}",
        text(&o.stdout)
    );
    // Every table comes back as it was, except one episode that ended in 2024/25: the
    // return holds only episodes open in its year (DfE's rule 502 checks that).
    for entry in std::fs::read_dir(samples("valid")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let original = read(&samples("valid"), &name);
        let expected = if name == "episodes.csv" {
            original
                .lines()
                .filter(|l| !l.starts_with("L0000005,01/03/2023"))
                .map(|l| format!("{l}\r\n"))
                .collect()
        } else {
            original
        };
        assert_eq!(read(&first, &name), expected, "{name}");
    }
    let o = import(&b, &first);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let second = tmp.path().join("second");
    export(&b, "2026", &second);
    for entry in std::fs::read_dir(&first).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert_eq!(read(&first, &name), read(&second, &name), "{name}");
    }
}

#[test]
fn broken_tables_are_reported_where_they_are_and_those_children_are_left_out() {
    let tmp = tempfile::tempdir().unwrap();
    let a = db(tmp.path(), "a.db");
    let o = import(&a, &samples("invalid"));
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    for expected in [
        "episodes.csv line 2, column PLACE (child L0000001): 'U9' is not a valid placement type code",
        "episodes.csv line 5, column REC (child L0000004): DEC and REC are given together",
        "header.csv line 3, column DOB (child L0000002): '2015-02-10' is not a date written dd/mm/yyyy",
        "missing.csv line 2, column MIS_END (child L0000001): the missing episode ends before it starts",
    ] {
        assert!(err.contains(expected), "{expected} not in {err}");
    }
    assert!(text(&o.stdout).contains("imported 2 children; 3 refused"));
    let out = tmp.path().join("out");
    export(&a, "2026", &out);
    let header = read(&out, "header.csv");
    for refused in ["L0000001", "L0000002", "L0000004"] {
        assert!(!header.contains(refused), "{refused} was imported");
    }
    assert!(header.contains("L0000003") && header.contains("L0000005"));
}

#[test]
fn an_export_has_every_table_of_the_year_even_when_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let a = db(tmp.path(), "a.db");
    let out = tmp.path().join("out");
    let o = hearth(&[
        "--db",
        &a,
        "export",
        "ssda903",
        "--year",
        "2027",
        "--out",
        out.to_str().unwrap(),
        "--previous",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(read(&out, "dolo.csv"), "CHILD,DOB,DOLO_START,DOLO_END\r\n");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 13);
    // 2025/26 had no deprivation of liberty table.
    assert!(!out.join("prev/dolo.csv").exists());
    assert_eq!(std::fs::read_dir(out.join("prev")).unwrap().count(), 11);
}
