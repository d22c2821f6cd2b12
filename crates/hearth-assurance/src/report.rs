//! The quarterly Performance and Quality report: the audit cycle (selected, done in time,
//! late, overdue), grades by team, service and month on each scale, themes across the
//! audits' findings, improvement actions open, overdue and completed, and agreement under
//! moderation. Every figure carries the audits behind it, so a page can link each number
//! to its audits, and the workbook is written into memory.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use hearth_domain::directory::Directory;
use hearth_standards::AsAt;
use serde::Serialize;

use crate::audit::Audit;
use crate::codes::{FindingKind, Point, Scale};
use crate::event::ActionOwner;
use crate::ids::{ActionNo, AuditId, Month};
use crate::moderation::{Statistics, statistics};
use crate::selection::Group;
use crate::template::Template;

mod xlsx;

pub use xlsx::{SHEETS, WorkbookError};

/// Three consecutive months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Quarter {
    /// The first month.
    pub first: Month,
}

impl Quarter {
    /// The quarter starting with a month.
    pub fn starting(first: Month) -> Quarter {
        Quarter { first }
    }

    /// Its three months.
    pub fn months(self) -> [Month; 3] {
        let second = self.first.next();
        [self.first, second, second.next()]
    }

    /// Whether a month is in it.
    pub fn contains(self, month: Month) -> bool {
        self.months().contains(&month)
    }

    /// `2025-04 to 2025-06`.
    pub fn label(self) -> String {
        let [a, _, c] = self.months();
        format!("{a} to {c}")
    }
}

/// A count and the audits behind it, in id order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figure {
    /// How many.
    pub count: u32,
    /// The audits.
    pub audits: Vec<AuditId>,
}

impl Figure {
    fn add(&mut self, audit: &AuditId) {
        if let Err(i) = self.audits.binary_search(audit) {
            self.audits.insert(i, audit.clone());
            self.count += 1;
        }
    }
}

/// A count of improvement actions and the actions behind it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ActionFigure {
    /// How many actions.
    pub count: u32,
    /// Each action, by its audit and number, in order.
    pub actions: Vec<(AuditId, ActionNo)>,
}

impl ActionFigure {
    fn add(&mut self, audit: &AuditId, no: ActionNo) {
        let key = (audit.clone(), no);
        if let Err(i) = self.actions.binary_search(&key) {
            self.actions.insert(i, key);
            self.count += 1;
        }
    }

    /// The audits the actions belong to, in id order.
    pub fn audits(&self) -> Vec<AuditId> {
        let mut out: Vec<AuditId> = self.actions.iter().map(|(a, _)| a.clone()).collect();
        out.dedup();
        out
    }
}

/// Where the quarter's audits stand.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Cycle {
    /// Selected in the quarter.
    pub selected: Figure,
    /// Not yet assigned to an auditor.
    pub unassigned: Figure,
    /// Assigned, not done, deadline not passed.
    pub in_progress: Figure,
    /// Assigned, not done, deadline passed.
    pub overdue: Figure,
    /// Done by the deadline in force.
    pub completed_in_time: Figure,
    /// Done after it.
    pub completed_late: Figure,
    /// Withdrawn.
    pub withdrawn: Figure,
    /// Given a head of service's exemption.
    pub exempted: Figure,
}

/// Overall grades of one group on one scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GradeRow {
    /// The group's key (`team/T1`, `service/SAFEGUARDING`, `council`, or a month).
    pub key: String,
    /// Its name.
    pub label: String,
    /// The scale; rows on different scales are never added together.
    pub scale: Scale,
    /// Each point of the scale, best first, with its audits.
    pub points: Vec<(Point, Figure)>,
    /// All graded audits of the row.
    pub total: Figure,
}

/// A theme's findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThemeRow {
    /// The theme's id.
    pub theme: String,
    /// Its name.
    pub label: String,
    /// Strengths tagged with it (count of findings; audits behind them).
    pub strengths: Figure,
    /// Areas for development tagged with it.
    pub development: Figure,
}

/// The quarter's improvement actions, as at the report's date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Actions {
    /// Agreed.
    pub agreed: ActionFigure,
    /// Still open (the overdue among them).
    pub open: ActionFigure,
    /// Open and past their date.
    pub overdue: ActionFigure,
    /// Completed by their date.
    pub completed_in_time: ActionFigure,
    /// Completed after it.
    pub completed_late: ActionFigure,
}

/// One improvement action as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionLine {
    /// The audit.
    pub audit: AuditId,
    /// The action's number.
    pub action: ActionNo,
    /// What.
    pub what: String,
    /// Who, in words (a staff id, or the agency and contact).
    pub owner: String,
    /// By when.
    pub due: NaiveDate,
    /// Completed on.
    pub completed: Option<NaiveDate>,
}

