//! Resolution: from a request to a validated token, in three named steps — the session cookies
//! (candidate names in order, the cookie-tossing rule, whole then chunked values), the
//! `Authorization: Bearer` fallback, and the decision (which failure is the reason).

use std::borrow::Cow;

use crate::cookies::{is_secure_name, Jar};
use crate::error::{Error, Reason};
use crate::options::Options;
use crate::policy::{self, Protocol, ProtocolFrom, SecureMode, Signals};
use crate::secrets::Keyring;
use crate::token::{self, Check, Found, Salts, TokenInfo};

/// What a resolution is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
  /// The backend token claim (`getBackendToken`).
  Claim,
  /// The whole payload (`getToken`).
  Payload,
  /// A report (`inspectToken`): everything is collected.
  Report,
  /// A session (`getSession`): the claim and payload of a JWT session, or, with an adapter, the id
  /// of a database session to look up.
  Session,
}

string_enum! {
  /// The session strategy the cookie belongs to.
  pub enum Strategy {
    /// The cookie holds the session itself, an encrypted JWT.
    Jwt = "jwt",
    /// The cookie holds the id of a session kept in the app's database.
    Database = "database",
  }
}

/// What a resolution found: a validated token, or the id of a database session to look up.
#[derive(Debug)]
pub enum Session {
  Token(Found),
  /// An opaque session id from a whole (unchunked) cookie; only with an adapter.
  Id(SessionId),
}

/// A database session id. Never printed.
pub struct SessionId(pub String);

impl std::fmt::Debug for SessionId {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.write_str("SessionId(<redacted>)")
  }
}

impl Session {
  pub fn strategy(&self) -> Strategy {
    match self {
      Session::Token(_) => Strategy::Jwt,
      Session::Id(_) => Strategy::Database,
    }
  }

  /// The token, if this is a JWT session.
  pub fn token(self) -> Option<Found> {
    match self {
      Session::Token(found) => Some(found),
      Session::Id(_) => None,
    }
  }
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
  /// `"true"` when the request's socket is encrypted (Node `req.socket.encrypted`).
  TlsSocket,
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

string_enum! {
  /// Where the token was found.
  pub enum Origin {
    Cookie = "cookie",
    Bearer = "bearer",
  }
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

impl Attempt {
  fn refused(name: &str, reason: Reason) -> Attempt {
    Attempt {
      name: name.to_string(),
      origin: Origin::Cookie,
      reason,
      chunks: 0,
      info: TokenInfo::default(),
    }
  }
}

/// The result of resolving a request, with why the rest was refused.
#[derive(Debug)]
pub struct Outcome {
  pub found: Result<Session, Reason>,
  /// Every candidate present but not used, and why.
  pub rejected: Vec<Attempt>,
  /// The attempt that produced the token, or the one whose failure is the reason.
  pub decisive: Option<Attempt>,
  /// The protocol, when it was needed (always for a report).
  pub protocol: Option<(Protocol, Option<ProtocolFrom>)>,
}

impl Outcome {
  /// `OK`, or why there is no usable token (for [`Want::Claim`], an unusable claim counts).
  pub fn reason(&self) -> Reason {
    match &self.found {
      Err(r) => *r,
      Ok(Session::Token(Found {
        claim: Some(Err(r)), ..
      })) => *r,
      Ok(_) => Reason::Ok,
    }
  }
}

/// Resolves a request. The only error is a missing secret, raised when there is a token to
/// decrypt and no secret to do it with; a request with no session needs none.
pub fn resolve(req: &Request<'_>, opts: &Options, want: Want) -> Result<Outcome, Error> {
  resolve_with_env(req, opts, want, crate::host::env_var)
}

/// [`resolve`], reading `AUTH_URL`/`NEXTAUTH_URL` through `env`.
pub fn resolve_with_env(
  req: &Request<'_>,
  opts: &Options,
  want: Want,
  env: fn(&str) -> Option<String>,
) -> Result<Outcome, Error> {
  let mut r = Resolution {
    req,
    opts,
    want,
    env,
    keys: Keyring::new(&opts.secret),
    check: Check {
      claim: (want != Want::Payload).then_some(opts.claim.as_str()),
      clock: opts.clock(),
      max_token_bytes: opts.max_token_bytes,
      max_payload_bytes: opts.max_payload_bytes,
      claim_names: want == Want::Report,
    },
    protocol: None,
    rejected: Vec::new(),
  };
  let found = match r.try_cookies()? {
    Some(found) => Some(found),
    None => r.try_bearer()?,
  };
  Ok(r.decide(found))
}

struct Resolution<'r> {
  req: &'r Request<'r>,
  opts: &'r Options,
  want: Want,
  env: fn(&str) -> Option<String>,
  keys: Keyring<'r>,
  check: Check<'r>,
  protocol: Option<(Protocol, Option<ProtocolFrom>)>,
  rejected: Vec<Attempt>,
}

impl Resolution<'_> {
  /// The request's protocol, read (from headers, then the environment) on first need.
  fn protocol(&mut self) -> (Protocol, Option<ProtocolFrom>) {
    if let Some(p) = self.protocol {
      return p;
    }
    let (url, proto, fwd) = (
      self.req.extra(Extra::Url),
      self.req.extra(Extra::XForwardedProto),
      self.req.extra(Extra::Forwarded),
    );
    let signals = Signals {
      tls_socket: self.req.extra(Extra::TlsSocket).is_some_and(|v| v == "true"),
      request_url: url.as_deref(),
      x_forwarded_proto: proto.as_deref(),
      forwarded: fwd.as_deref(),
    };
    let secure_present = self
      .opts
      .cookie_name
      .iter()
      .any(|n| is_secure_name(n) && self.req.jar.has_session(n));
    let p = policy::detect(self.opts.secure, &signals, self.env, secure_present);
    *self.protocol.get_or_insert(p)
  }

