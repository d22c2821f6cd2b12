//! The fixture journey files use every event kind of every stream; each journey in them must
//! be accepted by the rules, and must survive a round trip through the interchange format.
//! The second file (transfers, cover and supervision) follows the first and refers to its
//! staff and teams.

use std::collections::BTreeSet;

use hearth_domain::child::ChildEvent;
use hearth_domain::directory::{
    Adopter, AdopterEvent, Aggregate, MemoryDirectory, Person, PersonEvent, Professional,
    ProfessionalEvent, Staff, StaffEvent, Team, TeamEvent, append,
};
use hearth_domain::interchange::{Journey, JourneyLine};
use hearth_domain::{ChildStream, EventKind};

const FIXTURE: &str = include_str!("../../../fixtures/journeys/every-event-kind.jsonl");
const OVERSIGHT: &str = include_str!("../../../fixtures/journeys/every-event-kind-oversight.jsonl");

#[test]
fn every_journey_is_accepted_and_every_kind_appears() {
    let mut dir = MemoryDirectory::default();
    let mut seen = BTreeSet::new();
    for (n, line) in FIXTURE.lines().chain(OVERSIGHT.lines()).enumerate() {
        let journey = JourneyLine::parse(line)
            .unwrap_or_else(|e| panic!("line {}: {e}", n + 1))
            .journey;
        // The line survives a round trip unchanged.
        assert_eq!(
            JourneyLine::parse(&journey.to_line().unwrap())
                .unwrap()
                .journey,
            journey,
            "line {}",
            n + 1
        );
        let fail = |e: hearth_domain::Refusal| panic!("line {} ({}): {e}", n + 1, journey.stream());
        match &journey {
            Journey::Team(id, events) => {
                let mut s = Team::default();
                append(&mut s, events, &dir).unwrap_or_else(fail);
                seen.extend(events.iter().map(|e| e.event.kind()));
                dir.teams.insert(id.clone(), s);
            }
            Journey::Staff(id, events) => {
                let mut s = Staff::default();
                append(&mut s, events, &dir).unwrap_or_else(fail);
                seen.extend(events.iter().map(|e| e.event.kind()));
                dir.staff.insert(id.clone(), s.0.unwrap());
            }
            Journey::Person(id, events) => {
                append(&mut Person::default(), events, &dir).unwrap_or_else(fail);
                seen.extend(events.iter().map(|e| e.event.kind()));
                dir.people.insert(id.clone());
            }
            Journey::Professional(id, events) => {
                append(&mut Professional::default(), events, &dir).unwrap_or_else(fail);
                seen.extend(events.iter().map(|e| e.event.kind()));
                dir.professionals.insert(id.clone());
            }
            Journey::Adopter(id, events) => {
                append(&mut Adopter::default(), events, &dir).unwrap_or_else(fail);
                seen.extend(events.iter().map(|e| e.event.kind()));
                dir.adopters.insert(id.clone());
            }
            Journey::Supervision(_, events) => {
                append(
                    &mut hearth_domain::supervision::SupervisionFile::default(),
                    events,
                    &dir,
                )
                .unwrap_or_else(fail);
                seen.extend(events.iter().map(|e| e.event.kind()));
            }
            Journey::Child(id, events) => {
                let mut stream = ChildStream::new(id.clone());
                stream.append(events.clone(), &dir).unwrap_or_else(fail);
                seen.extend(events.iter().map(|e| e.event.kind()));
                dir.children.insert(id.clone());
            }
        }
    }
    let all: BTreeSet<&str> = [
        ChildEvent::kinds(),
        TeamEvent::kinds(),
        StaffEvent::kinds(),
        PersonEvent::kinds(),
        ProfessionalEvent::kinds(),
        AdopterEvent::kinds(),
        hearth_domain::supervision::SupervisionEvent::kinds(),
    ]
    .concat()
    .into_iter()
    .collect();
    let missing: Vec<_> = all.difference(&seen).collect();
    assert!(
        missing.is_empty(),
        "event kinds not in the fixture: {missing:?}"
    );
    // Keep the aggregate trait in use so this test follows any change to it.
    let _ = <Staff as Aggregate>::KIND;
}

#[test]
fn the_corrections_in_the_fixture_take_effect() {
    let line = FIXTURE
        .lines()
        .find(|l| l.starts_with(r#"{"stream":"child/C1""#))
        .unwrap();
    let Journey::Child(id, events) = JourneyLine::parse(line).unwrap().journey else {
        panic!("not a child")
    };
    let record = hearth_domain::child::fold(&id, &events);
    // The statutory visit was moved from the 14th to the 15th of February 2023.
    let dates: Vec<_> = record
        .visits
        .iter()
        .map(|v| v.mark.date().to_string())
        .collect();
    assert!(dates.contains(&"2023-02-15".to_owned()), "{dates:?}");
    assert!(!dates.contains(&"2023-02-14".to_owned()), "{dates:?}");
    // The misfiled case note was struck out; the other remains.
    assert_eq!(record.recording.case_notes.len(), 1);
    // Four looked-after episodes in one period of care, ended when she moved on at 18.
    assert_eq!(record.care_episodes.len(), 4);
    assert!(!record.is_looked_after());
    let plan = &record.episodes_of_need[0].cp_plans[0];
    assert_eq!(plan.initial_category.code(), "EMO");
    assert_eq!(plan.latest_category.code(), "NEG");
}
