//! `hearth import journeys FILE`: loads the interchange format (docs/interchange.md).

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use hearth_app::records::{ImportOutcome, Records};
use hearth_domain::interchange::JourneyLine;
use tokio::io::AsyncBufReadExt;

/// What to import.
#[derive(Debug, Subcommand)]
pub enum Import {
    /// Whole journeys, one stream's history per line (JSON lines).
    Journeys(JourneysArgs),
    /// A council's SSDA903 tables (a directory of CSV files), as new children's records.
    Ssda903(super::ssda903::ImportArgs),
    /// A council's children in need census (DfE's XML): each child becomes a record.
    CinCensus(super::cin_census::ImportArgs),
}

/// Arguments of `import journeys`.
#[derive(Debug, Args)]
pub struct JourneysArgs {
    /// The file to read; `-` reads standard input.
    file: PathBuf,
    /// How many journeys to write per transaction.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    batch: u32,
}

#[derive(Default)]
struct Tally {
    imported: u64,
    events: u64,
    present: u64,
    refused: u64,
}

impl Import {
    /// Runs the import.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<ExitCode> {
        match self {
            Import::Journeys(args) => journeys(args, db, council).await,
            Import::Ssda903(args) => super::ssda903::import(args, db, council).await,
            Import::CinCensus(args) => args.run(db, council).await,
        }
    }
}

async fn journeys(args: JourneysArgs, db: &str, council: &str) -> anyhow::Result<ExitCode> {
    let records = Records::open(super::open(db, council).await?).await?;
    let input: Box<dyn tokio::io::AsyncRead + Unpin> = if args.file.as_os_str() == "-" {
        Box::new(tokio::io::stdin())
    } else {
        Box::new(
            tokio::fs::File::open(&args.file)
                .await
                .with_context(|| format!("cannot read {}", args.file.display()))?,
        )
    };
    let mut input = tokio::io::BufReader::new(input);
    let mut bytes: Vec<u8> = Vec::new();
    let mut tally = Tally::default();
    let mut batch: Vec<(usize, JourneyLine)> = Vec::new();
    let mut batch_events = 0usize;
    let mut streams: HashMap<usize, String> = HashMap::new();
    let mut unreadable: Vec<(usize, String)> = Vec::new();
    let mut n = 0usize;
    let limit = args.batch as usize;
    loop {
        bytes.clear();
        if input
            .read_until(b'\n', &mut bytes)
            .await
            .context("cannot read the file")?
            == 0
        {
            break;
        }
        n += 1;
        // A line that is not UTF-8 is a broken line like any other: refused with its number,
        // and the rest of the file still imports.
        let line = match std::str::from_utf8(line_bytes(&bytes)) {
            Ok(line) => line,
            Err(e) => {
                unreadable.push((n, format!("line {n}: refused: {}", not_utf8(&e))));
                tally.refused += 1;
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        match JourneyLine::parse(line) {
            Ok(j) => {
                streams.insert(n, j.journey.stream().to_string());
                batch_events += j.journey.len();
                batch.push((n, j));
            }
            Err(e) => {
                let stream = e
                    .stream
                    .as_ref()
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default();
                unreadable.push((n, format!("line {n}{stream}: refused: {e}")));
                tally.refused += 1;
            }
        }
        // Keep each transaction to a bounded size, however long the journeys are.
        if batch.len() >= limit || batch_events >= 50_000 {
            flush(
                &records,
                &mut batch,
                &mut streams,
                &mut unreadable,
                n,
                &mut tally,
            )
            .await?;
            batch_events = 0;
        }
    }
    flush(
        &records,
        &mut batch,
        &mut streams,
        &mut unreadable,
        n,
        &mut tally,
    )
    .await?;
    println!(
        "imported {} journeys ({} events); {} already present; {} refused",
        tally.imported, tally.events, tally.present, tally.refused
    );
    Ok(if tally.refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A line without its ending (`\n` or `\r\n`).
fn line_bytes(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    bytes.strip_suffix(b"\r").unwrap_or(bytes)
}

/// Where a line stops being UTF-8: the first byte that is not part of a character, counted
/// from 1.
fn not_utf8(e: &std::str::Utf8Error) -> String {
    format!(
        "the line is not valid UTF-8 (byte {} is not part of a character); save the file as UTF-8",
        e.valid_up_to() + 1
    )
}

/// Writes a batch, reports each refused line in line order, then acknowledges every line
/// read so far.
async fn flush(
    records: &Records,
    batch: &mut Vec<(usize, JourneyLine)>,
    streams: &mut HashMap<usize, String>,
    unreadable: &mut Vec<(usize, String)>,
    through: usize,
    tally: &mut Tally,
) -> anyhow::Result<()> {
    let mut messages = std::mem::take(unreadable);
    if !batch.is_empty() {
        let outcomes = records
            .import_batch(std::mem::take(batch))
            .await
            .context("the batch could not be written; nothing in it was stored")?;
        for (line, outcome) in outcomes {
            match outcome {
                ImportOutcome::Imported(events) => {
                    tally.imported += 1;
                    tally.events += events as u64;
                }
                ImportOutcome::AlreadyPresent => tally.present += 1,
                ImportOutcome::Refused { reason, .. } => {
                    let stream = streams.get(&line).map_or("", String::as_str);
                    messages.push((line, format!("line {line} ({stream}): refused: {reason}")));
                    tally.refused += 1;
                }
            }
        }
        streams.clear();
    }
    messages.sort_by_key(|(line, _)| *line);
    for (_, m) in messages {
        eprintln!("{m}");
    }
    // Everything up to here is committed (or refused and reported): say so, so that a
    // caller can tell what survives if the process is stopped.
    let mut out = std::io::stdout().lock();
    writeln!(out, "committed through line {through}")?;
    out.flush()?;
    Ok(())
}
