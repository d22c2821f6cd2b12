//! The council's improvement plan: actions with an owner, a due date, the evidence of
//! progress and the indicators that measure them, and a risk log, reviewed every month by
//! the Practice Improvement Board. The plan is a stream of its own (`improvement/ID`): its
//! events travel in the record's envelope, are checked by named rules and folded, and its
//! status as at a date (what is overdue, when the next review is due) is worked out here,
//! pure.

use chrono::{Months, NaiveDate};
use hearth_domain::StaffId;
use hearth_domain::directory::Directory;
use hearth_domain::event::Recorded;
use hearth_domain::values::{Line, Text};

use crate::digest::Rag;
use crate::scorecard::Scorecard;

hearth_domain::events! {
    /// Everything that can happen in an improvement plan's stream.
    pub enum ImprovementEvent {
        /// The plan is set up.
        PlanStarted = "improvement_plan_started" {
            /// Its title.
            title: Line,
            /// The board that owns it.
            board: Line,
        },
        /// An action is added to the plan.
        ActionAdded = "improvement_action_added" {
            /// Its number in the plan, from 1.
            action: u32,
            /// What is to be done.
            what: Text,
            /// Who answers for it.
            owner: StaffId,
            /// When it is to be done by.
            due: NaiveDate,
            /// What success looks like.
            success: Text,
            /// The scorecard indicators that measure it.
            measures: Vec<String>,
        },
        /// Progress on an action, with its RAG and the evidence.
        ActionProgressed = "improvement_action_progressed" {
            /// The action.
            action: u32,
            /// Its RAG now.
            rag: Rag,
            /// The evidence of progress.
            evidence: Text,
        },
        /// A new due date for an action, with the reason.
        ActionRescheduled = "improvement_action_rescheduled" {
            /// The action.
            action: u32,
            /// The new date.
            due: NaiveDate,
            /// Why.
            reason: Text,
        },
        /// An action is done.
        ActionCompleted = "improvement_action_completed" {
            /// The action.
            action: u32,
            /// The evidence that it is done.
            evidence: Text,
        },
        /// A risk to the plan is logged.
        RiskLogged = "improvement_risk_logged" {
            /// Its number in the log, from 1.
            risk: u32,
            /// The risk.
            what: Text,
            /// How likely, 1 to 5.
            likelihood: u8,
            /// How great its impact, 1 to 5.
            impact: u8,
            /// What is done to reduce it.
            mitigation: Text,
            /// Who answers for it.
            owner: StaffId,
        },
        /// A risk is looked at again.
        RiskReviewed = "improvement_risk_reviewed" {
            /// The risk.
            risk: u32,
            /// How likely now.
            likelihood: u8,
            /// How great its impact now.
            impact: u8,
            /// What was found.
            note: Text,
        },
        /// A risk no longer threatens the plan.
        RiskClosed = "improvement_risk_closed" {
            /// The risk.
            risk: u32,
            /// Why.
            reason: Text,
        },
        /// The monthly review of the plan.
        PlanReviewed = "improvement_plan_reviewed" {
            /// Who chaired it.
            chair: StaffId,
            /// What was concluded.
            summary: Text,
        },
    }
}

/// The rules an improvement plan's events keep, with stable codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ImprovementRule {
    /// The plan is started once, before anything else.
    #[error("improvement-plan-started: the plan is started once, before anything is added to it")]
    Started,
    /// Actions and risks are numbered in order, from 1.
    #[error("improvement-numbering: actions and risks are numbered in order from 1")]
    Numbering,
    /// Only an action or risk in the plan, still open, can be progressed or closed.
    #[error("improvement-open: that action or risk is not open in the plan")]
    NotOpen,
    /// The owner or chair must be a member of staff in post.
    #[error("improvement-staff: the owner or chair must be a member of staff in post that day")]
    Staff,
    /// A due date cannot be before the day it is set.
    #[error("improvement-due: a due date cannot be before the day it is set")]
    Due,
    /// Likelihood and impact are from 1 to 5.
    #[error("improvement-scale: likelihood and impact are from 1 to 5")]
    Scale,
    /// The indicators an action is measured by are the scorecard's.
    #[error("improvement-measures: an action is measured by indicators of the scorecard")]
    Measures,
}

impl ImprovementRule {
    /// The rule's stable code.
    pub fn code(self) -> &'static str {
        match self {
            ImprovementRule::Started => "improvement-plan-started",
            ImprovementRule::Numbering => "improvement-numbering",
            ImprovementRule::NotOpen => "improvement-open",
            ImprovementRule::Staff => "improvement-staff",
            ImprovementRule::Due => "improvement-due",
            ImprovementRule::Scale => "improvement-scale",
            ImprovementRule::Measures => "improvement-measures",
        }
    }
}

