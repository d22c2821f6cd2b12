//! What a worker's supervision owes, as the ruleset's `[supervision]` section sets it: the
//! next session (monthly, say, and more often in a newly qualified worker's first year), the
//! worker's acknowledgement of each session's written record, and each open action by its
//! date, with those carried over too often marked as repeated. Pure: the date is a
//! parameter.

use chrono::NaiveDate;
use hearth_domain::ChildId;
use hearth_domain::StaffId;
use hearth_domain::supervision::{ActionRef, SupervisionFile};
use hearth_domain::values::Text;

use crate::Calendar;
use crate::period::{Period, after};

/// The ruleset's supervision timescales.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisionRules {
    /// How often a worker is supervised.
    pub every: Period,
    /// How often a newly qualified worker is supervised in their first year.
    pub newly_qualified_every: Period,
    /// How long the first year lasts, from the first ASYE session.
    pub newly_qualified_for: Period,
    /// How soon the worker acknowledges a session's written record.
    pub acknowledge: Period,
    /// How many carries over make an action a repeated one.
    pub repeated_after: u32,
    /// Where the timescales come from.
    pub source: Option<String>,
}

/// An open supervision action, against its date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionDue {
    /// Which action.
    pub reference: ActionRef,
    /// What is to be done.
    pub text: Text,
    /// Who does it.
    pub owner: StaffId,
    /// The supervisor who set it.
    pub set_by: StaffId,
    /// By when.
    pub due: NaiveDate,
    /// The child it is for.
    pub child: Option<ChildId>,
    /// Days past its date, if it is past.
    pub overdue_days: Option<i64>,
    /// How many sessions carried it over.
    pub carried: usize,
    /// Carried over at least as often as the ruleset allows.
    pub repeated: bool,
}

/// A session whose written record the worker has not acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unacknowledged {
    /// The session's number.
    pub session: u32,
    /// When it was held.
    pub held: NaiveDate,
    /// When the acknowledgement is due.
    pub due: NaiveDate,
    /// Days past that, if it is past.
    pub overdue_days: Option<i64>,
}

/// A worker's supervision as it stands on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerSupervision {
    /// In the first year after the first ASYE session.
    pub newly_qualified: bool,
    /// How often they are supervised now.
    pub every: Period,
    /// The last session, if any.
    pub last: Option<NaiveDate>,
    /// When the next session is due.
    pub next_due: NaiveDate,
    /// Days past that, if it is past.
    pub overdue_days: Option<i64>,
    /// Sessions not yet acknowledged.
    pub unacknowledged: Vec<Unacknowledged>,
    /// Open actions, in the order they were set.
    pub actions: Vec<ActionDue>,
}

fn plus(period: Period, calendar: &Calendar, date: NaiveDate) -> NaiveDate {
    after(
        period,
        calendar,
        calendar.start_of_day(date),
        None,
        &mut Vec::new(),
    )
    .map_or(date, |d| d.date)
}

fn overdue(due: NaiveDate, today: NaiveDate) -> Option<i64> {
    (today > due).then(|| (today - due).num_days())
}

