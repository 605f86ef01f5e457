//! Queries: index choice, conditions, filters, sorting, limit, offset and cursors.

use super::User;
use crate::store::{Access, Cursor, ErrorKind, Order, Store, Table};

fn people() -> Table<User> {
    let users = Store::memory().table::<User>().unwrap();
    for (email, age, name) in [
        ("ada@x.io", 36, "Ada"),
        ("bob@x.io", 25, "Bob"),
        ("cy@x.io", 36, "Cy"),
        ("di@x.io", 41, "Di"),
        ("ed@x.io", 19, "Ed"),
        ("flo@x.io", 30, "Flo"),
    ] {
        users.insert(User::new(email, age, name)).unwrap();
    }
    users
}

fn names(users: Vec<User>) -> Vec<String> {
    users.into_iter().map(|user| user.name).collect()
}

#[test]
fn plans_pick_the_best_index() {
    let users = people();
    let plan = users.query().eq(User::ID, 3).explain();
    assert_eq!(plan.access(), Access::KeyLookup("id"));
    assert_eq!(plan.to_string(), "key lookup on `id`");

    let plan = users.query().range(User::AGE, 30..).eq(User::EMAIL, "cy@x.io").explain();
    assert_eq!(plan.access(), Access::IndexLookup("email"));
    assert_eq!(plan.filters(), 1);

    let plan = users.query().range(User::AGE, 20..40).explain();
    assert_eq!(plan.access(), Access::IndexRange("age"));
    assert_eq!(plan.index(), Some("age"));
    assert!(plan.sorts_in_memory(), "no order given: by key, so sorted");

    let plan = users.query().filter(|user| user.age > 3).explain();
    assert_eq!(plan.access(), Access::FullScan);
    assert_eq!(plan.to_string(), "full scan; 1 filter");

    let plan = users.query().order_by(User::AGE, Order::Desc).limit(2).explain();
    assert_eq!(plan.to_string(), "index scan on `age`, reversed; limit 2");

    let plan = users.query().eq(User::AGE, 36).order_by(User::NAME, Order::Asc).explain();
    assert_eq!(plan.to_string(), "index lookup on `age`; sort by `name` asc, `id` asc");

    let plan = users.query().range(User::NAME, "B".."D").explain();
    assert_eq!(plan.access(), Access::FullScan, "`name` has no index");
}

#[test]
fn equality_and_ranges() {
    let users = people();
    assert_eq!(names(users.query().eq(User::AGE, 36).all()), ["Ada", "Cy"]);
    assert_eq!(
        names(users.query().range(User::AGE, 25..=36).all()),
        ["Ada", "Bob", "Cy", "Flo"],
        "by key without an order"
    );
    assert_eq!(
        names(users.query().range(User::AGE, 25..36).order_by(User::AGE, Order::Asc).all()),
        ["Bob", "Flo"]
    );
    assert_eq!(users.query().range(User::AGE, 50..).count(), 0);
    #[allow(clippy::reversed_empty_ranges, reason = "an empty range finds nothing")]
    let empty = users.query().range(User::AGE, 40..30).count();
    assert_eq!(empty, 0);
    assert_eq!(names(users.query().range(User::ID, 5..).all()), ["Ed", "Flo"]);
    assert_eq!(names(users.query().range(User::NAME, "B".."D").all()), ["Bob", "Cy"]);
    assert_eq!(users.query().eq(User::NAME, "Di").first().unwrap().age, 41);
    assert_eq!(
        users.query().range(User::AGE, 20..).range(User::AGE, ..37).count(),
        4,
        "two conditions on one field"
    );
}

#[test]
fn filters_and_sorting() {
    let users = people();
    let query = users
        .query()
        .filter(|user| user.name.len() == 2)
        .order_by(User::AGE, Order::Desc)
        .order_by(User::NAME, Order::Asc);
    assert_eq!(names(query.all()), ["Di", "Cy", "Ed"]);
    assert_eq!(
        names(users.query().order_by(User::AGE, Order::Asc).order_by(User::NAME, Order::Desc).all()),
        ["Ed", "Bob", "Flo", "Cy", "Ada", "Di"]
    );
    assert_eq!(
        names(users.query().order_by(User::AGE, Order::Desc).all()),
        ["Di", "Cy", "Ada", "Flo", "Bob", "Ed"],
        "ties by key, in the direction of the last sort field"
    );
    assert_eq!(names(users.query().order_by(User::ID, Order::Desc).limit(2).all()), ["Flo", "Ed"]);
}

