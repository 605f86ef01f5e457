//! `#[velocy::main]`: runs an `async fn main` on a multi-threaded tokio runtime.
//!
//! ```text
//! #[velocy::main]
//! async fn main() -> Result<(), velocy::Error> { body }
//! ```
//! becomes
//! ```text
//! fn main() -> Result<(), velocy::Error> {
//!     let body: Pin<&mut dyn Future<Output = Result<(), velocy::Error>>> = pin!(async move { body });
//!     tokio::runtime::Builder::new_multi_thread().enable_all().build().expect(..).block_on(body)
//! }
//! ```
//! The annotated future type lets `?` in the body infer its error type from the signature.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{ItemFn, ReturnType, Type};

use crate::attr::{self, Arg, Args};
use crate::diag::{Diagnostic, Diagnostics};
use crate::{debug, paths};

/// Expands `#[velocy::main]` with arguments `args` on `item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let func = match syn::parse2::<ItemFn>(item.clone()) {
        Ok(func) => func,
        Err(_) => {
            let error = Diagnostic::new(Span::call_site(), "`#[velocy::main]` goes on `async fn main`")
                .help("write `#[velocy::main] async fn main() { .. }`");
            let mut output = item;
            output.extend(syn::Error::from(error).to_compile_error());
            return output;
        }
    };
    let output = match check(args, &func) {
        Ok(()) => generate(func),
        // A synchronous `main` is valid as it is.
        Err(errors) if func.sig.asyncness.is_none() => {
            let mut output = item;
            output.extend(errors.to_compile_error());
            output
        }
        // An `async fn main` is not: generate the runtime anyway (without what was wrong), so that the
        // errors above are the only ones.
        Err(errors) => {
            let mut func = func;
            func.sig.inputs.clear();
            func.sig.generics = syn::Generics::default();
            let mut output = generate(func);
            output.extend(errors.to_compile_error());
            output
        }
    };
    debug::print("#[velocy::main]", "main", &output);
    output
}

/// Reports arguments (it takes none) and signatures that cannot run on a runtime.
fn check(args: TokenStream, func: &ItemFn) -> syn::Result<()> {
    let mut diagnostics = Diagnostics::default();
    if let Some(args) = diagnostics.take(Args::parse_tokens(args)) {
        for arg in args.items {
            match arg {
                Arg::Named(key, _) | Arg::Flag(key) => {
                    diagnostics.push(attr::unknown_key(&key, "velocy::main", &[]))
                }
                Arg::Positional(value) => diagnostics.push(
                    Diagnostic::new(value.span(), "`#[velocy::main]` takes no arguments").help("remove it"),
                ),
            }
        }
    }
    let sig = &func.sig;
    if sig.asyncness.is_none() {
        diagnostics.push(
            Diagnostic::new(sig.fn_token.span, "`#[velocy::main]` needs an `async fn`")
                .help(format!("write `async fn {}`", sig.ident)),
        );
    }
    if !sig.inputs.is_empty() {
        diagnostics.push(
            Diagnostic::spanned(&sig.inputs, "`main` cannot take arguments")
                .help("read them with `std::env::args()`"),
        );
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        diagnostics
            .push(Diagnostic::spanned(&sig.generics, "`main` cannot be generic").help("remove the generics"));
    }
    diagnostics.finish(())
}

/// The synchronous `main` that builds the runtime and blocks on the body.
fn generate(func: ItemFn) -> TokenStream {
    let call_site = Span::call_site();
    let std = paths::std(call_site);
    let tokio = paths::tokio(call_site);
    let ItemFn { attrs, vis, modifiers: _, mut sig, block } = func;
    sig.asyncness = None;
    let output: Type = match &sig.output {
        ReturnType::Default => syn::parse_quote!(()),
        ReturnType::Type(_, ty) => (**ty).clone(),
    };
    let body = if matches!(output, Type::ImplTrait(_)) {
        quote!(let __velocy_main = async move #block;)
    } else {
        quote! {
            let __velocy_main: #std::pin::Pin<&mut dyn #std::future::Future<Output = #output>> =
                #std::pin::pin!(async move #block);
        }
    };
    quote! {
        #(#attrs)*
        #vis #sig {
            #body
            #tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("velocy: cannot start the tokio runtime")
                .block_on(__velocy_main)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use quote::quote;

    #[test]
    fn builds_a_runtime_and_keeps_the_return_type() {
        let output = super::expand(
            quote!(),
            quote!(
                async fn main() -> Result<(), E> {
                    run().await?;
                    Ok(())
                }
            ),
        );
        let text = output.to_string();
        assert!(text.starts_with("fn main () -> Result < () , E >"), "{text}");
        assert!(text.contains("Future < Output = Result < () , E > >"), "{text}");
        assert!(text.contains("new_multi_thread"), "{text}");
        assert!(!text.contains("compile_error"), "{text}");
    }

    #[test]
    fn reports_every_problem() {
        let output = super::expand(
            quote!(flavor = "x"),
            quote!(
                async fn main<T>(port: u16) {}
            ),
        )
        .to_string();
        for expected in ["unknown key `flavor`", "cannot take arguments", "cannot be generic"] {
            assert!(output.contains(expected), "missing {expected:?} in {output}");
        }
        // The async fn is still turned into a synchronous main, so rustc adds no error of its own.
        assert!(output.starts_with("fn main ()"), "{output}");
    }
}
