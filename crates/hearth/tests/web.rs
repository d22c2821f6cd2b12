//! The web application, started as the real binary on a free port against a fresh store
//! holding the fixture, and used over HTTP the way a browser does.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use hearth_domain::{ChildId, StreamId};

/// Staff added to the fixture: (id, role, team, line manager).
const EXTRA_STAFF: [(&str, &str, &str, Option<&str>); 8] = [
    ("SW4", "SOCIAL_WORKER", "TLA1", Some("TM2")),
    ("RO2", "REVIEWING_OFFICER", "TIRO", Some("HOS1")),
    ("QA1", "QA_LEAD", "TLDR", Some("HOS1")),
    ("PERF1", "PERFORMANCE_ANALYST", "TLDR", Some("HOS1")),
    ("ADMIN1", "ADMINISTRATOR", "TLDR", None),
    ("AD1", "ASSISTANT_DIRECTOR", "TLDR", None),
    // A team manager elsewhere, and a second manager in the worker's team who does not
    // manage her.
    ("TM3", "TEAM_MANAGER", "TRA1", Some("HOS1")),
    ("TM4", "TEAM_MANAGER", "TLA1", Some("HOS1")),
];

/// The restriction `start_restricted` puts on the first child: by a team manager elsewhere
/// (TM3), naming a reviewing officer with no other connection (RO2).
const RESTRICTION: &str = "Her mother has joined the leaving care team.";

async fn start() -> App {
    start_with(false).await
}

async fn start_restricted() -> App {
    start_with(true).await
}

async fn start_with(restricted: bool) -> App {
    let (dir, db) = fresh_store();
    // The fixture's first child is a care leaver with no social worker now; allocate one so
    // that she is on a caseload.
    let c1_events: usize = std::fs::read_to_string(fixture())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["stream"] == "child/C1")
        .map(|v| v["events"].as_array().unwrap().len())
        .sum();
    let line = serde_json::json!({
        "stream": "child/C1",
        "from_version": c1_events + 1,
        "events": [{
            "occurred_at": "2026-07-02T09:00:00Z",
            "recorded_at": "2026-07-02T09:00:00Z",
            "recorded_by": "staff/TM2",
            "event": {
                "type": "worker_allocated",
                "worker": "SW2",
                "team": "TLA1",
                "decided_by": "TM2",
                "oversight": "Back to her social worker while she settles.",
                "reason": "TSPROC"
            }
        }]
    });
    // Staff in the roles the fixture lacks, for the access matrix; they come first, as
    // the restriction names them.
    let mut lines: String = EXTRA_STAFF
        .iter()
        .map(|(id, role, team, manager)| staff_line(id, role, team, *manager))
        .collect();
    lines.push_str(&format!("{line}\n"));
    if restricted {
        let restriction = serde_json::json!({
            "stream": "child/C1",
            "from_version": c1_events + 2,
            "events": [{
                "occurred_at": "2026-07-03T09:00:00Z",
                "recorded_at": "2026-07-03T09:00:00Z",
                "recorded_by": "staff/TM3",
                "event": {
                    "type": "record_restricted",
                    "decided_by": "TM3",
                    "reason": RESTRICTION,
                    "permitted": ["RO2"]
                }
            }]
        });
        lines.push_str(&format!("{restriction}\n"));
    }
    let allocation = dir.path().join("allocation.jsonl");
    std::fs::write(&allocation, lines).unwrap();
    hearth(
        &db,
        &["import", "journeys", allocation.to_str().unwrap()],
        None,
    );
    let accounts = [
        ("sw1", "SW1"),
        ("sw2", "SW2"),
        ("sw3", "SW3"),
        ("tm1", "TM1"),
        ("tm2", "TM2"),
        ("pa1", "PA1"),
        ("ro1", "RO1"),
        ("hos1", "HOS1"),
    ]
    .into_iter()
    .chain(EXTRA_STAFF.iter().map(|(id, ..)| (*id, *id)));
    for (username, staff) in accounts {
        let username = username.to_lowercase();
        let username = username.as_str();
        hearth(
            &db,
            &["account", username, "--staff", staff],
            Some(&format!("{PASSWORD}\n")),
        );
    }
    serve(dir, db).await
}

