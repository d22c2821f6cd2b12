//! Projection rows computed from folded records, written in the same transaction as the
//! events they come from.

use hearth_domain::child::ChildRecord;
use hearth_domain::ids::{PersonId, StreamId};
use hearth_domain::people::PersonDetails;

use crate::search::{name_tokens, normalise};
use crate::sight::{Sight, SightRow};
use crate::{CaseloadRow, NetworkLinkRow, PersonRow};

/// The person search row for a child.
pub fn child_person_row(record: &ChildRecord) -> Option<PersonRow> {
    let d = record.details.as_ref()?;
    let mut all_names = format!("{} {}", d.name.given, d.name.family);
    if let Some(p) = &d.name.preferred {
        all_names.push(' ');
        all_names.push_str(p.as_str());
    }
    Some(PersonRow {
        stream: StreamId::child(&record.id),
        display_name: d.name.display(),
        family_name: normalise(d.name.family.as_str()),
        given_names: normalise(d.name.given.as_str()),
        date_of_birth: d.date_of_birth.or(d.expected_date_of_birth),
        upn: d.upn.as_ref().map(|u| u.as_str().to_owned()),
        nhs_number: d.nhs_number.as_ref().map(|n| n.as_str().to_owned()),
        postcode: record
            .addresses
            .last()
            .and_then(|a| a.address.postcode.as_ref())
            .map(|p| p.as_str().to_owned()),
        tokens: name_tokens(&all_names),
    })
}

/// What decides who may see the child.
pub fn sight_row(record: &ChildRecord) -> SightRow {
    SightRow {
        child: record.id.clone(),
        sight: Sight::of(record),
    }
}

/// The adults a child's network holds or held, for finding the children an adult is known
/// through.
pub fn network_rows(record: &ChildRecord) -> Vec<NetworkLinkRow> {
    let mut people: Vec<&str> = record.network.iter().map(|l| l.person.as_str()).collect();
    people.sort_unstable();
    people.dedup();
    people
        .into_iter()
        .map(|p| NetworkLinkRow {
            person_id: p.to_owned(),
            child_id: record.id.as_str().to_owned(),
        })
        .collect()
}

/// The person search row for an adult in a network.
pub fn person_row(id: &PersonId, d: &PersonDetails) -> PersonRow {
    let mut all_names = format!("{} {}", d.name.given, d.name.family);
    if let Some(p) = &d.name.preferred {
        all_names.push(' ');
        all_names.push_str(p.as_str());
    }
    PersonRow {
        stream: StreamId::person(id),
        display_name: d.name.display(),
        family_name: normalise(d.name.family.as_str()),
        given_names: normalise(d.name.given.as_str()),
        date_of_birth: d.date_of_birth,
        upn: None,
        nhs_number: None,
        postcode: d
            .address
            .as_ref()
            .and_then(|a| a.postcode.as_ref())
            .map(|p| p.as_str().to_owned()),
        tokens: name_tokens(&all_names),
    }
}

/// The child's main status for caseload lists, most intensive first.
pub fn status(record: &ChildRecord) -> &'static str {
    let Some(episode) = record.open_episode() else {
        return "closed";
    };
    if record.is_looked_after() {
        "looked_after"
    } else if episode.open_cp_plan().is_some() {
        "cp_plan"
    } else if episode.open_cin_plan().is_some() {
        "cin_plan"
    } else if episode.open_assessment().is_some() || episode.open_enquiry().is_some() {
        "assessment"
    } else if record.was_ever_looked_after() {
        "care_leaver"
    } else if episode.assessments.iter().any(|a| a.completion.is_some()) {
        // Past the referral: assessed, and waiting for authorisation, a plan or closing.
        "assessed"
    } else {
        "referral"
    }
}

/// The caseload row for a child.
pub fn caseload_row(record: &ChildRecord) -> Option<CaseloadRow> {
    let d = record.details.as_ref()?;
    let open = record.open_episode();
    let allocation = record.current_allocation();
    Some(CaseloadRow {
        child_id: record.id.to_string(),
        display_name: d.name.display(),
        is_open: open.is_some(),
        status: status(record).to_owned(),
        worker_id: allocation.map(|a| a.worker.to_string()),
        team_id: allocation.map(|a| a.team.to_string()),
        legal_status: record
            .current_care_episode()
            .map(|e| e.legal_status.code().to_owned()),
        cp_category: record
            .open_cp_plan()
            .map(|p| p.latest_category.code().to_owned()),
        opened_on: open.map(|e| e.referral.date()),
        last_activity_at: record.last_occurred(),
    })
}
