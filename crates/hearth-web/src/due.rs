//! What is due for each child, worked out by the standards engine and kept for reuse.
//!
//! Evaluating a child under a local ruleset costs several times folding the record, and My
//! work evaluates every child on a caseload. A child's obligations change only when the
//! record changes or time passes, so the summary is kept by child and record version, with
//! the instant it was evaluated at. A record is evaluated as at the moment it is asked for,
//! never an earlier instant, so a write (a new version) shows at once, including an entry
//! made a moment ago; a kept summary is reused for up to five minutes, so an obligation turns
//! from due soon to overdue within five minutes of its due time.
//!
//! The lists over many children (a team, the service) do not wait for summaries that are
//! only old: they show the kept one and have it worked out again in the background, one
//! refresh at a time. Otherwise every summary a service-wide list holds falls due for
//! re-evaluation in the same five minutes, and every request in that moment would pay for
//! all of them at once. A record that has changed (a new version) is always evaluated
//! before the page is sent.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use hearth_app::queries::CaseloadRow;
use hearth_domain::child::fold;
use hearth_domain::directory::MemoryDirectory;
use hearth_domain::{ChildId, ChildRecord, Timestamp};
use hearth_standards::{AsAt, Calendar, Ruleset, Status};

use crate::error::WebError;
use crate::pages::{ObligationRow, urgency};
use crate::state::AppState;

/// How long a kept summary is reused as time passes, in seconds.
const FRESH_SECONDS: i64 = 300;

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
    /// Those missed items, latest due first, each with why it was missed.
    pub missed_items: Vec<ObligationRow>,
    /// Start dates of completed assessments waiting for a manager's authorisation.
    pub awaiting_authorisation: Vec<String>,
    /// The episode of need is open but holds nothing that keeps it open (no assessment or
    /// enquiry in progress, no plan, not looked after): a manager can decide to close it.
    pub could_close: bool,
    /// The record is restricted: a page listing it asks `App::hidden` first.
    pub restricted: bool,
}

/// A kept summary: the record's version and the instant it was evaluated at.
struct Kept {
    version: u64,
    evaluated: Timestamp,
    due: Arc<Due>,
}

/// The cache of summaries, one per child: the latest version asked for.
#[derive(Default)]
pub struct DueCache {
    entries: Mutex<HashMap<ChildId, Kept>>,
    /// Whether a background refresh of old summaries is under way.
    refreshing: AtomicBool,
}

/// Whether a summary evaluated at `evaluated` still serves at `now`: not from the future
/// (a clock set back), and not older than the freshness bound.
fn fresh(evaluated: Timestamp, now: Timestamp) -> bool {
    let age = now.utc().timestamp() - evaluated.utc().timestamp();
    (0..FRESH_SECONDS).contains(&age)
}

impl DueCache {
    /// The summary for a record at `version`, if one evaluated recently enough is kept.
    pub fn get(&self, child: &ChildId, version: u64, now: Timestamp) -> Option<Arc<Due>> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(child)
            .filter(|k| k.version == version && fresh(k.evaluated, now))
            .map(|k| k.due.clone())
    }

    /// The summary of a record at `version` as at `now`: kept, or evaluated and kept.
    /// The kept summary of this version, however old, and whether it is still fresh.
    fn held(&self, child: &ChildId, version: u64, now: Timestamp) -> Option<(Arc<Due>, bool)> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(child)
            .filter(|k| k.version == version)
            .map(|k| (k.due.clone(), fresh(k.evaluated, now)))
    }

    pub fn evaluate(
        &self,
        record: &ChildRecord,
        version: u64,
        now: Timestamp,
        ruleset: &Ruleset,
        calendar: &Calendar,
        workforce: &MemoryDirectory,
    ) -> Result<Arc<Due>, WebError> {
        if let Some(due) = self.get(&record.id, version, now) {
            return Ok(due);
        }
        let evaluation =
            hearth_standards::evaluate(record, ruleset, calendar, AsAt::instant(now), workforce)
                .map_err(WebError::internal)?;
        let mut open: Vec<_> = evaluation
            .obligations
            .iter()
            .filter(|o| {
                !o.is_missed()
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
        let mut missed: Vec<_> = evaluation
            .obligations
            .iter()
            .filter(|o| o.is_missed())
            .collect();
        missed.sort_by_key(|o| std::cmp::Reverse(o.due_date));
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
            missed: missed.len(),
            missed_items: missed.iter().map(|o| ObligationRow::new(o)).collect(),
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
            could_close: could_close(record),
            restricted: record.restriction.is_some(),
        });
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert(
                record.id.clone(),
                Kept {
                    version,
                    evaluated: now,
                    due: due.clone(),
                },
            );
        }
        Ok(due)
    }
}

