//! The content of practice: what an assessment, a meeting, a plan or a visit said, the
//! child's own words, and the actions that follow, each with an owner and a date.
//!
//! Content is recorded in events of its own, beside the events that say something happened
//! (`visit_made`, `assessment_completed`, `core_group_held`). Those events drive the
//! standards and the returns; the content events add the words without touching either, and
//! an old record without them still folds. Each content entry is kept by its version in the
//! stream, so a decision or an amendment can name it, and an amendment keeps the earlier
//! wording beside the new.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::child::events::ChildEvent;
use crate::child::record::{Check, ChildRecord, Mark};
use crate::codes::*;
use crate::directory::{Directory, manager_in_post};
use crate::event::{Actor, Recorded};
use crate::ids::StaffId;
use crate::rules::{Rule, ensure, refuse};
use crate::values::{Line, Text};

/// An action's number, unique within the child's record, so that a later meeting can say
/// how it is going.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct ActionNo(pub u32);

impl std::fmt::Display for ActionNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "action {}", self.0)
    }
}

/// Who is to do an action: a member of staff, or a person or agency named in words (a
/// parent, the school, the health visitor).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Owner {
    /// A member of staff: the action is on their clock.
    Staff(StaffId),
    /// Someone outside the service.
    Named {
        /// The person or the agency.
        name: Line,
        /// Their agency, when a person is named.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agency: Option<Line>,
    },
}

impl Owner {
    /// The member of staff, if the owner is one.
    pub fn staff(&self) -> Option<&StaffId> {
        match self {
            Owner::Staff(s) => Some(s),
            Owner::Named { .. } => None,
        }
    }
}

/// Something to be done, by whom and by when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Its number in the child's record.
    pub number: ActionNo,
    /// What is to be done.
    pub what: Text,
    /// Who is to do it.
    pub who: Owner,
    /// By when.
    pub by: NaiveDate,
}

/// Someone who took part in a meeting, or sent apologies.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    /// Their name.
    pub name: Line,
    /// Their agency (or "family").
    pub agency: Line,
    /// Their role.
    pub role: Line,
}

/// An outcome a plan is to achieve.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// What must change.
    pub what_must_change: Text,
    /// Why it matters for the child.
    pub why: Text,
}

/// Someone the family and the professionals can reach about the plan.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyContact {
    /// Their name.
    pub name: Line,
    /// Their role.
    pub role: Line,
    /// How to reach them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Line>,
}

/// The child and family assessment in words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentContent {
    /// The child's developmental needs.
    pub developmental_needs: Text,
    /// Parenting capacity.
    pub parenting_capacity: Text,
    /// Family and environmental factors.
    pub family_and_environment: Text,
    /// The analysis.
    pub analysis: Text,
    /// The child's wishes and feelings.
    pub wishes_and_feelings: Text,
    /// The parents' and carers' views.
    pub parents_views: Text,
    /// What is working well.
    pub working_well: Text,
    /// The worries.
    pub worries: Text,
    /// What needs to happen.
    pub needs_to_happen: Text,
    /// The recommendation.
    pub recommendation: Text,
}

/// The record of a strategy discussion or meeting.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategyMinutes {
    /// Who took part.
    pub participants: Vec<Participant>,
    /// What was shared.
    pub shared: Text,
    /// The decision and its reasons.
    pub decision: Text,
    /// What each is to do.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
}

/// What a section 47 enquiry found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnquiryFindings {
    /// What was found.
    pub findings: Text,
    /// Whether the child was seen.
    pub child_seen: bool,
    /// What the child said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_said: Option<Text>,
    /// The outcome in words.
    pub outcome: Text,
}

/// The record of a child protection conference or a looked-after review.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConferenceMinutes {
    /// Who chaired it.
    pub chair: StaffId,
    /// Who attended.
    pub attended: Vec<Participant>,
    /// Who sent apologies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apologies: Vec<Participant>,
    /// The reports received.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reports: Vec<Line>,
    /// The decision and its reasons.
    pub decision: Text,
    /// The category of abuse, where the conference decided on a plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<CategoryOfAbuse>,
    /// The recommendations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recommendations: Vec<Text>,
    /// Any dissent, and whose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dissent: Option<Text>,
    /// The child's views.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_views: Option<Text>,
    /// The parents' views.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parents_views: Option<Text>,
}

