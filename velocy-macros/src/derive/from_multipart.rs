//! `#[derive(FromMultipart)]`: a typed multipart form, read part by part.
//!
//! [`parse`] reads the struct into a checked [`Form`]; [`generate`] emits `FromMultipart`, which cannot
//! fail. Each named field takes the parts of one form name:
//!
//! | field type | kind |
//! | --- | --- |
//! | `Option<T>` | [`Kind::Optional`]: at most one part, `None` when absent |
//! | `Vec<T>` (but not `Vec<u8>`) | [`Kind::Many`]: every part of the name, in order |
//! | anything else | [`Kind::One`]: exactly one part, 400 when absent |
//!
//! `T` implements `FromField` (checked by the compiler at the field's type). Field attributes:
//! `#[multipart(rename = "..", limit = <bytes>, content_types = [..], extensions = [..])]`; the struct
//! takes `#[multipart(deny_unknown_fields)]`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Attribute, DeriveInput, Expr, Generics, Ident, Lit, LitStr, Meta, Type};

use super::{named_fields, option_inner, wrapped};
use crate::attr::{self, Arg, Args, Value};
use crate::diag::{Diagnostic, Diagnostics};
use crate::{debug, paths};

/// The keys a field's `#[multipart(..)]` takes.
const FIELD_KEYS: &[&str] = &["rename", "limit", "content_types", "extensions"];
/// The keys the struct's `#[multipart(..)]` takes.
const STRUCT_KEYS: &[&str] = &["deny_unknown_fields"];

/// A struct checked for the derive.
pub(super) struct Form {
    /// The struct's name.
    ident: Ident,
    /// Its generics.
    generics: Generics,
    /// Whether a part no field takes is a 400.
    pub(super) deny_unknown: bool,
    /// The fields, in declaration order.
    pub(super) fields: Vec<FormField>,
}

/// One field of the form.
pub(super) struct FormField {
    /// The field's name.
    ident: Ident,
    /// The local holding its value while parts arrive.
    var: Ident,
    /// The form name of its parts.
    pub(super) name: String,
    /// How many parts it takes.
    pub(super) kind: Kind,
    /// The type read from each part (`T` of `Option<T>` and `Vec<T>`).
    value: Type,
    /// `limit = ..`, in bytes.
    pub(super) limit: Option<u64>,
    /// `content_types = [..]`.
    pub(super) content_types: Vec<String>,
    /// `extensions = [..]`.
    pub(super) extensions: Vec<String>,
}

/// How many parts a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Exactly one.
    One,
    /// At most one.
    Optional,
    /// Any number.
    Many,
}

/// Expands `#[derive(FromMultipart)]`.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let input = match syn::parse2::<DeriveInput>(input) {
        Ok(input) => input,
        Err(error) => return error.to_compile_error(),
    };
    let output = match parse(&input) {
        Ok(form) => generate(&form),
        Err(errors) => errors.to_compile_error(),
    };
    debug::print("#[derive(FromMultipart)]", &input.ident.to_string(), &output);
    output
}

/// Reads and checks the struct, reporting every mistake.
pub(super) fn parse(input: &DeriveInput) -> syn::Result<Form> {
    let fields = named_fields(
        input,
        "`#[derive(FromMultipart)]` needs a struct with named fields",
        "name the fields after the form's fields, like `struct Upload { title: String, file: TempFile }`",
        false,
    )?;
    let mut diagnostics = Diagnostics::default();
    let mut deny_unknown = false;
    for attr in input.attrs.iter().filter(|attr| attr.path().is_ident("multipart")) {
        let Some(args) = diagnostics.take(args_of(attr)) else { continue };
        for arg in args.items {
            match arg {
                Arg::Flag(flag) if flag == "deny_unknown_fields" => {
                    if deny_unknown {
                        diagnostics.push(attr::duplicate_key(&flag));
                    }
                    deny_unknown = true;
                }
                Arg::Flag(key) | Arg::Named(key, _) => {
                    diagnostics.push(attr::unknown_key(&key, "multipart", STRUCT_KEYS));
                }
                Arg::Positional(value) => diagnostics.push(
                    Diagnostic::new(value.span(), "unexpected value in the struct's `#[multipart]`")
                        .help("the struct takes `#[multipart(deny_unknown_fields)]`"),
                ),
            }
        }
    }
    let mut checked: Vec<FormField> = Vec::with_capacity(fields.len());
    for field in fields {
        let Some(ident) = field.ident.clone() else { continue };
        let Some(form_field) = diagnostics.take(parse_field(ident, field)) else { continue };
        if checked.iter().any(|other| other.name == form_field.name) {
            diagnostics.push(
                Diagnostic::spanned(
                    &field.ident,
                    format!("two fields take the form name `{}`", form_field.name),
                )
                .help("give one of them another name with `#[multipart(rename = \"..\")]`, or make one field a `Vec<T>`"),
            );
            continue;
        }
        checked.push(form_field);
    }
    diagnostics.finish(Form {
        ident: input.ident.clone(),
        generics: input.generics.clone(),
        deny_unknown,
        fields: checked,
    })
}

