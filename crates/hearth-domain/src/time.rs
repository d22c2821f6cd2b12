//! Instants and dates. Instants are UTC with microsecond precision (what both stores keep
//! exactly); the date an event happened on is its date in England (Europe/London), so an
//! event at 00:30 BST on 1 April belongs to 1 April, not 31 March.

use std::fmt;

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Europe::London;

/// An instant, in UTC, truncated to whole microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(DateTime<Utc>);

/// A string that is not an RFC 3339 timestamp with an offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a timestamp: use RFC 3339 with an offset, such as 2025-06-05T10:00:00Z")]
pub struct InvalidTimestamp(pub String);

impl Timestamp {
    /// Wraps a UTC instant, dropping anything finer than a microsecond.
    pub fn from_utc(t: DateTime<Utc>) -> Self {
        let micros = t.timestamp_micros();
        // A DateTime's own microsecond count always maps back to a valid DateTime.
        Self(DateTime::from_timestamp_micros(micros).unwrap_or(t))
    }

    /// Microseconds since the Unix epoch.
    pub fn micros(self) -> i64 {
        self.0.timestamp_micros()
    }

    /// Builds an instant from microseconds since the Unix epoch.
    pub fn from_micros(micros: i64) -> Option<Self> {
        DateTime::from_timestamp_micros(micros).map(Self)
    }

    /// Parses RFC 3339 (an offset is required, so the instant is never ambiguous).
    pub fn parse(s: &str) -> Result<Self, InvalidTimestamp> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| Self::from_utc(t.with_timezone(&Utc)))
            .map_err(|_| InvalidTimestamp(s.to_owned()))
    }

    /// The instant as a chrono UTC time.
    pub fn utc(self) -> DateTime<Utc> {
        self.0
    }

    /// The date this instant falls on in England.
    pub fn london_date(self) -> NaiveDate {
        self.0.with_timezone(&London).date_naive()
    }

    /// The wall-clock date and time of this instant in England.
    pub fn london_date_time(self) -> chrono::NaiveDateTime {
        self.0.with_timezone(&London).naive_local()
    }

    /// The instant at which a date starts in England. Midnight always exists in London
    /// (clocks change at 01:00 and 02:00), so this is never ambiguous.
    pub fn start_of_london_day(date: NaiveDate) -> Self {
        Self::at_london_time(date, NaiveTime::MIN)
    }

    /// The instant of a wall-clock time on a date in England. A time skipped by the spring
    /// change moves forward an hour; a repeated autumn time takes the first occurrence.
    pub fn at_london_time(date: NaiveDate, time: NaiveTime) -> Self {
        let local = date.and_time(time);
        let t = match London.from_local_datetime(&local) {
            LocalResult::Single(t) => t,
            LocalResult::Ambiguous(first, _) => first,
            LocalResult::None => {
                let later = local + chrono::Duration::hours(1);
                match London.from_local_datetime(&later) {
                    LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t,
                    // No wall-clock time is skipped twice in a row in Europe/London.
                    LocalResult::None => return Self(local.and_utc()),
                }
            }
        };
        Self::from_utc(t.with_timezone(&Utc))
    }

    /// This instant plus a signed number of microseconds, if representable.
    pub fn plus_micros(self, micros: i64) -> Option<Self> {
        self.micros()
            .checked_add(micros)
            .and_then(Self::from_micros)
    }

    /// Whole hours from `earlier` to `self` (negative when `self` is earlier).
    pub fn hours_since(self, earlier: Timestamp) -> i64 {
        (self.0 - earlier.0).num_hours()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Micros, true))
    }
}

impl std::str::FromStr for Timestamp {
    type Err = InvalidTimestamp;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The same day of the month `months` later, or the last day of that month when it is
/// shorter: one month from 31 January is 28 (or 29) February. Ages and the standards'
/// periods in months both count this way, so that a child's birthday and a timescale from
/// the same day always agree.
pub fn months_after(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.checked_add_months(chrono::Months::new(months))
}

/// Age in whole years on a date. A birthday on 29 February is on 28 February in other years
/// (the last day of the shorter month, as every period in months counts).
pub fn age_on(date_of_birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - date_of_birth.year();
    if birthday(date_of_birth, age).is_some_and(|b| on < b) {
        age -= 1;
    }
    age
}

/// The date a person reaches an age in years: the anniversary of their birth, or the last
/// day of February for a birthday on 29 February in other years.
pub fn birthday(date_of_birth: NaiveDate, years: i32) -> Option<NaiveDate> {
    let year = date_of_birth.year().checked_add(years)?;
    // Only 29 February is missing from some years, and 28 February ends the month then.
    NaiveDate::from_ymd_opt(year, date_of_birth.month(), date_of_birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, date_of_birth.month(), 28))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn london_date_follows_summer_time() {
        // 23:30 UTC on 31 March 2025 is 00:30 BST on 1 April.
        let t = Timestamp::parse("2025-03-31T23:30:00Z").unwrap();
        assert_eq!(t.london_date(), d(2025, 4, 1));
        // In winter London is on UTC.
        let t = Timestamp::parse("2025-01-31T23:30:00Z").unwrap();
        assert_eq!(t.london_date(), d(2025, 1, 31));
    }

    #[test]
    fn start_of_day_round_trips_through_the_date() {
        for date in [
            d(2025, 3, 30),
            d(2025, 10, 26),
            d(2024, 2, 29),
            d(2025, 7, 1),
        ] {
            assert_eq!(Timestamp::start_of_london_day(date).london_date(), date);
        }
        assert_eq!(
            Timestamp::start_of_london_day(d(2025, 7, 1)).to_string(),
            "2025-06-30T23:00:00.000000Z"
        );
    }

    #[test]
    fn skipped_spring_time_moves_forward() {
        // 01:30 on 30 March 2025 does not exist in London; it becomes 02:30 BST = 01:30 UTC.
        let t =
            Timestamp::at_london_time(d(2025, 3, 30), NaiveTime::from_hms_opt(1, 30, 0).unwrap());
        assert_eq!(t.to_string(), "2025-03-30T01:30:00.000000Z");
    }

    #[test]
    fn timestamps_keep_microseconds_only() {
        let t = Timestamp::parse("2025-06-05T10:00:00.123456789+01:00").unwrap();
        assert_eq!(t.to_string(), "2025-06-05T09:00:00.123456Z");
        assert!(Timestamp::parse("2025-06-05T10:00:00").is_err());
    }

    #[test]
    fn ages_and_birthdays() {
        assert_eq!(age_on(d(2010, 6, 15), d(2028, 6, 14)), 17);
        assert_eq!(age_on(d(2010, 6, 15), d(2028, 6, 15)), 18);
    }

    #[test]
    fn a_birthday_on_29_february_falls_on_the_last_day_of_february() {
        assert_eq!(birthday(d(2008, 2, 29), 18), Some(d(2026, 2, 28)));
        assert_eq!(birthday(d(2008, 2, 29), 20), Some(d(2028, 2, 29)));
        assert_eq!(age_on(d(2008, 2, 29), d(2026, 2, 27)), 17);
        assert_eq!(age_on(d(2008, 2, 29), d(2026, 2, 28)), 18);
        assert_eq!(months_after(d(2025, 3, 31), 6), Some(d(2025, 9, 30)));
        // Counting years or months from the birth gives the same day.
        assert_eq!(
            birthday(d(2008, 2, 29), 18),
            months_after(d(2008, 2, 29), 216)
        );
    }
}
