//! The cookie rules: which names are session cookie candidates and in which order, the one rule
//! for "a name or one of its `.N` chunks", Cookie header parsing and chunk reassembly.
//!
//! A request's `Cookie` header is only `name=value` pairs separated by `;`, so it is parsed here in
//! one pass, borrowing from the header, with every bound checked before any allocation that grows
//! with the input. Duplicate names keep the first occurrence, as browsers send the most specific
//! path first.

use crate::error::Reason;

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
pub fn ordered_names<S: AsRef<str>>(names: &[S]) -> Vec<String> {
  let secure = names.iter().filter(|n| is_secure_name(n.as_ref()));
  let plain = names.iter().filter(|n| !is_secure_name(n.as_ref()));
  secure.chain(plain).map(|n| n.as_ref().to_string()).collect()
}

/// The rule: cookie `name` is session cookie `base` itself or one of its parts (`base.<anything>`;
/// whether the suffix is a valid chunk index is judged at reassembly).
pub fn is_session_part(name: &str, base: &str) -> bool {
  name
    .strip_prefix(base)
    .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// Whether `name` can be (a part of) any of the candidate `names`.
pub fn is_candidate<S: AsRef<str>>(name: &str, names: &[S]) -> bool {
  names.iter().any(|base| is_session_part(name, base.as_ref()))
}

/// Bounds applied to untrusted input before any cryptography.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
  /// Largest Cookie header read, in bytes.
  pub max_header_bytes: usize,
  /// Most cookies read from one request; the rest are ignored.
  pub max_cookies: usize,
  /// Most chunks (`NAME.0` ... `NAME.n`) one session cookie may have.
  pub max_chunks: usize,
  /// Longest token (after chunk reassembly), in bytes.
  pub max_token_bytes: usize,
  /// Largest decrypted payload, in bytes.
  pub max_payload_bytes: usize,
}

impl Default for Limits {
  fn default() -> Self {
    Limits {
      max_header_bytes: 128 * 1024,
      max_cookies: 1024,
      max_chunks: 32,
      max_token_bytes: 128 * 1024,
      max_payload_bytes: 96 * 1024,
    }
  }
}

/// The cookies of one request, in the order they were sent.
#[derive(Default)]
pub struct Jar<'a> {
  pairs: Vec<(&'a str, &'a str)>,
  /// More cookies were sent than [`Limits::max_cookies`]; those past the bound were not read.
  pub truncated: bool,
  /// A header was over [`Limits::max_header_bytes`] (all Cookie headers together) and was not read.
  pub oversized: bool,
  header_bytes: usize,
}

impl<'a> Jar<'a> {
  pub fn new() -> Self {
    Jar::default()
  }

  /// Reads the pairs of a `Cookie` header into the jar.
  pub fn add_header(&mut self, header: &'a str, limits: &Limits) {
    self.header_bytes = self.header_bytes.saturating_add(header.len());
    if self.header_bytes > limits.max_header_bytes {
      self.oversized = true;
      return;
    }
    for segment in header.split(';') {
      let Some((name, value)) = segment.split_once('=') else {
        continue;
      };
      let name = trim(name);
      if name.is_empty() {
        continue;
      }
      if !self.push(name, unquote(trim(value)), limits) {
        return;
      }
    }
  }

  /// Adds one cookie; returns false (and marks the jar truncated) once the bound is reached.
  pub fn push(&mut self, name: &'a str, value: &'a str, limits: &Limits) -> bool {
    if self.pairs.len() >= limits.max_cookies {
      self.truncated = true;
      return false;
    }
    self.pairs.push((name, value));
    true
  }

  pub fn is_empty(&self) -> bool {
    self.pairs.is_empty()
  }

  /// The names of the cookies present, in order (values are never exposed by the jar's API
  /// except through [`Jar::lookup`]).
  pub fn names(&self) -> impl Iterator<Item = &'a str> + '_ {
    self.pairs.iter().map(|(n, _)| *n)
  }

