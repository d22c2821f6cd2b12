//! The event store: an append-only events table with a global sequence and per-stream
//! versions, projection tables for search and caseloads, and the access log. The same
//! schema and SQL run on SQLite (the default, embedded) and PostgreSQL, chosen by URL.
//!
//! [`Store`] is the raw store: it knows streams, versions and JSON payloads, not the domain.
//! The typed layer that checks commands against the domain's rules and appends their
//! events with these projections is `hearth-app`'s `Records`.

mod backend;
pub mod codec;
pub mod projection;
pub mod reading;
pub mod search;
pub mod sight;

use hearth_domain::{ChildId, PersonId, ProfessionalId, StreamId, Timestamp};

pub use backend::{PgStore, SqliteStore};

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (WAL mode, full synchronous writes).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        })
    }
}

/// Errors from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another writer appended to the stream first; nothing was written.
    #[error(
        "{stream} has changed since it was read (expected version {expected}, found {actual}); nothing was written"
    )]
    Conflict {
        /// The stream.
        stream: StreamId,
        /// The version the writer expected.
        expected: u64,
        /// The version the store holds.
        actual: u64,
    },
    /// The database URL is not one the store understands.
    #[error("'{0}' is not a database URL: use sqlite://PATH or postgres://...")]
    InvalidUrl(String),
    /// A stored event could not be read back.
    #[error("event {version} of {stream} cannot be read: {message}")]
    Corrupt {
        /// The stream.
        stream: String,
        /// The event's version.
        version: i64,
        /// What was wrong.
        message: String,
    },
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// An event could not be encoded.
    #[error("event cannot be encoded: {0}")]
    Encode(String),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

/// An event to append, already encoded.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// The event's kind.
    pub event_type: String,
    /// The version of the payload's shape.
    pub schema_version: i32,
    /// The event as JSON.
    pub payload: String,
    /// Who recorded it (`staff/ID` or `system/name`).
    pub author: String,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// When it was recorded.
    pub recorded_at: Timestamp,
}

/// An event read back from the store.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Position in the whole store.
    pub seq: i64,
    /// The stream, as stored (`kind/id`).
    pub stream: String,
    /// Position in the stream, from 1.
    pub version: i64,
    /// The event's kind.
    pub event_type: String,
    /// The version of the payload's shape.
    pub schema_version: i32,
    /// The event as JSON.
    pub payload: String,
    /// Who recorded it.
    pub author: String,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// When it was recorded.
    pub recorded_at: Timestamp,
}

/// Events to append to one stream, and the version the writer saw it at.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamAppend {
    /// The stream.
    pub stream: StreamId,
    /// The stream's version when the writer read it (0 for a new stream).
    pub expected_version: u64,
    /// The events, in order.
    pub events: Vec<NewEvent>,
}

/// A row of the person search projection.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    /// The person's stream.
    pub stream: StreamId,
    /// Name as shown.
    pub display_name: String,
    /// Family name, normalised for matching.
    pub family_name: String,
    /// Given names, normalised for matching.
    pub given_names: String,
    /// Date of birth (or expected date of birth).
    pub date_of_birth: Option<chrono::NaiveDate>,
    /// UPN.
    pub upn: Option<String>,
    /// NHS number.
    pub nhs_number: Option<String>,
    /// Current postcode.
    pub postcode: Option<String>,
    /// Name tokens and their phonetic keys.
    pub tokens: Vec<(String, String)>,
}

/// A row of the caseload projection.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseloadRow {
    /// The child's stream id.
    pub child_id: String,
    /// Name as shown.
    pub display_name: String,
    /// Whether the child has an open child in need episode.
    pub is_open: bool,
    /// The child's main status: `looked_after`, `cp_plan`, `cin_plan`, `assessment`,
    /// `referral`, `care_leaver` or `closed`.
    pub status: String,
    /// Allocated worker: the social worker, or for a care leaver without one, their personal
    /// adviser.
    pub worker_id: Option<String>,
    /// The worker's team.
    pub team_id: Option<String>,
    /// Current legal status, if looked after.
    pub legal_status: Option<String>,
    /// Latest category of abuse, if on a plan.
    pub cp_category: Option<String>,
    /// When the open episode started.
    pub opened_on: Option<chrono::NaiveDate>,
    /// When anything last happened.
    pub last_activity_at: Option<Timestamp>,
    /// The day the case stops being open by itself, with nothing recorded: a care leaver's
    /// support ends on their 21st birthday, or their 25th once they asked for it to continue.
    pub open_until: Option<chrono::NaiveDate>,
}

