//! Key derivation exactly as the issuers do it, JWK thumbprints, and a bounded key cache.
//!
//! - Auth.js v5: HKDF-SHA256(ikm = secret, salt = cookie name,
//!   info = "Auth.js Generated Encryption Key (<salt>)"), 64 bytes for A256CBC-HS512, 32 for A256GCM.
//! - NextAuth v4: HKDF-SHA256(ikm = secret, salt, info = "NextAuth.js Generated Encryption Key"
//!   plus " (<salt>)" when the salt is not empty), 32 bytes for A256GCM.
//! - `kid`: the RFC 7638 thumbprint of `{"k":..,"kty":"oct"}`, SHA-512 for a 64-byte key and
//!   SHA-256 for a 32-byte one.
//!
//! Deriving costs a few HMAC computations; the cache keeps the hot path free of them. Cached key
//! material (and the secret in the cache key) is zeroed when dropped or evicted.

use std::fmt;
use std::sync::{Arc, Mutex};

use hkdf::Hkdf;
use sha2::{Digest, Sha256, Sha512};

use crate::crypto::{b64_encode, wipe, MacKey};

string_enum! {
  /// Content encryption algorithms the issuers use.
  pub enum Enc {
    A256CbcHs512 = "A256CBC-HS512",
    A256Gcm = "A256GCM",
  }
}

impl Enc {
  pub fn from_name(name: &str) -> Option<Enc> {
    Enc::ALL.iter().copied().find(|e| e.as_str() == name)
  }

  pub fn name(self) -> &'static str {
    self.as_str()
  }

  pub fn key_len(self) -> usize {
    match self {
      Enc::A256CbcHs512 => 64,
      Enc::A256Gcm => 32,
    }
  }
}

/// Which issuer's derivation (and so which token format).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
  /// Auth.js v5 / `@auth/core`.
  AuthjsV5,
  /// NextAuth.js v4.
  NextAuthV4,
}

impl Format {
  pub fn name(self) -> &'static str {
    match self {
      Format::AuthjsV5 => "authjs-v5",
      Format::NextAuthV4 => "next-auth-v4",
    }
  }
}

/// Bytes that are overwritten with zeros when dropped.
pub struct SecretBytes(Box<[u8]>);

impl SecretBytes {
  pub fn new(bytes: Vec<u8>) -> Self {
    SecretBytes(bytes.into_boxed_slice())
  }

  pub fn as_bytes(&self) -> &[u8] {
    &self.0
  }
}

impl Drop for SecretBytes {
  fn drop(&mut self) {
    wipe(&mut self.0);
  }
}

impl fmt::Debug for SecretBytes {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(f, "SecretBytes(<{} bytes redacted>)", self.0.len())
  }
}

/// A content encryption key and its thumbprint.
pub struct DerivedKey {
  key: SecretBytes,
  /// For A256CBC-HS512: HMAC-SHA512 keyed with the MAC half.
  mac: Option<MacKey>,
  /// RFC 7638 thumbprint (base64url), the `kid` v5 puts in the header.
  pub kid: String,
  pub format: Format,
  pub enc: Enc,
}

impl DerivedKey {
  pub fn bytes(&self) -> &[u8] {
    self.key.as_bytes()
  }

  /// The HMAC-SHA512 key (A256CBC-HS512 only).
  pub fn mac(&self) -> Option<&MacKey> {
    self.mac.as_ref()
  }
}

impl fmt::Debug for DerivedKey {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.debug_struct("DerivedKey")
      .field("format", &self.format)
      .field("enc", &self.enc)
      .field("key", &self.key)
      .finish_non_exhaustive()
  }
}

