//! My work: the user's caseload, most urgent first, with each child's overdue and due-soon
//! items; for a team manager, the team's children the same way, and assessments waiting for
//! their authorisation.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};

use hearth_domain::ChildId;

use super::Layout;
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
    /// What managers returned to the user: child, name, what, when.
    returned: Vec<(String, String, String, String)>,
    shows_team: bool,
    /// After saving something that took the child out of the user's sight, what was saved.
    done: Option<&'static str>,
    /// A role that holds no cases (it oversees the service, or chairs conferences and
    /// reviews): My work points to its pages first, and shows no empty caseload.
    oversees: bool,
    /// What audits ask of the user (practice assurance), and safety concerns they were told of.
    audit_items: Vec<super::assurance::OwedRow>,
    concerns: Vec<super::assurance::OwedRow>,
    /// Supervision actions, escalations and alerts (`my_work_oversight.rs`).
    oversight: super::my_work_oversight::Sections,
}

/// The page's query: after recording, what was recorded.
#[derive(serde::Deserialize)]
pub struct Params {
    recorded: Option<String>,
}

fn status_words(s: &str) -> &'static str {
    match s {
        "looked_after" => "Looked after",
        "cp_plan" => "Child protection plan",
        "cin_plan" => "Child in need plan",
        "assessment" => "Assessment",
        "assessed" => "Assessed",
        "referral" => "Referral",
        "care_leaver" => "Care leaver",
        _ => "Open",
    }
}

/// The page.
pub async fn page(
    State(state): State<AppState>,
    user: User,
    Query(params): Query<Params>,
) -> Result<Response, WebError> {
    // An administrator holds no cases and sees no child: their work is the accounts.
    if hearth_app::policy::may_manage_accounts(&user) {
        return Ok(Redirect::to("/accounts").into_response());
    }
    // The QA lead's work starts from practice assurance.
    if hearth_app::policy::lands_on_assurance(&user) {
        return Ok(Redirect::to("/assurance").into_response());
    }
    let (audit_items, concerns) = super::assurance::owed(&state, &user).await?;
    let shows_team = hearth_app::policy::works_the_team_caseload(&user);
    let rows = if shows_team {
        state.app.team_caseload(&user.team).await?
    } else {
        state.app.caseload(Some(&user.staff)).await?
    };
    let today = super::as_at(&state).date;
    let rows: Vec<_> = rows.into_iter().filter(|r| r.open_on(today)).collect();
    let mut due = crate::due::for_caseload(&state, &rows).await?;
    // A child without a summary is not listed.
    for id in state
        .app
        .hidden(&user, crate::due::restricted(&due))
        .await?
    {
        due.remove(&id);
    }
    let workforce = state.app.workforce().await;
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
    let shown: Vec<ChildId> = cases
        .iter()
        .filter_map(|c| ChildId::parse(&c.child).ok())
        .collect();
    let returned = state
        .app
        .returned_to_worker(&user.staff, &shown)
        .await?
        .into_iter()
        .map(|r| {
            let name = cases
                .iter()
                .find(|c| c.child == r.child.as_str())
                .map_or_else(String::new, |c| c.name.clone());
            (
                r.child.as_str().to_owned(),
                name,
                r.what,
                super::child::date(r.date),
            )
        })
        .collect();
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
        returned,
        shows_team,
        done: params
            .recorded
            .as_deref()
            .and_then(super::record::done_message),
        oversees: hearth_app::policy::oversees_others(&user),
        audit_items,
        concerns,
        oversight: super::my_work_oversight::sections(&state, &user).await?,
    };
    Ok(Html(page.render()?).into_response())
}
