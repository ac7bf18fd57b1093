//! The resolution rules: which cookie names are candidates, in which order, what the cookie-tossing
//! rule rules out, and how one candidate value becomes validated claims.

use crate::claims::{self, Claims, Clock};
use crate::cookies::{Jar, Limits};
use crate::error::Reason;
use crate::jwe;
use crate::keys::{self, Enc, Format};

/// The session cookie names the issuers use, secure-prefixed first.
pub const DEFAULT_COOKIE_NAMES: [&str; 6] = [
  "__Secure-authjs.session-token",
  "__Secure-next-auth.session-token",
  "__Host-authjs.session-token",
  "__Host-next-auth.session-token",
  "authjs.session-token",
  "next-auth.session-token",
];

/// Whether a cookie name carries a prefix browsers only accept over HTTPS.
pub fn is_secure_name(name: &str) -> bool {
  name.starts_with("__Secure-") || name.starts_with("__Host-")
}

/// Everything the resolver needs besides the request.
#[derive(Debug)]
pub struct Config<'a> {
  /// Decryption secrets, newest first. Never empty (the caller checks).
  pub secrets: &'a [String],
  /// Candidate cookie names; tried secure-prefixed first.
  pub names: &'a [String],
  /// Overrides the salt (default: the cookie name for v5, empty for v4).
  pub salt: Option<&'a str>,
  pub clock: Clock,
  /// Accept `Authorization: Bearer <token>` when no session cookie is present.
  pub bearer: bool,
  pub limits: Limits,
}

/// What a request carries that the resolver reads.
#[derive(Default)]
pub struct Request<'a> {
  pub jar: Jar<'a>,
  pub authorization: Option<&'a str>,
}

/// Where the token was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
  Cookie,
  Bearer,
}

/// A token that decrypted and passed the claims checks.
#[derive(Debug)]
pub struct Found {
  pub claims: Claims,
  /// The base cookie name (without `.N`); for a bearer token, the name whose salt worked.
  pub cookie_name: String,
  pub origin: Origin,
  pub format: Format,
  pub enc: Enc,
  /// Chunks read (1 when not chunked).
  pub chunks: usize,
  /// Index into [`Config::secrets`] of the secret that decrypted it.
  pub secret_index: usize,
}

/// The result of resolving a request, with what was looked at and why the rest was refused.
#[derive(Debug)]
pub struct Outcome {
  pub found: Result<Found, Reason>,
  /// Candidate names in the order they were checked.
  pub checked: Vec<String>,
  /// Every candidate present but not used, and why.
  pub rejected: Vec<(String, Reason)>,
}

/// Candidate names in resolution order: secure-prefixed first, each group in the given order.
fn ordered_names(names: &[String]) -> Vec<&str> {
  let secure = names.iter().filter(|n| is_secure_name(n));
  let plain = names.iter().filter(|n| !is_secure_name(n));
  secure.chain(plain).map(String::as_str).collect()
}

