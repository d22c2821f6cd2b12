//! Child protection: the enquiry and conference, then the plan, its visits, core groups
//! and review conferences, with the papers before and after each conference.

use chrono::Days;
use hearth_domain::Timestamp;
use hearth_domain::child::ChildEvent;
use hearth_domain::codes::*;
use hearth_domain::ids::StaffId;

use super::{Case, DAY, Every, HOUR, Who, cadence, day_before, err, plus, text};
use crate::calendar::at_time;
use crate::data::DataError;
use crate::journey::{CpSpan, Episode, Protection};
use crate::rng::Rng;

impl Case<'_, '_> {
    /// A concern, the strategy discussion, the section 47 enquiry and, when it calls for
    /// one, the initial conference.
    pub(super) fn enquiry(&mut self, rng: &mut Rng, p: &Protection) -> Result<(), DataError> {
        let child = self.child;
        self.events.push(
            p.concern,
            Who::Worker,
            ChildEvent::ConcernRaised {
                summary: text("Information suggests the child may be suffering significant harm.")?,
            },
        );
        let mut agencies = vec![Agency::SocialCare, Agency::Police, Agency::Health];
        if child
            .age_on(p.strategy.london_date())
            .is_some_and(|a| (4..=17).contains(&a))
        {
            agencies.push(Agency::Education);
        }
        self.events.push(
            p.strategy,
            Who::Worker,
            ChildEvent::StrategyDiscussionHeld {
                agencies,
                decision: StrategyDecision::Section47,
            },
        );
        self.events.push(
            plus(p.strategy, 30 * 60_000_000),
            Who::Worker,
            ChildEvent::Section47Started {},
        );
        let outcome = match (p.icpc.is_some(), p.substantiated) {
            (true, _) => Section47Outcome::SubstantiatedAtRisk,
            (false, true) => Section47Outcome::SubstantiatedNotAtRisk,
            (false, false) => Section47Outcome::NotSubstantiated,
        };
        self.events.push(
            p.enquiry_done,
            Who::Worker,
            ChildEvent::Section47Completed {
                outcome,
                conference_needed: p.icpc.is_some(),
            },
        );
        if let Some((at, outcome, category)) = p.icpc {
            self.events.push(
                plus(p.enquiry_done, 60_000_000),
                Who::Worker,
                ChildEvent::MeetingScheduled {
                    meeting: MeetingKind::InitialConference,
                    at,
                    chair: None,
                },
            );
            self.conference_papers(rng, at, p.strategy, true)?;
            // About one child in forty brought to an initial conference had a plan under
            // another council before, which the worker records from that council's
            // papers (the census counts it). Which child is decided from the id, not a
            // random draw, so that every other draw, and so every rate, is unchanged.
            let number = child
                .id
                .as_str()
                .trim_start_matches(|c: char| !c.is_ascii_digit());
            if number.parse::<u64>().is_ok_and(|n| n % 40 == 7) {
                self.events.push(
                    plus(p.enquiry_done, 120_000_000),
                    Who::Worker,
                    ChildEvent::EarlierCpPlansRecorded { count: 1 },
                );
            }
            if self.reviewer.is_none() {
                self.reviewer =
                    self.borough
                        .world
                        .least_loaded(ServiceArea::Reviewing, at.london_date(), rng);
            }
            self.events.push(
                at,
                Who::Reviewer,
                ChildEvent::InitialConferenceHeld {
                    transfer_in: false,
                    outcome,
                    category,
                },
            );
        }
        Ok(())
    }

    /// Reports before a conference, the chair's pre-meeting before a review conference, and
    /// the record afterwards. `since` is when the last conference was (or the enquiry began).
    pub(super) fn conference_papers(
        &mut self,
        rng: &mut Rng,
        at: Timestamp,
        since: Timestamp,
        initial: bool,
    ) -> Result<(), DataError> {
        let child = self.child;
        let p = &self.borough.rates.practice;
        let (reviews, paperwork) = (p.reviews_on_time, p.recording_within_48_hours);
        let (on, after) = (at.london_date(), since.london_date());
        let lead = Every::WorkingDays(if initial { 2 } else { 5 });
        let day = day_before(rng, on, after, lead, paperwork);
        let shared = at_time(day, 9 + rng.below(6) as u32, 0)
            .min(plus(at, -HOUR))
            .max(plus(since, HOUR));
        // The report goes to the parents and the chair, and to the child when old enough to
        // read it; a manager records why a younger child does not get it.
        let readable = child.age_on(on).is_some_and(|a| a >= 10);
        if !readable {
            self.events.push(
                plus(shared, -60_000_000),
                Who::Manager,
                ChildEvent::DocumentWithheld {
                    document: DocumentKind::ConferenceReport,
                    audience: Audience::Child,
                    manager: StaffId::parse("S00001").map_err(err)?,
                    reason: text(
                        "Too young to read the report; the social worker explains it to the child in person.",
                    )?,
                },
            );
        }
        let mut audiences = vec![Audience::Family, Audience::ReviewingOfficer];
        if readable {
            audiences.push(Audience::Child);
        }
        self.events.routine(
            shared,
            Who::Worker,
            ChildEvent::DocumentShared {
                document: DocumentKind::ConferenceReport,
                audiences,
            },
        );
        if !initial {
            let day = day_before(rng, on, after, Every::WorkingDays(5), reviews);
            let pre = at_time(day, 11, 0)
                .min(plus(at, -2 * HOUR))
                .max(plus(since, HOUR));
            self.events.routine(
                pre,
                Who::Reviewer,
                ChildEvent::MeetingHeld {
                    meeting: MeetingKind::ReviewingOfficerPreMeeting,
                },
            );
        }
        let record = if rng.chance(paperwork) {
            plus(at, (3 + rng.below(20)) as i64 * HOUR)
        } else {
            plus(at, (25 + rng.below(70)) as i64 * HOUR)
        };
        self.events.routine(
            record,
            Who::Reviewer,
            ChildEvent::DocumentShared {
                document: DocumentKind::ConferenceRecord,
                audiences: vec![Audience::Participants],
            },
        );
        Ok(())
    }

