//! Rejections: why an extractor refused a request.
//!
//! Each rejection is a named type with a fixed status code and a message saying what was wrong; composite
//! enums (such as [`JsonRejection`]) gather the rejections one extractor can produce. All of them render as
//! an RFC 9457 problem through [`Problem`].

use std::borrow::Cow;
use std::fmt;

use http::StatusCode;

use crate::response::{IntoResponse, Problem, Response};

macro_rules! define_rejection {
    ($(#[$doc:meta])* $name:ident => $status:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            detail: Cow<'static, str>,
        }

        impl $name {
            /// The status code every instance answers with.
            pub const STATUS: StatusCode = StatusCode::$status;

            /// This rejection with a message saying what was wrong.
            pub fn new(detail: impl Into<Cow<'static, str>>) -> Self {
                Self { detail: detail.into() }
            }

            /// The status code.
            pub fn status(&self) -> StatusCode {
                Self::STATUS
            }

            /// The message saying what was wrong.
            pub fn detail(&self) -> &str {
                &self.detail
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.detail)
            }
        }

        impl std::error::Error for $name {}

        impl IntoResponse for $name {
            fn into_response(self) -> Response {
                Problem::new(Self::STATUS, self.detail).into_response()
            }
        }
    };
}

pub(crate) use define_rejection;

macro_rules! composite_rejection {
    ($(#[$doc:meta])* $name:ident { $($(#[$variant_doc:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$variant_doc])* $variant($variant),)+
        }

        impl $name {
            /// The status code of the underlying rejection.
            pub fn status(&self) -> StatusCode {
                match self { $(Self::$variant(inner) => inner.status(),)+ }
            }

            /// The message of the underlying rejection.
            pub fn detail(&self) -> &str {
                match self { $(Self::$variant(inner) => inner.detail(),)+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.detail())
            }
        }

        impl std::error::Error for $name {}

        impl IntoResponse for $name {
            fn into_response(self) -> Response {
                match self { $(Self::$variant(inner) => inner.into_response(),)+ }
            }
        }

        $(
            impl From<$variant> for $name {
                fn from(inner: $variant) -> Self {
                    Self::$variant(inner)
                }
            }
        )+
    };
}

#[cfg(feature = "multipart")]
pub(crate) use composite_rejection;

define_rejection!(
    /// A handler asked for the request id but the app gives requests none (500; building the app catches
    /// this for routes).
    MissingRequestId => INTERNAL_SERVER_ERROR
);
define_rejection!(
    /// A path parameter could not be decoded or parsed into the handler's type (400).
    InvalidPathParam => BAD_REQUEST
);
define_rejection!(
    /// The route has no parameter the extractor asked for: a programming error (500).
    MissingPathParam => INTERNAL_SERVER_ERROR
);
define_rejection!(
    /// The query string could not be deserialized into the requested type (400).
    InvalidQuery => BAD_REQUEST
);
define_rejection!(
    /// A required query parameter is absent (400).
    MissingQueryParam => BAD_REQUEST
);
define_rejection!(
    /// The request's `Content-Type` is not one the extractor accepts (415).
    UnsupportedMediaType => UNSUPPORTED_MEDIA_TYPE
);
define_rejection!(
    /// The body is larger than the configured limit (413).
    PayloadTooLarge => PAYLOAD_TOO_LARGE
);
define_rejection!(
    /// Reading the body failed, e.g. the client disconnected (400).
    BodyReadFailed => BAD_REQUEST
);
define_rejection!(
    /// The body did not arrive within the body read timeout (408, RFC 9110 §15.5.9).
    BodyTimeout => REQUEST_TIMEOUT
);
define_rejection!(
    /// The body is not valid UTF-8 (400).
    InvalidUtf8 => BAD_REQUEST
);
define_rejection!(
    /// The JSON body is not syntactically valid; the message gives line and column (400).
    JsonSyntaxError => BAD_REQUEST
);
define_rejection!(
    /// The JSON body is valid JSON of the wrong shape for the target type; the message gives line and
    /// column (422).
    JsonDataError => UNPROCESSABLE_ENTITY
);
define_rejection!(
    /// The form body could not be deserialized into the requested type (422).
    InvalidForm => UNPROCESSABLE_ENTITY
);
define_rejection!(
    /// A required header is absent (400).
    MissingHeader => BAD_REQUEST
);
define_rejection!(
    /// A header is present but malformed (400).
    InvalidHeader => BAD_REQUEST
);
define_rejection!(
    /// `State<T>` was used but the app provides no state of type `T` (500). Building the app normally
    /// catches this before serving.
    MissingState => INTERNAL_SERVER_ERROR
);
define_rejection!(
    /// `Extension<T>` was used but no middleware inserted a `T` (500).
    MissingExtension => INTERNAL_SERVER_ERROR
);
define_rejection!(
    /// The request did not arrive over a socket, so it has no peer address (500).
    MissingRemoteAddr => INTERNAL_SERVER_ERROR
);
define_rejection!(
    /// A second extractor tried to read a body that was already consumed (500).
    BodyAlreadyTaken => INTERNAL_SERVER_ERROR
);

