//! `hearth calendar`, `hearth standards` and `hearth digest`, run as the real binary against a fresh store
//! holding the fixture.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const HEARTH: &str = env!("CARGO_BIN_EXE_hearth");

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/journeys/every-event-kind.jsonl")
}

fn hearth(args: &[&str]) -> Output {
    Command::new(HEARTH)
        .args(args)
        .env_remove("HEARTH_COUNCIL")
        .env_remove("HEARTH_DATABASE_URL")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A fresh SQLite store with the fixture imported.
fn store() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("hearth.db").display());
    let out = hearth(&[
        "--db",
        &db,
        "import",
        "journeys",
        fixture().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    (dir, db)
}

#[test]
fn calendar_holidays_and_working_days() {
    let out = hearth(&["calendar", "holidays", "2022"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "2022-01-03\n2022-04-15\n2022-04-18\n2022-05-02\n2022-06-02\n2022-06-03\n\
         2022-08-29\n2022-09-19\n2022-12-26\n2022-12-27\n"
    );
    let out = hearth(&["calendar", "add-working-days", "2022-12-23", "2"]);
    assert_eq!(stdout(&out), "2022-12-29\n");
    let out = hearth(&["calendar", "add-working-days", "2025-04-22", "-2"]);
    assert_eq!(stdout(&out), "2025-04-16\n");
    let out = hearth(&["calendar", "add-working-days", "2022-02-30", "2"]);
    assert!(!out.status.success());
}

#[test]
fn standards_as_json_follow_the_documented_schema_and_reconcile() {
    let (_dir, db) = store();
    let out = hearth(&[
        "--db",
        &db,
        "standards",
        "--as-at",
        "2024-03-21",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["ruleset"]["id"], "bromley");
    assert_eq!(doc["as_at"]["date"], "2024-03-21");
    assert_eq!(doc["children"], 5);
    let obligations = doc["obligations"].as_array().unwrap();
    assert!(obligations.len() > 100);
    let statuses = [
        "upcoming",
        "due_soon",
        "overdue",
        "met",
        "met_late",
        "not_applicable",
        "varied",
    ];
    for o in obligations {
        for field in [
            "rule",
            "summary",
            "child",
            "run",
            "occurrence",
            "due_date",
            "text",
        ] {
            assert!(!o[field].is_null(), "{field} missing: {o}");
        }
        assert!(o["owner"]["role"].is_string(), "{o}");
        assert!(statuses.contains(&o["status"].as_str().unwrap()), "{o}");
        assert!(o["explanation"]["clock"]["cause"].is_string(), "{o}");
        assert!(o["explanation"]["timescale"]["text"].is_string(), "{o}");
        match o["status"].as_str().unwrap() {
            "met" | "met_late" => assert!(o["explanation"]["satisfied_by"]["version"].is_u64()),
            "not_applicable" => assert!(o["reason"].is_string()),
            "overdue" => assert!(o["days_overdue"].is_i64()),
            _ => {}
        }
    }
    // The first child's initial conference was on time, with its reasons.
    let icpc = obligations
        .iter()
        .find(|o| o["child"] == "C1" && o["rule"] == "icpc")
        .unwrap();
    assert_eq!(icpc["status"], "met");
    assert_eq!(icpc["due_date"], "2023-02-02");
    assert_eq!(
        icpc["explanation"]["clock"]["event"]["kind"],
        "strategy_discussion_held"
    );
    assert_eq!(
        icpc["explanation"]["satisfied_by"]["kind"],
        "initial_conference_held"
    );
    // Every rule reconciles: the statuses add up to the obligations evaluated.
    for row in doc["reconciliation"].as_array().unwrap() {
        let sum: u64 = statuses.iter().map(|s| row[*s].as_u64().unwrap()).sum();
        assert_eq!(sum, row["evaluated"].as_u64().unwrap(), "{row}");
        assert_eq!(row["reconciles"], true);
        let listed = obligations
            .iter()
            .filter(|o| o["rule"] == row["rule"])
            .count() as u64;
        assert_eq!(listed, row["evaluated"].as_u64().unwrap(), "{row}");
    }
}

#[test]
fn one_child_under_another_ruleset_or_a_file() {
    let (dir, db) = store();
    let out = hearth(&[
        "--db",
        &db,
        "standards",
        "--as-at",
        "2026-07-15",
        "--ruleset",
        "england-statutory",
        "--child",
        "C1",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["ruleset"]["id"], "england-statutory");
    assert_eq!(doc["children"], 1);
    assert!(
        doc["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["child"] == "C1")
    );

    // A council's own file.
    let file = dir.path().join("local.toml");
    std::fs::write(
        &file,
        r#"
[ruleset]
id = "local"
name = "A council's own"
due_soon = { working_days = 2 }

[[rule]]
id = "icpc"
summary = "Hold the initial conference"
owner = "REVIEWING_OFFICER"
start = { events = [{ event = "strategy_discussion_held", decision = ["S47"] }] }
due = { working_days = 10 }
satisfied_by = { events = [{ event = "initial_conference_held" }] }
"#,
    )
    .unwrap();
    let out = hearth(&[
        "--db",
        &db,
        "standards",
        "--as-at",
        "2024-03-21",
        "--ruleset",
        file.to_str().unwrap(),
        "--child",
        "C1",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    // Ten working days from 12 January 2023 is 26 January; the conference was 2 February.
    assert!(table.contains("icpc"), "{table}");
    assert!(table.contains("2023-01-26  met late 7d"), "{table}");
    assert!(table.contains("reconciles"), "{table}");

    // A file with a mistake is refused, naming the file, rule and key.
    std::fs::write(
        &file,
        std::fs::read_to_string(&file)
            .unwrap()
            .replace("owner", "ownr"),
    )
    .unwrap();
    let out = hearth(&[
        "--db",
        &db,
        "standards",
        "--ruleset",
        file.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("local.toml") && err.contains("icpc") && err.contains("ownr"),
        "{err}"
    );

    let out = hearth(&["--db", &db, "standards", "--ruleset", "nowhere"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("england-statutory, bromley, southwark-qa"));

    let out = hearth(&["--db", &db, "standards", "--child", "C999"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("child/C999 has no events"));
}

#[test]
fn a_period_s_figures_alone() {
    let (_dir, db) = store();
    let args = |extra: &[&str]| {
        let mut a = vec!["--db", &db, "standards", "--as-at", "2024-03-21"];
        a.extend_from_slice(extra);
        a.extend_from_slice(&["--format", "json"]);
        let out = hearth(&a.iter().map(|s| &**s).collect::<Vec<_>>());
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_str::<serde_json::Value>(&stdout(&out)).unwrap()
    };
    let all = args(&[]);
    let year = args(&["--due-from", "2023-04-01"]);
    let year_obligations = year["obligations"].as_array().unwrap();
    assert!(!year_obligations.is_empty());
    assert!(year_obligations.len() < all["obligations"].as_array().unwrap().len());
    assert!(
        year_obligations
            .iter()
            .all(|o| o["due_date"].as_str().unwrap() >= "2023-04-01")
    );
    for row in year["reconciliation"].as_array().unwrap() {
        assert_eq!(row["reconciles"], true, "{row}");
        let (met, late, overdue) = (
            row["met"].as_u64().unwrap(),
            row["met_late"].as_u64().unwrap(),
            row["overdue"].as_u64().unwrap(),
        );
        match row["on_time"].as_f64() {
            Some(share) => {
                assert!((share - met as f64 / (met + late + overdue) as f64).abs() < 1e-9)
            }
            None => assert_eq!(met + late + overdue, 0, "{row}"),
        }
    }

    // The summary prints the figures and no obligations.
    let out = hearth(&[
        "--db",
        &db,
        "standards",
        "--as-at",
        "2024-03-21",
        "--due-from",
        "2023-04-01",
        "--summary",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    assert!(
        table.contains("on time") && table.contains("reconciles"),
        "{table}"
    );
    assert!(
        !table.contains("run.occ") && !table.contains("C1 "),
        "{table}"
    );
}

#[test]
fn digest_prints_every_indicator_month_by_month() {
    let (_dir, db) = store();
    let out = hearth(&[
        "--db",
        &db,
        "digest",
        "--as-at",
        "2024-03-31",
        "--months",
        "6",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["scorecard"], "standard");
    let indicators = doc["indicators"].as_array().unwrap();
    assert_eq!(indicators.len(), 31);
    let mut counted = 0;
    for i in indicators {
        let months = i["months"].as_array().unwrap();
        assert_eq!(months.len(), 6, "{}", i["id"]);
        assert_eq!(months[5]["month"]["last"], "2024-03-31");
        for m in months {
            let (n, d) = (
                m["numerator"].as_u64().unwrap(),
                m["denominator"].as_u64().unwrap(),
            );
            counted += n + d;
            if i["shape"] == "rate" {
                assert!(n <= d, "{}: {n} of {d}", i["id"]);
                match m["value"].as_f64() {
                    Some(v) => assert!((v - 100.0 * n as f64 / d as f64).abs() < 1e-9),
                    None => assert_eq!(d, 0),
                }
            }
        }
    }
    assert!(counted > 0, "the fixture's children count somewhere");

    let out = hearth(&["--db", &db, "digest", "--as-at", "2024-03-31"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    assert!(table.contains("re-referrals"), "{table}");
    assert!(table.contains("England"), "{table}");
}

#[test]
fn digest_refuses_a_scorecard_with_a_fault_and_says_where() {
    let (dir, db) = store();
    let file = dir.path().join("ours.toml");
    std::fs::write(
        &file,
        "[scorecard]\nid = \"ours\"\nname = \"Ours\"\n\n[[indicator]]\nid = \"x\"\ntitle = \"X\"\narea = \"A\"\nstandard = { ruleset = \"bromley\", rules = [\"no-such-rule\"] }\nperiod = \"month\"\nbetter = \"higher\"\nsource = \"s\"\n",
    )
    .unwrap();
    let out = hearth(&["--db", &db, "digest", "--scorecard", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("ours.toml:9: indicator `x`: standard.rules"),
        "{err}"
    );
    assert!(err.contains("no rule `no-such-rule`"), "{err}");
}
