//! Practice assurance over HTTP, against the real binary on a free port and a fresh store:
//! the QA lead's month from the draw to moderation, what it puts on others' pages, and the
//! access matrix for audits (a worker sees their child's audit and not another team's; the
//! auditor's sight of the child's record ends with their audit). The approach and helpers
//! follow `web.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use hearth_domain::StreamId;

fn registered(given: &str, family: &str, born: &str) -> serde_json::Value {
    serde_json::json!({
        "type": "child_registered",
        "details": {
            "name": {"given": given, "family": family},
            "sex": "F",
            "date_of_birth": born,
            "ethnicity": "WBRI",
        }
    })
}

fn joined(id: &str, role: &str) -> serde_json::Value {
    serde_json::json!({
        "stream": format!("staff/{id}"),
        "events": [event(-2000, "system/import", serde_json::json!({
            "type": "staff_joined",
            "name": {"given": "Test", "family": id},
            "role": role,
            "team": "TLDR",
            "line_manager": "HOS1",
        }))]
    })
}

/// Two QA leads and the director, and a child of team TSC1 (worker SW1, manager TM1) open
/// for a hundred days.
fn extra_lines() -> String {
    let referral = serde_json::json!({"type": "referral_received", "source": "2A", "primary_need": "N1", "no_further_action": false});
    let allocated = serde_json::json!({"type": "worker_allocated", "worker": "SW1", "team": "TSC1", "decided_by": "TM1", "oversight": "Visit this week.", "reason": "FCONTA"});
    let child = serde_json::json!({
        "stream": "child/C70",
        "events": [
            event(-100, "staff/SW1", registered("Audited", "Ashby", "2015-04-04")),
            event(-100, "staff/SW1", referral),
            event(-100, "staff/TM1", allocated),
        ]
    });
    [
        joined("QA1", "QA_LEAD"),
        joined("QA2", "QA_LEAD"),
        joined("AD1", "ASSISTANT_DIRECTOR"),
        child,
    ]
    .iter()
    .map(|l| format!("{l}\n"))
    .collect()
}

async fn start() -> App {
    let (dir, db) = fresh_store();
    import_lines(&dir, &db, "extra.jsonl", &extra_lines());
    accounts(
        &db,
        [
            ("qa1", "QA1"),
            ("qa2", "QA2"),
            ("ad1", "AD1"),
            ("sw1", "SW1"),
            ("sw2", "SW2"),
            ("tm1", "TM1"),
            ("tm2", "TM2"),
            ("ro1", "RO1"),
        ],
    );
    serve(dir, db).await
}

struct Session {
    client: reqwest::Client,
    csrf: String,
}

async fn sign_in(app: &App, username: &str) -> Session {
    let (client, response) = sign_in_with(app, username, PASSWORD).await;
    let body = response.text().await.unwrap();
    let csrf = hidden(&body, "csrf");
    Session { client, csrf }
}

impl Session {
    async fn get(&self, app: &App, path: &str) -> (u16, String) {
        page(&self.client, format!("{}{path}", app.url)).await
    }

    /// Posts a form of an audit's page with the page's current version.
    async fn step(
        &self,
        app: &App,
        audit: &str,
        step: &str,
        fields: &[(&str, &str)],
    ) -> (u16, String) {
        let (status, body) = self.get(app, &format!("/assurance/audits/{audit}")).await;
        assert_eq!(status, 200, "{body}");
        let version = hidden(&body, "version");
        let mut form: Vec<(&str, &str)> =
            vec![("csrf", &self.csrf), ("version", &version), ("step", step)];
        form.extend_from_slice(fields);
        let r = self
            .client
            .post(format!("{}/assurance/audits/{audit}", app.url))
            .form(&form)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }
}

