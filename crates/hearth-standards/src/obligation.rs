//! Obligations: what is due for a child under one rule, its status as at a date, and the
//! reasons for both. The serialised form is the stable JSON schema of `hearth standards
//! --format json`, documented in `docs/standards.md`.
//!
//! Evaluation makes many obligations, so they hold structured reasons and shared text; the
//! words are written only when an obligation is described or serialised.

use std::sync::Arc;

use chrono::NaiveDate;
use hearth_domain::codes::{MeetingKind, StaffRole};
use hearth_domain::{ChildId, StaffId, TeamId, Timestamp};
use serde::Serialize;

use crate::calendar::DayOff;
use crate::period::{CalendarStep, Period};

/// A rule's words, shared by all its obligations rather than copied into each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleText {
    /// The rule's id.
    pub id: String,
    /// What has to be done.
    pub summary: String,
    /// When the rule applies.
    pub applies: String,
    /// How the ruleset read its source, for an interpreted rule.
    pub reading: Option<String>,
}

/// A worker and their team, shared by every obligation of theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The worker.
    pub worker: StaffId,
    /// Their team, for an allocated worker.
    pub team: Option<TeamId>,
}

/// The kind given to the recording of an event, when recording it is what meets a standard.
pub const RECORDED: &str = "recorded";

/// An event in the child's record, by its version in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EventRef {
    /// Its version in the child's stream.
    pub version: u64,
    /// Its kind (`recorded` for the recording of the event itself).
    pub kind: &'static str,
    /// When it happened (for a recording, when it was recorded).
    pub at: Timestamp,
}

impl EventRef {
    fn describe(&self) -> String {
        if self.kind == RECORDED {
            return format!(
                "its recording on {} at {}",
                day(self.at.london_date()),
                self.at
                    .utc()
                    .with_timezone(&chrono_tz::Europe::London)
                    .format("%H:%M"),
            );
        }
        // The event's version stays in the structured reason; in words, its kind and day.
        format!(
            "{} on {}",
            hearth_domain::words::kind(self.kind),
            day(self.at.london_date()),
        )
    }
}

fn day(d: NaiveDate) -> String {
    d.format("%a %-d %b %Y").to_string()
}

/// What started an obligation's clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "cause", rename_all = "snake_case")]
pub enum ClockStart {
    /// The start of a period in which the rule applies.
    PeriodStart {
        /// The instant it started.
        at: Timestamp,
        /// The event that began it, if an event did.
        #[serde(skip_serializing_if = "Option::is_none")]
        event: Option<EventRef>,
    },
    /// An event the rule starts from.
    Event {
        /// The event.
        event: EventRef,
    },
    /// The event that met the previous occurrence of a recurring obligation.
    PreviousMet {
        /// The event.
        event: EventRef,
    },
    /// Another rule's obligation was met, and this rule follows it.
    Chained {
        /// The rule that was met.
        rule: String,
        /// The event that met it.
        event: EventRef,
    },
    /// A meeting, counted back from.
    Meeting {
        /// Which meeting.
        meeting: MeetingKind,
        /// When it is, or was, to take place.
        at: Timestamp,
        /// The booking, if it was booked.
        #[serde(skip_serializing_if = "Option::is_none")]
        booked: Option<EventRef>,
        /// The event that recorded it being held.
        #[serde(skip_serializing_if = "Option::is_none")]
        held: Option<EventRef>,
    },
    /// An action was set, to be done by a date.
    Action {
        /// The action's number in the child's record.
        action: u32,
        /// The entry that set it (a strategy discussion's record, a plan, a meeting's review
        /// of a plan, an allocation record).
        set: EventRef,
        /// The date it is to be done by.
        by: NaiveDate,
    },
}

