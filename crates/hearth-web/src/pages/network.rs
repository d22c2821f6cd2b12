//! Who the child is and who is around them, changed from the child's record: adding an adult
//! to the family and network (someone already known, or a new adult), changing or ending
//! their place in it, adding and ending a professional's involvement, amending the child's
//! details and recording a move.
//!
//! An adult and a professional are records of their own. A new one is created in the same
//! transaction as the child's event that links them, so a refusal leaves neither. Before a
//! new adult or professional is created, those already known are searched the way a new
//! child's duplicates are (`known.rs`). An adult's details are shown only to someone who may
//! see a child whose network they are or were in; other possible matches are counted, not
//! named.
//!
//! Every change is appended at the record's version when the form was opened, so a
//! concurrent entry is never silently overtaken, and the record's rules decide what is
//! accepted. These changes are for those who work with the child (`Who::Workers`).

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use std::sync::Arc;

use askama::Template;
use axum::Form as Posted;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use hearth_app::AppError;
use hearth_app::policy::{WritePermit, to_amend};
use hearth_app::queries::{NetworkRecord, PersonRow};
use hearth_app::records::NewRecord;
use hearth_app::search::name_tokens;
use hearth_domain::child::ChildStream;
use hearth_domain::codes::{
    Disability, Ethnicity, GenderIdentity, ImmigrationStatus, Relationship as Kin, Religion, Sex,
    UpnUnknown,
};
use hearth_domain::directory::{PersonEvent, ProfessionalEvent};
use hearth_domain::people::{
    Address, ChildDetails, PersonDetails, PersonName, ProfessionalDetails,
};
use hearth_domain::values::{Email, LanguageCode, Line, NhsNumber, Phone, Postcode, Text, Upn};
use hearth_domain::{
    Actor, ChildEvent, ChildId, PersonId, ProfessionalId, Recorded, StreamId, StreamKind, Timestamp,
};

use super::Layout;
use super::known::{SHOWN, possible, possible_in_store};
use super::record::{FieldView, OptionView, STALE_FORM, SummaryLine};
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;
use hearth_app::policy::sees;

/// The banner on the record after a change made here, by the `changed` query value.
pub fn done_message(changed: &str) -> Option<&'static str> {
    Some(match changed {
        "network-added" => "Added to the family and network",
        "network-changed" => "Family and network member changed",
        "network-removed" => "Removed from the family and network",
        "professional-added" => "Professional's involvement recorded",
        "professional-ended" => "Professional's involvement ended",
        "details" => "The child's details are amended",
        "address" => "Change of address recorded",
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------
// What the browser sent, and reading it into the record's value types.

/// Posted fields by name; a field may come more than once (checkboxes).
#[derive(Default)]
struct Values(BTreeMap<String, Vec<String>>);

impl Values {
    fn new(pairs: Vec<(String, String)>) -> Values {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in pairs {
            map.entry(k).or_default().push(v);
        }
        Values(map)
    }

    fn get(&self, name: &str) -> &str {
        self.0
            .get(name)
            .and_then(|v| v.first())
            .map_or("", |v| v.trim())
    }

    fn all(&self, name: &str) -> &[String] {
        self.0.get(name).map_or(&[], Vec::as_slice)
    }

    fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.insert(name.to_owned(), vec![value.into()]);
    }

    fn set_date(&mut self, name: &str, date: Option<NaiveDate>) {
        if let Some(d) = date {
            self.set(&format!("{name}-day"), d.format("%-d").to_string());
            self.set(&format!("{name}-month"), d.format("%-m").to_string());
            self.set(&format!("{name}-year"), d.format("%Y").to_string());
        }
    }
}

/// A problem with one answer.
struct Problem {
    field: &'static str,
    /// Where the error summary links to: the field, or a date's day box.
    anchor: String,
    message: String,
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// Reads answers, collecting a message against each one that is missing or malformed.
struct Check<'a> {
    values: &'a Values,
    today: NaiveDate,
    problems: Vec<Problem>,
}

impl<'a> Check<'a> {
    fn new(values: &'a Values, today: NaiveDate) -> Check<'a> {
        Check {
            values,
            today,
            problems: Vec::new(),
        }
    }

    fn fail(&mut self, field: &'static str, message: impl Into<String>) {
        self.problems.push(Problem {
            field,
            anchor: field.to_owned(),
            message: message.into(),
        });
    }

    fn fail_date(&mut self, field: &'static str, message: impl Into<String>) {
        self.problems.push(Problem {
            field,
            anchor: format!("{field}-day"),
            message: message.into(),
        });
    }

    /// A value typed into a box. Empty is an error when `missing` says what to enter.
    fn parsed<T, E: std::fmt::Display>(
        &mut self,
        name: &'static str,
        missing: Option<&str>,
        parse: fn(&str) -> Result<T, E>,
    ) -> Option<T> {
        let v = self.values.get(name);
        if v.is_empty() {
            if let Some(m) = missing {
                self.fail(name, m);
            }
            return None;
        }
        match parse(v) {
            Ok(t) => Some(t),
            Err(e) => {
                // The missing message names the answer ("Enter the name").
                let what = missing
                    .and_then(|m| m.strip_prefix("Enter "))
                    .unwrap_or("this answer");
                self.fail(name, super::words::value_problem(what, &e.to_string()));
                None
            }
        }
    }

    fn line(&mut self, name: &'static str, missing: Option<&str>) -> Option<Line> {
        self.parsed(name, missing, Line::parse)
    }

    /// One code from a list. Empty is an error when `missing` says what to select.
    fn code<T: FromStr>(&mut self, name: &'static str, missing: Option<&str>) -> Option<T> {
        let v = self.values.get(name);
        if v.is_empty() {
            if let Some(m) = missing {
                self.fail(name, m);
            }
            return None;
        }
        let parsed = v.parse().ok();
        if parsed.is_none() {
            self.fail(name, "Select an answer from the list");
        }
        parsed
    }

    fn codes<T: FromStr>(&mut self, name: &'static str) -> Vec<T> {
        let mut out = Vec::new();
        for v in self.values.all(name) {
            match v.parse() {
                Ok(t) => out.push(t),
                Err(_) => {
                    self.fail(name, "Select answers from the list");
                    return Vec::new();
                }
            }
        }
        out
    }

    fn yes_no(&mut self, name: &'static str, missing: &str) -> Option<bool> {
        match self.values.get(name) {
            "yes" => Some(true),
            "no" => Some(false),
            _ => {
                self.fail(name, missing);
                None
            }
        }
    }

    /// A date in GOV.UK's three boxes (`{name}-day`, `-month`, `-year`), today or earlier.
    fn date(&mut self, name: &'static str, what: &str, required: bool) -> Option<NaiveDate> {
        let part = |p: &str| self.values.get(&format!("{name}-{p}")).to_owned();
        let (d, m, y) = (part("day"), part("month"), part("year"));
        if d.is_empty() && m.is_empty() && y.is_empty() {
            if required {
                self.fail_date(name, format!("Enter {what}"));
            }
            return None;
        }
        let date = match (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>()) {
            (Ok(d), Ok(m), Ok(y)) if y >= 1900 => NaiveDate::from_ymd_opt(y, m, d),
            _ => None,
        };
        match date {
            None => {
                self.fail_date(
                    name,
                    format!("{} must be a real date, like 27 3 2026", capitalised(what)),
                );
                None
            }
            Some(d) if d > self.today => {
                self.fail_date(
                    name,
                    format!("{} must be today or in the past", capitalised(what)),
                );
                None
            }
            Some(d) => Some(d),
        }
    }

    /// An address from `line1`, `line2`, `town` and `postcode`. Left empty, none, unless
    /// `required`; once any part is given, the first line is needed.
    fn address(&mut self, required: bool) -> Option<Option<Address>> {
        let any = ["line1", "line2", "town", "postcode"]
            .iter()
            .any(|f| !self.values.get(f).is_empty());
        if !any && !required {
            return Some(None);
        }
        let before = self.problems.len();
        let first = self.line("line1", Some("Enter the first line of the address"));
        let second = self.line("line2", None);
        let town = self.line("town", None);
        let postcode = self.parsed("postcode", None, Postcode::parse);
        if self.problems.len() > before {
            return None;
        }
        Some(first.map(|first| Address {
            lines: std::iter::once(first).chain(second).collect(),
            town,
            postcode,
        }))
    }
}

// ---------------------------------------------------------------------------------------
// The page: one template for every form here.

/// A heading and the questions under it.
pub struct Section {
    pub heading: &'static str,
    pub fields: Vec<FieldView>,
}

/// Someone already known who may be the person being added.
pub struct Known {
    pub id: String,
    pub name: String,
    pub detail: String,
}

/// The possible matches found, shown before anyone new is created.
pub struct Matches {
    pub what: &'static str,
    pub shown: Vec<Known>,
    /// Possible matches on records the user may not see: counted, never described.
    pub hidden: usize,
}

#[derive(Template)]
#[template(path = "network.html")]
struct Page {
    layout: Layout,
    id: String,
    name: String,
    title: String,
    action: String,
    intro: Vec<String>,
    summary: Vec<SummaryLine>,
    matches: Option<Matches>,
    sections: Vec<Section>,
    hidden: Vec<(&'static str, String)>,
    button: &'static str,
}

impl Page {
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

/// How a question is drawn (the kinds `record.html` knows).
#[derive(Clone, Copy)]
enum Kind {
    Line,
    Text,
    Select,
    Radios,
    Inline,
    Checkboxes,
    Date,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Line => "line",
            Kind::Text => "text",
            Kind::Select => "select",
            Kind::Radios => "radios",
            Kind::Inline => "inline",
            Kind::Checkboxes => "checkboxes",
            Kind::Date => "date",
        }
    }
}

/// Builds the questions of a form with what was typed and the problems found.
struct Fields<'a> {
    values: &'a Values,
    problems: &'a [Problem],
}

impl Fields<'_> {
    fn ask(
        &self,
        name: &'static str,
        label: &'static str,
        hint: &str,
        kind: Kind,
        options: Vec<(String, String)>,
    ) -> FieldView {
        let error = self
            .problems
            .iter()
            .find(|p| p.field == name)
            .map(|p| p.message.clone());
        let mut described = Vec::new();
        if !hint.is_empty() {
            described.push(format!("{name}-hint"));
        }
        if error.is_some() {
            described.push(format!("{name}-error"));
        }
        let chosen = self.values.all(name);
        let options = options
            .into_iter()
            .enumerate()
            .map(|(i, (value, label))| OptionView {
                // The first option carries the field's own id, so the error summary's link
                // lands on it.
                id: if i == 0 {
                    name.to_owned()
                } else {
                    format!("{name}-{}", value.to_lowercase())
                },
                checked: chosen.iter().any(|c| c.trim() == value),
                value,
                label,
            })
            .collect();
        let part = |p: &str| self.values.get(&format!("{name}-{p}")).to_owned();
        FieldView {
            name,
            label,
            hint: hint.to_owned(),
            kind: kind.name(),
            error,
            described: described.join(" "),
            value: self.values.get(name).to_owned(),
            day: part("day"),
            month: part("month"),
            year: part("year"),
            time: String::new(),
            options,
        }
    }

    fn line(&self, name: &'static str, label: &'static str, hint: &str) -> FieldView {
        self.ask(name, label, hint, Kind::Line, Vec::new())
    }

    fn yes_no(&self, name: &'static str, label: &'static str) -> FieldView {
        self.ask(
            name,
            label,
            "",
            Kind::Inline,
            vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())],
        )
    }
}