/// The arguments of a `#[multipart(..)]` attribute.
fn args_of(attr: &Attribute) -> Result<Args, syn::Error> {
    match &attr.meta {
        Meta::List(list) => Args::parse_tokens(list.tokens.clone()),
        other => Err(Diagnostic::spanned(other, "expected `#[multipart(...)]`")
            .help("write the options in parentheses, like `#[multipart(rename = \"file\")]`")
            .into()),
    }
}

/// Reads one field and its `#[multipart(..)]` attributes.
fn parse_field(ident: Ident, field: &syn::Field) -> syn::Result<FormField> {
    let mut diagnostics = Diagnostics::default();
    let (kind, value) = match option_inner(&field.ty) {
        Some(inner) => (Kind::Optional, inner.clone()),
        None => match wrapped(&field.ty, "Vec") {
            Some(inner) if !is_u8(inner) => (Kind::Many, inner.clone()),
            _ => (Kind::One, field.ty.clone()),
        },
    };
    let mut name: Option<String> = None;
    let mut limit: Option<u64> = None;
    let mut content_types: Option<Vec<String>> = None;
    let mut extensions: Option<Vec<String>> = None;
    for attr in field.attrs.iter().filter(|attr| attr.path().is_ident("multipart")) {
        let Some(args) = diagnostics.take(args_of(attr)) else { continue };
        for arg in args.items {
            let (key, value) = match arg {
                Arg::Named(key, value) => (key, value),
                Arg::Flag(key) => {
                    let diagnostic = if FIELD_KEYS.contains(&key.to_string().as_str()) {
                        Diagnostic::new(key.span(), format!("`{key}` needs a value"))
                            .help(format!("write `{key} = ...`"))
                    } else {
                        attr::unknown_key(&key, "multipart", FIELD_KEYS)
                    };
                    diagnostics.push(diagnostic);
                    continue;
                }
                Arg::Positional(value) => {
                    diagnostics.push(
                        Diagnostic::new(value.span(), "expected `key = value` in `#[multipart]`")
                            .help("the keys are `rename`, `limit`, `content_types` and `extensions`"),
                    );
                    continue;
                }
            };
            let given = match key.to_string().as_str() {
                "rename" => name.is_some(),
                "limit" => limit.is_some(),
                "content_types" => content_types.is_some(),
                "extensions" => extensions.is_some(),
                _ => {
                    diagnostics.push(attr::unknown_key(&key, "multipart", FIELD_KEYS));
                    continue;
                }
            };
            if given {
                diagnostics.push(attr::duplicate_key(&key));
                continue;
            }
            match key.to_string().as_str() {
                "rename" => name = diagnostics.take(rename(value)),
                "limit" => limit = diagnostics.take(limit_value(value)),
                "content_types" => {
                    content_types = diagnostics.take(string_list(value, "content_types", check_media_type))
                }
                _ => extensions = diagnostics.take(string_list(value, "extensions", check_extension)),
            }
        }
    }
    let name = name.unwrap_or_else(|| ident.unraw().to_string());
    diagnostics.finish(FormField {
        var: format_ident!("__velocy_field_{}", ident.unraw()),
        ident,
        name,
        kind,
        value,
        limit,
        content_types: content_types.unwrap_or_default(),
        extensions: extensions.unwrap_or_default(),
    })
}

/// Whether `ty` is written `u8`.
fn is_u8(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.qself.is_none() && path.path.is_ident("u8"))
}

/// `rename = "name"`: a non-empty string.
fn rename(value: Value) -> Result<String, Diagnostic> {
    let lit = value.into_str("rename")?;
    let name = lit.value();
    if name.is_empty() {
        return Err(Diagnostic::new(lit.span(), "the form name cannot be empty")
            .help("remove `rename` to use the field's name"));
    }
    Ok(name)
}

/// `limit = <bytes>`: an integer literal.
fn limit_value(value: Value) -> Result<u64, Diagnostic> {
    let span = value.span();
    let wrong = || {
        Diagnostic::new(span, "`limit` must be a whole number of bytes")
            .help("write an integer literal, like `limit = 10_485_760` for 10 MiB")
    };
    let Value::Other(expr) = value else { return Err(wrong()) };
    let Expr::Lit(syn::ExprLit { lit: Lit::Int(int), .. }) = &*expr else { return Err(wrong()) };
    int.base10_parse::<u64>().map_err(|_| wrong())
}