  fn get(&self, name: &str) -> Option<&'a str> {
    self.pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
  }

  /// Whether a cookie named `base` or a part of it (`base.N`) is present.
  pub fn has_session(&self, base: &str) -> bool {
    self.pairs.iter().any(|(n, _)| is_session_part(n, base))
  }

  /// The values stored under `base`: the whole cookie, and the chunked form reassembled.
  pub fn lookup(&self, base: &str, limits: &Limits) -> Lookup<'a> {
    let single = self.get(base);
    let mut parts: Vec<(usize, &'a str)> = Vec::new();
    let mut problem = None;
    for (name, value) in &self.pairs {
      if !is_session_part(name, base) || name.len() == base.len() {
        continue;
      }
      match name.get(base.len() + 1..).and_then(chunk_index) {
        Some(i) if i < limits.max_chunks => {
          if parts.iter().all(|(j, _)| *j != i) {
            parts.push((i, value));
          }
        }
        Some(_) => problem = Some(Reason::TooLarge),
        None => problem = problem.or(Some(Reason::ChunkMissing)),
      }
    }
    let chunked = if parts.is_empty() && problem.is_none() {
      None
    } else {
      Some(problem.map_or_else(|| reassemble(parts, limits), Err))
    };
    Lookup { single, chunked }
  }
}

/// A request's cookies as read from a caller's value, owned; [`OwnedCookies::jar`] borrows them.
#[derive(Default)]
pub struct OwnedCookies {
  /// Cookie headers, in order (Node may deliver several).
  pub headers: Vec<String>,
  /// Cookies already parsed by a framework (values only for possible session cookies).
  pub pairs: Vec<(String, String)>,
  /// Something was over a size limit and was not read at all.
  pub oversized: bool,
}

impl OwnedCookies {
  /// A jar over these cookies with the bounds applied.
  pub fn jar(&self, limits: &Limits) -> Jar<'_> {
    let mut jar = Jar::new();
    jar.oversized = self.oversized;
    for h in &self.headers {
      jar.add_header(h, limits);
    }
    for (n, v) in &self.pairs {
      if !jar.push(n, v, limits) {
        break;
      }
    }
    jar
  }
}

/// What [`Jar::lookup`] found for one cookie name.
pub struct Lookup<'a> {
  /// The unchunked cookie `NAME`.
  pub single: Option<&'a str>,
  /// `NAME.0 ... NAME.n` joined in index order with the number of parts, or why they could not be.
  pub chunked: Option<Result<(String, usize), Reason>>,
}

fn reassemble(parts: Vec<(usize, &str)>, limits: &Limits) -> Result<(String, usize), Reason> {
  // `n` parts must carry the indices 0..n, each once: each goes to its slot.
  let mut slots = vec![None; parts.len()];
  for (i, v) in parts {
    match slots.get_mut(i) {
      Some(slot @ None) => *slot = Some(v),
      _ => return Err(Reason::ChunkMissing),
    }
  }
  let slots: Vec<&str> = slots.into_iter().map(|s| s.unwrap_or_default()).collect();
  let len: usize = slots.iter().map(|v| v.len()).sum();
  if len > limits.max_token_bytes {
    return Err(Reason::TooLarge);
  }
  Ok((slots.concat(), slots.len()))
}

/// `Some(n)` for a canonical decimal chunk suffix (`0`, `1`, ... no sign, no leading zeros).
fn chunk_index(suffix: &str) -> Option<usize> {
  let b = suffix.as_bytes();
  if b.is_empty() || b.len() > 6 || !b.iter().all(u8::is_ascii_digit) || (b.len() > 1 && b[0] == b'0') {
    return None;
  }
  suffix.parse().ok()
}

fn trim(s: &str) -> &str {
  s.trim_matches(|c| c == ' ' || c == '\t')
}

fn unquote(v: &str) -> &str {
  v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v)
}

#[cfg(test)]
mod tests {
  use super::*;

