//! Turning a family's plans into events: who records what, when, and how late.

use chrono::{Datelike, Days, NaiveDate};
use hearth_domain::Timestamp;
use hearth_domain::child::{ChildEvent, Replacement};
use hearth_domain::codes::*;
use hearth_domain::event::{Actor, Recorded};
use hearth_domain::ids::{ProfessionalId, StaffId};
use hearth_domain::time::birthday;
use hearth_domain::values::{Line, PartialDate, PermanenceAuthority, SdqScore, Text};

use crate::calendar::{
    add_working_days, at_time, next_working_day, previous_working_day, working_days_after,
    working_days_before,
};
use crate::data::DataError;
use crate::journey::{Adopted, Child, Episode, Gen};
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

impl Gen<'_> {
    /// The events of one child's whole journey, attributed and ready to write.
    pub(crate) fn realize(
        &mut self,
        rng: &mut Rng,
        child: &Child,
        intro: Vec<Item>,
        professionals: &[(ProfessionalId, &str)],
    ) -> Result<Vec<Recorded<ChildEvent>>, DataError> {
        let mut b = Builder::new();
        b.items = intro;
        let mut held: Vec<Held> = Vec::new();
        let mut reviewer: Option<usize> = None;
        let mut adviser: Option<usize> = None;
        let _ = professionals;
        let mut first_allocation = true;
        for e in &child.episodes {
            self.realize_episode(
                rng,
                child,
                e,
                &mut b,
                &mut held,
                &mut reviewer,
                &mut first_allocation,
            )?;
        }
        if child.care_leaver {
            self.realize_care_leaver(rng, child, &mut b, &mut adviser)?;
        }
        // A very few children die after their involvement ends; the record is kept and noted.
        let last = b.items.iter().map(|i| i.at).max().unwrap_or(self.as_at);
        if child.birth().is_some() && last < self.as_at && rng.chance(0.0006) {
            let at = plus(last, (30 + rng.below(300)) as i64 * DAY);
            if at <= self.as_at {
                b.push(
                    at,
                    Who::Worker,
                    ChildEvent::DeathRecorded {
                        date_of_death: at.london_date() - Days::new(2),
                    },
                );
                b.push(
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
        let first = b
            .items
            .iter()
            .filter(|i| i.at != placeholder)
            .map(|i| i.at)
            .min()
            .unwrap_or(self.as_at);
        for item in b.items.iter_mut().filter(|i| i.at == placeholder) {
            item.at = plus(first, -(120 - i64::from(item.seq)) * 1_000_000);
        }
        self.attribute(rng, child, b, &held, reviewer, adviser)
    }

    #[allow(clippy::too_many_arguments)]
    fn realize_episode(
        &mut self,
        rng: &mut Rng,
        child: &Child,
        e: &Episode,
        b: &mut Builder,
        held: &mut Vec<Held>,
        reviewer: &mut Option<usize>,
        first_allocation: &mut bool,
    ) -> Result<(), DataError> {
        let r = e.referral;
        for n in 0..e.contacts_before {
            let back = ((u64::from(n) + 1) * (3 + rng.below(40))) as i64;
            let at = plus(r, -back * DAY);
            let after_birth = child.dob.is_none_or(|d| at.london_date() > d);
            if after_birth && at > Timestamp::start_of_london_day(self.world.history_start) {
                let outcome = *rng
                    .pick(&[
                        ContactOutcome::Advice,
                        ContactOutcome::NoFurtherAction,
                        ContactOutcome::EarlyHelp,
                    ])
                    .unwrap_or(&ContactOutcome::Advice);
                b.push(
                    at,
                    Who::Worker,
                    ChildEvent::ContactRecorded {
                        source: e.source,
                        outcome,
                        summary: None,
                    },
                );
            }
        }
        b.push(
            plus(r, -60_000_000),
            Who::Worker,
            ChildEvent::ContactRecorded {
                source: e.source,
                outcome: ContactOutcome::Referral,
                summary: None,
            },
        );
        b.push(
            r,
            Who::Worker,
            ChildEvent::ReferralReceived {
                source: e.source,
                primary_need: if e.nfa { None } else { Some(e.need) },
                no_further_action: e.nfa,
                summary: None,
            },
        );
        let end = e.closure.map_or(self.as_at, |(t, _)| t.min(self.as_at));
        if e.nfa {
            if let Some((t, reason)) = e.closure {
                b.push(t, Who::Worker, ChildEvent::CaseClosed { reason });
            }
            return Ok(());
        }

        // Allocation: a few of the newest referrals are still waiting for a worker.
        let waiting = self.as_at.hours_since(r) < 60 && rng.chance(0.8);
        let alloc_at = if rng.chance(self.rates.front_door.allocation_late) {
            plus(r, (25 + rng.below(70)) as i64 * HOUR)
        } else {
            plus(
                r,
                (rng.lognormal(self.rates.front_door.allocation_hours_median, 0.6)
                    .clamp(0.5, 23.5)
                    * HOUR as f64) as i64,
            )
        };
        if !waiting {
            let area = ServiceArea::ReferralAssessment;
            if let Some(post) = self.world.least_loaded(area, alloc_at.london_date(), rng) {
                let _ = std::mem::take(first_allocation);
                let reason = WorkerChangeReason::Fconta;
                held.push(Held {
                    post,
                    from: alloc_at,
                    until: end,
                });
                b.push(alloc_at, Who::Manager, self.allocation_event(post, alloc_at, reason, "Allocated for a child and family assessment; see the child within five working days.")?);
            }
        }

        // The assessment.
        if let Some(a) = &e.assessment {
            b.push(a.start, Who::Worker, ChildEvent::AssessmentStarted {});
            if let Some(seen) = a.seen {
                b.push(seen, Who::Worker, ChildEvent::AssessmentChildSeen {});
                b.routine(
                    plus(seen, 60_000_000),
                    Who::Worker,
                    ChildEvent::VisitMade {
                        kind: VisitKind::Assessment,
                        child_seen: true,
                        seen_alone: Some(child.age_on(seen.london_date()).unwrap_or(0) >= 4),
                        not_seen_alone_reason: if child.age_on(seen.london_date()).unwrap_or(0) >= 4
                        {
                            None
                        } else {
                            Some(text(
                                "Too young to be seen alone; seen with a parent present.",
                            )?)
                        },
                        bedroom_seen: Some(true),
                    },
                );
            }
            b.push(
                a.done,
                Who::Worker,
                ChildEvent::AssessmentCompleted {
                    factors: a.factors.clone(),
                    outcome: a.outcome,
                },
            );
            // Sometimes the assessment shows the main need is not what the referral said.
            if rng.chance(0.05) {
                let need = *rng
                    .pick(&[
                        PrimaryNeed::N4,
                        PrimaryNeed::N5,
                        PrimaryNeed::N3,
                        PrimaryNeed::N1,
                    ])
                    .unwrap_or(&PrimaryNeed::N5);
                if need != e.need {
                    b.push(
                        plus(a.done, 60_000_000),
                        Who::Worker,
                        ChildEvent::PrimaryNeedChanged { primary_need: need },
                    );
                }
            }
            b.push(
                a.authorised,
                Who::Manager,
                ChildEvent::AssessmentAuthorised {
                    manager: StaffId::parse("S00001").map_err(err)?,
                },
            );
            b.routine(plus(a.authorised, 60_000_000), Who::Manager, ChildEvent::ManagementOversightRecorded { manager: StaffId::parse("S00001").map_err(err)?, text: text("Assessment read and agreed; the outcome and next steps are right for the child.")? });
        }

        // Child protection.
        if let Some(p) = &e.protection {
            b.push(
                p.concern,
                Who::Worker,
                ChildEvent::ConcernRaised {
                    summary: text(
                        "Information suggests the child may be suffering significant harm.",
                    )?,
                },
            );
            let mut agencies = vec![Agency::SocialCare, Agency::Police, Agency::Health];
            if child
                .age_on(p.strategy.london_date())
                .is_some_and(|a| (4..=17).contains(&a))
            {
                agencies.push(Agency::Education);
            }
            b.push(
                p.strategy,
                Who::Worker,
                ChildEvent::StrategyDiscussionHeld {
                    agencies,
                    decision: StrategyDecision::Section47,
                },
            );
            b.push(
                plus(p.strategy, 30 * 60_000_000),
                Who::Worker,
                ChildEvent::Section47Started {},
            );
            let outcome = match (p.icpc.is_some(), p.substantiated) {
                (true, _) => Section47Outcome::SubstantiatedAtRisk,
                (false, true) => Section47Outcome::SubstantiatedNotAtRisk,
                (false, false) => Section47Outcome::NotSubstantiated,
            };
            b.push(
                p.enquiry_done,
                Who::Worker,
                ChildEvent::Section47Completed {
                    outcome,
                    conference_needed: p.icpc.is_some(),
                },
            );
            if let Some((at, outcome, category)) = p.icpc {
                b.push(
                    plus(p.enquiry_done, 60_000_000),
                    Who::Worker,
                    ChildEvent::MeetingScheduled {
                        meeting: MeetingKind::InitialConference,
                        at,
                        chair: None,
                    },
                );
                self.conference_papers(rng, child, b, at, p.strategy, true)?;
                // About one child in forty brought to an initial conference had a plan under
                // another council before, which the worker records from that council's
                // papers (the census counts it). Which child is decided from the id, not a
                // random draw, so that every other draw, and so every rate, is unchanged.
                let number = child
                    .id
                    .as_str()
                    .trim_start_matches(|c: char| !c.is_ascii_digit());
                if number.parse::<u64>().is_ok_and(|n| n % 40 == 7) {
                    b.push(
                        plus(p.enquiry_done, 120_000_000),
                        Who::Worker,
                        ChildEvent::EarlierCpPlansRecorded { count: 1 },
                    );
                }
                if reviewer.is_none() {
                    *reviewer =
                        self.world
                            .least_loaded(ServiceArea::Reviewing, at.london_date(), rng);
                }
                b.push(
                    at,
                    Who::Reviewer,
                    ChildEvent::InitialConferenceHeld {
                        transfer_in: false,
                        outcome,
                        category,
                    },
                );
            }
        }
        if let Some(cp) = &e.cp {
            self.realize_cp(rng, child, e, cp, b, held, end)?;
        }
        for (start, stop) in &e.cin {
            self.realize_cin(rng, child, e, *start, *stop, b, held, end)?;
        }
        if let Some(care) = &e.care {
            if reviewer.is_none() {
                *reviewer = self.world.least_loaded(
                    ServiceArea::Reviewing,
                    care.start().london_date(),
                    rng,
                );
            }
            self.realize_care(rng, child, e, care, b, held, end)?;
        }
        self.realize_reassessments(rng, e, b, end)?;
        // Recording while the case is open.
        self.realize_recording(rng, r, end, b)?;
        if let Some((t, reason)) = e.closure {
            b.push(t, Who::Worker, ChildEvent::CaseClosed { reason });
        }
        // Early help picks the family up after an assessment or a plan steps down to it, or
        // sometimes after a case closed with a referral to early help.
        let mut step_downs: Vec<Timestamp> = e
            .assessment
            .iter()
            .filter(|a| a.outcome == AssessmentOutcome::EarlyHelp)
            .map(|a| a.done)
            .chain(e.cin.iter().filter_map(|(_, stop)| {
                stop.filter(|(_, r)| *r == CinPlanEndReason::StepDown)
                    .map(|(t, _)| t)
            }))
            .collect();
        if step_downs.is_empty()
            && let Some((t, ReasonForClosure::Rc9)) = e.closure
            && rng.chance(0.6)
        {
            step_downs.push(plus(t, 2 * DAY));
        }
        for from in step_downs {
            let ten = Every::WorkingDays(10);
            let picked_up = 1.0 - self.rates.front_door.allocation_late;
            let day = day_for(
                rng,
                ten.after(from.london_date()),
                from.london_date(),
                ten,
                picked_up,
            );
            let start = rng.office(day).max(plus(from, HOUR));
            let done = {
                let day = start.london_date() + Days::new(20 + rng.below(40));
                rng.office(day)
            };
            if b.early_help_until.is_none_or(|u| u < start) {
                b.early_help_until = Some(done);
                b.push(
                    start,
                    Who::Worker,
                    ChildEvent::EarlyHelpAssessmentStarted {
                        organisation: Line::parse("Early Intervention and Family Support")
                            .map_err(err)?,
                    },
                );
                b.push(
                    done,
                    Who::Worker,
                    ChildEvent::EarlyHelpAssessmentCompleted {},
                );
            }
        }
        Ok(())
    }

    /// Updated assessments while the case stays open: every six months, and within fifteen
    /// working days of an emergency admission to care. Each starts after the one before is
    /// signed off, and is signed off before the case closes.
    fn realize_reassessments(
        &mut self,
        rng: &mut Rng,
        e: &Episode,
        b: &mut Builder,
        end: Timestamp,
    ) -> Result<(), DataError> {
        let Some(a) = &e.assessment else {
            return Ok(());
        };
        let reviews = self.rates.practice.reviews_on_time;
        let mut emergency = e
            .care
            .as_ref()
            .filter(|c| {
                c.segments.first().is_some_and(|s| {
                    matches!(s.legal, LegalStatus::L1 | LegalStatus::L2 | LegalStatus::L3)
                })
            })
            .map(|c| c.start())
            .filter(|t| *t > a.authorised);
        let (six_months, fifteen) = (Every::Months(6), Every::WorkingDays(15));
        let mut signed = a.authorised;
        let mut due = six_months.after(a.done.london_date());
        for _ in 0..100 {
            let (due_on, after, window) = match emergency.take() {
                Some(t) if t.london_date() < due => {
                    (fifteen.after(t.london_date()), t.london_date(), fifteen)
                }
                other => {
                    emergency = other;
                    (due, signed.london_date(), Every::Days(40))
                }
            };
            let day = day_for(rng, due_on, after, window, reviews);
            let done = rng.office(day);
            let begun = working_days_before(day, 3 + rng.below(15) as u32);
            let begun = rng
                .office(begun)
                .max(plus(signed, HOUR))
                .min(plus(done, -HOUR));
            let authorised = {
                let day = working_days_after(day, rng.below(3) as u32);
                rng.office(day).max(plus(done, HOUR))
            };
            // A case closes only once its assessment is signed off; an open case may have
            // one in progress today.
            let closes = e.closure.is_some();
            if begun <= signed || begun >= end || (closes && authorised >= end) {
                break;
            }
            b.push(begun, Who::Worker, ChildEvent::AssessmentStarted {});
            b.push(
                done,
                Who::Worker,
                ChildEvent::AssessmentCompleted {
                    factors: a.factors.clone(),
                    outcome: AssessmentOutcome::ContinuePlan,
                },
            );
            b.push(
                authorised,
                Who::Manager,
                ChildEvent::AssessmentAuthorised {
                    manager: StaffId::parse("S00001").map_err(err)?,
                },
            );
            signed = authorised;
            due = six_months.after(done.london_date());
        }
        Ok(())
    }

    /// An allocation to a post's holder, decided by a manager in post.
    fn allocation_event(
        &self,
        post: usize,
        at: Timestamp,
        reason: WorkerChangeReason,
        oversight: &str,
    ) -> Result<ChildEvent, DataError> {
        let date = at.london_date();
        let worker = self.world.posts[post]
            .holder_on(date)
            .cloned()
            .ok_or_else(|| err("no holder for an allocated post"))?;
        let manager = self
            .world
            .a_manager(post, date)
            .ok_or_else(|| err("no manager in post"))?;
        Ok(ChildEvent::WorkerAllocated {
            worker,
            team: self.world.team_of(post).clone(),
            decided_by: manager,
            oversight: text(oversight)?,
            reason,
        })
    }

    /// Reports before a conference, the chair's pre-meeting before a review conference, and
    /// the record afterwards. `since` is when the last conference was (or the enquiry began).
    #[allow(clippy::too_many_arguments)]
    fn conference_papers(
        &mut self,
        rng: &mut Rng,
        child: &Child,
        b: &mut Builder,
        at: Timestamp,
        since: Timestamp,
        initial: bool,
    ) -> Result<(), DataError> {
        let p = &self.rates.practice;
        let (reviews, paperwork) = (p.reviews_on_time, p.recording_within_48_hours);
        let (on, after) = (at.london_date(), since.london_date());
        let lead = Every::WorkingDays(if initial { 2 } else { 5 });
        let day = day_before(rng, on, after, lead, paperwork);
        let shared = at_time(day, 9 + rng.below(6) as u32, 0)
            .min(plus(at, -HOUR))
            .max(plus(since, HOUR));
        // The report goes to the parents and the chair, and to the child when old enough to
        // read it; a manager records why a younger child does not get it.
        let readable = child.age_on(on).is_some_and(|a| a >= 10);
        if !readable {
            b.push(
                plus(shared, -60_000_000),
                Who::Manager,
                ChildEvent::DocumentWithheld {
                    document: DocumentKind::ConferenceReport,
                    audience: Audience::Child,
                    manager: StaffId::parse("S00001").map_err(err)?,
                    reason: text(
                        "Too young to read the report; the social worker explains it to the child in person.",
                    )?,
                },
            );
        }
        let mut audiences = vec![Audience::Family, Audience::ReviewingOfficer];
        if readable {
            audiences.push(Audience::Child);
        }
        b.routine(
            shared,
            Who::Worker,
            ChildEvent::DocumentShared {
                document: DocumentKind::ConferenceReport,
                audiences,
            },
        );
        if !initial {
            let day = day_before(rng, on, after, Every::WorkingDays(5), reviews);
            let pre = at_time(day, 11, 0)
                .min(plus(at, -2 * HOUR))
                .max(plus(since, HOUR));
            b.routine(
                pre,
                Who::Reviewer,
                ChildEvent::MeetingHeld {
                    meeting: MeetingKind::ReviewingOfficerPreMeeting,
                },
            );
        }
        let record = if rng.chance(paperwork) {
            plus(at, (3 + rng.below(20)) as i64 * HOUR)
        } else {
            plus(at, (25 + rng.below(70)) as i64 * HOUR)
        };
        b.routine(
            record,
            Who::Reviewer,
            ChildEvent::DocumentShared {
                document: DocumentKind::ConferenceRecord,
                audiences: vec![Audience::Participants],
            },
        );
        Ok(())
    }

    fn transfer(
        &mut self,
        rng: &mut Rng,
        area: ServiceArea,
        at: Timestamp,
        end: Timestamp,
        b: &mut Builder,
        held: &mut Vec<Held>,
    ) -> Result<(), DataError> {
        if at >= end || at > self.as_at {
            return Ok(());
        }
        let Some(post) = self.world.least_loaded(area, at.london_date(), rng) else {
            return Ok(());
        };
        if held.last().is_some_and(|h| h.post == post) {
            return Ok(());
        }
        if let Some(h) = held.last_mut()
            && h.until > at
        {
            h.until = at;
        }
        held.push(Held {
            post,
            from: at,
            until: end,
        });
        b.push(
            at,
            Who::Manager,
            self.allocation_event(
                post,
                at,
                WorkerChangeReason::Tsproc,
                "Transferred to the team that will carry the plan forward.",
            )?,
        );
        Ok(())
    }

    fn visit(
        &self,
        rng: &mut Rng,
        child: &Child,
        at: Timestamp,
        kind: VisitKind,
    ) -> Result<ChildEvent, DataError> {
        // A baby's birth is recorded at noon on the day, so a visit sees them from the next day.
        let date = at.london_date();
        let born = child.dob.is_some_and(|d| d <= date) || child.born.is_some_and(|d| d < date);
        if !born {
            return Ok(ChildEvent::VisitMade {
                kind,
                child_seen: false,
                seen_alone: None,
                not_seen_alone_reason: None,
                bedroom_seen: None,
            });
        }
        let age = child.age_on(at.london_date()).unwrap_or(0);
        let seen = rng.chance(0.95);
        if !seen {
            return Ok(ChildEvent::VisitMade {
                kind,
                child_seen: false,
                seen_alone: None,
                not_seen_alone_reason: None,
                bedroom_seen: Some(false),
            });
        }
        let alone = age >= 4 && rng.chance(0.82);
        let reason = if alone {
            None
        } else if age < 4 {
            Some(text(
                "Too young to be seen alone; observed with their carer.",
            )?)
        } else {
            Some(text(
                rng.pick(&[
                    "The child did not want to speak without their carer present.",
                    "Seen alone at school the following day instead.",
                    "There was no private space during this visit.",
                ])
                .copied()
                .unwrap_or("Not possible on this visit."),
            )?)
        };
        Ok(ChildEvent::VisitMade {
            kind,
            child_seen: true,
            seen_alone: Some(alone),
            not_seen_alone_reason: reason,
            bedroom_seen: Some(rng.chance(0.8)),
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn realize_cp(
        &mut self,
        rng: &mut Rng,
        child: &Child,
        e: &Episode,
        cp: &crate::journey::CpSpan,
        b: &mut Builder,
        held: &mut Vec<Held>,
        end: Timestamp,
    ) -> Result<(), DataError> {
        let _ = e;
        b.push(cp.start, Who::Worker, ChildEvent::CpPlanStarted {});
        let area = if e.need == PrimaryNeed::N2 {
            ServiceArea::Disabilities
        } else {
            ServiceArea::SafeguardingCarePlanning
        };
        let when = plus(cp.start, (2 + rng.below(8)) as i64 * DAY);
        self.transfer(rng, area, when, end, b, held)?;
        let plan_end = cp.end.map_or(end, |(t, _, _)| t).min(end);
        let p = &self.rates.practice;
        let (visits, reviews) = (p.visits_on_time, p.reviews_on_time);
        let ten = Every::WorkingDays(10);
        for at in cadence(rng, cp.start, plan_end, ten, ten, visits) {
            let v = self.visit(rng, child, at, VisitKind::Statutory)?;
            b.routine(at, Who::Worker, v);
        }
        for at in cadence(rng, cp.start, plan_end, ten, Every::Days(42), reviews) {
            b.push(at, Who::Worker, ChildEvent::CoreGroupHeld {});
        }
        let mut previous = cp.start;
        for (i, &at) in cp.reviews.iter().enumerate() {
            if at > end {
                break;
            }
            b.push(
                plus(previous, 2 * HOUR),
                Who::Worker,
                ChildEvent::MeetingScheduled {
                    meeting: MeetingKind::ReviewConference,
                    at,
                    chair: None,
                },
            );
            self.conference_papers(rng, child, b, at, previous, false)?;
            let last = i + 1 == cp.reviews.len();
            let outcome = if last {
                cp.end
                    .map_or(ReviewConferenceOutcome::Continue, |(_, o, _)| o)
            } else {
                ReviewConferenceOutcome::Continue
            };
            let category = (i == 0 && rng.chance(0.1)).then(|| {
                *rng.pick(&[
                    CategoryOfAbuse::Neg,
                    CategoryOfAbuse::Emo,
                    CategoryOfAbuse::Mul,
                ])
                .unwrap_or(&CategoryOfAbuse::Neg)
            });
            // A plan still needed at its third review has been to the legal gateway, to
            // consider proceedings, in the months before.
            if i == 2
                && outcome == ReviewConferenceOutcome::Continue
                && rng.chance(self.rates.practice.reviews_on_time)
            {
                let gap = (at.london_date() - previous.london_date())
                    .num_days()
                    .max(2) as u64;
                let day = previous.london_date() + Days::new(1 + rng.below(gap - 1));
                b.routine(
                    rng.office(day).min(plus(at, -DAY)),
                    Who::Manager,
                    ChildEvent::MeetingHeld {
                        meeting: MeetingKind::LegalGateway,
                    },
                );
            }
            b.push(
                at,
                Who::Reviewer,
                ChildEvent::ReviewConferenceHeld { outcome, category },
            );
            if rng.chance(0.04) {
                b.routine(
                    plus(at, 30 * 60_000_000),
                    Who::Reviewer,
                    ChildEvent::DissentRecorded {
                        agency: Agency::Education,
                        text: text(
                            "The school disagrees with the decision and asked for it to be noted.",
                        )?,
                    },
                );
                b.routine({ let day = at.london_date() + Days::new(3 + rng.below(5)); rng.office(day) }, Who::Manager, ChildEvent::ManagerResponseRecorded { to: DocumentKind::DissentResponse, manager: StaffId::parse("S00001").map_err(err)?, agreed: false, text: text("Considered the school's view; the decision stands, for the reasons given.")? });
            }
            previous = at;
        }
        if let Some((t, _, reason)) = cp.end {
            b.push(t, Who::Worker, ChildEvent::CpPlanEnded { reason });
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn realize_cin(
        &mut self,
        rng: &mut Rng,
        child: &Child,
        e: &Episode,
        start: Timestamp,
        stop: Option<(Timestamp, CinPlanEndReason)>,
        b: &mut Builder,
        held: &mut Vec<Held>,
        end: Timestamp,
    ) -> Result<(), DataError> {
        b.push(start, Who::Worker, ChildEvent::CinPlanStarted {});
        let area = if e.need == PrimaryNeed::N2 {
            ServiceArea::Disabilities
        } else {
            ServiceArea::SafeguardingCarePlanning
        };
        let when = plus(start, (3 + rng.below(15)) as i64 * DAY);
        self.transfer(rng, area, when, end, b, held)?;
        let plan_end = stop.map_or(end, |(t, _)| t).min(end);
        let p = &self.rates.practice;
        let (visits, reviews, paperwork) = (
            p.visits_on_time,
            p.reviews_on_time,
            p.recording_within_48_hours,
        );
        let twenty = Every::WorkingDays(20);
        for at in cadence(rng, start, plan_end, twenty, twenty, visits) {
            let v = self.visit(rng, child, at, VisitKind::Statutory)?;
            b.routine(at, Who::Worker, v);
        }
        // The plan is made at a first meeting within a couple of weeks; reviews follow every
        // six weeks from the plan's start.
        let first = working_days_after(start.london_date(), 1 + rng.below(9) as u32);
        let first = rng.office(first);
        let six_weeks = Every::Days(42);
        let meetings = std::iter::once((first, CinMeetingKind::Meeting)).chain(
            cadence(rng, start, plan_end, six_weeks, six_weeks, reviews)
                .into_iter()
                .map(|at| (at, CinMeetingKind::Review)),
        );
        for (at, kind) in meetings {
            if at >= plan_end {
                continue;
            }
            b.push(at, Who::Worker, ChildEvent::CinMeetingHeld { kind });
            let ten = Every::WorkingDays(10);
            let copy = day_for(
                rng,
                ten.after(at.london_date()),
                at.london_date(),
                ten,
                paperwork,
            );
            let copy = rng.office(copy);
            b.routine(
                copy,
                Who::Worker,
                ChildEvent::DocumentShared {
                    document: DocumentKind::CinPlan,
                    audiences: vec![Audience::Participants],
                },
            );
        }
        if let Some((t, reason)) = stop {
            b.push(t, Who::Worker, ChildEvent::CinPlanEnded { reason });
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn realize_care(
        &mut self,
        rng: &mut Rng,
        child: &Child,
        e: &Episode,
        care: &crate::journey::Care,
        b: &mut Builder,
        held: &mut Vec<Held>,
        end: Timestamp,
    ) -> Result<(), DataError> {
        let _ = e;
        let Some(birth) = child.birth() else {
            return Ok(());
        };
        let start = care.start();
        let care_end = care.end.map_or(end, |(t, _)| t).min(self.as_at);
        if let Some((t, kind)) = care.emergency {
            b.push(
                t.max(plus(e.referral, 60_000_000)),
                Who::Worker,
                ChildEvent::EmergencyProtectionRecorded { kind },
            );
        }
        // End a child protection plan that is still open when care starts.
        for (i, s) in care.segments.iter().enumerate() {
            if i > 0 {
                b.push(
                    s.start,
                    Who::Worker,
                    ChildEvent::EpisodeEnded {
                        reason: ReasonEpisodeCeased::X1,
                    },
                );
            }
            b.push(
                s.start,
                Who::Worker,
                ChildEvent::EpisodeStarted {
                    reason: s.reason,
                    legal_status: s.legal,
                    placement: s.placement,
                    category_of_need: care.need,
                    provider: s.provider,
                    urn: s.urn.clone(),
                    // An asylum-seeking child has no home here to give (SSDA903 406).
                    home_postcode: (!child.uasc).then(|| child_home(child)),
                    placement_postcode: Some(s.postcode.clone()),
                    placement_change_reason: s.change,
                },
            );
            if i == 0 {
                let (order, authority, date) = if rng.chance(0.1) {
                    let order = *rng
                        .pick(&[
                            PreviousPermanence::P2,
                            PreviousPermanence::P3,
                            PreviousPermanence::P4,
                        ])
                        .unwrap_or(&PreviousPermanence::P2);
                    let began = start.london_date();
                    let y = (birth.year() + 1 + rng.below(3) as i32).min(began.year());
                    let m = 1 + rng.below(12) as u32;
                    // The order was made before this period of care began (903 632).
                    let (y, m) = if y < began.year() {
                        (y, m)
                    } else if began.month() > 1 {
                        (y, 1 + (m - 1) % (began.month() - 1))
                    } else {
                        (y - 1, m)
                    };
                    let date = PartialDate::parse(&format!("{y:04}-{m:02}")).map_err(err)?;
                    (
                        order,
                        Some(PermanenceAuthority::parse(&self.council.la_number).map_err(err)?),
                        Some(date),
                    )
                } else {
                    (PreviousPermanence::Z1, None, None)
                };
                b.push(
                    plus(s.start, 5 * 60_000_000),
                    Who::Worker,
                    ChildEvent::PreviousPermanenceRecorded {
                        order,
                        authority,
                        date,
                    },
                );
                b.routine(
                    {
                        let day = add_working_days(s.start.london_date(), 1 + rng.below(6) as u32);
                        rng.office(day)
                    },
                    Who::Worker,
                    ChildEvent::DocumentShared {
                        document: DocumentKind::LegalStatusNotice,
                        audiences: vec![Audience::Professionals],
                    },
                );
            }
            if s.reason.changes_placement() || i == 0 {
                // A care plan for the placement within ten working days.
                let ten = Every::WorkingDays(10);
                let from = s.start.london_date();
                let paperwork = self.rates.practice.recording_within_48_hours;
                let day = day_for(rng, ten.after(from), from, ten, paperwork);
                let plan = rng.office(day);
                if plan < care_end {
                    b.routine(plan, Who::Worker, ChildEvent::CarePlanRecorded {});
                }
                let five = Every::WorkingDays(5);
                let reviews = self.rates.practice.reviews_on_time;
                let day = day_for(rng, five.after(from), from, five, reviews);
                let ppm = rng.office(day);
                b.routine(
                    ppm,
                    Who::Worker,
                    ChildEvent::MeetingHeld {
                        meeting: MeetingKind::PlacementPlanning,
                    },
                );
            }
        }
        // A long stay moves to the looked-after team after a few weeks.
        let long = care
            .end
            .is_none_or(|(t, _)| (t.london_date() - start.london_date()).num_days() > 120);
        if long {
            let when = plus(start, (20 + rng.below(40)) as i64 * DAY);
            self.transfer(rng, ServiceArea::LookedAfter, when, end, b, held)?;
        }
        // Visits: within three working days of each placement, then every four weeks.
        let placements: Vec<Timestamp> = care
            .segments
            .iter()
            .filter(|s| s.reason.changes_placement() || s.reason == ReasonNewEpisode::S)
            .map(|s| s.start)
            .chain(std::iter::once(care_end))
            .collect();
        let on_time = self.rates.practice.visits_on_time;
        let variation_from = long.then(|| plus(start, 430 * DAY)).filter(|_| {
            rng.chance(0.25) && hearth_domain::time::age_on(birth, start.london_date()) >= 5
        });
        for w in placements.windows(2) {
            let (from, to) = (w[0], w[1]);
            let three = Every::WorkingDays(3);
            let day = day_for(
                rng,
                three.after(from.london_date()),
                from.london_date(),
                three,
                on_time,
            );
            let first = rng.office(day).max(plus(from, HOUR));
            if first < to {
                let v = self.visit(rng, child, first, VisitKind::Statutory)?;
                b.routine(first, Who::Worker, v);
                let four_weeks = Every::Days(28);
                for at in cadence(rng, first, to, four_weeks, four_weeks, on_time) {
                    if variation_from.is_some_and(|v| at > v) && rng.chance(0.5) {
                        continue;
                    }
                    let v = self.visit(rng, child, at, VisitKind::Statutory)?;
                    b.routine(at, Who::Worker, v);
                }
            }
        }
        if let Some(v) = variation_from.filter(|v| *v < care_end)
            && let Some(head) = self.world.head_of_service(v.london_date())
        {
            b.push(v, Who::HeadOfService, ChildEvent::ObligationVaried { rule: Line::parse("cla-visit").map_err(err)?, amount: 8, unit: PeriodUnit::Weeks, authorised_by: head, reason: text("Permanence achieved: a settled long-term placement, and the young person asked for fewer visits.")?, until: None });
            if rng.chance(0.2) {
                let ended = plus(v, (100 + rng.below(200)) as i64 * DAY);
                if ended < care_end {
                    b.push(
                        ended,
                        Who::Manager,
                        ChildEvent::VariationEnded {
                            rule: Line::parse("cla-visit").map_err(err)?,
                        },
                    );
                }
            }
        }
        // Reviews: 20 working days, three months later, then every six (three under five).
        let mut due = working_days_after(start.london_date(), 20);
        let mut n = 0;
        let mut last_review = start;
        while Timestamp::start_of_london_day(due) < care_end && n < 60 {
            let reviews = self.rates.practice.reviews_on_time;
            let day = day_for(
                rng,
                due,
                last_review.london_date(),
                Every::Days(25),
                reviews,
            );
            let at = at_time(day, 10, 30);
            if at >= care_end {
                break;
            }
            b.push(
                plus(last_review, 2 * HOUR),
                Who::Worker,
                ChildEvent::MeetingScheduled {
                    meeting: MeetingKind::ClaReview,
                    at,
                    chair: None,
                },
            );
            if rng.chance(0.03) {
                b.push(
                    plus(last_review, 3 * HOUR),
                    Who::Worker,
                    ChildEvent::MeetingCancelled {
                        meeting: MeetingKind::ClaReview,
                        at,
                        reason: text(
                            "The reviewing officer was unavailable; the review was rebooked.",
                        )?,
                    },
                );
                let later = at_time(next_working_day(at.london_date() + Days::new(2)), 10, 30);
                if later >= care_end {
                    break;
                }
                b.push(
                    plus(last_review, 4 * HOUR),
                    Who::Worker,
                    ChildEvent::MeetingScheduled {
                        meeting: MeetingKind::ClaReview,
                        at: later,
                        chair: None,
                    },
                );
                self.review(rng, child, birth, later, b, last_review, care_end)?;
                last_review = later;
            } else {
                self.review(rng, child, birth, at, b, last_review, care_end)?;
                last_review = at;
            }
            n += 1;
            let age = hearth_domain::time::age_on(birth, last_review.london_date());
            due = if n == 1 || age < 5 {
                plus_months(last_review.london_date(), 3)
            } else {
                plus_months(last_review.london_date(), 6)
            };
            if n == 2 {
                let plan = if care.adoption.is_some() {
                    PermanencePlan::Adoption
                } else if long {
                    *rng.pick(&[
                        PermanencePlan::LongTermFostering,
                        PermanencePlan::LongTermFostering,
                        PermanencePlan::ReturnToFamily,
                        PermanencePlan::SgoCao,
                        PermanencePlan::LongTermResidential,
                    ])
                    .unwrap_or(&PermanencePlan::LongTermFostering)
                } else {
                    PermanencePlan::ReturnToFamily
                };
                if plus(last_review, 3 * HOUR) < care_end {
                    b.routine(
                        plus(last_review, 3 * HOUR),
                        Who::Worker,
                        ChildEvent::PermanencePlanRecorded { plan },
                    );
                }
            }
        }
        // Health, dental, immunisations, development checks, SDQs, education.
        let age_at = |t: Timestamp| hearth_domain::time::age_on(birth, t.london_date());
        // Health assessments: within 20 working days, then every year (six months under five).
        let reviews = self.rates.practice.reviews_on_time;
        let mut last = start.london_date();
        let mut period = Every::WorkingDays(20);
        loop {
            let day = day_for(rng, period.after(last), last, period, reviews);
            let at = rng.office(day);
            if at >= care_end {
                break;
            }
            b.routine(at, Who::Worker, ChildEvent::HealthAssessmentCompleted {});
            last = at.london_date();
            period = Every::Months(if age_at(at) < 5 { 6 } else { 12 });
        }
        // Permanence planning meetings every six months.
        let six_months = Every::Months(6);
        for at in cadence(rng, start, care_end, six_months, six_months, reviews) {
            b.routine(
                at,
                Who::Manager,
                ChildEvent::MeetingHeld {
                    meeting: MeetingKind::Permanence,
                },
            );
        }
        for at in cadence(
            rng,
            start,
            care_end,
            Every::Days(120),
            Every::Days(365),
            0.85,
        ) {
            let age = age_at(at);
            if age >= 1 {
                b.routine(at, Who::Worker, ChildEvent::DentalCheckCompleted {});
            }
            b.routine(
                plus(at, HOUR),
                Who::Worker,
                ChildEvent::ImmunisationsRecorded {
                    up_to_date: rng.chance(0.9),
                },
            );
            if age < 5 {
                b.routine(
                    plus(at, 2 * HOUR),
                    Who::Worker,
                    ChildEvent::DevelopmentCheckCompleted {},
                );
            }
        }
        // Carers fill in the SDQ in the council's yearly round, timed for the SSDA903: due by
        // the end of June, some returned over the summer. So a child looked after for a whole
        // collection year has one in it (903 186), however the annual health check drifts.
        let april = |y: i32| NaiveDate::from_ymd_opt(y, 4, 1);
        let first = start.london_date();
        let mut year = if april(first.year()).is_some_and(|a| first >= a) {
            first.year()
        } else {
            first.year() - 1
        };
        while let (Some(opens), Some(due)) = (april(year), NaiveDate::from_ymd_opt(year, 6, 30)) {
            if Timestamp::start_of_london_day(opens) >= care_end {
                break;
            }
            year += 1;
            let day = day_for(rng, due, opens, Every::Months(3), reviews);
            let at = rng.office(day);
            if at <= start || at >= care_end {
                continue;
            }
            let age = age_at(at);
            if age == 3 || age == 17 {
                // The year a child turns four or seventeen DfE still wants an SDQ or the
                // reason there is none: here, that they are outside the age range (903 197B).
                b.routine(
                    at,
                    Who::Worker,
                    ChildEvent::SdqRecorded {
                        score: None,
                        reason: Some(SdqReason::Sdq1),
                    },
                );
            } else if (4..=16).contains(&age) {
                let (score, reason) = if rng.chance(0.9) {
                    (
                        Some(
                            SdqScore::new((rng.normal() * 6.0 + 14.0).clamp(0.0, 40.0) as u8)
                                .map_err(err)?,
                        ),
                        None,
                    )
                } else {
                    (
                        None,
                        Some(
                            *rng.pick(&[SdqReason::Sdq2, SdqReason::Sdq4, SdqReason::Sdq5])
                                .unwrap_or(&SdqReason::Sdq4),
                        ),
                    )
                };
                b.routine(at, Who::Worker, ChildEvent::SdqRecorded { score, reason });
            }
        }
        // Personal education plans from age three: within ten working days, then each term.
        let three = Timestamp::start_of_london_day(birthday(birth, 3).unwrap_or(birth));
        let eighteen = Timestamp::start_of_london_day(birthday(birth, 18).unwrap_or(birth));
        for at in cadence(
            rng,
            start.max(three),
            care_end.min(eighteen),
            Every::WorkingDays(10),
            Every::Months(4),
            reviews,
        ) {
            b.routine(at, Who::Worker, ChildEvent::PepHeld {});
        }
        // Teenagers: offending, substance misuse, missing episodes, liberty orders.
        let teen_from = start.max(Timestamp::start_of_london_day(
            birthday(birth, 11).unwrap_or(birth),
        ));
        if teen_from < care_end {
            let span_days = (care_end.london_date() - teen_from.london_date())
                .num_days()
                .max(1);
            if age_at(care_end) >= 10 && rng.chance(0.05) {
                b.routine(
                    plus(
                        teen_from,
                        rng.below(span_days as u64) as i64 * DAY + 10 * HOUR,
                    ),
                    Who::Worker,
                    ChildEvent::ConvictionRecorded {},
                );
            }
            if rng.chance(0.08) {
                let offered = rng.chance(0.85);
                b.routine(
                    plus(
                        teen_from,
                        rng.below(span_days as u64) as i64 * DAY + 11 * HOUR,
                    ),
                    Who::Worker,
                    ChildEvent::SubstanceMisuseRecorded {
                        intervention_offered: offered,
                        intervention_received: offered && rng.chance(0.6),
                    },
                );
            }
            let moves: Vec<NaiveDate> = care
                .segments
                .iter()
                .skip(1)
                .map(|s| s.start.london_date())
                .collect();
            self.realize_missing(rng, teen_from, care_end, &moves, b)?;
            let in_home = care
                .segments
                .iter()
                .any(|s| s.placement == PlacementType::K2);
            if in_home && rng.chance(0.04) {
                let s = plus(
                    teen_from,
                    rng.below(span_days as u64) as i64 * DAY + 12 * HOUR,
                );
                if s < care_end {
                    b.push(s, Who::Worker, ChildEvent::DeprivationOfLibertyStarted {});
                    let f = plus(s, (60 + rng.below(150)) as i64 * DAY);
                    if f < care_end {
                        b.push(f, Who::Worker, ChildEvent::DeprivationOfLibertyEnded {});
                    }
                }
            }
        }
        // Pathway planning from fifteen; a care leaver's is made with their leaving care plans.
        let last_care = child
            .episodes
            .iter()
            .filter_map(|e| e.care.as_ref())
            .next_back();
        let leaving_here = child.care_leaver && last_care.is_some_and(|c| std::ptr::eq(c, care));
        let fifteen = Timestamp::start_of_london_day(birthday(birth, 15).unwrap_or(birth));
        if !leaving_here && fifteen < care_end {
            let started = self.pathway_started(rng, birth, start);
            if started < care_end {
                b.push(
                    started,
                    Who::Worker,
                    ChildEvent::PathwayPlanRecorded {
                        stage: PathwayPlanStage::Started,
                    },
                );
                let six_months = Every::Months(6);
                for at in cadence(rng, started, care_end, six_months, six_months, reviews) {
                    b.routine(
                        at,
                        Who::Worker,
                        ChildEvent::PathwayPlanRecorded {
                            stage: PathwayPlanStage::Reviewed,
                        },
                    );
                }
            }
        }
        // Adoption.
        if let Some(a) = &care.adoption {
            b.push(
                a.decision,
                Who::Manager,
                ChildEvent::AdoptionDecisionMade { decided_on: None },
            );
            b.push(
                a.placement_order,
                Who::Worker,
                ChildEvent::PlacementOrderGranted {},
            );
            if let (Some(m), Some(p)) = (a.matched, a.placed) {
                b.push(
                    m,
                    Who::Worker,
                    ChildEvent::AdoptionMatched {
                        adopter_sex: a.sex,
                        adopter_legal_status: a.legal,
                        foster_carers_adopting: a.foster_carers,
                        adopter: None,
                    },
                );
                b.push(
                    plus(p, 5 * 60_000_000),
                    Who::Worker,
                    ChildEvent::PlacedForAdoption {},
                );
                if let Some(o) = a.order {
                    b.push(o, Who::Worker, ChildEvent::AdoptionOrderGranted {});
                }
                if m <= self.as_at {
                    self.adopted.push(Adopted {
                        child: child.id.clone(),
                        matched: m,
                        placed: p,
                        order: a.order.filter(|o| *o <= self.as_at),
                        sex: a.sex,
                    });
                }
            }
            if let Some((t, reason)) = a.ended {
                b.push(t, Who::Manager, ChildEvent::AdoptionPlanEnded { reason });
            }
        }
        if let Some((t, reason)) = care.end {
            b.push(t, Who::Worker, ChildEvent::EpisodeEnded { reason });
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn review(
        &mut self,
        rng: &mut Rng,
        child: &Child,
        birth: NaiveDate,
        at: Timestamp,
        b: &mut Builder,
        since: Timestamp,
        care_end: Timestamp,
    ) -> Result<(), DataError> {
        let _ = child;
        let age = hearth_domain::time::age_on(birth, at.london_date());
        let participation = if age < 4 {
            ReviewParticipation::Pn0
        } else {
            *rng.weighted(&[
                (ReviewParticipation::Pn1, 0.55),
                (ReviewParticipation::Pn2, 0.08),
                (ReviewParticipation::Pn3, 0.07),
                (ReviewParticipation::Pn4, 0.05),
                (ReviewParticipation::Pn5, 0.06),
                (ReviewParticipation::Pn6, 0.14),
                (ReviewParticipation::Pn7, 0.05),
            ])
            .unwrap_or(&ReviewParticipation::Pn1)
        };
        let p = &self.rates.practice;
        let (reviews, paperwork) = (p.reviews_on_time, p.recording_within_48_hours);
        let (on, after) = (at.london_date(), since.london_date());
        // Before the review: the care plan talked through with the child, the family and
        // the carer; the reviewing officer's pre-meeting; the social worker's report.
        let day = day_before(rng, on, after, Every::Days(20), reviews);
        let discussed = at_time(day, 15, 0).min(plus(at, -3 * HOUR));
        if age < 4 {
            b.push(
                plus(discussed, -60_000_000),
                Who::Manager,
                ChildEvent::DocumentWithheld {
                    document: DocumentKind::CarePlan,
                    audience: Audience::Child,
                    manager: StaffId::parse("S00001").map_err(err)?,
                    reason: text("Too young to read the plan; it is explained in play and in words the child knows.")?,
                },
            );
        }
        let audiences = if age < 4 {
            vec![Audience::Family, Audience::Carer]
        } else {
            vec![Audience::Child, Audience::Family, Audience::Carer]
        };
        b.routine(
            discussed,
            Who::Worker,
            ChildEvent::DocumentShared {
                document: DocumentKind::CarePlan,
                audiences,
            },
        );
        let day = day_before(rng, on, after, Every::WorkingDays(15), reviews);
        b.routine(
            at_time(day, 14, 0).min(plus(at, -2 * HOUR)),
            Who::Reviewer,
            ChildEvent::MeetingHeld {
                meeting: MeetingKind::ReviewingOfficerPreMeeting,
            },
        );
        let day = day_before(rng, on, after, Every::WorkingDays(5), paperwork);
        b.routine(
            at_time(day, 9, 30).min(plus(at, -HOUR)),
            Who::Worker,
            ChildEvent::DocumentShared {
                document: DocumentKind::ReviewReport,
                audiences: vec![Audience::ReviewingOfficer],
            },
        );
        b.push(
            at,
            Who::Reviewer,
            ChildEvent::ClaReviewHeld { participation },
        );
        let recs = {
            let day = add_working_days(
                at.london_date(),
                if rng.chance(0.85) {
                    1 + rng.below(4) as u32
                } else {
                    6 + rng.below(6) as u32
                },
            );
            rng.office(day)
        };
        b.routine(
            recs,
            Who::Reviewer,
            ChildEvent::DocumentShared {
                document: DocumentKind::ReviewRecommendations,
                audiences: vec![Audience::TeamManager],
            },
        );
        let response = plus(
            recs,
            (if rng.chance(0.85) {
                2 + rng.below(60)
            } else {
                80 + rng.below(200)
            }) as i64
                * HOUR,
        );
        b.routine(
            response,
            Who::Manager,
            ChildEvent::ManagerResponseRecorded {
                to: DocumentKind::ReviewRecommendations,
                manager: StaffId::parse("S00001").map_err(err)?,
                agreed: rng.chance(0.92),
                text: text(
                    "Recommendations considered; the care plan will be updated to reflect them.",
                )?,
            },
        );
        if plus(recs, DAY) < care_end {
            b.routine(
                plus(recs, DAY),
                Who::Worker,
                ChildEvent::CarePlanRecorded {},
            );
        }
        Ok(())
    }

    fn realize_missing(
        &mut self,
        rng: &mut Rng,
        from: Timestamp,
        until: Timestamp,
        moves: &[NaiveDate],
        b: &mut Builder,
    ) -> Result<(), DataError> {
        let la = &self.rates.looked_after;
        let on_time = self.rates.practice.recording_within_48_hours;
        let reviews = self.rates.practice.reviews_on_time;
        // Whether a child goes missing is decided a collection year (April to March) at a
        // time, so the share of looked-after children missing in a year follows the rate.
        let first = from.london_date();
        let april = |y: i32| NaiveDate::from_ymd_opt(y, 4, 1).unwrap_or(first);
        let mut year = if first >= april(first.year()) {
            first.year()
        } else {
            first.year() - 1
        };
        while Timestamp::start_of_london_day(april(year)) < until {
            let (a, z) = (
                from.max(Timestamp::start_of_london_day(april(year))),
                until.min(Timestamp::start_of_london_day(april(year + 1))),
            );
            year += 1;
            let days = (z.london_date() - a.london_date()).num_days();
            if days < 2
                || !self.quota_in(
                    rng,
                    "missing",
                    year,
                    la.missing_per_year * (days as f64 / 365.0).min(1.0),
                )
            {
                continue;
            }
            let episodes = 1 + rng.exponential(1.5) as u64;
            let mut t = a;
            for _ in 0..episodes.min(8) {
                let room = (z.london_date() - t.london_date()).num_days();
                if room < 2 {
                    break;
                }
                let start_day =
                    t.london_date() + Days::new(1 + rng.below(room.min(120) as u64 - 1));
                let start = at_time(start_day, 18 + rng.below(5) as u32, rng.below(60) as u32);
                let hours = rng.lognormal(14.0, 1.0).clamp(2.0, 24.0 * 21.0);
                let back = plus(start, (hours * HOUR as f64) as i64);
                if back >= until || start <= t || start >= z {
                    break;
                }
                // A missing episode belongs to one placement: the return wants it ended when
                // the placement ends (903 575), so none spans the day of a change.
                let (gone, returned) = (start.london_date(), back.london_date());
                if moves.iter().any(|d| (gone..=returned).contains(d)) {
                    t = plus(back, DAY);
                    continue;
                }
                let kind = if rng.chance(0.8) {
                    MissingKind::Missing
                } else {
                    MissingKind::Away
                };
                b.push(
                    start,
                    Who::Worker,
                    ChildEvent::MissingEpisodeStarted { kind },
                );
                // The police are told at once (within the hour, mostly); a strategy meeting
                // follows within a day and then weekly while the child is still missing.
                let minutes = if rng.chance(on_time) {
                    5 + rng.below(55)
                } else {
                    61 + rng.below(150)
                };
                b.routine(
                    plus(start, minutes as i64 * 60_000_000)
                        .min(plus(back, -60_000_000))
                        .max(plus(start, 60_000_000)),
                    Who::Worker,
                    ChildEvent::PoliceInformed {},
                );
                let mut due = plus(start, 24 * HOUR);
                while due < back {
                    let at = if rng.chance(reviews) {
                        plus(due, -((2 + rng.below(18)) as i64 * HOUR))
                    } else {
                        plus(due, (2 + rng.below(30)) as i64 * HOUR)
                    }
                    .max(plus(start, HOUR));
                    if at >= back {
                        break;
                    }
                    b.routine(
                        at,
                        Who::Manager,
                        ChildEvent::MeetingHeld {
                            meeting: MeetingKind::MissingStrategy,
                        },
                    );
                    due = plus(at, 7 * DAY);
                }
                b.push(back, Who::Worker, ChildEvent::MissingEpisodeEnded {});
                if rng.chance(la.return_interview_offered) {
                    let limit = if rng.chance(0.85) { 60 } else { 150 };
                    let offered = plus(back, (4 + rng.below(limit)) as i64 * HOUR);
                    if offered < until {
                        b.push(
                            offered,
                            Who::Worker,
                            ChildEvent::ReturnInterviewOffered {
                                accepted: rng.chance(la.return_interview_accepted),
                            },
                        );
                    }
                }
                t = plus(back, (7 + rng.below(40)) as i64 * DAY);
            }
        }
        Ok(())
    }

    fn realize_recording(
        &mut self,
        rng: &mut Rng,
        from: Timestamp,
        until: Timestamp,
        b: &mut Builder,
    ) -> Result<(), DataError> {
        let kinds = [
            (CaseNoteKind::Telephone, 0.35),
            (CaseNoteKind::Email, 0.2),
            (CaseNoteKind::Meeting, 0.12),
            (CaseNoteKind::DirectWork, 0.1),
            (CaseNoteKind::Information, 0.18),
            (CaseNoteKind::Letter, 0.05),
        ];
        let notes = [
            "Spoke with the child's mother about the plan and the next visit.",
            "The school reported better attendance this week.",
            "Direct work session: the child talked about home and school.",
            "Information from the GP about a missed appointment.",
            "Called the health visitor to share the plan.",
            "Letter sent confirming the date of the next meeting.",
        ];
        for at in cadence(rng, from, until, Every::Days(6), Every::Days(12), 0.9) {
            let kind = *rng.weighted(&kinds).unwrap_or(&CaseNoteKind::Telephone);
            let significant = rng.chance(0.04);
            b.routine(
                at,
                Who::Worker,
                ChildEvent::CaseNoteRecorded {
                    kind,
                    text: text(rng.pick(&notes).copied().unwrap_or(notes[0]))?,
                    significant,
                },
            );
        }
        let p = &self.rates.practice;
        let (oversight, paperwork) = (p.oversight_on_time, p.recording_within_48_hours);
        // A manager's oversight on the record every few months, besides the decisions that
        // carry it; the case discussed in the worker's supervision every four weeks.
        for at in cadence(rng, from, until, Every::Days(60), Every::Days(91), 0.9) {
            b.routine(at, Who::Manager, ChildEvent::ManagementOversightRecorded { manager: StaffId::parse("S00001").map_err(err)?, text: text("Reviewed progress against the plan; actions and timescales agreed with the worker.")? });
        }
        let four_weeks = Every::Days(28);
        for at in cadence(rng, from, until, four_weeks, four_weeks, oversight) {
            b.routine(at, Who::Manager, ChildEvent::SupervisionRecorded { supervisor: StaffId::parse("S00001").map_err(err)?, worker: StaffId::parse("S00001").map_err(err)?, text: text("Supervision: reflected on the child's experience, risks and the next steps.")? });
        }
        let quarter = Every::Months(3);
        for at in cadence(rng, from, until, quarter, quarter, paperwork) {
            b.routine(at, Who::Worker, ChildEvent::CaseSummaryRecorded { text: text("Summary brought up to date: the child's circumstances, the plan and progress since the last summary.")? });
        }
        for at in cadence(rng, from, until, quarter, quarter, paperwork) {
            b.routine(
                at,
                Who::Worker,
                ChildEvent::ChronologyEntryAdded {
                    summary: Line::parse("Chronology reviewed and brought up to date")
                        .map_err(err)?,
                    detail: None,
                },
            );
        }
        Ok(())
    }

    /// When a looked-after child's pathway plan is started: by fifteen and a half, or at
    /// once for a child who comes into care older than that (the clock starts at fifteen, or
    /// on coming into care).
    fn pathway_started(&self, rng: &mut Rng, birth: NaiveDate, care_start: Timestamp) -> Timestamp {
        let fifteen = birthday(birth, 15).unwrap_or(birth);
        let from = care_start.london_date().max(fifteen);
        let due = plus_months(fifteen, 6).max(from);
        let reviews = self.rates.practice.reviews_on_time;
        let day = day_for(rng, due, from - Days::new(1), Every::Days(120), reviews);
        rng.office(day).max(plus(care_start, HOUR))
    }

    fn realize_care_leaver(
        &mut self,
        rng: &mut Rng,
        child: &Child,
        b: &mut Builder,
        adviser: &mut Option<usize>,
    ) -> Result<(), DataError> {
        let Some(birth) = child.birth() else {
            return Ok(());
        };
        let Some(care) = child
            .episodes
            .iter()
            .filter_map(|e| e.care.as_ref())
            .next_back()
        else {
            return Ok(());
        };
        let sixteen = birthday(birth, 16).unwrap_or(birth);
        let eighteen = birthday(birth, 18).unwrap_or(birth);
        let twenty_one = birthday(birth, 21).unwrap_or(birth);
        let care_start = care.start().london_date();
        let care_end = care.end.map(|(t, _)| t.london_date());
        // A share of those who leave care at 18 ask, some weeks before their 21st birthday,
        // for support to continue; their adviser stays with them to 25. Who asks is decided
        // from the id, not a draw, so every other draw is unchanged.
        let asked = (care_end.is_some_and(|e| e >= eighteen - Days::new(1))
            && chosen(&child.id, self.rates.care_leavers.support_after_21))
        .then(|| at_time(next_working_day(twenty_one - Days::new(45)), 11, 0))
        .filter(|at| *at < self.as_at);
        let support_ends = match asked {
            Some(_) => birthday(birth, 25).unwrap_or(twenty_one),
            None => twenty_one,
        };
        let limit = self.as_at.min(Timestamp::start_of_london_day(support_ends));
        let eligible_on = sixteen.max(care_start + Days::new(91));
        if care_end.is_none_or(|e| e > eligible_on) {
            b.push(
                {
                    let day = eligible_on + Days::new(rng.below(20));
                    rng.office(day)
                },
                Who::Worker,
                ChildEvent::CareLeaverStatusRecorded {
                    category: CareLeaverCategory::Eligible,
                },
            );
        }
        let pathway = self.pathway_started(rng, birth, care.start());
        if pathway < limit {
            b.push(
                pathway,
                Who::Worker,
                ChildEvent::PathwayPlanRecorded {
                    stage: PathwayPlanStage::Started,
                },
            );
            let six_months = Every::Months(6);
            let reviews = self.rates.practice.reviews_on_time;
            for at in cadence(rng, pathway, limit, six_months, six_months, reviews) {
                b.routine(
                    at,
                    Who::Worker,
                    ChildEvent::PathwayPlanRecorded {
                        stage: PathwayPlanStage::Reviewed,
                    },
                );
            }
        }
        // An adviser by seventeen and a half, or within days of leaving care before that:
        // a relevant child is never without one.
        let pa_day = (birthday(birth, 17).unwrap_or(birth) + Days::new(150 + rng.below(60)))
            .min(
                care_end
                    .filter(|e| *e > sixteen)
                    .map_or(NaiveDate::MAX, |e| e + Days::new(3)),
            )
            .max(sixteen + Days::new(1))
            .max(care_start + Days::new(30));
        let pa_at = rng.office(pa_day);
        if pa_at < limit {
            *adviser = self
                .world
                .least_loaded(ServiceArea::LeavingCare, pa_at.london_date(), rng);
            if let Some(post) = *adviser
                && let Some(pa) = self.world.posts[post]
                    .holder_on(pa_at.london_date())
                    .cloned()
            {
                b.push(
                    pa_at,
                    Who::Manager,
                    ChildEvent::PersonalAdviserAllocated { adviser: pa },
                );
                self.world
                    .hold(post, pa_at.london_date(), limit.london_date());
                // When the adviser leaves, the next in the post takes the young person on,
                // on their first working day.
                let post = &self.world.posts[post];
                for (next, from, _) in &post.holders {
                    let day = next_working_day(*from);
                    let at = at_time(day, 9, 30);
                    if *from > pa_at.london_date()
                        && at < limit
                        && post.holder_on(day) == Some(next)
                    {
                        b.push(
                            at,
                            Who::Manager,
                            ChildEvent::PersonalAdviserAllocated {
                                adviser: next.clone(),
                            },
                        );
                    }
                }
            }
        }
        if let Some(at) = asked {
            b.push(at, Who::Adviser, ChildEvent::CareLeaverSupportRequested {});
        }
        let left = care_end.unwrap_or(eighteen);
        if left < limit.london_date() && left >= sixteen {
            // The status holds from the moment care ends (it may be written up later).
            let after = care
                .end
                .map_or_else(|| at_time(left, 9, 0), |(t, _)| plus(t, 5 * 60_000_000));
            if after < limit {
                let category = if left >= eighteen - Days::new(1) {
                    CareLeaverCategory::FormerRelevant
                } else {
                    CareLeaverCategory::Relevant
                };
                b.push(
                    after,
                    Who::Adviser,
                    ChildEvent::CareLeaverStatusRecorded { category },
                );
                // Contact every eight weeks after leaving care.
                let eight_weeks = Every::Days(56);
                let visits = self.rates.practice.visits_on_time;
                for at in cadence(rng, after, limit, eight_weeks, eight_weeks, visits) {
                    b.routine(
                        at,
                        Who::Adviser,
                        ChildEvent::VisitMade {
                            kind: VisitKind::PersonalAdviser,
                            child_seen: true,
                            seen_alone: Some(true),
                            not_seen_alone_reason: None,
                            bedroom_seen: None,
                        },
                    );
                }
            }
        }
        // Around each birthday from 17 to 21: in touch, activity and accommodation.
        let ta = &self.rates.targets;
        let mut activities: Vec<(Timestamp, bool)> = Vec::new();
        for age in 17..=21 {
            let Some(day) = birthday(birth, age) else {
                continue;
            };
            let at = {
                let day = day + Days::new(rng.below(25));
                rng.office(day)
            };
            if at > self.as_at || at < plus(care.start(), DAY) {
                continue;
            }
            // The figures are measured by collection year and age, so each has its own tally.
            let d = at.london_date();
            let cohort = (if d.month() >= 4 {
                d.year()
            } else {
                d.year() - 1
            }) * 100
                + age;
            let in_touch = if self.quota_in(rng, "in touch", cohort, ta.care_leavers_in_touch) {
                CareLeaverInTouch::Yes
            } else {
                *rng.pick(&[
                    CareLeaverInTouch::No,
                    CareLeaverInTouch::No,
                    CareLeaverInTouch::Refu,
                ])
                .unwrap_or(&CareLeaverInTouch::No)
            };
            b.push(
                at,
                Who::Adviser,
                ChildEvent::CareLeaverContactRecorded { in_touch },
            );
            let activity = if in_touch != CareLeaverInTouch::Yes {
                CareLeaverActivity::Unknown
            } else if self.quota_in(
                rng,
                "not in education, employment or training",
                cohort,
                ta.care_leavers_neet,
            ) {
                let c = &self.rates.care_leavers;
                let x = rng.unit();
                if x < c.activity_neet_g4 {
                    CareLeaverActivity::G4
                } else if x < c.activity_neet_g4 + c.activity_neet_g6 {
                    CareLeaverActivity::G6
                } else {
                    CareLeaverActivity::G5
                }
            } else {
                *rng.weighted(&[
                    (CareLeaverActivity::F2, 0.30),
                    (CareLeaverActivity::F1, 0.12),
                    (CareLeaverActivity::F5, 0.25),
                    (CareLeaverActivity::P5, 0.12),
                    (CareLeaverActivity::F4, 0.10),
                    (CareLeaverActivity::P2, 0.06),
                    (CareLeaverActivity::P4, 0.03),
                    (CareLeaverActivity::P1, 0.02),
                ])
                .unwrap_or(&CareLeaverActivity::F2)
            };
            b.push(
                plus(at, 10 * 60_000_000),
                Who::Adviser,
                ChildEvent::CareLeaverActivityRecorded { activity },
            );
            activities.push((plus(at, 10 * 60_000_000), activity.is_neet()));
            let accommodation = if in_touch != CareLeaverInTouch::Yes {
                CareLeaverAccommodation::Unknown
            } else {
                let suitable = self.quota_in(
                    rng,
                    "suitable accommodation",
                    cohort,
                    self.rates.care_leavers.accommodation_suitable,
                );
                let still_in_care = care_end.is_none_or(|e| e > at.london_date());
                let kind = if still_in_care && age < 18 {
                    *rng.pick(&["C", "D", "E"]).unwrap_or(&"D")
                } else {
                    *rng.weighted(&[
                        ("D", 0.30),
                        ("U", 0.22),
                        ("Z", 0.12),
                        ("B", 0.12),
                        ("E", 0.08),
                        ("T", 0.06),
                        ("K", 0.04),
                        ("V", 0.03),
                        ("W", 0.01),
                        ("Y", 0.02),
                    ])
                    .unwrap_or(&"D")
                };
                // Staying with former foster carers ("staying put") begins at 18; a
                // 17-year-old who has left care lives in supported lodgings (903 3001).
                let kind = if kind == "Z" && age < 18 { "E" } else { kind };
                let code = format!("{kind}{}", if suitable { 1 } else { 2 });
                code.parse::<CareLeaverAccommodation>()
                    .unwrap_or(CareLeaverAccommodation::D1)
            };
            b.push(
                plus(at, 20 * 60_000_000),
                Who::Adviser,
                ChildEvent::CareLeaverAccommodationRecorded { accommodation },
            );
        }
        // While not in education, employment or training: the panel within two weeks, then
        // every three months until that changes.
        let reviews = self.rates.practice.reviews_on_time;
        for (i, &(at, neet)) in activities.iter().enumerate() {
            let until = activities.get(i + 1).map_or(limit, |n| n.0).min(limit);
            if neet {
                let (first, every) = (Every::Days(14), Every::Months(3));
                for at in cadence(rng, at, until, first, every, reviews) {
                    b.routine(
                        at,
                        Who::Adviser,
                        ChildEvent::MeetingHeld {
                            meeting: MeetingKind::NeetPanel,
                        },
                    );
                }
            }
        }
        if child.female && rng.chance(0.06) {
            let born = eighteen + Days::new(rng.below(900));
            let at = {
                let day = born + Days::new(10 + rng.below(30));
                rng.office(day)
            };
            if at < limit {
                b.push(
                    at,
                    Who::Adviser,
                    ChildEvent::ParenthoodRecorded {
                        first_child_born: born,
                    },
                );
            }
        }
        Ok(())
    }

    /// Dates and attributes every event: the recorder is whoever held the role at the
    /// time, recording is sometimes late, and nothing is in the future.
    fn attribute(
        &mut self,
        rng: &mut Rng,
        child: &Child,
        mut b: Builder,
        held: &[Held],
        reviewer: Option<usize>,
        adviser: Option<usize>,
    ) -> Result<Vec<Recorded<ChildEvent>>, DataError> {
        // Count each stretch on its post's caseload.
        for h in held {
            self.world.hold(
                h.post,
                h.from.london_date(),
                h.until.min(self.as_at).london_date(),
            );
        }
        if let Some(r) = reviewer
            && let (Some(first), Some(last)) = (
                b.items.iter().map(|i| i.at).min(),
                b.items.iter().map(|i| i.at).max(),
            )
        {
            self.world
                .hold(r, first.london_date(), last.min(self.as_at).london_date());
        }
        b.items.retain(|i| i.at <= self.as_at);
        b.items.sort_by_key(|i| (i.at, i.seq));
        let duty = self.world.least_loaded(
            ServiceArea::ReferralAssessment,
            b.items
                .first()
                .map_or(self.world.history_start, |i| i.at.london_date()),
            rng,
        );
        let mut out = Vec::with_capacity(b.items.len());
        let mut last_holder: Option<(usize, StaffId)> = None;
        let mut reallocations: Vec<Item> = Vec::new();
        for item in &b.items {
            let date = item.at.london_date();
            let stretch = held
                .iter()
                .enumerate()
                .rev()
                .find(|(_, h)| h.from <= item.at && item.at < h.until);
            // When the holder of the post that has the case changed, the case was handed over.
            if let Some((n, h)) = stretch
                && let Some(holder) = self.world.posts[h.post].holder_on(date).cloned()
            {
                if let Some((ln, lh)) = &last_holder
                    && *ln == n
                    && *lh != holder
                {
                    let from = self.world.posts[h.post]
                        .holders
                        .iter()
                        .find(|(id, _, _)| *id == holder)
                        .map(|(_, f, _)| *f)
                        .unwrap_or(date);
                    let at = at_time(next_working_day(from), 9, 15)
                        .min(item.at)
                        .max(h.from);
                    // Between the old worker leaving and the new one starting, the case waits.
                    if let Some(left) = self.world.left_on(lh)
                        && at_time(left, 17, 30) > h.from
                        && at_time(left, 17, 30) < at
                    {
                        reallocations.push(Item {
                            at: at_time(left, 17, 30),
                            seq: 0,
                            who: Who::Manager,
                            event: ChildEvent::WorkerUnallocated {
                                reason: WorkerChangeReason::Leftrl,
                            },
                            routine: false,
                        });
                    }
                    // A case that closes within days is not handed over: so short an
                    // allocation is no allocation (903 SW09STG2 wants three days or more).
                    let closing = h.until < self.as_at && plus(at, 3 * DAY) > h.until;
                    if closing {
                        last_holder = Some((n, holder));
                        continue;
                    }
                    reallocations.push(Item {
                        at,
                        seq: 0,
                        who: Who::Manager,
                        event: self.allocation_event(
                            h.post,
                            at,
                            WorkerChangeReason::Leftrl,
                            "Previous worker has left; the case is handed over to the new worker.",
                        )?,
                        routine: false,
                    });
                }
                last_holder = Some((n, holder));
            }
        }
        let mut items = b.items;
        items.extend(reallocations);
        items.sort_by_key(|i| (i.at, i.seq));
        // A looked-after child is written a life letter at each change of worker or team, and
        // on leaving care: on the day, or a few days later.
        let paperwork = self.rates.practice.recording_within_48_hours;
        let mut in_care = false;
        let mut letters = Vec::new();
        for item in &items {
            let transition = match &item.event {
                ChildEvent::EpisodeStarted { .. } => {
                    in_care = true;
                    false
                }
                ChildEvent::EpisodeEnded { reason } if *reason != ReasonEpisodeCeased::X1 => {
                    std::mem::replace(&mut in_care, false)
                }
                ChildEvent::WorkerAllocated { .. } => in_care,
                _ => false,
            };
            if transition {
                let at = if rng.chance(paperwork) {
                    plus(item.at, 60_000_000)
                } else {
                    let day = item.at.london_date() + Days::new(1 + rng.below(10));
                    rng.office(day)
                };
                letters.push(Item {
                    at,
                    seq: 0,
                    who: Who::Worker,
                    event: ChildEvent::DocumentShared {
                        document: DocumentKind::LifeLetter,
                        audiences: vec![Audience::Child],
                    },
                    routine: true,
                });
            }
        }
        items.extend(letters);
        items.sort_by_key(|i| (i.at, i.seq));
        for item in items {
            let date = item.at.london_date();
            let post = held
                .iter()
                .rev()
                .find(|h| h.from <= item.at && item.at < h.until)
                .map(|h| h.post)
                .or(duty);
            let worker = post.and_then(|p| self.world.posts[p].holder_on(date).cloned());
            // With every duty post vacant (a small borough's turnover can leave none), the
            // head of service records what comes in, so nothing the child's record needs is
            // lost before it is registered.
            let manager = post
                .and_then(|p| self.world.a_manager(p, date))
                .or_else(|| self.world.head_of_service(date));
            let actor = match item.who {
                Who::Worker => worker.clone(),
                Who::Manager => manager.clone(),
                Who::Reviewer => reviewer
                    .and_then(|r| self.world.posts[r].holder_on(date).cloned())
                    .or_else(|| manager.clone()),
                Who::Adviser => adviser
                    .and_then(|a| self.world.posts[a].holder_on(date).cloned())
                    .or_else(|| worker.clone()),
                Who::HeadOfService => self.world.head_of_service(date),
            }
            .or_else(|| manager.clone());
            let Some(actor) = actor else { continue };
            // Fill in the manager and worker that events name.
            let mut event = item.event;
            match &mut event {
                ChildEvent::AssessmentAuthorised { manager: m }
                | ChildEvent::ManagementOversightRecorded { manager: m, .. }
                | ChildEvent::DocumentWithheld { manager: m, .. }
                | ChildEvent::ManagerResponseRecorded { manager: m, .. } => *m = actor.clone(),
                ChildEvent::SupervisionRecorded {
                    supervisor,
                    worker: w,
                    ..
                } => {
                    *supervisor = actor.clone();
                    match &worker {
                        Some(wk) => *w = wk.clone(),
                        None => continue,
                    }
                }
                _ => {}
            }
            // How late it was recorded.
            let within = self.rates.practice.recording_within_48_hours;
            let delay = if rng.chance(within) {
                (rng.lognormal(2.5, 1.0).min(47.0) * HOUR as f64) as i64
            } else {
                ((48.0 + rng.exponential(120.0)) * HOUR as f64) as i64
            };
            let mut recorded = plus(item.at, delay.max(60_000_000));
            // The recorder must still be in post.
            if let Some(left) = self.leaving_day(&actor, date) {
                recorded = recorded.min(at_time(left, 17, 0)).max(item.at);
            }
            if recorded > self.as_at {
                if item.routine {
                    continue;
                }
                recorded = self.as_at.max(item.at);
            }
            out.push(Recorded {
                occurred_at: item.at,
                recorded_at: recorded,
                recorded_by: Actor::Staff(actor),
                event,
            });
        }
        // A handful of corrections: a visit dated a day wrong, a note on the wrong child.
        if rng.chance(0.02) {
            let visits: Vec<usize> = out
                .iter()
                .enumerate()
                .filter(|(_, r)| matches!(r.event, ChildEvent::VisitMade { .. }))
                .map(|(i, _)| i)
                .collect();
            if let (Some(&i), Some(last)) = (rng.pick(&visits), out.last().cloned()) {
                let original = out[i].clone();
                let fixed_at = plus(original.occurred_at, -DAY);
                let at = plus(last.occurred_at.max(original.recorded_at), DAY);
                // Whoever recorded last corrects it, if they are still in post.
                let in_post = last
                    .recorded_by
                    .staff()
                    .is_some_and(|s| self.world.left_on(s).is_none_or(|l| at.london_date() <= l));
                if in_post
                    && at <= self.as_at
                    && fixed_at > out.first().map_or(fixed_at, |f| f.occurred_at)
                {
                    out.push(Recorded {
                        occurred_at: at,
                        recorded_at: at,
                        recorded_by: last.recorded_by.clone(),
                        event: ChildEvent::Corrected {
                            corrects: i as u64 + 1,
                            reason: text(
                                "The visit was on the day before; the date was entered wrongly.",
                            )?,
                            replacement: Some(Replacement {
                                occurred_at: fixed_at,
                                event: Box::new(original.event.clone()),
                            }),
                        },
                    });
                }
            }
        }
        // After the corrections, which draw on the last event: restricting moves nothing.
        self.restrict(child, held, &mut out)?;
        Ok(out)
    }

    /// A few records are restricted soon after the first allocation, by the team manager of
    /// the worker allocated, naming that worker; some restrictions are lifted later. The
    /// draws come from a generator of their own, so restricting moves no other draw.
    fn restrict(
        &self,
        child: &Child,
        held: &[Held],
        out: &mut Vec<Recorded<ChildEvent>>,
    ) -> Result<(), DataError> {
        let mut rng = Rng::stream(self.seed, &format!("restriction {}", child.id.as_str()), 0);
        if !rng.chance(self.rates.access.restricted_records) {
            return Ok(());
        }
        let Some((allocated, worker)) = out.iter().find_map(|r| match &r.event {
            ChildEvent::WorkerAllocated { worker, .. } => Some((r.occurred_at, worker.clone())),
            _ => None,
        }) else {
            return Ok(());
        };
        let Some(post) = held
            .iter()
            .find(|h| h.from <= allocated && allocated < h.until)
            .map(|h| h.post)
        else {
            return Ok(());
        };
        let in_post = |s: &StaffId, day: NaiveDate| self.world.left_on(s).is_none_or(|l| day <= l);
        // The team manager in post that day, or else the head of service: the roles the
        // record lets restrict.
        let decider = |day: NaiveDate| {
            let team = &self.world.teams[self.world.posts[post].team];
            self.world
                .posts
                .get(team.manager_post)
                .filter(|p| p.role == StaffRole::TeamManager)
                .and_then(|p| p.holder_on(day).cloned())
                .or_else(|| self.world.head_of_service(day))
                .filter(|s| in_post(s, day))
        };
        let after = allocated.london_date() + Days::new(1 + rng.below(10));
        let at = rng.office(after);
        let day = at.london_date();
        let Some(by) = decider(day) else {
            return Ok(());
        };
        if plus(at, HOUR) > self.as_at || !in_post(&worker, day) {
            return Ok(());
        }
        let mut events = vec![Recorded {
            occurred_at: at,
            recorded_at: plus(at, HOUR),
            recorded_by: Actor::Staff(by.clone()),
            event: ChildEvent::RecordRestricted {
                decided_by: by,
                reason: text(
                    "A parent works in the service: the record is seen only by those working with the child.",
                )?,
                permitted: vec![worker],
            },
        }];
        if rng.chance(self.rates.access.restrictions_lifted) {
            let later = day + Days::new(30 + rng.below(365));
            let lifted = rng.office(later);
            let lifted_day = lifted.london_date();
            if let Some(by) = decider(lifted_day)
                && plus(lifted, HOUR) <= self.as_at
            {
                events.push(Recorded {
                    occurred_at: lifted,
                    recorded_at: plus(lifted, HOUR),
                    recorded_by: Actor::Staff(by.clone()),
                    event: ChildEvent::RestrictionLifted {
                        decided_by: by,
                        reason: text("The parent has left the service.")?,
                    },
                });
            }
        }
        // In the order things happened, so each is checked against the record of its day.
        for e in events {
            let i = out.partition_point(|r| r.occurred_at <= e.occurred_at);
            out.insert(i, e);
            // The events after it moved up a version, and corrections name versions.
            for r in &mut out[i + 1..] {
                if let ChildEvent::Corrected { corrects, .. } = &mut r.event
                    && *corrects > i as u64
                {
                    *corrects += 1;
                }
            }
        }
        Ok(())
    }

    fn leaving_day(&self, staff: &StaffId, on: NaiveDate) -> Option<NaiveDate> {
        let _ = on;
        self.world.left_on(staff)
    }
}

/// The family's home postcode.
pub(crate) fn child_home(child: &Child) -> hearth_domain::values::Postcode {
    child.home.clone()
}
