//! Tests of the child record's rules: each refused command names its rule and changes nothing.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::codes::*;
use crate::directory::{MemoryDirectory, StaffMember};
use crate::event::{Actor, Recorded};
use crate::ids::{ChildId, StaffId, TeamId};
use crate::people::{ChildDetails, PersonName};
use crate::rules::Rule;
use crate::time::Timestamp;
use crate::values::{Line, Postcode, Text};

pub(super) fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

pub(super) fn ev(at: &str, event: ChildEvent) -> Recorded<ChildEvent> {
    Recorded {
        occurred_at: ts(at),
        recorded_at: ts(at),
        recorded_by: Actor::System("test".into()),
        event,
    }
}

pub(super) fn text(s: &str) -> Text {
    Text::parse(s).unwrap()
}

pub(super) fn dir() -> MemoryDirectory {
    let mut d = MemoryDirectory::default();
    let member = |role| StaffMember {
        name: PersonName {
            given: Line::parse("A").unwrap(),
            family: Line::parse("B").unwrap(),
            preferred: None,
        },
        role,
        team: TeamId::parse("T1").unwrap(),
        registration: None,
        email: None,
        phone: None,
        line_manager: None,
        joined: NaiveDate::from_ymd_opt(2010, 1, 1).unwrap(),
        left: None,
    };
    d.staff.insert(
        StaffId::parse("SW1").unwrap(),
        member(StaffRole::SocialWorker),
    );
    d.staff.insert(
        StaffId::parse("TM1").unwrap(),
        member(StaffRole::TeamManager),
    );
    d.staff.insert(
        StaffId::parse("GM1").unwrap(),
        member(StaffRole::GroupManager),
    );
    d.staff.insert(
        StaffId::parse("HOS1").unwrap(),
        member(StaffRole::HeadOfService),
    );
    d.staff.insert(
        StaffId::parse("RO1").unwrap(),
        member(StaffRole::ReviewingOfficer),
    );
    d.staff.insert(
        StaffId::parse("SW8").unwrap(),
        StaffMember {
            left: NaiveDate::from_ymd_opt(2020, 1, 1),
            ..member(StaffRole::SocialWorker)
        },
    );
    d.teams.insert(
        TeamId::parse("T1").unwrap(),
        crate::directory::Team::default(),
    );
    d
}

fn details() -> ChildDetails {
    ChildDetails {
        name: PersonName {
            given: Line::parse("Sam").unwrap(),
            family: Line::parse("Lee").unwrap(),
            preferred: None,
        },
        sex: Sex::M,
        gender: None,
        date_of_birth: NaiveDate::from_ymd_opt(2015, 6, 1),
        expected_date_of_birth: None,
        ethnicity: Ethnicity::Wbri,
        upn: None,
        former_upn: None,
        upn_unknown: None,
        nhs_number: None,
        disabilities: vec![Disability::None],
        first_language: None,
        communication_needs: None,
        religion: None,
        immigration_status: None,
        uasc: false,
        uasc_ceased: None,
    }
}

/// A registered child with an open referral.
pub(super) fn open_case() -> ChildStream {
    let mut s = ChildStream::new(ChildId::parse("C1").unwrap());
    s.append(
        vec![
            ev(
                "2025-01-06T09:00:00Z",
                ChildEvent::ChildRegistered {
                    details: details(),
                    address: None,
                },
            ),
            ev(
                "2025-01-06T09:05:00Z",
                ChildEvent::ReferralReceived {
                    source: ReferralSource::Schools,
                    primary_need: Some(PrimaryNeed::N1),
                    no_further_action: false,
                    summary: None,
                },
            ),
        ],
        &dir(),
    )
    .unwrap();
    s
}

pub(super) fn refused(s: &mut ChildStream, events: Vec<Recorded<ChildEvent>>) -> Rule {
    let before = s.clone();
    let err = s
        .append(events, &dir())
        .expect_err("the command should be refused");
    // Nothing changed.
    assert_eq!(s.events(), before.events());
    assert_eq!(s.record(), before.record());
    err.violation.rule
}

/// The child protection route up to (and including) an initial conference deciding on a plan.
pub(super) fn to_conference(s: &mut ChildStream, conference_day: &str) {
    s.append(
        vec![
            ev(
                "2025-01-07T10:00:00Z",
                ChildEvent::StrategyDiscussionHeld {
                    agencies: vec![Agency::SocialCare, Agency::Police],
                    decision: StrategyDecision::Section47,
                },
            ),
            ev("2025-01-07T11:00:00Z", ChildEvent::Section47Started {}),
            ev(
                "2025-01-14T11:00:00Z",
                ChildEvent::Section47Completed {
                    outcome: Section47Outcome::SubstantiatedAtRisk,
                    conference_needed: true,
                },
            ),
            ev(
                conference_day,
                ChildEvent::InitialConferenceHeld {
                    transfer_in: false,
                    outcome: InitialConferenceOutcome::CpPlan,
                    category: Some(CategoryOfAbuse::Neg),
                },
            ),
        ],
        &dir(),
    )
    .unwrap();
}

