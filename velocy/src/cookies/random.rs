//! Random tokens for session ids and CSRF tokens, from the operating system's CSPRNG.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// `bytes` random bytes from the operating system's CSPRNG (`getrandom`), as unpadded base64url text
/// (RFC 4648 §5), which is safe in cookies, headers, URLs and form fields.
///
/// # Errors
/// When the operating system's random number generator fails (then answer 500: never fall back to a weak
/// source).
pub fn random_token(bytes: usize) -> Result<String, getrandom::Error> {
    let mut buffer = vec![0; bytes];
    getrandom::getrandom(&mut buffer)?;
    Ok(URL_SAFE_NO_PAD.encode(buffer))
}
