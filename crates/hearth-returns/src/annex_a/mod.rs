//! Ofsted's ILACS Annex A: the eleven lists an inspection asks for, read from the record as
//! at a date and written as one xlsx workbook (docs/returns.md, "Annex A").
//!
//! [`Builder`] takes folded child records one at a time and adopter households, with the
//! workforce for team and worker names, and gives an [`AnnexA`]: a header and rows of
//! [`Cell`]s for each [`List`]. [`AnnexA::to_xlsx`] writes the workbook into memory.

mod labels;
mod lists;
mod xlsx;

#[cfg(test)]
mod tests;

use chrono::{Months, NaiveDate};
use hearth_domain::AdopterId;
use hearth_domain::child::ChildRecord;
use hearth_domain::directory::{Adopter, Directory};

pub use labels::CaseStatus;

/// One of Ofsted's lists, each a sheet of the workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum List {
    /// List 1: contacts in the six months.
    Contacts,
    /// List 2: early help assessments in the six months.
    EarlyHelp,
    /// List 3: referrals in the six months.
    Referrals,
    /// List 4: social work assessments open in the six months.
    Assessments,
    /// List 5: section 47 enquiries started in the six months, and their conferences.
    Section47,
    /// List 6: children in need, episodes open in the six months.
    ChildrenInNeed,
    /// List 7: child protection plans open in the six months.
    ChildProtection,
    /// List 8: children looked after in the six months.
    LookedAfter,
    /// List 9: care leavers at the date.
    CareLeavers,
    /// List 10: children with an adoption plan in the six months.
    Adoption,
    /// List 11: adopter households in the process in the six months.
    Adopters,
}

/// The columns every list about a child starts with.
const CHILD: [&str; 5] = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
];

const ALLOCATED: [&str; 2] = ["Allocated Team", "Allocated Worker"];

const DISABILITY: &str = "Does the Child have a Disability";

impl List {
    /// Every list, in the workbook's order.
    pub const ALL: [List; 11] = [
        List::Contacts,
        List::EarlyHelp,
        List::Referrals,
        List::Assessments,
        List::Section47,
        List::ChildrenInNeed,
        List::ChildProtection,
        List::LookedAfter,
        List::CareLeavers,
        List::Adoption,
        List::Adopters,
    ];

    /// Ofsted's number for the list.
    pub fn number(self) -> usize {
        self as usize + 1
    }

    /// The sheet's name: `List 1` to `List 11`.
    pub fn sheet(self) -> String {
        format!("List {}", self.number())
    }

