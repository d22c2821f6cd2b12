//! A child's record folded from their stream: the whole journey, kept in structure so that
//! the standards engine and the returns can read it as at any date. Folding never fails:
//! stored history is applied as it is, and the rules are checked only for new commands.

use chrono::NaiveDate;

use crate::child::events::ChildEvent;
use crate::codes::*;
use crate::event::{Actor, EventKind, Recorded};
use crate::ids::{AdopterId, ChildId, FamilyId, PersonId, ProfessionalId, StaffId, TeamId};
use crate::people::{Address, ChildDetails};
use crate::time::{Timestamp, age_on, birthday};
use crate::values::{Line, PartialDate, PermanenceAuthority, Postcode, SdqScore, Urn};

/// Where a fact came from: the event (by its version in the stream) and when it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mark {
    /// The event's version in the child's stream.
    pub version: u64,
    /// When it happened.
    pub at: Timestamp,
}

impl Mark {
    /// The date it happened on, in England.
    pub fn date(self) -> NaiveDate {
        self.at.london_date()
    }
}

/// One line of the record's log: every event in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// Which event and when it happened.
    pub mark: Mark,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// Who recorded it.
    pub recorded_by: Actor,
    /// Its kind.
    pub kind: &'static str,
    /// Whether it is a significant event for the chronology.
    pub significant: bool,
}

/// An address and the date it applied from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressRecord {
    /// From when.
    pub from: Mark,
    /// The address.
    pub address: Address,
}

/// An adult linked to the child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkLink {
    /// The adult.
    pub person: PersonId,
    /// How they are related.
    pub relationship: Relationship,
    /// Whether they hold parental responsibility.
    pub parental_responsibility: bool,
    /// Whether they live in the child's household.
    pub lives_in_household: bool,
    /// When they were added.
    pub added: Mark,
    /// When they were removed.
    pub removed: Option<Mark>,
}

/// A professional involved with the child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfessionalLink {
    /// The professional.
    pub professional: ProfessionalId,
    /// Their part in the child's life.
    pub involvement: Line,
    /// From when.
    pub from: Mark,
    /// Until when.
    pub until: Option<Mark>,
}

/// A contact at the front door.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// When.
    pub mark: Mark,
    /// From whom.
    pub source: ReferralSource,
    /// What was done.
    pub outcome: ContactOutcome,
}

/// An early help assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlyHelpAssessment {
    /// Started.
    pub start: Mark,
    /// By whom.
    pub organisation: Line,
    /// Completed.
    pub completed: Option<Mark>,
}

/// A child and family assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// Started.
    pub start: Mark,
    /// When the child was first seen during it.
    pub child_seen: Option<Mark>,
    /// Completed, with the factors found and the outcome.
    pub completion: Option<(Mark, Vec<AssessmentFactor>, AssessmentOutcome)>,
    /// Authorised, and by whom.
    pub authorisation: Option<(Mark, StaffId)>,
}

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

/// A child in need plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CinPlan {
    /// Started.
    pub start: Mark,
    /// Meetings and reviews.
    pub meetings: Vec<(Mark, CinMeetingKind)>,
    /// Ended, and why.
    pub end: Option<(Mark, CinPlanEndReason)>,
}

/// A child in need episode: from a referral to its closure (the CIN census's CINdetails).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpisodeOfNeed {
    /// The referral.
    pub referral: Mark,
    /// Who referred.
    pub source: ReferralSource,
    /// The primary need.
    pub primary_need: Option<PrimaryNeed>,
    /// Whether the referral led to no further action.
    pub no_further_action: bool,
    /// Closure, and why.
    pub closure: Option<(Mark, ReasonForClosure)>,
    /// Child and family assessments.
    pub assessments: Vec<Assessment>,
    /// Safeguarding concerns raised.
    pub concerns: Vec<Mark>,
    /// Strategy discussions.
    pub strategy_discussions: Vec<StrategyDiscussion>,
    /// Section 47 enquiries.
    pub enquiries: Vec<Section47>,
    /// Initial child protection conferences.
    pub initial_conferences: Vec<InitialConference>,
    /// Child protection plans.
    pub cp_plans: Vec<CpPlan>,
    /// Child in need plans.
    pub cin_plans: Vec<CinPlan>,
}

impl EpisodeOfNeed {
    /// Whether the episode is open.
    pub fn is_open(&self) -> bool {
        self.closure.is_none()
    }
    /// The assessment in progress.
    pub fn open_assessment(&self) -> Option<&Assessment> {
        self.assessments.last().filter(|a| a.completion.is_none())
    }
    /// The enquiry in progress.
    pub fn open_enquiry(&self) -> Option<&Section47> {
        self.enquiries.last().filter(|e| e.completion.is_none())
    }
    /// The open child protection plan.
    pub fn open_cp_plan(&self) -> Option<&CpPlan> {
        self.cp_plans.last().filter(|p| p.end.is_none())
    }
    /// The open child in need plan.
    pub fn open_cin_plan(&self) -> Option<&CinPlan> {
        self.cin_plans.last().filter(|p| p.end.is_none())
    }
}

