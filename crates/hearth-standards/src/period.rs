//! How long a timescale runs, and the arithmetic that turns a start into a due date.
//!
//! Hours run on instants and count elapsed time, so a clock change makes the wall-clock due
//! time move by an hour. Every other unit runs on dates in England and never sees a clock
//! change.

use std::fmt;

use chrono::{Datelike, Days, Months, NaiveDate};
use hearth_domain::Timestamp;
use hearth_domain::codes::PeriodUnit;
use serde::Serialize;

use crate::calendar::{Calendar, SkippedDay};

/// An age in years and months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Age {
    /// Whole years.
    pub years: u8,
    /// And months (0 to 11).
    pub months: u8,
}

impl Age {
    /// The date a child born on `date_of_birth` reaches this age: as many months after the
    /// birth as the age holds, counted as a period in months is, so on the last day of a
    /// shorter month (fifteen and a half for a child born on 31 March is 30 September; a
    /// birthday on 29 February is on 28 February in other years, as in the record).
    pub fn reached_on(self, date_of_birth: NaiveDate) -> Option<NaiveDate> {
        let months = u32::from(self.years) * 12 + u32::from(self.months);
        hearth_domain::time::months_after(date_of_birth, months)
    }
}

impl fmt::Display for Age {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.years, self.months) {
            (y, 0) => write!(f, "{y} years"),
            (y, m) => write!(f, "{y} years {m} months"),
        }
    }
}

/// How long a timescale runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Elapsed hours, on instants.
    Hours(u32),
    /// Working days in England and Wales.
    WorkingDays(u32),
    /// Calendar days.
    Days(u32),
    /// Weeks of seven days.
    Weeks(u32),
    /// Calendar months (the same day of the month, or the month's last day).
    Months(u32),
    /// Until the child reaches an age.
    Age(Age),
}

impl Period {
    /// The period a variation names.
    pub fn from_variation(amount: u16, unit: PeriodUnit) -> Period {
        let n = u32::from(amount);
        match unit {
            PeriodUnit::WorkingDays => Period::WorkingDays(n),
            PeriodUnit::Days => Period::Days(n),
            PeriodUnit::Weeks => Period::Weeks(n),
            PeriodUnit::Months => Period::Months(n),
        }
    }

    /// Whether the period runs on instants rather than dates.
    pub fn is_hours(self) -> bool {
        matches!(self, Period::Hours(_))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: u32, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        match *self {
            Period::Hours(n) => f.write_str(&plural(n, "hour", "hours")),
            Period::WorkingDays(n) => f.write_str(&plural(n, "working day", "working days")),
            Period::Days(n) => f.write_str(&plural(n, "day", "days")),
            Period::Weeks(n) => f.write_str(&plural(n, "week", "weeks")),
            Period::Months(n) => f.write_str(&plural(n, "month", "months")),
            Period::Age(a) => write!(f, "until the child is {a} old"),
        }
    }
}

/// When an obligation falls due: by the end of a day in England, or, for timescales in
/// hours, by an instant (on that day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Due {
    /// The day, in England.
    pub date: NaiveDate,
    /// The instant, for timescales in hours.
    pub at: Option<Timestamp>,
}

impl Due {
    /// Due by the end of a day.
    pub fn on(date: NaiveDate) -> Due {
        Due { date, at: None }
    }

    /// Whether something done at `t`, on `date` in England, is in time.
    pub fn met_by(self, t: Timestamp, date: NaiveDate) -> bool {
        match self.at {
            Some(due) => t <= due,
            None => date <= self.date,
        }
    }

    /// Whether the due time has passed at `t`, on `date` in England.
    pub fn passed_by(self, t: Timestamp, date: NaiveDate) -> bool {
        !self.met_by(t, date)
    }
}

