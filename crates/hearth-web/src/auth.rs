//! Sign-in with local accounts (argon2id), sessions that end when idle, and the anti-forgery
//! token every state-changing form carries.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use askama::Template;
use axum::Form;
use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Redirect, Response};
use hearth_app::Principal;
use hearth_domain::{StaffId, Timestamp};
use serde::Deserialize;

use crate::error::WebError;
use crate::security::{token, tokens_match};
use crate::state::AppState;

const SESSION_COOKIE: &str = "hearth_session";
const SIGN_IN_COOKIE: &str = "hearth_sign_in";

/// Hashes a password with argon2id and a random salt, in PHC string format.
pub fn hash_password(password: &str) -> Result<String, WebError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(WebError::internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| WebError::internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::internal(e.to_string()))
}

/// Whether a password matches a stored hash. A malformed hash matches nothing.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
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
}

impl std::ops::Deref for User {
    type Target = Principal;

    fn deref(&self) -> &Principal {
        &self.principal
    }
}

#[derive(Debug, Clone)]
struct Session {
    user: User,
    /// The account signed in with, so that disabling it ends its sessions.
    username: String,
    last_seen: Timestamp,
}

/// Sessions held in memory: signing in again after a restart is the price of never writing
/// a session token anywhere.
pub struct Sessions {
    idle: Duration,
    by_token: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    /// No sessions yet.
    pub fn new(idle: Duration) -> Sessions {
        Sessions {
            idle,
            by_token: Mutex::new(HashMap::new()),
        }
    }

    fn start(&self, user: User, username: &str, now: Timestamp) -> Result<String, WebError> {
        let t = token().map_err(WebError::internal)?;
        let mut map = self
            .by_token
            .lock()
            .map_err(|_| WebError::internal("sessions lock poisoned"))?;
        // Forget sessions that have gone idle, so the map cannot grow without bound.
        let idle = self.idle;
        map.retain(|_, s| !expired(s.last_seen, now, idle));
        map.insert(
            t.clone(),
            Session {
                user,
                username: username.to_owned(),
                last_seen: now,
            },
        );
        Ok(t)
    }

    /// The session's user and the account they signed in with, unless it has gone idle.
    fn touch(&self, t: &str, now: Timestamp) -> Option<(User, String)> {
        let mut map = self.by_token.lock().ok()?;
        let session = map.get_mut(t)?;
        if expired(session.last_seen, now, self.idle) {
            map.remove(t);
            return None;
        }
        session.last_seen = now;
        Some((session.user.clone(), session.username.clone()))
    }

    fn end(&self, t: &str) {
        if let Ok(mut map) = self.by_token.lock() {
            map.remove(t);
        }
    }

    /// Ends every session of an account: one disabled, or given a new password, must not go
    /// on working in a browser left signed in.
    pub fn end_account(&self, username: &str) {
        if let Ok(mut map) = self.by_token.lock() {
            map.retain(|_, s| s.username != username);
        }
    }
}

fn expired(last_seen: Timestamp, now: Timestamp, idle: Duration) -> bool {
    let idle = chrono::Duration::from_std(idle).unwrap_or(chrono::Duration::MAX);
    now.utc() - last_seen.utc() > idle
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
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
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
        let now = state.app.now();
        let to_sign_in = || Redirect::to("/sign-in").into_response();
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(to_sign_in)?;
        let (mut user, username) = state.sessions.touch(&token, now).ok_or_else(to_sign_in)?;
        // Who they are is asked of the accounts and the workforce on every request, not
        // remembered from sign-in: a leaver or a disabled account is signed out at once, and
        // a new role or team counts at once.
        match state.app.signed_in(&username, &user.staff).await {
            Ok(Some(principal)) => user.principal = principal,
            Ok(None) => {
                state.sessions.end(&token);
                return Err(to_sign_in());
            }
            Err(e) => return Err(WebError::from(e).into_response()),
        }
        Ok(user)
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
    error: Option<&'static str>,
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
    let cookie = set_cookie(SIGN_IN_COOKIE, &csrf, None, state.settings.secure_cookies)?;
    Ok(([(SET_COOKIE, cookie)], Html(page.render()?)).into_response())
}

