//! `hearth bench ...`: the benchmarks, run by the `hearth-bench` program built beside this
//! one, the way git runs git-foo. They live in a crate of their own so that the production
//! binary links neither the benchmarks nor an HTTP client.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{ExitCode, ExitStatus};

use anyhow::Context;
use clap::Args;

/// Arguments of `bench`: everything after it goes to `hearth-bench`.
#[derive(Debug, Args)]
pub struct Bench {
    /// The benchmark and its options, as `hearth-bench` takes them: store, generate,
    /// standards, returns or web (`hearth bench --help` lists them).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<OsString>,
}

/// Where `hearth-bench` should be: in the same directory as this program.
fn beside_this_program() -> anyhow::Result<PathBuf> {
    let this = std::env::current_exe().context("cannot tell where this program is")?;
    Ok(this.with_file_name(format!("hearth-bench{}", std::env::consts::EXE_SUFFIX)))
}

/// The exit code to pass on: the program's own, or failure if a signal ended it.
fn exit_code(status: ExitStatus) -> ExitCode {
    match status.code().map(u8::try_from) {
        Some(Ok(code)) => ExitCode::from(code),
        _ => ExitCode::FAILURE,
    }
}

impl Bench {
    /// Runs `hearth-bench` with the arguments, telling it the store and council this
    /// command was given (as its environment, so that its own options still win), and
    /// exits as it exits.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<ExitCode> {
        let program = beside_this_program()?;
        if !program.is_file() {
            anyhow::bail!(
                "`hearth bench` runs hearth-bench, and there is none beside this program \
                 (no {}): build it as hearth was built, with `cargo build --release -p \
                 hearth-bench` (without --release for a debug build)",
                program.display()
            );
        }
        let status = tokio::process::Command::new(&program)
            .args(&self.args)
            .env("HEARTH_DATABASE_URL", db)
            .env("HEARTH_COUNCIL", council)
            .status()
            .await
            .with_context(|| format!("cannot run {}", program.display()))?;
        Ok(exit_code(status))
    }
}