/// The episode of need is open, nothing in it is in progress or waiting (an assessment, an
/// enquiry, a plan, an authorisation, care or adoption), and what was last decided points to
/// closing: the referral needed no further action, the latest assessment found none (or
/// stepped down to early help), or a plan has ended. A referral still to be assessed, or an
/// assessment that found a plan is needed, is work in progress, not an episode to close.
pub fn could_close(record: &ChildRecord) -> bool {
    use hearth_domain::codes::AssessmentOutcome;
    let Some(e) = record.open_episode() else {
        return false;
    };
    let idle = e.open_assessment().is_none()
        && e.open_enquiry().is_none()
        && e.open_cp_plan().is_none()
        && e.open_cin_plan().is_none()
        && !e
            .assessments
            .iter()
            .any(|a| a.completion.is_some() && a.authorisation.is_none())
        && !record.is_looked_after()
        && record.active_adoption().is_none();
    let concluded = e.no_further_action
        || e.assessments
            .last()
            .and_then(|a| a.completion.as_ref())
            .is_some_and(|(_, _, outcome)| {
                matches!(
                    outcome,
                    AssessmentOutcome::NoFurtherAction | AssessmentOutcome::EarlyHelp
                )
            })
        || e.cp_plans.iter().any(|p| p.end.is_some())
        || e.cin_plans.iter().any(|p| p.end.is_some());
    idle && concluded
}

/// What is due for each child on some caseload rows. Children whose summary is kept for this
/// window cost one query for their versions; the rest are read, folded and evaluated a batch
/// at a time.
pub async fn for_caseload(
    state: &AppState,
    rows: &[CaseloadRow],
) -> Result<HashMap<ChildId, Arc<Due>>, WebError> {
    let ids: Vec<ChildId> = rows
        .iter()
        .filter_map(|r| ChildId::parse(&r.child_id).ok())
        .collect();
    let versions = state.app.child_versions(&ids).await?;
    let now = state.app.now();
    let mut due = HashMap::new();
    let mut misses = Vec::new();
    let mut old = Vec::new();
    for id in &ids {
        let version = versions.get(id).copied().unwrap_or(0);
        match state.due.held(id, version, now) {
            Some((d, fresh)) => {
                if !fresh {
                    old.push(id.clone());
                }
                due.insert(id.clone(), d);
            }
            None => misses.push(id.clone()),
        }
    }
    due.extend(evaluate_all(state, &misses).await?);
    refresh_in_background(state, old);
    Ok(due)
}

/// Reads, folds and evaluates these children as the system (the pages decide who sees what
/// of the result), a batch at a time so a service-wide caseload is never held whole.
async fn evaluate_all(
    state: &AppState,
    ids: &[ChildId],
) -> Result<Vec<(ChildId, Arc<Due>)>, WebError> {
    let now = state.app.now();
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(hearth_app::queries::READ_BATCH) {
        let read = state.app.children_events_unlogged(chunk).await?;
        let workforce = state.app.workforce().await;
        for (id, events) in read {
            let record = fold(&id, &events);
            let d = state.due.evaluate(
                &record,
                events.len() as u64,
                now,
                state.app.ruleset(),
                state.app.calendar(),
                &workforce,
            )?;
            out.push((id, d));
        }
    }
    Ok(out)
}

/// Works out these children's old summaries again after the page has gone, unless a
/// refresh is already under way (the next list to find them old starts another).
fn refresh_in_background(state: &AppState, ids: Vec<ChildId>) {
    if ids.is_empty() || state.due.refreshing.swap(true, Ordering::AcqRel) {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = evaluate_all(&state, &ids).await {
            tracing::warn!(error = ?e, "refreshing what is due failed; the next list retries");
        }
        state.due.refreshing.store(false, Ordering::Release);
    });
}

