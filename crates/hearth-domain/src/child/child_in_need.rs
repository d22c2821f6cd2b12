//! Child in need plans and their meetings and reviews.

use crate::child::events::ChildEvent;
use crate::child::record::{Check, ChildRecord, Mark, not_before};
use crate::child::referral::EpisodeOfNeed;
use crate::child::referral::require_active;
use crate::codes::*;
use crate::event::Recorded;
use crate::rules::{Rule, refuse};

/// A child in need plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CinPlan {
    /// Started.
    pub start: Mark,
    /// Meetings and reviews.
    pub meetings: Vec<(Mark, CinMeetingKind)>,
    /// Ended, and why.
    pub end: Option<(Mark, CinPlanEndReason)>,
}

impl ChildRecord {
    /// The open child in need plan.
    pub fn open_cin_plan(&self) -> Option<&CinPlan> {
        self.open_episode().and_then(EpisodeOfNeed::open_cin_plan)
    }

    fn open_cin_plan_mut(&mut self) -> Option<&mut CinPlan> {
        self.open_episode_mut()
            .and_then(|e| e.cin_plans.last_mut().filter(|p| p.end.is_none()))
    }
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, event: &ChildEvent) {
    use ChildEvent::*;
    match event {
        CinPlanStarted {} => {
            if let Some(e) = record.open_episode_mut() {
                e.cin_plans.push(CinPlan {
                    start: mark,
                    meetings: Vec::new(),
                    end: None,
                });
            }
        }
        CinMeetingHeld { kind } => {
            if let Some(p) = record.open_cin_plan_mut() {
                p.meetings.push((mark, *kind));
            }
        }
        CinPlanEnded { reason } => {
            if let Some(p) = record.open_cin_plan_mut() {
                p.end = Some((mark, *reason));
            }
        }
        // The other areas' events.
        _ => {}
    }
}

/// Checks an event against this area's rules, if it is one of this area's.
pub(super) fn check(record: &ChildRecord, ev: &Recorded<ChildEvent>) -> Check {
    use ChildEvent::*;
    let date = ev.date();
    match &ev.event {
        CinPlanStarted {} => {
            let e = require_active(record, "a child in need plan")?;
            if let Some(p) = e.open_cin_plan() {
                return refuse(
                    Rule::CinPlanOpen,
                    format!(
                        "a child in need plan has been open since {}",
                        p.start.date()
                    ),
                );
            }
            match e.open_cp_plan() {
                Some(p) => refuse(
                    Rule::PlansOverlap,
                    format!(
                        "the child protection plan open since {} must end before a child in need plan starts",
                        p.start.date()
                    ),
                ),
                None => Ok(()),
            }
        }
        CinMeetingHeld { .. } => match record.open_cin_plan() {
            Some(p) => not_before("a child in need meeting", date, p.start.date()),
            None => refuse(
                Rule::NoOpenCinPlan,
                "a child in need meeting needs an open child in need plan",
            ),
        },
        CinPlanEnded { .. } => match record.open_cin_plan() {
            Some(p) => not_before("ending the plan", date, p.start.date()),
            None => refuse(
                Rule::NoOpenCinPlan,
                "there is no open child in need plan to end",
            ),
        },
        // The other areas' events.
        _ => Ok(()),
    }
}
