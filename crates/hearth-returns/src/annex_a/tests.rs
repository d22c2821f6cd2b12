//! Each list's row selection and labels, on small records folded from hand-written events.

use chrono::{NaiveDate, NaiveTime};
use hearth_domain::child::{ChildEvent, ChildRecord, fold};
use hearth_domain::codes::*;
use hearth_domain::directory::{Adopter, MemoryDirectory, StaffMember, Team};
use hearth_domain::people::{AdopterHousehold, ChildDetails, PersonName, ProspectiveAdopter};
use hearth_domain::values::{Line, Postcode, Text};
use hearth_domain::{Actor, AdopterId, ChildId, Recorded, StaffId, TeamId, Timestamp};

use super::*;

const AS_AT: (i32, u32, u32) = (2026, 11, 20);

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn as_at() -> NaiveDate {
    day(AS_AT.0, AS_AT.1, AS_AT.2)
}

fn name(given: &str, family: &str) -> PersonName {
    PersonName {
        given: Line::parse(given).unwrap(),
        family: Line::parse(family).unwrap(),
        preferred: None,
    }
}

fn details(sex: Sex, born: NaiveDate) -> ChildDetails {
    ChildDetails {
        name: name("Sam", "Child"),
        sex,
        gender: None,
        date_of_birth: Some(born),
        expected_date_of_birth: None,
        ethnicity: Ethnicity::Bafr,
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

/// A child's record from events, each on a date; the child is registered first.
fn child(id: &str, events: Vec<(NaiveDate, ChildEvent)>) -> ChildRecord {
    let mut all = vec![(
        day(2015, 1, 1),
        ChildEvent::ChildRegistered {
            details: details(Sex::F, day(2014, 6, 1)),
            address: None,
        },
    )];
    all.extend(events);
    let recorded: Vec<Recorded<ChildEvent>> = all
        .into_iter()
        .enumerate()
        .map(|(i, (d, event))| {
            // Events of one day keep their order.
            let t = NaiveTime::from_hms_opt(9, 0, u32::try_from(i % 60).unwrap()).unwrap();
            let at = Timestamp::at_london_time(d, t);
            Recorded {
                occurred_at: at,
                recorded_at: at,
                recorded_by: Actor::System("test".to_owned()),
                event,
            }
        })
        .collect();
    fold(&ChildId::parse(id).unwrap(), &recorded)
}

fn directory() -> MemoryDirectory {
    let mut dir = MemoryDirectory::default();
    dir.teams.insert(
        TeamId::parse("T1").unwrap(),
        Team {
            name: Some(Line::parse("Assessment Team East").unwrap()),
            service: Some(ServiceArea::ReferralAssessment),
            formed: Some(day(2010, 1, 1)),
            closed: None,
        },
    );
    dir.staff.insert(
        StaffId::parse("S1").unwrap(),
        StaffMember {
            name: name("Ada", "Worker"),
            role: StaffRole::SocialWorker,
            team: TeamId::parse("T1").unwrap(),
            registration: None,
            email: None,
            phone: None,
            line_manager: None,
            joined: day(2010, 1, 1),
            left: None,
        },
    );
    dir
}

fn allocated() -> ChildEvent {
    ChildEvent::WorkerAllocated {
        worker: StaffId::parse("S1").unwrap(),
        team: TeamId::parse("T1").unwrap(),
        decided_by: StaffId::parse("S1").unwrap(),
        oversight: Text::parse("Allocated on referral.").unwrap(),
        reason: WorkerChangeReason::Fconta,
    }
}

fn referral(nfa: bool) -> ChildEvent {
    ChildEvent::ReferralReceived {
        source: ReferralSource::Police,
        primary_need: Some(PrimaryNeed::N1),
        no_further_action: nfa,
        summary: None,
    }
}

fn lists(records: &[ChildRecord]) -> AnnexA {
    build(records, &[], &directory(), as_at())
}

/// The value of a named column in a row.
fn value<'a>(list: List, row: &'a Row, header: &str) -> &'a Cell {
    let i = list
        .column(header)
        .unwrap_or_else(|| panic!("{header} is not on {list:?}"));
    &row[i]
}

