//! Every rule of the audit record, refused with its code and nothing changed. The last test
//! fails if a rule has no test here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use hearth_assurance::check::{AuditRule, Context, check};
use hearth_assurance::codes::{
    ConcernRecipient, ExemptionReason, FeedbackMethod, FeedbackNotTaken, FindingKind, Respondent,
};
use hearth_assurance::event::{
    ActionOwner, Answer, Attendee, AuditEvent, EvidenceRef, FamilyAnswer, Reflection,
};
use hearth_assurance::selection::Subject;
use hearth_assurance::{ActionNo, Audit, AuditId, Grade, Point, Scale};
use hearth_domain::codes::Agency;
use hearth_domain::values::Line;

const SELF: &str = include_str!("rules.rs");

fn line(s: &str) -> Line {
    Line::parse(s).unwrap()
}

/// The case audit assigned to TM2, who neither holds nor manages TSC1's cases.
fn assigned() -> Scenario {
    let mut s = Scenario::case_audit();
    s.assign("TM2");
    s
}

fn finding(themes: &[&str]) -> AuditEvent {
    AuditEvent::FindingRecorded {
        kind: FindingKind::Development,
        text: text("The chronology stops in January."),
        themes: themes.iter().map(|t| (*t).to_owned()).collect(),
    }
}

fn reflection(s: &Scenario) -> AuditEvent {
    AuditEvent::ReflectionRecorded {
        worker: staff_id("SW1"),
        answers: s
            .template
            .reflection
            .iter()
            .map(|p| Reflection {
                prompt: p.id.clone(),
                text: text("My view."),
            })
            .collect(),
    }
}

fn family() -> AuditEvent {
    AuditEvent::FamilyFeedbackRecorded {
        respondent: Respondent::Parent,
        method: FeedbackMethod::Telephone,
        answers: vec![
            FamilyAnswer {
                question: "listened-to".to_owned(),
                option: Some("partly".to_owned()),
                text: None,
            },
            FamilyAnswer {
                question: "difference".to_owned(),
                option: None,
                text: Some(text("Things are calmer at home.")),
            },
        ],
    }
}

/// Graded, with a finding, the reflection discussed and the family heard.
fn ready_to_complete() -> Scenario {
    let mut s = assigned();
    s.grade_all("2025-06-05", "TM2", Point::Good);
    s.ok("2025-06-05", "TM2", finding(&["recording"]));
    let r = reflection(&s);
    s.ok("2025-06-06", "SW1", r);
    s.ok(
        "2025-06-06T15:00",
        "TM2",
        AuditEvent::ReflectionDiscussed {
            worker: staff_id("SW1"),
            note: text("We talked about the chronology."),
        },
    );
    s.ok("2025-06-09", "TM2", family());
    s
}

fn completed() -> Scenario {
    let mut s = ready_to_complete();
    s.ok("2025-06-10", "TM2", AuditEvent::AuditCompleted {});
    s
}

fn regraded(p: Point) -> Scenario {
    let mut s = completed();
    let deadline = s.calendar.add_working_days(date("2025-06-11"), 10).unwrap();
    s.ok(
        "2025-06-11",
        "QA1",
        AuditEvent::RegradeAssigned {
            auditor: staff_id("QA2"),
            deadline,
        },
    );
    let sections = s.all_sections(p);
    s.ok(
        "2025-06-13",
        "QA2",
        AuditEvent::RegradeRecorded {
            sections,
            overall: grade(p),
            reasons: text("Second look."),
        },
    );
    s
}

fn action(no: u16, owner: ActionOwner, due: &str) -> AuditEvent {
    AuditEvent::ActionAgreed {
        action: ActionNo(no),
        what: text("Update the chronology."),
        owner,
        due: date(due),
    }
}

fn staff_owner(s: &str) -> ActionOwner {
    ActionOwner::Staff { staff: staff_id(s) }
}

#[test]
fn recorded_before_occurred() {
    let mut s = Scenario::case_audit();
    let mut e = ev(
        "2025-06-03",
        "QA1",
        AuditEvent::AuditorAssigned {
            auditor: staff_id("TM2"),
            deadline: date("2025-06-20"),
        },
    );
    e.recorded_at = when("2025-06-02");
    let v = s.try_event(e).unwrap_err();
    assert_eq!(v.rule, AuditRule::RecordedBeforeOccurred);
}

