//! Evaluation: a child's record, a ruleset, the calendar and an as-at instant in; the
//! obligations out. Pure: nothing is read but the arguments.
//!
//! For each rule, the record gives the spans of time in which it applies. Within each span
//! the clock starts (at the span's start, at events, at another rule's obligation being met,
//! or counting back from a meeting), the period gives a due date, and the first matching
//! event after the start meets it. A recurring rule then runs on from that event, so a run
//! is the chain of occurrences from one start until the next start, the end of the span, or
//! the as-at date.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::NaiveDate;
use hearth_domain::codes::StaffRole;
use hearth_domain::directory::Directory;
use hearth_domain::{ChildId, ChildRecord, Timestamp};

use crate::calendar::Calendar;
use crate::facts::{Fact, Facts, KnownMeeting};
use crate::obligation::{
    AppliedVariation, Assignment, ClockStart, Closed, Ending, Escalated, EventRef, Explanation,
    Missed, Obligation, Owner, PeriodSource, Status, Timescale, Varied,
};
use crate::period::{self, CalendarStep, Due, Period};
use crate::ruleset::{Matcher, Rule, Ruleset, Satisfaction, Start, Window};
use crate::spans::{Opening, Span};
use crate::vocabulary::{FactKind, State};

/// The moment a record is evaluated as at: a date in England, and an instant on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsAt {
    /// The date.
    pub date: NaiveDate,
    /// The instant; everything that happened up to it counts.
    pub instant: Timestamp,
}

impl AsAt {
    /// The end of a day in England: everything that happened that day counts.
    pub fn end_of(date: NaiveDate) -> AsAt {
        let instant = date
            .succ_opt()
            .map(Timestamp::start_of_london_day)
            .and_then(|t| t.plus_micros(-1))
            .unwrap_or_else(|| Timestamp::start_of_london_day(date));
        AsAt { date, instant }
    }

    /// An instant, on its date in England.
    pub fn instant(instant: Timestamp) -> AsAt {
        AsAt {
            date: instant.london_date(),
            instant,
        }
    }
}

/// A date that the calendar arithmetic could not reach.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("child {child}, rule `{rule}`: a due date falls outside the dates the calendar can count")]
pub struct EvaluationError {
    /// The child.
    pub child: ChildId,
    /// The rule.
    pub rule: String,
}

/// A child's obligations under a ruleset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildEvaluation {
    /// The child.
    pub child: ChildId,
    /// The obligations, rule by rule (in the ruleset's order, except that a rule another
    /// chains to comes after it), then run and occurrence.
    pub obligations: Vec<Obligation>,
    /// How many obligations each rule produced, counted as they were made (indexed like
    /// `Ruleset::rules`), so that totals can be reconciled against the statuses.
    pub evaluated: Vec<u64>,
}

impl ChildEvaluation {
    /// The missed items, earliest due first: for the record to list rather than count.
    pub fn missed(&self) -> Vec<Missed<'_>> {
        let mut missed: Vec<Missed<'_>> = self
            .obligations
            .iter()
            .filter_map(Obligation::missed)
            .collect();
        missed.sort_by(|a, b| {
            (a.due_date, a.due_at, &a.rule.id).cmp(&(b.due_date, b.due_at, &b.rule.id))
        });
        missed
    }

    /// Only the obligations due on or after `from`, as for a year's figures. Those left out
    /// are counted out of `evaluated` too, so the figures still reconcile.
    pub fn due_from(mut self, ruleset: &Ruleset, from: NaiveDate) -> ChildEvaluation {
        let mut left_out = vec![0u64; self.evaluated.len()];
        self.obligations.retain(|o| {
            let keep = o.due_date >= from;
            if !keep
                && let Some(n) = ruleset
                    .rules
                    .iter()
                    .position(|r| r.id == o.rule.id)
                    .and_then(|i| left_out.get_mut(i))
            {
                *n += 1;
            }
            keep
        });
        for (n, out) in self.evaluated.iter_mut().zip(left_out) {
            *n = n.saturating_sub(out);
        }
        self
    }
}

