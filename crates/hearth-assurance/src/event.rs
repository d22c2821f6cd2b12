//! Everything that can happen in an audit's stream (`audit/ID`). The events travel in the
//! record's envelope (`Recorded`: when it happened, when it was recorded, who recorded it)
//! and serialise like a child's events, tagged by `type`, with unknown fields refused, so
//! the store and the interchange format can carry them as they carry any stream's.

use chrono::NaiveDate;
use hearth_domain::codes::Agency;
use hearth_domain::values::{Line, Text};
use hearth_domain::{ChildId, StaffId};
use serde::{Deserialize, Serialize};

use crate::codes::{
    ConcernRecipient, ExemptionReason, FeedbackMethod, FeedbackNotTaken, FindingKind, Respondent,
};
use crate::ids::{ActionNo, Grade, Month, Seed};
use crate::selection::{Excluded, Group, Subject};
use crate::vocabulary::Method;

/// An event in a child's record cited as evidence: the child and the event's version in
/// their stream.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRef {
    /// The child.
    pub child: ChildId,
    /// The event's version in the child's stream.
    pub version: u64,
}

/// The answer to one question of a section: a grade, or not applicable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The question's id.
    pub question: String,
    /// Its grade; none when the question does not apply to this case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
}

/// A section's grade, as a second auditor or a moderator gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionGrade {
    /// The section's id.
    pub section: String,
    /// The grade.
    pub grade: Grade,
}

/// The worker's answer to one prompt of the reflection sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reflection {
    /// The prompt's id.
    pub prompt: String,
    /// What the worker wrote.
    pub text: Text,
}

/// The family's answer to one question of the questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyAnswer {
    /// The question's id.
    pub question: String,
    /// The answer chosen, for a question with answers offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
    /// What they said, in their words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Text>,
}

/// Who is to carry out an improvement action.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ActionOwner {
    /// A member of staff.
    Staff {
        /// Who.
        staff: StaffId,
    },
    /// A partner agency (in a multi-agency audit), through a named contact.
    Agency {
        /// The agency.
        agency: Agency,
        /// The contact there.
        contact: Line,
    },
}

/// Someone at a practice review improvement meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Attendee {
    /// A member of staff.
    Staff {
        /// Who.
        staff: StaffId,
    },
    /// Someone from a partner agency.
    Agency {
        /// The agency.
        agency: Agency,
        /// Their name.
        name: Line,
    },
}