#[test]
fn nothing_before_registration() {
    let mut s = ChildStream::new(ChildId::parse("C9").unwrap());
    let rule = refused(
        &mut s,
        vec![ev("2025-01-06T09:00:00Z", ChildEvent::AssessmentStarted {})],
    );
    assert_eq!(rule, Rule::NotRegistered);
}

#[test]
fn a_cp_plan_needs_an_icpc_that_decided_on_one() {
    let mut s = open_case();
    assert_eq!(
        refused(
            &mut s,
            vec![ev("2025-01-08T10:00:00Z", ChildEvent::CpPlanStarted {})]
        ),
        Rule::CpPlanNeedsConference
    );
    to_conference(&mut s, "2025-01-21T10:00:00Z");
    // Not on another day than the conference.
    assert_eq!(
        refused(
            &mut s,
            vec![ev("2025-01-22T10:00:00Z", ChildEvent::CpPlanStarted {})]
        ),
        Rule::CpPlanNeedsConference
    );
    s.append(
        vec![ev("2025-01-21T10:30:00Z", ChildEvent::CpPlanStarted {})],
        &dir(),
    )
    .unwrap();
    assert!(s.record().open_cp_plan().is_some());
    // One plan per conference.
    assert_eq!(
        refused(
            &mut s,
            vec![ev("2025-01-21T11:00:00Z", ChildEvent::CpPlanStarted {})]
        ),
        Rule::CpPlanOpen
    );
    // A plan cannot end the day it started.
    let end = ChildEvent::CpPlanEnded {
        reason: CpPlanEndReason::ReviewConference,
    };
    assert_eq!(
        refused(&mut s, vec![ev("2025-01-21T15:00:00Z", end.clone())]),
        Rule::CpPlanSameDay
    );
    // A child in need plan cannot start while the protection plan is open.
    assert_eq!(
        refused(
            &mut s,
            vec![ev("2025-02-03T10:00:00Z", ChildEvent::CinPlanStarted {})]
        ),
        Rule::PlansOverlap
    );
    // The plan can end, and then the child in need plan can start the same day.
    s.append(
        vec![
            ev("2025-04-10T10:00:00Z", end),
            ev("2025-04-10T10:00:00Z", ChildEvent::CinPlanStarted {}),
        ],
        &dir(),
    )
    .unwrap();
}

#[test]
fn conferences_are_not_held_at_weekends() {
    let mut s = open_case();
    let err = {
        let mut t = s.clone();
        t.append(
            vec![
                ev(
                    "2025-01-07T10:00:00Z",
                    ChildEvent::StrategyDiscussionHeld {
                        agencies: vec![Agency::Police],
                        decision: StrategyDecision::Section47,
                    },
                ),
                ev("2025-01-07T11:00:00Z", ChildEvent::Section47Started {}),
                ev(
                    "2025-01-14T11:00:00Z",
                    ChildEvent::Section47Completed {
                        outcome: Section47Outcome::SubstantiatedAtRisk,
                        conference_needed: true,
                    },
                ),
                // 18 January 2025 is a Saturday.
                ev(
                    "2025-01-18T10:00:00Z",
                    ChildEvent::InitialConferenceHeld {
                        transfer_in: false,
                        outcome: InitialConferenceOutcome::CpPlan,
                        category: Some(CategoryOfAbuse::Neg),
                    },
                ),
            ],
            &dir(),
        )
        .unwrap_err()
    };
    assert_eq!(err.index, 3);
    assert_eq!(err.violation.rule, Rule::ConferenceAtWeekend);
    // A conference needs an enquiry that called for one.
    let icpc = ChildEvent::InitialConferenceHeld {
        transfer_in: false,
        outcome: InitialConferenceOutcome::ChildInNeed,
        category: None,
    };
    assert_eq!(
        refused(&mut s, vec![ev("2025-01-20T10:00:00Z", icpc)]),
        Rule::ConferenceNeedsSection47
    );
}

fn episode(
    reason: ReasonNewEpisode,
    legal: LegalStatus,
    placement: PlacementType,
    postcode: &str,
) -> ChildEvent {
    ChildEvent::EpisodeStarted {
        reason,
        legal_status: legal,
        placement,
        category_of_need: CategoryOfNeed::N1,
        provider: Some(PlacementProvider::Pr1),
        urn: None,
        home_postcode: Some(Postcode::parse("BR1 3UH").unwrap()),
        placement_postcode: Some(Postcode::parse(postcode).unwrap()),
        placement_change_reason: None,
    }
}