fn text<'a>(list: List, row: &'a Row, header: &str) -> &'a str {
    value(list, row, header).text().unwrap_or("")
}

#[test]
fn every_list_has_its_sheet_and_headers_match_rows() {
    let a = lists(&[child(
        "C1",
        vec![
            (day(2026, 9, 1), referral(false)),
            (day(2026, 9, 1), allocated()),
            (day(2026, 9, 2), ChildEvent::AssessmentStarted {}),
        ],
    )]);
    let sheets: Vec<String> = List::ALL.iter().map(|l| l.sheet()).collect();
    assert_eq!(sheets.first().map(String::as_str), Some("List 1"));
    assert_eq!(sheets.last().map(String::as_str), Some("List 11"));
    for list in List::ALL {
        for row in a.rows(list) {
            assert_eq!(row.len(), list.headers().len(), "{list:?}");
        }
    }
    assert_eq!(List::Adoption.headers()[1], "Family identifier");
    assert_eq!(
        List::LookedAfter.column("Does the Child have a Disability"),
        Some(6),
        "the UASC flag comes just before the disability"
    );
}

#[test]
fn contacts_are_those_in_the_six_months() {
    let contact = |source| ChildEvent::ContactRecorded {
        source,
        outcome: ContactOutcome::Advice,
        summary: None,
    };
    let a = lists(&[child(
        "C1",
        vec![
            (day(2026, 5, 20), contact(ReferralSource::Housing)),
            (day(2026, 5, 21), contact(ReferralSource::Schools)),
            (
                day(2026, 11, 20),
                contact(ReferralSource::HealthSchoolNurse),
            ),
            (day(2026, 11, 21), contact(ReferralSource::Police)),
        ],
    )]);
    let rows = a.rows(List::Contacts);
    let sources: Vec<&str> = rows
        .iter()
        .map(|r| text(List::Contacts, r, "Contact Source"))
        .collect();
    assert_eq!(
        sources,
        ["e) 2A: Schools", "i) 3C: Health services"],
        "the window is 21 May to 20 November; later contacts have not happened yet"
    );
    let row = &rows[0];
    assert_eq!(text(List::Contacts, row, "Child Unique ID"), "C1");
    assert_eq!(text(List::Contacts, row, "Gender"), "b) Female");
    assert_eq!(text(List::Contacts, row, "Ethnicity"), "o) BAFR");
    assert_eq!(
        value(List::Contacts, row, "Age of Child (Years)"),
        &Cell::Number(12)
    );
    assert_eq!(
        value(List::Contacts, row, "Date of Contact").date(),
        Some(day(2026, 5, 21))
    );
}

#[test]
fn referrals_count_the_year_and_name_the_allocated_worker() {
    let a = lists(&[child(
        "C1",
        vec![
            (day(2026, 1, 5), referral(true)),
            (
                day(2026, 1, 6),
                ChildEvent::CaseClosed {
                    reason: ReasonForClosure::Rc8,
                },
            ),
            (day(2026, 8, 3), referral(false)),
            (day(2026, 8, 3), allocated()),
        ],
    )]);
    let rows = a.rows(List::Referrals);
    assert_eq!(rows.len(), 1, "January's referral is before the six months");
    let r = &rows[0];
    let l = List::Referrals;
    assert_eq!(text(l, r, "Referral Source"), "q) 6: Police");
    assert_eq!(text(l, r, "Referral NFA?"), "b) No");
    assert_eq!(
        value(l, r, "Number of Referrals in Last 12 Months"),
        &Cell::Number(2)
    );
    assert_eq!(text(l, r, "Allocated Team"), "Assessment Team East");
    assert_eq!(text(l, r, "Allocated Worker"), "Ada Worker");
    // The no-further-action referral never became an episode of need.
    let cin = a.rows(List::ChildrenInNeed);
    assert_eq!(cin.len(), 1);
    assert_eq!(
        text(List::ChildrenInNeed, &cin[0], "Case Status"),
        "c) Child in need plan"
    );
}

