//! Procedural macros for [Velocy](https://docs.rs/velocy): route attributes, `routes![]`, the extractor
//! derives, `#[velocy::main]` and `#[velocy::test]`.
//!
//! Use them through `velocy` (`velocy::get`, `velocy::routes!`, ...), not from this crate directly: the
//! code they generate names the runtime as `::velocy::__private`.
//!
//! Each macro is a small compiler. It reads its input into a checked description, reporting every
//! mistake at once and at the token that is wrong (inside the route string when the compiler allows it),
//! with a `help:` line when the fix is known; only then does it generate code, which cannot fail. On
//! errors the annotated item is emitted unchanged next to them, so the rest of the crate still
//! type-checks.
//!
//! Set `VELOCY_MACROS_DEBUG=1` while compiling to print every expansion to stderr.
//!
//! The examples below are doc tests run through `velocy` (a dev-dependency of this crate); most of them
//! also exercise their handlers with `velocy::test::TestClient` in hidden lines. `ui-tests/pass/` holds
//! more compiling examples.

mod attr;
mod debug;
mod derive;
mod diag;
mod main_attr;
mod middleware;
mod paths;
mod route;
mod routes_list;
mod signature;

use proc_macro::TokenStream;

use route::Methods;

/// Registers an `async fn` as the handler of `GET` requests to a route.
///
/// The first argument is the route (see [the grammar](#routes)). Optional keys:
///
/// * `name = "..."`: the name shown in route listings and conflict reports (default: the function's name);
/// * `middleware = [a, b]`: middleware for this route only, outermost first; each element is an expression
///   (a [`macro@middleware`] function's name, `Timeout::new(..)`, ...), checked to be a middleware;
/// * `produces = "application/json"` / `consumes = ["text/csv", ..]`: the media types the route answers
///   with (chosen by `Accept`) and accepts (checked against `Content-Type`), each `type/subtype`.
///
/// ```
/// use velocy::prelude::*;
/// # use serde::Serialize;
/// # #[derive(Serialize)]
/// # struct User { id: u64, name: String }
/// # #[derive(Clone, Default)]
/// # struct Db;
/// # impl Db {
/// #     async fn user(&self, id: u64) -> Result<User, HttpError> {
/// #         match id {
/// #             1 => Ok(User { id, name: "Ada".into() }),
/// #             _ => Err(HttpError::not_found(format!("no user with id {id}"))),
/// #         }
/// #     }
/// # }
///
/// #[get("/users/:id")]
/// async fn show_user(id: u64, State(db): State<Db>) -> Result<Json<User>, HttpError> {
///     db.user(id).await.map(Json)
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// #     let client = velocy::test::TestClient::new(App::new().state(Db).routes(routes![show_user]));
/// #     client.get("/users/1").await.assert_status(200).assert_text(r#"{"id":1,"name":"Ada"}"#);
/// #     client.get("/users/2").await.assert_status(404);
/// #     client.get("/users/ada").await.assert_status(400);
/// # }
/// ```
///
/// # Routes
///
/// A route starts with `/`. A segment `:name` is a parameter matching one segment, `:name(regex)` one
/// whose whole segment must match the regex, and `*name` a catch-all matching the rest of the path (last
/// segment only). Static segments are RFC 3986 `pchar`s, written the way request paths are normalized
/// before routing, as any other spelling could never match: no escapes of unreserved characters (`a`, not
/// `%61`), uppercase hex (`%2F`), and escapes that decode to UTF-8 (`%C3%A9` for `é`, not a lone `%E9`).
/// The route is checked at compile time, regexes included.
///
/// # Arguments
///
/// Arguments are bound in two ways:
///
/// * **by name**: an argument written as a plain identifier equal to a parameter's name (`id: u64` for
///   `:id`; `r#type` for `:type`) receives that parameter, percent-decoded and parsed with `FromParam`.
///   Every parameter needs such an argument, and an argument of a scalar type (integers, floats, `bool`,
///   `char`) must be a parameter.
/// * **by type**: every other argument is an extractor (`FromRequestParts` or `FromRequest`). Head
///   extractors run first and the body extractor last, whatever the argument order; at most one argument
///   may consume the body.
///
/// To bind a parameter to an argument of another name, take it through `Path`: `Path(bookmark_id):
/// Path<u64>` receives the route's single parameter `:id`, `Path((user, id)): Path<(String, u64)>` several
/// in route order, and a `Path<T>` of a `Deserialize` struct takes them by name (then no parameter needs
/// an argument of its own).
///
/// On a route whose methods all carry no body by convention (`GET`, `HEAD`, `DELETE`, `OPTIONS`), an
/// argument of a plain body type (`String`, `Vec<u8>`, `Bytes`, or one of them in `Option`/`Result`) that
/// is not a parameter is a compile error: it would read the body, which is empty, where a query value
/// was most likely meant (use `Query<T>`, or a `#[query]` field of a derived extractor). For the rare
/// request with a body there, mark the argument `#[body]`: `#[body] text: String`. The mark only opts in
/// and is removed from the function; explicit body extractors (`Json<T>`, `Form<T>`, `Body`) need none.
///
/// ```
/// use velocy::prelude::*;
/// # #[derive(serde::Deserialize)]
/// # struct Search { q: String }
///
/// #[get("/bookmarks/:id")]
/// async fn show_bookmark(Path(bookmark_id): Path<u64>) -> String {
///     format!("bookmark {bookmark_id}")
/// }
///
/// #[get("/search")]
/// async fn search(Query(search): Query<Search>, #[body] filter: String) -> String {
///     format!("{} where {filter}", search.q)
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// #     let client = velocy::test::TestClient::new(App::new().routes(routes![show_bookmark, search]));
/// #     client.get("/bookmarks/7").await.assert_text("bookmark 7");
/// #     client.get("/search?q=rust").body("year > 2020").await.assert_text("rust where year > 2020");
/// # }
/// ```
///
/// The function is called with the arguments in their written order and its output converted with
/// `IntoResponse`. It stays callable as a normal function.
///
/// # Errors
///
/// Compile errors, each at its token: a malformed route, a static segment that no normalized request
/// path can match, an invalid regex, a parameter without an argument (naming the fix when one argument
/// is left over under another name), a scalar argument without a parameter, an argument that is neither
/// a parameter nor an extractor, two body extractors, a plain body type on a route without a body (see
/// above), a handler that is not `async`, is generic or takes `self`, a second route attribute on the same
/// function, and unknown attribute keys.
///
/// Route attributes go on free functions (at module level or inside a function body), one per function:
/// the hidden type they declare cannot live in an `impl` block. To answer several methods, use
/// [`macro@route`].
///
/// # What it generates
///
/// Besides the function, a hidden empty type of the same name (which [`routes!`] names), a
/// `RouteDef` impl holding the route's spec, and an `inventory` registration that lets `App` collect the
/// route without listing it. A library whose items are never referenced may be dropped by the linker
/// with its registrations: list such routes with [`routes!`].
#[proc_macro_attribute]
pub fn get(args: TokenStream, item: TokenStream) -> TokenStream {
    route::expand(Methods::Fixed("GET"), args.into(), item.into()).into()
}

