//! The journey interchange format: JSON lines, each line some or all of one stream's history.
//! A line starts a stream, or continues it from a given version, so a whole store can be
//! written in the order it was recorded and read back into an identical store.
//! `docs/interchange.md` documents it for people migrating records into Hearth.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::child::ChildEvent;
use crate::directory::{AdopterEvent, PersonEvent, ProfessionalEvent, StaffEvent, TeamEvent};
use crate::event::Recorded;
use crate::ids::{
    AdopterId, ChildId, PersonId, ProfessionalId, StaffId, StreamId, StreamKind, TeamId,
};
use crate::supervision::SupervisionEvent;

/// One stream's history, typed by the kind of record.
#[derive(Debug, Clone, PartialEq)]
pub enum Journey {
    /// A team.
    Team(TeamId, Vec<Recorded<TeamEvent>>),
    /// A member of staff.
    Staff(StaffId, Vec<Recorded<StaffEvent>>),
    /// An adult in a network.
    Person(PersonId, Vec<Recorded<PersonEvent>>),
    /// A professional.
    Professional(ProfessionalId, Vec<Recorded<ProfessionalEvent>>),
    /// An adopter household.
    Adopter(AdopterId, Vec<Recorded<AdopterEvent>>),
    /// A child.
    Child(ChildId, Vec<Recorded<ChildEvent>>),
    /// A worker's supervision file.
    Supervision(StaffId, Vec<Recorded<SupervisionEvent>>),
}

/// A line that could not be read, and the stream it was for when that much was readable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error}")]
pub struct LineError {
    /// The stream named by the line, if it could be read.
    pub stream: Option<StreamId>,
    /// What was wrong.
    pub error: InterchangeError,
}

/// Why a line could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InterchangeError {
    /// Not JSON, or not the shape of a journey line.
    #[error("malformed line: {0}")]
    Malformed(String),
    /// The stream id is not `kind/id`.
    #[error("{0}")]
    Stream(String),
    /// A field of an event is missing or invalid.
    #[error("{path}: {message}")]
    Field {
        /// Where in the line, for example `events[3].event.ethnicity`.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// A journey with no events.
    #[error("a journey needs at least one event")]
    Empty,
}

/// One line: a run of a stream's events, starting at `from_version` (1 starts the stream).
#[derive(Debug, Clone, PartialEq)]
pub struct JourneyLine {
    /// The version in the stream of the first event on the line.
    pub from_version: u64,
    /// The events.
    pub journey: Journey,
}

fn first_version() -> u64 {
    1
}

fn is_first(v: &u64) -> bool {
    *v == 1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineIn<'a> {
    stream: &'a str,
    #[serde(default = "first_version")]
    from_version: u64,
    #[serde(borrow)]
    events: &'a RawValue,
}

#[derive(Serialize)]
struct LineOut<'a, E> {
    stream: String,
    #[serde(skip_serializing_if = "is_first")]
    from_version: u64,
    events: &'a [Recorded<E>],
}

fn events<E: DeserializeOwned + crate::event::EventKind>(
    raw: &RawValue,
) -> Result<Vec<Recorded<E>>, InterchangeError> {
    match serde_json::from_str::<Vec<Recorded<E>>>(raw.get()) {
        Ok(events) if events.is_empty() => Err(InterchangeError::Empty),
        Ok(events) => Ok(events),
        Err(e) => Err(explain::<E>(raw, e)),
    }
}

/// Finds which event failed, and which of its fields, for the error report.
fn explain<E: DeserializeOwned + crate::event::EventKind>(
    raw: &RawValue,
    fallback: serde_json::Error,
) -> InterchangeError {
    let Ok(values) = serde_json::from_str::<Vec<serde_json::Value>>(raw.get()) else {
        return InterchangeError::Malformed(format!(
            "events must be a list of event objects: {fallback}"
        ));
    };
    for (n, value) in values.into_iter().enumerate() {
        let event = value.get("event").cloned();
        match serde_path_to_error::deserialize::<_, Recorded<E>>(value) {
            Ok(_) => continue,
            Err(e) => {
                let path = e.path().to_string();
                let message = e.into_inner().to_string();
                if path == "event"
                    && let Some(event) = event
                {
                    return InterchangeError::Field {
                        path: format!("events[{n}].event"),
                        message: E::diagnose(event),
                    };
                }
                let at = if path == "." {
                    format!("events[{n}]")
                } else {
                    format!("events[{n}].{path}")
                };
                return InterchangeError::Field { path: at, message };
            }
        }
    }
    InterchangeError::Malformed(fallback.to_string())
}

impl JourneyLine {
    /// A line holding a whole stream.
    pub fn whole(journey: Journey) -> Self {
        Self {
            from_version: 1,
            journey,
        }
    }

    /// Reads one line.
    pub fn parse(line: &str) -> Result<JourneyLine, LineError> {
        let parsed: LineIn<'_> = serde_json::from_str(line).map_err(|e| LineError {
            stream: None,
            error: InterchangeError::Malformed(e.to_string()),
        })?;
        let stream = StreamId::parse(parsed.stream).map_err(|e| LineError {
            stream: None,
            error: InterchangeError::Stream(e.to_string()),
        })?;
        if parsed.from_version == 0 {
            return Err(LineError {
                stream: Some(stream),
                error: InterchangeError::Field {
                    path: "from_version".to_owned(),
                    message: "versions start at 1".to_owned(),
                },
            });
        }
        let journey = Journey::parse_events(&stream, parsed.events).map_err(|error| LineError {
            stream: Some(stream),
            error,
        })?;
        Ok(JourneyLine {
            from_version: parsed.from_version,
            journey,
        })
    }

    /// Writes the line (no trailing newline).
    pub fn to_line(&self) -> Result<String, serde_json::Error> {
        self.journey.line_from(self.from_version)
    }
}

