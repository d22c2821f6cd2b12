//! Details of the people in a record: the child, adults in the network, professionals,
//! staff and adopters.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::{
    Disability, Ethnicity, GenderIdentity, ImmigrationStatus, Religion, Sex, UpnUnknown,
};
use crate::values::{Email, LanguageCode, Line, NhsNumber, Phone, Postcode, Text, Upn};

/// A person's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonName {
    /// Given name or names.
    pub given: Line,
    /// Family name.
    pub family: Line,
    /// The name the person likes to be called, if different.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred: Option<Line>,
}

impl PersonName {
    /// "Given Family", for lists and headings.
    pub fn display(&self) -> String {
        format!("{} {}", self.given, self.family)
    }
}

/// A postal address. The postcode may be unknown (no fixed abode, abroad).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// House number, street and locality: one to four lines.
    pub lines: Vec<Line>,
    /// Town.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub town: Option<Line>,
    /// Postcode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<Postcode>,
}

/// Everything the record holds about who the child is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChildDetails {
    /// Name.
    pub name: PersonName,
    /// Sex as the returns record it (`U` for an unborn child).
    pub sex: Sex,
    /// Gender, where the child or family has given it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<GenderIdentity>,
    /// Date of birth; absent for an unborn child.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<NaiveDate>,
    /// Expected date of birth, for an unborn child only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_date_of_birth: Option<NaiveDate>,
    /// Ethnicity.
    pub ethnicity: Ethnicity,
    /// Unique pupil number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upn: Option<Upn>,
    /// A previous UPN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub former_upn: Option<Upn>,
    /// Why there is no UPN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upn_unknown: Option<UpnUnknown>,
    /// NHS number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nhs_number: Option<NhsNumber>,
    /// Disabilities; `NONE` on its own when the child has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disabilities: Vec<Disability>,
    /// First language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_language: Option<LanguageCode>,
    /// How best to communicate with the child (interpreter, signing, aids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub communication_needs: Option<Text>,
    /// Religion or belief.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub religion: Option<Religion>,
    /// Immigration status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immigration_status: Option<ImmigrationStatus>,
    /// Whether the child is an unaccompanied asylum-seeking child.
    #[serde(default)]
    pub uasc: bool,
    /// The date the child stopped being an unaccompanied asylum-seeking child.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uasc_ceased: Option<NaiveDate>,
}

impl ChildDetails {
    /// True while the child is not yet born.
    pub fn is_unborn(&self) -> bool {
        self.date_of_birth.is_none()
    }
}

/// An adult in a child's family or network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonDetails {
    /// Name.
    pub name: PersonName,
    /// Date of birth, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<NaiveDate>,
    /// Sex, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// Address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Telephone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    /// Email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    /// Anything professionals must know before contact (risk, language, interpreter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_notes: Option<Text>,
}

/// A professional from another agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfessionalDetails {
    /// Name.
    pub name: PersonName,
    /// Role, for example "GP" or "designated safeguarding lead".
    pub role: Line,
    /// Organisation.
    pub organisation: Line,
    /// Telephone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    /// Email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
}

/// One prospective adopter in a household (Annex A List 11 reports each individually).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProspectiveAdopter {
    /// Name.
    pub name: PersonName,
    /// Gender.
    pub gender: GenderIdentity,
    /// Ethnicity.
    pub ethnicity: Ethnicity,
    /// Whether the adopter has a disability.
    pub disability: bool,
}

/// A prospective adopter household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdopterHousehold {
    /// One or two adopters.
    pub adopters: Vec<ProspectiveAdopter>,
    /// Whether they are approved as foster carers for fostering for adoption.
    #[serde(default)]
    pub fostering_for_adoption: bool,
}
