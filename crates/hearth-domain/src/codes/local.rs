//! Code lists with no national equivalent. Where Ofsted's Annex A has a list (gender,
//! permanence plan, care leaver eligibility) the values follow it.

use crate::code_list;

code_list! {
    /// Gender, as Ofsted's Annex A asks for it (separate from the sex used by the returns).
    pub enum GenderIdentity ("gender") {
        Male = "MALE" => "Male",
        Female = "FEMALE" => "Female",
        NotStated = "NOT_STATED" => "Not stated or not recorded",
        Neither = "NEITHER" => "Neither male nor female",
    }
}

code_list! {
    /// Religion or belief (the census categories).
    pub enum Religion ("religion") {
        NoReligion = "NONE" => "No religion",
        Christian = "CHRISTIAN" => "Christian",
        Buddhist = "BUDDHIST" => "Buddhist",
        Hindu = "HINDU" => "Hindu",
        Jewish = "JEWISH" => "Jewish",
        Muslim = "MUSLIM" => "Muslim",
        Sikh = "SIKH" => "Sikh",
        Other = "OTHER" => "Another religion",
        NotStated = "NOT_STATED" => "Not stated",
    }
}

code_list! {
    /// Immigration status.
    pub enum ImmigrationStatus ("immigration status") {
        BritishCitizen = "BRITISH" => "British citizen",
        Settled = "SETTLED" => "Settled status or indefinite leave",
        PreSettled = "PRE_SETTLED" => "Pre-settled status",
        LimitedLeave = "LIMITED_LEAVE" => "Limited leave to remain",
        Refugee = "REFUGEE" => "Refugee status or humanitarian protection",
        AsylumSeeker = "ASYLUM_SEEKER" => "Asylum claim pending",
        NoStatus = "NO_STATUS" => "No current leave",
        NotKnown = "NOT_KNOWN" => "Not known",
    }
}

code_list! {
    /// How a network member is related to the child.
    pub enum Relationship ("relationship") {
        Mother = "MOTHER" => "Mother",
        Father = "FATHER" => "Father",
        StepParent = "STEP_PARENT" => "Step-parent",
        ParentsPartner = "PARENTS_PARTNER" => "Parent's partner",
        Grandparent = "GRANDPARENT" => "Grandparent",
        AuntUncle = "AUNT_UNCLE" => "Aunt or uncle",
        AdultSibling = "ADULT_SIBLING" => "Adult brother or sister",
        Cousin = "COUSIN" => "Cousin",
        OtherRelative = "OTHER_RELATIVE" => "Other relative",
        SpecialGuardian = "SPECIAL_GUARDIAN" => "Special guardian",
        FosterCarer = "FOSTER_CARER" => "Foster carer",
        FamilyFriend = "FAMILY_FRIEND" => "Family friend",
        Other = "OTHER" => "Other",
    }
}

code_list! {
    /// What a member of staff does. Access and authorisation follow from the role.
    pub enum StaffRole ("staff role") {
        SocialWorker = "SOCIAL_WORKER" => "Social worker",
        PersonalAdviser = "PERSONAL_ADVISER" => "Personal adviser",
        TeamManager = "TEAM_MANAGER" => "Team manager",
        GroupManager = "GROUP_MANAGER" => "Group manager",
        ReviewingOfficer = "REVIEWING_OFFICER" => "Reviewing officer",
        QualityAssuranceLead = "QA_LEAD" => "Quality assurance lead",
        PerformanceAnalyst = "PERFORMANCE_ANALYST" => "Performance analyst",
        HeadOfService = "HEAD_OF_SERVICE" => "Head of service",
        AssistantDirector = "ASSISTANT_DIRECTOR" => "Assistant director",
        Administrator = "ADMINISTRATOR" => "Administrator",
    }
}

impl StaffRole {
    /// Roles that can make management decisions (allocation, authorisation, oversight).
    pub const fn is_manager(self) -> bool {
        matches!(
            self,
            StaffRole::TeamManager
                | StaffRole::GroupManager
                | StaffRole::HeadOfService
                | StaffRole::AssistantDirector
        )
    }

