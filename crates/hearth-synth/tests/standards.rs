//! A generated borough, evaluated under the local practice standards, is on time about as
//! often as its levers say: each lever of `[practice]` is checked against the rules that
//! `[practice.measured_by]` names, over the obligations due in the last twelve months.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use hearth_domain::child::fold;
use hearth_domain::directory::{MemoryDirectory, Staff, fold_directory};
use hearth_domain::interchange::Journey;
use hearth_standards::{AsAt, Calendar, Ruleset, StatusKind, evaluate};
use hearth_synth::{Generator, Inputs, Params};

#[derive(Default)]
struct Tally {
    met: u64,
    late: u64,
    overdue: u64,
}

impl Tally {
    fn on_time(&self) -> f64 {
        self.met as f64 / (self.met + self.late + self.overdue).max(1) as f64
    }
}

#[test]
fn practice_is_on_time_about_as_often_as_configured() {
    let as_at_date = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let as_at = AsAt::end_of(as_at_date);
    let inputs = Inputs::builtin().unwrap();
    let practice = inputs.rates.practice.clone();
    let mut generator = Generator::new(
        Params {
            population: 12_000,
            years: 3,
            seed: 7,
            as_at: as_at.instant,
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
    let mut children = BTreeMap::new();
    while let Some(lines) = generator.next_lines(500).unwrap() {
        for line in lines {
            if let Journey::Child(id, events) = line.journey {
                children.entry(id).or_insert_with(Vec::new).extend(events);
            }
        }
    }

    let rules = Ruleset::builtin("bromley").unwrap().unwrap();
    for named in practice.measured_by.values().flatten() {
        assert!(
            rules.rules.iter().any(|r| &r.id == named),
            "rates.toml names `{named}`, which is not a rule of the bromley ruleset"
        );
    }
    let calendar = Calendar::england_and_wales();
    let from = as_at_date.checked_sub_months(Months::new(12)).unwrap();
    let mut by_rule: BTreeMap<String, Tally> = BTreeMap::new();
    for (id, events) in &children {
        let evaluation = evaluate(&fold(id, events), &rules, &calendar, as_at, &staff).unwrap();
        for o in &evaluation.obligations {
            let t = by_rule.entry(o.rule.id.clone()).or_default();
            if o.due_date <= from {
                continue;
            }
            match o.status.kind() {
                StatusKind::Met => t.met += 1,
                StatusKind::MetLate => t.late += 1,
                StatusKind::Overdue => t.overdue += 1,
                _ => {}
            }
        }
    }

    let levers = [
        ("visits_on_time", practice.visits_on_time),
        ("reviews_on_time", practice.reviews_on_time),
        ("conferences_on_time", practice.conferences_on_time),
        (
            "recording_within_48_hours",
            practice.recording_within_48_hours,
        ),
        ("oversight_on_time", practice.oversight_on_time),
    ];
    let mut report = Vec::new();
    let mut outside = Vec::new();
    for (lever, configured) in levers {
        let rules = practice
            .measured_by
            .get(lever)
            .unwrap_or_else(|| panic!("rates.toml names no rules for {lever}"));
        let mut pooled = Tally::default();
        for rule in rules {
            let t = by_rule
                .get(rule.as_str())
                .unwrap_or_else(|| panic!("`{rule}` had no obligations: the generator makes none"));
            pooled.met += t.met;
            pooled.late += t.late;
            pooled.overdue += t.overdue;
        }
        let measured = pooled.on_time();
        report.push(format!(
            "{lever}: configured {configured}, measured {measured:.3}"
        ));
        if (measured - configured).abs() > 0.15 * configured {
            outside.push(lever);
        }
    }
    eprintln!("{}", report.join("\n"));
    assert!(
        outside.is_empty(),
        "levers outside 15% of their configured rate: {outside:?}\n{}",
        report.join("\n")
    );
    // Nothing was generated after the as-at instant.
    assert!(
        children
            .values()
            .flatten()
            .all(|r| r.occurred_at <= as_at.instant && r.recorded_at <= as_at.instant)
    );
}
