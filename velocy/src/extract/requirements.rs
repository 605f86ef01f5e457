//! [`Requirements`]: what routes need from the application, checked when it is built.

use std::any::TypeId;

use crate::request::StateMap;

/// What an app provides to the extractors of its routes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Provided<'a> {
    pub(crate) state: &'a StateMap,
    pub(crate) request_id: bool,
    /// The app has a secret key for signed and private cookies (`App::secret_key`).
    pub(crate) secret_key: bool,
}

/// What a route's extractors need from the application: state types, and request ids. Building the app
/// compares them with what it provides ([`App::state`](crate::App::state),
/// [`App::request_id`](crate::App::request_id)) and refuses to start if anything is missing, naming the
/// route and what it lacks.
#[derive(Debug, Default, Clone)]
pub struct Requirements {
    pub(crate) states: Vec<(TypeId, &'static str)>,
    pub(crate) request_id: bool,
    pub(crate) secret_key: bool,
    pub(crate) problems: Vec<String>,
}

impl Requirements {
    /// Records that state of type `T` must be provided.
    pub fn state<T: 'static>(&mut self) {
        let id = TypeId::of::<T>();
        if !self.states.iter().any(|(existing, _)| *existing == id) {
            self.states.push((id, std::any::type_name::<T>()));
        }
    }

    /// What `provided` lacks, one sentence each (naming the fix), in declaration order.
    pub(crate) fn unmet(&self, provided: Provided<'_>) -> Vec<String> {
        let mut unmet: Vec<String> = self
            .states
            .iter()
            .filter(|(id, _)| !provided.state.contains(*id))
            .map(|(_, type_name)| {
                format!(
                    "uses `State<{type_name}>` but the app provides no state of that type; add `.state(value)` \
                     to the App"
                )
            })
            .collect();
        if self.request_id && !provided.request_id {
            unmet.push(
                "uses `RequestId` but the app gives requests no id; add `.request_id(RequestIdConfig::new())` \
                 to the App"
                    .to_owned(),
            );
        }
        unmet.extend(self.problems.iter().cloned());
        if self.secret_key && !provided.secret_key {
            unmet.push(
                "uses signed or private cookies (a signed or private jar, sessions or CSRF tokens) but the app \
                 has no secret key; add `.secret_key(SecretKey::new(..))` to the App with at least 32 random \
                 bytes, for example from an environment variable (debug builds use a random key per run)"
                    .to_owned(),
            );
        }
        unmet
    }

    /// Records that the app must give requests ids ([`App::request_id`](crate::App::request_id)).
    pub fn request_id(&mut self) {
        self.request_id = true;
    }

    /// Records a problem with the configuration of the middleware or extractor itself (such as CORS
    /// credentials allowed for any origin), reported when the app is built like a missing state. Phrase it
    /// to follow the middleware's name: "allows credentials for any origin; …".
    pub fn problem(&mut self, message: impl Into<String>) {
        let message = message.into();
        if !self.problems.contains(&message) {
            self.problems.push(message);
        }
    }

    /// Records that the app must have a secret key for signed and private cookies
    /// (`App::secret_key`, cargo feature `cookies`). Debug builds without one use a random key per run;
    /// release builds refuse to build.
    pub fn secret_key(&mut self) {
        self.secret_key = true;
    }
}
