//! Code generation for `#[derive(FromRequestParts)]`, and the field extraction both derives share.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{Extractor, Field, Source, Value};
use crate::paths;

/// `impl FromRequestParts for S`: each field in order, then the struct.
pub(super) fn generate(extractor: &Extractor) -> TokenStream {
    let call_site = Span::call_site();
    let from_request_parts = paths::from_request_parts(call_site);
    let request_parts = paths::request_parts(call_site);
    let response = paths::response(call_site);
    let requirements = paths::requirements(call_site);
    let std = paths::std(call_site);
    let ident = &extractor.ident;
    let (impl_generics, ty_generics, where_clause) = extractor.generics.split_for_impl();
    let lets = extractor.fields.iter().map(head_field);
    let construct = construct(extractor);
    let declare = declarations(extractor);
    quote! {
        impl #impl_generics #from_request_parts for #ident #ty_generics #where_clause {
            type Rejection = #response;

            async fn from_request_parts(
                __velocy_parts: &mut #request_parts,
            ) -> #std::result::Result<Self, Self::Rejection> {
                #(#lets)*
                #std::result::Result::Ok(#construct)
            }

            fn requirements(__velocy_requirements: &mut #requirements) {
                #declare
            }
        }
    }
}

/// `Self { a: __velocy_field_a, .. }`.
pub(super) fn construct(extractor: &Extractor) -> TokenStream {
    let fields = extractor.fields.iter().map(|field| {
        let ident = &field.ident;
        let var = &field.var;
        quote!(#ident: #var)
    });
    quote!(Self { #(#fields),* })
}

/// The body of `requirements`: each extractor field's declaration, or nothing.
///
/// Extractor fields are named through their own trait (`<T as FromRequestParts>`) here and in
/// [`head_field`], so that a field type that is not an extractor gets one error, not one per use.
pub(super) fn declarations(extractor: &Extractor) -> TokenStream {
    let declarations: Vec<TokenStream> = extractor
        .fields
        .iter()
        .filter_map(|field| {
            let ty = &field.ty;
            let span = ty.span();
            let extractor_trait = match field.source {
                Source::Extractor => paths::from_request_parts(span),
                Source::Body => paths::from_request(span),
                _ => return None,
            };
            Some(quote_spanned!(span=> <#ty as #extractor_trait>::requirements(__velocy_requirements);))
        })
        .collect();
    if declarations.is_empty() {
        quote!(let _ = __velocy_requirements;)
    } else {
        quote!(#(#declarations)*)
    }
}

/// `match future.await { Ok(value) => value, Err(rejection) => return Err(respond(parts, rejection)) }`.
pub(super) fn or_reject(future: TokenStream) -> TokenStream {
    let std = paths::std(Span::call_site());
    let respond = paths::respond(Span::call_site());
    quote! {
        match #future.await {
            #std::result::Result::Ok(value) => value,
            #std::result::Result::Err(rejection) => {
                return #std::result::Result::Err(#respond(__velocy_parts, rejection));
            }
        }
    }
}

/// `match expr { Ok(value) => value, Err(response) => return Err(response) }`.
pub(super) fn or_return(expr: TokenStream) -> TokenStream {
    let std = paths::std(Span::call_site());
    quote! {
        match #expr {
            #std::result::Result::Ok(value) => value,
            #std::result::Result::Err(response) => return #std::result::Result::Err(response),
        }
    }
}

/// `let __velocy_field_x = ...;` for a field read from the head (everything but `#[body]`), reading
/// `__velocy_parts: &mut RequestParts`.
pub(super) fn head_field(field: &Field) -> TokenStream {
    let var = &field.var;
    let ty = &field.ty;
    let span = ty.span();
    let value = match &field.source {
        Source::Query(value) => keyed(value, span, paths::query_value, paths::missing_query),
        Source::Header(value) => keyed(value, span, paths::header_value, paths::missing_header),
        Source::Param(value) => keyed(value, span, paths::path_param_by_name, paths::missing_path_param),
        Source::Extractor => {
            let from_request_parts = paths::from_request_parts(span);
            or_reject(quote_spanned!(span=> <#ty as #from_request_parts>::from_request_parts(__velocy_parts)))
        }
        Source::Body => return TokenStream::new(),
    };
    quote!(let #var = #value;)
}

/// The value of a `#[query]`, `#[header]` or `#[param]` field: `getter::<T>(parts, key)`, with absence
/// answered by `missing(parts, key)` unless the field is an `Option`.
fn keyed(
    value: &Value,
    span: Span,
    getter: fn(Span) -> TokenStream,
    missing: fn(Span) -> TokenStream,
) -> TokenStream {
    let std = paths::std(Span::call_site());
    let parsed = &value.parsed;
    let key = &value.key;
    if value.list {
        let values = paths::query_values(span);
        let call = or_return(quote_spanned!(span=> #values::<#parsed>(__velocy_parts, #key)));
        return if value.optional {
            quote!({
                let values: #std::vec::Vec<#parsed> = #call;
                (!values.is_empty()).then_some(values)
            })
        } else {
            call
        };
    }
    let getter = getter(span);
    let call = quote_spanned!(span=> #getter::<#parsed>(__velocy_parts, #key));
    if value.optional {
        return or_return(call);
    }
    let missing = missing(Span::call_site());
    quote! {
        match #call {
            #std::result::Result::Ok(#std::option::Option::Some(value)) => value,
            #std::result::Result::Ok(#std::option::Option::None) => {
                return #std::result::Result::Err(#missing(__velocy_parts, #key));
            }
            #std::result::Result::Err(response) => return #std::result::Result::Err(response),
        }
    }
}
