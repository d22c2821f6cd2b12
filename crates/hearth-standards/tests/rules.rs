//! One test per rule of every shipped ruleset. Clocks start just before weekends and bank
//! holidays (Christmas 2022, the state funeral on 19 September 2022, Easter 2025, the
//! coronation in May 2023), and the expected dates are worked out by hand, not by the
//! calendar under test. A test at the end checks that every rule has its test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use hearth_domain::codes::StaffRole;
use hearth_standards::obligation::{ClockStart, Ending, PeriodSource};
use hearth_standards::{Ruleset, Status, StatusKind};

// ---------------------------------------------------------------------------------------
// bromley: front door and allocation

#[test]
fn bromley_allocation() {
    // Unallocated on the Friday before the state funeral: 24 hours run through the weekend
    // and the bank holiday, so an allocation on the Monday is late.
    let c = child("2012-06-01")
        .open_case("2022-09-15")
        .at("2022-09-16T16:00", UNALLOCATED)
        .at("2022-09-19T09:00", &allocated("SW2", "LEFTRL"));
    let o = obligations("bromley", "allocation", &c, "2022-09-30");
    assert_eq!(brief(&o), ["2022-09-16 met", "2022-09-17 met_late"]);
    assert_eq!(o[1].due_at, Some(when("2022-09-17T16:00")));
    assert_eq!(
        o[1].status,
        Status::MetLate {
            days_late: 2,
            hours_late: Some(41)
        }
    );
    assert_eq!(o[1].owner.role, StaffRole::TeamManager);
}

#[test]
fn bromley_allocation_early_help() {
    // Stepped down on the Friday before Christmas 2022: 10 working days skip Christmas,
    // Boxing Day and the New Year's Day substitute, so it is due on 11 January.
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .at("2022-09-02", ASSESSMENT_STARTED)
        .at("2022-09-16", &assessment_completed("EARLY_HELP"))
        .at("2022-10-03", EARLY_HELP_STARTED)
        .cin_plan("2022-11-01")
        .at("2022-12-23", CIN_STEP_DOWN);
    let rule = "allocation-early-help";
    assert_eq!(
        check("bromley", rule, &c, "2023-01-05"),
        ["2022-10-03 met", "2023-01-11 upcoming"]
    );
    // Three working days before 11 January is 6 January.
    assert_eq!(
        check("bromley", rule, &c, "2023-01-06")[1],
        "2023-01-11 due_soon"
    );
    assert_eq!(
        check("bromley", rule, &c, "2023-01-12")[1],
        "2023-01-11 overdue"
    );
}

// ---------------------------------------------------------------------------------------
// bromley: actions

