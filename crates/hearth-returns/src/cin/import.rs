//! A council's last census turned into records: each child becomes the events the return
//! implies (registration, referral, assessment, enquiry, conference, plans, closure) on the
//! return's dates, which then go through the record's rules like any other import.
//!
//! The census holds far less than a record, so some things are filled in, always the same
//! way so that importing a file twice gives the same events and exporting the result gives
//! the same census (docs/returns.md lists them): the name, who authorised an assessment,
//! why plans and enquiries ended, and the time of day. Everything the census export reads is
//! taken from the file.

use chrono::{NaiveDate, NaiveTime};
use hearth_domain::child::ChildEvent;
use hearth_domain::codes::{
    Agency, AssessmentOutcome, CinPlanEndReason, CpPlanEndReason, InitialConferenceOutcome,
    ReasonForClosure, ReviewConferenceOutcome, Section47Outcome, ServiceArea, Sex, StaffRole,
    StrategyDecision,
};
use hearth_domain::directory::{StaffEvent, TeamEvent};
use hearth_domain::event::{Actor, Recorded};
use hearth_domain::interchange::{Journey, JourneyLine};
use hearth_domain::people::{ChildDetails, PersonName};
use hearth_domain::values::Line;
use hearth_domain::{StaffId, TeamId, Timestamp};

use super::{CensusChild, CinDetails};

/// The id of the staff record that stands for whoever authorised an imported assessment,
/// and of its team.
pub const IMPORT_MANAGER: &str = "CENSUSIMPORT";

/// Who records imported events.
pub const IMPORT_ACTOR: &str = "import";

/// Why an imported child cannot become a record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ImportRefusal(pub String);

fn actor() -> Result<Actor, ImportRefusal> {
    Actor::system(IMPORT_ACTOR).map_err(|e| ImportRefusal(e.to_string()))
}

fn line(s: &str) -> Result<Line, ImportRefusal> {
    Line::parse(s).map_err(|e| ImportRefusal(e.to_string()))
}

/// The staff and team records an import refers to: a head of service standing for the
/// managers who authorised assessments, in post from long before any return.
pub fn directory() -> Result<Vec<JourneyLine>, ImportRefusal> {
    let id = |s: &str| ImportRefusal(format!("the import's own id: {s}"));
    let team = TeamId::parse(IMPORT_MANAGER).map_err(|e| id(&e.to_string()))?;
    let staff = StaffId::parse(IMPORT_MANAGER).map_err(|e| id(&e.to_string()))?;
    let day = NaiveDate::from_ymd_opt(1990, 1, 1).ok_or_else(|| id("1990-01-01"))?;
    let at = |s: u32| instant(day, s);
    let formed = Recorded {
        occurred_at: at(0),
        recorded_at: at(0),
        recorded_by: actor()?,
        event: TeamEvent::TeamFormed {
            name: line("Imported from the returns")?,
            service: ServiceArea::Leadership,
        },
    };
    let joined = Recorded {
        occurred_at: at(1),
        recorded_at: at(1),
        recorded_by: actor()?,
        event: StaffEvent::StaffJoined {
            name: PersonName {
                given: line("Manager named")?,
                family: line("in the returns")?,
                preferred: None,
            },
            role: StaffRole::HeadOfService,
            team: team.clone(),
            registration: None,
            email: None,
            phone: None,
            line_manager: None,
        },
    };
    Ok(vec![
        JourneyLine::whole(Journey::Team(team, vec![formed])),
        JourneyLine::whole(Journey::Staff(staff, vec![joined])),
    ])
}

/// The instant an imported event happened: nine in the morning in England, a second apart
/// in the order the events must be applied.
fn instant(date: NaiveDate, nth: u32) -> Timestamp {
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN);
    let t = Timestamp::at_london_time(date, nine);
    t.plus_micros(i64::from(nth) * 1_000_000).unwrap_or(t)
}

/// The order of things that happen on the same day, so that each is allowed when it is
/// applied: a plan ends before the next starts, an enquiry completes before its conference,
/// and the case closes last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Registered,
    Born,
    Referral,
    CinPlanEnded,
    Review,
    CpPlanEnded,
    EnquiryDone,
    AssessmentStarted,
    Enquiry,
    EnquiryCompleted,
    Conference,
    CpPlanStarted,
    CinPlanStarted,
    AssessmentCompleted,
    Died,
    Closed,
}

