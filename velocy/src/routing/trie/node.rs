//! One node of the trie: inserting into it and matching a path against it.

use regex::Regex;

use crate::request::ParamSpans;

/// A node: a run of static bytes, then what may follow it.
pub(super) struct Node<T> {
    /// The static bytes that lead into this node from its parent; empty for the root and for the
    /// nodes after a parameter.
    pub(super) prefix: Box<[u8]>,
    /// The first byte of each static child, in the same order as `children`.
    indices: Vec<u8>,
    /// The static children; no two start with the same byte.
    pub(super) children: Vec<Node<T>>,
    /// The value of the route that ends exactly here.
    pub(super) value: Option<T>,
    /// The parameters and catch-all after this node, boxed so that the many nodes without any stay
    /// small and are skipped with one check.
    pub(super) wildcards: Option<Box<Wildcards<T>>>,
}

/// What may follow a node at a segment boundary besides static text.
pub(super) struct Wildcards<T> {
    /// The constrained parameters, in insertion order.
    pub(super) constrained: Vec<Constrained<T>>,
    /// The plain parameter.
    pub(super) param: Option<Node<T>>,
    /// The value of the catch-all route.
    pub(super) catch_all: Option<T>,
}

/// A parameter constrained by a regex, and the node after it.
pub(super) struct Constrained<T> {
    /// The regex as written in the route, which identifies the constraint.
    pub(super) source: Box<str>,
    /// The regex anchored to the whole segment.
    regex: Regex,
    /// What follows the parameter.
    pub(super) node: Node<T>,
}

/// One step on the way from the root to a route's node.
pub(super) enum Step<'p> {
    /// Static bytes, slashes included.
    Static(Vec<u8>),
    /// A plain parameter.
    Param,
    /// A constrained parameter, with its regex compiled.
    Constrained {
        /// The regex as written in the route.
        source: &'p str,
        /// The regex anchored to the whole segment.
        regex: Regex,
    },
    /// A catch-all, always the last step.
    CatchAll,
}

impl<T> Node<T> {
    /// A node with no children and no value.
    pub(super) fn new(prefix: &[u8]) -> Self {
        Self {
            prefix: prefix.into(),
            indices: Vec::new(),
            children: Vec::new(),
            value: None,
            wildcards: None,
        }
    }

    /// Follows (creating what is missing) the steps of a route and returns the slot of its value.
    pub(super) fn slot(&mut self, steps: Vec<Step<'_>>) -> &mut Option<T> {
        let mut node = self;
        for step in steps {
            node = match step {
                Step::Static(bytes) => node.descend(&bytes),
                Step::Param => node.wildcards().param.get_or_insert_with(|| Node::new(&[])),
                Step::Constrained { source, regex } => node.constrained_child(source, regex),
                Step::CatchAll => return &mut node.wildcards().catch_all,
            };
        }
        &mut node.value
    }

    /// Follows (creating and splitting nodes as needed) the static bytes from this node.
    fn descend(&mut self, bytes: &[u8]) -> &mut Node<T> {
        let Some(&first) = bytes.first() else {
            return self;
        };
        let Some(index) = self.indices.iter().position(|&byte| byte == first) else {
            let index = self.children.len();
            self.indices.push(first);
            self.children.push(Node::new(bytes));
            return &mut self.children[index];
        };
        let child = &mut self.children[index];
        let common = child.prefix.iter().zip(bytes).take_while(|(left, right)| left == right).count();
        if common < child.prefix.len() {
            child.split(common);
        }
        child.descend(&bytes[common..])
    }

    /// Cuts this node's prefix after `at` bytes: the node keeps the head, and a new only child
    /// takes the tail with everything this node had.
    fn split(&mut self, at: usize) {
        let head = Node::new(&self.prefix[..at]);
        let mut tail = std::mem::replace(self, head);
        tail.prefix = tail.prefix[at..].into();
        self.indices.push(tail.prefix[0]);
        self.children.push(tail);
    }

    /// The wildcards after this node, created empty if missing.
    fn wildcards(&mut self) -> &mut Wildcards<T> {
        self.wildcards.get_or_insert_with(|| {
            Box::new(Wildcards { constrained: Vec::new(), param: None, catch_all: None })
        })
    }

