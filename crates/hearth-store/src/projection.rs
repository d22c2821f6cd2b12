//! Projection rows computed from folded records, written in the same transaction as the
//! events they come from.

use hearth_domain::child::ChildRecord;
use hearth_domain::ids::{PersonId, StaffId, StreamId, TeamId};
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

/// The child's main status for caseload lists, most intensive first. A care leaver the
/// service supports (`ChildRecord::care_leaver_support_ends_on`) is open as `care_leaver`,
/// with or without a child in need episode.
pub fn status(record: &ChildRecord) -> &'static str {
    let supported = record.care_leaver_support_ends_on().is_some();
    let Some(episode) = record.open_episode() else {
        return if supported && !record.is_looked_after() {
            "care_leaver"
        } else {
            "closed"
        };
    };
    if record.is_looked_after() {
        "looked_after"
    } else if episode.open_cp_plan().is_some() {
        "cp_plan"
    } else if episode.open_cin_plan().is_some() {
        "cin_plan"
    } else if episode.open_assessment().is_some() || episode.open_enquiry().is_some() {
        "assessment"
    } else if supported || record.was_ever_looked_after() {
        "care_leaver"
    } else if episode.assessments.iter().any(|a| a.completion.is_some()) {
        // Past the referral: assessed, and waiting for authorisation, a plan or closing.
        "assessed"
    } else {
        "referral"
    }
}

