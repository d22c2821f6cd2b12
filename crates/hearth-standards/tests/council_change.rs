//! A council's own standard is a change to its file, not to the code: visiting children in
//! need every 15 working days instead of 20 moves the due dates, and nothing else.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use hearth_standards::Ruleset;
use hearth_standards::ruleset::BUILTIN;

/// The shipped local ruleset with one rule's block edited.
fn edited(rule: &str, from: &str, to: &str) -> Ruleset {
    let text = BUILTIN.iter().find(|(n, _)| *n == "bromley").unwrap().1;
    let start = text.find(&format!("id = \"{rule}\"")).unwrap();
    let end = text[start..]
        .find("[[rule]]")
        .map_or(text.len(), |n| start + n);
    let block = &text[start..end];
    assert!(block.contains(from), "{rule} does not say {from}");
    let changed = format!(
        "{}{}{}",
        &text[..start],
        block.replace(from, to),
        &text[end..]
    );
    Ruleset::parse(&changed, "bromley-edited.toml").unwrap()
}

#[test]
fn child_in_need_visits_every_15_working_days() {
    // Plan from Friday 2 December 2022; visits on 23 December and 18 January.
    let c = child("2012-06-01")
        .open_case("2022-11-01")
        .cin_plan("2022-12-02")
        .at("2022-12-23", VISIT)
        .at("2023-01-18", VISIT);
    let shipped = ruleset("bromley");
    let local = edited("cin-visit", "working_days = 20", "working_days = 15");
    let visits = |rules: &Ruleset| {
        brief(
            &eval(&c.record(), rules, "2023-01-31")
                .obligations
                .into_iter()
                .filter(|o| o.rule.id == "cin-visit")
                .collect::<Vec<_>>(),
        )
    };
    // Twenty working days over Christmas: 4 January, then 25 January, then 15 February.
    assert_eq!(
        visits(&shipped),
        ["2023-01-04 met", "2023-01-25 met", "2023-02-15 upcoming"]
    );
    // Fifteen: 23 December, then 18 January, then 8 February.
    assert_eq!(
        visits(&local),
        ["2022-12-23 met", "2023-01-18 met", "2023-02-08 upcoming"]
    );
    // Every other rule is as shipped.
    for (a, b) in shipped.rules.iter().zip(&local.rules) {
        if a.id != "cin-visit" {
            assert_eq!(a, b);
        }
    }
}

#[test]
fn a_monthly_chronology_is_one_edit() {
    // The recording section asks for monthly chronologies; the file's note says how.
    let c = child("2012-06-01").open_case("2023-01-31");
    let local = edited("chronology", "months = 3", "months = 1");
    let due: Vec<_> = eval(&c.record(), &local, "2023-02-01")
        .obligations
        .into_iter()
        .filter(|o| o.rule.id == "chronology")
        .map(|o| o.due_date.to_string())
        .collect();
    // A month after 31 January is the last day of February.
    assert_eq!(due, ["2023-02-28"]);
}