    /// The node after the constrained parameter with this regex, created if missing.
    fn constrained_child(&mut self, source: &str, regex: Regex) -> &mut Node<T> {
        let constrained = &mut self.wildcards().constrained;
        let existing = constrained.iter().position(|c| &*c.source == source);
        let index = existing.unwrap_or_else(|| {
            constrained.push(Constrained { source: source.into(), regex, node: Node::new(&[]) });
            constrained.len() - 1
        });
        &mut constrained[index].node
    }

    /// Matches `path[at..]` against what follows this node (whose prefix ends at `at`).
    ///
    /// On a match, the spans of the parameters are appended to `params`; otherwise `params` is
    /// left as it was.
    pub(super) fn find<'n>(&'n self, path: &str, at: usize, params: &mut ParamSpans) -> Option<&'n T> {
        let mark = params.len();
        let found = self.walk(path, at, params);
        if found.is_none() {
            params.truncate(mark);
        }
        found
    }

    /// The body of [`find`](Self::find): walks down the trie in a loop as long as there is only
    /// one way to go, and recurses where a failure must fall back on another branch. May leave
    /// spans behind when it fails.
    fn walk<'n>(&'n self, path: &str, at: usize, params: &mut ParamSpans) -> Option<&'n T> {
        let bytes = path.as_bytes();
        let mut node = self;
        let mut at = at;
        loop {
            let Some(&next) = bytes.get(at) else {
                return node.value.as_ref();
            };
            if let Some(index) = node.indices.iter().position(|&first| first == next) {
                let child = &node.children[index];
                let end = at + child.prefix.len();
                // The first byte is known to match.
                if starts_with_at(bytes, at + 1, child.prefix.get(1..).unwrap_or_default()) {
                    let Some(wildcards) = &node.wildcards else {
                        node = child;
                        at = end;
                        continue;
                    };
                    if let Some(value) = child.find(path, end, params) {
                        return Some(value);
                    }
                    return wildcards.find(path, at, params);
                }
            }
            let wildcards = node.wildcards.as_deref()?;
            match wildcards {
                // A lone parameter: nothing to fall back on, so keep walking.
                Wildcards { constrained, param: Some(param), catch_all: None } if constrained.is_empty() => {
                    let end = segment_end(bytes, at);
                    if end == at {
                        return None;
                    }
                    params.push(at, end);
                    node = param;
                    at = end;
                }
                _ => return wildcards.find(path, at, params),
            }
        }
    }
}

impl<T> Wildcards<T> {
    /// Tries the constrained parameters, the parameter and the catch-all on the non-empty
    /// `path[at..]`, in that order.
    fn find<'n>(&'n self, path: &str, at: usize, params: &mut ParamSpans) -> Option<&'n T> {
        let bytes = path.as_bytes();
        let mark = params.len();
        if self.param.is_some() || !self.constrained.is_empty() {
            let end = segment_end(bytes, at);
            if end > at {
                // A segment ends at a `/` or at the end of the path, both character boundaries,
                // so `get` always succeeds.
                let segment = path.get(at..end).unwrap_or_default();
                for constrained in &self.constrained {
                    if constrained.regex.is_match(segment) {
                        params.push(at, end);
                        if let Some(value) = constrained.node.find(path, end, params) {
                            return Some(value);
                        }
                        params.truncate(mark);
                    }
                }
                if let Some(param) = &self.param {
                    params.push(at, end);
                    if let Some(value) = param.find(path, end, params) {
                        return Some(value);
                    }
                    params.truncate(mark);
                }
            }
        }
        let value = self.catch_all.as_ref()?;
        params.push(at, bytes.len());
        Some(value)
    }
}

/// The end of the segment that starts at `at`: the index of the next `/`, or the path's length.
fn segment_end(bytes: &[u8], at: usize) -> usize {
    let mut end = at;
    while end < bytes.len() && bytes[end] != b'/' {
        end += 1;
    }
    end
}

/// Whether `bytes[at..]` starts with `prefix`.
fn starts_with_at(bytes: &[u8], at: usize, prefix: &[u8]) -> bool {
    // Prefixes are short: a plain loop beats calling `memcmp`.
    bytes
        .get(at..at + prefix.len())
        .is_some_and(|slice| slice.iter().zip(prefix).all(|(left, right)| left == right))
}
