//! The records children's records point at: teams, staff, adults in networks, professionals
//! and adopter households. Each is its own stream with a small folded state.

use chrono::NaiveDate;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::child::Reference;
use crate::codes::{AdopterLeavingReason, AdopterStage, ServiceArea, StaffRole};
use crate::event::{Actor, EventKind, Recorded};
use crate::events;
use crate::ids::{AdopterId, ChildId, PersonId, ProfessionalId, StaffId, StreamKind, TeamId};
use crate::people::{AdopterHousehold, PersonDetails, PersonName, ProfessionalDetails};
use crate::rules::{Refusal, Rule, RuleViolation, ensure, refuse};
use crate::values::{Email, Line, Phone, SweNumber};

/// What the rules need to know about the records an event refers to. The caller gathers
/// the records a command mentions before checking it, so checking stays pure.
pub trait Directory {
    /// A member of staff.
    fn staff(&self, id: &StaffId) -> Option<&StaffMember>;
    /// A team.
    fn team(&self, id: &TeamId) -> Option<&Team>;
    /// Whether an adult's record exists.
    fn has_person(&self, id: &PersonId) -> bool;
    /// Whether a professional's record exists.
    fn has_professional(&self, id: &ProfessionalId) -> bool;
    /// Whether a child's record exists.
    fn has_child(&self, id: &ChildId) -> bool;
    /// Whether an adopter household's record exists.
    fn has_adopter(&self, id: &AdopterId) -> bool;
}

/// A stream's folded state, with the rules for accepting its next event.
pub trait Aggregate: Default + Clone {
    /// The stream's events.
    type Event: EventKind + Serialize + DeserializeOwned + Clone + std::fmt::Debug + PartialEq;
    /// The kind of stream.
    const KIND: StreamKind;
    /// Refuses an event that would break a rule; changes nothing.
    fn check(&self, ev: &Recorded<Self::Event>, dir: &dyn Directory) -> Result<(), RuleViolation>;
    /// Folds an accepted (or stored) event in. Never fails.
    fn apply(&mut self, ev: &Recorded<Self::Event>);
    /// The records an event refers to.
    fn references(ev: &Self::Event) -> Vec<Reference>;
}

/// Checks that apply to every event whatever the stream: it was not recorded before it
/// happened, and a member of staff who recorded it was in post when they did.
pub fn check_envelope<E>(ev: &Recorded<E>, dir: &dyn Directory) -> Result<(), RuleViolation> {
    ensure(
        ev.occurred_at <= ev.recorded_at,
        Rule::RecordedBeforeOccurred,
        || {
            format!(
                "it is recorded as happening at {} but was recorded earlier, at {}",
                ev.occurred_at, ev.recorded_at
            )
        },
    )?;
    if let Actor::Staff(id) = &ev.recorded_by {
        let on = ev.recorded_at.london_date();
        match dir.staff(id) {
            Some(s) if s.in_post_on(on) => {}
            Some(_) => {
                return refuse(
                    Rule::UnknownStaff,
                    format!("{id}, who recorded this, was not in post on {on}"),
                );
            }
            None => {
                return refuse(
                    Rule::UnknownStaff,
                    format!("{id}, who recorded this, is not a known member of staff"),
                );
            }
        }
    }
    Ok(())
}

/// Refuses unless `id` is a member of staff in post on `on`; returns them.
pub fn staff_in_post<'d>(
    dir: &'d dyn Directory,
    id: &StaffId,
    on: NaiveDate,
) -> Result<&'d StaffMember, RuleViolation> {
    match dir.staff(id) {
        Some(s) if s.in_post_on(on) => Ok(s),
        Some(_) => refuse(Rule::UnknownStaff, format!("{id} was not in post on {on}")),
        None => refuse(
            Rule::UnknownStaff,
            format!("{id} is not a known member of staff"),
        ),
    }
}

