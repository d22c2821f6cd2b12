//! Selection: who is eligible for an audit under a template's criteria, who of them is left
//! out and why, and a seeded draw from each group that anyone can run again and check.
//!
//! Pure and reproducible. The eligible list of each group is put in a canonical order (by
//! id) and hashed with SHA-256; the draw takes its randomness from SHA-256 of the seed, the
//! template, the month, the group and that hash, and turns it into positions by rejection
//! sampling, so every eligible case is exactly equally likely. The same seed and the same
//! records give the same cases, whatever order the records came in. A case nobody drew
//! cannot be entered as a selection: the check runs the draw again.

use std::collections::BTreeMap;

use chrono::{Days, Months, NaiveDate};
use hearth_domain::child::{ChildEvent, fold};
use hearth_domain::codes::{ReasonNewEpisode, ServiceArea, StaffRole, WorkerChangeReason};
use hearth_domain::directory::MemoryDirectory;
use hearth_domain::event::Recorded;
use hearth_domain::{ChildId, ChildRecord, StaffId, TeamId, Timestamp};
use hearth_standards::{AsAt, Calendar, Period, is_open};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::codes::ExclusionReason;
use crate::event::AuditEvent;
use crate::ids::{Month, Seed};
use crate::template::Template;
use crate::vocabulary::{CaseState, GroupBy, Method, ScopeEvent, SubjectKind};

/// Who may be selected under a template, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criteria {
    /// A draw, or everyone due.
    pub method: Method,
    /// What each draw is made per.
    pub per: GroupBy,
    /// How many are drawn from each group (draws only).
    pub cases: u16,
    /// For children: at least one of these holds at the date (none listed: any open case).
    pub states: Vec<CaseState>,
    /// For children: at least one of these happened in the scope.
    pub in_scope: Vec<ScopeEvent>,
    /// For children: at least this old at the date.
    pub age_from: Option<u8>,
    /// For children: under this age at the date.
    pub age_under: Option<u8>,
    /// For practitioners: the roles selected.
    pub roles: Vec<StaffRole>,
    /// Who is left out, and why; the first that applies is recorded.
    pub exclude: Vec<Exclusion>,
}

/// A reason to leave an eligible case out, with its period where it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    /// The reason.
    pub reason: ExclusionReason,
    /// For AUDITED_RECENTLY, how recently; for OPEN_TOO_SHORT, how long is too short.
    pub within: Option<Period>,
}

/// What an audit is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Subject {
    /// A child's case.
    Child {
        /// The child.
        child: ChildId,
    },
    /// A practitioner.
    Practitioner {
        /// The member of staff.
        staff: StaffId,
    },
}

impl Subject {
    /// The child, for an audit of a child's case.
    pub fn child(&self) -> Option<&ChildId> {
        match self {
            Subject::Child { child } => Some(child),
            Subject::Practitioner { .. } => None,
        }
    }

    /// The practitioner, for an audit of a practitioner.
    pub fn practitioner(&self) -> Option<&StaffId> {
        match self {
            Subject::Practitioner { staff } => Some(staff),
            Subject::Child { .. } => None,
        }
    }

    /// Its kind.
    pub fn kind(&self) -> SubjectKind {
        match self {
            Subject::Child { .. } => SubjectKind::Child,
            Subject::Practitioner { .. } => SubjectKind::Practitioner,
        }
    }

    /// `child/ID` or `staff/ID`: the text hashed for the eligible list.
    pub fn key(&self) -> String {
        match self {
            Subject::Child { child } => format!("child/{child}"),
            Subject::Practitioner { staff } => format!("staff/{staff}"),
        }
    }
}

/// What a draw is made for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "per", rename_all = "snake_case", deny_unknown_fields)]
pub enum Group {
    /// A team.
    Team {
        /// The team.
        team: TeamId,
    },
    /// A part of the service.
    Service {
        /// The service area.
        service: ServiceArea,
    },
    /// The whole council.
    Council,
}

impl Group {
    /// `team/ID`, `service/CODE` or `council`: the text the draw's randomness is keyed by.
    pub fn key(&self) -> String {
        match self {
            Group::Team { team } => format!("team/{team}"),
            Group::Service { service } => format!("service/{}", service.code()),
            Group::Council => "council".to_owned(),
        }
    }
}

/// A case (or practitioner) left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Excluded {
    /// Who.
    pub subject: Subject,
    /// Why.
    pub reason: ExclusionReason,
}

/// An earlier audit of the same kind, for AUDITED_RECENTLY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Previous {
    /// Who was audited.
    pub subject: Subject,
    /// The date they were selected.
    pub on: NaiveDate,
}

/// One group's draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupDraw {
    /// The group.
    pub group: Group,
    /// Everyone eligible and not left out, in id order.
    pub eligible: Vec<Subject>,
    /// SHA-256 of the eligible list, in hexadecimal.
    pub eligible_hash: String,
    /// Who was left out, and why, in id order.
    pub excluded: Vec<Excluded>,
    /// Who was drawn, in the order drawn (everyone eligible, for a programme).
    pub drawn: Vec<Subject>,
}