/// A `[..]` list of string literals, each checked.
fn string_list(
    value: Value,
    key: &str,
    check: fn(&LitStr) -> Result<String, Diagnostic>,
) -> Result<Vec<String>, Diagnostic> {
    let Value::List(span, items) = value else {
        return Err(Diagnostic::new(value.span(), format!("`{key}` must be a list of strings"))
            .help(format!("write it in brackets: `{key} = [\"...\"]`")));
    };
    if items.is_empty() {
        return Err(Diagnostic::new(span, format!("`{key}` cannot be empty"))
            .help(format!("remove `{key}` to allow any")));
    }
    items
        .into_iter()
        .map(|item| match item {
            Value::Str(lit) => check(&lit),
            other => Err(Diagnostic::new(other.span(), format!("`{key}` must be a list of strings"))
                .help("write each entry in double quotes")),
        })
        .collect()
}

/// `type/subtype` or `type/*`, tokens only.
fn check_media_type(lit: &LitStr) -> Result<String, Diagnostic> {
    let text = lit.value().to_ascii_lowercase();
    let is_token = |part: &str| {
        !part.is_empty()
            && part.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&byte))
    };
    let valid = match text.split_once('/') {
        Some((kind, "*")) => is_token(kind) || kind == "*",
        Some((kind, subtype)) => is_token(kind) && is_token(subtype),
        None => false,
    };
    if !valid {
        return Err(Diagnostic::new(lit.span(), format!("`{text}` is not a media type")).help(
            "write `type/subtype` or `type/*`, like \"image/png\" or \"image/*\", without parameters",
        ));
    }
    Ok(text)
}

/// A file-name extension without the dot.
fn check_extension(lit: &LitStr) -> Result<String, Diagnostic> {
    let text = lit.value();
    if text.starts_with('.') {
        return Err(Diagnostic::new(lit.span(), format!("write the extension `{text}` without the dot"))
            .help(format!("write \"{}\"", text.trim_start_matches('.'))));
    }
    let valid =
        !text.is_empty() && !text.contains(['.', '/', '\\']) && !text.chars().any(char::is_whitespace);
    if !valid {
        return Err(Diagnostic::new(lit.span(), format!("`{text}` is not a file-name extension"))
            .help("write the part after the last dot, like \"png\""));
    }
    Ok(text.to_ascii_lowercase())
}