/// A worker's allocation to the child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// When.
    pub mark: Mark,
    /// The worker.
    pub worker: StaffId,
    /// Their team.
    pub team: TeamId,
    /// The manager who decided.
    pub decided_by: StaffId,
    /// Why the worker changed (or first allocation).
    pub reason: WorkerChangeReason,
    /// When the allocation ended.
    pub ended: Option<Mark>,
}

/// A looked-after episode (one legal status and one placement).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareEpisode {
    /// Started.
    pub start: Mark,
    /// Why it started.
    pub reason: ReasonNewEpisode,
    /// Legal status.
    pub legal_status: LegalStatus,
    /// Placement type.
    pub placement: PlacementType,
    /// Category of need.
    pub category_of_need: CategoryOfNeed,
    /// Provider.
    pub provider: Option<PlacementProvider>,
    /// Ofsted URN.
    pub urn: Option<Urn>,
    /// The child's home postcode.
    pub home_postcode: Option<Postcode>,
    /// The placement's postcode.
    pub placement_postcode: Option<Postcode>,
    /// Why the placement changed from the previous episode.
    pub placement_change_reason: Option<ReasonPlaceChange>,
    /// Ended, and why.
    pub end: Option<(Mark, ReasonEpisodeCeased)>,
}

/// A previous permanence order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousPermanenceRecord {
    /// When it was recorded.
    pub mark: Mark,
    /// The order.
    pub order: PreviousPermanence,
    /// The council that made it.
    pub authority: Option<PermanenceAuthority>,
    /// When it was made.
    pub date: Option<PartialDate>,
}

/// A looked-after review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaReview {
    /// When.
    pub mark: Mark,
    /// How the child took part.
    pub participation: ReviewParticipation,
}

/// A strengths and difficulties questionnaire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sdq {
    /// When.
    pub mark: Mark,
    /// Score.
    pub score: Option<SdqScore>,
    /// Why there is no score.
    pub reason: Option<SdqReason>,
}

/// Health records of a looked-after child.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Health {
    /// Health assessments.
    pub assessments: Vec<Mark>,
    /// Development checks (under five).
    pub development_checks: Vec<Mark>,
    /// Dental checks.
    pub dental_checks: Vec<Mark>,
    /// Immunisation checks and whether up to date.
    pub immunisations: Vec<(Mark, bool)>,
    /// SDQs.
    pub sdqs: Vec<Sdq>,
    /// Substance misuse identified, with intervention offered and received.
    pub substance_misuse: Vec<(Mark, bool, bool)>,
    /// Convictions, final warnings or reprimands.
    pub convictions: Vec<Mark>,
}

/// A missing or away episode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingEpisode {
    /// Went missing.
    pub start: Mark,
    /// Missing, or away without authorisation.
    pub kind: MissingKind,
    /// Came back.
    pub end: Option<Mark>,
    /// Return interview offered, and whether accepted.
    pub interview: Option<(Mark, bool)>,
}

/// A period with a start and an optional end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// Start.
    pub start: Mark,
    /// End.
    pub end: Option<Mark>,
}

/// Care leaver records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CareLeaverRecord {
    /// Eligibility decisions.
    pub statuses: Vec<(Mark, CareLeaverCategory)>,
    /// In-touch checks.
    pub contacts: Vec<(Mark, CareLeaverInTouch)>,
    /// Main activity.
    pub activities: Vec<(Mark, CareLeaverActivity)>,
    /// Accommodation.
    pub accommodation: Vec<(Mark, CareLeaverAccommodation)>,
    /// Pathway plans.
    pub pathway_plans: Vec<(Mark, PathwayPlanStage)>,
    /// Personal advisers.
    pub advisers: Vec<(Mark, StaffId)>,
    /// When the young person asked for support to continue after 21.
    pub support_requested: Vec<Mark>,
}

impl CareLeaverRecord {
    /// The birthday a care leaver's support ends on.
    pub const SUPPORT_UNTIL: i32 = 21;
    /// The birthday it ends on when they asked for it to continue.
    pub const SUPPORT_ON_REQUEST_UNTIL: i32 = 25;
}

/// An adoption match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptionMatch {
    /// When.
    pub mark: Mark,
    /// Sex of the adopters.
    pub adopter_sex: AdopterSex,
    /// Legal status of the adopters.
    pub adopter_legal_status: AdopterLegalStatus,
    /// Whether the adopters are the child's foster carers.
    pub foster_carers_adopting: bool,
    /// The adopter household, if known to the service.
    pub adopter: Option<AdopterId>,
}

/// A plan for adoption, from the decision to the order (or the end of the plan).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptionPlan {
    /// The decision that the child should be placed for adoption.
    pub decision: Mark,
    /// The day of the decision (the event's day unless it gives an earlier one).
    pub decided_on: NaiveDate,
    /// Placement order.
    pub placement_order: Option<Mark>,
    /// Match.
    pub matched: Option<AdoptionMatch>,
    /// Placed for adoption.
    pub placed: Option<Mark>,
    /// Adoption order.
    pub order: Option<Mark>,
    /// No longer to be placed, and why.
    pub ended: Option<(Mark, ReasonPlacedCeased)>,
}

