//! The resolution rules: which cookie names are candidates, in which order, what the cookie-tossing
//! rule rules out, and how one candidate value becomes a validated token.

use std::borrow::Cow;

use crate::claims::{self, Clock};
use crate::cookies::{Jar, Limits};
use crate::error::{Error, Reason};
use crate::jwe;
use crate::keys::{self, Enc, Format};
use crate::policy::{self, Protocol, ProtocolFrom, SecureMode, Signals};
use crate::secrets::Secrets;

/// The session cookie names the issuers use, in resolution order (secure-prefixed first).
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

/// Candidate names in resolution order: secure-prefixed first, each group in the given order.
pub fn ordered_names(names: &[String]) -> Vec<&str> {
  let secure = names.iter().filter(|n| is_secure_name(n));
  let plain = names.iter().filter(|n| !is_secure_name(n));
  secure.chain(plain).map(String::as_str).collect()
}

/// Everything the resolver needs besides the request.
#[derive(Debug)]
pub struct Config<'a> {
  /// Decryption secrets, newest first (read from the environment only when needed).
  pub secrets: &'a Secrets,
  /// Candidate cookie names, in resolution order (see [`ordered_names`]).
  pub names: &'a [&'a str],
  /// Overrides the salt (default: the cookie name for v5, empty for v4).
  pub salt: Option<&'a str>,
  /// The string claim to extract, if any.
  pub claim: Option<&'a str>,
  pub clock: Clock,
  /// Accept `Authorization: Bearer <token>` when no session cookie is present.
  pub bearer: bool,
  pub limits: Limits,
  /// The `secure` option.
  pub secure: SecureMode,
  /// Reads `AUTH_URL` / `NEXTAUTH_URL` (the process environment, or a stand-in in tests).
  pub env: fn(&str) -> Option<String>,
  /// Collect what a report needs (protocol, claim names) even when resolution does not.
  pub diagnose: bool,
}

/// A request header (or the request URL) read only when resolution needs it: for a `Request` or
/// `Headers` each one is a call into JavaScript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
  Authorization,
  /// The absolute request URL (`Request.url`).
  Url,
  XForwardedProto,
  Forwarded,
}

/// Reads an [`Extra`] from the source on demand.
pub type ExtraReader<'a> = &'a dyn Fn(Extra) -> Option<String>;

/// What a request carries that the resolver reads.
#[derive(Default)]
pub struct Request<'a> {
  pub jar: Jar<'a>,
  /// The request's other headers, when the source has any.
  pub extra: Option<ExtraReader<'a>>,
}

impl Request<'_> {
  fn extra(&self, which: Extra) -> Option<String> {
    self.extra.and_then(|read| read(which))
  }
}

/// Where the token was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
  Cookie,
  Bearer,
}

/// A token that decrypted and passed the claims checks. Where it came from (name, origin, format,
/// chunks, secret) is in the winning [`Attempt`], [`Outcome::decisive`].
#[derive(Debug)]
pub struct Found {
  /// The decrypted payload: a JSON object, valid UTF-8.
  pub payload: String,
  /// The requested claim's string value, or why it is unusable (`None` when none was requested).
  pub claim: Option<Result<String, Reason>>,
}

/// What one attempt learnt about a token, for diagnostics. Never a value.
#[derive(Debug, Default, Clone)]
pub struct TokenInfo {
  /// `authjs-v5`, `next-auth-v4`, `opaque` or `unknown` (a guess from the header until decrypted).
  pub format: Option<&'static str>,
  pub enc: Option<Enc>,
  pub secret_index: Option<usize>,
  pub issued_at: Option<f64>,
  pub expires_at: Option<f64>,
  /// Claim names (collected only with [`Config::diagnose`]).
  pub claim_names: Vec<String>,
}

/// One candidate looked at, and how it went.
#[derive(Debug, Clone)]
pub struct Attempt {
  /// Base cookie name (or `Authorization` for a bearer token that failed).
  pub name: String,
  pub origin: Origin,
  pub reason: Reason,
  /// Parts read (1 when not chunked, 0 when nothing was read).
  pub chunks: usize,
  pub info: TokenInfo,
}

/// The result of resolving a request, with why the rest was refused.
#[derive(Debug)]
pub struct Outcome {
  pub found: Result<Found, Reason>,
  /// Every candidate present but not used, and why.
  pub rejected: Vec<Attempt>,
  /// The attempt that produced the token, or the one whose failure is the reason.
  pub decisive: Option<Attempt>,
  /// The protocol, when it was needed (always with [`Config::diagnose`]).
  pub protocol: Option<(Protocol, Option<ProtocolFrom>)>,
}

