//! Reading a route attribute and the function under it into a checked [`Route`].
//!
//! Everything the user can get wrong is found here and reported at its own token, all at once; once a
//! [`Route`] exists, code generation cannot fail.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{FnArg, ItemFn, LitStr, Pat, Type};

use velocy_pattern::{self as pattern, Pattern, SegmentKind};

use super::attribute::{read_attr, Methods};
use crate::diag::{self, Diagnostic, Diagnostics};
use crate::signature::{self, first_type_argument, is_body_extractor, last_segment, type_name, unwrap_type};

/// A checked route: everything code generation needs besides the function itself.
pub(crate) struct Route {
    /// The methods it answers, as written (`GET`, or custom tokens).
    pub(crate) methods: Vec<String>,
    /// The route as written.
    pub(crate) path: String,
    /// The route's shape, with parameter names erased.
    pub(crate) shape: String,
    /// The display name: `name = "..."` or the function's name.
    pub(crate) name: String,
    /// The function's arguments, in order.
    pub(crate) args: Vec<HandlerArg>,
    /// Route middleware expressions, outermost first.
    pub(crate) middleware: Vec<syn::Expr>,
    /// The media types the route produces.
    pub(crate) produces: Vec<String>,
    /// The media types the route consumes.
    pub(crate) consumes: Vec<String>,
}

/// One argument of the handler.
pub(crate) struct HandlerArg {
    /// The argument as written (`State(db): State<Db>`), for messages.
    pub(crate) label: String,
    /// Its type.
    pub(crate) ty: Type,
    /// Where its value comes from.
    pub(crate) kind: ArgKind,
}

/// Where an argument's value comes from.
pub(crate) enum ArgKind {
    /// The path parameter with this index (in route order) and name.
    Param {
        /// Its position among the route's parameters.
        index: usize,
        /// Its name in the route.
        name: String,
    },
    /// An extractor chosen by type.
    Extractor {
        /// Whether its type is one of the well-known body extractors (`Json<T>`, `String`, ...).
        known_body: bool,
    },
}

/// Types bound to path parameters by name only: never extractors.
const SCALARS: [&str; 16] = [
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32", "f64",
    "bool", "char",
];

/// Reads the route attribute `args` of `func`, checking everything, and reports every error found.
pub(crate) fn parse(methods: Methods, args: TokenStream, func: &ItemFn) -> syn::Result<Route> {
    let mut diagnostics = Diagnostics::default();
    let attr = read_attr(&mut diagnostics, methods, args);
    signature::check(&mut diagnostics, &func.sig, signature::HANDLER);
    check_single_route_attribute(&mut diagnostics, func);
    let Some(attr) = attr else {
        return diagnostics.fail();
    };
    let value = attr.path.value();
    let pattern = match pattern::parse(&value) {
        Ok(pattern) => pattern,
        Err(errors) => {
            for error in errors {
                diagnostics
                    .push(Diagnostic::in_str(&attr.path, error.span, error.message).help_opt(error.help));
            }
            return diagnostics.fail();
        }
    };
    check_constraints(&mut diagnostics, &attr.path, &pattern);
    let args = bind_args(&mut diagnostics, &attr.path, &pattern, &attr.methods, func);
    let route = Route {
        methods: attr.methods,
        shape: pattern.shape(),
        path: value.clone(),
        name: attr.name.map_or_else(|| func.sig.ident.unraw().to_string(), |name| name.value()),
        args,
        middleware: attr.middleware,
        produces: attr.produces,
        consumes: attr.consumes,
    };
    diagnostics.finish(route)
}

/// Whether `attr` is a route attribute: `#[get]`, `#[velocy::route]`, ...
pub(crate) fn is_route_attribute(attr: &syn::Attribute) -> bool {
    const ROUTE_ATTRIBUTES: [&str; 8] = ["get", "post", "put", "patch", "delete", "head", "options", "route"];
    let path = attr.path();
    let in_velocy = match path.segments.len() {
        1 => true,
        2 => path.segments[0].ident == "velocy",
        _ => false,
    };
    in_velocy
        && path.segments.last().is_some_and(|last| ROUTE_ATTRIBUTES.iter().any(|name| last.ident == name))
}

/// Reports a second route attribute on the same function: each would declare the hidden route type.
fn check_single_route_attribute(diagnostics: &mut Diagnostics, func: &ItemFn) {
    for attr in func.attrs.iter().filter(|attr| is_route_attribute(attr)) {
        diagnostics.push(Diagnostic::spanned(attr, "a handler takes one route attribute").help(
            "list several methods with `#[route(\"/x\", method = [\"GET\", \"POST\"])]`, or write a second \
                 handler for another route",
        ));
    }
}