fn codes<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|&v| (code(v).to_owned(), label(v).to_owned()))
        .collect()
}

fn address_fields(f: &Fields<'_>) -> Vec<FieldView> {
    vec![
        f.line("line1", "Address line 1", ""),
        f.line("line2", "Address line 2 (optional)", ""),
        f.line("town", "Town (optional)", ""),
        f.line("postcode", "Postcode (optional)", "For example, BR1 3UH"),
    ]
}

fn kin_fields(f: &Fields<'_>) -> Vec<FieldView> {
    vec![
        f.ask(
            "relationship",
            "How are they related to the child?",
            "",
            Kind::Select,
            codes(Kin::ALL, Kin::code, Kin::label),
        ),
        f.yes_no(
            "parental_responsibility",
            "Do they have parental responsibility?",
        ),
        f.yes_no("household", "Do they live in the child's household?"),
    ]
}

/// What every page here starts from: the child, whom the user may see and change.
struct Opened {
    id: ChildId,
    name: String,
    stream: Arc<ChildStream>,
    write: WritePermit,
}

async fn open(state: &AppState, user: &User, id: &str, page: &str) -> Result<Opened, WebError> {
    let id = ChildId::parse(id).map_err(|_| WebError::NotFound)?;
    let (permit, stream) = state.app.view_child(user, &id, page).await?;
    let write = to_amend(user, &permit).ok_or(WebError::NotFound)?;
    let name = stream
        .record()
        .details
        .as_ref()
        .map_or_else(|| id.as_str().to_owned(), |d| d.name.display());
    Ok(Opened {
        id,
        name,
        stream,
        write,
    })
}

/// A page of this module, ready to render.
struct Draft {
    title: String,
    action: String,
    intro: Vec<String>,
    matches: Option<Matches>,
    sections: Vec<Section>,
    button: &'static str,
}

