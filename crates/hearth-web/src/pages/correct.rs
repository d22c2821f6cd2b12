//! Correcting an entry on a child's record: striking it out, or moving it to when it really
//! happened, each with a reason. Any other wrong detail is corrected by striking the entry
//! out and recording it again. The original stays in the store; the record is folded from
//! the corrected stream, and the domain refuses a correction that would make a later entry
//! break a rule, which the form shows in words with the input kept.

use askama::Template;
use axum::Form as Posted;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use hearth_domain::child::{ChildEvent, Replacement};
use hearth_domain::values::Text;
use hearth_domain::{Actor, ChildId, ChildStream, Timestamp};

use super::Layout;
use super::child::{date, words};
use super::record::{FieldError, STALE_FORM, SummaryLine, Values, occurred_as};
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;
use hearth_app::AppError;
use hearth_app::policy::{WritePermit, to_correct};

/// The record's banner after a correction (`?recorded=correction`).
pub const DONE_SLUG: &str = "correction";
pub const DONE: &str = "Correction recorded";

/// An entry on the record as it now stands.
struct Entry {
    at: Timestamp,
    by: Actor,
    kind: &'static str,
    /// The event as it now takes effect: the original, or its latest replacement.
    event: ChildEvent,
}

/// The entry with this version, if it is on the record and is not itself a correction.
fn entry(stream: &ChildStream, version: u64) -> Option<Entry> {
    let logged = stream
        .record()
        .log
        .iter()
        .find(|e| e.mark.version == version && e.kind != "corrected")?;
    let original = stream
        .events()
        .get(usize::try_from(version).ok()?.checked_sub(1)?)?;
    let event = stream
        .events()
        .iter()
        .rev()
        .find_map(|e| match &e.event {
            ChildEvent::Corrected {
                corrects,
                replacement: Some(r),
                ..
            } if *corrects == version => Some((*r.event).clone()),
            _ => None,
        })
        .unwrap_or_else(|| original.event.clone());
    Some(Entry {
        at: logged.mark.at,
        by: logged.recorded_by.clone(),
        kind: logged.kind,
        event,
    })
}

/// The content entries written about an entry (a visit's words, the child's words gathered
/// on it): they stand or fall with it, so a correction that strikes or moves the entry
/// strikes or moves them too, in the same command.
fn written_about(stream: &ChildStream, version: u64) -> Vec<(u64, Entry)> {
    stream
        .record()
        .practice
        .entries
        .iter()
        .filter(|(_, e)| e.about == Some(version))
        .filter_map(|(v, _)| entry(stream, *v).map(|e| (*v, e)))
        .collect()
}

#[derive(Template)]
#[template(path = "correct.html")]
struct CorrectPage {
    layout: Layout,
    id: String,
    name: String,
    entry: u64,
    what: String,
    when: String,
    by: String,
    version: u64,
    summary: Vec<SummaryLine>,
    choice: String,
    choice_error: Option<String>,
    day: String,
    month: String,
    year: String,
    time: String,
    date_error: Option<String>,
    time_error: Option<String>,
    reason: String,
    reason_error: Option<String>,
}

impl CorrectPage {
    /// The three boxes of a GOV.UK date input: (part, label, width, value).
    fn date_parts(&self) -> Vec<(&'static str, &'static str, &'static str, &str)> {
        vec![
            ("day", "Day", "2", self.day.as_str()),
            ("month", "Month", "2", self.month.as_str()),
            ("year", "Year", "4", self.year.as_str()),
        ]
    }
}

/// The child's record and the entry, for a user who may correct it; otherwise not found.
async fn open(
    state: &AppState,
    user: &User,
    id: &str,
    version: &str,
) -> Result<
    (
        ChildId,
        std::sync::Arc<ChildStream>,
        u64,
        Entry,
        WritePermit,
    ),
    WebError,
