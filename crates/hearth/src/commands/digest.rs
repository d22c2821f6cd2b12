//! `hearth digest`: every indicator of the scorecard as at a date, with its numerator,
//! denominator, target and RAG, for scripts and for checking the digest page. Worked out by
//! the application layer's `digest::compute`, as the page's digest is.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use hearth_app::digest::{self, DigestSetup};
use hearth_performance::{Comparators, Digest, Figure, Scorecard, Series, Shape, comparators};
use hearth_standards::{Calendar, Ruleset};
use serde::Serialize;

use super::standards::ruleset;

/// The version of the JSON output's shape (docs/performance-digest.md).
pub const SCHEMA_VERSION: u32 = 1;

/// Arguments of `digest`.
#[derive(Debug, Args)]
pub struct DigestArgs {
    /// As at the end of this day (YYYY-MM-DD); by default, today.
    #[arg(long)]
    as_at: Option<NaiveDate>,
    /// The shipped scorecard (standard) or a scorecard file.
    #[arg(long, default_value = "standard")]
    scorecard: String,
    /// How many months, ending with the as-at date's month.
    #[arg(long, default_value_t = 24)]
    months: usize,
    /// `table`: the latest month of each indicator; `json`: every month of every indicator.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
}

/// The scorecard and the rulesets it counts standards of.
pub fn scorecard(name_or_path: &str) -> anyhow::Result<(Scorecard, Vec<Ruleset>)> {
    let (text, file) = match Scorecard::builtin_text(name_or_path) {
        Some(text) => (text.to_owned(), format!("{name_or_path}.toml")),
        None => {
            let path = Path::new(name_or_path);
            if !path.exists() {
                anyhow::bail!(
                    "no scorecard '{name_or_path}': name one of {} or give a file",
                    Scorecard::builtin_names().join(", ")
                );
            }
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            (text, path.display().to_string())
        }
    };
    let rulesets = Scorecard::rulesets_named(&text)
        .iter()
        .map(|n| ruleset(n))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let refs: Vec<&Ruleset> = rulesets.iter().collect();
    let card = Scorecard::parse(&text, &file, &refs)?;
    Ok((card, rulesets))
}

/// The scorecard named (shipped or a file), its rulesets, and England's figures where they
/// fit it, for `months` months.
pub fn setup(name_or_path: &str, months: usize) -> anyhow::Result<DigestSetup> {
    let (card, rulesets) = scorecard(name_or_path)?;
    // England's figures are shipped for the shipped scorecard's indicators; a council's
    // own scorecard may not have them all, and then has no comparators shown.
    let comparators =
        Comparators::parse(comparators::ENGLAND, "england.toml", &card).unwrap_or_default();
    Ok(DigestSetup {
        scorecard: card,
        rulesets,
        comparators,
        months,
    })
}

impl DigestArgs {
    /// Computes and prints.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<ExitCode> {
        if self.months == 0 {
            anyhow::bail!("--months must be at least 1");
        }
        let setup = setup(&self.scorecard, self.months)?;
        let as_at = self
            .as_at
            .unwrap_or_else(|| crate::clock::now().london_date());
        let store = super::open(db, council).await?;
        let digest = digest::compute(&store, &setup, &Calendar::england_and_wales(), as_at).await?;
        store.close().await;
        let comparators = &setup.comparators;
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        match self.format {
            Format::Json => {
                serde_json::to_writer_pretty(&mut out, &DigestJson::from(&digest))?;
                writeln!(out)?;
            }
            Format::Table => table(&mut out, &digest, comparators)?,
        }
        out.flush()?;
        Ok(ExitCode::SUCCESS)
    }
}

/// A value as the table prints it: a percentage to one place, an average to one place, a
/// count whole.
fn shown(shape: Shape, value: Option<f64>) -> String {
    match (shape, value) {
        (_, None) => "-".to_owned(),
        (Shape::Rate, Some(v)) => format!("{v:.1}%"),
        (Shape::Average, Some(v)) => format!("{v:.1}"),
        (Shape::Count, Some(v)) => format!("{v:.0}"),
    }
}

fn table(out: &mut impl Write, d: &Digest, comparators: &Comparators) -> anyhow::Result<()> {
    writeln!(
        out,
        "{} ({}), as at {}, {} children's records",
        d.name, d.scorecard, d.as_at, d.children
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<36} {:>9} {:>9} {:>9} {:>8} {:>6} {:>9}  note",
        "indicator", "value", "numer.", "denom.", "target", "RAG", "England"
    )?;
    for s in &d.series {
        let Some(f) = s.latest() else { continue };
        let shape = s.indicator.shape();
        let note = match f.anomaly {
            Some(a) if a.above => "above its usual range",
            Some(_) => "below its usual range",
            None => "",
        };
        let england = comparators
            .latest(&s.indicator.id, "England")
            .map_or_else(|| "-".to_owned(), |c| shown(shape, Some(c.value)));
        writeln!(
            out,
            "{:<36} {:>9} {:>9} {:>9} {:>8} {:>6} {:>9}  {}",
            s.indicator.id,
            shown(shape, f.value),
            f.numerator,
            if shape == Shape::Count {
                "-".to_owned()
            } else {
                f.denominator.to_string()
            },
            shown(shape, s.indicator.target),
            f.rag.map_or("-", |r| r.label()),
            england,
            note,
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct DigestJson<'a> {
    schema_version: u32,
    scorecard: &'a str,
    name: &'a str,
    as_at: NaiveDate,
    children: u64,
    indicators: Vec<IndicatorJson<'a>>,
}

#[derive(Serialize)]
struct IndicatorJson<'a> {
    id: &'a str,
    title: &'a str,
    area: &'a str,
    shape: Shape,
    period: hearth_performance::PeriodKind,
    better: hearth_performance::Better,
    target: Option<f64>,
    thresholds: Option<hearth_performance::Thresholds>,
    months: &'a [Figure],
}

impl<'a> From<&'a Digest> for DigestJson<'a> {
    fn from(d: &'a Digest) -> Self {
        DigestJson {
            schema_version: SCHEMA_VERSION,
            scorecard: &d.scorecard,
            name: &d.name,
            as_at: d.as_at,
            children: d.children,
            indicators: d.series.iter().map(IndicatorJson::from).collect(),
        }
    }
}

impl<'a> From<&'a Series> for IndicatorJson<'a> {
    fn from(s: &'a Series) -> Self {
        let i = &s.indicator;
        IndicatorJson {
            id: &i.id,
            title: &i.title,
            area: &i.area,
            shape: i.shape(),
            period: i.period,
            better: i.better,
            target: i.target,
            thresholds: i.thresholds,
            months: &s.figures,
        }
    }
}
