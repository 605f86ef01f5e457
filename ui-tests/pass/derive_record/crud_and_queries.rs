// Every mark: `#[key(auto)]`, `#[unique]` (also on an `Option`), `#[index]` and a plain field; the
// generated field constants in queries; CRUD through the table.
use serde::{Deserialize, Serialize};
use velocy::store::{Access, Order, Record, Store};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Record)]
pub struct User {
    #[key(auto)]
    pub id: u64,
    #[unique]
    pub email: String,
    #[unique]
    pub nick: Option<String>,
    #[index]
    pub age: u32,
    name: String,
}

fn main() {
    assert_eq!(<User as Record>::TABLE, "User");
    assert_eq!(<User as Record>::KEY_FIELD, "id");
    assert!(<User as Record>::AUTO_INCREMENT);
    assert_eq!(<User as Record>::INDEXES.len(), 3);
    assert_eq!(User::NAME.name(), "name");

    let users = Store::memory().table::<User>().unwrap();
    let ada = users
        .insert(User { id: 0, email: "ada@x.io".into(), nick: None, age: 36, name: "Ada".into() })
        .unwrap();
    assert_eq!(ada.id, 1);
    users.insert(User { id: 0, email: "bob@x.io".into(), nick: None, age: 25, name: "Bob".into() }).unwrap();
    assert_eq!(users.get_by(User::EMAIL, "bob@x.io").unwrap().id, 2);
    assert!(users.insert(User { id: 0, email: "ada@x.io".into(), nick: None, age: 1, name: "x".into() }).is_err());

    users.update(&2, |user| user.nick = Some("b".into())).unwrap();
    let plan = users.query().range(User::AGE, 30..).explain();
    assert_eq!(plan.access(), Access::IndexRange("age"));
    let names: Vec<String> =
        users.query().order_by(User::NAME, Order::Desc).all().into_iter().map(|user| user.name).collect();
    assert_eq!(names, ["Bob", "Ada"]);
    assert_eq!(users.delete(&1).unwrap().map(|user| user.age), Some(36));
}
