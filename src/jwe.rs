//! JWE compact serialization (RFC 7516) restricted to what the issuers produce: `alg: "dir"` with
//! `enc` A256CBC-HS512 or A256GCM, no compression, no critical extensions. Opening (parse, then
//! decrypt with one candidate key) and sealing.
//!
//! Every failure after the header is parsed is the same "decryption failed": a wrong key, a bad
//! tag and bad padding are indistinguishable to the caller. For A256CBC-HS512 the tag is verified
//! in constant time before anything is decrypted (RFC 7518 §5.2.2.2).

use std::cell::RefCell;

#[cfg(not(target_arch = "wasm32"))]
use josekit::jwe::enc::aescbc_hmac::AescbcHmacJweEncryption;
#[cfg(not(target_arch = "wasm32"))]
use josekit::jwe::enc::aesgcm::AesgcmJweEncryption;
#[cfg(not(target_arch = "wasm32"))]
use josekit::jwe::JweContentEncryption;

use crate::crypto::{self, Aes};
use crate::error::{Error, Reason};
use crate::json::{self, Item};
use crate::keys::{DerivedKey, Enc};

/// A parsed compact JWE whose header passed the algorithm checks.
pub struct Compact<'a> {
  protected: &'a str,
  pub enc: Enc,
  pub kid: Option<String>,
  iv: [u8; 16],
  ciphertext: Vec<u8>,
  tag: [u8; 32],
}

impl std::fmt::Debug for Compact<'_> {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.debug_struct("Compact")
      .field("enc", &self.enc)
      .finish_non_exhaustive()
  }
}

/// IV and tag lengths of each `enc`.
fn sizes(enc: Enc) -> (usize, usize) {
  match enc {
    Enc::A256CbcHs512 => (16, 32),
    Enc::A256Gcm => (12, 16),
  }
}

impl Compact<'_> {
  fn iv(&self) -> &[u8] {
    &self.iv[..sizes(self.enc).0]
  }

  fn tag(&self) -> &[u8] {
    &self.tag[..sizes(self.enc).1]
  }
}

/// Whether a value looks like a database-strategy session id (a UUID or random hex/base64url
/// string) rather than a JWT.
pub fn looks_opaque(token: &str) -> bool {
  !token.is_empty() && token.len() <= 512 && !token.contains('.') && crypto::is_b64_alphabet(token)
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
  let bytes = crypto::b64_decode(protected).ok_or(Reason::MalformedToken)?;
  let text = std::str::from_utf8(&bytes).map_err(|_| Reason::MalformedToken)?;
  // The last of a repeated member counts, as in JSON.parse.
  let (mut alg, mut enc, mut kid, mut extension) = (None, None, None, false);
  json::members(text, &mut |m| match m.key.as_ref() {
    "alg" => alg = Some(m.value),
    "enc" => enc = Some(m.value),
    "kid" => kid = Some(m.value),
    "zip" | "crit" => extension = true,
    _ => {}
  })
  .map_err(|_| Reason::MalformedToken)?;
  match alg {
    Some(Item::Str(alg)) if alg == "dir" => {}
    Some(Item::Str(_)) => return Err(Reason::UnsupportedAlgorithm),
    _ => return Err(Reason::MalformedToken),
  }
  let enc = match enc {
    Some(Item::Str(name)) => Enc::from_name(&name).ok_or(Reason::UnsupportedAlgorithm)?,
    _ => return Err(Reason::MalformedToken),
  };
  if extension {
    return Err(Reason::UnsupportedAlgorithm);
  }
  let kid = match kid {
    None => None,
    Some(Item::Str(kid)) => Some(kid.into_owned()),
    Some(_) => return Err(Reason::MalformedToken),
  };
  Ok(Header { enc, kid })
}

/// Whether `token` has the shape of a compact JWE (five parts), without parsing it.
pub fn may_be_compact(token: &str) -> bool {
  token.bytes().filter(|&b| b == b'.').count() == 4
}

/// Parses a compact JWE and checks its header; nothing is decrypted.
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
  let (iv_len, tag_len) = sizes(enc);
  let mut iv_buf = [0u8; 16];
  let mut tag_buf = [0u8; 32];
  crypto::b64_decode_exact(iv, &mut iv_buf[..iv_len]).ok_or(Reason::MalformedToken)?;
  crypto::b64_decode_exact(tag, &mut tag_buf[..tag_len]).ok_or(Reason::MalformedToken)?;
  let ciphertext = crypto::b64_decode(ciphertext).ok_or(Reason::MalformedToken)?;
  if enc == Enc::A256CbcHs512 && (ciphertext.is_empty() || ciphertext.len() % 16 != 0) {
    return Err(Reason::MalformedToken);
  }
  Ok(Compact {
    protected,
    enc,
    kid,
    iv: iv_buf,
    ciphertext,
    tag: tag_buf,
  })
}

