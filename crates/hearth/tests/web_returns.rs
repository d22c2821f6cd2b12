//! The statutory returns from a page, served by the real binary over a fresh store holding
//! the fixture: who may build them, a clear refusal that starts nothing, the CIN census built
//! in the background byte for byte as `hearth export cin-census` writes it, the SSDA903 as a
//! zip of its tables, and each download written to the access log of every child read.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::*;
use hearth_domain::{ChildId, StreamId};

async fn start(with_council: bool) -> App {
    let (dir, db) = fresh_store();
    import_lines(
        &dir,
        &db,
        "staff.jsonl",
        &staff_line("PERF1", "PERFORMANCE_ANALYST", "TLDR", Some("HOS1")),
    );
    if with_council {
        hearth(
            &db,
            &[
                "council",
                "set",
                "--name",
                "London Borough of Bromley",
                "--la",
                "305",
                "--ons-code",
                "E09000006",
            ],
            None,
        );
    }
    accounts(
        &db,
        [
            ("perf1", "PERF1"),
            ("sw1", "SW1"),
            ("tm1", "TM1"),
            ("hos1", "HOS1"),
        ],
    );
    serve(dir, db).await
}

/// Posts the returns form with these fields (and the page's token); the page answered, and
/// the number of the build started, if one was.
async fn ask_for(
    app: &App,
    client: &reqwest::Client,
    fields: &[(&str, &str)],
) -> (u16, String, Option<u64>) {
    let (_, form) = page(client, format!("{}/returns", app.url)).await;
    let csrf = hidden(&form, "csrf");
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("csrf", &csrf));
    let r = client
        .post(format!("{}/returns", app.url))
        .form(&all)
        .send()
        .await
        .unwrap();
    let started = r
        .url()
        .query_pairs()
        .find(|(k, _)| k == "started")
        .map(|(_, v)| v.parse().unwrap());
    (r.status().as_u16(), r.text().await.unwrap(), started)
}

async fn ask(app: &App, client: &reqwest::Client, fields: &[(&str, &str)]) -> (u16, String) {
    let (status, body, _) = ask_for(app, client, fields).await;
    (status, body)
}

/// Waits for build `id` to be ready and downloads it.
async fn downloaded(app: &App, client: &reqwest::Client, id: u64) -> (String, Vec<u8>) {
    let link = format!("/returns/{id}/download");
    for _ in 0..300 {
        let (_, body) = page(client, format!("{}/returns", app.url)).await;
        if body.contains(&format!("href=\"{link}\"")) {
            let r = client
                .get(format!("{}{link}", app.url))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200);
            let kind = r.headers()["content-type"].to_str().unwrap().to_owned();
            return (kind, r.bytes().await.unwrap().to_vec());
        }
        assert!(!body.contains("could not be built"), "{body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the return was never built");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_analyst_builds_and_downloads_the_returns() {
    let app = start(true).await;

    // Workers and managers have no returns page.
    for who in ["sw1", "tm1"] {
        let (client, _) = sign_in_with(&app, who, PASSWORD).await;
        let (status, _) = page(&client, format!("{}/returns", app.url)).await;
        assert_eq!(status, 404, "{who}");
    }

    let (analyst, _) = sign_in_with(&app, "perf1", PASSWORD).await;
    let (status, body) = page(&analyst, format!("{}/returns", app.url)).await;
    assert_eq!(status, 200);
    assert!(body.contains("You have not built a return"));

    // Bad input: a clear error, and nothing is started.
    let (status, body) = ask(&app, &analyst, &[("kind", "cin"), ("year", "next year")]).await;
    assert_eq!(status, 200);
    assert!(body.contains("Enter the collection year"), "{body}");
    let (_, body) = ask(
        &app,
        &analyst,
        &[
            ("kind", "annex-a"),
            ("as_at_day", "31"),
            ("as_at_month", "2"),
            ("as_at_year", "2026"),
        ],
    )
    .await;
    assert!(
        body.contains("Enter the date the lists are as at"),
        "{body}"
    );
    let (_, body) = ask(
        &app,
        &analyst,
        &[
            ("kind", "annex-a"),
            ("as_at_day", "20"),
            ("as_at_month", "11"),
            ("as_at_year", "2026"),
        ],
    )
    .await;
    assert!(body.contains("postcode areas"), "{body}");
    assert!(
        body.contains("You have not built a return"),
        "nothing was started"
    );

    // The census, built in the background, is the command line's byte for byte.
    let (status, body, id) = ask_for(&app, &analyst, &[("kind", "cin"), ("year", "2024/25")]).await;
    assert_eq!(status, 200);
    assert!(body.contains("Your return is being built"), "{body}");
    let (kind, bytes) = downloaded(&app, &analyst, id.unwrap()).await;
    assert_eq!(kind, "application/xml");
    let out = tempfile::tempdir().unwrap();
    hearth(
        &app.db,
        &[
            "export",
            "cin-census",
            "--year",
            "2025",
            "--out",
            out.path().to_str().unwrap(),
        ],
        None,
    );
    let cli = std::fs::read(out.path().join("cin").join("cin-census-2025.xml")).unwrap();
    assert_eq!(bytes, cli);

    // A build is its owner's: the head of service, who may build returns, cannot take the
    // analyst's.
    let (hos, _) = sign_in_with(&app, "hos1", PASSWORD).await;
    let (status, _) = page(
        &hos,
        format!("{}/returns/{}/download", app.url, id.unwrap()),
    )
    .await;
    assert_eq!(status, 404);

    // Every child read for it has the download on their access log.
    let store = hearth_store::Store::open(&app.db, "default").await.unwrap();
    for child in ["C1", "C2", "C3"] {
        let log = store
            .access_log(&StreamId::child(&ChildId::parse(child).unwrap()))
            .await
            .unwrap();
        assert!(
            log.iter().any(|r| r.actor == "staff/PERF1"
                && r.action == "return"
                && r.detail.as_deref() == Some("CIN census 2024/25 downloaded")),
            "{child}: {log:?}"
        );
    }
    store.close().await;

    // The SSDA903 comes as a zip of its tables, with the year before in prev/.
    let (_, _, id) = ask_for(&app, &analyst, &[("kind", "ssda903"), ("year", "2025")]).await;
    let (kind, bytes) = downloaded(&app, &analyst, id.unwrap()).await;
    assert_eq!(kind, "application/zip");
    assert_eq!(&bytes[..2], b"PK");
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("prev/"), "the year before is in the archive");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_census_needs_the_council_s_number() {
    let app = start(false).await;
    let (analyst, _) = sign_in_with(&app, "perf1", PASSWORD).await;
    let (_, body) = ask(&app, &analyst, &[("kind", "cin"), ("year", "2025")]).await;
    assert!(body.contains("DfE number is not set"), "{body}");
    assert!(
        body.contains("You have not built a return"),
        "nothing was started"
    );
}
