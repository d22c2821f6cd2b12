//! The reviewing officer's page: conferences and reviews due, meetings booked, and the team
//! manager's responses to recommendations on their clock.
//!
//! The children listed are those with a child protection plan, looked after, or awaiting an
//! initial conference (an enquiry under way or finding that one is needed, or one booked),
//! whom the user may see under `access.rs`. For a reviewing officer that means the children
//! on whose record they have recorded (chaired, reported) and those whose conference or
//! review is booked with them as chair; managers and the head of service see theirs the
//! same way. What is due comes from the standards engine alone: the rules the ruleset gives
//! to a reviewing officer, and the rules those chain to (the manager's response to
//! recommendations).

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use hearth_app::queries::READ_BATCH;
use hearth_domain::ChildId;
use hearth_domain::child::{ChildRecord, fold};
use hearth_domain::codes::{MeetingKind, StaffRole, StrategyDecision};
use hearth_standards::Status;

use super::{Layout, status_label, urgency};
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;
use hearth_app::policy::{relationship, sees};

/// Meetings a reviewing officer chairs or prepares for.
const MEETINGS: [MeetingKind; 4] = [
    MeetingKind::InitialConference,
    MeetingKind::ReviewConference,
    MeetingKind::ClaReview,
    MeetingKind::ReviewingOfficerPreMeeting,
];

/// Something due for a child.
pub struct DueRow {
    pub child: String,
    pub name: String,
    pub summary: String,
    pub due: String,
    pub status: String,
    pub tag: &'static str,
    urgency: (u8, i64),
}

/// A meeting booked.
pub struct MeetingRow {
    pub child: String,
    pub name: String,
    pub meeting: &'static str,
    pub at: String,
    sort: hearth_domain::Timestamp,
}

#[derive(Template)]
#[template(path = "reviewing.html")]
struct ReviewingPage {
    layout: Layout,
    children: usize,
    due: Vec<DueRow>,
    meetings: Vec<MeetingRow>,
    responses: Vec<DueRow>,
    /// Audits copied to the user as the child's reviewing officer.
    audits: Vec<super::assurance::AuditLink>,
}

/// Whether a reviewing officer has anything to do for the child: a child protection plan, a
/// period of care, or an initial conference booked or due.
fn for_the_officer(record: &ChildRecord) -> bool {
    record.open_cp_plan().is_some() || record.is_looked_after() || awaiting_conference(record)
}

/// Whether an initial child protection conference is booked or due in the open episode: a
/// strategy discussion decided on an enquiry that has not started, an enquiry is under way
/// or found that a conference is needed, and no initial conference has followed; or one is
/// booked, not called off, since the last one held.
fn awaiting_conference(record: &ChildRecord) -> bool {
    let Some(episode) = record.open_episode() else {
        return false;
    };
    let decided = episode
        .strategy_discussions
        .iter()
        .any(|s| s.decision == StrategyDecision::Section47 && !s.enquiry_started);
    let enquiry = episode
        .enquiries
        .iter()
        .any(|e| e.conference.is_none() && e.completion.is_none_or(|(_, _, needed)| needed));
    let last_held = episode.initial_conferences.last().map(|c| c.mark.at);
    let booked = record.meetings.iter().any(|m| {
        m.kind == MeetingKind::InitialConference
            && m.cancelled.is_none()
            && last_held.is_none_or(|held| m.booked.at > held)
    });
    decided || enquiry || booked
}

