//! The rules an audit's events must keep. Every refused command names one of these rules,
//! by a stable code, and changes nothing. Checking is pure: the template, the staff
//! directory, the calendar, the records cited and (for a selection) the draw made again
//! are passed in.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use hearth_domain::codes::StaffRole;
use hearth_domain::directory::{Directory, StaffMember};
use hearth_domain::event::{Actor, Recorded};
use hearth_domain::{ChildRecord, StaffId, Timestamp};
use hearth_standards::{Calendar, Period};

use crate::audit::Audit;
use crate::codes::ConcernRecipient;
use crate::event::{ActionOwner, Answer, Attendee, AuditEvent, EvidenceRef, SectionGrade};
use crate::ids::{ActionNo, Grade};
use crate::selection::{Selection, Subject};
use crate::template::Template;
use crate::vocabulary::Method;

macro_rules! audit_rules {
    ($( $(#[$meta:meta])* $variant:ident = $code:literal ),+ $(,)?) => {
        /// A rule of the audit record.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum AuditRule { $( $(#[$meta])* $variant ),+ }

        impl AuditRule {
            /// Every rule.
            pub const ALL: &'static [AuditRule] = &[ $(AuditRule::$variant),+ ];

            /// The stable code of the rule.
            pub const fn code(self) -> &'static str {
                match self { $(AuditRule::$variant => $code),+ }
            }
        }
    };
}

audit_rules! {
    /// An event cannot be recorded before it happened.
    RecordedBeforeOccurred = "recorded-before-occurred",
    /// Staff named, or who record, must be in post on the day.
    StaffNotInPost = "staff-not-in-post",
    /// An audit's first event is its selection.
    NotSelected = "audit-not-selected",
    /// An audit is selected once.
    AlreadySelected = "audit-already-selected",
    /// An audit's events are checked against the template it was selected under.
    TemplateMismatch = "template-mismatch",
    /// Only a case (or practitioner) the draw chose, or the programme lists as due, can be
    /// selected: nobody picks by hand.
    SelectionNotDrawn = "selection-not-drawn",
    /// A selection's seed, month, eligible list, exclusions and scope are those of the draw
    /// made again.
    SelectionMismatch = "selection-mismatch",
    /// Selecting, assigning and withdrawing are for the QA lead, the performance team and
    /// senior managers.
    NeedsCoordinator = "needs-coordinator",
    /// An auditor (and a second auditor, or a moderator) holds a role the template allows.
    AuditorRole = "auditor-role",
    /// An auditor does not hold or manage the case (or, for a practitioner, manage them).
    AuditorManagesCase = "auditor-manages-case",
    /// Grading and the auditor's other entries need an assigned auditor.
    NotAssigned = "audit-not-assigned",
    /// Only the assigned auditor records the auditor's entries.
    NotTheAuditor = "not-the-auditor",
    /// Once grading has started the auditor does not change.
    AssignmentAfterGrading = "assignment-after-grading",
    /// A deadline falls between the day it is set and the end of the template's timescale.
    DeadlineBeyondTimescale = "deadline-beyond-timescale",
    /// Only the head of service (or the assistant director) exempts an audit, and only for
    /// leave.
    ExemptionNeedsHeadOfService = "exemption-needs-head-of-service",
    /// An exemption moves the deadline later.
    ExemptionDeadline = "exemption-deadline",
    /// The template does not have this part (reflection, family questionnaire, partner
    /// auditors, copy to the reviewing officer, PRIM).
    NotInTemplate = "not-in-template",
    /// A section must be one of the template's.
    UnknownSection = "unknown-section",
    /// An answer must be to one of the section's questions, once.
    UnknownQuestion = "unknown-question",
    /// Every question of a section is answered (or marked as not applying).
    UnansweredQuestion = "unanswered-question",
    /// Grades are on the template's scale.
    WrongScale = "wrong-scale",
    /// Evidence cites events that stand in the child's record.
    EvidenceNotInRecord = "evidence-not-in-record",
    /// The overall grade follows every section's.
    SectionsNotGraded = "sections-not-graded",
    /// A finding is tagged with one or more of the template's themes.
    UnknownTheme = "unknown-theme",
    /// The reflection sheet is the case's worker's (or the practitioner's), recorded by
    /// them.
    ReflectionNotByWorker = "reflection-not-by-worker",
    /// The reflection answers every prompt, once.
    ReflectionIncomplete = "reflection-incomplete",
    /// A discussion follows the worker's reflection.
    NoReflection = "no-reflection",
    /// The family's answers are to the questionnaire's questions, once, with the answers
    /// offered.
    FamilyQuestionnaire = "family-questionnaire",
    /// Safety concerns are numbered from 1 in the order raised.
    ConcernNumber = "concern-number",
    /// A notice names a concern raised.
    UnknownConcern = "unknown-concern",
    /// A concern goes to a team manager (or group manager) and to the director (assistant
    /// director).
    ConcernRecipient = "concern-recipient",
    /// Actions are numbered from 1 in the order agreed.
    ActionNumber = "action-number",
    /// Progress and completion name an action agreed.
    UnknownAction = "unknown-action",
    /// An action is due after the day it is agreed.
    ActionDue = "action-due",
    /// An action's owner is staff in post, or (in a multi-agency audit) a partner agency.
    ActionOwner = "action-owner",
    /// A completed action takes no more progress.
    ActionAlreadyCompleted = "action-already-completed",
    /// A member of staff's action is completed with evidence on the child's record.
    CompletionEvidence = "completion-evidence",
    /// The auditor's entries stop when the audit is completed.
    AuditCompleted = "audit-completed",
    /// Copies, PRIMs and regrades follow completion.
    AuditNotCompleted = "audit-not-completed",
    /// An audit is completed with every section and the overall grade, a finding, the
    /// reflection discussed, the family's feedback (or why not) and every safety concern
    /// told to the team manager and the director.
    AuditIncomplete = "audit-incomplete",
    /// The audit goes to a reviewing officer in post.
    NotReviewingOfficer = "not-reviewing-officer",
    /// A PRIM records who attended.
    PrimAttendees = "prim-attendees",
    /// A blind regrade is by someone other than the original auditor.
    RegradeByOriginalAuditor = "regrade-by-original-auditor",
    /// A regrade needs a second auditor assigned.
    RegradeNotAssigned = "regrade-not-assigned",
    /// An audit is regraded once.
    RegradeTwice = "regrade-twice",
    /// A regrade or moderation grades every section the auditor graded, and no other.
    RegradeIncomplete = "regrade-incomplete",
    /// Moderation follows a blind regrade.
    ModerationWithoutRegrade = "moderation-without-regrade",
    /// The moderator is neither the original auditor nor the second.
    ModerationByAuditor = "moderation-by-auditor",
    /// Moderation is where the two auditors' grades differ.
    ModerationNotNeeded = "moderation-not-needed",
    /// An audit is moderated once.
    ModerationTwice = "moderation-twice",
    /// Nothing is recorded on a withdrawn audit.
    AuditWithdrawn = "audit-withdrawn",
}

impl fmt::Display for AuditRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A broken rule, with what was wrong in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} ({rule})")]
pub struct AuditViolation {
    /// The rule.
    pub rule: AuditRule,
    /// What was wrong.
    pub message: String,
}

