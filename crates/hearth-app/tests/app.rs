//! The application's commands over a store holding the fixture: a write needs a permit,
//! names the version it was read at, and gives a receipt or one error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use hearth_app::policy::{self, Who};
use hearth_app::records::{ImportOutcome, Records};
use hearth_app::{App, AppError, Clock, Principal};
use hearth_domain::child::ChildEvent;
use hearth_domain::interchange::JourneyLine;
use hearth_domain::{ChildId, StaffId, Timestamp};
use hearth_standards::{Calendar, Ruleset};
use hearth_store::Store;

const FIXTURE: &str = include_str!("../../../fixtures/journeys/every-event-kind.jsonl");
const NOW: &str = "2026-11-20T10:00:00Z";

async fn app(dir: &tempfile::TempDir) -> App {
    let url = format!("sqlite://{}", dir.path().join("hearth.db").display());
    let store = Store::open(&url, "C1").await.unwrap();
    let records = Records::open(store).await.unwrap();
    let lines = FIXTURE
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, JourneyLine::parse(l).unwrap()))
        .collect();
    for (line, outcome) in records.import_batch(lines).await.unwrap() {
        assert!(matches!(outcome, ImportOutcome::Imported(_)), "line {line}");
    }
    App::start(
        records,
        Ruleset::builtin("bromley").unwrap().unwrap(),
        Calendar::england_and_wales(),
        Clock::fixed(Timestamp::parse(NOW).unwrap()),
    )
}

async fn principal(app: &App, staff: &str) -> Principal {
    app.principal(&StaffId::parse(staff).unwrap())
        .await
        .unwrap_or_else(|| panic!("{staff} is in post"))
}

fn note(text: &str) -> ChildEvent {
    serde_json::from_value(serde_json::json!({
        "type": "case_note_recorded", "kind": "OTHER", "text": text, "significant": false,
    }))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_names_its_version_and_gives_a_receipt_or_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&dir).await;
    let now = app.now();
    let child = ChildId::parse("C1").unwrap();
    let head = principal(&app, "HOS1").await;
    let (read, stream) = app.view_child(&head, &child, "test").await.unwrap();
    let version = stream.version();
    let write = policy::to_record(&head, &read, Who::Workers).expect("the head of service records");

    let receipt = app
        .record(&write, version, vec![(now, note("A first note."))])
        .await
        .unwrap();
    assert_eq!(receipt.child, child);
    assert_eq!(receipt.version, version + 1);
    // The author is the permit's principal, and the time of recording the application's.
    let (_, after) = app.view_child(&head, &child, "test").await.unwrap();
    let last = after.events().last().unwrap();
    assert_eq!(last.recorded_by, head.actor());
    assert_eq!(last.recorded_at, now);

    // Written again at the version first read: someone else recorded meanwhile.
    let stale = app
        .record(&write, version, vec![(now, note("A second note."))])
        .await
        .unwrap_err();
    assert!(matches!(stale, AppError::Stale { .. }), "{stale}");

    // A broken rule comes back as the rule, not as a failure: nothing is recorded before
    // it happens.
    let later = Timestamp::parse("2027-01-01T10:00:00Z").unwrap();
    let refused = app
        .record(&write, version + 1, vec![(later, note("From the future."))])
        .await
        .unwrap_err();
    assert!(matches!(refused, AppError::Refused { .. }), "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_permits_follow_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&dir).await;
    let child = ChildId::parse("C1").unwrap();
    let reviewing = principal(&app, "RO1").await;
    let head = principal(&app, "HOS1").await;
    let (read, _) = app.view_child(&head, &child, "test").await.unwrap();
    assert!(policy::to_authorise(&head, &read).is_some());
    assert!(policy::to_register(&head).is_some());
    // A reviewing officer is independent of the line: no management decisions, and no
    // registering children.
    if let Ok((read, _)) = app.view_child(&reviewing, &child, "test").await {
        assert!(policy::to_authorise(&reviewing, &read).is_none());
        assert!(policy::to_record(&reviewing, &read, Who::Managers).is_none());
    }
    assert!(policy::to_register(&reviewing).is_none());
    // A permit to register writes no existing child.
    let register = policy::to_register(&head).unwrap();
    let err = app
        .record(&register, 1, vec![(app.now(), note("Nowhere."))])
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound), "{err}");
}