impl CaseloadRow {
    /// Whether the case is open on a date: not closed, and its support not yet ended. Pages
    /// that list open cases ask this rather than reading `status` alone, because a care
    /// leaver's case closes on a birthday, when nothing is written.
    pub fn open_on(&self, date: chrono::NaiveDate) -> bool {
        self.status != "closed" && self.open_until.is_none_or(|until| date < until)
    }
}

/// Projection rows to write in the same transaction as an append.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Projections {
    /// Person search rows (replacing any earlier row for the stream).
    pub people: Vec<PersonRow>,
    /// Caseload rows (replacing any earlier row for the child).
    pub caseload: Vec<CaseloadRow>,
    /// Adults in children's networks (added to what is held; a link once made is kept).
    pub network: Vec<NetworkLinkRow>,
    /// What decides who may see each child (replacing any earlier row for the child).
    pub sight: Vec<sight::SightRow>,
}

/// An adult who is or was in a child's network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkLinkRow {
    /// The adult's id (without the stream prefix).
    pub person_id: String,
    /// The child's id (without the stream prefix).
    pub child_id: String,
}

/// One read of a record, for the access log.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessEntry {
    /// When.
    pub at: Timestamp,
    /// Who (`staff/ID` or `system/name`).
    pub actor: String,
    /// Which record.
    pub stream: StreamId,
    /// What they did (`view`, `export`, ...).
    pub action: String,
    /// Why, or which page.
    pub detail: Option<String>,
}

/// A row of the access log.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessRow {
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: String,
    /// Which record.
    pub stream: String,
    /// What they did.
    pub action: String,
    /// Why, or which page.
    pub detail: Option<String>,
}

/// A local sign-in account.
#[derive(Clone, PartialEq)]
pub struct AccountRow {
    /// What the person types to sign in.
    pub username: String,
    /// The member of staff it belongs to (`S0001`, without the stream prefix).
    pub staff_id: String,
    /// The password's hash, in PHC string format.
    pub password_hash: String,
    /// When it was set or last changed.
    pub changed_at: Timestamp,
    /// Whether sign-in is refused.
    pub disabled: bool,
}

impl std::fmt::Debug for AccountRow {
    // The hash stays out of logs and error messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountRow")
            .field("username", &self.username)
            .field("staff_id", &self.staff_id)
            .field("changed_at", &self.changed_at)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

/// A signed-in session, as the store keeps it: the token itself is never stored, only its
/// hash, so the table opens nothing if it is copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// SHA-256 of the session's token, in hex.
    pub token_hash: String,
    /// The account signed in with.
    pub username: String,
    /// The member of staff it signed in as.
    pub staff_id: String,
    /// Their role when they signed in (its code).
    pub role: String,
    /// Their team when they signed in.
    pub team_id: String,
    /// The account's credentials version when they signed in.
    pub credentials_version: i64,
    /// The browser's own description of itself, shortened.
    pub user_agent: String,
    /// When it began.
    pub started_at: Timestamp,
    /// When it was last used (to within the minute: it is not written on every request).
    pub last_seen_at: Timestamp,
}

/// A session with its account as the account now stands, read together in one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionCheck {
    /// The session.
    pub session: SessionRow,
    /// The account now: none if it has gone.
    pub account: Option<AccountNow>,
}

/// What of an account decides whether its sessions still stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountNow {
    /// The member of staff it signs in as.
    pub staff_id: String,
    /// Whether sign-in is refused.
    pub disabled: bool,
    /// Raised whenever its password changes, it is disabled, or its sessions are ended.
    pub credentials_version: i64,
}

