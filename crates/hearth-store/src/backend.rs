//! The two backends. Their SQL is the same; they differ in how a write transaction starts
//! (SQLite takes the write lock at once; PostgreSQL takes a per-council advisory lock so that
//! commit order equals sequence order) and in how instants are stored (RFC 3339 text in
//! SQLite, `timestamptz` in PostgreSQL). One macro writes both implementations so that the
//! SQL cannot drift apart.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use hearth_domain::{StreamId, Timestamp};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Postgres, QueryBuilder, Row, Sqlite};

use crate::search::Query;
use crate::{
    AccessEntry, AccessRow, AccountNow, AccountRow, CaseloadRow, CouncilSettings, NetworkLinkRow,
    PersonRow, Projections, SessionCheck, SessionRow, SignInFailures, StoreError, StoredEvent,
    StreamAppend, StreamVersion,
};

/// Rows per multi-row INSERT: 9 parameters each keeps well under SQLite's 32,766 limit.
const INSERT_CHUNK: usize = 1000;

fn version_i64(v: u64) -> i64 {
    // Versions count events in one stream; no stream holds 2^63 events.
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn version_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn corrupt(stream: &str, version: i64, message: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        stream: stream.to_owned(),
        version,
        message: message.into(),
    }
}

// Instants: text in SQLite, timestamptz in PostgreSQL.
fn sqlite_ts(t: Timestamp) -> String {
    t.to_string()
}
fn sqlite_ts_read(s: String) -> Result<Timestamp, String> {
    Timestamp::parse(&s).map_err(|e| e.to_string())
}
fn pg_ts(t: Timestamp) -> DateTime<Utc> {
    t.utc()
}
fn pg_ts_read(t: DateTime<Utc>) -> Result<Timestamp, String> {
    Ok(Timestamp::from_utc(t))
}

