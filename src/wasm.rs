//! The WebAssembly ABI (`wasm32-unknown-unknown`, no imports): the same core as the native
//! addon, reached through four exported functions and two buffers. The JavaScript loader
//! (`wasm/binding.js`) turns values into messages and back; nothing here decides anything the
//! native binding does not decide the same way.
//!
//! - `nbt_input(len)`: the input buffer, sized `len`, for the loader to write a message into.
//! - `nbt_call(op, handle, len, now_ms)`: runs `op` on the message; returns a [`Status`]. The
//!   input is wiped afterwards (it may hold cookies and secrets).
//! - `nbt_output_ptr()`, `nbt_output_len()`: the answer's bytes (UTF-8 text or JSON).
//!
//! Messages are sequences of tagged values: `s` + u32 length + UTF-8 bytes (the loader encodes
//! with `TextEncoder`, which turns lone surrogates into U+FFFD as the native reader does), `r` +
//! u32 length + raw bytes, `n` + f64, `b` + u8, `a` + u32 count + strings, and the one-byte tags
//! `u` (absent), `f` (function), `d` (adapter), `o` (other object), `x` (symbol or bigint).
//! Integers are little-endian. A panic aborts the instance (a trap); the loader then throws
//! `ERR_INTERNAL` and starts a fresh instance.

use std::cell::RefCell;

use crate::claims::Clock;
use crate::cookies::OwnedCookies;
use crate::error::{Error, Reason};
use crate::json;
use crate::options::{Options, Value};
use crate::report::TokenReport;
use crate::resolve::{self, Extra, Request, Session, Want};
use crate::secrets::Keyring;
use crate::token::{self, DecodeParams};

/// What `nbt_call` returns; the output buffer holds the rest.
#[repr(u32)]
enum Status {
  Null = 0,
  Text = 1,
  Json = 2,
  /// `{ code, message, type }` of a thrown error.
  Error = 3,
  /// A database session id (text).
  Id = 4,
  True = 5,
  False = 6,
}

/// The operations, numbered as the loader calls them.
mod op {
  pub const CONSTANTS: u32 = 0;
  pub const SET_ENV: u32 = 1;
  pub const COMPILE: u32 = 2;
  pub const RELEASE: u32 = 3;
  pub const RESOLVE: u32 = 4;
  pub const CSRF: u32 = 5;
  pub const DECODE: u32 = 6;
  pub const ENCODE: u32 = 7;
}

thread_local! {
  static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
  static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
  /// Compiled options; a handle is an index plus one. Freed slots are reused.
  static COMPILED: RefCell<Vec<Option<Options>>> = const { RefCell::new(Vec::new()) };
}

#[no_mangle]
pub extern "C" fn nbt_input(len: usize) -> *mut u8 {
  INPUT.with(|cell| {
    let mut input = cell.borrow_mut();
    input.clear();
    input.resize(len, 0);
    input.as_mut_ptr()
  })
}

#[no_mangle]
pub extern "C" fn nbt_output_ptr() -> *const u8 {
  OUTPUT.with(|cell| cell.borrow().as_ptr())
}

#[no_mangle]
pub extern "C" fn nbt_output_len() -> usize {
  OUTPUT.with(|cell| cell.borrow().len())
}

#[no_mangle]
pub extern "C" fn nbt_call(op: u32, handle: u32, len: usize, now_ms: f64) -> u32 {
  crate::host::set_now(now_ms);
  let input = INPUT.with(|cell| std::mem::take(&mut *cell.borrow_mut()));
  let mut input = input;
  let answer = dispatch(op, handle, &input[..len.min(input.len())]);
  crate::crypto::wipe(&mut input);
  crate::host::set_random(Vec::new());
  let (status, bytes) = match answer {
    Ok(Answer::Null) => (Status::Null, Vec::new()),
    Ok(Answer::Text(t)) => (Status::Text, t.into_bytes()),
    Ok(Answer::Id(t)) => (Status::Id, t.into_bytes()),
    Ok(Answer::Json(j)) => (Status::Json, j.into_bytes()),
    Ok(Answer::Bool(b)) => (if b { Status::True } else { Status::False }, Vec::new()),
    Err(e) => (Status::Error, error_json(&e).into_bytes()),
  };
  OUTPUT.with(|cell| {
    let mut out = cell.borrow_mut();
    crate::crypto::wipe(&mut out);
    *out = bytes;
  });
  status as u32
}

