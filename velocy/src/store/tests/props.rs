//! Property tests: any sequence of writes leaves every index-backed query equal to a naive scan of a
//! model (a plain map), before and after reopening the store.

use std::collections::BTreeMap;

use proptest::collection::vec;
use proptest::prelude::*;

use super::{TestDir, User};
use crate::store::{Order, Store, SyncPolicy, Table};

#[derive(Debug, Clone)]
enum Op {
    Insert {
        email: u8,
        age: u32,
        nick: Option<u8>,
    },
    Update {
        id: u64,
        age: u32,
        email: u8,
    },
    Nick {
        id: u64,
        nick: Option<u8>,
    },
    Upsert {
        id: u64,
        email: u8,
        age: u32,
    },
    Delete {
        id: u64,
    },
    /// Two writes in one transaction, the second of which may fail (then neither applies).
    Pair {
        email: u8,
        other: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..12, 0u32..6, proptest::option::of(0u8..3))
            .prop_map(|(email, age, nick)| Op::Insert { email, age, nick }),
        2 => (1u64..14, 0u32..6, 0u8..12).prop_map(|(id, age, email)| Op::Update { id, age, email }),
        1 => (1u64..14, proptest::option::of(0u8..3)).prop_map(|(id, nick)| Op::Nick { id, nick }),
        1 => (1u64..14, 0u8..12, 0u32..6).prop_map(|(id, email, age)| Op::Upsert { id, email, age }),
        2 => (1u64..14).prop_map(|id| Op::Delete { id }),
        1 => (0u8..12, 0u8..12).prop_map(|(email, other)| Op::Pair { email, other }),
    ]
}

fn email(n: u8) -> String {
    format!("{n}@x.io")
}

/// The model: records by key, and the auto-increment mark.
#[derive(Debug, Default)]
struct Model {
    rows: BTreeMap<u64, User>,
    sequence: u64,
}

impl Model {
    fn fits(&self, user: &User) -> bool {
        self.rows.values().all(|other| {
            other.id == user.id
                || (other.email != user.email && (user.nick.is_none() || other.nick != user.nick))
        })
    }

    fn insert(&mut self, mut user: User) -> bool {
        if user.id == 0 {
            user.id = self.sequence + 1;
        }
        if self.rows.contains_key(&user.id) || !self.fits(&user) {
            return false;
        }
        self.sequence = self.sequence.max(user.id);
        self.rows.insert(user.id, user);
        true
    }

    fn replace(&mut self, user: User) -> bool {
        if !self.rows.contains_key(&user.id) || !self.fits(&user) {
            return false;
        }
        self.rows.insert(user.id, user);
        true
    }
}

fn apply(store: &Store, users: &Table<User>, model: &mut Model, op: &Op) {
    let outcome = match op.clone() {
        Op::Insert { email: e, age, nick } => {
            let mut user = User::new(&email(e), age, &format!("n{}", age * 7 % 5));
            user.nick = nick.map(|n| format!("nick{n}"));
            let expected = model.insert(user.clone());
            (users.insert(user).is_ok(), expected)
        }
        Op::Update { id, age, email: e } => {
            let expected = match model.rows.get(&id).cloned() {
                Some(mut user) => {
                    user.age = age;
                    user.email = email(e);
                    model.replace(user)
                }
                None => false,
            };
            let actual = users
                .update(&id, |user| {
                    user.age = age;
                    user.email = email(e);
                })
                .is_ok();
            (actual, expected)
        }
        Op::Nick { id, nick } => {
            let nick = nick.map(|n| format!("nick{n}"));
            let expected = match model.rows.get(&id).cloned() {
                Some(mut user) => {
                    user.nick = nick.clone();
                    model.replace(user)
                }
                None => false,
            };
            (users.update(&id, |user| user.nick = nick).is_ok(), expected)
        }
        Op::Upsert { id, email: e, age } => {
            let mut user = User::new(&email(e), age, "up");
            user.id = id;
            let expected = if model.rows.contains_key(&id) {
                model.replace(user.clone())
            } else {
                model.insert(user.clone())
            };
            (users.upsert(user).is_ok(), expected)
        }
        Op::Delete { id } => {
            model.rows.remove(&id);
            (users.delete(&id).is_ok(), true)
        }
        Op::Pair { email: a, other: b } => {
            let first = User::new(&email(a), 1, "pair");
            let second = User::new(&email(b), 2, "pair");
            let mut trial = Model { rows: model.rows.clone(), sequence: model.sequence };
            let expected = trial.insert(first.clone()) && trial.insert(second.clone());
            if expected {
                *model = trial;
            }
            let actual = store
                .transaction(|tx| {
                    tx.insert(users, first)?;
                    tx.insert(users, second)
                })
                .is_ok();
            (actual, expected)
        }
    };
    assert_eq!(outcome.0, outcome.1, "{op:?}");
}

