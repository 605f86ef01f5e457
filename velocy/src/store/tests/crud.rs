//! Inserts, reads, updates, deletes and transactions on a memory store.

use super::{Account, User};
use crate::store::{ErrorKind, Store, StoreError};

#[test]
fn insert_assigns_keys_and_get_reads_back() {
    let users = Store::memory().table::<User>().unwrap();
    let ada = users.insert(User::new("ada@x.io", 36, "Ada")).unwrap();
    let bob = users.insert(User::new("bob@x.io", 25, "Bob")).unwrap();
    assert_eq!((ada.id, bob.id), (1, 2));
    assert_eq!(users.get(&1), Some(ada.clone()));
    assert!(users.contains(&2));
    assert_eq!(users.get(&3), None);
    assert_eq!(users.count(), 2);
    assert_eq!(users.get_by(User::EMAIL, "bob@x.io"), Some(bob));
    assert_eq!(users.get_by(User::EMAIL, "nobody@x.io"), None);
}

#[test]
fn explicit_keys_move_the_sequence_on() {
    let users = Store::memory().table::<User>().unwrap();
    let mut user = User::new("a@x.io", 1, "A");
    user.id = 10;
    users.insert(user).unwrap();
    assert_eq!(users.insert(User::new("b@x.io", 1, "B")).unwrap().id, 11);
    users.delete(&11).unwrap();
    assert_eq!(users.insert(User::new("c@x.io", 1, "C")).unwrap().id, 12, "keys are not reused");
}

#[test]
fn duplicates_and_unique_violations_change_nothing() {
    let users = Store::memory().table::<User>().unwrap();
    users.insert(User::new("ada@x.io", 36, "Ada")).unwrap();
    let mut twin = User::new("other@x.io", 1, "Twin");
    twin.id = 1;
    let error = users.insert(twin).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::DuplicateKey);
    assert_eq!(error.status(), 409);

    let error = users.insert(User::new("ada@x.io", 2, "Copy")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UniqueViolation);
    assert_eq!(error.field(), Some("email"));
    assert_eq!(users.count(), 1);
    assert_eq!(users.query().eq(User::AGE, 2).count(), 0, "no index entry left");
    assert_eq!(users.get_by(User::EMAIL, "ada@x.io").unwrap().name, "Ada");
}

#[test]
fn unique_indexes_accept_many_nones() {
    let users = Store::memory().table::<User>().unwrap();
    users.insert(User::new("a@x.io", 1, "A")).unwrap();
    users.insert(User::new("b@x.io", 1, "B")).unwrap();
    users.update(&1, |user| user.nick = Some("ace".into())).unwrap();
    let error = users.update(&2, |user| user.nick = Some("ace".into())).unwrap_err();
    assert_eq!(error.field(), Some("nick"));
    assert_eq!(users.get(&2).unwrap().nick, None);
    assert_eq!(users.query().eq(User::NICK, None::<String>).count(), 1);
}

#[test]
fn update_maintains_indexes() {
    let users = Store::memory().table::<User>().unwrap();
    users.insert(User::new("ada@x.io", 36, "Ada")).unwrap();
    let updated = users
        .update(&1, |user| {
            user.age = 37;
            user.email = "ada@y.io".into();
        })
        .unwrap();
    assert_eq!(updated.age, 37);
    assert_eq!(users.query().eq(User::AGE, 36).count(), 0);
    assert_eq!(users.query().eq(User::AGE, 37).count(), 1);
    assert!(users.get_by(User::EMAIL, "ada@x.io").is_none());
    assert!(users.get_by(User::EMAIL, "ada@y.io").is_some());
    // The freed email can be taken again.
    users.insert(User::new("ada@x.io", 1, "New")).unwrap();
}

#[test]
fn update_errors() {
    let users = Store::memory().table::<User>().unwrap();
    let error = users.update(&9, |user| user.age = 1).unwrap_err();
    assert!(error.is_not_found());
    assert_eq!(error.to_string(), "no `User` record with key 9");
    users.insert(User::new("a@x.io", 1, "A")).unwrap();
    let error = users.update(&1, |user| user.id = 5).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::KeyChanged);
    assert_eq!(users.get(&1).unwrap().id, 1);
}

#[test]
fn replace_upsert_delete() {
    let users = Store::memory().table::<User>().unwrap();
    let mut ada = users.insert(User::new("ada@x.io", 36, "Ada")).unwrap();
    ada.name = "Ada L.".into();
    assert_eq!(users.replace(ada.clone()).unwrap(), ada);
    let mut ghost = User::new("g@x.io", 1, "G");
    ghost.id = 99;
    assert!(users.replace(ghost.clone()).unwrap_err().is_not_found());

    assert_eq!(users.upsert(ghost.clone()).unwrap(), None);
    ghost.age = 2;
    assert_eq!(users.upsert(ghost.clone()).unwrap().map(|old| old.age), Some(1));
    assert_eq!(users.get(&99).unwrap().age, 2);

    assert_eq!(users.delete(&99).unwrap(), Some(ghost));
    assert_eq!(users.delete(&99).unwrap(), None);
    assert_eq!(users.count(), 1);
    assert!(users.get_by(User::EMAIL, "g@x.io").is_none());
}

