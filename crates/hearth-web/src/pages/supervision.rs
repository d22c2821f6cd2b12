//! Supervision: a manager's list of the workers they supervise, and a worker's supervision
//! file with the form for the next session. The form opens with every action still open,
//! each to be marked done, carried over or no longer needed, so nothing is retyped and
//! nothing is lost; then workload, wellbeing and development; then a discussion of each
//! child, with decisions and actions. Who may see and record is `hearth-app`'s policy.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use hearth_app::AppError;
use hearth_app::oversight::{SessionForm, Supervisee};
use hearth_app::policy;
use hearth_domain::supervision::{
    ActionOutcome, ActionRef, ActionReview, CaseDiscussion, Decision, NewAction, SupervisionKind,
};
use hearth_domain::values::Text;
use hearth_domain::{ChildId, StaffId};

use super::Layout;
use super::words::day;
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;

/// How many children one form discusses, and how many actions each discussion sets.
const CASES: usize = 3;
const ACTIONS_PER_CASE: usize = 2;
const OTHER_ACTIONS: usize = 2;

/// A worker on the supervisor's list.
pub struct Row {
    pub worker: String,
    pub name: String,
    pub last: String,
    pub next: String,
    pub overdue: Option<i64>,
    pub unacknowledged: usize,
    pub open_actions: usize,
    pub repeated: usize,
}

#[derive(Template)]
#[template(path = "supervision_list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
}

/// An action as the file and the form show it.
pub struct ActionView {
    pub reference: String,
    /// The reference as it goes in a field name or an address (`1-2`).
    pub slug: String,
    pub text: String,
    pub owner: String,
    pub due: String,
    pub child: Option<(String, String)>,
    pub overdue: Option<i64>,
    pub carried: usize,
    pub repeated: bool,
    /// The owner or a supervisor may record it done.
    pub may_complete: bool,
}

/// A past session, in brief.
pub struct SessionView {
    pub number: u32,
    pub date: String,
    pub supervisor: String,
    pub kind: &'static str,
    pub children: Vec<(String, String)>,
    pub actions: usize,
    pub acknowledged: Option<String>,
    pub acknowledgement_due: Option<(String, bool)>,
}

/// A choice in a select.
pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "supervision.html")]
struct FilePage {
    layout: Layout,
    worker: String,
    name: String,
    version: u64,
    next: String,
    overdue: Option<i64>,
    newly_qualified: bool,
    actions: Vec<ActionView>,
    sessions: Vec<SessionView>,
    is_worker: bool,
    supervises: bool,
    children: Vec<Choice>,
    owners: Vec<Choice>,
    kinds: Vec<Choice>,
    outcomes: Vec<Choice>,
    case_slots: Vec<usize>,
    action_slots: Vec<usize>,
    other_slots: Vec<usize>,
    values: BTreeMap<String, String>,
    errors: Vec<(String, String)>,
    done: Option<String>,
}

impl FilePage {
    /// What was typed into a field, for showing the form again.
    fn v(&self, name: impl std::fmt::Display) -> &str {
        self.values
            .get(&name.to_string())
            .map_or("", String::as_str)
    }

    /// The error for a field, if any.
    fn error(&self, name: impl std::fmt::Display) -> Option<&str> {
        let name = name.to_string();
        self.errors
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, m)| m.as_str())
    }
}

/// The list: the workers below the manager in the line. A worker goes to their own file.
pub async fn list(State(state): State<AppState>, user: User) -> Result<Response, WebError> {
    if !user.role.is_manager() {
        return Ok(Redirect::to(&format!("/supervision/{}", user.staff.as_str())).into_response());
    }
    let supervisees = state.app.supervisees(&user).await?;
    let workforce = state.app.workforce().await;
    let mut rows: Vec<Row> = supervisees
        .iter()
        .filter_map(|s| {
            let m = workforce.staff.get(&s.worker)?;
            let d = s.due.as_ref()?;
            Some(Row {
                worker: s.worker.as_str().to_owned(),
                name: m.name.display(),
                last: d.last.map_or_else(|| "Never".to_owned(), day),
                next: day(d.next_due),
                overdue: d.overdue_days,
                unacknowledged: d.unacknowledged.len(),
                open_actions: d.actions.len(),
                repeated: d.actions.iter().filter(|a| a.repeated).count(),
            })
        })
        .collect();
    drop(workforce);
    rows.sort_by(|a, b| {
        b.overdue
            .unwrap_or(-1)
            .cmp(&a.overdue.unwrap_or(-1))
            .then_with(|| a.name.cmp(&b.name))
    });
    let page = ListPage {
        layout: Layout::new(&state, &user),
        rows,
    };
    Ok(Html(page.render()?).into_response())
}

