//! Testing helpers: an in-process [`TestClient`] (no socket, the same service path as production) with
//! fluent assertions, and a [`TestServer`] that serves an app on `127.0.0.1:0` for real-socket tests.
//!
//! ```
//! use velocy::prelude::*;
//! use velocy::test::TestClient;
//!
//! #[get("/hello/:name")]
//! async fn hello(name: String) -> String {
//!     format!("Hello, {name}!")
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let client = TestClient::new(App::new().routes(routes![hello]));
//! client.get("/hello/Ada").send().await.assert_status(200).assert_text("Hello, Ada!");
//! client.get("/nope").send().await.assert_status(404);
//! # }
//! ```

mod client;
mod response;
mod server;

pub use client::{TestClient, TestRequest};
pub use response::TestResponse;
pub use server::TestServer;

/// `serde_json`'s `json!`, for [`TestResponse::assert_json`] without a `serde_json` dependency of your own:
/// `response.assert_json(&velocy::test::json!({ "id": 7 }))`.
pub use serde_json::json;
