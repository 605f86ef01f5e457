//! Accounts and log-in: passwords hashed with Argon2id (the `argon2` crate, RFC 9106), a session cookie
//! holding who is logged in, and an HTML log-in form protected against CSRF.
//!
//! | method | path | answers |
//! | --- | --- | --- |
//! | `POST` | `/api/signup` | `201 {"username"}` with `{"username", "password"}`; 409 when taken; 422 invalid |
//! | `POST` | `/api/login` | `200 {"username"}` and a new session id; 401 for a wrong name or password |
//! | `GET` | `/api/me` | `200 {"username"}` when logged in, else 401 |
//! | `POST` | `/api/logout` | `204`: the session is deleted and its cookie removed |
//! | `GET` | `/login` | an HTML log-in form carrying a CSRF token |
//! | `POST` | `/login` | the form: `303` to `/` when the password is right, `401` with the form again otherwise |

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::{Deserialize, Serialize};
use velocy::csrf::CsrfToken;
use velocy::prelude::*;
use velocy::session::Session;
use velocy::store::{Record, StoreError, Table};
use velocy::HeaderValue;

/// The session key holding the logged-in username.
const USER_KEY: &str = "user";

/// A stored account: a record of the `accounts` table.
#[derive(Debug, Clone, Serialize, Deserialize, Record)]
#[record(table = "accounts")]
pub struct Account {
    /// The log-in name, unique: 3 to 32 letters, digits, `-` or `_`.
    #[key]
    pub username: String,
    /// The Argon2id hash of the password in PHC string format (`$argon2id$v=19$…`).
    pub password_hash: String,
}

/// The accounts table; cloning shares the same accounts.
#[derive(Debug, Clone)]
pub struct Accounts {
    table: Table<Account>,
}

impl Accounts {
    /// The accounts of `store`.
    ///
    /// # Errors
    /// When a durable store cannot read its table.
    pub fn on(store: &velocy::store::Store) -> Result<Self, StoreError> {
        Ok(Self { table: store.table::<Account>()? })
    }

    /// Creates an account, hashing `password` off the async threads (Argon2id, the crate's default
    /// parameters: 19 MiB, 2 passes, as OWASP recommends).
    ///
    /// # Errors
    /// 409 when the username is taken; 500 when hashing or the store fails.
    pub async fn create(&self, username: String, password: String) -> Result<(), HttpError> {
        let hash = tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default().hash_password(password.as_bytes(), &salt).map(|hash| hash.to_string())
        })
        .await
        .map_err(|_| HttpError::internal("password hashing stopped"))?
        .map_err(|error| HttpError::internal(format!("password hashing failed: {error}")))?;
        match self.table.insert(Account { username: username.clone(), password_hash: hash }) {
            Ok(_) => Ok(()),
            Err(error) if error.is_conflict() => {
                Err(HttpError::conflict(format!("the username {username:?} is taken")))
            }
            Err(error) => Err(HttpError::internal(format!("the account could not be saved: {error}"))),
        }
    }

    /// Whether `password` is the password of `username`. An unknown user costs the same hashing time as
    /// a known one, so timing does not tell which usernames exist.
    pub async fn verify(&self, username: &str, password: String) -> bool {
        let stored = self.table.get(username).map(|account| account.password_hash);
        tokio::task::spawn_blocking(move || {
            let argon2 = Argon2::default();
            match stored.as_deref().map(PasswordHash::new) {
                Some(Ok(hash)) => argon2.verify_password(password.as_bytes(), &hash).is_ok(),
                _ => {
                    let salt = SaltString::generate(&mut OsRng);
                    let _ = argon2.hash_password(password.as_bytes(), &salt);
                    false
                }
            }
        })
        .await
        .unwrap_or(false)
    }
}

/// The body of `POST /api/signup` and `POST /api/login`, and the fields of the log-in form.
#[derive(Debug, Deserialize)]
pub struct Credentials {
    /// The log-in name.
    pub username: String,
    /// The password: 8 to 128 characters.
    pub password: String,
}

/// Who is logged in.
#[derive(Debug, Serialize)]
pub struct Me {
    /// The log-in name.
    pub username: String,
}

