//! The typed record service: load a stream, check a command against the domain's rules,
//! and append the accepted events with their projections in one transaction.
//!
//! Staff and teams are few and read by almost every check, so they are cached; a reference
//! the cache does not know is looked up in the store before it is called unknown. Other
//! references (adults, professionals, children, adopters) are checked against the store.

use std::collections::{HashMap, HashSet};

use hearth_domain::child::{ChildEvent, ChildStream, Reference};
use hearth_domain::directory::{
    Adopter, Aggregate, Directory, Person, Professional, Staff, StaffMember, Team,
    append as append_directory, fold_directory,
};
use hearth_domain::event::{EventKind, Recorded};
use hearth_domain::ids::{
    AdopterId, ChildId, PersonId, ProfessionalId, StaffId, StreamId, StreamKind, TeamId,
};
use hearth_domain::interchange::Journey;
use hearth_domain::{Actor, Refusal, Rule};
use serde::Serialize;
use tokio::sync::RwLock;

use crate::codec::{decode_all, encode};
use crate::projection::{caseload_row, child_person_row, person_row};
use crate::{AccessEntry, Projections, Store, StoreError, StreamAppend};

/// Errors from the record service.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The command broke a rule; nothing was written.
    #[error("{0}")]
    Refused(Refusal),
    /// The record does not exist.
    #[error("{0} does not exist")]
    NotFound(StreamId),
    /// The store failed, or the stream changed since it was read; nothing was written.
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Default)]
struct Cache {
    staff: HashMap<StaffId, StaffMember>,
    teams: HashMap<TeamId, Team>,
}

/// The records an event batch refers to, gathered before checking so checking stays pure.
#[derive(Debug, Default)]
struct BatchDirectory {
    staff: HashMap<StaffId, StaffMember>,
    teams: HashMap<TeamId, Team>,
    existing: HashSet<String>,
}

impl Directory for BatchDirectory {
    fn staff(&self, id: &StaffId) -> Option<&StaffMember> {
        self.staff.get(id)
    }
    fn team(&self, id: &TeamId) -> Option<&Team> {
        self.teams.get(id)
    }
    fn has_person(&self, id: &PersonId) -> bool {
        self.existing.contains(&StreamId::person(id).to_string())
    }
    fn has_professional(&self, id: &ProfessionalId) -> bool {
        self.existing
            .contains(&StreamId::professional(id).to_string())
    }
    fn has_child(&self, id: &ChildId) -> bool {
        self.existing.contains(&StreamId::child(id).to_string())
    }
    fn has_adopter(&self, id: &AdopterId) -> bool {
        self.existing.contains(&StreamId::adopter(id).to_string())
    }
}

/// What happened to one journey of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// Written, with this many events.
    Imported(usize),
    /// The stream already holds exactly these events (an earlier import wrote it).
    AlreadyPresent,
    /// Refused; nothing from this journey was written.
    Refused {
        /// The rule broken, when a domain rule was.
        rule: Option<Rule>,
        /// What was wrong.
        reason: String,
    },
}

fn references_of(journey: &Journey) -> Vec<Reference> {
    fn authors<E>(events: &[Recorded<E>]) -> impl Iterator<Item = Reference> + '_ {
        events
            .iter()
            .filter_map(|e| e.recorded_by.staff().cloned().map(Reference::Staff))
    }
    fn refs<A: Aggregate>(events: &[Recorded<A::Event>]) -> Vec<Reference> {
        events
            .iter()
            .flat_map(|e| A::references(&e.event))
            .chain(authors(events))
            .collect()
    }
    match journey {
        Journey::Team(_, e) => refs::<Team>(e),
        Journey::Staff(_, e) => refs::<Staff>(e),
        Journey::Person(_, e) => refs::<Person>(e),
        Journey::Professional(_, e) => refs::<Professional>(e),
        Journey::Adopter(_, e) => refs::<Adopter>(e),
        Journey::Child(_, e) => e
            .iter()
            .flat_map(|e| e.event.references())
            .chain(authors(e))
            .collect(),
    }
}

