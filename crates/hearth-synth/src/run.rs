//! Writing a generated borough into a store, through the same import path (and so the same
//! rules) as any other record, and summarising it.

use std::collections::BTreeSet;

use hearth_app::records::{ImportOutcome, RecordError, Records};
use hearth_domain::child::{ChildEvent, fold};
use hearth_domain::directory::{
    AdopterEvent, PersonEvent, ProfessionalEvent, StaffEvent, TeamEvent,
};
use hearth_domain::event::{EventKind, Recorded};
use hearth_domain::interchange::{Journey, JourneyLine};

use crate::summary::{Summary, Tally};
use crate::{DataError, Generator, Inputs, Params};

/// Why generation stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The inputs could not be read.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The store failed.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// A generated line broke a rule of the record: a fault in the generator.
    #[error("the generator made a line the record refuses ({stream}): {reason}")]
    Refused {
        /// The line's stream.
        stream: String,
        /// Why.
        reason: String,
    },
}

/// Progress while generating.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// How far through the history, from 0 to 1.
    pub fraction: f64,
    /// Lines written so far.
    pub lines: u64,
    /// Events written so far.
    pub events: u64,
}

fn kinds_of(journey: &Journey, seen: &mut BTreeSet<&'static str>) {
    fn add<E: EventKind>(events: &[Recorded<E>], seen: &mut BTreeSet<&'static str>) {
        seen.extend(events.iter().map(|e| e.event.kind()));
    }
    match journey {
        Journey::Team(_, e) => add(e, seen),
        Journey::Staff(_, e) => add(e, seen),
        Journey::Person(_, e) => add(e, seen),
        Journey::Professional(_, e) => add(e, seen),
        Journey::Adopter(_, e) => add(e, seen),
        Journey::Child(_, e) => add(e, seen),
        Journey::Supervision(_, e) => add(e, seen),
    }
}

/// Every event kind of every stream.
fn all_kinds() -> BTreeSet<&'static str> {
    [
        ChildEvent::kinds(),
        TeamEvent::kinds(),
        StaffEvent::kinds(),
        PersonEvent::kinds(),
        ProfessionalEvent::kinds(),
        AdopterEvent::kinds(),
        hearth_domain::supervision::SupervisionEvent::kinds(),
    ]
    .concat()
    .into_iter()
    .collect()
}

async fn write(
    records: &Records,
    lines: Vec<JourneyLine>,
    tally: &mut Tally,
    events: &mut u64,
    seen: &mut BTreeSet<&'static str>,
) -> Result<(), RunError> {
    let streams: Vec<String> = lines
        .iter()
        .map(|l| l.journey.stream().to_string())
        .collect();
    for l in &lines {
        *events += l.journey.len() as u64;
        kinds_of(&l.journey, seen);
        // Continuation lines (the oversight's) hold part of a child's history: the tally
        // counts whole journeys only.
        if let Journey::Child(id, evs) = &l.journey
            && l.from_version == 1
        {
            tally.add(&fold(id, evs));
        }
    }
    let numbered: Vec<(usize, JourneyLine)> = lines.into_iter().enumerate().collect();
    let mut refused = Vec::new();
    for (i, outcome) in records.import_batch(numbered).await? {
        if let ImportOutcome::Refused { reason, .. } = outcome {
            refused.push((streams.get(i).cloned().unwrap_or_default(), reason));
        }
    }
    // Report every refusal in the batch, so a fault in the generator shows all its cases.
    match refused.first() {
        None => Ok(()),
        Some((stream, _)) => Err(RunError::Refused {
            stream: stream.clone(),
            reason: refused
                .iter()
                .map(|(s, r)| format!("\n  {s}: {r}"))
                .collect::<String>(),
        }),
    }
}

