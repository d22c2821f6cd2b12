//! Sign-in with local accounts, the session cookie, and the anti-forgery token every
//! state-changing form carries. The decisions (the password, throttling, whether a session
//! still stands) are `hearth-app`'s (`hearth_app::identity`); this module reads and sets
//! cookies and shows the forms.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, FromRef, FromRequestParts, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use hearth_app::Principal;
use hearth_app::identity::SignInOutcome;
use serde::Deserialize;

use crate::error::WebError;
use crate::security::{token, tokens_match};
use crate::state::AppState;

/// The session's cookie. Over HTTPS it carries the `__Host-` prefix, which a browser
/// accepts only from a secure origin, with `Path=/` and no `Domain`: no other site or path
/// can set or shadow it.
fn session_cookie(secure: bool) -> &'static str {
    if secure {
        "__Host-hearth_session"
    } else {
        "hearth_session"
    }
}

/// The sign-in form's anti-forgery cookie, named as the session's is.
fn sign_in_cookie(secure: bool) -> &'static str {
    if secure {
        "__Host-hearth_sign_in"
    } else {
        "hearth_sign_in"
    }
}

/// The person signed in, as the request found them: who is acting (every decision is made
/// on the [`Principal`], which the user dereferences to), with what the pages show.
#[derive(Debug, Clone)]
pub struct User {
    /// Who is acting, as the workforce says on this request.
    pub principal: Principal,
    /// Name as shown.
    pub name: String,
    /// The session's anti-forgery token, for forms.
    pub csrf: String,
    /// The account signed in with.
    pub username: String,
    /// The session's id (on "Your sessions").
    pub session: String,
}

impl std::ops::Deref for User {
    type Target = Principal;

    fn deref(&self) -> &Principal {
        &self.principal
    }
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn set_cookie(
    name: &str,
    value: &str,
    max_age: Option<u64>,
    secure: bool,
) -> Result<HeaderValue, WebError> {
    // Lax, not Strict, so that a link to a child's record from an email opens signed in;
    // every form that changes anything carries its own anti-forgery token.
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).map_err(WebError::internal)
}

/// Pages that need a signed-in user take this; without one, the browser is sent to sign in.
impl<S> FromRequestParts<S> for User
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<User, Response> {
        let state = AppState::from_ref(state);
        let to_sign_in = || Redirect::to("/sign-in").into_response();
        let name = session_cookie(state.settings.secure_cookies);
        let token = cookie(&parts.headers, name).ok_or_else(to_sign_in)?;
        // Whether the session stands is asked of the store and the workforce on every
        // request: a leaver, a disabled account, a new password or a new role or team ends
        // it at once, on whichever node the request reaches.
        let signed_in = match state.app.session(&token).await {
            Ok(Some(s)) => s,
            Ok(None) => return Err(to_sign_in()),
            Err(e) => return Err(WebError::from(e).into_response()),
        };
        let name = {
            let workforce = state.app.workforce().await;
            workforce
                .staff
                .get(&signed_in.principal.staff)
                .map_or_else(String::new, |m| m.name.display())
        };
        Ok(User {
            principal: signed_in.principal,
            name,
            csrf: signed_in.csrf,
            username: signed_in.username,
            session: signed_in.session,
        })
    }
}

impl User {
    /// Refuses a form whose anti-forgery token is not this session's.
    pub fn check_form(&self, submitted: &str) -> Result<(), WebError> {
        if tokens_match(&self.csrf, submitted) {
            Ok(())
        } else {
            Err(WebError::Forgery)
        }
    }
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    csrf: String,
    username: String,
    error: Option<String>,
}

/// The sign-in form. Its anti-forgery token is also set as a cookie, and the two must match
/// when the form comes back.
pub async fn sign_in_page(State(state): State<AppState>) -> Result<Response, WebError> {
    let csrf = token().map_err(WebError::internal)?;
    let page = SignInPage {
        csrf: csrf.clone(),
        username: String::new(),
        error: None,
    };
    let secure = state.settings.secure_cookies;
    let cookie = set_cookie(sign_in_cookie(secure), &csrf, None, secure)?;
    Ok(([(SET_COOKIE, cookie)], Html(page.render()?)).into_response())
}

