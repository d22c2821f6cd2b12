//! The words a ruleset can use: the events that start or satisfy a clock, the conditions and
//! code filters each event accepts, and the states a rule can apply while. Each is named as
//! the record names it (`visit_made`, `cp_plan`), and a name not listed here is refused when
//! the ruleset is loaded.

use hearth_domain::codes::*;

hearth_domain::vocabulary! {
    /// Events a rule can start a clock from, be satisfied by, or be voided by. They are the
    /// child record's event kinds, read from the folded record.
    pub enum FactKind {
        /// Any event in the record except corrections (for recording timeliness).
        Any = "any",
        ReferralReceived = "referral_received",
        WorkerAllocated = "worker_allocated",
        WorkerUnallocated = "worker_unallocated",
        EarlyHelpAssessmentStarted = "early_help_assessment_started",
        EarlyHelpAssessmentCompleted = "early_help_assessment_completed",
        AssessmentStarted = "assessment_started",
        AssessmentCompleted = "assessment_completed",
        AssessmentAuthorised = "assessment_authorised",
        ConcernRaised = "concern_raised",
        StrategyDiscussionHeld = "strategy_discussion_held",
        Section47Started = "section47_started",
        Section47Completed = "section47_completed",
        InitialConferenceHeld = "initial_conference_held",
        CpPlanStarted = "cp_plan_started",
        CoreGroupHeld = "core_group_held",
        ReviewConferenceHeld = "review_conference_held",
        CpPlanEnded = "cp_plan_ended",
        EmergencyProtectionRecorded = "emergency_protection_recorded",
        CinPlanStarted = "cin_plan_started",
        CinMeetingHeld = "cin_meeting_held",
        CinPlanEnded = "cin_plan_ended",
        VisitMade = "visit_made",
        MeetingScheduled = "meeting_scheduled",
        MeetingHeld = "meeting_held",
        DocumentShared = "document_shared",
        DocumentWithheld = "document_withheld",
        ManagerResponseRecorded = "manager_response_recorded",
        DissentRecorded = "dissent_recorded",
        PoliceInformed = "police_informed",
        EpisodeStarted = "episode_started",
        EpisodeEnded = "episode_ended",
        ClaReviewHeld = "cla_review_held",
        CarePlanRecorded = "care_plan_recorded",
        PermanencePlanRecorded = "permanence_plan_recorded",
        HealthAssessmentCompleted = "health_assessment_completed",
        DevelopmentCheckCompleted = "development_check_completed",
        DentalCheckCompleted = "dental_check_completed",
        PepHeld = "pep_held",
        MissingEpisodeStarted = "missing_episode_started",
        MissingEpisodeEnded = "missing_episode_ended",
        ReturnInterviewOffered = "return_interview_offered",
        CareLeaverStatusRecorded = "care_leaver_status_recorded",
        CareLeaverContactRecorded = "care_leaver_contact_recorded",
        CareLeaverActivityRecorded = "care_leaver_activity_recorded",
        PathwayPlanRecorded = "pathway_plan_recorded",
        PersonalAdviserAllocated = "personal_adviser_allocated",
        CareLeaverSupportRequested = "care_leaver_support_requested",
        CaseNoteRecorded = "case_note_recorded",
        ChronologyEntryAdded = "chronology_entry_added",
        CaseSummaryRecorded = "case_summary_recorded",
        ManagementOversightRecorded = "management_oversight_recorded",
        SupervisionRecorded = "supervision_recorded",
        CaseClosed = "case_closed",
    }
}

