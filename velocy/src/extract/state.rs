//! [`State<T>`]: application state shared by every request.

use super::rejection::MissingState;
use super::{FromRequestParts, Requirements};
use crate::request::RequestParts;

/// A clone of the application state of type `T`, provided with [`App::state`](crate::App::state).
///
/// State is looked up by type. Wrap large or mutable state in `Arc` (and a lock) so cloning is cheap.
/// Building the app fails, naming the route, if a route asks for a `State<T>` that was never provided, so
/// a missing state is found before the first request.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use velocy::State;
///
/// #[derive(Clone, Default)]
/// struct Counter(Arc<Mutex<u64>>);
///
/// async fn hit(State(counter): State<Counter>) -> String {
///     let mut count = counter.0.lock().unwrap();
///     *count += 1;
///     count.to_string()
/// }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct State<T>(pub T);

impl<T: Clone + Send + Sync + 'static> FromRequestParts for State<T> {
    type Rejection = MissingState;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        parts.state::<T>().cloned().map(State).ok_or_else(|| {
            // Never the type's name: that is the server's business. `App::build` reports the type for
            // every route and middleware that asks for it; only hand-written extraction gets here.
            MissingState::new("the app provides no state this request needs")
        })
    }

    fn requirements(requirements: &mut Requirements) {
        requirements.state::<T>();
    }
}

impl<T> std::ops::Deref for State<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}
