//! [`Requirements`]: what routes need from the application, checked when it is built.

use std::any::TypeId;

/// The application state types a route's extractors need. Building the app compares them with the state
/// provided through [`App::state`](crate::App::state) and refuses to start if any is missing, naming the
/// route and the type.
#[derive(Debug, Default, Clone)]
pub struct Requirements {
    pub(crate) states: Vec<(TypeId, &'static str)>,
}

impl Requirements {
    /// Records that state of type `T` must be provided.
    pub fn state<T: 'static>(&mut self) {
        let id = TypeId::of::<T>();
        if !self.states.iter().any(|(existing, _)| *existing == id) {
            self.states.push((id, std::any::type_name::<T>()));
        }
    }
}