    /// Roles that hold a caseload.
    pub const fn holds_cases(self) -> bool {
        matches!(self, StaffRole::SocialWorker | StaffRole::PersonalAdviser)
    }

    /// Roles that must be registered with Social Work England.
    pub const fn needs_registration(self) -> bool {
        matches!(
            self,
            StaffRole::SocialWorker
                | StaffRole::TeamManager
                | StaffRole::GroupManager
                | StaffRole::ReviewingOfficer
        )
    }
}

code_list! {
    /// The part of the service a team belongs to.
    pub enum ServiceArea ("service area") {
        ReferralAssessment = "REFERRAL_ASSESSMENT" => "Referral and assessment",
        SafeguardingCarePlanning = "SAFEGUARDING" => "Safeguarding and care planning",
        Disabilities = "DISABILITIES" => "Children with disabilities",
        LookedAfter = "LOOKED_AFTER" => "Children looked after",
        LeavingCare = "LEAVING_CARE" => "Leaving care",
        Reviewing = "REVIEWING" => "Reviewing officers (quality improvement)",
        QualityAssurance = "QUALITY_ASSURANCE" => "Quality assurance",
        Fostering = "FOSTERING" => "Fostering",
        Adoption = "ADOPTION" => "Adoption",
        EarlyHelp = "EARLY_HELP" => "Early help",
        Performance = "PERFORMANCE" => "Performance and information",
        Leadership = "LEADERSHIP" => "Service leadership",
    }
}

code_list! {
    /// The purpose of a visit to the child.
    pub enum VisitKind ("visit kind") {
        Statutory = "STATUTORY" => "Statutory visit",
        StatutoryUnannounced = "STATUTORY_UNANNOUNCED" => "Statutory visit, unannounced",
        Assessment = "ASSESSMENT" => "Assessment visit",
        ReviewingOfficer = "REVIEWING_OFFICER" => "Reviewing officer's visit or contact",
        PersonalAdviser = "PERSONAL_ADVISER" => "Personal adviser's contact",
        Other = "OTHER" => "Other visit",
    }
}

impl VisitKind {
    /// Visits that count towards the statutory visiting standards.
    pub const fn is_statutory(self) -> bool {
        matches!(
            self,
            VisitKind::Statutory | VisitKind::StatutoryUnannounced | VisitKind::PersonalAdviser
        )
    }
}

code_list! {
    /// What a case note records.
    pub enum CaseNoteKind ("case note kind") {
        Telephone = "TELEPHONE" => "Telephone call",
        Email = "EMAIL" => "Email",
        Letter = "LETTER" => "Letter",
        Meeting = "MEETING" => "Meeting",
        DirectWork = "DIRECT_WORK" => "Direct work with the child",
        Information = "INFORMATION" => "Information received",
        Other = "OTHER" => "Other",
    }
}

code_list! {
    /// Agencies taking part in a strategy discussion.
    pub enum Agency ("agency") {
        SocialCare = "SOCIAL_CARE" => "Children's social care",
        Police = "POLICE" => "Police",
        Health = "HEALTH" => "Health",
        Education = "EDUCATION" => "Education",
        Referrer = "REFERRER" => "The referrer",
        Probation = "PROBATION" => "Probation",
        Housing = "HOUSING" => "Housing",
        Other = "OTHER" => "Other agency",
    }
}

code_list! {
    /// What a strategy discussion decided.
    pub enum StrategyDecision ("strategy decision") {
        Section47 = "S47" => "Start a section 47 enquiry",
        ChildInNeed = "CIN" => "No enquiry: continue as a child in need",
        NoFurtherAction = "NFA" => "No further action",
        Reconvene = "RECONVENE" => "Meet again before deciding",
    }
}

code_list! {
    /// The finding of a section 47 enquiry.
    pub enum Section47Outcome ("section 47 outcome") {
        SubstantiatedAtRisk = "SUBSTANTIATED_RISK" => "Concerns substantiated; child likely to suffer significant harm",
        SubstantiatedNotAtRisk = "SUBSTANTIATED_NO_RISK" => "Concerns substantiated; child not judged at continuing risk",
        NotSubstantiated = "NOT_SUBSTANTIATED" => "Concerns not substantiated",
    }
}

