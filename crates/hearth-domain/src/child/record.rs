//! A child's record folded from their stream: the whole journey, kept in structure so that
//! the standards engine and the returns can read it as at any date. Folding never fails:
//! stored history is applied as it is, and the rules are checked only for new commands.
//!
//! The record is kept by area (the child's identity, their network, the front door, and so
//! on), each in a module of its own that holds the area's parts of the record, how its
//! events fold in (`apply`) and the rules they keep (`check`). This module holds the record
//! as a whole, and sends each event to its area.

use chrono::NaiveDate;

use crate::child::events::ChildEvent;
use crate::child::{
    AddressRecord, AdoptionPlan, Allocation, CareEpisode, CareLeaverRecord, ClaReview, Contact,
    DocumentRecord, EarlyHelpAssessment, EpisodeOfNeed, Health, ManagerResponse, Meeting,
    MissingEpisode, NetworkLink, Period, Practice, PreviousPermanenceRecord, ProfessionalLink,
    Recording, Restriction, Variation, Visit,
};
use crate::child::{
    adoption, allocation, assessment, care, care_leaver, child_in_need, handover, health, identity,
    meetings, missing, network, practice, protection, recording, referral, restriction, variations,
    visits,
};
use crate::codes::*;
use crate::directory::{Directory, check_envelope};
use crate::event::{Actor, EventKind, Recorded};
use crate::ids::{ChildId, FamilyId};
use crate::people::ChildDetails;
use crate::rules::{Rule, RuleViolation, ensure, refuse};
use crate::time::{Timestamp, age_on};

/// What checking an event gives: nothing, or the rule it breaks.
pub(super) type Check = Result<(), RuleViolation>;

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
    /// Transfers between teams, oldest first.
    pub transfers: Vec<crate::child::handover::Transfer>,
    /// Cover for the worker's leave, oldest first.
    pub cover: Vec<crate::child::handover::Cover>,
    /// The restriction on who may see the record, while there is one.
    pub restriction: Option<Restriction>,
    /// The content of practice: what each assessment, meeting, plan and visit said, the
    /// child's own words, and the actions on the clock.
    pub practice: Practice,
    /// Every event, in the order it happened.
    pub log: Vec<LogEntry>,
}

/// The areas of the record, each with its own module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Area {
    Identity,
    Network,
    Referral,
    Allocation,
    Assessment,
    Protection,
    ChildInNeed,
    Visits,
    Meetings,
    Variations,
    Care,
    Health,
    Missing,
    CareLeaver,
    Adoption,
    Recording,
    Restriction,
    Practice,
    /// Corrections are applied before folding (see `fold`) and checked by the stream,
    /// which can see the events they correct.
    Correction,
    /// Transfers between teams and cover for leave.
    Handover,
}