/// Evaluates one child's record. `staff` is used to check who authorised a variation.
pub fn evaluate(
    record: &ChildRecord,
    ruleset: &Ruleset,
    calendar: &Calendar,
    as_at: AsAt,
    staff: &dyn Directory,
) -> Result<ChildEvaluation, EvaluationError> {
    let facts = Facts::read(record, as_at.instant, &ruleset.needed, calendar);
    // Each allocation's worker and team are shared by every obligation that names them.
    let allocations = record
        .allocations
        .iter()
        .map(|a| Allocated {
            from: a.mark.at,
            until: a.ended.map(|m| m.at),
            assignment: Arc::new(Assignment {
                worker: a.worker.clone(),
                team: Some(a.team.clone()),
            }),
        })
        .collect();
    let advisers = record
        .care_leaver
        .advisers
        .iter()
        .map(|(m, s)| {
            let adviser = Assignment {
                worker: s.clone(),
                team: None,
            };
            (m.at, Arc::new(adviser))
        })
        .collect();
    let engine = Engine {
        record,
        facts,
        ruleset,
        calendar,
        as_at,
        staff,
        child: Arc::new(record.id.clone()),
        allocations,
        advisers,
    };
    let mut out = Output {
        chained: vec![Vec::new(); ruleset.rules.len()],
        obligations: Vec::with_capacity(record.log.len() * 2),
        evaluated: vec![0; ruleset.rules.len()],
    };
    for &i in &ruleset.order {
        engine.rule(i, &mut out).map_err(|()| EvaluationError {
            child: record.id.clone(),
            rule: ruleset.rules[i].id.clone(),
        })?;
    }
    Ok(ChildEvaluation {
        child: record.id.clone(),
        obligations: out.obligations,
        evaluated: out.evaluated,
    })
}

/// Whether a child's case is open as at an instant: an open child in need episode, a
/// period of care, or a care leaver's support. These are the children a caseload holds.
pub fn is_open(record: &ChildRecord, calendar: &Calendar, as_at: AsAt) -> bool {
    let facts = Facts::read(record, as_at.instant, &[], calendar);
    [State::OpenCase, State::LookedAfter, State::CareLeaver]
        .iter()
        .any(|s| {
            facts
                .state(*s)
                .iter()
                .any(|span| span.contains(as_at.instant))
        })
}

/// Where satisfying events may start.
#[derive(Debug, Clone, Copy)]
enum From {
    /// On or after a day in England.
    OnOrAfter(NaiveDate),
    /// At or after an instant.
    AtOrAfter(Timestamp),
    /// After an event, in the order things happened.
    AfterEvent(Timestamp, u64),
}

impl From {
    fn admits(self, f: &Fact) -> bool {
        match self {
            From::OnOrAfter(d) => f.date >= d,
            From::AtOrAfter(t) => f.event.at >= t,
            From::AfterEvent(t, v) => (f.event.at, f.event.version) > (t, v),
        }
    }

    /// An instant no admitted event is before, to skip ahead in a sorted list.
    fn lower_bound(self) -> Timestamp {
        match self {
            // England's midnight is never more than an hour before UTC's.
            From::OnOrAfter(d) => {
                let midnight = d.and_time(chrono::NaiveTime::MIN).and_utc();
                Timestamp::from_utc(midnight - chrono::TimeDelta::hours(1))
            }
            From::AtOrAfter(t) | From::AfterEvent(t, _) => t,
        }
    }
}

/// What ends a run before an occurrence is met.
#[derive(Debug, Clone)]
enum RunEnd {
    /// The span the rule applies in ended.
    SpanEnd(Timestamp, Option<EventRef>),
    /// The clock started again.
    Restart(ClockStart),
    /// The action was ended without being done.
    ActionEnded(EventRef),
}

impl RunEnd {
    fn at(&self) -> Timestamp {
        match self {
            RunEnd::SpanEnd(t, _) => *t,
            RunEnd::Restart(c) => c.at(),
            RunEnd::ActionEnded(e) => e.at,
        }
    }

    fn closed(&self) -> Closed {
        match self {
            RunEnd::ActionEnded(e) => Closed {
                at: e.at,
                ending: Ending::ActionEnded,
                event: Some(*e),
            },
            RunEnd::SpanEnd(at, event) => Closed {
                at: *at,
                ending: Ending::StoppedApplying,
                event: *event,
            },
            RunEnd::Restart(c) => Closed {
                at: c.at(),
                ending: Ending::Restarted,
                event: c.event(),
            },
        }
    }
}

/// An allocation, with its worker and team shared.
struct Allocated {
    from: Timestamp,
    until: Option<Timestamp>,
    assignment: Arc<Assignment>,
}

struct Engine<'a> {
    record: &'a ChildRecord,
    facts: Facts<'a>,
    ruleset: &'a Ruleset,
    calendar: &'a Calendar,
    as_at: AsAt,
    staff: &'a dyn Directory,
    child: Arc<ChildId>,
    allocations: Vec<Allocated>,
    advisers: Vec<(Timestamp, Arc<Assignment>)>,
}

