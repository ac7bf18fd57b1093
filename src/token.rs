//! One token value, opened the one way: bounded, parsed, decrypted with every candidate key (v5
//! keys whose `kid` matches, then v4 keys), its claims scanned and its times checked. The
//! resolver, `decode` and `encode` (the issuers' `encode`) all live on this path.

use crate::claims::{self, Clock};
use crate::crypto;
use crate::error::{Error, Reason};
use crate::json;
use crate::jwe::{self, Compact};
use crate::keys::{self, Enc, Format};
use crate::secrets::{Keyring, SecretList};

string_enum! {
  /// What a report says about a token's format.
  pub enum TokenFormat {
    AuthjsV5 = "authjs-v5",
    NextAuthV4 = "next-auth-v4",
    /// A database session id, not a JWE.
    Opaque = "opaque",
    /// Not recognisable as either issuer's token.
    Unknown = "unknown",
  }
}

impl From<Format> for TokenFormat {
  fn from(f: Format) -> Self {
    match f {
      Format::AuthjsV5 => TokenFormat::AuthjsV5,
      Format::NextAuthV4 => TokenFormat::NextAuthV4,
    }
  }
}

/// A token that decrypted and passed the claims checks.
pub struct Found {
  /// The decrypted payload: a JSON object, valid UTF-8.
  pub payload: String,
  /// The requested claim's string value, or why it is unusable (`None` when none was requested).
  pub claim: Option<Result<String, Reason>>,
}

impl std::fmt::Debug for Found {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.write_str("Found(<payload redacted>)")
  }
}

/// What opening a token learnt about it, for diagnostics. Never a value.
#[derive(Debug, Default, Clone)]
pub struct TokenInfo {
  /// A guess from the header until decrypted, then the issuer's format.
  pub format: Option<TokenFormat>,
  pub enc: Option<Enc>,
  pub secret_index: Option<usize>,
  pub issued_at: Option<f64>,
  pub expires_at: Option<f64>,
  /// Claim names (collected only when [`Check::claim_names`] asks).
  pub claim_names: Vec<String>,
}

/// The salts a token may have been issued with: the v5 salt is the cookie name, v4's is `""`.
#[derive(Debug, Clone, Copy)]
pub struct Salts<'a> {
  pub v5: &'a str,
  pub v4: &'a str,
}

/// How a token is validated once decrypted.
#[derive(Debug, Clone, Copy)]
pub struct Check<'a> {
  /// The string claim to extract, if any.
  pub claim: Option<&'a str>,
  pub clock: Clock,
  pub max_token_bytes: usize,
  pub max_payload_bytes: usize,
  /// Collect the claim names (for a report).
  pub claim_names: bool,
}

/// What a report says of a value that does not parse as a JWE.
fn unparsed_format(reason: Reason) -> TokenFormat {
  if reason == Reason::OpaqueSessionToken {
    TokenFormat::Opaque
  } else {
    TokenFormat::Unknown
  }
}

/// Why `value` is no JWE at all, as an attempt's result and what it learnt; `None` when it parses.
pub fn unparsed(value: &str) -> Option<(Result<Found, Reason>, TokenInfo)> {
  let reason = jwe::parse(value).err()?;
  let info = TokenInfo {
    format: Some(unparsed_format(reason)),
    ..TokenInfo::default()
  };
  Some((Err(reason), info))
}