impl ClockStart {
    /// The instant the clock starts (for a meeting, the meeting).
    pub fn at(&self) -> Timestamp {
        match self {
            ClockStart::PeriodStart { at, .. } | ClockStart::Meeting { at, .. } => *at,
            ClockStart::Event { event }
            | ClockStart::PreviousMet { event }
            | ClockStart::Chained { event, .. }
            | ClockStart::Action { set: event, .. } => event.at,
        }
    }

    /// The event the clock starts from, if one.
    pub fn event(&self) -> Option<EventRef> {
        match self {
            ClockStart::PeriodStart { event, .. } => *event,
            ClockStart::Meeting { booked, held, .. } => held.or(*booked),
            ClockStart::Event { event }
            | ClockStart::PreviousMet { event }
            | ClockStart::Chained { event, .. }
            | ClockStart::Action { set: event, .. } => Some(*event),
        }
    }

    fn describe(&self, applies: &str) -> String {
        match self {
            ClockStart::PeriodStart { at, event: Some(e) } if e.at == *at => {
                format!("The clock started when {applies}: {}.", e.describe())
            }
            ClockStart::PeriodStart { at, .. } => format!(
                "The clock started on {}, when {applies}.",
                day(at.london_date())
            ),
            ClockStart::Event { event } => format!("The clock started with {}.", event.describe()),
            ClockStart::PreviousMet { event } => format!(
                "The clock runs on from {}, which met the previous occurrence.",
                event.describe()
            ),
            ClockStart::Chained { rule, event } => format!(
                "The clock started when the standard {rule} was met by {}.",
                event.describe()
            ),
            ClockStart::Action { action, set, by } => format!(
                "Action {action} was set with {}, to be done by {}; the time counts from that date.",
                set.describe(),
                day(*by)
            ),
            ClockStart::Meeting {
                meeting,
                at,
                booked,
                held,
            } => {
                let how = match (held, booked) {
                    (Some(h), _) => format!(", held: {}", h.describe()),
                    (None, Some(b)) => format!(", booked: {}", b.describe()),
                    (None, None) => String::new(),
                };
                format!(
                    "Counted back from the {} on {}{how}.",
                    meeting.label().to_lowercase(),
                    day(at.london_date())
                )
            }
        }
    }
}

/// Which period the obligation was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodSource {
    /// The rule's first period (`due`).
    First,
    /// One of the rule's `repeat.then` periods.
    Then,
    /// The rule's `repeat.every`.
    Every,
    /// A `repeat.every_when` period, because its condition held.
    EveryWhen,
    /// An authorised variation.
    Variation,
}

/// The timescale applied. Serialised, it also has the period in words (`text`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timescale {
    /// The period.
    pub period: Period,
    /// Where it came from.
    pub source: PeriodSource,
    /// `after` the clock start, or `before` a meeting.
    pub direction: &'static str,
}

impl Serialize for Timescale {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Out<'a> {
            period: &'a Period,
            text: String,
            source: PeriodSource,
            direction: &'static str,
        }
        Out {
            period: &self.period,
            text: self.period.to_string(),
            source: self.source,
            direction: self.direction,
        }
        .serialize(s)
    }
}

/// A variation that changed an obligation's period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedVariation {
    /// The `obligation_varied` event.
    pub event: EventRef,
    /// Who authorised it.
    pub authorised_by: StaffId,
    /// Their role.
    pub role: StaffRole,
    /// Why.
    pub reason: String,
    /// The period it set.
    pub period: Period,
    /// The last day it applies, if limited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

/// A varied obligation: the variation, and the status under the varied period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Varied {
    /// The variation.
    pub variation: AppliedVariation,
    /// The status under the varied period.
    pub outcome: Status,
}

/// An obligation's status as at the evaluation date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// Not yet due, and not yet within the due-soon window.
    Upcoming,
    /// Within the due-soon window.
    DueSoon,
    /// Past due and not met: still open, or the time to meet it has gone.
    Overdue {
        /// Calendar days from the due date to the evaluation date.
        days_overdue: i64,
    },
    /// Met on time.
    Met,
    /// Met after the due date.
    MetLate {
        /// Calendar days late.
        days_late: i64,
        /// Hours late, for timescales in hours.
        #[serde(skip_serializing_if = "Option::is_none")]
        hours_late: Option<i64>,
    },
    /// The rule stopped applying before the obligation fell due; the explanation's
    /// `closed` says why.
    NotApplicable,
    /// An authorised variation changed the period.
    Varied(Box<Varied>),
}

