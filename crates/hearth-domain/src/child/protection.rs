//! Child protection: concerns, strategy discussions, section 47 enquiries, conferences, child
//! protection plans and their core groups, and emergency protection.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::child::events::ChildEvent;
use crate::child::record::{Check, ChildRecord, Mark, born_by, not_before};
use crate::child::referral::{EpisodeOfNeed, require_active, require_open};
use crate::codes::*;
use crate::event::Recorded;
use crate::rules::{Rule, ensure, refuse};

/// A strategy discussion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrategyDiscussion {
    /// When.
    pub mark: Mark,
    /// Who took part.
    pub agencies: Vec<Agency>,
    /// What was decided.
    pub decision: StrategyDecision,
    /// Whether a section 47 enquiry has started from it.
    pub enquiry_started: bool,
}

/// A section 47 enquiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section47 {
    /// Started.
    pub start: Mark,
    /// The strategy discussion it started from.
    pub strategy: Option<Mark>,
    /// Completed, with the finding and whether a conference is needed.
    pub completion: Option<(Mark, Section47Outcome, bool)>,
    /// The initial conference that followed.
    pub conference: Option<Mark>,
}

/// An initial child protection conference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitialConference {
    /// When.
    pub mark: Mark,
    /// Whether it was a transfer-in conference.
    pub transfer_in: bool,
    /// What it decided.
    pub outcome: InitialConferenceOutcome,
    /// The category of abuse, when a plan was decided.
    pub category: Option<CategoryOfAbuse>,
    /// Whether the plan it decided on has started.
    pub plan_started: bool,
}

/// A review child protection conference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewConference {
    /// When.
    pub mark: Mark,
    /// What it decided.
    pub outcome: ReviewConferenceOutcome,
    /// The category of abuse it changed the plan to, if it changed it.
    pub category: Option<CategoryOfAbuse>,
}

/// A child protection plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpPlan {
    /// Started.
    pub start: Mark,
    /// The initial conference that decided on it.
    pub conference: Mark,
    /// Category at the start.
    pub initial_category: CategoryOfAbuse,
    /// Category now (changed by review conferences).
    pub latest_category: CategoryOfAbuse,
    /// Core group meetings.
    pub core_groups: Vec<Mark>,
    /// Review conferences.
    pub reviews: Vec<ReviewConference>,
    /// Ended, and why.
    pub end: Option<(Mark, CpPlanEndReason)>,
}

impl ChildRecord {
    /// The open child protection plan.
    pub fn open_cp_plan(&self) -> Option<&CpPlan> {
        self.open_episode().and_then(EpisodeOfNeed::open_cp_plan)
    }

