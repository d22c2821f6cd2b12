//! A child's handovers: asking another team to take the child (with a transfer summary),
//! the receiving manager's answer (allocate, on the allocation page, or decline with a
//! reason), and cover for the worker's leave (a buddy and the case summary). The record's
//! rules decide what is accepted; `hearth-app`'s policy decides who may ask.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use hearth_app::AppError;
use hearth_app::policy::{self, Relationship, Who};
use hearth_domain::child::{ChildEvent, ChildRecord};
use hearth_domain::values::Text;
use hearth_domain::{ChildId, StaffId, TeamId};

use super::Layout;
use super::supervision::Choice;
use super::words::day;
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "handover.html")]
struct HandoverPage {
    layout: Layout,
    id: String,
    name: String,
    version: u64,
    worker: Option<(String, String)>,
    /// The waiting transfer: to which team, asked by whom and when, and its summary.
    transfer: Option<(String, String, String, String)>,
    /// The user manages the team asked.
    receiving: bool,
    cover: Option<(String, String, String)>,
    manages: bool,
    teams: Vec<Choice>,
    buddies: Vec<Choice>,
    values: BTreeMap<String, String>,
    error: Option<String>,
    done: Option<&'static str>,
}

impl HandoverPage {
    fn v(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }
}

/// What the page says after an action.
#[derive(serde::Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

fn done_words(d: &str) -> Option<&'static str> {
    Some(match d {
        "requested" => "Transfer requested: the child keeps their worker until the team allocates",
        "declined" => "Transfer declined",
        "cover" => "Cover arranged",
        "cover-ended" => "Cover ended",
        _ => return None,
    })
}

