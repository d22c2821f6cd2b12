//! Shared by the integration tests: the fixture's children and staff, a builder for small
//! child journeys, and evaluation helpers.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{NaiveDate, NaiveTime};
use hearth_domain::ChildRecord;
use hearth_domain::child::ChildEvent;
use hearth_domain::directory::{MemoryDirectory, Staff, Team, append};
use hearth_domain::event::{Actor, Recorded};
use hearth_domain::interchange::{Journey, JourneyLine};
use hearth_domain::{ChildId, ChildStream, Timestamp};
use hearth_standards::{AsAt, Calendar, ChildEvaluation, Obligation, Ruleset, Status, evaluate};

pub const FIXTURE: &str = include_str!("../../../../fixtures/journeys/every-event-kind.jsonl");

/// A child's id and events.
pub type ChildEvents = (ChildId, Vec<Recorded<ChildEvent>>);

/// The fixture's staff and teams, and each child's events.
pub fn fixture() -> (MemoryDirectory, Vec<ChildEvents>) {
    let mut dir = MemoryDirectory::default();
    let mut children: Vec<ChildEvents> = Vec::new();
    for line in FIXTURE.lines() {
        match JourneyLine::parse(line).unwrap().journey {
            Journey::Team(id, events) => {
                let mut t = Team::default();
                append(&mut t, &events, &dir).unwrap();
                dir.teams.insert(id, t);
            }
            Journey::Staff(id, events) => {
                let mut s = Staff::default();
                append(&mut s, &events, &dir).unwrap();
                dir.staff.insert(id, s.0.unwrap());
            }
            Journey::Child(id, events) => match children.iter_mut().find(|(c, _)| *c == id) {
                Some((_, all)) => all.extend(events),
                None => children.push((id, events)),
            },
            _ => {}
        }
    }
    (dir, children)
}

/// The fixture's staff (HOS1 head of service, TM1 and TM2 team managers, SW1 and SW2 social
/// workers, PA1 personal adviser, RO1 reviewing officer).
pub fn staff() -> MemoryDirectory {
    fixture().0
}

/// A fixture child's folded record.
pub fn fixture_child(id: &str) -> ChildRecord {
    let (_, children) = fixture();
    let (cid, events) = children
        .into_iter()
        .find(|(c, _)| c.as_str() == id)
        .unwrap();
    ChildStream::from_events(cid, events).record().clone()
}

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// `2022-12-23` (10:00 in England), `2022-12-23T15:30` (wall clock in England) or RFC 3339.
pub fn when(s: &str) -> Timestamp {
    match s.len() {
        10 => Timestamp::at_london_time(date(s), NaiveTime::from_hms_opt(10, 0, 0).unwrap()),
        16 => {
            let (day, time) = s.split_at(10);
            let time = NaiveTime::parse_from_str(&time[1..], "%H:%M").unwrap();
            Timestamp::at_london_time(date(day), time)
        }
        _ => Timestamp::parse(s).unwrap(),
    }
}

pub fn ruleset(name: &str) -> Ruleset {
    Ruleset::builtin(name).unwrap().unwrap()
}

/// A child's journey, built event by event.
#[derive(Clone)]
pub struct Child {
    id: ChildId,
    events: Vec<Recorded<ChildEvent>>,
}

/// A child born on `dob`, registered on 2 January 2020 (or at birth, if later).
pub fn child(dob: &str) -> Child {
    let registered = when("2020-01-02").max(when(dob));
    let details = format!(
        r#"{{"type":"child_registered","details":{{"name":{{"given":"Sam","family":"Test"}},"sex":"F","gender":"FEMALE","date_of_birth":"{dob}","ethnicity":"WBRI","upn":"E305000000101","disabilities":["NONE"],"first_language":"eng","religion":"NONE","immigration_status":"BRITISH"}}}}"#
    );
    Child {
        id: ChildId::parse("T1").unwrap(),
        events: Vec::new(),
    }
    .event(registered, registered, &details)
}

