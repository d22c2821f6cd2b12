//! Obligations: what is due for a child under one rule, its status as at a date, and the
//! reasons for both. The serialised form is the stable JSON schema of `hearth standards
//! --format json`, documented in `docs/standards.md`.

use chrono::NaiveDate;
use hearth_domain::codes::{MeetingKind, StaffRole};
use hearth_domain::{ChildId, StaffId, TeamId, Timestamp};
use serde::Serialize;

use crate::calendar::DayOff;
use crate::period::{CalendarStep, Period};

/// The kind given to the recording of an event, when recording it is what meets a standard.
pub const RECORDED: &str = "recorded";

/// An event in the child's record, by its version in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EventRef {
    /// Its version in the child's stream.
    pub version: u64,
    /// Its kind.
    pub kind: &'static str,
    /// When it happened (for a recording, when it was recorded).
    pub at: Timestamp,
}

impl EventRef {
    fn describe(&self) -> String {
        if self.kind == RECORDED {
            return format!(
                "its recording on {} at {} (event {})",
                day(self.at.london_date()),
                self.at
                    .utc()
                    .with_timezone(&chrono_tz::Europe::London)
                    .format("%H:%M"),
                self.version
            );
        }
        format!(
            "{} on {} (event {})",
            self.kind.replace('_', " "),
            day(self.at.london_date()),
            self.version
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
        /// What the period is.
        applies: String,
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
}

impl ClockStart {
    /// The instant the clock starts (for a meeting, the meeting).
    pub fn at(&self) -> Timestamp {
        match self {
            ClockStart::PeriodStart { at, .. } | ClockStart::Meeting { at, .. } => *at,
            ClockStart::Event { event }
            | ClockStart::PreviousMet { event }
            | ClockStart::Chained { event, .. } => event.at,
        }
    }

    /// The event the clock starts from, if one.
    pub fn event(&self) -> Option<EventRef> {
        match self {
            ClockStart::PeriodStart { event, .. } => *event,
            ClockStart::Meeting { booked, held, .. } => held.or(*booked),
            ClockStart::Event { event }
            | ClockStart::PreviousMet { event }
            | ClockStart::Chained { event, .. } => Some(*event),
        }
    }

    fn describe(&self) -> String {
        match self {
            ClockStart::PeriodStart {
                at,
                event: Some(e),
                applies,
            } if e.at == *at => format!("The clock started when {applies}: {}.", e.describe()),
            ClockStart::PeriodStart { at, applies, .. } => format!(
                "The clock started on {}, when {applies}.",
                day(at.london_date())
            ),
            ClockStart::Event { event } => format!("The clock started with {}.", event.describe()),
            ClockStart::PreviousMet { event } => format!(
                "The clock runs on from {}, which met the previous occurrence.",
                event.describe()
            ),
            ClockStart::Chained { rule, event } => format!(
                "The clock started when `{rule}` was met by {}.",
                event.describe()
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

/// The timescale applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timescale {
    /// The period.
    pub period: Period,
    /// It in words ("10 working days").
    pub text: String,
    /// Where it came from.
    pub source: PeriodSource,
    /// `after` the clock start, or `before` a meeting.
    pub direction: &'static str,
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
    /// The rule stopped applying before the obligation fell due.
    NotApplicable {
        /// Why.
        reason: String,
    },
    /// An authorised variation changed the period; `outcome` is the status under it.
    Varied {
        /// The variation.
        variation: AppliedVariation,
        /// The status under the varied period.
        outcome: Box<Status>,
    },
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
            Status::NotApplicable { .. } => StatusKind::NotApplicable,
            Status::Varied { .. } => StatusKind::Varied,
        }
    }

    /// The status that counts for a to-do list: for a varied obligation, its outcome.
    pub fn outcome(&self) -> &Status {
        match self {
            Status::Varied { outcome, .. } => outcome.outcome(),
            s => s,
        }
    }

    fn describe(&self) -> String {
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
            Status::NotApplicable { reason } => format!("Not applicable: {reason}."),
            Status::Varied { variation, outcome } => format!(
                "Varied to {} by {} ({}) on {}: {} {}",
                variation.period,
                variation.authorised_by,
                variation.role.label().to_lowercase(),
                day(variation.event.at.london_date()),
                variation.reason,
                outcome.describe()
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

/// Who is responsible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Owner {
    /// The role responsible (after any escalation).
    pub role: StaffRole,
    /// The worker allocated to the child at the time (the personal adviser, for a personal
    /// adviser's obligation).
    pub allocated_worker: Option<StaffId>,
    /// The allocated worker's team.
    pub team: Option<TeamId>,
}

/// An escalation step in force for the obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Escalated {
    /// How long after the run of the clock started.
    pub after: Period,
    /// Who took it on.
    pub role: StaffRole,
    /// What they do.
    pub action: String,
}

/// Why a pending obligation's window closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Closed {
    /// When.
    pub at: Timestamp,
    /// Why, in words.
    pub why: String,
    /// The event that closed it, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<EventRef>,
}

/// The reasons behind an obligation's due date and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// When the rule applies, in words.
    pub applies: String,
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
    /// Anything else: variations not applied, interpretations of the source.
    pub notes: Vec<String>,
}

/// One obligation of one child under one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Obligation {
    /// The rule's id.
    pub rule: String,
    /// What has to be done.
    pub summary: String,
    /// The child.
    pub child: ChildId,
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
    #[serde(flatten)]
    pub status: Status,
    /// The reasons.
    pub explanation: Explanation,
    /// The reasons in a paragraph.
    pub text: String,
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
            DayOff::BankHoliday(name) => {
                format!("{} ({name})", d.date.format("%a %-d %b"))
            }
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

impl Obligation {
    /// The reasons in a paragraph of plain English.
    pub fn describe(&self) -> String {
        let e = &self.explanation;
        let mut text = e.clock.describe();
        let due = match self.due_at {
            Some(t) => format!(
                "{} ({} in England)",
                t,
                t.utc()
                    .with_timezone(&chrono_tz::Europe::London)
                    .format("%H:%M on %a %-d %b %Y")
            ),
            None => day(self.due_date),
        };
        let steps = describe_steps(&e.calendar);
        match e.timescale.period {
            Period::Age(age) => {
                text.push_str(&format!(" Due when the child is {age} old: {due}"));
            }
            _ => text.push_str(&format!(
                " {} {}: due {due}",
                capitalised(&e.timescale.text),
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
            && self.status.kind() != StatusKind::NotApplicable
        {
            text.push_str(&format!(" {}.", capitalised(&c.why)));
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
        text.push_str(&self.status.describe());
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
