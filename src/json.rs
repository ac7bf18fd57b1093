//! The JSON the core reads and writes: token payloads and JWE headers (read), headers, claims,
//! reports and option summaries (written). Small on purpose: the core only ever needs an object's
//! top-level members, so the reader validates the whole text but hands over only those, and the
//! writer appends to a `String`.
//!
//! Reading follows `JSON.parse` (which `jose` uses): RFC 8259 strictly (no trailing commas,
//! comments, leading zeros or raw control characters), any nesting depth (the reader keeps its own
//! stack, it does not recurse), numbers of any size (`1e400` is `Infinity`), and `\u` escapes of
//! lone surrogates (a decoded string holds U+FFFD for them; the text itself is kept as is). The
//! caller checks UTF-8 first (`&str`). Writing follows `JSON.stringify`: the same escapes, numbers
//! that read back as the same `f64`, non-finite numbers as `null`.

use std::borrow::Cow;

/// One top-level member's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Item<'a> {
  /// Unescaped.
  Str(Cow<'a, str>),
  /// The number's text, valid JSON; [`number`] reads it.
  Number(&'a str),
  Bool(bool),
  Null,
  Array,
  Object,
}

/// A member of the top-level object, with its value's text as written.
pub struct Member<'a> {
  pub key: Cow<'a, str>,
  pub value: Item<'a>,
  /// The value's JSON text, exactly as in the input.
  pub raw: &'a str,
}

/// Not JSON, or not an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid;

/// Reads `text` as one JSON object (surrounding whitespace allowed) and calls `member` for each of
/// its members in order; duplicate keys are all reported (`JSON.parse` keeps the last value).
pub fn members<'a>(text: &'a str, member: &mut dyn FnMut(Member<'a>)) -> Result<(), Invalid> {
  let mut r = Reader {
    s: text.as_bytes(),
    text,
    pos: 0,
  };
  r.ws();
  r.expect(b'{')?;
  r.ws();
  if !r.eat(b'}') {
    loop {
      r.ws();
      let key = r.string()?;
      r.ws();
      r.expect(b':')?;
      r.ws();
      let start = r.pos;
      let value = r.value()?;
      let raw = r.slice(start, r.pos)?;
      member(Member { key, value, raw });
      r.ws();
      if r.eat(b'}') {
        break;
      }
      r.expect(b',')?;
    }
  }
  r.ws();
  if r.pos == r.s.len() {
    Ok(())
  } else {
    Err(Invalid)
  }
}

/// Whether `text` is one JSON value (any kind).
pub fn is_valid(text: &str) -> bool {
  let mut r = Reader {
    s: text.as_bytes(),
    text,
    pos: 0,
  };
  r.ws();
  r.value().is_ok() && {
    r.ws();
    r.pos == r.s.len()
  }
}

/// The value of a JSON number's text (as [`Item::Number`] holds it), rounded to the nearest f64
/// (ties to even) as `JSON.parse` rounds it; beyond the range of f64, ±Infinity or ±0.
pub fn number(text: &str) -> f64 {
  match text.strip_prefix('-') {
    Some(magnitude) => -unsigned(magnitude),
    None => unsigned(text),
  }
}

/// The powers of ten an f64 holds exactly.
const POW10: [f64; 23] = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
  1e19, 1e20, 1e21, 1e22,
];

