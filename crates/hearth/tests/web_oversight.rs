//! Supervision and the service view over HTTP, against the real binary on a free port and a
//! fresh store: a team manager records a session with two children and three actions, the
//! worker sees their actions on My work, each child's record shows the oversight, and the
//! next session's form opens with the open actions; and who may open the new pages.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;

fn extra_lines() -> String {
    let referral = serde_json::json!({"type": "referral_received", "source": "2A", "primary_need": "N1", "no_further_action": false});
    let allocated = serde_json::json!({"type": "worker_allocated", "worker": "SW1", "team": "TSC1", "decided_by": "TM1", "oversight": "Visit this week.", "reason": "FCONTA"});
    // A social worker in another team, to cover.
    let sw4 = serde_json::json!({"stream": "staff/SW4", "events": [event(-2000, "system/import", serde_json::json!({
        "type": "staff_joined", "name": {"given": "Dev", "family": "Buddy"},
        "role": "SOCIAL_WORKER", "team": "TRA1", "registration": "SW900124"}))]});
    std::iter::once(format!("{sw4}\n"))
        .chain(["C70", "C71"].iter().map(|id| {
            let line = serde_json::json!({"stream": format!("child/{id}"), "events": [
                event(-40, "staff/SW1", serde_json::json!({"type": "child_registered", "details": {
                    "name": {"given": format!("Child{id}"), "family": "Oversight"}, "sex": "F",
                    "date_of_birth": "2013-04-04", "ethnicity": "WBRI"}})),
                event(-40, "staff/SW1", referral.clone()),
                event(-40, "staff/TM1", allocated.clone()),
            ]});
            format!("{line}\n")
        }))
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
            ("tm1", "TM1"),
            ("hos1", "HOS1"),
        ],
    );
    serve(dir, db).await
}