/// Refuses unless `id` is a manager in post on `on`.
pub fn manager_in_post<'d>(
    dir: &'d dyn Directory,
    id: &StaffId,
    on: NaiveDate,
) -> Result<&'d StaffMember, RuleViolation> {
    let s = staff_in_post(dir, id, on)?;
    ensure(s.role.is_manager(), Rule::NeedsManager, || {
        format!("{id} is a {}, not a manager", s.role.label().to_lowercase())
    })?;
    Ok(s)
}

fn creation_first(exists: bool, is_creation: bool, what: &str) -> Result<(), RuleViolation> {
    match (exists, is_creation) {
        (false, true) | (true, false) => Ok(()),
        (true, true) => refuse(Rule::DirectoryRecord, format!("this {what} already exists")),
        (false, false) => refuse(
            Rule::DirectoryRecord,
            format!("this {what} must be created first"),
        ),
    }
}

// ---------------------------------------------------------------------------------------
// Teams

events! {
    /// An event in a team's stream.
    pub enum TeamEvent {
        /// A team was set up.
        TeamFormed = "team_formed" { name: Line, service: ServiceArea },
        /// The team was renamed.
        TeamRenamed = "team_renamed" { name: Line },
        /// The team closed.
        TeamClosed = "team_closed" {},
    }
}

/// A team's folded state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Team {
    /// Name (empty until formed).
    pub name: Option<Line>,
    /// The part of the service it belongs to.
    pub service: Option<ServiceArea>,
    /// When it was formed.
    pub formed: Option<NaiveDate>,
    /// When it closed.
    pub closed: Option<NaiveDate>,
}

impl Team {
    /// The team's name, or an empty string before it is formed.
    pub fn name(&self) -> &str {
        self.name.as_ref().map_or("", Line::as_str)
    }
}

impl Aggregate for Team {
    type Event = TeamEvent;
    const KIND: StreamKind = StreamKind::Team;

    fn check(&self, ev: &Recorded<TeamEvent>, dir: &dyn Directory) -> Result<(), RuleViolation> {
        check_envelope(ev, dir)?;
        creation_first(
            self.formed.is_some(),
            matches!(ev.event, TeamEvent::TeamFormed { .. }),
            "team",
        )?;
        if let Some(closed) = self.closed {
            return refuse(
                Rule::DirectoryRecord,
                format!("the team closed on {closed}"),
            );
        }
        Ok(())
    }

    fn apply(&mut self, ev: &Recorded<TeamEvent>) {
        match &ev.event {
            TeamEvent::TeamFormed { name, service } => {
                self.name = Some(name.clone());
                self.service = Some(*service);
                self.formed = Some(ev.date());
            }
            TeamEvent::TeamRenamed { name } => self.name = Some(name.clone()),
            TeamEvent::TeamClosed {} => self.closed = Some(ev.date()),
        }
    }

    fn references(_: &TeamEvent) -> Vec<Reference> {
        Vec::new()
    }
}

// ---------------------------------------------------------------------------------------
// Staff

events! {
    /// An event in a member of staff's stream.
    pub enum StaffEvent {
        /// Someone joined the service.
        StaffJoined = "staff_joined" {
            name: PersonName,
            role: StaffRole,
            team: TeamId,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            registration: Option<SweNumber>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            email: Option<Email>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            phone: Option<Phone>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            line_manager: Option<StaffId>,
        },
        /// Contact details or name changed.
        StaffDetailsAmended = "staff_details_amended" {
            name: PersonName,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            email: Option<Email>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            phone: Option<Phone>,
        },
        /// Moved team or line manager.
        StaffMoved = "staff_moved" {
            team: TeamId,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            line_manager: Option<StaffId>,
        },
        /// Took a new role.
        StaffRoleChanged = "staff_role_changed" {
            role: StaffRole,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            registration: Option<SweNumber>,
        },
        /// Left the service.
        StaffLeft = "staff_left" {},
    }
}

