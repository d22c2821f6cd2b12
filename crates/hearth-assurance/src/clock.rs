//! What an audit asks of whom, and by when, on the practice standards' clock: the audit
//! itself by its deadline (working days, moved only by a head of service's exemption),
//! telling the team manager and the director of a safety concern (hours, counted as
//! elapsed time across clock changes), each improvement action by its date, the blind
//! regrade, and the practice review improvement meeting. Each item has an owner and a
//! status as at an instant, like an obligation, so it can sit on the owner's My work.

use chrono::NaiveDate;
use hearth_domain::{StaffId, Timestamp};
use hearth_standards::period::{Due, after};
use hearth_standards::{AsAt, Calendar, Period};
use serde::Serialize;

use crate::audit::Audit;
use crate::codes::ConcernRecipient;
use crate::event::ActionOwner;
use crate::ids::{ActionNo, AuditId};
use crate::template::Template;

/// What is owed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "item", rename_all = "snake_case")]
pub enum ItemKind {
    /// Complete the audit.
    CompleteAudit,
    /// Tell someone of a safety concern.
    TellOfConcern {
        /// The concern's number.
        concern: u16,
        /// Who is to be told.
        recipient: ConcernRecipient,
    },
    /// Carry out an improvement action.
    Action {
        /// The action's number.
        action: ActionNo,
    },
    /// Grade the audit again, blind.
    Regrade,
    /// Hold the practice review improvement meeting.
    Prim,
}

/// Who owes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ItemOwner {
    /// A member of staff.
    Staff {
        /// Who.
        staff: StaffId,
    },
    /// A partner agency.
    Agency {
        /// The agency and the contact there.
        owner: ActionOwner,
    },
}

impl ItemOwner {
    /// The member of staff, for an item on someone's My work.
    pub fn staff(&self) -> Option<&StaffId> {
        match self {
            ItemOwner::Staff { staff } => Some(staff),
            ItemOwner::Agency { .. } => None,
        }
    }
}

/// An item's status as at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ItemStatus {
    /// Not yet done, and not yet due.
    Due,
    /// Past due and not done.
    Overdue {
        /// Calendar days from the due date to the as-at date.
        days_overdue: i64,
        /// Whole hours past the due instant, for a clock in hours.
        #[serde(skip_serializing_if = "Option::is_none")]
        hours_overdue: Option<i64>,
    },
    /// Done in time.
    Met,
    /// Done after the due time.
    MetLate {
        /// Calendar days late.
        days_late: i64,
        /// Whole hours late, for a clock in hours.
        #[serde(skip_serializing_if = "Option::is_none")]
        hours_late: Option<i64>,
    },
}

impl ItemStatus {
    /// Whether the item is still to do.
    pub fn is_open(self) -> bool {
        matches!(self, ItemStatus::Due | ItemStatus::Overdue { .. })
    }

    /// Whether it is overdue.
    pub fn is_overdue(self) -> bool {
        matches!(self, ItemStatus::Overdue { .. })
    }
}

/// One thing an audit asks of someone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// The audit.
    pub audit: AuditId,
    /// What.
    #[serde(flatten)]
    pub kind: ItemKind,
    /// Who.
    pub owner: ItemOwner,
    /// In words.
    pub what: String,
    /// The day it is due by.
    pub due_date: NaiveDate,
    /// The instant it is due by, for a clock in hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_at: Option<Timestamp>,
    /// When it was done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_at: Option<Timestamp>,
    /// Its status as at the instant asked.
    #[serde(flatten)]
    pub status: ItemStatus,
}

/// The status of something due by `due`, done at `done` (if it was done by the as-at
/// instant), as at an instant.
pub fn status(due: Due, done: Option<Timestamp>, as_at: AsAt) -> ItemStatus {
    match done.filter(|d| *d <= as_at.instant) {
        Some(d) if due.met_by(d, d.london_date()) => ItemStatus::Met,
        Some(d) => ItemStatus::MetLate {
            days_late: (d.london_date() - due.date).num_days(),
            hours_late: due.at.map(|at| d.hours_since(at)),
        },
        None if due.passed_by(as_at.instant, as_at.date) => ItemStatus::Overdue {
            days_overdue: (as_at.date - due.date).num_days(),
            hours_overdue: due.at.map(|at| as_at.instant.hours_since(at)),
        },
        None => ItemStatus::Due,
    }
}

