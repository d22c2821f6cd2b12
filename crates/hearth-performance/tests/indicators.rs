//! Each shipped indicator on small journeys, with the figure worked out by hand; the
//! drill-down against the figure; and a target changed in the file changing the RAG.
//!
//! The journeys are built with the standards crate's test builder, shared by path so that
//! both crates' tests describe children the same way.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../hearth-standards/tests/common/mod.rs"]
mod common;

use common::*;
use hearth_performance::{Digest, DigestBuilder, Rag, Scorecard};
use hearth_standards::{Calendar, Ruleset};

const SCORECARD: &str = include_str!("../scorecards/standard.toml");

fn rulesets() -> Vec<Ruleset> {
    vec![ruleset("england-statutory"), ruleset("bromley")]
}

fn digest_with(text: &str, children: &[Child], as_at: &str, months: usize) -> Digest {
    let sets = rulesets();
    let refs: Vec<&Ruleset> = sets.iter().collect();
    let card = Scorecard::parse(text, "standard.toml", &refs).unwrap();
    let calendar = Calendar::england_and_wales();
    let staff = staff();
    let mut b = DigestBuilder::new(&card, &refs, &calendar, date(as_at), months).unwrap();
    for c in children {
        b.add(&c.record(), &staff).unwrap();
    }
    b.finish()
}

fn digest(children: &[Child], as_at: &str) -> Digest {
    digest_with(SCORECARD, children, as_at, 3)
}

/// The latest month's (numerator, denominator) of an indicator.
fn latest(d: &Digest, id: &str) -> (u64, u64) {
    let f = d.series(id).unwrap().latest().unwrap();
    (f.numerator, f.denominator)
}

fn value(d: &Digest, id: &str) -> Option<f64> {
    d.series(id).unwrap().latest().unwrap().value
}

const CONTACT_REFERRAL: &str = r#"{"type":"contact_recorded","source":"2A","outcome":"REFERRAL","summary":"A call from school."}"#;
const CLOSED: &str = r#"{"type":"case_closed","reason":"RC7"}"#;

#[test]
fn referrals_decided_in_a_working_day() {
    // A contact on Friday 6 June 2025 with the referral on Monday the 9th: one working day.
    let on_time = child("2015-01-01")
        .named("A1")
        .at("2025-06-06T16:00", CONTACT_REFERRAL)
        .at("2025-06-09T09:00", REFERRAL);
    // A contact on Monday 16 June with the referral on Wednesday the 18th: two working days.
    let late = child("2015-01-01")
        .named("A2")
        .at("2025-06-16T10:00", CONTACT_REFERRAL)
        .at("2025-06-18T10:00", REFERRAL);
    let d = digest(&[on_time, late], "2025-06-30");
    assert_eq!(latest(&d, "referrals-decided-in-a-working-day"), (1, 2));
    assert_eq!(value(&d, "referrals-decided-in-a-working-day"), Some(50.0));
}

#[test]
fn re_referrals_within_twelve_months() {
    // A: referred in January 2025, closed, referred again in June: a re-referral. B: a first
    // referral in June. C: referred in March 2024, again in May 2025: over 12 months apart.
    let a = child("2015-01-01")
        .named("A1")
        .at("2025-01-10", REFERRAL)
        .at("2025-02-10", CLOSED)
        .at("2025-06-02", REFERRAL);
    let b = child("2015-01-01").named("B1").at("2025-06-15", REFERRAL);
    let c = child("2015-01-01")
        .named("C1")
        .at("2024-03-01", REFERRAL)
        .at("2024-04-01", CLOSED)
        .at("2025-05-01", REFERRAL);
    let d = digest(&[a, b, c], "2025-06-30");
    // The 12 months to 30 June 2025 hold A's two referrals, B's and C's second: four, of
    // which one (A's second) followed another within 12 months.
    assert_eq!(latest(&d, "re-referrals"), (1, 4));
    assert_eq!(value(&d, "re-referrals"), Some(25.0));
    let fig = d.series("re-referrals").unwrap().latest().unwrap();
    assert_eq!(
        fig.rag,
        Some(Rag::Amber),
        "25 is above green (20), within amber (25)"
    );
}

