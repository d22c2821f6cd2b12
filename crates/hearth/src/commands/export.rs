//! `hearth export journeys FILE`: writes the whole store in the interchange format, in the
//! order it was recorded. Each line is a run of one stream's consecutive events, so that
//! importing the file replays every command in its original order and builds an identical
//! store, whatever the references between records.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use hearth_app::records::journey_from;
use hearth_domain::interchange::JourneyLine;
use hearth_domain::{StreamId, StreamKind};
use hearth_store::StoredEvent;

/// What to export.
#[derive(Debug, Subcommand)]
pub enum Export {
    /// Every stream, in recording order, as interchange lines.
    Journeys {
        /// The file to write (replaced only once complete).
        out: PathBuf,
    },
    /// The SSDA903 return of a collection year, one CSV file per table.
    Ssda903(super::ssda903::ExportArgs),
    /// The children in need census for a collection year (DfE's XML).
    CinCensus(super::cin_census::ExportArgs),
    /// Ofsted's ILACS Annex A lists as at a date, as one xlsx workbook.
    AnnexA(super::annex_a::ExportArgs),
}

/// Writes a run of one stream's events as a line and gives the lines written; an audit's run is left out (interchange
/// files do not carry audits yet) and counted in `audits`.
fn write_run(w: &mut impl Write, run: &[StoredEvent], audits: &mut u64) -> anyhow::Result<u64> {
    let Some(first) = run.first() else {
        return Ok(0);
    };
    let stream = StreamId::parse(&first.stream)?;
    if stream.kind() == StreamKind::Audit {
        *audits += u64::try_from(run.len())?;
        return Ok(0);
    }
    let line = JourneyLine {
        from_version: u64::try_from(first.version)?,
        journey: journey_from(&stream, run)?,
    };
    writeln!(w, "{}", line.to_line()?)?;
    Ok(1)
}

impl Export {
    /// Runs the export.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<ExitCode> {
        let out = match self {
            Export::Journeys { out } => out,
            Export::Ssda903(args) => return super::ssda903::export(args, db, council).await,
            Export::CinCensus(args) => return args.run(db, council).await,
            Export::AnnexA(args) => return args.run(db, council).await,
        };
        let store = super::open(db, council).await?;
        let partial = out.with_extension("partial");
        let file = std::fs::File::create(&partial)
            .with_context(|| format!("cannot write {}", partial.display()))?;
        let mut w = std::io::BufWriter::new(file);
        let (mut lines, mut events, mut audit_events) = (0u64, 0u64, 0u64);
        let mut run: Vec<StoredEvent> = Vec::new();
        let mut after = 0;
        loop {
            let page = store.read_all(after, 10_000).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for e in page {
                if run.first().is_some_and(|f| f.stream != e.stream) {
                    lines += write_run(&mut w, &run, &mut audit_events)?;
                    run.clear();
                }
                events += 1;
                run.push(e);
            }
        }
        if !run.is_empty() {
            lines += write_run(&mut w, &run, &mut audit_events)?;
        }
        w.flush()?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&partial, &out)
            .with_context(|| format!("cannot write {}", out.display()))?;
        let events = events - audit_events;
        println!(
            "exported {events} events in {lines} lines to {}",
            out.display()
        );
        if audit_events > 0 {
            println!(
                "left out {audit_events} events of audits: interchange files do not carry audits yet"
            );
        }
        Ok(ExitCode::SUCCESS)
    }
}
