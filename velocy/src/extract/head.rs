//! Extractors that read the request head: [`HeaderMap`], [`Method`], [`Uri`], [`Version`], [`Host`],
//! [`UserAgent`], [`ContentType`] and [`RemoteAddr`].

use std::convert::Infallible;
use std::net::SocketAddr;

use http::{HeaderMap, Method, Uri, Version};

use super::rejection::{HeaderRejection, InvalidHeader, MissingHeader, MissingRemoteAddr};
use super::FromRequestParts;
use crate::request::RequestParts;

/// A clone of all request headers.
impl FromRequestParts for HeaderMap {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        Ok(parts.headers().clone())
    }
}

/// The request method.
impl FromRequestParts for Method {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        Ok(parts.method().clone())
    }
}

/// The request target.
impl FromRequestParts for Uri {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        Ok(parts.uri().clone())
    }
}

/// The HTTP version.
impl FromRequestParts for Version {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        Ok(parts.version())
    }
}

/// The host the client addressed: the authority of an absolute-form target (and HTTP/2's `:authority`),
/// else the `Host` header (RFC 9110 §7.2), including any port, lowercased.
///
/// # Rejections
/// [`HeaderRejection`]: 400 when neither is present or the header is not visible ASCII.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host(pub String);

impl FromRequestParts for Host {
    type Rejection = HeaderRejection;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        if let Some(authority) = parts.uri().authority() {
            return Ok(Host(authority.as_str().to_ascii_lowercase()));
        }
        let value = parts
            .headers()
            .get(http::header::HOST)
            .ok_or_else(|| MissingHeader::new("missing header `host`"))?;
        let text = value.to_str().map_err(|_| InvalidHeader::new("header `host` is not visible ASCII"))?;
        Ok(Host(text.to_ascii_lowercase()))
    }
}

/// The `User-Agent` header (RFC 9110 §10.1.5).
///
/// # Rejections
/// [`HeaderRejection`]: 400 when absent or not visible ASCII; take `Option<UserAgent>` when optional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserAgent(pub String);

impl FromRequestParts for UserAgent {
    type Rejection = HeaderRejection;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        let value = parts
            .headers()
            .get(http::header::USER_AGENT)
            .ok_or_else(|| MissingHeader::new("missing header `user-agent`"))?;
        let text =
            value.to_str().map_err(|_| InvalidHeader::new("header `user-agent` is not visible ASCII"))?;
        Ok(UserAgent(text.to_owned()))
    }
}

/// The parsed `Content-Type` header (RFC 9110 §8.3).
///
/// # Rejections
/// [`HeaderRejection`]: 400 when absent or not a valid media type.
#[derive(Debug, Clone, PartialEq)]
pub struct ContentType(pub mime::Mime);

impl FromRequestParts for ContentType {
    type Rejection = HeaderRejection;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        let value = parts
            .headers()
            .get(http::header::CONTENT_TYPE)
            .ok_or_else(|| MissingHeader::new("missing header `content-type`"))?;
        let media_type = value
            .to_str()
            .ok()
            .and_then(|text| text.parse::<mime::Mime>().ok())
            .ok_or_else(|| InvalidHeader::new("header `content-type` is not a valid media type"))?;
        Ok(ContentType(media_type))
    }
}

/// The socket address of the peer (the proxy's, behind a reverse proxy).
///
/// # Rejections
/// [`MissingRemoteAddr`] (500) for requests that did not come over a socket, such as those of the in-process
/// test client; take `Option<RemoteAddr>` to handle both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoteAddr(pub SocketAddr);

impl FromRequestParts for RemoteAddr {
    type Rejection = MissingRemoteAddr;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        parts
            .remote_addr()
            .map(RemoteAddr)
            .ok_or_else(|| MissingRemoteAddr::new("the request did not arrive over a socket"))
    }
}
