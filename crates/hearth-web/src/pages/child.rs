//! The child's record: the front sheet, what is due, and what has happened.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use hearth_app::queries::NetworkRecord;
use hearth_domain::{ChildId, ChildRecord, StreamId};

use super::record::{done_message, offered};
use hearth_app::policy::{may_amend, may_correct};
use std::sync::Arc;

use super::Layout;
use crate::auth::User;
use crate::due::Due;
use crate::error::WebError;
use crate::state::AppState;

/// One line of the front sheet's summary list.
pub struct Fact {
    pub key: &'static str,
    pub value: String,
}

/// An alert shown at the top of the record.
pub struct Alert {
    pub text: String,
}

/// The restriction on the record, for its banner.
pub struct RestrictionView {
    pub by: String,
    pub since: String,
    pub reason: String,
    /// The staff named, with their role.
    pub permitted: Vec<String>,
}

/// Someone in the child's network or a professional.
pub struct Contact {
    pub name: String,
    pub relationship: String,
    pub detail: String,
    /// Links to change or end their place, for those who may (address, words).
    pub links: Vec<(String, &'static str)>,
}

/// An event on the record.
pub struct Happened {
    pub date: String,
    pub what: String,
    /// What was written and chosen, a paragraph each: the words a worker typed included.
    pub detail: Vec<String>,
    pub by: String,
    pub significant: bool,
    /// The address of the form that corrects it, for those who may.
    pub correct: Option<String>,
}

/// The page's query: after recording, what was recorded.
#[derive(serde::Deserialize)]
pub struct Params {
    recorded: Option<String>,
    /// After a change to the network, professionals or identity, what changed.
    changed: Option<String>,
    /// The page of the history, from 1 (the newest entries).
    history: Option<usize>,
}

/// How many entries of the history a page shows.
const HISTORY_PAGE: usize = 50;

/// A page of the history: its number and address.
pub struct HistoryPage {
    pub number: usize,
    pub href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "child.html")]
struct ChildPage {
    layout: Layout,
    done: Option<&'static str>,
    /// Something can be recorded: the record links to its "Record something" page.
    records: bool,
    /// May change the child's details, network and professionals.
    amend: bool,
    id: String,
    name: String,
    access: &'static str,
    alerts: Vec<Alert>,
    practice: hearth_app::practice::PracticeNow,
    restriction: Option<RestrictionView>,
    facts: Vec<Fact>,
    network: Vec<Contact>,
    professionals: Vec<Contact>,
    due: Arc<Due>,
    events: Vec<Happened>,
    event_count: usize,
    /// The first and last entry shown, counted from the newest.
    shown: (usize, usize),
    pages: Vec<HistoryPage>,
    previous: Option<String>,
    next: Option<String>,
    links: Vec<super::casefile::Link>,
    /// The child's audits this user may see (practice assurance).
    audits: Vec<super::assurance::AuditLink>,
}