/// The area an event belongs to. Every event kind is named here, so a new kind does not
/// compile until it has an area.
fn area(event: &ChildEvent) -> Area {
    use ChildEvent::*;
    match event {
        ChildRegistered { .. }
        | ChildDetailsAmended { .. }
        | AddressChanged { .. }
        | BirthRecorded { .. }
        | DeathRecorded { .. }
        | ParenthoodRecorded { .. } => Area::Identity,
        NetworkMemberAdded { .. }
        | NetworkMemberChanged { .. }
        | NetworkMemberRemoved { .. }
        | ProfessionalInvolved { .. }
        | ProfessionalInvolvementEnded { .. }
        | FamilyLinked { .. }
        | SiblingLinked { .. } => Area::Network,
        ContactRecorded { .. }
        | EarlyHelpAssessmentStarted { .. }
        | EarlyHelpAssessmentCompleted { .. }
        | ReferralReceived { .. }
        | PrimaryNeedChanged { .. }
        | CaseClosed { .. } => Area::Referral,
        WorkerAllocated { .. } | WorkerUnallocated { .. } => Area::Allocation,
        AssessmentStarted { .. }
        | AssessmentChildSeen { .. }
        | AssessmentCompleted { .. }
        | AssessmentAuthorised { .. } => Area::Assessment,
        ConcernRaised { .. }
        | StrategyDiscussionHeld { .. }
        | Section47Started { .. }
        | Section47Completed { .. }
        | InitialConferenceHeld { .. }
        | CpPlanStarted { .. }
        | CoreGroupHeld { .. }
        | ReviewConferenceHeld { .. }
        | CpPlanEnded { .. }
        | EarlierCpPlansRecorded { .. }
        | EmergencyProtectionRecorded { .. } => Area::Protection,
        CinPlanStarted { .. } | CinMeetingHeld { .. } | CinPlanEnded { .. } => Area::ChildInNeed,
        VisitMade { .. } => Area::Visits,
        MeetingScheduled { .. }
        | MeetingCancelled { .. }
        | MeetingHeld { .. }
        | DocumentShared { .. }
        | DocumentWithheld { .. }
        | ManagerResponseRecorded { .. }
        | DissentRecorded { .. } => Area::Meetings,
        ObligationVaried { .. } | VariationEnded { .. } => Area::Variations,
        EpisodeStarted { .. }
        | EpisodeEnded { .. }
        | PreviousPermanenceRecorded { .. }
        | ClaReviewHeld { .. }
        | CarePlanRecorded { .. }
        | PermanencePlanRecorded { .. }
        | PepHeld { .. }
        | DeprivationOfLibertyStarted { .. }
        | DeprivationOfLibertyEnded { .. } => Area::Care,
        HealthAssessmentCompleted { .. }
        | DevelopmentCheckCompleted { .. }
        | DentalCheckCompleted { .. }
        | ImmunisationsRecorded { .. }
        | SdqRecorded { .. }
        | SubstanceMisuseRecorded { .. }
        | ConvictionRecorded { .. } => Area::Health,
        MissingEpisodeStarted { .. }
        | MissingEpisodeEnded { .. }
        | ReturnInterviewOffered { .. }
        | PoliceInformed { .. } => Area::Missing,
        CareLeaverStatusRecorded { .. }
        | CareLeaverContactRecorded { .. }
        | CareLeaverActivityRecorded { .. }
        | CareLeaverAccommodationRecorded { .. }
        | PathwayPlanRecorded { .. }
        | PersonalAdviserAllocated { .. }
        | CareLeaverSupportRequested { .. } => Area::CareLeaver,
        AdoptionDecisionMade { .. }
        | PlacementOrderGranted { .. }
        | AdoptionMatched { .. }
        | PlacedForAdoption { .. }
        | AdoptionOrderGranted { .. }
        | AdoptionPlanEnded { .. } => Area::Adoption,
        CaseNoteRecorded { .. }
        | ChronologyEntryAdded { .. }
        | CaseSummaryRecorded { .. }
        | ManagementOversightRecorded { .. }
        | SupervisionRecorded { .. } => Area::Recording,
        RecordRestricted { .. } | RestrictionLifted { .. } => Area::Restriction,
        TransferRequested { .. }
        | TransferDeclined { .. }
        | CoverArranged { .. }
        | CoverEnded { .. } => Area::Handover,
        AssessmentWritten { .. }
        | StrategyMinutesRecorded { .. }
        | EnquiryFindingsRecorded { .. }
        | ConferenceMinutesRecorded { .. }
        | PlanWritten { .. }
        | ActionsReviewed { .. }
        | VisitWritten { .. }
        | AllocationRecordWritten { .. }
        | SummaryWritten { .. }
        | ManagerDecisionRecorded { .. }
        | ChildWordsRecorded { .. }
        | ContentAmended { .. } => Area::Practice,
        Corrected { .. } => Area::Correction,
    }
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
            transfers: Vec::new(),
            cover: Vec::new(),
            restriction: None,
            practice: Practice::default(),
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

    /// Folds one event in. `version` is the event's version in the stream.
    pub fn apply(&mut self, version: u64, ev: &Recorded<ChildEvent>) {
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
        let event = &ev.event;
        match area(event) {
            Area::Identity => identity::apply(self, mark, event),
            Area::Network => network::apply(self, mark, event),
            Area::Referral => referral::apply(self, mark, event),
            Area::Allocation => allocation::apply(self, mark, event),
            Area::Assessment => assessment::apply(self, mark, event),
            Area::Protection => protection::apply(self, mark, event),
            Area::ChildInNeed => child_in_need::apply(self, mark, event),
            Area::Visits => visits::apply(self, mark, ev),
            Area::Meetings => meetings::apply(self, mark, event),
            Area::Variations => variations::apply(self, mark, event),
            Area::Care => care::apply(self, mark, event),
            Area::Health => health::apply(self, mark, event),
            Area::Missing => missing::apply(self, mark, event),
            Area::CareLeaver => care_leaver::apply(self, mark, event),
            Area::Adoption => adoption::apply(self, mark, event),
            Area::Recording => recording::apply(self, mark, event),
            Area::Handover => handover::apply(self, mark, event),
            Area::Restriction => restriction::apply(self, mark, event),
            Area::Practice => practice::apply(self, mark, ev),
            // In the log they are only noted.
            Area::Correction => {}
        }
    }

    /// Checks an event against the record as it stands; changes nothing. Corrections are
    /// checked by [`crate::child::ChildStream`], which can see the events they correct.
    pub fn check(&self, ev: &Recorded<ChildEvent>, dir: &dyn Directory) -> Check {
        use ChildEvent::*;
        check_envelope(ev, dir)?;
        let date = ev.date();
        match (&ev.event, &self.details) {
            (ChildRegistered { .. }, Some(_)) => {
                return refuse(
                    Rule::AlreadyRegistered,
                    format!("child {} is already registered", self.id),
                );
            }
            (ChildRegistered { .. }, None) => {}
            (_, None) => {
                return refuse(
                    Rule::NotRegistered,
                    format!("child {} must be registered first", self.id),
                );
            }
            _ => {}
        }
        if let Some(died) = self.date_of_death {
            ensure(
                date <= died || allowed_after_death(&ev.event),
                Rule::AfterDeath,
                || {
                    format!(
                        "the child died on {died}: only recording and closing what was open can follow"
                    )
                },
            )?;
        }

        match area(&ev.event) {
            Area::Identity => identity::check(self, ev),
            Area::Network => network::check(self, ev, dir),
            Area::Referral => referral::check(self, ev),
            Area::Allocation => allocation::check(self, ev, dir),
            Area::Assessment => assessment::check(self, ev, dir),
            Area::Protection => protection::check(self, ev),
            Area::ChildInNeed => child_in_need::check(self, ev),
            Area::Visits => visits::check(self, ev),
            Area::Meetings => meetings::check(self, ev, dir),
            Area::Variations => variations::check(self, ev, dir),
            Area::Care => care::check(self, ev),
            Area::Health => health::check(self, ev),
            Area::Missing => missing::check(self, ev),
            Area::CareLeaver => care_leaver::check(self, ev, dir),
            Area::Adoption => adoption::check(self, ev, dir),
            Area::Recording => recording::check(ev, dir),
            Area::Handover => handover::check(self, ev, dir),
            Area::Restriction => restriction::check(self, ev, dir),
            Area::Practice => practice::check(self, ev, dir),
            Area::Correction => Ok(()),
        }
    }
}

