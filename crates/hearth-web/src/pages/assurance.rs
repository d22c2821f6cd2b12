//! Practice assurance's pages: the QA lead's view (`/assurance`), the month's selection, an
//! audit's page with the record's facts beside each section and the forms of the cycle, the
//! quarterly Performance and Quality report and its workbook, and lists of the audits behind
//! any figure. Every decision is `hearth-app`'s: the pages ask for permits and show what the
//! application gives them.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use hearth_app::AppError;
use hearth_app::assurance::{AuditPage, SeenAudit, group_label, quarter_of, template};
use hearth_app::policy::{AuditAccess, to_coordinate_audits, to_record_on_audit};
use hearth_assurance::codes::{
    ConcernRecipient, ExemptionReason, FeedbackMethod, FeedbackNotTaken, FindingKind, Respondent,
};
use hearth_assurance::event::{
    ActionOwner, Answer, Attendee, EvidenceRef, FamilyAnswer, Reflection, SectionGrade,
};
use hearth_assurance::report::{Figure, Quarter};
use hearth_assurance::{ActionNo, Audit, AuditEvent, AuditId, Grade, Month, Point, Seed};
use hearth_domain::codes::StaffRole;
use hearth_domain::directory::MemoryDirectory;
use hearth_domain::values::{Line, Text};
use hearth_domain::{StaffId, Timestamp};

use super::Layout;
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;

/// A figure as a page shows it: the count and the link to its audits.
pub struct FigureView {
    pub count: u32,
    pub href: String,
}

fn figure(f: &Figure, title: &str) -> FigureView {
    figure_of(f.count, &f.audits, title)
}

fn figure_of(count: u32, audits: &[AuditId], title: &str) -> FigureView {
    let ids: Vec<&str> = audits.iter().map(AuditId::as_str).collect();
    FigureView {
        count,
        href: format!(
            "/assurance/audits?ids={}&title={}",
            ids.join(","),
            percent_encode(title)
        ),
    }
}

/// Percent-encodes a query value: letters and digits as they are, everything else as bytes.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One audit in a list.
pub struct AuditRow {
    pub id: String,
    pub template: String,
    pub subject: String,
    pub subject_href: Option<String>,
    pub group: String,
    pub month: String,
    pub auditor: String,
    pub deadline: String,
    pub status: &'static str,
    pub tag: &'static str,
    pub grade: String,
}

fn staff_name(workforce: &MemoryDirectory, id: &StaffId) -> String {
    workforce
        .staff
        .get(id)
        .map_or_else(|| id.to_string(), |m| m.name.display())
}