/// Opens one token. `other_v5_salts`: when it does not decrypt, the salts (its own is skipped)
/// under which it would mean `WRONG_COOKIE_NAME` (checked only for a v5 `kid`, which makes it
/// cheap).
pub fn open(
  value: &str,
  secrets: &[String],
  salts: Salts<'_>,
  other_v5_salts: &[String],
  check: &Check<'_>,
  info: &mut TokenInfo,
) -> Result<Found, Reason> {
  if value.len() > check.max_token_bytes {
    return Err(Reason::TooLarge);
  }
  let token = jwe::parse(value).inspect_err(|r| info.format = Some(unparsed_format(*r)))?;
  info.enc = Some(token.enc);
  info.format = Some(if token.kid.is_some() || token.enc == Enc::A256CbcHs512 {
    TokenFormat::AuthjsV5
  } else {
    TokenFormat::NextAuthV4
  });
  let Some((payload, format, index)) = decrypt(&token, secrets, salts) else {
    let elsewhere = token.kid.is_some()
      && other_v5_salts
        .iter()
        .filter(|salt| *salt != salts.v5)
        .any(|salt| {
          decrypt(
            &token,
            secrets,
            Salts {
              v5: salt,
              v4: salts.v4,
            },
          )
          .is_some()
        });
    return Err(if elsewhere {
      Reason::WrongCookieName
    } else {
      Reason::DecryptionFailed
    });
  };
  info.format = Some(format.into());
  info.secret_index = Some(index);
  let mut scan = claims::scan(&payload, check.claim, check.max_payload_bytes, check.claim_names)?;
  info.claim_names = std::mem::take(&mut scan.names);
  info.issued_at = scan.iat;
  info.expires_at = scan.exp;
  claims::check_times(&scan, check.clock)?;
  // The scan accepted it as JSON, so it is UTF-8.
  let payload = String::from_utf8(payload).map_err(|_| Reason::MalformedToken)?;
  Ok(Found {
    payload,
    claim: scan.claim,
  })
}

/// The plaintext, the format of the key that opened it and its secret's index. Tried in order:
/// for each secret the v5 key (skipped when its thumbprint is not the `kid`), then, for a
/// `kid`-less A256GCM token, the v4 keys.
fn decrypt(token: &Compact<'_>, secrets: &[String], salts: Salts<'_>) -> Option<(Vec<u8>, Format, usize)> {
  let v4_too = token.kid.is_none() && token.enc == Enc::A256Gcm;
  let formats = [(Format::AuthjsV5, salts.v5), (Format::NextAuthV4, salts.v4)];
  for &(format, salt) in &formats[..1 + usize::from(v4_too)] {
    for (i, secret) in secrets.iter().enumerate() {
      let Some(key) = keys::cached(format, token.enc, secret.as_bytes(), salt) else {
        continue;
      };
      let kid_matches = format == Format::NextAuthV4 || token.kid.as_ref().is_none_or(|kid| *kid == key.kid);
      if let Some(plain) = kid_matches.then(|| jwe::decrypt(token, &key)).flatten() {
        return Some((plain, format, i));
      }
    }
  }
  None
}

/// What `decode` is given. (No `Debug`: it holds a token.)
pub struct DecodeParams<'a> {
  pub token: Option<&'a str>,
  /// Secrets, newest first (already settled: the environment's when none were given).
  pub secrets: &'a [String],
  /// The cookie name the token was issued under (v5); `""` for v4.
  pub salt: &'a str,
  pub clock: Clock,
}

/// Decrypts a token of either format as the issuers' `decode` does and checks `exp`/`nbf`:
/// the payload JSON, or `None` for an invalid token.
pub fn decode(p: &DecodeParams<'_>) -> Result<Option<String>, Error> {
  if p.secrets.is_empty() {
    return Err(Error::MissingSecret);
  }
  let Some(token) = p.token else { return Ok(None) };
  let limits = crate::cookies::Limits::default();
  let check = Check {
    claim: None,
    clock: p.clock,
    max_token_bytes: limits.max_token_bytes,
    max_payload_bytes: limits.max_payload_bytes,
    claim_names: false,
  };
  let salts = Salts {
    v5: p.salt,
    v4: p.salt,
  };
  Ok(
    open(token, p.secrets, salts, &[], &check, &mut TokenInfo::default())
      .ok()
      .map(|f| f.payload),
  )
}

/// What `encode` is given. (No `Debug`: it holds claims.)
pub struct EncodeParams<'a> {
  /// The claims: the JSON text of an object.
  pub claims: &'a str,
  pub secrets: &'a [String],
  pub salt: Option<&'a str>,
  pub max_age: Option<f64>,
  pub format: Option<&'a str>,
  pub enc: Option<&'a str>,
  /// Epoch seconds.
  pub now: f64,
}

