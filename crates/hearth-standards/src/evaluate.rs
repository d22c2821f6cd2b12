//! Evaluation: a child's record, a ruleset, the calendar and an as-at instant in; the
//! obligations out. Pure: nothing is read but the arguments.
//!
//! For each rule, the record gives the spans of time in which it applies. Within each span
//! the clock starts (at the span's start, at events, at another rule's obligation being met,
//! or counting back from a meeting), the period gives a due date, and the first matching
//! event after the start meets it. A recurring rule then runs on from that event, so a run
//! is the chain of occurrences from one start until the next start, the end of the span, or
//! the as-at date.

use chrono::NaiveDate;
use hearth_domain::codes::StaffRole;
use hearth_domain::directory::Directory;
use hearth_domain::{ChildId, ChildRecord, Timestamp};

use crate::calendar::Calendar;
use crate::facts::{Fact, Facts, KnownMeeting, Opening, Span};
use crate::obligation::{
    AppliedVariation, ClockStart, Closed, Escalated, EventRef, Explanation, Obligation, Owner,
    PeriodSource, Status, Timescale,
};
use crate::period::{self, CalendarStep, Due, Period};
use crate::ruleset::{Matcher, Rule, Ruleset, Satisfaction, Start, Window};
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
    /// The obligations, rule by rule in the ruleset's order, then run and occurrence.
    pub obligations: Vec<Obligation>,
    /// How many obligations each rule produced, counted as they were made (indexed like
    /// `Ruleset::rules`), so that totals can be reconciled against the statuses.
    pub evaluated: Vec<u64>,
}

/// Evaluates one child's record. `staff` is used to check who authorised a variation.
pub fn evaluate(
    record: &ChildRecord,
    ruleset: &Ruleset,
    calendar: &Calendar,
    as_at: AsAt,
    staff: &dyn Directory,
) -> Result<ChildEvaluation, EvaluationError> {
    let facts = Facts::read(record, as_at.instant, &ruleset.needed);
    let mut engine = Engine {
        facts,
        ruleset,
        calendar,
        as_at,
        staff,
        chained: vec![Vec::new(); ruleset.rules.len()],
        out: vec![Vec::new(); ruleset.rules.len()],
        evaluated: vec![0; ruleset.rules.len()],
        every_when: Vec::new(),
        variable: None,
    };
    for &i in &ruleset.order {
        engine.rule(i).map_err(|()| EvaluationError {
            child: record.id.clone(),
            rule: ruleset.rules[i].id.clone(),
        })?;
    }
    Ok(ChildEvaluation {
        child: record.id.clone(),
        obligations: engine.out.into_iter().flatten().collect(),
        evaluated: engine.evaluated,
    })
}

/// Whether a child's case is open as at an instant: an open child in need episode, a
/// period of care, or a care leaver's support. These are the children a caseload holds.
pub fn is_open(record: &ChildRecord, as_at: AsAt) -> bool {
    let facts = Facts::read(record, as_at.instant, &[]);
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
            From::OnOrAfter(d) => f.event.at.london_date() >= d,
            From::AtOrAfter(t) => f.event.at >= t,
            From::AfterEvent(t, v) => (f.event.at, f.event.version) > (t, v),
        }
    }

    /// An instant no admitted event is before, to skip ahead in a sorted list.
    fn lower_bound(self) -> Timestamp {
        match self {
            From::OnOrAfter(d) => Timestamp::start_of_london_day(d),
            From::AtOrAfter(t) | From::AfterEvent(t, _) => t,
        }
    }
}

/// What ended the chance to meet an obligation before it was met.
#[derive(Debug, Clone)]
enum Ending {
    /// The span the rule applies in ended.
    SpanEnd(Timestamp, Option<EventRef>),
    /// The clock started again.
    Restart(ClockStart),
}

impl Ending {
    fn at(&self) -> Timestamp {
        match self {
            Ending::SpanEnd(t, _) => *t,
            Ending::Restart(c) => c.at(),
        }
    }
}

