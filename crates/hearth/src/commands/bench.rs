//! `hearth bench ...`: benchmarks with a baseline measured in the same run.

use std::process::ExitCode;

use clap::Subcommand;

/// What to measure.
#[derive(Debug, Subcommand)]
pub enum Bench {
    /// Appending and reading back events on SQLite, against plain INSERT/SELECT of the same bytes.
    Store {
        /// How many events.
        #[arg(long, default_value_t = 1_000_000)]
        events: usize,
    },
}

impl Bench {
    /// Runs the benchmark.
    pub async fn run(self) -> anyhow::Result<ExitCode> {
        match self {
            Bench::Store { events } => {
                let _ = events;
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}
