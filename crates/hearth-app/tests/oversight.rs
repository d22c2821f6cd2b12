//! Oversight above the caseload, over a fresh store holding the fixture and a fixed clock:
//! the supervision walk of issue 17 (a session with two children and three actions, the
//! actions on their owners' work, the oversight on each child's record, the open actions
//! carried into the next session, and a twice-carried action alerting the head of service),
//! and the missing child's escalation reaching the head of service at 14 days and the
//! assistant director at 28.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use hearth_app::oversight::SessionForm;
use hearth_app::policy;
use hearth_app::records::{ImportOutcome, Records};
use hearth_app::{App, AppError, Clock, Principal};
use hearth_domain::child::ChildEvent;
use hearth_domain::interchange::JourneyLine;
use hearth_domain::supervision::{
    ActionOutcome, ActionReview, CaseDiscussion, Decision, NewAction, SupervisionKind,
};
use hearth_domain::values::Text;
use hearth_domain::{ChildId, Rule, StaffId, Timestamp};
use hearth_standards::{Calendar, Ruleset};
use hearth_store::Store;

const FIXTURE: &str = include_str!("../../../fixtures/journeys/every-event-kind.jsonl");

fn t(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn event(at: &str, by: &str, event: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"occurred_at": at, "recorded_at": at, "recorded_by": by, "event": event})
}

/// Two children allocated to SW1 (team TSC1, managed by TM1 under HOS1), a looked-after
/// child of SW1's who went missing on 1 November 2026, and an assistant director.
fn extra() -> Vec<serde_json::Value> {
    let registered = |given: &str| {
        serde_json::json!({"type": "child_registered", "details": {
            "name": {"given": given, "family": "Oversight"}, "sex": "F",
            "date_of_birth": "2013-04-04", "ethnicity": "WBRI"}})
    };
    let referral = serde_json::json!({"type": "referral_received", "source": "2A", "primary_need": "N1", "no_further_action": false});
    let allocated = serde_json::json!({"type": "worker_allocated", "worker": "SW1", "team": "TSC1", "decided_by": "TM1", "oversight": "Visit this week.", "reason": "FCONTA"});
    let child = |id: &str, given: &str| {
        serde_json::json!({"stream": format!("child/{id}"), "events": [
            event("2026-09-01T09:00:00Z", "staff/SW1", registered(given)),
            event("2026-09-01T09:00:00Z", "staff/SW1", referral.clone()),
            event("2026-09-01T10:00:00Z", "staff/TM1", allocated.clone()),
        ]})
    };
    let mut missing = child("C72", "Mira");
    missing["events"].as_array_mut().unwrap().extend([
        event("2026-09-10T09:00:00Z", "staff/SW1", serde_json::json!({"type": "episode_started", "reason": "S", "legal_status": "C2", "placement": "U4", "category_of_need": "N1", "provider": "PR1", "urn": "SC400001", "home_postcode": "BR1 3UH", "placement_postcode": "BR2 9AF"})),
        event("2026-11-01T09:00:00Z", "staff/SW1", serde_json::json!({"type": "missing_episode_started", "kind": "M"})),
    ]);
    vec![
        serde_json::json!({"stream": "staff/AD1", "events": [event("2020-01-06T09:00:00Z", "system/import", serde_json::json!({
            "type": "staff_joined", "name": {"given": "Avery", "family": "Director"},
            "role": "ASSISTANT_DIRECTOR", "team": "TLDR"}))]}),
        child("C70", "Nell"),
        child("C71", "Owen"),
        missing,
    ]
}

async fn app_at(dir: &tempfile::TempDir, now: &str) -> App {
    let url = format!("sqlite://{}", dir.path().join("hearth.db").display());
    let store = Store::open(&url, "C1").await.unwrap();
    let records = Records::open(store).await.unwrap();
    if records.store().count_events().await.unwrap() == 0 {
        let lines = FIXTURE
            .lines()
            .map(str::to_owned)
            .chain(extra().iter().map(|l| l.to_string()))
            .enumerate()
            .map(|(i, l)| (i + 1, JourneyLine::parse(&l).unwrap()))
            .collect();
        for (line, outcome) in records.import_batch(lines).await.unwrap() {
            assert!(
                matches!(outcome, ImportOutcome::Imported(_)),
                "line {line}: {outcome:?}"
            );
        }
    }
    App::start(
        records,
        Ruleset::builtin("bromley").unwrap().unwrap(),
        Calendar::england_and_wales(),
        Clock::fixed(t(now)),
    )
}

async fn principal(app: &App, staff: &str) -> Principal {
    app.principal(&StaffId::parse(staff).unwrap())
        .await
        .unwrap_or_else(|| panic!("{staff} is in post"))
}

