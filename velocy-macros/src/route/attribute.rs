//! The arguments of a route attribute: the route, `name = "..."` and, for `#[route]`, `method = [..]`.

use proc_macro2::{Span, TokenStream};
use syn::LitStr;

use super::parse::Methods;
use crate::attr::{self, Arg, Args, Value};
use crate::diag::{Diagnostic, Diagnostics};

/// The attribute's arguments, checked.
pub(super) struct RouteAttr {
    /// The route literal.
    pub(super) path: LitStr,
    /// The methods.
    pub(super) methods: Vec<String>,
    /// `name = "..."`.
    pub(super) name: Option<LitStr>,
}

/// The standard methods, for the case-sensitivity hint.
const STANDARD_METHODS: [&str; 9] =
    ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

/// Reads and checks the attribute's arguments.
pub(super) fn read_attr(
    diagnostics: &mut Diagnostics,
    methods: Methods,
    args: TokenStream,
) -> Option<RouteAttr> {
    let attribute = methods.attribute();
    let known: &[&str] = match methods {
        Methods::Fixed(_) => &["name"],
        Methods::Listed => &["method", "path", "name"],
    };
    let args = diagnostics.take(Args::parse_tokens(args))?;
    let mut path: Option<LitStr> = None;
    let mut name: Option<LitStr> = None;
    let mut listed: Option<Vec<String>> = None;
    let mut ok = true;
    for (position, arg) in args.items.into_iter().enumerate() {
        match arg {
            Arg::Positional(value) if path.is_none() => match value.into_str("the route") {
                Ok(lit) => path = Some(lit),
                Err(error) => {
                    diagnostics.push(error);
                    ok = false;
                }
            },
            Arg::Positional(value) => {
                let message = "unexpected argument: the route is already given";
                diagnostics.push(
                    Diagnostic::new(value.span(), message).help("other arguments are written `key = value`"),
                );
            }
            Arg::Named(key, value) if known.contains(&key.to_string().as_str()) => {
                let seen = match key.to_string().as_str() {
                    "name" => name.is_some(),
                    "path" => path.is_some(),
                    _ => listed.is_some(),
                };
                if seen {
                    diagnostics.push(attr::duplicate_key(&key));
                    continue;
                }
                let result = match key.to_string().as_str() {
                    "name" => read_name(value).map(|lit| name = Some(lit)),
                    "path" => value.into_str("path").map(|lit| path = Some(lit)),
                    _ => read_methods(value).map(|methods| listed = Some(methods)),
                };
                if let Err(error) = result {
                    diagnostics.push(error);
                    ok = false;
                }
            }
            Arg::Named(key, _) => {
                diagnostics.push(attr::unknown_key(&key, &attribute, known));
                ok = false;
            }
            Arg::Flag(key) if position == 0 && !known.contains(&key.to_string().as_str()) => {
                diagnostics.push(
                    Diagnostic::new(key.span(), "the route must be a string literal")
                        .note("macros see tokens, not the values of constants")
                        .help(format!("write the route itself: `#[{attribute}(\"/users/:id\")]`")),
                );
                ok = false;
            }
            Arg::Flag(key) if known.contains(&key.to_string().as_str()) => {
                let message = format!("`{key}` needs a value");
                let help = if key == "method" {
                    "write `method = [\"GET\", \"POST\"]`".to_owned()
                } else {
                    format!("write `{key} = \"...\"`")
                };
                diagnostics.push(Diagnostic::new(key.span(), message).help(help));
                ok = false;
            }
            Arg::Flag(key) => {
                diagnostics.push(attr::unknown_key(&key, &attribute, known));
                ok = false;
            }
        }
    }
    let Some(path) = path else {
        if ok {
            let example = match methods {
                Methods::Fixed(_) => format!("#[{attribute}(\"/users/:id\")]"),
                Methods::Listed => "#[route(\"/users/:id\", method = [\"GET\", \"HEAD\"])]".to_owned(),
            };
            let message = "missing route";
            diagnostics.push(Diagnostic::new(Span::call_site(), message).help(format!("write `{example}`")));
        }
        return None;
    };
    let methods = match methods {
        Methods::Fixed(method) => vec![method.to_owned()],
        Methods::Listed => match listed {
            Some(methods) => methods,
            None => {
                if ok {
                    let help = "write `#[route(\"/x\", method = [\"GET\", \"POST\"])]`";
                    diagnostics.push(Diagnostic::new(Span::call_site(), "missing `method`").help(help));
                }
                return None;
            }
        },
    };
    Some(RouteAttr { path, methods, name })
}

/// Reads `name = "..."`.
fn read_name(value: Value) -> Result<LitStr, Diagnostic> {
    let lit = value.into_str("name")?;
    if lit.value().trim().is_empty() {
        return Err(Diagnostic::new(lit.span(), "the route name cannot be empty")
            .help("remove `name` to use the function's name"));
    }
    Ok(lit)
}

/// Reads `method = "GET"` or `method = ["GET", "POST"]`.
fn read_methods(value: Value) -> Result<Vec<String>, Diagnostic> {
    let (span, values) = match value {
        Value::List(span, values) => (span, values),
        single => (single.span(), vec![single]),
    };
    if values.is_empty() {
        return Err(Diagnostic::new(span, "no methods given").help("list at least one: `method = [\"GET\"]`"));
    }
    let mut methods: Vec<String> = Vec::with_capacity(values.len());
    for value in values {
        let lit = value.into_str("a method")?;
        let method = check_method(&lit)?;
        if methods.contains(&method) {
            return Err(
                Diagnostic::new(lit.span(), format!("`{method}` is listed twice")).help("remove this one")
            );
        }
        methods.push(method);
    }
    Ok(methods)
}

/// Checks one method: an RFC 9110 token, case-sensitive.
fn check_method(lit: &LitStr) -> Result<String, Diagnostic> {
    let method = lit.value();
    let is_tchar = |byte: u8| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte);
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(Diagnostic::new(lit.span(), format!("`{method}` is not an HTTP method"))
            .help("a method is a token of letters, digits and `!#$%&'*+-.^_`|~`, like `GET`"));
    }
    let upper = method.to_ascii_uppercase();
    if upper != method && STANDARD_METHODS.contains(&upper.as_str()) {
        return Err(Diagnostic::new(lit.span(), "HTTP methods are case-sensitive")
            .help(format!("write `\"{upper}\"`")));
    }
    Ok(method)
}
