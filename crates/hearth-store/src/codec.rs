//! Encoding domain events for the store and decoding them back. Payloads are versioned: an
//! event stored under an older payload shape is upgraded by [`upcast`] before it is read.

use hearth_domain::event::{Actor, EventKind, Recorded, Stored};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{NewEvent, StoreError, StoredEvent};

/// The payload shape this build writes.
pub const SCHEMA_VERSION: i32 = 1;

/// Encodes an event for appending.
pub fn encode<E: Serialize + EventKind>(r: &Recorded<E>) -> Result<NewEvent, StoreError> {
    Ok(NewEvent {
        event_type: r.event.kind().to_owned(),
        schema_version: SCHEMA_VERSION,
        payload: serde_json::to_string(&r.event).map_err(|e| StoreError::Encode(e.to_string()))?,
        author: r.recorded_by.to_string(),
        occurred_at: r.occurred_at,
        recorded_at: r.recorded_at,
    })
}

/// Upgrades a payload written under an older shape. No shape has changed yet: when one does,
/// its migration goes here, keyed by kind and version, and `SCHEMA_VERSION` goes up.
fn upcast(_kind: &str, _from: i32, payload: serde_json::Value) -> serde_json::Value {
    payload
}

/// Decodes a stored event.
pub fn decode<E: DeserializeOwned>(s: &StoredEvent) -> Result<Stored<E>, StoreError> {
    let bad = |m: String| StoreError::Corrupt {
        stream: s.stream.clone(),
        version: s.version,
        message: m,
    };
    if s.schema_version > SCHEMA_VERSION {
        return Err(bad(format!(
            "payload version {} was written by a newer Hearth",
            s.schema_version
        )));
    }
    let event: E = if s.schema_version == SCHEMA_VERSION {
        serde_json::from_str(&s.payload).map_err(|e| bad(e.to_string()))?
    } else {
        let value: serde_json::Value =
            serde_json::from_str(&s.payload).map_err(|e| bad(e.to_string()))?;
        serde_json::from_value(upcast(&s.event_type, s.schema_version, value))
            .map_err(|e| bad(e.to_string()))?
    };
    Ok(Stored {
        seq: s.seq,
        version: u64::try_from(s.version).map_err(|_| bad("negative version".to_owned()))?,
        recorded: Recorded {
            occurred_at: s.occurred_at,
            recorded_at: s.recorded_at,
            recorded_by: Actor::parse(&s.author).map_err(|e| bad(e.to_string()))?,
            event,
        },
    })
}

/// Decodes a stream's events into their envelopes, in version order.
pub fn decode_all<E: DeserializeOwned>(
    events: &[StoredEvent],
) -> Result<Vec<Recorded<E>>, StoreError> {
    events
        .iter()
        .map(|s| decode::<E>(s).map(|d| d.recorded))
        .collect()
}