impl AdoptionPlan {
    /// Whether the plan is still active.
    pub fn is_active(&self) -> bool {
        self.order.is_none() && self.ended.is_none()
    }
}

/// A visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// When.
    pub mark: Mark,
    /// Purpose.
    pub kind: VisitKind,
    /// Whether the child was seen.
    pub child_seen: bool,
    /// Whether the child was seen alone.
    pub seen_alone: Option<bool>,
    /// Whether a reason was recorded for not seeing the child alone.
    pub not_alone_reason_given: bool,
    /// Whether the child's bedroom was seen.
    pub bedroom_seen: Option<bool>,
    /// Who recorded the visit.
    pub by: Actor,
}

/// A booked meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    /// When it was booked.
    pub booked: Mark,
    /// Which meeting.
    pub kind: MeetingKind,
    /// When it is to take place.
    pub at: Timestamp,
    /// When it was called off.
    pub cancelled: Option<Mark>,
    /// The reviewing officer who is to chair it, when the booking names one.
    pub chair: Option<StaffId>,
}

/// A document shared, or withheld from someone by a manager.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    /// When.
    pub mark: Mark,
    /// Which document.
    pub document: DocumentKind,
    /// Who it went to (or, when withheld, who it was kept from).
    pub audiences: Vec<Audience>,
    /// The manager who decided to withhold it.
    pub withheld_by: Option<StaffId>,
}

/// A manager's response to recommendations or dissent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagerResponse {
    /// When.
    pub mark: Mark,
    /// What it responds to.
    pub to: DocumentKind,
    /// The manager.
    pub manager: StaffId,
    /// Whether the manager agreed.
    pub agreed: bool,
}

/// An authorised variation of one of the practice standards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variation {
    /// When it was authorised.
    pub mark: Mark,
    /// The standard (a rule id of the ruleset).
    pub rule: Line,
    /// The new period.
    pub amount: u16,
    /// Its unit.
    pub unit: PeriodUnit,
    /// Who authorised it.
    pub authorised_by: StaffId,
    /// Why.
    pub reason: String,
    /// The last day it applies, if limited.
    pub until: Option<NaiveDate>,
    /// When it was ended early.
    pub ended: Option<Mark>,
}

impl Variation {
    /// Whether the variation applies on a date.
    pub fn applies_on(&self, date: NaiveDate) -> bool {
        self.mark.date() <= date
            && self.until.is_none_or(|u| date <= u)
            && self.ended.is_none_or(|e| date < e.date())
    }
}

/// A restriction on who may see the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restriction {
    /// Since when (the latest restriction, when one replaced another).
    pub since: Mark,
    /// The manager who restricted it.
    pub by: StaffId,
    /// Why.
    pub reason: String,
    /// Staff named as allowed to see it, beyond those the restriction always allows.
    pub permitted: Vec<StaffId>,
}

/// Case recording.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recording {
    /// Case notes: when, kind and whether significant.
    pub case_notes: Vec<(Mark, CaseNoteKind, bool)>,
    /// Chronology entries written by workers.
    pub chronology: Vec<Mark>,
    /// Case summaries.
    pub summaries: Vec<Mark>,
    /// Management oversight, and by whom.
    pub oversight: Vec<(Mark, StaffId)>,
    /// Supervision: supervisor and worker.
    pub supervision: Vec<(Mark, StaffId, StaffId)>,
}

