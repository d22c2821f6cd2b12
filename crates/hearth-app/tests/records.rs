//! The record service on both backends, as the store's conformance suite runs: every test
//! against SQLite (always) and PostgreSQL (when `HEARTH_TEST_POSTGRES_URL` points at a server
//! where it may create databases; `.ci/run` sets it). Each test gets a fresh database and
//! drops it afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::FutureExt;

use hearth_app::records::{ImportOutcome, Records};
use hearth_domain::interchange::{Journey, JourneyLine};
use hearth_domain::{ChildId, StreamId, Timestamp};
use hearth_store::search::{Query, rank};
use hearth_store::{Backend, NewEvent, Projections, Store, StoreError, StreamAppend};

const FIXTURE: &str = include_str!("../../../fixtures/journeys/every-event-kind.jsonl");
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
    a_child_command_checks_rules_and_versions,
    a_new_adult_and_the_child_s_link_are_written_together_or_not_at_all,
    continuation_lines_append_in_order,
    refused_journeys_write_nothing,
    search_tolerates_misspellings,
    search_weighs_one_kind_and_every_candidate_up_to_its_limit,
    the_fixture_imports_and_reimports_idempotently,
    the_sight_projection_is_written_with_each_child_and_agrees_with_the_record,
);

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

fn fixture() -> Vec<(usize, JourneyLine)> {
    FIXTURE
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, JourneyLine::parse(l).unwrap()))
        .collect()
}

async fn the_fixture_imports_and_reimports_idempotently(store: Store) {
    let records = Records::open(store.clone()).await.unwrap();
    let outcomes = records.import_batch(fixture()).await.unwrap();
    for (line, o) in &outcomes {
        assert!(
            matches!(o, ImportOutcome::Imported(_)),
            "line {line}: {o:?}"
        );
    }
    let total: usize = outcomes
        .iter()
        .map(|(_, o)| {
            if let ImportOutcome::Imported(n) = o {
                *n
            } else {
                0
            }
        })
        .sum();
    assert_eq!(store.count_events().await.unwrap() as usize, total);
    // Every journey reads back as it went in.
    for (_, JourneyLine { journey, .. }) in fixture() {
        assert_eq!(
            records.journey(&journey.stream()).await.unwrap().unwrap(),
            journey
        );
    }
    // Running the same import again writes nothing and says so.
    let again = records.import_batch(fixture()).await.unwrap();
    assert!(
        again
            .iter()
            .all(|(_, o)| *o == ImportOutcome::AlreadyPresent),
        "{again:?}"
    );
    assert_eq!(store.count_events().await.unwrap() as usize, total);
    // A fresh service on the same store sees the staff written by the first.
    let records = Records::open(store.clone()).await.unwrap();
    let c1 = records
        .child_unlogged(&ChildId::parse("C1").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c1.record().care_episodes.len(), 4);
    // The caseload projection was written with the journeys.
    let caseload = store.caseload(None).await.unwrap();
    let c1_row = caseload.iter().find(|r| r.child_id == "C1").unwrap();
    assert_eq!(c1_row.status, "care_leaver");
    let c2_row = caseload.iter().find(|r| r.child_id == "C2").unwrap();
    assert_eq!(c2_row.status, "closed");
}