#[test]
fn an_unallocated_child_is_said_to_be_so() {
    let a = lists(&[child("C1", vec![(day(2026, 8, 3), referral(false))])]);
    let r = &a.rows(List::Referrals)[0];
    assert_eq!(text(List::Referrals, r, "Allocated Worker"), "Unallocated");
}

#[test]
fn assessments_open_in_the_window_with_their_outcome() {
    let a = lists(&[child(
        "C1",
        vec![
            (day(2026, 3, 1), referral(false)),
            (day(2026, 3, 2), ChildEvent::AssessmentStarted {}),
            (day(2026, 3, 3), ChildEvent::AssessmentChildSeen {}),
            (
                day(2026, 4, 1),
                ChildEvent::AssessmentCompleted {
                    factors: vec![AssessmentFactor::F21],
                    outcome: AssessmentOutcome::NoFurtherAction,
                },
            ),
            (
                day(2026, 4, 2),
                ChildEvent::AssessmentAuthorised {
                    manager: StaffId::parse("S1").unwrap(),
                },
            ),
            (day(2026, 10, 1), ChildEvent::AssessmentStarted {}),
            (
                day(2026, 11, 10),
                ChildEvent::AssessmentCompleted {
                    factors: vec![AssessmentFactor::F3B],
                    outcome: AssessmentOutcome::ChildInNeedPlan,
                },
            ),
            (
                day(2026, 11, 25),
                ChildEvent::AssessmentAuthorised {
                    manager: StaffId::parse("S1").unwrap(),
                },
            ),
        ],
    )]);
    let l = List::Assessments;
    let rows = a.rows(l);
    assert_eq!(
        rows.len(),
        1,
        "the first was authorised before the six months"
    );
    let r = &rows[0];
    assert_eq!(
        value(l, r, "Continuous Assessment Start Date").date(),
        Some(day(2026, 10, 1))
    );
    assert_eq!(
        text(l, r, "Child Seen During Continuous Assessment"),
        "b) No"
    );
    assert_eq!(
        value(l, r, "Continuous Assessment Date of Authorisation"),
        &Cell::Blank,
        "authorised after the date: not yet"
    );
    assert_eq!(
        text(
            l,
            r,
            "Was the child assessed as requiring LA children's social care support?"
        ),
        "a) Yes"
    );
    assert_eq!(text(l, r, "Does the Child have a Disability"), "b) No");
    let cin = a.rows(List::ChildrenInNeed);
    assert_eq!(
        text(List::ChildrenInNeed, &cin[0], "Case Status"),
        "d) Open assessment"
    );
}

fn protection_journey() -> Vec<(NaiveDate, ChildEvent)> {
    vec![
        (day(2026, 6, 1), referral(false)),
        (day(2026, 6, 1), allocated()),
        (
            day(2026, 6, 2),
            ChildEvent::StrategyDiscussionHeld {
                agencies: vec![Agency::Police],
                decision: StrategyDecision::Section47,
            },
        ),
        (day(2026, 6, 2), ChildEvent::Section47Started {}),
        (
            day(2026, 6, 10),
            ChildEvent::Section47Completed {
                outcome: Section47Outcome::SubstantiatedAtRisk,
                conference_needed: true,
            },
        ),
        (
            day(2026, 6, 20),
            ChildEvent::InitialConferenceHeld {
                transfer_in: false,
                outcome: InitialConferenceOutcome::CpPlan,
                category: Some(CategoryOfAbuse::Neg),
            },
        ),
        (day(2026, 6, 20), ChildEvent::CpPlanStarted {}),
        (
            day(2026, 7, 1),
            ChildEvent::VisitMade {
                kind: VisitKind::Statutory,
                child_seen: true,
                seen_alone: Some(true),
                not_seen_alone_reason: None,
                bedroom_seen: None,
            },
        ),
        (
            day(2026, 9, 15),
            ChildEvent::ReviewConferenceHeld {
                outcome: ReviewConferenceOutcome::Continue,
                category: Some(CategoryOfAbuse::Emo),
            },
        ),
        (
            day(2026, 9, 20),
            ChildEvent::EmergencyProtectionRecorded {
                kind: EmergencyProtectionKind::PolicePowers,
            },
        ),
        (
            day(2026, 9, 30),
            ChildEvent::EarlierCpPlansRecorded { count: 2 },
        ),
        (
            day(2026, 12, 1),
            ChildEvent::CpPlanEnded {
                reason: CpPlanEndReason::ReviewConference,
            },
        ),
    ]
}

