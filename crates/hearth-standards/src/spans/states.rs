//! The states of a child's record as spans of time: an open case, an allocation, a plan, a
//! period of care, a care leaver's support, an age, a settled placement. Each is worked out
//! once per child, the first time a rule asks, and conditions combine them.

use std::borrow::Cow;
use std::cell::OnceCell;

use hearth_domain::Timestamp;
use hearth_domain::child::Mark;
use hearth_domain::codes::*;

use super::{Opening, Span, clip, intersect, union};
use crate::calendar::Calendar;
use crate::facts::{Facts, event_ref};
use crate::obligation::EventRef;
use crate::period::{self, Age};
use crate::ruleset::Condition;
use crate::vocabulary::{FactKind, State};

/// The spans of a child's record, each worked out the first time a rule asks for it.
pub(crate) struct States {
    /// Each state's spans (indexed like `State::ALL`).
    states: Vec<OnceCell<Vec<Span>>>,
    lifetime: OnceCell<Vec<Span>>,
    care: OnceCell<Vec<Span>>,
    placements: OnceCell<Vec<Span>>,
}

impl States {
    /// Nothing worked out yet.
    pub(crate) fn new() -> States {
        States {
            states: vec![OnceCell::new(); State::ALL.len()],
            lifetime: OnceCell::new(),
            care: OnceCell::new(),
            placements: OnceCell::new(),
        }
    }
}

