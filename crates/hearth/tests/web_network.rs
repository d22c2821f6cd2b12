//! The family network, professionals and the child's identity, changed from the child's
//! record: against the real binary on a free port and a fresh store, over HTTP the way a
//! browser does (the helpers are `web.rs`'s).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// A date typed into a form is dated relative to now, because the server reads the real clock.
#![allow(clippy::disallowed_methods)]

mod common;

use chrono::Utc;
use common::*;
use hearth_domain::StreamId;

fn registered(given: &str, family: &str, born: &str) -> serde_json::Value {
    serde_json::json!({
        "type": "child_registered",
        "details": {
            "name": {"given": given, "family": family},
            "sex": "F",
            "date_of_birth": born,
            "ethnicity": "NOBT",
        }
    })
}

/// Two children of SW2's (team TLA1), and one of SW1's (another team) whose network holds
/// an adult SW2 has never met.
fn extra_lines() -> String {
    let referral = serde_json::json!({"type": "referral_received", "source": "2A", "primary_need": "N1", "no_further_action": false});
    let allocated = |worker: &str, team: &str, manager: &str| serde_json::json!({"type": "worker_allocated", "worker": worker, "team": team, "decided_by": manager, "oversight": "Visit this week.", "reason": "FCONTA"});
    let child = |id: &str, given: &str, worker: &str, team: &str, manager: &str| {
        serde_json::json!({
            "stream": format!("child/{id}"),
            "events": [
                event(-10, &format!("staff/{worker}"), registered(given, "Oakley", "2015-03-03")),
                event(-10, &format!("staff/{worker}"), referral.clone()),
                event(-10, &format!("staff/{manager}"), allocated(worker, team, manager)),
            ]
        })
    };
    let maureen = serde_json::json!({
        "stream": "person/P81",
        "events": [event(-20, "system/import", serde_json::json!({
            "type": "person_registered",
            "details": {"name": {"given": "Maureen", "family": "Oakley"}, "date_of_birth": "1960-05-05"}
        }))]
    });
    let mut other = child("C81", "Rosa", "SW1", "TSC1", "TM1");
    other["events"]
        .as_array_mut()
        .unwrap()
        .push(event(-9, "staff/SW1", serde_json::json!({"type": "network_member_added", "person": "P81", "relationship": "GRANDPARENT", "parental_responsibility": false, "lives_in_household": false})));
    [
        maureen,
        child("C80", "Nina", "SW2", "TLA1", "TM2"),
        child("C82", "Ollie", "SW2", "TLA1", "TM2"),
        other,
    ]
    .iter()
    .map(|l| format!("{l}\n"))
    .collect()
}