/// `impl FromMultipart for S`.
fn generate(form: &Form) -> TokenStream {
    let span = Span::call_site();
    let derive = paths::multipart_derive(span);
    let std = paths::std(span);
    let ident = &form.ident;
    let (impl_generics, ty_generics, where_clause) = form.generics.split_for_impl();
    let deny = form.deny_unknown;
    let names = form.fields.iter().map(|field| &field.name);
    let names = quote!(&[#(#names),*]);
    let slots: Vec<TokenStream> = form
        .fields
        .iter()
        .map(|field| {
            let var = &field.var;
            let value = &field.value;
            match field.kind {
                Kind::Many => quote!(let mut #var: #std::vec::Vec<#value> = #std::vec::Vec::new();),
                Kind::One | Kind::Optional => {
                    quote!(let mut #var: #std::option::Option<#value> = #std::option::Option::None;)
                }
            }
        })
        .collect();
    let rules: Vec<TokenStream> = form.fields.iter().map(|field| field_rules(&derive, &std, field)).collect();
    let part_arms = form.fields.iter().zip(&rules).enumerate().map(|(index, (field, rules))| {
        let var = &field.var;
        let value = &field.value;
        let derive = paths::multipart_derive(value.span());
        let name = &field.name;
        let call = match field.kind {
            Kind::Many => {
                quote_spanned!(value.span()=> #derive::receive_many::<#value>(&mut #var, __velocy_part, &__VELOCY_RULES).await)
            }
            Kind::One | Kind::Optional => {
                quote_spanned!(value.span()=> #derive::receive_one::<#value>(&mut #var, __velocy_part, &__VELOCY_RULES, #name).await)
            }
        };
        quote!(#std::option::Option::Some(#index) => { #rules #call?; })
    });
    let text_arms = form.fields.iter().zip(&rules).enumerate().map(|(index, (field, rules))| {
        let var = &field.var;
        let value = &field.value;
        let derive = paths::multipart_derive(value.span());
        let name = &field.name;
        let call = match field.kind {
            Kind::Many => quote_spanned!(value.span()=> #derive::text_many::<#value>(&mut #var, __velocy_value, &__VELOCY_RULES, #name)),
            Kind::One | Kind::Optional => {
                quote_spanned!(value.span()=> #derive::text_one::<#value>(&mut #var, __velocy_value, &__VELOCY_RULES, #name))
            }
        };
        quote!(#std::option::Option::Some(#index) => { #rules #call?; })
    });
    let construct = form.fields.iter().map(|field| {
        let ident = &field.ident;
        let var = &field.var;
        let name = &field.name;
        match field.kind {
            Kind::One => quote!(#ident: #derive::required(#var, #name)?),
            Kind::Optional | Kind::Many => quote!(#ident: #var),
        }
    });
    let construct: Vec<TokenStream> = construct.collect();
    quote! {
        impl #impl_generics #derive::FromMultipart for #ident #ty_generics #where_clause {
            async fn from_multipart(
                mut __velocy_multipart: #derive::Parts,
            ) -> #std::result::Result<Self, #derive::MultipartRejection> {
                #(#slots)*
                while let #std::option::Option::Some(__velocy_part) = #derive::next(&mut __velocy_multipart).await? {
                    match #derive::field_index(&__velocy_part, #names) {
                        #(#part_arms)*
                        _ => #derive::unknown(__velocy_part, #deny).await?,
                    }
                }
                #std::result::Result::Ok(Self { #(#construct,)* })
            }

            fn from_urlencoded(
                __velocy_pairs: #std::vec::Vec<(#std::string::String, #std::string::String)>,
            ) -> #std::result::Result<Self, #derive::MultipartRejection> {
                #(#slots)*
                for (__velocy_name, __velocy_value) in __velocy_pairs {
                    match #derive::text_index(&__velocy_name, #names) {
                        #(#text_arms)*
                        _ => #derive::unknown_text(&__velocy_name, #deny)?,
                    }
                }
                #std::result::Result::Ok(Self { #(#construct,)* })
            }
        }
    }
}

/// `const __VELOCY_RULES: FieldRules = ..;` for one field.
fn field_rules(derive: &TokenStream, std: &TokenStream, field: &FormField) -> TokenStream {
    let limit = match field.limit {
        Some(limit) => quote!(#std::option::Option::Some(#limit)),
        None => quote!(#std::option::Option::None),
    };
    let types = &field.content_types;
    let extensions = &field.extensions;
    quote! {
        const __VELOCY_RULES: #derive::FieldRules = #derive::FieldRules::new(#limit, &[#(#types),*], &[#(#extensions),*]);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use quote::quote;

    use super::*;

    fn error(input: TokenStream) -> String {
        match parse(&syn::parse2(input).unwrap()) {
            Ok(_) => panic!("expected an error"),
            Err(error) => error.into_iter().map(|error| error.to_string()).collect::<Vec<_>>().join("\n"),
        }
    }

    #[test]
    fn reads_kinds_names_and_rules() {
        let input = quote! {
            #[multipart(deny_unknown_fields)]
            struct Upload {
                title: String,
                note: Option<String>,
                tags: Vec<String>,
                raw: Vec<u8>,
                #[multipart(rename = "picture", limit = 1_024, content_types = ["image/*"], extensions = ["png"])]
                file: TempFile,
            }
        };
        let form = parse(&syn::parse2(input).unwrap()).unwrap();
        assert!(form.deny_unknown);
        let summary: Vec<String> = form
            .fields
            .iter()
            .map(|field| format!("{} {:?} {:?}", field.name, field.kind, field.limit))
            .collect();
        assert_eq!(
            summary,
            [
                "title One None",
                "note Optional None",
                "tags Many None",
                "raw One None",
                "picture One Some(1024)"
            ]
        );
        assert_eq!(form.fields[4].content_types, ["image/*"]);
        assert_eq!(form.fields[4].extensions, ["png"]);
    }

    #[test]
    fn reports_every_mistake() {
        let text = error(quote! {
            struct Upload {
                #[multipart(limit = "big")] a: String,
                #[multipart(content_types = ["png"])] b: String,
                #[multipart(extensions = [".png"])] c: String,
                #[multipart(renam = "x")] d: String,
                f: String,
                #[multipart(rename = "f")] e: String,
            }
        });
        assert!(text.contains("`limit` must be a whole number of bytes"), "{text}");
        assert!(text.contains("`png` is not a media type"), "{text}");
        assert!(text.contains("without the dot"), "{text}");
        assert!(text.contains("did you mean `rename`?"), "{text}");
        assert!(text.contains("two fields take the form name `f`"), "{text}");
    }

    #[test]
    fn refuses_tuple_structs_and_enums() {
        assert!(error(quote!(
            struct Upload(String);
        ))
        .contains("needs a struct with named fields"));
        assert!(error(quote!(
            enum Upload {
                A,
            }
        ))
        .contains("needs a struct with named fields"));
    }
}