#[test]
fn staff_not_in_post() {
    let mut s = Scenario::case_audit();
    s.dir.staff.get_mut(&staff_id("TM2")).unwrap().left = Some(date("2025-05-30"));
    let deadline = s.deadline(5);
    s.refused(
        "2025-06-03",
        "QA1",
        AuditEvent::AuditorAssigned {
            auditor: staff_id("TM2"),
            deadline,
        },
        AuditRule::StaffNotInPost,
    );
    s.refused(
        "2025-06-03",
        "ZZ9",
        AuditEvent::AuditWithdrawn {
            reason: text("No."),
        },
        AuditRule::StaffNotInPost,
    );
}

#[test]
fn an_audit_starts_with_its_selection_once() {
    let s = Scenario::case_audit();
    let fresh = Audit::new(AuditId::parse("A2").unwrap());
    let e = ev(
        "2025-06-03",
        "QA1",
        AuditEvent::AuditorAssigned {
            auditor: staff_id("TM2"),
            deadline: date("2025-06-20"),
        },
    );
    assert_eq!(
        check(&fresh, &e, &s.ctx()).unwrap_err().rule,
        AuditRule::NotSelected
    );
    let mut s = s;
    let again = s.selected_event();
    s.refused(ON, "QA1", again, AuditRule::AlreadySelected);
}

#[test]
fn events_are_checked_under_the_template_selected() {
    let s = Scenario::case_audit();
    let other = template("deep-dive-missing");
    let ctx = Context {
        template: &other,
        ..s.ctx()
    };
    let e = ev(
        "2025-06-03",
        "QA1",
        AuditEvent::AuditorAssigned {
            auditor: staff_id("TM2"),
            deadline: date("2025-06-20"),
        },
    );
    assert_eq!(
        check(&s.audit, &e, &ctx).unwrap_err().rule,
        AuditRule::TemplateMismatch
    );
}

#[test]
fn a_hand_picked_case_cannot_be_entered_as_a_selection() {
    let s = Scenario::case_audit();
    let g = s.selection.group(&s.group).unwrap();
    let other = g
        .eligible
        .iter()
        .find(|e| **e != s.subject)
        .unwrap()
        .clone();
    let mut e = s.selected_event();
    if let AuditEvent::AuditSelected { subject, .. } = &mut e {
        *subject = other;
    }
    let fresh = Audit::new(AuditId::parse("A2").unwrap());
    let v = check(&fresh, &ev(ON, "QA1", e), &s.ctx()).unwrap_err();
    assert_eq!(v.rule, AuditRule::SelectionNotDrawn);
    assert!(v.message.contains("only the draw's cases"), "{}", v.message);

    // Nor one outside the group, nor without the draw made again.
    let mut e = s.selected_event();
    if let AuditEvent::AuditSelected { group, .. } = &mut e {
        *group = team("TLA1");
    }
    let v = check(&fresh, &ev(ON, "QA1", e), &s.ctx()).unwrap_err();
    assert_eq!(v.rule, AuditRule::SelectionNotDrawn);
    let no_draw = Context {
        selection: None,
        ..s.ctx()
    };
    let v = check(&fresh, &ev(ON, "QA1", s.selected_event()), &no_draw).unwrap_err();
    assert_eq!(v.rule, AuditRule::SelectionNotDrawn);
}

#[test]
fn a_selection_carries_the_draws_seed_list_and_exclusions() {
    let s = Scenario::case_audit();
    let fresh = Audit::new(AuditId::parse("A2").unwrap());
    let tamper: [fn(&mut AuditEvent); 5] = [
        |e| {
            if let AuditEvent::AuditSelected { seed, .. } = e {
                *seed = Some(hearth_assurance::Seed(43));
            }
        },
        |e| {
            if let AuditEvent::AuditSelected { eligible_hash, .. } = e {
                *eligible_hash = "0".repeat(64);
            }
        },
        |e| {
            if let AuditEvent::AuditSelected { eligible_count, .. } = e {
                *eligible_count += 1;
            }
        },
        |e| {
            if let AuditEvent::AuditSelected { excluded, .. } = e {
                excluded.push(hearth_assurance::selection::Excluded {
                    subject: Subject::Child {
                        child: child_id("A9"),
                    },
                    reason: hearth_assurance::codes::ExclusionReason::AuditedRecently,
                });
            }
        },
        |e| {
            if let AuditEvent::AuditSelected { scope_from, .. } = e {
                *scope_from = date("2025-01-01");
            }
        },
    ];
    for t in tamper {
        let mut e = s.selected_event();
        t(&mut e);
        let v = check(&fresh, &ev(ON, "QA1", e), &s.ctx()).unwrap_err();
        assert_eq!(v.rule, AuditRule::SelectionMismatch, "{v}");
    }
    // Recorded on another day than the draw's.
    let v = check(
        &fresh,
        &ev("2025-06-03", "QA1", s.selected_event()),
        &s.ctx(),
    )
    .unwrap_err();
    assert_eq!(v.rule, AuditRule::SelectionMismatch);
}