hearth_domain::vocabulary! {
    /// Yes-or-no conditions on an event.
    pub enum FactCondition {
        /// A referral marked no further action.
        Nfa = "nfa",
        /// A referral that goes further.
        NotNfa = "not_nfa",
        /// The child's first allocation.
        FirstAllocation = "first_allocation",
        /// A different worker from the one before.
        ChangeOfWorker = "change_of_worker",
        /// A different team from the one before.
        ChangeOfTeam = "change_of_team",
        /// The child was seen.
        ChildSeen = "child_seen",
        /// The child was seen alone.
        SeenAlone = "seen_alone",
        /// The child was seen alone, or a reason why not was recorded.
        SeenAloneOrReason = "seen_alone_or_reason",
        /// A visit of a statutory kind.
        Statutory = "statutory",
        /// The child's bedroom was seen.
        BedroomSeen = "bedroom_seen",
        /// The enquiry called for an initial conference.
        ConferenceNeeded = "conference_needed",
        /// The enquiry did not call for a conference.
        NoConferenceNeeded = "no_conference_needed",
        /// A transfer-in conference.
        TransferIn = "transfer_in",
        /// Not a transfer-in conference.
        NotTransferIn = "not_transfer_in",
        /// The manager agreed.
        Agreed = "agreed",
        /// The manager did not agree.
        NotAgreed = "not_agreed",
        /// The child started to be looked after (a new period of care).
        EntersCare = "enters_care",
        /// A new placement starts (a new period of care, or a change of placement).
        PlacementStarts = "placement_starts",
        /// The child stopped being looked after (not a change of episode).
        LeavesCare = "leaves_care",
        /// The return interview was accepted.
        Accepted = "accepted",
        /// The care leaver is in touch.
        InTouch = "in_touch",
        /// Not in education, employment or training.
        Neet = "neet",
        /// In education, employment or training.
        NotNeet = "not_neet",
        /// A significant event for the chronology.
        Significant = "significant",
    }
}

hearth_domain::vocabulary! {
    /// Code filters on an event: each takes a list of the record's own codes.
    pub enum FilterKey {
        Decision = "decision",
        Outcome = "outcome",
        Kind = "kind",
        Reason = "reason",
        LegalStatus = "legal_status",
        Meeting = "meeting",
        Document = "document",
        Audiences = "audiences",
        To = "to",
        Plan = "plan",
        Category = "category",
        Activity = "activity",
        Stage = "stage",
    }
}

impl FactKind {
    /// The yes-or-no conditions this event accepts.
    pub fn conditions(self) -> &'static [FactCondition] {
        use FactCondition as C;
        use FactKind as K;
        match self {
            K::Any | K::CaseNoteRecorded => &[C::Significant],
            K::ReferralReceived => &[C::Nfa, C::NotNfa],
            K::WorkerAllocated => &[C::FirstAllocation, C::ChangeOfWorker, C::ChangeOfTeam],
            K::VisitMade => &[
                C::ChildSeen,
                C::SeenAlone,
                C::SeenAloneOrReason,
                C::Statutory,
                C::BedroomSeen,
            ],
            K::Section47Completed => &[C::ConferenceNeeded, C::NoConferenceNeeded],
            K::InitialConferenceHeld => &[C::TransferIn, C::NotTransferIn],
            K::ManagerResponseRecorded => &[C::Agreed, C::NotAgreed],
            K::EpisodeStarted => &[C::EntersCare, C::PlacementStarts],
            K::EpisodeEnded => &[C::LeavesCare],
            K::ReturnInterviewOffered => &[C::Accepted],
            K::CareLeaverContactRecorded => &[C::InTouch],
            K::CareLeaverActivityRecorded => &[C::Neet, C::NotNeet],
            _ => &[],
        }
    }

    /// The code filters this event accepts.
    pub fn filters(self) -> &'static [FilterKey] {
        use FactKind as K;
        use FilterKey as F;
        match self {
            K::StrategyDiscussionHeld => &[F::Decision],
            K::AssessmentCompleted
            | K::Section47Completed
            | K::InitialConferenceHeld
            | K::ReviewConferenceHeld => &[F::Outcome],
            K::VisitMade | K::CinMeetingHeld | K::MissingEpisodeStarted => &[F::Kind],
            K::EmergencyProtectionRecorded => &[F::Kind],
            K::WorkerAllocated
            | K::EpisodeEnded
            | K::CinPlanEnded
            | K::CpPlanEnded
            | K::CaseClosed => &[F::Reason],
            K::EpisodeStarted => &[F::Reason, F::LegalStatus],
            K::MeetingScheduled | K::MeetingHeld => &[F::Meeting],
            K::DocumentShared | K::DocumentWithheld => &[F::Document, F::Audiences],
            K::ManagerResponseRecorded => &[F::To],
            K::PermanencePlanRecorded => &[F::Plan],
            K::CareLeaverStatusRecorded => &[F::Category],
            K::CareLeaverActivityRecorded => &[F::Activity],
            K::PathwayPlanRecorded => &[F::Stage],
            _ => &[],
        }
    }
}

