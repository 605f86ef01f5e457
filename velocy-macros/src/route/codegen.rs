//! Code generation for a checked [`Route`]; it cannot fail.
//!
//! For `#[get("/users/:id")] async fn get_user(id: u64, db: State<Db>) -> R` it emits, next to the
//! function, unchanged but for the `#[body]` marks on its arguments (rustc does not know them) and given
//! `#[allow(clippy::unused_async)]` (the attribute requires `async`):
//!
//! * a hidden, empty `struct get_user {}` of the same name and visibility (braced, so it lives in the type
//!   namespace only and does not clash with the function), which `routes![get_user]` names;
//! * `impl RouteDef for get_user`, whose `SPEC` holds the methods, the route, its shape, the location and
//!   two functions: the type-erased handler and the requirements declaration;
//! * the `inventory` submission that lets the app collect the route without listing it;
//! * compile-time checks that at most one argument consumes the body, for extractor types the parser
//!   could not classify by name.
//!
//! The handler reads path parameters by index, runs the head extractors, then the body extractor
//! (whatever the argument order), calls the function with the arguments in their original order and
//! turns its output into the response.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, ItemFn, ReturnType};

use super::parse::{self, ArgKind, HandlerArg, Route};
use crate::paths;

/// The whole expansion for a valid route: the function, its hidden type, the spec and the registration.
pub(crate) fn generate(route: &Route, func: &ItemFn) -> TokenStream {
    let call_site = Span::call_site();
    let ident = &func.sig.ident;
    let cfgs = cfg_attrs(&func.attrs);
    let route_def = paths::route_def(call_site);
    let route_spec = paths::route_spec(call_site);
    let route_registration = paths::route_registration(call_site);
    let inventory = paths::inventory(call_site);
    let hidden_type = hidden_type(func);
    let spec = spec(route, func);
    let body_checks = body_checks(route, &func.sig.ident.to_string());
    let body_checks = if body_checks.is_empty() { body_checks } else { quote!(#(#cfgs)* #body_checks) };
    // The attribute requires `async`, so clippy's advice to drop an unused one would not compile.
    let allow_unused_async = quote!(#[allow(clippy::unused_async)]);
    let func = parse::without_body_attributes(func);
    quote! {
        #allow_unused_async
        #func

        #hidden_type

        #(#cfgs)*
        impl #route_def for #ident {
            const SPEC: &'static #route_spec = &#spec;
        }

        #(#cfgs)*
        #inventory::submit! {
            #route_registration::new(<#ident as #route_def>::SPEC)
        }

        #body_checks
    }
}

/// What is emitted for a route with errors, next to the function and the errors: its hidden type with a
/// placeholder spec, so that a `routes![]` naming it reports nothing more.
pub(crate) fn placeholder(func: &ItemFn) -> TokenStream {
    let call_site = Span::call_site();
    let ident = &func.sig.ident;
    let cfgs = cfg_attrs(&func.attrs);
    let route_def = paths::route_def(call_site);
    let route_spec = paths::route_spec(call_site);
    let request = paths::request(call_site);
    let box_future = paths::box_future(call_site);
    let response = paths::response(call_site);
    let requirements = paths::requirements(call_site);
    let std = paths::std(call_site);
    let hidden_type = hidden_type(func);
    quote! {
        #hidden_type

        #(#cfgs)*
        impl #route_def for #ident {
            const SPEC: &'static #route_spec = &#route_spec {
                methods: &[],
                path: "",
                shape: "",
                name: "",
                module_path: #std::module_path!(),
                file: #std::file!(),
                line: 0,
                column: 0,
                handler: {
                    fn __velocy_handler(_: #request) -> #box_future<'static, #response> {
                        #std::unreachable!("a route with compile errors is never run")
                    }
                    __velocy_handler
                },
                requirements: {
                    fn __velocy_requirements(_: &mut #requirements) {}
                    __velocy_requirements
                },
                middleware: &[],
                produces: &[],
                consumes: &[],
            };
        }
    }
}

/// The `#[cfg]` attributes of the function, repeated on everything emitted beside it.
fn cfg_attrs(attrs: &[Attribute]) -> Vec<&Attribute> {
    attrs.iter().filter(|attr| attr.path().is_ident("cfg")).collect()
}

