//! Statutory returns built straight from the record: the CIN census (XML), the SSDA903
//! tables (CSV) and Ofsted's Annex A lists (xlsx), and importers that turn a council's last
//! returns back into commands on the record.
//!
//! Pure: builders take folded records, a collection year or an as-at date and give bytes;
//! importers take bytes and give commands or located reasons. The binary does the reading
//! and writing of files and of the store.

pub mod annex_a;
pub mod cin;
pub mod council;
pub mod ssda903;
pub mod year;

pub use year::{CollectionYear, YearError};