    /// A child protection plan: visits, core groups and review conferences until it ends.
    pub(super) fn child_protection_plan(
        &mut self,
        rng: &mut Rng,
        e: &Episode,
        cp: &CpSpan,
        end: Timestamp,
    ) -> Result<(), DataError> {
        self.events
            .push(cp.start, Who::Worker, ChildEvent::CpPlanStarted {});
        let area = if e.need == PrimaryNeed::N2 {
            ServiceArea::Disabilities
        } else {
            ServiceArea::SafeguardingCarePlanning
        };
        let when = plus(cp.start, (2 + rng.below(8)) as i64 * DAY);
        self.transfer(rng, area, when, end)?;
        let plan_end = cp.end.map_or(end, |(t, _, _)| t).min(end);
        let p = &self.borough.rates.practice;
        let (visits, reviews) = (p.visits_on_time, p.reviews_on_time);
        let ten = Every::WorkingDays(10);
        for at in cadence(rng, cp.start, plan_end, ten, ten, visits) {
            let v = self.visit(rng, at, VisitKind::Statutory)?;
            self.events.routine(at, Who::Worker, v);
        }
        for at in cadence(rng, cp.start, plan_end, ten, Every::Days(42), reviews) {
            self.events
                .push(at, Who::Worker, ChildEvent::CoreGroupHeld {});
        }
        let mut previous = cp.start;
        for (i, &at) in cp.reviews.iter().enumerate() {
            if at > end {
                break;
            }
            self.events.push(
                plus(previous, 2 * HOUR),
                Who::Worker,
                ChildEvent::MeetingScheduled {
                    meeting: MeetingKind::ReviewConference,
                    at,
                    chair: None,
                },
            );
            self.conference_papers(rng, at, previous, false)?;
            let last = i + 1 == cp.reviews.len();
            let outcome = if last {
                cp.end
                    .map_or(ReviewConferenceOutcome::Continue, |(_, o, _)| o)
            } else {
                ReviewConferenceOutcome::Continue
            };
            let category = (i == 0 && rng.chance(0.1)).then(|| {
                *rng.pick(&[
                    CategoryOfAbuse::Neg,
                    CategoryOfAbuse::Emo,
                    CategoryOfAbuse::Mul,
                ])
                .unwrap_or(&CategoryOfAbuse::Neg)
            });
            // A plan still needed at its third review has been to the legal gateway, to
            // consider proceedings, in the months before.
            if i == 2
                && outcome == ReviewConferenceOutcome::Continue
                && rng.chance(self.borough.rates.practice.reviews_on_time)
            {
                let gap = (at.london_date() - previous.london_date())
                    .num_days()
                    .max(2) as u64;
                let day = previous.london_date() + Days::new(1 + rng.below(gap - 1));
                self.events.routine(
                    rng.office(day).min(plus(at, -DAY)),
                    Who::Manager,
                    ChildEvent::MeetingHeld {
                        meeting: MeetingKind::LegalGateway,
                    },
                );
            }
            self.events.push(
                at,
                Who::Reviewer,
                ChildEvent::ReviewConferenceHeld { outcome, category },
            );
            if rng.chance(0.04) {
                self.events.routine(
                    plus(at, 30 * 60_000_000),
                    Who::Reviewer,
                    ChildEvent::DissentRecorded {
                        agency: Agency::Education,
                        text: text(
                            "The school disagrees with the decision and asked for it to be noted.",
                        )?,
                    },
                );
                self.events.routine({ let day = at.london_date() + Days::new(3 + rng.below(5)); rng.office(day) }, Who::Manager, ChildEvent::ManagerResponseRecorded { to: DocumentKind::DissentResponse, manager: StaffId::parse("S00001").map_err(err)?, agreed: false, text: text("Considered the school's view; the decision stands, for the reasons given.")? });
            }
            previous = at;
        }
        if let Some((t, _, reason)) = cp.end {
            self.events
                .push(t, Who::Worker, ChildEvent::CpPlanEnded { reason });
        }
        Ok(())
    }
}
