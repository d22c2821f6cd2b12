//! A new child: name, date of birth (or expected date for an unborn child), sex, and the
//! contact that brought them to the service. Before the child is created, people already
//! known are searched (tolerant of spelling) and possible duplicates are shown; the worker
//! must confirm this is a different child before a second record is made. Creating records
//! `ChildRegistered` and `ContactRecorded` together under a new id from the store.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use hearth_app::AppError;
use hearth_domain::child::ChildEvent;
use hearth_domain::codes::{ContactOutcome, Ethnicity, ReferralSource, Sex};
use hearth_domain::people::{ChildDetails, PersonName};
use hearth_domain::values::{Line, Text};
use hearth_domain::{ChildId, StreamKind, Timestamp};

use super::Layout;
use super::allocate::FieldError;
use super::known::{SHOWN, possible_in_store};
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;
use hearth_app::policy::sees;

/// Someone already known who may be this child.
pub struct Possible {
    pub id: String,
    pub name: String,
    pub born: String,
    pub postcode: String,
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    layout: Layout,
    values: BTreeMap<String, String>,
    errors: Vec<FieldError>,
    sexes: Vec<(&'static str, &'static str)>,
    sources: Vec<(&'static str, &'static str)>,
    outcomes: Vec<(&'static str, &'static str)>,
    /// Set once the search has run: possible duplicates the user may see.
    possible: Option<Vec<Possible>>,
    /// Possible duplicates the user may not see: counted, never described.
    hidden: usize,
}

impl RegisterPage {
    fn value(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }

    /// A part of the contact's date as typed.
    fn contact_part(&self, part: &str) -> &str {
        self.value(&format!("contact-{part}"))
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

fn codes<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|&v| (code(v), label(v))).collect()
}

