//! Rulesets: TOML files read into typed rules. Everything is checked when the file is read,
//! so evaluation never meets an unknown name: an unknown key, event, condition, state, code
//! or role is refused with the file, the line or rule, and the key at fault.
//! `docs/standards.md` documents the format.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use hearth_domain::codes::{MeetingKind, StaffRole};
use serde::Deserialize;

use crate::obligation::RuleText;
use crate::period::{Age, Period};
use crate::vocabulary::{FactCondition, FactKind, Filter, FilterKey, State};

/// The rulesets shipped with Hearth: name and file contents.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "england-statutory",
        include_str!("../rulesets/england-statutory.toml"),
    ),
    ("bromley", include_str!("../rulesets/bromley.toml")),
    (
        "southwark-qa",
        include_str!("../rulesets/southwark-qa.toml"),
    ),
];

/// A ruleset file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadError {
    /// The file (or built-in name).
    pub file: String,
    /// The line, when known.
    pub line: Option<usize>,
    /// The rule, when the fault is in one.
    pub rule: Option<String>,
    /// The key at fault, as a path within the rule or file.
    pub key: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if let Some(rule) = &self.rule {
            write!(f, "rule `{rule}`: ")?;
        }
        if let Some(key) = &self.key {
            write!(f, "{key}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// When a rule applies: states that must hold, and ages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Condition {
    /// At least one of these holds (none listed: the child's whole record).
    pub any: Vec<State>,
    /// Every one of these holds.
    pub all: Vec<State>,
    /// From this age.
    pub age_from: Option<Age>,
    /// Until this age.
    pub age_under: Option<Age>,
    /// Once the child has been in the current placement this long.
    pub placement_at_least: Option<Period>,
}

impl Condition {
    /// A plain description, for explanations.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.any.is_empty() {
            parts.push(
                self.any
                    .iter()
                    .map(|s| s.describe())
                    .collect::<Vec<_>>()
                    .join(" or "),
            );
        }
        parts.extend(self.all.iter().map(|s| s.describe().to_owned()));
        if let Some(a) = self.age_from {
            parts.push(format!("the child is {a} old or more"));
        }
        if let Some(a) = self.age_under {
            parts.push(format!("the child is under {a} old"));
        }
        if let Some(p) = self.placement_at_least {
            parts.push(format!("the child has been in the placement for {p}"));
        }
        if parts.is_empty() {
            "always".to_owned()
        } else {
            parts.join(", and ")
        }
    }
}

/// Which events a rule names, with conditions and code filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matcher {
    /// The event kind.
    pub kind: FactKind,
    /// Yes-or-no conditions, all of which must hold.
    pub conditions: Vec<FactCondition>,
    /// Code filters, all of which must hold.
    pub filters: Vec<Filter>,
    /// Only the nth such event within the period the rule applies (clock starts only).
    pub nth: Option<u32>,
    /// A manager's recorded decision to withhold the document also counts (documents only).
    pub or_withheld: bool,
}

/// What starts a rule's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// The start of each period in which the rule applies.
    PeriodStart,
    /// Each event that matches.
    Events(Vec<Matcher>),
    /// A meeting of one of these kinds, booked or held: the period counts back from it.
    BeforeMeeting(Vec<MeetingKind>),
    /// Meeting an obligation of another rule, which names this one in `chain_to`.
    Chained,
    /// Each action set in the record (by a strategy discussion, a plan, a meeting or an
    /// allocation record): its clock starts when it is set, and the period counts from the
    /// action's own date.
    Actions,
}

/// What satisfies an obligation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Satisfaction {
    /// Writing the starting event into the record (recording timeliness).
    Recording,
    /// Any event that matches.
    Events(Vec<Matcher>),
    /// A meeting finding the action done (actions only).
    ActionDone,
}

/// From when satisfying events count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// From the day the clock started (for hours, the instant).
    Clock,
    /// From the start of the period in which the rule applies.
    Period,
}

/// How an obligation recurs once met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeat {
    /// The periods of the second, third... occurrences, before `every` takes over.
    pub then: Vec<Period>,
    /// The period from each occurrence's satisfying event to the next.
    pub every: Period,
    /// Other periods while a condition holds at the previous occurrence; the first that
    /// holds wins.
    pub every_when: Vec<(Condition, Period)>,
}

