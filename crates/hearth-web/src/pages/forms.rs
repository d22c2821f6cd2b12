//! The recording forms, declared. Each form says what it records, who may record it, when the
//! child's record should offer it, its fields, and how the parsed fields make the event. One
//! template renders any of them and one reader parses any of them (`record.rs`), so a new
//! form is a new entry here.

use chrono::NaiveDate;
use hearth_domain::ChildRecord;
use hearth_domain::child::ChildEvent;
use hearth_domain::codes::*;

use super::record::Reader;

/// A choice in a list.
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// The choices of a national or local code list, in the list's order.
fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|&v| Choice {
            value: code(v).to_owned(),
            label: label(v).to_owned(),
        })
        .collect()
}

/// A code list as a field's choices, named once.
macro_rules! list {
    ($t:ty) => {
        || choices(<$t>::ALL, <$t>::code, <$t>::label)
    };
}

/// Whom a member-of-staff field offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// Someone who can hold a case: a social worker or a team manager.
    CaseHolder,
    /// A personal adviser.
    Adviser,
    /// Someone a manager supervises: a social worker or a personal adviser.
    Supervisee,
    /// Anyone who may be given sight of a child's record: every role but administrator.
    Anyone,
    /// A reviewing officer, to chair a conference or review.
    ReviewingOfficer,
}

impl Pick {
    pub fn admits(self, role: StaffRole) -> bool {
        match self {
            Pick::CaseHolder => matches!(role, StaffRole::SocialWorker | StaffRole::TeamManager),
            Pick::Adviser => role == StaffRole::PersonalAdviser,
            Pick::Supervisee => {
                matches!(role, StaffRole::SocialWorker | StaffRole::PersonalAdviser)
            }
            Pick::Anyone => role != StaffRole::Administrator,
            Pick::ReviewingOfficer => role == StaffRole::ReviewingOfficer,
        }
    }
}

/// What kind of answer a field takes, and so how it is shown and parsed.
#[derive(Clone, Copy)]
pub enum Input {
    /// One code from a list: radios, or a select when the list is long.
    One(fn() -> Vec<Choice>),
    /// Any number of codes from a list: checkboxes.
    Many(fn() -> Vec<Choice>),
    /// Yes or no.
    YesNo,
    /// A short single line.
    Line,
    /// Free text over several lines.
    Text,
    /// A whole number.
    Number,
    /// A member of staff in post, from a list.
    Staff(Pick),
    /// Any number of staff in post, from a list: checkboxes.
    StaffMany(Pick),
    /// A date.
    Date,
    /// A date and a time.
    Moment,
    /// One of the practice standards of the ruleset the app measures against, by its id.
    Rule,
    /// One of the record's own entries the answer may be about (an assessment completed
    /// that has no words yet), by its version in the child's stream.
    Entry(fn(&ChildRecord) -> Vec<Choice>),
}

/// A question on a form.
#[derive(Clone, Copy)]
pub struct Field {
    /// The form field's name.
    pub name: &'static str,
    /// The question or label.
    pub label: &'static str,
    /// What an answer is called in a message ("the referral source").
    pub what: &'static str,
    pub hint: &'static str,
    pub input: Input,
    pub optional: bool,
    /// Asked only when another field has this answer (the other field's name, the answer,
    /// and the condition in words for the hint).
    pub when: Option<(&'static str, &'static str, &'static str)>,
}

const fn field(name: &'static str, label: &'static str, what: &'static str, input: Input) -> Field {
    Field {
        name,
        label,
        what,
        hint: "",
        input,
        optional: false,
        when: None,
    }
}

impl Field {
    const fn optional(self) -> Field {
        Field {
            optional: true,
            ..self
        }
    }

    const fn hint(self, hint: &'static str) -> Field {
        Field { hint, ..self }
    }

    const fn when(self, field: &'static str, answer: &'static str, words: &'static str) -> Field {
        Field {
            when: Some((field, answer, words)),
            ..self
        }
    }
}

pub use hearth_app::policy::Who;

/// Where the child's record lists a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    FrontDoor,
    ChildProtection,
    ChildInNeed,
    LookedAfter,
    CareLeaver,
    Recording,
    Identity,
    Management,
}

impl Group {
    pub const ALL: [Group; 8] = [
        Group::FrontDoor,
        Group::ChildProtection,
        Group::ChildInNeed,
        Group::LookedAfter,
        Group::CareLeaver,
        Group::Recording,
        Group::Identity,
        Group::Management,
    ];

    pub fn heading(self) -> &'static str {
        match self {
            Group::FrontDoor => "Front door",
            Group::ChildProtection => "Child protection",
            Group::ChildInNeed => "Child in need",
            Group::LookedAfter => "Looked after",
            Group::CareLeaver => "Care leaver",
            Group::Recording => "Recording",
            Group::Identity => "Birth and death",
            Group::Management => "Management",
        }
    }
}

