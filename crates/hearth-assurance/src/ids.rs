//! The assurance record's identifiers and small values: an audit's id and stream, an
//! improvement action's number, a month, a draw's seed, and a grade on its scale.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use hearth_domain::ids::InvalidId;

use crate::codes::{Point, Scale};

/// An audit: `A` and a number by convention, but any 1 to 20 letters and digits, like the
/// record's other ids.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AuditId(String);

impl AuditId {
    /// The kind of record, as used in stream names.
    pub const KIND: &'static str = "audit";

    /// Parses an id, refusing anything but 1 to 20 letters and digits.
    pub fn parse(s: &str) -> Result<Self, InvalidId> {
        if (1..=20).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidId {
                kind: Self::KIND,
                value: s.to_owned(),
            })
        }
    }

    /// The id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name of the audit's stream, `audit/ID`.
    pub fn stream(&self) -> String {
        format!("{}/{}", Self::KIND, self.0)
    }

    /// The audit's stream in the store, of the kind `audit`. The id was checked as the
    /// store checks every id, so this does not fail in practice; it is not unwrapped.
    pub fn stream_id(&self) -> Result<hearth_domain::StreamId, InvalidId> {
        hearth_domain::StreamId::new(hearth_domain::StreamKind::Audit, &self.0)
    }

    /// The audit whose stream this is, if it is an audit's.
    pub fn of_stream(stream: &hearth_domain::StreamId) -> Option<AuditId> {
        (stream.kind() == hearth_domain::StreamKind::Audit)
            .then(|| AuditId::parse(stream.id()).ok())
            .flatten()
    }
}

impl FromStr for AuditId {
    type Err = InvalidId;
    fn from_str(s: &str) -> Result<Self, InvalidId> {
        Self::parse(s)
    }
}

impl fmt::Display for AuditId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for AuditId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for AuditId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An improvement action's number within its audit, from 1.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct ActionNo(pub u16);

impl fmt::Display for ActionNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A calendar month, written `YYYY-MM`: the month an audit was selected for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month {
    year: i32,
    month: u32,
}

/// A month that is not `YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a month: use YYYY-MM, such as 2025-06")]
pub struct InvalidMonth(pub String);

impl Month {
    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// A month from its year and number (1 to 12).
    pub fn new(year: i32, month: u32) -> Option<Month> {
        NaiveDate::from_ymd_opt(year, month, 1).map(Month::of)
    }

    /// Parses `YYYY-MM`.
    pub fn parse(s: &str) -> Result<Month, InvalidMonth> {
        let bad = || InvalidMonth(s.to_owned());
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year = y.parse().map_err(|_| bad())?;
        let month = m.parse().map_err(|_| bad())?;
        Month::new(year, month).ok_or_else(bad)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month's number, 1 to 12.
    pub fn number(self) -> u32 {
        self.month
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        // Every Month is built from a valid first day, so this cannot fail; the fallback
        // keeps the type total without a panic.
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// Its last day.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    /// The month after.
    pub fn next(self) -> Month {
        self.first_day()
            .checked_add_months(Months::new(1))
            .map_or(self, Month::of)
    }

    /// Whether a date falls in it.
    pub fn contains(self, date: NaiveDate) -> bool {
        Month::of(date) == self
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl serde::Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Month::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The seed of a draw: 64 bits, written as 16 hexadecimal digits so that it survives tools
/// that read JSON numbers as floating point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Seed(pub u64);

impl fmt::Display for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl serde::Serialize for Seed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Seed {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        if s.len() != 16 {
            return Err(serde::de::Error::custom(format!(
                "'{s}' is not a seed: use 16 hexadecimal digits"
            )));
        }
        u64::from_str_radix(&s, 16).map(Seed).map_err(|_| {
            serde::de::Error::custom(format!("'{s}' is not a seed: use 16 hexadecimal digits"))
        })
    }
}

/// A grade: a point and the scale it belongs to, so that grades on different scales are
/// never compared, counted together or averaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Grade {
    scale: Scale,
    point: Point,
}

/// A point that is not on the scale named with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{point} is not a point on the scale {scale}")]
pub struct NotOnScale {
    /// The scale.
    pub scale: Scale,
    /// The point.
    pub point: Point,
}

impl Grade {
    /// A grade, if the point is on the scale.
    pub fn new(scale: Scale, point: Point) -> Result<Grade, NotOnScale> {
        match scale.grade_number(point) {
            Some(_) => Ok(Grade { scale, point }),
            None => Err(NotOnScale { scale, point }),
        }
    }

    /// The scale.
    pub fn scale(self) -> Scale {
        self.scale
    }

    /// The point.
    pub fn point(self) -> Point {
        self.point
    }

    /// Ofsted's grade number: 1 (outstanding) to 4 (inadequate).
    pub fn number(self) -> u8 {
        // `new` only builds grades whose point is on the scale.
        self.scale.grade_number(self.point).unwrap_or(4)
    }

    /// The grade's score for weighted averages: 4 (outstanding) to 1 (inadequate), so that
    /// a higher score is better practice.
    pub fn score(self) -> u8 {
        5 - self.number()
    }

    /// How many grades apart two grades are, or `None` on different scales.
    pub fn distance(self, other: Grade) -> Option<u8> {
        (self.scale == other.scale).then(|| self.number().abs_diff(other.number()))
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.point.label())
    }
}

impl<'de> serde::Deserialize<'de> for Grade {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            scale: Scale,
            point: Point,
        }
        let raw = Raw::deserialize(d)?;
        Grade::new(raw.scale, raw.point).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_ids_and_streams() {
        let id = AuditId::parse("A123").unwrap();
        assert_eq!(id.stream(), "audit/A123");
        assert!(AuditId::parse("A-1").is_err());
        assert!(AuditId::parse("").is_err());
    }

    #[test]
    fn months_parse_and_step() {
        let m = Month::parse("2024-12").unwrap();
        assert_eq!(m.to_string(), "2024-12");
        assert_eq!(m.next().to_string(), "2025-01");
        assert_eq!(
            Month::parse("2024-02").unwrap().last_day(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        for bad in ["2024-13", "2024-1", "24-01", "2024/01", ""] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn seeds_are_sixteen_hex_digits() {
        let s = Seed(0xdead_beef);
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, "\"00000000deadbeef\"");
        assert_eq!(serde_json::from_str::<Seed>(&json).unwrap(), s);
        assert!(serde_json::from_str::<Seed>("\"beef\"").is_err());
        assert!(serde_json::from_str::<Seed>("\"zzzzzzzzzzzzzzzz\"").is_err());
    }

    #[test]
    fn a_grade_belongs_to_its_scale() {
        let good = Grade::new(Scale::OfstedIlacs, Point::Good).unwrap();
        assert_eq!(good.number(), 2);
        assert_eq!(good.score(), 3);
        assert!(Grade::new(Scale::OfstedIlacs, Point::Adequate).is_err());
        let adequate = Grade::new(Scale::Ofsted2009, Point::Adequate).unwrap();
        let ri = Grade::new(Scale::OfstedIlacs, Point::RequiresImprovement).unwrap();
        assert_eq!(adequate.distance(ri), None);
        assert_eq!(good.distance(ri), Some(1));
        let json = serde_json::to_string(&good).unwrap();
        assert_eq!(json, r#"{"scale":"OFSTED_ILACS","point":"GOOD"}"#);
        assert_eq!(serde_json::from_str::<Grade>(&json).unwrap(), good);
        assert!(
            serde_json::from_str::<Grade>(r#"{"scale":"OFSTED_ILACS","point":"ADEQUATE"}"#)
                .is_err()
        );
    }
}