/// A child's events, with the instant each happened.
pub fn child(c: &CensusChild, now: Timestamp) -> Result<JourneyLine, ImportRefusal> {
    let manager = StaffId::parse(IMPORT_MANAGER).map_err(|e| ImportRefusal(e.to_string()))?;
    let mut steps: Vec<(NaiveDate, Step, ChildEvent)> = Vec::new();
    for e in &c.episodes {
        episode(e, &manager, &mut steps)?;
    }
    if let Some(d) = c.death_date {
        steps.push((
            d,
            Step::Died,
            ChildEvent::DeathRecorded { date_of_death: d },
        ));
    }
    let first = steps
        .iter()
        .map(|s| s.0)
        .min()
        .ok_or_else(|| ImportRefusal("the child has no episode of need".to_owned()))?;

    let born = c.birth_date;
    let details = ChildDetails {
        name: PersonName {
            given: line("Child")?,
            family: line(c.id.as_str())?,
            preferred: None,
        },
        sex: c.sex,
        gender: None,
        date_of_birth: born,
        expected_date_of_birth: if born.is_some() {
            None
        } else {
            c.expected_birth_date
        },
        ethnicity: c.ethnicity,
        upn: c.upn.clone(),
        former_upn: c.former_upn.clone(),
        upn_unknown: c.upn_unknown,
        nhs_number: None,
        disabilities: c.disabilities.clone(),
        first_language: None,
        communication_needs: None,
        religion: None,
        immigration_status: None,
        uasc: false,
        uasc_ceased: None,
    };
    // A child born after their first referral is registered unborn and born on the day.
    let mut head = Vec::new();
    match born.filter(|b| *b > first) {
        Some(b) => {
            let unborn = ChildDetails {
                sex: Sex::U,
                date_of_birth: None,
                expected_date_of_birth: Some(b),
                ..details.clone()
            };
            head.push((first, Step::Registered, registered(unborn)));
            head.push((
                b,
                Step::Born,
                ChildEvent::BirthRecorded { date_of_birth: b },
            ));
            head.push((b, Step::Born, ChildEvent::ChildDetailsAmended { details }));
        }
        None => head.push((first, Step::Registered, registered(details))),
    }
    // The census counts plans before the first it holds; the record keeps that count.
    if let Some(p) = c
        .episodes
        .iter()
        .flat_map(|e| &e.cp_plans)
        .min_by_key(|p| p.start)
        .filter(|p| p.previous_plans > 0)
    {
        let count = u16::try_from(p.previous_plans).map_err(|_| {
            ImportRefusal(format!("{} previous plans is too many", p.previous_plans))
        })?;
        head.push((
            first,
            Step::Registered,
            ChildEvent::EarlierCpPlansRecorded { count },
        ));
    }
    head.extend(steps);
    // Stable: events of the same day and step keep the order they were made in.
    head.sort_by_key(|(d, s, _)| (*d, *s));

    let mut events = Vec::with_capacity(head.len());
    let mut day: Option<(NaiveDate, u32)> = None;
    let recorded_by = actor()?;
    for (date, _, event) in head {
        let nth = match day {
            Some((d, n)) if d == date => n + 1,
            _ => 0,
        };
        day = Some((date, nth));
        let at = instant(date, nth);
        if at > now {
            return Err(ImportRefusal(format!(
                "{} on {date} is in the future",
                event_kind(&event)
            )));
        }
        events.push(Recorded {
            occurred_at: at,
            recorded_at: at,
            recorded_by: recorded_by.clone(),
            event,
        });
    }
    Ok(JourneyLine::whole(Journey::Child(c.id.clone(), events)))
}

fn event_kind(e: &ChildEvent) -> &'static str {
    use hearth_domain::EventKind;
    e.kind()
}

fn registered(details: ChildDetails) -> ChildEvent {
    ChildEvent::ChildRegistered {
        details,
        address: None,
    }
}