/// Failed sign-ins against one subject (`account:NAME` or `address:IP`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInFailures {
    /// `account:NAME` or `address:IP`.
    pub subject: String,
    /// Failures since the last success or lifting.
    pub failures: i64,
    /// When the last one was.
    pub last_failure_at: Timestamp,
}

/// Who the council is, as the returns name it. Held as given; the command that sets it
/// checks each value first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouncilSettings {
    /// The council's name (`London Borough of Bromley`).
    pub name: String,
    /// Its three-digit DfE number (`305`), the CIN census's `LEA`.
    pub la_number: String,
    /// Its ONS code (`E09000006`), which DfE's validator uses for placement locations.
    pub ons_code: String,
}

/// A stream and its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamVersion {
    /// The stream, as stored.
    pub stream: String,
    /// How many events it holds.
    pub version: u64,
}

/// A store on one backend, scoped to one council (tenant).
#[derive(Debug, Clone)]
pub enum Store {
    /// SQLite.
    Sqlite(SqliteStore),
    /// PostgreSQL.
    Postgres(PgStore),
}

// A prefix and digits is always a valid id; the error is mapped rather than unwrapped.
fn id_error(id: &str, e: hearth_domain::ids::InvalidId) -> StoreError {
    StoreError::Corrupt {
        stream: id.to_owned(),
        version: 0,
        message: e.to_string(),
    }
}

macro_rules! dispatch {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match $self {
            Store::Sqlite(s) => s.$method($($arg),*).await,
            Store::Postgres(s) => s.$method($($arg),*).await,
        }
    };
}

