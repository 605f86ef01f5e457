//! Method dispatch for one path: which routes answer which method, and the `Allow` header
//! (RFC 9110 §10.2.1).

use http::{HeaderValue, Method};

/// The routes of one path, by method. The seven common methods have fixed slots, so dispatch is an index,
/// not a search. A slot holds several routes only when they differ by `produces`/`consumes`.
#[derive(Debug, Default)]
pub(crate) struct MethodMap {
    common: [Vec<u32>; 7],
    other: Vec<(Method, Vec<u32>)>,
    allow: Option<HeaderValue>,
}

fn slot(method: &Method) -> Option<usize> {
    Some(match *method {
        Method::GET => 0,
        Method::POST => 1,
        Method::PUT => 2,
        Method::DELETE => 3,
        Method::PATCH => 4,
        Method::HEAD => 5,
        Method::OPTIONS => 6,
        _ => return None,
    })
}

const SLOT_METHODS: [Method; 7] =
    [Method::GET, Method::POST, Method::PUT, Method::DELETE, Method::PATCH, Method::HEAD, Method::OPTIONS];

impl MethodMap {
    /// The routes answering `method` exactly, in registration order.
    pub(crate) fn get(&self, method: &Method) -> &[u32] {
        match slot(method) {
            Some(index) => &self.common[index],
            None => self
                .other
                .iter()
                .find(|(candidate, _)| candidate == method)
                .map_or(&[], |(_, routes)| routes.as_slice()),
        }
    }

    /// The routes already bound to `method`.
    pub(crate) fn insert(&mut self, method: Method, id: u32) {
        match slot(&method) {
            Some(index) => self.common[index].push(id),
            None => match self.other.iter_mut().find(|(candidate, _)| *candidate == method) {
                Some((_, routes)) => routes.push(id),
                None => self.other.push((method, vec![id])),
            },
        }
    }

    /// Computes the `Allow` value: every method with a route, plus `HEAD` when `GET` exists and `OPTIONS`
    /// (always answered). Called once the table is complete.
    pub(crate) fn seal(&mut self) {
        let mut names: Vec<&str> = Vec::new();
        for (index, method) in SLOT_METHODS.iter().enumerate() {
            let implied =
                (*method == Method::HEAD && !self.common[0].is_empty()) || *method == Method::OPTIONS;
            if !self.common[index].is_empty() || implied {
                names.push(method.as_str());
            }
        }
        names.extend(self.other.iter().map(|(method, _)| method.as_str()));
        self.allow = HeaderValue::from_str(&names.join(", ")).ok();
    }

    /// The `Allow` header value.
    pub(crate) fn allow(&self) -> Option<&HeaderValue> {
        self.allow.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_lists_implied_head_and_options() {
        let mut map = MethodMap::default();
        map.insert(Method::GET, 0);
        map.insert(Method::from_bytes(b"PURGE").unwrap_or(Method::TRACE), 1);
        map.seal();
        assert_eq!(map.allow().map(HeaderValue::as_bytes), Some(&b"GET, HEAD, OPTIONS, PURGE"[..]));
        assert_eq!(map.get(&Method::GET), &[0]);
        assert!(map.get(&Method::POST).is_empty());
    }

    #[test]
    fn variants_accumulate_in_order() {
        let mut map = MethodMap::default();
        map.insert(Method::POST, 3);
        map.insert(Method::POST, 4);
        assert_eq!(map.get(&Method::POST), &[3, 4]);
    }
}