/// The page.
pub async fn page(State(state): State<AppState>, user: User) -> Result<Html<String>, WebError> {
    if !hearth_app::policy::may_see_reviewing(&user) {
        return Err(WebError::NotFound);
    }
    let as_at = super::as_at(&state);
    let now = state.app.now();
    let rules = &state.app.ruleset().rules;
    let officer_rules: BTreeSet<&str> = rules
        .iter()
        .filter(|r| r.owner == StaffRole::ReviewingOfficer)
        .map(|r| r.id.as_str())
        .collect();
    let response_rules: BTreeSet<&str> = rules
        .iter()
        .filter(|r| r.owner == StaffRole::ReviewingOfficer)
        .filter_map(|r| r.chain_to.and_then(|i| rules.get(i)))
        .filter(|r| r.owner != StaffRole::ReviewingOfficer)
        .map(|r| r.id.as_str())
        .collect();
    // Any open case may be awaiting an initial conference, whatever its caseload status, so
    // sight is decided for every open child from the projection first, and only the
    // children the user may see are read.
    let open: Vec<ChildId> = state
        .app
        .open_caseload()
        .await?
        .into_iter()
        .filter(|r| r.is_open)
        .filter_map(|r| ChildId::parse(&r.child_id).ok())
        .collect();
    let sights = state.app.sights(&open).await?;
    let audits = state.app.audits_copied_to(&user).await?;
    let audits = super::assurance::links(&state, &audits).await;
    let workforce = state.app.workforce().await;
    let candidates: Vec<ChildId> = open
        .iter()
        .filter(|id| {
            sights
                .get(*id)
                .is_some_and(|s| sees(&user, s, &workforce).is_some())
        })
        .cloned()
        .collect();
    let mut children = 0;
    let mut due = Vec::new();
    let mut responses = Vec::new();
    let mut meetings = Vec::new();
    for chunk in candidates.chunks(READ_BATCH) {
        for (id, events) in state.app.children_events_unlogged(chunk).await? {
            let record = fold(&id, &events);
            if relationship(&user, &record, &workforce).is_none() || !for_the_officer(&record) {
                continue;
            }
            children += 1;
            let name = record
                .details
                .as_ref()
                .map_or_else(|| id.as_str().to_owned(), |d| d.name.display());
            let evaluation = hearth_standards::evaluate(
                &record,
                state.app.ruleset(),
                state.app.calendar(),
                as_at,
                &*workforce,
            )
            .map_err(WebError::internal)?;
            for o in &evaluation.obligations {
                let open = !o.is_missed()
                    && matches!(
                        o.status.outcome(),
                        Status::Overdue { .. } | Status::DueSoon | Status::Upcoming
                    );
                let list = if officer_rules.contains(o.rule.id.as_str()) {
                    &mut due
                } else if response_rules.contains(o.rule.id.as_str()) {
                    &mut responses
                } else {
                    continue;
                };
                if !open {
                    continue;
                }
                let (status, tag) = status_label(o.status.outcome());
                list.push(DueRow {
                    child: id.as_str().to_owned(),
                    name: name.clone(),
                    summary: o.rule.summary.clone(),
                    // Hour clocks (the 72-hour response) show the time as well as the day.
                    due: o.due_at.map_or_else(
                        || o.due_date.format("%-d %b %Y").to_string(),
                        |t| t.london_date_time().format("%-d %b %Y %H:%M").to_string(),
                    ),
                    status,
                    tag,
                    urgency: urgency(o).unwrap_or((
                        2,
                        i64::from(chrono::Datelike::num_days_from_ce(&o.due_date)),
                    )),
                });
            }
            for m in record
                .meetings
                .iter()
                .filter(|m| m.cancelled.is_none() && m.at >= now && MEETINGS.contains(&m.kind))
            {
                meetings.push(MeetingRow {
                    child: id.as_str().to_owned(),
                    name: name.clone(),
                    meeting: m.kind.label(),
                    at: m
                        .at
                        .london_date_time()
                        .format("%-d %b %Y %H:%M")
                        .to_string(),
                    sort: m.at,
                });
            }
        }
    }
    drop(workforce);
    due.sort_by(|a, b| a.urgency.cmp(&b.urgency).then_with(|| a.name.cmp(&b.name)));
    responses.sort_by(|a, b| a.urgency.cmp(&b.urgency).then_with(|| a.name.cmp(&b.name)));
    meetings.sort_by_key(|m| m.sort);
    let page = ReviewingPage {
        layout: Layout::new(&state, &user),
        children,
        due,
        meetings,
        responses,
        audits,
    };
    Ok(Html(page.render()?))
}
