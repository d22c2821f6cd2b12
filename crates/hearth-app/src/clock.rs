//! Where the application reads the time. The binary passes the system clock; tests pass a
//! fixed instant, so nothing below the edge reads the clock itself.

use std::sync::Arc;

use hearth_domain::Timestamp;

/// The time source, read once per decision.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> Timestamp + Send + Sync>);

impl Clock {
    /// A clock that calls `now` each time it is read.
    pub fn new(now: impl Fn() -> Timestamp + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now))
    }

    /// A clock stopped at `at`, for tests and reproducible runs.
    pub fn fixed(at: Timestamp) -> Clock {
        Clock::new(move || at)
    }

    /// The time now.
    pub fn now(&self) -> Timestamp {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}
