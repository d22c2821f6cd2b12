//! The performance scorecard. Indicators are data: a scorecard file (TOML) names each one's
//! measure in the record's vocabulary (a practice standard's obligations met on time, or a
//! fact of the folded record), its period, its target, which direction is good and its
//! red, amber and green thresholds. The digest computes every indicator for each of the last
//! months from the same folded records as the returns, and keeps, for every figure, the
//! children behind it and the events that counted, so that any number drills down.
//!
//! Pure: no I/O, no clock and no randomness. The as-at date is a parameter; scorecards are
//! parsed from text the caller supplies (the shipped one is compiled in).

pub mod comparators;
pub mod digest;
pub mod improvement;
pub mod measure;
pub mod month;
pub mod scorecard;
pub mod workbook;

pub use comparators::{Comparator, Comparators};
pub use digest::{
    Anomaly, Contribution, Counted, Digest, DigestBuilder, Evidence, Figure, Rag, Series,
};
pub use hearth_domain::located::LoadError;
pub use improvement::{ImprovementEvent, ImprovementPlan, ImprovementRule, PlanStatus};
pub use measure::{Measure, Shape, Window};
pub use month::Month;
pub use scorecard::{Better, Definition, Indicator, PeriodKind, Scorecard, Thresholds};