/// A member of staff's folded state.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffMember {
    /// Name.
    pub name: PersonName,
    /// Role.
    pub role: StaffRole,
    /// Team.
    pub team: TeamId,
    /// Social Work England registration.
    pub registration: Option<SweNumber>,
    /// Email.
    pub email: Option<Email>,
    /// Telephone.
    pub phone: Option<Phone>,
    /// Line manager.
    pub line_manager: Option<StaffId>,
    /// First day in post.
    pub joined: NaiveDate,
    /// Last day in post.
    pub left: Option<NaiveDate>,
}

impl StaffMember {
    /// Whether they were in post on a date.
    pub fn in_post_on(&self, date: NaiveDate) -> bool {
        self.joined <= date && self.left.is_none_or(|l| date <= l)
    }
}

/// The stream state of a member of staff: empty until they join.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Staff(pub Option<StaffMember>);

fn check_registration(
    role: StaffRole,
    registration: &Option<SweNumber>,
) -> Result<(), RuleViolation> {
    ensure(
        !role.needs_registration() || registration.is_some(),
        Rule::RegistrationRequired,
        || {
            format!(
                "a {} needs a Social Work England registration number",
                role.label().to_lowercase()
            )
        },
    )
}

fn check_team(dir: &dyn Directory, team: &TeamId) -> Result<(), RuleViolation> {
    match dir.team(team) {
        Some(t) if t.closed.is_none() => Ok(()),
        Some(_) => refuse(Rule::UnknownTeam, format!("team {team} has closed")),
        None => refuse(Rule::UnknownTeam, format!("team {team} does not exist")),
    }
}

impl Aggregate for Staff {
    type Event = StaffEvent;
    const KIND: StreamKind = StreamKind::Staff;

    fn check(&self, ev: &Recorded<StaffEvent>, dir: &dyn Directory) -> Result<(), RuleViolation> {
        check_envelope(ev, dir)?;
        creation_first(
            self.0.is_some(),
            matches!(ev.event, StaffEvent::StaffJoined { .. }),
            "member of staff",
        )?;
        if let Some(left) = self.0.as_ref().and_then(|s| s.left) {
            return refuse(
                Rule::DirectoryRecord,
                format!("they left the service on {left}"),
            );
        }
        let on = ev.date();
        match &ev.event {
            StaffEvent::StaffJoined {
                role,
                team,
                registration,
                line_manager,
                ..
            } => {
                check_registration(*role, registration)?;
                check_team(dir, team)?;
                if let Some(m) = line_manager {
                    staff_in_post(dir, m, on)?;
                }
            }
            StaffEvent::StaffMoved { team, line_manager } => {
                check_team(dir, team)?;
                if let Some(m) = line_manager {
                    staff_in_post(dir, m, on)?;
                }
            }
            StaffEvent::StaffRoleChanged { role, registration } => {
                let current = self.0.as_ref().and_then(|s| s.registration.clone());
                check_registration(*role, &registration.clone().or(current))?;
            }
            StaffEvent::StaffDetailsAmended { .. } | StaffEvent::StaffLeft {} => {}
        }
        Ok(())
    }

    fn apply(&mut self, ev: &Recorded<StaffEvent>) {
        match (&ev.event, &mut self.0) {
            (
                StaffEvent::StaffJoined {
                    name,
                    role,
                    team,
                    registration,
                    email,
                    phone,
                    line_manager,
                },
                s,
            ) => {
                *s = Some(StaffMember {
                    name: name.clone(),
                    role: *role,
                    team: team.clone(),
                    registration: registration.clone(),
                    email: email.clone(),
                    phone: phone.clone(),
                    line_manager: line_manager.clone(),
                    joined: ev.date(),
                    left: None,
                });
            }
            (StaffEvent::StaffDetailsAmended { name, email, phone }, Some(s)) => {
                s.name = name.clone();
                s.email = email.clone();
                s.phone = phone.clone();
            }
            (StaffEvent::StaffMoved { team, line_manager }, Some(s)) => {
                s.team = team.clone();
                s.line_manager = line_manager.clone();
            }
            (StaffEvent::StaffRoleChanged { role, registration }, Some(s)) => {
                s.role = *role;
                if registration.is_some() {
                    s.registration = registration.clone();
                }
            }
            (StaffEvent::StaffLeft {}, Some(s)) => s.left = Some(ev.date()),
            (_, None) => {}
        }
    }

