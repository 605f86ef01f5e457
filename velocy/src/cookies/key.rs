//! [`SecretKey`]: the app's secret for signed and private cookies, with the older secrets still accepted
//! while keys rotate; and [`Keys`], the verified set the extractors use.

use std::fmt;
use std::sync::Arc;

use cookie::{Cookie, CookieJar as RawJar, Key};

use crate::request::RequestParts;

/// 32 bytes (256 bits): the shortest secret accepted.
pub const MIN_SECRET_BYTES: usize = 32;

/// The length of the signature the `cookie` crate puts before a signed value: base64 of an HMAC-SHA256
/// tag (32 bytes), with padding.
#[cfg_attr(not(any(feature = "session", feature = "csrf")), allow(dead_code))]
const SIGNATURE_CHARS: usize = 44;

/// What is called with a cookie that failed verification: the request and the cookie's name.
type RejectedHook = Arc<dyn Fn(&RequestParts, &str) + Send + Sync>;

/// The app's secret for signed (HMAC-SHA256) and private (AES-256-GCM) cookies, given to
/// [`App::secret_key`](crate::App::secret_key).
///
/// The secret is at least [`MIN_SECRET_BYTES`] (32 bytes, 256 bits) of random data, such as 64 hex or 44
/// base64 characters from a secrets manager or an environment variable; the signing and encryption keys
/// are derived from it with HKDF-SHA256 (the `cookie` crate's `Key::derive_from`). A shorter secret is a
/// build error ([`App::build`](crate::App::build)), so is one whose bytes are all equal.
///
/// **Rotation.** [`previous`](Self::previous) adds a secret that is still accepted for *reading*:
/// cookies signed or encrypted with it verify, and are re-issued with the current secret the next time a
/// handler writes them. Drop the old secret once the cookies made with it have expired.
///
/// **Failed verification.** A signed or private cookie that fails verification (tampered, or made with a
/// key the app no longer has) reads as absent; [`on_rejected`](Self::on_rejected) observes it.
///
/// **Debug builds** without a secret get a random one for the run, so signed cookies work at once but do
/// not survive a restart; in **release builds** an app whose routes or middleware use signed or private
/// cookies (the signed and private jars, sessions, CSRF) and has no secret fails to build.
///
/// ```
/// use velocy::cookies::SecretKey;
/// use velocy::App;
///
/// let secret = "an example secret that is long enough: 32+ bytes";
/// let app = App::new().secret_key(SecretKey::new(secret).previous("the secret used until last month!!"));
/// # let _ = app;
/// ```
#[derive(Clone)]
#[must_use = "a `SecretKey` does nothing until given to `App::secret_key`"]
pub struct SecretKey {
    current: Vec<u8>,
    previous: Vec<Vec<u8>>,
    on_rejected: Option<RejectedHook>,
}

impl SecretKey {
    /// A secret from its bytes (checked when the app is built: at least 32 bytes, not all equal).
    pub fn new(secret: impl AsRef<[u8]>) -> Self {
        Self { current: secret.as_ref().to_vec(), previous: Vec::new(), on_rejected: None }
    }

    /// A random secret (32 bytes from the operating system's CSPRNG): cookies made with it do not outlive
    /// the process. For tests, and for apps that keep no cookie across restarts.
    ///
    /// # Panics
    /// When the operating system has no randomness to give (never on a supported platform).
    pub fn generate() -> Self {
        let mut secret = vec![0; MIN_SECRET_BYTES];
        getrandom::getrandom(&mut secret).expect("the operating system's random number generator failed");
        Self::new(secret)
    }

    /// Adds an older secret still accepted for reading cookies; may be called several times.
    pub fn previous(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.previous.push(secret.as_ref().to_vec());
        self
    }

    /// Calls `hook` with the request and the cookie's name whenever a signed or private cookie fails
    /// verification (it then reads as absent). For logs and metrics: it must not block.
    pub fn on_rejected(mut self, hook: impl Fn(&RequestParts, &str) + Send + Sync + 'static) -> Self {
        self.on_rejected = Some(Arc::new(hook));
        self
    }

    /// Checks the secrets and derives the keys; the problems found, one sentence each.
    pub(crate) fn into_keys(self) -> Result<Keys, Vec<String>> {
        let mut problems = Vec::new();
        let mut derive = |secret: &[u8], which: &str| {
            if secret.len() < MIN_SECRET_BYTES {
                problems.push(format!(
                    "the {which} secret key is {} bytes long; signed and private cookies need at least \
                     {MIN_SECRET_BYTES} bytes (256 bits) of random data",
                    secret.len()
                ));
                None
            } else if secret.iter().all(|byte| *byte == secret[0]) {
                problems.push(format!("the {which} secret key repeats one byte; use random data"));
                None
            } else {
                Some(Key::derive_from(secret))
            }
        };
        let current = derive(&self.current, "current");
        let previous: Vec<Option<Key>> =
            self.previous.iter().map(|secret| derive(secret, "previous")).collect();
        match current {
            Some(current) if problems.is_empty() => Ok(Keys(Arc::new(KeysInner {
                current,
                previous: previous.into_iter().flatten().collect(),
                on_rejected: self.on_rejected,
            }))),
            _ => Err(problems),
        }
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secret itself: debug output ends up in logs.
        f.debug_struct("SecretKey")
            .field("current", &"<redacted>")
            .field("previous", &self.previous.len())
            .field("on_rejected", &self.on_rejected.is_some())
            .finish()
    }
}

