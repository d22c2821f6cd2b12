//! Restricted records in a generated borough: each restriction and lifting keeps the record's
//! rules, names the worker first allocated, and restricting moves no other draw, so the rest
//! of the borough is the same whatever the rate.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use hearth_domain::child::{ChildEvent, fold};
use hearth_domain::directory::{MemoryDirectory, Staff, fold_directory};
use hearth_domain::interchange::Journey;
use hearth_domain::{ChildId, EventKind, Recorded, Timestamp};
use hearth_standards::AsAt;
use hearth_synth::{Generator, Inputs, Params};

type Children = BTreeMap<ChildId, Vec<Recorded<ChildEvent>>>;

fn borough(restricted: f64) -> (MemoryDirectory, Children) {
    let mut inputs = Inputs::builtin().unwrap();
    inputs.rates.access.restricted_records = restricted;
    inputs.rates.access.restrictions_lifted = 0.5;
    let mut generator = Generator::new(
        Params {
            population: 2_500,
            years: 2,
            seed: 11,
            as_at: AsAt::end_of(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()).instant,
        },
        inputs,
    )
    .unwrap();
    let mut staff = MemoryDirectory::default();
    for line in generator.workforce() {
        if let Journey::Staff(id, events) = line.journey {
            let state: Staff = fold_directory(&events);
            if let Some(member) = state.0 {
                staff.staff.insert(id, member);
            }
        }
    }
    let mut children = Children::new();
    while let Some(lines) = generator.next_lines(500).unwrap() {
        for line in lines {
            if let Journey::Child(id, events) = line.journey {
                children.entry(id).or_default().extend(events);
            }
        }
    }
    (staff, children)
}

fn is_restriction(e: &ChildEvent) -> bool {
    matches!(
        e,
        ChildEvent::RecordRestricted { .. } | ChildEvent::RestrictionLifted { .. }
    )
}

#[test]
fn restrictions_keep_the_rules_and_move_nothing_else() {
    let (staff, children) = borough(0.3);
    let (mut restricted, mut lifted) = (0, 0);
    for (id, events) in &children {
        for (i, ev) in events.iter().enumerate() {
            if !is_restriction(&ev.event) {
                continue;
            }
            // Checked against the record as it stood, as the import checks it.
            let before = fold(id, &events[..i]);
            before
                .check(ev, &staff)
                .unwrap_or_else(|e| panic!("{id}: {}: {e}", ev.event.kind()));
            match &ev.event {
                ChildEvent::RecordRestricted { permitted, .. } => {
                    restricted += 1;
                    let first_worker = events.iter().find_map(|e| match &e.event {
                        ChildEvent::WorkerAllocated { worker, .. } => Some(worker),
                        _ => None,
                    });
                    assert_eq!(
                        permitted.iter().collect::<Vec<_>>(),
                        Vec::from_iter(first_worker),
                        "{id}"
                    );
                }
                _ => {
                    lifted += 1;
                    assert!(before.restriction.is_some(), "{id}");
                }
            }
        }
    }
    assert!(restricted > 20, "{restricted} restricted");
    assert!(
        lifted > 5 && lifted < restricted,
        "{lifted} lifted of {restricted}"
    );

    // Without restrictions, everything else is the same, event for event.
    let (_, unrestricted) = borough(0.0);
    let without = |children: &Children| -> Vec<(ChildId, Timestamp, Timestamp, &'static str)> {
        children
            .iter()
            .flat_map(|(id, events)| {
                events
                    .iter()
                    .filter(|e| !is_restriction(&e.event))
                    .map(move |e| (id.clone(), e.occurred_at, e.recorded_at, e.event.kind()))
            })
            .collect()
    };
    assert!(
        unrestricted
            .values()
            .flatten()
            .all(|e| !is_restriction(&e.event))
    );
    assert_eq!(without(&children), without(&unrestricted));
}
