//! An audit folded from its stream. Folding never fails: stored history is applied as it
//! is, and the rules are checked only when a command is made (`check`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use hearth_domain::codes::Agency;
use hearth_domain::event::{Actor, Recorded};
use hearth_domain::{ChildId, StaffId, Timestamp};

use crate::codes::{
    ConcernRecipient, ExemptionReason, FeedbackMethod, FeedbackNotTaken, FindingKind, Respondent,
};
use crate::event::{
    ActionOwner, Answer, Attendee, AuditEvent, EvidenceRef, FamilyAnswer, Reflection, SectionGrade,
};
use crate::ids::{ActionNo, AuditId, Grade, Month, Seed};
use crate::selection::{Excluded, Group, Subject};
use crate::vocabulary::Method;

/// How the audit's subject was selected.
#[derive(Debug, Clone, PartialEq)]
pub struct Selected {
    /// The template's id.
    pub template: String,
    /// Who or what is audited.
    pub subject: Subject,
    /// The group the draw was made for.
    pub group: Group,
    /// The month.
    pub month: Month,
    /// The date of the selection.
    pub on: NaiveDate,
    /// The first day of the scope.
    pub scope_from: NaiveDate,
    /// A draw, or a programme.
    pub method: Method,
    /// The draw's seed.
    pub seed: Option<Seed>,
    /// The hash of the group's eligible list.
    pub eligible_hash: String,
    /// How many were eligible.
    pub eligible_count: u32,
    /// Who was left out, and why.
    pub excluded: Vec<Excluded>,
    /// When, and by whom.
    pub at: Timestamp,
    /// Who recorded it.
    pub by: Actor,
}

/// An assignment to an auditor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assigned {
    /// The auditor.
    pub auditor: StaffId,
    /// The deadline.
    pub deadline: NaiveDate,
    /// When.
    pub at: Timestamp,
}

/// An exemption from the deadline.
#[derive(Debug, Clone, PartialEq)]
pub struct Exemption {
    /// The head of service.
    pub by: StaffId,
    /// Why.
    pub reason: ExemptionReason,
    /// In their words.
    pub note: String,
    /// The new deadline.
    pub deadline: NaiveDate,
    /// When.
    pub at: Timestamp,
}

/// A partner agency's auditor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner {
    /// The agency.
    pub agency: Agency,
    /// Their name.
    pub name: String,
    /// Their organisation.
    pub organisation: String,
}

/// A section as the auditor graded it.
#[derive(Debug, Clone, PartialEq)]
pub struct Graded {
    /// The grade.
    pub grade: Grade,
    /// The questions' answers.
    pub answers: Vec<Answer>,
    /// The evidence.
    pub evidence: Vec<EvidenceRef>,
    /// The reasons.
    pub reasons: String,
    /// When.
    pub at: Timestamp,
}

/// A strength or an area for development.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Which.
    pub kind: FindingKind,
    /// What.
    pub text: String,
    /// Its themes.
    pub themes: Vec<String>,
    /// When.
    pub at: Timestamp,
}

/// The worker's reflection sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct ReflectionSheet {
    /// The worker.
    pub worker: StaffId,
    /// Their answers.
    pub answers: Vec<Reflection>,
    /// When.
    pub at: Timestamp,
}

/// The family's feedback.
#[derive(Debug, Clone, PartialEq)]
pub enum Feedback {
    /// Their answers.
    Taken {
        /// Who answered.
        respondent: Respondent,
        /// How.
        method: FeedbackMethod,
        /// The answers.
        answers: Vec<FamilyAnswer>,
        /// When.
        at: Timestamp,
    },
    /// Why there are none.
    NotTaken {
        /// Why.
        reason: FeedbackNotTaken,
        /// In the auditor's words.
        note: String,
        /// When.
        at: Timestamp,
    },
}

/// Someone told of a safety concern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// In which capacity.
    pub recipient: ConcernRecipient,
    /// Who.
    pub staff: StaffId,
    /// How they were told.
    pub how: String,
    /// When.
    pub at: Timestamp,
}

