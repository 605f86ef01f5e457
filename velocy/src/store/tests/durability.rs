//! Durable stores: reopening, torn tails, damage, compaction, format versions, sync policies, and the
//! directory lock (one process at a time).

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{Account, TestDir, User};
use crate::store::log::format::{read_frame, Frame, FRAME_HEADER_LEN, FRAME_MARKER, HEADER_LEN};
use crate::store::{ErrorKind, Order, Store, StoreError, SyncPolicy};

fn fill(store: &Store, count: u32) {
    let users = store.table::<User>().unwrap();
    for n in 0..count {
        users.insert(User::new(&format!("{n}@x.io"), n % 7, &format!("user {n}"))).unwrap();
    }
}

#[test]
fn data_survives_a_reopen() {
    let dir = TestDir::new("reopen");
    {
        let store = Store::open(dir.path()).unwrap();
        fill(&store, 20);
        let users = store.table::<User>().unwrap();
        users.update(&3, |user| user.age = 100).unwrap();
        users.delete(&4).unwrap();
        let accounts = store.table::<Account>().unwrap();
        store
            .transaction(|tx| {
                tx.insert(&accounts, Account { name: "a".into(), balance: 1 })?;
                tx.update(&users, &5, |user| user.name = "five".into())?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    let report = store.recovery().unwrap();
    assert_eq!(report.commits, 20 + 3);
    assert_eq!(report.truncated, None);
    let users = store.table::<User>().unwrap();
    assert_eq!(users.count(), 19);
    assert_eq!(users.get(&3).unwrap().age, 100);
    assert_eq!(users.get(&4), None);
    assert_eq!(users.get(&5).unwrap().name, "five");
    assert_eq!(users.query().eq(User::AGE, 100).count(), 1, "indexes are rebuilt");
    assert_eq!(users.get_by(User::EMAIL, "7@x.io").unwrap().id, 8);
    assert_eq!(store.table::<Account>().unwrap().get("a").unwrap().balance, 1);
    assert_eq!(users.insert(User::new("new@x.io", 1, "n")).unwrap().id, 21);
}

/// Where the last valid frame of a log ends (zeros allocated ahead may follow).
fn frames_end(bytes: &[u8]) -> usize {
    let mut offset = HEADER_LEN;
    while let Frame::Valid { next, .. } = read_frame(bytes, offset) {
        offset = next;
    }
    offset
}

#[test]
fn a_torn_tail_is_cut_off() {
    let dir = TestDir::new("torn");
    {
        let store = Store::open(dir.path()).unwrap();
        fill(&store, 3);
    }
    let log = dir.log();
    let mut bytes = fs::read(&log).unwrap();
    let intact = frames_end(&bytes);
    // Half of a fourth commit: a frame header promising more than is there.
    bytes.truncate(intact);
    bytes.extend_from_slice(&FRAME_MARKER.to_le_bytes());
    bytes.extend_from_slice(&200u32.to_le_bytes());
    bytes.extend_from_slice(&[7; 30]);
    fs::write(&log, &bytes).unwrap();

    let store = Store::open(dir.path()).unwrap();
    let (path, offset, dropped) = store.recovery().unwrap().truncated.clone().unwrap();
    assert_eq!(path, log);
    assert_eq!((offset, dropped), (intact as u64, 38));
    assert_eq!(fs::metadata(&log).unwrap().len(), intact as u64);
    let users = store.table::<User>().unwrap();
    assert_eq!(users.count(), 3);
    users.insert(User::new("after@x.io", 1, "after")).unwrap();
    drop((users, store));
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.recovery().unwrap().truncated, None);
    assert_eq!(store.table::<User>().unwrap().count(), 4);
}

#[test]
fn garbage_after_allocated_space_is_a_torn_tail() {
    let dir = TestDir::new("garbage");
    {
        fill(&Store::open(dir.path()).unwrap(), 2);
    }
    let log = dir.log();
    let bytes = fs::read(&log).unwrap();
    assert!(bytes.len() > frames_end(&bytes), "the writer allocates ahead");
    let mut file = fs::OpenOptions::new().append(true).open(&log).unwrap();
    file.write_all(&[1, 2, 3]).unwrap();
    drop(file);
    let store = Store::open(dir.path()).unwrap();
    let (_, offset, _) = store.recovery().unwrap().truncated.clone().unwrap();
    assert_eq!(offset, frames_end(&bytes) as u64);
    assert_eq!(store.table::<User>().unwrap().count(), 2);
}

#[test]
fn zeros_after_the_last_frame_are_free_space() {
    let dir = TestDir::new("zeroes");
    {
        fill(&Store::open(dir.path()).unwrap(), 2);
    }
    let log = dir.log();
    let mut file = fs::OpenOptions::new().append(true).open(&log).unwrap();
    file.write_all(&[0; 4096]).unwrap();
    drop(file);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.recovery().unwrap().truncated, None);
    let users = store.table::<User>().unwrap();
    assert_eq!(users.count(), 2);
    users.insert(User::new("more@x.io", 1, "more")).unwrap();
    drop((users, store));
    assert_eq!(Store::open(dir.path()).unwrap().table::<User>().unwrap().count(), 3);
}

#[test]
fn damage_in_the_middle_is_an_error_naming_the_offset() {
    let dir = TestDir::new("damage");
    {
        fill(&Store::open(dir.path()).unwrap(), 5);
    }
    let log = dir.log();
    let mut bytes = fs::read(&log).unwrap();
    // Flip a byte inside the second commit's payload.
    let first_len = u32::from_le_bytes(bytes[HEADER_LEN + 4..HEADER_LEN + 8].try_into().unwrap());
    let second = HEADER_LEN + FRAME_HEADER_LEN + first_len as usize;
    bytes[second + FRAME_HEADER_LEN + 20] ^= 0x40;
    fs::write(&log, &bytes).unwrap();

    let error = Store::open(dir.path()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Corrupted);
    assert_eq!(error.offset(), Some(second as u64));
    assert_eq!(error.path(), Some(log.as_path()));
    assert!(error.to_string().contains(&format!("offset {second}")), "{error}");
    assert_eq!(fs::read(&log).unwrap(), bytes, "nothing was truncated");
}

#[test]
fn other_format_versions_are_refused() {
    let dir = TestDir::new("version");
    {
        fill(&Store::open(dir.path()).unwrap(), 1);
    }
    let log = dir.log();
    let mut bytes = fs::read(&log).unwrap();
    bytes[8] = 9;
    fs::write(&log, &bytes).unwrap();
    let error = Store::open(dir.path()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnsupportedFormat);
    assert!(error.to_string().contains("version 9"), "{error}");
}

#[test]
fn compaction_keeps_everything_and_shrinks_the_log() {
    let dir = TestDir::new("compact");
    {
        let store = Store::open(dir.path()).unwrap();
        fill(&store, 50);
        let users = store.table::<User>().unwrap();
        for id in 1..=25u64 {
            users.update(&id, |user| user.age += 1).unwrap();
        }
        users.delete(&50).unwrap();
        store.kv().set("k", "v").unwrap();
        store.kv().set_with_ttl("t", "x", Duration::from_secs(600)).unwrap();
        let before = frames_end(&fs::read(dir.log()).unwrap());
        store.compact().unwrap();
        assert!(fs::metadata(dir.log()).unwrap().len() < before as u64);
        // Writes after the compaction go to the new log.
        users.insert(User::new("late@x.io", 3, "late")).unwrap();
    }
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "LOCK")
        .collect();
    assert!(names.iter().all(|name| name.starts_with("00000002.")), "{names:?}");

    let store = Store::open(dir.path()).unwrap();
    let report = store.recovery().unwrap();
    assert_eq!((report.snapshot, report.commits), (Some(2), 1));
    let users = store.table::<User>().unwrap();
    assert_eq!(users.count(), 50);
    assert_eq!(users.get(&1).unwrap().age, 1);
    assert_eq!(users.get(&50), None);
    assert_eq!(users.get_by(User::EMAIL, "late@x.io").unwrap().id, 51);
    assert_eq!(store.kv().get("k").as_deref(), Some(&b"v"[..]));
    assert!(store.kv().exists("t"));
    assert_eq!(users.insert(User::new("next@x.io", 3, "n")).unwrap().id, 52);
}