macro_rules! store_impl {
    ($name:ident, $db:ty, $ts_ty:ty, $ts:path, $ts_read:path) => {
        impl $name {
            /// The council this store is scoped to.
            pub fn council(&self) -> &str {
                &self.council
            }

            /// The same database, scoped to another council (sharing the connections).
            pub fn for_council(&self, council: &str) -> Self {
                Self { council: council.to_owned(), writer: self.writer.clone(), reader: self.reader.clone() }
            }

            pub(crate) async fn close(&self) {
                self.writer.close().await;
                self.reader.close().await;
            }

            fn event_from_row(row: &<$db as sqlx::Database>::Row) -> Result<StoredEvent, StoreError> {
                let stream: String = row.try_get("stream_id")?;
                let version: i64 = row.try_get("version")?;
                let occurred: $ts_ty = row.try_get("occurred_at")?;
                let recorded: $ts_ty = row.try_get("recorded_at")?;
                Ok(StoredEvent {
                    seq: row.try_get("seq")?,
                    event_type: row.try_get("event_type")?,
                    schema_version: row.try_get("schema_version")?,
                    payload: row.try_get("payload")?,
                    author: row.try_get("author")?,
                    occurred_at: $ts_read(occurred).map_err(|m| corrupt(&stream, version, m))?,
                    recorded_at: $ts_read(recorded).map_err(|m| corrupt(&stream, version, m))?,
                    stream,
                    version,
                })
            }

            pub(crate) async fn append(&self, batch: &[StreamAppend], projections: &Projections) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                for a in batch {
                    let stream = a.stream.to_string();
                    let new_version = a.expected_version + a.events.len() as u64;
                    if a.events.is_empty() {
                        continue;
                    }
                    let changed = if a.expected_version == 0 {
                        sqlx::query(
                            "INSERT INTO streams (council, stream_id, kind, version) VALUES ($1, $2, $3, $4) \
                             ON CONFLICT (council, stream_id) DO NOTHING",
                        )
                        .bind(&self.council)
                        .bind(&stream)
                        .bind(a.stream.kind().as_str())
                        .bind(version_i64(new_version))
                        .execute(&mut *tx)
                        .await?
                        .rows_affected()
                    } else {
                        sqlx::query("UPDATE streams SET version = $1 WHERE council = $2 AND stream_id = $3 AND version = $4")
                            .bind(version_i64(new_version))
                            .bind(&self.council)
                            .bind(&stream)
                            .bind(version_i64(a.expected_version))
                            .execute(&mut *tx)
                            .await?
                            .rows_affected()
                    };
                    if changed != 1 {
                        let actual: Option<i64> =
                            sqlx::query_scalar("SELECT version FROM streams WHERE council = $1 AND stream_id = $2")
                                .bind(&self.council)
                                .bind(&stream)
                                .fetch_optional(&mut *tx)
                                .await?;
                        return Err(StoreError::Conflict {
                            stream: a.stream.clone(),
                            expected: a.expected_version,
                            actual: actual.map_or(0, version_u64),
                        });
                    }
                }
                let rows: Vec<(String, i64, &crate::NewEvent)> = batch
                    .iter()
                    .flat_map(|a| {
                        let stream = a.stream.to_string();
                        a.events
                            .iter()
                            .enumerate()
                            .map(move |(i, e)| (stream.clone(), version_i64(a.expected_version + i as u64 + 1), e))
                    })
                    .collect();
                for chunk in rows.chunks(INSERT_CHUNK) {
                    let mut q = QueryBuilder::<$db>::new(
                        "INSERT INTO events (council, stream_id, version, event_type, schema_version, payload, author, occurred_at, recorded_at) ",
                    );
                    q.push_values(chunk, |mut b, (stream, version, e)| {
                        b.push_bind(self.council.clone())
                            .push_bind(stream.clone())
                            .push_bind(*version)
                            .push_bind(e.event_type.clone())
                            .push_bind(e.schema_version)
                            .push_bind(e.payload.clone())
                            .push_bind(e.author.clone())
                            .push_bind($ts(e.occurred_at))
                            .push_bind($ts(e.recorded_at));
                    });
                    q.build().execute(&mut *tx).await?;
                }
                for p in &projections.people {
                    let stream = p.stream.to_string();
                    sqlx::query(
                        "INSERT INTO people (council, stream_id, kind, display_name, family_name, given_names, date_of_birth, upn, nhs_number, postcode) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                         ON CONFLICT (council, stream_id) DO UPDATE SET kind = excluded.kind, display_name = excluded.display_name, \
                         family_name = excluded.family_name, given_names = excluded.given_names, date_of_birth = excluded.date_of_birth, \
                         upn = excluded.upn, nhs_number = excluded.nhs_number, postcode = excluded.postcode",
                    )
                    .bind(&self.council)
                    .bind(&stream)
                    .bind(p.stream.kind().as_str())
                    .bind(&p.display_name)
                    .bind(&p.family_name)
                    .bind(&p.given_names)
                    .bind(p.date_of_birth)
                    .bind(&p.upn)
                    .bind(&p.nhs_number)
                    .bind(&p.postcode)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("DELETE FROM person_names WHERE council = $1 AND stream_id = $2")
                        .bind(&self.council)
                        .bind(&stream)
                        .execute(&mut *tx)
                        .await?;
                    if !p.tokens.is_empty() {
                        let mut q = QueryBuilder::<$db>::new("INSERT INTO person_names (council, stream_id, token, phonetic) ");
                        q.push_values(&p.tokens, |mut b, (token, phonetic)| {
                            b.push_bind(self.council.clone()).push_bind(stream.clone()).push_bind(token.clone()).push_bind(phonetic.clone());
                        });
                        q.build().execute(&mut *tx).await?;
                    }
                }
                for c in &projections.caseload {
                    sqlx::query(
                        "INSERT INTO caseload (council, child_id, display_name, is_open, status, worker_id, team_id, legal_status, cp_category, opened_on, last_activity_at, open_until) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                         ON CONFLICT (council, child_id) DO UPDATE SET display_name = excluded.display_name, is_open = excluded.is_open, \
                         status = excluded.status, worker_id = excluded.worker_id, team_id = excluded.team_id, legal_status = excluded.legal_status, \
                         cp_category = excluded.cp_category, opened_on = excluded.opened_on, last_activity_at = excluded.last_activity_at, \
                         open_until = excluded.open_until",
                    )
                    .bind(&self.council)
                    .bind(&c.child_id)
                    .bind(&c.display_name)
                    .bind(c.is_open)
                    .bind(&c.status)
                    .bind(&c.worker_id)
                    .bind(&c.team_id)
                    .bind(&c.legal_status)
                    .bind(&c.cp_category)
                    .bind(c.opened_on)
                    .bind(c.last_activity_at.map($ts))
                    .bind(c.open_until)
                    .execute(&mut *tx)
                    .await?;
                }
                for row in &projections.sight {
                    let sight = serde_json::to_string(&row.sight).map_err(|e| StoreError::Encode(e.to_string()))?;
                    sqlx::query(
                        "INSERT INTO child_sight (council, child_id, sight) VALUES ($1, $2, $3) \
                         ON CONFLICT (council, child_id) DO UPDATE SET sight = excluded.sight",
                    )
                    .bind(&self.council)
                    .bind(row.child.as_str())
                    .bind(sight)
                    .execute(&mut *tx)
                    .await?;
                }
                for chunk in projections.network.chunks(INSERT_CHUNK) {
                    let mut q = QueryBuilder::<$db>::new("INSERT INTO network_links (council, person_id, child_id) ");
                    q.push_values(chunk, |mut b, l| {
                        b.push_bind(self.council.clone()).push_bind(l.person_id.clone()).push_bind(l.child_id.clone());
                    });
                    q.push(" ON CONFLICT (council, person_id, child_id) DO NOTHING");
                    q.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn read_stream(&self, stream: &StreamId, after_version: u64) -> Result<Vec<StoredEvent>, StoreError> {
                let rows = sqlx::query(
                    "SELECT seq, stream_id, version, event_type, schema_version, payload, author, occurred_at, recorded_at \
                     FROM events WHERE council = $1 AND stream_id = $2 AND version > $3 ORDER BY version",
                )
                .bind(&self.council)
                .bind(stream.to_string())
                .bind(version_i64(after_version))
                .fetch_all(&self.reader)
                .await?;
                rows.iter().map(Self::event_from_row).collect()
            }

            pub(crate) async fn read_streams_logged(&self, reads: &[(AccessEntry, u64)]) -> Result<Vec<Vec<StoredEvent>>, StoreError> {
                let mut tx = self.begin_write().await?;
                let mut out = Vec::with_capacity(reads.len());
                for (access, after_version) in reads {
                    self.insert_access(&mut tx, access).await?;
                    let rows = sqlx::query(
                        "SELECT seq, stream_id, version, event_type, schema_version, payload, author, occurred_at, recorded_at \
                         FROM events WHERE council = $1 AND stream_id = $2 AND version > $3 ORDER BY version",
                    )
                    .bind(&self.council)
                    .bind(access.stream.to_string())
                    .bind(version_i64(*after_version))
                    .fetch_all(&mut *tx)
                    .await?;
                    out.push(rows.iter().map(Self::event_from_row).collect::<Result<Vec<_>, _>>()?);
                }
                tx.commit().await?;
                Ok(out)
            }

            pub(crate) async fn read_streams(&self, streams: &[StreamId]) -> Result<Vec<StoredEvent>, StoreError> {
                let mut out = Vec::new();
                for chunk in streams.chunks(500) {
                    let mut q = QueryBuilder::<$db>::new(
                        "SELECT seq, stream_id, version, event_type, schema_version, payload, author, occurred_at, recorded_at \
                         FROM events WHERE council = ",
                    );
                    q.push_bind(self.council.clone()).push(" AND stream_id IN (");
                    let mut sep = q.separated(", ");
                    for s in chunk {
                        sep.push_bind(s.to_string());
                    }
                    q.push(") ORDER BY stream_id, version");
                    let rows = q.build().fetch_all(&self.reader).await?;
                    for row in &rows {
                        out.push(Self::event_from_row(row)?);
                    }
                }
                Ok(out)
            }

            pub(crate) async fn read_all(&self, after_seq: i64, limit: i64) -> Result<Vec<StoredEvent>, StoreError> {
                let rows = sqlx::query(
                    "SELECT seq, stream_id, version, event_type, schema_version, payload, author, occurred_at, recorded_at \
                     FROM events WHERE council = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                )
                .bind(&self.council)
                .bind(after_seq)
                .bind(limit)
                .fetch_all(&self.reader)
                .await?;
                rows.iter().map(Self::event_from_row).collect()
            }

            pub(crate) async fn stream_versions(&self, streams: &[StreamId]) -> Result<Vec<StreamVersion>, StoreError> {
                let mut out = Vec::new();
                for chunk in streams.chunks(500) {
                    let mut q = QueryBuilder::<$db>::new("SELECT stream_id, version FROM streams WHERE council = ");
                    q.push_bind(self.council.clone()).push(" AND stream_id IN (");
                    let mut sep = q.separated(", ");
                    for s in chunk {
                        sep.push_bind(s.to_string());
                    }
                    q.push(")");
                    for row in q.build().fetch_all(&self.reader).await? {
                        out.push(StreamVersion { stream: row.try_get("stream_id")?, version: version_u64(row.try_get("version")?) });
                    }
                }
                Ok(out)
            }

            pub(crate) async fn list_streams(&self, kind: &str) -> Result<Vec<StreamVersion>, StoreError> {
                let rows = sqlx::query("SELECT stream_id, version FROM streams WHERE council = $1 AND kind = $2 ORDER BY stream_id")
                    .bind(&self.council)
                    .bind(kind)
                    .fetch_all(&self.reader)
                    .await?;
                rows.iter()
                    .map(|r| Ok(StreamVersion { stream: r.try_get("stream_id")?, version: version_u64(r.try_get("version")?) }))
                    .collect()
            }

            pub(crate) async fn numbered_streams(&self, kind: &str, prefix: &str) -> Result<Vec<String>, StoreError> {
                // Numerically largest first, whatever the zero padding: compare the digits
                // with leading zeros stripped by length, then as text. Ids that are not the
                // prefix and digits sort among them and are skipped by the caller.
                let start = format!("{kind}/{prefix}");
                let from = i32::try_from(start.len() + 1).unwrap_or(i32::MAX);
                let rows = sqlx::query(
                    "SELECT stream_id FROM streams WHERE council = $1 AND kind = $2 AND stream_id LIKE $3 \
                     ORDER BY LENGTH(LTRIM(SUBSTR(stream_id, $4), '0')) DESC, LTRIM(SUBSTR(stream_id, $4), '0') DESC LIMIT 100",
                )
                .bind(&self.council)
                .bind(kind)
                .bind(format!("{start}%"))
                .bind(from)
                .fetch_all(&self.reader)
                .await?;
                rows.iter().map(|r| Ok(r.try_get("stream_id")?)).collect()
            }

            pub(crate) async fn network_links(&self, people: &[String]) -> Result<Vec<NetworkLinkRow>, StoreError> {
                let mut out = Vec::new();
                for chunk in people.chunks(500) {
                    let mut q = QueryBuilder::<$db>::new("SELECT person_id, child_id FROM network_links WHERE council = ");
                    q.push_bind(self.council.clone()).push(" AND person_id IN (");
                    let mut sep = q.separated(", ");
                    for p in chunk {
                        sep.push_bind(p.clone());
                    }
                    q.push(") ORDER BY person_id, child_id");
                    for row in q.build().fetch_all(&self.reader).await? {
                        out.push(NetworkLinkRow { person_id: row.try_get("person_id")?, child_id: row.try_get("child_id")? });
                    }
                }
                Ok(out)
            }

            pub(crate) async fn sights(&self, children: &[String]) -> Result<Vec<(String, String)>, StoreError> {
                let mut out = Vec::with_capacity(children.len());
                for chunk in children.chunks(1000) {
                    let mut q = QueryBuilder::<$db>::new("SELECT child_id, sight FROM child_sight WHERE council = ");
                    q.push_bind(self.council.clone()).push(" AND child_id IN (");
                    let mut sep = q.separated(", ");
                    for c in chunk {
                        sep.push_bind(c.clone());
                    }
                    q.push(")");
                    for row in q.build().fetch_all(&self.reader).await? {
                        out.push((row.try_get("child_id")?, row.try_get("sight")?));
                    }
                }
                Ok(out)
            }

            pub(crate) async fn last_seq(&self) -> Result<i64, StoreError> {
                let last: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM events WHERE council = $1")
                    .bind(&self.council)
                    .fetch_one(&self.reader)
                    .await?;
                Ok(last.unwrap_or(0))
            }

            async fn insert_access(&self, tx: &mut sqlx::Transaction<'static, $db>, access: &AccessEntry) -> Result<(), StoreError> {
                sqlx::query("INSERT INTO access_log (council, at, actor, stream_id, action, detail) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(&self.council)
                    .bind($ts(access.at))
                    .bind(&access.actor)
                    .bind(access.stream.to_string())
                    .bind(&access.action)
                    .bind(&access.detail)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            pub(crate) async fn log_accesses(&self, entries: &[AccessEntry]) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                for access in entries {
                    self.insert_access(&mut tx, access).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn count_events(&self) -> Result<i64, StoreError> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE council = $1").bind(&self.council).fetch_one(&self.reader).await?)
            }

            pub(crate) async fn access_log(&self, stream: &StreamId) -> Result<Vec<AccessRow>, StoreError> {
                let rows = sqlx::query(
                    "SELECT at, actor, stream_id, action, detail FROM access_log WHERE council = $1 AND stream_id = $2 ORDER BY id",
                )
                .bind(&self.council)
                .bind(stream.to_string())
                .fetch_all(&self.reader)
                .await?;
                rows.iter()
                    .map(|r| {
                        let stream: String = r.try_get("stream_id")?;
                        let at: $ts_ty = r.try_get("at")?;
                        Ok(AccessRow {
                            at: $ts_read(at).map_err(|m| corrupt(&stream, 0, m))?,
                            actor: r.try_get("actor")?,
                            action: r.try_get("action")?,
                            detail: r.try_get("detail")?,
                            stream,
                        })
                    })
                    .collect()
            }

            pub(crate) async fn caseload(&self, worker: Option<&str>, team: Option<&str>, open_only: bool) -> Result<Vec<CaseloadRow>, StoreError> {
                let mut q = QueryBuilder::<$db>::new(
                    "SELECT child_id, display_name, is_open, status, worker_id, team_id, legal_status, cp_category, opened_on, last_activity_at, open_until \
                     FROM caseload WHERE council = ",
                );
                q.push_bind(self.council.clone());
                if open_only {
                    q.push(" AND status <> 'closed'");
                }
                if let Some(w) = worker {
                    q.push(" AND worker_id = ").push_bind(w.to_owned());
                    q.push(" ORDER BY worker_id, child_id");
                } else if let Some(t) = team {
                    q.push(" AND team_id = ").push_bind(t.to_owned());
                    q.push(" ORDER BY team_id, child_id");
                } else {
                    q.push(" ORDER BY child_id");
                }
                let rows = q.build().fetch_all(&self.reader).await?;
                rows.iter()
                    .map(|r| {
                        let child_id: String = r.try_get("child_id")?;
                        let last: Option<$ts_ty> = r.try_get("last_activity_at")?;
                        Ok(CaseloadRow {
                            display_name: r.try_get("display_name")?,
                            is_open: r.try_get("is_open")?,
                            status: r.try_get("status")?,
                            worker_id: r.try_get("worker_id")?,
                            team_id: r.try_get("team_id")?,
                            legal_status: r.try_get("legal_status")?,
                            cp_category: r.try_get("cp_category")?,
                            opened_on: r.try_get("opened_on")?,
                            open_until: r.try_get("open_until")?,
                            last_activity_at: last.map($ts_read).transpose().map_err(|m| corrupt(&child_id, 0, m))?,
                            child_id,
                        })
                    })
                    .collect()
            }

            pub(crate) async fn put_account(&self, account: &AccountRow) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO accounts (council, username, staff_id, password_hash, changed_at, disabled) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (council, username) DO UPDATE SET staff_id = excluded.staff_id, password_hash = excluded.password_hash, \
                     changed_at = excluded.changed_at, disabled = excluded.disabled, \
                     credentials_version = CASE WHEN accounts.password_hash <> excluded.password_hash \
                       OR accounts.staff_id <> excluded.staff_id OR accounts.disabled <> excluded.disabled \
                       THEN accounts.credentials_version + 1 ELSE accounts.credentials_version END",
                )
                .bind(&self.council)
                .bind(&account.username)
                .bind(&account.staff_id)
                .bind(&account.password_hash)
                .bind($ts(account.changed_at))
                .bind(account.disabled)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn accounts(&self, username: Option<&str>) -> Result<Vec<AccountRow>, StoreError> {
                let mut q = QueryBuilder::<$db>::new(
                    "SELECT username, staff_id, password_hash, changed_at, disabled FROM accounts WHERE council = ",
                );
                q.push_bind(self.council.clone());
                if let Some(u) = username {
                    q.push(" AND username = ").push_bind(u.to_owned());
                }
                q.push(" ORDER BY username");
                let rows = q.build().fetch_all(&self.reader).await?;
                rows.iter()
                    .map(|r| {
                        let username: String = r.try_get("username")?;
                        let changed: $ts_ty = r.try_get("changed_at")?;
                        Ok(AccountRow {
                            staff_id: r.try_get("staff_id")?,
                            password_hash: r.try_get("password_hash")?,
                            changed_at: $ts_read(changed).map_err(|m| corrupt(&username, 0, m))?,
                            disabled: r.try_get("disabled")?,
                            username,
                        })
                    })
                    .collect()
            }

            pub(crate) async fn credentials_version(&self, username: &str) -> Result<Option<i64>, StoreError> {
                Ok(sqlx::query_scalar("SELECT credentials_version FROM accounts WHERE council = $1 AND username = $2")
                    .bind(&self.council)
                    .bind(username)
                    .fetch_optional(&self.reader)
                    .await?)
            }

            fn session_from_row(r: &<$db as sqlx::Database>::Row) -> Result<SessionRow, StoreError> {
                let username: String = r.try_get("username")?;
                let started: $ts_ty = r.try_get("started_at")?;
                let seen: $ts_ty = r.try_get("last_seen_at")?;
                Ok(SessionRow {
                    token_hash: r.try_get("token_hash")?,
                    staff_id: r.try_get("staff_id")?,
                    role: r.try_get("role")?,
                    team_id: r.try_get("team_id")?,
                    credentials_version: r.try_get("credentials_version")?,
                    user_agent: r.try_get("user_agent")?,
                    started_at: $ts_read(started).map_err(|m| corrupt(&username, 0, m))?,
                    last_seen_at: $ts_read(seen).map_err(|m| corrupt(&username, 0, m))?,
                    username,
                })
            }

            pub(crate) async fn start_session(&self, s: &SessionRow, forget_before: Timestamp, idle_before: Timestamp) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM sessions WHERE council = $1 AND username = $2 AND (started_at < $3 OR last_seen_at < $4)")
                    .bind(&self.council)
                    .bind(&s.username)
                    .bind($ts(forget_before))
                    .bind($ts(idle_before))
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO sessions (council, token_hash, username, staff_id, role, team_id, credentials_version, user_agent, started_at, last_seen_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(&self.council)
                .bind(&s.token_hash)
                .bind(&s.username)
                .bind(&s.staff_id)
                .bind(&s.role)
                .bind(&s.team_id)
                .bind(s.credentials_version)
                .bind(&s.user_agent)
                .bind($ts(s.started_at))
                .bind($ts(s.last_seen_at))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn session(&self, token_hash: &str) -> Result<Option<SessionCheck>, StoreError> {
                let row = sqlx::query(
                    "SELECT s.token_hash, s.username, s.staff_id, s.role, s.team_id, s.credentials_version, s.user_agent, s.started_at, s.last_seen_at, \
                     a.staff_id AS account_staff_id, a.disabled AS account_disabled, a.credentials_version AS account_version \
                     FROM sessions s LEFT JOIN accounts a ON a.council = s.council AND a.username = s.username \
                     WHERE s.council = $1 AND s.token_hash = $2",
                )
                .bind(&self.council)
                .bind(token_hash)
                .fetch_optional(&self.reader)
                .await?;
                let Some(r) = row else { return Ok(None) };
                let session = Self::session_from_row(&r)?;
                let account_staff: Option<String> = r.try_get("account_staff_id")?;
                let account = match account_staff {
                    Some(staff_id) => Some(AccountNow {
                        staff_id,
                        disabled: r.try_get("account_disabled")?,
                        credentials_version: r.try_get("account_version")?,
                    }),
                    None => None,
                };
                Ok(Some(SessionCheck { session, account }))
            }

            pub(crate) async fn touch_session(&self, token_hash: &str, at: Timestamp) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE council = $2 AND token_hash = $3")
                    .bind($ts(at))
                    .bind(&self.council)
                    .bind(token_hash)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn end_session(&self, username: &str, token_hash: &str) -> Result<bool, StoreError> {
                let mut tx = self.begin_write().await?;
                let ended = sqlx::query("DELETE FROM sessions WHERE council = $1 AND username = $2 AND token_hash = $3")
                    .bind(&self.council)
                    .bind(username)
                    .bind(token_hash)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit().await?;
                Ok(ended > 0)
            }

            pub(crate) async fn end_sessions_of(&self, username: &str) -> Result<u64, StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE accounts SET credentials_version = credentials_version + 1 WHERE council = $1 AND username = $2")
                    .bind(&self.council)
                    .bind(username)
                    .execute(&mut *tx)
                    .await?;
                let ended = sqlx::query("DELETE FROM sessions WHERE council = $1 AND username = $2")
                    .bind(&self.council)
                    .bind(username)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit().await?;
                Ok(ended)
            }

            pub(crate) async fn sessions_of(&self, username: &str) -> Result<Vec<SessionRow>, StoreError> {
                let rows = sqlx::query(
                    "SELECT token_hash, username, staff_id, role, team_id, credentials_version, user_agent, started_at, last_seen_at \
                     FROM sessions WHERE council = $1 AND username = $2 ORDER BY last_seen_at DESC, started_at DESC",
                )
                .bind(&self.council)
                .bind(username)
                .fetch_all(&self.reader)
                .await?;
                rows.iter().map(Self::session_from_row).collect()
            }

            pub(crate) async fn sign_in_failures(&self, subjects: &[String]) -> Result<Vec<SignInFailures>, StoreError> {
                if subjects.is_empty() {
                    return Ok(Vec::new());
                }
                let mut q = QueryBuilder::<$db>::new("SELECT subject, failures, last_failure_at FROM sign_in_failures WHERE council = ");
                q.push_bind(self.council.clone()).push(" AND subject IN (");
                let mut sep = q.separated(", ");
                for s in subjects {
                    sep.push_bind(s.clone());
                }
                q.push(") ORDER BY subject");
                q.build()
                    .fetch_all(&self.reader)
                    .await?
                    .iter()
                    .map(|r| {
                        let subject: String = r.try_get("subject")?;
                        let at: $ts_ty = r.try_get("last_failure_at")?;
                        Ok(SignInFailures {
                            failures: r.try_get("failures")?,
                            last_failure_at: $ts_read(at).map_err(|m| corrupt(&subject, 0, m))?,
                            subject,
                        })
                    })
                    .collect()
            }

            pub(crate) async fn record_sign_in_failure(&self, subjects: &[String], at: Timestamp) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                for subject in subjects {
                    sqlx::query(
                        "INSERT INTO sign_in_failures (council, subject, failures, last_failure_at) VALUES ($1, $2, 1, $3) \
                         ON CONFLICT (council, subject) DO UPDATE SET failures = sign_in_failures.failures + 1, last_failure_at = excluded.last_failure_at",
                    )
                    .bind(&self.council)
                    .bind(subject)
                    .bind($ts(at))
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn clear_sign_in_failures(&self, subject: &str) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM sign_in_failures WHERE council = $1 AND subject = $2")
                    .bind(&self.council)
                    .bind(subject)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn council_settings(&self) -> Result<Option<CouncilSettings>, StoreError> {
                let row = sqlx::query("SELECT name, la_number, ons_code FROM council_settings WHERE council = $1")
                    .bind(&self.council)
                    .fetch_optional(&self.reader)
                    .await?;
                row.map(|r| {
                    Ok(CouncilSettings { name: r.try_get("name")?, la_number: r.try_get("la_number")?, ons_code: r.try_get("ons_code")? })
                })
                .transpose()
            }

            pub(crate) async fn put_council_settings(&self, settings: &CouncilSettings) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO council_settings (council, name, la_number, ons_code) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (council) DO UPDATE SET name = excluded.name, la_number = excluded.la_number, ons_code = excluded.ons_code",
                )
                .bind(&self.council)
                .bind(&settings.name)
                .bind(&settings.la_number)
                .bind(&settings.ons_code)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn caseload_promise(&self) -> Result<Option<u32>, StoreError> {
                let row = sqlx::query("SELECT caseload_promise FROM council_practice WHERE council = $1")
                    .bind(&self.council)
                    .fetch_optional(&self.reader)
                    .await?;
                row.map(|r| {
                    let n: i64 = r.try_get("caseload_promise")?;
                    u32::try_from(n).map_err(|_| corrupt("council_practice", 0, format!("caseload promise {n}")))
                })
                .transpose()
            }

            pub(crate) async fn put_caseload_promise(&self, cases: u32) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO council_practice (council, caseload_promise) VALUES ($1, $2) \
                     ON CONFLICT (council) DO UPDATE SET caseload_promise = excluded.caseload_promise",
                )
                .bind(&self.council)
                .bind(i64::from(cases))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn search_candidates(&self, query: &Query) -> Result<Vec<PersonRow>, StoreError> {
                if query.is_empty() {
                    return Ok(Vec::new());
                }
                let mut q = QueryBuilder::<$db>::new(
                    "SELECT stream_id, display_name, family_name, given_names, date_of_birth, upn, nhs_number, postcode FROM people WHERE council = ",
                );
                q.push_bind(self.council.clone());
                if let Some(kind) = query.kind {
                    q.push(" AND kind = ").push_bind(kind.as_str());
                }
                q.push(" AND (1 = 0");
                let keys: Vec<String> = query.tokens.iter().chain(&query.phonetics).cloned().collect();
                if !keys.is_empty() {
                    q.push(" OR stream_id IN (SELECT stream_id FROM person_names WHERE council = ").push_bind(self.council.clone());
                    q.push(" AND (token IN (");
                    let mut sep = q.separated(", ");
                    for t in &query.tokens {
                        sep.push_bind(t.clone());
                    }
                    q.push(") OR phonetic IN (");
                    let mut sep = q.separated(", ");
                    for p in &query.phonetics {
                        sep.push_bind(p.clone());
                    }
                    q.push(")))");
                }
                if let Some(d) = query.date_of_birth {
                    q.push(" OR date_of_birth = ").push_bind(d);
                }
                if let Some(id) = &query.identifier {
                    q.push(" OR upn = ").push_bind(id.clone());
                    q.push(" OR nhs_number = ").push_bind(id.replace(' ', ""));
                    for kind in ["child", "person"] {
                        q.push(" OR stream_id = ").push_bind(format!("{kind}/{id}"));
                    }
                }
                q.push(") ORDER BY stream_id LIMIT ").push_bind(query.limit.max(1));
                let rows = q.build().fetch_all(&self.reader).await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    let stream: String = r.try_get("stream_id")?;
                    let stream_id = StreamId::parse(&stream).map_err(|e| corrupt(&stream, 0, e.to_string()))?;
                    out.push(PersonRow {
                        stream: stream_id,
                        display_name: r.try_get("display_name")?,
                        family_name: r.try_get("family_name")?,
                        given_names: r.try_get("given_names")?,
                        date_of_birth: r.try_get("date_of_birth")?,
                        upn: r.try_get("upn")?,
                        nhs_number: r.try_get("nhs_number")?,
                        postcode: r.try_get("postcode")?,
                        tokens: Vec::new(),
                    });
                }
                // Fetch each candidate's tokens for ranking.
                if !out.is_empty() {
                    let mut q = QueryBuilder::<$db>::new("SELECT stream_id, token, phonetic FROM person_names WHERE council = ");
                    q.push_bind(self.council.clone()).push(" AND stream_id IN (");
                    let mut sep = q.separated(", ");
                    for p in &out {
                        sep.push_bind(p.stream.to_string());
                    }
                    q.push(")");
                    let mut by_stream: std::collections::HashMap<String, Vec<(String, String)>> = std::collections::HashMap::new();
                    for r in q.build().fetch_all(&self.reader).await? {
                        by_stream.entry(r.try_get("stream_id")?).or_default().push((r.try_get("token")?, r.try_get("phonetic")?));
                    }
                    for p in &mut out {
                        p.tokens = by_stream.remove(&p.stream.to_string()).unwrap_or_default();
                    }
                }
                Ok(out)
            }
        }
    };
}

/// The SQLite store: one writer connection (SQLite allows one writer at a time, so queueing
/// in the pool is cheaper than retrying on a busy database) and a pool of readers.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    council: String,
    writer: sqlx::Pool<Sqlite>,
    reader: sqlx::Pool<Sqlite>,
}

impl SqliteStore {
    pub(crate) async fn open(url: &str, council: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|_| StoreError::InvalidUrl(url.to_owned()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // An acknowledged write survives power loss: FULL syncs the WAL on every commit.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        Ok(Self {
            council: council.to_owned(),
            writer,
            reader,
        })
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Sqlite>, StoreError> {
        // IMMEDIATE takes the write lock at the start, so a transaction never fails part-way
        // when it upgrades from reading to writing.
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }
}

store_impl!(SqliteStore, Sqlite, String, sqlite_ts, sqlite_ts_read);

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PgStore {
    council: String,
    writer: sqlx::Pool<Postgres>,
    reader: sqlx::Pool<Postgres>,
}

impl PgStore {
    pub(crate) async fn open(url: &str, council: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self {
            council: council.to_owned(),
            writer: pool.clone(),
            reader: pool,
        })
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Postgres>, StoreError> {
        let mut tx = self.writer.begin().await?;
        // Appends for one council commit one at a time, so the global sequence is in commit
        // order and a reader tailing it never skips an event committed late.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('hearth:' || $1))")
            .bind(&self.council)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

store_impl!(PgStore, Postgres, DateTime<Utc>, pg_ts, pg_ts_read);
