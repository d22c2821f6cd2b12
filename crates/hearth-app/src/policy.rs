//! Who may see and do what: decided here and nowhere else, and denied unless a relationship
//! allows it. A caller gets a child's record only by asking [`crate::App::view_child`], which
//! decides with this module, writes the access-log row in the same transaction as the read,
//! and hands back a [`ReadPermit`] that nothing outside this crate can make. What may be
//! recorded on a child is decided from that permit's relationship, and the rest (who
//! registers children, who manages accounts, who sees the team's and the reviewing
//! officers' pages) from the principal's role.
//!
//! The relationships, in the order they are tried:
//! - the child's worker (the current allocation, or the last one for a closed case), or a
//!   care leaver's personal adviser;
//! - a member of that worker's team;
//! - a manager above the worker, following line managers upwards;
//! - a reviewing officer who has recorded on the child's record (chaired a conference or
//!   review, or written a report), or who is named to chair a conference or review booked
//!   for the child and not called off;
//! - for a child waiting for a worker: any manager (managers allocate); and, while the
//!   child has never had a worker, whoever recorded on the record (the worker who
//!   registered the child);
//! - a role that oversees the whole service: quality assurance lead, performance analyst,
//!   head of service, assistant director;
//! - while a transfer waits, a manager of the team asked to take the child (to read the
//!   transfer summary, then allocate or decline); while cover is in force, the buddy
//!   covering the worker's leave, who may record as the worker would.
//!
//! A restricted record (the child of a member of staff, a case in the public eye, an
//! adoption the birth family must not trace) is seen only by the allocated worker or
//! personal adviser, the managers above them, the staff the restriction names, the manager
//! who restricted it, and the head of service and assistant director. The team, reviewing
//! officers, the service-wide readers and managers elsewhere are told, as for any child they
//! may not see, that there is no such page. Pages that list children from the caseload
//! projection ask [`crate::App::hidden`] which restricted children to leave out.
//!
//! The decision reads only a few facts of the record ([`Sight`]): the latest worker and
//! adviser, whether the child waits for one, the restriction, who has recorded and who is
//! to chair. The store keeps them for every child as a projection, so that search and the
//! duplicate warnings decide for hundreds of children without reading each record
//! ([`crate::App::sights`]); a view decides from the record it reads, through the same
//! function.
//!
//! An administrator manages accounts and has no sight of children's records.

use hearth_domain::codes::StaffRole;
use hearth_domain::directory::MemoryDirectory;
use hearth_domain::{Actor, ChildId, ChildRecord, StaffId, TeamId};
use hearth_store::sight::Restricted;
pub use hearth_store::sight::Sight;

use crate::principal::Principal;

mod audits;
pub use audits::{
    AuditAccess, AuditPermit, AuditWritePermit, CoordinatePermit, audit_sight, blind,
    lands_on_assurance, may_coordinate_audits, may_exempt_audits, sees_audit, to_coordinate_audits,
    to_record_on_audit,
};

/// How the principal is connected to the child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relationship {
    /// The child's allocated worker, or a care leaver's personal adviser.
    Allocated,
    /// In the allocated worker's team.
    SameTeam,
    /// A manager above the allocated worker.
    ManagerChain,
    /// A reviewing officer who has recorded on the child's record.
    ReviewingOfficer,
    /// The child is waiting for a worker, and the user is a manager or recorded on the
    /// record.
    AwaitingAllocation,
    /// A role with sight of the whole service.
    ServiceWide,
    /// The record is restricted, and the user restricted it or is named on the restriction.
    NamedOnRestriction,
    /// An auditor or second auditor of one of the child's audits, while their part lasts:
    /// they read, and record nothing on the child.
    Auditor,
    /// A manager of the team a waiting transfer asks to take the child.
    TransferReceiving,
    /// The buddy covering the worker's leave, while the cover is in force.
    Cover,
}

