//! The oversight sections of My work: the supervision actions the user owns, obligations
//! escalated to them (with who they came from and why), and, for a manager, repeated
//! supervision actions and overdue supervision of the workers below them. What each list
//! holds is decided in `hearth-app`.

use hearth_domain::StaffId;

use super::words::day;
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;

/// A supervision action on My work.
pub struct OwnAction {
    pub worker: String,
    pub text: String,
    pub due: String,
    pub overdue: Option<i64>,
    pub child: Option<String>,
}

/// An obligation escalated to the user.
pub struct Escalation {
    pub child: String,
    pub name: String,
    pub summary: String,
    pub why: String,
    pub from: String,
    pub due: String,
    pub overdue: bool,
}

/// A worker whose supervision is overdue, or an action carried over too often.
pub struct Alert {
    pub worker: String,
    pub name: String,
    pub what: String,
}

/// The sections.
pub struct Sections {
    pub actions: Vec<OwnAction>,
    pub escalated: Vec<Escalation>,
    pub repeated: Vec<Alert>,
    pub late: Vec<Alert>,
    /// Transfers waiting that involve the manager's team: child, name, from, to.
    pub transfers: Vec<(String, String, String, String)>,
    pub manager: bool,
    pub service: bool,
}

/// The user's sections.
pub async fn sections(state: &AppState, user: &User) -> Result<Sections, WebError> {
    let app = &state.app;
    let owned = app.my_supervision_actions(user).await?;
    let escalated = app.escalated_to(user).await?;
    let manager = user.role.is_manager();
    let (repeated, supervisees) = if manager {
        (
            app.repeated_action_alerts(user).await?,
            app.supervisees(user).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let transfers = app.transfers_waiting(user).await?;
    let workforce = app.workforce().await;
    let team = |id: &hearth_domain::TeamId| {
        workforce
            .teams
            .get(id)
            .map_or_else(|| id.as_str().to_owned(), |t| t.name().to_owned())
    };
    let name = |id: &StaffId| {
        workforce
            .staff
            .get(id)
            .map_or_else(|| id.as_str().to_owned(), |m| m.name.display())
    };
    Ok(Sections {
        actions: owned
            .iter()
            .map(|a| OwnAction {
                worker: a.worker.as_str().to_owned(),
                text: a.action.text.as_str().to_owned(),
                due: day(a.action.due),
                overdue: a.action.overdue_days,
                child: a.action.child.as_ref().map(|c| c.as_str().to_owned()),
            })
            .collect(),
        escalated: escalated
            .iter()
            .map(|e| Escalation {
                child: e.child.as_str().to_owned(),
                name: e.name.clone(),
                summary: e.summary.clone(),
                why: format!(
                    "Not done after {}: the {} {}",
                    e.after,
                    e.role.label().to_lowercase(),
                    e.action
                ),
                from: match &e.from.from {
                    Some(s) => format!("{} ({})", name(s), e.from.from_role.label().to_lowercase()),
                    None => format!("the {}", e.from.from_role.label().to_lowercase()),
                },
                due: day(e.due),
                overdue: e.overdue,
            })
            .collect(),
        repeated: repeated
            .iter()
            .map(|a| Alert {
                worker: a.worker.as_str().to_owned(),
                name: name(&a.worker),
                what: format!(
                    "{}: carried over {} times (set by {})",
                    a.action.text,
                    a.action.carried,
                    name(&a.action.set_by)
                ),
            })
            .collect(),
        late: supervisees
            .iter()
            .filter_map(|s| {
                let days = s.due.as_ref()?.overdue_days?;
                Some(Alert {
                    worker: s.worker.as_str().to_owned(),
                    name: name(&s.worker),
                    what: format!("supervision overdue by {days} days"),
                })
            })
            .collect(),
        transfers: transfers
            .iter()
            .map(|t| {
                (
                    t.child.as_str().to_owned(),
                    t.name.clone(),
                    team(&t.from_team),
                    team(&t.to_team),
                )
            })
            .collect(),
        manager,
        service: hearth_app::policy::may_see_service(user),
    })
}
