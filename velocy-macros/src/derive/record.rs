//! `#[derive(Record)]`: a struct stored in a `velocy::store` table.
//!
//! The struct is read into a checked [`RecordDef`] (its table name, primary key, secondary indexes and
//! fields), reporting every mistake at once at its token: not a struct with named fields, generics, a
//! missing or second `#[key]`, conflicting marks on one field, bad attribute arguments. Only then is code
//! generated, which cannot fail:
//!
//! * `impl Record`: the key's type and accessors, the table name, the index list and `index_value`;
//! * one `Field` constant per field, named after it in upper case (`User::EMAIL` for `email`), with the
//!   field's own visibility, for queries.
//!
//! Type requirements are checked by the compiler at the user's types: the key's type must implement `Key`
//! (and `AutoIncrement` for `#[key(auto)]`), an indexed field's type `Indexable`; their
//! `#[diagnostic::on_unimplemented]` messages say which types qualify.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Attribute, DeriveInput, Ident, LitStr, Meta, Type, Visibility};

use crate::diag::{Diagnostic, Diagnostics};
use crate::{attr, debug, paths};

/// A struct checked for `#[derive(Record)]`.
struct RecordDef {
    /// The struct's name.
    ident: Ident,
    /// The table's name: `#[record(table = "...")]`, or the struct's name.
    table: String,
    /// The primary key field's position in `fields`.
    key: usize,
    /// Whether the key is assigned on insert.
    auto: bool,
    /// The fields in declaration order.
    fields: Vec<FieldDef>,
}

/// One field.
struct FieldDef {
    /// The field's name.
    ident: Ident,
    /// The name of its `Field` constant.
    constant: Ident,
    /// Its type.
    ty: Type,
    /// Its visibility, given to its constant.
    vis: Visibility,
    /// What indexes it.
    mark: Mark,
}

/// What indexes a field.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// Nothing.
    Plain,
    /// `#[key]` or `#[key(auto)]`.
    Key { auto: bool },
    /// `#[index]`.
    Index,
    /// `#[unique]`.
    Unique,
}

impl Mark {
    /// The attribute as written, for messages.
    fn written(self) -> &'static str {
        match self {
            Mark::Plain => "",
            Mark::Key { auto: false } => "#[key]",
            Mark::Key { auto: true } => "#[key(auto)]",
            Mark::Index => "#[index]",
            Mark::Unique => "#[unique]",
        }
    }
}

/// Expands `#[derive(Record)]`.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let input = match syn::parse2::<DeriveInput>(input) {
        Ok(input) => input,
        Err(error) => return error.to_compile_error(),
    };
    let output = match parse(&input) {
        Ok(record) => generate(&record),
        Err(errors) => errors.to_compile_error(),
    };
    debug::print("#[derive(Record)]", &input.ident.to_string(), &output);
    output
}

/// Reads and checks the struct.
fn parse(input: &DeriveInput) -> syn::Result<RecordDef> {
    let mut diagnostics = Diagnostics::default();
    let needs = "`#[derive(Record)]` needs a struct with named fields";
    let help = "a record is a struct like `struct User { #[key] id: u64, name: String }`";
    let fields = super::named_fields(input, needs, help, false)?;
    if !input.generics.params.is_empty() {
        diagnostics.push(
            Diagnostic::spanned(&input.generics, "a record cannot be generic")
                .note("a table stores one concrete type, named in the store's files")
                .help("derive `Record` on a concrete struct, one per table"),
        );
    }
    let table = match table_name(&input.attrs) {
        Ok(Some(table)) => table,
        Ok(None) => input.ident.unraw().to_string(),
        Err(error) => {
            diagnostics.push(error);
            input.ident.unraw().to_string()
        }
    };

    let mut checked: Vec<FieldDef> = Vec::with_capacity(fields.len());
    let mut key: Option<(usize, bool)> = None;
    for field in fields {
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        let mark = match mark(field) {
            Ok(mark) => mark,
            Err((mark, error)) => {
                diagnostics.push(error);
                mark
            }
        };
        if let Mark::Key { auto } = mark {
            match key {
                Some((first, _)) => {
                    let first: &FieldDef = &checked[first];
                    let attr = field.attrs.iter().find(|attr| attr.path().is_ident("key"));
                    diagnostics.push(
                        Diagnostic::spanned(
                            attr.map_or_else(|| ident.to_token_stream(), ToTokens::to_token_stream),
                            format!(
                                "a record has one primary key, and `{}` is already it",
                                first.ident.unraw()
                            ),
                        )
                        .help("mark other identifying fields `#[unique]`"),
                    );
                }
                None => key = Some((checked.len(), auto)),
            }
        }
        let constant = format_ident!("{}", ident.unraw().to_string().to_uppercase(), span = ident.span());
        if let Some(other) = checked.iter().find(|other| other.constant == constant) {
            diagnostics.push(
                Diagnostic::new(
                    ident.span(),
                    format!(
                        "fields `{}` and `{}` would both be queried as `{}::{constant}`",
                        other.ident.unraw(),
                        ident.unraw(),
                        input.ident
                    ),
                )
                .help("rename one of them"),
            );
        }
        checked.push(FieldDef { ident, constant, ty: field.ty.clone(), vis: field.vis.clone(), mark });
    }
    let Some((key, auto)) = key else {
        diagnostics.push(
            Diagnostic::new(input.ident.span(), format!("`{}` has no primary key", input.ident))
                .help("mark one field `#[key]`, or `#[key(auto)]` for an integer key assigned on insert"),
        );
        return diagnostics.fail();
    };
    diagnostics.finish(RecordDef { ident: input.ident.clone(), table, key, auto, fields: checked })
}

