//! `hearth bench ...`: benchmarks, each against a baseline measured in the same run, so that
//! figures from noisy machines can be compared as ratios (see docs/performance.md).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use hearth_store::bench::{Plan, run};

/// What to measure.
#[derive(Debug, Subcommand)]
pub enum Bench {
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
