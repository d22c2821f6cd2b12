//! One child's journey walked through the recording forms of the real binary, over HTTP the
//! way a browser does: a referral to a child protection plan, with "what is due" on the
//! child's record checked after each step against the practice standards the app measures.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{Days, NaiveDate};
use common::*;

/// The child walked: new to the service, registered before the walk starts.
const CHILD: &str = "C900";

/// Today in England, as the server will see it: the walk is dated in the weeks before, so
/// what is due is measured against the real clock the binary reads.
#[allow(clippy::disallowed_methods)]
fn today() -> NaiveDate {
    hearth_domain::Timestamp::from_utc(chrono::Utc::now()).london_date()
}

/// The working day `n` working days before today: meetings and conferences are not held at
/// weekends or on bank holidays, and the record refuses them.
fn working_days_ago(n: u64) -> NaiveDate {
    let calendar = hearth_standards::Calendar::england_and_wales();
    let mut date = today();
    let mut left = n;
    while left > 0 || !calendar.is_working_day(date) {
        date = date.checked_sub_days(Days::new(1)).unwrap();
        if calendar.is_working_day(date) {
            left = left.saturating_sub(1);
        }
    }
    date
}

async fn start() -> App {
    let (dir, db) = fresh_store();
    let registered = today().checked_sub_days(Days::new(40)).unwrap();
    let line = serde_json::json!({
        "stream": format!("child/{CHILD}"),
        "events": [{
            "occurred_at": format!("{registered}T09:00:00Z"),
            "recorded_at": format!("{registered}T09:00:00Z"),
            "recorded_by": "system/import",
            "event": {
                "type": "child_registered",
                "details": {
                    "name": {"given": "Noor", "family": "Halloway"},
                    "sex": "F",
                    "date_of_birth": "2019-03-14",
                    "ethnicity": "WBRI",
                    "disabilities": ["NONE"]
                }
            }
        }]
    });
    import_lines(&dir, &db, "child.jsonl", &format!("{line}\n"));
    accounts(&db, [("sw2", "SW2"), ("tm2", "TM2"), ("hos1", "HOS1")]);
    serve(dir, db).await
}

/// The date `n` working days after `date`, as the panel shows it.
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

