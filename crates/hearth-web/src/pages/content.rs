//! The content of practice on the recording forms: which of the record's entries a form's
//! words may be about, and the events that carry a visit's words and a manager's decision
//! beside the events that say something happened. The forms themselves are declared in
//! `forms.rs` like every other; the record's rules (`hearth_domain::child::practice`) decide
//! what is accepted.

use hearth_domain::ChildRecord;
use hearth_domain::child::ChildEvent;
use hearth_domain::child::{Content, NotSeenAlone, VisitContent};
use hearth_domain::codes::ManagerDecision;
use hearth_domain::values::Text;

use super::forms::Choice;
use super::record::Reader;

/// Completed assessments that have no words yet, newest first.
pub fn unwritten_assessments(record: &ChildRecord) -> Vec<Choice> {
    let written: Vec<u64> = record
        .practice
        .entries
        .values()
        .filter(|e| matches!(e.content, Content::Assessment(_)))
        .filter_map(|e| e.about)
        .collect();
    record
        .log
        .iter()
        .rev()
        .filter(|l| l.kind == "assessment_completed" && !written.contains(&l.mark.version))
        .map(|l| Choice {
            value: l.mark.version.to_string(),
            label: format!(
                "The assessment completed on {}",
                l.mark.date().format("%-d %B %Y")
            ),
        })
        .collect()
}

/// Entries waiting for a manager's decision: written, and not yet authorised.
pub fn awaiting_decision(record: &ChildRecord) -> Vec<Choice> {
    record
        .practice
        .entries
        .iter()
        .rev()
        .filter(|(_, e)| e.content.needs_authorisation() && e.authorised().is_none())
        .map(|(version, e)| {
            let what = match &e.content {
                Content::Assessment(_) => "The assessment".to_owned(),
                Content::Summary(kind, _) => format!("The {}", kind.label().to_lowercase()),
                _ => "The entry".to_owned(),
            };
            let returned = if e.decisions.is_empty() {
                String::new()
            } else {
                format!(", returned {} times", e.decisions.len())
            };
            Choice {
                value: version.to_string(),
                label: format!(
                    "{what} written on {}{returned}",
                    e.mark.date().format("%-d %B %Y")
                ),
            }
        })
        .collect()
}

/// Whether the record has an assessment completed without its words.
pub fn assessment_to_write(record: &ChildRecord) -> bool {
    !unwritten_assessments(record).is_empty()
}

/// Whether an entry waits for a manager's decision.
pub fn decision_awaited(record: &ChildRecord) -> bool {
    !awaiting_decision(record).is_empty()
}

/// What a visit says, recorded with the visit (`about` is the visit's version). The reason
/// a child was not seen alone is asked once, for the visit, and carried into its words with
/// who agreed it.
pub fn visit_written(r: &mut Reader<'_>, about: u64) -> Option<ChildEvent> {
    let purpose = r.text("purpose");
    let seen = r.text("what_seen");
    let agreed_by = r.staff("agreed_by");
    let child_said = r.text("child_said");
    let next_steps = r.text("next_steps");
    let not_seen_alone = match agreed_by {
        Some(agreed_by) => Some(NotSeenAlone {
            // The visit's own reading reports a missing or unreadable reason.
            why: Text::parse(r.peek("not_seen_alone_reason")).ok()?,
            agreed_by,
        }),
        None => None,
    };
    Some(ChildEvent::VisitWritten {
        about,
        content: VisitContent {
            purpose: purpose?,
            seen: seen?,
            not_seen_alone,
            child_said,
            next_steps: next_steps?,
        },
    })
}

/// An authorisation of an assessment's words authorises the assessment too, when it is the
/// one waiting in the open episode, so the returns see it authorised; a return changes
/// nothing but the entry.
pub fn assessment_authorised(r: &mut Reader<'_>, _: u64) -> Option<ChildEvent> {
    let decision: ManagerDecision = r.peek("decision").parse().ok()?;
    let entry: u64 = r.peek("entry").parse().ok()?;
    if decision != ManagerDecision::Authorised {
        return None;
    }
    let about = r.record().practice.entries.get(&entry)?.about?;
    let waiting = r
        .record()
        .open_episode()?
        .assessments
        .last()
        .filter(|a| a.authorisation.is_none())?
        .completion
        .as_ref()
        .is_some_and(|(done, _, _)| done.version == about);
    waiting.then(|| ChildEvent::AssessmentAuthorised {
        manager: r.me().clone(),
    })
}
