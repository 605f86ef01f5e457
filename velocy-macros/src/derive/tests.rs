//! Unit tests of the derives' parsing: field sources, defaults and errors.

#![allow(clippy::unwrap_used)]

use quote::quote;

use super::{parse, Derive, Source};

/// The error text of parsing `input` for `derive`.
fn error(derive: Derive, input: proc_macro2::TokenStream) -> String {
    match parse(derive, &syn::parse2(input).unwrap()) {
        Ok(_) => panic!("expected an error"),
        Err(error) => error.into_iter().map(|error| error.to_string()).collect::<Vec<_>>().join("\n"),
    }
}

#[test]
fn keys_default_to_the_field_name() {
    let input = quote! {
        struct S {
            #[query] page: Option<u32>,
            #[header] x_api_key: String,
            #[param] r#type: String,
            #[param("org")] organisation: String,
            state: State<Db>,
        }
    };
    let extractor = parse(Derive::Parts, &syn::parse2(input).unwrap()).unwrap();
    let sources: Vec<String> = extractor
        .fields
        .iter()
        .map(|field| match &field.source {
            Source::Query(value) => format!("query {} optional={}", value.key, value.optional),
            Source::Header(value) => format!("header {}", value.key),
            Source::Param(value) => format!("param {}", value.key),
            Source::Body => "body".to_owned(),
            Source::Extractor => "extractor".to_owned(),
        })
        .collect();
    assert_eq!(
        sources,
        ["query page optional=true", "header x-api-key", "param type", "param org", "extractor"]
    );
}

#[test]
fn header_names_are_lowercased() {
    let input = quote!(
        struct S {
            #[header("X-Api-Key")]
            key: String,
        }
    );
    let extractor = parse(Derive::Parts, &syn::parse2(input).unwrap()).unwrap();
    assert!(matches!(&extractor.fields[0].source, Source::Header(value) if value.key == "x-api-key"));
}

#[test]
fn from_request_needs_exactly_one_body() {
    let text = error(
        Derive::Request,
        quote!(
            struct S {
                a: A,
            }
        ),
    );
    assert!(text.contains("needs a `#[body]` field"), "{text}");
    let text = error(
        Derive::Request,
        quote!(
            struct S {
                #[body]
                a: A,
                #[body]
                b: B,
            }
        ),
    );
    assert!(text.contains("only one field can be `#[body]`"), "{text}");
    let input = quote!(
        struct S {
            a: A,
            #[body]
            b: B,
        }
    );
    assert!(parse(Derive::Request, &syn::parse2(input).unwrap()).is_ok());
}

#[test]
fn bad_attributes_are_reported_together() {
    let text = error(
        Derive::Parts,
        quote! {
            struct S {
                #[query("")] a: u32,
                #[header("a b")] b: u32,
                #[param("1x")] c: u32,
                #[body] d: u32,
                #[query] #[header] e: u32,
                #[query(1)] f: u32,
            }
        },
    );
    for expected in [
        "the query key cannot be empty",
        "`a b` is not a valid header name",
        "`1x` is not a path parameter name",
        "`#[body]` needs `#[derive(FromRequest)]`",
        "a field takes one of",
        "expected `#[query]` or `#[query(\"page\")]`",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn only_structs_with_named_fields() {
    assert!(error(
        Derive::Parts,
        quote!(
            struct S(u32);
        )
    )
    .contains("named fields"));
    assert!(error(
        Derive::Parts,
        quote!(
            enum E {
                A,
            }
        )
    )
    .contains("named fields"));
    assert!(parse(
        Derive::Parts,
        &syn::parse2(quote!(
            struct Unit;
        ))
        .unwrap()
    )
    .is_ok());
}

#[test]
fn generic_structs_get_field_bounds() {
    let input = quote!(
        struct S<T> {
            #[query]
            id: T,
            extra: Extra<T>,
        }
    );
    let extractor = parse(Derive::Parts, &syn::parse2(input).unwrap()).unwrap();
    let where_clause = extractor.generics.where_clause.unwrap();
    let text = quote!(#where_clause).to_string().replace(' ', "");
    assert!(text.contains("T:::velocy::__private::std::marker::Send+'static"), "{text}");
    assert!(text.contains("T:::velocy::__private::FromParam"), "{text}");
    assert!(text.contains("Extra<T>:::velocy::__private::FromRequestParts"), "{text}");
}