    fn open_cp_plan_mut(&mut self) -> Option<&mut CpPlan> {
        self.open_episode_mut()
            .and_then(|e| e.cp_plans.last_mut().filter(|p| p.end.is_none()))
    }
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, event: &ChildEvent) {
    use ChildEvent::*;
    match event {
        ConcernRaised { .. } => {
            if let Some(e) = record.open_episode_mut() {
                e.concerns.push(mark);
            }
        }
        StrategyDiscussionHeld { agencies, decision } => {
            if let Some(e) = record.open_episode_mut() {
                e.strategy_discussions.push(StrategyDiscussion {
                    mark,
                    agencies: agencies.clone(),
                    decision: *decision,
                    enquiry_started: false,
                });
            }
        }
        Section47Started {} => {
            if let Some(e) = record.open_episode_mut() {
                let strategy = e
                    .strategy_discussions
                    .iter_mut()
                    .rev()
                    .find(|s| s.decision == StrategyDecision::Section47 && !s.enquiry_started);
                let strategy = strategy.map(|s| {
                    s.enquiry_started = true;
                    s.mark
                });
                e.enquiries.push(Section47 {
                    start: mark,
                    strategy,
                    completion: None,
                    conference: None,
                });
            }
        }
        Section47Completed {
            outcome,
            conference_needed,
        } => {
            if let Some(s) = record
                .open_episode_mut()
                .and_then(|e| e.enquiries.last_mut())
                && s.completion.is_none()
            {
                s.completion = Some((mark, *outcome, *conference_needed));
            }
        }
        InitialConferenceHeld {
            transfer_in,
            outcome,
            category,
        } => {
            if let Some(e) = record.open_episode_mut() {
                if !*transfer_in
                    && let Some(s) = e.enquiries.iter_mut().rev().find(|s| {
                        s.conference.is_none() && matches!(s.completion, Some((_, _, true)))
                    })
                {
                    s.conference = Some(mark);
                }
                e.initial_conferences.push(InitialConference {
                    mark,
                    transfer_in: *transfer_in,
                    outcome: *outcome,
                    category: *category,
                    plan_started: false,
                });
            }
        }
        CpPlanStarted {} => {
            if let Some(e) = record.open_episode_mut() {
                let conference = e
                    .initial_conferences
                    .iter_mut()
                    .rev()
                    .find(|c| c.outcome == InitialConferenceOutcome::CpPlan && !c.plan_started);
                if let Some(c) = conference {
                    c.plan_started = true;
                    let category = c.category.unwrap_or(CategoryOfAbuse::Mul);
                    let conference = c.mark;
                    e.cp_plans.push(CpPlan {
                        start: mark,
                        conference,
                        initial_category: category,
                        latest_category: category,
                        core_groups: Vec::new(),
                        reviews: Vec::new(),
                        end: None,
                    });
                }
            }
        }
        CoreGroupHeld {} => {
            if let Some(p) = record.open_cp_plan_mut() {
                p.core_groups.push(mark);
            }
        }
        ReviewConferenceHeld { outcome, category } => {
            if let Some(p) = record.open_cp_plan_mut() {
                p.reviews.push(ReviewConference {
                    mark,
                    outcome: *outcome,
                    category: *category,
                });
                if let Some(c) = category {
                    p.latest_category = *c;
                }
            }
        }
        CpPlanEnded { reason } => {
            if let Some(p) = record.open_cp_plan_mut() {
                p.end = Some((mark, *reason));
            }
        }
        EmergencyProtectionRecorded { kind } => record.emergency_protection.push((mark, *kind)),
        EarlierCpPlansRecorded { count } => record.earlier_cp_plans = *count,
        // The other areas' events.
        _ => {}
    }
}

