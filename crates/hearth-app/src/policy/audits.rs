//! Who may see and do what in practice assurance: part of the one policy module.
//!
//! - Running the month's selection, assigning auditors and the QA lead's view (the figures,
//!   the quarterly report) are for the roles that coordinate audits: the QA lead, the
//!   performance team, group managers, the head of service and the director (assistant
//!   director in the record's roles). They are [`may_coordinate_audits`].
//! - An audit is seen by those who coordinate audits; by its auditor, second auditor and
//!   whoever recorded on it; by the child's worker and the managers above them (not the rest
//!   of a team, and never another team); by the reviewing officer it was copied to; by the
//!   owner of one of its actions and whoever was told of one of its safety concerns; and,
//!   for an audit of a practitioner, by the practitioner and their managers. A second
//!   auditor sees no grade of the first until their own blind regrade is recorded.
//! - The auditor's and second auditor's sight of the child's record is a relationship of its
//!   own ([`super::Relationship::Auditor`]), held from assignment until their part of the
//!   audit is done, and every view under it is logged like any other.

use hearth_assurance::{Audit, AuditId, Sight as AuditSight};
use hearth_domain::codes::StaffRole;
use hearth_domain::directory::MemoryDirectory;
use hearth_domain::{ChildId, Timestamp};

use super::{Relationship, manages};
use crate::principal::Principal;

/// How the principal is connected to an audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAccess {
    /// Coordinates audits (QA lead, performance team, group manager, head of service,
    /// director).
    Coordinator,
    /// The auditor (now or before).
    Auditor,
    /// The second auditor of a blind regrade.
    SecondAuditor,
    /// The child's worker, or the practitioner audited.
    Worker,
    /// A manager above the worker or the practitioner.
    Manager,
    /// The reviewing officer the audit was copied to.
    ReviewingOfficer,
    /// Owns an improvement action, or was told of a safety concern, or recorded on it.
    Named,
}

/// Proof that the principal's sight of one audit was decided. Only the application's audit
/// reads make one.
#[derive(Debug, Clone)]
pub struct AuditPermit {
    audit: AuditId,
    access: AuditAccess,
    blind: bool,
}

impl AuditPermit {
    pub(crate) fn new(audit: AuditId, access: AuditAccess, blind: bool) -> AuditPermit {
        AuditPermit {
            audit,
            access,
            blind,
        }
    }

    /// The audit.
    pub fn audit(&self) -> &AuditId {
        &self.audit
    }

    /// Why it may be seen.
    pub fn access(&self) -> AuditAccess {
        self.access
    }

    /// Whether the first auditor's grades, reasons and findings are hidden (a second
    /// auditor before their blind regrade is recorded).
    pub fn blind(&self) -> bool {
        self.blind
    }
}

/// Leave to record on one audit. What each entry needs of whom (the auditor grades, the
/// worker reflects, the head of service exempts) is the audit record's own rules, checked
/// with every command.
#[derive(Debug, Clone)]
pub struct AuditWritePermit {
    audit: AuditId,
    principal: Principal,
}

impl AuditWritePermit {
    /// The audit.
    pub fn audit(&self) -> &AuditId {
        &self.audit
    }

    /// Who records.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }
}

/// Leave to run selections, assign auditors and read the QA lead's figures.
#[derive(Debug, Clone)]
pub struct CoordinatePermit {
    principal: Principal,
}

impl CoordinatePermit {
    /// Who coordinates.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }
}

/// The roles that coordinate audits (as the audit record's `needs-coordinator` rule says).
pub fn may_coordinate_audits(user: &Principal) -> bool {
    matches!(
        user.role,
        StaffRole::QualityAssuranceLead
            | StaffRole::PerformanceAnalyst
            | StaffRole::GroupManager
            | StaffRole::HeadOfService
            | StaffRole::AssistantDirector
    )
}

/// Leave to coordinate audits.
pub fn to_coordinate_audits(user: &Principal) -> Option<CoordinatePermit> {
    may_coordinate_audits(user).then(|| CoordinatePermit {
        principal: user.clone(),
    })
}

/// Who may exempt an audit from its deadline for leave: the head of service or the
/// director, as the audit record's `exemption-needs-head-of-service` rule says.
pub fn may_exempt_audits(user: &Principal) -> bool {
    matches!(
        user.role,
        StaffRole::HeadOfService | StaffRole::AssistantDirector
    )
}

/// Whose work starts from practice assurance rather than My work: the QA lead's.
pub fn lands_on_assurance(user: &Principal) -> bool {
    user.role == StaffRole::QualityAssuranceLead
}