fn encode_all<E: Serialize + EventKind>(
    events: &[Recorded<E>],
) -> Result<Vec<crate::NewEvent>, StoreError> {
    events.iter().map(encode).collect()
}

/// A journey that passed the rules, ready to write.
struct Accepted {
    line: usize,
    append: StreamAppend,
    projections: Projections,
    staff: Option<(StaffId, StaffMember)>,
    team: Option<(TeamId, Team)>,
    events: usize,
}

/// The record service.
#[derive(Debug)]
pub struct Records {
    store: Store,
    cache: RwLock<Cache>,
}

impl Records {
    /// Wraps a store, loading the staff and team cache.
    pub async fn open(store: Store) -> Result<Records, RecordError> {
        let records = Records {
            store,
            cache: RwLock::new(Cache::default()),
        };
        let staff = records
            .store
            .list_streams(StreamKind::Staff.as_str())
            .await?;
        let teams = records
            .store
            .list_streams(StreamKind::Team.as_str())
            .await?;
        let ids: Vec<StreamId> = staff
            .iter()
            .chain(&teams)
            .filter_map(|s| StreamId::parse(&s.stream).ok())
            .collect();
        records.load_into_cache(&ids).await?;
        Ok(records)
    }

    /// The underlying store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    async fn load_into_cache(&self, ids: &[StreamId]) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let events = self.store.read_streams(ids).await?;
        let mut cache = self.cache.write().await;
        let mut start = 0;
        while start < events.len() {
            let stream = events[start].stream.clone();
            let end = events[start..]
                .iter()
                .position(|e| e.stream != stream)
                .map_or(events.len(), |n| start + n);
            let slice = &events[start..end];
            match StreamId::parse(&stream) {
                Ok(id) if id.kind() == StreamKind::Staff => {
                    let state: Staff = fold_directory(&decode_all(slice)?);
                    if let (Ok(sid), Some(member)) = (StaffId::parse(id.id()), state.0) {
                        cache.staff.insert(sid, member);
                    }
                }
                Ok(id) if id.kind() == StreamKind::Team => {
                    let state: Team = fold_directory(&decode_all(slice)?);
                    if let Ok(tid) = TeamId::parse(id.id()) {
                        cache.teams.insert(tid, state);
                    }
                }
                _ => {}
            }
            start = end;
        }
        Ok(())
    }

    /// Gathers what a batch refers to.
    async fn directory_for(&self, refs: Vec<Reference>) -> Result<BatchDirectory, StoreError> {
        let mut dir = BatchDirectory::default();
        let mut lookups: Vec<StreamId> = Vec::new();
        let mut uncached: Vec<StreamId> = Vec::new();
        {
            let cache = self.cache.read().await;
            let mut seen = HashSet::new();
            for r in refs {
                if !seen.insert(r.clone()) {
                    continue;
                }
                match r {
                    Reference::Staff(id) => match cache.staff.get(&id) {
                        Some(s) => {
                            dir.staff.insert(id, s.clone());
                        }
                        None => uncached.push(StreamId::staff(&id)),
                    },
                    Reference::Team(id) => match cache.teams.get(&id) {
                        Some(t) => {
                            dir.teams.insert(id, t.clone());
                        }
                        None => uncached.push(StreamId::team(&id)),
                    },
                    Reference::Person(id) => lookups.push(StreamId::person(&id)),
                    Reference::Professional(id) => lookups.push(StreamId::professional(&id)),
                    Reference::Child(id) => lookups.push(StreamId::child(&id)),
                    Reference::Adopter(id) => lookups.push(StreamId::adopter(&id)),
                }
            }
        }
        if !uncached.is_empty() {
            // Another process may have added them since the cache was loaded.
            self.load_into_cache(&uncached).await?;
            let cache = self.cache.read().await;
            for id in &uncached {
                if let Ok(sid) = StaffId::parse(id.id())
                    && id.kind() == StreamKind::Staff
                    && let Some(s) = cache.staff.get(&sid)
                {
                    dir.staff.insert(sid, s.clone());
                }
                if let Ok(tid) = TeamId::parse(id.id())
                    && id.kind() == StreamKind::Team
                    && let Some(t) = cache.teams.get(&tid)
                {
                    dir.teams.insert(tid, t.clone());
                }
            }
        }
        if !lookups.is_empty() {
            for v in self.store.stream_versions(&lookups).await? {
                dir.existing.insert(v.stream);
            }
        }
        Ok(dir)
    }

    /// A child's stream, if the child exists. Not logged: for internal use (checks,
    /// returns, the standards engine). Views by people go through [`Records::view_child`].
    pub async fn child(&self, id: &ChildId) -> Result<Option<ChildStream>, RecordError> {
        let stored = self.store.read_stream(&StreamId::child(id)).await?;
        if stored.is_empty() {
            return Ok(None);
        }
        Ok(Some(ChildStream::from_events(
            id.clone(),
            decode_all(&stored)?,
        )))
    }

    /// A child's stream, read in the same transaction as the access-log row for the read.
    pub async fn view_child(
        &self,
        id: &ChildId,
        access: &AccessEntry,
    ) -> Result<Option<ChildStream>, RecordError> {
        let stored = self
            .store
            .read_stream_logged(&StreamId::child(id), access)
            .await?;
        if stored.is_empty() {
            return Ok(None);
        }
        Ok(Some(ChildStream::from_events(
            id.clone(),
            decode_all(&stored)?,
        )))
    }

    /// Checks a command's events against a child's record and appends them. With
    /// `expected_version`, the command is refused if the record has changed since the caller
    /// read it at that version; without, it is checked against the latest record.
    pub async fn record_child(
        &self,
        id: &ChildId,
        expected_version: Option<u64>,
        events: Vec<Recorded<ChildEvent>>,
    ) -> Result<ChildStream, RecordError> {
        let mut stream = self
            .child(id)
            .await?
            .unwrap_or_else(|| ChildStream::new(id.clone()));
        let version = stream.version();
        if let Some(expected) = expected_version
            && expected != version
        {
            return Err(StoreError::Conflict {
                stream: StreamId::child(id),
                expected,
                actual: version,
            }
            .into());
        }
        let refs: Vec<Reference> = events
            .iter()
            .flat_map(|e| e.event.references())
            .chain(
                events
                    .iter()
                    .filter_map(|e| e.recorded_by.staff().cloned().map(Reference::Staff)),
            )
            .collect();
        let dir = self.directory_for(refs).await?;
        let encoded = encode_all(&events)?;
        stream.append(events, &dir).map_err(RecordError::Refused)?;
        let projections = Projections {
            people: child_person_row(stream.record()).into_iter().collect(),
            caseload: caseload_row(stream.record()).into_iter().collect(),
        };
        let append = StreamAppend {
            stream: StreamId::child(id),
            expected_version: version,
            events: encoded,
        };
        self.store.append(&[append], &projections).await?;
        Ok(stream)
    }

    /// Checks and writes a batch of whole journeys (new streams), in order: later journeys
    /// may refer to records created by earlier ones. Each journey is accepted or refused
    /// whole. The accepted ones are written in one transaction; if that fails, none is.
    /// A journey whose stream already holds exactly its events is reported as already
    /// present, so an interrupted import can be run again.
    pub async fn import_batch(
        &self,
        journeys: Vec<(usize, Journey)>,
    ) -> Result<Vec<(usize, ImportOutcome)>, RecordError> {
        let streams: Vec<StreamId> = journeys.iter().map(|(_, j)| j.stream()).collect();
        let existing: HashSet<String> = self
            .store
            .stream_versions(&streams)
            .await?
            .into_iter()
            .map(|v| v.stream)
            .collect();
        let refs: Vec<Reference> = journeys
            .iter()
            .flat_map(|(_, j)| references_of(j))
            .collect();
        let mut dir = self.directory_for(refs).await?;

        let mut outcomes: Vec<(usize, ImportOutcome)> = Vec::with_capacity(journeys.len());
        let mut accepted: Vec<Accepted> = Vec::new();
        let mut in_batch: HashSet<String> = HashSet::new();
        for (line, journey) in journeys {
            let stream = journey.stream();
            let key = stream.to_string();
            if existing.contains(&key) {
                let outcome = if self.holds_exactly(&journey).await? {
                    ImportOutcome::AlreadyPresent
                } else {
                    ImportOutcome::Refused {
                        rule: None,
                        reason: format!(
                            "{stream} already exists with different events; nothing was written for this line"
                        ),
                    }
                };
                outcomes.push((line, outcome));
                continue;
            }
            if !in_batch.insert(key.clone()) {
                outcomes.push((
                    line,
                    ImportOutcome::Refused {
                        rule: None,
                        reason: format!(
                            "{stream} appears twice in the file; a journey is one line"
                        ),
                    },
                ));
                continue;
            }
            match check_journey(line, &journey, &dir) {
                Ok(a) => {
                    if let Some((id, member)) = &a.staff {
                        dir.staff.insert(id.clone(), member.clone());
                    }
                    if let Some((id, team)) = &a.team {
                        dir.teams.insert(id.clone(), team.clone());
                    }
                    dir.existing.insert(key);
                    accepted.push(a);
                }
                Err(e) => {
                    in_batch.remove(&key);
                    let (rule, reason) = match e {
                        JourneyError::Refused(r) => (Some(r.violation.rule), r.to_string()),
                        JourneyError::Encode(e) => (None, e.to_string()),
                    };
                    outcomes.push((line, ImportOutcome::Refused { rule, reason }));
                }
            }
        }

        let appends: Vec<StreamAppend> = accepted.iter().map(|a| a.append.clone()).collect();
        let mut projections = Projections::default();
        for a in &accepted {
            projections
                .people
                .extend(a.projections.people.iter().cloned());
            projections
                .caseload
                .extend(a.projections.caseload.iter().cloned());
        }
        match self.store.append(&appends, &projections).await {
            Ok(()) => {}
            Err(StoreError::Conflict { .. }) => {
                // Someone else wrote one of these streams meanwhile: write the rest one by one.
                let mut written = Vec::new();
                for a in accepted {
                    match self
                        .store
                        .append(std::slice::from_ref(&a.append), &a.projections)
                        .await
                    {
                        Ok(()) => written.push(a),
                        Err(StoreError::Conflict { stream, .. }) => outcomes.push((
                            a.line,
                            ImportOutcome::Refused {
                                rule: None,
                                reason: format!(
                                    "{stream} was written by someone else during the import"
                                ),
                            },
                        )),
                        Err(e) => return Err(e.into()),
                    }
                }
                accepted = written;
            }
            Err(e) => return Err(e.into()),
        }
        {
            let mut cache = self.cache.write().await;
            for a in &accepted {
                if let Some((id, member)) = &a.staff {
                    cache.staff.insert(id.clone(), member.clone());
                }
                if let Some((id, team)) = &a.team {
                    cache.teams.insert(id.clone(), team.clone());
                }
            }
        }
        outcomes.extend(
            accepted
                .iter()
                .map(|a| (a.line, ImportOutcome::Imported(a.events))),
        );
        outcomes.sort_by_key(|(line, _)| *line);
        Ok(outcomes)
    }

    async fn holds_exactly(&self, journey: &Journey) -> Result<bool, StoreError> {
        let stored = self.store.read_stream(&journey.stream()).await?;
        Ok(match journey {
            Journey::Team(_, e) => decode_all(&stored)? == *e,
            Journey::Staff(_, e) => decode_all(&stored)? == *e,
            Journey::Person(_, e) => decode_all(&stored)? == *e,
            Journey::Professional(_, e) => decode_all(&stored)? == *e,
            Journey::Adopter(_, e) => decode_all(&stored)? == *e,
            Journey::Child(_, e) => decode_all(&stored)? == *e,
        })
    }

    /// Reads a whole stream back as a journey (for export and for printing).
    pub async fn journey(&self, stream: &StreamId) -> Result<Option<Journey>, RecordError> {
        let stored = self.store.read_stream(stream).await?;
        if stored.is_empty() {
            return Ok(None);
        }
        journey_from(stream, &stored).map(Some)
    }
}

