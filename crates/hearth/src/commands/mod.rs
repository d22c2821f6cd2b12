//! The subcommands.

pub mod annex_a;
pub mod bench;
pub mod calendar;
pub mod cin_census;
pub mod council;
pub mod digest;
pub mod events;
pub mod export;
pub mod fingerprint;
pub mod generate;
pub mod import;
pub mod serve;
pub mod ssda903;
pub mod standards;

use anyhow::Context;
use hearth_store::Store;

/// Opens the store named on the command line.
pub async fn open(db: &str, council: &str) -> anyhow::Result<Store> {
    Store::open(db, council)
        .await
        .with_context(|| format!("cannot open the store at {db}"))
}
