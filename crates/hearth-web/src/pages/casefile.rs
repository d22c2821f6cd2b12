//! The case file: the child's record read by theme. The chronology (significant events and
//! the entries workers add, oldest first), plans, visits, meetings, assessments, case notes,
//! and management oversight and supervision, each with what was written, who recorded it and
//! when. Ofsted found the old system hid where oversight and supervision happened; here each
//! has its own page, one link from the record.
//!
//! Each page reads the record as it stands (corrections applied, struck-out entries left
//! out), through the one access decision, and is logged as a view like the record itself.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use hearth_domain::child::{ChildEvent, Standing};
use hearth_domain::directory::MemoryDirectory;
use hearth_domain::{Actor, ChildId, StaffId};

use hearth_app::narrative::describe;

use super::Layout;
use crate::auth::User;
use crate::error::WebError;
use crate::state::AppState;

/// A page of the case file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Chronology,
    Plans,
    Visits,
    Meetings,
    Assessments,
    Notes,
    Oversight,
}

impl Part {
    pub const ALL: [Part; 7] = [
        Part::Chronology,
        Part::Plans,
        Part::Visits,
        Part::Meetings,
        Part::Assessments,
        Part::Notes,
        Part::Oversight,
    ];

    /// Its address: `/children/{id}/file/{slug}`.
    pub fn slug(self) -> &'static str {
        match self {
            Part::Chronology => "chronology",
            Part::Plans => "plans",
            Part::Visits => "visits",
            Part::Meetings => "meetings",
            Part::Assessments => "assessments",
            Part::Notes => "notes",
            Part::Oversight => "oversight",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Part::Chronology => "Chronology",
            Part::Plans => "Plans",
            Part::Visits => "Visits",
            Part::Meetings => "Meetings and conferences",
            Part::Assessments => "Assessments and enquiries",
            Part::Notes => "Case notes",
            Part::Oversight => "Management oversight and supervision",
        }
    }

    fn intro(self) -> &'static str {
        match self {
            Part::Chronology => {
                "Significant events and the entries workers add, oldest first, so the child's story reads in order."
            }
            Part::Plans => {
                "Child protection, child in need, care, permanence, pathway and adoption plans, newest first."
            }
            Part::Visits => {
                "Every visit, newest first: whether the child was seen, and seen alone."
            }
            Part::Meetings => {
                "Strategy discussions, conferences, core groups, reviews and other meetings, newest first."
            }
            Part::Assessments => {
                "Child and family assessments, section 47 enquiries, early help and health assessments, newest first."
            }
            Part::Notes => {
                "Contacts, professionals' involvement, case notes, chronology entries, concerns and case summaries, newest first."
            }
            Part::Oversight => {
                "Managers' oversight and direction, supervision, allocation decisions, restrictions and other management decisions, newest first."
            }
        }
    }

    pub fn parse(slug: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.slug() == slug)
    }

    /// Whether an event belongs on this page.
    fn holds(self, event: &ChildEvent) -> bool {
        use ChildEvent::*;
        match self {
            Part::Chronology => event.is_significant(),
            Part::Plans => matches!(
                event,
                CpPlanStarted { .. }
                    | CpPlanEnded { .. }
                    | CinPlanStarted { .. }
                    | CinPlanEnded { .. }
                    | CarePlanRecorded { .. }
                    | PermanencePlanRecorded { .. }
                    | PathwayPlanRecorded { .. }
                    | PlanWritten { .. }
                    | AdoptionDecisionMade { .. }
                    | AdoptionPlanEnded { .. }
            ),
            Part::Visits => matches!(event, VisitMade { .. } | VisitWritten { .. }),
            Part::Meetings => matches!(
                event,
                StrategyDiscussionHeld { .. }
                    | InitialConferenceHeld { .. }
                    | ReviewConferenceHeld { .. }
                    | CoreGroupHeld { .. }
                    | CinMeetingHeld { .. }
                    | ClaReviewHeld { .. }
                    | PepHeld { .. }
                    | MeetingScheduled { .. }
                    | MeetingCancelled { .. }
                    | MeetingHeld { .. }
                    | DissentRecorded { .. }
                    | StrategyMinutesRecorded { .. }
                    | ConferenceMinutesRecorded { .. }
                    | ActionsReviewed { .. }
            ),
            Part::Assessments => matches!(
                event,
                AssessmentStarted { .. }
                    | AssessmentChildSeen { .. }
                    | AssessmentCompleted { .. }
                    | AssessmentAuthorised { .. }
                    | AssessmentWritten { .. }
                    | EnquiryFindingsRecorded { .. }
                    | Section47Started { .. }
                    | Section47Completed { .. }
                    | EarlyHelpAssessmentStarted { .. }
                    | EarlyHelpAssessmentCompleted { .. }
                    | HealthAssessmentCompleted { .. }
                    | DevelopmentCheckCompleted { .. }
                    | DentalCheckCompleted { .. }
                    | SdqRecorded { .. }
            ),
            Part::Notes => matches!(
                event,
                ContactRecorded { .. }
                    | ProfessionalInvolved { .. }
                    | CaseNoteRecorded { .. }
                    | ChronologyEntryAdded { .. }
                    | ConcernRaised { .. }
                    | CaseSummaryRecorded { .. }
                    | AllocationRecordWritten { .. }
                    | SummaryWritten { .. }
                    | ChildWordsRecorded { .. }
                    | ContentAmended { .. }
            ),
            Part::Oversight => matches!(
                event,
                ManagementOversightRecorded { .. }
                    | SupervisionRecorded { .. }
                    | WorkerAllocated { .. }
                    | WorkerUnallocated { .. }
                    | AssessmentAuthorised { .. }
                    | ManagerResponseRecorded { .. }
                    | DocumentWithheld { .. }
                    | ObligationVaried { .. }
                    | VariationEnded { .. }
                    | RecordRestricted { .. }
                    | RestrictionLifted { .. }
                    | ManagerDecisionRecorded { .. }
            ),
        }
    }

    /// Whether the page reads oldest first.
    fn oldest_first(self) -> bool {
        self == Part::Chronology
    }
}

