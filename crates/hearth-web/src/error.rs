//! The one mapping from failures to HTTP. Internals are logged (with `tracing`, inside the
//! request's span, with their source) under a reference, and the page shows only the
//! reference. The mapping decides a status, a title and a message; the page is HTML now, and
//! an API will render the same triple as JSON.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No such page or record, or one the user may not see: the two look the same.
    #[error("not found")]
    NotFound,
    /// The request cannot be acted on, with a reason to show.
    #[error("{0}")]
    BadRequest(String),
    /// A form without a valid anti-forgery token.
    #[error("the form has expired")]
    Forgery,
    /// Anything else: logged with its source, never shown.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl WebError {
    /// An internal failure, kept with its source for the log.
    pub fn internal(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> WebError {
        WebError::Internal(e.into())
    }
}

impl From<hearth_app::AppError> for WebError {
    fn from(e: hearth_app::AppError) -> Self {
        use hearth_app::AppError;
        match e {
            AppError::NotFound => WebError::NotFound,
            other => WebError::Internal(Box::new(other)),
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(Box::new(e))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
    reference: Option<String>,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, title, message, reference) = match &self {
            WebError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "If you typed the web address, check it is correct. If you followed a link to a child's record, you may not have access to it: ask your manager.",
                None,
            ),
            WebError::BadRequest(m) => (
                StatusCode::BAD_REQUEST,
                "There is a problem",
                m.as_str(),
                None,
            ),
            WebError::Forgery => (
                StatusCode::FORBIDDEN,
                "The form has expired",
                "Go back, reload the page and try again. Nothing was saved.",
                None,
            ),
            WebError::Internal(source) => {
                let reference = reference();
                tracing::error!(%reference, error = %Chain(source.as_ref()), "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, there is a problem with the service",
                    "Nothing was changed. Try again later, and if it happens again tell the service desk the reference below.",
                    Some(reference),
                )
            }
        };
        let page = ErrorPage {
            title,
            message,
            reference,
        };
        let mut response = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, title.to_owned()).into_response(),
        };
        if matches!(self, WebError::NotFound) {
            response.extensions_mut().insert(NotFoundPage);
        }
        response
    }
}

/// Marks the plain "Page not found", so that a signed-in user gets it with the header.
#[derive(Clone, Copy)]
struct NotFoundPage;

#[derive(Template)]
#[template(path = "not_found.html")]
struct SignedInNotFound {
    layout: crate::pages::Layout,
}

/// "Page not found" for someone signed in keeps the service's header, its menu and Sign out:
/// the error is made where no user is known, so it is dressed here, on the way out.
pub async fn signed_in_not_found(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use axum::extract::FromRequestParts;
    let (mut parts, body) = request.into_parts();
    let user = crate::auth::User::from_request_parts(&mut parts, &state)
        .await
        .ok();
    let response = next
        .run(axum::extract::Request::from_parts(parts, body))
        .await;
    match user {
        Some(user) if response.extensions().get::<NotFoundPage>().is_some() => {
            let page = SignedInNotFound {
                layout: crate::pages::Layout::new(&state, &user),
            };
            match page.render() {
                Ok(html) => (StatusCode::NOT_FOUND, Html(html)).into_response(),
                Err(_) => response,
            }
        }
        _ => response,
    }
}

/// A short random reference that ties the page a user saw to the log line.
fn reference() -> String {
    let mut bytes = [0u8; 5];
    // Without randomness the reference is all zeros, which still shows an error happened.
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// An error and its sources, one after another, for the log.
struct Chain<'a>(&'a (dyn std::error::Error + 'static));

impl std::fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut next = self.0.source();
        while let Some(e) = next {
            write!(f, ": {e}")?;
            next = e.source();
        }
        Ok(())
    }
}