/// Types stored events as the journey of their stream.
pub fn journey_from(
    stream: &StreamId,
    stored: &[crate::StoredEvent],
) -> Result<Journey, RecordError> {
    let bad = |e: hearth_domain::ids::InvalidId| StoreError::Corrupt {
        stream: stream.to_string(),
        version: 0,
        message: e.to_string(),
    };
    Ok(match stream.kind() {
        StreamKind::Team => Journey::Team(
            TeamId::parse(stream.id()).map_err(bad)?,
            decode_all(stored)?,
        ),
        StreamKind::Staff => Journey::Staff(
            StaffId::parse(stream.id()).map_err(bad)?,
            decode_all(stored)?,
        ),
        StreamKind::Person => Journey::Person(
            PersonId::parse(stream.id()).map_err(bad)?,
            decode_all(stored)?,
        ),
        StreamKind::Professional => Journey::Professional(
            ProfessionalId::parse(stream.id()).map_err(bad)?,
            decode_all(stored)?,
        ),
        StreamKind::Adopter => Journey::Adopter(
            AdopterId::parse(stream.id()).map_err(bad)?,
            decode_all(stored)?,
        ),
        StreamKind::Child => Journey::Child(
            ChildId::parse(stream.id()).map_err(bad)?,
            decode_all(stored)?,
        ),
    })
}

