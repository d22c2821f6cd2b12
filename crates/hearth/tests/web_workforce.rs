//! The workforce as the running application sees it: a leaver, and an account disabled from
//! outside the accounts page, stop working at once, without a restart. The app is built
//! in-process on a free port with a fixed clock, and the store and accounts are seeded
//! through library calls.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use hearth_app::records::{ImportOutcome, Records};
use hearth_app::{App, Clock};
use hearth_domain::interchange::JourneyLine;
use hearth_domain::{StreamId, Timestamp};
use hearth_standards::{Calendar, Ruleset};
use hearth_store::{AccountRow, Store};
use hearth_web::{AppState, Settings, hash_password};

const FIXTURE: &str = include_str!("../../../fixtures/journeys/every-event-kind.jsonl");
const PASSWORD: &str = "a long test password";
/// The fixed instant the application runs at.
const NOW: &str = "2026-11-20T10:00:00Z";

struct Running {
    url: String,
    app: Arc<App>,
    store: Store,
    _dir: tempfile::TempDir,
}

async fn start(accounts: &[(&str, &str)]) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("hearth.db").display());
    let store = Store::open(&url, "C1").await.unwrap();
    let records = Records::open(store.clone()).await.unwrap();
    let lines = FIXTURE
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, JourneyLine::parse(l).unwrap()))
        .collect();
    for (line, outcome) in records.import_batch(lines).await.unwrap() {
        assert!(
            matches!(outcome, ImportOutcome::Imported(_)),
            "line {line}: {outcome:?}"
        );
    }
    let now = Timestamp::parse(NOW).unwrap();
    for (username, staff) in accounts {
        store
            .put_account(&AccountRow {
                username: (*username).into(),
                staff_id: (*staff).into(),
                password_hash: hash_password(PASSWORD).unwrap(),
                changed_at: now,
                disabled: false,
            })
            .await
            .unwrap();
    }
    let app = Arc::new(App::start(
        records,
        Ruleset::builtin("bromley").unwrap().unwrap(),
        Calendar::england_and_wales(),
        Clock::fixed(now),
    ));
    let settings = Settings {
        secure_cookies: false,
        ..Settings::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(Arc::clone(&app), settings);
    tokio::spawn(hearth_web::serve(listener, state));
    Running {
        url,
        app,
        store,
        _dir: dir,
    }
}

/// Signs in through the form; the client, keeping its cookies, and where it ended up.
async fn sign_in(run: &Running, username: &str) -> (reqwest::Client, u16, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let form = client
        .get(format!("{}/sign-in", run.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "name=\"csrf\" value=\"";
    let at = form.find(marker).expect("a token") + marker.len();
    let csrf = form[at..].split('"').next().unwrap().to_owned();
    let r = client
        .post(format!("{}/sign-in", run.url))
        .form(&[
            ("username", username),
            ("password", PASSWORD),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    let (status, path) = (r.status().as_u16(), r.url().path().to_owned());
    (client, status, path)
}

/// Where a signed-in client's My work takes it.
async fn my_work(run: &Running, client: &reqwest::Client) -> String {
    let r = client.get(format!("{}/", run.url)).send().await.unwrap();
    r.url().path().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leaver_is_signed_out_and_cannot_sign_in_without_a_restart() {
    let run = start(&[("sw1", "SW1")]).await;
    let (client, _, path) = sign_in(&run, "sw1").await;
    assert_eq!(path, "/", "signed in while in post");
    assert_eq!(my_work(&run, &client).await, "/");

    // SW1 left yesterday, recorded through the running application.
    let stream = StreamId::parse("staff/SW1").unwrap();
    let version = run.store.stream_versions(&[stream]).await.unwrap()[0].version;
    let line = serde_json::json!({
        "stream": "staff/SW1",
        "from_version": version + 1,
        "events": [{
            "occurred_at": "2026-11-19T17:00:00Z",
            "recorded_at": NOW,
            "recorded_by": "system/import",
            "event": {"type": "staff_left"},
        }]
    });
    let outcomes = run
        .app
        .import_batch(vec![(1, JourneyLine::parse(&line.to_string()).unwrap())])
        .await
        .unwrap();
    assert_eq!(outcomes[0].1, ImportOutcome::Imported(1), "{outcomes:?}");

    assert_eq!(
        my_work(&run, &client).await,
        "/sign-in",
        "the browser left signed in is signed out"
    );
    let (_, status, _) = sign_in(&run, "sw1").await;
    assert_eq!(status, 401, "a leaver cannot sign in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_disabled_outside_the_accounts_page_stops_at_once() {
    let run = start(&[("sw2", "SW2"), ("tm1", "TM1")]).await;
    let (client, _, path) = sign_in(&run, "sw2").await;
    assert_eq!(path, "/");
    let (other, _, _) = sign_in(&run, "tm1").await;

    // As `hearth account sw2 --disable` does, from another process.
    let mut account = run.store.account("sw2").await.unwrap().unwrap();
    account.disabled = true;
    run.store.put_account(&account).await.unwrap();

    assert_eq!(my_work(&run, &client).await, "/sign-in");
    let (_, status, _) = sign_in(&run, "sw2").await;
    assert_eq!(status, 401);
    // Only that account's sessions end.
    assert_eq!(my_work(&run, &other).await, "/");
}
