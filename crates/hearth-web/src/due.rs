//! What is due for each child, worked out by the standards engine and kept for reuse.
//!
//! Evaluating a child under a local ruleset costs several times folding the record, and My
//! work evaluates every child on a caseload. A child's obligations change only when the
//! record changes or time passes, so the summary is kept by (child, record version, as-at
//! window). The as-at instant is the start of a five-minute window, so statuses are never
//! more than five minutes old; a write gives the record a new version, so what a user records
//! shows at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hearth_domain::child::fold;
use hearth_domain::directory::MemoryDirectory;
use hearth_domain::{ChildId, ChildRecord, StreamId, Timestamp};
use hearth_standards::{AsAt, Calendar, Ruleset, Status};
use hearth_store::CaseloadRow;
use hearth_store::reading;

use crate::error::WebError;
use crate::pages::{ObligationRow, is_missed, urgency};
use crate::state::AppState;

/// How long a window of the as-at clock is, in seconds.
const WINDOW_SECONDS: i64 = 300;

/// More entries than this and the cache starts again: a day's work for a large council fits.
const CAPACITY: usize = 100_000;

/// One child's obligations, summarised for the pages.
#[derive(Debug)]
pub struct Due {
    /// Not met and still possible, most urgent first: overdue, due soon, upcoming.
    pub open: Vec<ObligationRow>,
    /// How many of `open` are overdue.
    pub overdue: usize,
    /// How many of `open` are due soon.
    pub due_soon: usize,
    /// The most urgent item's urgency, for ordering caseloads.
    pub urgency: (u8, i64),
    /// Met on time.
    pub met: usize,
    /// Met late.
    pub met_late: usize,
    /// Overdue when the chance to meet them ended.
    pub missed: usize,
    /// Start dates of completed assessments waiting for a manager's authorisation.
    pub awaiting_authorisation: Vec<String>,
    /// The episode of need is open but holds nothing that keeps it open (no assessment or
    /// enquiry in progress, no plan, not looked after): a manager can decide to close it.
    pub could_close: bool,
    /// The record is restricted: a page listing it asks `access::hidden` first.
    pub restricted: bool,
}

type Key = (ChildId, u64, i64);

/// The cache of summaries.
#[derive(Default)]
pub struct DueCache {
    entries: Mutex<HashMap<Key, Arc<Due>>>,
}

/// The start of the window `now` falls in.
pub fn window(now: Timestamp) -> (i64, AsAt) {
    let secs = now.utc().timestamp();
    let start = secs - secs.rem_euclid(WINDOW_SECONDS);
    let instant = chrono::DateTime::from_timestamp(start, 0).map_or(now, Timestamp::from_utc);
    (start, AsAt::instant(instant))
}

impl DueCache {
    /// The summary for a record at `version`, if it is kept for this window.
    pub fn get(&self, child: &ChildId, version: u64, window: i64) -> Option<Arc<Due>> {
        let entries = self.entries.lock().ok()?;
        entries.get(&(child.clone(), version, window)).cloned()
    }