/// One step of the arithmetic, for the explanation of a due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum CalendarStep {
    /// A day passed over while counting working days.
    Skipped(SkippedDay),
    /// The same day of the month does not exist; the month's last day is used.
    MonthEnd {
        /// The day of the month that was wanted.
        wanted_day: u32,
        /// The date used.
        used: NaiveDate,
    },
    /// The clocks changed while counting hours, so the due time on the wall clock moves.
    ClockChange {
        /// UTC offset at the start, in hours.
        from_offset_hours: i64,
        /// UTC offset at the due time, in hours.
        to_offset_hours: i64,
    },
    /// An age-based due date: when the child reaches the age.
    AgeReached {
        /// The child's date of birth.
        date_of_birth: NaiveDate,
        /// The date the age is reached.
        on: NaiveDate,
    },
    /// The due date had already passed when the clock started, so it is due at once.
    AlreadyPassed {
        /// The due date by the period alone.
        would_have_been: NaiveDate,
    },
}

/// Counts a period forward from a start. `date_of_birth` is needed for ages only.
pub fn after(
    period: Period,
    calendar: &Calendar,
    start: Timestamp,
    date_of_birth: Option<NaiveDate>,
    steps: &mut Vec<CalendarStep>,
) -> Option<Due> {
    let from = || calendar.london_date(start);
    match period {
        Period::Hours(h) => {
            let due = start.plus_micros(i64::from(h) * 3_600_000_000)?;
            let (a, b) = (
                calendar.london_offset_hours(start),
                calendar.london_offset_hours(due),
            );
            if a != b {
                steps.push(CalendarStep::ClockChange {
                    from_offset_hours: a,
                    to_offset_hours: b,
                });
            }
            Some(Due {
                date: calendar.london_date(due),
                at: Some(due),
            })
        }
        Period::WorkingDays(n) => {
            // A weekend in every five working days, and a few holidays.
            steps.reserve(usize::try_from(n / 5 * 2 + 2).unwrap_or(0));
            calendar
                .add_working_days_with(from(), i32::try_from(n).ok()?, |d| {
                    steps.push(CalendarStep::Skipped(d))
                })
                .map(Due::on)
        }
        Period::Days(n) => from()
            .checked_add_days(Days::new(u64::from(n)))
            .map(Due::on),
        Period::Weeks(n) => from()
            .checked_add_days(Days::new(u64::from(n) * 7))
            .map(Due::on),
        Period::Months(n) => {
            let from = from();
            let due = hearth_domain::time::months_after(from, n)?;
            if due.day() != from.day() {
                steps.push(CalendarStep::MonthEnd {
                    wanted_day: from.day(),
                    used: due,
                });
            }
            Some(Due::on(due))
        }
        Period::Age(age) => {
            let dob = date_of_birth?;
            let on = age.reached_on(dob)?;
            steps.push(CalendarStep::AgeReached {
                date_of_birth: dob,
                on,
            });
            let from = from();
            if on < from {
                steps.push(CalendarStep::AlreadyPassed {
                    would_have_been: on,
                });
                return Some(Due::on(from));
            }
            Some(Due::on(on))
        }
    }
}

/// The date a period counts back to from a date, without noting the steps. Hours and ages
/// do not count back.
pub fn back(period: Period, calendar: &Calendar, date: NaiveDate) -> Option<NaiveDate> {
    match period {
        Period::WorkingDays(n) => calendar.add_working_days(date, -i32::try_from(n).ok()?),
        _ => before(period, calendar, date, &mut Vec::new()),
    }
}