/// The restricted children among those a page's summaries cover: the few a page must ask
/// the application about before listing them.
pub fn restricted(due: &HashMap<ChildId, Arc<Due>>) -> impl Iterator<Item = &ChildId> {
    due.iter().filter(|(_, d)| d.restricted).map(|(id, _)| id)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use hearth_domain::child::ChildEvent;
    use hearth_domain::{Actor, Recorded};

    use super::*;

    fn t(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn recorded(at: &str, event: serde_json::Value) -> Recorded<ChildEvent> {
        Recorded {
            occurred_at: t(at),
            recorded_at: t(at),
            recorded_by: Actor::System("test".into()),
            event: serde_json::from_value(event).unwrap(),
        }
    }

    fn referred() -> Vec<Recorded<ChildEvent>> {
        vec![
            recorded(
                "2026-11-20T08:30:00Z",
                serde_json::json!({"type": "child_registered", "details": {
                    "name": {"given": "Ada", "family": "Test"}, "sex": "F",
                    "date_of_birth": "2019-03-14", "ethnicity": "WBRI", "disabilities": ["NONE"]}}),
            ),
            recorded(
                "2026-11-20T08:30:00Z",
                serde_json::json!({"type": "referral_received", "source": "2A",
                    "primary_need": "N1", "no_further_action": false}),
            ),
        ]
    }

    /// Point 14 of issue 12: an assessment that found a child in need plan is needed, once
    /// authorised, is not an episode that could close (it was listed as one); one that found
    /// no further action is.
    #[test]
    fn an_authorised_assessment_that_needs_a_plan_is_not_an_episode_to_close() {
        let id = ChildId::parse("C1").unwrap();
        let assessed = |outcome: &str| {
            let mut events = referred();
            for (at, event) in [
                (
                    "2026-11-20T09:00:00Z",
                    serde_json::json!({"type": "assessment_started"}),
                ),
                (
                    "2026-11-21T09:00:00Z",
                    serde_json::json!({"type": "assessment_completed", "factors": [],
                        "outcome": outcome}),
                ),
                (
                    "2026-11-22T09:00:00Z",
                    serde_json::json!({"type": "assessment_authorised", "manager": "TM1"}),
                ),
            ] {
                events.push(recorded(at, event));
            }
            events
        };
        let plan = assessed("CIN_PLAN");
        assert!(
            !could_close(&fold(&id, &plan[..4])),
            "waiting for authorisation"
        );
        assert!(!could_close(&fold(&id, &plan)), "a plan is to start");
        assert!(could_close(&fold(&id, &assessed("NFA"))));
        assert!(!could_close(&fold(&id, &referred())), "not yet assessed");
    }

    fn allocate(due: &Due) -> bool {
        due.open.iter().any(|o| o.rule == "allocation")
    }

    /// Point 3 of issue 12: a referral at 08:30, its allocation recorded at 09:02 and the
    /// record read at 09:02 and a minute later. The allocation must be met at once, not when a
    /// five-minute window turns (the old cache evaluated as at 09:00, before the allocation).
    #[test]
    fn what_is_due_shows_a_save_at_once() {
        let ruleset = Ruleset::builtin("bromley").unwrap().unwrap();
        let calendar = Calendar::england_and_wales();
        let workforce = MemoryDirectory::default();
        let id = ChildId::parse("C1").unwrap();
        let cache = DueCache::default();
        let mut events = referred();
        let before = fold(&id, &events);
        let due = cache
            .evaluate(
                &before,
                2,
                t("2026-11-20T09:01:00Z"),
                &ruleset,
                &calendar,
                &workforce,
            )
            .unwrap();
        assert!(allocate(&due), "the allocation is due after the referral");

        events.push(recorded(
            "2026-11-20T09:02:00Z",
            serde_json::json!({"type": "worker_allocated", "worker": "SW1", "team": "TSC1",
                "decided_by": "TM1", "oversight": "Allocate today.", "reason": "FCONTA"}),
        ));
        let after = fold(&id, &events);
        for now in ["2026-11-20T09:02:00Z", "2026-11-20T09:03:00Z"] {
            let due = cache
                .evaluate(&after, 3, t(now), &ruleset, &calendar, &workforce)
                .unwrap();
            assert!(!allocate(&due), "the allocation shows as met at {now}");
            assert!(due.met >= 1, "at {now}");
        }
    }

    /// Point 15 of issue 12: "why this date" gives the due time as people write it, not as
    /// the record stores it, and names the event in words without its version.
    #[test]
    fn why_this_date_reads_as_people_write_it() {
        let ruleset = Ruleset::builtin("bromley").unwrap().unwrap();
        let calendar = Calendar::england_and_wales();
        let record = fold(&ChildId::parse("C1").unwrap(), &referred());
        let due = DueCache::default()
            .evaluate(
                &record,
                2,
                t("2026-11-20T09:00:00Z"),
                &ruleset,
                &calendar,
                &MemoryDirectory::default(),
            )
            .unwrap();
        let why = &due
            .open
            .iter()
            .find(|o| o.rule == "allocation")
            .unwrap()
            .explanation;
        assert!(why.contains("08:30 on Sat 21 Nov 2026"), "{why}");
        assert!(
            why.contains("referral received on Fri 20 Nov 2026"),
            "{why}"
        );
        for stored in ["2026-11-21T", "(event", "000Z"] {
            assert!(!why.contains(stored), "{why}");
        }
    }

    #[test]
    fn a_kept_summary_serves_for_five_minutes_of_the_same_version() {
        let ruleset = Ruleset::builtin("bromley").unwrap().unwrap();
        let calendar = Calendar::england_and_wales();
        let workforce = MemoryDirectory::default();
        let id = ChildId::parse("C1").unwrap();
        let record = fold(&id, &referred());
        let cache = DueCache::default();
        let first = cache
            .evaluate(
                &record,
                2,
                t("2026-11-20T09:00:00Z"),
                &ruleset,
                &calendar,
                &workforce,
            )
            .unwrap();
        let kept = cache.get(&id, 2, t("2026-11-20T09:04:59Z")).unwrap();
        assert!(Arc::ptr_eq(&first, &kept));
        assert!(cache.get(&id, 2, t("2026-11-20T09:05:00Z")).is_none());
        assert!(cache.get(&id, 3, t("2026-11-20T09:01:00Z")).is_none());
        // A clock set back does not reuse a summary from its future.
        assert!(cache.get(&id, 2, t("2026-11-20T08:59:00Z")).is_none());
    }
}
