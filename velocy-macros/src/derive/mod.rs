//! `#[derive(FromRequestParts)]` and `#[derive(FromRequest)]`: extractors assembled from fields.
//!
//! Both derives read the struct into a checked [`Extractor`] here; `from_request_parts.rs` and
//! `from_request.rs` emit the impls. Each named field says where its value comes from:
//!
//! | field attribute | value | missing |
//! | --- | --- | --- |
//! | `#[query]`, `#[query("key")]` | the query value for the key (default: the field name), parsed with `FromParam`; a key given twice is a 400 (no first-or-last guess: a proxy and the app could pick differently); a `Vec<T>` field takes every value of a repeated key, in order (`?tag=a&tag=b`), empty when absent, and `Option<Vec<T>>` is `None` when absent | 400 |
//! | `#[header]`, `#[header("x-api-key")]` | the header (default: the field name with `_` as `-`), parsed with `FromParam` | 400 |
//! | `#[param]`, `#[param("name")]` | the path parameter by name, percent-decoded, parsed with `FromParam` | 500 (the route has no such parameter) |
//! | `#[body]` (`FromRequest` only) | the body, through the field type's `FromRequest` | — |
//! | none | the field type's own `FromRequestParts` | — |
//!
//! A field of type `Option<T>` with `#[query]`, `#[header]` or `#[param]` is `None` when the value is
//! absent instead of failing. (`#[path]` would read better, but rustc reserves that name for the built-in
//! `#[path = "file.rs"]` attribute, so path parameters use `#[param]`.)

mod from_multipart;
mod from_request;
mod from_request_parts;
mod record;

pub(crate) use from_multipart::expand as expand_from_multipart;
pub(crate) use record::expand as expand_record;

use proc_macro2::{Span, TokenStream};
use quote::format_ident;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Generics, Ident, Type};

use crate::diag::{Diagnostic, Diagnostics};
use crate::{attr, debug, paths};

/// Which derive is running.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Derive {
    /// `#[derive(FromRequestParts)]`.
    Parts,
    /// `#[derive(FromRequest)]`.
    Request,
}

impl Derive {
    /// The trait's name, for messages.
    fn name(self) -> &'static str {
        match self {
            Derive::Parts => "FromRequestParts",
            Derive::Request => "FromRequest",
        }
    }
}

/// A struct checked for one of the derives.
struct Extractor {
    /// The struct's name.
    ident: Ident,
    /// Its generics, with the bounds the impl needs added to the where clause.
    generics: Generics,
    /// Its fields in declaration order (none for a unit struct).
    fields: Vec<Field>,
}

/// One field and where its value comes from.
struct Field {
    /// The field's name.
    ident: Ident,
    /// The local variable holding its value while the struct is built.
    var: Ident,
    /// The field's type.
    ty: Type,
    /// Where the value comes from.
    source: Source,
}

/// Where a field's value comes from.
enum Source {
    /// A query value by key.
    Query(Value),
    /// A header by name.
    Header(Value),
    /// A path parameter by name.
    Param(Value),
    /// The body (`FromRequest` only).
    Body,
    /// The field type's own `FromRequestParts`.
    Extractor,
}

/// The key of a `#[query]`, `#[header]` or `#[param]` field and how to treat its absence.
struct Value {
    /// The key, header name or parameter name.
    key: String,
    /// The type parsed with `FromParam`: the field type, or `T` for an `Option<T>` field.
    parsed: Type,
    /// Whether the field is an `Option<T>`, absent values being `None`.
    optional: bool,
    /// Whether the field is a `Vec<T>` (or `Option<Vec<T>>`) of a `#[query]` key that may repeat: every value
    /// in order, `T` parsed from each.
    list: bool,
}

/// Expands `#[derive(FromRequestParts)]`.
pub(crate) fn expand_from_request_parts(input: TokenStream) -> TokenStream {
    expand(Derive::Parts, input)
}

/// Expands `#[derive(FromRequest)]`.
pub(crate) fn expand_from_request(input: TokenStream) -> TokenStream {
    expand(Derive::Request, input)
}

/// Parses, checks and generates one derive.
fn expand(derive: Derive, input: TokenStream) -> TokenStream {
    let name = format!("#[derive({})]", derive.name());
    let input = match syn::parse2::<DeriveInput>(input) {
        Ok(input) => input,
        Err(error) => return error.to_compile_error(),
    };
    let output = match parse(derive, &input) {
        Ok(extractor) => match derive {
            Derive::Parts => from_request_parts::generate(&extractor),
            Derive::Request => from_request::generate(&extractor),
        },
        Err(errors) => errors.to_compile_error(),
    };
    debug::print(&name, &input.ident.to_string(), &output);
    output
}