/// Validates each constraint's regex with `regex-syntax`, as the runtime's `regex` crate will parse it.
fn check_constraints(diagnostics: &mut Diagnostics, lit: &LitStr, pattern: &Pattern<'_>) {
    for segment in &pattern.segments {
        let SegmentKind::Param { name, constraint: Some(constraint), .. } = &segment.kind else {
            continue;
        };
        let (span, kind) = match regex_syntax::Parser::new().parse(constraint.regex) {
            Ok(_) => continue,
            Err(regex_syntax::Error::Parse(error)) => (*error.span(), error.kind().to_string()),
            Err(regex_syntax::Error::Translate(error)) => (*error.span(), error.kind().to_string()),
            Err(error) => {
                let whole = constraint.span.clone();
                diagnostics.push(Diagnostic::in_str(
                    lit,
                    whole,
                    format!("invalid regex for `:{name}`: {error}"),
                ));
                continue;
            }
        };
        let start = constraint.span.start + span.start.offset;
        let end =
            (constraint.span.start + span.end.offset).max(start + 1).min(constraint.span.end.max(start + 1));
        diagnostics.push(
            Diagnostic::in_str(lit, start..end, format!("invalid regex for `:{name}`: {kind}"))
                .note("a constraint is a regex that must match the whole segment"),
        );
    }
}

/// Binds each argument: to the path parameter of the same name, or to an extractor chosen by its type.
///
/// Reports parameters without an argument (with the one fix when a single argument is left over for a
/// single parameter), scalar arguments without a parameter, a second argument of a type known to consume
/// the body, and a plain body type on a route whose methods carry no body (unless marked `#[body]`).
fn bind_args(
    diagnostics: &mut Diagnostics,
    lit: &LitStr,
    pattern: &Pattern<'_>,
    methods: &[String],
    func: &ItemFn,
) -> Vec<HandlerArg> {
    let params: Vec<(&str, std::ops::Range<usize>)> = pattern
        .segments
        .iter()
        .filter_map(|segment| match &segment.kind {
            SegmentKind::Static(_) => None,
            SegmentKind::Param { name, name_span, .. } | SegmentKind::CatchAll { name, name_span } => {
                Some((*name, name_span.clone()))
            }
        })
        .collect();
    let typed: Vec<&syn::PatType> = func
        .sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(typed) => Some(typed),
            FnArg::Receiver(_) => None,
        })
        .collect();
    let names: Vec<Option<String>> = typed.iter().map(|typed| arg_name(&typed.pat)).collect();
    let param_of = |name: &Option<String>| {
        name.as_ref().and_then(|name| params.iter().position(|(param, _)| param == name))
    };
    let bound: Vec<bool> =
        (0..params.len()).map(|index| names.iter().any(|name| param_of(name) == Some(index))).collect();
    let unbound_names: Vec<&str> =
        names.iter().filter(|name| param_of(name).is_none()).filter_map(|name| name.as_deref()).collect();
    // `Path<T>` deserializes every parameter: the others need no argument of their own.
    let path_extractor = typed
        .iter()
        .zip(&names)
        .any(|(typed, name)| param_of(name).is_none() && is_path_extractor(&typed.ty));
    let misnamed =
        if path_extractor { None } else { misnamed(&params, &bound, &typed, &names, &unbound_names) };
    let bodiless = bodiless_methods(methods);

    let mut args = Vec::new();
    let mut body: Option<&Type> = None;
    for (position, (typed, name)) in typed.iter().zip(&names).enumerate() {
        let ty = &*typed.ty;
        let body_attr = body_attribute(diagnostics, typed);
        if let (Some(index), Some(name)) = (param_of(name), name) {
            if let Some(attr) = body_attr {
                diagnostics.push(
                    Diagnostic::spanned(
                        attr,
                        format!("`{name}` is the path parameter `:{name}`, not the body"),
                    )
                    .help("remove `#[body]`; it marks an argument that reads the request body"),
                );
            }
            let kind = ArgKind::Param { index, name: name.clone() };
            args.push(HandlerArg { label: label(typed), ty: ty.clone(), kind });
            continue;
        }
        let is_misnamed = misnamed.as_ref().is_some_and(|misnamed| misnamed.position == position);
        if let Some(scalar) = scalar_name(ty).filter(|_| !is_misnamed) {
            diagnostics.push(unbound_scalar(&typed.pat, name.as_deref(), scalar, &params));
        }
        if !bodiless.is_empty() && body_attr.is_none() && !is_misnamed && is_plain_body_type(ty) {
            diagnostics.push(body_without_body(typed, &bodiless));
        }
        let known_body = is_body_extractor(ty);
        if known_body {
            if let Some(first) = body {
                diagnostics.push(
                    Diagnostic::spanned(
                        ty,
                        "a handler can take only one argument that consumes the request body",
                    )
                    .note(format!("`{}` already consumes it", type_name(first)))
                    .help("keep one body extractor; read the rest from the head (`Query`, headers, path)"),
                );
            }
            body = body.or(Some(ty));
        }
        args.push(HandlerArg {
            label: label(typed),
            ty: ty.clone(),
            kind: ArgKind::Extractor { known_body },
        });
    }
    if path_extractor {
        return args;
    }
    let function = func.sig.ident.unraw().to_string();
    for (index, ((param, span), bound)) in params.iter().zip(&bound).enumerate() {
        if *bound {
            continue;
        }
        let help = match (&misnamed, diag::closest(param, unbound_names.iter().copied())) {
            (Some(misnamed), _) if misnamed.param == index => misnamed.help.clone(),
            (_, Some(arg)) => format!("rename the argument `{arg}` to `{param}`"),
            (_, None) => {
                format!("add an argument `{param}: T` where `T: FromParam`, such as `{param}: u64`")
            }
        };
        diagnostics.push(
            Diagnostic::in_str(
                lit,
                span.clone(),
                format!("path parameter `{param}` has no matching argument"),
            )
            .note(format!("`{function}` has no argument named `{param}`; path parameters are bound by name"))
            .help(help),
        );
    }
    args
}

