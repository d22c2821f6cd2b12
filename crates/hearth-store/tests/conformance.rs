//! The store conformance suite. Every test runs against SQLite (always) and PostgreSQL (when
//! `HEARTH_TEST_POSTGRES_URL` points at a server where it may create databases; `.ci/run`
//! sets it). Each test gets a fresh database and drops it afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::FutureExt;

use hearth_domain::{StreamId, Timestamp};
use hearth_store::search::Query;
use hearth_store::{
    AccessEntry, AccountNow, AccountRow, Backend, CaseloadRow, CouncilSettings, NewEvent,
    PersonRow, Projections, SessionRow, Store, StoreError, StreamAppend,
};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

async fn with_sqlite<F, Fut>(council: &str, test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("hearth.db").display());
    let store = Store::open(&url, council).await.unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    test(store.clone()).await;
    store.close().await;
}

async fn with_postgres<F, Fut>(council: &str, test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    use sqlx::Connection;
    let admin_url = std::env::var("HEARTH_TEST_POSTGRES_URL")
        .expect("set HEARTH_TEST_POSTGRES_URL (for example postgres://postgres@127.0.0.1:5432/postgres) to run the PostgreSQL suite");
    let name = format!(
        "hearth_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    let url = format!("{base}/{name}");
    let store = Store::open(&url, council).await.unwrap();
    assert_eq!(store.backend(), Backend::Postgres);
    // Run the test, then drop the database whatever happened.
    let result = std::panic::AssertUnwindSafe(test(store.clone()))
        .catch_unwind()
        .await;
    store.close().await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

/// Declares each test twice: `sqlite::name` and `postgres::name`.
macro_rules! conformance {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::with_sqlite("C1", |s| super::$name(s)).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[ignore = "needs PostgreSQL: set HEARTH_TEST_POSTGRES_URL and run with --include-ignored (.ci/run does)"]
                async fn $name() {
                    super::with_postgres("C1", |s| super::$name(s)).await;
                }
            )+
        }
    };
}

conformance!(
    appended_events_read_back_exactly,
    a_stale_version_is_refused_and_nothing_is_written,
    concurrent_appends_to_one_stream_never_merge,
    the_global_sequence_follows_commit_order,
    projections_commit_with_their_events,
    reads_are_logged_in_the_same_transaction,
    councils_do_not_see_each_other,
    accounts_are_kept_per_council_and_replaced_whole,
    sessions_are_read_with_their_account_and_end_with_its_credentials,
    failed_sign_ins_are_counted_per_subject_and_cleared,
    council_settings_are_kept_per_council_and_replaced_whole,
    the_caseload_promise_is_kept_per_council_and_replaced,
    new_child_ids_follow_the_largest_number,
    new_adults_and_professionals_are_numbered_like_children,
    the_last_position_and_listings_logged_without_a_read,
    audit_streams_are_their_own_kind,
);

async fn the_last_position_and_listings_logged_without_a_read(store: Store) {
    assert_eq!(store.last_seq().await.unwrap(), 0);
    store
        .append(
            &[StreamAppend {
                stream: stream("child/C1"),
                expected_version: 0,
                events: vec![event(0), event(1)],
            }],
            &Projections::default(),
        )
        .await
        .unwrap();
    let after_two = store.last_seq().await.unwrap();
    assert!(after_two >= 2);
    let listed = |child: &str| AccessEntry {
        at: ts("2025-06-01T09:00:00Z"),
        actor: "staff/AN1".into(),
        stream: stream(child),
        action: "list".into(),
        detail: Some("digest".into()),
    };
    store
        .log_accesses(&[listed("child/C1"), listed("child/C2")])
        .await
        .unwrap();
    for child in ["child/C1", "child/C2"] {
        let log = store.access_log(&stream(child)).await.unwrap();
        assert_eq!(log.len(), 1, "{child}");
        assert_eq!(log[0].action, "list");
        assert_eq!(log[0].actor, "staff/AN1");
    }
    // Logging is not an event: the record's position does not move.
    assert_eq!(store.last_seq().await.unwrap(), after_two);
    store.log_accesses(&[]).await.unwrap();
}

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn event(n: usize) -> NewEvent {
    NewEvent {
        event_type: "case_note_recorded".into(),
        schema_version: 1,
        payload: format!(
            r#"{{"type":"case_note_recorded","kind":"OTHER","text":"note {n} – ünïcödé","significant":false}}"#
        ),
        author: "staff/SW1".into(),
        occurred_at: ts("2025-03-30T00:59:59.123456Z")
            .plus_micros(n as i64)
            .unwrap(),
        recorded_at: ts("2025-10-26T01:30:00.000001Z"),
    }
}

