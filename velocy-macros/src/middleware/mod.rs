//! `#[middleware]`: an `async fn` taking head extractors, the `Request` and the `Next` becomes a middleware
//! type of the same name.
//!
//! ```text
//! #[middleware]
//! async fn require_key(State(keys): State<Keys>, request: Request, next: Next) -> Response { .. }
//! ```
//! becomes a unit struct `require_key` (so `App::middleware(require_key)` and `middleware = [require_key]`
//! name a value) implementing `Middleware`, whose `call` runs the extractors on the request head, calls
//! the function (moved inside `call`, which frees its name for the struct) and converts its output with
//! `IntoResponse`.

mod codegen;
mod parse;

use proc_macro2::{Span, TokenStream};
use syn::ItemFn;

use crate::debug;
use crate::diag::Diagnostic;

/// Expands `#[middleware]` with arguments `args` on `item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let func = match syn::parse2::<ItemFn>(item.clone()) {
        Ok(func) => func,
        Err(_) => {
            let error = Diagnostic::new(Span::call_site(), "#[middleware] goes on an `async fn`").help(
                "write it above `async fn name(request: Request, next: Next) -> Response { next.run(request).await }`",
            );
            let mut output = item;
            output.extend(syn::Error::from(error).to_compile_error());
            return output;
        }
    };
    let output = match parse::parse(args, &func) {
        Ok(middleware) => codegen::generate(&middleware, &func),
        Err(errors) => {
            // The function stays as written, so uses of its name resolve (to the function) while the
            // errors above are fixed.
            let mut output = item;
            output.extend(errors.to_compile_error());
            output
        }
    };
    debug::print("#[middleware]", &func.sig.ident.to_string(), &output);
    output
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use quote::quote;

    /// The error text of `#[middleware] item`, or the expansion.
    fn expand(item: proc_macro2::TokenStream) -> String {
        super::expand(quote!(), item).to_string()
    }

    #[test]
    fn arguments_are_classified() {
        let func = syn::parse2(quote!(
            async fn m(a: State<A>, mut request: velocy::Request, next: Next) {}
        ))
        .unwrap();
        let middleware = super::parse::parse(quote!(), &func).unwrap();
        let kinds: Vec<&str> = middleware
            .args
            .iter()
            .map(|arg| match arg {
                super::parse::MiddlewareArg::Request => "request",
                super::parse::MiddlewareArg::Next => "next",
                super::parse::MiddlewareArg::Extractor(_) => "extractor",
            })
            .collect();
        assert_eq!(kinds, ["extractor", "request", "next"]);
    }

    #[test]
    fn request_and_next_are_required_once() {
        let text = expand(quote!(
            async fn m(next: Next) {}
        ));
        assert!(text.contains("a middleware takes the request"), "{text}");
        let text = expand(quote!(
            async fn m(request: Request) {}
        ));
        assert!(text.contains("a middleware takes the rest of the chain"), "{text}");
        let text = expand(quote!(
            async fn m(a: Request, b: Request, next: Next) {}
        ));
        assert!(text.contains("a middleware takes one `Request`"), "{text}");
    }

    #[test]
    fn body_extractors_are_rejected() {
        let text = expand(quote!(
            async fn m(body: Json<T>, request: Request, next: Next) {}
        ));
        assert!(text.contains("middleware cannot read the request body"), "{text}");
    }

    #[test]
    fn signature_errors_are_shared_with_routes() {
        let text = expand(quote!(
            fn m<T>(request: Request, next: Next) {}
        ));
        assert!(text.contains("middleware functions must be `async`"), "{text}");
        assert!(text.contains("middleware functions cannot be generic"), "{text}");
    }

    #[test]
    fn generates_a_unit_struct_and_keeps_the_function_inside() {
        let text = expand(quote!(
            pub async fn m(request: Request, next: Next) -> Response {
                next.run(request).await
            }
        ));
        assert!(text.contains("pub struct m ;"), "{text}");
        assert!(text.contains("async fn m (request : Request , next : Next) -> Response"), "{text}");
        assert!(!text.contains("compile_error"), "{text}");
    }
}