async fn access_log(app: &App, child: &str) -> Vec<String> {
    let store = hearth_store::Store::open(&app.db, "default").await.unwrap();
    let rows = store
        .access_log(&StreamId::child(&ChildId::parse(child).unwrap()))
        .await
        .unwrap();
    store.close().await;
    rows.into_iter()
        .map(|r| format!("{} {}", r.actor, r.action))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_my_work_and_the_child_s_record() {
    let app = start().await;

    // Without a session every page sends the browser to sign in.
    let (status, body) = page(&browser(), format!("{}/children/C1", app.url)).await;
    assert_eq!(status, 200);
    assert!(body.contains("Sign in to Hearth"), "{body}");

    // A wrong password is refused with the error summary, and keeps the username typed.
    let (_, refused) = sign_in_with(&app, "sw2", "not the password").await;
    assert_eq!(refused.status().as_u16(), 401);
    let body = refused.text().await.unwrap();
    assert!(
        body.contains("govuk-error-summary") && body.contains("value=\"sw2\""),
        "{body}"
    );

    // The allocated worker sees the child on My work and opens the record.
    let (sw2, response) = sign_in_with(&app, "sw2", PASSWORD).await;
    let headers = response.headers().clone();
    let my_work = response.text().await.unwrap();
    assert!(my_work.contains("My caseload"), "{my_work}");
    assert!(my_work.contains("/children/C1"), "{my_work}");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["cache-control"], "no-store");

    assert!(access_log(&app, "C1").await.is_empty());
    let (status, record) = page(&sw2, format!("{}/children/C1", app.url)).await;
    assert_eq!(status, 200, "{record}");
    assert!(record.contains("you are the allocated worker"), "{record}");
    assert!(record.contains("What is due") && record.contains("What has happened"));
    assert_eq!(access_log(&app, "C1").await, ["staff/SW2 view"]);

    // Someone who has left cannot sign in, whatever their password.
    let (_, left) = sign_in_with(&app, "sw3", PASSWORD).await;
    assert_eq!(left.status().as_u16(), 401);

    // Someone in another team with no other connection (she was the child's worker before
    // the last allocation) gets the same page for this child as for a child who does not
    // exist, and nothing is logged for her.
    let (other, _) = sign_in_with(&app, "sw1", PASSWORD).await;
    let (status, denied) = page(&other, format!("{}/children/C1", app.url)).await;
    let (missing_status, missing) = page(&other, format!("{}/children/C999", app.url)).await;
    assert_eq!((status, missing_status), (404, 404));
    assert_eq!(denied, missing);
    assert_eq!(access_log(&app, "C1").await, ["staff/SW2 view"]);

    // The worker's manager and the head of service see it, each view logged.
    for (who, staff) in [("tm2", "TM2"), ("hos1", "HOS1")] {
        let (client, _) = sign_in_with(&app, who, PASSWORD).await;
        let (status, _) = page(&client, format!("{}/children/C1", app.url)).await;
        assert_eq!(status, 200, "{who}");
        assert!(
            access_log(&app, "C1")
                .await
                .contains(&format!("staff/{staff} view"))
        );
    }

    // Search lists only children the user may see.
    let (_, found) = page(&sw2, format!("{}/search?q=C1", app.url)).await;
    assert!(found.contains("/children/C1"), "{found}");
    let (_, found) = page(&other, format!("{}/search?q=C1", app.url)).await;
    assert!(!found.contains("/children/C1"), "{found}");

    // Signing out needs the session's form token; without it nothing happens.
    let refused = sw2
        .post(format!("{}/sign-out", app.url))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 403);
    let (_, still_in) = page(&sw2, format!("{}/", app.url)).await;
    let csrf = hidden(&still_in, "csrf");
    let out = sw2
        .post(format!("{}/sign-out", app.url))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(out.text().await.unwrap().contains("Sign in to Hearth"));
    let (_, after) = page(&sw2, format!("{}/children/C1", app.url)).await;
    assert!(after.contains("Sign in to Hearth"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assets_are_served_from_the_build() {
    let app = start().await;
    let client = browser();
    let css = client
        .get(format!("{}/assets/hearth.css", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status().as_u16(), 200);
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    let css = css.text().await.unwrap();
    assert!(css.contains(".govuk-button"));
    // Built with the fallback fonts: the GOV.UK typeface is not ours to use.
    assert!(!css.contains("GDS Transport") && !css.contains("@font-face"));
    let (status, _) = page(&client, format!("{}/assets/nothing.js", app.url)).await;
    assert_eq!(status, 404);
}

fn entries(record: &str) -> usize {
    let at = record.find(" entries, newest first").expect("the history");
    record[..at].rsplit(' ').next().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recording_a_visit_a_note_and_oversight() {
    let app = start().await;
    let (sw2, _) = sign_in_with(&app, "sw2", PASSWORD).await;
    let (_, record) = page(&sw2, format!("{}/children/C1", app.url)).await;
    let before = entries(&record);
    let (_, menu) = page(&sw2, format!("{}/children/C1/record", app.url)).await;
    assert!(menu.contains("/children/C1/record/visit"), "{menu}");
    // A social worker does not record management oversight.
    assert!(!menu.contains("/children/C1/record/oversight"), "{menu}");

    let (status, form) = page(&sw2, format!("{}/children/C1/record/visit", app.url)).await;
    assert_eq!(status, 200);
    let csrf = hidden(&form, "csrf");
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let mut fields: Vec<(String, String)> = fields
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        fields.push(("csrf".into(), csrf.clone()));
        let version = form.split("name=\"version\" value=\"").nth(1).unwrap();
        fields.push((
            "version".into(),
            version.split('"').next().unwrap().to_owned(),
        ));
        sw2.post(format!("{}/children/C1/record/visit", app.url))
            .form(&fields)
            .send()
    };

    // Missing answers come back with the errors and what was typed; nothing is written.
    let refused = post(vec![
        ("day", "31"),
        ("month", "2"),
        ("year", "2026"),
        ("visit_kind", "STATUTORY"),
    ])
    .await
    .unwrap();
    assert_eq!(refused.status().as_u16(), 422);
    let body = refused.text().await.unwrap();
    assert!(body.contains("govuk-error-summary"), "{body}");
    assert!(body.contains("must be a real date"), "{body}");
    assert!(body.contains("Select whether the child was seen"), "{body}");
    assert!(body.contains("value=\"STATUTORY\" checked"), "{body}");
    assert!(body.contains("value=\"31\""), "{body}");
    let (_, record) = page(&sw2, format!("{}/children/C1", app.url)).await;
    assert_eq!(entries(&record), before);

    // A complete visit is recorded, and the record shows it at once.
    let saved = post(vec![
        ("day", "2"),
        ("month", "11"),
        ("year", "2026"),
        ("time", "10:30"),
        ("visit_kind", "STATUTORY"),
        ("child_seen", "yes"),
        ("seen_alone", "yes"),
        ("bedroom_seen", "yes"),
        ("purpose", "A statutory visit."),
        ("what_seen", "The child at home, cheerful."),
        ("next_steps", "Visit again as planned."),
    ])
    .await
    .unwrap();
    let record = saved.text().await.unwrap();
    assert!(record.contains("Visit recorded"), "{record}");
    // The visit and what it says: two entries, written together.
    assert_eq!(entries(&record), before + 2);
    assert!(
        record.contains("2 November 2026</td>\n        <td class=\"govuk-table__cell\">Visit made"),
        "{record}"
    );

    // The same form again, against the record as it was, is refused as out of date.
    let stale = post(vec![
        ("day", "3"),
        ("month", "11"),
        ("year", "2026"),
        ("visit_kind", "STATUTORY"),
        ("child_seen", "no"),
        ("purpose", "A statutory visit."),
        ("what_seen", "Nobody was at home."),
        ("next_steps", "Visit again tomorrow."),
    ])
    .await
    .unwrap();
    assert_eq!(stale.status().as_u16(), 422);
    assert!(
        stale
            .text()
            .await
            .unwrap()
            .contains("Someone else recorded")
    );

    // A forged form changes nothing.
    let forged = sw2
        .post(format!("{}/children/C1/record/case-note", app.url))
        .form(&[
            ("csrf", "forged"),
            ("note_kind", "TELEPHONE"),
            ("text", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 403);

    // The worker's manager records oversight in a few clicks from the record.
    let (tm2, _) = sign_in_with(&app, "tm2", PASSWORD).await;
    let (_, record) = page(&tm2, format!("{}/children/C1/record", app.url)).await;
    assert!(record.contains("/children/C1/record/oversight"), "{record}");
    let (_, form) = page(&tm2, format!("{}/children/C1/record/oversight", app.url)).await;
    let version = form
        .split("name=\"version\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let saved = tm2
        .post(format!("{}/children/C1/record/oversight", app.url))
        .form(&[
            ("csrf", hidden(&form, "csrf").as_str()),
            ("version", version.as_str()),
            ("day", "4"),
            ("month", "11"),
            ("year", "2026"),
            ("text", "Pathway plan to be reviewed with her this month."),
        ])
        .send()
        .await
        .unwrap();
    let record = saved.text().await.unwrap();
    assert!(record.contains("Management oversight recorded"), "{record}");
    assert_eq!(entries(&record), before + 3);
}

/// One row of an access matrix: user, role, relationship with the first child, why the
/// record says they may see it (when they may), may see, may record visits and notes, may
/// record oversight and allocate.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    bool,
    bool,
);

const ALLOCATED: &str = "you are the allocated worker or personal adviser";
const SAME_TEAM: &str = "you are in the allocated worker's team";
const MANAGES: &str = "you manage the allocated worker";
const SERVICE_WIDE: &str = "your role oversees the whole service";
const NAMED: &str =
    "the record is restricted and you restricted it or are named on the restriction";

/// Opens every page that shows the first child's record as each user: allowed exactly where
/// the row says, for the reason it says, and logged; otherwise denied with the same page as a
/// child who does not exist, and refused the same way on submit.
async fn check_matrix(app: &App, matrix: &[Row]) {
    let pages = [
        ("", "child record"),
        ("/record/visit", "Record a visit"),
        ("/record/case-note", "Add a case note"),
        ("/record/oversight", "Record management oversight"),
        ("/allocate", "Allocate a worker"),
        // Identity and network changes: as for recording.
        ("/details", "Change the child's details"),
        ("/address", "Record a change of address"),
        ("/network/add", "Add someone to the family and network"),
        ("/professionals/add", "Add a professional"),
        ("/file/chronology", "the chronology"),
        ("/file/oversight", "oversight and supervision"),
        // The content of practice: the child's words and an assessment's write-up are the
        // workers'; a decision on a written assessment is the manager's.
        ("/record/childs-words", "Record the child's own words"),
        ("/record/assessment-written", "Write up the assessment"),
        (
            "/record/assessment-decision",
            "Authorise or return a written assessment",
        ),
    ];
    for &(user, role, relationship, because, sees, records, oversees) in matrix {
        let (client, signed_in) = sign_in_with(app, user, PASSWORD).await;
        assert_eq!(signed_in.status().as_u16(), 200, "{user} signs in");
        for (i, (path, detail)) in pages.iter().enumerate() {
            let allowed = match i {
                // The record and its case file are for whoever may see the child.
                0 | 9 | 10 | 14 => sees,
                // Management oversight, allocation and decisions on written work are
                // managers' decisions.
                3 | 4 | 13 => oversees,
                _ => records,
            };
            let logged_before = access_log(app, "C1").await.len();
            let (status, body) = page(&client, format!("{}/children/C1{path}", app.url)).await;
            let case = format!("{role} ({user}), {relationship}, {detail}");
            if allowed {
                assert_eq!(status, 200, "{case} should be allowed");
                let log = access_log(app, "C1").await;
                assert_eq!(log.len(), logged_before + 1, "{case}: one row logged");
                let staff = user.to_uppercase();
                assert_eq!(
                    log.last().unwrap(),
                    &format!("staff/{staff} view"),
                    "{case}"
                );
                if i == 0 {
                    let body = body.replace("&#x27;", "'").replace("&#39;", "'");
                    assert!(
                        body.contains(&format!("You can see this record because {because}.")),
                        "{case}: because {because}"
                    );
                }
            } else {
                let (missing_status, missing) =
                    page(&client, format!("{}/children/C999{path}", app.url)).await;
                assert_eq!(
                    (status, missing_status),
                    (404, 404),
                    "{case} should be denied"
                );
                assert_eq!(body, missing, "{case}: denied must look like not found");
                // Someone who may not see the record leaves no trace in its log (a form
                // refused to someone who may see the record is refused after the view).
                if !sees {
                    assert_eq!(
                        access_log(app, "C1").await.len(),
                        logged_before,
                        "{case}: nothing logged"
                    );
                }
                // A denied attempt at a page that records is refused the same way on submit.
                if !path.is_empty() && !path.starts_with("/file") {
                    let (_, any_page) = page(&client, format!("{}/", app.url)).await;
                    let post = client
                        .post(format!("{}/children/C1{path}", app.url))
                        .form(&[
                            ("csrf", hidden(&any_page, "csrf").as_str()),
                            ("version", "1"),
                        ])
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(post.status().as_u16(), 404, "{case}: submit");
                }
            }
        }
    }
}

/// Every role, in every relationship the fixture gives it with the first child, against every
/// page that shows her record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_access_matrix() {
    let app = start().await;
    let matrix: [Row; 15] = [
        (
            "sw2",
            "social worker",
            "allocated",
            ALLOCATED,
            true,
            true,
            false,
        ),
        (
            "pa1",
            "personal adviser",
            "allocated (adviser)",
            ALLOCATED,
            true,
            true,
            false,
        ),
        (
            "sw4",
            "social worker",
            "same team",
            SAME_TEAM,
            true,
            true,
            false,
        ),
        (
            "tm2",
            "team manager",
            "same team and manager",
            SAME_TEAM,
            true,
            true,
            true,
        ),
        (
            "tm4",
            "team manager",
            "same team, not her manager",
            SAME_TEAM,
            true,
            true,
            true,
        ),
        (
            "hos1",
            "head of service",
            "manager chain",
            MANAGES,
            true,
            true,
            true,
        ),
        (
            "ro1",
            "reviewing officer",
            "reviewing officer",
            "you are a reviewing officer for this child",
            true,
            true,
            false,
        ),
        (
            "qa1",
            "quality assurance lead",
            "service-wide",
            SERVICE_WIDE,
            true,
            false,
            false,
        ),
        (
            "perf1",
            "performance analyst",
            "service-wide",
            SERVICE_WIDE,
            true,
            false,
            false,
        ),
        (
            "ad1",
            "assistant director",
            "service-wide",
            SERVICE_WIDE,
            true,
            false,
            true,
        ),
        (
            "sw1",
            "social worker",
            "other team (former worker)",
            "",
            false,
            false,
            false,
        ),
        ("tm1", "team manager", "other team", "", false, false, false),
        ("tm3", "team manager", "other team", "", false, false, false),
        ("ro2", "reviewing officer", "none", "", false, false, false),
        ("admin1", "administrator", "none", "", false, false, false),
    ];
    check_matrix(&app, &matrix).await;
}

/// The same roles once the record is restricted: only the worker and adviser, the managers
/// above them, whoever restricted it, the staff it names and the two most senior roles see
/// it. The team, reviewing officers, the service-wide readers and managers elsewhere are
/// told it does not exist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_access_matrix_of_a_restricted_record() {
    let app = start_restricted().await;
    let matrix: [Row; 15] = [
        (
            "sw2",
            "social worker",
            "allocated",
            ALLOCATED,
            true,
            true,
            false,
        ),
        (
            "pa1",
            "personal adviser",
            "allocated (adviser)",
            ALLOCATED,
            true,
            true,
            false,
        ),
        ("sw4", "social worker", "same team", "", false, false, false),
        (
            "tm2",
            "team manager",
            "her manager",
            MANAGES,
            true,
            true,
            true,
        ),
        (
            "tm4",
            "team manager",
            "same team, not her manager",
            "",
            false,
            false,
            false,
        ),
        (
            "hos1",
            "head of service",
            "manager chain",
            MANAGES,
            true,
            true,
            true,
        ),
        (
            "ro1",
            "reviewing officer",
            "reviewing officer",
            "",
            false,
            false,
            false,
        ),
        (
            "qa1",
            "quality assurance lead",
            "service-wide",
            "",
            false,
            false,
            false,
        ),
        (
            "perf1",
            "performance analyst",
            "service-wide",
            "",
            false,
            false,
            false,
        ),
        (
            "ad1",
            "assistant director",
            "senior leader",
            SERVICE_WIDE,
            true,
            false,
            true,
        ),
        (
            "sw1",
            "social worker",
            "other team (former worker)",
            "",
            false,
            false,
            false,
        ),
        ("tm1", "team manager", "other team", "", false, false, false),
        (
            "tm3",
            "team manager",
            "restricted it",
            NAMED,
            true,
            true,
            true,
        ),
        (
            "ro2",
            "reviewing officer",
            "named on the restriction",
            NAMED,
            true,
            true,
            false,
        ),
        ("admin1", "administrator", "none", "", false, false, false),
    ];
    check_matrix(&app, &matrix).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_team_manager_s_view() {
    let app = start().await;
    let (tm2, _) = sign_in_with(&app, "tm2", PASSWORD).await;
    let (status, team) = page(&tm2, format!("{}/team", app.url)).await;
    assert_eq!(status, 200, "{team}");
    assert!(team.contains("Children Looked After 1"), "{team}");
    assert!(team.contains("Waiting for allocation"), "{team}");
    assert!(team.contains("The caseload promise is 15"), "{team}");
    // Her two social workers, one holding the first child.
    let row = |name: &str| {
        let at = team
            .find(name)
            .unwrap_or_else(|| panic!("{name} in {team}"));
        team[at..].split("</tr>").next().unwrap().to_owned()
    };
    assert!(row("Test SW4").contains(">0<"), "{}", row("Test SW4"));
    assert!(row("Tomasz Wren").contains(">1<"), "{}", row("Tomasz Wren"));
    // Not a page for a social worker.
    let (sw2, _) = sign_in_with(&app, "sw2", PASSWORD).await;
    let (status, _) = page(&sw2, format!("{}/team", app.url)).await;
    assert_eq!(status, 404);
}

/// The version a form was opened at, from its hidden field.
fn version_of(form: &str) -> String {
    hidden(form, "version")
}

/// Posts a recording form as `client`, opened just now, with these answers.
async fn post_form(
    app: &App,
    client: &reqwest::Client,
    slug: &str,
    answers: &[(&str, &str)],
) -> reqwest::Response {
    let (status, form) = page(client, format!("{}/children/C1/record/{slug}", app.url)).await;
    assert_eq!(status, 200, "{form}");
    let mut fields: Vec<(String, String)> = answers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    fields.push(("csrf".into(), hidden(&form, "csrf")));
    fields.push(("version".into(), version_of(&form)));
    client
        .post(format!("{}/children/C1/record/{slug}", app.url))
        .form(&fields)
        .send()
        .await
        .unwrap()
}

/// A manager restricts the record through its form: the record says so, the worker's team
/// and a manager who does not manage her lose sight of it everywhere (the record, search, My
/// work), the reviewing officer named keeps it; lifting the restriction gives sight back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restricting_a_record_and_lifting_the_restriction() {
    let app = start().await;
    let (sw4, _) = sign_in_with(&app, "sw4", PASSWORD).await;
    let (tm4, _) = sign_in_with(&app, "tm4", PASSWORD).await;
    let (ro2, _) = sign_in_with(&app, "ro2", PASSWORD).await;
    let sees = |client: reqwest::Client| {
        let url = app.url.clone();
        async move {
            let (status, _) = page(&client, format!("{url}/children/C1")).await;
            let (_, found) = page(&client, format!("{url}/search?q=C1")).await;
            let (_, work) = page(&client, format!("{url}/")).await;
            (
                status,
                found.contains("/children/C1\""),
                work.contains("/children/C1\""),
            )
        }
    };
    // Before: the team sees her, and the second manager of the team has her on My work.
    assert_eq!(sees(sw4.clone()).await, (200, true, false));
    assert_eq!(sees(tm4.clone()).await, (200, true, true));
    assert_eq!(sees(ro2.clone()).await.0, 404);

    let (tm2, _) = sign_in_with(&app, "tm2", PASSWORD).await;
    let (_, record) = page(&tm2, format!("{}/children/C1/record", app.url)).await;
    assert!(
        record.contains("/children/C1/record/restrict\""),
        "{record}"
    );
    assert!(!record.contains("/record/restriction-lifted"), "{record}");
    let (_, record) = page(&tm2, format!("{}/children/C1", app.url)).await;
    assert!(!record.contains("Restricted record"), "{record}");
    // A social worker is not offered it.
    let (_, record) = page(&sw4, format!("{}/children/C1/record", app.url)).await;
    assert!(!record.contains("/record/restrict"), "{record}");

    // Without a reason, or naming someone not on the list, nothing is written.
    let (_, record) = page(&tm2, format!("{}/children/C1", app.url)).await;
    let before = entries(&record);
    let refused = post_form(
        &app,
        &tm2,
        "restrict",
        &[
            ("day", "5"),
            ("month", "11"),
            ("year", "2026"),
            ("permitted", "NOBODY"),
        ],
    )
    .await;
    assert_eq!(refused.status().as_u16(), 422);
    let body = refused.text().await.unwrap();
    assert!(
        body.contains("Enter why the record is being restricted"),
        "{body}"
    );
    assert!(
        body.contains("Select who else may see it from the list"),
        "{body}"
    );
    let (_, record) = page(&tm2, format!("{}/children/C1", app.url)).await;
    assert_eq!(entries(&record), before);
    assert_eq!(sees(sw4.clone()).await.0, 200);

    let saved = post_form(
        &app,
        &tm2,
        "restrict",
        &[
            ("day", "5"),
            ("month", "11"),
            ("year", "2026"),
            (
                "reason",
                "Her aunt has joined the team that holds her case.",
            ),
            ("permitted", "RO2"),
        ],
    )
    .await;
    assert_eq!(saved.status().as_u16(), 200);
    let record_page = saved.text().await.unwrap();
    assert_eq!(entries(&record_page), before + 1);
    assert!(record_page.contains("Record restricted"), "{record_page}");
    assert!(record_page.contains("Restricted record"), "{record_page}");
    assert!(
        record_page.contains("restricted this record on 5 November 2026"),
        "{record_page}"
    );
    assert!(
        record_page.contains("Her aunt has joined the team that holds her case."),
        "{record_page}"
    );
    assert!(
        record_page.contains("Test RO2 (reviewing officer)"),
        "{record_page}"
    );
    let (_, menu) = page(&tm2, format!("{}/children/C1/record", app.url)).await;
    assert!(
        menu.contains("/children/C1/record/restriction-lifted\""),
        "{menu}"
    );

    // The team and the manager who does not manage her now get "not found", as for a child
    // who does not exist, and neither search nor My work lists her; the officer named sees her.
    let (status, denied) = page(&sw4, format!("{}/children/C1", app.url)).await;
    let (_, missing) = page(&sw4, format!("{}/children/C999", app.url)).await;
    assert_eq!(status, 404);
    assert_eq!(denied, missing);
    assert_eq!(sees(sw4.clone()).await, (404, false, false));
    assert_eq!(sees(tm4.clone()).await, (404, false, false));
    let (status, named) = page(&ro2, format!("{}/children/C1", app.url)).await;
    assert_eq!(status, 200);
    assert!(named.contains("named on the restriction"), "{named}");
    // The allocated worker keeps her on My work.
    let (sw2, _) = sign_in_with(&app, "sw2", PASSWORD).await;
    assert_eq!(sees(sw2).await, (200, true, true));

    // Lifting gives the ordinary sight back.
    let lifted = post_form(
        &app,
        &tm2,
        "restriction-lifted",
        &[
            ("day", "6"),
            ("month", "11"),
            ("year", "2026"),
            ("reason", "Her aunt has moved to another council."),
        ],
    )
    .await;
    assert_eq!(lifted.status().as_u16(), 200);
    let record_page = lifted.text().await.unwrap();
    assert!(record_page.contains("Restriction lifted"), "{record_page}");
    assert!(!record_page.contains("Restricted record"), "{record_page}");
    assert_eq!(sees(sw4).await, (200, true, false));
    assert_eq!(sees(tm4).await, (200, true, true));
    assert_eq!(sees(ro2).await.0, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_personal_adviser_has_their_care_leavers_on_my_work() {
    // The fixture's first child left care at 18 and has had no social worker since July:
    // she is a former relevant care leaver, supported to 25 at her request, and her case is
    // her personal adviser's.
    let (dir, db) = fresh_store();
    accounts(&db, [("pa1", "PA1"), ("tm2", "TM2")]);
    let app = serve(dir, db).await;
    let (pa1, response) = sign_in_with(&app, "pa1", PASSWORD).await;
    assert_eq!(response.status().as_u16(), 200);
    let my_work = response.text().await.unwrap();
    assert!(my_work.contains("/children/C1"), "{my_work}");
    assert!(my_work.contains("Care leaver"), "{my_work}");
    // Her obligations are the adviser's to see and act on.
    let (status, record) = page(&pa1, format!("{}/children/C1", app.url)).await;
    assert_eq!(status, 200, "{record}");
    assert!(record.contains("Visit the care leaver"), "{record}");
    assert!(record.contains("Review the pathway plan"), "{record}");
}