struct Engine<'a> {
    facts: Facts<'a>,
    ruleset: &'a Ruleset,
    calendar: &'a Calendar,
    as_at: AsAt,
    staff: &'a dyn Directory,
    /// Clock starts passed on to chained rules, by rule.
    chained: Vec<Vec<ClockStart>>,
    out: Vec<Vec<Obligation>>,
    evaluated: Vec<u64>,
    /// For the rule being evaluated: where each `repeat.every_when` condition holds.
    every_when: Vec<Vec<Span>>,
    /// For the rule being evaluated: where its variations may apply.
    variable: Option<Vec<Span>>,
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
    fn rule(&mut self, i: usize) -> Result<(), ()> {
        let rule = &self.ruleset.rules[i];
        let spans = match &rule.applies {
            Some(c) => self.facts.condition(c, self.calendar),
            None => self.facts.lifetime(),
        };
        self.every_when = rule.repeat.as_ref().map_or_else(Vec::new, |r| {
            r.every_when
                .iter()
                .map(|(c, _)| self.facts.condition(c, self.calendar))
                .collect()
        });
        self.variable = rule
            .variation
            .as_ref()
            .and_then(|v| v.requires.as_ref())
            .map(|c| self.facts.condition(c, self.calendar));
        let applies = rule.applies.as_ref().map_or_else(
            || "the child is known to the service".to_owned(),
            |c| c.describe(),
        );
        if let Start::BeforeMeeting(kinds) = &rule.start {
            return self.before_meetings(i, &spans, kinds, &applies);
        }
        let mut run = 0;
        for span in &spans {
            let starts = self.starts(i, span, &applies);
            for (n, start) in starts.iter().enumerate() {
                run += 1;
                // A recurring rule's run ends when its clock starts again; one-off
                // obligations from separate events stand alone.
                let restart = if rule.repeat.is_some() {
                    starts.get(n + 1).cloned()
                } else {
                    None
                };
                self.run(i, *span, start.clone(), restart, run, &applies)?;
            }
        }
        Ok(())
    }

    /// The clock starts of a rule within a span, in order.
    fn starts(&self, i: usize, span: &Span, applies: &str) -> Vec<ClockStart> {
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
                    applies: applies.to_owned(),
                }]
            }
            Start::Events(matchers) => {
                let mut events: Vec<EventRef> = Vec::new();
                for m in matchers {
                    let in_span = self
                        .candidates(m)
                        .filter(|(k, f)| m.matches(*k, f) && span.contains(f.event.at));
                    match m.nth {
                        Some(n) => events.extend(
                            in_span
                                .map(|(_, f)| f.event)
                                .nth(usize::try_from(n).unwrap_or(usize::MAX).saturating_sub(1)),
                        ),
                        None => events.extend(in_span.map(|(_, f)| f.event)),
                    }
                }
                events.sort_by_key(|e| (e.at, e.version));
                events.dedup_by_key(|e| e.version);
                events
                    .into_iter()
                    .map(|event| ClockStart::Event { event })
                    .collect()
            }
            Start::Chained => {
                let mut starts: Vec<ClockStart> = self.chained[i]
                    .iter()
                    .filter(|c| span.contains(c.at()))
                    .cloned()
                    .collect();
                starts.sort_by_key(|c| c.event().map(|e| (e.at, e.version)));
                starts
            }
            Start::BeforeMeeting(_) => Vec::new(),
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
    fn period_for(&self, rule: &Rule, k: usize, anchor: Timestamp) -> (Period, PeriodSource) {
        let Some(repeat) = &rule.repeat else {
            return (rule.due, PeriodSource::First);
        };
        if k == 0 {
            return (rule.due, PeriodSource::First);
        }
        if let Some(p) = repeat.then.get(k - 1) {
            return (*p, PeriodSource::Then);
        }
        for ((_, p), spans) in repeat.every_when.iter().zip(&self.every_when) {
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
    ) -> Option<AppliedVariation> {
        if rule.repeat.is_some() && k == 0 {
            return None;
        }
        let on = anchor.london_date();
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
                && asked.date() > at_most.date()
            {
                notes.push(refuse(format!(
                    "{varied} is longer than the {longest} allowed"
                )));
                return None;
            }
        }
        if let (Some(requires), Some(spans)) = (&policy.requires, &self.variable)
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
                let Start::Events(starts) = &rule.start else {
                    return None;
                };
                let fact = starts
                    .iter()
                    .flat_map(|m| self.facts.of(m.kind))
                    .find(|f| f.event.version == e.version)?;
                return (fact.recorded_at <= self.as_at.instant).then_some(EventRef {
                    version: e.version,
                    kind: crate::obligation::RECORDED,
                    at: fact.recorded_at,
                });
            }
            Satisfaction::Events(ms) => ms,
        };
        let own = clock.event().map(|e| e.version);
        let in_window =
            |f: &Fact| from.admits(f) && f.event.at <= limit && Some(f.event.version) != own;
        let mut best: Option<EventRef> = None;
        for m in matchers {
            let found = match m.audiences() {
                None => self
                    .after(m, from)
                    .find(|(k, f)| in_window(f) && m.matches(*k, f))
                    .map(|(_, f)| f.event),
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

    /// Candidate facts from a lower bound, skipping what is certainly too early.
    fn after<'m>(
        &'m self,
        m: &'m Matcher,
        from: From,
    ) -> impl Iterator<Item = (FactKind, &'m Fact)> {
        let lower = from.lower_bound();
        let main = self.facts.of(m.kind);
        let start = main.partition_point(|f| f.event.at < lower);
        let withheld: &[Fact] = if m.or_withheld {
            let w = self.facts.of(FactKind::DocumentWithheld);
            &w[w.partition_point(|f| f.event.at < lower)..]
        } else {
            &[]
        };
        let mut merged: Vec<(FactKind, &Fact)> = main[start..]
            .iter()
            .map(|f| (m.kind, f))
            .chain(withheld.iter().map(|f| (FactKind::DocumentWithheld, f)))
            .collect();
        if !withheld.is_empty() {
            merged.sort_by_key(|(_, f)| (f.event.at, f.event.version));
        }
        merged.into_iter()
    }

    /// The first event that voids a pending obligation, after its clock started.
    fn void(&self, rule: &Rule, clock: &ClockStart, limit: Timestamp) -> Option<EventRef> {
        let start = clock.at();
        rule.void_when
            .iter()
            .filter_map(|m| {
                self.after(m, From::AtOrAfter(start))
                    .find(|(k, f)| f.event.at <= limit && m.matches(*k, f))
                    .map(|(_, f)| f.event)
            })
            .min_by_key(|e| (e.at, e.version))
    }

    /// One run of a rule's clock: the first occurrence and, for a recurring rule, the
    /// occurrences that follow while each is met.
    fn run(
        &mut self,
        i: usize,
        span: Span,
        start: ClockStart,
        restart: Option<ClockStart>,
        run: u32,
        applies: &str,
    ) -> Result<(), ()> {
        let rule = &self.ruleset.rules[i];
        let ending = match (&restart, span.to) {
            (Some(r), _) => Some(Ending::Restart(r.clone())),
            (None, Some(to)) => Some(Ending::SpanEnd(to, span.closed_by)),
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
            let (mut period, mut source) = self.period_for(rule, k, anchor);
            let mut notes = Vec::new();
            let variation = self.variation(rule, k, anchor, &mut notes);
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
                (_, 0, Window::Period) => From::OnOrAfter(span.from.london_date()),
                _ if period.is_hours() => From::AtOrAfter(anchor),
                _ => From::OnOrAfter(anchor.london_date()),
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
            self.settle(i, occurrence, satisfied, voided, ending.as_ref(), applies);
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
        &mut self,
        i: usize,
        occ: Occurrence,
        satisfied: Option<EventRef>,
        voided: Option<EventRef>,
        ending: Option<&Ending>,
        applies: &str,
    ) {
        let as_at = self.as_at;
        let due = occ.due;
        let mut closed = None;
        let status = if let Some(s) = satisfied {
            if due.met_by(s.at) {
                Status::Met
            } else {
                Status::MetLate {
                    days_late: (s.at.london_date() - due.date()).num_days(),
                    hours_late: match due {
                        Due::At(t) => Some((s.at.utc() - t.utc()).num_hours().max(1)),
                        Due::Date(_) => None,
                    },
                }
            }
        } else if let Some(v) = voided {
            let reason = format!("{} made it no longer needed", describe_event(&v));
            closed = Some(Closed {
                at: v.at,
                why: reason.clone(),
                event: Some(v),
            });
            Status::NotApplicable { reason }
        } else if let Some(end) = ending.filter(|e| e.at() <= as_at.instant) {
            let (why, event) = match end {
                Ending::SpanEnd(_, Some(event)) => (
                    format!("it stopped applying with {}", describe_event(event)),
                    Some(*event),
                ),
                Ending::SpanEnd(at, None) => (
                    format!(
                        "it stopped applying on {}, when this no longer held: {applies}",
                        at.london_date().format("%-d %b %Y")
                    ),
                    None,
                ),
                Ending::Restart(c) => (
                    format!(
                        "the clock started again on {}",
                        c.at().london_date().format("%-d %b %Y")
                    ),
                    c.event(),
                ),
            };
            closed = Some(Closed {
                at: end.at(),
                why: why.clone(),
                event,
            });
            if due.passed_by(end.at()) {
                self.overdue(due)
            } else {
                Status::NotApplicable { reason: why }
            }
        } else {
            self.pending(due)
        };
        self.emit(i, occ, status, satisfied, closed, applies);
    }

    fn overdue(&self, due: Due) -> Status {
        Status::Overdue {
            days_overdue: (self.as_at.date - due.date()).num_days().max(0),
        }
    }

    /// The status of an obligation still open at the as-at instant.
    fn pending(&self, due: Due) -> Status {
        if due.passed_by(self.as_at.instant) {
            return self.overdue(due);
        }
        let window_opens = period::before(
            self.ruleset.due_soon,
            self.calendar,
            due.date(),
            &mut Vec::new(),
        );
        match window_opens {
            Some(d) if self.as_at.date >= d => Status::DueSoon,
            _ => Status::Upcoming,
        }
    }

    fn emit(
        &mut self,
        i: usize,
        occ: Occurrence,
        status: Status,
        satisfied: Option<EventRef>,
        closed: Option<Closed>,
        applies: &str,
    ) {
        let rule = &self.ruleset.rules[i];
        let escalation = self.escalation(rule, occ.origin, occ.due);
        let owner = self.owner(escalation.as_ref().map_or(rule.owner, |e| e.role), occ.due);
        let status = match occ.variation {
            Some(variation) => Status::Varied {
                variation,
                outcome: Box::new(status),
            },
            None => status,
        };
        let mut notes = occ.notes;
        if rule.interpreted
            && let Some(n) = &rule.note
        {
            notes.push(format!("How the source was read: {n}"));
        }
        let mut obligation = Obligation {
            rule: rule.id.clone(),
            summary: rule.summary.clone(),
            child: self.facts.record.id.clone(),
            run: occ.run,
            occurrence: occ.number,
            owner,
            escalation,
            due_date: occ.due.date(),
            due_at: match occ.due {
                Due::At(t) => Some(t),
                Due::Date(_) => None,
            },
            status,
            explanation: Explanation {
                applies: applies.to_owned(),
                clock: occ.clock,
                timescale: Timescale {
                    period: occ.period,
                    text: occ.period.to_string(),
                    source: occ.source,
                    direction: occ.direction,
                },
                calendar: occ.steps,
                satisfied_by: satisfied,
                closed,
                notes,
            },
            text: String::new(),
        };
        obligation.text = obligation.describe();
        self.evaluated[i] += 1;
        if let (Some(next), Some(s)) = (rule.chain_to, satisfied) {
            self.chained[next].push(ClockStart::Chained {
                rule: rule.id.clone(),
                event: s,
            });
        }
        self.out[i].push(obligation);
    }

    /// The escalation step in force when an obligation falls due.
    fn escalation(&self, rule: &Rule, origin: Timestamp, due: Due) -> Option<Escalated> {
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
            let in_force = match (reached, due) {
                (Due::At(a), Due::At(b)) => a <= b,
                (a, b) => a.date() <= b.date(),
            };
            if in_force {
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
        let due_instant = match due {
            Due::At(t) => t,
            Due::Date(d) => Timestamp::start_of_london_day(d),
        };
        let at = due_instant.min(self.as_at.instant);
        let record = self.facts.record;
        let allocation = record
            .allocations
            .iter()
            .rev()
            .find(|a| a.mark.at <= at && a.ended.is_none_or(|e| e.at > at));
        let adviser = (role == StaffRole::PersonalAdviser)
            .then(|| {
                record
                    .care_leaver
                    .advisers
                    .iter()
                    .rev()
                    .find(|(m, _)| m.at <= at)
                    .map(|(_, s)| s.clone())
            })
            .flatten();
        Owner {
            role,
            allocated_worker: adviser.or_else(|| allocation.map(|a| a.worker.clone())),
            team: allocation.map(|a| a.team.clone()),
        }
    }

    /// Obligations counted back from meetings.
    fn before_meetings(
        &mut self,
        i: usize,
        spans: &[Span],
        kinds: &[hearth_domain::codes::MeetingKind],
        applies: &str,
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
            let due = Due::Date(
                period::before(rule.due, self.calendar, m.at.london_date(), &mut steps).ok_or(())?,
            );
            let previous = meetings[..n]
                .iter()
                .rev()
                .find(|p| p.cancelled.is_none() && p.rebooked.is_none() && p.at < m.at)
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
            let limit = m.at.min(self.as_at.instant);
            let satisfied = self.satisfaction(rule, &clock, from, limit);
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
            self.settle_meeting(i, occurrence, satisfied, m, applies);
        }
        Ok(())
    }

    fn settle_meeting(
        &mut self,
        i: usize,
        occ: Occurrence,
        satisfied: Option<EventRef>,
        m: &KnownMeeting,
        applies: &str,
    ) {
        let due = occ.due;
        let mut closed = None;
        let status = if let Some(s) = satisfied {
            if due.met_by(s.at) {
                Status::Met
            } else {
                Status::MetLate {
                    days_late: (s.at.london_date() - due.date()).num_days(),
                    hours_late: None,
                }
            }
        } else if let Some(c) = m.cancelled {
            let reason = format!(
                "the meeting was cancelled on {}",
                c.at.london_date().format("%-d %b %Y")
            );
            closed = Some(Closed {
                at: c.at,
                why: reason.clone(),
                event: Some(c),
            });
            Status::NotApplicable { reason }
        } else if let Some(r) = m.rebooked {
            let reason = format!(
                "the meeting was booked for another time on {}",
                r.at.london_date().format("%-d %b %Y")
            );
            closed = Some(Closed {
                at: r.at,
                why: reason.clone(),
                event: Some(r),
            });
            Status::NotApplicable { reason }
        } else if m.at <= self.as_at.instant {
            closed = Some(Closed {
                at: m.at,
                why: "the meeting took place".to_owned(),
                event: m.held,
            });
            self.overdue(due)
        } else {
            self.pending(due)
        };
        self.emit(i, occ, status, satisfied, closed, applies);
    }
}

fn describe_event(e: &EventRef) -> String {
    format!(
        "{} on {} (event {})",
        e.kind.replace('_', " "),
        e.at.london_date().format("%-d %b %Y"),
        e.version
    )
}
