//! Care leavers in a generated borough: each the service supports is held by a personal
//! adviser in post, and some ask for support to continue after 21.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use hearth_domain::child::{ChildEvent, fold};
use hearth_domain::directory::{MemoryDirectory, Staff, fold_directory};
use hearth_domain::interchange::Journey;
use hearth_domain::time::age_on;
use hearth_standards::AsAt;
use hearth_synth::{Generator, Inputs, Params};

#[test]
fn supported_care_leavers_are_held_by_an_adviser_in_post() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let mut generator = Generator::new(
        Params {
            population: 12_000,
            years: 6,
            seed: 7,
            as_at: AsAt::end_of(today).instant,
        },
        Inputs::builtin().unwrap(),
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
    let mut children = BTreeMap::new();
    while let Some(lines) = generator.next_lines(500).unwrap() {
        for line in lines {
            if let Journey::Child(id, events) = line.journey {
                children.entry(id).or_insert_with(Vec::new).extend(events);
            }
        }
    }
    let (mut supported, mut in_post, mut asked, mut after_21) = (0, 0, 0, 0);
    for (id, events) in &children {
        let record = fold(id, events);
        let Some(ends) = record.care_leaver_support_ends_on() else {
            continue;
        };
        for e in events {
            if matches!(e.event, ChildEvent::CareLeaverSupportRequested {}) {
                asked += 1;
                let age = age_on(record.date_of_birth().unwrap(), e.occurred_at.london_date());
                assert_eq!(age, 20, "{id} asked at {age}");
            }
        }
        if ends <= today || record.is_looked_after() || record.open_episode().is_some() {
            continue;
        }
        supported += 1;
        if age_on(record.date_of_birth().unwrap(), today) >= 21 {
            after_21 += 1;
        }
        let adviser = record.personal_adviser().and_then(|pa| staff.staff.get(pa));
        if adviser.is_some_and(|a| a.in_post_on(today)) {
            in_post += 1;
        }
    }
    assert!(
        asked > 0 && after_21 > 0,
        "{asked} asked, {after_21} supported after 21"
    );
    // An adviser who leaves hands their young people to the next in the post; only a post
    // left empty leaves any without one.
    assert!(
        in_post * 100 >= supported * 95,
        "{in_post} of {supported} supported care leavers have an adviser in post"
    );
}