impl Child {
    /// The same journey under another child's id, for tests that need several children.
    pub fn named(mut self, id: &str) -> Self {
        self.id = ChildId::parse(id).unwrap();
        self
    }

    fn event(mut self, occurred: Timestamp, recorded: Timestamp, json: &str) -> Self {
        let event: ChildEvent =
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
        self.events.push(Recorded {
            occurred_at: occurred,
            recorded_at: recorded,
            recorded_by: Actor::system("test").unwrap(),
            event,
        });
        self
    }

    /// An event, recorded half an hour after it happened.
    pub fn at(self, at: &str, json: &str) -> Self {
        let t = when(at);
        self.event(t, t.plus_micros(30 * 60 * 1_000_000).unwrap(), json)
    }

    /// An event recorded at a given time.
    pub fn recorded(self, at: &str, recorded: &str, json: &str) -> Self {
        self.event(when(at), when(recorded), json)
    }

    /// The folded record.
    pub fn record(&self) -> ChildRecord {
        ChildStream::from_events(self.id.clone(), self.events.clone())
            .record()
            .clone()
    }

    // Common steps of a journey.

    /// A referral and an allocation to SW1.
    pub fn open_case(self, at: &str) -> Self {
        self.at(at, REFERRAL).at(at, &allocated("SW1", "FCONTA"))
    }

    /// An initial conference deciding on a plan, and the plan starting.
    pub fn cp_plan(self, at: &str) -> Self {
        self.at(at, ICPC).at(at, CP_PLAN_STARTED)
    }

    /// A child in need plan.
    pub fn cin_plan(self, at: &str) -> Self {
        self.at(at, CIN_PLAN_STARTED)
    }

    /// Starts to be looked after (a new period of care) with a legal status.
    pub fn enters_care(self, at: &str, legal_status: &str) -> Self {
        self.at(at, &episode("S", legal_status))
    }
}

pub const REFERRAL: &str =
    r#"{"type":"referral_received","source":"2A","primary_need":"N1","no_further_action":false}"#;
pub const NFA_REFERRAL: &str =
    r#"{"type":"referral_received","source":"2A","no_further_action":true}"#;
pub const UNALLOCATED: &str = r#"{"type":"worker_unallocated","reason":"LEFTRL"}"#;
pub const ASSESSMENT_STARTED: &str = r#"{"type":"assessment_started"}"#;
pub const ASSESSMENT_AUTHORISED: &str = r#"{"type":"assessment_authorised","manager":"TM1"}"#;
pub const CONCERN: &str = r#"{"type":"concern_raised","summary":"A bruise seen at school."}"#;
pub const STRATEGY_S47: &str = r#"{"type":"strategy_discussion_held","agencies":["SOCIAL_CARE","POLICE","HEALTH"],"decision":"S47"}"#;
pub const S47_STARTED: &str = r#"{"type":"section47_started"}"#;
pub const S47_CONFERENCE: &str =
    r#"{"type":"section47_completed","outcome":"SUBSTANTIATED_RISK","conference_needed":true}"#;
pub const S47_NO_CONFERENCE: &str =
    r#"{"type":"section47_completed","outcome":"NOT_SUBSTANTIATED","conference_needed":false}"#;
pub const ICPC: &str = r#"{"type":"initial_conference_held","transfer_in":false,"outcome":"CP_PLAN","category":"NEG"}"#;
pub const CP_PLAN_STARTED: &str = r#"{"type":"cp_plan_started"}"#;
pub const CP_PLAN_ENDED: &str = r#"{"type":"cp_plan_ended","reason":"REVIEW"}"#;
pub const CORE_GROUP: &str = r#"{"type":"core_group_held"}"#;
pub const RCPC: &str = r#"{"type":"review_conference_held","outcome":"CONTINUE"}"#;
pub const CIN_PLAN_STARTED: &str = r#"{"type":"cin_plan_started"}"#;
pub const CIN_REVIEW: &str = r#"{"type":"cin_meeting_held","kind":"REVIEW"}"#;
pub const CIN_MEETING: &str = r#"{"type":"cin_meeting_held","kind":"MEETING"}"#;
pub const CIN_STEP_DOWN: &str = r#"{"type":"cin_plan_ended","reason":"STEP_DOWN"}"#;
pub const VISIT: &str =
    r#"{"type":"visit_made","kind":"STATUTORY","child_seen":true,"seen_alone":true}"#;
