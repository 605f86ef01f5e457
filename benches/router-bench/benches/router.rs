//! Velocy's `PathMatcher` against matchit on the 130 GitHub API routes: inserting them all, looking up a
//! path for every route, and a miss-heavy mix. Every router is checked against the expected routes and
//! parameters first; a router that silently misses routes would otherwise look fast.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use router_bench::{braces, hits, miss_heavy, misses, Hit, GITHUB_ROUTES};
use velocy::routing::PathMatcher;

fn velocy_router() -> PathMatcher<usize> {
    let mut router = PathMatcher::new();
    for (index, pattern) in GITHUB_ROUTES.iter().enumerate() {
        if let Err(error) = router.insert(pattern, index) {
            panic!("velocy refused {pattern}: {error}");
        }
    }
    router
}

fn matchit_router(patterns: &[String]) -> matchit::Router<usize> {
    let mut router = matchit::Router::new();
    for (index, pattern) in patterns.iter().enumerate() {
        if let Err(error) = router.insert(pattern.as_str(), index) {
            panic!("matchit refused {pattern}: {error}");
        }
    }
    router
}

/// Panics unless both routers return the right route and parameters for every hit and nothing for every
/// miss.
fn check(velocy: &PathMatcher<usize>, matchit: &matchit::Router<usize>, hits: &[Hit], misses: &[String]) {
    for hit in hits {
        let found = velocy.at(&hit.path).unwrap_or_else(|| panic!("velocy: no match for {}", hit.path));
        assert_eq!(*found.value(), hit.route, "velocy: wrong route for {}", hit.path);
        assert_eq!(found.params().collect::<Vec<_>>(), hit.params, "velocy: wrong params for {}", hit.path);

        let found = matchit.at(&hit.path).unwrap_or_else(|_| panic!("matchit: no match for {}", hit.path));
        assert_eq!(*found.value, hit.route, "matchit: wrong route for {}", hit.path);
        assert_eq!(
            found.params.iter().collect::<Vec<_>>(),
            hit.params,
            "matchit: wrong params for {}",
            hit.path
        );
    }
    for miss in misses {
        assert!(velocy.at(miss).is_none(), "velocy: {miss} should match nothing");
        assert!(matchit.at(miss).is_err(), "matchit: {miss} should match nothing");
    }
}

fn github(c: &mut Criterion) {
    let matchit_patterns: Vec<String> = GITHUB_ROUTES.iter().map(|pattern| braces(pattern)).collect();
    let velocy = velocy_router();
    let matchit = matchit_router(&matchit_patterns);
    let hits = hits();
    let misses = misses();
    check(&velocy, &matchit, &hits, &misses);

    let hit_paths: Vec<&str> = hits.iter().map(|hit| hit.path.as_str()).collect();
    let mixed = miss_heavy();
    let mixed_paths: Vec<&str> = mixed.iter().map(String::as_str).collect();

    let mut group = c.benchmark_group("github");

    group.throughput(Throughput::Elements(GITHUB_ROUTES.len() as u64));
    group.bench_function(BenchmarkId::new("insert_all", "velocy"), |b| b.iter(|| black_box(velocy_router())));
    group.bench_function(BenchmarkId::new("insert_all", "matchit"), |b| {
        b.iter(|| black_box(matchit_router(black_box(&matchit_patterns))))
    });

    group.throughput(Throughput::Elements(hit_paths.len() as u64));
    group.bench_function(BenchmarkId::new("lookup_all", "velocy"), |b| {
        b.iter(|| {
            for path in black_box(&hit_paths) {
                black_box(velocy.at(path));
            }
        })
    });
    group.bench_function(BenchmarkId::new("lookup_all", "matchit"), |b| {
        b.iter(|| {
            for path in black_box(&hit_paths) {
                let _ = black_box(matchit.at(path));
            }
        })
    });

    group.throughput(Throughput::Elements(mixed_paths.len() as u64));
    group.bench_function(BenchmarkId::new("miss_heavy", "velocy"), |b| {
        b.iter(|| {
            for path in black_box(&mixed_paths) {
                black_box(velocy.at(path));
            }
        })
    });
    group.bench_function(BenchmarkId::new("miss_heavy", "matchit"), |b| {
        b.iter(|| {
            for path in black_box(&mixed_paths) {
                let _ = black_box(matchit.at(path));
            }
        })
    });

    group.finish();
}

criterion_group!(benches, github);
criterion_main!(benches);
