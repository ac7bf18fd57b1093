//! The decrypted payload: size bound, JSON object check, and the time claims (`exp`, `nbf`, `iat`)
//! validated as jose's `jwtDecrypt` does, with a clock tolerance. josekit decrypts only; the claims
//! are checked here.

use crate::error::Reason;
use crate::json::{self, Item};

/// The time a token is judged at, in epoch seconds, and the tolerance on `exp`/`nbf`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
  pub now: f64,
  pub tolerance: f64,
}

impl Clock {
  /// The system clock (whole seconds, as jose uses) with Auth.js's 15 s tolerance.
  pub fn system() -> Clock {
    Clock {
      now: crate::host::now_secs(),
      tolerance: 15.0,
    }
  }
}

/// What the hot path needs from a payload, read in one pass without building a map: the time
/// claims and, optionally, one string claim.
#[derive(Default)]
pub struct Scan {
  pub iat: Option<f64>,
  pub exp: Option<f64>,
  pub nbf: Option<f64>,
  /// `Some(Ok(value))`, or why the requested claim is unusable; `None` when none was requested.
  pub claim: Option<Result<String, Reason>>,
  /// `iat`, `exp`, `nbf` present but not numbers (judged in jose's order by
  /// [`check_scanned_times`]).
  pub not_numbers: [bool; 3],
  /// The claim names, when asked for.
  pub names: Vec<String>,
}

impl std::fmt::Debug for Scan {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    // The claim value may be a credential: only whether it was found is printed.
    f.debug_struct("Scan")
      .field("iat", &self.iat)
      .field("exp", &self.exp)
      .field("nbf", &self.nbf)
      .field(
        "claim",
        &self.claim.as_ref().map(|c| c.as_ref().map(|_| "<redacted>")),
      )
      .finish()
  }
}

/// Scans a decrypted payload, which must be a JSON object, in one pass: the time claims, the
/// `claim` asked for and, when `names` is set, every claim name (each once, in first-seen order).
/// For a key given twice the last value counts, as in `JSON.parse`.
pub fn scan(payload: &[u8], claim: Option<&str>, max_bytes: usize, names: bool) -> Result<Scan, Reason> {
  if payload.len() > max_bytes {
    return Err(Reason::TooLarge);
  }
  let text = std::str::from_utf8(payload).map_err(|_| Reason::MalformedToken)?;
  let mut out = Scan {
    claim: claim.map(|_| Err(Reason::ClaimMissing)),
    ..Scan::default()
  };
  json::members(text, &mut |m| {
    let time = match m.key.as_ref() {
      "iat" => Some(0),
      "exp" => Some(1),
      "nbf" => Some(2),
      _ => None,
    };
    if let Some(i) = time {
      let value = match m.value {
        Item::Number(n) => Some(json::number(n)),
        _ => None,
      };
      out.not_numbers[i] = value.is_none();
      *[&mut out.iat, &mut out.exp, &mut out.nbf][i] = value;
    }
    if claim == Some(m.key.as_ref()) {
      out.claim = Some(match m.value {
        Item::Str(s) => Ok(s.into_owned()),
        Item::Null => Err(Reason::ClaimMissing),
        _ => Err(Reason::ClaimNotString),
      });
    }
    if names && !out.names.iter().any(|n| *n == m.key) {
      out.names.push(m.key.into_owned());
    }
  })
  .map_err(|_| Reason::MalformedToken)?;
  Ok(out)
}

/// jose's order: `iat` must be a number; `nbf` a number no later than `now + tolerance`; `exp` a
/// number later than `now - tolerance`.
pub fn check_times(scan: &Scan, clock: Clock) -> Result<(), Reason> {
  let [iat_bad, exp_bad, nbf_bad] = scan.not_numbers;
  if iat_bad || nbf_bad {
    return Err(Reason::MalformedToken);
  }
  if scan.nbf.is_some_and(|nbf| nbf > clock.now + clock.tolerance) {
    return Err(Reason::NotYetValid);
  }
  if exp_bad {
    return Err(Reason::MalformedToken);
  }
  if scan.exp.is_some_and(|exp| exp <= clock.now - clock.tolerance) {
    return Err(Reason::Expired);
  }
  Ok(())
}

#[cfg(test)]
mod tests {
  use super::*;

  fn check(json: &str, now: f64) -> Result<(), Reason> {
    let s = scan(json.as_bytes(), None, 1 << 20, false)?;
    check_times(&s, Clock { now, tolerance: 15.0 })
  }