/// One entry on a page.
pub struct Entry {
    pub date: String,
    pub what: String,
    /// What was written, a paragraph each.
    pub detail: Vec<String>,
    pub by: String,
    /// The entry was corrected after it was first recorded.
    pub corrected: bool,
}

/// A link to a page of the case file.
pub struct Link {
    pub href: String,
    pub title: &'static str,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "casefile.html")]
struct CaseFilePage {
    layout: Layout,
    id: String,
    name: String,
    access: &'static str,
    title: &'static str,
    intro: &'static str,
    links: Vec<Link>,
    entries: Vec<Entry>,
    /// The words searched for, on the search page.
    searched: Option<String>,
}

/// The links to every page of the case file, for the record and for the pages themselves.
pub fn links(child: &ChildId, current: Option<Part>) -> Vec<Link> {
    Part::ALL
        .into_iter()
        .map(|p| Link {
            href: format!("/children/{}/file/{}", child.as_str(), p.slug()),
            title: p.title(),
            current: Some(p) == current,
        })
        .collect()
}

/// A page of the case file.
pub async fn page(
    State(state): State<AppState>,
    user: User,
    Path((id, part)): Path<(String, String)>,
) -> Result<Html<String>, WebError> {
    let id = ChildId::parse(&id).map_err(|_| WebError::NotFound)?;
    let part = Part::parse(&part).ok_or(WebError::NotFound)?;
    let purpose = format!("case file: {}", part.slug());
    let (permit, stream) = state.app.view_child(&user, &id, &purpose).await?;
    let record = stream.record();
    let name = record
        .details
        .as_ref()
        .map_or_else(|| id.as_str().to_owned(), |d| d.name.display());
    let workforce = state.app.workforce().await;
    let entries = entries(&stream.as_it_stands(), stream.events(), part, &workforce);
    drop(workforce);
    let page = CaseFilePage {
        layout: Layout::new(&state, &user),
        id: id.as_str().to_owned(),
        name,
        access: super::words::relationship(permit.relationship()),
        title: part.title(),
        intro: part.intro(),
        links: links(&id, Some(part)),
        entries,
        searched: None,
    };
    Ok(Html(page.render()?))
}

/// The search within the record's query.
#[derive(serde::Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
}

/// Searching within the record: every entry, newest first, whose words (what happened, and
/// everything written with it) contain what was typed, ignoring case. A view of the record
/// like any other page of the case file, so it is logged.
pub async fn search(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    Query(params): Query<SearchParams>,
) -> Result<Html<String>, WebError> {
    let id = ChildId::parse(&id).map_err(|_| WebError::NotFound)?;
    let (permit, stream) = state
        .app
        .view_child(&user, &id, "case file: search")
        .await?;
    let record = stream.record();
    let name = record
        .details
        .as_ref()
        .map_or_else(|| id.as_str().to_owned(), |d| d.name.display());
    let wanted = params.q.trim().to_lowercase();
    let entries = if wanted.is_empty() {
        Vec::new()
    } else {
        let workforce = state.app.workforce().await;
        let mut all = entries_where(
            &stream.as_it_stands(),
            stream.events(),
            |_| true,
            &workforce,
        );
        all.reverse();
        all.retain(|e| {
            std::iter::once(&e.what)
                .chain(&e.detail)
                .any(|t| t.to_lowercase().contains(&wanted))
        });
        all
    };
    let page = CaseFilePage {
        layout: Layout::new(&state, &user),
        id: id.as_str().to_owned(),
        name,
        access: super::words::relationship(permit.relationship()),
        title: "Search the record",
        intro: "Every entry whose words contain what you search for, newest first.",
        links: links(&id, None),
        entries,
        searched: Some(params.q.trim().to_owned()),
    };
    Ok(Html(page.render()?))
}

