//! Who the council is, as the returns name it: its name, its three-digit DfE number (the
//! CIN census's `LEA`) and its ONS code (which DfE's SSDA903 validator needs to tell
//! placements in the council's area from those outside it). The store holds them as the
//! council's settings; they are checked here, whether typed at the command line or read from
//! a synthetic borough's profile.

use std::fmt;

pub use crate::cin::{InvalidLaNumber, LaNumber};

/// Why a council's settings were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CouncilError {
    /// The name is empty, too long or holds control characters.
    #[error("`{0}` is not a council's name: give its name as written, up to 100 characters")]
    Name(String),
    /// The DfE number is not three digits.
    #[error(transparent)]
    LaNumber(#[from] InvalidLaNumber),
    /// The ONS code is not an English council's.
    #[error(
        "`{0}` is not an English council's ONS code: give E and eight digits, such as E09000006"
    )]
    OnsCode(String),
}

/// An English council's ONS code: `E` and eight digits (Bromley is `E09000006`). The returns
/// are England's, so codes of the other nations are refused.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OnsCode(String);

impl OnsCode {
    /// Parses the code.
    pub fn parse(text: &str) -> Result<OnsCode, CouncilError> {
        let b = text.as_bytes();
        if b.len() == 9 && b[0] == b'E' && b[1..].iter().all(u8::is_ascii_digit) {
            Ok(OnsCode(text.to_owned()))
        } else {
            Err(CouncilError::OnsCode(text.to_owned()))
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OnsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A council's settings, each checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Council {
    /// Its name, as written (`London Borough of Bromley`).
    pub name: String,
    /// Its DfE number.
    pub la: LaNumber,
    /// Its ONS code.
    pub ons_code: OnsCode,
}

impl Council {
    /// Checks each setting; the first that is wrong is the error.
    pub fn parse(name: &str, la: &str, ons_code: &str) -> Result<Council, CouncilError> {
        let trimmed = name.trim();
        if trimmed.is_empty()
            || trimmed.chars().count() > 100
            || trimmed.chars().any(char::is_control)
        {
            return Err(CouncilError::Name(name.to_owned()));
        }
        Ok(Council {
            name: trimmed.to_owned(),
            la: LaNumber::parse(la)?,
            ons_code: OnsCode::parse(ons_code)?,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn bromley_is_read_and_its_name_trimmed() {
        let c = Council::parse(" London Borough of Bromley ", "305", "E09000006").unwrap();
        assert_eq!(c.name, "London Borough of Bromley");
        assert_eq!(c.la.to_string(), "305");
        assert_eq!(c.ons_code.as_str(), "E09000006");
    }

    #[test]
    fn each_bad_setting_is_named() {
        let bad = |name: &str, la: &str, ons: &str| Council::parse(name, la, ons).unwrap_err();
        assert!(matches!(bad("", "305", "E09000006"), CouncilError::Name(_)));
        assert!(matches!(
            bad("Brom\u{7}ley", "305", "E09000006"),
            CouncilError::Name(_)
        ));
        assert!(matches!(
            bad(&"x".repeat(101), "305", "E09000006"),
            CouncilError::Name(_)
        ));
        assert!(matches!(
            bad("Bromley", "3050", "E09000006"),
            CouncilError::LaNumber(_)
        ));
        for ons in [
            "E0900000",
            "W06000001",
            "e09000006",
            "E0900000X",
            "E090000060",
        ] {
            assert_eq!(
                bad("Bromley", "305", ons),
                CouncilError::OnsCode(ons.to_owned()),
                "{ons}"
            );
        }
        assert!(
            bad("Bromley", "305", "W06000001")
                .to_string()
                .contains("E and eight digits")
        );
    }
}