#[test]
fn enquiries_and_plans_read_as_at_the_date() {
    let a = lists(&[child("C1", protection_journey())]);
    let l = List::Section47;
    let s47 = a.rows(l);
    assert_eq!(s47.len(), 1);
    let r = &s47[0];
    assert_eq!(
        value(
            l,
            r,
            "Strategy discussion initiating Section 47 Enquiry Start Date"
        )
        .date(),
        Some(day(2026, 6, 2))
    );
    assert_eq!(
        text(
            l,
            r,
            "Was an Initial Child Protection Conference deemed unnecessary?"
        ),
        "b) No"
    );
    assert_eq!(
        value(l, r, "Date of Initial Child Protection Conference").date(),
        Some(day(2026, 6, 20))
    );
    assert_eq!(
        text(
            l,
            r,
            "Did the Initial Child Protection Conference Result in a Child Protection Plan"
        ),
        "a) Yes"
    );
    assert_eq!(
        value(l, r, "Number of ICPCs in the last 12 months"),
        &Cell::Number(1)
    );

    let l = List::ChildProtection;
    let cp = a.rows(l);
    assert_eq!(cp.len(), 1);
    let r = &cp[0];
    assert_eq!(text(l, r, "Initial Category of Abuse"), "a) Neglect");
    assert_eq!(text(l, r, "Latest Category of Abuse"), "d) Emotional abuse");
    assert_eq!(
        value(l, r, "Date of the Last Statutory Visit").date(),
        Some(day(2026, 7, 1))
    );
    assert_eq!(text(l, r, "Was the Child Seen Alone?"), "a) Yes");
    assert_eq!(
        value(l, r, "Date of latest review conference").date(),
        Some(day(2026, 9, 15))
    );
    assert_eq!(
        value(l, r, "Child Protection Plan End Date"),
        &Cell::Blank,
        "the plan ends after the date, so it is open on it"
    );
    assert_eq!(
        text(
            l,
            r,
            "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)"
        ),
        "a) Yes"
    );
    assert_eq!(
        value(l, r, "Number of Previous Child Protection Plans"),
        &Cell::Number(2)
    );
    let cin = a.rows(List::ChildrenInNeed);
    assert_eq!(
        text(List::ChildrenInNeed, &cin[0], "Case Status"),
        "b) Child Protection plan"
    );
}

#[test]
fn a_plan_that_ended_before_the_six_months_is_not_listed() {
    // The same journey a year earlier, its plan ending on 1 May 2026, before the window.
    let journey: Vec<_> = protection_journey()
        .into_iter()
        .take(7)
        .map(|(d, e)| (d - chrono::Months::new(12), e))
        .chain([(
            day(2026, 5, 1),
            ChildEvent::CpPlanEnded {
                reason: CpPlanEndReason::ReviewConference,
            },
        )])
        .collect();
    let a = lists(&[child("C1", journey)]);
    assert!(a.rows(List::ChildProtection).is_empty());
    assert!(a.rows(List::Section47).is_empty());
    assert_eq!(
        a.rows(List::ChildrenInNeed).len(),
        1,
        "the episode is still open"
    );
}

