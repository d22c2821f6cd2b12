//! The one place the binary reads the clock: library code is given instants as parameters.

use hearth_domain::Timestamp;

/// Now, as a store instant.
#[allow(clippy::disallowed_methods)]
pub fn now() -> Timestamp {
    Timestamp::from_utc(chrono::Utc::now())
}