/// What the page says after an action from it.
#[derive(serde::Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    recorded: Option<u32>,
    #[serde(default)]
    acknowledged: Option<u32>,
    #[serde(default)]
    completed: Option<String>,
}

/// A worker's supervision file, with the next session's form for their supervisor.
pub async fn file(
    State(state): State<AppState>,
    user: User,
    Path(worker): Path<String>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Result<Response, WebError> {
    let worker = StaffId::parse(&worker).map_err(|_| WebError::NotFound)?;
    let s = state.app.supervision(&user, &worker).await?;
    let done = match (done.recorded, done.acknowledged, done.completed) {
        (Some(n), _, _) => Some(format!("Session {n} recorded")),
        (_, Some(n), _) => Some(format!("Session {n} acknowledged")),
        (_, _, Some(r)) => Some(format!("Action {r} recorded as done")),
        _ => None,
    };
    let page = file_page(&state, &user, &s, BTreeMap::new(), Vec::new(), done).await?;
    Ok(Html(page.render()?).into_response())
}

async fn file_page(
    state: &AppState,
    user: &User,
    s: &Supervisee,
    mut values: BTreeMap<String, String>,
    errors: Vec<(String, String)>,
    done: Option<String>,
) -> Result<FilePage, WebError> {
    let today = state.app.now().london_date();
    let supervises = {
        let workforce = state.app.workforce().await;
        policy::may_supervise(user, &s.worker, &workforce)
    };
    // The children the form may discuss: the worker's open cases the supervisor may see.
    let caseload: Vec<ChildId> = state
        .app
        .caseload(Some(&s.worker))
        .await?
        .iter()
        .filter(|r| r.open_on(today))
        .filter_map(|r| ChildId::parse(&r.child_id).ok())
        .collect();
    let mentioned: Vec<ChildId> = caseload
        .iter()
        .cloned()
        .chain(s.file.actions.values().filter_map(|a| a.child.clone()))
        .chain(
            s.file
                .sessions
                .iter()
                .flat_map(|x| x.cases.iter().map(|c| c.child.clone())),
        )
        .collect();
    let names: BTreeMap<ChildId, String> = state
        .app
        .children_named(user, &mentioned)
        .await?
        .into_iter()
        .collect();
    let child = |c: &ChildId| names.get(c).map(|n| (c.as_str().to_owned(), n.clone()));
    let workforce = state.app.workforce().await;
    let staff_name = |id: &StaffId| {
        workforce
            .staff
            .get(id)
            .map_or_else(|| id.as_str().to_owned(), |m| m.name.display())
    };
    let name = staff_name(&s.worker);
    let actions: Vec<ActionView> = s
        .due
        .as_ref()
        .map(|d| d.actions.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|a| ActionView {
            reference: a.reference.to_string(),
            slug: a.reference.to_string().replace('.', "-"),
            text: a.text.as_str().to_owned(),
            owner: staff_name(&a.owner),
            due: day(a.due),
            child: a.child.as_ref().and_then(child),
            overdue: a.overdue_days,
            carried: a.carried,
            repeated: a.repeated,
            may_complete: supervises || a.owner == user.staff,
        })
        .collect();
    let unacknowledged: BTreeMap<u32, (NaiveDate, bool)> = s
        .due
        .as_ref()
        .map(|d| {
            d.unacknowledged
                .iter()
                .map(|u| (u.session, (u.due, u.overdue_days.is_some())))
                .collect()
        })
        .unwrap_or_default();
    let sessions = s
        .file
        .sessions
        .iter()
        .rev()
        .map(|x| SessionView {
            number: x.number,
            date: day(x.date()),
            supervisor: staff_name(&x.supervisor),
            kind: x.kind.label(),
            children: x.cases.iter().filter_map(|c| child(&c.child)).collect(),
            actions: x.actions.len(),
            acknowledged: x.acknowledged.map(|t| day(t.london_date())),
            acknowledgement_due: unacknowledged
                .get(&x.number)
                .map(|(d, late)| (day(*d), *late)),
        })
        .collect();
    let mut owners = vec![Choice {
        value: s.worker.as_str().to_owned(),
        label: format!("{name} (the worker)"),
    }];
    if user.staff != s.worker {
        owners.push(Choice {
            value: user.staff.as_str().to_owned(),
            label: format!("{} (you)", user.name),
        });
    }
    drop(workforce);
    let children = caseload
        .iter()
        .filter_map(child)
        .map(|(value, label)| Choice { value, label })
        .collect();
    // The form opens on today, as an individual session.
    if values.is_empty() {
        values.insert("kind".into(), "INDIVIDUAL".into());
        values.insert("day".into(), chrono::Datelike::day(&today).to_string());
        values.insert("month".into(), chrono::Datelike::month(&today).to_string());
        values.insert("year".into(), chrono::Datelike::year(&today).to_string());
    }
    let choices = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(v, l)| Choice {
                value: (*v).to_owned(),
                label: (*l).to_owned(),
            })
            .collect()
    };
    Ok(FilePage {
        layout: Layout::new(state, user),
        worker: s.worker.as_str().to_owned(),
        name,
        version: s.version,
        next: s.due.as_ref().map_or_else(String::new, |d| day(d.next_due)),
        overdue: s.due.as_ref().and_then(|d| d.overdue_days),
        newly_qualified: s.due.as_ref().is_some_and(|d| d.newly_qualified),
        actions,
        sessions,
        is_worker: user.staff == s.worker,
        supervises,
        children,
        owners,
        kinds: SupervisionKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.code().to_owned(),
                label: k.label().to_owned(),
            })
            .collect(),
        outcomes: choices(&[
            ("DONE", ActionOutcome::Done.label()),
            ("CARRIED_OVER", ActionOutcome::CarriedOver.label()),
            ("DROPPED", ActionOutcome::Dropped.label()),
        ]),
        case_slots: (1..=CASES).collect(),
        action_slots: (1..=ACTIONS_PER_CASE).collect(),
        other_slots: (1..=OTHER_ACTIONS).collect(),
        values,
        errors,
        done,
    })
}