/// The app's verified keys, kept as app state by [`App::build`](crate::App::build): the current key
/// signs and encrypts, every key verifies and decrypts. Cheap to clone.
#[derive(Clone)]
pub struct Keys(Arc<KeysInner>);

struct KeysInner {
    current: Key,
    previous: Vec<Key>,
    on_rejected: Option<RejectedHook>,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keys").field("previous", &self.0.previous.len()).finish_non_exhaustive()
    }
}

impl Keys {
    /// The app's keys, from its state; `None` when it has none (a release build without
    /// [`App::secret_key`](crate::App::secret_key), which the build refuses for routes that need one).
    pub(crate) fn of(parts: &RequestParts) -> Option<&Keys> {
        parts.state::<Keys>()
    }

    /// `cookie` with its value signed (HMAC-SHA256, tamper-evident but readable by the client).
    pub fn sign(&self, cookie: Cookie<'static>) -> Cookie<'static> {
        let name = cookie.name().to_owned();
        let mut jar = RawJar::new();
        jar.signed_mut(&self.0.current).add(cookie);
        jar.get(&name).cloned().unwrap_or_else(|| Cookie::new(name, ""))
    }

    /// `cookie` with its value encrypted and authenticated (AES-256-GCM: neither readable nor forgeable).
    pub fn encrypt(&self, cookie: Cookie<'static>) -> Cookie<'static> {
        let name = cookie.name().to_owned();
        let mut jar = RawJar::new();
        jar.private_mut(&self.0.current).add(cookie);
        jar.get(&name).cloned().unwrap_or_else(|| Cookie::new(name, ""))
    }

    /// The signed `cookie` with its original value, when a key of the app signed it.
    pub fn verify(&self, cookie: &Cookie<'_>) -> Option<Cookie<'static>> {
        self.open(cookie, |jar, key| jar.signed(key).get(cookie.name()))
    }

    /// The private `cookie` decrypted, when a key of the app encrypted it.
    pub fn decrypt(&self, cookie: &Cookie<'_>) -> Option<Cookie<'static>> {
        self.open(cookie, |jar, key| jar.private(key).get(cookie.name()))
    }

    /// Tries every key, current first.
    fn open(
        &self,
        cookie: &Cookie<'_>,
        read: impl Fn(&RawJar, &Key) -> Option<Cookie<'static>>,
    ) -> Option<Cookie<'static>> {
        let mut jar = RawJar::new();
        jar.add_original(Cookie::new(cookie.name().to_owned(), cookie.value().to_owned()));
        std::iter::once(&self.0.current).chain(&self.0.previous).find_map(|key| read(&jar, key))
    }

    /// `cookie` signed for one `purpose` (such as `"session"` or `"csrf"`): the signature covers
    /// `purpose:value`, so a cookie signed for one purpose never verifies for another, even with the same
    /// key and the same shape of value. The value sent is the original one with that signature.
    #[cfg_attr(not(any(feature = "session", feature = "csrf")), allow(dead_code))]
    pub(crate) fn sign_for(&self, purpose: &str, cookie: Cookie<'static>) -> Cookie<'static> {
        let mut tagged = cookie;
        tagged.set_value(format!("{purpose}:{}", tagged.value()));
        let signed = self.sign(tagged);
        // `signature || purpose:value` → `signature || value`: the purpose is implied, never sent.
        let mut sent = signed.clone();
        sent.set_value(signed.value().replacen(&format!("{purpose}:"), "", 1));
        sent
    }

    /// The value of a cookie made by [`Keys::sign_for`] with the same `purpose`, when it verifies.
    #[cfg_attr(not(any(feature = "session", feature = "csrf")), allow(dead_code))]
    pub(crate) fn verify_for(&self, purpose: &str, cookie: &Cookie<'_>) -> Option<String> {
        // The signature is the first 44 characters (base64 of 32 bytes), as the `cookie` crate writes it.
        let value = cookie.value();
        let split = value.char_indices().nth(SIGNATURE_CHARS).map(|(index, _)| index)?;
        let (signature, rest) = value.split_at(split);
        let tagged = Cookie::new(cookie.name().to_owned(), format!("{signature}{purpose}:{rest}"));
        let verified = self.verify(&tagged)?;
        verified.value().strip_prefix(purpose).and_then(|rest| rest.strip_prefix(':')).map(str::to_owned)
    }

    /// Reports a cookie that failed verification to the app's [`SecretKey::on_rejected`] hook.
    pub(crate) fn rejected(&self, parts: &RequestParts, name: &str) {
        if let Some(hook) = &self.0.on_rejected {
            hook(parts, name);
        }
    }

    /// A random key for a debug build without a secret.
    pub(crate) fn generated() -> Keys {
        match SecretKey::generate().into_keys() {
            Ok(keys) => keys,
            Err(_) => unreachable!("a generated secret is long and random"),
        }
    }
}