pub fn resolve(req: &Request<'_>, cfg: &Config<'_>) -> Outcome {
  let names = ordered_names(cfg.names);
  let secure_present = names.iter().any(|n| is_secure_name(n) && req.jar.has_session(n));
  let mut rejected: Vec<(String, Reason)> = Vec::new();
  let mut any_present = false;

  for &name in &names {
    if !req.jar.has_session(name) {
      continue;
    }
    any_present = true;
    if secure_present && !is_secure_name(name) {
      // On HTTPS a plain session cookie can only have been planted (cookie tossing).
      rejected.push((name.to_string(), Reason::InsecureCookieOnHttps));
      continue;
    }
    let lookup = req.jar.lookup(name, &cfg.limits);
    let mut reason = None;
    if let Some(value) = lookup.single {
      match open(value, name, &names, cfg) {
        Ok((claims, key)) => return done(name, Origin::Cookie, claims, key, 1, &names, rejected),
        Err(r) => reason = Some(r),
      }
    }
    match lookup.chunked {
      Some(Ok((value, chunks))) => match open(&value, name, &names, cfg) {
        Ok((claims, key)) => return done(name, Origin::Cookie, claims, key, chunks, &names, rejected),
        Err(r) => reason = reason.or(Some(r)),
      },
      Some(Err(r)) => reason = reason.or(Some(r)),
      None => {}
    }
    rejected.push((name.to_string(), reason.unwrap_or(Reason::MalformedToken)));
  }

  if !any_present && cfg.bearer {
    if let Some(token) = req.authorization.and_then(bearer_token) {
      let mut last = Reason::DecryptionFailed;
      for &name in &names {
        match open(&token, name, &names, cfg) {
          Ok((claims, key)) => return done(name, Origin::Bearer, claims, key, 1, &names, rejected),
          Err(r) => last = r,
        }
        if !matches!(last, Reason::DecryptionFailed | Reason::WrongCookieName) {
          break; // The failure does not depend on the salt: another name will not help.
        }
      }
      rejected.push(("Authorization".to_string(), last));
    }
  }

  let reason = rejected
    .iter()
    .map(|(_, r)| *r)
    .find(|r| *r != Reason::InsecureCookieOnHttps)
    .or_else(|| rejected.first().map(|(_, r)| *r))
    .unwrap_or(if req.jar.oversized || req.jar.truncated {
      Reason::TooLarge
    } else {
      Reason::NoSessionCookie
    });
  Outcome {
    found: Err(reason),
    checked: names.iter().map(|n| n.to_string()).collect(),
    rejected,
  }
}

fn done(
  name: &str,
  origin: Origin,
  claims: Claims,
  key: UsedKey,
  chunks: usize,
  names: &[&str],
  rejected: Vec<(String, Reason)>,
) -> Outcome {
  Outcome {
    found: Ok(Found {
      claims,
      cookie_name: name.to_string(),
      origin,
      format: key.format,
      enc: key.enc,
      chunks,
      secret_index: key.secret_index,
    }),
    checked: names.iter().map(|n| n.to_string()).collect(),
    rejected,
  }
}

/// Which key opened a token.
#[derive(Debug, Clone, Copy)]
pub struct UsedKey {
  pub format: Format,
  pub enc: Enc,
  pub secret_index: usize,
}

/// Decrypts and validates one candidate value issued under cookie `name`.
fn open(value: &str, name: &str, names: &[&str], cfg: &Config<'_>) -> Result<(Claims, UsedKey), Reason> {
  if value.len() > cfg.limits.max_token_bytes {
    return Err(Reason::TooLarge);
  }
  let token = jwe::parse(value)?;
  let v5_salt = cfg.salt.unwrap_or(name);
  let v4_salt = cfg.salt.unwrap_or("");
  let (payload, used) = match decrypt_with(&token, cfg.secrets, v5_salt, v4_salt) {
    Some(found) => found,
    None => {
      // Would it open under another candidate's name? Then it was issued under that name.
      // Only a v5 `kid` makes this cheap: compare thumbprints, decrypt only on a match.
      let elsewhere = cfg.salt.is_none()
        && token.kid.is_some()
        && names
          .iter()
          .filter(|other| **other != name)
          .any(|other| decrypt_with(&token, cfg.secrets, other, v4_salt).is_some());
      return Err(if elsewhere {
        Reason::WrongCookieName
      } else {
        Reason::DecryptionFailed
      });
    }
  };
  let claims = claims::parse(&payload, cfg.limits.max_payload_bytes)?;
  claims::check_times(&claims, cfg.clock)?;
  Ok((claims, used))
}