/// A child's record, folded.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildRecord {
    /// The child.
    pub id: ChildId,
    /// Who the child is (none before registration).
    pub details: Option<ChildDetails>,
    /// When the child was registered.
    pub registered: Option<Mark>,
    /// Address history, oldest first.
    pub addresses: Vec<AddressRecord>,
    /// Date of death.
    pub date_of_death: Option<NaiveDate>,
    /// Date the child's own first child was born.
    pub first_child_born: Option<NaiveDate>,
    /// Family and network.
    pub network: Vec<NetworkLink>,
    /// Professionals.
    pub professionals: Vec<ProfessionalLink>,
    /// Family groups.
    pub families: Vec<FamilyId>,
    /// Siblings.
    pub siblings: Vec<(ChildId, SiblingKind)>,
    /// Contacts.
    pub contacts: Vec<Contact>,
    /// Early help assessments.
    pub early_help: Vec<EarlyHelpAssessment>,
    /// Child in need episodes, oldest first.
    pub episodes_of_need: Vec<EpisodeOfNeed>,
    /// Allocations, oldest first.
    pub allocations: Vec<Allocation>,
    /// Looked-after episodes, oldest first.
    pub care_episodes: Vec<CareEpisode>,
    /// Previous permanence orders.
    pub previous_permanence: Vec<PreviousPermanenceRecord>,
    /// Looked-after reviews.
    pub cla_reviews: Vec<ClaReview>,
    /// Care plans.
    pub care_plans: Vec<Mark>,
    /// Permanence plans.
    pub permanence_plans: Vec<(Mark, PermanencePlan)>,
    /// Health.
    pub health: Health,
    /// Personal education plan meetings.
    pub peps: Vec<Mark>,
    /// Missing episodes.
    pub missing: Vec<MissingEpisode>,
    /// Deprivation of liberty orders.
    pub deprivation_of_liberty: Vec<Period>,
    /// Care leaver records.
    pub care_leaver: CareLeaverRecord,
    /// Adoption plans.
    pub adoption: Vec<AdoptionPlan>,
    /// Emergency protection.
    pub emergency_protection: Vec<(Mark, EmergencyProtectionKind)>,
    /// Child protection plans before those the record holds.
    pub earlier_cp_plans: u16,
    /// Visits.
    pub visits: Vec<Visit>,
    /// Booked meetings.
    pub meetings: Vec<Meeting>,
    /// Meetings without events of their own.
    pub meetings_held: Vec<(Mark, MeetingKind)>,
    /// Documents shared or withheld.
    pub documents: Vec<DocumentRecord>,
    /// Managers' responses to recommendations and dissent.
    pub responses: Vec<ManagerResponse>,
    /// Professional dissent at conferences.
    pub dissent: Vec<(Mark, Agency)>,
    /// When the police were told the child was missing.
    pub police_informed: Vec<Mark>,
    /// Authorised variations of the practice standards.
    pub variations: Vec<Variation>,
    /// Case recording.
    pub recording: Recording,
    /// The restriction on who may see the record, while there is one.
    pub restriction: Option<Restriction>,
    /// Every event, in the order it happened.
    pub log: Vec<LogEntry>,
}

impl ChildRecord {
    /// An empty record for a child not yet registered.
    pub fn new(id: ChildId) -> Self {
        Self {
            id,
            details: None,
            registered: None,
            addresses: Vec::new(),
            date_of_death: None,
            first_child_born: None,
            network: Vec::new(),
            professionals: Vec::new(),
            families: Vec::new(),
            siblings: Vec::new(),
            contacts: Vec::new(),
            early_help: Vec::new(),
            episodes_of_need: Vec::new(),
            allocations: Vec::new(),
            care_episodes: Vec::new(),
            previous_permanence: Vec::new(),
            cla_reviews: Vec::new(),
            care_plans: Vec::new(),
            permanence_plans: Vec::new(),
            health: Health::default(),
            peps: Vec::new(),
            missing: Vec::new(),
            deprivation_of_liberty: Vec::new(),
            care_leaver: CareLeaverRecord::default(),
            adoption: Vec::new(),
            emergency_protection: Vec::new(),
            earlier_cp_plans: 0,
            visits: Vec::new(),
            meetings: Vec::new(),
            meetings_held: Vec::new(),
            documents: Vec::new(),
            responses: Vec::new(),
            dissent: Vec::new(),
            police_informed: Vec::new(),
            variations: Vec::new(),
            recording: Recording::default(),
            restriction: None,
            log: Vec::new(),
        }
    }

    /// The child's date of birth, if born.
    pub fn date_of_birth(&self) -> Option<NaiveDate> {
        self.details.as_ref().and_then(|d| d.date_of_birth)
    }

    /// The child's age in whole years on a date, if born.
    pub fn age_on(&self, date: NaiveDate) -> Option<i32> {
        self.date_of_birth().map(|dob| age_on(dob, date))
    }

    /// The latest time anything happened in the record.
    pub fn last_occurred(&self) -> Option<Timestamp> {
        self.log.last().map(|e| e.mark.at)
    }

    /// The open child in need episode.
    pub fn open_episode(&self) -> Option<&EpisodeOfNeed> {
        self.episodes_of_need.last().filter(|e| e.is_open())
    }

    fn open_episode_mut(&mut self) -> Option<&mut EpisodeOfNeed> {
        self.episodes_of_need.last_mut().filter(|e| e.is_open())
    }

    /// The open child protection plan.
    pub fn open_cp_plan(&self) -> Option<&CpPlan> {
        self.open_episode().and_then(EpisodeOfNeed::open_cp_plan)
    }

    /// The open child in need plan.
    pub fn open_cin_plan(&self) -> Option<&CinPlan> {
        self.open_episode().and_then(EpisodeOfNeed::open_cin_plan)
    }

    /// The current looked-after episode.
    pub fn current_care_episode(&self) -> Option<&CareEpisode> {
        self.care_episodes.last().filter(|e| e.end.is_none())
    }

    /// Whether the child is looked after now.
    pub fn is_looked_after(&self) -> bool {
        self.current_care_episode().is_some()
    }

    /// Whether the child has ever been looked after.
    pub fn was_ever_looked_after(&self) -> bool {
        !self.care_episodes.is_empty()
    }

