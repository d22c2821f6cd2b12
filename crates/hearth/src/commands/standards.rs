//! `hearth standards`: every child's obligations under a ruleset, as at a date, with the
//! figures for each rule reconciled. The JSON output is documented in docs/standards.md.
//!
//! Children are read, evaluated and printed a batch at a time, so a region's million
//! children never sit in memory together.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use hearth_domain::child::{ChildEvent, fold};
use hearth_domain::directory::MemoryDirectory;
use hearth_domain::event::Recorded;
use hearth_domain::{ChildId, StaffId, StreamId, StreamKind};
use hearth_standards::{
    AsAt, Calendar, Obligation, Reconciliation, RuleFigures, Ruleset, Status, evaluate,
};
use hearth_store::{Store, reading};
use serde::Serialize;

/// The version of the JSON output's shape. It goes up only when a field changes meaning or
/// goes away; new fields may be added without it changing.
pub const SCHEMA_VERSION: u32 = 1;

/// How many children are read from the store at a time: enough to read efficiently, few
/// enough to keep memory small however many children the store holds.
pub const BATCH: usize = reading::BATCH;

/// Arguments of `standards`.
#[derive(Debug, Args)]
pub struct Standards {
    /// Evaluate as at the end of this day (YYYY-MM-DD); by default, now.
    #[arg(long)]
    as_at: Option<NaiveDate>,
    /// A shipped ruleset (england-statutory, bromley, southwark-qa) or a ruleset file.
    #[arg(long, default_value = "bromley")]
    ruleset: String,
    /// Only this child.
    #[arg(long)]
    child: Option<String>,
    /// `table`: one line per obligation; `json`: the documented JSON document.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// In a table, print the reasons under each obligation.
    #[arg(long)]
    explain: bool,
    /// Only obligations due on or after this day (YYYY-MM-DD), as for a year's figures.
    #[arg(long)]
    due_from: Option<NaiveDate>,
    /// Print only the figures for each rule, not the obligations.
    #[arg(long)]
    summary: bool,
}

/// Output formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
}

/// A ruleset by shipped name, or read from a file.
pub fn ruleset(name_or_path: &str) -> anyhow::Result<Ruleset> {
    if let Some(builtin) = Ruleset::builtin(name_or_path) {
        return Ok(builtin?);
    }
    let path = Path::new(name_or_path);
    if !path.exists() {
        anyhow::bail!(
            "no ruleset '{name_or_path}': name one of {} or give a file",
            Ruleset::builtin_names().join(", ")
        );
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Ruleset::parse(&text, &path.display().to_string())?)
}

/// Every member of staff (and team), for checking who authorised a variation.
pub async fn staff(store: &Store) -> anyhow::Result<MemoryDirectory> {
    Ok(reading::workforce(store).await?)
}

/// The children's streams: every child's, or one child's.
pub async fn child_streams(store: &Store, only: Option<&ChildId>) -> anyhow::Result<Vec<StreamId>> {
    Ok(match only {
        Some(id) => vec![StreamId::child(id)],
        None => reading::streams_of(store, StreamKind::Child).await?,
    })
}

/// Some children's events. Reading for the standards is not a person viewing a record, so
/// it is not written to the access log.
pub async fn children(
    store: &Store,
    streams: &[StreamId],
) -> anyhow::Result<Vec<(ChildId, Vec<Recorded<ChildEvent>>)>> {
    Ok(reading::children_events(store, streams).await?)
}

#[derive(Serialize)]
struct RulesetHeader<'a> {
    id: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct AsAtJson {
    date: NaiveDate,
    instant: hearth_domain::Timestamp,
}

#[derive(Serialize)]
struct FiguresJson<'a> {
    #[serde(flatten)]
    figures: &'a RuleFigures,
    reconciles: bool,
    on_time: Option<f64>,
}

