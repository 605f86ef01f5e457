//! Unit tests for the trie.

#![allow(clippy::unwrap_used)]

mod github_routes;

use self::github_routes::GITHUB_ROUTES;
use super::{InsertError, Trie};
use crate::request::ParamSpans;
use crate::routing::pattern::parse;

/// A trie holding `routes`, each route's value being its own text.
fn trie_of<'r>(routes: &[&'r str]) -> Trie<&'r str> {
    let mut trie = Trie::new();
    for route in routes {
        let pattern = parse(route).unwrap();
        if let Err(error) = trie.insert(&pattern, *route) {
            panic!("inserting `{route}`: {error}");
        }
    }
    trie
}

/// The route that matches `path` and its parameter values, as strings.
fn lookup<'t>(trie: &Trie<&'t str>, path: &str) -> Option<(&'t str, Vec<String>)> {
    let mut params = ParamSpans::new();
    let found = trie.at(path, &mut params);
    if found.is_none() {
        assert!(params.is_empty(), "`{path}` left spans behind: {params:?}");
    }
    let values = params.iter().map(|span| path[span].to_owned()).collect();
    found.map(|route| (*route, values))
}

/// Asserts that `path` matches `route` with the parameter values `values`.
#[track_caller]
fn assert_match(trie: &Trie<&str>, path: &str, route: &str, values: &[&str]) {
    let (found, params) = lookup(trie, path).unwrap_or_else(|| panic!("`{path}` matched nothing"));
    assert_eq!(found, route, "`{path}`");
    assert_eq!(params, values, "`{path}`");
}

/// Asserts that `path` matches nothing.
#[track_caller]
fn assert_no_match(trie: &Trie<&str>, path: &str) {
    assert_eq!(lookup(trie, path), None, "`{path}`");
}

#[test]
fn root_route() {
    let trie = trie_of(&["/", "/a"]);
    assert_match(&trie, "/", "/", &[]);
    assert_match(&trie, "/a", "/a", &[]);
    assert_no_match(&trie, "");
    assert_no_match(&trie, "//");
    assert_no_match(&trie, "/b");
    assert_no_match(&trie, "a");
    assert_no_match(&trie, "*");
}

#[test]
fn empty_trie_matches_nothing() {
    let trie = trie_of(&[]);
    assert!(trie.is_empty());
    assert_no_match(&trie, "/");
}

#[test]
fn static_routes_split_edges_in_any_order() {
    let routes = ["/ab", "/a", "/abc", "/b", "/abd", "/a/b", "/abcd"];
    for rotation in 0..routes.len() {
        let mut order = routes;
        order.rotate_left(rotation);
        let trie = trie_of(&order);
        assert_eq!(trie.len(), routes.len());
        for route in routes {
            assert_match(&trie, route, route, &[]);
        }
        for missing in ["/", "/abce", "/ac", "/a/", "/a/bc", "/abcde", "/c"] {
            assert_no_match(&trie, missing);
        }
    }
}

#[test]
fn precedence_static_constrained_param_catch_all() {
    let trie = trie_of(&["/a/*rest", "/a/:x", r"/a/:x(\d+)", "/a/b"]);
    assert_match(&trie, "/a/b", "/a/b", &[]);
    assert_match(&trie, "/a/12", r"/a/:x(\d+)", &["12"]);
    assert_match(&trie, "/a/zz", "/a/:x", &["zz"]);
    assert_match(&trie, "/a/b/c", "/a/*rest", &["b/c"]);
    assert_match(&trie, "/a/12/c", "/a/*rest", &["12/c"]);
    assert_no_match(&trie, "/a/");
    assert_no_match(&trie, "/a");
}

#[test]
fn static_prefix_of_a_segment_falls_back_to_param() {
    let trie = trie_of(&["/a/bc", "/a/:x"]);
    assert_match(&trie, "/a/bc", "/a/bc", &[]);
    assert_match(&trie, "/a/b", "/a/:x", &["b"]);
    assert_match(&trie, "/a/bcd", "/a/:x", &["bcd"]);
}

#[test]
fn backtracking() {
    let trie = trie_of(&["/a/:x/c", "/a/b/d"]);
    assert_match(&trie, "/a/b/c", "/a/:x/c", &["b"]);
    assert_match(&trie, "/a/b/d", "/a/b/d", &[]);
    assert_no_match(&trie, "/a/x/d");

    let trie = trie_of(&["/a/b/c/d", "/a/:x/c/e", "/a/:x/:y/f", "/:z/b/c/g"]);
    assert_match(&trie, "/a/b/c/e", "/a/:x/c/e", &["b"]);
    assert_match(&trie, "/a/b/c/f", "/a/:x/:y/f", &["b", "c"]);
    assert_match(&trie, "/a/b/c/g", "/:z/b/c/g", &["a"]);
    assert_no_match(&trie, "/a/b/c/h");
}