#[test]
fn unopened_tables_survive_compaction() {
    let dir = TestDir::new("raw");
    {
        let store = Store::open(dir.path()).unwrap();
        fill(&store, 5);
        store.table::<User>().unwrap().delete(&5).unwrap();
    }
    {
        // Never opens `User`: its rows stay raw through the compaction.
        let store = Store::open(dir.path()).unwrap();
        store.compact().unwrap();
        store.compact().unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    let users = store.table::<User>().unwrap();
    assert_eq!(users.count(), 4);
    assert_eq!(users.insert(User::new("x@x.io", 1, "x")).unwrap().id, 6);
}

#[test]
fn automatic_compaction_runs_in_the_background() {
    let dir = TestDir::new("auto");
    let store = Store::options().compact_after(4 * 1024).sync(SyncPolicy::Never).open(dir.path()).unwrap();
    let accounts = store.table::<Account>().unwrap();
    accounts.insert(Account { name: "a".into(), balance: 0 }).unwrap();
    for _ in 0..200 {
        accounts.update("a", |account| account.balance += 1).unwrap();
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while dir.log().ends_with("00000001.log") {
        assert!(std::time::Instant::now() < deadline, "no compaction happened");
        std::thread::sleep(Duration::from_millis(20));
    }
    drop((accounts, store));
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.table::<Account>().unwrap().get("a").unwrap().balance, 200);
}

#[test]
fn every_sync_policy_persists_across_a_clean_close() {
    for policy in [SyncPolicy::EveryCommit, SyncPolicy::Interval(Duration::from_millis(5)), SyncPolicy::Never]
    {
        let dir = TestDir::new("policy");
        {
            let store = Store::options().sync(policy).open(dir.path()).unwrap();
            fill(&store, 10);
            store.sync().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.table::<User>().unwrap().count(), 10, "{policy:?}");
    }
}

#[test]
fn concurrent_writers_share_fsyncs_and_all_land() {
    let dir = TestDir::new("group");
    {
        let store = Store::open(dir.path()).unwrap();
        let users = store.table::<User>().unwrap();
        let threads: Vec<_> = (0..4)
            .map(|thread| {
                let users = users.clone();
                std::thread::spawn(move || {
                    for n in 0..25 {
                        users.insert(User::new(&format!("{thread}-{n}@x.io"), n, "u")).unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
    }
    let store = Store::open(dir.path()).unwrap();
    let users = store.table::<User>().unwrap();
    assert_eq!(users.count(), 100);
    let ids: Vec<u64> =
        users.query().order_by(User::ID, Order::Asc).all().into_iter().map(|user| user.id).collect();
    assert_eq!(ids, (1..=100).collect::<Vec<u64>>());
}

#[test]
fn records_that_no_longer_fit_their_type_are_reported() {
    #[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
    struct StrictAccount {
        name: String,
        balance: i64,
        opened: u64,
    }
    impl crate::store::Record for StrictAccount {
        type Key = String;
        const TABLE: &'static str = "Account";
        const KEY_FIELD: &'static str = "name";
        fn key(&self) -> &String {
            &self.name
        }
        fn key_mut(&mut self) -> &mut String {
            &mut self.name
        }
    }
    let dir = TestDir::new("schema");
    {
        let store = Store::open(dir.path()).unwrap();
        store.table::<Account>().unwrap().insert(Account { name: "a".into(), balance: 1 }).unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    let error = store.table::<StrictAccount>().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Serde);
    assert_eq!(error.table(), Some("Account"));
    // The data is untouched: the old type still reads it.
    assert_eq!(store.table::<Account>().unwrap().count(), 1);
}

#[test]
fn second_open_of_a_directory_fails_21() {
    let dir = TestDir::new("locked");
    let store = Store::open(dir.path()).unwrap();
    fill(&store, 1);
    // A leftover temporary file, which recovery would remove: a refused open must fail before it.
    let leftover = dir.path().join("00000009.tmp");
    fs::write(&leftover, b"x").unwrap();

    let error = Store::open(dir.path()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Locked);
    assert!(error.is_locked());
    assert_eq!(error.path(), Some(dir.path()));
    let message = error.to_string();
    assert!(message.contains(&format!("\"{}\"", dir.path().display())), "{message}");
    assert!(message.contains(&format!("in this process (pid {})", std::process::id())), "{message}");
    assert!(leftover.exists(), "the refused open ran recovery");
    assert_eq!(fs::read_to_string(dir.path().join("LOCK")).unwrap(), format!("{}\n", std::process::id()));

    // Through the options and another spelling of the same directory too.
    let respelled = dir.path().join("..").join(dir.path().file_name().unwrap());
    let error = Store::options().sync(SyncPolicy::Never).open(&respelled).unwrap_err();
    assert!(error.is_locked(), "{error}");
    assert!(error.to_string().contains("in this process"), "{error}");

    // Every handle keeps the directory locked: a clone, a table.
    let users = store.table::<User>().unwrap();
    let clone = store.clone();
    drop(store);
    assert!(Store::open(dir.path()).unwrap_err().is_locked());
    drop(clone);
    assert!(Store::open(dir.path()).unwrap_err().is_locked());
    drop(users);

    // The last drop released it.
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.table::<User>().unwrap().count(), 1);
    assert!(!leftover.exists());
    drop(store);
    // Over and over, with the background thread busy syncing every millisecond.
    for n in 0..20 {
        let store =
            Store::options().sync(SyncPolicy::Interval(Duration::from_millis(1))).open(dir.path()).unwrap();
        store.table::<User>().unwrap().insert(User::new(&format!("again-{n}@x.io"), 1, "again")).unwrap();
    }
    assert_eq!(Store::open(dir.path()).unwrap().table::<User>().unwrap().count(), 21);
}

/// Names the directory the child of [`two_processes_cannot_open_one_directory_21`] opens.
const LOCK_CHILD_ENV: &str = "VELOCY_STORE_LOCK_CHILD";

/// That test's own name, which the child is re-run on.
const LOCK_TEST_NAME: &str = "store::tests::durability::two_processes_cannot_open_one_directory_21";

/// The child: opens the store in `dir`, writes a record, prints `opened`, and keeps the store open until
/// its stdin is closed.
fn hold_open_until_stdin_closes(dir: &str) {
    let store = Store::open(dir).unwrap();
    store.table::<User>().unwrap().insert(User::new("child@x.io", 1, "child")).unwrap();
    let mut stdout = std::io::stdout().lock();
    // On a line of its own: the test harness may have printed the test's name without a newline.
    writeln!(stdout, "\nopened").unwrap();
    stdout.flush().unwrap();
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}

/// The child is this test binary itself, re-run on this test with [`LOCK_CHILD_ENV`] naming the
/// directory (as in the crash test): with that variable set the test is the child, so it is one test,
/// which checks the lock in every run.
#[test]
fn two_processes_cannot_open_one_directory_21() {
    if let Ok(dir) = std::env::var(LOCK_CHILD_ENV) {
        // This process is the child that the test (below, in the parent) runs.
        hold_open_until_stdin_closes(&dir);
        return;
    }
    let dir = TestDir::new("two-processes");
    let mut child = super::spawn_child_test(LOCK_TEST_NAME, LOCK_CHILD_ENV, dir.path(), true);
    let stdout = child.stdout.take().unwrap();
    let (sender, opened) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line == "opened" {
                let _ = sender.send(());
            }
        }
    });
    opened.recv_timeout(Duration::from_secs(20)).expect("the child did not open the store");

    let started = Instant::now();
    let error = Store::open(dir.path()).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "the open waited for the lock");
    assert_eq!(error.kind(), ErrorKind::Locked, "{error}");
    let message = error.to_string();
    assert!(message.contains(&format!("\"{}\"", dir.path().display())), "{message}");
    assert!(message.contains(&format!("in another process (pid {})", child.id())), "{message}");

    // Closing its stdin ends the child, and its lock with it.
    drop(child.stdin.take());
    let status = child.wait().unwrap();
    reader.join().unwrap();
    assert!(status.success(), "the child failed: {status}");
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.table::<User>().unwrap().get_by(User::EMAIL, "child@x.io").unwrap().name, "child");
}