/// A plan in words: what must change, who does what by when, and what happens if not.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanContent {
    /// The outcomes to achieve.
    pub outcomes: Vec<Outcome>,
    /// New actions (those of earlier versions still open carry over).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    /// What happens if the plan does not work.
    pub contingency: Text,
    /// Who to contact.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_contacts: Vec<KeyContact>,
}

/// How one action is going.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    /// Which action.
    pub action: ActionNo,
    /// How it is going.
    pub status: ActionStatus,
    /// A note.
    pub note: Text,
}

/// An action ended without being done (no longer needed, replaced by another).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndedAction {
    /// Which action.
    pub action: ActionNo,
    /// Why it ended.
    pub reason: Text,
}

/// A core group, a child in need meeting or a review going through the plan's actions.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionReview {
    /// Progress on each open action of the plan.
    pub progress: Vec<Progress>,
    /// Actions added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<Action>,
    /// Actions ended.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ended: Vec<EndedAction>,
}

/// Why a child was not seen alone, and who agreed to it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotSeenAlone {
    /// Why.
    pub why: Text,
    /// Who agreed.
    pub agreed_by: StaffId,
}

/// A visit in words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitContent {
    /// What the visit was for.
    pub purpose: Text,
    /// What was seen.
    pub seen: Text,
    /// Why the child was not seen alone, when they were seen but not alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_seen_alone: Option<NotSeenAlone>,
    /// What the child said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_said: Option<Text>,
    /// What happens next.
    pub next_steps: Text,
}

/// The allocation record: the worker's first account of the case.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationRecord {
    /// What is happening for the child.
    pub happening: Text,
    /// The outcomes wanted.
    pub desired_outcomes: Vec<Text>,
    /// The actions, with their timescales.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
}

/// What a content entry holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// An assessment, about its completion.
    Assessment(AssessmentContent),
    /// A strategy discussion's record.
    Strategy(StrategyMinutes),
    /// A section 47 enquiry's findings.
    Enquiry(EnquiryFindings),
    /// A conference's or review's record.
    Conference(ConferenceMinutes),
    /// A version of a plan.
    Plan(PlanKind, PlanContent),
    /// A meeting's review of a plan's actions.
    Review(PlanKind, ActionReview),
    /// A visit in words.
    Visit(VisitContent),
    /// The allocation record.
    Allocation(AllocationRecord),
    /// A transfer or closing summary.
    Summary(SummaryKind, Text),
    /// The child's own words.
    ChildsWords(WordsGathered, Text),
}

impl Content {
    /// The content an event carries, and the entry it is about, if it is a content event.
    pub fn of(event: &ChildEvent) -> Option<(Content, Option<u64>)> {
        use ChildEvent::*;
        Some(match event {
            AssessmentWritten { about, content } => {
                (Content::Assessment(content.clone()), Some(*about))
            }
            StrategyMinutesRecorded { about, minutes } => {
                (Content::Strategy(minutes.clone()), Some(*about))
            }
            EnquiryFindingsRecorded { about, findings } => {
                (Content::Enquiry(findings.clone()), Some(*about))
            }
            ConferenceMinutesRecorded { about, minutes } => {
                (Content::Conference(minutes.clone()), Some(*about))
            }
            PlanWritten {
                plan,
                about,
                content,
            } => (Content::Plan(*plan, content.clone()), *about),
            ActionsReviewed {
                about,
                plan,
                review,
            } => (Content::Review(*plan, review.clone()), Some(*about)),
            VisitWritten { about, content } => (Content::Visit(content.clone()), Some(*about)),
            AllocationRecordWritten { content } => (Content::Allocation(content.clone()), None),
            SummaryWritten { kind, text } => (Content::Summary(*kind, text.clone()), None),
            ChildWordsRecorded {
                words,
                gathered,
                about,
            } => (Content::ChildsWords(*gathered, words.clone()), *about),
            _ => return None,
        })
    }

