//! What every request can reach: the application (record, workforce, standards, clock),
//! the sessions and the pages' settings.

use std::sync::Arc;
use std::time::Duration;

use hearth_app::App;

use crate::auth::Sessions;
use crate::due::DueCache;

/// How the application is run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Mark cookies `Secure` (true whenever the app is reached over HTTPS).
    pub secure_cookies: bool,
    /// A session ends after this long without a request.
    pub idle_timeout: Duration,
    /// The council's shown name.
    pub council_name: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            secure_cookies: true,
            idle_timeout: Duration::from_secs(30 * 60),
            council_name: "Hearth".into(),
        }
    }
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub(crate) app: Arc<App>,
    pub(crate) sessions: Arc<Sessions>,
    pub(crate) due: Arc<DueCache>,
    pub(crate) settings: Arc<Settings>,
}

impl AppState {
    /// The web application over an application layer built once by the caller.
    pub fn new(app: Arc<App>, settings: Settings) -> AppState {
        AppState {
            app,
            sessions: Arc::new(Sessions::new(settings.idle_timeout)),
            due: Arc::new(DueCache::default()),
            settings: Arc::new(settings),
        }
    }
}
