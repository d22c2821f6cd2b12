//! The monthly cycle of one case audit, end to end in the pure core: the draw, assignment,
//! the auditor's sight of the record, grading beside the record's facts, a safety concern
//! on its clock in hours, an improvement action on its owner's list, the worker's
//! reflection and the family's feedback, the copy to the reviewing officer, the PRIM, a
//! blind regrade and moderation. Then a multi-agency audit and a practice observation
//! through the same templates and rules.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use hearth_assurance::audit::Audit;
use hearth_assurance::clock::{ItemKind, ItemStatus, items, owed_by, told_of};
use hearth_assurance::codes::{
    ConcernRecipient, FeedbackMethod, FeedbackNotTaken, FindingKind, Respondent,
};
use hearth_assurance::event::{
    ActionOwner, Attendee, AuditEvent, EvidenceRef, FamilyAnswer, Reflection,
};
use hearth_assurance::facts::{FactContext, FactName, Whose, gather};
use hearth_assurance::moderation::{OVERALL, statistics};
use hearth_assurance::selection::{Group, Subject, scope_from};
use hearth_assurance::sheet::build;
use hearth_assurance::{ActionNo, Point};
use hearth_domain::EventKind;
use hearth_domain::codes::Agency;
use hearth_domain::event::Recorded;
use hearth_domain::values::Line;
use hearth_standards::{AsAt, Ruleset};

fn line(s: &str) -> Line {
    Line::parse(s).unwrap()
}