/// What a form's fields say, with an error for each field that cannot be read.
struct Fields<'a> {
    values: &'a BTreeMap<String, String>,
    errors: Vec<(String, String)>,
}

impl Fields<'_> {
    fn get(&self, name: &str) -> &str {
        self.values.get(name).map_or("", |v| v.trim())
    }

    fn text(&mut self, name: &str, what: &str) -> Option<Text> {
        match Text::parse(self.get(name)) {
            Ok(t) => Some(t),
            Err(_) => {
                self.errors.push((name.to_owned(), format!("Enter {what}")));
                None
            }
        }
    }

    fn date(&mut self, prefix: &str, what: &str) -> Option<NaiveDate> {
        let key = |part: &str| {
            if prefix.is_empty() {
                part.to_owned()
            } else {
                format!("{prefix}-{part}")
            }
        };
        let d = super::record::date_of(
            self.get(&key("day")),
            self.get(&key("month")),
            self.get(&key("year")),
        );
        if d.is_none() {
            self.errors
                .push((key("day"), format!("Enter {what} as a real date")));
        }
        d
    }

    fn has_date(&self, prefix: &str) -> bool {
        ["day", "month", "year"]
            .iter()
            .any(|p| !self.get(&format!("{prefix}-{p}")).is_empty())
    }

    fn staff(&mut self, name: &str, what: &str) -> Option<StaffId> {
        match StaffId::parse(self.get(name)) {
            Ok(s) => Some(s),
            Err(_) => {
                self.errors
                    .push((name.to_owned(), format!("Choose {what}")));
                None
            }
        }
    }

    /// An action from its three parts, if any part was filled in.
    fn action(&mut self, prefix: &str, child: Option<&ChildId>) -> Option<NewAction> {
        let text_field = format!("{prefix}-text");
        if self.get(&text_field).is_empty() && !self.has_date(prefix) {
            return None;
        }
        let text = self.text(&text_field, "what is to be done");
        let owner = self.staff(&format!("{prefix}-owner"), "who does it");
        let due = self.date(prefix, "the date it is due by");
        Some(NewAction {
            text: text?,
            owner: owner?,
            due: due?,
            child: child.cloned(),
        })
    }
}