/// A command refused: which event and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event {index}: {violation}")]
pub struct AuditRefusal {
    /// The position (from 0) of the offending event in the command.
    pub index: usize,
    /// The rule it broke.
    pub violation: AuditViolation,
}

fn refuse<T>(rule: AuditRule, message: impl Into<String>) -> Result<T, AuditViolation> {
    Err(AuditViolation {
        rule,
        message: message.into(),
    })
}

fn ensure(
    ok: bool,
    rule: AuditRule,
    message: impl FnOnce() -> String,
) -> Result<(), AuditViolation> {
    if ok { Ok(()) } else { refuse(rule, message()) }
}

/// What an audit's events are checked with.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The template the audit was (or is being) selected under.
    pub template: &'a Template,
    /// Staff and teams.
    pub staff: &'a dyn Directory,
    /// The working-day calendar.
    pub calendar: &'a Calendar,
    /// The records the audit reads and cites: the child's, for a case audit; the children
    /// a practitioner held, for an audit of a practitioner.
    pub records: &'a [ChildRecord],
    /// The draw made again, from the records as they were known when the selection was
    /// made; needed to check a selection.
    pub selection: Option<&'a Selection>,
}

/// Roles that may select, assign and withdraw audits.
const COORDINATORS: [StaffRole; 5] = [
    StaffRole::QualityAssuranceLead,
    StaffRole::PerformanceAnalyst,
    StaffRole::GroupManager,
    StaffRole::HeadOfService,
    StaffRole::AssistantDirector,
];

