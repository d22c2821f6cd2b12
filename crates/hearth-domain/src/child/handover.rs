//! Handing a child's case on: transfers between teams, and cover while the worker is on
//! leave.
//!
//! A transfer is requested by a manager of the sending side with a transfer summary, and the
//! child keeps their worker until the receiving team allocates one of its own (a
//! `worker_allocated` in the team asked), so the child is never without a worker in between.
//! The receiving manager may decline instead, with a reason; while a transfer waits, the
//! worker cannot be taken off the case.
//!
//! Cover: before leave, the worker's manager names a buddy and the worker's case summary for
//! the buddy to work from. The buddy may see and record for the child until the cover ends
//! (the worker is back) or another worker is allocated.

use chrono::NaiveDate;

use crate::child::events::ChildEvent;
use crate::child::record::{Check, ChildRecord, Mark};
use crate::directory::{Directory, manager_in_post, staff_in_post};
use crate::event::Recorded;
use crate::ids::{StaffId, TeamId};
use crate::rules::{Rule, ensure, refuse};
use crate::values::Text;

/// How a transfer ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferEnd {
    /// The receiving team allocated a worker.
    Accepted(Mark),
    /// The receiving team declined, with the reason.
    Declined(Mark, Text),
}

/// A transfer between teams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// When it was requested.
    pub mark: Mark,
    /// The team sending the child.
    pub from_team: TeamId,
    /// The team asked to take the child.
    pub to_team: TeamId,
    /// The manager who asked.
    pub requested_by: StaffId,
    /// The transfer summary.
    pub summary: Text,
    /// How it ended, once it has.
    pub ended: Option<TransferEnd>,
}

/// Cover for the worker's absence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cover {
    /// When it was arranged.
    pub mark: Mark,
    /// The worker away.
    pub worker: StaffId,
    /// The buddy covering.
    pub buddy: StaffId,
    /// The worker's expected return.
    pub until: NaiveDate,
    /// The manager who arranged it.
    pub arranged_by: StaffId,
    /// When it ended: the worker came back, or a new worker was allocated.
    pub ended: Option<Mark>,
}

impl ChildRecord {
    /// The transfer waiting for the receiving team, if any.
    pub fn pending_transfer(&self) -> Option<&Transfer> {
        self.transfers.last().filter(|t| t.ended.is_none())
    }

    /// The cover in force, if any.
    pub fn current_cover(&self) -> Option<&Cover> {
        self.cover.last().filter(|c| c.ended.is_none())
    }
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, event: &ChildEvent) {
    use ChildEvent::*;
    match event {
        TransferRequested {
            to_team,
            requested_by,
            summary,
        } => {
            let from_team = record
                .current_allocation()
                .map(|a| a.team.clone())
                .unwrap_or_else(|| to_team.clone());
            record.transfers.push(Transfer {
                mark,
                from_team,
                to_team: to_team.clone(),
                requested_by: requested_by.clone(),
                summary: summary.clone(),
                ended: None,
            });
        }
        TransferDeclined { reason, .. } => {
            if let Some(t) = record.transfers.last_mut().filter(|t| t.ended.is_none()) {
                t.ended = Some(TransferEnd::Declined(mark, reason.clone()));
            }
        }
        CoverArranged {
            buddy,
            until,
            arranged_by,
            ..
        } => {
            if let Some(worker) = record.current_allocation().map(|a| a.worker.clone()) {
                record.cover.push(Cover {
                    mark,
                    worker,
                    buddy: buddy.clone(),
                    until: *until,
                    arranged_by: arranged_by.clone(),
                    ended: None,
                });
            }
        }
        CoverEnded {} => {
            if let Some(c) = record.cover.last_mut().filter(|c| c.ended.is_none()) {
                c.ended = Some(mark);
            }
        }
        _ => {}
    }
}

/// What an allocation does to a waiting transfer and to cover: an allocation in the team
/// asked completes the transfer, and any new allocation ends the cover.
pub(super) fn allocated(record: &mut ChildRecord, mark: Mark, team: &TeamId) {
    if let Some(t) = record
        .transfers
        .last_mut()
        .filter(|t| t.ended.is_none() && t.to_team == *team)
    {
        t.ended = Some(TransferEnd::Accepted(mark));
    }
    if let Some(c) = record.cover.last_mut().filter(|c| c.ended.is_none()) {
        c.ended = Some(mark);
    }
}

