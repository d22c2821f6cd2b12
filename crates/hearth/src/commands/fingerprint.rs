//! `hearth fingerprint`: a hash of every event in the store, in recording order.

use std::process::ExitCode;

/// Prints the store's fingerprint and event count.
pub async fn run(db: &str, council: &str) -> anyhow::Result<ExitCode> {
    let store = super::open(db, council).await?;
    println!(
        "{} {}",
        store.fingerprint().await?,
        store.count_events().await?
    );
    Ok(ExitCode::SUCCESS)
}
