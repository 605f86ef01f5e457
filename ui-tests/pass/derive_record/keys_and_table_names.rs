// A string key without auto-increment, a tuple index, a raw identifier, a renamed table, and a record
// used from another module through its public field constants.
mod model {
    use serde::{Deserialize, Serialize};
    use velocy::Record;

    #[derive(Clone, Serialize, Deserialize, Record)]
    #[record(table = "sessions")]
    pub struct Session {
        #[key]
        pub token: String,
        #[index]
        pub owner: (u64, bool),
        pub r#type: String,
        secret: [u8; 4],
    }

    impl Session {
        pub fn new(token: &str, owner: u64) -> Self {
            Session { token: token.into(), owner: (owner, true), r#type: "web".into(), secret: [0; 4] }
        }
    }
}

use model::Session;
use velocy::store::{Order, Record, Store};

fn main() {
    assert_eq!(<Session as Record>::TABLE, "sessions");
    assert!(!<Session as Record>::AUTO_INCREMENT);
    let sessions = Store::memory().table::<Session>().unwrap();
    sessions.insert(Session::new("b", 7)).unwrap();
    sessions.insert(Session::new("a", 7)).unwrap();
    sessions.insert(Session::new("c", 8)).unwrap();
    assert_eq!(sessions.get("a").map(|session| session.owner), Some((7, true)));
    assert_eq!(sessions.query().eq(Session::OWNER, (7, true)).count(), 2);
    let tokens: Vec<String> = sessions
        .query()
        .order_by(Session::TYPE, Order::Asc)
        .order_by(Session::TOKEN, Order::Desc)
        .all()
        .into_iter()
        .map(|session| session.token)
        .collect();
    assert_eq!(tokens, ["c", "b", "a"]);
}