code_list! {
    /// What an initial child protection conference decided.
    pub enum InitialConferenceOutcome ("initial conference outcome") {
        CpPlan = "CP_PLAN" => "Child protection plan",
        ChildInNeed = "CIN" => "No plan: support as a child in need",
        NoFurtherAction = "NFA" => "No plan: no further action",
    }
}

code_list! {
    /// What a review child protection conference decided.
    pub enum ReviewConferenceOutcome ("review conference outcome") {
        Continue = "CONTINUE" => "The plan continues",
        EndChildInNeed = "END_CIN" => "The plan ends: support as a child in need",
        EndNoFurtherAction = "END_NFA" => "The plan ends: no further action",
    }
}

code_list! {
    /// Why a child protection plan ended.
    pub enum CpPlanEndReason ("child protection plan end reason") {
        ReviewConference = "REVIEW" => "Ended at a review conference",
        LookedAfter = "LOOKED_AFTER" => "The child became looked after",
        TransferredOut = "TRANSFERRED" => "The child moved to another council",
        Adulthood = "AGE_18" => "The child turned 18",
        Died = "DIED" => "The child died",
        Other = "OTHER" => "Other reason",
    }
}

code_list! {
    /// Why a child in need plan ended.
    pub enum CinPlanEndReason ("child in need plan end reason") {
        NoLongerInNeed = "NO_LONGER_IN_NEED" => "No longer a child in need",
        StepDown = "STEP_DOWN" => "Stepped down to early help",
        ChildProtection = "CP_PLAN" => "Child protection plan started",
        LookedAfter = "LOOKED_AFTER" => "The child became looked after",
        TransferredOut = "TRANSFERRED" => "The child moved to another council",
        Other = "OTHER" => "Other reason",
    }
}

code_list! {
    /// What a child and family assessment concluded.
    pub enum AssessmentOutcome ("assessment outcome") {
        NoFurtherAction = "NFA" => "No further action",
        EarlyHelp = "EARLY_HELP" => "Step down to early help",
        ChildInNeedPlan = "CIN_PLAN" => "Child in need plan",
        StrategyDiscussion = "STRATEGY" => "Strategy discussion",
        LookedAfter = "LOOKED_AFTER" => "Become looked after",
        ContinuePlan = "CONTINUE" => "Continue the current plan",
    }
}

impl AssessmentOutcome {
    /// Whether the assessment found the child needs children's social care support.
    pub const fn needs_social_care(self) -> bool {
        !matches!(
            self,
            AssessmentOutcome::NoFurtherAction | AssessmentOutcome::EarlyHelp
        )
    }
}

code_list! {
    /// Care leaver eligibility under the Children (Leaving Care) Act.
    pub enum CareLeaverCategory ("care leaver category") {
        Eligible = "ELIGIBLE" => "Eligible child (still looked after, aged 16 or 17)",
        Relevant = "RELEVANT" => "Relevant child",
        FormerRelevant = "FORMER_RELEVANT" => "Former relevant child",
        Qualifying = "QUALIFYING" => "Qualifying care leaver",
    }
}

impl CareLeaverCategory {
    /// Whether the service supports the young person after care, with a personal adviser and
    /// a pathway plan: a relevant or former relevant child. An eligible child is still looked
    /// after; a qualifying care leaver is advised and assisted, not supported in this way.
    pub const fn is_supported(self) -> bool {
        matches!(
            self,
            CareLeaverCategory::Relevant | CareLeaverCategory::FormerRelevant
        )
    }
}

code_list! {
    /// The permanence plan for a looked-after child (Ofsted Annex A, List 8).
    pub enum PermanencePlan ("permanence plan") {
        ReturnToFamily = "RETURN_FAMILY" => "Return to family",
        Adoption = "ADOPTION" => "Adoption",
        SgoCao = "SGO_CAO" => "Special guardianship or child arrangements order",
        SupportedLiving = "SUPPORTED_LIVING" => "Supported living in the community",
        LongTermResidential = "LONG_TERM_RESIDENTIAL" => "Long-term residential placement",
        LongTermFostering = "LONG_TERM_FOSTERING" => "Long-term fostering",
        Other = "OTHER" => "Other plan",
    }
}

