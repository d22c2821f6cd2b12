//! The CIN census through the real binary: the DfE sample files imported and exported, the
//! broken sample refused child by child with the place and reason, a generated borough's
//! census carried byte for byte through an import into an empty store, and the census's
//! counts reconciled with the record and the standards engine.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hearth_domain::child::{ChildEvent, fold};
use hearth_domain::event::Recorded;
use hearth_domain::{ChildId, StreamId, StreamKind};
use hearth_returns::CollectionYear;
use hearth_returns::cin::xml;
use hearth_standards::{AsAt, Calendar, is_open};
use hearth_store::Store;
use hearth_store::codec::decode_all;

const HEARTH: &str = env!("CARGO_BIN_EXE_hearth");

fn hearth(db: &str, args: &[&str]) -> Output {
    Command::new(HEARTH)
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("HEARTH_COUNCIL")
        .env_remove("HEARTH_LA_NUMBER")
        .output()
        .unwrap()
}

fn ok(db: &str, args: &[&str]) -> Output {
    let out = hearth(db, args);
    assert!(
        out.status.success(),
        "hearth {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn sqlite(dir: &Path, name: &str) -> String {
    format!("sqlite://{}", dir.join(name).display())
}

fn sample(which: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/validators/samples")
        .join(which)
        .join("cin/cin.xml")
}

/// Exports a year's census and returns its bytes.
fn export(db: &str, dir: &Path, year: &str, la: &str) -> Vec<u8> {
    let out = dir.join(format!("export-{year}"));
    ok(
        db,
        &[
            "export",
            "cin-census",
            "--year",
            year,
            "--la",
            la,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    std::fs::read(out.join("cin").join(format!("cin-census-{year}.xml"))).unwrap()
}

/// Imports a census file into a fresh store and exports it again.
fn through_an_empty_store(bytes: &[u8], dir: &Path, name: &str, year: &str, la: &str) -> Vec<u8> {
    let file = dir.join(format!("{name}.xml"));
    std::fs::write(&file, bytes).unwrap();
    let db = sqlite(dir, &format!("{name}.db"));
    ok(&db, &["import", "cin-census", file.to_str().unwrap()]);
    let again = dir.join(name);
    std::fs::create_dir_all(&again).unwrap();
    export(&db, &again, year, la)
}

#[test]
fn the_valid_sample_loads_and_exports_the_same_return() {
    let path = sample("valid");
    if !path.exists() {
        eprintln!("skipped: {} is not here", path.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path(), "sample.db");
    let out = ok(&db, &["import", "cin-census", path.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("imported 15 children; 0 already present; 0 refused")
    );
    let first = export(&db, dir.path(), "2026", "318");
    // Every child, episode, date and code of the sample comes back (the header names the
    // software, and the enquiries' target dates are not kept).
    let original = xml::read(&std::fs::read(&path).unwrap()).unwrap();
    let exported = xml::read(&first).unwrap();
    assert!(exported.refused.is_empty());
    assert_eq!(exported.census, original.census);
    // And the export survives an import into an empty store byte for byte.
    let second = through_an_empty_store(&first, dir.path(), "again", "2026", "318");
    assert_eq!(first, second);
}

#[test]
fn the_broken_sample_is_refused_child_by_child_with_the_place_and_reason() {
    let path = sample("invalid");
    if !path.exists() {
        eprintln!("skipped: {} is not here", path.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path(), "broken.db");
    let out = hearth(&db, &["import", "cin-census", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "line 27, Child[1]/ChildCharacteristics/Ethnicity: child C0000006 refused: 'WXYZ' is not a valid ethnicity code",
        "Child[1]/CINdetails[1]/ChildProtectionPlans[1]/CPPendDate: child C0000006 refused: ended on 2025-06-05, before it started on 2025-11-20",
        "line 82, Child[2]/CINdetails[1]/ReferralSource: child C0000007 refused: '11' is not a valid referral source code",
        "line 91, Child[3]/ChildIdentifiers/UPN: child C0000008 refused: 'A318000000008' is not a valid UPN: the check letter is wrong",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("imported 12 children; 0 already present; 3 refused")
    );
    // Nothing of the refused children was written; the others are whole.
    for refused in ["C0000006", "C0000007", "C0000008"] {
        let o = hearth(&db, &["events", refused]);
        assert!(!o.status.success(), "{refused} has a record");
    }
    ok(&db, &["events", "C0000009"]);
}

#[test]
fn a_file_that_is_not_a_census_is_refused_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path(), "bad.db");
    let cases = [
        ("<Message><Header>", "not well-formed XML"),
        ("<Return/>", "the root element must be <Message>"),
        (
            "<Message>\n<Header><CollectionDetails><Collection>CIN</Collection><Year>2026</Year><ReferenceDate>2026-03-30</ReferenceDate></CollectionDetails><Source><LEA>318</LEA></Source></Header><Children/></Message>",
            "line 2, Header/CollectionDetails/ReferenceDate: 2026-03-30 is not 31 March",
        ),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("bad{i}.xml"));
        std::fs::write(&file, text).unwrap();
        let out = hearth(&db, &["import", "cin-census", file.to_str().unwrap()]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
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

#[tokio::test]
async fn a_generated_boroughs_census_round_trips_and_reconciles_with_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path(), "borough.db");
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
    let children = every_child(&db).await;
    let calendar = Calendar::england_and_wales();
    for year in ["2026", "2027"] {
        let bytes = export(&db, dir.path(), year, "305");
        let again = through_an_empty_store(&bytes, dir.path(), &format!("re{year}"), year, "305");
        assert!(
            bytes == again,
            "the {year} census changed through an import"
        );

        let census = xml::read(&bytes).unwrap().census;
        assert!(!census.children.is_empty());
        let y = CollectionYear::parse(year).unwrap();
        let as_at = AsAt::end_of(y.end().min("2026-11-20".parse().unwrap()));
        // The record as it stood at the census date: only what had happened by then.
        let mut open_cp = 0;
        let mut open_cin_plans = 0;
        let mut in_need = Vec::new();
        let mut referrals = 0;
        let mut open_cases = Vec::new();
        for (id, events) in &children {
            let upto: Vec<_> = events
                .iter()
                .filter(|e| e.occurred_at <= as_at.instant)
                .cloned()
                .collect();
            let record = fold(id, &upto);
            open_cp += usize::from(record.open_cp_plan().is_some());
            open_cin_plans += usize::from(record.open_cin_plan().is_some());
            if record.open_episode().is_some() {
                in_need.push(id.clone());
            }
            referrals += record
                .episodes_of_need
                .iter()
                .filter(|e| y.contains(e.referral.date()))
                .count();
            if is_open(&fold(id, events), &calendar, as_at) {
                open_cases.push((id.clone(), record.open_episode().is_some()));
            }
        }
        let episodes = || census.children.iter().flat_map(|c| &c.episodes);
        let census_cp = episodes()
            .flat_map(|e| &e.cp_plans)
            .filter(|p| p.end.is_none())
            .count();
        let census_cin = episodes()
            .flat_map(|e| &e.cin_plans)
            .filter(|p| p.1.is_none())
            .count();
        let census_referrals = episodes().filter(|e| y.contains(e.referral_date)).count();
        let census_in_need: Vec<ChildId> = census
            .children
            .iter()
            .filter(|c| c.episodes.iter().any(|e| e.closure.is_none()))
            .map(|c| c.id.clone())
            .collect();
        assert_eq!(census_cp, open_cp, "{year}: child protection plans open");
        assert_eq!(
            census_cin, open_cin_plans,
            "{year}: child in need plans open"
        );
        assert_eq!(census_referrals, referrals, "{year}: referrals in the year");
        assert_eq!(census_in_need, in_need, "{year}: children in need");
        // Every child in need is an open case for the standards; the standards' other open
        // cases are looked after or care leavers without an open episode of need.
        for id in &census_in_need {
            assert!(
                open_cases.iter().any(|(o, _)| o == id),
                "{year}: {id} is in need but not an open case"
            );
        }
        assert_eq!(
            open_cases.iter().filter(|(_, need)| *need).count(),
            census_in_need.len(),
            "{year}: open cases with an episode of need"
        );
        assert!(open_cp > 0 && open_cin_plans > 0 && referrals > 0);

        // The performance digest counts the same things the same way: children on a plan at
        // the census date, and referrals in the collection year (the re-referral rate's
        // denominator over the 12 months to March).
        if y.end() <= "2026-11-20".parse().unwrap() {
            let digest = digest_as_at(&db, &children, y.end()).await;
            let march = |id: &str| {
                let s = digest.series(id).unwrap();
                let f = s.figures.last().unwrap();
                assert_eq!(f.month.last, y.end());
                (f.numerator, f.denominator)
            };
            assert_eq!(
                march("children-on-cp-plans").0,
                census_cp as u64,
                "{year}: the digest's children on plans"
            );
            assert_eq!(
                march("re-referrals").1,
                census_referrals as u64,
                "{year}: the digest's referrals in the year"
            );
        }
    }
}

/// The shipped scorecard as at a date, over every child.
async fn digest_as_at(
    db: &str,
    children: &[(ChildId, Vec<Recorded<ChildEvent>>)],
    as_at: chrono::NaiveDate,
) -> hearth_performance::Digest {
    let store = Store::open(db, "default").await.unwrap();
    let staff = hearth_store::reading::workforce(&store).await.unwrap();
    store.close().await;
    let text = hearth_performance::Scorecard::builtin_text("standard").unwrap();
    let rulesets: Vec<hearth_standards::Ruleset> =
        hearth_performance::Scorecard::rulesets_named(text)
            .iter()
            .map(|n| hearth_standards::Ruleset::builtin(n).unwrap().unwrap())
            .collect();
    let refs: Vec<&hearth_standards::Ruleset> = rulesets.iter().collect();
    let card = hearth_performance::Scorecard::parse(text, "standard.toml", &refs).unwrap();
    let calendar = Calendar::england_and_wales();
    let mut b = hearth_performance::DigestBuilder::new(&card, &refs, &calendar, as_at, 12).unwrap();
    for (id, events) in children {
        b.add(&fold(id, events), &staff).unwrap();
    }
    b.finish()
}
