//! `hearth-bench store`: append and read back events through the store, and the same rows
//! through plain INSERT and SELECT on an unindexed SQLite table with the same settings, in
//! the same run, so the figures can be given as ratios. It uses only the store's public
//! interface: appending encoded events, reading them back in recording order and by stream.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use hearth_domain::child::ChildEvent;
use hearth_domain::codes::{CaseNoteKind, VisitKind};
use hearth_domain::event::{Actor, Recorded};
use hearth_domain::values::Text;
use hearth_domain::{StreamId, Timestamp};
use hearth_store::codec::{self, encode};
use hearth_store::{NewEvent, Projections, Store, StreamAppend};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{QueryBuilder, Row, Sqlite};

use crate::peak_rss_mib;

/// Arguments of `store`.
#[derive(Debug, Args)]
pub struct BenchStore {
    /// How many events.
    #[arg(long, default_value_t = 1_000_000)]
    events: usize,
    /// Events per stream.
    #[arg(long, default_value_t = 100)]
    per_stream: usize,
    /// Streams written per transaction.
    #[arg(long, default_value_t = 50)]
    streams_per_transaction: usize,
    /// Where to put the two databases (a temporary directory by default).
    #[arg(long)]
    dir: Option<PathBuf>,
}

impl BenchStore {
    /// Runs the benchmark and prints a table for docs/performance.md.
    pub async fn run(self) -> anyhow::Result<()> {
        let BenchStore {
            events,
            per_stream,
            streams_per_transaction,
            dir,
        } = self;
        let temp = tempfile::tempdir().context("cannot make a temporary directory")?;
        let dir = dir.unwrap_or_else(|| temp.path().to_path_buf());
        std::fs::create_dir_all(&dir)?;
        let plan = Plan {
            events,
            per_stream,
            streams_per_transaction,
        };
        eprintln!(
            "hearth-bench store: {events} events, {per_stream} per stream, {streams_per_transaction} streams per transaction, in {}",
            dir.display()
        );
        let report = run(&dir, plan).await?;
        println!("| measurement | store (s) | plain SQL (s) | ratio |");
        println!("|---|---|---|---|");
        for m in &report.measures {
            println!(
                "| {} | {:.2} | {:.2} | {:.2}× |",
                m.name,
                m.store.as_secs_f64(),
                m.baseline.as_secs_f64(),
                m.ratio()
            );
        }
        let mb = report.payload_bytes as f64 / 1_048_576.0;
        let per_second = events as f64 / report.measures[0].store.as_secs_f64().max(1e-9);
        println!();
        println!(
            "events: {events}; payload: {mb:.1} MiB; store append rate: {per_second:.0} events/s"
        );
        println!(
            "decoding every event into domain types after reading: {:.2} s",
            report.decode.as_secs_f64()
        );
        if let Some(rss) = peak_rss_mib() {
            println!("peak RSS: {rss:.0} MiB");
        }
        Ok(())
    }
}

/// What to measure.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Events in all.
    pub events: usize,
    /// Events per stream.
    pub per_stream: usize,
    /// Streams per transaction.
    pub streams_per_transaction: usize,
}

/// One measurement and its baseline.
#[derive(Debug, Clone)]
pub struct Measure {
    /// What was done.
    pub name: &'static str,
    /// Through the store.
    pub store: Duration,
    /// Through plain SQL.
    pub baseline: Duration,
}

impl Measure {
    /// How many times longer the store took.
    pub fn ratio(&self) -> f64 {
        self.store.as_secs_f64() / self.baseline.as_secs_f64().max(1e-9)
    }
}

/// The results.
#[derive(Debug, Clone)]
pub struct Report {
    /// Bytes of payload written.
    pub payload_bytes: u64,
    /// Measurements.
    pub measures: Vec<Measure>,
    /// Decoding every event into the domain's types after reading (no baseline).
    pub decode: Duration,
}

fn text(s: &str) -> anyhow::Result<Text> {
    Ok(Text::parse(s)?)
}

/// The events of stream number `s`: a realistic mix of visits and case notes.
fn stream_events(s: usize, per_stream: usize) -> anyhow::Result<Vec<NewEvent>> {
    let start = Timestamp::parse("2020-01-06T09:00:00Z")?;
    let actor = Actor::parse(&format!("staff/SW{}", s % 400))?;
    (0..per_stream)
        .map(|i| {
            let event = if i % 3 == 0 {
                ChildEvent::VisitMade {
                    kind: VisitKind::Statutory,
                    child_seen: true,
                    seen_alone: Some(i % 2 == 0),
                    not_seen_alone_reason: (i % 2 == 1)
                        .then(|| text("The child asked for their carer to stay."))
                        .transpose()?,
                    bedroom_seen: Some(true),
                }
            } else {
                ChildEvent::CaseNoteRecorded {
                    kind: CaseNoteKind::Telephone,
                    text: text(&format!(
                        "Spoke with the school about attendance this week (note {i} for child {s})."
                    ))?,
                    significant: i % 11 == 0,
                }
            };
            let at = start
                .plus_micros((i as i64) * 86_400_000_000 + (s as i64))
                .unwrap_or(start);
            Ok(encode(&Recorded {
                occurred_at: at,
                recorded_at: at,
                recorded_by: actor.clone(),
                event,
            })?)
        })
        .collect()
}

fn stream_id(s: usize) -> anyhow::Result<StreamId> {
    Ok(StreamId::parse(&format!("child/B{s:07}"))?)
}