fn stream(id: &str) -> StreamId {
    StreamId::parse(id).unwrap()
}

async fn appended_events_read_back_exactly(store: Store) {
    let events: Vec<NewEvent> = (0..1500).map(event).collect();
    store
        .append(
            &[StreamAppend {
                stream: stream("child/C1"),
                expected_version: 0,
                events: events.clone(),
            }],
            &Projections::default(),
        )
        .await
        .unwrap();
    let back = store.read_stream(&stream("child/C1")).await.unwrap();
    assert_eq!(back.len(), 1500);
    for (i, (b, e)) in back.iter().zip(&events).enumerate() {
        assert_eq!(b.version, i as i64 + 1);
        assert_eq!(b.stream, "child/C1");
        assert_eq!(b.event_type, e.event_type);
        assert_eq!(b.payload, e.payload);
        assert_eq!(b.author, e.author);
        assert_eq!(b.occurred_at, e.occurred_at, "microseconds survive");
        assert_eq!(b.recorded_at, e.recorded_at);
    }
    assert_eq!(store.count_events().await.unwrap(), 1500);
    let versions = store
        .stream_versions(&[stream("child/C1"), stream("child/C2")])
        .await
        .unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].version, 1500);
}

async fn a_stale_version_is_refused_and_nothing_is_written(store: Store) {
    let one = |s: &str, expected: u64| StreamAppend {
        stream: stream(s),
        expected_version: expected,
        events: vec![event(0)],
    };
    store
        .append(&[one("child/C1", 0)], &Projections::default())
        .await
        .unwrap();
    // Creating it again, or appending at a stale version, is refused.
    for stale in [0, 2] {
        match store
            .append(&[one("child/C1", stale)], &Projections::default())
            .await
        {
            Err(StoreError::Conflict {
                expected, actual, ..
            }) => {
                assert_eq!(expected, stale);
                assert_eq!(actual, 1);
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
    }
    // A batch where one stream conflicts writes nothing at all, projections included.
    let projections = Projections {
        caseload: vec![caseload("C2")],
        ..Projections::default()
    };
    let err = store
        .append(&[one("child/C2", 0), one("child/C1", 0)], &projections)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }));
    assert!(
        store
            .read_stream(&stream("child/C2"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.caseload(None).await.unwrap().is_empty());
    assert_eq!(store.count_events().await.unwrap(), 1);
    // The right version succeeds.
    store
        .append(&[one("child/C1", 1)], &Projections::default())
        .await
        .unwrap();
    assert_eq!(
        store.read_stream(&stream("child/C1")).await.unwrap().len(),
        2
    );
}

async fn concurrent_appends_to_one_stream_never_merge(store: Store) {
    store
        .append(
            &[StreamAppend {
                stream: stream("child/C1"),
                expected_version: 0,
                events: vec![event(0)],
            }],
            &Projections::default(),
        )
        .await
        .unwrap();
    // Eight writers all read version 1 and try to append three events each.
    let mut tasks = Vec::new();
    for w in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let events = (0..3).map(|i| event(w * 10 + i)).collect();
            store
                .append(
                    &[StreamAppend {
                        stream: stream("child/C1"),
                        expected_version: 1,
                        events,
                    }],
                    &Projections::default(),
                )
                .await
        }));
    }
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => won += 1,
            Err(StoreError::Conflict { .. }) => {}
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert_eq!(won, 1, "exactly one writer wins");
    let back = store.read_stream(&stream("child/C1")).await.unwrap();
    assert_eq!(back.len(), 4);
    let versions: Vec<i64> = back.iter().map(|e| e.version).collect();
    assert_eq!(versions, vec![1, 2, 3, 4]);
}

async fn the_global_sequence_follows_commit_order(store: Store) {
    let mut tasks = Vec::new();
    for c in 0..10 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let s = format!("child/K{c}");
            for v in 0..5u64 {
                store
                    .append(
                        &[StreamAppend {
                            stream: stream(&s),
                            expected_version: v,
                            events: vec![event(v as usize)],
                        }],
                        &Projections::default(),
                    )
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page = store.read_all(after, 7).await.unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().unwrap().seq;
        all.extend(page);
    }
    assert_eq!(all.len(), 50);
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));
    // Within each stream, global order agrees with version order.
    for c in 0..10 {
        let s = format!("child/K{c}");
        let versions: Vec<i64> = all
            .iter()
            .filter(|e| e.stream == s)
            .map(|e| e.version)
            .collect();
        assert_eq!(versions, vec![1, 2, 3, 4, 5]);
    }
}

