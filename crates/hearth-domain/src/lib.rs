//! The child's record, pure: people, journey events, national code lists, folding and the
//! rules every change must keep. No I/O and no clock: the caller passes every instant in.

pub mod child;
pub mod codes;
pub mod directory;
pub mod event;
pub mod ids;
pub mod interchange;
pub mod located;
pub mod people;
pub mod rules;
pub mod supervision;
pub mod time;
pub mod values;
pub mod vocabulary;
pub mod words;

pub use child::{ChildEvent, ChildRecord, ChildStream};
pub use event::{Actor, EventKind, Recorded, Stored};
pub use ids::{
    AdopterId, ChildId, FamilyId, PersonId, ProfessionalId, StaffId, StreamId, StreamKind, TeamId,
};
pub use rules::{Refusal, Rule, RuleViolation};
pub use time::Timestamp;