/// The entries of one page, in the page's order.
pub fn entries(
    standing: &[Standing<'_>],
    stored: &[hearth_domain::Recorded<ChildEvent>],
    part: Part,
    workforce: &MemoryDirectory,
) -> Vec<Entry> {
    let mut out = entries_where(standing, stored, |e| part.holds(e), workforce);
    if !part.oldest_first() {
        out.reverse();
    }
    out
}

/// The entries whose events `keep` keeps, oldest first.
fn entries_where(
    standing: &[Standing<'_>],
    stored: &[hearth_domain::Recorded<ChildEvent>],
    keep: impl Fn(&ChildEvent) -> bool,
    workforce: &MemoryDirectory,
) -> Vec<Entry> {
    let staff = |s: &StaffId| {
        workforce
            .staff
            .get(s)
            .map_or_else(|| s.as_str().to_owned(), |w| w.name.display())
    };
    standing
        .iter()
        .filter(|e| keep(e.event))
        .map(|e| {
            let (what, mut detail) = describe(e.event, &staff);
            // Why it was corrected is what someone wrote too.
            if let Some(ChildEvent::Corrected { reason, .. }) = e
                .corrected_by
                .and_then(|v| usize::try_from(v).ok())
                .and_then(|v| stored.get(v.checked_sub(1)?))
                .map(|r| &r.event)
            {
                detail.push(format!("Corrected: {}", reason.as_str()));
            }
            Entry {
                date: e.occurred_at.london_date().format("%-d %B %Y").to_string(),
                what,
                detail,
                by: match &e.recorded.recorded_by {
                    Actor::Staff(s) => staff(s),
                    Actor::System(process) => format!("The system ({process})"),
                },
                corrected: e.corrected_by.is_some(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_has_an_address_that_parses_back() {
        for p in Part::ALL {
            assert_eq!(Part::parse(p.slug()), Some(p));
        }
        assert_eq!(Part::parse("everything"), None);
    }

    #[test]
    fn oversight_and_supervision_have_their_own_page() {
        let oversight = ChildEvent::ManagementOversightRecorded {
            manager: StaffId::parse("S0001").unwrap(),
            text: hearth_domain::values::Text::parse("Visit weekly until the conference.").unwrap(),
        };
        assert!(Part::Oversight.holds(&oversight));
        assert!(!Part::Visits.holds(&oversight));
        let (what, detail) = describe(&oversight, &|s| format!("manager {}", s.as_str()));
        assert_eq!(what, "Management oversight");
        assert_eq!(
            detail,
            vec![
                "By: manager S0001".to_owned(),
                "Visit weekly until the conference.".to_owned()
            ]
        );
    }

    /// Every string in an event that has a space in it: what a person wrote (codes, ids
    /// and instants have none).
    fn written(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) if s.contains(' ') => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|x| written(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| written(x, out)),
            _ => {}
        }
    }

    /// Point 13 of issue 12: every text a user wrote, in every event kind of the fixture
    /// (the contact's "what was said" among them), is shown in its entry, and the entry is on
    /// a page of the case file. Identity (names, addresses) is the front sheet's.
    #[test]
    fn every_text_a_user_wrote_is_shown() {
        let fixture = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/journeys/every-event-kind.jsonl"
        ))
        .unwrap();
        let identity = [
            "child_registered",
            "child_details_amended",
            "address_changed",
        ];
        let mut seen = 0;
        for line in fixture.lines() {
            let line: serde_json::Value = serde_json::from_str(line).unwrap();
            if !line["stream"].as_str().unwrap().starts_with("child/") {
                continue;
            }
            for e in line["events"].as_array().unwrap() {
                let json = &e["event"];
                let kind = json["type"].as_str().unwrap();
                if identity.contains(&kind) {
                    continue;
                }
                let event: ChildEvent = serde_json::from_value(json.clone()).unwrap();
                let mut texts = Vec::new();
                written(json, &mut texts);
                if kind == "corrected" {
                    // The replacement is shown as the entry itself; the reason with it.
                    texts.retain(|t| Some(t.as_str()) == json["reason"].as_str());
                } else if !texts.is_empty() {
                    assert!(
                        Part::ALL.iter().any(|p| p.holds(&event)),
                        "{kind} is on no page of the case file"
                    );
                }
                let (_, detail) = describe(&event, &|s| s.as_str().to_owned());
                for t in texts {
                    assert!(
                        detail.iter().any(|d| d.contains(&t)),
                        "{kind}: {t:?} is not shown in {detail:?}"
                    );
                    seen += 1;
                }
            }
        }
        assert!(seen > 10, "the fixture holds what people wrote");
    }

    #[test]
    fn the_chronology_is_the_significant_events() {
        let plan = ChildEvent::CpPlanStarted {};
        let core_group = ChildEvent::CoreGroupHeld {};
        assert!(Part::Chronology.holds(&plan));
        assert!(!Part::Chronology.holds(&core_group));
        assert!(Part::Meetings.holds(&core_group));
    }
}
