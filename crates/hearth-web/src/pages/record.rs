//! Recording on a child's record. The forms are declared in `forms.rs`; this module renders
//! any of them, parses what comes back into the domain's value types (a clear message against
//! each field that does not parse), and appends the event only if the record has not changed
//! since the form was opened. A refused form comes back with the user's input and the reason
//! in plain words.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::str::FromStr;

use askama::Template;
use axum::Form as Posted;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{NaiveDate, NaiveTime};
use hearth_app::AppError;
use hearth_app::policy::to_record;
use hearth_domain::directory::MemoryDirectory;
use hearth_domain::values::{
    Line, PartialDate, PermanenceAuthority, Postcode, SdqScore, Text, Urn,
};
use hearth_domain::{ChildId, ChildRecord, StaffId, TeamId, Timestamp};
use hearth_standards::Ruleset;

use super::Layout;
use super::forms::{Choice, Field, Form, Group, Input, find, steps};
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;
use hearth_app::policy::{Relationship, may_record};

/// Whether this user, connected to the child this way, may record this form (decided by
/// the application's policy from who the form is for).
pub fn allowed(form: &Form, user: &User, relationship: Relationship) -> bool {
    may_record(form.who, user, relationship)
}

/// A form the child's record offers.
pub struct Action {
    pub href: String,
    pub label: &'static str,
}

/// The forms of one group.
pub struct ActionGroup {
    pub heading: &'static str,
    pub actions: Vec<Action>,
}

/// Where a form is opened. Allocation has one form wherever it is reached from, the one
/// that shows each worker's caseload (`allocate.rs`).
fn address(child: &ChildId, form: &Form) -> String {
    if form.slug == ALLOCATION {
        format!("/children/{}/allocate", child.as_str())
    } else {
        format!("/children/{}/record/{}", child.as_str(), form.slug)
    }
}

/// The catalogue's allocation entry: its event and rules, asked on the allocation page.
const ALLOCATION: &str = "allocation";

/// The forms that make sense for this child today and that this user may record, by group.
pub fn offered(
    user: &User,
    relationship: Relationship,
    child: &ChildId,
    record: &ChildRecord,
    today: NaiveDate,
) -> Vec<ActionGroup> {
    Group::ALL
        .iter()
        .map(|&group| ActionGroup {
            heading: group.heading(),
            actions: super::forms::FORMS
                .iter()
                .filter(|f| {
                    f.group == group && allowed(f, user, relationship) && (f.offered)(record, today)
                })
                .map(|f| Action {
                    href: address(child, f),
                    label: f.title,
                })
                .collect(),
        })
        .filter(|g| !g.actions.is_empty())
        .collect()
}

#[derive(Template)]
#[template(path = "record_menu.html")]
struct MenuPage {
    layout: Layout,
    id: String,
    name: String,
    groups: Vec<ActionGroup>,
}

/// "Record something": every form that fits the child today and that the user may record, by
/// group, with the identity, family and network pages for those who may change them. One
/// page of its own, so the record itself opens on what matters.
pub async fn menu(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = ChildId::parse(&id).map_err(|_| WebError::NotFound)?;
    let (permit, stream) = state.app.view_child(&user, &id, "record something").await?;
    let record = stream.record();
    let today = state.app.now().london_date();
    let mut groups = offered(&user, permit.relationship(), &id, record, today);
    if hearth_app::policy::may_amend(&user, permit.relationship()) {
        let href = |p: &str| format!("/children/{}/{p}", id.as_str());
        groups.push(ActionGroup {
            heading: "Identity, family and network",
            actions: vec![
                Action {
                    href: href("details"),
                    label: "Change the child's details",
                },
                Action {
                    href: href("address"),
                    label: "Record a change of address",
                },
                Action {
                    href: href("network/add"),
                    label: "Add someone to the family and network",
                },
                Action {
                    href: href("professionals/add"),
                    label: "Add a professional",
                },
            ],
        });
    }
    if groups.is_empty() {
        return Err(WebError::NotFound);
    }
    let page = MenuPage {
        layout: Layout::new(&state, &user),
        id: id.as_str().to_owned(),
        name: record
            .details
            .as_ref()
            .map_or_else(|| id.as_str().to_owned(), |d| d.name.display()),
        groups,
    };
    Ok(Html(page.render()?).into_response())
}

/// The banner shown on the record after recording.
pub fn done_message(slug: &str) -> Option<&'static str> {
    find(slug)
        .map(|f| f.done)
        .or_else(|| (slug == super::correct::DONE_SLUG).then_some(super::correct::DONE))
}

/// What the browser sent, by field name; a field may come more than once (checkboxes).
#[derive(Default)]
pub struct Values(BTreeMap<String, Vec<String>>);

impl Values {
    pub(super) fn new(pairs: Vec<(String, String)>) -> Values {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in pairs {
            map.entry(k).or_default().push(v);
        }
        Values(map)
    }

    /// The first answer, trimmed; empty when there is none.
    pub(super) fn get(&self, name: &str) -> &str {
        self.0
            .get(name)
            .and_then(|v| v.first())
            .map_or("", |v| v.trim())
    }

    fn all(&self, name: &str) -> &[String] {
        self.0.get(name).map_or(&[], Vec::as_slice)
    }

    /// Every answer, for carrying the answers of other steps as hidden fields.
    fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .flat_map(|(k, vs)| vs.iter().map(move |v| (k.as_str(), v.as_str())))
    }
}

/// Which step of a stepped form asks a field (when it happened, and anything unknown, are on
/// the first).
fn step_of(form: &Form, field: &str) -> usize {
    steps(form.slug)
        .iter()
        .position(|names| names.contains(&field))
        .unwrap_or(0)
}

/// Whether a posted name is answered on this step: its own fields (a date field's parts
/// too), and on the first step when it happened.
fn asked_on(form: &Form, step: usize, name: &str) -> bool {
    let Some(names) = steps(form.slug).get(step) else {
        return true;
    };
    let base = name
        .rsplit_once('-')
        .filter(|(_, part)| ["day", "month", "year", "time"].contains(part))
        .map_or(name, |(base, _)| base);
    names.contains(&base) || (step == 0 && ["day", "month", "year", "time"].contains(&name))
}

/// An error against one field, for the error summary and the field.
#[derive(Debug)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

pub(super) fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// A day, month and year as typed, as a date.
pub(super) fn date_of(day: &str, month: &str, year: &str) -> Option<NaiveDate> {
    match (
        day.parse::<u32>(),
        month.parse::<u32>(),
        year.parse::<i32>(),
    ) {
        (Ok(d), Ok(m), Ok(y)) if y >= 1900 => NaiveDate::from_ymd_opt(y, m, d),
        _ => None,
    }
}

