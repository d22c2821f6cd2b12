//! A child's stream: its events in the order they were recorded, and the record folded from
//! them in the order things happened, with corrections applied.
//!
//! New events are checked against the record as it stood when they happened. The common
//! case, an event that happened after everything already recorded, is checked and folded
//! in place. A backdated event or a correction re-folds the whole stream, checking that it
//! breaks no rule and does not make any later event break one that did not before.

use std::collections::HashSet;

use crate::child::events::ChildEvent;
use crate::child::record::ChildRecord;
use crate::codes::ReasonEpisodeCeased;
use crate::directory::Directory;
use crate::event::{EventKind, Recorded};
use crate::ids::ChildId;
use crate::rules::{Refusal, Rule, RuleViolation};

/// One event as it takes effect: corrected where a correction says so.
struct Effective<'a> {
    /// The version whose fault a problem with this event is: the correction, if corrected.
    blame: u64,
    /// The version the record points at (the original event's).
    version: u64,
    occurred_at: crate::time::Timestamp,
    event: &'a ChildEvent,
    original: &'a Recorded<ChildEvent>,
}

impl Effective<'_> {
    fn recorded(&self) -> Recorded<ChildEvent> {
        Recorded {
            occurred_at: self.occurred_at,
            recorded_at: self.original.recorded_at,
            recorded_by: self.original.recorded_by.clone(),
            event: self.event.clone(),
        }
    }
}

/// The stream with corrections applied, in the order things happened.
fn effective(events: &[Recorded<ChildEvent>]) -> Vec<Effective<'_>> {
    let mut eff: Vec<Option<Effective<'_>>> = events
        .iter()
        .enumerate()
        .map(|(i, ev)| {
            let v = i as u64 + 1;
            Some(Effective {
                blame: v,
                version: v,
                occurred_at: ev.occurred_at,
                event: &ev.event,
                original: ev,
            })
        })
        .collect();
    for (i, ev) in events.iter().enumerate() {
        if let ChildEvent::Corrected {
            corrects,
            replacement,
            ..
        } = &ev.event
        {
            let target = usize::try_from(*corrects)
                .ok()
                .and_then(|t| t.checked_sub(1))
                .filter(|&t| t < i);
            let Some(t) = target else { continue };
            if matches!(events[t].event, ChildEvent::Corrected { .. }) {
                continue;
            }
            eff[t] = replacement.as_ref().map(|r| Effective {
                blame: i as u64 + 1,
                version: t as u64 + 1,
                occurred_at: r.occurred_at,
                event: &r.event,
                original: &events[t],
            });
        }
    }
    let mut eff: Vec<Effective<'_>> = eff.into_iter().flatten().collect();
    eff.sort_by_key(|e| (e.occurred_at, e.version));
    eff
}

/// Folds a stored stream without checking it (history is applied as it is).
pub fn fold(id: &ChildId, events: &[Recorded<ChildEvent>]) -> ChildRecord {
    let mut record = ChildRecord::new(id.clone());
    for e in effective(events) {
        record.apply(e.version, &e.recorded());
    }
    record
}

/// Folds a stream checking every event, returning the record and each violation with the
/// version it is blamed on.
fn fold_checked(
    id: &ChildId,
    events: &[Recorded<ChildEvent>],
    dir: &dyn Directory,
) -> (ChildRecord, Vec<(u64, RuleViolation)>) {
    let mut record = ChildRecord::new(id.clone());
    let mut violations = Vec::new();
    for e in effective(events) {
        let ev = e.recorded();
        if let Err(v) = record.check(&ev, dir) {
            violations.push((e.blame, v));
        }
        record.apply(e.version, &ev);
    }
    (record, violations)
}

/// Checks a correction against the stream it belongs to (it is at `events[at]`).
fn check_correction(events: &[Recorded<ChildEvent>], at: usize) -> Result<(), RuleViolation> {
    let ChildEvent::Corrected {
        corrects,
        replacement,
        ..
    } = &events[at].event
    else {
        return Ok(());
    };
    let bad = |m: String| Err(RuleViolation::new(Rule::Correction, m));
    let target = usize::try_from(*corrects)
        .ok()
        .and_then(|t| t.checked_sub(1))
        .filter(|&t| t < at);
    let Some(t) = target else {
        return bad(format!("there is no earlier event {corrects} to correct"));
    };
    let original = &events[t].event;
    if matches!(original, ChildEvent::Corrected { .. }) {
        return bad(format!(
            "event {corrects} is itself a correction: correct the original event instead"
        ));
    }
    match replacement {
        None if matches!(original, ChildEvent::ChildRegistered { .. }) => {
            bad("the registration cannot be struck out; correct its details instead".to_owned())
        }
        None => Ok(()),
        Some(r) if matches!(*r.event, ChildEvent::Corrected { .. }) => {
            bad("a replacement cannot itself be a correction".to_owned())
        }
        Some(r) if r.event.kind() != original.kind() => bad(format!(
            "event {corrects} is a {}; its replacement must be the same kind of event, not a {}",
            original.kind(),
            r.event.kind()
        )),
        Some(_) => Ok(()),
    }
}