#[test]
fn limit_and_offset() {
    let users = people();
    let by_name = || users.query().order_by(User::NAME, Order::Asc);
    assert_eq!(names(by_name().limit(2).all()), ["Ada", "Bob"]);
    assert_eq!(names(by_name().offset(4).all()), ["Ed", "Flo"]);
    assert_eq!(names(by_name().offset(1).limit(2).all()), ["Bob", "Cy"]);
    assert_eq!(by_name().limit(0).all(), []);
    assert_eq!(by_name().offset(10).all(), []);
    assert_eq!(names(users.query().order_by(User::AGE, Order::Asc).offset(1).limit(2).all()), ["Bob", "Flo"]);
    assert_eq!(by_name().limit(1).count(), 6, "count ignores the limit");
}

fn all_pages(make: &dyn Fn(Option<Cursor>) -> crate::store::Page<User>) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut cursor = None;
    loop {
        let page = make(cursor.take());
        pages.push(names(page.items));
        match page.next {
            Some(next) => {
                // Cursors survive a round trip through text.
                cursor = Some(next.to_string().parse().unwrap());
            }
            None => return pages,
        }
    }
}

#[test]
fn cursors_page_through_every_order() {
    let users = people();
    let with_cursor = |query: crate::store::TableQuery<'_, User>, cursor: Option<Cursor>| match cursor {
        Some(cursor) => query.after(cursor).page(),
        None => query.page(),
    };
    let streamed =
        all_pages(&|cursor| with_cursor(users.query().order_by(User::AGE, Order::Desc).limit(2), cursor));
    assert_eq!(streamed, [["Di", "Cy"], ["Ada", "Flo"], ["Bob", "Ed"]]);

    let sorted =
        all_pages(&|cursor| with_cursor(users.query().order_by(User::NAME, Order::Desc).limit(4), cursor));
    assert_eq!(sorted, vec![vec!["Flo", "Ed", "Di", "Cy"], vec!["Bob", "Ada"]]);

    let by_key = all_pages(&|cursor| with_cursor(users.query().limit(5), cursor));
    assert_eq!(by_key.concat().len(), 6);

    let by_key_desc =
        all_pages(&|cursor| with_cursor(users.query().order_by(User::ID, Order::Desc).limit(4), cursor));
    assert_eq!(by_key_desc, vec![vec!["Flo", "Ed", "Di", "Cy"], vec!["Bob", "Ada"]]);

    let point = all_pages(&|cursor| with_cursor(users.query().eq(User::AGE, 36).limit(1), cursor));
    assert_eq!(point, [["Ada"], ["Cy"]]);
}

#[test]
fn cursors_stay_correct_when_records_change() {
    let users = people();
    let first = users.query().order_by(User::AGE, Order::Asc).limit(3).page();
    assert_eq!(names(first.items), ["Ed", "Bob", "Flo"]);
    users.delete(&6).unwrap(); // Flo, the last of the page
    users.insert(User::new("al@x.io", 18, "Al")).unwrap(); // before the cursor
    let second = users.query().order_by(User::AGE, Order::Asc).after(first.next.unwrap()).all();
    assert_eq!(names(second), ["Ada", "Cy", "Di"]);
}

#[test]
fn bad_cursors_are_rejected() {
    let error = "zz".parse::<Cursor>().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidCursor);
    assert_eq!(error.status(), 400);
    assert!("abc".parse::<Cursor>().is_err());
    let cursor: Cursor = serde_json::from_str("\"00ff\"").unwrap();
    assert_eq!(serde_json::to_string(&cursor).unwrap(), "\"00ff\"");
}

#[test]
fn pages_serialize() {
    let users = people();
    let page = users.query().order_by(User::ID, Order::Asc).limit(1).page();
    let json = serde_json::to_value(&page).unwrap();
    assert_eq!(json["items"][0]["name"], "Ada");
    assert!(json["next"].is_string());
}

#[test]
fn unique_lookups_of_none_still_sort() {
    let users = people();
    users.update(&2, |user| user.nick = Some("b".into())).unwrap();
    let plan = users.query().eq(User::NICK, None::<String>).order_by(User::ID, Order::Desc).explain();
    assert_eq!(plan.to_string(), "index lookup on `nick`, reversed");
    assert_eq!(
        ids(users.query().eq(User::NICK, None::<String>).order_by(User::ID, Order::Desc).all()),
        [6, 5, 4, 3, 1]
    );
    assert_eq!(ids(users.query().eq(User::NICK, Some("b".to_string())).all()), [2]);
    assert_eq!(users.get_shared(&2).unwrap().nick.as_deref(), Some("b"));
}

fn ids(users: Vec<User>) -> Vec<u64> {
    users.into_iter().map(|user| user.id).collect()
}