async fn start() -> App {
    let (dir, db) = fresh_store();
    import_lines(&dir, &db, "extra.jsonl", &extra_lines());
    accounts(&db, [("sw1", "SW1"), ("sw2", "SW2")]);
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

/// How many events a stream holds.
async fn count(app: &App, stream: &str) -> usize {
    let store = hearth_store::Store::open(&app.db, "default").await.unwrap();
    let n = store
        .read_stream(&StreamId::parse(stream).unwrap())
        .await
        .unwrap()
        .len();
    store.close().await;
    n
}

/// How many records of a kind the store holds.
async fn records_of(app: &App, kind: &str) -> usize {
    let store = hearth_store::Store::open(&app.db, "default").await.unwrap();
    let n = store.list_streams(kind).await.unwrap().len();
    store.close().await;
    n
}

/// The form's version, read from the form page.
async fn version(client: &reqwest::Client, url: &str) -> String {
    let (status, body) = page(client, url.to_owned()).await;
    assert_eq!(status, 200, "{body}");
    hidden(&body, "version")
}

/// The values of the radios offered for `name`.
fn choices(html: &str, name: &str) -> Vec<String> {
    let marker = format!("name=\"{name}\" type=\"radio\" value=\"");
    html.match_indices(&marker)
        .map(|(at, _)| {
            html[at + marker.len()..]
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// The front sheet's family and network, and professionals.
fn network_part(record: &str) -> &str {
    let from = record.find("Family and network").unwrap();
    let to = record.find("id=\"obligations\"").unwrap();
    &record[from..to]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_family_network_from_the_child_s_record() {
    let app = start().await;
    let (sw2, csrf) = sign_in(&app, "sw2").await;
    let (_, record) = page(&sw2, format!("{}/children/C80", app.url)).await;
    assert!(record.contains("/children/C80/network/add"), "{record}");

    // Bad input comes back with messages and the input kept, and writes nothing.
    let add = format!("{}/children/C80/network/add", app.url);
    let v = version(&sw2, &add).await;
    let before = count(&app, "child/C80").await;
    let people_before = records_of(&app, "person").await;
    let (status, body) = post(
        &sw2,
        add.clone(),
        &[
            ("csrf", &csrf),
            ("version", &v),
            ("given", "Dennis"),
            ("family", "Oakley"),
            ("line1", "3 Mill Lane"),
            ("postcode", "NOT A POSTCODE"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("There is a problem"), "{body}");
    assert!(
        body.contains("Select how they are related to the child"),
        "{body}"
    );
    assert!(body.contains("href=\"#postcode\""), "{body}");
    assert!(body.contains("value=\"Dennis\""), "{body}");
    assert_eq!(count(&app, "child/C80").await, before);
    assert_eq!(records_of(&app, "person").await, people_before);

    // A new adult: no one like him is known, so he is created and linked at once.
    let dennis = [
        ("csrf", csrf.as_str()),
        ("version", v.as_str()),
        ("given", "Dennis"),
        ("family", "Oakley"),
        ("dob-day", "1"),
        ("dob-month", "1"),
        ("dob-year", "1985"),
        ("phone", "020 7946 0111"),
        ("line1", "3 Mill Lane"),
        ("town", "Bromley"),
        ("postcode", "BR1 3UH"),
        ("relationship", "FATHER"),
        ("parental_responsibility", "yes"),
        ("household", "no"),
    ];
    let (status, record) = post(&sw2, add.clone(), &dennis).await;
    assert_eq!(status, 200, "{record}");
    assert!(
        record.contains("Added to the family and network"),
        "{record}"
    );
    let network = network_part(&record);
    assert!(network.contains("Dennis Oakley"), "{network}");
    assert!(
        network.contains("Father, parental responsibility"),
        "{network}"
    );
    assert!(network.contains("020 7946 0111"), "{network}");
    assert_eq!(count(&app, "child/C80").await, before + 1);
    assert_eq!(records_of(&app, "person").await, people_before + 1);

    // Adding him again on his other child's record: the similar name and the same date of
    // birth bring up the warning, and nothing is written until the worker chooses.
    let add82 = format!("{}/children/C82/network/add", app.url);
    let v82 = version(&sw2, &add82).await;
    let before82 = count(&app, "child/C82").await;
    let denis = [
        ("csrf", csrf.as_str()),
        ("version", v82.as_str()),
        ("given", "Denis"),
        ("family", "Okley"),
        ("dob-day", "1"),
        ("dob-month", "1"),
        ("dob-year", "1985"),
        ("relationship", "FATHER"),
        ("parental_responsibility", "yes"),
        ("household", "yes"),
    ];
    let (status, body) = post(&sw2, add82.clone(), &denis).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("may already be known"), "{body}");
    assert!(
        body.contains("Dennis Oakley (born 1 January 1985, BR1 3UH)"),
        "{body}"
    );
    let offered = choices(&body, "link");
    assert_eq!(offered.len(), 2, "{offered:?}");
    let dennis_id = offered[0].clone();
    assert_eq!(offered[1], "new");
    assert_eq!(count(&app, "child/C82").await, before82);
    // Sent back without a choice, it is an error.
    let mut checked = denis.to_vec();
    checked.push(("checked", "yes"));
    let (status, body) = post(&sw2, add82.clone(), &checked).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Select the person you are adding"), "{body}");
    // Linking him: no new adult, one event on the child's record.
    let mut linking = checked.clone();
    linking.push(("link", &dennis_id));
    let (status, record) = post(&sw2, add82.clone(), &linking).await;
    assert_eq!(status, 200, "{record}");
    assert!(network_part(&record).contains("Dennis Oakley"), "{record}");
    assert!(
        network_part(&record).contains("lives in the household"),
        "{record}"
    );
    assert_eq!(count(&app, "child/C82").await, before82 + 1);
    assert_eq!(records_of(&app, "person").await, people_before + 1);

    // Someone known only through a child of another team is counted, not named.
    let v82 = version(&sw2, &add82).await;
    let (status, body) = post(
        &sw2,
        add82.clone(),
        &[
            ("csrf", &csrf),
            ("version", &v82),
            ("given", "Maureen"),
            ("family", "Oakley"),
            ("relationship", "GRANDPARENT"),
            ("parental_responsibility", "no"),
            ("household", "no"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("1 possible match is known only through children you do not work with"),
        "{body}"
    );
    assert!(!body.contains("P81"), "{body}");
    assert!(!body.contains("1960"), "{body}");
    assert_eq!(choices(&body, "link"), vec!["new"]);

    // Changing his place in the network, from the front sheet's link.
    let change = format!("/children/C80/network/{dennis_id}/change");
    assert!(
        network_part(&page(&sw2, format!("{}/children/C80", app.url)).await.1).contains(&change)
    );
    let (status, form) = page(&sw2, format!("{}{change}", app.url)).await;
    assert_eq!(status, 200, "{form}");
    assert!(form.contains("value=\"FATHER\" selected"), "{form}");
    let v = hidden(&form, "version");
    let (status, record) = post(
        &sw2,
        format!("{}{change}", app.url),
        &[
            ("csrf", &csrf),
            ("version", &v),
            ("relationship", "STEP_PARENT"),
            ("parental_responsibility", "no"),
            ("household", "yes"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{record}");
    let network = network_part(&record);
    assert!(
        network.contains("Step-parent, lives in the household"),
        "{network}"
    );

    // Removing him.
    let remove = format!("{}/children/C80/network/{dennis_id}/remove", app.url);
    let (status, confirm) = page(&sw2, remove.clone()).await;
    assert_eq!(status, 200, "{confirm}");
    assert!(
        confirm.contains("Remove Dennis Oakley from Nina Oakley"),
        "{confirm}"
    );
    let v = hidden(&confirm, "version");
    let (status, record) = post(&sw2, remove.clone(), &[("csrf", &csrf), ("version", &v)]).await;
    assert_eq!(status, 200, "{record}");
    assert!(
        record.contains("Removed from the family and network"),
        "{record}"
    );
    assert!(!network_part(&record).contains("Dennis Oakley"), "{record}");
    // He is no longer a member, so there is nothing to change or remove.
    let (status, _) = page(&sw2, remove).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn professionals_from_the_child_s_record() {
    let app = start().await;
    let (sw2, csrf) = sign_in(&app, "sw2").await;
    let add = format!("{}/children/C80/professionals/add", app.url);
    let v = version(&sw2, &add).await;
    let before = count(&app, "child/C80").await;
    let known_before = records_of(&app, "professional").await;

    // Missing answers: nothing written.
    let (status, body) = post(
        &sw2,
        add.clone(),
        &[("csrf", &csrf), ("version", &v), ("given", "Imogen")],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Enter what they do for this child"), "{body}");
    assert_eq!(count(&app, "child/C80").await, before);

    // The GP already known is offered, spelt differently, and linked.
    let imogen = [
        ("csrf", csrf.as_str()),
        ("version", v.as_str()),
        ("given", "Imogen"),
        ("family", "Strande"),
        ("role", "GP"),
        ("organisation", "Quarry Lane Surgery"),
        ("involvement", "Family GP"),
    ];
    let (status, body) = post(&sw2, add.clone(), &imogen).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("Imogen Strand (GP, Quarry Lane Surgery)"),
        "{body}"
    );
    assert_eq!(choices(&body, "link"), vec!["PR1", "new"]);
    let mut linking = imogen.to_vec();
    linking.extend([("checked", "yes"), ("link", "PR1")]);
    let (status, record) = post(&sw2, add.clone(), &linking).await;
    assert_eq!(status, 200, "{record}");
    assert!(record.contains("involvement recorded"), "{record}");
    let part = network_part(&record);
    assert!(part.contains("Imogen Strand</strong>, Family GP"), "{part}");
    assert_eq!(records_of(&app, "professional").await, known_before);

    // A new professional, created with the involvement.
    let v = version(&sw2, &add).await;
    let (status, record) = post(
        &sw2,
        add.clone(),
        &[
            ("csrf", &csrf),
            ("version", &v),
            ("given", "Harriet"),
            ("family", "Quell"),
            ("role", "School nurse"),
            ("organisation", "Hollybank Academy"),
            ("email", "h.quell@hollybank.example"),
            ("involvement", "School nurse"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{record}");
    let part = network_part(&record);
    assert!(part.contains("Harriet Quell"), "{part}");
    assert!(part.contains("h.quell@hollybank.example"), "{part}");
    assert_eq!(records_of(&app, "professional").await, known_before + 1);

    // Ending the GP's involvement.
    let end = format!("{}/children/C80/professionals/PR1/end", app.url);
    assert!(
        part.contains("/children/C80/professionals/PR1/end"),
        "{part}"
    );
    let v = version(&sw2, &end).await;
    let (status, record) = post(&sw2, end.clone(), &[("csrf", &csrf), ("version", &v)]).await;
    assert_eq!(status, 200, "{record}");
    assert!(record.contains("involvement ended"), "{record}");
    assert!(!network_part(&record).contains("Imogen Strand"), "{record}");
    let (status, _) = page(&sw2, end).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_child_s_details_and_address() {
    let app = start().await;
    let (sw2, csrf) = sign_in(&app, "sw2").await;
    let details = format!("{}/children/C80/details", app.url);
    let (status, form) = page(&sw2, details.clone()).await;
    assert_eq!(status, 200, "{form}");
    // The form starts from the details as they stand.
    assert!(form.contains("value=\"Nina\""), "{form}");
    assert!(form.contains("value=\"NOBT\" selected"), "{form}");
    assert!(
        form.contains(
            "id=\"dob-year\" name=\"dob-year\" type=\"text\" inputmode=\"numeric\" value=\"2015\""
        ),
        "{form}"
    );
    let v = hidden(&form, "version");
    let before = count(&app, "child/C80").await;
    let mut answers = vec![
        ("csrf", csrf.as_str()),
        ("version", v.as_str()),
        ("given", "Nina"),
        ("family", "Oakley-Reid"),
        ("sex", "F"),
        ("dob-day", "3"),
        ("dob-month", "3"),
        ("dob-year", "2015"),
        ("ethnicity", "WBRI"),
        ("nhs", "123"),
        ("disabilities", "HEAR"),
        ("uasc", "no"),
    ];
    // A malformed NHS number: the message against it, the input kept, nothing written.
    let (status, body) = post(&sw2, details.clone(), &answers).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("href=\"#nhs\""), "{body}");
    assert!(body.contains("value=\"Oakley-Reid\""), "{body}");
    assert_eq!(count(&app, "child/C80").await, before);
    // The record's rules decide: no disability cannot go with a disability.
    answers.retain(|(k, _)| *k != "nhs");
    answers.push(("nhs", "9434765919"));
    answers.push(("disabilities", "NONE"));
    let (status, body) = post(&sw2, details.clone(), &answers).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("This cannot be saved: NONE cannot be combined"),
        "{body}"
    );
    assert_eq!(count(&app, "child/C80").await, before);
    answers.pop();
    let (status, record) = post(&sw2, details.clone(), &answers).await;
    assert_eq!(status, 200, "{record}");
    assert!(record.contains("details are amended"), "{record}");
    assert!(record.contains("Nina Oakley-Reid"), "{record}");
    assert!(record.contains("White: British"), "{record}");
    assert!(record.contains("9434765919"), "{record}");
    assert_eq!(count(&app, "child/C80").await, before + 1);
    // Saved again from the form as it was first opened: someone else wrote since.
    let (status, body) = post(&sw2, details.clone(), &answers).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("Someone else recorded on this child"),
        "{body}"
    );
    assert_eq!(count(&app, "child/C80").await, before + 1);

    // A change of address, with the postcode checked.
    let address = format!("{}/children/C80/address", app.url);
    let v = version(&sw2, &address).await;
    let today = Utc::now().date_naive();
    let (day, month, year) = (
        today.format("%-d").to_string(),
        today.format("%-m").to_string(),
        today.format("%Y").to_string(),
    );
    let mut moved = vec![
        ("csrf", csrf.as_str()),
        ("version", v.as_str()),
        ("moved-day", day.as_str()),
        ("moved-month", month.as_str()),
        ("moved-year", year.as_str()),
        ("line1", "12 Acacia Road"),
        ("town", "Bromley"),
        ("postcode", "BR1 ZZZ9"),
    ];
    let (status, body) = post(&sw2, address.clone(), &moved).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("href=\"#postcode\""), "{body}");
    assert_eq!(count(&app, "child/C80").await, before + 1);
    moved.pop();
    moved.push(("postcode", "br1 3uh"));
    let (status, record) = post(&sw2, address.clone(), &moved).await;
    assert_eq!(status, 200, "{record}");
    assert!(record.contains("Change of address recorded"), "{record}");
    assert!(
        record.contains("12 Acacia Road, Bromley, BR1 3UH"),
        "{record}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_who_cannot_see_the_child_finds_nothing_there() {
    let app = start().await;
    let (sw1, csrf) = sign_in(&app, "sw1").await;
    let before = count(&app, "child/C80").await;
    for path in [
        "network/add",
        "network/P81/change",
        "network/P81/remove",
        "professionals/add",
        "professionals/PR1/end",
        "details",
        "address",
    ] {
        for child in ["C80", "C999"] {
            let url = format!("{}/children/{child}/{path}", app.url);
            let (status, _) = page(&sw1, url.clone()).await;
            assert_eq!(status, 404, "GET {child}/{path}");
            let (status, _) = post(
                &sw1,
                url,
                &[
                    ("csrf", &csrf),
                    ("version", "3"),
                    ("given", "Any"),
                    ("family", "One"),
                    ("relationship", "OTHER"),
                    ("parental_responsibility", "no"),
                    ("household", "no"),
                ],
            )
            .await;
            assert_eq!(status, 404, "POST {child}/{path}");
        }
    }
    assert_eq!(count(&app, "child/C80").await, before);
}