/// Reads the session form. The open actions are those the form was drawn with.
fn read_session(
    values: &BTreeMap<String, String>,
    open: &[ActionRef],
    default_carry: NaiveDate,
    now: hearth_domain::Timestamp,
    calendar: &hearth_standards::Calendar,
) -> Result<SessionForm, Vec<(String, String)>> {
    let mut f = Fields {
        values,
        errors: Vec::new(),
    };
    let date = f.date("", "the date of the session");
    let kind = SupervisionKind::ALL
        .iter()
        .copied()
        .find(|k| k.code() == f.get("kind"));
    if kind.is_none() {
        f.errors
            .push(("kind".into(), "Choose the kind of session".into()));
    }
    let mut reviewed = Vec::new();
    for r in open {
        let field = format!("review-{}", r.to_string().replace('.', "-"));
        let outcome = match f.get(&field) {
            "DONE" => Some(ActionOutcome::Done),
            "CARRIED_OVER" => Some(ActionOutcome::CarriedOver),
            "DROPPED" => Some(ActionOutcome::Dropped),
            _ => {
                f.errors.push((
                    field.clone(),
                    format!("Say whether action {r} is done, carried over or no longer needed"),
                ));
                None
            }
        };
        let due = if f.has_date(&field) {
            f.date(&field, &format!("the new date for action {r}"))
        } else {
            Some(default_carry)
        };
        let note = Text::parse(f.get(&format!("{field}-note"))).ok();
        if let Some(outcome) = outcome {
            reviewed.push(ActionReview {
                action: *r,
                outcome,
                due: (outcome == ActionOutcome::CarriedOver)
                    .then_some(due)
                    .flatten(),
                note,
            });
        }
    }
    let workload = f.text("workload", "the worker's workload");
    let wellbeing = f.text("wellbeing", "the worker's wellbeing");
    let development = f.text("development", "the worker's development");
    let mut cases = Vec::new();
    for n in 1..=CASES {
        let p = format!("case{n}");
        let Ok(child) = ChildId::parse(f.get(&format!("{p}-child"))) else {
            continue;
        };
        let update = f.text(&format!("{p}-update"), "an update on the child");
        let risks = f.text(&format!("{p}-risks"), "the risks");
        let strengths = f.text(&format!("{p}-strengths"), "the strengths");
        let mut decisions = Vec::new();
        if !f.get(&format!("{p}-decision")).is_empty() {
            let decision = f.text(&format!("{p}-decision"), "the decision");
            let rationale = f.text(&format!("{p}-rationale"), "the rationale for the decision");
            if let (Some(decision), Some(rationale)) = (decision, rationale) {
                decisions.push(Decision {
                    decision,
                    rationale,
                });
            }
        }
        let mut actions = Vec::new();
        for a in 1..=ACTIONS_PER_CASE {
            actions.extend(f.action(&format!("{p}-action{a}"), Some(&child)));
        }
        if let (Some(update), Some(risks), Some(strengths)) = (update, risks, strengths) {
            cases.push(CaseDiscussion {
                child,
                update,
                risks,
                strengths,
                decisions,
                actions,
            });
        }
    }
    let mut actions = Vec::new();
    for a in 1..=OTHER_ACTIONS {
        actions.extend(f.action(&format!("action{a}"), None));
    }
    if !f.errors.is_empty() {
        return Err(f.errors);
    }
    let (Some(date), Some(kind), Some(workload), Some(wellbeing), Some(development)) =
        (date, kind, workload, wellbeing, development)
    else {
        return Err(vec![("day".into(), "The form is incomplete".into())]);
    };
    // Held today: now; on an earlier day: the start of that day's working hours.
    let at = if date == now.london_date() {
        now
    } else if date > now.london_date() {
        return Err(vec![(
            "day".into(),
            "The date of the session must not be in the future".into(),
        )]);
    } else {
        calendar.start_of_day(date)
    };
    Ok(SessionForm {
        at,
        kind,
        reviewed,
        workload,
        wellbeing,
        development,
        cases,
        actions,
    })
}