fn render(
    state: &AppState,
    user: &User,
    values: BTreeMap<String, String>,
    errors: Vec<FieldError>,
    possible: Option<(Vec<Possible>, usize)>,
) -> Result<Response, WebError> {
    let (possible, hidden) = match possible {
        Some((shown, hidden)) => (Some(shown), hidden),
        None => (None, 0),
    };
    let page = RegisterPage {
        layout: Layout::new(state, user),
        values,
        sexes: codes(Sex::ALL, Sex::code, Sex::label),
        sources: codes(
            ReferralSource::ALL,
            ReferralSource::code,
            ReferralSource::label,
        ),
        outcomes: codes(
            ContactOutcome::ALL,
            ContactOutcome::code,
            ContactOutcome::label,
        ),
        possible,
        hidden,
        errors,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The empty form.
pub async fn form(State(state): State<AppState>, user: User) -> Result<Response, WebError> {
    if !hearth_app::policy::may_register(&user) {
        return Err(WebError::NotFound);
    }
    // The contact is dated now unless the worker says otherwise.
    let now = state.app.now().london_date_time();
    let values = [
        ("contact-day", now.format("%-d")),
        ("contact-month", now.format("%-m")),
        ("contact-year", now.format("%Y")),
        ("contact-time", now.format("%H:%M")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_string()))
    .collect();
    render(&state, &user, values, Vec::new(), None)
}

/// What the form says, checked field by field.
#[derive(Clone)]
struct NewChild {
    name: PersonName,
    sex: Sex,
    born: Option<NaiveDate>,
    expected: Option<NaiveDate>,
    source: ReferralSource,
    outcome: ContactOutcome,
    summary: Option<Text>,
    /// When the contact was made: the record starts then, so everything from the contact on
    /// (a referral in the night, a visit before the record was typed up) can be recorded.
    contacted: Timestamp,
}

fn line(
    values: &BTreeMap<String, String>,
    field: &'static str,
    missing: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Line> {
    let v = values.get(field).map_or("", |v| v.trim());
    if v.is_empty() {
        errors.push(FieldError {
            field,
            message: missing.into(),
        });
        return None;
    }
    // The missing message names the answer ("Enter the child's given name").
    let what = missing.strip_prefix("Enter ").unwrap_or("this answer");
    Line::parse(v)
        .map_err(|e| {
            errors.push(FieldError {
                field,
                message: super::words::value_problem(what, &e.to_string()),
            })
        })
        .ok()
}

fn date(values: &BTreeMap<String, String>, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let field = |k: &str| values.get(k).map_or("", |v| v.trim());
    let (d, m, y) = (field("day"), field("month"), field("year"));
    if d.is_empty() && m.is_empty() && y.is_empty() {
        errors.push(FieldError {
            field: "day",
            message: "Enter the date of birth, or the expected date for an unborn child".into(),
        });
        return None;
    }
    let parsed = match (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>()) {
        (Ok(d), Ok(m), Ok(y)) if y >= 1900 => NaiveDate::from_ymd_opt(y, m, d),
        _ => None,
    };
    if parsed.is_none() {
        errors.push(FieldError {
            field: "day",
            message: "The date must be a real date, like 27 3 2020".into(),
        });
    }
    parsed
}

/// When the contact was made: its date and time, today or earlier. Both are asked (the form
/// opens on now), because out-of-hours contacts are common and the record starts here.
fn contacted(
    values: &BTreeMap<String, String>,
    now: Timestamp,
    errors: &mut Vec<FieldError>,
) -> Option<Timestamp> {
    let field = |k: &str| values.get(k).map_or("", |v| v.trim());
    let (d, m, y) = (
        field("contact-day"),
        field("contact-month"),
        field("contact-year"),
    );
    let mut fail = |field: &'static str, message: &str| {
        errors.push(FieldError {
            field,
            message: message.into(),
        });
    };
    if d.is_empty() && m.is_empty() && y.is_empty() {
        fail("contact-day", "Enter the date of the contact");
        return None;
    }
    let Some(date) = super::record::date_of(d, m, y) else {
        fail(
            "contact-day",
            "The date of the contact must be a real date, like 27 3 2026",
        );
        return None;
    };
    let time = field("contact-time");
    if time.is_empty() {
        fail(
            "contact-time",
            "Enter the time of the contact, like 04:30 or 14:30",
        );
        return None;
    }
    let Some(time) = super::record::time_of(time) else {
        fail(
            "contact-time",
            "Enter the time of the contact as hours and minutes on the 24-hour clock, like 14:30",
        );
        return None;
    };
    let at = Timestamp::at_london_time(date, time);
    if at > now {
        fail(
            "contact-day",
            "The date and time of the contact must be now or in the past",
        );
        return None;
    }
    Some(at)
}

fn parse(values: &BTreeMap<String, String>, now: Timestamp) -> Result<NewChild, Vec<FieldError>> {
    let mut errors = Vec::new();
    let given = line(values, "given", "Enter the child's given name", &mut errors);
    let family = line(
        values,
        "family",
        "Enter the child's family name",
        &mut errors,
    );
    let unborn = match values.get("born").map(String::as_str) {
        Some("yes") => Some(false),
        Some("no") => Some(true),
        _ => {
            errors.push(FieldError {
                field: "born",
                message: "Select whether the child has been born".into(),
            });
            None
        }
    };
    let when = date(values, &mut errors);
    let sex = values.get("sex").and_then(|v| v.parse::<Sex>().ok());
    if sex.is_none() {
        errors.push(FieldError {
            field: "sex",
            message: "Select the child's sex, or not known".into(),
        });
    }
    let source = values
        .get("source")
        .and_then(|v| v.parse::<ReferralSource>().ok());
    if source.is_none() {
        errors.push(FieldError {
            field: "source",
            message: "Select who got in touch".into(),
        });
    }
    let outcome = values
        .get("outcome")
        .and_then(|v| v.parse::<ContactOutcome>().ok());
    if outcome.is_none() {
        errors.push(FieldError {
            field: "outcome",
            message: "Select what happened to the contact".into(),
        });
    }
    let contacted = contacted(values, now, &mut errors);
    let summary = match values.get("summary").map_or("", |v| v.trim()) {
        "" => None,
        text => Text::parse(text)
            .map_err(|e| {
                errors.push(FieldError {
                    field: "summary",
                    message: super::words::value_problem("what was said", &e.to_string()),
                })
            })
            .ok(),
    };
    match (
        given,
        family,
        unborn,
        when,
        sex,
        source,
        (outcome, contacted),
    ) {
        (
            Some(given),
            Some(family),
            Some(unborn),
            Some(when),
            Some(sex),
            Some(source),
            (Some(outcome), Some(contacted)),
        ) if errors.is_empty() => Ok(NewChild {
            name: PersonName {
                given,
                family,
                preferred: None,
            },
            sex,
            born: (!unborn).then_some(when),
            expected: unborn.then_some(when),
            source,
            outcome,
            summary,
            contacted,
        }),
        _ => Err(errors),
    }
}

/// People already known who may be this child: every name typed matches one of theirs
/// (allowing for spelling), or the date of birth is the same and at least one name matches.
/// Split into those the user may see and a count of the rest. A restricted record the user
/// may not see is not counted: the count would tell them that it exists.
async fn possible_duplicates(
    state: &AppState,
    user: &User,
    child: &NewChild,
) -> Result<(Vec<Possible>, usize), WebError> {
    let date = child.born.or(child.expected);
    let names = format!("{} {}", child.name.given, child.name.family);
    let ranked = possible_in_store(state, StreamKind::Child, &names, date).await?;
    let ids: Vec<ChildId> = ranked
        .iter()
        .filter_map(|r| ChildId::parse(r.stream.id()).ok())
        .collect();
    let sights = state.app.sights(&ids).await?;
    let mut shown = Vec::new();
    let mut hidden = 0;
    let workforce = state.app.workforce().await;
    for row in ranked {
        let Ok(id) = ChildId::parse(row.stream.id()) else {
            continue;
        };
        let Some(sight) = sights.get(&id) else {
            continue;
        };
        if sees(user, sight, &workforce).is_none() {
            if sight.restriction.is_none() {
                hidden += 1;
            }
            continue;
        }
        if shown.len() == SHOWN {
            continue;
        }
        shown.push(Possible {
            id: id.as_str().to_owned(),
            name: row.display_name.clone(),
            born: row
                .date_of_birth
                .map(|d| d.format("%-d %B %Y").to_string())
                .unwrap_or_default(),
            postcode: row.postcode.clone().unwrap_or_default(),
        });
    }
    Ok((shown, hidden))
}

fn events(child: NewChild, _now: Timestamp) -> Vec<(Timestamp, ChildEvent)> {
    let details = ChildDetails {
        name: child.name,
        sex: child.sex,
        gender: None,
        date_of_birth: child.born,
        expected_date_of_birth: child.expected,
        // Asked of the family later; the returns read "not yet obtained" until then.
        ethnicity: Ethnicity::Nobt,
        upn: None,
        former_upn: None,
        upn_unknown: None,
        nhs_number: None,
        disabilities: Vec::new(),
        first_language: None,
        communication_needs: None,
        religion: None,
        immigration_status: None,
        uasc: false,
        uasc_ceased: None,
    };
    // The child is known to the service from the contact, so the record starts then.
    vec![
        (
            child.contacted,
            ChildEvent::ChildRegistered {
                details,
                address: None,
            },
        ),
        (
            child.contacted,
            ChildEvent::ContactRecorded {
                source: child.source,
                outcome: child.outcome,
                summary: child.summary,
            },
        ),
    ]
}

/// The form sent back: errors, possible duplicates to rule out, or the new record.
pub async fn submit(
    State(state): State<AppState>,
    user: User,
    Form(values): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let write = hearth_app::policy::to_register(&user).ok_or(WebError::NotFound)?;
    user.check_form(values.get("csrf").map_or("", String::as_str))?;
    let now = state.app.now();
    let child = match parse(&values, now) {
        Ok(c) => c,
        Err(errors) => return render(&state, &user, values, errors, None),
    };
    let (shown, hidden) = possible_duplicates(&state, &user, &child).await?;
    let confirmed = values.get("different").is_some_and(|v| v == "yes");
    if (!shown.is_empty() || hidden > 0) && !confirmed {
        // Shown once without an error; sent again unconfirmed, it is one.
        let errors = if values.contains_key("checked") {
            vec![FieldError {
                field: "different",
                message: "Confirm this is a different child from those listed, or open their record instead".into(),
            }]
        } else {
            Vec::new()
        };
        let mut values = values;
        values.insert("checked".into(), "yes".into());
        return render(&state, &user, values, errors, Some((shown, hidden)));
    }
    match state.app.register(&write, events(child, now)).await {
        Ok(receipt) => {
            Ok(Redirect::to(&format!("/children/{}", receipt.child.as_str())).into_response())
        }
        Err(AppError::Refused { reason, .. }) => {
            let errors = vec![FieldError {
                field: "day",
                message: format!(
                    "This child cannot be registered: {}",
                    super::words::dates_in(&reason)
                ),
            }];
            render(&state, &user, values, errors, None)
        }
        Err(e) => Err(e.into()),
    }
}
