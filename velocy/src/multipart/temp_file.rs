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
///
/// * only the part after the last `/` or `\` is kept (browsers may send a full path);
/// * control characters, `<>:"|?*`, and the invisible format characters that reorder or hide text (bidi
///   controls U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C; zero-width U+200B–U+200D, U+2060–U+2064,
///   U+FEFF) are dropped;
/// * leading dots and spaces and trailing dots and spaces are trimmed (no hidden files, no `..`, no
///   Windows surprises);
/// * Windows device names are refused, with any extension and with spaces before it: `CON`, `PRN`,
///   `AUX`, `NUL`, `CONIN$`, `CONOUT$`, `COM0`–`COM9`, `LPT0`–`LPT9`, and `COM¹`–`COM³`, `LPT¹`–`LPT³`;
/// * at most 255 bytes are kept, cut on a character boundary and trimmed again.
///
/// ```
/// use velocy::multipart::sanitize_file_name;
///
/// assert_eq!(sanitize_file_name("C:\\Users\\ada\\cat.png").as_deref(), Some("cat.png"));
/// assert_eq!(sanitize_file_name("../../etc/passwd").as_deref(), Some("passwd"));
/// assert_eq!(sanitize_file_name(".."), None);
/// assert_eq!(sanitize_file_name("CON .txt"), None);
/// assert_eq!(sanitize_file_name("conout$"), None);
/// assert_eq!(sanitize_file_name("LPT\u{b9}.log"), None);
/// // U+202E (right-to-left override) would show this as `invoiceexe.pdf`.
/// assert_eq!(sanitize_file_name("invoice\u{202e}fdp.exe").as_deref(), Some("invoicefdp.exe"));
/// let long = format!("{}. tail", "a".repeat(254));
/// assert_eq!(sanitize_file_name(&long), Some("a".repeat(254)));
/// ```
pub fn sanitize_file_name(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = last
        .chars()
        .filter(|&c| {
            !c.is_control() && !is_hidden_format(c) && !matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*')
        })
        .collect();
    let trimmed = cleaned.trim_start_matches(['.', ' ']).trim_end_matches(['.', ' ']);
    if trimmed.is_empty() || is_device_name(trimmed) {
        return None;
    }
    let mut end = trimmed.len().min(255);
    while !trimmed.is_char_boundary(end) {
        end -= 1;
    }
    let cut = trimmed[..end].trim_end_matches(['.', ' ']);
    (!cut.is_empty() && !is_device_name(cut)).then(|| cut.to_owned())
}

/// Whether `c` is an invisible format character that reorders or hides text: bidi controls and marks,
/// zero-width characters, the byte order mark.
fn is_hidden_format(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Whether Windows opens a device for `name`: the part before the first dot, trailing spaces ignored,
/// is a reserved device name in any case.
fn is_device_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end_matches(' ').to_uppercase();
    if matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$") {
        return true;
    }
    let Some(number) = stem.strip_prefix("COM").or_else(|| stem.strip_prefix("LPT")) else {
        return false;
    };
    let mut chars = number.chars();
    matches!((chars.next(), chars.next()), (Some('0'..='9' | '\u{B9}' | '\u{B2}' | '\u{B3}'), None))
}
