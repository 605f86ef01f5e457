//! The Velocy demo: a users REST API kept in memory.
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

pub mod model;
pub mod store;
pub mod users;

use velocy::prelude::*;

use crate::store::UserStore;

/// `GET /health`: liveness.
#[get("/health")]
pub async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// The demo app: `/health` at the root and the users API nested under `/api`.
pub fn app(store: UserStore) -> App {
    App::new()
        .state(store)
        .routes(routes![health])
        .nest("/api", users::router())
}
