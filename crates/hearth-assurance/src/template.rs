//! Audit templates: TOML files read into typed templates. Everything is checked when the
//! file is read, so an audit never meets an unknown name: an unknown key, kind, scale,
//! point, fact, state, role or theme is refused with the file, the line and the key at
//! fault. `docs/assurance.md` documents the format.

use std::collections::BTreeSet;

use hearth_domain::codes::StaffRole;
use hearth_domain::located::{line_of, unknown_field};
use hearth_standards::Period;
use serde::Deserialize;
use toml::Spanned;

use crate::codes::{ExclusionReason, Point, Scale};
use crate::facts::FactName;
use crate::selection::{Criteria, Exclusion as ExclusionRule};
use crate::vocabulary::{AuditKind, Basis, CaseState, GroupBy, Method, ScopeEvent, SubjectKind};

/// The templates shipped with Hearth: name and file contents.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "single-case-audit",
        include_str!("../templates/single-case-audit.toml"),
    ),
    (
        "supervision-audit",
        include_str!("../templates/supervision-audit.toml"),
    ),
    (
        "deep-dive-missing",
        include_str!("../templates/deep-dive-missing.toml"),
    ),
    (
        "practice-observation",
        include_str!("../templates/practice-observation.toml"),
    ),
    (
        "multi-agency-case-audit",
        include_str!("../templates/multi-agency-case-audit.toml"),
    ),
];

/// A template file that could not be read: the file, line and key at fault.
pub use hearth_domain::located::LoadError;

/// A question an auditor answers, with its guidance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The question's id, unique in its section.
    pub id: String,
    /// The question.
    pub text: String,
    /// What to look for.
    pub guidance: Option<String>,
    /// Its weight in the score (1 unless the file says otherwise).
    pub weight: u16,
}

/// A section of an audit: graded as a whole, with the questions that lead to the grade and
/// the facts of the record shown beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The section's id, unique in the template.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What the section is about.
    pub guidance: Option<String>,
    /// The facts of the record shown beside it.
    pub facts: Vec<FactName>,
    /// Its weight in the score (1 unless the file says otherwise).
    pub weight: u16,
    /// Its questions.
    pub questions: Vec<Question>,
}

impl Section {
    /// A question by id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }
}

/// A tag for strengths and areas for development, counted across audits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// The theme's id.
    pub id: String,
    /// Its name for people.
    pub label: String,
}

/// A prompt of the worker's reflection sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// The prompt's id.
    pub id: String,
    /// The prompt.
    pub text: String,
}

/// A question of the family's questionnaire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyQuestion {
    /// The question's id.
    pub id: String,
    /// The question, as asked.
    pub text: String,
    /// The answers offered, as (id, label); empty for an answer in the family's own words.
    pub options: Vec<(String, String)>,
}

/// What an audit asks and how it is run: one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The template's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The kind of activity.
    pub kind: AuditKind,
    /// What it is about.
    pub subject: SubjectKind,
    /// Where its questions come from.
    pub source: Option<String>,
    /// The grading scale.
    pub scale: Scale,
    /// What each point of the scale means here, best first.
    pub descriptors: Vec<(Point, String)>,
    /// How the score is taken.
    pub basis: Basis,
    /// How far back the audit looks from the selection date.
    pub scope: Period,
    /// How long the auditor has from assignment.
    pub deadline: Period,
    /// The roles that may audit.
    pub auditors: Vec<StaffRole>,
    /// The worker's reflection sheet; empty when the template has none.
    pub reflection: Vec<Prompt>,
    /// The family's questionnaire; empty when the template has none.
    pub family_questions: Vec<FamilyQuestion>,
    /// Whether the audit goes to the child's reviewing officer.
    pub copy_to_reviewing_officer: bool,
    /// Whether partner agencies' auditors take part.
    pub partner_auditors: bool,
    /// When the practice review improvement meeting is due after completion, if there is
    /// one.
    pub prim: Option<Period>,
    /// How long the auditor has to tell the team manager and the director of an immediate
    /// safety concern (hours).
    pub safety_notice: Period,
    /// How long a second auditor has for a blind regrade.
    pub regrade: Period,
    /// How cases or practitioners are selected.
    pub selection: Criteria,
    /// The themes findings are tagged with.
    pub themes: Vec<Theme>,
    /// The sections, in order.
    pub sections: Vec<Section>,
}