/// Proof that access to one child was decided and logged. Only [`crate::App::view_child`]
/// makes one.
#[derive(Debug, Clone)]
pub struct ReadPermit {
    child: ChildId,
    relationship: Relationship,
}

impl ReadPermit {
    pub(crate) fn new(child: ChildId, relationship: Relationship) -> Self {
        ReadPermit {
            child,
            relationship,
        }
    }

    /// The child it is for.
    pub fn child(&self) -> &ChildId {
        &self.child
    }

    /// Why access was allowed.
    pub fn relationship(&self) -> Relationship {
        self.relationship
    }
}

/// Leave to write to one child's record, as one principal: made only by the decisions below,
/// each from a [`ReadPermit`] (or, for a new child, from the principal's role), and asked
/// for by every command that writes to a child.
#[derive(Debug, Clone)]
pub struct WritePermit {
    child: Option<ChildId>,
    principal: Principal,
}

impl WritePermit {
    fn on(read: &ReadPermit, principal: &Principal) -> WritePermit {
        WritePermit {
            child: Some(read.child.clone()),
            principal: principal.clone(),
        }
    }

    /// The child it is for; none for a child not yet registered.
    pub fn child(&self) -> Option<&ChildId> {
        self.child.as_ref()
    }

    /// Who writes.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }
}

/// Leave to record a form for `who` on the child `read` was given for.
pub fn to_record(user: &Principal, read: &ReadPermit, who: Who) -> Option<WritePermit> {
    may_record(who, user, read.relationship).then(|| WritePermit::on(read, user))
}

/// Leave to correct an entry recorded by `by`.
pub fn to_correct(user: &Principal, read: &ReadPermit, by: &Actor) -> Option<WritePermit> {
    may_correct(user, read.relationship, by).then(|| WritePermit::on(read, user))
}

/// Leave to authorise (an assessment, an allocation).
pub fn to_authorise(user: &Principal, read: &ReadPermit) -> Option<WritePermit> {
    may_authorise(user, read.relationship).then(|| WritePermit::on(read, user))
}

/// Leave to change the child's details, address, network and professionals.
pub fn to_amend(user: &Principal, read: &ReadPermit) -> Option<WritePermit> {
    may_amend(user, read.relationship).then(|| WritePermit::on(read, user))
}

/// Leave to register a new child.
pub fn to_register(user: &Principal) -> Option<WritePermit> {
    may_register(user).then(|| WritePermit {
        child: None,
        principal: user.clone(),
    })
}

/// Roles that see every child.
fn service_wide(role: StaffRole) -> bool {
    matches!(
        role,
        StaffRole::QualityAssuranceLead
            | StaffRole::PerformanceAnalyst
            | StaffRole::HeadOfService
            | StaffRole::AssistantDirector
    )
}

/// The pure decision: how `user` is connected to the child whose record this is, if at all.
pub fn relationship(
    user: &Principal,
    record: &ChildRecord,
    workforce: &MemoryDirectory,
) -> Option<Relationship> {
    sees(user, &Sight::of(record), workforce)
}