pub(super) fn not_before(rule_what: &str, date: NaiveDate, start: NaiveDate) -> Check {
    ensure(date >= start, Rule::EndsBeforeStart, || {
        format!("{rule_what} on {date} is before it started on {start}")
    })
}

pub(super) fn born_by(record: &ChildRecord, date: NaiveDate, what: &str) -> Check {
    match record.date_of_birth() {
        Some(dob) if dob <= date => Ok(()),
        Some(dob) => refuse(
            Rule::BeforeBirth,
            format!("{what} on {date} is before the child was born ({dob})"),
        ),
        None => refuse(
            Rule::BeforeBirth,
            format!("{what} needs the child to be born: record the birth first"),
        ),
    }
}

/// Events still allowed after a child's death: recording, and ending what was open.
fn allowed_after_death(ev: &ChildEvent) -> bool {
    use ChildEvent::*;
    ev.is_recording()
        || matches!(
            ev,
            EpisodeEnded { .. }
                | CpPlanEnded { .. }
                | CinPlanEnded { .. }
                | CaseClosed { .. }
                | WorkerUnallocated { .. }
                | MissingEpisodeEnded {}
                | DeprivationOfLibertyEnded {}
                | AdoptionPlanEnded { .. }
                | AssessmentCompleted { .. }
                | AssessmentAuthorised { .. }
                | Section47Completed { .. }
                | MeetingCancelled { .. }
                // Who may see a record matters as much after a death as before.
                | RecordRestricted { .. }
                | RestrictionLifted { .. }
        )
}
