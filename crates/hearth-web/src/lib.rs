//! The casework web application. Server-rendered pages (askama, GOV.UK Frontend) over the
//! record, working without JavaScript.
//!
//! Every request that touches a child's record goes through `hearth-app`, where access is
//! decided (its `policy`) and every view of a record is written to the access log in the same
//! transaction as the read. This crate turns requests into its calls and its answers into
//! pages.

mod assets;
pub mod auth;
mod chart;
mod due;
mod error;
mod pages;
mod security;
mod state;

use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use tower_http::trace::TraceLayer;

pub use error::WebError;
pub use hearth_app::Clock;
pub use hearth_app::identity::{hash_password, verify_password};
pub use state::{AppState, Settings};

/// Every recording form's address (`/children/{id}/record/{slug}`) and whether only managers
/// record it: for tests and tools that walk the whole catalogue.
pub fn recording_forms() -> Vec<(&'static str, bool)> {
    pages::forms::FORMS
        .iter()
        .map(|f| (f.slug, f.who == hearth_app::policy::Who::Managers))
        .collect()
}

/// Every route of the application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::my_work::page))
        .route("/health", get(pages::health))
        .route("/sign-in", get(auth::sign_in_page).post(auth::sign_in))
        .route("/sign-out", post(auth::sign_out))
        .route("/sessions", get(pages::sessions::page))
        .route("/sessions/{id}/end", post(pages::sessions::end))
        .route(
            "/children/new",
            get(pages::register::form).post(pages::register::submit),
        )
        .route("/children/{id}", get(pages::child::page))
        .route(
            "/children/{id}/allocate",
            get(pages::allocate::form).post(pages::allocate::submit),
        )
        .route(
            "/children/{id}/authorise-assessment",
            post(pages::authorise::submit),
        )
        .route("/children/{id}/record", get(pages::record::menu))
        .route(
            "/children/{id}/record/{kind}",
            get(pages::record::form).post(pages::record::submit),
        )
        .route("/children/{id}/file/search", get(pages::casefile::search))
        .route("/children/{id}/file/{part}", get(pages::casefile::page))
        .route(
            "/children/{id}/network/add",
            get(pages::network::add_adult_form).post(pages::network::add_adult),
        )
        .route(
            "/children/{id}/network/{person}/change",
            get(pages::network::change_member_form).post(pages::network::change_member),
        )
        .route(
            "/children/{id}/network/{person}/remove",
            get(pages::network::remove_member_form).post(pages::network::remove_member),
        )
        .route(
            "/children/{id}/professionals/add",
            get(pages::network::add_professional_form).post(pages::network::add_professional),
        )
        .route(
            "/children/{id}/professionals/{professional}/end",
            get(pages::network::end_professional_form).post(pages::network::end_professional),
        )
        .route(
            "/children/{id}/details",
            get(pages::network::details_form).post(pages::network::amend_details),
        )
        .route(
            "/children/{id}/address",
            get(pages::network::address_form).post(pages::network::change_address),
        )
        .route(
            "/children/{id}/correct/{version}",
            get(pages::correct::form).post(pages::correct::submit),
        )
        .route("/search", get(pages::search::page))
        .route(
            "/accounts",
            get(pages::accounts::page).post(pages::accounts::create),
        )
        .route(
            "/accounts/{username}/{change}",
            post(pages::accounts::change),
        )
        .route("/team", get(pages::team::page))
        .route("/reviewing", get(pages::reviewing::page))
        .route(
            "/returns",
            get(pages::returns::page).post(pages::returns::start),
        )
        .route("/returns/{id}/download", get(pages::returns::download))
        .route("/digest", get(pages::digest::page))
        .route("/digest/workbook.xlsx", get(pages::digest::workbook))
        .route("/digest/{id}", get(pages::digest::indicator))
        .route("/digest/{id}/{month}", get(pages::digest::children))
        .route("/assurance", get(pages::assurance::overview))
        .route(
            "/assurance/select",
            get(pages::assurance::select_form).post(pages::assurance::select_submit),
        )
        .route("/assurance/report", get(pages::assurance::report))
        .route("/assurance/report.xlsx", get(pages::assurance::workbook))
        .route("/assurance/audits", get(pages::assurance::list))
        .route(
            "/assurance/audits/{id}",
            get(pages::assurance::audit).post(pages::assurance::record),
        )
        .route("/supervision", get(pages::supervision::list))
        .route(
            "/supervision/{worker}",
            get(pages::supervision::file).post(pages::supervision::record),
        )
        .route(
            "/supervision/{worker}/sessions/{session}/acknowledge",
            post(pages::supervision::acknowledge),
        )
        .route(
            "/supervision/{worker}/actions/{action}/done",
            post(pages::supervision::complete),
        )
        .route("/service", get(pages::service::page))
        .route(
            "/children/{id}/handover",
            get(pages::handover::page).post(pages::handover::submit),
        )
        .route("/assets/{file}", get(assets::serve))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::signed_in_not_found,
        ))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(answered),
        )
        .with_state(state)
}

/// A span for each request: its method, the route it matched (the pattern, never the path,
/// so no child's or person's id is logged), and, once answered, the status and how long it
/// took. What is logged while answering (an internal error, say) is logged inside it.
fn request_span(request: &axum::extract::Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched", axum::extract::MatchedPath::as_str);
    tracing::info_span!(
        "request",
        method = %request.method(),
        route,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    )
}

fn answered(response: &axum::response::Response, latency: Duration, span: &tracing::Span) {
    span.record("status", response.status().as_u16());
    span.record(
        "latency_ms",
        u64::try_from(latency.as_millis()).unwrap_or(u64::MAX),
    );
    tracing::debug!("answered");
}

/// Serves the application on a listener until the process is stopped.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    // The peer's address reaches the handlers, for throttling sign-in by address.
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .await
}