/// An action of the plan, folded.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// Its number.
    pub number: u32,
    /// What is to be done.
    pub what: Text,
    /// Who answers for it.
    pub owner: StaffId,
    /// When it is due now.
    pub due: NaiveDate,
    /// What success looks like.
    pub success: Text,
    /// The indicators that measure it.
    pub measures: Vec<String>,
    /// Progress, oldest first: the day, the RAG and the evidence.
    pub progress: Vec<(NaiveDate, Rag, Text)>,
    /// Earlier due dates and why they moved: the day, the old date, the reason.
    pub rescheduled: Vec<(NaiveDate, NaiveDate, Text)>,
    /// When it was done, and the evidence.
    pub completed: Option<(NaiveDate, Text)>,
}

impl Action {
    /// The latest RAG given, if any.
    pub fn rag(&self) -> Option<Rag> {
        self.progress.last().map(|(_, r, _)| *r)
    }

    /// Whether it was still open, and past its due date, at the end of a day.
    pub fn overdue_on(&self, date: NaiveDate) -> bool {
        self.completed.is_none() && self.due < date
    }
}

/// A risk in the log, folded.
#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    /// Its number.
    pub number: u32,
    /// The risk.
    pub what: Text,
    /// How likely, 1 to 5.
    pub likelihood: u8,
    /// How great its impact, 1 to 5.
    pub impact: u8,
    /// What is done to reduce it.
    pub mitigation: Text,
    /// Who answers for it.
    pub owner: StaffId,
    /// Reviews: the day and the note.
    pub reviews: Vec<(NaiveDate, Text)>,
    /// When it was closed, and why.
    pub closed: Option<(NaiveDate, Text)>,
}

impl Risk {
    /// Likelihood times impact: 1 to 25.
    pub fn score(&self) -> u8 {
        self.likelihood * self.impact
    }
}

/// The plan, folded from its stream.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImprovementPlan {
    /// Its title and board, once started.
    pub started: Option<(NaiveDate, Line, Line)>,
    /// The actions, by number.
    pub actions: Vec<Action>,
    /// The risks, by number.
    pub risks: Vec<Risk>,
    /// The monthly reviews: the day, the chair and the summary.
    pub reviews: Vec<(NaiveDate, StaffId, Text)>,
}

/// What a plan shows as at a date.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanStatus<'a> {
    /// Open actions past their due date, earliest due first.
    pub overdue: Vec<&'a Action>,
    /// Open actions not yet due, earliest due first.
    pub open: Vec<&'a Action>,
    /// Done actions.
    pub done: usize,
    /// Open risks, highest score first.
    pub risks: Vec<&'a Risk>,
    /// When the next monthly review is due: a month after the last one, or after the plan
    /// started.
    pub review_due: Option<NaiveDate>,
    /// Whether that day has passed.
    pub review_overdue: bool,
}

impl ImprovementPlan {
    /// Refuses an event that would break a rule; changes nothing. `scorecard` is the one the
    /// actions are measured against.
    pub fn check(
        &self,
        ev: &Recorded<ImprovementEvent>,
        staff: &dyn Directory,
        scorecard: &Scorecard,
    ) -> Result<(), ImprovementRule> {
        use ImprovementEvent::*;
        let day = ev.occurred_at.london_date();
        let in_post = |s: &StaffId| {
            staff
                .staff(s)
                .is_some_and(|m| m.in_post_on(day))
                .then_some(())
                .ok_or(ImprovementRule::Staff)
        };
        let scale = |l: u8, i: u8| {
            ((1..=5).contains(&l) && (1..=5).contains(&i))
                .then_some(())
                .ok_or(ImprovementRule::Scale)
        };
        match (&ev.event, &self.started) {
            (PlanStarted { .. }, None) => return Ok(()),
            (PlanStarted { .. }, Some(_)) | (_, None) => return Err(ImprovementRule::Started),
            _ => {}
        }
        match &ev.event {
            PlanStarted { .. } => Err(ImprovementRule::Started),
            ActionAdded {
                action,
                owner,
                due,
                measures,
                ..
            } => {
                if *action as usize != self.actions.len() + 1 {
                    return Err(ImprovementRule::Numbering);
                }
                in_post(owner)?;
                if *due < day {
                    return Err(ImprovementRule::Due);
                }
                if measures.iter().any(|m| scorecard.indicator(m).is_none()) {
                    return Err(ImprovementRule::Measures);
                }
                Ok(())
            }
            ActionProgressed { action, .. } | ActionCompleted { action, .. } => {
                self.open_action(*action).map(|_| ())
            }
            ActionRescheduled { action, due, .. } => {
                self.open_action(*action)?;
                if *due < day {
                    return Err(ImprovementRule::Due);
                }
                Ok(())
            }
            RiskLogged {
                risk,
                likelihood,
                impact,
                owner,
                ..
            } => {
                if *risk as usize != self.risks.len() + 1 {
                    return Err(ImprovementRule::Numbering);
                }
                scale(*likelihood, *impact)?;
                in_post(owner)
            }
            RiskReviewed {
                risk,
                likelihood,
                impact,
                ..
            } => {
                self.open_risk(*risk)?;
                scale(*likelihood, *impact)
            }
            RiskClosed { risk, .. } => self.open_risk(*risk).map(|_| ()),
            PlanReviewed { chair, .. } => in_post(chair),
        }
    }

