//! Every recording form of the real binary, over HTTP the way a browser does: each opens for
//! someone who may record it; each form for the remaining journey events records its event
//! on the child's history; a wrong answer and a refused rule change nothing and keep what was
//! typed; and corrections strike out or move a visit, changing what is due.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{Days, NaiveDate};
use common::*;
use serde_json::json;

/// Looked after, allocated to SW2 in TM2's team.
const CARED: &str = "C901";
/// Unborn, never allocated: managers record on the record.
const UNBORN: &str = "C902";
/// On a child in need plan, allocated to SW2.
const PLANNED: &str = "C903";

/// Today in England, as the server sees it.
#[allow(clippy::disallowed_methods)]
fn today() -> NaiveDate {
    hearth_domain::Timestamp::from_utc(chrono::Utc::now()).london_date()
}

fn days_ago(n: u64) -> NaiveDate {
    today().checked_sub_days(Days::new(n)).unwrap()
}

fn imported(at: NaiveDate, time: &str, event: serde_json::Value) -> serde_json::Value {
    let when = format!("{at}T{time}:00Z");
    json!({
        "occurred_at": when,
        "recorded_at": when,
        "recorded_by": "system/import",
        "event": event,
    })
}

fn registered(given: &str, born: serde_json::Value) -> serde_json::Value {
    let mut details = json!({
        "name": {"given": given, "family": "Pellow"},
        "ethnicity": "WBRI",
        "disabilities": ["NONE"],
    });
    for (k, v) in born.as_object().unwrap() {
        details[k] = v.clone();
    }
    json!({"type": "child_registered", "details": details})
}

/// A referral and an allocation to SW2, the morning of `day`.
fn opened(day: NaiveDate) -> Vec<serde_json::Value> {
    vec![
        imported(
            day,
            "09:05",
            json!({"type": "referral_received", "source": "6", "primary_need": "N1", "no_further_action": false}),
        ),
        imported(
            day,
            "09:10",
            json!({
                "type": "worker_allocated", "worker": "SW2", "team": "TLA1", "decided_by": "TM2",
                "oversight": "Allocate to Tomasz.", "reason": "FCONTA",
            }),
        ),
    ]
}

async fn start() -> App {
    let (dir, db) = fresh_store();
    let opened_on = days_ago(60);
    let mut cared = vec![imported(
        opened_on,
        "09:00",
        registered("Ollie", json!({"sex": "M", "date_of_birth": "2012-06-01"})),
    )];
    cared.extend(opened(opened_on));
    cared.push(imported(
        days_ago(50),
        "09:00",
        json!({
            "type": "episode_started", "reason": "S", "legal_status": "C2", "placement": "U6",
            "category_of_need": "N1", "provider": "PR1", "urn": "SC400003",
            "home_postcode": "BR3 1AA", "placement_postcode": "BR3 2BB",
        }),
    ));
    let due = today().checked_add_days(Days::new(30)).unwrap();
    let unborn = vec![imported(
        opened_on,
        "09:00",
        registered(
            "Baby",
            json!({"sex": "U", "expected_date_of_birth": due.to_string()}),
        ),
    )];
    let mut planned = vec![imported(
        opened_on,
        "09:00",
        registered("Rosa", json!({"sex": "F", "date_of_birth": "2015-02-02"})),
    )];
    planned.extend(opened(opened_on));
    planned.push(imported(
        days_ago(40),
        "09:00",
        json!({"type": "cin_plan_started"}),
    ));
    let lines: String = [(CARED, cared), (UNBORN, unborn), (PLANNED, planned)]
        .into_iter()
        .map(|(id, events)| {
            format!(
                "{}\n",
                json!({"stream": format!("child/{id}"), "events": events})
            )
        })
        .collect();
    import_lines(&dir, &db, "children.jsonl", &lines);
    accounts(&db, [("sw2", "SW2"), ("tm2", "TM2")]);
    serve(dir, db).await
}