/// Registers an `async fn` as the handler of `POST` requests to a route.
///
/// Same arguments and rules as [`macro@get`].
///
/// ```
/// use velocy::prelude::*;
/// # use serde::{Deserialize, Serialize};
/// # use std::sync::atomic::{AtomicU64, Ordering};
/// # use std::sync::Arc;
/// # #[derive(Serialize)]
/// # struct User { id: u64, name: String }
/// # #[derive(Deserialize, Serialize)]
/// # struct NewUser { name: String }
/// # #[derive(Clone, Default)]
/// # struct Db(Arc<AtomicU64>);
/// # impl Db {
/// #     async fn insert(&self, input: NewUser) -> User {
/// #         User { id: self.0.fetch_add(1, Ordering::Relaxed) + 1, name: input.name }
/// #     }
/// # }
///
/// #[post("/users", name = "create user")]
/// async fn create_user(State(db): State<Db>, Json(input): Json<NewUser>) -> (StatusCode, Json<User>) {
///     (StatusCode::CREATED, Json(db.insert(input).await))
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// #     let app = App::new().state(Db::default()).routes(routes![create_user]);
/// #     let client = velocy::test::TestClient::new(app);
/// #     let ada = NewUser { name: "Ada".into() };
/// #     client.post("/users").json(&ada).await.assert_status(201).assert_text(r#"{"id":1,"name":"Ada"}"#);
/// #     client.post("/users").body("not json").await.assert_status(415);
/// # }
/// ```
#[proc_macro_attribute]
pub fn post(args: TokenStream, item: TokenStream) -> TokenStream {
    route::expand(Methods::Fixed("POST"), args.into(), item.into()).into()
}

