//! The manager's and reviewing officer's pages and registering a new child, against the real
//! binary on a free port and a fresh store, used over HTTP the way a browser does. The
//! approach (and the helpers) follow `web.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use hearth_domain::StreamId;

fn registered(given: &str, family: &str, born: &str) -> serde_json::Value {
    serde_json::json!({
        "type": "child_registered",
        "details": {
            "name": {"given": given, "family": family},
            "sex": "M",
            "date_of_birth": born,
            "ethnicity": "NOBT",
        }
    })
}

/// Three children of team TLA1 (managed by TM2) for the queues, and a reviewing officer.
fn extra_lines() -> String {
    let referral = serde_json::json!({"type": "referral_received", "source": "2A", "primary_need": "N1", "no_further_action": false});
    let allocated = serde_json::json!({"type": "worker_allocated", "worker": "SW2", "team": "TLA1", "decided_by": "TM2", "oversight": "Visit this week.", "reason": "FCONTA"});
    let ro2 = serde_json::json!({
        "stream": "staff/RO2",
        "events": [event(-2000, "system/import", serde_json::json!({
            "type": "staff_joined",
            "name": {"given": "Test", "family": "RO2"},
            "role": "REVIEWING_OFFICER",
            "team": "TIRO",
            "line_manager": "HOS1",
            "registration": "SW900123",
        }))]
    });
    // Waiting for a worker.
    let waiting = serde_json::json!({
        "stream": "child/C90",
        "events": [
            event(-3, "staff/SW2", registered("Waiting", "Walker", "2016-05-01")),
            event(-3, "staff/SW2", referral.clone()),
        ]
    });
    // A completed assessment not yet authorised.
    let assessed = serde_json::json!({
        "stream": "child/C91",
        "events": [
            event(-30, "staff/SW2", registered("Assessed", "Archer", "2014-02-02")),
            event(-30, "staff/SW2", referral.clone()),
            event(-30, "staff/TM2", allocated.clone()),
            event(-29, "staff/SW2", serde_json::json!({"type": "assessment_started"})),
            event(-5, "staff/SW2", serde_json::json!({"type": "assessment_completed", "factors": ["3B"], "outcome": "CIN_PLAN"})),
        ]
    });
    // Looked after, reviewed by RO2, recommendations sent to the team manager, and the next
    // review booked.
    let looked_after = serde_json::json!({
        "stream": "child/C92",
        "events": [
            event(-60, "staff/SW2", registered("Reviewed", "Rowe", "2012-09-09")),
            event(-60, "staff/SW2", referral),
            event(-60, "staff/TM2", allocated),
            event(-40, "staff/SW2", serde_json::json!({"type": "episode_started", "reason": "S", "legal_status": "L1", "placement": "U6", "category_of_need": "N1", "provider": "PR1", "urn": "SC400001", "home_postcode": "BR1 3UH", "placement_postcode": "BR2 9AF"})),
            event(-3, "staff/RO2", serde_json::json!({"type": "cla_review_held", "participation": "PN1"})),
            event(-2, "staff/RO2", serde_json::json!({"type": "document_shared", "document": "REVIEW_RECOMMENDATIONS", "audiences": ["TEAM_MANAGER"]})),
            event(-1, "staff/RO2", serde_json::json!({"type": "meeting_scheduled", "meeting": "CLA_REVIEW", "at": at(60)})),
        ]
    });
    [ro2, waiting, assessed, looked_after]
        .iter()
        .map(|l| format!("{l}\n"))
        .collect()
}

async fn start() -> App {
    let (dir, db) = fresh_store();
    import_lines(&dir, &db, "extra.jsonl", &extra_lines());
    accounts(
        &db,
        [
            ("sw1", "SW1"),
            ("sw2", "SW2"),
            ("tm2", "TM2"),
            ("ro1", "RO1"),
            ("ro2", "RO2"),
        ],
    );
    serve(dir, db).await
}

async fn sign_in(app: &App, username: &str) -> (reqwest::Client, String) {
    let (client, response) = sign_in_with(app, username, PASSWORD).await;
    let body = response.text().await.unwrap();
    let csrf = hidden(&body, "csrf");
    (client, csrf)
}