/// Checks an event against this area's rules, if it is one of this area's.
pub(super) fn check(record: &ChildRecord, ev: &Recorded<ChildEvent>) -> Check {
    use ChildEvent::*;
    let date = ev.date();
    match &ev.event {
        ConcernRaised { .. } => require_active(record, "a safeguarding concern").map(|_| ()),
        StrategyDiscussionHeld { agencies, .. } => {
            require_active(record, "a strategy discussion")?;
            ensure(!agencies.is_empty(), Rule::StrategyAgencies, || {
                "record which agencies took part".to_owned()
            })?;
            for (i, a) in agencies.iter().enumerate() {
                ensure(!agencies[..i].contains(a), Rule::StrategyAgencies, || {
                    format!("agency {a} is listed twice")
                })?;
            }
            Ok(())
        }
        Section47Started {} => {
            let e = require_active(record, "a section 47 enquiry")?;
            if let Some(s) = e.open_enquiry() {
                return refuse(
                    Rule::Section47Open,
                    format!(
                        "a section 47 enquiry has been open since {}",
                        s.start.date()
                    ),
                );
            }
            let decided = e
                .strategy_discussions
                .iter()
                .any(|s| s.decision == StrategyDecision::Section47 && !s.enquiry_started);
            ensure(decided, Rule::Section47NeedsStrategy, || {
                "a section 47 enquiry starts from a strategy discussion that decided on one"
                    .to_owned()
            })
        }
        Section47Completed {
            outcome,
            conference_needed,
        } => {
            let e = require_open(record, "completing a section 47 enquiry")?;
            let Some(s) = e.open_enquiry() else {
                return refuse(Rule::NoOpenSection47, "no section 47 enquiry is open");
            };
            not_before("completing the enquiry", date, s.start.date())?;
            ensure(
                !conference_needed || *outcome == Section47Outcome::SubstantiatedAtRisk,
                Rule::ConferenceNotWarranted,
                || {
                    "a conference is called only when concerns are substantiated and the child is likely to suffer significant harm".to_owned()
                },
            )
        }
        InitialConferenceHeld {
            transfer_in,
            outcome,
            category,
        } => {
            let e = require_active(record, "an initial child protection conference")?;
            weekday(date, "a child protection conference")?;
            let plan = *outcome == InitialConferenceOutcome::CpPlan;
            ensure(plan == category.is_some(), Rule::ConferenceCategory, || {
                if plan {
                    "a conference that decides on a plan names the category of abuse".to_owned()
                } else {
                    "a category of abuse is given only when the conference decides on a plan"
                        .to_owned()
                }
            })?;
            if let Some(p) = e.open_cp_plan() {
                return refuse(
                    Rule::CpPlanOpen,
                    format!(
                        "a child protection plan has been open since {}: hold a review conference",
                        p.start.date()
                    ),
                );
            }
            if !*transfer_in {
                let waiting = e
                    .enquiries
                    .iter()
                    .any(|s| s.conference.is_none() && matches!(s.completion, Some((_, _, true))));
                ensure(waiting, Rule::ConferenceNeedsSection47, || {
                    "an initial conference follows a section 47 enquiry that called for one (or is a transfer in)".to_owned()
                })?;
            }
            Ok(())
        }
        CpPlanStarted {} => {
            let e = require_active(record, "a child protection plan")?;
            if let Some(p) = e.open_cp_plan() {
                return refuse(
                    Rule::CpPlanOpen,
                    format!(
                        "a child protection plan has been open since {}",
                        p.start.date()
                    ),
                );
            }
            if let Some(p) = e.open_cin_plan() {
                return refuse(
                    Rule::PlansOverlap,
                    format!(
                        "end the child in need plan open since {} before starting a child protection plan",
                        p.start.date()
                    ),
                );
            }
            let conference = e
                .initial_conferences
                .iter()
                .rev()
                .find(|c| c.outcome == InitialConferenceOutcome::CpPlan && !c.plan_started);
            match conference {
                Some(c) if c.mark.date() == date => Ok(()),
                Some(c) => refuse(
                    Rule::CpPlanNeedsConference,
                    format!(
                        "the plan starts on the day of the conference that decided on it ({})",
                        c.mark.date()
                    ),
                ),
                None => refuse(
                    Rule::CpPlanNeedsConference,
                    "a child protection plan starts only from an initial conference that decided on one",
                ),
            }
        }
        CoreGroupHeld {} => match record.open_cp_plan() {
            Some(p) => not_before("a core group", date, p.start.date()),
            None => refuse(
                Rule::NoOpenCpPlan,
                "a core group needs an open child protection plan",
            ),
        },
        ReviewConferenceHeld { .. } => match record.open_cp_plan() {
            Some(p) => {
                weekday(date, "a child protection conference")?;
                not_before("a review conference", date, p.start.date())
            }
            None => refuse(
                Rule::NoOpenCpPlan,
                "a review conference needs an open child protection plan",
            ),
        },
        CpPlanEnded { .. } => match record.open_cp_plan() {
            Some(p) => {
                not_before("ending the plan", date, p.start.date())?;
                ensure(date > p.start.date(), Rule::CpPlanSameDay, || {
                    "a child protection plan cannot start and end on the same day".to_owned()
                })
            }
            None => refuse(
                Rule::NoOpenCpPlan,
                "there is no open child protection plan to end",
            ),
        },
        EmergencyProtectionRecorded { .. } => born_by(record, date, "emergency protection"),
        EarlierCpPlansRecorded { .. } => Ok(()),
        // The other areas' events.
        _ => Ok(()),
    }
}

fn weekday(date: NaiveDate, what: &str) -> Check {
    ensure(
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        Rule::ConferenceAtWeekend,
        || {
            format!(
                "{what} cannot be held at a weekend ({date} is a {})",
                date.weekday()
            )
        },
    )
}
