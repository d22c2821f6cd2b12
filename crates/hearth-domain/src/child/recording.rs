//! Case recording: notes, chronology entries, case summaries, management oversight and
//! supervision.

use crate::child::events::ChildEvent;
use crate::child::record::{Check, ChildRecord, Mark};
use crate::codes::*;
use crate::directory::{Directory, manager_in_post, staff_in_post};
use crate::event::Recorded;
use crate::ids::StaffId;

/// Case recording.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recording {
    /// Case notes: when, kind and whether significant.
    pub case_notes: Vec<(Mark, CaseNoteKind, bool)>,
    /// Chronology entries written by workers.
    pub chronology: Vec<Mark>,
    /// Case summaries.
    pub summaries: Vec<Mark>,
    /// Management oversight, and by whom.
    pub oversight: Vec<(Mark, StaffId)>,
    /// Supervision: supervisor and worker.
    pub supervision: Vec<(Mark, StaffId, StaffId)>,
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, event: &ChildEvent) {
    use ChildEvent::*;
    match event {
        CaseNoteRecorded {
            kind, significant, ..
        } => record
            .recording
            .case_notes
            .push((mark, *kind, *significant)),
        ChronologyEntryAdded { .. } => record.recording.chronology.push(mark),
        CaseSummaryRecorded { .. } => record.recording.summaries.push(mark),
        ManagementOversightRecorded { manager, .. } => {
            record.recording.oversight.push((mark, manager.clone()))
        }
        SupervisionRecorded {
            supervisor, worker, ..
        } => record
            .recording
            .supervision
            .push((mark, supervisor.clone(), worker.clone())),
        // The other areas' events.
        _ => {}
    }
}

/// Checks an event against this area's rules, if it is one of this area's.
pub(super) fn check(ev: &Recorded<ChildEvent>, dir: &dyn Directory) -> Check {
    use ChildEvent::*;
    let date = ev.date();
    match &ev.event {
        CaseNoteRecorded { .. } | ChronologyEntryAdded { .. } | CaseSummaryRecorded { .. } => {
            Ok(())
        }
        ManagementOversightRecorded { manager, .. } => {
            manager_in_post(dir, manager, date).map(|_| ())
        }
        SupervisionRecorded {
            supervisor, worker, ..
        } => {
            manager_in_post(dir, supervisor, date)?;
            staff_in_post(dir, worker, date).map(|_| ())
        }
        // The other areas' events.
        _ => Ok(()),
    }
}