#[test]
fn repeat_cp_plans_and_children_on_plans() {
    let first = child("2015-01-01")
        .named("A1")
        .open_case("2025-01-06")
        .cp_plan("2025-02-03");
    let second = child("2015-01-01")
        .named("B1")
        .open_case("2024-01-08")
        .cp_plan("2024-02-05")
        .at("2024-08-05", CP_PLAN_ENDED)
        .cp_plan("2025-03-03")
        .at("2025-05-01", CP_PLAN_ENDED);
    let d = digest(&[first, second], "2025-06-30");
    // Plans started in the 12 months to June 2025: A's and B's second; B's is a repeat.
    assert_eq!(latest(&d, "repeat-cp-plans"), (1, 2));
    // On 30 June only A is on a plan (B's ended on 1 May).
    assert_eq!(latest(&d, "children-on-cp-plans"), (1, 0));
    let april = &d.series("children-on-cp-plans").unwrap().figures[0];
    assert_eq!(april.month.first, date("2025-04-01"));
    assert_eq!(april.numerator, 2, "both on a plan on 30 April");
}

#[test]
fn looked_after_placements_and_changes_of_worker() {
    // Three placements in the 12 months to 30 June 2025: the one held on 1 July 2024 and two
    // moves. Three social workers in the same months.
    let moved = child("2012-01-01")
        .named("A1")
        .open_case("2024-01-08")
        .enters_care("2024-02-01", "C2")
        .at("2024-11-04", &episode("P", "C2"))
        .at("2025-03-03", &episode("P", "C2"))
        .at("2024-09-02", &allocated("SW2", "LEFTRL"))
        .at("2025-01-06", &allocated("SW1", "LEFTRL"));
    // One placement, a change of legal status only (not a move), one worker.
    let settled = child("2012-01-01")
        .named("B1")
        .open_case("2024-01-08")
        .enters_care("2024-02-01", "V2")
        .at("2024-10-01", &episode("L", "C2"));
    let d = digest(&[moved, settled], "2025-06-30");
    assert_eq!(latest(&d, "children-looked-after"), (2, 0));
    assert_eq!(latest(&d, "three-or-more-placements"), (1, 2));
    // SW1 until September, SW2, then SW1 again: two different workers, so not counted.
    assert_eq!(latest(&d, "changes-of-social-worker"), (0, 2));
}

#[test]
fn missing_episodes_in_the_month() {
    let c = child("2010-01-01")
        .named("A1")
        .open_case("2025-01-06")
        .at("2025-05-30T22:00", MISSING)
        .at("2025-05-31T10:00", RETURNED)
        .at("2025-06-10T22:00", MISSING)
        .at("2025-06-11T09:00", RETURNED)
        .at("2025-06-20T22:00", MISSING)
        .at("2025-06-21T09:00", RETURNED);
    let d = digest(&[c], "2025-06-30");
    assert_eq!(latest(&d, "missing-episodes"), (2, 0));
    assert_eq!(
        d.series("missing-episodes").unwrap().figures[1].numerator,
        1
    );
}

