//! A worker's supervision file: the sessions their supervisor holds with them, the actions
//! each session sets, and what became of each action. One stream per worker,
//! `supervision/<staff id>`, kept apart from the staff directory's stream because what a
//! worker says about their workload and wellbeing is between them and their line of
//! management, while the directory is read by every page.
//!
//! A session reviews every action still open from earlier sessions (done, carried over with
//! a new date, or dropped), so open actions are never lost between sessions; it records the
//! worker's workload, wellbeing and development, and a case discussion for each child
//! discussed. Each case discussion is also written to that child's record as a
//! `supervision_recorded` event, so the child's record shows the oversight (the caller
//! writes both in one transaction). The worker acknowledges each session's record; an
//! action's owner may record it done between sessions.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::child::Reference;
use crate::code_list;
use crate::directory::{Aggregate, Directory, check_envelope, manager_in_post, staff_in_post};
use crate::event::Recorded;
use crate::events;
use crate::ids::{ChildId, StaffId, StreamKind};
use crate::rules::{Rule, RuleViolation, ensure, refuse};
use crate::time::Timestamp;
use crate::values::Text;

code_list! {
    /// How a supervision session was held.
    pub enum SupervisionKind ("supervision kind") {
        Individual = "INDIVIDUAL" => "Individual",
        Group = "GROUP" => "Group",
        Asye = "ASYE" => "Assessed and supported year in employment (ASYE)",
    }
}

code_list! {
    /// What a session found had become of an action set earlier.
    pub enum ActionOutcome ("action outcome") {
        Done = "DONE" => "Done",
        CarriedOver = "CARRIED_OVER" => "Carried over",
        Dropped = "DROPPED" => "No longer needed",
    }
}

/// Which action: the session that set it and its place among that session's actions, both
/// counted from 1. Written `3.2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActionRef {
    /// The session that set it.
    pub session: u32,
    /// Its number within that session.
    pub number: u32,
}

impl fmt::Display for ActionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.session, self.number)
    }
}

/// An action reference that is not `session.number`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an action reference: expected a session and a number, such as 3.2")]
pub struct InvalidActionRef(pub String);

impl ActionRef {
    /// Parses `3.2`.
    pub fn parse(s: &str) -> Result<ActionRef, InvalidActionRef> {
        let bad = || InvalidActionRef(s.to_owned());
        let (a, b) = s.trim().split_once('.').ok_or_else(bad)?;
        let session: u32 = a.parse().map_err(|_| bad())?;
        let number: u32 = b.parse().map_err(|_| bad())?;
        if session == 0 || number == 0 {
            return Err(bad());
        }
        Ok(ActionRef { session, number })
    }
}

impl Serialize for ActionRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ActionRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        ActionRef::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An action set in supervision: what, who does it, by when, and the child it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAction {
    /// What is to be done.
    pub text: Text,
    /// Who does it.
    pub owner: StaffId,
    /// By when.
    pub due: NaiveDate,
    /// The child it is for; none for the worker's own (development, workload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child: Option<ChildId>,
}

/// A decision and why it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// What was decided.
    pub decision: Text,
    /// Why.
    pub rationale: Text,
}

/// The discussion of one child in a session: management oversight of the child's case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseDiscussion {
    /// The child.
    pub child: ChildId,
    /// What has changed for the child since last time.
    pub update: Text,
    /// The risks as they now stand.
    pub risks: Text,
    /// The strengths and what is protective.
    pub strengths: Text,
    /// Decisions, each with its rationale.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<Decision>,
    /// Actions for the child, each with an owner and a date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<NewAction>,
}

/// What a session found of an action set earlier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionReview {
    /// The action.
    pub action: ActionRef,
    /// Done, carried over or dropped.
    pub outcome: ActionOutcome,
    /// For an action carried over, its new date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// What was said about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

