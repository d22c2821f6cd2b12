//! Properties of the calendar and of evaluation, over generated dates and journeys.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use common::*;
use hearth_standards::calendar::bank_holidays;
use hearth_standards::obligation::ClockStart;
use hearth_standards::period::{self, CalendarStep};
use hearth_standards::{Calendar, Obligation, Period, StatusKind};
use proptest::prelude::*;

/// Built once: it tabulates two centuries.
static CALENDAR: std::sync::LazyLock<Calendar> =
    std::sync::LazyLock::new(Calendar::england_and_wales);

/// Dates from 1950 to 2250: inside and outside the calendar's table.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    (0u64..110_000).prop_map(|n| d(1950, 1, 1).checked_add_days(Days::new(n)).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn adding_working_days_then_counting_back_gives_the_same_number(
        date in any_date(),
        n in -400i32..=400,
    ) {
        let cal = &*CALENDAR;
        let later = cal.add_working_days(date, n).unwrap();
        prop_assert_eq!(cal.working_days_between(date, later), i64::from(n));
    }

    #[test]
    fn a_working_day_due_date_is_never_a_day_off(date in any_date(), n in 1i32..=400) {
        let cal = &*CALENDAR;
        prop_assert!(cal.is_working_day(cal.add_working_days(date, n).unwrap()));
        prop_assert!(cal.is_working_day(cal.add_working_days(date, -n).unwrap()));
        // And through the period arithmetic the rules use, forwards and back.
        let mut steps = Vec::new();
        let start = hearth_domain::Timestamp::start_of_london_day(date);
        let due = period::after(Period::WorkingDays(n.unsigned_abs()), cal, start, None, &mut steps)
            .unwrap();
        prop_assert!(cal.is_working_day(due.date));
        for step in &steps {
            if let CalendarStep::Skipped(day) = step {
                prop_assert!(!cal.is_working_day(day.date));
            }
        }
        let before = period::before(Period::WorkingDays(n.unsigned_abs()), cal, date, &mut Vec::new())
            .unwrap();
        prop_assert!(cal.is_working_day(before));
    }

    #[test]
    fn ages_and_months_count_to_the_last_day_of_a_shorter_month(
        born in any_date(),
        years in 0u8..=25,
        months in 0u8..=11,
    ) {
        let cal = &*CALENDAR;
        let age = hearth_standards::Age { years, months };
        let reached = age.reached_on(born).unwrap();
        // The same day of the month, or the last day of a shorter month: never spilling into
        // the month after.
        let total = u32::from(years) * 12 + u32::from(months);
        let month0 = born.month0() + total % 12;
        let year = born.year() + i32::try_from(total / 12).unwrap() + i32::try_from(month0 / 12).unwrap();
        let month = month0 % 12 + 1;
        let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(year + i32::from(month == 12), month % 12 + 1, 1)
            .unwrap()
            .pred_opt()
            .unwrap();
        prop_assert_eq!((reached.year(), reached.month()), (first.year(), first.month()));
        prop_assert_eq!(reached.day(), born.day().min(last.day()));
        // An age and a period in months from the birth are the same day.
        let start = hearth_domain::Timestamp::start_of_london_day(born);
        let by_months = period::after(Period::Months(total), cal, start, None, &mut Vec::new())
            .unwrap();
        prop_assert_eq!(by_months.date, reached);
        let by_age = period::after(Period::Age(age), cal, start, Some(born), &mut Vec::new())
            .unwrap();
        prop_assert_eq!(by_age.date, reached);
        // The record's birthdays and ages agree.
        if months == 0 {
            let y = i32::from(years);
            prop_assert_eq!(hearth_domain::time::birthday(born, y), Some(reached));
            prop_assert_eq!(hearth_domain::time::age_on(born, reached), y);
            if years > 0 {
                prop_assert_eq!(
                    hearth_domain::time::age_on(born, reached.pred_opt().unwrap()),
                    y - 1
                );
            }
        }
    }

    #[test]
    fn the_calendar_tells_the_time_in_england_as_the_time_zone_database_does(
        micros in -631_152_000_000_000i64..8_836_000_000_000_000,
        date in any_date(),
    ) {
        // Instants from 1950 to 2250, and midnight on any date.
        let cal = &*CALENDAR;
        let t = hearth_domain::Timestamp::from_micros(micros).unwrap();
        prop_assert_eq!(cal.london_date(t), t.london_date());
        let local = t.utc().with_timezone(&chrono_tz::Europe::London).naive_local();
        prop_assert_eq!(cal.london_offset_hours(t), (local - t.utc().naive_utc()).num_hours());
        prop_assert_eq!(cal.start_of_day(date), hearth_domain::Timestamp::start_of_london_day(date));
        // Around the changes themselves.
        for hour in [-1i64, 0, 1] {
            for change in [cal.start_of_day(date), t] {
                let near = change.plus_micros(hour * 3_600_000_000).unwrap();
                prop_assert_eq!(cal.london_date(near), near.london_date());
            }
        }
    }

    #[test]
    fn the_table_agrees_with_the_rules(date in any_date()) {
        let cal = &*CALENDAR;
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        let holiday = bank_holidays(date.year()).iter().any(|h| h.date == date);
        prop_assert_eq!(cal.is_working_day(date), !weekend && !holiday);
    }
}