fn text(s: &str) -> Text {
    Text::parse(s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn action(what: &str, owner: &str, due: &str, child: Option<&str>) -> NewAction {
    NewAction {
        text: text(what),
        owner: StaffId::parse(owner).unwrap(),
        due: day(due),
        child: child.map(|c| ChildId::parse(c).unwrap()),
    }
}

fn discussion(child: &str, actions: Vec<NewAction>) -> CaseDiscussion {
    CaseDiscussion {
        child: ChildId::parse(child).unwrap(),
        update: text("Attendance at school is up to four days a week."),
        risks: text("Mother's new partner has not yet been checked."),
        strengths: text("Grandmother visits daily and the child trusts her."),
        decisions: vec![Decision {
            decision: text("Continue the child in need plan."),
            rationale: text("Progress on every outcome since the last review."),
        }],
        actions,
    }
}

fn session(at: &str, reviewed: Vec<ActionReview>, cases: Vec<CaseDiscussion>) -> SessionForm {
    SessionForm {
        at: t(at),
        kind: SupervisionKind::Individual,
        reviewed,
        workload: text("Fourteen children, two in proceedings."),
        wellbeing: text("Well; a week's leave booked in December."),
        development: text("Court skills training next month."),
        cases,
        actions: Vec::new(),
    }
}

fn carry(app_ref: &str, due: &str) -> ActionReview {
    ActionReview {
        action: hearth_domain::supervision::ActionRef::parse(app_ref).unwrap(),
        outcome: ActionOutcome::CarriedOver,
        due: Some(day(due)),
        note: Some(text("Not yet: the school was closed.")),
    }
}

fn done(app_ref: &str) -> ActionReview {
    ActionReview {
        action: hearth_domain::supervision::ActionRef::parse(app_ref).unwrap(),
        outcome: ActionOutcome::Done,
        due: None,
        note: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_supervision_walk() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_at(&dir, "2026-11-20T15:00:00Z").await;
    let (tm1, sw1, hos1) = (
        principal(&app, "TM1").await,
        principal(&app, "SW1").await,
        principal(&app, "HOS1").await,
    );
    let worker = StaffId::parse("SW1").unwrap();
    let permit = {
        let workforce = app.workforce().await;
        // The worker's own manager supervises; the worker and another team's manager do not.
        assert!(policy::to_supervise(&sw1, &worker, &workforce).is_none());
        let tm2 = app
            .principal(&StaffId::parse("TM2").unwrap())
            .await
            .unwrap();
        assert!(policy::to_supervise(&tm2, &worker, &workforce).is_none());
        policy::to_supervise(&tm1, &worker, &workforce).unwrap()
    };
    let file = app.supervision(&tm1, &worker).await.unwrap();
    assert_eq!(file.version, 0);
    // Never supervised, in post since before September: overdue.
    assert!(file.due.as_ref().unwrap().overdue_days.is_some());

    // Session 1: two children discussed, three actions.
    let first = session(
        "2026-11-02T10:00:00Z",
        Vec::new(),
        vec![
            discussion(
                "C70",
                vec![
                    action(
                        "Visit the school with Nell",
                        "SW1",
                        "2026-11-16",
                        Some("C70"),
                    ),
                    action(
                        "Check mother's new partner",
                        "SW1",
                        "2026-11-13",
                        Some("C70"),
                    ),
                ],
            ),
            discussion(
                "C71",
                vec![action("Book the review", "TM1", "2026-11-27", Some("C71"))],
            ),
        ],
    );
    // Bad input changes nothing: an action due before the session is refused whole.
    let mut bad = first.clone();
    bad.cases[1].actions[0].due = day("2026-10-01");
    let refused = app.record_supervision(&permit, 0, bad).await.unwrap_err();
    assert!(
        matches!(
            refused,
            AppError::Refused {
                rule: Rule::SupervisionActions,
                ..
            }
        ),
        "{refused}"
    );
    assert_eq!(app.supervision(&tm1, &worker).await.unwrap().version, 0);

    assert_eq!(app.record_supervision(&permit, 0, first).await.unwrap(), 1);

    // The worker sees their two actions, the manager theirs.
    let mine = app.my_supervision_actions(&sw1).await.unwrap();
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert!(mine.iter().all(|a| a.action.overdue_days.is_some()));
    assert_eq!(app.my_supervision_actions(&tm1).await.unwrap().len(), 1);

    // Each child's record shows the oversight, with the decision and its rationale.
    for child in ["C70", "C71"] {
        let (_, stream) = app
            .view_child(&sw1, &ChildId::parse(child).unwrap(), "test")
            .await
            .unwrap();
        let last = stream.events().last().unwrap();
        let ChildEvent::SupervisionRecorded {
            discussion: Some(d),
            supervisor,
            ..
        } = &last.event
        else {
            panic!("{child}: {:?}", last.event);
        };
        assert_eq!(supervisor.as_str(), "TM1");
        assert_eq!(
            d.decisions[0].rationale.as_str(),
            "Progress on every outcome since the last review."
        );
    }

    // The next session must review every open action: the form carries them in.
    let file = app.supervision(&tm1, &worker).await.unwrap();
    let agenda: Vec<String> = file
        .file
        .open_actions()
        .map(|a| a.reference.to_string())
        .collect();
    assert_eq!(agenda, ["1.1", "1.2", "1.3"]);
    let forgot = session("2026-11-09T10:00:00Z", vec![done("1.2")], Vec::new());
    let refused = app
        .record_supervision(&permit, file.version, forgot)
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            AppError::Refused {
                rule: Rule::SupervisionReview,
                ..
            }
        ),
        "{refused}"
    );

    // Session 2 carries the school visit over; session 3 carries it again.
    let second = session(
        "2026-11-09T10:00:00Z",
        vec![carry("1.1", "2026-11-23"), done("1.2"), done("1.3")],
        Vec::new(),
    );
    app.record_supervision(&permit, file.version, second)
        .await
        .unwrap();
    assert!(app.repeated_action_alerts(&hos1).await.unwrap().is_empty());
    let file = app.supervision(&tm1, &worker).await.unwrap();
    let third = session(
        "2026-11-16T10:00:00Z",
        vec![carry("1.1", "2026-11-30")],
        Vec::new(),
    );
    app.record_supervision(&permit, file.version, third)
        .await
        .unwrap();

    // Carried over twice: the supervisor's own manager, the head of service, is alerted.
    let alerts = app.repeated_action_alerts(&hos1).await.unwrap();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].action.reference.to_string(), "1.1");
    assert_eq!(alerts[0].action.carried, 2);
    assert!(app.repeated_action_alerts(&tm1).await.unwrap().is_empty());

    // The worker acknowledges session 3; no one else may.
    let file = app.supervision(&sw1, &worker).await.unwrap();
    assert!(policy::to_acknowledge(&tm1, &worker).is_none());
    let ack = policy::to_acknowledge(&sw1, &worker).unwrap();
    app.acknowledge_supervision(&ack, file.version, 3)
        .await
        .unwrap();
    let file = app.supervision(&sw1, &worker).await.unwrap();
    assert_eq!(file.due.as_ref().unwrap().unacknowledged.len(), 2);

    // The file is the worker's and their line's: not another worker's.
    let sw2 = principal(&app, "SW2").await;
    assert!(matches!(
        app.supervision(&sw2, &worker).await,
        Err(AppError::NotFound)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_missing_childs_escalation_reaches_the_head_of_service_then_the_assistant_director() {
    // Missing since 1 November with no strategy meeting.
    let dir = tempfile::tempdir().unwrap();
    let at_15_days = app_at(&dir, "2026-11-16T12:00:00Z").await;
    let (hos1, ad1, tm1) = (
        principal(&at_15_days, "HOS1").await,
        principal(&at_15_days, "AD1").await,
        principal(&at_15_days, "TM1").await,
    );
    let to_hos = at_15_days.escalated_to(&hos1).await.unwrap();
    let missing: Vec<_> = to_hos
        .iter()
        .filter(|e| e.child.as_str() == "C72")
        .collect();
    assert!(!missing.is_empty(), "{to_hos:?}");
    assert_eq!(missing[0].rule, "missing-strategy");
    assert_eq!(
        missing[0].from.from.as_ref().map(StaffId::as_str),
        Some("TM1")
    );
    assert_eq!(missing[0].after, "14 days");
    assert!(
        at_15_days
            .escalated_to(&ad1)
            .await
            .unwrap()
            .iter()
            .all(|e| e.child.as_str() != "C72")
    );
    assert!(at_15_days.escalated_to(&tm1).await.unwrap().is_empty());
    drop(at_15_days);

    let dir = tempfile::tempdir().unwrap();
    let at_29_days = app_at(&dir, "2026-11-30T12:00:00Z").await;
    let ad1 = principal(&at_29_days, "AD1").await;
    let to_ad = at_29_days.escalated_to(&ad1).await.unwrap();
    assert!(to_ad.iter().any(|e| e.child.as_str() == "C72"), "{to_ad:?}");
    let hos1 = principal(&at_29_days, "HOS1").await;
    assert!(
        at_29_days
            .escalated_to(&hos1)
            .await
            .unwrap()
            .iter()
            .all(|e| e.child.as_str() != "C72")
    );
}