/// Derives the key an issuer would use for `secret` and `salt`. `None` for v4 with an `enc`
/// other than A256GCM (v4 never issues one).
pub fn derive(format: Format, enc: Enc, secret: &[u8], salt: &str) -> Option<DerivedKey> {
  let info = match format {
    Format::AuthjsV5 => ["Auth.js Generated Encryption Key (", salt, ")"].concat(),
    Format::NextAuthV4 if enc != Enc::A256Gcm => return None,
    Format::NextAuthV4 if salt.is_empty() => "NextAuth.js Generated Encryption Key".to_string(),
    Format::NextAuthV4 => ["NextAuth.js Generated Encryption Key (", salt, ")"].concat(),
  };
  let mut okm = vec![0u8; enc.key_len()];
  // Expanding to at most 64 bytes with SHA-256 is always within HKDF's 255 * 32 bound.
  Hkdf::<Sha256>::new(Some(salt.as_bytes()), secret)
    .expand(info.as_bytes(), &mut okm)
    .ok()?;
  let kid = thumbprint(&okm);
  let mac = match enc {
    Enc::A256CbcHs512 => Some(MacKey::new(&okm[..32])),
    Enc::A256Gcm => None,
  };
  Some(DerivedKey {
    mac,
    key: SecretBytes::new(okm),
    kid,
    format,
    enc,
  })
}

/// RFC 7638 thumbprint of a symmetric JWK, with the hash Auth.js picks from the key size.
pub fn thumbprint(key: &[u8]) -> String {
  let json = ["{\"k\":\"", &b64_encode(key), "\",\"kty\":\"oct\"}"].concat();
  if key.len() == 64 {
    b64_encode(&Sha512::digest(json.as_bytes()))
  } else {
    b64_encode(&Sha256::digest(json.as_bytes()))
  }
}

const CACHE_CAPACITY: usize = 256;

/// Cache key: format, enc, salt and secret, length-prefixed so no two inputs collide. Wiped
/// when dropped.
struct CacheKey(Box<[u8]>);

impl Drop for CacheKey {
  fn drop(&mut self) {
    wipe(&mut self.0);
  }
}

/// The cache: sorted by key for binary search (no hashing: a few keys in practice, at most
/// [`CACHE_CAPACITY`]).
static CACHE: Mutex<Vec<(CacheKey, Arc<DerivedKey>)>> = Mutex::new(Vec::new());

fn cache_key(format: Format, enc: Enc, secret: &[u8], salt: &str) -> Vec<u8> {
  let mut k = Vec::with_capacity(6 + salt.len() + secret.len());
  k.push(format as u8);
  k.push(enc as u8);
  k.extend_from_slice(&(salt.len() as u32).to_le_bytes());
  k.extend_from_slice(salt.as_bytes());
  k.extend_from_slice(secret);
  k
}

fn search(cache: &[(CacheKey, Arc<DerivedKey>)], key: &[u8]) -> Result<usize, usize> {
  cache.binary_search_by(|(k, _)| k.0.as_ref().cmp(key))
}

/// The derived key for these inputs, from the cache when possible.
pub fn cached(format: Format, enc: Enc, secret: &[u8], salt: &str) -> Option<Arc<DerivedKey>> {
  let mut lookup = cache_key(format, enc, secret, salt);
  let hit = {
    let cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    search(&cache, &lookup).ok().map(|i| cache[i].1.clone())
  };
  if hit.is_some() {
    wipe(&mut lookup);
    return hit;
  }
  let key = Arc::new(derive(format, enc, secret, salt)?);
  let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
  if cache.len() >= CACHE_CAPACITY {
    cache.clear();
  }
  // Another thread may have derived it meanwhile: then its key stays.
  if let Err(at) = search(&cache, &lookup) {
    cache.insert(at, (CacheKey(lookup.into_boxed_slice()), key.clone()));
  } else {
    wipe(&mut lookup);
  }
  Some(key)
}

