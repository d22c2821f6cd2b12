//! Documents people can read: the view models of the child's own plan and the plan for the
//! family, and the reading-level check their wording must pass. Pure: no file system,
//! network or clock. Rendering to PDF follows.
//!
//! See `model` for the contract between the caller (who decides what each reader may see)
//! and the crate, and `docs/documents.md` for the design.

pub mod model;
pub mod readability;
pub mod sample;

pub use model::{
    Action, AgeBand, ChildFacts, ChildPlan, ChildWords, Contact, FamilyPlan, Helper, Meeting,
    MeetingKind, NextStep, Outcome,
};