#[test]
fn looked_after_episodes_never_overlap_and_chain_with_x1() {
    let mut s = open_case();
    s.append(
        vec![ev(
            "2025-02-03T10:00:00Z",
            episode(
                ReasonNewEpisode::S,
                LegalStatus::V2,
                PlacementType::U6,
                "BR2 9AF",
            ),
        )],
        &dir(),
    )
    .unwrap();
    // A second episode while one is open.
    let again = episode(
        ReasonNewEpisode::S,
        LegalStatus::C1,
        PlacementType::U6,
        "BR2 9AF",
    );
    assert_eq!(
        refused(&mut s, vec![ev("2025-02-10T10:00:00Z", again)]),
        Rule::EpisodeOverlap
    );
    // Ending with X1 without the next episode in the same command.
    let x1 = ChildEvent::EpisodeEnded {
        reason: ReasonEpisodeCeased::X1,
    };
    assert_eq!(
        refused(&mut s, vec![ev("2025-02-10T10:00:00Z", x1.clone())]),
        Rule::EpisodeUnfinished
    );
    // The continuing episode cannot say S.
    let s_after_x1 = episode(
        ReasonNewEpisode::S,
        LegalStatus::C1,
        PlacementType::U6,
        "BR2 9AF",
    );
    assert_eq!(
        refused(
            &mut s,
            vec![
                ev("2025-02-10T10:00:00Z", x1.clone()),
                ev("2025-02-10T10:00:00Z", s_after_x1)
            ]
        ),
        Rule::EpisodeContinuity
    );
    // The reason must match what changed: here only the legal status did.
    let wrong = episode(
        ReasonNewEpisode::P,
        LegalStatus::C1,
        PlacementType::U6,
        "BR2 9AF",
    );
    assert_eq!(
        refused(
            &mut s,
            vec![
                ev("2025-02-10T10:00:00Z", x1.clone()),
                ev("2025-02-10T10:00:00Z", wrong)
            ]
        ),
        Rule::EpisodeReason
    );
    let right = episode(
        ReasonNewEpisode::L,
        LegalStatus::C1,
        PlacementType::U6,
        "BR2 9AF",
    );
    s.append(
        vec![
            ev("2025-02-10T10:00:00Z", x1),
            ev("2025-02-10T10:00:00Z", right),
        ],
        &dir(),
    )
    .unwrap();
    assert_eq!(s.record().care_episodes.len(), 2);
    assert_eq!(
        s.record().current_care_episode().unwrap().legal_status,
        LegalStatus::C1
    );
    // Nothing ends before it starts.
    let early_end = ChildEvent::EpisodeEnded {
        reason: ReasonEpisodeCeased::E4A,
    };
    assert_eq!(
        refused(&mut s, vec![ev("2025-02-01T10:00:00Z", early_end)]),
        Rule::EndsBeforeStart
    );
}

#[test]
fn placement_details_follow_the_placement_type() {
    let mut s = open_case();
    // Temporary placements have no provider.
    let temporary = episode(
        ReasonNewEpisode::S,
        LegalStatus::V2,
        PlacementType::T4,
        "BR2 9AF",
    );
    assert_eq!(
        refused(&mut s, vec![ev("2025-02-03T10:00:00Z", temporary)]),
        Rule::PlacementDetails
    );
    // The placement is at the home postcode, but not with parents.
    let at_home = episode(
        ReasonNewEpisode::S,
        LegalStatus::V2,
        PlacementType::U6,
        "BR1 3UH",
    );
    assert_eq!(
        refused(&mut s, vec![ev("2025-02-03T10:00:00Z", at_home)]),
        Rule::PlacementDetails
    );
    // A withdrawn code cannot start an episode after it was withdrawn.
    let z1 = ChildEvent::EpisodeStarted {
        reason: ReasonNewEpisode::S,
        legal_status: LegalStatus::V2,
        placement: PlacementType::Z1,
        category_of_need: CategoryOfNeed::N1,
        provider: None,
        urn: None,
        home_postcode: Some(Postcode::parse("BR1 3UH").unwrap()),
        placement_postcode: Some(Postcode::parse("BR2 9AF").unwrap()),
        placement_change_reason: None,
    };
    assert_eq!(
        refused(&mut s, vec![ev("2025-05-01T10:00:00Z", z1)]),
        Rule::CodeWithdrawn
    );
}

#[test]
fn closure_needs_everything_ended() {
    let mut s = open_case();
    s.append(
        vec![ev("2025-01-06T10:00:00Z", ChildEvent::AssessmentStarted {})],
        &dir(),
    )
    .unwrap();
    let close = ChildEvent::CaseClosed {
        reason: ReasonForClosure::Rc8,
    };
    assert_eq!(
        refused(&mut s, vec![ev("2025-01-20T10:00:00Z", close.clone())]),
        Rule::ClosureWithOpenWork
    );
    s.append(
        vec![
            ev(
                "2025-01-20T09:00:00Z",
                ChildEvent::AssessmentCompleted {
                    factors: vec![AssessmentFactor::F21],
                    outcome: AssessmentOutcome::NoFurtherAction,
                },
            ),
            ev("2025-01-20T10:00:00Z", close),
        ],
        &dir(),
    )
    .unwrap();
    assert!(s.record().open_episode().is_none());
    // Nothing happens on a closed case.
    assert_eq!(
        refused(
            &mut s,
            vec![ev("2025-01-21T10:00:00Z", ChildEvent::AssessmentStarted {})]
        ),
        Rule::CaseNotOpen
    );
}

#[test]
fn a_closure_reason_is_required() {
    let line = r#"{"type":"case_closed"}"#;
    let err = serde_json::from_str::<ChildEvent>(line).unwrap_err();
    assert!(err.to_string().contains("missing field `reason`"), "{err}");
}

