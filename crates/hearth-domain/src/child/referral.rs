//! The front door and the child in need episode: contacts, early help, the referral that
//! opens an episode, its primary need, and closing it.

use crate::child::assessment::Assessment;
use crate::child::child_in_need::CinPlan;
use crate::child::events::ChildEvent;
use crate::child::protection::{CpPlan, InitialConference, Section47, StrategyDiscussion};
use crate::child::record::{Check, ChildRecord, Mark, not_before};
use crate::codes::*;
use crate::event::Recorded;
use crate::rules::{Rule, RuleViolation, ensure, refuse};
use crate::values::Line;

/// A contact at the front door.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// When.
    pub mark: Mark,
    /// From whom.
    pub source: ReferralSource,
    /// What was done.
    pub outcome: ContactOutcome,
}

/// An early help assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlyHelpAssessment {
    /// Started.
    pub start: Mark,
    /// By whom.
    pub organisation: Line,
    /// Completed.
    pub completed: Option<Mark>,
}

/// A child in need episode: from a referral to its closure (the CIN census's CINdetails).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpisodeOfNeed {
    /// The referral.
    pub referral: Mark,
    /// Who referred.
    pub source: ReferralSource,
    /// The primary need.
    pub primary_need: Option<PrimaryNeed>,
    /// Whether the referral led to no further action.
    pub no_further_action: bool,
    /// Closure, and why.
    pub closure: Option<(Mark, ReasonForClosure)>,
    /// Child and family assessments.
    pub assessments: Vec<Assessment>,
    /// Safeguarding concerns raised.
    pub concerns: Vec<Mark>,
    /// Strategy discussions.
    pub strategy_discussions: Vec<StrategyDiscussion>,
    /// Section 47 enquiries.
    pub enquiries: Vec<Section47>,
    /// Initial child protection conferences.
    pub initial_conferences: Vec<InitialConference>,
    /// Child protection plans.
    pub cp_plans: Vec<CpPlan>,
    /// Child in need plans.
    pub cin_plans: Vec<CinPlan>,
}

impl EpisodeOfNeed {
    /// Whether the episode is open.
    pub fn is_open(&self) -> bool {
        self.closure.is_none()
    }
    /// The assessment in progress.
    pub fn open_assessment(&self) -> Option<&Assessment> {
        self.assessments.last().filter(|a| a.completion.is_none())
    }
    /// The enquiry in progress.
    pub fn open_enquiry(&self) -> Option<&Section47> {
        self.enquiries.last().filter(|e| e.completion.is_none())
    }
    /// The open child protection plan.
    pub fn open_cp_plan(&self) -> Option<&CpPlan> {
        self.cp_plans.last().filter(|p| p.end.is_none())
    }
    /// The open child in need plan.
    pub fn open_cin_plan(&self) -> Option<&CinPlan> {
        self.cin_plans.last().filter(|p| p.end.is_none())
    }
}

impl ChildRecord {
    /// The open child in need episode.
    pub fn open_episode(&self) -> Option<&EpisodeOfNeed> {
        self.episodes_of_need.last().filter(|e| e.is_open())
    }