/// The same decision from the facts of the record that it turns on, wherever they were read.
pub fn sees(user: &Principal, sight: &Sight, workforce: &MemoryDirectory) -> Option<Relationship> {
    if user.role == StaffRole::Administrator {
        return None;
    }
    // The social worker (current, or last for a closed case) and a care leaver's personal
    // adviser, with the team each was in.
    let workers: Vec<(&StaffId, Option<&TeamId>)> = sight
        .worker
        .iter()
        .map(|(w, t)| (w, Some(t)))
        .chain(sight.adviser.iter().map(|pa| (pa, None)))
        .collect();
    if workers.iter().any(|(w, _)| **w == user.staff) {
        return Some(Relationship::Allocated);
    }
    if let Some(restriction) = &sight.restriction {
        return restricted(user, restriction, &workers, workforce);
    }
    if sight.cover.as_ref() == Some(&user.staff) {
        return Some(Relationship::Cover);
    }
    for (worker, allocated_team) in &workers {
        let team = workforce.staff.get(worker).map(|w| &w.team);
        if team == Some(&user.team) || *allocated_team == Some(&user.team) {
            return Some(Relationship::SameTeam);
        }
    }
    if workers
        .iter()
        .any(|(w, _)| manages(&user.staff, w, workforce))
    {
        return Some(Relationship::ManagerChain);
    }
    let recorded = sight.recorded_by.contains(&user.staff);
    // The chair of a conference booked for a child awaiting it may prepare for it before
    // anything they record on the child gives them sight.
    if user.role == StaffRole::ReviewingOfficer && (recorded || sight.chairs.contains(&user.staff))
    {
        return Some(Relationship::ReviewingOfficer);
    }
    if service_wide(user.role) {
        return Some(Relationship::ServiceWide);
    }
    if user.role.is_manager() && sight.transfer_to.as_ref() == Some(&user.team) {
        return Some(Relationship::TransferReceiving);
    }
    // Managers allocate, so they see every child waiting for a worker. Whoever registered or
    // recorded on a child sees it only while it has never had a worker: once it has, the
    // relationships above decide, and an earlier worker's entries give no lasting access.
    let never_allocated = sight.never_allocated();
    if (user.role.is_manager() && (sight.waiting || never_allocated))
        || (never_allocated && recorded)
    {
        return Some(Relationship::AwaitingAllocation);
    }
    None
}

/// Sight of a restricted record, for anyone but its worker or adviser: the managers above
/// them, whoever restricted it and the staff it names, and the two most senior roles. Nothing
/// else (team, reviewing officer, the service-wide readers, a manager with a child waiting)
/// reaches it.
fn restricted(
    user: &Principal,
    restriction: &Restricted,
    workers: &[(&StaffId, Option<&TeamId>)],
    workforce: &MemoryDirectory,
) -> Option<Relationship> {
    if workers
        .iter()
        .any(|(w, _)| manages(&user.staff, w, workforce))
    {
        return Some(Relationship::ManagerChain);
    }
    if restriction.by == user.staff || restriction.permitted.contains(&user.staff) {
        return Some(Relationship::NamedOnRestriction);
    }
    if matches!(
        user.role,
        StaffRole::HeadOfService | StaffRole::AssistantDirector
    ) {
        return Some(Relationship::ServiceWide);
    }
    None
}

/// Whether `manager` is above `worker` in the line-management chain.
fn manages(manager: &StaffId, worker: &StaffId, workforce: &MemoryDirectory) -> bool {
    let mut current = workforce
        .staff
        .get(worker)
        .and_then(|w| w.line_manager.as_ref());
    // A chain longer than any real service has, so a loop in the data cannot hang a request.
    for _ in 0..16 {
        match current {
            Some(m) if m == manager => return true,
            Some(m) => current = workforce.staff.get(m).and_then(|s| s.line_manager.as_ref()),
            None => return false,
        }
    }
    false
}

/// Whose figures a reader of the performance digest sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestScope {
    /// The whole service's: the roles that oversee it.
    Service,
    /// Figures over only the children the reader may see, marked as partial: a manager of
    /// teams.
    TheirChildren,
}

/// Leave to read the performance digest, and whose figures.
#[derive(Debug, Clone)]
pub struct DigestPermit {
    principal: Principal,
    scope: DigestScope,
}

impl DigestPermit {
    /// Who holds it.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// Whose figures they see.
    pub fn scope(&self) -> DigestScope {
        self.scope
    }
}

/// Leave to read the performance digest. The roles that oversee the service (quality
/// assurance lead, performance analyst, head of service, assistant director) see the
/// service's figures; team and group managers see figures over the children they may see.
/// Either way, a list of the children behind a figure holds only children the reader may
/// see. Workers, reviewing officers and administrators have no digest.
pub fn to_read_digest(user: &Principal) -> Option<DigestPermit> {
    let scope = if service_wide(user.role) {
        DigestScope::Service
    } else if matches!(user.role, StaffRole::TeamManager | StaffRole::GroupManager) {
        DigestScope::TheirChildren
    } else {
        return None;
    };
    Some(DigestPermit {
        principal: user.clone(),
        scope,
    })
}

