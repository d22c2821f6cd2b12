//! `hearth standards`: every child's obligations under a ruleset, as at a date, with the
//! figures for each rule reconciled. The JSON output is documented in docs/standards.md.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use hearth_domain::child::ChildEvent;
use hearth_domain::directory::{MemoryDirectory, Staff, fold_directory};
use hearth_domain::event::Recorded;
use hearth_domain::{ChildId, ChildStream, StaffId, StreamId, StreamKind};
use hearth_standards::{AsAt, Calendar, Obligation, Reconciliation, Ruleset, Status, evaluate};
use hearth_store::Store;
use hearth_store::codec::decode_all;
use serde::Serialize;

/// The version of the JSON output's shape. It goes up only when a field changes meaning or
/// goes away; new fields may be added without it changing.
pub const SCHEMA_VERSION: u32 = 1;

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

/// Every member of staff, for checking who authorised a variation.
pub async fn staff(store: &Store) -> anyhow::Result<MemoryDirectory> {
    let ids: Vec<StreamId> = store
        .list_streams(StreamKind::Staff.as_str())
        .await?
        .iter()
        .filter_map(|s| StreamId::parse(&s.stream).ok())
        .collect();
    let mut dir = MemoryDirectory::default();
    for chunk in ids.chunks(500) {
        let events = store.read_streams(chunk).await?;
        for (stream, run) in by_stream(&events) {
            let state: Staff = fold_directory(&decode_all(run)?);
            if let (Ok(id), Some(member)) = (StaffId::parse(stream.id()), state.0) {
                dir.staff.insert(id, member);
            }
        }
    }
    Ok(dir)
}

/// Children's events, all of them or one child's, read in batches. Reading for the
/// standards is not a person viewing a record, so it is not written to the access log.
pub async fn children(
    store: &Store,
    only: Option<&ChildId>,
) -> anyhow::Result<Vec<(ChildId, Vec<Recorded<ChildEvent>>)>> {
    let ids: Vec<StreamId> = match only {
        Some(id) => vec![StreamId::child(id)],
        None => store
            .list_streams(StreamKind::Child.as_str())
            .await?
            .iter()
            .filter_map(|s| StreamId::parse(&s.stream).ok())
            .collect(),
    };
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let events = store.read_streams(chunk).await?;
        for (stream, run) in by_stream(&events) {
            let id = ChildId::parse(stream.id())?;
            out.push((id, decode_all(run)?));
        }
    }
    if let Some(id) = only
        && out.is_empty()
    {
        anyhow::bail!("child/{id} has no events");
    }
    Ok(out)
}

/// Splits events read for several streams into each stream's run.
fn by_stream(
    events: &[hearth_store::StoredEvent],
) -> Vec<(StreamId, &[hearth_store::StoredEvent])> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < events.len() {
        let stream = &events[start].stream;
        let end = events[start..]
            .iter()
            .position(|e| &e.stream != stream)
            .map_or(events.len(), |n| start + n);
        if let Ok(id) = StreamId::parse(stream) {
            out.push((id, &events[start..end]));
        }
        start = end;
    }
    out
}

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    ruleset: RulesetHeader<'a>,
    as_at: AsAtJson,
    children: usize,
    obligations: &'a [Obligation],
    reconciliation: Vec<FiguresJson<'a>>,
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
    figures: &'a hearth_standards::RuleFigures,
    reconciles: bool,
}

impl Standards {
    /// Evaluates and prints.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<ExitCode> {
        let rules = ruleset(&self.ruleset)?;
        let as_at = match self.as_at {
            Some(d) => AsAt::end_of(d),
            None => AsAt::instant(crate::clock::now()),
        };
        let only = self.child.as_deref().map(ChildId::parse).transpose()?;
        let store = super::open(db, council).await?;
        let dir = staff(&store).await?;
        let children = children(&store, only.as_ref()).await?;
        store.close().await;

        let calendar = Calendar::england_and_wales();
        let mut obligations = Vec::new();
        let mut figures = Reconciliation::new(&rules);
        let mut failed = false;
        for (id, events) in &children {
            let stream = ChildStream::from_events(id.clone(), events.clone());
            match evaluate(stream.record(), &rules, &calendar, as_at, &dir) {
                Ok(e) => {
                    figures.add(&e);
                    obligations.extend(e.obligations);
                }
                Err(e) => {
                    eprintln!("hearth: {e}");
                    failed = true;
                }
            }
        }

        let mut out = std::io::stdout().lock();
        match self.format {
            Format::Json => {
                let doc = Document {
                    schema_version: SCHEMA_VERSION,
                    ruleset: RulesetHeader {
                        id: &rules.id,
                        name: &rules.name,
                    },
                    as_at: AsAtJson {
                        date: as_at.date,
                        instant: as_at.instant,
                    },
                    children: children.len(),
                    obligations: &obligations,
                    reconciliation: figures
                        .rows()
                        .iter()
                        .map(|f| FiguresJson {
                            figures: f,
                            reconciles: f.reconciles(),
                        })
                        .collect(),
                };
                serde_json::to_writer(&mut out, &doc)?;
                writeln!(out)?;
            }
            Format::Table => table(
                &mut out,
                &rules,
                as_at,
                &obligations,
                &figures,
                self.explain,
            )?,
        }
        if !figures.reconciles() {
            eprintln!("hearth: the figures do not reconcile for every rule; see the table");
            failed = true;
        }
        Ok(if failed {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
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

fn table(
    out: &mut impl Write,
    rules: &Ruleset,
    as_at: AsAt,
    obligations: &[Obligation],
    figures: &Reconciliation,
    explain: bool,
) -> anyhow::Result<()> {
    writeln!(out, "{} ({}), as at {}", rules.name, rules.id, as_at.date)?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<10} {:<26} {:>7}  {:<10}  {:<22} {:<18} worker",
        "child", "rule", "run.occ", "due", "status", "owner"
    )?;
    for o in obligations {
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
        if explain {
            writeln!(out, "    {}", o.describe())?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<26} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}  reconciles",
        "rule", "evaluated", "overdue", "due soon", "upcoming", "met", "met late", "n/a", "varied"
    )?;
    let mut totals: BTreeMap<&str, u64> = BTreeMap::new();
    for f in figures.rows() {
        writeln!(
            out,
            "{:<26} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}  {}",
            f.rule,
            f.evaluated,
            f.overdue,
            f.due_soon,
            f.upcoming,
            f.met,
            f.met_late,
            f.not_applicable,
            f.varied,
            if f.reconciles() { "yes" } else { "NO" }
        )?;
        *totals.entry("evaluated").or_default() += f.evaluated;
    }
    writeln!(
        out,
        "{} obligations evaluated",
        totals.get("evaluated").copied().unwrap_or(0)
    )?;
    Ok(())
}
