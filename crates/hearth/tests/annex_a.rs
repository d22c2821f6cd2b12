//! Annex A through the real binary: a small generated borough exported as at a date, the
//! workbook read back with an independent reader, its sheets and headers checked, and the
//! lists of children on a plan or in care reconciled with the record as the store holds it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
use chrono::{Days, NaiveDate};
use hearth_domain::child::fold;
use hearth_domain::{ChildId, StreamId, StreamKind, Timestamp};
use hearth_returns::annex_a::List;
use hearth_store::Store;
use hearth_store::codec::decode_all;

const HEARTH: &str = env!("CARGO_BIN_EXE_hearth");

fn ok(db: &str, args: &[&str]) -> String {
    let out = Command::new(HEARTH)
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("HEARTH_COUNCIL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "hearth {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The children the store holds who, folded as at the end of the date, pass a test.
async fn children_where(
    db: &str,
    as_at: NaiveDate,
    test: impl Fn(&hearth_domain::ChildRecord) -> bool,
) -> BTreeSet<String> {
    let store = Store::open(db, "default").await.unwrap();
    let streams: Vec<StreamId> = store
        .list_streams(StreamKind::Child.as_str())
        .await
        .unwrap()
        .iter()
        .map(|s| StreamId::parse(&s.stream).unwrap())
        .collect();
    let next_day = Timestamp::start_of_london_day(as_at.checked_add_days(Days::new(1)).unwrap());
    let mut out = BTreeSet::new();
    for stream in streams {
        let events = store
            .read_streams(std::slice::from_ref(&stream))
            .await
            .unwrap();
        let events: Vec<_> = decode_all(&events)
            .unwrap()
            .into_iter()
            .filter(|e| e.occurred_at < next_day)
            .collect();
        let id = ChildId::parse(stream.id()).unwrap();
        if test(&fold(&id, &events)) {
            out.insert(id.as_str().to_owned());
        }
    }
    out
}

/// The ids of a sheet's rows whose `empty` column is blank (a plan or care not yet ended).
fn still_open(rows: &[Vec<Data>], list: List, empty: &str) -> BTreeSet<String> {
    let col = list.column(empty).unwrap();
    rows.iter()
        .filter(|r| r[col].is_empty())
        .map(|r| r[0].to_string())
        .collect()
}

#[tokio::test]
async fn a_generated_boroughs_workbook_has_every_list_and_reconciles_with_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("borough.db").display());
    ok(
        &db,
        &[
            "generate",
            "--population",
            "1500",
            "--years",
            "2",
            "--seed",
            "3",
            "--as-at",
            "2026-11-20",
        ],
    );
    let as_at: NaiveDate = "2026-11-20".parse().unwrap();
    let file = dir.path().join("annex_a.xlsx");
    let said = ok(
        &db,
        &[
            "export",
            "annex-a",
            "--as-at",
            "2026-11-20",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(said.starts_with("Annex A as at 2026-11-20"), "{said}");

    let mut book: Xlsx<_> = open_workbook(Path::new(&file)).unwrap();
    let names: Vec<String> = (1..=11).map(|n| format!("List {n}")).collect();
    assert_eq!(book.sheet_names(), names);
    let mut sheets = Vec::new();
    for list in List::ALL {
        let range = book.worksheet_range(&list.sheet()).unwrap();
        let mut rows = range.rows();
        let header: Vec<String> = rows
            .next()
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(header, list.headers(), "{list:?}");
        let rows: Vec<Vec<Data>> = rows.map(<[Data]>::to_vec).collect();
        for row in &rows {
            assert_eq!(row.len(), header.len(), "{list:?}");
        }
        sheets.push((list, rows));
    }
    let rows = |l: List| &sheets.iter().find(|(x, _)| *x == l).unwrap().1;

    // The activity lists are not empty for a borough of this size.
    for l in [
        List::Contacts,
        List::Referrals,
        List::Assessments,
        List::ChildrenInNeed,
    ] {
        assert!(!rows(l).is_empty(), "{l:?} is empty");
    }
    // Dates are real dates, not text.
    let started = List::Referrals.column("Date of referral").unwrap();
    assert!(
        rows(List::Referrals)
            .iter()
            .all(|r| matches!(r[started], Data::DateTime(_)))
    );

    let on_plan = children_where(&db, as_at, |r| r.open_cp_plan().is_some()).await;
    let listed = still_open(
        rows(List::ChildProtection),
        List::ChildProtection,
        "Child Protection Plan End Date",
    );
    assert!(!on_plan.is_empty());
    assert_eq!(listed, on_plan, "List 7: plans open on the date");

    let in_care = children_where(&db, as_at, |r| r.is_looked_after()).await;
    let listed = still_open(
        rows(List::LookedAfter),
        List::LookedAfter,
        "Date Ceased to be Looked After",
    );
    assert!(!in_care.is_empty());
    assert_eq!(listed, in_care, "List 8: children looked after on the date");
}
