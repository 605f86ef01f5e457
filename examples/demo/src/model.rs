//! The demo's data: users, and the bodies that create and change them, with their validation.

use serde::{Deserialize, Serialize};
use velocy::store::Record;
use velocy::HttpError;

/// A stored user: a record of the `users` table of the demo's store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Record)]
#[record(table = "users")]
pub struct User {
    /// The id, assigned on creation.
    #[key(auto)]
    pub id: u64,
    /// The display name: 1 to 100 characters.
    pub name: String,
    /// The email address: `local@domain`.
    pub email: String,
}

/// The body of `POST` and `PUT`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// The display name.
    pub name: String,
    /// The email address.
    pub email: String,
}

/// The body of `PATCH`: only the given fields change.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// A new display name.
    pub name: Option<String>,
    /// A new email address.
    pub email: Option<String>,
}

/// Checks a name: 1 to 100 characters after trimming.
///
/// # Errors
/// 422 saying what is wrong.
pub fn validate_name(name: &str) -> Result<(), HttpError> {
    let length = name.trim().chars().count();
    if length == 0 || length > 100 {
        return Err(HttpError::unprocessable("`name` must be 1 to 100 characters"));
    }
    Ok(())
}

/// Checks an email address: one `@` with text on both sides and a dot in the domain.
///
/// # Errors
/// 422 saying what is wrong.
pub fn validate_email(email: &str) -> Result<(), HttpError> {
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        }
        None => false,
    };
    if valid && email.len() <= 254 {
        Ok(())
    } else {
        Err(HttpError::unprocessable(format!("`email` {email:?} is not a valid email address")))
    }
}

impl NewUser {
    /// Validates both fields.
    ///
    /// # Errors
    /// 422 naming the first invalid field.
    pub fn validate(&self) -> Result<(), HttpError> {
        validate_name(&self.name)?;
        validate_email(&self.email)
    }
}

impl UserPatch {
    /// Validates the given fields.
    ///
    /// # Errors
    /// 422 naming the first invalid field.
    pub fn validate(&self) -> Result<(), HttpError> {
        if let Some(name) = &self.name {
            validate_name(name)?;
        }
        if let Some(email) = &self.email {
            validate_email(email)?;
        }
        Ok(())
    }
}