/// Checks one event against the audit as it stands; changes nothing.
pub fn check(
    audit: &Audit,
    ev: &Recorded<AuditEvent>,
    ctx: &Context<'_>,
) -> Result<(), AuditViolation> {
    use AuditEvent::*;
    let c = Checker { audit, ev, ctx };
    c.envelope()?;
    let t = ctx.template;
    match (&audit.selected, &ev.event) {
        (None, AuditSelected { .. }) => {}
        (None, _) => return refuse(AuditRule::NotSelected, "an audit starts with its selection"),
        (Some(_), AuditSelected { .. }) => {
            return refuse(AuditRule::AlreadySelected, "the audit is already selected");
        }
        (Some(s), _) => ensure(s.template == t.id, AuditRule::TemplateMismatch, || {
            format!(
                "the audit was selected under `{}`, not `{}`",
                s.template, t.id
            )
        })?,
    }
    if let Some((_, at)) = &audit.withdrawn {
        return refuse(
            AuditRule::AuditWithdrawn,
            format!("the audit was withdrawn on {}", at.london_date()),
        );
    }
    match &ev.event {
        AuditSelected { .. } => c.selected(),
        AuditorAssigned { auditor, deadline } => {
            c.coordinator()?;
            c.open()?;
            ensure(
                !audit.grading_started(),
                AuditRule::AssignmentAfterGrading,
                || "grading has started; the auditor does not change now".to_owned(),
            )?;
            c.auditor(auditor)?;
            c.deadline(*deadline, t.deadline)
        }
        ExemptionGranted { by, deadline, .. } => {
            let current = c.assigned()?;
            c.open()?;
            let member = c.in_post(by)?;
            ensure(
                matches!(
                    member.role,
                    StaffRole::HeadOfService | StaffRole::AssistantDirector
                ) && ev.recorded_by.staff().is_none_or(|s| s == by),
                AuditRule::ExemptionNeedsHeadOfService,
                || format!("{by} is not a head of service recording their own exemption"),
            )?;
            let now = audit.deadline().unwrap_or(current.deadline);
            ensure(*deadline > now, AuditRule::ExemptionDeadline, || {
                format!("the new deadline {deadline} is not later than {now}")
            })
        }
        PartnerAuditorAdded { .. } => {
            c.part(t.partner_auditors, "partner auditors")?;
            c.open()?;
            c.coordinator_or_auditor()
        }
        SectionGraded {
            section,
            grade,
            answers,
            evidence,
            ..
        } => {
            c.by_auditor()?;
            c.open()?;
            let Some(s) = t.section(section) else {
                return refuse(
                    AuditRule::UnknownSection,
                    format!("`{section}` is not a section of {}", t.id),
                );
            };
            c.scale(*grade)?;
            c.answers(s, answers)?;
            c.evidence(evidence)
        }
        OverallGraded { grade, .. } => {
            c.by_auditor()?;
            c.open()?;
            c.scale(*grade)?;
            let missing = c.ungraded();
            ensure(missing.is_empty(), AuditRule::SectionsNotGraded, || {
                format!("grade every section first: {}", missing.join(", "))
            })
        }
        FindingRecorded { themes, .. } => {
            c.by_auditor()?;
            c.open()?;
            ensure(!themes.is_empty(), AuditRule::UnknownTheme, || {
                "tag the finding with at least one theme".to_owned()
            })?;
            let mut seen = BTreeSet::new();
            for theme in themes {
                ensure(t.theme(theme).is_some(), AuditRule::UnknownTheme, || {
                    format!("`{theme}` is not a theme of {}", t.id)
                })?;
                ensure(seen.insert(theme), AuditRule::UnknownTheme, || {
                    format!("`{theme}` is given twice")
                })?;
            }
            Ok(())
        }
        ReflectionRecorded { worker, answers } => {
            c.part(!t.reflection.is_empty(), "a reflection sheet")?;
            c.assigned()?;
            c.open()?;
            ensure(
                ev.recorded_by.staff() == Some(worker),
                AuditRule::ReflectionNotByWorker,
                || format!("the reflection is recorded by {worker} themselves"),
            )?;
            c.in_post(worker)?;
            let theirs = c.worker_at(ev.occurred_at);
            ensure(
                theirs.as_ref() == Some(worker),
                AuditRule::ReflectionNotByWorker,
                || match &theirs {
                    Some(w) => format!("{w} holds the case, not {worker}"),
                    None => "no worker holds the case".to_owned(),
                },
            )?;
            let mut seen = BTreeSet::new();
            for a in answers {
                ensure(
                    t.reflection.iter().any(|p| p.id == a.prompt),
                    AuditRule::ReflectionIncomplete,
                    || format!("`{}` is not a prompt of the reflection sheet", a.prompt),
                )?;
                ensure(
                    seen.insert(&a.prompt),
                    AuditRule::ReflectionIncomplete,
                    || format!("`{}` is answered twice", a.prompt),
                )?;
            }
            let missing: Vec<&str> = t
                .reflection
                .iter()
                .filter(|p| !seen.contains(&p.id))
                .map(|p| p.id.as_str())
                .collect();
            ensure(missing.is_empty(), AuditRule::ReflectionIncomplete, || {
                format!("answer every prompt: {}", missing.join(", "))
            })
        }
        ReflectionDiscussed { worker, .. } => {
            c.by_auditor()?;
            c.open()?;
            ensure(
                audit
                    .reflection
                    .as_ref()
                    .is_some_and(|r| &r.worker == worker),
                AuditRule::NoReflection,
                || format!("{worker} has not recorded a reflection on this audit"),
            )
        }
        FamilyFeedbackRecorded { answers, .. } => {
            c.part(!t.family_questions.is_empty(), "a family questionnaire")?;
            c.by_auditor()?;
            c.open()?;
            c.family(answers)
        }
        FamilyFeedbackNotTaken { .. } => {
            c.part(!t.family_questions.is_empty(), "a family questionnaire")?;
            c.by_auditor()?;
            c.open()
        }
        SafetyConcernRaised { concern, .. } => {
            c.by_a_reader()?;
            let next = audit.concerns.len() + 1;
            ensure(
                usize::from(*concern) == next,
                AuditRule::ConcernNumber,
                || format!("the next concern is number {next}"),
            )
        }
        SafetyConcernNotified {
            concern,
            recipient,
            staff,
            ..
        } => {
            let Some(raised) = audit.concern(*concern) else {
                return refuse(
                    AuditRule::UnknownConcern,
                    format!("no concern number {concern} was raised"),
                );
            };
            ensure(
                ev.occurred_at >= raised.raised,
                AuditRule::UnknownConcern,
                || "a concern is told after it is found".to_owned(),
            )?;
            let member = c.in_post(staff)?;
            let fits = match recipient {
                ConcernRecipient::TeamManager => matches!(
                    member.role,
                    StaffRole::TeamManager | StaffRole::GroupManager
                ),
                ConcernRecipient::Director => member.role == StaffRole::AssistantDirector,
            };
            ensure(fits, AuditRule::ConcernRecipient, || {
                format!(
                    "{staff} is a {}, not the {}",
                    member.role.label().to_lowercase(),
                    recipient.label().to_lowercase()
                )
            })
        }
        ActionAgreed {
            action, due, owner, ..
        } => {
            c.coordinator_or_auditor()?;
            let next = audit.actions.len() + 1;
            ensure(
                usize::from(action.0) == next,
                AuditRule::ActionNumber,
                || format!("the next action is number {next}"),
            )?;
            ensure(*due > ev.date(), AuditRule::ActionDue, || {
                format!("an action agreed on {} is due after it", ev.date())
            })?;
            match owner {
                ActionOwner::Staff { staff } => c.in_post(staff).map_err(|v| AuditViolation {
                    rule: AuditRule::ActionOwner,
                    message: v.message,
                })?,
                ActionOwner::Agency { agency, .. } => {
                    return ensure(t.partner_auditors, AuditRule::ActionOwner, || {
                        format!(
                            "an action for {} belongs to a multi-agency audit",
                            agency.label()
                        )
                    });
                }
            };
            Ok(())
        }
        ActionProgressed {
            action, evidence, ..
        } => {
            c.action_open(*action)?;
            c.evidence(evidence)
        }
        ActionCompleted {
            action, evidence, ..
        } => {
            let a = c.action_open(*action)?;
            if matches!(a.owner, ActionOwner::Staff { .. }) {
                ensure(!evidence.is_empty(), AuditRule::CompletionEvidence, || {
                    "cite the entries on the record that show the action done".to_owned()
                })?;
            }
            c.evidence(evidence)
        }
        AuditCompleted {} => {
            c.by_auditor()?;
            c.open()?;
            c.complete()
        }
        CopiedToReviewingOfficer { officer } => {
            c.part(
                t.copy_to_reviewing_officer,
                "a copy to the reviewing officer",
            )?;
            c.completed()?;
            let member = c.in_post(officer)?;
            ensure(
                member.role == StaffRole::ReviewingOfficer,
                AuditRule::NotReviewingOfficer,
                || format!("{officer} is not a reviewing officer"),
            )
        }
        PrimHeld { attendees, .. } => {
            c.part(t.prim.is_some(), "a practice review improvement meeting")?;
            c.completed()?;
            ensure(!attendees.is_empty(), AuditRule::PrimAttendees, || {
                "record who attended".to_owned()
            })?;
            for a in attendees {
                if let Attendee::Staff { staff } = a {
                    c.in_post(staff)?;
                }
            }
            Ok(())
        }
        RegradeAssigned { auditor, deadline } => {
            c.coordinator()?;
            c.completed()?;
            ensure(audit.regrade.is_none(), AuditRule::RegradeTwice, || {
                "a second auditor is already assigned".to_owned()
            })?;
            ensure(
                !audit.assignments.iter().any(|a| &a.auditor == auditor),
                AuditRule::RegradeByOriginalAuditor,
                || format!("{auditor} was this audit's auditor; a blind regrade needs another"),
            )?;
            c.auditor(auditor)?;
            c.deadline(*deadline, t.regrade)
        }
        RegradeRecorded {
            sections, overall, ..
        } => {
            let Some(r) = &audit.regrade else {
                return refuse(
                    AuditRule::RegradeNotAssigned,
                    "no second auditor is assigned",
                );
            };
            ensure(r.grades.is_none(), AuditRule::RegradeTwice, || {
                "the regrade is already recorded".to_owned()
            })?;
            ensure(
                ev.recorded_by.staff() == Some(&r.auditor),
                AuditRule::NotTheAuditor,
                || {
                    format!(
                        "only {}, the second auditor, records the regrade",
                        r.auditor
                    )
                },
            )?;
            c.same_sections(sections, *overall)
        }
        ModerationDecided {
            sections, overall, ..
        } => {
            let Some(second) = audit.regrade.as_ref().and_then(|r| r.grades.as_ref()) else {
                return refuse(
                    AuditRule::ModerationWithoutRegrade,
                    "moderation follows a blind regrade",
                );
            };
            ensure(
                audit.moderation.is_none(),
                AuditRule::ModerationTwice,
                || "the audit is already moderated".to_owned(),
            )?;
            let Some(moderator) = ev.recorded_by.staff() else {
                return refuse(
                    AuditRule::ModerationByAuditor,
                    "a moderator is a member of staff",
                );
            };
            let auditors: Vec<&StaffId> = audit
                .assignments
                .iter()
                .map(|a| &a.auditor)
                .chain(audit.regrade.as_ref().map(|r| &r.auditor))
                .collect();
            ensure(
                !auditors.contains(&moderator),
                AuditRule::ModerationByAuditor,
                || format!("{moderator} graded this audit and cannot moderate it"),
            )?;
            let member = c.in_post(moderator)?;
            ensure(
                t.auditors.contains(&member.role) || member.role == StaffRole::QualityAssuranceLead,
                AuditRule::AuditorRole,
                || {
                    format!(
                        "a {} does not moderate {}",
                        member.role.label().to_lowercase(),
                        t.id
                    )
                },
            )?;
            c.not_managing(moderator)?;
            let differ = audit.overall.as_ref().map(|(g, ..)| *g) != Some(second.overall)
                || audit
                    .sections
                    .iter()
                    .any(|(id, g)| second.sections.get(id) != Some(&g.grade));
            ensure(differ, AuditRule::ModerationNotNeeded, || {
                "the two auditors agree on every grade".to_owned()
            })?;
            c.same_sections(sections, *overall)
        }
        AuditWithdrawn { .. } => {
            c.coordinator()?;
            c.open()
        }
    }
}