fn care(
    reason: ReasonNewEpisode,
    legal_status: LegalStatus,
    placement: PlacementType,
    placed_at: &str,
) -> ChildEvent {
    ChildEvent::EpisodeStarted {
        reason,
        legal_status,
        placement,
        category_of_need: CategoryOfNeed::N1,
        provider: Some(PlacementProvider::Pr1),
        urn: None,
        home_postcode: Some(Postcode::parse("BR1 3UH").unwrap()),
        placement_postcode: Some(Postcode::parse(placed_at).unwrap()),
        placement_change_reason: None,
    }
}

#[test]
fn looked_after_children_with_their_period_of_care() {
    let ended = |reason| ChildEvent::EpisodeEnded { reason };
    let a = lists(&[
        child(
            "C1",
            vec![
                (
                    day(2025, 12, 1),
                    care(
                        ReasonNewEpisode::S,
                        LegalStatus::V2,
                        PlacementType::U6,
                        "BR2 9AA",
                    ),
                ),
                (day(2026, 2, 1), ended(ReasonEpisodeCeased::X1)),
                (
                    day(2026, 2, 1),
                    care(
                        ReasonNewEpisode::L,
                        LegalStatus::C1,
                        PlacementType::U6,
                        "BR2 9AA",
                    ),
                ),
                (day(2026, 4, 1), ended(ReasonEpisodeCeased::X1)),
                (
                    day(2026, 4, 1),
                    care(
                        ReasonNewEpisode::P,
                        LegalStatus::C1,
                        PlacementType::K2,
                        "TN13 1AA",
                    ),
                ),
                (
                    day(2026, 7, 1),
                    ChildEvent::MissingEpisodeStarted {
                        kind: MissingKind::Missing,
                    },
                ),
                (day(2026, 7, 2), ChildEvent::MissingEpisodeEnded {}),
                (
                    day(2026, 7, 3),
                    ChildEvent::ReturnInterviewOffered { accepted: false },
                ),
                (
                    day(2026, 8, 1),
                    ChildEvent::PermanencePlanRecorded {
                        plan: PermanencePlan::LongTermFostering,
                    },
                ),
            ],
        ),
        child(
            "C2",
            vec![
                (
                    day(2025, 1, 1),
                    care(
                        ReasonNewEpisode::S,
                        LegalStatus::V2,
                        PlacementType::U6,
                        "BR2 9AA",
                    ),
                ),
                (day(2026, 3, 1), ended(ReasonEpisodeCeased::E4A)),
            ],
        ),
        child(
            "C3",
            vec![
                (
                    day(2026, 1, 1),
                    care(
                        ReasonNewEpisode::S,
                        LegalStatus::V2,
                        PlacementType::U6,
                        "BR2 9AA",
                    ),
                ),
                (day(2026, 8, 1), ended(ReasonEpisodeCeased::E13)),
            ],
        ),
    ]);
    let l = List::LookedAfter;
    let rows = a.rows(l);
    let ids: Vec<&str> = rows.iter().map(|r| text(l, r, "Child Unique ID")).collect();
    assert_eq!(ids, ["C1", "C3"], "C2 left care before the six months");
    let r = &rows[0];
    assert_eq!(
        value(l, r, "Date Started to be Looked After").date(),
        Some(day(2025, 12, 1))
    );
    assert_eq!(
        value(l, r, "Start date of current legal status").date(),
        Some(day(2026, 2, 1))
    );
    assert_eq!(text(l, r, "Child's Legal Status"), "C1: ICO");
    assert_eq!(
        value(l, r, "Start Date of Most Recent Placement").date(),
        Some(day(2026, 4, 1))
    );
    assert_eq!(text(l, r, "Placement Type"), "p) K2: Children's Homes");
    assert_eq!(text(l, r, "Placement Provider"), "b) PR1: Own provision");
    assert_eq!(text(l, r, "Placement Location"), "b) Out");
    assert_eq!(
        text(l, r, "Child's Category of Need"),
        "N1 - Abuse or neglect"
    );
    assert_eq!(
        value(l, r, "Number of Placements in the Last 12 months"),
        &Cell::Number(2)
    );
    assert_eq!(
        value(
            l,
            r,
            "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"
        ),
        &Cell::Number(1)
    );
    assert_eq!(
        text(
            l,
            r,
            "Was the child offered a Return Interview after their last missing episode (Y/N)?"
        ),
        "a) Yes"
    );
    assert_eq!(
        text(
            l,
            r,
            "Did the child accept a Return Interview after their last missing episode (Y/N)?"
        ),
        "b) No"
    );
    assert_eq!(
        text(l, r, "What is the permanence plan for this child?"),
        "f) Long-term fostering"
    );
    assert_eq!(value(l, r, "Date Ceased to be Looked After"), &Cell::Blank);
    let left = &rows[1];
    assert_eq!(
        value(l, left, "Date Ceased to be Looked After").date(),
        Some(day(2026, 8, 1))
    );
    assert_eq!(
        text(l, left, "Reason Ceased to be Looked After"),
        "g) E13: Parents, relatives or other with no parental responsibility"
    );
    assert_eq!(text(l, left, "Placement Location"), "a) In");
}