fn unsigned(text: &str) -> f64 {
  // Whole numbers of up to 15 digits (every time claim the issuers write) are exact as they are.
  if text.len() <= 15 && text.bytes().all(|b| b.is_ascii_digit()) {
    return text.bytes().fold(0u64, |n, b| n * 10 + u64::from(b - b'0')) as f64;
  }
  let (mantissa, exponent) = match text.split_once(['e', 'E']) {
    Some((mantissa, exponent)) => (mantissa, exponent_of(exponent)),
    None => (text, 0),
  };
  let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
  let digits: Vec<u8> = whole
    .bytes()
    .chain(fraction.bytes())
    .map(|b| b.wrapping_sub(b'0'))
    .collect();
  if digits.iter().any(|&d| d > 9) {
    // Not a number's text (the reader never hands over such a one).
    return f64::NAN;
  }
  // The significant digits (no leading or trailing zeros) and the power of ten of the last one.
  let (Some(first), Some(last)) = (
    digits.iter().position(|&d| d != 0),
    digits.iter().rposition(|&d| d != 0),
  ) else {
    return 0.0;
  };
  let exp10 = exponent - fraction.len() as i64 + (digits.len() - 1 - last) as i64;
  let digits = &digits[first..=last];
  let magnitude = digits.len() as i64 + exp10;
  if magnitude > 310 {
    return f64::INFINITY;
  }
  if magnitude < -324 {
    return 0.0;
  }
  // Both exact in an f64, so one rounding: the correctly rounded result (Clinger's fast path).
  if digits.len() <= 15 && exp10.abs() <= 22 {
    let w = digits.iter().fold(0u64, |w, &d| w * 10 + u64::from(d)) as f64;
    return if exp10 >= 0 {
      w * POW10[exp10 as usize]
    } else {
      w / POW10[exp10.unsigned_abs() as usize]
    };
  }
  rounded(digits, exp10)
}

/// An exponent's value, saturated far beyond any text's length (the value is then 0 or infinite).
fn exponent_of(text: &str) -> i64 {
  let (negative, digits) = match text.strip_prefix('-') {
    Some(digits) => (true, digits),
    None => (false, text.strip_prefix('+').unwrap_or(text)),
  };
  let n = digits.bytes().fold(0i64, |n, b| {
    (n * 10 + i64::from(b.wrapping_sub(b'0'))).min(1 << 50)
  });
  if negative {
    -n
  } else {
    n
  }
}

/// `digits · 10^exp10` rounded the long way: an estimate in f64, then moved one f64 at a time until
/// the value lies between the midpoints to its neighbours, which are compared exactly (big
/// integers).
fn rounded(digits: &[u8], exp10: i64) -> f64 {
  // No midpoint between two f64s has more than 767 significant digits, so the first 780 decide;
  // the others (not all zero: trailing zeros are gone) only say the value lies above them.
  const KEEP: usize = 780;
  let (digits, exp10, above) = match digits.len().checked_sub(KEEP) {
    Some(dropped) if dropped > 0 => (&digits[..KEEP], exp10 + dropped as i64, true),
    _ => (digits, exp10, false),
  };
  let value = Big::from_digits(digits);
  let head = digits.iter().take(19).fold(0u64, |w, &d| w * 10 + u64::from(d));
  let mut x = head as f64;
  let mut e = exp10 + digits.len().saturating_sub(19) as i64;
  while e > 0 {
    let k = e.min(22);
    x *= POW10[k as usize];
    e -= k;
  }
  while e < 0 {
    let k = (-e).min(22);
    x /= POW10[k as usize];
    e += k;
  }
  x = x.min(f64::MAX);
  // The estimate is a few f64s off at most; the bound only guards against a mistake.
  for _ in 0..64 {
    let bits = x.to_bits();
    let (biased, fraction) = ((bits >> 52) as i64, bits & ((1 << 52) - 1));
    let (m, k) = if biased == 0 {
      (fraction, -1074)
    } else {
      (fraction | (1 << 52), biased - 1075)
    };
    let odd = m & 1 == 1;
    // Above the midpoint to the next f64 (or on it, from an odd one): up.
    let up = compare(&value, exp10, 2 * m + 1, k - 1, above);
    if up.is_gt() || (up.is_eq() && odd) {
      if x == f64::MAX {
        return f64::INFINITY;
      }
      x = f64::from_bits(bits + 1);
      continue;
    }
    if x == 0.0 {
      return 0.0;
    }
    // Below the midpoint to the previous one (half as far below a power of two): down.
    let (lm, lk) = if m == 1 << 52 && biased > 1 {
      (4 * m - 1, k - 2)
    } else {
      (2 * m - 1, k - 1)
    };
    let down = compare(&value, exp10, lm, lk, above);
    if down.is_lt() || (down.is_eq() && odd) {
      x = f64::from_bits(bits - 1);
      continue;
    }
    break;
  }
  x
}

