//! `#[derive(Record)]` generates what the hand-written `User` of these tests spells out.

use serde::{Deserialize, Serialize};

use crate::store::{FieldSource, IndexInfo, Record, Store};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Record)]
#[record(table = "DerivedUser")]
struct DerivedUser {
    #[key(auto)]
    id: u64,
    #[unique]
    email: String,
    #[index]
    age: u32,
    #[unique]
    nick: Option<String>,
    name: String,
}

#[test]
fn the_derive_matches_the_hand_written_impl() {
    assert_eq!(<DerivedUser as Record>::TABLE, "DerivedUser");
    assert_eq!(<DerivedUser as Record>::KEY_FIELD, "id");
    const { assert!(<DerivedUser as Record>::AUTO_INCREMENT) };
    assert_eq!(
        <DerivedUser as Record>::INDEXES,
        [IndexInfo::unique("email"), IndexInfo::index("age"), IndexInfo::unique("nick")]
    );
    assert_eq!(DerivedUser::ID.source(), FieldSource::Key);
    assert_eq!(DerivedUser::AGE.source(), FieldSource::Index(1));
    assert_eq!(DerivedUser::NAME.source(), FieldSource::Plain);

    let users = Store::memory().table::<DerivedUser>().unwrap();
    let user = users
        .insert(DerivedUser { id: 0, email: "a@x.io".into(), age: 3, nick: None, name: "A".into() })
        .unwrap();
    assert_eq!(user.id, 1);
    assert_eq!(users.get_by(DerivedUser::EMAIL, "a@x.io"), Some(user));
    assert_eq!(users.query().eq(DerivedUser::AGE, 3).count(), 1);
}