pub(super) fn date(d: chrono::NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

impl ChildPage {
    fn date(&self, d: &chrono::NaiveDate) -> String {
        date(*d)
    }
}

pub(super) fn words(kind: &str) -> String {
    hearth_domain::words::kind_capitalised(kind)
}

fn alerts(record: &ChildRecord) -> Vec<Alert> {
    let mut out = Vec::new();
    if let Some(plan) = record.open_cp_plan() {
        out.push(Alert {
            text: format!(
                "Child protection plan since {} ({})",
                date(plan.start.date()),
                plan.latest_category.label()
            ),
        });
    }
    if let Some(episode) = record.current_care_episode() {
        out.push(Alert {
            text: format!("Looked after: {}", episode.legal_status.label()),
        });
    }
    if let Some(m) = record.open_missing() {
        out.push(Alert {
            text: format!(
                "Missing since {}",
                m.start.at.london_date_time().format("%-d %B %Y at %H:%M")
            ),
        });
    }
    if record.date_of_death.is_some() {
        out.push(Alert {
            text: "This child has died".into(),
        });
    }
    out
}

fn facts(record: &ChildRecord, today: chrono::NaiveDate) -> Vec<Fact> {
    let mut out = Vec::new();
    if let Some(d) = &record.details {
        if let Some(dob) = d.date_of_birth {
            let age = record
                .age_on(today)
                .map_or(String::new(), |a| format!(" (age {a})"));
            out.push(Fact {
                key: "Date of birth",
                value: format!("{}{age}", date(dob)),
            });
        } else if let Some(due) = d.expected_date_of_birth {
            out.push(Fact {
                key: "Expected date of birth",
                value: date(due),
            });
        }
        out.push(Fact {
            key: "Sex",
            value: d.sex.label().to_owned(),
        });
        out.push(Fact {
            key: "Ethnicity",
            value: d.ethnicity.label().to_owned(),
        });
        if let Some(n) = &d.nhs_number {
            out.push(Fact {
                key: "NHS number",
                value: n.as_str().to_owned(),
            });
        }
        if let Some(u) = &d.upn {
            out.push(Fact {
                key: "UPN",
                value: u.as_str().to_owned(),
            });
        }
    }
    if let Some(a) = record.addresses.last() {
        let mut lines: Vec<String> = a
            .address
            .lines
            .iter()
            .map(|l| l.as_str().to_owned())
            .collect();
        lines.extend(a.address.town.iter().map(|t| t.as_str().to_owned()));
        lines.extend(a.address.postcode.iter().map(|p| p.as_str().to_owned()));
        out.push(Fact {
            key: "Address",
            value: lines.join(", "),
        });
    }
    if let Some(e) = record.current_care_episode() {
        out.push(Fact {
            key: "Legal status",
            value: e.legal_status.label().to_owned(),
        });
        out.push(Fact {
            key: "Placement",
            value: e.placement.label().to_owned(),
        });
    }
    out
}

/// The page.
pub async fn page(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Html<String>, WebError> {
    let id = ChildId::parse(&id).map_err(|_| WebError::NotFound)?;
    let (permit, stream) = state.app.view_child(&user, &id, "child record").await?;
    let record = stream.record();
    let now = state.app.now();
    let audits =
        super::assurance::links(&state, &state.app.child_audits(&user, &permit).await?).await;

    // Names of the family network and professionals, from their own records.
    let people: Vec<StreamId> = record
        .network
        .iter()
        .filter(|l| l.removed.is_none())
        .map(|l| StreamId::person(&l.person))
        .chain(
            record
                .professionals
                .iter()
                .filter(|p| p.until.is_none())
                .map(|p| StreamId::professional(&p.professional)),
        )
        .collect();
    let mut names = std::collections::HashMap::new();
    for found in state.app.network_records(&people).await? {
        let (stream, line) = match found {
            NetworkRecord::Person(id, p) => {
                let phone = p.phone.map(|x| x.as_str().to_owned()).unwrap_or_default();
                (StreamId::person(&id), (p.name.display(), phone))
            }
            NetworkRecord::Professional(id, p) => (StreamId::professional(&id), {
                let contact: Vec<String> = [
                    Some(format!("{}, {}", p.role.as_str(), p.organisation.as_str())),
                    p.phone.map(|x| x.as_str().to_owned()),
                    p.email.map(|x| x.as_str().to_owned()),
                ]
                .into_iter()
                .flatten()
                .collect();
                (p.name.display(), contact.join(" · "))
            }),
        };
        names.insert(stream.to_string(), line);
    }
    let unknown = || ("Name not recorded".to_owned(), String::new());
    let amend = may_amend(&user, permit.relationship());
    let child_href = format!("/children/{}", id.as_str());
    let network = record
        .network
        .iter()
        .filter(|l| l.removed.is_none())
        .map(|l| {
            let (name, phone) = names
                .get(&StreamId::person(&l.person).to_string())
                .cloned()
                .unwrap_or_else(unknown);
            let mut relationship = l.relationship.label().to_owned();
            if l.parental_responsibility {
                relationship.push_str(", parental responsibility");
            }
            if l.lives_in_household {
                relationship.push_str(", lives in the household");
            }
            let links = if amend {
                let base = format!("{child_href}/network/{}", l.person.as_str());
                vec![
                    (format!("{base}/change"), "Change"),
                    (format!("{base}/remove"), "Remove"),
                ]
            } else {
                Vec::new()
            };
            Contact {
                name,
                relationship,
                detail: phone,
                links,
            }
        })
        .collect();
    let professionals = record
        .professionals
        .iter()
        .filter(|p| p.until.is_none())
        .map(|p| {
            let (name, detail) = names
                .get(&StreamId::professional(&p.professional).to_string())
                .cloned()
                .unwrap_or_else(unknown);
            let links = if amend {
                vec![(
                    format!("{child_href}/professionals/{}/end", p.professional.as_str()),
                    "End involvement",
                )]
            } else {
                Vec::new()
            };
            Contact {
                name,
                relationship: p.involvement.as_str().to_owned(),
                detail,
                links,
            }
        })
        .collect();

    let workforce = state.app.workforce().await;
    let due = state.due.evaluate(
        record,
        stream.version(),
        now,
        state.app.ruleset(),
        state.app.calendar(),
        &workforce,
    )?;
    let name = record
        .details
        .as_ref()
        .map_or_else(|| id.as_str().to_owned(), |d| d.name.display());
    let practice = hearth_app::practice::practice_now(record, now.london_date(), |s| {
        workforce
            .staff
            .get(s)
            .map_or_else(|| s.as_str().to_owned(), |w| w.name.display())
    });

    let mut facts = facts(record, now.london_date());
    if let Some(a) = record.current_allocation() {
        let worker = workforce
            .staff
            .get(&a.worker)
            .map_or_else(|| a.worker.as_str().to_owned(), |w| w.name.display());
        let team = workforce
            .teams
            .get(&a.team)
            .map_or_else(|| a.team.as_str().to_owned(), |t| t.name().to_owned());
        facts.push(Fact {
            key: "Allocated worker",
            value: format!("{worker} ({team})"),
        });
    } else {
        facts.push(Fact {
            key: "Allocated worker",
            value: "Not allocated".into(),
        });
    }
    let by = |actor: &hearth_domain::Actor| match actor.staff() {
        Some(s) => workforce
            .staff
            .get(s)
            .map_or_else(|| s.as_str().to_owned(), |w| w.name.display()),
        None => "The system".to_owned(),
    };
    // The history, newest first, a page at a time. Each entry is described from the event as
    // it now stands (a corrected entry as corrected), so what a worker wrote is shown with it.
    let standing: std::collections::HashMap<u64, &hearth_domain::child::ChildEvent> = stream
        .as_it_stands()
        .into_iter()
        .map(|e| (e.version, e.event))
        .collect();
    let stored = stream.events();
    let staff_named = |s: &hearth_domain::StaffId| {
        workforce
            .staff
            .get(s)
            .map_or_else(|| s.as_str().to_owned(), |w| w.name.display())
    };
    let count = record.log.len();
    let last_page = count.div_ceil(HISTORY_PAGE).max(1);
    let current = params.history.unwrap_or(1).clamp(1, last_page);
    let history_href = |n: usize| format!("/children/{}?history={n}#history", id.as_str());
    let events: Vec<Happened> = record
        .log
        .iter()
        .rev()
        .skip((current - 1) * HISTORY_PAGE)
        .take(HISTORY_PAGE)
        .map(|e| Happened {
            date: date(e.mark.date()),
            what: words(e.kind),
            detail: standing
                .get(&e.mark.version)
                .copied()
                .or_else(|| {
                    usize::try_from(e.mark.version)
                        .ok()
                        .and_then(|v| stored.get(v.checked_sub(1)?))
                        .map(|r| &r.event)
                })
                .map(|ev| hearth_app::narrative::describe(ev, &staff_named).1)
                .unwrap_or_default(),
            by: by(&e.recorded_by),
            significant: e.significant,
            // A correction is not itself corrected: the entry it corrects is.
            correct: (e.kind != "corrected"
                && may_correct(&user, permit.relationship(), &e.recorded_by))
            .then(|| format!("/children/{}/correct/{}", id.as_str(), e.mark.version)),
        })
        .collect();
    let staff_name = |s: &hearth_domain::StaffId| {
        workforce
            .staff
            .get(s)
            .map_or_else(|| s.as_str().to_owned(), |w| w.name.display())
    };
    let restriction = record.restriction.as_ref().map(|r| RestrictionView {
        by: staff_name(&r.by),
        since: date(r.since.date()),
        reason: r.reason.clone(),
        permitted: r
            .permitted
            .iter()
            .map(|p| match workforce.staff.get(p) {
                Some(w) => format!("{} ({})", w.name.display(), w.role.label().to_lowercase()),
                None => p.as_str().to_owned(),
            })
            .collect(),
    });
    let records =
        amend || !offered(&user, permit.relationship(), &id, record, now.london_date()).is_empty();
    let first = (current - 1) * HISTORY_PAGE;
    let page = ChildPage {
        layout: Layout::new(&state, &user),
        done: params
            .recorded
            .as_deref()
            .and_then(done_message)
            .or_else(|| {
                params
                    .changed
                    .as_deref()
                    .and_then(super::network::done_message)
            }),
        records,
        amend,
        id: id.as_str().to_owned(),
        access: super::words::relationship(permit.relationship()),
        alerts: alerts(record),
        practice,
        restriction,
        facts,
        network,
        professionals,
        due,
        event_count: count,
        shown: (first + 1, first + events.len()),
        pages: (1..=last_page)
            .map(|n| HistoryPage {
                number: n,
                href: history_href(n),
                current: n == current,
            })
            .collect(),
        previous: (current > 1).then(|| history_href(current - 1)),
        next: (current < last_page).then(|| history_href(current + 1)),
        events,
        links: super::casefile::links(&id, None),
        audits,
        name,
    };
    drop(workforce);
    Ok(Html(page.render()?))
}