#[test]
fn care_leavers_are_current_on_the_date() {
    let leaver = |id, category| {
        child(
            id,
            vec![
                (
                    day(2026, 6, 1),
                    ChildEvent::CareLeaverStatusRecorded { category },
                ),
                (
                    day(2026, 6, 2),
                    ChildEvent::CareLeaverContactRecorded {
                        in_touch: CareLeaverInTouch::Yes,
                    },
                ),
                (
                    day(2026, 6, 2),
                    ChildEvent::CareLeaverAccommodationRecorded {
                        accommodation: CareLeaverAccommodation::D2,
                    },
                ),
                (
                    day(2026, 6, 2),
                    ChildEvent::CareLeaverActivityRecorded {
                        activity: CareLeaverActivity::F5,
                    },
                ),
                (
                    day(2026, 6, 3),
                    ChildEvent::PersonalAdviserAllocated {
                        adviser: StaffId::parse("S1").unwrap(),
                    },
                ),
            ],
        )
    };
    let a = lists(&[
        leaver("C1", CareLeaverCategory::FormerRelevant),
        leaver("C2", CareLeaverCategory::Eligible),
    ]);
    let l = List::CareLeavers;
    let rows = a.rows(l);
    assert_eq!(rows.len(), 1, "an eligible child is still looked after");
    let r = &rows[0];
    assert_eq!(
        text(l, r, "Eligibility Category"),
        "b) Former relevant child"
    );
    assert_eq!(text(l, r, "LA in Touch"), "a) Yes");
    assert_eq!(
        text(l, r, "Type of Accommodation"),
        "D: Semi-independent, transitional accommodation and self-contained accommodation"
    );
    assert_eq!(text(l, r, "Suitability of Accommodation"), "b) Unsuitable");
    assert_eq!(
        text(l, r, "Activity Status"),
        "F3: Full time in training or employment"
    );
    assert_eq!(text(l, r, "Allocated Worker"), "Ada Worker");
}

