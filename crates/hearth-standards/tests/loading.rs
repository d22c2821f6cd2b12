//! Reading ruleset files: the shipped ones load, and every kind of mistake is refused with
//! the file, the rule and the key at fault.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use hearth_standards::{LoadError, Ruleset};

const HEADER: &str = r#"
[ruleset]
id = "test-council"
name = "Test council"
due_soon = { working_days = 3 }
"#;

const VISITS: &str = r#"
[[rule]]
id = "visits"
summary = "Visit the child"
owner = "SOCIAL_WORKER"
applies = { any = ["cp_plan"] }
start = "period_start"
due = { working_days = 10 }
satisfied_by = { events = [{ event = "visit_made", conditions = ["child_seen"] }] }
repeat = { every = { working_days = 10 } }
"#;

fn parse(rules: &str) -> Result<Ruleset, LoadError> {
    Ruleset::parse(&format!("{HEADER}{rules}"), "test.toml")
}

fn refused(rules: &str) -> String {
    parse(rules).unwrap_err().to_string()
}

/// The file, the rule and every fragment must appear in the message.
fn assert_refused(rules: &str, fragments: &[&str]) {
    let message = refused(rules);
    assert!(message.starts_with("test.toml"), "{message}");
    for f in fragments {
        assert!(message.contains(f), "{message:?} lacks {f:?}");
    }
}

#[test]
fn the_shipped_rulesets_load() {
    for name in Ruleset::builtin_names() {
        let r = Ruleset::builtin(name).unwrap().unwrap();
        assert_eq!(r.id, name);
        assert!(!r.rules.is_empty());
    }
    assert!(Ruleset::builtin("nowhere").is_none());
    let ok = parse(VISITS).unwrap();
    assert_eq!(ok.rules.len(), 1);
}

#[test]
fn an_unknown_key_is_refused_with_its_rule_and_line() {
    let rules = VISITS.replace("repeat =", "evry = 3\nrepeat =");
    let e = parse(&rules).unwrap_err();
    assert_eq!(e.rule.as_deref(), Some("visits"));
    assert!(e.line.is_some());
    assert!(e.to_string().contains("evry"), "{e}");
    // Inside a nested table too.
    assert_refused(
        &VISITS.replace("event = \"visit_made\"", "evnt = \"visit_made\""),
        &["visits", "evnt"],
    );
    // And in the header.
    let e = Ruleset::parse(
        &format!("{}\ncolour = \"blue\"\n", HEADER.trim_end()),
        "test.toml",
    )
    .unwrap_err();
    assert!(e.to_string().contains("colour"), "{e}");
}

#[test]
fn unknown_names_are_refused() {
    assert_refused(
        &VISITS.replace("\"visit_made\"", "\"visit_mad\""),
        &[
            "rule `visits`",
            "satisfied_by.events[0].event",
            "visit_mad",
            "visit_made",
        ],
    );
    assert_refused(
        &VISITS.replace("\"child_seen\"", "\"child_sen\""),
        &[
            "satisfied_by.events[0].conditions",
            "child_sen",
            "seen_alone_or_reason",
        ],
    );
    assert_refused(
        &VISITS.replace("\"cp_plan\"", "\"cp_plna\""),
        &["applies.any", "cp_plna", "looked_after"],
    );
    assert_refused(
        &VISITS.replace("SOCIAL_WORKER", "SOCIAL_WORKR"),
        &["owner", "SOCIAL_WORKR"],
    );
    assert_refused(
        &VISITS.replace(
            "{ working_days = 10 }\nsatisfied_by",
            "{ wrking_days = 10 }\nsatisfied_by",
        ),
        &["wrking_days"],
    );
}

#[test]
fn filters_must_fit_the_event_and_use_real_codes() {
    assert_refused(
        &VISITS.replace("conditions = [\"child_seen\"]", "outcome = [\"CP_PLAN\"]"),
        &[
            "satisfied_by.events[0].outcome",
            "visit_made does not filter on `outcome`",
        ],
    );
    assert_refused(
        &VISITS.replace(
            "{ event = \"visit_made\", conditions = [\"child_seen\"] }",
            "{ event = \"meeting_held\", meeting = [\"PANEL\"] }",
        ),
        &[
            "satisfied_by.events[0].meeting",
            "'PANEL' is not a valid meeting kind code",
        ],
    );
    assert_refused(
        &VISITS.replace(
            "conditions = [\"child_seen\"]",
            "conditions = [\"child_seen\"], nth = 2",
        ),
        &["nth", "only a clock start"],
    );
    assert_refused(
        &VISITS.replace("conditions = [\"child_seen\"]", "or_withheld = true"),
        &["or_withheld"],
    );
}