  #[test]
  fn expiry_at_the_tolerance_edge() {
    let at = |now| check(r#"{"exp":1000}"#, now);
    assert_eq!(at(1014.0), Ok(()));
    assert_eq!(at(1015.0), Err(Reason::Expired));
    assert_eq!(at(2000.0), Err(Reason::Expired));
    // Any JSON number: fractions, exponents, and beyond f64 (Infinity, as JSON.parse reads it).
    assert_eq!(check(r#"{"exp":9.85e2}"#, 1000.0), Err(Reason::Expired));
    assert_eq!(check(r#"{"exp":985.5}"#, 1000.0), Ok(()));
    assert_eq!(check(r#"{"exp":1e400}"#, 1e300), Ok(()));
    assert_eq!(check(r#"{"exp":-1e400}"#, 0.0), Err(Reason::Expired));
  }

  #[test]
  fn not_before_at_the_tolerance_edge() {
    let at = |now| check(r#"{"nbf":1000}"#, now);
    assert_eq!(at(985.0), Ok(()));
    assert_eq!(at(984.0), Err(Reason::NotYetValid));
  }

  #[test]
  fn time_claims_must_be_numbers_and_payload_an_object() {
    assert_eq!(check(r#"{"exp":"soon"}"#, 0.0), Err(Reason::MalformedToken));
    assert_eq!(check(r#"{"iat":null}"#, 0.0), Err(Reason::MalformedToken));
    // jose's order: a bad `iat` or `nbf` before a not-yet-valid `nbf`, that before a bad `exp`.
    assert_eq!(check(r#"{"nbf":5000,"exp":"x"}"#, 0.0), Err(Reason::NotYetValid));
    assert_eq!(
      check(r#"{"nbf":5000,"iat":"x"}"#, 0.0),
      Err(Reason::MalformedToken)
    );
    for bad in ["[1]", "1", "\"x\"", "{", "{} {}", "{\"a\":1,}", ""] {
      assert_eq!(check(bad, 0.0), Err(Reason::MalformedToken), "{bad}");
    }
    assert_eq!(scan(b"{}", None, 1, false).unwrap_err(), Reason::TooLarge);
    assert_eq!(
      scan(b"{\"a\":\"\xff\"}", None, 100, false).unwrap_err(),
      Reason::MalformedToken
    );
    // Hostile nesting: never the call stack; closed it is JSON (as for JSON.parse), open it is not.
    let deep = format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(check(&deep, 0.0), Ok(()));
    assert_eq!(check(&deep[..deep.len() - 2], 0.0), Err(Reason::MalformedToken));
  }

  #[test]
  fn the_last_duplicate_decides_as_in_json_parse() {
    assert_eq!(check(r#"{"exp":2000,"exp":500}"#, 1000.0), Err(Reason::Expired));
    assert_eq!(check(r#"{"nbf":"","nbf":0}"#, 0.0), Ok(()));
    assert_eq!(check(r#"{"exp":1,"exp":"x"}"#, 0.0), Err(Reason::MalformedToken));
    let s = scan(br#"{"c":"a","c":"b"}"#, Some("c"), 100, false).unwrap();
    assert_eq!(s.claim, Some(Ok("b".to_string())));
  }

  #[test]
  fn the_claim_and_the_names() {
    let json = br#"{"a":"x","b":1,"n":null,"e":"a\"b\u00e9\ud83d\ude00","a":"y","exp":5}"#;
    let claim = |name| scan(json, Some(name), 1000, false).unwrap().claim.unwrap();
    assert_eq!(claim("a"), Ok("y".to_string()));
    assert_eq!(claim("b"), Err(Reason::ClaimNotString));
    assert_eq!(claim("n"), Err(Reason::ClaimMissing));
    assert_eq!(claim("z"), Err(Reason::ClaimMissing));
    assert_eq!(claim("exp"), Err(Reason::ClaimNotString));
    assert_eq!(claim("e"), Ok("a\"b\u{e9}\u{1f600}".to_string()));
    let s = scan(json, Some("e"), 1000, true).unwrap();
    assert_eq!(s.names, ["a", "b", "n", "e", "exp"]);
    assert!(scan(json, None, 1000, false).unwrap().names.is_empty());
    assert!(
      !format!("{s:?}").contains("a\\\"b"),
      "Debug never prints the claim"
    );
  }
}
