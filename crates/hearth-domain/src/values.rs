//! Validated value types. Each is parsed once at the edge; inside the domain a value of
//! the type is known to be well formed.

use std::fmt;

use chrono::NaiveDate;

/// A value that failed validation, with a message that says what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InvalidValue {
    /// What kind of value was being parsed.
    pub kind: &'static str,
    /// A plain-English explanation.
    pub message: String,
}

impl InvalidValue {
    fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

/// Gives a validated string type `FromStr`, `Display` and serde as its string form.
macro_rules! string_value {
    ($name:ident) => {
        impl ::std::str::FromStr for $name {
            type Err = InvalidValue;
            fn from_str(s: &str) -> Result<Self, InvalidValue> {
                Self::parse(s)
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                Self::parse(&s).map_err(::serde::de::Error::custom)
            }
        }
    };
}

const UPN_CHECK_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

/// A unique pupil number: a check letter, then 12 digits (or 11 digits and a letter for a
/// temporary UPN). The check letter is verified.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Upn(String);

impl Upn {
    /// Parses and checks a UPN.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        let bad = |why: &str| InvalidValue::new("UPN", format!("'{s}' is not a valid UPN: {why}"));
        let b = s.as_bytes();
        if b.len() != 13 {
            return Err(bad("it must be 13 characters"));
        }
        let body = &b[1..];
        let last = body[11];
        if !body[..11].iter().all(u8::is_ascii_digit)
            || !(last.is_ascii_digit() || UPN_CHECK_LETTERS.contains(&last))
        {
            return Err(bad(
                "characters 2 to 12 must be digits, and the last a digit or letter",
            ));
        }
        match Self::check_letter(&s[1..]) {
            Some(expected) if expected == b[0] => Ok(Self(s.to_owned())),
            _ => Err(bad("the check letter is wrong")),
        }
    }

    /// The check letter for the 12 characters after it, or `None` if they are malformed.
    pub fn check_letter(body: &str) -> Option<u8> {
        let bytes = body.as_bytes();
        if bytes.len() != 12 {
            return None;
        }
        let mut total = 0usize;
        for (i, &c) in bytes.iter().enumerate() {
            let value = if c.is_ascii_digit() {
                usize::from(c - b'0')
            } else {
                UPN_CHECK_LETTERS.iter().position(|&l| l == c)?
            };
            total += value * (i + 2);
        }
        UPN_CHECK_LETTERS.get(total % 23).copied()
    }

    /// The UPN as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The council number in characters 2 to 4.
    pub fn la_number(&self) -> &str {
        &self.0[1..4]
    }
}
string_value!(Upn);

/// An NHS number: ten digits whose last is a modulus-11 check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NhsNumber(String);

impl NhsNumber {
    /// Parses an NHS number, allowing the usual 3-3-4 spacing, and checks its check digit.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        let digits: String = s.chars().filter(|c| *c != ' ').collect();
        let bad = |why: &str| {
            InvalidValue::new(
                "NHS number",
                format!("'{s}' is not a valid NHS number: {why}"),
            )
        };
        if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("it must be 10 digits"));
        }
        match Self::check_digit(&digits[..9]) {
            Some(check) if digits.as_bytes()[9] == check => Ok(Self(digits)),
            _ => Err(bad("the check digit is wrong")),
        }
    }

    /// The check digit for nine digits, or `None` when no check digit is possible.
    pub fn check_digit(first_nine: &str) -> Option<u8> {
        let b = first_nine.as_bytes();
        if b.len() != 9 || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let sum: u32 = b
            .iter()
            .enumerate()
            .map(|(i, c)| u32::from(c - b'0') * (10 - i as u32))
            .sum();
        match 11 - (sum % 11) {
            11 => Some(b'0'),
            10 => None,
            d => u8::try_from(d).ok().map(|d| b'0' + d),
        }
    }

    /// The ten digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value!(NhsNumber);

