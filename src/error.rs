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

/// Why a request yielded no valid token (or `Ok` when it did).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
  Ok,
  NoSessionCookie,
  InsecureCookieOnHttps,
  ChunkMissing,
  TooLarge,
  MalformedToken,
  UnsupportedAlgorithm,
  DecryptionFailed,
  WrongCookieName,
  Expired,
  NotYetValid,
  OpaqueSessionToken,
  ClaimMissing,
  ClaimNotString,
}

impl Reason {
  pub fn code(self) -> &'static str {
    match self {
      Reason::Ok => "OK",
      Reason::NoSessionCookie => "NO_SESSION_COOKIE",
      Reason::InsecureCookieOnHttps => "INSECURE_COOKIE_ON_HTTPS",
      Reason::ChunkMissing => "CHUNK_MISSING",
      Reason::TooLarge => "TOO_LARGE",
      Reason::MalformedToken => "MALFORMED_TOKEN",
      Reason::UnsupportedAlgorithm => "UNSUPPORTED_ALGORITHM",
      Reason::DecryptionFailed => "DECRYPTION_FAILED",
      Reason::WrongCookieName => "WRONG_COOKIE_NAME",
      Reason::Expired => "EXPIRED",
      Reason::NotYetValid => "NOT_YET_VALID",
      Reason::OpaqueSessionToken => "OPAQUE_SESSION_TOKEN",
      Reason::ClaimMissing => "CLAIM_MISSING",
      Reason::ClaimNotString => "CLAIM_NOT_STRING",
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
}
