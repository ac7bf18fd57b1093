//! Property-based fuzzing of everything that reads attacker-controlled bytes: the Cookie header
//! parser, chunk reassembly, JWE parsing and decryption with a known key, the claims check, and the
//! resolver end to end. Properties are checked, not only "does not panic".
//!
//! Cases per property: `FUZZ_CASES` (default 256, a few seconds each). Run longer on demand:
//! `FUZZ_CASES=100000 cargo test --release fuzz`. Failing inputs are kept by proptest in
//! `proptest-regressions/` and committed as regression cases.

use proptest::prelude::*;

use nextauth_backend_token::claims::{self, Clock};
use nextauth_backend_token::cookies::{Jar, Limits, DEFAULT_COOKIE_NAMES};
use nextauth_backend_token::keys::{derive, Enc, Format};
use nextauth_backend_token::options::{Options, Value};
use nextauth_backend_token::resolve::{resolve_with_env, Outcome, Request, Want};
use nextauth_backend_token::{crypto, json, jwe};
use nextauth_backend_token::{Error, Reason};

fn cases() -> u32 {
  std::env::var("FUZZ_CASES")
    .ok()
    .and_then(|v| v.parse().ok())
    .unwrap_or(256)
}

fn config() -> ProptestConfig {
  ProptestConfig {
    cases: cases(),
    failure_persistence: None,
    ..ProptestConfig::default()
  }
}

const SECRET: &str = "fuzz-secret-0123456789abcdef0123456789abcdef";
const NAME: &str = "__Secure-authjs.session-token";

fn token(enc: Enc, payload: &str) -> String {
  let key = derive(Format::AuthjsV5, enc, SECRET.as_bytes(), NAME).unwrap();
  jwe::encrypt(payload.as_bytes(), &key, Some(&key.kid)).unwrap()
}

/// Cookie-header-shaped text: pairs, separators, quotes, spaces, and arbitrary characters.
fn header_text() -> impl Strategy<Value = String> {
  prop::collection::vec(
    prop_oneof![
      "[a-z_.-]{0,12}",
      Just(";".to_string()),
      Just("=".to_string()),
      Just(" ".to_string()),
      Just("\"".to_string()),
      Just(NAME.to_string()),
      Just(format!("{NAME}.")),
      "[0-9]{1,3}",
      any::<String>(),
    ],
    0..40,
  )
  .prop_map(|parts| parts.concat())
}

fn run_resolve(header: &str, limits: Limits) -> Result<Outcome, Error> {
  let number = |n: usize| Value::Number(n as f64);
  let opts = Options::from_values([
    ("secret", Value::Str(SECRET.to_string())),
    ("maxHeaderBytes", number(limits.max_header_bytes)),
    ("maxCookies", number(limits.max_cookies)),
    ("maxChunks", number(limits.max_chunks)),
    ("maxTokenBytes", number(limits.max_token_bytes)),
    ("maxPayloadBytes", number(limits.max_payload_bytes)),
  ])?;
  let mut jar = Jar::new();
  jar.add_header(header, &limits);
  resolve_with_env(&Request { jar, extra: None }, &opts, Want::Report, |_| None)
}