fn date(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

fn when(t: Timestamp) -> String {
    t.london_date_time().format("%-d %b %Y %H:%M").to_string()
}

/// Where an audit stands, in words, as at today.
fn status(a: &Audit, today: NaiveDate) -> (&'static str, &'static str) {
    if a.withdrawn.is_some() {
        ("Withdrawn", "govuk-tag--grey")
    } else if a.completed.is_some() {
        ("Done", "govuk-tag--green")
    } else if a.assignment().is_none() {
        ("Not assigned", "govuk-tag--purple")
    } else if a.deadline().is_some_and(|d| d < today) {
        ("Overdue", "govuk-tag--red")
    } else {
        ("In progress", "govuk-tag--blue")
    }
}

fn row(a: &Audit, blind: bool, workforce: &MemoryDirectory, today: NaiveDate) -> AuditRow {
    let (status, tag) = status(a, today);
    let s = a.selected.as_ref();
    let (subject, subject_href) = match s.map(|s| &s.subject) {
        Some(hearth_assurance::Subject::Child { child }) => {
            (format!("Child {child}"), Some(format!("/children/{child}")))
        }
        Some(hearth_assurance::Subject::Practitioner { staff }) => {
            (staff_name(workforce, staff), None)
        }
        None => (String::new(), None),
    };
    AuditRow {
        id: a.id.to_string(),
        template: s
            .and_then(|s| template(&s.template).ok())
            .map_or_else(String::new, |t| t.name.clone()),
        subject,
        subject_href,
        group: s.map_or_else(String::new, |s| group_label(&s.group, workforce)),
        month: s.map_or_else(String::new, |s| s.month.to_string()),
        auditor: a
            .auditor()
            .map_or_else(|| "Not assigned".to_owned(), |x| staff_name(workforce, x)),
        deadline: a.deadline().map_or_else(String::new, date),
        status,
        tag,
        grade: if blind {
            String::new()
        } else {
            a.final_overall()
                .map_or_else(String::new, |g| g.point().label().to_owned())
        },
    }
}

async fn rows(state: &AppState, seen: &[SeenAudit]) -> Vec<AuditRow> {
    let today = state.app.now().london_date();
    let workforce = state.app.workforce().await;
    seen.iter()
        .map(|s| row(&s.audit, s.permit.blind(), &workforce, today))
        .collect()
}

/// The QA lead's view.
#[derive(Template)]
#[template(path = "assurance_overview.html")]
struct Overview {
    layout: Layout,
    audit_items: Vec<OwedRow>,
    concerns: Vec<OwedRow>,
    quarter: String,
    quarter_code: String,
    figures: Vec<(&'static str, FigureView)>,
    actions: Vec<(&'static str, FigureView)>,
    audits: Vec<AuditRow>,
    done: Option<String>,
}

/// The page's query: after a selection, how many audits it opened.
#[derive(serde::Deserialize)]
pub struct OverviewParams {
    selected: Option<usize>,
    quarter: Option<String>,
}

fn quarter_param(state: &AppState, q: Option<&str>) -> Result<Quarter, WebError> {
    match q.filter(|q| !q.is_empty()) {
        None => Ok(quarter_of(state.app.now().london_date())),
        Some(q) => Month::parse(q)
            .map(Quarter::starting)
            .map_err(|_| WebError::BadRequest(format!("'{q}' is not a month: use YYYY-MM"))),
    }
}

/// `/assurance`: audits due, overdue and done this quarter, actions, and every audit.
pub async fn overview(
    State(state): State<AppState>,
    user: User,
    Query(params): Query<OverviewParams>,
) -> Result<Html<String>, WebError> {
    let permit = to_coordinate_audits(&user).ok_or(WebError::NotFound)?;
    let quarter = quarter_param(&state, params.quarter.as_deref())?;
    let report = state.app.quarter_report(&permit, quarter).await?;
    let c = &report.cycle;
    let figures = vec![
        ("Selected", figure(&c.selected, "Selected")),
        (
            "Not yet assigned",
            figure(&c.unassigned, "Not yet assigned"),
        ),
        ("In progress", figure(&c.in_progress, "In progress")),
        ("Overdue", figure(&c.overdue, "Overdue")),
        ("Done in time", figure(&c.completed_in_time, "Done in time")),
        ("Done late", figure(&c.completed_late, "Done late")),
        (
            "Exempted by the head of service",
            figure(&c.exempted, "Exempted"),
        ),
        ("Withdrawn", figure(&c.withdrawn, "Withdrawn")),
    ];
    let a = &report.actions;
    let act = |f: &hearth_assurance::report::ActionFigure, title: &str| {
        figure_of(f.count, &f.audits(), title)
    };
    let actions = vec![
        ("Agreed", act(&a.agreed, "Actions agreed")),
        ("Open", act(&a.open, "Actions open")),
        ("Overdue", act(&a.overdue, "Actions overdue")),
        (
            "Done in time",
            act(&a.completed_in_time, "Actions done in time"),
        ),
        ("Done late", act(&a.completed_late, "Actions done late")),
    ];
    let seen = state.app.audits_seen(&user).await?;
    let audits = rows(&state, &seen).await;
    let (audit_items, concerns) = owed(&state, &user).await?;
    let page = Overview {
        layout: Layout::new(&state, &user),
        audit_items,
        concerns,
        quarter: quarter.label(),
        quarter_code: quarter.first.to_string(),
        figures,
        actions,
        audits,
        done: params
            .selected
            .map(|n| format!("The draw opened {n} audits. Assign an auditor to each.")),
    };
    Ok(Html(page.render()?))
}

/// A list of audits, by id: what a figure links to.
#[derive(Template)]
#[template(path = "assurance_audits.html")]
struct AuditList {
    layout: Layout,
    title: String,
    audits: Vec<AuditRow>,
}

/// The list's query.
#[derive(serde::Deserialize)]
pub struct ListParams {
    #[serde(default)]
    ids: String,
    #[serde(default)]
    title: String,
}

/// `/assurance/audits?ids=A1,A2`: the audits behind a figure, those the user may see.
pub async fn list(
    State(state): State<AppState>,
    user: User,
    Query(params): Query<ListParams>,
) -> Result<Html<String>, WebError> {
    let wanted: BTreeSet<&str> = params.ids.split(',').filter(|s| !s.is_empty()).collect();
    let seen: Vec<SeenAudit> = state
        .app
        .audits_seen(&user)
        .await?
        .into_iter()
        .filter(|s| wanted.contains(s.audit.id.as_str()))
        .collect();
    let audits = rows(&state, &seen).await;
    let title = if params.title.is_empty() {
        "Audits".to_owned()
    } else {
        params.title
    };
    Ok(Html(
        AuditList {
            layout: Layout::new(&state, &user),
            title,
            audits,
        }
        .render()?,
    ))
}

/// A row of grades as the report shows it.
pub struct GradeView {
    pub label: String,
    pub points: Vec<FigureView>,
    pub total: FigureView,
}

/// A theme's row.
pub struct ThemeView {
    pub label: String,
    pub strengths: FigureView,
    pub development: FigureView,
}

/// An agreement row.
pub struct AgreementView {
    pub label: String,
    pub compared: u32,
    pub exact: String,
    pub within_one: String,
}

/// The quarterly report.
#[derive(Template)]
#[template(path = "assurance_report.html")]
struct ReportPage {
    layout: Layout,
    quarter: String,
    quarter_code: String,
    as_at: String,
    points: Vec<&'static str>,
    by_team: Vec<GradeView>,
    by_service: Vec<GradeView>,
    by_month: Vec<GradeView>,
    themes: Vec<ThemeView>,
    agreement: Vec<AgreementView>,
}

fn grade_rows(rows: &[hearth_assurance::report::GradeRow]) -> Vec<GradeView> {
    rows.iter()
        .map(|r| GradeView {
            label: format!("{} ({})", r.label, r.scale.code()),
            points: r
                .points
                .iter()
                .map(|(p, f)| figure(f, &format!("{}: {}", r.label, p.label())))
                .collect(),
            total: figure(&r.total, &format!("{}: graded", r.label)),
        })
        .collect()
}

fn rate(r: Option<f64>) -> String {
    r.map_or_else(
        || "none compared".to_owned(),
        |r| format!("{:.0}%", r * 100.0),
    )
}

/// `/assurance/report?quarter=YYYY-MM`: the quarterly Performance and Quality report.
pub async fn report(
    State(state): State<AppState>,
    user: User,
    Query(params): Query<OverviewParams>,
) -> Result<Html<String>, WebError> {
    let permit = to_coordinate_audits(&user).ok_or(WebError::NotFound)?;
    let quarter = quarter_param(&state, params.quarter.as_deref())?;
    let r = state.app.quarter_report(&permit, quarter).await?;
    let mut agreement: Vec<AgreementView> = Vec::new();
    let mut push = |label: String, a: &hearth_assurance::moderation::Agreement| {
        agreement.push(AgreementView {
            label,
            compared: a.pairs,
            exact: rate(a.exact_rate()),
            within_one: rate(a.within_one_rate()),
        });
    };
    push("All audits".to_owned(), &r.agreement.all);
    {
        let workforce = state.app.workforce().await;
        for (auditor, a) in &r.agreement.by_auditor {
            push(format!("Auditor: {}", staff_name(&workforce, auditor)), a);
        }
    }
    for (section, a) in &r.agreement.by_section {
        push(format!("Section: {section}"), a);
    }
    let page = ReportPage {
        layout: Layout::new(&state, &user),
        quarter: r.quarter.label(),
        quarter_code: r.quarter.first.to_string(),
        as_at: date(r.as_at),
        points: hearth_assurance::Scale::OfstedIlacs
            .points()
            .iter()
            .map(|p| p.label())
            .collect(),
        by_team: grade_rows(&r.by_team),
        by_service: grade_rows(&r.by_service),
        by_month: grade_rows(&r.by_month),
        themes: r
            .themes
            .iter()
            .map(|t| ThemeView {
                label: t.label.clone(),
                strengths: figure(&t.strengths, &format!("Strengths: {}", t.label)),
                development: figure(
                    &t.development,
                    &format!("Areas for development: {}", t.label),
                ),
            })
            .collect(),
        agreement,
    };
    Ok(Html(page.render()?))
}

/// `/assurance/report.xlsx?quarter=YYYY-MM`: the report as a workbook.
pub async fn workbook(
    State(state): State<AppState>,
    user: User,
    Query(params): Query<OverviewParams>,
) -> Result<Response, WebError> {
    let permit = to_coordinate_audits(&user).ok_or(WebError::NotFound)?;
    let quarter = quarter_param(&state, params.quarter.as_deref())?;
    let bytes = state.app.quarter_workbook(&permit, quarter).await?;
    let name = format!("performance-and-quality-{}.xlsx", quarter.first);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A group's draw, as the selection page shows it.
pub struct DrawView {
    pub group: String,
    pub eligible: usize,
    pub hash: String,
    pub drawn: Vec<String>,
    pub excluded: Vec<(String, &'static str)>,
}

/// The selection page.
#[derive(Template)]
#[template(path = "assurance_select.html")]
struct SelectPage {
    layout: Layout,
    templates: Vec<(String, String, bool)>,
    seed: String,
    chosen: Option<String>,
    draws: Vec<DrawView>,
    not_in_a_team: usize,
    error: Option<String>,
}

/// The selection page's query.
#[derive(serde::Deserialize)]
pub struct SelectParams {
    template: Option<String>,
    seed: Option<String>,
}

fn parse_seed(s: &str) -> Option<Seed> {
    let s = s.trim();
    if s.is_empty() || s.len() > 16 {
        return None;
    }
    u64::from_str_radix(s, 16).ok().map(Seed)
}

/// `/assurance/select`: choose a template and a seed, see the draw, then enter it.
pub async fn select_form(
    State(state): State<AppState>,
    user: User,
    Query(params): Query<SelectParams>,
) -> Result<Html<String>, WebError> {
    let permit = to_coordinate_audits(&user).ok_or(WebError::NotFound)?;
    let default_seed = Seed(u64::try_from(state.app.now().micros()).unwrap_or_default());
    let seed_text = params
        .seed
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| default_seed.to_string());
    let mut error = None;
    let mut draws = Vec::new();
    let mut not_in_a_team = 0;
    let chosen = params.template.clone().filter(|t| !t.is_empty());
    if let Some(t) = &chosen {
        match parse_seed(&seed_text) {
            None => {
                error = Some("Enter the seed as 1 to 16 hexadecimal digits".to_owned());
            }
            Some(seed) => match state.app.draw(&permit, t, seed).await {
                Ok(selection) => {
                    let workforce = state.app.workforce().await;
                    not_in_a_team = selection.not_in_a_team.len();
                    draws = selection
                        .groups
                        .iter()
                        .map(|g| DrawView {
                            group: group_label(&g.group, &workforce),
                            eligible: g.eligible.len(),
                            hash: g.eligible_hash.clone(),
                            drawn: g.drawn.iter().map(|s| s.key()).collect(),
                            excluded: g
                                .excluded
                                .iter()
                                .map(|e| (e.subject.key(), e.reason.label()))
                                .collect(),
                        })
                        .collect();
                }
                Err(AppError::NotFound) => error = Some("Choose a template".to_owned()),
                Err(e) => return Err(e.into()),
            },
        }
    }
    let templates = hearth_app::assurance::templates()?
        .iter()
        .map(|t| {
            (
                t.id.clone(),
                t.name.clone(),
                chosen.as_deref() == Some(t.id.as_str()),
            )
        })
        .collect();
    Ok(Html(
        SelectPage {
            layout: Layout::new(&state, &user),
            templates,
            seed: seed_text,
            chosen,
            draws,
            not_in_a_team,
            error,
        }
        .render()?,
    ))
}

/// Enters the draw: opens an audit for every case drawn. The form carries only the template
/// and the seed, never a case.
pub async fn select_submit(
    State(state): State<AppState>,
    user: User,
    Form(values): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    user.check_form(values.get("csrf").map_or("", String::as_str))?;
    let permit = to_coordinate_audits(&user).ok_or(WebError::NotFound)?;
    let t = values.get("template").map_or("", String::as_str);
    let seed = values
        .get("seed")
        .and_then(|s| parse_seed(s))
        .ok_or_else(|| {
            WebError::BadRequest("Enter the seed as 1 to 16 hexadecimal digits".into())
        })?;
    match state.app.run_selection(&permit, t, seed).await {
        Ok(ids) => Ok(Redirect::to(&format!("/assurance?selected={}", ids.len())).into_response()),
        Err(AppError::AuditRefused { reason, .. }) => Err(WebError::BadRequest(format!(
            "The selection was not entered: {reason}"
        ))),
        Err(e) => Err(e.into()),
    }
}

/// A fact line beside a section.
pub struct FactLine {
    pub date: String,
    pub event: String,
    pub detail: String,
}

/// A section of the audit as its page shows it.
pub struct SectionView {
    pub id: String,
    pub title: String,
    pub guidance: String,
    pub facts: Vec<(String, Vec<FactLine>)>,
    /// Each question: id, text, guidance, the answer given, and its weight in words.
    pub questions: Vec<(String, String, String, String, String)>,
    pub grade: String,
    pub final_grade: String,
    pub reasons: String,
    pub evidence: String,
}

/// A choice in a select list.
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// An improvement action.
pub struct ActionView {
    pub no: u16,
    pub what: String,
    pub owner: String,
    pub due: String,
    pub done: String,
    pub mine: bool,
}

/// The audit's page.
#[derive(Template)]
#[template(path = "assurance_audit.html")]
struct AuditView {
    layout: Layout,
    me: String,
    id: String,
    version: u64,
    name: String,
    summary: Vec<(&'static str, String)>,
    child: Option<String>,
    facts_shown: bool,
    blind: bool,
    sections: Vec<SectionView>,
    descriptors: Vec<(String, String)>,
    points: Vec<Choice>,
    suggested: String,
    overall: String,
    findings: Vec<(String, String, String)>,
    themes: Vec<Choice>,
    concerns: Vec<(u16, String, String, Vec<String>)>,
    actions: Vec<ActionView>,
    reflection: Vec<(String, String)>,
    prompts: Vec<Choice>,
    discussion: String,
    feedback: Vec<(String, String)>,
    family_questions: Vec<(String, String, Vec<Choice>)>,
    prims: Vec<(String, String, String)>,
    regrade: String,
    moderation: String,
    copies: Vec<String>,
    // What the reader may do here.
    coordinator: bool,
    auditor: bool,
    second: bool,
    worker: bool,
    head: bool,
    completed: bool,
    grading_started: bool,
    auditors: Vec<Choice>,
    officers: Vec<Choice>,
    staff: Vec<Choice>,
    recipients: Vec<Choice>,
    respondents: Vec<Choice>,
    not_taken: Vec<Choice>,
    exemptions: Vec<Choice>,
    deadline: String,
    error: Option<String>,
    done: Option<&'static str>,
}

fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: code(*v).to_owned(),
            label: label(*v).to_owned(),
        })
        .collect()
}

fn staff_choices(
    workforce: &MemoryDirectory,
    today: NaiveDate,
    keep: impl Fn(StaffRole) -> bool,
) -> Vec<Choice> {
    let mut out: Vec<Choice> = workforce
        .staff
        .iter()
        .filter(|(_, m)| m.in_post_on(today) && keep(m.role))
        .map(|(id, m)| Choice {
            value: id.to_string(),
            label: format!("{} ({})", m.name.display(), m.role.label()),
        })
        .collect();
    out.sort_by(|a, b| a.label.cmp(&b.label));
    out
}

fn grade_words(g: Option<Grade>) -> String {
    g.map_or_else(String::new, |g| g.point().label().to_owned())
}

async fn audit_view(
    state: &AppState,
    user: &User,
    page: AuditPage,
    error: Option<String>,
    done: Option<&'static str>,
) -> Result<AuditView, WebError> {
    let AuditPage {
        permit,
        audit,
        template: t,
        sheet,
        facts_shown,
    } = page;
    let blind = permit.blind();
    let access = permit.access();
    let today = state.app.now().london_date();
    let workforce = state.app.workforce().await;
    let name = |id: &StaffId| staff_name(&workforce, id);
    let s = audit.selected.as_ref();
    let mut summary: Vec<(&'static str, String)> = Vec::new();
    if let Some(s) = s {
        summary.push((
            "Selected for",
            format!("{} ({})", group_label(&s.group, &workforce), s.month),
        ));
        summary.push(("Selected on", date(s.on)));
        summary.push(("Looks back to", date(s.scope_from)));
        summary.push((
            "Drawn from",
            format!(
                "{} eligible; seed {}; eligible list fingerprint {}",
                s.eligible_count,
                s.seed
                    .map_or_else(|| "none (programme)".to_owned(), |x| x.to_string()),
                s.eligible_hash
            ),
        ));
    }
    summary.push((
        "Auditor",
        audit
            .auditor()
            .map_or_else(|| "Not assigned".to_owned(), &name),
    ));
    summary.push((
        "Deadline",
        audit.deadline().map_or_else(|| "None yet".to_owned(), date),
    ));
    let (words, _) = status(&audit, today);
    summary.push(("Status", words.to_owned()));
    let sections = sheet
        .sections
        .iter()
        .map(|x| SectionView {
            id: x.id.clone(),
            title: x.title.clone(),
            guidance: x.guidance.clone().unwrap_or_default(),
            facts: x
                .facts
                .iter()
                .map(|f| {
                    (
                        f.title.to_owned(),
                        f.entries
                            .iter()
                            .map(|e| FactLine {
                                date: date(e.date),
                                event: e.event.map_or_else(String::new, |v| v.to_string()),
                                detail: e.detail.clone(),
                            })
                            .collect(),
                    )
                })
                .collect(),
            questions: x
                .questions
                .iter()
                .map(|q| {
                    let answer = if blind {
                        String::new()
                    } else {
                        match &q.answer {
                            None => String::new(),
                            Some(None) => "Does not apply".to_owned(),
                            Some(Some(g)) => g.point().label().to_owned(),
                        }
                    };
                    let weight = if q.weight == 1 {
                        String::new()
                    } else {
                        format!("counts {} times in the score", q.weight)
                    };
                    (
                        q.id.clone(),
                        q.text.clone(),
                        q.guidance.clone().unwrap_or_default(),
                        answer,
                        weight,
                    )
                })
                .collect(),
            grade: if blind {
                String::new()
            } else {
                grade_words(x.grade)
            },
            final_grade: if blind {
                String::new()
            } else {
                grade_words(x.final_grade)
            },
            reasons: if blind {
                String::new()
            } else {
                x.reasons.clone().unwrap_or_default()
            },
            evidence: if blind {
                String::new()
            } else {
                x.evidence
                    .iter()
                    .map(|e| e.version.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })
        .collect();
    let points = t
        .scale
        .points()
        .iter()
        .map(|p| Choice {
            value: p.code().to_owned(),
            label: p.label().to_owned(),
        })
        .collect();
    let me = &user.staff;
    let actions = audit
        .actions
        .iter()
        .map(|a| ActionView {
            no: a.no.0,
            what: a.what.clone(),
            owner: match &a.owner {
                ActionOwner::Staff { staff } => name(staff),
                ActionOwner::Agency { agency, contact } => {
                    format!("{} ({contact})", agency.label())
                }
            },
            due: date(a.due),
            done: a
                .completed
                .as_ref()
                .map_or_else(String::new, |c| format!("Done {}: {}", when(c.at), c.note)),
            mine: matches!(&a.owner, ActionOwner::Staff { staff } if staff == me)
                && a.completed.is_none(),
        })
        .collect();
    let feedback = match &audit.feedback {
        Some(hearth_assurance::audit::Feedback::Taken {
            respondent,
            method,
            answers,
            ..
        }) => {
            let mut out = vec![(
                "Who answered".to_owned(),
                format!("{} ({})", respondent.label(), method.label()),
            )];
            for a in answers {
                let q = t.family_questions.iter().find(|q| q.id == a.question);
                let option = a.option.as_ref().and_then(|o| {
                    q.and_then(|q| {
                        q.options
                            .iter()
                            .find(|(id, _)| id == o)
                            .map(|(_, l)| l.clone())
                    })
                });
                let words = [option, a.text.as_ref().map(ToString::to_string)]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(": ");
                out.push((
                    q.map_or_else(|| a.question.clone(), |q| q.text.clone()),
                    words,
                ));
            }
            out
        }
        Some(hearth_assurance::audit::Feedback::NotTaken { reason, note, .. }) => {
            vec![(
                "Not taken".to_owned(),
                format!("{}: {note}", reason.label()),
            )]
        }
        None => Vec::new(),
    };
    let auditor_roles = t.auditors.clone();
    let view = AuditView {
        layout: Layout::new(state, user),
        me: user.staff.to_string(),
        id: audit.id.to_string(),
        version: audit.version,
        name: t.name.clone(),
        summary,
        child: audit.child().map(ToString::to_string),
        facts_shown,
        blind,
        sections,
        descriptors: sheet
            .descriptors
            .iter()
            .map(|(p, d)| (p.label().to_owned(), d.clone()))
            .collect(),
        points,
        suggested: if blind {
            String::new()
        } else {
            grade_words(sheet.suggested)
        },
        overall: if blind {
            String::new()
        } else {
            audit
                .overall
                .as_ref()
                .map_or_else(String::new, |(g, r, _)| {
                    format!("{}: {r}", g.point().label())
                })
        },
        findings: if blind {
            Vec::new()
        } else {
            audit
                .findings
                .iter()
                .map(|f| {
                    let themes = f
                        .themes
                        .iter()
                        .map(|id| t.theme(id).map_or_else(|| id.clone(), |x| x.label.clone()))
                        .collect::<Vec<_>>()
                        .join(", ");
                    (f.kind.label().to_owned(), f.text.clone(), themes)
                })
                .collect()
        },
        themes: t
            .themes
            .iter()
            .map(|x| Choice {
                value: x.id.clone(),
                label: x.label.clone(),
            })
            .collect(),
        concerns: audit
            .concerns
            .iter()
            .map(|c| {
                (
                    c.no,
                    c.summary.clone(),
                    when(c.raised),
                    c.notices
                        .iter()
                        .map(|n| {
                            format!(
                                "{} {} told {} ({})",
                                n.recipient.label(),
                                name(&n.staff),
                                when(n.at),
                                n.how
                            )
                        })
                        .collect(),
                )
            })
            .collect(),
        actions,
        reflection: audit
            .reflection
            .as_ref()
            .map(|r| {
                r.answers
                    .iter()
                    .map(|a| {
                        let prompt = t
                            .reflection
                            .iter()
                            .find(|p| p.id == a.prompt)
                            .map_or_else(|| a.prompt.clone(), |p| p.text.clone());
                        (prompt, a.text.to_string())
                    })
                    .collect()
            })
            .unwrap_or_default(),
        prompts: t
            .reflection
            .iter()
            .map(|p| Choice {
                value: p.id.clone(),
                label: p.text.clone(),
            })
            .collect(),
        discussion: audit
            .discussion
            .as_ref()
            .map_or_else(String::new, |(_, note, at)| {
                format!("{}: {note}", when(*at))
            }),
        feedback,
        family_questions: t
            .family_questions
            .iter()
            .map(|q| {
                (
                    q.id.clone(),
                    q.text.clone(),
                    q.options
                        .iter()
                        .map(|(v, l)| Choice {
                            value: v.clone(),
                            label: l.clone(),
                        })
                        .collect(),
                )
            })
            .collect(),
        prims: audit
            .prims
            .iter()
            .map(|p| {
                let who = p
                    .attendees
                    .iter()
                    .map(|a| match a {
                        Attendee::Staff { staff } => name(staff),
                        Attendee::Agency { agency, name } => format!("{name} ({})", agency.label()),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                (when(p.at), who, p.agreed.clone())
            })
            .collect(),
        regrade: match &audit.regrade {
            None => String::new(),
            Some(r) => match &r.grades {
                None => format!(
                    "{} is grading again, blind, by {}",
                    name(&r.auditor),
                    date(r.deadline)
                ),
                Some(g) if !blind => format!(
                    "{} graded again: {} ({})",
                    name(&r.auditor),
                    g.overall.point().label(),
                    g.reasons
                ),
                Some(_) => String::new(),
            },
        },
        moderation: if blind {
            String::new()
        } else {
            audit.moderation.as_ref().map_or_else(String::new, |m| {
                format!("Moderated: {} ({})", m.overall.point().label(), m.reasons)
            })
        },
        copies: audit
            .copies
            .iter()
            .map(|(o, at)| format!("{} on {}", name(o), when(*at)))
            .collect(),
        coordinator: access == AuditAccess::Coordinator,
        auditor: access == AuditAccess::Auditor
            && audit.auditor() == Some(me)
            && audit.completed.is_none()
            && audit.withdrawn.is_none(),
        second: access == AuditAccess::SecondAuditor && blind,
        worker: matches!(access, AuditAccess::Worker | AuditAccess::Named)
            && audit.reflection.is_none()
            && !t.reflection.is_empty(),
        head: hearth_app::policy::may_exempt_audits(user)
            && audit.completed.is_none()
            && audit.assignment().is_some(),
        completed: audit.completed.is_some(),
        grading_started: audit.grading_started(),
        auditors: staff_choices(&workforce, today, |r| auditor_roles.contains(&r)),
        officers: staff_choices(&workforce, today, |r| r == StaffRole::ReviewingOfficer),
        staff: staff_choices(&workforce, today, |r| r != StaffRole::Administrator),
        recipients: choices(
            ConcernRecipient::ALL,
            ConcernRecipient::code,
            ConcernRecipient::label,
        ),
        respondents: choices(Respondent::ALL, Respondent::code, Respondent::label),
        not_taken: choices(
            FeedbackNotTaken::ALL,
            FeedbackNotTaken::code,
            FeedbackNotTaken::label,
        ),
        exemptions: choices(
            ExemptionReason::ALL,
            ExemptionReason::code,
            ExemptionReason::label,
        ),
        deadline: state
            .app
            .audit_deadline(t)
            .map_or_else(String::new, |d| d.to_string()),
        error,
        done,
    };
    Ok(view)
}

/// The audit page's query: what was just recorded.
#[derive(serde::Deserialize)]
pub struct AuditParams {
    saved: Option<String>,
}

fn saved_words(step: &str) -> Option<&'static str> {
    STEPS.iter().find(|(s, _)| *s == step).map(|(_, w)| *w)
}

/// Each form of the audit page, and what the banner says once it is saved.
const STEPS: [(&str, &str); 20] = [
    ("assign", "Auditor assigned"),
    ("exempt", "Exemption granted"),
    ("grade", "Section graded"),
    ("overall", "Overall grade saved"),
    ("finding", "Finding recorded"),
    (
        "concern",
        "Safety concern raised: tell the team manager and the director now",
    ),
    ("notify", "Notice of the safety concern recorded"),
    ("action", "Improvement action agreed"),
    ("action-done", "Action recorded as done"),
    ("reflection", "Reflection saved"),
    ("discussed", "Discussion of the reflection recorded"),
    ("feedback", "The family's feedback recorded"),
    (
        "no-feedback",
        "Recorded why the family's feedback was not taken",
    ),
    ("complete", "Audit completed"),
    ("copy", "Audit copied to the reviewing officer"),
    ("prim", "PRIM recorded"),
    (
        "regrade-assign",
        "Second auditor asked to grade again, blind",
    ),
    ("regrade", "Blind regrade recorded"),
    ("moderate", "Moderation decided"),
    ("withdraw", "Audit withdrawn"),
];

/// `/assurance/audits/{id}`: the audit's page.
pub async fn audit(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    Query(params): Query<AuditParams>,
) -> Result<Html<String>, WebError> {
    let id = AuditId::parse(&id).map_err(|_| WebError::NotFound)?;
    let page = state.app.audit_page(&user, &id).await?;
    let done = params.saved.as_deref().and_then(saved_words);
    let view = audit_view(&state, &user, page, None, done).await?;
    Ok(Html(view.render()?))
}

/// The form's fields, repeated ones kept.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
            .collect()
    }

    fn prefixed(&self, prefix: &str) -> Vec<(&str, &str)> {
        self.0
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(prefix)?, v.trim())))
            .collect()
    }

    fn text(&self, name: &str, what: &str) -> Result<Text, String> {
        Text::parse(self.get(name)).map_err(|_| format!("Enter {what}"))
    }

    fn line(&self, name: &str, what: &str) -> Result<Line, String> {
        Line::parse(self.get(name)).map_err(|_| format!("Enter {what}"))
    }

    fn staff(&self, name: &str, what: &str) -> Result<StaffId, String> {
        StaffId::parse(self.get(name)).map_err(|_| format!("Choose {what}"))
    }

    fn date(&self, name: &str, what: &str) -> Result<NaiveDate, String> {
        NaiveDate::parse_from_str(self.get(name), "%Y-%m-%d")
            .map_err(|_| format!("Enter {what} as a date, for example 2026-12-31"))
    }

    fn code<T: std::str::FromStr>(&self, name: &str, what: &str) -> Result<T, String> {
        self.get(name).parse().map_err(|_| format!("Choose {what}"))
    }

    fn grade(
        &self,
        name: &str,
        scale: hearth_assurance::Scale,
        what: &str,
    ) -> Result<Grade, String> {
        let point: Point = self.code(name, what)?;
        Grade::new(scale, point).map_err(|e| e.to_string())
    }

    fn evidence(&self, child: Option<&hearth_domain::ChildId>) -> Result<Vec<EvidenceRef>, String> {
        let raw = self.get("evidence");
        if raw.is_empty() {
            return Ok(Vec::new());
        }
        let Some(child) = child else {
            return Err("An audit of a practitioner cites no entries of a child's record".into());
        };
        raw.split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<u64>()
                    .map(|version| EvidenceRef {
                        child: child.clone(),
                        version,
                    })
                    .map_err(|_| format!("'{s}' is not an entry number: list the entries' numbers, separated by commas"))
            })
            .collect()
    }
}

