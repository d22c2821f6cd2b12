//! The invariants a record must keep. Every refused command names one of these rules, by a
//! stable code that forms, logs and import reports can rely on.

use std::fmt;

macro_rules! rules {
    ($( $(#[$meta:meta])* $variant:ident = $code:literal ),+ $(,)?) => {
        /// A rule of the record.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule { $( $(#[$meta])* $variant ),+ }

        impl Rule {
            /// Every rule.
            pub const ALL: &'static [Rule] = &[ $(Rule::$variant),+ ];

            /// The stable code of the rule.
            pub const fn code(self) -> &'static str {
                match self { $(Rule::$variant => $code),+ }
            }
        }
    };
}

rules! {
    // Envelope and identity.
    /// An event cannot be recorded before it happened.
    RecordedBeforeOccurred = "recorded-before-occurred",
    /// The first event of a child's record registers the child.
    NotRegistered = "not-registered",
    /// A child is registered once.
    AlreadyRegistered = "already-registered",
    /// A born child has a date of birth and an unborn child an expected one, never both.
    BirthDates = "birth-dates",
    /// An unborn child's sex is recorded as U.
    UnbornSex = "unborn-sex",
    /// A date of birth cannot be after the day it is recorded.
    BornInFuture = "born-in-future",
    /// NONE is not combined with other disabilities, and no disability is listed twice.
    Disabilities = "disabilities",
    /// A child has a UPN or a reason it is unknown, not both.
    UpnAndReason = "upn-and-reason",
    /// The date a child stopped being an asylum seeker needs them to have been one.
    UascCeased = "uasc-ceased",
    /// Birth is recorded only for an unborn child.
    AlreadyBorn = "already-born",
    /// Some things cannot happen before a child is born.
    BeforeBirth = "before-birth",
    /// Nothing but recording happens after a child's death; death is recorded once.
    AfterDeath = "after-death",
    /// A referenced member of staff must exist and be in post on the date.
    UnknownStaff = "unknown-staff",
    /// A referenced team must exist.
    UnknownTeam = "unknown-team",
    /// A referenced adult must exist.
    UnknownPerson = "unknown-person",
    /// A referenced professional must exist.
    UnknownProfessional = "unknown-professional",
    /// A referenced child must exist and be another child.
    UnknownChild = "unknown-child",
    /// A referenced adopter household must exist.
    UnknownAdopter = "unknown-adopter",
    /// Only a manager can make this decision.
    NeedsManager = "needs-manager",
    /// Only a case-holding practitioner can be allocated.
    NeedsCaseholder = "needs-caseholder",
    /// This needs the child to have an allocated worker.
    NotAllocated = "not-allocated",
    /// A network member is added once and changed or removed only while linked.
    NetworkMember = "network-member",
    /// A professional is involved once at a time.
    ProfessionalInvolvement = "professional-involvement",

    // Front door.
    /// A child has at most one open child in need episode.
    CaseAlreadyOpen = "case-already-open",
    /// This needs an open child in need episode.
    CaseNotOpen = "case-not-open",
    /// A referral that is not "no further action" needs a primary need.
    PrimaryNeedRequired = "primary-need-required",
    /// Nothing but closure follows a referral marked "no further action".
    NoFurtherActionReferral = "nfa-referral",
    /// An early help assessment is completed once, after it starts.
    EarlyHelp = "early-help",

    // Assessment.
    /// One child and family assessment at a time.
    AssessmentOpen = "assessment-open",
    /// This needs an assessment in progress.
    NoOpenAssessment = "no-open-assessment",
    /// Only a completed, unauthorised assessment can be authorised.
    AssessmentAuthorisation = "assessment-authorisation",
    /// Factors: at least one, none twice, and "21" (no factors) only on its own.
    AssessmentFactors = "assessment-factors",

    // Child protection.
    /// A strategy discussion records who took part.
    StrategyAgencies = "strategy-agencies",
    /// A section 47 enquiry starts from a strategy discussion that decided on one.
    Section47NeedsStrategy = "s47-needs-strategy",
    /// One section 47 enquiry at a time.
    Section47Open = "s47-open",
    /// This needs a section 47 enquiry in progress.
    NoOpenSection47 = "no-open-s47",
    /// A conference is called only where concerns are substantiated and the child is at risk.
    ConferenceNotWarranted = "conference-not-warranted",
    /// An initial conference follows an enquiry that called for one, or is a transfer in.
    ConferenceNeedsSection47 = "conference-needs-s47",
    /// A conference deciding on a plan names the category of abuse; others do not.
    ConferenceCategory = "conference-category",
    /// Conferences are not held at weekends.
    ConferenceAtWeekend = "conference-at-weekend",
    /// A child protection plan starts only from an initial conference, that day, that decided on one.
    CpPlanNeedsConference = "cp-plan-needs-conference",
    /// One child protection plan at a time.
    CpPlanOpen = "cp-plan-open",
    /// This needs an open child protection plan.
    NoOpenCpPlan = "no-open-cp-plan",
    /// A child protection plan cannot start and end on the same day.
    CpPlanSameDay = "cp-plan-same-day",
    /// Child in need and child protection plans never overlap.
    PlansOverlap = "plans-overlap",
    /// One child in need plan at a time.
    CinPlanOpen = "cin-plan-open",
    /// This needs an open child in need plan.
    NoOpenCinPlan = "no-open-cin-plan",

    // Visits and meetings.
    /// A visit says whether the child was seen alone, with a reason if not.
    SeenAlone = "seen-alone",
    /// A meeting is booked for a time after it was booked, and cancelled only if booked;
    /// meetings with events of their own are recorded with them.
    Meeting = "meeting",
    /// A document is shared with someone; withholding it is a manager's decision.
    Document = "document",
    /// A variation names a standard and a period of at least one unit, and ends only if active.
    Variation = "variation",

    // The content of practice.
    /// Content is written about an earlier event of the kind it describes, once for each.
    ContentAbout = "content-about",
    /// Content names what it must: people at a meeting, a plan's outcomes, an allocation's aims.
    ContentIncomplete = "content-incomplete",
    /// Actions take new numbers and fall due on or after the day they are set; a meeting
    /// reviewing a plan says how each of its open actions is going, and only those.
    Action = "action",
    /// Only an assessment or a summary goes to a manager, who decides on it until authorised.
    ManagerDecision = "manager-decision",
    /// An amendment names an entry and one of its texts, and changes its wording.
    ContentAmendment = "content-amendment",

    // Looked after.
    /// Looked-after episodes never overlap.
    EpisodeOverlap = "episode-overlap",
    /// An episode continuing a period of care starts the day the previous one ended with X1;
    /// a new period of care starts with reason S.
    EpisodeContinuity = "episode-continuity",
    /// The reason for a new episode matches what changed.
    EpisodeReason = "episode-reason",
    /// This needs the child to be looked after.
    NotLookedAfter = "not-looked-after",
    /// An episode that ended with X1 must be followed by the next episode in the same command.
    EpisodeUnfinished = "episode-unfinished",
    /// A withdrawn code cannot start a new episode.
    CodeWithdrawn = "code-withdrawn",
    /// Children start to be looked after before their 18th birthday.
    LookedAfterAge = "looked-after-age",
    /// Placement provider, URN and postcodes agree with the placement type.
    PlacementDetails = "placement-details",
    /// A previous permanence order other than "not known" says which council made it and when.
    PreviousPermanence = "previous-permanence",
    /// Participation code PN0 is for children under four at the review, and only for them.
    ReviewParticipation = "review-participation",
    /// An SDQ has a score or a reason, not both.
    SdqScoreOrReason = "sdq-score-or-reason",
    /// One missing episode at a time, and a return interview only after a return.
    Missing = "missing",
    /// One deprivation of liberty order at a time.
    DeprivationOfLiberty = "deprivation-of-liberty",

    // Care leavers and adoption.
    /// Care leaver services follow a period of care, from age 16.
    CareLeaver = "care-leaver",
    /// Adoption steps happen in order within an active adoption plan.
    AdoptionSequence = "adoption-sequence",

    // Access.
    /// Only a team manager, head of service or assistant director restricts a record or lifts
    /// its restriction.
    RestrictionDecision = "restriction-decision",
    /// A restriction names each member of staff once, and is lifted only while there is one.
    Restriction = "restriction",

    // Closure and correction.
    /// A case closes only when its assessments, enquiries, plans and care have ended.
    ClosureWithOpenWork = "closure-with-open-work",
    /// Nothing ends before it starts.
    EndsBeforeStart = "ends-before-start",
    /// A correction names an earlier event of the same kind, gives a reason, and is not
    /// itself corrected; a registration can be corrected but not struck out.
    Correction = "correction",
    /// A backdated event must not invalidate events recorded after it.
    InvalidatesLater = "invalidates-later",

    // Directory records.
    /// A directory record (staff, team, person, professional, adopter) is created once, first.
    DirectoryRecord = "directory-record",
    /// Registered roles need a Social Work England number.
    RegistrationRequired = "registration-required",
    /// Adopter households have one or two adopters and follow the approval stages in order.
    AdopterProcess = "adopter-process",

    // Handover.
    /// A transfer needs a worker to hand on from, another open team, and no transfer already
    /// waiting; the worker keeps the child until the receiving team allocates or declines.
    Transfer = "transfer",
    /// Cover names a caseholder other than the worker, for a worker the child has, once at a
    /// time, until a date after it starts.
    Cover = "cover",

    // Supervision.
    /// A session is held by a manager in post, not before the last one, and discusses each
    /// known child once.
    SupervisionSession = "supervision-session",
    /// A session reviews every action still open from earlier sessions, once, and gives an
    /// action it carries over a new date.
    SupervisionReview = "supervision-review",
    /// A supervision action has an owner in post and a date on or after the session, is in
    /// its own child's discussion, and is closed once.
    SupervisionActions = "supervision-actions",
    /// A session's record is acknowledged once, after it was held.
    SupervisionAcknowledgement = "supervision-acknowledgement",
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A refused command: the rule it broke and a plain-English explanation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (rule {rule})")]
pub struct RuleViolation {
    /// The rule.
    pub rule: Rule,
    /// What was wrong, in words a worker can act on.
    pub message: String,
}

impl RuleViolation {
    /// A violation of `rule`.
    pub fn new(rule: Rule, message: impl Into<String>) -> Self {
        Self {
            rule,
            message: message.into(),
        }
    }
}

/// A refused command: which of its events broke which rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event {} of the command: {violation}", index + 1)]
pub struct Refusal {
    /// The position (from 0) of the offending event in the command.
    pub index: usize,
    /// The rule it broke.
    pub violation: RuleViolation,
}

/// Shorthand for refusing with a rule.
pub(crate) fn refuse<T>(rule: Rule, message: impl Into<String>) -> Result<T, RuleViolation> {
    Err(RuleViolation::new(rule, message))
}

/// Refuses unless `ok`.
pub(crate) fn ensure(
    ok: bool,
    rule: Rule,
    message: impl FnOnce() -> String,
) -> Result<(), RuleViolation> {
    if ok {
        Ok(())
    } else {
        Err(RuleViolation::new(rule, message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_codes_are_unique() {
        let mut codes: Vec<_> = Rule::ALL.iter().map(|r| r.code()).collect();
        codes.sort_unstable();
        let before = codes.len();
        codes.dedup();
        assert_eq!(before, codes.len());
    }
}
