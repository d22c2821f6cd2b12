//! Who finds and reaches which child, through the pages that weigh many children at once:
//! search, the duplicate warnings on a new child and a new adult, and the reviewing
//! officer's page. Against the real binary on a free port and a fresh store, over HTTP the
//! way a browser does (the helpers are `web.rs`'s).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// A date typed into a form is dated relative to now, because the server reads the real clock.
#![allow(clippy::disallowed_methods)]

mod common;

use chrono::Utc;
use common::*;
use serde_json::{Value, json};

fn registered(given: &str, family: &str, born: &str) -> Value {
    json!({
        "type": "child_registered",
        "details": {
            "name": {"given": given, "family": family},
            "sex": "F",
            "date_of_birth": born,
            "ethnicity": "NOBT",
        }
    })
}

fn referral() -> Value {
    json!({"type": "referral_received", "source": "2A", "primary_need": "N1", "no_further_action": false})
}

fn allocated(worker: &str, team: &str, manager: &str) -> Value {
    json!({"type": "worker_allocated", "worker": worker, "team": team, "decided_by": manager, "oversight": "Visit this week.", "reason": "FCONTA"})
}

/// A child allocated to `worker`, with more events after the allocation.
fn allocated_child(
    id: &str,
    given: &str,
    family: &str,
    born: &str,
    (worker, team, manager): (&str, &str, &str),
    more: Vec<Value>,
) -> Value {
    let by = format!("staff/{worker}");
    let mut events = vec![
        event(-8, &by, registered(given, family, born)),
        event(-8, &by, referral()),
        event(
            -8,
            &format!("staff/{manager}"),
            allocated(worker, team, manager),
        ),
    ];
    events.extend(more);
    json!({"stream": format!("child/{id}"), "events": events})
}

const SW1: (&str, &str, &str) = ("SW1", "TSC1", "TM1");
const SW2: (&str, &str, &str) = ("SW2", "TLA1", "TM2");

/// The children of the tests, and a second reviewing officer.
fn extra_lines() -> String {
    let mut lines: Vec<Value> = vec![json!({
        "stream": "staff/RO2",
        "events": [event(-2000, "system/import", json!({
            "type": "staff_joined",
            "name": {"given": "Test", "family": "RO2"},
            "role": "REVIEWING_OFFICER",
            "team": "TIRO",
            "line_manager": "HOS1",
            "registration": "SW900123",
        }))]
    })];

    // A common surname: 210 children no social worker has held, numbered before SW2's two
    // and named to come before them in the list, then SW2's own.
    let letters: Vec<char> = ('A'..='M').collect();
    for n in 0..210 {
        let given = format!(
            "{}{}",
            letters[n / 26 % letters.len()],
            (b'a' + (n % 26) as u8) as char
        );
        lines.push(json!({
            "stream": format!("child/C{}", 5000 + n),
            "events": [event(-30, "system/import", registered(&given, "Patel", "2012-01-01"))],
        }));
    }
    for (id, given) in [("C9001", "Zara"), ("C9002", "Zoe")] {
        lines.push(allocated_child(
            id,
            given,
            "Patel",
            "2014-05-05",
            SW2,
            Vec::new(),
        ));
    }

    // SW2's children, one restricted by her manager, each with an adult in the network.
    for (person, given, family, born) in [
        ("P9100", "Adam", "Quill", "1980-01-01"),
        ("P9101", "Bert", "Moss", "1981-01-01"),
    ] {
        lines.push(json!({
            "stream": format!("person/{person}"),
            "events": [event(-20, "system/import", json!({
                "type": "person_registered",
                "details": {"name": {"given": given, "family": family}, "date_of_birth": born}
            }))]
        }));
    }
    let member = |person: &str| {
        event(
            -7,
            "staff/SW2",
            json!({"type": "network_member_added", "person": person, "relationship": "FATHER", "parental_responsibility": true, "lives_in_household": false}),
        )
    };
    lines.push(allocated_child(
        "C9100",
        "Rhea",
        "Quill",
        "2015-03-03",
        SW2,
        vec![
            member("P9100"),
            event(
                -6,
                "staff/TM2",
                json!({"type": "record_restricted", "decided_by": "TM2", "reason": "Her mother works in the front door team.", "permitted": []}),
            ),
        ],
    ));
    lines.push(allocated_child(
        "C9101",
        "Una",
        "Quill",
        "2016-04-04",
        SW2,
        vec![member("P9101")],
    ));
    // SW1's own child, to add adults to.
    lines.push(allocated_child(
        "C9102",
        "Sol",
        "Finch",
        "2017-07-07",
        SW1,
        Vec::new(),
    ));

    // SW1's children on the way to an initial conference: one booked with RO2 to chair it,
    // one whose enquiry found a conference is needed and nothing booked yet.
    let enquiry = |completed: bool| {
        let mut e = vec![
            event(
                -7,
                "staff/SW1",
                json!({"type": "concern_raised", "summary": "Bruising seen at school."}),
            ),
            event(
                -6,
                "staff/SW1",
                json!({"type": "strategy_discussion_held", "agencies": ["SOCIAL_CARE", "POLICE"], "decision": "S47"}),
            ),
            event(-6, "staff/SW1", json!({"type": "section47_started"})),
        ];
        if completed {
            e.push(event(
                -2,
                "staff/SW1",
                json!({"type": "section47_completed", "outcome": "SUBSTANTIATED_RISK", "conference_needed": true}),
            ));
        }
        e
    };
    let mut booked = enquiry(false);
    booked.push(event(
        -1,
        "staff/SW1",
        json!({"type": "meeting_scheduled", "meeting": "ICPC", "at": at(10), "chair": "RO2"}),
    ));
    lines.push(allocated_child(
        "C9200",
        "Ivy",
        "Vale",
        "2013-02-02",
        SW1,
        booked,
    ));
    lines.push(allocated_child(
        "C9201",
        "Iris",
        "Vale",
        "2013-02-03",
        SW1,
        enquiry(true),
    ));
    lines.iter().map(|l| format!("{l}\n")).collect()
}

