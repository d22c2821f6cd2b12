//! Looked after: episodes of care and placements, visits, reviews, care and permanence
//! plans, education, and a teenager's offending, substance misuse and liberty orders.

use chrono::{Datelike, Days, NaiveDate};
use hearth_domain::Timestamp;
use hearth_domain::child::ChildEvent;
use hearth_domain::codes::*;
use hearth_domain::ids::StaffId;
use hearth_domain::time::birthday;
use hearth_domain::values::{Line, PartialDate, PermanenceAuthority};

use super::{
    Case, DAY, Every, HOUR, Who, cadence, child_home, day_before, day_for, err, plus, text,
};
use crate::calendar::{add_working_days, at_time, next_working_day, working_days_after};
use crate::data::DataError;
use crate::journey::{Care, Episode};
use crate::rng::Rng;
use crate::world::plus_months;

impl Case<'_, '_> {
    /// A period of care: its episodes, placements, visits, reviews, plans, health and
    /// education, and what happens to a teenager in care, to adoption or its end.
    pub(super) fn care(
        &mut self,
        rng: &mut Rng,
        e: &Episode,
        care: &Care,
        end: Timestamp,
    ) -> Result<(), DataError> {
        let child = self.child;
        let Some(birth) = child.birth() else {
            return Ok(());
        };
        let start = care.start();
        let care_end = care.end.map_or(end, |(t, _)| t).min(self.borough.as_at);
        if let Some((t, kind)) = care.emergency {
            self.events.push(
                t.max(plus(e.referral, 60_000_000)),
                Who::Worker,
                ChildEvent::EmergencyProtectionRecorded { kind },
            );
        }
        // End a child protection plan that is still open when care starts.
        for (i, s) in care.segments.iter().enumerate() {
            if i > 0 {
                self.events.push(
                    s.start,
                    Who::Worker,
                    ChildEvent::EpisodeEnded {
                        reason: ReasonEpisodeCeased::X1,
                    },
                );
            }
            self.events.push(
                s.start,
                Who::Worker,
                ChildEvent::EpisodeStarted {
                    reason: s.reason,
                    legal_status: s.legal,
                    placement: s.placement,
                    category_of_need: care.need,
                    provider: s.provider,
                    urn: s.urn.clone(),
                    // An asylum-seeking child has no home here to give (SSDA903 406).
                    home_postcode: (!child.uasc).then(|| child_home(child)),
                    placement_postcode: Some(s.postcode.clone()),
                    placement_change_reason: s.change,
                },
            );
            if i == 0 {
                let (order, authority, date) = if rng.chance(0.1) {
                    let order = *rng
                        .pick(&[
                            PreviousPermanence::P2,
                            PreviousPermanence::P3,
                            PreviousPermanence::P4,
                        ])
                        .unwrap_or(&PreviousPermanence::P2);
                    let began = start.london_date();
                    let y = (birth.year() + 1 + rng.below(3) as i32).min(began.year());
                    let m = 1 + rng.below(12) as u32;
                    // The order was made before this period of care began (903 632).
                    let (y, m) = if y < began.year() {
                        (y, m)
                    } else if began.month() > 1 {
                        (y, 1 + (m - 1) % (began.month() - 1))
                    } else {
                        (y - 1, m)
                    };
                    let date = PartialDate::parse(&format!("{y:04}-{m:02}")).map_err(err)?;
                    (
                        order,
                        Some(
                            PermanenceAuthority::parse(&self.borough.council.la_number)
                                .map_err(err)?,
                        ),
                        Some(date),
                    )
                } else {
                    (PreviousPermanence::Z1, None, None)
                };
                self.events.push(
                    plus(s.start, 5 * 60_000_000),
                    Who::Worker,
                    ChildEvent::PreviousPermanenceRecorded {
                        order,
                        authority,
                        date,
                    },
                );
                self.events.routine(
                    {
                        let day = add_working_days(s.start.london_date(), 1 + rng.below(6) as u32);
                        rng.office(day)
                    },
                    Who::Worker,
                    ChildEvent::DocumentShared {
                        document: DocumentKind::LegalStatusNotice,
                        audiences: vec![Audience::Professionals],
                    },
                );
            }
            if s.reason.changes_placement() || i == 0 {
                // A care plan for the placement within ten working days.
                let ten = Every::WorkingDays(10);
                let from = s.start.london_date();
                let paperwork = self.borough.rates.practice.recording_within_48_hours;
                let day = day_for(rng, ten.after(from), from, ten, paperwork);
                let plan = rng.office(day);
                if plan < care_end {
                    self.events
                        .routine(plan, Who::Worker, ChildEvent::CarePlanRecorded {});
                }
                let five = Every::WorkingDays(5);
                let reviews = self.borough.rates.practice.reviews_on_time;
                let day = day_for(rng, five.after(from), from, five, reviews);
                let ppm = rng.office(day);
                self.events.routine(
                    ppm,
                    Who::Worker,
                    ChildEvent::MeetingHeld {
                        meeting: MeetingKind::PlacementPlanning,
                    },
                );
            }
        }
        // A long stay moves to the looked-after team after a few weeks.
        let long = care
            .end
            .is_none_or(|(t, _)| (t.london_date() - start.london_date()).num_days() > 120);
        if long {
            let when = plus(start, (20 + rng.below(40)) as i64 * DAY);
            self.transfer(rng, ServiceArea::LookedAfter, when, end)?;
        }
        // Visits: within three working days of each placement, then every four weeks.
        let placements: Vec<Timestamp> = care
            .segments
            .iter()
            .filter(|s| s.reason.changes_placement() || s.reason == ReasonNewEpisode::S)
            .map(|s| s.start)
            .chain(std::iter::once(care_end))
            .collect();
        let on_time = self.borough.rates.practice.visits_on_time;
        let variation_from = long.then(|| plus(start, 430 * DAY)).filter(|_| {
            rng.chance(0.25) && hearth_domain::time::age_on(birth, start.london_date()) >= 5
        });
        for w in placements.windows(2) {
            let (from, to) = (w[0], w[1]);
            let three = Every::WorkingDays(3);
            let day = day_for(
                rng,
                three.after(from.london_date()),
                from.london_date(),
                three,
                on_time,
            );
            let first = rng.office(day).max(plus(from, HOUR));
            if first < to {
                let v = self.visit(rng, first, VisitKind::Statutory)?;
                self.events.routine(first, Who::Worker, v);
                let four_weeks = Every::Days(28);
                for at in cadence(rng, first, to, four_weeks, four_weeks, on_time) {
                    if variation_from.is_some_and(|v| at > v) && rng.chance(0.5) {
                        continue;
                    }
                    let v = self.visit(rng, at, VisitKind::Statutory)?;
                    self.events.routine(at, Who::Worker, v);
                }
            }
        }
        if let Some(v) = variation_from.filter(|v| *v < care_end)
            && let Some(head) = self.borough.world.head_of_service(v.london_date())
        {
            self.events.push(v, Who::HeadOfService, ChildEvent::ObligationVaried { rule: Line::parse("cla-visit").map_err(err)?, amount: 8, unit: PeriodUnit::Weeks, authorised_by: head, reason: text("Permanence achieved: a settled long-term placement, and the young person asked for fewer visits.")?, until: None });
            if rng.chance(0.2) {
                let ended = plus(v, (100 + rng.below(200)) as i64 * DAY);
                if ended < care_end {
                    self.events.push(
                        ended,
                        Who::Manager,
                        ChildEvent::VariationEnded {
                            rule: Line::parse("cla-visit").map_err(err)?,
                        },
                    );
                }
            }
        }
        // Reviews: 20 working days, three months later, then every six (three under five).
        let mut due = working_days_after(start.london_date(), 20);
        let mut n = 0;
        let mut last_review = start;
        while Timestamp::start_of_london_day(due) < care_end && n < 60 {
            let reviews = self.borough.rates.practice.reviews_on_time;
            let day = day_for(
                rng,
                due,
                last_review.london_date(),
                Every::Days(25),
                reviews,
            );
            let at = at_time(day, 10, 30);
            if at >= care_end {
                break;
            }
            self.events.push(
                plus(last_review, 2 * HOUR),
                Who::Worker,
                ChildEvent::MeetingScheduled {
                    meeting: MeetingKind::ClaReview,
                    at,
                    chair: None,
                },
            );
            if rng.chance(0.03) {
                self.events.push(
                    plus(last_review, 3 * HOUR),
                    Who::Worker,
                    ChildEvent::MeetingCancelled {
                        meeting: MeetingKind::ClaReview,
                        at,
                        reason: text(
                            "The reviewing officer was unavailable; the review was rebooked.",
                        )?,
                    },
                );
                let later = at_time(next_working_day(at.london_date() + Days::new(2)), 10, 30);
                if later >= care_end {
                    break;
                }
                self.events.push(
                    plus(last_review, 4 * HOUR),
                    Who::Worker,
                    ChildEvent::MeetingScheduled {
                        meeting: MeetingKind::ClaReview,
                        at: later,
                        chair: None,
                    },
                );
                self.review(rng, birth, later, last_review, care_end)?;
                last_review = later;
            } else {
                self.review(rng, birth, at, last_review, care_end)?;
                last_review = at;
            }
            n += 1;
            let age = hearth_domain::time::age_on(birth, last_review.london_date());
            due = if n == 1 || age < 5 {
                plus_months(last_review.london_date(), 3)
            } else {
                plus_months(last_review.london_date(), 6)
            };
            if n == 2 {
                let plan = if care.adoption.is_some() {
                    PermanencePlan::Adoption
                } else if long {
                    *rng.pick(&[
                        PermanencePlan::LongTermFostering,
                        PermanencePlan::LongTermFostering,
                        PermanencePlan::ReturnToFamily,
                        PermanencePlan::SgoCao,
                        PermanencePlan::LongTermResidential,
                    ])
                    .unwrap_or(&PermanencePlan::LongTermFostering)
                } else {
                    PermanencePlan::ReturnToFamily
                };
                if plus(last_review, 3 * HOUR) < care_end {
                    self.events.routine(
                        plus(last_review, 3 * HOUR),
                        Who::Worker,
                        ChildEvent::PermanencePlanRecorded { plan },
                    );
                }
            }
        }
        // Health, dental, immunisations, development checks, SDQs, education.
        let age_at = |t: Timestamp| hearth_domain::time::age_on(birth, t.london_date());
        let reviews = self.borough.rates.practice.reviews_on_time;
        self.health_assessments(rng, birth, start, care_end);
        // Permanence planning meetings every six months.
        let six_months = Every::Months(6);
        for at in cadence(rng, start, care_end, six_months, six_months, reviews) {
            self.events.routine(
                at,
                Who::Manager,
                ChildEvent::MeetingHeld {
                    meeting: MeetingKind::Permanence,
                },
            );
        }
        self.health_checks(rng, birth, start, care_end)?;
        // Personal education plans from age three: within ten working days, then each term.
        let three = Timestamp::start_of_london_day(birthday(birth, 3).unwrap_or(birth));
        let eighteen = Timestamp::start_of_london_day(birthday(birth, 18).unwrap_or(birth));
        for at in cadence(
            rng,
            start.max(three),
            care_end.min(eighteen),
            Every::WorkingDays(10),
            Every::Months(4),
            reviews,
        ) {
            self.events.routine(at, Who::Worker, ChildEvent::PepHeld {});
        }
        // Teenagers: offending, substance misuse, missing episodes, liberty orders.
        let teen_from = start.max(Timestamp::start_of_london_day(
            birthday(birth, 11).unwrap_or(birth),
        ));
        if teen_from < care_end {
            let span_days = (care_end.london_date() - teen_from.london_date())
                .num_days()
                .max(1);
            if age_at(care_end) >= 10 && rng.chance(0.05) {
                self.events.routine(
                    plus(
                        teen_from,
                        rng.below(span_days as u64) as i64 * DAY + 10 * HOUR,
                    ),
                    Who::Worker,
                    ChildEvent::ConvictionRecorded {},
                );
            }
            if rng.chance(0.08) {
                let offered = rng.chance(0.85);
                self.events.routine(
                    plus(
                        teen_from,
                        rng.below(span_days as u64) as i64 * DAY + 11 * HOUR,
                    ),
                    Who::Worker,
                    ChildEvent::SubstanceMisuseRecorded {
                        intervention_offered: offered,
                        intervention_received: offered && rng.chance(0.6),
                    },
                );
            }
            let moves: Vec<NaiveDate> = care
                .segments
                .iter()
                .skip(1)
                .map(|s| s.start.london_date())
                .collect();
            self.missing(rng, teen_from, care_end, &moves)?;
            let in_home = care
                .segments
                .iter()
                .any(|s| s.placement == PlacementType::K2);
            if in_home && rng.chance(0.04) {
                let s = plus(
                    teen_from,
                    rng.below(span_days as u64) as i64 * DAY + 12 * HOUR,
                );
                if s < care_end {
                    self.events
                        .push(s, Who::Worker, ChildEvent::DeprivationOfLibertyStarted {});
                    let f = plus(s, (60 + rng.below(150)) as i64 * DAY);
                    if f < care_end {
                        self.events
                            .push(f, Who::Worker, ChildEvent::DeprivationOfLibertyEnded {});
                    }
                }
            }
        }
        // Pathway planning from fifteen; a care leaver's is made with their leaving care plans.
        let last_care = child
            .episodes
            .iter()
            .filter_map(|e| e.care.as_ref())
            .next_back();
        let leaving_here = child.care_leaver && last_care.is_some_and(|c| std::ptr::eq(c, care));
        let fifteen = Timestamp::start_of_london_day(birthday(birth, 15).unwrap_or(birth));
        if !leaving_here && fifteen < care_end {
            let started = self.pathway_started(rng, birth, start);
            if started < care_end {
                self.events.push(
                    started,
                    Who::Worker,
                    ChildEvent::PathwayPlanRecorded {
                        stage: PathwayPlanStage::Started,
                    },
                );
                let six_months = Every::Months(6);
                for at in cadence(rng, started, care_end, six_months, six_months, reviews) {
                    self.events.routine(
                        at,
                        Who::Worker,
                        ChildEvent::PathwayPlanRecorded {
                            stage: PathwayPlanStage::Reviewed,
                        },
                    );
                }
            }
        }
        if let Some(a) = &care.adoption {
            self.adoption(a);
        }
        if let Some((t, reason)) = care.end {
            self.events
                .push(t, Who::Worker, ChildEvent::EpisodeEnded { reason });
        }
        Ok(())
    }

