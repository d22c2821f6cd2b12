//! Sessions in the store and hardened sign-in: a session made by one application works on
//! another over the same store (so a restart signs no one out); each cause of revocation
//! ends an open session at its next request; idle and absolute limits; throttling, lockout
//! and its lifting; and an unknown username costs what a known one does. Each application
//! is built in-process on a free port, with a clock the test moves.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use hearth_app::identity::SignInOutcome;
use hearth_app::records::{ImportOutcome, Records};
use hearth_app::{App, Clock, SignInPolicy};
use hearth_domain::interchange::JourneyLine;
use hearth_domain::{StreamId, Timestamp};
use hearth_standards::{Calendar, Ruleset};
use hearth_store::{AccountRow, Store};
use hearth_web::{AppState, Settings, hash_password};

const FIXTURE: &str = include_str!("../../../fixtures/journeys/every-event-kind.jsonl");
const PASSWORD: &str = "a long test password";
const NOW: &str = "2026-11-20T10:00:00Z";

/// A clock the test moves forward, shared by every application it starts.
#[derive(Clone, Default)]
struct Moving(Arc<AtomicI64>);

impl Moving {
    fn clock(&self) -> Clock {
        let offset = Arc::clone(&self.0);
        let start = Timestamp::parse(NOW).unwrap();
        Clock::new(move || {
            Timestamp::from_utc(
                start.utc() + chrono::Duration::seconds(offset.load(Ordering::SeqCst)),
            )
        })
    }
    fn advance(&self, d: Duration) {
        self.0
            .fetch_add(i64::try_from(d.as_secs()).unwrap(), Ordering::SeqCst);
    }
}

struct Node {
    url: String,
    app: Arc<App>,
}

async fn seeded_store(dir: &tempfile::TempDir, accounts: &[(&str, &str)]) -> (String, Store) {
    let url = format!("sqlite://{}", dir.path().join("hearth.db").display());
    let store = Store::open(&url, "C1").await.unwrap();
    let records = Records::open(store.clone()).await.unwrap();
    let lines = FIXTURE
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, JourneyLine::parse(l).unwrap()))
        .collect();
    for (line, outcome) in records.import_batch(lines).await.unwrap() {
        assert!(matches!(outcome, ImportOutcome::Imported(_)), "line {line}");
    }
    for (username, staff) in accounts {
        store
            .put_account(&AccountRow {
                username: (*username).into(),
                staff_id: (*staff).into(),
                password_hash: hash_password(PASSWORD).unwrap(),
                changed_at: Timestamp::parse(NOW).unwrap(),
                disabled: false,
            })
            .await
            .unwrap();
    }
    (url, store)
}