/// Registers an `async fn` as the handler of `PUT` requests to a route.
///
/// Same arguments and rules as [`macro@get`].
///
/// ```
/// use velocy::prelude::*;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Deserialize, Serialize)]
/// # struct User { id: u64, name: String }
///
/// #[put("/users/:id")]
/// async fn replace_user(id: u64, Json(user): Json<User>) -> StatusCode {
///     if user.id == id { StatusCode::NO_CONTENT } else { StatusCode::CONFLICT }
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// #     let client = velocy::test::TestClient::new(App::new().routes(routes![replace_user]));
/// #     let ada = User { id: 1, name: "Ada".into() };
/// #     client.put("/users/1").json(&ada).await.assert_status(204);
/// #     client.put("/users/2").json(&ada).await.assert_status(409);
/// #     client.get("/users/1").await.assert_status(405);
/// # }
/// ```
#[proc_macro_attribute]
pub fn put(args: TokenStream, item: TokenStream) -> TokenStream {
    route::expand(Methods::Fixed("PUT"), args.into(), item.into()).into()
}

/// Registers an `async fn` as the handler of `PATCH` requests to a route.
///
/// Same arguments and rules as [`macro@get`].
///
/// ```
/// use velocy::prelude::*;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Deserialize, Serialize)]
/// # struct Rename { name: String }
///
/// #[patch("/users/:id")]
/// async fn rename_user(id: u64, Form(change): Form<Rename>) -> StatusCode {
///     if id == 0 || change.name.is_empty() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::NO_CONTENT }
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// #     let client = velocy::test::TestClient::new(App::new().routes(routes![rename_user]));
/// #     client.patch("/users/1").form(&Rename { name: "Ada".into() }).await.assert_status(204);
/// #     client.patch("/users/1").form(&Rename { name: String::new() }).await.assert_status(422);
/// # }
/// ```
#[proc_macro_attribute]
pub fn patch(args: TokenStream, item: TokenStream) -> TokenStream {
    route::expand(Methods::Fixed("PATCH"), args.into(), item.into()).into()
}

/// Registers an `async fn` as the handler of `DELETE` requests to a route.
///
/// Same arguments and rules as [`macro@get`].
///
/// ```
/// use velocy::prelude::*;
///
/// #[delete("/users/:id")]
/// async fn delete_user(id: u64) -> StatusCode {
///     if id == 1 { StatusCode::NO_CONTENT } else { StatusCode::NOT_FOUND }
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// #     let client = velocy::test::TestClient::new(App::new().routes(routes![delete_user]));
/// #     client.delete("/users/1").await.assert_status(204);
/// #     client.delete("/users/2").await.assert_status(404);
/// # }
/// ```
#[proc_macro_attribute]
pub fn delete(args: TokenStream, item: TokenStream) -> TokenStream {
    route::expand(Methods::Fixed("DELETE"), args.into(), item.into()).into()
}

/// Registers an `async fn` as the handler of `HEAD` requests to a route.
///
/// Same arguments and rules as [`macro@get`]. (A `GET` route also answers `HEAD` unless the router is
/// told otherwise; use this to answer `HEAD` differently.)
///
/// ```
/// use velocy::prelude::*;
///
/// #[head("/files/*path")]
/// async fn file_exists(path: String) -> StatusCode {
///     if path == "docs/readme.txt" { StatusCode::OK } else { StatusCode::NOT_FOUND }
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// #     let client = velocy::test::TestClient::new(App::new().routes(routes![file_exists]));
/// #     client.head("/files/docs/readme.txt").await.assert_status(200);
/// #     client.head("/files/missing.txt").await.assert_status(404);
/// # }
/// ```
#[proc_macro_attribute]
pub fn head(args: TokenStream, item: TokenStream) -> TokenStream {
    route::expand(Methods::Fixed("HEAD"), args.into(), item.into()).into()
}

