//! `routes![a, module::b]`: a `Vec<Route>` of annotated handlers, checked at compile time.
//!
//! Each entry names the hidden type a route attribute emitted beside its function. The list is checked
//! twice before the program runs:
//!
//! * by the macro: the same path listed twice is an error at the second one;
//! * by the compiler, through a `const` evaluated for every pair of entries (lists of up to
//!   [`MAX_PAIR_CHECKS`] entries): two handlers that answer a common method on the same route shape fail
//!   the build with ``"`a` and `b` in this routes![] both handle GET /x"``. Longer lists are still checked
//!   when the app is built.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Path, Token};

use crate::diag::{Diagnostic, Diagnostics};
use crate::{debug, paths};

/// The longest list whose pairs are checked at compile time (64 entries make 2016 pairs).
const MAX_PAIR_CHECKS: usize = 64;

/// Expands `routes![...]`.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let output = match parse(input) {
        Ok(entries) => generate(&entries),
        Err(errors) => {
            let route = paths::route(Span::call_site());
            let std = paths::std(Span::call_site());
            let errors = errors.to_compile_error();
            quote!({ #errors #std::vec::Vec::<#route>::new() })
        }
    };
    debug::print("routes![]", "", &output);
    output
}

/// One entry: the path to a handler, and that path as text.
struct Entry {
    /// The path as written.
    path: Path,
    /// The path without spaces, for comparisons and messages.
    text: String,
}

/// Reads the entries, reporting anything that is not a plain path and every repeated path.
fn parse(input: TokenStream) -> syn::Result<Vec<Entry>> {
    let mut diagnostics = Diagnostics::default();
    let exprs = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(input)?;
    let mut entries: Vec<Entry> = Vec::with_capacity(exprs.len());
    for expr in exprs {
        let path = match expr {
            Expr::Path(path) if path.qself.is_none() && path.attrs.is_empty() => path.path,
            Expr::Call(call) => {
                let name = call.func.to_token_stream().to_string().replace(' ', "");
                diagnostics.push(
                    Diagnostic::spanned(&call, "list handlers by name, without calling them")
                        .help(format!("write `{name}`")),
                );
                continue;
            }
            other => {
                diagnostics.push(
                    Diagnostic::spanned(&other, "expected the name of a route handler").help(
                        "list functions annotated with a route attribute: `routes![index, users::show]`",
                    ),
                );
                continue;
            }
        };
        let text = path.to_token_stream().to_string().replace(' ', "");
        if entries.iter().any(|entry| entry.text == text) {
            diagnostics.push(
                Diagnostic::spanned(&path, format!("`{text}` is listed twice in this routes![]"))
                    .help("remove this one"),
            );
            continue;
        }
        entries.push(Entry { path, text });
    }
    diagnostics.finish(entries)
}

/// The vector expression, preceded by the pairwise overlap checks.
fn generate(entries: &[Entry]) -> TokenStream {
    let call_site = Span::call_site();
    let route = paths::route(call_site);
    let std = paths::std(call_site);
    let specs: Vec<TokenStream> = entries.iter().map(spec).collect();
    let checks = if entries.len() >= 2 && entries.len() <= MAX_PAIR_CHECKS {
        pair_checks(entries)
    } else {
        TokenStream::new()
    };
    quote! {
        {
            #checks
            #std::vec![#(#route::from_spec(#specs)),*]
        }
    }
}