async fn post(client: &reqwest::Client, url: String, form: &[(&str, &str)]) -> (u16, String) {
    let r = client.post(url).form(form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// A child's event types and payloads, oldest first.
async fn events(app: &App, child: &str) -> Vec<(String, String)> {
    let store = hearth_store::Store::open(&app.db, "default").await.unwrap();
    let events = store
        .read_stream(&StreamId::parse(&format!("child/{child}")).unwrap())
        .await
        .unwrap();
    store.close().await;
    events
        .into_iter()
        .map(|e| (e.event_type, e.payload))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorising_and_allocating_from_the_team_view() {
    let app = start().await;
    let (tm2, csrf) = sign_in(&app, "tm2").await;
    let (status, team) = page(&tm2, format!("{}/team", app.url)).await;
    assert_eq!(status, 200, "{team}");
    // The queues link to their actions, and to oversight in one click.
    assert!(team.contains("/children/C90/allocate"), "{team}");
    assert!(team.contains("/children/C90/record/oversight"), "{team}");
    assert!(
        team.contains("/children/C91/authorise-assessment"),
        "{team}"
    );
    assert!(team.contains("/children/C91/record/oversight"), "{team}");
    // An assessment waiting for authorisation keeps the episode from the closure list.
    let closures = &team
        [team.find("Episodes that could close").unwrap()..team.find("id=\"overdue\"").unwrap()];
    assert!(!closures.contains("/children/C91\""), "{closures}");
    let form_at = team.find("/children/C91/authorise-assessment").unwrap();
    let version = hidden(&team[form_at..], "version");
    let before = events(&app, "C91").await.len();

    // Without the form token, or with a version the record has moved past, nothing is written.
    let url = format!("{}/children/C91/authorise-assessment", app.url);
    let (status, _) = post(
        &tm2,
        url.clone(),
        &[("csrf", "forged"), ("version", &version)],
    )
    .await;
    assert_ne!(status, 303);
    let stale = (version.parse::<u64>().unwrap() - 1).to_string();
    let (status, body) = post(&tm2, url.clone(), &[("csrf", &csrf), ("version", &stale)]).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("Someone recorded on this child"), "{body}");
    assert_eq!(events(&app, "C91").await.len(), before);

    // A social worker cannot authorise.
    let (sw2, sw2_csrf) = sign_in(&app, "sw2").await;
    let (status, _) = post(
        &sw2,
        url.clone(),
        &[("csrf", &sw2_csrf), ("version", &version)],
    )
    .await;
    assert_eq!(status, 404);

    // The manager authorises from the queue.
    let (status, body) = post(&tm2, url.clone(), &[("csrf", &csrf), ("version", &version)]).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("Assessment authorised for Assessed Archer"),
        "{body}"
    );
    let after = events(&app, "C91").await;
    assert_eq!(after.len(), before + 1);
    assert_eq!(after[before].0, "assessment_authorised");
    assert!(
        after[before].1.contains("\"manager\":\"TM2\""),
        "{}",
        after[before].1
    );
    // Point 14 of issue 12: the assessment found a child in need plan is needed, so once it
    // is authorised the episode is still not one that could close, the count of what waits
    // for authorisation goes down, and her status is past the referral.
    let closures = &body
        [body.find("Episodes that could close").unwrap()..body.find("id=\"overdue\"").unwrap()];
    assert!(!closures.contains("/children/C91\""), "{closures}");
    assert!(
        team.contains("Waiting for your authorisation (1)")
            && body.contains("Waiting for your authorisation (0)"),
        "{body}"
    );
    let (_, my_work) = page(&tm2, format!("{}/", app.url)).await;
    let row = &my_work[my_work.find("/children/C91\"").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("Assessed") && !row.contains("Referral"),
        "{row}"
    );

    // Again, at the new version: the record's own rule refuses, in plain words.
    let (status, body) = post(
        &tm2,
        url,
        &[("csrf", &csrf), ("version", &after.len().to_string())],
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body.contains("there is no completed assessment waiting for authorisation"),
        "{body}"
    );

    // Allocating: the form shows the team's caseholders against the promise.
    let (status, form) = page(&tm2, format!("{}/children/C90/allocate", app.url)).await;
    assert_eq!(status, 200, "{form}");
    assert!(
        form.contains("value=\"SW2\"") && form.contains("open cases"),
        "{form}"
    );
    let (status, _) = page(&sw2, format!("{}/children/C90/allocate", app.url)).await;
    assert_eq!(status, 404);
    let version = hidden(&form, "version");
    let url = format!("{}/children/C90/allocate", app.url);
    let (status, body) = post(
        &tm2,
        url.clone(),
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("worker", "SW2"),
            ("reason", "FCONTA"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Enter the management oversight"), "{body}");
    // Someone who is not a caseholder in post is not on offer.
    let (status, _) = post(
        &tm2,
        url.clone(),
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("worker", "RO2"),
            ("reason", "FCONTA"),
            ("oversight", "Visit today."),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(events(&app, "C90").await.len(), 2);
    let (status, body) = post(
        &tm2,
        url,
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("worker", "SW2"),
            ("reason", "FCONTA"),
            ("oversight", "Visit today; school first."),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Waiting Walker allocated"), "{body}");
    let c90 = events(&app, "C90").await;
    assert_eq!(c90[2].0, "worker_allocated");
    assert!(
        c90[2].1.contains("\"worker\":\"SW2\"") && c90[2].1.contains("\"decided_by\":\"TM2\""),
        "{}",
        c90[2].1
    );
    assert!(!body.contains("/children/C90/allocate"), "{body}");

    // My work points a manager to the queue.
    let (_, my_work) = page(&tm2, format!("{}/", app.url)).await;
    assert!(my_work.contains("/team#authorisation"), "{my_work}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reviewing_officer_s_page() {
    let app = start().await;
    let (ro2, _) = sign_in(&app, "ro2").await;
    let (status, body) = page(&ro2, format!("{}/reviewing", app.url)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Reviewed Rowe"), "{body}");
    // The next review, from the standards engine; the booked review; and the manager's
    // response to the recommendations, outstanding on its 72-hour clock.
    assert!(body.contains("Looked-after review"), "{body}");
    let responses = &body[body.find("id=\"responses\"").unwrap()..];
    assert!(
        responses.contains("Say whether the recommendations are agreed"),
        "{responses}"
    );
    // Another reviewing officer has not recorded on this child and does not see it.
    let (ro1, _) = sign_in(&app, "ro1").await;
    let (status, body) = page(&ro1, format!("{}/reviewing", app.url)).await;
    assert_eq!(status, 200);
    assert!(!body.contains("Reviewed Rowe"), "{body}");
    // The team manager sees the team's child; a social worker has no such page.
    let (tm2, _) = sign_in(&app, "tm2").await;
    let (_, body) = page(&tm2, format!("{}/reviewing", app.url)).await;
    assert!(body.contains("Reviewed Rowe"), "{body}");
    let (sw2, _) = sign_in(&app, "sw2").await;
    let (status, _) = page(&sw2, format!("{}/reviewing", app.url)).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_child_with_a_duplicate_warning() {
    let app = start().await;
    let (sw2, csrf) = sign_in(&app, "sw2").await;
    let (status, _) = page(&sw2, format!("{}/children/new", app.url)).await;
    assert_eq!(status, 200);
    let url = format!("{}/children/new", app.url);
    let jasmine = [
        ("csrf", csrf.as_str()),
        ("given", "Jasmin"),
        ("family", "Ashdon"),
        ("born", "yes"),
        ("day", "14"),
        ("month", "3"),
        ("year", "2008"),
        ("sex", "F"),
        ("source", "2A"),
        ("outcome", "ADVICE"),
        ("contact-day", "2"),
        ("contact-month", "1"),
        ("contact-year", "2026"),
        ("contact-time", "10:00"),
    ];
    // Spelt differently, the child her worker knows is offered as a possible match.
    let (status, body) = post(&sw2, url.clone(), &jasmine).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("may already be known") && body.contains("/children/C1\""),
        "{body}"
    );
    // Sent again without confirming, it is an error; nothing is created.
    let mut again = jasmine.to_vec();
    again.push(("checked", "yes"));
    let (status, body) = post(&sw2, url.clone(), &again).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Confirm this is a different child"), "{body}");
    assert!(events(&app, "C0000093").await.is_empty());
    // Confirmed: registered under the next id, and the new record opens.
    again.push(("different", "yes"));
    let r = sw2.post(url.clone()).form(&again).send().await.unwrap();
    assert_eq!(r.url().path(), "/children/C0000093");
    assert_eq!(r.status().as_u16(), 200);
    let created = events(&app, "C0000093").await;
    let kinds: Vec<&str> = created.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["child_registered", "contact_recorded"]);

    // Someone in another team is told a match exists, but not who.
    let (sw1, sw1_csrf) = sign_in(&app, "sw1").await;
    let mut theirs = jasmine.to_vec();
    theirs[0] = ("csrf", sw1_csrf.as_str());
    let (status, body) = post(&sw1, url.clone(), &theirs).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("held by a team you do not work with"),
        "{body}"
    );
    assert!(!body.contains("/children/C1\""), "{body}");

    // A name no one has: created at once. A missing field is an error against it.
    let mut unborn = vec![
        ("csrf", csrf.as_str()),
        ("given", "Baby"),
        ("family", "Quennell-Xiang"),
        ("born", "no"),
        ("day", "1"),
        ("month", "1"),
        ("year", "2099"),
        ("source", "3B"),
        ("outcome", "REFERRAL"),
        ("contact-day", "2"),
        ("contact-month", "1"),
        ("contact-year", "2026"),
        ("contact-time", "10:00"),
    ];
    let (status, body) = post(&sw2, url.clone(), &unborn).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("Select the child&#39;s sex") || body.contains("Select the child's sex"),
        "{body}"
    );
    unborn.push(("sex", "U"));
    let r = sw2.post(url).form(&unborn).send().await.unwrap();
    assert_eq!(r.url().path(), "/children/C0000094");
}