/// Registers an `async fn` as the handler of `OPTIONS` requests to a route.
///
/// Same arguments and rules as [`macro@get`].
///
/// ```
/// use velocy::prelude::*;
///
/// #[options("/upload")]
/// async fn upload_options() -> impl IntoResponse {
///     ([("allow", "POST, OPTIONS")], ())
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// #     let client = velocy::test::TestClient::new(App::new().routes(routes![upload_options]));
/// #     client.options("/upload").await.assert_status(200).assert_header("allow", "POST, OPTIONS");
/// # }
/// ```
#[proc_macro_attribute]
pub fn options(args: TokenStream, item: TokenStream) -> TokenStream {
    route::expand(Methods::Fixed("OPTIONS"), args.into(), item.into()).into()
}

/// Registers an `async fn` for several methods, or for a custom one.
///
/// Keys: `method` (one string or a list; methods are case-sensitive tokens), `path` (the route, or give
/// it first without a key), and `name`, `middleware`, `produces`, `consumes` as for [`macro@get`].
/// Otherwise the same rules as [`macro@get`].
///
/// ```
/// use velocy::prelude::*;
/// # #[derive(serde::Deserialize)]
/// # struct Search { page: u32 }
///
/// #[route(method = ["GET", "POST"], path = "/search")]
/// async fn search(Query(query): Query<Search>) -> Html<String> {
///     Html(format!("<p>Page {} of the results</p>", query.page))
/// }
///
/// #[route("/dav/*path", method = "PROPFIND")]
/// async fn propfind(path: String) -> Response {
///     (StatusCode::MULTI_STATUS, format!("listing {path}")).into_response()
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// #     let client = velocy::test::TestClient::new(App::new().routes(routes![search, propfind]));
/// #     client.get("/search?page=2").await.assert_text("<p>Page 2 of the results</p>");
/// #     client.post("/search?page=3").await.assert_text("<p>Page 3 of the results</p>");
/// #     client.put("/search?page=2").await.assert_status(405);
/// #     let method = velocy::Method::from_bytes(b"PROPFIND").unwrap();
/// #     client.request(method, "/dav/a/b").await.assert_status(207).assert_text("listing a/b");
/// # }
/// ```
#[proc_macro_attribute]
pub fn route(args: TokenStream, item: TokenStream) -> TokenStream {
    route::expand(Methods::Listed, args.into(), item.into()).into()
}

/// Turns an `async fn` into a middleware type of the same name.
///
/// The function takes the `Request`, the `Next` (the rest of the chain) and any number of head extractors
/// (`FromRequestParts`: `State`, headers, `Extension`, ...; never a body extractor), in any order, and
/// returns anything that implements `IntoResponse`. It either answers itself or calls
/// `next.run(request).await`. The extractors run on the request head before the function is called; a
/// failing one answers with its rejection.
///
/// The attribute replaces the function with a unit struct of the same name and visibility implementing
/// `Middleware`, so the name is a value: `App::middleware(require_key)`, `Router::middleware(..)`, or
/// `#[get("/admin", middleware = [require_key])]`. Doc comments move to the struct.
///
/// ```
/// use velocy::prelude::*;
/// # #[derive(Clone, Default)]
/// # struct ApiKeys(Vec<&'static str>);
/// # impl ApiKeys {
/// #     fn contains(&self, key: &velocy::HeaderValue) -> bool {
/// #         self.0.iter().any(|known| key == *known)
/// #     }
/// # }
///
/// #[middleware]
/// async fn require_key(State(keys): State<ApiKeys>, request: Request, next: Next) -> Response {
///     match request.headers().get("x-api-key") {
///         Some(key) if keys.contains(key) => next.run(request).await,
///         _ => StatusCode::UNAUTHORIZED.into_response(),
///     }
/// }
/// # #[get("/admin")]
/// # async fn admin() -> &'static str {
/// #     "welcome"
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// #     let app = App::new().state(ApiKeys(vec!["k1"])).middleware(require_key).routes(routes![admin]);
/// #     let client = velocy::test::TestClient::new(app);
/// #     client.get("/admin").await.assert_status(401);
/// #     client.get("/admin").header("x-api-key", "k2").await.assert_status(401);
/// #     client.get("/admin").header("x-api-key", "k1").await.assert_status(200).assert_text("welcome");
/// # }
/// ```
///
/// # Errors
///
/// Compile errors for a missing or repeated `Request` or `Next`, a body extractor, and the signatures
/// route handlers cannot have either (not `async`, generic, `self`, `impl Trait` or reference arguments).
#[proc_macro_attribute]
pub fn middleware(args: TokenStream, item: TokenStream) -> TokenStream {
    middleware::expand(args.into(), item.into()).into()
}