/// Checks a command's events in order and, if every rule holds, folds them in. On refusal
/// the audit is unchanged.
pub fn append(
    audit: &mut Audit,
    new: &[Recorded<AuditEvent>],
    ctx: &Context<'_>,
) -> Result<(), AuditRefusal> {
    let mut next = audit.clone();
    for (index, ev) in new.iter().enumerate() {
        check(&next, ev, ctx).map_err(|violation| AuditRefusal { index, violation })?;
        next.apply(ev);
    }
    *audit = next;
    Ok(())
}

struct Checker<'a> {
    audit: &'a Audit,
    ev: &'a Recorded<AuditEvent>,
    ctx: &'a Context<'a>,
}

impl Checker<'_> {
    fn envelope(&self) -> Result<(), AuditViolation> {
        ensure(
            self.ev.occurred_at <= self.ev.recorded_at,
            AuditRule::RecordedBeforeOccurred,
            || {
                format!(
                    "it is recorded as happening at {} but was recorded earlier, at {}",
                    self.ev.occurred_at, self.ev.recorded_at
                )
            },
        )?;
        if let Actor::Staff(id) = &self.ev.recorded_by {
            let on = self.ev.recorded_at.london_date();
            ensure(
                self.ctx.staff.staff(id).is_some_and(|s| s.in_post_on(on)),
                AuditRule::StaffNotInPost,
                || format!("{id}, who recorded this, was not in post on {on}"),
            )?;
        }
        Ok(())
    }

    fn in_post(&self, id: &StaffId) -> Result<&StaffMember, AuditViolation> {
        let on = self.ev.date();
        match self.ctx.staff.staff(id) {
            Some(s) if s.in_post_on(on) => Ok(s),
            Some(_) => refuse(
                AuditRule::StaffNotInPost,
                format!("{id} was not in post on {on}"),
            ),
            None => refuse(
                AuditRule::StaffNotInPost,
                format!("{id} is not a known member of staff"),
            ),
        }
    }

    fn coordinator(&self) -> Result<(), AuditViolation> {
        match &self.ev.recorded_by {
            Actor::System(_) => Ok(()),
            Actor::Staff(id) => {
                let role = self.in_post(id)?.role;
                ensure(
                    COORDINATORS.contains(&role),
                    AuditRule::NeedsCoordinator,
                    || {
                        format!(
                            "a {} does not select, assign or withdraw audits",
                            role.label().to_lowercase()
                        )
                    },
                )
            }
        }
    }

    fn coordinator_or_auditor(&self) -> Result<(), AuditViolation> {
        if self.audit.auditor().is_some() && self.ev.recorded_by.staff() == self.audit.auditor() {
            return Ok(());
        }
        self.coordinator()
    }

    fn assigned(&self) -> Result<&crate::audit::Assigned, AuditViolation> {
        self.audit.assignment().ok_or_else(|| AuditViolation {
            rule: AuditRule::NotAssigned,
            message: "no auditor is assigned yet".to_owned(),
        })
    }

    fn by_auditor(&self) -> Result<(), AuditViolation> {
        let a = self.assigned()?;
        ensure(
            self.ev.recorded_by.staff() == Some(&a.auditor),
            AuditRule::NotTheAuditor,
            || format!("only {}, the auditor, records this", a.auditor),
        )
    }

    /// The auditor before completion, or the second auditor before their regrade: those
    /// reading the record, who may find a safety concern.
    fn by_a_reader(&self) -> Result<(), AuditViolation> {
        let by = self.ev.recorded_by.staff();
        let auditor = self.audit.completed.is_none() && by.is_some() && by == self.audit.auditor();
        let second = self
            .audit
            .regrade
            .as_ref()
            .is_some_and(|r| r.grades.is_none() && by == Some(&r.auditor));
        if auditor || second {
            return Ok(());
        }
        self.assigned()?;
        refuse(
            AuditRule::NotTheAuditor,
            "a concern is raised by the auditor reading the record",
        )
    }

    fn open(&self) -> Result<(), AuditViolation> {
        match self.audit.completed {
            Some(at) => refuse(
                AuditRule::AuditCompleted,
                format!("the audit was completed on {}", at.london_date()),
            ),
            None => Ok(()),
        }
    }

    fn completed(&self) -> Result<(), AuditViolation> {
        ensure(
            self.audit.completed.is_some(),
            AuditRule::AuditNotCompleted,
            || "the audit is not completed yet".to_owned(),
        )
    }

    fn part(&self, has: bool, what: &str) -> Result<(), AuditViolation> {
        ensure(has, AuditRule::NotInTemplate, || {
            format!("{} has no {what}", self.ctx.template.id)
        })
    }

    fn selected(&self) -> Result<(), AuditViolation> {
        let AuditEvent::AuditSelected {
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
        } = &self.ev.event
        else {
            return Ok(());
        };
        let t = self.ctx.template;
        ensure(template == &t.id, AuditRule::TemplateMismatch, || {
            format!("the selection names `{template}`, not `{}`", t.id)
        })?;
        self.coordinator()?;
        let mismatch = |what: &str| AuditViolation {
            rule: AuditRule::SelectionMismatch,
            message: format!("the {what} is not the draw's"),
        };
        ensure(
            subject.kind() == t.subject,
            AuditRule::SelectionMismatch,
            || format!("{} selects a {}", t.id, t.subject.name()),
        )?;
        let Some(sel) = self.ctx.selection else {
            return refuse(
                AuditRule::SelectionNotDrawn,
                "a selection is checked against the draw made again",
            );
        };
        if sel.template != t.id || sel.month != *month || sel.on != *on {
            return Err(mismatch("month or date"));
        }
        if *on != self.ev.date() {
            return Err(mismatch("date"));
        }
        let Some(g) = sel.group(group) else {
            return refuse(
                AuditRule::SelectionNotDrawn,
                format!("the draw has no group {}", group.key()),
            );
        };
        ensure(
            g.drawn.contains(subject),
            AuditRule::SelectionNotDrawn,
            || {
                format!(
                    "{} was not drawn for {}: only the draw's cases can be selected",
                    subject.key(),
                    group.key()
                )
            },
        )?;
        if *method != t.selection.method {
            return Err(mismatch("method"));
        }
        let expected_seed = (t.selection.method == Method::Draw).then_some(sel.seed);
        if *seed != expected_seed {
            return Err(mismatch("seed"));
        }
        if *eligible_hash != g.eligible_hash
            || usize::try_from(*eligible_count).ok() != Some(g.eligible.len())
        {
            return Err(mismatch("eligible list"));
        }
        if *excluded != g.excluded {
            return Err(mismatch("list of exclusions"));
        }
        if *scope_from != sel.scope_from {
            return Err(mismatch("scope"));
        }
        Ok(())
    }

    /// The worker (or personal adviser) holding the case at an instant; for an audit of a
    /// practitioner, the practitioner.
    fn worker_at(&self, t: Timestamp) -> Option<StaffId> {
        match self.audit.subject()? {
            Subject::Practitioner { staff } => Some(staff.clone()),
            Subject::Child { child } => {
                let r = self.ctx.records.iter().find(|r| &r.id == child)?;
                worker_at(r, t)
            }
        }
    }

    /// Everyone who holds or manages the case at the event: the worker, the manager who
    /// allocated it, and the line managers above the worker.
    fn managers(&self, subject: &Subject) -> Vec<StaffId> {
        let t = self.ev.occurred_at;
        let mut out = Vec::new();
        let start = match subject {
            Subject::Practitioner { staff } => Some(staff.clone()),
            Subject::Child { child } => {
                let record = self.ctx.records.iter().find(|r| &r.id == child);
                if let Some(a) = record.and_then(|r| current_allocation(r, t)) {
                    out.push(a.decided_by.clone());
                }
                record.and_then(|r| worker_at(r, t))
            }
        };
        let mut next = start;
        let mut chain: Vec<StaffId> = Vec::new();
        while let Some(id) = next {
            // A loop in the line management ends the walk rather than the check.
            if chain.contains(&id) {
                break;
            }
            next = self
                .ctx
                .staff
                .staff(&id)
                .and_then(|s| s.line_manager.clone());
            chain.push(id);
        }
        out.extend(chain);
        out
    }

    fn not_managing(&self, who: &StaffId) -> Result<(), AuditViolation> {
        let Some(subject) = self
            .audit
            .subject()
            .cloned()
            .or_else(|| match &self.ev.event {
                AuditEvent::AuditSelected { subject, .. } => Some(subject.clone()),
                _ => None,
            })
        else {
            return Ok(());
        };
        ensure(
            !self.managers(&subject).contains(who),
            AuditRule::AuditorManagesCase,
            || format!("{who} holds or manages {}", subject.key()),
        )
    }

    fn auditor(&self, who: &StaffId) -> Result<(), AuditViolation> {
        let member = self.in_post(who)?;
        let t = self.ctx.template;
        ensure(
            t.auditors.contains(&member.role),
            AuditRule::AuditorRole,
            || {
                format!(
                    "a {} does not audit under {}",
                    member.role.label().to_lowercase(),
                    t.id
                )
            },
        )?;
        self.not_managing(who)
    }

    fn deadline(&self, deadline: NaiveDate, timescale: Period) -> Result<(), AuditViolation> {
        let from = self.ev.date();
        let latest = hearth_standards::period::after(
            timescale,
            self.ctx.calendar,
            self.ev.occurred_at,
            None,
            &mut Vec::new(),
        )
        .map(|d| d.date);
        ensure(
            deadline >= from && latest.is_some_and(|l| deadline <= l),
            AuditRule::DeadlineBeyondTimescale,
            || match latest {
                Some(l) => format!("the deadline falls from {from} to {l} ({timescale})"),
                None => "the deadline cannot be counted".to_owned(),
            },
        )
    }

    fn scale(&self, grade: Grade) -> Result<(), AuditViolation> {
        let scale = self.ctx.template.scale;
        ensure(grade.scale() == scale, AuditRule::WrongScale, || {
            format!(
                "{} grades on {}, not {}",
                self.ctx.template.id,
                scale.code(),
                grade.scale().code()
            )
        })
    }

    fn answers(
        &self,
        section: &crate::template::Section,
        answers: &[Answer],
    ) -> Result<(), AuditViolation> {
        let mut seen = BTreeSet::new();
        for a in answers {
            ensure(
                section.question(&a.question).is_some(),
                AuditRule::UnknownQuestion,
                || format!("`{}` is not a question of {}", a.question, section.id),
            )?;
            ensure(seen.insert(&a.question), AuditRule::UnknownQuestion, || {
                format!("`{}` is answered twice", a.question)
            })?;
            if let Some(g) = a.grade {
                self.scale(g)?;
            }
        }
        let missing: Vec<&str> = section
            .questions
            .iter()
            .filter(|q| !seen.contains(&q.id))
            .map(|q| q.id.as_str())
            .collect();
        ensure(missing.is_empty(), AuditRule::UnansweredQuestion, || {
            format!(
                "answer every question, or mark it as not applying: {}",
                missing.join(", ")
            )
        })
    }

    fn evidence(&self, evidence: &[EvidenceRef]) -> Result<(), AuditViolation> {
        for e in evidence {
            let stands = self
                .ctx
                .records
                .iter()
                .find(|r| r.id == e.child)
                .is_some_and(|r| r.log.iter().any(|l| l.mark.version == e.version));
            ensure(stands, AuditRule::EvidenceNotInRecord, || {
                format!("event {} does not stand in {}'s record", e.version, e.child)
            })?;
        }
        Ok(())
    }

    fn ungraded(&self) -> Vec<String> {
        self.ctx
            .template
            .sections
            .iter()
            .filter(|s| !self.audit.sections.contains_key(&s.id))
            .map(|s| s.id.clone())
            .collect()
    }

    fn family(&self, answers: &[crate::event::FamilyAnswer]) -> Result<(), AuditViolation> {
        let t = self.ctx.template;
        ensure(!answers.is_empty(), AuditRule::FamilyQuestionnaire, || {
            "record at least one answer, or that feedback was not taken".to_owned()
        })?;
        let mut seen = BTreeSet::new();
        for a in answers {
            let Some(q) = t.family_questions.iter().find(|q| q.id == a.question) else {
                return refuse(
                    AuditRule::FamilyQuestionnaire,
                    format!("`{}` is not a question of the questionnaire", a.question),
                );
            };
            ensure(
                seen.insert(&a.question),
                AuditRule::FamilyQuestionnaire,
                || format!("`{}` is answered twice", a.question),
            )?;
            match (&a.option, q.options.is_empty()) {
                (Some(o), false) => ensure(
                    q.options.iter().any(|(id, _)| id == o),
                    AuditRule::FamilyQuestionnaire,
                    || format!("`{o}` is not an answer offered to `{}`", q.id),
                )?,
                (None, false) => {
                    return refuse(
                        AuditRule::FamilyQuestionnaire,
                        format!("choose one of the answers offered to `{}`", q.id),
                    );
                }
                (Some(_), true) => {
                    return refuse(
                        AuditRule::FamilyQuestionnaire,
                        format!("`{}` is answered in the family's own words", q.id),
                    );
                }
                (None, true) => ensure(a.text.is_some(), AuditRule::FamilyQuestionnaire, || {
                    format!("write the family's answer to `{}`", q.id)
                })?,
            }
        }
        Ok(())
    }

    fn action_open(&self, no: ActionNo) -> Result<&crate::audit::Action, AuditViolation> {
        let Some(a) = self.audit.action(no) else {
            return refuse(AuditRule::UnknownAction, format!("no action number {no}"));
        };
        ensure(
            a.completed.is_none(),
            AuditRule::ActionAlreadyCompleted,
            || format!("action {no} is already completed"),
        )?;
        Ok(a)
    }

    fn complete(&self) -> Result<(), AuditViolation> {
        let a = self.audit;
        let t = self.ctx.template;
        let mut missing: Vec<String> = self
            .ungraded()
            .into_iter()
            .map(|s| format!("section {s}"))
            .collect();
        if a.overall.is_none() {
            missing.push("the overall grade".to_owned());
        }
        if a.findings.is_empty() {
            missing.push("a strength or an area for development".to_owned());
        }
        if !t.reflection.is_empty() {
            if a.reflection.is_none() {
                missing.push("the worker's reflection".to_owned());
            } else if a.discussion.is_none() {
                missing.push("the discussion of the reflection".to_owned());
            }
        }
        if !t.family_questions.is_empty() && a.feedback.is_none() {
            missing.push("the family's feedback, or why it was not taken".to_owned());
        }
        if t.partner_auditors && a.partners.is_empty() {
            missing.push("a partner agency's auditor".to_owned());
        }
        for c in &a.concerns {
            for r in ConcernRecipient::ALL {
                if c.notice(*r).is_none() {
                    missing.push(format!(
                        "concern {} told to the {}",
                        c.no,
                        r.label().to_lowercase()
                    ));
                }
            }
        }
        ensure(missing.is_empty(), AuditRule::AuditIncomplete, || {
            format!("still to do: {}", missing.join("; "))
        })
    }

    fn same_sections(
        &self,
        sections: &[SectionGrade],
        overall: Grade,
    ) -> Result<(), AuditViolation> {
        self.scale(overall)?;
        let mut seen = BTreeSet::new();
        for s in sections {
            self.scale(s.grade)?;
            ensure(
                self.audit.sections.contains_key(&s.section) && seen.insert(&s.section),
                AuditRule::RegradeIncomplete,
                || format!("`{}` is not a section the auditor graded, once", s.section),
            )?;
        }
        ensure(
            seen.len() == self.audit.sections.len(),
            AuditRule::RegradeIncomplete,
            || "grade every section the auditor graded".to_owned(),
        )
    }
}

fn current_allocation(r: &ChildRecord, t: Timestamp) -> Option<&hearth_domain::child::Allocation> {
    r.allocations
        .iter()
        .rev()
        .find(|a| a.mark.at <= t)
        .filter(|a| a.ended.is_none_or(|e| e.at > t))
}

/// The worker allocated to a child at an instant, or their personal adviser.
pub fn worker_at(r: &ChildRecord, t: Timestamp) -> Option<StaffId> {
    current_allocation(r, t)
        .map(|a| a.worker.clone())
        .or_else(|| {
            r.care_leaver
                .advisers
                .iter()
                .rev()
                .find(|(m, _)| m.at <= t)
                .map(|(_, s)| s.clone())
        })
}