fn validate(credentials: &Credentials) -> Result<(), HttpError> {
    let name = &credentials.username;
    let name_ok = (3..=32).contains(&name.len())
        && name.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
    if !name_ok {
        return Err(HttpError::unprocessable("`username` must be 3 to 32 letters, digits, `-` or `_`"));
    }
    if !(8..=128).contains(&credentials.password.chars().count()) {
        return Err(HttpError::unprocessable("`password` must be 8 to 128 characters"));
    }
    Ok(())
}

/// `POST /api/signup`: creates an account.
#[post("/signup")]
pub async fn signup(
    State(accounts): State<Accounts>,
    Json(credentials): Json<Credentials>,
) -> Result<(StatusCode, Json<Me>), HttpError> {
    validate(&credentials)?;
    accounts.create(credentials.username.clone(), credentials.password).await?;
    Ok((StatusCode::CREATED, Json(Me { username: credentials.username })))
}

/// Logs `username` in on `session`: a new session id first (no session fixation), then the user.
async fn log_in(session: &Session, username: &str) -> Result<(), HttpError> {
    session.cycle_id();
    session.insert(USER_KEY, username).await.map_err(HttpError::internal)
}

/// 401 for the API. The challenge names the `Cookie` scheme of draft-broyer-http-cookie-auth: the API is
/// authenticated by the session cookie, and a 401 must carry a challenge (RFC 9110 §15.5.2).
fn unauthorized(message: &'static str) -> HttpError {
    HttpError::unauthorized_with(HeaderValue::from_static("Cookie realm=\"velocy-demo\""), message)
}

/// `POST /api/login`: checks the password and logs in.
#[post("/login")]
pub async fn login(
    State(accounts): State<Accounts>,
    session: Session,
    Json(credentials): Json<Credentials>,
) -> Result<Json<Me>, HttpError> {
    if !accounts.verify(&credentials.username, credentials.password).await {
        return Err(unauthorized("wrong username or password"));
    }
    log_in(&session, &credentials.username).await?;
    Ok(Json(Me { username: credentials.username }))
}

/// `GET /api/me`: who is logged in.
#[get("/me")]
pub async fn me(session: Session) -> Result<Json<Me>, HttpError> {
    let user: Option<String> = session.get(USER_KEY).await.map_err(HttpError::internal)?;
    user.map(|username| Json(Me { username })).ok_or_else(|| unauthorized("not logged in"))
}

/// `POST /api/logout`: deletes the session.
#[post("/logout")]
pub async fn logout(session: Session) -> StatusCode {
    session.flush();
    StatusCode::NO_CONTENT
}

/// The log-in page, with `message` above the form when there is one.
fn login_page(token: &CsrfToken, message: Option<&str>) -> Html<String> {
    let message = message.map_or_else(String::new, |text| format!("<p class=\"error\">{text}</p>"));
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Log in</title>\
         <link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main><h1>Log in</h1>{message}\
         <form method=\"post\" action=\"/login\">{}\
         <input name=\"username\" placeholder=\"username\" required autocomplete=\"username\">\
         <input name=\"password\" type=\"password\" placeholder=\"password\" required \
         autocomplete=\"current-password\"><button type=\"submit\">Log in</button></form></main></body></html>",
        token.hidden_input()
    ))
}

/// `GET /login`: the HTML log-in form.
#[get("/login")]
pub async fn login_form(token: CsrfToken) -> Html<String> {
    login_page(&token, None)
}

/// `POST /login`: the form, checked for its CSRF token by the middleware before this runs.
#[post("/login")]
pub async fn login_submit(
    State(accounts): State<Accounts>,
    session: Session,
    token: CsrfToken,
    Form(credentials): Form<Credentials>,
) -> Result<Response, HttpError> {
    if !accounts.verify(&credentials.username, credentials.password).await {
        return Ok((StatusCode::UNAUTHORIZED, login_page(&token, Some("Wrong username or password.")))
            .into_response());
    }
    log_in(&session, &credentials.username).await?;
    Ok(Redirect::to("/").into_response())
}