/// `value · 10^exp10` against `m · 2^k`; equal counts as greater when the value lies `above`.
fn compare(value: &Big, exp10: i64, m: u64, k: i64, above: bool) -> core::cmp::Ordering {
  let (mut left, mut right) = (value.clone(), Big::from_digits(&[]));
  right.add_mul(m as u32 as u64, 1);
  right.add_high(m >> 32);
  // value · 2^exp10 · 5^exp10 against m · 2^k, both sides made whole.
  if exp10 >= 0 {
    left.mul_pow5(exp10 as u64);
  } else {
    right.mul_pow5(exp10.unsigned_abs());
  }
  if exp10 > k {
    left.shl((exp10 - k) as u64);
  } else {
    right.shl((k - exp10) as u64);
  }
  match left.cmp(&right) {
    core::cmp::Ordering::Equal if above => core::cmp::Ordering::Greater,
    order => order,
  }
}

/// An unsigned big integer in 32-bit limbs, least significant first, no high zero limbs.
#[derive(Clone, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
  fn from_digits(digits: &[u8]) -> Big {
    let mut n = Big(Vec::new());
    for chunk in digits.chunks(9) {
      let v = chunk.iter().fold(0u64, |v, &d| v * 10 + u64::from(d));
      n.add_mul(v, 10u64.pow(chunk.len() as u32));
    }
    n
  }

  /// `self = self · factor + add` (`factor` < 2^32, `add` < 2^32).
  fn add_mul(&mut self, add: u64, factor: u64) {
    let mut carry = add;
    for limb in &mut self.0 {
      let v = u64::from(*limb) * factor + carry;
      *limb = v as u32;
      carry = v >> 32;
    }
    if carry > 0 {
      self.0.push(carry as u32);
    }
  }

  /// Adds `high · 2^32` (`high` < 2^32) to a number below 2^32.
  fn add_high(&mut self, high: u64) {
    if high > 0 {
      self.0.resize(1, 0);
      self.0.push(high as u32);
    }
  }

  fn mul_pow5(&mut self, mut n: u64) {
    while n > 0 {
      let step = n.min(13);
      self.add_mul(0, 5u64.pow(step as u32));
      n -= step;
    }
  }

  fn shl(&mut self, bits: u64) {
    if self.0.is_empty() {
      return;
    }
    let (limbs, bits) = ((bits / 32) as usize, (bits % 32) as u32);
    if bits > 0 {
      self.add_mul(0, 1 << bits);
    }
    self.0.splice(0..0, core::iter::repeat_n(0, limbs));
  }
}

impl PartialOrd for Big {
  fn partial_cmp(&self, other: &Big) -> Option<core::cmp::Ordering> {
    Some(self.cmp(other))
  }
}

impl Ord for Big {
  fn cmp(&self, other: &Big) -> core::cmp::Ordering {
    self
      .0
      .len()
      .cmp(&other.0.len())
      .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
  }
}

struct Reader<'a> {
  s: &'a [u8],
  text: &'a str,
  pos: usize,
}

