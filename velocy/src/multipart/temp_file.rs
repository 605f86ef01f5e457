//! [`TempFile`]: an uploaded file streamed to a temp file as it arrives.

use std::io;
use std::path::{Path, PathBuf};

use tempfile::TempPath;
use tokio::io::AsyncWriteExt;

use super::rejection::{MultipartRejection, TempFileFailed};
use super::Field;

/// A file part written to a temp file in [`MultipartConfig::temp_dir`](super::MultipartConfig::temp_dir)
/// chunk by chunk as it arrives, never held in memory whole. The file is deleted when the `TempFile` is
/// dropped unless [`persist`](Self::persist)ed; a failed or aborted upload (limit exceeded, client gone)
/// leaves nothing behind.
///
/// As a field of a [`#[derive(FromMultipart)]`](derive@super::FromMultipart) struct it takes a file
/// part; [`Field::into_temp_file`] makes one from a streamed field.
#[derive(Debug)]
pub struct TempFile {
    path: TempPath,
    field_name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    size: u64,
}

impl TempFile {
    /// Streams `field` into a new temp file, counting it against the field's limit.
    pub(crate) async fn from_field(mut field: Field) -> Result<Self, MultipartRejection> {
        let dir = field.settings.temp_dir().into_owned();
        let failed = |error: io::Error| {
            MultipartRejection::from(TempFileFailed::new(format!(
                "failed to write the upload to a temp file: {error}"
            )))
        };
        let created = tokio::task::spawn_blocking(move || tempfile::NamedTempFile::new_in(dir))
            .await
            .map_err(|error| failed(io::Error::other(error)))?
            .map_err(failed)?;
        let (file, path) = created.into_parts();
        let mut file = tokio::fs::File::from_std(file);
        let mut size = 0u64;
        // From here on `path` deletes the file if anything fails or the future is dropped.
        while let Some(chunk) = field.chunk().await? {
            size += chunk.len() as u64;
            file.write_all(&chunk).await.map_err(failed)?;
        }
        file.flush().await.map_err(failed)?;
        drop(file);
        Ok(Self {
            path,
            field_name: field.name().unwrap_or_default().to_owned(),
            file_name: field.raw_file_name().map(str::to_owned),
            content_type: field.content_type().map(str::to_owned),
            size,
        })
    }

    /// The name of the form field the file came in.
    pub fn field_name(&self) -> &str {
        &self.field_name
    }

    /// The file name the client sent, made safe to use as a single path component: see
    /// [`sanitize_file_name`]. `None` when the client sent none, or nothing usable is left.
    pub fn file_name(&self) -> Option<String> {
        self.file_name.as_deref().and_then(sanitize_file_name)
    }

    /// The file name exactly as the client sent it (RFC 7578 §4.2): never use it as a path.
    pub fn raw_file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The part's `Content-Type` as sent, if any (RFC 7578 §4.4). The client chooses it: do not trust it.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The size of the file in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Where the temp file is, until it is persisted or dropped.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Moves the file to `target`, replacing any file there, and keeps it.
    ///
    /// A rename when `target` is on the temp file's file system (atomic); otherwise the file is copied
    /// into a new temp file next to `target` and that one is renamed, so `target` is never seen
    /// half-written. Runs on the blocking thread pool.
    ///
    /// # Errors
    /// The I/O error of the rename or copy; the temp file is then deleted.
    pub async fn persist(self, target: impl AsRef<Path>) -> io::Result<()> {
        let target = target.as_ref().to_path_buf();
        let path = self.path;
        tokio::task::spawn_blocking(move || persist(path, &target)).await.map_err(io::Error::other)?
    }
}

/// Renames `path` to `target`, or copies it next to `target` and renames the copy.
fn persist(path: TempPath, target: &Path) -> io::Result<()> {
    let path = match path.persist(target) {
        Ok(()) => return Ok(()),
        Err(error) => error.path,
    };
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut copy = tempfile::NamedTempFile::new_in(dir)?;
    let mut source = std::fs::File::open(&path)?;
    io::copy(&mut source, copy.as_file_mut())?;
    copy.as_file().sync_all()?;
    copy.persist(target).map_err(|error| error.error)?;
    drop(path);
    Ok(())
}

/// A client-sent file name made safe as one path component, or `None` when nothing usable is left:
/// only the part after the last `/` or `\` is kept (browsers may send a full path); control characters
/// and `<>:"|?*` are dropped; leading dots and spaces and trailing dots and spaces are trimmed (no hidden
/// files, no `..`, no Windows surprises); Windows device names (`CON`, `NUL`, `COM1`…) are refused; at
/// most 255 bytes are kept, on a character boundary.
///
/// ```
/// use velocy::multipart::sanitize_file_name;
///
/// assert_eq!(sanitize_file_name("C:\\Users\\ada\\cat.png").as_deref(), Some("cat.png"));
/// assert_eq!(sanitize_file_name("../../etc/passwd").as_deref(), Some("passwd"));
/// assert_eq!(sanitize_file_name(".."), None);
/// ```
pub fn sanitize_file_name(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*'))
        .collect();
    let trimmed = cleaned.trim_start_matches(['.', ' ']).trim_end_matches(['.', ' ']);
    if trimmed.is_empty() {
        return None;
    }
    let stem = trimmed.split('.').next().unwrap_or(trimmed).to_ascii_uppercase();
    let device = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit());
    if device {
        return None;
    }
    let mut end = trimmed.len().min(255);
    while !trimmed.is_char_boundary(end) {
        end -= 1;
    }
    Some(trimmed[..end].to_owned())
}
