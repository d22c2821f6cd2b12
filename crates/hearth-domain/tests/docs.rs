//! The user documentation names every event kind and every rule, so it cannot fall behind
//! the code.

use hearth_domain::child::ChildEvent;
use hearth_domain::directory::{
    AdopterEvent, PersonEvent, ProfessionalEvent, StaffEvent, TeamEvent,
};
use hearth_domain::{EventKind, Rule};

const RECORD: &str = include_str!("../../../docs/record.md");
const INTERCHANGE: &str = include_str!("../../../docs/interchange.md");

#[test]
fn every_child_event_kind_is_documented() {
    let missing: Vec<_> = ChildEvent::kinds()
        .iter()
        .filter(|k| !RECORD.contains(&format!("| `{k}` |")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/record.md does not describe: {missing:?}"
    );
}

#[test]
fn every_directory_event_kind_is_documented() {
    let kinds = [
        TeamEvent::kinds(),
        StaffEvent::kinds(),
        PersonEvent::kinds(),
        ProfessionalEvent::kinds(),
        AdopterEvent::kinds(),
    ]
    .concat();
    let missing: Vec<_> = kinds
        .iter()
        .filter(|k| !INTERCHANGE.contains(&format!("`{k}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/interchange.md does not name: {missing:?}"
    );
}

#[test]
fn every_rule_is_documented() {
    let missing: Vec<_> = Rule::ALL
        .iter()
        .filter(|r| !RECORD.contains(&format!("| `{}` |", r.code())))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/record.md does not describe: {missing:?}"
    );
}