/// Resolves a request. The only error is a missing secret, raised when there is a token to
/// decrypt and no secret to do it with; a request with no session needs none.
pub fn resolve(req: &Request<'_>, cfg: &Config<'_>) -> Result<Outcome, Error> {
  let names = cfg.names;
  let secure_present = names.iter().any(|n| is_secure_name(n) && req.jar.has_session(n));
  let mut protocol = None;
  let mut policy = || {
    *protocol.get_or_insert_with(|| {
      let (url, proto, fwd) = (
        req.extra(Extra::Url),
        req.extra(Extra::XForwardedProto),
        req.extra(Extra::Forwarded),
      );
      let signals = Signals {
        request_url: url.as_deref(),
        x_forwarded_proto: proto.as_deref(),
        forwarded: fwd.as_deref(),
      };
      policy::detect(cfg.secure, &signals, cfg.env, secure_present)
    })
  };
  let mut rejected: Vec<Attempt> = Vec::new();
  let mut any_present = false;
  let mut strict = None;

  let mut found = None;
  'names: for &name in names {
    if !req.jar.has_session(name) {
      continue;
    }
    any_present = true;
    let refuse = |reason, chunks, info| Attempt {
      name: name.to_string(),
      origin: Origin::Cookie,
      reason,
      chunks,
      info,
    };
    if !is_secure_name(name) && *strict.get_or_insert_with(|| policy::strict(cfg.secure, policy().0)) {
      // On HTTPS a plain session cookie can only have been planted (cookie tossing).
      rejected.push(refuse(Reason::InsecureCookieOnHttps, 0, TokenInfo::default()));
      continue;
    }
    let lookup = req.jar.lookup(name, &cfg.limits);
    let mut failure: Option<Attempt> = None;
    // The whole cookie first, then the chunks joined.
    let values = lookup
      .single
      .map(|v| Ok((Cow::Borrowed(v), 1)))
      .into_iter()
      .chain(lookup.chunked.map(|c| c.map(|(v, n)| (Cow::Owned(v), n))));
    for value in values {
      let attempt = match value {
        Ok((value, chunks)) => {
          let (result, info) = open(&value, name, cfg)?;
          match result {
            Ok(opened) => {
              found = Some((opened, refuse(Reason::Ok, chunks, info)));
              break 'names;
            }
            Err(r) => refuse(r, chunks, info),
          }
        }
        Err(r) => refuse(r, 0, TokenInfo::default()),
      };
      failure = failure.or(Some(attempt));
    }
    rejected.push(failure.unwrap_or_else(|| refuse(Reason::MalformedToken, 0, TokenInfo::default())));
  }

  if found.is_none() && !any_present && cfg.bearer {
    if let Some(token) = req.extra(Extra::Authorization).as_deref().and_then(bearer_token) {
      let mut last = None;
      for &name in names {
        let (result, info) = open(&token, name, cfg)?;
        let attempt = |reason, info| Attempt {
          name: name.to_string(),
          origin: Origin::Bearer,
          reason,
          chunks: 1,
          info,
        };
        match result {
          Ok(opened) => {
            found = Some((opened, attempt(Reason::Ok, info)));
            break;
          }
          Err(r) => {
            let keep_trying = matches!(r, Reason::DecryptionFailed | Reason::WrongCookieName);
            last = Some(Attempt {
              name: "Authorization".to_string(),
              ..attempt(r, info)
            });
            if !keep_trying {
              break; // The failure does not depend on the salt: another name will not help.
            }
          }
        }
      }
      if found.is_none() {
        rejected.extend(last);
      }
    }
  }

  let (found, decisive) = match found {
    Some((found, attempt)) => {
      // Plain session cookies after the winner were never tried: on HTTPS they are refused all the same.
      if strict.unwrap_or(false) || (cfg.diagnose && policy::strict(cfg.secure, policy().0)) {
        for &name in names
          .iter()
          .filter(|n| !is_secure_name(n) && req.jar.has_session(n))
        {
          if rejected.iter().all(|a| a.name != name) {
            rejected.push(Attempt {
              name: name.to_string(),
              origin: Origin::Cookie,
              reason: Reason::InsecureCookieOnHttps,
              chunks: 0,
              info: TokenInfo::default(),
            });
          }
        }
      }
      (Ok(found), Some(attempt))
    }
    None => {
      let decisive = rejected
        .iter()
        .find(|a| a.reason != Reason::InsecureCookieOnHttps)
        .or_else(|| rejected.first())
        .cloned();
      let reason = decisive.as_ref().map_or(
        if req.jar.oversized || req.jar.truncated {
          Reason::TooLarge
        } else {
          Reason::NoSessionCookie
        },
        |a| a.reason,
      );
      (Err(reason), decisive)
    }
  };
  if cfg.diagnose {
    policy();
  }
  Ok(Outcome {
    found,
    rejected,
    decisive,
    protocol,
  })
}