/// The sign-in form's fields.
#[derive(Deserialize)]
pub struct SignInForm {
    username: String,
    password: String,
    csrf: String,
}

/// Checks the username and password; on success starts a session and goes to My work.
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    let expected = cookie(&headers, SIGN_IN_COOKIE).unwrap_or_default();
    if !tokens_match(&expected, &form.csrf) {
        return Err(WebError::Forgery);
    }
    let username = form.username.trim().to_lowercase();
    let account = state.app.account(&username).await?;
    let now = state.app.now();
    let workforce = state.app.workforce().await;
    let user = account.filter(|a| !a.disabled).and_then(|a| {
        let staff = StaffId::parse(&a.staff_id).ok()?;
        let member = workforce.staff.get(&staff)?;
        let principal = Principal::in_post(&staff, &workforce, now.london_date());
        // The hash is checked even for someone who has left, so timing says nothing.
        let matches = verify_password(&form.password, &a.password_hash);
        principal.filter(|_| matches).map(|principal| User {
            principal,
            name: member.name.display(),
            csrf: String::new(),
        })
    });
    drop(workforce);
    let Some(mut user) = user else {
        let page = SignInPage {
            csrf: form.csrf,
            username: form.username,
            error: Some("Enter a correct username and password"),
        };
        return Ok((axum::http::StatusCode::UNAUTHORIZED, Html(page.render()?)).into_response());
    };
    user.csrf = token().map_err(WebError::internal)?;
    let session = state.sessions.start(user, &username, now)?;
    let secure = state.settings.secure_cookies;
    let mut response = Redirect::to("/").into_response();
    let h = response.headers_mut();
    h.append(
        SET_COOKIE,
        set_cookie(SESSION_COOKIE, &session, None, secure)?,
    );
    h.append(SET_COOKIE, set_cookie(SIGN_IN_COOKIE, "", Some(0), secure)?);
    Ok(response)
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
    if let Some(t) = cookie(&headers, SESSION_COOKIE) {
        state.sessions.end(&t);
    }
    let mut response = Redirect::to("/sign-in").into_response();
    response.headers_mut().append(
        SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", Some(0), state.settings.secure_cookies)?,
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_domain::TeamId;
    use hearth_domain::codes::StaffRole;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct hose", &h));
        assert!(!verify_password("correct horse", "not a hash"));
        // Salted: the same password hashes differently each time.
        assert_ne!(h, hash_password("correct horse").unwrap());
    }

    #[test]
    fn sessions_end_when_idle() {
        let sessions = Sessions::new(Duration::from_secs(60));
        let t0 = Timestamp::parse("2026-11-20T09:00:00Z").unwrap();
        let user = User {
            principal: Principal {
                staff: StaffId::parse("S1").unwrap(),
                role: StaffRole::SocialWorker,
                team: TeamId::parse("T1").unwrap(),
            },
            name: "A Worker".into(),
            csrf: "x".into(),
        };
        let t = sessions.start(user.clone(), "a.worker", t0).unwrap();
        let t1 = Timestamp::parse("2026-11-20T09:00:59Z").unwrap();
        assert!(sessions.touch(&t, t1).is_some());
        let t2 = Timestamp::parse("2026-11-20T09:02:00Z").unwrap();
        assert!(sessions.touch(&t, t2).is_none());
        assert!(sessions.touch("unknown", t0).is_none());
        // Ending an account's sessions ends only that account's.
        let mine = sessions.start(user.clone(), "a.worker", t0).unwrap();
        let theirs = sessions.start(user, "another", t0).unwrap();
        sessions.end_account("a.worker");
        assert!(sessions.touch(&mine, t1).is_none());
        assert!(sessions.touch(&theirs, t1).is_some());
    }
}
