//! JWE compact serialization (RFC 7516) restricted to what the issuers produce: `alg: "dir"` with
//! `enc` A256CBC-HS512 or A256GCM, no compression, no critical extensions.
//!
//! Every failure after the header is parsed is the same "decryption failed": a wrong key, a bad
//! tag and bad padding are indistinguishable to the caller. For A256CBC-HS512 the tag is verified
//! in constant time before anything is decrypted (RFC 7518 §5.2.2.2).

use std::cell::RefCell;
use std::sync::OnceLock;

use josekit::jwe::enc::aescbc_hmac::AescbcHmacJweEncryption;
use josekit::jwe::enc::aesgcm::AesgcmJweEncryption;
use josekit::jwe::JweContentEncryption;
use openssl::cipher::{Cipher, CipherRef};
use openssl::cipher_ctx::CipherCtx;
use serde_json::Value;

use crate::b64;
use crate::error::{Error, Reason};
use crate::keys::{DerivedKey, Enc};

/// A parsed compact JWE whose header passed the algorithm checks.
pub struct Compact<'a> {
  protected: &'a str,
  pub enc: Enc,
  pub kid: Option<String>,
  iv: [u8; 16],
  iv_len: usize,
  ciphertext: Vec<u8>,
  tag: [u8; 32],
  tag_len: usize,
}

impl std::fmt::Debug for Compact<'_> {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.debug_struct("Compact")
      .field("enc", &self.enc)
      .finish_non_exhaustive()
  }
}

/// Whether a value looks like a database-strategy session id (a UUID or random hex/base64url
/// string) rather than a JWT.
pub fn looks_opaque(token: &str) -> bool {
  !token.is_empty() && token.len() <= 512 && !token.contains('.') && b64::is_alphabet(token)
}

/// The protected header fields that matter.
#[derive(Clone)]
struct Header {
  enc: Enc,
  kid: Option<String>,
}

thread_local! {
  /// The last header seen on this thread: every token a deployment issues under one cookie name
  /// carries the same protected header, so it is parsed once.
  static LAST_HEADER: RefCell<Option<(String, Header)>> = const { RefCell::new(None) };
}

fn header(protected: &str) -> Result<Header, Reason> {
  let hit = LAST_HEADER.with(|h| match h.try_borrow().ok()?.as_ref() {
    Some((b64, parsed)) if b64 == protected => Some(parsed.clone()),
    _ => None,
  });
  if let Some(h) = hit {
    return Ok(h);
  }
  let parsed = parse_header(protected)?;
  LAST_HEADER.with(|h| {
    if let Ok(mut slot) = h.try_borrow_mut() {
      *slot = Some((protected.to_string(), parsed.clone()));
    }
  });
  Ok(parsed)
}

fn parse_header(protected: &str) -> Result<Header, Reason> {
  let json = b64::decode(protected).ok_or(Reason::MalformedToken)?;
  let header: serde_json::Map<String, Value> =
    serde_json::from_slice(&json).map_err(|_| Reason::MalformedToken)?;
  match header.get("alg") {
    Some(Value::String(alg)) if alg == "dir" => {}
    Some(Value::String(_)) => return Err(Reason::UnsupportedAlgorithm),
    _ => return Err(Reason::MalformedToken),
  }
  let enc = match header.get("enc") {
    Some(Value::String(name)) => Enc::from_name(name).ok_or(Reason::UnsupportedAlgorithm)?,
    _ => return Err(Reason::MalformedToken),
  };
  if header.contains_key("zip") || header.contains_key("crit") {
    return Err(Reason::UnsupportedAlgorithm);
  }
  let kid = match header.get("kid") {
    None => None,
    Some(Value::String(kid)) => Some(kid.clone()),
    Some(_) => return Err(Reason::MalformedToken),
  };
  Ok(Header { enc, kid })
}

/// Decodes base64url into `buf` when it is exactly `want` bytes.
fn decode_exact(text: &str, buf: &mut [u8], want: usize) -> Option<usize> {
  if text.len() != (want * 4).div_ceil(3) {
    return None;
  }
  let v = b64::decode(text)?;
  if v.len() != want {
    return None;
  }
  buf.get_mut(..want)?.copy_from_slice(&v);
  Some(want)
}

