//! Every runtime item the generated code names, spelled once.
//!
//! Generated code reaches the runtime only through `::velocy::__private`, so users never depend on
//! `inventory` or `tokio` themselves and the runtime can move things without breaking the macros. No other
//! file of this crate writes a `::velocy` path.
//!
//! Each function takes the span the path should carry. Most callers pass [`Span::call_site`]; trait-bound
//! checks pass the span of the user's type, so that an unsatisfied bound is reported on that type.

use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;

/// `::velocy::__private`.
fn private(span: Span) -> TokenStream {
    quote_spanned!(span=> ::velocy::__private)
}

/// Defines one function per runtime item, each returning `::velocy::__private::<path>` at a span.
macro_rules! runtime_paths {
    ($($(#[$doc:meta])* $name:ident => $($segment:ident)::+;)+) => {
        $(
            $(#[$doc])*
            pub(crate) fn $name(span: Span) -> TokenStream {
                let private = private(span);
                quote_spanned!(span=> #private $(:: $segment)+)
            }
        )+
    };
}

runtime_paths! {
    /// The request handed to a route handler.
    request => Request;
    /// The request head.
    request_parts => RequestParts;
    /// The request body.
    body => Body;
    /// The response type.
    response => Response;
    /// `Pin<Box<dyn Future + Send>>`.
    box_future => BoxFuture;
    /// The adapter over both extractor traits.
    extract => Extract;
    /// Parses one path parameter, query value or header.
    from_param => FromParam;
    /// The trait derived by `#[derive(FromRequestParts)]`.
    from_request_parts => FromRequestParts;
    /// The trait derived by `#[derive(FromRequest)]`.
    from_request => FromRequest;
    /// What routes need from the app.
    requirements => Requirements;
    /// A path parameter by index, parsed with `FromParam`.
    path_param => path_param;
    /// A path parameter by name, parsed with `FromParam`.
    path_param_by_name => path_param_by_name;
    /// A query value, parsed with `FromParam`.
    query_value => query_value;
    /// Every value of a repeated query key, parsed.
    query_values => query_values;
    /// A header value, parsed with `FromParam`.
    header_value => header_value;
    /// The 400 for a missing query parameter.
    missing_query => missing_query;
    /// The 400 for a missing header.
    missing_header => missing_header;
    /// The error for a missing path parameter.
    missing_path_param => missing_path_param;
    /// Turns a handler's return value into the response for the request.
    respond => respond;
    /// Everything a route registers.
    route_spec => RouteSpec;
    /// Ties a handler's hidden type to its spec.
    route_def => RouteDef;
    /// The inventory entry of one route.
    route_registration => RouteRegistration;
    /// Whether two specs handle a common method on the same shape.
    routes_overlap => routes_overlap;
    /// A route built from a spec.
    route => Route;
    /// The middleware trait.
    middleware => Middleware;
    /// The rest of a middleware chain.
    next => Next;
    /// Turns a `middleware = [..]` element into a shared middleware.
    into_middleware => into_middleware;
    /// Converts a value into the response.
    into_response => IntoResponse;
    /// The trait derived by `#[derive(Record)]`.
    store_record => store::Record;
    /// A typed handle on a record's field.
    store_field => store::Field;
    /// One secondary index of a record.
    store_index_info => store::IndexInfo;
    /// A value with an order-preserving encoding.
    store_indexable => store::Indexable;
    /// An indexed field's value, checked to be indexable.
    store_index_value => store::index_value;
    /// Checks that a `#[key(auto)]` key is an integer.
    store_auto_increment => store::auto_increment;
    /// What `#[derive(FromMultipart)]` calls (`velocy::multipart::__derive`).
    multipart_derive => multipart;
    /// The re-exported `inventory` crate.
    inventory => inventory;
    /// The re-exported `tokio` crate.
    tokio => tokio;
    /// The re-exported `std` crate.
    std => std;
}