    /// The actions this entry sets.
    pub fn actions(&self) -> &[Action] {
        match self {
            Content::Strategy(m) => &m.actions,
            Content::Plan(_, p) => &p.actions,
            Content::Review(_, r) => &r.added,
            Content::Allocation(a) => &a.actions,
            _ => &[],
        }
    }

    /// The plan the entry's actions belong to, if any.
    pub fn plan(&self) -> Option<PlanKind> {
        match self {
            Content::Plan(k, _) | Content::Review(k, _) => Some(*k),
            _ => None,
        }
    }

    /// Whether a manager authorises it (or returns it with comments).
    pub fn needs_authorisation(&self) -> bool {
        matches!(self, Content::Assessment(_) | Content::Summary(..))
    }

    /// Every text in the entry, each with the name an amendment uses for it: a field's
    /// name, or for lists the list, the item's number from 1 and the field
    /// (`outcomes.2.why`).
    pub fn texts(&self) -> Vec<(String, &Text)> {
        let mut out: Vec<(String, &Text)> = Vec::new();
        macro_rules! one {
            ($name:expr, $t:expr) => {
                out.push(($name.to_owned(), $t))
            };
        }
        match self {
            Content::Assessment(a) => {
                one!("developmental_needs", &a.developmental_needs);
                one!("parenting_capacity", &a.parenting_capacity);
                one!("family_and_environment", &a.family_and_environment);
                one!("analysis", &a.analysis);
                one!("wishes_and_feelings", &a.wishes_and_feelings);
                one!("parents_views", &a.parents_views);
                one!("working_well", &a.working_well);
                one!("worries", &a.worries);
                one!("needs_to_happen", &a.needs_to_happen);
                one!("recommendation", &a.recommendation);
            }
            Content::Strategy(m) => {
                one!("shared", &m.shared);
                one!("decision", &m.decision);
            }
            Content::Enquiry(f) => {
                one!("findings", &f.findings);
                if let Some(t) = &f.child_said {
                    one!("child_said", t);
                }
                one!("outcome", &f.outcome);
            }
            Content::Conference(m) => {
                one!("decision", &m.decision);
                for (name, t) in [
                    ("dissent", &m.dissent),
                    ("child_views", &m.child_views),
                    ("parents_views", &m.parents_views),
                ] {
                    if let Some(t) = t {
                        one!(name, t);
                    }
                }
            }
            Content::Plan(_, p) => {
                one!("contingency", &p.contingency);
            }
            Content::Review(..) => {}
            Content::Visit(v) => {
                one!("purpose", &v.purpose);
                one!("seen", &v.seen);
                if let Some(n) = &v.not_seen_alone {
                    one!("not_seen_alone.why", &n.why);
                }
                if let Some(t) = &v.child_said {
                    one!("child_said", t);
                }
                one!("next_steps", &v.next_steps);
            }
            Content::Allocation(a) => {
                one!("happening", &a.happening);
            }
            Content::Summary(_, t) => one!("text", t),
            Content::ChildsWords(_, t) => one!("words", t),
        }
        let numbered = |list: &str, i: usize, field: &str| format!("{list}.{}.{field}", i + 1);
        match self {
            Content::Conference(m) => {
                for (i, r) in m.recommendations.iter().enumerate() {
                    out.push((format!("recommendations.{}", i + 1), r));
                }
            }
            Content::Plan(_, p) => {
                for (i, o) in p.outcomes.iter().enumerate() {
                    out.push((
                        numbered("outcomes", i, "what_must_change"),
                        &o.what_must_change,
                    ));
                    out.push((numbered("outcomes", i, "why"), &o.why));
                }
            }
            Content::Review(_, r) => {
                for (i, p) in r.progress.iter().enumerate() {
                    out.push((numbered("progress", i, "note"), &p.note));
                }
                for (i, e) in r.ended.iter().enumerate() {
                    out.push((numbered("ended", i, "reason"), &e.reason));
                }
            }
            Content::Allocation(a) => {
                for (i, o) in a.desired_outcomes.iter().enumerate() {
                    out.push((format!("desired_outcomes.{}", i + 1), o));
                }
            }
            _ => {}
        }
        let list = match self {
            Content::Strategy(_) | Content::Plan(..) | Content::Allocation(_) => "actions",
            Content::Review(..) => "added",
            _ => "",
        };
        for (i, a) in self.actions().iter().enumerate() {
            out.push((numbered(list, i, "what"), &a.what));
        }
        out
    }

