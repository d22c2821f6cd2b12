//! Recording on a child's record. Each form is parsed into a domain event, checked by the
//! record's own rules and appended only if the record has not changed since the form was
//! opened. A refused form comes back with the user's input and the reason in plain words.
//!
//! So far: a visit, a case note, and management oversight.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{NaiveDate, NaiveTime};
use hearth_domain::child::ChildEvent;
use hearth_domain::codes::{CaseNoteKind, StaffRole, VisitKind};
use hearth_domain::values::Text;
use hearth_domain::{Actor, ChildId, Recorded, Timestamp};
use hearth_store::StoreError;
use hearth_store::records::RecordError;

use super::Layout;
use crate::access::{Relationship, view_child};
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;

/// The kinds of recording this module offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Visit,
    CaseNote,
    Oversight,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        match s {
            "visit" => Some(Kind::Visit),
            "case-note" => Some(Kind::CaseNote),
            "oversight" => Some(Kind::Oversight),
            _ => None,
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Kind::Visit => "visit",
            Kind::CaseNote => "case-note",
            Kind::Oversight => "oversight",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Kind::Visit => "Record a visit",
            Kind::CaseNote => "Add a case note",
            Kind::Oversight => "Record management oversight",
        }
    }

    fn done(self) -> &'static str {
        match self {
            Kind::Visit => "Visit recorded",
            Kind::CaseNote => "Case note added",
            Kind::Oversight => "Management oversight recorded",
        }
    }

    /// Whether this user, connected to the child this way, may record this. Roles that
    /// oversee the service read; those who work with the child record; only managers record
    /// management oversight.
    pub fn allowed(self, user: &User, relationship: Relationship) -> bool {
        let works_with_child = matches!(
            relationship,
            Relationship::Allocated
                | Relationship::SameTeam
                | Relationship::ManagerChain
                | Relationship::ReviewingOfficer
        );
        match self {
            Kind::Oversight => {
                user.role.is_manager() && relationship != Relationship::ReviewingOfficer
            }
            Kind::Visit | Kind::CaseNote => {
                works_with_child
                    || (relationship == Relationship::ServiceWide
                        && user.role == StaffRole::HeadOfService)
            }
        }
    }
}

/// A choice in a radio group.
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

/// An error against one field, for the error summary and the field.
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    layout: Layout,
    id: String,
    name: String,
    kind: &'static str,
    title: &'static str,
    version: u64,
    values: BTreeMap<String, String>,
    errors: Vec<FieldError>,
    visit_kinds: Vec<Choice>,
    note_kinds: Vec<Choice>,
}

impl RecordPage {
    fn value(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    fn checked(&self, field: &str, value: &str) -> bool {
        self.value(field) == value
    }
}

fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|&v| Choice {
            value: code(v),
            label: label(v),
        })
        .collect()
}

