//! Child and family assessments: started, the child seen, completed and authorised.

use crate::child::events::ChildEvent;
use crate::child::record::{Check, ChildRecord, Mark, born_by, not_before};
use crate::child::referral::{require_active, require_open};
use crate::codes::*;
use crate::directory::{Directory, manager_in_post};
use crate::event::Recorded;
use crate::ids::StaffId;
use crate::rules::{Rule, ensure, refuse};

/// A child and family assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// Started.
    pub start: Mark,
    /// When the child was first seen during it.
    pub child_seen: Option<Mark>,
    /// Completed, with the factors found and the outcome.
    pub completion: Option<(Mark, Vec<AssessmentFactor>, AssessmentOutcome)>,
    /// Authorised, and by whom.
    pub authorisation: Option<(Mark, StaffId)>,
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, event: &ChildEvent) {
    use ChildEvent::*;
    match event {
        AssessmentStarted {} => {
            if let Some(e) = record.open_episode_mut() {
                e.assessments.push(Assessment {
                    start: mark,
                    child_seen: None,
                    completion: None,
                    authorisation: None,
                });
            }
        }
        AssessmentChildSeen {} => {
            if let Some(a) = record
                .open_episode_mut()
                .and_then(|e| e.assessments.last_mut())
                && a.completion.is_none()
                && a.child_seen.is_none()
            {
                a.child_seen = Some(mark);
            }
        }
        AssessmentCompleted { factors, outcome } => {
            if let Some(a) = record
                .open_episode_mut()
                .and_then(|e| e.assessments.last_mut())
                && a.completion.is_none()
            {
                a.completion = Some((mark, factors.clone(), *outcome));
            }
        }
        AssessmentAuthorised { manager } => {
            if let Some(a) = record
                .open_episode_mut()
                .and_then(|e| e.assessments.last_mut())
                && a.completion.is_some()
                && a.authorisation.is_none()
            {
                a.authorisation = Some((mark, manager.clone()));
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
        AssessmentStarted {} => {
            let e = require_active(record, "an assessment")?;
            match e.open_assessment() {
                Some(a) => refuse(
                    Rule::AssessmentOpen,
                    format!(
                        "an assessment has been in progress since {}",
                        a.start.date()
                    ),
                ),
                None => Ok(()),
            }
        }
        AssessmentChildSeen {} => {
            let e = require_open(record, "seeing the child for the assessment")?;
            let Some(a) = e.open_assessment() else {
                return refuse(Rule::NoOpenAssessment, "no assessment is in progress");
            };
            born_by(record, date, "seeing the child")?;
            not_before("seeing the child for the assessment", date, a.start.date())
        }
        AssessmentCompleted { factors, .. } => {
            let e = require_open(record, "completing an assessment")?;
            let Some(a) = e.open_assessment() else {
                return refuse(Rule::NoOpenAssessment, "no assessment is in progress");
            };
            not_before("completing the assessment", date, a.start.date())?;
            ensure(!factors.is_empty(), Rule::AssessmentFactors, || {
                "record the factors found, or 21 if none were".to_owned()
            })?;
            ensure(
                !(factors.contains(&AssessmentFactor::F21) && factors.len() > 1),
                Rule::AssessmentFactors,
                || "factor 21 (no factors identified) cannot be combined with others".to_owned(),
            )?;
            for (i, f) in factors.iter().enumerate() {
                ensure(!factors[..i].contains(f), Rule::AssessmentFactors, || {
                    format!("factor {f} is listed twice")
                })?;
            }
            Ok(())
        }
        AssessmentAuthorised { manager } => {
            let e = require_open(record, "authorising an assessment")?;
            let completed = e
                .assessments
                .last()
                .filter(|a| a.authorisation.is_none())
                .and_then(|a| a.completion.as_ref());
            let Some((done, _, _)) = completed else {
                return refuse(
                    Rule::AssessmentAuthorisation,
                    "there is no completed assessment waiting for authorisation",
                );
            };
            not_before("authorising the assessment", date, done.date())?;
            manager_in_post(dir, manager, date).map(|_| ())
        }
        // The other areas' events.
        _ => Ok(()),
    }
}
