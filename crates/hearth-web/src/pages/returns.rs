//! The statutory returns from a page: the performance analyst (or the head of service or
//! assistant director) asks for the CIN census, the SSDA903 or Annex A, sees how far the
//! build has got, and downloads it. Who may do this, the builds and the logging of each
//! download are `hearth-app`'s (`policy::to_download_returns`, `App::start_return`,
//! `App::download_return`).

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use hearth_app::policy::{ReturnsPermit, to_download_returns};
use hearth_app::returns::{BuildState, ReturnRequest};
use hearth_returns::CollectionYear;
use serde::Deserialize;

use super::Layout;
use super::words::moment;
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;

/// A build, as the page lists it.
pub struct BuildRow {
    pub id: u64,
    pub title: String,
    pub started: String,
    /// Where it has got to, in words.
    pub state: String,
    /// Whether it can be downloaded.
    pub ready: bool,
    pub building: bool,
}

/// A problem with the form, by field.
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

#[derive(Template)]
#[template(path = "returns.html")]
struct ReturnsPage {
    layout: Layout,
    builds: Vec<BuildRow>,
    any_building: bool,
    problems: Vec<Problem>,
    values: BTreeMap<String, String>,
    this_year: String,
    started: Option<u64>,
}

impl ReturnsPage {
    fn value(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }

    fn problem(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.as_str())
    }

    fn kind_is(&self, kind: &str) -> bool {
        self.values.get("kind").is_some_and(|k| k == kind)
    }
}

fn permit(user: &User) -> Result<ReturnsPermit, WebError> {
    to_download_returns(user).ok_or(WebError::NotFound)
}

fn rows(state: &AppState, permit: &ReturnsPermit) -> Vec<BuildRow> {
    state
        .app
        .return_builds(permit)
        .into_iter()
        .map(|b| {
            let (words, ready, building) = match &b.state {
                BuildState::Building { done, total } => (
                    if *total == 0 {
                        "Starting".to_owned()
                    } else {
                        format!(
                            "Building: {}% ({done} of {total} children read)",
                            done * 100 / total
                        )
                    },
                    false,
                    true,
                ),
                BuildState::Ready(file) => (format!("Ready: {}", file.summary), true, false),
                BuildState::Failed => (
                    "It could not be built; the reason is in the server's log".to_owned(),
                    false,
                    false,
                ),
            };
            BuildRow {
                id: b.id,
                title: b.request.title(),
                started: moment(b.started),
                state: words,
                ready,
                building,
            }
        })
        .collect()
}

/// Which build was just started, for the banner.
#[derive(Debug, Deserialize)]
pub struct Started {
    started: Option<u64>,
}

async fn render(
    state: &AppState,
    user: &User,
    permit: &ReturnsPermit,
    values: BTreeMap<String, String>,
    problems: Vec<Problem>,
    started: Option<u64>,
) -> Result<Response, WebError> {
    let builds = rows(state, permit);
    let this_year = CollectionYear::containing(state.app.now().london_date())
        .map(|y| y.to_string())
        .unwrap_or_default();
    let page = ReturnsPage {
        layout: Layout::new(state, user),
        any_building: builds.iter().any(|b| b.building),
        builds,
        problems,
        values,
        this_year,
        started,
    };
    Ok(Html(page.render()?).into_response())
}

/// The page: the form and the builds.
pub async fn page(
    State(state): State<AppState>,
    user: User,
    Query(started): Query<Started>,
) -> Result<Response, WebError> {
    let permit = permit(&user)?;
    render(
        &state,
        &user,
        &permit,
        BTreeMap::new(),
        Vec::new(),
        started.started,
    )
    .await
}

fn date_from(values: &BTreeMap<String, String>) -> Option<NaiveDate> {
    let part = |name: &str| values.get(name).map_or("", |v| v.trim());
    super::record::date_of(part("as_at_day"), part("as_at_month"), part("as_at_year"))
}

/// Starts a build.
pub async fn start(
    State(state): State<AppState>,
    user: User,
    Form(values): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let permit = permit(&user)?;
    user.check_form(values.get("csrf").map_or("", String::as_str))?;
    let mut problems = Vec::new();
    let year = || {
        CollectionYear::parse(values.get("year").map_or("", String::as_str)).map_err(|_| Problem {
            field: "year",
            message: "Enter the collection year, such as 2025/26 or 2026".into(),
        })
    };
    let request = match values.get("kind").map(String::as_str) {
        Some("cin") => year().map(ReturnRequest::CinCensus),
        Some("ssda903") => year().map(ReturnRequest::Ssda903),
        Some("annex-a") => match date_from(&values) {
            Some(as_at) => Ok(ReturnRequest::AnnexA {
                as_at,
                postcode_areas: values
                    .get("postcode_areas")
                    .map(|v| {
                        v.split([',', ' '])
                            .map(|a| a.trim().to_uppercase())
                            .filter(|a| !a.is_empty())
                            .collect()
                    })
                    .unwrap_or_default(),
            }),
            None => Err(Problem {
                field: "as_at",
                message: "Enter the date the lists are as at, as a real date, such as 20 11 2026"
                    .into(),
            }),
        },
        _ => Err(Problem {
            field: "kind",
            message: "Select the return to build".into(),
        }),
    };
    let request = match request {
        Ok(r) => r,
        Err(p) => {
            problems.push(p);
            return render(&state, &user, &permit, values, problems, None).await;
        }
    };
    match state.app.start_return(&permit, request).await? {
        Ok(id) => Ok(Redirect::to(&format!("/returns?started={id}")).into_response()),
        Err(why) => {
            problems.push(Problem {
                field: match why {
                    hearth_app::returns::NotStarted::NoPostcodeAreas => "postcode_areas",
                    hearth_app::returns::NotStarted::NoCouncilNumber => "kind",
                },
                message: super::record::capitalised(&why.to_string()),
            });
            render(&state, &user, &permit, values, problems, None).await
        }
    }
}

/// The file of a build that is ready, logged on each child's record first.
pub async fn download(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<u64>,
) -> Result<Response, WebError> {
    let permit = permit(&user)?;
    let file = state.app.download_return(&permit, id).await?;
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.file_name))
            .map_err(WebError::internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(file.content_type),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        file.bytes.clone(),
    )
        .into_response())
}