/// The status without its details, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusKind {
    /// Upcoming.
    Upcoming,
    /// Due soon.
    DueSoon,
    /// Overdue.
    Overdue,
    /// Met on time.
    Met,
    /// Met late.
    MetLate,
    /// Not applicable.
    NotApplicable,
    /// Varied.
    Varied,
}

impl StatusKind {
    /// The name used in JSON.
    pub const fn name(self) -> &'static str {
        match self {
            StatusKind::Upcoming => "upcoming",
            StatusKind::DueSoon => "due_soon",
            StatusKind::Overdue => "overdue",
            StatusKind::Met => "met",
            StatusKind::MetLate => "met_late",
            StatusKind::NotApplicable => "not_applicable",
            StatusKind::Varied => "varied",
        }
    }
}

impl Status {
    /// The kind of status.
    pub fn kind(&self) -> StatusKind {
        match self {
            Status::Upcoming => StatusKind::Upcoming,
            Status::DueSoon => StatusKind::DueSoon,
            Status::Overdue { .. } => StatusKind::Overdue,
            Status::Met => StatusKind::Met,
            Status::MetLate { .. } => StatusKind::MetLate,
            Status::NotApplicable => StatusKind::NotApplicable,
            Status::Varied(_) => StatusKind::Varied,
        }
    }

    /// The status that counts for a to-do list: for a varied obligation, its outcome.
    pub fn outcome(&self) -> &Status {
        match self {
            Status::Varied(v) => v.outcome.outcome(),
            s => s,
        }
    }

    fn describe(&self, closed: Option<&Closed>) -> String {
        match self {
            Status::Upcoming => "Upcoming.".to_owned(),
            Status::DueSoon => "Due soon.".to_owned(),
            Status::Overdue { days_overdue } => format!("Overdue by {}.", days(*days_overdue)),
            Status::Met => "Met on time.".to_owned(),
            Status::MetLate {
                days_late,
                hours_late: Some(h),
            } => format!("Met late, by {} ({h} hours).", days(*days_late)),
            Status::MetLate { days_late, .. } => format!("Met late, by {}.", days(*days_late)),
            Status::NotApplicable => format!(
                "Not applicable: {}.",
                closed.map_or_else(|| "it no longer applies".to_owned(), Closed::why)
            ),
            Status::Varied(v) => format!(
                "Varied to {} by {} ({}) on {}: {} {}",
                v.variation.period,
                v.variation.authorised_by,
                v.variation.role.label().to_lowercase(),
                day(v.variation.event.at.london_date()),
                v.variation.reason,
                v.outcome.describe(closed)
            ),
        }
    }
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

/// Who is responsible. Serialised as the role, the allocated worker and their team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// The role responsible (after any escalation).
    pub role: StaffRole,
    /// The worker allocated to the child at the time (the personal adviser, for a personal
    /// adviser's obligation), with their team.
    pub assigned: Option<Arc<Assignment>>,
}

impl Owner {
    /// The worker allocated to the child at the time.
    pub fn allocated_worker(&self) -> Option<&StaffId> {
        self.assigned.as_deref().map(|a| &a.worker)
    }

    /// The allocated worker's team.
    pub fn team(&self) -> Option<&TeamId> {
        self.assigned.as_deref().and_then(|a| a.team.as_ref())
    }
}

impl Serialize for Owner {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Out<'a> {
            role: StaffRole,
            allocated_worker: Option<&'a StaffId>,
            team: Option<&'a TeamId>,
        }
        Out {
            role: self.role,
            allocated_worker: self.allocated_worker(),
            team: self.team(),
        }
        .serialize(s)
    }
}