/// The one argument left for the one parameter without an argument: most likely the same value under
/// another name (`bookmark_id: u64` for `:id`).
struct Misnamed {
    /// The argument's position among the typed arguments.
    position: usize,
    /// The parameter's index in the route.
    param: usize,
    /// The fix: rename the argument, or bind it through `Path`.
    help: String,
}

/// Finds a [`Misnamed`] argument: exactly one parameter has no argument and exactly one argument named by
/// a plain identifier, of a type that looks like a `FromParam` value, binds no parameter, and it is not
/// merely misspelt (that gets the typo's help).
fn misnamed(
    params: &[(&str, std::ops::Range<usize>)],
    bound: &[bool],
    typed: &[&syn::PatType],
    names: &[Option<String>],
    unbound_names: &[&str],
) -> Option<Misnamed> {
    let mut unbound_params = bound.iter().enumerate().filter(|(_, bound)| !**bound).map(|(index, _)| index);
    let (param, None) = (unbound_params.next()?, unbound_params.next()) else {
        return None;
    };
    let (param_name, _) = &params[param];
    if diag::closest(param_name, unbound_names.iter().copied()).is_some() {
        return None;
    }
    let mut candidates = typed.iter().zip(names).enumerate().filter(|(_, (typed, name))| {
        name.as_deref().is_some_and(|name| unbound_names.contains(&name)) && looks_like_param(&typed.ty)
    });
    let ((position, (typed, Some(name))), None) = (candidates.next()?, candidates.next()) else {
        return None;
    };
    let ty = type_name(&typed.ty);
    let help = format!("rename `{name}` to `{param_name}`, or take `Path({name}): Path<{ty}>`");
    Some(Misnamed { position, param, help })
}

/// Types that parse from a path segment with `FromParam` and are usually nothing else: the scalars,
/// `String`, the non-zero integers and IP addresses.
fn looks_like_param(ty: &Type) -> bool {
    const OTHERS: [&str; 6] = ["String", "NonZeroU32", "NonZeroU64", "IpAddr", "Ipv4Addr", "Ipv6Addr"];
    scalar_name(ty).is_some()
        || last_segment(ty)
            .is_some_and(|last| last.arguments.is_none() && OTHERS.iter().any(|other| last.ident == other))
}

/// The methods that carry no request body by convention.
const BODILESS_METHODS: [&str; 4] = ["GET", "HEAD", "DELETE", "OPTIONS"];

/// `methods` when all of them carry no body by convention, none otherwise.
fn bodiless_methods(methods: &[String]) -> Vec<&str> {
    if methods.iter().all(|method| BODILESS_METHODS.contains(&method.as_str())) {
        methods.iter().map(String::as_str).collect()
    } else {
        Vec::new()
    }
}

/// Whether `ty` is a plain type that extracts the whole body (`String`, `Vec<u8>`, `Bytes`, any path ending
/// so), possibly in `Option`/`Result`: on a route without a body it most likely meant a query value.
fn is_plain_body_type(ty: &Type) -> bool {
    let Some(last) = last_segment(ty) else { return false };
    let first_arg = first_type_argument(last);
    match (last.ident.to_string().as_str(), first_arg) {
        ("Option" | "Result", Some(inner)) => is_plain_body_type(inner),
        ("Vec", Some(inner)) => matches!(unwrap_type(inner), Type::Path(p) if p.path.is_ident("u8")),
        ("String" | "Bytes", None) => last.arguments.is_none(),
        _ => false,
    }
}

