//! Authorising a completed assessment from the team view's queue. The button posts the
//! record's version as the queue read it, so an assessment changed since is not authorised
//! unseen; the record's own rules decide whether there is anything to authorise.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use hearth_domain::ChildId;
use hearth_domain::child::ChildEvent;

use super::Layout;
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;
use hearth_app::AppError;
use hearth_app::policy::to_authorise;

#[derive(Template)]
#[template(path = "authorise.html")]
struct Refused {
    layout: Layout,
    id: String,
    name: String,
    reason: String,
}

/// The queue's button.
pub async fn submit(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    Form(values): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let id = ChildId::parse(&id).map_err(|_| WebError::NotFound)?;
    user.check_form(values.get("csrf").map_or("", String::as_str))?;
    let (permit, stream) = state
        .app
        .view_child(&user, &id, "Authorise an assessment")
        .await?;
    let write = to_authorise(&user, &permit).ok_or(WebError::NotFound)?;
    let name = stream
        .record()
        .details
        .as_ref()
        .map_or_else(|| id.as_str().to_owned(), |d| d.name.display());
    let version = values
        .get("version")
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| {
            WebError::BadRequest("The form is incomplete: reload the page and try again.".into())
        })?;
    let now = state.app.now();
    let authorised = ChildEvent::AssessmentAuthorised {
        manager: user.staff.clone(),
    };
    let reason = match state
        .app
        .record(&write, version, vec![(now, authorised)])
        .await
    {
        Ok(_) => {
            return Ok(
                Redirect::to(&format!("/team?authorised={}#authorisation", id.as_str()))
                    .into_response(),
            );
        }
        Err(AppError::Refused { reason, .. }) => {
            format!(
                "The assessment cannot be authorised: {}.",
                super::words::dates_in(&reason)
            )
        }
        Err(AppError::Stale { .. }) => "Someone recorded on this child's record after the queue was opened. Open the record to check what changed, then authorise from the team view again.".to_owned(),
        Err(e) => return Err(e.into()),
    };
    let page = Refused {
        layout: Layout::new(&state, &user),
        id: id.as_str().to_owned(),
        name,
        reason,
    };
    Ok((StatusCode::CONFLICT, Html(page.render()?)).into_response())
}
