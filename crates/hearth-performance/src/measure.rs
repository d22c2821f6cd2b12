//! What a scorecard may count from a child's folded record, besides the standards'
//! obligations. Each measure is defined once here, in the record's words, with the events
//! that count as evidence, so that a figure and its drill-down can never disagree.

use chrono::{Months, NaiveDate};
use hearth_domain::child::{ChildRecord, Mark};
use hearth_domain::codes::{
    CareLeaverActivity, CareLeaverInTouch, ContactOutcome, ReasonNewEpisode,
};
use hearth_domain::time::age_on;
use hearth_domain::{StaffId, TeamId, Timestamp};
use hearth_standards::Calendar;
use hearth_standards::evaluate::{AsAt, is_open};

use crate::digest::{Counted, Evidence};

hearth_domain::vocabulary! {
    /// A fact of the folded record that an indicator can count.
    pub enum Measure {
        /// Contacts that became referrals, and of those, the ones whose referral was
        /// received within one working day of the contact.
        ReferralDecidedInOneWorkingDay = "referral_decided_in_one_working_day",
        /// Referrals received, and of those, the ones that followed another referral of the
        /// same child within the 12 months before.
        ReReferralWithin12Months = "re_referral_within_12_months",
        /// Child protection plans started, and of those, the child's second or later plan.
        RepeatCpPlan = "repeat_cp_plan",
        /// Children subject to a child protection plan at the end of the period.
        OnCpPlan = "on_cp_plan",
        /// Children looked after at the end of the period.
        LookedAfter = "looked_after",
        /// Children looked after at the end of the period, and of those, the ones who had
        /// three or more placements in the 12 months to then.
        ThreeOrMorePlacements = "three_or_more_placements",
        /// Children looked after at the end of the period, and of those, the ones who had
        /// three or more social workers (two or more changes) in the 12 months to then.
        ChangesOfSocialWorker = "two_or_more_changes_of_social_worker",
        /// Missing episodes that began in the period.
        MissingEpisodes = "missing_episodes",
        /// Care leavers aged 19 to 21 at the end of the period, and of those, the ones the
        /// council was last recorded as in touch with.
        CareLeaversInTouch = "care_leavers_in_touch",
        /// Care leavers aged 19 to 21, and of those, the ones last recorded in education,
        /// employment or training.
        CareLeaversInEducationOrWork = "care_leavers_in_education_employment_or_training",
        /// Care leavers aged 19 to 21, and of those, the ones last recorded in suitable
        /// accommodation.
        CareLeaversSuitablyAccommodated = "care_leavers_in_suitable_accommodation",
        /// Children with an allocated social worker at the end of the period, per worker
        /// holding at least one.
        ChildrenPerSocialWorker = "children_per_social_worker",
        /// Children whose case is open at the end of the period (a child in need episode,
        /// care, or a care leaver's support).
        OpenCases = "open_cases",
    }
}

/// What kind of figure a measure gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// A percentage: the numerator out of the denominator.
    Rate,
    /// A number of children or events: the numerator alone.
    Count,
    /// An average: the numerator divided by the denominator.
    Average,
}

/// What a measure looks at in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Events that happened in the period (a month, or the 12 months to its end).
    Events,
    /// The state of the record at the period's end.
    AtEnd,
}

impl Measure {
    /// The kind of figure it gives.
    pub const fn shape(self) -> Shape {
        use Measure::*;
        match self {
            OnCpPlan | LookedAfter | MissingEpisodes | OpenCases => Shape::Count,
            ChildrenPerSocialWorker => Shape::Average,
            ReferralDecidedInOneWorkingDay
            | ReReferralWithin12Months
            | RepeatCpPlan
            | ThreeOrMorePlacements
            | ChangesOfSocialWorker
            | CareLeaversInTouch
            | CareLeaversInEducationOrWork
            | CareLeaversSuitablyAccommodated => Shape::Rate,
        }
    }