async fn start() -> App {
    start_with(false).await
}

/// With `forget_sight`, the store as a store from before the sight projection would be: the
/// records are there, the projection's rows are not.
async fn start_with(forget_sight: bool) -> App {
    let (dir, db) = fresh_store();
    import_lines(&dir, &db, "extra.jsonl", &extra_lines());
    if forget_sight {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&db).await.unwrap();
        let gone = sqlx::query("DELETE FROM child_sight")
            .execute(&mut c)
            .await
            .unwrap();
        assert!(gone.rows_affected() > 200);
        c.close().await.unwrap();
    }
    accounts(
        &db,
        [
            ("sw1", "SW1"),
            ("sw2", "SW2"),
            ("tm1", "TM1"),
            ("hos1", "HOS1"),
            ("ro1", "RO1"),
            ("ro2", "RO2"),
        ],
    );
    serve(dir, db).await
}

async fn sign_in(app: &App, username: &str) -> (reqwest::Client, String) {
    let (client, response) = sign_in_with(app, username, PASSWORD).await;
    let body = response.text().await.unwrap();
    (client, hidden(&body, "csrf"))
}

async fn post(client: &reqwest::Client, url: String, form: &[(&str, &str)]) -> (u16, String) {
    let r = client.post(url).form(form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The children a search results page lists.
fn listed(page: &str) -> Vec<String> {
    let marker = "<td class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"/children/";
    page.match_indices(marker)
        .map(|(at, _)| {
            page[at + marker.len()..]
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_decides_sight_before_ranking_and_cutting_and_counts_every_match_the_user_may_see() {
    let app = start().await;
    // Two of the 212 children called Patel are hers: both are found, and only they.
    let (sw2, _) = sign_in(&app, "sw2").await;
    let (status, found) = page(&sw2, format!("{}/search?q=Patel", app.url)).await;
    assert_eq!(status, 200, "{found}");
    assert!(found.contains("2 children you can see"), "{found}");
    assert_eq!(listed(&found), ["C9001", "C9002"]);
    assert!(!found.contains("id=\"search-more\""), "{found}");

    // Someone who may see them all is told how many there are, and shown the closest 50.
    let (hos1, _) = sign_in(&app, "hos1").await;
    let (_, found) = page(&hos1, format!("{}/search?q=Patel", app.url)).await;
    assert!(found.contains("212 children you can see"), "{found}");
    assert_eq!(listed(&found).len(), 50);
    assert!(
        found.contains("These are the 50 closest matches"),
        "{found}"
    );
    // A narrower search lists what the wider one cut.
    let (_, found) = page(&hos1, format!("{}/search?q=Zoe+Patel", app.url)).await;
    assert_eq!(listed(&found).first().map(String::as_str), Some("C9002"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn children_with_no_sight_row_are_decided_from_their_record() {
    let app = start_with(true).await;
    let (sw2, _) = sign_in(&app, "sw2").await;
    let (_, found) = page(&sw2, format!("{}/search?q=Patel", app.url)).await;
    assert!(found.contains("2 children you can see"), "{found}");
    assert_eq!(listed(&found), ["C9001", "C9002"]);
    let (hos1, _) = sign_in(&app, "hos1").await;
    let (_, found) = page(&hos1, format!("{}/search?q=Patel", app.url)).await;
    assert!(found.contains("212 children you can see"), "{found}");
}

/// A new child's form, filled in for a child with this name and date of birth.
fn new_child<'a>(
    csrf: &'a str,
    given: &'a str,
    family: &'a str,
    born: [&'a str; 3],
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("given", given),
        ("family", family),
        ("born", "yes"),
        ("day", born[0]),
        ("month", born[1]),
        ("year", born[2]),
        ("sex", "F"),
        ("contact-day", "2"),
        ("contact-month", "1"),
        ("contact-year", "2026"),
        ("contact-time", "10:00"),
        ("source", "2A"),
        ("outcome", "ADVICE"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_warnings_do_not_count_restricted_records_for_those_who_may_not_see_them() {
    let app = start().await;
    let url = format!("{}/children/new", app.url);
    let (sw1, csrf) = sign_in(&app, "sw1").await;

    // Another team's child is counted, not named.
    let (status, body) = post(
        &sw1,
        url.clone(),
        &new_child(&csrf, "Una", "Quill", ["4", "4", "2016"]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("1 possible match is held by a team you do not work with"),
        "{body}"
    );
    assert!(!body.contains("/children/C9101"), "{body}");

    // A restricted child is not even counted: nothing says she exists, and the new record is
    // made.
    let r = sw1
        .post(url.clone())
        .form(&new_child(&csrf, "Rhea", "Quill", ["3", "3", "2015"]))
        .send()
        .await
        .unwrap();
    let path = r.url().path().to_owned();
    let body = r.text().await.unwrap();
    assert!(!body.contains("possible match"), "{body}");
    assert!(!body.contains("may already be known"), "{body}");
    assert!(
        path.starts_with("/children/C") && path != "/children/C9100",
        "{path}"
    );

    // Her worker, who may see her, is shown her as a match.
    let (sw2, csrf2) = sign_in(&app, "sw2").await;
    let (_, body) = post(
        &sw2,
        url,
        &new_child(&csrf2, "Rhea", "Quill", ["3", "3", "2015"]),
    )
    .await;
    assert!(body.contains("/children/C9100\""), "{body}");

    // Adults alike: one known only through the restricted child is not counted; one known
    // through another team's child is.
    let add = format!("{}/children/C9102/network/add", app.url);
    let adult = |given: &'static str, family: &'static str, year: &'static str| {
        [
            ("given", given),
            ("family", family),
            ("dob-day", "1"),
            ("dob-month", "1"),
            ("dob-year", year),
            ("relationship", "FATHER"),
            ("parental_responsibility", "no"),
            ("household", "no"),
        ]
    };
    for (fields, counted) in [
        (adult("Bert", "Moss", "1981"), true),
        (adult("Adam", "Quill", "1980"), false),
    ] {
        let (status, form) = page(&sw1, add.clone()).await;
        assert_eq!(status, 200, "{form}");
        let version = hidden(&form, "version");
        let mut posted = vec![("csrf", csrf.as_str()), ("version", version.as_str())];
        posted.extend_from_slice(&fields);
        let (_, body) = post(&sw1, add.clone(), &posted).await;
        assert_eq!(
            body.contains("1 possible match is known only through children you do not work with"),
            counted,
            "{}: {body}",
            fields[0].1
        );
        assert!(!body.contains("P9100"), "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chair_of_a_booked_initial_conference_reaches_the_child_and_conferences_due_are_listed()
{
    let app = start().await;
    // The chair named on the booking opens the record; another reviewing officer does not.
    let (ro2, _) = sign_in(&app, "ro2").await;
    let (status, record) = page(&ro2, format!("{}/children/C9200", app.url)).await;
    assert_eq!(status, 200, "{record}");
    assert!(
        record.contains("you are a reviewing officer for this child"),
        "{record}"
    );
    let (ro1, _) = sign_in(&app, "ro1").await;
    let (status, _) = page(&ro1, format!("{}/children/C9200", app.url)).await;
    assert_eq!(status, 404);

    // The chair's page lists the conference booked and due, for a child on no plan and not
    // looked after.
    let (status, reviewing) = page(&ro2, format!("{}/reviewing", app.url)).await;
    assert_eq!(status, 200, "{reviewing}");
    let booked = &reviewing[reviewing.find("id=\"meetings\"").unwrap()..];
    assert!(booked.contains("/children/C9200\""), "{reviewing}");
    let due = &reviewing
        [reviewing.find("id=\"due\"").unwrap()..reviewing.find("id=\"meetings\"").unwrap()];
    assert!(
        due.contains("/children/C9200\"")
            && due.contains("Hold the initial child protection conference"),
        "{reviewing}"
    );
    assert!(!reviewing.contains("/children/C9201\""), "{reviewing}");

    // The worker's manager sees both children awaiting a conference, booked or not.
    let (tm1, _) = sign_in(&app, "tm1").await;
    let (_, reviewing) = page(&tm1, format!("{}/reviewing", app.url)).await;
    let due = &reviewing
        [reviewing.find("id=\"due\"").unwrap()..reviewing.find("id=\"meetings\"").unwrap()];
    for child in ["C9200", "C9201"] {
        assert!(
            due.contains(&format!("/children/{child}\"")),
            "{child}: {reviewing}"
        );
    }

    // Booking the other child's conference through the form, naming RO1 as chair, gives
    // RO1 the record.
    let (status, _) = page(&ro1, format!("{}/children/C9201", app.url)).await;
    assert_eq!(status, 404);
    let (sw1, csrf) = sign_in(&app, "sw1").await;
    let form_url = format!("{}/children/C9201/record/meeting-scheduled", app.url);
    let (status, form) = page(&sw1, form_url.clone()).await;
    assert_eq!(status, 200, "{form}");
    assert!(form.contains("Who will chair it?"), "{form}");
    let version = hidden(&form, "version");
    let yesterday = Utc::now().date_naive() - chrono::Days::new(1);
    let on = Utc::now().date_naive() + chrono::Days::new(8);
    let (d, m, y) = (
        yesterday.format("%-d").to_string(),
        yesterday.format("%-m").to_string(),
        yesterday.format("%Y").to_string(),
    );
    let (ad, am, ay) = (
        on.format("%-d").to_string(),
        on.format("%-m").to_string(),
        on.format("%Y").to_string(),
    );
    let (status, body) = post(
        &sw1,
        form_url,
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("day", &d),
            ("month", &m),
            ("year", &y),
            ("time", "09:00"),
            ("meeting", "ICPC"),
            ("at-day", &ad),
            ("at-month", &am),
            ("at-year", &ay),
            ("at-time", "10:00"),
            ("chair", "RO1"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Meeting booked"), "{body}");
    let (status, record) = page(&ro1, format!("{}/children/C9201", app.url)).await;
    assert_eq!(status, 200, "{record}");
}
