//! "Your sessions": where the person signed in is signed in (when each session began, when
//! it was last used, and in what browser), and a form to end any of them. Only their own
//! sessions are listed or ended; the decision and the store are `hearth-app`'s.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use hearth_app::SignedIn;

use super::Layout;
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;

/// One session as listed.
pub struct SessionView {
    pub id: String,
    pub browser: String,
    pub started: String,
    pub last_seen: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsPage {
    layout: Layout,
    ended: bool,
    sessions: Vec<SessionView>,
}

/// After ending a session.
#[derive(serde::Deserialize)]
pub struct Params {
    ended: Option<String>,
}

fn signed_in(user: &User) -> SignedIn {
    SignedIn {
        principal: user.principal.clone(),
        username: user.username.clone(),
        csrf: user.csrf.clone(),
        session: user.session.clone(),
    }
}

/// A browser's description of itself, in a few words: which browser on which system. The
/// full string is kept in the store; this is only what the list shows.
pub fn browser_in_words(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(mark, _)| user_agent.contains(mark))
    .map(|(_, name)| *name);
    let system = [
        ("Windows", "Windows"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(mark, _)| user_agent.contains(mark))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} on {s}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(s)) => format!("A browser on {s}"),
        (None, None) if user_agent.trim().is_empty() => "An unnamed browser".to_owned(),
        (None, None) => user_agent.chars().take(60).collect(),
    }
}

fn when(t: hearth_domain::Timestamp) -> String {
    t.london_date_time()
        .format("%-d %B %Y at %H:%M")
        .to_string()
}

/// The list.
pub async fn page(
    State(state): State<AppState>,
    user: User,
    Query(params): Query<Params>,
) -> Result<Response, WebError> {
    let sessions = state
        .app
        .your_sessions(&signed_in(&user))
        .await?
        .into_iter()
        .map(|s| SessionView {
            browser: browser_in_words(&s.user_agent),
            started: when(s.started_at),
            last_seen: when(s.last_seen_at),
            current: s.current,
            id: s.id,
        })
        .collect();
    let page = SessionsPage {
        layout: Layout::new(&state, &user),
        ended: params.ended.is_some(),
        sessions,
    };
    Ok(Html(page.render()?).into_response())
}

/// The form's field.
#[derive(serde::Deserialize)]
pub struct EndForm {
    csrf: String,
}

/// Ends one of the person's sessions. Ending the one in use signs them out.
pub async fn end(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    Form(form): Form<EndForm>,
) -> Result<Response, WebError> {
    user.check_form(&form.csrf)?;
    if !state.app.end_your_session(&signed_in(&user), &id).await? {
        return Err(WebError::NotFound);
    }
    if id == user.session {
        return Ok(Redirect::to("/sign-in").into_response());
    }
    Ok(Redirect::to("/sessions?ended=1").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_are_named_in_a_few_words() {
        let firefox =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
        assert_eq!(browser_in_words(firefox), "Firefox on Windows");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
        assert_eq!(browser_in_words(edge), "Edge on Windows");
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
        assert_eq!(browser_in_words(safari), "Safari on iPhone");
        assert_eq!(browser_in_words(""), "An unnamed browser");
        assert_eq!(browser_in_words("curl/8.5"), "curl/8.5");
    }
}