/// An immediate concern for the child's safety.
#[derive(Debug, Clone, PartialEq)]
pub struct Concern {
    /// Its number in the audit.
    pub no: u16,
    /// What it is.
    pub summary: String,
    /// When it was found (the clock starts).
    pub raised: Timestamp,
    /// Who found it.
    pub raised_by: Actor,
    /// Who told whom.
    pub notices: Vec<Notice>,
}

impl Concern {
    /// The first notice to a recipient.
    pub fn notice(&self, recipient: ConcernRecipient) -> Option<&Notice> {
        self.notices.iter().find(|n| n.recipient == recipient)
    }
}

/// Progress on an action, or its completion.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// What was done.
    pub note: String,
    /// The evidence.
    pub evidence: Vec<EvidenceRef>,
    /// When.
    pub at: Timestamp,
    /// Who recorded it.
    pub by: Actor,
}

/// An improvement action.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// Its number.
    pub no: ActionNo,
    /// What.
    pub what: String,
    /// Who.
    pub owner: ActionOwner,
    /// By when.
    pub due: NaiveDate,
    /// When it was agreed.
    pub agreed: Timestamp,
    /// Progress recorded.
    pub progress: Vec<Progress>,
    /// Completion.
    pub completed: Option<Progress>,
}

/// A practice review improvement meeting.
#[derive(Debug, Clone, PartialEq)]
pub struct Prim {
    /// Who came.
    pub attendees: Vec<Attendee>,
    /// What was agreed.
    pub agreed: String,
    /// When.
    pub at: Timestamp,
}

/// Grades given by a second auditor or a moderator.
#[derive(Debug, Clone, PartialEq)]
pub struct Grades {
    /// By section.
    pub sections: BTreeMap<String, Grade>,
    /// Overall.
    pub overall: Grade,
    /// The reasons.
    pub reasons: String,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub by: Actor,
}

/// A blind regrade.
#[derive(Debug, Clone, PartialEq)]
pub struct Regrade {
    /// The second auditor.
    pub auditor: StaffId,
    /// Their deadline.
    pub deadline: NaiveDate,
    /// When they were asked.
    pub assigned: Timestamp,
    /// Their grades, once given.
    pub grades: Option<Grades>,
}

/// An audit, folded.
#[derive(Debug, Clone, PartialEq)]
pub struct Audit {
    /// The audit.
    pub id: AuditId,
    /// The stream's version (events folded).
    pub version: u64,
    /// How it was selected.
    pub selected: Option<Selected>,
    /// Assignments, oldest first; the last is current.
    pub assignments: Vec<Assigned>,
    /// Exemptions from the deadline.
    pub exemptions: Vec<Exemption>,
    /// Partner agencies' auditors.
    pub partners: Vec<Partner>,
    /// Sections graded, by id.
    pub sections: BTreeMap<String, Graded>,
    /// The overall grade and its reasons.
    pub overall: Option<(Grade, String, Timestamp)>,
    /// Strengths and areas for development.
    pub findings: Vec<Finding>,
    /// The worker's reflection.
    pub reflection: Option<ReflectionSheet>,
    /// The discussion of it.
    pub discussion: Option<(StaffId, String, Timestamp)>,
    /// The family's feedback.
    pub feedback: Option<Feedback>,
    /// Safety concerns.
    pub concerns: Vec<Concern>,
    /// Improvement actions.
    pub actions: Vec<Action>,
    /// Copies to reviewing officers.
    pub copies: Vec<(StaffId, Timestamp)>,
    /// Practice review improvement meetings.
    pub prims: Vec<Prim>,
    /// The blind regrade.
    pub regrade: Option<Regrade>,
    /// The moderator's decision.
    pub moderation: Option<Grades>,
    /// When the auditor's part was done.
    pub completed: Option<Timestamp>,
    /// Withdrawn, why and when.
    pub withdrawn: Option<(String, Timestamp)>,
}