/// A time as typed on the 24-hour clock.
pub(super) fn time_of(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

/// Said when a form was opened at a version of the record that someone has since written to.
pub const STALE_FORM: &str = "Someone else recorded on this child's record while you were writing. Check what you entered and save again.";

/// Reads a posted form's fields into the domain's value types, collecting a message against
/// each field that is missing or does not parse. Fields asked only on a condition are read
/// only when the condition holds, so an answer left in a field that no longer applies is
/// ignored rather than recorded.
pub struct Reader<'a> {
    form: &'static Form,
    values: &'a Values,
    user: &'a User,
    workforce: &'a MemoryDirectory,
    ruleset: &'a Ruleset,
    record: &'a ChildRecord,
    today: NaiveDate,
    errors: Vec<FieldError>,
}

impl<'a> Reader<'a> {
    fn spec(&self, name: &str) -> Option<&'static Field> {
        self.form.fields.iter().find(|f| f.name == name)
    }

    /// Whether the field is asked, given the answers it depends on.
    fn asked(&self, field: &Field) -> bool {
        let mut current = field.when;
        // Conditions chain a few deep at most; the bound keeps a mistake in the catalogue
        // from looping.
        for _ in 0..8 {
            match current {
                None => return true,
                Some((other, answer, _)) => {
                    if self.values.get(other) != answer {
                        return false;
                    }
                    current = self.spec(other).and_then(|f| f.when);
                }
            }
        }
        false
    }

    pub(super) fn fail(&mut self, name: &str, message: String) {
        self.errors.push(FieldError {
            field: name.to_owned(),
            message,
        });
    }

    /// Records that a required field has no answer.
    fn missing(&mut self, field: &Field) {
        let verb = match field.input {
            Input::One(_)
            | Input::Many(_)
            | Input::YesNo
            | Input::Staff(_)
            | Input::StaffMany(_)
            | Input::Rule
            | Input::Entry(_) => "Select",
            _ => "Enter",
        };
        self.fail(field.name, format!("{verb} {}", field.what));
    }

    /// The field's answer, if it is asked and answered; a required field left empty is an
    /// error.
    fn answer(&mut self, name: &str) -> Option<(&'static Field, &'a str)> {
        let field = self.spec(name)?;
        if !self.asked(field) {
            return None;
        }
        let values: &'a Values = self.values;
        let v = values.get(name);
        if v.is_empty() {
            if !field.optional {
                self.missing(field);
            }
            return None;
        }
        Some((field, v))
    }

    fn parsed<T, E: Display>(&mut self, name: &str, parse: fn(&str) -> Result<T, E>) -> Option<T> {
        let (field, v) = self.answer(name)?;
        match parse(v) {
            Ok(t) => Some(t),
            Err(e) => {
                self.fail(
                    field.name,
                    super::words::value_problem(field.what, &e.to_string()),
                );
                None
            }
        }
    }

    /// One code from a list.
    pub fn code<T: FromStr>(&mut self, name: &str) -> Option<T> {
        let (field, v) = self.answer(name)?;
        let parsed = v.parse().ok();
        if parsed.is_none() {
            self.fail(field.name, format!("Select {} from the list", field.what));
        }
        parsed
    }

    /// Any number of codes from a list.
    pub fn codes<T: FromStr>(&mut self, name: &str) -> Vec<T> {
        let Some(field) = self.spec(name) else {
            return Vec::new();
        };
        if !self.asked(field) {
            return Vec::new();
        }
        let values: &'a Values = self.values;
        let mut out = Vec::new();
        for v in values.all(name) {
            match v.parse() {
                Ok(t) => out.push(t),
                Err(_) => {
                    self.fail(field.name, format!("Select {} from the list", field.what));
                    return Vec::new();
                }
            }
        }
        if out.is_empty() && !field.optional {
            self.missing(field);
        }
        out
    }

    pub fn yes_no(&mut self, name: &str) -> Option<bool> {
        let (field, v) = self.answer(name)?;
        match v {
            "yes" => Some(true),
            "no" => Some(false),
            _ => {
                self.fail(field.name, format!("Select {}", field.what));
                None
            }
        }
    }

    pub fn text(&mut self, name: &str) -> Option<Text> {
        self.parsed(name, Text::parse)
    }

    pub fn line(&mut self, name: &str) -> Option<Line> {
        self.parsed(name, Line::parse)
    }

    pub fn postcode(&mut self, name: &str) -> Option<Postcode> {
        self.parsed(name, Postcode::parse)
    }

    pub fn urn(&mut self, name: &str) -> Option<Urn> {
        self.parsed(name, Urn::parse)
    }

    pub fn number(&mut self, name: &str) -> Option<u16> {
        let (field, v) = self.answer(name)?;
        let n = v.parse().ok();
        if n.is_none() {
            self.fail(
                field.name,
                format!("{} must be a whole number, like 2", capitalised(field.what)),
            );
        }
        n
    }

    /// A strengths and difficulties questionnaire score.
    pub fn sdq_score(&mut self, name: &str) -> Option<SdqScore> {
        let (field, v) = self.answer(name)?;
        let score = v.parse::<u8>().ok().and_then(|n| SdqScore::new(n).ok());
        if score.is_none() {
            self.fail(
                field.name,
                format!(
                    "{} must be a whole number from 0 to 40",
                    capitalised(field.what)
                ),
            );
        }
        score
    }

    pub fn authority(&mut self, name: &str) -> Option<PermanenceAuthority> {
        self.parsed(name, |v| PermanenceAuthority::parse(&v.to_uppercase()))
    }

    /// A standard of the ruleset the app measures against, by its id.
    pub fn rule(&mut self, name: &str) -> Option<Line> {
        let (field, v) = self.answer(name)?;
        let known = self.ruleset.rule(v).and_then(|r| Line::parse(&r.id).ok());
        if known.is_none() {
            self.fail(field.name, format!("Select {} from the list", field.what));
        }
        known
    }

    /// A date in the three boxes where the day, or the day and the month, may be left out
    /// because they are not known.
    pub fn partial_date(&mut self, name: &str) -> Option<PartialDate> {
        let field = self.spec(name)?;
        if !self.asked(field) {
            return None;
        }
        let part = |p: &str| self.values.get(&format!("{name}-{p}")).to_owned();
        let (d, m, y) = (part("day"), part("month"), part("year"));
        if d.is_empty() && m.is_empty() && y.is_empty() {
            if !field.optional {
                self.missing(field);
            }
            return None;
        }
        let number = |s: &str| s.parse::<u32>().ok();
        let written = match (d.is_empty(), m.is_empty()) {
            (true, true) => Some(y.clone()),
            (true, false) => number(&m).map(|m| format!("{y}-{m:02}")),
            (false, false) => number(&m)
                .zip(number(&d))
                .map(|(m, d)| format!("{y}-{m:02}-{d:02}")),
            (false, true) => None,
        };
        let date = written
            .and_then(|w| PartialDate::parse(&w).ok())
            .filter(|p| p.year >= 1900);
        if date.is_none() {
            self.fail(
                field.name,
                format!(
                    "{} must be a real date, like 27 3 2026, or a month and year, or a year",
                    capitalised(field.what)
                ),
            );
        }
        date
    }

    /// A date typed in GOV.UK's three boxes, `{name}-day`, `-month` and `-year`.
    pub fn date(&mut self, name: &str) -> Option<NaiveDate> {
        let field = self.spec(name)?;
        if !self.asked(field) {
            return None;
        }
        let part = |p: &str| self.values.get(&format!("{name}-{p}")).to_owned();
        let (d, m, y) = (part("day"), part("month"), part("year"));
        if d.is_empty() && m.is_empty() && y.is_empty() {
            if !field.optional {
                self.missing(field);
            }
            return None;
        }
        let date = date_of(&d, &m, &y);
        if date.is_none() {
            self.fail(
                field.name,
                format!(
                    "{} must be a real date, like 27 3 2026",
                    capitalised(field.what)
                ),
            );
        }
        date
    }

    /// A date and a time (`{name}-time`), as an instant in England.
    pub fn moment(&mut self, name: &str) -> Option<Timestamp> {
        let date = self.date(name)?;
        let field = self.spec(name)?;
        let time = self.values.get(&format!("{name}-time")).to_owned();
        match time_of(&time) {
            Some(t) => Some(Timestamp::at_london_time(date, t)),
            None => {
                self.fail(
                    field.name,
                    "Enter the time as hours and minutes on the 24-hour clock, like 14:30".into(),
                );
                None
            }
        }
    }

    /// A member of staff from the list the field offers: in post today, in a role it admits.
    pub fn staff(&mut self, name: &str) -> Option<StaffId> {
        let (field, v) = self.answer(name)?;
        let Input::Staff(pick) = field.input else {
            return None;
        };
        let today = self.today;
        let found = StaffId::parse(v).ok().filter(|id| {
            self.workforce
                .staff
                .get(id)
                .is_some_and(|s| s.in_post_on(today) && pick.admits(s.role))
        });
        if found.is_none() {
            self.fail(field.name, format!("Select {} from the list", field.what));
        }
        found
    }

    /// Any number of staff from the list the field offers; `None` if one is not on it.
    pub fn staff_many(&mut self, name: &str) -> Option<Vec<StaffId>> {
        let field = self.spec(name)?;
        let Input::StaffMany(pick) = field.input else {
            return None;
        };
        if !self.asked(field) {
            return Some(Vec::new());
        }
        let values: &'a Values = self.values;
        let today = self.today;
        let mut out: Vec<StaffId> = Vec::new();
        for v in values.all(name) {
            let found = StaffId::parse(v.trim()).ok().filter(|id| {
                self.workforce
                    .staff
                    .get(id)
                    .is_some_and(|s| s.in_post_on(today) && pick.admits(s.role))
            });
            match found {
                // A box sent twice is one choice.
                Some(id) if !out.contains(&id) => out.push(id),
                Some(_) => {}
                None => {
                    self.fail(field.name, format!("Select {} from the list", field.what));
                    return None;
                }
            }
        }
        if out.is_empty() && !field.optional {
            self.missing(field);
            return None;
        }
        Some(out)
    }

    /// One of the record's entries the field offers, by its version.
    pub fn entry(&mut self, name: &str) -> Option<u64> {
        let (field, v) = self.answer(name)?;
        let Input::Entry(choices) = field.input else {
            return None;
        };
        let found = choices(self.record)
            .iter()
            .any(|c| c.value == v)
            .then(|| v.parse::<u64>().ok())
            .flatten();
        if found.is_none() {
            self.fail(field.name, format!("Select {} from the list", field.what));
        }
        found
    }

    /// An answer as sent, without reading it as a field (for a second event made from an
    /// answer the first event has already read).
    pub fn peek(&self, name: &str) -> &str {
        self.values.get(name)
    }

    /// The record as the form saw it.
    pub fn record(&self) -> &ChildRecord {
        self.record
    }

    /// The team a member of staff is in.
    pub fn team_of(&self, staff: &StaffId) -> Option<TeamId> {
        self.workforce.staff.get(staff).map(|s| s.team.clone())
    }

    /// The person recording.
    pub fn me(&self) -> &StaffId {
        &self.user.staff
    }
}