/// `struct get_user {}`: the type `routes![]` names, in the type namespace only.
fn hidden_type(func: &ItemFn) -> TokenStream {
    let ident = &func.sig.ident;
    let vis = &func.vis;
    let cfgs = cfg_attrs(&func.attrs);
    let doc = format!("The route registered by `{ident}`; name it in `routes![]`.");
    quote! {
        #(#cfgs)*
        #[doc = #doc]
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        #[derive(Debug, Clone, Copy)]
        #vis struct #ident {}
    }
}

/// The `RouteSpec { .. }` literal.
fn spec(route: &Route, func: &ItemFn) -> TokenStream {
    let call_site = Span::call_site();
    let route_spec = paths::route_spec(call_site);
    let located = func.sig.ident.span();
    let std_at_fn = paths::std(located);
    let methods = &route.methods;
    let path = &route.path;
    let shape = &route.shape;
    let name = &route.name;
    let handler = handler(route, func);
    let requirements = requirements(route);
    let middleware = route.middleware.iter().map(middleware_fn);
    let produces = &route.produces;
    let consumes = &route.consumes;
    let file = quote_spanned!(located=> #std_at_fn::file!());
    let line = quote_spanned!(located=> #std_at_fn::line!());
    let column = quote_spanned!(located=> #std_at_fn::column!());
    let std = paths::std(call_site);
    quote! {
        #route_spec {
            methods: &[#(#methods),*],
            path: #path,
            shape: #shape,
            name: #name,
            module_path: #std::module_path!(),
            file: #file,
            line: #line,
            column: #column,
            handler: #handler,
            requirements: #requirements,
            middleware: &[#(#middleware),*],
            produces: &[#(#produces),*],
            consumes: &[#(#consumes),*],
        }
    }
}

/// One `middleware = [..]` element as a `fn() -> Arc<dyn Middleware>` block, converting the expression at
/// its own span so that a value that is not a middleware is reported there.
fn middleware_fn(expr: &syn::Expr) -> TokenStream {
    let call_site = Span::call_site();
    let std = paths::std(call_site);
    let middleware = paths::middleware(call_site);
    let span = expr.span();
    let into_middleware = paths::into_middleware(span);
    let converted = quote_spanned!(span=> #into_middleware(#expr));
    quote! {
        {
            fn __velocy_middleware() -> #std::sync::Arc<dyn #middleware> {
                #converted
            }
            __velocy_middleware
        }
    }
}

/// `match expr { Ok(value) => value, Err(response) => return response }`.
fn or_return(expr: TokenStream) -> TokenStream {
    let std = paths::std(Span::call_site());
    quote! {
        match #expr {
            #std::result::Result::Ok(value) => value,
            #std::result::Result::Err(response) => return response,
        }
    }
}

/// The handler: a block evaluating to `fn(Request) -> BoxFuture<'static, Response>`.
fn handler(route: &Route, func: &ItemFn) -> TokenStream {
    let call_site = Span::call_site();
    let request = paths::request(call_site);
    let box_future = paths::box_future(call_site);
    let response = paths::response(call_site);
    let std = paths::std(call_site);
    let has_extractors = route.args.iter().any(|arg| matches!(arg.kind, ArgKind::Extractor { .. }));

    let mut params = Vec::new();
    let mut head = Vec::new();
    let mut body = Vec::new();
    let mut call_args = Vec::new();
    for (position, arg) in route.args.iter().enumerate() {
        let var = format_ident!("__velocy_arg{}", position);
        call_args.push(var.clone());
        let ty = &arg.ty;
        let span = ty.span();
        match &arg.kind {
            ArgKind::Param { index, name } => {
                let path_param = paths::path_param(span);
                let value =
                    or_return(quote_spanned!(span=> #path_param::<#ty>(&__velocy_parts, #index, #name)));
                params.push(quote!(let #var = #value;));
            }
            ArgKind::Extractor { known_body } => {
                let extract = extract(arg);
                let value = or_return(quote!(#extract.await));
                if *known_body {
                    body.push(quote!(let #var = #value;));
                    continue;
                }
                let consumes_body = consumes_body(arg);
                head.push(quote! {
                    let #var = if #consumes_body {
                        #std::option::Option::None
                    } else {
                        #std::option::Option::Some(#value)
                    };
                });
                body.push(quote! {
                    let #var = match #var {
                        #std::option::Option::Some(value) => value,
                        #std::option::Option::None => #value,
                    };
                });
            }
        }
    }

    let ident = &func.sig.ident;
    let output_span = match &func.sig.output {
        ReturnType::Default => ident.span(),
        ReturnType::Type(_, ty) => ty.span(),
    };
    let respond = paths::respond(output_span);
    let respond = quote_spanned!(output_span=> #respond(&__velocy_parts, __velocy_output));
    let split = if has_extractors {
        quote! {
            let (mut __velocy_parts, __velocy_body) = #request::into_parts(__velocy_request);
            let mut __velocy_body = #std::option::Option::Some(__velocy_body);
        }
    } else {
        quote!(let (__velocy_parts, _) = #request::into_parts(__velocy_request);)
    };
    // The request is split before the future is built: moved into the async block whole, it would take its
    // room in the future twice (as the captured argument and as the split locals).
    let steps = quote! {
        #(#params)*
        #(#head)*
        #(#body)*
        let __velocy_output = #ident(#(#call_args),*).await;
        #respond
    };
    // Spanned at the function's name, so that a future that is not `Send` is reported there.
    let std_at_fn = paths::std(ident.span());
    let future = quote_spanned!(ident.span()=> #std_at_fn::boxed::Box::pin(async move { #steps }));
    quote! {
        {
            fn __velocy_handler(__velocy_request: #request) -> #box_future<'static, #response> {
                #split
                #future
            }
            __velocy_handler
        }
    }
}

/// `<Ty as Extract<_>>::extract(&mut parts, &mut body)`, at the type's span.
fn extract(arg: &HandlerArg) -> TokenStream {
    let ty = &arg.ty;
    let span = ty.span();
    let extract = paths::extract(span);
    quote_spanned!(span=> <#ty as #extract<_>>::extract(&mut __velocy_parts, &mut __velocy_body))
}

/// `<Ty as Extract<_>>::CONSUMES_BODY`, at the type's span.
fn consumes_body(arg: &HandlerArg) -> TokenStream {
    let ty = &arg.ty;
    let span = ty.span();
    let extract = paths::extract(span);
    quote_spanned!(span=> <#ty as #extract<_>>::CONSUMES_BODY)
}

/// The requirements function: a block evaluating to `fn(&mut Requirements)` declaring each extractor.
fn requirements(route: &Route) -> TokenStream {
    let requirements = paths::requirements(Span::call_site());
    let declarations: Vec<TokenStream> = route
        .args
        .iter()
        .filter(|arg| matches!(arg.kind, ArgKind::Extractor { .. }))
        .map(|arg| {
            // The same `<Ty as Extract<_>>` form as in the handler, so that a type that is not an
            // extractor gets one error, not one per use.
            let ty = &arg.ty;
            let span = ty.span();
            let extract = paths::extract(span);
            quote_spanned!(span=> <#ty as #extract<_>>::declare(__velocy_requirements);)
        })
        .collect();
    let param = if declarations.is_empty() { quote!(_) } else { quote!(__velocy_requirements) };
    quote! {
        {
            fn __velocy_requirements(#param: &mut #requirements) {
                #(#declarations)*
            }
            __velocy_requirements
        }
    }
}

/// Const checks that no two extractor arguments both consume the body, for types the parser could not
/// classify by name (a user's own `FromRequest`). Evaluated at compile time; the failure names both.
fn body_checks(route: &Route, function: &str) -> TokenStream {
    let extractors: Vec<&HandlerArg> =
        route.args.iter().filter(|arg| matches!(arg.kind, ArgKind::Extractor { .. })).collect();
    let mut checks = Vec::new();
    for (position, first) in extractors.iter().enumerate() {
        for second in &extractors[position + 1..] {
            let both_known = matches!(
                (&first.kind, &second.kind),
                (ArgKind::Extractor { known_body: true }, ArgKind::Extractor { known_body: true })
            );
            if both_known {
                continue;
            }
            let message = format!(
                "`{}` and `{}` both consume the request body, but `{function}` can take only one body extractor",
                first.label, second.label
            );
            let first = consumes_body(first);
            let second_consumes = consumes_body(second);
            let span = second.ty.span();
            let std = paths::std(span);
            checks.push(quote_spanned! {span=>
                if #first && #second_consumes {
                    #std::panic!("{}", #message);
                }
            });
        }
    }
    if checks.is_empty() {
        return TokenStream::new();
    }
    quote! {
        const _: () = {
            #(#checks)*
        };
    }
}