impl Store {
    /// Opens (creating if needed) the store at `url` for `council`, and brings its schema
    /// up to date. `sqlite://PATH` or `postgres://...`.
    pub async fn open(url: &str, council: &str) -> Result<Store, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Store::Sqlite(SqliteStore::open(url, council).await?))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Store::Postgres(PgStore::open(url, council).await?))
        } else {
            Err(StoreError::InvalidUrl(url.to_owned()))
        }
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            Store::Sqlite(_) => Backend::Sqlite,
            Store::Postgres(_) => Backend::Postgres,
        }
    }

    /// The council this store is scoped to.
    pub fn council(&self) -> &str {
        match self {
            Store::Sqlite(s) => s.council(),
            Store::Postgres(s) => s.council(),
        }
    }

    /// Appends events to one or more streams and writes their projections, all in one
    /// transaction. If any stream's version is not the one expected, nothing is written.
    pub async fn append(
        &self,
        batch: &[StreamAppend],
        projections: &Projections,
    ) -> Result<(), StoreError> {
        dispatch!(self.append(batch, projections))
    }

    /// A stream's events, in version order.
    pub async fn read_stream(&self, stream: &StreamId) -> Result<Vec<StoredEvent>, StoreError> {
        dispatch!(self.read_stream(stream, 0))
    }

    /// A stream's events after `after_version`, in version order: what a reader holding the
    /// stream up to that version lacks.
    pub async fn read_stream_after(
        &self,
        stream: &StreamId,
        after_version: u64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        dispatch!(self.read_stream(stream, after_version))
    }

    /// A stream's events, read in the same transaction as the access-log row that records
    /// the read: if the log cannot be written, nothing is returned.
    pub async fn read_stream_logged(
        &self,
        stream: &StreamId,
        access: &AccessEntry,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        self.read_stream_logged_after(stream, 0, access).await
    }

    /// A stream's events after `after_version`, read in the same transaction as the
    /// access-log row: a reader that holds the earlier events (at a version this read
    /// confirms) has then read the whole stream under the log row.
    pub async fn read_stream_logged_after(
        &self,
        stream: &StreamId,
        after_version: u64,
        access: &AccessEntry,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let access = AccessEntry {
            stream: stream.clone(),
            ..access.clone()
        };
        let mut read = self.read_streams_logged(&[(access, after_version)]).await?;
        Ok(read.pop().unwrap_or_default())
    }

    /// Several logged reads in one transaction: each entry's stream after its version, each
    /// read with its own access-log row. Concurrent views share one commit this way; if the
    /// transaction fails, none of them is returned and none is logged.
    pub async fn read_streams_logged(
        &self,
        reads: &[(AccessEntry, u64)],
    ) -> Result<Vec<Vec<StoredEvent>>, StoreError> {
        dispatch!(self.read_streams_logged(reads))
    }

    /// Several streams' events, grouped by stream and in version order within each.
    pub async fn read_streams(&self, streams: &[StreamId]) -> Result<Vec<StoredEvent>, StoreError> {
        dispatch!(self.read_streams(streams))
    }

    /// Events after `after_seq` in global order, at most `limit` of them.
    pub async fn read_all(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        dispatch!(self.read_all(after_seq, limit))
    }

    /// The versions of those of `streams` that exist.
    pub async fn stream_versions(
        &self,
        streams: &[StreamId],
    ) -> Result<Vec<StreamVersion>, StoreError> {
        dispatch!(self.stream_versions(streams))
    }

    /// Every stream of a kind (`child`, `staff`, ...), in id order.
    pub async fn list_streams(&self, kind: &str) -> Result<Vec<StreamVersion>, StoreError> {
        dispatch!(self.list_streams(kind))
    }

    /// A child id no stream of this council holds yet: `C` and seven or more digits, one
    /// past the largest numbered child (the synthetic borough's and the importer's ids are
    /// numbered the same way). Two registrations racing for the same id are kept apart by
    /// the append, which creates a stream only if it is absent: the loser gets
    /// [`StoreError::Conflict`] and asks again.
    pub async fn next_child_id(&self) -> Result<ChildId, StoreError> {
        let next = self.next_numbered("child", "C", 7).await?;
        ChildId::parse(&next).map_err(|e| id_error(&next, e))
    }

    /// An adult's id no stream holds yet: `P` and seven or more digits, one past the
    /// largest, as the synthetic borough numbers them. Races are settled as for
    /// [`Store::next_child_id`].
    pub async fn next_person_id(&self) -> Result<PersonId, StoreError> {
        let next = self.next_numbered("person", "P", 7).await?;
        PersonId::parse(&next).map_err(|e| id_error(&next, e))
    }

    /// A professional's id no stream holds yet: `PR` and five or more digits, one past the
    /// largest, as the synthetic borough numbers them. Races are settled as for
    /// [`Store::next_child_id`].
    pub async fn next_professional_id(&self) -> Result<ProfessionalId, StoreError> {
        let next = self.next_numbered("professional", "PR", 5).await?;
        ProfessionalId::parse(&next).map_err(|e| id_error(&next, e))
    }

    async fn next_numbered(
        &self,
        kind: &str,
        prefix: &str,
        width: usize,
    ) -> Result<String, StoreError> {
        let streams = dispatch!(self.numbered_streams(kind, prefix))?;
        let start = format!("{kind}/{prefix}");
        let largest = streams
            .iter()
            .filter_map(|s| s.strip_prefix(start.as_str()))
            .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .find_map(|digits| digits.parse::<u64>().ok())
            .unwrap_or(0);
        Ok(format!("{prefix}{:0width$}", largest.saturating_add(1)))
    }

    /// For each of `people`, the children whose network they are or were in, as (person,
    /// child) ids.
    pub async fn network_links(
        &self,
        people: &[PersonId],
    ) -> Result<Vec<NetworkLinkRow>, StoreError> {
        let ids: Vec<String> = people.iter().map(|p| p.as_str().to_owned()).collect();
        dispatch!(self.network_links(&ids))
    }

    /// What decides who may see each of `children`, from the projection. A child missing
    /// from the answer has no row: a record not written since the projection was added, or
    /// no record at all; decide from the record itself.
    pub async fn sights(
        &self,
        children: &[ChildId],
    ) -> Result<std::collections::HashMap<ChildId, sight::Sight>, StoreError> {
        let ids: Vec<String> = children.iter().map(|c| c.as_str().to_owned()).collect();
        let rows: Vec<(String, String)> = dispatch!(self.sights(&ids))?;
        let mut out = std::collections::HashMap::with_capacity(rows.len());
        for (child, json) in rows {
            let bad = |message: String| StoreError::Corrupt {
                stream: format!("child/{child}"),
                version: 0,
                message,
            };
            let id = ChildId::parse(&child).map_err(|e| bad(e.to_string()))?;
            let sight = serde_json::from_str(&json)
                .map_err(|e| bad(format!("its sight projection cannot be read: {e}")))?;
            out.insert(id, sight);
        }
        Ok(out)
    }

    /// The position of the last event written (0 for an empty store): a cheap way to tell
    /// whether anything has been recorded since.
    pub async fn last_seq(&self) -> Result<i64, StoreError> {
        dispatch!(self.last_seq())
    }

    /// Access-log rows for things shown without a record being read (a list of children
    /// behind a figure, say), committed together before the caller shows them.
    pub async fn log_accesses(&self, entries: &[AccessEntry]) -> Result<(), StoreError> {
        dispatch!(self.log_accesses(entries))
    }

    /// How many events the store holds for this council.
    pub async fn count_events(&self) -> Result<i64, StoreError> {
        dispatch!(self.count_events())
    }

    /// The access log for one record, oldest first.
    pub async fn access_log(&self, stream: &StreamId) -> Result<Vec<AccessRow>, StoreError> {
        dispatch!(self.access_log(stream))
    }

    /// Creates an account, or replaces the one with the same username.
    pub async fn put_account(&self, account: &AccountRow) -> Result<(), StoreError> {
        dispatch!(self.put_account(account))
    }

    /// The account with this username, if any.
    pub async fn account(&self, username: &str) -> Result<Option<AccountRow>, StoreError> {
        Ok(dispatch!(self.accounts(Some(username)))?.into_iter().next())
    }

    /// Every account, by username.
    pub async fn accounts(&self) -> Result<Vec<AccountRow>, StoreError> {
        dispatch!(self.accounts(None))
    }

    /// The account's credentials version: raised by [`Store::put_account`] whenever the
    /// password, the member of staff or `disabled` changes, and by
    /// [`Store::end_sessions_of`]. A session started under an earlier version is over.
    pub async fn credentials_version(&self, username: &str) -> Result<Option<i64>, StoreError> {
        dispatch!(self.credentials_version(username))
    }

    /// Records a new session, and forgets this account's sessions that began before
    /// `forget_before` or were last seen before `idle_before` (they can no longer be used).
    pub async fn start_session(
        &self,
        session: &SessionRow,
        forget_before: Timestamp,
        idle_before: Timestamp,
    ) -> Result<(), StoreError> {
        dispatch!(self.start_session(session, forget_before, idle_before))
    }

    /// The session with this token hash and its account as it now stands, in one indexed
    /// read.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionCheck>, StoreError> {
        dispatch!(self.session(token_hash))
    }

    /// Marks a session as used at `at`.
    pub async fn touch_session(&self, token_hash: &str, at: Timestamp) -> Result<(), StoreError> {
        dispatch!(self.touch_session(token_hash, at))
    }

    /// Ends one session of an account; whether there was one to end.
    pub async fn end_session(&self, username: &str, token_hash: &str) -> Result<bool, StoreError> {
        dispatch!(self.end_session(username, token_hash))
    }

    /// Ends every session of an account (raising its credentials version, so a session
    /// being checked at this moment on another node is refused too); how many there were.
    pub async fn end_sessions_of(&self, username: &str) -> Result<u64, StoreError> {
        dispatch!(self.end_sessions_of(username))
    }

    /// An account's sessions, most recently used first.
    pub async fn sessions_of(&self, username: &str) -> Result<Vec<SessionRow>, StoreError> {
        dispatch!(self.sessions_of(username))
    }

    /// The failed sign-ins held against each of these subjects that has any.
    pub async fn sign_in_failures(
        &self,
        subjects: &[String],
    ) -> Result<Vec<SignInFailures>, StoreError> {
        dispatch!(self.sign_in_failures(subjects))
    }

    /// Counts a failed sign-in against each subject, at `at`.
    pub async fn record_sign_in_failure(
        &self,
        subjects: &[String],
        at: Timestamp,
    ) -> Result<(), StoreError> {
        dispatch!(self.record_sign_in_failure(subjects, at))
    }

    /// Forgets the failed sign-ins held against a subject (a success, or a lockout lifted).
    pub async fn clear_sign_in_failures(&self, subject: &str) -> Result<(), StoreError> {
        dispatch!(self.clear_sign_in_failures(subject))
    }

    /// The council's settings, if they have been set.
    pub async fn council_settings(&self) -> Result<Option<CouncilSettings>, StoreError> {
        dispatch!(self.council_settings())
    }

    /// Sets the council's settings, replacing any held.
    pub async fn put_council_settings(&self, settings: &CouncilSettings) -> Result<(), StoreError> {
        dispatch!(self.put_council_settings(settings))
    }

    /// The council's caseload promise (the most open cases a worker should hold), if set.
    pub async fn caseload_promise(&self) -> Result<Option<u32>, StoreError> {
        dispatch!(self.caseload_promise())
    }

    /// Sets the council's caseload promise, replacing any held. A promise of no cases is
    /// refused by the store.
    pub async fn put_caseload_promise(&self, cases: u32) -> Result<(), StoreError> {
        dispatch!(self.put_caseload_promise(cases))
    }

    /// Caseload rows, optionally only one worker's.
    pub async fn caseload(&self, worker: Option<&str>) -> Result<Vec<CaseloadRow>, StoreError> {
        dispatch!(self.caseload(worker, None, false))
    }

    /// The caseload rows of every child not closed: the service-wide lists (the service
    /// view, the allocation queue, escalations) need only these, a tenth of the projection
    /// in a borough some years old. Each caller still asks [`CaseloadRow::open_on`] its day.
    pub async fn open_caseload(&self) -> Result<Vec<CaseloadRow>, StoreError> {
        dispatch!(self.caseload(None, None, true))
    }

    /// Caseload rows of the children allocated to a team.
    pub async fn team_caseload(&self, team: &str) -> Result<Vec<CaseloadRow>, StoreError> {
        dispatch!(self.caseload(None, Some(team), false))
    }

    /// Candidate people for a search: streams with a name token or phonetic key in the
    /// lists, or with the identifier or date of birth given.
    pub async fn search_candidates(
        &self,
        query: &search::Query,
    ) -> Result<Vec<PersonRow>, StoreError> {
        dispatch!(self.search_candidates(query))
    }

    /// A fingerprint of every event of this council, in recording order: SHA-256 over each
    /// event's stream, version, type, payload version, payload, author and instants. The
    /// global sequence numbers are left out, so two stores holding the same events in the same
    /// order have the same fingerprint whatever their backend.
    pub async fn fingerprint(&self) -> Result<String, StoreError> {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        let mut after = 0;
        loop {
            let page = self.read_all(after, 10_000).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for e in &page {
                hasher.update(e.stream.as_bytes());
                hasher.update([0x1f]);
                hasher.update(e.version.to_string().as_bytes());
                hasher.update([0x1f]);
                hasher.update(e.event_type.as_bytes());
                hasher.update([0x1f]);
                hasher.update(e.schema_version.to_string().as_bytes());
                hasher.update([0x1f]);
                hasher.update(e.payload.as_bytes());
                hasher.update([0x1f]);
                hasher.update(e.author.as_bytes());
                hasher.update([0x1f]);
                hasher.update(e.occurred_at.to_string().as_bytes());
                hasher.update([0x1f]);
                hasher.update(e.recorded_at.to_string().as_bytes());
                hasher.update([0x1e]);
            }
        }
        Ok(hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    }

    /// Closes the connections.
    pub async fn close(&self) {
        dispatch!(self.close())
    }
}