/// The error for an argument that would read the body of a request whose methods carry none.
fn body_without_body(typed: &syn::PatType, methods: &[&str]) -> Diagnostic {
    let label = label(typed);
    let message = format!(
        "`{label}` reads the request body, which {} requests do not carry",
        diag::list(methods.iter().copied())
    );
    let note = format!(
        "an argument not named after a path parameter is an extractor chosen by its type, and `{}` reads the \
         whole body",
        type_name(&typed.ty)
    );
    let help = "did you mean `Query<T>`, a `#[query]` field of a derived extractor, or a body on a \
                POST/PUT/PATCH route?";
    Diagnostic::spanned(typed, message)
        .note(note)
        .help(help)
        .help(format!("to read a body on this route anyway, mark the argument: `#[body] {label}`"))
}

/// The argument's `#[body]` attribute, checked: it takes no arguments and is written once.
fn body_attribute<'a>(diagnostics: &mut Diagnostics, typed: &'a syn::PatType) -> Option<&'a syn::Attribute> {
    let mut found = None;
    for attr in typed.attrs.iter().filter(|attr| is_body_attribute(attr)) {
        if found.is_some() {
            diagnostics.push(Diagnostic::spanned(attr, "`#[body]` is repeated").help("remove this one"));
            continue;
        }
        if !matches!(attr.meta, syn::Meta::Path(_)) {
            diagnostics
                .push(Diagnostic::spanned(attr, "`#[body]` takes no arguments").help("write `#[body]`"));
        }
        found = Some(attr);
    }
    found
}

/// Whether `attr` is `#[body]`, the mark of an argument read as the body on a route without one.
pub(crate) fn is_body_attribute(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("body")
}

/// `func` without the `#[body]` marks on its arguments, which only the route attribute reads: rustc would
/// reject them.
pub(crate) fn without_body_attributes(func: &ItemFn) -> ItemFn {
    let mut func = func.clone();
    for input in &mut func.sig.inputs {
        if let FnArg::Typed(typed) = input {
            typed.attrs.retain(|attr| !is_body_attribute(attr));
        }
    }
    func
}

/// The error for a scalar argument (bound by name only) that names no path parameter.
fn unbound_scalar(
    pat: &Pat,
    name: Option<&str>,
    scalar: &str,
    params: &[(&str, std::ops::Range<usize>)],
) -> Diagnostic {
    let note = format!("`{scalar}` arguments are bound by name to path parameters");
    let Some(name) = name else {
        return Diagnostic::spanned(
            pat,
            format!("a `{scalar}` argument must be named after a path parameter"),
        )
        .note(note)
        .help("name the argument like the parameter, e.g. `id: u64` for `/:id`");
    };
    let message = format!("argument `{name}` does not match any path parameter");
    let help = match diag::closest(name, params.iter().map(|(param, _)| *param)) {
        Some(param) => format!("did you mean `{param}`?"),
        None if params.is_empty() => {
            format!("add `/:{name}` to the route, or read the value with an extractor such as `Query<T>`")
        }
        None => format!(
            "the route's parameters are {}; or read the value with an extractor such as `Query<T>`",
            diag::list(params.iter().map(|(param, _)| *param))
        ),
    };
    Diagnostic::spanned(pat, message).note(note).help(help)
}

/// The name an argument pattern binds, if it is a plain identifier (`id`, `mut id`, `r#type`).
fn arg_name(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(ident) if ident.subpat.is_none() => Some(ident.ident.unraw().to_string()),
        _ => None,
    }
}

/// The name of a scalar primitive type (`u64`, `bool`, ...), which binds to path parameters only.
fn scalar_name(ty: &Type) -> Option<&'static str> {
    let Type::Path(path) = unwrap_type(ty) else {
        return None;
    };
    let ident = path.path.get_ident().filter(|_| path.qself.is_none())?;
    SCALARS.iter().copied().find(|scalar| ident == scalar)
}

/// Whether `ty` is written `Path<..>` (any path ending so): the extractor of all path parameters.
fn is_path_extractor(ty: &Type) -> bool {
    last_segment(ty).is_some_and(|last| {
        last.ident == "Path" && matches!(last.arguments, syn::PathArguments::AngleBracketed(_))
    })
}

/// An argument as the user wrote it, for messages: `input: Json<Input>`.
fn label(typed: &syn::PatType) -> String {
    let pat =
        typed.pat.to_token_stream().to_string().replace(" (", "(").replace("( ", "(").replace(" )", ")");
    format!("{pat}: {}", type_name(&typed.ty))
}