async fn refused_journeys_write_nothing(store: Store) {
    let records = Records::open(store.clone()).await.unwrap();
    // Only the teams and staff: child lines then refer to people who do not exist.
    let mut lines = fixture();
    lines.retain(|(_, l)| !matches!(l.journey, Journey::Person(..) | Journey::Professional(..)));
    let c1_line = lines
        .iter()
        .find(|(_, l)| l.journey.stream() == stream("child/C1"))
        .unwrap()
        .0;
    let outcomes = records.import_batch(lines).await.unwrap();
    let c1 = outcomes
        .iter()
        .find(|(l, _)| *l == c1_line)
        .map(|(_, o)| o.clone());
    match c1 {
        Some(ImportOutcome::Refused { rule, reason }) => {
            assert_eq!(rule, Some(hearth_domain::Rule::UnknownPerson), "{reason}");
        }
        other => panic!("the child/C1 line should be refused: {other:?}"),
    }
    assert!(
        store
            .read_stream(&stream("child/C1"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .caseload(None)
            .await
            .unwrap()
            .iter()
            .all(|r| r.child_id != "C1")
    );
    // The journeys that did not depend on the missing people were written.
    assert!(
        !store
            .read_stream(&stream("child/C2"))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn search_tolerates_misspellings(store: Store) {
    let records = Records::open(store.clone()).await.unwrap();
    records.import_batch(fixture()).await.unwrap();
    for (typed, expect) in [
        ("Jasmin Ashdon", "Jasmine Ashdown"),
        ("ashdown jas", "Jasmine Ashdown"),
        ("Elly Marchent", "Ellie Marchant"),
        ("kerry ashdown", "Kerry Ashdown"),
        ("Petrakis 20/01/2019", "Noah Petrakis"),
        ("C5", "Leo Harcourt"),
    ] {
        let q = Query::parse(typed);
        let ranked = rank(store.search_candidates(&q).await.unwrap(), &q);
        assert_eq!(
            ranked.first().map(|(_, r)| r.display_name.as_str()),
            Some(expect),
            "searching {typed:?}: {ranked:?}"
        );
    }
    let q = Query::parse("Zebedee");
    assert!(rank(store.search_candidates(&q).await.unwrap(), &q).is_empty());
}

async fn a_child_command_checks_rules_and_versions(store: Store) {
    use hearth_domain::child::ChildEvent;
    use hearth_domain::event::{Actor, Recorded};
    let records = Records::open(store.clone()).await.unwrap();
    records.import_batch(fixture()).await.unwrap();
    let id = ChildId::parse("C1").unwrap();
    let before = records
        .child_unlogged(&id)
        .await
        .unwrap()
        .unwrap()
        .version();
    let note = |text: &str| Recorded {
        occurred_at: ts("2026-08-01T10:00:00Z"),
        recorded_at: ts("2026-08-01T10:05:00Z"),
        recorded_by: Actor::parse("staff/PA1").unwrap(),
        event: ChildEvent::CaseNoteRecorded {
            kind: hearth_domain::codes::CaseNoteKind::Telephone,
            text: hearth_domain::values::Text::parse(text).unwrap(),
            significant: false,
        },
    };
    // A stale version is refused.
    let err = records
        .record_child(&id, Some(before - 1), vec![note("late")])
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            hearth_app::records::RecordError::Store(StoreError::Conflict { .. })
        ),
        "{err}"
    );
    // A rule break is refused and writes nothing.
    let bad = Recorded {
        event: ChildEvent::CpPlanStarted {},
        ..note("x")
    };
    let err = records
        .record_child(&id, Some(before), vec![bad])
        .await
        .unwrap_err();
    assert!(
        matches!(err, hearth_app::records::RecordError::Refused(_)),
        "{err}"
    );
    assert_eq!(
        records
            .child_unlogged(&id)
            .await
            .unwrap()
            .unwrap()
            .version(),
        before
    );
    // A good command is written.
    let after = records
        .record_child(
            &id,
            Some(before),
            vec![note("Called Jasmine about her course.")],
        )
        .await
        .unwrap();
    assert_eq!(after.version(), before + 1);
    assert_eq!(
        records
            .child_unlogged(&id)
            .await
            .unwrap()
            .unwrap()
            .version(),
        before + 1
    );
}

async fn continuation_lines_append_in_order(store: Store) {
    let records = Records::open(store.clone()).await.unwrap();
    records.import_batch(fixture()).await.unwrap();
    let v = store.read_stream(&stream("child/C1")).await.unwrap().len();
    let note = |at: &str, text: &str| {
        format!(
            r#"{{"occurred_at":"{at}","recorded_at":"{at}","recorded_by":"staff/PA1","event":{{"type":"case_note_recorded","kind":"TELEPHONE","text":"{text}","significant":false}}}}"#
        )
    };
    let line = |from: usize, events: &[String]| {
        JourneyLine::parse(&format!(
            r#"{{"stream":"child/C1","from_version":{from},"events":[{}]}}"#,
            events.join(",")
        ))
        .unwrap()
    };
    let first = line(v + 1, &[note("2026-08-01T10:00:00Z", "first call")]);
    let second = line(
        v + 2,
        &[
            note("2026-08-02T10:00:00Z", "second call"),
            note("2026-08-03T10:00:00Z", "third call"),
        ],
    );
    let gap = line(v + 9, &[note("2026-08-04T10:00:00Z", "after a gap")]);
    let clash = line(
        v + 1,
        &[note("2026-08-01T10:00:00Z", "a different first call")],
    );
    let out = records
        .import_batch(vec![(1, first.clone()), (2, second.clone()), (3, gap)])
        .await
        .unwrap();
    assert_eq!(out[0].1, ImportOutcome::Imported(1));
    assert_eq!(out[1].1, ImportOutcome::Imported(2));
    assert!(
        matches!(&out[2].1, ImportOutcome::Refused { reason, .. } if reason.contains("lines before it are missing")),
        "{out:?}"
    );
    assert_eq!(
        store.read_stream(&stream("child/C1")).await.unwrap().len(),
        v + 3
    );
    // Running the same lines again changes nothing; a different line at a taken version is refused.
    let out = records
        .import_batch(vec![(1, first), (2, second), (4, clash)])
        .await
        .unwrap();
    assert_eq!(out[0].1, ImportOutcome::AlreadyPresent);
    assert_eq!(out[1].1, ImportOutcome::AlreadyPresent);
    assert!(
        matches!(&out[2].1, ImportOutcome::Refused { reason, .. } if reason.contains("differ")),
        "{out:?}"
    );
    assert_eq!(
        store.read_stream(&stream("child/C1")).await.unwrap().len(),
        v + 3
    );
    // The record folded from the store includes the appended notes.
    let c1 = records
        .child_unlogged(&ChildId::parse("C1").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c1.record().recording.case_notes.len(), 4);
}

async fn a_new_adult_and_the_child_s_link_are_written_together_or_not_at_all(store: Store) {
    use hearth_app::records::{NewRecord, RecordError};
    use hearth_domain::child::ChildEvent;
    use hearth_domain::codes::Relationship;
    use hearth_domain::directory::PersonEvent;
    use hearth_domain::event::{Actor, Recorded};
    use hearth_domain::ids::PersonId;
    use hearth_domain::people::{PersonDetails, PersonName};
    use hearth_domain::values::Line;
    let records = Records::open(store.clone()).await.unwrap();
    records.import_batch(fixture()).await.unwrap();
    let id = ChildId::parse("C1").unwrap();
    let before = records
        .child_unlogged(&id)
        .await
        .unwrap()
        .unwrap()
        .version();
    let person = store.next_person_id().await.unwrap();
    // A function, not a closure: it makes the adult's and the child's events alike.
    fn at<E>(event: E) -> Recorded<E> {
        Recorded {
            occurred_at: ts("2026-08-01T10:00:00Z"),
            recorded_at: ts("2026-08-01T10:05:00Z"),
            recorded_by: Actor::parse("staff/PA1").unwrap(),
            event,
        }
    }
    let adult = || {
        NewRecord::Person(
            person.clone(),
            vec![at(PersonEvent::PersonRegistered {
                details: PersonDetails {
                    name: PersonName {
                        given: Line::parse("Maureen").unwrap(),
                        family: Line::parse("Oakley").unwrap(),
                        preferred: None,
                    },
                    date_of_birth: None,
                    sex: None,
                    address: None,
                    phone: None,
                    email: None,
                    contact_notes: None,
                },
            })],
        )
    };
    let link = |who: &PersonId| {
        at(ChildEvent::NetworkMemberAdded {
            person: who.clone(),
            relationship: Relationship::Grandparent,
            parental_responsibility: false,
            lives_in_household: false,
        })
    };
    // The child's event is refused (a plan with no conference): the adult is not created.
    let refused = records
        .record_child_with(
            &id,
            Some(before),
            Some(adult()),
            vec![link(&person), at(ChildEvent::CpPlanStarted {})],
        )
        .await
        .unwrap_err();
    assert!(matches!(refused, RecordError::Refused(_)), "{refused}");
    // A stale child version: nothing is written either.
    let stale = records
        .record_child_with(&id, Some(before - 1), Some(adult()), vec![link(&person)])
        .await
        .unwrap_err();
    assert!(
        matches!(stale, RecordError::Store(StoreError::Conflict { .. })),
        "{stale}"
    );
    assert!(
        store
            .read_stream(&StreamId::person(&person))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .network_links(std::slice::from_ref(&person))
            .await
            .unwrap()
            .is_empty()
    );
    // Accepted: both streams, the adult's search row and the link.
    let after = records
        .record_child_with(&id, Some(before), Some(adult()), vec![link(&person)])
        .await
        .unwrap();
    assert_eq!(after.version(), before + 1);
    assert_eq!(
        store
            .read_stream(&StreamId::person(&person))
            .await
            .unwrap()
            .len(),
        1
    );
    let links = store
        .network_links(std::slice::from_ref(&person))
        .await
        .unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].child_id, "C1");
    let found = store
        .search_candidates(&Query::parse("Maureen Oakley"))
        .await
        .unwrap();
    assert!(found.iter().any(|r| r.stream == StreamId::person(&person)));
}