impl<'a> Reader<'a> {
  /// The text between two positions the reader stopped at (always before or after an ASCII
  /// byte, so on character boundaries).
  fn slice(&self, from: usize, to: usize) -> Result<&'a str, Invalid> {
    self.text.get(from..to).ok_or(Invalid)
  }

  fn peek(&self) -> Option<u8> {
    self.s.get(self.pos).copied()
  }

  fn eat(&mut self, b: u8) -> bool {
    let hit = self.peek() == Some(b);
    self.pos += usize::from(hit);
    hit
  }

  fn expect(&mut self, b: u8) -> Result<(), Invalid> {
    if self.eat(b) {
      Ok(())
    } else {
      Err(Invalid)
    }
  }

  fn ws(&mut self) {
    while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
      self.pos += 1;
    }
  }

  fn word(&mut self, w: &[u8]) -> Result<(), Invalid> {
    if self.s[self.pos..].starts_with(w) {
      self.pos += w.len();
      Ok(())
    } else {
      Err(Invalid)
    }
  }

  /// One value; containers are walked with an explicit stack (`true` for an object), so nesting
  /// depth costs one byte each, never the call stack.
  fn value(&mut self) -> Result<Item<'a>, Invalid> {
    let first = self.scalar_or_open()?;
    if !matches!(first, Item::Array | Item::Object) {
      return Ok(first);
    }
    let mut stack = vec![first == Item::Object];
    // After an opening bracket: a member, a value or the closing bracket may follow.
    let mut just_opened = true;
    while let Some(&in_object) = stack.last() {
      self.ws();
      let close = if in_object { b'}' } else { b']' };
      if self.eat(close) {
        // `[1,]` is not JSON: a close follows an opening or a value, never a comma.
        stack.pop();
        just_opened = false;
        continue;
      }
      if !just_opened {
        self.expect(b',')?;
        self.ws();
      }
      if in_object {
        self.string()?;
        self.ws();
        self.expect(b':')?;
        self.ws();
      }
      match self.scalar_or_open()? {
        Item::Array => {
          stack.push(false);
          just_opened = true;
        }
        Item::Object => {
          stack.push(true);
          just_opened = true;
        }
        _ => just_opened = false,
      }
    }
    Ok(first)
  }

  /// A scalar, or the opening bracket of a container (consumed; its contents are the caller's).
  fn scalar_or_open(&mut self) -> Result<Item<'a>, Invalid> {
    match self.peek().ok_or(Invalid)? {
      b'{' => {
        self.pos += 1;
        Ok(Item::Object)
      }
      b'[' => {
        self.pos += 1;
        Ok(Item::Array)
      }
      b'"' => self.string().map(Item::Str),
      b't' => self.word(b"true").map(|_| Item::Bool(true)),
      b'f' => self.word(b"false").map(|_| Item::Bool(false)),
      b'n' => self.word(b"null").map(|_| Item::Null),
      _ => self.number(),
    }
  }

  fn digits(&mut self) -> usize {
    let start = self.pos;
    while self.peek().is_some_and(|b| b.is_ascii_digit()) {
      self.pos += 1;
    }
    self.pos - start
  }

  fn number(&mut self) -> Result<Item<'a>, Invalid> {
    let start = self.pos;
    self.eat(b'-');
    match self.peek() {
      Some(b'0') => self.pos += 1,
      Some(b'1'..=b'9') => {
        self.digits();
      }
      _ => return Err(Invalid),
    }
    if self.eat(b'.') && self.digits() == 0 {
      return Err(Invalid);
    }
    if matches!(self.peek(), Some(b'e' | b'E')) {
      self.pos += 1;
      if !self.eat(b'+') {
        self.eat(b'-');
      }
      if self.digits() == 0 {
        return Err(Invalid);
      }
    }
    self.slice(start, self.pos).map(Item::Number)
  }

  fn hex4(&mut self) -> Result<u32, Invalid> {
    let hex = self.s.get(self.pos..self.pos + 4).ok_or(Invalid)?;
    let mut n = 0;
    for &h in hex {
      n = n * 16 + char::from(h).to_digit(16).ok_or(Invalid)?;
    }
    self.pos += 4;
    Ok(n)
  }

  /// Moves to the next `"`, `\\` or control character of a string, which must come.
  fn skip_plain(&mut self) -> Result<u8, Invalid> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    // Whether any byte of `x` is below `n` (n <= 128): the usual word-at-a-time test.
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH != 0;
    let rest = self.s.get(self.pos..).unwrap_or_default();
    // Eight bytes at a time while none of them can stop the run (a quote or backslash is a zero
    // byte after the XOR), then byte by byte.
    let mut at = 0;
    while let Some(word) = rest.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
      let x = u64::from_le_bytes(word);
      if below(x ^ (ONES * u64::from(b'"')), 1) || below(x ^ (ONES * u64::from(b'\\')), 1) || below(x, 0x20) {
        break;
      }
      at += 8;
    }
    let run = at
      + rest[at..]
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .ok_or(Invalid)?;
    self.pos += run;
    Ok(rest[run])
  }

  /// A string (the opening quote next), unescaped; borrowed when it has no escapes.
  fn string(&mut self) -> Result<Cow<'a, str>, Invalid> {
    self.expect(b'"')?;
    let start = self.pos;
    if self.skip_plain()? == b'"' {
      self.pos += 1;
      return self.slice(start, self.pos - 1).map(Cow::Borrowed);
    }
    let mut out = String::new();
    let mut run = start;
    loop {
      let stop = self.skip_plain()?;
      out.push_str(self.slice(run, self.pos)?);
      self.pos += 1;
      let c = match stop {
        b'"' => return Ok(Cow::Owned(out)),
        b'\\' => {
          let e = self.peek().ok_or(Invalid)?;
          self.pos += 1;
          match e {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.escaped_char()?,
            _ => return Err(Invalid),
          }
        }
        // A raw control character.
        _ => return Err(Invalid),
      };
      out.push(c);
      run = self.pos;
    }
  }

  /// The character of a `\u` escape (the `\u` read), joining a surrogate pair.
  fn escaped_char(&mut self) -> Result<char, Invalid> {
    let unit = self.hex4()?;
    if (0xd800..0xdc00).contains(&unit) && self.s[self.pos..].starts_with(b"\\u") {
      let save = self.pos;
      self.pos += 2;
      let low = self.hex4()?;
      if (0xdc00..0xe000).contains(&low) {
        let c = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
        return Ok(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
      }
      // Not a pair: the next escape is read on its own.
      self.pos = save;
    }
    Ok(char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER))
  }
}