/// Lists annotated handlers as a `Vec<Route>`, for `App::routes` or a nested router.
///
/// Name each handler by its path (`index`, `users::show`). The list is checked at compile time: the same
/// handler listed twice is an error at the second entry, and two handlers answering a common method on
/// the same route shape (lists of up to 64 entries) fail the build with a message naming both, such as
/// ``"`a` and `b` in this routes![] both handle GET /x"``.
///
/// ```
/// use velocy::prelude::*;
/// # #[get("/")]
/// # async fn index() -> &'static str {
/// #     "index"
/// # }
/// # mod users {
/// #     use velocy::prelude::*;
/// #     #[get("/users/:id")]
/// #     pub async fn show(id: u64) -> String {
/// #         format!("user {id}")
/// #     }
/// #     #[post("/users")]
/// #     pub async fn create(name: String) -> (StatusCode, String) {
/// #         (StatusCode::CREATED, format!("created {name}"))
/// #     }
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
///
/// let app = App::new().routes(routes![index, users::show, users::create]);
/// # let client = velocy::test::TestClient::new(app);
/// # client.get("/").await.assert_text("index");
/// # client.get("/users/7").await.assert_text("user 7");
/// # client.post("/users").body("ada").await.assert_status(201).assert_text("created ada");
/// # }
/// ```
#[proc_macro]
pub fn routes(input: TokenStream) -> TokenStream {
    routes_list::expand(input.into()).into()
}

/// Derives `FromRequestParts` for a struct whose fields are read from the request head.
///
/// Field attributes choose where each value comes from:
///
/// * `#[query]` / `#[query("key")]`: a query value, by the field name or `key`, parsed with `FromParam`;
/// * `#[header]` / `#[header("x-api-key")]`: a header, by the field name with `_` written `-` or the
///   given name, parsed with `FromParam`;
/// * `#[param]` / `#[param("name")]`: a path parameter by name, percent-decoded and parsed with
///   `FromParam` (`#[path]` is taken by rustc's built-in attribute);
/// * no attribute: the field's type is itself a `FromRequestParts` extractor.
///
/// A missing value answers 400 (500 for a path parameter the route does not have), unless the field is an
/// `Option<T>`, which is then `None`. A malformed value answers 400. The rejection type is `Response`.
///
/// ```
/// use velocy::prelude::*;
/// # #[derive(Clone, Default)]
/// # struct Db;
///
/// #[derive(FromRequestParts)]
/// struct Listing {
///     #[query] page: Option<u32>,
///     #[query("per_page")] limit: u32,
///     #[header("x-api-key")] api_key: String,
///     #[param("org")] organisation: String,
///     db: State<Db>,
/// }
/// # #[get("/orgs/:org/members")]
/// # async fn members(listing: Listing, org: String) -> String {
/// #     let Listing { page, limit, api_key, organisation, db: State(Db) } = listing;
/// #     assert_eq!(organisation, org);
/// #     format!("{organisation}: page {page:?}, {limit} per page, key {api_key}")
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// #     let client = velocy::test::TestClient::new(App::new().state(Db).routes(routes![members]));
/// #     client
/// #         .get("/orgs/acme/members?per_page=20")
/// #         .header("x-api-key", "k1")
/// #         .await
/// #         .assert_status(200)
/// #         .assert_text("acme: page None, 20 per page, key k1");
/// #     client.get("/orgs/acme/members?per_page=20").await.assert_status(400);
/// #     client.get("/orgs/acme/members").header("x-api-key", "k1").await.assert_status(400);
/// # }
/// ```
#[proc_macro_derive(FromRequestParts, attributes(query, header, param, body))]
pub fn derive_from_request_parts(input: TokenStream) -> TokenStream {
    derive::expand_from_request_parts(input.into()).into()
}

