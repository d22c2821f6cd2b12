//! `hearth-bench generate`: generating a synthetic borough into a fresh SQLite store, against
//! the store's raw append rate for the same kind of events, measured in the same run.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use chrono::{NaiveDate, NaiveTime};
use clap::Args;
use hearth_app::records::Records;
use hearth_domain::Timestamp;
use hearth_store::Store;

use crate::peak_rss_mib;
use crate::store::{Plan, run};

/// Arguments of `generate`.
#[derive(Debug, Args)]
pub struct BenchGenerate {
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
}

impl BenchGenerate {
    /// Generates the borough, then measures the raw append rate, and prints a table for
    /// docs/performance.md.
    pub async fn run(self) -> anyhow::Result<()> {
        let BenchGenerate {
            population,
            years,
            seed,
            dir,
        } = self;
        let temp = tempfile::tempdir().context("cannot make a temporary directory")?;
        let dir = dir.unwrap_or_else(|| temp.path().to_path_buf());
        std::fs::create_dir_all(&dir)?;
        // A fixed day, so that every run generates the same borough.
        let as_at = Timestamp::at_london_time(
            NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default(),
            NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN),
        );
        let params = hearth_synth::Params {
            population,
            years,
            seed,
            as_at,
        };
        let store = Store::open(
            &format!("sqlite://{}", dir.join("borough.db").display()),
            "bench",
        )
        .await?;
        let records = Records::open(store.clone()).await?;
        eprintln!(
            "hearth-bench generate: {population} children, {years} years, seed {seed}, in {}",
            dir.display()
        );
        let started = Instant::now();
        let mut last = Instant::now();
        let summary =
            hearth_synth::run::generate(&records, params, hearth_synth::Inputs::builtin()?, |p| {
                if last.elapsed().as_secs() >= 10 {
                    last = Instant::now();
                    eprintln!("  {:>5.1}%  {} events", p.fraction * 100.0, p.events);
                }
            })
            .await?;
        let generation = started.elapsed();
        store.close().await;
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
        Ok(())
    }
}
