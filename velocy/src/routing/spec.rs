//! What the route macros emit: a constant [`RouteSpec`] per handler, the [`RouteDef`] trait that names it,
//! and [`RouteRegistration`], the link-time registry `App::discover` reads.

use crate::extract::Requirements;
use crate::handler::HandlerFn;

/// A route as a route macro describes it at compile time.
#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    /// Method names, such as `"GET"`, or custom tokens.
    pub methods: &'static [&'static str],
    /// The route pattern.
    pub path: &'static str,
    /// The pattern with parameter names erased (`/users/:`), for compile-time duplicate checks.
    pub shape: &'static str,
    /// The handler's name.
    pub name: &'static str,
    /// `module_path!()` of the handler.
    pub module_path: &'static str,
    /// `file!()` of the handler.
    pub file: &'static str,
    /// `line!()` of the handler.
    pub line: u32,
    /// `column!()` of the handler.
    pub column: u32,
    /// The generated entry point.
    pub handler: HandlerFn,
    /// Records what the handler's extractors need from the app.
    pub requirements: fn(&mut Requirements),
    /// The route's own middleware, outermost first (`middleware = [a, b]`).
    pub middleware: &'static [fn() -> std::sync::Arc<dyn crate::middleware::Middleware>],
    /// Media types the route produces, chosen among by `Accept` (`produces = "application/json"`).
    pub produces: &'static [&'static str],
    /// Media types the route consumes, checked against `Content-Type` (`consumes = "application/json"`).
    pub consumes: &'static [&'static str],
}

/// Implemented by the hidden type a route macro generates beside the handler, so `routes![handler]` can
/// find the handler's [`RouteSpec`] by the handler's name.
pub trait RouteDef {
    /// The route.
    const SPEC: &'static RouteSpec;
}

/// One route registered at link time by a route macro; [`App::discover`](crate::App::discover) collects
/// them all.
#[derive(Debug)]
pub struct RouteRegistration {
    pub(crate) spec: &'static RouteSpec,
}

impl RouteRegistration {
    /// Registers `spec`.
    pub const fn new(spec: &'static RouteSpec) -> Self {
        Self { spec }
    }
}

inventory::collect!(RouteRegistration);

const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut index = 0;
    while index < a.len() {
        if a[index] != b[index] {
            return false;
        }
        index += 1;
    }
    true
}

/// Whether two media-type lists can both answer a request: an empty list accepts anything.
const fn lists_overlap(a: &[&str], b: &[&str]) -> bool {
    if a.is_empty() || b.is_empty() {
        return true;
    }
    let mut i = 0;
    while i < a.len() {
        let mut j = 0;
        while j < b.len() {
            if same_text(a[i], b[j]) {
                return true;
            }
            j += 1;
        }
        i += 1;
    }
    false
}

/// Whether two routes would conflict: the same shape, a shared method, and `produces`/`consumes` lists
/// that do not tell them apart (the same rule the route table applies). Evaluated at compile time by
/// `routes![]`.
pub const fn routes_overlap(a: &RouteSpec, b: &RouteSpec) -> bool {
    if !same_text(a.shape, b.shape)
        || !lists_overlap(a.produces, b.produces)
        || !lists_overlap(a.consumes, b.consumes)
    {
        return false;
    }
    let mut i = 0;
    while i < a.methods.len() {
        let mut j = 0;
        while j < b.methods.len() {
            if same_text(a.methods[i], b.methods[j]) {
                return true;
            }
            j += 1;
        }
        i += 1;
    }
    false
}
