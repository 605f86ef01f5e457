//! [`FromParam`]: parsing one path parameter (or query value, or header) into a handler argument's type.

use std::convert::Infallible;
use std::fmt::Display;
use std::sync::Arc;

/// Parses a single, already percent-decoded text value into `Self`.
///
/// Handler arguments whose name matches a path parameter are parsed with it: in
/// `#[get("/users/:id")] async fn user(id: u64)`, `id` is `u64::from_param(decoded)`. A failure answers
/// `400 Bad Request` naming the parameter, the value and the reason.
///
/// Implemented for the integers, floats, `bool`, `char`, `String`, `Box<str>`, `Arc<str>` and IP
/// addresses. Implement it for your own types (an id newtype, an enum of slugs):
///
/// ```
/// use velocy::extract::FromParam;
///
/// struct Slug(String);
///
/// impl FromParam for Slug {
///     type Error = &'static str;
///
///     fn from_param(value: &str) -> Result<Self, Self::Error> {
///         if value.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
///             Ok(Slug(value.to_owned()))
///         } else {
///             Err("a slug is lowercase letters and dashes")
///         }
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be parsed from text (a path parameter, query value or header)",
    label = "must implement `FromParam`",
    note = "implement `velocy::extract::FromParam` for `{Self}`; a handler argument that is not a path \
            parameter should be renamed so it no longer matches one"
)]
pub trait FromParam: Sized {
    /// Why a value did not parse; shown to the client.
    type Error: Display;

    /// Parses `value`.
    ///
    /// # Errors
    /// `Self::Error` when `value` is not a valid `Self`.
    fn from_param(value: &str) -> Result<Self, Self::Error>;
}

macro_rules! from_param_via_from_str {
    ($($ty:ty),+ $(,)?) => {
        $(
            impl FromParam for $ty {
                type Error = <$ty as std::str::FromStr>::Err;

                fn from_param(value: &str) -> Result<Self, Self::Error> {
                    value.parse()
                }
            }
        )+
    };
}

from_param_via_from_str!(
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    bool,
    char,
    std::num::NonZeroU32,
    std::num::NonZeroU64,
    std::net::IpAddr,
    std::net::Ipv4Addr,
    std::net::Ipv6Addr,
);

impl FromParam for String {
    type Error = Infallible;

    fn from_param(value: &str) -> Result<Self, Self::Error> {
        Ok(value.to_owned())
    }
}

impl FromParam for Box<str> {
    type Error = Infallible;

    fn from_param(value: &str) -> Result<Self, Self::Error> {
        Ok(value.into())
    }
}

impl FromParam for Arc<str> {
    type Error = Infallible;

    fn from_param(value: &str) -> Result<Self, Self::Error> {
        Ok(value.into())
    }
}

impl<T: FromParam> FromParam for Option<T> {
    type Error = T::Error;

    fn from_param(value: &str) -> Result<Self, Self::Error> {
        T::from_param(value).map(Some)
    }
}
