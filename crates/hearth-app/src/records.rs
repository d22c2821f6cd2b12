//! The typed record service: load a stream, check a command against the domain's rules,
//! and append the accepted events with their projections in one transaction.
//!
//! Staff and teams (the workforce) are few and read by almost every check, so they are held
//! in memory; a reference the workforce does not know is looked up in the store before it is
//! called unknown. Other references (adults, professionals, children, adopters) are checked
//! against the store. Whatever this service appends to a staff or team stream is in the
//! workforce before the append returns, so a leaver, a team move or a new line manager takes
//! effect at once for every decision made from it.

use std::collections::{HashMap, HashSet};

use hearth_domain::child::{ChildEvent, ChildStream, Reference};
use hearth_domain::directory::{
    Adopter, Aggregate, Directory, MemoryDirectory, Person, PersonEvent, Professional,
    ProfessionalEvent, Staff, StaffMember, Team, append as append_directory, fold_directory,
};
use hearth_domain::event::{EventKind, Recorded};
use hearth_domain::ids::{
    AdopterId, ChildId, PersonId, ProfessionalId, StaffId, StreamId, StreamKind, TeamId,
};
use hearth_domain::interchange::{Journey, JourneyLine};
use hearth_domain::supervision::SupervisionFile;
use hearth_domain::{Actor, Refusal, Rule};
use serde::Serialize;
use tokio::sync::{RwLock, RwLockReadGuard};

use hearth_store::codec::{decode_all, encode};
use hearth_store::projection::{
    caseload_row, child_person_row, network_rows, person_row, sight_row,
};
use hearth_store::{
    AccessEntry, NewEvent, PersonRow, Projections, Store, StoreError, StoredEvent, StreamAppend,
};

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
    /// The stream is an audit's, which the interchange format and the import do not carry.
    #[error("{0} is an audit, which interchange files do not carry")]
    NotAJourney(StreamId),
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

/// A batch of interchange lines checked against the rules and the store, not yet written.
#[derive(Debug)]
pub struct CheckedBatch {
    outcomes: Vec<(usize, ImportOutcome)>,
    appends: Vec<StreamAppend>,
    projections: Projections,
    staff: Vec<(StaffId, StaffMember)>,
    teams: Vec<(TeamId, Team)>,
}

impl CheckedBatch {
    /// What writing the batch would do to each line, in line order.
    pub fn outcomes(&self) -> &[(usize, ImportOutcome)] {
        &self.outcomes
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
        Journey::Supervision(_, e) => refs::<SupervisionFile>(e),
        Journey::Child(_, e) => e
            .iter()
            .flat_map(|e| e.event.references())
            .chain(authors(e))
            .collect(),
    }
}

fn encode_all<E: Serialize + EventKind>(
    events: &[Recorded<E>],
) -> Result<Vec<NewEvent>, StoreError> {
    events.iter().map(encode).collect()
}

/// A record created together with a child's events that refer to it: an adult joining the
/// child's network, or a professional becoming involved.
#[derive(Debug, Clone)]
pub enum NewRecord {
    /// An adult's record, with its events from the first.
    Person(PersonId, Vec<Recorded<PersonEvent>>),
    /// A professional's record, with its events from the first.
    Professional(ProfessionalId, Vec<Recorded<ProfessionalEvent>>),
}

impl NewRecord {
    fn authors(&self) -> Vec<StaffId> {
        fn of<E>(events: &[Recorded<E>]) -> Vec<StaffId> {
            events
                .iter()
                .filter_map(|e| e.recorded_by.staff().cloned())
                .collect()
        }
        match self {
            NewRecord::Person(_, e) => of(e),
            NewRecord::Professional(_, e) => of(e),
        }
    }

    /// Checks the new record's events as a stream's first, makes it known to `dir` for the
    /// child's events, and gives what to append and its search row.
    fn check(
        self,
        dir: &mut BatchDirectory,
    ) -> Result<(StreamAppend, Option<PersonRow>), RecordError> {
        match self {
            NewRecord::Person(id, events) => {
                let mut state = Person::default();
                append_directory(&mut state, &events, dir).map_err(RecordError::Refused)?;
                let stream = StreamId::person(&id);
                dir.existing.insert(stream.to_string());
                let row = state.0.as_ref().map(|d| person_row(&id, d));
                Ok((
                    StreamAppend {
                        stream,
                        expected_version: 0,
                        events: encode_all(&events)?,
                    },
                    row,
                ))
            }
            NewRecord::Professional(id, events) => {
                let mut state = Professional::default();
                append_directory(&mut state, &events, dir).map_err(RecordError::Refused)?;
                let stream = StreamId::professional(&id);
                dir.existing.insert(stream.to_string());
                Ok((
                    StreamAppend {
                        stream,
                        expected_version: 0,
                        events: encode_all(&events)?,
                    },
                    None,
                ))
            }
        }
    }
}

