//! The performance digest's pages, served by the real binary over a fresh store holding the
//! fixture: who has them, the figures against `hearth digest`, the drill-down adding up to
//! each figure for a reader who sees every child and marked partial for a manager who does
//! not, every child listed written to the access log, and the workbook.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::*;
use hearth_domain::{ChildId, StreamId};

/// Staff the fixture lacks: (id, role, team, line manager).
const EXTRA_STAFF: [(&str, &str, &str, Option<&str>); 3] = [
    ("PERF1", "PERFORMANCE_ANALYST", "TLDR", Some("HOS1")),
    ("QA1", "QA_LEAD", "TLDR", Some("HOS1")),
    ("TM3", "TEAM_MANAGER", "TRA1", Some("HOS1")),
];

async fn start() -> App {
    let (dir, db) = fresh_store();
    let mut lines: String = EXTRA_STAFF
        .iter()
        .map(|(id, role, team, manager)| staff_line(id, role, team, *manager))
        .collect();
    // A child of team TSC1 (TM1's), referred two months ago and assessed since: counted in
    // recent figures, and not a child a team manager elsewhere may see.
    let child = serde_json::json!({
        "stream": "child/C91",
        "events": [
            event(-60, "staff/SW1", serde_json::json!({
                "type": "child_registered",
                "details": {
                    "name": {"given": "Counted", "family": "Carter"},
                    "sex": "F",
                    "date_of_birth": "2014-02-02",
                    "ethnicity": "WBRI",
                }
            })),
            event(-60, "staff/SW1", serde_json::json!({"type": "referral_received", "source": "2A", "primary_need": "N1", "no_further_action": false})),
            event(-60, "staff/TM1", serde_json::json!({"type": "worker_allocated", "worker": "SW1", "team": "TSC1", "decided_by": "TM1", "oversight": "Visit this week.", "reason": "FCONTA"})),
            event(-59, "staff/SW1", serde_json::json!({"type": "assessment_started"})),
            event(-20, "staff/SW1", serde_json::json!({"type": "assessment_completed", "factors": ["3B"], "outcome": "CIN_PLAN"})),
        ]
    });
    lines.push_str(&format!("{child}\n"));
    import_lines(&dir, &db, "staff.jsonl", &lines);
    accounts(
        &db,
        [
            ("perf1", "PERF1"),
            ("qa1", "QA1"),
            ("hos1", "HOS1"),
            ("tm1", "TM1"),
            ("tm3", "TM3"),
            ("sw1", "SW1"),
            ("ro1", "RO1"),
        ],
    );
    serve(dir, db).await
}