/// One event of a stream as it stands, for showing the record to people.
#[derive(Debug, Clone, Copy)]
pub struct Standing<'a> {
    /// The version the record points at (the original event's, for a replacement).
    pub version: u64,
    /// When it happened (the corrected time, for a replacement).
    pub occurred_at: crate::time::Timestamp,
    /// What happened (the replacement, if corrected).
    pub event: &'a ChildEvent,
    /// The original as stored: who recorded it and when.
    pub recorded: &'a Recorded<ChildEvent>,
    /// The version of the correction that replaced it, if one did.
    pub corrected_by: Option<u64>,
}

/// A child's stream and folded record.
#[derive(Debug, Clone)]
pub struct ChildStream {
    events: Vec<Recorded<ChildEvent>>,
    record: ChildRecord,
}

impl ChildStream {
    /// A stream with no events yet.
    pub fn new(id: ChildId) -> Self {
        Self {
            events: Vec::new(),
            record: ChildRecord::new(id),
        }
    }

    /// A stream loaded from the store, in version order.
    pub fn from_events(id: ChildId, events: Vec<Recorded<ChildEvent>>) -> Self {
        let record = fold(&id, &events);
        Self { events, record }
    }

    /// Brings a stream read earlier up to date with the events the store has appended to it
    /// since (already checked when they were appended, so not checked again). Events that
    /// follow on in time are applied in place; anything else is folded again from scratch,
    /// exactly as a fresh read would be.
    pub fn extend_stored(&mut self, more: Vec<Recorded<ChildEvent>>) {
        if more.is_empty() {
            return;
        }
        let follows_on = more
            .windows(2)
            .all(|w| w[0].occurred_at <= w[1].occurred_at)
            && self
                .record
                .last_occurred()
                .is_none_or(|last| more[0].occurred_at >= last)
            && !more
                .iter()
                .any(|e| matches!(e.event, ChildEvent::Corrected { .. }));
        let base = self.version();
        self.events.extend(more);
        if follows_on {
            for (i, ev) in self.events[base as usize..].iter().enumerate() {
                self.record.apply(base + i as u64 + 1, ev);
            }
        } else {
            self.record = fold(self.id(), &self.events);
        }
    }

    /// The child.
    pub fn id(&self) -> &ChildId {
        &self.record.id
    }

    /// How many events the stream holds (the version of the last).
    pub fn version(&self) -> u64 {
        self.events.len() as u64
    }

    /// The events, in version order.
    pub fn events(&self) -> &[Recorded<ChildEvent>] {
        &self.events
    }

    /// The folded record.
    pub fn record(&self) -> &ChildRecord {
        &self.record
    }