/// Decrypts with one candidate key; `None` on any failure.
pub fn decrypt(jwe: &Compact<'_>, key: &DerivedKey) -> Option<Vec<u8>> {
  if key.enc != jwe.enc || key.bytes().len() != jwe.enc.key_len() {
    return None;
  }
  let aad = jwe.protected.as_bytes();
  match jwe.enc {
    Enc::A256CbcHs512 => {
      // Authenticate first, in constant time (RFC 7518 §5.2.2.2, T_LEN = 32), then decrypt.
      let al = ((aad.len() as u64) * 8).to_be_bytes();
      if !key
        .mac()?
        .verify_truncated(&[aad, jwe.iv(), &jwe.ciphertext, &al], jwe.tag())
      {
        return None;
      }
      crypto::aes_decrypt(Aes::Cbc, &key.bytes()[32..], jwe.iv(), aad, &jwe.ciphertext, &[])
    }
    Enc::A256Gcm => crypto::aes_decrypt(Aes::Gcm, key.bytes(), jwe.iv(), aad, &jwe.ciphertext, jwe.tag()),
  }
}

/// Encrypts `payload` as the issuers do: `{"alg":"dir","enc":..}` plus `kid` for v5.
pub fn encrypt(payload: &[u8], key: &DerivedKey, kid: Option<&str>) -> Result<String, Error> {
  let mut header = String::new();
  let mut object = json::Object::new(&mut header);
  object.str("alg", "dir").str("enc", key.enc.name());
  if let Some(kid) = kid {
    object.str("kid", kid);
  }
  object.end();
  let protected = crypto::b64_encode(header.as_bytes());
  let iv = crypto::random_bytes(sizes(key.enc).0).ok_or(Error::EncryptFailed)?;
  let (ciphertext, tag) = seal(payload, key, &iv, protected.as_bytes()).ok_or(Error::EncryptFailed)?;
  Ok(
    [
      protected.as_str(),
      "",
      &crypto::b64_encode(&iv),
      &crypto::b64_encode(&ciphertext),
      &crypto::b64_encode(&tag),
    ]
    .join("."),
  )
}

/// Seals with josekit (native).
#[cfg(not(target_arch = "wasm32"))]
fn seal(payload: &[u8], key: &DerivedKey, iv: &[u8], aad: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
  let sealed = match key.enc {
    Enc::A256CbcHs512 => AescbcHmacJweEncryption::A256cbcHs512.encrypt(key.bytes(), Some(iv), payload, aad),
    Enc::A256Gcm => AesgcmJweEncryption::A256gcm.encrypt(key.bytes(), Some(iv), payload, aad),
  };
  let (ciphertext, tag) = sealed.ok()?;
  Some((ciphertext, tag?))
}

/// Seals with the pure-Rust primitives (WebAssembly): RFC 7518 §5.2.2.1 for A256CBC-HS512 (the
/// second half of the key encrypts, the first half MACs, the tag is the MAC's first 32 bytes).
#[cfg(target_arch = "wasm32")]
fn seal(payload: &[u8], key: &DerivedKey, iv: &[u8], aad: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
  match key.enc {
    Enc::A256CbcHs512 => {
      let (ciphertext, _) = crypto::aes_encrypt(Aes::Cbc, &key.bytes()[32..], iv, aad, payload)?;
      let al = ((aad.len() as u64) * 8).to_be_bytes();
      let tag = key.mac()?.tag(&[aad, iv, &ciphertext, &al]);
      Some((ciphertext, tag[..32].to_vec()))
    }
    Enc::A256Gcm => crypto::aes_encrypt(Aes::Gcm, key.bytes(), iv, aad, payload),
  }
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
        let mut bytes = crypto::b64_decode(parts[idx]).unwrap();
        bytes[0] ^= 1;
        let mut p = parts.clone();
        let s = crypto::b64_encode(&bytes);
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
    let h = |json: &str| crypto::b64_encode(json.as_bytes());
    let body = "..AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA";
    let tok = |json: &str| format!("{}{}", h(json), body);
    for (json, reason) in [
      (
        r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#,
        Reason::UnsupportedAlgorithm,
      ),
      (r#"{"alg":"dir","enc":"A128GCM"}"#, Reason::UnsupportedAlgorithm),
      (
        r#"{"alg":"dir","enc":"A256GCM","zip":"DEF"}"#,
        Reason::UnsupportedAlgorithm,
      ),
      (
        r#"{"alg":"dir","enc":"A256GCM","crit":["x"]}"#,
        Reason::UnsupportedAlgorithm,
      ),
      (r#"{"alg":"dir"}"#, Reason::MalformedToken),
      ("[1]", Reason::MalformedToken),
    ] {
      assert_eq!(parse(&tok(json)).unwrap_err(), reason, "{json}");
    }
    assert_eq!(parse("a.b.c.d.e").unwrap_err(), Reason::MalformedToken);
    assert_eq!(parse("").unwrap_err(), Reason::MalformedToken);
    assert_eq!(
      parse("6f1c2c9a-6c3e-4c4e-9f1e-2b7a0e8f9d11").unwrap_err(),
      Reason::OpaqueSessionToken
    );
    assert_eq!(parse("x.y.z").unwrap_err(), Reason::MalformedToken);
  }
}
