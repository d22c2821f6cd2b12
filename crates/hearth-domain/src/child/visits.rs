//! Visits to the child.

use crate::child::events::ChildEvent;
use crate::child::record::{Check, ChildRecord, Mark, born_by};
use crate::codes::*;
use crate::event::{Actor, Recorded};
use crate::rules::{Rule, ensure, refuse};

/// A visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// When.
    pub mark: Mark,
    /// Purpose.
    pub kind: VisitKind,
    /// Whether the child was seen.
    pub child_seen: bool,
    /// Whether the child was seen alone.
    pub seen_alone: Option<bool>,
    /// Whether a reason was recorded for not seeing the child alone.
    pub not_alone_reason_given: bool,
    /// Whether the child's bedroom was seen.
    pub bedroom_seen: Option<bool>,
    /// Who recorded the visit.
    pub by: Actor,
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, ev: &Recorded<ChildEvent>) {
    if let ChildEvent::VisitMade {
        kind,
        child_seen,
        seen_alone,
        not_seen_alone_reason,
        bedroom_seen,
    } = &ev.event
    {
        record.visits.push(Visit {
            mark,
            kind: *kind,
            child_seen: *child_seen,
            seen_alone: *seen_alone,
            not_alone_reason_given: not_seen_alone_reason.is_some(),
            bedroom_seen: *bedroom_seen,
            by: ev.recorded_by.clone(),
        });
    }
}

/// Checks an event against this area's rules, if it is one of this area's.
pub(super) fn check(record: &ChildRecord, ev: &Recorded<ChildEvent>) -> Check {
    use ChildEvent::*;
    let date = ev.date();
    match &ev.event {
        VisitMade {
            child_seen,
            seen_alone,
            not_seen_alone_reason,
            ..
        } => {
            if *child_seen {
                born_by(record, date, "seeing the child")?;
                match seen_alone {
                    None => refuse(Rule::SeenAlone, "say whether the child was seen alone"),
                    Some(false) if not_seen_alone_reason.is_none() => refuse(
                        Rule::SeenAlone,
                        "give the reason the child was not seen alone",
                    ),
                    _ => Ok(()),
                }
            } else {
                ensure(*seen_alone != Some(true), Rule::SeenAlone, || {
                    "a child who was not seen cannot have been seen alone".to_owned()
                })
            }
        }
        // The other areas' events.
        _ => Ok(()),
    }
}
