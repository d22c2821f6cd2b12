//! The record's names in words people use: an event kind such as `section47_completed` reads
//! "section 47 enquiry completed" wherever a page or a reason names it; and the content of
//! practice in words, for the history and the case file.

use chrono::NaiveDate;

use crate::child::{Action, ChildEvent, Owner, Participant};
use crate::ids::StaffId;
use crate::values::Text;

/// An event kind (or any snake-case name built from the record's words) in words, lower
/// case except for the abbreviations practitioners write in capitals.
pub fn kind(kind: &str) -> String {
    kind.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "section47" => "section 47 enquiry",
            "cin" => "CIN",
            "cp" => "child protection",
            "cla" => "looked-after",
            "pep" => "PEP",
            "sdq" => "SDQ",
            "upn" => "UPN",
            "nhs" => "NHS",
            "dols" => "deprivation of liberty",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The same, starting with a capital: a heading or the start of a sentence.
pub fn kind_capitalised(name: &str) -> String {
    let words = kind(name);
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// A content entry of the record in words (see `child::practice`): a heading and a line
/// for each thing it says, every text in full. `staff` names a member of staff. `None` for
/// an event that is not content.
pub fn practice(
    event: &ChildEvent,
    staff: &dyn Fn(&StaffId) -> String,
) -> Option<(&'static str, Vec<String>)> {
    use ChildEvent::*;
    let date = |d: NaiveDate| d.format("%-d %B %Y").to_string();
    let owner = |o: &Owner| match o {
        Owner::Staff(s) => staff(s),
        Owner::Named {
            name,
            agency: Some(a),
        } => format!("{name} ({a})"),
        Owner::Named { name, agency: None } => name.to_string(),
    };
    let actions = |list: &[Action]| -> Vec<String> {
        list.iter()
            .map(|a| {
                format!(
                    "Action {}: {} Who: {}. By {}.",
                    a.number.0,
                    a.what,
                    owner(&a.who),
                    date(a.by)
                )
            })
            .collect()
    };
    let people = |label: &str, list: &[Participant]| -> Option<String> {
        (!list.is_empty()).then(|| {
            let names: Vec<String> = list
                .iter()
                .map(|p| format!("{} ({}, {})", p.name, p.agency, p.role))
                .collect();
            format!("{label}: {}", names.join("; "))
        })
    };
    let labelled = |label: &str, t: &Text| format!("{label}: {t}");
    let optional = |label: &str, t: &Option<Text>| t.as_ref().map(|t| labelled(label, t));
    Some(match event {
        AssessmentWritten { content: a, .. } => (
            "Assessment",
            vec![
                labelled("The child's developmental needs", &a.developmental_needs),
                labelled("Parenting capacity", &a.parenting_capacity),
                labelled(
                    "Family and environmental factors",
                    &a.family_and_environment,
                ),
                labelled("Analysis", &a.analysis),
                labelled("The child's wishes and feelings", &a.wishes_and_feelings),
                labelled("Parents' and carers' views", &a.parents_views),
                labelled("What is working well", &a.working_well),
                labelled("Worries", &a.worries),
                labelled("What needs to happen", &a.needs_to_happen),
                labelled("Recommendation", &a.recommendation),
            ],
        ),
        StrategyMinutesRecorded { minutes: m, .. } => (
            "Strategy discussion record",
            people("Took part", &m.participants)
                .into_iter()
                .chain([
                    labelled("Shared", &m.shared),
                    labelled("Decision", &m.decision),
                ])
                .chain(actions(&m.actions))
                .collect(),
        ),
        EnquiryFindingsRecorded { findings: f, .. } => (
            "Section 47 enquiry findings",
            [
                Some(labelled("Found", &f.findings)),
                Some(
                    if f.child_seen {
                        "The child was seen"
                    } else {
                        "The child was not seen"
                    }
                    .to_owned(),
                ),
                optional("The child said", &f.child_said),
                Some(labelled("Outcome", &f.outcome)),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        ConferenceMinutesRecorded { minutes: m, .. } => (
            "Conference or review record",
            [
                Some(format!("Chaired by {}", staff(&m.chair))),
                people("Attended", &m.attended),
                people("Apologies", &m.apologies),
                (!m.reports.is_empty()).then(|| {
                    let r: Vec<&str> = m.reports.iter().map(|r| r.as_str()).collect();
                    format!("Reports: {}", r.join("; "))
                }),
                Some(labelled("Decision", &m.decision)),
                m.category.map(|c| format!("Category: {}", c.label())),
            ]
            .into_iter()
            .flatten()
            .chain(
                m.recommendations
                    .iter()
                    .map(|r| labelled("Recommendation", r)),
            )
            .chain(
                [
                    optional("Dissent", &m.dissent),
                    optional("The child's views", &m.child_views),
                    optional("The parents' views", &m.parents_views),
                ]
                .into_iter()
                .flatten(),
            )
            .collect(),
        ),
        PlanWritten { plan, content, .. } => (
            "Plan written",
            std::iter::once(plan.label().to_owned())
                .chain(content.outcomes.iter().enumerate().map(|(i, o)| {
                    format!("Outcome {}: {} Why: {}", i + 1, o.what_must_change, o.why)
                }))
                .chain(actions(&content.actions))
                .chain([labelled("Contingency", &content.contingency)])
                .chain(content.key_contacts.iter().map(|k| match &k.contact {
                    Some(c) => format!("Contact: {}, {}, {c}", k.name, k.role),
                    None => format!("Contact: {}, {}", k.name, k.role),
                }))
                .collect(),
        ),
        ActionsReviewed { plan, review, .. } => {
            (
                "Actions reviewed",
                std::iter::once(plan.label().to_owned())
                    .chain(review.progress.iter().map(|p| {
                        format!("Action {}: {}. {}", p.action.0, p.status.label(), p.note)
                    }))
                    .chain(actions(&review.added))
                    .chain(
                        review
                            .ended
                            .iter()
                            .map(|e| format!("Action {} ended: {}", e.action.0, e.reason)),
                    )
                    .collect(),
            )
        }
        VisitWritten { content: v, .. } => (
            "Visit record",
            [
                Some(labelled("Purpose", &v.purpose)),
                Some(labelled("Seen", &v.seen)),
                v.not_seen_alone.as_ref().map(|n| {
                    format!(
                        "Not seen alone: {} Agreed by {}.",
                        n.why,
                        staff(&n.agreed_by)
                    )
                }),
                optional("The child said", &v.child_said),
                Some(labelled("Next steps", &v.next_steps)),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        AllocationRecordWritten { content } => (
            "Allocation record",
            std::iter::once(labelled("What is happening", &content.happening))
                .chain(
                    content
                        .desired_outcomes
                        .iter()
                        .map(|o| labelled("Outcome wanted", o)),
                )
                .chain(actions(&content.actions))
                .collect(),
        ),
        SummaryWritten { kind, text } => (kind.label(), vec![text.to_string()]),
        ManagerDecisionRecorded {
            manager,
            decision,
            rationale,
            ..
        } => (
            "Manager's decision",
            vec![
                format!("{} by {}", decision.label(), staff(manager)),
                rationale.to_string(),
            ],
        ),
        ChildWordsRecorded {
            words, gathered, ..
        } => (
            "The child's own words",
            vec![words.to_string(), gathered.label().to_owned()],
        ),
        ContentAmended {
            entry,
            field,
            text,
            reason,
        } => (
            "Wording amended",
            vec![
                format!("Entry {entry}, {}: {text}", kind(field.as_str())),
                labelled("Reason", reason),
            ],
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Point 15 of issue 12: kinds read as people write them, not "section47 completed" or
    /// "Cin meeting held".
    #[test]
    fn kinds_read_as_people_write_them() {
        assert_eq!(
            kind_capitalised("section47_completed"),
            "Section 47 enquiry completed"
        );
        assert_eq!(kind_capitalised("cin_meeting_held"), "CIN meeting held");
        assert_eq!(kind("cp_plan_ended"), "child protection plan ended");
        assert_eq!(kind("cla_review_held"), "looked-after review held");
        assert_eq!(kind("visit_made"), "visit made");
        assert_eq!(kind_capitalised(""), "");
    }
}