fn render(
    state: &AppState,
    user: &User,
    opened: &Opened,
    draft: Draft,
    values: &Values,
    problems: &[Problem],
    version: Option<u64>,
) -> Result<Response, WebError> {
    let mut hidden = vec![(
        "version",
        version.unwrap_or(opened.stream.version()).to_string(),
    )];
    if values.get("checked") == "yes" {
        hidden.push(("checked", "yes".into()));
    }
    let page = Page {
        layout: Layout::new(state, user),
        id: opened.id.as_str().to_owned(),
        name: opened.name.clone(),
        title: draft.title,
        action: draft.action,
        intro: draft.intro,
        summary: problems
            .iter()
            .map(|p| SummaryLine {
                href: format!("#{}", p.anchor),
                message: p.message.clone(),
            })
            .collect(),
        matches: draft.matches,
        sections: draft.sections,
        hidden,
        button: draft.button,
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// Checks the token and reads the version the form was opened at.
fn posted(user: &User, pairs: Vec<(String, String)>) -> Result<(Values, u64), WebError> {
    let values = Values::new(pairs);
    user.check_form(values.get("csrf"))?;
    let version = values.get("version").parse::<u64>().map_err(|_| {
        WebError::BadRequest("The form is incomplete: reload the page and try again.".into())
    })?;
    Ok((values, version))
}

fn recorded<E>(user: &User, at: Timestamp, now: Timestamp, event: E) -> Recorded<E> {
    Recorded {
        occurred_at: at,
        recorded_at: now,
        recorded_by: Actor::Staff(user.staff.clone()),
        event,
    }
}

/// What came of saving.
enum Outcome {
    Saved,
    /// Refused by the record's rules, or the record changed since the form was opened: the
    /// message to show.
    NotSaved(String),
    /// The new adult's or professional's id was taken meanwhile: ask for another.
    IdTaken,
}

async fn save(
    state: &AppState,
    opened: &Opened,
    version: u64,
    created: Option<NewRecord>,
    events: Vec<Recorded<ChildEvent>>,
) -> Result<Outcome, WebError> {
    let events = events
        .into_iter()
        .map(|e| (e.occurred_at, e.event))
        .collect();
    match state
        .app
        .record_with(&opened.write, version, created, events)
        .await
    {
        Ok(_) => Ok(Outcome::Saved),
        Err(AppError::Refused { reason, .. }) => Ok(Outcome::NotSaved(format!(
            "This cannot be saved: {}",
            super::words::dates_in(&reason)
        ))),
        Err(AppError::Stale { stream }) if stream.kind() != StreamKind::Child => {
            Ok(Outcome::IdTaken)
        }
        Err(AppError::Stale { .. }) => Ok(Outcome::NotSaved(STALE_FORM.into())),
        Err(e) => Err(e.into()),
    }
}

fn done(id: &ChildId, changed: &str) -> Response {
    Redirect::to(&format!("/children/{}?changed={changed}", id.as_str())).into_response()
}

/// The version to show the form again at: after a concurrent change, the record's new
/// version, so saving again is checked against what the other person recorded.
fn again_at(message: &str, version: u64) -> Option<u64> {
    (message != STALE_FORM).then_some(version)
}

fn born(d: Option<NaiveDate>) -> String {
    d.map(|d| format!("born {}", d.format("%-d %B %Y")))
        .unwrap_or_else(|| "date of birth not known".into())
}

// ---------------------------------------------------------------------------------------
// Adding an adult to the family and network.

fn adult_draft(opened: &Opened, fields: &Fields<'_>, matches: Option<Matches>) -> Draft {
    let mut sections = Vec::new();
    if let Some(m) = &matches {
        let mut options: Vec<(String, String)> = m
            .shown
            .iter()
            .map(|k| (k.id.clone(), format!("{} ({})", k.name, k.detail)))
            .collect();
        options.push(("new".into(), "None of these: add a new person".into()));
        sections.push(Section {
            heading: "Is this someone already known?",
            fields: vec![fields.ask(
                "link",
                "Who are you adding?",
                "Choosing someone already known links their record; the details below are then not used.",
                Kind::Radios,
                options,
            )],
        });
    }
    sections.push(Section {
        heading: "Who they are",
        fields: vec![
            fields.line("given", "Given name or names", ""),
            fields.line("family", "Family name", ""),
            fields.ask(
                "dob",
                "Date of birth (optional)",
                "If you know it. For example, 27 3 1985",
                Kind::Date,
                Vec::new(),
            ),
        ],
    });
    let mut contact = vec![
        fields.line("phone", "Telephone (optional)", ""),
        fields.line("email", "Email (optional)", ""),
    ];
    contact.extend(address_fields(fields));
    contact.push(fields.ask(
        "notes",
        "Anything to know before contacting them (optional)",
        "For example, a risk to workers, or that they need an interpreter",
        Kind::Text,
        Vec::new(),
    ));
    sections.push(Section {
        heading: "How to contact them",
        fields: contact,
    });
    sections.push(Section {
        heading: "Their place in the child's life",
        fields: kin_fields(fields),
    });
    Draft {
        title: "Add someone to the family and network".into(),
        action: format!("/children/{}/network/add", opened.id.as_str()),
        intro: vec![
            "People already known are searched first, so that someone known through another child keeps one record.".into(),
        ],
        matches,
        sections,
        button: "Save",
    }
}

/// The id of the match the user chose to link, from those shown; when it is not one of them,
/// the problem `listed` says what to do.
fn chosen<'m>(
    matches: Option<&'m Matches>,
    link: &str,
    listed: &str,
    problems: &mut Vec<Problem>,
) -> Option<&'m str> {
    let found = matches
        .and_then(|m| m.shown.iter().find(|k| k.id == link))
        .map(|k| k.id.as_str());
    if found.is_none() {
        problems.push(Problem {
            field: "link",
            anchor: "link".into(),
            message: listed.into(),
        });
    }
    found
}

/// Adults already known who may be the one typed: those the user may see (through a child
/// whose network they are or were in), and a count of the rest. An adult known only through
/// restricted records the user may not see is not counted: the count would tell them that
/// such a record exists.
async fn adults_known(
    state: &AppState,
    user: &User,
    names: &str,
    dob: Option<NaiveDate>,
) -> Result<Matches, WebError> {
    let rows = possible_in_store(state, StreamKind::Person, names, dob).await?;
    let ids: Vec<PersonId> = rows
        .iter()
        .filter_map(|r| PersonId::parse(r.stream.id()).ok())
        .collect();
    let links = state.app.network_links(&ids).await?;
    let mut children: Vec<ChildId> = links
        .iter()
        .filter_map(|l| ChildId::parse(&l.child_id).ok())
        .collect();
    children.sort();
    children.dedup();
    let sights = state.app.sights(&children).await?;
    let mut shown = Vec::new();
    let mut hidden = 0;
    let workforce = state.app.workforce().await;
    for row in rows {
        let through: Vec<&hearth_app::policy::Sight> = links
            .iter()
            .filter(|l| l.person_id == row.stream.id())
            .filter_map(|l| ChildId::parse(&l.child_id).ok())
            .filter_map(|c| sights.get(&c))
            .collect();
        let visible = through.iter().any(|s| sees(user, s, &workforce).is_some());
        if !visible {
            if through.is_empty() || through.iter().any(|s| s.restriction.is_none()) {
                hidden += 1;
            }
            continue;
        }
        if shown.len() == SHOWN {
            continue;
        }
        let mut detail = born(row.date_of_birth);
        if let Some(p) = &row.postcode {
            detail.push_str(", ");
            detail.push_str(p);
        }
        shown.push(Known {
            id: row.stream.id().to_owned(),
            name: row.display_name.clone(),
            detail,
        });
    }
    Ok(Matches {
        what: "person",
        shown,
        hidden,
    })
}

struct Kinship {
    relationship: Kin,
    parental_responsibility: bool,
    lives_in_household: bool,
}