/// The table name of `#[record(table = "...")]`, if given.
fn table_name(attrs: &[Attribute]) -> Result<Option<String>, Diagnostic> {
    let mut table = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("record")) {
        let wrong = |span: Span| {
            Diagnostic::new(span, "expected `#[record(table = \"...\")]`")
                .help("name the table: `#[record(table = \"users\")]`")
        };
        let Meta::List(list) = &attr.meta else {
            return Err(wrong(attr.span()));
        };
        let mut result = Ok(());
        let parsed = list.parse_nested_meta(|meta| {
            if !meta.path.is_ident("table") {
                if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                }
                let error = match meta.path.get_ident() {
                    Some(key) => attr::unknown_key(key, "record", &["table"]),
                    None => Diagnostic::spanned(&meta.path, "unknown key in `#[record]`"),
                };
                result = Err(error);
                return Ok(());
            }
            let lit: LitStr = meta.value()?.parse()?;
            let name = lit.value();
            if name.is_empty() || name.len() > usize::from(u16::MAX) {
                result = Err(Diagnostic::new(lit.span(), "a table name is 1 to 65535 bytes")
                    .help("write a name such as `#[record(table = \"users\")]`"));
            } else if table.is_some() {
                result = Err(Diagnostic::new(lit.span(), "the table is named more than once")
                    .help("keep one `table = \"...\"`"));
            } else {
                table = Some(name);
            }
            Ok(())
        });
        if let Err(error) = parsed {
            return Err(wrong(error.span()));
        }
        result?;
    }
    Ok(table)
}

/// A field's mark: `#[key]`, `#[key(auto)]`, `#[index]`, `#[unique]` or none. On error, also the mark to
/// go on with, so that one mistake does not cause others (a malformed `#[key(..)]` still marks the key).
fn mark(field: &syn::Field) -> Result<Mark, (Mark, Diagnostic)> {
    let mut found: Option<Mark> = None;
    let mut error = None;
    for attr in &field.attrs {
        let next = if attr.path().is_ident("key") {
            match &attr.meta {
                Meta::Path(_) => Mark::Key { auto: false },
                Meta::List(list) if list.parse_args::<Ident>().is_ok_and(|arg| arg == "auto") => {
                    Mark::Key { auto: true }
                }
                _ => {
                    error.get_or_insert(
                        Diagnostic::spanned(attr, "expected `#[key]` or `#[key(auto)]`")
                            .help("`auto` assigns integer keys on insert; it is the only option"),
                    );
                    Mark::Key { auto: false }
                }
            }
        } else if attr.path().is_ident("index") || attr.path().is_ident("unique") {
            let unique = attr.path().is_ident("unique");
            if !matches!(attr.meta, Meta::Path(_)) {
                let name = if unique { "unique" } else { "index" };
                error.get_or_insert(
                    Diagnostic::spanned(attr, format!("`#[{name}]` takes no arguments"))
                        .help(format!("write `#[{name}]`")),
                );
            }
            if unique {
                Mark::Unique
            } else {
                Mark::Index
            }
        } else {
            continue;
        };
        match found {
            None => found = Some(next),
            Some(first) => {
                let why = match (first, next) {
                    (Mark::Key { .. }, Mark::Index | Mark::Unique)
                    | (Mark::Index | Mark::Unique, Mark::Key { .. }) => {
                        "the primary key is already unique and indexed"
                    }
                    (Mark::Index, Mark::Unique) | (Mark::Unique, Mark::Index) => {
                        "`#[unique]` indexes the field already"
                    }
                    _ => "the field is already marked",
                };
                error.get_or_insert(
                    Diagnostic::spanned(
                        attr,
                        format!(
                            "`{}` conflicts with `{}` on the same field",
                            next.written(),
                            first.written()
                        ),
                    )
                    .note(why)
                    .help("keep one of them"),
                );
                // Go on with the key if either mark is one.
                if let Mark::Key { .. } = next {
                    found = Some(next);
                }
            }
        }
    }
    let mark = found.unwrap_or(Mark::Plain);
    match error {
        Some(error) => Err((mark, error)),
        None => Ok(mark),
    }
}

