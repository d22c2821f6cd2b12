//! The front-end assets, built from the npm packages by build.rs and embedded in the binary,
//! so that the app serves them wherever it runs.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::WebError;

const CSS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/hearth.css"));
const GOVUK_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/govuk-frontend.min.js"));
const HEARTH_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/hearth.js"));

/// Serves one asset by name.
pub async fn serve(Path(file): Path<String>) -> Result<Response, WebError> {
    let (body, kind) = match file.as_str() {
        "hearth.css" => (CSS, "text/css; charset=utf-8"),
        "govuk-frontend.min.js" => (GOVUK_JS, "text/javascript; charset=utf-8"),
        "hearth.js" => (HEARTH_JS, "text/javascript; charset=utf-8"),
        _ => return Err(WebError::NotFound),
    };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body,
    )
        .into_response())
}
