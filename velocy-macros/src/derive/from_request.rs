//! Code generation for `#[derive(FromRequest)]`: the head fields first, then the `#[body]` field.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::from_request_parts::{construct, declarations, head_field, or_reject};
use super::{Extractor, Source};
use crate::paths;

/// `impl FromRequest for S`.
pub(super) fn generate(extractor: &Extractor) -> TokenStream {
    let call_site = Span::call_site();
    let from_request = paths::from_request(call_site);
    let request_parts = paths::request_parts(call_site);
    let body = paths::body(call_site);
    let response = paths::response(call_site);
    let requirements = paths::requirements(call_site);
    let std = paths::std(call_site);
    let ident = &extractor.ident;
    let (impl_generics, ty_generics, where_clause) = extractor.generics.split_for_impl();
    let head = extractor.fields.iter().map(head_field);
    let body_field =
        extractor.fields.iter().find(|field| matches!(field.source, Source::Body)).map(|field| {
            let var = &field.var;
            let ty = &field.ty;
            let span = ty.span();
            let from_request = paths::from_request(span);
            let value = or_reject(
                quote_spanned!(span=> <#ty as #from_request>::from_request(__velocy_parts, __velocy_body)),
            );
            quote!(let #var = #value;)
        });
    let construct = construct(extractor);
    let declare = declarations(extractor);
    quote! {
        impl #impl_generics #from_request for #ident #ty_generics #where_clause {
            type Rejection = #response;

            async fn from_request(
                __velocy_parts: &mut #request_parts,
                __velocy_body: #body,
            ) -> #std::result::Result<Self, Self::Rejection> {
                #(#head)*
                #body_field
                #std::result::Result::Ok(#construct)
            }

            fn requirements(__velocy_requirements: &mut #requirements) {
                #declare
            }
        }
    }
}
