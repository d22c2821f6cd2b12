//! Child in need plans: visits, meetings and reviews, and the plan shared after each.

use hearth_domain::Timestamp;
use hearth_domain::child::ChildEvent;
use hearth_domain::codes::*;

use super::{Case, DAY, Every, Who, cadence, day_for, plus};
use crate::calendar::working_days_after;
use crate::data::DataError;
use crate::journey::Episode;
use crate::rng::Rng;

impl Case<'_, '_> {
    /// A child in need plan: visits, the first meeting and six-weekly reviews, until it ends.
    pub(super) fn child_in_need_plan(
        &mut self,
        rng: &mut Rng,
        e: &Episode,
        start: Timestamp,
        stop: Option<(Timestamp, CinPlanEndReason)>,
        end: Timestamp,
    ) -> Result<(), DataError> {
        self.events
            .push(start, Who::Worker, ChildEvent::CinPlanStarted {});
        let area = if e.need == PrimaryNeed::N2 {
            ServiceArea::Disabilities
        } else {
            ServiceArea::SafeguardingCarePlanning
        };
        let when = plus(start, (3 + rng.below(15)) as i64 * DAY);
        self.transfer(rng, area, when, end)?;
        let plan_end = stop.map_or(end, |(t, _)| t).min(end);
        let p = &self.borough.rates.practice;
        let (visits, reviews, paperwork) = (
            p.visits_on_time,
            p.reviews_on_time,
            p.recording_within_48_hours,
        );
        let twenty = Every::WorkingDays(20);
        for at in cadence(rng, start, plan_end, twenty, twenty, visits) {
            let v = self.visit(rng, at, VisitKind::Statutory)?;
            self.events.routine(at, Who::Worker, v);
        }
        // The plan is made at a first meeting within a couple of weeks; reviews follow every
        // six weeks from the plan's start.
        let first = working_days_after(start.london_date(), 1 + rng.below(9) as u32);
        let first = rng.office(first);
        let six_weeks = Every::Days(42);
        let meetings = std::iter::once((first, CinMeetingKind::Meeting)).chain(
            cadence(rng, start, plan_end, six_weeks, six_weeks, reviews)
                .into_iter()
                .map(|at| (at, CinMeetingKind::Review)),
        );
        for (at, kind) in meetings {
            if at >= plan_end {
                continue;
            }
            self.events
                .push(at, Who::Worker, ChildEvent::CinMeetingHeld { kind });
            let ten = Every::WorkingDays(10);
            let copy = day_for(
                rng,
                ten.after(at.london_date()),
                at.london_date(),
                ten,
                paperwork,
            );
            let copy = rng.office(copy);
            self.events.routine(
                copy,
                Who::Worker,
                ChildEvent::DocumentShared {
                    document: DocumentKind::CinPlan,
                    audiences: vec![Audience::Participants],
                },
            );
        }
        if let Some((t, reason)) = stop {
            self.events
                .push(t, Who::Worker, ChildEvent::CinPlanEnded { reason });
        }
        Ok(())
    }
}