impl Template {
    /// A section by id.
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// A theme by id.
    pub fn theme(&self, id: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.id == id)
    }

    /// The descriptor of a point.
    pub fn descriptor(&self, point: Point) -> Option<&str> {
        self.descriptors
            .iter()
            .find(|(p, _)| *p == point)
            .map(|(_, d)| d.as_str())
    }

    /// One of the templates shipped with Hearth, by name.
    pub fn builtin(name: &str) -> Option<Result<Template, LoadError>> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| Template::parse(text, &format!("{n}.toml")))
    }

    /// The names of the shipped templates.
    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(n, _)| *n).collect()
    }

    /// Reads a template from its text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Template, LoadError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start);
            let message = e.message().trim().to_owned();
            LoadError {
                file: file.to_owned(),
                line: offset.map(|o| line_of(text, o)),
                item: None,
                key: unknown_field(&message)
                    .or_else(|| offset.and_then(|o| key_at(text, o)))
                    .map(|k| match offset.and_then(|o| table_at(text, o)) {
                        Some(table) => format!("{table}.{k}"),
                        None => k,
                    }),
                message,
            }
        })?;
        Reader { text, file }.template(raw)
    }
}

// ---------------------------------------------------------------------------------------
// The file as written.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    template: RawHeader,
    #[serde(default)]
    scoring: Option<RawScoring>,
    #[serde(default)]
    descriptor: Vec<RawDescriptor>,
    selection: RawSelection,
    #[serde(default)]
    theme: Vec<RawTheme>,
    #[serde(default)]
    reflection_prompt: Vec<RawPrompt>,
    #[serde(default)]
    answer_set: Vec<RawAnswerSet>,
    #[serde(default)]
    family_question: Vec<RawFamilyQuestion>,
    #[serde(default)]
    section: Vec<RawSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: Spanned<String>,
    name: String,
    kind: Spanned<String>,
    subject: Spanned<String>,
    #[serde(default)]
    source: Option<String>,
    scale: Spanned<String>,
    scope: Spanned<RawPeriod>,
    deadline: Spanned<RawPeriod>,
    auditors: Vec<Spanned<String>>,
    #[serde(default)]
    copy_to_reviewing_officer: bool,
    #[serde(default)]
    partner_auditors: bool,
    #[serde(default)]
    prim: Option<Spanned<RawPeriod>>,
    safety_notice: Spanned<RawPeriod>,
    regrade: Spanned<RawPeriod>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawPeriod {
    Hours(u32),
    WorkingDays(u32),
    Days(u32),
    Weeks(u32),
    Months(u32),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScoring {
    basis: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDescriptor {
    point: Spanned<String>,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSelection {
    method: Spanned<String>,
    per: Spanned<String>,
    #[serde(default)]
    cases: Option<Spanned<u16>>,
    #[serde(default)]
    states: Vec<Spanned<String>>,
    #[serde(default)]
    in_scope: Vec<Spanned<String>>,
    #[serde(default)]
    age_from: Option<u8>,
    #[serde(default)]
    age_under: Option<u8>,
    #[serde(default)]
    roles: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<RawExclusion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExclusion {
    reason: Spanned<String>,
    #[serde(default)]
    within: Option<Spanned<RawPeriod>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    id: Spanned<String>,
    label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrompt {
    id: Spanned<String>,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnswerSet {
    id: Spanned<String>,
    options: Vec<RawOption>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    id: Spanned<String>,
    label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFamilyQuestion {
    id: Spanned<String>,
    text: String,
    #[serde(default)]
    answers: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    guidance: Option<String>,
    #[serde(default)]
    facts: Vec<Spanned<String>>,
    #[serde(default)]
    weight: Option<Spanned<u16>>,
    #[serde(default)]
    question: Vec<RawQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    text: String,
    #[serde(default)]
    guidance: Option<String>,
    #[serde(default)]
    weight: Option<Spanned<u16>>,
}

// ---------------------------------------------------------------------------------------
// Reading and checking.

/// The heaviest weight: enough to say one question counts many times another, and small
/// enough that a slip (1000 for 10) is caught.
const MOST_WEIGHT: u16 = 100;

struct Reader<'a> {
    text: &'a str,
    file: &'a str,
}

impl Reader<'_> {
    fn err<T>(&self, key: &str, at: &Spanned<T>, message: impl Into<String>) -> LoadError {
        LoadError {
            file: self.file.to_owned(),
            line: Some(line_of(self.text, at.span().start)),
            item: None,
            key: Some(key.to_owned()),
            message: message.into(),
        }
    }

    fn err_nowhere(&self, key: &str, message: impl Into<String>) -> LoadError {
        LoadError {
            file: self.file.to_owned(),
            line: None,
            item: None,
            key: Some(key.to_owned()),
            message: message.into(),
        }
    }

    fn id(&self, key: &str, raw: &Spanned<String>) -> Result<String, LoadError> {
        if valid_id(raw.get_ref()) {
            Ok(raw.get_ref().clone())
        } else {
            Err(self.err(
                key,
                raw,
                format!(
                    "`{}`: use 1 to 40 lower-case letters, digits and hyphens",
                    raw.get_ref()
                ),
            ))
        }
    }

    fn named<T>(
        &self,
        key: &str,
        raw: &Spanned<String>,
        find: fn(&str) -> Option<T>,
        names: fn() -> String,
    ) -> Result<T, LoadError> {
        find(raw.get_ref()).ok_or_else(|| {
            self.err(
                key,
                raw,
                format!(
                    "`{}` is not known (expected one of {})",
                    raw.get_ref(),
                    names()
                ),
            )
        })
    }

    fn period(
        &self,
        key: &str,
        raw: &Spanned<RawPeriod>,
        hours: bool,
    ) -> Result<Period, LoadError> {
        let p = match *raw.get_ref() {
            RawPeriod::Hours(n) => Period::Hours(n),
            RawPeriod::WorkingDays(n) => Period::WorkingDays(n),
            RawPeriod::Days(n) => Period::Days(n),
            RawPeriod::Weeks(n) => Period::Weeks(n),
            RawPeriod::Months(n) => Period::Months(n),
        };
        let days = match p {
            Period::Hours(_) if !hours => {
                return Err(self.err(key, raw, "give working days, days, weeks or months"));
            }
            Period::Hours(n) if n == 0 || n > 24 * 7 => {
                return Err(self.err(key, raw, format!("{p}: give 1 to 168 hours")));
            }
            Period::Hours(_) => 1,
            _ if hours => return Err(self.err(key, raw, "give hours")),
            Period::WorkingDays(n) | Period::Days(n) => n,
            Period::Weeks(n) => n.saturating_mul(7),
            Period::Months(n) => n.saturating_mul(31),
            Period::Age(_) => 0,
        };
        if days == 0 {
            return Err(self.err(key, raw, "a period must be longer than nothing"));
        }
        if days > 3 * 366 {
            return Err(self.err(key, raw, format!("{p} is more than three years")));
        }
        Ok(p)
    }

    fn weight(&self, key: &str, raw: &Option<Spanned<u16>>) -> Result<u16, LoadError> {
        match raw {
            None => Ok(1),
            Some(w) if (1..=MOST_WEIGHT).contains(w.get_ref()) => Ok(*w.get_ref()),
            Some(w) => Err(self.err(key, w, format!("give a weight from 1 to {MOST_WEIGHT}"))),
        }
    }

    fn template(&self, raw: RawFile) -> Result<Template, LoadError> {
        let h = &raw.template;
        let id = self.id("template.id", &h.id)?;
        let kind = self.named(
            "template.kind",
            &h.kind,
            AuditKind::from_name,
            AuditKind::names,
        )?;
        let subject = self.named(
            "template.subject",
            &h.subject,
            SubjectKind::from_name,
            SubjectKind::names,
        )?;
        let expected_subject = match kind {
            AuditKind::SupervisionAudit | AuditKind::PracticeObservation => {
                SubjectKind::Practitioner
            }
            AuditKind::CaseAudit | AuditKind::DeepDive | AuditKind::MultiAgencyAudit => {
                SubjectKind::Child
            }
        };
        if subject != expected_subject {
            return Err(self.err(
                "template.subject",
                &h.subject,
                format!("a {} is about a {}", kind.name(), expected_subject.name()),
            ));
        }
        let scale: Scale = h.scale.get_ref().parse().map_err(|_| {
            let all: Vec<&str> = Scale::ALL.iter().map(|s| s.code()).collect();
            self.err(
                "template.scale",
                &h.scale,
                format!(
                    "`{}` is not a grading scale (expected one of {})",
                    h.scale.get_ref(),
                    all.join(", ")
                ),
            )
        })?;
        let scope = self.period("template.scope", &h.scope, false)?;
        if matches!(scope, Period::WorkingDays(_)) {
            return Err(self.err(
                "template.scope",
                &h.scope,
                "give the scope in months, weeks or days",
            ));
        }
        let deadline = self.period("template.deadline", &h.deadline, false)?;
        let safety_notice = self.period("template.safety_notice", &h.safety_notice, true)?;
        let regrade = self.period("template.regrade", &h.regrade, false)?;
        let prim = h
            .prim
            .as_ref()
            .map(|p| self.period("template.prim", p, false))
            .transpose()?;
        if h.auditors.is_empty() {
            return Err(self.err(
                "template.auditors",
                &h.id,
                "name at least one role that may audit",
            ));
        }
        let mut auditors = Vec::new();
        for r in &h.auditors {
            let role = self.role("template.auditors", r)?;
            if role.holds_cases() {
                return Err(self.err(
                    "template.auditors",
                    r,
                    format!("a {} holds cases and does not audit", role.code()),
                ));
            }
            auditors.push(role);
        }
        if h.partner_auditors && kind != AuditKind::MultiAgencyAudit {
            return Err(self.err(
                "template.partner_auditors",
                &h.kind,
                "only a multi_agency_audit has partner auditors",
            ));
        }
        if h.copy_to_reviewing_officer && subject != SubjectKind::Child {
            return Err(self.err(
                "template.copy_to_reviewing_officer",
                &h.subject,
                "only an audit of a child's case goes to their reviewing officer",
            ));
        }

        let basis = match &raw.scoring {
            None => Basis::Questions,
            Some(s) => self.named("scoring.basis", &s.basis, Basis::from_name, Basis::names)?,
        };
        let descriptors = self.descriptors(scale, &raw.descriptor)?;
        let selection = self.selection(subject, &raw.selection)?;
        let themes = self.themes(&raw.theme)?;
        let reflection = self.prompts(&raw.reflection_prompt)?;
        let family_questions = self.family_questions(&raw.answer_set, &raw.family_question)?;
        if subject != SubjectKind::Child && !family_questions.is_empty() {
            return Err(self.err(
                "family_question",
                &raw.family_question[0].id,
                "only an audit of a child's case asks the family",
            ));
        }
        let sections = self.sections(subject, &raw.section)?;
        if sections.is_empty() {
            return Err(self.err_nowhere("section", "a template needs at least one section"));
        }
        if basis == Basis::Questions && sections.iter().all(|s| s.questions.is_empty()) {
            return Err(self.err(
                "scoring.basis",
                raw.scoring.as_ref().map_or(&h.id, |s| &s.basis),
                "a score over questions needs questions",
            ));
        }
        Ok(Template {
            id,
            name: h.name.clone(),
            kind,
            subject,
            source: h.source.clone(),
            scale,
            descriptors,
            basis,
            scope,
            deadline,
            auditors,
            reflection,
            family_questions,
            copy_to_reviewing_officer: h.copy_to_reviewing_officer,
            partner_auditors: h.partner_auditors,
            prim,
            safety_notice,
            regrade,
            selection,
            themes,
            sections,
        })
    }

    fn role(&self, key: &str, raw: &Spanned<String>) -> Result<StaffRole, LoadError> {
        raw.get_ref().parse::<StaffRole>().map_err(|e| {
            let all: Vec<&str> = StaffRole::ALL.iter().map(|r| r.code()).collect();
            self.err(
                key,
                raw,
                format!("{e} (expected one of {})", all.join(", ")),
            )
        })
    }

    fn descriptors(
        &self,
        scale: Scale,
        raw: &[RawDescriptor],
    ) -> Result<Vec<(Point, String)>, LoadError> {
        let mut found = Vec::new();
        for d in raw {
            let point: Point = d.point.get_ref().parse().map_err(|_| {
                self.err(
                    "descriptor.point",
                    &d.point,
                    format!("`{}` is not a grade", d.point.get_ref()),
                )
            })?;
            if scale.grade_number(point).is_none() {
                return Err(self.err(
                    "descriptor.point",
                    &d.point,
                    format!("{} is not on the scale {}", point.code(), scale.code()),
                ));
            }
            if found.iter().any(|(p, _)| *p == point) {
                return Err(self.err(
                    "descriptor.point",
                    &d.point,
                    format!("{} is described twice", point.code()),
                ));
            }
            found.push((point, d.text.trim().to_owned()));
        }
        let mut out = Vec::new();
        for point in scale.points() {
            match found.iter().find(|(p, _)| p == point) {
                Some(d) => out.push(d.clone()),
                None => {
                    return Err(self.err_nowhere(
                        "descriptor",
                        format!("describe {} (every point of the scale)", point.code()),
                    ));
                }
            }
        }
        Ok(out)
    }

    fn selection(&self, subject: SubjectKind, raw: &RawSelection) -> Result<Criteria, LoadError> {
        let method = self.named(
            "selection.method",
            &raw.method,
            Method::from_name,
            Method::names,
        )?;
        let per = self.named(
            "selection.per",
            &raw.per,
            GroupBy::from_name,
            GroupBy::names,
        )?;
        let cases = match (&raw.cases, method) {
            (None, Method::Draw) => 1,
            (Some(c), Method::Draw) if (1..=50).contains(c.get_ref()) => *c.get_ref(),
            (Some(c), Method::Draw) => {
                return Err(self.err("selection.cases", c, "draw 1 to 50 from each group"));
            }
            (None, Method::Programme) => 0,
            (Some(c), Method::Programme) => {
                return Err(self.err(
                    "selection.cases",
                    c,
                    "a programme takes everyone due; it draws no number",
                ));
            }
        };
        let mut states = Vec::new();
        let mut in_scope = Vec::new();
        let mut roles = Vec::new();
        for s in &raw.states {
            states.push(self.named(
                "selection.states",
                s,
                CaseState::from_name,
                CaseState::names,
            )?);
        }
        for s in &raw.in_scope {
            in_scope.push(self.named(
                "selection.in_scope",
                s,
                ScopeEvent::from_name,
                ScopeEvent::names,
            )?);
        }
        for r in &raw.roles {
            let role = self.role("selection.roles", r)?;
            roles.push(role);
        }
        match subject {
            SubjectKind::Child => {
                if let Some(r) = raw.roles.first() {
                    return Err(self.err(
                        "selection.roles",
                        r,
                        "a case audit selects children; roles select practitioners",
                    ));
                }
            }
            SubjectKind::Practitioner => {
                if let Some(s) = raw.states.first().or(raw.in_scope.first()) {
                    return Err(self.err(
                        "selection",
                        s,
                        "a practitioner is selected by role, not by a child's states",
                    ));
                }
                if raw.age_from.is_some() || raw.age_under.is_some() {
                    return Err(self.err(
                        "selection",
                        &raw.method,
                        "a practitioner is selected by role, not by a child's age",
                    ));
                }
                if roles.is_empty() {
                    return Err(self.err(
                        "selection.roles",
                        &raw.method,
                        "name the roles of the practitioners selected",
                    ));
                }
            }
        }
        if let (Some(from), Some(under)) = (raw.age_from, raw.age_under)
            && from >= under
        {
            return Err(self.err(
                "selection.age_under",
                &raw.method,
                format!("no child is {from} or older and under {under}"),
            ));
        }
        if raw.age_under.is_some_and(|a| a > 25) || raw.age_from.is_some_and(|a| a > 25) {
            return Err(self.err(
                "selection",
                &raw.method,
                "ages beyond 25 are beyond the service",
            ));
        }
        let mut exclude: Vec<ExclusionRule> = Vec::new();
        for e in &raw.exclude {
            let reason: ExclusionReason = e.reason.get_ref().parse().map_err(|_| {
                let all: Vec<&str> = ExclusionReason::ALL.iter().map(|r| r.code()).collect();
                self.err(
                    "selection.exclude.reason",
                    &e.reason,
                    format!(
                        "`{}` is not an exclusion reason (expected one of {})",
                        e.reason.get_ref(),
                        all.join(", ")
                    ),
                )
            })?;
            let within = e
                .within
                .as_ref()
                .map(|w| self.period("selection.exclude.within", w, false))
                .transpose()?;
            let needs_period = matches!(
                reason,
                ExclusionReason::AuditedRecently | ExclusionReason::OpenTooShort
            );
            match (needs_period, &within) {
                (true, None) => {
                    return Err(self.err(
                        "selection.exclude.within",
                        &e.reason,
                        format!("{} needs a period (within)", reason.code()),
                    ));
                }
                (false, Some(_)) => {
                    return Err(self.err(
                        "selection.exclude.within",
                        &e.reason,
                        format!("{} takes no period", reason.code()),
                    ));
                }
                _ => {}
            }
            if reason == ExclusionReason::NotInATeam {
                return Err(self.err(
                    "selection.exclude.reason",
                    &e.reason,
                    "a case held in no team is always left out of team draws, and listed",
                ));
            }
            if reason == ExclusionReason::WaitingForWorker && subject != SubjectKind::Child {
                return Err(self.err(
                    "selection.exclude.reason",
                    &e.reason,
                    "only a child's case waits for a worker",
                ));
            }
            if exclude.iter().any(|x| x.reason == reason) {
                return Err(self.err(
                    "selection.exclude.reason",
                    &e.reason,
                    format!("{} is given twice", reason.code()),
                ));
            }
            exclude.push(ExclusionRule { reason, within });
        }
        Ok(Criteria {
            method,
            per,
            cases,
            states,
            in_scope,
            age_from: raw.age_from,
            age_under: raw.age_under,
            roles,
            exclude,
        })
    }

    fn themes(&self, raw: &[RawTheme]) -> Result<Vec<Theme>, LoadError> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for t in raw {
            let id = self.id("theme.id", &t.id)?;
            if !seen.insert(id.clone()) {
                return Err(self.err("theme.id", &t.id, "another theme has this id"));
            }
            out.push(Theme {
                id,
                label: t.label.trim().to_owned(),
            });
        }
        Ok(out)
    }

    fn prompts(&self, raw: &[RawPrompt]) -> Result<Vec<Prompt>, LoadError> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for p in raw {
            let id = self.id("reflection_prompt.id", &p.id)?;
            if !seen.insert(id.clone()) {
                return Err(self.err("reflection_prompt.id", &p.id, "another prompt has this id"));
            }
            out.push(Prompt {
                id,
                text: p.text.trim().to_owned(),
            });
        }
        Ok(out)
    }

    fn family_questions(
        &self,
        sets: &[RawAnswerSet],
        raw: &[RawFamilyQuestion],
    ) -> Result<Vec<FamilyQuestion>, LoadError> {
        let mut set_ids = BTreeSet::new();
        for s in sets {
            let id = self.id("answer_set.id", &s.id)?;
            if !set_ids.insert(id) {
                return Err(self.err("answer_set.id", &s.id, "another answer set has this id"));
            }
            if s.options.len() < 2 {
                return Err(self.err("answer_set.options", &s.id, "offer at least two answers"));
            }
            let mut seen = BTreeSet::new();
            for o in &s.options {
                let oid = self.id("answer_set.options.id", &o.id)?;
                if !seen.insert(oid) {
                    return Err(self.err(
                        "answer_set.options.id",
                        &o.id,
                        "another answer in the set has this id",
                    ));
                }
            }
        }
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for q in raw {
            let id = self.id("family_question.id", &q.id)?;
            if !seen.insert(id.clone()) {
                return Err(self.err("family_question.id", &q.id, "another question has this id"));
            }
            let options = match &q.answers {
                None => Vec::new(),
                Some(name) => {
                    let set = sets
                        .iter()
                        .find(|s| s.id.get_ref() == name.get_ref())
                        .ok_or_else(|| {
                            self.err(
                                "family_question.answers",
                                name,
                                format!("there is no answer set `{}`", name.get_ref()),
                            )
                        })?;
                    set.options
                        .iter()
                        .map(|o| (o.id.get_ref().clone(), o.label.trim().to_owned()))
                        .collect()
                }
            };
            out.push(FamilyQuestion {
                id,
                text: q.text.trim().to_owned(),
                options,
            });
        }
        Ok(out)
    }

    fn sections(
        &self,
        subject: SubjectKind,
        raw: &[RawSection],
    ) -> Result<Vec<Section>, LoadError> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for s in raw {
            let id = self.id("section.id", &s.id)?;
            if !seen.insert(id.clone()) {
                return Err(self.err("section.id", &s.id, "another section has this id"));
            }
            let mut facts = Vec::new();
            for f in &s.facts {
                let fact = self.named("section.facts", f, FactName::from_name, FactName::names)?;
                if subject == SubjectKind::Practitioner && !fact.about_practitioners() {
                    return Err(self.err(
                        "section.facts",
                        f,
                        format!("`{}` is a fact of one child's record", fact.name()),
                    ));
                }
                if subject == SubjectKind::Child && !fact.about_a_child() {
                    return Err(self.err(
                        "section.facts",
                        f,
                        format!("`{}` is a fact of a practitioner", fact.name()),
                    ));
                }
                if facts.contains(&fact) {
                    return Err(self.err(
                        "section.facts",
                        f,
                        format!("`{}` is listed twice", fact.name()),
                    ));
                }
                facts.push(fact);
            }
            let weight = self.weight("section.weight", &s.weight)?;
            let mut qids = BTreeSet::new();
            let mut questions = Vec::new();
            for q in &s.question {
                let qid = self.id("section.question.id", &q.id)?;
                if !qids.insert(qid.clone()) {
                    return Err(self.err(
                        "section.question.id",
                        &q.id,
                        "another question of this section has this id",
                    ));
                }
                questions.push(Question {
                    id: qid,
                    text: q.text.trim().to_owned(),
                    guidance: q.guidance.as_ref().map(|g| g.trim().to_owned()),
                    weight: self.weight("section.question.weight", &q.weight)?,
                });
            }
            out.push(Section {
                id,
                title: s.title.trim().to_owned(),
                guidance: s.guidance.as_ref().map(|g| g.trim().to_owned()),
                facts,
                weight,
                questions,
            });
        }
        Ok(out)
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

/// The key written on the line of an offset (`weight = 1000` gives `weight`).
fn key_at(text: &str, offset: usize) -> Option<String> {
    let line = text.get(..offset)?.rsplit('\n').next()?.to_owned()
        + text.get(offset..)?.split('\n').next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_start_matches('{').trim();
    let key = key.rsplit([',', '{']).next()?.trim();
    (!key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then(|| key.to_owned())
}

/// The table the line of an offset belongs to (`[[section.question]]` gives
/// `section.question`).
fn table_at(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset)?;
    before.lines().rev().find_map(|l| {
        let l = l.trim();
        l.starts_with('[')
            .then(|| l.trim_matches(|c| c == '[' || c == ']').trim().to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_template_loads() {
        for name in Template::builtin_names() {
            let t = Template::builtin(name)
                .unwrap()
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(t.id, name);
            assert_eq!(t.descriptors.len(), 4, "{name}");
        }
    }

    #[test]
    fn the_single_case_audit_has_the_frameworks_sections() {
        let t = Template::builtin("single-case-audit").unwrap().unwrap();
        let ids: Vec<&str> = t.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "case-information",
                "current-referral",
                "assessment",
                "planning",
                "child-focus",
                "recording",
                "management-oversight",
            ]
        );
        assert_eq!(t.scale, Scale::OfstedIlacs);
        assert_eq!(t.scope, Period::Months(12));
        assert!(t.copy_to_reviewing_officer);
        assert!(!t.reflection.is_empty());
        assert!(!t.family_questions.is_empty());
        let visits = t.section("child-focus").unwrap();
        assert!(visits.facts.contains(&FactName::Visits));
    }

    #[test]
    fn the_key_of_an_error_is_found_from_its_line() {
        let text = "[template]\nid = \"x\"\n\n[[section.question]]\nweight = 1000\n";
        let offset = text.find("1000").unwrap();
        assert_eq!(key_at(text, offset).as_deref(), Some("weight"));
        assert_eq!(table_at(text, offset).as_deref(), Some("section.question"));
        assert_eq!(line_of(text, offset), 5);
        let inline = "exclude = [{ reason = \"X\", within = { hours = 2 } }]";
        let offset = inline.find("hours").unwrap();
        assert_eq!(key_at(inline, offset).as_deref(), Some("exclude"));
    }
}