    /// Evaluates a record and keeps the summary.
    pub fn evaluate(
        &self,
        record: &ChildRecord,
        version: u64,
        (window, as_at): (i64, AsAt),
        ruleset: &Ruleset,
        calendar: &Calendar,
        workforce: &MemoryDirectory,
    ) -> Result<Arc<Due>, WebError> {
        if let Some(due) = self.get(&record.id, version, window) {
            return Ok(due);
        }
        let evaluation = hearth_standards::evaluate(record, ruleset, calendar, as_at, workforce)
            .map_err(|e| WebError::Internal(e.to_string()))?;
        let mut open: Vec<_> = evaluation
            .obligations
            .iter()
            .filter(|o| {
                !is_missed(o)
                    && matches!(
                        o.status.outcome(),
                        Status::Overdue { .. } | Status::DueSoon | Status::Upcoming
                    )
            })
            .collect();
        open.sort_by_key(|o| (urgency(o).unwrap_or((2, 0)), o.due_date));
        let count = |f: fn(&Status) -> bool| {
            evaluation
                .obligations
                .iter()
                .filter(|o| f(o.status.outcome()))
                .count()
        };
        let due = Arc::new(Due {
            overdue: open
                .iter()
                .filter(|o| urgency(o).is_some_and(|u| u.0 == 0))
                .count(),
            due_soon: open
                .iter()
                .filter(|o| urgency(o).is_some_and(|u| u.0 == 1))
                .count(),
            urgency: open.first().and_then(|o| urgency(o)).unwrap_or((2, 0)),
            open: open.iter().map(|o| ObligationRow::new(o)).collect(),
            met: count(|s| matches!(s, Status::Met)),
            met_late: count(|s| matches!(s, Status::MetLate { .. })),
            missed: evaluation
                .obligations
                .iter()
                .filter(|o| is_missed(o))
                .count(),
            awaiting_authorisation: record
                .open_episode()
                .map(|e| {
                    e.assessments
                        .iter()
                        .filter(|a| a.completion.is_some() && a.authorisation.is_none())
                        .map(|a| a.start.date().format("%-d %b %Y").to_string())
                        .collect()
                })
                .unwrap_or_default(),
            could_close: record.open_episode().is_some_and(|e| {
                e.open_assessment().is_none()
                    && e.open_enquiry().is_none()
                    && e.open_cp_plan().is_none()
                    && e.open_cin_plan().is_none()
                    && !e
                        .assessments
                        .iter()
                        .any(|a| a.completion.is_some() && a.authorisation.is_none())
            }) && !record.is_looked_after()
                && record.active_adoption().is_none(),
            restricted: record.restriction.is_some(),
        });
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert((record.id.clone(), version, window), due.clone());
        }
        Ok(due)
    }
}

/// What is due for each child on some caseload rows. Children whose summary is kept for this
/// window cost one query for their versions; the rest are read, folded and evaluated a batch
/// at a time.
pub async fn for_caseload(
    state: &AppState,
    rows: &[CaseloadRow],
) -> Result<HashMap<ChildId, Arc<Due>>, WebError> {
    let store = state.records.store();
    let ids: Vec<ChildId> = rows
        .iter()
        .filter_map(|r| ChildId::parse(&r.child_id).ok())
        .collect();
    let streams: Vec<StreamId> = ids.iter().map(StreamId::child).collect();
    let versions: HashMap<String, u64> = store
        .stream_versions(&streams)
        .await?
        .into_iter()
        .map(|v| (v.stream, v.version))
        .collect();
    let window = window(state.clock.now());
    let mut due = HashMap::new();
    let mut misses = Vec::new();
    for (id, stream) in ids.iter().zip(&streams) {
        let version = versions.get(&stream.to_string()).copied().unwrap_or(0);
        match state.due.get(id, version, window.0) {
            Some(d) => {
                due.insert(id.clone(), d);
            }
            None => misses.push(stream.clone()),
        }
    }
    let workforce = state.workforce.read().await;
    for chunk in misses.chunks(reading::BATCH) {
        for (id, events) in reading::children_events(store, chunk).await? {
            let record = fold(&id, &events);
            let d = state.due.evaluate(
                &record,
                events.len() as u64,
                window,
                &state.ruleset,
                &state.calendar,
                &workforce,
            )?;
            due.insert(id, d);
        }
    }
    Ok(due)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_five_minutes_and_start_on_the_boundary() {
        let t = |s: &str| Timestamp::parse(s).unwrap();
        let (a, at) = window(t("2026-11-20T09:04:59Z"));
        let (b, _) = window(t("2026-11-20T09:00:00Z"));
        let (c, _) = window(t("2026-11-20T09:05:00Z"));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(at.instant, t("2026-11-20T09:00:00Z"));
    }
}
