//! Every kind of mistake in a template file is refused when it is read, with the file, the
//! line and the key at fault.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use hearth_assurance::Template;
use hearth_assurance::template::LoadError;

const SINGLE: &str = include_str!("../templates/single-case-audit.toml");
const SUPERVISION: &str = include_str!("../templates/supervision-audit.toml");

/// The template with one piece of text replaced (which must be there), read.
fn edited(text: &str, old: &str, new: &str) -> (String, Result<Template, LoadError>) {
    assert!(text.contains(old), "the template has no {old:?}");
    let changed = text.replacen(old, new, 1);
    let result = Template::parse(&changed, "council.toml");
    (changed, result)
}

/// The line of the first occurrence of `needle` in `text`, from 1.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).unwrap();
    text[..at].matches('\n').count() + 1
}

/// Asserts a refusal at the line holding `needle`, with the key, and a message containing
/// `says`.
fn refused(text: &str, old: &str, new: &str, needle: &str, key: &str, says: &str) {
    let (changed, result) = edited(text, old, new);
    let e = result.expect_err("the template was accepted");
    assert_eq!(e.file, "council.toml");
    assert_eq!(e.line, Some(line_of(&changed, needle)), "{e}");
    assert_eq!(e.key.as_deref(), Some(key), "{e}");
    assert!(e.message.contains(says), "{e}");
    assert!(
        e.to_string()
            .starts_with(&format!("council.toml:{}: {key}: ", e.line.unwrap()))
    );
}

#[test]
fn an_unknown_key_is_refused_with_its_line_and_table() {
    refused(
        SINGLE,
        "id = \"details-current\"\n",
        "id = \"details-current\"\nwieght = 2\n",
        "wieght",
        "section.question.wieght",
        "unknown field `wieght`",
    );
    refused(
        SINGLE,
        "regrade = { working_days = 10 }\n",
        "regrade = { working_days = 10 }\ncolour = \"blue\"\n",
        "colour",
        "template.colour",
        "unknown field",
    );
}

#[test]
fn a_value_of_the_wrong_type_is_refused_at_its_key() {
    refused(
        SINGLE,
        "facts = [\"plans\", \"reviews\", \"overdue_obligations\"]\nweight = 2",
        "facts = [\"plans\", \"reviews\", \"overdue_obligations\"]\nweight = -2",
        "weight = -2",
        "section.weight",
        "u16",
    );
}

#[test]
fn an_unknown_fact_is_refused_with_the_facts_known() {
    refused(
        SINGLE,
        "facts = [\"visits\", \"missing\"]",
        "facts = [\"visits\", \"horoscope\"]",
        "horoscope",
        "section.facts",
        "`horoscope` is not known (expected one of caseload, network",
    );
}

#[test]
fn the_scale_and_its_points_are_checked() {
    refused(
        SINGLE,
        "scale = \"OFSTED_ILACS\"",
        "scale = \"FIVE_STARS\"",
        "FIVE_STARS",
        "template.scale",
        "OFSTED_ILACS, OFSTED_2009",
    );
    refused(
        SINGLE,
        "point = \"REQUIRES_IMPROVEMENT\"",
        "point = \"ADEQUATE\"",
        "ADEQUATE",
        "descriptor.point",
        "ADEQUATE is not on the scale OFSTED_ILACS",
    );
    refused(
        SINGLE,
        "point = \"REQUIRES_IMPROVEMENT\"",
        "point = \"GOOD\"",
        "point = \"GOOD\"\ntext = \"\"\"\nNo serious",
        "descriptor.point",
        "GOOD is described twice",
    );
    let (_, result) = edited(
        SINGLE,
        "[[descriptor]]\npoint = \"OUTSTANDING\"",
        "[[theme]]\nid = \"extra\"\nlabel = \"Extra\"\n[[descriptor]]\npoint = \"OUTSTANDING\"",
    );
    assert!(result.is_ok());
    // Every point must be described.
    let start = SINGLE
        .find("[[descriptor]]\npoint = \"INADEQUATE\"")
        .unwrap();
    let end = start + SINGLE[start..].find("[selection]").unwrap();
    let without = format!("{}{}", &SINGLE[..start], &SINGLE[end..]);
    let e = Template::parse(&without, "council.toml").unwrap_err();
    assert_eq!(e.key.as_deref(), Some("descriptor"));
    assert!(e.message.contains("describe INADEQUATE"), "{e}");
}

#[test]
fn ids_are_unique_and_well_formed() {
    refused(
        SINGLE,
        "id = \"current-referral\"",
        "id = \"case-information\"",
        "id = \"case-information\"\ntitle = \"Current",
        "section.id",
        "another section has this id",
    );
    refused(
        SINGLE,
        "id = \"reason-clear\"",
        "id = \"Reason Clear\"",
        "Reason Clear",
        "section.question.id",
        "lower-case letters",
    );
    refused(
        SINGLE,
        "id = \"recording\"\nlabel",
        "id = \"timeliness\"\nlabel",
        "id = \"timeliness\"\nlabel = \"Quality of recording\"",
        "theme.id",
        "another theme has this id",
    );
}

