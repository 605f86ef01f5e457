//! Checks on the function under `#[get]`-like and `#[middleware]` attributes, and type helpers they share.
//!
//! Both attributes turn an `async fn` into a concrete value the runtime calls through a function pointer
//! or a trait object, so the same signatures are impossible for both: sync, `const`, `unsafe`, `extern`,
//! generic, methods, `impl Trait` and reference arguments.

use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{FnArg, Signature, Type};

use crate::diag::{Diagnostic, Diagnostics};

/// What the function becomes, for messages.
#[derive(Clone, Copy)]
pub(crate) struct Role {
    /// The plural noun: "route handlers", "middleware functions".
    pub(crate) noun: &'static str,
    /// Why one concrete function is needed.
    pub(crate) concrete: &'static str,
    /// Why there is no `self`.
    pub(crate) receiver: &'static str,
}

/// Route handlers.
pub(crate) const HANDLER: Role = Role {
    noun: "route handlers",
    concrete: "a route registers one concrete function when the program starts",
    receiver: "a route calls a free function, with no `self` to pass",
};

/// `#[middleware]` functions.
pub(crate) const MIDDLEWARE: Role = Role {
    noun: "middleware functions",
    concrete: "`#[middleware]` turns the function into one concrete middleware type",
    receiver: "`#[middleware]` moves the function into a type of its own, with no `self` to pass",
};

/// Reports what the function cannot be: sync, `const`, `unsafe`, `extern`, generic, a method, and
/// arguments of impossible types.
pub(crate) fn check(diagnostics: &mut Diagnostics, sig: &Signature, role: Role) {
    let Role { noun, concrete, receiver: no_self } = role;
    let name = sig.ident.unraw();
    if sig.asyncness.is_none() {
        diagnostics.push(
            Diagnostic::new(sig.fn_token.span, format!("{noun} must be `async`"))
                .help(format!("write `async fn {name}`")),
        );
    }
    if let Some(token) = &sig.constness {
        diagnostics
            .push(Diagnostic::new(token.span, format!("{noun} cannot be `const`")).help("remove `const`"));
    }
    if let syn::Safety::Unsafe(token) = &sig.safety {
        diagnostics.push(
            Diagnostic::new(token.span, format!("{noun} cannot be `unsafe`"))
                .help("make the function safe and call the unsafe code inside an `unsafe` block"),
        );
    }
    if let Some(abi) = &sig.abi {
        diagnostics.push(Diagnostic::spanned(abi, format!("{noun} cannot have an ABI")).help("remove it"));
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        let tokens = if sig.generics.params.is_empty() {
            sig.generics.where_clause.to_token_stream()
        } else {
            sig.generics.to_token_stream()
        };
        diagnostics.push(
            Diagnostic::spanned(tokens, format!("{noun} cannot be generic"))
                .note(concrete)
                .help("use concrete types; a generic function can be called from a concrete one"),
        );
    }
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(receiver) => diagnostics.push(
                Diagnostic::spanned(receiver, format!("{noun} cannot take `self`")).note(no_self).help(
                    "move the function out of the `impl` block, or call the method from a free `async fn`",
                ),
            ),
            FnArg::Typed(typed) => check_arg_type(diagnostics, &typed.ty, role),
        }
    }
}

/// Reports argument types that cannot work: `impl Trait` (generic) and references (borrowing a request
/// that is gone).
fn check_arg_type(diagnostics: &mut Diagnostics, ty: &Type, role: Role) {
    match unwrap_type(ty) {
        Type::ImplTrait(_) => diagnostics.push(
            Diagnostic::spanned(ty, "arguments cannot be `impl Trait`")
                .note(format!("`impl Trait` makes the function generic, and {}", role.concrete))
                .help("name the concrete type"),
        ),
        Type::Reference(reference) => {
            let help = match unwrap_type(&reference.elem) {
                Type::Path(path) if path.path.is_ident("str") => "take a `String`".to_owned(),
                Type::Slice(_) => "take a `Vec`".to_owned(),
                elem => format!("take `{}` by value", type_name(elem)),
            };
            diagnostics.push(
                Diagnostic::spanned(ty, "arguments cannot be references")
                    .note("extracted values are owned, as the request is gone once it has been read")
                    .help(help),
            );
        }
        _ => {}
    }
}

/// Looks through the invisible and explicit parentheses macros put around types.
pub(crate) fn unwrap_type(ty: &Type) -> &Type {
    match ty {
        Type::Group(group) => unwrap_type(&group.elem),
        Type::Paren(paren) => unwrap_type(&paren.elem),
        other => other,
    }
}

/// The last segment of a type written as a path (`Json` in `velocy::Json<T>`), with its arguments.
pub(crate) fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match unwrap_type(ty) {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        _ => None,
    }
}

/// The first type argument of a path segment: `T` in `Option<T>` or `Result<T, E>`.
pub(crate) fn first_type_argument(segment: &syn::PathSegment) -> Option<&Type> {
    match &segment.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|arg| match arg {
            syn::GenericArgument::Type(ty) => Some(ty),
            _ => None,
        }),
        _ => None,
    }
}

/// Extractors known to consume the body.
const BODY_EXTRACTORS: [&str; 6] = ["Json", "Form", "Bytes", "String", "Body", "Multipart"];

/// Whether `ty` is syntactically one of the well-known body extractors, possibly in `Option`/`Result`.
pub(crate) fn is_body_extractor(ty: &Type) -> bool {
    let Some(last) = last_segment(ty) else { return false };
    let first_arg = first_type_argument(last);
    let name = last.ident.to_string();
    match (name.as_str(), first_arg) {
        ("Option" | "Result", Some(inner)) => is_body_extractor(inner),
        ("Vec", Some(inner)) => matches!(unwrap_type(inner), Type::Path(p) if p.path.is_ident("u8")),
        (name, _) => BODY_EXTRACTORS.contains(&name),
    }
}

/// A type as the user would write it: `Json<Input>`, not `Json < Input >`.
pub(crate) fn type_name(ty: &Type) -> String {
    let mut text = ty.to_token_stream().to_string();
    for (from, to) in [
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" :: ", "::"),
        (":: ", "::"),
        (" ,", ","),
        ("& ", "&"),
    ] {
        text = text.replace(from, to);
    }
    text
}
