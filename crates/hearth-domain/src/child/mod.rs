//! A child's record: the events of their journey, the folded record, and the rules.

mod check;
mod events;
mod state;
mod stream;
#[cfg(test)]
mod tests;

pub use check::check_details;
pub use events::{ChildEvent, Reference, Replacement};
pub use state::*;
pub use stream::{ChildStream, Standing, fold};
