//! The SSDA903 return: looked-after children, care leavers and adoptions, as one CSV file per
//! table. `build` projects folded records onto the tables of a collection year; `import`
//! reads a council's tables back into journeys for the record's own import.
//!
//! `docs/returns-ssda903.md` says where every column comes from in the record.

mod build;
mod csv;
mod import;

pub use build::{Builder, Figures, build};
pub use csv::CsvError;
pub use import::{AUTHOR, ImportError, Imported, ImportedChild, Located, MANAGER, TEAM, import};

use crate::CollectionYear;

/// The date format of every 903 date column.
pub(crate) const DATE: &str = "%d/%m/%Y";

/// One table of the return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// One row per child in any other table: who the child is.
    Header,
    /// Looked-after episodes.
    Episodes,
    /// Looked-after reviews held in the year.
    Reviews,
    /// Unaccompanied asylum-seeking children.
    Uasc,
    /// Outcomes for children looked after for twelve months at 31 March.
    Oc2,
    /// Care leavers around their 17th to 21st birthdays.
    Oc3,
    /// Children adopted in the year.
    Ad1,
    /// Decisions that a child should be placed for adoption.
    PlacedAdoption,
    /// Permanence orders before a period of care that started in the year.
    PrevPerm,
    /// Missing or away from placement without authorisation.
    Missing,
    /// Social worker episodes (from 2023/24).
    SwEpisodes,
    /// Deprivation of liberty orders (from 2026/27).
    DoLo,
}

impl Table {
    /// Every table, in the order the files are written.
    pub const ALL: &'static [Table] = &[
        Table::Header,
        Table::Episodes,
        Table::Reviews,
        Table::Uasc,
        Table::Oc2,
        Table::Oc3,
        Table::Ad1,
        Table::PlacedAdoption,
        Table::PrevPerm,
        Table::Missing,
        Table::SwEpisodes,
        Table::DoLo,
    ];

    /// The file the table is written to.
    pub const fn file_name(self) -> &'static str {
        match self {
            Table::Header => "header.csv",
            Table::Episodes => "episodes.csv",
            Table::Reviews => "reviews.csv",
            Table::Uasc => "uasc.csv",
            Table::Oc2 => "oc2.csv",
            Table::Oc3 => "oc3.csv",
            Table::Ad1 => "ad1.csv",
            Table::PlacedAdoption => "placed_for_adoption.csv",
            Table::PrevPerm => "previous_permanence.csv",
            Table::Missing => "missing.csv",
            Table::SwEpisodes => "sw_episodes.csv",
            Table::DoLo => "dolo.csv",
        }
    }

    /// The table's name in DfE's specification.
    pub const fn name(self) -> &'static str {
        match self {
            Table::Header => "Header",
            Table::Episodes => "Episodes",
            Table::Reviews => "Reviews",
            Table::Uasc => "UASC",
            Table::Oc2 => "OC2",
            Table::Oc3 => "OC3",
            Table::Ad1 => "AD1",
            Table::PlacedAdoption => "PlacedAdoption",
            Table::PrevPerm => "PrevPerm",
            Table::Missing => "Missing",
            Table::SwEpisodes => "SWEpisodes",
            Table::DoLo => "DoLo",
        }
    }

    /// The columns, in the order they are written.
    pub const fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Header => &["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
            Table::Episodes => &[
                "CHILD",
                "DECOM",
                "RNE",
                "LS",
                "CIN",
                "PLACE",
                "PLACE_PROVIDER",
                "DEC",
                "REC",
                "REASON_PLACE_CHANGE",
                "HOME_POST",
                "PL_POST",
                "URN",
            ],
            Table::Reviews => &["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
            Table::Uasc => &["CHILD", "SEX", "DOB", "DUC"],
            Table::Oc2 => &[
                "CHILD",
                "DOB",
                "SDQ_SCORE",
                "SDQ_REASON",
                "CONVICTED",
                "HEALTH_CHECK",
                "IMMUNISATIONS",
                "TEETH_CHECK",
                "HEALTH_ASSESSMENT",
                "SUBSTANCE_MISUSE",
                "INTERVENTION_RECEIVED",
                "INTERVENTION_OFFERED",
            ],
            Table::Oc3 => &["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
            Table::Ad1 => &[
                "CHILD",
                "DOB",
                "DATE_INT",
                "DATE_MATCH",
                "FOSTER_CARE",
                "NB_ADOPTR",
                "SEX_ADOPTR",
                "LS_ADOPTR",
            ],
            Table::PlacedAdoption => &[
                "CHILD",
                "DOB",
                "DATE_PLACED",
                "DATE_PLACED_CEASED",
                "REASON_PLACED_CEASED",
            ],
            Table::PrevPerm => &["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
            Table::Missing => &["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
            Table::SwEpisodes => &["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
            Table::DoLo => &["CHILD", "DOB", "DOLO_START", "DOLO_END"],
        }
    }

    /// Whether the table is part of a year's return: social worker episodes were added in
    /// 2023/24 and deprivation of liberty orders in 2026/27.
    pub fn in_year(self, year: CollectionYear) -> bool {
        match self {
            Table::SwEpisodes => year.ending_year() >= 2024,
            Table::DoLo => year.ending_year() >= 2027,
            _ => true,
        }
    }

    /// The tables of a year's return, in file order.
    pub fn of_year(year: CollectionYear) -> impl Iterator<Item = Table> {
        Table::ALL.iter().copied().filter(move |t| t.in_year(year))
    }

    /// The table whose columns are exactly these, in any order.
    pub fn with_columns(columns: &[&str]) -> Option<Table> {
        Table::ALL.iter().copied().find(|t| {
            let mine = t.columns();
            mine.len() == columns.len() && mine.iter().all(|c| columns.contains(c))
        })
    }
}

/// A year's return: every table of the year, each with its rows (values in column order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ssda903 {
    /// The collection year.
    pub year: CollectionYear,
    /// Each table of the year and its rows, in file order.
    pub tables: Vec<(Table, Vec<Vec<String>>)>,
}

impl Ssda903 {
    /// The rows of a table (none if the table is not part of the year).
    pub fn rows(&self, table: Table) -> &[Vec<String>] {
        self.tables
            .iter()
            .find(|(t, _)| *t == table)
            .map_or(&[][..], |(_, rows)| rows.as_slice())
    }

    /// Each table as a file: its name and its bytes. Every table of the year is written,
    /// with just its header line when it has no rows, because the validators skip the
    /// rules of a table that is absent.
    pub fn files(&self) -> Vec<(&'static str, Vec<u8>)> {
        self.tables
            .iter()
            .map(|(t, rows)| (t.file_name(), csv::write(t.columns(), rows)))
            .collect()
    }
}