    /// The day a care leaver's support from the service ends, while the latest care leaver
    /// status is one the service supports (relevant or former relevant) and they are alive:
    /// their 21st birthday, or their 25th if they asked for support to continue. Until then
    /// their case stays open with their personal adviser, whether or not a child in need
    /// episode is.
    pub fn care_leaver_support_ends_on(&self) -> Option<NaiveDate> {
        let (_, latest) = self.care_leaver.statuses.last()?;
        if !latest.is_supported() || self.date_of_death.is_some() {
            return None;
        }
        let years = if self.care_leaver.support_requested.is_empty() {
            CareLeaverRecord::SUPPORT_UNTIL
        } else {
            CareLeaverRecord::SUPPORT_ON_REQUEST_UNTIL
        };
        birthday(self.date_of_birth()?, years)
    }

    /// The current personal adviser.
    pub fn personal_adviser(&self) -> Option<&StaffId> {
        self.care_leaver.advisers.last().map(|(_, a)| a)
    }

    /// An episode that ended with X1 and is waiting for the episode that continues it.
    pub fn awaiting_next_episode(&self) -> Option<&CareEpisode> {
        self.care_episodes
            .last()
            .filter(|e| matches!(e.end, Some((_, ReasonEpisodeCeased::X1))))
    }

    /// The current allocation.
    pub fn current_allocation(&self) -> Option<&Allocation> {
        self.allocations.last().filter(|a| a.ended.is_none())
    }

    /// The missing episode in progress.
    pub fn open_missing(&self) -> Option<&MissingEpisode> {
        self.missing.last().filter(|m| m.end.is_none())
    }

    /// The active adoption plan.
    pub fn active_adoption(&self) -> Option<&AdoptionPlan> {
        self.adoption.last().filter(|a| a.is_active())
    }

    /// The current network link to an adult.
    pub fn network_link(&self, person: &PersonId) -> Option<&NetworkLink> {
        self.network
            .iter()
            .rev()
            .find(|l| &l.person == person && l.removed.is_none())
    }