async fn node(url: &str, clock: &Moving, policy: SignInPolicy) -> Node {
    let store = Store::open(url, "C1").await.unwrap();
    let records = Records::open(store).await.unwrap();
    let app = Arc::new(
        App::start(
            records,
            Ruleset::builtin("bromley").unwrap().unwrap(),
            Calendar::england_and_wales(),
            clock.clock(),
        )
        .with_sign_in_policy(policy),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let settings = Settings {
        secure_cookies: false,
        ..Settings::default()
    };
    tokio::spawn(hearth_web::serve(
        listener,
        AppState::new(Arc::clone(&app), settings),
    ));
    Node { url, app }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .user_agent(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        )
        .build()
        .unwrap()
}

fn token_in(page: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let at = page.find(marker).expect("a token") + marker.len();
    page[at..].split('"').next().unwrap().to_owned()
}

/// Tries to sign in; the status answered and where the client ended up.
async fn try_sign_in(
    node: &Node,
    client: &reqwest::Client,
    username: &str,
    password: &str,
) -> (u16, String) {
    let form = client
        .get(format!("{}/sign-in", node.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = client
        .post(format!("{}/sign-in", node.url))
        .form(&[
            ("username", username),
            ("password", password),
            ("csrf", &token_in(&form)),
        ])
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.url().path().to_owned())
}

async fn where_my_work_goes(node: &Node, client: &reqwest::Client) -> String {
    let r = client.get(format!("{}/", node.url)).send().await.unwrap();
    r.url().path().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_made_on_one_node_works_on_another_and_ends_on_both() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Moving::default();
    let (url, _store) = seeded_store(&dir, &[("sw1", "SW1")]).await;
    let first = node(&url, &clock, SignInPolicy::default()).await;
    let second = node(&url, &clock, SignInPolicy::default()).await;
    let browser = client();
    assert_eq!(
        try_sign_in(&first, &browser, "sw1", PASSWORD).await,
        (200, "/".into())
    );
    // The cookie is the host's, not the port's: the same browser reaches the second node,
    // which has never seen this session (as after a restart).
    assert_eq!(where_my_work_goes(&second, &browser).await, "/");

    // "Your sessions" lists it, and ending it there signs out on both nodes.
    let page = browser
        .get(format!("{}/sessions", second.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Firefox on Windows"), "{page}");
    assert!(page.contains("This browser"));
    let at = page.find("action=\"/sessions/").unwrap() + "action=\"".len();
    let action = page[at..].split('"').next().unwrap().to_owned();
    let r = browser
        .post(format!("{}{action}", second.url))
        .form(&[("csrf", token_in(&page))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.url().path(), "/sign-in");
    assert_eq!(where_my_work_goes(&first, &browser).await, "/sign-in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_cause_of_revocation_ends_an_open_session_at_its_next_request() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Moving::default();
    let (url, store) = seeded_store(&dir, &[("sw1", "SW1"), ("sw2", "SW2"), ("tm1", "TM1")]).await;
    let policy = SignInPolicy::default();
    let n = node(&url, &clock, policy).await;

    // A new password, set from another process.
    let b = client();
    try_sign_in(&n, &b, "sw2", PASSWORD).await;
    assert_eq!(where_my_work_goes(&n, &b).await, "/");
    let mut account = store.account("sw2").await.unwrap().unwrap();
    account.password_hash = hash_password("another long password").unwrap();
    store.put_account(&account).await.unwrap();
    assert_eq!(
        where_my_work_goes(&n, &b).await,
        "/sign-in",
        "a new password"
    );

    // The administrator ends the account's sessions.
    let b = client();
    try_sign_in(&n, &b, "tm1", PASSWORD).await;
    assert_eq!(where_my_work_goes(&n, &b).await, "/");
    n.app.end_account_sessions("tm1").await.unwrap();
    assert_eq!(
        where_my_work_goes(&n, &b).await,
        "/sign-in",
        "sessions ended"
    );

    // A move to another team, recorded through the application.
    let b = client();
    try_sign_in(&n, &b, "sw1", PASSWORD).await;
    assert_eq!(where_my_work_goes(&n, &b).await, "/");
    let version = store
        .stream_versions(&[StreamId::parse("staff/SW1").unwrap()])
        .await
        .unwrap()[0]
        .version;
    let line = serde_json::json!({
        "stream": "staff/SW1",
        "from_version": version + 1,
        "events": [{
            "occurred_at": "2026-11-19T17:00:00Z",
            "recorded_at": NOW,
            "recorded_by": "system/import",
            "event": {"type": "staff_moved", "team": "TLA1"},
        }]
    });
    let outcomes = n
        .app
        .import_batch(vec![(1, JourneyLine::parse(&line.to_string()).unwrap())])
        .await
        .unwrap();
    assert_eq!(outcomes[0].1, ImportOutcome::Imported(1), "{outcomes:?}");
    assert_eq!(where_my_work_goes(&n, &b).await, "/sign-in", "a new team");
    // Signing in again works, in the new team.
    assert_eq!(
        try_sign_in(&n, &b, "sw1", PASSWORD).await,
        (200, "/".into())
    );

    // Idle for longer than the limit.
    clock.advance(policy.idle + Duration::from_secs(1));
    assert_eq!(where_my_work_goes(&n, &b).await, "/sign-in", "idle");

    // Busy, but past the absolute lifetime.
    try_sign_in(&n, &b, "sw1", PASSWORD).await;
    let step = policy.idle / 2;
    let mut elapsed = Duration::ZERO;
    while elapsed + step < policy.lifetime {
        clock.advance(step);
        elapsed += step;
        assert_eq!(
            where_my_work_goes(&n, &b).await,
            "/",
            "still busy after {elapsed:?}"
        );
    }
    clock.advance(step);
    assert_eq!(
        where_my_work_goes(&n, &b).await,
        "/sign-in",
        "past its lifetime"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_slow_then_lock_an_account_until_the_lockout_is_lifted() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Moving::default();
    let (url, store) = seeded_store(&dir, &[("sw1", "SW1")]).await;
    let policy = SignInPolicy::default();
    let n = node(&url, &clock, policy).await;
    let b = client();
    for i in 0..policy.free_failures {
        assert_eq!(
            try_sign_in(&n, &b, "sw1", "wrong").await.0,
            401,
            "failure {i}"
        );
    }
    // The next attempt, even with the right password, must wait.
    assert_eq!(try_sign_in(&n, &b, "sw1", PASSWORD).await.0, 429);
    // Waiting long enough each time, the failures go on to the lockout.
    for _ in policy.free_failures..policy.lockout_after {
        clock.advance(Duration::from_secs(20 * 60));
        assert_eq!(try_sign_in(&n, &b, "sw1", "wrong").await.0, 401);
    }
    clock.advance(Duration::from_secs(20 * 60));
    assert_eq!(try_sign_in(&n, &b, "sw1", PASSWORD).await.0, 403, "locked");
    // A restart does not lift it: it is in the store.
    let restarted = node(&url, &clock, policy).await;
    assert_eq!(
        try_sign_in(&restarted, &b, "sw1", PASSWORD).await.0,
        403,
        "still locked"
    );
    assert!(
        restarted
            .app
            .locked_accounts(&["sw1".into()])
            .await
            .unwrap()
            .contains("sw1")
    );
    // An unknown username is treated just the same, so a lockout says nothing of who exists.
    for _ in 0..policy.lockout_after {
        clock.advance(Duration::from_secs(20 * 60));
        try_sign_in(&n, &b, "nobody", "wrong").await;
    }
    clock.advance(Duration::from_secs(20 * 60));
    assert_eq!(try_sign_in(&n, &b, "nobody", "wrong").await.0, 403);

    restarted.app.lift_lockout("sw1").await.unwrap();
    assert_eq!(
        try_sign_in(&n, &b, "sw1", PASSWORD).await,
        (200, "/".into())
    );
    assert!(
        store
            .sign_in_failures(&["account:sw1".into()])
            .await
            .unwrap()
            .is_empty()
    );
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_known_usernames_take_the_same_time() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Moving::default();
    let (url, _store) = seeded_store(&dir, &[("sw1", "SW1")]).await;
    // No throttling here: this measures the work of a refusal, not the waits.
    let policy = SignInPolicy {
        free_failures: 10_000,
        lockout_after: 10_000,
        ..SignInPolicy::default()
    };
    let n = node(&url, &clock, policy).await;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    // Interleaved, so that anything else the machine does falls on both alike.
    for _ in 0..50 {
        for (name, times) in [("sw1", &mut known), ("no.such.person", &mut unknown)] {
            let start = std::time::Instant::now();
            let outcome = n
                .app
                .sign_in(name, "wrong password", "192.0.2.1", "test")
                .await
                .unwrap();
            times.push(start.elapsed());
            assert!(matches!(outcome, SignInOutcome::Refused), "{outcome:?}");
        }
    }
    let (k, u) = (median(known), median(unknown));
    let ratio = k.as_secs_f64() / u.as_secs_f64();
    assert!((0.9..=1.1).contains(&ratio), "known {k:?}, unknown {u:?}");
}