pub const VISIT_NOT_ALONE_NO_REASON: &str =
    r#"{"type":"visit_made","kind":"STATUTORY","child_seen":true,"seen_alone":false}"#;
pub const VISIT_NOT_SEEN: &str = r#"{"type":"visit_made","kind":"STATUTORY","child_seen":false}"#;
pub const SUPERVISION: &str = r#"{"type":"supervision_recorded","supervisor":"TM1","worker":"SW1","text":"Progress against the plan discussed."}"#;
pub const OVERSIGHT: &str = r#"{"type":"management_oversight_recorded","manager":"TM1","text":"Plan reviewed; next steps agreed."}"#;
pub const CHRONOLOGY: &str = r#"{"type":"chronology_entry_added","summary":"Chronology reviewed"}"#;
pub const CASE_SUMMARY: &str =
    r#"{"type":"case_summary_recorded","text":"Summary brought up to date."}"#;
pub const NOTE: &str = r#"{"type":"case_note_recorded","kind":"TELEPHONE","text":"Spoke to the school.","significant":false}"#;
pub const EPISODE_ENDED_X1: &str = r#"{"type":"episode_ended","reason":"X1"}"#;
pub const LEAVES_CARE: &str = r#"{"type":"episode_ended","reason":"E4A"}"#;
pub const CLA_REVIEW: &str = r#"{"type":"cla_review_held","participation":"PN1"}"#;
pub const CARE_PLAN: &str = r#"{"type":"care_plan_recorded"}"#;
pub const HEALTH: &str = r#"{"type":"health_assessment_completed"}"#;
pub const PEP: &str = r#"{"type":"pep_held"}"#;
pub const MISSING: &str = r#"{"type":"missing_episode_started","kind":"M"}"#;
pub const RETURNED: &str = r#"{"type":"missing_episode_ended"}"#;
pub const POLICE_INFORMED: &str = r#"{"type":"police_informed"}"#;
pub const INTERVIEW_OFFERED: &str = r#"{"type":"return_interview_offered","accepted":true}"#;
pub const DISSENT: &str = r#"{"type":"dissent_recorded","agency":"EDUCATION","text":"The school disagrees with the category."}"#;
pub const IN_TOUCH: &str = r#"{"type":"care_leaver_contact_recorded","in_touch":"YES"}"#;
pub const EARLY_HELP_STARTED: &str =
    r#"{"type":"early_help_assessment_started","organisation":"Family centre"}"#;

pub fn allocated(worker: &str, reason: &str) -> String {
    let team = if worker == "SW2" { "TLA1" } else { "TSC1" };
    format!(
        r#"{{"type":"worker_allocated","worker":"{worker}","team":"{team}","decided_by":"TM1","oversight":"Allocated.","reason":"{reason}"}}"#
    )
}

