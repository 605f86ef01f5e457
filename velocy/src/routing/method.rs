//! Method dispatch for one path: which route answers which method, and the `Allow` header (RFC 9110 §10.2.1).

use http::{HeaderValue, Method};

/// The routes of one path, by method. The seven common methods have fixed slots, so dispatch is an index,
/// not a search.
#[derive(Debug, Default)]
pub(crate) struct MethodMap {
    common: [Option<u32>; 7],
    other: Vec<(Method, u32)>,
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

const SLOT_METHODS: [Method; 7] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::DELETE,
    Method::PATCH,
    Method::HEAD,
    Method::OPTIONS,
];

impl MethodMap {
    /// The route answering `method` exactly.
    pub(crate) fn get(&self, method: &Method) -> Option<u32> {
        match slot(method) {
            Some(index) => self.common[index],
            None => self
                .other
                .iter()
                .find(|(candidate, _)| candidate == method)
                .map(|(_, id)| *id),
        }
    }

    /// Binds `method` to route `id`; returns the route already bound to it, if any.
    pub(crate) fn insert(&mut self, method: Method, id: u32) -> Option<u32> {
        if let Some(existing) = self.get(&method) {
            return Some(existing);
        }
        match slot(&method) {
            Some(index) => self.common[index] = Some(id),
            None => self.other.push((method, id)),
        }
        None
    }

    /// Computes the `Allow` value: every method with a route, plus `HEAD` when `GET` exists and `OPTIONS`
    /// (always answered). Called once the table is complete.
    pub(crate) fn seal(&mut self) {
        let mut names: Vec<&str> = Vec::new();
        for (index, method) in SLOT_METHODS.iter().enumerate() {
            let implied =
                (*method == Method::HEAD && self.common[0].is_some()) || *method == Method::OPTIONS;
            if self.common[index].is_some() || implied {
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
        assert_eq!(
            map.allow().map(HeaderValue::as_bytes),
            Some(&b"GET, HEAD, OPTIONS, PURGE"[..])
        );
        assert_eq!(map.get(&Method::GET), Some(0));
        assert_eq!(map.get(&Method::POST), None);
    }

    #[test]
    fn a_second_binding_reports_the_first() {
        let mut map = MethodMap::default();
        assert_eq!(map.insert(Method::POST, 3), None);
        assert_eq!(map.insert(Method::POST, 4), Some(3));
    }
}