    /// The entry with one of its texts replaced, or `None` if it has no text of that name.
    pub(super) fn amended(&self, field: &str, text: &Text) -> Option<Content> {
        let index = self.texts().iter().position(|(name, _)| name == field)?;
        let mut copy = self.clone();
        let slot = copy.texts_mut().into_iter().nth(index)?;
        *slot = text.clone();
        Some(copy)
    }

    /// The same texts as [`Content::texts`], in the same order, to be replaced.
    fn texts_mut(&mut self) -> Vec<&mut Text> {
        let mut out: Vec<&mut Text> = Vec::new();
        match self {
            Content::Assessment(a) => out.extend([
                &mut a.developmental_needs,
                &mut a.parenting_capacity,
                &mut a.family_and_environment,
                &mut a.analysis,
                &mut a.wishes_and_feelings,
                &mut a.parents_views,
                &mut a.working_well,
                &mut a.worries,
                &mut a.needs_to_happen,
                &mut a.recommendation,
            ]),
            Content::Strategy(m) => {
                out.extend([&mut m.shared, &mut m.decision]);
                out.extend(m.actions.iter_mut().map(|a| &mut a.what));
            }
            Content::Enquiry(f) => {
                out.push(&mut f.findings);
                out.extend(f.child_said.as_mut());
                out.push(&mut f.outcome);
            }
            Content::Conference(m) => {
                out.push(&mut m.decision);
                out.extend(m.dissent.as_mut());
                out.extend(m.child_views.as_mut());
                out.extend(m.parents_views.as_mut());
                out.extend(m.recommendations.iter_mut());
            }
            Content::Plan(_, p) => {
                out.push(&mut p.contingency);
                for o in &mut p.outcomes {
                    out.extend([&mut o.what_must_change, &mut o.why]);
                }
                out.extend(p.actions.iter_mut().map(|a| &mut a.what));
            }
            Content::Review(_, r) => {
                out.extend(r.progress.iter_mut().map(|p| &mut p.note));
                out.extend(r.ended.iter_mut().map(|e| &mut e.reason));
                out.extend(r.added.iter_mut().map(|a| &mut a.what));
            }
            Content::Visit(v) => {
                out.extend([&mut v.purpose, &mut v.seen]);
                out.extend(v.not_seen_alone.as_mut().map(|n| &mut n.why));
                out.extend(v.child_said.as_mut());
                out.push(&mut v.next_steps);
            }
            Content::Allocation(a) => {
                out.push(&mut a.happening);
                out.extend(a.desired_outcomes.iter_mut());
                out.extend(a.actions.iter_mut().map(|a| &mut a.what));
            }
            Content::Summary(_, t) | Content::ChildsWords(_, t) => out.push(t),
        }
        out
    }
}

/// A manager's decision on an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecord {
    /// When.
    pub mark: Mark,
    /// Who decided.
    pub manager: StaffId,
    /// Authorised or returned.
    pub decision: ManagerDecision,
    /// The rationale, or the comments on a return.
    pub rationale: Text,
}

/// Earlier wording of a text, replaced by an amendment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amendment {
    /// When it was amended.
    pub mark: Mark,
    /// Which text.
    pub field: Line,
    /// The wording before.
    pub before: Text,
    /// Why it was amended.
    pub reason: Text,
}

/// One content entry, as it now reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The content event, and when it happened.
    pub mark: Mark,
    /// Who recorded it.
    pub by: Actor,
    /// The entry it is about (a visit, a meeting, the assessment's completion).
    pub about: Option<u64>,
    /// What it says now.
    pub content: Content,
    /// Managers' decisions on it, oldest first.
    pub decisions: Vec<DecisionRecord>,
    /// Its amendments, oldest first, each with the wording it replaced.
    pub amendments: Vec<Amendment>,
}

