//! Turning a family's plans into events: who records what, when, and how late.
//!
//! A child's case is realised by journey, each in a module of its own (the front door and
//! episode of need, child protection, child in need, care, health, missing episodes,
//! adoption, care leavers, recording), all working on one [`Case`]: the generator, the
//! child, the events so far and who held the case. `attribute` then dates and attributes
//! every event.

mod adoption;
mod attribute;
mod care;
mod care_leaver;
mod child_in_need;
mod content;
mod health;
mod missing;
mod protection;
mod recording;
mod referral;

use chrono::{Days, NaiveDate};
use hearth_domain::Timestamp;
use hearth_domain::child::ChildEvent;
use hearth_domain::codes::*;
use hearth_domain::event::Recorded;
use hearth_domain::values::Text;

use crate::calendar::{
    at_time, next_working_day, previous_working_day, working_days_after, working_days_before,
};
use crate::data::DataError;
use crate::journey::{Child, Gen};
use crate::rng::Rng;
use crate::world::plus_months;

/// Who records an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Who {
    /// The allocated worker (or the duty worker before allocation).
    Worker,
    /// The manager of the allocated worker's team.
    Manager,
    /// The child's reviewing officer.
    Reviewer,
    /// The child's personal adviser.
    Adviser,
    /// A head of service.
    HeadOfService,
}

/// An event before it is attributed and dated for recording.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub at: Timestamp,
    pub seq: u32,
    pub who: Who,
    pub event: ChildEvent,
    /// Practice records (visits, notes) that may simply not be recorded yet at the as-at
    /// date; decisions and legal facts are always recorded.
    pub routine: bool,
}

/// A stretch of time a post held the child's case.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Held {
    pub post: usize,
    pub from: Timestamp,
    pub until: Timestamp,
}

fn plus(t: Timestamp, micros: i64) -> Timestamp {
    t.plus_micros(micros).unwrap_or(t)
}

const HOUR: i64 = 3_600_000_000;
const DAY: i64 = 24 * HOUR;

fn err(m: impl std::fmt::Display) -> DataError {
    DataError::Invalid {
        file: "generated".into(),
        message: m.to_string(),
    }
}

pub(crate) fn text(s: &str) -> Result<Text, DataError> {
    Text::parse(s).map_err(err)
}

/// Events of one child being built.
pub(crate) struct Builder {
    pub items: Vec<Item>,
    seq: u32,
    /// When the child's latest early help assessment ends (one at a time).
    pub early_help_until: Option<Timestamp>,
}

impl Builder {
    pub fn new() -> Self {
        Self {
            items: Vec::new(),
            seq: 0,
            early_help_until: None,
        }
    }

    pub fn push(&mut self, at: Timestamp, who: Who, event: ChildEvent) {
        self.seq += 1;
        self.items.push(Item {
            at,
            seq: self.seq,
            who,
            event,
            routine: false,
        });
    }

    pub fn routine(&mut self, at: Timestamp, who: Who, event: ChildEvent) {
        self.seq += 1;
        self.items.push(Item {
            at,
            seq: self.seq,
            who,
            event,
            routine: true,
        });
    }
}

/// A timescale, counted as the standards engine counts it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Every {
    Days(u32),
    WorkingDays(u32),
    Months(u32),
}

impl Every {
    /// The due date this long after `date`.
    pub(crate) fn after(self, date: NaiveDate) -> NaiveDate {
        match self {
            Every::Days(n) => date + Days::new(u64::from(n)),
            Every::WorkingDays(n) => working_days_after(date, n),
            Every::Months(n) => plus_months(date, n),
        }
    }

    /// The date this long before `date`.
    pub(crate) fn before(self, date: NaiveDate) -> NaiveDate {
        match self {
            Every::Days(n) => date - Days::new(u64::from(n)),
            Every::WorkingDays(n) => working_days_before(date, n),
            Every::Months(n) => date
                .checked_sub_months(chrono::Months::new(n))
                .unwrap_or(date),
        }
    }

    /// Roughly how many calendar days it lasts.
    fn length(self) -> u64 {
        u64::from(match self {
            Every::Days(n) => n,
            Every::WorkingDays(n) => n * 7 / 5,
            Every::Months(n) => n * 30,
        })
        .max(1)
    }
}

/// A working day on which something due on `due` is done: on time (on the due date or a
/// little before it, but after `after`) with probability `on_time`, otherwise late by up to
/// about half the period again.
pub(crate) fn day_for(
    rng: &mut Rng,
    due: NaiveDate,
    after: NaiveDate,
    period: Every,
    on_time: f64,
) -> NaiveDate {
    let len = period.length();
    if rng.chance(on_time) {
        let early = rng.below(len * 3 / 10 + 1);
        let day = previous_working_day(due - Days::new(early));
        if day > after {
            return day;
        }
        // No working day in the window: the first one after the start.
        return next_working_day(after + Days::new(1));
    }
    next_working_day(due + Days::new(1 + rng.below(len * 6 / 10 + 1)))
}