impl SupervisionRules {
    /// The supervision of a worker in post since `since`, whose file is `file`, on `today`.
    /// A worker never supervised is due their first session one interval after `since`.
    pub fn evaluate(
        &self,
        file: &SupervisionFile,
        since: NaiveDate,
        calendar: &Calendar,
        today: NaiveDate,
    ) -> WorkerSupervision {
        let newly_qualified = file
            .first_asye()
            .is_some_and(|first| today < plus(self.newly_qualified_for, calendar, first));
        let every = if newly_qualified {
            self.newly_qualified_every
        } else {
            self.every
        };
        let last = file.last().map(|s| s.date());
        let next_due = plus(every, calendar, last.unwrap_or(since));
        let unacknowledged = file
            .sessions
            .iter()
            .filter(|s| s.acknowledged.is_none())
            .map(|s| {
                let due = plus(self.acknowledge, calendar, s.date());
                Unacknowledged {
                    session: s.number,
                    held: s.date(),
                    due,
                    overdue_days: overdue(due, today),
                }
            })
            .collect();
        let actions = file
            .open_actions()
            .map(|a| ActionDue {
                reference: a.reference,
                text: a.text.clone(),
                owner: a.owner.clone(),
                set_by: a.set_by.clone(),
                due: a.due,
                child: a.child.clone(),
                overdue_days: overdue(a.due, today),
                carried: a.carried.len(),
                repeated: a.carried.len() >= self.repeated_after as usize,
            })
            .collect();
        WorkerSupervision {
            newly_qualified,
            every,
            last,
            next_due,
            overdue_days: overdue(next_due, today),
            unacknowledged,
            actions,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use hearth_domain::directory::Aggregate;
    use hearth_domain::supervision::{
        ActionOutcome, ActionReview, NewAction, SupervisionEvent, SupervisionKind,
    };
    use hearth_domain::{Actor, Recorded, Timestamp};

    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn rules() -> SupervisionRules {
        crate::Ruleset::builtin("bromley")
            .unwrap()
            .unwrap()
            .supervision
            .expect("bromley sets supervision timescales")
    }

    fn session(file: &mut SupervisionFile, date: &str, kind: SupervisionKind, carry: bool) {
        let reviewed = file
            .open_actions()
            .map(|a| ActionReview {
                action: a.reference,
                outcome: if carry {
                    ActionOutcome::CarriedOver
                } else {
                    ActionOutcome::Done
                },
                due: carry.then(|| day(date) + chrono::Days::new(14)),
                note: None,
            })
            .collect();
        let t = Timestamp::parse(&format!("{date}T10:00:00Z")).unwrap();
        let text = |s: &str| Text::parse(s).unwrap();
        file.apply(&Recorded {
            occurred_at: t,
            recorded_at: t,
            recorded_by: Actor::System("test".into()),
            event: SupervisionEvent::SupervisionHeld {
                supervisor: StaffId::parse("TM1").unwrap(),
                kind,
                reviewed,
                workload: text("Manageable."),
                wellbeing: text("Well."),
                development: text("Reading."),
                cases: Vec::new(),
                actions: if file.sessions.is_empty() {
                    vec![NewAction {
                        text: text("Book the training"),
                        owner: StaffId::parse("SW1").unwrap(),
                        due: day(date) + chrono::Days::new(14),
                        child: None,
                    }]
                } else {
                    Vec::new()
                },
            },
        });
    }

    #[test]
    fn a_worker_is_supervised_monthly_and_a_newly_qualified_one_more_often_in_their_first_year() {
        let calendar = Calendar::england_and_wales();
        let r = rules();
        let mut file = SupervisionFile::default();
        let never = r.evaluate(&file, day("2026-09-01"), &calendar, day("2026-10-05"));
        assert_eq!(never.next_due, day("2026-10-01"));
        assert_eq!(never.overdue_days, Some(4));

        session(&mut file, "2026-10-05", SupervisionKind::Individual, false);
        let monthly = r.evaluate(&file, day("2026-09-01"), &calendar, day("2026-10-06"));
        assert_eq!(monthly.next_due, day("2026-11-05"));
        assert!(!monthly.newly_qualified);

        let mut asye = SupervisionFile::default();
        session(&mut asye, "2026-10-05", SupervisionKind::Asye, false);
        let nq = r.evaluate(&asye, day("2026-09-01"), &calendar, day("2026-10-06"));
        assert!(nq.newly_qualified);
        assert!(nq.next_due < monthly.next_due, "{nq:?}");
        // A year on, monthly again.
        let later = r.evaluate(&asye, day("2026-09-01"), &calendar, day("2027-10-06"));
        assert!(!later.newly_qualified);
    }

    #[test]
    fn an_action_carried_over_as_often_as_the_ruleset_allows_is_repeated() {
        let calendar = Calendar::england_and_wales();
        let r = rules();
        let mut file = SupervisionFile::default();
        session(&mut file, "2026-10-05", SupervisionKind::Individual, false);
        session(&mut file, "2026-11-05", SupervisionKind::Individual, true);
        let once = r.evaluate(&file, day("2026-09-01"), &calendar, day("2026-11-06"));
        assert_eq!(once.actions.len(), 1);
        assert!(!once.actions[0].repeated);
        session(&mut file, "2026-12-03", SupervisionKind::Individual, true);
        let twice = r.evaluate(&file, day("2026-09-01"), &calendar, day("2026-12-04"));
        assert!(twice.actions[0].repeated);
        assert_eq!(twice.actions[0].carried, 2);
        // Three sessions, none acknowledged: the first two are late.
        assert_eq!(twice.unacknowledged.len(), 3);
        assert!(twice.unacknowledged[0].overdue_days.is_some());
        assert!(twice.unacknowledged[2].overdue_days.is_none());
    }
}
