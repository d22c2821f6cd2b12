//! Everything that can happen in a child's record.

use chrono::NaiveDate;

use crate::child::practice::{
    ActionReview, AllocationRecord, AssessmentContent, ConferenceMinutes, EnquiryFindings,
    PlanContent, StrategyMinutes, VisitContent,
};
use crate::codes::*;
use crate::events;
use crate::ids::{AdopterId, ChildId, FamilyId, PersonId, ProfessionalId, StaffId, TeamId};
use crate::people::{Address, ChildDetails};
use crate::time::Timestamp;
use crate::values::{Line, PartialDate, PermanenceAuthority, Postcode, SdqScore, Text, Urn};

events! {
    /// An event in a child's stream.
    pub enum ChildEvent {
        // Identity, family and network.
        /// The child is known to the service for the first time. Always the first event.
        ChildRegistered = "child_registered" {
            details: ChildDetails,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            address: Option<Address>,
        },
        /// The child's details were updated (replaces them as a whole).
        ChildDetailsAmended = "child_details_amended" { details: ChildDetails },
        /// The child moved: the new address applies from the event's date.
        AddressChanged = "address_changed" { address: Address },
        /// An unborn child was born.
        BirthRecorded = "birth_recorded" { date_of_birth: NaiveDate },
        /// The child died.
        DeathRecorded = "death_recorded" { date_of_death: NaiveDate },
        /// The child became a parent (SSDA903 MOTHER and MC_DOB).
        ParenthoodRecorded = "parenthood_recorded" { first_child_born: NaiveDate },
        /// An adult joins the child's family and network.
        NetworkMemberAdded = "network_member_added" {
            person: PersonId,
            relationship: Relationship,
            parental_responsibility: bool,
            lives_in_household: bool,
        },
        /// A network member's relationship to the child changed.
        NetworkMemberChanged = "network_member_changed" {
            person: PersonId,
            relationship: Relationship,
            parental_responsibility: bool,
            lives_in_household: bool,
        },
        /// An adult is no longer part of the child's network.
        NetworkMemberRemoved = "network_member_removed" { person: PersonId },
        /// A professional from another agency became involved with the child.
        ProfessionalInvolved = "professional_involved" { professional: ProfessionalId, involvement: Line },
        /// A professional's involvement ended.
        ProfessionalInvolvementEnded = "professional_involvement_ended" { professional: ProfessionalId },
        /// The child belongs to a family group.
        FamilyLinked = "family_linked" { family: FamilyId },
        /// The child has a sibling known to the service.
        SiblingLinked = "sibling_linked" { sibling: ChildId, kind: SiblingKind },

        // Front door and assessment.
        /// Someone got in touch about the child.
        ContactRecorded = "contact_recorded" {
            source: ReferralSource,
            outcome: ContactOutcome,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            summary: Option<Text>,
        },
        /// An early help assessment started (Annex A List 2).
        EarlyHelpAssessmentStarted = "early_help_assessment_started" { organisation: Line },
        /// The early help assessment was completed.
        EarlyHelpAssessmentCompleted = "early_help_assessment_completed" {},
        /// A referral to children's social care: opens a child in need episode.
        ReferralReceived = "referral_received" {
            source: ReferralSource,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            primary_need: Option<PrimaryNeed>,
            no_further_action: bool,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            summary: Option<Text>,
        },
        /// The primary need of the open episode changed.
        PrimaryNeedChanged = "primary_need_changed" { primary_need: PrimaryNeed },
        /// A manager allocated the child to a worker.
        WorkerAllocated = "worker_allocated" {
            worker: StaffId,
            team: TeamId,
            decided_by: StaffId,
            oversight: Text,
            reason: WorkerChangeReason,
        },
        /// The child is waiting for a new worker.
        WorkerUnallocated = "worker_unallocated" { reason: WorkerChangeReason },
        /// A manager asked another team to take the child, with a transfer summary. The
        /// worker keeps the child until the receiving team allocates.
        TransferRequested = "transfer_requested" { to_team: TeamId, requested_by: StaffId, summary: Text },
        /// The receiving team's manager declined the transfer, with the reason.
        TransferDeclined = "transfer_declined" { declined_by: StaffId, reason: Text },
        /// Cover for the worker's leave: a named buddy, the worker's expected return, and the
        /// case summary the buddy works from.
        CoverArranged = "cover_arranged" { buddy: StaffId, until: chrono::NaiveDate, arranged_by: StaffId, summary: Text },
        /// The worker is back; the buddy's cover ends.
        CoverEnded = "cover_ended" {},
        /// A child and family assessment started.
        AssessmentStarted = "assessment_started" {},
        /// The child was seen during the assessment.
        AssessmentChildSeen = "assessment_child_seen" {},
        /// The assessment was completed, with the factors found.
        AssessmentCompleted = "assessment_completed" { factors: Vec<AssessmentFactor>, outcome: AssessmentOutcome },
        /// A manager authorised the completed assessment.
        AssessmentAuthorised = "assessment_authorised" { manager: StaffId },

        // Child protection.
        /// A concern that the child may be suffering significant harm (starts the strategy clock).
        ConcernRaised = "concern_raised" { summary: Text },
        /// A strategy discussion was held.
        StrategyDiscussionHeld = "strategy_discussion_held" { agencies: Vec<Agency>, decision: StrategyDecision },
        /// A section 47 enquiry started.
        Section47Started = "section47_started" {},
        /// The section 47 enquiry ended.
        Section47Completed = "section47_completed" { outcome: Section47Outcome, conference_needed: bool },
        /// An initial child protection conference was held.
        InitialConferenceHeld = "initial_conference_held" {
            transfer_in: bool,
            outcome: InitialConferenceOutcome,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            category: Option<CategoryOfAbuse>,
        },
        /// A child protection plan started, as the initial conference decided.
        CpPlanStarted = "cp_plan_started" {},
        /// A core group meeting was held.
        CoreGroupHeld = "core_group_held" {},
        /// A review child protection conference was held.
        ReviewConferenceHeld = "review_conference_held" {
            outcome: ReviewConferenceOutcome,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            category: Option<CategoryOfAbuse>,
        },
        /// The child protection plan ended.
        CpPlanEnded = "cp_plan_ended" { reason: CpPlanEndReason },
        /// How many child protection plans the child had before those this record holds
        /// (under another council, or before a migration): the census counts them.
        EarlierCpPlansRecorded = "earlier_cp_plans_recorded" { count: u16 },
        /// An emergency protection order or police protection (Annex A List 7).
        EmergencyProtectionRecorded = "emergency_protection_recorded" { kind: EmergencyProtectionKind },

        // Child in need.
        /// A child in need plan started.
        CinPlanStarted = "cin_plan_started" {},
        /// A child in need meeting or review was held.
        CinMeetingHeld = "cin_meeting_held" { kind: CinMeetingKind },
        /// The child in need plan ended.
        CinPlanEnded = "cin_plan_ended" { reason: CinPlanEndReason },

        // Visits and meetings.
        /// A visit to the child.
        VisitMade = "visit_made" {
            kind: VisitKind,
            child_seen: bool,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            seen_alone: Option<bool>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            not_seen_alone_reason: Option<Text>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            bedroom_seen: Option<bool>,
        },
        /// A meeting was booked for a future time, naming the reviewing officer who will
        /// chair it when it is one they chair.
        MeetingScheduled = "meeting_scheduled" {
            meeting: MeetingKind,
            at: Timestamp,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            chair: Option<StaffId>,
        },
        /// A booked meeting was called off.
        MeetingCancelled = "meeting_cancelled" { meeting: MeetingKind, at: Timestamp, reason: Text },

        /// A meeting without an event of its own (see `MeetingKind::recorded_as_meeting_held`).
        MeetingHeld = "meeting_held" { meeting: MeetingKind },
        /// A document was shared.
        DocumentShared = "document_shared" { document: DocumentKind, audiences: Vec<Audience> },
        /// A manager decided a document should not go to someone, and why.
        DocumentWithheld = "document_withheld" { document: DocumentKind, audience: Audience, manager: StaffId, reason: Text },
        /// A manager's response to recommendations or dissent.
        ManagerResponseRecorded = "manager_response_recorded" { to: DocumentKind, manager: StaffId, agreed: bool, text: Text },
        /// A professional disagreed with a conference decision.
        DissentRecorded = "dissent_recorded" { agency: Agency, text: Text },
        /// The police were told the child is missing.
        PoliceInformed = "police_informed" {},
        /// A manager authorised a different period for one of the practice standards.
        ObligationVaried = "obligation_varied" {
            rule: Line,
            amount: u16,
            unit: PeriodUnit,
            authorised_by: StaffId,
            reason: Text,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            until: Option<NaiveDate>,
        },
        /// An authorised variation ended early.
        VariationEnded = "variation_ended" { rule: Line },

        // Looked after.
        /// A looked-after episode started: on entering care, or on a change of legal status
        /// or placement (the previous episode then ended with X1 the same day).
        EpisodeStarted = "episode_started" {
            reason: ReasonNewEpisode,
            legal_status: LegalStatus,
            placement: PlacementType,
            category_of_need: CategoryOfNeed,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            provider: Option<PlacementProvider>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            urn: Option<Urn>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            home_postcode: Option<Postcode>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            placement_postcode: Option<Postcode>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            placement_change_reason: Option<ReasonPlaceChange>,
        },
        /// The looked-after episode ended.
        EpisodeEnded = "episode_ended" { reason: ReasonEpisodeCeased },
        /// A permanence order the child had before this period of care.
        PreviousPermanenceRecorded = "previous_permanence_recorded" {
            order: PreviousPermanence,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            authority: Option<PermanenceAuthority>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            date: Option<PartialDate>,
        },
        /// A looked-after review was held.
        ClaReviewHeld = "cla_review_held" { participation: ReviewParticipation },
        /// The care plan was written or updated.
        CarePlanRecorded = "care_plan_recorded" {},
        /// The permanence plan was set or changed.
        PermanencePlanRecorded = "permanence_plan_recorded" { plan: PermanencePlan },
        /// A health assessment was done.
        HealthAssessmentCompleted = "health_assessment_completed" {},
        /// A developmental check for a child under five.
        DevelopmentCheckCompleted = "development_check_completed" {},
        /// A dental check.
        DentalCheckCompleted = "dental_check_completed" {},
        /// Immunisation status was checked.
        ImmunisationsRecorded = "immunisations_recorded" { up_to_date: bool },
        /// A strengths and difficulties questionnaire: a score, or why there is none.
        SdqRecorded = "sdq_recorded" {
            #[serde(default, skip_serializing_if = "Option::is_none")]
            score: Option<SdqScore>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            reason: Option<SdqReason>,
        },
        /// A substance misuse problem was identified.
        SubstanceMisuseRecorded = "substance_misuse_recorded" { intervention_offered: bool, intervention_received: bool },
        /// The child was convicted or given a final warning or reprimand.
        ConvictionRecorded = "conviction_recorded" {},
        /// A personal education plan meeting.
        PepHeld = "pep_held" {},
        /// The child went missing, or was away without authorisation.
        MissingEpisodeStarted = "missing_episode_started" { kind: MissingKind },
        /// The child came back.
        MissingEpisodeEnded = "missing_episode_ended" {},
        /// A return interview was offered after the latest missing episode.
        ReturnInterviewOffered = "return_interview_offered" { accepted: bool },
        /// A deprivation of liberty order started.
        DeprivationOfLibertyStarted = "deprivation_of_liberty_started" {},
        /// The deprivation of liberty order ended.
        DeprivationOfLibertyEnded = "deprivation_of_liberty_ended" {},

        // Care leavers.
        /// Care leaver eligibility was decided or changed.
        CareLeaverStatusRecorded = "care_leaver_status_recorded" { category: CareLeaverCategory },
        /// Whether the service is in touch with the care leaver.
        CareLeaverContactRecorded = "care_leaver_contact_recorded" { in_touch: CareLeaverInTouch },
        /// The care leaver's main activity.
        CareLeaverActivityRecorded = "care_leaver_activity_recorded" { activity: CareLeaverActivity },
        /// The care leaver's accommodation and whether it suits them.
        CareLeaverAccommodationRecorded = "care_leaver_accommodation_recorded" { accommodation: CareLeaverAccommodation },
        /// A pathway plan was started or reviewed.
        PathwayPlanRecorded = "pathway_plan_recorded" { stage: PathwayPlanStage },
        /// A personal adviser was allocated.
        PersonalAdviserAllocated = "personal_adviser_allocated" { adviser: StaffId },
        /// The young person asked for their personal adviser's support to continue after 21,
        /// as they may up to 25.
        CareLeaverSupportRequested = "care_leaver_support_requested" {},

        // Adoption.
        /// The decision that the child should be placed for adoption.
        AdoptionDecisionMade = "adoption_decision_made" {
            /// The day of the decision, when it is earlier than the event: a record begun from
            /// a return that does not hold the episode the decision was made in.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            decided_on: Option<NaiveDate>,
        },
        /// The court made a placement order.
        PlacementOrderGranted = "placement_order_granted" {},
        /// The child was matched with prospective adopters.
        AdoptionMatched = "adoption_matched" {
            adopter_sex: AdopterSex,
            adopter_legal_status: AdopterLegalStatus,
            foster_carers_adopting: bool,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            adopter: Option<AdopterId>,
        },
        /// The child was placed with the prospective adopters.
        PlacedForAdoption = "placed_for_adoption" {},
        /// The court made an adoption order.
        AdoptionOrderGranted = "adoption_order_granted" {},
        /// The child is no longer to be placed for adoption.
        AdoptionPlanEnded = "adoption_plan_ended" { reason: ReasonPlacedCeased },

        // Recording.
        /// A case note.
        CaseNoteRecorded = "case_note_recorded" { kind: CaseNoteKind, text: Text, significant: bool },
        /// A chronology entry written by a worker.
        ChronologyEntryAdded = "chronology_entry_added" {
            summary: Line,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            detail: Option<Text>,
        },
        /// The case summary was written or brought up to date.
        CaseSummaryRecorded = "case_summary_recorded" { text: Text },
        /// A manager's oversight and direction.
        ManagementOversightRecorded = "management_oversight_recorded" { manager: StaffId, text: Text },
        /// Case supervision between a supervisor and the worker.
        SupervisionRecorded = "supervision_recorded" {
            supervisor: StaffId,
            worker: StaffId,
            text: Text,
            /// The case discussion of a supervision session, when it was recorded from one
            /// (`text` is then its update).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            discussion: Option<Box<crate::supervision::CaseDiscussion>>,
        },

        // The content of practice (`practice.rs`): what each entry said. Each is written
        // about the event it describes (`about`, that event's version in the stream).
        /// The child and family assessment in words, about its completion.
        AssessmentWritten = "assessment_written" { about: u64, content: AssessmentContent },
        /// The record of a strategy discussion: who took part, what was shared, the decision
        /// and the actions.
        StrategyMinutesRecorded = "strategy_minutes_recorded" { about: u64, minutes: StrategyMinutes },
        /// What a section 47 enquiry found, about its completion.
        EnquiryFindingsRecorded = "enquiry_findings_recorded" { about: u64, findings: EnquiryFindings },
        /// The record of a child protection conference or a looked-after review.
        ConferenceMinutesRecorded = "conference_minutes_recorded" { about: u64, minutes: ConferenceMinutes },
        /// A version of a plan: outcomes, new actions, contingency and key contacts, perhaps
        /// written at the meeting (`about`) that changed it.
        PlanWritten = "plan_written" {
            plan: PlanKind,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            about: Option<u64>,
            content: PlanContent,
        },
        /// A meeting went through a plan's open actions: progress on each, actions added and
        /// ended.
        ActionsReviewed = "actions_reviewed" { about: u64, plan: PlanKind, review: ActionReview },
        /// A visit in words, about the visit.
        VisitWritten = "visit_written" { about: u64, content: VisitContent },
        /// The allocated worker's allocation record.
        AllocationRecordWritten = "allocation_record_written" { content: AllocationRecord },
        /// A transfer or closing summary, for a team manager to authorise.
        SummaryWritten = "summary_written" { kind: SummaryKind, text: Text },
        /// A manager authorised an assessment or summary with a rationale, or returned it
        /// with comments.
        ManagerDecisionRecorded = "manager_decision_recorded" {
            entry: u64,
            manager: StaffId,
            decision: ManagerDecision,
            rationale: Text,
        },
        /// The child's own words, verbatim, and how they were gathered.
        ChildWordsRecorded = "child_words_recorded" {
            words: Text,
            gathered: WordsGathered,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            about: Option<u64>,
        },
        /// One text of a content entry was amended; the earlier wording stays in the record.
        ContentAmended = "content_amended" { entry: u64, field: Line, text: Text, reason: Text },

        // Access.
        /// A manager restricted the record: beyond the child's worker and their managers, only
        /// the staff named, whoever restricted it and the senior leaders may see it. A second
        /// restriction while restricted replaces the reason and the staff named.
        RecordRestricted = "record_restricted" { decided_by: StaffId, reason: Text, permitted: Vec<StaffId> },
        /// A manager lifted the restriction: ordinary sight of the record returns.
        RestrictionLifted = "restriction_lifted" { decided_by: StaffId, reason: Text },

        // Closure and correction.
        /// The child in need episode closed.
        CaseClosed = "case_closed" { reason: ReasonForClosure },
        /// An earlier event was wrong: replaced by a corrected one, or struck out.
        Corrected = "corrected" {
            corrects: u64,
            reason: Text,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            replacement: Option<Replacement>,
        },
    }
}

