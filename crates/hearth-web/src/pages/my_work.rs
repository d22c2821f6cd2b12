//! My work: the user's caseload, most urgent first, with each child's overdue and due-soon
//! items; for a team manager, the team's children the same way, and assessments waiting for
//! their authorisation.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use std::collections::HashMap;
use std::sync::Arc;

use hearth_domain::child::fold;
use hearth_domain::codes::StaffRole;
use hearth_domain::{ChildId, StreamId};
use hearth_store::reading;

use super::Layout;
use crate::auth::User;
use crate::due::{Due, window};
use crate::error::WebError;
use crate::state::AppState;

/// One child on a caseload.
pub struct CaseRow {
    pub child: String,
    pub name: String,
    pub status: String,
    pub worker: String,
    pub overdue: usize,
    pub due_soon: usize,
    /// The most urgent item, if anything is overdue or due soon: what, status, tag.
    pub first: Option<(String, String, &'static str)>,
    urgency: (u8, i64),
}

#[derive(Template)]
#[template(path = "my_work.html")]
struct MyWork {
    layout: Layout,
    heading: String,
    cases: Vec<CaseRow>,
    authorisations: Vec<(String, String, String)>,
    shows_team: bool,
}

fn status_words(s: &str) -> &'static str {
    match s {
        "looked_after" => "Looked after",
        "cp_plan" => "Child protection plan",
        "cin_plan" => "Child in need plan",
        "assessment" => "Assessment",
        "referral" => "Referral",
        "care_leaver" => "Care leaver",
        _ => "Open",
    }
}

/// The page. Children whose summary is kept for this window cost one query for their
/// versions; the rest are read, folded and evaluated a batch at a time.
pub async fn page(State(state): State<AppState>, user: User) -> Result<Html<String>, WebError> {
    let store = state.records.store();
    let shows_team = user.role == StaffRole::TeamManager;
    let rows = if shows_team {
        store.team_caseload(user.team.as_str()).await?
    } else {
        store.caseload(Some(user.staff.as_str())).await?
    };
    let rows: Vec<_> = rows.into_iter().filter(|r| r.status != "closed").collect();
    let ids: Vec<ChildId> = rows
        .iter()
        .filter_map(|r| ChildId::parse(&r.child_id).ok())
        .collect();
    let streams: Vec<StreamId> = ids.iter().map(StreamId::child).collect();
    let versions: HashMap<String, u64> = store
        .stream_versions(&streams)
        .await?
        .into_iter()
        .map(|v| (v.stream, v.version))
        .collect();
    let window = window(state.clock.now());
    let mut due: HashMap<ChildId, Arc<Due>> = HashMap::new();
    let mut misses = Vec::new();
    for (id, stream) in ids.iter().zip(&streams) {
        let version = versions.get(&stream.to_string()).copied().unwrap_or(0);
        match state.due.get(id, version, window.0) {
            Some(d) => {
                due.insert(id.clone(), d);
            }
            None => misses.push(stream.clone()),
        }
    }
    let workforce = state.workforce.read().await;
    for chunk in misses.chunks(reading::BATCH) {
        for (id, events) in reading::children_events(store, chunk).await? {
            let record = fold(&id, &events);
            let d = state.due.evaluate(
                &record,
                events.len() as u64,
                window,
                &state.ruleset,
                &state.calendar,
                &workforce,
            )?;
            due.insert(id, d);
        }
    }
    let mut cases = Vec::with_capacity(rows.len());
    let mut authorisations = Vec::new();
    for row in &rows {
        let Some(d) = ChildId::parse(&row.child_id)
            .ok()
            .and_then(|id| due.get(&id).cloned())
        else {
            continue;
        };
        let worker = row
            .worker_id
            .as_deref()
            .and_then(|w| hearth_domain::StaffId::parse(w).ok())
            .and_then(|w| workforce.staff.get(&w))
            .map_or_else(|| "Not allocated".to_owned(), |w| w.name.display());
        if shows_team {
            for started in &d.awaiting_authorisation {
                authorisations.push((
                    row.child_id.clone(),
                    row.display_name.clone(),
                    started.clone(),
                ));
            }
        }
        cases.push(CaseRow {
            urgency: d.urgency,
            child: row.child_id.clone(),
            name: row.display_name.clone(),
            status: status_words(&row.status).to_owned(),
            worker,
            overdue: d.overdue,
            due_soon: d.due_soon,
            first: d
                .open
                .first()
                .filter(|o| o.overdue || o.tag == "govuk-tag--yellow")
                .map(|o| (o.summary.clone(), o.status.clone(), o.tag)),
        });
    }
    drop(workforce);
    cases.sort_by(|a, b| a.urgency.cmp(&b.urgency).then_with(|| a.name.cmp(&b.name)));
    let heading = if shows_team {
        "My team's work".to_owned()
    } else {
        "My work".to_owned()
    };
    let page = MyWork {
        layout: Layout::new(&state, &user),
        heading,
        cases,
        authorisations,
        shows_team,
    };
    Ok(Html(page.render()?))
}
