//! Reading a `#[middleware]` function: its signature and what each argument is.

use proc_macro2::TokenStream;
use syn::{FnArg, ItemFn, Type};

use crate::attr::{self, Arg, Args};
use crate::diag::{Diagnostic, Diagnostics};
use crate::signature::{self, is_body_extractor, last_segment, type_name};

/// A checked middleware function.
pub(super) struct Middleware {
    /// Its arguments, in order.
    pub(super) args: Vec<MiddlewareArg>,
}

/// One argument of a middleware function.
pub(super) enum MiddlewareArg {
    /// The request (`Request`).
    Request,
    /// The rest of the chain (`Next`).
    Next,
    /// A head extractor of this type.
    Extractor(Box<Type>),
}

/// Checks the attribute (it takes no arguments) and the function.
pub(super) fn parse(args: TokenStream, func: &ItemFn) -> syn::Result<Middleware> {
    let mut diagnostics = Diagnostics::default();
    if let Some(args) = diagnostics.take(Args::parse_tokens(args)) {
        for arg in args.items {
            match arg {
                Arg::Named(key, _) | Arg::Flag(key) => {
                    diagnostics.push(attr::unknown_key(&key, "middleware", &[]))
                }
                Arg::Positional(value) => diagnostics.push(
                    Diagnostic::new(value.span(), "`#[middleware]` takes no arguments").help("remove it"),
                ),
            }
        }
    }
    signature::check(&mut diagnostics, &func.sig, signature::MIDDLEWARE);
    let mut args = Vec::new();
    let mut request: Option<&Type> = None;
    let mut next: Option<&Type> = None;
    for input in &func.sig.inputs {
        let FnArg::Typed(typed) = input else { continue };
        let ty = &*typed.ty;
        let name =
            last_segment(ty).filter(|last| last.arguments.is_none()).map(|last| last.ident.to_string());
        let arg = match name.as_deref() {
            Some("Request") => {
                if request.is_some() {
                    diagnostics.push(
                        Diagnostic::spanned(ty, "a middleware takes one `Request`")
                            .help("remove this argument"),
                    );
                }
                request = request.or(Some(ty));
                MiddlewareArg::Request
            }
            Some("Next") => {
                if next.is_some() {
                    diagnostics.push(
                        Diagnostic::spanned(ty, "a middleware takes one `Next`").help("remove this argument"),
                    );
                }
                next = next.or(Some(ty));
                MiddlewareArg::Next
            }
            _ => {
                if is_body_extractor(ty) {
                    diagnostics.push(
                        Diagnostic::spanned(ty, "middleware cannot read the request body")
                            .note(format!("`{}` consumes the body, which the handler reads", type_name(ty)))
                            .help("read the body in the handler; a middleware takes head extractors only"),
                    );
                }
                MiddlewareArg::Extractor(Box::new(ty.clone()))
            }
        };
        args.push(arg);
    }
    let parens = func.sig.paren_token.span.join();
    if request.is_none() {
        diagnostics.push(
            Diagnostic::new(parens, "a middleware takes the request")
                .help("add an argument `request: Request`, and pass it on with `next.run(request).await`"),
        );
    }
    if next.is_none() {
        diagnostics.push(
            Diagnostic::new(parens, "a middleware takes the rest of the chain")
                .help("add an argument `next: Next`, and call `next.run(request).await` to continue"),
        );
    }
    diagnostics.finish(Middleware { args })
}