async fn the_sight_projection_is_written_with_each_child_and_agrees_with_the_record(store: Store) {
    use hearth_store::sight::Sight;
    let records = Records::open(store.clone()).await.unwrap();
    records.import_batch(fixture()).await.unwrap();
    let children: Vec<ChildId> = ["C1", "C2", "C3", "C4", "C5"]
        .into_iter()
        .map(|c| ChildId::parse(c).unwrap())
        .collect();
    let held = store.sights(&children).await.unwrap();
    assert_eq!(held.len(), children.len());
    for id in &children {
        let stream = records.child_unlogged(id).await.unwrap().unwrap();
        assert_eq!(held[id], Sight::of(stream.record()), "{id}");
    }
    // The fixture restricts C5's record and lifts the restriction; C1 has had a worker and
    // an adviser.
    assert!(held[&children[4]].restriction.is_none());
    let c1 = &held[&children[0]];
    assert!(c1.worker.is_some() && c1.adviser.is_some() && !c1.recorded_by.is_empty());
    // A child written without projections (as before the projection existed) has no row,
    // and nor has a child who does not exist.
    let raw = StreamAppend {
        stream: stream("child/C9"),
        expected_version: 0,
        events: vec![event(0)],
    };
    store.append(&[raw], &Projections::default()).await.unwrap();
    let none = store
        .sights(&[
            ChildId::parse("C9").unwrap(),
            ChildId::parse("C99").unwrap(),
        ])
        .await
        .unwrap();
    assert!(none.is_empty(), "{none:?}");
}

async fn search_weighs_one_kind_and_every_candidate_up_to_its_limit(store: Store) {
    use hearth_domain::StreamKind;
    let records = Records::open(store.clone()).await.unwrap();
    records.import_batch(fixture()).await.unwrap();
    // "Ashdown" is a child and adults in her network.
    let mut q = Query::parse("Ashdown");
    let all = store.search_candidates(&q).await.unwrap();
    assert!(all.iter().any(|r| r.stream.kind() == StreamKind::Child));
    assert!(all.iter().any(|r| r.stream.kind() == StreamKind::Person));
    for kind in [StreamKind::Child, StreamKind::Person] {
        q.kind = Some(kind);
        let some = store.search_candidates(&q).await.unwrap();
        assert!(!some.is_empty() && some.iter().all(|r| r.stream.kind() == kind));
        assert!(!q.too_broad(some.len()));
    }
    // The limit is told apart from a search that found fewer.
    q.kind = None;
    q.limit = 2;
    let cut = store.search_candidates(&q).await.unwrap();
    assert_eq!(cut.len(), 2);
    assert!(q.too_broad(cut.len()));
}