  /// Whether only secure-prefixed names may be used (the protocol is read only for `"auto"`).
  fn strict(&mut self) -> bool {
    match self.opts.secure {
      SecureMode::Auto => self.protocol().0 == Protocol::Https,
      mode => policy::strict(mode, Protocol::Unknown),
    }
  }

  /// Whether an opaque cookie value is a database session id to look up (only with an adapter,
  /// and only where the caller can look it up or report on it).
  fn takes_session_ids(&self) -> bool {
    self.opts.adapter && matches!(self.want, Want::Session | Want::Report)
  }

  /// Opens one value found under (or, for a bearer token, tried with) the cookie name `name`.
  fn open(&self, value: &str, name: &str) -> Result<(Result<Found, Reason>, TokenInfo), Error> {
    // With an adapter, a value that is not a JWE at all (a session id, or garbage) is judged
    // without the secrets: a database-only app has none, and an id needs none read. A value shaped
    // like a JWE is parsed here only when there is no secret, so it is never parsed twice.
    let no_secret_needed =
      self.takes_session_ids() && (!crate::jwe::may_be_compact(value) || self.keys.list().is_empty());
    if no_secret_needed {
      if let Some(judged) = token::unparsed(value) {
        return Ok(judged);
      }
    }
    let secrets = self.keys.list();
    if secrets.is_empty() {
      return Err(Error::MissingSecret);
    }
    let salts = Salts {
      v5: self.opts.salt.as_deref().unwrap_or(name),
      v4: self.opts.salt.as_deref().unwrap_or(""),
    };
    // Would it open under another candidate's name? Then it was issued under that name.
    let others: &[String] = match self.opts.salt {
      Some(_) => &[],
      None => &self.opts.cookie_name,
    };
    let mut info = TokenInfo::default();
    let result = token::open(value, secrets, salts, others, &self.check, &mut info);
    Ok((result, info))
  }

