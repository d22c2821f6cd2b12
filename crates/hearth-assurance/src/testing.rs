//! A small borough for tests: teams and staff with their line management, and children's
//! records built from events. Shared by the unit tests and (through `#[path]`) the
//! integration tests, so it names nothing of this crate.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{NaiveDate, NaiveTime};
use hearth_domain::child::{ChildEvent, fold};
use hearth_domain::codes::{ServiceArea, StaffRole};
use hearth_domain::directory::{MemoryDirectory, StaffMember, Team};
use hearth_domain::event::{Actor, Recorded};
use hearth_domain::people::PersonName;
use hearth_domain::values::{Line, SweNumber};
use hearth_domain::{ChildId, ChildRecord, StaffId, TeamId, Timestamp};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// `2025-06-02` (10:00 in England) or `2025-06-02T15:30` (wall clock in England).
pub fn when(s: &str) -> Timestamp {
    if s.len() == 10 {
        return Timestamp::at_london_time(date(s), NaiveTime::from_hms_opt(10, 0, 0).unwrap());
    }
    let (day, time) = s.split_at(10);
    let time = NaiveTime::parse_from_str(&time[1..], "%H:%M").unwrap();
    Timestamp::at_london_time(date(day), time)
}

pub fn staff_id(s: &str) -> StaffId {
    StaffId::parse(s).unwrap()
}

pub fn team_id(s: &str) -> TeamId {
    TeamId::parse(s).unwrap()
}

pub fn child_id(s: &str) -> ChildId {
    ChildId::parse(s).unwrap()
}

/// The teams: two safeguarding teams, a looked-after team, leaving care, reviewing,
/// quality assurance, performance and leadership.
pub const TEAMS: &[(&str, &str, ServiceArea)] = &[
    (
        "TSC1",
        "Safeguarding 1",
        ServiceArea::SafeguardingCarePlanning,
    ),
    (
        "TSC2",
        "Safeguarding 2",
        ServiceArea::SafeguardingCarePlanning,
    ),
    ("TLA1", "Children looked after 1", ServiceArea::LookedAfter),
    ("TLC1", "Leaving care", ServiceArea::LeavingCare),
    ("TIRO", "Reviewing officers", ServiceArea::Reviewing),
    ("TQA", "Quality assurance", ServiceArea::QualityAssurance),
    ("TPERF", "Performance", ServiceArea::Performance),
    ("TLDR", "Service leadership", ServiceArea::Leadership),
];

/// The staff: id, role, team and line manager. AD1 is the director; HOS1 the head of
/// service; GM1 the group manager over the three team managers; SW1 and SW2 work for TM1,
/// SW3 for TM2, SW4 and PA1 for TM3.
pub const STAFF: &[(&str, StaffRole, &str, Option<&str>)] = &[
    ("AD1", StaffRole::AssistantDirector, "TLDR", None),
    ("HOS1", StaffRole::HeadOfService, "TLDR", Some("AD1")),
    ("GM1", StaffRole::GroupManager, "TLDR", Some("HOS1")),
    ("GM2", StaffRole::GroupManager, "TLDR", Some("HOS1")),
    ("TM1", StaffRole::TeamManager, "TSC1", Some("GM1")),
    ("TM2", StaffRole::TeamManager, "TSC2", Some("GM1")),
    ("TM3", StaffRole::TeamManager, "TLA1", Some("GM1")),
    ("SW1", StaffRole::SocialWorker, "TSC1", Some("TM1")),
    ("SW2", StaffRole::SocialWorker, "TSC1", Some("TM1")),
    ("SW3", StaffRole::SocialWorker, "TSC2", Some("TM2")),
    ("SW4", StaffRole::SocialWorker, "TLA1", Some("TM3")),
    ("PA1", StaffRole::PersonalAdviser, "TLC1", Some("TM3")),
    ("RO1", StaffRole::ReviewingOfficer, "TIRO", Some("HOS1")),
    ("QA1", StaffRole::QualityAssuranceLead, "TQA", Some("HOS1")),
    ("QA2", StaffRole::QualityAssuranceLead, "TQA", Some("HOS1")),
    ("PF1", StaffRole::PerformanceAnalyst, "TPERF", Some("HOS1")),
];

