//! The case file's pages (chronology, plans, visits, meetings, assessments, case notes,
//! oversight and supervision) against the real binary on a free port and a fresh store
//! holding the fixture, whose first child has a corrected visit and a struck-out case note.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use hearth_domain::{ChildId, StreamId};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_case_file_reads_the_record_as_it_stands() {
    let (dir, db) = fresh_store();
    accounts(&db, [("hos1", "HOS1")]);
    let app = serve(dir, db).await;
    let (hos, _) = sign_in_with(&app, "hos1", PASSWORD).await;
    let file = |part: &str| format!("{}/children/C1/file/{part}", app.url);

    // The record links to every page of the case file, and each links to the others.
    let (_, record) = page(&hos, format!("{}/children/C1", app.url)).await;
    for part in [
        "chronology",
        "plans",
        "visits",
        "meetings",
        "assessments",
        "notes",
        "oversight",
    ] {
        assert!(
            record.contains(&format!("href=\"/children/C1/file/{part}\"")),
            "{part}"
        );
        let (status, body) = page(&hos, file(part)).await;
        assert_eq!(status, 200, "{part}");
        assert!(
            body.contains(&format!(
                "href=\"/children/C1/file/{part}\" aria-current=\"page\""
            )),
            "{part}: {body}"
        );
    }

    // Oversight and supervision, with what the managers wrote and who they are.
    let (_, oversight) = page(&hos, file("oversight")).await;
    assert!(
        oversight.contains("Plan is progressing; ensure the father&#39;s contact is supervised."),
        "{oversight}"
    );
    assert!(oversight.contains("Reflected on Jasmine"), "{oversight}");
    assert!(oversight.contains("Supervision"), "{oversight}");

    // The visit whose date was corrected shows on its corrected day, marked; the struck-out
    // case note is not in the file.
    let (_, visits) = page(&hos, file("visits")).await;
    assert!(visits.contains("15 February 2023"), "{visits}");
    assert!(!visits.contains("14 February 2023"), "{visits}");
    assert!(visits.contains("Corrected"), "{visits}");
    assert!(
        visits.contains("Jasmine asked for her mother to stay"),
        "{visits}"
    );
    let (_, notes) = page(&hos, file("notes")).await;
    assert!(
        notes.contains("Spoke to Ms Ashdown about the core group date."),
        "{notes}"
    );
    assert!(!notes.contains("Entered on the wrong child"), "{notes}");

    // The chronology reads oldest first and holds the worker's own entries.
    let (_, chronology) = page(&hos, file("chronology")).await;
    let referral = chronology.find("Referral received").expect("the referral");
    let school = chronology
        .find("Jasmine moved to a new school")
        .expect("the worker's entry");
    assert!(referral < school, "{chronology}");
    assert!(!chronology.contains("Core group meeting"), "{chronology}");

    // Each page is a view of the child's record, logged.
    let store = hearth_store::Store::open(&app.db, "default").await.unwrap();
    let logged = store
        .access_log(&StreamId::child(&ChildId::parse("C1").unwrap()))
        .await
        .unwrap()
        .len();
    store.close().await;
    assert_eq!(
        logged,
        1 + 7 + 4,
        "the record, each page once, then four again"
    );

    // An unknown page, and a child who does not exist, are not found.
    assert_eq!(page(&hos, file("everything")).await.0, 404);
    assert_eq!(
        page(&hos, format!("{}/children/C999/file/notes", app.url))
            .await
            .0,
        404
    );
}