#[test]
fn only_coordinators_select_assign_and_withdraw() {
    let mut s = Scenario::case_audit();
    let deadline = s.deadline(5);
    s.refused(
        "2025-06-03",
        "SW2",
        AuditEvent::AuditorAssigned {
            auditor: staff_id("TM2"),
            deadline,
        },
        AuditRule::NeedsCoordinator,
    );
    s.refused(
        "2025-06-03",
        "TM3",
        AuditEvent::AuditWithdrawn {
            reason: text("Moved away."),
        },
        AuditRule::NeedsCoordinator,
    );
}

#[test]
fn an_auditor_holds_a_role_the_template_allows() {
    let mut s = Scenario::case_audit();
    let deadline = s.deadline(5);
    for who in ["SW2", "RO1"] {
        s.refused(
            "2025-06-03",
            "QA1",
            AuditEvent::AuditorAssigned {
                auditor: staff_id(who),
                deadline,
            },
            AuditRule::AuditorRole,
        );
    }
}

#[test]
fn the_auditor_may_not_hold_or_manage_the_case() {
    let mut s = Scenario::case_audit();
    let deadline = s.deadline(5);
    // SW1 holds it; TM1 allocated it and manages SW1; GM1 and HOS1 are above TM1.
    for who in ["TM1", "GM1", "HOS1"] {
        let m = s.refused(
            "2025-06-03",
            "QA1",
            AuditEvent::AuditorAssigned {
                auditor: staff_id(who),
                deadline,
            },
            AuditRule::AuditorManagesCase,
        );
        assert!(m.contains(who), "{m}");
    }
    // A team manager of another team, and a QA lead, may.
    for who in ["TM2", "QA2"] {
        s.ok(
            "2025-06-03",
            "QA1",
            AuditEvent::AuditorAssigned {
                auditor: staff_id(who),
                deadline,
            },
        );
    }
}

#[test]
fn grading_needs_an_assigned_auditor_and_is_theirs_alone() {
    let mut s = Scenario::case_audit();
    let e = s.section_event("recording", Point::Good);
    s.refused("2025-06-04", "TM2", e.clone(), AuditRule::NotAssigned);
    s.assign("TM2");
    s.refused("2025-06-04", "QA2", e.clone(), AuditRule::NotTheAuditor);
    s.ok("2025-06-04", "TM2", e);
}

#[test]
fn the_auditor_does_not_change_once_grading_starts() {
    let mut s = assigned();
    let e = s.section_event("recording", Point::Good);
    s.ok("2025-06-04", "TM2", e);
    let deadline = s.deadline(10);
    s.refused(
        "2025-06-05",
        "QA1",
        AuditEvent::AuditorAssigned {
            auditor: staff_id("TM3"),
            deadline,
        },
        AuditRule::AssignmentAfterGrading,
    );
}

#[test]
fn a_deadline_falls_within_the_templates_timescale() {
    let mut s = Scenario::case_audit();
    for deadline in [s.deadline(21), date("2025-06-01")] {
        s.refused(
            &format!("{ON}T12:00"),
            "QA1",
            AuditEvent::AuditorAssigned {
                auditor: staff_id("TM2"),
                deadline,
            },
            AuditRule::DeadlineBeyondTimescale,
        );
    }
    // Twenty working days from Monday 2 June 2025 is Monday 30 June.
    assert_eq!(s.deadline(20), date("2025-06-30"));
    s.assign("TM2");
}

