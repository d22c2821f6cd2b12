//! Accounts, for an administrator: every sign-in with its member of staff, and creating one,
//! disabling or enabling one, and setting a new password, so no one needs a shell. Accounts
//! are rows, not events (a password hash must be replaceable); the staff they sign in as are
//! the workforce's.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use hearth_app::queries::AccountRow;
use hearth_domain::StaffId;

use super::Layout;
use super::allocate::FieldError;
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;
use hearth_app::identity::hash_password;
use hearth_app::policy::may_manage_accounts;

/// The shortest password accepted, as for `hearth account`.
const SHORTEST_PASSWORD: usize = 12;

/// One account as listed.
pub struct AccountView {
    pub username: String,
    pub staff: String,
    pub disabled: bool,
    /// Locked by failed sign-ins.
    pub locked: bool,
    pub changed: String,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage {
    layout: Layout,
    done: Option<String>,
    accounts: Vec<AccountView>,
    /// Staff in post, to give an account to: (id, name, role and team).
    staff: Vec<(String, String)>,
    values: BTreeMap<String, String>,
    errors: Vec<FieldError>,
}

impl AccountsPage {
    fn value(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// After a change, what changed.
#[derive(serde::Deserialize)]
pub struct Params {
    done: Option<String>,
    account: Option<String>,
}

async fn render(
    state: &AppState,
    user: &User,
    done: Option<String>,
    values: BTreeMap<String, String>,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let rows = state.app.accounts().await?;
    let names: Vec<String> = rows.iter().map(|a| a.username.clone()).collect();
    let locked = state.app.locked_accounts(&names).await?;
    let today = state.app.now().london_date();
    let workforce = state.app.workforce().await;
    let named = |id: &str| {
        StaffId::parse(id)
            .ok()
            .and_then(|s| workforce.staff.get(&s))
            .map_or_else(
                || id.to_owned(),
                |m| format!("{} ({})", m.name.display(), m.role.label()),
            )
    };
    let mut accounts: Vec<AccountView> = rows
        .iter()
        .map(|a| AccountView {
            username: a.username.clone(),
            staff: named(&a.staff_id),
            disabled: a.disabled,
            locked: locked.contains(&a.username),
            changed: a
                .changed_at
                .london_date_time()
                .format("%-d %B %Y at %H:%M")
                .to_string(),
        })
        .collect();
    accounts.sort_by(|a, b| a.username.cmp(&b.username));
    let mut staff: Vec<(String, String)> = workforce
        .staff
        .iter()
        .filter(|(_, m)| m.in_post_on(today))
        .map(|(id, m)| {
            let team = workforce
                .teams
                .get(&m.team)
                .map_or_else(|| m.team.as_str().to_owned(), |t| t.name().to_owned());
            (
                id.as_str().to_owned(),
                format!("{} ({}, {team})", m.name.display(), m.role.label()),
            )
        })
        .collect();
    staff.sort_by(|a, b| a.1.cmp(&b.1));
    drop(workforce);
    let page = AccountsPage {
        layout: Layout::new(state, user),
        done,
        accounts,
        staff,
        values,
        errors,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The list and the form to create an account.
pub async fn page(
    State(state): State<AppState>,
    user: User,
    Query(params): Query<Params>,
) -> Result<Response, WebError> {
    if !may_manage_accounts(&user) {
        return Err(WebError::NotFound);
    }
    let account = params.account.unwrap_or_default();
    let done = match params.done.as_deref() {
        Some("created") => Some(format!("Account {account} created")),
        Some("disabled") => Some(format!("Account {account} disabled: it cannot sign in")),
        Some("enabled") => Some(format!("Account {account} enabled")),
        Some("password") => Some(format!("A new password is set for {account}")),
        Some("signed-out") => Some(format!("Every session of {account} has ended")),
        Some("unlocked") => Some(format!(
            "Account {account} is unlocked: it can sign in again"
        )),
        _ => None,
    };
    render(&state, &user, done, BTreeMap::new(), Vec::new()).await
}

fn password(values: &BTreeMap<String, String>, errors: &mut Vec<FieldError>) -> Option<String> {
    let p = values.get("password").map_or("", String::as_str);
    if p.chars().count() < SHORTEST_PASSWORD {
        errors.push(FieldError {
            field: "password",
            message: format!("Enter a password of {SHORTEST_PASSWORD} characters or more"),
        });
        return None;
    }
    Some(p.to_owned())
}

fn done(what: &str, username: &str) -> Response {
    Redirect::to(&format!("/accounts?done={what}&account={username}")).into_response()
}

/// A new account.
pub async fn create(
    State(state): State<AppState>,
    user: User,
    Form(values): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    if !may_manage_accounts(&user) {
        return Err(WebError::NotFound);
    }
    user.check_form(values.get("csrf").map_or("", String::as_str))?;
    let mut errors = Vec::new();
    let username = values
        .get("username")
        .map_or("", |v| v.trim())
        .to_lowercase();
    if username.is_empty()
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
    {
        errors.push(FieldError {
            field: "username",
            message: "Enter a username of letters, numbers, dots, hyphens or underscores".into(),
        });
    } else if state.app.account(&username).await?.is_some() {
        errors.push(FieldError {
            field: "username",
            message: format!("There is already an account {username}: choose another username"),
        });
    }
    let today = state.app.now().london_date();
    // Only someone in post is offered, and only they may be given a sign-in.
    let staff = {
        let workforce = state.app.workforce().await;
        values
            .get("staff")
            .and_then(|s| StaffId::parse(s).ok())
            .filter(|s| workforce.staff.get(s).is_some_and(|m| m.in_post_on(today)))
    };
    let password = password(&values, &mut errors);
    if staff.is_none() {
        errors.push(FieldError {
            field: "staff",
            message: "Select the member of staff the account signs in as".into(),
        });
    }
    let (Some(staff), Some(password), true) = (staff, password, errors.is_empty()) else {
        return render(&state, &user, None, values, errors).await;
    };
    state
        .app
        .put_account(&AccountRow {
            username: username.clone(),
            staff_id: staff.as_str().to_owned(),
            password_hash: hash_password(&password)?,
            changed_at: state.app.now(),
            disabled: false,
        })
        .await?;
    Ok(done("created", &username))
}

/// Disabling, enabling, or a new password for an account.
pub async fn change(
    State(state): State<AppState>,
    user: User,
    Path((username, what)): Path<(String, String)>,
    Form(values): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    if !may_manage_accounts(&user) {
        return Err(WebError::NotFound);
    }
    user.check_form(values.get("csrf").map_or("", String::as_str))?;
    let mut account = state
        .app
        .account(&username)
        .await?
        .ok_or(WebError::NotFound)?;
    match what.as_str() {
        "end-sessions" => {
            state.app.end_account_sessions(&username).await?;
            return Ok(done("signed-out", &username));
        }
        "unlock" => {
            state.app.lift_lockout(&username).await?;
            return Ok(done("unlocked", &username));
        }
        "disable" => account.disabled = true,
        "enable" => account.disabled = false,
        "password" => {
            let mut errors = Vec::new();
            let Some(password) = password(&values, &mut errors) else {
                let mut kept = BTreeMap::new();
                kept.insert("reset".to_owned(), username.clone());
                return render(&state, &user, None, kept, errors).await;
            };
            account.password_hash = hash_password(&password)?;
        }
        _ => return Err(WebError::NotFound),
    }
    account.changed_at = state.app.now();
    // Disabling the account or giving it a new password raises its credentials version in
    // the store, which ends its sessions at their next request, on every node.
    state.app.put_account(&account).await?;
    let what = match what.as_str() {
        "disable" => "disabled",
        "enable" => "enabled",
        _ => "password",
    };
    Ok(done(what, &username))
}