#[test]
fn weights_are_one_to_a_hundred() {
    for w in ["0", "1000"] {
        refused(
            SINGLE,
            "facts = [\"visits\", \"missing\"]\nweight = 2",
            &format!("facts = [\"visits\", \"missing\"]\nweight = {w}"),
            &format!("weight = {w}"),
            "section.weight",
            "from 1 to 100",
        );
    }
}

#[test]
fn auditors_are_roles_that_do_not_hold_cases() {
    refused(
        SINGLE,
        "\"QA_LEAD\", \"HEAD_OF_SERVICE\"]",
        "\"QA_LEAD\", \"CHIEF_EXECUTIVE\"]",
        "CHIEF_EXECUTIVE",
        "template.auditors",
        "not a valid staff role code",
    );
    refused(
        SINGLE,
        "\"QA_LEAD\", \"HEAD_OF_SERVICE\"]",
        "\"QA_LEAD\", \"SOCIAL_WORKER\"]",
        "SOCIAL_WORKER",
        "template.auditors",
        "holds cases",
    );
}

#[test]
fn periods_fit_what_they_time() {
    refused(
        SINGLE,
        "scope = { months = 12 }",
        "scope = { working_days = 12 }",
        "working_days = 12",
        "template.scope",
        "months, weeks or days",
    );
    refused(
        SINGLE,
        "safety_notice = { hours = 2 }",
        "safety_notice = { days = 2 }",
        "{ days = 2 }",
        "template.safety_notice",
        "give hours",
    );
    refused(
        SINGLE,
        "deadline = { working_days = 20 }",
        "deadline = { hours = 20 }",
        "hours = 20",
        "template.deadline",
        "working days, days, weeks or months",
    );
    refused(
        SINGLE,
        "deadline = { working_days = 20 }",
        "deadline = { months = 40 }",
        "months = 40",
        "template.deadline",
        "more than three years",
    );
}

#[test]
fn selections_are_checked_against_the_subject() {
    refused(
        SINGLE,
        "{ reason = \"WAITING_FOR_WORKER\" },",
        "{ reason = \"WAITING_FOR_GODOT\" },",
        "WAITING_FOR_GODOT",
        "selection.exclude.reason",
        "not an exclusion reason",
    );
    refused(
        SINGLE,
        "{ reason = \"AUDITED_RECENTLY\", within = { months = 6 } },",
        "{ reason = \"AUDITED_RECENTLY\" },",
        "reason = \"AUDITED_RECENTLY\"",
        "selection.exclude.within",
        "needs a period",
    );
    refused(
        SINGLE,
        "{ reason = \"WAITING_FOR_WORKER\" },",
        "{ reason = \"WAITING_FOR_WORKER\", within = { days = 3 } },",
        "reason = \"WAITING_FOR_WORKER\"",
        "selection.exclude.within",
        "takes no period",
    );
    refused(
        SINGLE,
        "per = \"team\"",
        "per = \"team\"\nstates = [\"on_holiday\"]",
        "on_holiday",
        "selection.states",
        "expected one of open_case",
    );
    refused(
        SINGLE,
        "per = \"team\"",
        "per = \"team\"\nroles = [\"SOCIAL_WORKER\"]",
        "roles = [\"SOCIAL_WORKER\"]",
        "selection.roles",
        "selects children",
    );
    refused(
        SUPERVISION,
        "per = \"team\"",
        "per = \"team\"\nstates = [\"cp_plan\"]",
        "cp_plan",
        "selection",
        "selected by role",
    );
    refused(
        SINGLE,
        "method = \"draw\"",
        "method = \"lottery\"",
        "lottery",
        "selection.method",
        "draw, programme",
    );
}

#[test]
fn facts_suit_the_subject() {
    refused(
        SUPERVISION,
        "facts = [\"supervision\", \"case_notes\"]",
        "facts = [\"supervision\", \"network\"]",
        "\"network\"",
        "section.facts",
        "a fact of one child's record",
    );
    refused(
        SINGLE,
        "facts = [\"visits\", \"missing\"]",
        "facts = [\"visits\", \"caseload\"]",
        "\"caseload\"",
        "section.facts",
        "a fact of a practitioner",
    );
}

#[test]
fn the_kind_decides_the_subject_and_its_parts() {
    refused(
        SINGLE,
        "subject = \"child\"",
        "subject = \"practitioner\"",
        "subject = \"practitioner\"",
        "template.subject",
        "a case_audit is about a child",
    );
    refused(
        SINGLE,
        "copy_to_reviewing_officer = true",
        "copy_to_reviewing_officer = true\npartner_auditors = true",
        "kind = \"case_audit\"",
        "template.partner_auditors",
        "only a multi_agency_audit",
    );
    refused(
        SINGLE,
        "answers = \"yes-partly-no\"",
        "answers = \"yes-no-maybe\"",
        "yes-no-maybe",
        "family_question.answers",
        "no answer set `yes-no-maybe`",
    );
}

#[test]
fn a_file_that_is_not_toml_is_refused_at_its_line() {
    let (changed, result) = edited(
        SINGLE,
        "[[section]]\nid = \"recording\"",
        "[[section]\nid = \"recording\"",
    );
    let e = result.unwrap_err();
    assert_eq!(
        e.line,
        Some(line_of(&changed, "[[section]\nid = \"recording\""))
    );
}