/// Counts a period back from a date (for deadlines before a meeting). Hours and ages do not
/// count back; the ruleset loader refuses them.
pub fn before(
    period: Period,
    calendar: &Calendar,
    date: NaiveDate,
    steps: &mut Vec<CalendarStep>,
) -> Option<NaiveDate> {
    match period {
        Period::WorkingDays(n) => {
            let first = steps.len();
            let due = calendar.add_working_days_with(date, -i32::try_from(n).ok()?, |d| {
                steps.push(CalendarStep::Skipped(d))
            });
            // Counted backwards; listed in date order.
            steps[first..].reverse();
            due
        }
        Period::Days(n) => date.checked_sub_days(Days::new(u64::from(n))),
        Period::Weeks(n) => date.checked_sub_days(Days::new(u64::from(n) * 7)),
        Period::Months(n) => date.checked_sub_months(Months::new(n)),
        Period::Hours(_) | Period::Age(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn hours_count_elapsed_time_across_the_clock_change() {
        let cal = Calendar::england_and_wales();
        // 10:00 BST on Saturday 25 October 2025; the clocks go back overnight.
        let start = Timestamp::parse("2025-10-25T09:00:00Z").unwrap();
        let mut steps = Vec::new();
        let due = after(Period::Hours(24), &cal, start, None, &mut steps).unwrap();
        // 24 elapsed hours later is 09:00 GMT on the Sunday, not 10:00.
        assert_eq!(
            due.at,
            Some(Timestamp::parse("2025-10-26T09:00:00Z").unwrap())
        );
        assert_eq!(due.date, d(2025, 10, 26));
        assert_eq!(
            steps,
            vec![CalendarStep::ClockChange {
                from_offset_hours: 1,
                to_offset_hours: 0
            }]
        );
    }

    #[test]
    fn dates_ignore_the_clock_change() {
        let cal = Calendar::england_and_wales();
        // 00:30 BST on Monday 31 March 2025 is 23:30 UTC the day before: a day later is
        // 1 April, counted on the date in England.
        let start = Timestamp::parse("2025-03-30T23:30:00Z").unwrap();
        let mut steps = Vec::new();
        let due = after(Period::Days(1), &cal, start, None, &mut steps).unwrap();
        assert_eq!(due, Due::on(d(2025, 4, 1)));
        assert!(steps.is_empty());
    }

    #[test]
    fn months_clamp_to_the_end_of_the_month() {
        let cal = Calendar::england_and_wales();
        let start = Timestamp::start_of_london_day(d(2024, 1, 31));
        let mut steps = Vec::new();
        let due = after(Period::Months(1), &cal, start, None, &mut steps).unwrap();
        assert_eq!(due, Due::on(d(2024, 2, 29)));
        assert_eq!(
            steps,
            vec![CalendarStep::MonthEnd {
                wanted_day: 31,
                used: d(2024, 2, 29)
            }]
        );
    }

    #[test]
    fn ages_fall_on_the_anniversary() {
        let age = Age {
            years: 15,
            months: 6,
        };
        assert_eq!(age.reached_on(d(2008, 3, 14)), Some(d(2023, 9, 14)));
        // Born 31 August: six months on is the last day of February.
        assert_eq!(age.reached_on(d(2009, 8, 31)), Some(d(2025, 2, 28)));
        let eighteen = Age {
            years: 18,
            months: 0,
        };
        assert_eq!(eighteen.reached_on(d(2008, 2, 29)), Some(d(2026, 2, 28)));
    }

    #[test]
    fn a_pathway_plan_at_fifteen_and_a_half_for_a_child_born_on_31_march_is_due_30_september() {
        let cal = Calendar::england_and_wales();
        let born = d(2010, 3, 31);
        let fifteen_and_a_half = Age {
            years: 15,
            months: 6,
        };
        let mut steps = Vec::new();
        let fifteen = Timestamp::start_of_london_day(d(2025, 3, 31));
        let due = after(
            Period::Age(fifteen_and_a_half),
            &cal,
            fifteen,
            Some(born),
            &mut steps,
        )
        .unwrap();
        assert_eq!(due, Due::on(d(2025, 9, 30)));
        // The same as six months from the 15th birthday, the 31st.
        let six_months = after(Period::Months(6), &cal, fifteen, None, &mut Vec::new()).unwrap();
        assert_eq!(due, six_months);
    }

    #[test]
    fn counting_back_from_a_meeting() {
        let cal = Calendar::england_and_wales();
        let mut steps = Vec::new();
        // Five working days before Tuesday 3 January 2023 is Thursday 22 December 2022.
        let due = before(Period::WorkingDays(5), &cal, d(2023, 1, 3), &mut steps).unwrap();
        assert_eq!(due, d(2022, 12, 22));
        // Passed over: 2 and 1 January, 31 December, then 27 to 24 December.
        assert_eq!(steps.len(), 7, "{steps:?}");
    }
}