    /// What it looks at.
    pub const fn window(self) -> Window {
        use Measure::*;
        match self {
            ReferralDecidedInOneWorkingDay
            | ReReferralWithin12Months
            | RepeatCpPlan
            | MissingEpisodes => Window::Events,
            OnCpPlan
            | LookedAfter
            | ThreeOrMorePlacements
            | ChangesOfSocialWorker
            | CareLeaversInTouch
            | CareLeaversInEducationOrWork
            | CareLeaversSuitablyAccommodated
            | ChildrenPerSocialWorker
            | OpenCases => Window::AtEnd,
        }
    }
}

/// One child's part in a figure: counts, the team that held the child, the worker (for an
/// average per worker) and the events that counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Counted in the numerator.
    pub numerator: u32,
    /// Counted in the denominator.
    pub denominator: u32,
    /// The team holding the child when it counted.
    pub team: Option<TeamId>,
    /// The worker holding the child, for a figure per worker.
    pub worker: Option<StaffId>,
    /// The events that counted, and how.
    pub evidence: Vec<Evidence>,
}

impl Tally {
    fn cite(&mut self, mark: Mark, kind: &'static str, counted: Counted) {
        self.evidence.push(Evidence {
            version: mark.version,
            kind,
            at: mark.at,
            counted,
        });
    }

    /// Whether the child counts at all.
    pub fn counts(&self) -> bool {
        self.numerator > 0 || self.denominator > 0
    }
}

/// The instants a period covers: from the start of its first day to the end of its last.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    /// The first instant.
    pub from: Timestamp,
    /// The last instant.
    pub to: Timestamp,
    /// The last day.
    pub last: NaiveDate,
}

impl Span {
    /// The days from `first` to `last`, both counted.
    pub fn days(first: NaiveDate, last: NaiveDate) -> Span {
        Span {
            from: Timestamp::start_of_london_day(first),
            to: AsAt::end_of(last).instant,
            last,
        }
    }

    fn holds(&self, t: Timestamp) -> bool {
        self.from <= t && t <= self.to
    }
}

fn open_at(start: Timestamp, end: Option<Timestamp>, t: Timestamp) -> bool {
    start <= t && end.is_none_or(|e| e > t)
}

fn twelve_months_before(last: NaiveDate) -> Timestamp {
    let start = last
        .checked_sub_months(Months::new(12))
        .and_then(|d| d.succ_opt())
        .unwrap_or(NaiveDate::MIN);
    Timestamp::start_of_london_day(start)
}

/// The team holding the child at an instant: the allocated worker's.
pub fn team_at(record: &ChildRecord, t: Timestamp) -> Option<&TeamId> {
    allocation_at(record, t).map(|a| &a.team)
}

fn allocation_at(record: &ChildRecord, t: Timestamp) -> Option<&hearth_domain::child::Allocation> {
    record
        .allocations
        .iter()
        .rev()
        .find(|a| open_at(a.mark.at, a.ended.map(|m| m.at), t))
}

/// The care episode in force at an instant.
fn in_care_at(record: &ChildRecord, t: Timestamp) -> Option<&hearth_domain::child::CareEpisode> {
    record
        .care_episodes
        .iter()
        .rev()
        .find(|e| open_at(e.start.at, e.end.map(|(m, _)| m.at), t))
}