async fn baseline_pool(path: &Path) -> anyhow::Result<sqlx::Pool<Sqlite>> {
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    sqlx::query(
        "CREATE TABLE raw (seq INTEGER PRIMARY KEY, council TEXT NOT NULL, stream_id TEXT NOT NULL, version INTEGER NOT NULL, \
         event_type TEXT NOT NULL, schema_version INTEGER NOT NULL, payload TEXT NOT NULL, author TEXT NOT NULL, \
         occurred_at TEXT NOT NULL, recorded_at TEXT NOT NULL)",
    )
    .execute(&pool)
    .await?;
    Ok(pool)
}

/// Runs the benchmark in `dir` (two fresh SQLite files).
pub async fn run(dir: &Path, plan: Plan) -> anyhow::Result<Report> {
    let per_stream = plan.per_stream.max(1);
    let streams = plan.events.div_ceil(per_stream);
    let store = Store::open(
        &format!("sqlite://{}", dir.join("store.db").display()),
        "bench",
    )
    .await?;
    let raw = baseline_pool(&dir.join("baseline.db")).await?;
    let mut payload_bytes = 0u64;
    let (mut append_store, mut append_raw) = (Duration::ZERO, Duration::ZERO);

    let mut s = 0;
    while s < streams {
        let end = (s + plan.streams_per_transaction.max(1)).min(streams);
        let mut batch = Vec::with_capacity(end - s);
        for n in s..end {
            batch.push(StreamAppend {
                stream: stream_id(n)?,
                expected_version: 0,
                events: stream_events(n, per_stream)?,
            });
        }
        payload_bytes += batch
            .iter()
            .flat_map(|a| &a.events)
            .map(|e| e.payload.len() as u64)
            .sum::<u64>();

        let t = Instant::now();
        store.append(&batch, &Projections::default()).await?;
        append_store += t.elapsed();

        let rows: Vec<(String, i64, &NewEvent)> = batch
            .iter()
            .flat_map(|a| {
                a.events
                    .iter()
                    .enumerate()
                    .map(move |(i, e)| (a.stream.to_string(), i as i64 + 1, e))
            })
            .collect();
        let t = Instant::now();
        let mut tx = raw.begin_with("BEGIN IMMEDIATE").await?;
        for chunk in rows.chunks(1000) {
            let mut q = QueryBuilder::<Sqlite>::new(
                "INSERT INTO raw (council, stream_id, version, event_type, schema_version, payload, author, occurred_at, recorded_at) ",
            );
            q.push_values(chunk, |mut b, (stream, version, e)| {
                b.push_bind("bench")
                    .push_bind(stream.clone())
                    .push_bind(*version)
                    .push_bind(e.event_type.clone())
                    .push_bind(e.schema_version)
                    .push_bind(e.payload.clone())
                    .push_bind(e.author.clone())
                    .push_bind(e.occurred_at.to_string())
                    .push_bind(e.recorded_at.to_string());
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        append_raw += t.elapsed();
        s = end;
    }

    // Read everything back in recording order, a page at a time; decoding each page into
    // domain types is timed apart, having no baseline.
    let mut scan_store = Duration::ZERO;
    let mut decode = Duration::ZERO;
    let mut after = 0;
    let mut read = 0usize;
    loop {
        let t = Instant::now();
        let page = store.read_all(after, 10_000).await?;
        scan_store += t.elapsed();
        let Some(last) = page.last() else { break };
        after = last.seq;
        read += page.len();
        let t = Instant::now();
        for e in &page {
            codec::decode::<ChildEvent>(e)?;
        }
        decode += t.elapsed();
    }
    let t = Instant::now();
    let mut after = 0i64;
    let mut n = 0usize;
    loop {
        let rows = sqlx::query(
            "SELECT seq, stream_id, version, event_type, schema_version, payload, author, occurred_at, recorded_at \
             FROM raw WHERE seq > $1 ORDER BY seq LIMIT 10000",
        )
        .bind(after)
        .fetch_all(&raw)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("seq")?;
        for r in &rows {
            // Materialise the same fields the store returns.
            let _: (String, String, String) = (
                r.try_get("payload")?,
                r.try_get("occurred_at")?,
                r.try_get("recorded_at")?,
            );
        }
        n += rows.len();
    }
    let scan_raw = t.elapsed();
    if read != n {
        anyhow::bail!("read back {read} events through the store and {n} directly");
    }

    // Read each stream on its own, as loading a child's record does. The baseline gets an
    // index on the stream so that this compares reads, not table scans.
    sqlx::query("CREATE INDEX raw_stream ON raw (stream_id, version)")
        .execute(&raw)
        .await?;
    let sample: Vec<usize> = (0..streams).step_by((streams / 2000).max(1)).collect();
    let t = Instant::now();
    for &n in &sample {
        store.read_stream(&stream_id(n)?).await?;
    }
    let streams_store = t.elapsed();
    let t = Instant::now();
    for &n in &sample {
        sqlx::query(
            "SELECT seq, stream_id, version, event_type, schema_version, payload, author, occurred_at, recorded_at \
             FROM raw WHERE stream_id = $1 ORDER BY version",
        )
        .bind(stream_id(n)?.to_string())
        .fetch_all(&raw)
        .await?;
    }
    let streams_raw = t.elapsed();
    store.close().await;
    raw.close().await;

    Ok(Report {
        payload_bytes,
        measures: vec![
            Measure {
                name: "append (transactions of whole streams)",
                store: append_store,
                baseline: append_raw,
            },
            Measure {
                name: "read all in recording order",
                store: scan_store,
                baseline: scan_raw,
            },
            Measure {
                name: "read streams one at a time (sample of 2,000)",
                store: streams_store,
                baseline: streams_raw,
            },
        ],
        decode,
    })
}
