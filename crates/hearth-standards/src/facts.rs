//! What the standards read from a child's folded record: the events, as facts with the few
//! attributes rules filter on, and the states of the record as spans of time. Only what had
//! happened by the as-at instant is visible.

use std::borrow::Cow;
use std::cell::OnceCell;

use chrono::NaiveDate;
use hearth_domain::ChildRecord;
use hearth_domain::Timestamp;
use hearth_domain::child::Mark;
use hearth_domain::codes::*;

use crate::calendar::Calendar;
use crate::obligation::EventRef;
use crate::period::{self, Age};
use crate::ruleset::{Condition, Matcher};
use crate::vocabulary::{FactCondition, FactKind, Filter, State};

/// The attributes of a fact that rules can filter on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Data {
    None,
    Referral {
        nfa: bool,
    },
    Allocation {
        reason: WorkerChangeReason,
        first: bool,
        worker_changed: bool,
        team_changed: bool,
    },
    Assessment(AssessmentOutcome),
    Strategy(StrategyDecision),
    Section47 {
        outcome: Section47Outcome,
        conference_needed: bool,
    },
    InitialConference {
        outcome: InitialConferenceOutcome,
        transfer_in: bool,
    },
    ReviewConference(ReviewConferenceOutcome),
    CinMeeting(CinMeetingKind),
    CinPlanEnd(CinPlanEndReason),
    CpPlanEnd(CpPlanEndReason),
    Emergency(EmergencyProtectionKind),
    Visit {
        kind: VisitKind,
        child_seen: bool,
        seen_alone: bool,
        reason_given: bool,
        bedroom_seen: bool,
    },
    Meeting(MeetingKind),
    /// A document and its audiences, as a bit set over `Audience::ALL`.
    Document {
        document: DocumentKind,
        audiences: u16,
    },
    Response {
        to: DocumentKind,
        agreed: bool,
    },
    EpisodeStart {
        reason: ReasonNewEpisode,
        legal_status: LegalStatus,
    },
    EpisodeEnd(ReasonEpisodeCeased),
    Plan(PermanencePlan),
    Missing(MissingKind),
    Interview {
        accepted: bool,
    },
    Status(CareLeaverCategory),
    Contact(CareLeaverInTouch),
    Activity(CareLeaverActivity),
    Pathway(PathwayPlanStage),
    Note {
        significant: bool,
    },
    Closure(ReasonForClosure),
}

/// An event as the standards see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fact {
    pub event: EventRef,
    /// The day it happened, in England.
    pub date: NaiveDate,
    pub recorded_at: Timestamp,
    pub data: Data,
}

/// The bit for an audience in a document's audience set.
pub(crate) fn audience_bit(a: Audience) -> u16 {
    let i = Audience::ALL.iter().position(|x| *x == a).unwrap_or(0);
    1 << i
}

fn audience_bits(list: &[Audience]) -> u16 {
    list.iter().fold(0, |acc, a| acc | audience_bit(*a))
}

impl FactCondition {
    fn holds(self, data: &Data) -> bool {
        use FactCondition as C;
        match (self, *data) {
            (C::Nfa, Data::Referral { nfa }) => nfa,
            (C::NotNfa, Data::Referral { nfa }) => !nfa,
            (C::FirstAllocation, Data::Allocation { first, .. }) => first,
            (C::ChangeOfWorker, Data::Allocation { worker_changed, .. }) => worker_changed,
            (C::ChangeOfTeam, Data::Allocation { team_changed, .. }) => team_changed,
            (C::ChildSeen, Data::Visit { child_seen, .. }) => child_seen,
            (
                C::SeenAlone,
                Data::Visit {
                    child_seen,
                    seen_alone,
                    ..
                },
            ) => child_seen && seen_alone,
            (
                C::SeenAloneOrReason,
                Data::Visit {
                    child_seen,
                    seen_alone,
                    reason_given,
                    ..
                },
            ) => child_seen && (seen_alone || reason_given),
            (C::Statutory, Data::Visit { kind, .. }) => kind.is_statutory(),
            (C::BedroomSeen, Data::Visit { bedroom_seen, .. }) => bedroom_seen,
            (
                C::ConferenceNeeded,
                Data::Section47 {
                    conference_needed, ..
                },
            ) => conference_needed,
            (
                C::NoConferenceNeeded,
                Data::Section47 {
                    conference_needed, ..
                },
            ) => !conference_needed,
            (C::TransferIn, Data::InitialConference { transfer_in, .. }) => transfer_in,
            (C::NotTransferIn, Data::InitialConference { transfer_in, .. }) => !transfer_in,
            (C::Agreed, Data::Response { agreed, .. }) => agreed,
            (C::NotAgreed, Data::Response { agreed, .. }) => !agreed,
            (C::EntersCare, Data::EpisodeStart { reason, .. }) => reason == ReasonNewEpisode::S,
            (C::PlacementStarts, Data::EpisodeStart { reason, .. }) => {
                reason == ReasonNewEpisode::S || reason.changes_placement()
            }
            (C::LeavesCare, Data::EpisodeEnd(reason)) => reason != ReasonEpisodeCeased::X1,
            (C::Accepted, Data::Interview { accepted }) => accepted,
            (C::InTouch, Data::Contact(c)) => c == CareLeaverInTouch::Yes,
            (C::Neet, Data::Activity(a)) => a.is_neet(),
            (C::NotNeet, Data::Activity(a)) => !a.is_neet() && a != CareLeaverActivity::Unknown,
            (C::Significant, Data::Note { significant }) => significant,
            _ => false,
        }
    }
}