#[test]
fn only_the_head_of_service_exempts_and_only_later() {
    let mut s = assigned();
    let exemption = |by: &str, deadline: &str| AuditEvent::ExemptionGranted {
        by: staff_id(by),
        reason: ExemptionReason::SickLeave,
        note: text("The auditor is off sick for two weeks."),
        deadline: date(deadline),
    };
    s.refused(
        "2025-06-10",
        "GM1",
        exemption("GM1", "2025-07-14"),
        AuditRule::ExemptionNeedsHeadOfService,
    );
    s.refused(
        "2025-06-10",
        "QA1",
        exemption("HOS1", "2025-07-14"),
        AuditRule::ExemptionNeedsHeadOfService,
    );
    s.refused(
        "2025-06-10",
        "HOS1",
        exemption("HOS1", "2025-06-27"),
        AuditRule::ExemptionDeadline,
    );
    s.ok("2025-06-10", "HOS1", exemption("HOS1", "2025-07-14"));
    assert_eq!(s.audit.deadline(), Some(date("2025-07-14")));
    assert_eq!(
        s.audit.deadline_as_at(Some(when("2025-06-09"))),
        Some(date("2025-06-30")),
        "before the exemption, the assignment's deadline stood"
    );
}

#[test]
fn parts_the_template_lacks_are_refused() {
    let mut s = assigned();
    s.refused(
        "2025-06-04",
        "QA1",
        AuditEvent::PartnerAuditorAdded {
            agency: Agency::Health,
            name: line("Dr Ada Quill"),
            organisation: line("Community paediatrics"),
        },
        AuditRule::NotInTemplate,
    );
    let mut dive = Scenario::with(
        "deep-dive-missing",
        hearth_assurance::Group::Service {
            service: hearth_domain::codes::ServiceArea::SafeguardingCarePlanning,
        },
        missing_children(),
        &[],
    );
    dive.assign("TM3");
    dive.grade_all("2025-06-04", "TM3", Point::Good);
    dive.ok("2025-06-04", "TM3", finding(&["return-interviews"]));
    let r = AuditEvent::ReflectionRecorded {
        worker: staff_id("SW1"),
        answers: dive
            .template
            .reflection
            .iter()
            .map(|p| Reflection {
                prompt: p.id.clone(),
                text: text("Mine."),
            })
            .collect(),
    };
    dive.ok("2025-06-05", "SW1", r);
    dive.ok(
        "2025-06-05",
        "TM3",
        AuditEvent::ReflectionDiscussed {
            worker: staff_id("SW1"),
            note: text("Talked."),
        },
    );
    dive.ok(
        "2025-06-05",
        "TM3",
        AuditEvent::FamilyFeedbackNotTaken {
            reason: FeedbackNotTaken::NotReached,
            note: text("Three calls, no answer."),
        },
    );
    dive.ok("2025-06-06", "TM3", AuditEvent::AuditCompleted {});
    dive.refused(
        "2025-06-09",
        "QA1",
        AuditEvent::PrimHeld {
            attendees: vec![Attendee::Staff {
                staff: staff_id("TM1"),
            }],
            agreed: text("Agreed."),
        },
        AuditRule::NotInTemplate,
    );
}