#[test]
fn adoption_plans_and_adopters() {
    let a = lists(&[child(
        "C1",
        vec![
            (
                day(2025, 3, 1),
                care(
                    ReasonNewEpisode::S,
                    LegalStatus::C2,
                    PlacementType::U5,
                    "BR2 9AA",
                ),
            ),
            (
                day(2026, 1, 10),
                ChildEvent::AdoptionDecisionMade { decided_on: None },
            ),
            (day(2026, 3, 10), ChildEvent::PlacementOrderGranted {}),
            (
                day(2026, 12, 1),
                ChildEvent::AdoptionMatched {
                    adopter_sex: AdopterSex::Mf,
                    adopter_legal_status: AdopterLegalStatus::L11,
                    foster_carers_adopting: false,
                    adopter: None,
                },
            ),
        ],
    )]);
    let l = List::Adoption;
    let rows = a.rows(l);
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(
        value(l, r, "Date the Child Entered Care").date(),
        Some(day(2025, 3, 1))
    );
    assert_eq!(
        value(
            l,
            r,
            "Date of Decision that Child Should be Placed for Adoption"
        )
        .date(),
        Some(day(2026, 1, 10))
    );
    assert_eq!(
        value(l, r, "Date of Placement Order").date(),
        Some(day(2026, 3, 10))
    );
    assert_eq!(
        value(l, r, "Date of Matching Child and Prospective Adopters"),
        &Cell::Blank
    );
    assert_eq!(
        value(
            l,
            r,
            "Date the child was placed for fostering in FFA or concurrent planning placement"
        )
        .date(),
        Some(day(2025, 3, 1))
    );

    let household = AdopterHousehold {
        adopters: vec![
            ProspectiveAdopter {
                name: name("Pat", "One"),
                gender: GenderIdentity::Male,
                ethnicity: Ethnicity::Wbri,
                disability: false,
            },
            ProspectiveAdopter {
                name: name("Lee", "Two"),
                gender: GenderIdentity::Female,
                ethnicity: Ethnicity::Nobt,
                disability: true,
            },
        ],
        fostering_for_adoption: true,
    };
    let active = Adopter {
        household: Some(household.clone()),
        enquiry: Some(day(2026, 2, 1)),
        stage_one: (Some(day(2026, 3, 1)), Some(day(2026, 12, 1))),
        ..Adopter::default()
    };
    let gone = Adopter {
        household: Some(household),
        enquiry: Some(day(2025, 2, 1)),
        left: Some((day(2025, 6, 1), AdopterLeavingReason::Withdrew)),
        ..Adopter::default()
    };
    let a = build(
        &[],
        &[
            (AdopterId::parse("A1").unwrap(), active),
            (AdopterId::parse("A2").unwrap(), gone),
        ],
        &directory(),
        as_at(),
    );
    let l = List::Adopters;
    let rows = a.rows(l);
    assert_eq!(
        rows.len(),
        2,
        "one row per adopter of the household still in the process"
    );
    assert_eq!(text(l, &rows[0], "Individual adopter identifier"), "A1-1");
    assert_eq!(text(l, &rows[1], "Family identifier"), "A1");
    assert_eq!(text(l, &rows[1], "Gender"), "b) Female");
    assert_eq!(text(l, &rows[1], "Ethnicity"), "s) NOBT");
    assert_eq!(text(l, &rows[1], "Disability"), "a) Yes");
    assert_eq!(
        text(
            l,
            &rows[0],
            "Is the (prospective) adopter fostering for adoption?"
        ),
        "a) Yes"
    );
    assert_eq!(
        value(l, &rows[0], "Date Stage 1 ended"),
        &Cell::Blank,
        "after the date"
    );
}