/// The named fields of the struct `input` derives on (a unit struct has none, when `unit_allowed`); for an
/// enum, union, tuple struct or refused unit struct, an error saying `needs` with `help`.
pub(crate) fn named_fields<'a>(
    input: &'a DeriveInput,
    needs: &str,
    help: &str,
    unit_allowed: bool,
) -> syn::Result<Vec<&'a syn::Field>> {
    let diagnostic = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => return Ok(named.named.iter().collect()),
            Fields::Unit if unit_allowed => return Ok(Vec::new()),
            Fields::Unit => Diagnostic::new(input.ident.span(), needs),
            Fields::Unnamed(unnamed) => Diagnostic::spanned(unnamed, needs),
        },
        Data::Enum(data) => Diagnostic::new(data.enum_token.span, needs),
        Data::Union(data) => Diagnostic::new(data.union_token.span, needs),
    };
    Err(diagnostic.help(help).into())
}

/// Reads and checks the struct.
fn parse(derive: Derive, input: &DeriveInput) -> syn::Result<Extractor> {
    let mut diagnostics = Diagnostics::default();
    let needs = format!("`#[derive({})]` needs a struct with named fields", derive.name());
    let help = "name the fields, like `struct Params { page: u32 }`";
    let fields = named_fields(input, &needs, help, true)?;
    let mut checked = Vec::with_capacity(fields.len());
    let mut body: Option<Span> = None;
    for field in fields {
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        let Some(source) = diagnostics.take(field_source(derive, field)) else {
            continue;
        };
        if let (Source::Body, Some(attr)) = (&source, body_attr(field)) {
            if body.is_some() {
                diagnostics.push(
                    Diagnostic::spanned(attr, "only one field can be `#[body]`")
                        .note("the body can be read once")
                        .help("read the other values from the head: `#[query]`, `#[header]`, `#[param]`"),
                );
            }
            body = body.or(Some(attr.span()));
        }
        checked.push(Field {
            var: format_ident!("__velocy_field_{}", ident.unraw()),
            ident,
            ty: field.ty.clone(),
            source,
        });
    }
    if derive == Derive::Request && body.is_none() && diagnostics.is_empty() {
        diagnostics.push(
            Diagnostic::new(input.ident.span(), "`#[derive(FromRequest)]` needs a `#[body]` field")
                .help("mark the field that reads the body with `#[body]`, or derive `FromRequestParts` if none does"),
        );
    }
    let generics = with_bounds(&input.generics, &checked);
    diagnostics.finish(Extractor { ident: input.ident.clone(), generics, fields: checked })
}

/// A field's `#[body]` attribute.
fn body_attr(field: &syn::Field) -> Option<&syn::Attribute> {
    field.attrs.iter().find(|attr| attr.path().is_ident("body"))
}

/// Reads a field's attributes into its [`Source`].
fn field_source(derive: Derive, field: &syn::Field) -> Result<Source, Diagnostic> {
    let ident = field.ident.as_ref().map_or_else(String::new, |ident| ident.unraw().to_string());
    let mut source = None;
    for attr in &field.attrs {
        let Some(kind) =
            ["query", "header", "param", "body"].into_iter().find(|name| attr.path().is_ident(name))
        else {
            continue;
        };
        if source.is_some() {
            return Err(Diagnostic::spanned(
                attr,
                "a field takes one of `#[query]`, `#[header]`, `#[param]` and `#[body]`",
            )
            .help("remove this attribute"));
        }
        source = Some(match kind {
            "body" => {
                if derive == Derive::Parts {
                    return Err(Diagnostic::spanned(attr, "`#[body]` needs `#[derive(FromRequest)]`")
                        .note("`FromRequestParts` reads only the request head")
                        .help("derive `FromRequest` instead"));
                }
                if !matches!(attr.meta, syn::Meta::Path(_)) {
                    return Err(
                        Diagnostic::spanned(attr, "`#[body]` takes no arguments").help("write `#[body]`")
                    );
                }
                Source::Body
            }
            "query" => {
                let key = attr::optional_str_arg(attr, "page")?;
                let key = key.map_or_else(|| Ok(ident.clone()), |lit| check_key(&lit))?;
                Source::Query(list_value(field, key))
            }
            "header" => {
                let name = attr::optional_str_arg(attr, "x-api-key")?;
                let name = match name {
                    Some(lit) => check_header(&lit)?,
                    None => ident.replace('_', "-"),
                };
                Source::Header(value(field, name))
            }
            _ => {
                let name = attr::optional_str_arg(attr, "id")?;
                let name = match name {
                    Some(lit) => check_param(&lit)?,
                    None => ident.clone(),
                };
                Source::Param(value(field, name))
            }
        });
    }
    Ok(source.unwrap_or(Source::Extractor))
}

