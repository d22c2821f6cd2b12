//! Adoption: the decision, the placement order, the match, placement and the adoption order.

use chrono::NaiveDate;

use crate::child::care::looked_after;
use crate::child::events::ChildEvent;
use crate::child::record::{Check, ChildRecord, Mark};
use crate::codes::*;
use crate::directory::Directory;
use crate::event::Recorded;
use crate::ids::AdopterId;
use crate::rules::{Rule, ensure, refuse};

/// An adoption match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptionMatch {
    /// When.
    pub mark: Mark,
    /// Sex of the adopters.
    pub adopter_sex: AdopterSex,
    /// Legal status of the adopters.
    pub adopter_legal_status: AdopterLegalStatus,
    /// Whether the adopters are the child's foster carers.
    pub foster_carers_adopting: bool,
    /// The adopter household, if known to the service.
    pub adopter: Option<AdopterId>,
}

/// A plan for adoption, from the decision to the order (or the end of the plan).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptionPlan {
    /// The decision that the child should be placed for adoption.
    pub decision: Mark,
    /// The day of the decision (the event's day unless it gives an earlier one).
    pub decided_on: NaiveDate,
    /// Placement order.
    pub placement_order: Option<Mark>,
    /// Match.
    pub matched: Option<AdoptionMatch>,
    /// Placed for adoption.
    pub placed: Option<Mark>,
    /// Adoption order.
    pub order: Option<Mark>,
    /// No longer to be placed, and why.
    pub ended: Option<(Mark, ReasonPlacedCeased)>,
}

impl AdoptionPlan {
    /// Whether the plan is still active.
    pub fn is_active(&self) -> bool {
        self.order.is_none() && self.ended.is_none()
    }
}

impl ChildRecord {
    /// The active adoption plan.
    pub fn active_adoption(&self) -> Option<&AdoptionPlan> {
        self.adoption.last().filter(|a| a.is_active())
    }

    fn active_adoption_mut(&mut self) -> Option<&mut AdoptionPlan> {
        self.adoption.last_mut().filter(|a| a.is_active())
    }
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, event: &ChildEvent) {
    use ChildEvent::*;
    match event {
        AdoptionDecisionMade { decided_on } => record.adoption.push(AdoptionPlan {
            decision: mark,
            decided_on: decided_on.unwrap_or(mark.date()),
            placement_order: None,
            matched: None,
            placed: None,
            order: None,
            ended: None,
        }),
        PlacementOrderGranted {} => {
            if let Some(a) = record.active_adoption_mut() {
                a.placement_order = Some(mark);
            }
        }
        AdoptionMatched {
            adopter_sex,
            adopter_legal_status,
            foster_carers_adopting,
            adopter,
        } => {
            if let Some(a) = record.active_adoption_mut() {
                a.matched = Some(AdoptionMatch {
                    mark,
                    adopter_sex: *adopter_sex,
                    adopter_legal_status: *adopter_legal_status,
                    foster_carers_adopting: *foster_carers_adopting,
                    adopter: adopter.clone(),
                });
            }
        }
        PlacedForAdoption {} => {
            if let Some(a) = record.active_adoption_mut() {
                a.placed = Some(mark);
            }
        }
        AdoptionOrderGranted {} => {
            if let Some(a) = record.active_adoption_mut() {
                a.order = Some(mark);
            }
        }
        AdoptionPlanEnded { reason } => {
            if let Some(a) = record.active_adoption_mut() {
                a.ended = Some((mark, *reason));
            }
        }
        // The other areas' events.
        _ => {}
    }
}

/// Checks an event against this area's rules, if it is one of this area's.
pub(super) fn check(record: &ChildRecord, ev: &Recorded<ChildEvent>, dir: &dyn Directory) -> Check {
    use ChildEvent::*;
    let date = ev.date();
    match &ev.event {
        AdoptionDecisionMade { decided_on } => {
            looked_after(record, "a decision to place for adoption")?;
            if let Some(d) = decided_on {
                ensure(*d <= date, Rule::AdoptionSequence, || {
                    format!("the decision on {d} is after the day it is recorded as made ({date})")
                })?;
            }
            ensure(
                record.active_adoption().is_none(),
                Rule::AdoptionSequence,
                || "the child already has an adoption plan".to_owned(),
            )
        }
        PlacementOrderGranted {} => {
            adoption_step(record, |a| a.placement_order.is_none(), "a placement order")
        }
        AdoptionMatched { adopter, .. } => {
            adoption_step(record, |a| a.matched.is_none(), "a match with adopters")?;
            match adopter {
                Some(a) => ensure(dir.has_adopter(a), Rule::UnknownAdopter, || {
                    format!("adopter household {a} does not exist")
                }),
                None => Ok(()),
            }
        }
        PlacedForAdoption {} => adoption_step(
            record,
            |a| a.matched.is_some() && a.placed.is_none(),
            "placing for adoption (after a match)",
        ),
        AdoptionOrderGranted {} => adoption_step(
            record,
            |a| a.placed.is_some(),
            "an adoption order (after placement)",
        ),
        AdoptionPlanEnded { .. } => adoption_step(record, |_| true, "ending the adoption plan"),
        // The other areas' events.
        _ => Ok(()),
    }
}

fn adoption_step(record: &ChildRecord, ok: impl Fn(&AdoptionPlan) -> bool, what: &str) -> Check {
    match record.active_adoption() {
        Some(a) if ok(a) => Ok(()),
        Some(_) => refuse(
            Rule::AdoptionSequence,
            format!("{what} is out of order in the adoption plan"),
        ),
        None => refuse(
            Rule::AdoptionSequence,
            format!("{what} needs an active adoption plan"),
        ),
    }
}