/// Appends `s` as a JSON string, escaped as `JSON.stringify` escapes it.
pub fn write_str(out: &mut String, s: &str) {
  out.push('"');
  for piece in s.split_inclusive(|c: char| c < ' ' || c == '"' || c == '\\') {
    let mut chars = piece.chars();
    let escaped = match chars.next_back() {
      Some('"') => "\\\"",
      Some('\\') => "\\\\",
      Some('\n') => "\\n",
      Some('\r') => "\\r",
      Some('\t') => "\\t",
      Some('\u{8}') => "\\b",
      Some('\u{c}') => "\\f",
      Some(c) if c < ' ' => "",
      _ => {
        out.push_str(piece);
        continue;
      }
    };
    out.push_str(chars.as_str());
    if escaped.is_empty() {
      // The other control characters, as \u00XX.
      const HEX: &[u8; 16] = b"0123456789abcdef";
      let b = piece.as_bytes()[piece.len() - 1];
      out.push_str("\\u00");
      out.push(char::from(HEX[usize::from(b >> 4)]));
      out.push(char::from(HEX[usize::from(b & 15)]));
    } else {
      out.push_str(escaped);
    }
  }
  out.push('"');
}

/// Appends an unsigned integer.
pub fn write_u64(out: &mut String, mut n: u64) {
  let mut buf = [0u8; 20];
  let mut i = buf.len();
  loop {
    i -= 1;
    buf[i] = b'0' + (n % 10) as u8;
    n /= 10;
    if n == 0 {
      break;
    }
  }
  // Only ASCII digits were written.
  out.extend(buf[i..].iter().map(|&b| char::from(b)));
}