impl Entry {
    /// Whether a manager has authorised it.
    pub fn authorised(&self) -> Option<&DecisionRecord> {
        self.decisions
            .iter()
            .find(|d| d.decision == ManagerDecision::Authorised)
    }
}

/// An action on the record's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRecord {
    /// When it was set, by the entry that set it.
    pub set: Mark,
    /// Who is to do it.
    pub who: Owner,
    /// By when.
    pub by: NaiveDate,
    /// The plan it belongs to, if any.
    pub plan: Option<PlanKind>,
    /// Progress recorded on it, oldest first.
    pub progress: Vec<(Mark, ActionStatus)>,
    /// When it was ended without being done, if it was.
    pub ended: Option<Mark>,
}

impl ActionRecord {
    /// When a meeting first found it done.
    pub fn done(&self) -> Option<Mark> {
        self.progress
            .iter()
            .find(|(_, s)| *s == ActionStatus::Done)
            .map(|(m, _)| *m)
    }

    /// Whether it is still open: neither done nor ended.
    pub fn is_open(&self) -> bool {
        self.done().is_none() && self.ended.is_none()
    }
}

/// A version of a plan: its words (an entry) and the actions open when it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanVersion {
    /// Which plan.
    pub plan: PlanKind,
    /// Its number, from 1 for each kind of plan.
    pub number: u32,
    /// When it was made, by which entry (a plan written, or a meeting that changed the actions).
    pub mark: Mark,
    /// The entry whose outcomes, contingency and contacts it has.
    pub words: u64,
    /// The actions open in it.
    pub actions: Vec<ActionNo>,
}

/// The content of practice in the record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Practice {
    /// Every content entry, by its version in the stream.
    pub entries: BTreeMap<u64, Entry>,
    /// Every action, by number.
    pub actions: BTreeMap<ActionNo, ActionRecord>,
    /// Every version of every plan, oldest first; earlier versions stay readable.
    pub plans: Vec<PlanVersion>,
}

impl Practice {
    /// The current version of a plan.
    pub fn current_plan(&self, plan: PlanKind) -> Option<&PlanVersion> {
        self.plans.iter().rev().find(|v| v.plan == plan)
    }

    /// The plan's words in a version.
    pub fn plan_content(&self, version: &PlanVersion) -> Option<&PlanContent> {
        match self.entries.get(&version.words).map(|e| &e.content) {
            Some(Content::Plan(_, p)) => Some(p),
            _ => None,
        }
    }

    /// What an action is, as its entry now reads.
    pub fn action(&self, number: ActionNo) -> Option<&Action> {
        let set = self.actions.get(&number)?.set.version;
        self.entries
            .get(&set)?
            .content
            .actions()
            .iter()
            .find(|a| a.number == number)
    }

    /// The open actions of a plan.
    pub fn open_actions(&self, plan: PlanKind) -> impl Iterator<Item = (&ActionNo, &ActionRecord)> {
        self.actions
            .iter()
            .filter(move |(_, a)| a.plan == Some(plan) && a.is_open())
    }

    /// The child's own words, oldest first.
    pub fn childs_words(&self) -> impl Iterator<Item = (&Entry, WordsGathered, &Text)> {
        self.entries.values().filter_map(|e| match &e.content {
            Content::ChildsWords(how, words) => Some((e, *how, words)),
            _ => None,
        })
    }

    /// The next free action number.
    pub fn next_action(&self) -> ActionNo {
        ActionNo(self.actions.keys().next_back().map_or(1, |n| n.0 + 1))
    }