hearth_domain::vocabulary! {
    /// States of the child's record over time. A rule applies while its states hold.
    pub enum State {
        /// An open child in need episode (referral to closure), unless the referral was
        /// marked no further action.
        OpenCase = "open_case",
        /// A worker is allocated.
        Allocated = "allocated",
        /// A child and family assessment is in progress.
        Assessment = "assessment",
        /// A section 47 enquiry is in progress.
        Section47 = "section47",
        /// A child protection plan is open.
        CpPlan = "cp_plan",
        /// A child in need plan is open.
        CinPlan = "cin_plan",
        /// The child is looked after (a period of care, across changes of episode).
        LookedAfter = "looked_after",
        /// The child is missing (not merely away).
        Missing = "missing",
        /// The child is missing or away without authorisation.
        MissingOrAway = "missing_or_away",
        /// A relevant or former relevant care leaver.
        CareLeaver = "care_leaver",
        /// A care leaver whose latest recorded activity is not in education, employment or
        /// training.
        Neet = "neet",
        /// A permanence plan is recorded during the period of care.
        PermanencePlan = "permanence_plan",
        /// The permanence plan is long-term fostering or residential care: the placement is
        /// meant to last until 18.
        LongTermPlacement = "long_term_placement",
        /// An adoption plan is active.
        AdoptionPlan = "adoption_plan",
    }
}

impl State {
    /// A plain description, for explanations.
    pub const fn describe(self) -> &'static str {
        match self {
            State::OpenCase => "the case is open",
            State::Allocated => "a worker is allocated",
            State::Assessment => "an assessment is in progress",
            State::Section47 => "a section 47 enquiry is in progress",
            State::CpPlan => "a child protection plan is open",
            State::CinPlan => "a child in need plan is open",
            State::LookedAfter => "the child is looked after",
            State::Missing => "the child is missing",
            State::MissingOrAway => "the child is missing or away",
            State::CareLeaver => "the young person is a care leaver",
            State::Neet => "the care leaver is not in education, employment or training",
            State::PermanencePlan => "a permanence plan is in place",
            State::LongTermPlacement => "the placement is meant to last until 18",
            State::AdoptionPlan => "an adoption plan is active",
        }
    }
}

/// A code filter, parsed into the record's own code lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// What a strategy discussion decided.
    Decision(Vec<StrategyDecision>),
    /// An assessment's outcome.
    AssessmentOutcome(Vec<AssessmentOutcome>),
    /// An enquiry's finding.
    Section47Outcome(Vec<Section47Outcome>),
    /// What an initial conference decided.
    InitialConferenceOutcome(Vec<InitialConferenceOutcome>),
    /// What a review conference decided.
    ReviewConferenceOutcome(Vec<ReviewConferenceOutcome>),
    /// The kind of visit.
    VisitKind(Vec<VisitKind>),
    /// The kind of child in need meeting.
    CinMeetingKind(Vec<CinMeetingKind>),
    /// Missing or away.
    MissingKind(Vec<MissingKind>),
    /// The kind of emergency protection.
    EmergencyProtectionKind(Vec<EmergencyProtectionKind>),
    /// Why a worker changed.
    AllocationReason(Vec<WorkerChangeReason>),
    /// Why an episode started.
    EpisodeStartReason(Vec<ReasonNewEpisode>),
    /// Why an episode ended.
    EpisodeEndReason(Vec<ReasonEpisodeCeased>),
    /// Why a child in need plan ended.
    CinPlanEndReason(Vec<CinPlanEndReason>),
    /// Why a child protection plan ended.
    CpPlanEndReason(Vec<CpPlanEndReason>),
    /// Why the case closed.
    ClosureReason(Vec<ReasonForClosure>),
    /// Legal status at the start of an episode.
    LegalStatus(Vec<LegalStatus>),
    /// Which meeting.
    Meeting(Vec<MeetingKind>),
    /// Which document.
    Document(Vec<DocumentKind>),
    /// Who a document went to: every one listed, across one or more events.
    Audiences(Vec<Audience>),
    /// What a manager responded to.
    To(Vec<DocumentKind>),
    /// The permanence plan.
    Plan(Vec<PermanencePlan>),
    /// Care leaver eligibility.
    Category(Vec<CareLeaverCategory>),
    /// A care leaver's activity.
    Activity(Vec<CareLeaverActivity>),
    /// Pathway plan stage.
    Stage(Vec<PathwayPlanStage>),
}