impl Filter {
    fn holds(&self, data: &Data) -> bool {
        match (self, *data) {
            (Filter::Decision(v), Data::Strategy(d)) => v.contains(&d),
            (Filter::AssessmentOutcome(v), Data::Assessment(o)) => v.contains(&o),
            (Filter::Section47Outcome(v), Data::Section47 { outcome, .. }) => v.contains(&outcome),
            (Filter::InitialConferenceOutcome(v), Data::InitialConference { outcome, .. }) => {
                v.contains(&outcome)
            }
            (Filter::ReviewConferenceOutcome(v), Data::ReviewConference(o)) => v.contains(&o),
            (Filter::VisitKind(v), Data::Visit { kind, .. }) => v.contains(&kind),
            (Filter::CinMeetingKind(v), Data::CinMeeting(k)) => v.contains(&k),
            (Filter::MissingKind(v), Data::Missing(k)) => v.contains(&k),
            (Filter::EmergencyProtectionKind(v), Data::Emergency(k)) => v.contains(&k),
            (Filter::AllocationReason(v), Data::Allocation { reason, .. }) => v.contains(&reason),
            (Filter::EpisodeStartReason(v), Data::EpisodeStart { reason, .. }) => {
                v.contains(&reason)
            }
            (Filter::EpisodeEndReason(v), Data::EpisodeEnd(r)) => v.contains(&r),
            (Filter::CinPlanEndReason(v), Data::CinPlanEnd(r)) => v.contains(&r),
            (Filter::CpPlanEndReason(v), Data::CpPlanEnd(r)) => v.contains(&r),
            (Filter::ClosureReason(v), Data::Closure(r)) => v.contains(&r),
            (Filter::LegalStatus(v), Data::EpisodeStart { legal_status, .. }) => {
                v.contains(&legal_status)
            }
            (Filter::Meeting(v), Data::Meeting(m)) => v.contains(&m),
            (Filter::Document(v), Data::Document { document, .. }) => v.contains(&document),
            // One event need only reach one of the audiences; satisfaction checks them all.
            (Filter::Audiences(v), Data::Document { audiences, .. }) => {
                audience_bits(v) & audiences != 0
            }
            (Filter::To(v), Data::Response { to, .. }) => v.contains(&to),
            (Filter::Plan(v), Data::Plan(p)) => v.contains(&p),
            (Filter::Category(v), Data::Status(c)) => v.contains(&c),
            (Filter::Activity(v), Data::Activity(a)) => v.contains(&a),
            (Filter::Stage(v), Data::Pathway(s)) => v.contains(&s),
            _ => false,
        }
    }
}

impl Matcher {
    /// Whether one fact matches the kind, conditions and filters (not `nth`).
    pub(crate) fn matches(&self, kind: FactKind, fact: &Fact) -> bool {
        let kind_ok = kind == self.kind || (self.or_withheld && kind == FactKind::DocumentWithheld);
        kind_ok
            && self.conditions.iter().all(|c| c.holds(&fact.data))
            && self.filters.iter().all(|f| f.holds(&fact.data))
    }

