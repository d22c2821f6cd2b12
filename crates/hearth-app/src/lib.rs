//! The application layer, between the pure crates and the edges (the web pages, the command
//! line, later an API). It knows no HTML and no HTTP.
//!
//! [`records::Records`] loads a record, checks a command against the domain's rules and
//! appends the accepted events with their projections through the store.

pub mod records;
