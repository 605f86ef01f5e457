//! The HTML listing of a directory without an index file (opt-in).

use std::fmt::Write as _;
use std::path::Path;

use http::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use http::Method;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::{Config, Dotfiles};
use crate::body::Body;
use crate::response::{escape_html, Response};

/// What stays unencoded in a link: the unreserved characters (RFC 3986 §2.3).
const LINK: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The listing of `dir`, whose URL path is `url_path` (still percent-encoded; ends with `/`, or is the
/// mount root). Links are absolute, so they work whether or not the URL ends with `/`.
pub(super) async fn render(
    dir: &Path,
    url_path: &str,
    config: &Config,
    method: &Method,
) -> std::io::Result<Response> {
    let mut entries = tokio::fs::read_dir(dir).await?;
    let mut names: Vec<(String, bool)> = Vec::new();
    let mut truncated = false;
    while let Some(entry) = entries.next_entry().await? {
        let Ok(name) = entry.file_name().into_string() else { continue };
        if config.dotfiles == Dotfiles::Hide && name.starts_with('.') {
            continue;
        }
        if names.len() == config.listing_limit {
            truncated = true;
            break;
        }
        let is_dir = entry.file_type().await.is_ok_and(|kind| kind.is_dir());
        names.push((name, is_dir));
    }
    names.sort();
    let base = if url_path.ends_with('/') { url_path.to_owned() } else { format!("{url_path}/") };
    let title = escape_html(&percent_encoding::percent_decode_str(&base).decode_utf8_lossy());
    let mut html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of {title}</title></head>\n\
         <body><h1>Index of {title}</h1>\n<ul>\n"
    );
    for (name, is_dir) in &names {
        let slash = if *is_dir { "/" } else { "" };
        let href = format!("{}{}{slash}", escape_html(&base), utf8_percent_encode(name, LINK));
        let _ = writeln!(html, "<li><a href=\"{href}\">{}{slash}</a></li>", escape_html(name));
    }
    html.push_str("</ul>\n");
    if truncated {
        let _ = writeln!(html, "<p>Only the first {} entries are shown.</p>", config.listing_limit);
    }
    html.push_str("</body></html>\n");
    let body = if method == Method::HEAD { Body::empty() } else { Body::from(html.clone()) };
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(http::header::CONTENT_LENGTH, HeaderValue::from(html.len()));
    Ok(response)
}
