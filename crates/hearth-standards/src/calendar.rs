//! The working-day calendar of England and Wales.
//!
//! Bank holidays are computed by rule for any year (Easter, the fixed and moving days, and
//! substitute days when a holiday falls at a weekend), with the one-off changes made by
//! proclamation. A working day is a weekday that is not a bank holiday. Years from 1970 to
//! 2199 are tabulated when the calendar is built; other years are computed on demand.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, TimeDelta, Weekday};
use hearth_domain::Timestamp;
use serde::Serialize;

/// A bank holiday in England and Wales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct BankHoliday {
    /// The day.
    pub date: NaiveDate,
    /// Its name.
    pub name: &'static str,
}

/// Why a day is not a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "skipped", content = "name", rename_all = "snake_case")]
pub enum DayOff {
    /// Saturday or Sunday.
    Weekend,
    /// A bank holiday, with its name.
    BankHoliday(&'static str),
}

/// A day passed over while counting working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SkippedDay {
    /// The day.
    pub date: NaiveDate,
    /// Why it does not count.
    #[serde(flatten)]
    pub why: DayOff,
}

const FIRST_YEAR: i32 = 1970;
const LAST_YEAR: i32 = 2199;
/// Summer time has started on the last Sunday of March and ended on the last Sunday of
/// October, at 01:00 UTC, since 1996; other years ask the time zone database.
const FIRST_SUMMER_RULE_YEAR: i32 = 1996;

/// One year's British Summer Time: the Sundays it starts and ends, and the instants.
#[derive(Debug, Clone, Copy)]
struct SummerTime {
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    starts: i64,
    ends: i64,
}

/// The calendar: bank holidays, working-day arithmetic, and the date in England of an
/// instant (worked out from a table of clock changes, as evaluation asks it very often).
#[derive(Debug, Clone)]
pub struct Calendar {
    first: NaiveDate,
    /// One entry per day from `first`: whether it is a working day.
    working: Vec<bool>,
    names: BTreeMap<NaiveDate, &'static str>,
    summer: Vec<SummerTime>,
}

impl Default for Calendar {
    fn default() -> Self {
        Self::england_and_wales()
    }
}

/// The bank holidays of one year, by the rules in force and the one-off changes.
///
/// New Year's Day has been a holiday in England and Wales since 1974, and the early May
/// holiday since 1978; earlier years follow today's rules for the other days, which is close
/// to but not exactly their history.
pub fn bank_holidays(year: i32) -> Vec<BankHoliday> {
    let mut days = Vec::new();
    let mut add = |date: Option<NaiveDate>, name: &'static str| {
        if let Some(date) = date {
            days.push(BankHoliday { date, name });
        }
    };

    if year >= 1974 {
        let new_year = NaiveDate::from_ymd_opt(year, 1, 1);
        match new_year.map(|d| d.weekday()) {
            Some(Weekday::Sat) => add(ymd(year, 1, 3), "New Year's Day (substitute day)"),
            Some(Weekday::Sun) => add(ymd(year, 1, 2), "New Year's Day (substitute day)"),
            _ => add(new_year, "New Year's Day"),
        }
    }

    if let Some(easter) = easter_sunday(year) {
        add(easter.checked_sub_days(Days::new(2)), "Good Friday");
        add(easter.checked_add_days(Days::new(1)), "Easter Monday");
    }

    if year >= 1978 {
        match year {
            // Moved to mark the anniversaries of VE Day.
            1995 => add(ymd(1995, 5, 8), "Early May bank holiday (VE Day)"),
            2020 => add(ymd(2020, 5, 8), "Early May bank holiday (VE Day)"),
            _ => add(
                NaiveDate::from_weekday_of_month_opt(year, 5, Weekday::Mon, 1),
                "Early May bank holiday",
            ),
        }
    }

    match year {
        // Moved for the Golden, Diamond and Platinum Jubilees.
        2002 | 2012 => add(ymd(year, 6, 4), "Spring bank holiday"),
        2022 => add(ymd(2022, 6, 2), "Spring bank holiday"),
        _ => add(last_monday(year, 5), "Spring bank holiday"),
    }
    add(last_monday(year, 8), "Summer bank holiday");

    let christmas = ymd(year, 12, 25);
    match christmas.map(|d| d.weekday()) {
        Some(Weekday::Fri) => {
            add(christmas, "Christmas Day");
            add(ymd(year, 12, 28), "Boxing Day (substitute day)");
        }
        Some(Weekday::Sat) => {
            add(ymd(year, 12, 27), "Christmas Day (substitute day)");
            add(ymd(year, 12, 28), "Boxing Day (substitute day)");
        }
        Some(Weekday::Sun) => {
            add(ymd(year, 12, 26), "Boxing Day");
            add(ymd(year, 12, 27), "Christmas Day (substitute day)");
        }
        _ => {
            add(christmas, "Christmas Day");
            add(ymd(year, 12, 26), "Boxing Day");
        }
    }

    for &(date, name) in ONE_OFF {
        if date.0 == year {
            add(ymd(date.0, date.1, date.2), name);
        }
    }
    days.sort();
    days
}