/// A signed-in user.
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
    async fn record_page(&self) -> String {
        let r = self
            .client
            .get(format!("{}/children/{CHILD}", self.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        r.text().await.unwrap()
    }

    /// Whether the record's "Record something" page offers a form (it is not listed when
    /// nothing can be recorded at all).
    async fn offers(&self, slug: &str) -> bool {
        let r = self
            .client
            .get(format!("{}/children/{CHILD}/record", self.url))
            .send()
            .await
            .unwrap();
        r.text().await.unwrap().contains(&if slug == "allocation" {
            format!("/children/{CHILD}/allocate\"")
        } else {
            format!("/children/{CHILD}/record/{slug}\"")
        })
    }

    /// Opens a form, fills it in as happening `days_ago` working days ago, and saves it: the status and the
    /// page that comes back.
    async fn record(&self, slug: &str, days_ago: u64, fields: &[(&str, &str)]) -> (u16, String) {
        let address = format!("{}/children/{CHILD}/record/{slug}", self.url);
        let form = self.client.get(&address).send().await.unwrap();
        assert_eq!(form.status().as_u16(), 200, "the {slug} form opens");
        let form = form.text().await.unwrap();
        let date = working_days_ago(days_ago);
        let (day, month, year) = (
            date.format("%-d").to_string(),
            date.format("%-m").to_string(),
            date.format("%Y").to_string(),
        );
        let mut posted: Vec<(&str, &str)> = vec![
            ("day", &day),
            ("month", &month),
            ("year", &year),
            ("time", "10:00"),
        ];
        posted.extend_from_slice(fields);
        let csrf = hidden(&form, "csrf");
        let version = hidden(&form, "version");
        posted.push(("csrf", &csrf));
        posted.push(("version", &version));
        let r = self
            .client
            .post(&address)
            .form(&posted)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// Records, expecting it to be accepted with the banner naming what was recorded.
    async fn recorded(
        &self,
        slug: &str,
        days_ago: u64,
        fields: &[(&str, &str)],
        banner: &str,
    ) -> String {
        let (status, page) = self.record(slug, days_ago, fields).await;
        assert_eq!(status, 200, "{slug}: {page}");
        assert!(
            page.contains("govuk-notification-banner--success") && page.contains(banner),
            "{slug} should show '{banner}': {page}"
        );
        page
    }
}

/// The "what is due" panel of a record page.
fn due_panel(record: &str) -> &str {
    let start = record
        .find("id=\"obligations\"")
        .expect("the what is due panel");
    let end = record.find("id=\"history\"").expect("the history");
    &record[start..end]
}

/// The due date shown for an obligation in the panel, if it is listed.
fn due_date(record: &str, summary: &str) -> Option<String> {
    let panel = due_panel(record);
    let at = panel.find(summary)?;
    let row = panel[at..].split("</tr>").next()?;
    let cells: Vec<&str> = row.split("<td class=\"govuk-table__cell\"").collect();
    // A cell may carry a label for phones: its text starts after the tag closes.
    cells.get(1).map(|c| {
        let c = c.split_once('>').map_or(*c, |(_, text)| text);
        c.split('<').next().unwrap_or("").trim().to_owned()
    })
}

fn entries(record: &str) -> usize {
    let at = record.find(" entries, newest first").expect("the history");
    record[..at].rsplit(' ').next().unwrap().parse().unwrap()
}

const ALLOCATE: &str = "Allocate the child to a practitioner";
const STRATEGY: &str = "Hold a strategy discussion";
const ICPC: &str = "Hold the initial child protection conference";
const FIRST_CORE_GROUP: &str = "Hold the first core group";
const CORE_GROUP: &str = "Hold the core group";
const CP_VISIT: &str = "Visit the child on a child protection plan";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_walked_from_referral_to_a_protection_plan() {
    let app = start().await;
    // Before the referral opens a case, only roles that oversee the whole service see a new
    // child, so the head of service takes the referral; a team manager then allocates.
    let hos = sign_in(&app, "hos1").await;
    let record = hos.record_page().await;
    assert!(!due_panel(&record).contains(ALLOCATE));
    assert!(record.contains("Record something"), "{record}");
    assert!(hos.offers("referral").await);

    let record = hos
        .recorded(
            "referral",
            21,
            &[
                ("source", "6"),
                ("primary_need", "N1"),
                ("no_further_action", "no"),
                (
                    "summary",
                    "Police attended a domestic incident; Noor was present.",
                ),
            ],
            "Referral recorded",
        )
        .await;
    assert!(due_panel(&record).contains(ALLOCATE), "{record}");
    assert!(
        !hos.offers("referral").await,
        "a second referral is not offered"
    );
    assert!(hos.offers("allocation").await, "{record}");

    // Waiting for a worker, the child is open to team managers, who allocate from the queue.
    let tm = sign_in(&app, "tm2").await;
    let record = tm.record_page().await;
    assert!(
        record.contains("the child is waiting for a worker and you are a manager"),
        "{record}"
    );
    assert!(tm.offers("allocation").await, "{record}");
    // The allocation form offers workers in post; the child joins the worker's team.
    let record = tm
        .recorded(
            "allocation",
            21,
            &[
                ("worker", "SW2"),
                ("reason", "FCONTA"),
                (
                    "oversight",
                    "Assess within the timescale; speak to the school first.",
                ),
            ],
            "Worker allocated",
        )
        .await;
    assert!(!due_panel(&record).contains(ALLOCATE), "{record}");

    // The allocated worker now has the child, and so does her team manager.
    let sw = sign_in(&app, "sw2").await;
    let record = sw.record_page().await;
    assert!(record.contains("you are the allocated worker"), "{record}");
    assert!(
        !sw.offers("allocation").await,
        "a social worker does not allocate"
    );
    assert!(tm.offers("allocation").await);

    sw.recorded("assessment-started", 20, &[], "Assessment start recorded")
        .await;
    let record = sw
        .recorded(
            "assessment-child-seen",
            19,
            &[],
            "Child seen for the assessment recorded",
        )
        .await;
    assert!(
        !sw.offers("assessment-child-seen").await,
        "seen once is enough: {record}"
    );

    let record = sw
        .recorded(
            "concern",
            18,
            &[("summary", "Bruising seen on Noor's arm during the visit.")],
            "Concern recorded",
        )
        .await;
    assert!(due_panel(&record).contains(STRATEGY), "{record}");
    assert!(!due_panel(&record).contains(ICPC), "{record}");

    // The team manager holds the strategy discussion: now the enquiry and the conference
    // are due, the conference within 15 working days.
    let record = tm
        .recorded(
            "strategy-discussion",
            17,
            &[
                ("agencies", "SOCIAL_CARE"),
                ("agencies", "POLICE"),
                ("agencies", "HEALTH"),
                ("decision", "S47"),
            ],
            "Strategy discussion recorded",
        )
        .await;
    assert!(!due_panel(&record).contains(STRATEGY), "{record}");
    assert_eq!(
        due_date(&record, ICPC),
        Some(working_days_after(working_days_ago(17), 15)),
        "{record}"
    );

    // A step out of order is refused with the rule in plain words, keeps what was typed and
    // records nothing.
    let before = entries(&sw.record_page().await);
    let (status, refused) = sw.record("cp-plan-started", 16, &[]).await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused.contains(
            "This cannot be recorded: a child protection plan starts only from an initial conference that decided on one"
        ),
        "{refused}"
    );
    assert!(refused.contains("govuk-error-summary"), "{refused}");
    let typed_day = working_days_ago(16).format("value=\"%-d\"").to_string();
    assert!(refused.contains(&typed_day), "{refused}");
    assert_eq!(entries(&sw.record_page().await), before);

    // A form with a missing answer names the field and keeps the others.
    let (status, incomplete) = sw
        .record(
            "section-47-completed",
            10,
            &[("outcome", "SUBSTANTIATED_RISK")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        incomplete.contains("href=\"#conference_needed\">Select whether a conference is needed"),
        "{incomplete}"
    );
    assert!(
        incomplete.contains("value=\"SUBSTANTIATED_RISK\" checked"),
        "{incomplete}"
    );

    sw.recorded(
        "section-47-started",
        17,
        &[],
        "Section 47 enquiry start recorded",
    )
    .await;
    let record = sw
        .recorded(
            "section-47-completed",
            10,
            &[
                ("outcome", "SUBSTANTIATED_RISK"),
                ("conference_needed", "yes"),
            ],
            "Section 47 outcome recorded",
        )
        .await;
    assert!(due_panel(&record).contains(ICPC), "{record}");

    let record = sw
        .recorded(
            "initial-conference",
            8,
            &[
                ("transfer_in", "no"),
                ("outcome", "CP_PLAN"),
                ("category", "PHY"),
            ],
            "Initial child protection conference recorded",
        )
        .await;
    assert!(!due_panel(&record).contains(ICPC), "{record}");
    assert!(!due_panel(&record).contains(FIRST_CORE_GROUP), "{record}");
    assert!(sw.offers("cp-plan-started").await, "{record}");

    // The plan starts: the first core group within 10 working days, and visits every 10
    // working days.
    let record = sw
        .recorded(
            "cp-plan-started",
            8,
            &[],
            "Child protection plan start recorded",
        )
        .await;
    assert!(record.contains("Child protection plan since"), "{record}");
    let plan_start = working_days_ago(8);
    assert_eq!(
        due_date(&record, FIRST_CORE_GROUP),
        Some(working_days_after(plan_start, 10)),
        "{record}"
    );
    let first_visit_due = due_date(&record, CP_VISIT).unwrap_or_else(|| panic!("{record}"));
    assert_eq!(first_visit_due, working_days_after(plan_start, 10));

    let record = sw
        .recorded("core-group", 5, &[], "Core group meeting recorded")
        .await;
    assert!(!due_panel(&record).contains(FIRST_CORE_GROUP), "{record}");
    assert!(due_panel(&record).contains(CORE_GROUP), "{record}");

    // A visit that sees the child alone meets the visit that was due; the next one is due
    // ten working days on.
    let record = sw
        .recorded(
            "visit",
            2,
            &[
                ("visit_kind", "STATUTORY"),
                ("child_seen", "yes"),
                ("seen_alone", "yes"),
                ("bedroom_seen", "yes"),
                ("purpose", "A statutory visit."),
                ("what_seen", "The child at home, cheerful."),
                ("next_steps", "Visit again as planned."),
            ],
            "Visit recorded",
        )
        .await;
    let next_visit_due = due_date(&record, CP_VISIT).unwrap_or_else(|| panic!("{record}"));
    assert_ne!(first_visit_due, next_visit_due, "{record}");

    // The manager's oversight, which only a manager is offered.
    assert!(!sw.offers("oversight").await);
    let record = tm
        .recorded(
            "oversight",
            1,
            &[(
                "text",
                "Plan is in place; core group to track school attendance.",
            )],
            "Management oversight recorded",
        )
        .await;
    assert!(record.contains("Management oversight recorded"));
}

/// The value of the first radio of a field on a page: the entry a content form offers.
fn first_choice(page: &str, field: &str) -> String {
    let marker = format!("id=\"{field}\" name=\"{field}\" type=\"radio\" value=\"");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("{field}: {page}"))
        + marker.len();
    page[at..].split('"').next().unwrap().to_owned()
}

/// The words of practice through the forms: an assessment written up with its three
/// domains, its analysis and the child's wishes, returned once by the manager with a comment
/// (on the worker's My work), then authorised with a rationale; a visit with the child's
/// words; and the record page showing the worries and the child's latest words at the top.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_content_of_practice_written_through_the_forms() {
    let app = start().await;
    let hos = sign_in(&app, "hos1").await;
    hos.recorded(
        "referral",
        21,
        &[
            ("source", "6"),
            ("primary_need", "N1"),
            ("no_further_action", "no"),
            ("summary", "Police attended a domestic incident."),
        ],
        "Referral recorded",
    )
    .await;
    let tm = sign_in(&app, "tm2").await;
    tm.recorded(
        "allocation",
        21,
        &[
            ("worker", "SW2"),
            ("reason", "FCONTA"),
            ("oversight", "Assess within the timescale."),
        ],
        "Worker allocated",
    )
    .await;
    let sw = sign_in(&app, "sw2").await;
    sw.recorded("assessment-started", 20, &[], "Assessment start recorded")
        .await;
    assert!(
        !sw.offers("assessment-written").await,
        "nothing to write up yet"
    );
    sw.recorded(
        "assessment-completed",
        10,
        &[("factors", "21"), ("outcome", "CIN_PLAN")],
        "Assessment completion recorded",
    )
    .await;
    assert!(sw.offers("assessment-written").await);
    assert!(
        !sw.offers("assessment-decision").await,
        "a worker does not decide"
    );

    let form = sw
        .client
        .get(format!(
            "{}/children/{CHILD}/record/assessment-written",
            app.url
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let assessment = first_choice(&form, "assessment");
    // A missing domain is named against its field, and what was typed is kept.
    let (status, page) = sw
        .record(
            "assessment-written",
            9,
            &[
                ("assessment", &assessment),
                ("developmental_needs", "Noor is meeting her milestones."),
            ],
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("Enter parenting capacity"), "{page}");
    assert!(page.contains("Noor is meeting her milestones."), "{page}");
    let texts = [
        ("developmental_needs", "Noor is meeting her milestones."),
        ("parenting_capacity", "Mum meets Noor's basic care well."),
        (
            "family_and_environment",
            "Housing is stable; money is tight.",
        ),
        ("analysis", "The risk comes from the arguments at night."),
        ("wishes_and_feelings", "Noor wants the shouting to stop."),
        ("parents_views", "Mum agrees to work with the service."),
        ("working_well", "School attendance is good."),
        (
            "worries",
            "Noor hears arguments at night and is frightened.",
        ),
        ("needs_to_happen", "Mum to attend a domestic abuse course."),
        ("recommendation", "A child in need plan."),
    ];
    let mut fields = vec![("assessment", assessment.as_str())];
    fields.extend(texts);
    sw.recorded("assessment-written", 9, &fields, "Assessment written up")
        .await;
    assert!(!sw.offers("assessment-written").await, "written once");

    // The manager returns it with a comment: it shows on the worker's My work.
    let return_it = [
        ("decision", "RETURNED"),
        ("rationale", "Say more about what Noor said at school."),
    ];
    let form = tm
        .client
        .get(format!(
            "{}/children/{CHILD}/record/assessment-decision",
            app.url
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let entry = first_choice(&form, "entry");
    let mut fields = vec![("entry", entry.as_str())];
    fields.extend(return_it);
    tm.recorded("assessment-decision", 8, &fields, "Decision recorded")
        .await;
    let my_work = sw
        .client
        .get(format!("{}/", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        my_work.contains("Returned to you by your manager"),
        "{my_work}"
    );
    assert!(my_work.contains("assessment returned on"), "{my_work}");

    // Then authorises it with a rationale: off My work, and the assessment is authorised.
    let authorise = [
        ("entry", entry.as_str()),
        ("decision", "AUTHORISED"),
        ("rationale", "The analysis follows from what was found."),
    ];
    let record = tm
        .recorded("assessment-decision", 7, &authorise, "Decision recorded")
        .await;
    assert!(!tm.offers("assessment-decision").await, "{record}");
    assert!(
        !tm.offers("assessment-authorised").await,
        "authorised with it"
    );
    let my_work = sw
        .client
        .get(format!("{}/", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !my_work.contains("Returned to you by your manager"),
        "{my_work}"
    );

    // A visit with the child's words; then the record shows them, and the worries.
    sw.recorded(
        "childs-words",
        6,
        &[
            ("words", "I drew my house with everyone smiling."),
            ("gathered", "DRAWING"),
        ],
        "words recorded",
    )
    .await;
    let record = sw
        .recorded(
            "visit",
            2,
            &[
                ("visit_kind", "STATUTORY"),
                ("child_seen", "yes"),
                ("seen_alone", "yes"),
                ("purpose", "To see Noor after the assessment."),
                ("what_seen", "Noor at home, relaxed."),
                ("child_said", "It is quieter at home now."),
                ("next_steps", "Visit again in four weeks."),
            ],
            "Visit recorded",
        )
        .await;
    let top = &record[record.find("id=\"practice\"").expect("the practice")..];
    let top = &top[..top.find("</section>").unwrap()];
    assert!(top.contains("It is quieter at home now."), "{top}");
    assert!(top.contains("On a visit"), "{top}");
    assert!(
        !top.contains("I drew my house"),
        "only the latest words: {top}"
    );
    assert!(
        top.contains("Noor hears arguments at night and is frightened."),
        "{top}"
    );

    // The search within the record finds a word in what was written, whatever its case.
    let search = |q: &str| {
        let url = format!("{}/children/{CHILD}/file/search?q={q}", app.url);
        let client = sw.client.clone();
        async move {
            let r = client.get(url).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200);
            r.text().await.unwrap()
        }
    };
    let found = search("QUIETER").await;
    assert!(found.contains("It is quieter at home now."), "{found}");
    assert!(found.contains("1 entry."), "{found}");
    let found = search("domestic%20abuse%20course").await;
    assert!(
        found.contains("Mum to attend a domestic abuse course."),
        "{found}"
    );
    let none = search("zebra").await;
    assert!(none.contains("No entry contains"), "{none}");
}