struct User {
    client: reqwest::Client,
    url: String,
}

async fn sign_in(app: &App, username: &str) -> User {
    let (client, response) = sign_in_with(app, username, PASSWORD).await;
    assert_eq!(response.status().as_u16(), 200, "{username} signs in");
    User {
        client,
        url: app.url.clone(),
    }
}

impl User {
    async fn get(&self, path: &str) -> (u16, String) {
        page(&self.client, format!("{}{path}", self.url)).await
    }

    async fn record_page(&self, child: &str) -> String {
        let (status, page) = self.get(&format!("/children/{child}")).await;
        assert_eq!(status, 200);
        page
    }

    /// Opens a page with a form, fills it in and posts it back with its token and version:
    /// the status and the page that comes back.
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let (status, form) = self.get(path).await;
        assert_eq!(status, 200, "{path} opens: {form}");
        let csrf = hidden(&form, "csrf");
        let version = hidden(&form, "version");
        let mut posted: Vec<(&str, &str)> = fields.to_vec();
        posted.push(("csrf", &csrf));
        posted.push(("version", &version));
        let r = self
            .client
            .post(format!("{}{path}", self.url))
            .form(&posted)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// Fills in a recording form as happening on `day` at `time`.
    async fn record(
        &self,
        child: &str,
        slug: &str,
        day: NaiveDate,
        time: &str,
        fields: &[(&str, &str)],
    ) -> (u16, String) {
        let (d, m, y) = parts(day);
        let mut posted = vec![
            ("day", d.as_str()),
            ("month", m.as_str()),
            ("year", y.as_str()),
            ("time", time),
        ];
        posted.extend_from_slice(fields);
        self.post(&format!("/children/{child}/record/{slug}"), &posted)
            .await
    }
}

fn parts(day: NaiveDate) -> (String, String, String) {
    (
        day.format("%-d").to_string(),
        day.format("%-m").to_string(),
        day.format("%Y").to_string(),
    )
}

/// The record's history, newest first.
fn history(record: &str) -> &str {
    &record[record.find("id=\"history\"").expect("the history")..]
}

fn entries(record: &str) -> usize {
    let at = record.find(" entries, newest first").expect("the history");
    record[..at].rsplit(' ').next().unwrap().parse().unwrap()
}

