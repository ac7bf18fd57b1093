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
      let raw = &text[start..r.pos];
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

/// The value of a JSON number's text (as [`Item::Number`] holds it), rounded as `JSON.parse`
/// rounds it.
pub fn number(text: &str) -> f64 {
  // Up to 15 digits and no fraction or exponent: exact in an f64, no rounding to do.
  let digits = text.strip_prefix('-').unwrap_or(text);
  if digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit()) {
    let n = digits.bytes().fold(0u64, |n, b| n * 10 + u64::from(b - b'0')) as f64;
    return if text.len() > digits.len() { -n } else { n };
  }
  // JSON's number grammar is a subset of Rust's; out-of-range values are infinite, as in JS.
  text.parse().unwrap_or(f64::NAN)
}

struct Reader<'a> {
  s: &'a [u8],
  text: &'a str,
  pos: usize,
}

impl<'a> Reader<'a> {
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
    Ok(Item::Number(&self.text[start..self.pos]))
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

  /// A string (the opening quote next), unescaped; borrowed when it has no escapes.
  fn string(&mut self) -> Result<Cow<'a, str>, Invalid> {
    self.expect(b'"')?;
    let start = self.pos;
    loop {
      match self.peek().ok_or(Invalid)? {
        b'"' => {
          self.pos += 1;
          return Ok(Cow::Borrowed(&self.text[start..self.pos - 1]));
        }
        b'\\' => break,
        0..=0x1f => return Err(Invalid),
        _ => self.pos += 1,
      }
    }
    let mut out = String::from(&self.text[start..self.pos]);
    loop {
      let run = self.pos;
      while !matches!(self.peek().ok_or(Invalid)?, b'"' | b'\\' | 0..=0x1f) {
        self.pos += 1;
      }
      out.push_str(&self.text[run..self.pos]);
      match self.s[self.pos] {
        b'"' => {
          self.pos += 1;
          return Ok(Cow::Owned(out));
        }
        b'\\' => {
          self.pos += 1;
          let e = self.peek().ok_or(Invalid)?;
          self.pos += 1;
          let c = match e {
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
          };
          out.push(c);
        }
        _ => return Err(Invalid),
      }
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
  let mut run = 0;
  for (i, b) in s.bytes().enumerate() {
    let escape = match b {
      b'"' => "\\\"",
      b'\\' => "\\\\",
      b'\n' => "\\n",
      b'\r' => "\\r",
      b'\t' => "\\t",
      0x08 => "\\b",
      0x0c => "\\f",
      0..=0x1f => "",
      _ => continue,
    };
    out.push_str(&s[run..i]);
    if escape.is_empty() {
      const HEX: &[u8; 16] = b"0123456789abcdef";
      out.push_str("\\u00");
      out.push(char::from(HEX[usize::from(b >> 4)]));
      out.push(char::from(HEX[usize::from(b & 15)]));
    } else {
      out.push_str(escape);
    }
    run = i + 1;
  }
  out.push_str(&s[run..]);
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
      let at = out.len();
      write_u64(out, u64::from(limb));
      // Pad to nine digits.
      let written = out.len() - at;
      out.insert_str(at, &"000000000"[written..]);
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