    /// The header row, in Ofsted's wording.
    pub fn headers(self) -> Vec<&'static str> {
        let with = |extra: &[&'static str]| {
            let mut h = CHILD.to_vec();
            h.extend_from_slice(extra);
            h
        };
        match self {
            List::Contacts => with(&["Date of Contact", "Contact Source"]),
            List::EarlyHelp => with(&[
                "Assessment start date",
                "Assessment completion date",
                "Organisation completing assessment",
            ]),
            List::Referrals => with(&[
                "Date of referral",
                "Referral Source",
                "Referral NFA?",
                "Number of Referrals in Last 12 Months",
                ALLOCATED[0],
                ALLOCATED[1],
            ]),
            List::Assessments => with(&[
                DISABILITY,
                "Continuous Assessment Start Date",
                "Child Seen During Continuous Assessment",
                "Continuous Assessment Date of Authorisation",
                "Was the child assessed as requiring LA children's social care support?",
                ALLOCATED[0],
                ALLOCATED[1],
            ]),
            List::Section47 => with(&[
                DISABILITY,
                "Strategy discussion initiating Section 47 Enquiry Start Date",
                "Was an Initial Child Protection Conference deemed unnecessary?",
                "Date of Initial Child Protection Conference",
                "Did the Initial Child Protection Conference Result in a Child Protection Plan",
                "Number of Section 47 Enquiries in the last 12 months",
                "Number of ICPCs in the last 12 months",
                ALLOCATED[0],
                ALLOCATED[1],
            ]),
            List::ChildrenInNeed => with(&[
                DISABILITY,
                "CIN Start Date",
                "Primary Need Code",
                "Date Child Was Last Seen",
                "CIN Closure Date",
                "Reason for Closure",
                "Case Status",
                ALLOCATED[0],
                ALLOCATED[1],
            ]),
            List::ChildProtection => with(&[
                DISABILITY,
                "Child Protection Plan Start Date",
                "Initial Category of Abuse",
                "Latest Category of Abuse",
                "Date of the Last Statutory Visit",
                "Was the Child Seen Alone?",
                "Date of latest review conference",
                "Child Protection Plan End Date",
                "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
                "Number of Previous Child Protection Plans",
                ALLOCATED[0],
                ALLOCATED[1],
            ]),
            List::LookedAfter => with(&[
                "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
                DISABILITY,
                "Date Started to be Looked After",
                "Child's Category of Need",
                "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
                "Start date of current legal status",
                "Child's Legal Status",
                "Date of Latest Statutory Review",
                "Date of Last Social Work Visit",
                "What is the permanence plan for this child?",
                "Date of Last IRO Visit / Contact to the Child",
                "Date of Last Health Assessment",
                "Date of Last Dental Check",
                "Number of Placements in the Last 12 months",
                "Date Ceased to be Looked After",
                "Reason Ceased to be Looked After",
                "Start Date of Most Recent Placement",
                "Placement Type",
                "Placement Provider",
                "Placement postcode",
                "URN of Placement",
                "Placement Location",
                "LA of Placement",
                "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
                "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
                "Was the child offered a Return Interview after their last missing episode (Y/N)?",
                "Did the child accept a Return Interview after their last missing episode (Y/N)?",
                ALLOCATED[0],
                ALLOCATED[1],
            ]),
            List::CareLeavers => with(&[
                DISABILITY,
                ALLOCATED[0],
                ALLOCATED[1],
                "Eligibility Category",
                "LA in Touch",
                "Type of Accommodation",
                "Suitability of Accommodation",
                "Activity Status",
            ]),
            List::Adoption => {
                let mut h = vec![CHILD[0], "Family identifier"];
                h.extend_from_slice(&CHILD[1..]);
                h.extend_from_slice(&[
                    DISABILITY,
                    "Date the Child Entered Care",
                    "Date of Decision that Child Should be Placed for Adoption",
                    "Date of Placement Order",
                    "Date of Matching Child and Prospective Adopters",
                    "Date Placed for Adoption",
                    "Date of Adoption Order",
                    "Date of Decision that Child Should No Longer be Placed for Adoption",
                    "Reason Why Child No Longer Placed for Adoption",
                    "Date the child was placed for fostering in FFA or concurrent planning placement",
                ]);
                h
            }
            List::Adopters => vec![
                "Individual adopter identifier",
                "Family identifier",
                "Gender",
                "Ethnicity",
                "Disability",
                "Is the (prospective) adopter fostering for adoption?",
                "Date enquiry received",
                "Date Stage 1 started",
                "Date Stage 1 ended",
                "Date Stage 2 started",
                "Date Stage 2 ended",
                "Date application submitted",
                "Date application approved",
                "Date adopter matched with child(ren)",
                "Date child/children placed with adopter(s)",
                "No. of children placed",
                "Date of Adoption Order",
                "Date of leaving adoption process",
                "Reason for leaving adoption process",
            ],
        }
    }

    /// The position of a column in the list, by its header.
    pub fn column(self, header: &str) -> Option<usize> {
        self.headers().iter().position(|h| *h == header)
    }
}

/// One cell of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Nothing recorded, or not applicable.
    Blank,
    /// Words: an id, a name or one of Ofsted's labels.
    Text(String),
    /// A date, written as a real Excel date.
    Date(NaiveDate),
    /// A whole number: an age or a count.
    Number(i64),
}