/// Whether the user has the performance digest (for the page header's link).
pub fn may_read_digest(user: &Principal) -> bool {
    to_read_digest(user).is_some()
}

/// Leave to build and download the statutory returns.
#[derive(Debug, Clone)]
pub struct ReturnsPermit {
    principal: Principal,
}

impl ReturnsPermit {
    /// Who holds it.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }
}

/// Leave to build and download the statutory returns (the CIN census, the SSDA903, Annex
/// A): the performance analyst, who makes them, and the head of service and assistant
/// director, who answer for them. A return holds every child it counts, restricted records
/// included, as the law requires, so it is not for anyone else.
pub fn to_download_returns(user: &Principal) -> Option<ReturnsPermit> {
    matches!(
        user.role,
        StaffRole::PerformanceAnalyst | StaffRole::HeadOfService | StaffRole::AssistantDirector
    )
    .then(|| ReturnsPermit {
        principal: user.clone(),
    })
}

/// Accounts (sign-ins) are managed by an administrator, who sees no child's record.
pub fn may_manage_accounts(user: &Principal) -> bool {
    user.role == StaffRole::Administrator
}

/// Who may record a form, given that they may see the child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Those who work with the child.
    Workers,
    /// Managers only: a management decision.
    Managers,
}

/// Whether this principal, connected to the child this way, may record what `who` says.
/// Roles that oversee the service read; those who work with the child record; only managers
/// make management decisions, and a reviewing officer is independent of the line.
pub fn may_record(who: Who, user: &Principal, relationship: Relationship) -> bool {
    match who {
        Who::Managers => {
            user.role.is_manager()
                && !matches!(
                    relationship,
                    Relationship::ReviewingOfficer | Relationship::Auditor
                )
        }
        Who::Workers => {
            matches!(
                relationship,
                Relationship::Allocated
                    | Relationship::SameTeam
                    | Relationship::ManagerChain
                    | Relationship::AwaitingAllocation
                    | Relationship::ReviewingOfficer
                    | Relationship::Cover
                    | Relationship::TransferReceiving
            ) || (relationship == Relationship::ServiceWide
                && user.role == StaffRole::HeadOfService)
                // Named on a restriction to work with the child; those who only read still
                // only read.
                || (relationship == Relationship::NamedOnRestriction
                    && !matches!(
                        user.role,
                        StaffRole::QualityAssuranceLead | StaffRole::PerformanceAnalyst
                    ))
        }
    }
}

/// Whether this principal may correct an entry recorded by `by`: whoever recorded it, or a
/// manager, and in either case only someone who may record on the child.
pub fn may_correct(user: &Principal, relationship: Relationship, by: &Actor) -> bool {
    may_record(Who::Workers, user, relationship)
        && (by.staff() == Some(&user.staff) || may_record(Who::Managers, user, relationship))
}

/// Managers connected to the child authorise (an assessment, an allocation); a reviewing
/// officer never does.
pub fn may_authorise(user: &Principal, relationship: Relationship) -> bool {
    user.role.is_manager()
        && !matches!(
            relationship,
            Relationship::ReviewingOfficer | Relationship::Auditor
        )
}

/// Whether this principal may change the child's details, address, family and network and
/// professionals: whoever may record on the child.
pub fn may_amend(user: &Principal, relationship: Relationship) -> bool {
    may_record(Who::Workers, user, relationship)
}

/// Social workers and managers register children.
pub fn may_register(user: &Principal) -> bool {
    user.role == StaffRole::SocialWorker || user.role.is_manager()
}

/// The team's page (caseloads, allocation, the team's due work) is for managers; anyone else
/// is told there is no such page.
pub fn may_see_team(user: &Principal) -> bool {
    user.role.is_manager()
}

