//! The team manager's view: the allocation queue on its 24-hour clock, the authorisation
//! queue (completed assessments to authorise, episodes that could close), each worker's
//! caseload against the caseload promise, and what is overdue by standard and by worker.
//! Every figure links to the children behind it, and every queue to its action.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use hearth_app::queries::{CaseloadRow, READ_BATCH};
use hearth_domain::child::fold;
use hearth_domain::{ChildId, StaffId};

use super::Layout;
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;
use hearth_app::policy::relationship;

/// A child waiting for a worker.
pub struct Waiting {
    pub child: String,
    pub name: String,
    pub since: String,
    pub due: String,
    pub status: String,
    pub tag: &'static str,
}

/// A completed assessment waiting for the manager's authorisation.
pub struct ToAuthorise {
    pub child: String,
    pub name: String,
    pub worker: String,
    pub started: String,
    /// The record's version when the queue was read: authorising is refused if it changed.
    pub version: u64,
}

/// A child whose episode holds nothing that keeps it open.
pub struct ToClose {
    pub child: String,
    pub name: String,
    pub worker: String,
}

/// What the page says after an action from it.
#[derive(serde::Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    authorised: Option<String>,
    #[serde(default)]
    allocated: Option<String>,
}

/// A worker's caseload.
pub struct Worker {
    pub name: String,
    pub open: usize,
    pub over_promise: bool,
    pub overdue: usize,
}

/// Overdue obligations under one standard.
pub struct ByStandard {
    pub summary: String,
    pub overdue: usize,
    pub children: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    layout: Layout,
    team: String,
    /// The council's caseload promise, if it has set one.
    promise: Option<usize>,
    waiting: Vec<Waiting>,
    authorise: Vec<ToAuthorise>,
    close: Vec<ToClose>,
    done: Option<String>,
    workers: Vec<Worker>,
    standards: Vec<ByStandard>,
}