/// A child's tally for a measure over a span of days.
pub fn tally(measure: Measure, record: &ChildRecord, span: Span, calendar: &Calendar) -> Tally {
    let mut t = Tally::default();
    use Measure::*;
    match measure {
        ReferralDecidedInOneWorkingDay => {
            for contact in &record.contacts {
                if contact.outcome != ContactOutcome::Referral || !span.holds(contact.mark.at) {
                    continue;
                }
                t.denominator += 1;
                t.cite(contact.mark, "contact_recorded", Counted::Denominator);
                let by = calendar.add_working_days(contact.mark.date(), 1);
                let referral = record
                    .episodes_of_need
                    .iter()
                    .map(|e| e.referral)
                    .filter(|r| r.at >= contact.mark.at)
                    .min();
                if let (Some(r), Some(by)) = (referral, by)
                    && r.date() <= by
                {
                    t.numerator += 1;
                    t.cite(r, "referral_received", Counted::Numerator);
                }
            }
            t.team = record
                .contacts
                .iter()
                .rev()
                .find(|c| span.holds(c.mark.at))
                .and_then(|c| team_at(record, c.mark.at))
                .cloned();
        }
        ReReferralWithin12Months => {
            for e in &record.episodes_of_need {
                if !span.holds(e.referral.at) {
                    continue;
                }
                t.denominator += 1;
                t.cite(e.referral, "referral_received", Counted::Denominator);
                let since = twelve_months_before(e.referral.date());
                if let Some(earlier) = record
                    .episodes_of_need
                    .iter()
                    .map(|o| o.referral)
                    .filter(|r| r.at < e.referral.at && r.at >= since)
                    .max()
                {
                    t.numerator += 1;
                    t.cite(earlier, "referral_received", Counted::Numerator);
                }
                if t.team.is_none() {
                    t.team = team_at(record, e.referral.at).cloned();
                }
            }
        }
        RepeatCpPlan => {
            let plans: Vec<Mark> = record
                .episodes_of_need
                .iter()
                .flat_map(|e| e.cp_plans.iter().map(|p| p.start))
                .collect();
            for start in plans.iter().filter(|s| span.holds(s.at)) {
                t.denominator += 1;
                t.cite(*start, "cp_plan_started", Counted::Denominator);
                let earlier = plans.iter().filter(|p| p.at < start.at).max();
                if let Some(e) = earlier {
                    t.numerator += 1;
                    t.cite(*e, "cp_plan_started", Counted::Numerator);
                } else if record.earlier_cp_plans > 0 {
                    // A plan before those the record holds (imported history) still makes
                    // this one a repeat; the evidence is the plan itself.
                    t.numerator += 1;
                    t.cite(*start, "cp_plan_started", Counted::Numerator);
                }
                if t.team.is_none() {
                    t.team = team_at(record, start.at).cloned();
                }
            }
        }
        OnCpPlan => {
            if let Some(plan) = record
                .episodes_of_need
                .iter()
                .flat_map(|e| &e.cp_plans)
                .find(|p| open_at(p.start.at, p.end.map(|(m, _)| m.at), span.to))
            {
                t.numerator = 1;
                t.cite(plan.start, "cp_plan_started", Counted::Numerator);
                t.team = team_at(record, span.to).cloned();
            }
        }
        LookedAfter => {
            if let Some(episode) = in_care_at(record, span.to) {
                t.numerator = 1;
                t.cite(episode.start, "episode_started", Counted::Numerator);
                t.team = team_at(record, span.to).cloned();
            }
        }
        ThreeOrMorePlacements => {
            if let Some(current) = in_care_at(record, span.to) {
                t.denominator = 1;
                t.cite(current.start, "episode_started", Counted::Denominator);
                let since = twelve_months_before(span.last);
                let mut placements: Vec<Mark> = record
                    .care_episodes
                    .iter()
                    .filter(|e| e.start.at >= since && e.start.at <= span.to)
                    .filter(|e| e.reason != ReasonNewEpisode::L)
                    .map(|e| e.start)
                    .collect();
                if let Some(at_start) = in_care_at(record, since)
                    && !placements.contains(&at_start.start)
                {
                    placements.push(at_start.start);
                }
                if placements.len() >= 3 {
                    t.numerator = 1;
                    for p in placements {
                        t.cite(p, "episode_started", Counted::Numerator);
                    }
                }
                t.team = team_at(record, span.to).cloned();
            }
        }
        ChangesOfSocialWorker => {
            if let Some(current) = in_care_at(record, span.to) {
                t.denominator = 1;
                t.cite(current.start, "episode_started", Counted::Denominator);
                let since = twelve_months_before(span.last);
                let held: Vec<&hearth_domain::child::Allocation> = record
                    .allocations
                    .iter()
                    .filter(|a| a.mark.at <= span.to && a.ended.is_none_or(|m| m.at > since))
                    .collect();
                let mut workers: Vec<&StaffId> = held.iter().map(|a| &a.worker).collect();
                workers.sort();
                workers.dedup();
                if workers.len() >= 3 {
                    t.numerator = 1;
                    for a in held {
                        t.cite(a.mark, "worker_allocated", Counted::Numerator);
                    }
                }
                t.team = team_at(record, span.to).cloned();
            }
        }
        MissingEpisodes => {
            for m in record.missing.iter().filter(|m| span.holds(m.start.at)) {
                t.numerator += 1;
                t.cite(m.start, "missing_started", Counted::Numerator);
                if t.team.is_none() {
                    t.team = team_at(record, m.start.at).cloned();
                }
            }
        }
        CareLeaversInTouch | CareLeaversInEducationOrWork | CareLeaversSuitablyAccommodated => {
            care_leaver(measure, record, span, &mut t);
        }
        ChildrenPerSocialWorker => {
            if let Some(a) = allocation_at(record, span.to) {
                t.numerator = 1;
                t.cite(a.mark, "worker_allocated", Counted::Numerator);
                t.team = Some(a.team.clone());
                t.worker = Some(a.worker.clone());
            }
        }
        OpenCases => {
            if is_open(record, calendar, AsAt::end_of(span.last)) {
                t.numerator = 1;
                if let Some(latest) = record.log.iter().rev().find(|l| l.mark.at <= span.to) {
                    t.cite(latest.mark, latest.kind, Counted::Numerator);
                }
                t.team = team_at(record, span.to).cloned();
            }
        }
    }
    t
}