fn kinship(check: &mut Check<'_>) -> Option<Kinship> {
    let relationship = check.code(
        "relationship",
        Some("Select how they are related to the child"),
    );
    let pr = check.yes_no(
        "parental_responsibility",
        "Select whether they have parental responsibility",
    );
    let household = check.yes_no(
        "household",
        "Select whether they live in the child's household",
    );
    Some(Kinship {
        relationship: relationship?,
        parental_responsibility: pr?,
        lives_in_household: household?,
    })
}

fn new_adult(check: &mut Check<'_>) -> Option<PersonDetails> {
    let given = check.line("given", Some("Enter their given name"));
    let family = check.line("family", Some("Enter their family name"));
    let dob = check.date("dob", "their date of birth", false);
    let phone = check.parsed("phone", None, Phone::parse);
    let email = check.parsed("email", None, Email::parse);
    let address = check.address(false);
    let notes = check.parsed("notes", None, Text::parse);
    let details = PersonDetails {
        name: PersonName {
            given: given?,
            family: family?,
            preferred: None,
        },
        date_of_birth: dob,
        sex: None,
        address: address?,
        phone,
        email,
        contact_notes: notes,
    };
    Some(details)
}

/// The empty form.
pub async fn add_adult_form(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let opened = open(&state, &user, &id, "add to network").await?;
    let values = Values::default();
    let fields = Fields {
        values: &values,
        problems: &[],
    };
    let draft = adult_draft(&opened, &fields, None);
    render(&state, &user, &opened, draft, &values, &[], None)
}

/// The form sent back: possible matches to rule out, someone linked, someone new created and
/// linked, or the form again with what was wrong.
pub async fn add_adult(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    Posted(pairs): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (mut values, version) = posted(&user, pairs)?;
    let opened = open(&state, &user, &id, "add to network").await?;
    let now = state.app.now();
    let today = now.london_date();
    let checked = values.get("checked") == "yes";
    let link = values.get("link").to_owned();
    let names = format!("{} {}", values.get("given"), values.get("family"));

    // The date of birth typed narrows the search whether or not a new adult is made.
    let dob = Check::new(&values, today).date("dob", "their date of birth", false);
    let mut check = Check::new(&values, today);
    let kin = kinship(&mut check);
    let linking = checked && !link.is_empty() && link != "new";
    let adult = if linking { None } else { new_adult(&mut check) };
    let mut problems = check.problems;
    // Possible matches are searched once the names are there, and shown again each time
    // the form comes back after they first were.
    let searchable = !values.get("given").is_empty() && !values.get("family").is_empty();
    let matches = if searchable && (checked || problems.is_empty()) {
        Some(adults_known(&state, &user, &names, dob).await?)
    } else {
        None
    };
    let found = matches
        .as_ref()
        .is_some_and(|m| !m.shown.is_empty() || m.hidden > 0);
    let person = if linking {
        let listed = "Select one of the people listed, or add a new person";
        chosen(matches.as_ref(), &link, listed, &mut problems)
            .and_then(|id| PersonId::parse(id).ok())
    } else {
        None
    };
    if problems.is_empty() && !linking && found && link != "new" {
        // Shown once without an error; sent back without a choice, it is one.
        if checked {
            problems.push(Problem {
                field: "link",
                anchor: "link".into(),
                message: "Select the person you are adding, or add a new person".into(),
            });
        } else {
            values.set("checked", "yes");
            let fields = Fields {
                values: &values,
                problems: &[],
            };
            let draft = adult_draft(&opened, &fields, matches);
            return render(&state, &user, &opened, draft, &values, &[], Some(version));
        }
    }
    let show = |values: &Values, problems: &[Problem], matches, version| {
        let fields = Fields { values, problems };
        let draft = adult_draft(&opened, &fields, matches);
        render(&state, &user, &opened, draft, values, problems, version)
    };
    let (Some(kin), true) = (kin, problems.is_empty()) else {
        return show(&values, &problems, matches, Some(version));
    };
    let added = |person: &PersonId| {
        recorded(
            &user,
            now,
            now,
            ChildEvent::NetworkMemberAdded {
                person: person.clone(),
                relationship: kin.relationship,
                parental_responsibility: kin.parental_responsibility,
                lives_in_household: kin.lives_in_household,
            },
        )
    };
    let outcome = match (person, adult) {
        (Some(person), _) => save(&state, &opened, version, None, vec![added(&person)]).await?,
        (None, Some(details)) => {
            let mut outcome = Outcome::IdTaken;
            // Two people adding adults at once may be offered the same id; the store creates
            // a stream only if it is absent, so the second asks for the next.
            for _ in 0..3 {
                let person = state.app.next_person_id().await?;
                let created = NewRecord::Person(
                    person.clone(),
                    vec![recorded(
                        &user,
                        now,
                        now,
                        PersonEvent::PersonRegistered {
                            details: details.clone(),
                        },
                    )],
                );
                outcome = save(
                    &state,
                    &opened,
                    version,
                    Some(created),
                    vec![added(&person)],
                )
                .await?;
                if !matches!(outcome, Outcome::IdTaken) {
                    break;
                }
            }
            outcome
        }
        (None, None) => return show(&values, &problems, matches, Some(version)),
    };
    match outcome {
        Outcome::Saved => Ok(done(&opened.id, "network-added")),
        Outcome::NotSaved(message) => {
            let at = again_at(&message, version);
            let problems = vec![Problem {
                field: "relationship",
                anchor: "relationship".into(),
                message,
            }];
            show(&values, &problems, matches, at)
        }
        Outcome::IdTaken => Err(WebError::Internal(
            "three new adult ids in a row were taken while adding to a network".into(),
        )),
    }
}

// ---------------------------------------------------------------------------------------
// Changing or ending an adult's place in the network.

async fn person_name(state: &AppState, person: &PersonId) -> Result<String, WebError> {
    let found = state
        .app
        .network_records(&[StreamId::person(person)])
        .await?;
    Ok(match found.first() {
        Some(NetworkRecord::Person(_, p)) => p.name.display(),
        _ => "Name not recorded".to_owned(),
    })
}

/// The adult, if they are in the child's network now.
fn member(opened: &Opened, person: &str) -> Result<PersonId, WebError> {
    let person = PersonId::parse(person).map_err(|_| WebError::NotFound)?;
    opened
        .stream
        .record()
        .network_link(&person)
        .map(|_| person)
        .ok_or(WebError::NotFound)
}

fn change_draft(opened: &Opened, person: &PersonId, who: &str, fields: &Fields<'_>) -> Draft {
    Draft {
        title: format!("Change {who}'s place in the family and network"),
        action: format!(
            "/children/{}/network/{}/change",
            opened.id.as_str(),
            person.as_str()
        ),
        intro: Vec::new(),
        matches: None,
        sections: vec![Section {
            heading: "",
            fields: kin_fields(fields),
        }],
        button: "Save",
    }
}