#[test]
fn assessment_factors_and_authorisation() {
    let mut s = open_case();
    s.append(
        vec![ev("2025-01-06T10:00:00Z", ChildEvent::AssessmentStarted {})],
        &dir(),
    )
    .unwrap();
    let both = ChildEvent::AssessmentCompleted {
        factors: vec![AssessmentFactor::F21, AssessmentFactor::F3B],
        outcome: AssessmentOutcome::NoFurtherAction,
    };
    assert_eq!(
        refused(&mut s, vec![ev("2025-01-20T10:00:00Z", both)]),
        Rule::AssessmentFactors
    );
    let done = ChildEvent::AssessmentCompleted {
        factors: vec![AssessmentFactor::F3B],
        outcome: AssessmentOutcome::ChildInNeedPlan,
    };
    s.append(vec![ev("2025-01-20T10:00:00Z", done)], &dir())
        .unwrap();
    // A social worker cannot authorise.
    let by_worker = ChildEvent::AssessmentAuthorised {
        manager: StaffId::parse("SW1").unwrap(),
    };
    assert_eq!(
        refused(&mut s, vec![ev("2025-01-20T11:00:00Z", by_worker)]),
        Rule::NeedsManager
    );
    let by_manager = ChildEvent::AssessmentAuthorised {
        manager: StaffId::parse("TM1").unwrap(),
    };
    s.append(vec![ev("2025-01-20T11:00:00Z", by_manager.clone())], &dir())
        .unwrap();
    assert_eq!(
        refused(&mut s, vec![ev("2025-01-20T12:00:00Z", by_manager)]),
        Rule::AssessmentAuthorisation
    );
}

#[test]
fn visits_say_whether_the_child_was_seen_alone() {
    let mut s = open_case();
    let visit = |alone: Option<bool>, reason: Option<&str>| ChildEvent::VisitMade {
        kind: VisitKind::Statutory,
        child_seen: true,
        seen_alone: alone,
        not_seen_alone_reason: reason.map(text),
        bedroom_seen: None,
    };
    assert_eq!(
        refused(&mut s, vec![ev("2025-01-07T10:00:00Z", visit(None, None))]),
        Rule::SeenAlone
    );
    assert_eq!(
        refused(
            &mut s,
            vec![ev("2025-01-07T10:00:00Z", visit(Some(false), None))]
        ),
        Rule::SeenAlone
    );
    s.append(
        vec![ev(
            "2025-01-07T10:00:00Z",
            visit(Some(false), Some("asleep; seen alone next day")),
        )],
        &dir(),
    )
    .unwrap();
}

#[test]
fn nfa_referrals_allow_nothing_but_closure() {
    let mut s = ChildStream::new(ChildId::parse("C2").unwrap());
    s.append(
        vec![
            ev(
                "2025-01-06T09:00:00Z",
                ChildEvent::ChildRegistered {
                    details: details(),
                    address: None,
                },
            ),
            ev(
                "2025-01-06T09:05:00Z",
                ChildEvent::ReferralReceived {
                    source: ReferralSource::Police,
                    primary_need: None,
                    no_further_action: true,
                    summary: None,
                },
            ),
        ],
        &dir(),
    )
    .unwrap();
    assert_eq!(
        refused(
            &mut s,
            vec![ev("2025-01-06T10:00:00Z", ChildEvent::AssessmentStarted {})]
        ),
        Rule::NoFurtherActionReferral
    );
    // A second referral while the first is open.
    let again = ChildEvent::ReferralReceived {
        source: ReferralSource::Schools,
        primary_need: Some(PrimaryNeed::N1),
        no_further_action: false,
        summary: None,
    };
    assert_eq!(
        refused(&mut s, vec![ev("2025-01-07T10:00:00Z", again)]),
        Rule::CaseAlreadyOpen
    );
}

#[test]
fn recording_in_the_future_is_refused() {
    let mut s = open_case();
    let mut e = ev("2025-01-07T10:00:00Z", ChildEvent::AssessmentStarted {});
    e.recorded_at = ts("2025-01-07T09:00:00Z");
    assert_eq!(refused(&mut s, vec![e]), Rule::RecordedBeforeOccurred);
}

#[test]
fn a_backdated_event_cannot_invalidate_later_ones() {
    let mut s = open_case();
    to_conference(&mut s, "2025-01-21T10:00:00Z");
    s.append(
        vec![ev("2025-01-21T10:30:00Z", ChildEvent::CpPlanStarted {})],
        &dir(),
    )
    .unwrap();
    // Backdating a closure before the strategy discussion would leave everything after it
    // on a closed case.
    let close = ChildEvent::CaseClosed {
        reason: ReasonForClosure::Rc7,
    };
    assert_eq!(
        refused(&mut s, vec![ev("2025-01-06T10:00:00Z", close)]),
        Rule::InvalidatesLater
    );
    // A backdated visit that breaks nothing is accepted and folds into place.
    let visit = ChildEvent::VisitMade {
        kind: VisitKind::Assessment,
        child_seen: true,
        seen_alone: Some(true),
        not_seen_alone_reason: None,
        bedroom_seen: Some(true),
    };
    s.append(vec![ev("2025-01-08T15:00:00Z", visit)], &dir())
        .unwrap();
    let kinds: Vec<_> = s.record().log.iter().map(|l| l.kind).collect();
    let visit_at = kinds.iter().position(|k| *k == "visit_made").unwrap();
    let conference_at = kinds
        .iter()
        .position(|k| *k == "initial_conference_held")
        .unwrap();
    assert!(visit_at < conference_at, "{kinds:?}");
    // A backdated strike-out of the strategy discussion would orphan the enquiry after it.
    let strike = ChildEvent::Corrected {
        corrects: 3,
        reason: text("entered in error"),
        replacement: None,
    };
    assert_eq!(
        refused(&mut s, vec![ev("2025-02-01T10:00:00Z", strike)]),
        Rule::InvalidatesLater
    );
}