/// An escalation step in force for the obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Escalated {
    /// How long after the run of the clock started.
    pub after: Period,
    /// Who took it on.
    pub role: StaffRole,
    /// What they do.
    pub action: Arc<str>,
}

/// Why the chance to meet an obligation ended before it was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// The period in which the rule applies ended.
    StoppedApplying,
    /// The rule's clock started again.
    Restarted,
    /// An event made it no longer needed.
    Voided,
    /// The meeting it counted back from was cancelled.
    MeetingCancelled,
    /// The meeting was booked again for another time.
    MeetingRebooked,
    /// The meeting it counted back from took place, or its booked time passed.
    MeetingHeld,
    /// The meeting was held on another day, before the time it was booked for.
    MeetingHeldInstead,
    /// Counted back from the meeting, it fell due before the rule applied (a conference
    /// within days of the referral): it could never have been met.
    DueBeforeApplying,
    /// The action was ended without being done (a meeting found it no longer needed).
    ActionEnded,
}

/// When and why the chance to meet an obligation ended. Serialised, it also has the reason
/// in words (`why`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed {
    /// When.
    pub at: Timestamp,
    /// Why.
    pub ending: Ending,
    /// The event that ended it, if one.
    pub event: Option<EventRef>,
}

impl Closed {
    /// The reason in words.
    pub fn why(&self) -> String {
        let on = self.at.london_date().format("%-d %b %Y");
        match (self.ending, self.event) {
            (Ending::StoppedApplying, Some(e)) => {
                format!("it stopped applying with {}", e.describe())
            }
            (Ending::StoppedApplying, None) => format!("it stopped applying on {on}"),
            (Ending::Restarted, Some(e)) => {
                format!("the clock started again with {}", e.describe())
            }
            (Ending::Restarted, None) => format!("the clock started again on {on}"),
            (Ending::Voided, Some(e)) => format!("{} made it no longer needed", e.describe()),
            (Ending::Voided, None) => format!("it was no longer needed from {on}"),
            (Ending::MeetingCancelled, _) => format!("the meeting was cancelled on {on}"),
            (Ending::MeetingRebooked, _) => {
                format!("the meeting was booked for another time on {on}")
            }
            (Ending::MeetingHeld, Some(_)) => "the meeting took place".to_owned(),
            (Ending::MeetingHeld, None) => {
                format!("the time booked for the meeting passed on {on}")
            }
            (Ending::MeetingHeldInstead, Some(e)) => {
                format!(
                    "the meeting was held on another day instead: {}",
                    e.describe()
                )
            }
            (Ending::MeetingHeldInstead, None) => {
                format!("the meeting was held on another day instead, on {on}")
            }
            (Ending::DueBeforeApplying, Some(e)) => format!(
                "it fell due before the standard applied, which was from {}",
                e.describe()
            ),
            (Ending::ActionEnded, Some(e)) => {
                format!("the action was ended by {}", e.describe())
            }
            (Ending::ActionEnded, None) => format!("the action was ended on {on}"),
            (Ending::DueBeforeApplying, None) => {
                format!("it fell due before the standard applied, which was from {on}")
            }
        }
    }
}

impl Serialize for Closed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Out<'a> {
            at: Timestamp,
            ending: Ending,
            why: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            event: &'a Option<EventRef>,
        }
        Out {
            at: self.at,
            ending: self.ending,
            why: self.why(),
            event: &self.event,
        }
        .serialize(s)
    }
}

/// The reasons behind an obligation's due date and status. Serialised within an
/// obligation, it also says when the rule applies and how its source was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// What started the clock.
    pub clock: ClockStart,
    /// The timescale used.
    pub timescale: Timescale,
    /// Calendar steps taken to reach the due date.
    pub calendar: Vec<CalendarStep>,
    /// The event that met it.
    pub satisfied_by: Option<EventRef>,
    /// When the chance to meet it ended without it being met, and why.
    pub closed: Option<Closed>,
    /// Anything else, such as a variation that was not applied, and why.
    pub notes: Vec<String>,
}

