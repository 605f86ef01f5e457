//! The demo's secret key for signed cookies (sessions, CSRF tokens): from `VELOCY_SECRET_KEY`, else from a
//! file in the data directory, created with 32 random bytes on the first run so sessions survive restarts.

use std::io::{self, Write};
use std::path::Path;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use velocy::cookies::SecretKey;

/// The environment variable that, when set, holds the secret (at least 32 bytes of text).
pub const SECRET_KEY_VARIABLE: &str = "VELOCY_SECRET_KEY";

/// The secret: `$VELOCY_SECRET_KEY` when set, else the hex text in `file`, created (readable by the
/// owner only) with 32 random bytes when missing.
///
/// # Errors
/// When the file cannot be read or created.
pub fn load_or_create(file: &Path) -> io::Result<SecretKey> {
    if let Some(secret) = std::env::var_os(SECRET_KEY_VARIABLE) {
        return Ok(SecretKey::new(secret.as_encoded_bytes()));
    }
    match std::fs::read_to_string(file) {
        Ok(text) => Ok(SecretKey::new(text.trim())),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            let mut bytes = [0u8; 32];
            OsRng.fill_bytes(&mut bytes);
            let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut created = options.open(file)?;
            created.write_all(hex.as_bytes())?;
            created.sync_all()?;
            Ok(SecretKey::new(hex))
        }
        Err(error) => Err(error),
    }
}