#[test]
fn corrections_replace_like_with_like() {
    let mut s = open_case();
    let wrong_kind = ChildEvent::Corrected {
        corrects: 2,
        reason: text("typo"),
        replacement: Some(Replacement {
            occurred_at: ts("2025-01-06T09:05:00Z"),
            event: Box::new(ChildEvent::AssessmentStarted {}),
        }),
    };
    assert_eq!(
        refused(&mut s, vec![ev("2025-01-08T10:00:00Z", wrong_kind)]),
        Rule::Correction
    );
    let strike_registration = ChildEvent::Corrected {
        corrects: 1,
        reason: text("duplicate"),
        replacement: None,
    };
    assert_eq!(
        refused(
            &mut s,
            vec![ev("2025-01-08T10:00:00Z", strike_registration)]
        ),
        Rule::Correction
    );
    let missing = ChildEvent::Corrected {
        corrects: 9,
        reason: text("typo"),
        replacement: None,
    };
    assert_eq!(
        refused(&mut s, vec![ev("2025-01-08T10:00:00Z", missing)]),
        Rule::Correction
    );
    // Correcting the referral's need is accepted and takes effect.
    let fixed = ChildEvent::Corrected {
        corrects: 2,
        reason: text("the need was recorded wrongly"),
        replacement: Some(Replacement {
            occurred_at: ts("2025-01-06T09:05:00Z"),
            event: Box::new(ChildEvent::ReferralReceived {
                source: ReferralSource::Schools,
                primary_need: Some(PrimaryNeed::N4),
                no_further_action: false,
                summary: None,
            }),
        }),
    };
    s.append(vec![ev("2025-01-08T10:00:00Z", fixed)], &dir())
        .unwrap();
    assert_eq!(
        s.record().open_episode().unwrap().primary_need,
        Some(PrimaryNeed::N4)
    );
    // Correcting a correction is refused.
    let nested = ChildEvent::Corrected {
        corrects: 3,
        reason: text("again"),
        replacement: None,
    };
    assert_eq!(
        refused(&mut s, vec![ev("2025-01-09T10:00:00Z", nested)]),
        Rule::Correction
    );
}

#[test]
fn staff_references_are_checked() {
    let mut s = open_case();
    let allocate = |worker: &str, manager: &str| ChildEvent::WorkerAllocated {
        worker: StaffId::parse(worker).unwrap(),
        team: TeamId::parse("T1").unwrap(),
        decided_by: StaffId::parse(manager).unwrap(),
        oversight: text("allocate"),
        reason: WorkerChangeReason::Fconta,
    };
    assert_eq!(
        refused(
            &mut s,
            vec![ev("2025-01-06T10:00:00Z", allocate("SW9", "TM1"))]
        ),
        Rule::UnknownStaff
    );
    assert_eq!(
        refused(
            &mut s,
            vec![ev("2025-01-06T10:00:00Z", allocate("TM1", "TM1"))]
        ),
        Rule::NeedsCaseholder
    );
    assert_eq!(
        refused(
            &mut s,
            vec![ev("2025-01-06T10:00:00Z", allocate("SW1", "SW1"))]
        ),
        Rule::NeedsManager
    );
    s.append(
        vec![ev("2025-01-06T10:00:00Z", allocate("SW1", "TM1"))],
        &dir(),
    )
    .unwrap();
    assert_eq!(
        s.record().current_allocation().unwrap().worker.as_str(),
        "SW1"
    );
}

#[test]
fn a_booking_names_a_reviewing_officer_in_post_as_the_chair_of_what_they_chair() {
    let mut s = open_case();
    let book = |meeting, chair: &str| ChildEvent::MeetingScheduled {
        meeting,
        at: ts("2025-01-20T10:00:00Z"),
        chair: Some(StaffId::parse(chair).unwrap()),
    };
    let at = "2025-01-07T10:00:00Z";
    // A social worker does not chair a conference; nobody is named for a core group; the
    // chair must exist.
    for (meeting, chair, rule) in [
        (MeetingKind::InitialConference, "SW1", Rule::Meeting),
        (MeetingKind::CoreGroup, "RO1", Rule::Meeting),
        (MeetingKind::InitialConference, "RO9", Rule::UnknownStaff),
    ] {
        assert_eq!(refused(&mut s, vec![ev(at, book(meeting, chair))]), rule);
    }
    s.append(
        vec![ev(at, book(MeetingKind::InitialConference, "RO1"))],
        &dir(),
    )
    .unwrap();
    let booked = s.record().meetings.last().unwrap();
    assert_eq!(booked.chair.as_ref().map(StaffId::as_str), Some("RO1"));
}