impl Journey {
    fn parse_events(stream: &StreamId, raw: &RawValue) -> Result<Journey, InterchangeError> {
        // `StreamId::parse` has already checked the id, so these parses cannot fail; they
        // are mapped rather than unwrapped all the same.
        let bad = |e: crate::ids::InvalidId| InterchangeError::Stream(e.to_string());
        Ok(match stream.kind() {
            StreamKind::Team => {
                Journey::Team(TeamId::parse(stream.id()).map_err(bad)?, events(raw)?)
            }
            StreamKind::Staff => {
                Journey::Staff(StaffId::parse(stream.id()).map_err(bad)?, events(raw)?)
            }
            StreamKind::Person => {
                Journey::Person(PersonId::parse(stream.id()).map_err(bad)?, events(raw)?)
            }
            StreamKind::Professional => Journey::Professional(
                ProfessionalId::parse(stream.id()).map_err(bad)?,
                events(raw)?,
            ),
            StreamKind::Adopter => {
                Journey::Adopter(AdopterId::parse(stream.id()).map_err(bad)?, events(raw)?)
            }
            StreamKind::Child => {
                Journey::Child(ChildId::parse(stream.id()).map_err(bad)?, events(raw)?)
            }
            StreamKind::Audit => {
                return Err(InterchangeError::Stream(format!(
                    "{stream}: audits are not carried in interchange files"
                )));
            }
            StreamKind::Supervision => {
                Journey::Supervision(StaffId::parse(stream.id()).map_err(bad)?, events(raw)?)
            }
        })
    }

    /// The stream this journey fills.
    pub fn stream(&self) -> StreamId {
        match self {
            Journey::Team(id, _) => StreamId::team(id),
            Journey::Staff(id, _) => StreamId::staff(id),
            Journey::Person(id, _) => StreamId::person(id),
            Journey::Professional(id, _) => StreamId::professional(id),
            Journey::Adopter(id, _) => StreamId::adopter(id),
            Journey::Child(id, _) => StreamId::child(id),
            Journey::Supervision(id, _) => StreamId::supervision(id),
        }
    }

    /// How many events it holds.
    pub fn len(&self) -> usize {
        match self {
            Journey::Team(_, e) => e.len(),
            Journey::Staff(_, e) => e.len(),
            Journey::Person(_, e) => e.len(),
            Journey::Professional(_, e) => e.len(),
            Journey::Adopter(_, e) => e.len(),
            Journey::Child(_, e) => e.len(),
            Journey::Supervision(_, e) => e.len(),
        }
    }

    /// Whether it holds no events (never true of a parsed line).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the whole journey as one line (no trailing newline).
    pub fn to_line(&self) -> Result<String, serde_json::Error> {
        self.line_from(1)
    }

    fn line_from(&self, from_version: u64) -> Result<String, serde_json::Error> {
        fn out<E: Serialize>(
            stream: StreamId,
            from_version: u64,
            events: &[Recorded<E>],
        ) -> Result<String, serde_json::Error> {
            serde_json::to_string(&LineOut {
                stream: stream.to_string(),
                from_version,
                events,
            })
        }
        let s = self.stream();
        match self {
            Journey::Team(_, e) => out(s, from_version, e),
            Journey::Staff(_, e) => out(s, from_version, e),
            Journey::Person(_, e) => out(s, from_version, e),
            Journey::Professional(_, e) => out(s, from_version, e),
            Journey::Adopter(_, e) => out(s, from_version, e),
            Journey::Child(_, e) => out(s, from_version, e),
            Journey::Supervision(_, e) => out(s, from_version, e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_field() {
        let line = r#"{"stream":"child/C1","events":[{"occurred_at":"2024-01-01T10:00:00Z","recorded_at":"2024-01-01T10:00:00Z","recorded_by":"system/import","event":{"type":"child_registered","details":{"name":{"given":"A","family":"B"},"sex":"F","date_of_birth":"2020-01-01","ethnicity":"WXYZ"}}}]}"#;
        let err = JourneyLine::parse(line).unwrap_err();
        assert_eq!(err.stream.unwrap().to_string(), "child/C1");
        match err.error {
            InterchangeError::Field { path, message } => {
                assert_eq!(path, "events[0].event");
                assert_eq!(
                    message,
                    "details.ethnicity: 'WXYZ' is not a valid ethnicity code"
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn malformed_lines_and_streams_are_refused() {
        let error = |l: &str| JourneyLine::parse(l).unwrap_err().error;
        assert!(matches!(error("{not json"), InterchangeError::Malformed(_)));
        assert!(matches!(
            error(r#"{"stream":"pet/1","events":[]}"#),
            InterchangeError::Stream(_)
        ));
        assert!(matches!(
            error(r#"{"stream":"team/T1","events":[]}"#),
            InterchangeError::Empty
        ));
        let zero = r#"{"stream":"team/T1","from_version":0,"events":[]}"#;
        assert!(matches!(error(zero), InterchangeError::Field { .. }));
        // Unknown fields are refused, so a misspelt field is never silently dropped.
        let line = r#"{"stream":"team/T1","events":[{"occurred_at":"2024-01-01T10:00:00Z","recorded_at":"2024-01-01T10:00:00Z","recorded_by":"system/import","event":{"type":"team_formed","name":"A","service":"LEADERSHIP","colour":"red"}}]}"#;
        let err = JourneyLine::parse(line).unwrap_err().to_string();
        assert!(err.contains("unknown field `colour`"), "{err}");
    }
}