/// The sign-in form's fields.
#[derive(Deserialize)]
pub struct SignInForm {
    username: String,
    password: String,
    csrf: String,
}

/// Where a request came from, for throttling sign-in by address. Behind a reverse proxy
/// this is the proxy's address (see `docs/security.md`).
fn client_address(parts_extensions: &axum::http::Extensions) -> String {
    parts_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

/// Checks the username and password; on success starts a session and goes to My work.
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    let secure = state.settings.secure_cookies;
    let expected = cookie(&headers, sign_in_cookie(secure)).unwrap_or_default();
    if !tokens_match(&expected, &form.csrf) {
        return Err(WebError::Forgery);
    }
    let username = form.username.trim().to_lowercase();
    let user_agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let outcome = state
        .app
        .sign_in(
            &username,
            &form.password,
            &client_address(&extensions),
            user_agent,
        )
        .await?;
    let (status, error) = match outcome {
        SignInOutcome::Started(new) => {
            let mut response = Redirect::to("/").into_response();
            let h = response.headers_mut();
            h.append(
                SET_COOKIE,
                set_cookie(session_cookie(secure), &new.token, None, secure)?,
            );
            h.append(
                SET_COOKIE,
                set_cookie(sign_in_cookie(secure), "", Some(0), secure)?,
            );
            return Ok(response);
        }
        SignInOutcome::Refused => (
            StatusCode::UNAUTHORIZED,
            "Enter a correct username and password".to_owned(),
        ),
        SignInOutcome::Throttled(wait) => (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "There have been too many failed attempts to sign in: wait {} and try again",
                wait_in_words(wait)
            ),
        ),
        SignInOutcome::Locked => (
            StatusCode::FORBIDDEN,
            "This account is locked after too many failed attempts to sign in: ask an administrator to unlock it".to_owned(),
        ),
    };
    let page = SignInPage {
        csrf: form.csrf,
        username: form.username,
        error: Some(error),
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// A wait, rounded up to whole seconds or minutes.
fn wait_in_words(wait: std::time::Duration) -> String {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    match secs {
        0 | 1 => "a second".to_owned(),
        s if s < 60 => format!("{s} seconds"),
        s => {
            let minutes = s.div_ceil(60);
            if minutes == 1 {
                "a minute".to_owned()
            } else {
                format!("{minutes} minutes")
            }
        }
    }
}

/// The sign-out form's fields.
#[derive(Deserialize)]
pub struct SignOutForm {
    csrf: String,
}

/// Ends the session.
pub async fn sign_out(
    State(state): State<AppState>,
    user: User,
    headers: HeaderMap,
    Form(form): Form<SignOutForm>,
) -> Result<Response, WebError> {
    user.check_form(&form.csrf)?;
    let secure = state.settings.secure_cookies;
    if let Some(t) = cookie(&headers, session_cookie(secure)) {
        state.app.sign_out(&t).await?;
    }
    let mut response = Redirect::to("/sign-in").into_response();
    response.headers_mut().append(
        SET_COOKIE,
        set_cookie(session_cookie(secure), "", Some(0), secure)?,
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_rounded_up_into_words() {
        assert_eq!(
            wait_in_words(std::time::Duration::from_millis(300)),
            "a second"
        );
        assert_eq!(
            wait_in_words(std::time::Duration::from_secs(8)),
            "8 seconds"
        );
        assert_eq!(
            wait_in_words(std::time::Duration::from_secs(61)),
            "2 minutes"
        );
        assert_eq!(
            wait_in_words(std::time::Duration::from_secs(60)),
            "a minute"
        );
    }

    #[test]
    fn secure_cookies_carry_the_host_prefix() {
        let c = set_cookie(session_cookie(true), "t", None, true).unwrap();
        let c = c.to_str().unwrap();
        assert!(c.starts_with("__Host-hearth_session=t;"), "{c}");
        for part in ["Path=/", "HttpOnly", "SameSite=Lax", "Secure"] {
            assert!(c.contains(part), "{c} lacks {part}");
        }
        assert!(!c.contains("Domain"), "{c}");
    }
}