composite_rejection!(
    /// Why [`Path`](crate::extract::Path) failed.
    PathRejection {
        /// A value did not parse (400).
        InvalidPathParam,
        /// The route lacks a parameter (500).
        MissingPathParam,
    }
);

composite_rejection!(
    /// Why [`Json`](crate::Json) failed.
    JsonRejection {
        /// Wrong `Content-Type` (415).
        UnsupportedMediaType,
        /// Body too large (413).
        PayloadTooLarge,
        /// Body too slow (408).
        BodyTimeout,
        /// Body unreadable (400).
        BodyReadFailed,
        /// Invalid JSON (400).
        JsonSyntaxError,
        /// Wrong shape (422).
        JsonDataError,
    }
);

composite_rejection!(
    /// Why [`Form`](crate::extract::Form) failed.
    FormRejection {
        /// Wrong `Content-Type` (415).
        UnsupportedMediaType,
        /// Body too large (413).
        PayloadTooLarge,
        /// Body too slow (408).
        BodyTimeout,
        /// Body unreadable (400).
        BodyReadFailed,
        /// Wrong shape (422).
        InvalidForm,
    }
);

composite_rejection!(
    /// Why a buffered body extractor (`Bytes`, `String`, `Vec<u8>`) failed.
    BodyRejection {
        /// Body too large (413).
        PayloadTooLarge,
        /// Body too slow (408).
        BodyTimeout,
        /// Body unreadable (400).
        BodyReadFailed,
        /// Not UTF-8, for `String` (400).
        InvalidUtf8,
    }
);

composite_rejection!(
    /// Why a header extractor failed.
    HeaderRejection {
        /// The header is absent (400).
        MissingHeader,
        /// The header is malformed (400).
        InvalidHeader,
    }
);

impl BodyRejection {
    /// The same rejection for the JSON extractor.
    pub(crate) fn into_json(self) -> JsonRejection {
        match self {
            Self::PayloadTooLarge(inner) => inner.into(),
            Self::BodyTimeout(inner) => inner.into(),
            Self::BodyReadFailed(inner) => inner.into(),
            Self::InvalidUtf8(inner) => JsonSyntaxError::new(inner.detail().to_owned()).into(),
        }
    }

    /// The same rejection for the form extractor.
    pub(crate) fn into_form(self) -> FormRejection {
        match self {
            Self::PayloadTooLarge(inner) => inner.into(),
            Self::BodyTimeout(inner) => inner.into(),
            Self::BodyReadFailed(inner) => inner.into(),
            Self::InvalidUtf8(inner) => InvalidForm::new(inner.detail().to_owned()).into(),
        }
    }
}

impl From<crate::body::BodyReadError> for BodyRejection {
    fn from(error: crate::body::BodyReadError) -> Self {
        match &error {
            crate::body::BodyReadError::TooLarge { .. } => {
                Self::PayloadTooLarge(PayloadTooLarge::new(error.to_string()))
            }
            crate::body::BodyReadError::Read(source) => {
                // A body that checks what it yields (a decoded request body, for one) ends with the
                // rejection itself, which keeps its status and message.
                if let Some(rejection) = source.downcast_ref::<PayloadTooLarge>() {
                    return Self::PayloadTooLarge(rejection.clone());
                }
                if let Some(rejection) = source.downcast_ref::<BodyReadFailed>() {
                    return Self::BodyReadFailed(rejection.clone());
                }
                Self::BodyReadFailed(BodyReadFailed::new(error.to_string()))
            }
        }
    }
}