/// The reviewing page: reviewing officers, and the managers and head of service who answer
/// to their findings.
pub fn may_see_reviewing(user: &Principal) -> bool {
    user.role == StaffRole::ReviewingOfficer || user.role.is_manager()
}

/// A team manager's own work is the team's caseload; everyone else's is their own.
pub fn works_the_team_caseload(user: &Principal) -> bool {
    user.role == StaffRole::TeamManager
}

/// Roles whose work is overseeing others' rather than holding cases.
pub fn oversees_others(user: &Principal) -> bool {
    matches!(
        user.role,
        StaffRole::HeadOfService
            | StaffRole::AssistantDirector
            | StaffRole::ReviewingOfficer
            | StaffRole::QualityAssuranceLead
            | StaffRole::PerformanceAnalyst
    )
}

// ---------------------------------------------------------------------------------------
// Oversight above the caseload: supervision and the service view.

/// Leave to act on one worker's supervision file, as one principal: made only by the
/// decisions below, and asked for by every command that writes to the file.
#[derive(Debug, Clone)]
pub struct SupervisionPermit {
    worker: StaffId,
    principal: Principal,
    supervises: bool,
}

impl SupervisionPermit {
    /// Whose file it is.
    pub fn worker(&self) -> &StaffId {
        &self.worker
    }

    /// Who acts.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// Acting as the worker's supervisor (a manager above them), not as the worker.
    pub fn supervises(&self) -> bool {
        self.supervises
    }
}

/// A manager supervises the workers below them in the line: their own reports, and (to
/// cover an absence) those of the managers below them.
pub fn may_supervise(user: &Principal, worker: &StaffId, workforce: &MemoryDirectory) -> bool {
    user.role.is_manager() && manages(&user.staff, worker, workforce)
}

/// A worker's supervision file is seen by the worker and the managers above them, and by no
/// one else: not the team, not the service-wide readers.
pub fn may_see_supervision(
    user: &Principal,
    worker: &StaffId,
    workforce: &MemoryDirectory,
) -> bool {
    user.staff == *worker || manages(&user.staff, worker, workforce)
}

/// Leave to record a session for `worker`.
pub fn to_supervise(
    user: &Principal,
    worker: &StaffId,
    workforce: &MemoryDirectory,
) -> Option<SupervisionPermit> {
    may_supervise(user, worker, workforce).then(|| SupervisionPermit {
        worker: worker.clone(),
        principal: user.clone(),
        supervises: true,
    })
}

/// Leave to acknowledge a session's record: the worker's alone.
pub fn to_acknowledge(user: &Principal, worker: &StaffId) -> Option<SupervisionPermit> {
    (user.staff == *worker).then(|| SupervisionPermit {
        worker: worker.clone(),
        principal: user.clone(),
        supervises: false,
    })
}

/// Leave to record an action done: its owner, or a manager above the worker.
pub fn to_complete_action(
    user: &Principal,
    worker: &StaffId,
    owner: &StaffId,
    workforce: &MemoryDirectory,
) -> Option<SupervisionPermit> {
    let supervises = may_supervise(user, worker, workforce);
    (supervises || user.staff == *owner).then(|| SupervisionPermit {
        worker: worker.clone(),
        principal: user.clone(),
        supervises,
    })
}

/// The service view (every team's caseloads, queues, overdue work and supervision) is for
/// the head of service and the assistant director.
pub fn may_see_service(user: &Principal) -> bool {
    matches!(
        user.role,
        StaffRole::HeadOfService | StaffRole::AssistantDirector
    )
}

