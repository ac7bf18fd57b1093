//! JWE compact serialization (RFC 7516) restricted to what the issuers produce: `alg: "dir"` with
//! `enc` A256CBC-HS512 or A256GCM, no compression, no critical extensions.
//!
//! Every failure after the header is parsed is the same "decryption failed": a wrong key, a bad
//! tag and bad padding are indistinguishable to the caller. For A256CBC-HS512 the tag is verified
//! in constant time before anything is decrypted (RFC 7518 §5.2.2.2).

use hkdf::hmac::{Hmac, Mac};
use josekit::jwe::enc::aescbc_hmac::AescbcHmacJweEncryption;
use josekit::jwe::enc::aesgcm::AesgcmJweEncryption;
use josekit::jwe::JweContentEncryption;
use serde_json::Value;
use sha2::Sha512;

use crate::b64;
use crate::error::{Error, Reason};
use crate::keys::{DerivedKey, Enc};

/// A parsed compact JWE whose header passed the algorithm checks.
pub struct Compact<'a> {
  protected: &'a str,
  pub enc: Enc,
  pub kid: Option<String>,
  iv: Vec<u8>,
  ciphertext: Vec<u8>,
  tag: Vec<u8>,
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
  let header_json = b64::decode(protected).ok_or(Reason::MalformedToken)?;
  let header: serde_json::Map<String, Value> =
    serde_json::from_slice(&header_json).map_err(|_| Reason::MalformedToken)?;
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
  if !encrypted_key.is_empty() {
    // `dir` carries no encrypted key.
    return Err(Reason::MalformedToken);
  }
  let kid = match header.get("kid") {
    None => None,
    Some(Value::String(kid)) => Some(kid.clone()),
    Some(_) => return Err(Reason::MalformedToken),
  };
  let (iv_len, tag_len) = match enc {
    Enc::A256CbcHs512 => (16, 32),
    Enc::A256Gcm => (12, 16),
  };
  let iv = b64::decode(iv)
    .filter(|v| v.len() == iv_len)
    .ok_or(Reason::MalformedToken)?;
  let tag = b64::decode(tag)
    .filter(|v| v.len() == tag_len)
    .ok_or(Reason::MalformedToken)?;
  let ciphertext = b64::decode(ciphertext).ok_or(Reason::MalformedToken)?;
  if enc == Enc::A256CbcHs512 && (ciphertext.is_empty() || ciphertext.len() % 16 != 0) {
    return Err(Reason::MalformedToken);
  }
  Ok(Compact {
    protected,
    enc,
    kid,
    iv,
    ciphertext,
    tag,
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
      let (mac_key, _) = key.bytes().split_at(32);
      let mut mac = <Hmac<Sha512> as Mac>::new_from_slice(mac_key).ok()?;
      mac.update(aad);
      mac.update(&jwe.iv);
      mac.update(&jwe.ciphertext);
      mac.update(&((aad.len() as u64) * 8).to_be_bytes());
      // Constant-time comparison of the leftmost 32 bytes (RFC 7518 §5.2.5: T_LEN = 32).
      mac.verify_truncated_left(&jwe.tag).ok()?;
      AescbcHmacJweEncryption::A256cbcHs512
        .decrypt(key.bytes(), Some(&jwe.iv), &jwe.ciphertext, aad, Some(&jwe.tag))
        .ok()
    }
    Enc::A256Gcm => AesgcmJweEncryption::A256gcm
      .decrypt(key.bytes(), Some(&jwe.iv), &jwe.ciphertext, aad, Some(&jwe.tag))
      .ok(),
  }
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