/// Number of keys currently cached.
#[cfg(test)]
fn cache_len() -> usize {
  CACHE.lock().unwrap_or_else(|p| p.into_inner()).len()
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn v5_key_depends_on_salt_and_enc() {
    let a = derive(
      Format::AuthjsV5,
      Enc::A256CbcHs512,
      b"secret",
      "authjs.session-token",
    )
    .unwrap();
    let b = derive(
      Format::AuthjsV5,
      Enc::A256CbcHs512,
      b"secret",
      "__Secure-authjs.session-token",
    )
    .unwrap();
    let g = derive(Format::AuthjsV5, Enc::A256Gcm, b"secret", "authjs.session-token").unwrap();
    assert_eq!(a.bytes().len(), 64);
    assert_eq!(g.bytes().len(), 32);
    assert_ne!(a.bytes(), b.bytes());
    // HKDF's output blocks do not depend on the requested length: the GCM key is the CBC key's
    // first half. The thumbprints still differ (different key, different hash).
    assert_eq!(&a.bytes()[..32], g.bytes());
    assert_ne!(a.kid, g.kid);
    assert_ne!(a.kid, b.kid);
  }

  #[test]
  fn hkdf_matches_rfc5869_test_case_3() {
    // RFC 5869 A.3: SHA-256, empty salt and info. Our derivation always has an info string, so
    // check the primitive we build on with the published vector.
    let ikm = [0x0bu8; 22];
    let mut okm = [0u8; 42];
    Hkdf::<Sha256>::new(Some(&[]), &ikm)
      .expand(&[], &mut okm)
      .unwrap();
    assert_eq!(okm[..8], [0x8d, 0xa4, 0xe7, 0x75, 0xa5, 0x63, 0xc1, 0x8f]);
  }

  #[test]
  fn thumbprint_matches_rfc7638_shape() {
    // The same key always gives the same kid, and the hash follows the key size.
    let k32 = [7u8; 32];
    let k64 = [7u8; 64];
    assert_eq!(thumbprint(&k32).len(), 43); // SHA-256, base64url
    assert_eq!(thumbprint(&k64).len(), 86); // SHA-512, base64url
    assert_eq!(thumbprint(&k32), thumbprint(&k32));
  }

  #[test]
  fn v4_derivation_only_for_gcm() {
    assert!(derive(Format::NextAuthV4, Enc::A256CbcHs512, b"s", "").is_none());
    let plain = derive(Format::NextAuthV4, Enc::A256Gcm, b"s", "").unwrap();
    let salted = derive(Format::NextAuthV4, Enc::A256Gcm, b"s", "x").unwrap();
    assert_ne!(plain.bytes(), salted.bytes());
  }

  #[test]
  fn cache_returns_the_same_key_as_derivation_and_never_another_secrets() {
    let a = cached(Format::AuthjsV5, Enc::A256Gcm, b"one", "n").unwrap();
    let b = cached(Format::AuthjsV5, Enc::A256Gcm, b"two", "n").unwrap();
    let a2 = cached(Format::AuthjsV5, Enc::A256Gcm, b"one", "n").unwrap();
    assert!(Arc::ptr_eq(&a, &a2));
    assert_ne!(a.bytes(), b.bytes());
    assert_eq!(
      a.bytes(),
      derive(Format::AuthjsV5, Enc::A256Gcm, b"one", "n")
        .unwrap()
        .bytes()
    );
    // Length prefixes keep ("ab", "c") and ("a", "bc") apart.
    let x = cached(Format::AuthjsV5, Enc::A256Gcm, b"c", "ab").unwrap();
    let y = cached(Format::AuthjsV5, Enc::A256Gcm, b"bc", "a").unwrap();
    assert_ne!(x.bytes(), y.bytes());
    assert!(cache_len() >= 4);
  }

  #[test]
  fn debug_never_prints_key_material() {
    let k = derive(Format::AuthjsV5, Enc::A256Gcm, b"s", "n").unwrap();
    let dbg = format!("{k:?}");
    assert!(dbg.contains("redacted"));
    assert!(!dbg.contains(&b64_encode(k.bytes())));
  }
}