enum JourneyError {
    Refused(Refusal),
    Encode(StoreError),
}

fn check_journey(
    line: usize,
    journey: &Journey,
    dir: &BatchDirectory,
) -> Result<Accepted, JourneyError> {
    fn directory<A: Aggregate>(
        events: &[Recorded<A::Event>],
        dir: &BatchDirectory,
    ) -> Result<A, JourneyError> {
        let mut state = A::default();
        append_directory(&mut state, events, dir).map_err(JourneyError::Refused)?;
        Ok(state)
    }
    let stream = journey.stream();
    let mut accepted = Accepted {
        line,
        append: StreamAppend {
            stream: stream.clone(),
            expected_version: 0,
            events: Vec::new(),
        },
        projections: Projections::default(),
        staff: None,
        team: None,
        events: journey.len(),
    };
    let encoded = match journey {
        Journey::Team(id, e) => {
            accepted.team = Some((id.clone(), directory::<Team>(e, dir)?));
            encode_all(e)
        }
        Journey::Staff(id, e) => {
            let state = directory::<Staff>(e, dir)?;
            accepted.staff = state.0.map(|m| (id.clone(), m));
            encode_all(e)
        }
        Journey::Person(id, e) => {
            let state = directory::<Person>(e, dir)?;
            if let Some(d) = &state.0 {
                accepted.projections.people.push(person_row(id, d));
            }
            encode_all(e)
        }
        Journey::Professional(_, e) => {
            directory::<Professional>(e, dir)?;
            encode_all(e)
        }
        Journey::Adopter(_, e) => {
            directory::<Adopter>(e, dir)?;
            encode_all(e)
        }
        Journey::Child(id, e) => {
            let mut s = ChildStream::new(id.clone());
            s.append(e.clone(), dir).map_err(JourneyError::Refused)?;
            accepted
                .projections
                .people
                .extend(child_person_row(s.record()));
            accepted
                .projections
                .caseload
                .extend(caseload_row(s.record()));
            encode_all(e)
        }
    };
    accepted.append.events = encoded.map_err(JourneyError::Encode)?;
    Ok(accepted)
}

/// The actor for a command-line process.
pub fn cli_actor() -> Actor {
    Actor::System("cli".to_owned())
}
