//! Documents people can read, as tagged PDF/UA-1: the child's own plan in three age bands and
//! the plan for the family. Pure: a view model and nothing else in, PDF bytes and the
//! document's text out; no file system, network or clock at render time.
//!
//! See `model` for the contract between the caller (who decides what each reader may see)
//! and the crate, and `docs/documents.md` for the design.

mod fonts;
pub mod model;
pub mod readability;
mod render;
pub mod sample;
mod world;

pub use fonts::FAMILY;
pub use model::{
    Action, AgeBand, ChildFacts, ChildPlan, ChildWords, Contact, FamilyPlan, Helper, Medicine,
    Meeting, MeetingKind, NextStep, Outcome, PlacementInformation, Risk,
};
pub use render::{DocumentError, Rendered, Renderer};