/// Events that meet one standard or another.
const SATISFYING: &[&str] = &[
    VISIT,
    CORE_GROUP,
    OVERSIGHT,
    SUPERVISION,
    CHRONOLOGY,
    CASE_SUMMARY,
    CIN_REVIEW,
];

/// A journey: a case opened on a day in 2021 to 2023, a child protection plan some days
/// later that may end and give way to a child in need plan, and events at day offsets.
#[derive(Debug, Clone)]
struct Journey {
    opened: NaiveDate,
    plan_after: u64,
    plan_ends_after: Option<u64>,
    events: Vec<(u64, usize)>,
}

fn journeys() -> impl Strategy<Value = Journey> {
    (
        0u64..1000,
        1u64..20,
        prop::option::of(30u64..250),
        prop::collection::vec((0u64..300, 0usize..SATISFYING.len()), 0..25),
    )
        .prop_map(|(start, plan_after, ends, events)| Journey {
            opened: d(2021, 1, 1).checked_add_days(Days::new(start)).unwrap(),
            plan_after,
            plan_ends_after: ends,
            events,
        })
}

fn day(base: NaiveDate, offset: u64) -> String {
    base.checked_add_days(Days::new(offset))
        .unwrap()
        .to_string()
}

impl Journey {
    fn child(&self, extra: Option<(u64, usize)>) -> Child {
        let o = self.opened;
        let mut c = child("2012-06-01")
            .open_case(&o.to_string())
            .cp_plan(&day(o, self.plan_after));
        if let Some(end) = self.plan_ends_after {
            let end_day = day(o, self.plan_after + end);
            c = c
                .at(&format!("{end_day}T09:00"), RCPC)
                .at(&format!("{end_day}T09:30"), CP_PLAN_ENDED)
                .at(&format!("{end_day}T09:31"), CIN_PLAN_STARTED);
        }
        // Events happen mid-afternoon, the extra one in the evening, so no two coincide.
        for (offset, kind) in &self.events {
            c = c.at(&format!("{}T15:00", day(o, *offset)), SATISFYING[*kind]);
        }
        if let Some((offset, kind)) = extra {
            c = c.at(&format!("{}T19:00", day(o, offset)), SATISFYING[kind]);
        }
        c
    }
}

fn key(o: &Obligation) -> String {
    format!("{} {:?}", o.rule.id, o.explanation.clock)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Recording one more event that meets a standard never turns a met obligation into an
    /// overdue one, and never adds to the overdue figures.
    #[test]
    fn recording_a_satisfying_event_never_makes_a_met_obligation_overdue(
        journey in journeys(),
        extra in (0u64..300, 0usize..SATISFYING.len()),
    ) {
        let as_at = day(journey.opened, 320);
        for name in ["bromley", "england-statutory", "southwark-qa"] {
            let rules = ruleset(name);
            let before = eval(&journey.child(None).record(), &rules, &as_at);
            let after = eval(&journey.child(Some(extra)).record(), &rules, &as_at);
            for o in &before.obligations {
                if o.status.kind() != StatusKind::Met {
                    continue;
                }
                for a in after.obligations.iter().filter(|a| key(a) == key(o)) {
                    prop_assert_ne!(
                        a.status.outcome().kind(),
                        StatusKind::Overdue,
                        "{} was met and became overdue: {}",
                        key(o),
                        a.describe()
                    );
                }
            }
            // The extra event is the last recorded. Some events also start a clock of their
            // own (a child in need meeting starts the plan copy's): those obligations are
            // new, not changed, and are left out of the count.
            let extra_version = journey
                .child(Some(extra))
                .record()
                .log
                .iter()
                .map(|e| e.mark.version)
                .max();
            let started_by_extra = |o: &Obligation| {
                matches!(o.explanation.clock, ClockStart::Event { event } if Some(event.version) == extra_version)
            };
            // Meeting one obligation can open the next (the next visit, or the rule it
            // chains to), so the overdue figure can move between rules; in total it never
            // grows.
            let overdue = |e: &hearth_standards::ChildEvaluation| {
                e.obligations
                    .iter()
                    .filter(|o| !started_by_extra(o))
                    .filter(|o| o.status.outcome().kind() == StatusKind::Overdue)
                    .count()
            };
            prop_assert!(
                overdue(&after) <= overdue(&before),
                "{name}: {} overdue before, {} after",
                overdue(&before),
                overdue(&after)
            );
        }
    }
}