fn due_after(period: Period, calendar: &Calendar, start: Timestamp) -> Option<Due> {
    after(period, calendar, start, None, &mut Vec::new())
}

/// Everything an audit asks, as at an instant. Items arise as the audit reaches them (an
/// action once agreed, a PRIM once the audit is completed); a withdrawn audit asks nothing
/// more, and items it had not met by then are left out.
pub fn items(audit: &Audit, template: &Template, calendar: &Calendar, as_at: AsAt) -> Vec<Item> {
    let mut out = Vec::new();
    let known = |t: Timestamp| t <= as_at.instant;
    let withdrawn = audit
        .withdrawn
        .as_ref()
        .map(|(_, at)| *at)
        .filter(|t| known(*t));
    let mut push =
        |kind: ItemKind, owner: ItemOwner, what: String, due: Due, done: Option<Timestamp>| {
            let done = done.filter(|d| known(*d));
            if withdrawn.is_some() && done.is_none() {
                return;
            }
            out.push(Item {
                audit: audit.id.clone(),
                kind,
                owner,
                what,
                due_date: due.date,
                due_at: due.at,
                done_at: done,
                status: status(due, done, as_at),
            });
        };
    let staff = |s: &StaffId| ItemOwner::Staff { staff: s.clone() };

    if let (Some(a), Some(deadline)) = (
        audit.assignments.iter().rev().find(|a| known(a.at)),
        audit.deadline_as_at(Some(as_at.instant)),
    ) {
        push(
            ItemKind::CompleteAudit,
            staff(&a.auditor),
            format!("Complete the {}", template.name.to_lowercase()),
            Due::on(deadline),
            audit.completed,
        );
    }
    for c in audit.concerns.iter().filter(|c| known(c.raised)) {
        let Some(due) = due_after(template.safety_notice, calendar, c.raised) else {
            continue;
        };
        // Whoever found it tells: the auditor, or the second auditor reading it again.
        let owner = c.raised_by.staff();
        let Some(owner) = owner else { continue };
        for r in ConcernRecipient::ALL {
            push(
                ItemKind::TellOfConcern {
                    concern: c.no,
                    recipient: *r,
                },
                staff(owner),
                format!(
                    "Tell the {} of safety concern {}",
                    r.label().to_lowercase(),
                    c.no
                ),
                due,
                c.notice(*r).map(|n| n.at),
            );
        }
    }
    for a in audit.actions.iter().filter(|a| known(a.agreed)) {
        let owner = match &a.owner {
            ActionOwner::Staff { staff: s } => staff(s),
            o @ ActionOwner::Agency { .. } => ItemOwner::Agency { owner: o.clone() },
        };
        push(
            ItemKind::Action { action: a.no },
            owner,
            a.what.clone(),
            Due::on(a.due),
            a.completed.as_ref().map(|c| c.at),
        );
    }
    if let Some(r) = audit.regrade.as_ref().filter(|r| known(r.assigned)) {
        push(
            ItemKind::Regrade,
            staff(&r.auditor),
            "Grade the audit again, without its grades".to_owned(),
            Due::on(r.deadline),
            r.grades.as_ref().map(|g| g.at),
        );
    }
    if let (Some(period), Some(done), Some(a)) =
        (template.prim, audit.completed, audit.assignment())
        && known(done)
        && let Some(due) = due_after(period, calendar, done)
    {
        push(
            ItemKind::Prim,
            staff(&a.auditor),
            "Hold the practice review improvement meeting".to_owned(),
            due,
            audit.prims.first().map(|p| p.at),
        );
    }
    out
}

/// A safety concern someone was told of: what a team manager's or the director's *My
/// work* shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToldOf {
    /// The audit.
    pub audit: AuditId,
    /// The concern's number.
    pub concern: u16,
    /// What it is.
    pub summary: String,
    /// When it was found.
    pub raised: Timestamp,
    /// When they were told.
    pub told: Timestamp,
    /// In which capacity.
    pub recipient: ConcernRecipient,
}