/// A month's selection under one template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Selection {
    /// The template's id.
    pub template: String,
    /// The month.
    pub month: Month,
    /// The date it was made, as at which everyone was weighed.
    pub on: NaiveDate,
    /// The first day of the scope each audit looks at.
    pub scope_from: NaiveDate,
    /// The seed.
    pub seed: Seed,
    /// Each group's draw, in group order.
    pub groups: Vec<GroupDraw>,
    /// Cases that meet the criteria but are held in no team, so were in no team's draw.
    pub not_in_a_team: Vec<Subject>,
}

impl Selection {
    /// A group's draw.
    pub fn group(&self, group: &Group) -> Option<&GroupDraw> {
        self.groups.iter().find(|g| &g.group == group)
    }

    /// The event that selects one of a group's drawn cases for an audit, carrying the
    /// draw's seed, eligible list hash and exclusions; none for a case not drawn. Forms
    /// make selections only this way, so no one types a child's id.
    pub fn event_for(
        &self,
        template: &Template,
        group: &Group,
        subject: &Subject,
    ) -> Option<AuditEvent> {
        let g = self.group(group)?;
        if !g.drawn.contains(subject) || template.id != self.template {
            return None;
        }
        Some(AuditEvent::AuditSelected {
            template: self.template.clone(),
            subject: subject.clone(),
            group: group.clone(),
            month: self.month,
            on: self.on,
            scope_from: self.scope_from,
            method: template.selection.method,
            seed: (template.selection.method == Method::Draw).then_some(self.seed),
            eligible_hash: g.eligible_hash.clone(),
            eligible_count: u32::try_from(g.eligible.len()).ok()?,
            excluded: g.excluded.clone(),
        })
    }
}

/// What a selection is made with.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    /// The template.
    pub template: &'a Template,
    /// The month selected for.
    pub month: Month,
    /// The date of the selection.
    pub on: NaiveDate,
    /// The seed.
    pub seed: Seed,
    /// The working-day calendar.
    pub calendar: &'a Calendar,
    /// Staff and teams: the teams cases are held in, and the practitioners to select from.
    pub staff: &'a MemoryDirectory,
    /// Earlier audits of the same kind.
    pub previous: &'a [Previous],
}

/// The first day of a template's scope, counted back from the selection date.
pub fn scope_from(template: &Template, on: NaiveDate) -> NaiveDate {
    let back = match template.scope {
        Period::Months(n) => on.checked_sub_months(Months::new(n)),
        Period::Weeks(n) => on.checked_sub_days(Days::new(u64::from(n) * 7)),
        Period::Days(n) => on.checked_sub_days(Days::new(u64::from(n))),
        // The loader allows only months, weeks and days for a scope.
        _ => None,
    };
    back.and_then(|d| d.succ_opt()).unwrap_or(on)
}

/// A child's record as it was known at an instant: the events recorded by then, folded.
/// A selection is made, and checked again later, from records as they were known when it
/// was made, so that entries recorded late do not change who was eligible.
pub fn record_as_known(
    child: &ChildId,
    events: &[Recorded<ChildEvent>],
    at: Timestamp,
) -> ChildRecord {
    let known: Vec<Recorded<ChildEvent>> = events
        .iter()
        .filter(|e| e.recorded_at <= at)
        .cloned()
        .collect();
    fold(child, &known)
}

/// Makes a month's selection: eligibility as at the date, exclusions, and the draw.
/// `children` are the records to weigh (ignored when the template selects practitioners).
pub fn select(inputs: &Inputs<'_>, children: &[ChildRecord]) -> Selection {
    let t = inputs.template;
    let from = scope_from(t, inputs.on);
    let mut groups: BTreeMap<Group, (Vec<Subject>, Vec<Excluded>)> = BTreeMap::new();
    let mut not_in_a_team = Vec::new();
    let mut place = |standing: Standing| match standing {
        Standing::NotEligible => {}
        Standing::Eligible(None, subject) | Standing::Excluded(None, subject, _) => {
            not_in_a_team.push(subject);
        }
        Standing::Eligible(Some(g), subject) => groups.entry(g).or_default().0.push(subject),
        Standing::Excluded(Some(g), subject, reason) => {
            groups
                .entry(g)
                .or_default()
                .1
                .push(Excluded { subject, reason });
        }
    };
    match t.subject {
        SubjectKind::Child => {
            for r in children {
                place(child_standing(inputs, from, r));
            }
        }
        SubjectKind::Practitioner => {
            let mut staff: Vec<(&StaffId, _)> = inputs.staff.staff.iter().collect();
            staff.sort_by(|a, b| a.0.cmp(b.0));
            for (id, member) in staff {
                place(practitioner_standing(inputs, id, member));
            }
        }
    }
    finish(inputs, from, groups, not_in_a_team)
}

/// Joins selections made with the same inputs over separate parts of the records (a
/// council's children read a batch at a time) into the selection over all of them: each
/// group's eligible and excluded lists are joined, fingerprinted and drawn as `select` would
/// over every record at once.
pub fn merge(inputs: &Inputs<'_>, parts: Vec<Selection>) -> Selection {
    let from = scope_from(inputs.template, inputs.on);
    let mut groups: BTreeMap<Group, (Vec<Subject>, Vec<Excluded>)> = BTreeMap::new();
    let mut not_in_a_team = Vec::new();
    for part in parts {
        not_in_a_team.extend(part.not_in_a_team);
        for g in part.groups {
            let entry = groups.entry(g.group).or_default();
            entry.0.extend(g.eligible);
            entry.1.extend(g.excluded);
        }
    }
    finish(inputs, from, groups, not_in_a_team)
}