  fn jar(header: &str) -> Jar<'_> {
    let mut j = Jar::new();
    j.add_header(header, &Limits::default());
    j
  }

  #[test]
  fn parses_pairs_trimming_and_unquoting() {
    let j = jar(" a=1 ;b = \"two\";; noeq ; =x; c=");
    assert_eq!(j.names().collect::<Vec<_>>(), ["a", "b", "c"]);
    let l = j.lookup("b", &Limits::default());
    assert_eq!(l.single, Some("two"));
    assert!(l.chunked.is_none());
  }

  #[test]
  fn default_names_are_already_in_resolution_order() {
    assert_eq!(ordered_names(&DEFAULT_COOKIE_NAMES), DEFAULT_COOKIE_NAMES);
    assert_eq!(
      ordered_names(&["a", "__Host-b", "c", "__Secure-d"]),
      ["__Host-b", "__Secure-d", "a", "c"]
    );
  }

  #[test]
  fn the_name_or_chunk_rule() {
    assert!(is_session_part("s", "s") && is_session_part("s.0", "s") && is_session_part("s.x", "s"));
    assert!(!is_session_part("sx", "s") && !is_session_part("s-legacy", "s") && !is_session_part("", "s"));
    assert!(is_candidate("b.1", &["a", "b"]) && !is_candidate("c", &["a", "b"]));
  }

  #[test]
  fn first_duplicate_wins() {
    assert_eq!(jar("s=1; s=2").lookup("s", &Limits::default()).single, Some("1"));
  }

  #[test]
  fn reassembles_chunks_in_numeric_order_whatever_the_header_order() {
    let j = jar("s.10=k; s.2=c; s.0=a; s.1=b; s.3=d; s.4=e; s.5=f; s.6=g; s.7=h; s.8=i; s.9=j");
    let l = j.lookup("s", &Limits::default());
    assert_eq!(l.single, None);
    assert_eq!(l.chunked, Some(Ok(("abcdefghijk".to_string(), 11))));
  }

  #[test]
  fn gaps_and_stray_parts_invalidate_the_chunked_value() {
    let l = Limits::default();
    assert_eq!(
      jar("s.0=a; s.2=c").lookup("s", &l).chunked,
      Some(Err(Reason::ChunkMissing))
    );
    assert_eq!(
      jar("s.1=b").lookup("s", &l).chunked,
      Some(Err(Reason::ChunkMissing))
    );
    assert_eq!(
      jar("s.0=a; s.x=b").lookup("s", &l).chunked,
      Some(Err(Reason::ChunkMissing))
    );
    assert_eq!(
      jar("s.0=a; s.01=b").lookup("s", &l).chunked,
      Some(Err(Reason::ChunkMissing))
    );
    assert_eq!(
      jar("s.0=a; s.99=b").lookup("s", &l).chunked,
      Some(Err(Reason::TooLarge))
    );
  }

  #[test]
  fn other_names_sharing_a_prefix_are_not_chunks() {
    let j = jar("s-legacy=x; s=y; sx.0=z");
    let l = j.lookup("s", &Limits::default());
    assert_eq!(l.single, Some("y"));
    assert!(l.chunked.is_none());
    assert!(j.has_session("s"));
    assert!(!j.has_session("s-legacy.0"));
  }

  #[test]
  fn bounds_are_enforced_before_work() {
    let limits = Limits {
      max_header_bytes: 10,
      max_cookies: 2,
      max_token_bytes: 3,
      ..Limits::default()
    };
    let mut j = Jar::new();
    j.add_header("a=1; b=2; c=3", &limits);
    assert!(j.oversized && j.is_empty());
    let mut j = Jar::new();
    j.add_header(
      "a=1;b=2;c=3",
      &Limits {
        max_header_bytes: 100,
        ..limits
      },
    );
    assert!(j.truncated);
    assert_eq!(j.names().count(), 2);
    let j = jar("s.0=ab; s.1=cd");
    assert_eq!(j.lookup("s", &limits).chunked, Some(Err(Reason::TooLarge)));
  }
}