    /// Folds one event in. `version` is the event's version in the stream.
    pub fn apply(&mut self, version: u64, ev: &Recorded<ChildEvent>) {
        use ChildEvent::*;
        let mark = Mark {
            version,
            at: ev.occurred_at,
        };
        self.log.push(LogEntry {
            mark,
            recorded_at: ev.recorded_at,
            recorded_by: ev.recorded_by.clone(),
            kind: ev.event.kind(),
            significant: ev.event.is_significant(),
        });
        match &ev.event {
            ChildRegistered { details, address } => {
                self.details = Some(details.clone());
                self.registered = Some(mark);
                if let Some(a) = address {
                    self.addresses.push(AddressRecord {
                        from: mark,
                        address: a.clone(),
                    });
                }
            }
            ChildDetailsAmended { details } => self.details = Some(details.clone()),
            AddressChanged { address } => self.addresses.push(AddressRecord {
                from: mark,
                address: address.clone(),
            }),
            BirthRecorded { date_of_birth } => {
                if let Some(d) = &mut self.details {
                    d.date_of_birth = Some(*date_of_birth);
                    d.expected_date_of_birth = None;
                }
            }
            DeathRecorded { date_of_death } => self.date_of_death = Some(*date_of_death),
            ParenthoodRecorded { first_child_born } => {
                self.first_child_born = Some(*first_child_born)
            }
            NetworkMemberAdded {
                person,
                relationship,
                parental_responsibility,
                lives_in_household,
            } => {
                self.network.push(NetworkLink {
                    person: person.clone(),
                    relationship: *relationship,
                    parental_responsibility: *parental_responsibility,
                    lives_in_household: *lives_in_household,
                    added: mark,
                    removed: None,
                });
            }
            NetworkMemberChanged {
                person,
                relationship,
                parental_responsibility,
                lives_in_household,
            } => {
                if let Some(l) = self
                    .network
                    .iter_mut()
                    .rev()
                    .find(|l| &l.person == person && l.removed.is_none())
                {
                    l.relationship = *relationship;
                    l.parental_responsibility = *parental_responsibility;
                    l.lives_in_household = *lives_in_household;
                }
            }
            NetworkMemberRemoved { person } => {
                if let Some(l) = self
                    .network
                    .iter_mut()
                    .rev()
                    .find(|l| &l.person == person && l.removed.is_none())
                {
                    l.removed = Some(mark);
                }
            }
            ProfessionalInvolved {
                professional,
                involvement,
            } => self.professionals.push(ProfessionalLink {
                professional: professional.clone(),
                involvement: involvement.clone(),
                from: mark,
                until: None,
            }),
            ProfessionalInvolvementEnded { professional } => {
                if let Some(p) = self
                    .professionals
                    .iter_mut()
                    .rev()
                    .find(|p| &p.professional == professional && p.until.is_none())
                {
                    p.until = Some(mark);
                }
            }
            FamilyLinked { family } => {
                if !self.families.contains(family) {
                    self.families.push(family.clone());
                }
            }
            SiblingLinked { sibling, kind } => {
                self.siblings.retain(|(s, _)| s != sibling);
                self.siblings.push((sibling.clone(), *kind));
            }
            ContactRecorded {
                source, outcome, ..
            } => self.contacts.push(Contact {
                mark,
                source: *source,
                outcome: *outcome,
            }),
            EarlyHelpAssessmentStarted { organisation } => {
                self.early_help.push(EarlyHelpAssessment {
                    start: mark,
                    organisation: organisation.clone(),
                    completed: None,
                })
            }
            EarlyHelpAssessmentCompleted {} => {
                if let Some(e) = self.early_help.last_mut().filter(|e| e.completed.is_none()) {
                    e.completed = Some(mark);
                }
            }
            ReferralReceived {
                source,
                primary_need,
                no_further_action,
                ..
            } => {
                self.episodes_of_need.push(EpisodeOfNeed {
                    referral: mark,
                    source: *source,
                    primary_need: *primary_need,
                    no_further_action: *no_further_action,
                    closure: None,
                    assessments: Vec::new(),
                    concerns: Vec::new(),
                    strategy_discussions: Vec::new(),
                    enquiries: Vec::new(),
                    initial_conferences: Vec::new(),
                    cp_plans: Vec::new(),
                    cin_plans: Vec::new(),
                });
            }
            PrimaryNeedChanged { primary_need } => {
                if let Some(e) = self.open_episode_mut() {
                    e.primary_need = Some(*primary_need);
                }
            }
            WorkerAllocated {
                worker,
                team,
                decided_by,
                reason,
                ..
            } => {
                if let Some(a) = self.allocations.last_mut().filter(|a| a.ended.is_none()) {
                    a.ended = Some(mark);
                }
                self.allocations.push(Allocation {
                    mark,
                    worker: worker.clone(),
                    team: team.clone(),
                    decided_by: decided_by.clone(),
                    reason: *reason,
                    ended: None,
                });
            }
            WorkerUnallocated { .. } => {
                if let Some(a) = self.allocations.last_mut().filter(|a| a.ended.is_none()) {
                    a.ended = Some(mark);
                }
            }
            AssessmentStarted {} => {
                if let Some(e) = self.open_episode_mut() {
                    e.assessments.push(Assessment {
                        start: mark,
                        child_seen: None,
                        completion: None,
                        authorisation: None,
                    });
                }
            }
            AssessmentChildSeen {} => {
                if let Some(a) = self
                    .open_episode_mut()
                    .and_then(|e| e.assessments.last_mut())
                    && a.completion.is_none()
                    && a.child_seen.is_none()
                {
                    a.child_seen = Some(mark);
                }
            }
            AssessmentCompleted { factors, outcome } => {
                if let Some(a) = self
                    .open_episode_mut()
                    .and_then(|e| e.assessments.last_mut())
                    && a.completion.is_none()
                {
                    a.completion = Some((mark, factors.clone(), *outcome));
                }
            }
            AssessmentAuthorised { manager } => {
                if let Some(a) = self
                    .open_episode_mut()
                    .and_then(|e| e.assessments.last_mut())
                    && a.completion.is_some()
                    && a.authorisation.is_none()
                {
                    a.authorisation = Some((mark, manager.clone()));
                }
            }
            ConcernRaised { .. } => {
                if let Some(e) = self.open_episode_mut() {
                    e.concerns.push(mark);
                }
            }
            StrategyDiscussionHeld { agencies, decision } => {
                if let Some(e) = self.open_episode_mut() {
                    e.strategy_discussions.push(StrategyDiscussion {
                        mark,
                        agencies: agencies.clone(),
                        decision: *decision,
                        enquiry_started: false,
                    });
                }
            }
            Section47Started {} => {
                if let Some(e) = self.open_episode_mut() {
                    let strategy =
                        e.strategy_discussions.iter_mut().rev().find(|s| {
                            s.decision == StrategyDecision::Section47 && !s.enquiry_started
                        });
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
                if let Some(s) = self.open_episode_mut().and_then(|e| e.enquiries.last_mut())
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
                if let Some(e) = self.open_episode_mut() {
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
                if let Some(e) = self.open_episode_mut() {
                    let conference =
                        e.initial_conferences.iter_mut().rev().find(|c| {
                            c.outcome == InitialConferenceOutcome::CpPlan && !c.plan_started
                        });
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
                if let Some(p) = self.open_cp_plan_mut() {
                    p.core_groups.push(mark);
                }
            }
            ReviewConferenceHeld { outcome, category } => {
                if let Some(p) = self.open_cp_plan_mut() {
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
                if let Some(p) = self.open_cp_plan_mut() {
                    p.end = Some((mark, *reason));
                }
            }
            EmergencyProtectionRecorded { kind } => self.emergency_protection.push((mark, *kind)),
            EarlierCpPlansRecorded { count } => self.earlier_cp_plans = *count,
            CinPlanStarted {} => {
                if let Some(e) = self.open_episode_mut() {
                    e.cin_plans.push(CinPlan {
                        start: mark,
                        meetings: Vec::new(),
                        end: None,
                    });
                }
            }
            CinMeetingHeld { kind } => {
                if let Some(p) = self.open_cin_plan_mut() {
                    p.meetings.push((mark, *kind));
                }
            }
            CinPlanEnded { reason } => {
                if let Some(p) = self.open_cin_plan_mut() {
                    p.end = Some((mark, *reason));
                }
            }
            VisitMade {
                kind,
                child_seen,
                seen_alone,
                not_seen_alone_reason,
                bedroom_seen,
            } => self.visits.push(Visit {
                mark,
                kind: *kind,
                child_seen: *child_seen,
                seen_alone: *seen_alone,
                not_alone_reason_given: not_seen_alone_reason.is_some(),
                bedroom_seen: *bedroom_seen,
                by: ev.recorded_by.clone(),
            }),
            MeetingScheduled { meeting, at, chair } => self.meetings.push(Meeting {
                booked: mark,
                kind: *meeting,
                at: *at,
                cancelled: None,
                chair: chair.clone(),
            }),
            MeetingHeld { meeting } => self.meetings_held.push((mark, *meeting)),
            DocumentShared {
                document,
                audiences,
            } => self.documents.push(DocumentRecord {
                mark,
                document: *document,
                audiences: audiences.clone(),
                withheld_by: None,
            }),
            DocumentWithheld {
                document,
                audience,
                manager,
                ..
            } => self.documents.push(DocumentRecord {
                mark,
                document: *document,
                audiences: vec![*audience],
                withheld_by: Some(manager.clone()),
            }),
            ManagerResponseRecorded {
                to,
                manager,
                agreed,
                ..
            } => self.responses.push(ManagerResponse {
                mark,
                to: *to,
                manager: manager.clone(),
                agreed: *agreed,
            }),
            DissentRecorded { agency, .. } => self.dissent.push((mark, *agency)),
            PoliceInformed {} => self.police_informed.push(mark),
            ObligationVaried {
                rule,
                amount,
                unit,
                authorised_by,
                reason,
                until,
            } => self.variations.push(Variation {
                mark,
                rule: rule.clone(),
                amount: *amount,
                unit: *unit,
                authorised_by: authorised_by.clone(),
                reason: reason.to_string(),
                until: *until,
                ended: None,
            }),
            VariationEnded { rule } => {
                if let Some(v) = self
                    .variations
                    .iter_mut()
                    .rev()
                    .find(|v| &v.rule == rule && v.ended.is_none())
                {
                    v.ended = Some(mark);
                }
            }
            MeetingCancelled { meeting, at, .. } => {
                if let Some(m) = self
                    .meetings
                    .iter_mut()
                    .rev()
                    .find(|m| m.kind == *meeting && m.at == *at && m.cancelled.is_none())
                {
                    m.cancelled = Some(mark);
                }
            }
            EpisodeStarted {
                reason,
                legal_status,
                placement,
                category_of_need,
                provider,
                urn,
                home_postcode,
                placement_postcode,
                placement_change_reason,
            } => self.care_episodes.push(CareEpisode {
                start: mark,
                reason: *reason,
                legal_status: *legal_status,
                placement: *placement,
                category_of_need: *category_of_need,
                provider: *provider,
                urn: urn.clone(),
                home_postcode: home_postcode.clone(),
                placement_postcode: placement_postcode.clone(),
                placement_change_reason: *placement_change_reason,
                end: None,
            }),
            EpisodeEnded { reason } => {
                if let Some(e) = self.care_episodes.last_mut().filter(|e| e.end.is_none()) {
                    e.end = Some((mark, *reason));
                }
            }
            PreviousPermanenceRecorded {
                order,
                authority,
                date,
            } => self.previous_permanence.push(PreviousPermanenceRecord {
                mark,
                order: *order,
                authority: authority.clone(),
                date: *date,
            }),
            ClaReviewHeld { participation } => self.cla_reviews.push(ClaReview {
                mark,
                participation: *participation,
            }),
            CarePlanRecorded {} => self.care_plans.push(mark),
            PermanencePlanRecorded { plan } => self.permanence_plans.push((mark, *plan)),
            HealthAssessmentCompleted {} => self.health.assessments.push(mark),
            DevelopmentCheckCompleted {} => self.health.development_checks.push(mark),
            DentalCheckCompleted {} => self.health.dental_checks.push(mark),
            ImmunisationsRecorded { up_to_date } => {
                self.health.immunisations.push((mark, *up_to_date))
            }
            SdqRecorded { score, reason } => self.health.sdqs.push(Sdq {
                mark,
                score: *score,
                reason: *reason,
            }),
            SubstanceMisuseRecorded {
                intervention_offered,
                intervention_received,
            } => self.health.substance_misuse.push((
                mark,
                *intervention_offered,
                *intervention_received,
            )),
            ConvictionRecorded {} => self.health.convictions.push(mark),
            PepHeld {} => self.peps.push(mark),
            MissingEpisodeStarted { kind } => self.missing.push(MissingEpisode {
                start: mark,
                kind: *kind,
                end: None,
                interview: None,
            }),
            MissingEpisodeEnded {} => {
                if let Some(m) = self.missing.last_mut().filter(|m| m.end.is_none()) {
                    m.end = Some(mark);
                }
            }
            ReturnInterviewOffered { accepted } => {
                if let Some(m) = self
                    .missing
                    .last_mut()
                    .filter(|m| m.end.is_some() && m.interview.is_none())
                {
                    m.interview = Some((mark, *accepted));
                }
            }
            DeprivationOfLibertyStarted {} => self.deprivation_of_liberty.push(Period {
                start: mark,
                end: None,
            }),
            DeprivationOfLibertyEnded {} => {
                if let Some(p) = self
                    .deprivation_of_liberty
                    .last_mut()
                    .filter(|p| p.end.is_none())
                {
                    p.end = Some(mark);
                }
            }
            CareLeaverStatusRecorded { category } => {
                self.care_leaver.statuses.push((mark, *category))
            }
            CareLeaverContactRecorded { in_touch } => {
                self.care_leaver.contacts.push((mark, *in_touch))
            }
            CareLeaverActivityRecorded { activity } => {
                self.care_leaver.activities.push((mark, *activity))
            }
            CareLeaverAccommodationRecorded { accommodation } => {
                self.care_leaver.accommodation.push((mark, *accommodation))
            }
            PathwayPlanRecorded { stage } => self.care_leaver.pathway_plans.push((mark, *stage)),
            CareLeaverSupportRequested {} => self.care_leaver.support_requested.push(mark),
            PersonalAdviserAllocated { adviser } => {
                self.care_leaver.advisers.push((mark, adviser.clone()))
            }
            AdoptionDecisionMade { decided_on } => self.adoption.push(AdoptionPlan {
                decision: mark,
                decided_on: decided_on.unwrap_or(mark.date()),
                placement_order: None,
                matched: None,
                placed: None,
                order: None,
                ended: None,
            }),
            PlacementOrderGranted {} => {
                if let Some(a) = self.active_adoption_mut() {
                    a.placement_order = Some(mark);
                }
            }
            AdoptionMatched {
                adopter_sex,
                adopter_legal_status,
                foster_carers_adopting,
                adopter,
            } => {
                if let Some(a) = self.active_adoption_mut() {
                    a.matched = Some(AdoptionMatch {
                        mark,
                        adopter_sex: *adopter_sex,
                        adopter_legal_status: *adopter_legal_status,
                        foster_carers_adopting: *foster_carers_adopting,
                        adopter: adopter.clone(),
                    });
                }
            }
            PlacedForAdoption {} => {
                if let Some(a) = self.active_adoption_mut() {
                    a.placed = Some(mark);
                }
            }
            AdoptionOrderGranted {} => {
                if let Some(a) = self.active_adoption_mut() {
                    a.order = Some(mark);
                }
            }
            AdoptionPlanEnded { reason } => {
                if let Some(a) = self.active_adoption_mut() {
                    a.ended = Some((mark, *reason));
                }
            }
            CaseNoteRecorded {
                kind, significant, ..
            } => self.recording.case_notes.push((mark, *kind, *significant)),
            ChronologyEntryAdded { .. } => self.recording.chronology.push(mark),
            CaseSummaryRecorded { .. } => self.recording.summaries.push(mark),
            ManagementOversightRecorded { manager, .. } => {
                self.recording.oversight.push((mark, manager.clone()))
            }
            SupervisionRecorded {
                supervisor, worker, ..
            } => self
                .recording
                .supervision
                .push((mark, supervisor.clone(), worker.clone())),
            RecordRestricted {
                decided_by,
                reason,
                permitted,
            } => {
                self.restriction = Some(Restriction {
                    since: mark,
                    by: decided_by.clone(),
                    reason: reason.to_string(),
                    permitted: permitted.clone(),
                })
            }
            RestrictionLifted { .. } => self.restriction = None,
            CaseClosed { reason } => {
                if let Some(e) = self.open_episode_mut() {
                    e.closure = Some((mark, *reason));
                }
                if let Some(a) = self.allocations.last_mut().filter(|a| a.ended.is_none()) {
                    a.ended = Some(mark);
                }
            }
            // Corrections are applied before folding (see `fold`); in the log they are only noted.
            Corrected { .. } => {}
        }
    }

    fn open_cp_plan_mut(&mut self) -> Option<&mut CpPlan> {
        self.open_episode_mut()
            .and_then(|e| e.cp_plans.last_mut().filter(|p| p.end.is_none()))
    }

    fn open_cin_plan_mut(&mut self) -> Option<&mut CinPlan> {
        self.open_episode_mut()
            .and_then(|e| e.cin_plans.last_mut().filter(|p| p.end.is_none()))
    }

    fn active_adoption_mut(&mut self) -> Option<&mut AdoptionPlan> {
        self.adoption.last_mut().filter(|a| a.is_active())
    }
}