async fn sign_in(app: &App, username: &str) -> reqwest::Client {
    sign_in_with(app, username, PASSWORD).await.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervision_session_reaches_the_worker_the_children_and_the_next_session() {
    let app = start().await;
    let tm1 = sign_in(&app, "tm1").await;
    let (status, form) = page(&tm1, format!("{}/supervision/SW1", app.url)).await;
    assert_eq!(status, 200, "{form}");
    assert!(form.contains("Record a session"), "{form}");
    let csrf = hidden(&form, "csrf");
    let version = hidden(&form, "version");
    // The server reads the real clock; `at` is the tests' one reading of it.
    let today = chrono::NaiveDate::parse_from_str(&at(0)[..10], "%Y-%m-%d").unwrap();
    let due = today + chrono::Days::new(14);
    let (d, m, y) = (
        chrono::Datelike::day(&due).to_string(),
        chrono::Datelike::month(&due).to_string(),
        chrono::Datelike::year(&due).to_string(),
    );
    let (td, tm, ty) = (
        chrono::Datelike::day(&today).to_string(),
        chrono::Datelike::month(&today).to_string(),
        chrono::Datelike::year(&today).to_string(),
    );
    let mut fields: Vec<(&str, &str)> = vec![
        ("csrf", &csrf),
        ("version", &version),
        ("day", &td),
        ("month", &tm),
        ("year", &ty),
        ("kind", "INDIVIDUAL"),
        ("workload", "Twelve children; manageable."),
        ("wellbeing", "Well; leave booked."),
        ("development", "Court skills training."),
    ];
    for (n, child) in [("case1", "C70"), ("case2", "C71")] {
        fields.push((
            if n == "case1" {
                "case1-child"
            } else {
                "case2-child"
            },
            child,
        ));
    }
    fields.extend([
        ("case1-update", "School attendance is up."),
        ("case1-risks", "The new partner is not yet checked."),
        ("case1-strengths", "Grandmother close by."),
        ("case1-decision", "Keep the plan."),
        ("case1-rationale", "Progress on every outcome."),
        ("case1-action1-text", "Visit the school"),
        ("case1-action1-owner", "SW1"),
        ("case1-action1-day", &d),
        ("case1-action1-month", &m),
        ("case1-action1-year", &y),
        ("case1-action2-text", "Check the partner"),
        ("case1-action2-owner", "SW1"),
        ("case1-action2-day", &d),
        ("case1-action2-month", &m),
        ("case1-action2-year", &y),
        ("case2-update", "Settled at home."),
        ("case2-risks", "None new."),
        ("case2-strengths", "A strong aunt."),
        ("case2-action1-text", "Book the review"),
        ("case2-action1-owner", "TM1"),
        ("case2-action1-day", &d),
        ("case2-action1-month", &m),
        ("case2-action1-year", &y),
    ]);
    // Bad input: no workload. Refused, with the form kept, and nothing written.
    let without: Vec<_> = fields
        .iter()
        .filter(|(k, _)| *k != "workload")
        .cloned()
        .collect();
    let r = tm1
        .post(format!("{}/supervision/SW1", app.url))
        .form(&without)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("Enter the worker&#39;s workload"), "{body}");
    assert!(body.contains("Visit the school"), "{body}");

    let r = tm1
        .post(format!("{}/supervision/SW1", app.url))
        .form(&fields)
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    assert!(body.contains("Session 1 recorded"), "{body}");

    // The worker sees their two actions on My work.
    let sw1 = sign_in(&app, "sw1").await;
    let (_, work) = page(&sw1, format!("{}/", app.url)).await;
    assert!(work.contains("My supervision actions (2)"), "{work}");
    assert!(work.contains("Visit the school"), "{work}");
    // Each child's record shows the oversight.
    for child in ["C70", "C71"] {
        let (status, record) = page(&sw1, format!("{}/children/{child}", app.url)).await;
        assert_eq!(status, 200);
        assert!(record.contains("Strengths: "), "{child}: {record}");
    }
    // The next session's form opens with the three open actions to review.
    let (_, next) = page(&tm1, format!("{}/supervision/SW1", app.url)).await;
    for r in ["review-1-1", "review-1-2", "review-1-3"] {
        assert!(next.contains(&format!("name=\"{r}\"")), "{r}: {next}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_may_open_the_oversight_pages() {
    let app = start().await;
    let cases = [
        ("sw1", "/supervision/SW1", 200),
        ("sw2", "/supervision/SW1", 404),
        ("tm1", "/supervision/SW1", 200),
        ("hos1", "/supervision/SW1", 200),
        ("sw1", "/service", 404),
        ("tm1", "/service", 404),
        ("hos1", "/service", 200),
        ("tm1", "/supervision", 200),
        ("tm1", "/children/C70/handover", 200),
        ("sw1", "/children/C70/handover", 200),
        ("sw2", "/children/C70/handover", 404),
        ("hos1", "/children/C70/handover", 200),
    ];
    for (user, path, want) in cases {
        let client = sign_in(&app, user).await;
        let (status, body) = page(&client, format!("{}{path}", app.url)).await;
        assert_eq!(status, want, "{user} {path}: {body}");
        if path == "/service" && want == 200 {
            assert!(body.contains("The caseload promise is 15"), "{body}");
        }
    }
}

/// The caseload promise is the council's setting: changed from the command line while the
/// server runs, the team and service views measure against the new one at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_caseload_promise_is_the_councils_setting() {
    let app = start().await;
    let tm1 = sign_in(&app, "tm1").await;
    let hos1 = sign_in(&app, "hos1").await;
    let (_, team) = page(&tm1, format!("{}/team", app.url)).await;
    assert!(
        team.contains("The caseload promise is 15 open cases"),
        "{team}"
    );
    let (_, service) = page(&hos1, format!("{}/service", app.url)).await;
    assert!(!service.contains("Hannah Brightwell ("), "{service}");
    assert!(!team.contains("Over the promise</strong>"), "{team}");

    // A promise of no cases is refused and changes nothing.
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(["--db", &app.db, "council", "promise", "--cases", "0"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    hearth(&app.db, &["council", "promise", "--cases", "1"], None);

    let (_, team) = page(&tm1, format!("{}/team", app.url)).await;
    assert!(
        team.contains("The caseload promise is 1 open cases"),
        "{team}"
    );
    assert!(team.contains("Over the promise</strong>"), "{team}");
    let (_, service) = page(&hos1, format!("{}/service", app.url)).await;
    assert!(
        service.contains("The caseload promise is 1 open cases"),
        "{service}"
    );
    let caseloads = &service
        [service.find("id=\"caseloads\"").unwrap()..service.find("id=\"allocation\"").unwrap()];
    // SW1 (Hannah Brightwell) holds at least the two children above.
    assert!(caseloads.contains("Hannah Brightwell ("), "{caseloads}");
}

async fn post(client: &reqwest::Client, url: String, form: &[(&str, &str)]) -> (u16, String) {
    let r = client.post(url).form(form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The child's event types, oldest first.
async fn event_types(app: &App, child: &str) -> Vec<String> {
    let store = hearth_store::Store::open(&app.db, "default").await.unwrap();
    let events = store
        .read_stream(&hearth_domain::StreamId::parse(&format!("child/{child}")).unwrap())
        .await
        .unwrap();
    store.close().await;
    events.into_iter().map(|e| e.event_type).collect()
}

/// The transfer walk: the sending manager asks with a summary, the receiving manager sees it
/// on My work and allocates in their team; the child keeps a worker throughout. Then cover:
/// the buddy may open and record on the record only while the cover is in force.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_is_accepted_by_allocating_and_the_child_is_never_without_a_worker() {
    let (dir, db) = fresh_store();
    import_lines(&dir, &db, "extra.jsonl", &extra_lines());
    accounts(
        &db,
        [
            ("tm1", "TM1"),
            ("tm2", "TM2"),
            ("sw2", "SW2"),
            ("sw4", "SW4"),
        ],
    );
    let app = serve(dir, db).await;
    let tm1 = sign_in(&app, "tm1").await;
    let url = format!("{}/children/C70/handover", app.url);
    let (status, form) = page(&tm1, url.clone()).await;
    assert_eq!(status, 200, "{form}");
    let (csrf, version) = (hidden(&form, "csrf"), hidden(&form, "version"));
    // No summary: refused, and nothing written.
    let before = event_types(&app, "C70").await.len();
    let (status, body) = post(
        &tm1,
        url.clone(),
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("action", "request"),
            ("to_team", "TLA1"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(event_types(&app, "C70").await.len(), before);
    let (_, body) = post(
        &tm1,
        url.clone(),
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("action", "request"),
            ("to_team", "TLA1"),
            (
                "summary",
                "Settled with her aunt; the plan is long-term care.",
            ),
        ],
    )
    .await;
    assert!(body.contains("Transfer requested"), "{body}");

    // The receiving manager sees it on My work and on the page, and allocates in TLA1.
    let tm2 = sign_in(&app, "tm2").await;
    let (_, work) = page(&tm2, format!("{}/", app.url)).await;
    assert!(work.contains("Transfers waiting (1)"), "{work}");
    let (_, handover) = page(&tm2, url.clone()).await;
    assert!(handover.contains("Settled with her aunt"), "{handover}");
    assert!(
        handover.contains("Accept and allocate a worker"),
        "{handover}"
    );
    // The sending manager sees it waiting too.
    let (_, work) = page(&tm1, format!("{}/", app.url)).await;
    assert!(work.contains("Transfers waiting (1)"), "{work}");

    let alloc = format!("{}/children/C70/allocate", app.url);
    let (status, form) = page(&tm2, alloc.clone()).await;
    assert_eq!(status, 200, "{form}");
    let (status, body) = post(
        &tm2,
        alloc,
        &[
            ("csrf", &hidden(&form, "csrf")),
            ("version", &hidden(&form, "version")),
            ("worker", "SW2"),
            ("reason", "TSPROC"),
            (
                "oversight",
                "Joint handover visit with the last worker this week.",
            ),
        ],
    )
    .await;
    assert!(status < 400, "{body}");
    let types = event_types(&app, "C70").await;
    let tail: Vec<&str> = types[before..].iter().map(String::as_str).collect();
    // Never a gap: no worker_unallocated between the request and the new allocation.
    assert_eq!(
        tail,
        ["transfer_requested", "worker_allocated"],
        "{types:?}"
    );
    let (_, work) = page(&tm2, format!("{}/", app.url)).await;
    assert!(!work.contains("Transfers waiting"), "{work}");
    let sw2 = sign_in(&app, "sw2").await;
    let (status, _) = page(&sw2, format!("{}/children/C70", app.url)).await;
    assert_eq!(status, 200);

    // Cover: SW4 (another team) may not open the record until named as buddy.
    let sw3 = sign_in(&app, "sw4").await;
    let record = format!("{}/children/C70", app.url);
    assert_eq!(page(&sw3, record.clone()).await.0, 404);
    let (_, form) = page(&tm2, url.clone()).await;
    let until = chrono::NaiveDate::parse_from_str(&at(14)[..10], "%Y-%m-%d").unwrap();
    let (d, m, y) = (
        chrono::Datelike::day(&until).to_string(),
        chrono::Datelike::month(&until).to_string(),
        chrono::Datelike::year(&until).to_string(),
    );
    let (_, body) = post(
        &tm2,
        url.clone(),
        &[
            ("csrf", &hidden(&form, "csrf")),
            ("version", &hidden(&form, "version")),
            ("action", "cover"),
            ("buddy", "SW4"),
            ("day", &d),
            ("month", &m),
            ("year", &y),
            (
                "summary",
                "Weekly visits; contact with mother on Saturdays.",
            ),
        ],
    )
    .await;
    assert!(body.contains("Cover arranged"), "{body}");
    let (status, page_body) = page(&sw3, record.clone()).await;
    assert_eq!(status, 200, "{page_body}");
    assert!(page_body.contains("covering the worker"), "{page_body}");
    let (status, _) = page(&sw3, format!("{}/children/C70/record", app.url)).await;
    assert_eq!(status, 200);
    // The worker is back: the buddy's access ends.
    let (_, form) = page(&tm2, url.clone()).await;
    let (_, ended) = post(
        &tm2,
        url,
        &[
            ("csrf", &hidden(&form, "csrf")),
            ("version", &hidden(&form, "version")),
            ("action", "end-cover"),
        ],
    )
    .await;
    assert!(ended.contains("Cover ended"), "{ended}");
    assert_eq!(page(&sw3, record).await.0, 404);
}
