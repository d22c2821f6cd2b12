//! `hearth-bench`: Hearth's benchmarks, each timed against a baseline measured in the same
//! run, so that figures from noisy machines can be compared as ratios (docs/performance.md).
//! They live apart from the `hearth` binary, which runs this program for `hearth bench`, so
//! that production links neither the benchmarks nor an HTTP client.

mod digest;
mod generate;
mod returns;
mod rounds;
mod standards;
mod store;
mod web;

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use hearth_store::Store;

/// Hearth's benchmarks, each against a baseline measured in the same run.
#[derive(Debug, Parser)]
#[command(name = "hearth-bench", version, about)]
struct Cli {
    /// The store, for the benchmarks that read one (standards, returns): sqlite://PATH or
    /// postgres://USER@HOST:PORT/DATABASE.
    #[arg(
        long,
        global = true,
        env = "HEARTH_DATABASE_URL",
        default_value = "sqlite://hearth.db"
    )]
    db: String,
    /// The council (tenant) within the store.
    #[arg(long, global = true, env = "HEARTH_COUNCIL", default_value = "default")]
    council: String,
    #[command(subcommand)]
    bench: Bench,
}

/// What to measure.
#[derive(Debug, Subcommand)]
enum Bench {
    /// Generate a synthetic borough into a fresh SQLite store, against the store's raw
    /// append rate for the same kind of events measured in the same run.
    Generate(generate::BenchGenerate),
    /// Append and read back events through the SQLite store, against plain INSERT and SELECT
    /// of the same rows.
    Store(store::BenchStore),
    /// The web application's My work and child's record pages under concurrent load, against
    /// its static health endpoint, from this second process.
    Web(web::BenchWeb),
    /// Building the CIN census, the SSDA903 and Annex A for a collection year from the store
    /// named by --db, against reading the same children's events in the same run.
    Returns(returns::BenchReturns),
    /// Folds every open child's record and evaluates it under a ruleset as at a date,
    /// against folding alone in the same run.
    Standards(standards::BenchStandards),
    /// Computes the performance scorecard for every month of a period from the store named
    /// by --db, against reading the same children's events in the same run.
    Digest(digest::BenchDigest),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.bench {
        Bench::Generate(b) => b.run().await,
        Bench::Store(b) => b.run().await,
        Bench::Web(b) => b.run().await,
        Bench::Returns(b) => b.run(&cli.db, &cli.council).await,
        Bench::Standards(b) => b.run(&cli.db, &cli.council).await,
        Bench::Digest(b) => b.run(&cli.db, &cli.council).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hearth-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Opens the store named on the command line.
async fn open(db: &str, council: &str) -> anyhow::Result<Store> {
    Store::open(db, council)
        .await
        .with_context(|| format!("cannot open the store at {db}"))
}

/// Peak resident memory of this process, from /proc (Linux), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
