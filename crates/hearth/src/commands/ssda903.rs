//! `hearth export ssda903` and `hearth import ssda903`: the SSDA903 return built from the
//! record, and a council's last 903 tables loaded into it (docs/returns-ssda903.md).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use hearth_app::records::{ImportOutcome, Records};
use hearth_domain::child::fold;
use hearth_domain::interchange::JourneyLine;
use hearth_returns::CollectionYear;
use hearth_returns::ssda903::{Builder, Ssda903};

use super::standards::{BATCH, child_streams, children, staff};

/// Arguments of `export ssda903`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The collection year, named by the year it ends in: 2026 is 2025/26.
    #[arg(long, value_parser = CollectionYear::parse)]
    year: CollectionYear,
    /// The directory to write the tables to (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Also write the previous year's tables, to OUT/prev, for the cross-year rules.
    #[arg(long)]
    previous: bool,
}

/// Writes a return's files into a directory, each replaced only once complete.
fn write_return(ret: &Ssda903, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, bytes) in ret.files() {
        let path = dir.join(name);
        let partial = dir.join(format!("{name}.partial"));
        std::fs::write(&partial, &bytes)
            .with_context(|| format!("cannot write {}", partial.display()))?;
        std::fs::rename(&partial, &path)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn summary(ret: &Ssda903, dir: &Path) -> String {
    let f = ret.figures();
    format!(
        "SSDA903 {} to {}: {} children looked after at 31 March, {} in the year, {} episodes in the year, {} care leavers",
        ret.year,
        dir.display(),
        f.looked_after_at_end,
        f.looked_after_in_year,
        f.episodes_in_year,
        f.care_leavers
    )
}

/// Builds the return (and the previous year's) from every child's folded record.
pub async fn export(args: ExportArgs, db: &str, council: &str) -> anyhow::Result<ExitCode> {
    let previous = match (args.previous, args.year.previous()) {
        (false, _) => None,
        (true, Some(p)) => Some(p),
        (true, None) => anyhow::bail!("collection year {} has no previous year", args.year),
    };
    let store = super::open(db, council).await?;
    let dir = staff(&store).await?;
    let mut this = Builder::new(args.year, &dir);
    let mut last = previous.map(|p| Builder::new(p, &dir));
    let streams = child_streams(&store, None).await?;
    for batch in streams.chunks(BATCH) {
        for (id, events) in children(&store, batch).await? {
            let record = fold(&id, &events);
            this.add(&record);
            if let Some(b) = last.as_mut() {
                b.add(&record);
            }
        }
    }
    let this = this.finish();
    write_return(&this, &args.out)?;
    println!("{}", summary(&this, &args.out));
    if let Some(b) = last {
        let prev = b.finish();
        let dir = args.out.join("prev");
        write_return(&prev, &dir)?;
        println!("{}", summary(&prev, &dir));
    }
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `import ssda903`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The directory holding the tables, one CSV file per table (recognised by its columns).
    dir: PathBuf,
    /// The collection year; by default the year of the latest date in the tables.
    #[arg(long, value_parser = CollectionYear::parse)]
    year: Option<CollectionYear>,
}

/// Reads the tables, then imports the staff they name and each child that passed every
/// check, reporting every refused child with the file, line and column at fault.
///
/// The staff and team are written in the same transaction as the first children, and only
/// once a child is to be written: a run that imports no child, or whose staff the store
/// refuses, writes nothing. Nothing in the journeys depends on when the import runs, so a
/// second run of the same tables finds everything already present and writes nothing.
pub async fn import(args: ImportArgs, db: &str, council: &str) -> anyhow::Result<ExitCode> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(&args.dir)
        .with_context(|| format!("cannot read {}", args.dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
        .collect();
    names.sort();
    let mut files = Vec::new();
    for path in names {
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        files.push((path.display().to_string(), bytes));
    }
    let today = crate::clock::now().london_date();
    let imported = hearth_returns::ssda903::import(&files, args.year, today)?;
    let records = Records::open(super::open(db, council).await?).await?;
    // A child with several broken items is one refused child.
    let mut refused = imported
        .refused
        .iter()
        .map(|r| {
            r.child
                .clone()
                .unwrap_or_else(|| format!("{}:{}", r.file, r.line))
        })
        .collect::<std::collections::HashSet<_>>()
        .len();
    let (mut children, mut present) = (0usize, 0usize);
    for r in &imported.refused {
        eprintln!("refused: {r}");
    }
    // The directory's lines are numbered after the children's, so the two never mix.
    let mut directory: Vec<(usize, JourneyLine)> = imported
        .directory
        .into_iter()
        .enumerate()
        .map(|(i, l)| (usize::MAX - i, l))
        .collect();
    for batch in imported.children.chunks(BATCH) {
        let mut lines: Vec<(usize, JourneyLine)> = directory.clone();
        lines.extend(batch.iter().enumerate().map(|(i, c)| (i, c.line.clone())));
        let checked = records.check_batch(lines).await?;
        let mut writes_a_child = false;
        for (i, outcome) in checked.outcomes() {
            match outcome {
                ImportOutcome::Refused { reason, .. } if *i >= batch.len() => {
                    anyhow::bail!(
                        "the staff named in the return could not be imported, so nothing was: {reason}"
                    );
                }
                ImportOutcome::Imported(_) if *i < batch.len() => writes_a_child = true,
                _ => {}
            }
        }
        let outcomes = if writes_a_child {
            directory.clear();
            records.write_checked(checked).await?
        } else {
            // Nothing of this batch is to be written: leave its staff for a batch that is.
            checked.outcomes().to_vec()
        };
        for (i, outcome) in outcomes {
            let Some(c) = batch.get(i) else {
                continue;
            };
            match outcome {
                ImportOutcome::Imported(_) => children += 1,
                ImportOutcome::AlreadyPresent => present += 1,
                ImportOutcome::Refused { reason, .. } => {
                    refused += 1;
                    let (file, line) = c.sources.first().cloned().unwrap_or_default();
                    eprintln!("refused: {file} line {line} (child {}): {reason}", c.id);
                }
            }
        }
    }
    println!(
        "SSDA903 {}: imported {children} children; {present} already present; {refused} refused",
        imported.year
    );
    Ok(if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