    fn open_action(&self, number: u32) -> Result<&Action, ImprovementRule> {
        self.actions
            .iter()
            .find(|a| a.number == number && a.completed.is_none())
            .ok_or(ImprovementRule::NotOpen)
    }

    fn open_risk(&self, number: u32) -> Result<&Risk, ImprovementRule> {
        self.risks
            .iter()
            .find(|r| r.number == number && r.closed.is_none())
            .ok_or(ImprovementRule::NotOpen)
    }

    /// Folds an accepted (or stored) event in. Never fails: an event that refers to nothing
    /// is ignored.
    pub fn apply(&mut self, ev: &Recorded<ImprovementEvent>) {
        use ImprovementEvent::*;
        let day = ev.occurred_at.london_date();
        match &ev.event {
            PlanStarted { title, board } => {
                self.started = Some((day, title.clone(), board.clone()));
            }
            ActionAdded {
                action,
                what,
                owner,
                due,
                success,
                measures,
            } => self.actions.push(Action {
                number: *action,
                what: what.clone(),
                owner: owner.clone(),
                due: *due,
                success: success.clone(),
                measures: measures.clone(),
                progress: Vec::new(),
                rescheduled: Vec::new(),
                completed: None,
            }),
            ActionProgressed {
                action,
                rag,
                evidence,
            } => {
                if let Some(a) = self.actions.iter_mut().find(|a| a.number == *action) {
                    a.progress.push((day, *rag, evidence.clone()));
                }
            }
            ActionRescheduled {
                action,
                due,
                reason,
            } => {
                if let Some(a) = self.actions.iter_mut().find(|a| a.number == *action) {
                    a.rescheduled.push((day, a.due, reason.clone()));
                    a.due = *due;
                }
            }
            ActionCompleted { action, evidence } => {
                if let Some(a) = self.actions.iter_mut().find(|a| a.number == *action) {
                    a.completed = Some((day, evidence.clone()));
                }
            }
            RiskLogged {
                risk,
                what,
                likelihood,
                impact,
                mitigation,
                owner,
            } => self.risks.push(Risk {
                number: *risk,
                what: what.clone(),
                likelihood: *likelihood,
                impact: *impact,
                mitigation: mitigation.clone(),
                owner: owner.clone(),
                reviews: Vec::new(),
                closed: None,
            }),
            RiskReviewed {
                risk,
                likelihood,
                impact,
                note,
            } => {
                if let Some(r) = self.risks.iter_mut().find(|r| r.number == *risk) {
                    r.likelihood = *likelihood;
                    r.impact = *impact;
                    r.reviews.push((day, note.clone()));
                }
            }
            RiskClosed { risk, reason } => {
                if let Some(r) = self.risks.iter_mut().find(|r| r.number == *risk) {
                    r.closed = Some((day, reason.clone()));
                }
            }
            PlanReviewed { chair, summary } => {
                self.reviews.push((day, chair.clone(), summary.clone()));
            }
        }
    }

    /// Checks an event and folds it in, or refuses it and changes nothing.
    pub fn append(
        &mut self,
        ev: &Recorded<ImprovementEvent>,
        staff: &dyn Directory,
        scorecard: &Scorecard,
    ) -> Result<(), ImprovementRule> {
        self.check(ev, staff, scorecard)?;
        self.apply(ev);
        Ok(())
    }

    /// What the plan shows as at the end of a day.
    pub fn status(&self, date: NaiveDate) -> PlanStatus<'_> {
        let mut overdue: Vec<&Action> =
            self.actions.iter().filter(|a| a.overdue_on(date)).collect();
        overdue.sort_by_key(|a| (a.due, a.number));
        let mut open: Vec<&Action> = self
            .actions
            .iter()
            .filter(|a| a.completed.is_none() && !a.overdue_on(date))
            .collect();
        open.sort_by_key(|a| (a.due, a.number));
        let mut risks: Vec<&Risk> = self.risks.iter().filter(|r| r.closed.is_none()).collect();
        risks.sort_by(|a, b| b.score().cmp(&a.score()).then(a.number.cmp(&b.number)));
        let last = self
            .reviews
            .last()
            .map(|(d, _, _)| *d)
            .or(self.started.as_ref().map(|(d, _, _)| *d));
        let review_due = last.and_then(|d| d.checked_add_months(Months::new(1)));
        PlanStatus {
            overdue,
            open,
            done: self
                .actions
                .iter()
                .filter(|a| a.completed.is_some())
                .count(),
            risks,
            review_due,
            review_overdue: review_due.is_some_and(|d| d < date),
        }
    }
}