fn caseload(child: &str) -> CaseloadRow {
    CaseloadRow {
        child_id: child.into(),
        display_name: "Sam Lee".into(),
        is_open: true,
        status: "cp_plan".into(),
        worker_id: Some("SW1".into()),
        team_id: Some("T1".into()),
        legal_status: None,
        cp_category: Some("NEG".into()),
        opened_on: chrono::NaiveDate::from_ymd_opt(2025, 1, 6),
        last_activity_at: Some(ts("2025-02-01T10:00:00.5Z")),
        open_until: chrono::NaiveDate::from_ymd_opt(2030, 6, 1),
    }
}

async fn projections_commit_with_their_events(store: Store) {
    let person = PersonRow {
        stream: stream("child/C1"),
        display_name: "Sam Lee".into(),
        family_name: "lee".into(),
        given_names: "sam".into(),
        date_of_birth: chrono::NaiveDate::from_ymd_opt(2015, 6, 1),
        upn: None,
        nhs_number: Some("9434765919".into()),
        postcode: Some("BR1 3UH".into()),
        tokens: hearth_store::search::name_tokens("Sam Lee"),
    };
    let projections = Projections {
        people: vec![person.clone()],
        caseload: vec![caseload("C1")],
        network: Vec::new(),
        sight: Vec::new(),
    };
    store
        .append(
            &[StreamAppend {
                stream: stream("child/C1"),
                expected_version: 0,
                events: vec![event(0)],
            }],
            &projections,
        )
        .await
        .unwrap();
    assert_eq!(
        store.caseload(Some("SW1")).await.unwrap(),
        vec![caseload("C1")]
    );
    assert!(store.caseload(Some("SW2")).await.unwrap().is_empty());
    let team = caseload("C1").team_id.unwrap();
    assert_eq!(
        store.team_caseload(&team).await.unwrap(),
        vec![caseload("C1")]
    );
    assert!(store.team_caseload("T-OTHER").await.unwrap().is_empty());
    // Rewriting the projection replaces the row and its tokens.
    let mut renamed = person;
    renamed.display_name = "Samuel Lee".into();
    renamed.tokens = hearth_store::search::name_tokens("Samuel Lee");
    let mut row = caseload("C1");
    row.worker_id = Some("SW2".into());
    store
        .append(
            &[StreamAppend {
                stream: stream("child/C1"),
                expected_version: 1,
                events: vec![event(1)],
            }],
            &Projections {
                people: vec![renamed],
                caseload: vec![row],
                network: Vec::new(),
                sight: Vec::new(),
            },
        )
        .await
        .unwrap();
    assert!(store.caseload(Some("SW1")).await.unwrap().is_empty());
    assert_eq!(store.caseload(Some("SW2")).await.unwrap().len(), 1);
    let found = store
        .search_candidates(&Query::parse("samuel"))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].display_name, "Samuel Lee");
    assert!(found[0].tokens.iter().any(|(t, _)| t == "samuel"));
    assert!(!found[0].tokens.iter().any(|(t, _)| t == "sam"));
    let by_nhs = store
        .search_candidates(&Query::parse("943 476 5919"))
        .await
        .unwrap();
    assert!(
        by_nhs.is_empty(),
        "spaces split the words: the query is three identifiers, the last wins"
    );
    let by_nhs = store
        .search_candidates(&Query::parse("9434765919"))
        .await
        .unwrap();
    assert_eq!(by_nhs.len(), 1);
}