async fn render(
    state: &AppState,
    user: &User,
    id: &ChildId,
    kind: Kind,
    values: BTreeMap<String, String>,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let (permit, stream) = view_child(state, user, id, kind.title()).await?;
    if !kind.allowed(user, permit.relationship()) {
        return Err(WebError::NotFound);
    }
    let record = stream.record();
    let page = RecordPage {
        layout: Layout::new(state, user),
        id: id.as_str().to_owned(),
        name: record
            .details
            .as_ref()
            .map_or_else(|| id.as_str().to_owned(), |d| d.name.display()),
        kind: kind.slug(),
        title: kind.title(),
        version: values
            .get("version")
            .and_then(|v| v.parse().ok())
            .unwrap_or(stream.version()),
        visit_kinds: choices(VisitKind::ALL, VisitKind::code, VisitKind::label),
        note_kinds: choices(CaseNoteKind::ALL, CaseNoteKind::code, CaseNoteKind::label),
        values,
        errors,
    };
    let status = if page.errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The empty form.
pub async fn form(
    State(state): State<AppState>,
    user: User,
    Path((id, kind)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = ChildId::parse(&id).map_err(|_| WebError::NotFound)?;
    let kind = Kind::parse(&kind).ok_or(WebError::NotFound)?;
    render(&state, &user, &id, kind, BTreeMap::new(), Vec::new()).await
}

/// The date and time a thing happened: GOV.UK's day, month and year fields, and a time.
fn occurred(
    values: &BTreeMap<String, String>,
    now: Timestamp,
    errors: &mut Vec<FieldError>,
) -> Option<Timestamp> {
    let field = |k: &str| values.get(k).map_or("", |v| v.trim());
    let (d, m, y) = (field("day"), field("month"), field("year"));
    if d.is_empty() && m.is_empty() && y.is_empty() {
        errors.push(FieldError {
            field: "day",
            message: "Enter the date it happened".into(),
        });
        return None;
    }
    let date = match (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>()) {
        (Ok(d), Ok(m), Ok(y)) if y >= 1900 => NaiveDate::from_ymd_opt(y, m, d),
        _ => None,
    };
    let Some(date) = date else {
        errors.push(FieldError {
            field: "day",
            message: "The date it happened must be a real date, like 27 3 2026".into(),
        });
        return None;
    };
    let time = field("time");
    let time = if time.is_empty() {
        // Without a time, noon: a date-only entry must not move to another day in England.
        NaiveTime::from_hms_opt(12, 0, 0)
    } else {
        NaiveTime::parse_from_str(time, "%H:%M").ok()
    };
    let Some(time) = time else {
        errors.push(FieldError {
            field: "time",
            message: "Enter the time as hours and minutes on the 24-hour clock, like 14:30".into(),
        });
        return None;
    };
    let at = Timestamp::at_london_time(date, time);
    if at > now {
        errors.push(FieldError {
            field: "day",
            message: "The date it happened must be today or in the past".into(),
        });
        return None;
    }
    Some(at)
}

fn text(
    values: &BTreeMap<String, String>,
    field: &'static str,
    missing: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Text> {
    let v = values.get(field).map_or("", |v| v.trim());
    if v.is_empty() {
        errors.push(FieldError {
            field,
            message: missing.into(),
        });
        return None;
    }
    match Text::parse(v) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(FieldError {
                field,
                message: e.to_string(),
            });
            None
        }
    }
}

fn yes_no(
    values: &BTreeMap<String, String>,
    field: &'static str,
    missing: &str,
    errors: &mut Vec<FieldError>,
) -> Option<bool> {
    match values.get(field).map(String::as_str) {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => {
            errors.push(FieldError {
                field,
                message: missing.into(),
            });
            None
        }
    }
}

/// Turns the form into the event, or the errors against its fields.
fn event(
    kind: Kind,
    user: &User,
    values: &BTreeMap<String, String>,
    now: Timestamp,
) -> Result<(Timestamp, ChildEvent), Vec<FieldError>> {
    let mut errors = Vec::new();
    let at = occurred(values, now, &mut errors);
    let event = match kind {
        Kind::Visit => {
            let visit_kind = values
                .get("visit_kind")
                .and_then(|v| v.parse::<VisitKind>().ok());
            if visit_kind.is_none() {
                errors.push(FieldError {
                    field: "visit_kind",
                    message: "Select what kind of visit it was".into(),
                });
            }
            let child_seen = yes_no(
                values,
                "child_seen",
                "Select whether the child was seen",
                &mut errors,
            );
            let seen_alone = if child_seen == Some(true) {
                yes_no(
                    values,
                    "seen_alone",
                    "Select whether the child was seen alone",
                    &mut errors,
                )
            } else {
                None
            };
            let reason = if seen_alone == Some(false) {
                text(
                    values,
                    "not_seen_alone_reason",
                    "Say why the child was not seen alone",
                    &mut errors,
                )
            } else {
                None
            };
            let bedroom_seen = match values.get("bedroom_seen").map(String::as_str) {
                Some("yes") => Some(true),
                Some("no") => Some(false),
                _ => None,
            };
            match (visit_kind, child_seen) {
                (Some(kind), Some(child_seen)) => Some(ChildEvent::VisitMade {
                    kind,
                    child_seen,
                    seen_alone,
                    not_seen_alone_reason: reason,
                    bedroom_seen,
                }),
                _ => None,
            }
        }
        Kind::CaseNote => {
            let note_kind = values
                .get("note_kind")
                .and_then(|v| v.parse::<CaseNoteKind>().ok());
            if note_kind.is_none() {
                errors.push(FieldError {
                    field: "note_kind",
                    message: "Select what the note records".into(),
                });
            }
            let body = text(values, "text", "Enter the case note", &mut errors);
            let significant = values.get("significant").is_some_and(|v| v == "yes");
            match (note_kind, body) {
                (Some(kind), Some(text)) => Some(ChildEvent::CaseNoteRecorded {
                    kind,
                    text,
                    significant,
                }),
                _ => None,
            }
        }
        Kind::Oversight => text(
            values,
            "text",
            "Enter the oversight and direction",
            &mut errors,
        )
        .map(|text| ChildEvent::ManagementOversightRecorded {
            manager: user.staff.clone(),
            text,
        }),
    };
    match (at, event) {
        (Some(at), Some(event)) if errors.is_empty() => Ok((at, event)),
        _ => Err(errors),
    }
}

/// The form sent back: recorded, or shown again with what was wrong.
pub async fn submit(
    State(state): State<AppState>,
    user: User,
    Path((id, kind)): Path<(String, String)>,
    Form(values): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let id = ChildId::parse(&id).map_err(|_| WebError::NotFound)?;
    let kind = Kind::parse(&kind).ok_or(WebError::NotFound)?;
    user.check_form(values.get("csrf").map_or("", String::as_str))?;
    // The same decision as for the form: a user who may not record here learns nothing more.
    let (permit, _) = view_child(&state, &user, &id, kind.title()).await?;
    if !kind.allowed(&user, permit.relationship()) {
        return Err(WebError::NotFound);
    }
    let now = state.clock.now();
    let (at, event) = match event(kind, &user, &values, now) {
        Ok(e) => e,
        Err(errors) => return render(&state, &user, &id, kind, values, errors).await,
    };
    let version = values
        .get("version")
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| {
            WebError::BadRequest("The form is incomplete: reload the page and try again.".into())
        })?;
    let recorded = Recorded {
        occurred_at: at,
        recorded_at: now,
        recorded_by: Actor::Staff(user.staff.clone()),
        event,
    };
    match state
        .records
        .record_child(&id, Some(version), vec![recorded])
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/children/{}?recorded={}",
            id.as_str(),
            kind.slug()
        ))
        .into_response()),
        Err(RecordError::Refused(refusal)) => {
            let errors = vec![FieldError {
                field: "day",
                message: format!("This cannot be recorded: {}", refusal.violation.message),
            }];
            render(&state, &user, &id, kind, values, errors).await
        }
        Err(RecordError::Store(StoreError::Conflict { .. })) => {
            let mut values = values;
            values.remove("version");
            let errors = vec![FieldError {
                field: "day",
                message: "Someone else recorded on this child's record while you were writing. Check what you entered and save again.".into(),
            }];
            render(&state, &user, &id, kind, values, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The banner shown on the record after recording.
pub fn done_message(slug: &str) -> Option<&'static str> {
    Kind::parse(slug).map(Kind::done)
}
