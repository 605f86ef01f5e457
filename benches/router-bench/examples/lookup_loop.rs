//! `lookup_loop ROUTER WORKLOAD N`: N passes of the lookups of a workload through one router and nothing
//! else, for counting instructions per lookup with callgrind (see `instructions.sh`). ROUTER is `velocy` or
//! `matchit`; WORKLOAD is `hits` (one path per route, as `lookup_all`) or `mixed` (as `miss_heavy`).

use std::hint::black_box;

use router_bench::{braces, hits, miss_heavy, GITHUB_ROUTES};

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let [router, workload, passes] = arguments.as_slice() else {
        panic!("usage: lookup_loop velocy|matchit hits|mixed N");
    };
    let passes: usize = passes.parse().expect("N is a number");
    let paths: Vec<String> = match workload.as_str() {
        "hits" => hits().into_iter().map(|hit| hit.path).collect(),
        "mixed" => miss_heavy(),
        other => panic!("no workload {other}"),
    };
    println!("{} lookups per pass", paths.len());
    match router.as_str() {
        "velocy" => {
            let mut velocy = velocy::routing::PathMatcher::new();
            for (index, pattern) in GITHUB_ROUTES.iter().enumerate() {
                velocy.insert(pattern, index).expect("velocy takes every GitHub route");
            }
            for _ in 0..passes {
                for path in black_box(&paths) {
                    black_box(velocy.at(path));
                }
            }
        }
        "matchit" => {
            let mut matchit = matchit::Router::new();
            for (index, pattern) in GITHUB_ROUTES.iter().enumerate() {
                matchit.insert(braces(pattern), index).expect("matchit takes every GitHub route");
            }
            for _ in 0..passes {
                for path in black_box(&paths) {
                    let _ = black_box(matchit.at(path));
                }
            }
        }
        other => panic!("no router {other}"),
    }
}
