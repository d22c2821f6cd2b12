//! `hearth export annex-a`: Ofsted's ILACS Annex A lists, read from the record as at a date
//! and written as one xlsx workbook (docs/returns.md, "Annex A").

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;
use hearth_domain::child::fold;
use hearth_returns::annex_a::{Builder, List};
use hearth_store::reading::adopters;

use super::cin_census::write_whole;
use super::standards::{BATCH, child_streams, children, staff};

/// Arguments of `export annex-a`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The date the lists are read as at (YYYY-MM-DD): the inspection's notice day.
    #[arg(long)]
    as_at: NaiveDate,
    /// The workbook to write (replaced only once complete).
    #[arg(long)]
    out: PathBuf,
    /// The council's postcode areas, such as BR, for placing a child who has no home
    /// postcode (an unaccompanied asylum seeker) in or out of the area.
    #[arg(long, value_delimiter = ',')]
    postcode_areas: Vec<String>,
}

impl ExportArgs {
    /// Builds the lists from every child's record, a batch at a time, and writes the workbook.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<ExitCode> {
        let store = super::open(db, council).await?;
        let dir = staff(&store).await?;
        let mut lists = Builder::new(self.as_at, &dir).council_postcode_areas(self.postcode_areas);
        for batch in child_streams(&store, None).await?.chunks(BATCH) {
            for (id, events) in children(&store, batch).await? {
                lists.add(&fold(&id, &events));
            }
        }
        for (id, adopter) in adopters(&store, self.as_at).await? {
            lists.add_adopter(&id, &adopter);
        }
        let lists = lists.finish();
        write_whole(&self.out, &lists.to_xlsx()?)?;
        let counts: Vec<String> = List::ALL
            .iter()
            .map(|l| format!("{} {}", l.sheet(), lists.rows(*l).len()))
            .collect();
        println!(
            "Annex A as at {} to {}: {}",
            self.as_at,
            self.out.display(),
            counts.join(", ")
        );
        Ok(ExitCode::SUCCESS)
    }
}
