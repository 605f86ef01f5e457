//! `POST /api/uploads`: a multipart upload (a file and an optional description) stored in the upload
//! directory and then served as a static file at `/uploads/<stored name>`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use velocy::multipart::{FromMultipart, MultipartForm, TempFile};
use velocy::prelude::*;
use velocy::response::Created;

/// The largest file `POST /api/uploads` accepts, in bytes (10 MiB); larger answers 413.
pub const MAX_UPLOAD_BYTES: u64 = 10 * 1024 * 1024;

/// Where uploaded files are kept; cloning shares the directory.
#[derive(Debug, Clone)]
pub struct UploadDir {
    path: Arc<PathBuf>,
    next_id: Arc<AtomicU64>,
    /// A temporary directory, removed with the last clone; `None` for a directory that stays.
    _temporary: Option<Arc<tempfile::TempDir>>,
}

impl UploadDir {
    /// The uploads in `dir`, created if missing; they survive a restart.
    ///
    /// # Errors
    /// When the directory cannot be created.
    pub fn open(dir: impl Into<PathBuf>) -> std::io::Result<Self> {
        let path = dir.into();
        std::fs::create_dir_all(&path)?;
        Ok(Self { path: Arc::new(path), next_id: Arc::default(), _temporary: None })
    }

    /// A fresh temporary directory, deleted with its files when the last clone is dropped (tests and
    /// `--memory`).
    ///
    /// # Errors
    /// When the system's temporary directory cannot be written.
    pub fn temporary() -> std::io::Result<Self> {
        let temporary = tempfile::Builder::new().prefix("velocy-demo-uploads-").tempdir()?;
        Ok(Self {
            path: Arc::new(temporary.path().to_owned()),
            next_id: Arc::default(),
            _temporary: Some(Arc::new(temporary)),
        })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A name no other upload of this directory has: the time in microseconds and a counter, then the
    /// client's file name reduced to ASCII letters, digits, `.`, `-` and `_` (so the URL needs no escaping).
    fn stored_name(&self, client_name: Option<&str>) -> String {
        let micros = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_micros());
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let safe: String = client_name
            .unwrap_or("upload")
            .chars()
            .map(|character| {
                if character.is_ascii_alphanumeric() || matches!(character, '.' | '-' | '_') {
                    character
                } else {
                    '_'
                }
            })
            .take(100)
            .collect();
        format!("{micros:x}-{id}-{}", safe.trim_start_matches('.'))
    }
}

/// The form of `POST /api/uploads`.
#[derive(Debug, FromMultipart)]
pub struct NewUpload {
    /// The file, streamed to a temporary file as it arrives; at most [`MAX_UPLOAD_BYTES`].
    #[multipart(limit = 10_485_760)]
    pub file: TempFile,
    /// What the file is, optional.
    pub description: Option<String>,
}

/// What `POST /api/uploads` answers with.
#[derive(Debug, Serialize)]
pub struct Uploaded {
    /// The client's file name, cleaned of any directory part.
    pub file_name: String,
    /// The name it is stored and served under.
    pub stored_as: String,
    /// Its size in bytes.
    pub size: u64,
    /// The media type the client declared (`application/octet-stream` when it declared none).
    pub content_type: String,
    /// The description sent with it.
    pub description: Option<String>,
    /// Where it is served: `/uploads/<stored_as>`.
    pub url: String,
}

/// `POST /api/uploads`: `201` + `Location` with the stored file's metadata; 400 without a file part, 413
/// past [`MAX_UPLOAD_BYTES`], 415 for a body that is not `multipart/form-data`.
#[post("/uploads")]
pub async fn create_upload(
    MultipartForm(upload): MultipartForm<NewUpload>,
    State(dir): State<UploadDir>,
) -> Result<Created<Json<Uploaded>>, HttpError> {
    let file_name = upload.file.file_name().unwrap_or_else(|| "upload".to_owned());
    let stored_as = dir.stored_name(Some(&file_name));
    let size = upload.file.size();
    let content_type = upload.file.content_type().unwrap_or("application/octet-stream").to_owned();
    upload.file.persist(dir.path().join(&stored_as)).await.map_err(HttpError::internal)?;
    let url = format!("/uploads/{stored_as}");
    let body = Uploaded { file_name, stored_as, size, content_type, description: upload.description, url };
    Ok(Created::at(&body.url.clone(), Json(body)))
}