/// One audit as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditLine {
    /// The audit.
    pub audit: AuditId,
    /// The template's id.
    pub template: String,
    /// The month selected for.
    pub month: Month,
    /// The group drawn for.
    pub group: String,
    /// The child or practitioner (`child/ID`, `staff/ID`).
    pub subject: String,
    /// The auditor.
    pub auditor: Option<String>,
    /// The deadline in force.
    pub deadline: Option<NaiveDate>,
    /// Completed on.
    pub completed: Option<NaiveDate>,
    /// The overall grade that stands.
    pub overall: Option<(Scale, Point)>,
    /// Whether a moderator decided the grades.
    pub moderated: bool,
}

/// The quarterly Performance and Quality report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarterReport {
    /// The quarter.
    pub quarter: Quarter,
    /// The date it is as at.
    pub as_at: NaiveDate,
    /// Where the audits stand.
    pub cycle: Cycle,
    /// Overall grades by the group each audit was drawn for.
    pub by_team: Vec<GradeRow>,
    /// Overall grades by part of the service.
    pub by_service: Vec<GradeRow>,
    /// Overall grades by month of selection.
    pub by_month: Vec<GradeRow>,
    /// Themes across the findings.
    pub themes: Vec<ThemeRow>,
    /// Improvement actions.
    pub actions: Actions,
    /// Agreement under moderation.
    pub agreement: Statistics,
    /// Every audit of the quarter.
    pub audits: Vec<AuditLine>,
    /// Every improvement action of the quarter.
    pub action_lines: Vec<ActionLine>,
}

impl QuarterReport {
    /// The report as an xlsx workbook, in memory.
    pub fn workbook(&self) -> Result<Vec<u8>, WorkbookError> {
        xlsx::write(self)
    }
}