/// The record service.
#[derive(Debug)]
pub struct Records {
    store: Store,
    /// Only `staff` and `teams` are filled: the workforce.
    cache: RwLock<MemoryDirectory>,
}

impl Records {
    /// Wraps a store, loading the staff and team cache.
    pub async fn open(store: Store) -> Result<Records, RecordError> {
        let records = Records {
            store,
            cache: RwLock::new(MemoryDirectory::default()),
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

    /// Every member of staff and every team as this service last read or wrote them
    /// (only `staff` and `teams` are filled). Hold the guard briefly: writes to staff and
    /// team streams wait for it.
    pub async fn workforce(&self) -> RwLockReadGuard<'_, MemoryDirectory> {
        self.cache.read().await
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

    /// A child's stream, if the child exists. Not logged, and so not for showing to anyone:
    /// the system's own read (checks, returns, the standards engine, access decisions).
    /// Views by people go through [`Records::view_child`].
    pub async fn child_unlogged(&self, id: &ChildId) -> Result<Option<ChildStream>, RecordError> {
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

    /// The events appended to a child's stream after `version`, for a reader that holds the
    /// stream up to there.
    pub async fn child_events_after(
        &self,
        id: &ChildId,
        version: u64,
    ) -> Result<Vec<Recorded<ChildEvent>>, RecordError> {
        let stored = self
            .store
            .read_stream_after(&StreamId::child(id), version)
            .await?;
        Ok(decode_all(&stored)?)
    }

    /// Several children's views in one transaction (see [`Store::read_streams_logged`]):
    /// for each (access-log row, version held), the events of the row's stream after that
    /// version. A stream that cannot be decoded fails only its own view.
    pub async fn view_children_events_after(
        &self,
        views: &[(AccessEntry, u64)],
    ) -> Result<Vec<Result<Vec<Recorded<ChildEvent>>, RecordError>>, RecordError> {
        let read = self.store.read_streams_logged(views).await?;
        Ok(read
            .iter()
            .map(|stored| decode_all(stored).map_err(RecordError::from))
            .collect())
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
        self.record_child_with(id, expected_version, None, events)
            .await
    }

    /// As [`Records::record_child`], creating first the adult's or professional's record
    /// the child's events refer to. Both are checked before anything is written and both are
    /// written in one transaction, so a refusal of either leaves neither. The new record is
    /// created only if its stream is absent; if another writer took the id, the whole
    /// command fails with [`StoreError::Conflict`] and the caller asks for another id.
    pub async fn record_child_with(
        &self,
        id: &ChildId,
        expected_version: Option<u64>,
        created: Option<NewRecord>,
        events: Vec<Recorded<ChildEvent>>,
    ) -> Result<ChildStream, RecordError> {
        let mut stream = self
            .child_unlogged(id)
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
        let authors = |staff: Option<&StaffId>| staff.cloned().map(Reference::Staff);
        let mut refs: Vec<Reference> = events
            .iter()
            .flat_map(|e| e.event.references())
            .chain(events.iter().filter_map(|e| authors(e.recorded_by.staff())))
            .collect();
        if let Some(created) = &created {
            refs.extend(created.authors().into_iter().map(Reference::Staff));
        }
        let mut dir = self.directory_for(refs).await?;
        let mut appends = Vec::new();
        let mut projections = Projections::default();
        if let Some(created) = created {
            let (append, row) = created.check(&mut dir)?;
            appends.push(append);
            projections.people.extend(row);
        }
        let encoded = encode_all(&events)?;
        stream.append(events, &dir).map_err(RecordError::Refused)?;
        projections.people.extend(child_person_row(stream.record()));
        {
            let cache = self.cache.read().await;
            projections
                .caseload
                .extend(caseload_row(stream.record(), |s| {
                    staff_team(&dir, &cache, s)
                }));
        }
        projections.network.extend(network_rows(stream.record()));
        projections.sight.push(sight_row(stream.record()));
        appends.push(StreamAppend {
            stream: StreamId::child(id),
            expected_version: version,
            events: encoded,
        });
        self.store.append(&appends, &projections).await?;
        Ok(stream)
    }

    /// Checks and writes a batch of interchange lines, in order: a line may refer to records
    /// written by earlier lines, and may continue a stream an earlier line (or the store)
    /// holds. Each line is accepted or refused whole. The accepted lines are written in one
    /// transaction; if that fails, none is. A line whose events the store already holds at
    /// the same versions is reported as already present, so an interrupted import can be
    /// run again.
    pub async fn import_batch(
        &self,
        lines: Vec<(usize, JourneyLine)>,
    ) -> Result<Vec<(usize, ImportOutcome)>, RecordError> {
        let checked = self.check_batch(lines).await?;
        self.write_checked(checked).await
    }

    /// Checks a batch as [`Records::import_batch`] does, and writes nothing: the outcomes
    /// say what writing it would do (`Imported` for the lines that would be written), so a
    /// caller can decide whether to write it at all with [`Records::write_checked`]. If
    /// anything is recorded on those streams in between, the write is refused whole.
    pub async fn check_batch(
        &self,
        lines: Vec<(usize, JourneyLine)>,
    ) -> Result<CheckedBatch, RecordError> {
        let mut streams: Vec<StreamId> = lines.iter().map(|(_, l)| l.journey.stream()).collect();
        streams.sort();
        streams.dedup();
        let existing: Vec<StreamId> = self
            .store
            .stream_versions(&streams)
            .await?
            .into_iter()
            .filter_map(|v| StreamId::parse(&v.stream).ok())
            .collect();
        let mut stored: HashMap<StreamId, Vec<StoredEvent>> = HashMap::new();
        for e in self.store.read_streams(&existing).await? {
            if let Ok(id) = StreamId::parse(&e.stream) {
                stored.entry(id).or_default().push(e);
            }
        }
        let refs: Vec<Reference> = lines
            .iter()
            .flat_map(|(_, l)| references_of(&l.journey))
            .collect();
        let mut dir = self.directory_for(refs).await?;

        let mut outcomes: Vec<(usize, ImportOutcome)> = Vec::with_capacity(lines.len());
        let mut states: HashMap<StreamId, StreamState> = HashMap::new();
        let mut appends: Vec<StreamAppend> = Vec::new();
        let mut touched: Vec<StreamId> = Vec::new();
        let mut written: Vec<(usize, usize)> = Vec::new();
        for (
            line,
            JourneyLine {
                from_version,
                journey,
            },
        ) in lines
        {
            let stream = journey.stream();
            let state = match states.entry(stream.clone()) {
                std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => v.insert(StreamState::load(
                    &stream,
                    stored.get(&stream).map_or(&[][..], Vec::as_slice),
                )?),
            };
            let version = state.version();
            let len = journey.len() as u64;
            let refuse = |reason: String| ImportOutcome::Refused { rule: None, reason };
            if from_version <= version {
                let in_store = stored.get(&stream).map_or(&[][..], Vec::as_slice);
                let outcome = if same_events(in_store, from_version, &journey)? {
                    ImportOutcome::AlreadyPresent
                } else {
                    refuse(format!(
                        "{stream} already has {version} events and they differ from this line's, which start at version {from_version}"
                    ))
                };
                outcomes.push((line, outcome));
                continue;
            }
            if from_version > version + 1 {
                outcomes.push((
                    line,
                    refuse(format!(
                        "this line continues {stream} from version {from_version}, but it has {version} events: the lines before it are missing or were refused"
                    )),
                ));
                continue;
            }
            let events = match encode_journey(&journey) {
                Ok(e) => e,
                Err(e) => {
                    outcomes.push((line, refuse(e.to_string())));
                    continue;
                }
            };
            let kind_of = |index: usize| journey_event_kind(&journey, index).unwrap_or("event");
            match state.append(&journey, &dir) {
                Ok(()) => {
                    state.update_directory(&stream, &mut dir);
                    dir.existing.insert(stream.to_string());
                    appends.push(StreamAppend {
                        stream: stream.clone(),
                        expected_version: version,
                        events,
                    });
                    touched.push(stream);
                    written.push((line, len as usize));
                }
                Err(r) => {
                    let reason = format!(
                        "events[{}] ({}): {}",
                        r.index,
                        kind_of(r.index),
                        r.violation
                    );
                    outcomes.push((
                        line,
                        ImportOutcome::Refused {
                            rule: Some(r.violation.rule),
                            reason,
                        },
                    ));
                }
            }
        }

        touched.sort();
        touched.dedup();
        let mut projections = Projections::default();
        let mut staff = Vec::new();
        let mut teams = Vec::new();
        {
            let cache = self.cache.read().await;
            for stream in &touched {
                match states.get(stream) {
                    Some(StreamState::Staff(Staff(Some(member)), _)) => {
                        if let Ok(id) = StaffId::parse(stream.id()) {
                            staff.push((id, member.clone()));
                        }
                    }
                    Some(StreamState::Team(team, _)) => {
                        if let Ok(id) = TeamId::parse(stream.id()) {
                            teams.push((id, team.clone()));
                        }
                    }
                    _ => {}
                }
                if let Some(state) = states.get(stream) {
                    state.projections(stream, &mut projections, |s| staff_team(&dir, &cache, s));
                }
            }
        }
        outcomes.extend(
            written
                .into_iter()
                .map(|(line, n)| (line, ImportOutcome::Imported(n))),
        );
        outcomes.sort_by_key(|(line, _)| *line);
        Ok(CheckedBatch {
            outcomes,
            appends,
            projections,
            staff,
            teams,
        })
    }

    /// Writes a checked batch's accepted lines in one transaction, and gives back its
    /// outcomes.
    pub async fn write_checked(
        &self,
        checked: CheckedBatch,
    ) -> Result<Vec<(usize, ImportOutcome)>, RecordError> {
        self.store
            .append(&checked.appends, &checked.projections)
            .await?;
        let mut cache = self.cache.write().await;
        cache.staff.extend(checked.staff);
        cache.teams.extend(checked.teams);
        Ok(checked.outcomes)
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
pub fn journey_from(stream: &StreamId, stored: &[StoredEvent]) -> Result<Journey, RecordError> {
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
        // An audit is not a journey of the interchange format: `crate::assurance` reads it.
        StreamKind::Audit => return Err(RecordError::NotAJourney(stream.clone())),
        StreamKind::Supervision => Journey::Supervision(
            StaffId::parse(stream.id()).map_err(bad)?,
            decode_all(stored)?,
        ),
    })
}

fn journey_event_kind(journey: &Journey, index: usize) -> Option<&'static str> {
    fn kind<E: EventKind>(events: &[Recorded<E>], index: usize) -> Option<&'static str> {
        events.get(index).map(|e| e.event.kind())
    }
    match journey {
        Journey::Team(_, e) => kind(e, index),
        Journey::Staff(_, e) => kind(e, index),
        Journey::Person(_, e) => kind(e, index),
        Journey::Professional(_, e) => kind(e, index),
        Journey::Adopter(_, e) => kind(e, index),
        Journey::Child(_, e) => kind(e, index),
        Journey::Supervision(_, e) => kind(e, index),
    }
}

/// A stream's state as an import batch builds it up.
#[derive(Debug)]
enum StreamState {
    Child(Box<ChildStream>),
    Team(Team, u64),
    Staff(Staff, u64),
    Person(Person, u64),
    Professional(Professional, u64),
    Adopter(Adopter, u64),
    Supervision(Box<SupervisionFile>, u64),
}

impl StreamState {
    /// The state of a stream from its stored events (none for a new stream).
    fn load(stream: &StreamId, stored: &[StoredEvent]) -> Result<StreamState, RecordError> {
        let v = stored.len() as u64;
        let bad = |e: hearth_domain::ids::InvalidId| StoreError::Corrupt {
            stream: stream.to_string(),
            version: 0,
            message: e.to_string(),
        };
        Ok(match stream.kind() {
            StreamKind::Child => StreamState::Child(Box::new(ChildStream::from_events(
                ChildId::parse(stream.id()).map_err(bad)?,
                decode_all(stored)?,
            ))),
            StreamKind::Team => StreamState::Team(fold_directory(&decode_all(stored)?), v),
            StreamKind::Staff => StreamState::Staff(fold_directory(&decode_all(stored)?), v),
            StreamKind::Person => StreamState::Person(fold_directory(&decode_all(stored)?), v),
            StreamKind::Professional => {
                StreamState::Professional(fold_directory(&decode_all(stored)?), v)
            }
            StreamKind::Adopter => StreamState::Adopter(fold_directory(&decode_all(stored)?), v),
            StreamKind::Audit => return Err(RecordError::NotAJourney(stream.clone())),
            StreamKind::Supervision => {
                StreamState::Supervision(Box::new(fold_directory(&decode_all(stored)?)), v)
            }
        })
    }