/// A UK postcode, normalised to upper case with one space before the inward code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Postcode(String);

impl Postcode {
    /// Parses a postcode in any spacing or case.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        let compact: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let bad = || InvalidValue::new("postcode", format!("'{s}' is not a valid UK postcode"));
        if !(5..=7).contains(&compact.len()) || !compact.is_ascii() {
            return Err(bad());
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        let ib = inward.as_bytes();
        let inward_ok =
            ib[0].is_ascii_digit() && ib[1].is_ascii_alphabetic() && ib[2].is_ascii_alphabetic();
        let ob = outward.as_bytes();
        let outward_ok = (2..=4).contains(&ob.len())
            && ob[0].is_ascii_alphabetic()
            && ob.iter().all(u8::is_ascii_alphanumeric)
            && ob.iter().any(u8::is_ascii_digit);
        if inward_ok && outward_ok {
            Ok(Self(format!("{outward} {inward}")))
        } else {
            Err(bad())
        }
    }

    /// The normalised postcode.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The outward code (the part before the space), for example `BR1`.
    pub fn outward(&self) -> &str {
        self.0.split(' ').next().unwrap_or(&self.0)
    }
}
string_value!(Postcode);

/// A Social Work England registration number: `SW` and digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SweNumber(String);

impl SweNumber {
    /// Parses a registration number.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        let ok = s.len() >= 4
            && s.len() <= 12
            && s.starts_with("SW")
            && s[2..].bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidValue::new(
                "Social Work England number",
                format!(
                    "'{s}' is not a Social Work England number: expected SW and 2 to 10 digits"
                ),
            ))
        }
    }

    /// The number as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value!(SweNumber);

/// An Ofsted unique reference number for a placement provider (`XXXXXXX` is allowed for
/// regional adoption agency placements).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Urn(String);

impl Urn {
    /// Parses a URN: 6 to 8 upper-case letters and digits.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        if (6..=8).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidValue::new(
                "URN",
                format!("'{s}' is not an Ofsted URN: expected 6 to 8 capital letters and digits"),
            ))
        }
    }

    /// The URN as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value!(Urn);

/// Text a person wrote: trimmed, not empty, at most `MAX` characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text(String);

impl Text {
    /// The longest text accepted (about twenty pages).
    pub const MAX: usize = 50_000;

    /// Parses text, trimming surrounding white space.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        let t = s.trim();
        if t.is_empty() {
            return Err(InvalidValue::new("text", "text must not be empty"));
        }
        if t.chars().count() > Self::MAX {
            return Err(InvalidValue::new(
                "text",
                format!("text must be at most {} characters", Self::MAX),
            ));
        }
        Ok(Self(t.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value!(Text);

/// A short single-line text such as a name or an organisation: trimmed, 1 to 200 characters,
/// with no line breaks or control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Line(String);

impl Line {
    /// Parses a single line.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        let t = s.trim();
        if t.is_empty() {
            return Err(InvalidValue::new("line", "this must not be empty"));
        }
        if t.chars().count() > 200 {
            return Err(InvalidValue::new(
                "line",
                format!("'{t}' is longer than 200 characters"),
            ));
        }
        if t.chars().any(char::is_control) {
            return Err(InvalidValue::new(
                "line",
                "this must be a single line without control characters",
            ));
        }
        Ok(Self(t.to_owned()))
    }

    /// The line.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value!(Line);

/// An email address (a light check: one `@`, a dot in the domain, no spaces).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    /// Parses an email address.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        let t = s.trim();
        let ok = match t.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
                    && t.len() <= 254
                    && !t.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            None => false,
        };
        if ok {
            Ok(Self(t.to_owned()))
        } else {
            Err(InvalidValue::new(
                "email",
                format!("'{t}' is not an email address"),
            ))
        }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value!(Email);

/// A telephone number: digits with optional spaces, a leading `+`, and 7 to 15 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(String);

impl Phone {
    /// Parses a telephone number, keeping the spacing people wrote.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        let t = s.trim();
        let digits = t.bytes().filter(u8::is_ascii_digit).count();
        let allowed = t
            .bytes()
            .enumerate()
            .all(|(i, b)| b.is_ascii_digit() || b == b' ' || (b == b'+' && i == 0));
        if allowed && (7..=15).contains(&digits) {
            Ok(Self(t.to_owned()))
        } else {
            Err(InvalidValue::new(
                "phone",
                format!("'{t}' is not a telephone number"),
            ))
        }
    }

    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value!(Phone);

/// A language, as an ISO 639-3 code (three lower-case letters, for example `eng`, `pol`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LanguageCode(String);

impl LanguageCode {
    /// Parses a language code.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        if s.len() == 3 && s.bytes().all(|b| b.is_ascii_lowercase()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidValue::new(
                "language",
                format!("'{s}' is not an ISO 639-3 language code such as 'eng'"),
            ))
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value!(LanguageCode);

/// A strengths and difficulties questionnaire total score, 0 to 40.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct SdqScore(u8);

impl SdqScore {
    /// Checks a score.
    pub fn new(score: u8) -> Result<Self, InvalidValue> {
        if score <= 40 {
            Ok(Self(score))
        } else {
            Err(InvalidValue::new(
                "SDQ score",
                format!("an SDQ score is 0 to 40, not {score}"),
            ))
        }
    }

