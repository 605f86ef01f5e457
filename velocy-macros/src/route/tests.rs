//! Unit tests of route parsing: which errors are found, and how arguments are bound.

#![allow(clippy::unwrap_used)]

use proc_macro2::TokenStream;
use quote::quote;

use super::attribute::Methods;
use super::parse::{parse, ArgKind, Route};

/// Parses `#[get(args)] item`.
fn get(args: TokenStream, item: TokenStream) -> syn::Result<Route> {
    parse(Methods::Fixed("GET"), args, &syn::parse2(item).unwrap())
}

/// The error text of a failed parse.
fn error(result: syn::Result<Route>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(errors) => errors.into_iter().map(|error| error.to_string()).collect::<Vec<_>>().join("\n---\n"),
    }
}

#[test]
fn binds_params_by_name_in_pattern_order() {
    let route = get(
        quote!("/orgs/:org/users/:id"),
        quote!(
            async fn f(id: u64, db: State<Db>, org: String) {}
        ),
    )
    .unwrap();
    let kinds: Vec<String> = route
        .args
        .iter()
        .map(|arg| match &arg.kind {
            ArgKind::Param { index, name } => format!("{name}@{index}"),
            ArgKind::Extractor { known_body } => format!("extractor(body={known_body})"),
        })
        .collect();
    assert_eq!(kinds, ["id@1", "extractor(body=false)", "org@0"]);
    assert_eq!(route.shape, "/orgs/:/users/:");
    assert_eq!(route.methods, ["GET"]);
    assert_eq!(route.name, "f");
}

