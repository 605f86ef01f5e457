//! The route attributes: `#[get]`, `#[post]`, ..., and `#[route]`.
//!
//! [`parse`] reads the attribute (its arguments through [`attribute`], the route through the shared grammar
//! of `velocy-pattern`) and the function into a checked [`parse::Route`], reporting every error at its
//! token; [`codegen`] turns a route into code and cannot fail. Imports run one way: `codegen` and `parse`
//! use what is below them, never the reverse. On errors, the function is emitted
//! unchanged next to the errors (and a placeholder route type), so the rest of the crate still type-checks
//! and editors keep working.

mod attribute;
mod codegen;
mod parse;
#[cfg(test)]
mod tests;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::ItemFn;

pub(crate) use attribute::Methods;

use crate::{debug, diag::Diagnostic};

/// Expands one route attribute with arguments `args` on `item`.
pub(crate) fn expand(methods: Methods, args: TokenStream, item: TokenStream) -> TokenStream {
    let attribute = format!("#[{}]", methods.attribute());
    let func = match syn::parse2::<ItemFn>(item.clone()) {
        Ok(func) => func,
        Err(_) => {
            let error = Diagnostic::new(Span::call_site(), format!("{attribute} goes on an `async fn`"))
                .help(
                    "write it above a function: `#[get(\"/\")] async fn index() -> &'static str { \"hi\" }`",
                );
            let mut output = item;
            output.extend(syn::Error::from(error).to_compile_error());
            return output;
        }
    };
    let output = match parse::parse(methods, args, &func) {
        Ok(route) => codegen::generate(&route, &func),
        Err(errors) => {
            let body_marks = func.sig.inputs.iter().any(|input| {
                matches!(input, syn::FnArg::Typed(typed) if typed.attrs.iter().any(parse::is_body_attribute))
            });
            let mut output = if func.attrs.iter().any(parse::is_route_attribute) || body_marks {
                // Drop the other route attributes (already reported), or each would expand too, and the
                // `#[body]` marks, which rustc does not know.
                let mut func = parse::without_body_attributes(&func);
                func.attrs.retain(|attr| !parse::is_route_attribute(attr));
                func.into_token_stream()
            } else {
                item
            };
            output.extend(errors.to_compile_error());
            // A method (it takes `self`) sits in an `impl`, where a struct cannot be declared.
            if !matches!(func.sig.inputs.first(), Some(syn::FnArg::Receiver(_))) {
                output.extend(codegen::placeholder(&func));
            }
            output
        }
    };
    debug::print(&attribute, &func.sig.ident.to_string(), &output);
    output
}