  /// Step 1: the session cookies, candidate names in order. The first that yields a valid token
  /// wins; on a request known to be HTTPS a plain name is refused (it can only have been planted).
  fn try_cookies(&mut self) -> Result<Option<(Session, Attempt)>, Error> {
    let opts = self.opts;
    for name in &opts.cookie_name {
      if !self.req.jar.has_session(name) {
        continue;
      }
      if !is_secure_name(name) && self.strict() {
        self
          .rejected
          .push(Attempt::refused(name, Reason::InsecureCookieOnHttps));
        continue;
      }
      match self.try_cookie(name)? {
        Ok(found) => return Ok(Some(found)),
        Err(failed) => self.rejected.push(failed),
      }
    }
    Ok(None)
  }

  /// One cookie name: its whole value first, then its chunks joined. The first failure is kept.
  fn try_cookie(&self, name: &str) -> Result<Result<(Session, Attempt), Attempt>, Error> {
    let lookup = self.req.jar.lookup(name, &self.opts.limits());
    let values = lookup
      .single
      .map(|v| Ok((Cow::Borrowed(v), 1)))
      .into_iter()
      .chain(lookup.chunked.map(|c| c.map(|(v, n)| (Cow::Owned(v), n))));
    let mut failure = None;
    for value in values {
      let attempt = match value {
        Ok((value, chunks)) => {
          let (result, info) = self.open(&value, name)?;
          let attempt = |reason| Attempt {
            name: name.to_string(),
            origin: Origin::Cookie,
            reason,
            chunks,
            info,
          };
          // The whole cookie is borrowed from the jar; joined chunks are owned.
          let whole = matches!(value, Cow::Borrowed(_));
          match result {
            Ok(found) => return Ok(Ok((Session::Token(found), attempt(Reason::Ok)))),
            // With an adapter, a whole cookie holding an opaque id is a database session.
            Err(Reason::OpaqueSessionToken) if whole && self.takes_session_ids() => {
              let id = SessionId(value.into_owned());
              return Ok(Ok((Session::Id(id), attempt(Reason::Ok))));
            }
            // A database session id is never chunked: chunks of one are not a session.
            Err(Reason::OpaqueSessionToken) if !whole && self.takes_session_ids() => {
              attempt(Reason::MalformedToken)
            }
            Err(reason) => attempt(reason),
          }
        }
        Err(reason) => Attempt::refused(name, reason),
      };
      failure.get_or_insert(attempt);
    }
    Ok(Err(
      failure.unwrap_or_else(|| Attempt::refused(name, Reason::MalformedToken)),
    ))
  }

  /// Step 2: with no session cookie at all, `Authorization: Bearer <url-encoded token>`, its salt
  /// tried as each candidate name in turn (a failure that does not depend on the salt ends it).
  fn try_bearer(&mut self) -> Result<Option<(Session, Attempt)>, Error> {
    let names = &self.opts.cookie_name;
    if !self.opts.bearer || names.iter().any(|n| self.req.jar.has_session(n)) {
      return Ok(None);
    }
    let Some(token) = self
      .req
      .extra(Extra::Authorization)
      .as_deref()
      .and_then(bearer_token)
    else {
      return Ok(None);
    };
    let mut last = None;
    for name in names {
      let (result, info) = self.open(&token, name)?;
      let attempt = |name: &str, reason| Attempt {
        name: name.to_string(),
        origin: Origin::Bearer,
        reason,
        chunks: 1,
        info,
      };
      match result {
        Ok(found) => return Ok(Some((Session::Token(found), attempt(name, Reason::Ok)))),
        Err(reason) => {
          last = Some(attempt("Authorization", reason));
          if !matches!(reason, Reason::DecryptionFailed | Reason::WrongCookieName) {
            break;
          }
        }
      }
    }
    self.rejected.extend(last);
    Ok(None)
  }

