//! `hearth-bench digest`: computing the performance scorecard for every month of a period
//! from the store, against reading the same children's events in the same run.
//!
//! As for the returns, each side is a whole pass over the store, a batch of children at a
//! time; the store is read once untimed first, then each side is timed `rounds` times,
//! interleaved, and the fastest pass is reported.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use clap::Args;
use hearth_domain::child::fold;
use hearth_domain::directory::MemoryDirectory;
use hearth_domain::{StreamId, StreamKind};
use hearth_performance::{DigestBuilder, Scorecard};
use hearth_standards::{Calendar, Ruleset};
use hearth_store::Store;
use hearth_store::reading::{BATCH, children_events, streams_of, workforce};

use crate::rounds::{Timed, fastest};
use crate::{open, peak_rss_mib};

/// Arguments of `digest`.
#[derive(Debug, Args)]
pub struct BenchDigest {
    /// The as-at date.
    #[arg(long)]
    as_at: NaiveDate,
    /// How many months of the scorecard.
    #[arg(long, default_value_t = 24)]
    months: usize,
    /// How many passes of each side; the fastest is reported.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    rounds: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Read,
    Fold,
    Digest,
}

impl Side {
    const ALL: [Side; 3] = [Side::Read, Side::Fold, Side::Digest];

    fn name(self) -> &'static str {
        match self {
            Side::Read => "read every child's events (baseline)",
            Side::Fold => "read and fold every child's record",
            Side::Digest => "read, fold, evaluate and compute the scorecard",
        }
    }
}

struct Pass {
    time: Duration,
    children: usize,
    events: usize,
}

struct Setup {
    card: Scorecard,
    rulesets: Vec<Ruleset>,
    calendar: Calendar,
}

impl Timed for Pass {
    fn time(&self) -> Duration {
        self.time
    }
}

impl BenchDigest {
    /// Runs every side `rounds` times, interleaved.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<()> {
        let text = Scorecard::builtin_text("standard")
            .ok_or_else(|| anyhow::anyhow!("the shipped scorecard is missing"))?;
        let rulesets = Scorecard::rulesets_named(text)
            .iter()
            .map(|n| {
                Ruleset::builtin(n)
                    .ok_or_else(|| anyhow::anyhow!("no shipped ruleset {n}"))?
                    .map_err(anyhow::Error::from)
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let refs: Vec<&Ruleset> = rulesets.iter().collect();
        let card = Scorecard::parse(text, "standard.toml", &refs)?;
        let setup = Setup {
            card,
            rulesets,
            calendar: Calendar::england_and_wales(),
        };
        let store = open(db, council).await?;
        let dir = workforce(&store).await?;
        let streams = streams_of(&store, StreamKind::Child).await?;
        eprintln!(
            "hearth-bench digest: {} children, {} indicators, {} months as at {}, {} rounds",
            streams.len(),
            setup.card.indicators.len(),
            self.months,
            self.as_at,
            self.rounds
        );
        let warm = self
            .pass(Side::Read, &store, &streams, &dir, &setup)
            .await?;
        eprintln!("  warming up: {:.2} s", warm.time.as_secs_f64());
        let (this, store_ref, streams_ref, dir_ref, setup_ref) =
            (&self, &store, &streams, &dir, &setup);
        let best = fastest(&Side::ALL, self.rounds, Side::name, move |side| {
            this.pass(side, store_ref, streams_ref, dir_ref, setup_ref)
        })
        .await?;
        store.close().await;
        let Some(read) = best.first() else {
            anyhow::bail!("no pass was timed");
        };
        let baseline = read.time.as_secs_f64().max(1e-9);
        println!("| measurement | time (s) | ratio to reading |");
        println!("|---|---|---|");
        for (side, pass) in Side::ALL.iter().zip(&best) {
            println!(
                "| {} | {:.2} | {:.2}× |",
                side.name(),
                pass.time.as_secs_f64(),
                pass.time.as_secs_f64() / baseline
            );
        }
        println!();
        println!(
            "children: {}; events: {}; {} months as at {}; fastest of {} rounds",
            read.children, read.events, self.months, self.as_at, self.rounds
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
        setup: &Setup,
    ) -> anyhow::Result<Pass> {
        let refs: Vec<&Ruleset> = setup.rulesets.iter().collect();
        let started = Instant::now();
        let mut builder = match side {
            Side::Digest => Some(DigestBuilder::new(
                &setup.card,
                &refs,
                &setup.calendar,
                self.as_at,
                self.months,
            )?),
            _ => None,
        };
        let (mut children, mut events) = (0usize, 0usize);
        for batch in streams.chunks(BATCH) {
            for (id, evs) in children_events(store, batch).await? {
                children += 1;
                events += evs.len();
                match side {
                    Side::Read => {
                        black_box(&evs);
                    }
                    Side::Fold => {
                        black_box(fold(&id, &evs));
                    }
                    Side::Digest => {
                        if let Some(b) = builder.as_mut() {
                            b.add(&fold(&id, &evs), dir)?;
                        }
                    }
                }
            }
        }
        if let Some(b) = builder {
            black_box(b.finish());
        }
        Ok(Pass {
            time: started.elapsed(),
            children,
            events,
        })
    }
}
