//! A council changes its audit template by editing the file alone: a new question and a new
//! weight. The changed file is read back from disk, an audit is graded under it, and the
//! built audit shows the question and scores with the weight; no code changes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use hearth_assurance::event::{Answer, AuditEvent};
use hearth_assurance::sheet::{Score, build, score};
use hearth_assurance::{Point, Template};

const SHIPPED: &str = include_str!("../templates/single-case-audit.toml");

/// The shipped file, with a question added to the recording section (weighing five) and the
/// child focus section's weight raised from 2 to 3, written to disk and read back.
fn councils_file() -> Template {
    let added = "\n[[section.question]]\nid = \"genogram\"\ntext = \"Is there a genogram, and is it current?\"\nguidance = \"Three generations where they are known.\"\nweight = 5\n";
    let anchor = "text = \"Does practice show awareness of the law on records, data protection and freedom of information?\"\n";
    assert!(SHIPPED.contains(anchor));
    let heavier = "facts = [\"visits\", \"missing\"]\nweight = 2";
    assert!(SHIPPED.contains(heavier));
    let text = SHIPPED
        .replacen(anchor, &format!("{anchor}{added}"), 1)
        .replacen(heavier, "facts = [\"visits\", \"missing\"]\nweight = 3", 1);
    // Each caller writes its own file: tests run at once, and a shared path was read while
    // another test was still writing it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("council-single-case-audit.toml");
    std::fs::write(&path, text).unwrap();
    let read = std::fs::read_to_string(&path).unwrap();
    Template::parse(&read, &path.display().to_string()).unwrap()
}

/// Grades the recording section (the new question inadequate, the rest good) and the child
/// focus section (outstanding throughout).
fn graded(t: Template) -> Scenario {
    let mut s = Scenario::under(t, team("TSC1"), children(), &[], "A1");
    s.assign("TM2");
    let mut recording = s.section_event("recording", Point::Good);
    if let AuditEvent::SectionGraded { answers, .. } = &mut recording {
        for a in answers.iter_mut().filter(|a| a.question == "genogram") {
            a.grade = Some(grade(Point::Inadequate));
        }
    }
    s.ok("2025-06-04", "TM2", recording);
    let focus = s.section_event("child-focus", Point::Outstanding);
    s.ok("2025-06-04", "TM2", focus);
    s
}

#[test]
fn a_new_question_and_a_new_weight_reach_the_audit_from_the_file_alone() {
    let shipped = Template::builtin("single-case-audit").unwrap().unwrap();
    let council = councils_file();

    let recording = council.section("recording").unwrap();
    let genogram = recording.question("genogram").unwrap();
    assert_eq!(genogram.weight, 5);
    assert_eq!(council.section("child-focus").unwrap().weight, 3);
    assert!(
        shipped
            .section("recording")
            .unwrap()
            .question("genogram")
            .is_none()
    );

    let s = graded(council.clone());
    let sheet = build(&council, &s.audit, &[]);
    let q = sheet
        .sections
        .iter()
        .find(|x| x.id == "recording")
        .unwrap()
        .questions
        .iter()
        .find(|q| q.id == "genogram")
        .unwrap();
    assert_eq!(q.text, "Is there a genogram, and is it current?");
    assert_eq!(q.weight, 5);
    assert_eq!(q.answer, Some(Some(grade(Point::Inadequate))));

    // Recording: six questions good (3 each) and the genogram inadequate (1) weighing 5;
    // child focus: seven questions outstanding (4) weighing 3 each.
    let expected = Score {
        points: 6 * 3 + 5 + 7 * 3 * 4,
        weight: 6 + 5 + 7 * 3,
        answered: 14,
    };
    assert_eq!(sheet.score, expected);
    assert_eq!(sheet.suggested, Some(grade(Point::Good)));

    // The same grading under the shipped file scores differently: no genogram, and child
    // focus weighing 2.
    let before = graded(shipped.clone());
    assert_eq!(
        score(&shipped, &before.audit),
        Score {
            points: 6 * 3 + 7 * 2 * 4,
            weight: 6 + 7 * 2,
            answered: 13,
        }
    );
}

#[test]
fn the_new_question_must_be_answered_and_the_old_file_refuses_it() {
    let council = councils_file();
    let mut s = Scenario::under(council, team("TSC1"), children(), &[], "A1");
    s.assign("TM2");
    let mut e = s.section_event("recording", Point::Good);
    if let AuditEvent::SectionGraded { answers, .. } = &mut e {
        answers.retain(|a| a.question != "genogram");
    }
    s.refused(
        "2025-06-04",
        "TM2",
        e,
        hearth_assurance::AuditRule::UnansweredQuestion,
    );

    let mut old = Scenario::case_audit();
    old.assign("TM2");
    let mut e = old.section_event("recording", Point::Good);
    if let AuditEvent::SectionGraded { answers, .. } = &mut e {
        answers.push(Answer {
            question: "genogram".to_owned(),
            grade: Some(grade(Point::Good)),
        });
    }
    old.refused(
        "2025-06-04",
        "TM2",
        e,
        hearth_assurance::AuditRule::UnknownQuestion,
    );
}