pub fn parse(token: &str) -> Result<Compact<'_>, Reason> {
  let mut parts = token.split('.');
  let (Some(protected), Some(encrypted_key), Some(iv), Some(ciphertext), Some(tag), None) = (
    parts.next(),
    parts.next(),
    parts.next(),
    parts.next(),
    parts.next(),
    parts.next(),
  ) else {
    return Err(if looks_opaque(token) {
      Reason::OpaqueSessionToken
    } else {
      Reason::MalformedToken
    });
  };
  let Header { enc, kid } = header(protected)?;
  if !encrypted_key.is_empty() {
    // `dir` carries no encrypted key.
    return Err(Reason::MalformedToken);
  }
  let (iv_want, tag_want) = match enc {
    Enc::A256CbcHs512 => (16, 32),
    Enc::A256Gcm => (12, 16),
  };
  let mut iv_buf = [0u8; 16];
  let mut tag_buf = [0u8; 32];
  let iv_len = decode_exact(iv, &mut iv_buf, iv_want).ok_or(Reason::MalformedToken)?;
  let tag_len = decode_exact(tag, &mut tag_buf, tag_want).ok_or(Reason::MalformedToken)?;
  let ciphertext = b64::decode(ciphertext).ok_or(Reason::MalformedToken)?;
  if enc == Enc::A256CbcHs512 && (ciphertext.is_empty() || ciphertext.len() % 16 != 0) {
    return Err(Reason::MalformedToken);
  }
  Ok(Compact {
    protected,
    enc,
    kid,
    iv: iv_buf,
    iv_len,
    ciphertext,
    tag: tag_buf,
    tag_len,
  })
}

/// AES-256-CBC and AES-256-GCM fetched from the provider once: OpenSSL 3 otherwise looks the
/// algorithm up by name on every initialisation, which costs more than decrypting a session.
fn cipher(enc: Enc) -> &'static CipherRef {
  static CBC: OnceLock<Option<Cipher>> = OnceLock::new();
  static GCM: OnceLock<Option<Cipher>> = OnceLock::new();
  match enc {
    Enc::A256CbcHs512 => CBC
      .get_or_init(|| Cipher::fetch(None, "AES-256-CBC", None).ok())
      .as_deref()
      .unwrap_or(Cipher::aes_256_cbc()),
    Enc::A256Gcm => GCM
      .get_or_init(|| Cipher::fetch(None, "AES-256-GCM", None).ok())
      .as_deref()
      .unwrap_or(Cipher::aes_256_gcm()),
  }
}

