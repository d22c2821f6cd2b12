//! What every request can reach: the record, the workforce, the standards and the sessions.

use std::sync::Arc;
use std::time::Duration;

use hearth_app::records::Records;
use hearth_domain::Timestamp;
use hearth_domain::directory::MemoryDirectory;
use hearth_standards::{Calendar, Ruleset};
use tokio::sync::RwLock;

use crate::auth::Sessions;
use crate::due::DueCache;
use crate::streams::StreamCache;
use crate::views::ViewLog;

/// Where the application reads the time. The binary passes the system clock; tests pass a
/// fixed instant.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> Timestamp + Send + Sync>);

impl Clock {
    /// A clock that calls `now` each time it is read.
    pub fn new(now: impl Fn() -> Timestamp + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now))
    }

    /// The time now.
    pub fn now(&self) -> Timestamp {
        (self.0)()
    }
}

/// How the application is run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Mark cookies `Secure` (true whenever the app is reached over HTTPS).
    pub secure_cookies: bool,
    /// A session ends after this long without a request.
    pub idle_timeout: Duration,
    /// The council's shown name.
    pub council_name: String,
    /// The most open cases a worker should hold (Bromley's promise is 15).
    pub caseload_promise: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            secure_cookies: true,
            idle_timeout: Duration::from_secs(30 * 60),
            council_name: "Hearth".into(),
            caseload_promise: 15,
        }
    }
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub(crate) records: Arc<Records>,
    pub(crate) workforce: Arc<RwLock<MemoryDirectory>>,
    pub(crate) ruleset: Arc<Ruleset>,
    pub(crate) calendar: Arc<Calendar>,
    pub(crate) sessions: Arc<Sessions>,
    pub(crate) due: Arc<DueCache>,
    pub(crate) streams: Arc<StreamCache>,
    pub(crate) views: Arc<ViewLog>,
    pub(crate) clock: Clock,
    pub(crate) settings: Arc<Settings>,
}

impl AppState {
    /// Opens the application over a store: reads the workforce once (it is small and changes
    /// rarely) and keeps the ruleset the pages measure against.
    pub async fn new(
        records: Records,
        ruleset: Ruleset,
        clock: Clock,
        settings: Settings,
    ) -> Result<AppState, hearth_store::StoreError> {
        let workforce = hearth_store::reading::workforce(records.store()).await?;
        let records = Arc::new(records);
        Ok(AppState {
            views: Arc::new(ViewLog::start(Arc::clone(&records))),
            records,
            workforce: Arc::new(RwLock::new(workforce)),
            ruleset: Arc::new(ruleset),
            calendar: Arc::new(Calendar::england_and_wales()),
            sessions: Arc::new(Sessions::new(settings.idle_timeout)),
            due: Arc::new(DueCache::default()),
            streams: Arc::new(StreamCache::default()),
            clock,
            settings: Arc::new(settings),
        })
    }
}
