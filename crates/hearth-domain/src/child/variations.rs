//! Authorised variations of the practice standards.

use chrono::NaiveDate;

use crate::child::events::ChildEvent;
use crate::child::record::{Check, ChildRecord, Mark};
use crate::codes::*;
use crate::directory::{Directory, staff_in_post};
use crate::event::Recorded;
use crate::ids::StaffId;
use crate::rules::{Rule, ensure};
use crate::values::Line;

/// An authorised variation of one of the practice standards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variation {
    /// When it was authorised.
    pub mark: Mark,
    /// The standard (a rule id of the ruleset).
    pub rule: Line,
    /// The new period.
    pub amount: u16,
    /// Its unit.
    pub unit: PeriodUnit,
    /// Who authorised it.
    pub authorised_by: StaffId,
    /// Why.
    pub reason: String,
    /// The last day it applies, if limited.
    pub until: Option<NaiveDate>,
    /// When it was ended early.
    pub ended: Option<Mark>,
}

impl Variation {
    /// Whether the variation applies on a date.
    pub fn applies_on(&self, date: NaiveDate) -> bool {
        self.mark.date() <= date
            && self.until.is_none_or(|u| date <= u)
            && self.ended.is_none_or(|e| date < e.date())
    }
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, event: &ChildEvent) {
    use ChildEvent::*;
    match event {
        ObligationVaried {
            rule,
            amount,
            unit,
            authorised_by,
            reason,
            until,
        } => record.variations.push(Variation {
            mark,
            rule: rule.clone(),
            amount: *amount,
            unit: *unit,
            authorised_by: authorised_by.clone(),
            reason: reason.to_string(),
            until: *until,
            ended: None,
        }),
        VariationEnded { rule } => {
            if let Some(v) = record
                .variations
                .iter_mut()
                .rev()
                .find(|v| &v.rule == rule && v.ended.is_none())
            {
                v.ended = Some(mark);
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
        ObligationVaried {
            amount,
            until,
            authorised_by,
            ..
        } => {
            ensure(*amount >= 1, Rule::Variation, || {
                "a varied period is at least one unit long".to_owned()
            })?;
            if let Some(u) = until {
                ensure(*u >= date, Rule::Variation, || {
                    format!("the variation would end on {u}, before it starts")
                })?;
            }
            staff_in_post(dir, authorised_by, date).map(|_| ())
        }
        VariationEnded { rule } => {
            let active = record
                .variations
                .iter()
                .any(|v| &v.rule == rule && v.ended.is_none() && v.applies_on(date));
            ensure(active, Rule::Variation, || {
                format!("no variation of {rule} is in force")
            })
        }
        // The other areas' events.
        _ => Ok(()),
    }
}
