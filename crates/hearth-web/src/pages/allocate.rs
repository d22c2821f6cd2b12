//! Allocating a child to a worker from the team view: the manager chooses a caseholder in
//! their team, seeing each one's open cases against the caseload promise, and writes the
//! management oversight that goes with the decision. Recorded as `WorkerAllocated`, decided
//! by the manager, against the record's version when the form was opened.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use hearth_domain::child::ChildEvent;
use hearth_domain::codes::WorkerChangeReason;
use hearth_domain::values::Text;
use hearth_domain::{ChildId, StaffId};

use super::Layout;
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;
use hearth_app::AppError;
use hearth_app::policy::{may_authorise, to_authorise};

/// An error against one field, for the error summary and the field. (The recording forms
/// have their own; these pages do not depend on that module.)
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

/// A worker who could take the child.
pub struct Candidate {
    pub id: String,
    pub name: String,
    /// Their team's name, for a worker in another team.
    pub team: String,
    pub open: usize,
    pub over_promise: bool,
}

#[derive(Template)]
#[template(path = "allocate.html")]
struct AllocatePage {
    layout: Layout,
    id: String,
    name: String,
    version: u64,
    /// The council's caseload promise, if it has set one.
    promise: Option<usize>,
    team: String,
    workers: Vec<Candidate>,
    /// Caseholders in other teams, for a transfer.
    elsewhere: Vec<Candidate>,
    reasons: Vec<(&'static str, &'static str)>,
    values: BTreeMap<String, String>,
    errors: Vec<FieldError>,
}

