//! The decrypted payload: size bound, JSON object check, and the time claims (`exp`, `nbf`, `iat`)
//! validated as jose's `jwtDecrypt` does, with a clock tolerance. josekit decrypts only; the claims
//! are checked here.

use serde_json::{Map, Value};

use crate::error::Reason;

/// The time a token is judged at, in epoch seconds, and the tolerance on `exp`/`nbf`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
  pub now: f64,
  pub tolerance: f64,
}

impl Clock {
  /// The system clock (whole seconds, as jose uses) with Auth.js's 15 s tolerance.
  pub fn system() -> Clock {
    let now = std::time::SystemTime::now()
      .duration_since(std::time::UNIX_EPOCH)
      .map_or(0.0, |d| d.as_secs() as f64);
    Clock { now, tolerance: 15.0 }
  }
}

pub type Claims = Map<String, Value>;

/// Parses a decrypted payload into a claims object.
pub fn parse(payload: &[u8], max_bytes: usize) -> Result<Claims, Reason> {
  if payload.len() > max_bytes {
    return Err(Reason::TooLarge);
  }
  // serde_json bounds nesting depth (128), so hostile nesting is an error, not a stack overflow.
  match serde_json::from_slice::<Value>(payload) {
    Ok(Value::Object(map)) => Ok(map),
    _ => Err(Reason::MalformedToken),
  }
}

fn number(claims: &Claims, name: &str) -> Result<Option<f64>, Reason> {
  match claims.get(name) {
    None => Ok(None),
    Some(Value::Number(n)) => n.as_f64().map(Some).ok_or(Reason::MalformedToken),
    Some(_) => Err(Reason::MalformedToken),
  }
}

/// `exp` must be later than `now - tolerance`; `nbf` no later than `now + tolerance`.
pub fn check_times(claims: &Claims, clock: Clock) -> Result<(), Reason> {
  number(claims, "iat")?;
  if let Some(exp) = number(claims, "exp")? {
    if exp <= clock.now - clock.tolerance {
      return Err(Reason::Expired);
    }
  }
  if let Some(nbf) = number(claims, "nbf")? {
    if nbf > clock.now + clock.tolerance {
      return Err(Reason::NotYetValid);
    }
  }
  Ok(())
}

/// The string value of claim `name`.
pub fn string_claim<'c>(claims: &'c Claims, name: &str) -> Result<&'c str, Reason> {
  match claims.get(name) {
    Some(Value::String(s)) => Ok(s),
    None | Some(Value::Null) => Err(Reason::ClaimMissing),
    Some(_) => Err(Reason::ClaimNotString),
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn claims(json: &str) -> Claims {
    parse(json.as_bytes(), 1 << 20).unwrap()
  }

  #[test]
  fn expiry_at_the_tolerance_edge() {
    let c = claims(r#"{"exp":1000}"#);
    let at = |now| check_times(&c, Clock { now, tolerance: 15.0 });
    assert_eq!(at(1014.0), Ok(()));
    assert_eq!(at(1015.0), Err(Reason::Expired));
    assert_eq!(at(2000.0), Err(Reason::Expired));
  }

  #[test]
  fn not_before_at_the_tolerance_edge() {
    let c = claims(r#"{"nbf":1000}"#);
    let at = |now| check_times(&c, Clock { now, tolerance: 15.0 });
    assert_eq!(at(985.0), Ok(()));
    assert_eq!(at(984.0), Err(Reason::NotYetValid));
  }

  #[test]
  fn time_claims_must_be_numbers_and_payload_an_object() {
    let clock = Clock {
      now: 0.0,
      tolerance: 0.0,
    };
    assert_eq!(
      check_times(&claims(r#"{"exp":"soon"}"#), clock),
      Err(Reason::MalformedToken)
    );
    assert_eq!(
      check_times(&claims(r#"{"iat":null}"#), clock),
      Err(Reason::MalformedToken)
    );
    assert_eq!(parse(b"[1]", 100).unwrap_err(), Reason::MalformedToken);
    assert_eq!(parse(b"{}", 1).unwrap_err(), Reason::TooLarge);
    let deep = "[".repeat(10_000);
    assert_eq!(
      parse(deep.as_bytes(), 1 << 20).unwrap_err(),
      Reason::MalformedToken
    );
  }

  #[test]
  fn string_claims() {
    let c = claims(r#"{"a":"x","b":1,"n":null}"#);
    assert_eq!(string_claim(&c, "a"), Ok("x"));
    assert_eq!(string_claim(&c, "b"), Err(Reason::ClaimNotString));
    assert_eq!(string_claim(&c, "n"), Err(Reason::ClaimMissing));
    assert_eq!(string_claim(&c, "z"), Err(Reason::ClaimMissing));
  }
}