/// The corrected version of an event: what happened and when.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Replacement {
    /// When it really happened.
    pub occurred_at: Timestamp,
    /// What really happened (the same kind of event as the one corrected).
    pub event: Box<ChildEvent>,
}

/// A record another record refers to, which must exist for an event to be accepted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reference {
    /// A member of staff.
    Staff(StaffId),
    /// A team.
    Team(TeamId),
    /// An adult in a network.
    Person(PersonId),
    /// A professional.
    Professional(ProfessionalId),
    /// Another child.
    Child(ChildId),
    /// An adopter household.
    Adopter(AdopterId),
}

impl ChildEvent {
    /// The records this event refers to.
    pub fn references(&self) -> Vec<Reference> {
        use ChildEvent::*;
        match self {
            NetworkMemberAdded { person, .. }
            | NetworkMemberChanged { person, .. }
            | NetworkMemberRemoved { person } => vec![Reference::Person(person.clone())],
            ProfessionalInvolved { professional, .. }
            | ProfessionalInvolvementEnded { professional } => {
                vec![Reference::Professional(professional.clone())]
            }
            SiblingLinked { sibling, .. } => vec![Reference::Child(sibling.clone())],
            WorkerAllocated {
                worker,
                team,
                decided_by,
                ..
            } => vec![
                Reference::Staff(worker.clone()),
                Reference::Team(team.clone()),
                Reference::Staff(decided_by.clone()),
            ],
            AssessmentAuthorised { manager }
            | ManagementOversightRecorded { manager, .. }
            | DocumentWithheld { manager, .. }
            | ManagerResponseRecorded { manager, .. } => {
                vec![Reference::Staff(manager.clone())]
            }
            PersonalAdviserAllocated { adviser } => vec![Reference::Staff(adviser.clone())],
            TransferRequested {
                to_team,
                requested_by,
                ..
            } => vec![
                Reference::Team(to_team.clone()),
                Reference::Staff(requested_by.clone()),
            ],
            TransferDeclined { declined_by, .. } => vec![Reference::Staff(declined_by.clone())],
            CoverArranged {
                buddy, arranged_by, ..
            } => vec![
                Reference::Staff(buddy.clone()),
                Reference::Staff(arranged_by.clone()),
            ],
            MeetingScheduled {
                chair: Some(chair), ..
            } => vec![Reference::Staff(chair.clone())],
            RecordRestricted {
                decided_by,
                permitted,
                ..
            } => std::iter::once(decided_by)
                .chain(permitted)
                .map(|s| Reference::Staff(s.clone()))
                .collect(),
            RestrictionLifted { decided_by, .. } => vec![Reference::Staff(decided_by.clone())],
            ObligationVaried { authorised_by, .. } => vec![Reference::Staff(authorised_by.clone())],
            SupervisionRecorded {
                supervisor, worker, ..
            } => {
                vec![
                    Reference::Staff(supervisor.clone()),
                    Reference::Staff(worker.clone()),
                ]
            }
            ManagerDecisionRecorded { manager, .. } => vec![Reference::Staff(manager.clone())],
            ConferenceMinutesRecorded { minutes, .. } => {
                vec![Reference::Staff(minutes.chair.clone())]
            }
            VisitWritten {
                content:
                    VisitContent {
                        not_seen_alone: Some(n),
                        ..
                    },
                ..
            } => vec![Reference::Staff(n.agreed_by.clone())],
            other @ (StrategyMinutesRecorded { .. }
            | PlanWritten { .. }
            | ActionsReviewed { .. }
            | AllocationRecordWritten { .. }) => crate::child::practice::Content::of(other)
                .map(|(c, _)| {
                    c.actions()
                        .iter()
                        .filter_map(|a| a.who.staff())
                        .map(|s| Reference::Staff(s.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            AdoptionMatched {
                adopter: Some(a), ..
            } => vec![Reference::Adopter(a.clone())],
            Corrected {
                replacement: Some(r),
                ..
            } => r.event.references(),
            _ => Vec::new(),
        }
    }

    /// Events that only add to the recording (notes, oversight, corrections). They are
    /// allowed after a child has died or a case has closed.
    pub fn is_recording(&self) -> bool {
        use ChildEvent::*;
        matches!(
            self,
            CaseNoteRecorded { .. }
                | ChronologyEntryAdded { .. }
                | CaseSummaryRecorded { .. }
                | ManagementOversightRecorded { .. }
                | SupervisionRecorded { .. }
                | DocumentShared { .. }
                | DocumentWithheld { .. }
                | ManagerResponseRecorded { .. }
                | Corrected { .. }
                | ChildDetailsAmended { .. }
                | NetworkMemberAdded { .. }
                | NetworkMemberChanged { .. }
                | NetworkMemberRemoved { .. }
                | ProfessionalInvolved { .. }
                | ProfessionalInvolvementEnded { .. }
                | FamilyLinked { .. }
                | SiblingLinked { .. }
                | AssessmentWritten { .. }
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
                | ContentAmended { .. }
        )
    }

    /// Whether the event marks a significant event for the chronology when it happens.
    pub fn is_significant(&self) -> bool {
        use ChildEvent::*;
        match self {
            CaseNoteRecorded { significant, .. } => *significant,
            ChronologyEntryAdded { .. }
            | ReferralReceived { .. }
            | StrategyDiscussionHeld { .. }
            | Section47Started { .. }
            | InitialConferenceHeld { .. }
            | CpPlanStarted { .. }
            | CpPlanEnded { .. }
            | ReviewConferenceHeld { .. }
            | CinPlanStarted { .. }
            | CinPlanEnded { .. }
            | EpisodeStarted { .. }
            | EpisodeEnded { .. }
            | MissingEpisodeStarted { .. }
            | EmergencyProtectionRecorded { .. }
            | DissentRecorded { .. }
            | AdoptionDecisionMade { .. }
            | PlacementOrderGranted { .. }
            | PlacedForAdoption { .. }
            | AdoptionOrderGranted { .. }
            | DeprivationOfLibertyStarted { .. }
            | BirthRecorded { .. }
            | DeathRecorded { .. }
            | AddressChanged { .. }
            | CaseClosed { .. } => true,
            _ => false,
        }
    }
}
