//! `hearth`: the command line. It reads the clock and the environment, opens the store and
//! hands over to the library crates.

mod clock;
mod commands;

use clap::{Parser, Subcommand};

/// Hearth: the case record and practice-assurance system for children's social care.
#[derive(Debug, Parser)]
#[command(name = "hearth", version, about)]
struct Cli {
    /// The store: sqlite://PATH (created if missing) or postgres://USER@HOST:PORT/DATABASE.
    #[arg(
        long,
        global = true,
        env = "HEARTH_DATABASE_URL",
        default_value = DEFAULT_DB
    )]
    db: String,
    /// The council (tenant) within the store.
    #[arg(long, global = true, env = "HEARTH_COUNCIL", default_value = "default")]
    council: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load records from files.
    #[command(subcommand)]
    Import(commands::import::Import),
    /// Write records to files.
    #[command(subcommand)]
    Export(commands::export::Export),
    /// Print a child's events (the read is written to the access log).
    Events(commands::events::Events),
    /// Generate a synthetic borough into an empty store.
    Generate(commands::generate::Generate),
    /// Print a fingerprint (SHA-256) of every event in the store, and how many there are.
    Fingerprint,
    /// Benchmarks, each against a baseline measured in the same run: runs the hearth-bench
    /// program built beside this one (`cargo build --release -p hearth-bench`).
    #[command(disable_help_flag = true)]
    Bench(commands::bench::Bench),
    /// The working-day calendar of England and Wales.
    #[command(subcommand)]
    Calendar(commands::calendar::Calendar),
    /// Every child's obligations under a ruleset of practice standards, as at a date.
    Standards(commands::standards::Standards),
    /// The performance scorecard as at a date: every indicator's value, numerator,
    /// denominator, target and RAG.
    Digest(commands::digest::DigestArgs),
    /// Serve the web application.
    Serve(commands::serve::Serve),
    /// Build the default synthetic borough (once) and serve it, with a sign-in for every role.
    Demo(commands::serve::Demo),
    /// Create or replace a local sign-in account; the password is read from standard input.
    Account(commands::serve::Account),
    /// The council's settings: its name, DfE number and ONS code, which the returns use.
    #[command(subcommand)]
    Council(commands::council::CouncilCommand),
}

/// The demo keeps its borough in its own file unless a store is named, so that it never
/// writes synthetic children into a council's real store.
fn demo_db(db: &str) -> String {
    if db == DEFAULT_DB {
        "sqlite://hearth-demo.db".to_owned()
    } else {
        db.to_owned()
    }
}

const DEFAULT_DB: &str = "sqlite://hearth.db";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // Logs go to standard error, warnings and errors only: standard output is the
    // commands' own (the address being served, exports, tables).
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::WARN)
        .init();
    let result = match cli.command {
        Command::Import(c) => c.run(&cli.db, &cli.council).await,
        Command::Export(c) => c.run(&cli.db, &cli.council).await,
        Command::Events(c) => c.run(&cli.db, &cli.council).await,
        Command::Generate(c) => c.run(&cli.db, &cli.council).await,
        Command::Fingerprint => commands::fingerprint::run(&cli.db, &cli.council).await,
        Command::Bench(c) => c.run(&cli.db, &cli.council).await,
        Command::Calendar(c) => c.run(),
        Command::Standards(c) => c.run(&cli.db, &cli.council).await,
        Command::Digest(c) => c.run(&cli.db, &cli.council).await,
        Command::Serve(c) => c.run(&cli.db, &cli.council).await,
        Command::Demo(c) => c.run(&demo_db(&cli.db), &cli.council).await,
        Command::Account(c) => c.run(&cli.db, &cli.council).await,
        Command::Council(c) => c.run(&cli.db, &cli.council).await,
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("hearth: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
