//! Search for a child by name (tolerant of spelling), date of birth or identifier. Only
//! children the user may see are listed, so a search cannot reveal who else is known.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use hearth_domain::{ChildId, StreamKind};
use hearth_store::search::{Query as SearchQuery, rank};
use serde::Deserialize;

use super::Layout;
use crate::access::relationship;
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;

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
    found: Vec<Found>,
}

/// The page.
pub async fn page(
    State(state): State<AppState>,
    user: User,
    Query(params): Query<Params>,
) -> Result<Html<String>, WebError> {
    let q = params.q.trim().to_owned();
    let mut found = Vec::new();
    if !q.is_empty() {
        let query = SearchQuery::parse(&q);
        let rows = state.records.store().search_candidates(&query).await?;
        let workforce = state.workforce.read().await;
        for (_, row) in rank(rows, &query).into_iter().take(50) {
            if row.stream.kind() != StreamKind::Child {
                continue;
            }
            let Ok(id) = ChildId::parse(row.stream.id()) else {
                continue;
            };
            let Some(child) = crate::access::current(&state, &id).await? else {
                continue;
            };
            if relationship(&user, child.record(), &workforce).is_none() {
                continue;
            }
            found.push(Found {
                id: id.as_str().to_owned(),
                name: row.display_name.clone(),
                born: row
                    .date_of_birth
                    .map(|d| d.format("%-d %B %Y").to_string())
                    .unwrap_or_default(),
                postcode: row.postcode.clone().unwrap_or_default(),
            });
        }
    }
    let page = SearchPage {
        layout: Layout::new(&state, &user),
        searched: !q.is_empty(),
        q,
        found,
    };
    Ok(Html(page.render()?))
}
