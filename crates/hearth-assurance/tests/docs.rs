//! `docs/assurance.md` names every event kind, rule, fact and word of the template format,
//! every shipped template, and shows the errors a mistaken file really gets, so it cannot
//! fall behind the code.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use hearth_assurance::codes::{ExclusionReason, Point, Scale};
use hearth_assurance::facts::FactName;
use hearth_assurance::{
    AuditEvent, AuditKind, AuditRule, Basis, CaseState, GroupBy, Method, ScopeEvent, SubjectKind,
    Template,
};
use hearth_domain::EventKind;

const DOC: &str = include_str!("../../../docs/assurance.md");
const SINGLE: &str = include_str!("../templates/single-case-audit.toml");

fn missing<'a>(
    names: impl IntoIterator<Item = &'a str>,
    shape: impl Fn(&str) -> String,
) -> Vec<String> {
    names
        .into_iter()
        .map(shape)
        .filter(|s| !DOC.contains(s.as_str()))
        .collect()
}

#[test]
fn every_event_kind_and_rule_is_documented() {
    let kinds = missing(AuditEvent::kinds().iter().copied(), |k| {
        format!("| `{k}` |")
    });
    assert!(
        kinds.is_empty(),
        "docs/assurance.md does not describe {kinds:?}"
    );
    let rules = missing(AuditRule::ALL.iter().map(|r| r.code()), |c| {
        format!("| `{c}` |")
    });
    assert!(
        rules.is_empty(),
        "docs/assurance.md does not describe {rules:?}"
    );
}

#[test]
fn every_fact_is_documented() {
    let facts = missing(FactName::ALL.iter().map(|f| f.name()), |f| {
        format!("| `{f}` |")
    });
    assert!(
        facts.is_empty(),
        "docs/assurance.md does not describe {facts:?}"
    );
}

#[test]
fn every_word_of_the_format_is_documented() {
    let words: Vec<&str> = AuditKind::ALL
        .iter()
        .map(|w| w.name())
        .chain(SubjectKind::ALL.iter().map(|w| w.name()))
        .chain(Method::ALL.iter().map(|w| w.name()))
        .chain(GroupBy::ALL.iter().map(|w| w.name()))
        .chain(Basis::ALL.iter().map(|w| w.name()))
        .chain(CaseState::ALL.iter().map(|w| w.name()))
        .chain(ScopeEvent::ALL.iter().map(|w| w.name()))
        .chain(ExclusionReason::ALL.iter().map(|w| w.code()))
        .chain(Scale::ALL.iter().map(|w| w.code()))
        .chain(Point::ALL.iter().map(|w| w.code()))
        .collect();
    let undocumented = missing(words, |w| format!("`{w}`"));
    assert!(
        undocumented.is_empty(),
        "docs/assurance.md does not name {undocumented:?}"
    );
}

#[test]
fn every_shipped_template_is_documented() {
    let names = missing(Template::builtin_names(), |n| format!("| `{n}` |"));
    assert!(
        names.is_empty(),
        "docs/assurance.md does not list {names:?}"
    );
}

#[test]
fn the_errors_shown_are_the_errors_given() {
    let misspelt = SINGLE.replacen(
        "id = \"details-current\"\n",
        "id = \"details-current\"\nwieght = 2\n",
        1,
    );
    let e = Template::parse(&misspelt, "council.toml")
        .unwrap_err()
        .to_string();
    assert!(DOC.contains(&e), "docs/assurance.md should show: {e}");
    let misnamed = SINGLE.replacen(
        "facts = [\"visits\", \"missing\"]",
        "facts = [\"visits\", \"horoscope\"]",
        1,
    );
    let e = Template::parse(&misnamed, "council.toml")
        .unwrap_err()
        .to_string();
    let shown = e.split(", professionals,").next().unwrap();
    assert!(DOC.contains(shown), "docs/assurance.md should show: {e}");
}