/// When something dated without a time happened. Today means now: it is being recorded as it
/// happens, and any fixed hour would be in the future for part of the day. An earlier day is
/// taken at midday, which stays on its day in England whatever the clocks do.
pub(super) fn untimed(date: NaiveDate, now: Timestamp) -> Timestamp {
    if date == now.london_date() {
        now
    } else {
        Timestamp::at_london_time(
            date,
            NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN),
        )
    }
}

/// The date and time a thing happened: GOV.UK's day, month and year fields, and a time.
fn occurred(values: &Values, now: Timestamp, errors: &mut Vec<FieldError>) -> Option<Timestamp> {
    occurred_as(
        "the date it happened",
        |date| untimed(date, now),
        values,
        now,
        errors,
    )
}

/// Today's date as a form's day, month and year, so a form opens on today.
pub(super) fn today_values(now: Timestamp) -> Values {
    let today = now.london_date();
    Values::new(vec![
        ("day".to_owned(), today.format("%-d").to_string()),
        ("month".to_owned(), today.format("%-m").to_string()),
        ("year".to_owned(), today.format("%Y").to_string()),
    ])
}

/// A date and time from the day, month, year and time fields, not in the future: `subject`
/// names it in the messages ("the date it happened"), and `untimed` gives the instant of a
/// date typed without a time.
pub(super) fn occurred_as(
    subject: &str,
    untimed: impl Fn(NaiveDate) -> Timestamp,
    values: &Values,
    now: Timestamp,
    errors: &mut Vec<FieldError>,
) -> Option<Timestamp> {
    let mut fail = |field: &str, message: String| {
        errors.push(FieldError {
            field: field.to_owned(),
            message,
        })
    };
    let capital = capitalised(subject);
    let (d, m, y) = (values.get("day"), values.get("month"), values.get("year"));
    if d.is_empty() && m.is_empty() && y.is_empty() {
        fail("day", format!("Enter {subject}"));
        return None;
    }
    let Some(date) = date_of(d, m, y) else {
        fail(
            "day",
            format!("{capital} must be a real date, like 27 3 2026"),
        );
        return None;
    };
    let time = values.get("time");
    let at = if time.is_empty() {
        untimed(date)
    } else {
        let Some(time) = time_of(time) else {
            fail(
                "time",
                "Enter the time as hours and minutes on the 24-hour clock, like 14:30".to_owned(),
            );
            return None;
        };
        Timestamp::at_london_time(date, time)
    };
    if at > now {
        fail("day", format!("{capital} must be today or in the past"));
        return None;
    }
    Some(at)
}

/// What is posted is read against the workforce, the ruleset and the record as the form saw
/// them.
pub(super) struct Context<'a> {
    pub user: &'a User,
    pub workforce: &'a MemoryDirectory,
    pub ruleset: &'a Ruleset,
    pub record: &'a ChildRecord,
    pub now: Timestamp,
}