/// Extra days proclaimed for one year only.
const ONE_OFF: &[((i32, u32, u32), &str)] = &[
    ((1973, 11, 14), "Royal wedding"),
    ((1977, 6, 7), "Silver Jubilee of Queen Elizabeth II"),
    ((1981, 7, 29), "Royal wedding"),
    ((1999, 12, 31), "Millennium celebrations"),
    ((2002, 6, 3), "Golden Jubilee of Queen Elizabeth II"),
    ((2011, 4, 29), "Royal wedding"),
    ((2012, 6, 5), "Diamond Jubilee of Queen Elizabeth II"),
    ((2022, 6, 3), "Platinum Jubilee of Queen Elizabeth II"),
    ((2022, 9, 19), "State funeral of Queen Elizabeth II"),
    ((2023, 5, 8), "Coronation of King Charles III"),
];

fn ymd(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Whether the time zone database keeps summer time in a year (it stops some decades
/// ahead).
fn keeps_summer_time(year: i32) -> bool {
    NaiveDate::from_ymd_opt(year, 7, 1)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .is_some_and(|noon| {
            let local = noon
                .and_utc()
                .with_timezone(&chrono_tz::Europe::London)
                .naive_local();
            local - noon == TimeDelta::hours(1)
        })
}

fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let monday = last_monday(year, month)?;
    match monday.checked_add_days(Days::new(6)) {
        Some(sunday) if sunday.month() == month => Some(sunday),
        _ => monday.checked_sub_days(Days::new(1)),
    }
}

fn last_monday(year: i32, month: u32) -> Option<NaiveDate> {
    let next_month = if month == 12 {
        ymd(year.checked_add(1)?, 1, 1)
    } else {
        ymd(year, month + 1, 1)
    }?;
    let last = next_month.pred_opt()?;
    let back = last.weekday().num_days_from_monday();
    last.checked_sub_days(Days::new(u64::from(back)))
}

/// Easter Sunday in the Gregorian calendar (the anonymous Gregorian computus).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    ymd(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

impl Calendar {
    /// The calendar of England and Wales.
    pub fn england_and_wales() -> Self {
        let mut names = BTreeMap::new();
        for year in FIRST_YEAR..=LAST_YEAR {
            for h in bank_holidays(year) {
                names.insert(h.date, h.name);
            }
        }
        // Both ends are ordinary dates well inside chrono's range.
        let first = NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).unwrap_or(NaiveDate::MIN);
        let end = NaiveDate::from_ymd_opt(LAST_YEAR + 1, 1, 1).unwrap_or(NaiveDate::MIN);
        let working = first
            .iter_days()
            .take_while(|d| *d < end)
            .map(|d| !is_weekend(d) && !names.contains_key(&d))
            .collect();
        // The table follows the rule only as far as the time zone database does (it stops
        // keeping summer time some decades ahead), so that a date here is always the date
        // the record itself gives an instant.
        let summer = (FIRST_SUMMER_RULE_YEAR..=LAST_YEAR)
            .take_while(|&year| keeps_summer_time(year))
            .filter_map(|year| {
                let starts_on = last_sunday(year, 3)?;
                let ends_on = last_sunday(year, 10)?;
                let at_one = |d: NaiveDate| {
                    d.and_hms_opt(1, 0, 0)
                        .map(|t| t.and_utc().timestamp_micros())
                };
                Some(SummerTime {
                    starts_on,
                    ends_on,
                    starts: at_one(starts_on)?,
                    ends: at_one(ends_on)?,
                })
            })
            .collect();
        Calendar {
            first,
            working,
            names,
            summer,
        }
    }

    fn summer_of(&self, year: i32) -> Option<&SummerTime> {
        usize::try_from(year - FIRST_SUMMER_RULE_YEAR)
            .ok()
            .and_then(|i| self.summer.get(i))
    }

    /// The offset of England's clocks from UTC at an instant, in hours.
    pub fn london_offset_hours(&self, t: Timestamp) -> i64 {
        match self.summer_of(t.utc().year()) {
            Some(s) => i64::from((s.starts..s.ends).contains(&t.micros())),
            None => {
                let local = t
                    .utc()
                    .with_timezone(&chrono_tz::Europe::London)
                    .naive_local();
                (local - t.utc().naive_utc()).num_hours()
            }
        }
    }

    /// The date of an instant in England (the same as `Timestamp::london_date`).
    pub fn london_date(&self, t: Timestamp) -> NaiveDate {
        match self.summer_of(t.utc().year()) {
            Some(s) if (s.starts..s.ends).contains(&t.micros()) => {
                (t.utc() + TimeDelta::hours(1)).date_naive()
            }
            Some(_) => t.utc().date_naive(),
            None => t.london_date(),
        }
    }

    /// The instant a day starts in England (the same as `Timestamp::start_of_london_day`).
    pub fn start_of_day(&self, date: NaiveDate) -> Timestamp {
        match self.summer_of(date.year()) {
            // Midnight is still GMT on the day summer time starts, and still BST on the
            // day it ends.
            Some(s) => {
                let summer = s.starts_on < date && date <= s.ends_on;
                let midnight = date.and_time(chrono::NaiveTime::MIN).and_utc();
                Timestamp::from_utc(midnight - TimeDelta::hours(i64::from(summer)))
            }
            None => Timestamp::start_of_london_day(date),
        }
    }

    fn index(&self, date: NaiveDate) -> Option<usize> {
        usize::try_from((date - self.first).num_days()).ok()
    }

    /// The bank holidays of a year, in date order.
    pub fn holidays(&self, year: i32) -> Vec<BankHoliday> {
        bank_holidays(year)
    }

    /// The bank holiday on a date, if there is one.
    pub fn holiday(&self, date: NaiveDate) -> Option<&'static str> {
        match self.index(date).filter(|&i| i < self.working.len()) {
            Some(_) => self.names.get(&date).copied(),
            None => bank_holidays(date.year())
                .into_iter()
                .find(|h| h.date == date)
                .map(|h| h.name),
        }
    }

    /// Why a date is not a working day, or `None` when it is one.
    pub fn day_off(&self, date: NaiveDate) -> Option<DayOff> {
        if let Some(true) = self.index(date).and_then(|i| self.working.get(i)) {
            return None;
        }
        if let Some(name) = self.holiday(date) {
            return Some(DayOff::BankHoliday(name));
        }
        is_weekend(date).then_some(DayOff::Weekend)
    }

    /// Whether a date is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.index(date).and_then(|i| self.working.get(i)) {
            Some(&w) => w,
            None => self.day_off(date).is_none(),
        }
    }

    /// The date `n` working days after `date` (before it when `n` is negative). Zero gives
    /// `date` itself. `None` only beyond the range of dates chrono can represent.
    pub fn add_working_days(&self, date: NaiveDate, n: i32) -> Option<NaiveDate> {
        self.step_working_days(date, n, |_| {})
    }

    /// As [`Calendar::add_working_days`], noting every day passed over and why.
    pub fn add_working_days_noting(
        &self,
        date: NaiveDate,
        n: i32,
        skipped: &mut Vec<SkippedDay>,
    ) -> Option<NaiveDate> {
        self.add_working_days_with(date, n, |day| skipped.push(day))
    }

    /// As [`Calendar::add_working_days`], telling `passed_over` of each day passed over.
    pub fn add_working_days_with(
        &self,
        date: NaiveDate,
        n: i32,
        mut passed_over: impl FnMut(SkippedDay),
    ) -> Option<NaiveDate> {
        self.step_working_days(date, n, |date| {
            if let Some(why) = self.day_off(date) {
                passed_over(SkippedDay { date, why });
            }
        })
    }

    /// Steps over `n` working days, telling `passed_over` of each day that is not one.
    fn step_working_days(
        &self,
        date: NaiveDate,
        n: i32,
        mut passed_over: impl FnMut(NaiveDate),
    ) -> Option<NaiveDate> {
        let mut day = date;
        let mut left = n.unsigned_abs();
        while left > 0 {
            day = if n > 0 {
                day.succ_opt()?
            } else {
                day.pred_opt()?
            };
            if self.is_working_day(day) {
                left -= 1;
            } else {
                passed_over(day);
            }
        }
        Some(day)
    }

    /// The number of working days from `from` to `to`: those after `from` up to and
    /// including `to`, or, when `to` is earlier, minus those from `to` up to but excluding
    /// `from`. So `working_days_between(d, add_working_days(d, n)) == n` for every `d` and `n`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to >= from {
            from.iter_days()
                .skip(1)
                .take_while(|d| *d <= to)
                .filter(|d| self.is_working_day(*d))
                .count() as i64
        } else {
            -(to.iter_days()
                .take_while(|d| *d < from)
                .filter(|d| self.is_working_day(*d))
                .count() as i64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dates(year: i32) -> Vec<String> {
        bank_holidays(year)
            .iter()
            .map(|h| h.date.to_string())
            .collect()
    }

    #[test]
    fn holidays_match_the_published_lists() {
        // The lists published for England and Wales.
        let expected: &[(i32, &[&str])] = &[
            (
                2011,
                &[
                    "2011-01-03",
                    "2011-04-22",
                    "2011-04-25",
                    "2011-04-29",
                    "2011-05-02",
                    "2011-05-30",
                    "2011-08-29",
                    "2011-12-26",
                    "2011-12-27",
                ],
            ),
            (
                2012,
                &[
                    "2012-01-02",
                    "2012-04-06",
                    "2012-04-09",
                    "2012-05-07",
                    "2012-06-04",
                    "2012-06-05",
                    "2012-08-27",
                    "2012-12-25",
                    "2012-12-26",
                ],
            ),
            (
                2015,
                &[
                    "2015-01-01",
                    "2015-04-03",
                    "2015-04-06",
                    "2015-05-04",
                    "2015-05-25",
                    "2015-08-31",
                    "2015-12-25",
                    "2015-12-28",
                ],
            ),
            (
                2016,
                &[
                    "2016-01-01",
                    "2016-03-25",
                    "2016-03-28",
                    "2016-05-02",
                    "2016-05-30",
                    "2016-08-29",
                    "2016-12-26",
                    "2016-12-27",
                ],
            ),
            (
                2019,
                &[
                    "2019-01-01",
                    "2019-04-19",
                    "2019-04-22",
                    "2019-05-06",
                    "2019-05-27",
                    "2019-08-26",
                    "2019-12-25",
                    "2019-12-26",
                ],
            ),
            (
                2020,
                &[
                    "2020-01-01",
                    "2020-04-10",
                    "2020-04-13",
                    "2020-05-08",
                    "2020-05-25",
                    "2020-08-31",
                    "2020-12-25",
                    "2020-12-28",
                ],
            ),
            (
                2021,
                &[
                    "2021-01-01",
                    "2021-04-02",
                    "2021-04-05",
                    "2021-05-03",
                    "2021-05-31",
                    "2021-08-30",
                    "2021-12-27",
                    "2021-12-28",
                ],
            ),
            (
                2022,
                &[
                    "2022-01-03",
                    "2022-04-15",
                    "2022-04-18",
                    "2022-05-02",
                    "2022-06-02",
                    "2022-06-03",
                    "2022-08-29",
                    "2022-09-19",
                    "2022-12-26",
                    "2022-12-27",
                ],
            ),
            (
                2023,
                &[
                    "2023-01-02",
                    "2023-04-07",
                    "2023-04-10",
                    "2023-05-01",
                    "2023-05-08",
                    "2023-05-29",
                    "2023-08-28",
                    "2023-12-25",
                    "2023-12-26",
                ],
            ),
            (
                2024,
                &[
                    "2024-01-01",
                    "2024-03-29",
                    "2024-04-01",
                    "2024-05-06",
                    "2024-05-27",
                    "2024-08-26",
                    "2024-12-25",
                    "2024-12-26",
                ],
            ),
            (
                2025,
                &[
                    "2025-01-01",
                    "2025-04-18",
                    "2025-04-21",
                    "2025-05-05",
                    "2025-05-26",
                    "2025-08-25",
                    "2025-12-25",
                    "2025-12-26",
                ],
            ),
            (
                2026,
                &[
                    "2026-01-01",
                    "2026-04-03",
                    "2026-04-06",
                    "2026-05-04",
                    "2026-05-25",
                    "2026-08-31",
                    "2026-12-25",
                    "2026-12-28",
                ],
            ),
            (
                2027,
                &[
                    "2027-01-01",
                    "2027-03-26",
                    "2027-03-29",
                    "2027-05-03",
                    "2027-05-31",
                    "2027-08-30",
                    "2027-12-27",
                    "2027-12-28",
                ],
            ),
        ];
        for (year, want) in expected {
            assert_eq!(dates(*year), *want, "{year}");
        }
    }

    #[test]
    fn older_one_off_days_are_included() {
        assert!(dates(1995).contains(&"1995-05-08".to_owned()));
        assert!(!dates(1995).contains(&"1995-05-01".to_owned()));
        assert!(dates(1999).contains(&"1999-12-31".to_owned()));
        let y2002 = dates(2002);
        assert!(y2002.contains(&"2002-06-03".to_owned()));
        assert!(y2002.contains(&"2002-06-04".to_owned()));
        assert!(!y2002.contains(&"2002-05-27".to_owned()));
        assert!(dates(1977).contains(&"1977-06-07".to_owned()));
        assert!(dates(1981).contains(&"1981-07-29".to_owned()));
        // No early May holiday before 1978, no New Year's Day before 1974.
        assert!(!dates(1977).contains(&"1977-05-02".to_owned()));
        assert!(!dates(1973).contains(&"1973-01-01".to_owned()));
    }

    #[test]
    fn easter_is_computed() {
        for (y, m, day) in [
            (2000, 4, 23),
            (2008, 3, 23),
            (2019, 4, 21),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter_sunday(y), Some(d(y, m, day)));
        }
    }

    #[test]
    fn every_holiday_falls_on_a_weekday() {
        let cal = Calendar::england_and_wales();
        for year in 1900..=2300 {
            for h in cal.holidays(year) {
                assert!(!is_weekend(h.date), "{} {}", h.date, h.name);
            }
        }
    }

    #[test]
    fn names_and_reasons() {
        let cal = Calendar::england_and_wales();
        assert_eq!(
            cal.holiday(d(2022, 9, 19)),
            Some("State funeral of Queen Elizabeth II")
        );
        assert_eq!(cal.day_off(d(2022, 9, 17)), Some(DayOff::Weekend));
        assert_eq!(cal.day_off(d(2022, 9, 20)), None);
        // Outside the table, the rules still apply.
        assert_eq!(
            cal.day_off(d(2301, 12, 25)),
            Some(DayOff::BankHoliday("Christmas Day"))
        );
        assert!(!cal.is_working_day(d(1960, 12, 25)));
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let cal = Calendar::england_and_wales();
        // Friday 16 September 2022, then the weekend and the state funeral.
        let mut skipped = Vec::new();
        let due = cal
            .add_working_days_noting(d(2022, 9, 16), 1, &mut skipped)
            .unwrap();
        assert_eq!(due, d(2022, 9, 20));
        assert_eq!(
            skipped.iter().map(|s| s.date).collect::<Vec<_>>(),
            vec![d(2022, 9, 17), d(2022, 9, 18), d(2022, 9, 19)]
        );
        // Christmas 2022: Friday 23 December plus 2 is Wednesday 28 December.
        assert_eq!(
            cal.add_working_days(d(2022, 12, 23), 2),
            Some(d(2022, 12, 29))
        );
        assert_eq!(
            cal.add_working_days(d(2022, 12, 23), 1),
            Some(d(2022, 12, 28))
        );
        // Backwards over Easter 2025: two working days before Tuesday 22 April.
        assert_eq!(
            cal.add_working_days(d(2025, 4, 22), -2),
            Some(d(2025, 4, 16))
        );
        assert_eq!(
            cal.add_working_days(d(2025, 4, 22), 0),
            Some(d(2025, 4, 22))
        );
        assert_eq!(
            cal.working_days_between(d(2022, 12, 23), d(2022, 12, 29)),
            2
        );
        assert_eq!(
            cal.working_days_between(d(2022, 12, 29), d(2022, 12, 23)),
            -2
        );
        assert_eq!(
            cal.working_days_between(d(2022, 12, 24), d(2022, 12, 27)),
            0
        );
    }
}