/// What evaluation writes: obligations, their counts, and the starts passed to chained rules.
struct Output {
    /// Clock starts passed on to chained rules, by rule.
    chained: Vec<Vec<ClockStart>>,
    obligations: Vec<Obligation>,
    evaluated: Vec<u64>,
}

/// Spans worked out once for the rule being evaluated.
struct Scope<'s> {
    /// Where each `repeat.every_when` condition holds.
    every_when: Vec<Cow<'s, [Span]>>,
    /// Where the rule's variations may apply.
    variable: Option<Cow<'s, [Span]>>,
}

/// The parts of one occurrence, before its status is settled.
struct Occurrence {
    run: u32,
    number: u32,
    clock: ClockStart,
    period: Period,
    source: PeriodSource,
    direction: &'static str,
    due: Due,
    steps: Vec<CalendarStep>,
    variation: Option<AppliedVariation>,
    notes: Vec<String>,
    origin: Timestamp,
}

impl Engine<'_> {
    fn rule(&self, i: usize, out: &mut Output) -> Result<(), ()> {
        let rule = &self.ruleset.rules[i];
        let spans = match &rule.applies {
            Some(c) => self.facts.condition(c, self.calendar),
            None => Cow::Borrowed(self.facts.lifetime()),
        };
        let scope = Scope {
            every_when: rule.repeat.as_ref().map_or_else(Vec::new, |r| {
                r.every_when
                    .iter()
                    .map(|(c, _)| self.facts.condition(c, self.calendar))
                    .collect()
            }),
            variable: rule
                .variation
                .as_ref()
                .and_then(|v| v.requires.as_ref())
                .map(|c| self.facts.condition(c, self.calendar)),
        };
        if let Start::BeforeMeeting(kinds) = &rule.start {
            return self.before_meetings(i, &spans, kinds, out);
        }
        if rule.start == Start::Actions {
            return self.actions(i, &spans, out);
        }
        let mut run = 0;
        for span in spans.iter() {
            let starts = self.starts(i, span, out);
            for (n, start) in starts.iter().enumerate() {
                run += 1;
                // A recurring rule's run ends when its clock starts again; one-off
                // obligations from separate events stand alone.
                let restart = if rule.repeat.is_some() {
                    starts.get(n + 1).cloned()
                } else {
                    None
                };
                self.run(i, *span, start.clone(), restart, run, &scope, out)?;
            }
        }
        Ok(())
    }

    /// The clock starts of a rule within a span, in order.
    fn starts(&self, i: usize, span: &Span, out: &Output) -> Vec<ClockStart> {
        let rule = &self.ruleset.rules[i];
        match &rule.start {
            Start::PeriodStart => {
                let event = match span.opened_by {
                    Opening::Event(e) => Some(e),
                    Opening::Date(_) => None,
                };
                vec![ClockStart::PeriodStart {
                    at: span.from,
                    event,
                }]
            }
            Start::Events(matchers) => {
                let mut starts: Vec<ClockStart> = Vec::new();
                for m in matchers {
                    let mut in_span = self
                        .candidates(m)
                        .filter(|(k, f)| m.matches(*k, f) && span.contains(f.event.at))
                        .map(|(_, f)| ClockStart::Event { event: f.event });
                    match m.nth {
                        Some(n) => starts.extend(
                            in_span.nth(usize::try_from(n).unwrap_or(usize::MAX).saturating_sub(1)),
                        ),
                        None => starts.extend(in_span),
                    }
                }
                if matchers.len() > 1 {
                    starts.sort_by_key(|c| c.event().map(|e| (e.at, e.version)));
                    starts.dedup_by_key(|c| c.event().map(|e| e.version));
                }
                starts
            }
            Start::Chained => {
                let mut starts: Vec<ClockStart> = out.chained[i]
                    .iter()
                    .filter(|c| span.contains(c.at()))
                    .cloned()
                    .collect();
                starts.sort_by_key(|c| c.event().map(|e| (e.at, e.version)));
                starts
            }
            Start::BeforeMeeting(_) | Start::Actions => Vec::new(),
        }
    }

    /// Facts a matcher may match, with their kinds.
    fn candidates<'m>(&'m self, m: &'m Matcher) -> impl Iterator<Item = (FactKind, &'m Fact)> {
        let withheld: &[Fact] = if m.or_withheld {
            self.facts.of(FactKind::DocumentWithheld)
        } else {
            &[]
        };
        self.facts
            .of(m.kind)
            .iter()
            .map(move |f| (m.kind, f))
            .chain(withheld.iter().map(|f| (FactKind::DocumentWithheld, f)))
    }

    /// The period of the `k`th occurrence (from 0) of a run whose previous occurrence was met
    /// at `anchor`.
    fn period_for(
        &self,
        rule: &Rule,
        k: usize,
        anchor: Timestamp,
        scope: &Scope<'_>,
    ) -> (Period, PeriodSource) {
        let Some(repeat) = &rule.repeat else {
            return (rule.due, PeriodSource::First);
        };
        if k == 0 {
            return (rule.due, PeriodSource::First);
        }
        if let Some(p) = repeat.then.get(k - 1) {
            return (*p, PeriodSource::Then);
        }
        for ((_, p), spans) in repeat.every_when.iter().zip(&scope.every_when) {
            if spans.iter().any(|s| s.contains(anchor)) {
                return (*p, PeriodSource::EveryWhen);
            }
        }
        (repeat.every, PeriodSource::Every)
    }

    /// The variation in force for an occurrence, if one applies, and notes on any that do
    /// not. Only a recurring rule's repeats are varied, not its first occurrence.
    fn variation(
        &self,
        rule: &Rule,
        k: usize,
        anchor: Timestamp,
        notes: &mut Vec<String>,
        scope: &Scope<'_>,
    ) -> Option<AppliedVariation> {
        if (rule.repeat.is_some() && k == 0) || self.facts.record.variations.is_empty() {
            return None;
        }
        let on = self.calendar.london_date(anchor);
        let as_at = self.as_at.instant;
        let v = self
            .facts
            .record
            .variations
            .iter()
            .filter(|v| v.rule.as_str() == rule.id && v.mark.at <= as_at)
            .filter(|v| {
                v.mark.date() <= on
                    && v.until.is_none_or(|u| on <= u)
                    && v.ended
                        .filter(|e| e.at <= as_at)
                        .is_none_or(|e| on < e.date())
            })
            .max_by_key(|v| (v.mark.at, v.mark.version))?;
        let when = v.mark.date().format("%-d %b %Y");
        let refuse = |why: String| {
            format!(
                "A variation of this standard by {} on {when} was not applied: {why}.",
                v.authorised_by
            )
        };
        let Some(policy) = &rule.variation else {
            notes.push(refuse(
                "this ruleset does not allow it to be varied".to_owned(),
            ));
            return None;
        };
        let role = match self.staff.staff(&v.authorised_by) {
            Some(s) if s.in_post_on(v.mark.date()) => s.role,
            Some(_) => {
                notes.push(refuse(format!("{} was not in post", v.authorised_by)));
                return None;
            }
            None => {
                notes.push(refuse(format!("{} is not known", v.authorised_by)));
                return None;
            }
        };
        if !policy.roles.contains(&role) {
            let allowed: Vec<String> = policy
                .roles
                .iter()
                .map(|r| r.label().to_lowercase())
                .collect();
            notes.push(refuse(format!(
                "a {} cannot authorise it (it needs a {})",
                role.label().to_lowercase(),
                allowed.join(" or ")
            )));
            return None;
        }
        let varied = Period::from_variation(v.amount, v.unit);
        if let Some(longest) = policy.longest {
            let dob = self.facts.date_of_birth;
            let cal = self.calendar;
            let at_most = period::after(longest, cal, anchor, dob, &mut Vec::new());
            let asked = period::after(varied, cal, anchor, dob, &mut Vec::new());
            if let (Some(at_most), Some(asked)) = (at_most, asked)
                && asked.date > at_most.date
            {
                notes.push(refuse(format!(
                    "{varied} is longer than the {longest} allowed"
                )));
                return None;
            }
        }
        if let (Some(requires), Some(spans)) = (&policy.requires, &scope.variable)
            && !spans.iter().any(|s| s.contains(anchor))
        {
            notes.push(refuse(format!(
                "it applies only when {}",
                requires.describe()
            )));
            return None;
        }
        Some(AppliedVariation {
            event: EventRef {
                version: v.mark.version,
                kind: "obligation_varied",
                at: v.mark.at,
            },
            authorised_by: v.authorised_by.clone(),
            role,
            reason: v.reason.clone(),
            period: varied,
            until: v.until,
        })
    }

    /// The first event that meets an obligation, from `from` up to `limit`.
    fn satisfaction(
        &self,
        rule: &Rule,
        clock: &ClockStart,
        from: From,
        limit: Timestamp,
    ) -> Option<EventRef> {
        let matchers = match &rule.satisfied_by {
            Satisfaction::Recording => {
                // The clock started with an event; it is met when that event was recorded.
                let e = clock.event()?;
                let recorded_at = self.facts.recorded_at_version(e.version)?;
                return (recorded_at <= self.as_at.instant).then_some(EventRef {
                    version: e.version,
                    kind: crate::obligation::RECORDED,
                    at: recorded_at,
                });
            }
            Satisfaction::Events(ms) => ms,
            // Met by the action's own progress, which `actions` reads.
            Satisfaction::ActionDone => return None,
        };
        let own = clock.event().map(|e| e.version);
        let in_window =
            |f: &Fact| from.admits(f) && f.event.at <= limit && Some(f.event.version) != own;
        let mut best: Option<EventRef> = None;
        for m in matchers {
            let found = match m.audiences() {
                None => self
                    .first(m, from, |k, f| in_window(f) && m.matches(k, f))
                    .map(|f| f.event),
                Some(wanted) => {
                    // Every audience must be reached; met when the last of them is.
                    let mut reached = 0u16;
                    let mut last = None;
                    let mut hits: Vec<&Fact> = self
                        .candidates(m)
                        .filter(|(k, f)| in_window(f) && m.matches(*k, f))
                        .map(|(_, f)| f)
                        .collect();
                    hits.sort_by_key(|f| (f.event.at, f.event.version));
                    for f in hits {
                        if let crate::facts::Data::Document { audiences, .. } = f.data {
                            let new = audiences & wanted & !reached;
                            if new != 0 {
                                reached |= new;
                                last = Some(f.event);
                            }
                        }
                        if reached == wanted {
                            break;
                        }
                    }
                    last.filter(|_| reached == wanted)
                }
            };
            if let Some(e) = found
                && best.is_none_or(|b| (e.at, e.version) < (b.at, b.version))
            {
                best = Some(e);
            }
        }
        best
    }

    /// The earliest fact a matcher may match, from a lower bound, for which `test` holds.
    fn first<'m>(
        &'m self,
        m: &'m Matcher,
        from: From,
        test: impl Fn(FactKind, &Fact) -> bool,
    ) -> Option<&'m Fact> {
        let lower = from.lower_bound();
        let scan = |kind: FactKind| {
            let list = self.facts.of(kind);
            list[list.partition_point(|f| f.event.at < lower)..]
                .iter()
                .find(|f| test(kind, f))
        };
        let main = scan(m.kind);
        if !m.or_withheld {
            return main;
        }
        match (main, scan(FactKind::DocumentWithheld)) {
            (Some(a), Some(b)) => Some(
                if (b.event.at, b.event.version) < (a.event.at, a.event.version) {
                    b
                } else {
                    a
                },
            ),
            (a, b) => a.or(b),
        }
    }

    /// The first event that voids a pending obligation, after its clock started.
    fn void(&self, rule: &Rule, clock: &ClockStart, limit: Timestamp) -> Option<EventRef> {
        let start = clock.at();
        rule.void_when
            .iter()
            .filter_map(|m| {
                self.first(m, From::AtOrAfter(start), |k, f| {
                    f.event.at <= limit && m.matches(k, f)
                })
                .map(|f| f.event)
            })
            .min_by_key(|e| (e.at, e.version))
    }

    /// One run of a rule's clock: the first occurrence and, for a recurring rule, the
    /// occurrences that follow while each is met.
    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        i: usize,
        span: Span,
        start: ClockStart,
        restart: Option<ClockStart>,
        run: u32,
        scope: &Scope<'_>,
        out: &mut Output,
    ) -> Result<(), ()> {
        let rule = &self.ruleset.rules[i];
        let ending = match (&restart, span.to) {
            (Some(r), _) => Some(RunEnd::Restart(r.clone())),
            (None, Some(to)) => Some(RunEnd::SpanEnd(to, span.closed_by)),
            (None, None) => None,
        };
        let limit = ending
            .as_ref()
            .map_or(self.as_at.instant, |e| e.at().min(self.as_at.instant));
        let origin = start.at();
        let mut clock = start;
        let mut k = 0usize;
        loop {
            let anchor = clock.at();
            let (mut period, mut source) = self.period_for(rule, k, anchor, scope);
            let mut notes = Vec::new();
            let variation = self.variation(rule, k, anchor, &mut notes, scope);
            if let Some(v) = &variation {
                period = v.period;
                source = PeriodSource::Variation;
            }
            let mut steps = Vec::new();
            let due = period::after(
                period,
                self.calendar,
                anchor,
                self.facts.date_of_birth,
                &mut steps,
            )
            .ok_or(())?;
            let from = match (&clock, k, rule.satisfied_from) {
                (ClockStart::PreviousMet { event } | ClockStart::Chained { event, .. }, _, _) => {
                    From::AfterEvent(event.at, event.version)
                }
                (_, 0, Window::Period) if period.is_hours() => From::AtOrAfter(span.from),
                (_, 0, Window::Period) => From::OnOrAfter(self.calendar.london_date(span.from)),
                _ if period.is_hours() => From::AtOrAfter(anchor),
                _ => From::OnOrAfter(self.calendar.london_date(anchor)),
            };
            let satisfied = self.satisfaction(rule, &clock, from, limit);
            let occurrence = Occurrence {
                run,
                number: u32::try_from(k + 1).unwrap_or(u32::MAX),
                clock: clock.clone(),
                period,
                source,
                direction: "after",
                due,
                steps,
                variation,
                notes,
                origin,
            };
            let voided = self
                .void(rule, &occurrence.clock, satisfied.map_or(limit, |s| s.at))
                .filter(|v| satisfied.is_none_or(|s| v.at < s.at));
            // Once voided, a later event no longer meets it.
            let satisfied = satisfied.filter(|_| voided.is_none());
            self.settle(i, occurrence, satisfied, voided, ending.as_ref(), out);
            // A run goes on while each occurrence is met before the run ends.
            match satisfied {
                Some(s)
                    if rule.repeat.is_some() && ending.as_ref().is_none_or(|e| s.at < e.at()) =>
                {
                    clock = ClockStart::PreviousMet { event: s };
                    k += 1;
                }
                _ => break,
            }
        }
        Ok(())
    }

    /// Settles an occurrence's status and records the obligation.
    fn settle(
        &self,
        i: usize,
        occ: Occurrence,
        satisfied: Option<EventRef>,
        voided: Option<EventRef>,
        ending: Option<&RunEnd>,
        out: &mut Output,
    ) {
        let as_at = self.as_at;
        let due = occ.due;
        let mut closed = None;
        let status = if let Some(s) = satisfied {
            self.met(due, s)
        } else if let Some(v) = voided {
            closed = Some(Closed {
                at: v.at,
                ending: Ending::Voided,
                event: Some(v),
            });
            Status::NotApplicable
        } else if let Some(end) = ending.filter(|e| e.at() <= as_at.instant) {
            closed = Some(end.closed());
            if due.passed_by(end.at(), self.calendar.london_date(end.at())) {
                self.overdue(due)
            } else {
                Status::NotApplicable
            }
        } else {
            self.pending(due)
        };
        self.emit(i, occ, status, satisfied, closed, out);
    }

    /// The status of an obligation met by an event.
    fn met(&self, due: Due, by: EventRef) -> Status {
        let on = self.calendar.london_date(by.at);
        if due.met_by(by.at, on) {
            return Status::Met;
        }
        Status::MetLate {
            days_late: (on - due.date).num_days(),
            hours_late: due.at.map(|t| (by.at.utc() - t.utc()).num_hours().max(1)),
        }
    }

    fn overdue(&self, due: Due) -> Status {
        Status::Overdue {
            days_overdue: (self.as_at.date - due.date).num_days().max(0),
        }
    }

    /// The status of an obligation still open at the as-at instant.
    fn pending(&self, due: Due) -> Status {
        if due.passed_by(self.as_at.instant, self.as_at.date) {
            return self.overdue(due);
        }
        let window_opens = period::back(self.ruleset.due_soon, self.calendar, due.date);
        match window_opens {
            Some(d) if self.as_at.date >= d => Status::DueSoon,
            _ => Status::Upcoming,
        }
    }

    fn emit(
        &self,
        i: usize,
        occ: Occurrence,
        status: Status,
        satisfied: Option<EventRef>,
        closed: Option<Closed>,
        out: &mut Output,
    ) {
        let rule = &self.ruleset.rules[i];
        // Outstanding until it was met, its chance ended, or now.
        let outstanding_until = satisfied
            .map(|s| s.at)
            .or(closed.map(|c| c.at))
            .unwrap_or(self.as_at.instant);
        let escalation = self.escalation(rule, occ.origin, occ.due, outstanding_until);
        let owner = self.owner(escalation.as_ref().map_or(rule.owner, |e| e.role), occ.due);
        let status = match occ.variation {
            Some(variation) => Status::Varied(Box::new(Varied {
                variation,
                outcome: status,
            })),
            None => status,
        };
        let obligation = Obligation {
            rule: rule.text.clone(),
            child: self.child.clone(),
            run: occ.run,
            occurrence: occ.number,
            owner,
            escalation,
            due_date: occ.due.date,
            due_at: occ.due.at,
            status,
            explanation: Explanation {
                clock: occ.clock,
                timescale: Timescale {
                    period: occ.period,
                    source: occ.source,
                    direction: occ.direction,
                },
                calendar: occ.steps,
                satisfied_by: satisfied,
                closed,
                notes: occ.notes,
            },
        };
        out.evaluated[i] += 1;
        if let (Some(next), Some(s)) = (rule.chain_to, satisfied) {
            out.chained[next].push(ClockStart::Chained {
                rule: rule.id.clone(),
                event: s,
            });
        }
        out.obligations.push(obligation);
    }

    /// The escalation step in force: the last whose time, counted from the start of the run,
    /// came by the obligation's due time or while it was still outstanding after it. So an
    /// occurrence due after 14 days is the head of service's, and so is one due at 24 hours
    /// that is still not met at 14 days, whether or not anything before it was met.
    fn escalation(
        &self,
        rule: &Rule,
        origin: Timestamp,
        due: Due,
        outstanding_until: Timestamp,
    ) -> Option<Escalated> {
        let mut current = None;
        for step in &rule.escalation {
            let Some(reached) = period::after(
                step.after,
                self.calendar,
                origin,
                self.facts.date_of_birth,
                &mut Vec::new(),
            ) else {
                continue;
            };
            let by_due = match (reached.at, due.at) {
                (Some(a), Some(b)) => a <= b,
                _ => reached.date <= due.date,
            };
            let while_outstanding = match reached.at {
                Some(a) => a <= outstanding_until,
                None => reached.date <= self.calendar.london_date(outstanding_until),
            };
            if by_due || while_outstanding {
                current = Some(Escalated {
                    after: step.after,
                    role: step.role,
                    action: step.action.clone(),
                });
            }
        }
        current
    }

    /// Who is responsible: the role, and the child's worker at the due time (or now, if it
    /// is not yet due).
    fn owner(&self, role: StaffRole, due: Due) -> Owner {
        let due_instant = due
            .at
            .unwrap_or_else(|| self.calendar.start_of_day(due.date));
        let at = due_instant.min(self.as_at.instant);
        let allocation = self
            .allocations
            .iter()
            .rev()
            .find(|a| a.from <= at && a.until.is_none_or(|e| e > at));
        let adviser = (role == StaffRole::PersonalAdviser)
            .then(|| {
                self.advisers
                    .iter()
                    .rev()
                    .find(|(from, _)| *from <= at)
                    .map(|(_, s)| s.clone())
            })
            .flatten();
        Owner {
            role,
            assigned: adviser.or_else(|| allocation.map(|a| a.assignment.clone())),
        }
    }

    /// An obligation for each action set in the record: due its own date (and the rule's
    /// grace after it), met when a meeting first finds it done, and owned by the member of
    /// staff it names, or the child's worker when it names someone outside the service.
    fn actions(&self, i: usize, spans: &[Span], out: &mut Output) -> Result<(), ()> {
        let rule = &self.ruleset.rules[i];
        let now = self.as_at.instant;
        let kinds: std::collections::HashMap<u64, &'static str> = self
            .record
            .log
            .iter()
            .map(|l| (l.mark.version, l.kind))
            .collect();
        let event = |m: hearth_domain::child::Mark| EventRef {
            version: m.version,
            kind: kinds.get(&m.version).copied().unwrap_or("actions_reviewed"),
            at: m.at,
        };
        let mut run = 0;
        for (number, action) in &self.record.practice.actions {
            if action.set.at > now {
                continue;
            }
            let Some(span) = spans.iter().find(|s| s.contains(action.set.at)).copied() else {
                continue;
            };
            run += 1;
            let mut steps = Vec::new();
            let due = period::after(
                rule.due,
                self.calendar,
                self.calendar.start_of_day(action.by),
                self.facts.date_of_birth,
                &mut steps,
            )
            .ok_or(())?;
            let ending = match (action.ended.filter(|m| m.at <= now), span.to) {
                (Some(e), to) if to.is_none_or(|t| e.at <= t) => {
                    Some(RunEnd::ActionEnded(event(e)))
                }
                (_, Some(to)) => Some(RunEnd::SpanEnd(to, span.closed_by)),
                (_, None) => None,
            };
            let satisfied = action
                .done()
                .filter(|m| m.at <= now && ending.as_ref().is_none_or(|e| m.at <= e.at()))
                .map(event);
            let occurrence = Occurrence {
                run,
                number: 1,
                clock: ClockStart::Action {
                    action: number.0,
                    set: event(action.set),
                    by: action.by,
                },
                period: rule.due,
                source: PeriodSource::First,
                direction: "after",
                due,
                steps,
                variation: None,
                notes: Vec::new(),
                origin: action.set.at,
            };
            self.settle(i, occurrence, satisfied, None, ending.as_ref(), out);
            // An action a member of staff holds is theirs, not the child's worker's.
            if let (Some(staff), Some(o)) = (action.who.staff(), out.obligations.last_mut()) {
                o.owner.assigned = Some(Arc::new(Assignment {
                    worker: staff.clone(),
                    team: None,
                }));
            }
        }
        Ok(())
    }

    /// Obligations counted back from meetings.
    fn before_meetings(
        &self,
        i: usize,
        spans: &[Span],
        kinds: &[hearth_domain::codes::MeetingKind],
        out: &mut Output,
    ) -> Result<(), ()> {
        let meetings = self.facts.meetings(kinds);
        let mut run = 0;
        for (n, m) in meetings.iter().enumerate() {
            let seen = m.booked.or(m.held).map_or(m.at, |e| e.at);
            let Some(span) = spans.iter().find(|s| s.contains(seen)).copied() else {
                continue;
            };
            run += 1;
            let rule = &self.ruleset.rules[i];
            let mut steps = Vec::new();
            let on = self.calendar.london_date(m.at);
            let due = Due::on(period::before(rule.due, self.calendar, on, &mut steps).ok_or(())?);
            let previous = meetings[..n]
                .iter()
                .rev()
                .find(|p| {
                    p.cancelled.is_none()
                        && p.rebooked.is_none()
                        && p.held_instead.is_none()
                        && p.at < m.at
                })
                .map(|p| p.at);
            let from = match previous {
                Some(p) if p > span.from => From::AfterEvent(p, u64::MAX),
                _ => From::AtOrAfter(span.from),
            };
            let clock = ClockStart::Meeting {
                meeting: m.kind,
                at: m.at,
                booked: m.booked,
                held: m.held,
            };
            // A booking cancelled, booked again or held on another day is over then, not at
            // its old time.
            let limit = [m.cancelled, m.rebooked, m.held_instead]
                .into_iter()
                .flatten()
                .fold(m.at.min(self.as_at.instant), |t, e| t.min(e.at));
            let satisfied = self.satisfaction(rule, &clock, from, limit);
            // Counted back past the start of the span (a conference days after the
            // referral), the deadline fell when nothing could be done to meet it.
            let unowed = (due.date < self.calendar.london_date(span.from)).then_some(Closed {
                at: span.from,
                ending: Ending::DueBeforeApplying,
                event: match span.opened_by {
                    Opening::Event(e) => Some(e),
                    Opening::Date(_) => None,
                },
            });
            let occurrence = Occurrence {
                run,
                number: 1,
                clock,
                period: rule.due,
                source: PeriodSource::First,
                direction: "before",
                due,
                steps,
                variation: None,
                notes: Vec::new(),
                origin: m.at,
            };
            self.settle_meeting(i, occurrence, satisfied, m, unowed, out);
        }
        Ok(())
    }

    fn settle_meeting(
        &self,
        i: usize,
        occ: Occurrence,
        satisfied: Option<EventRef>,
        m: &KnownMeeting,
        unowed: Option<Closed>,
        out: &mut Output,
    ) {
        let due = occ.due;
        if let Some(closed) = unowed {
            self.emit(i, occ, Status::NotApplicable, None, Some(closed), out);
            return;
        }
        let (status, closed) = if let Some(s) = satisfied {
            (self.met(due, s), None)
        } else if let Some(c) = m.cancelled {
            let closed = Closed {
                at: c.at,
                ending: Ending::MeetingCancelled,
                event: Some(c),
            };
            (Status::NotApplicable, Some(closed))
        } else if let Some(r) = m.rebooked {
            let closed = Closed {
                at: r.at,
                ending: Ending::MeetingRebooked,
                event: Some(r),
            };
            (Status::NotApplicable, Some(closed))
        } else if let Some(h) = m.held_instead {
            let closed = Closed {
                at: h.at,
                ending: Ending::MeetingHeldInstead,
                event: Some(h),
            };
            (Status::NotApplicable, Some(closed))
        } else if m.at <= self.as_at.instant {
            let closed = Closed {
                at: m.at,
                ending: Ending::MeetingHeld,
                event: m.held,
            };
            (self.overdue(due), Some(closed))
        } else {
            (self.pending(due), None)
        };
        self.emit(i, occ, status, satisfied, closed, out);
    }
}
