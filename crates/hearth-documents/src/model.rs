//! The documents' view models: everything a document prints, already decided.
//!
//! **The contract.** These types hold only what the document's reader may see, in the words
//! the reader is given. The caller decides both: which items a reader may see (a withheld
//! report or a restricted adult's address never enters a model meant for someone who may not
//! see it) and how each is worded for that reader (the worker writes the child's version). The
//! crate checks the shape a document needs (a looked-after child's plan names a reviewing
//! officer; every action has someone and a date) and the reading level of what it prints; it
//! cannot know what was left out, so it never adds anything back.
//!
//! Dates are plain dates given by the caller, never read from a clock. A child's own words
//! are printed exactly as given, in quotation marks, never reworded.

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};

/// Dates as GOV.UK writes them: "4 March 2027".
fn long_date<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&date.format("%-d %B %Y"))
}

fn long_date_opt<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => long_date(date, s),
        None => s.serialize_none(),
    }
}

/// The age bands of the child's plan. Each has its own wording and reading-level target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum AgeBand {
    /// Pictures beside every part, the shortest sentences and the largest type.
    #[serde(rename = "under-8")]
    Under8,
    /// Short sentences, still first person.
    #[serde(rename = "8-to-12")]
    From8To12,
    /// First person, plainly written, with the grown-up words a teenager meets in meetings
    /// explained.
    #[serde(rename = "13-and-over")]
    From13,
}

impl AgeBand {
    /// The band of a child born on `born` as at `on` (age in whole years).
    pub fn on(born: NaiveDate, on: NaiveDate) -> Self {
        let mut age = on.year() - born.year();
        if (on.month(), on.day()) < (born.month(), born.day()) {
            age -= 1;
        }
        match age {
            i32::MIN..=7 => Self::Under8,
            8..=12 => Self::From8To12,
            _ => Self::From13,
        }
    }
}

/// What the document needs to know about the child it is for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChildFacts {
    /// The name the child is known by, as the child would write it.
    pub known_as: String,
    #[serde(skip)]
    pub date_of_birth: NaiveDate,
    /// Looked after by the council: the plan then names the child's reviewing officer.
    pub looked_after: bool,
}

/// Someone the reader can talk to, with the ways to reach them the reader may be given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contact {
    pub name: String,
    /// What they are to the reader, in the reader's words ("my social worker").
    pub role: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Something that will happen next, and when if it is known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextStep {
    pub what: String,
    #[serde(serialize_with = "long_date_opt")]
    pub when: Option<NaiveDate>,
}

/// Someone helping the child, and how.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Helper {
    pub name: String,
    pub how: String,
}

/// What the child said, word for word, and when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChildWords {
    pub said: String,
    #[serde(serialize_with = "long_date")]
    pub on: NaiveDate,
}

/// "My plan": the child's own plan, written to the child in the first person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChildPlan {
    pub child: ChildFacts,
    /// The day the plan was written for the child; the age band is taken on this day.
    #[serde(serialize_with = "long_date")]
    pub written_on: NaiveDate,
    /// What the grown-ups are worried about, written for the child.
    pub worries: Vec<String>,
    pub going_well: Vec<String>,
    pub next_steps: Vec<NextStep>,
    pub helpers: Vec<Helper>,
    pub child_words: Vec<ChildWords>,
    pub worker: Contact,
    /// Required when the child is looked after, and only then.
    pub reviewing_officer: Option<Contact>,
}

/// The meeting whose decision the family's plan records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MeetingKind {
    InitialChildProtectionConference,
    ReviewChildProtectionConference,
    CoreGroup,
    ChildInNeedMeeting,
    LookedAfterReview,
}

impl MeetingKind {
    /// The meeting's name as the family is told it.
    pub fn plain_name(self) -> &'static str {
        match self {
            Self::InitialChildProtectionConference => "child protection conference",
            Self::ReviewChildProtectionConference => "review child protection conference",
            Self::CoreGroup => "core group meeting",
            Self::ChildInNeedMeeting => "child in need meeting",
            Self::LookedAfterReview => "review meeting",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Meeting {
    pub kind: MeetingKind,
    /// Filled from `kind`, so the template never spells a meeting's name itself.
    pub name: &'static str,
    #[serde(serialize_with = "long_date")]
    pub on: NaiveDate,
    /// Where, as the family is told it ("Riverside Family Centre").
    pub place: Option<String>,
}

impl Meeting {
    pub fn new(kind: MeetingKind, on: NaiveDate, place: Option<String>) -> Self {
        Self {
            kind,
            name: kind.plain_name(),
            on,
            place,
        }
    }
}

/// One thing someone will do, by a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    pub what: String,
    /// Who will do it, by name or role as the family knows them.
    pub who: String,
    #[serde(serialize_with = "long_date")]
    pub by: NaiveDate,
}

/// What the plan is for, why, and the actions that get there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub what: String,
    pub why: String,
    pub actions: Vec<Action>,
}

/// "The plan for the family": the decision, outcomes, actions, contingency, next meeting,
/// and how to disagree or complain. Reading age about 11.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FamilyPlan {
    /// The child the plan is about (a family with several children gets one plan each).
    pub child: ChildFacts,
    /// Who the plan is written to ("Jade and Tom").
    pub written_to: String,
    #[serde(serialize_with = "long_date")]
    pub written_on: NaiveDate,
    pub meeting: Meeting,
    /// The decision in plain words.
    pub decision: String,
    pub outcomes: Vec<Outcome>,
    /// What will happen if the plan does not work.
    pub contingency: String,
    pub next_meeting: Option<Meeting>,
    /// The child's words the family may be given, exactly as said.
    pub child_words: Vec<ChildWords>,
    pub worker: Contact,
    /// Whom to ask first when the family disagrees (the worker's manager or the chair).
    pub disagree_with: Contact,
    /// The council's complaints team.
    pub complaints: Contact,
}

/// A medicine the child takes, as the carer must give it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Medicine {
    pub name: String,
    pub dose: String,
    pub when: String,
}

/// A risk to the child or from the situation, and what the carer should do about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Risk {
    pub risk: String,
    pub what_to_do: String,
}

/// "Placement information for carers": what the carer needs the moment the child arrives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacementInformation {
    pub child: ChildFacts,
    /// Who the information is for ("Ruth and Daniel").
    pub carers: String,
    #[serde(serialize_with = "long_date")]
    pub placed_on: NaiveDate,
    /// The child's legal status in plain words ("Looked after under a care order").
    pub legal_status: String,
    /// What the carers may decide without asking (delegated authority).
    pub carers_may_decide: Vec<String>,
    pub health: Vec<String>,
    pub medicines: Vec<Medicine>,
    /// Allergies, printed first in their section; an empty list prints "None known".
    pub allergies: Vec<String>,
    pub education: Vec<String>,
    pub family_time: Vec<String>,
    pub risks: Vec<Risk>,
    pub routines: Vec<String>,
    pub likes: Vec<String>,
    pub dislikes: Vec<String>,
    pub contacts: Vec<Contact>,
}
