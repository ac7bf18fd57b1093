//! Auth.js's CSRF double-submit token, checked for a backend that accepts cookie-authenticated
//! requests: the `authjs.csrf-token` / `next-auth.csrf-token` cookie holds `token|hash` with
//! `hash = hex(sha256(token + secret))`, and the request repeats `token` in a header. A sibling
//! subdomain can plant the cookie but cannot compute the hash without the secret.

use sha2::{Digest, Sha256};

/// The CSRF cookie names both issuers use, `__Host-` forms first (as on HTTPS).
pub const CSRF_COOKIE_NAMES: [&str; 4] = [
  "__Host-authjs.csrf-token",
  "__Host-next-auth.csrf-token",
  "authjs.csrf-token",
  "next-auth.csrf-token",
];

/// Whether `cookie_value` (`token|hash`, `|` possibly percent-encoded) was issued with one of
/// `secrets` and its token equals `header_token`. Comparisons are constant-time.
pub fn double_submit_ok(cookie_value: &str, header_token: &str, secrets: &[String]) -> bool {
  // The first `|` or `%7C` (either case) separates them.
  let bytes = cookie_value.as_bytes();
  let Some(at) = (0..bytes.len()).find(|&i| {
    bytes[i] == b'|'
      || bytes
        .get(i..i + 3)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"%7c"))
  }) else {
    return false;
  };
  let separator = if bytes[at] == b'|' { 1 } else { 3 };
  let (Some(token), Some(hash)) = (cookie_value.get(..at), cookie_value.get(at + separator..)) else {
    return false;
  };
  if token.is_empty() || header_token.is_empty() || token.len() != header_token.len() {
    return false;
  }
  if !crate::crypto::ct_eq(token.as_bytes(), header_token.as_bytes()) {
    return false;
  }
  secrets.iter().any(|secret| {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::new().chain_update(token).chain_update(secret).finalize();
    let expected: Vec<u8> = digest
      .iter()
      .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]])
      .collect();
    crate::crypto::ct_eq(&expected, hash.as_bytes())
  })
}

#[cfg(test)]
mod tests {
  use super::*;

  fn cookie(token: &str, secret: &str) -> String {
    let hash: String = Sha256::digest(format!("{token}{secret}").as_bytes())
      .iter()
      .map(|b| format!("{b:02x}"))
      .collect();
    format!("{token}|{hash}")
  }

  #[test]
  fn the_token_must_match_and_be_signed_with_a_secret() {
    let secrets = ["new".to_string(), "old".to_string()];
    let c = cookie("abc123", "old");
    assert!(double_submit_ok(&c, "abc123", &secrets));
    assert!(double_submit_ok(&c.replace('|', "%7C"), "abc123", &secrets));
    assert!(!double_submit_ok(&c, "abc124", &secrets));
    assert!(!double_submit_ok(&c, "", &secrets));
    assert!(!double_submit_ok(
      &cookie("abc123", "attacker"),
      "abc123",
      &secrets
    ));
    assert!(!double_submit_ok("abc123", "abc123", &secrets));
    assert!(!double_submit_ok("|", "", &secrets));
  }
}