async fn reads_are_logged_in_the_same_transaction(store: Store) {
    store
        .append(
            &[StreamAppend {
                stream: stream("child/C1"),
                expected_version: 0,
                events: vec![event(0), event(1)],
            }],
            &Projections::default(),
        )
        .await
        .unwrap();
    let access = AccessEntry {
        at: ts("2025-06-01T09:00:00Z"),
        actor: "staff/SW1".into(),
        stream: stream("child/C1"),
        action: "view".into(),
        detail: Some("front sheet".into()),
    };
    let events = store
        .read_stream_logged(&stream("child/C1"), &access)
        .await
        .unwrap();
    assert_eq!(events.len(), 2);
    store
        .read_stream_logged(&stream("child/C1"), &access)
        .await
        .unwrap();
    let log = store.access_log(&stream("child/C1")).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].actor, "staff/SW1");
    assert_eq!(log[0].at, access.at);
    assert_eq!(log[0].detail.as_deref(), Some("front sheet"));

    // A reader holding the first event asks only for what follows it, and is still logged.
    let after = store
        .read_stream_logged_after(&stream("child/C1"), 1, &access)
        .await
        .unwrap();
    assert_eq!(after.iter().map(|e| e.version).collect::<Vec<_>>(), [2]);
    assert_eq!(
        store.access_log(&stream("child/C1")).await.unwrap().len(),
        3
    );
    let none_new = store
        .read_stream_logged_after(&stream("child/C1"), 2, &access)
        .await
        .unwrap();
    assert!(none_new.is_empty());
    assert_eq!(
        store.access_log(&stream("child/C1")).await.unwrap().len(),
        4
    );
    // Views of two streams in one transaction: each with its own row and its own read.
    store
        .append(
            &[StreamAppend {
                stream: stream("child/C2"),
                expected_version: 0,
                events: vec![event(0)],
            }],
            &Projections::default(),
        )
        .await
        .unwrap();
    let of = |s: &str| AccessEntry {
        stream: stream(s),
        ..access.clone()
    };
    let both = store
        .read_streams_logged(&[
            (of("child/C1"), 0),
            (of("child/C2"), 0),
            (of("child/C1"), 2),
        ])
        .await
        .unwrap();
    assert_eq!(both.iter().map(Vec::len).collect::<Vec<_>>(), [2, 1, 0]);
    assert_eq!(
        store.access_log(&stream("child/C1")).await.unwrap().len(),
        6
    );
    assert_eq!(
        store.access_log(&stream("child/C2")).await.unwrap().len(),
        1
    );
    let unlogged = store
        .read_stream_after(&stream("child/C1"), 1)
        .await
        .unwrap();
    assert_eq!(unlogged.iter().map(|e| e.version).collect::<Vec<_>>(), [2]);
    assert_eq!(
        store.access_log(&stream("child/C1")).await.unwrap().len(),
        6
    );
}

async fn councils_do_not_see_each_other(store: Store) {
    store
        .append(
            &[StreamAppend {
                stream: stream("child/C1"),
                expected_version: 0,
                events: vec![event(0)],
            }],
            &Projections::default(),
        )
        .await
        .unwrap();
    // The same stream id in another council is a different stream.
    let other = reopen_as(&store, "C2").await;
    assert!(
        other
            .read_stream(&stream("child/C1"))
            .await
            .unwrap()
            .is_empty()
    );
    other
        .append(
            &[StreamAppend {
                stream: stream("child/C1"),
                expected_version: 0,
                events: vec![event(5), event(6)],
            }],
            &Projections::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        store.read_stream(&stream("child/C1")).await.unwrap().len(),
        1
    );
    assert_eq!(other.count_events().await.unwrap(), 2);
    other.close().await;
}

/// Opens the same database as `store` for another council.
async fn reopen_as(store: &Store, council: &str) -> Store {
    match store {
        Store::Sqlite(s) => Store::Sqlite(s.for_council(council)),
        Store::Postgres(s) => Store::Postgres(s.for_council(council)),
    }
}

async fn accounts_are_kept_per_council_and_replaced_whole(store: Store) {
    let account = AccountRow {
        username: "asha.patel".into(),
        staff_id: "S0001".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        changed_at: ts("2026-11-01T09:00:00Z"),
        disabled: false,
    };
    store.put_account(&account).await.unwrap();
    assert_eq!(
        store.account("asha.patel").await.unwrap(),
        Some(account.clone())
    );
    assert_eq!(store.account("nobody").await.unwrap(), None);

    let changed = AccountRow {
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdDI$aGFzaDI".into(),
        changed_at: ts("2026-11-02T09:00:00Z"),
        disabled: true,
        ..account.clone()
    };
    store.put_account(&changed).await.unwrap();
    assert_eq!(store.accounts().await.unwrap(), vec![changed]);
    // The hash never appears in debug output.
    assert!(!format!("{account:?}").contains("argon2"));

    let other = reopen_as(&store, "C2").await;
    assert!(other.accounts().await.unwrap().is_empty());
    other.close().await;
}

