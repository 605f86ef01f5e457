#![doc = include_str!("../docs/files.md")]

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use http::{HeaderValue, Method, StatusCode};
use tokio::sync::Semaphore;

use crate::routing::{Route, Router};

mod body;
mod listing;
pub(crate) mod path;
mod rejection;
mod serve;

pub use rejection::{FileForbidden, FileNotFound, FileReadError, FilesBusy, InvalidFilePath};
use serve::FileRequest;

/// Whether names starting with `.` (`.env`, `.git/config`) are served.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Dotfiles {
    /// Answer `404 Not Found` for any path with a segment starting with `.`, or (unless
    /// [`Symlinks::Follow`]) whose canonical path below the root has one, and leave them out of listings
    /// (the default).
    #[default]
    Hide,
    /// Serve them like any other file.
    Allow,
}

/// Which symbolic links under the root are followed. Checked by canonicalizing the resolved path (every
/// link in it resolved) and comparing it with the canonical root (resolved again at most once a second);
/// a link that is refused answers `404`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Symlinks {
    /// Follow links whose target lies inside the root; refuse those that point outside it (the default).
    #[default]
    WithinRoot,
    /// Follow no link at all: the canonical path must be the root joined with the request's names.
    Deny,
    /// Follow every link, wherever it points (no canonicalization: for roots you fully control).
    Follow,
}

/// A content coding of a precompressed sibling file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Zstd,
    Gzip,
}

impl Encoding {
    /// In the order ties are broken: br > zstd > gzip.
    const ALL: [Self; 3] = [Self::Brotli, Self::Zstd, Self::Gzip];

    fn token(self) -> &'static str {
        match self {
            Self::Brotli => "br",
            Self::Zstd => "zstd",
            Self::Gzip => "gzip",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Self::Brotli => "br",
            Self::Zstd => "zst",
            Self::Gzip => "gz",
        }
    }
}

/// Which responses are marked immutable.
#[derive(Clone, Default)]
enum Immutable {
    #[default]
    Never,
    Always,
    When(Arc<dyn Fn(&str) -> bool + Send + Sync>),
}

impl fmt::Debug for Immutable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Never => f.write_str("Never"),
            Self::Always => f.write_str("Always"),
            Self::When(_) => f.write_str("When(..)"),
        }
    }
}

/// The `Cache-Control` sent for immutable files: one year, never revalidated (RFC 8246).
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");

/// The settings shared by [`ServeDir`] and [`ServeFile`].
#[derive(Debug, Clone)]
struct Config {
    encodings: Vec<Encoding>,
    index_files: Vec<String>,
    listing: bool,
    listing_limit: usize,
    dotfiles: Dotfiles,
    symlinks: Symlinks,
    cache_control: Option<HeaderValue>,
    immutable: Immutable,
    chunk_size: usize,
    max_ranges: usize,
    max_open_files: usize,
    open_timeout: Duration,
    redirect: StatusCode,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            encodings: Vec::new(),
            index_files: vec!["index.html".to_owned()],
            listing: false,
            listing_limit: ServeDir::DEFAULT_LISTING_LIMIT,
            dotfiles: Dotfiles::Hide,
            symlinks: Symlinks::WithinRoot,
            cache_control: Some(HeaderValue::from_static("public, max-age=0")),
            immutable: Immutable::Never,
            chunk_size: ServeDir::DEFAULT_CHUNK_SIZE,
            max_ranges: crate::conditional::RangeRequest::DEFAULT_MAX_RANGES,
            max_open_files: ServeDir::DEFAULT_MAX_OPEN_FILES,
            open_timeout: ServeDir::DEFAULT_OPEN_TIMEOUT,
            redirect: StatusCode::PERMANENT_REDIRECT,
        }
    }
}

impl Config {
    fn enable(&mut self, encoding: Encoding) {
        if !self.encodings.contains(&encoding) {
            self.encodings.push(encoding);
            // Keep the tie-breaking order whatever the order of the calls.
            self.encodings.sort_by_key(|enabled| Encoding::ALL.iter().position(|e| e == enabled));
        }
    }
}

/// What a mounted service shares between its requests: the settings, the canonical root (re-read at most
/// once per [`ROOT_TTL`]) and the open-file permits.
#[derive(Debug)]
struct Shared {
    config: Config,
    target: Target,
    canonical_root: Mutex<Option<(PathBuf, Instant)>>,
    open_files: Arc<Semaphore>,
}

