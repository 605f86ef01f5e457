//! The crash test: a child process writes with fsync per commit and prints each acknowledged write; it is
//! killed with SIGKILL at a random moment, a few times over the same directory. After every kill the store
//! must reopen with every acknowledged write present and no transaction half-applied.
//!
//! The child is this test binary itself, re-run on the same test with [`CHILD_ENV`] naming the directory:
//! with that variable set the test is the writer ([`write_until_killed`]), so it is one test, which checks
//! recovery in every run, rather than a parent and a helper that would pass without doing anything.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::{Account, TestDir, User};
use crate::store::{Store, StoreError};

/// Names the directory the child writes to.
const CHILD_ENV: &str = "VELOCY_STORE_CRASH_CHILD";

/// The test's own name, which the child is re-run on.
const TEST_NAME: &str = "store::tests::crash::acknowledged_writes_survive_sigkill";

/// The writer run in the child: forever, one transaction inserting a user and counting it in the
/// `total` account, then `ack <id>` on stdout once the commit returned (so it is on disk). Never returns:
/// the parent kills it.
fn write_until_killed(dir: &str) -> ! {
    let store = Store::open(dir).unwrap();
    let users = store.table::<User>().unwrap();
    let accounts = store.table::<Account>().unwrap();
    let mut stdout = std::io::stdout().lock();
    let mut n = 0u64;
    loop {
        let user = store
            .transaction(|tx| {
                let user = tx.insert(
                    &users,
                    User::new(&format!("{}-{n}@x.io", std::process::id()), (n % 50) as u32, "c"),
                )?;
                let total = tx.get(&accounts, "total")?.map_or(0, |account| account.balance);
                tx.upsert(&accounts, Account { name: "total".into(), balance: total + 1 })?;
                Ok::<_, StoreError>(user)
            })
            .unwrap();
        writeln!(stdout, "ack {}", user.id).unwrap();
        stdout.flush().unwrap();
        n += 1;
    }
}

/// A small pseudo-random generator (xorshift), seeded from the clock: every run kills at other moments.
struct Random(u64);

impl Random {
    fn new() -> Self {
        let nanos =
            SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |elapsed| elapsed.as_nanos() as u64);
        Self(nanos | 1)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        // This process is the child that the test (below, in the parent) runs and kills.
        write_until_killed(&dir);
    }
    let dir = TestDir::new("crash");
    let mut random = Random::new();
    let mut acknowledged = BTreeSet::new();
    for _round in 0..5 {
        let mut child = super::spawn_child_test(TEST_NAME, CHILD_ENV, dir.path(), false);
        let stdout = child.stdout.take().unwrap();
        let (sender, acks) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(id) = line.strip_prefix("ack ") {
                    let _ = sender.send(id.parse::<u64>().unwrap());
                }
            }
        });
        // Let it acknowledge at least one write, then kill it at a random moment.
        let first = acks.recv_timeout(Duration::from_secs(20)).unwrap();
        acknowledged.insert(first);
        let deadline = Instant::now() + Duration::from_millis(10 + random.below(150));
        while Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        reader.join().unwrap();
        acknowledged.extend(acks.try_iter());

        let store = Store::open(dir.path()).unwrap();
        let users = store.table::<User>().unwrap();
        let total = store.table::<Account>().unwrap().get("total").map_or(0, |account| account.balance);
        assert_eq!(total as usize, users.count(), "a transaction was half-applied");
        for id in &acknowledged {
            assert!(users.contains(id), "acknowledged write {id} was lost");
        }
        assert_eq!(
            users.query().range(User::AGE, 0..50).count(),
            users.count(),
            "indexes agree after recovery"
        );
    }
    assert!(acknowledged.len() >= 5);
}