    pub(super) fn open_episode_mut(&mut self) -> Option<&mut EpisodeOfNeed> {
        self.episodes_of_need.last_mut().filter(|e| e.is_open())
    }
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, event: &ChildEvent) {
    use ChildEvent::*;
    match event {
        ContactRecorded {
            source, outcome, ..
        } => record.contacts.push(Contact {
            mark,
            source: *source,
            outcome: *outcome,
        }),
        EarlyHelpAssessmentStarted { organisation } => {
            record.early_help.push(EarlyHelpAssessment {
                start: mark,
                organisation: organisation.clone(),
                completed: None,
            })
        }
        EarlyHelpAssessmentCompleted {} => {
            if let Some(e) = record
                .early_help
                .last_mut()
                .filter(|e| e.completed.is_none())
            {
                e.completed = Some(mark);
            }
        }
        ReferralReceived {
            source,
            primary_need,
            no_further_action,
            ..
        } => {
            record.episodes_of_need.push(EpisodeOfNeed {
                referral: mark,
                source: *source,
                primary_need: *primary_need,
                no_further_action: *no_further_action,
                closure: None,
                assessments: Vec::new(),
                concerns: Vec::new(),
                strategy_discussions: Vec::new(),
                enquiries: Vec::new(),
                initial_conferences: Vec::new(),
                cp_plans: Vec::new(),
                cin_plans: Vec::new(),
            });
        }
        PrimaryNeedChanged { primary_need } => {
            if let Some(e) = record.open_episode_mut() {
                e.primary_need = Some(*primary_need);
            }
        }
        CaseClosed { reason } => {
            if let Some(e) = record.open_episode_mut() {
                e.closure = Some((mark, *reason));
            }
            if let Some(a) = record.allocations.last_mut().filter(|a| a.ended.is_none()) {
                a.ended = Some(mark);
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
        EarlyHelpAssessmentStarted { .. } => {
            let open = record
                .early_help
                .last()
                .is_some_and(|e| e.completed.is_none());
            ensure(!open, Rule::EarlyHelp, || {
                "an early help assessment is already in progress".to_owned()
            })
        }
        EarlyHelpAssessmentCompleted {} => {
            match record.early_help.last().filter(|e| e.completed.is_none()) {
                Some(e) => not_before("completing the early help assessment", date, e.start.date()),
                None => refuse(Rule::EarlyHelp, "no early help assessment is in progress"),
            }
        }
        ReferralReceived {
            primary_need,
            no_further_action,
            ..
        } => {
            if let Some(open) = record.open_episode() {
                return refuse(
                    Rule::CaseAlreadyOpen,
                    format!(
                        "a child in need episode has been open since {}: record a contact on the open case instead",
                        open.referral.date()
                    ),
                );
            }
            ensure(
                *no_further_action || primary_need.is_some(),
                Rule::PrimaryNeedRequired,
                || "a referral that goes further needs a primary need".to_owned(),
            )
        }
        PrimaryNeedChanged { .. } => {
            require_active(record, "changing the primary need").map(|_| ())
        }
        CaseClosed { .. } => {
            let e = require_open(record, "closing the case")?;
            let mut open = Vec::new();
            if e.open_assessment().is_some() {
                open.push("an assessment");
            }
            if e.open_enquiry().is_some() {
                open.push("a section 47 enquiry");
            }
            if e.open_cp_plan().is_some() {
                open.push("a child protection plan");
            }
            if e.open_cin_plan().is_some() {
                open.push("a child in need plan");
            }
            if record.is_looked_after() {
                open.push("a looked-after episode");
            }
            ensure(open.is_empty(), Rule::ClosureWithOpenWork, || {
                format!(
                    "the case still has {} open: end it before closing",
                    open.join(" and ")
                )
            })
        }
        ContactRecorded { .. } => Ok(()),
        // The other areas' events.
        _ => Ok(()),
    }
}

pub(super) fn require_open<'r>(
    record: &'r ChildRecord,
    what: &str,
) -> Result<&'r EpisodeOfNeed, RuleViolation> {
    match record.open_episode() {
        Some(e) => Ok(e),
        None => refuse(
            Rule::CaseNotOpen,
            format!("{what} needs an open child in need episode: record a referral first"),
        ),
    }
}

/// An open episode that is not a "no further action" referral.
pub(super) fn require_active<'r>(
    record: &'r ChildRecord,
    what: &str,
) -> Result<&'r EpisodeOfNeed, RuleViolation> {
    let e = require_open(record, what)?;
    ensure(!e.no_further_action, Rule::NoFurtherActionReferral, || {
        format!(
            "{what} cannot follow a referral marked no further action: close it, or record a new referral"
        )
    })?;
    Ok(e)
}