#[test]
fn bromley_plan_actions() {
    // A plan written on 5 September 2022 with three actions. Five working days after Friday
    // 16 September skip the weekend and the state funeral on the 19th: due Monday 26th.
    // Five after Friday 23 December skip Christmas, Boxing Day, the Christmas substitute on
    // the 27th, the weekend and the New Year substitute on 2 January: due Wednesday 4th.
    let action = |n: u32, who: &str, by: &str| {
        format!(r#"{{"number":{n},"what":"Action {n} of the plan.","who":{who},"by":"{by}"}}"#)
    };
    let plan = format!(
        r#"{{"type":"plan_written","plan":"CHILD_PROTECTION","about":5,"content":{{"outcomes":[{{"what_must_change":"Evenings are supervised.","why":"The child is safe at night."}}],"actions":[{},{},{}],"contingency":"A legal planning meeting."}}}}"#,
        action(1, r#"{"staff":"SW2"}"#, "2022-09-16"),
        action(2, r#"{"named":{"name":"Mother"}}"#, "2022-12-23"),
        action(3, r#"{"named":{"name":"School"}}"#, "2022-09-16"),
    );
    let review = |about: u32, progress: &str, ended: &str| {
        format!(
            r#"{{"type":"actions_reviewed","about":{about},"plan":"CHILD_PROTECTION","review":{{"progress":[{progress}],"ended":[{ended}]}}}}"#
        )
    };
    let on_track = |n: u32| format!(r#"{{"action":{n},"status":"ON_TRACK","note":"Going."}}"#);
    let done = |n: u32| format!(r#"{{"action":{n},"status":"DONE","note":"Done."}}"#);
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .cp_plan("2022-09-05")
        .at("2022-09-05T12:00", &plan)
        .at("2022-09-21T10:00", CORE_GROUP)
        .at(
            "2022-09-21T11:00",
            &review(
                7,
                &format!("{},{}", on_track(1), on_track(2)),
                r#"{"action":3,"reason":"The school has done it another way."}"#,
            ),
        )
        .at("2022-09-27T10:00", CORE_GROUP)
        .at(
            "2022-09-27T11:00",
            &review(9, &format!("{},{}", done(1), on_track(2)), ""),
        );
    let rule = "plan-actions";
    assert_eq!(
        check("bromley", rule, &c, "2022-09-20"),
        [
            "2022-09-26 upcoming",
            "2023-01-04 upcoming",
            "2022-09-26 upcoming"
        ]
    );
    // Three working days before the 26th is Wednesday 21st.
    assert_eq!(
        check("bromley", rule, &c, "2022-09-21")[0],
        "2022-09-26 due_soon"
    );
    let o = obligations("bromley", rule, &c, "2022-10-01");
    assert_eq!(
        brief(&o),
        [
            "2022-09-26 met_late",
            "2023-01-04 upcoming",
            "2022-09-26 not_applicable"
        ]
    );
    assert_eq!(
        o[0].status,
        Status::MetLate {
            days_late: 1,
            hours_late: None
        }
    );
    // The action a member of staff holds is on their clock; the mother's is followed by
    // the child's worker.
    assert_eq!(
        o[0].owner.allocated_worker().map(|s| s.as_str()),
        Some("SW2")
    );
    assert_eq!(
        o[1].owner.allocated_worker().map(|s| s.as_str()),
        Some("SW1")
    );
    assert_eq!(o[1].owner.role, StaffRole::SocialWorker);
    assert!(matches!(
        o[0].explanation.clock,
        ClockStart::Action { action: 1, .. }
    ));
    assert_eq!(
        o[2].explanation.closed.map(|c| c.ending),
        Some(Ending::ActionEnded)
    );
    assert_eq!(
        check("bromley", rule, &c, "2023-01-05")[1],
        "2023-01-04 overdue"
    );
    // As at the day before it was set, there is nothing.
    assert!(check("bromley", rule, &c, "2022-09-04").is_empty());
}

// ---------------------------------------------------------------------------------------
// bromley: recording

#[test]
fn bromley_record_contact() {
    // Hours count elapsed time over Christmas: recorded 71 hours later is late.
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .recorded("2022-12-23T10:00", "2022-12-27T09:00", NOTE)
        .recorded("2022-12-23T11:00", "2022-12-24T09:00", CHRONOLOGY);
    let late: Vec<_> = obligations("bromley", "record-contact", &c, "2022-12-31")
        .into_iter()
        .filter(|o| o.explanation.clock.at() >= when("2022-12-23"))
        .collect();
    assert_eq!(brief(&late), ["2022-12-25 met_late", "2022-12-25 met"]);
    assert_eq!(late[0].due_at, Some(when("2022-12-25T10:00")));
    // As at Christmas Eve the note is not yet recorded: still open, and due soon.
    let open: Vec<_> = obligations("bromley", "record-contact", &c, "2022-12-24")
        .into_iter()
        .filter(|o| o.explanation.clock.at() >= when("2022-12-23"))
        .collect();
    assert_eq!(brief(&open), ["2022-12-25 due_soon", "2022-12-25 met"]);
}

#[test]
fn bromley_record_significant_event() {
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .at("2022-09-01", CONCERN)
        .recorded("2022-09-16T15:00", "2022-09-17T14:00", STRATEGY_S47)
        .recorded("2022-09-16T16:00", "2022-09-19T09:00", CHRONOLOGY)
        .recorded("2022-09-16T17:00", "2022-09-20T09:00", NOTE);
    let o: Vec<_> = obligations("bromley", "record-significant-event", &c, "2022-09-30")
        .into_iter()
        .filter(|o| o.explanation.clock.at() >= when("2022-09-16"))
        .collect();
    // The case note is not significant, so only the strategy discussion and the
    // chronology entry are measured.
    assert_eq!(brief(&o), ["2022-09-17 met", "2022-09-17 met_late"]);
}

#[test]
fn bromley_chronology() {
    // Opened on 30 November: three months on, February has no 30th, so 28 February.
    let c = child("2012-06-01")
        .open_case("2022-11-30")
        .at("2023-02-28", CHRONOLOGY);
    let o = obligations("bromley", "chronology", &c, "2023-05-30");
    assert_eq!(brief(&o), ["2023-02-28 met", "2023-05-28 overdue"]);
    assert!(o[0].explanation.calendar.iter().any(|s| matches!(
        s,
        hearth_standards::period::CalendarStep::MonthEnd { wanted_day: 30, .. }
    )));
}

#[test]
fn bromley_case_summary() {
    let c = child("2012-06-01")
        .open_case("2022-12-23")
        .at("2023-03-24", CASE_SUMMARY);
    assert_eq!(
        check("bromley", "case-summary", &c, "2023-06-21"),
        ["2023-03-23 met_late", "2023-06-24 due_soon"]
    );
    assert_eq!(
        check("bromley", "case-summary", &c, "2023-06-20")[1],
        "2023-06-24 upcoming"
    );
}

#[test]
fn bromley_management_oversight() {
    // A new allocation restarts the clock; the occurrence it interrupts was not yet due.
    let c = child("2012-06-01")
        .open_case("2022-12-23")
        .at("2023-01-20", OVERSIGHT)
        .at("2023-02-20", SUPERVISION)
        .at("2023-03-01", &allocated("SW2", "TSPROC"));
    let o = obligations("bromley", "management-oversight", &c, "2023-03-30");
    assert_eq!(
        brief(&o),
        [
            "2023-01-20 met",
            "2023-02-17 met_late",
            "2023-03-20 not_applicable",
            "2023-03-29 overdue"
        ]
    );
    assert_eq!((o[3].run, o[3].occurrence), (2, 1));
}

#[test]
fn bromley_supervision_summary() {
    let c = child("2012-06-01")
        .open_case("2022-09-16")
        .at("2023-03-16", SUPERVISION);
    assert_eq!(
        check("bromley", "supervision-summary", &c, "2023-09-20"),
        ["2023-03-16 met", "2023-09-16 overdue"]
    );
}

#[test]
fn bromley_addendum_assessment() {
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .at("2022-12-02", ASSESSMENT_STARTED)
        .at("2022-12-23", &assessment_completed("CIN_PLAN"))
        .at("2023-06-01", ASSESSMENT_STARTED)
        .at("2023-06-20", &assessment_completed("CONTINUE"));
    assert_eq!(
        check("bromley", "addendum-assessment", &c, "2023-12-21"),
        ["2023-06-23 met", "2023-12-20 overdue"]
    );
}

#[test]
fn bromley_supervision_record() {
    // One working day after Friday 16 September 2022 is Tuesday 20th (Monday was the state
    // funeral); after Friday 23 December it is Wednesday 28th.
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .recorded("2022-09-16T14:00", "2022-09-20T09:00", SUPERVISION)
        .recorded("2022-12-23T14:00", "2022-12-29T09:00", SUPERVISION);
    let o = obligations("bromley", "supervision-record", &c, "2022-12-30");
    assert_eq!(brief(&o), ["2022-09-20 met", "2022-12-28 met_late"]);
    assert_eq!(
        o[1].status,
        Status::MetLate {
            days_late: 1,
            hours_late: None
        }
    );
}

// ---------------------------------------------------------------------------------------
// bromley: child protection

#[test]
fn bromley_strategy_discussion() {
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .at("2022-09-16T17:00", CONCERN)
        .at("2022-09-19T10:00", STRATEGY_S47)
        .at("2022-09-22T10:00", CONCERN)
        .at("2022-09-22T15:00", STRATEGY_S47);
    let o = obligations("bromley", "strategy-discussion", &c, "2022-09-30");
    assert_eq!(brief(&o), ["2022-09-17 met_late", "2022-09-23 met"]);
    // 17:00 BST is 16:00 UTC.
    assert_eq!(
        o[0].due_at.unwrap().to_string(),
        "2022-09-17T16:00:00.000000Z"
    );
}

#[test]
fn bromley_s47_completion() {
    // Ten working days from Friday 16 September 2022 pass over the state funeral: Monday 3
    // October, not Friday 30 September.
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .at("2022-09-16", STRATEGY_S47)
        .at("2022-09-16T11:00", S47_STARTED)
        .at("2022-10-03", S47_CONFERENCE);
    let o = obligations("bromley", "s47-completion", &c, "2022-10-10");
    assert_eq!(brief(&o), ["2022-10-03 met"]);
    let skipped: Vec<String> = o[0]
        .explanation
        .calendar
        .iter()
        .map(|s| {
            serde_json::to_value(s).unwrap()["date"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert!(skipped.contains(&"2022-09-19".to_owned()), "{skipped:?}");
}

#[test]
fn bromley_icpc() {
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .at("2022-12-23", STRATEGY_S47)
        .at("2022-12-23T11:00", S47_STARTED)
        .at("2023-01-10", S47_CONFERENCE)
        .at("2023-01-18", ICPC);
    assert_eq!(
        check("bromley", "icpc", &c, "2023-01-31"),
        ["2023-01-18 met"]
    );
    // An enquiry that finds no conference is needed ends the clock.
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .at("2022-09-16", STRATEGY_S47)
        .at("2022-09-16T11:00", S47_STARTED)
        .at("2022-09-30", S47_NO_CONFERENCE);
    let o = obligations("bromley", "icpc", &c, "2022-12-01");
    assert_eq!(brief(&o), ["2022-10-10 not_applicable"]);
}

#[test]
fn bromley_icpc_report_family() {
    // Conference booked for Tuesday 3 January 2023: two working days before, passing over
    // the New Year's Day substitute and the weekend, is Thursday 29 December.
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .at("2022-12-20", &meeting_scheduled("ICPC", "2023-01-03"))
        .at("2022-12-30", &shared("CONFERENCE_REPORT", &["FAMILY"]));
    let rule = "icpc-report-family";
    assert_eq!(
        check("bromley", rule, &c, "2022-12-28"),
        ["2022-12-29 due_soon"]
    );
    assert_eq!(
        check("bromley", rule, &c, "2023-01-04"),
        ["2022-12-29 met_late"]
    );
    // A manager's recorded decision to withhold it counts.
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .at("2022-12-20", &meeting_scheduled("ICPC", "2023-01-03"))
        .at("2022-12-29", &withheld("CONFERENCE_REPORT", "FAMILY"));
    assert_eq!(check("bromley", rule, &c, "2023-01-04"), ["2022-12-29 met"]);
}

#[test]
fn a_held_conference_closes_its_booking() {
    // Booked for Tuesday 17 January 2023, held instead on Thursday 5 January, with the
    // report shared on the 3rd. What was due before the booked day is no longer due.
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .at("2022-12-20", &meeting_scheduled("ICPC", "2023-01-17"))
        .at("2023-01-03", &shared("CONFERENCE_REPORT", &["FAMILY"]))
        .at("2023-01-05", ICPC);
    let o = obligations("bromley", "icpc-report-family", &c, "2023-01-10");
    assert_eq!(brief(&o), ["2023-01-03 met", "2023-01-13 not_applicable"]);
    let closed = o[1].explanation.closed.unwrap();
    assert_eq!(closed.ending, Ending::MeetingHeldInstead);
    assert_eq!(closed.at, when("2023-01-05"));
    assert!(
        o[1].describe().contains(
            "the meeting was held on another day instead: initial conference held on Thu 5 Jan 2023"
        ),
        "{}",
        o[1].describe()
    );
    // A booking for the next meeting, made after one was held, still counts.
    let c = child("2012-06-01")
        .open_case("2022-11-01")
        .enters_care("2022-12-01", "C1")
        .at("2023-01-05", CLA_REVIEW)
        .at("2023-01-06", &meeting_scheduled("CLA_REVIEW", "2023-04-04"));
    let o = obligations("bromley", "cla-review-report", &c, "2023-03-24");
    assert_eq!(brief(&o[1..]), ["2023-03-28 due_soon"]);
}

#[test]
fn report_obligations_due_before_the_referral_are_not_missed() {
    // Referred on Monday 9 January 2023 and conferenced the next day: two working days
    // before the conference is Friday 6 January, before the case was open.
    let c = child("2012-06-01")
        .open_case("2023-01-09")
        .at("2023-01-10", ICPC);
    for rule in ["icpc-report-family", "icpc-report-ro"] {
        let o = obligations("bromley", rule, &c, "2023-01-31");
        assert_eq!(brief(&o), ["2023-01-06 not_applicable"], "{rule}");
        assert!(!o[0].is_missed(), "{rule}");
        let closed = o[0].explanation.closed.unwrap();
        assert_eq!(closed.ending, Ending::DueBeforeApplying, "{rule}");
        assert!(
            closed.why().contains("referral received on Mon 9 Jan 2023"),
            "{}",
            closed.why()
        );
    }
    let all = eval(&c.record(), &ruleset("bromley"), "2023-01-31");
    assert!(
        all.missed()
            .iter()
            .all(|m| !m.rule.id.starts_with("icpc-report")),
        "{:?}",
        all.missed()
    );
    // Conferenced three working days after the referral, the deadline is a day after it
    // and is missed if nothing was shared.
    let c = child("2012-06-01")
        .open_case("2023-01-09")
        .at("2023-01-12", ICPC);
    assert_eq!(
        check("bromley", "icpc-report-family", &c, "2023-01-31"),
        ["2023-01-10 overdue"]
    );
}

#[test]
fn missed_items_are_listed_with_their_rule_due_date_and_reason() {
    // A child protection plan from Thursday 1 December 2022 with no visit, ended on 20
    // January 2023: the visit due on 15 December can no longer be made.
    let c = child("2012-06-01")
        .open_case("2022-11-01")
        .cp_plan("2022-12-01")
        .at("2023-01-20", CP_PLAN_ENDED);
    let evaluation = eval(&c.record(), &ruleset("bromley"), "2023-01-31");
    let missed = evaluation.missed();
    let visit = missed
        .iter()
        .find(|m| m.rule.id == "cp-visit")
        .unwrap_or_else(|| panic!("{missed:?}"));
    assert_eq!(visit.due_date, d(2022, 12, 15));
    assert_eq!(
        visit.rule.summary,
        "Visit the child on a child protection plan, and see them alone"
    );
    assert_eq!(
        visit.reason(),
        "Not done by Thu 15 Dec 2022, and then it stopped applying with child protection plan ended on Fri 20 Jan 2023."
    );
    // Listed earliest first; every one is overdue and closed, and none is still to do.
    assert!(missed.windows(2).all(|w| w[0].due_date <= w[1].due_date));
    let counted = evaluation
        .obligations
        .iter()
        .filter(|o| {
            matches!(o.status.outcome(), Status::Overdue { .. }) && o.explanation.closed.is_some()
        })
        .count();
    assert_eq!(missed.len(), counted);
}

#[test]
fn bromley_icpc_report_ro() {
    // Conference held on Wednesday 21 September 2022 without a booking: two working days
    // before, passing over the state funeral, is Friday 16 September.
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .at(
            "2022-09-20",
            &shared("CONFERENCE_REPORT", &["REVIEWING_OFFICER"]),
        )
        .at("2022-09-21", ICPC);
    let o = obligations("bromley", "icpc-report-ro", &c, "2022-09-30");
    assert_eq!(brief(&o), ["2022-09-16 met_late"]);
    assert!(matches!(
        o[0].explanation.clock,
        ClockStart::Meeting {
            booked: None,
            held: Some(_),
            ..
        }
    ));
}

#[test]
fn bromley_conference_record() {
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .cp_plan("2022-12-23T14:00")
        .at(
            "2022-12-27",
            &shared("CONFERENCE_RECORD", &["PARTICIPANTS"]),
        )
        .at("2023-03-20T11:00", RCPC)
        .at(
            "2023-03-20T16:00",
            &shared("CONFERENCE_RECORD", &["PARTICIPANTS"]),
        );
    assert_eq!(
        check("bromley", "conference-record", &c, "2023-03-31"),
        ["2022-12-24 met_late", "2023-03-21 met"]
    );
}

#[test]
fn bromley_dissent_response() {
    // Seven working days from Friday 28 April 2023 pass over the early May bank holiday and
    // the coronation: Thursday 11 May.
    let c = child("2012-06-01")
        .open_case("2023-01-03")
        .cp_plan("2023-01-20")
        .at("2023-04-28", RCPC)
        .at("2023-04-28T11:00", DISSENT)
        .at("2023-05-11", &response("DISSENT_RESPONSE", true));
    assert_eq!(
        check("bromley", "dissent-response", &c, "2023-05-31"),
        ["2023-05-11 met"]
    );
}

#[test]
fn bromley_first_core_group() {
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .cp_plan("2022-09-16")
        .at("2022-09-30", CORE_GROUP);
    let o = obligations("bromley", "first-core-group", &c, "2022-10-31");
    assert_eq!(brief(&o), ["2022-10-03 met"]);
}

#[test]
fn bromley_core_group() {
    // Chained from the first core group, then every six weeks while the plan lasts.
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .cp_plan("2022-09-16")
        .at("2022-09-30", CORE_GROUP)
        .at("2022-11-11", CORE_GROUP)
        .at("2022-12-01", RCPC)
        .at("2022-12-01T11:00", CP_PLAN_ENDED);
    let o = obligations("bromley", "core-group", &c, "2023-01-31");
    assert_eq!(brief(&o), ["2022-11-11 met", "2022-12-23 not_applicable"]);
    assert!(
        matches!(&o[0].explanation.clock, ClockStart::Chained { rule, .. } if &**rule == "first-core-group")
    );
}

#[test]
fn bromley_cp_visit() {
    // A plan from Friday 16 December 2022: ten working days pass over Christmas.
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .cp_plan("2022-12-16")
        .at("2023-01-04", VISIT)
        .at("2023-01-17", VISIT_NOT_ALONE_NO_REASON)
        .at("2023-01-19", VISIT);
    let o = obligations("bromley", "cp-visit", &c, "2023-01-31");
    // The visit on the 17th did not see the child alone, and no reason was recorded.
    assert_eq!(
        brief(&o),
        [
            "2023-01-04 met",
            "2023-01-18 met_late",
            "2023-02-02 due_soon"
        ]
    );
    assert_eq!(o[2].explanation.timescale.source, PeriodSource::Every);
}

#[test]
fn bromley_rcpc() {
    // Months run on dates: the second review is due on the summer bank holiday itself.
    let c = child("2012-06-01")
        .open_case("2022-11-01")
        .cp_plan("2022-12-01")
        .at("2023-02-28", RCPC);
    assert_eq!(
        check("bromley", "rcpc", &c, "2023-08-29"),
        ["2023-03-01 met", "2023-08-28 overdue"]
    );
}

#[test]
fn bromley_rcpc_report() {
    // Review conference booked for Wednesday 3 May 2023: five working days before, passing
    // over the early May bank holiday, is Tuesday 25 April.
    let base = child("2012-06-01")
        .open_case("2022-11-01")
        .cp_plan("2022-12-01")
        .at("2023-04-01", &meeting_scheduled("RCPC", "2023-05-03"))
        .at(
            "2023-04-24",
            &shared("CONFERENCE_REPORT", &["FAMILY", "REVIEWING_OFFICER"]),
        );
    let with_child = base
        .clone()
        .at("2023-04-25", &withheld("CONFERENCE_REPORT", "CHILD"))
        .at("2023-05-03", RCPC);
    assert_eq!(
        check("bromley", "rcpc-report", &with_child, "2023-05-04"),
        ["2023-04-25 met"]
    );
    // Without the child's copy, the conference went ahead with it missing.
    let without = base.at("2023-05-03", RCPC);
    assert_eq!(
        check("bromley", "rcpc-report", &without, "2023-05-04"),
        ["2023-04-25 overdue"]
    );
}

#[test]
fn bromley_ro_preconference() {
    // A review conference on Tuesday 3 January 2023: five working days before is Thursday
    // 22 December, passing over both Christmas holidays and the New Year substitute.
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .cp_plan("2022-10-03")
        .at("2022-12-22", &meeting_held("RO_PRE_MEETING"))
        .at("2023-01-03", RCPC);
    assert_eq!(
        check("bromley", "ro-preconference", &c, "2023-01-31"),
        ["2022-12-22 met"]
    );
}

#[test]
fn bromley_legal_gateway() {
    let plan = child("2012-06-01")
        .open_case("2022-01-03")
        .cp_plan("2022-01-10")
        .at("2022-04-07", RCPC)
        .at("2022-10-06", RCPC);
    // Two reviews: no gateway is due yet.
    assert!(obligations("bromley", "legal-gateway", &plan, "2023-03-01").is_empty());
    let third = plan.clone().at("2023-04-06", RCPC);
    let early = third
        .clone()
        .at("2022-12-01", &meeting_held("LEGAL_GATEWAY"));
    assert_eq!(
        check("bromley", "legal-gateway", &early, "2023-04-30"),
        ["2023-04-06 met"]
    );
    let late = third.at("2023-04-14", &meeting_held("LEGAL_GATEWAY"));
    let o = obligations("bromley", "legal-gateway", &late, "2023-04-30");
    assert_eq!(brief(&o), ["2023-04-06 met_late"]);
    assert_eq!(
        o[0].status,
        Status::MetLate {
            days_late: 8,
            hours_late: None
        }
    );
}

// ---------------------------------------------------------------------------------------
// bromley: child in need

#[test]
fn bromley_cin_plan_copy() {
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .cin_plan("2022-09-02")
        .at("2022-09-16", CIN_MEETING)
        .at("2022-10-03", &shared("CIN_PLAN", &["PARTICIPANTS"]));
    assert_eq!(
        check("bromley", "cin-plan-copy", &c, "2022-10-31"),
        ["2022-10-03 met"]
    );
}

#[test]
fn bromley_cin_review() {
    let c = child("2012-06-01")
        .open_case("2022-11-01")
        .cin_plan("2022-11-11")
        .at("2022-12-28", CIN_REVIEW)
        .at("2023-02-01", CIN_MEETING);
    // A child in need meeting that is not a review does not count.
    assert_eq!(
        check("bromley", "cin-review", &c, "2023-02-09"),
        ["2022-12-23 met_late", "2023-02-08 overdue"]
    );
}

#[test]
fn bromley_cin_visit() {
    // From Friday 2 December 2022, twenty working days pass over Christmas: 4 January.
    // The team manager then varies the period to 30 working days.
    let c = child("2012-06-01")
        .open_case("2022-11-01")
        .cin_plan("2022-12-02")
        .at("2023-01-04", VISIT)
        .at(
            "2023-01-04T12:00",
            &varied("cin-visit", 30, "WORKING_DAYS", "TM1"),
        )
        .at("2023-02-14", VISIT);
    let o = obligations("bromley", "cin-visit", &c, "2023-02-20");
    assert_eq!(
        brief(&o),
        [
            "2023-01-04 met",
            "2023-02-15 varied/met",
            "2023-03-28 varied/upcoming"
        ]
    );
    let Status::Varied(v) = &o[1].status else {
        panic!("{:?}", o[1].status)
    };
    assert_eq!(v.variation.authorised_by.as_str(), "TM1");
    assert_eq!(v.variation.role, StaffRole::TeamManager);
    // A social worker cannot vary it: the standard period stands, and a note says why.
    let c = child("2012-06-01")
        .open_case("2022-11-01")
        .cin_plan("2022-12-02")
        .at("2023-01-04", VISIT)
        .at(
            "2023-01-04T12:00",
            &varied("cin-visit", 30, "WORKING_DAYS", "SW1"),
        );
    let o = obligations("bromley", "cin-visit", &c, "2023-02-20");
    assert_eq!(brief(&o), ["2023-01-04 met", "2023-02-01 overdue"]);
    assert!(
        o[1].explanation.notes[0].contains("cannot authorise"),
        "{:?}",
        o[1].explanation.notes
    );
}

#[test]
fn bromley_cin_supervision() {
    let c = child("2012-06-01")
        .open_case("2022-11-01")
        .cin_plan("2022-11-25")
        .at("2022-12-23", SUPERVISION);
    assert_eq!(
        check("bromley", "cin-supervision", &c, "2023-01-20"),
        ["2022-12-23 met", "2023-01-20 due_soon"]
    );
    assert_eq!(
        check("bromley", "cin-supervision", &c, "2023-01-21")[1],
        "2023-01-20 overdue"
    );
}

// ---------------------------------------------------------------------------------------
// bromley: looked after

#[test]
fn bromley_cla_assessment() {
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .at("2022-12-02", ASSESSMENT_STARTED)
        .enters_care("2022-12-23", "L1")
        .at("2023-01-18", &assessment_completed("LOOKED_AFTER"));
    assert_eq!(
        check("bromley", "cla-assessment", &c, "2023-01-31"),
        ["2023-01-18 met"]
    );
    // A planned admission under section 20 is not an emergency.
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .enters_care("2022-12-23", "V2");
    assert!(obligations("bromley", "cla-assessment", &c, "2023-01-31").is_empty());
}

#[test]
fn bromley_placement_planning() {
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .enters_care("2022-09-16", "C1")
        .at("2022-09-26", &meeting_held("PLACEMENT_PLANNING"))
        .at("2022-12-23", EPISODE_ENDED_X1)
        .at("2022-12-23", &episode("P", "C1"));
    assert_eq!(
        check("bromley", "placement-planning", &c, "2023-01-05"),
        ["2022-09-26 met", "2023-01-04 overdue"]
    );
}

#[test]
fn bromley_legal_status_informed() {
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .enters_care("2022-12-23", "C1")
        .at(
            "2023-01-05",
            &shared("LEGAL_STATUS_NOTICE", &["PROFESSIONALS"]),
        );
    let o = obligations("bromley", "legal-status-informed", &c, "2023-01-31");
    assert_eq!(brief(&o), ["2023-01-04 met_late"]);
}

#[test]
fn bromley_cla_visit() {
    // Three working days from Friday 16 September 2022 pass over the state funeral; then
    // every four weeks, until the head of service allows eight once there is a
    // permanence plan.
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .enters_care("2022-09-16", "C2")
        .at("2022-09-22", VISIT)
        .at("2022-10-20", VISIT)
        .at("2022-11-01", &permanence("LONG_TERM_FOSTERING"))
        .at("2022-11-01T12:00", &varied("cla-visit", 8, "WEEKS", "HOS1"))
        .at("2022-11-17", VISIT)
        .at("2023-01-10", VISIT);
    let o = obligations("bromley", "cla-visit", &c, "2023-03-01");
    assert_eq!(
        brief(&o),
        [
            "2022-09-22 met",
            "2022-10-20 met",
            "2022-11-17 met",
            "2023-01-12 varied/met",
            "2023-03-07 varied/upcoming"
        ]
    );
    // Longer than eight weeks is not allowed.
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .enters_care("2022-09-16", "C2")
        .at("2022-09-19", &permanence("LONG_TERM_FOSTERING"))
        .at("2022-09-20", &varied("cla-visit", 10, "WEEKS", "HOS1"))
        .at("2022-09-22", VISIT);
    let o = obligations("bromley", "cla-visit", &c, "2022-10-10");
    assert_eq!(brief(&o), ["2022-09-22 met", "2022-10-20 upcoming"]);
    assert!(
        o[1].explanation.notes[0].contains("longer than"),
        "{:?}",
        o[1].explanation.notes
    );
    // Nor without a permanence plan, whoever authorises it.
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .enters_care("2022-09-16", "C2")
        .at("2022-09-20", &varied("cla-visit", 8, "WEEKS", "HOS1"))
        .at("2022-09-22", VISIT);
    let o = obligations("bromley", "cla-visit", &c, "2022-10-10");
    assert_eq!(brief(&o), ["2022-09-22 met", "2022-10-20 upcoming"]);
    assert!(
        o[1].explanation.notes[0].contains("permanence plan"),
        "{:?}",
        o[1].explanation.notes
    );
    // A plan made in an earlier period of care does not carry over to a new one.
    let c = child("2012-06-01")
        .open_case("2022-01-04")
        .enters_care("2022-01-04", "C2")
        .at("2022-02-01", &permanence("LONG_TERM_FOSTERING"))
        .at("2022-06-01", LEAVES_CARE)
        .enters_care("2022-09-16", "V2")
        .at("2022-09-20", &varied("cla-visit", 8, "WEEKS", "HOS1"))
        .at("2022-09-22", VISIT);
    let o = obligations("bromley", "cla-visit", &c, "2022-10-10");
    assert_eq!(brief(&o)[1..], ["2022-09-22 met", "2022-10-20 upcoming"]);
    assert!(
        o[2].explanation.notes[0].contains("permanence plan"),
        "{:?}",
        o[2].explanation.notes
    );
}

#[test]
fn bromley_care_plan() {
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .enters_care("2022-12-23", "C1")
        .at("2023-01-11", CARE_PLAN);
    assert_eq!(
        check("bromley", "care-plan", &c, "2023-01-31"),
        ["2023-01-11 met"]
    );
}

#[test]
fn bromley_health_assessment() {
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .enters_care("2022-09-16", "C1")
        .at("2022-10-17", HEALTH);
    assert_eq!(
        check("bromley", "health-assessment", &c, "2023-10-18"),
        ["2022-10-17 met", "2023-10-17 overdue"]
    );
}

#[test]
fn bromley_pep() {
    // Ten working days from Maundy Thursday 2025 pass over Easter and the early May bank
    // holiday: Tuesday 6 May.
    let c = child("2012-06-01")
        .open_case("2025-04-01")
        .enters_care("2025-04-17", "C1")
        .at("2025-05-06", PEP);
    assert_eq!(
        check("bromley", "pep", &c, "2025-09-08"),
        ["2025-05-06 met", "2025-09-06 overdue"]
    );
    // A toddler in care: the first plan is due ten working days after the third birthday
    // (Thursday 1 June 2023).
    let young = child("2020-06-01")
        .open_case("2023-01-03")
        .enters_care("2023-01-09", "C1");
    assert_eq!(
        check("bromley", "pep", &young, "2023-06-30"),
        ["2023-06-15 overdue"]
    );
}

#[test]
fn bromley_cla_review() {
    // A four-year-old: reviews every three months after the second.
    let young = child("2018-06-01")
        .open_case("2022-12-01")
        .enters_care("2022-12-23", "C1")
        .at("2023-01-25", CLA_REVIEW)
        .at("2023-04-20", CLA_REVIEW)
        .at("2023-07-20", CLA_REVIEW);
    let o = obligations("bromley", "cla-review", &young, "2023-10-21");
    assert_eq!(
        brief(&o),
        [
            "2023-01-25 met",
            "2023-04-25 met",
            "2023-07-20 met",
            "2023-10-20 overdue"
        ]
    );
    assert_eq!(o[2].explanation.timescale.source, PeriodSource::EveryWhen);
    // A ten-year-old: every six months after the second.
    let older = child("2012-06-01")
        .open_case("2022-12-01")
        .enters_care("2022-12-23", "C1")
        .at("2023-01-25", CLA_REVIEW)
        .at("2023-04-20", CLA_REVIEW);
    assert_eq!(
        check("bromley", "cla-review", &older, "2023-07-21"),
        ["2023-01-25 met", "2023-04-25 met", "2023-10-20 upcoming"]
    );
}

#[test]
fn bromley_cla_review_report() {
    // Review on Tuesday 2 May 2023: five working days before, passing over the early May
    // bank holiday, is Monday 24 April.
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .enters_care("2023-01-03", "C1")
        .at("2023-03-01", &meeting_scheduled("CLA_REVIEW", "2023-05-02"))
        .at(
            "2023-04-24",
            &shared("REVIEW_REPORT", &["REVIEWING_OFFICER"]),
        );
    assert_eq!(
        check("bromley", "cla-review-report", &c, "2023-04-30"),
        ["2023-04-24 met"]
    );
    // Booked again for Tuesday 9 May: the first booking no longer applies, and five working
    // days before the new date, passing over the coronation, is Friday 28 April.
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .enters_care("2023-01-03", "C1")
        .at("2023-03-01", &meeting_scheduled("CLA_REVIEW", "2023-05-02"))
        .at("2023-04-20", &meeting_scheduled("CLA_REVIEW", "2023-05-09"))
        .at(
            "2023-05-02",
            &shared("REVIEW_REPORT", &["REVIEWING_OFFICER"]),
        )
        .at("2023-05-09", CLA_REVIEW);
    assert_eq!(
        check("bromley", "cla-review-report", &c, "2023-05-31"),
        ["2023-04-24 not_applicable", "2023-04-28 met_late"]
    );
}

#[test]
fn bromley_cla_review_discussion() {
    // Review on Tuesday 3 January 2023: twenty days before is Wednesday 14 December.
    let booked = child("2012-06-01")
        .open_case("2022-09-01")
        .enters_care("2022-09-05", "C1")
        .at("2022-11-01", &meeting_scheduled("CLA_REVIEW", "2023-01-03"));
    let c = booked
        .clone()
        .at("2022-12-01", &shared("CARE_PLAN", &["CHILD", "FAMILY"]))
        .at("2022-12-01T11:00", &withheld("CARE_PLAN", "CARER"));
    assert_eq!(
        check("bromley", "cla-review-discussion", &c, "2022-12-31"),
        ["2022-12-14 met"]
    );
    // Shared after the deadline, over the Christmas holidays: late.
    let late = booked.clone().at(
        "2022-12-28",
        &shared("CARE_PLAN", &["CHILD", "FAMILY", "CARER"]),
    );
    assert_eq!(
        check("bromley", "cla-review-discussion", &late, "2022-12-31"),
        ["2022-12-14 met_late"]
    );
    // The review is called off: the discussion no longer applies.
    let c = booked.at("2022-11-20", &meeting_cancelled("CLA_REVIEW", "2023-01-03"));
    let o = obligations("bromley", "cla-review-discussion", &c, "2022-12-31");
    assert_eq!(brief(&o), ["2022-12-14 not_applicable"]);
}

#[test]
fn bromley_ro_prereview() {
    // Review held on Monday 10 October 2022: fifteen working days before, passing over the
    // state funeral, is Friday 16 September.
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .enters_care("2022-09-01", "C1")
        .at("2022-09-16", &meeting_held("RO_PRE_MEETING"))
        .at("2022-10-10", CLA_REVIEW);
    assert_eq!(
        check("bromley", "ro-prereview", &c, "2022-10-31"),
        ["2022-09-16 met"]
    );
}

fn reviewed(response_agreed: Option<bool>) -> Child {
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .enters_care("2022-09-01", "C1")
        .at("2022-09-16", CLA_REVIEW)
        .at(
            "2022-09-26T15:00",
            &shared("REVIEW_RECOMMENDATIONS", &["TEAM_MANAGER"]),
        )
        .at("2022-10-03", CARE_PLAN);
    match response_agreed {
        Some(agreed) => c.at("2022-09-30", &response("REVIEW_RECOMMENDATIONS", agreed)),
        None => c,
    }
}

#[test]
fn bromley_review_recommendations() {
    // Five working days from Friday 16 September 2022 pass over the state funeral.
    assert_eq!(
        check(
            "bromley",
            "review-recommendations",
            &reviewed(None),
            "2022-10-31"
        ),
        ["2022-09-26 met"]
    );
}

#[test]
fn bromley_recommendations_response() {
    // 72 hours from the recommendations reaching the manager at 15:00 on 26 September.
    let o = obligations(
        "bromley",
        "recommendations-response",
        &reviewed(Some(false)),
        "2022-10-31",
    );
    assert_eq!(brief(&o), ["2022-09-29 met_late"]);
    assert_eq!(o[0].due_at, Some(when("2022-09-29T15:00")));
    // No response yet: overdue three days on.
    assert_eq!(
        check(
            "bromley",
            "recommendations-response",
            &reviewed(None),
            "2022-10-02"
        ),
        ["2022-09-29 overdue"]
    );
}

#[test]
fn bromley_binding_recommendations() {
    // Not agreed: binding, and the care plan updated within ten working days.
    assert_eq!(
        check(
            "bromley",
            "binding-recommendations",
            &reviewed(Some(false)),
            "2022-10-31"
        ),
        ["2022-10-03 met"]
    );
    // Agreed: this no longer applies.
    assert_eq!(
        check(
            "bromley",
            "binding-recommendations",
            &reviewed(Some(true)),
            "2022-10-31"
        ),
        ["2022-10-03 not_applicable"]
    );
}

#[test]
fn bromley_permanence_plan() {
    let base = child("2012-06-01")
        .open_case("2022-06-01")
        .enters_care("2022-06-01", "C1")
        .at("2022-06-28", CLA_REVIEW)
        .at("2022-09-16", CLA_REVIEW);
    let early = base.clone().at("2022-09-01", &permanence("ADOPTION"));
    assert_eq!(
        check("bromley", "permanence-plan", &early, "2022-09-30"),
        ["2022-09-16 met"]
    );
    let late = base.at("2022-09-20", &permanence("ADOPTION"));
    assert_eq!(
        check("bromley", "permanence-plan", &late, "2022-09-30"),
        ["2022-09-16 met_late"]
    );
}

#[test]
fn bromley_permanence_meeting() {
    let c = child("2012-06-01")
        .open_case("2022-03-01")
        .enters_care("2022-03-31", "C1")
        .at("2022-09-30", &meeting_held("PERMANENCE"));
    assert_eq!(
        check("bromley", "permanence-meeting", &c, "2023-03-31"),
        ["2022-09-30 met", "2023-03-30 overdue"]
    );
}

// ---------------------------------------------------------------------------------------
// bromley: missing

#[test]
fn bromley_missing_report() {
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .enters_care("2022-12-02", "C1")
        .at("2022-12-23T22:30", MISSING)
        .at("2022-12-23T23:00", POLICE_INFORMED)
        .at("2022-12-24T08:00", RETURNED)
        .at("2023-01-06T20:00", MISSING)
        .at("2023-01-06T21:30", POLICE_INFORMED);
    assert_eq!(
        check("bromley", "missing-report", &c, "2023-01-07"),
        ["2022-12-23 met", "2023-01-06 met_late"]
    );
}

#[test]
fn bromley_missing_strategy() {
    // Missing for a month: weekly meetings, chaired by the head of service from 14 days and
    // the assistant director from 28.
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .enters_care("2022-09-02", "C1")
        .at("2022-09-16T20:00", MISSING)
        .at("2022-09-17T18:00", &meeting_held("MISSING_STRATEGY"))
        .at("2022-09-23", &meeting_held("MISSING_STRATEGY"))
        .at("2022-09-30", &meeting_held("MISSING_STRATEGY"))
        .at("2022-10-07", &meeting_held("MISSING_STRATEGY"))
        .at("2022-10-14", &meeting_held("MISSING_STRATEGY"))
        .at("2022-10-15", RETURNED);
    let o = obligations("bromley", "missing-strategy", &c, "2022-10-31");
    assert_eq!(
        brief(&o),
        [
            "2022-09-17 met",
            "2022-09-24 met",
            "2022-09-30 met",
            "2022-10-07 met",
            "2022-10-14 met",
            "2022-10-21 not_applicable"
        ]
    );
    let owners: Vec<StaffRole> = o.iter().map(|o| o.owner.role).collect();
    assert_eq!(
        owners,
        [
            StaffRole::TeamManager,
            StaffRole::TeamManager,
            StaffRole::HeadOfService,
            StaffRole::HeadOfService,
            StaffRole::AssistantDirector,
            StaffRole::AssistantDirector
        ]
    );
}

#[test]
fn bromley_missing_strategy_counts_each_episode() {
    // Back after two hours, then missing again that evening: two episodes, two clocks.
    let c = child("2012-06-01")
        .open_case("2022-10-03")
        .enters_care("2022-10-03", "C1")
        .at("2022-11-01T08:00", MISSING)
        .at("2022-11-01T10:00", RETURNED)
        .at("2022-11-01T18:00", MISSING)
        .at("2022-11-02T09:00", &meeting_held("MISSING_STRATEGY"));
    let o = obligations("bromley", "missing-strategy", &c, "2022-11-03");
    assert_eq!(
        brief(&o),
        [
            "2022-11-02 not_applicable",
            "2022-11-02 met",
            "2022-11-09 upcoming"
        ]
    );
    assert_eq!(
        o.iter().map(|o| (o.run, o.occurrence)).collect::<Vec<_>>(),
        [(1, 1), (2, 1), (2, 2)]
    );
}

#[test]
fn escalation_follows_how_long_the_obligation_has_been_outstanding() {
    // Missing from 20:00 on Friday 16 September 2022 and no strategy meeting held: the
    // meeting due at 24 hours is still outstanding, so it passes to the head of service at
    // 14 days (30 September) and the assistant director at 28 (14 October).
    let missing = child("2012-06-01")
        .open_case("2022-09-01")
        .enters_care("2022-09-02", "C1")
        .at("2022-09-16T20:00", MISSING);
    let owner = |c: &Child, as_at: &str| {
        let o = obligations("bromley", "missing-strategy", c, as_at);
        assert_eq!(o.len(), 1, "{as_at}: {:?}", brief(&o));
        assert!(
            matches!(o[0].status, Status::Overdue { .. }),
            "{as_at}: {:?}",
            brief(&o)
        );
        (o[0].owner.role, o[0].escalation.as_ref().map(|e| e.role))
    };
    assert_eq!(
        owner(&missing, "2022-09-29"),
        (StaffRole::TeamManager, None)
    );
    let head = (StaffRole::HeadOfService, Some(StaffRole::HeadOfService));
    assert_eq!(owner(&missing, "2022-09-30"), head);
    assert_eq!(owner(&missing, "2022-10-07"), head);
    let director = (
        StaffRole::AssistantDirector,
        Some(StaffRole::AssistantDirector),
    );
    assert_eq!(owner(&missing, "2022-10-14"), director);
    // Back after 21 days with no meeting: it was outstanding for 21 days, so it stays the
    // head of service's, and never reached the assistant director.
    let back = missing.clone().at("2022-10-07T12:00", RETURNED);
    assert_eq!(owner(&back, "2022-11-30"), head);
    let o = obligations("bromley", "missing-strategy", &back, "2022-11-30");
    assert!(
        o[0].describe()
            .contains("Escalated after 14 days: head of service"),
        "{}",
        o[0].describe()
    );
}

#[test]
fn bromley_return_home_interview() {
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .enters_care("2022-12-02", "C1")
        .at("2022-12-22T20:00", MISSING)
        .at("2022-12-23T10:00", RETURNED)
        .at("2022-12-27T09:00", INTERVIEW_OFFERED);
    let o = obligations("bromley", "return-home-interview", &c, "2022-12-31");
    assert_eq!(brief(&o), ["2022-12-26 met_late"]);
    assert_eq!(o[0].due_at, Some(when("2022-12-26T10:00")));
}

// ---------------------------------------------------------------------------------------
// bromley: leaving care

fn care_leaver_journey() -> Child {
    // Born 20 June 2007: 15 on 20 June 2022, fifteen and a half on 20 December 2022.
    child("2007-06-20")
        .open_case("2022-03-01")
        .enters_care("2022-03-01", "C2")
        .at("2022-12-20", &pathway("STARTED"))
        .at("2023-06-19", &pathway("REVIEWED"))
}

#[test]
fn bromley_pathway_plan() {
    let c = care_leaver_journey();
    assert_eq!(
        check("bromley", "pathway-plan", &c, "2022-12-01"),
        ["2022-12-20 upcoming"]
    );
    let o = obligations("bromley", "pathway-plan", &c, "2023-01-31");
    assert_eq!(brief(&o), ["2022-12-20 met"]);
    // The clock started at the fifteenth birthday, not on entering care at fourteen.
    assert_eq!(o[0].explanation.clock.at(), when("2022-06-20T00:00"));
}

#[test]
fn a_pathway_plan_at_fifteen_and_a_half_for_a_child_born_on_31_march_is_due_30_september() {
    // Ages count as periods in months do: six months from the 15th birthday, 31 March 2025,
    // is 30 September, the last day of the shorter month, not 1 October.
    let c = child("2010-03-31")
        .open_case("2024-06-03")
        .enters_care("2024-06-03", "C2");
    let o = obligations("bromley", "pathway-plan", &c, "2025-09-30");
    assert_eq!(brief(&o), ["2025-09-30 due_soon"]);
    assert!(
        o[0].describe()
            .contains("the child reaches the age on Tue 30 Sep 2025"),
        "{}",
        o[0].describe()
    );
    assert_eq!(
        check("bromley", "pathway-plan", &c, "2025-10-01"),
        ["2025-09-30 overdue"]
    );
}

#[test]
fn bromley_pathway_review() {
    assert_eq!(
        check(
            "bromley",
            "pathway-review",
            &care_leaver_journey(),
            "2023-12-20"
        ),
        ["2023-06-20 met", "2023-12-19 overdue"]
    );
}

#[test]
fn bromley_care_leaver_visit() {
    let c = child("2004-05-01")
        .open_case("2019-01-01")
        .at("2022-09-16", &care_leaver("FORMER_RELEVANT"))
        .at("2022-11-11", VISIT)
        .at(
            "2022-11-11T12:00",
            &varied("care-leaver-visit", 12, "WEEKS", "TM1"),
        )
        .at("2023-02-03", VISIT);
    assert_eq!(
        check("bromley", "care-leaver-visit", &c, "2023-02-10"),
        [
            "2022-11-11 met",
            "2023-02-03 varied/met",
            "2023-04-28 varied/upcoming"
        ]
    );
}

#[test]
fn bromley_neet_panel() {
    let c = child("2004-05-01")
        .open_case("2019-01-01")
        .at("2022-09-01", &care_leaver("RELEVANT"))
        .at("2022-09-16", &activity("G5"))
        .at("2022-09-30", &meeting_held("NEET_PANEL"))
        .at("2022-12-01", &activity("F2"));
    assert_eq!(
        check("bromley", "neet-panel", &c, "2023-01-31"),
        ["2022-09-30 met", "2022-12-30 not_applicable"]
    );
}

#[test]
fn bromley_life_letter() {
    // A change of worker on the Friday before Christmas, while in care: the letter the same
    // afternoon meets it. A change after the child has left care is not a looked-after
    // child's transition.
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .enters_care("2022-09-02", "C1")
        .at("2022-12-23", &allocated("SW2", "TSPROC"))
        .at("2022-12-23T15:00", &shared("LIFE_LETTER", &["CHILD"]))
        .at("2023-03-03", LEAVES_CARE)
        .at("2023-03-10", &allocated("SW1", "TSPROC"));
    assert_eq!(
        check("bromley", "life-letter", &c, "2023-03-31"),
        ["2022-12-23 met"]
    );
}

#[test]
fn bromley_life_letter_leaving_care() {
    // Leaving care on a Friday: a letter on the Monday after is late.
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .enters_care("2022-09-02", "C1")
        .at("2023-03-03", LEAVES_CARE)
        .at("2023-03-06", &shared("LIFE_LETTER", &["CHILD"]));
    assert_eq!(
        check("bromley", "life-letter-leaving-care", &c, "2023-03-31"),
        ["2023-03-03 met_late"]
    );
}

// ---------------------------------------------------------------------------------------
// england-statutory

#[test]
fn statutory_assessment() {
    // Forty-five working days from Friday 23 December 2022 pass over Christmas and New Year.
    let c = child("2012-06-01")
        .open_case("2022-12-23")
        .at("2022-12-28", ASSESSMENT_STARTED)
        .at("2023-02-28", &assessment_completed("CIN_PLAN"))
        .at("2023-03-01", ASSESSMENT_AUTHORISED);
    assert_eq!(
        check("england-statutory", "assessment", &c, "2023-03-31"),
        ["2023-03-01 met"]
    );
}

#[test]
fn statutory_icpc() {
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .at("2022-09-16", STRATEGY_S47)
        .at("2022-09-16T11:00", S47_STARTED)
        .at("2022-10-05", S47_CONFERENCE)
        .at("2022-10-11", ICPC);
    assert_eq!(
        check("england-statutory", "icpc", &c, "2022-10-31"),
        ["2022-10-10 met_late"]
    );
}

#[test]
fn statutory_first_core_group() {
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .cp_plan("2022-12-23")
        .at("2023-01-12", CORE_GROUP)
        .at("2023-02-01", CORE_GROUP);
    // Only the first is timed by statute.
    assert_eq!(
        check("england-statutory", "first-core-group", &c, "2023-03-31"),
        ["2023-01-11 met_late"]
    );
}

#[test]
fn statutory_rcpc() {
    let c = child("2012-06-01")
        .open_case("2022-11-01")
        .cp_plan("2022-11-30")
        .at("2023-02-28", RCPC);
    assert_eq!(
        check("england-statutory", "rcpc", &c, "2023-08-29"),
        ["2023-02-28 met", "2023-08-28 overdue"]
    );
}

#[test]
fn statutory_cla_review() {
    // Twenty working days from Friday 16 September 2022 pass over the state funeral; the
    // statute keeps six months for young children too.
    let c = child("2018-06-01")
        .open_case("2022-09-01")
        .enters_care("2022-09-16", "C1")
        .at("2022-10-14", CLA_REVIEW)
        .at("2023-01-13", CLA_REVIEW);
    assert_eq!(
        check("england-statutory", "cla-review", &c, "2023-07-14"),
        ["2022-10-17 met", "2023-01-14 met", "2023-07-13 overdue"]
    );
}

#[test]
fn statutory_cla_visit() {
    // After a year in a placement meant to last until 18, visits may be three-monthly.
    let c = child("2012-06-01")
        .open_case("2020-12-01")
        .enters_care("2021-01-04", "C2")
        .at("2021-01-08", VISIT)
        .at("2021-02-19", VISIT)
        .at("2021-04-02", VISIT)
        .at("2021-06-01", &permanence("LONG_TERM_FOSTERING"))
        .at("2022-01-07", VISIT)
        .at("2022-04-06", VISIT);
    let o = obligations("england-statutory", "cla-visit", &c, "2022-07-07");
    assert_eq!(
        brief(&o),
        [
            "2021-01-11 met",
            "2021-02-19 met",
            "2021-04-02 met",
            "2021-05-14 met_late",
            "2022-04-07 met",
            "2022-07-06 overdue"
        ]
    );
    assert_eq!(o[4].explanation.timescale.source, PeriodSource::EveryWhen);
    // Without a long-term plan, six weeks still.
    let c = child("2012-06-01")
        .open_case("2020-12-01")
        .enters_care("2021-01-04", "C2")
        .at("2021-01-08", VISIT)
        .at("2022-01-07", VISIT);
    assert_eq!(
        check("england-statutory", "cla-visit", &c, "2022-01-31"),
        [
            "2021-01-11 met",
            "2021-02-19 met_late",
            "2022-02-18 upcoming"
        ]
    );
}

#[test]
fn statutory_care_plan() {
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .enters_care("2022-09-16", "C1")
        .at("2022-10-03", CARE_PLAN);
    assert_eq!(
        check("england-statutory", "care-plan", &c, "2022-10-31"),
        ["2022-10-03 met"]
    );
}

#[test]
fn statutory_health_assessment() {
    // Six-monthly under five, yearly from five (the child turns five on 10 January 2024).
    let c = child("2019-01-10")
        .open_case("2022-12-01")
        .enters_care("2022-12-23", "C1")
        .at("2023-01-20", HEALTH)
        .at("2023-07-20", HEALTH)
        .at("2024-01-19", HEALTH);
    assert_eq!(
        check("england-statutory", "health-assessment", &c, "2024-06-01"),
        [
            "2023-01-25 met",
            "2023-07-20 met",
            "2024-01-20 met",
            "2025-01-19 upcoming"
        ]
    );
}

#[test]
fn statutory_pep() {
    let c = child("2012-06-01")
        .open_case("2025-04-01")
        .enters_care("2025-04-17", "C1")
        .at("2025-05-07", PEP);
    assert_eq!(
        check("england-statutory", "pep", &c, "2025-06-01"),
        ["2025-05-06 met_late", "2025-09-07 upcoming"]
    );
}

#[test]
fn statutory_care_leaver_contact() {
    let c = child("2004-05-01")
        .open_case("2019-01-01")
        .at("2022-12-23", &care_leaver("FORMER_RELEVANT"))
        .at("2023-02-17", IN_TOUCH)
        .at("2023-04-14", VISIT);
    assert_eq!(
        check("england-statutory", "care-leaver-contact", &c, "2023-04-30"),
        ["2023-02-17 met", "2023-04-14 met", "2023-06-09 upcoming"]
    );
}

#[test]
fn statutory_pathway_review() {
    let c = child("2006-06-01")
        .open_case("2022-01-04")
        .enters_care("2022-01-04", "C2")
        .at("2022-09-16", &pathway("STARTED"))
        .at("2023-03-16", &pathway("REVIEWED"));
    assert_eq!(
        check("england-statutory", "pathway-review", &c, "2023-04-30"),
        ["2023-03-16 met", "2023-09-16 upcoming"]
    );
}

/// Born 1 June 2006, in care from 15, leaving care at 18 as a former relevant care leaver,
/// with a pathway plan reviewed every six months to 21.
fn leaves_care_at_18() -> Child {
    child("2006-06-01")
        .open_case("2022-01-04")
        .enters_care("2022-01-04", "C2")
        .at("2022-09-16", &pathway("STARTED"))
        .at("2023-03-16", &pathway("REVIEWED"))
        .at("2023-09-15", &pathway("REVIEWED"))
        .at("2024-03-15", &pathway("REVIEWED"))
        .at("2024-06-03", LEAVES_CARE)
        .at("2024-06-03T11:00", &care_leaver("FORMER_RELEVANT"))
        .at("2024-09-13", &pathway("REVIEWED"))
        .at("2025-03-12", &pathway("REVIEWED"))
        .at("2025-09-12", &pathway("REVIEWED"))
        .at("2026-03-11", &pathway("REVIEWED"))
        .at("2026-09-11", &pathway("REVIEWED"))
        .at("2027-03-10", &pathway("REVIEWED"))
}

#[test]
fn statutory_pathway_reviews_stop_at_21() {
    // 21 on 2027-06-01. The review that would fall due in September 2027 is not asked for.
    assert_eq!(
        check(
            "england-statutory",
            "pathway-review",
            &leaves_care_at_18(),
            "2028-01-31"
        ),
        [
            "2023-03-16 met",
            "2023-09-16 met",
            "2024-03-15 met",
            "2024-09-15 met",
            "2025-03-13 met",
            "2025-09-12 met",
            "2026-03-12 met",
            "2026-09-11 met",
            "2027-03-11 met",
            "2027-09-10 not_applicable"
        ]
    );
}

#[test]
fn care_leavers_who_ask_for_support_to_continue_are_supported_to_25() {
    // Asked at 20 for support to continue: the pathway plan is still reviewed after 21, and
    // the adviser still keeps in touch, until the 25th birthday (1 June 2031).
    let asked = leaves_care_at_18()
        .at("2026-11-02", r#"{"type":"care_leaver_support_requested"}"#)
        .at("2027-09-09", &pathway("REVIEWED"));
    let reviews = check("england-statutory", "pathway-review", &asked, "2028-01-31");
    assert_eq!(
        reviews[8..],
        ["2027-03-11 met", "2027-09-10 met", "2028-03-09 upcoming"]
    );
    // Not reviewed again, the review stays overdue until the support ends at 25.
    let o = obligations("england-statutory", "pathway-review", &asked, "2031-12-31");
    let last = o.last().unwrap();
    assert_eq!(last.due_date, d(2028, 3, 9));
    assert!(last.is_missed());
    assert_eq!(
        last.explanation.closed.unwrap().at,
        when("2031-06-01T00:00")
    );
    // Keeping in touch and visits (none recorded here) are still asked for after 21; without
    // the request, the chance ends at 21.
    let twenty_one = when("2027-06-01T00:00");
    for (ruleset, rule) in [
        ("england-statutory", "care-leaver-contact"),
        ("bromley", "care-leaver-visit"),
    ] {
        let o = obligations(ruleset, rule, &asked, "2027-12-31");
        let last = o.last().unwrap();
        assert_eq!(last.status.kind(), StatusKind::Overdue, "{rule}");
        assert_eq!(last.explanation.closed, None, "{rule}");
        let o = obligations(ruleset, rule, &leaves_care_at_18(), "2027-12-31");
        let closed = o.last().unwrap().explanation.closed.unwrap();
        assert_eq!(closed.at, twenty_one, "{rule}");
        assert!(
            closed.why().contains("stopped applying on 1 Jun 2027"),
            "{}",
            closed.why()
        );
    }
}

#[test]
fn statutory_return_home_interview() {
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .at("2022-09-23T20:00", MISSING)
        .at("2022-09-24T09:00", RETURNED)
        .at("2022-09-27T08:00", INTERVIEW_OFFERED);
    let o = obligations(
        "england-statutory",
        "return-home-interview",
        &c,
        "2022-09-30",
    );
    assert_eq!(brief(&o), ["2022-09-27 met"]);
    assert_eq!(o[0].due_at, Some(when("2022-09-27T09:00")));
}

// ---------------------------------------------------------------------------------------
// southwark-qa

#[test]
fn southwark_cin_review() {
    let c = child("2012-06-01")
        .open_case("2022-11-01")
        .cin_plan("2022-11-30")
        .at("2023-02-28", CIN_REVIEW);
    assert_eq!(
        check("southwark-qa", "cin-review", &c, "2023-08-29"),
        ["2023-02-28 met", "2023-08-28 overdue"]
    );
}

#[test]
fn southwark_icpc() {
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .at("2022-12-23", STRATEGY_S47)
        .at("2022-12-23T11:00", S47_STARTED)
        .at("2023-01-10", S47_CONFERENCE)
        .at("2023-01-19", ICPC);
    assert_eq!(
        check("southwark-qa", "icpc", &c, "2023-01-31"),
        ["2023-01-18 met_late"]
    );
}

#[test]
fn southwark_rcpc() {
    let c = child("2012-06-01")
        .open_case("2022-09-01")
        .cp_plan("2022-09-16")
        .at("2022-12-16", RCPC);
    assert_eq!(
        check("southwark-qa", "rcpc", &c, "2023-01-31"),
        ["2022-12-16 met", "2023-06-16 upcoming"]
    );
}

#[test]
fn southwark_cla_review() {
    // Four weeks is calendar time: Christmas does not move it.
    let c = child("2012-06-01")
        .open_case("2022-12-01")
        .enters_care("2022-12-23", "C1")
        .at("2023-01-20", CLA_REVIEW)
        .at("2023-04-20", CLA_REVIEW);
    assert_eq!(
        check("southwark-qa", "cla-review", &c, "2023-05-01"),
        ["2023-01-20 met", "2023-04-20 met", "2023-10-20 upcoming"]
    );
}

// ---------------------------------------------------------------------------------------

#[test]
fn every_rule_of_every_shipped_ruleset_has_a_test() {
    let source = include_str!("rules.rs");
    fn prefix(ruleset: &str) -> &str {
        match ruleset {
            "england-statutory" => "statutory",
            "southwark-qa" => "southwark",
            other => other,
        }
    }
    let mut missing = Vec::new();
    for name in Ruleset::builtin_names() {
        for rule in &ruleset(name).rules {
            let test = format!("fn {}_{}()", prefix(name), rule.id.replace('-', "_"));
            if !source.contains(&test) {
                missing.push(test);
            }
        }
    }
    assert!(missing.is_empty(), "rules without a test: {missing:?}");
}