code_list! {
    /// Meetings that can be scheduled ahead, so that deadlines before them can be counted.
    pub enum MeetingKind ("meeting kind") {
        InitialConference = "ICPC" => "Initial child protection conference",
        ReviewConference = "RCPC" => "Review child protection conference",
        CoreGroup = "CORE_GROUP" => "Core group",
        CinReview = "CIN_REVIEW" => "Child in need review",
        ClaReview = "CLA_REVIEW" => "Looked-after review",
        Strategy = "STRATEGY" => "Strategy discussion",
        Pep = "PEP" => "Personal education plan meeting",
        PathwayReview = "PATHWAY_REVIEW" => "Pathway plan review",
        PlacementPlanning = "PLACEMENT_PLANNING" => "Placement planning meeting",
        Permanence = "PERMANENCE" => "Permanence planning meeting",
        MissingStrategy = "MISSING_STRATEGY" => "Strategy meeting about a missing child",
        ReviewingOfficerPreMeeting = "RO_PRE_MEETING" => "Reviewing officer's pre-meeting with the social worker",
        NeetPanel = "NEET_PANEL" => "Panel for a care leaver not in education, employment or training",
        LegalGateway = "LEGAL_GATEWAY" => "Legal gateway (legal planning) meeting",
    }
}

impl MeetingKind {
    /// Conferences, reviews and pre-meetings a reviewing officer chairs, so a booking may
    /// name its chair.
    pub const fn chaired_by_reviewing_officer(self) -> bool {
        matches!(
            self,
            MeetingKind::InitialConference
                | MeetingKind::ReviewConference
                | MeetingKind::ClaReview
                | MeetingKind::ReviewingOfficerPreMeeting
                | MeetingKind::PathwayReview
        )
    }

    /// Meetings recorded with the general `meeting_held` event; the others have events of
    /// their own, which carry what they decided.
    pub const fn recorded_as_meeting_held(self) -> bool {
        matches!(
            self,
            MeetingKind::PlacementPlanning
                | MeetingKind::Permanence
                | MeetingKind::MissingStrategy
                | MeetingKind::ReviewingOfficerPreMeeting
                | MeetingKind::NeetPanel
                | MeetingKind::LegalGateway
        )
    }
}

code_list! {
    /// Documents whose sharing the practice standards time.
    pub enum DocumentKind ("document") {
        ConferenceReport = "CONFERENCE_REPORT" => "Social worker's report to a child protection conference",
        ConferenceRecord = "CONFERENCE_RECORD" => "Record and plan of a child protection conference",
        CinPlan = "CIN_PLAN" => "Child in need plan",
        CarePlan = "CARE_PLAN" => "Care plan",
        ReviewReport = "REVIEW_REPORT" => "Social worker's report for a looked-after review",
        ReviewRecommendations = "REVIEW_RECOMMENDATIONS" => "Reviewing officer's recommendations",
        DissentResponse = "DISSENT_RESPONSE" => "Written response to professional dissent",
        LegalStatusNotice = "LEGAL_STATUS_NOTICE" => "Notice of the child's legal status",
        LifeLetter = "LIFE_LETTER" => "Life letter",
        PathwayPlan = "PATHWAY_PLAN" => "Pathway plan",
        Assessment = "ASSESSMENT" => "Assessment",
    }
}

code_list! {
    /// Who a document went to.
    pub enum Audience ("audience") {
        Child = "CHILD" => "The child",
        Family = "FAMILY" => "Parents and family",
        Carer = "CARER" => "The child's carer",
        ReviewingOfficer = "REVIEWING_OFFICER" => "The reviewing officer or conference chair",
        TeamManager = "TEAM_MANAGER" => "The team manager",
        Professionals = "PROFESSIONALS" => "Professionals involved",
        Participants = "PARTICIPANTS" => "Everyone who took part",
    }
}

