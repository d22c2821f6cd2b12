//! `docs/standards.md` names every shipped rule and every word a ruleset can use, so the
//! documentation cannot fall behind the code.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use hearth_standards::Ruleset;
use hearth_standards::obligation::StatusKind;
use hearth_standards::vocabulary::{FactCondition, FactKind, FilterKey, State};

const DOC: &str = include_str!("../../../docs/standards.md");

fn missing<'a>(words: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    words.filter(|w| !DOC.contains(&format!("`{w}`"))).collect()
}

#[test]
fn every_shipped_rule_is_documented() {
    for name in Ruleset::builtin_names() {
        assert!(
            DOC.contains(&format!("### `{name}`")),
            "{name} has no table"
        );
        let rules = Ruleset::builtin(name).unwrap().unwrap();
        let ids: Vec<&str> = rules.rules.iter().map(|r| r.id.as_str()).collect();
        assert!(missing(ids.into_iter()).is_empty(), "{name}");
    }
}

#[test]
fn every_word_of_the_format_is_documented() {
    assert_eq!(
        missing(FactKind::ALL.iter().map(|k| k.name())),
        Vec::<&str>::new()
    );
    assert_eq!(
        missing(FactCondition::ALL.iter().map(|c| c.name())),
        Vec::<&str>::new()
    );
    assert_eq!(
        missing(FilterKey::ALL.iter().map(|f| f.name())),
        Vec::<&str>::new()
    );
    assert_eq!(
        missing(State::ALL.iter().map(|s| s.name())),
        Vec::<&str>::new()
    );
    let statuses = [
        StatusKind::Upcoming,
        StatusKind::DueSoon,
        StatusKind::Overdue,
        StatusKind::Met,
        StatusKind::MetLate,
        StatusKind::NotApplicable,
        StatusKind::Varied,
    ];
    assert_eq!(
        missing(statuses.iter().map(|s| s.name())),
        Vec::<&str>::new()
    );
}
