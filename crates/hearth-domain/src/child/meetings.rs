//! Meetings booked, called off and held, and the documents and responses that go with them:
//! reports and records shared or withheld, managers' responses and professional dissent.

use crate::child::events::ChildEvent;
use crate::child::record::{Check, ChildRecord, Mark};
use crate::codes::*;
use crate::directory::{Directory, manager_in_post, staff_in_post};
use crate::event::Recorded;
use crate::ids::StaffId;
use crate::rules::{Rule, ensure};
use crate::time::Timestamp;

/// A booked meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    /// When it was booked.
    pub booked: Mark,
    /// Which meeting.
    pub kind: MeetingKind,
    /// When it is to take place.
    pub at: Timestamp,
    /// When it was called off.
    pub cancelled: Option<Mark>,
    /// The reviewing officer who is to chair it, when the booking names one.
    pub chair: Option<StaffId>,
}

/// A document shared, or withheld from someone by a manager.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    /// When.
    pub mark: Mark,
    /// Which document.
    pub document: DocumentKind,
    /// Who it went to (or, when withheld, who it was kept from).
    pub audiences: Vec<Audience>,
    /// The manager who decided to withhold it.
    pub withheld_by: Option<StaffId>,
}

/// A manager's response to recommendations or dissent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagerResponse {
    /// When.
    pub mark: Mark,
    /// What it responds to.
    pub to: DocumentKind,
    /// The manager.
    pub manager: StaffId,
    /// Whether the manager agreed.
    pub agreed: bool,
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, event: &ChildEvent) {
    use ChildEvent::*;
    match event {
        MeetingScheduled { meeting, at, chair } => record.meetings.push(Meeting {
            booked: mark,
            kind: *meeting,
            at: *at,
            cancelled: None,
            chair: chair.clone(),
        }),
        MeetingHeld { meeting } => record.meetings_held.push((mark, *meeting)),
        DocumentShared {
            document,
            audiences,
        } => record.documents.push(DocumentRecord {
            mark,
            document: *document,
            audiences: audiences.clone(),
            withheld_by: None,
        }),
        DocumentWithheld {
            document,
            audience,
            manager,
            ..
        } => record.documents.push(DocumentRecord {
            mark,
            document: *document,
            audiences: vec![*audience],
            withheld_by: Some(manager.clone()),
        }),
        ManagerResponseRecorded {
            to,
            manager,
            agreed,
            ..
        } => record.responses.push(ManagerResponse {
            mark,
            to: *to,
            manager: manager.clone(),
            agreed: *agreed,
        }),
        DissentRecorded { agency, .. } => record.dissent.push((mark, *agency)),
        MeetingCancelled { meeting, at, .. } => {
            if let Some(m) = record
                .meetings
                .iter_mut()
                .rev()
                .find(|m| m.kind == *meeting && m.at == *at && m.cancelled.is_none())
            {
                m.cancelled = Some(mark);
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
        MeetingScheduled { meeting, at, chair } => {
            ensure(*at > ev.occurred_at, Rule::Meeting, || {
                format!("a meeting is booked for a future time, not {at}")
            })?;
            let Some(chair) = chair else {
                return Ok(());
            };
            ensure(
                meeting.chaired_by_reviewing_officer(),
                Rule::Meeting,
                || {
                    format!(
                        "a {} is not chaired by a reviewing officer, so it names no chair",
                        meeting.label().to_lowercase()
                    )
                },
            )?;
            let c = staff_in_post(dir, chair, date)?;
            ensure(c.role == StaffRole::ReviewingOfficer, Rule::Meeting, || {
                format!(
                    "{chair} is a {}: a conference or review is chaired by a reviewing officer",
                    c.role.label().to_lowercase()
                )
            })
        }
        MeetingCancelled { meeting, at, .. } => {
            let booked = record
                .meetings
                .iter()
                .any(|m| m.kind == *meeting && m.at == *at && m.cancelled.is_none());
            ensure(booked, Rule::Meeting, || {
                format!("no {} is booked for {at}", meeting.label().to_lowercase())
            })
        }
        MeetingHeld { meeting } => {
            ensure(meeting.recorded_as_meeting_held(), Rule::Meeting, || {
                format!(
                    "record a {} with its own event, which says what it decided",
                    meeting.label().to_lowercase()
                )
            })
        }
        DocumentShared { audiences, .. } => {
            ensure(!audiences.is_empty(), Rule::Document, || {
                "say who the document went to".to_owned()
            })?;
            for (i, a) in audiences.iter().enumerate() {
                ensure(!audiences[..i].contains(a), Rule::Document, || {
                    format!("{a} is listed twice")
                })?;
            }
            Ok(())
        }
        DocumentWithheld { manager, .. } | ManagerResponseRecorded { manager, .. } => {
            manager_in_post(dir, manager, date).map(|_| ())
        }
        DissentRecorded { .. } => Ok(()),
        // The other areas' events.
        _ => Ok(()),
    }
}
