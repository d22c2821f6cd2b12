//! A ruleset cut down to some rules gives, for each of them, exactly the obligations the
//! whole ruleset gives: tried for every rule of every shipped ruleset on every fixture child.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use hearth_domain::ChildStream;
use hearth_standards::{AsAt, Calendar, Ruleset, evaluate};

#[test]
fn each_rule_alone_gives_what_it_gives_in_the_whole_ruleset() {
    let (staff, children) = fixture();
    let calendar = Calendar::england_and_wales();
    let as_at = AsAt::end_of(date("2025-06-30"));
    let records: Vec<_> = children
        .into_iter()
        .map(|(id, events)| ChildStream::from_events(id, events).record().clone())
        .collect();
    let mut compared = 0;
    for name in Ruleset::builtin_names() {
        let whole = ruleset(name);
        for rule in &whole.rules {
            let cut = whole.only(&[rule.id.as_str()]);
            assert!(cut.rules.len() <= whole.rules.len());
            assert!(cut.rule(&rule.id).is_some());
            for record in &records {
                let all = evaluate(record, &whole, &calendar, as_at, &staff).unwrap();
                let alone = evaluate(record, &cut, &calendar, as_at, &staff).unwrap();
                let of = |e: &hearth_standards::ChildEvaluation| {
                    e.obligations
                        .iter()
                        .filter(|o| o.rule.id == rule.id)
                        .cloned()
                        .collect::<Vec<_>>()
                };
                assert_eq!(
                    of(&all),
                    of(&alone),
                    "{name}: {} for {}",
                    rule.id,
                    record.id
                );
                compared += of(&all).len();
            }
        }
    }
    assert!(compared > 100, "only {compared} obligations compared");
}

#[test]
fn a_chained_rule_keeps_the_rule_it_follows() {
    let bromley = ruleset("bromley");
    let cut = bromley.only(&["core-group"]);
    let ids: Vec<&str> = cut.rules.iter().map(|r| r.id.as_str()).collect();
    assert!(ids.contains(&"core-group"));
    assert!(
        ids.len() >= 2,
        "the rule chaining to core-group is kept: {ids:?}"
    );
    assert!(bromley.only(&["no-such-rule"]).rules.is_empty());
}