async fn council_settings_are_kept_per_council_and_replaced_whole(store: Store) {
    assert_eq!(store.council_settings().await.unwrap(), None);
    let bromley = CouncilSettings {
        name: "London Borough of Bromley".into(),
        la_number: "305".into(),
        ons_code: "E09000006".into(),
    };
    store.put_council_settings(&bromley).await.unwrap();
    assert_eq!(
        store.council_settings().await.unwrap(),
        Some(bromley.clone())
    );
    let renamed = CouncilSettings {
        name: "Bromley Children's Services".into(),
        ..bromley
    };
    store.put_council_settings(&renamed).await.unwrap();
    assert_eq!(store.council_settings().await.unwrap(), Some(renamed));

    let other = reopen_as(&store, "C2").await;
    assert_eq!(other.council_settings().await.unwrap(), None);
    other.close().await;
}

async fn the_caseload_promise_is_kept_per_council_and_replaced(store: Store) {
    assert_eq!(store.caseload_promise().await.unwrap(), None);
    store.put_caseload_promise(15).await.unwrap();
    assert_eq!(store.caseload_promise().await.unwrap(), Some(15));
    store.put_caseload_promise(18).await.unwrap();
    assert_eq!(store.caseload_promise().await.unwrap(), Some(18));
    // No cases at all is not a promise: refused, and the promise held is kept.
    assert!(store.put_caseload_promise(0).await.is_err());
    assert_eq!(store.caseload_promise().await.unwrap(), Some(18));

    let other = reopen_as(&store, "C2").await;
    assert_eq!(other.caseload_promise().await.unwrap(), None);
    other.close().await;
}

async fn new_child_ids_follow_the_largest_number(store: Store) {
    assert_eq!(store.next_child_id().await.unwrap().as_str(), "C0000001");
    // Unpadded, padded and unnumbered ids: the next is one past the largest number.
    for id in ["C9", "C0000012", "C3", "CX99999999", "C00000100"] {
        let append = StreamAppend {
            stream: stream(&format!("child/{id}")),
            expected_version: 0,
            events: vec![event(1)],
        };
        store
            .append(&[append], &Projections::default())
            .await
            .unwrap();
    }
    let next = store.next_child_id().await.unwrap();
    assert_eq!(next.as_str(), "C0000101");
    // Another council's children do not count.
    let other = reopen_as(&store, "C2").await;
    assert_eq!(other.next_child_id().await.unwrap().as_str(), "C0000001");
}

async fn new_adults_and_professionals_are_numbered_like_children(store: Store) {
    assert_eq!(store.next_person_id().await.unwrap().as_str(), "P0000001");
    assert_eq!(
        store.next_professional_id().await.unwrap().as_str(),
        "PR00001"
    );
    for s in [
        "person/P12",
        "person/PX900",
        "professional/PR00041",
        "child/C999",
    ] {
        let append = StreamAppend {
            stream: stream(s),
            expected_version: 0,
            events: vec![event(1)],
        };
        store
            .append(&[append], &Projections::default())
            .await
            .unwrap();
    }
    assert_eq!(store.next_person_id().await.unwrap().as_str(), "P0000013");
    assert_eq!(
        store.next_professional_id().await.unwrap().as_str(),
        "PR00042"
    );
    assert_eq!(store.next_child_id().await.unwrap().as_str(), "C0001000");
}

/// An audit's stream (`audit/A1`) is kept, read and listed like any other, apart from the
/// children's: a new child's id does not count it, and listing children does not show it.
async fn audit_streams_are_their_own_kind(store: Store) {
    let completed = NewEvent {
        event_type: "audit_completed".into(),
        schema_version: 1,
        payload: r#"{"type":"audit_completed"}"#.into(),
        author: "staff/QA1".into(),
        occurred_at: ts("2025-06-02T09:00:00Z"),
        recorded_at: ts("2025-06-02T09:00:01Z"),
    };
    store
        .append(
            &[
                StreamAppend {
                    stream: stream("audit/A1"),
                    expected_version: 0,
                    events: vec![completed.clone()],
                },
                StreamAppend {
                    stream: stream("child/C1"),
                    expected_version: 0,
                    events: vec![event(0)],
                },
            ],
            &Projections::default(),
        )
        .await
        .unwrap();
    let back = store.read_stream(&stream("audit/A1")).await.unwrap();
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].stream, "audit/A1");
    assert_eq!(back[0].payload, completed.payload);
    let audits = store.list_streams("audit").await.unwrap();
    assert_eq!(audits.len(), 1);
    assert_eq!(audits[0].stream, "audit/A1");
    let children = store.list_streams("child").await.unwrap();
    assert_eq!(children.len(), 1);
    assert_eq!(children[0].stream, "child/C1");
    // A stale write to the audit is refused like any other.
    let stale = store
        .append(
            &[StreamAppend {
                stream: stream("audit/A1"),
                expected_version: 0,
                events: vec![completed],
            }],
            &Projections::default(),
        )
        .await;
    assert!(
        matches!(stale, Err(StoreError::Conflict { .. })),
        "{stale:?}"
    );
}