/// Which key opened a token.
#[derive(Debug, Clone, Copy)]
pub struct UsedKey {
  pub format: Format,
  pub enc: Enc,
  pub secret_index: usize,
}

/// Decrypts and validates one candidate value issued under cookie `name`, noting what it learns.
fn open(value: &str, name: &str, cfg: &Config<'_>) -> Result<(Result<Found, Reason>, TokenInfo), Error> {
  if cfg.secrets.list().is_empty() {
    return Err(Error::MissingSecret);
  }
  let mut info = TokenInfo::default();
  let result = open_into(value, name, cfg, &mut info);
  Ok((result, info))
}

fn open_into(value: &str, name: &str, cfg: &Config<'_>, info: &mut TokenInfo) -> Result<Found, Reason> {
  if value.len() > cfg.limits.max_token_bytes {
    return Err(Reason::TooLarge);
  }
  let token = jwe::parse(value).inspect_err(|r| {
    info.format = Some(if *r == Reason::OpaqueSessionToken {
      "opaque"
    } else {
      "unknown"
    });
  })?;
  info.enc = Some(token.enc);
  info.format = Some(if token.kid.is_some() || token.enc == Enc::A256CbcHs512 {
    Format::AuthjsV5.name()
  } else {
    Format::NextAuthV4.name()
  });
  let secrets = cfg.secrets.list();
  let v5_salt = cfg.salt.unwrap_or(name);
  let v4_salt = cfg.salt.unwrap_or("");
  let Some((payload, key)) = decrypt_with(&token, secrets, v5_salt, v4_salt) else {
    // Would it open under another candidate's name? Then it was issued under that name.
    // Only a v5 `kid` makes this cheap: compare thumbprints, decrypt only on a match.
    let elsewhere = cfg.salt.is_none()
      && token.kid.is_some()
      && cfg
        .names
        .iter()
        .filter(|other| **other != name)
        .any(|other| decrypt_with(&token, secrets, other, v4_salt).is_some());
    return Err(if elsewhere {
      Reason::WrongCookieName
    } else {
      Reason::DecryptionFailed
    });
  };
  info.format = Some(key.format.name());
  info.secret_index = Some(key.secret_index);
  if cfg.diagnose {
    if let Ok(map) = claims::parse(&payload, cfg.limits.max_payload_bytes) {
      info.claim_names = map.keys().cloned().collect();
    }
  }
  let scan = claims::scan(&payload, cfg.claim, cfg.limits.max_payload_bytes)?;
  info.issued_at = scan.iat;
  info.expires_at = scan.exp;
  claims::check_scanned_times(&scan, cfg.clock)?;
  // The scan accepted it as JSON, so it is UTF-8.
  let payload = String::from_utf8(payload).map_err(|_| Reason::MalformedToken)?;
  Ok(Found {
    payload,
    claim: scan.claim,
  })
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
  fn default_names_are_already_in_resolution_order() {
    let names: Vec<String> = DEFAULT_COOKIE_NAMES.iter().map(|s| s.to_string()).collect();
    assert_eq!(ordered_names(&names), DEFAULT_COOKIE_NAMES);
  }

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

/// A request's cookies, owned (as read from a JS value).
#[derive(Default)]
pub struct OwnedRequest {
  /// Cookie headers, in order (Node may deliver several).
  pub cookie_headers: Vec<String>,
  /// Cookies already parsed by the framework (values only for possible session cookies).
  pub cookie_pairs: Vec<(String, String)>,
}

impl OwnedRequest {
  /// A borrowed view with the bounds applied.
  pub fn view<'a>(&'a self, limits: &Limits, extra: Option<ExtraReader<'a>>) -> Request<'a> {
    let mut jar = Jar::new();
    for h in &self.cookie_headers {
      jar.add_header(h, limits);
    }
    for (n, v) in &self.cookie_pairs {
      if !jar.push(n, v, limits) {
        break;
      }
    }
    Request { jar, extra }
  }
}

/// Whether a cookie named `name` can be (a chunk of) one of the candidate session cookies.
pub fn is_candidate(name: &str, names: &[&str]) -> bool {
  names.iter().any(|base| {
    name
      .strip_prefix(base)
      .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
  })
}