impl AllocatePage {
    fn value(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// The caseholders in the manager's team, in post today, with their open cases.
/// Caseholders in post with their open cases against the promise: the manager's team
/// (fewest open cases first), then everyone else (by team, then fewest open cases).
async fn candidates(
    state: &AppState,
    user: &User,
) -> Result<(Vec<Candidate>, Vec<Candidate>), WebError> {
    let today = super::as_at(state).date;
    let open = state.app.open_caseload().await?;
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for r in open.iter().filter(|r| r.open_on(today)) {
        if let Some(w) = r.worker_id.as_deref() {
            *counts.entry(w).or_default() += 1;
        }
    }
    let promise = state.app.caseload_promise().await?;
    let workforce = state.app.workforce().await;
    let (mine, others): (Vec<_>, Vec<_>) = workforce
        .staff
        .iter()
        .filter(|(_, m)| m.role.holds_cases() && m.in_post_on(today))
        .partition(|(_, m)| m.team == user.team);
    let candidate = |(id, m): (&StaffId, &hearth_domain::directory::StaffMember)| {
        let n = counts.get(id.as_str()).copied().unwrap_or(0);
        Candidate {
            id: id.as_str().to_owned(),
            name: m.name.display(),
            team: workforce
                .teams
                .get(&m.team)
                .map_or_else(|| m.team.as_str().to_owned(), |t| t.name().to_owned()),
            open: n,
            over_promise: promise.is_some_and(|p| n >= p),
        }
    };
    let mut mine: Vec<Candidate> = mine.into_iter().map(candidate).collect();
    let mut others: Vec<Candidate> = others.into_iter().map(candidate).collect();
    mine.sort_by(|a, b| a.open.cmp(&b.open).then_with(|| a.name.cmp(&b.name)));
    others.sort_by(|a, b| {
        a.team
            .cmp(&b.team)
            .then_with(|| a.open.cmp(&b.open))
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok((mine, others))
}

async fn render(
    state: &AppState,
    user: &User,
    id: &ChildId,
    values: BTreeMap<String, String>,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let (permit, stream) = state.app.view_child(user, id, "Allocate a worker").await?;
    if !may_authorise(user, permit.relationship()) {
        return Err(WebError::NotFound);
    }
    let team = state
        .app
        .workforce()
        .await
        .teams
        .get(&user.team)
        .map_or_else(|| user.team.as_str().to_owned(), |t| t.name().to_owned());
    let (workers, elsewhere) = candidates(state, user).await?;
    let page = AllocatePage {
        layout: Layout::new(state, user),
        id: id.as_str().to_owned(),
        name: stream
            .record()
            .details
            .as_ref()
            .map_or_else(|| id.as_str().to_owned(), |d| d.name.display()),
        version: values
            .get("version")
            .and_then(|v| v.parse().ok())
            .unwrap_or(stream.version()),
        promise: state.app.caseload_promise().await?,
        team,
        workers,
        elsewhere,
        reasons: WorkerChangeReason::ALL
            .iter()
            .map(|r| (r.code(), r.label()))
            .collect(),
        values,
        errors,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The empty form.
pub async fn form(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = ChildId::parse(&id).map_err(|_| WebError::NotFound)?;
    let mut values = BTreeMap::new();
    values.insert(
        "reason".to_owned(),
        WorkerChangeReason::Fconta.code().to_owned(),
    );
    render(&state, &user, &id, values, Vec::new()).await
}

/// The form sent back.
pub async fn submit(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    Form(values): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let id = ChildId::parse(&id).map_err(|_| WebError::NotFound)?;
    user.check_form(values.get("csrf").map_or("", String::as_str))?;
    let (permit, _) = state
        .app
        .view_child(&user, &id, "Allocate a worker")
        .await?;
    let write = to_authorise(&user, &permit).ok_or(WebError::NotFound)?;
    let mut errors = Vec::new();
    // Only a caseholder offered on the form: the team's, in post.
    let (mine, others) = candidates(&state, &user).await?;
    // A worker in the team, or else one chosen from another team.
    let chosen = values
        .get("worker")
        .filter(|w| !w.is_empty())
        .or_else(|| values.get("worker_elsewhere").filter(|w| !w.is_empty()));
    let worker = chosen
        .filter(|w| mine.iter().chain(&others).any(|c| &c.id == *w))
        .and_then(|w| StaffId::parse(w).ok());
    let team = {
        let workforce = state.app.workforce().await;
        worker
            .as_ref()
            .and_then(|w| workforce.staff.get(w))
            .map(|m| m.team.clone())
    };
    if worker.is_none() {
        errors.push(FieldError {
            field: "worker",
            message: "Select the worker to allocate".into(),
        });
    }
    let reason = values
        .get("reason")
        .and_then(|r| r.parse::<WorkerChangeReason>().ok());
    if reason.is_none() {
        errors.push(FieldError {
            field: "reason",
            message: "Select why the child is allocated to this worker".into(),
        });
    }
    let oversight = match values.get("oversight").map_or("", |v| v.trim()) {
        "" => {
            errors.push(FieldError {
                field: "oversight",
                message: "Enter the management oversight: why this worker, and what to do first"
                    .into(),
            });
            None
        }
        text => match Text::parse(text) {
            Ok(t) => Some(t),
            Err(e) => {
                errors.push(FieldError {
                    field: "oversight",
                    message: super::words::value_problem(
                        "the management oversight",
                        &e.to_string(),
                    ),
                });
                None
            }
        },
    };
    let version = values.get("version").and_then(|v| v.parse::<u64>().ok());
    let (Some(worker), Some(team), Some(reason), Some(oversight), Some(version), true) =
        (worker, team, reason, oversight, version, errors.is_empty())
    else {
        if errors.is_empty() {
            return Err(WebError::BadRequest(
                "The form is incomplete: reload the page and try again.".into(),
            ));
        }
        return render(&state, &user, &id, values, errors).await;
    };
    let now = state.app.now();
    let allocated = ChildEvent::WorkerAllocated {
        worker,
        team,
        decided_by: user.staff.clone(),
        oversight,
        reason,
    };
    let message = match state
        .app
        .record(&write, version, vec![(now, allocated)])
        .await
    {
        // The team view, which a manager always may see, names the child only if the
        // manager still may (an allocation to another team can take the child out of sight).
        Ok(_) => {
            return Ok(
                Redirect::to(&format!("/team?allocated={}#allocation", id.as_str()))
                    .into_response(),
            );
        }
        Err(AppError::Refused { reason, .. }) => {
            format!(
                "This cannot be recorded: {}",
                super::words::dates_in(&reason)
            )
        }
        Err(AppError::Stale { .. }) => super::record::STALE_FORM.to_owned(),
        Err(e) => return Err(e.into()),
    };
    let mut values = values;
    values.remove("version");
    render(
        &state,
        &user,
        &id,
        values,
        vec![FieldError {
            field: "worker",
            message,
        }],
    )
    .await
}
