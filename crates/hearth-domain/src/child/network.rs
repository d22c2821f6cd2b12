//! The child's family and network: the adults linked to them, the professionals involved,
//! family groups and siblings.

use crate::child::events::ChildEvent;
use crate::child::record::{Check, ChildRecord, Mark};
use crate::codes::*;
use crate::directory::Directory;
use crate::event::Recorded;
use crate::ids::{PersonId, ProfessionalId};
use crate::rules::{Rule, ensure};
use crate::values::Line;

/// An adult linked to the child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkLink {
    /// The adult.
    pub person: PersonId,
    /// How they are related.
    pub relationship: Relationship,
    /// Whether they hold parental responsibility.
    pub parental_responsibility: bool,
    /// Whether they live in the child's household.
    pub lives_in_household: bool,
    /// When they were added.
    pub added: Mark,
    /// When they were removed.
    pub removed: Option<Mark>,
}

/// A professional involved with the child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfessionalLink {
    /// The professional.
    pub professional: ProfessionalId,
    /// Their part in the child's life.
    pub involvement: Line,
    /// From when.
    pub from: Mark,
    /// Until when.
    pub until: Option<Mark>,
}

impl ChildRecord {
    /// The current network link to an adult.
    pub fn network_link(&self, person: &PersonId) -> Option<&NetworkLink> {
        self.network
            .iter()
            .rev()
            .find(|l| &l.person == person && l.removed.is_none())
    }
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, event: &ChildEvent) {
    use ChildEvent::*;
    match event {
        NetworkMemberAdded {
            person,
            relationship,
            parental_responsibility,
            lives_in_household,
        } => {
            record.network.push(NetworkLink {
                person: person.clone(),
                relationship: *relationship,
                parental_responsibility: *parental_responsibility,
                lives_in_household: *lives_in_household,
                added: mark,
                removed: None,
            });
        }
        NetworkMemberChanged {
            person,
            relationship,
            parental_responsibility,
            lives_in_household,
        } => {
            if let Some(l) = record
                .network
                .iter_mut()
                .rev()
                .find(|l| &l.person == person && l.removed.is_none())
            {
                l.relationship = *relationship;
                l.parental_responsibility = *parental_responsibility;
                l.lives_in_household = *lives_in_household;
            }
        }
        NetworkMemberRemoved { person } => {
            if let Some(l) = record
                .network
                .iter_mut()
                .rev()
                .find(|l| &l.person == person && l.removed.is_none())
            {
                l.removed = Some(mark);
            }
        }
        ProfessionalInvolved {
            professional,
            involvement,
        } => record.professionals.push(ProfessionalLink {
            professional: professional.clone(),
            involvement: involvement.clone(),
            from: mark,
            until: None,
        }),
        ProfessionalInvolvementEnded { professional } => {
            if let Some(p) = record
                .professionals
                .iter_mut()
                .rev()
                .find(|p| &p.professional == professional && p.until.is_none())
            {
                p.until = Some(mark);
            }
        }
        FamilyLinked { family } if !record.families.contains(family) => {
            record.families.push(family.clone());
        }
        SiblingLinked { sibling, kind } => {
            record.siblings.retain(|(s, _)| s != sibling);
            record.siblings.push((sibling.clone(), *kind));
        }
        // The other areas' events, and a family already linked.
        _ => {}
    }
}

/// Checks an event against this area's rules, if it is one of this area's.
pub(super) fn check(record: &ChildRecord, ev: &Recorded<ChildEvent>, dir: &dyn Directory) -> Check {
    use ChildEvent::*;
    match &ev.event {
        NetworkMemberAdded { person, .. } => {
            ensure(dir.has_person(person), Rule::UnknownPerson, || {
                format!("person {person} does not exist")
            })?;
            ensure(
                record.network_link(person).is_none(),
                Rule::NetworkMember,
                || format!("person {person} is already in the child's network"),
            )
        }
        NetworkMemberChanged { person, .. } | NetworkMemberRemoved { person } => ensure(
            record.network_link(person).is_some(),
            Rule::NetworkMember,
            || format!("person {person} is not in the child's network"),
        ),
        ProfessionalInvolved { professional, .. } => {
            ensure(
                dir.has_professional(professional),
                Rule::UnknownProfessional,
                || format!("professional {professional} does not exist"),
            )?;
            let current = record
                .professionals
                .iter()
                .any(|p| &p.professional == professional && p.until.is_none());
            ensure(!current, Rule::ProfessionalInvolvement, || {
                format!("professional {professional} is already involved")
            })
        }
        ProfessionalInvolvementEnded { professional } => {
            let current = record
                .professionals
                .iter()
                .any(|p| &p.professional == professional && p.until.is_none());
            ensure(current, Rule::ProfessionalInvolvement, || {
                format!("professional {professional} is not involved")
            })
        }
        SiblingLinked { sibling, .. } => {
            ensure(sibling != &record.id, Rule::UnknownChild, || {
                "a child cannot be their own sibling".to_owned()
            })?;
            ensure(dir.has_child(sibling), Rule::UnknownChild, || {
                format!("child {sibling} does not exist")
            })
        }
        FamilyLinked { .. } => Ok(()),
        // The other areas' events.
        _ => Ok(()),
    }
}