/// Generates a borough into the store behind `records`, reporting progress as it goes.
pub async fn generate(
    records: &Records,
    params: Params,
    inputs: Inputs,
    mut progress: impl FnMut(Progress),
) -> Result<Summary, RunError> {
    let targets = inputs.rates.targets.clone();
    let categories = inputs.rates.categories.clone();
    let mut generator = Generator::new(params, inputs)?;
    let mut tally = Tally::new(params.as_at.london_date(), generator.window_start());
    let mut events = 0u64;
    let mut lines_written = 0u64;
    let mut seen = BTreeSet::new();
    let workforce = generator.workforce();
    for chunk in workforce.chunks(400) {
        lines_written += chunk.len() as u64;
        write(records, chunk.to_vec(), &mut tally, &mut events, &mut seen).await?;
    }
    while let Some(lines) = generator.next_lines(300)? {
        lines_written += lines.len() as u64;
        write(records, lines, &mut tally, &mut events, &mut seen).await?;
        progress(Progress {
            fraction: generator.progress(),
            lines: lines_written,
            events,
        });
    }
    let adopters = generator.adopters()?;
    lines_written += adopters.len() as u64;
    write(records, adopters, &mut tally, &mut events, &mut seen).await?;
    // Supervision, transfers and cover, over the caseload as it now stands.
    let rows = records
        .store()
        .caseload(None)
        .await
        .map_err(RecordError::from)?;
    let streams: Vec<hearth_domain::StreamId> = rows
        .iter()
        .filter_map(|r| hearth_domain::ChildId::parse(&r.child_id).ok())
        .map(|c| hearth_domain::StreamId::child(&c))
        .collect();
    let versions = records
        .store()
        .stream_versions(&streams)
        .await
        .map_err(RecordError::from)?
        .into_iter()
        .filter_map(|v| {
            let id = hearth_domain::StreamId::parse(&v.stream).ok()?;
            Some((hearth_domain::ChildId::parse(id.id()).ok()?, v.version))
        })
        .collect();
    let workforce = records.workforce().await.clone();
    let oversight = crate::oversight::lines(
        params.seed,
        params.as_at.london_date(),
        &rows,
        &versions,
        &workforce,
    );
    for chunk in oversight.chunks(300) {
        lines_written += chunk.len() as u64;
        write(records, chunk.to_vec(), &mut tally, &mut events, &mut seen).await?;
    }
    // Two children still missing, 15 and 29 days on: the first of each the record accepts.
    let versions = records
        .store()
        .stream_versions(&streams)
        .await
        .map_err(RecordError::from)?
        .into_iter()
        .filter_map(|v| {
            let id = hearth_domain::StreamId::parse(&v.stream).ok()?;
            Some((hearth_domain::ChildId::parse(id.id()).ok()?, v.version))
        })
        .collect();
    let mut kept = BTreeSet::new();
    for (days, line) in crate::oversight::long_missing_candidates(
        params.seed,
        params.as_at.london_date(),
        &rows,
        &versions,
    ) {
        if kept.contains(&days) {
            continue;
        }
        let checked = records.check_batch(vec![(0, line.clone())]).await?;
        if matches!(checked.outcomes(), [(_, ImportOutcome::Imported(_))]) {
            events += line.journey.len() as u64;
            lines_written += 1;
            kinds_of(&line.journey, &mut seen);
            records.write_checked(checked).await?;
            kept.insert(days);
        }
    }
    progress(Progress {
        fraction: 1.0,
        lines: lines_written,
        events,
    });
    let stored = records
        .store()
        .count_events()
        .await
        .map_err(RecordError::from)?;
    let hash = records
        .store()
        .fingerprint()
        .await
        .map_err(RecordError::from)?;
    let mut summary = tally.summary(
        &targets,
        &categories,
        params.population,
        generator.staff() as u64,
        u64::try_from(stored).unwrap_or(0),
        hash,
    );
    summary.kinds_missing = all_kinds()
        .difference(&seen)
        .map(|k| (*k).to_owned())
        .collect();
    Ok(summary)
}