#[derive(Debug, Clone)]
enum Target {
    Dir(PathBuf),
    File(PathBuf),
}

macro_rules! shared_options {
    () => {
        /// Serves the Brotli sibling (`name.br`) when the client accepts `br` (off by default).
        pub fn precompressed_br(mut self) -> Self {
            self.config.enable(Encoding::Brotli);
            self
        }

        /// Serves the Zstandard sibling (`name.zst`) when the client accepts `zstd` (off by default).
        pub fn precompressed_zstd(mut self) -> Self {
            self.config.enable(Encoding::Zstd);
            self
        }

        /// Serves the gzip sibling (`name.gz`) when the client accepts `gzip` (off by default).
        pub fn precompressed_gzip(mut self) -> Self {
            self.config.enable(Encoding::Gzip);
            self
        }

        /// Serves every precompressed sibling: `.br`, `.zst` and `.gz`. The sibling is chosen by the
        /// `Accept-Encoding` q-values (RFC 9110 §12.5.3), ties going to br, then zstd, then gzip; with no
        /// `Accept-Encoding` header, or when `identity` has a higher quality, the original is sent.
        /// Responses then carry `Content-Encoding` (for a sibling), the original's `Content-Type`, an
        /// entity tag of their own, and `Vary: accept-encoding` (always, siblings or not).
        pub fn precompressed(self) -> Self {
            self.precompressed_br().precompressed_zstd().precompressed_gzip()
        }

        /// The `Cache-Control` of file responses (200, 206, 304); `None` sends none. Default
        /// `public, max-age=0`: caches keep the file but revalidate it on each use (cheap, with the
        /// entity tag). An invalid header value is ignored (the default stays).
        pub fn cache_control(mut self, value: Option<&str>) -> Self {
            match value {
                None => self.config.cache_control = None,
                Some(text) => {
                    if let Ok(value) = HeaderValue::from_str(text) {
                        self.config.cache_control = Some(value);
                    }
                }
            }
            self
        }

        /// Marks every file immutable: `Cache-Control: public, max-age=31536000, immutable` (RFC 8246)
        /// instead of [`cache_control`](Self::cache_control). For content-addressed names only.
        pub fn immutable(mut self) -> Self {
            self.config.immutable = Immutable::Always;
            self
        }

        /// Marks immutable the files whose path below the root (decoded, `/`-separated, such as
        /// `assets/app.3f9a1c2b.js`) satisfies `predicate`; [`is_hashed_name`] recognizes the usual
        /// bundler names.
        pub fn immutable_when(mut self, predicate: impl Fn(&str) -> bool + Send + Sync + 'static) -> Self {
            self.config.immutable = Immutable::When(Arc::new(predicate));
            self
        }

        /// The size, in bytes, of each read from the file, which bounds the memory one response holds; a
        /// body no larger is read at once and answered from memory. Default 64 KiB; clamped to 1 byte …
        /// 16 MiB.
        pub fn chunk_size(mut self, bytes: usize) -> Self {
            self.config.chunk_size = bytes.clamp(1, 16 * 1024 * 1024);
            self
        }

        /// The most range-specs a `Range` header may hold; one with more is ignored and the whole file
        /// sent with 200 (RFC 9110 §14.2 allows it). Default 16; at least 1.
        pub fn max_ranges(mut self, max: usize) -> Self {
            self.config.max_ranges = max.max(1);
            self
        }

        /// The most files (and listed directories) this service keeps open at once, across all its
        /// responses: a file whose body is larger than one [`chunk_size`](Self::chunk_size) stays open
        /// until its body is sent; `HEAD` and `304` answers open none. Default 256; clamped to 1 …
        /// [`Semaphore::MAX_PERMITS`](tokio::sync::Semaphore::MAX_PERMITS).
        pub fn max_open_files(mut self, max: usize) -> Self {
            self.config.max_open_files = max.clamp(1, Semaphore::MAX_PERMITS);
            self
        }

        /// How long a request waits for a free open-file slot (see
        /// [`max_open_files`](Self::max_open_files)) before it is answered `503 Service Unavailable` with
        /// `Retry-After: 1`. Default 10 s.
        pub fn open_timeout(mut self, timeout: Duration) -> Self {
            self.config.open_timeout = timeout;
            self
        }
    };
}

