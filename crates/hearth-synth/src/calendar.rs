//! Dates and times for the generator: London wall-clock times, and weekdays. The generator
//! only needs to know that meetings are not held at weekends and roughly how many working
//! days pass; bank holidays belong to the standards calendar, which measures the results.

use chrono::{Datelike, Days, NaiveDate, NaiveTime, Weekday};
use hearth_domain::Timestamp;

/// An instant at a London wall-clock time on a date.
pub fn at_time(date: NaiveDate, hour: u32, minute: u32) -> Timestamp {
    let time = NaiveTime::from_hms_opt(hour.min(23), minute.min(59), 0).unwrap_or(NaiveTime::MIN);
    Timestamp::at_london_time(date, time)
}

/// Midnight at the start of a date in London.
pub fn start_of_day(date: NaiveDate) -> Timestamp {
    Timestamp::start_of_london_day(date)
}

/// Whether a date is a Saturday or Sunday.
pub fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The date itself if a weekday, otherwise the following Monday.
pub fn next_weekday(date: NaiveDate) -> NaiveDate {
    let mut d = date;
    while is_weekend(d) {
        d = d + Days::new(1);
    }
    d
}

/// A date `n` weekdays after `date` (`n` = 0 gives the next weekday on or after it).
pub fn add_weekdays(date: NaiveDate, n: u32) -> NaiveDate {
    let mut d = next_weekday(date);
    let mut left = n;
    while left > 0 {
        d = d + Days::new(1);
        if !is_weekend(d) {
            left -= 1;
        }
    }
    d
}

/// Weekdays after `a` up to and including `b` (0 when b is not after a).
pub fn weekdays_between(a: NaiveDate, b: NaiveDate) -> u32 {
    if b <= a {
        return 0;
    }
    let days = (b - a).num_days();
    let weeks = (days / 7) as u32;
    let mut n = weeks * 5;
    let mut d = a + Days::new((weeks * 7) as u64);
    while d < b {
        d = d + Days::new(1);
        if !is_weekend(d) {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekdays() {
        // Friday 7 November 2025 plus one weekday is Monday 10 November.
        assert_eq!(add_weekdays(d(2025, 11, 7), 1), d(2025, 11, 10));
        assert_eq!(next_weekday(d(2025, 11, 8)), d(2025, 11, 10));
        assert_eq!(weekdays_between(d(2025, 11, 7), d(2025, 11, 10)), 1);
        assert_eq!(weekdays_between(d(2025, 11, 3), d(2025, 11, 24)), 15);
    }

    proptest! {
        #[test]
        fn counting_back_gives_what_was_added(offset in 0u64..3000, n in 0u32..200) {
            let start = next_weekday(d(2020, 1, 1) + Days::new(offset));
            let end = add_weekdays(start, n);
            prop_assert!(!is_weekend(end));
            prop_assert_eq!(weekdays_between(start, end), n);
        }
    }
}