/// A member of staff's sight of a child's record for an audit: from when, and until when
/// (none while it lasts). It ends with their part of the audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sight {
    /// Who.
    pub staff: StaffId,
    /// Which child.
    pub child: ChildId,
    /// From.
    pub from: Timestamp,
    /// Until.
    pub until: Option<Timestamp>,
}

impl Sight {
    /// Whether it holds at an instant.
    pub fn holds_at(&self, t: Timestamp) -> bool {
        self.from <= t && self.until.is_none_or(|u| t < u)
    }
}

impl Audit {
    /// An audit with nothing yet recorded.
    pub fn new(id: AuditId) -> Audit {
        Audit {
            id,
            version: 0,
            selected: None,
            assignments: Vec::new(),
            exemptions: Vec::new(),
            partners: Vec::new(),
            sections: BTreeMap::new(),
            overall: None,
            findings: Vec::new(),
            reflection: None,
            discussion: None,
            feedback: None,
            concerns: Vec::new(),
            actions: Vec::new(),
            copies: Vec::new(),
            prims: Vec::new(),
            regrade: None,
            moderation: None,
            completed: None,
            withdrawn: None,
        }
    }

    /// Folds a stream.
    pub fn fold(id: AuditId, events: &[Recorded<AuditEvent>]) -> Audit {
        let mut audit = Audit::new(id);
        for e in events {
            audit.apply(e);
        }
        audit
    }

    /// The template's id.
    pub fn template(&self) -> Option<&str> {
        self.selected.as_ref().map(|s| s.template.as_str())
    }

    /// Who or what is audited.
    pub fn subject(&self) -> Option<&Subject> {
        self.selected.as_ref().map(|s| &s.subject)
    }

    /// The child, for an audit of a child's case.
    pub fn child(&self) -> Option<&ChildId> {
        self.subject().and_then(Subject::child)
    }

    /// The current assignment.
    pub fn assignment(&self) -> Option<&Assigned> {
        self.assignments.last()
    }

    /// The current auditor.
    pub fn auditor(&self) -> Option<&StaffId> {
        self.assignment().map(|a| &a.auditor)
    }

    /// The deadline in force: the latest exemption's, or the assignment's.
    pub fn deadline(&self) -> Option<NaiveDate> {
        self.deadline_as_at(None)
    }

    /// The deadline in force as at an instant (everything, when none is given): the
    /// assignment then current, moved by any exemption granted after it by then.
    pub fn deadline_as_at(&self, t: Option<Timestamp>) -> Option<NaiveDate> {
        let known = |at: Timestamp| t.is_none_or(|t| at <= t);
        let assigned = self.assignments.iter().rev().find(|a| known(a.at))?;
        Some(
            self.exemptions
                .iter()
                .filter(|e| e.at >= assigned.at && known(e.at))
                .map(|e| e.deadline)
                .next_back()
                .unwrap_or(assigned.deadline),
        )
    }

    /// Whether grading has started.
    pub fn grading_started(&self) -> bool {
        !self.sections.is_empty() || self.overall.is_some()
    }

    /// The overall grade that stands: the moderator's, where there is one.
    pub fn final_overall(&self) -> Option<Grade> {
        self.final_overall_as_at(None)
    }

    /// The overall grade that stood at an instant (everything, when none is given).
    pub fn final_overall_as_at(&self, t: Option<Timestamp>) -> Option<Grade> {
        let known = |at: Timestamp| t.is_none_or(|t| at <= t);
        self.moderation
            .as_ref()
            .filter(|m| known(m.at))
            .map(|m| m.overall)
            .or(self
                .overall
                .as_ref()
                .filter(|(_, _, at)| known(*at))
                .map(|(g, ..)| *g))
    }

