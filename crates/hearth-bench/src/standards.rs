//! `hearth-bench standards`: folding every open child and evaluating them under a ruleset,
//! against folding alone, in the same run.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;
use hearth_domain::StreamKind;
use hearth_domain::child::fold;
use hearth_standards::{AsAt, Calendar, Ruleset, evaluate, is_open};
use hearth_store::reading::{BATCH, children_events, streams_of, workforce};

use crate::{open, peak_rss_mib};

/// Arguments of `standards`.
#[derive(Debug, Args)]
pub struct BenchStandards {
    /// The date to evaluate as at (YYYY-MM-DD).
    #[arg(long)]
    as_at: NaiveDate,
    /// A shipped ruleset, or a ruleset file.
    #[arg(long, default_value = "bromley")]
    ruleset: String,
    /// How many times to time each side; the fastest of each is reported.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    rounds: u32,
}

/// A shipped ruleset by name, or one read from a file.
fn ruleset(name_or_path: &str) -> anyhow::Result<Ruleset> {
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

impl BenchStandards {
    /// Times folding every open child against folding and evaluating them, in one run. The
    /// children are read a batch at a time; each batch is timed on both sides, and the
    /// fastest round of each side is added up over the batches.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<()> {
        let BenchStandards {
            as_at,
            ruleset: name,
            rounds,
        } = self;
        let rules = ruleset(&name)?;
        let as_at = AsAt::end_of(as_at);
        let store = open(db, council).await?;
        let dir = workforce(&store).await?;
        let streams = streams_of(&store, StreamKind::Child).await?;
        eprintln!(
            "hearth-bench standards: {} children as at {}, ruleset {}, {rounds} rounds",
            streams.len(),
            as_at.date,
            rules.id
        );
        let calendar = Calendar::england_and_wales();
        let mut fold_time = Duration::ZERO;
        let mut both_time = Duration::ZERO;
        let (mut open_children, mut events, mut obligations) = (0usize, 0usize, 0usize);
        for batch in streams.chunks(BATCH) {
            let open: Vec<_> = children_events(&store, batch)
                .await?
                .into_iter()
                .filter(|(id, events)| is_open(&fold(id, events), &calendar, as_at))
                .collect();
            open_children += open.len();
            events += open.iter().map(|(_, e)| e.len()).sum::<usize>();
            let mut fold_best = Duration::MAX;
            let mut both_best = Duration::MAX;
            let mut made = 0usize;
            for _ in 0..rounds {
                let t = Instant::now();
                for (id, events) in &open {
                    black_box(fold(id, events));
                }
                fold_best = fold_best.min(t.elapsed());

                let t = Instant::now();
                made = 0;
                for (id, events) in &open {
                    let record = fold(id, events);
                    let evaluation = evaluate(&record, &rules, &calendar, as_at, &dir)?;
                    made += black_box(evaluation).obligations.len();
                }
                both_best = both_best.min(t.elapsed());
            }
            fold_time += fold_best;
            both_time += both_best;
            obligations += made;
        }
        store.close().await;
        let evaluation = both_time.saturating_sub(fold_time);
        let fold_s = fold_time.as_secs_f64().max(1e-9);
        println!("| measurement | time (s) | ratio to folding |");
        println!("|---|---|---|");
        println!(
            "| fold every open child | {:.3} | 1.00× |",
            fold_time.as_secs_f64()
        );
        println!(
            "| fold and evaluate every open child | {:.3} | {:.2}× |",
            both_time.as_secs_f64(),
            both_time.as_secs_f64() / fold_s
        );
        println!(
            "| evaluation alone (the difference) | {:.3} | {:.2}× |",
            evaluation.as_secs_f64(),
            evaluation.as_secs_f64() / fold_s
        );
        println!();
        println!(
            "open children: {open_children}; events: {events}; obligations: {obligations}; fastest of {rounds} rounds in each batch of {BATCH}"
        );
        if let Some(rss) = peak_rss_mib() {
            println!("peak RSS: {rss:.0} MiB");
        }
        Ok(())
    }
}