/// The pure decision: how `user` is connected to `audit`, given how they are connected to
/// its child (from the child policy, none when they may not see the child or the audit is of
/// a practitioner).
pub fn sees_audit(
    user: &Principal,
    audit: &Audit,
    child: Option<Relationship>,
    workforce: &MemoryDirectory,
) -> Option<AuditAccess> {
    if user.role == StaffRole::Administrator {
        return None;
    }
    let me = &user.staff;
    if audit.assignments.iter().any(|a| &a.auditor == me) {
        return Some(AuditAccess::Auditor);
    }
    if audit.regrade.as_ref().is_some_and(|r| &r.auditor == me) {
        return Some(AuditAccess::SecondAuditor);
    }
    if may_coordinate_audits(user) {
        return Some(AuditAccess::Coordinator);
    }
    match child {
        Some(Relationship::Allocated) => return Some(AuditAccess::Worker),
        Some(Relationship::ManagerChain) => return Some(AuditAccess::Manager),
        _ => {}
    }
    if let Some(practitioner) = audit.subject().and_then(|s| s.practitioner()) {
        if practitioner == me {
            return Some(AuditAccess::Worker);
        }
        if manages(me, practitioner, workforce) {
            return Some(AuditAccess::Manager);
        }
    }
    if user.role == StaffRole::ReviewingOfficer && audit.copies.iter().any(|(o, _)| o == me) {
        return Some(AuditAccess::ReviewingOfficer);
    }
    let owns_action = audit.actions.iter().any(|a| {
        matches!(&a.owner, hearth_assurance::event::ActionOwner::Staff { staff } if staff == me)
    });
    let told = audit
        .concerns
        .iter()
        .any(|c| c.notices.iter().any(|n| &n.staff == me));
    let reflected = audit.reflection.as_ref().is_some_and(|r| &r.worker == me);
    if owns_action || told || reflected {
        return Some(AuditAccess::Named);
    }
    None
}

/// Whether a second auditor is still to grade blind: they see none of the first grades.
pub fn blind(access: AuditAccess, audit: &Audit) -> bool {
    access == AuditAccess::SecondAuditor
        && audit.regrade.as_ref().is_some_and(|r| r.grades.is_none())
}

/// Leave to record on an audit the principal may see.
pub fn to_record_on_audit(user: &Principal, read: &AuditPermit) -> Option<AuditWritePermit> {
    (user.role != StaffRole::Administrator).then(|| AuditWritePermit {
        audit: read.audit.clone(),
        principal: user.clone(),
    })
}

/// The auditor's time-limited sight of a child's record: an assigned auditor or second
/// auditor, while their part of one of the child's audits lasts.
pub fn audit_sight(
    user: &Principal,
    child: &ChildId,
    sights: &[AuditSight],
    now: Timestamp,
) -> Option<Relationship> {
    sights
        .iter()
        .any(|s| &s.child == child && s.staff == user.staff && s.holds_at(now))
        .then_some(Relationship::Auditor)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use hearth_domain::{StaffId, TeamId};

    fn user(staff: &str, role: StaffRole) -> Principal {
        Principal {
            staff: StaffId::parse(staff).unwrap(),
            role,
            team: TeamId::parse("T1").unwrap(),
        }
    }

    fn at(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn an_auditors_sight_of_the_child_holds_only_while_their_part_lasts() {
        let child = ChildId::parse("C1").unwrap();
        let sight = AuditSight {
            staff: StaffId::parse("TM2").unwrap(),
            child: child.clone(),
            from: at("2025-06-02T09:00:00Z"),
            until: Some(at("2025-06-10T09:00:00Z")),
        };
        let auditor = user("TM2", StaffRole::TeamManager);
        let other = user("TM3", StaffRole::TeamManager);
        let sights = [sight];
        assert_eq!(
            audit_sight(&auditor, &child, &sights, at("2025-06-05T09:00:00Z")),
            Some(Relationship::Auditor)
        );
        assert_eq!(
            audit_sight(&auditor, &child, &sights, at("2025-06-10T09:00:00Z")),
            None
        );
        assert_eq!(
            audit_sight(&auditor, &child, &sights, at("2025-06-01T09:00:00Z")),
            None
        );
        assert_eq!(
            audit_sight(&other, &child, &sights, at("2025-06-05T09:00:00Z")),
            None
        );
        let another_child = ChildId::parse("C2").unwrap();
        assert_eq!(
            audit_sight(
                &auditor,
                &another_child,
                &sights,
                at("2025-06-05T09:00:00Z")
            ),
            None
        );
    }

    #[test]
    fn only_the_coordinating_roles_coordinate() {
        for role in StaffRole::ALL.iter().copied() {
            let expected = matches!(
                role,
                StaffRole::QualityAssuranceLead
                    | StaffRole::PerformanceAnalyst
                    | StaffRole::GroupManager
                    | StaffRole::HeadOfService
                    | StaffRole::AssistantDirector
            );
            assert_eq!(
                may_coordinate_audits(&user("X1", role)),
                expected,
                "{role:?}"
            );
        }
    }
}
