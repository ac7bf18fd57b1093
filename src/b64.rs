//! base64url without padding (RFC 4648 §5), as JOSE uses it. Decoding is strict: no padding, no
//! characters outside the alphabet, no non-zero trailing bits.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

pub fn encode(bytes: &[u8]) -> String {
  URL_SAFE_NO_PAD.encode(bytes)
}

pub fn decode(text: &str) -> Option<Vec<u8>> {
  URL_SAFE_NO_PAD.decode(text).ok()
}

/// Whether every byte is in the base64url alphabet.
pub fn is_alphabet(text: &str) -> bool {
  text
    .bytes()
    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn round_trips_and_rejects_what_jose_rejects() {
    assert_eq!(encode(b"\xfb\xff"), "-_8");
    assert_eq!(decode("-_8").unwrap(), b"\xfb\xff");
    assert!(decode("-_8=").is_none());
    assert!(decode("+/8").is_none());
    assert!(decode("a").is_none());
    assert!(is_alphabet("aZ09-_"));
    assert!(!is_alphabet("a.b"));
  }
}
