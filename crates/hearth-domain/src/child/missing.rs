//! Missing and away episodes: the police told, the child's return and the return interview.

use crate::child::events::ChildEvent;
use crate::child::record::{Check, ChildRecord, Mark, born_by};
use crate::codes::*;
use crate::event::Recorded;
use crate::rules::{Rule, ensure, refuse};

/// A missing or away episode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingEpisode {
    /// Went missing.
    pub start: Mark,
    /// Missing, or away without authorisation.
    pub kind: MissingKind,
    /// Came back.
    pub end: Option<Mark>,
    /// Return interview offered, and whether accepted.
    pub interview: Option<(Mark, bool)>,
}

impl ChildRecord {
    /// The missing episode in progress.
    pub fn open_missing(&self) -> Option<&MissingEpisode> {
        self.missing.last().filter(|m| m.end.is_none())
    }
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, event: &ChildEvent) {
    use ChildEvent::*;
    match event {
        PoliceInformed {} => record.police_informed.push(mark),
        MissingEpisodeStarted { kind } => record.missing.push(MissingEpisode {
            start: mark,
            kind: *kind,
            end: None,
            interview: None,
        }),
        MissingEpisodeEnded {} => {
            if let Some(m) = record.missing.last_mut().filter(|m| m.end.is_none()) {
                m.end = Some(mark);
            }
        }
        ReturnInterviewOffered { accepted } => {
            if let Some(m) = record
                .missing
                .last_mut()
                .filter(|m| m.end.is_some() && m.interview.is_none())
            {
                m.interview = Some((mark, *accepted));
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
        PoliceInformed {} => ensure(record.open_missing().is_some(), Rule::Missing, || {
            "the police are told while the child is missing".to_owned()
        }),
        MissingEpisodeStarted { .. } => {
            born_by(record, date, "going missing")?;
            match record.open_missing() {
                Some(m) => refuse(
                    Rule::Missing,
                    format!("the child has been missing since {}", m.start.at),
                ),
                None => Ok(()),
            }
        }
        MissingEpisodeEnded {} => match record.open_missing() {
            Some(m) => ensure(ev.occurred_at >= m.start.at, Rule::EndsBeforeStart, || {
                format!(
                    "the return at {} is before the child went missing at {}",
                    ev.occurred_at, m.start.at
                )
            }),
            None => refuse(Rule::Missing, "the child is not recorded as missing"),
        },
        ReturnInterviewOffered { .. } => {
            let waiting = record
                .missing
                .last()
                .is_some_and(|m| m.end.is_some() && m.interview.is_none());
            ensure(waiting, Rule::Missing, || {
                "a return interview follows a missing episode that has ended and has no interview recorded".to_owned()
            })
        }
        // The other areas' events.
        _ => Ok(()),
    }
}