/// How an event kind is named in the history.
fn words(kind: &str) -> String {
    hearth_domain::words::kind_capitalised(kind)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_form_opens_for_someone_who_may_record_it() {
    let app = start().await;
    let sw = sign_in(&app, "sw2").await;
    let tm = sign_in(&app, "tm2").await;
    let forms = hearth_web::recording_forms();
    assert!(forms.len() > 60, "the whole catalogue: {}", forms.len());
    for (slug, managers) in forms {
        let user = if managers { &tm } else { &sw };
        let (status, page) = user.get(&format!("/children/{CARED}/record/{slug}")).await;
        assert_eq!(status, 200, "{slug}: {page}");
        // Allocation is asked on the one allocation page, with each worker's caseload.
        let action = if slug == "allocation" {
            format!("action=\"/children/{CARED}/allocate\"")
        } else {
            format!("action=\"/children/{CARED}/record/{slug}\"")
        };
        assert!(page.contains(&action), "{slug}: {page}");
        if managers {
            let (status, _) = sw.get(&format!("/children/{CARED}/record/{slug}")).await;
            assert_eq!(status, 404, "{slug} is for managers");
        }
    }
}

/// One step: who records, the form, the answers, and the kind of event it records (setup
/// steps record none that is checked).
type Step<'a> = (&'a User, &'a str, Vec<(&'a str, &'a str)>, Option<&'a str>);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_new_form_records_its_event() {
    let app = start().await;
    let sw = sign_in(&app, "sw2").await;
    let tm = sign_in(&app, "tm2").await;
    let yesterday = days_ago(1);
    let born = parts(days_ago(3));
    let steps: Vec<Step<'_>> = vec![
        (
            &sw,
            "early-help-started",
            vec![("organisation", "Hillside Primary School")],
            Some("early_help_assessment_started"),
        ),
        (
            &sw,
            "early-help-completed",
            vec![],
            Some("early_help_assessment_completed"),
        ),
        (
            &sw,
            "primary-need",
            vec![("primary_need", "N2")],
            Some("primary_need_changed"),
        ),
        (
            &sw,
            "emergency-protection",
            vec![("kind", "EPO")],
            Some("emergency_protection_recorded"),
        ),
        (&sw, "missing-started", vec![("kind", "M")], None),
        (&sw, "police-informed", vec![], Some("police_informed")),
        (&sw, "missing-ended", vec![], None),
        (
            &sw,
            "dissent",
            vec![
                ("agency", "POLICE"),
                (
                    "text",
                    "The police disagree with the decision not to hold a conference.",
                ),
            ],
            Some("dissent_recorded"),
        ),
        (
            &tm,
            "manager-response",
            vec![
                ("to", "DISSENT_RESPONSE"),
                ("agreed", "yes"),
                ("text", "Agreed: a conference will be arranged."),
            ],
            Some("manager_response_recorded"),
        ),
        (
            &sw,
            "meeting-held",
            vec![("meeting", "PERMANENCE")],
            Some("meeting_held"),
        ),
        (
            &sw,
            "immunisations",
            vec![("up_to_date", "yes")],
            Some("immunisations_recorded"),
        ),
        (
            &sw,
            "sdq",
            vec![("scored", "yes"), ("score", "14")],
            Some("sdq_recorded"),
        ),
        (
            &sw,
            "development-check",
            vec![],
            Some("development_check_completed"),
        ),
        (
            &sw,
            "substance-misuse",
            vec![("offered", "yes"), ("received", "no")],
            Some("substance_misuse_recorded"),
        ),
        (&sw, "conviction", vec![], Some("conviction_recorded")),
        (
            &sw,
            "dols-started",
            vec![],
            Some("deprivation_of_liberty_started"),
        ),
        (
            &sw,
            "dols-ended",
            vec![],
            Some("deprivation_of_liberty_ended"),
        ),
        (
            &sw,
            "previous-permanence",
            vec![
                ("order", "P2"),
                ("authority", "305"),
                ("made-month", "4"),
                ("made-year", "2019"),
            ],
            Some("previous_permanence_recorded"),
        ),
        (
            &sw,
            "parenthood",
            vec![
                ("first_child_born-day", born.0.as_str()),
                ("first_child_born-month", born.1.as_str()),
                ("first_child_born-year", born.2.as_str()),
            ],
            Some("parenthood_recorded"),
        ),
        (&sw, "adoption-decision", vec![], None),
        (
            &sw,
            "adoption-matched",
            vec![
                ("adopter_sex", "MF"),
                ("adopter_legal_status", "L11"),
                ("foster_carers_adopting", "no"),
            ],
            Some("adoption_matched"),
        ),
        (
            &sw,
            "document-shared",
            vec![
                ("document", "CARE_PLAN"),
                ("audiences", "CHILD"),
                ("audiences", "CARER"),
            ],
            Some("document_shared"),
        ),
        (
            &tm,
            "document-withheld",
            vec![
                ("document", "CARE_PLAN"),
                ("audience", "FAMILY"),
                ("reason", "It names the foster carers' address."),
            ],
            Some("document_withheld"),
        ),
        (
            &tm,
            "obligation-varied",
            vec![
                ("rule", "cin-visit"),
                ("amount", "30"),
                ("unit", "WORKING_DAYS"),
                (
                    "reason",
                    "Settled placement; the child asked for fewer visits.",
                ),
            ],
            Some("obligation_varied"),
        ),
        (
            &tm,
            "variation-ended",
            vec![("rule", "cin-visit")],
            Some("variation_ended"),
        ),
        // Last on this child: the worker no longer holds the case.
        (
            &tm,
            "worker-unallocated",
            vec![("reason", "LEFTRL")],
            Some("worker_unallocated"),
        ),
    ];
    for (minute, (user, slug, fields, kind)) in steps.into_iter().enumerate() {
        let time = format!("08:{minute:02}");
        let before = entries(&user.record_page(CARED).await);
        let (status, page) = user.record(CARED, slug, yesterday, &time, &fields).await;
        assert_eq!(status, 200, "{slug}: {page}");
        assert!(
            page.contains("govuk-notification-banner--success"),
            "{slug}: {page}"
        );
        assert_eq!(entries(&page), before + 1, "{slug} adds one entry");
        if let Some(kind) = kind {
            assert!(
                history(&page).contains(&words(kind)),
                "{slug} records {kind}: {page}"
            );
        }
    }

    // Birth and death, on the unborn child's record, which managers see while no one holds it.
    let (_, menu) = tm.get(&format!("/children/{UNBORN}/record")).await;
    assert!(menu.contains("record/birth\""), "{menu}");
    let dob = parts(days_ago(2));
    let (status, page) = tm
        .record(
            UNBORN,
            "birth",
            yesterday,
            "09:00",
            &[
                ("date_of_birth-day", dob.0.as_str()),
                ("date_of_birth-month", dob.1.as_str()),
                ("date_of_birth-year", dob.2.as_str()),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(history(&page).contains("Birth recorded"), "{page}");
    let (_, menu) = tm.get(&format!("/children/{UNBORN}/record")).await;
    assert!(!menu.contains("record/birth\""), "born once: {menu}");
    let died = parts(yesterday);
    let (status, page) = tm
        .record(
            UNBORN,
            "death",
            yesterday,
            "10:00",
            &[
                ("date_of_death-day", died.0.as_str()),
                ("date_of_death-month", died.1.as_str()),
                ("date_of_death-year", died.2.as_str()),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(history(&page).contains("Death recorded"), "{page}");
    assert!(page.contains("This child has died"), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_answer_or_a_refused_rule_changes_nothing() {
    let app = start().await;
    let sw = sign_in(&app, "sw2").await;
    let tm = sign_in(&app, "tm2").await;
    let before = entries(&sw.record_page(CARED).await);
    let yesterday = days_ago(1);

    let (status, page) = sw
        .record(
            CARED,
            "sdq",
            yesterday,
            "",
            &[("scored", "yes"), ("score", "41")],
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("There is a problem"), "{page}");
    assert!(
        page.contains("The score must be a whole number from 0 to 40"),
        "{page}"
    );
    assert!(
        page.contains("value=\"41\""),
        "the score typed is kept: {page}"
    );

    // The record's rules: no order is in force, so none can end.
    let (status, page) = sw.record(CARED, "dols-ended", yesterday, "", &[]).await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("This cannot be recorded: no deprivation of liberty order is in force"),
        "{page}"
    );
    let (status, page) = tm
        .record(
            CARED,
            "variation-ended",
            yesterday,
            "",
            &[("rule", "cin-visit")],
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("no variation of cin-visit is in force"),
        "{page}"
    );
    assert!(
        page.contains("value=\"cin-visit\" selected"),
        "the standard chosen is kept: {page}"
    );
    assert_eq!(entries(&sw.record_page(CARED).await), before);
}

const CIN_VISIT: &str = "See the child on a child in need plan";

/// The due date shown for an obligation in the "what is due" panel.
fn due_date(record: &str, summary: &str) -> String {
    let start = record.find("id=\"obligations\"").expect("the panel");
    let end = record.find("id=\"history\"").expect("the history");
    let panel = &record[start..end];
    let at = panel
        .find(summary)
        .unwrap_or_else(|| panic!("{summary} is due: {panel}"));
    let row = panel[at..].split("</tr>").next().unwrap();
    let cells: Vec<&str> = row.split("<td class=\"govuk-table__cell\"").collect();
    // A cell may carry a label for phones: its text starts after the tag closes.
    let cell = cells[1].split_once('>').unwrap().1;
    cell.split('<').next().unwrap().trim().to_owned()
}

/// The working day `n` working days after `date`, as the panel shows it.
fn working_days_after(date: NaiveDate, n: u64) -> String {
    let calendar = hearth_standards::Calendar::england_and_wales();
    let mut date = date;
    let mut left = n;
    while left > 0 {
        date = date.checked_add_days(Days::new(1)).unwrap();
        if calendar.is_working_day(date) {
            left -= 1;
        }
    }
    date.format("%-d %b %Y").to_string()
}

/// The newest entry's "Correct" link on the record.
/// The "Correct" link of the newest history row that contains `entry`.
fn correction_link(rows: &str, entry: &str) -> String {
    let marker = format!("href=\"/children/{PLANNED}/correct/");
    let row = rows
        .split("</tr>")
        .find(|row| row.contains(entry) && row.contains(&marker))
        .expect("a Correct link");
    let at = row.find(&marker).unwrap() + "href=\"".len();
    row[at..].split('"').next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrections_strike_out_or_move_a_visit() {
    let app = start().await;
    let sw = sign_in(&app, "sw2").await;
    let tm = sign_in(&app, "tm2").await;
    let record = sw.record_page(PLANNED).await;
    let unvisited = due_date(&record, CIN_VISIT);
    // A worker corrects only what they recorded; the imported entries are not theirs.
    assert!(!history(&record).contains("/correct/"), "{record}");
    // A manager may correct any entry.
    assert!(
        history(&tm.record_page(PLANNED).await).contains("/correct/"),
        "a manager corrects any entry"
    );

    let visited = days_ago(10);
    let (status, record) = sw
        .record(
            PLANNED,
            "visit",
            visited,
            "11:00",
            &[
                ("visit_kind", "STATUTORY"),
                ("child_seen", "yes"),
                ("seen_alone", "yes"),
                ("purpose", "A statutory visit."),
                ("what_seen", "The child at home, cheerful."),
                ("next_steps", "Visit again as planned."),
            ],
        )
        .await;
    assert_eq!(status, 200, "{record}");
    assert_eq!(
        due_date(&record, CIN_VISIT),
        working_days_after(visited, 20)
    );
    // The visit, not what it says (its words are an entry of their own).
    let link = correction_link(history(&record), "Visit made");

    // A wrong answer, then a refusal: the registration cannot be struck out.
    let before = entries(&record);
    let (status, page) = sw
        .post(&link, &[("correction", "date"), ("reason", "Wrong day.")])
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("Enter when it really happened"), "{page}");
    let registration = format!("/children/{PLANNED}/correct/1");
    let (status, page) = tm
        .post(
            &registration,
            &[("correction", "strike"), ("reason", "Registered twice.")],
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("This correction cannot be made: the registration cannot be struck out"),
        "{page}"
    );
    assert!(
        page.contains("Registered twice."),
        "the reason is kept: {page}"
    );
    assert_eq!(entries(&sw.record_page(PLANNED).await), before);

    // The visit was really five days later: the next visit moves with it.
    let moved = days_ago(5);
    let (d, m, y) = parts(moved);
    let (status, record) = sw
        .post(
            &link,
            &[
                ("correction", "date"),
                ("day", d.as_str()),
                ("month", m.as_str()),
                ("year", y.as_str()),
                ("reason", "Recorded against the day the visit was booked."),
            ],
        )
        .await;
    assert_eq!(status, 200, "{record}");
    assert!(record.contains("Correction recorded"), "{record}");
    assert_eq!(due_date(&record, CIN_VISIT), working_days_after(moved, 20));

    // Struck out, the visit no longer counts, and the next visit is due as before it.
    let (status, record) = sw
        .post(
            &link,
            &[
                ("correction", "strike"),
                ("reason", "Recorded on the wrong child's record."),
            ],
        )
        .await;
    assert_eq!(status, 200, "{record}");
    assert_eq!(due_date(&record, CIN_VISIT), unvisited);
    assert!(!history(&record).contains("Visit made"), "{record}");
    let (status, _) = sw.get(&link).await;
    assert_eq!(status, 404, "a struck-out entry has nothing to correct");
}

/// Every hidden field of a page, as posted back: the token, the version, the step and the
/// answers carried from other steps.
fn hidden_fields(page: &str) -> Vec<(String, String)> {
    page.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .map(|rest| {
            let (name, rest) = rest.split_once('"').unwrap();
            let value = rest
                .split_once("value=\"")
                .map_or("", |(_, v)| v.split('"').next().unwrap());
            (name.to_owned(), value.replace("&#32;", " "))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_form_is_asked_a_few_questions_at_a_time() {
    let app = start().await;
    let sw2 = sign_in(&app, "sw2").await;
    let path = format!("/children/{PLANNED}/record/episode-started");
    let url = format!("{}{path}", app.url);
    let before = entries(&sw2.record_page(PLANNED).await);
    let send = |page: String, answers: Vec<(&'static str, String)>| {
        let mut fields = hidden_fields(&page);
        fields.extend(answers.into_iter().map(|(k, v)| (k.to_owned(), v)));
        sw2.client.post(url.clone()).form(&fields).send()
    };

    // The first step asks when, why and the legal status; nothing about the placement yet.
    let (status, first) = sw2.get(&path).await;
    assert_eq!(status, 200);
    assert!(first.contains("step 1 of 3"), "{first}");
    assert!(first.contains("name=\"legal_status\""), "{first}");
    assert!(!first.contains("name=\"placement\""), "{first}");
    assert!(first.contains(">Continue</button>"), "{first}");

    // Continuing with nothing answered shows this step's problems only.
    let r = send(first.clone(), Vec::new()).await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let again = r.text().await.unwrap();
    assert!(again.contains("There is a problem"), "{again}");
    assert!(again.contains("step 1 of 3"), "{again}");
    assert!(!again.contains("name=\"placement\""), "{again}");

    // Answered, the next step asks about the placement and carries the answers so far.
    let (d, m, y) = parts(days_ago(1));
    let r = send(
        first,
        vec![
            ("day", d),
            ("month", m),
            ("year", y),
            ("time", "10:00".into()),
            ("reason", "S".into()),
            ("legal_status", "V2".into()),
            ("category_of_need", "N1".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let second = r.text().await.unwrap();
    assert!(second.contains("step 2 of 3"), "{second}");
    assert!(second.contains("name=\"placement\""), "{second}");
    assert!(
        !second.contains("name=\"legal_status\" type=\"radio\""),
        "{second}"
    );
    assert!(
        hidden_fields(&second).contains(&("legal_status".to_owned(), "V2".to_owned())),
        "{second}"
    );
    assert_eq!(
        entries(&sw2.record_page(PLANNED).await),
        before,
        "nothing saved yet"
    );

    let r = send(
        second,
        vec![("placement", "U4".into()), ("provider", "PR1".into())],
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let third = r.text().await.unwrap();
    assert!(third.contains("step 3 of 3"), "{third}");
    assert!(third.contains(">Save</button>"), "{third}");

    // The last step saves the whole episode, with every step's answers.
    let r = send(
        third,
        vec![
            ("home_postcode", "BR3 1AA".into()),
            ("placement_postcode", "BR3 2BB".into()),
        ],
    )
    .await
    .unwrap();
    let record = r.text().await.unwrap();
    assert!(record.contains("Looked-after episode recorded"), "{record}");
    assert_eq!(entries(&record), before + 1);
    assert!(record.contains("Looked after"), "{record}");
}