/// Every event of the case audit's stream, in order, after the selection.
fn the_audit(s: &mut Scenario) -> Vec<Recorded<AuditEvent>> {
    let mut stream = Vec::new();
    let mut step = |s: &mut Scenario, at: &str, who: &str, event: AuditEvent| {
        let e = ev(at, who, event);
        s.try_event(e.clone())
            .unwrap_or_else(|v| panic!("{:?}: {v}", e.event));
        stream.push(e);
    };
    let deadline = s.deadline(20);
    step(
        s,
        "2025-06-02T12:00",
        "QA1",
        AuditEvent::AuditorAssigned {
            auditor: staff_id("TM2"),
            deadline,
        },
    );
    for section in s
        .template
        .sections
        .iter()
        .map(|x| x.id.clone())
        .collect::<Vec<_>>()
    {
        let p = if section == "recording" {
            Point::RequiresImprovement
        } else {
            Point::Good
        };
        let e = s.section_event(&section, p);
        step(s, "2025-06-05", "TM2", e);
    }
    step(
        s,
        "2025-06-05",
        "TM2",
        AuditEvent::OverallGraded {
            grade: grade(Point::Good),
            reasons: text("Purposeful work; the recording lags."),
        },
    );
    step(
        s,
        "2025-06-05",
        "TM2",
        AuditEvent::FindingRecorded {
            kind: FindingKind::Strength,
            text: text("The child's views run through the plan."),
            themes: vec!["voice-of-the-child".to_owned()],
        },
    );
    step(
        s,
        "2025-06-05",
        "TM2",
        AuditEvent::FindingRecorded {
            kind: FindingKind::Development,
            text: text("The chronology stops in January."),
            themes: vec!["recording".to_owned()],
        },
    );
    // Found at 14:00 on Thursday; the team manager told at 15:00, the director at 16:30.
    step(
        s,
        "2025-06-05T14:00",
        "TM2",
        AuditEvent::SafetyConcernRaised {
            concern: 1,
            summary: text("A new adult in the household has not been checked."),
        },
    );
    step(
        s,
        "2025-06-05T15:00",
        "TM2",
        AuditEvent::SafetyConcernNotified {
            concern: 1,
            recipient: ConcernRecipient::TeamManager,
            staff: staff_id("TM1"),
            how: line("By telephone"),
        },
    );
    step(
        s,
        "2025-06-05T16:30",
        "TM2",
        AuditEvent::SafetyConcernNotified {
            concern: 1,
            recipient: ConcernRecipient::Director,
            staff: staff_id("AD1"),
            how: line("By email and telephone"),
        },
    );
    step(
        s,
        "2025-06-05",
        "TM2",
        AuditEvent::ActionAgreed {
            action: ActionNo(1),
            what: text("Bring the chronology up to date and add the new adult."),
            owner: ActionOwner::Staff {
                staff: staff_id("SW1"),
            },
            due: date("2025-06-20"),
        },
    );
    let answers = s
        .template
        .reflection
        .iter()
        .map(|p| Reflection {
            prompt: p.id.clone(),
            text: text("In my own words."),
        })
        .collect();
    step(
        s,
        "2025-06-06",
        "SW1",
        AuditEvent::ReflectionRecorded {
            worker: staff_id("SW1"),
            answers,
        },
    );
    step(
        s,
        "2025-06-06T15:00",
        "TM2",
        AuditEvent::ReflectionDiscussed {
            worker: staff_id("SW1"),
            note: text("We agreed what good recording looks like."),
        },
    );
    step(
        s,
        "2025-06-09",
        "TM2",
        AuditEvent::FamilyFeedbackRecorded {
            respondent: Respondent::Parent,
            method: FeedbackMethod::Telephone,
            answers: vec![FamilyAnswer {
                question: "listened-to".to_owned(),
                option: Some("yes".to_owned()),
                text: None,
            }],
        },
    );
    step(s, "2025-06-10", "TM2", AuditEvent::AuditCompleted {});
    step(
        s,
        "2025-06-11",
        "QA1",
        AuditEvent::CopiedToReviewingOfficer {
            officer: staff_id("RO1"),
        },
    );
    let regrade_by = s.calendar.add_working_days(date("2025-06-11"), 10).unwrap();
    step(
        s,
        "2025-06-11",
        "QA1",
        AuditEvent::RegradeAssigned {
            auditor: staff_id("QA2"),
            deadline: regrade_by,
        },
    );
    let mut second = s.all_sections(Point::Good);
    second
        .iter_mut()
        .filter(|g| g.section == "planning")
        .for_each(|g| g.grade = grade(Point::RequiresImprovement));
    step(
        s,
        "2025-06-16",
        "QA2",
        AuditEvent::RegradeRecorded {
            sections: second,
            overall: grade(Point::RequiresImprovement),
            reasons: text("The plan has no dates."),
        },
    );
    let mut settled = s.all_sections(Point::Good);
    settled
        .iter_mut()
        .filter(|g| g.section == "recording")
        .for_each(|g| g.grade = grade(Point::RequiresImprovement));
    step(
        s,
        "2025-06-18",
        "GM2",
        AuditEvent::ModerationDecided {
            sections: settled,
            overall: grade(Point::Good),
            reason: text("The plan's dates are in the core group minutes."),
        },
    );
    let child = s.subject.child().unwrap().clone();
    step(
        s,
        "2025-06-24",
        "SW1",
        AuditEvent::ActionCompleted {
            action: ActionNo(1),
            note: text("Chronology updated; the adult's checks requested."),
            evidence: vec![EvidenceRef { child, version: 3 }],
        },
    );
    step(
        s,
        "2025-06-30",
        "QA1",
        AuditEvent::PrimHeld {
            attendees: vec![
                Attendee::Staff {
                    staff: staff_id("SW1"),
                },
                Attendee::Staff {
                    staff: staff_id("TM1"),
                },
                Attendee::Staff {
                    staff: staff_id("TM2"),
                },
            ],
            agreed: text("The action is done; recording to be checked in supervision."),
        },
    );
    stream
}

