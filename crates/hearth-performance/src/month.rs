//! Calendar months, the scorecard's unit of time.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

/// A calendar month, cut short at the as-at date when it is the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Month {
    /// Its first day.
    pub first: NaiveDate,
    /// Its last day counted: the month's last day, or the as-at date in the current month.
    pub last: NaiveDate,
}

impl Month {
    /// The month's name, as people write it ("November 2026").
    pub fn label(&self) -> String {
        self.first.format("%B %Y").to_string()
    }

    /// The short form for tables and chart axes ("Nov 2026").
    pub fn short(&self) -> String {
        self.first.format("%b %Y").to_string()
    }

    /// Whether the month was cut short at the as-at date.
    pub fn partial(&self) -> bool {
        self.first
            .checked_add_months(Months::new(1))
            .and_then(|next| next.pred_opt())
            .is_some_and(|end| end != self.last)
    }

    /// The first day of the twelve months that end with this month's last counted day.
    pub fn rolling_year_start(&self) -> NaiveDate {
        self.last
            .checked_sub_months(Months::new(12))
            .and_then(|d| d.succ_opt())
            .unwrap_or(NaiveDate::MIN)
    }
}

/// The `n` months that end with the month holding `as_at`, oldest first; the last is cut
/// short at `as_at`.
pub fn months_ending(as_at: NaiveDate, n: usize) -> Vec<Month> {
    let first_of_current = as_at.with_day(1).unwrap_or(as_at);
    let mut months = Vec::with_capacity(n);
    for back in (0..n).rev() {
        // `back` is below the number of months asked for, which callers keep small.
        let Some(first) = first_of_current.checked_sub_months(Months::new(back as u32)) else {
            continue;
        };
        let last = first
            .checked_add_months(Months::new(1))
            .and_then(|next| next.pred_opt())
            .map_or(as_at, |end| end.min(as_at));
        months.push(Month { first, last });
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_current_month_is_cut_at_the_as_at_date() {
        let months = months_ending(d(2026, 11, 20), 3);
        assert_eq!(
            months,
            vec![
                Month {
                    first: d(2026, 9, 1),
                    last: d(2026, 9, 30)
                },
                Month {
                    first: d(2026, 10, 1),
                    last: d(2026, 10, 31)
                },
                Month {
                    first: d(2026, 11, 1),
                    last: d(2026, 11, 20)
                },
            ]
        );
        assert!(months[2].partial());
        assert!(!months[1].partial());
        assert_eq!(months[1].label(), "October 2026");
    }

    #[test]
    fn a_rolling_year_ends_with_the_month() {
        let m = Month {
            first: d(2026, 3, 1),
            last: d(2026, 3, 31),
        };
        assert_eq!(m.rolling_year_start(), d(2025, 4, 1));
        let leap = Month {
            first: d(2024, 2, 1),
            last: d(2024, 2, 29),
        };
        assert_eq!(leap.rolling_year_start(), d(2023, 3, 1));
    }

    proptest! {
        #[test]
        fn months_are_consecutive_and_cover_every_day(
            days in 0i64..20_000, n in 1usize..40
        ) {
            let as_at = d(1990, 1, 1) + chrono::Duration::days(days);
            let months = months_ending(as_at, n);
            prop_assert_eq!(months.len(), n);
            prop_assert_eq!(months[n - 1].last, as_at);
            for pair in months.windows(2) {
                prop_assert_eq!(pair[0].last.succ_opt(), Some(pair[1].first));
            }
            for m in &months {
                prop_assert_eq!(m.first.day(), 1);
                prop_assert!(m.first <= m.last);
            }
        }
    }
}