/// Checks an event against this area's rules, if it is one of this area's.
pub(super) fn check(record: &ChildRecord, ev: &Recorded<ChildEvent>, dir: &dyn Directory) -> Check {
    use ChildEvent::*;
    let date = ev.date();
    match &ev.event {
        TransferRequested {
            to_team,
            requested_by,
            ..
        } => {
            manager_in_post(dir, requested_by, date)?;
            let Some(current) = record.current_allocation() else {
                return refuse(
                    Rule::Transfer,
                    "the child has no worker: allocate one instead of transferring",
                );
            };
            ensure(record.pending_transfer().is_none(), Rule::Transfer, || {
                "a transfer is already waiting for the receiving team".to_owned()
            })?;
            ensure(current.team != *to_team, Rule::Transfer, || {
                format!("the child is already held in team {to_team}")
            })?;
            match dir.team(to_team) {
                Some(t) if t.closed.is_none() => Ok(()),
                _ => refuse(
                    Rule::UnknownTeam,
                    format!("team {to_team} does not exist or has closed"),
                ),
            }
        }
        TransferDeclined { declined_by, .. } => {
            manager_in_post(dir, declined_by, date)?;
            ensure(record.pending_transfer().is_some(), Rule::Transfer, || {
                "no transfer is waiting to be declined".to_owned()
            })
        }
        CoverArranged {
            buddy,
            until,
            arranged_by,
            ..
        } => {
            manager_in_post(dir, arranged_by, date)?;
            let Some(current) = record.current_allocation() else {
                return refuse(Rule::Cover, "the child has no worker to cover for");
            };
            ensure(record.current_cover().is_none(), Rule::Cover, || {
                "cover is already arranged: end it first".to_owned()
            })?;
            ensure(*buddy != current.worker, Rule::Cover, || {
                "the buddy must be someone other than the worker away".to_owned()
            })?;
            let b = staff_in_post(dir, buddy, date)?;
            ensure(b.role.holds_cases(), Rule::NeedsCaseholder, || {
                format!(
                    "{buddy} is a {} and does not hold cases",
                    b.role.label().to_lowercase()
                )
            })?;
            ensure(*until > date, Rule::Cover, || {
                format!("the worker's return on {until} must be after the cover starts")
            })
        }
        CoverEnded {} => ensure(record.current_cover().is_some(), Rule::Cover, || {
            "no cover is in force".to_owned()
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::child::tests::{dir, ev, open_case, text};
    use crate::codes::{StaffRole, WorkerChangeReason};
    use crate::directory::MemoryDirectory;

    fn team(id: &str) -> TeamId {
        TeamId::parse(id).unwrap()
    }

    fn staff(id: &str) -> StaffId {
        StaffId::parse(id).unwrap()
    }

    /// Two teams, each with a manager and a worker.
    fn two_teams() -> MemoryDirectory {
        let mut d = dir();
        d.teams
            .insert(team("T2"), crate::directory::Team::default());
        let mut tm2 = d.staff[&staff("TM1")].clone();
        tm2.team = team("T2");
        d.staff.insert(staff("TM2"), tm2);
        let mut sw2 = d.staff[&staff("SW1")].clone();
        sw2.team = team("T2");
        d.staff.insert(staff("SW2"), sw2);
        assert_eq!(d.staff[&staff("SW2")].role, StaffRole::SocialWorker);
        d
    }

    fn allocate(worker: &str, to: &str, by: &str) -> ChildEvent {
        ChildEvent::WorkerAllocated {
            worker: staff(worker),
            team: team(to),
            decided_by: staff(by),
            oversight: text("Handover visit this week."),
            reason: WorkerChangeReason::Tsproc,
        }
    }

    fn request(to: &str) -> ChildEvent {
        ChildEvent::TransferRequested {
            to_team: team(to),
            requested_by: staff("TM1"),
            summary: text("Settled in long-term care; the plan is permanence."),
        }
    }

    #[test]
    fn a_transfer_keeps_the_worker_until_the_receiving_team_allocates() {
        let d = two_teams();
        let mut s = open_case();
        // No worker yet: nothing to transfer.
        assert_eq!(
            s.append(vec![ev("2025-01-07T10:00:00Z", request("T2"))], &d)
                .unwrap_err()
                .violation
                .rule,
            Rule::Transfer
        );
        s.append(
            vec![ev("2025-01-07T10:00:00Z", allocate("SW1", "T1", "TM1"))],
            &d,
        )
        .unwrap();
        s.append(vec![ev("2025-02-03T10:00:00Z", request("T2"))], &d)
            .unwrap();
        assert!(s.record().pending_transfer().is_some());
        // While it waits: no second request, and the worker is not taken off.
        let unallocate = ChildEvent::WorkerUnallocated {
            reason: WorkerChangeReason::Tsproc,
        };
        for e in [request("T2"), unallocate] {
            let before = s.clone();
            let err = s
                .append(vec![ev("2025-02-04T10:00:00Z", e)], &d)
                .unwrap_err();
            assert_eq!(err.violation.rule, Rule::Transfer);
            assert_eq!(s.record(), before.record());
        }
        // Declined with a reason, then asked again and accepted by allocating in T2.
        s.append(
            vec![ev(
                "2025-02-04T10:00:00Z",
                ChildEvent::TransferDeclined {
                    declined_by: staff("TM2"),
                    reason: text("Wait for the final hearing."),
                },
            )],
            &d,
        )
        .unwrap();
        assert!(s.record().pending_transfer().is_none());
        assert_eq!(
            s.record().current_allocation().unwrap().worker,
            staff("SW1")
        );
        s.append(vec![ev("2025-03-03T10:00:00Z", request("T2"))], &d)
            .unwrap();
        s.append(
            vec![ev("2025-03-04T10:00:00Z", allocate("SW2", "T2", "TM2"))],
            &d,
        )
        .unwrap();
        let r = s.record();
        assert!(matches!(
            r.transfers.last().unwrap().ended,
            Some(TransferEnd::Accepted(_))
        ));
        // Never a gap: each allocation ended exactly when the next began.
        let a = &r.allocations;
        assert_eq!(a[0].ended.map(|m| m.at), Some(a[1].mark.at));
        assert_eq!(a[1].team, team("T2"));
        // A transfer to the team that already holds the child is refused.
        let mut to_same = s.clone();
        assert_eq!(
            refused_with(&mut to_same, &d, request("T2")),
            Rule::Transfer
        );
    }

    fn refused_with(s: &mut crate::child::ChildStream, d: &MemoryDirectory, e: ChildEvent) -> Rule {
        s.append(vec![ev("2025-03-05T10:00:00Z", e)], d)
            .unwrap_err()
            .violation
            .rule
    }

    #[test]
    fn cover_names_another_caseholder_and_ends_when_the_worker_returns_or_is_replaced() {
        let d = two_teams();
        let mut s = open_case();
        s.append(
            vec![ev("2025-01-07T10:00:00Z", allocate("SW1", "T1", "TM1"))],
            &d,
        )
        .unwrap();
        let refused = |s: &mut crate::child::ChildStream, e| refused_with(s, &d, e);
        let cover = |buddy: &str, until: &str| ChildEvent::CoverArranged {
            buddy: staff(buddy),
            until: NaiveDate::parse_from_str(until, "%Y-%m-%d").unwrap(),
            arranged_by: staff("TM1"),
            summary: text("Visits weekly; the review is on 3 March."),
        };
        let at = "2025-02-03T10:00:00Z";
        assert_eq!(refused(&mut s, cover("SW1", "2025-02-17")), Rule::Cover);
        assert_eq!(
            refused(&mut s, cover("RO1", "2025-02-17")),
            Rule::NeedsCaseholder
        );
        assert_eq!(refused(&mut s, cover("SW2", "2025-02-01")), Rule::Cover);
        assert_eq!(refused(&mut s, ChildEvent::CoverEnded {}), Rule::Cover);
        s.append(vec![ev(at, cover("SW2", "2025-02-17"))], &d)
            .unwrap();
        assert_eq!(s.record().current_cover().unwrap().buddy, staff("SW2"));
        assert_eq!(s.record().current_cover().unwrap().worker, staff("SW1"));
        s.append(
            vec![ev("2025-02-17T09:00:00Z", ChildEvent::CoverEnded {})],
            &d,
        )
        .unwrap();
        assert!(s.record().current_cover().is_none());
    }
}
