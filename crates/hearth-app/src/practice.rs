//! The practice at the top of a child's record: the current plan's outcomes and open
//! actions, the child's latest words and the current worries, read from the folded record
//! for a reader who already holds a permit to see it. Pure: the date is a parameter, and
//! owners on the staff are named by the caller's lookup.

use chrono::NaiveDate;
use hearth_domain::ChildRecord;
use hearth_domain::child::{ActionNo, Content, Outcome, Owner};
use hearth_domain::codes::{ActionStatus, PlanKind, WordsGathered};
use hearth_domain::ids::StaffId;
use hearth_domain::values::Text;

/// What the record says the practice is now.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PracticeNow {
    /// The plan in force, if the record has one written.
    pub plan: Option<CurrentPlan>,
    /// The child's own words, most recent first gathered.
    pub words: Option<ChildsWords>,
    /// The worries of the latest assessment written.
    pub worries: Option<Worries>,
}

/// The current version of the plan in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentPlan {
    pub kind: PlanKind,
    /// Its version, from 1.
    pub version: u32,
    /// When this version was made.
    pub since: NaiveDate,
    pub outcomes: Vec<Outcome>,
    /// Its actions still open, soonest due first.
    pub actions: Vec<OpenAction>,
}

/// An action neither done nor ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAction {
    pub number: ActionNo,
    pub what: Text,
    /// Who is to do it, in words.
    pub owner: String,
    /// The member of staff it is on, when it is on one.
    pub staff: Option<StaffId>,
    pub due: NaiveDate,
    /// Due before the date asked about.
    pub overdue: bool,
    /// How the last meeting found it, if one has.
    pub last: Option<ActionStatus>,
}

/// The child's words, verbatim, with when and how they were gathered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildsWords {
    pub words: Text,
    pub date: NaiveDate,
    pub gathered: WordsGathered,
}

/// The worries an assessment named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worries {
    pub text: Text,
    /// When the assessment was written.
    pub date: NaiveDate,
}

/// Whether a plan of this kind is in force on the record.
fn in_force(record: &ChildRecord, kind: PlanKind) -> bool {
    match kind {
        PlanKind::ChildProtection => record.open_cp_plan().is_some(),
        PlanKind::ChildInNeed => record.open_cin_plan().is_some(),
        PlanKind::Care => record.is_looked_after(),
        PlanKind::Pathway | PlanKind::Safety => true,
    }
}

/// The practice on the record on `today`; `name` gives a member of staff's name.
pub fn practice_now(
    record: &ChildRecord,
    today: NaiveDate,
    name: impl Fn(&StaffId) -> String,
) -> PracticeNow {
    let practice = &record.practice;
    let plan = practice
        .plans
        .iter()
        .rev()
        .find(|v| in_force(record, v.plan))
        .and_then(|v| {
            let version = practice.current_plan(v.plan)?;
            let words = practice.plan_content(version)?;
            let mut actions: Vec<OpenAction> = practice
                .open_actions(v.plan)
                .filter_map(|(n, a)| {
                    let what = practice.action(*n)?.what.clone();
                    let owner = match &a.who {
                        Owner::Staff(s) => name(s),
                        Owner::Named {
                            name,
                            agency: Some(agency),
                        } => format!("{name} ({agency})"),
                        Owner::Named { name, agency: None } => name.to_string(),
                    };
                    Some(OpenAction {
                        number: *n,
                        what,
                        owner,
                        staff: a.who.staff().cloned(),
                        due: a.by,
                        overdue: a.by < today,
                        last: a.progress.last().map(|(_, s)| *s),
                    })
                })
                .collect();
            actions.sort_by_key(|a| (a.due, a.number));
            Some(CurrentPlan {
                kind: v.plan,
                version: version.number,
                since: version.mark.date(),
                outcomes: words.outcomes.clone(),
                actions,
            })
        });
    let words = practice
        .entries
        .values()
        .filter_map(|e| match &e.content {
            Content::ChildsWords(how, words) => Some((e.mark, *how, words)),
            Content::Visit(v) => v
                .child_said
                .as_ref()
                .map(|w| (e.mark, WordsGathered::Visit, w)),
            _ => None,
        })
        .max_by_key(|(mark, _, _)| (mark.at, mark.version))
        .map(|(mark, gathered, words)| ChildsWords {
            words: words.clone(),
            date: mark.date(),
            gathered,
        });
    let worries = practice
        .entries
        .values()
        .filter_map(|e| match &e.content {
            Content::Assessment(a) => Some((e.mark, &a.worries)),
            _ => None,
        })
        .max_by_key(|(mark, _)| (mark.at, mark.version))
        .map(|(mark, text)| Worries {
            text: text.clone(),
            date: mark.date(),
        });
    PracticeNow {
        plan,
        words,
        worries,
    }
}

/// Assessments and summaries a manager returned to the worker who wrote them, not yet
/// authorised: (the entry's version, when it was returned, the manager's comments).
pub fn returned_to(record: &ChildRecord, worker: &StaffId) -> Vec<(u64, NaiveDate, Text)> {
    record
        .practice
        .entries
        .iter()
        .filter(|(_, e)| e.by.staff() == Some(worker) && e.authorised().is_none())
        .filter_map(|(v, e)| {
            let last = e.decisions.last()?;
            (last.decision == hearth_domain::codes::ManagerDecision::Returned)
                .then(|| (*v, last.mark.date(), last.rationale.clone()))
        })
        .collect()
}

/// An entry a manager returned to the worker who wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Returned {
    pub child: hearth_domain::ChildId,
    /// What was returned ("assessment", "transfer summary").
    pub what: String,
    /// When it was returned.
    pub date: NaiveDate,
}

impl crate::App {
    /// What managers returned to `worker` on these children, for the worker's My work. The
    /// system's own read: the caller lists only children the worker may see, and says no
    /// more than what was returned and when (the comments are read on the record).
    pub async fn returned_to_worker(
        &self,
        worker: &StaffId,
        children: &[hearth_domain::ChildId],
    ) -> Result<Vec<Returned>, crate::AppError> {
        let mut out = Vec::new();
        for child in children {
            let Some(stream) = self.child_unlogged_as_it_stands(child).await? else {
                continue;
            };
            let record = stream.record();
            for (version, date, _) in returned_to(record, worker) {
                let what = match record.practice.entries.get(&version).map(|e| &e.content) {
                    Some(Content::Summary(kind, _)) => kind.label().to_lowercase(),
                    _ => "assessment".to_owned(),
                };
                out.push(Returned {
                    child: child.clone(),
                    what,
                    date,
                });
            }
        }
        Ok(out)
    }
}