/// Derives `FromRequest` for a struct with one `#[body]` field and any number of head fields.
///
/// The head fields take the attributes of [`derive@FromRequestParts`] and are read first; the `#[body]`
/// field's type must implement `FromRequest` and is read last. Exactly one field is `#[body]`.
///
/// ```
/// use velocy::prelude::*;
/// # #[derive(serde::Deserialize, serde::Serialize)]
/// # struct NewUser { name: String }
/// # #[derive(Clone, Default)]
/// # struct Db;
///
/// #[derive(FromRequest)]
/// struct CreateUser {
///     #[header("idempotency-key")] key: Option<String>,
///     db: State<Db>,
///     #[body] input: Json<NewUser>,
/// }
/// # #[post("/users")]
/// # async fn create_user(request: CreateUser) -> String {
/// #     let CreateUser { key, db: State(Db), input: Json(input) } = request;
/// #     format!("{} (key {key:?})", input.name)
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// #     let client = velocy::test::TestClient::new(App::new().state(Db).routes(routes![create_user]));
/// #     let ada = NewUser { name: "Ada".into() };
/// #     client
/// #         .post("/users")
/// #         .header("idempotency-key", "k1")
/// #         .json(&ada)
/// #         .await
/// #         .assert_text(r#"Ada (key Some("k1"))"#);
/// #     client.post("/users").json(&ada).await.assert_text("Ada (key None)");
/// #     client.post("/users").body("not json").await.assert_status(415);
/// # }
/// ```
#[proc_macro_derive(FromRequest, attributes(query, header, param, body))]
pub fn derive_from_request(input: TokenStream) -> TokenStream {
    derive::expand_from_request(input.into()).into()
}

/// Derives `velocy::multipart::FromMultipart`: a typed `multipart/form-data` form (RFC 7578), extracted
/// with `velocy::multipart::MultipartForm<T>` (which also reads URL-encoded bodies into it).
///
/// Needs a struct with named fields. Each field takes the parts of one form name (the field's name, or
/// `rename`): `Option<T>` at most one (`None` when absent), `Vec<T>` every one in order (not `Vec<u8>`,
/// which is the raw bytes of one part), any other type exactly one (400 naming it when absent, 400 when
/// repeated). `T` implements `velocy::multipart::FromField`: `String`, numbers, `bool`, `char`,
/// `Vec<u8>`, `Bytes`, `TempFile`.
///
/// Field options, `#[multipart(...)]`: `rename = "name"`, `limit = <bytes>` (413 past it),
/// `content_types = ["image/png", "image/*"]` and `extensions = ["png"]` (415 otherwise). Struct option:
/// `#[multipart(deny_unknown_fields)]` (400 for a part no field takes; by default skipped).
///
/// ```
/// use velocy::multipart::{FromMultipart, MultipartForm, TempFile};
///
/// #[derive(FromMultipart)]
/// #[multipart(deny_unknown_fields)]
/// struct Avatar {
///     user: String,
///     #[multipart(rename = "file", limit = 1_048_576, content_types = ["image/*"], extensions = ["png"])]
///     image: TempFile,
/// }
///
/// async fn upload(MultipartForm(avatar): MultipartForm<Avatar>) -> String {
///     format!("{}: {} bytes", avatar.user, avatar.image.size())
/// }
/// # let _ = velocy::Router::new().post("/avatar", upload);
/// ```
///
/// Compile errors: an enum, union, tuple or unit struct; unknown or repeated options; a `limit` that is
/// not an integer literal; a media type that is not `type/subtype` or `type/*`; an extension with a dot;
/// two fields with the same form name; and (from the compiler, at the field's type) a type that is not
/// a `FromField`.
#[proc_macro_derive(FromMultipart, attributes(multipart))]
pub fn derive_from_multipart(input: TokenStream) -> TokenStream {
    derive::expand_from_multipart(input.into()).into()
}

