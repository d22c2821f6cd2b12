//! `hearth-bench standards`, run as the real program against a fresh store holding the
//! fixture.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hearth_app::records::{ImportOutcome, Records};
use hearth_domain::interchange::JourneyLine;
use hearth_store::Store;

const BENCH: &str = env!("CARGO_BIN_EXE_hearth-bench");

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/journeys/every-event-kind.jsonl")
}

fn bench(args: &[&str]) -> Output {
    Command::new(BENCH)
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

/// A fresh SQLite store with the fixture imported through the record's rules.
fn store() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("hearth.db").display());
    let text = std::fs::read_to_string(fixture()).unwrap();
    let lines: Vec<(usize, JourneyLine)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, JourneyLine::parse(l).unwrap()))
        .collect();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = Store::open(&db, "default").await.unwrap();
        let records = Records::open(store.clone()).await.unwrap();
        for (line, outcome) in records.import_batch(lines).await.unwrap() {
            assert!(
                matches!(outcome, ImportOutcome::Imported(_)),
                "line {line}: {outcome:?}"
            );
        }
        store.close().await;
    });
    (dir, db)
}

#[test]
fn the_standards_benchmark_runs_against_the_store() {
    let (_dir, db) = store();
    let out = bench(&[
        "--db",
        &db,
        "standards",
        "--as-at",
        "2024-03-21",
        "--rounds",
        "1",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("| fold and evaluate every open child |"),
        "{text}"
    );
    assert!(text.contains("open children: 2;"), "{text}");
}

#[test]
fn a_ruleset_that_is_neither_shipped_nor_a_file_is_refused() {
    let (_dir, db) = store();
    let out = bench(&[
        "--db",
        &db,
        "standards",
        "--as-at",
        "2024-03-21",
        "--ruleset",
        "nowhere",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("england-statutory, bromley, southwark-qa"),
        "{}",
        stderr(&out)
    );
}