/// A page of the digest once it has been worked out (the first request may find it still
/// being worked out).
async fn digest_page(client: &reqwest::Client, url: String) -> (u16, String) {
    for _ in 0..200 {
        let (status, body) = page(client, url.clone()).await;
        if !body.contains("being worked out from every child") {
            return (status, body);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the digest was never worked out");
}

/// An indicator's months from the command line: month key ("2026-10") to (numerator,
/// denominator).
type Months = BTreeMap<String, (u64, u64)>;

/// The digest of the same store from the command line: per indicator, whether it is a
/// percentage, and its months.
fn cli_digest(db: &str) -> BTreeMap<String, (bool, Months)> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(["--db", db, "digest", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let months = i["months"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| {
                    (
                        m["month"]["first"].as_str().unwrap()[..7].to_owned(),
                        (
                            m["numerator"].as_u64().unwrap(),
                            m["denominator"].as_u64().unwrap(),
                        ),
                    )
                })
                .collect();
            (
                i["id"].as_str().unwrap().to_owned(),
                (i["shape"] == "rate", months),
            )
        })
        .collect()
}

/// The children listed on a drill-down page: (child id, numerator, denominator).
fn listed(body: &str) -> Vec<(String, u64, u64)> {
    let mut out = Vec::new();
    for row in body.split("<tr class=\"govuk-table__row\">").skip(2) {
        let Some(child) = row
            .split("href=\"/children/")
            .nth(1)
            .and_then(|s| s.split('"').next())
        else {
            continue;
        };
        let counts = row
            .split("govuk-table__cell--numeric\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .unwrap();
        // "3 of 4" for a percentage, "3" for a count or an average's part.
        let (n, d) = counts.split_once(" of ").unwrap_or((counts, "0"));
        out.push((
            child.to_owned(),
            n.trim().parse().unwrap(),
            d.trim().parse().unwrap(),
        ));
    }
    out
}

/// Every month key from `months` that is a whole month before the current one.
fn whole_months(months: &Months) -> Vec<String> {
    let mut keys: Vec<String> = months.keys().cloned().collect();
    keys.pop();
    keys
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_digest_is_for_those_who_oversee_and_adds_up_to_its_children() {
    let app = start().await;
    let cli = cli_digest(&app.db);

    // Workers and reviewing officers have no digest: the same page as any that does not
    // exist, and no link to it.
    for who in ["sw1", "ro1"] {
        let (client, _) = sign_in_with(&app, who, PASSWORD).await;
        let (status, _) = page(&client, format!("{}/digest", app.url)).await;
        assert_eq!(status, 404, "{who}");
        let (_, home) = page(&client, format!("{}/", app.url)).await;
        assert!(!home.contains("href=\"/digest\""), "{who}");
    }

    // The analyst has the scorecard, the link on the way in, and every indicator.
    let (analyst, _) = sign_in_with(&app, "perf1", PASSWORD).await;
    let (_, home) = page(&analyst, format!("{}/", app.url)).await;
    assert!(home.contains("href=\"/digest\""), "{home}");
    let (status, body) = digest_page(&analyst, format!("{}/digest", app.url)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Performance digest"));
    assert!(
        !body.contains("Partial:"),
        "the analyst sees the service's figures"
    );
    for id in cli.keys() {
        assert!(body.contains(&format!("href=\"/digest/{id}\"")), "{id}");
    }

    // An indicator's page: its months' numerators and denominators as the command line has
    // them, a chart with its words, and a link to each month's children.
    let (status, body) = digest_page(&analyst, format!("{}/digest/open-cases", app.url)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("role=\"img\""));
    assert!(body.contains("<title id=\"chart-title\">"));
    for key in whole_months(&cli["open-cases"].1) {
        assert!(
            body.contains(&format!("/digest/open-cases/{key}\"")),
            "{key}"
        );
    }
    let (status, _) = page(&analyst, format!("{}/digest/no-such-indicator", app.url)).await;
    assert_eq!(status, 404);

    // The head of service sees every child (restricted ones too): for every indicator and
    // whole month, the children listed add up to the command line's figure.
    let (hos, _) = sign_in_with(&app, "hos1", PASSWORD).await;
    let mut children_seen = BTreeMap::new();
    for (id, (rate, months)) in &cli {
        for key in whole_months(months) {
            let (status, body) = digest_page(&hos, format!("{}/digest/{id}/{key}", app.url)).await;
            assert_eq!(status, 200, "{id} {key}");
            let rows = listed(&body);
            let n: u64 = rows.iter().map(|r| r.1).sum();
            let (numerator, denominator) = months[&key];
            assert_eq!(n, numerator, "{id} {key}: {rows:?}");
            if *rate {
                let d: u64 = rows.iter().map(|r| r.2).sum();
                assert_eq!(d, denominator, "{id} {key}");
            }
            assert!(!body.contains("Partial:"), "{id} {key}");
            for (child, ..) in rows {
                children_seen.insert(child, (id.clone(), key.clone()));
            }
        }
    }
    assert!(
        !children_seen.is_empty(),
        "the fixture's children count somewhere"
    );

    // Each child listed was written to the access log as listed, by the head of service.
    let store = hearth_store::Store::open(&app.db, "default").await.unwrap();
    for child in children_seen.keys() {
        let log = store
            .access_log(&StreamId::child(&ChildId::parse(child).unwrap()))
            .await
            .unwrap();
        assert!(
            log.iter()
                .any(|r| r.actor == "staff/HOS1" && r.action == "list"),
            "{child}: {log:?}"
        );
    }
    store.close().await;

    // A team manager elsewhere sees figures over their own children only, marked partial,
    // and lists none of the fixture's children, who are not theirs.
    let (tm3, _) = sign_in_with(&app, "tm3", PASSWORD).await;
    let (status, body) = digest_page(&tm3, format!("{}/digest", app.url)).await;
    assert_eq!(status, 200);
    assert!(body.contains("Partial:"), "{body}");
    let (id, key) = &children_seen["C91"];
    let (_, body) = digest_page(&tm3, format!("{}/digest/{id}/{key}", app.url)).await;
    assert!(body.contains("Partial: some children"), "{body}");
    assert!(!body.contains("/children/C91\""));
    let (status, _) = page(&tm3, format!("{}/children/C91", app.url)).await;
    assert_eq!(status, 404, "TM3 may not see C91");
    // Her own team manager sees her behind the same figure.
    let (tm1, _) = sign_in_with(&app, "tm1", PASSWORD).await;
    let (_, body) = digest_page(&tm1, format!("{}/digest/{id}/{key}", app.url)).await;
    assert!(body.contains("/children/C91\""), "{body}");

    // The workbook downloads as xlsx.
    let r = analyst
        .get(format!("{}/digest/workbook.xlsx", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip");
}
