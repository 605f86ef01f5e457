//! `#[velocy::main]` and `#[velocy::test]`: run an `async fn` on a tokio runtime, Velocy's own.
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
//!
//! `#[velocy::test] async fn it_works() { body }` becomes the same on a current-thread runtime (as a test
//! needs: one thread, nothing left running once it returns), under `#[::core::prelude::v1::test]`, spelled
//! so that an imported `velocy::test` cannot shadow the built-in `#[test]`.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{ItemFn, ReturnType, Type};

use crate::attr::{self, Arg, Args};
use crate::diag::{Diagnostic, Diagnostics};
use crate::{debug, paths};

/// The function an attribute turns into a synchronous entry point.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entry {
    /// `#[velocy::main]`: the program's `main`, on a multi-threaded runtime.
    Main,
    /// `#[velocy::test]`: a `#[test]`, on a current-thread runtime.
    Test,
}

impl Entry {
    /// The attribute's path, for messages.
    fn attribute(self) -> &'static str {
        match self {
            Entry::Main => "velocy::main",
            Entry::Test => "velocy::test",
        }
    }
}

/// Expands `#[velocy::main]` with arguments `args` on `item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    expand_entry(Entry::Main, args, item)
}

/// Expands `#[velocy::test]` with arguments `args` on `item`.
pub(crate) fn expand_test(args: TokenStream, item: TokenStream) -> TokenStream {
    expand_entry(Entry::Test, args, item)
}

/// Expands the attribute of `entry` with arguments `args` on `item`.
fn expand_entry(entry: Entry, args: TokenStream, item: TokenStream) -> TokenStream {
    let attribute = entry.attribute();
    let func = match syn::parse2::<ItemFn>(item.clone()) {
        Ok(func) => func,
        Err(_) => {
            let (message, help) = match entry {
                Entry::Main => (
                    "`#[velocy::main]` goes on `async fn main`",
                    "write `#[velocy::main] async fn main() { .. }`",
                ),
                Entry::Test => (
                    "`#[velocy::test]` goes on an `async fn`",
                    "write `#[velocy::test] async fn it_works() { .. }`",
                ),
            };
            let error = Diagnostic::new(Span::call_site(), message).help(help);
            let mut output = item;
            output.extend(syn::Error::from(error).to_compile_error());
            return output;
        }
    };
    let name = func.sig.ident.to_string();
    let output = match check(entry, args, &func) {
        Ok(()) => generate(entry, func),
        // A synchronous function is valid as it is.
        Err(errors) if func.sig.asyncness.is_none() => {
            let mut output = item;
            output.extend(errors.to_compile_error());
            output
        }
        // An `async fn` is not: generate the runtime anyway (without what was wrong), so that the errors
        // above are the only ones.
        Err(errors) => {
            let mut func = func;
            func.sig.inputs.clear();
            func.sig.generics = syn::Generics::default();
            func.attrs.retain(|attr| !is_test_attribute(attr));
            let mut output = generate(entry, func);
            output.extend(errors.to_compile_error());
            output
        }
    };
    debug::print(&format!("#[{attribute}]"), &name, &output);
    output
}

/// Reports arguments (the attributes take none) and signatures that cannot run on a runtime.
fn check(entry: Entry, args: TokenStream, func: &ItemFn) -> syn::Result<()> {
    let attribute = entry.attribute();
    let mut diagnostics = Diagnostics::default();
    if let Some(args) = diagnostics.take(Args::parse_tokens(args)) {
        for arg in args.items {
            match arg {
                Arg::Named(key, _) | Arg::Flag(key) => {
                    diagnostics.push(attr::unknown_key(&key, attribute, &[]))
                }
                Arg::Positional(value) => diagnostics.push(
                    Diagnostic::new(value.span(), format!("`#[{attribute}]` takes no arguments"))
                        .help("remove it"),
                ),
            }
        }
    }
    let sig = &func.sig;
    if sig.asyncness.is_none() {
        diagnostics.push(
            Diagnostic::new(sig.fn_token.span, format!("`#[{attribute}]` needs an `async fn`"))
                .help(format!("write `async fn {}`", sig.ident)),
        );
    }
    let (what, arguments_help) = match entry {
        Entry::Main => ("`main`", "read them with `std::env::args()`"),
        Entry::Test => ("a test", "build what the test needs in its body"),
    };
    if !sig.inputs.is_empty() {
        diagnostics.push(
            Diagnostic::spanned(&sig.inputs, format!("{what} cannot take arguments")).help(arguments_help),
        );
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        diagnostics.push(
            Diagnostic::spanned(&sig.generics, format!("{what} cannot be generic"))
                .help("remove the generics"),
        );
    }
    if entry == Entry::Test {
        for attr in func.attrs.iter().filter(|attr| is_test_attribute(attr)) {
            diagnostics.push(
                Diagnostic::spanned(attr, "`#[velocy::test]` already makes the function a test")
                    .help("remove this attribute"),
            );
        }
    }
    diagnostics.finish(())
}

/// Whether `attr` makes a test itself: `#[test]` or `#[tokio::test]`.
fn is_test_attribute(attr: &syn::Attribute) -> bool {
    let path: Vec<String> = attr.path().segments.iter().map(|segment| segment.ident.to_string()).collect();
    path == ["test"] || path == ["tokio", "test"]
}

/// The synchronous function that builds the runtime and blocks on the body.
fn generate(entry: Entry, func: ItemFn) -> TokenStream {
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
    let (test, builder) = match entry {
        Entry::Main => (quote!(), quote!(new_multi_thread)),
        Entry::Test => (quote!(#[::core::prelude::v1::test]), quote!(new_current_thread)),
    };
    quote! {
        #test
        #(#attrs)*
        #vis #sig {
            #body
            #tokio::runtime::Builder::#builder()
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

    #[test]
    fn a_test_runs_on_a_current_thread_runtime_21() {
        let output = super::expand_test(
            quote!(),
            quote!(
                #[should_panic]
                async fn it_works() -> Result<(), E> {
                    Ok(())
                }
            ),
        )
        .to_string();
        assert!(
            output.starts_with(
                "# [:: core :: prelude :: v1 :: test] # [should_panic] fn it_works () -> Result"
            ),
            "{output}"
        );
        assert!(output.contains("new_current_thread"), "{output}");
        assert!(!output.contains("compile_error"), "{output}");
    }

    #[test]
    fn a_test_reports_every_problem_21() {
        let output = super::expand_test(
            quote!(flavor = "x"),
            quote!(
                #[test]
                fn it_works<T>(port: u16) {}
            ),
        )
        .to_string();
        for expected in [
            "unknown key `flavor` in `#[velocy::test]`",
            "`#[velocy::test]` needs an `async fn`",
            "a test cannot take arguments",
            "a test cannot be generic",
            "`#[velocy::test]` already makes the function a test",
        ] {
            assert!(output.contains(expected), "missing {expected:?} in {output}");
        }
    }
}
