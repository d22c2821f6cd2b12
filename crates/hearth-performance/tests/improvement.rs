//! The improvement plan: actions, progress, risks and monthly reviews folded, its status as
//! at a date, and each rule's refusal changing nothing. The staff are the fixture's, read
//! with the standards crate's test helpers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../hearth-standards/tests/common/mod.rs"]
mod common;

use hearth_domain::Timestamp;
use hearth_domain::event::Actor;
use hearth_domain::event::Recorded;
use hearth_performance::improvement::{ImprovementEvent, ImprovementPlan, ImprovementRule};
use hearth_performance::{Rag, Scorecard};
use hearth_standards::Ruleset;

fn card() -> Scorecard {
    let sets: Vec<Ruleset> = ["england-statutory", "bromley"]
        .iter()
        .filter_map(|n| Ruleset::builtin(n))
        .collect::<Result<_, _>>()
        .unwrap();
    let refs: Vec<&Ruleset> = sets.iter().collect();
    Scorecard::builtin("standard", &refs).unwrap().unwrap()
}

fn at(day: &str, json: &str) -> Recorded<ImprovementEvent> {
    let t = Timestamp::start_of_london_day(day.parse().unwrap())
        .plus_micros(10 * 3_600_000_000)
        .unwrap();
    Recorded {
        occurred_at: t,
        recorded_at: t,
        recorded_by: Actor::system("test").unwrap(),
        event: serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}")),
    }
}

const STARTED: &str = r#"{"type":"improvement_plan_started","title":"Practice improvement plan 2025","board":"Practice Improvement Board"}"#;

fn action(n: u32, due: &str, measures: &str) -> String {
    format!(
        r#"{{"type":"improvement_action_added","action":{n},"what":"Visit children on plans on time.","owner":"HOS1","due":"{due}","success":"95% of visits on time for three months.","measures":[{measures}]}}"#
    )
}

#[test]
fn a_plan_with_actions_risks_and_reviews() {
    let (dir, card) = (common::staff(), card());
    let mut plan = ImprovementPlan::default();
    let steps = [
        at("2025-01-06", STARTED),
        at(
            "2025-01-06",
            &action(1, "2025-03-31", r#""cp-visits-on-time""#),
        ),
        at("2025-01-06", &action(2, "2025-06-30", "")),
        at(
            "2025-01-06",
            r#"{"type":"improvement_risk_logged","risk":1,"what":"Vacancies in the assessment teams.","likelihood":4,"impact":3,"mitigation":"Recruit two permanent workers.","owner":"HOS1"}"#,
        ),
        at(
            "2025-02-03",
            r#"{"type":"improvement_action_progressed","action":1,"rag":"amber","evidence":"Visits on time rose to 88%."}"#,
        ),
        at(
            "2025-02-03",
            r#"{"type":"improvement_plan_reviewed","chair":"HOS1","summary":"Progress noted; visits still behind."}"#,
        ),
        at(
            "2025-03-03",
            r#"{"type":"improvement_action_completed","action":2,"evidence":"The new audit cycle is running."}"#,
        ),
    ];
    for s in &steps {
        plan.append(s, &dir, &card).unwrap();
    }
    let status = plan.status("2025-04-10".parse().unwrap());
    assert_eq!(status.overdue.len(), 1);
    assert_eq!(status.overdue[0].number, 1);
    assert_eq!(status.overdue[0].rag(), Some(Rag::Amber));
    assert_eq!(status.done, 1);
    assert_eq!(status.risks[0].score(), 12);
    assert_eq!(status.review_due, Some("2025-03-03".parse().unwrap()));
    assert!(status.review_overdue);
}

#[test]
fn refusals_change_nothing() {
    let (dir, card) = (common::staff(), card());
    let mut plan = ImprovementPlan::default();
    let refused = |plan: &mut ImprovementPlan, e: &Recorded<ImprovementEvent>| {
        let before = plan.clone();
        let r = plan.append(e, &dir, &card).unwrap_err();
        assert_eq!(*plan, before);
        r
    };
    assert_eq!(
        refused(&mut plan, &at("2025-01-06", &action(1, "2025-03-31", ""))),
        ImprovementRule::Started
    );
    plan.append(&at("2025-01-06", STARTED), &dir, &card)
        .unwrap();
    assert_eq!(
        refused(&mut plan, &at("2025-01-06", STARTED)),
        ImprovementRule::Started
    );
    assert_eq!(
        refused(&mut plan, &at("2025-01-06", &action(2, "2025-03-31", ""))),
        ImprovementRule::Numbering
    );
    assert_eq!(
        refused(&mut plan, &at("2025-01-06", &action(1, "2024-12-31", ""))),
        ImprovementRule::Due
    );
    assert_eq!(
        refused(
            &mut plan,
            &at("2025-01-06", &action(1, "2025-03-31", r#""no-such""#))
        ),
        ImprovementRule::Measures
    );
    let stranger = action(1, "2025-03-31", "").replace("HOS1", "NOBODY1");
    assert_eq!(
        refused(&mut plan, &at("2025-01-06", &stranger)),
        ImprovementRule::Staff
    );
    assert_eq!(
        refused(
            &mut plan,
            &at(
                "2025-01-06",
                r#"{"type":"improvement_action_completed","action":1,"evidence":"Done."}"#
            )
        ),
        ImprovementRule::NotOpen
    );
    assert_eq!(
        refused(
            &mut plan,
            &at(
                "2025-01-06",
                r#"{"type":"improvement_risk_logged","risk":1,"what":"x","likelihood":6,"impact":3,"mitigation":"y","owner":"HOS1"}"#
            )
        ),
        ImprovementRule::Scale
    );
}