/// `<path as RouteDef>::SPEC`, at the entry's span so a non-handler is reported there.
fn spec(entry: &Entry) -> TokenStream {
    let span = entry.path.span();
    let route_def = paths::route_def(span);
    let path = &entry.path;
    quote_spanned!(span=> <#path as #route_def>::SPEC)
}

/// A `const` per pair of entries that fails compilation when both handle a common method on one shape.
fn pair_checks(entries: &[Entry]) -> TokenStream {
    let call_site = Span::call_site();
    let route_spec = paths::route_spec(call_site);
    let routes_overlap = paths::routes_overlap(call_site);
    let std = paths::std(call_site);
    let mut checks = Vec::new();
    for (position, first) in entries.iter().enumerate() {
        for second in &entries[position + 1..] {
            let prefix = format!("`{}` and `{}` in this routes![] both handle ", first.text, second.text);
            let first_spec = spec(first);
            let second_spec = spec(second);
            let span = second.path.span();
            checks.push(quote_spanned! {span=>
                const _: () = __velocy_overlap(#first_spec, #second_spec, #prefix);
            });
        }
    }
    quote! {
        const _: () = {
            /// Fails compilation with `prefix`, the shared method and the route when `a` and `b` overlap.
            const fn __velocy_overlap(a: &#route_spec, b: &#route_spec, prefix: &str) {
                if !#routes_overlap(a, b) {
                    return;
                }
                let method = __velocy_shared_method(a, b);
                let mut buffer = [0u8; 512];
                let mut length = __velocy_push(&mut buffer, 0, prefix);
                length = __velocy_push(&mut buffer, length, method);
                length = __velocy_push(&mut buffer, length, " ");
                length = __velocy_push(&mut buffer, length, a.path);
                let (message, _) = buffer.split_at(length);
                match #std::str::from_utf8(message) {
                    #std::result::Result::Ok(message) => #std::panic!("{}", message),
                    #std::result::Result::Err(_) => #std::panic!("two routes in this routes![] handle the same requests"),
                }
            }

            /// The first method both specs answer.
            const fn __velocy_shared_method(a: &#route_spec, b: &#route_spec) -> &'static str {
                let mut i = 0;
                while i < a.methods.len() {
                    let mut j = 0;
                    while j < b.methods.len() {
                        if __velocy_eq(a.methods[i].as_bytes(), b.methods[j].as_bytes()) {
                            return a.methods[i];
                        }
                        j += 1;
                    }
                    i += 1;
                }
                "requests to"
            }

            /// Byte-wise equality, usable in `const fn`.
            const fn __velocy_eq(a: &[u8], b: &[u8]) -> bool {
                if a.len() != b.len() {
                    return false;
                }
                let mut i = 0;
                while i < a.len() {
                    if a[i] != b[i] {
                        return false;
                    }
                    i += 1;
                }
                true
            }

            /// Appends `text` to `buffer` at `length`, as much as fits; returns the new length.
            const fn __velocy_push(buffer: &mut [u8; 512], mut length: usize, text: &str) -> usize {
                let bytes = text.as_bytes();
                let mut i = 0;
                while i < bytes.len() && length < buffer.len() {
                    buffer[length] = bytes[i];
                    length += 1;
                    i += 1;
                }
                length
            }

            #(#checks)*
        };
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use quote::quote;

    #[test]
    fn accepts_paths_and_a_trailing_comma() {
        let entries = super::parse(quote!(a, m::b,)).unwrap();
        let texts: Vec<&str> = entries.iter().map(|entry| entry.text.as_str()).collect();
        assert_eq!(texts, ["a", "m::b"]);
    }

    #[test]
    fn rejects_a_path_listed_twice() {
        let error = super::parse(quote!(a, m::b, m::b)).err().unwrap();
        assert!(error.to_string().contains("`m::b` is listed twice"), "{error}");
    }

    #[test]
    fn rejects_calls_with_a_help() {
        let error = super::parse(quote!(index())).err().unwrap();
        assert!(error.to_string().contains("write `index`"), "{error}");
    }

    #[test]
    fn checks_pairs_only_for_short_lists() {
        let names: Vec<syn::Ident> = (0..65u32).map(|i| quote::format_ident!("h{}", i)).collect();
        let long = super::generate(&super::parse(quote!(#(#names),*)).unwrap()).to_string();
        assert!(!long.contains("__velocy_overlap"));
        let short = super::generate(&super::parse(quote!(a, b, c)).unwrap()).to_string();
        assert_eq!(short.matches("const _ : () = __velocy_overlap").count(), 3);
    }
}