/// Records the session.
pub async fn record(
    State(state): State<AppState>,
    user: User,
    Path(worker): Path<String>,
    Form(values): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let worker = StaffId::parse(&worker).map_err(|_| WebError::NotFound)?;
    user.check_form(values.get("csrf").map_or("", String::as_str))?;
    let permit = {
        let workforce = state.app.workforce().await;
        policy::to_supervise(&user, &worker, &workforce).ok_or(WebError::NotFound)?
    };
    let s = state.app.supervision(&user, &worker).await?;
    let version = values
        .get("version")
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| {
            WebError::BadRequest("The form is incomplete: reload the page and try again.".into())
        })?;
    let open: Vec<ActionRef> = s.file.open_actions().map(|a| a.reference).collect();
    let default_carry = s.due.as_ref().map_or_else(
        || state.app.now().london_date(),
        |d| d.next_due.max(state.app.now().london_date()),
    );
    let errors = match read_session(
        &values,
        &open,
        default_carry,
        state.app.now(),
        state.app.calendar(),
    ) {
        Ok(form) => match state.app.record_supervision(&permit, version, form).await {
            Ok(n) => {
                return Ok(Redirect::to(&format!(
                    "/supervision/{}?recorded={n}",
                    worker.as_str()
                ))
                .into_response());
            }
            Err(AppError::Refused { reason, .. }) => vec![(
                "day".to_owned(),
                format!(
                    "The session cannot be recorded: {}.",
                    super::words::dates_in(&reason)
                ),
            )],
            Err(AppError::Stale { .. }) => vec![(
                "day".to_owned(),
                "Something was recorded on this supervision file or on a child discussed after the form was opened. Check the file, then record the session again.".to_owned(),
            )],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    let s = state.app.supervision(&user, &worker).await?;
    let page = file_page(&state, &user, &s, values, errors, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

/// The worker acknowledges a session's record.
pub async fn acknowledge(
    State(state): State<AppState>,
    user: User,
    Path((worker, session)): Path<(String, u32)>,
    Form(values): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let worker = StaffId::parse(&worker).map_err(|_| WebError::NotFound)?;
    user.check_form(values.get("csrf").map_or("", String::as_str))?;
    let permit = policy::to_acknowledge(&user, &worker).ok_or(WebError::NotFound)?;
    let s = state.app.supervision(&user, &worker).await?;
    match state
        .app
        .acknowledge_supervision(&permit, s.version, session)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/supervision/{}?acknowledged={session}",
            worker.as_str()
        ))
        .into_response()),
        Err(AppError::Refused { reason, .. }) => Err(WebError::BadRequest(format!(
            "The session cannot be acknowledged: {reason}."
        ))),
        Err(e) => Err(e.into()),
    }
}

/// An action recorded as done, by its owner or a supervisor.
pub async fn complete(
    State(state): State<AppState>,
    user: User,
    Path((worker, action)): Path<(String, String)>,
    Form(values): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let worker = StaffId::parse(&worker).map_err(|_| WebError::NotFound)?;
    let action = ActionRef::parse(&action.replace('-', ".")).map_err(|_| WebError::NotFound)?;
    user.check_form(values.get("csrf").map_or("", String::as_str))?;
    let owner = {
        // The owner of an action may see only that action, not the whole file.
        let stored = state.app.supervision_files_unfiltered().await?;
        stored
            .into_iter()
            .find(|s| s.worker == worker)
            .and_then(|s| {
                s.file
                    .actions
                    .get(&action)
                    .map(|a| (a.owner.clone(), s.version))
            })
    };
    let Some((owner, version)) = owner else {
        return Err(WebError::NotFound);
    };
    let permit = {
        let workforce = state.app.workforce().await;
        policy::to_complete_action(&user, &worker, &owner, &workforce).ok_or(WebError::NotFound)?
    };
    let note = Text::parse(values.get("note").map_or("", String::as_str)).map_err(|_| {
        WebError::BadRequest("Say what was done: the note must not be empty.".into())
    })?;
    match state
        .app
        .complete_supervision_action(&permit, version, action, note)
        .await
    {
        Ok(()) => {
            let back = if permit.supervises() || user.staff == worker {
                format!("/supervision/{}?completed={action}", worker.as_str())
            } else {
                "/".to_owned()
            };
            Ok(Redirect::to(&back).into_response())
        }
        Err(AppError::Refused { reason, .. }) => Err(WebError::BadRequest(format!(
            "The action cannot be recorded as done: {reason}."
        ))),
        Err(e) => Err(e.into()),
    }
}
