//! The users API, nested under `/api` by [`crate::app`].

use serde::Serialize;
use velocy::prelude::*;

use crate::audit::audit;
use crate::limits::{refresh_users_cache, Limits};
use crate::model::{NewUser, User, UserPatch};
use crate::store::UserStore;

/// Paging read from the query string by a derived extractor: `?page=2&per_page=10`.
#[derive(Debug, FromRequestParts)]
pub struct Paging {
    /// The 1-based page; default 1.
    #[query]
    pub page: Option<u32>,
    /// Users per page, 1 to 100; default 20.
    #[query]
    pub per_page: Option<u32>,
}

/// One page of users.
#[derive(Debug, Serialize)]
pub struct UserPage {
    /// The users on this page.
    pub users: Vec<User>,
    /// The page number.
    pub page: u32,
    /// The page size.
    pub per_page: u32,
    /// How many users exist.
    pub total: usize,
}

fn not_found(id: u64) -> HttpError {
    HttpError::not_found(format!("no user with id {id}"))
}

impl Paging {
    /// The page number and size, validated: `page` from 1, `per_page` from 1 to 100.
    ///
    /// # Errors
    /// 400 naming the invalid parameter.
    pub fn resolve(&self) -> Result<(u32, u32), HttpError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(20);
        if page == 0 {
            return Err(HttpError::bad_request("`page` starts at 1"));
        }
        if !(1..=100).contains(&per_page) {
            return Err(HttpError::bad_request("`per_page` must be between 1 and 100"));
        }
        Ok((page, per_page))
    }

    /// The offset of the first user on the page.
    fn offset(page: u32, per_page: u32) -> usize {
        (page as usize - 1) * per_page as usize
    }
}

/// `GET /api/users` as JSON: a page of users ordered by id.
#[get("/users", produces = "application/json")]
pub async fn list_users(paging: Paging, State(store): State<UserStore>) -> Result<Json<UserPage>, HttpError> {
    let (page, per_page) = paging.resolve()?;
    let users = store.list(Paging::offset(page, per_page), per_page as usize);
    Ok(Json(UserPage { users, page, per_page, total: store.count() }))
}

/// `GET /api/users` as CSV (`Accept: text/csv`): the same page, one user per line after a header line.
#[get("/users", produces = "text/csv")]
pub async fn list_users_csv(paging: Paging, State(store): State<UserStore>) -> Result<Response, HttpError> {
    let (page, per_page) = paging.resolve()?;
    let mut csv = String::from("id,name,email\n");
    for user in store.list(Paging::offset(page, per_page), per_page as usize) {
        csv.push_str(&format!("{},{},{}\n", user.id, csv_field(&user.name), csv_field(&user.email)));
    }
    Ok(([("content-type", "text/csv; charset=utf-8")], csv).into_response())
}

/// Quotes a CSV field when it holds a comma, a quote or a line break (RFC 4180 §2).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// `POST /api/users`: creates a user; `201 Created` with `Location: /api/users/{id}`.
#[post("/users", middleware = [audit, refresh_users_cache])]
pub async fn create_user(
    State(store): State<UserStore>,
    Json(new): Json<NewUser>,
) -> Result<(StatusCode, [(&'static str, String); 1], Json<User>), HttpError> {
    new.validate()?;
    let user = store.create(new)?;
    let location = format!("/api/users/{}", user.id);
    Ok((StatusCode::CREATED, [("location", location)], Json(user)))
}

/// `GET /api/users/:id`.
#[get("/users/:id")]
pub async fn get_user(id: u64, State(store): State<UserStore>) -> Result<Json<User>, HttpError> {
    store.get(id).map(Json).ok_or_else(|| not_found(id))
}

/// `PUT /api/users/:id`: replaces name and email.
#[put("/users/:id", middleware = [audit, refresh_users_cache])]
pub async fn replace_user(
    id: u64,
    State(store): State<UserStore>,
    Json(new): Json<NewUser>,
) -> Result<Json<User>, HttpError> {
    new.validate()?;
    store.replace(id, new)?.map(Json).ok_or_else(|| not_found(id))
}

/// `PATCH /api/users/:id`: changes the given fields.
#[patch("/users/:id", middleware = [audit, refresh_users_cache])]
pub async fn patch_user(
    id: u64,
    State(store): State<UserStore>,
    Json(patch): Json<UserPatch>,
) -> Result<Json<User>, HttpError> {
    patch.validate()?;
    store.patch(id, patch)?.map(Json).ok_or_else(|| not_found(id))
}

/// `DELETE /api/users/:id`: `204 No Content`.
#[delete("/users/:id", middleware = [audit, refresh_users_cache])]
pub async fn delete_user(id: u64, State(store): State<UserStore>) -> Result<StatusCode, HttpError> {
    if store.delete(id)? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found(id))
    }
}

/// The users routes, to nest under a prefix: the JSON list behind the users cache, creations behind their
/// rate limit.
pub fn router(limits: &Limits) -> Router {
    // The JSON list first: without `Accept`, the first of the negotiated routes answers.
    Router::new()
        .merge(Router::new().routes(routes![list_users]).middleware(limits.users_cache.0.clone()))
        .routes(routes![list_users_csv, get_user, replace_user, patch_user, delete_user])
        .merge(Router::new().routes(routes![create_user]).middleware(limits.user_writes.clone()))
}
