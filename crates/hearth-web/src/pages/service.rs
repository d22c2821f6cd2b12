//! The service view, for a head of service or an assistant director: every team's caseloads
//! against the caseload promise, the allocation queue, overdue work by team and standard,
//! supervision overdue and repeated supervision actions, each linked down to the worker's
//! supervision or the child. Who may see it is `hearth-app`'s policy.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use hearth_domain::ChildId;

use super::Layout;
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;

/// One team's line.
pub struct TeamLine {
    pub name: String,
    pub workers: usize,
    pub open: usize,
    pub over_promise: Vec<(String, usize)>,
    pub overdue: usize,
}

/// A count with the children behind it.
pub struct Standard {
    pub summary: String,
    pub overdue: usize,
    pub children: Vec<(String, String)>,
}

/// A worker whose supervision is overdue.
pub struct Late {
    pub worker: String,
    pub name: String,
    pub days: i64,
}

/// A repeated action.
pub struct Repeated {
    pub worker: String,
    pub name: String,
    pub text: String,
    pub carried: usize,
    pub child: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage {
    layout: Layout,
    /// The council's caseload promise, if it has set one.
    promise: Option<usize>,
    teams: Vec<TeamLine>,
    waiting: Vec<(String, String)>,
    standards: Vec<Standard>,
    late: Vec<Late>,
    repeated: Vec<Repeated>,
}

/// The page.
pub async fn page(State(state): State<AppState>, user: User) -> Result<Html<String>, WebError> {
    if !hearth_app::policy::may_see_service(&user) {
        return Err(WebError::NotFound);
    }
    let today = super::as_at(&state).date;
    let promise = state.app.caseload_promise().await?;
    let rows: Vec<_> = state
        .app
        .open_caseload()
        .await?
        .into_iter()
        .filter(|r| r.open_on(today))
        .collect();
    let mut due = crate::due::for_caseload(&state, &rows).await?;
    for id in state
        .app
        .hidden(&user, crate::due::restricted(&due))
        .await?
    {
        due.remove(&id);
    }
    let name_of = |id: &str| {
        rows.iter()
            .find(|r| r.child_id == id)
            .map_or_else(|| id.to_owned(), |r| r.display_name.clone())
    };
    let waiting = rows
        .iter()
        .filter(|r| r.worker_id.is_none() && r.is_open)
        .filter(|r| ChildId::parse(&r.child_id).is_ok_and(|id| due.contains_key(&id)))
        .map(|r| (r.child_id.clone(), r.display_name.clone()))
        .collect();
    let mut standards: BTreeMap<String, Standard> = BTreeMap::new();
    let mut overdue_by_team: BTreeMap<String, usize> = BTreeMap::new();
    for r in &rows {
        let Some(d) = ChildId::parse(&r.child_id).ok().and_then(|id| due.get(&id)) else {
            continue;
        };
        for o in d.open.iter().filter(|o| o.overdue) {
            if let Some(t) = &r.team_id {
                *overdue_by_team.entry(t.clone()).or_default() += 1;
            }
            let s = standards.entry(o.rule.clone()).or_insert_with(|| Standard {
                summary: o.summary.clone(),
                overdue: 0,
                children: Vec::new(),
            });
            s.overdue += 1;
            if !s.children.iter().any(|(c, _)| *c == r.child_id) {
                s.children
                    .push((r.child_id.clone(), r.display_name.clone()));
            }
        }
    }
    let files = state.app.supervision_files_unfiltered().await?;
    let workforce = state.app.workforce().await;
    let mut teams: Vec<TeamLine> = workforce
        .teams
        .iter()
        .filter(|(_, t)| t.closed.is_none())
        .map(|(id, t)| {
            let members: Vec<_> = workforce
                .staff
                .iter()
                .filter(|(_, m)| m.team == *id && m.role.holds_cases() && m.in_post_on(today))
                .collect();
            let mut over = Vec::new();
            let mut open = 0;
            for (sid, m) in &members {
                let n = rows
                    .iter()
                    .filter(|r| r.worker_id.as_deref() == Some(sid.as_str()))
                    .count();
                open += n;
                if promise.is_some_and(|p| n > p) {
                    over.push((m.name.display(), n));
                }
            }
            TeamLine {
                name: t.name().to_owned(),
                workers: members.len(),
                open,
                over_promise: over,
                overdue: overdue_by_team.get(id.as_str()).copied().unwrap_or(0),
            }
        })
        .filter(|t| t.workers > 0)
        .collect();
    teams.sort_by(|a, b| a.name.cmp(&b.name));
    let staff_name = |id: &hearth_domain::StaffId| {
        workforce
            .staff
            .get(id)
            .map_or_else(|| id.as_str().to_owned(), |m| m.name.display())
    };
    let mut late = Vec::new();
    let mut repeated = Vec::new();
    for s in &files {
        let Some(d) = &s.due else { continue };
        if let Some(days) = d.overdue_days {
            late.push(Late {
                worker: s.worker.as_str().to_owned(),
                name: staff_name(&s.worker),
                days,
            });
        }
        for a in d.actions.iter().filter(|a| a.repeated) {
            repeated.push(Repeated {
                worker: s.worker.as_str().to_owned(),
                name: staff_name(&s.worker),
                text: a.text.as_str().to_owned(),
                carried: a.carried,
                child: a
                    .child
                    .as_ref()
                    .filter(|c| due.contains_key(*c))
                    .map(|c| (c.as_str().to_owned(), name_of(c.as_str()))),
            });
        }
    }
    drop(workforce);
    late.sort_by(|a, b| b.days.cmp(&a.days).then_with(|| a.name.cmp(&b.name)));
    let mut standards: Vec<Standard> = standards.into_values().collect();
    standards.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then_with(|| a.summary.cmp(&b.summary))
    });
    let page = ServicePage {
        layout: Layout::new(&state, &user),
        promise,
        teams,
        waiting,
        standards,
        late,
        repeated,
    };
    Ok(Html(page.render()?))
}