  /// Step 3: the answer. Without a token, the first refusal other than the HTTPS rule is the
  /// reason (it says more), else that rule, else "no cookie" or "too large".
  fn decide(mut self, found: Option<(Session, Attempt)>) -> Outcome {
    let report = self.want == Want::Report;
    let (found, decisive) = match found {
      Some((found, attempt)) => {
        if report && self.strict() {
          self.refuse_plain_cookies_not_tried();
        }
        (Ok(found), Some(attempt))
      }
      None => {
        let decisive = self
          .rejected
          .iter()
          .find(|a| a.reason != Reason::InsecureCookieOnHttps)
          .or_else(|| self.rejected.first())
          .cloned();
        let jar = &self.req.jar;
        let none = if jar.oversized || jar.truncated {
          Reason::TooLarge
        } else {
          Reason::NoSessionCookie
        };
        (Err(decisive.as_ref().map_or(none, |a| a.reason)), decisive)
      }
    };
    if report {
      self.protocol();
    }
    Outcome {
      found,
      rejected: self.rejected,
      decisive,
      protocol: self.protocol,
    }
  }

  /// Plain session cookies after the winner were never tried: on HTTPS they are refused all the
  /// same, and a report says so.
  fn refuse_plain_cookies_not_tried(&mut self) {
    for name in &self.opts.cookie_name {
      let tried = self.rejected.iter().any(|a| a.name == *name);
      if !is_secure_name(name) && self.req.jar.has_session(name) && !tried {
        self
          .rejected
          .push(Attempt::refused(name, Reason::InsecureCookieOnHttps));
      }
    }
  }
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

  fn run(header: &str, adapter: bool, want: Want) -> Outcome {
    use crate::cookies::Limits;
    use crate::options::Value;
    let mut opts = Options::from_values([("secret", Value::Str("s".repeat(32)))]).unwrap();
    opts.adapter = adapter;
    let mut jar = Jar::new();
    jar.add_header(header, &Limits::default());
    resolve_with_env(&Request { jar, extra: None }, &opts, want, |_| None).unwrap()
  }

  #[test]
  fn an_opaque_cookie_is_a_database_session_only_with_an_adapter() {
    let id = "5f0c8e9a-3b1d-4e6f-9a2b-7c4d1e8f0a3b";
    let header = format!("__Secure-authjs.session-token={id}");
    match run(&header, true, Want::Session).found {
      Ok(Session::Id(found)) => assert_eq!(found.0, id),
      other => panic!("{other:?}"),
    }
    assert_eq!(
      run(&header, true, Want::Report).found.unwrap().strategy(),
      Strategy::Database
    );
    // Without an adapter, or where no lookup can follow, it is the reason it always was.
    assert_eq!(
      run(&header, false, Want::Session).reason(),
      Reason::OpaqueSessionToken
    );
    assert_eq!(
      run(&header, true, Want::Claim).reason(),
      Reason::OpaqueSessionToken
    );
    // A database id is never chunked: chunks of one are malformed, not a lookup.
    let chunked = format!(
      "__Secure-authjs.session-token.0={}; __Secure-authjs.session-token.1={}",
      &id[..10],
      &id[10..]
    );
    assert_eq!(
      run(&chunked, true, Want::Session).reason(),
      Reason::MalformedToken
    );
    // The cookie rules are those of the JWT path: on HTTPS a planted plain cookie never wins.
    let tossed = format!("authjs.session-token=planted-id; {header}");
    match run(&tossed, true, Want::Session).found {
      Ok(Session::Id(found)) => assert_eq!(found.0, id),
      other => panic!("{other:?}"),
    }
    let only_plain_on_https = "authjs.session-token=planted-id; __Secure-authjs.session-token.0=x";
    assert!(run(only_plain_on_https, true, Want::Session).found.is_err());
    // Ids outside the base64url alphabet, or longer than any issuer makes, never reach a lookup.
    for bad in ["x'; drop table sessions; --", &"a".repeat(10_000)] {
      let out = run(
        &format!("__Secure-authjs.session-token={bad}"),
        true,
        Want::Session,
      );
      assert_eq!(out.reason(), Reason::MalformedToken, "{}", &bad[..10]);
    }
    assert_eq!(format!("{:?}", SessionId(id.into())), "SessionId(<redacted>)");
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
