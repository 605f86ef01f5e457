//! Typed forms: [`FromMultipart`] (derived), [`FromField`] (one value), and the [`MultipartForm`]
//! extractor that also reads `application/x-www-form-urlencoded` bodies into the same struct.

use std::future::Future;

use bytes::Bytes;

use super::rejection::{InvalidFieldValue, MultipartRejection, UnexpectedField};
use super::{is_multipart, Field, Multipart, TempFile};
use crate::body::Body;
use crate::extract::rejection::{BodyRejection, UnsupportedMediaType};
use crate::extract::FromRequest;
use crate::request::RequestParts;

/// A type built from a whole form: derive it with [`#[derive(FromMultipart)]`](derive@super::FromMultipart)
/// and extract it with [`MultipartForm`].
pub trait FromMultipart: Sized + Send {
    /// Reads every part of `multipart` into the form.
    fn from_multipart(multipart: Multipart) -> impl Future<Output = Result<Self, MultipartRejection>> + Send;

    /// Builds the form from the decoded `name=value` pairs of a URL-encoded body, in order.
    ///
    /// # Errors
    /// The rejections of the fields, as for [`from_multipart`](Self::from_multipart).
    fn from_urlencoded(pairs: Vec<(String, String)>) -> Result<Self, MultipartRejection>;
}

/// A value of one field of a typed form, read from one part (or one URL-encoded value).
///
/// Implemented for `String`, the integer and float types, `bool`, `char` (parsed with `FromStr` from
/// the part's UTF-8 text, `422` when that fails), `Vec<u8>` and [`Bytes`] (the raw content, in memory),
/// and [`TempFile`] (streamed to disk). Implement it for your own types to use them as fields.
///
/// The in-memory types read the part with [`Field::bytes`]/[`Field::text`], so they are held to
/// [`MultipartConfig::text_limit`](super::MultipartConfig::text_limit) even when the client sends the part
/// with a `filename`; only [`TempFile`] gets
/// [`MultipartConfig::file_limit`](super::MultipartConfig::file_limit). A field's own limit
/// (`#[multipart(limit = ..)]`, [`MultipartConfig::field`](super::MultipartConfig::field)) replaces either.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a field of a `#[derive(FromMultipart)]` form",
    note = "fields are `String`, numbers, `bool`, `char`, `Vec<u8>`, `Bytes`, `TempFile`, `Option<T>` or `Vec<T>` of \
            those, or a type implementing `velocy::multipart::FromField`"
)]
pub trait FromField: Sized + Send {
    /// Reads the value from one part, whose limit is already set.
    fn from_field(field: Field) -> impl Future<Output = Result<Self, MultipartRejection>> + Send;

    /// Parses the value from the text of field `name` in a URL-encoded body.
    ///
    /// # Errors
    /// `422` when the text does not parse; `400` for types that need a multipart part (files).
    fn from_text(name: &str, text: String) -> Result<Self, MultipartRejection>;
}

impl FromField for String {
    async fn from_field(field: Field) -> Result<Self, MultipartRejection> {
        field.text().await
    }

    fn from_text(_name: &str, text: String) -> Result<Self, MultipartRejection> {
        Ok(text)
    }
}

macro_rules! from_str_fields {
    ($($ty:ty),+) => {
        $(
            impl FromField for $ty {
                async fn from_field(field: Field) -> Result<Self, MultipartRejection> {
                    let name = field.name().unwrap_or("<unnamed>").to_owned();
                    let text = field.text().await?;
                    Self::from_text(&name, text)
                }

                fn from_text(name: &str, text: String) -> Result<Self, MultipartRejection> {
                    text.trim().parse::<$ty>().map_err(|error| {
                        InvalidFieldValue::new(format!(
                            "field `{name}` is not a valid `{}`: {error}",
                            stringify!($ty)
                        ))
                        .into()
                    })
                }
            }
        )+
    };
}

from_str_fields!(u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, f32, f64, bool, char);

impl FromField for Vec<u8> {
    async fn from_field(field: Field) -> Result<Self, MultipartRejection> {
        Ok(field.bytes().await?.into())
    }

    fn from_text(_name: &str, text: String) -> Result<Self, MultipartRejection> {
        Ok(text.into_bytes())
    }
}

impl FromField for Bytes {
    async fn from_field(field: Field) -> Result<Self, MultipartRejection> {
        field.bytes().await
    }

    fn from_text(_name: &str, text: String) -> Result<Self, MultipartRejection> {
        Ok(Bytes::from(text))
    }
}

