//! The compiled route table: every route validated and inserted into the trie, built once when the app is
//! built. Building reports *all* problems at once — invalid patterns, conflicting routes (naming both
//! declarations), missing state — so a broken table never serves.

use std::fmt::{self, Write as _};
use std::sync::Arc;

use http::{HeaderValue, Method, StatusCode};

use super::host::{parse_request_host, HostPattern};
use super::method::MethodMap;
use super::options::{RoutingOptions, TrailingSlash};
use super::pattern;
use super::route::{Route, RouteInfo};
use super::router::Scope;
use super::Trie;
use crate::error::BuildProblem;
use crate::extract::{Provided, Requirements};
use crate::handler::RouteHandler;
use crate::lifecycle::Interceptors;
use crate::middleware::{Endpoint, Middleware};
use crate::negotiation::{accept_ranges, quality_of};
use crate::request::ParamSpans;
use crate::request::{RequestParts, RouteData};
use crate::response::IntoResponse;

/// A route in the compiled table.
pub(crate) struct CompiledRoute {
    pub(crate) info: RouteInfo,
    /// The pattern (shared: hooks get it per request without copying the text) and parameter names.
    pub(crate) data: RouteData,
    pub(crate) endpoint: Endpoint,
    pub(crate) interceptors: Option<Interceptors>,
    /// What runs for a CORS preflight routed to this route: only its middleware that answers preflights,
    /// then the routing's `204` with the path's `Allow`. Set once the table is complete.
    preflight: Option<Endpoint>,
    /// The route's chain has middleware that answers preflights.
    answers_preflight: bool,
}

/// What routing found for a CORS preflight ([`RouteTable::preflight`]).
pub(crate) struct Preflight<'t> {
    /// The path's `Allow` value.
    pub(crate) allow: Option<&'t HeaderValue>,
    /// The route for the requested method, its preflight endpoint, and whether its chain answers
    /// preflights; `None` when the path has no route for that method.
    pub(crate) route: Option<(u32, &'t Endpoint, bool)>,
}

/// Which middleware of an app answer CORS preflights
/// ([`Middleware::answers_preflight`](crate::middleware::Middleware::answers_preflight)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PreflightAnswerers {
    /// None: preflights are routed like any `OPTIONS` request.
    Nobody,
    /// Some in the chains of routes, none global.
    Routes,
    /// A global one (and maybe some in routes' chains).
    Global,
}

/// The routes of the app, ready to match.
pub(crate) struct RouteTable {
    routes: Vec<CompiledRoute>,
    /// Routes that answer on any host.
    default: Tree,
    /// Routes of virtual hosts, most specific pattern first.
    hosts: Vec<(HostPattern, Tree)>,
    /// Answers requests whose host matches no pattern, when set.
    no_host: Option<Endpoint>,
    scopes: Vec<(String, Interceptors)>,
    options: RoutingOptions,
    /// The methods outside RFC 9110's that some route answers; any other unknown method answers 501.
    extension_methods: Vec<Method>,
    /// Who answers preflights: routes' chains once the table is built, global middleware once the app
    /// has told the table its global chain ([`RouteTable::note_global_middleware`]).
    preflight_answerers: PreflightAnswerers,
}

/// One trie with the method maps of its paths.
#[derive(Default)]
struct Tree {
    trie: Trie<u32>,
    endpoints: Vec<MethodMap>,
}