events! {
    /// An event of a worker's supervision file.
    pub enum SupervisionEvent {
        /// A session was held.
        SupervisionHeld = "supervision_held" {
            supervisor: StaffId,
            kind: SupervisionKind,
            /// Every action still open from earlier sessions, and what became of it.
            #[serde(default)]
            reviewed: Vec<ActionReview>,
            workload: Text,
            wellbeing: Text,
            development: Text,
            /// A discussion of each child discussed.
            #[serde(default)]
            cases: Vec<CaseDiscussion>,
            /// Actions not about one child (development, workload).
            #[serde(default)]
            actions: Vec<NewAction>,
        },
        /// The worker read and acknowledged the written record of a session.
        SupervisionAcknowledged = "supervision_acknowledged" { session: u32 },
        /// An action was done between sessions.
        SupervisionActionCompleted = "supervision_action_completed" { action: ActionRef, note: Text },
    }
}

/// One session as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// Its number, from 1.
    pub number: u32,
    /// When it was held.
    pub at: Timestamp,
    /// Who supervised.
    pub supervisor: StaffId,
    /// Individual, group or ASYE.
    pub kind: SupervisionKind,
    /// The earlier actions it reviewed.
    pub reviewed: Vec<ActionReview>,
    /// The worker's workload.
    pub workload: Text,
    /// The worker's wellbeing.
    pub wellbeing: Text,
    /// The worker's development.
    pub development: Text,
    /// The children discussed.
    pub cases: Vec<CaseDiscussion>,
    /// The actions it set, in order (each case's, then the others).
    pub actions: Vec<ActionRef>,
    /// When the worker acknowledged the record, if they have.
    pub acknowledged: Option<Timestamp>,
}

impl Session {
    /// The date it was held, in England.
    pub fn date(&self) -> NaiveDate {
        self.at.london_date()
    }
}

/// An action and what has become of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// Which action.
    pub reference: ActionRef,
    /// What is to be done.
    pub text: Text,
    /// Who does it.
    pub owner: StaffId,
    /// By when (the latest date, if it was carried over).
    pub due: NaiveDate,
    /// The child it is for.
    pub child: Option<ChildId>,
    /// The supervisor who set it.
    pub set_by: StaffId,
    /// The sessions that carried it over, in order.
    pub carried: Vec<u32>,
    /// When and how it was closed, if it was.
    pub closed: Option<(NaiveDate, ActionOutcome)>,
}

impl Action {
    /// Still to be done.
    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }
}

/// A worker's supervision file, folded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SupervisionFile {
    /// The sessions, in order.
    pub sessions: Vec<Session>,
    /// Every action ever set, by reference.
    pub actions: BTreeMap<ActionRef, Action>,
}

impl SupervisionFile {
    /// The latest session, if any.
    pub fn last(&self) -> Option<&Session> {
        self.sessions.last()
    }

    /// The actions still open, in order: the next session's agenda.
    pub fn open_actions(&self) -> impl Iterator<Item = &Action> {
        self.actions.values().filter(|a| a.is_open())
    }

    /// The date of the first ASYE session: when the worker's assessed first year began.
    pub fn first_asye(&self) -> Option<NaiveDate> {
        self.sessions
            .iter()
            .find(|s| s.kind == SupervisionKind::Asye)
            .map(Session::date)
    }
}

/// The actions a session sets, numbered in order: each case discussion's, then the others.
pub fn numbered<'a>(
    session: u32,
    cases: &'a [CaseDiscussion],
    actions: &'a [NewAction],
) -> impl Iterator<Item = (ActionRef, &'a NewAction)> {
    cases
        .iter()
        .flat_map(|c| c.actions.iter())
        .chain(actions)
        .zip(1u32..)
        .map(move |(a, number)| (ActionRef { session, number }, a))
}

impl Aggregate for SupervisionFile {
    type Event = SupervisionEvent;
    const KIND: StreamKind = StreamKind::Supervision;