#[test]
fn backtracking_drops_spans_of_failed_branches() {
    let trie = trie_of(&["/f/:name/raw", "/f/*path", r"/f/:n(\d+)/:m/x"]);
    assert_match(&trie, "/f/x/raw", "/f/:name/raw", &["x"]);
    assert_match(&trie, "/f/x/y", "/f/*path", &["x/y"]);
    assert_match(&trie, "/f/1/2/y", "/f/*path", &["1/2/y"]);
    assert_match(&trie, "/f/1/2/x", r"/f/:n(\d+)/:m/x", &["1", "2"]);
    assert_match(&trie, "/f/x", "/f/*path", &["x"]);
}

#[test]
fn params_take_one_or_more_bytes_of_one_segment() {
    let trie = trie_of(&["/u/:id", "/u/:id/posts/:post"]);
    assert_match(&trie, "/u/7", "/u/:id", &["7"]);
    assert_match(&trie, "/u/7/posts/x.y-z", "/u/:id/posts/:post", &["7", "x.y-z"]);
    assert_no_match(&trie, "/u/");
    assert_no_match(&trie, "/u//posts/x");
    assert_no_match(&trie, "/u/7/");
    assert_no_match(&trie, "/u/7/posts/");
    assert_no_match(&trie, "/u/7/8");
}

#[test]
fn catch_all_takes_one_or_more_bytes_to_the_end() {
    let trie = trie_of(&["/files/*path", "/*any"]);
    assert_match(&trie, "/files/a", "/files/*path", &["a"]);
    assert_match(&trie, "/files/a/b/c.txt", "/files/*path", &["a/b/c.txt"]);
    assert_match(&trie, "/files/a/", "/files/*path", &["a/"]);
    assert_match(&trie, "/files/", "/*any", &["files/"]);
    assert_match(&trie, "/files", "/*any", &["files"]);
    assert_no_match(&trie, "/");
}

#[test]
fn constrained_params() {
    let trie = trie_of(&[r"/n/:x(\d+)", r"/n/:x([a-z]+)", r"/n/:x(\d{2})", r"/n/:x(\d+)/edit"]);
    assert_match(&trie, "/n/12", r"/n/:x(\d+)", &["12"]);
    assert_match(&trie, "/n/abc", r"/n/:x([a-z]+)", &["abc"]);
    assert_match(&trie, "/n/12/edit", r"/n/:x(\d+)/edit", &["12"]);
    // Anchored: the regex must match the whole segment.
    assert_no_match(&trie, "/n/12a");
    assert_no_match(&trie, "/n/a1");
    assert_no_match(&trie, "/n/ab/edit");
    // An alternation cannot escape the anchors.
    let trie = trie_of(&["/v/:x(a|b)"]);
    assert_match(&trie, "/v/a", "/v/:x(a|b)", &["a"]);
    assert_no_match(&trie, "/v/ab");
    assert_no_match(&trie, "/v/ba");
}

#[test]
fn conflicts_are_detected_by_shape() {
    let mut trie = trie_of(&["/", "/u/:id", r"/u/:id(\d+)", "/u/me", "/f/*path", r"/c/:x(\d+)"]);
    let conflicts = [
        ("/", "/"),
        ("/u/:name", "/u/:id"),
        (r"/u/:n(\d+)", r"/u/:id(\d+)"),
        ("/u/me", "/u/me"),
        ("/f/*rest", "/f/*path"),
        (r"/c/:y(\d+)", r"/c/:x(\d+)"),
    ];
    for (route, existing_route) in conflicts {
        let pattern = parse(route).unwrap();
        match trie.insert(&pattern, route) {
            Err(InsertError::Conflict { existing }) => assert_eq!(*existing, existing_route),
            other => panic!("`{route}`: expected a conflict, got {:?}", other.map_err(|e| e.to_string())),
        }
    }
    assert_eq!(trie.len(), 6);
    // Different shapes at the same place are all kept.
    for route in [r"/u/:id([a-z]+)", "/u/:id/x", "/u/*rest", "/f/:name", "/u"] {
        trie.insert(&parse(route).unwrap(), route).unwrap();
    }
    assert_eq!(trie.len(), 11);
}

#[test]
fn invalid_regex_leaves_the_trie_unchanged() {
    let mut trie = trie_of(&["/a"]);
    let before = trie.to_string();
    let route = r"/a/:x(\d+)/:y(\q)";
    let pattern = parse(route).unwrap();
    match trie.insert(&pattern, route) {
        Err(InsertError::InvalidRegex { span, message }) => {
            assert_eq!(&route[span], r"\q");
            assert!(!message.is_empty() && !message.contains('\n'), "{message:?}");
        }
        other => panic!("expected an invalid regex, got {:?}", other.map_err(|e| e.to_string())),
    }
    assert_eq!(trie.len(), 1);
    assert_eq!(trie.to_string(), before);
    assert_no_match(&trie, "/a/1/x");
}