/// A file part streamed to disk. In a URL-encoded body a file field cannot be given (`400`).
impl FromField for TempFile {
    async fn from_field(field: Field) -> Result<Self, MultipartRejection> {
        field.into_temp_file().await
    }

    fn from_text(name: &str, _text: String) -> Result<Self, MultipartRejection> {
        Err(UnexpectedField::new(format!("field `{name}` is a file: send the form as `multipart/form-data`"))
            .into())
    }
}

/// A typed form read from a `multipart/form-data` body, or from an `application/x-www-form-urlencoded`
/// one into the same struct.
///
/// `T` derives [`FromMultipart`](derive@super::FromMultipart). A multipart body is streamed under the
/// request's [`MultipartConfig`](super::MultipartConfig) (file fields go to disk); a URL-encoded body
/// is buffered under the app's body limit ([`RequestParts::body_limit`]) and gives text values only, so
/// a required file field is then missing (`400`) and an `Option<TempFile>` is `None`.
///
/// # Rejections
/// [`MultipartRejection`]: `415` for another `Content-Type`; the limits' `413`/`400`/`415`; `400` for a
/// missing required field, a repeated single-valued field, or an unknown field when the form denies
/// them; `422` for a value that does not parse.
///
/// ```
/// use velocy::multipart::{FromMultipart, MultipartForm, TempFile};
///
/// #[derive(FromMultipart)]
/// struct Upload {
///     title: String,
///     #[multipart(limit = 10_485_760, content_types = ["image/*"], extensions = ["png", "jpg"])]
///     picture: Option<TempFile>,
///     tags: Vec<String>,
/// }
///
/// async fn upload(MultipartForm(form): MultipartForm<Upload>) -> String {
///     let size = form.picture.as_ref().map_or(0, TempFile::size);
///     format!("{}: {size} bytes, tags {:?}", form.title, form.tags)
/// }
/// # let _ = velocy::Router::new().post("/upload", upload);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MultipartForm<T>(pub T);

impl<T: FromMultipart> FromRequest for MultipartForm<T> {
    type Rejection = MultipartRejection;

    async fn from_request(parts: &mut RequestParts, body: Body) -> Result<Self, Self::Rejection> {
        if is_multipart(parts) {
            let multipart = Multipart::from_request(parts, body).await?;
            return T::from_multipart(multipart).await.map(MultipartForm);
        }
        if !crate::extract::form::has_content_type(parts, "application/x-www-form-urlencoded", None) {
            return Err(UnsupportedMediaType::new(
                "expected a request with `Content-Type: multipart/form-data` or \
                 `application/x-www-form-urlencoded`",
            )
            .into());
        }
        let bytes = crate::extract::read_body(parts, body).await.map_err(|error| match error {
            BodyRejection::PayloadTooLarge(inner) => MultipartRejection::from(inner),
            BodyRejection::BodyTimeout(inner) => inner.into(),
            BodyRejection::BodyReadFailed(inner) => inner.into(),
            BodyRejection::InvalidUtf8(inner) => InvalidFieldValue::new(inner.detail().to_owned()).into(),
        })?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| InvalidFieldValue::new("the form body is not valid UTF-8"))?;
        let mut pairs = Vec::new();
        for (name, value) in crate::extract::private::form_urlencoded_pairs(text) {
            let decode = |raw| {
                crate::extract::private::decode_form_component(raw)
                    .map(std::borrow::Cow::into_owned)
                    .ok_or_else(|| {
                        InvalidFieldValue::new(format!(
                            "the form component `{raw}` is not valid UTF-8 after percent-decoding"
                        ))
                    })
            };
            pairs.push((decode(name)?, decode(value)?));
        }
        T::from_urlencoded(pairs).map(MultipartForm)
    }
}

/// What `#[derive(FromMultipart)]` generates calls to. Not public API: it may change in any release.
#[doc(hidden)]
pub mod __derive {
    use super::{FromField, UnexpectedField};
    use crate::multipart::rejection::{field_too_large, MissingField};
    use crate::multipart::{Field, Multipart};

    pub use super::FromMultipart;
    pub use crate::multipart::rejection::MultipartRejection;
    pub use crate::multipart::Multipart as Parts;