/// One obligation of one child under one rule.
///
/// Serialised, it is one object of the JSON schema in `docs/standards.md`, with the reasons
/// also written out as a paragraph (`text`), made only when it is serialised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Obligation {
    /// The rule: its id, what has to be done, and when it applies.
    pub rule: Arc<RuleText>,
    /// The child.
    pub child: Arc<ChildId>,
    /// Which run of the rule's clock, from 1 (a new plan, placement or event starts a run).
    pub run: u32,
    /// Which occurrence within the run, from 1.
    pub occurrence: u32,
    /// Who is responsible.
    pub owner: Owner,
    /// The escalation step in force, if any.
    pub escalation: Option<Escalated>,
    /// The day it is due by (for timescales in hours, the day of `due_at`).
    pub due_date: NaiveDate,
    /// The instant it is due by, for timescales in hours.
    pub due_at: Option<Timestamp>,
    /// Its status as at the evaluation date.
    pub status: Status,
    /// The reasons.
    pub explanation: Explanation,
}

impl Serialize for Obligation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Why<'a> {
            applies: &'a str,
            clock: &'a ClockStart,
            timescale: &'a Timescale,
            calendar: &'a [CalendarStep],
            satisfied_by: Option<EventRef>,
            closed: Option<Closed>,
            reading: Option<&'a str>,
            notes: &'a [String],
        }
        #[derive(Serialize)]
        struct Out<'a> {
            rule: &'a str,
            summary: &'a str,
            child: &'a ChildId,
            run: u32,
            occurrence: u32,
            owner: &'a Owner,
            escalation: &'a Option<Escalated>,
            due_date: NaiveDate,
            due_at: Option<Timestamp>,
            #[serde(flatten)]
            status: &'a Status,
            #[serde(skip_serializing_if = "Option::is_none")]
            reason: Option<String>,
            explanation: Why<'a>,
            text: String,
        }
        let e = &self.explanation;
        let not_applicable = self.status.outcome().kind() == StatusKind::NotApplicable;
        Out {
            rule: &self.rule.id,
            summary: &self.rule.summary,
            child: &self.child,
            run: self.run,
            occurrence: self.occurrence,
            owner: &self.owner,
            escalation: &self.escalation,
            due_date: self.due_date,
            due_at: self.due_at,
            status: &self.status,
            reason: self
                .explanation
                .closed
                .filter(|_| not_applicable)
                .map(|c| c.why()),
            explanation: Why {
                applies: &self.rule.applies,
                clock: &e.clock,
                timescale: &e.timescale,
                calendar: &e.calendar,
                satisfied_by: e.satisfied_by,
                closed: e.closed,
                reading: self.rule.reading.as_deref(),
                notes: &e.notes,
            },
            text: self.describe(),
        }
        .serialize(s)
    }
}

fn describe_steps(steps: &[CalendarStep]) -> String {
    let mut parts = Vec::new();
    let mut days_off: Vec<_> = steps
        .iter()
        .filter_map(|s| match s {
            CalendarStep::Skipped(d) => Some(*d),
            _ => None,
        })
        .collect();
    days_off.sort_by_key(|d| d.date);
    let skipped: Vec<String> = days_off
        .iter()
        .map(|d| match d.why {
            DayOff::Weekend => d.date.format("%a %-d %b").to_string(),
            DayOff::BankHoliday(name) => format!("{} ({name})", d.date.format("%a %-d %b")),
        })
        .collect();
    if !skipped.is_empty() {
        parts.push(format!("passing over {}", skipped.join(", ")));
    }
    for s in steps {
        match s {
            CalendarStep::MonthEnd { wanted_day, used } => parts.push(format!(
                "there is no day {wanted_day} that month, so the last day, {}",
                day(*used)
            )),
            CalendarStep::ClockChange {
                from_offset_hours,
                to_offset_hours,
            } => parts.push(format!(
                "the clocks changed (UTC{from_offset_hours:+} to UTC{to_offset_hours:+}), and hours count elapsed time"
            )),
            CalendarStep::AgeReached { on, .. } => {
                parts.push(format!("the child reaches the age on {}", day(*on)))
            }
            CalendarStep::AlreadyPassed { would_have_been } => parts.push(format!(
                "that day ({}) had passed when the clock started, so it was due at once",
                day(*would_have_been)
            )),
            CalendarStep::Skipped(_) => {}
        }
    }
    parts.join("; ")
}