    fn version(&self) -> u64 {
        match self {
            StreamState::Child(s) => s.version(),
            StreamState::Team(_, v)
            | StreamState::Staff(_, v)
            | StreamState::Person(_, v)
            | StreamState::Professional(_, v)
            | StreamState::Adopter(_, v)
            | StreamState::Supervision(_, v) => *v,
        }
    }

    /// Checks a line's events and folds them in; on refusal nothing changes.
    fn append(&mut self, journey: &Journey, dir: &BatchDirectory) -> Result<(), Refusal> {
        fn directory<A: Aggregate>(
            state: &mut A,
            version: &mut u64,
            events: &[Recorded<A::Event>],
            dir: &BatchDirectory,
        ) -> Result<(), Refusal> {
            append_directory(state, events, dir)?;
            *version += events.len() as u64;
            Ok(())
        }
        match (self, journey) {
            (StreamState::Child(s), Journey::Child(_, e)) => s.append(e.clone(), dir),
            (StreamState::Team(s, v), Journey::Team(_, e)) => directory(s, v, e, dir),
            (StreamState::Staff(s, v), Journey::Staff(_, e)) => directory(s, v, e, dir),
            (StreamState::Person(s, v), Journey::Person(_, e)) => directory(s, v, e, dir),
            (StreamState::Professional(s, v), Journey::Professional(_, e)) => {
                directory(s, v, e, dir)
            }
            (StreamState::Adopter(s, v), Journey::Adopter(_, e)) => directory(s, v, e, dir),
            (StreamState::Supervision(s, v), Journey::Supervision(_, e)) => {
                directory(s.as_mut(), v, e, dir)
            }
            // A stream id fixes its kind, so the state and the line always agree.
            _ => Err(Refusal {
                index: 0,
                violation: hearth_domain::RuleViolation::new(
                    Rule::DirectoryRecord,
                    "the line does not match its stream's kind",
                ),
            }),
        }
    }