> {
    let id = ChildId::parse(id).map_err(|_| WebError::NotFound)?;
    let version: u64 = version.parse().map_err(|_| WebError::NotFound)?;
    let (permit, stream) = state.app.view_child(user, &id, "correction").await?;
    let found = entry(&stream, version).ok_or(WebError::NotFound)?;
    let write = to_correct(user, &permit, &found.by).ok_or(WebError::NotFound)?;
    Ok((id, stream, version, found, write))
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    user: &User,
    id: &ChildId,
    stream: &ChildStream,
    version: u64,
    found: &Entry,
    values: &Values,
    errors: Vec<FieldError>,
    at_version: Option<u64>,
) -> Result<Response, WebError> {
    let by = match found.by.staff() {
        Some(s) => state
            .app
            .workforce()
            .await
            .staff
            .get(s)
            .map_or_else(|| s.as_str().to_owned(), |w| w.name.display()),
        None => "The system".to_owned(),
    };
    let error_of = |name: &str| {
        errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.message.clone())
    };
    let record = stream.record();
    let time = found.at.london_date_time().format("%H:%M");
    let page = CorrectPage {
        layout: Layout::new(state, user),
        id: id.as_str().to_owned(),
        name: record
            .details
            .as_ref()
            .map_or_else(|| id.as_str().to_owned(), |d| d.name.display()),
        entry: version,
        what: words(found.kind),
        when: format!("{} at {time}", date(found.at.london_date())),
        by,
        version: at_version.unwrap_or(stream.version()),
        summary: errors
            .iter()
            .map(|e| SummaryLine {
                href: format!("#{}", e.field),
                message: e.message.clone(),
            })
            .collect(),
        choice: values.get("correction").to_owned(),
        choice_error: error_of("correction"),
        day: values.get("day").to_owned(),
        month: values.get("month").to_owned(),
        year: values.get("year").to_owned(),
        time: values.get("time").to_owned(),
        date_error: error_of("day"),
        time_error: error_of("time"),
        reason: values.get("reason").to_owned(),
        reason_error: error_of("reason"),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The empty form.
pub async fn form(
    State(state): State<AppState>,
    user: User,
    Path((id, version)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, stream, version, found, _) = open(&state, &user, &id, &version).await?;
    render(
        &state,
        &user,
        &id,
        &stream,
        version,
        &found,
        &Values::default(),
        Vec::new(),
        None,
    )
    .await
}

/// When the entry really happened: a date, and a time that keeps the recorded one when left
/// out.
fn moved_to(
    values: &Values,
    found: &Entry,
    now: Timestamp,
    errors: &mut Vec<FieldError>,
) -> Option<Timestamp> {
    let kept = found.at.london_date_time().time();
    let at = occurred_as(
        "when it really happened",
        |date| Timestamp::at_london_time(date, kept),
        values,
        now,
        errors,
    )?;
    if at == found.at {
        errors.push(FieldError {
            field: "day".to_owned(),
            message: "Enter a date or time different from the one on the record".to_owned(),
        });
        return None;
    }
    Some(at)
}

/// The correction sent back: recorded, or shown again with what was wrong.
pub async fn submit(
    State(state): State<AppState>,
    user: User,
    Path((id, version)): Path<(String, String)>,
    Posted(pairs): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let values = Values::new(pairs);
    user.check_form(values.get("csrf"))?;
    let (id, stream, version, found, write) = open(&state, &user, &id, &version).await?;
    let at_version = values.get("version").parse::<u64>().ok();
    let now = state.app.now();
    let mut errors = Vec::new();
    let replacement = match values.get("correction") {
        "strike" => Some(None),
        "date" => moved_to(&values, &found, now, &mut errors).map(|at| {
            Some(Replacement {
                occurred_at: at,
                event: Box::new(found.event.clone()),
            })
        }),
        _ => {
            errors.push(FieldError {
                field: "correction".into(),
                message: "Select what is wrong with the entry".into(),
            });
            None
        }
    };
    let reason = match Text::parse(values.get("reason")) {
        Ok(r) => Some(r),
        Err(e) => {
            let message = if values.get("reason").is_empty() {
                "Enter why the entry is being corrected".to_owned()
            } else {
                super::words::value_problem("why the entry is being corrected", &e.to_string())
            };
            errors.push(FieldError {
                field: "reason".into(),
                message,
            });
            None
        }
    };
    let (Some(replacement), Some(reason), true) = (replacement, reason, errors.is_empty()) else {
        return render(
            &state, &user, &id, &stream, version, &found, &values, errors, at_version,
        )
        .await;
    };
    let at_version = at_version.ok_or_else(|| {
        WebError::BadRequest("The form is incomplete: reload the page and try again.".into())
    })?;
    let mut corrections: Vec<(Timestamp, ChildEvent)> = written_about(&stream, version)
        .into_iter()
        .map(|(about, words)| {
            let moved = replacement.as_ref().map(|r| Replacement {
                occurred_at: r.occurred_at,
                event: Box::new(words.event),
            });
            (
                now,
                ChildEvent::Corrected {
                    corrects: about,
                    reason: reason.clone(),
                    replacement: moved,
                },
            )
        })
        .collect();
    // The entry first: its words are checked against it as corrected.
    corrections.insert(
        0,
        (
            now,
            ChildEvent::Corrected {
                corrects: version,
                reason,
                replacement,
            },
        ),
    );
    let refused = |message: String| {
        vec![FieldError {
            field: "correction".into(),
            message,
        }]
    };
    match state.app.record(&write, at_version, corrections).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/children/{}?recorded={DONE_SLUG}", id.as_str()))
                .into_response(),
        ),
        Err(AppError::Refused { reason, .. }) => {
            let errors = refused(format!(
                "This correction cannot be made: {}",
                super::words::dates_in(&reason)
            ));
            render(
                &state,
                &user,
                &id,
                &stream,
                version,
                &found,
                &values,
                errors,
                Some(at_version),
            )
            .await
        }
        Err(AppError::Stale { .. }) => {
            let errors = refused(STALE_FORM.into());
            render(
                &state, &user, &id, &stream, version, &found, &values, errors, None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