    /// A new version of a plan, numbered after the last of its kind.
    fn push_version(&mut self, plan: PlanKind, mark: Mark, words: u64) {
        let number = self
            .current_plan(plan)
            .map_or(1, |v| v.number.saturating_add(1));
        let actions = self.open_actions(plan).map(|(n, _)| *n).collect();
        self.plans.push(PlanVersion {
            plan,
            number,
            mark,
            words,
            actions,
        });
    }
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, ev: &Recorded<ChildEvent>) {
    let practice = &mut record.practice;
    match &ev.event {
        ChildEvent::ManagerDecisionRecorded {
            entry,
            manager,
            decision,
            rationale,
        } => {
            if let Some(e) = practice.entries.get_mut(entry) {
                e.decisions.push(DecisionRecord {
                    mark,
                    manager: manager.clone(),
                    decision: *decision,
                    rationale: rationale.clone(),
                });
            }
        }
        ChildEvent::ContentAmended {
            entry,
            field,
            text,
            reason,
        } => {
            if let Some(e) = practice.entries.get_mut(entry)
                && let Some(before) = e
                    .content
                    .texts()
                    .into_iter()
                    .find(|(name, _)| name == field.as_str())
                    .map(|(_, t)| t.clone())
                && let Some(after) = e.content.amended(field.as_str(), text)
            {
                e.content = after;
                e.amendments.push(Amendment {
                    mark,
                    field: field.clone(),
                    before,
                    reason: reason.clone(),
                });
            }
        }
        event => {
            let Some((content, about)) = Content::of(event) else {
                return;
            };
            let plan = content.plan();
            for a in content.actions() {
                practice.actions.insert(
                    a.number,
                    ActionRecord {
                        set: mark,
                        who: a.who.clone(),
                        by: a.by,
                        plan,
                        progress: Vec::new(),
                        ended: None,
                    },
                );
            }
            let mut changes_plan = false;
            if let Content::Review(_, review) = &content {
                for p in &review.progress {
                    if let Some(a) = practice.actions.get_mut(&p.action) {
                        changes_plan |= p.status == ActionStatus::Done && a.done().is_none();
                        a.progress.push((mark, p.status));
                    }
                }
                for e in &review.ended {
                    if let Some(a) = practice.actions.get_mut(&e.action)
                        && a.ended.is_none()
                    {
                        a.ended = Some(mark);
                        changes_plan = true;
                    }
                }
                changes_plan |= !review.added.is_empty();
            }
            match (&content, plan) {
                (Content::Plan(..), Some(kind)) => practice.push_version(kind, mark, mark.version),
                // A meeting that changes the actions makes a new version with the same words.
                (Content::Review(..), Some(kind)) if changes_plan => {
                    if let Some(words) = practice.current_plan(kind).map(|v| v.words) {
                        practice.push_version(kind, mark, words);
                    }
                }
                _ => {}
            }
            practice.entries.insert(
                mark.version,
                Entry {
                    mark,
                    by: ev.recorded_by.clone(),
                    about,
                    content,
                    decisions: Vec::new(),
                    amendments: Vec::new(),
                },
            );
        }
    }
}

/// The kinds of event each kind of content may be about.
fn about_kinds(event: &ChildEvent) -> &'static [&'static str] {
    use ChildEvent::*;
    match event {
        AssessmentWritten { .. } => &["assessment_completed"],
        StrategyMinutesRecorded { .. } => &["strategy_discussion_held"],
        EnquiryFindingsRecorded { .. } => &["section47_completed"],
        ConferenceMinutesRecorded { .. } => &[
            "initial_conference_held",
            "review_conference_held",
            "cla_review_held",
        ],
        PlanWritten { .. } => &[
            "cp_plan_started",
            "initial_conference_held",
            "review_conference_held",
            "core_group_held",
            "cin_plan_started",
            "cin_meeting_held",
            "cla_review_held",
            "care_plan_recorded",
            "pathway_plan_recorded",
        ],
        ActionsReviewed { .. } => &[
            "core_group_held",
            "review_conference_held",
            "cin_meeting_held",
            "cla_review_held",
            "meeting_held",
        ],
        VisitWritten { .. } => &["visit_made"],
        ChildWordsRecorded { .. } => &["visit_made", "cla_review_held", "meeting_held"],
        _ => &[],
    }
}

/// Content kinds of which an event has at most one: the words of that event. A meeting may
/// go through a plan's actions more than once (the last meeting of a plan closes what is
/// still open when the plan ends).
fn one_per_event(event: &ChildEvent) -> bool {
    !matches!(
        event,
        ChildEvent::ChildWordsRecorded { .. }
            | ChildEvent::PlanWritten { .. }
            | ChildEvent::ActionsReviewed { .. }
    )
}