code_list! {
    /// The unit of a varied period.
    pub enum PeriodUnit ("period unit") {
        WorkingDays = "WORKING_DAYS" => "working days",
        Days = "DAYS" => "days",
        Weeks = "WEEKS" => "weeks",
        Months = "MONTHS" => "months",
    }
}

code_list! {
    /// Emergency protection (Ofsted Annex A, List 7).
    pub enum EmergencyProtectionKind ("emergency protection") {
        EmergencyProtectionOrder = "EPO" => "Emergency protection order",
        PolicePowers = "POLICE_PROTECTION" => "Police protection powers",
    }
}

code_list! {
    /// How two children are siblings.
    pub enum SiblingKind ("sibling kind") {
        Full = "FULL" => "Full sibling",
        Half = "HALF" => "Half sibling",
        Step = "STEP" => "Step-sibling",
        Adoptive = "ADOPTIVE" => "Adoptive sibling",
        Other = "OTHER" => "Other sibling relationship",
    }
}

code_list! {
    /// Why prospective adopters left the adoption process (Annex A, List 11).
    pub enum AdopterLeavingReason ("adopter leaving reason") {
        Withdrew = "1" => "The adopters withdrew",
        OnHold = "2" => "The process was put on hold",
        Refused = "3" => "The council turned the application down",
    }
}

code_list! {
    /// Stages of the adopter approval process.
    pub enum AdopterStage ("adopter stage") {
        One = "1" => "Stage one (pre-approval)",
        Two = "2" => "Stage two (assessment)",
    }
}

code_list! {
    /// Pathway plan milestones.
    pub enum PathwayPlanStage ("pathway plan stage") {
        Started = "STARTED" => "Pathway plan started",
        Reviewed = "REVIEWED" => "Pathway plan reviewed",
    }
}

code_list! {
    /// Child in need meetings.
    pub enum CinMeetingKind ("child in need meeting") {
        Meeting = "MEETING" => "Child in need meeting",
        Review = "REVIEW" => "Child in need review",
    }
}

code_list! {
    /// What happened to a contact at the front door.
    pub enum ContactOutcome ("contact outcome") {
        NoFurtherAction = "NFA" => "No further action",
        Advice = "ADVICE" => "Information and advice given",
        EarlyHelp = "EARLY_HELP" => "Passed to early help",
        Referral = "REFERRAL" => "Became a referral to children's social care",
        OpenCase = "OPEN_CASE" => "Passed to the worker of an open case",
    }
}

code_list! {
    /// The plans that hold outcomes, actions and a contingency.
    pub enum PlanKind ("plan kind") {
        ChildProtection = "CHILD_PROTECTION" => "Child protection plan",
        ChildInNeed = "CHILD_IN_NEED" => "Child in need plan",
        Care = "CARE" => "Care plan",
        Pathway = "PATHWAY" => "Pathway plan",
        Safety = "SAFETY" => "Safety plan",
    }
}

code_list! {
    /// How an action of a plan or meeting is going, as a meeting that reviews it finds.
    pub enum ActionStatus ("action status") {
        Done = "DONE" => "Done",
        OnTrack = "ON_TRACK" => "On track",
        NotDone = "NOT_DONE" => "Not done",
    }
}

code_list! {
    /// How the child's own words were gathered.
    pub enum WordsGathered ("how the child's words were gathered") {
        Visit = "VISIT" => "On a visit",
        App = "APP" => "Through an app",
        Drawing = "DRAWING" => "In a drawing",
        Advocate = "ADVOCATE" => "Through an advocate",
    }
}

code_list! {
    /// A summary a team manager authorises before the case moves on.
    pub enum SummaryKind ("summary kind") {
        Transfer = "TRANSFER" => "Transfer summary",
        Closing = "CLOSING" => "Closing summary",
    }
}

code_list! {
    /// A manager's decision on an assessment or a summary submitted to them.
    pub enum ManagerDecision ("manager's decision") {
        Authorised = "AUTHORISED" => "Authorised",
        Returned = "RETURNED" => "Returned with comments",
    }
}