/// The page.
pub async fn page(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Result<Response, WebError> {
    let id = ChildId::parse(&id).map_err(|_| WebError::NotFound)?;
    let (read, stream) = state.app.view_child(&user, &id, "Handover").await?;
    let page = handover_page(
        &state,
        &user,
        stream.record(),
        stream.version(),
        read.relationship(),
        BTreeMap::new(),
        None,
        done.done.as_deref().and_then(done_words),
    )
    .await?;
    Ok(Html(page.render()?).into_response())
}

#[allow(clippy::too_many_arguments)]
async fn handover_page(
    state: &AppState,
    user: &User,
    record: &ChildRecord,
    version: u64,
    relationship: Relationship,
    values: BTreeMap<String, String>,
    error: Option<String>,
    done: Option<&'static str>,
) -> Result<HandoverPage, WebError> {
    let today = state.app.now().london_date();
    let workforce = state.app.workforce().await;
    let staff_name = |s: &StaffId| {
        workforce
            .staff
            .get(s)
            .map_or_else(|| s.as_str().to_owned(), |m| m.name.display())
    };
    let team_name = |t: &TeamId| {
        workforce
            .teams
            .get(t)
            .map_or_else(|| t.as_str().to_owned(), |x| x.name().to_owned())
    };
    let current = record.current_allocation();
    let mut teams: Vec<Choice> = workforce
        .teams
        .iter()
        .filter(|(t, x)| x.closed.is_none() && current.is_none_or(|a| a.team != **t))
        .map(|(t, x)| Choice {
            value: t.as_str().to_owned(),
            label: x.name().to_owned(),
        })
        .collect();
    teams.sort_by(|a, b| a.label.cmp(&b.label));
    let mut buddies: Vec<Choice> = workforce
        .staff
        .iter()
        .filter(|(s, m)| {
            m.role.holds_cases() && m.in_post_on(today) && current.is_some_and(|a| a.worker != **s)
        })
        .map(|(s, m)| Choice {
            value: s.as_str().to_owned(),
            label: format!("{} ({})", m.name.display(), team_name(&m.team)),
        })
        .collect();
    // The worker's own team first, then everyone else, each by name.
    let own = current.map(|a| team_name(&a.team)).unwrap_or_default();
    buddies.sort_by(|a, b| {
        (!a.label.ends_with(&format!("({own})")), &a.label)
            .cmp(&(!b.label.ends_with(&format!("({own})")), &b.label))
    });
    let transfer = record.pending_transfer();
    Ok(HandoverPage {
        layout: Layout::new(state, user),
        id: record.id.as_str().to_owned(),
        name: record
            .details
            .as_ref()
            .map_or_else(|| record.id.as_str().to_owned(), |d| d.name.display()),
        version,
        worker: current.map(|a| (staff_name(&a.worker), team_name(&a.team))),
        transfer: transfer.map(|t| {
            (
                team_name(&t.to_team),
                staff_name(&t.requested_by),
                day(t.mark.date()),
                t.summary.as_str().to_owned(),
            )
        }),
        receiving: transfer.is_some_and(|t| t.to_team == user.team) && user.role.is_manager(),
        cover: record.current_cover().map(|c| {
            (
                staff_name(&c.buddy),
                day(c.until),
                staff_name(&c.arranged_by),
            )
        }),
        manages: policy::may_record(Who::Managers, user, relationship),
        teams,
        buddies,
        values,
        error,
        done,
    })
}

/// The page's forms: `action` is `request`, `decline`, `cover` or `end-cover`.
pub async fn submit(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    Form(values): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let id = ChildId::parse(&id).map_err(|_| WebError::NotFound)?;
    user.check_form(values.get("csrf").map_or("", String::as_str))?;
    let (read, stream) = state.app.view_child(&user, &id, "Handover").await?;
    let write = policy::to_record(&user, &read, Who::Managers).ok_or(WebError::NotFound)?;
    let get = |k: &str| values.get(k).map_or("", |v| v.trim());
    let version: u64 = get("version").parse().map_err(|_| {
        WebError::BadRequest("The form is incomplete: reload the page and try again.".into())
    })?;
    let text = |k: &str, what: &str| Text::parse(get(k)).map_err(|_| format!("Enter {what}"));
    let built: Result<(ChildEvent, &str), String> = match get("action") {
        "request" => TeamId::parse(get("to_team"))
            .map_err(|_| "Choose the team to ask".to_owned())
            .and_then(|to_team| {
                Ok((
                    ChildEvent::TransferRequested {
                        to_team,
                        requested_by: user.staff.clone(),
                        summary: text("summary", "the transfer summary")?,
                    },
                    "requested",
                ))
            }),
        "decline" => text("reason", "the reason for declining").map(|reason| {
            (
                ChildEvent::TransferDeclined {
                    declined_by: user.staff.clone(),
                    reason,
                },
                "declined",
            )
        }),
        "cover" => StaffId::parse(get("buddy"))
            .map_err(|_| "Choose the buddy".to_owned())
            .and_then(|buddy| {
                let until = super::record::date_of(get("day"), get("month"), get("year"))
                    .ok_or_else(|| "Enter the worker's return as a real date".to_owned())?;
                Ok((
                    ChildEvent::CoverArranged {
                        buddy,
                        until,
                        arranged_by: user.staff.clone(),
                        summary: text("summary", "the case summary for the buddy")?,
                    },
                    "cover",
                ))
            }),
        "end-cover" => Ok((ChildEvent::CoverEnded {}, "cover-ended")),
        _ => return Err(WebError::NotFound),
    };
    let error = match built {
        Ok((event, done)) => match state
            .app
            .record(&write, version, vec![(state.app.now(), event)])
            .await
        {
            Ok(_) => {
                return Ok(Redirect::to(&format!(
                    "/children/{}/handover?done={done}",
                    id.as_str()
                ))
                .into_response());
            }
            Err(AppError::Refused { reason, .. }) => {
                format!("This cannot be recorded: {}.", super::words::dates_in(&reason))
            }
            Err(AppError::Stale { .. }) => {
                "Someone recorded on this child's record after the page was opened. Check it, then try again.".to_owned()
            }
            Err(e) => return Err(e.into()),
        },
        Err(message) => message,
    };
    let page = handover_page(
        &state,
        &user,
        stream.record(),
        stream.version(),
        read.relationship(),
        values.clone(),
        Some(error),
        None,
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}
