//! The data, schemas and queries shared by the store benchmark: the same users loaded into Velocy's store
//! and into SQLite, and each query written for both, checked to return the same rows before anything is
//! timed.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use velocy::store::{Order, Record, Store, Table};

/// How many users every benchmark starts with.
pub const USERS: u64 = 100_000;

/// A user, as both stores hold it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Record)]
pub struct User {
    /// The primary key (SQLite's `INTEGER PRIMARY KEY`, the rowid).
    #[key(auto)]
    pub id: u64,
    /// Unique.
    #[unique]
    pub email: String,
    /// Indexed: 18 to 97.
    #[index]
    pub age: u32,
    /// Not indexed.
    pub name: String,
    /// Not indexed.
    pub score: i64,
}

/// User number `n` (1-based) of the data set.
pub fn user(n: u64) -> User {
    User {
        id: n,
        email: format!("user{n}@example.com"),
        age: (n.wrapping_mul(7919) % 80) as u32 + 18,
        name: format!("Name {}", n.wrapping_mul(104_729) % 1_000_003),
        score: (n.wrapping_mul(15_485_863) % 1_000_000) as i64,
    }
}

/// A deterministic spread of keys in `1..=USERS`, for lookups.
pub fn key(i: u64) -> u64 {
    i.wrapping_mul(2_654_435_761) % USERS + 1
}

/// Velocy's store (`None`: in memory) loaded with the data set.
pub fn velocy_store(dir: Option<&Path>) -> (Store, Table<User>) {
    let store = match dir {
        Some(dir) => {
            let _ = std::fs::remove_dir_all(dir);
            Store::open(dir).expect("open the store")
        }
        None => Store::memory(),
    };
    let users = store.table::<User>().expect("the users table");
    if dir.is_none() {
        // In memory: one insert at a time, as an application fills a table.
        for n in 1..=USERS {
            users.insert(user(n)).expect("load");
        }
    } else {
        // On disk: one transaction per 10 000 users (a commit per user would take minutes of fsyncs).
        for batch in (1..=USERS).collect::<Vec<_>>().chunks(10_000) {
            store
                .transaction(|tx| {
                    for &n in batch {
                        tx.insert(&users, user(n))?;
                    }
                    Ok::<_, velocy::store::StoreError>(())
                })
                .expect("load");
        }
    }
    (store, users)
}

/// The SQL schema: the same key, unique and index as the Velocy record.
const SCHEMA: &str = "CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    age INTEGER NOT NULL,
    name TEXT NOT NULL,
    score INTEGER NOT NULL
);
CREATE INDEX users_age ON users(age);";

/// SQLite loaded with the data set: in memory (`None`), or in a WAL database file with
/// `synchronous=FULL`, SQLite's fsync-per-commit setting in WAL mode.
pub fn sqlite(file: Option<&Path>) -> Connection {
    let connection = match file {
        Some(file) => {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
            let connection = Connection::open(file).expect("open sqlite");
            connection.pragma_update(None, "journal_mode", "WAL").expect("WAL");
            connection.pragma_update(None, "synchronous", "FULL").expect("synchronous");
            connection
        }
        None => Connection::open_in_memory().expect("open sqlite"),
    };
    connection.execute_batch(SCHEMA).expect("schema");
    for batch in (1..=USERS).collect::<Vec<_>>().chunks(10_000) {
        let transaction = connection.unchecked_transaction().expect("begin");
        {
            let mut insert = transaction
                .prepare_cached("INSERT INTO users (id, email, age, name, score) VALUES (?1, ?2, ?3, ?4, ?5)")
                .expect("prepare");
            for &n in batch {
                let user = user(n);
                insert
                    .execute(params![user.id, user.email, user.age, user.name, user.score])
                    .expect("insert");
            }
        }
        transaction.commit().expect("commit");
    }
    connection.execute_batch("ANALYZE;").expect("analyze");
    connection
}

fn row(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User { id: row.get(0)?, email: row.get(1)?, age: row.get(2)?, name: row.get(3)?, score: row.get(4)? })
}

/// `SELECT … WHERE id = ?`.
pub fn sqlite_get(connection: &Connection, id: u64) -> Option<User> {
    connection
        .prepare_cached("SELECT id, email, age, name, score FROM users WHERE id = ?1")
        .expect("prepare")
        .query_row([id], row)
        .optional()
        .expect("query")
}

/// `SELECT … WHERE email = ?`.
pub fn sqlite_get_by_email(connection: &Connection, email: &str) -> Option<User> {
    connection
        .prepare_cached("SELECT id, email, age, name, score FROM users WHERE email = ?1")
        .expect("prepare")
        .query_row([email], row)
        .optional()
        .expect("query")
}

/// Ages in `[low, low + 10)`, oldest first (ties by id, descending), first 10.
pub fn sqlite_range_by_age(connection: &Connection, low: u32) -> Vec<User> {
    connection
        .prepare_cached(
            "SELECT id, email, age, name, score FROM users WHERE age >= ?1 AND age < ?2 \
             ORDER BY age DESC, id DESC LIMIT 10",
        )
        .expect("prepare")
        .query_map([low, low + 10], row)
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// The same query in Velocy.
pub fn velocy_range_by_age(users: &Table<User>, low: u32) -> Vec<User> {
    users.query().range(User::AGE, low..low + 10).order_by(User::AGE, Order::Desc).limit(10).all()
}

/// Ages in `[low, low + 10)`, highest score first (ties by id, descending), first 10: a sort on a field
/// without an index.
pub fn sqlite_range_by_score(connection: &Connection, low: u32) -> Vec<User> {
    connection
        .prepare_cached(
            "SELECT id, email, age, name, score FROM users WHERE age >= ?1 AND age < ?2 \
             ORDER BY score DESC, id DESC LIMIT 10",
        )
        .expect("prepare")
        .query_map([low, low + 10], row)
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// The same query in Velocy.
pub fn velocy_range_by_score(users: &Table<User>, low: u32) -> Vec<User> {
    users.query().range(User::AGE, low..low + 10).order_by(User::SCORE, Order::Desc).limit(10).all()
}

/// `INSERT` of one new user.
pub fn sqlite_insert(connection: &Connection, user: &User) {
    connection
        .prepare_cached("INSERT INTO users (email, age, name, score) VALUES (?1, ?2, ?3, ?4)")
        .expect("prepare")
        .execute(params![user.email, user.age, user.name, user.score])
        .expect("insert");
}

/// `UPDATE … SET age = ?` on one user: an indexed field changes.
pub fn sqlite_set_age(connection: &Connection, id: u64, age: u32) {
    connection
        .prepare_cached("UPDATE users SET age = ?1 WHERE id = ?2")
        .expect("prepare")
        .execute(params![age, id])
        .expect("update");
}

/// Panics unless both stores answer every benchmarked query identically.
pub fn check(users: &Table<User>, connection: &Connection) {
    for i in 0..200 {
        let id = key(i);
        assert_eq!(users.get(&id), sqlite_get(connection, id));
        let email = format!("user{id}@example.com");
        assert_eq!(users.get_by(User::EMAIL, email.as_str()), sqlite_get_by_email(connection, &email));
    }
    for low in [18, 30, 55, 90] {
        assert_eq!(velocy_range_by_age(users, low), sqlite_range_by_age(connection, low));
        assert_eq!(velocy_range_by_score(users, low), sqlite_range_by_score(connection, low));
    }
}
