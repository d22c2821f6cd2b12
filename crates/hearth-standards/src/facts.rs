//! What the standards read from a child's folded record: the events, as facts with the few
//! attributes rules filter on, and the meetings booked and held. Only what had happened by
//! the as-at instant is visible. The states of the record, as spans of time, are worked out
//! in `spans::states`.

use chrono::NaiveDate;
use hearth_domain::ChildRecord;
use hearth_domain::Timestamp;
use hearth_domain::child::Mark;
use hearth_domain::codes::*;

use crate::calendar::Calendar;
use crate::obligation::EventRef;
use crate::ruleset::Matcher;
use crate::spans::States;
use crate::vocabulary::{FactCondition, FactKind, Filter};

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
    /// The spans of the record's states, worked out when first asked for.
    pub(crate) states: States,
}

pub(crate) fn event_ref(mark: Mark, kind: FactKind) -> EventRef {
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
            states: States::new(),
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

    pub(crate) fn logged_kind(&self, mark: Mark) -> Option<&'static str> {
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