/// Tries every secret: v5 keys whose thumbprint matches the `kid` (all of them when there is no
/// `kid`), then, for a `kid`-less A256GCM token, v4 keys.
pub fn decrypt_with(
  token: &jwe::Compact<'_>,
  secrets: &[String],
  v5_salt: &str,
  v4_salt: &str,
) -> Option<(Vec<u8>, UsedKey)> {
  for (i, secret) in secrets.iter().enumerate() {
    let Some(key) = keys::cached(Format::AuthjsV5, token.enc, secret.as_bytes(), v5_salt) else {
      continue;
    };
    if token.kid.as_ref().is_some_and(|kid| *kid != key.kid) {
      continue;
    }
    if let Some(plain) = jwe::decrypt(token, &key) {
      return Some((
        plain,
        UsedKey {
          format: Format::AuthjsV5,
          enc: token.enc,
          secret_index: i,
        },
      ));
    }
  }
  if token.kid.is_none() && token.enc == Enc::A256Gcm {
    for (i, secret) in secrets.iter().enumerate() {
      let Some(key) = keys::cached(Format::NextAuthV4, Enc::A256Gcm, secret.as_bytes(), v4_salt) else {
        continue;
      };
      if let Some(plain) = jwe::decrypt(token, &key) {
        return Some((
          plain,
          UsedKey {
            format: Format::NextAuthV4,
            enc: Enc::A256Gcm,
            secret_index: i,
          },
        ));
      }
    }
  }
  None
}

/// The token in `Authorization: Bearer <url-encoded token>`.
fn bearer_token(header: &str) -> Option<String> {
  let (scheme, rest) = header.trim().split_once(' ')?;
  if !scheme.eq_ignore_ascii_case("bearer") {
    return None;
  }
  let rest = rest.trim();
  if rest.is_empty() {
    return None;
  }
  percent_decode(rest)
}

fn percent_decode(s: &str) -> Option<String> {
  if !s.contains('%') {
    return Some(s.to_string());
  }
  let b = s.as_bytes();
  let mut out = Vec::with_capacity(b.len());
  let mut i = 0;
  while i < b.len() {
    if b[i] == b'%' {
      let hex = b.get(i + 1..i + 3)?;
      let hi = (hex[0] as char).to_digit(16)?;
      let lo = (hex[1] as char).to_digit(16)?;
      out.push((hi * 16 + lo) as u8);
      i += 3;
    } else {
      out.push(b[i]);
      i += 1;
    }
  }
  String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn secure_names_come_first() {
    let names: Vec<String> = ["a", "__Host-b", "c", "__Secure-d"]
      .iter()
      .map(|s| s.to_string())
      .collect();
    assert_eq!(ordered_names(&names), ["__Host-b", "__Secure-d", "a", "c"]);
  }

  #[test]
  fn bearer_parsing() {
    assert_eq!(bearer_token("Bearer abc").as_deref(), Some("abc"));
    assert_eq!(bearer_token("bearer  a%2Eb ").as_deref(), Some("a.b"));
    assert_eq!(bearer_token("Basic abc"), None);
    assert_eq!(bearer_token("Bearer"), None);
    assert_eq!(bearer_token("Bearer %zz"), None);
    assert_eq!(bearer_token("Bearer %"), None);
  }
}

/// A request's cookies and Authorization header, owned (as read from a JS value).
#[derive(Default)]
pub struct OwnedRequest {
  /// Cookie headers, in order (Node may deliver several).
  pub cookie_headers: Vec<String>,
  /// Cookies already parsed by the framework.
  pub cookie_pairs: Vec<(String, String)>,
  pub authorization: Option<String>,
}

impl OwnedRequest {
  /// A borrowed view with the bounds applied.
  pub fn view(&self, limits: &Limits) -> Request<'_> {
    let mut jar = Jar::new();
    for h in &self.cookie_headers {
      jar.add_header(h, limits);
    }
    for (n, v) in &self.cookie_pairs {
      if !jar.push(n, v, limits) {
        break;
      }
    }
    Request {
      jar,
      authorization: self.authorization.as_deref(),
    }
  }
}
