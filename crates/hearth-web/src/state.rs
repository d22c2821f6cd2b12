//! What every request can reach: the application (record, workforce, standards, clock),
//! and the pages' settings. Sessions are the application's, kept in the store.

use std::sync::Arc;

use hearth_app::App;

use crate::due::DueCache;

/// How the application is run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Mark cookies `Secure` and give them the `__Host-` prefix (true whenever the app is
    /// reached over HTTPS, or on `localhost`, which browsers treat as secure).
    pub secure_cookies: bool,
    /// The council's shown name.
    pub council_name: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            secure_cookies: true,
            council_name: "Hearth".into(),
        }
    }
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub(crate) app: Arc<App>,
    pub(crate) due: Arc<DueCache>,
    pub(crate) settings: Arc<Settings>,
}

impl AppState {
    /// The web application over an application layer built once by the caller.
    pub fn new(app: Arc<App>, settings: Settings) -> AppState {
        AppState {
            app,
            due: Arc::new(DueCache::default()),
            settings: Arc::new(settings),
        }
    }
}