/// Everyone in post from 2020.
pub fn directory() -> MemoryDirectory {
    let mut dir = MemoryDirectory::default();
    for (id, name, service) in TEAMS {
        dir.teams.insert(
            team_id(id),
            Team {
                name: Some(Line::parse(name).unwrap()),
                service: Some(*service),
                formed: Some(d(2020, 1, 6)),
                closed: None,
            },
        );
    }
    for (i, (id, role, team, manager)) in STAFF.iter().enumerate() {
        dir.staff.insert(
            staff_id(id),
            StaffMember {
                name: PersonName {
                    given: Line::parse("Sam").unwrap(),
                    family: Line::parse(id).unwrap(),
                    preferred: None,
                },
                role: *role,
                team: team_id(team),
                registration: role
                    .needs_registration()
                    .then(|| SweNumber::parse(&format!("SW{:06}", 200_000 + i)).unwrap()),
                email: None,
                phone: None,
                line_manager: manager.map(staff_id),
                joined: d(2020, 1, 6),
                left: None,
            },
        );
    }
    dir
}

/// A child's events, built one at a time.
#[derive(Clone)]
pub struct Child {
    pub id: ChildId,
    pub events: Vec<Recorded<ChildEvent>>,
}

/// A child born on 1 March 2015, registered at `at`.
pub fn child(id: &str, at: &str) -> Child {
    Child {
        id: child_id(id),
        events: Vec::new(),
    }
    .at(
        at,
        r#"{"type":"child_registered","details":{"name":{"given":"Alex","family":"Test"},"sex":"F","gender":"FEMALE","date_of_birth":"2015-03-01","ethnicity":"WBRI","upn":"E305000000101","disabilities":["NONE"],"first_language":"eng","religion":"NONE","immigration_status":"BRITISH"}}"#,
    )
}

impl Child {
    /// An event at a time, recorded half an hour later by the test.
    pub fn at(mut self, at: &str, json: &str) -> Self {
        let event: ChildEvent =
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
        let t = when(at);
        self.events.push(Recorded {
            occurred_at: t,
            recorded_at: t.plus_micros(30 * 60 * 1_000_000).unwrap(),
            recorded_by: Actor::system("test").unwrap(),
            event,
        });
        self
    }

    /// The last event, recorded by a member of staff instead.
    pub fn by(mut self, staff: &str) -> Self {
        if let Some(e) = self.events.last_mut() {
            e.recorded_by = Actor::Staff(staff_id(staff));
        }
        self
    }

    /// A referral, and an allocation to a worker in a team by their manager, on a day.
    pub fn referred_to(self, day: &str, worker: &str, team: &str, manager: &str) -> Self {
        self.at(
            day,
            r#"{"type":"referral_received","source":"2A","primary_need":"N1","no_further_action":false}"#,
        )
        .at(
            &format!("{day}T11:00"),
            &format!(
                r#"{{"type":"worker_allocated","worker":"{worker}","team":"{team}","decided_by":"{manager}","oversight":"Allocated for assessment.","reason":"FCONTA"}}"#
            ),
        )
    }

    /// A statutory visit, the child seen alone.
    pub fn visited(self, day: &str) -> Self {
        self.at(
            day,
            r#"{"type":"visit_made","kind":"STATUTORY","child_seen":true,"seen_alone":true}"#,
        )
    }

    /// The folded record.
    pub fn record(&self) -> ChildRecord {
        fold(&self.id, &self.events)
    }
}

/// `n` children referred on `day`, each allocated to `worker` in `team`, with ids
/// `{prefix}1` to `{prefix}n`.
pub fn caseload(
    prefix: &str,
    n: usize,
    day: &str,
    worker: &str,
    team: &str,
    manager: &str,
) -> Vec<ChildRecord> {
    (1..=n)
        .map(|i| {
            child(&format!("{prefix}{i}"), day)
                .referred_to(day, worker, team, manager)
                .record()
        })
        .collect()
}