thread_local! {
  static CTX: RefCell<Option<CipherCtx>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's reusable cipher context.
fn with_ctx<T>(f: impl FnOnce(&mut CipherCtx) -> Option<T>) -> Option<T> {
  CTX.with(|cell| {
    let mut slot = cell.try_borrow_mut().ok()?;
    if slot.is_none() {
      *slot = CipherCtx::new().ok();
    }
    f(slot.as_mut()?)
  })
}

/// Decrypts with one candidate key; `None` on any failure.
pub fn decrypt(jwe: &Compact<'_>, key: &DerivedKey) -> Option<Vec<u8>> {
  if key.enc != jwe.enc || key.bytes().len() != jwe.enc.key_len() {
    return None;
  }
  let aad = jwe.protected.as_bytes();
  let iv = &jwe.iv[..jwe.iv_len];
  let tag = &jwe.tag[..jwe.tag_len];
  let (cipher_key, authenticated_data) = match jwe.enc {
    Enc::A256CbcHs512 => {
      // Authenticate first, in constant time (RFC 7518 §5.2.2.2, T_LEN = 32), then decrypt.
      let al = ((aad.len() as u64) * 8).to_be_bytes();
      let expected = key.mac()?.tag(&[aad, iv, &jwe.ciphertext, &al]);
      if tag.len() != 32 || !openssl::memcmp::eq(&expected[..32], tag) {
        return None;
      }
      (&key.bytes()[32..], None)
    }
    Enc::A256Gcm => (key.bytes(), Some(aad)),
  };
  with_ctx(|ctx| {
    ctx
      .decrypt_init(Some(cipher(jwe.enc)), Some(cipher_key), Some(iv))
      .ok()?;
    if let Some(aad) = authenticated_data {
      ctx.cipher_update(aad, None).ok()?;
    }
    // The `_vec` forms write into spare capacity: no zero-filling of a buffer about to be written.
    let mut out = Vec::with_capacity(jwe.ciphertext.len() + 16);
    ctx.cipher_update_vec(&jwe.ciphertext, &mut out).ok()?;
    if jwe.enc == Enc::A256Gcm {
      ctx.set_tag(tag).ok()?;
    }
    ctx.cipher_final_vec(&mut out).ok()?;
    Some(out)
  })
}

/// Encrypts `payload` as the issuers do: `{"alg":"dir","enc":..}` plus `kid` for v5.
pub fn encrypt(payload: &[u8], key: &DerivedKey, kid: Option<&str>) -> Result<String, Error> {
  let mut header = serde_json::Map::new();
  header.insert("alg".into(), Value::from("dir"));
  header.insert("enc".into(), Value::from(key.enc.name()));
  if let Some(kid) = kid {
    header.insert("kid".into(), Value::from(kid));
  }
  let header = serde_json::to_vec(&header).map_err(|_| Error::EncryptFailed)?;
  let protected = b64::encode(&header);
  let (iv, (ciphertext, tag)) = match key.enc {
    Enc::A256CbcHs512 => {
      let iv = josekit::util::random_bytes(16);
      let out = AescbcHmacJweEncryption::A256cbcHs512
        .encrypt(key.bytes(), Some(&iv), payload, protected.as_bytes())
        .map_err(|_| Error::EncryptFailed)?;
      (iv, out)
    }
    Enc::A256Gcm => {
      let iv = josekit::util::random_bytes(12);
      let out = AesgcmJweEncryption::A256gcm
        .encrypt(key.bytes(), Some(&iv), payload, protected.as_bytes())
        .map_err(|_| Error::EncryptFailed)?;
      (iv, out)
    }
  };
  let tag = tag.ok_or(Error::EncryptFailed)?;
  Ok(format!(
    "{protected}..{}.{}.{}",
    b64::encode(&iv),
    b64::encode(&ciphertext),
    b64::encode(&tag)
  ))
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::keys::{derive, Format};

  fn key(enc: Enc) -> DerivedKey {
    derive(Format::AuthjsV5, enc, b"secret", "authjs.session-token").unwrap()
  }

  #[test]
  fn round_trip_both_encs() {
    for enc in [Enc::A256CbcHs512, Enc::A256Gcm] {
      let k = key(enc);
      let t = encrypt(br#"{"a":1}"#, &k, Some(&k.kid)).unwrap();
      let c = parse(&t).unwrap();
      assert_eq!(c.enc, enc);
      assert_eq!(c.kid.as_deref(), Some(k.kid.as_str()));
      assert_eq!(decrypt(&c, &k).unwrap(), br#"{"a":1}"#);
    }
  }

  #[test]
  fn any_flipped_bit_fails_the_same_way() {
    for enc in [Enc::A256CbcHs512, Enc::A256Gcm] {
      let k = key(enc);
      let t = encrypt(b"{}", &k, None).unwrap();
      let parts: Vec<&str> = t.split('.').collect();
      for idx in [2, 3, 4] {
        let mut bytes = b64::decode(parts[idx]).unwrap();
        bytes[0] ^= 1;
        let mut p = parts.clone();
        let s = b64::encode(&bytes);
        p[idx] = &s;
        let tampered = p.join(".");
        let c = parse(&tampered).unwrap();
        assert!(decrypt(&c, &k).is_none(), "enc {enc:?} part {idx}");
      }
      let other = derive(Format::AuthjsV5, enc, b"other", "authjs.session-token").unwrap();
      assert!(decrypt(&parse(&t).unwrap(), &other).is_none());
    }
  }

  #[test]
  fn header_checks() {
    let h = |json: &str| b64::encode(json.as_bytes());
    let body = "..AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA";
    let tok = |json: &str| format!("{}{}", h(json), body);
    assert_eq!(
      parse(&tok(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#)).unwrap_err(),
      Reason::UnsupportedAlgorithm
    );
    assert_eq!(
      parse(&tok(r#"{"alg":"dir","enc":"A128GCM"}"#)).unwrap_err(),
      Reason::UnsupportedAlgorithm
    );
    assert_eq!(
      parse(&tok(r#"{"alg":"dir","enc":"A256GCM","zip":"DEF"}"#)).unwrap_err(),
      Reason::UnsupportedAlgorithm
    );
    assert_eq!(
      parse(&tok(r#"{"alg":"dir","enc":"A256GCM","crit":["x"]}"#)).unwrap_err(),
      Reason::UnsupportedAlgorithm
    );
    assert_eq!(
      parse(&tok(r#"{"alg":"dir"}"#)).unwrap_err(),
      Reason::MalformedToken
    );
    assert_eq!(parse(&tok("[1]")).unwrap_err(), Reason::MalformedToken);
    assert_eq!(parse("a.b.c.d.e").unwrap_err(), Reason::MalformedToken);
    assert_eq!(parse("").unwrap_err(), Reason::MalformedToken);
    assert_eq!(
      parse("6f1c2c9a-6c3e-4c4e-9f1e-2b7a0e8f9d11").unwrap_err(),
      Reason::OpaqueSessionToken
    );
    assert_eq!(parse("x.y.z").unwrap_err(), Reason::MalformedToken);
  }
}