/// Derives `velocy::store::Record` for a struct stored in a table of Velocy's embedded store.
///
/// The struct needs named fields, no generics, and `Serialize`, `Deserialize` and `Clone`. Field
/// attributes:
///
/// * `#[key]`: the primary key (exactly one field); its type implements `Key` (integers, `String`,
///   `Vec<u8>`, `[u8; N]`, tuples of them…);
/// * `#[key(auto)]`: an integer key assigned on insert when it is `0`;
/// * `#[index]`: a secondary index, used by equality and range conditions and by sorting;
/// * `#[unique]`: a unique secondary index (`None` values excepted).
///
/// Indexed fields have an `Indexable` type: integers, floats, `bool`, `char`, `String`, `Vec<u8>`,
/// `[u8; N]`, `Option<T>` and tuples of them. `#[record(table = "users")]` on the struct names the table
/// (default: the struct's name), which is also its name in the store's files.
///
/// Besides the impl, the derive adds one `Field` constant per field, named after it in upper case and as
/// visible as the field: `User::EMAIL` for `email`, which queries take.
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use velocy::store::{Order, Record, Store};
///
/// #[derive(Clone, Serialize, Deserialize, Record)]
/// #[record(table = "users")]
/// struct User {
///     #[key(auto)] id: u64,
///     #[unique] email: String,
///     #[index] age: u32,
///     name: String,
/// }
/// # fn main() -> Result<(), velocy::store::StoreError> {
/// # let users = Store::memory().table::<User>()?;
/// # for (email, age, name) in [("bo@x.io", 12, "Bo"), ("cy@x.io", 40, "Cy"), ("ada@x.io", 36, "Ada")] {
/// #     users.insert(User { id: 0, email: email.into(), age, name: name.into() })?;
/// # }
///
/// let adults = users.query().range(User::AGE, 18..).order_by(User::NAME, Order::Asc).all();
/// # let names: Vec<&str> = adults.iter().map(|user| user.name.as_str()).collect();
/// # assert_eq!(names, ["Ada", "Cy"]);
/// # assert_eq!(<User as Record>::TABLE, "users");
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// Compile errors, each at its token: not a struct with named fields, a generic struct, no `#[key]` or a
/// second one, two marks on one field (`#[key]` with `#[index]`, `#[index]` with `#[unique]`), unknown
/// options, and (from the compiler, at the field's type) a key or indexed field of a type that cannot be
/// indexed.
#[proc_macro_derive(Record, attributes(key, index, unique, record))]
pub fn derive_record(input: TokenStream) -> TokenStream {
    derive::expand_record(input.into()).into()
}

/// Runs an `async fn main` on a multi-threaded tokio runtime, as `#[velocy::main]`.
///
/// The runtime comes from Velocy's own tokio dependency, with I/O and timers enabled, so the application
/// needs no `tokio` dependency of its own. The function keeps its return type, so `?` works in the body.
/// It takes no arguments.
///
/// ```no_run
/// use velocy::prelude::*;
/// # #[get("/")]
/// # async fn index() -> &'static str {
/// #     "Hello"
/// # }
///
/// #[velocy::main]
/// async fn main() -> Result<(), velocy::Error> {
///     App::new().routes(routes![index]).listen("127.0.0.1:3000").await
/// }
/// ```
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    main_attr::expand(args.into(), item.into()).into()
}

/// Runs an `async fn` test on a current-thread tokio runtime, as `#[velocy::test]`.
///
/// The function becomes a `#[test]` that builds the runtime from Velocy's own tokio dependency (I/O and
/// timers enabled) and blocks on the body, so tests need no `tokio` dependency or `#[tokio::test]` either.
/// It keeps its return type (a test returning `Result` can use `?`) and its other attributes
/// (`#[should_panic]`, `#[ignore]`). It takes no arguments, and no `#[test]` of its own.
///
/// Write it with its path, `#[velocy::test]`. `velocy::test` also names the module of `TestClient`: a
/// macro and a module live in different namespaces, so both work, but importing the name (`use
/// velocy::test;`, or `use velocy::*;`) makes a plain `#[test]` in that module mean `#[velocy::test]`;
/// import `velocy::test::TestClient` instead.
///
/// ```
/// use velocy::prelude::*;
/// use velocy::test::TestClient;
///
/// #[get("/hello/:name")]
/// async fn hello(name: String) -> String {
///     format!("Hello, {name}!")
/// }
///
/// #[velocy::test]
/// async fn greets_by_name() {
///     let client = TestClient::new(App::new().routes(routes![hello]));
///     client.get("/hello/ada").await.assert_status(200).assert_text("Hello, ada!");
/// }
///
/// #[velocy::test]
/// async fn unknown_paths_are_404() -> Result<(), velocy::Error> {
///     let client = TestClient::new(App::new().routes(routes![hello]));
///     client.get("/bye").await.assert_status(404);
///     Ok(())
/// }
/// # fn main() {}
/// ```
///
/// # Errors
///
/// Compile errors for arguments to the attribute, a function that is not `async`, takes arguments or is
/// generic, and a `#[test]` or `#[tokio::test]` next to it.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    main_attr::expand_test(args.into(), item.into()).into()
}