hearth_domain::events! {
    /// An event in an audit's stream.
    pub enum AuditEvent {
        /// The case (or practitioner) was selected: by a seeded draw from the group's eligible
        /// list, or as due under a programme. Always the first event.
        AuditSelected = "audit_selected" {
            template: String,
            subject: Subject,
            group: Group,
            month: Month,
            on: NaiveDate,
            scope_from: NaiveDate,
            method: Method,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            seed: Option<Seed>,
            eligible_hash: String,
            eligible_count: u32,
            excluded: Vec<Excluded>,
        },
        /// An auditor was assigned, with the deadline on the working-day calendar. A new
        /// assignment replaces the last, until grading starts.
        AuditorAssigned = "auditor_assigned" { auditor: StaffId, deadline: NaiveDate },
        /// The head of service exempted the audit from its deadline because of leave.
        ExemptionGranted = "exemption_granted" {
            by: StaffId,
            reason: ExemptionReason,
            note: Text,
            deadline: NaiveDate,
        },
        /// A partner agency's auditor joined a multi-agency audit.
        PartnerAuditorAdded = "partner_auditor_added" { agency: Agency, name: Line, organisation: Line },
        /// The auditor graded a section, with the questions' answers, the evidence relied on
        /// and the reasons. Grading a section again replaces the grade.
        SectionGraded = "section_graded" {
            section: String,
            grade: Grade,
            answers: Vec<Answer>,
            evidence: Vec<EvidenceRef>,
            reasons: Text,
        },
        /// The auditor's overall grade.
        OverallGraded = "overall_graded" { grade: Grade, reasons: Text },
        /// A strength or an area for development, tagged with the template's themes.
        FindingRecorded = "finding_recorded" { kind: FindingKind, text: Text, themes: Vec<String> },
        /// The worker's reflection sheet.
        ReflectionRecorded = "reflection_recorded" { worker: StaffId, answers: Vec<Reflection> },
        /// The auditor discussed the reflection with the worker.
        ReflectionDiscussed = "reflection_discussed" { worker: StaffId, note: Text },
        /// The family's answers to the questionnaire, taken by the auditor.
        FamilyFeedbackRecorded = "family_feedback_recorded" {
            respondent: Respondent,
            method: FeedbackMethod,
            answers: Vec<FamilyAnswer>,
        },
        /// The family's feedback could not be taken, and why.
        FamilyFeedbackNotTaken = "family_feedback_not_taken" { reason: FeedbackNotTaken, note: Text },
        /// The auditor found an immediate concern for the child's safety (its clock, in hours,
        /// starts when it happened).
        SafetyConcernRaised = "safety_concern_raised" { concern: u16, summary: Text },
        /// Someone was told of the concern (the event happens when they were told).
        SafetyConcernNotified = "safety_concern_notified" {
            concern: u16,
            recipient: ConcernRecipient,
            staff: StaffId,
            how: Line,
        },
        /// An improvement action: what, who, by when.
        ActionAgreed = "action_agreed" { action: ActionNo, what: Text, owner: ActionOwner, due: NaiveDate },
        /// Progress on an action, with evidence on the child's record.
        ActionProgressed = "action_progressed" { action: ActionNo, note: Text, evidence: Vec<EvidenceRef> },
        /// An action was done, with the evidence.
        ActionCompleted = "action_completed" { action: ActionNo, note: Text, evidence: Vec<EvidenceRef> },
        /// The auditor's part is done.
        AuditCompleted = "audit_completed" {},
        /// The audit and its improvement plan went to the child's reviewing officer.
        CopiedToReviewingOfficer = "copied_to_reviewing_officer" { officer: StaffId },
        /// A practice review improvement meeting: who came, what was agreed.
        PrimHeld = "prim_held" { attendees: Vec<Attendee>, agreed: Text },
        /// A second auditor was asked to grade the audit again, without seeing its grades.
        RegradeAssigned = "regrade_assigned" { auditor: StaffId, deadline: NaiveDate },
        /// The second auditor's blind grades.
        RegradeRecorded = "regrade_recorded" { sections: Vec<SectionGrade>, overall: Grade, reasons: Text },
        /// Where the two auditors differed, a moderator decided the grades, with a reason.
        ModerationDecided = "moderation_decided" { sections: Vec<SectionGrade>, overall: Grade, reason: Text },
        /// The audit was withdrawn before it was done (the child moved away, the case
        /// closed), with the reason. The selection stands in the record.
        AuditWithdrawn = "audit_withdrawn" { reason: Text },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{ExclusionReason, Scale};
    use hearth_domain::EventKind;
    use hearth_domain::codes::ServiceArea;
    use hearth_domain::event::Recorded;
    use hearth_domain::{Actor, TeamId, Timestamp};
    use proptest::prelude::*;

    fn grade() -> impl Strategy<Value = Grade> {
        (any::<bool>(), 0usize..4).prop_map(|(old, i)| {
            let scale = if old {
                Scale::Ofsted2009
            } else {
                Scale::OfstedIlacs
            };
            Grade::new(scale, scale.points()[i]).unwrap()
        })
    }

    fn text() -> impl Strategy<Value = Text> {
        "[A-Za-z][A-Za-z ,.]{0,40}".prop_map(|s| Text::parse(&s).unwrap())
    }

    fn line() -> impl Strategy<Value = Line> {
        "[A-Za-z][A-Za-z ]{0,20}".prop_map(|s| Line::parse(&s).unwrap())
    }

    fn staff() -> impl Strategy<Value = StaffId> {
        "[A-Z][A-Z0-9]{0,6}".prop_map(|s| StaffId::parse(&s).unwrap())
    }

    fn child() -> impl Strategy<Value = ChildId> {
        "C[0-9]{1,8}".prop_map(|s| ChildId::parse(&s).unwrap())
    }

    fn date() -> impl Strategy<Value = NaiveDate> {
        (0u64..4000).prop_map(|d| {
            NaiveDate::from_ymd_opt(2015, 1, 1)
                .unwrap()
                .checked_add_days(chrono::Days::new(d))
                .unwrap()
        })
    }

    fn id() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9-]{0,15}[a-z0-9]"
    }

    fn subject() -> impl Strategy<Value = Subject> {
        prop_oneof![
            child().prop_map(|child| Subject::Child { child }),
            staff().prop_map(|staff| Subject::Practitioner { staff }),
        ]
    }

    fn group() -> impl Strategy<Value = Group> {
        prop_oneof![
            "[A-Z][A-Z0-9]{0,5}".prop_map(|t| Group::Team {
                team: TeamId::parse(&t).unwrap()
            }),
            (0usize..ServiceArea::ALL.len()).prop_map(|i| Group::Service {
                service: ServiceArea::ALL[i]
            }),
            Just(Group::Council),
        ]
    }

    fn event() -> impl Strategy<Value = AuditEvent> {
        prop_oneof![
            (
                id(),
                subject(),
                group(),
                date(),
                proptest::option::of(any::<u64>()),
                "[0-9a-f]{64}",
                any::<u32>(),
                proptest::collection::vec((subject(), 0usize..4), 0..4),
            )
                .prop_map(
                    |(template, subject, group, on, seed, hash, count, excluded)| {
                        AuditEvent::AuditSelected {
                            template,
                            subject,
                            group,
                            month: Month::of(on),
                            on,
                            scope_from: on,
                            method: if seed.is_some() {
                                Method::Draw
                            } else {
                                Method::Programme
                            },
                            seed: seed.map(Seed),
                            eligible_hash: hash,
                            eligible_count: count,
                            excluded: excluded
                                .into_iter()
                                .map(|(subject, r)| Excluded {
                                    subject,
                                    reason: ExclusionReason::ALL[r],
                                })
                                .collect(),
                        }
                    }
                ),
            (
                id(),
                grade(),
                proptest::collection::vec((id(), proptest::option::of(grade())), 0..5),
                proptest::collection::vec((child(), 1u64..500), 0..4),
                text(),
            )
                .prop_map(|(section, grade, answers, evidence, reasons)| {
                    AuditEvent::SectionGraded {
                        section,
                        grade,
                        answers: answers
                            .into_iter()
                            .map(|(question, grade)| Answer { question, grade })
                            .collect(),
                        evidence: evidence
                            .into_iter()
                            .map(|(child, version)| EvidenceRef { child, version })
                            .collect(),
                        reasons,
                    }
                }),
            (
                1u16..50,
                text(),
                prop_oneof![
                    staff().prop_map(|staff| ActionOwner::Staff { staff }),
                    (0usize..Agency::ALL.len(), line()).prop_map(|(a, contact)| {
                        ActionOwner::Agency {
                            agency: Agency::ALL[a],
                            contact,
                        }
                    }),
                ],
                date(),
            )
                .prop_map(|(n, what, owner, due)| AuditEvent::ActionAgreed {
                    action: ActionNo(n),
                    what,
                    owner,
                    due,
                }),
            (1u16..9, any::<bool>(), staff(), line()).prop_map(|(concern, tm, staff, how)| {
                AuditEvent::SafetyConcernNotified {
                    concern,
                    recipient: if tm {
                        ConcernRecipient::TeamManager
                    } else {
                        ConcernRecipient::Director
                    },
                    staff,
                    how,
                }
            }),
            (
                proptest::collection::vec(
                    (
                        id(),
                        proptest::option::of(id()),
                        proptest::option::of(text())
                    ),
                    1..5
                ),
                0usize..4,
            )
                .prop_map(|(answers, r)| AuditEvent::FamilyFeedbackRecorded {
                    respondent: Respondent::ALL[r],
                    method: FeedbackMethod::Telephone,
                    answers: answers
                        .into_iter()
                        .map(|(question, option, text)| FamilyAnswer {
                            question,
                            option,
                            text,
                        })
                        .collect(),
                }),
            (
                proptest::collection::vec((id(), grade()), 0..5),
                grade(),
                text()
            )
                .prop_map(|(sections, overall, reason)| {
                    AuditEvent::ModerationDecided {
                        sections: sections
                            .into_iter()
                            .map(|(section, grade)| SectionGrade { section, grade })
                            .collect(),
                        overall,
                        reason,
                    }
                }),
            Just(AuditEvent::AuditCompleted {}),
        ]
    }

    proptest! {
        #[test]
        fn events_round_trip_through_json(e in event(), micros in 0i64..2_000_000_000_000_000) {
            let at = Timestamp::from_micros(micros).unwrap();
            let r = Recorded {
                occurred_at: at,
                recorded_at: at,
                recorded_by: Actor::system("test").unwrap(),
                event: e,
            };
            let json = serde_json::to_string(&r).unwrap();
            let back: Recorded<AuditEvent> = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, &r);
            let value: serde_json::Value = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(value["event"]["type"].as_str(), Some(r.event.kind()));
        }
    }

    #[test]
    fn a_bad_field_is_named() {
        let bad = serde_json::json!({
            "type": "section_graded",
            "section": "recording",
            "grade": {"scale": "OFSTED_ILACS", "point": "ADEQUATE"},
            "answers": [],
            "evidence": [],
            "reasons": "Because."
        });
        assert!(serde_json::from_value::<AuditEvent>(bad.clone()).is_err());
        let why = AuditEvent::diagnose(bad);
        assert!(why.starts_with("grade"), "{why}");
        assert!(why.contains("not a point on the scale"), "{why}");
        let unknown = serde_json::json!({"type": "audit_completed", "by": "me"});
        assert!(AuditEvent::diagnose(unknown).contains("unknown field `by`"));
        let kind = serde_json::json!({"type": "audit_finished"});
        assert!(AuditEvent::diagnose(kind).starts_with("type:"));
    }
}