    /// Makes a staff member or team written in this batch visible to later lines.
    fn update_directory(&self, stream: &StreamId, dir: &mut BatchDirectory) {
        match self {
            StreamState::Staff(Staff(Some(member)), _) => {
                if let Ok(id) = StaffId::parse(stream.id()) {
                    dir.staff.insert(id, member.clone());
                }
            }
            StreamState::Team(team, _) => {
                if let Ok(id) = TeamId::parse(stream.id()) {
                    dir.teams.insert(id, team.clone());
                }
            }
            _ => {}
        }
    }

    fn projections(
        &self,
        stream: &StreamId,
        out: &mut Projections,
        staff_team: impl Fn(&StaffId) -> Option<TeamId>,
    ) {
        match self {
            StreamState::Child(s) => {
                out.people.extend(child_person_row(s.record()));
                out.caseload.extend(caseload_row(s.record(), staff_team));
                out.network.extend(network_rows(s.record()));
                out.sight.push(sight_row(s.record()));
            }
            StreamState::Person(Person(Some(d)), _) => {
                if let Ok(id) = PersonId::parse(stream.id()) {
                    out.people.push(person_row(&id, d));
                }
            }
            _ => {}
        }
    }
}

fn encode_journey(journey: &Journey) -> Result<Vec<NewEvent>, StoreError> {
    match journey {
        Journey::Team(_, e) => encode_all(e),
        Journey::Staff(_, e) => encode_all(e),
        Journey::Person(_, e) => encode_all(e),
        Journey::Professional(_, e) => encode_all(e),
        Journey::Adopter(_, e) => encode_all(e),
        Journey::Child(_, e) => encode_all(e),
        Journey::Supervision(_, e) => encode_all(e),
    }
}

/// Whether the store holds exactly a line's events at the line's versions.
fn same_events(
    stored: &[StoredEvent],
    from_version: u64,
    journey: &Journey,
) -> Result<bool, StoreError> {
    let start = usize::try_from(from_version.saturating_sub(1)).unwrap_or(usize::MAX);
    let Some(slice) = stored.get(start..start.saturating_add(journey.len())) else {
        return Ok(false);
    };
    Ok(match journey {
        Journey::Team(_, e) => decode_all(slice)? == *e,
        Journey::Staff(_, e) => decode_all(slice)? == *e,
        Journey::Person(_, e) => decode_all(slice)? == *e,
        Journey::Professional(_, e) => decode_all(slice)? == *e,
        Journey::Adopter(_, e) => decode_all(slice)? == *e,
        Journey::Child(_, e) => decode_all(slice)? == *e,
        Journey::Supervision(_, e) => decode_all(slice)? == *e,
    })
}

/// A member of staff's team: from the staff a batch wrote or refers to, or else the cache of
/// every member of staff.
fn staff_team(dir: &BatchDirectory, cache: &MemoryDirectory, id: &StaffId) -> Option<TeamId> {
    dir.staff
        .get(id)
        .or_else(|| cache.staff.get(id))
        .map(|s| s.team.clone())
}

/// The actor for a command-line process.
pub fn cli_actor() -> Actor {
    Actor::System("cli".to_owned())
}