fn ids(users: Vec<User>) -> Vec<u64> {
    users.into_iter().map(|user| user.id).collect()
}

/// Every kind of query, against a naive scan of the model.
fn check(users: &Table<User>, model: &Model) {
    let all: Vec<&User> = model.rows.values().collect();
    let expect = |keep: &dyn Fn(&User) -> bool| -> Vec<u64> {
        all.iter().filter(|user| keep(user)).map(|user| user.id).collect()
    };
    assert_eq!(users.count(), model.rows.len());
    assert_eq!(ids(users.query().all()), expect(&|_| true));
    for age in 0..6 {
        assert_eq!(ids(users.query().eq(User::AGE, age).all()), expect(&|u| u.age == age));
        assert_eq!(
            ids(users.query().range(User::AGE, age..age + 2).all()),
            expect(&|u| (age..age + 2).contains(&u.age))
        );
    }
    for e in 0..12 {
        assert_eq!(
            ids(users.query().eq(User::EMAIL, email(e).as_str()).all()),
            expect(&|u| u.email == email(e))
        );
    }
    assert_eq!(ids(users.query().eq(User::NICK, None::<String>).all()), expect(&|u| u.nick.is_none()));
    // Sorted by an index, both ways, with a limit; ties by key in the sort's direction.
    for order in [Order::Asc, Order::Desc] {
        let mut sorted: Vec<&User> = all.clone();
        sorted.sort_by_key(|user| (user.age, user.id));
        if order == Order::Desc {
            sorted.reverse();
        }
        let expected: Vec<u64> = sorted.iter().take(5).map(|user| user.id).collect();
        assert_eq!(ids(users.query().order_by(User::AGE, order).limit(5).all()), expected);
        // Paging by cursor visits everything once, in order, whichever way the query runs.
        let everything: Vec<u64> = sorted.iter().map(|user| user.id).collect();
        assert_eq!(pages(users, order, true), everything);
        let mut by_name: Vec<&User> = all.clone();
        by_name.sort_by(|a, b| (&a.name, a.id).cmp(&(&b.name, b.id)));
        if order == Order::Desc {
            by_name.reverse();
        }
        assert_eq!(pages(users, order, false), by_name.iter().map(|user| user.id).collect::<Vec<_>>());
    }
}

fn pages(users: &Table<User>, order: Order, by_age: bool) -> Vec<u64> {
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let query = if by_age {
            users.query().order_by(User::AGE, order)
        } else {
            users.query().order_by(User::NAME, order)
        }
        .limit(3);
        let page = match cursor.take() {
            Some(cursor) => query.after(cursor).page(),
            None => query.page(),
        };
        seen.extend(ids(page.items));
        match page.next {
            Some(next) => cursor = Some(next),
            None => return seen,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn indexes_agree_with_a_naive_scan_in_memory(ops in vec(op(), 1..60)) {
        let store = Store::memory();
        let users = store.table::<User>().unwrap();
        let mut model = Model::default();
        for op in &ops {
            apply(&store, &users, &mut model, op);
        }
        check(&users, &model);
    }

    #[test]
    fn indexes_agree_with_a_naive_scan_across_reopen(ops in vec(op(), 1..40), compact in any::<bool>()) {
        let dir = TestDir::new("prop");
        let mut model = Model::default();
        {
            let store = Store::options().sync(SyncPolicy::Never).open(dir.path()).unwrap();
            let users = store.table::<User>().unwrap();
            let half = ops.len() / 2;
            for (position, op) in ops.iter().enumerate() {
                if compact && position == half {
                    store.compact().unwrap();
                }
                apply(&store, &users, &mut model, op);
            }
        }
        let store = Store::open(dir.path()).unwrap();
        let users = store.table::<User>().unwrap();
        check(&users, &model);
        // The auto-increment mark survives too.
        let next = users.insert(User::new("fresh@y.io", 0, "fresh")).unwrap();
        prop_assert_eq!(next.id, model.sequence + 1);
    }
}