/// A non-empty query key.
fn check_key(lit: &syn::LitStr) -> Result<String, Diagnostic> {
    let key = lit.value();
    if key.is_empty() {
        return Err(Diagnostic::new(lit.span(), "the query key cannot be empty")
            .help("remove the argument to use the field's name"));
    }
    Ok(key)
}

/// A header name: an RFC 9110 token.
fn check_header(lit: &syn::LitStr) -> Result<String, Diagnostic> {
    let name = lit.value();
    let is_tchar = |byte: u8| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte);
    if name.is_empty() || !name.bytes().all(is_tchar) {
        return Err(Diagnostic::new(lit.span(), format!("`{name}` is not a valid header name"))
            .help("header names are letters, digits and `!#$%&'*+-.^_`|~`, like `x-api-key`"));
    }
    Ok(name.to_ascii_lowercase())
}

/// A path parameter name, as the route grammar accepts it.
fn check_param(lit: &syn::LitStr) -> Result<String, Diagnostic> {
    let name = lit.value();
    let mut bytes = name.bytes();
    let valid = bytes.next().is_some_and(|byte| byte.is_ascii_alphabetic() || byte == b'_')
        && bytes.all(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
    if !valid {
        return Err(Diagnostic::new(lit.span(), format!("`{name}` is not a path parameter name"))
            .help("parameter names start with a letter or `_` and contain letters, digits and `_`; write it without the `:`"));
    }
    Ok(name)
}

/// The [`Value`] of a field keyed by `key`, unwrapping `Option<T>`.
fn value(field: &syn::Field, key: String) -> Value {
    match option_inner(&field.ty) {
        Some(inner) => Value { key, parsed: inner.clone(), optional: true, list: false },
        None => Value { key, parsed: field.ty.clone(), optional: false, list: false },
    }
}

/// The [`Value`] of a `#[query]` field, which may also be a list of a repeated key: `Vec<T>` or
/// `Option<Vec<T>>` (`None` when the key is absent).
fn list_value(field: &syn::Field, key: String) -> Value {
    let plain = value(field, key);
    match wrapped(&plain.parsed, "Vec") {
        Some(inner) => Value { parsed: inner.clone(), list: true, ..plain },
        None => plain,
    }
}

/// `T` if `ty` is written `Option<T>`.
fn option_inner(ty: &Type) -> Option<&Type> {
    wrapped(ty, "Option")
}

/// `T` if `ty` is written `Wrapper<T>` (by its last path segment).
fn wrapped<'t>(ty: &'t Type, wrapper: &str) -> Option<&'t Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last().filter(|last| last.ident == wrapper)?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first() {
        Some(syn::GenericArgument::Type(inner)) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// The struct's generics with the bounds a generic extractor needs: each type parameter `Send + 'static`,
/// each field's type the trait its source needs. Non-generic structs are left alone, so that errors land
/// on the field types rather than on a where clause.
fn with_bounds(generics: &Generics, fields: &[Field]) -> Generics {
    let mut generics = generics.clone();
    let params: Vec<Ident> = generics.type_params().map(|param| param.ident.clone()).collect();
    if params.is_empty() {
        return generics;
    }
    let span = Span::call_site();
    let std = paths::std(span);
    let from_param = paths::from_param(span);
    let from_request_parts = paths::from_request_parts(span);
    let from_request = paths::from_request(span);
    let where_clause = generics.make_where_clause();
    for param in params {
        where_clause.predicates.push(syn::parse_quote!(#param: #std::marker::Send + 'static));
    }
    for field in fields {
        let ty = &field.ty;
        where_clause.predicates.push(match &field.source {
            Source::Query(value) | Source::Header(value) | Source::Param(value) => {
                let parsed = &value.parsed;
                syn::parse_quote!(#parsed: #from_param + #std::marker::Send)
            }
            Source::Body => syn::parse_quote!(#ty: #from_request),
            Source::Extractor => syn::parse_quote!(#ty: #from_request_parts),
        });
    }
    generics
}

#[cfg(test)]
mod tests;