#[test]
fn unborn_children() {
    let mut s = ChildStream::new(ChildId::parse("C3").unwrap());
    let mut d = details();
    d.date_of_birth = None;
    d.expected_date_of_birth = NaiveDate::from_ymd_opt(2025, 6, 1);
    assert_eq!(
        refused(
            &mut s,
            vec![ev(
                "2025-01-06T09:00:00Z",
                ChildEvent::ChildRegistered {
                    details: d.clone(),
                    address: None
                }
            )]
        ),
        Rule::UnbornSex
    );
    d.sex = Sex::U;
    s.append(
        vec![ev(
            "2025-01-06T09:00:00Z",
            ChildEvent::ChildRegistered {
                details: d,
                address: None,
            },
        )],
        &dir(),
    )
    .unwrap();
    let start = episode(
        ReasonNewEpisode::S,
        LegalStatus::V2,
        PlacementType::U6,
        "BR2 9AF",
    );
    assert_eq!(
        refused(&mut s, vec![ev("2025-01-07T09:00:00Z", start)]),
        Rule::BeforeBirth
    );
}

fn arb_visit() -> impl Strategy<Value = ChildEvent> {
    (any::<bool>(), any::<bool>()).prop_map(|(seen, alone)| ChildEvent::VisitMade {
        kind: VisitKind::Statutory,
        child_seen: seen,
        seen_alone: if seen { Some(alone) } else { None },
        not_seen_alone_reason: if seen && !alone {
            Some(Text::parse("asleep").unwrap())
        } else {
            None
        },
        bedroom_seen: None,
    })
}

proptest! {
    /// Appending events one command at a time, in any order of occurrence, gives the same
    /// record as folding the stored stream from scratch.
    #[test]
    fn appending_matches_folding(offsets in prop::collection::vec((0i64..20_000, arb_visit()), 1..25)) {
        let mut s = open_case();
        let base = ts("2025-01-07T00:00:00Z");
        for (minutes, visit) in offsets {
            let at = base.plus_micros(minutes * 60_000_000).unwrap();
            let e = Recorded { occurred_at: at, recorded_at: ts("2026-01-01T00:00:00Z"), recorded_by: Actor::System("test".into()), event: visit };
            s.append(vec![e], &dir()).unwrap();
        }
        let folded = fold(s.id(), s.events());
        prop_assert_eq!(&folded, s.record());
        // And the log is in the order things happened.
        prop_assert!(folded.log.windows(2).all(|w| w[0].mark.at <= w[1].mark.at));
    }

    /// A stream read at some version and brought up to date with the rest gives the same
    /// record as reading it whole, whatever the order the events happened in.
    #[test]
    fn extending_a_stored_stream_matches_folding(
        offsets in prop::collection::vec((0i64..20_000, arb_visit()), 1..25),
        split in 0usize..30,
    ) {
        let mut s = open_case();
        let base = ts("2025-01-07T00:00:00Z");
        for (minutes, visit) in offsets {
            let at = base.plus_micros(minutes * 60_000_000).unwrap();
            let e = Recorded { occurred_at: at, recorded_at: ts("2026-01-01T00:00:00Z"), recorded_by: Actor::System("test".into()), event: visit };
            s.append(vec![e], &dir()).unwrap();
        }
        let split = split.min(s.events().len());
        let mut earlier = ChildStream::from_events(s.id().clone(), s.events()[..split].to_vec());
        earlier.extend_stored(s.events()[split..].to_vec());
        prop_assert_eq!(earlier.version(), s.version());
        prop_assert_eq!(earlier.record(), &fold(s.id(), s.events()));
    }
}

#[test]
fn only_an_asylum_seeker_starts_care_without_a_home_postcode() {
    let homeless = |e: ChildEvent| match e {
        ChildEvent::EpisodeStarted {
            reason,
            legal_status,
            placement,
            category_of_need,
            provider,
            urn,
            placement_postcode,
            placement_change_reason,
            ..
        } => ChildEvent::EpisodeStarted {
            reason,
            legal_status,
            placement,
            category_of_need,
            provider,
            urn,
            home_postcode: None,
            placement_postcode,
            placement_change_reason,
        },
        other => other,
    };
    let start = || {
        homeless(episode(
            ReasonNewEpisode::S,
            LegalStatus::V2,
            PlacementType::U6,
            "BR2 9AF",
        ))
    };
    let mut s = open_case();
    assert_eq!(
        refused(&mut s, vec![ev("2025-02-03T10:00:00Z", start())]),
        Rule::PlacementDetails
    );
    let mut asylum = details();
    asylum.uasc = true;
    s.append(
        vec![ev(
            "2025-02-01T10:00:00Z",
            ChildEvent::ChildDetailsAmended { details: asylum },
        )],
        &dir(),
    )
    .unwrap();
    s.append(vec![ev("2025-02-03T10:00:00Z", start())], &dir())
        .unwrap();
}

