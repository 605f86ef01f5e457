//! [`Html`]: an HTML response.

use http::header::HeaderValue;

use super::into_response::with_content_type;
use super::{IntoResponse, Response};
use crate::body::Body;

/// An HTML response body, sent as `text/html; charset=utf-8`.
///
/// ```
/// use velocy::{Html, IntoResponse};
///
/// let response = Html("<h1>Hello</h1>").into_response();
/// assert_eq!(response.headers()["content-type"], "text/html; charset=utf-8");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Html<T>(pub T);

impl<T: Into<Body>> IntoResponse for Html<T> {
    fn into_response(self) -> Response {
        with_content_type(self.0.into(), HeaderValue::from_static("text/html; charset=utf-8"))
    }
}

/// `text` made safe inside HTML text and inside a quoted attribute value (single or double quotes): `&`,
/// `<`, `>`, `"` and `'` become character references, in one pass, so a reference written for one
/// character is never escaped again (HTML Living Standard §13.1.4, §13.5 "escaping a string").
///
/// ```
/// use velocy::response::escape_html;
///
/// assert_eq!(escape_html(r#"<a href="x">Tom & 'Jerry'</a>"#),
///            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
/// assert_eq!(escape_html("&lt;"), "&amp;lt;");
/// ```
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn html_special_characters_are_escaped_once() {
        assert_eq!(escape_html("/users/42"), "/users/42");
        assert_eq!(
            escape_html(r#"/a&b<script>"x"'y'</script>"#),
            "/a&amp;b&lt;script&gt;&quot;x&quot;&#39;y&#39;&lt;/script&gt;"
        );
        // An escape already in the text is escaped again, not taken as markup.
        assert_eq!(escape_html("&lt;"), "&amp;lt;");
    }
}
