//! `hearth import ssda903` and `hearth export ssda903`, run as the real binary against
//! fresh stores: the DfE-validated sample tables round trip, broken tables are reported
//! with their file, line and column and leave those children out, and a generated
//! borough's return comes back byte for byte through an empty store and agrees with the
//! record on who was looked after at 31 March and who the year's care leavers are.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::Months;
use hearth_domain::child::{ChildEvent, ChildRecord, fold};
use hearth_domain::codes::ReasonEpisodeCeased;
use hearth_domain::event::Recorded;
use hearth_domain::time::birthday;
use hearth_domain::{ChildId, StreamId, StreamKind};
use hearth_returns::CollectionYear;
use hearth_standards::AsAt;
use hearth_store::Store;
use hearth_store::codec::decode_all;

const HEARTH: &str = env!("CARGO_BIN_EXE_hearth");

fn samples(which: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/ssda903")
        .join(which)
}

fn hearth(args: &[&str]) -> Output {
    Command::new(HEARTH)
        .args(args)
        .env_remove("HEARTH_COUNCIL")
        .env_remove("HEARTH_DATABASE_URL")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

fn db(dir: &Path, name: &str) -> String {
    format!("sqlite://{}", dir.join(name).display())
}

fn import(db: &str, tables: &Path) -> Output {
    hearth(&["--db", db, "import", "ssda903", tables.to_str().unwrap()])
}

fn export(db: &str, year: &str, out: &Path) -> Output {
    let o = hearth(&[
        "--db",
        db,
        "export",
        "ssda903",
        "--year",
        year,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    o
}

fn read(dir: &Path, name: &str) -> String {
    text(&std::fs::read(dir.join(name)).unwrap())
}

#[test]
fn the_valid_sample_imports_and_exports_again_and_the_export_round_trips() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (db(tmp.path(), "a.db"), db(tmp.path(), "b.db"));
    let o = import(&a, &samples("valid"));
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("imported 5 children; 0 already present; 0 refused"));
    let first = tmp.path().join("first");
    let o = export(&a, "2026", &first);
    assert!(
        text(&o.stdout).contains("2 children looked after at 31 March, 4 in the year"),
        "{}",
        text(&o.stdout)
    );
    // Every table comes back as it was, except one episode that ended in 2024/25: the
    // return holds only episodes open in its year (DfE's rule 502 checks that).
    for entry in std::fs::read_dir(samples("valid")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let original = read(&samples("valid"), &name);
        let expected = if name == "episodes.csv" {
            original
                .lines()
                .filter(|l| !l.starts_with("L0000005,01/03/2023"))
                .map(|l| format!("{l}\r\n"))
                .collect()
        } else {
            original
        };
        assert_eq!(read(&first, &name), expected, "{name}");
    }
    let o = import(&b, &first);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let second = tmp.path().join("second");
    export(&b, "2026", &second);
    for entry in std::fs::read_dir(&first).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert_eq!(read(&first, &name), read(&second, &name), "{name}");
    }
}

#[test]
fn broken_tables_are_reported_where_they_are_and_those_children_are_left_out() {
    let tmp = tempfile::tempdir().unwrap();
    let a = db(tmp.path(), "a.db");
    let o = import(&a, &samples("invalid"));
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    for expected in [
        "episodes.csv line 2, column PLACE (child L0000001): 'U9' is not a valid placement type code",
        "episodes.csv line 5, column REC (child L0000004): DEC and REC are given together",
        "header.csv line 3, column DOB (child L0000002): '2015-02-10' is not a date written dd/mm/yyyy",
        "missing.csv line 2, column MIS_END (child L0000001): the missing episode ends before it starts",
    ] {
        assert!(err.contains(expected), "{expected} not in {err}");
    }
    assert!(text(&o.stdout).contains("imported 2 children; 0 already present; 3 refused"));
    let out = tmp.path().join("out");
    export(&a, "2026", &out);
    let header = read(&out, "header.csv");
    for refused in ["L0000001", "L0000002", "L0000004"] {
        assert!(!header.contains(refused), "{refused} was imported");
    }
    assert!(header.contains("L0000003") && header.contains("L0000005"));
}