    /// The audiences every one of which must be reached, when the matcher names them.
    pub(crate) fn audiences(&self) -> Option<u16> {
        self.filters.iter().find_map(|f| match f {
            Filter::Audiences(v) => Some(audience_bits(v)),
            _ => None,
        })
    }
}

/// What opened a span of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Opening {
    /// An event.
    Event(EventRef),
    /// The child reached an age, or had been in a placement long enough, on this date.
    Date(NaiveDate),
}

/// A span of time, from an instant until an instant or still open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub from: Timestamp,
    pub to: Option<Timestamp>,
    pub opened_by: Opening,
    /// The event that closed it, if an event did.
    pub closed_by: Option<EventRef>,
}

impl Span {
    pub fn contains(&self, t: Timestamp) -> bool {
        self.from <= t && self.to.is_none_or(|to| t < to)
    }
}

/// Merges spans that overlap or touch. With `same_day`, also spans where one ends and the
/// next begins on the same day in England: for different states, a child leaving care at
/// 10:00 and becoming a care leaver at 10:05 has one span of "looked after or care leaver".
/// Two spans of one state stay apart (two missing episodes in a day are two).
pub(crate) fn union(mut spans: Vec<Span>, same_day: bool) -> Vec<Span> {
    spans.sort_by_key(|s| s.from);
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        let joins =
            |to: Timestamp| s.from <= to || (same_day && s.from.london_date() == to.london_date());
        match out.last_mut() {
            Some(last) if last.to.is_none_or(joins) => {
                if let Some(to) = last.to {
                    match s.to {
                        None => {
                            last.to = None;
                            last.closed_by = None;
                        }
                        Some(sto) if sto > to => {
                            last.to = Some(sto);
                            last.closed_by = s.closed_by;
                        }
                        _ => {}
                    }
                }
            }
            _ => out.push(s),
        }
    }
    out
}

/// The spans where both lists hold.
pub(crate) fn intersect(a: &[Span], b: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for x in a {
        for y in b {
            let (from, opened_by) = if y.from > x.from {
                (y.from, y.opened_by)
            } else {
                (x.from, x.opened_by)
            };
            let (to, closed_by) = match (x.to, y.to) {
                (None, None) => (None, None),
                (Some(t), None) => (Some(t), x.closed_by),
                (None, Some(t)) => (Some(t), y.closed_by),
                (Some(s), Some(t)) if s <= t => (Some(s), x.closed_by),
                (Some(_), Some(t)) => (Some(t), y.closed_by),
            };
            if to.is_none_or(|to| from < to) {
                out.push(Span {
                    from,
                    to,
                    opened_by,
                    closed_by,
                });
            }
        }
    }
    out.sort_by_key(|s| s.from);
    out
}

/// A meeting known to the record: booked, held, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KnownMeeting {
    pub kind: MeetingKind,
    /// When it is (or was) to take place.
    pub at: Timestamp,
    pub booked: Option<EventRef>,
    pub held: Option<EventRef>,
    pub cancelled: Option<EventRef>,
    /// A later booking of the same meeting, made before this one's time.
    pub rebooked: Option<EventRef>,
    /// The meeting being held on another day before this booking's time: the booking is
    /// closed by it.
    pub held_instead: Option<EventRef>,
}

/// A child's record read for the standards, as at an instant.
pub(crate) struct Facts<'r> {
    pub record: &'r ChildRecord,
    pub as_at: Timestamp,
    by_kind: Vec<Vec<Fact>>,
    /// The kind and recording time of each version, from the record's log.
    versions: Vec<Option<(&'static str, Timestamp)>>,
    pub date_of_birth: Option<NaiveDate>,
    /// When the child died (the start of the day after the date of death).
    pub end_of_life: Option<Timestamp>,
    /// Each state's spans, worked out the first time a rule asks (indexed like `State::ALL`).
    states: Vec<OnceCell<Vec<Span>>>,
    lifetime: OnceCell<Vec<Span>>,
    care: OnceCell<Vec<Span>>,
    placements: OnceCell<Vec<Span>>,
}

fn event_ref(mark: Mark, kind: FactKind) -> EventRef {
    EventRef {
        version: mark.version,
        kind: kind.name(),
        at: mark.at,
    }
}