    /// The attributes of one field: `limit`, `content_types`, `extensions`.
    #[derive(Debug)]
    pub struct FieldRules {
        limit: Option<u64>,
        content_types: &'static [&'static str],
        extensions: &'static [&'static str],
    }

    impl FieldRules {
        /// The rules of one field; empty lists fall back to the configuration's for file parts.
        pub const fn new(
            limit: Option<u64>,
            content_types: &'static [&'static str],
            extensions: &'static [&'static str],
        ) -> Self {
            Self { limit, content_types, extensions }
        }
    }

    /// The next part.
    ///
    /// # Errors
    /// The parser's and the limits' rejections.
    pub async fn next(multipart: &mut Multipart) -> Result<Option<Field>, MultipartRejection> {
        multipart.next_unchecked().await
    }

    /// The position of the part's name in `names`.
    pub fn field_index(field: &Field, names: &[&str]) -> Option<usize> {
        text_index(field.name()?, names)
    }

    /// The position of `name` in `names`.
    pub fn text_index(name: &str, names: &[&str]) -> Option<usize> {
        names.iter().position(|candidate| *candidate == name)
    }

    /// Applies `rules` (else the configuration's lists) and reads the value.
    async fn read<T: FromField>(mut field: Field, rules: &FieldRules) -> Result<T, MultipartRejection> {
        field.check_configured(rules.content_types, rules.extensions)?;
        if let Some(limit) = rules.limit {
            field.set_limit(limit);
        }
        T::from_field(field).await
    }

    /// Reads a part into a single-valued field; a second part of the same name is a `400`.
    ///
    /// # Errors
    /// The field's rejections.
    pub async fn receive_one<T: FromField>(
        slot: &mut Option<T>,
        field: Field,
        rules: &FieldRules,
        name: &'static str,
    ) -> Result<(), MultipartRejection> {
        if slot.is_some() {
            return Err(duplicate(name));
        }
        *slot = Some(read(field, rules).await?);
        Ok(())
    }

    /// Reads a part into a list field.
    ///
    /// # Errors
    /// The field's rejections.
    pub async fn receive_many<T: FromField>(
        slot: &mut Vec<T>,
        field: Field,
        rules: &FieldRules,
    ) -> Result<(), MultipartRejection> {
        slot.push(read(field, rules).await?);
        Ok(())
    }

    /// A part no field takes: skipped, or a `400` when the form denies unknown fields.
    ///
    /// # Errors
    /// `400` when `deny`; the parser's rejections while skipping.
    pub async fn unknown(field: Field, deny: bool) -> Result<(), MultipartRejection> {
        if deny {
            return Err(UnexpectedField::new(format!(
                "the form has no field `{}`",
                field.name().unwrap_or("<unnamed>")
            ))
            .into());
        }
        let mut field = field;
        while field.chunk().await?.is_some() {}
        Ok(())
    }

    /// A URL-encoded value for a single-valued field.
    ///
    /// # Errors
    /// `400` for a repeat, the field's own rejections.
    pub fn text_one<T: FromField>(
        slot: &mut Option<T>,
        text: String,
        rules: &FieldRules,
        name: &'static str,
    ) -> Result<(), MultipartRejection> {
        if slot.is_some() {
            return Err(duplicate(name));
        }
        *slot = Some(text_value(text, rules, name)?);
        Ok(())
    }

    /// A URL-encoded value for a list field.
    ///
    /// # Errors
    /// The field's own rejections.
    pub fn text_many<T: FromField>(
        slot: &mut Vec<T>,
        text: String,
        rules: &FieldRules,
        name: &'static str,
    ) -> Result<(), MultipartRejection> {
        slot.push(text_value(text, rules, name)?);
        Ok(())
    }

    fn text_value<T: FromField>(
        text: String,
        rules: &FieldRules,
        name: &'static str,
    ) -> Result<T, MultipartRejection> {
        if let Some(limit) = rules.limit {
            if text.len() as u64 > limit {
                return Err(field_too_large(name, limit).into());
            }
        }
        T::from_text(name, text)
    }

    /// A URL-encoded name no field takes: ignored, or a `400` when the form denies unknown fields.
    ///
    /// # Errors
    /// `400` when `deny`.
    pub fn unknown_text(name: &str, deny: bool) -> Result<(), MultipartRejection> {
        if deny {
            return Err(UnexpectedField::new(format!("the form has no field `{name}`")).into());
        }
        Ok(())
    }

    /// The value of a required field, or the `400` naming it.
    ///
    /// # Errors
    /// `400` when the field was absent.
    pub fn required<T>(slot: Option<T>, name: &'static str) -> Result<T, MultipartRejection> {
        slot.ok_or_else(|| MissingField::new(format!("the form field `{name}` is missing")).into())
    }

    fn duplicate(name: &str) -> MultipartRejection {
        UnexpectedField::new(format!(
            "the form field `{name}` was sent more than once; only a list field (`Vec<T>`) takes repeats"
        ))
        .into()
    }
}