enum Answer {
  Null,
  Text(String),
  Id(String),
  /// JSON text.
  Json(String),
  Bool(bool),
}

fn error_json(e: &Error) -> String {
  let mut out = String::new();
  json::Object::new(&mut out)
    .str("code", e.code())
    .str("message", &e.to_string())
    .str("type", if e.is_type_error() { "TypeError" } else { "Error" })
    .end();
  out
}

fn dispatch(op: u32, handle: u32, input: &[u8]) -> Result<Answer, Error> {
  let mut msg = Msg { buf: input, pos: 0 };
  match op {
    op::CONSTANTS => Ok(Answer::Json(constants())),
    op::SET_ENV => {
      let mut env = Vec::new();
      while !msg.done() {
        let name = msg.string()?;
        let value = msg.string()?;
        env.push((name, value));
      }
      crate::host::set_env(env);
      Ok(Answer::Null)
    }
    op::COMPILE => {
      let mut opts = Options::default();
      while !msg.done() {
        let name = msg.string()?;
        if name == "!" {
          return Err(Error::InvalidOption("options", "expected an object"));
        }
        opts.set(&name, msg.value()?)?;
      }
      if handle == 1 {
        opts.settle_secrets()?;
      }
      let mut info = opts.front_info();
      let id = COMPILED.with(|cell| {
        let mut slots = cell.borrow_mut();
        match slots.iter().position(Option::is_none) {
          Some(i) => {
            slots[i] = Some(opts);
            i + 1
          }
          None => {
            slots.push(Some(opts));
            slots.len()
          }
        }
      });
      // `{…}` becomes `{…,"handle":id}`.
      info.pop();
      info.push_str(",\"handle\":");
      json::write_u64(&mut info, id as u64);
      info.push('}');
      Ok(Answer::Json(info))
    }
    op::RELEASE => {
      COMPILED.with(|cell| {
        if let Some(slot) = cell.borrow_mut().get_mut((handle as usize).wrapping_sub(1)) {
          *slot = None;
        }
      });
      Ok(Answer::Null)
    }
    op::RESOLVE => with_compiled(handle, |opts| resolve_message(opts, &mut msg)),
    op::CSRF => with_compiled(handle, |opts| {
      let cookie = msg.string()?;
      let header = msg.string()?;
      let keyring = Keyring::new(&opts.secret);
      Ok(Answer::Bool(crate::csrf::double_submit_ok(
        &cookie,
        &header,
        keyring.list(),
      )))
    }),
    op::DECODE => decode(&mut msg),
    op::ENCODE => encode(&mut msg),
    _ => Err(Error::Internal),
  }
}

fn with_compiled(handle: u32, f: impl FnOnce(&Options) -> Result<Answer, Error>) -> Result<Answer, Error> {
  COMPILED.with(|cell| {
    let slots = cell.borrow();
    let opts = slots
      .get((handle as usize).wrapping_sub(1))
      .and_then(Option::as_ref)
      .ok_or(Error::Internal)?;
    f(opts)
  })
}

/// What the loader reads once: option names, CSRF cookie names and every reason's hint.
fn constants() -> String {
  let mut out = String::new();
  let mut o = json::Object::new(&mut out);
  o.strs("optionNames", crate::options::TABLE.iter().map(|s| s.name))
    .strs("csrfCookieNames", crate::csrf::CSRF_COOKIE_NAMES);
  let mut hints = json::Object::new(o.key("hints"));
  for r in Reason::ALL {
    hints.str(r.as_str(), r.hint());
  }
  hints.end();
  o.end();
  out
}

/// The kinds of unsupported source the loader names (the same words the native reader uses).
const INVALID_SOURCES: [&str; 8] = [
  "a number",
  "a boolean",
  "a bigint",
  "a symbol",
  "a function",
  "an unsupported value",
  "an array",
  "a cookie store whose getAll() did not return an array",
];