/// Serves the files under a directory: `GET` and `HEAD`, with entity tags, conditional requests, ranges,
/// precompressed siblings, index files and an optional listing. See the [module docs](self).
///
/// ```no_run
/// use velocy::files::ServeDir;
/// use velocy::App;
///
/// # async fn run() -> velocy::Result<()> {
/// App::new()
///     .merge(ServeDir::new("public/assets").precompressed().router("/assets"))
///     .merge(ServeDir::new("public").fallback())
///     .listen("127.0.0.1:3000")
///     .await
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ServeDir {
    root: PathBuf,
    config: Config,
}

impl ServeDir {
    /// The default read size: 64 KiB.
    pub const DEFAULT_CHUNK_SIZE: usize = 64 * 1024;
    /// The default cap on open files: 256.
    pub const DEFAULT_MAX_OPEN_FILES: usize = 256;
    /// The default wait for an open-file slot: 10 seconds.
    pub const DEFAULT_OPEN_TIMEOUT: Duration = Duration::from_secs(10);
    /// The default cap on the entries of a directory listing: 1000.
    pub const DEFAULT_LISTING_LIMIT: usize = 1000;

    /// Serves the directory `root`. The directory is not read until the first request: a missing root
    /// answers 404.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into(), config: Config::default() }
    }

    shared_options!();

    /// The files tried, in order, for a path naming a directory (default `["index.html"]`; empty for
    /// none).
    pub fn index_files<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.config.index_files = names.into_iter().map(Into::into).collect();
        self
    }

    /// Lists a directory that has no index file as an HTML page (off by default: such a directory is a
    /// 404). Names are sorted, HTML-escaped and linked percent-encoded; dotfiles are left out unless
    /// [`Dotfiles::Allow`]; at most [`listing_limit`](Self::listing_limit) entries are shown.
    pub fn listing(mut self, enabled: bool) -> Self {
        self.config.listing = enabled;
        self
    }

    /// The most entries a listing shows (default 1000); the page says when some were left out.
    pub fn listing_limit(mut self, max: usize) -> Self {
        self.config.listing_limit = max;
        self
    }

    /// Whether dotfiles are served (default [`Dotfiles::Hide`]).
    pub fn dotfiles(mut self, policy: Dotfiles) -> Self {
        self.config.dotfiles = policy;
        self
    }

    /// Which symbolic links are followed (default [`Symlinks::WithinRoot`]).
    pub fn symlinks(mut self, policy: Symlinks) -> Self {
        self.config.symlinks = policy;
        self
    }

    /// The status of the redirect from a directory path without its trailing slash (`/docs`) to the path
    /// with it (`/docs/`, query kept): `308 Permanent Redirect` by default; `301`, `302`, `303` and `307`
    /// are also accepted (anything else is ignored).
    pub fn redirect_status(mut self, status: StatusCode) -> Self {
        if status.is_redirection()
            && status != StatusCode::NOT_MODIFIED
            && status != StatusCode::MULTIPLE_CHOICES
        {
            self.config.redirect = status;
        }
        self
    }

    /// The routes serving this directory under `prefix` (such as `/static`): `GET` and `HEAD` on
    /// `{prefix}/*path` and on `{prefix}` itself, which serves the root directory (its index file or
    /// listing) directly, since a route pattern cannot end in `/` (`{prefix}/` reaches it only under
    /// [`TrailingSlash::Ignore`](crate::routing::TrailingSlash::Ignore)). A prefix of `/` or `""` gives
    /// the same routes as [`fallback`](Self::fallback).
    #[track_caller]
    pub fn router(self, prefix: &str) -> Router {
        let prefix = prefix.trim_end_matches('/');
        let shared = Arc::new(Shared {
            open_files: Arc::new(Semaphore::new(self.config.max_open_files)),
            config: self.config,
            target: Target::Dir(self.root),
            canonical_root: Mutex::new(None),
        });
        let root_pattern = if prefix.is_empty() { "/".to_owned() } else { prefix.to_owned() };
        Router::new()
            .route(route(&root_pattern, Arc::clone(&shared)))
            .route(route(&format!("{prefix}/*path"), shared))
    }

    /// The routes serving this directory at `/` and `/*path`: every path that no other route matches,
    /// since static segments and parameters win over a catch-all wherever they are (see
    /// [`routing`](crate::routing)). Other methods on such paths answer `405`.
    #[track_caller]
    pub fn fallback(self) -> Router {
        self.router("/")
    }
}

