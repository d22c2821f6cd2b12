//! `hearth bench ...`: benchmarks, each against a baseline measured in the same run, so that
//! figures from noisy machines can be compared as ratios (see docs/performance.md).

use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::NaiveDate;
use clap::Subcommand;
use hearth_domain::child::fold;
use hearth_standards::{AsAt, Calendar, evaluate, is_open};
use hearth_store::bench::{Plan, run};

/// What to measure.
#[derive(Debug, Subcommand)]
pub enum Bench {
    /// Generate a synthetic borough into a fresh SQLite store, against the store's raw
    /// append rate for the same kind of events measured in the same run.
    Generate {
        /// Children under 18.
        #[arg(long, default_value_t = 71_200)]
        population: u64,
        /// Years of history.
        #[arg(long, default_value_t = 6)]
        years: u32,
        /// The seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to put the databases (a temporary directory by default).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Append and read back events through the SQLite store, against plain INSERT and SELECT
    /// of the same rows.
    Store {
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
    },
    /// The web application's My work and child's record pages under concurrent load, against
    /// its static health endpoint, from this second process.
    Web(super::bench_web::BenchWeb),
    /// Building the CIN census, the SSDA903 and Annex A for a collection year from the store
    /// named by --db, against reading the same children's events in the same run.
    Returns(super::bench_returns::BenchReturns),
    /// Folds every open child's record and evaluates it under a ruleset as at a date,
    /// against folding alone in the same run.
    Standards {
        /// The date to evaluate as at (YYYY-MM-DD).
        #[arg(long)]
        as_at: NaiveDate,
        /// A shipped ruleset, or a ruleset file.
        #[arg(long, default_value = "bromley")]
        ruleset: String,
        /// How many times to time each side; the fastest of each is reported.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
        rounds: u32,
    },
}

/// Peak resident memory of this process, from /proc (Linux), in MiB.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

impl Bench {
    /// Runs the benchmark and prints a table for docs/performance.md.
    pub async fn run(self) -> anyhow::Result<ExitCode> {
        match self {
            Bench::Generate {
                population,
                years,
                seed,
                dir,
            } => {
                let temp = tempfile::tempdir().context("cannot make a temporary directory")?;
                let dir = dir.unwrap_or_else(|| temp.path().to_path_buf());
                std::fs::create_dir_all(&dir)?;
                let as_at = super::generate::end_of_day(
                    chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default(),
                );
                let params = hearth_synth::Params {
                    population,
                    years,
                    seed,
                    as_at,
                };
                let store = hearth_store::Store::open(
                    &format!("sqlite://{}", dir.join("borough.db").display()),
                    "bench",
                )
                .await?;
                let records = hearth_store::records::Records::open(store).await?;
                eprintln!(
                    "hearth bench generate: {population} children, {years} years, seed {seed}, in {}",
                    dir.display()
                );
                let started = std::time::Instant::now();
                let mut last = std::time::Instant::now();
                let summary = hearth_synth::run::generate(
                    &records,
                    params,
                    hearth_synth::Inputs::builtin()?,
                    |p| {
                        if last.elapsed().as_secs() >= 10 {
                            last = std::time::Instant::now();
                            eprintln!("  {:>5.1}%  {} events", p.fraction * 100.0, p.events);
                        }
                    },
                )
                .await?;
                let generation = started.elapsed();
                records.store().close().await;
                let rss_after_generation = peak_rss_mib();
                // The raw append rate: the same store, the same kind of events, no rules.
                let sample = (summary.events as usize).clamp(100_000, 1_000_000);
                let raw_dir = dir.join("raw");
                std::fs::create_dir_all(&raw_dir)?;
                let raw = run(
                    &raw_dir,
                    Plan {
                        events: sample,
                        per_stream: 100,
                        streams_per_transaction: 50,
                    },
                )
                .await?;
                let raw_rate = sample as f64 / raw.measures[0].store.as_secs_f64().max(1e-9);
                let rate = summary.events as f64 / generation.as_secs_f64().max(1e-9);
                println!(
                    "| population | events | generation (s) | events/s | raw store append events/s | ratio | peak RSS (MiB) |"
                );
                println!("|---|---|---|---|---|---|---|");
                println!(
                    "| {population} | {} | {:.1} | {rate:.0} | {raw_rate:.0} | {:.2} | {} |",
                    summary.events,
                    generation.as_secs_f64(),
                    rate / raw_rate,
                    rss_after_generation.map_or("?".to_owned(), |r| format!("{r:.0}")),
                );
                Ok(ExitCode::SUCCESS)
            }
            // It needs the store named on the command line; `main` sends it to
            // `run_standards`.
            Bench::Standards { .. } => {
                anyhow::bail!("bench standards needs a store: use run_standards")
            }
            Bench::Web(web) => web.run().await,
            // It needs the store too: `main` sends it to `BenchReturns::run`.
            Bench::Returns(_) => anyhow::bail!("bench returns needs a store"),
            Bench::Store {
                events,
                per_stream,
                streams_per_transaction,
                dir,
            } => {
                let temp = tempfile::tempdir().context("cannot make a temporary directory")?;
                let dir = dir.unwrap_or_else(|| temp.path().to_path_buf());
                std::fs::create_dir_all(&dir)?;
                let plan = Plan {
                    events,
                    per_stream,
                    streams_per_transaction,
                };
                eprintln!(
                    "hearth bench store: {events} events, {per_stream} per stream, {streams_per_transaction} streams per transaction, in {}",
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
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}

impl Bench {
    /// Times folding every open child against folding and evaluating them, in one run. The
    /// children are read a batch at a time; each batch is timed on both sides, and the
    /// fastest round of each side is added up over the batches.
    pub async fn run_standards(self, db: &str, council: &str) -> anyhow::Result<ExitCode> {
        let Bench::Standards {
            as_at,
            ruleset,
            rounds,
        } = self
        else {
            return self.run().await;
        };
        let rules = super::standards::ruleset(&ruleset)?;
        let as_at = AsAt::end_of(as_at);
        let store = super::open(db, council).await?;
        let dir = super::standards::staff(&store).await?;
        let streams = super::standards::child_streams(&store, None).await?;
        eprintln!(
            "hearth bench standards: {} children as at {}, ruleset {}, {rounds} rounds",
            streams.len(),
            as_at.date,
            rules.id
        );
        let calendar = Calendar::england_and_wales();
        let mut fold_time = Duration::ZERO;
        let mut both_time = Duration::ZERO;
        let (mut open_children, mut events, mut obligations) = (0usize, 0usize, 0usize);
        for batch in streams.chunks(super::standards::BATCH) {
            let open: Vec<_> = super::standards::children(&store, batch)
                .await?
                .into_iter()
                .filter(|(id, events)| is_open(&fold(id, events), &calendar, as_at))
                .collect();
            open_children += open.len();
            events += open.iter().map(|(_, e)| e.len()).sum::<usize>();
            let mut fold_best = Duration::MAX;
            let mut both_best = Duration::MAX;
            let mut made = 0usize;
            for _ in 0..rounds {
                let t = Instant::now();
                for (id, events) in &open {
                    black_box(fold(id, events));
                }
                fold_best = fold_best.min(t.elapsed());

                let t = Instant::now();
                made = 0;
                for (id, events) in &open {
                    let record = fold(id, events);
                    let evaluation = evaluate(&record, &rules, &calendar, as_at, &dir)?;
                    made += black_box(evaluation).obligations.len();
                }
                both_best = both_best.min(t.elapsed());
            }
            fold_time += fold_best;
            both_time += both_best;
            obligations += made;
        }
        store.close().await;
        let evaluation = both_time.saturating_sub(fold_time);
        let fold_s = fold_time.as_secs_f64().max(1e-9);
        println!("| measurement | time (s) | ratio to folding |");
        println!("|---|---|---|");
        println!(
            "| fold every open child | {:.3} | 1.00× |",
            fold_time.as_secs_f64()
        );
        println!(
            "| fold and evaluate every open child | {:.3} | {:.2}× |",
            both_time.as_secs_f64(),
            both_time.as_secs_f64() / fold_s
        );
        println!(
            "| evaluation alone (the difference) | {:.3} | {:.2}× |",
            evaluation.as_secs_f64(),
            evaluation.as_secs_f64() / fold_s
        );
        println!();
        println!(
            "open children: {open_children}; events: {events}; obligations: {obligations}; fastest of {rounds} rounds in each batch of {}",
            super::standards::BATCH
        );
        if let Some(rss) = peak_rss_mib() {
            println!("peak RSS: {rss:.0} MiB");
        }
        Ok(ExitCode::SUCCESS)
    }
}
