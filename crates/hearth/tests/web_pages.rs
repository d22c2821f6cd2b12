//! The pages as a new user meets them (issue 12): registering a child whose contact came in
//! the night, the record opening on its alerts with one "Record something" page, what people
//! wrote shown with their entries, the history a page at a time, an allocation to another
//! team, "Page not found" signed in, and the administrator's accounts page. The real binary,
//! over HTTP, against a fresh store holding the fixture.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{Days, NaiveDate};
use common::*;

/// Staff added to the fixture: an administrator.
fn admin_line() -> String {
    let line = serde_json::json!({
        "stream": "staff/ADMIN1",
        "events": [{
            "occurred_at": "2021-01-04T09:00:00Z",
            "recorded_at": "2021-01-04T09:00:00Z",
            "recorded_by": "system/import",
            "event": {"type": "staff_joined", "name": {"given": "Test", "family": "ADMIN1"},
                "role": "ADMINISTRATOR", "team": "TLDR"},
        }]
    });
    format!("{line}\n")
}

async fn start() -> App {
    let (dir, db) = fresh_store();
    import_lines(&dir, &db, "admin.jsonl", &admin_line());
    accounts(
        &db,
        [
            ("sw1", "SW1"),
            ("sw2", "SW2"),
            ("tm2", "TM2"),
            ("hos1", "HOS1"),
            ("ro1", "RO1"),
            ("admin1", "ADMIN1"),
        ],
    );
    serve(dir, db).await
}

/// Today in England, as the server reads it.
#[allow(clippy::disallowed_methods)]
fn today() -> NaiveDate {
    hearth_domain::Timestamp::from_utc(chrono::Utc::now()).london_date()
}

fn parts(d: NaiveDate) -> (String, String, String) {
    (
        d.format("%-d").to_string(),
        d.format("%-m").to_string(),
        d.format("%Y").to_string(),
    )
}

async fn signed_in(app: &App, username: &str) -> (reqwest::Client, String) {
    let (client, response) = sign_in_with(app, username, PASSWORD).await;
    assert_eq!(response.status().as_u16(), 200, "{username} signs in");
    let body = response.text().await.unwrap();
    (client, hidden(&body, "csrf"))
}

/// Opens a form and saves it with the fields given (its token and version added): the final
/// address, status and page.
async fn save(
    client: &reqwest::Client,
    url: &str,
    fields: &[(&str, &str)],
) -> (String, u16, String) {
    let form = client.get(url).send().await.unwrap().text().await.unwrap();
    let csrf = hidden(&form, "csrf");
    let mut posted: Vec<(&str, &str)> = fields.to_vec();
    posted.push(("csrf", &csrf));
    let version;
    if form.contains("name=\"version\"") {
        version = hidden(&form, "version");
        posted.push(("version", &version));
    }
    let r = client.post(url).form(&posted).send().await.unwrap();
    let to = r.url().path().to_owned();
    (to, r.status().as_u16(), r.text().await.unwrap())
}

/// The history table of a record page.
fn history(record: &str) -> &str {
    &record[record.find("id=\"history\"").unwrap()..]
}

