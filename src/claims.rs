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
    Clock {
      now: crate::host::now_secs(),
      tolerance: 15.0,
    }
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

/// jose's order: `iat` must be a number; `nbf` a number no later than `now + tolerance`; `exp` a
/// number later than `now - tolerance`.
pub fn check_times(claims: &Claims, clock: Clock) -> Result<(), Reason> {
  number(claims, "iat")?;
  if let Some(nbf) = number(claims, "nbf")? {
    if nbf > clock.now + clock.tolerance {
      return Err(Reason::NotYetValid);
    }
  }
  if let Some(exp) = number(claims, "exp")? {
    if exp <= clock.now - clock.tolerance {
      return Err(Reason::Expired);
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

/// One top-level value, as much as the scan needs to know of it.
enum Shape<'de> {
  Number(f64),
  Str(std::borrow::Cow<'de, str>),
  Null,
  Other,
}

impl<'de> serde::Deserialize<'de> for Shape<'de> {
  fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
      type Value = Shape<'de>;
      fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
      }
      fn visit_f64<E>(self, v: f64) -> Result<Shape<'de>, E> {
        Ok(Shape::Number(v))
      }
      fn visit_u64<E>(self, v: u64) -> Result<Shape<'de>, E> {
        Ok(Shape::Number(v as f64))
      }
      fn visit_i64<E>(self, v: i64) -> Result<Shape<'de>, E> {
        Ok(Shape::Number(v as f64))
      }
      fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Shape<'de>, E> {
        Ok(Shape::Str(v.into()))
      }
      fn visit_str<E>(self, v: &str) -> Result<Shape<'de>, E> {
        Ok(Shape::Str(v.to_owned().into()))
      }
      fn visit_bool<E>(self, _: bool) -> Result<Shape<'de>, E> {
        Ok(Shape::Other)
      }
      fn visit_unit<E>(self) -> Result<Shape<'de>, E> {
        Ok(Shape::Null)
      }
      fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Shape<'de>, A::Error> {
        while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Shape::Other)
      }
      fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Shape<'de>, A::Error> {
        while a
          .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
          .is_some()
        {}
        Ok(Shape::Other)
      }
    }
    d.deserialize_any(V)
  }
}

/// An object key, borrowed from the payload unless it had escapes.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
  fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
      type Value = Key<'de>;
      fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string")
      }
      fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(v.into()))
      }
      fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(v.to_owned().into()))
      }
    }
    d.deserialize_str(V)
  }
}

struct ScanVisitor<'c> {
  claim: Option<&'c str>,
}

impl<'de> serde::de::Visitor<'de> for ScanVisitor<'_> {
  type Value = Scan;
  fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
    f.write_str("a JSON object")
  }
  fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Scan, A::Error> {
    let mut out = Scan {
      claim: self.claim.map(|_| Err(Reason::ClaimMissing)),
      ..Scan::default()
    };
    // Per time claim: whether its (last, as JSON.parse keeps the last) value is not a number.
    let mut bad = [false; 3];
    while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
      let time = match key.as_ref() {
        "iat" => Some((&mut out.iat, &mut bad[0])),
        "exp" => Some((&mut out.exp, &mut bad[1])),
        "nbf" => Some((&mut out.nbf, &mut bad[2])),
        _ => None,
      };
      if let Some((slot, bad)) = time {
        match map.next_value::<Shape>()? {
          Shape::Number(n) => (*slot, *bad) = (Some(n), false),
          _ => (*slot, *bad) = (None, true),
        }
        if self.claim == Some(key.as_ref()) {
          out.claim = Some(Err(Reason::ClaimNotString));
        }
        continue;
      }
      if self.claim == Some(key.as_ref()) {
        out.claim = Some(match map.next_value::<Shape>()? {
          Shape::Str(s) => Ok(s.into_owned()),
          Shape::Null => Err(Reason::ClaimMissing),
          _ => Err(Reason::ClaimNotString),
        });
      } else {
        map.next_value::<serde::de::IgnoredAny>()?;
      }
    }
    out.not_numbers = bad;
    Ok(out)
  }
}

/// Scans a decrypted payload, which must be a JSON object.
pub fn scan(payload: &[u8], claim: Option<&str>, max_bytes: usize) -> Result<Scan, Reason> {
  use serde::Deserializer;
  if payload.len() > max_bytes {
    return Err(Reason::TooLarge);
  }
  let mut de = serde_json::Deserializer::from_slice(payload);
  let scan = de
    .deserialize_map(ScanVisitor { claim })
    .map_err(|_| Reason::MalformedToken)?;
  de.end().map_err(|_| Reason::MalformedToken)?;
  Ok(scan)
}

/// [`check_times`] for a [`Scan`] (whose types were already checked): `nbf`, then `exp`.
pub fn check_scanned_times(scan: &Scan, clock: Clock) -> Result<(), Reason> {
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
  fn scan_agrees_with_the_full_parse() {
    let cases: [&[u8]; 9] = [
      br#"{"exp":1000,"iat":900,"backendToken":"x","other":{"a":[1,2]}}"#,
      br#"{"exp":"1000"}"#,
      br#"{"nbf":null}"#,
      br#"{"backendToken":1}"#,
      br#"{"backendToken":null}"#,
      br#"{"backendToken":"a\"b\u00e9"}"#,
      br#"[1]"#,
      br#"{"a":1} trailing"#,
      br#"{"exp":2000,"exp":500}"#,
    ];
    // Found by the fuzzer: the last duplicate decides, as in JSON.parse.
    let dup = br#"{"nbf":"","nbf":0}"#;
    assert!(
      scan(dup, None, 100).is_ok()
        && check_times(
          &parse(dup, 100).unwrap(),
          Clock {
            now: 0.0,
            tolerance: 0.0
          }
        )
        .is_ok()
    );
    let last_bad = scan(br#"{"exp":1,"exp":"x"}"#, None, 100).unwrap();
    assert_eq!(
      check_scanned_times(
        &last_bad,
        Clock {
          now: 0.0,
          tolerance: 0.0
        }
      ),
      Err(Reason::MalformedToken)
    );
    let clock = Clock {
      now: 1000.0,
      tolerance: 15.0,
    };
    for c in cases {
      let full = parse(c, 1 << 20).and_then(|m| check_times(&m, clock).map(|_| m));
      let fast =
        scan(c, Some("backendToken"), 1 << 20).and_then(|s| check_scanned_times(&s, clock).map(|_| s));
      assert_eq!(full.is_ok(), fast.is_ok(), "{}", String::from_utf8_lossy(c));
      if let (Err(a), Err(b)) = (&full, &fast) {
        assert_eq!(a, b);
      }
      if let (Ok(m), Ok(s)) = (full, fast) {
        assert_eq!(
          string_claim(&m, "backendToken").map(str::to_string),
          s.claim.unwrap()
        );
      }
    }
    let s = scan(br#"{"backendToken":"a\"b\u00e9"}"#, Some("backendToken"), 100).unwrap();
    assert_eq!(s.claim, Some(Ok("a\"b\u{e9}".to_string())));
    assert!(
      !format!("{s:?}").contains("a\\\"b"),
      "Debug never prints the claim"
    );
    assert_eq!(scan(b"{}", None, 1).unwrap_err(), Reason::TooLarge);
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