#[test]
fn a_previous_order_cannot_postdate_its_recording() {
    use crate::values::{PartialDate, PermanenceAuthority};
    let order = |date: &str| ChildEvent::PreviousPermanenceRecorded {
        order: PreviousPermanence::P2,
        authority: Some(PermanenceAuthority::parse("305").unwrap()),
        date: Some(PartialDate::parse(date).unwrap()),
    };
    let mut s = open_case();
    // Only the year known: its first day is the earliest the order can have been made.
    assert_eq!(
        refused(&mut s, vec![ev("2025-02-03T10:00:00Z", order("2026"))]),
        Rule::PreviousPermanence
    );
    assert_eq!(
        refused(
            &mut s,
            vec![ev("2025-02-03T10:00:00Z", order("2025-02-04"))]
        ),
        Rule::PreviousPermanence
    );
    s.append(vec![ev("2025-02-03T10:00:00Z", order("2025-02"))], &dir())
        .unwrap();
}

#[test]
fn the_record_as_it_stands_shows_replacements_and_leaves_out_struck_events() {
    let mut s = open_case();
    let visit = |seen| ChildEvent::VisitMade {
        kind: VisitKind::Assessment,
        child_seen: seen,
        seen_alone: seen.then_some(true),
        not_seen_alone_reason: None,
        bedroom_seen: None,
    };
    s.append(vec![ev("2025-01-08T15:00:00Z", visit(true))], &dir())
        .unwrap();
    s.append(vec![ev("2025-01-09T15:00:00Z", visit(false))], &dir())
        .unwrap();
    let (first, second) = (s.version() - 1, s.version());
    // The first visit really happened a day earlier; the second was on another child's
    // record.
    let moved = ChildEvent::Corrected {
        corrects: first,
        reason: text("wrong date"),
        replacement: Some(Replacement {
            occurred_at: ts("2025-01-07T15:00:00Z"),
            event: Box::new(visit(true)),
        }),
    };
    let struck = ChildEvent::Corrected {
        corrects: second,
        reason: text("recorded on the wrong child"),
        replacement: None,
    };
    s.append(vec![ev("2025-01-10T10:00:00Z", moved)], &dir())
        .unwrap();
    s.append(vec![ev("2025-01-10T10:05:00Z", struck)], &dir())
        .unwrap();
    let standing = s.as_it_stands();
    let visits: Vec<_> = standing
        .iter()
        .filter(|e| matches!(e.event, ChildEvent::VisitMade { .. }))
        .collect();
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0].version, first);
    assert_eq!(visits[0].occurred_at, ts("2025-01-07T15:00:00Z"));
    assert_eq!(visits[0].corrected_by, Some(first + 2));
    // In the order things happened, and the corrections themselves stand too.
    assert!(
        standing
            .windows(2)
            .all(|w| w[0].occurred_at <= w[1].occurred_at)
    );
    assert_eq!(
        standing
            .iter()
            .filter(|e| matches!(e.event, ChildEvent::Corrected { .. }))
            .count(),
        2
    );
    // Everything else is as recorded.
    assert!(
        standing
            .iter()
            .filter(|e| e.version != first)
            .all(|e| e.corrected_by.is_none())
    );
}

#[test]
fn restricting_and_lifting_are_decisions_for_a_team_manager_or_senior_leader() {
    let staff =
        |ids: &[&str]| -> Vec<StaffId> { ids.iter().map(|i| StaffId::parse(i).unwrap()).collect() };
    let restrict = |by: &str, permitted: &[&str]| ChildEvent::RecordRestricted {
        decided_by: StaffId::parse(by).unwrap(),
        reason: text("The child's mother works in the service."),
        permitted: staff(permitted),
    };
    let lift = |by: &str| ChildEvent::RestrictionLifted {
        decided_by: StaffId::parse(by).unwrap(),
        reason: text("She has left the council."),
    };
    let mut s = open_case();
    // Nothing to lift yet.
    assert_eq!(
        refused(&mut s, vec![ev("2025-01-07T09:00:00Z", lift("TM1"))]),
        Rule::Restriction
    );
    // A social worker and a group manager cannot restrict; nor can someone unknown.
    for (by, rule) in [
        ("SW1", Rule::RestrictionDecision),
        ("GM1", Rule::RestrictionDecision),
        ("TM9", Rule::UnknownStaff),
    ] {
        assert_eq!(
            refused(
                &mut s,
                vec![ev("2025-01-07T09:00:00Z", restrict(by, &["SW1"]))]
            ),
            rule,
            "{by}"
        );
    }
    // Staff named must exist, be in post, and be named once.
    for (permitted, rule) in [
        (&["SW9"][..], Rule::UnknownStaff),
        (&["SW8"][..], Rule::UnknownStaff),
        (&["SW1", "SW1"][..], Rule::Restriction),
    ] {
        assert_eq!(
            refused(
                &mut s,
                vec![ev("2025-01-07T09:00:00Z", restrict("TM1", permitted))]
            ),
            rule,
            "{permitted:?}"
        );
    }
    assert!(s.record().restriction.is_none());

    s.append(
        vec![ev("2025-01-07T09:00:00Z", restrict("TM1", &["SW1"]))],
        &dir(),
    )
    .unwrap();
    let r = s.record().restriction.clone().unwrap();
    assert_eq!(r.by.as_str(), "TM1");
    assert_eq!(r.permitted, staff(&["SW1"]));
    assert_eq!(r.since.date().to_string(), "2025-01-07");
    // A second restriction replaces the first: who decided, why and who is named.
    s.append(
        vec![ev("2025-01-08T09:00:00Z", restrict("HOS1", &[]))],
        &dir(),
    )
    .unwrap();
    let r = s.record().restriction.clone().unwrap();
    assert_eq!(r.by.as_str(), "HOS1");
    assert!(r.permitted.is_empty());
    assert_eq!(r.since.date().to_string(), "2025-01-08");

    assert_eq!(
        refused(&mut s, vec![ev("2025-01-09T09:00:00Z", lift("SW1"))]),
        Rule::RestrictionDecision
    );
    s.append(vec![ev("2025-01-09T09:00:00Z", lift("TM1"))], &dir())
        .unwrap();
    assert!(s.record().restriction.is_none());
    assert_eq!(
        refused(&mut s, vec![ev("2025-01-10T09:00:00Z", lift("TM1"))]),
        Rule::Restriction
    );
}

