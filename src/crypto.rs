//! Every cryptographic primitive the package uses, behind one seam, each from a maintained crate.
//! The native build and the WebAssembly build differ only here:
//!
//! | primitive | native | WebAssembly |
//! |---|---|---|
//! | base64url without padding (strict: no padding, no other alphabet, canonical trailing bits) | own (`b64_decode`) | same |
//! | HMAC-SHA512 | `hmac` + `sha2` | same |
//! | HKDF-SHA256 (in `keys`) | `hkdf` + `sha2` | same |
//! | SHA-256 / SHA-512 for JWK thumbprints (in `keys`) | `sha2` | same |
//! | constant-time comparison | OpenSSL (`openssl::memcmp::eq`) | `subtle` |
//! | AES-256-CBC and AES-256-GCM | OpenSSL (`openssl`), ciphers fetched once | `aes` + `cbc`, `aes-gcm` |
//! | random bytes (IVs, `jti`) | OpenSSL's CSPRNG (`openssl::rand`) | the host's `crypto.getRandomValues`, handed in per call (`host`) |
//! | JWE sealing (`encode`) | `josekit` | [`aes_encrypt`] |

#[cfg(not(target_arch = "wasm32"))]
use std::cell::RefCell;
#[cfg(not(target_arch = "wasm32"))]
use std::sync::OnceLock;

use hmac::{Hmac, Mac};
#[cfg(not(target_arch = "wasm32"))]
use openssl::cipher::{Cipher, CipherRef};
#[cfg(not(target_arch = "wasm32"))]
use openssl::cipher_ctx::CipherCtx;
use sha2::Sha512;

/// Whether `a` equals `b`, compared in constant time for equal lengths (lengths are not secret).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
  if a.len() != b.len() {
    return false;
  }
  #[cfg(not(target_arch = "wasm32"))]
  return openssl::memcmp::eq(a, b);
  #[cfg(target_arch = "wasm32")]
  return subtle::ConstantTimeEq::ct_eq(a, b).into();
}

const B64_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Each byte's six bits in base64url, or `0x80` for a byte outside the alphabet.
const B64_VALUES: [u8; 256] = {
  let mut table = [0x80u8; 256];
  let mut i = 0;
  while i < 64 {
    table[B64_ALPHABET[i] as usize] = i as u8;
    i += 1;
  }
  table
};