/// A working day to do something due `lead` before a meeting on `meeting`, and after
/// `since` (the last meeting, or the start of the plan): on time with probability
/// `on_time`, otherwise between the deadline and the meeting (on its day at the latest).
pub(crate) fn day_before(
    rng: &mut Rng,
    meeting: NaiveDate,
    since: NaiveDate,
    lead: Every,
    on_time: f64,
) -> NaiveDate {
    let due = lead.before(meeting);
    if rng.chance(on_time) {
        let early = rng.below(lead.length() / 3 + 3);
        for day in [due - Days::new(early), due] {
            let day = previous_working_day(day);
            if day > since {
                return day;
            }
        }
    }
    let gap = (meeting - due).num_days().max(1) as u64;
    let day = next_working_day(due + Days::new(1 + rng.below(gap)));
    day.min(meeting).max(since)
}

/// Regular times in an interval, as a practitioner keeps to a recurring timescale: the
/// first due `first` after `from`, each later one `every` after the one before, each on
/// time with probability `on_time` (see [`day_for`]).
pub(crate) fn cadence(
    rng: &mut Rng,
    from: Timestamp,
    until: Timestamp,
    first: Every,
    every: Every,
    on_time: f64,
) -> Vec<Timestamp> {
    let mut out = Vec::new();
    let mut last = from.london_date();
    let mut period = first;
    for _ in 0..2000 {
        let day = day_for(rng, period.after(last), last, period, on_time);
        let at = at_time(day, 9 + rng.below(8) as u32, rng.below(60) as u32).max(plus(from, HOUR));
        if at >= until {
            break;
        }
        out.push(at);
        last = at.london_date();
        period = every;
    }
    out
}

/// Whether a child is one of a share of children, decided from their id rather than a
/// random draw, so that no other draw changes.
fn chosen(id: &hearth_domain::ChildId, share: f64) -> bool {
    let n: u64 = id
        .as_str()
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0, |n, d| {
            n.wrapping_mul(10).wrapping_add(u64::from(d - b'0'))
        });
    // Spread the ids out, so that neighbours are not chosen together.
    let spread = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
    (spread as f64) < share * (1u64 << 24) as f64
}

/// One child's case as it is realised: the borough's generator, the child and their plans,
/// and what the case has built so far.
pub(crate) struct Case<'g, 'a> {
    borough: &'g mut Gen<'a>,
    child: &'g Child,
    /// The events so far, not yet attributed.
    events: Builder,
    /// The stretches of time each post held the case.
    held: Vec<Held>,
    /// The post of the child's reviewing officer, once they have one.
    reviewer: Option<usize>,
    /// The post of the child's personal adviser, once they have one.
    adviser: Option<usize>,
}

impl Gen<'_> {
    /// The events of one child's whole journey, attributed and ready to write.
    pub(crate) fn realize(
        &mut self,
        rng: &mut Rng,
        child: &Child,
        intro: Vec<Item>,
    ) -> Result<Vec<Recorded<ChildEvent>>, DataError> {
        let mut events = Builder::new();
        events.items = intro;
        let case = Case {
            borough: self,
            child,
            events,
            held: Vec::new(),
            reviewer: None,
            adviser: None,
        };
        case.realize(rng)
    }
}

impl Case<'_, '_> {
    fn realize(mut self, rng: &mut Rng) -> Result<Vec<Recorded<ChildEvent>>, DataError> {
        let child = self.child;
        for e in &child.episodes {
            self.episode(rng, e)?;
        }
        if child.care_leaver {
            self.care_leaver(rng)?;
        }
        // A very few children die after their involvement ends; the record is kept and noted.
        let last = self
            .events
            .items
            .iter()
            .map(|i| i.at)
            .max()
            .unwrap_or(self.borough.as_at);
        if child.birth().is_some() && last < self.borough.as_at && rng.chance(0.0006) {
            let at = plus(last, (30 + rng.below(300)) as i64 * DAY);
            if at <= self.borough.as_at {
                self.events.push(
                    at,
                    Who::Worker,
                    ChildEvent::DeathRecorded {
                        date_of_death: at.london_date() - Days::new(2),
                    },
                );
                self.events.push(
                    plus(at, HOUR),
                    Who::Worker,
                    ChildEvent::CaseNoteRecorded {
                        kind: CaseNoteKind::Information,
                        text: text(
                            "Informed of the child's death; the family's GP and school were told.",
                        )?,
                        significant: true,
                    },
                );
            }
        }
        // The registration and first links come just before the first thing that happened.
        let placeholder = Timestamp::start_of_london_day(NaiveDate::MIN);
        let first = self
            .events
            .items
            .iter()
            .filter(|i| i.at != placeholder)
            .map(|i| i.at)
            .min()
            .unwrap_or(self.borough.as_at);
        for item in self.events.items.iter_mut().filter(|i| i.at == placeholder) {
            item.at = plus(first, -(120 - i64::from(item.seq)) * 1_000_000);
        }
        self.attribute(rng)
    }
}

/// The family's home postcode.
pub(crate) fn child_home(child: &Child) -> hearth_domain::values::Postcode {
    child.home.clone()
}