/// Encrypts claims exactly as `@auth/core` `encode` (`format: "authjs-v5"`) or next-auth@4
/// `encode` (`format: "next-auth-v4"`) does: `iat`, `exp` (now + maxAge, default 30 days) and a
/// random `jti` are set, the first secret encrypts, and v5 tokens carry the key's `kid`.
pub fn encode(p: EncodeParams<'_>) -> Result<String, Error> {
  let format = match p.format {
    None | Some("authjs-v5") => Format::AuthjsV5,
    Some("next-auth-v4") => Format::NextAuthV4,
    Some(_) => {
      return Err(Error::InvalidOption(
        "format",
        "expected \"authjs-v5\" or \"next-auth-v4\"",
      ))
    }
  };
  let enc = match (format, p.enc) {
    (Format::NextAuthV4, None | Some("A256GCM")) => Enc::A256Gcm,
    (Format::NextAuthV4, Some(_)) => {
      return Err(Error::InvalidOption("enc", "next-auth-v4 tokens use A256GCM"))
    }
    (Format::AuthjsV5, None) => Enc::A256CbcHs512,
    (Format::AuthjsV5, Some(name)) => Enc::from_name(name).ok_or(Error::InvalidOption(
      "enc",
      "expected \"A256CBC-HS512\" or \"A256GCM\"",
    ))?,
  };
  let salt = match (format, p.salt) {
    (Format::AuthjsV5, None) => {
      return Err(Error::InvalidOption(
        "salt",
        "Auth.js v5 tokens need the cookie name as salt",
      ))
    }
    (_, s) => s.unwrap_or_default(),
  };
  let secret = p.secrets.first().ok_or(Error::MissingSecret)?;
  let max_age = p.max_age.unwrap_or(30.0 * 24.0 * 60.0 * 60.0);
  let jti = uuid_v4().ok_or(Error::EncryptFailed)?;
  let payload = with_times(p.claims, p.now.trunc(), (p.now + max_age).floor(), &jti)?;
  let key = keys::cached(format, enc, secret.as_bytes(), salt).ok_or(Error::EncryptFailed)?;
  let kid = (format == Format::AuthjsV5).then_some(key.kid.as_str());
  jwe::encrypt(payload.as_bytes(), &key, kid)
}

/// [`encode`] at the system time, with `secrets` as given (the environment's when empty): what
/// both bindings' `encode` do once they have read their parameters.
pub fn encode_now(
  claims: &str,
  secrets: &SecretList,
  salt: Option<&str>,
  max_age: Option<f64>,
  format: Option<&str>,
  enc: Option<&str>,
) -> Result<String, Error> {
  let keyring = Keyring::new(secrets);
  encode(EncodeParams {
    claims,
    secrets: keyring.list(),
    salt,
    max_age,
    format,
    enc,
    now: Clock::system().now,
  })
}

/// `{ ...claims, iat, exp, jti }` as JSON text: a claim the issuer sets keeps its place and takes
/// the new value, the others follow.
fn with_times(claims: &str, iat: f64, exp: f64, jti: &str) -> Result<String, Error> {
  let bad = Error::InvalidOption("token", "expected an object of claims");
  let mut out = String::with_capacity(claims.len() + 100);
  let mut object = json::Object::new(&mut out);
  let mut set = [false; 3];
  let mut write = |object: &mut json::Object<'_>, i: usize| {
    if !std::mem::replace(&mut set[i], true) {
      match i {
        0 => object.num("iat", iat),
        1 => object.num("exp", exp),
        _ => object.str("jti", jti),
      };
    }
  };
  json::members(claims, &mut |m| match m.key.as_ref() {
    "iat" => write(&mut object, 0),
    "exp" => write(&mut object, 1),
    "jti" => write(&mut object, 2),
    key => {
      object.raw(key, m.raw);
    }
  })
  .map_err(|_| bad)?;
  for i in 0..3 {
    write(&mut object, i);
  }
  object.end();
  Ok(out)
}

/// A random (version 4) UUID, as the issuers put in `jti`.
fn uuid_v4() -> Option<String> {
  const HEX: &[u8; 16] = b"0123456789abcdef";
  let mut b = crypto::random_bytes(16)?;
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  let mut id = String::with_capacity(36);
  for (i, x) in b.iter().enumerate() {
    if matches!(i, 4 | 6 | 8 | 10) {
      id.push('-');
    }
    id.push(char::from(HEX[usize::from(x >> 4)]));
    id.push(char::from(HEX[usize::from(x & 15)]));
  }
  Some(id)
}