pub fn assessment_completed(outcome: &str) -> String {
    format!(r#"{{"type":"assessment_completed","factors":["21"],"outcome":"{outcome}"}}"#)
}

pub fn episode(reason: &str, legal_status: &str) -> String {
    let change = if reason == "P" || reason == "B" {
        r#","placement_change_reason":"CREQB""#
    } else {
        ""
    };
    format!(
        r#"{{"type":"episode_started","reason":"{reason}","legal_status":"{legal_status}","placement":"U4","category_of_need":"N1","provider":"PR1","urn":"SC400001","home_postcode":"BR1 3UH","placement_postcode":"BR2 9AF"{change}}}"#
    )
}

pub fn meeting_held(kind: &str) -> String {
    format!(r#"{{"type":"meeting_held","meeting":"{kind}"}}"#)
}

pub fn meeting_scheduled(kind: &str, at: &str) -> String {
    format!(
        r#"{{"type":"meeting_scheduled","meeting":"{kind}","at":"{}"}}"#,
        when(at)
    )
}

pub fn meeting_cancelled(kind: &str, at: &str) -> String {
    format!(
        r#"{{"type":"meeting_cancelled","meeting":"{kind}","at":"{}","reason":"The chair is ill."}}"#,
        when(at)
    )
}

pub fn shared(document: &str, audiences: &[&str]) -> String {
    let list: Vec<String> = audiences.iter().map(|a| format!("\"{a}\"")).collect();
    format!(
        r#"{{"type":"document_shared","document":"{document}","audiences":[{}]}}"#,
        list.join(",")
    )
}

pub fn withheld(document: &str, audience: &str) -> String {
    format!(
        r#"{{"type":"document_withheld","document":"{document}","audience":"{audience}","manager":"TM1","reason":"Not safe to share yet."}}"#
    )
}

pub fn response(to: &str, agreed: bool) -> String {
    format!(
        r#"{{"type":"manager_response_recorded","to":"{to}","manager":"TM1","agreed":{agreed},"text":"Considered."}}"#
    )
}

pub fn varied(rule: &str, amount: u16, unit: &str, by: &str) -> String {
    format!(
        r#"{{"type":"obligation_varied","rule":"{rule}","amount":{amount},"unit":"{unit}","authorised_by":"{by}","reason":"Settled and doing well."}}"#
    )
}

pub fn care_leaver(category: &str) -> String {
    format!(r#"{{"type":"care_leaver_status_recorded","category":"{category}"}}"#)
}

pub fn activity(code: &str) -> String {
    format!(r#"{{"type":"care_leaver_activity_recorded","activity":"{code}"}}"#)
}

pub fn pathway(stage: &str) -> String {
    format!(r#"{{"type":"pathway_plan_recorded","stage":"{stage}"}}"#)
}

pub fn permanence(plan: &str) -> String {
    format!(r#"{{"type":"permanence_plan_recorded","plan":"{plan}"}}"#)
}

/// Evaluates a record as at the end of a day.
pub fn eval(record: &ChildRecord, rules: &Ruleset, as_at: &str) -> ChildEvaluation {
    evaluate(
        record,
        rules,
        &Calendar::england_and_wales(),
        AsAt::end_of(date(as_at)),
        &staff(),
    )
    .unwrap()
}

/// One rule's obligations for a child, as at the end of a day.
pub fn obligations(ruleset: &str, rule: &str, child: &Child, as_at: &str) -> Vec<Obligation> {
    let rules = ruleset_with(ruleset, rule);
    eval(&child.record(), &rules, as_at)
        .obligations
        .into_iter()
        .filter(|o| o.rule.id == rule)
        .collect()
}

/// A shipped ruleset, checked to hold the rule asked for.
fn ruleset_with(name: &str, rule: &str) -> Ruleset {
    let rules = ruleset(name);
    assert!(rules.rule(rule).is_some(), "{name} has no rule {rule}");
    rules
}

/// Each obligation as "due-date status", with a varied obligation's outcome after a slash.
pub fn brief(obligations: &[Obligation]) -> Vec<String> {
    obligations
        .iter()
        .map(|o| {
            let status = match &o.status {
                Status::Varied(v) => format!("varied/{}", v.outcome.kind().name()),
                s => s.kind().name().to_owned(),
            };
            format!("{} {status}", o.due_date)
        })
        .collect()
}

/// Shorthand: the brief form of one rule's obligations.
pub fn check(ruleset: &str, rule: &str, child: &Child, as_at: &str) -> Vec<String> {
    brief(&obligations(ruleset, rule, child, as_at))
}
