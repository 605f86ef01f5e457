//! The Velocy demo: a users REST API whose users live in Velocy's embedded store (durable under `./data`).
//!
//! | method | path | answers |
//! | --- | --- | --- |
//! | `GET` | `/health` | `200 {"status":"ok"}` |
//! | `GET` | `/api/users?page=&per_page=` | `200` the page of users, ordered by id |
//! | `POST` | `/api/users` | `201` + `Location` with `{"name", "email"}`; 400 bad JSON, 422 invalid fields |
//! | `GET` | `/api/users/:id` | `200` the user; 404 when absent; 400 for a non-numeric id |
//! | `PUT` | `/api/users/:id` | `200` replaces name and email |
//! | `PATCH` | `/api/users/:id` | `200` changes the given fields |
//! | `DELETE` | `/api/users/:id` | `204` |
//! | `GET` | `/api/users` with `Accept: text/csv` | `200` the page as CSV (chosen by content negotiation) |
//! | `GET` | `/api/audit` | `200` every change made through the API |
//! | `POST` | `/api/uploads` | `201` + `Location`: a multipart upload (`file`, optional `description`) stored and its metadata; 413 past 10 MiB |
//! | `GET` | `/uploads/*name` | an uploaded file (static file serving: `ETag`, `Range`, 304) |
//! | `POST` | `/api/signup`, `/api/login`, `/api/logout`; `GET` `/api/me` | accounts and the session: see [`accounts`] |
//! | `GET`, `POST` | `/login` | the HTML log-in form, protected against CSRF |
//! | `GET` | `/` | the front page, `public/index.html` |
//! | `GET` | `/static/*path` | the front page's assets from `public/static/` |
//!
//! Around the routes: a request id (an app setting) and security headers (global middleware) on every
//! response, an `x-api-version` header on the API (group middleware), an audit record for every write
//! (route middleware), an HTML 404 page for browsers (a status interceptor), and an access log line per
//! request with its id (a completion observer). Log-ins and user creations are rate-limited per client IP
//! and the users list is cached for a few seconds ([`limits`]). Sessions live in the same store (durable, signed cookie),
//! the log-in form carries a CSRF token, and CORS lets one front-end origin ([`DEFAULT_CORS_ORIGIN`], or
//! `$CORS_ORIGIN`) call the API with credentials.

pub mod accounts;
pub mod audit;
pub mod limits;
pub mod model;
pub mod secret;
pub mod store;
pub mod uploads;
pub mod users;

use std::path::PathBuf;
use std::time::Duration;

use velocy::prelude::*;
use velocy::response::escape_html;

use velocy::cors::{AllowHeaders, Cors};
use velocy::csrf::Csrf;
use velocy::files::{ServeDir, ServeFile};
use velocy::lifecycle::{Completion, Intercepted};
use velocy::middleware::SecurityHeaders;
use velocy::request_id::RequestIdConfig;
use velocy::session::{Sessions, StoreSessionStore};

use crate::audit::AuditLog;
use crate::limits::Limits;
use crate::store::UserStore;
use crate::uploads::UploadDir;

/// `GET /health`: liveness.
#[get("/health")]
pub async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// The front-end origin allowed to call the API with credentials when `$CORS_ORIGIN` is not set (a
/// development server such as Vite's).
pub const DEFAULT_CORS_ORIGIN: &str = "http://localhost:5173";

/// The directory of the front page and its assets: `$PUBLIC_DIR`, else `examples/demo/public` of this
/// source tree.
pub fn public_dir() -> PathBuf {
    std::env::var_os("PUBLIC_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("public"), PathBuf::from)
}

/// The demo app: `/health` and the front page at the root, its assets under `/static`, the users and
/// uploads API nested under `/api`, uploaded files under `/uploads`, with its middleware and hooks.
/// [`with_access_log`] adds one line per finished request on standard output.
pub fn app(store: UserStore, uploads: UploadDir) -> App {
    let public = public_dir();
    let origin = std::env::var("CORS_ORIGIN").unwrap_or_else(|_| DEFAULT_CORS_ORIGIN.to_owned());
    let sessions = Sessions::new(StoreSessionStore::new(store.store()));
    let limits = Limits::new();
    // The form page and its submission share the CSRF settings; only the submission counts as a log-in.
    let csrf = Csrf::new().bind_to_cookie("session");
    let login_form = Router::new()
        .merge(Router::new().routes(routes![accounts::login_form]))
        .merge(Router::new().routes(routes![accounts::login_submit]).middleware(limits.login.clone()))
        .middleware(csrf);
    App::new()
        .state(store.accounts())
        .state(store)
        .state(AuditLog::default())
        .state(limits.users_cache.clone())
        .routes(routes![health])
        .route(ServeFile::new(public.join("index.html")).route("/"))
        .static_files("/static", public.join("static"))
        .merge(ServeDir::new(uploads.path()).router("/uploads"))
        .state(uploads)
        .nest(
            "/api",
            users::router(&limits)
                .routes(routes![audit::list_audit, uploads::create_upload])
                .routes(routes![accounts::signup, accounts::me, accounts::logout])
                .merge(Router::new().routes(routes![accounts::login]).middleware(limits.login.clone()))
                .middleware(audit::api_version),
        )
        .merge(login_form)
        .request_id(RequestIdConfig::new())
        .middleware(SecurityHeaders::new())
        .middleware(
            Cors::new()
                .allow_origin(origin.as_str())
                .allow_headers(AllowHeaders::list(["content-type"]))
                .allow_credentials(true)
                .max_age(Duration::from_secs(600)),
        )
        .middleware(sessions)
        .on_status(StatusCode::NOT_FOUND, not_found_page)
}

/// Adds an access log line per finished request, written to standard output.
pub fn with_access_log(app: App) -> App {
    app.on_completion(|done: &Completion| {
        let millis = done.duration.as_secs_f64() * 1000.0;
        let id = done.request_id.as_ref().map_or("-", |id| id.as_str());
        println!(
            "{} {} {} {}B {millis:.2}ms id={id}",
            done.method,
            done.uri,
            done.status.as_u16(),
            done.bytes_sent
        );
    })
}

/// Browsers (which prefer `text/html`) get an HTML page for a 404; API clients keep the problem document.
async fn not_found_page(intercepted: Intercepted) -> Response {
    let wants_html = velocy::negotiation::preferred(
        &intercepted.request.headers,
        &["application/problem+json", "application/json", "text/html"],
    ) == Some("text/html");
    if !wants_html {
        return intercepted.response;
    }
    let path = escape_html(intercepted.request.uri.path());
    let page = format!("<!doctype html><title>Not found</title><h1>Nothing at {path}</h1>");
    (StatusCode::NOT_FOUND, Html(page)).into_response()
}