#[test]
fn a_case_audit_from_draw_to_moderation() {
    let mut s = Scenario::case_audit();
    let selected = ev(ON, "QA1", s.selected_event());
    let stream = the_audit(&mut s);
    let a = &s.audit;

    // The grades that stand are the moderator's; the auditor's are kept beside them.
    assert_eq!(a.overall.as_ref().unwrap().0, grade(Point::Good));
    assert_eq!(a.final_overall(), Some(grade(Point::Good)));
    assert_eq!(
        a.final_section("recording"),
        Some(grade(Point::RequiresImprovement))
    );
    assert_eq!(a.final_section("planning"), Some(grade(Point::Good)));

    // The auditor's sight of the record lasts from assignment to completion; the second
    // auditor's until their regrade.
    let sight = a.sight();
    assert_eq!(sight.len(), 2);
    assert_eq!(sight[0].staff, staff_id("TM2"));
    assert!(sight[0].holds_at(when("2025-06-09")));
    assert!(!sight[0].holds_at(when("2025-06-11")));
    assert!(!sight[0].holds_at(when("2025-06-01")));
    assert_eq!(sight[1].staff, staff_id("QA2"));
    assert!(sight[1].holds_at(when("2025-06-13")));
    assert!(!sight[1].holds_at(when("2025-06-17")));

    // The stream survives JSON, as the store keeps it, and folds to the same audit.
    let mut all = vec![selected];
    all.extend(stream);
    let json: Vec<String> = all
        .iter()
        .map(|e| serde_json::to_string(e).unwrap())
        .collect();
    let back: Vec<Recorded<AuditEvent>> = json
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(back, all);
    assert_eq!(Audit::fold(a.id.clone(), &back), *a);
    assert!(json[0].contains(r#""type":"audit_selected""#));
    assert!(
        json[0].contains(r#""seed":"000000000000002a""#),
        "{}",
        json[0]
    );
    assert_eq!(all[0].event.kind(), "audit_selected");
    for e in &all {
        assert!(AuditEvent::kinds().contains(&e.event.kind()));
    }
}

#[test]
fn what_the_audit_asks_of_whom_on_the_clock() {
    let mut s = Scenario::case_audit();
    the_audit(&mut s);
    let a = &s.audit;
    let t = &s.template;
    let cal = &s.calendar;

    let at = |when_: &str| items(a, t, cal, AsAt::instant(when(when_)));
    let find = |list: &[hearth_assurance::clock::Item], kind: &ItemKind| {
        list.iter().find(|i| &i.kind == kind).unwrap().clone()
    };

    // As at the end of June: the audit met its deadline, the team manager was told in
    // time and the director half an hour late, the action was done four days late.
    let june = at("2025-06-30T18:00");
    assert_eq!(
        find(&june, &ItemKind::CompleteAudit).status,
        ItemStatus::Met
    );
    let tm = find(
        &june,
        &ItemKind::TellOfConcern {
            concern: 1,
            recipient: ConcernRecipient::TeamManager,
        },
    );
    assert_eq!(tm.status, ItemStatus::Met);
    assert_eq!(tm.due_at, Some(when("2025-06-05T16:00")));
    let director = find(
        &june,
        &ItemKind::TellOfConcern {
            concern: 1,
            recipient: ConcernRecipient::Director,
        },
    );
    assert_eq!(
        director.status,
        ItemStatus::MetLate {
            days_late: 0,
            hours_late: Some(0)
        }
    );
    let action = find(
        &june,
        &ItemKind::Action {
            action: ActionNo(1),
        },
    );
    assert_eq!(
        action.status,
        ItemStatus::MetLate {
            days_late: 4,
            hours_late: None
        }
    );
    assert_eq!(find(&june, &ItemKind::Regrade).status, ItemStatus::Met);
    assert_eq!(find(&june, &ItemKind::Prim).status, ItemStatus::Met);

    // On 23 June the action was overdue and on SW1's list; on 10 June it was due.
    let sw1 = staff_id("SW1");
    let list = |when_: &str| owed_by(&sw1, &[(a, t)], cal, AsAt::instant(when(when_)));
    assert_eq!(
        list("2025-06-23T09:00")[0].status,
        ItemStatus::Overdue {
            days_overdue: 3,
            hours_overdue: None
        }
    );
    assert_eq!(list("2025-06-10T09:00")[0].status, ItemStatus::Due);
    assert!(list("2025-06-25T09:00").is_empty());
    // Before the action was agreed there was nothing for SW1.
    assert!(list("2025-06-04T09:00").is_empty());
    // The concern is on the team manager's and the director's lists once they were told.
    let audits = [a];
    let tm1 = told_of(
        &staff_id("TM1"),
        &audits,
        AsAt::instant(when("2025-06-05T15:30")),
    );
    assert_eq!(tm1.len(), 1);
    assert_eq!(tm1[0].recipient, ConcernRecipient::TeamManager);
    assert_eq!(tm1[0].raised, when("2025-06-05T14:00"));
    assert!(
        told_of(
            &staff_id("AD1"),
            &audits,
            AsAt::instant(when("2025-06-05T15:30"))
        )
        .is_empty()
    );
    assert_eq!(
        told_of(
            &staff_id("AD1"),
            &audits,
            AsAt::instant(when("2025-06-05T17:00"))
        )[0]
        .told,
        when("2025-06-05T16:30")
    );
    assert!(told_of(&sw1, &audits, AsAt::instant(when("2025-07-01"))).is_empty());
    // The auditor's own list on 4 June: the audit itself.
    let tm2 = owed_by(
        &staff_id("TM2"),
        &[(a, t)],
        cal,
        AsAt::instant(when("2025-06-04T09:00")),
    );
    assert_eq!(tm2.len(), 1);
    assert_eq!(tm2[0].kind, ItemKind::CompleteAudit);
    assert_eq!(tm2[0].due_date, date("2025-06-30"));
}

#[test]
fn the_built_audit_shows_the_records_facts_beside_each_section() {
    let mut s = Scenario::case_audit();
    s.assign("TM2");
    let ruleset = Ruleset::builtin("bromley").unwrap().unwrap();
    let names: Vec<FactName> = s
        .template
        .sections
        .iter()
        .flat_map(|x| x.facts.iter().copied())
        .collect();
    let facts = gather(
        &names,
        Whose::Child(s.child()),
        FactContext {
            as_at: date(ON),
            scope_from: scope_from(&s.template, date(ON)),
            calendar: &s.calendar,
            ruleset: &ruleset,
            staff: &s.dir,
        },
    )
    .unwrap();
    let sheet = build(&s.template, &s.audit, &facts);
    let focus = sheet
        .sections
        .iter()
        .find(|x| x.id == "child-focus")
        .unwrap();
    let visits = focus
        .facts
        .iter()
        .find(|f| f.fact == FactName::Visits)
        .unwrap();
    let days: Vec<_> = visits.entries.iter().map(|e| e.date).collect();
    assert_eq!(days, [date("2025-05-12"), date("2025-03-10")]);
    assert_eq!(sheet.score.answered, 0);
    assert_eq!(sheet.suggested, None);
    assert_eq!(sheet.descriptors.len(), 4);
    assert_eq!(sheet.child.as_ref(), s.subject.child());
}

#[test]
fn moderation_statistics_count_agreement_per_auditor_and_section() {
    let mut s = Scenario::case_audit();
    the_audit(&mut s);
    let stats = statistics([&s.audit]);
    let sections = s.template.sections.len() as u32;
    // Every section and the overall grade were compared: the second auditor differed on
    // recording (by one), planning (by one) and overall (by one).
    assert_eq!(stats.all.pairs, sections + 1);
    assert_eq!(stats.all.exact, sections + 1 - 3);
    assert_eq!(stats.all.within_one, sections + 1);
    let tm2 = &stats.by_auditor[&staff_id("TM2")];
    assert_eq!(tm2.pairs, sections + 1);
    assert_eq!(stats.by_section["planning"].exact, 0);
    assert_eq!(stats.by_section["case-information"].exact, 1);
    assert_eq!(stats.by_section[OVERALL].exact_rate(), Some(0.0));
    assert_eq!(stats.by_group["team/TSC1"].pairs, sections + 1);
    assert_eq!(stats.settled.upheld, [s.audit.id.clone()]);
    assert!(stats.settled.second.is_empty());
}

#[test]
fn a_multi_agency_audit_has_partner_auditors_and_actions_for_agencies() {
    let mut records = children();
    records.push(
        child("P1", "2024-09-02")
            .referred_to("2024-09-02", "SW3", "TSC2", "TM2")
            .at(
                "2024-09-30",
                r#"{"type":"initial_conference_held","transfer_in":false,"outcome":"CP_PLAN","category":"NEG"}"#,
            )
            .at("2024-09-30T15:00", r#"{"type":"cp_plan_started"}"#)
            .record(),
    );
    let mut s = Scenario::with("multi-agency-case-audit", Group::Council, records, &[]);
    assert!(matches!(
        &s.subject,
        Subject::Child { child } if child.as_str() == "P1"
    ));
    s.assign("QA2");
    s.ok(
        "2025-06-03",
        "QA1",
        AuditEvent::PartnerAuditorAdded {
            agency: Agency::Health,
            name: line("Dr Ada Quill"),
            organisation: line("Community paediatrics"),
        },
    );
    s.ok(
        "2025-06-03",
        "QA2",
        AuditEvent::ActionAgreed {
            action: ActionNo(1),
            what: text("Health visitor to attend the core group."),
            owner: ActionOwner::Agency {
                agency: Agency::Health,
                contact: line("Named nurse for safeguarding"),
            },
            due: date("2025-07-01"),
        },
    );
    // An agency's action may be completed on the agency's word.
    s.ok(
        "2025-06-25",
        "QA1",
        AuditEvent::ActionCompleted {
            action: ActionNo(1),
            note: text("The health visitor attended on 24 June."),
            evidence: Vec::new(),
        },
    );
    let is = items(
        &s.audit,
        &s.template,
        &s.calendar,
        AsAt::end_of(date("2025-06-30")),
    );
    let action = is
        .iter()
        .find(|i| {
            i.kind
                == ItemKind::Action {
                    action: ActionNo(1),
                }
        })
        .unwrap();
    assert!(action.owner.staff().is_none());
    assert_eq!(action.status, ItemStatus::Met);
}

#[test]
fn a_practice_observation_is_of_a_practitioner_due_this_year() {
    let mut s = Scenario::with("practice-observation", team("TIRO"), Vec::new(), &[]);
    assert_eq!(
        s.subject,
        Subject::Practitioner {
            staff: staff_id("RO1")
        }
    );
    // RO1's line manager is HOS1, who may not observe them; the group manager may.
    let deadline = s.deadline(10);
    s.refused(
        "2025-06-03",
        "QA1",
        AuditEvent::AuditorAssigned {
            auditor: staff_id("HOS1"),
            deadline,
        },
        hearth_assurance::AuditRule::AuditorManagesCase,
    );
    s.ok(
        "2025-06-03",
        "QA1",
        AuditEvent::AuditorAssigned {
            auditor: staff_id("GM1"),
            deadline,
        },
    );
    s.grade_all("2025-06-10", "GM1", Point::Outstanding);
    s.ok(
        "2025-06-10",
        "GM1",
        AuditEvent::FindingRecorded {
            kind: FindingKind::Strength,
            text: text("Everyone at the conference was heard."),
            themes: vec!["chairing".to_owned()],
        },
    );
    let answers = s
        .template
        .reflection
        .iter()
        .map(|p| Reflection {
            prompt: p.id.clone(),
            text: text("Mine."),
        })
        .collect();
    s.ok(
        "2025-06-11",
        "RO1",
        AuditEvent::ReflectionRecorded {
            worker: staff_id("RO1"),
            answers,
        },
    );
    s.ok(
        "2025-06-11",
        "GM1",
        AuditEvent::ReflectionDiscussed {
            worker: staff_id("RO1"),
            note: text("Agreed to share the approach with the team."),
        },
    );
    // An observation has no family questionnaire.
    s.refused(
        "2025-06-11",
        "GM1",
        AuditEvent::FamilyFeedbackNotTaken {
            reason: FeedbackNotTaken::NotAppropriate,
            note: text("Not part of an observation."),
        },
        hearth_assurance::AuditRule::NotInTemplate,
    );
    s.ok("2025-06-12", "GM1", AuditEvent::AuditCompleted {});
    assert!(
        s.audit.sight().is_empty(),
        "a practitioner is not a child's record"
    );
    assert_eq!(
        build(&s.template, &s.audit, &[]).suggested,
        Some(grade(Point::Outstanding))
    );
}

#[test]
fn a_concern_the_second_auditor_finds_is_theirs_to_tell() {
    // The audit up to its completion, then a regrade whose reader finds a concern.
    let stream = the_audit(&mut Scenario::case_audit());
    let mut s2 = Scenario::case_audit();
    for e in stream
        .iter()
        .take_while(|e| !matches!(e.event, AuditEvent::AuditCompleted {}))
    {
        s2.try_event(e.clone()).unwrap();
    }
    s2.ok("2025-06-10", "TM2", AuditEvent::AuditCompleted {});
    let deadline = s2
        .calendar
        .add_working_days(date("2025-06-11"), 10)
        .unwrap();
    s2.ok(
        "2025-06-11",
        "QA1",
        AuditEvent::RegradeAssigned {
            auditor: staff_id("QA2"),
            deadline,
        },
    );
    s2.ok(
        "2025-06-12T09:00",
        "QA2",
        AuditEvent::SafetyConcernRaised {
            concern: 2,
            summary: text("A bruise recorded at school was not followed up."),
        },
    );
    let is = items(
        &s2.audit,
        &s2.template,
        &s2.calendar,
        AsAt::instant(when("2025-06-12T12:00")),
    );
    let tell: Vec<_> = is
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::TellOfConcern { concern: 2, .. }))
        .collect();
    assert_eq!(tell.len(), 2);
    for i in tell {
        assert_eq!(i.owner.staff(), Some(&staff_id("QA2")));
        assert!(
            i.status.is_overdue(),
            "two hours from 09:00 had passed by noon"
        );
    }
}