/// Checks an event against this area's rules, if it is one of this area's.
pub(super) fn check(record: &ChildRecord, ev: &Recorded<ChildEvent>, dir: &dyn Directory) -> Check {
    let date = ev.date();
    let practice = &record.practice;
    match &ev.event {
        ChildEvent::ManagerDecisionRecorded { entry, manager, .. } => {
            manager_in_post(dir, manager, date)?;
            let Some(e) = practice.entries.get(entry) else {
                return refuse(
                    Rule::ManagerDecision,
                    format!("there is no entry {entry} to decide on"),
                );
            };
            ensure(
                e.content.needs_authorisation(),
                Rule::ManagerDecision,
                || "only an assessment or a transfer or closing summary is authorised".to_owned(),
            )?;
            ensure(e.authorised().is_none(), Rule::ManagerDecision, || {
                "this entry is already authorised".to_owned()
            })
        }
        ChildEvent::ContentAmended {
            entry, field, text, ..
        } => {
            let Some(e) = practice.entries.get(entry) else {
                return refuse(
                    Rule::ContentAmendment,
                    format!("there is no entry {entry} to amend"),
                );
            };
            let texts = e.content.texts();
            let Some((_, before)) = texts.iter().find(|(n, _)| n == field.as_str()) else {
                let names: Vec<_> = texts.iter().map(|(n, _)| n.as_str()).collect();
                return refuse(
                    Rule::ContentAmendment,
                    format!(
                        "the entry has no text called '{field}': it has {}",
                        names.join(", ")
                    ),
                );
            };
            ensure(*before != text, Rule::ContentAmendment, || {
                "the amendment says what the entry already says".to_owned()
            })
        }
        event => {
            let Some((content, about)) = Content::of(event) else {
                return Ok(());
            };
            if let Some(about) = about {
                check_about(record, event, &content, about)?;
            }
            check_content(record, &content, about, date, dir)?;
            check_actions(record, &content, date, dir)
        }
    }
}

