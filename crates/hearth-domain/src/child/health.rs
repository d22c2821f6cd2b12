//! Health and offending: health assessments, development and dental checks, immunisations,
//! strengths and difficulties questionnaires, substance misuse and convictions.

use crate::child::events::ChildEvent;
use crate::child::record::{Check, ChildRecord, Mark, born_by};
use crate::codes::*;
use crate::event::Recorded;
use crate::rules::{Rule, ensure};
use crate::values::SdqScore;

/// A strengths and difficulties questionnaire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sdq {
    /// When.
    pub mark: Mark,
    /// Score.
    pub score: Option<SdqScore>,
    /// Why there is no score.
    pub reason: Option<SdqReason>,
}

/// Health records of a looked-after child.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Health {
    /// Health assessments.
    pub assessments: Vec<Mark>,
    /// Development checks (under five).
    pub development_checks: Vec<Mark>,
    /// Dental checks.
    pub dental_checks: Vec<Mark>,
    /// Immunisation checks and whether up to date.
    pub immunisations: Vec<(Mark, bool)>,
    /// SDQs.
    pub sdqs: Vec<Sdq>,
    /// Substance misuse identified, with intervention offered and received.
    pub substance_misuse: Vec<(Mark, bool, bool)>,
    /// Convictions, final warnings or reprimands.
    pub convictions: Vec<Mark>,
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, event: &ChildEvent) {
    use ChildEvent::*;
    match event {
        HealthAssessmentCompleted {} => record.health.assessments.push(mark),
        DevelopmentCheckCompleted {} => record.health.development_checks.push(mark),
        DentalCheckCompleted {} => record.health.dental_checks.push(mark),
        ImmunisationsRecorded { up_to_date } => {
            record.health.immunisations.push((mark, *up_to_date))
        }
        SdqRecorded { score, reason } => record.health.sdqs.push(Sdq {
            mark,
            score: *score,
            reason: *reason,
        }),
        SubstanceMisuseRecorded {
            intervention_offered,
            intervention_received,
        } => record.health.substance_misuse.push((
            mark,
            *intervention_offered,
            *intervention_received,
        )),
        ConvictionRecorded {} => record.health.convictions.push(mark),
        // The other areas' events.
        _ => {}
    }
}

/// Checks an event against this area's rules, if it is one of this area's.
pub(super) fn check(record: &ChildRecord, ev: &Recorded<ChildEvent>) -> Check {
    use ChildEvent::*;
    let date = ev.date();
    match &ev.event {
        HealthAssessmentCompleted {}
        | DevelopmentCheckCompleted {}
        | DentalCheckCompleted {}
        | ImmunisationsRecorded { .. }
        | SubstanceMisuseRecorded { .. }
        | ConvictionRecorded {} => born_by(record, date, "a health or offending record"),
        SdqRecorded { score, reason } => {
            born_by(record, date, "a strengths and difficulties questionnaire")?;
            ensure(
                score.is_some() != reason.is_some(),
                Rule::SdqScoreOrReason,
                || "give the SDQ score, or the reason there is none, but not both".to_owned(),
            )
        }
        // The other areas' events.
        _ => Ok(()),
    }
}
