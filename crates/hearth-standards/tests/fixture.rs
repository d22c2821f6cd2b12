//! The fixture's children evaluated under every shipped ruleset, at several dates: the
//! obligations are sensible, and every rule's figures reconcile.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use hearth_domain::ChildStream;
use hearth_standards::obligation::ClockStart;
use hearth_standards::{
    AsAt, Calendar, Period, Reconciliation, Ruleset, Status, StatusKind, evaluate, is_open,
};

const DATES: &[&str] = &["2022-06-30", "2023-06-30", "2024-03-21", "2026-07-15"];

#[test]
fn every_child_under_every_ruleset_reconciles_and_makes_sense() {
    let (dir, children) = fixture();
    let calendar = Calendar::england_and_wales();
    for name in Ruleset::builtin_names() {
        let rules = ruleset(name);
        for at in DATES {
            let as_at = AsAt::end_of(date(at));
            let mut figures = Reconciliation::new(&rules);
            for (id, events) in &children {
                let stream = ChildStream::from_events(id.clone(), events.clone());
                let e = evaluate(stream.record(), &rules, &calendar, as_at, &dir).unwrap();
                figures.add(&e);
                for o in &e.obligations {
                    let what = format!(
                        "{name} {at} {} {} {}.{}",
                        id, o.rule.id, o.run, o.occurrence
                    );
                    // Nothing starts after the as-at instant, except a meeting booked by then.
                    match &o.explanation.clock {
                        ClockStart::Meeting { booked, held, .. } => {
                            assert!(booked.or(*held).unwrap().at <= as_at.instant, "{what}")
                        }
                        clock => assert!(clock.at() <= as_at.instant, "{what}"),
                    }
                    // Whatever met it had happened (or been recorded) by then.
                    if let Some(s) = o.explanation.satisfied_by {
                        assert!(s.at <= as_at.instant, "{what}");
                    }
                    // Working-day due dates are working days.
                    if matches!(o.explanation.timescale.period, Period::WorkingDays(n) if n > 0) {
                        assert!(
                            calendar.is_working_day(o.due_date),
                            "{what}: {}",
                            o.due_date
                        );
                    }
                    // Met obligations carry what met them; open ones do not.
                    let met = matches!(
                        o.status.outcome().kind(),
                        StatusKind::Met | StatusKind::MetLate
                    );
                    assert_eq!(met, o.explanation.satisfied_by.is_some(), "{what}");
                    assert!(!o.describe().is_empty());
                }
            }
            assert!(
                figures.reconciles(),
                "{name} as at {at}: {:?}",
                figures.rows()
            );
        }
    }
}

#[test]
fn the_child_protection_and_care_journey_reads_as_expected() {
    let c1 = fixture_child("C1");
    let rules = ruleset("bromley");
    let e = eval(&c1, &rules, "2024-03-21");
    let find = |rule: &str| -> Vec<String> {
        brief(
            &e.obligations
                .iter()
                .filter(|o| o.rule.id == rule)
                .cloned()
                .collect::<Vec<_>>(),
        )
    };
    // The enquiry, conference and first core group were on time.
    assert_eq!(find("s47-completion"), ["2023-01-26 met"]);
    assert_eq!(find("icpc"), ["2023-02-02 met"]);
    assert_eq!(find("icpc-report-family"), ["2023-01-31 met"]);
    assert_eq!(find("first-core-group"), ["2023-02-16 met"]);
    // The first visit was met by the corrected visit on 15 February; none followed.
    assert_eq!(find("cp-visit"), ["2023-02-16 met", "2023-03-01 overdue"]);
    // Reviews were on time; the plan ended at the second.
    assert_eq!(
        find("rcpc"),
        [
            "2023-05-02 met",
            "2023-10-27 met",
            "2024-04-12 not_applicable"
        ]
    );
    // In care: the first review, health assessment and PEP were on time.
    assert_eq!(
        find("cla-review"),
        ["2024-03-04 met", "2024-06-01 upcoming"]
    );
    assert_eq!(
        find("health-assessment"),
        ["2024-03-04 met", "2025-02-26 upcoming"]
    );
    // Missing on 20 March: reported, a strategy meeting held, and back the next morning.
    assert_eq!(find("missing-report"), ["2024-03-20 met"]);
    assert_eq!(
        find("missing-strategy"),
        ["2024-03-21 met", "2024-03-28 not_applicable"]
    );
    // The return interview is due within 72 hours of the return: not yet offered.
    assert_eq!(find("return-home-interview"), ["2024-03-24 due_soon"]);
    // Every event so far was recorded within 48 hours.
    assert!(
        e.obligations
            .iter()
            .filter(|o| o.rule.id == "record-contact")
            .all(|o| o.status == Status::Met)
    );
    // The allocated worker at the time owns the social worker's obligations.
    let visit = e
        .obligations
        .iter()
        .find(|o| o.rule.id == "cp-visit")
        .unwrap();
    assert_eq!(
        visit.owner.allocated_worker().map(|s| s.as_str()),
        Some("SW1")
    );
}

#[test]
fn a_closed_case_and_a_death_leave_only_what_had_fallen_due() {
    // C4: a referral closed with no further action, and later a death. Nothing is due
    // while the case is closed, so only recording is measured.
    let c4 = fixture_child("C4");
    let e = eval(&c4, &ruleset("bromley"), "2026-07-15");
    let rules: std::collections::BTreeSet<&str> =
        e.obligations.iter().map(|o| o.rule.id.as_str()).collect();
    assert_eq!(
        rules.into_iter().collect::<Vec<_>>(),
        ["record-contact", "record-significant-event"]
    );
}

#[test]
fn open_cases_are_those_with_work_open() {
    let cal = Calendar::england_and_wales();
    let open = |c: &str, d: &str| is_open(&fixture_child(c), &cal, AsAt::end_of(date(d)));
    assert!(open("C1", "2024-03-21"));
    // A care leaver is still open.
    assert!(open("C1", "2026-07-15"));
    // Adopted and closed in September 2023.
    assert!(open("C2", "2023-01-01"));
    assert!(!open("C2", "2023-10-01"));
    // Before the child was known.
    assert!(!open("C1", "2022-12-31"));
}

#[test]
fn a_period_s_figures_keep_only_what_fell_due_in_it_and_still_reconcile() {
    let (dir, children) = fixture();
    let calendar = Calendar::england_and_wales();
    let rules = ruleset("bromley");
    let as_at = AsAt::end_of(date("2024-03-21"));
    let from = date("2023-04-01");
    let (mut all, mut period) = (0, 0);
    let mut figures = Reconciliation::new(&rules);
    for (id, events) in &children {
        let stream = ChildStream::from_events(id.clone(), events.clone());
        let e = evaluate(stream.record(), &rules, &calendar, as_at, &dir).unwrap();
        let before = e.obligations.iter().filter(|o| o.due_date < from).count();
        all += e.obligations.len();
        let e = e.due_from(&rules, from);
        assert!(e.obligations.iter().all(|o| o.due_date >= from));
        period += e.obligations.len();
        assert_eq!(
            e.evaluated.iter().sum::<u64>() as usize,
            e.obligations.len(),
            "{id}: {before} left out"
        );
        figures.add(&e);
    }
    assert!(period > 0 && period < all, "{period} of {all}");
    assert!(figures.reconciles(), "{:?}", figures.rows());
}
