//! A year of case audits in the synthetic borough, through the real binary: every month
//! drawn, a realistic spread of grades, regrades and moderation, actions done and open, and
//! the same audits from the same seed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use hearth_domain::StreamId;

const HEARTH: &str = env!("CARGO_BIN_EXE_hearth");

fn generate(db: &str) -> String {
    let out = Command::new(HEARTH)
        .args([
            "--db",
            db,
            "generate",
            "--population",
            "3000",
            "--years",
            "2",
        ])
        .args(["--seed", "5", "--as-at", "2026-11-20", "--audits"])
        .env_remove("HEARTH_COUNCIL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every audit's events, as (type, payload), by audit.
async fn audits(db: &str) -> BTreeMap<String, Vec<(String, serde_json::Value)>> {
    let store = hearth_store::Store::open(db, "default").await.unwrap();
    let mut out = BTreeMap::new();
    for s in store.list_streams("audit").await.unwrap() {
        let events = store
            .read_stream(&StreamId::parse(&s.stream).unwrap())
            .await
            .unwrap();
        out.insert(
            s.stream.clone(),
            events
                .into_iter()
                .map(|e| (e.event_type, serde_json::from_str(&e.payload).unwrap()))
                .collect(),
        );
    }
    store.close().await;
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_year_of_audits_with_a_spread_of_grades_moderation_and_actions() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("a.db").display());
    let stdout = generate(&db);
    assert!(stdout.contains("case audits in the last year"), "{stdout}");
    let all = audits(&db).await;
    let count = |kind: &str| all.values().flatten().filter(|(t, _)| t == kind).count();
    // A draw every month of the year, each audit starting with its selection.
    let months: BTreeSet<String> = all
        .values()
        .map(|events| {
            assert_eq!(events[0].0, "audit_selected");
            events[0].1["month"].as_str().unwrap().to_owned()
        })
        .collect();
    assert!(months.len() >= 11, "{months:?}");
    assert!(all.len() >= 24, "{} audits", all.len());
    // Most are done; the last month's are under way.
    let completed = count("audit_completed");
    assert!(
        completed * 10 >= all.len() * 6,
        "{completed} of {}",
        all.len()
    );
    assert!(completed < all.len());
    // A spread of overall grades, mostly good or requiring improvement.
    let mut grades: BTreeMap<String, usize> = BTreeMap::new();
    for (_, p) in all
        .values()
        .flatten()
        .filter(|(t, _)| t == "overall_graded")
    {
        *grades
            .entry(p["grade"]["point"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert!(grades.len() >= 3, "{grades:?}");
    let middle =
        grades.get("GOOD").unwrap_or(&0) + grades.get("REQUIRES_IMPROVEMENT").unwrap_or(&0);
    assert!(middle * 2 > grades.values().sum::<usize>(), "{grades:?}");
    // Blind regrades for a sample, moderated where they differ; findings, reflections,
    // PRIMs and copies to reviewing officers; actions done and still open.
    assert!(count("regrade_recorded") > 0 && count("regrade_recorded") < completed);
    assert!(count("moderation_decided") > 0);
    assert!(count("moderation_decided") <= count("regrade_recorded"));
    assert!(count("finding_recorded") >= completed);
    assert_eq!(count("reflection_discussed"), completed);
    assert!(count("prim_held") > 0 && count("copied_to_reviewing_officer") > 0);
    let agreed = count("action_agreed");
    let done = count("action_completed");
    assert!(done > 0 && done < agreed, "{done} of {agreed}");

    // The same seed writes the same audits.
    let again = format!("sqlite://{}", dir.path().join("b.db").display());
    generate(&again);
    assert_eq!(audits(&again).await, all);
}