/// The page, for managers only: anyone else is told there is no such page.
pub async fn page(
    State(state): State<AppState>,
    user: User,
    Query(done): Query<Done>,
) -> Result<Html<String>, WebError> {
    if !hearth_app::policy::may_see_team(&user) {
        return Err(WebError::NotFound);
    }
    let as_at = super::as_at(&state);
    let workforce = state.app.workforce().await;
    let team_name = workforce
        .teams
        .get(&user.team)
        .map_or_else(|| user.team.as_str().to_owned(), |t| t.name().to_owned());
    let caseload = state.app.open_caseload().await?;
    let open: Vec<_> = caseload.iter().filter(|r| r.open_on(as_at.date)).collect();

    // Waiting for allocation: open, with no worker. These are the front door's, not one
    // team's, so every manager sees the whole queue.
    let unallocated: Vec<ChildId> = open
        .iter()
        .filter(|r| r.worker_id.is_none() && r.is_open)
        .filter_map(|r| ChildId::parse(&r.child_id).ok())
        .collect();
    let mut waiting = Vec::new();
    for chunk in unallocated.chunks(READ_BATCH) {
        for (id, events) in state.app.children_events_unlogged(chunk).await? {
            let record = fold(&id, &events);
            // Every manager sees the queue, but a restricted child only those it allows.
            if record.restriction.is_some() && relationship(&user, &record, &workforce).is_none() {
                continue;
            }
            let e = hearth_standards::evaluate(
                &record,
                state.app.ruleset(),
                state.app.calendar(),
                as_at,
                &*workforce,
            )
            .map_err(WebError::internal)?;
            let Some(o) = e
                .obligations
                .iter()
                .rev()
                .find(|o| o.rule.id == "allocation")
            else {
                continue;
            };
            let (status, tag) = super::status_label(o.status.outcome());
            waiting.push(Waiting {
                child: id.as_str().to_owned(),
                name: record
                    .details
                    .as_ref()
                    .map_or_else(|| id.as_str().to_owned(), |d| d.name.display()),
                since: record.open_episode().map_or_else(String::new, |e| {
                    e.referral.date().format("%-d %b %Y").to_string()
                }),
                due: o.due_at.map_or_else(
                    || o.due_date.format("%-d %b %Y").to_string(),
                    |t| {
                        t.london_date_time()
                            .format("%-d %b %Y at %H:%M")
                            .to_string()
                    },
                ),
                status,
                tag,
            });
        }
    }

    // The team's workers and their open cases.
    let mut team_workers: Vec<(StaffId, String)> = workforce
        .staff
        .iter()
        .filter(|(_, m)| m.team == user.team && m.role.holds_cases() && m.in_post_on(as_at.date))
        .map(|(id, m)| (id.clone(), m.name.display()))
        .collect();
    team_workers.sort_by(|a, b| a.1.cmp(&b.1));
    let team_rows: Vec<_> = open
        .iter()
        .filter(|r| r.team_id.as_deref() == Some(user.team.as_str()))
        .map(|r| (*r).clone())
        .collect();
    let mut overdue_by_worker: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_standard: BTreeMap<String, ByStandard> = BTreeMap::new();
    drop(workforce);
    let mut due = crate::due::for_caseload(&state, &team_rows).await?;
    // Restricted children the manager may not see are left out of the queues and lists;
    // they still count in their worker's open cases, which is the worker's load.
    let hidden = state
        .app
        .hidden(&user, crate::due::restricted(&due))
        .await?;
    for id in &hidden {
        due.remove(id);
    }
    let team_rows: Vec<_> = team_rows
        .into_iter()
        .filter(|r| ChildId::parse(&r.child_id).is_ok_and(|id| !hidden.contains(&id)))
        .collect();
    let versions = {
        let children: Vec<ChildId> = team_rows
            .iter()
            .filter_map(|r| ChildId::parse(&r.child_id).ok())
            .filter(|id| {
                due.get(id)
                    .is_some_and(|d| !d.awaiting_authorisation.is_empty())
            })
            .collect();
        state.app.child_versions(&children).await?
    };
    let workforce = state.app.workforce().await;
    let worker_name = |row: &CaseloadRow| {
        row.worker_id
            .as_deref()
            .and_then(|w| StaffId::parse(w).ok())
            .and_then(|w| workforce.staff.get(&w))
            .map_or_else(|| "Not allocated".to_owned(), |w| w.name.display())
    };
    let mut authorise = Vec::new();
    let mut close = Vec::new();
    for row in &team_rows {
        let Some((id, d)) = ChildId::parse(&row.child_id)
            .ok()
            .and_then(|id| due.get(&id).cloned().map(|d| (id, d)))
        else {
            continue;
        };
        for started in &d.awaiting_authorisation {
            authorise.push(ToAuthorise {
                child: row.child_id.clone(),
                name: row.display_name.clone(),
                worker: worker_name(row),
                started: started.clone(),
                version: versions.get(&id).copied().unwrap_or(0),
            });
        }
        if d.could_close {
            close.push(ToClose {
                child: row.child_id.clone(),
                name: row.display_name.clone(),
                worker: worker_name(row),
            });
        }
        for o in d.open.iter().filter(|o| o.overdue) {
            if let Some(w) = &row.worker_id {
                *overdue_by_worker.entry(w.clone()).or_default() += 1;
            }
            let entry = by_standard
                .entry(o.rule.clone())
                .or_insert_with(|| ByStandard {
                    summary: o.summary.clone(),
                    overdue: 0,
                    children: Vec::new(),
                });
            entry.overdue += 1;
            if !entry.children.iter().any(|(c, _)| *c == row.child_id) {
                entry
                    .children
                    .push((row.child_id.clone(), row.display_name.clone()));
            }
        }
    }
    let promise = state.app.caseload_promise().await?;
    let workers = team_workers
        .into_iter()
        .map(|(id, name)| {
            let n = open
                .iter()
                .filter(|r| r.worker_id.as_deref() == Some(id.as_str()))
                .count();
            Worker {
                name,
                open: n,
                over_promise: promise.is_some_and(|p| n > p),
                overdue: overdue_by_worker.get(id.as_str()).copied().unwrap_or(0),
            }
        })
        .collect();
    let mut standards: Vec<ByStandard> = by_standard.into_values().collect();
    standards.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then_with(|| a.summary.cmp(&b.summary))
    });
    drop(workforce);
    // Named only if the page may show the child: the address is typed by the browser.
    let name_of = |id: &str| {
        team_rows
            .iter()
            .find(|r| r.child_id == id)
            .map(|r| r.display_name.clone())
            .or_else(|| {
                waiting
                    .iter()
                    .find(|w| w.child == id)
                    .map(|w| w.name.clone())
            })
            .unwrap_or_else(|| id.to_owned())
    };
    let done = match (done.authorised, done.allocated) {
        (Some(id), _) => Some(format!("Assessment authorised for {}", name_of(&id))),
        (None, Some(id)) => Some(format!("{} allocated", name_of(&id))),
        (None, None) => None,
    };
    let page = TeamPage {
        layout: Layout::new(&state, &user),
        team: team_name,
        promise,
        waiting,
        authorise,
        close,
        done,
        workers,
        standards,
    };
    Ok(Html(page.render()?))
}