    /// A looked-after review: the plan discussed and the report before it, the review, and
    /// the recommendations and the manager's response after it.
    fn review(
        &mut self,
        rng: &mut Rng,
        birth: NaiveDate,
        at: Timestamp,
        since: Timestamp,
        care_end: Timestamp,
    ) -> Result<(), DataError> {
        let age = hearth_domain::time::age_on(birth, at.london_date());
        let participation = if age < 4 {
            ReviewParticipation::Pn0
        } else {
            *rng.weighted(&[
                (ReviewParticipation::Pn1, 0.55),
                (ReviewParticipation::Pn2, 0.08),
                (ReviewParticipation::Pn3, 0.07),
                (ReviewParticipation::Pn4, 0.05),
                (ReviewParticipation::Pn5, 0.06),
                (ReviewParticipation::Pn6, 0.14),
                (ReviewParticipation::Pn7, 0.05),
            ])
            .unwrap_or(&ReviewParticipation::Pn1)
        };
        let p = &self.borough.rates.practice;
        let (reviews, paperwork) = (p.reviews_on_time, p.recording_within_48_hours);
        let (on, after) = (at.london_date(), since.london_date());
        // Before the review: the care plan talked through with the child, the family and
        // the carer; the reviewing officer's pre-meeting; the social worker's report.
        let day = day_before(rng, on, after, Every::Days(20), reviews);
        let discussed = at_time(day, 15, 0).min(plus(at, -3 * HOUR));
        if age < 4 {
            self.events.push(
                plus(discussed, -60_000_000),
                Who::Manager,
                ChildEvent::DocumentWithheld {
                    document: DocumentKind::CarePlan,
                    audience: Audience::Child,
                    manager: StaffId::parse("S00001").map_err(err)?,
                    reason: text("Too young to read the plan; it is explained in play and in words the child knows.")?,
                },
            );
        }
        let audiences = if age < 4 {
            vec![Audience::Family, Audience::Carer]
        } else {
            vec![Audience::Child, Audience::Family, Audience::Carer]
        };
        self.events.routine(
            discussed,
            Who::Worker,
            ChildEvent::DocumentShared {
                document: DocumentKind::CarePlan,
                audiences,
            },
        );
        let day = day_before(rng, on, after, Every::WorkingDays(15), reviews);
        self.events.routine(
            at_time(day, 14, 0).min(plus(at, -2 * HOUR)),
            Who::Reviewer,
            ChildEvent::MeetingHeld {
                meeting: MeetingKind::ReviewingOfficerPreMeeting,
            },
        );
        let day = day_before(rng, on, after, Every::WorkingDays(5), paperwork);
        self.events.routine(
            at_time(day, 9, 30).min(plus(at, -HOUR)),
            Who::Worker,
            ChildEvent::DocumentShared {
                document: DocumentKind::ReviewReport,
                audiences: vec![Audience::ReviewingOfficer],
            },
        );
        self.events.push(
            at,
            Who::Reviewer,
            ChildEvent::ClaReviewHeld { participation },
        );
        let recs = {
            let day = add_working_days(
                at.london_date(),
                if rng.chance(0.85) {
                    1 + rng.below(4) as u32
                } else {
                    6 + rng.below(6) as u32
                },
            );
            rng.office(day)
        };
        self.events.routine(
            recs,
            Who::Reviewer,
            ChildEvent::DocumentShared {
                document: DocumentKind::ReviewRecommendations,
                audiences: vec![Audience::TeamManager],
            },
        );
        let response = plus(
            recs,
            (if rng.chance(0.85) {
                2 + rng.below(60)
            } else {
                80 + rng.below(200)
            }) as i64
                * HOUR,
        );
        self.events.routine(
            response,
            Who::Manager,
            ChildEvent::ManagerResponseRecorded {
                to: DocumentKind::ReviewRecommendations,
                manager: StaffId::parse("S00001").map_err(err)?,
                agreed: rng.chance(0.92),
                text: text(
                    "Recommendations considered; the care plan will be updated to reflect them.",
                )?,
            },
        );
        if plus(recs, DAY) < care_end {
            self.events.routine(
                plus(recs, DAY),
                Who::Worker,
                ChildEvent::CarePlanRecorded {},
            );
        }
        Ok(())
    }
}
