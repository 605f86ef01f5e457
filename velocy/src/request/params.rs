//! Where the parameters of a matched route sit in the request path.

use std::ops::Range;

use smallvec::SmallVec;

/// The byte spans of the parameters (and catch-all) of a matched route, in pattern order.
///
/// The spans index the raw request path the route was matched against, so reading a parameter
/// costs no copy; the values are still percent-encoded. Six spans fit inline, so matching a route
/// allocates nothing unless it has more parameters than that.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ParamSpans(SmallVec<[(usize, usize); 6]>);

impl ParamSpans {
    /// An empty set of spans.
    pub(crate) fn new() -> Self {
        Self(SmallVec::new())
    }

    /// Whether no parameter was captured.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The span of parameter `index` (pattern order), if the matched route has that many.
    pub(crate) fn get(&self, index: usize) -> Option<Range<usize>> {
        self.0.get(index).map(|&(start, end)| start..end)
    }

    /// How many parameters were captured.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// The spans in pattern order.
    pub(crate) fn iter(&self) -> impl ExactSizeIterator<Item = Range<usize>> + '_ {
        self.0.iter().map(|&(start, end)| start..end)
    }

    /// Forgets every span, keeping the storage.
    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    /// Appends the span `start..end`.
    pub(crate) fn push(&mut self, start: usize, end: usize) {
        self.0.push((start, end));
    }

    /// Drops the spans after the first `length`, undoing the captures of a branch that failed.
    pub(crate) fn truncate(&mut self, length: usize) {
        self.0.truncate(length);
    }
}

#[cfg(test)]
mod tests {
    use super::ParamSpans;

    #[test]
    fn records_spans_in_order() {
        let mut spans = ParamSpans::new();
        assert!(spans.is_empty());
        spans.push(1, 3);
        spans.push(4, 9);
        assert_eq!(spans.len(), 2);
        assert_eq!(spans.get(0), Some(1..3));
        assert_eq!(spans.get(1), Some(4..9));
        assert_eq!(spans.get(2), None);
        assert_eq!(spans.iter().collect::<Vec<_>>(), [1..3, 4..9]);
        spans.truncate(1);
        assert_eq!(spans.len(), 1);
        assert_eq!(spans.get(0), Some(1..3));
        spans.clear();
        assert!(spans.is_empty());
    }
}