impl Standards {
    /// Evaluates and prints, a batch of children at a time.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<ExitCode> {
        let rules = ruleset(&self.ruleset)?;
        let as_at = match self.as_at {
            Some(d) => AsAt::end_of(d),
            None => AsAt::instant(crate::clock::now()),
        };
        let only = self.child.as_deref().map(ChildId::parse).transpose()?;
        let store = super::open(db, council).await?;
        let dir = staff(&store).await?;
        let streams = child_streams(&store, only.as_ref()).await?;
        if let Some(id) = &only
            && store.stream_versions(&streams).await?.is_empty()
        {
            anyhow::bail!("child/{id} has no events");
        }
        let calendar = Calendar::england_and_wales();
        let mut figures = Reconciliation::new(&rules);
        let mut failed = false;
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let mut printer = match self.format {
            Format::Json => Printer::json(&mut out, &rules, as_at, streams.len())?,
            Format::Table => Printer::table(&mut out, &rules, as_at, self.explain, !self.summary)?,
        };
        for batch in streams.chunks(BATCH) {
            for (id, events) in children(&store, batch).await? {
                match evaluate(&fold(&id, &events), &rules, &calendar, as_at, &dir) {
                    Ok(e) => {
                        let e = match self.due_from {
                            Some(from) => e.due_from(&rules, from),
                            None => e,
                        };
                        figures.add(&e);
                        if !self.summary {
                            for o in &e.obligations {
                                printer.obligation(&mut out, o)?;
                            }
                        }
                    }
                    Err(e) => {
                        eprintln!("hearth: {e}");
                        failed = true;
                    }
                }
            }
        }
        store.close().await;
        printer.finish(&mut out, &figures)?;
        out.flush()?;
        if !figures.reconciles() {
            eprintln!("hearth: the figures do not reconcile for every rule");
            failed = true;
        }
        Ok(if failed {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    }
}

/// Writes obligations as they are evaluated: the JSON document (its opening, each
/// obligation, then the figures), or the table (a row each, then the figures).
enum Printer {
    Json { first: bool },
    Table { explain: bool },
}

impl Printer {
    fn json(
        out: &mut impl Write,
        rules: &Ruleset,
        as_at: AsAt,
        children: usize,
    ) -> anyhow::Result<Printer> {
        write!(out, "{{\"schema_version\":{SCHEMA_VERSION},\"ruleset\":")?;
        serde_json::to_writer(
            &mut *out,
            &RulesetHeader {
                id: &rules.id,
                name: &rules.name,
            },
        )?;
        write!(out, ",\"as_at\":")?;
        serde_json::to_writer(
            &mut *out,
            &AsAtJson {
                date: as_at.date,
                instant: as_at.instant,
            },
        )?;
        write!(out, ",\"children\":{children},\"obligations\":[")?;
        Ok(Printer::Json { first: true })
    }

    fn table(
        out: &mut impl Write,
        rules: &Ruleset,
        as_at: AsAt,
        explain: bool,
        obligations: bool,
    ) -> anyhow::Result<Printer> {
        writeln!(out, "{} ({}), as at {}", rules.name, rules.id, as_at.date)?;
        if obligations {
            writeln!(out)?;
            writeln!(
                out,
                "{:<10} {:<26} {:>7}  {:<10}  {:<22} {:<18} worker",
                "child", "rule", "run.occ", "due", "status", "owner"
            )?;
        }
        Ok(Printer::Table { explain })
    }

    fn obligation(&mut self, out: &mut impl Write, o: &Obligation) -> anyhow::Result<()> {
        match self {
            Printer::Json { first } => {
                if !*first {
                    out.write_all(b",")?;
                }
                *first = false;
                serde_json::to_writer(&mut *out, o)?;
            }
            Printer::Table { explain } => {
                writeln!(
                    out,
                    "{:<10} {:<26} {:>7}  {:<10}  {:<22} {:<18} {}",
                    o.child.as_str(),
                    o.rule.id,
                    format!("{}.{}", o.run, o.occurrence),
                    o.due_date,
                    status_text(&o.status),
                    o.owner.role.code(),
                    o.owner.allocated_worker().map_or("-", StaffId::as_str)
                )?;
                if *explain {
                    writeln!(out, "    {}", o.describe())?;
                }
            }
        }
        Ok(())
    }

    fn finish(self, out: &mut impl Write, figures: &Reconciliation) -> anyhow::Result<()> {
        match self {
            Printer::Json { .. } => {
                let rows: Vec<FiguresJson<'_>> = figures
                    .rows()
                    .iter()
                    .map(|f| FiguresJson {
                        figures: f,
                        reconciles: f.reconciles(),
                        on_time: f.on_time(),
                    })
                    .collect();
                write!(out, "],\"reconciliation\":")?;
                serde_json::to_writer(&mut *out, &rows)?;
                writeln!(out, "}}")?;
            }
            Printer::Table { .. } => {
                writeln!(out)?;
                writeln!(
                    out,
                    "{:<26} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}  reconciles",
                    "rule",
                    "evaluated",
                    "overdue",
                    "due soon",
                    "upcoming",
                    "met",
                    "met late",
                    "n/a",
                    "varied",
                    "on time"
                )?;
                let mut evaluated = 0;
                for f in figures.rows() {
                    writeln!(
                        out,
                        "{:<26} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}  {}",
                        f.rule,
                        f.evaluated,
                        f.overdue,
                        f.due_soon,
                        f.upcoming,
                        f.met,
                        f.met_late,
                        f.not_applicable,
                        f.varied,
                        f.on_time()
                            .map_or_else(|| "-".to_string(), |s| format!("{:.1}%", s * 100.0)),
                        if f.reconciles() { "yes" } else { "NO" }
                    )?;
                    evaluated += f.evaluated;
                }
                writeln!(out, "{evaluated} obligations evaluated")?;
            }
        }
        Ok(())
    }
}

fn status_text(s: &Status) -> String {
    match s {
        Status::Overdue { days_overdue } => format!("overdue {days_overdue}d"),
        Status::MetLate { days_late, .. } => format!("met late {days_late}d"),
        Status::Varied(v) => format!("varied: {}", status_text(&v.outcome)),
        other => other.kind().name().replace('_', " "),
    }
}