/// Points 5, 13 and 15 of issue 12: a child registered with a contact at 04:15 two days ago
/// holds a referral at 04:30 that day and a visit the day before the registration was typed;
/// what was said at the contact is shown in the history and the case file; and the record
/// lists no "Record every event" rows for entries already recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_registered_after_an_out_of_hours_contact() {
    let app = start().await;
    let (sw2, csrf) = signed_in(&app, "sw2").await;
    let (_, form) = page(&sw2, format!("{}/children/new", app.url)).await;
    // The contact's date opens on today.
    let (d, m, y) = parts(today());
    assert!(
        form.contains(&format!("id=\"contact-day\" name=\"contact-day\" type=\"text\" inputmode=\"numeric\" value=\"{d}\"")),
        "{form}"
    );
    let contact = today().checked_sub_days(Days::new(2)).unwrap();
    let (cd, cm, cy) = parts(contact);
    let said = "Police called at 04:15: Zara found alone at home, mother not returning calls.";
    let r = sw2
        .post(format!("{}/children/new", app.url))
        .form(&[
            ("csrf", csrf.as_str()),
            ("given", "Zara"),
            ("family", "Quennell-Oduya"),
            ("born", "yes"),
            ("day", "3"),
            ("month", "5"),
            ("year", "2017"),
            ("sex", "F"),
            ("source", "6"),
            ("outcome", "REFERRAL"),
            ("summary", said),
            ("contact-day", &cd),
            ("contact-month", &cm),
            ("contact-year", &cy),
            ("contact-time", "04:15"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let child = r.url().path().to_owned();
    let record = r.text().await.unwrap();
    assert!(child.starts_with("/children/C"), "{child}");
    assert!(history(&record).contains(said), "{record}");
    assert!(!record.contains("Record every event"), "{record}");

    // A referral at 04:30 the day of the contact, and a visit the next day.
    let (_, status, page) = save(
        &sw2,
        &format!("{}{child}/record/referral", app.url),
        &[
            ("day", &cd),
            ("month", &cm),
            ("year", &cy),
            ("time", "04:30"),
            ("source", "6"),
            ("primary_need", "N1"),
            ("no_further_action", "no"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Referral recorded"), "{page}");
    let (vd, vm, vy) = parts(today().checked_sub_days(Days::new(1)).unwrap());
    let (_, status, page) = save(
        &sw2,
        &format!("{}{child}/record/visit", app.url),
        &[
            ("day", &vd),
            ("month", &vm),
            ("year", &vy),
            ("time", "10:00"),
            ("visit_kind", "STATUTORY"),
            ("child_seen", "no"),
            ("purpose", "A statutory visit."),
            ("what_seen", "Nobody was at home."),
            ("next_steps", "Visit again tomorrow."),
        ],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Visit recorded"), "{page}");

    // Before the contact, the record's rule refuses, with the date as people write it.
    let before = contact.checked_sub_days(Days::new(1)).unwrap();
    let (bd, bm, by) = parts(before);
    let (_, status, page) = save(
        &sw2,
        &format!("{}{child}/record/case-note", app.url),
        &[
            ("day", &bd),
            ("month", &bm),
            ("year", &by),
            ("kind", "GENERAL"),
            ("text", "Written about the day before."),
        ],
    )
    .await;
    assert_eq!(status, 422, "{page}");

    // What was said is on the case file's notes page too.
    let (status, notes) = page_of(&sw2, &app, &format!("{child}/file/notes")).await;
    assert_eq!(status, 200);
    assert!(notes.contains(said), "{notes}");
    let _ = (d, m, y);
}

async fn page_of(client: &reqwest::Client, app: &App, path: &str) -> (u16, String) {
    page(client, format!("{}{path}", app.url)).await
}

/// Point 12 of issue 12: the record opens on its alerts, then the front sheet and what is
/// due; recording is one "Record something" page, which offers what fits the child.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_record_opens_on_its_alerts() {
    let app = start().await;
    let (hos, _) = signed_in(&app, "hos1").await;
    let (d, m, y) = parts(today());
    let (_, status, page) = save(
        &hos,
        &format!("{}/children/C3/record/missing-started", app.url),
        &[("day", &d), ("month", &m), ("year", &y), ("kind", "M")],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let (_, record) = page_of(&hos, &app, "/children/C3").await;
    let alert = record.find("Missing since").expect("the alert");
    let front = record.find("Front sheet").unwrap();
    let due = record.find("id=\"obligations\"").unwrap();
    assert!(alert < front && front < due, "{record}");
    assert!(
        !record[..alert].contains("/record/"),
        "no recording links above the alerts: {record}"
    );
    assert!(record.contains("href=\"/children/C3/record\""), "{record}");
    let (status, menu) = page_of(&hos, &app, "/children/C3/record").await;
    assert_eq!(status, 200);
    assert!(
        menu.contains("/children/C3/record/missing-ended\""),
        "{menu}"
    );
    assert!(
        !menu.contains("/children/C3/record/missing-started\""),
        "{menu}"
    );
}

/// Point 17 of issue 12: the history is paged, not cut at 100 entries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_is_paged() {
    let app = start().await;
    let (hos, _) = signed_in(&app, "hos1").await;
    let (_, first) = page_of(&hos, &app, "/children/C1").await;
    let total: usize = {
        let at = first.find(" entries, newest first").unwrap();
        first[..at].rsplit(' ').next().unwrap().parse().unwrap()
    };
    assert!(total > 50, "{total}");
    assert!(
        first.contains(&format!("Entries 1 to 50 of {total} entries")),
        "{first}"
    );
    assert!(
        first.contains("href=\"/children/C1?history=2#history\""),
        "{first}"
    );
    let (_, last) = page_of(&hos, &app, "/children/C1?history=2").await;
    let to = total.min(100);
    assert!(
        last.contains(&format!("Entries 51 to {to} of {total} entries")),
        "{last}"
    );
    assert!(last.contains("rel=\"prev\""), "{last}");
    // The oldest entry, the registration, is on the last page.
    let pages = total.div_ceil(50);
    let (_, oldest) = page_of(&hos, &app, &format!("/children/C1?history={pages}")).await;
    assert!(history(&oldest).contains("Child registered"), "{oldest}");
}

/// Point 6 of issue 12: the record lists its missed items, one row for each it counts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_record_lists_its_missed_items() {
    let app = start().await;
    let (hos, _) = signed_in(&app, "hos1").await;
    let (_, record) = page_of(&hos, &app, "/children/C1").await;
    let counted: usize = {
        let at = record.find(" missed (overdue when").unwrap();
        record[..at].rsplit(' ').next().unwrap().parse().unwrap()
    };
    assert!(
        counted > 0,
        "the fixture's first child has missed items: {record}"
    );
    let missed = &record[record.find("id=\"missed\"").expect("the missed list")..];
    let missed = &missed[..missed.find("</table>").unwrap()];
    assert_eq!(
        missed.matches("Why it was missed").count(),
        counted,
        "{missed}"
    );
}

/// Registers a child as `sw` with a contact just after midnight today and records a
/// referral: the child's address.
async fn referred_child(
    app: &App,
    sw: &reqwest::Client,
    csrf: &str,
    (given, family, year): (&str, &str, &str),
) -> String {
    let (d, m, y) = parts(today());
    let r = sw
        .post(format!("{}/children/new", app.url))
        .form(&[
            ("csrf", csrf),
            ("given", given),
            ("family", family),
            ("born", "yes"),
            ("day", "1"),
            ("month", "2"),
            ("year", year),
            ("sex", "M"),
            ("source", "1A"),
            ("outcome", "REFERRAL"),
            ("contact-day", &d),
            ("contact-month", &m),
            ("contact-year", &y),
            ("contact-time", "00:01"),
        ])
        .send()
        .await
        .unwrap();
    let child = r.url().path().to_owned();
    assert!(child.starts_with("/children/C"), "{child}");
    let (_, status, page) = save(
        sw,
        &format!("{}{child}/record/referral", app.url),
        &[
            ("day", &d),
            ("month", &m),
            ("year", &y),
            ("source", "1A"),
            ("primary_need", "N1"),
            ("no_further_action", "no"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    child
}

/// Point 11 of issue 12: an allocation to another team lands where the manager may still
/// look, with the banner; "Page not found" keeps the header and Sign out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allocation_to_another_team_lands_with_the_banner() {
    let app = start().await;
    let (tm2, _) = signed_in(&app, "tm2").await;
    // A new child waits for a worker; the manager allocates to a worker in another team.
    let (sw2, csrf) = signed_in(&app, "sw2").await;
    let child = referred_child(&app, &sw2, &csrf, ("Ola", "Transfer-Test", "2015")).await;

    // The catalogue's address opens the one allocation page, with caseloads.
    let r = tm2
        .get(format!("{}{child}/record/allocation", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.url().path(), format!("{child}/allocate"));
    let form = r.text().await.unwrap();
    assert!(
        form.contains("open cases") && form.contains("value=\"SW1\""),
        "{form}"
    );
    let (to, status, page) = save(
        &tm2,
        &format!("{}{child}/allocate", app.url),
        &[
            ("worker_elsewhere", "SW1"),
            ("reason", "FCONTA"),
            (
                "oversight",
                "To the safeguarding team, who know the family.",
            ),
        ],
    )
    .await;
    assert_eq!((to.as_str(), status), ("/team", 200), "{page}");
    assert!(
        page.contains("govuk-notification-banner--success"),
        "{page}"
    );
    assert!(page.contains("allocated"), "{page}");
    // The child is now another team's: the record is not open to this manager, and the page
    // that says so keeps the header, the menu and Sign out.
    let (status, gone) = page_of(&tm2, &app, &child).await;
    assert_eq!(status, 404);
    assert!(
        gone.contains("Page not found") && gone.contains("Sign out") && gone.contains("My work"),
        "{gone}"
    );
    // Recorded with the catalogue's form itself (its address takes a post as any form
    // does), the save lands on My work with the banner, not on "Page not found".
    let other = referred_child(&app, &sw2, &csrf, ("Bex", "Quillfeather", "2012")).await;
    let (d, m, y) = parts(today());
    let (to, status, page) = save(
        &tm2,
        &format!("{}{other}/record/allocation", app.url),
        &[
            ("day", &d),
            ("month", &m),
            ("year", &y),
            ("worker", "SW1"),
            ("reason", "FCONTA"),
            ("oversight", "To the safeguarding team."),
        ],
    )
    .await;
    assert_eq!((to.as_str(), status), ("/", 200), "{page}");
    assert!(
        page.contains("Worker allocated") && page.contains("no longer open to you"),
        "{page}"
    );
    // Signed out, the same page has no menu.
    let (status, anon) = common::page(&browser(), format!("{}/nowhere", app.url)).await;
    assert_eq!(status, 404);
    assert!(!anon.contains("Sign out"), "{anon}");
}

/// Point 20 of issue 12: a reviewing officer and a head of service hold no cases, so My work
/// points them to their pages and shows no empty caseload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_that_hold_no_cases_land_on_their_pages() {
    let app = start().await;
    for (user, link) in [("ro1", "href=\"/reviewing\""), ("hos1", "href=\"/team\"")] {
        let (client, _) = signed_in(&app, user).await;
        let (status, body) = page_of(&client, &app, "/").await;
        assert_eq!(status, 200);
        assert!(
            body.contains("Where to start") && body.contains(link),
            "{user}: {body}"
        );
        assert!(!body.contains("No open cases"), "{user}: {body}");
        assert!(!body.contains("My caseload (0)"), "{user}: {body}");
    }
    let (sw1, _) = signed_in(&app, "sw1").await;
    let (_, body) = page_of(&sw1, &app, "/").await;
    assert!(
        body.contains("My caseload") && !body.contains("Where to start"),
        "{body}"
    );
}

/// Point 20 of issue 12: the administrator creates, disables and resets accounts in the
/// browser; no one else has the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_administrator_manages_accounts() {
    let app = start().await;
    let (admin, csrf) = signed_in(&app, "admin1").await;
    let r = admin.get(format!("{}/", app.url)).send().await.unwrap();
    assert_eq!(
        r.url().path(),
        "/accounts",
        "an administrator lands on accounts"
    );
    let list = r.text().await.unwrap();
    assert!(list.contains("sw2") && list.contains("Active"), "{list}");

    // A password too short changes nothing.
    let (status, body) = post(
        &admin,
        format!("{}/accounts", app.url),
        &[
            ("csrf", &csrf),
            ("username", "jo.new"),
            ("staff", "RO1"),
            ("password", "short"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("12 characters or more"), "{body}");
    let (status, body) = post(
        &admin,
        format!("{}/accounts", app.url),
        &[
            ("csrf", &csrf),
            ("username", "Jo.New"),
            ("staff", "RO1"),
            ("password", "a brand new password"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Account jo.new created"), "{body}");
    let (jo, r) = sign_in_with(&app, "jo.new", "a brand new password").await;
    assert_eq!(r.url().path(), "/");

    // Disabled, it cannot sign in, and a browser left signed in is signed out; a new
    // password, enabled, it can.
    let (status, body) = post(
        &admin,
        format!("{}/accounts/jo.new/disable", app.url),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Account jo.new disabled"), "{body}");
    let (_, r) = sign_in_with(&app, "jo.new", "a brand new password").await;
    assert_eq!(r.url().path(), "/sign-in");
    let r = jo.get(format!("{}/", app.url)).send().await.unwrap();
    assert_eq!(r.url().path(), "/sign-in");
    for (what, form) in [
        (
            "password",
            vec![
                ("csrf", csrf.as_str()),
                ("password", "another long password"),
            ],
        ),
        ("enable", vec![("csrf", csrf.as_str())]),
    ] {
        let (status, body) =
            post(&admin, format!("{}/accounts/jo.new/{what}", app.url), &form).await;
        assert_eq!(status, 200, "{what}: {body}");
    }
    let (_, r) = sign_in_with(&app, "jo.new", "a brand new password").await;
    assert_eq!(r.url().path(), "/sign-in");
    let (_, r) = sign_in_with(&app, "jo.new", "another long password").await;
    assert_eq!(r.url().path(), "/");

    // A social worker has no such page, and cannot post to it.
    let (sw2, sw_csrf) = signed_in(&app, "sw2").await;
    let (status, _) = page_of(&sw2, &app, "/accounts").await;
    assert_eq!(status, 404);
    let (status, _) = post(
        &sw2,
        format!("{}/accounts/jo.new/disable", app.url),
        &[("csrf", &sw_csrf)],
    )
    .await;
    assert_eq!(status, 404);
}

async fn post(client: &reqwest::Client, url: String, form: &[(&str, &str)]) -> (u16, String) {
    let r = client.post(url).form(form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}
