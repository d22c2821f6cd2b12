//! `hearth-bench returns`: building each statutory return from the store, against reading
//! the same children's events from the same store in the same run.
//!
//! Every side is a whole pass over the store, a batch of children at a time, because that is
//! what an export does: the ratio says what building the return adds to the reading it cannot
//! avoid. The store is read once untimed first; then each side is timed `rounds` times and
//! the fastest pass is reported, so a pass that found the pages cold is not held against
//! either side.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use clap::Args;
use hearth_domain::StreamId;
use hearth_domain::StreamKind;
use hearth_domain::child::fold;
use hearth_domain::directory::MemoryDirectory;
use hearth_returns::CollectionYear;
use hearth_returns::annex_a::Builder as AnnexA;
use hearth_returns::cin::{CensusBuilder, LaNumber};
use hearth_returns::ssda903::Builder;
use hearth_store::Store;
use hearth_store::reading::{BATCH, adopters, children_events, streams_of, workforce};

use crate::rounds::{Timed, fastest};
use crate::{open, peak_rss_mib};

/// Arguments of `returns`.
#[derive(Debug, Args)]
pub struct BenchReturns {
    /// The collection year, named by the year it ends in: 2026 is 2025/26.
    #[arg(long, value_parser = CollectionYear::parse)]
    year: CollectionYear,
    /// The council's three-digit DfE number, for the census header.
    #[arg(long, default_value = "305", value_parser = parse_la)]
    la: LaNumber,
    /// The date Annex A is built as at (by default the last day of the collection year).
    #[arg(long)]
    as_at: Option<NaiveDate>,
    /// How many passes of each side; the fastest is reported.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    rounds: u32,
}

fn parse_la(s: &str) -> Result<LaNumber, String> {
    LaNumber::parse(s).map_err(|e| e.to_string())
}

/// One side of the benchmark: what it does with each batch's children, and what it made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Read,
    CinCensus,
    Ssda903,
    AnnexA,
}

impl Side {
    const ALL: [Side; 4] = [Side::Read, Side::CinCensus, Side::Ssda903, Side::AnnexA];

    fn name(self) -> &'static str {
        match self {
            Side::Read => "read every child's events (baseline)",
            Side::CinCensus => "read, fold and build the CIN census",
            Side::Ssda903 => "read, fold and build the SSDA903 tables",
            Side::AnnexA => "read, fold and build the Annex A workbook (with adopters)",
        }
    }
}

/// What a pass made, so that the work cannot be optimised away and the table can say it.
struct Pass {
    time: Duration,
    children: usize,
    events: usize,
    bytes: usize,
}

impl Timed for Pass {
    fn time(&self) -> Duration {
        self.time
    }
}

impl BenchReturns {
    /// Runs every side `rounds` times, interleaved so that drift in the machine falls on all.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<()> {
        let store = open(db, council).await?;
        let dir = workforce(&store).await?;
        let streams = streams_of(&store, StreamKind::Child).await?;
        eprintln!(
            "hearth-bench returns: {} children, collection year {}, {} rounds",
            streams.len(),
            self.year,
            self.rounds
        );
        // One untimed read first, so that the first timed pass does not alone pay for
        // bringing the store into the page cache.
        let warm = self.pass(Side::Read, &store, &streams, &dir).await?;
        eprintln!("  warming up: {:.2} s", warm.time.as_secs_f64());
        let (this, store_ref, streams_ref, dir_ref) = (&self, &store, &streams, &dir);
        let best = fastest(&Side::ALL, self.rounds, Side::name, move |side| {
            this.pass(side, store_ref, streams_ref, dir_ref)
        })
        .await?;
        store.close().await;
        let Some(read) = best.first() else {
            anyhow::bail!("no pass was timed");
        };
        let baseline = read.time.as_secs_f64().max(1e-9);
        println!("| measurement | time (s) | output (bytes) | ratio to reading |");
        println!("|---|---|---|---|");
        for (side, pass) in Side::ALL.iter().zip(&best) {
            println!(
                "| {} | {:.2} | {} | {:.2}× |",
                side.name(),
                pass.time.as_secs_f64(),
                pass.bytes,
                pass.time.as_secs_f64() / baseline
            );
        }
        println!();
        println!(
            "children: {}; events: {}; collection year {}; fastest of {} rounds",
            read.children, read.events, self.year, self.rounds
        );
        if let Some(rss) = peak_rss_mib() {
            println!("peak RSS: {rss:.0} MiB");
        }
        Ok(())
    }

    async fn pass(
        &self,
        side: Side,
        store: &Store,
        streams: &[StreamId],
        dir: &MemoryDirectory,
    ) -> anyhow::Result<Pass> {
        let started = Instant::now();
        let (mut children_read, mut events) = (0usize, 0usize);
        let mut census = match side {
            Side::CinCensus => Some(CensusBuilder::new(self.year, self.la)?),
            _ => None,
        };
        let mut tables = match side {
            Side::Ssda903 => Some(Builder::new(self.year, dir)),
            _ => None,
        };
        let as_at = self.as_at.unwrap_or(self.year.end());
        let mut lists = match side {
            Side::AnnexA => Some(AnnexA::new(as_at, dir)),
            _ => None,
        };
        for batch in streams.chunks(BATCH) {
            for (id, child_events) in children_events(store, batch).await? {
                children_read += 1;
                events += child_events.len();
                match (&mut census, &mut tables, &mut lists) {
                    (Some(c), _, _) => {
                        c.add(&fold(&id, &child_events));
                    }
                    (_, Some(t), _) => t.add(&fold(&id, &child_events)),
                    (_, _, Some(l)) => l.add(&fold(&id, &child_events)),
                    _ => {
                        black_box(&child_events);
                    }
                }
            }
        }
        let bytes = match (census, tables, lists) {
            (Some(c), _, _) => c.finish().len(),
            (_, Some(t), _) => t.finish().files().iter().map(|(_, b)| b.len()).sum(),
            (_, _, Some(mut l)) => {
                for (id, adopter) in adopters(store, as_at).await? {
                    l.add_adopter(&id, &adopter);
                }
                l.finish().to_xlsx()?.len()
            }
            _ => 0,
        };
        Ok(Pass {
            time: started.elapsed(),
            children: children_read,
            events,
            bytes,
        })
    }
}
