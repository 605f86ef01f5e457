//! Printing the trie as a tree, for route introspection.
//!
//! Each line is one edge: static text as written, `:` for a parameter, `:(regex)` for a
//! constrained parameter and `*` for a catch-all. Children are listed in the order they are tried.
//! `Display` marks the end of a route with `•`; `Debug` shows the route's value there instead.
//!
//! ```text
//! /  •
//! ├─ users  •
//! │  └─ /
//! │     └─ :  •
//! └─ files/
//!    └─ *  •
//! ```

use std::fmt;

use super::node::Node;
use super::Trie;

/// How to write the value of a route at the end of its line.
type WriteValue<'w, T> = &'w dyn Fn(&mut fmt::Formatter<'_>, &T) -> fmt::Result;

impl<T> fmt::Display for Trie<T> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_tree(formatter, self, &|formatter, _| formatter.write_str("  •"))
    }
}

impl<T: fmt::Debug> fmt::Debug for Trie<T> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_tree(formatter, self, &|formatter, value| write!(formatter, " => {value:?}"))
    }
}

/// Writes every route of the trie as a tree, or `(no routes)`.
fn write_tree<T>(
    formatter: &mut fmt::Formatter<'_>,
    trie: &Trie<T>,
    value: WriteValue<'_, T>,
) -> fmt::Result {
    let edges = edges(&trie.root);
    if edges.is_empty() {
        return formatter.write_str("(no routes)\n");
    }
    for edge in edges {
        write_edge(formatter, &edge, "", None, value)?;
    }
    Ok(())
}

/// One line of the tree: the label of an edge, and the route value and subtree it leads to.
struct Edge<'n, T> {
    /// What the edge matches.
    label: String,
    /// The value of the route that ends after this edge.
    value: Option<&'n T>,
    /// The node the edge leads to, if anything can follow it.
    node: Option<&'n Node<T>>,
}

/// The edges out of a node, in the order they are tried.
fn edges<T>(node: &Node<T>) -> Vec<Edge<'_, T>> {
    let mut edges: Vec<Edge<'_, T>> = node
        .children
        .iter()
        .map(|child| Edge {
            label: child.prefix.iter().map(|&byte| char::from(byte)).collect(),
            value: child.value.as_ref(),
            node: Some(child),
        })
        .collect();
    let Some(wildcards) = &node.wildcards else {
        return edges;
    };
    edges.extend(wildcards.constrained.iter().map(|constrained| Edge {
        label: format!(":({})", constrained.source),
        value: constrained.node.value.as_ref(),
        node: Some(&constrained.node),
    }));
    if let Some(param) = &wildcards.param {
        edges.push(Edge { label: String::from(":"), value: param.value.as_ref(), node: Some(param) });
    }
    if let Some(catch_all) = &wildcards.catch_all {
        edges.push(Edge { label: String::from("*"), value: Some(catch_all), node: None });
    }
    edges
}

/// Writes one edge and, below it, its subtree. `last` is `None` for the top level, else whether
/// the edge is the last of its siblings.
fn write_edge<T>(
    formatter: &mut fmt::Formatter<'_>,
    edge: &Edge<'_, T>,
    indent: &str,
    last: Option<bool>,
    value: WriteValue<'_, T>,
) -> fmt::Result {
    let (branch, child_indent) = match last {
        None => ("", String::new()),
        Some(false) => ("├─ ", format!("{indent}│  ")),
        Some(true) => ("└─ ", format!("{indent}   ")),
    };
    write!(formatter, "{indent}{branch}{}", edge.label)?;
    if let Some(route) = edge.value {
        value(formatter, route)?;
    }
    writeln!(formatter)?;
    let Some(node) = edge.node else {
        return Ok(());
    };
    let children = edges(node);
    let count = children.len();
    for (index, child) in children.iter().enumerate() {
        write_edge(formatter, child, &child_indent, Some(index + 1 == count), value)?;
    }
    Ok(())
}
