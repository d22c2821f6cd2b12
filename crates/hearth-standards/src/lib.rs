//! Practice standards as a clock. The working-day calendar of England and Wales; rulesets
//! read from TOML into typed rules; and the evaluation of a child's folded record into
//! obligations, each with a due date, a status as at a date, and the reasons for both.
//!
//! Pure: no I/O, no clock and no randomness. The as-at instant is a parameter, and rulesets
//! are parsed from text the caller supplies (the shipped ones are compiled in).

pub mod calendar;
pub mod evaluate;
mod facts;
pub mod obligation;
pub mod period;
pub mod reconcile;
pub mod ruleset;
mod spans;
pub mod supervision;
pub mod vocabulary;

pub use calendar::{BankHoliday, Calendar};
pub use evaluate::{AsAt, ChildEvaluation, EvaluationError, evaluate, is_open};
pub use obligation::{Missed, Obligation, Status, StatusKind};
pub use period::{Age, Due, Period};
pub use reconcile::{Reconciliation, RuleFigures};
pub use ruleset::{LoadError, Rule, Ruleset};
