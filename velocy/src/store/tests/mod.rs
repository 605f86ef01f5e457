//! The store's tests: CRUD and transactions, queries, key-value, durability and recovery, property tests
//! against a model, and a crash test that kills a writing process.
//!
//! The records here implement [`Record`] by hand, as `#[derive(Record)]` would, so these tests exercise
//! the runtime alone; `derive.rs` checks the derive against them.

#![allow(clippy::unwrap_used)]

mod crash;
mod crud;
mod derive;
mod durability;
mod kv;
mod props;
mod query;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::{Field, IndexInfo, Indexable, Record};

/// A user: auto-increment key, unique email, indexed age, optional unique nickname, plain name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct User {
    pub(crate) id: u64,
    pub(crate) email: String,
    pub(crate) age: u32,
    pub(crate) nick: Option<String>,
    pub(crate) name: String,
}

#[allow(dead_code)]
impl User {
    pub(crate) const ID: Field<User, u64> = Field::key("id", |user| &user.id);
    pub(crate) const EMAIL: Field<User, String> = Field::indexed("email", 0, |user| &user.email);
    pub(crate) const AGE: Field<User, u32> = Field::indexed("age", 1, |user| &user.age);
    pub(crate) const NICK: Field<User, Option<String>> = Field::indexed("nick", 2, |user| &user.nick);
    pub(crate) const NAME: Field<User, String> = Field::plain("name", |user| &user.name);

    pub(crate) fn new(email: &str, age: u32, name: &str) -> Self {
        Self { id: 0, email: email.into(), age, nick: None, name: name.into() }
    }
}

impl Record for User {
    type Key = u64;
    const TABLE: &'static str = "User";
    const KEY_FIELD: &'static str = "id";
    const AUTO_INCREMENT: bool = true;
    const INDEXES: &'static [IndexInfo] =
        &[IndexInfo::unique("email"), IndexInfo::index("age"), IndexInfo::unique("nick")];

    fn key(&self) -> &u64 {
        &self.id
    }

    fn key_mut(&mut self) -> &mut u64 {
        &mut self.id
    }

    fn index_value(&self, index: usize) -> Option<&dyn Indexable> {
        match index {
            0 => Some(&self.email),
            1 => Some(&self.age),
            2 => Some(&self.nick),
            _ => None,
        }
    }
}

/// A record keyed by a string, with no index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Account {
    pub(crate) name: String,
    pub(crate) balance: i64,
}

impl Record for Account {
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

/// Re-runs this test binary on the one test `test_name` as a child process, with `env` naming `dir`, its
/// stdout piped (and its stdin when `with_stdin`): how the crash and lock tests get a second process. The
/// test sees `env` set and plays the child's part.
pub(crate) fn spawn_child_test(
    test_name: &str,
    env: &str,
    dir: &Path,
    with_stdin: bool,
) -> std::process::Child {
    let stdin = if with_stdin { std::process::Stdio::piped() } else { std::process::Stdio::null() };
    std::process::Command::new(std::env::current_exe().unwrap())
        .args([test_name, "--exact", "--nocapture", "--test-threads=1"])
        .env(env, dir)
        .stdin(stdin)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// A temporary directory, removed when dropped.
pub(crate) struct TestDir(PathBuf);

impl TestDir {
    pub(crate) fn new(name: &str) -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "velocy-store-{name}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        Self(path)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    /// The only log file in the directory.
    pub(crate) fn log(&self) -> PathBuf {
        let mut logs: Vec<PathBuf> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|extension| extension == "log"))
            .collect();
        logs.sort();
        logs.pop().unwrap()
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