    /// The score.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl<'de> serde::Deserialize<'de> for SdqScore {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u8::deserialize(d)?;
        Self::new(n).map_err(serde::de::Error::custom)
    }
}

/// A council that held a previous permanence order: its three-digit DfE number, or `WAL`,
/// `SCO`, `NIR` or `NUK` for Wales, Scotland, Northern Ireland or outside the UK.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PermanenceAuthority(String);

impl PermanenceAuthority {
    /// Parses the code.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        let number = s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit());
        if number || matches!(s, "WAL" | "SCO" | "NIR" | "NUK") {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidValue::new(
                "permanence authority",
                format!("'{s}' is not a council number (three digits) or WAL, SCO, NIR or NUK"),
            ))
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value!(PermanenceAuthority);

/// A date whose day, or day and month, may be unknown (SSDA903 `DATE_PERM` allows `ZZ`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    /// The year.
    pub year: i32,
    /// The month, if known.
    pub month: Option<u32>,
    /// The day, if known (only when the month is).
    pub day: Option<u32>,
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        let bad = || {
            InvalidValue::new(
                "partial date",
                format!("'{s}' is not a date written YYYY, YYYY-MM or YYYY-MM-DD"),
            )
        };
        let mut parts = s.split('-');
        let year: i32 = parts
            .next()
            .filter(|p| p.len() == 4)
            .and_then(|p| p.parse().ok())
            .ok_or_else(bad)?;
        let month: Option<u32> = match parts.next() {
            Some(p) if p.len() == 2 => Some(p.parse().map_err(|_| bad())?),
            Some(_) => return Err(bad()),
            None => None,
        };
        let day: Option<u32> = match parts.next() {
            Some(p) if p.len() == 2 => Some(p.parse().map_err(|_| bad())?),
            Some(_) => return Err(bad()),
            None => None,
        };
        if parts.next().is_some() {
            return Err(bad());
        }
        let valid = match (month, day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(year, m, d).is_some(),
            (Some(m), None) => (1..=12).contains(&m),
            (None, _) => true,
        };
        if valid {
            Ok(Self { year, month, day })
        } else {
            Err(bad())
        }
    }

    /// The full date, when day and month are both known.
    pub fn date(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month?, self.day?)
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl serde::Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for PartialDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn upn_check_letter() {
        // The sample file's UPNs, built with the DfE algorithm.
        assert!(Upn::parse("J318000000001").is_ok());
        assert!(Upn::parse("E318000000006").is_ok());
        let err = Upn::parse("A318000000001").unwrap_err();
        assert!(err.message.contains("check letter"));
        assert!(Upn::parse("J31800000001").is_err());
        assert_eq!(Upn::parse("J318000000001").unwrap().la_number(), "318");
    }

    #[test]
    fn nhs_number_check_digit() {
        // 943 476 5919 is the NHS's published example of a valid number.
        assert_eq!(
            NhsNumber::parse("943 476 5919").unwrap().as_str(),
            "9434765919"
        );
        assert!(NhsNumber::parse("9434765918").is_err());
        assert!(NhsNumber::parse("94347659").is_err());
    }

    #[test]
    fn postcodes_are_normalised() {
        assert_eq!(Postcode::parse("br13uh").unwrap().as_str(), "BR1 3UH");
        assert_eq!(Postcode::parse("SW1A 1AA").unwrap().outward(), "SW1A");
        assert_eq!(Postcode::parse(" tw1  1aa ").unwrap().as_str(), "TW1 1AA");
        assert!(Postcode::parse("BR1").is_err());
        assert!(Postcode::parse("12345").is_err());
        assert!(Postcode::parse("BR1 UH3").is_err());
    }

    #[test]
    fn other_values() {
        assert!(SweNumber::parse("SW123456").is_ok());
        assert!(SweNumber::parse("AB123456").is_err());
        assert!(Urn::parse("SC123456").is_ok());
        assert!(Urn::parse("sc123456").is_err());
        assert!(Text::parse("  ").is_err());
        assert_eq!(
            Text::parse(" seen at home ").unwrap().as_str(),
            "seen at home"
        );
        assert!(Line::parse("two\nlines").is_err());
        assert!(Email::parse("a.worker@example.org").is_ok());
        assert!(Email::parse("nobody").is_err());
        assert!(Phone::parse("020 7946 0000").is_ok());
        assert!(Phone::parse("call me").is_err());
        assert!(LanguageCode::parse("eng").is_ok());
        assert!(LanguageCode::parse("English").is_err());
        assert!(SdqScore::new(40).is_ok());
        assert!(SdqScore::new(41).is_err());
        assert!(PermanenceAuthority::parse("305").is_ok());
        assert!(PermanenceAuthority::parse("WAL").is_ok());
        assert!(PermanenceAuthority::parse("ENG").is_err());
        assert_eq!(PartialDate::parse("2019").unwrap().to_string(), "2019");
        assert_eq!(
            PartialDate::parse("2019-07-02").unwrap().date(),
            NaiveDate::from_ymd_opt(2019, 7, 2)
        );
        assert!(PartialDate::parse("2019-13").is_err());
        assert!(PartialDate::parse("2019-02-30").is_err());
    }

    proptest! {
        #[test]
        fn any_body_with_its_check_letter_is_a_valid_upn(digits in "[0-9]{12}") {
            let letter = Upn::check_letter(&digits).unwrap() as char;
            let upn = format!("{letter}{digits}");
            prop_assert!(Upn::parse(&upn).is_ok());
            // Any other first letter is refused.
            for other in UPN_CHECK_LETTERS.iter().map(|&b| b as char).filter(|&c| c != letter) {
                let wrong = format!("{other}{digits}");
                prop_assert!(Upn::parse(&wrong).is_err());
            }
        }

        #[test]
        fn nhs_numbers_with_their_check_digit_parse(digits in "[0-9]{9}") {
            if let Some(check) = NhsNumber::check_digit(&digits) {
                let n = format!("{digits}{}", check as char);
                prop_assert!(NhsNumber::parse(&n).is_ok());
            }
        }

        #[test]
        fn postcode_parsing_is_idempotent(s in "[A-Z]{1,2}[0-9]{1,2} [0-9][A-Z]{2}") {
            let p = Postcode::parse(&s).unwrap();
            prop_assert_eq!(Postcode::parse(p.as_str()).unwrap(), p);
        }
    }
}