    fn check(
        &self,
        ev: &Recorded<SupervisionEvent>,
        dir: &dyn Directory,
    ) -> Result<(), RuleViolation> {
        check_envelope(ev, dir)?;
        let date = ev.date();
        match &ev.event {
            SupervisionEvent::SupervisionHeld {
                supervisor,
                reviewed,
                cases,
                actions,
                ..
            } => {
                manager_in_post(dir, supervisor, date)?;
                if let Some(last) = self.last() {
                    ensure(last.at <= ev.occurred_at, Rule::SupervisionSession, || {
                        format!(
                            "a session cannot be recorded as held before the last one, on {}",
                            last.date()
                        )
                    })?;
                }
                let mut seen = std::collections::BTreeSet::new();
                for c in cases {
                    ensure(dir.has_child(&c.child), Rule::SupervisionSession, || {
                        format!("{} is not a known child", c.child)
                    })?;
                    ensure(seen.insert(&c.child), Rule::SupervisionSession, || {
                        format!("{} is discussed twice in one session", c.child)
                    })?;
                    if let Some(a) = c
                        .actions
                        .iter()
                        .find(|a| a.child.as_ref() != Some(&c.child))
                    {
                        return refuse(
                            Rule::SupervisionActions,
                            format!(
                                "the action '{}' is in {}'s discussion but names another child",
                                a.text, c.child
                            ),
                        );
                    }
                }
                let number = self.sessions.len() as u32 + 1;
                for (r, a) in numbered(number, cases, actions) {
                    staff_in_post(dir, &a.owner, date).map_err(|v| {
                        RuleViolation::new(
                            Rule::SupervisionActions,
                            format!("action {r} ('{}'): {}", a.text, v.message),
                        )
                    })?;
                    ensure(a.due >= date, Rule::SupervisionActions, || {
                        format!(
                            "action {r} ('{}') is due on {}, before the session",
                            a.text, a.due
                        )
                    })?;
                }
                self.check_reviews(reviewed, date)
            }
            SupervisionEvent::SupervisionAcknowledged { session } => {
                let Some(s) = self.sessions.iter().find(|s| s.number == *session) else {
                    return refuse(
                        Rule::SupervisionAcknowledgement,
                        format!("there is no session {session} to acknowledge"),
                    );
                };
                ensure(
                    s.acknowledged.is_none(),
                    Rule::SupervisionAcknowledgement,
                    || format!("session {session} has already been acknowledged"),
                )?;
                ensure(
                    s.at <= ev.occurred_at,
                    Rule::SupervisionAcknowledgement,
                    || format!("session {session} cannot be acknowledged before it was held"),
                )
            }
            SupervisionEvent::SupervisionActionCompleted { action, .. } => {
                match self.actions.get(action) {
                    Some(a) if a.is_open() => Ok(()),
                    Some(_) => refuse(
                        Rule::SupervisionActions,
                        format!("action {action} is already closed"),
                    ),
                    None => refuse(
                        Rule::SupervisionActions,
                        format!("there is no action {action}"),
                    ),
                }
            }
        }
    }

    fn apply(&mut self, ev: &Recorded<SupervisionEvent>) {
        let date = ev.date();
        match &ev.event {
            SupervisionEvent::SupervisionHeld {
                supervisor,
                kind,
                reviewed,
                workload,
                wellbeing,
                development,
                cases,
                actions,
            } => {
                let number = self.sessions.len() as u32 + 1;
                for r in reviewed {
                    if let Some(a) = self.actions.get_mut(&r.action) {
                        match r.outcome {
                            ActionOutcome::CarriedOver => {
                                a.carried.push(number);
                                if let Some(due) = r.due {
                                    a.due = due;
                                }
                            }
                            other => a.closed = Some((date, other)),
                        }
                    }
                }
                let mut set = Vec::new();
                for (reference, a) in numbered(number, cases, actions) {
                    set.push(reference);
                    self.actions.insert(
                        reference,
                        Action {
                            reference,
                            text: a.text.clone(),
                            owner: a.owner.clone(),
                            due: a.due,
                            child: a.child.clone(),
                            set_by: supervisor.clone(),
                            carried: Vec::new(),
                            closed: None,
                        },
                    );
                }
                self.sessions.push(Session {
                    number,
                    at: ev.occurred_at,
                    supervisor: supervisor.clone(),
                    kind: *kind,
                    reviewed: reviewed.clone(),
                    workload: workload.clone(),
                    wellbeing: wellbeing.clone(),
                    development: development.clone(),
                    cases: cases.clone(),
                    actions: set,
                    acknowledged: None,
                });
            }
            SupervisionEvent::SupervisionAcknowledged { session } => {
                if let Some(s) = self.sessions.iter_mut().find(|s| s.number == *session) {
                    s.acknowledged = Some(ev.occurred_at);
                }
            }
            SupervisionEvent::SupervisionActionCompleted { action, .. } => {
                if let Some(a) = self.actions.get_mut(action) {
                    a.closed = Some((date, ActionOutcome::Done));
                }
            }
        }
    }