/// The change form, filled with how things stand.
pub async fn change_member_form(
    State(state): State<AppState>,
    user: User,
    Path((id, person)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let opened = open(&state, &user, &id, "change network member").await?;
    let person = member(&opened, &person)?;
    let mut values = Values::default();
    if let Some(link) = opened.stream.record().network_link(&person) {
        values.set("relationship", link.relationship.code());
        let yes = |b: bool| if b { "yes" } else { "no" };
        values.set("parental_responsibility", yes(link.parental_responsibility));
        values.set("household", yes(link.lives_in_household));
    }
    let who = person_name(&state, &person).await?;
    let fields = Fields {
        values: &values,
        problems: &[],
    };
    let draft = change_draft(&opened, &person, &who, &fields);
    render(&state, &user, &opened, draft, &values, &[], None)
}

/// The change sent back.
pub async fn change_member(
    State(state): State<AppState>,
    user: User,
    Path((id, person)): Path<(String, String)>,
    Posted(pairs): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (values, version) = posted(&user, pairs)?;
    let opened = open(&state, &user, &id, "change network member").await?;
    let person = member(&opened, &person)?;
    let now = state.app.now();
    let mut check = Check::new(&values, now.london_date());
    let kin = kinship(&mut check);
    let mut problems = check.problems;
    let mut at = Some(version);
    if let (Some(kin), true) = (kin, problems.is_empty()) {
        let event = recorded(
            &user,
            now,
            now,
            ChildEvent::NetworkMemberChanged {
                person: person.clone(),
                relationship: kin.relationship,
                parental_responsibility: kin.parental_responsibility,
                lives_in_household: kin.lives_in_household,
            },
        );
        match save(&state, &opened, version, None, vec![event]).await? {
            Outcome::Saved | Outcome::IdTaken => return Ok(done(&opened.id, "network-changed")),
            Outcome::NotSaved(message) => {
                at = again_at(&message, version);
                problems.push(Problem {
                    field: "relationship",
                    anchor: "relationship".into(),
                    message,
                });
            }
        }
    }
    let who = person_name(&state, &person).await?;
    let fields = Fields {
        values: &values,
        problems: &problems,
    };
    let draft = change_draft(&opened, &person, &who, &fields);
    render(&state, &user, &opened, draft, &values, &problems, at)
}

fn confirm_draft(title: String, action: String, intro: Vec<String>, button: &'static str) -> Draft {
    Draft {
        title,
        action,
        intro,
        matches: None,
        sections: Vec::new(),
        button,
    }
}

/// Records a confirmed ending (removing an adult, ending a professional's involvement) and
/// goes back to the record; if it is not saved, asks again with the reason. `saved` is the
/// event and the word the record's banner names it by.
async fn save_confirmed(
    state: &AppState,
    user: &User,
    opened: &Opened,
    version: u64,
    values: &Values,
    saved: (ChildEvent, &str),
    draft: Draft,
) -> Result<Response, WebError> {
    let (event, changed) = saved;
    let now = state.app.now();
    let event = recorded(user, now, now, event);
    match save(state, opened, version, None, vec![event]).await? {
        Outcome::Saved | Outcome::IdTaken => Ok(done(&opened.id, changed)),
        Outcome::NotSaved(message) => {
            let at = again_at(&message, version);
            let problems = [Problem {
                field: "save",
                anchor: "save".into(),
                message,
            }];
            render(state, user, opened, draft, values, &problems, at)
        }
    }
}

fn remove_draft(opened: &Opened, person: &PersonId, who: &str) -> Draft {
    confirm_draft(
        format!("Remove {who} from {}'s family and network", opened.name),
        format!(
            "/children/{}/network/{}/remove",
            opened.id.as_str(),
            person.as_str()
        ),
        vec![format!(
            "{who} will no longer be listed on the front sheet. Their record, and what the child's record says about them until now, are kept."
        )],
        "Remove from the family and network",
    )
}

/// Asks before removing.
pub async fn remove_member_form(
    State(state): State<AppState>,
    user: User,
    Path((id, person)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let opened = open(&state, &user, &id, "remove network member").await?;
    let person = member(&opened, &person)?;
    let who = person_name(&state, &person).await?;
    let draft = remove_draft(&opened, &person, &who);
    render(&state, &user, &opened, draft, &Values::default(), &[], None)
}

/// Removes the adult from the network.
pub async fn remove_member(
    State(state): State<AppState>,
    user: User,
    Path((id, person)): Path<(String, String)>,
    Posted(pairs): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (values, version) = posted(&user, pairs)?;
    let opened = open(&state, &user, &id, "remove network member").await?;
    let person = member(&opened, &person)?;
    let who = person_name(&state, &person).await?;
    let draft = remove_draft(&opened, &person, &who);
    let event = ChildEvent::NetworkMemberRemoved { person };
    let saved = (event, "network-removed");
    save_confirmed(&state, &user, &opened, version, &values, saved, draft).await
}

// ---------------------------------------------------------------------------------------
// Professionals.

/// Professionals already known who may be the one typed, best first. Their details are the
/// contact details of their work, so everyone who records sees them.
async fn professionals_known(state: &AppState, names: &str) -> Result<Matches, WebError> {
    // Professionals are not in the person search, so they are read and folded here: a
    // council knows hundreds, not the children's hundreds of thousands.
    let mut rows: Vec<PersonRow> = Vec::new();
    let mut details = HashMap::new();
    {
        for (id, d) in state.app.professionals().await? {
            let stream = StreamId::professional(&id);
            rows.push(PersonRow {
                stream: stream.clone(),
                display_name: d.name.display(),
                family_name: String::new(),
                given_names: String::new(),
                date_of_birth: None,
                upn: None,
                nhs_number: None,
                postcode: None,
                tokens: name_tokens(&d.name.display()),
            });
            details.insert(stream.id().to_owned(), d);
        }
    }
    let shown = possible(rows, names, None)
        .into_iter()
        .filter_map(|r| {
            let d = details.get(r.stream.id())?;
            Some(Known {
                id: r.stream.id().to_owned(),
                name: r.display_name,
                detail: format!("{}, {}", d.role.as_str(), d.organisation.as_str()),
            })
        })
        .take(SHOWN)
        .collect();
    Ok(Matches {
        what: "professional",
        shown,
        hidden: 0,
    })
}

fn professional_draft(opened: &Opened, fields: &Fields<'_>, matches: Option<Matches>) -> Draft {
    let mut sections = Vec::new();
    if let Some(m) = &matches {
        let mut options: Vec<(String, String)> = m
            .shown
            .iter()
            .map(|k| (k.id.clone(), format!("{} ({})", k.name, k.detail)))
            .collect();
        options.push(("new".into(), "None of these: add a new professional".into()));
        sections.push(Section {
            heading: "Is this a professional already known?",
            fields: vec![fields.ask(
                "link",
                "Who are you adding?",
                "Choosing someone already known links their record; their details below are then not used.",
                Kind::Radios,
                options,
            )],
        });
    }
    sections.push(Section {
        heading: "Who they are",
        fields: vec![
            fields.line("given", "Given name or names", ""),
            fields.line("family", "Family name", ""),
            fields.line(
                "role",
                "Role",
                "For example, GP, class teacher or youth worker",
            ),
            fields.line(
                "organisation",
                "Organisation",
                "For example, the school or surgery",
            ),
            fields.line("phone", "Telephone (optional)", ""),
            fields.line("email", "Email (optional)", ""),
        ],
    });
    sections.push(Section {
        heading: "Their part in the child's life",
        fields: vec![fields.line(
            "involvement",
            "What do they do for this child?",
            "For example, school nurse, or therapist for the child's speech",
        )],
    });
    Draft {
        title: "Add a professional".into(),
        action: format!("/children/{}/professionals/add", opened.id.as_str()),
        intro: vec![
            "Professionals already known are searched first, so that each keeps one record with one set of contact details.".into(),
        ],
        matches,
        sections,
        button: "Save",
    }
}

/// The empty form.
pub async fn add_professional_form(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let opened = open(&state, &user, &id, "add professional").await?;
    let values = Values::default();
    let fields = Fields {
        values: &values,
        problems: &[],
    };
    let draft = professional_draft(&opened, &fields, None);
    render(&state, &user, &opened, draft, &values, &[], None)
}

/// The form sent back: as for an adult, possible matches first.
pub async fn add_professional(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    Posted(pairs): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (mut values, version) = posted(&user, pairs)?;
    let opened = open(&state, &user, &id, "add professional").await?;
    let now = state.app.now();
    let checked = values.get("checked") == "yes";
    let link = values.get("link").to_owned();
    let linking = checked && !link.is_empty() && link != "new";
    let names = format!("{} {}", values.get("given"), values.get("family"));

    let mut check = Check::new(&values, now.london_date());
    let involvement = check.line("involvement", Some("Enter what they do for this child"));
    let new = if linking {
        None
    } else {
        let given = check.line("given", Some("Enter their given name"));
        let family = check.line("family", Some("Enter their family name"));
        let role = check.line("role", Some("Enter their role"));
        let organisation = check.line("organisation", Some("Enter their organisation"));
        let phone = check.parsed("phone", None, Phone::parse);
        let email = check.parsed("email", None, Email::parse);
        match (given, family, role, organisation) {
            (Some(given), Some(family), Some(role), Some(organisation)) => {
                Some(ProfessionalDetails {
                    name: PersonName {
                        given,
                        family,
                        preferred: None,
                    },
                    role,
                    organisation,
                    phone,
                    email,
                })
            }
            _ => None,
        }
    };
    let mut problems = check.problems;
    let searchable = !values.get("given").is_empty() && !values.get("family").is_empty();
    let matches = if searchable && (checked || problems.is_empty()) {
        Some(professionals_known(&state, &names).await?)
    } else {
        None
    };
    let found = matches.as_ref().is_some_and(|m| !m.shown.is_empty());
    let professional = if linking {
        let listed = "Select one of the professionals listed, or add a new professional";
        chosen(matches.as_ref(), &link, listed, &mut problems)
            .and_then(|id| ProfessionalId::parse(id).ok())
    } else {
        None
    };
    if problems.is_empty() && !linking && found && link != "new" {
        if checked {
            problems.push(Problem {
                field: "link",
                anchor: "link".into(),
                message: "Select the professional you are adding, or add a new professional".into(),
            });
        } else {
            values.set("checked", "yes");
            let fields = Fields {
                values: &values,
                problems: &[],
            };
            let draft = professional_draft(&opened, &fields, matches);
            return render(&state, &user, &opened, draft, &values, &[], Some(version));
        }
    }
    let show = |values: &Values, problems: &[Problem], matches, version| {
        let fields = Fields { values, problems };
        let draft = professional_draft(&opened, &fields, matches);
        render(&state, &user, &opened, draft, values, problems, version)
    };
    let (Some(involvement), true) = (involvement, problems.is_empty()) else {
        return show(&values, &problems, matches, Some(version));
    };
    let involvement_of = |professional: &ProfessionalId| {
        recorded(
            &user,
            now,
            now,
            ChildEvent::ProfessionalInvolved {
                professional: professional.clone(),
                involvement: involvement.clone(),
            },
        )
    };
    let outcome = match (professional, new) {
        (Some(p), _) => save(&state, &opened, version, None, vec![involvement_of(&p)]).await?,
        (None, Some(details)) => {
            let mut outcome = Outcome::IdTaken;
            for _ in 0..3 {
                let p = state.app.next_professional_id().await?;
                let created = NewRecord::Professional(
                    p.clone(),
                    vec![recorded(
                        &user,
                        now,
                        now,
                        ProfessionalEvent::ProfessionalRegistered {
                            details: details.clone(),
                        },
                    )],
                );
                outcome = save(
                    &state,
                    &opened,
                    version,
                    Some(created),
                    vec![involvement_of(&p)],
                )
                .await?;
                if !matches!(outcome, Outcome::IdTaken) {
                    break;
                }
            }
            outcome
        }
        (None, None) => return show(&values, &problems, matches, Some(version)),
    };
    match outcome {
        Outcome::Saved => Ok(done(&opened.id, "professional-added")),
        Outcome::NotSaved(message) => {
            let at = again_at(&message, version);
            let problems = vec![Problem {
                field: "involvement",
                anchor: "involvement".into(),
                message,
            }];
            show(&values, &problems, matches, at)
        }
        Outcome::IdTaken => Err(WebError::Internal(
            "three new professional ids in a row were taken while adding a professional".into(),
        )),
    }
}

/// The professional, if they are involved with the child now.
fn involved(opened: &Opened, professional: &str) -> Result<ProfessionalId, WebError> {
    let professional = ProfessionalId::parse(professional).map_err(|_| WebError::NotFound)?;
    opened
        .stream
        .record()
        .professionals
        .iter()
        .any(|p| p.professional == professional && p.until.is_none())
        .then_some(professional)
        .ok_or(WebError::NotFound)
}

async fn professional_name(
    state: &AppState,
    professional: &ProfessionalId,
) -> Result<String, WebError> {
    let found = state
        .app
        .network_records(&[StreamId::professional(professional)])
        .await?;
    Ok(match found.first() {
        Some(NetworkRecord::Professional(_, p)) => p.name.display(),
        _ => "Name not recorded".to_owned(),
    })
}

fn end_draft(opened: &Opened, professional: &ProfessionalId, who: &str) -> Draft {
    confirm_draft(
        format!("End {who}'s involvement with {}", opened.name),
        format!(
            "/children/{}/professionals/{}/end",
            opened.id.as_str(),
            professional.as_str()
        ),
        vec![format!(
            "{who} will no longer be listed on the front sheet. What the record says about their involvement until now is kept."
        )],
        "End their involvement",
    )
}

/// Asks before ending.
pub async fn end_professional_form(
    State(state): State<AppState>,
    user: User,
    Path((id, professional)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let opened = open(&state, &user, &id, "end professional involvement").await?;
    let professional = involved(&opened, &professional)?;
    let who = professional_name(&state, &professional).await?;
    let draft = end_draft(&opened, &professional, &who);
    render(&state, &user, &opened, draft, &Values::default(), &[], None)
}

/// Ends the involvement.
pub async fn end_professional(
    State(state): State<AppState>,
    user: User,
    Path((id, professional)): Path<(String, String)>,
    Posted(pairs): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (values, version) = posted(&user, pairs)?;
    let opened = open(&state, &user, &id, "end professional involvement").await?;
    let professional = involved(&opened, &professional)?;
    let who = professional_name(&state, &professional).await?;
    let draft = end_draft(&opened, &professional, &who);
    let event = ChildEvent::ProfessionalInvolvementEnded { professional };
    let saved = (event, "professional-ended");
    save_confirmed(&state, &user, &opened, version, &values, saved, draft).await
}

// ---------------------------------------------------------------------------------------
// The child's details.

fn details_values(d: &ChildDetails) -> Values {
    let mut v = Values::default();
    v.set("given", d.name.given.as_str());
    v.set("family", d.name.family.as_str());
    if let Some(p) = &d.name.preferred {
        v.set("preferred", p.as_str());
    }
    v.set("sex", d.sex.code());
    if let Some(g) = d.gender {
        v.set("gender", g.code());
    }
    v.set_date("dob", d.date_of_birth.or(d.expected_date_of_birth));
    v.set("ethnicity", d.ethnicity.code());
    if let Some(u) = &d.upn {
        v.set("upn", u.as_str());
    }
    if let Some(u) = d.upn_unknown {
        v.set("upn_unknown", u.code());
    }
    if let Some(n) = &d.nhs_number {
        v.set("nhs", n.as_str());
    }
    if let Some(l) = &d.first_language {
        v.set("language", l.as_str());
    }
    if let Some(c) = &d.communication_needs {
        v.set("communication", c.as_str());
    }
    if let Some(r) = d.religion {
        v.set("religion", r.code());
    }
    v.0.insert(
        "disabilities".into(),
        d.disabilities.iter().map(|x| x.code().to_owned()).collect(),
    );
    if let Some(i) = d.immigration_status {
        v.set("immigration", i.code());
    }
    v.set("uasc", if d.uasc { "yes" } else { "no" });
    v.set_date("uasc_ceased", d.uasc_ceased);
    v
}

fn details_draft(opened: &Opened, unborn: bool, fields: &Fields<'_>) -> Draft {
    let dob = if unborn {
        fields.ask(
            "dob",
            "Expected date of birth",
            "When the birth happens, record it with the birth form. For example, 27 3 2027",
            Kind::Date,
            Vec::new(),
        )
    } else {
        fields.ask(
            "dob",
            "Date of birth",
            "For example, 27 3 2015",
            Kind::Date,
            Vec::new(),
        )
    };
    Draft {
        title: format!("Change {}'s details", opened.name),
        action: format!("/children/{}/details", opened.id.as_str()),
        intro: vec!["The details replace those on the record from today. What the record said before stays in its history.".into()],
        matches: None,
        sections: vec![
            Section {
                heading: "Name",
                fields: vec![
                    fields.line("given", "Given name or names", ""),
                    fields.line("family", "Family name", ""),
                    fields.line(
                        "preferred",
                        "The name they like to be called (optional)",
                        "",
                    ),
                ],
            },
            Section {
                heading: "About the child",
                fields: vec![
                    fields.ask(
                        "sex",
                        "Sex",
                        "As the returns record it. For an unborn child, not known.",
                        Kind::Inline,
                        codes(Sex::ALL, Sex::code, Sex::label),
                    ),
                    fields.ask(
                        "gender",
                        "Gender (optional)",
                        "Where the child or family has given it",
                        Kind::Select,
                        codes(GenderIdentity::ALL, GenderIdentity::code, GenderIdentity::label),
                    ),
                    dob,
                    fields.ask(
                        "ethnicity",
                        "Ethnicity",
                        "",
                        Kind::Select,
                        codes(Ethnicity::ALL, Ethnicity::code, Ethnicity::label),
                    ),
                    fields.ask(
                        "religion",
                        "Religion or belief (optional)",
                        "",
                        Kind::Select,
                        codes(Religion::ALL, Religion::code, Religion::label),
                    ),
                    fields.line(
                        "language",
                        "First language (optional)",
                        "The three-letter ISO 639-3 code, for example eng, pol or som",
                    ),
                    fields.ask(
                        "communication",
                        "How best to communicate with the child (optional)",
                        "For example, an interpreter, signing or aids",
                        Kind::Text,
                        Vec::new(),
                    ),
                    fields.ask(
                        "disabilities",
                        "Disabilities (optional)",
                        "Select all that apply, or no disability on its own",
                        Kind::Checkboxes,
                        codes(Disability::ALL, Disability::code, Disability::label),
                    ),
                ],
            },
            Section {
                heading: "Numbers",
                fields: vec![
                    fields.line("upn", "Unique pupil number (optional)", "13 characters, for example A123456789012"),
                    fields.ask(
                        "upn_unknown",
                        "Why there is no unique pupil number (optional)",
                        "Only when there is no number",
                        Kind::Select,
                        codes(UpnUnknown::ALL, UpnUnknown::code, UpnUnknown::label),
                    ),
                    fields.line("nhs", "NHS number (optional)", "10 digits, for example 943 476 5919"),
                ],
            },
            Section {
                heading: "Immigration",
                fields: vec![
                    fields.ask(
                        "immigration",
                        "Immigration status (optional)",
                        "",
                        Kind::Select,
                        codes(
                            ImmigrationStatus::ALL,
                            ImmigrationStatus::code,
                            ImmigrationStatus::label,
                        ),
                    ),
                    fields.yes_no("uasc", "Is the child an unaccompanied asylum-seeking child?"),
                    fields.ask(
                        "uasc_ceased",
                        "Date the child stopped being an unaccompanied asylum-seeking child (optional)",
                        "For example, 27 3 2026",
                        Kind::Date,
                        Vec::new(),
                    ),
                ],
            },
        ],
        button: "Save",
    }
}

fn read_details(check: &mut Check<'_>, current: &ChildDetails) -> Option<ChildDetails> {
    let unborn = current.is_unborn();
    let given = check.line("given", Some("Enter the child's given name"));
    let family = check.line("family", Some("Enter the child's family name"));
    let preferred = check.line("preferred", None);
    let sex = check.code("sex", Some("Select the child's sex, or not known"));
    let gender = check.code("gender", None);
    // An expected date of birth is in the future, so it is read without that check.
    let dob = if unborn {
        let mut lenient = Check {
            values: check.values,
            today: NaiveDate::MAX,
            problems: Vec::new(),
        };
        let d = lenient.date("dob", "the expected date of birth", true);
        check.problems.append(&mut lenient.problems);
        d
    } else {
        check.date("dob", "the date of birth", true)
    };
    let ethnicity = check.code("ethnicity", Some("Select the child's ethnicity"));
    let religion = check.code("religion", None);
    let language = check.parsed("language", None, LanguageCode::parse);
    let communication = check.parsed("communication", None, Text::parse);
    let disabilities = check.codes("disabilities");
    let upn = check.parsed("upn", None, Upn::parse);
    let upn_unknown = check.code("upn_unknown", None);
    let nhs = check.parsed("nhs", None, NhsNumber::parse);
    let immigration = check.code("immigration", None);
    let uasc = check.yes_no(
        "uasc",
        "Select whether the child is an unaccompanied asylum-seeking child",
    );
    let uasc_ceased = check.date(
        "uasc_ceased",
        "the date the child stopped being an unaccompanied asylum-seeking child",
        false,
    );
    let dob = dob?;
    Some(ChildDetails {
        name: PersonName {
            given: given?,
            family: family?,
            preferred,
        },
        sex: sex?,
        gender,
        date_of_birth: (!unborn).then_some(dob),
        expected_date_of_birth: unborn.then_some(dob),
        ethnicity: ethnicity?,
        upn,
        former_upn: current.former_upn.clone(),
        upn_unknown,
        nhs_number: nhs,
        disabilities,
        first_language: language,
        communication_needs: communication,
        religion,
        immigration_status: immigration,
        uasc: uasc?,
        uasc_ceased,
    })
}

fn current_details(opened: &Opened) -> Result<ChildDetails, WebError> {
    // Every record starts with its registration, which carries the details.
    opened
        .stream
        .record()
        .details
        .clone()
        .ok_or(WebError::NotFound)
}

/// The details form, filled with the details as they stand.
pub async fn details_form(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let opened = open(&state, &user, &id, "change child's details").await?;
    let current = current_details(&opened)?;
    let values = details_values(&current);
    let fields = Fields {
        values: &values,
        problems: &[],
    };
    let draft = details_draft(&opened, current.is_unborn(), &fields);
    render(&state, &user, &opened, draft, &values, &[], None)
}

/// The details sent back.
pub async fn amend_details(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    Posted(pairs): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (values, version) = posted(&user, pairs)?;
    let opened = open(&state, &user, &id, "change child's details").await?;
    let current = current_details(&opened)?;
    let now = state.app.now();
    let mut check = Check::new(&values, now.london_date());
    let details = read_details(&mut check, &current);
    let mut problems = check.problems;
    let mut at = Some(version);
    if let (Some(details), true) = (details, problems.is_empty()) {
        let event = recorded(&user, now, now, ChildEvent::ChildDetailsAmended { details });
        match save(&state, &opened, version, None, vec![event]).await? {
            Outcome::Saved | Outcome::IdTaken => return Ok(done(&opened.id, "details")),
            Outcome::NotSaved(message) => {
                at = again_at(&message, version);
                problems.push(Problem {
                    field: "given",
                    anchor: "given".into(),
                    message,
                });
            }
        }
    }
    let fields = Fields {
        values: &values,
        problems: &problems,
    };
    let draft = details_draft(&opened, current.is_unborn(), &fields);
    render(&state, &user, &opened, draft, &values, &problems, at)
}

// ---------------------------------------------------------------------------------------
// A change of address.

fn address_draft(opened: &Opened, fields: &Fields<'_>) -> Draft {
    let mut intro = Vec::new();
    if let Some(a) = opened.stream.record().addresses.last() {
        let mut parts: Vec<&str> = a.address.lines.iter().map(Line::as_str).collect();
        parts.extend(a.address.town.as_ref().map(Line::as_str));
        parts.extend(a.address.postcode.as_ref().map(Postcode::as_str));
        intro.push(format!("The address now recorded is {}.", parts.join(", ")));
    } else {
        intro.push("No address is recorded yet.".into());
    }
    let mut questions = vec![fields.ask(
        "moved",
        "When did the child move there?",
        "For example, 27 3 2026",
        Kind::Date,
        Vec::new(),
    )];
    questions.extend(address_fields(fields));
    Draft {
        title: "Record a change of address".into(),
        action: format!("/children/{}/address", opened.id.as_str()),
        intro,
        matches: None,
        sections: vec![Section {
            heading: "The new address",
            fields: questions,
        }],
        button: "Save",
    }
}

/// The address form.
pub async fn address_form(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let opened = open(&state, &user, &id, "change of address").await?;
    // The move is dated today unless the worker says otherwise.
    let mut values = Values::default();
    values.set_date("moved", Some(state.app.now().london_date()));
    let fields = Fields {
        values: &values,
        problems: &[],
    };
    let draft = address_draft(&opened, &fields);
    render(&state, &user, &opened, draft, &values, &[], None)
}

/// The new address sent back.
pub async fn change_address(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    Posted(pairs): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (values, version) = posted(&user, pairs)?;
    let opened = open(&state, &user, &id, "change of address").await?;
    let now = state.app.now();
    let mut check = Check::new(&values, now.london_date());
    let moved = check.date("moved", "the date the child moved", true);
    let address = check.address(true).flatten();
    let mut problems = check.problems;
    let mut at = Some(version);
    if let (Some(moved), Some(address), true) = (moved, address, problems.is_empty()) {
        let when = super::record::untimed(moved, now);
        let event = recorded(&user, when, now, ChildEvent::AddressChanged { address });
        match save(&state, &opened, version, None, vec![event]).await? {
            Outcome::Saved | Outcome::IdTaken => return Ok(done(&opened.id, "address")),
            Outcome::NotSaved(message) => {
                at = again_at(&message, version);
                problems.push(Problem {
                    field: "moved",
                    anchor: "moved-day".into(),
                    message,
                });
            }
        }
    }
    let fields = Fields {
        values: &values,
        problems: &problems,
    };
    let draft = address_draft(&opened, &fields);
    render(&state, &user, &opened, draft, &values, &problems, at)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn values(pairs: &[(&str, &str)]) -> Values {
        Values::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
    }

    #[test]
    fn an_address_needs_its_first_line_once_any_part_is_given() {
        let v = values(&[("postcode", "BR1 3UH")]);
        let mut check = Check::new(&v, today());
        assert!(check.address(false).is_none());
        assert_eq!(check.problems[0].field, "line1");

        let v = values(&[]);
        let mut check = Check::new(&v, today());
        assert_eq!(check.address(false), Some(None));
        let mut check = Check::new(&v, today());
        assert!(check.address(true).is_none());
        assert!(!check.problems.is_empty());
    }

    #[test]
    fn a_postcode_is_checked_by_the_domain() {
        let v = values(&[("line1", "1 High Street"), ("postcode", "NOT A CODE")]);
        let mut check = Check::new(&v, today());
        assert!(check.address(false).is_none());
        assert_eq!(check.problems[0].field, "postcode");
    }

    #[test]
    fn dates_must_be_real_and_not_in_the_future() {
        let v = values(&[
            ("a-day", "31"),
            ("a-month", "2"),
            ("a-year", "2020"),
            ("b-day", "1"),
            ("b-month", "1"),
            ("b-year", "2030"),
        ]);
        let mut check = Check::new(&v, today());
        assert_eq!(check.date("a", "the date", true), None);
        assert_eq!(check.date("b", "the date", true), None);
        assert_eq!(check.date("c", "the date", false), None);
        assert_eq!(check.problems.len(), 2);
        assert_eq!(check.problems[0].anchor, "a-day");
        assert!(check.problems[1].message.contains("today or in the past"));
    }

    #[test]
    fn the_kinship_questions_are_all_needed() {
        let v = values(&[("relationship", "GRANDPARENT"), ("household", "no")]);
        let mut check = Check::new(&v, today());
        assert!(kinship(&mut check).is_none());
        let fields: Vec<&str> = check.problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, vec!["parental_responsibility"]);
    }
}