/// Every audit in the store: its id, child and the team it was drawn for.
async fn audits(app: &App) -> Vec<(String, String, String, Vec<String>)> {
    let store = hearth_store::Store::open(&app.db, "default").await.unwrap();
    let mut out = Vec::new();
    for s in store.list_streams("audit").await.unwrap() {
        let events = store
            .read_stream(&StreamId::parse(&s.stream).unwrap())
            .await
            .unwrap();
        let first: serde_json::Value = serde_json::from_str(&events[0].payload).unwrap();
        out.push((
            s.stream.trim_start_matches("audit/").to_owned(),
            first["subject"]["child"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            first["group"]["team"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            events.iter().map(|e| e.event_type.clone()).collect(),
        ));
    }
    store.close().await;
    out
}

/// The values after each `name="PREFIX` in a page, in order.
fn names(html: &str, prefix: &str) -> Vec<String> {
    let marker = format!("name=\"{prefix}");
    html.match_indices(&marker)
        .map(|(i, _)| {
            html[i + marker.len()..]
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// The value of the text input with this id.
fn input_value(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no {id}"));
    let rest = &html[at..];
    let v = rest.find("value=\"").unwrap() + "value=\"".len();
    rest[v..].split('"').next().unwrap().to_owned()
}

#[allow(clippy::disallowed_methods)]
fn days_from_now(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_qa_leads_month_from_the_draw_to_moderation() {
    let app = start().await;
    let qa1 = sign_in(&app, "qa1").await;

    // The QA lead lands on practice assurance.
    let (status, home) = qa1.get(&app, "/").await;
    assert_eq!(status, 200, "{home}");
    assert!(
        home.contains("<h1 class=\"govuk-heading-l\">Practice assurance</h1>"),
        "{home}"
    );

    // The draw, shown before anything is written; the same seed shows the same cases.
    let url = "/assurance/select?template=single-case-audit&seed=2a";
    let (status, draw) = qa1.get(&app, url).await;
    assert_eq!(status, 200, "{draw}");
    assert!(draw.contains("child/C70"), "{draw}");
    assert_eq!(qa1.get(&app, url).await.1, draw);
    assert!(audits(&app).await.is_empty());
    // A social worker may not run a selection.
    let sw1 = sign_in(&app, "sw1").await;
    assert_eq!(sw1.get(&app, url).await.0, 404);
    let form = [
        ("csrf", qa1.csrf.as_str()),
        ("template", "single-case-audit"),
        ("seed", "2a"),
    ];
    let r = sw1
        .client
        .post(format!("{}/assurance/select", app.url))
        .form(&[
            ("csrf", sw1.csrf.as_str()),
            ("template", "single-case-audit"),
            ("seed", "2a"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert!(audits(&app).await.is_empty());

    // Entering it opens one audit for each team with an eligible case.
    let r = qa1
        .client
        .post(format!("{}/assurance/select", app.url))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body = r.text().await.unwrap();
    assert!(body.contains("Selection entered"), "{body}");
    let all = audits(&app).await;
    let (audit, _, _, _) = all
        .iter()
        .find(|(_, child, team, _)| child == "C70" && team == "TSC1")
        .unwrap_or_else(|| panic!("{all:?}"))
        .clone();
    // Another team's audit (the fixture's care leaver, held by the leaving care team).
    let other_team = all
        .iter()
        .find(|(id, _, team, _)| *id != audit && team != "TSC1")
        .unwrap_or_else(|| panic!("{all:?}"))
        .0
        .clone();
    let a = audit.as_str();

    // An auditor who manages the case is refused, with the rule's words, and nothing is
    // written; one from another team is assigned.
    let (_, page) = qa1.get(&app, &format!("/assurance/audits/{a}")).await;
    let deadline = input_value(&page, "deadline");
    let (status, body) = qa1
        .step(
            &app,
            a,
            "assign",
            &[("auditor", "TM1"), ("deadline", &deadline)],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("Not saved"), "{body}");
    assert_eq!(
        audits(&app)
            .await
            .iter()
            .find(|x| x.0 == a)
            .unwrap()
            .3
            .len(),
        1
    );
    let tm2 = sign_in(&app, "tm2").await;
    // Before the assignment TM2 may not read the child's record.
    assert_eq!(tm2.get(&app, "/children/C70").await.0, 404);
    let (status, body) = qa1
        .step(
            &app,
            a,
            "assign",
            &[("auditor", "TM2"), ("deadline", &deadline)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Auditor assigned"), "{body}");

    // The access matrix: the worker sees their child's audit; a worker of another team, and
    // TLA1's audit for SW1, are not found. The auditor may now read the child's record.
    assert_eq!(
        sw1.get(&app, &format!("/assurance/audits/{a}")).await.0,
        200
    );
    let sw2 = sign_in(&app, "sw2").await;
    assert_eq!(
        sw2.get(&app, &format!("/assurance/audits/{a}")).await.0,
        404
    );
    assert_eq!(
        sw1.get(&app, &format!("/assurance/audits/{other_team}"))
            .await
            .0,
        404
    );
    let (status, record) = tm2.get(&app, "/children/C70").await;
    assert_eq!(status, 200, "{record}");
    assert!(record.contains("you are auditing this child"), "{record}");
    // ... and may not record on it.
    assert_eq!(tm2.get(&app, "/children/C70/record/concern").await.0, 404);

    // The auditor grades every section beside the record's facts.
    let (_, page) = tm2.get(&app, &format!("/assurance/audits/{a}")).await;
    assert!(page.contains("Visits"), "{page}");
    for section in names(&page, "section\" value=\"") {
        let form_at = page
            .find(&format!("name=\"section\" value=\"{section}\""))
            .unwrap();
        let rest = &page[form_at..];
        let rest = &rest[..rest.find("</form>").unwrap()];
        let questions: Vec<String> = names(rest, "q:")
            .into_iter()
            .map(|q| format!("q:{q}"))
            .collect();
        let mut fields: Vec<(&str, &str)> =
            questions.iter().map(|q| (q.as_str(), "GOOD")).collect();
        let grade = if section == "recording" {
            "REQUIRES_IMPROVEMENT"
        } else {
            "GOOD"
        };
        fields.push(("section", &section));
        fields.push(("grade", grade));
        fields.push(("reasons", "Purposeful work, seen in the record."));
        let (status, body) = tm2.step(&app, a, "grade", &fields).await;
        assert_eq!(status, 200, "{section}: {body}");
    }
    let steps: [(&str, Vec<(&str, &str)>); 6] = [
        (
            "overall",
            vec![
                ("grade", "GOOD"),
                ("reasons", "Good work; the recording lags."),
            ],
        ),
        (
            "finding",
            vec![
                ("kind", "DEVELOPMENT"),
                ("text", "The chronology stops in spring."),
                ("theme", "recording"),
            ],
        ),
        (
            "concern",
            vec![(
                "summary",
                "A new adult in the household has not been checked.",
            )],
        ),
        (
            "notify",
            vec![
                ("concern", "1"),
                ("recipient", "TEAM_MANAGER"),
                ("staff", "TM1"),
                ("how", "By telephone"),
            ],
        ),
        (
            "notify",
            vec![
                ("concern", "1"),
                ("recipient", "DIRECTOR"),
                ("staff", "AD1"),
                ("how", "By telephone"),
            ],
        ),
        (
            "action",
            vec![
                ("what", "Bring the chronology up to date."),
                ("owner", "SW1"),
            ],
        ),
    ];
    let due = days_from_now(10);
    for (step, mut fields) in steps {
        if step == "action" {
            fields.push(("due", &due));
        }
        let (status, body) = tm2.step(&app, a, step, &fields).await;
        assert_eq!(status, 200, "{step}: {body}");
    }

    // Completing now is refused: the reflection and the family's feedback are missing.
    let (status, body) = tm2.step(&app, a, "complete", &[]).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("Not saved"), "{body}");

    // The worker writes the reflection; the auditor discusses it and takes the family's view.
    let (_, page) = sw1.get(&app, &format!("/assurance/audits/{a}")).await;
    let prompts: Vec<String> = names(&page, "r:")
        .into_iter()
        .map(|p| format!("r:{p}"))
        .collect();
    assert!(!prompts.is_empty(), "{page}");
    let mut fields: Vec<(&str, &str)> = prompts
        .iter()
        .map(|p| (p.as_str(), "In my own words."))
        .collect();
    fields.push(("worker", "SW1"));
    let (status, body) = sw1.step(&app, a, "reflection", &fields).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = tm2
        .step(
            &app,
            a,
            "discussed",
            &[("note", "We agreed what good recording looks like.")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = tm2
        .step(
            &app,
            a,
            "feedback",
            &[
                ("respondent", "PARENT"),
                ("method", "TELEPHONE"),
                ("t:anything-else", "The worker calls back."),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = tm2.step(&app, a, "complete", &[]).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Audit completed"), "{body}");

    // The auditor's sight of the child's record ended with the audit; the audit stays theirs.
    assert_eq!(tm2.get(&app, "/children/C70").await.0, 404);
    assert_eq!(
        tm2.get(&app, &format!("/assurance/audits/{a}")).await.0,
        200
    );

    // Copy, PRIM, blind regrade and moderation.
    let regrade_by = days_from_now(7);
    for (step, fields) in [
        ("copy", vec![("officer", "RO1")]),
        (
            "prim",
            vec![
                ("attendee", "SW1"),
                ("attendee", "TM1"),
                ("attendee", "TM2"),
                ("agreed", "Recording to be checked in supervision."),
            ],
        ),
        (
            "regrade-assign",
            vec![("auditor", "QA2"), ("deadline", regrade_by.as_str())],
        ),
    ] {
        let (status, body) = qa1.step(&app, a, step, &fields).await;
        assert_eq!(status, 200, "{step}: {body}");
    }
    let qa2 = sign_in(&app, "qa2").await;
    let (status, blind) = qa2.get(&app, &format!("/assurance/audits/{a}")).await;
    assert_eq!(status, 200, "{blind}");
    assert!(
        blind.contains("without seeing the first auditor's grades"),
        "{blind}"
    );
    assert!(!blind.contains("Good work; the recording lags."), "{blind}");
    assert!(!blind.contains("Grade: <strong>"), "{blind}");
    let sections: Vec<String> = names(&blind, "s:")
        .into_iter()
        .map(|s| format!("s:{s}"))
        .collect();
    let mut fields = graded(&sections, "s:planning");
    fields.push(("overall", "REQUIRES_IMPROVEMENT"));
    fields.push(("reasons", "The plan has no dates."));
    let (status, body) = qa2.step(&app, a, "regrade", &fields).await;
    assert_eq!(status, 200, "{body}");
    let mut fields = graded(&sections, "s:recording");
    fields.push(("overall", "GOOD"));
    fields.push(("reason", "The plan's dates are in the core group minutes."));
    let (status, body) = qa1.step(&app, a, "moderate", &fields).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Moderated: Good"), "{body}");

    // The action is on its owner's My work, the concern on the team manager's and the
    // director's, the audit on the reviewing officer's page and the child's record.
    let (_, mine) = sw1.get(&app, "/").await;
    assert!(
        mine.contains("From audits (1)") && mine.contains("Bring the chronology up to date"),
        "{mine}"
    );
    let tm1 = sign_in(&app, "tm1").await;
    let (_, mine) = tm1.get(&app, "/").await;
    assert!(
        mine.contains("A new adult in the household has not been checked"),
        "{mine}"
    );
    let ad1 = sign_in(&app, "ad1").await;
    let (_, mine) = ad1.get(&app, "/").await;
    assert!(
        mine.contains("A new adult in the household has not been checked"),
        "{mine}"
    );
    let ro1 = sign_in(&app, "ro1").await;
    let (_, reviewing) = ro1.get(&app, "/reviewing").await;
    assert!(
        reviewing.contains(&format!("/assurance/audits/{a}")),
        "{reviewing}"
    );
    assert_eq!(
        ro1.get(&app, &format!("/assurance/audits/{a}")).await.0,
        200
    );
    let (_, record) = sw1.get(&app, "/children/C70").await;
    assert!(
        record.contains("Audits of this child's case") && record.contains("Grade: Good"),
        "{record}"
    );
    let (_, record) = tm1.get(&app, "/children/C70").await;
    assert!(
        record.contains(&format!("/assurance/audits/{a}")),
        "{record}"
    );

    // The QA lead's figures and the quarter's report link to the audits, and the workbook is
    // an xlsx file.
    let (_, overview) = qa1.get(&app, "/assurance").await;
    assert!(overview.contains(&format!("ids={a}")), "{overview}");
    let (status, report) = qa1.get(&app, "/assurance/report").await;
    assert_eq!(status, 200, "{report}");
    assert!(
        report.contains("Quality of recording") || report.contains("recording"),
        "{report}"
    );
    let r = qa1
        .client
        .get(format!("{}/assurance/report.xlsx", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "not a zip file");
    // The worker has no QA lead's view.
    assert_eq!(sw1.get(&app, "/assurance").await.0, 404);
    assert_eq!(sw1.get(&app, "/assurance/report").await.0, 404);

    // Every step is an event in the audit's stream, in order.
    let types = audits(&app).await.into_iter().find(|x| x.0 == a).unwrap().3;
    for kind in [
        "audit_selected",
        "auditor_assigned",
        "section_graded",
        "overall_graded",
        "finding_recorded",
        "safety_concern_raised",
        "safety_concern_notified",
        "action_agreed",
        "reflection_recorded",
        "reflection_discussed",
        "family_feedback_recorded",
        "audit_completed",
        "copied_to_reviewing_officer",
        "prim_held",
        "regrade_assigned",
        "regrade_recorded",
        "moderation_decided",
    ] {
        assert!(
            types.iter().any(|t| t == kind),
            "{kind} missing from {types:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_councils_own_template_is_used_with_no_change_to_the_code() {
    // The shipped single case audit, with a question the council added and weighted.
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../hearth-assurance/templates/single-case-audit.toml");
    let mut text = std::fs::read_to_string(shipped).unwrap();
    text.push_str(
        "\n[[section.question]]\nid = \"life-story\"\ntext = \"Is the child's life story work up to date?\"\nweight = 7\n",
    );
    let (dir, db) = fresh_store();
    import_lines(&dir, &db, "extra.jsonl", &extra_lines());
    accounts(&db, [("qa1", "QA1")]);
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(templates.join("single-case-audit.toml"), text).unwrap();
    let folder = templates.display().to_string();
    let app = serve_with(dir, db, &["--audit-templates", &folder]).await;

    let qa1 = sign_in(&app, "qa1").await;
    let r = qa1
        .client
        .post(format!("{}/assurance/select", app.url))
        .form(&[
            ("csrf", qa1.csrf.as_str()),
            ("template", "single-case-audit"),
            ("seed", "7"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let (audit, _, _, _) = audits(&app).await.into_iter().next().unwrap();
    let (status, page) = qa1.get(&app, &format!("/assurance/audits/{audit}")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("life story work up to date?"), "{page}");
    assert!(page.contains("counts 7 times in the score"), "{page}");
}

#[test]
fn a_fault_in_a_councils_template_is_refused_at_its_line_and_nothing_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../hearth-assurance/templates/single-case-audit.toml");
    let text = std::fs::read_to_string(shipped)
        .unwrap()
        .replacen("weight = ", "wieght = ", 1);
    std::fs::write(dir.path().join("ours.toml"), text).unwrap();
    let db = format!("sqlite://{}", dir.path().join("hearth.db").display());
    let out = std::process::Command::new(HEARTH)
        .args([
            "--db",
            &db,
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--audit-templates",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ours.toml:") && stderr.contains("wieght"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervision_audit_of_a_practitioner_is_seen_by_them_and_their_managers() {
    let app = start().await;
    let qa1 = sign_in(&app, "qa1").await;
    let r = qa1
        .client
        .post(format!("{}/assurance/select", app.url))
        .form(&[
            ("csrf", qa1.csrf.as_str()),
            ("template", "supervision-audit"),
            ("seed", "3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let store = hearth_store::Store::open(&app.db, "default").await.unwrap();
    let mut of_sw1 = None;
    for s in store.list_streams("audit").await.unwrap() {
        let events = store
            .read_stream(&StreamId::parse(&s.stream).unwrap())
            .await
            .unwrap();
        let first: serde_json::Value = serde_json::from_str(&events[0].payload).unwrap();
        if first["subject"]["staff"] == "SW1" {
            of_sw1 = Some(s.stream.trim_start_matches("audit/").to_owned());
        }
    }
    store.close().await;
    // SW1 is the only practitioner of TSC1, so is always its team's draw.
    let audit = of_sw1.expect("SW1 drawn for TSC1");
    let path = format!("/assurance/audits/{audit}");
    let (status, page) = qa1.get(&app, &path).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Supervision audit"), "{page}");
    let sw1 = sign_in(&app, "sw1").await;
    assert_eq!(sw1.get(&app, &path).await.0, 200);
    let tm1 = sign_in(&app, "tm1").await;
    assert_eq!(tm1.get(&app, &path).await.0, 200);
    let sw2 = sign_in(&app, "sw2").await;
    assert_eq!(sw2.get(&app, &path).await.0, 404);
}

/// Every section graded Good but `weaker`, which requires improvement.
fn graded<'a>(sections: &'a [String], weaker: &str) -> Vec<(&'a str, &'a str)> {
    sections
        .iter()
        .map(|s| {
            let grade = if s == weaker {
                "REQUIRES_IMPROVEMENT"
            } else {
                "GOOD"
            };
            (s.as_str(), grade)
        })
        .collect()
}