#[test]
fn a_record_can_be_restricted_after_the_child_has_died() {
    let mut s = open_case();
    s.append(
        vec![ev(
            "2025-01-07T09:00:00Z",
            ChildEvent::DeathRecorded {
                date_of_death: NaiveDate::from_ymd_opt(2025, 1, 6).unwrap(),
            },
        )],
        &dir(),
    )
    .unwrap();
    s.append(
        vec![ev(
            "2025-01-08T09:00:00Z",
            ChildEvent::RecordRestricted {
                decided_by: StaffId::parse("HOS1").unwrap(),
                reason: text("A serious case review is under way."),
                permitted: Vec::new(),
            },
        )],
        &dir(),
    )
    .unwrap();
    assert!(s.record().restriction.is_some());
}

/// A young person born on 1 June 2005 who left care before the record began, known as a
/// former relevant care leaver from 1 July 2023.
fn former_relevant() -> ChildStream {
    let mut s = ChildStream::new(ChildId::parse("C7").unwrap());
    s.append(
        vec![
            ev(
                "2023-07-01T09:00:00Z",
                ChildEvent::ChildRegistered {
                    details: ChildDetails {
                        date_of_birth: NaiveDate::from_ymd_opt(2005, 6, 1),
                        ..details()
                    },
                    address: None,
                },
            ),
            ev(
                "2023-07-01T09:05:00Z",
                ChildEvent::CareLeaverStatusRecorded {
                    category: CareLeaverCategory::FormerRelevant,
                },
            ),
        ],
        &dir(),
    )
    .unwrap();
    s
}

#[test]
fn a_care_leaver_is_supported_to_21_or_to_25_when_they_ask() {
    let mut s = former_relevant();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(
        s.record().care_leaver_support_ends_on(),
        Some(day(2026, 6, 1))
    );
    // Asking for support to continue runs it to the 25th birthday.
    s.append(
        vec![ev(
            "2026-05-11T10:00:00Z",
            ChildEvent::CareLeaverSupportRequested {},
        )],
        &dir(),
    )
    .unwrap();
    assert_eq!(
        s.record().care_leaver_support_ends_on(),
        Some(day(2030, 6, 1))
    );
    // Asked at 25 or later, there is nothing left to continue.
    assert_eq!(
        refused(
            &mut s,
            vec![ev(
                "2030-06-01T10:00:00Z",
                ChildEvent::CareLeaverSupportRequested {}
            )]
        ),
        Rule::CareLeaver
    );
    // A status the service does not support with an adviser ends it.
    s.append(
        vec![ev(
            "2027-01-04T10:00:00Z",
            ChildEvent::CareLeaverStatusRecorded {
                category: CareLeaverCategory::Qualifying,
            },
        )],
        &dir(),
    )
    .unwrap();
    assert_eq!(s.record().care_leaver_support_ends_on(), None);
}

#[test]
fn a_care_leaver_s_support_ends_with_their_death() {
    let mut s = former_relevant();
    s.append(
        vec![ev(
            "2024-03-04T10:00:00Z",
            ChildEvent::DeathRecorded {
                date_of_death: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
            },
        )],
        &dir(),
    )
    .unwrap();
    assert_eq!(s.record().care_leaver_support_ends_on(), None);
}

#[test]
fn support_after_21_is_asked_for_from_18() {
    let mut s = ChildStream::new(ChildId::parse("C8").unwrap());
    s.append(
        vec![
            ev(
                "2022-07-01T09:00:00Z",
                ChildEvent::ChildRegistered {
                    details: ChildDetails {
                        date_of_birth: NaiveDate::from_ymd_opt(2005, 6, 1),
                        ..details()
                    },
                    address: None,
                },
            ),
            ev(
                "2022-07-01T09:05:00Z",
                ChildEvent::CareLeaverStatusRecorded {
                    category: CareLeaverCategory::Relevant,
                },
            ),
        ],
        &dir(),
    )
    .unwrap();
    assert_eq!(
        refused(
            &mut s,
            vec![ev(
                "2023-05-31T10:00:00Z",
                ChildEvent::CareLeaverSupportRequested {}
            )]
        ),
        Rule::CareLeaver
    );
}
