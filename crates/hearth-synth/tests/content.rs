//! The content of practice in a generated borough: every entry keeps the record's rules as
//! it stood, entries come at the configured rates, and writing them moves no other draw and
//! no other event, so a borough's returns are the same with content as without.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use hearth_domain::child::{ChildEvent, ChildStream, Content};
use hearth_domain::directory::{MemoryDirectory, Staff, Team, fold_directory};
use hearth_domain::interchange::Journey;
use hearth_domain::{ChildId, EventKind, Recorded};
use hearth_standards::AsAt;
use hearth_synth::{Generator, Inputs, Params};

type Children = BTreeMap<ChildId, Vec<Recorded<ChildEvent>>>;

fn borough(inputs: Inputs, seed: u64) -> (MemoryDirectory, Children) {
    let mut generator = Generator::new(
        Params {
            population: 2_500,
            years: 2,
            seed,
            as_at: AsAt::end_of(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()).instant,
        },
        inputs,
    )
    .unwrap();
    // Everything a child's events may name, as the import's directory holds it.
    let mut dir = MemoryDirectory::default();
    let note = |journey: Journey, dir: &mut MemoryDirectory, children: &mut Children| match journey
    {
        Journey::Staff(id, events) => {
            let state: Staff = fold_directory(&events);
            if let Some(member) = state.0 {
                dir.staff.insert(id, member);
            }
        }
        Journey::Team(id, events) => {
            let team: Team = fold_directory(&events);
            dir.teams.insert(id, team);
        }
        Journey::Person(id, _) => {
            dir.people.insert(id);
        }
        Journey::Professional(id, _) => {
            dir.professionals.insert(id);
        }
        Journey::Adopter(id, _) => {
            dir.adopters.insert(id);
        }
        Journey::Child(id, events) => {
            dir.children.insert(id.clone());
            children.entry(id).or_default().extend(events);
        }
        Journey::Supervision(..) => {}
    };
    let mut children = Children::new();
    for line in generator.workforce() {
        note(line.journey, &mut dir, &mut children);
    }
    while let Some(lines) = generator.next_lines(500).unwrap() {
        for line in lines {
            note(line.journey, &mut dir, &mut children);
        }
    }
    (dir, children)
}

fn is_content(e: &ChildEvent) -> bool {
    Content::of(e).is_some()
        || matches!(
            e,
            ChildEvent::ManagerDecisionRecorded { .. } | ChildEvent::ContentAmended { .. }
        )
}

#[test]
fn content_keeps_the_rules_comes_at_its_rates_and_moves_nothing_else() {
    let (staff, children) = borough(Inputs::builtin().unwrap(), 23);
    let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
    for (id, events) in &children {
        // The whole journey is accepted, as the import accepts it.
        let mut stream = ChildStream::new(id.clone());
        stream
            .append(events.clone(), &staff)
            .unwrap_or_else(|e| panic!("{id}: {e}: {:?}", events[e.index].event));
        for e in events {
            *counts.entry(e.event.kind()).or_default() += 1;
        }
    }
    let count = |k: &str| counts.get(k).copied().unwrap_or(0) as f64;
    // About nine in ten visits are written up.
    let visits = count("visit_written") / count("visit_made");
    assert!((0.85..=0.95).contains(&visits), "{visits}");
    let assessments = count("assessment_written") / count("assessment_completed");
    assert!(assessments > 0.9, "{assessments}");
    for kind in [
        "strategy_minutes_recorded",
        "enquiry_findings_recorded",
        "conference_minutes_recorded",
        "plan_written",
        "actions_reviewed",
        "allocation_record_written",
        "summary_written",
        "manager_decision_recorded",
        "child_words_recorded",
        "content_amended",
    ] {
        assert!(count(kind) > 0.0, "no {kind} in {counts:?}");
    }

    // Without content, the same borough less the content entries.
    let mut inputs = Inputs::builtin().unwrap();
    let c = &mut inputs.rates.content;
    for rate in [
        &mut c.visits,
        &mut c.childs_words,
        &mut c.assessments,
        &mut c.minutes,
        &mut c.plans,
        &mut c.allocation_records,
        &mut c.summaries,
    ] {
        *rate = 0.0;
    }
    let (_, bare) = borough(inputs, 23);
    assert_eq!(bare.len(), children.len());
    let without = |events: &[Recorded<ChildEvent>]| -> Vec<(String, String)> {
        events
            .iter()
            .filter(|e| !is_content(&e.event))
            .map(|e| {
                // Corrections name versions, which the entries moved on.
                let event = match &e.event {
                    ChildEvent::Corrected { .. } => "corrected".to_owned(),
                    other => serde_json::to_string(other).unwrap(),
                };
                (format!("{} {}", e.occurred_at, e.recorded_at), event)
            })
            .collect()
    };
    for (id, events) in &children {
        assert_eq!(without(events), without(&bare[id]), "{id}");
    }
}

/// Entries another person writes (the allocation record, the revised analysis) are recorded
/// while that person is in post, whoever recorded the event they follow and when: over
/// several boroughs, every journey is accepted.
#[test]
fn every_entry_is_recorded_by_someone_in_post() {
    for seed in 1..=8 {
        let (staff, children) = borough(Inputs::builtin().unwrap(), seed);
        for (id, events) in &children {
            let mut stream = ChildStream::new(id.clone());
            stream
                .append(events.clone(), &staff)
                .unwrap_or_else(|e| panic!("seed {seed}, {id}: {e}: {:?}", events[e.index].event));
        }
    }
}