impl<'r> Facts<'r> {
    /// Reads the kinds `needed` (indexed like `FactKind::ALL`) from a record.
    pub fn read(
        record: &'r ChildRecord,
        as_at: Timestamp,
        needed: &[bool],
        calendar: &Calendar,
    ) -> Facts<'r> {
        let max_version = record.log.iter().map(|e| e.mark.version).max().unwrap_or(0);
        let mut versions = vec![None; usize::try_from(max_version).unwrap_or(0) + 1];
        for e in &record.log {
            if let Some(slot) = usize::try_from(e.mark.version)
                .ok()
                .and_then(|v| versions.get_mut(v))
            {
                *slot = Some((e.kind, e.recorded_at));
            }
        }
        let end_of_life = record
            .date_of_death
            .and_then(|d| d.succ_opt())
            .map(Timestamp::start_of_london_day);
        let mut facts = Facts {
            record,
            as_at,
            by_kind: vec![Vec::new(); FactKind::ALL.len()],
            versions,
            date_of_birth: record.date_of_birth(),
            end_of_life,
            states: vec![OnceCell::new(); State::ALL.len()],
            lifetime: OnceCell::new(),
            care: OnceCell::new(),
            placements: OnceCell::new(),
        };
        for (i, kind) in FactKind::ALL.iter().enumerate() {
            if needed.get(i).copied().unwrap_or(false) {
                let mut list = facts.collect(*kind);
                list.retain(|f| f.event.at <= as_at);
                for f in &mut list {
                    f.date = calendar.london_date(f.event.at);
                }
                list.sort_by_key(|f| (f.event.at, f.event.version));
                facts.by_kind[i] = list;
            }
        }
        facts
    }

    /// Facts of one kind, in the order they happened.
    pub fn of(&self, kind: FactKind) -> &[Fact] {
        self.by_kind.get(kind as usize).map_or(&[], Vec::as_slice)
    }

    /// When the event of a version was recorded.
    pub fn recorded_at_version(&self, version: u64) -> Option<Timestamp> {
        usize::try_from(version)
            .ok()
            .and_then(|v| self.versions.get(v).copied().flatten())
            .map(|(_, r)| r)
    }

    fn recorded_at(&self, mark: Mark) -> Timestamp {
        usize::try_from(mark.version)
            .ok()
            .and_then(|v| self.versions.get(v).copied().flatten())
            .map_or(mark.at, |(_, r)| r)
    }

    fn logged_kind(&self, mark: Mark) -> Option<&'static str> {
        usize::try_from(mark.version)
            .ok()
            .and_then(|v| self.versions.get(v).copied().flatten())
            .map(|(k, _)| k)
    }

    fn fact(&self, mark: Mark, kind: FactKind, data: Data) -> Fact {
        Fact {
            event: event_ref(mark, kind),
            date: NaiveDate::MIN,
            recorded_at: self.recorded_at(mark),
            data,
        }
    }

    fn collect(&self, kind: FactKind) -> Vec<Fact> {
        use FactKind as K;
        let r = self.record;
        let f = |mark: Mark, data: Data| self.fact(mark, kind, data);
        let episodes = r.episodes_of_need.iter();
        match kind {
            K::Any => r
                .log
                .iter()
                .filter(|e| e.kind != "corrected")
                .map(|e| Fact {
                    event: EventRef {
                        version: e.mark.version,
                        kind: e.kind,
                        at: e.mark.at,
                    },
                    date: NaiveDate::MIN,
                    recorded_at: e.recorded_at,
                    data: Data::Note {
                        significant: e.significant,
                    },
                })
                .collect(),
            K::ReferralReceived => episodes
                .map(|e| {
                    f(
                        e.referral,
                        Data::Referral {
                            nfa: e.no_further_action,
                        },
                    )
                })
                .collect(),
            K::WorkerAllocated => r
                .allocations
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let before = i.checked_sub(1).and_then(|p| r.allocations.get(p));
                    f(
                        a.mark,
                        Data::Allocation {
                            reason: a.reason,
                            first: before.is_none(),
                            worker_changed: before.is_some_and(|b| b.worker != a.worker),
                            team_changed: before.is_some_and(|b| b.team != a.team),
                        },
                    )
                })
                .collect(),
            K::WorkerUnallocated => r
                .allocations
                .iter()
                .filter_map(|a| a.ended)
                .filter(|m| self.logged_kind(*m) == Some("worker_unallocated"))
                .map(|m| f(m, Data::None))
                .collect(),
            K::EarlyHelpAssessmentStarted => r
                .early_help
                .iter()
                .map(|e| f(e.start, Data::None))
                .collect(),
            K::EarlyHelpAssessmentCompleted => r
                .early_help
                .iter()
                .filter_map(|e| e.completed)
                .map(|m| f(m, Data::None))
                .collect(),
            K::AssessmentStarted => episodes
                .flat_map(|e| &e.assessments)
                .map(|a| f(a.start, Data::None))
                .collect(),
            K::AssessmentCompleted => episodes
                .flat_map(|e| &e.assessments)
                .filter_map(|a| a.completion.as_ref())
                .map(|(m, _, o)| f(*m, Data::Assessment(*o)))
                .collect(),
            K::AssessmentAuthorised => episodes
                .flat_map(|e| &e.assessments)
                .filter_map(|a| a.authorisation.as_ref())
                .map(|(m, _)| f(*m, Data::None))
                .collect(),
            K::ConcernRaised => episodes
                .flat_map(|e| &e.concerns)
                .map(|m| f(*m, Data::None))
                .collect(),
            K::StrategyDiscussionHeld => episodes
                .flat_map(|e| &e.strategy_discussions)
                .map(|s| f(s.mark, Data::Strategy(s.decision)))
                .collect(),
            K::Section47Started => episodes
                .flat_map(|e| &e.enquiries)
                .map(|s| f(s.start, Data::None))
                .collect(),
            K::Section47Completed => episodes
                .flat_map(|e| &e.enquiries)
                .filter_map(|s| s.completion)
                .map(|(m, outcome, conference_needed)| {
                    f(
                        m,
                        Data::Section47 {
                            outcome,
                            conference_needed,
                        },
                    )
                })
                .collect(),
            K::InitialConferenceHeld => episodes
                .flat_map(|e| &e.initial_conferences)
                .map(|c| {
                    f(
                        c.mark,
                        Data::InitialConference {
                            outcome: c.outcome,
                            transfer_in: c.transfer_in,
                        },
                    )
                })
                .collect(),
            K::CpPlanStarted => episodes
                .flat_map(|e| &e.cp_plans)
                .map(|p| f(p.start, Data::None))
                .collect(),
            K::CoreGroupHeld => episodes
                .flat_map(|e| &e.cp_plans)
                .flat_map(|p| &p.core_groups)
                .map(|m| f(*m, Data::None))
                .collect(),
            K::ReviewConferenceHeld => episodes
                .flat_map(|e| &e.cp_plans)
                .flat_map(|p| &p.reviews)
                .map(|c| f(c.mark, Data::ReviewConference(c.outcome)))
                .collect(),
            K::CpPlanEnded => episodes
                .flat_map(|e| &e.cp_plans)
                .filter_map(|p| p.end)
                .map(|(m, reason)| f(m, Data::CpPlanEnd(reason)))
                .collect(),
            K::EmergencyProtectionRecorded => r
                .emergency_protection
                .iter()
                .map(|(m, k)| f(*m, Data::Emergency(*k)))
                .collect(),
            K::CinPlanStarted => episodes
                .flat_map(|e| &e.cin_plans)
                .map(|p| f(p.start, Data::None))
                .collect(),
            K::CinMeetingHeld => episodes
                .flat_map(|e| &e.cin_plans)
                .flat_map(|p| &p.meetings)
                .map(|(m, k)| f(*m, Data::CinMeeting(*k)))
                .collect(),
            K::CinPlanEnded => episodes
                .flat_map(|e| &e.cin_plans)
                .filter_map(|p| p.end)
                .map(|(m, reason)| f(m, Data::CinPlanEnd(reason)))
                .collect(),
            K::VisitMade => r
                .visits
                .iter()
                .map(|v| {
                    f(
                        v.mark,
                        Data::Visit {
                            kind: v.kind,
                            child_seen: v.child_seen,
                            seen_alone: v.seen_alone == Some(true),
                            reason_given: v.not_alone_reason_given,
                            bedroom_seen: v.bedroom_seen == Some(true),
                        },
                    )
                })
                .collect(),
            K::MeetingScheduled => r
                .meetings
                .iter()
                .map(|m| f(m.booked, Data::Meeting(m.kind)))
                .collect(),
            K::MeetingHeld => r
                .meetings_held
                .iter()
                .map(|(m, k)| f(*m, Data::Meeting(*k)))
                .collect(),
            K::DocumentShared | K::DocumentWithheld => r
                .documents
                .iter()
                .filter(|d| d.withheld_by.is_some() == (kind == K::DocumentWithheld))
                .map(|d| {
                    f(
                        d.mark,
                        Data::Document {
                            document: d.document,
                            audiences: audience_bits(&d.audiences),
                        },
                    )
                })
                .collect(),
            K::ManagerResponseRecorded => r
                .responses
                .iter()
                .map(|x| {
                    f(
                        x.mark,
                        Data::Response {
                            to: x.to,
                            agreed: x.agreed,
                        },
                    )
                })
                .collect(),
            K::DissentRecorded => r.dissent.iter().map(|(m, _)| f(*m, Data::None)).collect(),
            K::PoliceInformed => r
                .police_informed
                .iter()
                .map(|m| f(*m, Data::None))
                .collect(),
            K::EpisodeStarted => r
                .care_episodes
                .iter()
                .map(|e| {
                    f(
                        e.start,
                        Data::EpisodeStart {
                            reason: e.reason,
                            legal_status: e.legal_status,
                        },
                    )
                })
                .collect(),
            K::EpisodeEnded => r
                .care_episodes
                .iter()
                .filter_map(|e| e.end)
                .map(|(m, reason)| f(m, Data::EpisodeEnd(reason)))
                .collect(),
            K::ClaReviewHeld => r
                .cla_reviews
                .iter()
                .map(|c| f(c.mark, Data::None))
                .collect(),
            K::CarePlanRecorded => r.care_plans.iter().map(|m| f(*m, Data::None)).collect(),
            K::PermanencePlanRecorded => r
                .permanence_plans
                .iter()
                .map(|(m, p)| f(*m, Data::Plan(*p)))
                .collect(),
            K::HealthAssessmentCompleted => r
                .health
                .assessments
                .iter()
                .map(|m| f(*m, Data::None))
                .collect(),
            K::DevelopmentCheckCompleted => r
                .health
                .development_checks
                .iter()
                .map(|m| f(*m, Data::None))
                .collect(),
            K::DentalCheckCompleted => r
                .health
                .dental_checks
                .iter()
                .map(|m| f(*m, Data::None))
                .collect(),
            K::PepHeld => r.peps.iter().map(|m| f(*m, Data::None)).collect(),
            K::MissingEpisodeStarted => r
                .missing
                .iter()
                .map(|m| f(m.start, Data::Missing(m.kind)))
                .collect(),
            K::MissingEpisodeEnded => r
                .missing
                .iter()
                .filter_map(|m| m.end)
                .map(|m| f(m, Data::None))
                .collect(),
            K::ReturnInterviewOffered => r
                .missing
                .iter()
                .filter_map(|m| m.interview)
                .map(|(m, accepted)| f(m, Data::Interview { accepted }))
                .collect(),
            K::CareLeaverStatusRecorded => r
                .care_leaver
                .statuses
                .iter()
                .map(|(m, c)| f(*m, Data::Status(*c)))
                .collect(),
            K::CareLeaverContactRecorded => r
                .care_leaver
                .contacts
                .iter()
                .map(|(m, c)| f(*m, Data::Contact(*c)))
                .collect(),
            K::CareLeaverActivityRecorded => r
                .care_leaver
                .activities
                .iter()
                .map(|(m, a)| f(*m, Data::Activity(*a)))
                .collect(),
            K::PathwayPlanRecorded => r
                .care_leaver
                .pathway_plans
                .iter()
                .map(|(m, s)| f(*m, Data::Pathway(*s)))
                .collect(),
            K::PersonalAdviserAllocated => r
                .care_leaver
                .advisers
                .iter()
                .map(|(m, _)| f(*m, Data::None))
                .collect(),
            K::CareLeaverSupportRequested => r
                .care_leaver
                .support_requested
                .iter()
                .map(|m| f(*m, Data::None))
                .collect(),
            K::CaseNoteRecorded => r
                .recording
                .case_notes
                .iter()
                .map(|(m, _, significant)| {
                    f(
                        *m,
                        Data::Note {
                            significant: *significant,
                        },
                    )
                })
                .collect(),
            K::ChronologyEntryAdded => r
                .recording
                .chronology
                .iter()
                .map(|m| f(*m, Data::None))
                .collect(),
            K::CaseSummaryRecorded => r
                .recording
                .summaries
                .iter()
                .map(|m| f(*m, Data::None))
                .collect(),
            K::ManagementOversightRecorded => r
                .recording
                .oversight
                .iter()
                .map(|(m, _)| f(*m, Data::None))
                .collect(),
            K::SupervisionRecorded => r
                .recording
                .supervision
                .iter()
                .map(|(m, _, _)| f(*m, Data::None))
                .collect(),
            K::CaseClosed => episodes
                .filter_map(|e| e.closure)
                .map(|(m, reason)| f(m, Data::Closure(reason)))
                .collect(),
        }
    }

    /// Clips spans to what was known at the as-at instant, and to the child's life.
    fn clip(&self, spans: Vec<Span>) -> Vec<Span> {
        spans
            .into_iter()
            .filter(|s| s.from <= self.as_at)
            .map(|mut s| {
                if s.to.is_some_and(|to| to > self.as_at) {
                    s.to = None;
                    s.closed_by = None;
                }
                if let Some(end) = self.end_of_life
                    && s.to.is_none_or(|to| to > end)
                {
                    s.to = Some(end);
                    s.closed_by = None;
                }
                s
            })
            .filter(|s| s.to.is_none_or(|to| s.from < to))
            .collect()
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
        self.lifetime.get_or_init(|| self.since_registration())
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
        match self.states.get(state as usize) {
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
        self.care.get_or_init(|| self.join_episodes())
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
        self.placements.get_or_init(|| self.each_placement())
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

    /// Meetings of some kinds, booked or held, as known at the as-at instant.
    pub fn meetings(&self, kinds: &[MeetingKind]) -> Vec<KnownMeeting> {
        let mut out: Vec<KnownMeeting> = Vec::new();
        let bookings: Vec<&hearth_domain::child::Meeting> = self
            .record
            .meetings
            .iter()
            .filter(|m| kinds.contains(&m.kind) && m.booked.at <= self.as_at)
            .collect();
        for b in &bookings {
            let cancelled = b
                .cancelled
                .filter(|c| c.at <= self.as_at)
                .map(|c| EventRef {
                    version: c.version,
                    kind: "meeting_cancelled",
                    at: c.at,
                });
            let rebooked = bookings
                .iter()
                .filter(|o| {
                    o.kind == b.kind
                        && o.booked.at > b.booked.at
                        && o.booked.at < b.at
                        && o.at != b.at
                })
                .map(|o| event_ref(o.booked, FactKind::MeetingScheduled))
                .next();
            out.push(KnownMeeting {
                kind: b.kind,
                at: b.at,
                booked: Some(event_ref(b.booked, FactKind::MeetingScheduled)),
                held: None,
                cancelled,
                rebooked,
                held_instead: None,
            });
        }
        for kind in kinds {
            let (fact_kind, filter) = crate::vocabulary::held_as(*kind);
            for held in self.of(fact_kind) {
                if filter.as_ref().is_some_and(|f| !f.holds(&held.data)) {
                    continue;
                }
                let open = |m: &KnownMeeting| {
                    m.kind == *kind
                        && m.held.is_none()
                        && m.cancelled.is_none()
                        && m.rebooked.is_none()
                        && m.held_instead.is_none()
                };
                if let Some(m) = out
                    .iter_mut()
                    .find(|m| open(m) && m.at.london_date() == held.date)
                {
                    m.held = Some(held.event);
                    continue;
                }
                // Held on another day than booked, before the booked time: the meeting took
                // place, so the booking is over and what was due before it no longer is.
                if let Some(m) = out
                    .iter_mut()
                    .filter(|m| {
                        open(m)
                            && m.booked.is_some_and(|b| b.at <= held.event.at)
                            && held.event.at < m.at
                    })
                    .min_by_key(|m| m.at)
                {
                    m.held_instead = Some(held.event);
                }
                out.push(KnownMeeting {
                    kind: *kind,
                    at: held.event.at,
                    booked: None,
                    held: Some(held.event),
                    cancelled: None,
                    rebooked: None,
                    held_instead: None,
                });
            }
        }
        out.sort_by_key(|m| (m.at, m.booked.map(|b| b.version)));
        out
    }
}
