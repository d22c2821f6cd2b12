//! `hearth council`: who the council is, held by the store as its settings, so that the
//! exports need not be told each time (docs/returns.md).

use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use hearth_returns::council::Council;
use hearth_store::{CouncilSettings, Store};

/// What to do with the council's settings.
#[derive(Debug, Subcommand)]
pub enum CouncilCommand {
    /// Prints the council's name, DfE number and ONS code.
    Show,
    /// Sets the council's name, DfE number and ONS code, replacing any held.
    Set {
        /// The council's name, such as "London Borough of Bromley".
        #[arg(long)]
        name: String,
        /// The council's three-digit DfE number (the CIN census's LEA), such as 305.
        #[arg(long)]
        la: String,
        /// The council's ONS code, such as E09000006.
        #[arg(long)]
        ons_code: String,
    },
    /// Sets the caseload promise: the most open cases a worker should hold. The team, the
    /// allocation and the service pages measure caseloads against it.
    Promise {
        /// The number of open cases, such as 15.
        #[arg(long)]
        cases: u32,
    },
}

/// The council's settings as the store holds them, checked.
pub async fn stored(store: &Store) -> anyhow::Result<Option<Council>> {
    let Some(s) = store.council_settings().await? else {
        return Ok(None);
    };
    let council = Council::parse(&s.name, &s.la_number, &s.ons_code)
        .context("the council settings held by the store are not valid: set them again with `hearth council set`")?;
    Ok(Some(council))
}

/// Stores the council's settings, replacing any held.
pub async fn store(store: &Store, council: &Council) -> anyhow::Result<()> {
    store
        .put_council_settings(&CouncilSettings {
            name: council.name.clone(),
            la_number: council.la.to_string(),
            ons_code: council.ons_code.to_string(),
        })
        .await?;
    Ok(())
}

/// What to say when an export needs a setting the store does not hold.
pub const NOT_SET: &str = "the store holds no council settings: set them once with `hearth council set --name NAME --la NNN --ons-code CODE`";

impl CouncilCommand {
    /// Shows or sets the settings. Bad values are refused before the store is opened.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<ExitCode> {
        match self {
            CouncilCommand::Show => {
                let store = super::open(db, council).await?;
                let Some(c) = stored(&store).await? else {
                    eprintln!("hearth: {NOT_SET}");
                    return Ok(ExitCode::from(1));
                };
                println!("name: {}", c.name);
                println!("la: {}", c.la);
                println!("ons-code: {}", c.ons_code);
                match store.caseload_promise().await? {
                    Some(n) => println!("caseload-promise: {n}"),
                    None => println!("caseload-promise: not set"),
                }
            }
            CouncilCommand::Set { name, la, ons_code } => {
                let c = Council::parse(&name, &la, &ons_code)?;
                let store = super::open(db, council).await?;
                self::store(&store, &c).await?;
                println!(
                    "council {council}: {} (DfE number {}, ONS code {})",
                    c.name, c.la, c.ons_code
                );
            }
            CouncilCommand::Promise { cases } => {
                if cases == 0 {
                    anyhow::bail!("a caseload promise is a number of open cases, 1 or more");
                }
                let store = super::open(db, council).await?;
                store.put_caseload_promise(cases).await?;
                println!("council {council}: the caseload promise is {cases} open cases");
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