/// Turns the posted form into its events and when they happened, or the errors against its
/// fields. `first` is the version the first event will have in the child's stream, which a
/// second event about it names.
fn event(
    form: &'static Form,
    cx: &Context<'_>,
    values: &Values,
    first: u64,
) -> Result<(Timestamp, Vec<hearth_domain::child::ChildEvent>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let at = occurred(values, cx.now, &mut errors);
    let mut reader = Reader {
        form,
        values,
        user: cx.user,
        workforce: cx.workforce,
        ruleset: cx.ruleset,
        record: cx.record,
        today: cx.now.london_date(),
        errors: Vec::new(),
    };
    let event = (form.build)(&mut reader);
    let follow = super::forms::follows(form.slug).and_then(|f| f(&mut reader, first));
    errors.append(&mut reader.errors);
    match (at, event) {
        (Some(at), Some(event)) if errors.is_empty() => {
            Ok((at, std::iter::once(event).chain(follow).collect()))
        }
        _ => Err(errors),
    }
}

/// One choice as shown.
pub struct OptionView {
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// One field as shown: everything the template needs, worked out here.
pub struct FieldView {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: String,
    /// How it is drawn: radios, inline (yes or no), select, checkboxes, line, text, number,
    /// date or moment.
    pub kind: &'static str,
    pub error: Option<String>,
    /// The ids that describe the control: its hint and its error.
    pub described: String,
    pub value: String,
    pub day: String,
    pub month: String,
    pub year: String,
    pub time: String,
    pub options: Vec<OptionView>,
}

/// Lists longer than this are a select rather than radios.
const LONGEST_RADIOS: usize = 10;

fn staff_choices(
    workforce: &MemoryDirectory,
    pick: super::forms::Pick,
    today: NaiveDate,
) -> Vec<Choice> {
    let mut staff: Vec<Choice> = workforce
        .staff
        .iter()
        .filter(|(_, s)| s.in_post_on(today) && pick.admits(s.role))
        .map(|(id, s)| {
            let team = workforce
                .teams
                .get(&s.team)
                .map_or_else(|| s.team.as_str().to_owned(), |t| t.name().to_owned());
            Choice {
                value: id.as_str().to_owned(),
                label: format!("{} ({}, {team})", s.name.display(), s.role.label()),
            }
        })
        .collect();
    staff.sort_by(|a, b| a.label.cmp(&b.label));
    staff
}

/// The standards a manager may vary, as choices; every standard when the ruleset lets none
/// be varied, so the list is never empty.
fn rule_choices(ruleset: &Ruleset) -> Vec<Choice> {
    let variable: Vec<_> = ruleset
        .rules
        .iter()
        .filter(|r| r.variation.is_some())
        .collect();
    let rules = if variable.is_empty() {
        ruleset.rules.iter().collect()
    } else {
        variable
    };
    rules
        .into_iter()
        .map(|r| Choice {
            value: r.id.clone(),
            label: format!("{} ({})", r.summary, r.id),
        })
        .collect()
}

fn field_view(
    f: &Field,
    values: &Values,
    errors: &[FieldError],
    workforce: &MemoryDirectory,
    ruleset: &Ruleset,
    (record, today): (&ChildRecord, NaiveDate),
) -> FieldView {
    let error = errors
        .iter()
        .find(|e| e.field == f.name)
        .map(|e| e.message.clone());
    let mut hint = f.hint.to_owned();
    if let Some((_, _, words)) = f.when {
        hint = if hint.is_empty() {
            words.to_owned()
        } else {
            format!("{words}. {hint}")
        };
    }
    let options = |choices: Vec<Choice>| -> Vec<OptionView> {
        let chosen = values.all(f.name);
        choices
            .into_iter()
            .enumerate()
            .map(|(i, c)| OptionView {
                // The first choice carries the field's own id, so the error summary's link
                // lands on it.
                id: if i == 0 {
                    f.name.to_owned()
                } else {
                    format!("{}-{}", f.name, c.value)
                },
                checked: chosen.iter().any(|v| v == &c.value),
                value: c.value,
                label: c.label,
            })
            .collect()
    };
    let (kind, options) = match f.input {
        Input::One(list) => {
            let choices = list();
            let kind = if choices.len() > LONGEST_RADIOS {
                "select"
            } else {
                "radios"
            };
            (kind, options(choices))
        }
        Input::Many(list) => ("checkboxes", options(list())),
        Input::YesNo => (
            "inline",
            vec![
                OptionView {
                    id: f.name.to_owned(),
                    value: "yes".into(),
                    label: "Yes".into(),
                    checked: values.get(f.name) == "yes",
                },
                OptionView {
                    id: format!("{}-no", f.name),
                    value: "no".into(),
                    label: "No".into(),
                    checked: values.get(f.name) == "no",
                },
            ],
        ),
        Input::Staff(pick) => ("select", options(staff_choices(workforce, pick, today))),
        Input::Rule => ("select", options(rule_choices(ruleset))),
        Input::Entry(list) => ("radios", options(list(record))),
        Input::StaffMany(pick) => ("checkboxes", options(staff_choices(workforce, pick, today))),
        Input::Line => ("line", Vec::new()),
        Input::Text => ("text", Vec::new()),
        Input::Number => ("number", Vec::new()),
        Input::Date => ("date", Vec::new()),
        Input::Moment => ("moment", Vec::new()),
    };
    let mut described = Vec::new();
    if !hint.is_empty() {
        described.push(format!("{}-hint", f.name));
    }
    if error.is_some() {
        described.push(format!("{}-error", f.name));
    }
    let part = |p: &str| values.get(&format!("{}-{p}", f.name)).to_owned();
    FieldView {
        name: f.name,
        label: f.label,
        hint,
        kind,
        error,
        described: described.join(" "),
        value: values.get(f.name).to_owned(),
        day: part("day"),
        month: part("month"),
        year: part("year"),
        time: part("time"),
        options,
    }
}

/// A line of the error summary.
pub struct SummaryLine {
    pub href: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    layout: Layout,
    id: String,
    name: String,
    slug: &'static str,
    title: &'static str,
    version: u64,
    summary: Vec<SummaryLine>,
    when_error: Option<String>,
    time_error: Option<String>,
    day: String,
    month: String,
    year: String,
    time: String,
    fields: Vec<FieldView>,
    /// This step and how many there are (one, for a form asked on one page).
    step: usize,
    steps: usize,
    /// The answers given on the other steps, sent again as hidden fields.
    carried: Vec<(String, String)>,
}

impl RecordPage {
    /// The three boxes of a GOV.UK date input: (part, label, width, value).
    fn date_parts<'v>(
        &self,
        day: &'v str,
        month: &'v str,
        year: &'v str,
    ) -> Vec<(&'static str, &'static str, &'static str, &'v str)> {
        vec![
            ("day", "Day", "2", day),
            ("month", "Month", "2", month),
            ("year", "Year", "4", year),
        ]
    }
}