proptest! {
  #![proptest_config(config())]

  /// Parsing never panics, never yields an empty name, and a cookie's value never contains `;`.
  #[test]
  fn cookie_header_parsing(header in header_text()) {
    let limits = Limits::default();
    let mut jar = Jar::new();
    jar.add_header(&header, &limits);
    for name in jar.names() {
      prop_assert!(!name.is_empty() && !name.contains(';'));
    }
    for base in DEFAULT_COOKIE_NAMES {
      let l = jar.lookup(base, &limits);
      if let Some(v) = l.single { prop_assert!(!v.contains(';')); }
      if let Some(Ok((joined, n))) = l.chunked { prop_assert!(n >= 1 && !joined.contains(';')); }
    }
  }

  /// Chunks come back joined in index order whatever the header order; a gap, a duplicate index
  /// that disagrees, or a stray part makes the chunked value invalid.
  #[test]
  fn chunk_reassembly(value in "[A-Za-z0-9_-]{1,400}", size in 1usize..64, order in any::<u64>(), drop in any::<Option<u8>>(), stray in any::<bool>()) {
    let parts: Vec<String> = value.as_bytes().chunks(size).map(|c| String::from_utf8(c.to_vec()).unwrap()).collect();
    let n = parts.len();
    let mut pairs: Vec<(usize, &String)> = parts.iter().enumerate().collect();
    // Deterministic shuffle from `order`.
    let mut seed = order;
    for i in (1..pairs.len()).rev() {
      seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
      pairs.swap(i, (seed >> 33) as usize % (i + 1));
    }
    let dropped = drop.map(|d| d as usize % n).filter(|_| n > 1);
    let mut header: Vec<String> = pairs.iter().filter(|(i, _)| Some(*i) != dropped).map(|(i, p)| format!("{NAME}.{i}={p}")).collect();
    if stray { header.push(format!("{NAME}.x=1")); }
    let header = header.join("; ");
    let limits = Limits { max_chunks: 1000, ..Limits::default() };
    let mut jar = Jar::new();
    jar.add_header(&header, &limits);
    let got = jar.lookup(NAME, &limits).chunked;
    let complete = dropped.is_none() && !stray;
    if complete {
      prop_assert_eq!(got, Some(Ok((value.clone(), n))));
    } else if dropped == Some(n - 1) && !stray {
      // Dropping the last part leaves a contiguous (shorter) set: that is a different, valid join.
      prop_assert!(matches!(got, Some(Ok((_, k))) if k == n - 1));
    } else {
      prop_assert_eq!(got, Some(Err(Reason::ChunkMissing)));
    }
  }

  /// Any change to a valid token makes it undecryptable: no mutation is accepted (no malleability),
  /// and nothing panics.
  #[test]
  fn jwe_mutations_never_decrypt(
    gcm in any::<bool>(),
    edits in prop::collection::vec((any::<prop::sample::Index>(), prop_oneof![Just(None), any::<char>().prop_map(Some)]), 1..4),
  ) {
    let enc = if gcm { Enc::A256Gcm } else { Enc::A256CbcHs512 };
    let original = token(enc, r#"{"backendToken":"bt","exp":99999999999}"#);
    let mut chars: Vec<char> = original.chars().collect();
    for (at, edit) in &edits {
      if chars.is_empty() { break; }
      let i = at.index(chars.len());
      match edit { None => { chars.remove(i); } Some(c) => chars[i] = *c }
    }
    let mutated: String = chars.into_iter().collect();
    let key = derive(Format::AuthjsV5, enc, SECRET.as_bytes(), NAME).unwrap();
    if let Ok(parsed) = jwe::parse(&mutated) {
      if jwe::decrypt(&parsed, &key).is_some() {
        prop_assert_eq!(mutated, original);
      }
    }
  }

  /// Arbitrary bytes as a compact JWE: parsing and decryption never panic.
  #[test]
  fn jwe_arbitrary_input(parts in prop::collection::vec("[A-Za-z0-9_=+/-]{0,64}", 0..7)) {
    let text = parts.join(".");
    let key = derive(Format::AuthjsV5, Enc::A256Gcm, SECRET.as_bytes(), NAME).unwrap();
    if let Ok(parsed) = jwe::parse(&text) {
      prop_assert!(jwe::decrypt(&parsed, &key).is_none());
    }
  }

  /// The claims scan decides as jose does (JSON.parse, then the checks in its order), with
  /// serde_json as the reference parser, on arbitrary JSON.
  #[test]
  fn claims_scan_agrees_with_a_full_parse(json in json_text(), now in 0.0f64..3e9) {
    let clock = Clock { now, tolerance: 15.0 };
    let ours = claims::scan(json.as_bytes(), Some("backendToken"), 1 << 20, true)
      .and_then(|s| claims::check_times(&s, clock).map(|_| s));
    let reference = reference_check(&json, clock);
    match (ours, reference) {
      (Ok(s), Ok((claim, names))) => {
        prop_assert_eq!(s.claim.unwrap(), claim, "{}", json);
        prop_assert_eq!(s.names, names, "{}", json);
      }
      (Err(a), Err(b)) => prop_assert_eq!(a, b, "{}", json),
      (a, b) => prop_assert!(false, "{}: ours {:?}, reference {:?}", json, a.map(|_| ()), b.map(|_| ())),
    }
  }

  /// The JSON reader accepts exactly what serde_json accepts, on token soup.
  #[test]
  fn json_reader_agrees_with_serde_json(tokens in prop::collection::vec(json_token(), 0..14)) {
    let text = tokens.concat();
    let reference = serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok();
    prop_assert_eq!(json::is_valid(&text), reference, "{}", text);
    let object = matches!(serde_json::from_str(&text), Ok(serde_json::Value::Object(_)));
    prop_assert_eq!(json::members(&text, &mut |_| {}).is_ok(), object, "{}", text);
    // Only ever given a valid number's text, but never panics on anything else either.
    json::number(&text);
  }

  /// Any decimal reads as Rust's (correctly rounded) parse reads it, midpoints between two f64s
  /// and their close neighbours included.
  #[test]
  fn json_numbers_round_correctly(
    digits in "[0-9]{1,30}",
    point in 0usize..30,
    exponent in -400i32..400,
    x in any::<f64>(),
  ) {
    let point = point.min(digits.len());
    let whole = match digits[..point].trim_start_matches('0') {
      "" => "0",
      whole => whole,
    };
    let fraction = &digits[point..];
    let text = if fraction.is_empty() { format!("{whole}e{exponent}") } else { format!("{whole}.{fraction}e{exponent}") };
    prop_assert_eq!(json::number(&text).to_bits(), text.parse::<f64>().unwrap().to_bits(), "{}", text);
    let x = x.abs();
    if x.is_finite() && x > 0.0 {
      let half_ulp = (f64::from_bits(x.to_bits() + 1) - x) / 2.0;
      if half_ulp > 0.0 && half_ulp.is_finite() {
        let mid = decimal_sum(&exact(x), &exact(half_ulp));
        for text in [mid.clone(), format!("{mid}1"), below(&mid)] {
          prop_assert_eq!(json::number(&text).to_bits(), text.parse::<f64>().unwrap().to_bits(), "{}", text);
        }
      }
    }
  }

  /// Written numbers read back as the same f64; written strings as the same string.
  #[test]
  fn json_writer_round_trips(x in any::<f64>(), text in any::<String>()) {
    let mut out = String::new();
    json::write_f64(&mut out, x);
    if x.is_finite() {
      prop_assert!(json::is_valid(&out), "{}", out);
      prop_assert_eq!(out.parse::<f64>().unwrap(), x, "{}", out);
      prop_assert_eq!(json::number(&out), x);
    } else {
      prop_assert_eq!(out, "null");
    }
    let mut out = String::new();
    json::write_str(&mut out, &text);
    prop_assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text);
  }

  /// base64url: every byte string round-trips, and a text decodes exactly when it is the one
  /// canonical encoding of what it decodes to.
  #[test]
  fn base64url_is_canonical(bytes in prop::collection::vec(any::<u8>(), 0..40), text in "[A-Za-z0-9_=+/.-]{0,12}") {
    prop_assert_eq!(crypto::b64_decode(&crypto::b64_encode(&bytes)), Some(bytes));
    // Canonical: in the alphabet, no lone last character, unused low bits of the last one zero.
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let last = text.bytes().last().and_then(|c| ALPHABET.bytes().position(|a| a == c)).unwrap_or(0);
    let spare_bits = [0, 0, 4, 2][text.len() % 4];
    let canonical = crypto::is_b64_alphabet(&text) && text.len() % 4 != 1 && last % (1 << spare_bits) == 0;
    let decoded = crypto::b64_decode(&text);
    prop_assert_eq!(decoded.is_some(), canonical, "{}", text);
    if let Some(decoded) = decoded {
      prop_assert_eq!(crypto::b64_encode(&decoded), text);
    }
  }

  /// The resolver end to end over hostile headers around a valid session: never panics, and the
  /// valid session is found unless the hostile part shadows or breaks it.
  #[test]
  fn resolver_end_to_end(before in header_text(), after in header_text(), tiny in any::<bool>()) {
    let valid = token(Enc::A256CbcHs512, r#"{"backendToken":"bt","exp":99999999999}"#);
    let header = format!("{before}; {NAME}={valid}; {after}");
    let limits = if tiny { Limits { max_header_bytes: 64, max_cookies: 2, max_chunks: 1, max_token_bytes: 10, max_payload_bytes: 4 } } else { Limits::default() };
    let outcome = run_resolve(&header, limits).unwrap();
    if let Ok(session) = outcome.found {
      let found = session.token().expect("no adapter: only tokens");
      prop_assert_eq!(found.claim, Some(Ok("bt".to_string())));
    }
  }
}

/// The exact decimal of a positive f64 (with a point).
fn exact(x: f64) -> String {
  let mut out = String::new();
  json::write_f64(&mut out, x);
  if out.contains('.') {
    out
  } else {
    out + ".0"
  }
}

/// The sum of two non-negative decimals written with a point.
fn decimal_sum(a: &str, b: &str) -> String {
  let split = |s: &str| {
    let (w, f) = s.split_once('.').unwrap();
    (w.to_string(), f.to_string())
  };
  let ((aw, af), (bw, bf)) = (split(a), split(b));
  let (wl, fl) = (aw.len().max(bw.len()), af.len().max(bf.len()));
  let pad = |w: &str, f: &str| format!("{w:0>wl$}{f:0<fl$}");
  let (x, y) = (pad(&aw, &af), pad(&bw, &bf));
  let mut carry = 0;
  let mut out: Vec<u8> = Vec::new();
  for (p, q) in x.bytes().rev().zip(y.bytes().rev()) {
    let d = (p - b'0') + (q - b'0') + carry;
    out.push(b'0' + d % 10);
    carry = d / 10;
  }
  if carry > 0 {
    out.push(b'1');
  }
  out.reverse();
  let digits = String::from_utf8(out).unwrap();
  let (w, f) = digits.split_at(digits.len() - fl);
  format!("{w}.{f}")
}

/// A decimal a little below `text` (its last non-zero digit lowered by one).
fn below(text: &str) -> String {
  let mut b = text.as_bytes().to_vec();
  if let Some(i) = b.iter().rposition(|c| (b'1'..=b'9').contains(c)) {
    b[i] -= 1;
  }
  String::from_utf8(b).unwrap()
}

/// What jose decides for a payload (serde_json parses it): the claim or why it is unusable and
/// the claim names, or why the token is refused.
type Decision = Result<(Result<String, Reason>, Vec<String>), Reason>;

fn reference_check(text: &str, clock: Clock) -> Decision {
  use serde_json::Value as V;
  let Ok(V::Object(map)) = serde_json::from_str::<V>(text) else {
    return Err(Reason::MalformedToken);
  };
  let number = |name| match map.get(name) {
    None => Ok(None),
    Some(V::Number(n)) => Ok(n.as_f64()),
    Some(_) => Err(Reason::MalformedToken),
  };
  number("iat")?;
  if number("nbf")?.is_some_and(|nbf| nbf > clock.now + clock.tolerance) {
    return Err(Reason::NotYetValid);
  }
  if number("exp")?.is_some_and(|exp| exp <= clock.now - clock.tolerance) {
    return Err(Reason::Expired);
  }
  let claim = match map.get("backendToken") {
    Some(V::String(s)) => Ok(s.clone()),
    None | Some(V::Null) => Err(Reason::ClaimMissing),
    Some(_) => Err(Reason::ClaimNotString),
  };
  Ok((claim, map.keys().cloned().collect()))
}

/// Pieces of JSON and near-JSON; joined at random they make valid and invalid texts of every
/// kind. (Not generated: `\u` escapes of lone surrogates and numbers beyond f64, where serde_json
/// refuses what JSON.parse accepts.)
fn json_token() -> impl Strategy<Value = &'static str> {
  prop::sample::select(vec![
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    " ",
    "\n",
    "\"a\"",
    "\"exp\"",
    "\"\\n\\u00e9\\ud83d\\ude00\"",
    "\"\\x\"",
    "\"\t\"",
    "\"",
    "1",
    "-0",
    "0.5",
    "1e5",
    "2E-3",
    "01",
    "1.",
    "-",
    "1e",
    ".5",
    "+1",
    "true",
    "false",
    "null",
    "nul",
    "tru",
    "\"é\"",
  ])
}

/// JSON objects with the claims the scan looks at, of every type, plus noise.
fn json_text() -> impl Strategy<Value = String> {
  let value = prop_oneof![
    any::<i64>().prop_map(|n| n.to_string()),
    (0.0f64..4e9).prop_map(|f| f.to_string()),
    "[a-z\\\\\"é]{0,8}".prop_map(|s| serde_json::to_string(&s).unwrap()),
    Just("null".to_string()),
    Just("true".to_string()),
    Just("[1,{\"a\":[]}]".to_string()),
    Just("{\"exp\":1}".to_string()),
  ];
  let key = prop_oneof![
    Just("exp"),
    Just("nbf"),
    Just("iat"),
    Just("backendToken"),
    Just("other"),
    Just("backend\\u0054oken")
  ];
  prop_oneof![
    prop::collection::vec((key, value), 0..8).prop_map(|kv| {
      let body: Vec<String> = kv.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
      format!("{{{}}}", body.join(","))
    }),
    any::<String>(),
    Just("[]".to_string()),
  ]
}