/// Emits the `Record` impl and the field constants.
fn generate(record: &RecordDef) -> TokenStream {
    let span = Span::call_site();
    let ident = &record.ident;
    let record_trait = paths::store_record(span);
    let field_type = paths::store_field(span);
    let index_info = paths::store_index_info(span);
    let indexable = paths::store_indexable(span);
    let std = paths::std(span);
    let table = &record.table;
    let key = &record.fields[record.key];
    let key_ident = &key.ident;
    let key_name = key.ident.unraw().to_string();
    // Spanned at the user's type, so an unsuitable key type is reported there.
    let key_ty = {
        let ty = &key.ty;
        quote_spanned!(ty.span()=> #ty)
    };
    let auto = if record.auto {
        let check = paths::store_auto_increment(key.ty.span());
        let ty = &key.ty;
        quote_spanned!(ty.span()=> #check::<#ty>())
    } else {
        quote!(false)
    };

    let mut infos = Vec::new();
    let mut arms = Vec::new();
    let mut constants = Vec::new();
    for field in &record.fields {
        let field_ident = &field.ident;
        let ty = &field.ty;
        let name = field.ident.unraw().to_string();
        let constant = &field.constant;
        let vis = &field.vis;
        let doc = format!("The `{name}` field of `{ident}`, for store queries.");
        let getter = quote!({
            fn __velocy_get(record: &#ident) -> &#ty {
                &record.#field_ident
            }
            __velocy_get
        });
        let value = match field.mark {
            Mark::Index | Mark::Unique => {
                let position = infos.len();
                let constructor = if field.mark == Mark::Unique { quote!(unique) } else { quote!(index) };
                infos.push(quote!(#index_info::#constructor(#name)));
                let index_value = paths::store_index_value(ty.span());
                arms.push(quote_spanned!(ty.span()=> #position => #index_value::<#ty>(&self.#field_ident),));
                quote!(#field_type::indexed(#name, #position, #getter))
            }
            Mark::Key { .. } => quote!(#field_type::key(#name, #getter)),
            Mark::Plain => quote!(#field_type::plain(#name, #getter)),
        };
        constants.push(quote! {
            #[doc = #doc]
            #vis const #constant: #field_type<#ident, #ty> = #value;
        });
    }

    quote! {
        #[automatically_derived]
        impl #record_trait for #ident {
            type Key = #key_ty;
            const TABLE: &'static str = #table;
            const KEY_FIELD: &'static str = #key_name;
            const AUTO_INCREMENT: bool = #auto;
            const INDEXES: &'static [#index_info] = &[#(#infos),*];

            fn key(&self) -> &#key_ty {
                &self.#key_ident
            }

            fn key_mut(&mut self) -> &mut #key_ty {
                &mut self.#key_ident
            }

            fn index_value(&self, index: usize) -> #std::option::Option<&dyn #indexable> {
                match index {
                    #(#arms)*
                    _ => #std::option::Option::None,
                }
            }
        }

        #[automatically_derived]
        #[allow(dead_code, unreachable_pub)]
        impl #ident {
            #(#constants)*
        }
    }
}