#[test]
fn chains_must_hold_together() {
    let follows = r#"
[[rule]]
id = "after-visits"
summary = "Follow up"
owner = "TEAM_MANAGER"
start = "chained"
due = { hours = 72 }
satisfied_by = { events = [{ event = "management_oversight_recorded" }] }
"#;
    // Nothing chains to it.
    assert_refused(&format!("{VISITS}{follows}"), &["after-visits", "chain_to"]);
    // Chained to a rule that does not exist.
    assert_refused(
        &VISITS.replace("repeat =", "chain_to = \"nowhere\"\nrepeat ="),
        &["chain_to", "nowhere"],
    );
    // Chained to a rule that starts its own clock.
    let other = VISITS.replace("id = \"visits\"", "id = \"other\"");
    assert_refused(
        &format!(
            "{}{other}",
            VISITS.replace("repeat =", "chain_to = \"other\"\nrepeat =")
        ),
        &["chain_to", "start = \"chained\""],
    );
    // Chained properly, it loads.
    let chained = format!(
        "{}{follows}",
        VISITS.replace("repeat =", "chain_to = \"after-visits\"\nrepeat =")
    );
    assert!(parse(&chained).is_ok());
    // A loop is refused.
    let a = follows
        .replace("id = \"after-visits\"", "id = \"a\"")
        .replace("due =", "chain_to = \"b\"\ndue =");
    let b = follows
        .replace("id = \"after-visits\"", "id = \"b\"")
        .replace("due =", "chain_to = \"a\"\ndue =");
    assert_refused(&format!("{a}{b}"), &["chain comes back"]);
}

#[test]
fn shapes_that_cannot_be_evaluated_are_refused() {
    // Hours cannot count back from a meeting.
    assert_refused(
        &VISITS
            .replace(
                "start = \"period_start\"",
                "start = { before_meeting = [\"RCPC\"] }",
            )
            .replace("due = { working_days = 10 }", "due = { hours = 48 }")
            .replace("repeat = { every = { working_days = 10 } }\n", ""),
        &["due", "counts back"],
    );
    // Recording meets only a clock started by an event.
    assert_refused(
        &VISITS
            .replace(
                "satisfied_by = { events = [{ event = \"visit_made\", conditions = [\"child_seen\"] }] }",
                "satisfied_by = \"recording\"",
            )
            .replace("repeat = { every = { working_days = 10 } }\n", ""),
        &["satisfied_by", "recording"],
    );
    // An interpretation must say how the source was read.
    assert_refused(
        &VISITS.replace("repeat =", "interpreted = true\nrepeat ="),
        &["note", "interpreted"],
    );
    // Two rules with one id.
    assert_refused(
        &format!("{VISITS}{VISITS}"),
        &["visits", "another rule has this id"],
    );
    // A slip of a unit.
    assert_refused(
        &VISITS.replace("every = { working_days = 10 }", "every = { weeks = 2000 }"),
        &["repeat.every", "more than three years"],
    );
    // Months of an age.
    assert_refused(
        &VISITS.replace(
            "any = [\"cp_plan\"]",
            "any = [\"cp_plan\"], age_from = { years = 15, months = 14 }",
        ),
        &["applies.age_from", "14 months"],
    );
}

#[test]
fn an_action_clock_is_met_by_the_action_done_and_nothing_else() {
    const ACTIONS: &str = r#"
[[rule]]
id = "actions"
summary = "Do each action by its date"
owner = "SOCIAL_WORKER"
start = "actions"
due = { days = 0 }
satisfied_by = "action_done"
"#;
    assert_eq!(parse(ACTIONS).unwrap().rules.len(), 1);
    assert_refused(
        &ACTIONS.replace(
            "satisfied_by = \"action_done\"",
            "satisfied_by = { events = [{ event = \"core_group_held\" }] }",
        ),
        &["actions", "satisfied_by", "action_done"],
    );
    assert_refused(
        &VISITS.replace(
            "satisfied_by = { events = [{ event = \"visit_made\", conditions = [\"child_seen\"] }] }",
            "satisfied_by = \"action_done\"",
        ),
        &["visits", "satisfied_by"],
    );
    assert_refused(
        &ACTIONS.replace("due = { days = 0 }", "due = { hours = 4 }"),
        &["actions", "due"],
    );
    assert_refused(
        &format!("{ACTIONS}repeat = {{ every = {{ weeks = 1 }} }}\n"),
        &["actions", "repeat"],
    );
}