    fn references(ev: &StaffEvent) -> Vec<Reference> {
        match ev {
            StaffEvent::StaffJoined {
                team, line_manager, ..
            }
            | StaffEvent::StaffMoved { team, line_manager } => {
                let mut r = vec![Reference::Team(team.clone())];
                r.extend(line_manager.iter().cloned().map(Reference::Staff));
                r
            }
            _ => Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Adults in networks, and professionals

events! {
    /// An event in an adult's stream.
    pub enum PersonEvent {
        /// An adult became known to the service.
        PersonRegistered = "person_registered" { details: PersonDetails },
        /// Their details changed.
        PersonDetailsAmended = "person_details_amended" { details: PersonDetails },
    }
}

/// An adult's folded state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Person(pub Option<PersonDetails>);

impl Aggregate for Person {
    type Event = PersonEvent;
    const KIND: StreamKind = StreamKind::Person;

    fn check(&self, ev: &Recorded<PersonEvent>, dir: &dyn Directory) -> Result<(), RuleViolation> {
        check_envelope(ev, dir)?;
        creation_first(
            self.0.is_some(),
            matches!(ev.event, PersonEvent::PersonRegistered { .. }),
            "person",
        )
    }

    fn apply(&mut self, ev: &Recorded<PersonEvent>) {
        match &ev.event {
            PersonEvent::PersonRegistered { details }
            | PersonEvent::PersonDetailsAmended { details } => {
                self.0 = Some(details.clone());
            }
        }
    }

    fn references(_: &PersonEvent) -> Vec<Reference> {
        Vec::new()
    }
}

events! {
    /// An event in a professional's stream.
    pub enum ProfessionalEvent {
        /// A professional became known to the service.
        ProfessionalRegistered = "professional_registered" { details: ProfessionalDetails },
        /// Their details changed.
        ProfessionalDetailsAmended = "professional_details_amended" { details: ProfessionalDetails },
    }
}

/// A professional's folded state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Professional(pub Option<ProfessionalDetails>);

impl Aggregate for Professional {
    type Event = ProfessionalEvent;
    const KIND: StreamKind = StreamKind::Professional;

    fn check(
        &self,
        ev: &Recorded<ProfessionalEvent>,
        dir: &dyn Directory,
    ) -> Result<(), RuleViolation> {
        check_envelope(ev, dir)?;
        creation_first(
            self.0.is_some(),
            matches!(ev.event, ProfessionalEvent::ProfessionalRegistered { .. }),
            "professional",
        )
    }

    fn apply(&mut self, ev: &Recorded<ProfessionalEvent>) {
        match &ev.event {
            ProfessionalEvent::ProfessionalRegistered { details }
            | ProfessionalEvent::ProfessionalDetailsAmended { details } => {
                self.0 = Some(details.clone())
            }
        }
    }

    fn references(_: &ProfessionalEvent) -> Vec<Reference> {
        Vec::new()
    }
}

// ---------------------------------------------------------------------------------------
// Adopter households (Ofsted Annex A List 11)

events! {
    /// An event in a prospective adopter household's stream.
    pub enum AdopterEvent {
        /// A household enquired about adopting.
        AdopterEnquiryReceived = "adopter_enquiry_received" { household: AdopterHousehold },
        /// Their details changed.
        AdopterDetailsAmended = "adopter_details_amended" { household: AdopterHousehold },
        /// A stage of the approval process started.
        AdopterStageStarted = "adopter_stage_started" { stage: AdopterStage },
        /// A stage of the approval process ended.
        AdopterStageEnded = "adopter_stage_ended" { stage: AdopterStage },
        /// They applied to be approved.
        AdopterApplicationSubmitted = "adopter_application_submitted" {},
        /// They were approved.
        AdopterApproved = "adopter_approved" {},
        /// They were matched with one or more children.
        AdopterMatched = "adopter_matched" { children: Vec<ChildId> },
        /// Children were placed with them.
        AdopterChildrenPlaced = "adopter_children_placed" { children: Vec<ChildId> },
        /// An adoption order was made for a child placed with them.
        AdopterOrderGranted = "adopter_order_granted" {},
        /// They left the process.
        AdopterLeftProcess = "adopter_left_process" { reason: AdopterLeavingReason },
    }
}

/// A dated step.
pub type Step = Option<NaiveDate>;

/// An adopter household's folded state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Adopter {
    /// Who they are.
    pub household: Option<AdopterHousehold>,
    /// Enquiry date.
    pub enquiry: Step,
    /// Stage one started and ended.
    pub stage_one: (Step, Step),
    /// Stage two started and ended.
    pub stage_two: (Step, Step),
    /// Application submitted.
    pub application: Step,
    /// Approved.
    pub approved: Step,
    /// Matched, and with whom.
    pub matched: Option<(NaiveDate, Vec<ChildId>)>,
    /// Children placed.
    pub placed: Option<(NaiveDate, Vec<ChildId>)>,
    /// Adoption order.
    pub order: Step,
    /// Left the process, and why.
    pub left: Option<(NaiveDate, AdopterLeavingReason)>,
}

impl Aggregate for Adopter {
    type Event = AdopterEvent;
    const KIND: StreamKind = StreamKind::Adopter;

    fn check(&self, ev: &Recorded<AdopterEvent>, dir: &dyn Directory) -> Result<(), RuleViolation> {
        use AdopterEvent::*;
        check_envelope(ev, dir)?;
        creation_first(
            self.household.is_some(),
            matches!(ev.event, AdopterEnquiryReceived { .. }),
            "adopter household",
        )?;
        if let Some((date, _)) = self.left {
            return refuse(
                Rule::AdopterProcess,
                format!("the household left the process on {date}"),
            );
        }
        let seq = |ok: bool, what: &str| {
            ensure(ok, Rule::AdopterProcess, || {
                format!("{what} is out of order")
            })
        };
        match &ev.event {
            AdopterEnquiryReceived { household } | AdopterDetailsAmended { household } => ensure(
                (1..=2).contains(&household.adopters.len()),
                Rule::AdopterProcess,
                || "an adopter household has one or two adopters".to_owned(),
            ),
            AdopterStageStarted {
                stage: AdopterStage::One,
            } => seq(self.stage_one.0.is_none(), "starting stage one"),
            AdopterStageEnded {
                stage: AdopterStage::One,
            } => seq(
                self.stage_one.0.is_some() && self.stage_one.1.is_none(),
                "ending stage one",
            ),
            AdopterStageStarted {
                stage: AdopterStage::Two,
            } => seq(
                self.stage_one.1.is_some() && self.stage_two.0.is_none(),
                "starting stage two",
            ),
            AdopterStageEnded {
                stage: AdopterStage::Two,
            } => seq(
                self.stage_two.0.is_some() && self.stage_two.1.is_none(),
                "ending stage two",
            ),
            AdopterApplicationSubmitted {} => seq(self.application.is_none(), "the application"),
            AdopterApproved {} => seq(
                self.approved.is_none() && self.stage_two.0.is_some(),
                "approval",
            ),
            AdopterMatched { children } => {
                seq(self.approved.is_some() && !children.is_empty(), "matching")?;
                children.iter().try_for_each(|c| {
                    ensure(dir.has_child(c), Rule::UnknownChild, || {
                        format!("child {c} does not exist")
                    })
                })
            }
            AdopterChildrenPlaced { children } => seq(
                self.matched.is_some() && !children.is_empty(),
                "placing children",
            ),
            AdopterOrderGranted {} => seq(self.placed.is_some(), "the adoption order"),
            AdopterLeftProcess { .. } => Ok(()),
        }
    }

    fn apply(&mut self, ev: &Recorded<AdopterEvent>) {
        use AdopterEvent::*;
        let d = Some(ev.date());
        match &ev.event {
            AdopterEnquiryReceived { household } => {
                self.household = Some(household.clone());
                self.enquiry = d;
            }
            AdopterDetailsAmended { household } => self.household = Some(household.clone()),
            AdopterStageStarted {
                stage: AdopterStage::One,
            } => self.stage_one.0 = d,
            AdopterStageEnded {
                stage: AdopterStage::One,
            } => self.stage_one.1 = d,
            AdopterStageStarted {
                stage: AdopterStage::Two,
            } => self.stage_two.0 = d,
            AdopterStageEnded {
                stage: AdopterStage::Two,
            } => self.stage_two.1 = d,
            AdopterApplicationSubmitted {} => self.application = d,
            AdopterApproved {} => self.approved = d,
            AdopterMatched { children } => self.matched = Some((ev.date(), children.clone())),
            AdopterChildrenPlaced { children } => self.placed = Some((ev.date(), children.clone())),
            AdopterOrderGranted {} => self.order = d,
            AdopterLeftProcess { reason } => self.left = Some((ev.date(), *reason)),
        }
    }

    fn references(ev: &AdopterEvent) -> Vec<Reference> {
        match ev {
            AdopterEvent::AdopterMatched { children } => {
                children.iter().cloned().map(Reference::Child).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// Checks a command's events in order and, if every rule holds, folds them in. On refusal
/// the state is unchanged.
pub fn append<A: Aggregate>(
    state: &mut A,
    new: &[Recorded<A::Event>],
    dir: &dyn Directory,
) -> Result<(), Refusal> {
    let mut next = state.clone();
    for (index, ev) in new.iter().enumerate() {
        next.check(ev, dir)
            .map_err(|violation| Refusal { index, violation })?;
        next.apply(ev);
    }
    *state = next;
    Ok(())
}

/// Folds a stored directory stream without checking it.
pub fn fold_directory<A: Aggregate>(events: &[Recorded<A::Event>]) -> A {
    let mut state = A::default();
    for ev in events {
        state.apply(ev);
    }
    state
}

/// An in-memory directory, for tests and for checking a command after its references have
/// been fetched.
#[derive(Debug, Clone, Default)]
pub struct MemoryDirectory {
    /// Staff by id.
    pub staff: std::collections::HashMap<StaffId, StaffMember>,
    /// Teams by id.
    pub teams: std::collections::HashMap<TeamId, Team>,
    /// Adults known to exist.
    pub people: std::collections::HashSet<PersonId>,
    /// Professionals known to exist.
    pub professionals: std::collections::HashSet<ProfessionalId>,
    /// Children known to exist.
    pub children: std::collections::HashSet<ChildId>,
    /// Adopter households known to exist.
    pub adopters: std::collections::HashSet<AdopterId>,
}

impl Directory for MemoryDirectory {
    fn staff(&self, id: &StaffId) -> Option<&StaffMember> {
        self.staff.get(id)
    }
    fn team(&self, id: &TeamId) -> Option<&Team> {
        self.teams.get(id)
    }
    fn has_person(&self, id: &PersonId) -> bool {
        self.people.contains(id)
    }
    fn has_professional(&self, id: &ProfessionalId) -> bool {
        self.professionals.contains(id)
    }
    fn has_child(&self, id: &ChildId) -> bool {
        self.children.contains(id)
    }
    fn has_adopter(&self, id: &AdopterId) -> bool {
        self.adopters.contains(id)
    }
}