/// A resolution message: the want (u8), then the source's parts, each a tag byte and a string:
/// `H` a Cookie header, `P` a cookie (name, value), `O` oversized (no string), `E` the source has
/// other headers (no string), `A` Authorization, `U` the request URL, `X` x-forwarded-proto, `F`
/// Forwarded, `T` a TLS socket (no string), `I` an unsupported source (index into the kinds).
fn resolve_message(opts: &Options, msg: &mut Msg<'_>) -> Result<Answer, Error> {
  let want = match msg.byte()? {
    0 => Want::Claim,
    1 => Want::Payload,
    2 => Want::Report,
    3 => Want::Session,
    _ => return Err(Error::Internal),
  };
  let mut cookies = OwnedCookies::default();
  let mut has_extra = false;
  let mut extra: [Option<String>; 5] = Default::default();
  while !msg.done() {
    match msg.byte()? {
      b'H' => cookies.headers.push(msg.string()?),
      b'P' => {
        let name = msg.string()?;
        let value = msg.string()?;
        cookies.pairs.push((name, value));
      }
      b'O' => cookies.oversized = true,
      b'E' => has_extra = true,
      b'A' => extra[0] = Some(msg.string()?),
      b'U' => extra[1] = Some(msg.string()?),
      b'X' => extra[2] = Some(msg.string()?),
      b'F' => extra[3] = Some(msg.string()?),
      b'T' => extra[4] = Some("true".to_string()),
      b'I' => {
        let kind = INVALID_SOURCES.get(msg.byte()? as usize).ok_or(Error::Internal)?;
        return Err(Error::InvalidSource(kind));
      }
      _ => return Err(Error::Internal),
    }
  }
  let read_extra = |which: Extra| {
    let i = match which {
      Extra::Authorization => 0,
      Extra::Url => 1,
      Extra::XForwardedProto => 2,
      Extra::Forwarded => 3,
      Extra::TlsSocket => 4,
    };
    extra[i].clone()
  };
  let request = Request {
    jar: cookies.jar(&opts.limits()),
    extra: has_extra.then_some(&read_extra as resolve::ExtraReader),
  };
  let outcome = resolve::resolve(&request, opts, want)?;
  Ok(match want {
    Want::Claim => match outcome
      .found
      .ok()
      .and_then(Session::token)
      .and_then(|f| f.claim?.ok())
    {
      Some(claim) => Answer::Text(claim),
      None => Answer::Null,
    },
    Want::Payload => match outcome.found.ok().and_then(Session::token) {
      Some(found) => Answer::Text(found.payload),
      None => Answer::Null,
    },
    Want::Report => Answer::Json(TokenReport::new(&outcome, &request.jar, opts).to_json()),
    Want::Session => {
      let from = outcome.decisive.as_ref().map(|a| a.origin.as_str());
      match outcome.found {
        Err(_) => Answer::Null,
        Ok(Session::Id(id)) => Answer::Id(id.0),
        Ok(Session::Token(found)) => {
          let mut out = String::new();
          json::Object::new(&mut out)
            .opt_str("from", from)
            .str("payload", &found.payload)
            .opt_str("claim", found.claim.and_then(|c| c.ok()).as_deref())
            .end();
          Answer::Json(out)
        }
      }
    }
  })
}

/// `decode`: `token`, `secret`, `salt`, `now`, `clockTolerance` as name/value pairs.
/// `!` + what, sent instead of the fields when the parameters are not an object.
fn not_an_object(name: &str) -> Result<(), Error> {
  match name {
    "!decode params" => Err(Error::InvalidOption("decode params", "expected an object")),
    "!encode params" => Err(Error::InvalidOption("encode params", "expected an object")),
    _ => Ok(()),
  }
}

fn decode(msg: &mut Msg<'_>) -> Result<Answer, Error> {
  let mut token = None;
  let mut salt = String::new();
  let mut opts = Options::default();
  let mut tolerance = None;
  while !msg.done() {
    let name = msg.string()?;
    not_an_object(&name)?;
    let value = msg.value()?;
    match name.as_str() {
      "token" => token = optional_string("token", value)?,
      "salt" => salt = optional_string("salt", value)?.unwrap_or_default(),
      "secret" | "now" => opts.set(&name, value)?,
      "clockTolerance" => {
        let mut o = Options::default();
        o.set("clockTolerance", value)?;
        tolerance = Some(o.clock_tolerance);
      }
      _ => {}
    }
  }
  let keyring = Keyring::new(&opts.secret);
  let mut clock = Clock::system();
  if let Some(n) = opts.now {
    clock.now = n;
  }
  if let Some(t) = tolerance {
    clock.tolerance = t;
  }
  let params = DecodeParams {
    token: token.as_deref(),
    secrets: keyring.list(),
    salt: &salt,
    clock,
  };
  Ok(token::decode(&params)?.map_or(Answer::Null, Answer::Text))
}