impl Cell {
    /// The text, if the cell holds words.
    pub fn text(&self) -> Option<&str> {
        match self {
            Cell::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The date, if the cell holds one.
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Cell::Date(d) => Some(*d),
            _ => None,
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Cell {
        Cell::Date(d)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map_or(Cell::Blank, Into::into)
    }
}

/// A row of a list, in the order of its headers.
pub type Row = Vec<Cell>;

/// The dates Annex A is read over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The as-at date: nothing after it has happened yet.
    pub as_at: NaiveDate,
    /// The first day of the six months the activity lists cover.
    pub six_months: NaiveDate,
    /// The first day of the twelve months the counts cover.
    pub twelve_months: NaiveDate,
}

impl Window {
    /// The six and twelve months that end on the as-at date, both ends included.
    pub fn ending(as_at: NaiveDate) -> Window {
        let back = |m: u32| {
            as_at
                .checked_sub_months(Months::new(m))
                .and_then(|d| d.succ_opt())
                // Only a date at the very start of chrono's range has no such day.
                .unwrap_or(NaiveDate::MIN)
        };
        Window {
            as_at,
            six_months: back(6),
            twelve_months: back(12),
        }
    }
}

/// The eleven lists as at a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnexA {
    /// The dates the lists were read over.
    pub window: Window,
    lists: Vec<Vec<Row>>,
}

impl AnnexA {
    /// The rows of a list.
    pub fn rows(&self, list: List) -> &[Row] {
        self.lists
            .get(list as usize)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The workbook: one sheet per list, header row first.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, AnnexAError> {
        xlsx::write(self)
    }
}

/// Why the workbook could not be written.
#[derive(Debug, thiserror::Error)]
#[error("the Annex A workbook could not be written: {0}")]
pub struct AnnexAError(#[from] rust_xlsxwriter::XlsxError);

/// Builds the lists one child at a time, so that a region's children need not be held
/// together: `add` each folded record and each adopter household, then `finish`.
pub struct Builder<'d> {
    window: Window,
    staff: &'d dyn Directory,
    council_areas: Vec<String>,
    lists: Vec<Vec<Row>>,
}

impl<'d> Builder<'d> {
    /// Starts the lists as at a date; `staff` names the teams and workers.
    pub fn new(as_at: NaiveDate, staff: &'d dyn Directory) -> Builder<'d> {
        Builder {
            window: Window::ending(as_at),
            staff,
            council_areas: Vec::new(),
            lists: vec![Vec::new(); List::ALL.len()],
        }
    }

    /// The council's postcode areas (`BR`), for placing a child with no home postcode in
    /// or out of the area.
    pub fn council_postcode_areas(mut self, areas: impl IntoIterator<Item = String>) -> Self {
        self.council_areas = areas
            .into_iter()
            .map(|a| a.trim().to_ascii_uppercase())
            .collect();
        self
    }

    /// Adds a child's rows to every list they belong on.
    pub fn add(&mut self, record: &ChildRecord) {
        for (list, row) in lists::child_rows(record, self.staff, &self.council_areas, self.window) {
            self.push(list, row);
        }
    }

    /// Adds an adopter household's rows (one per adopter) to List 11.
    pub fn add_adopter(&mut self, id: &AdopterId, adopter: &Adopter) {
        for row in lists::adopter_rows(id, adopter, self.window) {
            self.push(List::Adopters, row);
        }
    }

    fn push(&mut self, list: List, row: Row) {
        if let Some(rows) = self.lists.get_mut(list as usize) {
            rows.push(row);
        }
    }

    /// The lists.
    pub fn finish(self) -> AnnexA {
        AnnexA {
            window: self.window,
            lists: self.lists,
        }
    }
}

/// Builds the lists from folded records and adopter households, in the order given.
pub fn build<'r>(
    records: impl IntoIterator<Item = &'r ChildRecord>,
    adopters: &[(AdopterId, Adopter)],
    staff: &dyn Directory,
    as_at: NaiveDate,
) -> AnnexA {
    let mut b = Builder::new(as_at, staff);
    for r in records {
        b.add(r);
    }
    for (id, a) in adopters {
        b.add_adopter(id, a);
    }
    b.finish()
}