/// The event a form asks for, from its fields; a clear message for what is missing.
fn event_for(
    step: &str,
    f: &Fields,
    audit: &Audit,
    t: &hearth_assurance::Template,
) -> Result<AuditEvent, String> {
    let scale = t.scale;
    let sections = |prefix: &str| -> Result<Vec<SectionGrade>, String> {
        f.prefixed(prefix)
            .into_iter()
            .map(|(section, v)| {
                let point: Point = v
                    .parse()
                    .map_err(|_| format!("Grade the section {section}"))?;
                Ok(SectionGrade {
                    section: section.to_owned(),
                    grade: Grade::new(scale, point).map_err(|e| e.to_string())?,
                })
            })
            .collect()
    };
    Ok(match step {
        "assign" => AuditEvent::AuditorAssigned {
            auditor: f.staff("auditor", "the auditor")?,
            deadline: f.date("deadline", "the deadline")?,
        },
        "exempt" => AuditEvent::ExemptionGranted {
            by: StaffId::parse(f.get("by")).map_err(|_| "Choose who exempts".to_owned())?,
            reason: f.code("reason", "the reason for the exemption")?,
            note: f.text("note", "a note of the leave")?,
            deadline: f.date("deadline", "the new deadline")?,
        },
        "grade" => {
            let section = f.get("section").to_owned();
            let answers = f
                .prefixed("q:")
                .into_iter()
                .map(|(q, v)| {
                    Ok(Answer {
                        question: q.to_owned(),
                        grade: if v == "NA" {
                            None
                        } else {
                            let point: Point =
                                v.parse().map_err(|_| format!("Answer the question {q}"))?;
                            Some(Grade::new(scale, point).map_err(|e| e.to_string())?)
                        },
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            AuditEvent::SectionGraded {
                grade: f.grade("grade", scale, "the section's grade")?,
                section,
                answers,
                evidence: f.evidence(audit.child())?,
                reasons: f.text("reasons", "the reasons for the grade")?,
            }
        }
        "overall" => AuditEvent::OverallGraded {
            grade: f.grade("grade", scale, "the overall grade")?,
            reasons: f.text("reasons", "the reasons for the overall grade")?,
        },
        "finding" => AuditEvent::FindingRecorded {
            kind: f.code::<FindingKind>("kind", "a strength or an area for development")?,
            text: f.text("text", "the finding")?,
            themes: f.all("theme").into_iter().map(str::to_owned).collect(),
        },
        "concern" => AuditEvent::SafetyConcernRaised {
            concern: u16::try_from(audit.concerns.len() + 1).map_err(|e| e.to_string())?,
            summary: f.text("summary", "the concern")?,
        },
        "notify" => AuditEvent::SafetyConcernNotified {
            concern: f.code("concern", "the concern")?,
            recipient: f.code("recipient", "who was told")?,
            staff: f.staff("staff", "who was told")?,
            how: f.line("how", "how they were told")?,
        },
        "action" => AuditEvent::ActionAgreed {
            action: ActionNo(u16::try_from(audit.actions.len() + 1).map_err(|e| e.to_string())?),
            what: f.text("what", "what is to be done")?,
            owner: ActionOwner::Staff {
                staff: f.staff("owner", "who is to do it")?,
            },
            due: f.date("due", "the date it is due")?,
        },
        "action-done" => AuditEvent::ActionCompleted {
            action: ActionNo(f.code("action", "the action")?),
            note: f.text("note", "what was done")?,
            evidence: f.evidence(audit.child())?,
        },
        "reflection" => AuditEvent::ReflectionRecorded {
            worker: StaffId::parse(f.get("worker"))
                .map_err(|_| "Sign in as the worker".to_owned())?,
            answers: f
                .prefixed("r:")
                .into_iter()
                .map(|(p, v)| {
                    Ok(Reflection {
                        prompt: p.to_owned(),
                        text: Text::parse(v).map_err(|_| "Answer every prompt".to_owned())?,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?,
        },
        "discussed" => AuditEvent::ReflectionDiscussed {
            worker: audit
                .reflection
                .as_ref()
                .map(|r| r.worker.clone())
                .ok_or_else(|| "The worker has not written their reflection yet".to_owned())?,
            note: f.text("note", "a note of the discussion")?,
        },
        "feedback" => AuditEvent::FamilyFeedbackRecorded {
            respondent: f.code::<Respondent>("respondent", "who answered")?,
            method: f
                .code::<FeedbackMethod>("method", "how they answered")
                .unwrap_or(FeedbackMethod::Telephone),
            answers: t
                .family_questions
                .iter()
                .filter_map(|q| {
                    let option =
                        Some(f.get(&format!("o:{}", q.id)).to_owned()).filter(|s| !s.is_empty());
                    let text = Text::parse(f.get(&format!("t:{}", q.id))).ok();
                    (option.is_some() || text.is_some()).then(|| FamilyAnswer {
                        question: q.id.clone(),
                        option,
                        text,
                    })
                })
                .collect(),
        },
        "no-feedback" => AuditEvent::FamilyFeedbackNotTaken {
            reason: f.code("reason", "why the feedback was not taken")?,
            note: f.text("note", "a note")?,
        },
        "complete" => AuditEvent::AuditCompleted {},
        "copy" => AuditEvent::CopiedToReviewingOfficer {
            officer: f.staff("officer", "the reviewing officer")?,
        },
        "prim" => AuditEvent::PrimHeld {
            attendees: f
                .all("attendee")
                .into_iter()
                .map(|s| {
                    StaffId::parse(s)
                        .map(|staff| Attendee::Staff { staff })
                        .map_err(|_| "Choose who attended".to_owned())
                })
                .collect::<Result<Vec<_>, String>>()?,
            agreed: f.text("agreed", "what was agreed")?,
        },
        "regrade-assign" => AuditEvent::RegradeAssigned {
            auditor: f.staff("auditor", "the second auditor")?,
            deadline: f.date("deadline", "the deadline")?,
        },
        "regrade" => AuditEvent::RegradeRecorded {
            sections: sections("s:")?,
            overall: f.grade("overall", scale, "the overall grade")?,
            reasons: f.text("reasons", "the reasons")?,
        },
        "moderate" => AuditEvent::ModerationDecided {
            sections: sections("s:")?,
            overall: f.grade("overall", scale, "the overall grade")?,
            reason: f.text("reason", "the reason for the decision")?,
        },
        "withdraw" => AuditEvent::AuditWithdrawn {
            reason: f.text("reason", "why the audit is withdrawn")?,
        },
        _ => return Err("The form is not one this page knows: reload the page".to_owned()),
    })
}

/// A form of the audit page: checked by the audit record's rules, written, and the page
/// shown again; a refusal shows the rule's words and writes nothing.
pub async fn record(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    Form(values): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = AuditId::parse(&id).map_err(|_| WebError::NotFound)?;
    let fields = Fields(values);
    user.check_form(fields.get("csrf"))?;
    let step = fields.get("step").to_owned();
    let version: u64 = fields.get("version").parse().map_err(|_| {
        WebError::BadRequest("The form is incomplete: reload the page and try again.".into())
    })?;
    let seen = state.app.audit_seen(&user, &id).await?;
    let write = to_record_on_audit(&user, &seen.permit).ok_or(WebError::NotFound)?;
    let t = template(seen.audit.template().unwrap_or_default())?;
    let problem = match event_for(&step, &fields, &seen.audit, t) {
        Err(message) => message,
        Ok(event) => {
            // An entry made on the page happens when it is made (a notice is recorded as the
            // person is told).
            let now = state.app.now();
            match state.app.record_on_audit(&write, version, vec![(now, event)]).await {
                Ok(_) => {
                    return Ok(Redirect::to(&format!("/assurance/audits/{id}?saved={step}")).into_response());
                }
                Err(AppError::AuditRefused { reason, .. }) => format!("Not saved: {reason}"),
                Err(AppError::Stale { .. }) => {
                    "Someone recorded on this audit after you opened it. Nothing was saved: check the page and try again.".to_owned()
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let page = state.app.audit_page(&user, &id).await?;
    let view = audit_view(&state, &user, page, Some(problem), None).await?;
    Ok((StatusCode::BAD_REQUEST, Html(view.render()?)).into_response())
}

/// Audits as a list for another page (the child's record, the reviewing officer's page).
pub struct AuditLink {
    pub id: String,
    pub name: String,
    pub subject: String,
    pub status: &'static str,
    pub tag: &'static str,
    pub grade: String,
    pub actions: Vec<String>,
}

/// Audits as links, with their grade and actions, for another page.
pub async fn links(state: &AppState, seen: &[SeenAudit]) -> Vec<AuditLink> {
    let today = state.app.now().london_date();
    let workforce = state.app.workforce().await;
    seen.iter()
        .map(|s| {
            let a = &s.audit;
            let (status, tag) = status(a, today);
            AuditLink {
                id: a.id.to_string(),
                name: a
                    .template()
                    .and_then(|t| template(t).ok())
                    .map_or_else(String::new, |t| t.name.clone()),
                subject: a.child().map_or_else(String::new, |c| format!("Child {c}")),
                status,
                tag,
                grade: if s.permit.blind() {
                    String::new()
                } else {
                    grade_words(a.final_overall())
                },
                actions: a
                    .actions
                    .iter()
                    .map(|x| {
                        let owner = match &x.owner {
                            ActionOwner::Staff { staff } => staff_name(&workforce, staff),
                            ActionOwner::Agency { agency, .. } => agency.label().to_owned(),
                        };
                        let state = if x.completed.is_some() {
                            "done"
                        } else {
                            "open"
                        };
                        format!("{} ({owner}, by {}, {state})", x.what, date(x.due))
                    })
                    .collect(),
            }
        })
        .collect()
}

/// What audits ask of the user, for My work.
pub struct OwedRow {
    pub audit: String,
    pub what: String,
    pub due: String,
    pub status: String,
    pub tag: &'static str,
}

/// The user's items from audits and the safety concerns they were told of, for My work.
pub async fn owed(state: &AppState, user: &User) -> Result<(Vec<OwedRow>, Vec<OwedRow>), WebError> {
    let owed = state.app.owed_by_me(user).await?;
    let items = owed
        .items
        .iter()
        .map(|i| {
            let (status, tag) = match i.status {
                hearth_assurance::clock::ItemStatus::Overdue {
                    days_overdue,
                    hours_overdue,
                } => (
                    match hours_overdue {
                        Some(h) => format!("Overdue by {h} hours"),
                        None => format!("Overdue by {days_overdue} days"),
                    },
                    "govuk-tag--red",
                ),
                _ => ("Due".to_owned(), "govuk-tag--yellow"),
            };
            OwedRow {
                audit: i.audit.to_string(),
                what: i.what.clone(),
                due: i.due_at.map_or_else(|| date(i.due_date), when),
                status,
                tag,
            }
        })
        .collect();
    let told = owed
        .told
        .iter()
        .map(|c| OwedRow {
            audit: c.audit.to_string(),
            what: format!("Safety concern {}: {}", c.concern, c.summary),
            due: when(c.told),
            status: c.recipient.label().to_owned(),
            tag: "govuk-tag--red",
        })
        .collect();
    Ok((items, told))
}