/// Appends `x` as a JSON number that reads back as exactly `x` (its exact decimal value; whole
/// numbers as integers); `null` when not finite, as `JSON.stringify` writes it.
pub fn write_f64(out: &mut String, x: f64) {
  if !x.is_finite() {
    out.push_str("null");
    return;
  }
  if x < 0.0 {
    out.push('-');
  }
  let bits = x.abs().to_bits();
  let exponent = ((bits >> 52) & 0x7ff) as i32;
  let fraction = bits & ((1 << 52) - 1);
  let (mantissa, exponent) = if exponent == 0 {
    (fraction, -1074)
  } else {
    (fraction | (1 << 52), exponent - 1075)
  };
  if mantissa == 0 {
    out.push('0');
    return;
  }
  if exponent >= 0 {
    // A whole number: mantissa · 2^exponent in base-10⁹ limbs, least significant first.
    let mut limbs = vec![
      (mantissa % 1_000_000_000) as u32,
      (mantissa / 1_000_000_000 % 1_000_000_000) as u32,
      (mantissa / 1_000_000_000_000_000_000) as u32,
    ];
    for _ in 0..exponent {
      let mut carry = 0;
      for limb in &mut limbs {
        let v = *limb * 2 + carry;
        (*limb, carry) = (v % 1_000_000_000, v / 1_000_000_000);
      }
      if carry > 0 {
        limbs.push(carry);
      }
    }
    while limbs.len() > 1 && limbs.last() == Some(&0) {
      limbs.pop();
    }
    let mut limbs = limbs.iter().rev();
    if let Some(&top) = limbs.next() {
      write_u64(out, u64::from(top));
    }
    for &limb in limbs {
      // Nine digits each, leading zeros included.
      let mut digits = [b'0'; 9];
      let mut n = limb;
      for d in digits.iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
      }
      out.extend(digits.iter().map(|&b| char::from(b)));
    }
    return;
  }
  // mantissa / 2^shift: the whole part, then one decimal digit per multiplication by ten of the
  // remaining fraction (a binary fraction of `shift` bits has at most `shift` decimal digits).
  let shift = exponent.unsigned_abs() as usize;
  write_u64(out, if shift < 64 { mantissa >> shift } else { 0 });
  // The fraction's numerator in 32-bit limbs, least significant first, with room for a digit.
  let mut limbs = vec![0u32; shift / 32 + 2];
  let numerator = if shift < 64 {
    mantissa & ((1 << shift) - 1)
  } else {
    mantissa
  };
  if numerator == 0 {
    return;
  }
  limbs[0] = numerator as u32;
  limbs[1] = (numerator >> 32) as u32;
  out.push('.');
  let (at, bit) = (shift / 32, shift % 32);
  while limbs.iter().any(|&l| l != 0) {
    let mut carry = 0u64;
    for limb in &mut limbs {
      let v = u64::from(*limb) * 10 + carry;
      *limb = v as u32;
      carry = v >> 32;
    }
    // The digit is what now stands at or above bit `shift`.
    let digit = if bit == 0 {
      std::mem::take(&mut limbs[at])
    } else {
      let d = (limbs[at] >> bit) | (limbs[at + 1] << (32 - bit));
      limbs[at] &= (1 << bit) - 1;
      d
    };
    limbs[at + 1] = 0;
    out.push(char::from(b'0' + digit as u8));
  }
}

/// Writes a JSON object member by member.
pub struct Object<'o> {
  out: &'o mut String,
  empty: bool,
}

impl<'o> Object<'o> {
  pub fn new(out: &'o mut String) -> Object<'o> {
    out.push('{');
    Object { out, empty: true }
  }

  /// Starts a member: the key and the colon; the value is the caller's to write.
  pub fn key(&mut self, key: &str) -> &mut String {
    if !std::mem::take(&mut self.empty) {
      self.out.push(',');
    }
    write_str(self.out, key);
    self.out.push(':');
    self.out
  }

  pub fn raw(&mut self, key: &str, json: &str) -> &mut Self {
    self.key(key).push_str(json);
    self
  }

  pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
    write_str(self.key(key), value);
    self
  }

  pub fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Self {
    match value {
      Some(v) => self.str(key, v),
      None => self.raw(key, "null"),
    }
  }

  pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
    self.raw(key, if value { "true" } else { "false" })
  }

  pub fn num(&mut self, key: &str, value: f64) -> &mut Self {
    write_f64(self.key(key), value);
    self
  }

  pub fn opt_num(&mut self, key: &str, value: Option<f64>) -> &mut Self {
    match value {
      Some(v) => self.num(key, v),
      None => self.raw(key, "null"),
    }
  }

  pub fn strs<'s>(&mut self, key: &str, values: impl IntoIterator<Item = &'s str>) -> &mut Self {
    let out = self.key(key);
    out.push('[');
    for (i, v) in values.into_iter().enumerate() {
      if i > 0 {
        out.push(',');
      }
      write_str(out, v);
    }
    out.push(']');
    self
  }

  pub fn end(&mut self) {
    self.out.push('}');
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn numbers_round_as_json_parse() {
    for text in [
      "0",
      "-0",
      "1",
      "1700000000",
      "1700000000.5",
      "0.1",
      "1e22",
      "1e23",
      "123456789012345678901234567890",
      "9007199254740993",
      "2.2250738585072011e-308",
      "2.2250738585072014e-308",
      "4.9406564584124654e-324",
      "2.4703282292062327e-324",
      "2.4703282292062328e-324",
      "1.7976931348623157e308",
      "1.7976931348623158e308",
      "1.7976931348623159e308",
      "1e400",
      "1e-400",
      "0.000000000000000000000000000000000000001e39",
      "100000000000000000000000000000000000000000e-41",
    ] {
      assert_eq!(
        number(text).to_bits(),
        text.parse::<f64>().unwrap().to_bits(),
        "{text}"
      );
    }
    // A thousand digits: the first 780 decide, the rest only count as "above".
    let long = format!("1.{}1e-300", "0".repeat(1000));
    assert_eq!(number(&long), 1e-300);
    assert_eq!(number(&format!("{}e-1000", "9".repeat(1000))), 1.0);
  }

  #[test]
  fn writing_is_exact() {
    let written = |x: f64| {
      let mut out = String::new();
      write_f64(&mut out, x);
      out
    };
    assert_eq!(written(0.0), "0");
    assert_eq!(written(-0.0), "0");
    assert_eq!(written(1700000000.0), "1700000000");
    assert_eq!(written(0.5), "0.5");
    assert_eq!(written(-2.25), "-2.25");
    assert_eq!(
      written(0.1),
      "0.1000000000000000055511151231257827021181583404541015625"
    );
    assert_eq!(written(2f64.powi(60)), "1152921504606846976");
    assert_eq!(written(f64::NAN), "null");
    assert_eq!(written(f64::INFINITY), "null");
  }

  #[test]
  fn the_reader_follows_rfc_8259() {
    for valid in [
      "{}",
      " {\"a\" : [ 1 , -0.5e+3 , true , null , {} ] } ",
      "\"\\ud800\"",
      "[[[]]]",
      "-0",
    ] {
      assert!(is_valid(valid), "{valid}");
    }
    for invalid in [
      "",
      "{",
      "[1,]",
      "{\"a\":1,}",
      "01",
      "1.",
      ".5",
      "+1",
      "\"\t\"",
      "\"\\x\"",
      "nul",
      "[] []",
      "'a'",
    ] {
      assert!(!is_valid(invalid), "{invalid}");
    }
    let mut seen = Vec::new();
    members(r#"{"a":"x\u00e9","b":[1,{"c":2}],"a":3}"#, &mut |m| {
      seen.push((m.key.into_owned(), m.value, m.raw.to_string()))
    })
    .unwrap();
    assert_eq!(seen[0].1, Item::Str("x\u{e9}".into()));
    assert_eq!(
      (seen[1].1.clone(), seen[1].2.as_str()),
      (Item::Array, r#"[1,{"c":2}]"#)
    );
    assert_eq!((seen[2].0.as_str(), seen[2].1.clone()), ("a", Item::Number("3")));
    // A lone surrogate is accepted (as by JSON.parse) and decoded as U+FFFD.
    members(r#"{"a":"\ud800x"}"#, &mut |m| {
      assert_eq!(m.value, Item::Str("\u{fffd}x".into()))
    })
    .unwrap();
    assert_eq!(members("[]", &mut |_| {}), Err(Invalid));
  }
}