#[test]
fn labels_follow_ofsted_wording() {
    use super::labels;
    assert_eq!(
        labels::source(ReferralSource::IndividualFamily),
        "a) 1A: Individual"
    );
    assert_eq!(labels::source(ReferralSource::Housing), "m) 4: Housing");
    assert_eq!(labels::source(ReferralSource::Unknown), "u) 10: Unknown");
    assert_eq!(labels::ethnicity(Ethnicity::Wbri), "a) WBRI");
    assert_eq!(labels::ethnicity(Ethnicity::Refu), "s) REFU");
    assert_eq!(labels::legal_status(LegalStatus::E1), "E1: Placement order");
    assert_eq!(
        labels::placement_type(PlacementType::U6),
        "f) U6: Foster placement - not FFA"
    );
    assert_eq!(
        labels::placement_type(PlacementType::K3),
        "n) H5: Residential accommodation"
    );
    assert_eq!(
        labels::placement_type(PlacementType::Z12),
        "v) Z1: Other placements"
    );
    assert_eq!(labels::gender(Sex::U, None), "c) Not stated/recorded");
    assert_eq!(
        labels::gender(Sex::M, Some(GenderIdentity::Neither)),
        "d) Neither"
    );
    assert_eq!(labels::disability(&[]), "c) Unknown");
    assert_eq!(labels::disability(&[Disability::Aut]), "a) Yes");
    assert_eq!(labels::primary_need(None), "N0 - Not stated");
    assert_eq!(labels::reason_ceased(ReasonEpisodeCeased::X1), None);
    assert_eq!(
        labels::accommodation(CareLeaverAccommodation::Unknown),
        None
    );
    for p in PlacementType::ALL {
        let label = labels::placement_type(*p);
        // Ofsted's letters are the only labels liiatools reads.
        assert!(label.contains(") "), "{label}");
    }
    for s in ReferralSource::ALL {
        assert!(labels::source(*s).contains(':'));
    }
}

#[test]
fn the_workbook_is_a_zip_with_every_sheet() {
    let a = lists(&[child("C1", protection_journey())]);
    let bytes = a.to_xlsx().unwrap();
    assert_eq!(&bytes[..2], b"PK", "an xlsx file is a zip archive");
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("xl/worksheets/sheet11.xml"));
}

#[test]
fn a_young_care_leaver_seen_in_the_last_three_months_is_in_touch() {
    let seen = ChildEvent::VisitMade {
        kind: VisitKind::PersonalAdviser,
        child_seen: true,
        seen_alone: None,
        not_seen_alone_reason: None,
        bedroom_seen: None,
    };
    let leaver = |visited: bool| {
        let mut events = vec![
            (
                day(2025, 6, 1),
                care(
                    ReasonNewEpisode::S,
                    LegalStatus::C2,
                    PlacementType::U6,
                    "BR2 9AA",
                ),
            ),
            (
                day(2026, 6, 1),
                ChildEvent::EpisodeEnded {
                    reason: ReasonEpisodeCeased::E13,
                },
            ),
            (
                day(2026, 6, 1),
                ChildEvent::CareLeaverStatusRecorded {
                    category: CareLeaverCategory::Relevant,
                },
            ),
        ];
        if visited {
            events.push((day(2026, 9, 1), seen.clone()));
        }
        child(if visited { "C1" } else { "C2" }, events)
    };
    let a = lists(&[leaver(true), leaver(false)]);
    let l = List::CareLeavers;
    let rows = a.rows(l);
    assert_eq!(text(l, &rows[0], "LA in Touch"), "a) Yes");
    assert_eq!(
        value(l, &rows[1], "LA in Touch"),
        &Cell::Blank,
        "nothing says so"
    );
}

#[test]
fn placement_location_falls_back_to_the_childs_address() {
    let mut start = care(
        ReasonNewEpisode::S,
        LegalStatus::C2,
        PlacementType::U6,
        "SE9 2BG",
    );
    if let ChildEvent::EpisodeStarted { home_postcode, .. } = &mut start {
        *home_postcode = None;
    }
    let moved = ChildEvent::AddressChanged {
        address: hearth_domain::people::Address {
            lines: vec![Line::parse("1 High Street").unwrap()],
            town: None,
            postcode: Some(Postcode::parse("SE20 8LF").unwrap()),
        },
    };
    let a = lists(&[child(
        "C1",
        vec![(day(2026, 1, 1), moved), (day(2026, 6, 1), start)],
    )]);
    let r = &a.rows(List::LookedAfter)[0];
    assert_eq!(text(List::LookedAfter, r, "Placement Location"), "a) In");
}