/// Children who went missing in the spring, in the safeguarding teams.
fn missing_children() -> Vec<hearth_domain::ChildRecord> {
    (1..=3)
        .map(|i| {
            child(&format!("M{i}"), "2024-09-02")
                .referred_to("2024-09-02", "SW1", "TSC1", "TM1")
                .at(
                    "2025-04-12T22:00",
                    r#"{"type":"missing_episode_started","kind":"M"}"#,
                )
                .at("2025-04-13T09:00", r#"{"type":"missing_episode_ended"}"#)
                .record()
        })
        .collect()
}

#[test]
fn sections_and_questions_are_the_templates() {
    let mut s = assigned();
    let mut e = s.section_event("recording", Point::Good);
    if let AuditEvent::SectionGraded { section, .. } = &mut e {
        *section = "housing".to_owned();
    }
    s.refused("2025-06-04", "TM2", e, AuditRule::UnknownSection);

    let mut e = s.section_event("recording", Point::Good);
    if let AuditEvent::SectionGraded { answers, .. } = &mut e {
        answers.push(Answer {
            question: "seen-alone".to_owned(),
            grade: None,
        });
    }
    s.refused("2025-06-04", "TM2", e, AuditRule::UnknownQuestion);

    let mut e = s.section_event("recording", Point::Good);
    if let AuditEvent::SectionGraded { answers, .. } = &mut e {
        let first = answers[0].clone();
        answers.push(first);
    }
    s.refused("2025-06-04", "TM2", e, AuditRule::UnknownQuestion);
}

#[test]
fn every_question_is_answered_or_marked_as_not_applying() {
    let mut s = assigned();
    let mut e = s.section_event("recording", Point::Good);
    if let AuditEvent::SectionGraded { answers, .. } = &mut e {
        answers.retain(|a| a.question != "looked-after-documents");
    }
    let m = s.refused(
        "2025-06-04",
        "TM2",
        e.clone(),
        AuditRule::UnansweredQuestion,
    );
    assert!(m.contains("looked-after-documents"), "{m}");
    if let AuditEvent::SectionGraded { answers, .. } = &mut e {
        answers.push(Answer {
            question: "looked-after-documents".to_owned(),
            grade: None,
        });
    }
    s.ok("2025-06-04", "TM2", e);
}

#[test]
fn grades_are_on_the_templates_scale() {
    let mut s = assigned();
    let old = Grade::new(Scale::Ofsted2009, Point::Adequate).unwrap();
    let mut e = s.section_event("recording", Point::Good);
    if let AuditEvent::SectionGraded { grade, .. } = &mut e {
        *grade = old;
    }
    s.refused("2025-06-04", "TM2", e, AuditRule::WrongScale);
    let mut e = s.section_event("recording", Point::Good);
    if let AuditEvent::SectionGraded { answers, .. } = &mut e {
        answers[0].grade = Some(old);
    }
    s.refused("2025-06-04", "TM2", e, AuditRule::WrongScale);
}

#[test]
fn evidence_cites_events_that_stand_in_the_record() {
    let mut s = assigned();
    let child = s.subject.child().unwrap().clone();
    for evidence in [
        EvidenceRef {
            child: child.clone(),
            version: 999,
        },
        EvidenceRef {
            child: child_id("B1"),
            version: 1,
        }
        .clone(),
    ] {
        let mut e = s.section_event("recording", Point::Good);
        if let AuditEvent::SectionGraded { evidence: ev, .. } = &mut e {
            ev.push(evidence.clone());
        }
        // B1's record is not among those the audit reads.
        if evidence.child == child_id("B1") {
            s.records.retain(|r| r.id != child_id("B1"));
        }
        s.refused("2025-06-04", "TM2", e, AuditRule::EvidenceNotInRecord);
    }
}

#[test]
fn the_overall_grade_follows_every_section() {
    let mut s = assigned();
    let e = s.section_event("recording", Point::Good);
    s.ok("2025-06-04", "TM2", e);
    let m = s.refused(
        "2025-06-04",
        "TM2",
        AuditEvent::OverallGraded {
            grade: grade(Point::Good),
            reasons: text("Overall."),
        },
        AuditRule::SectionsNotGraded,
    );
    assert!(m.contains("planning"), "{m}");
}

#[test]
fn findings_are_tagged_with_the_templates_themes() {
    let mut s = assigned();
    s.refused("2025-06-04", "TM2", finding(&[]), AuditRule::UnknownTheme);
    s.refused(
        "2025-06-04",
        "TM2",
        finding(&["weather"]),
        AuditRule::UnknownTheme,
    );
    s.refused(
        "2025-06-04",
        "TM2",
        finding(&["recording", "recording"]),
        AuditRule::UnknownTheme,
    );
    s.ok("2025-06-04", "TM2", finding(&["recording", "timeliness"]));
}

#[test]
fn the_reflection_is_the_workers_own() {
    let mut s = assigned();
    let mine = reflection(&s);
    s.refused(
        "2025-06-04",
        "TM2",
        mine.clone(),
        AuditRule::ReflectionNotByWorker,
    );
    let mut theirs = mine.clone();
    if let AuditEvent::ReflectionRecorded { worker, .. } = &mut theirs {
        *worker = staff_id("SW2");
    }
    s.refused(
        "2025-06-04",
        "SW2",
        theirs,
        AuditRule::ReflectionNotByWorker,
    );
    s.ok("2025-06-04", "SW1", mine);
}

#[test]
fn the_reflection_answers_every_prompt_once() {
    let mut s = assigned();
    let mut e = reflection(&s);
    if let AuditEvent::ReflectionRecorded { answers, .. } = &mut e {
        answers.pop();
    }
    s.refused("2025-06-04", "SW1", e, AuditRule::ReflectionIncomplete);
    let mut e = reflection(&s);
    if let AuditEvent::ReflectionRecorded { answers, .. } = &mut e {
        answers[0].prompt = "horoscope".to_owned();
    }
    s.refused("2025-06-04", "SW1", e, AuditRule::ReflectionIncomplete);
}

#[test]
fn a_discussion_follows_the_reflection() {
    let mut s = assigned();
    s.refused(
        "2025-06-04",
        "TM2",
        AuditEvent::ReflectionDiscussed {
            worker: staff_id("SW1"),
            note: text("Talked."),
        },
        AuditRule::NoReflection,
    );
}

#[test]
fn the_family_answers_the_questionnaire() {
    let mut s = assigned();
    let answer = |question: &str, option: Option<&str>, t: Option<&str>| {
        AuditEvent::FamilyFeedbackRecorded {
            respondent: Respondent::Carer,
            method: FeedbackMethod::Telephone,
            answers: vec![FamilyAnswer {
                question: question.to_owned(),
                option: option.map(ToOwned::to_owned),
                text: t.map(text),
            }],
        }
    };
    for bad in [
        answer("favourite-colour", Some("yes"), None),
        answer("listened-to", Some("sometimes"), None),
        answer("listened-to", None, Some("Mostly.")),
        answer("difference", Some("yes"), None),
        answer("difference", None, None),
        AuditEvent::FamilyFeedbackRecorded {
            respondent: Respondent::Carer,
            method: FeedbackMethod::Telephone,
            answers: Vec::new(),
        },
    ] {
        s.refused("2025-06-04", "TM2", bad, AuditRule::FamilyQuestionnaire);
    }
    s.ok("2025-06-04", "TM2", family());
}

#[test]
fn safety_concerns_are_numbered_and_told_to_the_right_people() {
    let mut s = assigned();
    let raise = |n: u16| AuditEvent::SafetyConcernRaised {
        concern: n,
        summary: text("Mother's new partner has a conviction for violence."),
    };
    let tell = |n: u16, r: ConcernRecipient, who: &str| AuditEvent::SafetyConcernNotified {
        concern: n,
        recipient: r,
        staff: staff_id(who),
        how: line("By telephone"),
    };
    s.refused(
        "2025-06-04T10:00",
        "TM2",
        tell(1, ConcernRecipient::TeamManager, "TM1"),
        AuditRule::UnknownConcern,
    );
    s.refused(
        "2025-06-04T10:00",
        "TM2",
        raise(2),
        AuditRule::ConcernNumber,
    );
    s.ok("2025-06-04T10:00", "TM2", raise(1));
    s.refused(
        "2025-06-04T10:20",
        "TM2",
        tell(1, ConcernRecipient::Director, "HOS1"),
        AuditRule::ConcernRecipient,
    );
    s.refused(
        "2025-06-04T10:20",
        "TM2",
        tell(1, ConcernRecipient::TeamManager, "SW2"),
        AuditRule::ConcernRecipient,
    );
    s.refused(
        "2025-06-04T09:00",
        "TM2",
        tell(1, ConcernRecipient::TeamManager, "TM1"),
        AuditRule::UnknownConcern,
    );
    s.ok(
        "2025-06-04T10:20",
        "TM2",
        tell(1, ConcernRecipient::TeamManager, "TM1"),
    );
    s.ok(
        "2025-06-04T10:40",
        "TM2",
        tell(1, ConcernRecipient::Director, "AD1"),
    );
    // Only someone reading the record raises one.
    s.refused(
        "2025-06-04T11:00",
        "QA1",
        raise(2),
        AuditRule::NotTheAuditor,
    );
}

#[test]
fn actions_are_numbered_timed_and_owned() {
    let mut s = assigned();
    s.refused(
        "2025-06-04",
        "TM2",
        action(2, staff_owner("SW1"), "2025-07-04"),
        AuditRule::ActionNumber,
    );
    s.refused(
        "2025-06-04",
        "TM2",
        action(1, staff_owner("SW1"), "2025-06-04"),
        AuditRule::ActionDue,
    );
    s.refused(
        "2025-06-04",
        "TM2",
        action(
            1,
            ActionOwner::Agency {
                agency: Agency::Health,
                contact: line("School nurse"),
            },
            "2025-07-04",
        ),
        AuditRule::ActionOwner,
    );
    s.refused(
        "2025-06-04",
        "TM2",
        action(1, staff_owner("ZZ1"), "2025-07-04"),
        AuditRule::ActionOwner,
    );
    s.ok(
        "2025-06-04",
        "TM2",
        action(1, staff_owner("SW1"), "2025-07-04"),
    );
    s.refused(
        "2025-06-05",
        "SW1",
        AuditEvent::ActionProgressed {
            action: ActionNo(2),
            note: text("Started."),
            evidence: Vec::new(),
        },
        AuditRule::UnknownAction,
    );
}

#[test]
fn a_completed_action_is_completed_with_evidence_once() {
    let mut s = assigned();
    s.ok(
        "2025-06-04",
        "TM2",
        action(1, staff_owner("SW1"), "2025-07-04"),
    );
    let done = |evidence: Vec<EvidenceRef>| AuditEvent::ActionCompleted {
        action: ActionNo(1),
        note: text("Chronology brought up to date."),
        evidence,
    };
    s.refused(
        "2025-06-20",
        "SW1",
        done(Vec::new()),
        AuditRule::CompletionEvidence,
    );
    let proof = vec![EvidenceRef {
        child: s.subject.child().unwrap().clone(),
        version: 2,
    }];
    s.ok("2025-06-20", "SW1", done(proof.clone()));
    s.refused(
        "2025-06-21",
        "SW1",
        done(proof),
        AuditRule::ActionAlreadyCompleted,
    );
}

#[test]
fn the_auditors_entries_stop_at_completion() {
    let mut s = completed();
    let e = s.section_event("recording", Point::Inadequate);
    s.refused("2025-06-11", "TM2", e, AuditRule::AuditCompleted);
    s.refused(
        "2025-06-11",
        "TM2",
        AuditEvent::AuditCompleted {},
        AuditRule::AuditCompleted,
    );
}

#[test]
fn copies_prims_and_regrades_follow_completion() {
    let mut s = ready_to_complete();
    s.refused(
        "2025-06-09",
        "QA1",
        AuditEvent::PrimHeld {
            attendees: vec![Attendee::Staff {
                staff: staff_id("TM1"),
            }],
            agreed: text("Agreed."),
        },
        AuditRule::AuditNotCompleted,
    );
    s.refused(
        "2025-06-09",
        "QA1",
        AuditEvent::CopiedToReviewingOfficer {
            officer: staff_id("RO1"),
        },
        AuditRule::AuditNotCompleted,
    );
}

#[test]
fn an_audit_is_completed_with_every_part() {
    let mut s = assigned();
    let m = s.refused(
        "2025-06-10",
        "TM2",
        AuditEvent::AuditCompleted {},
        AuditRule::AuditIncomplete,
    );
    for part in [
        "section planning",
        "the overall grade",
        "a strength or an area for development",
        "the worker's reflection",
        "the family's feedback",
    ] {
        assert!(m.contains(part), "{part}: {m}");
    }
    let mut s = ready_to_complete();
    s.ok(
        "2025-06-09T10:00",
        "TM2",
        AuditEvent::SafetyConcernRaised {
            concern: 1,
            summary: text("A worry."),
        },
    );
    s.ok(
        "2025-06-09T10:30",
        "TM2",
        AuditEvent::SafetyConcernNotified {
            concern: 1,
            recipient: ConcernRecipient::TeamManager,
            staff: staff_id("TM1"),
            how: line("In person"),
        },
    );
    let m = s.refused(
        "2025-06-10",
        "TM2",
        AuditEvent::AuditCompleted {},
        AuditRule::AuditIncomplete,
    );
    assert!(m.contains("concern 1 told to the director"), "{m}");
}

#[test]
fn the_copy_goes_to_a_reviewing_officer() {
    let mut s = completed();
    s.refused(
        "2025-06-11",
        "QA1",
        AuditEvent::CopiedToReviewingOfficer {
            officer: staff_id("TM1"),
        },
        AuditRule::NotReviewingOfficer,
    );
    s.ok(
        "2025-06-11",
        "QA1",
        AuditEvent::CopiedToReviewingOfficer {
            officer: staff_id("RO1"),
        },
    );
}

#[test]
fn a_prim_records_who_attended() {
    let mut s = completed();
    s.refused(
        "2025-06-20",
        "QA1",
        AuditEvent::PrimHeld {
            attendees: Vec::new(),
            agreed: text("Agreed."),
        },
        AuditRule::PrimAttendees,
    );
}

#[test]
fn a_blind_regrade_is_by_someone_else_once_and_whole() {
    let mut s = completed();
    let deadline = s.calendar.add_working_days(date("2025-06-11"), 10).unwrap();
    let assign = |who: &str| AuditEvent::RegradeAssigned {
        auditor: staff_id(who),
        deadline,
    };
    let sections = s.all_sections(Point::Good);
    let regrade = |sections| AuditEvent::RegradeRecorded {
        sections,
        overall: grade(Point::Good),
        reasons: text("Second look."),
    };
    s.refused(
        "2025-06-12",
        "QA2",
        regrade(sections.clone()),
        AuditRule::RegradeNotAssigned,
    );
    s.refused(
        "2025-06-11",
        "QA1",
        assign("TM2"),
        AuditRule::RegradeByOriginalAuditor,
    );
    s.refused(
        "2025-06-11",
        "QA1",
        assign("TM1"),
        AuditRule::AuditorManagesCase,
    );
    s.ok("2025-06-11", "QA1", assign("QA2"));
    s.refused("2025-06-11", "QA1", assign("TM3"), AuditRule::RegradeTwice);
    s.refused(
        "2025-06-12",
        "QA1",
        regrade(sections.clone()),
        AuditRule::NotTheAuditor,
    );
    s.refused(
        "2025-06-12",
        "QA2",
        regrade(sections[1..].to_vec()),
        AuditRule::RegradeIncomplete,
    );
    s.ok("2025-06-12", "QA2", regrade(sections.clone()));
    s.refused(
        "2025-06-13",
        "QA2",
        regrade(sections),
        AuditRule::RegradeTwice,
    );
}

#[test]
fn moderation_follows_a_differing_regrade_by_a_third_person() {
    let mut s = completed();
    let decide = |s: &Scenario| AuditEvent::ModerationDecided {
        sections: s.all_sections(Point::RequiresImprovement),
        overall: grade(Point::RequiresImprovement),
        reason: text("The plan has drifted since March."),
    };
    let e = decide(&s);
    s.refused("2025-06-16", "GM2", e, AuditRule::ModerationWithoutRegrade);

    // The second auditor agreed: there is nothing to moderate.
    let mut agreed = regraded(Point::Good);
    let e = decide(&agreed);
    agreed.refused("2025-06-16", "GM2", e, AuditRule::ModerationNotNeeded);

    let mut s = regraded(Point::RequiresImprovement);
    let e = decide(&s);
    s.refused(
        "2025-06-16",
        "TM2",
        e.clone(),
        AuditRule::ModerationByAuditor,
    );
    s.refused(
        "2025-06-16",
        "QA2",
        e.clone(),
        AuditRule::ModerationByAuditor,
    );
    s.refused(
        "2025-06-16",
        "GM1",
        e.clone(),
        AuditRule::AuditorManagesCase,
    );
    s.refused("2025-06-16", "RO1", e.clone(), AuditRule::AuditorRole);
    let mut partial = e.clone();
    if let AuditEvent::ModerationDecided { sections, .. } = &mut partial {
        sections.pop();
    }
    s.refused("2025-06-16", "GM2", partial, AuditRule::RegradeIncomplete);
    s.ok("2025-06-16", "GM2", e.clone());
    s.refused("2025-06-17", "QA1", e, AuditRule::ModerationTwice);
    assert_eq!(
        s.audit.final_overall(),
        Some(grade(Point::RequiresImprovement))
    );
}

#[test]
fn nothing_is_recorded_on_a_withdrawn_audit() {
    let mut s = assigned();
    s.ok(
        "2025-06-04",
        "QA1",
        AuditEvent::AuditWithdrawn {
            reason: text("The family moved to another council."),
        },
    );
    let e = s.section_event("recording", Point::Good);
    s.refused("2025-06-05", "TM2", e, AuditRule::AuditWithdrawn);
}

#[test]
fn every_rule_has_a_test() {
    let missing: Vec<String> = AuditRule::ALL
        .iter()
        .map(|r| format!("AuditRule::{r:?}"))
        .filter(|name| {
            // The name whole, not as the start of a longer one.
            !SELF.match_indices(name.as_str()).any(|(i, _)| {
                SELF[i + name.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| !c.is_alphanumeric() && c != '_')
            })
        })
        .collect();
    assert!(missing.is_empty(), "no test refuses {missing:?}");
}