#[test]
fn percent_encoded_bytes_stay_raw() {
    let trie = trie_of(&["/files/:name", "/files/:name/meta", "/caf%C3%A9", "/s/*rest"]);
    assert_match(&trie, "/files/a%2Fb", "/files/:name", &["a%2Fb"]);
    assert_match(&trie, "/files/a%2Fb/meta", "/files/:name/meta", &["a%2Fb"]);
    assert_match(&trie, "/caf%C3%A9", "/caf%C3%A9", &[]);
    assert_no_match(&trie, "/café");
    assert_match(&trie, "/s/a%20b/c", "/s/*rest", &["a%20b/c"]);
}

#[test]
fn non_ascii_paths_are_matched_without_panicking() {
    let trie = trie_of(&["/users/:name", r"/n/:x(\p{L}+)", "/e/:x", "/*rest"]);
    assert_match(&trie, "/users/josé", "/users/:name", &["josé"]);
    assert_match(&trie, "/n/été", r"/n/:x(\p{L}+)", &["été"]);
    assert_match(&trie, "/é/x", "/*rest", &["é/x"]);
    assert_match(&trie, "/日本/語", "/*rest", &["日本/語"]);
}

#[test]
fn long_paths_neither_recurse_deeply_nor_panic() {
    let trie = trie_of(&["/a/:x", "/a/b/c", "/:x/:y/z", "/s/*rest"]);
    let long = format!("/a{}", "/b".repeat(100_000));
    assert_no_match(&trie, &long);
    let long = format!("/s{}", "/b".repeat(100_000));
    let (route, params) = lookup(&trie, &long).unwrap();
    assert_eq!(route, "/s/*rest");
    assert_eq!(params[0].len(), long.len() - 3);
    assert_no_match(&trie, &"/".repeat(100_000));
}

#[test]
fn spans_index_the_path() {
    let trie = trie_of(&["/a/:x/b/:y"]);
    let mut params = ParamSpans::new();
    assert!(trie.at("/a/12/b/345", &mut params).is_some());
    assert_eq!(params.get(0), Some(3..5));
    assert_eq!(params.get(1), Some(8..11));
    assert!(trie.at("/nothing", &mut params).is_none());
    assert!(params.is_empty());
}

#[test]
fn display_prints_the_tree() {
    let trie = trie_of(&["/", "/users", "/users/:id", r"/users/:id(\d+)/posts", "/files/*path", "/fun"]);
    let expected = "\
/  •
├─ users  •
│  └─ /
│     ├─ :(\\d+)
│     │  └─ /posts  •
│     └─ :  •
└─ f
   ├─ iles/
   │  └─ *  •
   └─ un  •
";
    assert_eq!(trie.to_string(), expected);
    let debug = format!("{trie:?}");
    assert!(debug.starts_with("/ => \"/\"\n├─ users => \"/users\"\n"), "{debug}");
    assert_eq!(Trie::<()>::new().to_string(), "(no routes)\n");
}

#[test]
fn github_api_routes() {
    assert_eq!(GITHUB_ROUTES.len(), 130);
    let trie = trie_of(&GITHUB_ROUTES);
    assert_eq!(trie.len(), 130);
    for route in GITHUB_ROUTES {
        // Fill each parameter with a value that no static segment has.
        let pattern = parse(route).unwrap();
        let values: Vec<String> = pattern.params().map(|name| format!("{name}-1.0")).collect();
        let mut path = String::new();
        let mut values_left = values.iter();
        for segment in route.split('/').skip(1) {
            path.push('/');
            if segment.starts_with(':') {
                path.push_str(values_left.next().unwrap());
            } else {
                path.push_str(segment);
            }
        }
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        assert_match(&trie, &path, route, &values);
    }
    assert_match(&trie, "/user/repos", "/user/repos", &[]);
    assert_match(
        &trie,
        "/repos/rust-lang/rust/stargazers",
        "/repos/:owner/:repo/stargazers",
        &["rust-lang", "rust"],
    );
    assert_match(
        &trie,
        "/orgs/rust-lang/public_members/nikomatsakis",
        "/orgs/:org/public_members/:user",
        &["rust-lang", "nikomatsakis"],
    );
    assert_match(
        &trie,
        "/repos/rust-lang/rust/releases/1.51.0",
        "/repos/:owner/:repo/releases/:id",
        &["rust-lang", "rust", "1.51.0"],
    );
    assert_match(&trie, "/users/user", "/users/:user", &["user"]);
    assert_match(&trie, "/users/keys", "/users/:user", &["keys"]);
    assert_no_match(&trie, "/repos/rust-lang/rust/unknown");
    assert_no_match(&trie, "/repos/rust-lang");
    assert_no_match(&trie, "/user/keys/1/2");
}