impl Facts<'_> {
    /// Clips spans to what was known at the as-at instant, and to the child's life.
    fn clip(&self, spans: Vec<Span>) -> Vec<Span> {
        clip(spans, self.as_at, self.end_of_life)
    }

    fn span(&self, from: Mark, from_kind: FactKind, to: Option<(Mark, FactKind)>) -> Span {
        Span {
            from: from.at,
            to: to.map(|(m, _)| m.at),
            opened_by: Opening::Event(event_ref(from, from_kind)),
            closed_by: to.map(|(m, k)| event_ref(m, k)),
        }
    }

    /// The whole of the child's record, from registration.
    pub fn lifetime(&self) -> &[Span] {
        self.states
            .lifetime
            .get_or_init(|| self.since_registration())
    }

    fn since_registration(&self) -> Vec<Span> {
        let spans = self
            .record
            .registered
            .map(|m| {
                vec![Span {
                    from: m.at,
                    to: None,
                    opened_by: Opening::Event(EventRef {
                        version: m.version,
                        kind: "child_registered",
                        at: m.at,
                    }),
                    closed_by: None,
                }]
            })
            .unwrap_or_default();
        self.clip(spans)
    }

    /// The spans of time a state held.
    pub fn state(&self, state: State) -> &[Span] {
        match self.states.states.get(state as usize) {
            Some(cell) => cell.get_or_init(|| self.work_out(state)),
            None => &[],
        }
    }

    fn work_out(&self, state: State) -> Vec<Span> {
        use FactKind as K;
        let r = self.record;
        let episodes = || r.episodes_of_need.iter();
        let spans: Vec<Span> = match state {
            // A referral marked no further action closes at the front door: no case opens.
            State::OpenCase => episodes()
                .filter(|e| !e.no_further_action)
                .map(|e| {
                    self.span(
                        e.referral,
                        K::ReferralReceived,
                        e.closure.map(|(m, _)| (m, K::CaseClosed)),
                    )
                })
                .collect(),
            State::Allocated => r
                .allocations
                .iter()
                .map(|a| {
                    let end = a.ended.map(|m| {
                        let kind = match self.logged_kind(m) {
                            Some("worker_unallocated") => K::WorkerUnallocated,
                            Some("case_closed") => K::CaseClosed,
                            _ => K::WorkerAllocated,
                        };
                        (m, kind)
                    });
                    self.span(a.mark, K::WorkerAllocated, end)
                })
                .collect(),
            State::Assessment => episodes()
                .flat_map(|e| &e.assessments)
                .map(|a| {
                    self.span(
                        a.start,
                        K::AssessmentStarted,
                        a.completion
                            .as_ref()
                            .map(|(m, _, _)| (*m, K::AssessmentCompleted)),
                    )
                })
                .collect(),
            State::Section47 => episodes()
                .flat_map(|e| &e.enquiries)
                .map(|s| {
                    self.span(
                        s.start,
                        K::Section47Started,
                        s.completion.map(|(m, _, _)| (m, K::Section47Completed)),
                    )
                })
                .collect(),
            State::CpPlan => episodes()
                .flat_map(|e| &e.cp_plans)
                .map(|p| {
                    self.span(
                        p.start,
                        K::CpPlanStarted,
                        p.end.map(|(m, _)| (m, K::CpPlanEnded)),
                    )
                })
                .collect(),
            State::CinPlan => episodes()
                .flat_map(|e| &e.cin_plans)
                .map(|p| {
                    self.span(
                        p.start,
                        K::CinPlanStarted,
                        p.end.map(|(m, _)| (m, K::CinPlanEnded)),
                    )
                })
                .collect(),
            State::LookedAfter => self.periods_of_care().to_vec(),
            State::Missing | State::MissingOrAway => r
                .missing
                .iter()
                .filter(|m| state == State::MissingOrAway || m.kind == MissingKind::Missing)
                .map(|m| {
                    self.span(
                        m.start,
                        K::MissingEpisodeStarted,
                        m.end.map(|e| (e, K::MissingEpisodeEnded)),
                    )
                })
                .collect(),
            State::CareLeaver => self.supported(
                self.runs(
                    r.care_leaver
                        .statuses
                        .iter()
                        .map(|(m, c)| (*m, c.is_supported())),
                    K::CareLeaverStatusRecorded,
                ),
            ),
            State::Neet => self.runs(
                r.care_leaver
                    .activities
                    .iter()
                    .map(|(m, a)| (*m, a.is_neet())),
                K::CareLeaverActivityRecorded,
            ),
            State::PermanencePlan => self.plans_in_care(|_| true),
            State::LongTermPlacement => self.plans_in_care(|p| {
                matches!(
                    p,
                    PermanencePlan::LongTermFostering | PermanencePlan::LongTermResidential
                )
            }),
            State::AdoptionPlan => r
                .adoption
                .iter()
                .map(|a| {
                    let end = a.order.or(a.ended.map(|(m, _)| m));
                    Span {
                        from: a.decision.at,
                        to: end.map(|m| m.at),
                        opened_by: Opening::Event(EventRef {
                            version: a.decision.version,
                            kind: "adoption_decision_made",
                            at: a.decision.at,
                        }),
                        closed_by: None,
                    }
                })
                .collect(),
        };
        self.clip(union(spans, false))
    }

    /// A care leaver's status spans, cut to the support the service gives: to their 21st
    /// birthday, and from asking for support to continue to their 25th (the record's rule,
    /// `ChildRecord::care_leaver_support_ends_on`, read over time).
    fn supported(&self, statuses: Vec<Span>) -> Vec<Span> {
        use hearth_domain::child::CareLeaverRecord;
        let Some(dob) = self.date_of_birth else {
            return statuses;
        };
        let until =
            |years| hearth_domain::time::birthday(dob, years).map(Timestamp::start_of_london_day);
        let mut support = vec![Span {
            from: Timestamp::start_of_london_day(dob),
            to: until(CareLeaverRecord::SUPPORT_UNTIL),
            opened_by: Opening::Date(dob),
            closed_by: None,
        }];
        let extended = until(CareLeaverRecord::SUPPORT_ON_REQUEST_UNTIL);
        support.extend(
            self.record
                .care_leaver
                .support_requested
                .iter()
                .map(|m| Span {
                    from: m.at,
                    to: extended,
                    opened_by: Opening::Event(event_ref(*m, FactKind::CareLeaverSupportRequested)),
                    closed_by: None,
                })
                .filter(|s| s.to.is_none_or(|to| s.from < to)),
        );
        intersect(&statuses, &union(support, false))
    }

    /// Within each period of care, the spans from a permanence plan that `holds` until the
    /// next plan that does not (a plan made in an earlier period of care does not carry over).
    fn plans_in_care(&self, holds: impl Fn(PermanencePlan) -> bool) -> Vec<Span> {
        let plans = &self.record.permanence_plans;
        self.periods_of_care()
            .iter()
            .flat_map(|period| {
                let runs = self.runs(
                    plans
                        .iter()
                        .filter(|(m, _)| period.contains(m.at))
                        .map(|(m, p)| (*m, holds(*p))),
                    FactKind::PermanencePlanRecorded,
                );
                intersect(std::slice::from_ref(period), &runs)
            })
            .collect()
    }

    /// Spans from each record that turns a state on until the next that turns it off.
    fn runs(&self, records: impl Iterator<Item = (Mark, bool)>, kind: FactKind) -> Vec<Span> {
        let mut records: Vec<(Mark, bool)> = records.collect();
        records.sort_by_key(|(m, _)| (m.at, m.version));
        let mut spans = Vec::new();
        let mut open: Option<Mark> = None;
        for (mark, on) in records {
            match (open, on) {
                (None, true) => open = Some(mark),
                (Some(start), false) => {
                    spans.push(self.span(start, kind, Some((mark, kind))));
                    open = None;
                }
                _ => {}
            }
        }
        if let Some(start) = open {
            spans.push(self.span(start, kind, None));
        }
        spans
    }

    /// Periods of care: looked-after episodes joined where one ended with X1 and the next
    /// began.
    fn periods_of_care(&self) -> &[Span] {
        self.states.care.get_or_init(|| self.join_episodes())
    }

    fn join_episodes(&self) -> Vec<Span> {
        let mut spans: Vec<Span> = Vec::new();
        let mut joining = false;
        for e in &self.record.care_episodes {
            let end = e.end.map(|(m, _)| (m, FactKind::EpisodeEnded));
            let continues = joining && !spans.is_empty();
            if continues {
                if let Some(last) = spans.last_mut() {
                    last.to = end.map(|(m, _)| m.at);
                    last.closed_by = end.map(|(m, k)| event_ref(m, k));
                }
            } else {
                spans.push(self.span(e.start, FactKind::EpisodeStarted, end));
            }
            joining = matches!(e.end, Some((_, ReasonEpisodeCeased::X1)));
        }
        spans
    }

    /// Placements: from each episode start that begins a placement until the next, within
    /// periods of care.
    pub fn placements(&self) -> &[Span] {
        self.states.placements.get_or_init(|| self.each_placement())
    }

    fn each_placement(&self) -> Vec<Span> {
        let care = self.periods_of_care();
        let starts: Vec<Mark> = self
            .record
            .care_episodes
            .iter()
            .filter(|e| e.reason == ReasonNewEpisode::S || e.reason.changes_placement())
            .map(|e| e.start)
            .collect();
        let mut spans = Vec::new();
        for (i, s) in starts.iter().enumerate() {
            let next = starts.get(i + 1).map(|m| m.at);
            let Some(period) = care.iter().find(|p| p.contains(s.at)) else {
                continue;
            };
            let to = match (next, period.to) {
                (Some(n), Some(t)) => Some(n.min(t)),
                (Some(n), None) => Some(n),
                (None, t) => t,
            };
            spans.push(Span {
                from: s.at,
                to,
                opened_by: Opening::Event(event_ref(*s, FactKind::EpisodeStarted)),
                closed_by: None,
            });
        }
        self.clip(spans)
    }

    /// The span from reaching one age until reaching another.
    fn ages(&self, from: Option<Age>, under: Option<Age>) -> Vec<Span> {
        let Some(dob) = self.date_of_birth else {
            return Vec::new();
        };
        let start = match from {
            Some(a) => match a.reached_on(dob) {
                Some(d) => (Timestamp::start_of_london_day(d), Opening::Date(d)),
                None => return Vec::new(),
            },
            None => (Timestamp::start_of_london_day(dob), Opening::Date(dob)),
        };
        let end = match under {
            Some(a) => match a.reached_on(dob) {
                Some(d) => Some(Timestamp::start_of_london_day(d)),
                None => return Vec::new(),
            },
            None => None,
        };
        self.clip(vec![Span {
            from: start.0,
            to: end,
            opened_by: start.1,
            closed_by: None,
        }])
    }

    /// The spans where a condition holds.
    pub fn condition(&self, condition: &Condition, calendar: &Calendar) -> Cow<'_, [Span]> {
        let simple = condition.all.is_empty()
            && condition.age_from.is_none()
            && condition.age_under.is_none()
            && condition.placement_at_least.is_none();
        match condition.any.as_slice() {
            [] if simple => return Cow::Borrowed(self.lifetime()),
            [one] if simple => return Cow::Borrowed(self.state(*one)),
            _ => {}
        }
        let mut spans = match condition.any.as_slice() {
            [] => self.lifetime().to_vec(),
            [one] => self.state(*one).to_vec(),
            many => union(
                many.iter().flat_map(|s| self.state(*s)).copied().collect(),
                true,
            ),
        };
        for s in &condition.all {
            spans = intersect(&spans, self.state(*s));
        }
        if condition.age_from.is_some() || condition.age_under.is_some() {
            spans = intersect(&spans, &self.ages(condition.age_from, condition.age_under));
        }
        if let Some(p) = condition.placement_at_least {
            let settled: Vec<Span> = self
                .placements()
                .iter()
                .filter_map(|pl| {
                    let due = period::after(p, calendar, pl.from, None, &mut Vec::new())?;
                    let from = calendar.start_of_day(due.date);
                    Some(Span {
                        from,
                        to: pl.to,
                        opened_by: Opening::Date(due.date),
                        closed_by: None,
                    })
                })
                .filter(|s| s.to.is_none_or(|to| s.from < to))
                .collect();
            spans = intersect(&spans, &self.clip(settled));
        }
        Cow::Owned(spans)
    }
}