fn episode(
    e: &CinDetails,
    manager: &StaffId,
    steps: &mut Vec<(NaiveDate, Step, ChildEvent)>,
) -> Result<(), ImportRefusal> {
    steps.push((
        e.referral_date,
        Step::Referral,
        ChildEvent::ReferralReceived {
            source: e.source,
            primary_need: e.primary_need,
            no_further_action: e.no_further_action,
            summary: None,
        },
    ));
    let closure = e.closure.map(|(d, _)| d);
    let outcome = match e.closure.map(|c| c.1) {
        Some(ReasonForClosure::Rc8) => AssessmentOutcome::NoFurtherAction,
        Some(ReasonForClosure::Rc9) => AssessmentOutcome::EarlyHelp,
        _ => AssessmentOutcome::ChildInNeedPlan,
    };
    for a in &e.assessments {
        steps.push((
            a.start,
            Step::AssessmentStarted,
            ChildEvent::AssessmentStarted {},
        ));
        if let Some(d) = a.authorised {
            steps.push((
                d,
                Step::AssessmentCompleted,
                ChildEvent::AssessmentCompleted {
                    factors: a.factors.clone(),
                    outcome,
                },
            ));
            steps.push((
                d,
                Step::AssessmentCompleted,
                ChildEvent::AssessmentAuthorised {
                    manager: manager.clone(),
                },
            ));
        }
    }
    for (start, end) in &e.cin_plans {
        steps.push((*start, Step::CinPlanStarted, ChildEvent::CinPlanStarted {}));
        if let Some(end) = end {
            let into_protection = e.cp_plans.iter().any(|p| p.start == *end);
            let reason = if into_protection {
                CinPlanEndReason::ChildProtection
            } else {
                CinPlanEndReason::NoLongerInNeed
            };
            // A plan that ends the day it starts ends after it starts.
            let step = if end == start {
                Step::CinPlanStarted
            } else {
                Step::CinPlanEnded
            };
            steps.push((*end, step, ChildEvent::CinPlanEnded { reason }));
        }
    }
    let plan_on = |d: NaiveDate| e.cp_plans.iter().find(|p| p.start == d);
    let conference = |d: NaiveDate, transfer_in: bool| {
        let plan = plan_on(d);
        ChildEvent::InitialConferenceHeld {
            transfer_in,
            outcome: if plan.is_some() {
                InitialConferenceOutcome::CpPlan
            } else {
                InitialConferenceOutcome::ChildInNeed
            },
            category: plan.map(|p| p.initial_category),
        }
    };
    let mut conferences: Vec<NaiveDate> = Vec::new();
    for (k, s) in e.enquiries.iter().enumerate() {
        steps.push((
            s.start,
            Step::Enquiry,
            ChildEvent::StrategyDiscussionHeld {
                agencies: vec![Agency::SocialCare, Agency::Police],
                decision: StrategyDecision::Section47,
            },
        ));
        steps.push((s.start, Step::Enquiry, ChildEvent::Section47Started {}));
        let needed = ChildEvent::Section47Completed {
            outcome: Section47Outcome::SubstantiatedAtRisk,
            conference_needed: true,
        };
        match s.conference {
            Some(d) => {
                steps.push((d, Step::EnquiryCompleted, needed));
                steps.push((d, Step::Conference, conference(d, false)));
                conferences.push(d);
            }
            None if s.conference_not_required => steps.push((
                s.start,
                Step::EnquiryCompleted,
                ChildEvent::Section47Completed {
                    outcome: Section47Outcome::NotSubstantiated,
                    conference_needed: false,
                },
            )),
            // Waiting for a conference: the enquiry is over once another starts or the case
            // closes; until then it is still open.
            None => {
                let next = e.enquiries.get(k + 1).map(|n| n.start);
                if let Some(d) = next.or(closure) {
                    steps.push((d, Step::EnquiryDone, needed));
                }
            }
        }
    }
    if let Some(d) = e.initial_conference {
        steps.push((d, Step::Conference, conference(d, true)));
        conferences.push(d);
    }
    for p in &e.cp_plans {
        // A plan whose conference is not in the return came with the child from elsewhere
        // or started before the year: its conference is recorded as a transfer in.
        if !conferences.contains(&p.start) {
            steps.push((p.start, Step::Conference, conference(p.start, true)));
            conferences.push(p.start);
        }
        steps.push((p.start, Step::CpPlanStarted, ChildEvent::CpPlanStarted {}));
        let changed = p.latest_category != p.initial_category;
        if changed && p.reviews.is_empty() {
            return Err(ImportRefusal(format!(
                "the plan starting {} changed category from {} to {} but has no review conference at which it could have changed",
                p.start, p.initial_category, p.latest_category
            )));
        }
        let last = p.reviews.iter().max().copied();
        for r in &p.reviews {
            let ends = p.end == Some(*r);
            steps.push((
                *r,
                Step::Review,
                ChildEvent::ReviewConferenceHeld {
                    outcome: if ends {
                        ReviewConferenceOutcome::EndChildInNeed
                    } else {
                        ReviewConferenceOutcome::Continue
                    },
                    category: (changed && Some(*r) == last).then_some(p.latest_category),
                },
            ));
        }
        if let Some(end) = p.end {
            let reason = if p.reviews.contains(&end) {
                CpPlanEndReason::ReviewConference
            } else {
                CpPlanEndReason::Other
            };
            steps.push((end, Step::CpPlanEnded, ChildEvent::CpPlanEnded { reason }));
        }
    }
    if let Some((d, reason)) = e.closure {
        steps.push((d, Step::Closed, ChildEvent::CaseClosed { reason }));
    }
    Ok(())
}