#[test]
fn care_leavers_in_touch_in_work_and_housed() {
    let leaver = |id: &str, dob: &str| {
        child(dob)
            .named(id)
            .open_case("2020-03-02")
            .enters_care("2020-03-02", "C2")
            .at("2021-06-01", LEAVES_CARE)
            .at(
                "2021-06-01",
                r#"{"type":"care_leaver_status_recorded","category":"FORMER_RELEVANT"}"#,
            )
    };
    let well = leaver("A1", "2005-01-01")
        .at("2025-05-01", IN_TOUCH)
        .at(
            "2025-05-01",
            r#"{"type":"care_leaver_activity_recorded","activity":"F2"}"#,
        )
        .at(
            "2025-05-01",
            r#"{"type":"care_leaver_accommodation_recorded","accommodation":"D1"}"#,
        );
    let struggling = leaver("B1", "2005-06-01")
        .at("2025-05-01", IN_TOUCH)
        .at(
            "2025-05-01",
            r#"{"type":"care_leaver_activity_recorded","activity":"G5"}"#,
        )
        .at(
            "2025-05-01",
            r#"{"type":"care_leaver_accommodation_recorded","accommodation":"S2"}"#,
        );
    // Aged 18 on 30 June 2025: not yet in the 19 to 21 group.
    let younger = leaver("C1", "2006-09-01").at("2025-05-01", IN_TOUCH);
    let d = digest(&[well, struggling, younger], "2025-06-30");
    assert_eq!(latest(&d, "care-leavers-in-touch"), (2, 2));
    assert_eq!(latest(&d, "care-leavers-in-education-or-work"), (1, 2));
    assert_eq!(latest(&d, "care-leavers-suitably-housed"), (1, 2));
}

#[test]
fn children_per_social_worker_and_open_cases() {
    let a = child("2015-01-01").named("A1").open_case("2025-01-06");
    let b = child("2015-01-01").named("B1").open_case("2025-01-06");
    let c = child("2015-01-01")
        .named("C1")
        .at("2025-01-06", REFERRAL)
        .at("2025-01-06", &allocated("SW2", "FCONTA"));
    let d = digest(&[a, b, c], "2025-06-30");
    // Three children, two workers (SW1 holds two).
    assert_eq!(latest(&d, "children-per-social-worker"), (3, 2));
    assert_eq!(value(&d, "children-per-social-worker"), Some(1.5));
    assert_eq!(latest(&d, "open-cases"), (3, 0));
}

#[test]
fn a_standard_counts_what_fell_due_in_the_month() {
    // Looked-after visits (england-statutory `cla-visit`): a child placed on Monday 2 June
    // 2025 is due a visit within a week (by 9 June); visited on the 5th, met. Another placed
    // on Monday 9 June and not visited: overdue since 16 June. A third placed on 30 June is
    // not yet due and is not counted.
    let met = child("2012-01-01")
        .named("A1")
        .open_case("2025-05-01")
        .enters_care("2025-06-02", "C2")
        .at("2025-06-05", VISIT);
    let missed = child("2012-01-01")
        .named("B1")
        .open_case("2025-05-01")
        .enters_care("2025-06-09", "C2");
    let new = child("2012-01-01")
        .named("C1")
        .open_case("2025-05-01")
        .enters_care("2025-06-30", "C2");
    let d = digest(&[met, missed, new], "2025-06-30");
    assert_eq!(latest(&d, "cla-visits-on-time"), (1, 2));
}

#[test]
fn every_figure_drills_down_to_its_children() {
    let a = child("2015-01-01")
        .named("A1")
        .at("2025-01-10", REFERRAL)
        .at("2025-02-10", CLOSED)
        .at("2025-06-02", REFERRAL);
    let b = child("2015-01-01").named("B1").open_case("2025-06-15");
    let d = digest(&[a, b], "2025-06-30");
    for s in &d.series {
        for f in &s.figures {
            let n: u64 = f.contributions.iter().map(|c| u64::from(c.numerator)).sum();
            assert_eq!(n, f.numerator, "{} {}", s.indicator.id, f.month.label());
            for c in &f.contributions {
                assert!(
                    !c.evidence.is_empty(),
                    "{}: a child with no evidence",
                    s.indicator.id
                );
            }
        }
    }
    // A team manager who may see only B sees a partial figure.
    let f = d.series("re-referrals").unwrap().latest().unwrap();
    let seen = f.seen_by(s_shape(&d, "re-referrals"), |c| c.as_str() == "B1");
    assert!(seen.partial);
    assert_eq!((seen.numerator, seen.denominator), (0, 1));
    let all = f.seen_by(s_shape(&d, "re-referrals"), |_| true);
    assert!(!all.partial);
    assert_eq!(
        (all.numerator, all.denominator),
        (f.numerator, f.denominator)
    );
}

