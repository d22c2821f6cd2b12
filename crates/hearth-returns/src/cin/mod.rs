//! The children in need census: DfE's XML return of every child in need in a collection year.
//!
//! [`Census`] is the return in typed form, one [`CensusChild`] per child with their
//! `CINdetails` episodes. [`build`] reads it from folded records, [`xml`] writes and reads the
//! file, and [`import`] turns a file back into the events of a record.

mod build;
pub mod import;

pub mod xml;

use std::fmt;

use chrono::NaiveDate;
use hearth_domain::ChildId;
use hearth_domain::codes::{
    AssessmentFactor, CategoryOfAbuse, Disability, Ethnicity, PrimaryNeed, ReasonForClosure,
    ReferralSource, Sex, UpnUnknown,
};
use hearth_domain::values::Upn;

pub use build::{CensusBuilder, build, child};

use crate::year::CollectionYear;

/// The first collection year whose census records `Sex` (M, F, U) rather than
/// `GenderCurrent`; the builder writes only the current specification.
pub const FIRST_YEAR_WITH_SEX: i32 = 2025;

/// A council's three-digit DfE number (Bromley is 305), the census's `LEA`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LaNumber(u16);

/// A council number that is not three digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a council's DfE number: give its three digits, such as 305")]
pub struct InvalidLaNumber(pub String);

impl LaNumber {
    /// Parses three digits, 201 to 938 being the range DfE uses.
    pub fn parse(text: &str) -> Result<LaNumber, InvalidLaNumber> {
        let bad = || InvalidLaNumber(text.to_owned());
        if text.len() != 3 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n: u16 = text.parse().map_err(|_| bad())?;
        if n < 100 {
            return Err(bad());
        }
        Ok(LaNumber(n))
    }
}

impl fmt::Display for LaNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}", self.0)
    }
}

/// One census return: the council, the year and every child in need in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Census {
    /// The collection year; the reference date is its 31 March.
    pub year: CollectionYear,
    /// The council.
    pub la: LaNumber,
    /// The children, in the order of the file.
    pub children: Vec<CensusChild>,
}

/// A child in the census: who they are and their episodes of need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CensusChild {
    /// `LAchildID`: the council's id, which is the record's.
    pub id: ChildId,
    /// `UPN`.
    pub upn: Option<Upn>,
    /// `FormerUPN`.
    pub former_upn: Option<Upn>,
    /// `UPNunknown`.
    pub upn_unknown: Option<UpnUnknown>,
    /// `PersonBirthDate`.
    pub birth_date: Option<NaiveDate>,
    /// `ExpectedPersonBirthDate`: only for a child not born by the reference date.
    pub expected_birth_date: Option<NaiveDate>,
    /// `Sex`.
    pub sex: Sex,
    /// `PersonDeathDate`.
    pub death_date: Option<NaiveDate>,
    /// `Ethnicity`.
    pub ethnicity: Ethnicity,
    /// `Disabilities`.
    pub disabilities: Vec<Disability>,
    /// `CINdetails`, oldest first.
    pub episodes: Vec<CinDetails>,
}

/// `CINdetails`: one episode of need, from the referral to its closure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CinDetails {
    /// `CINreferralDate`.
    pub referral_date: NaiveDate,
    /// `ReferralSource`.
    pub source: ReferralSource,
    /// `PrimaryNeedCode`.
    pub primary_need: Option<PrimaryNeed>,
    /// `CINclosureDate` and `ReasonForClosure`, which always come together.
    pub closure: Option<(NaiveDate, ReasonForClosure)>,
    /// `DateOfInitialCPC` at this level: a conference with no section 47 enquiry in the
    /// return (a transfer in from another council).
    pub initial_conference: Option<NaiveDate>,
    /// `Assessments`.
    pub assessments: Vec<CensusAssessment>,
    /// `CINPlanDates`: start and end.
    pub cin_plans: Vec<(NaiveDate, Option<NaiveDate>)>,
    /// `Section47`.
    pub enquiries: Vec<CensusSection47>,
    /// `ReferralNFA`.
    pub no_further_action: bool,
    /// `ChildProtectionPlans`.
    pub cp_plans: Vec<CensusCpPlan>,
}

/// `Assessments`: a child and family assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CensusAssessment {
    /// `AssessmentActualStartDate`.
    pub start: NaiveDate,
    /// `AssessmentAuthorisationDate`: the census counts an assessment complete when a
    /// manager authorises it.
    pub authorised: Option<NaiveDate>,
    /// `AssessmentFactors`, only for a completed assessment.
    pub factors: Vec<AssessmentFactor>,
}

/// `Section47`: a section 47 enquiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CensusSection47 {
    /// `S47ActualStartDate`.
    pub start: NaiveDate,
    /// `DateOfInitialCPC`.
    pub conference: Option<NaiveDate>,
    /// `ICPCnotRequired`.
    pub conference_not_required: bool,
}

/// `ChildProtectionPlans`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CensusCpPlan {
    /// `CPPstartDate`.
    pub start: NaiveDate,
    /// `CPPendDate`.
    pub end: Option<NaiveDate>,
    /// `InitialCategoryOfAbuse`.
    pub initial_category: CategoryOfAbuse,
    /// `LatestCategoryOfAbuse`.
    pub latest_category: CategoryOfAbuse,
    /// `NumberOfPreviousCPP`.
    pub previous_plans: u32,
    /// `CPPreviewDate`s: the review conferences held in the year.
    pub reviews: Vec<NaiveDate>,
}

/// Why a census cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CensusError {
    /// The year is before the specification Hearth writes.
    #[error(
        "collection year {0} used the old GenderCurrent codes; Hearth writes the census from {FIRST_YEAR_WITH_SEX} (2024/25) on"
    )]
    YearNotSupported(CollectionYear),
}

impl Census {
    /// An empty return.
    pub fn new(year: CollectionYear, la: LaNumber) -> Result<Census, CensusError> {
        if year.ending_year() < FIRST_YEAR_WITH_SEX {
            return Err(CensusError::YearNotSupported(year));
        }
        Ok(Census {
            year,
            la,
            children: Vec::new(),
        })
    }
}
