//! My work: the user's caseload, most urgent first, with each child's overdue and due-soon
//! items; for a team manager, the team's children the same way, and assessments waiting for
//! their authorisation.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use hearth_domain::ChildId;
use hearth_domain::child::fold;
use hearth_domain::codes::StaffRole;
use hearth_store::reading;

use super::{Layout, ObligationRow, as_at, urgency};
use crate::auth::User;
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
    pub items: Vec<ObligationRow>,
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

/// The page.
pub async fn page(State(state): State<AppState>, user: User) -> Result<Html<String>, WebError> {
    let store = state.records.store();
    let shows_team = user.role == StaffRole::TeamManager;
    let rows = if shows_team {
        store
            .caseload(None)
            .await?
            .into_iter()
            .filter(|r| r.team_id.as_deref() == Some(user.team.as_str()))
            .collect()
    } else {
        store.caseload(Some(user.staff.as_str())).await?
    };
    let rows: Vec<_> = rows.into_iter().filter(|r| r.status != "closed").collect();
    let streams: Vec<_> = rows
        .iter()
        .filter_map(|r| ChildId::parse(&r.child_id).ok())
        .map(|id| hearth_domain::StreamId::child(&id))
        .collect();
    let as_at = as_at(&state);
    let workforce = state.workforce.read().await;
    let mut cases = Vec::with_capacity(rows.len());
    let mut authorisations = Vec::new();
    for chunk in streams.chunks(reading::BATCH) {
        for (id, events) in reading::children_events(store, chunk).await? {
            let record = fold(&id, &events);
            let Some(row) = rows.iter().find(|r| r.child_id == id.as_str()) else {
                continue;
            };
            let evaluation = hearth_standards::evaluate(
                &record,
                &state.ruleset,
                &state.calendar,
                as_at,
                &*workforce,
            )
            .map_err(|e| WebError::Internal(e.to_string()))?;
            let mut items: Vec<_> = evaluation
                .obligations
                .iter()
                .filter_map(|o| urgency(o).map(|u| (u, o)))
                .collect();
            items.sort_by_key(|(u, _)| *u);
            let overdue = items.iter().filter(|(u, _)| u.0 == 0).count();
            let due_soon = items.len() - overdue;
            let worker = row
                .worker_id
                .as_deref()
                .and_then(|w| hearth_domain::StaffId::parse(w).ok())
                .and_then(|w| workforce.staff.get(&w))
                .map_or_else(|| "Not allocated".to_owned(), |w| w.name.display());
            if shows_team && let Some(episode) = record.open_episode() {
                for a in &episode.assessments {
                    if a.completion.is_some() && a.authorisation.is_none() {
                        authorisations.push((
                            id.as_str().to_owned(),
                            row.display_name.clone(),
                            a.start.date().format("%-d %b %Y").to_string(),
                        ));
                    }
                }
            }
            cases.push(CaseRow {
                urgency: items.first().map_or((2, 0), |(u, _)| *u),
                child: id.as_str().to_owned(),
                name: row.display_name.clone(),
                status: status_words(&row.status).to_owned(),
                worker,
                overdue,
                due_soon,
                items: items
                    .iter()
                    .take(5)
                    .map(|(_, o)| ObligationRow::new(o))
                    .collect(),
            });
        }
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
