//! Velocy's embedded store against SQLite on 100 000 users: point reads by key and by unique index, an
//! indexed range with sort and limit, inserts in memory and durable (fsync per commit, one writer and
//! four), and an update that moves an indexed field. SQLite runs in memory and as a WAL file with
//! `synchronous=FULL`; statements are prepared once (`prepare_cached`). Both answer every read query
//! identically before anything is timed (`store_bench::check`).
//!
//! `cargo bench -p store-bench` (from `benches/`); durable files go to `target/store-bench-data/`.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use store_bench::{
    check, key, sqlite, sqlite_get, sqlite_get_by_email, sqlite_insert, sqlite_range_by_age,
    sqlite_range_by_score, sqlite_set_age, user, velocy_range_by_age, velocy_range_by_score, velocy_store,
    User, USERS,
};
use velocy::store::{Store, SyncPolicy};

fn data_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/store-bench-data").join(name);
    std::fs::create_dir_all(dir.parent().expect("a parent")).expect("data dir");
    dir
}

fn reads(c: &mut Criterion) {
    let (_store, users) = velocy_store(None);
    let memory = sqlite(None);
    let wal = sqlite(Some(&data_dir("reads.sqlite")));
    check(&users, &memory);
    check(&users, &wal);

    let mut group = c.benchmark_group("point get by key");
    let mut i = 0u64;
    group.bench_function("velocy", |b| {
        b.iter(|| {
            i += 1;
            black_box(users.get(&key(i)))
        })
    });
    group.bench_function("velocy, shared (no copy)", |b| {
        b.iter(|| {
            i += 1;
            black_box(users.get_shared(&key(i)))
        })
    });
    group.bench_function("sqlite memory", |b| {
        b.iter(|| {
            i += 1;
            black_box(sqlite_get(&memory, key(i)))
        })
    });
    group.bench_function("sqlite wal", |b| {
        b.iter(|| {
            i += 1;
            black_box(sqlite_get(&wal, key(i)))
        })
    });
    group.finish();

    let emails: Vec<String> = (0..4096).map(|i| format!("user{}@example.com", key(i))).collect();
    let mut group = c.benchmark_group("get by unique index");
    group.bench_function("velocy", |b| {
        b.iter(|| {
            i += 1;
            black_box(users.get_by(User::EMAIL, emails[(i % 4096) as usize].as_str()))
        })
    });
    group.bench_function("sqlite memory", |b| {
        b.iter(|| {
            i += 1;
            black_box(sqlite_get_by_email(&memory, &emails[(i % 4096) as usize]))
        })
    });
    group.bench_function("sqlite wal", |b| {
        b.iter(|| {
            i += 1;
            black_box(sqlite_get_by_email(&wal, &emails[(i % 4096) as usize]))
        })
    });
    group.finish();

    let low = |i: u64| 18 + (i % 70) as u32;
    let mut group = c.benchmark_group("range on index + sort + limit 10");
    group.bench_function("velocy", |b| {
        b.iter(|| {
            i += 1;
            black_box(velocy_range_by_age(&users, low(i)))
        })
    });
    group.bench_function("sqlite memory", |b| {
        b.iter(|| {
            i += 1;
            black_box(sqlite_range_by_age(&memory, low(i)))
        })
    });
    group.bench_function("sqlite wal", |b| {
        b.iter(|| {
            i += 1;
            black_box(sqlite_range_by_age(&wal, low(i)))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("range on index + sort on other field + limit 10");
    group.bench_function("velocy", |b| {
        b.iter(|| {
            i += 1;
            black_box(velocy_range_by_score(&users, low(i)))
        })
    });
    group.bench_function("sqlite memory", |b| {
        b.iter(|| {
            i += 1;
            black_box(sqlite_range_by_score(&memory, low(i)))
        })
    });
    group.finish();
}

fn writes(c: &mut Criterion) {
    let next = Arc::new(AtomicU64::new(USERS + 1));
    let fresh = || {
        let mut new = user(next.fetch_add(1, Ordering::Relaxed));
        new.id = 0;
        new
    };

    let mut group = c.benchmark_group("insert, memory");
    let (_store, users) = velocy_store(None);
    group.bench_function("velocy", |b| b.iter(|| black_box(users.insert(fresh()))));
    let memory = sqlite(None);
    group.bench_function("sqlite memory", |b| b.iter(|| sqlite_insert(&memory, &fresh())));
    group.finish();

    let mut group = c.benchmark_group("update with index change, memory");
    let mut i = 0u64;
    group.bench_function("velocy", |b| {
        b.iter(|| {
            i += 1;
            let id = key(i);
            black_box(users.update(&id, |user| user.age = 18 + (user.age + 1) % 80))
        })
    });
    group.bench_function("sqlite memory", |b| {
        b.iter(|| {
            i += 1;
            sqlite_set_age(&memory, key(i), 18 + (i % 80) as u32)
        })
    });
    group.finish();
    drop((users, _store, memory));

    // Durable, fsync per commit: one writer.
    let mut group = c.benchmark_group("insert, durable, fsync per commit, 1 writer");
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    let (store, users) = velocy_store(Some(&data_dir("velocy-1")));
    group.bench_function("velocy", |b| b.iter(|| black_box(users.insert(fresh()))));
    drop((users, store));
    let wal = sqlite(Some(&data_dir("insert-1.sqlite")));
    group.bench_function("sqlite wal", |b| b.iter(|| sqlite_insert(&wal, &fresh())));
    drop(wal);
    group.finish();

    // Durable, fsync per commit: four writers, so group commit can share fsyncs. Each iteration is one
    // insert; the time is the wall time of all four threads divided by the inserts.
    const WRITERS: u64 = 4;
    let mut group = c.benchmark_group("insert, durable, fsync per commit, 4 writers");
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    let (store, users) = velocy_store(Some(&data_dir("velocy-4")));
    group.bench_function("velocy", |b| {
        b.iter_custom(|iterations| {
            let start = Instant::now();
            let threads: Vec<_> = (0..WRITERS)
                .map(|_| {
                    let (users, next) = (users.clone(), Arc::clone(&next));
                    std::thread::spawn(move || {
                        for _ in 0..iterations.div_ceil(WRITERS) {
                            let mut new = user(next.fetch_add(1, Ordering::Relaxed));
                            new.id = 0;
                            users.insert(new).expect("insert");
                        }
                    })
                })
                .collect();
            for thread in threads {
                thread.join().expect("writer");
            }
            start.elapsed()
        })
    });
    drop((users, store));
    let file = data_dir("insert-4.sqlite");
    drop(sqlite(Some(&file)));
    group.bench_function("sqlite wal", |b| {
        b.iter_custom(|iterations| {
            let start = Instant::now();
            let threads: Vec<_> = (0..WRITERS)
                .map(|_| {
                    let (file, next) = (file.clone(), Arc::clone(&next));
                    std::thread::spawn(move || {
                        let connection = rusqlite::Connection::open(&file).expect("open");
                        connection.pragma_update(None, "synchronous", "FULL").expect("synchronous");
                        connection.busy_timeout(Duration::from_secs(60)).expect("busy timeout");
                        for _ in 0..iterations.div_ceil(WRITERS) {
                            let mut new = user(next.fetch_add(1, Ordering::Relaxed));
                            new.id = 0;
                            sqlite_insert(&connection, &new);
                        }
                    })
                })
                .collect();
            for thread in threads {
                thread.join().expect("writer");
            }
            start.elapsed()
        })
    });
    group.finish();

    // The store's other sync policies, for reference (no SQLite equivalent is run).
    let mut group = c.benchmark_group("insert, durable, sync every 10 ms");
    group.sample_size(20);
    let dir = data_dir("velocy-interval");
    let _ = std::fs::remove_dir_all(&dir);
    let store =
        Store::options().sync(SyncPolicy::Interval(Duration::from_millis(10))).open(&dir).expect("open");
    let users = store.table::<User>().expect("table");
    group.bench_function("velocy", |b| b.iter(|| black_box(users.insert(fresh()))));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    targets = reads, writes
}
criterion_main!(benches);