/// A recording form.
pub struct Form {
    /// Its address: `/children/{id}/record/{slug}`.
    pub slug: &'static str,
    pub title: &'static str,
    /// The success banner's words.
    pub done: &'static str,
    pub group: Group,
    pub who: Who,
    /// Whether the child's record offers it now. The form itself can always be opened: the
    /// record's rules decide what is accepted, and say why not in words.
    pub offered: fn(&ChildRecord, NaiveDate) -> bool,
    pub fields: &'static [Field],
    /// The event made from the parsed fields; `None` when a field did not parse (the reader
    /// holds the messages).
    pub build: fn(&mut Reader<'_>) -> Option<ChildEvent>,
}

/// A long form is asked a few questions at a time (the GOV.UK pattern of one thing per page):
/// its steps, each a list of field names, in order. When it happened is asked on the first
/// step. A form not listed here is one page.
pub fn steps(slug: &str) -> &'static [&'static [&'static str]] {
    match slug {
        "episode-started" => &[
            &["reason", "legal_status", "category_of_need"],
            &["placement", "placement_change_reason", "provider", "urn"],
            &["home_postcode", "placement_postcode"],
        ],
        _ => &[],
    }
}

/// A second event a form writes in the same command as its first, about the first (a visit
/// and what it says): built from the same answers, given the version the first will have.
/// `None` with no errors means the form's answers add nothing.
pub type Follow = fn(&mut Reader<'_>, u64) -> Option<ChildEvent>;

/// The form's second event, if it has one.
pub fn follows(slug: &str) -> Option<Follow> {
    match slug {
        "visit" => Some(super::content::visit_written),
        "assessment-decision" => Some(super::content::assessment_authorised),
        _ => None,
    }
}

/// The form with this slug.
pub fn find(slug: &str) -> Option<&'static Form> {
    FORMS.iter().find(|f| f.slug == slug)
}

fn always(_: &ChildRecord, _: NaiveDate) -> bool {
    true
}

fn episode_open(r: &ChildRecord, _: NaiveDate) -> bool {
    r.open_episode().is_some()
}

fn looked_after(r: &ChildRecord, _: NaiveDate) -> bool {
    r.is_looked_after()
}

fn cp_plan_open(r: &ChildRecord, _: NaiveDate) -> bool {
    r.open_cp_plan().is_some()
}

fn cin_plan_open(r: &ChildRecord, _: NaiveDate) -> bool {
    r.open_cin_plan().is_some()
}

fn born(r: &ChildRecord, _: NaiveDate) -> bool {
    r.date_of_birth().is_some()
}

/// At least this old today (false when the date of birth is not known).
fn aged(r: &ChildRecord, today: NaiveDate, years: i32) -> bool {
    r.age_on(today).is_some_and(|a| a >= years)
}

/// Was looked after, and is old enough for what care leavers have: a pathway plan from 16
/// (planned from 15 and a half), an adviser, and the care leaver's records from 16.
fn care_leaver_age(r: &ChildRecord, today: NaiveDate, years: i32) -> bool {
    r.was_ever_looked_after() && aged(r, today, years)
}

fn deprived_of_liberty(r: &ChildRecord, _: NaiveDate) -> bool {
    r.deprivation_of_liberty
        .last()
        .is_some_and(|p| p.end.is_none())
}

fn early_help_open(r: &ChildRecord, _: NaiveDate) -> bool {
    r.early_help.last().is_some_and(|e| e.completed.is_none())
}

/// The meetings recorded with the general "meeting held" event; the others have forms of
/// their own, which record what they decided.
fn meetings_held() -> Vec<Choice> {
    let held: Vec<MeetingKind> = MeetingKind::ALL
        .iter()
        .copied()
        .filter(|m| m.recorded_as_meeting_held())
        .collect();
    choices(&held, MeetingKind::code, MeetingKind::label)
}

const SUMMARY: Field = field("summary", "Summary", "a summary", Input::Text).optional();

/// Every form, in the order the record lists them within a group.
pub static FORMS: &[Form] = &[
    // Front door.
    Form {
        slug: "contact",
        title: "Record a contact",
        done: "Contact recorded",
        group: Group::FrontDoor,
        who: Who::Workers,
        offered: always,
        fields: &[
            field(
                "source",
                "Who got in touch?",
                "who got in touch",
                Input::One(list!(ReferralSource)),
            ),
            field(
                "outcome",
                "What happened next?",
                "what happened next",
                Input::One(list!(ContactOutcome)),
            ),
            SUMMARY,
        ],
        build: |r| {
            let source = r.code("source");
            let outcome = r.code("outcome");
            let summary = r.text("summary");
            Some(ChildEvent::ContactRecorded {
                source: source?,
                outcome: outcome?,
                summary,
            })
        },
    },
    Form {
        slug: "referral",
        title: "Record a referral",
        done: "Referral recorded",
        group: Group::FrontDoor,
        who: Who::Workers,
        offered: |r, _| r.open_episode().is_none(),
        fields: &[
            field(
                "source",
                "Who made the referral?",
                "who made the referral",
                Input::One(list!(ReferralSource)),
            ),
            field(
                "primary_need",
                "What is the child's primary need?",
                "the primary need",
                Input::One(list!(PrimaryNeed)),
            )
            .optional()
            .hint("Leave this until the need is known"),
            field(
                "no_further_action",
                "Was the referral closed with no further action?",
                "whether the referral was closed with no further action",
                Input::YesNo,
            ),
            SUMMARY,
        ],
        build: |r| {
            let source = r.code("source");
            let primary_need = r.code("primary_need");
            let nfa = r.yes_no("no_further_action");
            let summary = r.text("summary");
            Some(ChildEvent::ReferralReceived {
                source: source?,
                primary_need,
                no_further_action: nfa?,
                summary,
            })
        },
    },
    Form {
        slug: "assessment-started",
        title: "Record that an assessment started",
        done: "Assessment start recorded",
        group: Group::FrontDoor,
        who: Who::Workers,
        offered: |r, _| {
            r.open_episode()
                .is_some_and(|e| e.open_assessment().is_none())
        },
        fields: &[],
        build: |_| Some(ChildEvent::AssessmentStarted {}),
    },
    Form {
        slug: "assessment-child-seen",
        title: "Record that the child was seen for the assessment",
        done: "Child seen for the assessment recorded",
        group: Group::FrontDoor,
        who: Who::Workers,
        offered: |r, _| {
            r.open_episode()
                .and_then(|e| e.open_assessment())
                .is_some_and(|a| a.child_seen.is_none())
        },
        fields: &[],
        build: |_| Some(ChildEvent::AssessmentChildSeen {}),
    },
    Form {
        slug: "assessment-completed",
        title: "Record that the assessment was completed",
        done: "Assessment completion recorded",
        group: Group::FrontDoor,
        who: Who::Workers,
        offered: |r, _| r.open_episode().and_then(|e| e.open_assessment()).is_some(),
        fields: &[
            field(
                "factors",
                "What factors did the assessment find?",
                "the factors found",
                Input::Many(list!(AssessmentFactor)),
            )
            .optional()
            .hint("Select all that apply"),
            field(
                "outcome",
                "What did the assessment decide?",
                "what the assessment decided",
                Input::One(list!(AssessmentOutcome)),
            ),
        ],
        build: |r| {
            let factors = r.codes("factors");
            let outcome = r.code("outcome");
            Some(ChildEvent::AssessmentCompleted {
                factors,
                outcome: outcome?,
            })
        },
    },
    Form {
        slug: "assessment-authorised",
        title: "Authorise the assessment",
        done: "Assessment authorised",
        group: Group::Management,
        who: Who::Managers,
        offered: |r, _| {
            r.open_episode().is_some_and(|e| {
                e.assessments
                    .iter()
                    .any(|a| a.completion.is_some() && a.authorisation.is_none())
            })
        },
        fields: &[],
        build: |r| {
            Some(ChildEvent::AssessmentAuthorised {
                manager: r.me().clone(),
            })
        },
    },
    Form {
        slug: "assessment-written",
        title: "Write up the assessment",
        done: "Assessment written up",
        group: Group::FrontDoor,
        who: Who::Workers,
        offered: |r, _| super::content::assessment_to_write(r),
        fields: &[
            field(
                "assessment",
                "Which assessment is this?",
                "the assessment",
                Input::Entry(super::content::unwritten_assessments),
            ),
            field(
                "developmental_needs",
                "The child's developmental needs",
                "the child's developmental needs",
                Input::Text,
            )
            .hint("Health, education, identity, relationships, how the child presents and cares for themselves"),
            field(
                "parenting_capacity",
                "Parenting capacity",
                "parenting capacity",
                Input::Text,
            )
            .hint("Basic care, safety, warmth, stimulation, guidance and boundaries, stability"),
            field(
                "family_and_environment",
                "Family and environmental factors",
                "family and environmental factors",
                Input::Text,
            )
            .hint("Family history, the wider family, housing, income, the community"),
            field("analysis", "Analysis", "the analysis", Input::Text)
                .hint("What the information means for the child, and why"),
            field(
                "wishes_and_feelings",
                "The child's wishes and feelings",
                "the child's wishes and feelings",
                Input::Text,
            ),
            field(
                "parents_views",
                "The parents' and carers' views",
                "the parents' and carers' views",
                Input::Text,
            ),
            field(
                "working_well",
                "What is working well?",
                "what is working well",
                Input::Text,
            ),
            field("worries", "What are the worries?", "the worries", Input::Text),
            field(
                "needs_to_happen",
                "What needs to happen?",
                "what needs to happen",
                Input::Text,
            ),
            field(
                "recommendation",
                "Recommendation",
                "the recommendation",
                Input::Text,
            ),
        ],
        build: |r| {
            let about = r.entry("assessment");
            // Every text is read before any is required, so each missing one is reported.
            let [
                developmental_needs,
                parenting_capacity,
                family_and_environment,
                analysis,
                wishes_and_feelings,
                parents_views,
                working_well,
                worries,
                needs_to_happen,
                recommendation,
            ] = [
                "developmental_needs",
                "parenting_capacity",
                "family_and_environment",
                "analysis",
                "wishes_and_feelings",
                "parents_views",
                "working_well",
                "worries",
                "needs_to_happen",
                "recommendation",
            ]
            .map(|name| r.text(name));
            let content = hearth_domain::child::AssessmentContent {
                developmental_needs: developmental_needs?,
                parenting_capacity: parenting_capacity?,
                family_and_environment: family_and_environment?,
                analysis: analysis?,
                wishes_and_feelings: wishes_and_feelings?,
                parents_views: parents_views?,
                working_well: working_well?,
                worries: worries?,
                needs_to_happen: needs_to_happen?,
                recommendation: recommendation?,
            };
            Some(ChildEvent::AssessmentWritten {
                about: about?,
                content,
            })
        },
    },
    Form {
        slug: "assessment-decision",
        title: "Authorise or return a written assessment",
        done: "Decision recorded",
        group: Group::Management,
        who: Who::Managers,
        offered: |r, _| super::content::decision_awaited(r),
        fields: &[
            field(
                "entry",
                "Which entry are you deciding on?",
                "the entry you are deciding on",
                Input::Entry(super::content::awaiting_decision),
            ),
            field(
                "decision",
                "What is your decision?",
                "your decision",
                Input::One(list!(ManagerDecision)),
            ),
            field(
                "rationale",
                "Your rationale, or your comments for the worker",
                "your rationale or comments",
                Input::Text,
            )
            .hint("Authorising: why the analysis and the recommendation hold. Returning: what the worker must add or change"),
        ],
        build: |r| {
            let entry = r.entry("entry");
            let decision = r.code("decision");
            let rationale = r.text("rationale");
            Some(ChildEvent::ManagerDecisionRecorded {
                entry: entry?,
                manager: r.me().clone(),
                decision: decision?,
                rationale: rationale?,
            })
        },
    },
    Form {
        slug: "early-help-started",
        title: "Record that an early help assessment started",
        done: "Early help assessment start recorded",
        group: Group::FrontDoor,
        who: Who::Workers,
        offered: |r, t| !early_help_open(r, t),
        fields: &[field(
            "organisation",
            "Which organisation is leading the assessment?",
            "the organisation leading the assessment",
            Input::Line,
        )
        .hint("For example, the school or the family hub")],
        build: |r| {
            Some(ChildEvent::EarlyHelpAssessmentStarted {
                organisation: r.line("organisation")?,
            })
        },
    },
    Form {
        slug: "early-help-completed",
        title: "Record that the early help assessment was completed",
        done: "Early help assessment completion recorded",
        group: Group::FrontDoor,
        who: Who::Workers,
        offered: early_help_open,
        fields: &[],
        build: |_| Some(ChildEvent::EarlyHelpAssessmentCompleted {}),
    },
    Form {
        slug: "primary-need",
        title: "Change the primary need",
        done: "Primary need changed",
        group: Group::FrontDoor,
        who: Who::Workers,
        offered: |r, _| r.open_episode().is_some_and(|e| !e.no_further_action),
        fields: &[field(
            "primary_need",
            "What is the child's primary need now?",
            "the primary need",
            Input::One(list!(PrimaryNeed)),
        )],
        build: |r| {
            Some(ChildEvent::PrimaryNeedChanged {
                primary_need: r.code("primary_need")?,
            })
        },
    },
    // Child protection.
    Form {
        slug: "concern",
        title: "Record a concern of significant harm",
        done: "Concern recorded",
        group: Group::ChildProtection,
        who: Who::Workers,
        offered: episode_open,
        fields: &[field(
            "summary",
            "What is the concern?",
            "the concern",
            Input::Text,
        )],
        build: |r| {
            Some(ChildEvent::ConcernRaised {
                summary: r.text("summary")?,
            })
        },
    },
    Form {
        slug: "strategy-discussion",
        title: "Record a strategy discussion",
        done: "Strategy discussion recorded",
        group: Group::ChildProtection,
        who: Who::Workers,
        offered: |r, _| r.open_episode().is_some_and(|e| !e.concerns.is_empty()),
        fields: &[
            field(
                "agencies",
                "Which agencies took part?",
                "the agencies that took part",
                Input::Many(list!(Agency)),
            )
            .hint("Select all that apply"),
            field(
                "decision",
                "What was decided?",
                "what was decided",
                Input::One(list!(StrategyDecision)),
            ),
        ],
        build: |r| {
            let agencies = r.codes("agencies");
            let decision = r.code("decision");
            Some(ChildEvent::StrategyDiscussionHeld {
                agencies,
                decision: decision?,
            })
        },
    },
    Form {
        slug: "section-47-started",
        title: "Record that a section 47 enquiry started",
        done: "Section 47 enquiry start recorded",
        group: Group::ChildProtection,
        who: Who::Workers,
        // Only while a strategy discussion decided on an enquiry that has not started: once
        // it has started (or ended), another needs another strategy discussion.
        offered: |r, _| {
            r.open_episode().is_some_and(|e| {
                e.open_enquiry().is_none()
                    && e.strategy_discussions
                        .iter()
                        .any(|s| s.decision == StrategyDecision::Section47 && !s.enquiry_started)
            })
        },
        fields: &[],
        build: |_| Some(ChildEvent::Section47Started {}),
    },
    Form {
        slug: "section-47-completed",
        title: "Record the outcome of the section 47 enquiry",
        done: "Section 47 outcome recorded",
        group: Group::ChildProtection,
        who: Who::Workers,
        offered: |r, _| r.open_episode().and_then(|e| e.open_enquiry()).is_some(),
        fields: &[
            field(
                "outcome",
                "What did the enquiry find?",
                "what the enquiry found",
                Input::One(list!(Section47Outcome)),
            ),
            field(
                "conference_needed",
                "Is an initial child protection conference needed?",
                "whether a conference is needed",
                Input::YesNo,
            ),
        ],
        build: |r| {
            let outcome = r.code("outcome");
            let needed = r.yes_no("conference_needed");
            Some(ChildEvent::Section47Completed {
                outcome: outcome?,
                conference_needed: needed?,
            })
        },
    },
    Form {
        slug: "initial-conference",
        title: "Record an initial child protection conference",
        done: "Initial child protection conference recorded",
        group: Group::ChildProtection,
        who: Who::Workers,
        offered: |r, _| {
            r.open_episode()
                .is_some_and(|e| !e.enquiries.is_empty() && e.open_cp_plan().is_none())
        },
        fields: &[
            field(
                "transfer_in",
                "Was this a transfer-in conference from another council?",
                "whether it was a transfer-in conference",
                Input::YesNo,
            ),
            field(
                "outcome",
                "What did the conference decide?",
                "what the conference decided",
                Input::One(list!(InitialConferenceOutcome)),
            ),
            field(
                "category",
                "Under which category of abuse?",
                "the category of abuse",
                Input::One(list!(CategoryOfAbuse)),
            )
            .when(
                "outcome",
                "CP_PLAN",
                "Only if the conference decided on a plan",
            ),
        ],
        build: |r| {
            let transfer_in = r.yes_no("transfer_in");
            let outcome = r.code("outcome");
            let category = r.code("category");
            Some(ChildEvent::InitialConferenceHeld {
                transfer_in: transfer_in?,
                outcome: outcome?,
                category,
            })
        },
    },
    Form {
        slug: "cp-plan-started",
        title: "Record that the child protection plan started",
        done: "Child protection plan start recorded",
        group: Group::ChildProtection,
        who: Who::Workers,
        offered: |r, _| {
            r.open_episode().is_some_and(|e| {
                e.open_cp_plan().is_none()
                    && e.initial_conferences.last().is_some_and(|c| {
                        c.outcome == InitialConferenceOutcome::CpPlan && !c.plan_started
                    })
            })
        },
        fields: &[],
        build: |_| Some(ChildEvent::CpPlanStarted {}),
    },
    Form {
        slug: "core-group",
        title: "Record a core group meeting",
        done: "Core group meeting recorded",
        group: Group::ChildProtection,
        who: Who::Workers,
        offered: cp_plan_open,
        fields: &[],
        build: |_| Some(ChildEvent::CoreGroupHeld {}),
    },
    Form {
        slug: "review-conference",
        title: "Record a review child protection conference",
        done: "Review conference recorded",
        group: Group::ChildProtection,
        who: Who::Workers,
        offered: cp_plan_open,
        fields: &[
            field(
                "outcome",
                "What did the conference decide?",
                "what the conference decided",
                Input::One(list!(ReviewConferenceOutcome)),
            ),
            field(
                "category",
                "Has the category of abuse changed?",
                "the new category of abuse",
                Input::One(list!(CategoryOfAbuse)),
            )
            .optional()
            .hint("Only if the plan continues under a different category"),
        ],
        build: |r| {
            let outcome = r.code("outcome");
            let category = r.code("category");
            Some(ChildEvent::ReviewConferenceHeld {
                outcome: outcome?,
                category,
            })
        },
    },
    Form {
        slug: "cp-plan-ended",
        title: "Record that the child protection plan ended",
        done: "Child protection plan end recorded",
        group: Group::ChildProtection,
        who: Who::Workers,
        offered: cp_plan_open,
        fields: &[field(
            "reason",
            "Why did the plan end?",
            "why the plan ended",
            Input::One(list!(CpPlanEndReason)),
        )],
        build: |r| {
            Some(ChildEvent::CpPlanEnded {
                reason: r.code("reason")?,
            })
        },
    },
    Form {
        slug: "earlier-cp-plans",
        title: "Record earlier child protection plans",
        done: "Earlier child protection plans recorded",
        group: Group::ChildProtection,
        who: Who::Workers,
        offered: |r, _| r.earlier_cp_plans == 0,
        fields: &[field(
            "count",
            "How many plans did the child have before this record?",
            "how many plans",
            Input::Number,
        )
        .hint("Plans under another council, or before the record moved to Hearth")],
        build: |r| {
            Some(ChildEvent::EarlierCpPlansRecorded {
                count: r.number("count")?,
            })
        },
    },
    Form {
        slug: "emergency-protection",
        title: "Record emergency protection",
        done: "Emergency protection recorded",
        group: Group::ChildProtection,
        who: Who::Workers,
        offered: born,
        fields: &[field(
            "kind",
            "What kind of emergency protection?",
            "the kind of emergency protection",
            Input::One(list!(EmergencyProtectionKind)),
        )],
        build: |r| {
            Some(ChildEvent::EmergencyProtectionRecorded {
                kind: r.code("kind")?,
            })
        },
    },
    Form {
        slug: "police-informed",
        title: "Record that the police were told the child is missing",
        done: "Telling the police recorded",
        group: Group::ChildProtection,
        who: Who::Workers,
        offered: |r, _| r.open_missing().is_some(),
        fields: &[],
        build: |_| Some(ChildEvent::PoliceInformed {}),
    },
    Form {
        slug: "dissent",
        title: "Record professional dissent",
        done: "Dissent recorded",
        group: Group::ChildProtection,
        who: Who::Workers,
        offered: |r, _| {
            r.open_episode()
                .is_some_and(|e| !e.initial_conferences.is_empty())
        },
        fields: &[
            field(
                "agency",
                "Which agency disagreed?",
                "the agency that disagreed",
                Input::One(list!(Agency)),
            ),
            field(
                "text",
                "What did they disagree with, and why?",
                "what they disagreed with",
                Input::Text,
            ),
        ],
        build: |r| {
            let agency = r.code("agency");
            let text = r.text("text");
            Some(ChildEvent::DissentRecorded {
                agency: agency?,
                text: text?,
            })
        },
    },
    Form {
        slug: "manager-response",
        title: "Respond to recommendations or dissent",
        done: "Manager's response recorded",
        group: Group::ChildProtection,
        who: Who::Managers,
        offered: |r, t| cp_plan_open(r, t) || looked_after(r, t) || !r.dissent.is_empty(),
        fields: &[
            field(
                "to",
                "What are you responding to?",
                "what you are responding to",
                Input::One(list!(DocumentKind)),
            )
            .hint("For a looked-after review, the reviewing officer's recommendations; for dissent, the written response to it"),
            field(
                "agreed",
                "Do you agree?",
                "whether you agree",
                Input::YesNo,
            ),
            field("text", "Your response", "your response", Input::Text),
        ],
        build: |r| {
            let to = r.code("to");
            let agreed = r.yes_no("agreed");
            let text = r.text("text");
            Some(ChildEvent::ManagerResponseRecorded {
                to: to?,
                manager: r.me().clone(),
                agreed: agreed?,
                text: text?,
            })
        },
    },
    Form {
        slug: "meeting-held",
        title: "Record that a booked meeting was held",
        done: "Meeting recorded",
        group: Group::ChildProtection,
        who: Who::Workers,
        offered: |r, _| {
            r.meetings
                .iter()
                .any(|m| m.cancelled.is_none() && m.kind.recorded_as_meeting_held())
        },
        fields: &[field(
            "meeting",
            "What meeting was held?",
            "the meeting",
            Input::One(meetings_held),
        )
        .hint("Conferences, reviews and other meetings that decide something have forms of their own")],
        build: |r| {
            Some(ChildEvent::MeetingHeld {
                meeting: r.code("meeting")?,
            })
        },
    },
    // Child in need.
    Form {
        slug: "cin-plan-started",
        title: "Record that a child in need plan started",
        done: "Child in need plan start recorded",
        group: Group::ChildInNeed,
        who: Who::Workers,
        offered: |r, _| {
            r.open_episode()
                .is_some_and(|e| e.open_cin_plan().is_none() && e.open_cp_plan().is_none())
        },
        fields: &[],
        build: |_| Some(ChildEvent::CinPlanStarted {}),
    },
    Form {
        slug: "cin-meeting",
        title: "Record a child in need meeting",
        done: "Child in need meeting recorded",
        group: Group::ChildInNeed,
        who: Who::Workers,
        offered: cin_plan_open,
        fields: &[field(
            "kind",
            "What kind of meeting was it?",
            "what kind of meeting it was",
            Input::One(list!(CinMeetingKind)),
        )],
        build: |r| {
            Some(ChildEvent::CinMeetingHeld {
                kind: r.code("kind")?,
            })
        },
    },
    Form {
        slug: "cin-plan-ended",
        title: "Record that the child in need plan ended",
        done: "Child in need plan end recorded",
        group: Group::ChildInNeed,
        who: Who::Workers,
        offered: cin_plan_open,
        fields: &[field(
            "reason",
            "Why did the plan end?",
            "why the plan ended",
            Input::One(list!(CinPlanEndReason)),
        )],
        build: |r| {
            Some(ChildEvent::CinPlanEnded {
                reason: r.code("reason")?,
            })
        },
    },
    // Looked after.
    Form {
        slug: "episode-started",
        title: "Record a period of care starting or changing",
        done: "Looked-after episode recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: always,
        fields: &[
            field(
                "reason",
                "Why does a new episode start?",
                "why the episode starts",
                Input::One(list!(ReasonNewEpisode)),
            ),
            field(
                "legal_status",
                "Legal status",
                "the legal status",
                Input::One(list!(LegalStatus)),
            ),
            field(
                "placement",
                "Placement type",
                "the placement type",
                Input::One(list!(PlacementType)),
            ),
            field(
                "category_of_need",
                "Category of need",
                "the category of need",
                Input::One(list!(CategoryOfNeed)),
            ),
            field(
                "provider",
                "Placement provider",
                "the placement provider",
                Input::One(list!(PlacementProvider)),
            )
            .optional(),
            field(
                "urn",
                "Ofsted unique reference number of the placement",
                "the Ofsted URN",
                Input::Line,
            )
            .optional()
            .hint("For example, SC123456"),
            field(
                "home_postcode",
                "Postcode of the home the child was living in",
                "the home postcode",
                Input::Line,
            )
            .optional(),
            field(
                "placement_postcode",
                "Postcode of the placement",
                "the placement postcode",
                Input::Line,
            )
            .optional(),
            field(
                "placement_change_reason",
                "Why did the placement change?",
                "why the placement changed",
                Input::One(list!(ReasonPlaceChange)),
            )
            .optional()
            .hint("Only when the child moved placement"),
        ],
        build: |r| {
            let reason = r.code("reason");
            let legal_status = r.code("legal_status");
            let placement = r.code("placement");
            let category_of_need = r.code("category_of_need");
            let provider = r.code("provider");
            let urn = r.urn("urn");
            let home_postcode = r.postcode("home_postcode");
            let placement_postcode = r.postcode("placement_postcode");
            let placement_change_reason = r.code("placement_change_reason");
            Some(ChildEvent::EpisodeStarted {
                reason: reason?,
                legal_status: legal_status?,
                placement: placement?,
                category_of_need: category_of_need?,
                provider,
                urn,
                home_postcode,
                placement_postcode,
                placement_change_reason,
            })
        },
    },
    Form {
        slug: "episode-ended",
        title: "Record that the child stopped being looked after",
        done: "End of the looked-after episode recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: looked_after,
        fields: &[field(
            "reason",
            "Why did the episode end?",
            "why the episode ended",
            Input::One(list!(ReasonEpisodeCeased)),
        )],
        build: |r| {
            Some(ChildEvent::EpisodeEnded {
                reason: r.code("reason")?,
            })
        },
    },
    Form {
        slug: "cla-review",
        title: "Record a looked-after review",
        done: "Looked-after review recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: looked_after,
        fields: &[field(
            "participation",
            "How did the child take part?",
            "how the child took part",
            Input::One(list!(ReviewParticipation)),
        )],
        build: |r| {
            Some(ChildEvent::ClaReviewHeld {
                participation: r.code("participation")?,
            })
        },
    },
    Form {
        slug: "care-plan",
        title: "Record the care plan",
        done: "Care plan recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: looked_after,
        fields: &[],
        build: |_| Some(ChildEvent::CarePlanRecorded {}),
    },
    Form {
        slug: "permanence-plan",
        title: "Record the permanence plan",
        done: "Permanence plan recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: looked_after,
        fields: &[field(
            "plan",
            "What is the plan for permanence?",
            "the plan for permanence",
            Input::One(list!(PermanencePlan)),
        )],
        build: |r| {
            Some(ChildEvent::PermanencePlanRecorded {
                plan: r.code("plan")?,
            })
        },
    },
    Form {
        slug: "health-assessment",
        title: "Record a health assessment",
        done: "Health assessment recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: looked_after,
        fields: &[],
        build: |_| Some(ChildEvent::HealthAssessmentCompleted {}),
    },
    Form {
        slug: "dental-check",
        title: "Record a dental check",
        done: "Dental check recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: looked_after,
        fields: &[],
        build: |_| Some(ChildEvent::DentalCheckCompleted {}),
    },
    Form {
        slug: "pep",
        title: "Record a personal education plan meeting",
        done: "Personal education plan meeting recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: looked_after,
        fields: &[],
        build: |_| Some(ChildEvent::PepHeld {}),
    },
    Form {
        slug: "missing-started",
        title: "Record that the child went missing",
        done: "Missing episode recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: |r, _| r.open_missing().is_none(),
        fields: &[field(
            "kind",
            "Missing, or away without authorisation?",
            "whether the child is missing or away without authorisation",
            Input::One(list!(MissingKind)),
        )],
        build: |r| {
            Some(ChildEvent::MissingEpisodeStarted {
                kind: r.code("kind")?,
            })
        },
    },
    Form {
        slug: "missing-ended",
        title: "Record that the child came back",
        done: "Return recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: |r, _| r.open_missing().is_some(),
        fields: &[],
        build: |_| Some(ChildEvent::MissingEpisodeEnded {}),
    },
    Form {
        slug: "return-interview",
        title: "Record a return interview offer",
        done: "Return interview recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: |r, _| {
            r.missing
                .last()
                .is_some_and(|m| m.end.is_some() && m.interview.is_none())
        },
        fields: &[field(
            "accepted",
            "Did the child accept the interview?",
            "whether the child accepted the interview",
            Input::YesNo,
        )],
        build: |r| {
            Some(ChildEvent::ReturnInterviewOffered {
                accepted: r.yes_no("accepted")?,
            })
        },
    },
    // Health and wellbeing while looked after.
    Form {
        slug: "immunisations",
        title: "Record the child's immunisations",
        done: "Immunisations recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: looked_after,
        fields: &[field(
            "up_to_date",
            "Are the child's immunisations up to date?",
            "whether the immunisations are up to date",
            Input::YesNo,
        )],
        build: |r| {
            Some(ChildEvent::ImmunisationsRecorded {
                up_to_date: r.yes_no("up_to_date")?,
            })
        },
    },
    Form {
        slug: "sdq",
        title: "Record a strengths and difficulties questionnaire",
        done: "Strengths and difficulties questionnaire recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: looked_after,
        fields: &[
            field(
                "scored",
                "Is there a score?",
                "whether there is a score",
                Input::YesNo,
            ),
            field(
                "score",
                "Total difficulties score",
                "the score",
                Input::Number,
            )
            .when("scored", "yes", "Only if there is a score")
            .hint("From 0 to 40"),
            field(
                "reason",
                "Why is there no score?",
                "why there is no score",
                Input::One(list!(SdqReason)),
            )
            .when("scored", "no", "Only if there is no score"),
        ],
        build: |r| {
            let scored = r.yes_no("scored");
            let score = r.sdq_score("score");
            let reason = r.code("reason");
            scored?;
            Some(ChildEvent::SdqRecorded { score, reason })
        },
    },
    Form {
        slug: "development-check",
        title: "Record a development check",
        done: "Development check recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: looked_after,
        fields: &[],
        build: |_| Some(ChildEvent::DevelopmentCheckCompleted {}),
    },
    Form {
        slug: "substance-misuse",
        title: "Record a substance misuse problem",
        done: "Substance misuse recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: looked_after,
        fields: &[
            field(
                "offered",
                "Was the child offered an intervention?",
                "whether an intervention was offered",
                Input::YesNo,
            ),
            field(
                "received",
                "Did the child take up the intervention?",
                "whether the child took it up",
                Input::YesNo,
            )
            .when("offered", "yes", "Only if an intervention was offered"),
        ],
        build: |r| {
            let offered = r.yes_no("offered");
            let received = r.yes_no("received");
            let offered = offered?;
            Some(ChildEvent::SubstanceMisuseRecorded {
                intervention_offered: offered,
                intervention_received: if offered { received? } else { false },
            })
        },
    },
    Form {
        slug: "conviction",
        title: "Record a conviction, final warning or reprimand",
        done: "Conviction, final warning or reprimand recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        // The age of criminal responsibility is 10.
        offered: |r, t| looked_after(r, t) && aged(r, t, 10),
        fields: &[],
        build: |_| Some(ChildEvent::ConvictionRecorded {}),
    },
    Form {
        slug: "dols-started",
        title: "Record that a deprivation of liberty order started",
        done: "Deprivation of liberty order recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: |r, t| born(r, t) && !deprived_of_liberty(r, t),
        fields: &[],
        build: |_| Some(ChildEvent::DeprivationOfLibertyStarted {}),
    },
    Form {
        slug: "dols-ended",
        title: "Record that the deprivation of liberty order ended",
        done: "End of the deprivation of liberty order recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: deprived_of_liberty,
        fields: &[],
        build: |_| Some(ChildEvent::DeprivationOfLibertyEnded {}),
    },
    Form {
        slug: "previous-permanence",
        title: "Record a permanence order the child had before this care",
        done: "Previous permanence order recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: looked_after,
        fields: &[
            field(
                "order",
                "What order did the child have?",
                "the order",
                Input::One(list!(PreviousPermanence)),
            ),
            field(
                "authority",
                "Which council made it?",
                "the council that made it",
                Input::Line,
            )
            .optional()
            .hint("The council's three-digit DfE number, or WAL, SCO, NIR or NUK for Wales, Scotland, Northern Ireland or outside the UK. Not needed when the order is not known"),
            field("made", "When was it made?", "when it was made", Input::Date)
                .optional()
                .hint("Leave the day, or the day and month, empty if you do not know them. Not needed when the order is not known"),
        ],
        build: |r| {
            let order = r.code("order");
            let authority = r.authority("authority");
            let date = r.partial_date("made");
            Some(ChildEvent::PreviousPermanenceRecorded {
                order: order?,
                authority,
                date,
            })
        },
    },
    Form {
        slug: "parenthood",
        title: "Record that the young person became a parent",
        done: "Parenthood recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        // A looked-after young person's parenthood is asked by the SSDA903 from 12.
        offered: |r, t| care_leaver_age(r, t, 12) && r.first_child_born.is_none(),
        fields: &[field(
            "first_child_born",
            "When was their first child born?",
            "the day their first child was born",
            Input::Date,
        )],
        build: |r| {
            Some(ChildEvent::ParenthoodRecorded {
                first_child_born: r.date("first_child_born")?,
            })
        },
    },
    // Care leavers.
    Form {
        slug: "care-leaver-status",
        title: "Record care leaver status",
        done: "Care leaver status recorded",
        group: Group::CareLeaver,
        who: Who::Workers,
        offered: |r, t| care_leaver_age(r, t, 16),
        fields: &[field(
            "category",
            "Which care leaver category?",
            "the care leaver category",
            Input::One(list!(CareLeaverCategory)),
        )],
        build: |r| {
            Some(ChildEvent::CareLeaverStatusRecorded {
                category: r.code("category")?,
            })
        },
    },
    Form {
        slug: "care-leaver-contact",
        title: "Record whether we are in touch",
        done: "Contact with the care leaver recorded",
        group: Group::CareLeaver,
        who: Who::Workers,
        offered: |r, t| care_leaver_age(r, t, 16),
        fields: &[field(
            "in_touch",
            "Are we in touch with the young person?",
            "whether we are in touch",
            Input::One(list!(CareLeaverInTouch)),
        )],
        build: |r| {
            Some(ChildEvent::CareLeaverContactRecorded {
                in_touch: r.code("in_touch")?,
            })
        },
    },
    Form {
        slug: "care-leaver-activity",
        title: "Record the young person's main activity",
        done: "Main activity recorded",
        group: Group::CareLeaver,
        who: Who::Workers,
        offered: |r, t| care_leaver_age(r, t, 16),
        fields: &[field(
            "activity",
            "What is their main activity?",
            "their main activity",
            Input::One(list!(CareLeaverActivity)),
        )],
        build: |r| {
            Some(ChildEvent::CareLeaverActivityRecorded {
                activity: r.code("activity")?,
            })
        },
    },
    Form {
        slug: "care-leaver-accommodation",
        title: "Record the young person's accommodation",
        done: "Accommodation recorded",
        group: Group::CareLeaver,
        who: Who::Workers,
        offered: |r, t| care_leaver_age(r, t, 16),
        fields: &[field(
            "accommodation",
            "Where do they live, and does it suit them?",
            "their accommodation",
            Input::One(list!(CareLeaverAccommodation)),
        )],
        build: |r| {
            Some(ChildEvent::CareLeaverAccommodationRecorded {
                accommodation: r.code("accommodation")?,
            })
        },
    },
    Form {
        slug: "pathway-plan",
        title: "Record the pathway plan",
        done: "Pathway plan recorded",
        group: Group::CareLeaver,
        who: Who::Workers,
        offered: |r, t| care_leaver_age(r, t, 15),
        fields: &[field(
            "stage",
            "Was the plan started or reviewed?",
            "whether the plan was started or reviewed",
            Input::One(list!(PathwayPlanStage)),
        )],
        build: |r| {
            Some(ChildEvent::PathwayPlanRecorded {
                stage: r.code("stage")?,
            })
        },
    },
    Form {
        slug: "personal-adviser",
        title: "Allocate a personal adviser",
        done: "Personal adviser allocated",
        group: Group::Management,
        who: Who::Managers,
        offered: |r, t| care_leaver_age(r, t, 15),
        fields: &[field(
            "adviser",
            "Personal adviser",
            "a personal adviser",
            Input::Staff(Pick::Adviser),
        )],
        build: |r| {
            Some(ChildEvent::PersonalAdviserAllocated {
                adviser: r.staff("adviser")?,
            })
        },
    },
    Form {
        slug: "care-leaver-support",
        title: "Record that the young person asked for support to continue after 21",
        done: "Request for support after 21 recorded",
        group: Group::CareLeaver,
        who: Who::Workers,
        offered: |r, t| {
            aged(r, t, 18)
                && r.care_leaver_support_ends_on().is_some()
                && r.care_leaver.support_requested.is_empty()
        },
        fields: &[],
        build: |_| Some(ChildEvent::CareLeaverSupportRequested {}),
    },
    // Adoption, within care.
    Form {
        slug: "adoption-decision",
        title: "Record the decision that the child should be placed for adoption",
        done: "Adoption decision recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: |r, t| looked_after(r, t) && r.active_adoption().is_none(),
        fields: &[field(
            "decided_on",
            "When was the decision made, if earlier?",
            "the day of the decision",
            Input::Date,
        )
        .optional()
        .hint("Only when the decision was made before this period of care was recorded")],
        build: |r| {
            Some(ChildEvent::AdoptionDecisionMade {
                decided_on: r.date("decided_on"),
            })
        },
    },
    Form {
        slug: "placement-order",
        title: "Record a placement order",
        done: "Placement order recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: |r, _| {
            r.active_adoption()
                .is_some_and(|a| a.placement_order.is_none())
        },
        fields: &[],
        build: |_| Some(ChildEvent::PlacementOrderGranted {}),
    },
    Form {
        slug: "adoption-matched",
        title: "Record a match with adopters",
        done: "Match with adopters recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: |r, _| r.active_adoption().is_some_and(|a| a.matched.is_none()),
        fields: &[
            field(
                "adopter_sex",
                "Who are the adopters?",
                "who the adopters are",
                Input::One(list!(AdopterSex)),
            ),
            field(
                "adopter_legal_status",
                "What is the adopters' legal status?",
                "the adopters' legal status",
                Input::One(list!(AdopterLegalStatus)),
            ),
            field(
                "foster_carers_adopting",
                "Are the child's foster carers adopting?",
                "whether the foster carers are adopting",
                Input::YesNo,
            ),
        ],
        build: |r| {
            let sex = r.code("adopter_sex");
            let legal_status = r.code("adopter_legal_status");
            let foster_carers = r.yes_no("foster_carers_adopting");
            Some(ChildEvent::AdoptionMatched {
                adopter_sex: sex?,
                adopter_legal_status: legal_status?,
                foster_carers_adopting: foster_carers?,
                adopter: None,
            })
        },
    },
    Form {
        slug: "placed-for-adoption",
        title: "Record that the child was placed for adoption",
        done: "Placement for adoption recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: |r, _| r.active_adoption().is_some_and(|a| a.placed.is_none()),
        fields: &[],
        build: |_| Some(ChildEvent::PlacedForAdoption {}),
    },
    Form {
        slug: "adoption-order",
        title: "Record an adoption order",
        done: "Adoption order recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: |r, _| r.active_adoption().is_some_and(|a| a.placed.is_some()),
        fields: &[],
        build: |_| Some(ChildEvent::AdoptionOrderGranted {}),
    },
    Form {
        slug: "adoption-plan-ended",
        title: "Record that the child is no longer to be adopted",
        done: "End of the adoption plan recorded",
        group: Group::LookedAfter,
        who: Who::Workers,
        offered: |r, _| r.active_adoption().is_some(),
        fields: &[field(
            "reason",
            "Why?",
            "why the plan ended",
            Input::One(list!(ReasonPlacedCeased)),
        )],
        build: |r| {
            Some(ChildEvent::AdoptionPlanEnded {
                reason: r.code("reason")?,
            })
        },
    },
    // Recording.
    Form {
        slug: "visit",
        title: "Record a visit",
        done: "Visit recorded",
        group: Group::Recording,
        who: Who::Workers,
        offered: always,
        fields: &[
            field(
                "visit_kind",
                "What kind of visit was it?",
                "what kind of visit it was",
                Input::One(list!(VisitKind)),
            ),
            field(
                "child_seen",
                "Was the child seen?",
                "whether the child was seen",
                Input::YesNo,
            ),
            field(
                "seen_alone",
                "Was the child seen alone?",
                "whether the child was seen alone",
                Input::YesNo,
            )
            .when("child_seen", "yes", "Only if the child was seen"),
            field(
                "not_seen_alone_reason",
                "Why was the child not seen alone?",
                "why the child was not seen alone",
                Input::Text,
            )
            .when("seen_alone", "no", "Only if the child was not seen alone"),
            field(
                "agreed_by",
                "Who agreed that the child would not be seen alone?",
                "who agreed that the child would not be seen alone",
                Input::Staff(Pick::CaseHolder),
            )
            .when("seen_alone", "no", "Only if the child was not seen alone"),
            field(
                "bedroom_seen",
                "Was the child's bedroom seen?",
                "whether the bedroom was seen",
                Input::YesNo,
            )
            .optional(),
            field(
                "purpose",
                "What was the visit for?",
                "what the visit was for",
                Input::Text,
            ),
            field(
                "what_seen",
                "What did you see?",
                "what you saw",
                Input::Text,
            )
            .hint("The child, the home and the people there, as you found them"),
            field(
                "child_said",
                "What did the child say?",
                "what the child said",
                Input::Text,
            )
            .when("child_seen", "yes", "Only if the child was seen")
            .hint("In the child's own words, as near as you can")
            .optional(),
            field(
                "next_steps",
                "What happens next?",
                "what happens next",
                Input::Text,
            ),
        ],
        build: |r| {
            let kind = r.code("visit_kind");
            let child_seen = r.yes_no("child_seen");
            let seen_alone = r.yes_no("seen_alone");
            let not_seen_alone_reason = r.text("not_seen_alone_reason");
            let bedroom_seen = r.yes_no("bedroom_seen");
            Some(ChildEvent::VisitMade {
                kind: kind?,
                child_seen: child_seen?,
                seen_alone,
                not_seen_alone_reason,
                bedroom_seen,
            })
        },
    },
    Form {
        slug: "childs-words",
        title: "Record the child's own words",
        done: "The child's words recorded",
        group: Group::Recording,
        who: Who::Workers,
        offered: always,
        fields: &[
            field(
                "words",
                "What did the child say, write or draw?",
                "the child's words",
                Input::Text,
            )
            .hint("Exactly as the child put it: their words, not a summary"),
            field(
                "gathered",
                "How were the words gathered?",
                "how the words were gathered",
                Input::One(list!(WordsGathered)),
            ),
        ],
        build: |r| {
            let words = r.text("words");
            let gathered = r.code("gathered");
            Some(ChildEvent::ChildWordsRecorded {
                words: words?,
                gathered: gathered?,
                about: None,
            })
        },
    },
    Form {
        slug: "meeting-scheduled",
        title: "Book a meeting",
        done: "Meeting booked",
        group: Group::Recording,
        who: Who::Workers,
        offered: always,
        fields: &[
            field(
                "meeting",
                "What meeting?",
                "the meeting",
                Input::One(list!(MeetingKind)),
            ),
            field("at", "When is it?", "when the meeting is", Input::Moment),
            field(
                "chair",
                "Who will chair it?",
                "the reviewing officer who will chair it",
                Input::Staff(Pick::ReviewingOfficer),
            )
            .hint("For a conference, a review or a reviewing officer's pre-meeting. The chair can then open the child's record.")
            .optional(),
        ],
        build: |r| {
            let meeting = r.code("meeting");
            let at = r.moment("at");
            let chair = r.staff("chair");
            Some(ChildEvent::MeetingScheduled {
                meeting: meeting?,
                at: at?,
                chair,
            })
        },
    },
    Form {
        slug: "meeting-cancelled",
        title: "Cancel a meeting",
        done: "Meeting cancellation recorded",
        group: Group::Recording,
        who: Who::Workers,
        offered: |r, _| r.meetings.iter().any(|m| m.cancelled.is_none()),
        fields: &[
            field(
                "meeting",
                "What meeting?",
                "the meeting",
                Input::One(list!(MeetingKind)),
            ),
            field(
                "at",
                "When was it booked for?",
                "when the meeting was booked for",
                Input::Moment,
            ),
            field(
                "reason",
                "Why was it cancelled?",
                "why it was cancelled",
                Input::Text,
            ),
        ],
        build: |r| {
            let meeting = r.code("meeting");
            let at = r.moment("at");
            let reason = r.text("reason");
            Some(ChildEvent::MeetingCancelled {
                meeting: meeting?,
                at: at?,
                reason: reason?,
            })
        },
    },
    Form {
        slug: "case-note",
        title: "Add a case note",
        done: "Case note added",
        group: Group::Recording,
        who: Who::Workers,
        offered: always,
        fields: &[
            field(
                "note_kind",
                "What does the note record?",
                "what the note records",
                Input::One(list!(CaseNoteKind)),
            ),
            field("text", "Case note", "the case note", Input::Text),
            field(
                "significant",
                "Is this a significant event?",
                "whether this is a significant event",
                Input::YesNo,
            )
            .optional()
            .hint("Significant events go on the chronology"),
        ],
        build: |r| {
            let kind = r.code("note_kind");
            let text = r.text("text");
            let significant = r.yes_no("significant").unwrap_or(false);
            Some(ChildEvent::CaseNoteRecorded {
                kind: kind?,
                text: text?,
                significant,
            })
        },
    },
    Form {
        slug: "chronology-entry",
        title: "Add to the chronology",
        done: "Chronology entry added",
        group: Group::Recording,
        who: Who::Workers,
        offered: always,
        fields: &[
            field("summary", "What happened?", "what happened", Input::Line),
            field("detail", "More detail", "more detail", Input::Text).optional(),
        ],
        build: |r| {
            let summary = r.line("summary");
            let detail = r.text("detail");
            Some(ChildEvent::ChronologyEntryAdded {
                summary: summary?,
                detail,
            })
        },
    },
    Form {
        slug: "case-summary",
        title: "Write the case summary",
        done: "Case summary recorded",
        group: Group::Recording,
        who: Who::Workers,
        offered: always,
        fields: &[field(
            "text",
            "Case summary",
            "the case summary",
            Input::Text,
        )],
        build: |r| {
            Some(ChildEvent::CaseSummaryRecorded {
                text: r.text("text")?,
            })
        },
    },
    Form {
        slug: "document-shared",
        title: "Record that a document was shared",
        done: "Sharing the document recorded",
        group: Group::Recording,
        who: Who::Workers,
        offered: always,
        fields: &[
            field(
                "document",
                "Which document?",
                "the document",
                Input::One(list!(DocumentKind)),
            ),
            field(
                "audiences",
                "Who was it shared with?",
                "who it was shared with",
                Input::Many(list!(Audience)),
            )
            .hint("Select all that apply"),
        ],
        build: |r| {
            let document = r.code("document");
            let audiences = r.codes("audiences");
            Some(ChildEvent::DocumentShared {
                document: document?,
                audiences,
            })
        },
    },
    // Birth and death.
    Form {
        slug: "birth",
        title: "Record the child's birth",
        done: "Birth recorded",
        group: Group::Identity,
        who: Who::Workers,
        offered: |r, t| r.details.is_some() && !born(r, t),
        fields: &[field(
            "date_of_birth",
            "When was the child born?",
            "the date of birth",
            Input::Date,
        )],
        build: |r| {
            Some(ChildEvent::BirthRecorded {
                date_of_birth: r.date("date_of_birth")?,
            })
        },
    },
    Form {
        slug: "death",
        title: "Record the child's death",
        done: "Death recorded",
        group: Group::Identity,
        who: Who::Workers,
        offered: |r, _| r.date_of_death.is_none(),
        fields: &[field(
            "date_of_death",
            "When did the child die?",
            "the date of death",
            Input::Date,
        )],
        build: |r| {
            Some(ChildEvent::DeathRecorded {
                date_of_death: r.date("date_of_death")?,
            })
        },
    },
    // Management.
    Form {
        slug: "allocation",
        title: "Allocate a worker",
        done: "Worker allocated",
        group: Group::Management,
        who: Who::Managers,
        offered: episode_open,
        fields: &[
            field(
                "worker",
                "Worker",
                "the worker",
                Input::Staff(Pick::CaseHolder),
            )
            .hint("The child joins the worker's team's caseload"),
            field(
                "reason",
                "Why is the child being allocated?",
                "why the child is being allocated",
                Input::One(list!(WorkerChangeReason)),
            ),
            field(
                "oversight",
                "Management oversight and direction",
                "the oversight and direction",
                Input::Text,
            ),
        ],
        build: |r| {
            let worker = r.staff("worker");
            let team = worker.as_ref().and_then(|w| r.team_of(w));
            let reason = r.code("reason");
            let oversight = r.text("oversight");
            Some(ChildEvent::WorkerAllocated {
                worker: worker?,
                team: team?,
                decided_by: r.me().clone(),
                oversight: oversight?,
                reason: reason?,
            })
        },
    },
    Form {
        slug: "worker-unallocated",
        title: "Take the child off the worker's caseload",
        done: "Child is waiting for a new worker",
        group: Group::Management,
        who: Who::Managers,
        offered: |r, _| r.current_allocation().is_some(),
        fields: &[field(
            "reason",
            "Why is the child waiting for a new worker?",
            "why the child is waiting for a new worker",
            Input::One(list!(WorkerChangeReason)),
        )],
        build: |r| {
            Some(ChildEvent::WorkerUnallocated {
                reason: r.code("reason")?,
            })
        },
    },
    Form {
        slug: "oversight",
        title: "Record management oversight",
        done: "Management oversight recorded",
        group: Group::Management,
        who: Who::Managers,
        offered: always,
        fields: &[field(
            "text",
            "Oversight and direction",
            "the oversight and direction",
            Input::Text,
        )],
        build: |r| {
            Some(ChildEvent::ManagementOversightRecorded {
                manager: r.me().clone(),
                text: r.text("text")?,
            })
        },
    },
    Form {
        slug: "supervision",
        title: "Record case supervision",
        done: "Supervision recorded",
        group: Group::Management,
        who: Who::Managers,
        offered: always,
        fields: &[
            field(
                "worker",
                "Who was supervised?",
                "who was supervised",
                Input::Staff(Pick::Supervisee),
            ),
            field(
                "text",
                "Discussion and actions",
                "the discussion and actions",
                Input::Text,
            ),
        ],
        build: |r| {
            let worker = r.staff("worker");
            let text = r.text("text");
            Some(ChildEvent::SupervisionRecorded {
                supervisor: r.me().clone(),
                worker: worker?,
                text: text?,
                discussion: None,
            })
        },
    },
    Form {
        slug: "document-withheld",
        title: "Withhold a document from someone",
        done: "Decision to withhold the document recorded",
        group: Group::Management,
        who: Who::Managers,
        offered: always,
        fields: &[
            field(
                "document",
                "Which document?",
                "the document",
                Input::One(list!(DocumentKind)),
            ),
            field(
                "audience",
                "Who should not receive it?",
                "who should not receive it",
                Input::One(list!(Audience)),
            ),
            field("reason", "Why?", "why it is withheld", Input::Text),
        ],
        build: |r| {
            let document = r.code("document");
            let audience = r.code("audience");
            let reason = r.text("reason");
            Some(ChildEvent::DocumentWithheld {
                document: document?,
                audience: audience?,
                manager: r.me().clone(),
                reason: reason?,
            })
        },
    },
    Form {
        slug: "obligation-varied",
        title: "Vary a practice standard for this child",
        done: "Variation recorded",
        group: Group::Management,
        who: Who::Managers,
        offered: always,
        fields: &[
            field(
                "rule",
                "Which standard?",
                "the standard",
                Input::Rule,
            ),
            field(
                "amount",
                "How long should it be?",
                "how long it should be",
                Input::Number,
            )
            .hint("A whole number of the unit you choose next"),
            field(
                "unit",
                "Unit",
                "the unit",
                Input::One(list!(PeriodUnit)),
            ),
            field("reason", "Why?", "why it is varied", Input::Text),
            field(
                "until",
                "Until when does it apply?",
                "the last day it applies",
                Input::Date,
            )
            .optional()
            .hint("Leave empty if it applies until you end it"),
        ],
        build: |r| {
            let rule = r.rule("rule");
            let amount = r.number("amount");
            let unit = r.code("unit");
            let reason = r.text("reason");
            let until = r.date("until");
            Some(ChildEvent::ObligationVaried {
                rule: rule?,
                amount: amount?,
                unit: unit?,
                authorised_by: r.me().clone(),
                reason: reason?,
                until,
            })
        },
    },
    Form {
        slug: "variation-ended",
        title: "End a variation of a practice standard",
        done: "End of the variation recorded",
        group: Group::Management,
        who: Who::Managers,
        offered: |r, _| r.variations.iter().any(|v| v.ended.is_none()),
        fields: &[field(
            "rule",
            "Which standard goes back to its usual timescale?",
            "the standard",
            Input::Rule,
        )],
        build: |r| {
            Some(ChildEvent::VariationEnded {
                rule: r.rule("rule")?,
            })
        },
    },
    Form {
        slug: "case-closed",
        title: "Close the case",
        done: "Case closed",
        // Closing ends the episode of need, which a manager signs off.
        group: Group::Management,
        who: Who::Managers,
        offered: episode_open,
        fields: &[field(
            "reason",
            "Why is the case closing?",
            "why the case is closing",
            Input::One(list!(ReasonForClosure)),
        )],
        build: |r| {
            Some(ChildEvent::CaseClosed {
                reason: r.code("reason")?,
            })
        },
    },
    // Restricted records: who may see the record is a manager's decision.
    Form {
        slug: "restrict",
        title: "Restrict who can see the record",
        done: "Record restricted",
        group: Group::Management,
        who: Who::Managers,
        offered: always,
        fields: &[
            field(
                "reason",
                "Why should fewer people see this record?",
                "why the record is being restricted",
                Input::Text,
            )
            .hint("For example, a parent works in the service, or the birth family must not learn where the child lives"),
            field(
                "permitted",
                "Who else may see it?",
                "who else may see it",
                Input::StaffMany(Pick::Anyone),
            )
            .optional()
            .hint("The allocated worker or personal adviser, their managers, you, the head of service and the assistant director can always see it. No one else can, unless you choose them here. If the record is already restricted, this replaces the list."),
        ],
        build: |r| {
            let reason = r.text("reason");
            let permitted = r.staff_many("permitted");
            Some(ChildEvent::RecordRestricted {
                decided_by: r.me().clone(),
                reason: reason?,
                permitted: permitted?,
            })
        },
    },
    Form {
        slug: "restriction-lifted",
        title: "Lift the restriction",
        done: "Restriction lifted",
        group: Group::Management,
        who: Who::Managers,
        offered: |r, _| r.restriction.is_some(),
        fields: &[field(
            "reason",
            "Why can the record be seen as usual again?",
            "why the restriction is being lifted",
            Input::Text,
        )],
        build: |r| {
            Some(ChildEvent::RestrictionLifted {
                decided_by: r.me().clone(),
                reason: r.text("reason")?,
            })
        },
    },
];