    /// A section's grade that stands: the moderator's, where there is one.
    pub fn final_section(&self, section: &str) -> Option<Grade> {
        self.moderation
            .as_ref()
            .and_then(|m| m.sections.get(section).copied())
            .or(self.sections.get(section).map(|g| g.grade))
    }

    /// An action by number.
    pub fn action(&self, no: ActionNo) -> Option<&Action> {
        self.actions.iter().find(|a| a.no == no)
    }

    /// A concern by number.
    pub fn concern(&self, no: u16) -> Option<&Concern> {
        self.concerns.iter().find(|c| c.no == no)
    }

    /// Who has sight of the child's record for this audit, and when it ends: each auditor
    /// from their assignment until the next assignment, completion or withdrawal; the
    /// second auditor until their regrade. Partner agencies' auditors are not staff, and
    /// the moderator sees audits in their own right.
    pub fn sight(&self) -> Vec<Sight> {
        let Some(child) = self.child() else {
            return Vec::new();
        };
        let end = match (self.completed, &self.withdrawn) {
            (Some(c), Some((_, w))) => Some(c.min(*w)),
            (Some(c), None) => Some(c),
            (None, Some((_, w))) => Some(*w),
            (None, None) => None,
        };
        let mut out = Vec::new();
        for (i, a) in self.assignments.iter().enumerate() {
            let next = self.assignments.get(i + 1).map(|n| n.at);
            let until = match (next, end) {
                (Some(n), Some(e)) => Some(n.min(e)),
                (n, e) => n.or(e),
            };
            out.push(Sight {
                staff: a.auditor.clone(),
                child: child.clone(),
                from: a.at,
                until,
            });
        }
        if let Some(r) = &self.regrade {
            let until = r
                .grades
                .as_ref()
                .map(|g| g.at)
                .into_iter()
                .chain(self.withdrawn.as_ref().map(|(_, w)| *w))
                .min();
            out.push(Sight {
                staff: r.auditor.clone(),
                child: child.clone(),
                from: r.assigned,
                until,
            });
        }
        out
    }