/// A selection made without earlier audits (`previous` empty), weighed again with
/// `inputs.previous`: those audited recently are left out for that reason wherever the
/// template puts it before the reason they had, and the groups are drawn again. The same as
/// selecting with the earlier audits in the first place; it lets a year of draws be made
/// from one reading of the records.
pub fn with_previous(inputs: &Inputs<'_>, made_without: Selection) -> Selection {
    let order = &inputs.template.selection.exclude;
    let recently = order
        .iter()
        .position(|e| e.reason == ExclusionReason::AuditedRecently);
    let from = scope_from(inputs.template, inputs.on);
    let mut groups: BTreeMap<Group, (Vec<Subject>, Vec<Excluded>)> = BTreeMap::new();
    for g in made_without.groups {
        let entry = groups.entry(g.group).or_default();
        let audited = |subject: &Subject| {
            recently.is_some_and(|i| audited_within(inputs, subject, order[i].within))
        };
        for subject in g.eligible {
            if audited(&subject) {
                entry.1.push(Excluded {
                    subject,
                    reason: ExclusionReason::AuditedRecently,
                });
            } else {
                entry.0.push(subject);
            }
        }
        for e in g.excluded {
            let before = recently.is_some_and(|i| {
                order
                    .iter()
                    .position(|x| x.reason == e.reason)
                    .is_none_or(|j| i < j)
            });
            let reason = if before && audited(&e.subject) {
                ExclusionReason::AuditedRecently
            } else {
                e.reason
            };
            entry.1.push(Excluded {
                subject: e.subject,
                reason,
            });
        }
    }
    finish(inputs, from, groups, made_without.not_in_a_team)
}

/// Puts each group's lists in order, fingerprints them and draws.
fn finish(
    inputs: &Inputs<'_>,
    from: NaiveDate,
    groups: BTreeMap<Group, (Vec<Subject>, Vec<Excluded>)>,
    mut not_in_a_team: Vec<Subject>,
) -> Selection {
    let t = inputs.template;
    not_in_a_team.sort();
    not_in_a_team.dedup();
    let groups = groups
        .into_iter()
        .map(|(group, (mut eligible, mut excluded))| {
            eligible.sort();
            eligible.dedup();
            excluded.sort();
            excluded.dedup();
            let eligible_hash = eligible_hash(&eligible);
            let drawn = match t.selection.method {
                Method::Programme => eligible.clone(),
                Method::Draw => draw(
                    inputs.seed,
                    &t.id,
                    inputs.month,
                    &group,
                    &eligible_hash,
                    &eligible,
                    usize::from(t.selection.cases),
                ),
            };
            GroupDraw {
                group,
                eligible,
                eligible_hash,
                excluded,
                drawn,
            }
        })
        .collect();
    Selection {
        template: t.id.clone(),
        month: inputs.month,
        on: inputs.on,
        scope_from: from,
        seed: inputs.seed,
        groups,
        not_in_a_team,
    }
}