/// Who may vary a rule's period, and how far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariationPolicy {
    /// The roles that may authorise a variation.
    pub roles: Vec<StaffRole>,
    /// The longest period a variation may set.
    pub longest: Option<Period>,
    /// What must hold for a variation to apply.
    pub requires: Option<Condition>,
}

/// A step of escalation: after this long from the start of a run of the clock, this role
/// takes the obligation on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    /// How long after the run started.
    pub after: Period,
    /// Who takes it on.
    pub role: StaffRole,
    /// What they do.
    pub action: Arc<str>,
}

/// One practice standard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The rule's id, unique in its ruleset.
    pub id: String,
    /// What has to be done, in a line.
    pub summary: String,
    /// The role responsible.
    pub owner: StaffRole,
    /// When it applies; `None` for the child's whole record.
    pub applies: Option<Condition>,
    /// What starts the clock.
    pub start: Start,
    /// How long the first occurrence has (for meetings: how long before).
    pub due: Period,
    /// What meets it.
    pub satisfied_by: Satisfaction,
    /// From when satisfying events count.
    pub satisfied_from: Window,
    /// Events that make a pending obligation no longer apply.
    pub void_when: Vec<Matcher>,
    /// How it recurs.
    pub repeat: Option<Repeat>,
    /// The rule whose clock starts when this one is met (by index).
    pub chain_to: Option<usize>,
    /// Who may vary it.
    pub variation: Option<VariationPolicy>,
    /// Escalation steps, in order.
    pub escalation: Vec<Escalation>,
    /// Whether the timescale is this ruleset's reading of a source that is not explicit.
    pub interpreted: bool,
    /// Why, or anything else a reader needs.
    pub note: Option<String>,
    /// Where in the source document the timescale comes from.
    pub source: Option<String>,
    /// Text every obligation of the rule shares, made once.
    pub(crate) text: Arc<RuleText>,
}

/// A set of practice standards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ruleset {
    /// Short name (`bromley`).
    pub id: String,
    /// Full name.
    pub name: String,
    /// Where the standards come from.
    pub source: Option<String>,
    /// How close to its due date an obligation is "due soon".
    pub due_soon: Period,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
    /// How often workers are supervised, if the ruleset says (`[supervision]`).
    pub supervision: Option<crate::supervision::SupervisionRules>,
    /// The order to evaluate rules in: every rule after those that chain to it.
    pub(crate) order: Vec<usize>,
    /// Which event kinds the rules read (indexed like `FactKind::ALL`).
    pub(crate) needed: Vec<bool>,
}