async fn render(
    state: &AppState,
    user: &User,
    id: &ChildId,
    form: &'static Form,
    values: &Values,
    errors: Vec<FieldError>,
    (version, step): (Option<u64>, usize),
) -> Result<Response, WebError> {
    let (permit, stream) = state.app.view_child(user, id, form.title).await?;
    if !allowed(form, user, permit.relationship()) {
        return Err(WebError::NotFound);
    }
    let record = stream.record();
    let today = state.app.now().london_date();
    let workforce = state.app.workforce().await;
    let fields: Vec<FieldView> = form
        .fields
        .iter()
        .filter(|f| asked_on(form, step, f.name))
        .map(|f| {
            field_view(
                f,
                values,
                &errors,
                &workforce,
                state.app.ruleset(),
                (record, today),
            )
        })
        .collect();
    let carried = values
        .pairs()
        .filter(|(name, _)| !["csrf", "version", "step"].contains(name))
        .filter(|(name, _)| !asked_on(form, step, name))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    drop(workforce);
    let summary = errors
        .iter()
        .map(|e| {
            let dated = form
                .fields
                .iter()
                .any(|f| f.name == e.field && matches!(f.input, Input::Date | Input::Moment));
            SummaryLine {
                href: if dated {
                    format!("#{}-day", e.field)
                } else {
                    format!("#{}", e.field)
                },
                message: e.message.clone(),
            }
        })
        .collect();
    let error_of = |name: &str| {
        errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.message.clone())
    };
    let page = RecordPage {
        layout: Layout::new(state, user),
        id: id.as_str().to_owned(),
        name: record
            .details
            .as_ref()
            .map_or_else(|| id.as_str().to_owned(), |d| d.name.display()),
        slug: form.slug,
        title: form.title,
        version: version.unwrap_or(stream.version()),
        summary,
        when_error: error_of("day"),
        time_error: error_of("time"),
        day: values.get("day").to_owned(),
        month: values.get("month").to_owned(),
        year: values.get("year").to_owned(),
        time: values.get("time").to_owned(),
        fields,
        step,
        steps: steps(form.slug).len().max(1),
        carried,
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
    Path((id, slug)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = ChildId::parse(&id).map_err(|_| WebError::NotFound)?;
    let form = find(&slug).ok_or(WebError::NotFound)?;
    if form.slug == ALLOCATION {
        return Ok(Redirect::to(&address(&id, form)).into_response());
    }
    let today = today_values(state.app.now());
    render(&state, &user, &id, form, &today, Vec::new(), (None, 0)).await
}

/// The form sent back: recorded, or shown again with what was wrong.
pub async fn submit(
    State(state): State<AppState>,
    user: User,
    Path((id, slug)): Path<(String, String)>,
    Posted(pairs): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = ChildId::parse(&id).map_err(|_| WebError::NotFound)?;
    let form = find(&slug).ok_or(WebError::NotFound)?;
    let values = Values::new(pairs);
    user.check_form(values.get("csrf"))?;
    // The same decision as for the form: a user who may not record here learns nothing more.
    let (permit, stream) = state.app.view_child(&user, &id, form.title).await?;
    let write = to_record(&user, &permit, form.who).ok_or(WebError::NotFound)?;
    let version = values.get("version").parse::<u64>().ok();
    let now = state.app.now();
    let parsed = {
        let workforce = state.app.workforce().await;
        let cx = Context {
            user: &user,
            workforce: &workforce,
            ruleset: state.app.ruleset(),
            record: stream.record(),
            now,
        };
        // The first event takes the version after the one the form was opened at; if the
        // record has moved on, the write is refused as stale before that matters.
        let first = version.unwrap_or(stream.version()).saturating_add(1);
        event(form, &cx, &values, first)
    };
    // A stepped form is parsed whole at each step. Problems on this step or an earlier one
    // are shown on the first step that has any; questions not yet reached are not problems
    // yet, so the next step is asked.
    let last = steps(form.slug).len().saturating_sub(1);
    let step = values
        .get("step")
        .parse::<usize>()
        .map_or(last, |s| s.min(last));
    let (at, events) = match parsed {
        Ok(_) if step < last => {
            return render(
                &state,
                &user,
                &id,
                form,
                &values,
                Vec::new(),
                (version, step + 1),
            )
            .await;
        }
        Ok(e) => e,
        Err(errors) => {
            let first = errors
                .iter()
                .map(|e| step_of(form, &e.field))
                .min()
                .unwrap_or(0);
            if first > step {
                return render(
                    &state,
                    &user,
                    &id,
                    form,
                    &values,
                    Vec::new(),
                    (version, step + 1),
                )
                .await;
            }
            let errors = errors
                .into_iter()
                .filter(|e| step_of(form, &e.field) == first)
                .collect();
            return render(&state, &user, &id, form, &values, errors, (version, first)).await;
        }
    };
    let version = version.ok_or_else(|| {
        WebError::BadRequest("The form is incomplete: reload the page and try again.".into())
    })?;
    let refused = |message: String| {
        vec![FieldError {
            field: "day".into(),
            message,
        }]
    };
    let events = events.into_iter().map(|e| (at, e)).collect();
    match state.app.record(&write, version, events).await {
        Ok(_) => {
            // What was recorded may take the child out of the user's sight (a transfer to
            // another team): then My work, with the banner, rather than "Page not found".
            let sees = state.app.may_see(&user, &id).await?;
            let to = if sees {
                format!("/children/{}?recorded={}", id.as_str(), form.slug)
            } else {
                format!("/?recorded={}", form.slug)
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(AppError::Refused { reason, .. }) => {
            let errors = refused(format!(
                "This cannot be recorded: {}",
                super::words::dates_in(&reason)
            ));
            render(
                &state,
                &user,
                &id,
                form,
                &values,
                errors,
                (Some(version), 0),
            )
            .await
        }
        Err(AppError::Stale { .. }) => {
            // The form goes back at the record's new version, so saving again is checked
            // against what the other person recorded.
            let errors = refused(STALE_FORM.into());
            render(&state, &user, &id, form, &values, errors, (None, 0)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::collections::HashSet;

    use hearth_domain::child::ChildEvent;
    use hearth_domain::directory::StaffMember;
    use hearth_domain::people::PersonName;
    use hearth_domain::{StaffId, TeamId};

    use super::super::forms::{FORMS, Pick};
    use super::*;
    use hearth_domain::codes::StaffRole;
    use hearth_domain::{Actor, Recorded};

    fn now() -> Timestamp {
        Timestamp::parse("2026-11-20T15:00:00Z").unwrap()
    }

    fn ruleset() -> Ruleset {
        Ruleset::builtin("bromley").unwrap().unwrap()
    }

    fn user() -> User {
        User {
            principal: hearth_app::Principal {
                staff: StaffId::parse("TM2").unwrap(),
                role: StaffRole::TeamManager,
                team: TeamId::parse("TLA1").unwrap(),
            },
            name: "Declan Ashworth".into(),
            csrf: String::new(),
            username: "tm2".into(),
            session: String::new(),
        }
    }

    /// One member of staff in post for each kind of list a form offers.
    fn workforce() -> MemoryDirectory {
        let mut dir = MemoryDirectory::default();
        for (id, role) in [
            ("SW2", StaffRole::SocialWorker),
            ("PA1", StaffRole::PersonalAdviser),
            ("LEFT", StaffRole::SocialWorker),
        ] {
            dir.staff.insert(
                StaffId::parse(id).unwrap(),
                StaffMember {
                    name: PersonName {
                        given: Line::parse("Test").unwrap(),
                        family: Line::parse(id).unwrap(),
                        preferred: None,
                    },
                    role,
                    team: TeamId::parse("TLA1").unwrap(),
                    registration: None,
                    email: None,
                    phone: None,
                    line_manager: None,
                    joined: NaiveDate::from_ymd_opt(2020, 1, 6).unwrap(),
                    left: (id == "LEFT").then(|| NaiveDate::from_ymd_opt(2025, 1, 6).unwrap()),
                },
            );
        }
        dir
    }

    fn posted(pairs: &[(&str, &str)]) -> Values {
        let mut all = vec![("day", "19"), ("month", "11"), ("year", "2026")];
        all.extend_from_slice(pairs);
        Values::new(
            all.into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        )
    }

    fn parse(slug: &str, pairs: &[(&str, &str)]) -> Result<ChildEvent, Vec<FieldError>> {
        let form = find(slug).unwrap();
        made(form, &posted(pairs), now()).map(|(_, mut e)| e.remove(0))
    }

    /// The form's events from these answers, on an empty record of child C1.
    fn made(
        form: &'static Form,
        values: &Values,
        now: Timestamp,
    ) -> Result<(Timestamp, Vec<ChildEvent>), Vec<FieldError>> {
        let record = ChildRecord::new(ChildId::parse("C1").unwrap());
        let (user, workforce, ruleset) = (user(), workforce(), ruleset());
        let cx = Context {
            user: &user,
            workforce: &workforce,
            ruleset: &ruleset,
            record: &record,
            now,
        };
        event(form, &cx, values, 1)
    }

    fn messages(errors: Vec<FieldError>) -> Vec<(String, String)> {
        errors.into_iter().map(|e| (e.field, e.message)).collect()
    }

    #[test]
    fn the_catalogue_is_consistent() {
        let mut slugs = HashSet::new();
        for form in FORMS {
            assert!(slugs.insert(form.slug), "{} twice", form.slug);
            let mut names = HashSet::new();
            for f in form.fields {
                assert!(
                    !["day", "month", "year", "time", "csrf", "version"].contains(&f.name),
                    "{}: {} is taken by every form",
                    form.slug,
                    f.name
                );
                if let Some((other, _, _)) = f.when {
                    assert!(
                        names.contains(other),
                        "{}: {} depends on {other}, which must come before it",
                        form.slug,
                        f.name
                    );
                }
                assert!(names.insert(f.name), "{}: {} twice", form.slug, f.name);
            }
        }
    }

    /// A valid answer for each kind of question.
    fn answer(f: &Field) -> Vec<(String, String)> {
        let one = |v: &str| vec![(f.name.to_owned(), v.to_owned())];
        match f.input {
            Input::One(list) | Input::Many(list) => one(&list()[0].value),
            Input::YesNo => one("yes"),
            Input::Line => one("A short line"),
            Input::Text => one("Some words about it."),
            Input::Number => one("2"),
            Input::Staff(Pick::Adviser) => one("PA1"),
            Input::Staff(_) | Input::StaffMany(_) => one("SW2"),
            Input::Rule => one("cin-visit"),
            Input::Entry(_) => one("1"),
            Input::Date | Input::Moment => ["day", "month", "year", "time"]
                .into_iter()
                .zip(["3", "12", "2026", "09:30"])
                .map(|(p, v)| (format!("{}-{p}", f.name), v.to_owned()))
                .collect(),
        }
    }

    /// Every form, with each required question answered and the optional ones left blank,
    /// makes its event: each build reads the fields its form declares. A form about one of
    /// the record's entries needs a record that has it (`content_forms_*`).
    #[test]
    fn every_form_makes_its_event_from_its_required_answers() {
        for form in FORMS
            .iter()
            .filter(|f| !f.fields.iter().any(|f| matches!(f.input, Input::Entry(_))))
        {
            let mut pairs = vec![
                ("day".to_owned(), "19".to_owned()),
                ("month".to_owned(), "11".to_owned()),
                ("year".to_owned(), "2026".to_owned()),
            ];
            for f in form.fields.iter().filter(|f| !f.optional) {
                pairs.extend(answer(f));
            }
            let values = Values::new(pairs);
            let made = made(form, &values, now());
            match made {
                Ok((at, _)) => assert_eq!(at.london_date().to_string(), "2026-11-19"),
                Err(e) => panic!("{}: {:?}", form.slug, messages(e)),
            }
        }
    }

    #[test]
    fn a_visit_asks_about_seeing_the_child_alone_only_when_the_child_was_seen() {
        let not_seen = parse(
            "visit",
            &[
                ("visit_kind", "STATUTORY"),
                ("child_seen", "no"),
                ("seen_alone", "no"),
                ("not_seen_alone_reason", "left over from an earlier answer"),
                ("agreed_by", "SW2"),
                ("child_said", "left over too"),
                ("purpose", "A statutory visit."),
                ("what_seen", "Nobody was home."),
                ("next_steps", "Visit again tomorrow."),
            ],
        )
        .unwrap();
        assert_eq!(
            not_seen,
            ChildEvent::VisitMade {
                kind: hearth_domain::codes::VisitKind::Statutory,
                child_seen: false,
                seen_alone: None,
                not_seen_alone_reason: None,
                bedroom_seen: None,
            }
        );
        let errors = parse(
            "visit",
            &[
                ("visit_kind", "STATUTORY"),
                ("child_seen", "yes"),
                ("seen_alone", "no"),
                ("agreed_by", "SW2"),
                ("purpose", "A statutory visit."),
                ("what_seen", "The child at home."),
                ("next_steps", "Visit again in four weeks."),
            ],
        )
        .unwrap_err();
        assert_eq!(
            messages(errors),
            [(
                "not_seen_alone_reason".to_owned(),
                "Enter why the child was not seen alone".to_owned()
            )]
        );
    }

    /// A visit's words are written with the visit, about it: the answers that no longer
    /// apply (the child was not seen) are left out of both.
    #[test]
    fn a_visit_writes_its_words_about_itself() {
        let form = find("visit").unwrap();
        let (_, events) = made(
            form,
            &posted(&[
                ("visit_kind", "STATUTORY"),
                ("child_seen", "yes"),
                ("seen_alone", "no"),
                ("not_seen_alone_reason", "Too upset to be apart from mum."),
                ("agreed_by", "SW2"),
                ("purpose", "A statutory visit."),
                ("what_seen", "The child at home."),
                ("child_said", "I like my new school."),
                ("next_steps", "Visit again in four weeks."),
            ]),
            now(),
        )
        .unwrap();
        let [
            ChildEvent::VisitMade { .. },
            ChildEvent::VisitWritten { about, content },
        ] = events.as_slice()
        else {
            panic!("{events:?}")
        };
        assert_eq!(*about, 1, "about the visit, the first event");
        let alone = content.not_seen_alone.as_ref().unwrap();
        assert_eq!(alone.why.as_str(), "Too upset to be apart from mum.");
        assert_eq!(alone.agreed_by.as_str(), "SW2");
        assert_eq!(
            content.child_said.as_ref().map(Text::as_str),
            Some("I like my new school.")
        );
        let errors = made(
            form,
            &posted(&[
                ("visit_kind", "STATUTORY"),
                ("child_seen", "yes"),
                ("seen_alone", "yes"),
            ]),
            now(),
        )
        .unwrap_err();
        let fields: Vec<String> = errors.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["purpose", "what_seen", "next_steps"]);
    }

    /// A form about one of the record's entries offers only the entries it may be about,
    /// and refuses any other as not on its list.
    #[test]
    fn content_forms_offer_only_the_entries_they_may_be_about() {
        let form = find("assessment-written").unwrap();
        let errors = made(form, &posted(&[("assessment", "1")]), now()).unwrap_err();
        let first = &errors[0];
        assert_eq!(
            (first.field.as_str(), first.message.as_str()),
            ("assessment", "Select the assessment from the list")
        );
        assert_eq!(errors.len(), 11, "each of the ten texts is missing too");
    }

    #[test]
    fn each_answer_is_parsed_with_a_message_against_its_field() {
        let errors = parse(
            "episode-started",
            &[
                ("reason", "S"),
                ("legal_status", "C2"),
                ("placement", "ZZ"),
                ("category_of_need", "N1"),
                ("home_postcode", "not a postcode"),
            ],
        )
        .unwrap_err();
        let fields: Vec<String> = errors.iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["placement", "home_postcode"]);
        assert_eq!(errors[0].message, "Select the placement type from the list");

        let errors = parse(
            "strategy-discussion",
            &[("agencies", "POLICE"), ("agencies", "NOT_AN_AGENCY")],
        )
        .unwrap_err();
        assert_eq!(
            messages(errors),
            [
                (
                    "agencies".to_owned(),
                    "Select the agencies that took part from the list".to_owned()
                ),
                ("decision".to_owned(), "Select what was decided".to_owned()),
            ]
        );

        let errors = parse(
            "meeting-scheduled",
            &[
                ("meeting", "CORE_GROUP"),
                ("at-day", "31"),
                ("at-month", "11"),
                ("at-year", "2026"),
                ("at-time", "10:00"),
            ],
        )
        .unwrap_err();
        assert_eq!(
            messages(errors),
            [(
                "at".to_owned(),
                "When the meeting is must be a real date, like 27 3 2026".to_owned()
            )]
        );
    }

    #[test]
    fn a_previous_order_may_be_dated_by_its_month_or_year_alone() {
        let made = |day: &str, month: &str| {
            parse(
                "previous-permanence",
                &[
                    ("order", "P2"),
                    ("authority", "wal"),
                    ("made-day", day),
                    ("made-month", month),
                    ("made-year", "2019"),
                ],
            )
        };
        let ChildEvent::PreviousPermanenceRecorded {
            authority, date, ..
        } = made("", "4").unwrap()
        else {
            panic!("a previous order");
        };
        assert_eq!(authority.unwrap().as_str(), "WAL");
        assert_eq!(date.unwrap().to_string(), "2019-04");
        assert!(made("", "").is_ok());
        assert_eq!(
            messages(made("3", "").unwrap_err()),
            [(
                "made".to_owned(),
                "When it was made must be a real date, like 27 3 2026, or a month and year, or a year"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn a_questionnaire_has_a_score_in_range_or_a_reason() {
        let scored = parse(
            "sdq",
            &[("scored", "yes"), ("score", "41"), ("reason", "SDQ2")],
        );
        assert_eq!(
            messages(scored.unwrap_err()),
            [(
                "score".to_owned(),
                "The score must be a whole number from 0 to 40".to_owned()
            )]
        );
        // The answer left in the question that no longer applies is ignored.
        let unscored = parse(
            "sdq",
            &[("scored", "no"), ("score", "12"), ("reason", "SDQ2")],
        );
        assert_eq!(
            unscored.unwrap(),
            ChildEvent::SdqRecorded {
                score: None,
                reason: Some(hearth_domain::codes::SdqReason::Sdq2),
            }
        );
    }

    #[test]
    fn a_standard_is_one_of_the_ruleset() {
        let errors = parse("variation-ended", &[("rule", "no-such-rule")]).unwrap_err();
        assert_eq!(
            messages(errors),
            [(
                "rule".to_owned(),
                "Select the standard from the list".to_owned()
            )]
        );
        let ended = parse("variation-ended", &[("rule", "cla-visit")]).unwrap();
        assert_eq!(
            ended,
            ChildEvent::VariationEnded {
                rule: Line::parse("cla-visit").unwrap()
            }
        );
    }

    #[test]
    fn staff_are_chosen_from_those_in_post_in_the_right_role() {
        for worker in ["LEFT", "PA1", "NOBODY"] {
            let errors = parse(
                "allocation",
                &[
                    ("worker", worker),
                    ("reason", "FCONTA"),
                    ("oversight", "Allocate and assess."),
                ],
            )
            .unwrap_err();
            assert_eq!(
                messages(errors),
                [(
                    "worker".to_owned(),
                    "Select the worker from the list".to_owned()
                )],
                "{worker}"
            );
        }
        let allocated = parse(
            "allocation",
            &[
                ("worker", "SW2"),
                ("reason", "FCONTA"),
                ("oversight", "Allocate and assess."),
            ],
        )
        .unwrap();
        let ChildEvent::WorkerAllocated {
            worker,
            team,
            decided_by,
            ..
        } = allocated
        else {
            panic!("{allocated:?}");
        };
        assert_eq!(
            (worker.as_str(), team.as_str(), decided_by.as_str()),
            ("SW2", "TLA1", "TM2")
        );
    }

    #[test]
    fn a_restriction_names_any_number_of_staff_in_post() {
        let made = parse(
            "restrict",
            &[
                ("reason", "A parent works in the service."),
                ("permitted", "SW2"),
                ("permitted", "PA1"),
                ("permitted", "SW2"),
            ],
        )
        .unwrap();
        let ChildEvent::RecordRestricted {
            decided_by,
            permitted,
            ..
        } = made
        else {
            panic!("{made:?}");
        };
        assert_eq!(decided_by.as_str(), "TM2");
        let names: Vec<&str> = permitted.iter().map(StaffId::as_str).collect();
        assert_eq!(names, ["SW2", "PA1"]);

        let none = parse("restrict", &[("reason", "A parent works in the service.")]);
        assert!(
            matches!(none, Ok(ChildEvent::RecordRestricted { ref permitted, .. }) if permitted.is_empty()),
            "{none:?}"
        );

        for who in ["LEFT", "NOBODY"] {
            let errors =
                parse("restrict", &[("permitted", "SW2"), ("permitted", who)]).unwrap_err();
            assert_eq!(
                messages(errors),
                [
                    (
                        "reason".to_owned(),
                        "Enter why the record is being restricted".to_owned()
                    ),
                    (
                        "permitted".to_owned(),
                        "Select who else may see it from the list".to_owned()
                    ),
                ],
                "{who}"
            );
        }
    }

    #[test]
    fn the_date_it_happened_is_needed_and_not_in_the_future() {
        let form = find("core-group").unwrap();
        let none = Values::new(Vec::new());
        let errors = made(form, &none, now()).unwrap_err();
        assert_eq!(
            messages(errors),
            [("day".to_owned(), "Enter the date it happened".to_owned())]
        );
        let future = Values::new(
            [("day", "21"), ("month", "11"), ("year", "2026")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        );
        let errors = made(form, &future, now()).unwrap_err();
        assert_eq!(
            messages(errors),
            [(
                "day".to_owned(),
                "The date it happened must be today or in the past".to_owned()
            )]
        );
    }

    fn child(born: &str, events: &[(&str, serde_json::Value)]) -> ChildRecord {
        let mut all = vec![(
            "2026-01-05T09:00:00Z",
            serde_json::json!({"type": "child_registered", "details": {
                "name": {"given": "Ada", "family": "Test"}, "sex": "F",
                "date_of_birth": born, "ethnicity": "WBRI", "disabilities": ["NONE"]}}),
        )];
        all.extend(events.iter().cloned());
        let recorded: Vec<_> = all
            .into_iter()
            .map(|(at, e)| Recorded {
                occurred_at: Timestamp::parse(at).unwrap(),
                recorded_at: Timestamp::parse(at).unwrap(),
                recorded_by: Actor::System("test".into()),
                event: serde_json::from_value(e).unwrap(),
            })
            .collect();
        hearth_domain::child::fold(&ChildId::parse("C1").unwrap(), &recorded)
    }

    fn offers(record: &ChildRecord, slug: &str) -> bool {
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        offered(&user(), Relationship::Allocated, &record.id, record, today)
            .iter()
            .flat_map(|g| &g.actions)
            .any(|a| a.href.ends_with(&format!("/record/{slug}")))
    }

    /// Point 12 of issue 12: "Record something" offers what fits the child: not "became a
    /// parent" at 5, not "section 47 enquiry started" once it has ended.
    #[test]
    fn what_is_offered_fits_the_child() {
        let care = [(
            "2026-02-02T09:00:00Z",
            serde_json::json!({"type": "episode_started", "reason": "S", "legal_status": "C2",
                "placement": "U6", "category_of_need": "N1"}),
        )];
        let five = child("2021-06-01", &care);
        assert!(offers(&five, "cla-review"));
        assert!(!offers(&five, "parenthood"));
        assert!(!offers(&five, "care-leaver-status"));
        assert!(!offers(&five, "conviction"));
        let fifteen = child("2011-06-01", &care);
        assert!(offers(&fifteen, "parenthood") && offers(&fifteen, "pathway-plan"));

        let mut steps = vec![
            (
                "2026-02-02T09:00:00Z",
                serde_json::json!({"type": "referral_received", "source": "2A",
                    "primary_need": "N1", "no_further_action": false}),
            ),
            (
                "2026-02-03T09:00:00Z",
                serde_json::json!({"type": "concern_raised", "summary": "Bruising seen."}),
            ),
            (
                "2026-02-03T10:00:00Z",
                serde_json::json!({"type": "strategy_discussion_held",
                    "agencies": ["SOCIAL_CARE", "POLICE"], "decision": "S47"}),
            ),
        ];
        assert!(offers(&child("2016-06-01", &steps), "section-47-started"));
        steps.push((
            "2026-02-03T11:00:00Z",
            serde_json::json!({"type": "section47_started"}),
        ));
        assert!(!offers(&child("2016-06-01", &steps), "section-47-started"));
        steps.push((
            "2026-02-10T11:00:00Z",
            serde_json::json!({"type": "section47_completed", "outcome": "SUBSTANTIATED_RISK",
                "conference_needed": true}),
        ));
        let ended = child("2016-06-01", &steps);
        assert!(!offers(&ended, "section-47-started"));
        assert!(offers(&ended, "initial-conference"));
    }

    /// Point 4 of issue 12: at 09:00, an entry dated today with no time is taken as now (it
    /// used to be noon, in the future, and refused); an earlier day with no time is midday.
    #[test]
    fn an_entry_dated_today_without_a_time_is_now() {
        let form = find("core-group").unwrap();
        let nine = Timestamp::parse("2026-11-20T09:00:00Z").unwrap();
        let today = Values::new(
            [("day", "20"), ("month", "11"), ("year", "2026")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        );
        let (at, _) = made(form, &today, nine).unwrap();
        assert_eq!(at, nine);
        let (at, _) = made(form, &posted(&[]), nine).unwrap();
        assert_eq!(at, Timestamp::parse("2026-11-19T12:00:00Z").unwrap());
        // In summer time, midday in England.
        assert_eq!(
            untimed(NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(), nine),
            Timestamp::parse("2026-07-01T11:00:00Z").unwrap()
        );
    }

    #[test]
    fn a_form_opens_on_today() {
        let v = today_values(Timestamp::parse("2026-03-29T23:30:00Z").unwrap());
        // Half past midnight on 30 March in England, in summer time.
        assert_eq!(
            (v.get("day"), v.get("month"), v.get("year")),
            ("30", "3", "2026")
        );
    }

    #[test]
    fn a_stepped_form_asks_each_of_its_fields_on_exactly_one_step() {
        for form in FORMS {
            let steps = steps(form.slug);
            if steps.is_empty() {
                continue;
            }
            let mut asked: Vec<&str> = steps.iter().flat_map(|s| s.iter().copied()).collect();
            asked.sort_unstable();
            let mut fields: Vec<&str> = form.fields.iter().map(|f| f.name).collect();
            fields.sort_unstable();
            assert_eq!(asked, fields, "{}", form.slug);
            for f in form.fields {
                let on: Vec<usize> = (0..steps.len())
                    .filter(|&i| asked_on(form, i, f.name))
                    .collect();
                assert_eq!(on, [step_of(form, f.name)], "{} {}", form.slug, f.name);
            }
            // When it happened, and a date field's parts, go with their step.
            assert!(asked_on(form, 0, "day") && !asked_on(form, 1, "day"));
        }
        assert!(!steps("episode-started").is_empty());
    }
}