/// SHA-256 of an eligible list in id order, one `kind/id` a line, in hexadecimal.
pub fn eligible_hash(eligible: &[Subject]) -> String {
    let mut h = Sha256::new();
    h.update(b"hearth-assurance eligible list v1\n");
    for s in eligible {
        h.update(s.key().as_bytes());
        h.update(b"\n");
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A stream of random numbers keyed by the draw's inputs: SHA-256 of the key and a counter.
struct Randomness {
    key: Vec<u8>,
    counter: u64,
}

impl Randomness {
    fn next_u64(&mut self) -> u64 {
        let mut h = Sha256::new();
        h.update(&self.key);
        h.update(self.counter.to_be_bytes());
        self.counter += 1;
        let digest = h.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first)
    }

    /// A number below `n`, every one equally likely: numbers from the top of the range
    /// that would favour the smaller results are drawn again.
    fn below(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        // 2^64 mod n: the count of values at the top of the range to refuse.
        let refused = (u64::MAX % n).wrapping_add(1) % n;
        loop {
            let x = self.next_u64();
            if refused == 0 || x < 0u64.wrapping_sub(refused) {
                return x % n;
            }
        }
    }
}

/// Draws `k` from the eligible list (fewer if it is shorter), without replacement.
pub fn draw(
    seed: Seed,
    template: &str,
    month: Month,
    group: &Group,
    eligible_hash: &str,
    eligible: &[Subject],
    k: usize,
) -> Vec<Subject> {
    let key = format!(
        "hearth-assurance draw v1\n{seed}\n{template}\n{month}\n{}\n{eligible_hash}\n",
        group.key()
    );
    let mut rng = Randomness {
        key: key.into_bytes(),
        counter: 0,
    };
    let mut order: Vec<usize> = (0..eligible.len()).collect();
    let k = k.min(order.len());
    for i in 0..k {
        let remaining = (order.len() - i) as u64;
        // `below` is less than the number remaining, so the position is in the list.
        let j = i + usize::try_from(rng.below(remaining)).unwrap_or(0);
        order.swap(i, j);
    }
    order
        .into_iter()
        .take(k)
        .filter_map(|i| eligible.get(i).cloned())
        .collect()
}

enum Standing {
    NotEligible,
    Eligible(Option<Group>, Subject),
    Excluded(Option<Group>, Subject, ExclusionReason),
}

fn group_of(per: GroupBy, team: Option<&TeamId>, staff: &MemoryDirectory) -> Option<Group> {
    match per {
        GroupBy::Council => Some(Group::Council),
        GroupBy::Team => team.map(|t| Group::Team { team: t.clone() }),
        GroupBy::Service => team
            .and_then(|t| staff.teams.get(t))
            .and_then(|t| t.service)
            .map(|service| Group::Service { service }),
    }
}

fn child_standing(inputs: &Inputs<'_>, from: NaiveDate, r: &ChildRecord) -> Standing {
    let c = &inputs.template.selection;
    let as_at = AsAt::end_of(inputs.on);
    let t = as_at.instant;
    if r.registered.is_none_or(|m| m.at > t) || r.date_of_death.is_some_and(|d| d <= inputs.on) {
        return Standing::NotEligible;
    }
    if !is_open(r, inputs.calendar, as_at) {
        return Standing::NotEligible;
    }
    if !c.states.is_empty() && !c.states.iter().any(|s| holds(*s, r, t, inputs.on)) {
        return Standing::NotEligible;
    }
    if !c.in_scope.is_empty() && !c.in_scope.iter().any(|e| happened(*e, r, from, t)) {
        return Standing::NotEligible;
    }
    if c.age_from.is_some() || c.age_under.is_some() {
        let Some(age) = r.age_on(inputs.on) else {
            return Standing::NotEligible;
        };
        if c.age_from.is_some_and(|a| age < i32::from(a))
            || c.age_under.is_some_and(|a| age >= i32::from(a))
        {
            return Standing::NotEligible;
        }
    }
    let subject = Subject::Child {
        child: r.id.clone(),
    };
    let (team, waiting) = team_of(r, t, inputs.staff);
    let group = group_of(c.per, team.as_ref(), inputs.staff);
    if group.is_none() {
        return Standing::Excluded(None, subject, ExclusionReason::NotInATeam);
    }
    for e in &c.exclude {
        let applies = match e.reason {
            ExclusionReason::AuditedRecently => audited_within(inputs, &subject, e.within),
            ExclusionReason::OpenTooShort => e.within.is_some_and(|p| {
                open_since(r, t).is_some_and(|since| {
                    within_before(p, inputs.calendar, inputs.on).is_some_and(|cut| since > cut)
                })
            }),
            ExclusionReason::WaitingForWorker => waiting,
            ExclusionReason::NotInATeam => false,
        };
        if applies {
            return Standing::Excluded(group, subject, e.reason);
        }
    }
    Standing::Eligible(group, subject)
}

fn practitioner_standing(
    inputs: &Inputs<'_>,
    id: &StaffId,
    member: &hearth_domain::directory::StaffMember,
) -> Standing {
    let c = &inputs.template.selection;
    if !member.in_post_on(inputs.on) || !c.roles.contains(&member.role) {
        return Standing::NotEligible;
    }
    let subject = Subject::Practitioner { staff: id.clone() };
    let team = inputs
        .staff
        .teams
        .get(&member.team)
        .filter(|t| t.closed.is_none_or(|d| d > inputs.on))
        .map(|_| member.team.clone());
    let group = group_of(c.per, team.as_ref(), inputs.staff);
    if group.is_none() {
        return Standing::Excluded(None, subject, ExclusionReason::NotInATeam);
    }
    for e in &c.exclude {
        let applies = match e.reason {
            ExclusionReason::AuditedRecently => audited_within(inputs, &subject, e.within),
            ExclusionReason::OpenTooShort => e.within.is_some_and(|p| {
                within_before(p, inputs.calendar, inputs.on).is_some_and(|cut| member.joined > cut)
            }),
            ExclusionReason::WaitingForWorker | ExclusionReason::NotInATeam => false,
        };
        if applies {
            return Standing::Excluded(group, subject, e.reason);
        }
    }
    Standing::Eligible(group, subject)
}

/// The day a period before `on` begins (for "within the last six months").
fn within_before(p: Period, calendar: &Calendar, on: NaiveDate) -> Option<NaiveDate> {
    match p {
        Period::Months(n) => on.checked_sub_months(Months::new(n)),
        Period::Weeks(n) => on.checked_sub_days(Days::new(u64::from(n) * 7)),
        Period::Days(n) => on.checked_sub_days(Days::new(u64::from(n))),
        Period::WorkingDays(n) => calendar.add_working_days(on, -i32::try_from(n).ok()?),
        Period::Hours(_) | Period::Age(_) => None,
    }
}

fn audited_within(inputs: &Inputs<'_>, subject: &Subject, within: Option<Period>) -> bool {
    let on = inputs.on;
    let Some(cut) = within.and_then(|p| within_before(p, inputs.calendar, on)) else {
        return false;
    };
    inputs
        .previous
        .iter()
        .any(|p| &p.subject == subject && p.on > cut && p.on <= on)
}

/// The team a child's case is held in at an instant, and whether it is waiting for a
/// worker: the allocated worker's team; while waiting, the last worker's; for a care leaver
/// with no worker, their personal adviser's.
fn team_of(r: &ChildRecord, t: Timestamp, staff: &MemoryDirectory) -> (Option<TeamId>, bool) {
    let last = r.allocations.iter().rev().find(|a| a.mark.at <= t);
    match last {
        Some(a) if a.ended.is_none_or(|e| e.at > t) => (Some(a.team.clone()), false),
        _ => {
            let adviser = r
                .care_leaver
                .advisers
                .iter()
                .rev()
                .find(|(m, _)| m.at <= t)
                .and_then(|(_, s)| staff.staff.get(s))
                .map(|s| s.team.clone());
            match (adviser, last) {
                (Some(team), _) => (Some(team), false),
                (None, Some(a)) => (Some(a.team.clone()), true),
                (None, None) => (None, false),
            }
        }
    }
}

fn holds(s: CaseState, r: &ChildRecord, t: Timestamp, on: NaiveDate) -> bool {
    let open_at =
        |start: Timestamp, end: Option<Timestamp>| start <= t && end.is_none_or(|e| e > t);
    let episode = r
        .episodes_of_need
        .iter()
        .rev()
        .find(|e| e.referral.at <= t)
        .filter(|e| e.closure.as_ref().is_none_or(|(m, _)| m.at > t));
    match s {
        CaseState::OpenCase => episode.is_some_and(|e| !e.no_further_action),
        CaseState::CinPlan => episode.is_some_and(|e| {
            e.cin_plans
                .iter()
                .any(|p| open_at(p.start.at, p.end.map(|(m, _)| m.at)))
        }),
        CaseState::CpPlan => episode.is_some_and(|e| {
            e.cp_plans
                .iter()
                .any(|p| open_at(p.start.at, p.end.map(|(m, _)| m.at)))
        }),
        CaseState::LookedAfter => r
            .care_episodes
            .iter()
            .any(|e| open_at(e.start.at, e.end.map(|(m, _)| m.at))),
        CaseState::CareLeaver => {
            let latest = r.care_leaver.statuses.iter().rev().find(|(m, _)| m.at <= t);
            latest.is_some_and(|(_, c)| c.is_supported())
                && r.care_leaver_support_ends_on().is_some_and(|end| on < end)
        }
        CaseState::AdoptionPlan => r.adoption.iter().any(|a| {
            let ended = a
                .order
                .map(|m| m.at)
                .into_iter()
                .chain(a.ended.map(|(m, _)| m.at))
                .min();
            open_at(a.decision.at, ended)
        }),
    }
}

fn happened(e: ScopeEvent, r: &ChildRecord, from: NaiveDate, t: Timestamp) -> bool {
    let inside = |at: Timestamp| at <= t && at.london_date() >= from;
    let episodes = || r.episodes_of_need.iter();
    match e {
        ScopeEvent::Referral => episodes().any(|x| inside(x.referral.at)),
        ScopeEvent::StrategyDiscussion => episodes()
            .flat_map(|x| &x.strategy_discussions)
            .any(|s| inside(s.mark.at)),
        ScopeEvent::Section47 => episodes()
            .flat_map(|x| &x.enquiries)
            .any(|s| inside(s.start.at)),
        ScopeEvent::CpPlanStarted => episodes()
            .flat_map(|x| &x.cp_plans)
            .any(|p| inside(p.start.at)),
        ScopeEvent::EnteredCare => r
            .care_episodes
            .iter()
            .any(|c| c.reason == ReasonNewEpisode::S && inside(c.start.at)),
        ScopeEvent::PlacementMoved => r.care_episodes.iter().any(|c| {
            matches!(
                c.reason,
                ReasonNewEpisode::P
                    | ReasonNewEpisode::T
                    | ReasonNewEpisode::U
                    | ReasonNewEpisode::B
            ) && inside(c.start.at)
        }),
        ScopeEvent::Missing => r.missing.iter().any(|m| inside(m.start.at)),
        ScopeEvent::EmergencyProtection => r.emergency_protection.iter().any(|(m, _)| inside(m.at)),
        ScopeEvent::WorkerChanged => r
            .allocations
            .iter()
            .any(|a| a.reason != WorkerChangeReason::Fconta && inside(a.mark.at)),
    }
}

/// When the current involvement began: the earliest start among the open child in need
/// episode, the current period of care (back through episodes that continue one another)
/// and the current run of care leaver support.
fn open_since(r: &ChildRecord, t: Timestamp) -> Option<NaiveDate> {
    let mut starts = Vec::new();
    if let Some(e) = r
        .episodes_of_need
        .iter()
        .rev()
        .find(|e| e.referral.at <= t)
        .filter(|e| e.closure.as_ref().is_none_or(|(m, _)| m.at > t))
    {
        starts.push(e.referral.at.london_date());
    }
    let care: Vec<_> = r.care_episodes.iter().filter(|e| e.start.at <= t).collect();
    if let Some(last) = care.last()
        && last.end.is_none_or(|(m, _)| m.at > t)
    {
        let mut start = last.start.at.london_date();
        for pair in care.windows(2).rev() {
            let (before, after) = (pair[0], pair[1]);
            match before.end {
                Some((m, _)) if m.at.london_date() == after.start.at.london_date() => {
                    start = before.start.at.london_date();
                }
                _ => break,
            }
        }
        starts.push(start);
    }
    let statuses: Vec<_> = r
        .care_leaver
        .statuses
        .iter()
        .filter(|(m, _)| m.at <= t)
        .collect();
    if statuses.last().is_some_and(|(_, c)| c.is_supported()) {
        let first = statuses
            .iter()
            .rev()
            .take_while(|(_, c)| c.is_supported())
            .last()
            .map(|(m, _)| m.at.london_date());
        starts.extend(first);
    }
    starts.into_iter().min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn template(name: &str) -> Template {
        Template::builtin(name).unwrap().unwrap()
    }

    fn month() -> Month {
        Month::parse("2025-06").unwrap()
    }

    fn borough() -> Vec<ChildRecord> {
        let mut out = caseload("A", 8, "2024-09-02", "SW1", "TSC1", "TM1");
        out.extend(caseload("B", 5, "2024-10-01", "SW3", "TSC2", "TM2"));
        out.extend(caseload("L", 3, "2024-11-04", "SW4", "TLA1", "TM3"));
        out
    }

    fn run(t: &Template, children: &[ChildRecord], seed: u64, previous: &[Previous]) -> Selection {
        let dir = directory();
        let cal = Calendar::england_and_wales();
        select(
            &Inputs {
                template: t,
                month: month(),
                on: d(2025, 6, 2),
                seed: Seed(seed),
                calendar: &cal,
                staff: &dir,
                previous,
            },
            children,
        )
    }

    fn team(id: &str) -> Group {
        Group::Team { team: team_id(id) }
    }

    fn child_subject(id: &str) -> Subject {
        Subject::Child {
            child: child_id(id),
        }
    }

    #[test]
    fn one_case_is_drawn_from_each_team_and_the_same_seed_draws_the_same() {
        let t = template("single-case-audit");
        let children = borough();
        let s = run(&t, &children, 42, &[]);
        let groups: Vec<&Group> = s.groups.iter().map(|g| &g.group).collect();
        assert_eq!(groups, [&team("TLA1"), &team("TSC1"), &team("TSC2")]);
        for g in &s.groups {
            assert_eq!(g.drawn.len(), 1);
            assert!(g.eligible.contains(&g.drawn[0]));
        }
        assert_eq!(s.group(&team("TSC1")).unwrap().eligible.len(), 8);
        assert_eq!(s.scope_from, d(2024, 6, 3));

        // The same seed over the same records, given in another order, draws the same.
        let mut reversed = children.clone();
        reversed.reverse();
        assert_eq!(run(&t, &reversed, 42, &[]), s);

        // Other seeds draw other cases.
        let firsts: BTreeSet<Subject> = (0..20)
            .map(|seed| {
                run(&t, &children, seed, &[])
                    .group(&team("TSC1"))
                    .unwrap()
                    .drawn[0]
                    .clone()
            })
            .collect();
        assert!(firsts.len() > 3, "{firsts:?}");
    }

    #[test]
    fn cases_left_out_are_listed_with_their_reasons() {
        let t = template("single-case-audit");
        let mut children = caseload("A", 3, "2024-09-02", "SW1", "TSC1", "TM1");
        // Referred a week before the selection: open too short to audit.
        children.push(
            child("N1", "2025-05-27")
                .referred_to("2025-05-27", "SW1", "TSC1", "TM1")
                .record(),
        );
        // The worker left and no one has the case yet.
        children.push(
            child("W1", "2024-09-02")
                .referred_to("2024-09-02", "SW1", "TSC1", "TM1")
                .at(
                    "2025-05-01",
                    r#"{"type":"worker_unallocated","reason":"LEFTRL"}"#,
                )
                .record(),
        );
        // Closed: not eligible, and not an exclusion.
        children.push(
            child("X1", "2024-09-02")
                .referred_to("2024-09-02", "SW1", "TSC1", "TM1")
                .at("2025-01-10", r#"{"type":"case_closed","reason":"RC8"}"#)
                .record(),
        );
        // Referred, never allocated: in no team.
        children.push(
            child("U1", "2025-01-06")
                .at(
                    "2025-01-06",
                    r#"{"type":"referral_received","source":"2A","primary_need":"N1","no_further_action":false}"#,
                )
                .record(),
        );
        let previous = [
            Previous {
                subject: child_subject("A1"),
                on: d(2025, 3, 3),
            },
            // Audited long enough ago to be drawn again.
            Previous {
                subject: child_subject("A2"),
                on: d(2024, 9, 2),
            },
        ];
        let s = run(&t, &children, 7, &previous);
        let g = s.group(&team("TSC1")).unwrap();
        assert_eq!(g.eligible, [child_subject("A2"), child_subject("A3")]);
        let excluded: Vec<(String, ExclusionReason)> = g
            .excluded
            .iter()
            .map(|e| (e.subject.key(), e.reason))
            .collect();
        assert_eq!(
            excluded,
            [
                ("child/A1".to_owned(), ExclusionReason::AuditedRecently),
                ("child/N1".to_owned(), ExclusionReason::OpenTooShort),
                ("child/W1".to_owned(), ExclusionReason::WaitingForWorker),
            ]
        );
        assert_eq!(s.not_in_a_team, [child_subject("U1")]);
        assert_eq!(g.eligible_hash, eligible_hash(&g.eligible));
    }

    #[test]
    fn the_eligible_hash_is_of_the_list_and_changes_with_it() {
        let a = [child_subject("A1"), child_subject("A2")];
        let b = [child_subject("A1"), child_subject("A3")];
        assert_eq!(eligible_hash(&a), eligible_hash(&a.clone()));
        assert_ne!(eligible_hash(&a), eligible_hash(&b));
        assert_ne!(eligible_hash(&a), eligible_hash(&a[..1]));
        assert_eq!(eligible_hash(&a).len(), 64);
    }

    /// Pearson's chi-square statistic of observed counts against equal expectations.
    fn chi_square(counts: &[u32]) -> f64 {
        let total: u32 = counts.iter().sum();
        let expected = f64::from(total) / counts.len() as f64;
        counts
            .iter()
            .map(|c| (f64::from(*c) - expected).powi(2) / expected)
            .sum()
    }

    fn eligible(n: usize) -> Vec<Subject> {
        let mut out: Vec<Subject> = (0..n).map(|i| child_subject(&format!("E{i}"))).collect();
        out.sort();
        out
    }

    /// The chi-square critical value at p = 0.001 for 6 degrees of freedom (7 cases) and
    /// for 9 (10 cases). With fixed seeds the test is deterministic; a fair draw passes
    /// with these seeds, and a biased one (below) fails.
    const CRITICAL_6: f64 = 22.458;
    const CRITICAL_9: f64 = 27.877;

    #[test]
    fn each_eligible_case_is_equally_likely_to_be_drawn() {
        let list = eligible(7);
        let hash = eligible_hash(&list);
        let mut counts = vec![0u32; list.len()];
        for seed in 0..7_000u64 {
            let drawn = draw(Seed(seed), "t", month(), &team("T1"), &hash, &list, 1);
            let i = list.iter().position(|s| *s == drawn[0]).unwrap();
            counts[i] += 1;
        }
        let x = chi_square(&counts);
        assert!(x < CRITICAL_6, "chi-square {x:.2} for {counts:?}");
    }

    #[test]
    fn each_case_is_equally_likely_to_be_among_several_drawn() {
        let list = eligible(10);
        let hash = eligible_hash(&list);
        let mut counts = vec![0u32; list.len()];
        for seed in 0..5_000u64 {
            let drawn = draw(Seed(seed), "t", month(), &team("T1"), &hash, &list, 3);
            assert_eq!(drawn.len(), 3);
            for d in drawn {
                counts[list.iter().position(|s| *s == d).unwrap()] += 1;
            }
        }
        // Each case is in 3 draws of 10: 1,500 of the 5,000.
        let x = chi_square(&counts);
        assert!(x < CRITICAL_9, "chi-square {x:.2} for {counts:?}");
    }

    #[test]
    fn the_uniformity_test_would_catch_a_biased_draw() {
        // A draw that favours the last case, as taking a remainder of too small a range
        // would: the same statistic refuses it, so the tests above can fail.
        let n = 7u64;
        let mut counts = vec![0u32; 7];
        for seed in 0..7_000u64 {
            let mut rng = Randomness {
                key: seed.to_be_bytes().to_vec(),
                counter: 0,
            };
            let i = (rng.next_u64() % (n + 2)).min(n - 1);
            counts[usize::try_from(i).unwrap()] += 1;
        }
        assert!(chi_square(&counts) > CRITICAL_6);
    }

    proptest! {
        #[test]
        fn below_is_below(n in 1u64..u64::MAX, key in any::<u64>()) {
            let mut rng = Randomness { key: key.to_be_bytes().to_vec(), counter: 0 };
            prop_assert!(rng.below(n) < n);
        }

        #[test]
        fn a_draw_is_a_subset_of_the_eligible_list(
            n in 0usize..30,
            k in 1usize..6,
            seed in any::<u64>(),
        ) {
            let list = eligible(n);
            let hash = eligible_hash(&list);
            let drawn = draw(Seed(seed), "t", month(), &team("T1"), &hash, &list, k);
            prop_assert_eq!(drawn.len(), k.min(n));
            let unique: BTreeSet<&Subject> = drawn.iter().collect();
            prop_assert_eq!(unique.len(), drawn.len());
            prop_assert!(drawn.iter().all(|d| list.contains(d)));
        }
    }

    fn twelve() -> &'static [ChildRecord] {
        static CHILDREN: std::sync::OnceLock<Vec<ChildRecord>> = std::sync::OnceLock::new();
        CHILDREN.get_or_init(|| caseload("P", 12, "2024-09-02", "SW1", "TSC1", "TM1"))
    }

    proptest! {
        // Each case weighs twelve records twice, so fewer cases suffice.
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn records_in_any_order_give_the_same_selection(
            n in 0usize..=12,
            seed in any::<u64>(),
            rotate in 0usize..12,
        ) {
            let t = template("single-case-audit");
            let mut children = twelve()[..n].to_vec();
            let a = run(&t, &children, seed, &[]);
            if !children.is_empty() {
                let r = rotate % children.len();
                children.rotate_left(r);
                children.swap(0, n - 1);
            }
            prop_assert_eq!(run(&t, &children, seed, &[]), a);
        }
    }

    #[test]
    fn a_selection_made_a_batch_at_a_time_is_the_selection_over_all() {
        let t = template("single-case-audit");
        let children = borough();
        let dir = directory();
        let cal = Calendar::england_and_wales();
        // One case of TSC1 was audited recently, so the exclusions are joined too.
        let previous = [Previous {
            subject: child_subject(&children[0].id.to_string()),
            on: d(2025, 3, 3),
        }];
        let inputs = Inputs {
            template: &t,
            month: month(),
            on: d(2025, 6, 2),
            seed: Seed(7),
            calendar: &cal,
            staff: &dir,
            previous: &previous,
        };
        let whole = select(&inputs, &children);
        assert!(!whole.groups.iter().all(|g| g.excluded.is_empty()));
        for size in [1, 3, 5, 16] {
            let parts = children.chunks(size).map(|c| select(&inputs, c)).collect();
            assert_eq!(merge(&inputs, parts), whole, "batches of {size}");
        }
    }

    #[test]
    fn earlier_audits_weighed_afterwards_give_the_same_selection() {
        let t = template("single-case-audit");
        let children = borough();
        let dir = directory();
        let cal = Calendar::england_and_wales();
        let previous: Vec<Previous> = children
            .iter()
            .step_by(3)
            .enumerate()
            .map(|(i, r)| Previous {
                subject: child_subject(&r.id.to_string()),
                // Some within six months of the draw, some before.
                on: if i % 2 == 0 {
                    d(2025, 3, 3)
                } else {
                    d(2024, 10, 1)
                },
            })
            .collect();
        let weighed = Inputs {
            template: &t,
            month: month(),
            on: d(2025, 6, 2),
            seed: Seed(11),
            calendar: &cal,
            staff: &dir,
            previous: &previous,
        };
        let with = select(&weighed, &children);
        assert!(
            with.groups
                .iter()
                .flat_map(|g| &g.excluded)
                .any(|e| e.reason == ExclusionReason::AuditedRecently)
        );
        let without = select(
            &Inputs {
                previous: &[],
                ..weighed
            },
            &children,
        );
        assert_ne!(without, with);
        assert_eq!(with_previous(&weighed, without), with);
    }

    #[test]
    fn a_deep_dive_draws_by_its_theme() {
        let t = template("deep-dive-missing");
        let mut children = caseload("A", 4, "2024-09-02", "SW1", "TSC1", "TM1");
        for (i, worker, team, manager) in [
            (1, "SW1", "TSC1", "TM1"),
            (2, "SW3", "TSC2", "TM2"),
            (3, "SW4", "TLA1", "TM3"),
        ] {
            children.push(
                child(&format!("M{i}"), "2024-09-02")
                    .referred_to("2024-09-02", worker, team, manager)
                    .at(
                        "2025-04-12T22:00",
                        r#"{"type":"missing_episode_started","kind":"M"}"#,
                    )
                    .at("2025-04-13T09:00", r#"{"type":"missing_episode_ended"}"#)
                    .record(),
            );
        }
        // Missing before the deep dive's six months: not in its theme.
        children.push(
            child("M9", "2024-09-02")
                .referred_to("2024-09-02", "SW1", "TSC1", "TM1")
                .at(
                    "2024-10-01",
                    r#"{"type":"missing_episode_started","kind":"M"}"#,
                )
                .record(),
        );
        let s = run(&t, &children, 3, &[]);
        let safeguarding = Group::Service {
            service: hearth_domain::codes::ServiceArea::SafeguardingCarePlanning,
        };
        let looked_after = Group::Service {
            service: hearth_domain::codes::ServiceArea::LookedAfter,
        };
        let g = s.group(&safeguarding).unwrap();
        assert_eq!(g.eligible, [child_subject("M1"), child_subject("M2")]);
        assert_eq!(g.drawn.len(), 2, "three asked for, two eligible");
        assert_eq!(
            s.group(&looked_after).unwrap().eligible,
            [child_subject("M3")]
        );
        assert_eq!(s.groups.len(), 2);
    }

    #[test]
    fn practitioners_are_drawn_by_role_and_a_programme_lists_everyone_due() {
        let t = template("supervision-audit");
        let previous = [Previous {
            subject: Subject::Practitioner {
                staff: staff_id("SW2"),
            },
            on: d(2025, 1, 6),
        }];
        let s = run(&t, &[], 5, &previous);
        let g = s.group(&team("TSC1")).unwrap();
        assert_eq!(
            g.eligible,
            [Subject::Practitioner {
                staff: staff_id("SW1")
            }]
        );
        assert_eq!(g.excluded[0].reason, ExclusionReason::AuditedRecently);
        assert!(s.group(&team("TLC1")).is_some(), "personal advisers too");
        assert!(
            s.group(&team("TIRO")).is_none(),
            "reviewing officers are not supervised here"
        );

        let o = template("practice-observation");
        let s = run(&o, &[], 5, &[]);
        let chairs = s.group(&team("TIRO")).unwrap();
        assert_eq!(chairs.drawn, chairs.eligible, "everyone due is listed");
        assert_eq!(s.seed, Seed(5));
        assert!(
            s.event_for(&o, &team("TIRO"), &chairs.drawn[0])
                .is_some_and(|e| matches!(e, AuditEvent::AuditSelected { seed: None, .. }))
        );
    }

    #[test]
    fn only_a_drawn_case_has_a_selection_event() {
        let t = template("single-case-audit");
        let s = run(&t, &borough(), 42, &[]);
        let g = s.group(&team("TSC1")).unwrap();
        let drawn = g.drawn[0].clone();
        let other = g.eligible.iter().find(|e| **e != drawn).unwrap().clone();
        assert!(s.event_for(&t, &team("TSC1"), &drawn).is_some());
        assert!(s.event_for(&t, &team("TSC1"), &other).is_none());
        assert!(s.event_for(&t, &team("TSC2"), &drawn).is_none());
    }
}
