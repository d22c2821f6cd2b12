//! Restricting who may see the record, and lifting the restriction.

use chrono::NaiveDate;

use crate::child::events::ChildEvent;
use crate::child::record::{Check, ChildRecord, Mark};
use crate::codes::*;
use crate::directory::{Directory, staff_in_post};
use crate::event::Recorded;
use crate::ids::StaffId;
use crate::rules::{Rule, ensure};

/// A restriction on who may see the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restriction {
    /// Since when (the latest restriction, when one replaced another).
    pub since: Mark,
    /// The manager who restricted it.
    pub by: StaffId,
    /// Why.
    pub reason: String,
    /// Staff named as allowed to see it, beyond those the restriction always allows.
    pub permitted: Vec<StaffId>,
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, event: &ChildEvent) {
    use ChildEvent::*;
    match event {
        RecordRestricted {
            decided_by,
            reason,
            permitted,
        } => {
            record.restriction = Some(Restriction {
                since: mark,
                by: decided_by.clone(),
                reason: reason.to_string(),
                permitted: permitted.clone(),
            })
        }
        RestrictionLifted { .. } => record.restriction = None,
        // The other areas' events.
        _ => {}
    }
}

/// Checks an event against this area's rules, if it is one of this area's.
pub(super) fn check(record: &ChildRecord, ev: &Recorded<ChildEvent>, dir: &dyn Directory) -> Check {
    use ChildEvent::*;
    let date = ev.date();
    match &ev.event {
        RecordRestricted {
            decided_by,
            permitted,
            ..
        } => {
            restriction_decider(dir, decided_by, date, "restricting a record")?;
            for (i, s) in permitted.iter().enumerate() {
                ensure(!permitted[..i].contains(s), Rule::Restriction, || {
                    format!("{s} is named twice")
                })?;
                staff_in_post(dir, s, date)?;
            }
            Ok(())
        }
        RestrictionLifted { decided_by, .. } => {
            ensure(record.restriction.is_some(), Rule::Restriction, || {
                "the record is not restricted".to_owned()
            })?;
            restriction_decider(dir, decided_by, date, "lifting a restriction")
        }
        // The other areas' events.
        _ => Ok(()),
    }
}

/// Refuses unless `id` is in post on `on` in a role that may restrict a record: a restriction
/// overrides team-wide sight, so it is a decision for a team manager or a senior leader.
fn restriction_decider(dir: &dyn Directory, id: &StaffId, on: NaiveDate, what: &str) -> Check {
    let s = staff_in_post(dir, id, on)?;
    ensure(
        matches!(
            s.role,
            StaffRole::TeamManager | StaffRole::HeadOfService | StaffRole::AssistantDirector
        ),
        Rule::RestrictionDecision,
        || {
            format!(
                "{id} is a {}: {what} is for a team manager, head of service or assistant director",
                s.role.label().to_lowercase()
            )
        },
    )
}