// ---------------------------------------------------------------------------------------
// The file as written.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    ruleset: RawHeader,
    #[serde(default)]
    supervision: Option<RawSupervision>,
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSupervision {
    every: RawPeriod,
    newly_qualified_every: RawPeriod,
    newly_qualified_for: RawPeriod,
    acknowledge: RawPeriod,
    repeated_after: u32,
    #[serde(default)]
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: String,
    name: String,
    #[serde(default)]
    source: Option<String>,
    due_soon: RawPeriod,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawPeriod {
    Hours(u32),
    WorkingDays(u32),
    Days(u32),
    Weeks(u32),
    Months(u32),
    Age(RawAge),
}

#[derive(Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
struct RawAge {
    years: u8,
    #[serde(default)]
    months: u8,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    summary: String,
    owner: String,
    #[serde(default)]
    applies: Option<RawCondition>,
    start: RawStart,
    due: RawPeriod,
    satisfied_by: RawSatisfaction,
    #[serde(default)]
    satisfied_from: Option<RawWindow>,
    #[serde(default)]
    void_when: Vec<RawMatcher>,
    #[serde(default)]
    repeat: Option<RawRepeat>,
    #[serde(default)]
    chain_to: Option<String>,
    #[serde(default)]
    variation: Option<RawVariation>,
    #[serde(default)]
    escalation: Vec<RawEscalation>,
    #[serde(default)]
    interpreted: bool,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCondition {
    #[serde(default)]
    any: Vec<String>,
    #[serde(default)]
    all: Vec<String>,
    #[serde(default)]
    age_from: Option<RawAge>,
    #[serde(default)]
    age_under: Option<RawAge>,
    #[serde(default)]
    placement_at_least: Option<RawPeriod>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawStart {
    PeriodStart,
    Chained,
    Events(Vec<RawMatcher>),
    BeforeMeeting(Vec<String>),
    Actions,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawSatisfaction {
    Recording,
    Events(Vec<RawMatcher>),
    ActionDone,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawWindow {
    Clock,
    Period,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatcher {
    event: String,
    #[serde(default)]
    conditions: Vec<String>,
    #[serde(default)]
    nth: Option<u32>,
    #[serde(default)]
    or_withheld: bool,
    #[serde(default)]
    decision: Option<Vec<String>>,
    #[serde(default)]
    outcome: Option<Vec<String>>,
    #[serde(default)]
    kind: Option<Vec<String>>,
    #[serde(default)]
    reason: Option<Vec<String>>,
    #[serde(default)]
    legal_status: Option<Vec<String>>,
    #[serde(default)]
    meeting: Option<Vec<String>>,
    #[serde(default)]
    document: Option<Vec<String>>,
    #[serde(default)]
    audiences: Option<Vec<String>>,
    #[serde(default)]
    to: Option<Vec<String>>,
    #[serde(default)]
    plan: Option<Vec<String>>,
    #[serde(default)]
    category: Option<Vec<String>>,
    #[serde(default)]
    activity: Option<Vec<String>>,
    #[serde(default)]
    stage: Option<Vec<String>>,
}

impl RawMatcher {
    fn filters(&self) -> Vec<(FilterKey, &Vec<String>)> {
        let all = [
            (FilterKey::Decision, &self.decision),
            (FilterKey::Outcome, &self.outcome),
            (FilterKey::Kind, &self.kind),
            (FilterKey::Reason, &self.reason),
            (FilterKey::LegalStatus, &self.legal_status),
            (FilterKey::Meeting, &self.meeting),
            (FilterKey::Document, &self.document),
            (FilterKey::Audiences, &self.audiences),
            (FilterKey::To, &self.to),
            (FilterKey::Plan, &self.plan),
            (FilterKey::Category, &self.category),
            (FilterKey::Activity, &self.activity),
            (FilterKey::Stage, &self.stage),
        ];
        all.into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
            .collect()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRepeat {
    #[serde(default)]
    then: Vec<RawPeriod>,
    every: RawPeriod,
    #[serde(default)]
    every_when: Vec<RawEveryWhen>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEveryWhen {
    when: RawCondition,
    every: RawPeriod,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVariation {
    roles: Vec<String>,
    #[serde(default)]
    longest: Option<RawPeriod>,
    #[serde(default)]
    requires: Option<RawCondition>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEscalation {
    after: RawPeriod,
    role: String,
    action: String,
}

// ---------------------------------------------------------------------------------------
// Reading and checking.

/// Limits that keep every date computable and catch slips such as 200 weeks for 20.
const MOST_HOURS: u32 = 24 * 366;
const MOST_DAYS: u32 = 3 * 366;

fn period(raw: RawPeriod) -> Result<Period, String> {
    let p = match raw {
        RawPeriod::Hours(n) => Period::Hours(n),
        RawPeriod::WorkingDays(n) => Period::WorkingDays(n),
        RawPeriod::Days(n) => Period::Days(n),
        RawPeriod::Weeks(n) => Period::Weeks(n),
        RawPeriod::Months(n) => Period::Months(n),
        RawPeriod::Age(a) => Period::Age(age(a)?),
    };
    let days = match p {
        Period::Hours(n) if n > MOST_HOURS => return Err(format!("{p} is more than a year")),
        Period::WorkingDays(n) | Period::Days(n) => n,
        Period::Weeks(n) => n.saturating_mul(7),
        Period::Months(n) => n.saturating_mul(31),
        Period::Hours(_) | Period::Age(_) => 0,
    };
    if days > MOST_DAYS {
        return Err(format!("{p} is more than three years"));
    }
    Ok(p)
}

fn age(raw: RawAge) -> Result<Age, String> {
    if raw.months > 11 {
        return Err(format!(
            "{} months: give whole years and 0 to 11 months",
            raw.months
        ));
    }
    if raw.years > 25 {
        return Err(format!(
            "{} years is beyond the ages the service covers",
            raw.years
        ));
    }
    Ok(Age {
        years: raw.years,
        months: raw.months,
    })
}

fn role(s: &str) -> Result<StaffRole, String> {
    s.parse::<StaffRole>().map_err(|e| {
        let all: Vec<&str> = StaffRole::ALL.iter().map(|r| r.code()).collect();
        format!("{e} (expected one of {})", all.join(", "))
    })
}

struct Reader<'a> {
    file: &'a str,
    rule: Option<String>,
}

impl Reader<'_> {
    fn err(&self, key: impl Into<String>, message: impl Into<String>) -> LoadError {
        LoadError {
            file: self.file.to_owned(),
            line: None,
            rule: self.rule.clone(),
            key: Some(key.into()),
            message: message.into(),
        }
    }

    fn period(&self, key: &str, raw: RawPeriod) -> Result<Period, LoadError> {
        period(raw).map_err(|m| self.err(key, m))
    }

    fn condition(&self, key: &str, raw: &RawCondition) -> Result<Condition, LoadError> {
        let state = |k: &str, s: &String| {
            State::from_name(s).ok_or_else(|| {
                self.err(
                    k,
                    format!("`{s}` is not a state (expected one of {})", State::names()),
                )
            })
        };
        let any = raw
            .any
            .iter()
            .map(|s| state(&format!("{key}.any"), s))
            .collect::<Result<Vec<_>, _>>()?;
        let all = raw
            .all
            .iter()
            .map(|s| state(&format!("{key}.all"), s))
            .collect::<Result<Vec<_>, _>>()?;
        let age_from = raw
            .age_from
            .map(age)
            .transpose()
            .map_err(|m| self.err(format!("{key}.age_from"), m))?;
        let age_under = raw
            .age_under
            .map(age)
            .transpose()
            .map_err(|m| self.err(format!("{key}.age_under"), m))?;
        if let (Some(a), Some(b)) = (age_from, age_under)
            && a >= b
        {
            return Err(self.err(key, format!("no child is {a} old or more and under {b}")));
        }
        let placement_at_least = match raw.placement_at_least {
            None => None,
            Some(p) => match self.period(&format!("{key}.placement_at_least"), p)? {
                Period::Hours(_) | Period::Age(_) => {
                    return Err(self.err(
                        format!("{key}.placement_at_least"),
                        "give working days, days, weeks or months",
                    ));
                }
                p => Some(p),
            },
        };
        Ok(Condition {
            any,
            all,
            age_from,
            age_under,
            placement_at_least,
        })
    }

    fn matcher(&self, key: &str, raw: &RawMatcher, starts: bool) -> Result<Matcher, LoadError> {
        let kind = FactKind::from_name(&raw.event).ok_or_else(|| {
            self.err(
                format!("{key}.event"),
                format!(
                    "`{}` is not an event a rule can use (expected one of {})",
                    raw.event,
                    FactKind::names()
                ),
            )
        })?;
        let conditions = raw
            .conditions
            .iter()
            .map(|c| {
                FactCondition::from_name(c)
                    .filter(|c| kind.conditions().contains(c))
                    .ok_or_else(|| {
                        let allowed: Vec<&str> =
                            kind.conditions().iter().map(|c| c.name()).collect();
                        self.err(
                            format!("{key}.conditions"),
                            if allowed.is_empty() {
                                format!("`{c}`: {} takes no conditions", kind.name())
                            } else {
                                format!(
                                    "`{c}` is not a condition of {} (expected one of {})",
                                    kind.name(),
                                    allowed.join(", ")
                                )
                            },
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut filters = Vec::new();
        for (fk, values) in raw.filters() {
            if !kind.filters().contains(&fk) {
                let allowed: Vec<&str> = kind.filters().iter().map(|f| f.name()).collect();
                return Err(self.err(
                    format!("{key}.{}", fk.name()),
                    if allowed.is_empty() {
                        format!("{} takes no code filters", kind.name())
                    } else {
                        format!(
                            "{} does not filter on `{}` (it filters on {})",
                            kind.name(),
                            fk.name(),
                            allowed.join(", ")
                        )
                    },
                ));
            }
            filters.push(
                Filter::parse(kind, fk, values)
                    .map_err(|m| self.err(format!("{key}.{}", fk.name()), m))?,
            );
        }
        if raw.or_withheld && kind != FactKind::DocumentShared {
            return Err(self.err(
                format!("{key}.or_withheld"),
                "only document_shared can also count a document withheld",
            ));
        }
        if let Some(n) = raw.nth {
            if !starts {
                return Err(self.err(
                    format!("{key}.nth"),
                    "only a clock start can pick the nth event",
                ));
            }
            if n == 0 {
                return Err(self.err(format!("{key}.nth"), "counting starts at 1"));
            }
        }
        Ok(Matcher {
            kind,
            conditions,
            filters,
            nth: raw.nth,
            or_withheld: raw.or_withheld,
        })
    }

    fn matchers(
        &self,
        key: &str,
        raw: &[RawMatcher],
        starts: bool,
    ) -> Result<Vec<Matcher>, LoadError> {
        if raw.is_empty() {
            return Err(self.err(key, "name at least one event"));
        }
        raw.iter()
            .enumerate()
            .map(|(i, m)| self.matcher(&format!("{key}[{i}]"), m, starts))
            .collect()
    }

    fn rule(&self, raw: &RawRule) -> Result<(Rule, Option<String>), LoadError> {
        if raw.summary.trim().is_empty() {
            return Err(self.err("summary", "say what has to be done"));
        }
        let owner = role(&raw.owner).map_err(|m| self.err("owner", m))?;
        let applies = raw
            .applies
            .as_ref()
            .map(|c| self.condition("applies", c))
            .transpose()?;
        let start = match &raw.start {
            RawStart::PeriodStart => Start::PeriodStart,
            RawStart::Chained => Start::Chained,
            RawStart::Actions => Start::Actions,
            RawStart::Events(m) => Start::Events(self.matchers("start.events", m, true)?),
            RawStart::BeforeMeeting(kinds) => {
                if kinds.is_empty() {
                    return Err(self.err("start.before_meeting", "name at least one meeting"));
                }
                Start::BeforeMeeting(
                    kinds
                        .iter()
                        .map(|k| {
                            k.parse::<MeetingKind>().map_err(|e| {
                                let all: Vec<&str> =
                                    MeetingKind::ALL.iter().map(|m| m.code()).collect();
                                self.err(
                                    "start.before_meeting",
                                    format!("{e} (expected one of {})", all.join(", ")),
                                )
                            })
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                )
            }
        };
        let due = self.period("due", raw.due)?;
        let before_meeting = matches!(start, Start::BeforeMeeting(_));
        if before_meeting && matches!(due, Period::Hours(_) | Period::Age(_)) {
            return Err(self.err(
                "due",
                "a deadline before a meeting counts back in working days, days, weeks or months",
            ));
        }
        let satisfied_by = match &raw.satisfied_by {
            RawSatisfaction::Recording => {
                if !matches!(start, Start::Events(_)) {
                    return Err(self.err(
                        "satisfied_by",
                        "recording satisfies only a clock started by an event",
                    ));
                }
                Satisfaction::Recording
            }
            RawSatisfaction::Events(m) => {
                Satisfaction::Events(self.matchers("satisfied_by.events", m, false)?)
            }
            RawSatisfaction::ActionDone => Satisfaction::ActionDone,
        };
        let actions = start == Start::Actions;
        if actions != (satisfied_by == Satisfaction::ActionDone) {
            return Err(self.err(
                "satisfied_by",
                "an action's clock (start = \"actions\") is met by it being done (satisfied_by = \"action_done\"), and only it",
            ));
        }
        if actions && matches!(due, Period::Hours(_) | Period::Age(_)) {
            return Err(self.err(
                "due",
                "an action's grace after its date is in working days, days, weeks or months",
            ));
        }
        if actions
            && let Some(key) = [
                (raw.repeat.is_some(), "repeat"),
                (raw.chain_to.is_some(), "chain_to"),
                (!raw.void_when.is_empty(), "void_when"),
                (raw.variation.is_some(), "variation"),
                (raw.satisfied_from.is_some(), "satisfied_from"),
            ]
            .into_iter()
            .find_map(|(set, key)| set.then_some(key))
        {
            return Err(self.err(
                key,
                "an action's clock is its own date, met once when it is done: it does not repeat, chain, vary or wait on other events",
            ));
        }
        let satisfied_from = match raw.satisfied_from {
            None | Some(RawWindow::Clock) => Window::Clock,
            Some(RawWindow::Period) if before_meeting => {
                return Err(self.err(
                    "satisfied_from",
                    "a deadline before a meeting counts events since the last such meeting",
                ));
            }
            Some(RawWindow::Period) => Window::Period,
        };
        let void_when = raw
            .void_when
            .iter()
            .enumerate()
            .map(|(i, m)| self.matcher(&format!("void_when[{i}]"), m, false))
            .collect::<Result<Vec<_>, _>>()?;
        let repeat = match &raw.repeat {
            None => None,
            Some(r) => {
                if before_meeting || satisfied_by == Satisfaction::Recording {
                    return Err(self.err(
                        "repeat",
                        "only a clock that runs on from what met it can repeat",
                    ));
                }
                let repeating = |key: &str, p: RawPeriod| match self.period(key, p)? {
                    Period::Age(_) => Err(self.err(key, "a repeat cannot be an age")),
                    Period::Hours(0)
                    | Period::WorkingDays(0)
                    | Period::Days(0)
                    | Period::Weeks(0)
                    | Period::Months(0) => Err(self.err(key, "a repeat must be at least 1")),
                    p => Ok(p),
                };
                let then = r
                    .then
                    .iter()
                    .enumerate()
                    .map(|(i, p)| repeating(&format!("repeat.then[{i}]"), *p))
                    .collect::<Result<Vec<_>, _>>()?;
                let every = repeating("repeat.every", r.every)?;
                let every_when = r
                    .every_when
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        let key = format!("repeat.every_when[{i}]");
                        Ok((
                            self.condition(&format!("{key}.when"), &w.when)?,
                            repeating(&format!("{key}.every"), w.every)?,
                        ))
                    })
                    .collect::<Result<Vec<_>, LoadError>>()?;
                Some(Repeat {
                    then,
                    every,
                    every_when,
                })
            }
        };
        let variation = match &raw.variation {
            None => None,
            Some(v) => {
                if v.roles.is_empty() {
                    return Err(self.err("variation.roles", "name who may vary this standard"));
                }
                let roles = v
                    .roles
                    .iter()
                    .map(|r| role(r).map_err(|m| self.err("variation.roles", m)))
                    .collect::<Result<Vec<_>, _>>()?;
                let longest = match v.longest {
                    None => None,
                    Some(p) => match self.period("variation.longest", p)? {
                        Period::Age(_) | Period::Hours(_) => {
                            return Err(self.err(
                                "variation.longest",
                                "give working days, days, weeks or months",
                            ));
                        }
                        p => Some(p),
                    },
                };
                let requires = v
                    .requires
                    .as_ref()
                    .map(|c| self.condition("variation.requires", c))
                    .transpose()?;
                Some(VariationPolicy {
                    roles,
                    longest,
                    requires,
                })
            }
        };
        let escalation = raw
            .escalation
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let key = format!("escalation[{i}]");
                let after = match self.period(&format!("{key}.after"), e.after)? {
                    Period::Age(_) => {
                        return Err(
                            self.err(format!("{key}.after"), "an escalation cannot be an age")
                        );
                    }
                    p => p,
                };
                if e.action.trim().is_empty() {
                    return Err(self.err(format!("{key}.action"), "say what happens"));
                }
                Ok(Escalation {
                    after,
                    role: role(&e.role).map_err(|m| self.err(format!("{key}.role"), m))?,
                    action: e.action.as_str().into(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if raw.interpreted && raw.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
            return Err(self.err(
                "note",
                "an interpreted rule needs a note saying how the source was read",
            ));
        }
        let text = Arc::new(RuleText {
            id: raw.id.clone(),
            summary: raw.summary.clone(),
            applies: applies.as_ref().map_or_else(
                || "the child is known to the service".to_owned(),
                Condition::describe,
            ),
            reading: raw.note.clone().filter(|_| raw.interpreted),
        });
        Ok((
            Rule {
                id: raw.id.clone(),
                summary: raw.summary.clone(),
                owner,
                applies,
                start,
                due,
                satisfied_by,
                satisfied_from,
                void_when,
                repeat,
                chain_to: None,
                variation,
                escalation,
                interpreted: raw.interpreted,
                note: raw.note.clone(),
                source: raw.source.clone(),
                text,
            },
            raw.chain_to.clone(),
        ))
    }
}

fn valid_id(id: &str) -> bool {
    (1..=40).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// The line a byte offset falls on, from 1.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(0, |t| t.bytes().filter(|b| *b == b'\n').count())
        + 1
}

/// The id of the `[[rule]]` table around a line, found by reading the text.
fn rule_around(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let header = lines
        .get(..line.min(lines.len()))?
        .iter()
        .rposition(|l| l.trim() == "[[rule]]")?;
    lines.get(header + 1..)?.iter().find_map(|l| {
        let (key, value) = l.split_once('=')?;
        (key.trim() == "id").then(|| value.trim().trim_matches('"').to_owned())
    })
}

impl Ruleset {
    /// One of the rulesets shipped with Hearth, by name.
    pub fn builtin(name: &str) -> Option<Result<Ruleset, LoadError>> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| Ruleset::parse(text, &format!("{n}.toml")))
    }

    /// The names of the shipped rulesets.
    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(n, _)| *n).collect()
    }

    /// Reads a ruleset from its text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Ruleset, LoadError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            LoadError {
                file: file.to_owned(),
                line,
                rule: line.and_then(|l| rule_around(text, l)),
                key: None,
                message: e.message().trim().to_owned(),
            }
        })?;
        let mut reader = Reader { file, rule: None };
        let header_err = |key: &str, message: String| LoadError {
            file: file.to_owned(),
            line: None,
            rule: None,
            key: Some(key.to_owned()),
            message,
        };
        if !valid_id(&raw.ruleset.id) {
            return Err(header_err(
                "ruleset.id",
                format!(
                    "`{}`: use 1 to 40 lower-case letters, digits and hyphens",
                    raw.ruleset.id
                ),
            ));
        }
        let due_soon =
            match period(raw.ruleset.due_soon).map_err(|m| header_err("ruleset.due_soon", m))? {
                p @ (Period::WorkingDays(_) | Period::Days(_)) => p,
                _ => {
                    return Err(header_err(
                        "ruleset.due_soon",
                        "give working days or days".to_owned(),
                    ));
                }
            };
        let supervision = match raw.supervision {
            None => None,
            Some(s) => {
                let calendar_period =
                    |key: &str, p: RawPeriod| match period(p).map_err(|m| header_err(key, m))? {
                        Period::Hours(_) | Period::Age(_) => Err(header_err(
                            key,
                            "give working days, days, weeks or months".to_owned(),
                        )),
                        p => Ok(p),
                    };
                if s.repeated_after == 0 {
                    return Err(header_err(
                        "supervision.repeated_after",
                        "an action is repeated once it has been carried over at least once: give 1 or more".to_owned(),
                    ));
                }
                Some(crate::supervision::SupervisionRules {
                    every: calendar_period("supervision.every", s.every)?,
                    newly_qualified_every: calendar_period(
                        "supervision.newly_qualified_every",
                        s.newly_qualified_every,
                    )?,
                    newly_qualified_for: calendar_period(
                        "supervision.newly_qualified_for",
                        s.newly_qualified_for,
                    )?,
                    acknowledge: calendar_period("supervision.acknowledge", s.acknowledge)?,
                    repeated_after: s.repeated_after,
                    source: s.source,
                })
            }
        };
        let mut rules = Vec::new();
        let mut chains = Vec::new();
        let mut ids = BTreeMap::new();
        for (i, r) in raw.rule.iter().enumerate() {
            reader.rule = Some(r.id.clone());
            if !valid_id(&r.id) {
                return Err(reader.err("id", "use 1 to 40 lower-case letters, digits and hyphens"));
            }
            if ids.insert(r.id.clone(), i).is_some() {
                return Err(reader.err("id", "another rule has this id"));
            }
            let (rule, chain) = reader.rule(r)?;
            rules.push(rule);
            chains.push(chain);
        }
        for (i, chain) in chains.iter().enumerate() {
            reader.rule = Some(rules[i].id.clone());
            let Some(target) = chain else { continue };
            let Some(&t) = ids.get(target) else {
                return Err(reader.err("chain_to", format!("there is no rule `{target}`")));
            };
            if rules[t].start != Start::Chained {
                return Err(reader.err(
                    "chain_to",
                    format!("rule `{target}` must have start = \"chained\" to follow this one"),
                ));
            }
            rules[i].chain_to = Some(t);
        }
        for (i, r) in rules.iter().enumerate() {
            if r.start == Start::Chained && !rules.iter().any(|p| p.chain_to == Some(i)) {
                reader.rule = Some(r.id.clone());
                return Err(reader.err("start", "no rule names this one in chain_to"));
            }
        }
        let order = evaluation_order(&rules).map_err(|id| LoadError {
            file: file.to_owned(),
            line: None,
            rule: Some(id),
            key: Some("chain_to".to_owned()),
            message: "the chain comes back to this rule".to_owned(),
        })?;
        let needed = needed_kinds(&rules);
        Ok(Ruleset {
            id: raw.ruleset.id,
            name: raw.ruleset.name,
            source: raw.ruleset.source,
            due_soon,
            rules,
            supervision,
            order,
            needed,
        })
    }

    /// A rule by id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The position of a rule by id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id == id)
    }

    /// The ruleset cut down to the rules named and the rules whose clocks they follow from
    /// (those that chain to them), so that a caller counting a few standards does not pay
    /// for evaluating every rule. Each kept rule gives the same obligations as in the whole
    /// ruleset. Unknown ids are ignored.
    pub fn only(&self, ids: &[&str]) -> Ruleset {
        let mut keep: Vec<bool> = self
            .rules
            .iter()
            .map(|r| ids.contains(&r.id.as_str()))
            .collect();
        // A chained rule's clock starts when the rule chaining to it is met: keep that rule
        // too, and so on up the chain.
        loop {
            let mut grew = false;
            for (i, r) in self.rules.iter().enumerate() {
                if !keep[i] && r.chain_to.is_some_and(|t| keep[t]) {
                    keep[i] = true;
                    grew = true;
                }
            }
            if !grew {
                break;
            }
        }
        let mut new_index = vec![None; self.rules.len()];
        let mut rules = Vec::new();
        for (i, r) in self.rules.iter().enumerate() {
            if keep[i] {
                new_index[i] = Some(rules.len());
                rules.push(r.clone());
            }
        }
        for r in &mut rules {
            r.chain_to = r.chain_to.and_then(|t| new_index[t]);
        }
        // The whole ruleset's order, restricted to the kept rules, still puts every rule
        // after those that chain to it.
        let order = self.order.iter().filter_map(|&i| new_index[i]).collect();
        let needed = needed_kinds(&rules);
        Ruleset {
            id: self.id.clone(),
            name: self.name.clone(),
            source: self.source.clone(),
            due_soon: self.due_soon,
            rules,
            supervision: self.supervision.clone(),
            order,
            needed,
        }
    }
}

/// Rules ordered so that each comes after the rules that chain to it; `Err` names a rule in
/// a cycle.
fn evaluation_order(rules: &[Rule]) -> Result<Vec<usize>, String> {
    let mut order = Vec::with_capacity(rules.len());
    let mut placed = vec![false; rules.len()];
    while order.len() < rules.len() {
        let before = order.len();
        for i in 0..rules.len() {
            let waiting = rules
                .iter()
                .enumerate()
                .any(|(p, r)| r.chain_to == Some(i) && !placed[p]);
            if !placed[i] && !waiting {
                placed[i] = true;
                order.push(i);
            }
        }
        if order.len() == before {
            let stuck = placed.iter().position(|p| !p).unwrap_or(0);
            return Err(rules[stuck].id.clone());
        }
    }
    Ok(order)
}

fn needed_kinds(rules: &[Rule]) -> Vec<bool> {
    let mut kinds = BTreeSet::new();
    for r in rules {
        let mut matchers: Vec<&Matcher> = r.void_when.iter().collect();
        if let Start::Events(ms) = &r.start {
            matchers.extend(ms);
        }
        if let Satisfaction::Events(ms) = &r.satisfied_by {
            matchers.extend(ms);
        }
        for m in matchers {
            kinds.insert(m.kind);
            if m.or_withheld {
                kinds.insert(FactKind::DocumentWithheld);
            }
        }
        if let Start::BeforeMeeting(meetings) = &r.start {
            kinds.extend(meetings.iter().map(|m| crate::vocabulary::held_as(*m).0));
        }
    }
    FactKind::ALL.iter().map(|k| kinds.contains(k)).collect()
}
