//! Errors that reach the caller as thrown JS errors, and the reasons a token is not accepted.
//!
//! Two kinds, kept apart on purpose:
//! - [`Error`]: a mistake in how the package is called or configured (no secret, a value of the
//!   wrong type). It is thrown, with a stable `code`.
//! - [`Reason`]: why no valid token came out of a request (no cookie, expired, wrong secret...).
//!   That is the ordinary `null` result, never an exception.
//!
//! No message here ever contains a cookie value, token, secret or key: the variants carry only
//! static text and option names.

/// A configuration or usage error, thrown to the JS caller with [`Error::code`].
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
  #[error(
    "no secret to decrypt the session: set AUTH_SECRET (or NEXTAUTH_SECRET) in the environment, \
     or pass `secret` in the options"
  )]
  MissingSecret,
  #[error(
    "unsupported source ({0}): pass a Cookie header string, a Request or Node request, a Headers \
     object, a cookie store with getAll() (next/headers cookies()), or a record of cookie names \
     to values"
  )]
  InvalidSource(&'static str),
  #[error("invalid option `{0}`: {1}")]
  InvalidOption(&'static str, &'static str),
  #[error("the token could not be encrypted")]
  EncryptFailed,
  #[error("internal error in nextauth-backend-token; please report it")]
  Internal,
}

impl Error {
  /// The stable code callers branch on (`err.code` in JS).
  pub fn code(&self) -> &'static str {
    match self {
      Error::MissingSecret => "ERR_MISSING_SECRET",
      Error::InvalidSource(_) => "ERR_INVALID_SOURCE",
      Error::InvalidOption(..) => "ERR_INVALID_OPTION",
      Error::EncryptFailed => "ERR_ENCRYPT_FAILED",
      Error::Internal => "ERR_INTERNAL",
    }
  }

  /// Whether JS should see a `TypeError` (the caller passed a value of the wrong kind).
  pub fn is_type_error(&self) -> bool {
    matches!(self, Error::InvalidSource(_) | Error::InvalidOption(..))
  }
}

string_enum! {
  /// Why a request yielded no valid token (or `Ok` when it did), as a stable code.
  pub enum Reason as "ReasonCode" {
    Ok = "OK",
    NoSessionCookie = "NO_SESSION_COOKIE",
    InsecureCookieOnHttps = "INSECURE_COOKIE_ON_HTTPS",
    ChunkMissing = "CHUNK_MISSING",
    TooLarge = "TOO_LARGE",
    MalformedToken = "MALFORMED_TOKEN",
    UnsupportedAlgorithm = "UNSUPPORTED_ALGORITHM",
    DecryptionFailed = "DECRYPTION_FAILED",
    WrongCookieName = "WRONG_COOKIE_NAME",
    Expired = "EXPIRED",
    NotYetValid = "NOT_YET_VALID",
    OpaqueSessionToken = "OPAQUE_SESSION_TOKEN",
    ClaimMissing = "CLAIM_MISSING",
    ClaimNotString = "CLAIM_NOT_STRING",
    SessionNotFound = "SESSION_NOT_FOUND",
    SessionExpired = "SESSION_EXPIRED",
  }
}

impl Reason {
  /// The stable code (`reason` in reports).
  pub fn code(self) -> &'static str {
    self.as_str()
  }
}

impl Reason {
  /// One actionable sentence for a person debugging a `null`. Never mentions values.
  pub fn hint(self) -> &'static str {
    match self {
      Reason::Ok => "The session token was found, decrypted and is valid.",
      Reason::NoSessionCookie => {
        "No session cookie was sent: the user is signed out, the cookie's Domain/Path does not cover \
         this request, or a cross-origin fetch left out `credentials: 'include'`."
      }
      Reason::InsecureCookieOnHttps => {
        "This request is HTTPS but only an unprefixed session cookie was accepted: over HTTPS Auth.js \
         issues `__Secure-authjs.session-token`; if the app believes it is on HTTP, set AUTH_URL to the \
         https:// URL, enable `trustHost`, and make the proxy send `x-forwarded-proto: https`."
      }
      Reason::ChunkMissing => {
        "The session is split into chunks (NAME.0, NAME.1, ...) but one is missing or stray: the \
         browser dropped a cookie (too many or too large for the domain) or a proxy cut the header."
      }
      Reason::TooLarge => {
        "The Cookie header, chunk count or token exceeds the configured limits: keep large data out \
         of the session (store an id and look it up), or raise the limit options."
      }
      Reason::MalformedToken => {
        "The session cookie is not a well-formed Auth.js token (JWE): it was truncated, edited, or \
         written by something else under the same name."
      }
      Reason::UnsupportedAlgorithm => {
        "The token uses an algorithm Auth.js does not issue (only dir + A256CBC-HS512/A256GCM, no \
         compression): it was not issued by NextAuth/Auth.js."
      }
      Reason::DecryptionFailed => {
        "AUTH_SECRET differs from the one that issued the cookie — check every deployment uses the \
         same secret; pass old secrets in `secret: [new, old]` while rotating."
      }
      Reason::WrongCookieName => {
        "The token decrypts only with another cookie name as salt: it was issued under a different \
         name (Auth.js v5 salts the key with the cookie name) — set `cookieName` (or `salt`) to the \
         name the app issues."
      }
      Reason::Expired => {
        "The session has expired (`exp` is past, beyond the clock tolerance): the user must sign in \
         again, or the server clock is wrong."
      }
      Reason::NotYetValid => {
        "The token's `nbf` is in the future: this server's clock is behind the issuer's — sync it (NTP) \
         or raise `clockTolerance`."
      }
      Reason::OpaqueSessionToken => {
        "The session cookie holds a database session id, not a JWT: the app uses the database session \
         strategy; pass the app's Auth.js adapter as `adapter` and call getSession() to look it up."
      }
      Reason::ClaimMissing => {
        "The session is valid but has no backend token claim: store it in the `jwt` callback \
         (`token.backendToken = account.access_token`) or set `claim` to the name you use."
      }
      Reason::ClaimNotString => {
        "The backend token claim is not a string: store the token string itself in the `jwt` \
         callback, or read the whole payload with getToken()."
      }
      Reason::SessionNotFound => {
        "The session id in the cookie is not in the database: the user signed out (the row was deleted), \
         the session was replaced, or the backend reads a different database than the app."
      }
      Reason::SessionExpired => {
        "The database session has expired (`expires` is past): the user must sign in again, or the server \
         clock is wrong."
      }
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn codes_are_stable_and_messages_say_what_to_set() {
    assert_eq!(Error::MissingSecret.code(), "ERR_MISSING_SECRET");
    assert!(Error::MissingSecret.to_string().contains("AUTH_SECRET"));
    assert_eq!(Error::InvalidSource("number").code(), "ERR_INVALID_SOURCE");
    assert!(Error::InvalidSource("number").is_type_error());
    assert!(!Error::MissingSecret.is_type_error());
    assert_eq!(Reason::WrongCookieName.code(), "WRONG_COOKIE_NAME");
  }

  #[test]
  fn every_reason_has_a_distinct_code_and_a_hint() {
    let mut codes: Vec<_> = Reason::ALL.iter().map(|r| r.code()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), Reason::ALL.len());
    assert!(Reason::ALL.iter().all(|r| r.hint().len() > 40));
    assert!(Reason::DecryptionFailed.hint().contains("secret: [new, old]"));
    assert!(Reason::InsecureCookieOnHttps.hint().contains("trustHost"));
  }
}