    /// Folds one event in.
    pub fn apply(&mut self, e: &Recorded<AuditEvent>) {
        use AuditEvent::*;
        self.version += 1;
        let at = e.occurred_at;
        match &e.event {
            AuditSelected {
                template,
                subject,
                group,
                month,
                on,
                scope_from,
                method,
                seed,
                eligible_hash,
                eligible_count,
                excluded,
            } => {
                self.selected = Some(Selected {
                    template: template.clone(),
                    subject: subject.clone(),
                    group: group.clone(),
                    month: *month,
                    on: *on,
                    scope_from: *scope_from,
                    method: *method,
                    seed: *seed,
                    eligible_hash: eligible_hash.clone(),
                    eligible_count: *eligible_count,
                    excluded: excluded.clone(),
                    at,
                    by: e.recorded_by.clone(),
                });
            }
            AuditorAssigned { auditor, deadline } => self.assignments.push(Assigned {
                auditor: auditor.clone(),
                deadline: *deadline,
                at,
            }),
            ExemptionGranted {
                by,
                reason,
                note,
                deadline,
            } => self.exemptions.push(Exemption {
                by: by.clone(),
                reason: *reason,
                note: note.as_str().to_owned(),
                deadline: *deadline,
                at,
            }),
            PartnerAuditorAdded {
                agency,
                name,
                organisation,
            } => self.partners.push(Partner {
                agency: *agency,
                name: name.as_str().to_owned(),
                organisation: organisation.as_str().to_owned(),
            }),
            SectionGraded {
                section,
                grade,
                answers,
                evidence,
                reasons,
            } => {
                self.sections.insert(
                    section.clone(),
                    Graded {
                        grade: *grade,
                        answers: answers.clone(),
                        evidence: evidence.clone(),
                        reasons: reasons.as_str().to_owned(),
                        at,
                    },
                );
            }
            OverallGraded { grade, reasons } => {
                self.overall = Some((*grade, reasons.as_str().to_owned(), at));
            }
            FindingRecorded { kind, text, themes } => self.findings.push(Finding {
                kind: *kind,
                text: text.as_str().to_owned(),
                themes: themes.clone(),
                at,
            }),
            ReflectionRecorded { worker, answers } => {
                self.reflection = Some(ReflectionSheet {
                    worker: worker.clone(),
                    answers: answers.clone(),
                    at,
                });
            }
            ReflectionDiscussed { worker, note } => {
                self.discussion = Some((worker.clone(), note.as_str().to_owned(), at));
            }
            FamilyFeedbackRecorded {
                respondent,
                method,
                answers,
            } => {
                self.feedback = Some(Feedback::Taken {
                    respondent: *respondent,
                    method: *method,
                    answers: answers.clone(),
                    at,
                });
            }
            FamilyFeedbackNotTaken { reason, note } => {
                self.feedback = Some(Feedback::NotTaken {
                    reason: *reason,
                    note: note.as_str().to_owned(),
                    at,
                });
            }
            SafetyConcernRaised { concern, summary } => self.concerns.push(Concern {
                no: *concern,
                summary: summary.as_str().to_owned(),
                raised: at,
                raised_by: e.recorded_by.clone(),
                notices: Vec::new(),
            }),
            SafetyConcernNotified {
                concern,
                recipient,
                staff,
                how,
            } => {
                if let Some(c) = self.concerns.iter_mut().find(|c| c.no == *concern) {
                    c.notices.push(Notice {
                        recipient: *recipient,
                        staff: staff.clone(),
                        how: how.as_str().to_owned(),
                        at,
                    });
                }
            }
            ActionAgreed {
                action,
                what,
                owner,
                due,
            } => self.actions.push(Action {
                no: *action,
                what: what.as_str().to_owned(),
                owner: owner.clone(),
                due: *due,
                agreed: at,
                progress: Vec::new(),
                completed: None,
            }),
            ActionProgressed {
                action,
                note,
                evidence,
            }
            | ActionCompleted {
                action,
                note,
                evidence,
            } => {
                let p = Progress {
                    note: note.as_str().to_owned(),
                    evidence: evidence.clone(),
                    at,
                    by: e.recorded_by.clone(),
                };
                let done = matches!(e.event, ActionCompleted { .. });
                if let Some(a) = self.actions.iter_mut().find(|a| a.no == *action) {
                    if done {
                        a.completed = Some(p);
                    } else {
                        a.progress.push(p);
                    }
                }
            }
            AuditCompleted {} => self.completed = Some(at),
            CopiedToReviewingOfficer { officer } => self.copies.push((officer.clone(), at)),
            PrimHeld { attendees, agreed } => self.prims.push(Prim {
                attendees: attendees.clone(),
                agreed: agreed.as_str().to_owned(),
                at,
            }),
            RegradeAssigned { auditor, deadline } => {
                self.regrade = Some(Regrade {
                    auditor: auditor.clone(),
                    deadline: *deadline,
                    assigned: at,
                    grades: None,
                });
            }
            RegradeRecorded {
                sections,
                overall,
                reasons,
            } => {
                if let Some(r) = &mut self.regrade {
                    r.grades = Some(grades(sections, *overall, reasons.as_str(), at, e));
                }
            }
            ModerationDecided {
                sections,
                overall,
                reason,
            } => {
                self.moderation = Some(grades(sections, *overall, reason.as_str(), at, e));
            }
            AuditWithdrawn { reason } => {
                self.withdrawn = Some((reason.as_str().to_owned(), at));
            }
        }
    }
}

fn grades(
    sections: &[SectionGrade],
    overall: Grade,
    reasons: &str,
    at: Timestamp,
    e: &Recorded<AuditEvent>,
) -> Grades {
    Grades {
        sections: sections
            .iter()
            .map(|s| (s.section.clone(), s.grade))
            .collect(),
        overall,
        reasons: reasons.to_owned(),
        at,
        by: e.recorded_by.clone(),
    }
}