fn fingerprint(db: &str) -> String {
    let o = hearth(&["--db", db, "fingerprint"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    text(&o.stdout)
}

fn import_journeys(db: &str, dir: &Path, lines: &[String]) {
    let path = dir.join("lines.jsonl");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let o = hearth(&["--db", db, "import", "journeys", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn importing_the_same_ssda903_return_twice_changes_nothing_the_second_time() {
    let tmp = tempfile::tempdir().unwrap();
    let a = db(tmp.path(), "a.db");
    let o = import(&a, &samples("valid"));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let before = fingerprint(&a);
    // Every line is recognised as already there, the staff and team included.
    let o = import(&a, &samples("valid"));
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("imported 0 children; 5 already present; 0 refused"),
        "{}",
        text(&o.stdout)
    );
    assert_eq!(fingerprint(&a), before);
}

#[test]
fn a_refused_ssda903_import_writes_nothing_not_even_its_staff() {
    let tmp = tempfile::tempdir().unwrap();

    // The store already has a member of staff under one of the return's SW_IDs, someone
    // else: the return's staff cannot be imported, and nothing of the return is.
    let clash = db(tmp.path(), "clash.db");
    let broken = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/journeys/broken.jsonl"),
    )
    .unwrap();
    let mut lines: Vec<String> = broken.lines().take(16).map(str::to_owned).collect();
    lines.push(
        r#"{"stream":"staff/SW100003","events":[{"occurred_at":"2020-01-06T09:00:00Z","recorded_at":"2020-01-06T09:00:00Z","recorded_by":"system/import","event":{"type":"staff_joined","name":{"given":"Someone","family":"Else"},"role":"SOCIAL_WORKER","team":"TSC1","registration":"SW100003","line_manager":"TM1"}}]}"#
            .to_owned(),
    );
    import_journeys(&clash, tmp.path(), &lines);
    let before = fingerprint(&clash);
    let o = import(&clash, &samples("valid"));
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("the staff named in the return could not be imported"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(fingerprint(&clash), before, "a refused run wrote something");

    // Every child of the return is already held with other events: no child is imported,
    // so neither is the team nor any member of staff.
    let held = db(tmp.path(), "held.db");
    let lines: Vec<String> = (1..=5)
        .map(|n| {
            format!(
                r#"{{"stream":"child/L000000{n}","events":[{{"occurred_at":"2020-01-06T09:00:00Z","recorded_at":"2020-01-06T09:00:00Z","recorded_by":"system/import","event":{{"type":"child_registered","details":{{"name":{{"given":"Held","family":"Before"}},"sex":"F","date_of_birth":"2012-01-01","ethnicity":"NOBT"}}}}}}]}}"#
            )
        })
        .collect();
    import_journeys(&held, tmp.path(), &lines);
    let before = fingerprint(&held);
    let o = import(&held, &samples("valid"));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(fingerprint(&held), before, "staff were left behind");
    assert!(
        text(&o.stdout).contains("imported 0 children; 0 already present; 5 refused"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn an_export_has_every_table_of_the_year_even_when_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let a = db(tmp.path(), "a.db");
    let out = tmp.path().join("out");
    let o = hearth(&[
        "--db",
        &a,
        "export",
        "ssda903",
        "--year",
        "2027",
        "--out",
        out.to_str().unwrap(),
        "--previous",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(read(&out, "dolo.csv"), "CHILD,DOB,DOLO_START,DOLO_END\r\n");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 13);
    // 2025/26 had no deprivation of liberty table.
    assert!(!out.join("prev/dolo.csv").exists());
    assert_eq!(std::fs::read_dir(out.join("prev")).unwrap().count(), 11);
}

/// The rows of a table as maps from column to value.
fn rows(dir: &Path, name: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let content = read(dir, name);
    let mut lines = content.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_owned))
                .collect()
        })
        .collect()
}

/// Every child's events, read straight from the store.
async fn every_child(db: &str) -> Vec<(ChildId, Vec<Recorded<ChildEvent>>)> {
    let store = Store::open(db, "default").await.unwrap();
    let streams: Vec<StreamId> = store
        .list_streams(StreamKind::Child.as_str())
        .await
        .unwrap()
        .iter()
        .map(|s| StreamId::parse(&s.stream).unwrap())
        .collect();
    let events = store.read_streams(&streams).await.unwrap();
    let mut out: Vec<(ChildId, Vec<Recorded<ChildEvent>>)> = Vec::new();
    for e in &events {
        let id = ChildId::parse(StreamId::parse(&e.stream).unwrap().id()).unwrap();
        let decoded = decode_all(std::slice::from_ref(e)).unwrap().remove(0);
        match out.last_mut() {
            Some((last, evs)) if *last == id => evs.push(decoded),
            _ => out.push((id, vec![decoded])),
        }
    }
    out
}

/// A care leaver's birthday in the year (17th to 21st) on which they were not looked after,
/// from the record alone.
fn leaving_care_birthday(r: &ChildRecord, year: CollectionYear) -> Option<chrono::NaiveDate> {
    if r.care_leaver.statuses.is_empty() {
        return None;
    }
    let dob = r.date_of_birth()?;
    let day = (17..=21)
        .filter_map(|age| birthday(dob, age))
        .find(|b| year.contains(*b))?;
    let in_care = r
        .care_episodes
        .iter()
        .any(|e| e.start.date() <= day && e.end.is_none_or(|(m, _)| m.date() >= day));
    (!in_care).then_some(day)
}

#[tokio::test]
async fn a_generated_boroughs_return_round_trips_and_reconciles_with_the_record() {
    let tmp = tempfile::tempdir().unwrap();
    let borough = db(tmp.path(), "borough.db");
    let o = hearth(&[
        "--db",
        &borough,
        "generate",
        "--population",
        "1500",
        "--years",
        "2",
        "--seed",
        "3",
        "--as-at",
        "2026-11-20",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let as_at: chrono::NaiveDate = "2026-11-20".parse().unwrap();
    let children = every_child(&borough).await;
    // A small borough may have no care leaver to report in a year still running.
    let mut care_leavers = 0;
    for year in ["2026", "2027"] {
        // (a) Through an empty store and out again, byte for byte.
        let first = tmp.path().join(format!("first-{year}"));
        export(&borough, year, &first);
        let again = db(tmp.path(), &format!("again-{year}.db"));
        let o = hearth(&[
            "--db",
            &again,
            "import",
            "ssda903",
            first.to_str().unwrap(),
            "--year",
            year,
        ]);
        assert!(o.status.success(), "{year}: {}", text(&o.stderr));
        let second = tmp.path().join(format!("second-{year}"));
        export(&again, year, &second);
        for entry in std::fs::read_dir(&first).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            assert!(
                read(&first, &name) == read(&second, &name),
                "{year}: {name} changed through an import"
            );
        }

        // (b) Looked after at 31 March: the episodes still open then, against the record as
        // it stood at the end of that day (or today, while the year is running).
        let y = CollectionYear::parse(year).unwrap();
        let cutoff = AsAt::end_of(y.end().min(as_at)).instant;
        let looked_after: BTreeSet<String> = children
            .iter()
            .filter(|(id, events)| {
                let upto: Vec<_> = events
                    .iter()
                    .filter(|e| e.occurred_at <= cutoff)
                    .cloned()
                    .collect();
                fold(id, &upto)
                    .care_episodes
                    .last()
                    .is_some_and(|e| e.end.is_none())
            })
            .map(|(id, _)| id.as_str().to_owned())
            .collect();
        let open_episodes: BTreeSet<String> = rows(&first, "episodes.csv")
            .into_iter()
            .filter(|r| r["DEC"].is_empty())
            .map(|r| r["CHILD"].clone())
            .collect();
        assert!(!looked_after.is_empty(), "{year}: nobody looked after");
        assert_eq!(
            open_episodes, looked_after,
            "{year}: looked after at 31 March"
        );

        // Care leavers: OC3 holds exactly the record's care leavers with a birthday in the
        // year out of care, less those DfE leaves out (died in care, care taken over by
        // another council) and those with no in-touch check in DfE's window around it.
        let oc3: BTreeSet<String> = rows(&first, "oc3.csv")
            .into_iter()
            .map(|r| r["CHILD"].clone())
            .collect();
        let mut expected = BTreeSet::new();
        let mut unchecked = 0;
        for (id, events) in &children {
            let r = fold(id, events);
            let Some(day) = leaving_care_birthday(&r, y) else {
                continue;
            };
            let left_for_good = matches!(
                r.care_episodes.last().and_then(|e| e.end),
                Some((_, ReasonEpisodeCeased::E2 | ReasonEpisodeCeased::E3))
            );
            let (from, to) = (
                day.checked_sub_months(Months::new(3)).unwrap(),
                day.checked_add_months(Months::new(1)).unwrap(),
            );
            let checked = r
                .care_leaver
                .contacts
                .iter()
                .any(|(m, _)| (from..=to).contains(&m.date()));
            if left_for_good {
                continue;
            }
            if checked {
                expected.insert(id.as_str().to_owned());
            } else {
                unchecked += 1;
            }
        }
        care_leavers += expected.len();
        assert_eq!(
            oc3, expected,
            "{year}: care leavers ({unchecked} not checked)"
        );
    }
    assert!(care_leavers > 0, "no care leavers in either year");
}