/// Builds the report from the audits selected in the quarter, as at a date. `templates`
/// are those the audits were selected under (for theme names); `staff` names the teams and
/// gives their service.
pub fn quarter_report(
    quarter: Quarter,
    as_at: NaiveDate,
    audits: &[Audit],
    templates: &[Template],
    staff: &dyn Directory,
) -> QuarterReport {
    let end = AsAt::end_of(as_at).instant;
    let ours: Vec<&Audit> = audits
        .iter()
        .filter(|a| {
            a.selected
                .as_ref()
                .is_some_and(|s| quarter.contains(s.month) && s.at <= end)
        })
        .collect();
    let scale_of = |a: &Audit| {
        templates
            .iter()
            .find(|t| Some(t.id.as_str()) == a.template())
            .map(|t| t.scale)
    };

    let mut cycle = Cycle::default();
    let mut team_rows: BTreeMap<(String, Scale), GradeRow> = BTreeMap::new();
    let mut service_rows: BTreeMap<(String, Scale), GradeRow> = BTreeMap::new();
    let mut month_rows: BTreeMap<(String, Scale), GradeRow> = BTreeMap::new();
    let mut themes: BTreeMap<String, ThemeRow> = BTreeMap::new();
    let mut actions = Actions::default();
    let mut lines = Vec::new();
    let mut action_lines = Vec::new();

    for a in &ours {
        let Some(sel) = &a.selected else { continue };
        let id = &a.id;
        cycle.selected.add(id);
        let completed = a.completed.filter(|c| *c <= end);
        let withdrawn = a.withdrawn.as_ref().map(|(_, t)| *t).filter(|t| *t <= end);
        let assigned = a.assignments.iter().any(|x| x.at <= end);
        let deadline = a.deadline_as_at(Some(end));
        if a.exemptions.iter().any(|e| e.at <= end) {
            cycle.exempted.add(id);
        }
        match (completed, withdrawn) {
            (Some(c), _) if deadline.is_some_and(|d| c.london_date() <= d) => {
                cycle.completed_in_time.add(id)
            }
            (Some(_), _) => cycle.completed_late.add(id),
            (None, Some(_)) => cycle.withdrawn.add(id),
            (None, None) if !assigned => cycle.unassigned.add(id),
            (None, None) if deadline.is_some_and(|d| d < as_at) => cycle.overdue.add(id),
            (None, None) => cycle.in_progress.add(id),
        }

        let overall = a
            .final_overall_as_at(Some(end))
            .filter(|_| completed.is_some());
        if let (Some(grade), Some(scale)) = (overall, scale_of(a)) {
            let (team_key, team_label) = group_label(&sel.group, staff);
            let (service_key, service_label) = service_of(&sel.group, staff);
            let month_key = sel.month.to_string();
            for (rows, key, label) in [
                (&mut team_rows, team_key, team_label),
                (&mut service_rows, service_key, service_label),
                (&mut month_rows, month_key.clone(), month_key),
            ] {
                let row = rows
                    .entry((key.clone(), scale))
                    .or_insert_with(|| GradeRow {
                        key,
                        label,
                        scale,
                        points: scale
                            .points()
                            .iter()
                            .map(|p| (*p, Figure::default()))
                            .collect(),
                        total: Figure::default(),
                    });
                if let Some((_, f)) = row.points.iter_mut().find(|(p, _)| *p == grade.point()) {
                    f.add(id);
                }
                row.total.add(id);
            }
        }

        if completed.is_some() {
            let template = templates.iter().find(|t| t.id == sel.template);
            for f in a.findings.iter().filter(|f| f.at <= end) {
                for theme in &f.themes {
                    let row = themes.entry(theme.clone()).or_insert_with(|| ThemeRow {
                        theme: theme.clone(),
                        label: template
                            .and_then(|t| t.theme(theme))
                            .map_or_else(|| theme.clone(), |t| t.label.clone()),
                        strengths: Figure::default(),
                        development: Figure::default(),
                    });
                    let fig = match f.kind {
                        FindingKind::Strength => &mut row.strengths,
                        FindingKind::Development => &mut row.development,
                    };
                    // A theme counts each finding; the audits list each audit once.
                    fig.count += 1;
                    if let Err(i) = fig.audits.binary_search(id) {
                        fig.audits.insert(i, id.clone());
                    }
                }
            }
        }

        for act in a.actions.iter().filter(|x| x.agreed <= end) {
            actions.agreed.add(id, act.no);
            let done = act.completed.as_ref().map(|c| c.at).filter(|t| *t <= end);
            match done {
                Some(t) if t.london_date() <= act.due => actions.completed_in_time.add(id, act.no),
                Some(_) => actions.completed_late.add(id, act.no),
                None => {
                    actions.open.add(id, act.no);
                    if act.due < as_at {
                        actions.overdue.add(id, act.no);
                    }
                }
            }
            action_lines.push(ActionLine {
                audit: id.clone(),
                action: act.no,
                what: act.what.clone(),
                owner: match &act.owner {
                    ActionOwner::Staff { staff } => staff.to_string(),
                    ActionOwner::Agency { agency, contact } => {
                        format!("{} ({contact})", agency.label())
                    }
                },
                due: act.due,
                completed: done.map(|t| t.london_date()),
            });
        }

        lines.push(AuditLine {
            audit: id.clone(),
            template: sel.template.clone(),
            month: sel.month,
            group: sel.group.key(),
            subject: sel.subject.key(),
            auditor: a.auditor().map(ToString::to_string),
            deadline,
            completed: completed.map(|t| t.london_date()),
            overall: overall.map(|g| (g.scale(), g.point())),
            moderated: a.moderation.as_ref().is_some_and(|m| m.at <= end),
        });
    }
    lines.sort_by(|a, b| a.audit.cmp(&b.audit));
    action_lines.sort_by(|a, b| (&a.audit, a.action).cmp(&(&b.audit, b.action)));

    // Moderation counts only what had been recorded by the report's date.
    let regraded: Vec<Audit> = ours
        .iter()
        .filter(|a| {
            a.regrade
                .as_ref()
                .and_then(|r| r.grades.as_ref())
                .is_some_and(|g| g.at <= end)
        })
        .map(|a| {
            let mut a = (*a).clone();
            if a.moderation.as_ref().is_some_and(|m| m.at > end) {
                a.moderation = None;
            }
            a
        })
        .collect();
    QuarterReport {
        quarter,
        as_at,
        cycle,
        by_team: team_rows.into_values().collect(),
        by_service: service_rows.into_values().collect(),
        by_month: month_rows.into_values().collect(),
        themes: themes.into_values().collect(),
        actions,
        agreement: statistics(&regraded),
        audits: lines,
        action_lines,
    }
}

fn group_label(group: &Group, staff: &dyn Directory) -> (String, String) {
    let label = match group {
        Group::Team { team } => staff
            .team(team)
            .map(|t| t.name().to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| team.to_string()),
        Group::Service { service } => service.label().to_owned(),
        Group::Council => "The whole council".to_owned(),
    };
    (group.key(), label)
}

fn service_of(group: &Group, staff: &dyn Directory) -> (String, String) {
    let service = match group {
        Group::Team { team } => staff.team(team).and_then(|t| t.service),
        Group::Service { service } => Some(*service),
        Group::Council => None,
    };
    match service {
        Some(s) => (format!("service/{}", s.code()), s.label().to_owned()),
        None => ("council".to_owned(), "The whole council".to_owned()),
    }
}