/// `encode`: `token` (the claims as JSON text), `secret`, `salt`, `maxAge`, `format`, `enc`, and
/// `random` (bytes for the IV and `jti`, from the host's CSPRNG).
fn encode(msg: &mut Msg<'_>) -> Result<Answer, Error> {
  let mut claims = None;
  let mut opts = Options::default();
  let (mut salt, mut format, mut enc, mut max_age) = (None, None, None, None);
  while !msg.done() {
    let name = msg.string()?;
    not_an_object(&name)?;
    if name == "random" {
      crate::host::set_random(msg.raw()?);
      continue;
    }
    let value = msg.value()?;
    match name.as_str() {
      // The claims as JSON text; `x` when they could not be written as JSON.
      "token" => {
        let bad = Error::InvalidOption(
          "token",
          "expected plain JSON claims (no BigInt, cycles or deep nesting)",
        );
        claims = match value {
          Value::Str(text) if json::members(&text, &mut |_| {}).is_ok() => Some(text),
          Value::Str(_) => return Err(bad),
          Value::Other => return Err(bad),
          _ => None,
        }
      }
      "secret" => opts.set("secret", value)?,
      "salt" => salt = optional_string("salt", value)?,
      "format" => format = optional_string("format", value)?,
      "enc" => enc = optional_string("enc", value)?,
      "maxAge" => {
        max_age = match value {
          Value::Absent => None,
          Value::Number(n) if n.is_finite() => Some(n),
          _ => return Err(Error::InvalidOption("maxAge", "expected a finite number")),
        }
      }
      _ => {}
    }
  }
  let claims = claims.ok_or(Error::InvalidOption("token", "expected an object of claims"))?;
  Ok(Answer::Text(token::encode_now(
    &claims,
    &opts.secret,
    salt.as_deref(),
    max_age,
    format.as_deref(),
    enc.as_deref(),
  )?))
}

fn optional_string(name: &'static str, v: Value) -> Result<Option<String>, Error> {
  match v {
    Value::Absent => Ok(None),
    Value::Str(s) => Ok(Some(s)),
    _ => Err(Error::InvalidOption(name, "expected a string")),
  }
}

/// A message being read. A malformed message is the loader's bug: `Error::Internal`.
struct Msg<'a> {
  buf: &'a [u8],
  pos: usize,
}

impl Msg<'_> {
  fn done(&self) -> bool {
    self.pos >= self.buf.len()
  }

  fn take(&mut self, n: usize) -> Result<&[u8], Error> {
    let end = self
      .pos
      .checked_add(n)
      .filter(|&e| e <= self.buf.len())
      .ok_or(Error::Internal)?;
    let bytes = &self.buf[self.pos..end];
    self.pos = end;
    Ok(bytes)
  }

  fn byte(&mut self) -> Result<u8, Error> {
    Ok(self.take(1)?[0])
  }

  fn u32(&mut self) -> Result<usize, Error> {
    let b = self.take(4)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
  }

  fn raw(&mut self) -> Result<Vec<u8>, Error> {
    if self.byte()? != b'r' {
      return Err(Error::Internal);
    }
    let n = self.u32()?;
    Ok(self.take(n)?.to_vec())
  }

  /// A length-prefixed UTF-8 string (after its `s` tag, or bare inside a resolution message).
  fn text(&mut self) -> Result<String, Error> {
    let n = self.u32()?;
    let bytes = self.take(n)?;
    std::str::from_utf8(bytes)
      .map(str::to_string)
      .map_err(|_| Error::Internal)
  }

  /// A tagged string.
  fn string(&mut self) -> Result<String, Error> {
    if self.byte()? != b's' {
      return Err(Error::Internal);
    }
    self.text()
  }

  /// A tagged option value.
  fn value(&mut self) -> Result<Value, Error> {
    Ok(match self.byte()? {
      b'u' => Value::Absent,
      b'b' => Value::Bool(self.byte()? != 0),
      b'n' => {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Value::Number(f64::from_le_bytes(a))
      }
      b's' => Value::Str(self.text()?),
      b'a' => {
        let n = self.u32()?;
        let mut list = Vec::new();
        for _ in 0..n {
          list.push(self.string()?);
        }
        Value::Strings(list)
      }
      b'f' => Value::Function,
      b'd' => Value::Adapter,
      b'o' => Value::Object,
      b'x' => Value::Other,
      _ => return Err(Error::Internal),
    })
  }
}