/// base64url, no padding.
pub fn b64_encode(bytes: &[u8]) -> String {
  let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
  for chunk in bytes.chunks(3) {
    let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
    let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
    for i in 0..=chunk.len() {
      out.push(char::from(B64_ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
    }
  }
  out
}

/// Strict base64url: rejects padding, characters outside the alphabet and non-zero trailing bits
/// (so each byte string has exactly one encoding).
pub fn b64_decode(text: &str) -> Option<Vec<u8>> {
  let text = text.as_bytes();
  let tail = text.len() % 4;
  if tail == 1 {
    return None;
  }
  let mut out = vec![0u8; text.len() / 4 * 3];
  // Invalid characters are collected in one flag and judged once, after the loop.
  let mut bad = 0u8;
  let mut quads = text.chunks_exact(4);
  for (quad, dst) in (&mut quads).zip(out.chunks_exact_mut(3)) {
    let v = [0, 1, 2, 3].map(|i| B64_VALUES[usize::from(quad[i])]);
    bad |= v[0] | v[1] | v[2] | v[3];
    let n = u32::from(v[0]) << 18 | u32::from(v[1]) << 12 | u32::from(v[2]) << 6 | u32::from(v[3]);
    dst.copy_from_slice(&n.to_be_bytes()[1..]);
  }
  let rest = quads.remainder();
  if !rest.is_empty() {
    let n = rest.iter().fold(0u32, |n, &c| {
      let v = B64_VALUES[usize::from(c)];
      bad |= v;
      n << 6 | u32::from(v)
    });
    // Two characters carry one byte and 4 spare bits, three carry two bytes and 2 spare bits.
    let spare = if tail == 2 { 4 } else { 2 };
    if n & ((1 << spare) - 1) != 0 {
      return None;
    }
    let n = n >> spare;
    if tail == 3 {
      out.push((n >> 8) as u8);
    }
    out.push(n as u8);
  }
  (bad & 0x80 == 0).then_some(out)
}

/// Decodes into `buf` when the text encodes exactly `buf.len()` bytes.
pub fn b64_decode_exact(text: &str, buf: &mut [u8]) -> Option<()> {
  if text.len() != (buf.len() * 4).div_ceil(3) {
    return None;
  }
  let bytes = b64_decode(text)?;
  (bytes.len() == buf.len()).then(|| buf.copy_from_slice(&bytes))
}

/// Whether every byte is in the base64url alphabet.
pub fn is_b64_alphabet(text: &str) -> bool {
  text
    .bytes()
    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Random bytes from OpenSSL's CSPRNG (native) or the host's (WebAssembly).
pub fn random_bytes(n: usize) -> Option<Vec<u8>> {
  #[cfg(not(target_arch = "wasm32"))]
  {
    let mut out = vec![0u8; n];
    openssl::rand::rand_bytes(&mut out).ok()?;
    Some(out)
  }
  #[cfg(target_arch = "wasm32")]
  crate::host::random_bytes(n)
}

/// Overwrites a buffer with zeros in a way the optimiser may not remove.
pub fn wipe(buf: &mut [u8]) {
  for b in buf.iter_mut() {
    // SAFETY: `b` is a valid, aligned, exclusive reference to one byte of the buffer.
    unsafe { std::ptr::write_volatile(b, 0) };
  }
  std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

/// Overwrites a value's bytes with zeros. Only for plain-data types (integers and arrays of
/// them, no pointers, no `Drop`) for which all-zero bytes are a valid value.
fn wipe_plain<T>(value: &mut T) {
  let len = std::mem::size_of::<T>();
  // SAFETY: `value` is an exclusive reference, so the `len` bytes behind it are valid for writes
  // and nothing else observes them; callers only pass plain-data types (see `MacKey::drop`), for
  // which all-zero bytes are a valid value that is then dropped without reading it.
  let bytes = unsafe { std::slice::from_raw_parts_mut((value as *mut T).cast::<u8>(), len) };
  wipe(bytes);
}

/// An HMAC-SHA512 key with its inner and outer pads already absorbed: a tag costs only the
/// message's blocks. The keyed state is wiped when dropped, and so is each per-call copy.
pub struct MacKey(Hmac<Sha512>);

impl MacKey {
  pub fn new(key: &[u8]) -> MacKey {
    // HMAC accepts keys of any length (longer ones are hashed first, RFC 2104).
    MacKey(<Hmac<Sha512> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length"))
  }

  fn keyed(&self, parts: &[&[u8]]) -> Hmac<Sha512> {
    let mut mac = self.0.clone();
    for p in parts {
      mac.update(p);
    }
    mac
  }

  /// The full 64-byte tag of the concatenation of `parts`.
  pub fn tag(&self, parts: &[&[u8]]) -> [u8; 64] {
    let mut mac = self.keyed(parts);
    let tag = mac.finalize_reset().into_bytes().into();
    wipe_plain(&mut mac);
    tag
  }

  /// Whether `tag` equals the leftmost `tag.len()` bytes of the tag of `parts`, compared in
  /// constant time ([`ct_eq`]). An empty or over-long tag never matches.
  pub fn verify_truncated(&self, parts: &[&[u8]], tag: &[u8]) -> bool {
    let mut full = self.tag(parts);
    let ok = (1..=full.len()).contains(&tag.len()) && ct_eq(&full[..tag.len()], tag);
    wipe(&mut full);
    ok
  }
}

impl Drop for MacKey {
  fn drop(&mut self) {
    // `Hmac<Sha512>` is plain data (hash states, a block buffer and its position) with no `Drop`.
    wipe_plain(&mut self.0);
  }
}

/// The two content encryption algorithms the issuers use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Aes {
  Cbc,
  Gcm,
}

/// AES-256-CBC and AES-256-GCM fetched from the provider once: OpenSSL 3 otherwise looks the
/// algorithm up by name on every initialisation, which costs more than decrypting a session.
#[cfg(not(target_arch = "wasm32"))]
fn cipher(aes: Aes) -> &'static CipherRef {
  static CBC: OnceLock<Option<Cipher>> = OnceLock::new();
  static GCM: OnceLock<Option<Cipher>> = OnceLock::new();
  match aes {
    Aes::Cbc => CBC
      .get_or_init(|| Cipher::fetch(None, "AES-256-CBC", None).ok())
      .as_deref()
      .unwrap_or(Cipher::aes_256_cbc()),
    Aes::Gcm => GCM
      .get_or_init(|| Cipher::fetch(None, "AES-256-GCM", None).ok())
      .as_deref()
      .unwrap_or(Cipher::aes_256_gcm()),
  }
}

#[cfg(not(target_arch = "wasm32"))]
thread_local! {
  /// This thread's reusable cipher context (OpenSSL cleanses its key schedule when it is
  /// re-initialised or freed).
  static CTX: RefCell<Option<CipherCtx>> = const { RefCell::new(None) };
}

/// Decrypts with AES-256 (`key` is 32 bytes). For GCM, `aad` and `tag` are checked; for CBC the
/// PKCS#7 padding is (the caller authenticates first). `None` on any failure.
#[cfg(not(target_arch = "wasm32"))]
pub fn aes_decrypt(
  aes: Aes,
  key: &[u8],
  iv: &[u8],
  aad: &[u8],
  ciphertext: &[u8],
  tag: &[u8],
) -> Option<Vec<u8>> {
  CTX.with(|cell| {
    let mut slot = cell.try_borrow_mut().ok()?;
    if slot.is_none() {
      *slot = CipherCtx::new().ok();
    }
    let ctx = slot.as_mut()?;
    ctx.decrypt_init(Some(cipher(aes)), Some(key), Some(iv)).ok()?;
    if aes == Aes::Gcm {
      ctx.cipher_update(aad, None).ok()?;
    }
    // The `_vec` forms write into spare capacity: no zero-filling of a buffer about to be written.
    let mut out = Vec::with_capacity(ciphertext.len() + 16);
    ctx.cipher_update_vec(ciphertext, &mut out).ok()?;
    if aes == Aes::Gcm {
      ctx.set_tag(tag).ok()?;
    }
    ctx.cipher_final_vec(&mut out).ok()?;
    Some(out)
  })
}

/// Decrypts with AES-256 in pure Rust (WebAssembly has no OpenSSL); same contract as the native
/// `aes_decrypt`.
#[cfg(target_arch = "wasm32")]
pub fn aes_decrypt(
  aes: Aes,
  key: &[u8],
  iv: &[u8],
  aad: &[u8],
  ciphertext: &[u8],
  tag: &[u8],
) -> Option<Vec<u8>> {
  use aes::cipher::{BlockDecryptMut, KeyIvInit};
  use aes_gcm::aead::{AeadInPlace, KeyInit};
  match aes {
    Aes::Cbc => cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv)
      .ok()?
      .decrypt_padded_vec_mut::<aes::cipher::block_padding::Pkcs7>(ciphertext)
      .ok(),
    Aes::Gcm => {
      if iv.len() != 12 || tag.len() != 16 {
        return None;
      }
      let cipher = aes_gcm::Aes256Gcm::new_from_slice(key).ok()?;
      let mut out = ciphertext.to_vec();
      cipher
        .decrypt_in_place_detached(iv.into(), aad, &mut out, tag.into())
        .ok()?;
      Some(out)
    }
  }
}

/// Encrypts with AES-256 in pure Rust, for `encode` in WebAssembly: CBC with PKCS#7 padding
/// (the caller adds the HMAC tag), or GCM returning `(ciphertext, tag)`.
#[cfg(target_arch = "wasm32")]
pub fn aes_encrypt(
  aes: Aes,
  key: &[u8],
  iv: &[u8],
  aad: &[u8],
  plaintext: &[u8],
) -> Option<(Vec<u8>, Vec<u8>)> {
  use aes::cipher::{BlockEncryptMut, KeyIvInit};
  use aes_gcm::aead::{AeadInPlace, KeyInit};
  match aes {
    Aes::Cbc => {
      let out = cbc::Encryptor::<aes::Aes256>::new_from_slices(key, iv)
        .ok()?
        .encrypt_padded_vec_mut::<aes::cipher::block_padding::Pkcs7>(plaintext);
      Some((out, Vec::new()))
    }
    Aes::Gcm => {
      if iv.len() != 12 {
        return None;
      }
      let cipher = aes_gcm::Aes256Gcm::new_from_slice(key).ok()?;
      let mut out = plaintext.to_vec();
      let tag = cipher.encrypt_in_place_detached(iv.into(), aad, &mut out).ok()?;
      Some((out, tag.to_vec()))
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn base64url_is_strict() {
    assert_eq!(b64_encode(b"\xfb\xff"), "-_8");
    assert_eq!(b64_decode("-_8").unwrap(), b"\xfb\xff");
    for bad in [
      "-_8=",
      "+/8",
      "a",
      "-_9",
      "QR",
      "ab\u{e9}c",
      "QQ==",
      " QQ",
      "QQ\n",
    ] {
      assert!(b64_decode(bad).is_none(), "{bad:?}");
    }
    assert_eq!(b64_decode("QQ").unwrap(), b"A");
    assert_eq!(b64_decode("").unwrap(), b"");
    let mut buf = [0u8; 2];
    assert!(b64_decode_exact("-_8", &mut buf).is_some());
    assert!(b64_decode_exact("-_8A", &mut buf).is_none());
    assert!(is_b64_alphabet("aZ09-_") && !is_b64_alphabet("a.b") && !is_b64_alphabet("a+b"));
  }

  #[test]
  fn hmac_sha512_matches_rfc4231() {
    // Test case 2: key "Jefe", data "what do ya want for nothing?".
    let tag = MacKey::new(b"Jefe").tag(&[b"what do ya ", b"want for nothing?"]);
    let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
      hex,
      "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
    );
    // Test case 6: a 131-byte key (longer than the block) is hashed first, not truncated.
    let key = [0xaau8; 131];
    let tag = MacKey::new(&key).tag(&[b"Test Using Larger Than Block-Size Key - Hash Key First"]);
    let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    assert!(hex.starts_with("80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"));
    let mac = MacKey::new(b"Jefe");
    let full = mac.tag(&[b"msg"]);
    assert!(mac.verify_truncated(&[b"m", b"sg"], &full[..32]));
    let mut wrong = full;
    wrong[31] ^= 1;
    assert!(!mac.verify_truncated(&[b"msg"], &wrong[..32]));
    assert!(!mac.verify_truncated(&[b"msg"], &[]));
  }
}
