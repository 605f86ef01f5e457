//! Attribute arguments shared by the macros: `#[get("/path", name = "x")]`, `#[route(method = [..])]`,
//! `#[query("key")]` and the like.
//!
//! Arguments are read into a loose syntax tree first ([`Args`]) and checked against what each macro
//! accepts afterwards, so that an unknown key, a duplicate or a value of the wrong kind gets its own
//! error at its own token instead of a generic parse failure.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Ident, LitStr, Meta, Token};

use crate::diag::{self, Diagnostic};

/// The comma-separated arguments of an attribute.
pub(crate) struct Args {
    /// The arguments in the order written.
    pub(crate) items: Vec<Arg>,
}

/// One attribute argument.
pub(crate) enum Arg {
    /// A value without a key: `"/path"`.
    Positional(Value),
    /// `key = value`.
    Named(Ident, Value),
    /// A bare identifier: `key`.
    Flag(Ident),
}

/// The value of an argument.
pub(crate) enum Value {
    /// A string literal.
    Str(LitStr),
    /// `[a, b]`.
    List(Span, Vec<Value>),
    /// Any other expression; always an error, reported where the value is used.
    Other(Box<Expr>),
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let items = Punctuated::<Arg, Token![,]>::parse_terminated(input)?;
        Ok(Args { items: items.into_iter().collect() })
    }
}

impl Parse for Arg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(Ident) && input.peek2(Token![=]) {
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            return Ok(Arg::Named(key, input.parse()?));
        }
        if input.peek(Ident) && (input.peek2(Token![,]) || peek_end(input)) {
            return Ok(Arg::Flag(input.parse()?));
        }
        Ok(Arg::Positional(input.parse()?))
    }
}

/// Whether `input` holds one token and nothing after it.
fn peek_end(input: ParseStream<'_>) -> bool {
    let fork = input.fork();
    fork.parse::<proc_macro2::TokenTree>().is_ok() && fork.is_empty()
}

impl Parse for Value {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(LitStr) {
            return Ok(Value::Str(input.parse()?));
        }
        if input.peek(syn::token::Bracket) {
            let content;
            let bracket = syn::bracketed!(content in input);
            let items = Punctuated::<Value, Token![,]>::parse_terminated(&content)?;
            return Ok(Value::List(bracket.span.join(), items.into_iter().collect()));
        }
        match input.parse::<Expr>() {
            Ok(expr) => Ok(Value::Other(Box::new(expr))),
            Err(error) => Err(syn::Error::new(
                error.span(),
                "expected a string literal\n  = help: routes are strings: `#[get(\"/users/:id\")]`",
            )),
        }
    }
}

impl Value {
    /// The span of the whole value.
    pub(crate) fn span(&self) -> Span {
        match self {
            Value::Str(lit) => lit.span(),
            Value::List(span, _) => *span,
            Value::Other(expr) => expr.span(),
        }
    }

    /// The value as a string literal, or an error saying that `what` must be one.
    pub(crate) fn into_str(self, what: &str) -> Result<LitStr, Diagnostic> {
        match self {
            Value::Str(lit) => Ok(lit),
            other => Err(Diagnostic::new(other.span(), format!("{what} must be a string literal"))
                .help(format!("write it in double quotes: {what} = \"...\""))),
        }
    }
}

impl Args {
    /// Parses attribute arguments; an empty stream gives no arguments.
    pub(crate) fn parse_tokens(tokens: TokenStream) -> syn::Result<Args> {
        Args::parse.parse2(tokens)
    }
}

/// The error for a key the attribute does not know, suggesting the closest known one.
pub(crate) fn unknown_key(key: &Ident, attribute: &str, known: &[&str]) -> Diagnostic {
    let name = key.to_string();
    let diagnostic = Diagnostic::new(key.span(), format!("unknown key `{name}` in `#[{attribute}]`"));
    match diag::closest(&name, known.iter().copied()) {
        Some(close) => diagnostic.help(format!("did you mean `{close}`?")),
        None if known.is_empty() => diagnostic.help(format!("`#[{attribute}]` takes no keys")),
        None => diagnostic.help(format!("the known keys are {}", diag::list(known.iter().copied()))),
    }
}

/// The error for a key given twice.
pub(crate) fn duplicate_key(key: &Ident) -> Diagnostic {
    Diagnostic::new(key.span(), format!("`{key}` is given more than once")).help("remove this one")
}

/// A field attribute such as `#[query]` or `#[query("key")]`: its optional string argument.
///
/// `#[query = "key"]` and arguments other than one string literal are errors, with a help showing the
/// accepted forms.
pub(crate) fn optional_str_arg(attr: &Attribute, example: &str) -> Result<Option<LitStr>, Diagnostic> {
    let name = attr.path().get_ident().map_or_else(String::new, ToString::to_string);
    let wrong = |span: Span| {
        Diagnostic::new(span, format!("expected `#[{name}]` or `#[{name}(\"{example}\")]`"))
            .help(format!("write the name as one string literal: `#[{name}(\"{example}\")]`"))
    };
    match &attr.meta {
        Meta::Path(_) => Ok(None),
        Meta::NameValue(meta) => {
            Err(Diagnostic::spanned(meta, format!("expected `#[{name}]` or `#[{name}(\"{example}\")]`"))
                .help(format!("write the name in parentheses: `#[{name}(\"{example}\")]`")))
        }
        Meta::List(list) => match list.parse_args::<LitStr>() {
            Ok(lit) => Ok(Some(lit)),
            Err(error) => Err(wrong(error.span())),
        },
    }
}