fn check_about(record: &ChildRecord, event: &ChildEvent, content: &Content, about: u64) -> Check {
    let kinds = about_kinds(event);
    let found = record
        .log
        .iter()
        .find(|l| l.mark.version == about)
        .map(|l| l.kind);
    match found {
        Some(k) if kinds.contains(&k) => {}
        Some(k) => {
            return refuse(
                Rule::ContentAbout,
                format!(
                    "entry {about} is a {}: this is written about a {}",
                    crate::words::kind(k),
                    kinds
                        .iter()
                        .map(|k| crate::words::kind(k))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            );
        }
        None => {
            return refuse(
                Rule::ContentAbout,
                format!("there is no earlier entry {about} for this to be about"),
            );
        }
    }
    let repeated = one_per_event(event)
        && record.practice.entries.values().any(|e| {
            e.about == Some(about)
                && std::mem::discriminant(&e.content) == std::mem::discriminant(content)
        });
    ensure(!repeated, Rule::ContentAbout, || {
        format!("entry {about} already has its record: amend it instead")
    })
}

/// The rules of each kind of content that need more than its types.
fn check_content(
    record: &ChildRecord,
    content: &Content,
    about: Option<u64>,
    date: NaiveDate,
    dir: &dyn Directory,
) -> Check {
    let incomplete = |what: &str| refuse(Rule::ContentIncomplete, what.to_owned());
    match content {
        Content::Strategy(m) if m.participants.len() < 2 => incomplete(
            "a strategy discussion has at least two people taking part: name each, with their agency and role",
        ),
        Content::Conference(m) => {
            crate::directory::staff_in_post(dir, &m.chair, date)?;
            if m.attended.is_empty() {
                return incomplete("name who attended the meeting");
            }
            Ok(())
        }
        Content::Plan(kind, p) => {
            if p.outcomes.is_empty() {
                return incomplete("a plan says at least one outcome: what must change, and why");
            }
            match kind {
                PlanKind::ChildProtection => {
                    ensure(record.open_cp_plan().is_some(), Rule::NoOpenCpPlan, || {
                        "a child protection plan is written while the child has one".to_owned()
                    })
                }
                PlanKind::ChildInNeed => ensure(
                    record.open_cin_plan().is_some(),
                    Rule::NoOpenCinPlan,
                    || "a child in need plan is written while the child has one".to_owned(),
                ),
                PlanKind::Care => ensure(record.is_looked_after(), Rule::NotLookedAfter, || {
                    "a care plan is written while the child is looked after".to_owned()
                }),
                PlanKind::Pathway | PlanKind::Safety => Ok(()),
            }
        }
        Content::Review(kind, review) => check_review(record, *kind, review),
        Content::Visit(v) => {
            let visit = record.visits.iter().find(|x| Some(x.mark.version) == about);
            let (seen, alone) = visit.map_or((true, None), |x| (x.child_seen, x.seen_alone));
            if let Some(n) = &v.not_seen_alone {
                ensure(alone == Some(false), Rule::SeenAlone, || {
                    "the visit's record says the child was seen alone, or not seen: there is nothing to agree".to_owned()
                })?;
                crate::directory::staff_in_post(dir, &n.agreed_by, date)?;
            } else {
                ensure(alone != Some(false), Rule::SeenAlone, || {
                    "the child was not seen alone: say why, and who agreed".to_owned()
                })?;
            }
            ensure(seen || v.child_said.is_none(), Rule::SeenAlone, || {
                "the child was not seen on this visit: record what they said elsewhere as their own words".to_owned()
            })
        }
        Content::Enquiry(f) => ensure(
            f.child_seen || f.child_said.is_none(),
            Rule::ContentIncomplete,
            || "what the child said needs the child to have been seen".to_owned(),
        ),
        Content::Allocation(a) if a.desired_outcomes.is_empty() => {
            incomplete("an allocation record says at least one outcome the work is for")
        }
        _ => Ok(()),
    }
}

/// A meeting reviewing a plan sees each of its open actions; it may also follow up actions
/// that belong to no plan, but not another plan's.
fn check_review(record: &ChildRecord, plan: PlanKind, review: &ActionReview) -> Check {
    let practice = &record.practice;
    let mut named = std::collections::BTreeSet::new();
    for n in review
        .progress
        .iter()
        .map(|p| p.action)
        .chain(review.ended.iter().map(|e| e.action))
    {
        ensure(named.insert(n), Rule::Action, || {
            format!("{n} is named twice")
        })?;
        match practice.actions.get(&n) {
            // An action of no plan (a strategy discussion's, an allocation record's) is
            // followed up at whatever meeting comes next.
            Some(a) if (a.plan == Some(plan) || a.plan.is_none()) && a.is_open() => {}
            Some(a) if a.plan == Some(plan) || a.plan.is_none() => {
                return refuse(Rule::Action, format!("{n} is already done or ended"));
            }
            _ => {
                return refuse(
                    Rule::Action,
                    format!(
                        "{n} is not an action of the {}",
                        plan.label().to_lowercase()
                    ),
                );
            }
        }
    }
    let missed: Vec<String> = practice
        .open_actions(plan)
        .filter(|(n, _)| !named.contains(*n))
        .map(|(n, _)| n.to_string())
        .collect();
    ensure(missed.is_empty(), Rule::Action, || {
        format!(
            "the meeting reviews every open action of the plan: say how {} is going",
            missed.join(", ")
        )
    })
}

/// New actions take new numbers, once each, and are due on or after the day they are set;
/// an owner on the staff is in post that day.
fn check_actions(
    record: &ChildRecord,
    content: &Content,
    date: NaiveDate,
    dir: &dyn Directory,
) -> Check {
    let mut seen = std::collections::BTreeSet::new();
    for a in content.actions() {
        if let Some(s) = a.who.staff() {
            crate::directory::staff_in_post(dir, s, date)?;
        }
        ensure(
            seen.insert(a.number) && !record.practice.actions.contains_key(&a.number),
            Rule::Action,
            || {
                format!(
                    "{} is already an action of this record: the next free number is {}",
                    a.number,
                    record.practice.next_action().0
                )
            },
        )?;
        ensure(a.by >= date, Rule::Action, || {
            format!(
                "{} is due on {}, before the day it is set ({date})",
                a.number, a.by
            )
        })?;
    }
    Ok(())
}
