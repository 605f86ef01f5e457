//! The compiled route table: every route validated and inserted into the trie, built once when the app is
//! built. Building reports *all* problems at once — invalid patterns, conflicting routes (naming both
//! declarations), missing state — so a broken table never serves.

use std::fmt::{self, Write as _};

use http::Method;

use super::method::MethodMap;
use super::pattern;
use super::route::{Route, RouteHandler, RouteInfo};
use super::{ParamSpans, Trie};
use crate::app::StateMap;

/// A route in the compiled table.
pub(crate) struct CompiledRoute {
    pub(crate) info: RouteInfo,
    pub(crate) param_names: Box<[Box<str>]>,
    pub(crate) handler: RouteHandler,
}

/// The routes of the app, ready to match.
pub(crate) struct RouteTable {
    trie: Trie<u32>,
    endpoints: Vec<MethodMap>,
    routes: Vec<CompiledRoute>,
}

/// What routing found for a request.
pub(crate) enum Lookup<'t> {
    /// A route answers the method.
    Found {
        route: u32,
        handler: &'t RouteHandler,
    },
    /// `HEAD` on a path with only `GET`: serve `GET` and drop the body.
    HeadViaGet {
        route: u32,
        handler: &'t RouteHandler,
    },
    /// The path exists but not for this method; `OPTIONS` is answered with `Allow`, others get 405.
    MethodNotAllowed {
        allow: Option<&'t http::HeaderValue>,
    },
    /// No route matches the path.
    NotFound,
}

impl RouteTable {
    /// Validates and compiles `routes`. Every problem is collected; the error lists them all.
    pub(crate) fn build(routes: Vec<Route>, state: &StateMap) -> Result<Self, Vec<String>> {
        let mut table = Self {
            trie: Trie::new(),
            endpoints: Vec::new(),
            routes: Vec::new(),
        };
        let mut problems = Vec::new();
        for route in routes {
            if let Err(mut found) = table.add(route, state) {
                problems.append(&mut found);
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        debug_assert_eq!(table.trie.len(), table.endpoints.len());
        for endpoint in &mut table.endpoints {
            endpoint.seal();
        }
        Ok(table)
    }

    fn add(&mut self, route: Route, state: &StateMap) -> Result<(), Vec<String>> {
        let Route {
            info,
            handler,
            requirements,
        } = route;
        let mut problems: Vec<String> = info
            .problems
            .iter()
            .map(|problem| format!("{info}: {problem}"))
            .collect();
        for (id, type_name) in &requirements.states {
            if !state.contains(*id) {
                problems.push(format!(
                    "{info}: uses `State<{type_name}>` but the app provides no state of that type; add \
                     `.state(value)` to the App"
                ));
            }
        }
        if info.methods.is_empty() {
            problems.push(format!("{info}: the route has no method"));
        }
        let parsed = match pattern::parse(&info.pattern) {
            Ok(parsed) => parsed,
            Err(errors) => {
                for error in errors {
                    let mut message = format!(
                        "{info}: invalid pattern {:?}: {}",
                        info.pattern, error.message
                    );
                    if let Some(help) = error.help {
                        let _ = write!(message, " (help: {help})");
                    }
                    problems.push(message);
                }
                return Err(problems);
            }
        };
        let param_names: Box<[Box<str>]> = parsed.params().map(Box::from).collect();
        let route_id = self.routes.len() as u32;
        let endpoint_id = self.endpoints.len() as u32;
        let endpoint = match self.trie.insert(&parsed, endpoint_id) {
            Ok(()) => {
                self.endpoints.push(MethodMap::default());
                endpoint_id
            }
            Err(super::trie::InsertError::Conflict { existing }) => *existing,
            Err(super::trie::InsertError::InvalidRegex { message, span }) => {
                let regex = info.pattern.get(span).unwrap_or_default();
                problems.push(format!(
                    "{info}: invalid regex constraint `{regex}`: {message}"
                ));
                return Err(problems);
            }
        };
        for method in &info.methods {
            if let Some(previous) =
                self.endpoints[endpoint as usize].insert(method.clone(), route_id)
            {
                let previous = &self.routes[previous as usize].info;
                problems.push(format!(
                    "route conflict: {info} and {previous} both handle {method} {}",
                    info.pattern
                ));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        self.routes.push(CompiledRoute {
            info,
            param_names,
            handler,
        });
        Ok(())
    }

    /// Routes `method` and `path`, filling `params` with the parameter spans.
    pub(crate) fn lookup(
        &self,
        method: &Method,
        path: &str,
        params: &mut ParamSpans,
    ) -> Lookup<'_> {
        let Some(&endpoint) = self.trie.at(path, params) else {
            return Lookup::NotFound;
        };
        let endpoint = &self.endpoints[endpoint as usize];
        if let Some(route) = endpoint.get(method) {
            return Lookup::Found {
                route,
                handler: &self.routes[route as usize].handler,
            };
        }
        if *method == Method::HEAD {
            if let Some(route) = endpoint.get(&Method::GET) {
                return Lookup::HeadViaGet {
                    route,
                    handler: &self.routes[route as usize].handler,
                };
            }
        }
        Lookup::MethodNotAllowed {
            allow: endpoint.allow(),
        }
    }

    /// The compiled route with id `index`.
    pub(crate) fn endpoint(&self, index: usize) -> &CompiledRoute {
        &self.routes[index]
    }

    /// Every route, in registration order.
    pub(crate) fn routes(&self) -> impl Iterator<Item = &RouteInfo> {
        self.routes.iter().map(|route| &route.info)
    }

    /// The trie, for printing.
    pub(crate) fn trie(&self) -> &Trie<u32> {
        &self.trie
    }
}

impl CompiledRoute {
    /// The route's pattern.
    pub(crate) fn pattern(&self) -> &str {
        &self.info.pattern
    }

    /// The route's parameter names in pattern order.
    pub(crate) fn param_names(&self) -> &[Box<str>] {
        &self.param_names
    }
}

impl fmt::Debug for RouteTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.routes()).finish()
    }
}
