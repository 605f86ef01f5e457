//! The arguments of a route attribute.
//!
//! Every route attribute takes the route first (or as `path = "..."` in `#[route]`) and the keys
//! `name = "..."`, `middleware = [a, b]`, `produces = "type/subtype"` and `consumes = [..]`; `#[route]` also
//! takes `method = "GET"` or `method = ["GET", "POST"]`.

use proc_macro2::{Span, TokenStream};
use syn::{Expr, Ident, LitStr};

use crate::attr::{self, Arg, Args, Value};
use crate::diag::{Diagnostic, Diagnostics};

/// Which methods the entry macro fixes.
#[derive(Clone, Copy)]
pub(crate) enum Methods {
    /// `#[get]` and friends: one method, named by the macro.
    Fixed(&'static str),
    /// `#[route]`: the methods come from its `method = ...` argument.
    Listed,
}

impl Methods {
    /// The attribute's name, for messages.
    pub(crate) fn attribute(self) -> String {
        match self {
            Methods::Fixed(method) => method.to_ascii_lowercase(),
            Methods::Listed => "route".to_owned(),
        }
    }
}

/// The attribute's arguments, checked.
pub(super) struct RouteAttr {
    /// The route literal.
    pub(super) path: LitStr,
    /// The methods.
    pub(super) methods: Vec<String>,
    /// `name = "..."`.
    pub(super) name: Option<LitStr>,
    /// `middleware = [..]`: expressions evaluating to middleware, outermost first.
    pub(super) middleware: Vec<Expr>,
    /// `produces = ..`: media types, lowercase.
    pub(super) produces: Vec<String>,
    /// `consumes = ..`: media types, lowercase.
    pub(super) consumes: Vec<String>,
}

/// The keys every route attribute takes.
const KEYS: [&str; 4] = ["name", "middleware", "produces", "consumes"];

/// The keys of `#[route]`.
const ROUTE_KEYS: [&str; 6] = ["method", "path", "name", "middleware", "produces", "consumes"];

/// The standard methods, for the case-sensitivity hint.
const STANDARD_METHODS: [&str; 9] =
    ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

/// The arguments read so far; each key once.
#[derive(Default)]
struct Slots {
    /// The route.
    path: Option<LitStr>,
    /// `name`.
    name: Option<LitStr>,
    /// `method`.
    methods: Option<Vec<String>>,
    /// `middleware`.
    middleware: Option<Vec<Expr>>,
    /// `produces`.
    produces: Option<Vec<String>>,
    /// `consumes`.
    consumes: Option<Vec<String>>,
}

/// Reads and checks the attribute's arguments, reporting every problem.
///
/// Returns `None` when the route or the methods are missing or malformed; other problems are reported
/// and the rest is still returned, so that the route itself gets checked too.
pub(super) fn read_attr(
    diagnostics: &mut Diagnostics,
    methods: Methods,
    args: TokenStream,
) -> Option<RouteAttr> {
    let attribute = methods.attribute();
    let known: &[&str] = match methods {
        Methods::Fixed(_) => &KEYS,
        Methods::Listed => &ROUTE_KEYS,
    };
    let args = diagnostics.take(Args::parse_tokens(args))?;
    let mut slots = Slots::default();
    // Whether a "missing ..." error would only repeat an error already reported.
    let mut reported = false;
    for (position, arg) in args.items.into_iter().enumerate() {
        let result = match arg {
            Arg::Positional(value) if slots.path.is_none() => {
                value.into_str("the route").map(|lit| slots.path = Some(lit))
            }
            Arg::Positional(value) => {
                Err(Diagnostic::new(value.span(), "unexpected argument: the route is already given")
                    .help("other arguments are written `key = value`"))
            }
            Arg::Named(key, value) if known.contains(&key.to_string().as_str()) => {
                read_key(&mut slots, &key, value)
            }
            Arg::Flag(key) if position == 0 && !known.contains(&key.to_string().as_str()) => {
                Err(Diagnostic::new(key.span(), "the route must be a string literal")
                    .note("macros see tokens, not the values of constants")
                    .help(format!("write the route itself: `#[{attribute}(\"/users/:id\")]`")))
            }
            Arg::Flag(key) if known.contains(&key.to_string().as_str()) => {
                let example = match key.to_string().as_str() {
                    "method" => "[\"GET\", \"POST\"]",
                    "middleware" => "[require_login]",
                    "produces" | "consumes" => "\"application/json\"",
                    _ => "\"...\"",
                };
                Err(Diagnostic::new(key.span(), format!("`{key}` needs a value"))
                    .help(format!("write `{key} = {example}`")))
            }
            Arg::Named(key, _) | Arg::Flag(key) => Err(attr::unknown_key(&key, &attribute, known)),
        };
        if let Err(error) = result {
            diagnostics.push(error);
            reported = true;
        }
    }
    let Some(path) = slots.path else {
        if !reported {
            let example = match methods {
                Methods::Fixed(_) => format!("#[{attribute}(\"/users/:id\")]"),
                Methods::Listed => "#[route(\"/users/:id\", method = [\"GET\", \"HEAD\"])]".to_owned(),
            };
            diagnostics
                .push(Diagnostic::new(Span::call_site(), "missing route").help(format!("write `{example}`")));
        }
        return None;
    };
    let methods = match (methods, slots.methods) {
        (Methods::Fixed(method), _) => vec![method.to_owned()],
        (Methods::Listed, Some(methods)) => methods,
        (Methods::Listed, None) => {
            if !reported {
                let help = "write `#[route(\"/x\", method = [\"GET\", \"POST\"])]`";
                diagnostics.push(Diagnostic::new(Span::call_site(), "missing `method`").help(help));
            }
            return None;
        }
    };
    Some(RouteAttr {
        path,
        methods,
        name: slots.name,
        middleware: slots.middleware.unwrap_or_default(),
        produces: slots.produces.unwrap_or_default(),
        consumes: slots.consumes.unwrap_or_default(),
    })
}

/// Reads `key = value` for a known key into its slot; a key given twice is an error.
fn read_key(slots: &mut Slots, key: &Ident, value: Value) -> Result<(), Diagnostic> {
    /// Fills `slot`, or reports `key` as a duplicate.
    fn fill<T>(slot: &mut Option<T>, key: &Ident, value: Result<T, Diagnostic>) -> Result<(), Diagnostic> {
        if slot.is_some() {
            return Err(attr::duplicate_key(key));
        }
        *slot = Some(value?);
        Ok(())
    }
    match key.to_string().as_str() {
        "name" => fill(&mut slots.name, key, read_name(value)),
        "path" => fill(&mut slots.path, key, value.into_str("path")),
        "method" => fill(&mut slots.methods, key, read_methods(value)),
        "middleware" => fill(&mut slots.middleware, key, read_middleware(value)),
        "produces" => fill(&mut slots.produces, key, read_media_types(value, "produces")),
        _ => fill(&mut slots.consumes, key, read_media_types(value, "consumes")),
    }
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

/// A value or a list of values, as a list.
fn list(value: Value) -> (Span, Vec<Value>) {
    match value {
        Value::List(span, values) => (span, values),
        single => (single.span(), vec![single]),
    }
}

/// Reads `method = "GET"` or `method = ["GET", "POST"]`.
fn read_methods(value: Value) -> Result<Vec<String>, Diagnostic> {
    let (span, values) = list(value);
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

/// Whether `byte` may appear in an RFC 9110 token.
fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// Reads `middleware = [a, b]` (or one element): each element is an expression, typically a path.
fn read_middleware(value: Value) -> Result<Vec<Expr>, Diagnostic> {
    let (_, values) = list(value);
    values
        .into_iter()
        .map(|value| match value {
            Value::Other(expr) => Ok(*expr),
            Value::Str(lit) => Err(Diagnostic::new(lit.span(), "a middleware is a value, not a string")
                .help(format!("write it without quotes: `middleware = [{}]`", lit.value()))),
            Value::List(span, _) => Err(Diagnostic::new(span, "expected a middleware, found a list")
                .help("list the middleware in one `[..]`, outermost first")),
        })
        .collect()
}

/// Reads `produces`/`consumes`: one media type or a list, each `type/subtype` without wildcards.
fn read_media_types(value: Value, key: &str) -> Result<Vec<String>, Diagnostic> {
    let (span, values) = list(value);
    if values.is_empty() {
        return Err(Diagnostic::new(span, "no media types given")
            .help(format!("list at least one, like `{key} = \"application/json\"`, or remove `{key}`")));
    }
    let mut media_types: Vec<String> = Vec::with_capacity(values.len());
    for value in values {
        let lit = value.into_str("a media type")?;
        let media_type = check_media_type(&lit)?;
        if media_types.contains(&media_type) {
            return Err(Diagnostic::new(lit.span(), format!("`{media_type}` is listed twice"))
                .help("remove this one"));
        }
        media_types.push(media_type);
    }
    Ok(media_types)
}

/// Checks one media type: `type/subtype`, both RFC 9110 tokens, no wildcard, no parameters; lowercased.
fn check_media_type(lit: &LitStr) -> Result<String, Diagnostic> {
    let text = lit.value();
    let error = |message: String| Diagnostic::new(lit.span(), message);
    if let Some((essence, _)) = text.split_once(';') {
        return Err(error(format!("`{text}` has parameters"))
            .help(format!("write the media type alone: `\"{}\"`", essence.trim())));
    }
    if text.contains('*') {
        return Err(error("media type wildcards are not allowed here".to_owned())
            .help("list each media type, like `[\"text/html\", \"application/json\"]`"));
    }
    let valid = text.split_once('/').is_some_and(|(kind, subtype)| {
        [kind, subtype].iter().all(|part| !part.is_empty() && part.bytes().all(is_tchar))
    });
    if !valid {
        let help = match text.to_ascii_lowercase().as_str() {
            "json" => "write `\"application/json\"`".to_owned(),
            "html" => "write `\"text/html\"`".to_owned(),
            "text" | "plain" => "write `\"text/plain\"`".to_owned(),
            "xml" => "write `\"application/xml\"`".to_owned(),
            "form" => "write `\"application/x-www-form-urlencoded\"`".to_owned(),
            _ => "write `type/subtype`, like `\"application/json\"`".to_owned(),
        };
        return Err(error(format!("`{text}` is not a media type")).help(help));
    }
    Ok(text.to_ascii_lowercase())
}
