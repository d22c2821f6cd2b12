//! Who holds the child's case: allocations to a worker, and waiting for one.

use crate::child::events::ChildEvent;
use crate::child::record::{Check, ChildRecord, Mark};
use crate::child::referral::require_open;
use crate::codes::*;
use crate::directory::{Directory, manager_in_post, staff_in_post};
use crate::event::Recorded;
use crate::ids::{StaffId, TeamId};
use crate::rules::{Rule, ensure, refuse};

/// A worker's allocation to the child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// When.
    pub mark: Mark,
    /// The worker.
    pub worker: StaffId,
    /// Their team.
    pub team: TeamId,
    /// The manager who decided.
    pub decided_by: StaffId,
    /// Why the worker changed (or first allocation).
    pub reason: WorkerChangeReason,
    /// When the allocation ended.
    pub ended: Option<Mark>,
}

impl ChildRecord {
    /// The current allocation.
    pub fn current_allocation(&self) -> Option<&Allocation> {
        self.allocations.last().filter(|a| a.ended.is_none())
    }
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, event: &ChildEvent) {
    use ChildEvent::*;
    match event {
        WorkerAllocated {
            worker,
            team,
            decided_by,
            reason,
            ..
        } => {
            if let Some(a) = record.allocations.last_mut().filter(|a| a.ended.is_none()) {
                a.ended = Some(mark);
            }
            record.allocations.push(Allocation {
                mark,
                worker: worker.clone(),
                team: team.clone(),
                decided_by: decided_by.clone(),
                reason: *reason,
                ended: None,
            });
            crate::child::handover::allocated(record, mark, team);
        }
        WorkerUnallocated { .. } => {
            if let Some(a) = record.allocations.last_mut().filter(|a| a.ended.is_none()) {
                a.ended = Some(mark);
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
        WorkerAllocated {
            worker,
            team,
            decided_by,
            ..
        } => {
            require_open(record, "allocating a worker")?;
            let w = staff_in_post(dir, worker, date)?;
            ensure(w.role.holds_cases(), Rule::NeedsCaseholder, || {
                format!(
                    "{worker} is a {} and does not hold cases",
                    w.role.label().to_lowercase()
                )
            })?;
            match dir.team(team) {
                Some(t) if t.closed.is_none() => {}
                _ => {
                    return refuse(
                        Rule::UnknownTeam,
                        format!("team {team} does not exist or has closed"),
                    );
                }
            }
            manager_in_post(dir, decided_by, date).map(|_| ())
        }
        WorkerUnallocated { .. } => {
            ensure(
                record.current_allocation().is_some(),
                Rule::NotAllocated,
                || "the child has no allocated worker".to_owned(),
            )?;
            // A child being transferred keeps their worker until the receiving team
            // allocates, so there is never a gap.
            ensure(record.pending_transfer().is_none(), Rule::Transfer, || {
                "a transfer is waiting: the worker keeps the child until the receiving team allocates or declines".to_owned()
            })
        }
        // The other areas' events.
        _ => Ok(()),
    }
}