#[cfg(test)]
mod tests {
  use super::*;

  const SECRET: &str = "token-test-secret-0123456789abcdef0123456789";

  fn params<'a>(format: Option<&'a str>, salt: Option<&'a str>, secrets: &'a [String]) -> EncodeParams<'a> {
    EncodeParams {
      claims: r#"{"backendToken":"bt"}"#,
      secrets,
      salt,
      max_age: None,
      format,
      enc: None,
      now: Clock::system().now,
    }
  }

  #[test]
  fn the_issuer_claims_keep_their_place_and_take_the_new_values() {
    let text = with_times(
      r#"{ "a" : [1, {"b":null}], "exp":1,"x\u0041":"y","exp":2}"#,
      10.0,
      20.0,
      "id",
    )
    .unwrap();
    assert_eq!(
      text,
      r#"{"a":[1, {"b":null}],"exp":20,"xA":"y","iat":10,"jti":"id"}"#
    );
    assert_eq!(
      with_times("{}", 1.0, 2.0, "j").unwrap(),
      r#"{"iat":1,"exp":2,"jti":"j"}"#
    );
    for bad in ["[]", "{", "null", "{\"a\":1}x"] {
      assert_eq!(
        with_times(bad, 1.0, 2.0, "j").unwrap_err(),
        Error::InvalidOption("token", "expected an object of claims")
      );
    }
    let id = uuid_v4().unwrap();
    assert_eq!((id.len(), &id[14..15], id.matches('-').count()), (36, "4", 4));
    assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
  }

  #[test]
  fn encode_then_decode_both_formats() {
    let secrets = [SECRET.to_string()];
    for (format, salt) in [(None, Some("authjs.session-token")), (Some("next-auth-v4"), None)] {
      let token = encode(params(format, salt, &secrets)).unwrap();
      let decoded = decode(&DecodeParams {
        token: Some(&token),
        secrets: &secrets,
        salt: salt.unwrap_or(""),
        clock: Clock::system(),
      })
      .unwrap()
      .unwrap();
      assert!(decoded.contains("\"backendToken\":\"bt\""));
      assert!(decoded.contains("\"jti\""));
    }
    assert_eq!(
      encode(params(None, None, &secrets)).unwrap_err(),
      Error::InvalidOption("salt", "Auth.js v5 tokens need the cookie name as salt")
    );
    assert_eq!(
      encode(params(None, Some("n"), &[])).unwrap_err(),
      Error::MissingSecret
    );
  }

  #[test]
  fn a_token_under_another_name_is_recognised_as_such() {
    let secrets = [SECRET.to_string()];
    let token = encode(params(None, Some("a"), &secrets)).unwrap();
    let check = Check {
      claim: Some("backendToken"),
      clock: Clock::system(),
      max_token_bytes: 1 << 20,
      max_payload_bytes: 1 << 20,
      claim_names: true,
    };
    let mut info = TokenInfo::default();
    let salts = Salts { v5: "b", v4: "" };
    assert_eq!(
      open(
        &token,
        &secrets,
        salts,
        &["a".to_string(), "b".to_string()],
        &check,
        &mut info
      )
      .unwrap_err(),
      Reason::WrongCookieName
    );
    assert_eq!(
      open(&token, &secrets, salts, &[], &check, &mut info).unwrap_err(),
      Reason::DecryptionFailed
    );
    let mut info = TokenInfo::default();
    let found = open(
      &token,
      &secrets,
      Salts { v5: "a", v4: "" },
      &[],
      &check,
      &mut info,
    )
    .unwrap();
    assert_eq!(found.claim, Some(Ok("bt".to_string())));
    assert_eq!(info.format, Some(TokenFormat::AuthjsV5));
    assert!(info.claim_names.contains(&"jti".to_string()));
    assert_eq!(format!("{found:?}"), "Found(<payload redacted>)");
  }
}