/// What routing found for a request.
pub(crate) enum Lookup<'t> {
    /// A route answers; `negotiated` when it was chosen by `Accept` among several or declares `produces`.
    Found { route: u32, endpoint: &'t Endpoint, negotiated: bool },
    /// The path exists but not for this method; `OPTIONS` is answered with `Allow`, others get 405.
    MethodNotAllowed { allow: Option<&'t HeaderValue> },
    /// The route(s) produce nothing the client accepts (406); lists what is available.
    NotAcceptable { available: Vec<&'t str> },
    /// The route(s) consume none of the request's `Content-Type` (415); lists what is accepted.
    UnsupportedMediaType { accepted: Vec<&'t str> },
    /// No route matches the path.
    NotFound,
    /// No route of the app uses the method, and it is not one of RFC 9110's (501, §9.1).
    NotImplemented,
    /// The path matches only with a trailing slash added or removed; redirect here (308).
    Redirect { location: String },
    /// The `Host` is malformed (400).
    BadHost { reason: String },
    /// The host matches no virtual host: the app's no-host handler answers.
    NoHost { endpoint: &'t Endpoint },
}

/// A route as problems name it: `METHODS pattern (handler)`.
fn route_label(info: &RouteInfo) -> String {
    let methods: Vec<&str> = info.methods.iter().map(Method::as_str).collect();
    format!("{} {} ({})", methods.join(","), info.pattern, info.name)
}

/// Whether `method` is one of the methods RFC 9110 §9 and RFC 5789 (`PATCH`) define.
fn is_standard_method(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET
            | Method::HEAD
            | Method::POST
            | Method::PUT
            | Method::DELETE
            | Method::OPTIONS
            | Method::PATCH
            | Method::CONNECT
            | Method::TRACE
    )
}

fn overlap(a: &[String], b: &[String]) -> bool {
    a.is_empty() || b.is_empty() || a.iter().any(|x| b.iter().any(|y| x.eq_ignore_ascii_case(y)))
}

impl RouteTable {
    /// Validates and compiles `routes`. Every problem is collected; the error lists them all.
    pub(crate) fn build(
        routes: Vec<Route>,
        scopes: Vec<Scope>,
        provided: Provided<'_>,
        options: RoutingOptions,
        no_host: Option<Endpoint>,
    ) -> Result<Self, Vec<BuildProblem>> {
        let scopes = scopes.into_iter().map(|scope| (scope.prefix, Arc::from(scope.interceptors))).collect();
        let mut table = Self {
            routes: Vec::new(),
            default: Tree::default(),
            hosts: Vec::new(),
            no_host,
            scopes,
            options,
            extension_methods: Vec::new(),
            preflight_answerers: PreflightAnswerers::Nobody,
        };
        let mut problems = Vec::new();
        let mut slots = Vec::new();
        for route in routes {
            match table.add(route, provided) {
                Ok(slot) => slots.push(slot),
                Err(mut found) => problems.append(&mut found),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        for tree in std::iter::once(&mut table.default).chain(table.hosts.iter_mut().map(|(_, tree)| tree)) {
            debug_assert_eq!(tree.trie.len(), tree.endpoints.len());
            for endpoint in &mut tree.endpoints {
                endpoint.seal();
            }
        }
        // Before the hosts are sorted: a slot names its tree by its index in registration order.
        for (route, (host, endpoint)) in table.routes.iter_mut().zip(slots) {
            let tree = match host {
                None => &table.default,
                Some(index) => &table.hosts[index].1,
            };
            let allow = tree.endpoints[endpoint as usize].allow().cloned();
            let answering: Vec<Arc<dyn Middleware>> = route
                .endpoint
                .chain
                .iter()
                .flat_map(|chain| chain.iter())
                .filter(|middleware| middleware.answers_preflight())
                .cloned()
                .collect();
            route.answers_preflight = !answering.is_empty();
            if route.answers_preflight {
                table.preflight_answerers = PreflightAnswerers::Routes;
            }
            let chain = (!answering.is_empty()).then(|| Arc::from(answering));
            route.preflight = Some(Endpoint { chain, handler: options_answer(allow) });
        }
        table.hosts.sort_by_key(|(pattern, _)| pattern.specificity());
        Ok(table)
    }

    /// Adds `route`; on success returns where its path's method map is: the index of its virtual host in
    /// registration order (`None`: the default tree) and the map's index in that tree.
    fn add(
        &mut self,
        route: Route,
        provided: Provided<'_>,
    ) -> Result<(Option<usize>, u32), Vec<BuildProblem>> {
        let Route { info, handler, requirements, middleware, interceptors } = route;
        let label = route_label(&info);
        let problem = |message: String| BuildProblem::for_route(label.clone(), info.location, message);
        let mut problems: Vec<BuildProblem> = info.problems.iter().cloned().map(problem).collect();
        problems.extend(requirements.unmet(provided).into_iter().map(problem));
        for layer in &middleware {
            let mut needs = Requirements::default();
            layer.requirements(&mut needs);
            let name = layer.name();
            problems.extend(
                needs
                    .unmet(provided)
                    .into_iter()
                    .map(|unmet| problem(format!("its middleware `{name}` {unmet}"))),
            );
        }
        if info.methods.is_empty() {
            problems.push(problem("the route has no method".to_owned()));
        }
        for media_type in info.produces.iter().chain(&info.consumes) {
            if media_type.parse::<mime::Mime>().map_or(true, |parsed| parsed.type_() == mime::STAR) {
                problems
                    .push(problem(format!("{media_type:?} is not a media type such as `application/json`")));
            }
        }
        if self.options.case_insensitive && info.pattern.bytes().any(|byte| byte.is_ascii_uppercase()) {
            let static_upper = pattern::parse(&info.pattern).is_ok_and(|parsed| {
                parsed.segments.iter().any(|segment| {
                    matches!(segment.kind, pattern::SegmentKind::Static(text) if text.bytes().any(|b| b.is_ascii_uppercase()))
                })
            });
            if static_upper {
                problems.push(problem(
                    "routing is case-insensitive, so static segments must be lowercase".to_owned(),
                ));
            }
        }
        let (tree, host_index) = match &info.host {
            None => (&mut self.default, None),
            Some(host) => match HostPattern::parse(host) {
                Ok(parsed) => match self.hosts.iter().position(|(existing, _)| *existing == parsed) {
                    Some(index) => (&mut self.hosts[index].1, Some(index)),
                    None => {
                        self.hosts.push((parsed, Tree::default()));
                        let last = self.hosts.len() - 1;
                        (&mut self.hosts[last].1, Some(last))
                    }
                },
                Err(error) => {
                    problems.push(problem(error.to_string()));
                    return Err(problems);
                }
            },
        };
        let parsed = match pattern::parse(&info.pattern) {
            Ok(parsed) => parsed,
            Err(errors) => {
                for error in errors {
                    let mut message = format!("invalid pattern {:?}: {}", info.pattern, error.message);
                    if let Some(help) = error.help {
                        let _ = write!(message, " (help: {help})");
                    }
                    problems.push(problem(message));
                }
                return Err(problems);
            }
        };
        let param_names: Box<[Box<str>]> = parsed.params().map(Box::from).collect();
        let route_id = self.routes.len() as u32;
        let endpoint_id = tree.endpoints.len() as u32;
        let endpoint = match tree.trie.insert(&parsed, endpoint_id) {
            Ok(()) => {
                tree.endpoints.push(MethodMap::default());
                endpoint_id
            }
            Err(super::trie::InsertError::Conflict { existing }) => *existing,
            Err(super::trie::InsertError::InvalidRegex { message, span }) => {
                let regex = info.pattern.get(span).unwrap_or_default();
                problems.push(problem(format!("invalid regex constraint `{regex}`: {message}")));
                return Err(problems);
            }
        };
        for method in &info.methods {
            for &previous in tree.endpoints[endpoint as usize].get(method) {
                let previous = &self.routes[previous as usize].info;
                if overlap(&previous.produces, &info.produces) && overlap(&previous.consumes, &info.consumes)
                {
                    problems.push(problem(format!(
                        "route conflict with {previous}: both handle {method} {}",
                        info.pattern
                    )));
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        for method in &info.methods {
            tree.endpoints[endpoint as usize].insert(method.clone(), route_id);
            if !is_standard_method(method) && !self.extension_methods.contains(method) {
                self.extension_methods.push(method.clone());
            }
        }
        let chain = (!middleware.is_empty()).then(|| Arc::from(middleware));
        let interceptors = (!interceptors.is_empty()).then(|| Arc::from(interceptors));
        self.routes.push(CompiledRoute {
            data: RouteData { pattern: Arc::from(info.pattern.as_str()), param_names },
            info,
            endpoint: Endpoint { chain, handler },
            interceptors,
            preflight: None,
            answers_preflight: false,
        });
        Ok((host_index, endpoint))
    }

    /// Routes the request `head`, filling `params` with the parameter spans.
    pub(crate) fn lookup(
        &self,
        head: &http::request::Parts,
        matching_path: Option<&str>,
        params: &mut ParamSpans,
    ) -> Lookup<'_> {
        let methods = match self.locate(head, matching_path, params) {
            Ok(methods) => methods,
            Err(lookup) => return lookup,
        };
        let mut candidates = methods.get(&head.method);
        if candidates.is_empty() && head.method == Method::HEAD {
            candidates = methods.get(&Method::GET);
        }
        match candidates {
            [] => Lookup::MethodNotAllowed { allow: methods.allow() },
            [only] if self.routes[*only as usize].is_plain() => Lookup::Found {
                route: *only,
                endpoint: &self.routes[*only as usize].endpoint,
                negotiated: false,
            },
            several => self.negotiate(several, &head.headers),
        }
    }

    /// Who answers CORS preflights in the app, known once the app is built.
    /// [`PreflightAnswerers::Nobody`] lets routing skip the preflight branch.
    #[inline]
    pub(crate) fn preflight_answerers(&self) -> PreflightAnswerers {
        self.preflight_answerers
    }

    /// Takes the app's global middleware into account for [`RouteTable::preflight_answerers`]; called once
    /// by [`App::build`](crate::App::build).
    pub(crate) fn note_global_middleware(&mut self, global: &[Arc<dyn Middleware>]) {
        if global.iter().any(|middleware| middleware.answers_preflight()) {
            self.preflight_answerers = PreflightAnswerers::Global;
        }
    }

    /// Routes a CORS preflight for the path of `head` as if it were a `method` request, ignoring
    /// content negotiation (a preflight carries neither the `Content-Type` nor the `Accept` of the actual
    /// request): among the routes for `method`, the first whose chain answers preflights, else the first.
    /// `None` when the path itself does not resolve (404, a redirect, a bad host…): route as usual.
    #[cold]
    pub(crate) fn preflight(
        &self,
        head: &http::request::Parts,
        matching_path: Option<&str>,
        params: &mut ParamSpans,
        method: Option<&Method>,
    ) -> Option<Preflight<'_>> {
        let methods = self.locate(head, matching_path, params).ok()?;
        let mut candidates = method.map_or(&[][..], |method| methods.get(method));
        if candidates.is_empty() && method == Some(&Method::HEAD) {
            candidates = methods.get(&Method::GET);
        }
        let chosen = candidates
            .iter()
            .find(|&&id| self.routes[id as usize].answers_preflight)
            .or_else(|| candidates.first());
        let route = chosen.and_then(|&id| {
            let route = &self.routes[id as usize];
            route.preflight.as_ref().map(|endpoint| (id, endpoint, route.answers_preflight))
        });
        Some(Preflight { allow: methods.allow(), route })
    }

    /// The method map of the path `head` addresses, or what answers when the path does not resolve.
    #[inline(always)]
    fn locate(
        &self,
        head: &http::request::Parts,
        matching_path: Option<&str>,
        params: &mut ParamSpans,
    ) -> Result<&MethodMap, Lookup<'_>> {
        if !is_standard_method(&head.method) && !self.extension_methods.contains(&head.method) {
            return Err(Lookup::NotImplemented);
        }
        let tree = if self.hosts.is_empty() {
            &self.default
        } else {
            match self.tree_for_host(head) {
                Ok(Some(tree)) => tree,
                Ok(None) => match &self.no_host {
                    Some(endpoint) => return Err(Lookup::NoHost { endpoint }),
                    None => &self.default,
                },
                Err(reason) => return Err(Lookup::BadHost { reason }),
            }
        };
        let path = matching_path.unwrap_or_else(|| head.uri.path());
        let endpoint = match tree.trie.at(path, params) {
            Some(&endpoint) => endpoint,
            None => self.retry(tree, path, head.uri.query(), params)?,
        };
        Ok(&tree.endpoints[endpoint as usize])
    }

    /// The tree of the virtual host the request addressed; `Ok(None)` when no pattern matches.
    fn tree_for_host(&self, head: &http::request::Parts) -> Result<Option<&Tree>, String> {
        let text = match head.uri.authority() {
            Some(authority) => authority.as_str(),
            None => match head.headers.get(http::header::HOST) {
                Some(value) => {
                    value.to_str().map_err(|_| "the `Host` header is not visible ASCII".to_owned())?
                }
                None => return Ok(None),
            },
        };
        let text = text.rsplit_once('@').map_or(text, |(_, host)| host);
        let (host, port) = parse_request_host(text).map_err(|reason| format!("invalid `Host`: {reason}"))?;
        let port = port.unwrap_or(self.options.default_port);
        Ok(self
            .hosts
            .iter()
            .find(|(pattern, _)| pattern.matches(&host, port, self.options.default_port))
            .map(|(_, tree)| tree))
    }

    /// Retries a path that matched nothing under the case-insensitive and trailing-slash options.
    fn retry(
        &self,
        tree: &Tree,
        path: &str,
        query: Option<&str>,
        params: &mut ParamSpans,
    ) -> Result<u32, Lookup<'_>> {
        let lowered;
        let mut path = path;
        if self.options.case_insensitive && path.bytes().any(|byte| byte.is_ascii_uppercase()) {
            // ASCII lowercasing keeps every byte offset, so parameter spans still index the real path and
            // parameters keep their case.
            lowered = path.to_ascii_lowercase();
            if let Some(&endpoint) = tree.trie.at(&lowered, params) {
                return Ok(endpoint);
            }
            path = &lowered;
        }
        // Patterns never end in `/` (the grammar refuses it), so the only retry is without the slash.
        let trimmed = match path.strip_suffix('/') {
            Some(trimmed) if self.options.trailing_slash != TrailingSlash::Strict && !trimmed.is_empty() => {
                trimmed
            }
            _ => return Err(Lookup::NotFound),
        };
        let Some(&endpoint) = tree.trie.at(trimmed, params) else { return Err(Lookup::NotFound) };
        let alternative = trimmed.to_owned();
        match self.options.trailing_slash {
            TrailingSlash::Redirect => {
                let location = match query {
                    Some(query) => format!("{alternative}?{query}"),
                    None => alternative,
                };
                Err(Lookup::Redirect { location })
            }
            _ => Ok(endpoint),
        }
    }

    /// Chooses among routes that declare `consumes`/`produces` (RFC 9110 §12.5.1 for `Accept`).
    fn negotiate(&self, candidates: &[u32], headers: &http::HeaderMap) -> Lookup<'_> {
        let content_type = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|text| text.parse::<mime::Mime>().ok());
        let consumable: Vec<u32> = candidates
            .iter()
            .copied()
            .filter(|&id| {
                let consumes = &self.routes[id as usize].info.consumes;
                consumes.is_empty()
                    || content_type.as_ref().is_some_and(|found| {
                        consumes.iter().any(|accepted| found.essence_str().eq_ignore_ascii_case(accepted))
                    })
            })
            .collect();
        if consumable.is_empty() {
            let accepted = candidates
                .iter()
                .flat_map(|&id| self.routes[id as usize].info.consumes.iter().map(String::as_str))
                .collect();
            return Lookup::UnsupportedMediaType { accepted };
        }
        let ranges = accept_ranges(headers);
        let mut best: Option<(u32, u16)> = None;
        for &id in &consumable {
            let produces = &self.routes[id as usize].info.produces;
            let quality = if produces.is_empty() {
                1
            } else {
                produces.iter().map(|media| quality_of(&ranges, media)).max().unwrap_or(0)
            };
            if quality > 0 && best.is_none_or(|(_, current)| quality > current) {
                best = Some((id, quality));
            }
        }
        match best {
            Some((route, _)) => {
                Lookup::Found { route, endpoint: &self.routes[route as usize].endpoint, negotiated: true }
            }
            None => Lookup::NotAcceptable {
                available: consumable
                    .iter()
                    .flat_map(|&id| self.routes[id as usize].info.produces.iter().map(String::as_str))
                    .collect(),
            },
        }
    }

    /// The interceptors scoped to the request: its route's routers', or for an unrouted request those of
    /// the nested router with the longest prefix containing its path.
    pub(crate) fn interceptors_for(&self, parts: &RequestParts) -> Option<Interceptors> {
        if let Some(route) = parts.route {
            return self.routes[route].interceptors.clone();
        }
        let path = parts.path();
        self.scopes
            .iter()
            .filter(|(prefix, _)| {
                path.starts_with(prefix.as_str())
                    && (path.len() == prefix.len()
                        || path.as_bytes()[prefix.len()] == b'/'
                        || prefix.is_empty())
            })
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, interceptors)| Arc::clone(interceptors))
    }

    /// The routing options.
    pub(crate) fn options(&self) -> &RoutingOptions {
        &self.options
    }

    /// Whether any router declared interceptors.
    pub(crate) fn has_scoped_interceptors(&self) -> bool {
        !self.scopes.is_empty()
    }

    /// What requests learn about each route, indexed by route id.
    pub(crate) fn route_data(&self) -> Box<[RouteData]> {
        self.routes.iter().map(|route| route.data.clone()).collect()
    }

    /// Every route, in registration order.
    pub(crate) fn routes(&self) -> impl Iterator<Item = &RouteInfo> {
        self.routes.iter().map(|route| &route.info)
    }

    /// The tries as text: the default one, then one per virtual host.
    pub(crate) fn tree_text(&self) -> String {
        let mut text = self.default.trie.to_string();
        for (pattern, tree) in &self.hosts {
            let _ = write!(text, "\nhost {pattern}:\n{}", tree.trie);
        }
        text
    }
}

/// The routing's answer to `OPTIONS` for a path without an `OPTIONS` route (RFC 9110 §9.3.7), as the
/// end of a preflight's chain: `204` with the path's `Allow`.
fn options_answer(allow: Option<HeaderValue>) -> RouteHandler {
    RouteHandler::Erased(crate::handler::erase(move || {
        let allow = allow.clone();
        async move {
            let mut response = StatusCode::NO_CONTENT.into_response();
            if let Some(allow) = allow {
                response.headers_mut().insert(http::header::ALLOW, allow);
            }
            response
        }
    }))
}

impl CompiledRoute {
    /// Whether the route declares neither `produces` nor `consumes`.
    fn is_plain(&self) -> bool {
        self.info.produces.is_empty() && self.info.consumes.is_empty()
    }
}

impl fmt::Debug for RouteTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.routes()).finish()
    }
}
