//! Search for a child by name (tolerant of spelling), date of birth or identifier. Only
//! children the user may see are listed, so a search cannot reveal who else is known.
//!
//! What the user may see is decided for every candidate the store finds, before ranking and
//! before the list is cut: a common surname matches hundreds of children, and cutting first
//! would leave out the ones the user works with. The count is of every match the user may
//! see, not of those listed.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use hearth_app::search::{Query as SearchQuery, rank};
use hearth_domain::{ChildId, StreamKind};
use serde::Deserialize;

use super::Layout;
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;
use hearth_app::policy::sees;

/// The most children listed: the closest matches, the rest counted.
pub const LISTED: usize = 50;

/// The search form's field.
#[derive(Deserialize)]
pub struct Params {
    #[serde(default)]
    q: String,
}

/// A child found.
pub struct Found {
    pub id: String,
    pub name: String,
    pub born: String,
    pub postcode: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    searched: bool,
    /// The search matched too many records to weigh; it must be narrowed.
    too_broad: bool,
    /// Every match the user may see.
    total: usize,
    /// The closest of them, at most [`LISTED`].
    found: Vec<Found>,
}

/// The children matching `q` that `user` may see, closest first: how many, and the first
/// [`LISTED`]. `None` when the search is too broad to answer.
async fn matches(
    state: &AppState,
    user: &User,
    q: &str,
) -> Result<Option<(usize, Vec<Found>)>, WebError> {
    let mut query = SearchQuery::parse(q);
    query.kind = Some(StreamKind::Child);
    let rows = state.app.search_candidates(&query).await?;
    if query.too_broad(rows.len()) {
        return Ok(None);
    }
    let ids: Vec<ChildId> = rows
        .iter()
        .filter_map(|r| ChildId::parse(r.stream.id()).ok())
        .collect();
    let sights = state.app.sights(&ids).await?;
    let workforce = state.app.workforce().await;
    let seen: Vec<_> = rows
        .into_iter()
        .filter(|r| {
            ChildId::parse(r.stream.id())
                .ok()
                .and_then(|id| sights.get(&id))
                .is_some_and(|s| sees(user, s, &workforce).is_some())
        })
        .collect();
    drop(workforce);
    let ranked = rank(seen, &query);
    let total = ranked.len();
    let found = ranked
        .into_iter()
        .take(LISTED)
        .map(|(_, row)| Found {
            id: row.stream.id().to_owned(),
            name: row.display_name,
            born: row
                .date_of_birth
                .map(|d| d.format("%-d %B %Y").to_string())
                .unwrap_or_default(),
            postcode: row.postcode.unwrap_or_default(),
        })
        .collect();
    Ok(Some((total, found)))
}

/// The page.
pub async fn page(
    State(state): State<AppState>,
    user: User,
    Query(params): Query<Params>,
) -> Result<Html<String>, WebError> {
    let q = params.q.trim().to_owned();
    let (mut too_broad, mut total, mut found) = (false, 0, Vec::new());
    if !q.is_empty() {
        match matches(&state, &user, &q).await? {
            Some((t, f)) => (total, found) = (t, f),
            None => too_broad = true,
        }
    }
    let page = SearchPage {
        layout: Layout::new(&state, &user),
        searched: !q.is_empty(),
        q,
        too_broad,
        total,
        found,
    };
    Ok(Html(page.render()?))
}