/// The care leaver measures: young people aged 19 to 21 at the period's end who had become
/// care leavers by then, judged by the latest information recorded by then.
fn care_leaver(measure: Measure, record: &ChildRecord, span: Span, t: &mut Tally) {
    let Some(born) = record.details.as_ref().and_then(|d| d.date_of_birth) else {
        return;
    };
    let cl = &record.care_leaver;
    let Some(status) = cl.statuses.iter().rev().find(|(m, _)| m.at <= span.to) else {
        return;
    };
    if !(19..=21).contains(&age_on(born, span.last))
        || record.date_of_death.is_some_and(|d| d <= span.last)
    {
        return;
    }
    t.denominator = 1;
    t.cite(
        status.0,
        "care_leaver_status_recorded",
        Counted::Denominator,
    );
    let met = match measure {
        Measure::CareLeaversInTouch => cl
            .contacts
            .iter()
            .rev()
            .find(|(m, _)| m.at <= span.to)
            .filter(|(_, c)| *c == CareLeaverInTouch::Yes)
            .map(|(m, _)| (*m, "care_leaver_contact_recorded")),
        Measure::CareLeaversInEducationOrWork => cl
            .activities
            .iter()
            .rev()
            .find(|(m, _)| m.at <= span.to)
            .filter(|(_, a)| !a.is_neet() && *a != CareLeaverActivity::Unknown)
            .map(|(m, _)| (*m, "care_leaver_activity_recorded")),
        _ => cl
            .accommodation
            .iter()
            .rev()
            .find(|(m, _)| m.at <= span.to)
            .filter(|(_, a)| a.is_suitable() == Some(true))
            .map(|(m, _)| (*m, "care_leaver_accommodation_recorded")),
    };
    if let Some((mark, kind)) = met {
        t.numerator = 1;
        t.cite(mark, kind, Counted::Numerator);
    }
    t.worker = cl
        .advisers
        .iter()
        .rev()
        .find(|(m, _)| m.at <= span.to)
        .map(|(_, s)| s.clone());
}
