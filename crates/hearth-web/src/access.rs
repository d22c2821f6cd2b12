//! Who may see a child's record: decided here and nowhere else, and denied unless a
//! relationship allows it. A handler gets a child's record only by asking [`view_child`],
//! which decides, writes the access-log row in the same transaction as the read, and hands
//! back a [`Permit`] that nothing else can make.
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
//!   head of service, assistant director.
//!
//! A restricted record (the child of a member of staff, a case in the public eye, an
//! adoption the birth family must not trace) is seen only by the allocated worker or
//! personal adviser, the managers above them, the staff the restriction names, the manager
//! who restricted it, and the head of service and assistant director. The team, reviewing
//! officers, the service-wide readers and managers elsewhere are told, as for any child they
//! may not see, that there is no such page. Pages that list children from the caseload
//! projection ask [`hidden`] which restricted children to leave out.
//!
//! The decision reads only a few facts of the record ([`Sight`]): the latest worker and
//! adviser, whether the child waits for one, the restriction, who has recorded and who is
//! to chair. The store keeps them for every child as a projection, so that search and the
//! duplicate warnings decide for hundreds of children without reading each record
//! ([`sights`]); a view decides from the record it reads, through the same function.
//!
//! An administrator manages accounts and has no sight of children's records.

use hearth_domain::codes::StaffRole;
use hearth_domain::directory::MemoryDirectory;
use hearth_domain::{ChildId, ChildRecord, ChildStream, StaffId, StreamId, TeamId};
use hearth_store::AccessEntry;
use hearth_store::sight::Restricted;
pub use hearth_store::sight::Sight;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::auth::User;
use crate::due::Due;
use crate::error::WebError;
use crate::state::AppState;
use crate::streams::extended;

/// How the user is connected to the child.
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
}

impl Relationship {
    /// Shown on the record, so people can see why they have access.
    pub fn describe(self) -> &'static str {
        match self {
            Relationship::Allocated => "you are the allocated worker or personal adviser",
            Relationship::SameTeam => "you are in the allocated worker's team",
            Relationship::ManagerChain => "you manage the allocated worker",
            Relationship::ReviewingOfficer => "you are a reviewing officer for this child",
            Relationship::AwaitingAllocation => {
                "the child is waiting for a worker and you are a manager or recorded on the record"
            }
            Relationship::ServiceWide => "your role oversees the whole service",
            Relationship::NamedOnRestriction => {
                "the record is restricted and you restricted it or are named on the restriction"
            }
        }
    }
}

/// Proof that access to one child was decided and logged. Only [`view_child`] makes one.
#[derive(Debug, Clone)]
pub struct Permit {
    child: ChildId,
    relationship: Relationship,
}

impl Permit {
    /// The child it is for.
    pub fn child(&self) -> &ChildId {
        &self.child
    }

    /// Why access was allowed.
    pub fn relationship(&self) -> Relationship {
        self.relationship
    }
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
    user: &User,
    record: &ChildRecord,
    workforce: &MemoryDirectory,
) -> Option<Relationship> {
    sees(user, &Sight::of(record), workforce)
}

/// The same decision from the facts of the record that it turns on, wherever they were read.
pub fn sees(user: &User, sight: &Sight, workforce: &MemoryDirectory) -> Option<Relationship> {
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
    user: &User,
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

/// The restricted children among those a page would list from the caseload projection that
/// `user` may not see. The projection does not know about restrictions; each child's kept
/// summary does, so only restricted children (a few in a thousand) are read to decide.
pub async fn hidden(
    state: &AppState,
    user: &User,
    due: &HashMap<ChildId, Arc<Due>>,
) -> Result<HashSet<ChildId>, WebError> {
    let mut out = HashSet::new();
    for (id, d) in due {
        if !d.restricted {
            continue;
        }
        let visible = match current(state, id).await? {
            Some(stream) => {
                let workforce = state.workforce.read().await;
                relationship(user, stream.record(), &workforce).is_some()
            }
            None => false,
        };
        if !visible {
            out.insert(id.clone());
        }
    }
    Ok(out)
}

/// The facts that decide who may see each of `children` who exists: from the store's
/// projection, and for a child it has no row for (a record not written since the projection
/// was added) from the record as it stands. Decide with [`sees`]; nothing is logged, as
/// nothing of a record is shown.
pub async fn sights(
    state: &AppState,
    children: &[ChildId],
) -> Result<HashMap<ChildId, Sight>, WebError> {
    let mut out = state.records.store().sights(children).await?;
    for id in children {
        if out.contains_key(id) {
            continue;
        }
        if let Some(stream) = current(state, id).await?.filter(|s| s.version() > 0) {
            out.insert(id.clone(), Sight::of(stream.record()));
        }
    }
    Ok(out)
}

/// The child's record as it stands, for the system's own decisions (not logged): from the
/// stream this process last read, if any, plus whatever was recorded since, and kept for
/// next time.
pub(crate) async fn current(
    state: &AppState,
    id: &ChildId,
) -> Result<Option<Arc<ChildStream>>, WebError> {
    let stream = match state.streams.get(id) {
        Some(held) => {
            let after = state.records.child_events_after(id, held.version()).await?;
            Some(extended(held, after))
        }
        None => state.records.child(id).await?.map(Arc::new),
    };
    if let Some(s) = stream.as_ref().filter(|s| s.version() > 0) {
        state.streams.put(Arc::clone(s));
    }
    Ok(stream)
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

/// Reads a child's record for `user` on `page`. A child who does not exist and a child the
/// user may not see give the same [`WebError::NotFound`]. An allowed view is logged in the
/// same transaction as the read that is shown.
pub async fn view_child(
    state: &AppState,
    user: &User,
    id: &ChildId,
    page: &str,
) -> Result<(Permit, Arc<ChildStream>), WebError> {
    // The decision needs the record as it stands; this read is the system's and is not
    // shown.
    let held = current(state, id).await?;
    let Some(held) = held.filter(|s| s.version() > 0) else {
        return Err(WebError::NotFound);
    };
    if decide(state, user, &held).await.is_none() {
        return Err(WebError::NotFound);
    }
    let entry = AccessEntry {
        at: state.clock.now(),
        actor: format!("staff/{}", user.staff),
        stream: StreamId::child(id),
        action: "view".into(),
        detail: Some(page.to_owned()),
    };
    let after = state.views.read(entry, held.version()).await?;
    let stream = extended(held, after);
    state.streams.put(Arc::clone(&stream));
    // Decided again on what is shown: something recorded between the two reads (a new
    // allocation, say) may have changed the answer. The log then holds a view that was not
    // shown, which errs on the side of the audit.
    let Some(relationship) = decide(state, user, &stream).await else {
        return Err(WebError::NotFound);
    };
    Ok((
        Permit {
            child: id.clone(),
            relationship,
        },
        stream,
    ))
}

async fn decide(state: &AppState, user: &User, stream: &ChildStream) -> Option<Relationship> {
    let workforce = state.workforce.read().await;
    relationship(user, stream.record(), &workforce)
}

/// Accounts (sign-ins) are managed by an administrator, who sees no child's record.
pub fn may_manage_accounts(user: &User) -> bool {
    user.role == StaffRole::Administrator
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn user(staff: &str, role: StaffRole, team: &str) -> User {
        User {
            staff: StaffId::parse(staff).unwrap(),
            name: staff.into(),
            role,
            team: TeamId::parse(team).unwrap(),
            csrf: String::new(),
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
}