fn codes<T>(values: &[String]) -> Result<Vec<T>, String>
where
    T: std::str::FromStr<Err = UnknownCode>,
{
    if values.is_empty() {
        return Err("give at least one code".to_owned());
    }
    values
        .iter()
        .map(|v| v.parse::<T>().map_err(|e| e.to_string()))
        .collect()
}

impl Filter {
    /// Parses a filter's codes for an event kind (the key is already known to apply).
    pub fn parse(kind: FactKind, key: FilterKey, values: &[String]) -> Result<Filter, String> {
        use FactKind as K;
        use FilterKey as F;
        Ok(match (key, kind) {
            (F::Decision, _) => Filter::Decision(codes(values)?),
            (F::Outcome, K::AssessmentCompleted) => Filter::AssessmentOutcome(codes(values)?),
            (F::Outcome, K::Section47Completed) => Filter::Section47Outcome(codes(values)?),
            (F::Outcome, K::InitialConferenceHeld) => {
                Filter::InitialConferenceOutcome(codes(values)?)
            }
            (F::Outcome, _) => Filter::ReviewConferenceOutcome(codes(values)?),
            (F::Kind, K::VisitMade) => Filter::VisitKind(codes(values)?),
            (F::Kind, K::CinMeetingHeld) => Filter::CinMeetingKind(codes(values)?),
            (F::Kind, K::MissingEpisodeStarted) => Filter::MissingKind(codes(values)?),
            (F::Kind, _) => Filter::EmergencyProtectionKind(codes(values)?),
            (F::Reason, K::WorkerAllocated) => Filter::AllocationReason(codes(values)?),
            (F::Reason, K::EpisodeStarted) => Filter::EpisodeStartReason(codes(values)?),
            (F::Reason, K::EpisodeEnded) => Filter::EpisodeEndReason(codes(values)?),
            (F::Reason, K::CinPlanEnded) => Filter::CinPlanEndReason(codes(values)?),
            (F::Reason, K::CpPlanEnded) => Filter::CpPlanEndReason(codes(values)?),
            (F::Reason, _) => Filter::ClosureReason(codes(values)?),
            (F::LegalStatus, _) => Filter::LegalStatus(codes(values)?),
            (F::Meeting, _) => Filter::Meeting(codes(values)?),
            (F::Document, _) => Filter::Document(codes(values)?),
            (F::Audiences, _) => Filter::Audiences(codes(values)?),
            (F::To, _) => Filter::To(codes(values)?),
            (F::Plan, _) => Filter::Plan(codes(values)?),
            (F::Category, _) => Filter::Category(codes(values)?),
            (F::Activity, _) => Filter::Activity(codes(values)?),
            (F::Stage, _) => Filter::Stage(codes(values)?),
        })
    }
}

/// The record's meeting kinds that have events of their own, and the event that records each.
pub fn held_as(meeting: MeetingKind) -> (FactKind, Option<Filter>) {
    match meeting {
        MeetingKind::InitialConference => (FactKind::InitialConferenceHeld, None),
        MeetingKind::ReviewConference => (FactKind::ReviewConferenceHeld, None),
        MeetingKind::CoreGroup => (FactKind::CoreGroupHeld, None),
        MeetingKind::CinReview => (
            FactKind::CinMeetingHeld,
            Some(Filter::CinMeetingKind(vec![CinMeetingKind::Review])),
        ),
        MeetingKind::ClaReview => (FactKind::ClaReviewHeld, None),
        MeetingKind::Strategy => (FactKind::StrategyDiscussionHeld, None),
        MeetingKind::Pep => (FactKind::PepHeld, None),
        MeetingKind::PathwayReview => (
            FactKind::PathwayPlanRecorded,
            Some(Filter::Stage(vec![PathwayPlanStage::Reviewed])),
        ),
        other => (FactKind::MeetingHeld, Some(Filter::Meeting(vec![other]))),
    }
}
