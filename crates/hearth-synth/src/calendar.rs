//! Dates and times for the generator: London wall-clock times, and working days from the
//! standards calendar, so that a timescale generated as met is measured as met.

use std::sync::LazyLock;

use chrono::{Days, NaiveDate, NaiveTime};
use hearth_domain::Timestamp;
use hearth_standards::Calendar;

/// An instant at a London wall-clock time on a date.
pub fn at_time(date: NaiveDate, hour: u32, minute: u32) -> Timestamp {
    let time = NaiveTime::from_hms_opt(hour.min(23), minute.min(59), 0).unwrap_or(NaiveTime::MIN);
    Timestamp::at_london_time(date, time)
}

/// Midnight at the start of a date in London.
pub fn start_of_day(date: NaiveDate) -> Timestamp {
    Timestamp::start_of_london_day(date)
}

/// The working-day calendar of England and Wales, built once: the generator books meetings
/// and works to timescales on the same working days that the standards engine measures.
static CALENDAR: LazyLock<Calendar> = LazyLock::new(Calendar::england_and_wales);

/// Whether a date is a working day (not a weekend or bank holiday).
pub fn is_working_day(date: NaiveDate) -> bool {
    CALENDAR.is_working_day(date)
}

/// The date itself if a working day, otherwise the next working day.
pub fn next_working_day(date: NaiveDate) -> NaiveDate {
    let mut d = date;
    while !is_working_day(d) {
        d = d + Days::new(1);
    }
    d
}

/// A date `n` working days after `date` (`n` = 0 gives the next working day on or after it).
pub fn add_working_days(date: NaiveDate, n: u32) -> NaiveDate {
    let from = next_working_day(date);
    i32::try_from(n)
        .ok()
        .and_then(|n| CALENDAR.add_working_days(from, n))
        .unwrap_or(from)
}

/// The date itself if a working day, otherwise the working day before it.
pub fn previous_working_day(date: NaiveDate) -> NaiveDate {
    let mut d = date;
    while !is_working_day(d) {
        d = d - Days::new(1);
    }
    d
}

/// The date `n` working days after `date`, counted as the standards engine counts them:
/// the next working day after `date` is the first, whatever day `date` is.
pub fn working_days_after(date: NaiveDate, n: u32) -> NaiveDate {
    i32::try_from(n)
        .ok()
        .and_then(|n| CALENDAR.add_working_days(date, n))
        .unwrap_or(date)
}

/// The date `n` working days before `date`.
pub fn working_days_before(date: NaiveDate, n: u32) -> NaiveDate {
    i32::try_from(n)
        .ok()
        .and_then(|n| CALENDAR.add_working_days(date, -n))
        .unwrap_or(date)
}

/// Working days after `a` up to and including `b` (0 when b is not after a).
pub fn working_days_between(a: NaiveDate, b: NaiveDate) -> u32 {
    u32::try_from(CALENDAR.working_days_between(a, b)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn working_days() {
        // Friday 7 November 2025 plus one working day is Monday 10 November.
        assert_eq!(add_working_days(d(2025, 11, 7), 1), d(2025, 11, 10));
        assert_eq!(next_working_day(d(2025, 11, 8)), d(2025, 11, 10));
        assert_eq!(working_days_between(d(2025, 11, 7), d(2025, 11, 10)), 1);
        assert_eq!(working_days_between(d(2025, 11, 3), d(2025, 11, 24)), 15);
        // Christmas 2025: Thursday 25th and Friday 26th are bank holidays.
        assert_eq!(add_working_days(d(2025, 12, 24), 1), d(2025, 12, 29));
        assert_eq!(next_working_day(d(2025, 12, 25)), d(2025, 12, 29));
    }

    proptest! {
        #[test]
        fn counting_back_gives_what_was_added(offset in 0u64..3000, n in 0u32..200) {
            let start = next_working_day(d(2020, 1, 1) + Days::new(offset));
            let end = add_working_days(start, n);
            prop_assert!(is_working_day(end));
            prop_assert_eq!(working_days_between(start, end), n);
        }
    }
}
