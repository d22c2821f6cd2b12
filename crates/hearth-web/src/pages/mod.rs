//! The pages. Each handler gathers what it shows into a template's fields; templates escape
//! everything they print.

pub mod accounts;
pub mod allocate;
pub mod assurance;
pub mod authorise;
pub mod casefile;
pub mod child;
pub mod content;
pub mod correct;
pub mod digest;
pub mod forms;
pub mod handover;
pub mod known;
pub mod my_work;
pub mod my_work_oversight;
pub mod network;
pub mod record;
pub mod register;
pub mod returns;
pub mod reviewing;
pub mod search;
pub mod service;
pub mod sessions;
pub mod supervision;
pub mod team;
pub mod words;

use hearth_standards::{AsAt, Obligation, Status};

use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;

/// What the page header needs.
pub struct Layout {
    pub council: String,
    pub manager: bool,
    /// Sees the reviewing officer's page.
    pub reviewing: bool,
    /// May register a new child.
    pub registers: bool,
    /// Manages accounts.
    pub accounts: bool,
    /// Reads the performance digest.
    pub digest: bool,
    /// Builds the statutory returns.
    pub returns: bool,
    /// Coordinates audits: sees practice assurance.
    pub assurance: bool,
    pub user_name: String,
    pub role: &'static str,
    pub csrf: String,
}

impl Layout {
    pub fn new(state: &AppState, user: &User) -> Layout {
        Layout {
            council: state.settings.council_name.clone(),
            manager: hearth_app::policy::may_see_team(user),
            reviewing: hearth_app::policy::may_see_reviewing(user),
            registers: hearth_app::policy::may_register(user),
            accounts: hearth_app::policy::may_manage_accounts(user),
            digest: hearth_app::policy::may_read_digest(user),
            returns: hearth_app::policy::to_download_returns(user).is_some(),
            assurance: hearth_app::policy::may_coordinate_audits(user),
            user_name: user.name.clone(),
            role: user.role.label(),
            csrf: user.csrf.clone(),
        }
    }
}

/// The static health endpoint: answers without touching the store, so a load test can
/// measure the server itself.
pub async fn health() -> &'static str {
    "ok"
}

/// Any address the app does not know.
pub async fn not_found() -> WebError {
    WebError::NotFound
}

/// An obligation as a row of a to-do list.
#[derive(Debug)]
pub struct ObligationRow {
    pub rule: String,
    pub overdue: bool,
    pub summary: String,
    pub due: String,
    pub status: String,
    pub tag: &'static str,
    pub explanation: String,
}

impl ObligationRow {
    pub fn new(o: &Obligation) -> ObligationRow {
        let (status, tag) = status_label(o.status.outcome());
        ObligationRow {
            rule: o.rule.id.clone(),
            overdue: matches!(o.status.outcome(), Status::Overdue { .. }),
            summary: o.rule.summary.clone(),
            due: o.due_date.format("%-d %b %Y").to_string(),
            status,
            tag,
            explanation: o.describe(),
        }
    }
}

/// How urgent an obligation is: overdue first (longest overdue first), then due soon. An
/// overdue obligation whose chance has gone (the plan ended, the child left care) cannot be
/// acted on, so it is counted as missed rather than listed as work to do.
pub fn urgency(o: &Obligation) -> Option<(u8, i64)> {
    match o.status.outcome() {
        Status::Overdue { .. } if o.is_missed() => None,
        Status::Overdue { days_overdue } => Some((0, -days_overdue)),
        Status::DueSoon => Some((
            1,
            i64::from(chrono::Datelike::num_days_from_ce(&o.due_date)),
        )),
        _ => None,
    }
}

/// A status in words, with the GOV.UK tag colour that goes with it.
pub fn status_label(s: &Status) -> (String, &'static str) {
    match s {
        Status::Overdue { days_overdue } => (
            format!(
                "Overdue by {days_overdue} day{}",
                if *days_overdue == 1 { "" } else { "s" }
            ),
            "govuk-tag--red",
        ),
        Status::DueSoon => ("Due soon".into(), "govuk-tag--yellow"),
        Status::Upcoming => ("Upcoming".into(), "govuk-tag--grey"),
        Status::Met => ("Met".into(), "govuk-tag--green"),
        Status::MetLate { days_late, .. } => {
            (format!("Met {days_late} days late"), "govuk-tag--orange")
        }
        Status::NotApplicable => ("Not applicable".into(), "govuk-tag--grey"),
        Status::Varied(v) => status_label(&v.outcome),
    }
}

/// The as-at instant pages measure against: now.
pub fn as_at(state: &AppState) -> AsAt {
    AsAt::instant(state.app.now())
}
