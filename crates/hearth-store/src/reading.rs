//! Reading many records at once, for the engines that work over the whole service (the
//! standards, the returns, the web app's directory). These reads are the system's, not a
//! person viewing a record, so they are not written to the access log.

use chrono::NaiveDate;
use hearth_domain::child::ChildEvent;
use hearth_domain::directory::{Adopter, MemoryDirectory, Staff, Team, fold_directory};
use hearth_domain::event::Recorded;
use hearth_domain::{AdopterId, ChildId, StaffId, StreamId, StreamKind, TeamId};

use crate::codec::decode_all;
use crate::{Store, StoreError, StoredEvent};

/// How many streams are read in one query.
pub const BATCH: usize = 1000;

/// Every stream of a kind.
pub async fn streams_of(store: &Store, kind: StreamKind) -> Result<Vec<StreamId>, StoreError> {
    Ok(store
        .list_streams(kind.as_str())
        .await?
        .iter()
        .filter_map(|s| StreamId::parse(&s.stream).ok())
        .collect())
}

/// Every member of staff and every team, folded.
pub async fn workforce(store: &Store) -> Result<MemoryDirectory, StoreError> {
    let mut dir = MemoryDirectory::default();
    for chunk in streams_of(store, StreamKind::Staff).await?.chunks(BATCH) {
        let events = store.read_streams(chunk).await?;
        for (stream, run) in by_stream(&events) {
            let state: Staff = fold_directory(&decode_all(run)?);
            if let (Ok(id), Some(member)) = (StaffId::parse(stream.id()), state.0) {
                dir.staff.insert(id, member);
            }
        }
    }
    for chunk in streams_of(store, StreamKind::Team).await?.chunks(BATCH) {
        let events = store.read_streams(chunk).await?;
        for (stream, run) in by_stream(&events) {
            let team: Team = fold_directory(&decode_all(run)?);
            if let Ok(id) = TeamId::parse(stream.id()) {
                dir.teams.insert(id, team);
            }
        }
    }
    Ok(dir)
}

/// Some children's events, child by child.
pub async fn children_events(
    store: &Store,
    streams: &[StreamId],
) -> Result<Vec<(ChildId, Vec<Recorded<ChildEvent>>)>, StoreError> {
    let events = store.read_streams(streams).await?;
    let mut out = Vec::new();
    for (stream, run) in by_stream(&events) {
        if let Ok(id) = ChildId::parse(stream.id()) {
            out.push((id, decode_all(run)?));
        }
    }
    Ok(out)
}

/// Every adopter household, folded from its events up to the end of `as_at`.
pub async fn adopters(
    store: &Store,
    as_at: NaiveDate,
) -> Result<Vec<(AdopterId, Adopter)>, StoreError> {
    let mut out = Vec::new();
    for chunk in streams_of(store, StreamKind::Adopter).await?.chunks(BATCH) {
        let events = store.read_streams(chunk).await?;
        for (stream, run) in by_stream(&events) {
            let mut events: Vec<Recorded<_>> = decode_all(run)?;
            events.retain(|e| e.date() <= as_at);
            if let Ok(id) = AdopterId::parse(stream.id()) {
                out.push((id, fold_directory::<Adopter>(&events)));
            }
        }
    }
    Ok(out)
}

/// Splits events read for several streams into each stream's run.
pub fn by_stream(events: &[StoredEvent]) -> Vec<(StreamId, &[StoredEvent])> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < events.len() {
        let stream = &events[start].stream;
        let end = events[start..]
            .iter()
            .position(|e| &e.stream != stream)
            .map_or(events.len(), |n| start + n);
        if let Ok(id) = StreamId::parse(stream) {
            out.push((id, &events[start..end]));
        }
        start = end;
    }
    out
}
