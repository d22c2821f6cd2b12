//! `hearth export cin-census` and `hearth import cin-census`: the children in need census
//! built from the record for a collection year, and a council's last census loaded into it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use hearth_app::records::{ImportOutcome, Records};
use hearth_domain::child::fold;
use hearth_domain::interchange::JourneyLine;
use hearth_returns::CollectionYear;
use hearth_returns::cin::{CensusBuilder, LaNumber, import, xml};

use super::standards::{BATCH, child_streams, children};

/// Arguments of `export cin-census`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The collection year, named by the year it ends in: 2026 is 2025/26.
    #[arg(long, value_parser = parse_year)]
    year: CollectionYear,
    /// The export directory; the census is written to DIR/cin/cin-census-YEAR.xml.
    #[arg(long)]
    out: PathBuf,
    /// The council's three-digit DfE number (the census's LEA), such as 305; by default the
    /// one the store holds (`hearth council set`).
    #[arg(long, env = "HEARTH_LA_NUMBER", value_parser = parse_la)]
    la: Option<LaNumber>,
}

fn parse_year(s: &str) -> Result<CollectionYear, String> {
    CollectionYear::parse(s).map_err(|e| e.to_string())
}

fn parse_la(s: &str) -> Result<LaNumber, String> {
    LaNumber::parse(s).map_err(|e| e.to_string())
}

/// The census file's path under an export directory.
pub fn census_path(dir: &Path, year: CollectionYear) -> PathBuf {
    dir.join("cin")
        .join(format!("cin-census-{}.xml", year.ending_year()))
}

/// Writes bytes to a file whole: to a partial file first, then renamed into place.
pub fn write_whole(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let partial = path.with_extension("partial");
    std::fs::write(&partial, bytes)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))
}

impl ExportArgs {
    /// Builds the census from every child's record, a batch at a time.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<ExitCode> {
        let store = super::open(db, council).await?;
        let la = match self.la {
            Some(la) => la,
            None => match super::council::stored(&store).await? {
                Some(c) => c.la,
                None => anyhow::bail!("{}, or give --la", super::council::NOT_SET),
            },
        };
        let mut census = CensusBuilder::new(self.year, la)?;
        let streams = child_streams(&store, None).await?;
        for batch in streams.chunks(BATCH) {
            for (id, events) in children(&store, batch).await? {
                census.add(&fold(&id, &events));
            }
        }
        let n = census.children();
        let path = census_path(&self.out, self.year);
        write_whole(&path, &census.finish())?;
        println!(
            "CIN census {}: {n} children written to {}",
            self.year,
            path.display()
        );
        Ok(ExitCode::SUCCESS)
    }
}

/// Arguments of `import cin-census`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The census file (XML).
    file: PathBuf,
}

/// How many children are written per transaction.
const IMPORT_BATCH: usize = 500;

impl ImportArgs {
    /// Loads every child the file holds through the record's rules; reports each child that
    /// cannot be loaded with its line and the reason, and loads nothing of that child.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<ExitCode> {
        let name = self.file.display().to_string();
        let bytes = std::fs::read(&self.file).with_context(|| format!("cannot read {name}"))?;
        let read = xml::read(&bytes).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        let now = crate::clock::now();
        let records = Records::open(super::open(db, council).await?).await?;
        let mut refused = 0usize;
        for r in &read.refused {
            refused += 1;
            let id = r.id.as_deref().unwrap_or("(no LAchildID)");
            for p in &r.problems {
                eprintln!(
                    "{name}: line {}, {}: child {id} refused: {}",
                    p.line, p.element, p.reason
                );
            }
        }
        // The directory records first, under keys that no child uses.
        let directory: Vec<(usize, JourneyLine)> =
            import::directory()?.into_iter().enumerate().collect();
        let first_child = directory.len();
        let mut tally = (0usize, 0usize);
        for (_, outcome) in records.import_batch(directory).await? {
            if let ImportOutcome::Refused { reason, .. } = outcome {
                anyhow::bail!("the import's manager record could not be written: {reason}");
            }
        }
        let mut batch: Vec<(usize, JourneyLine)> = Vec::new();
        let located = |k: usize| {
            let i = k - first_child;
            let line = read.lines.get(i).copied().unwrap_or(0);
            let id = read.census.children.get(i).map_or("", |c| c.id.as_str());
            format!("{name}: line {line}, Child (LAchildID {id})")
        };
        for (i, c) in read.census.children.iter().enumerate() {
            let key = first_child + i;
            match import::child(c, now) {
                Ok(line) => batch.push((key, line)),
                Err(reason) => {
                    refused += 1;
                    eprintln!("{}: refused: {reason}", located(key));
                }
            }
            if batch.len() >= IMPORT_BATCH || i + 1 == read.census.children.len() {
                let outcomes = records
                    .import_batch(std::mem::take(&mut batch))
                    .await
                    .context("a batch could not be written; nothing in it was stored")?;
                for (key, outcome) in outcomes {
                    match outcome {
                        ImportOutcome::Imported(_) => tally.0 += 1,
                        ImportOutcome::AlreadyPresent => tally.1 += 1,
                        ImportOutcome::Refused { reason, .. } => {
                            refused += 1;
                            eprintln!("{}: refused: {reason}", located(key));
                        }
                    }
                }
            }
        }
        println!(
            "CIN census {} (LEA {}): imported {} children; {} already present; {refused} refused",
            read.census.year, read.census.la, tally.0, tally.1
        );
        Ok(if refused == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        })
    }
}
