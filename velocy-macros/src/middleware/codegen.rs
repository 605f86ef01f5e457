//! Code generation for a checked `#[middleware]` function; it cannot fail.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{ItemFn, ReturnType, Visibility};

use super::parse::{Middleware, MiddlewareArg};
use crate::paths;

/// The unit struct named like the function, and its `Middleware` impl calling the function.
pub(super) fn generate(middleware: &Middleware, func: &ItemFn) -> TokenStream {
    let call_site = Span::call_site();
    let middleware_trait = paths::middleware(call_site);
    let request = paths::request(call_site);
    let next = paths::next(call_site);
    let response = paths::response(call_site);
    let box_future = paths::box_future(call_site);
    let std = paths::std(call_site);
    let respond = paths::respond(call_site);
    let ident = &func.sig.ident;
    let vis = &func.vis;
    // Doc comments describe the middleware: they go on the struct; other attributes stay on the function.
    let (docs, attrs): (Vec<_>, Vec<_>) = func.attrs.iter().partition(|attr| attr.path().is_ident("doc"));
    let cfgs: Vec<_> = func.attrs.iter().filter(|attr| attr.path().is_ident("cfg")).collect();
    let mut inner_attrs: Vec<syn::Attribute> = attrs.into_iter().cloned().collect();
    // The attribute requires `async`, so clippy's advice to drop an unused one would not compile.
    inner_attrs.push(syn::parse_quote!(#[allow(clippy::unused_async)]));
    let inner = ItemFn {
        attrs: inner_attrs,
        vis: Visibility::Inherited,
        modifiers: func.modifiers.clone(),
        sig: func.sig.clone(),
        block: func.block.clone(),
    };

    let has_extractors = middleware.args.iter().any(|arg| matches!(arg, MiddlewareArg::Extractor(_)));
    let mut extractions = Vec::new();
    let mut call_args = Vec::new();
    let mut requirements = Vec::new();
    for (position, arg) in middleware.args.iter().enumerate() {
        match arg {
            MiddlewareArg::Request => call_args.push(quote!(__velocy_request)),
            MiddlewareArg::Next => call_args.push(quote!(__velocy_next)),
            MiddlewareArg::Extractor(ty) => {
                let var = format_ident!("__velocy_arg{}", position);
                let span = ty.span();
                // Through the trait itself (not `Extract<ViaParts>`), so that a type that is not a head
                // extractor gets one error, on its type.
                let from_request_parts = paths::from_request_parts(span);
                let future = quote_spanned! {span=>
                    <#ty as #from_request_parts>::from_request_parts(#request::parts_mut(&mut __velocy_request))
                };
                requirements.push(quote_spanned! {span=>
                    <#ty as #from_request_parts>::requirements(__velocy_requirements);
                });
                extractions.push(quote! {
                    let #var = match #future.await {
                        #std::result::Result::Ok(value) => value,
                        #std::result::Result::Err(rejection) => {
                            return #respond(#request::parts(&__velocy_request), rejection);
                        }
                    };
                });
                call_args.push(quote!(#var));
            }
        }
    }
    let request_binding =
        if has_extractors { quote!(let mut __velocy_request = __velocy_request;) } else { quote!() };
    let requirements_type = paths::requirements(ident.span());
    let output_span = match &func.sig.output {
        ReturnType::Default => ident.span(),
        ReturnType::Type(_, ty) => ty.span(),
    };
    let into_response = paths::into_response(output_span);
    let respond = quote_spanned!(output_span=> #into_response::into_response(__velocy_output));
    let steps = quote! {
        #request_binding
        #(#extractions)*
        let __velocy_output = #ident(#(#call_args),*).await;
        #respond
    };
    // Spanned at the function's name, so that a future that is not `Send` is reported there.
    let std_at_fn = paths::std(ident.span());
    let future = quote_spanned!(ident.span()=> #std_at_fn::boxed::Box::pin(async move { #steps }));
    quote! {
        #(#cfgs)*
        #(#docs)*
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, Default)]
        #vis struct #ident;

        #(#cfgs)*
        impl #middleware_trait for #ident {
            fn call(&self, __velocy_request: #request, __velocy_next: #next) -> #box_future<'static, #response> {
                #inner
                #future
            }

            fn requirements(&self, __velocy_requirements: &mut #requirements_type) {
                let _ = &__velocy_requirements;
                #(#requirements)*
            }
        }
    }
}