/// An obligation that fell due and was not met before the chance to meet it ended (the plan
/// ended, the meeting took place without it, the clock started again): a missed item, which
/// can no longer be done and so is listed apart from the work still to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missed<'a> {
    /// The rule: its id and what had to be done.
    pub rule: &'a RuleText,
    /// The day it was due by.
    pub due_date: NaiveDate,
    /// The instant it was due by, for timescales in hours.
    pub due_at: Option<Timestamp>,
    /// When and why the chance to meet it ended.
    pub closed: Closed,
}

impl Missed<'_> {
    /// Why it was missed, in a sentence.
    pub fn reason(&self) -> String {
        let due = match self.due_at {
            Some(t) => t
                .utc()
                .with_timezone(&chrono_tz::Europe::London)
                .format("%H:%M on %a %-d %b %Y")
                .to_string(),
            None => day(self.due_date),
        };
        format!("Not done by {due}, and then {}.", self.closed.why())
    }
}

impl Obligation {
    /// Whether it was missed: overdue (for a varied obligation, under the varied period)
    /// when the chance to meet it ended.
    pub fn is_missed(&self) -> bool {
        self.missed().is_some()
    }

    /// The obligation as a missed item, if it was missed.
    pub fn missed(&self) -> Option<Missed<'_>> {
        let closed = self.explanation.closed?;
        matches!(self.status.outcome(), Status::Overdue { .. }).then(|| Missed {
            rule: &self.rule,
            due_date: self.due_date,
            due_at: self.due_at,
            closed,
        })
    }

    /// The reasons in a paragraph of plain English.
    pub fn describe(&self) -> String {
        let e = &self.explanation;
        let mut text = e.clock.describe(&self.rule.applies);
        let due = match self.due_at {
            Some(t) => t
                .utc()
                .with_timezone(&chrono_tz::Europe::London)
                .format("%H:%M on %a %-d %b %Y")
                .to_string(),
            None => day(self.due_date),
        };
        let steps = describe_steps(&e.calendar);
        match e.timescale.period {
            Period::Age(age) => {
                text.push_str(&format!(" Due when the child is {age} old: {due}"));
            }
            period => text.push_str(&format!(
                " {} {}: due {due}",
                capitalised(&period.to_string()),
                e.timescale.direction
            )),
        }
        if !steps.is_empty() {
            text.push_str(&format!(", {steps}"));
        }
        text.push('.');
        if let Some(s) = e.satisfied_by {
            text.push_str(&format!(" Met by {}.", s.describe()));
        }
        if let Some(c) = &e.closed
            && self.status.outcome().kind() != StatusKind::NotApplicable
        {
            text.push_str(&format!(" {}.", capitalised(&c.why())));
        }
        if let Some(x) = &self.escalation {
            text.push_str(&format!(
                " Escalated after {}: {} {}.",
                x.after,
                x.role.label().to_lowercase(),
                x.action
            ));
        }
        text.push(' ');
        text.push_str(&self.status.describe(e.closed.as_ref()));
        if let Some(r) = &self.rule.reading {
            text.push_str(&format!(" How the source was read: {r}"));
        }
        for n in &e.notes {
            text.push(' ');
            text.push_str(n);
        }
        text
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