#[test]
fn string_keys_borrow_as_str() {
    let accounts = Store::memory().table::<Account>().unwrap();
    accounts.insert(Account { name: "alice".into(), balance: 5 }).unwrap();
    assert_eq!(accounts.get("alice").unwrap().balance, 5);
    accounts.update("alice", |account| account.balance += 1).unwrap();
    assert_eq!(accounts.get("alice").unwrap().balance, 6);
}

#[test]
fn transactions_apply_everything_or_nothing() {
    let store = Store::memory();
    let users = store.table::<User>().unwrap();
    let accounts = store.table::<Account>().unwrap();
    store
        .transaction(|tx| {
            tx.insert(&users, User::new("a@x.io", 1, "A"))?;
            tx.insert(&accounts, Account { name: "a".into(), balance: 10 })?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    assert_eq!((users.count(), accounts.count()), (1, 1));

    let result = store.transaction(|tx| {
        tx.update(&accounts, "a", |account| account.balance = 0)?;
        tx.insert(&users, User::new("b@x.io", 2, "B"))?;
        tx.delete(&users, &1)?;
        assert_eq!(tx.get(&users, &1)?, None, "a transaction sees its own writes");
        tx.insert(&users, User::new("b@x.io", 3, "duplicate email"))?;
        Ok::<_, StoreError>(())
    });
    assert_eq!(result.unwrap_err().kind(), ErrorKind::UniqueViolation);
    assert_eq!(accounts.get("a").unwrap().balance, 10);
    assert_eq!(users.count(), 1);
    assert_eq!(users.get(&1).unwrap().email, "a@x.io");
    assert!(users.get_by(User::EMAIL, "b@x.io").is_none());
    assert_eq!(users.query().eq(User::AGE, 2).count(), 0);
}

#[test]
fn a_panicking_transaction_is_rolled_back() {
    let store = Store::memory();
    let users = store.table::<User>().unwrap();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = store.transaction(|tx| {
            tx.insert(&users, User::new("a@x.io", 1, "A"))?;
            panic!("boom");
            #[allow(unreachable_code)]
            Ok::<_, StoreError>(())
        });
    }));
    assert!(result.is_err());
    assert_eq!(users.count(), 0);
    users.insert(User::new("a@x.io", 1, "A")).unwrap();
}

#[test]
fn application_errors_roll_back_too() {
    let store = Store::memory();
    let users = store.table::<User>().unwrap();
    let result: Result<(), crate::HttpError> = store.transaction(|tx| {
        tx.insert(&users, User::new("a@x.io", 1, "A"))?;
        Err(crate::HttpError::conflict("changed my mind"))
    });
    assert_eq!(result.unwrap_err().status(), 409);
    assert_eq!(users.count(), 0);
}

#[test]
fn tables_are_checked() {
    #[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
    struct Impostor {
        id: u64,
    }
    impl crate::store::Record for Impostor {
        type Key = u64;
        const TABLE: &'static str = "User";
        const KEY_FIELD: &'static str = "id";
        fn key(&self) -> &u64 {
            &self.id
        }
        fn key_mut(&mut self) -> &mut u64 {
            &mut self.id
        }
    }
    let store = Store::memory();
    store.table::<User>().unwrap();
    let error = store.table::<Impostor>().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TableMismatch);

    let other = Store::memory().table::<User>().unwrap();
    let error = store.transaction(|tx| tx.insert(&other, User::new("a@x.io", 1, "A"))).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TableMismatch);
}

#[test]
fn readers_never_see_half_a_transaction() {
    let store = Store::memory();
    let users = store.table::<User>().unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (users, stop) = (users.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut reads = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) || reads == 0 {
                    // Each query runs on one consistent state: pairs are never split.
                    assert_eq!(users.query().range(User::AGE, 0..10).count() % 2, 0);
                    assert_eq!(users.query().filter(|user| user.name == "U").all().len() % 2, 0);
                    reads += 1;
                }
            })
        })
        .collect();
    for n in 0..100u32 {
        store
            .transaction(|tx| {
                tx.insert(&users, User::new(&format!("{n}a@x.io"), n % 10, "U"))?;
                tx.insert(&users, User::new(&format!("{n}b@x.io"), n % 10, "U"))
            })
            .unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for reader in readers {
        reader.join().unwrap();
    }
    assert_eq!(store.table::<User>().unwrap().count(), 200);
}
