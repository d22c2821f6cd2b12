//! Practice assurance, pure: audit templates read from TOML into typed templates; the audit
//! record as events in its own stream, folded and checked by named rules; the seeded,
//! reproducible selection of cases; deadlines and improvement actions on the working-day
//! clock; moderation statistics; and the quarterly Performance and Quality report with its
//! workbook.
//!
//! No I/O, no clock: dates and instants are parameters, templates are parsed from text the
//! caller supplies (the shipped ones are compiled in), and a draw's randomness comes from
//! its seed.

mod vocabulary;

pub mod audit;
pub mod check;
pub mod clock;
pub mod codes;
pub mod event;
pub mod facts;
pub mod ids;
pub mod moderation;
pub mod report;
pub mod selection;
pub mod sheet;
pub mod template;

#[cfg(test)]
mod testing;

pub use audit::{Audit, Sight};
pub use check::{AuditRefusal, AuditRule, AuditViolation, Context, append, check};
pub use codes::{Point, Scale};
pub use event::AuditEvent;
pub use ids::{ActionNo, AuditId, Grade, Month, Seed};
pub use selection::{Group, Selection, Subject};
pub use template::{LoadError, Template};
pub use vocabulary::{AuditKind, Basis, CaseState, GroupBy, Method, ScopeEvent, SubjectKind};
