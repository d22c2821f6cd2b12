//! The commands that write to a child's record. Each takes a [`WritePermit`] (so a decision
//! was made), the version of the record the caller read (so a concurrent write is refused,
//! not lost), and the events as they happened; the author and the time of recording are the
//! application's. Each gives a [`Receipt`] or one [`AppError`].

use hearth_domain::child::ChildEvent;
use hearth_domain::event::Recorded;
use hearth_domain::{ChildId, StreamId, Timestamp};
use tracing::debug;

use crate::policy::WritePermit;
use crate::records::NewRecord;
use crate::{App, AppError};

/// What an accepted command wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The child written to.
    pub child: ChildId,
    /// The record's version after the write.
    pub version: u64,
}

/// How many fresh ids registering tries before giving up: two people registering at once
/// may be offered the same one, and only one of them gets it.
const REGISTER_ATTEMPTS: usize = 3;

impl App {
    /// Records `events` (each with when it happened) on the permit's child, checked against
    /// the record as it stood at `expected_version`.
    pub async fn record(
        &self,
        permit: &WritePermit,
        expected_version: u64,
        events: Vec<(Timestamp, ChildEvent)>,
    ) -> Result<Receipt, AppError> {
        self.record_with(permit, expected_version, None, events)
            .await
    }

    /// As [`App::record`], creating first the adult's or professional's record the events
    /// refer to; both are written or neither. A new record whose id was taken meanwhile
    /// gives [`AppError::Stale`] naming its stream, so the caller can ask for another id.
    pub async fn record_with(
        &self,
        permit: &WritePermit,
        expected_version: u64,
        created: Option<NewRecord>,
        events: Vec<(Timestamp, ChildEvent)>,
    ) -> Result<Receipt, AppError> {
        let Some(child) = permit.child() else {
            // A permit to register names no child yet; it writes only through `register`.
            return Err(AppError::NotFound);
        };
        let recorded = self.recorded(permit, events);
        let stream = self
            .records
            .record_child_with(child, Some(expected_version), created, recorded)
            .await?;
        debug!(child = %child, version = stream.version(), "recorded");
        Ok(Receipt {
            child: child.clone(),
            version: stream.version(),
        })
    }

    /// Registers a new child with its first `events`, under the next free id.
    pub async fn register(
        &self,
        permit: &WritePermit,
        events: Vec<(Timestamp, ChildEvent)>,
    ) -> Result<Receipt, AppError> {
        if permit.child().is_some() {
            return Err(AppError::NotFound);
        }
        for _ in 0..REGISTER_ATTEMPTS {
            let id = self.store().next_child_id().await?;
            let recorded = self.recorded(permit, events.clone());
            match self.records.record_child(&id, Some(0), recorded).await {
                Ok(stream) => {
                    return Ok(Receipt {
                        child: id,
                        version: stream.version(),
                    });
                }
                Err(e) => match AppError::from(e) {
                    AppError::Stale { stream } if stream == StreamId::child(&id) => continue,
                    other => return Err(other),
                },
            }
        }
        Err(AppError::internal_message(
            "three new child ids in a row were taken while registering",
        ))
    }

    fn recorded(
        &self,
        permit: &WritePermit,
        events: Vec<(Timestamp, ChildEvent)>,
    ) -> Vec<Recorded<ChildEvent>> {
        let now = self.now();
        events
            .into_iter()
            .map(|(occurred_at, event)| Recorded {
                occurred_at,
                recorded_at: now,
                recorded_by: permit.principal().actor(),
                event,
            })
            .collect()
    }
}