/// The safety concerns a member of staff had been told of by an instant, newest first.
pub fn told_of(staff: &StaffId, audits: &[&Audit], as_at: AsAt) -> Vec<ToldOf> {
    let mut out = Vec::new();
    for a in audits {
        for c in &a.concerns {
            for n in c
                .notices
                .iter()
                .filter(|n| &n.staff == staff && n.at <= as_at.instant)
            {
                out.push(ToldOf {
                    audit: a.id.clone(),
                    concern: c.no,
                    summary: c.summary.clone(),
                    raised: c.raised,
                    told: n.at,
                    recipient: n.recipient,
                });
            }
        }
    }
    out.sort_by(|a, b| (b.told, &b.audit, b.concern).cmp(&(a.told, &a.audit, a.concern)));
    out
}

/// The items a member of staff owes across audits, still open as at the instant: what an
/// audit puts on their My work.
pub fn owed_by(
    staff: &StaffId,
    audits: &[(&Audit, &Template)],
    calendar: &Calendar,
    as_at: AsAt,
) -> Vec<Item> {
    let mut out: Vec<Item> = audits
        .iter()
        .flat_map(|(a, t)| items(a, t, calendar, as_at))
        .filter(|i| i.owner.staff() == Some(staff) && i.status.is_open())
        .collect();
    out.sort_by(|a, b| (a.due_date, a.due_at, &a.audit).cmp(&(b.due_date, b.due_at, &b.audit)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn an_hours_clock_counts_elapsed_time_across_the_spring_change() {
        let cal = Calendar::england_and_wales();
        // Found at 00:30 on 30 March 2025; clocks go forward at 01:00. Two hours later is
        // 03:30 BST, not 02:30.
        let raised = when("2025-03-30T00:30");
        let due = due_after(Period::Hours(2), &cal, raised).unwrap();
        assert_eq!(due.at, Some(when("2025-03-30T03:30")));
        let told = when("2025-03-30T03:15");
        let as_at = AsAt::instant(when("2025-03-30T12:00"));
        assert_eq!(status(due, Some(told), as_at), ItemStatus::Met);
        let late = when("2025-03-30T05:45");
        assert_eq!(
            status(due, Some(late), as_at),
            ItemStatus::MetLate {
                days_late: 0,
                hours_late: Some(2)
            }
        );
        assert_eq!(
            status(due, None, as_at),
            ItemStatus::Overdue {
                days_overdue: 0,
                hours_overdue: Some(8)
            }
        );
        // Told after the as-at instant: as at then, it was still to do.
        assert_eq!(
            status(due, Some(late), AsAt::instant(when("2025-03-30T03:00"))),
            ItemStatus::Due
        );
    }

    #[test]
    fn a_working_day_deadline_passes_over_christmas() {
        let cal = Calendar::england_and_wales();
        // Twenty working days from Monday 15 December 2025: Christmas Day, Boxing Day and
        // New Year's Day are not working days.
        let due = due_after(Period::WorkingDays(20), &cal, when("2025-12-15")).unwrap();
        // 16 to 19, 22 to 24 and 29 to 31 December, 2 January and 5 to 15 January.
        assert_eq!(due, Due::on(d(2026, 1, 15)));
        assert_eq!(
            status(due, None, AsAt::end_of(d(2026, 1, 15))),
            ItemStatus::Due
        );
        assert_eq!(
            status(due, None, AsAt::end_of(d(2026, 1, 19))),
            ItemStatus::Overdue {
                days_overdue: 4,
                hours_overdue: None
            }
        );
        assert_eq!(
            status(
                due,
                Some(when("2026-01-15T17:30")),
                AsAt::end_of(d(2026, 2, 1))
            ),
            ItemStatus::Met
        );
        assert_eq!(
            status(
                due,
                Some(when("2026-01-16T09:00")),
                AsAt::end_of(d(2026, 2, 1))
            ),
            ItemStatus::MetLate {
                days_late: 1,
                hours_late: None
            }
        );
    }
}