fn s_shape(d: &Digest, id: &str) -> hearth_performance::Shape {
    d.series(id).unwrap().indicator.shape()
}

#[test]
fn changing_a_threshold_in_the_file_changes_the_rag() {
    let a = child("2015-01-01")
        .named("A1")
        .at("2025-01-10", REFERRAL)
        .at("2025-02-10", CLOSED)
        .at("2025-06-02", REFERRAL);
    let b = child("2015-01-01").named("B1").at("2025-06-15", REFERRAL);
    // Three referrals in the 12 months; A's second is a re-referral.
    let before = digest(&[a.clone(), b.clone()], "2025-06-30");
    let f = before.series("re-referrals").unwrap().latest().unwrap();
    assert_eq!((f.numerator, f.denominator), (1, 3));
    assert_eq!(f.rag, Some(Rag::Red), "33% is above amber (25)");
    let edited = SCORECARD.replace(
        "measure = \"re_referral_within_12_months\"\nperiod = \"rolling_12_months\"\nbetter = \"lower\"\ntarget = 20\nrag = { green = 20, amber = 25 }",
        "measure = \"re_referral_within_12_months\"\nperiod = \"rolling_12_months\"\nbetter = \"lower\"\ntarget = 35\nrag = { green = 35, amber = 40 }",
    );
    assert_ne!(edited, SCORECARD, "the edit must find the indicator");
    let after = digest_with(&edited, &[a, b], "2025-06-30", 3);
    let f = after.series("re-referrals").unwrap().latest().unwrap();
    assert_eq!(f.rag, Some(Rag::Green));
}

#[test]
fn the_workbook_holds_every_figure_as_the_digest_has_it() {
    use calamine::{Data, Reader, Xlsx};
    let on_time = child("2015-01-01")
        .named("A1")
        .at("2025-06-06T16:00", CONTACT_REFERRAL)
        .at("2025-06-09T09:00", REFERRAL);
    let d = digest(&[on_time], "2025-06-30");
    let comparators = hearth_performance::Comparators::parse(
        hearth_performance::comparators::ENGLAND,
        "england.toml",
        &Scorecard::parse(
            SCORECARD,
            "standard.toml",
            &rulesets().iter().collect::<Vec<_>>(),
        )
        .unwrap(),
    )
    .unwrap();
    let bytes = hearth_performance::workbook::workbook(&d, &comparators).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), hearth_performance::workbook::SHEETS);

    // One row per indicator on the scorecard sheet, the latest month in the last column.
    let card = book.worksheet_range("Scorecard").unwrap();
    assert_eq!(card.height(), d.series.len() + 1);
    let row = card
        .rows()
        .find(|r| r[0] == Data::String("referrals-decided-in-a-working-day".into()))
        .unwrap();
    assert_eq!(row.last(), Some(&Data::Float(100.0)));
    let england = card
        .rows()
        .find(|r| r[0] == Data::String("re-referrals".into()))
        .unwrap();
    assert_eq!(england[7], Data::Float(22.4));

    // One row per indicator and month on the figures sheet, numerators as the digest has them.
    let figures = book.worksheet_range("Figures").unwrap();
    assert_eq!(figures.height(), 1 + d.series.len() * d.months.len());
    let june = figures
        .rows()
        .find(|r| {
            r[0] == Data::String("referrals-decided-in-a-working-day".into())
                && r[1] == Data::String("June 2025".into())
        })
        .unwrap();
    let (numerator, denominator) = latest(&d, "referrals-decided-in-a-working-day");
    assert_eq!(june[4], Data::Float(numerator as f64));
    assert_eq!(june[5], Data::Float(denominator as f64));
    assert_eq!(june[7], Data::String("Green".into()));
}