/// The caseload row for a child. The case is held by the allocated social worker; a care
/// leaver without one is held by their personal adviser, in the adviser's team
/// (`adviser_team` looks it up), until their support ends.
pub fn caseload_row(
    record: &ChildRecord,
    adviser_team: impl Fn(&StaffId) -> Option<TeamId>,
) -> Option<CaseloadRow> {
    let d = record.details.as_ref()?;
    let open = record.open_episode();
    let status = status(record);
    let support_ends = record
        .care_leaver_support_ends_on()
        .filter(|_| status == "care_leaver");
    let (worker_id, team_id) = match record.current_allocation() {
        Some(a) => (Some(a.worker.to_string()), Some(a.team.to_string())),
        None => match record.personal_adviser().filter(|_| support_ends.is_some()) {
            Some(pa) => (
                Some(pa.to_string()),
                adviser_team(pa).map(|t| t.to_string()),
            ),
            None => (None, None),
        },
    };
    Some(CaseloadRow {
        child_id: record.id.to_string(),
        display_name: d.name.display(),
        is_open: open.is_some(),
        status: status.to_owned(),
        worker_id,
        team_id,
        legal_status: record
            .current_care_episode()
            .map(|e| e.legal_status.code().to_owned()),
        cp_category: record
            .open_cp_plan()
            .map(|p| p.latest_category.code().to_owned()),
        opened_on: open.map(|e| e.referral.date()),
        last_activity_at: record.last_occurred(),
        open_until: support_ends.filter(|_| open.is_none()),
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use hearth_domain::Timestamp;
    use hearth_domain::child::{ChildEvent, ChildStream};
    use hearth_domain::codes::StaffRole;
    use hearth_domain::directory::{MemoryDirectory, StaffMember, Team};
    use hearth_domain::event::{Actor, Recorded};
    use hearth_domain::ids::ChildId;
    use hearth_domain::people::PersonName;
    use hearth_domain::values::Line;

    use super::*;

    fn staff(dir: &mut MemoryDirectory, id: &str, role: StaffRole, team: &str) {
        let team = TeamId::parse(team).unwrap();
        dir.teams.insert(team.clone(), Team::default());
        dir.staff.insert(
            StaffId::parse(id).unwrap(),
            StaffMember {
                name: PersonName {
                    given: Line::parse("Ruth").unwrap(),
                    family: Line::parse("Calloway").unwrap(),
                    preferred: None,
                },
                role,
                team,
                registration: None,
                email: None,
                phone: None,
                line_manager: None,
                joined: NaiveDate::from_ymd_opt(2015, 1, 1).unwrap(),
                left: None,
            },
        );
    }

    fn append(stream: &mut ChildStream, dir: &MemoryDirectory, at: &str, json: &str) {
        let at = Timestamp::parse(at).unwrap();
        let event: ChildEvent = serde_json::from_str(json).unwrap();
        stream
            .append(
                vec![Recorded {
                    occurred_at: at,
                    recorded_at: at,
                    recorded_by: Actor::system("test").unwrap(),
                    event,
                }],
                dir,
            )
            .unwrap();
    }

    fn row(stream: &ChildStream, dir: &MemoryDirectory) -> CaseloadRow {
        caseload_row(stream.record(), |s| {
            dir.staff.get(s).map(|m| m.team.clone())
        })
        .unwrap()
    }

    #[test]
    fn care_leavers_with_a_personal_adviser_are_open_on_the_advisers_caseload_until_support_ends() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let mut dir = MemoryDirectory::default();
        staff(&mut dir, "PA1", StaffRole::PersonalAdviser, "TLC1");
        staff(&mut dir, "TM1", StaffRole::TeamManager, "TSC1");
        staff(&mut dir, "SW1", StaffRole::SocialWorker, "TSC1");
        // Born 1 June 2005; left care before the record began, a former relevant care
        // leaver with a personal adviser and no child in need episode.
        let mut s = ChildStream::new(ChildId::parse("C7").unwrap());
        append(
            &mut s,
            &dir,
            "2023-07-03T09:00:00Z",
            r#"{"type":"child_registered","details":{"name":{"given":"Jo","family":"Ash"},"sex":"F","date_of_birth":"2005-06-01","ethnicity":"WBRI","disabilities":["NONE"]}}"#,
        );
        append(
            &mut s,
            &dir,
            "2023-07-03T09:05:00Z",
            r#"{"type":"care_leaver_status_recorded","category":"FORMER_RELEVANT"}"#,
        );
        append(
            &mut s,
            &dir,
            "2023-07-03T09:10:00Z",
            r#"{"type":"personal_adviser_allocated","adviser":"PA1"}"#,
        );
        let r = row(&s, &dir);
        assert_eq!(r.status, "care_leaver");
        assert_eq!(r.worker_id.as_deref(), Some("PA1"));
        assert_eq!(r.team_id.as_deref(), Some("TLC1"));
        assert!(!r.is_open, "no child in need episode is open");
        assert_eq!(r.open_until, Some(day(2026, 6, 1)));
        assert!(r.open_on(day(2026, 5, 31)));
        assert!(!r.open_on(day(2026, 6, 1)), "support ends at 21");

        // Asking for support to continue keeps the case open to 25.
        append(
            &mut s,
            &dir,
            "2026-05-11T10:00:00Z",
            r#"{"type":"care_leaver_support_requested"}"#,
        );
        let r = row(&s, &dir);
        assert_eq!(r.open_until, Some(day(2030, 6, 1)));
        assert!(r.open_on(day(2029, 12, 1)));
        assert!(!r.open_on(day(2030, 6, 1)));

        // A social worker allocated to an open episode holds the case while it is open.
        append(
            &mut s,
            &dir,
            "2026-09-01T09:00:00Z",
            r#"{"type":"referral_received","source":"1A","primary_need":"N1","no_further_action":false}"#,
        );
        append(
            &mut s,
            &dir,
            "2026-09-01T10:00:00Z",
            r#"{"type":"worker_allocated","worker":"SW1","team":"TSC1","decided_by":"TM1","oversight":"Allocated.","reason":"FCONTA"}"#,
        );
        let r = row(&s, &dir);
        assert_eq!(r.status, "care_leaver");
        assert_eq!(r.worker_id.as_deref(), Some("SW1"));
        assert_eq!(r.team_id.as_deref(), Some("TSC1"));
        assert!(r.is_open);
        assert_eq!(r.open_until, None, "open while the episode is");
    }

    #[test]
    fn a_young_person_the_service_does_not_support_is_closed() {
        let mut dir = MemoryDirectory::default();
        staff(&mut dir, "PA1", StaffRole::PersonalAdviser, "TLC1");
        let mut s = ChildStream::new(ChildId::parse("C8").unwrap());
        append(
            &mut s,
            &dir,
            "2023-07-03T09:00:00Z",
            r#"{"type":"child_registered","details":{"name":{"given":"Jo","family":"Ash"},"sex":"F","date_of_birth":"2005-06-01","ethnicity":"WBRI","disabilities":["NONE"]}}"#,
        );
        append(
            &mut s,
            &dir,
            "2023-07-03T09:05:00Z",
            r#"{"type":"care_leaver_status_recorded","category":"QUALIFYING"}"#,
        );
        let r = row(&s, &dir);
        assert_eq!(r.status, "closed");
        assert_eq!(r.worker_id, None);
        assert_eq!(r.open_until, None);
    }
}