    fn references(ev: &SupervisionEvent) -> Vec<Reference> {
        match ev {
            SupervisionEvent::SupervisionHeld {
                supervisor,
                cases,
                actions,
                ..
            } => std::iter::once(Reference::Staff(supervisor.clone()))
                .chain(cases.iter().map(|c| Reference::Child(c.child.clone())))
                .chain(numbered(0, cases, actions).map(|(_, a)| Reference::Staff(a.owner.clone())))
                .collect(),
            SupervisionEvent::SupervisionAcknowledged { .. }
            | SupervisionEvent::SupervisionActionCompleted { .. } => Vec::new(),
        }
    }
}

impl SupervisionFile {
    /// Every action open before the session is reviewed exactly once, and nothing else is;
    /// an action carried over gets a new date, on or after the session.
    fn check_reviews(
        &self,
        reviewed: &[ActionReview],
        date: NaiveDate,
    ) -> Result<(), RuleViolation> {
        let mut seen = std::collections::BTreeSet::new();
        for r in reviewed {
            match self.actions.get(&r.action) {
                Some(a) if a.is_open() => {}
                Some(_) => {
                    return refuse(
                        Rule::SupervisionReview,
                        format!("action {} was already closed", r.action),
                    );
                }
                None => {
                    return refuse(
                        Rule::SupervisionReview,
                        format!("there is no action {} to review", r.action),
                    );
                }
            }
            ensure(seen.insert(r.action), Rule::SupervisionReview, || {
                format!("action {} is reviewed twice", r.action)
            })?;
            if r.outcome == ActionOutcome::CarriedOver {
                match r.due {
                    Some(due) if due >= date => {}
                    Some(due) => {
                        return refuse(
                            Rule::SupervisionReview,
                            format!(
                                "action {} is carried over to {due}, before the session",
                                r.action
                            ),
                        );
                    }
                    None => {
                        return refuse(
                            Rule::SupervisionReview,
                            format!("action {} is carried over without a new date", r.action),
                        );
                    }
                }
            }
        }
        if let Some(missed) = self.open_actions().find(|a| !seen.contains(&a.reference)) {
            return refuse(
                Rule::SupervisionReview,
                format!(
                    "action {} ('{}') is still open and must be reviewed: done, carried over or no longer needed",
                    missed.reference, missed.text
                ),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::codes::StaffRole;
    use crate::directory::{MemoryDirectory, StaffMember};
    use crate::event::Actor;
    use crate::ids::TeamId;
    use crate::people::PersonName;

    fn staff(id: &str) -> StaffId {
        StaffId::parse(id).unwrap()
    }

    fn child(id: &str) -> ChildId {
        ChildId::parse(id).unwrap()
    }

    fn text(s: &str) -> Text {
        Text::parse(s).unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn directory() -> MemoryDirectory {
        let mut dir = MemoryDirectory::default();
        for (id, role) in [
            ("SW1", StaffRole::SocialWorker),
            ("TM1", StaffRole::TeamManager),
        ] {
            dir.staff.insert(
                staff(id),
                StaffMember {
                    name: PersonName {
                        given: "Sam".parse().unwrap(),
                        family: id.parse().unwrap(),
                        preferred: None,
                    },
                    role,
                    team: TeamId::parse("T1").unwrap(),
                    registration: None,
                    email: None,
                    phone: None,
                    line_manager: None,
                    joined: day("2020-01-01"),
                    left: None,
                },
            );
        }
        dir.children.insert(child("C1"));
        dir.children.insert(child("C2"));
        dir
    }

    fn at(date: &str) -> Recorded<SupervisionEvent> {
        let t = Timestamp::parse(&format!("{date}T10:00:00Z")).unwrap();
        Recorded {
            occurred_at: t,
            recorded_at: t,
            recorded_by: Actor::Staff(staff("TM1")),
            event: SupervisionEvent::SupervisionAcknowledged { session: 0 },
        }
    }

    fn action(what: &str, owner: &str, due: &str, c: Option<&str>) -> NewAction {
        NewAction {
            text: text(what),
            owner: staff(owner),
            due: day(due),
            child: c.map(child),
        }
    }

    fn held(
        date: &str,
        reviewed: Vec<ActionReview>,
        cases: Vec<CaseDiscussion>,
        actions: Vec<NewAction>,
    ) -> Recorded<SupervisionEvent> {
        Recorded {
            event: SupervisionEvent::SupervisionHeld {
                supervisor: staff("TM1"),
                kind: SupervisionKind::Individual,
                reviewed,
                workload: text("Fourteen children; manageable."),
                wellbeing: text("Well; leave booked."),
                development: text("Court skills training."),
                cases,
                actions,
            },
            ..at(date)
        }
    }

    fn discussion(c: &str, actions: Vec<NewAction>) -> CaseDiscussion {
        CaseDiscussion {
            child: child(c),
            update: text("School attendance is up."),
            risks: text("Father's return to the home."),
            strengths: text("Grandmother close by."),
            decisions: vec![Decision {
                decision: text("Keep the plan."),
                rationale: text("Progress on every outcome."),
            }],
            actions,
        }
    }

    fn review(r: &str, outcome: ActionOutcome, due: Option<&str>) -> ActionReview {
        ActionReview {
            action: ActionRef::parse(r).unwrap(),
            outcome,
            due: due.map(day),
            note: None,
        }
    }

    fn accept(file: &mut SupervisionFile, ev: Recorded<SupervisionEvent>) {
        file.check(&ev, &directory()).unwrap();
        file.apply(&ev);
    }

    fn refused(file: &SupervisionFile, ev: Recorded<SupervisionEvent>) -> Rule {
        file.check(&ev, &directory()).unwrap_err().rule
    }

    /// The first session: two children, three actions, numbered 1.1 to 1.3.
    fn first() -> SupervisionFile {
        let mut file = SupervisionFile::default();
        accept(
            &mut file,
            held(
                "2026-11-02",
                Vec::new(),
                vec![
                    discussion(
                        "C1",
                        vec![
                            action("Visit the school", "SW1", "2026-11-16", Some("C1")),
                            action("Book the review", "TM1", "2026-11-20", Some("C1")),
                        ],
                    ),
                    discussion(
                        "C2",
                        vec![action(
                            "Update the chronology",
                            "SW1",
                            "2026-11-13",
                            Some("C2"),
                        )],
                    ),
                ],
                Vec::new(),
            ),
        );
        file
    }

    #[test]
    fn a_session_numbers_its_actions_and_they_stay_open_until_reviewed() {
        let file = first();
        assert_eq!(file.sessions.len(), 1);
        let refs: Vec<String> = file
            .open_actions()
            .map(|a| a.reference.to_string())
            .collect();
        assert_eq!(refs, ["1.1", "1.2", "1.3"]);
        assert_eq!(
            file.actions[&ActionRef::parse("1.2").unwrap()].owner,
            staff("TM1")
        );
    }

    #[test]
    fn the_next_session_must_review_every_open_action() {
        let file = first();
        let partial = held(
            "2026-12-01",
            vec![review("1.1", ActionOutcome::Done, None)],
            Vec::new(),
            Vec::new(),
        );
        assert_eq!(refused(&file, partial), Rule::SupervisionReview);
        let unknown = held(
            "2026-12-01",
            vec![
                review("1.1", ActionOutcome::Done, None),
                review("1.2", ActionOutcome::Done, None),
                review("1.3", ActionOutcome::Done, None),
                review("1.4", ActionOutcome::Done, None),
            ],
            Vec::new(),
            Vec::new(),
        );
        assert_eq!(refused(&file, unknown), Rule::SupervisionReview);
        let undated = held(
            "2026-12-01",
            vec![
                review("1.1", ActionOutcome::CarriedOver, None),
                review("1.2", ActionOutcome::Done, None),
                review("1.3", ActionOutcome::Done, None),
            ],
            Vec::new(),
            Vec::new(),
        );
        assert_eq!(refused(&file, undated), Rule::SupervisionReview);
    }

    #[test]
    fn an_action_carried_over_twice_counts_both_carries() {
        let mut file = first();
        let carry = |date: &str, due: &str| {
            held(
                date,
                vec![review("1.1", ActionOutcome::CarriedOver, Some(due))]
                    .into_iter()
                    .chain(
                        ["1.2", "1.3"]
                            .into_iter()
                            .filter(|_| date == "2026-12-01")
                            .map(|r| review(r, ActionOutcome::Done, None)),
                    )
                    .collect(),
                Vec::new(),
                Vec::new(),
            )
        };
        accept(&mut file, carry("2026-12-01", "2026-12-15"));
        accept(&mut file, carry("2026-12-29", "2027-01-12"));
        let a = &file.actions[&ActionRef::parse("1.1").unwrap()];
        assert_eq!(a.carried, vec![2, 3]);
        assert_eq!(a.due, day("2027-01-12"));
        assert!(a.is_open());
        assert_eq!(file.open_actions().count(), 1);
    }

    #[test]
    fn bad_actions_and_cases_are_refused_with_their_rule() {
        let file = SupervisionFile::default();
        let early = held(
            "2026-11-02",
            Vec::new(),
            Vec::new(),
            vec![action("Read the policy", "SW1", "2026-11-01", None)],
        );
        assert_eq!(refused(&file, early), Rule::SupervisionActions);
        let stranger = held(
            "2026-11-02",
            Vec::new(),
            Vec::new(),
            vec![action("Read the policy", "X9", "2026-11-20", None)],
        );
        assert_eq!(refused(&file, stranger), Rule::SupervisionActions);
        let twice = held(
            "2026-11-02",
            Vec::new(),
            vec![discussion("C1", Vec::new()), discussion("C1", Vec::new())],
            Vec::new(),
        );
        assert_eq!(refused(&file, twice), Rule::SupervisionSession);
        let unknown = held(
            "2026-11-02",
            Vec::new(),
            vec![discussion("C9", Vec::new())],
            Vec::new(),
        );
        assert_eq!(refused(&file, unknown), Rule::SupervisionSession);
        let wrong_child = held(
            "2026-11-02",
            Vec::new(),
            vec![discussion(
                "C1",
                vec![action("Visit", "SW1", "2026-11-20", Some("C2"))],
            )],
            Vec::new(),
        );
        assert_eq!(refused(&file, wrong_child), Rule::SupervisionActions);
        let mut by_worker = held("2026-11-02", Vec::new(), Vec::new(), Vec::new());
        if let SupervisionEvent::SupervisionHeld { supervisor, .. } = &mut by_worker.event {
            *supervisor = staff("SW1");
        }
        assert_eq!(refused(&file, by_worker), Rule::NeedsManager);
    }

    #[test]
    fn a_session_is_acknowledged_once_and_an_action_closed_once() {
        let mut file = first();
        let ack = |n| Recorded {
            event: SupervisionEvent::SupervisionAcknowledged { session: n },
            ..at("2026-11-03")
        };
        assert_eq!(refused(&file, ack(2)), Rule::SupervisionAcknowledgement);
        accept(&mut file, ack(1));
        assert!(file.sessions[0].acknowledged.is_some());
        assert_eq!(refused(&file, ack(1)), Rule::SupervisionAcknowledgement);
        let done = || Recorded {
            event: SupervisionEvent::SupervisionActionCompleted {
                action: ActionRef::parse("1.3").unwrap(),
                note: text("Chronology brought up to date."),
            },
            ..at("2026-11-05")
        };
        accept(&mut file, done());
        assert_eq!(refused(&file, done()), Rule::SupervisionActions);
        assert_eq!(file.open_actions().count(), 2);
    }

    #[test]
    fn an_action_reference_reads_back_as_it_is_written() {
        let r = ActionRef::parse("12.3").unwrap();
        assert_eq!(r.to_string(), "12.3");
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"12.3\"");
        for bad in ["", "3", "0.1", "1.0", "a.b", "1.2.3"] {
            assert!(ActionRef::parse(bad).is_err(), "{bad}");
        }
    }
}
