//! The facts of a child's record that decide who may see it, kept as a projection beside the
//! caseload. Deciding from the record means reading and folding it; search and the duplicate
//! warnings weigh hundreds of children at a time, so they decide from these facts instead,
//! written in the same transaction as the events they come from. The decision itself is the
//! web application's (`hearth-web`'s `access` module), made from a [`Sight`] whether it was
//! read from this projection or taken from the record ([`Sight::of`]), so both agree.

use std::collections::BTreeSet;

use hearth_domain::child::ChildRecord;
use hearth_domain::{ChildId, StaffId, TeamId};
use serde::{Deserialize, Serialize};

/// What access to one child turns on. The workforce (teams, line managers, roles) is not
/// here: it changes without the child's record changing, so it is joined when deciding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sight {
    /// The worker of the latest allocation (the current one, or the last for a closed case)
    /// and the team they were allocated in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker: Option<(StaffId, TeamId)>,
    /// A care leaver's latest personal adviser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adviser: Option<StaffId>,
    /// No current worker, and an episode open: the child waits for allocation.
    #[serde(default)]
    pub waiting: bool,
    /// While the record is restricted: who restricted it and the staff it names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restriction: Option<Restricted>,
    /// Every member of staff who has recorded on the record.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub recorded_by: BTreeSet<StaffId>,
    /// The reviewing officers named to chair a conference or review booked and not called
    /// off.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub chairs: BTreeSet<StaffId>,
    /// While a transfer waits: the team asked to take the child.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_to: Option<TeamId>,
    /// While cover is in force: the buddy covering the worker's leave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover: Option<StaffId>,
}

/// Who a restriction names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restricted {
    /// The manager who restricted the record.
    pub by: StaffId,
    /// The staff named as allowed to see it.
    pub permitted: Vec<StaffId>,
}

impl Sight {
    /// The facts of a folded record.
    pub fn of(record: &ChildRecord) -> Sight {
        Sight {
            worker: record
                .allocations
                .last()
                .map(|a| (a.worker.clone(), a.team.clone())),
            adviser: record.care_leaver.advisers.last().map(|(_, pa)| pa.clone()),
            waiting: record.current_allocation().is_none() && record.open_episode().is_some(),
            restriction: record.restriction.as_ref().map(|r| Restricted {
                by: r.by.clone(),
                permitted: r.permitted.clone(),
            }),
            recorded_by: record
                .log
                .iter()
                .filter_map(|e| e.recorded_by.staff().cloned())
                .collect(),
            chairs: record
                .meetings
                .iter()
                .filter(|m| m.cancelled.is_none())
                .filter_map(|m| m.chair.clone())
                .collect(),
            transfer_to: record.pending_transfer().map(|t| t.to_team.clone()),
            cover: record.current_cover().map(|c| c.buddy.clone()),
        }
    }

    /// Whether nobody has ever been the child's worker or personal adviser.
    pub fn never_allocated(&self) -> bool {
        self.worker.is_none() && self.adviser.is_none()
    }
}

/// A row of the projection: a child and the facts of their record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SightRow {
    /// The child.
    pub child: ChildId,
    /// The facts.
    pub sight: Sight,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;

    #[test]
    fn the_facts_come_from_the_record_and_a_cancelled_booking_names_no_chair() {
        use hearth_domain::child::fold;
        use hearth_domain::interchange::{Journey, JourneyLine};
        let event = |at: &str, by: &str, event: &str| {
            format!(
                r#"{{"occurred_at":"{at}","recorded_at":"{at}","recorded_by":"{by}","event":{event}}}"#
            )
        };
        let events = [
            event(
                "2025-01-06T09:00:00Z",
                "staff/SW1",
                r#"{"type":"child_registered","details":{"name":{"given":"Sam","family":"Lee"},"sex":"M","date_of_birth":"2015-06-01","ethnicity":"WBRI"}}"#,
            ),
            event(
                "2025-01-06T09:05:00Z",
                "staff/SW1",
                r#"{"type":"referral_received","source":"2A","primary_need":"N1","no_further_action":false}"#,
            ),
            event(
                "2025-01-07T09:00:00Z",
                "staff/SW1",
                r#"{"type":"meeting_scheduled","meeting":"ICPC","at":"2025-01-20T10:00:00Z","chair":"RO1"}"#,
            ),
            event(
                "2025-01-07T09:10:00Z",
                "staff/SW1",
                r#"{"type":"meeting_scheduled","meeting":"ICPC","at":"2025-01-21T10:00:00Z","chair":"RO2"}"#,
            ),
            event(
                "2025-01-07T09:20:00Z",
                "system/import",
                r#"{"type":"meeting_cancelled","meeting":"ICPC","at":"2025-01-21T10:00:00Z","reason":"Booked twice."}"#,
            ),
        ];
        let line = format!(r#"{{"stream":"child/C1","events":[{}]}}"#, events.join(","));
        let Journey::Child(id, events) = JourneyLine::parse(&line).unwrap().journey else {
            panic!("a child's line");
        };
        let sight = Sight::of(&fold(&id, &events));
        assert_eq!(
            sight,
            Sight {
                waiting: true,
                recorded_by: [StaffId::parse("SW1").unwrap()].into_iter().collect(),
                chairs: [StaffId::parse("RO1").unwrap()].into_iter().collect(),
                ..Sight::default()
            }
        );
        assert!(sight.never_allocated());
    }

    #[test]
    fn the_facts_are_kept_as_json_and_read_back() {
        let sight = Sight {
            worker: Some((StaffId::parse("SW1").unwrap(), TeamId::parse("T1").unwrap())),
            adviser: None,
            waiting: false,
            restriction: Some(Restricted {
                by: StaffId::parse("TM1").unwrap(),
                permitted: vec![StaffId::parse("RO1").unwrap()],
            }),
            recorded_by: [StaffId::parse("SW1").unwrap()].into_iter().collect(),
            chairs: BTreeSet::new(),
            transfer_to: Some(TeamId::parse("T2").unwrap()),
            cover: Some(StaffId::parse("SW2").unwrap()),
        };
        let json = serde_json::to_string(&sight).unwrap();
        assert_eq!(serde_json::from_str::<Sight>(&json).unwrap(), sight);
        // A record with nothing that gives sight keeps nearly nothing.
        assert_eq!(
            serde_json::to_string(&Sight::default()).unwrap(),
            "{\"waiting\":false}"
        );
    }
}