#[test]
fn raw_identifiers_match_params() {
    let route = get(
        quote!("/kinds/:type"),
        quote!(
            async fn f(r#type: String) {}
        ),
    )
    .unwrap();
    assert!(matches!(&route.args[0].kind, ArgKind::Param { name, .. } if name == "type"));
}

#[test]
fn catch_all_is_a_param() {
    let route = get(
        quote!("/files/*path"),
        quote!(
            async fn f(path: String) {}
        ),
    )
    .unwrap();
    assert!(matches!(&route.args[0].kind, ArgKind::Param { index: 0, .. }));
}

#[test]
fn name_overrides_the_display_name() {
    let route = get(
        quote!("/", name = "home page"),
        quote!(
            async fn index() {}
        ),
    )
    .unwrap();
    assert_eq!(route.name, "home page");
}

#[test]
fn every_error_is_reported_at_once() {
    let text = error(get(
        quote!("users/:1d", nmae = "x"),
        quote!(
            fn f<T>(&self) {}
        ),
    ));
    for expected in [
        "route must start with `/`",
        "parameter name cannot start with a digit",
        "unknown key `nmae` in `#[get]`",
        "did you mean `name`?",
        "route handlers must be `async`",
        "route handlers cannot be generic",
        "route handlers cannot take `self`",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn unmatched_param_names_the_function() {
    let text = error(get(
        quote!("/users/:id"),
        quote!(
            async fn show_user() {}
        ),
    ));
    assert!(text.contains("path parameter `id` has no matching argument"), "{text}");
    assert!(text.contains("`show_user` has no argument named `id`"), "{text}");
}

#[test]
fn unmatched_param_suggests_renaming_a_close_argument() {
    let text = error(get(
        quote!("/users/:id"),
        quote!(
            async fn f(idd: u64) {}
        ),
    ));
    assert!(text.contains("rename the argument `idd` to `id`"), "{text}");
    assert!(text.contains("argument `idd` does not match any path parameter"), "{text}");
    assert!(text.contains("did you mean `id`?"), "{text}");
}

#[test]
fn scalar_without_param_suggests_adding_it() {
    let text = error(get(
        quote!("/users"),
        quote!(
            async fn f(page: u32) {}
        ),
    ));
    assert!(text.contains("add `/:page` to the route"), "{text}");
}

/// Parses `#[post(args)] item`.
fn post(args: TokenStream, item: TokenStream) -> syn::Result<Route> {
    parse(Methods::Fixed("POST"), args, &syn::parse2(item).unwrap())
}

#[test]
fn strings_without_params_are_extractors() {
    let route = post(
        quote!("/"),
        quote!(
            async fn f(text: String) {}
        ),
    )
    .unwrap();
    assert!(matches!(route.args[0].kind, ArgKind::Extractor { known_body: true }));
}

#[test]
fn two_known_body_extractors_are_rejected() {
    let text = error(get(
        quote!("/"),
        quote!(
            async fn f(a: Json<A>, b: Option<Bytes>) {}
        ),
    ));
    assert!(text.contains("only one argument that consumes the request body"), "{text}");
    assert!(text.contains("`Json<A>` already consumes it"), "{text}");
}

#[test]
fn invalid_regexes_are_reported() {
    let text = error(get(
        quote!("/a/:id(a{2,1})"),
        quote!(
            async fn f(id: u64) {}
        ),
    ));
    assert!(text.contains("invalid regex for `:id`"), "{text}");
}

#[test]
fn valid_regexes_pass() {
    let route = get(
        quote!("/a/:id([0-9]{2,4})"),
        quote!(
            async fn f(id: u64) {}
        ),
    )
    .unwrap();
    assert_eq!(route.shape, "/a/:([0-9]{2,4})");
}

#[test]
fn route_takes_method_lists() {
    let route = parse(
        Methods::Listed,
        quote!(method = ["GET", "POST", "PROPFIND"], path = "/x"),
        &syn::parse2(quote!(
            async fn f() {}
        ))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(route.methods, ["GET", "POST", "PROPFIND"]);
}

#[test]
fn route_rejects_bad_methods() {
    let func = syn::parse2(quote!(
        async fn f() {}
    ))
    .unwrap();
    let text = error(parse(Methods::Listed, quote!("/x", method = ["get"]), &func));
    assert!(text.contains("HTTP methods are case-sensitive"), "{text}");
    let text = error(parse(Methods::Listed, quote!("/x", method = ["GET", "GET"]), &func));
    assert!(text.contains("`GET` is listed twice"), "{text}");
    let text = error(parse(Methods::Listed, quote!("/x"), &func));
    assert!(text.contains("missing `method`"), "{text}");
    let text = error(parse(Methods::Listed, quote!("/x", method = []), &func));
    assert!(text.contains("no methods given"), "{text}");
}

#[test]
fn missing_route_has_a_help() {
    let text = error(get(
        quote!(),
        quote!(
            async fn f() {}
        ),
    ));
    assert!(text.contains("missing route"), "{text}");
    assert!(text.contains("#[get(\"/users/:id\")]"), "{text}");
}

#[test]
fn references_and_impl_trait_are_rejected() {
    let text = error(get(
        quote!("/:name"),
        quote!(
            async fn f(name: &str, x: impl Sized) {}
        ),
    ));
    assert!(text.contains("arguments cannot be references"), "{text}");
    assert!(text.contains("take a `String`"), "{text}");
    assert!(text.contains("cannot be `impl Trait`"), "{text}");
}

#[test]
fn the_route_must_be_a_literal() {
    let text = error(get(
        quote!(ROUTE),
        quote!(
            async fn f() {}
        ),
    ));
    assert!(text.contains("the route must be a string literal"), "{text}");
    assert!(!text.contains("missing route"), "{text}");
}

#[test]
fn an_unknown_key_does_not_also_report_missing_values() {
    let func = syn::parse2(quote!(
        async fn f() {}
    ))
    .unwrap();
    let text = error(parse(Methods::Listed, quote!("/x", methods = ["GET"]), &func));
    assert!(text.contains("did you mean `method`?"), "{text}");
    assert!(!text.contains("missing `method`"), "{text}");
}

#[test]
fn the_body_extractor_runs_after_the_head_extractors() {
    let func: syn::ItemFn = syn::parse2(quote!(
        async fn f(Json(a): Json<A>, id: u64, State(s): State<S>) {}
    ))
    .unwrap();
    let route = parse(Methods::Fixed("GET"), quote!("/:id"), &func).unwrap();
    let code = super::codegen::generate(&route, &func).to_string();
    let param = code.find("let __velocy_arg1 = match").unwrap();
    let head = code.find("let __velocy_arg2 = if").unwrap();
    let body = code.find("let __velocy_arg0 = match").unwrap();
    assert!(param < head && head < body, "{code}");
    assert!(code.contains("f (__velocy_arg0 , __velocy_arg1 , __velocy_arg2) . await"), "{code}");
}

#[test]
fn errors_keep_the_function_and_a_placeholder() {
    let item = quote!(
        async fn show_user() {}
    );
    let output = super::expand(Methods::Fixed("GET"), quote!("/users/:id"), item).to_string();
    assert!(output.starts_with("async fn show_user () { }"), "{output}");
    assert!(output.contains("compile_error"), "{output}");
    assert!(output.contains("struct show_user { }"), "{output}");
}

#[test]
fn a_second_route_attribute_is_rejected() {
    let text = error(get(
        quote!("/a"),
        quote!(
            #[velocy::post("/b")]
            async fn f() {}
        ),
    ));
    assert!(text.contains("a handler takes one route attribute"), "{text}");
    assert!(get(
        quote!("/a"),
        quote!(
            #[doc = "x"]
            #[allow(unused)]
            async fn f() {}
        )
    )
    .is_ok());
}

#[test]
fn a_path_extractor_takes_every_parameter() {
    let route = get(
        quote!("/users/:id/posts/:post"),
        quote!(
            async fn f(Path(ids): Path<Ids>) {}
        ),
    )
    .unwrap();
    assert!(matches!(route.args[0].kind, ArgKind::Extractor { known_body: false }));
    // Scalars still bind by name only.
    let text = error(get(
        quote!("/users/:id"),
        quote!(
            async fn f(Path(ids): Path<Ids>, page: u32) {}
        ),
    ));
    assert!(text.contains("argument `page` does not match any path parameter"), "{text}");
}

#[test]
fn middleware_and_media_types_are_read() {
    let route = get(
        quote!(
            "/",
            middleware = [auth, limits::Timeout::new(5)],
            produces = ["text/HTML", "application/json"]
        ),
        quote!(
            async fn index() {}
        ),
    )
    .unwrap();
    assert_eq!(route.middleware.len(), 2);
    assert_eq!(route.produces, ["text/html", "application/json"]);
    assert!(route.consumes.is_empty());
}

#[test]
fn bad_media_types_are_reported() {
    let func = quote!(
        async fn f() {}
    );
    for (value, expected) in [
        (quote!("json"), "write `\"application/json\"`"),
        (quote!("text/*"), "wildcards are not allowed"),
        (quote!("text/html; charset=utf-8"), "has parameters"),
        (quote!(["a/b", "A/B"]), "`a/b` is listed twice"),
        (quote!([]), "no media types given"),
    ] {
        let text = error(get(quote!("/", consumes = #value), func.clone()));
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn middleware_are_values() {
    let text = error(get(
        quote!("/", middleware = ["auth"]),
        quote!(
            async fn f() {}
        ),
    ));
    assert!(text.contains("a middleware is a value, not a string"), "{text}");
}

/// The number of errors in an error text made by [`error`].
fn error_count(text: &str) -> usize {
    text.split("\n---\n").count()
}

/// Issue 21: on a route whose methods carry no body, a plain body type that is not a parameter is an error
/// at the argument, pointing at the query and at the methods that have a body.
#[test]
fn get_body_string_21() {
    for item in [
        quote!(
            async fn search(q: String) {}
        ),
        quote!(
            async fn search(q: Vec<u8>) {}
        ),
        quote!(
            async fn search(q: bytes::Bytes) {}
        ),
        quote!(
            async fn search(q: Option<Bytes>) {}
        ),
    ] {
        let text = error(get(quote!("/search"), item));
        assert_eq!(error_count(&text), 1, "{text}");
        assert!(text.contains("reads the request body, which `GET` requests do not carry"), "{text}");
        assert!(
            text.contains(
                "did you mean `Query<T>`, a `#[query]` field of a derived extractor, or a body on a \
                 POST/PUT/PATCH route?"
            ),
            "{text}"
        );
        assert!(text.contains("mark the argument: `#[body] q: "), "{text}");
    }
    for method in ["HEAD", "DELETE", "OPTIONS"] {
        let item = syn::parse2(quote!(
            async fn f(text: String) {}
        ))
        .unwrap();
        let text = error(parse(Methods::Fixed(method), quote!("/"), &item));
        assert!(text.contains(&format!("which `{method}` requests do not carry")), "{text}");
    }
    let item = syn::parse2(quote!(
        async fn f(text: String) {}
    ))
    .unwrap();
    let listed = parse(Methods::Listed, quote!("/", method = ["GET", "HEAD"]), &item);
    assert!(error(listed).contains("which `GET` and `HEAD` requests do not carry"));
    // A route that also answers a method with a body, a parameter, and explicit extractors are fine.
    assert!(parse(Methods::Listed, quote!("/", method = ["GET", "POST"]), &item).is_ok());
    assert!(get(
        quote!("/files/*path"),
        quote!(
            async fn f(path: String, Json(j): Json<J>, Query(q): Query<Q>) {}
        )
    )
    .is_ok());
}

/// Issue 21: `#[body]` opts a bodiless route into reading the body; the mark does not reach rustc.
#[test]
fn body_mark_reads_the_body_on_a_get_route_21() {
    let route = get(
        quote!("/search"),
        quote!(
            async fn search(#[body] q: String) {}
        ),
    )
    .unwrap();
    assert!(matches!(route.args[0].kind, ArgKind::Extractor { known_body: true }));
    let output = super::expand(
        Methods::Fixed("GET"),
        quote!("/search"),
        quote!(
            async fn search(#[body] q: String, #[allow(unused)] n: Query<N>) {}
        ),
    )
    .to_string();
    assert!(output.contains("async fn search (q : String , # [allow (unused)] n : Query < N >)"), "{output}");
    assert!(!output.contains("# [body]") && !output.contains("compile_error"), "{output}");
    // Also when the route has errors: the function is still emitted without the mark.
    let output = super::expand(
        Methods::Fixed("GET"),
        quote!("/search/:id"),
        quote!(
            async fn search(#[body] q: String) {}
        ),
    )
    .to_string();
    assert!(output.contains("compile_error") && !output.contains("# [body]"), "{output}");
}

#[test]
fn body_marks_are_checked_21() {
    let text = error(get(
        quote!("/users/:id"),
        quote!(
            async fn f(
                #[body] id: u64,
                #[body(x)] a: String,
                #[body]
                #[body]
                b: Bytes,
            ) {
            }
        ),
    ));
    for expected in [
        "`id` is the path parameter `:id`, not the body",
        "`#[body]` takes no arguments",
        "`#[body]` is repeated",
        "only one argument that consumes the request body",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

/// Issue 21: one parameter without an argument and one argument that looks like a parameter under another
/// name are one error, with both fixes.
#[test]
fn misnamed_param_21() {
    for (ty, shown) in
        [(quote!(u64), "u64"), (quote!(String), "String"), (quote!(std::net::IpAddr), "std::net::IpAddr")]
    {
        let text = error(get(
            quote!("/bookmarks/:id"),
            quote!(
                async fn show_bookmark(bookmark_id: #ty, State(db): State<Db>) {}
            ),
        ));
        assert_eq!(error_count(&text), 1, "{text}");
        assert!(text.starts_with("path parameter `id` has no matching argument"), "{text}");
        let help = format!("rename `bookmark_id` to `id`, or take `Path(bookmark_id): Path<{shown}>`");
        assert!(text.contains(&help), "{text}");
    }
    // Two candidates, two parameters or a typo keep the general messages.
    let text = error(get(
        quote!("/bookmarks/:id"),
        quote!(
            async fn f(bookmark_id: u64, page: u32) {}
        ),
    ));
    assert!(text.contains("add an argument `id: T`") && !text.contains("Path(bookmark_id)"), "{text}");
    let text = error(get(
        quote!("/users/:user/bookmarks/:id"),
        quote!(
            async fn f(bookmark_id: u64) {}
        ),
    ));
    assert!(!text.contains("Path(bookmark_id)"), "{text}");
    let text = error(get(
        quote!("/users/:id"),
        quote!(
            async fn f(idd: u64) {}
        ),
    ));
    assert!(text.contains("rename the argument `idd` to `id`"), "{text}");
}
