//! The collection year. DfE names a year by the calendar year it ends in: collection year
//! 2026 is the year from 1 April 2025 to 31 March 2026 (shown as 2025/26).

use std::fmt;

use chrono::NaiveDate;

/// The earliest and latest years a return can be built for: the record's codes are those
/// of the 2020s specifications.
const EARLIEST: i32 = 2000;
const LATEST: i32 = 2100;

/// A collection year that has been checked to be one a return can be built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CollectionYear(i32);

/// Why a collection year was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YearError {
    /// Not a four-digit year.
    #[error("`{0}` is not a collection year: give the year it ends in, such as 2026 for 2025/26")]
    NotAYear(String),
    /// Outside the years a return can be built for.
    #[error("collection year {0} is outside {EARLIEST}-{LATEST}")]
    OutOfRange(i32),
}

impl CollectionYear {
    /// The year ending on 31 March of `ending`.
    pub fn ending(ending: i32) -> Result<CollectionYear, YearError> {
        if (EARLIEST..=LATEST).contains(&ending) {
            Ok(CollectionYear(ending))
        } else {
            Err(YearError::OutOfRange(ending))
        }
    }

    /// Parses `2026` (or `2025/26`, as the year is often written).
    pub fn parse(text: &str) -> Result<CollectionYear, YearError> {
        let text = text.trim();
        let not = || YearError::NotAYear(text.to_string());
        let ending = match text.split_once('/') {
            None => text.parse::<i32>().map_err(|_| not())?,
            Some((start, end)) => {
                let start: i32 = start.parse().map_err(|_| not())?;
                let end: i32 = end.parse().map_err(|_| not())?;
                if end != (start + 1) % 100 {
                    return Err(not());
                }
                start + 1
            }
        };
        if !(1000..=9999).contains(&ending) {
            return Err(not());
        }
        CollectionYear::ending(ending)
    }

    /// The collection year a date falls in.
    pub fn containing(date: NaiveDate) -> Result<CollectionYear, YearError> {
        use chrono::Datelike;
        let after_march = date.month() >= 4;
        CollectionYear::ending(date.year() + i32::from(after_march))
    }

    /// The calendar year the collection year ends in (2026 for 2025/26).
    pub fn ending_year(self) -> i32 {
        self.0
    }

    /// 1 April of the year before.
    pub fn start(self) -> NaiveDate {
        // 1 April exists in every year, and the year is within chrono's range.
        NaiveDate::from_ymd_opt(self.0 - 1, 4, 1).unwrap_or(NaiveDate::MIN)
    }

    /// 31 March: the census date.
    pub fn end(self) -> NaiveDate {
        // 31 March exists in every year, and the year is within chrono's range.
        NaiveDate::from_ymd_opt(self.0, 3, 31).unwrap_or(NaiveDate::MAX)
    }

    /// Whether a date is within the year.
    pub fn contains(self, date: NaiveDate) -> bool {
        self.start() <= date && date <= self.end()
    }

    /// The year before, for the previous-year files.
    pub fn previous(self) -> Option<CollectionYear> {
        CollectionYear::ending(self.0 - 1).ok()
    }
}

impl fmt::Display for CollectionYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.0 - 1, self.0 % 100)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_year_is_named_by_the_year_it_ends_in() {
        let y = CollectionYear::parse("2026").unwrap();
        assert_eq!(y.start(), date("2025-04-01"));
        assert_eq!(y.end(), date("2026-03-31"));
        assert_eq!(y.to_string(), "2025/26");
        assert_eq!(CollectionYear::parse("2025/26").unwrap(), y);
        assert_eq!(
            CollectionYear::parse("1999/00").unwrap().ending_year(),
            2000
        );
        assert_eq!(y.previous().unwrap().ending_year(), 2025);
    }

    #[test]
    fn nonsense_is_refused_with_the_reason() {
        for bad in ["", "26", "twenty", "2025/27", "2025-26"] {
            assert!(
                matches!(CollectionYear::parse(bad), Err(YearError::NotAYear(_))),
                "{bad}"
            );
        }
        assert_eq!(
            CollectionYear::parse("1850"),
            Err(YearError::OutOfRange(1850))
        );
    }

    proptest! {
        #[test]
        fn every_date_falls_in_exactly_the_year_that_contains_it(days in 0i64..36_000) {
            let d = date("2000-04-01") + chrono::Days::new(days as u64);
            let y = CollectionYear::containing(d).unwrap();
            prop_assert!(y.contains(d));
            prop_assert!(!y.previous().unwrap().contains(d));
            prop_assert_eq!(CollectionYear::parse(&y.ending_year().to_string()).unwrap(), y);
        }
    }
}