async fn sessions_are_read_with_their_account_and_end_with_its_credentials(store: Store) {
    let account = AccountRow {
        username: "asha.patel".into(),
        staff_id: "S0001".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        changed_at: ts("2026-11-01T09:00:00Z"),
        disabled: false,
    };
    store.put_account(&account).await.unwrap();
    let version = store
        .credentials_version("asha.patel")
        .await
        .unwrap()
        .unwrap();
    let session = SessionRow {
        token_hash: "ab".repeat(32),
        username: "asha.patel".into(),
        staff_id: "S0001".into(),
        role: "social_worker".into(),
        team_id: "T1".into(),
        credentials_version: version,
        user_agent: "Firefox".into(),
        started_at: ts("2026-11-01T09:00:00Z"),
        last_seen_at: ts("2026-11-01T09:00:00Z"),
    };
    // Sessions begun before the first instant or last seen before the second are forgotten.
    store
        .start_session(
            &session,
            ts("2026-11-01T00:00:00Z"),
            ts("2026-11-01T08:00:00Z"),
        )
        .await
        .unwrap();
    let check = store.session(&session.token_hash).await.unwrap().unwrap();
    assert_eq!(check.session, session);
    assert_eq!(
        check.account,
        Some(AccountNow {
            staff_id: "S0001".into(),
            disabled: false,
            credentials_version: version
        })
    );
    assert!(store.session("unknown").await.unwrap().is_none());
    store
        .touch_session(&session.token_hash, ts("2026-11-01T09:05:00Z"))
        .await
        .unwrap();
    let seen = store.sessions_of("asha.patel").await.unwrap();
    assert_eq!(seen[0].last_seen_at, ts("2026-11-01T09:05:00Z"));

    // Saving the account unchanged keeps its version; a new password raises it.
    store.put_account(&account).await.unwrap();
    assert_eq!(
        store.credentials_version("asha.patel").await.unwrap(),
        Some(version)
    );
    store
        .put_account(&AccountRow {
            password_hash: "$argon2id$other".into(),
            ..account.clone()
        })
        .await
        .unwrap();
    let raised = store
        .credentials_version("asha.patel")
        .await
        .unwrap()
        .unwrap();
    assert!(raised > version);
    // Ending every session raises it again and removes the rows.
    assert_eq!(store.end_sessions_of("asha.patel").await.unwrap(), 1);
    assert!(
        store
            .credentials_version("asha.patel")
            .await
            .unwrap()
            .unwrap()
            > raised
    );
    assert!(store.session(&session.token_hash).await.unwrap().is_none());

    // Another council sees none of it.
    store
        .start_session(
            &session,
            ts("2026-11-01T00:00:00Z"),
            ts("2026-11-01T08:00:00Z"),
        )
        .await
        .unwrap();
    let other = reopen_as(&store, "C2").await;
    assert!(other.session(&session.token_hash).await.unwrap().is_none());
    assert!(
        !other
            .end_session("asha.patel", &session.token_hash)
            .await
            .unwrap()
    );
    assert!(
        store
            .end_session("asha.patel", &session.token_hash)
            .await
            .unwrap()
    );
    other.close().await;
}

async fn failed_sign_ins_are_counted_per_subject_and_cleared(store: Store) {
    let subjects = vec!["account:asha".to_owned(), "address:192.0.2.1".to_owned()];
    store
        .record_sign_in_failure(&subjects, ts("2026-11-01T09:00:00Z"))
        .await
        .unwrap();
    store
        .record_sign_in_failure(&subjects[..1], ts("2026-11-01T09:01:00Z"))
        .await
        .unwrap();
    let held = store.sign_in_failures(&subjects).await.unwrap();
    assert_eq!(held.len(), 2);
    assert_eq!(
        (held[0].subject.as_str(), held[0].failures),
        ("account:asha", 2)
    );
    assert_eq!(held[0].last_failure_at, ts("2026-11-01T09:01:00Z"));
    assert_eq!(held[1].failures, 1);
    store.clear_sign_in_failures("account:asha").await.unwrap();
    assert_eq!(store.sign_in_failures(&subjects).await.unwrap().len(), 1);
}