    /// The events as they stand once corrections are applied, in the order things happened
    /// (the order the record is folded in). A corrected event appears as its replacement,
    /// under the original's version; a struck-out event does not appear.
    pub fn as_it_stands(&self) -> Vec<Standing<'_>> {
        effective(&self.events)
            .into_iter()
            .map(|e| Standing {
                version: e.version,
                occurred_at: e.occurred_at,
                event: e.event,
                recorded: e.original,
                corrected_by: (e.blame != e.version).then_some(e.blame),
            })
            .collect()
    }

    /// Checks a command's events and, if every rule holds, appends them. On refusal the
    /// stream is unchanged.
    pub fn append(
        &mut self,
        new: Vec<Recorded<ChildEvent>>,
        dir: &dyn Directory,
    ) -> Result<(), Refusal> {
        if new.is_empty() {
            return Ok(());
        }
        let in_order = new.windows(2).all(|w| w[0].occurred_at <= w[1].occurred_at);
        let after_all = self
            .record
            .last_occurred()
            .is_none_or(|last| new[0].occurred_at >= last);
        let has_correction = new
            .iter()
            .any(|e| matches!(e.event, ChildEvent::Corrected { .. }));
        if in_order && after_all && !has_correction {
            self.append_in_place(new, dir)
        } else {
            self.append_refolding(new, dir)
        }
    }

    fn append_in_place(
        &mut self,
        new: Vec<Recorded<ChildEvent>>,
        dir: &dyn Directory,
    ) -> Result<(), Refusal> {
        let base = self.version();
        for (i, ev) in new.iter().enumerate() {
            if let Err(violation) = self.record.check(ev, dir) {
                self.record = fold(self.id(), &self.events);
                return Err(Refusal {
                    index: i,
                    violation,
                });
            }
            self.record.apply(base + i as u64 + 1, ev);
        }
        if let Err(r) = settled(&self.record, &new) {
            self.record = fold(self.id(), &self.events);
            return Err(r);
        }
        self.events.extend(new);
        Ok(())
    }

    fn append_refolding(
        &mut self,
        new: Vec<Recorded<ChildEvent>>,
        dir: &dyn Directory,
    ) -> Result<(), Refusal> {
        let base = self.events.len();
        let (_, before) = fold_checked(self.id(), &self.events, dir);
        let already: HashSet<u64> = before.into_iter().map(|(v, _)| v).collect();
        let mut candidate = self.events.clone();
        candidate.extend(new.iter().cloned());
        for i in 0..new.len() {
            check_correction(&candidate, base + i).map_err(|violation| Refusal {
                index: i,
                violation,
            })?;
        }
        let (record, after) = fold_checked(self.id(), &candidate, dir);
        for (version, violation) in after {
            let Some(i) = usize::try_from(version).ok().and_then(|v| v.checked_sub(1)) else {
                continue;
            };
            if i >= base {
                let index = i - base;
                let violation = ends_before_start(&record, &new[index]).unwrap_or(violation);
                return Err(Refusal { index, violation });
            }
            if !already.contains(&version) {
                let ev = &candidate[i];
                let at = ev.occurred_at;
                let index = new.iter().position(|n| n.occurred_at <= at).unwrap_or(0);
                return Err(Refusal {
                    index,
                    violation: RuleViolation::new(
                        Rule::InvalidatesLater,
                        format!(
                            "this would make the later {} on {} (event {version}) break a rule: {}",
                            ev.event.kind().replace('_', " "),
                            ev.date(),
                            violation.message
                        ),
                    ),
                });
            }
        }
        settled(&record, &new)?;
        self.events = candidate;
        self.record = record;
        Ok(())
    }
}

/// When an event that ends something is refused because nothing was open at its time, says
/// so plainly if what it would end starts later: the end is before the start. `now` is the
/// record with the command folded in, where the thing it would end is still open.
fn ends_before_start(now: &ChildRecord, ev: &Recorded<ChildEvent>) -> Option<RuleViolation> {
    use ChildEvent::*;
    let episode = now.open_episode();
    let start = match &ev.event {
        EpisodeEnded { .. } => now
            .current_care_episode()
            .map(|e| (e.start, "looked-after episode")),
        CpPlanEnded { .. } => now
            .open_cp_plan()
            .map(|p| (p.start, "child protection plan")),
        CinPlanEnded { .. } => now.open_cin_plan().map(|p| (p.start, "child in need plan")),
        AssessmentCompleted { .. } => episode
            .and_then(|e| e.open_assessment())
            .map(|a| (a.start, "assessment")),
        Section47Completed { .. } => episode
            .and_then(|e| e.open_enquiry())
            .map(|s| (s.start, "section 47 enquiry")),
        CaseClosed { .. } => episode.map(|e| (e.referral, "child in need episode")),
        MissingEpisodeEnded {} => now.open_missing().map(|m| (m.start, "missing episode")),
        DeprivationOfLibertyEnded {} => now
            .deprivation_of_liberty
            .last()
            .filter(|p| p.end.is_none())
            .map(|p| (p.start, "deprivation of liberty order")),
        EarlyHelpAssessmentCompleted {} => now
            .early_help
            .last()
            .filter(|e| e.completed.is_none())
            .map(|e| (e.start, "early help assessment")),
        _ => None,
    }?;
    let (mark, what) = start;
    (mark.at > ev.occurred_at).then(|| {
        RuleViolation::new(
            Rule::EndsBeforeStart,
            format!(
                "this would end the {what} at {}, before it started at {}",
                ev.occurred_at, mark.at
            ),
        )
    })
}

/// After a command, no episode it ended with X1 may be left waiting for the next episode.
fn settled(record: &ChildRecord, new: &[Recorded<ChildEvent>]) -> Result<(), Refusal> {
    let ended_x1 = new.iter().rposition(|e| {
        matches!(
            e.event,
            ChildEvent::EpisodeEnded {
                reason: ReasonEpisodeCeased::X1
            }
        )
    });
    match (ended_x1, record.awaiting_next_episode()) {
        (Some(index), Some(_)) => Err(Refusal {
            index,
            violation: RuleViolation::new(
                Rule::EpisodeUnfinished,
                "an episode ended with X1 must be followed, in the same command, by the episode that continues it",
            ),
        }),
        _ => Ok(()),
    }
}