/// Serves one file: `GET` and `HEAD` on the route it is mounted on, with the same HTTP handling as
/// [`ServeDir`] (entity tag, conditional requests, ranges, precompressed siblings).
///
/// ```
/// use velocy::files::ServeFile;
/// use velocy::App;
///
/// let app = App::new().route(ServeFile::new("public/favicon.ico").route("/favicon.ico"));
/// # let _ = app;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ServeFile {
    path: PathBuf,
    config: Config,
}

impl ServeFile {
    /// Serves the file at `path` (read on each request: a missing file answers 404). Its `Content-Type`
    /// is guessed from its extension.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        // The file was named by the application: no symlink or dotfile rule applies to it.
        let config = Config { symlinks: Symlinks::Follow, dotfiles: Dotfiles::Allow, ..Config::default() };
        Self { path: path.into(), config }
    }

    shared_options!();

    /// The route serving the file on `pattern` for `GET` and `HEAD`.
    #[track_caller]
    pub fn route(self, pattern: &str) -> Route {
        let shared = Arc::new(Shared {
            open_files: Arc::new(Semaphore::new(self.config.max_open_files)),
            config: self.config,
            target: Target::File(self.path),
            canonical_root: Mutex::new(None),
        });
        route(pattern, shared)
    }
}

/// The `GET`/`HEAD` route on `pattern`, named after what it serves in the route table, located at the
/// application's call.
#[track_caller]
fn route(pattern: &str, shared: Arc<Shared>) -> Route {
    let name = match &shared.target {
        Target::Dir(root) => format!("ServeDir({})", root.display()),
        Target::File(path) => format!("ServeFile({})", path.display()),
    };
    let handler = move |request: FileRequest| {
        let shared = Arc::clone(&shared);
        async move { serve::serve(&shared, request).await }
    };
    Route::new(Method::GET, pattern, handler).with_methods([Method::GET, Method::HEAD]).named(name)
}

/// Whether a path's file name looks content-hashed, as bundlers write them (`app.3f9a1c2b.js`,
/// `index-BQb2p7Xd.css`, `chunk.8f7e6d5c4b3a.mjs`): a part of the name after the first, separated by
/// `.` or `-`, of 8 or more ASCII letters, digits or `_`, with at least one digit. For
/// [`ServeDir::immutable_when`].
///
/// ```
/// use velocy::files::is_hashed_name;
///
/// assert!(is_hashed_name("assets/app.3f9a1c2b.js"));
/// assert!(is_hashed_name("index-BQb2p7Xd.css"));
/// assert!(!is_hashed_name("index.html"));
/// assert!(!is_hashed_name("my-stylesheet.css"));
/// ```
pub fn is_hashed_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut parts = name.split(['.', '-']);
    parts.next();
    let mut parts: Vec<&str> = parts.collect();
    // The last part after a `.` is the extension.
    if name.contains('.') {
        parts.pop();
    }
    parts.iter().any(|part| {
        part.len() >= 8
            && part.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
            && part.bytes().any(|byte| byte.is_ascii_digit())
    })
}

/// How long a canonical root is reused before it is resolved again, so a deploy that swaps a
/// `public -> releases/vN` link is seen within this delay.
const ROOT_TTL: Duration = Duration::from_secs(1);

impl Shared {
    /// The canonical root, resolved again when the cached one is older than [`ROOT_TTL`]. Blocking: called
    /// from the one blocking task of a request.
    fn canonical_root(&self, root: &Path) -> std::io::Result<PathBuf> {
        let now = Instant::now();
        {
            let cached = self.canonical_root.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((canonical, at)) = cached.as_ref() {
                if now.saturating_duration_since(*at) < ROOT_TTL {
                    return Ok(canonical.clone());
                }
            }
        }
        let canonical = std::fs::canonicalize(root)?;
        *self.canonical_root.lock().unwrap_or_else(PoisonError::into_inner) = Some((canonical.clone(), now));
        Ok(canonical)
    }
}

#[cfg(test)]
mod tests;