/// Whether `manager` is above `worker` in the line: for the oversight queries, which list
/// the workers a manager oversees.
pub fn is_above(manager: &StaffId, worker: &StaffId, workforce: &MemoryDirectory) -> bool {
    manages(manager, worker, workforce)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn user(staff: &str, role: StaffRole, team: &str) -> Principal {
        Principal {
            staff: StaffId::parse(staff).unwrap(),
            role,
            team: TeamId::parse(team).unwrap(),
        }
    }

    fn staff(ids: &[&str]) -> std::collections::BTreeSet<StaffId> {
        ids.iter().map(|s| StaffId::parse(s).unwrap()).collect()
    }

    #[test]
    fn the_chair_of_a_booked_conference_sees_the_child_and_no_other_reviewing_officer_does() {
        let workforce = MemoryDirectory::default();
        let (chair, other) = (
            user("RO1", StaffRole::ReviewingOfficer, "TIRO"),
            user("RO2", StaffRole::ReviewingOfficer, "TIRO"),
        );
        // Allocated in another team, with an initial conference booked and RO1 to chair it.
        let sight = Sight {
            worker: Some((
                StaffId::parse("SW1").unwrap(),
                TeamId::parse("TSC1").unwrap(),
            )),
            recorded_by: staff(&["SW1", "TM1"]),
            chairs: staff(&["RO1"]),
            ..Sight::default()
        };
        assert_eq!(
            sees(&chair, &sight, &workforce),
            Some(Relationship::ReviewingOfficer)
        );
        assert_eq!(sees(&other, &sight, &workforce), None);
        // Naming someone who is not a reviewing officer gives them nothing by it.
        let worker = user("SW9", StaffRole::SocialWorker, "TRA1");
        let named = Sight {
            chairs: staff(&["SW9"]),
            ..sight.clone()
        };
        assert_eq!(sees(&worker, &named, &workforce), None);
        // A restricted record is not reached by chairing.
        let restricted = Sight {
            restriction: Some(Restricted {
                by: StaffId::parse("TM1").unwrap(),
                permitted: Vec::new(),
            }),
            ..sight
        };
        assert_eq!(sees(&chair, &restricted, &workforce), None);
    }

    /// Issue 17's access matrix for handovers: the buddy covering leave and the manager of
    /// the team a transfer waits for, and no one else by those routes.
    #[test]
    fn cover_and_a_waiting_transfer_open_the_record_to_the_buddy_and_the_receiving_manager() {
        let workforce = MemoryDirectory::default();
        let worker = (
            StaffId::parse("SW1").unwrap(),
            TeamId::parse("TSC1").unwrap(),
        );
        let plain = Sight {
            worker: Some(worker.clone()),
            ..Sight::default()
        };
        let handed = Sight {
            transfer_to: Some(TeamId::parse("TLA1").unwrap()),
            cover: Some(StaffId::parse("SW3").unwrap()),
            ..plain.clone()
        };
        let buddy = user("SW3", StaffRole::SocialWorker, "TRA1");
        let receiving = user("TM2", StaffRole::TeamManager, "TLA1");
        let receiving_worker = user("SW2", StaffRole::SocialWorker, "TLA1");
        let elsewhere = user("TM9", StaffRole::TeamManager, "TRA9");
        // (who, sight, relationship, records as a worker, decides as a manager)
        let matrix = [
            (&buddy, &handed, Some(Relationship::Cover), true, false),
            (&buddy, &plain, None, false, false),
            (
                &receiving,
                &handed,
                Some(Relationship::TransferReceiving),
                true,
                true,
            ),
            (&receiving, &plain, None, false, false),
            (&receiving_worker, &handed, None, false, false),
            (&elsewhere, &handed, None, false, false),
        ];
        for (who, sight, want, records, decides) in matrix {
            let got = sees(who, sight, &workforce);
            assert_eq!(got, want, "{} on {sight:?}", who.staff);
            if let Some(r) = got {
                assert_eq!(may_record(Who::Workers, who, r), records, "{}", who.staff);
                assert_eq!(may_authorise(who, r), decides, "{}", who.staff);
            }
        }
        // A restricted record is not reached by covering it.
        let restricted = Sight {
            restriction: Some(Restricted {
                by: StaffId::parse("TM1").unwrap(),
                permitted: Vec::new(),
            }),
            ..handed
        };
        assert_eq!(sees(&buddy, &restricted, &workforce), None);
    }
}
