//! The options table. Every option of `getBackendToken`, `getToken`, `inspectToken` and
//! `createResolver` is declared once below — its JS name, TypeScript type, default as documented,
//! one doc line, and the parser that validates it. The reader ([`Options::set`]), the TypeScript
//! interface ([`typescript`], in `index.d.ts`) and the README table ([`markdown`]) all follow from
//! it; a test keeps the generated text in sync.
//!
//! Options are read once into an [`Options`] value (by `createResolver`, or once per distinct
//! per-call options object): a resolution never reads them again.

use crate::claims::Clock;
use crate::cookies::{is_secure_name, ordered_names, Limits, DEFAULT_COOKIE_NAMES};
use crate::error::Error;
use crate::json;
use crate::policy::SecureMode;
use crate::secrets::{self, SecretList};

/// A JavaScript value as the options reader sees it: the binding converts, this module decides.
#[derive(Clone)]
pub enum Value {
  /// `undefined` or `null`: the default applies.
  Absent,
  Bool(bool),
  Number(f64),
  Str(String),
  /// An array whose elements are all strings.
  Strings(Vec<String>),
  Function,
  /// An object with a `getSessionAndUser` method: an Auth.js adapter.
  Adapter,
  /// Any other object (including arrays with non-strings).
  Object,
  /// A symbol or a bigint.
  Other,
}

impl std::fmt::Debug for Value {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    // Option values may be secrets: only the kind is ever printed.
    f.write_str(match self {
      Value::Absent => "Absent",
      Value::Bool(_) => "Bool",
      Value::Number(_) => "Number",
      Value::Str(_) => "Str",
      Value::Strings(_) => "Strings",
      Value::Function => "Function",
      Value::Adapter => "Adapter",
      Value::Object => "Object",
      Value::Other => "Other",
    })
  }
}

/// What `debug` asks for when a resolution gives `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Debug {
  /// Not set: follow the `DEBUG` environment variable.
  Env,
  Off,
  /// One line to stderr.
  Log,
  /// The report is handed to the caller's function.
  Hook,
}

/// One row of the table.
pub struct Spec {
  /// The option's name in JavaScript.
  pub name: &'static str,
  /// Its TypeScript type. (The documentation fields feed the generated `index.d.ts` and README;
  /// the WebAssembly build, which must stay small, leaves them out.)
  #[cfg(not(target_arch = "wasm32"))]
  pub ts: &'static str,
  /// The default, as documented.
  #[cfg(not(target_arch = "wasm32"))]
  pub default: &'static str,
  /// One line of documentation.
  #[cfg(not(target_arch = "wasm32"))]
  pub doc: &'static str,
  set: fn(&mut Options, Value) -> Result<(), Error>,
}

macro_rules! options {
  ($(
    $field:ident: $ty:ty = $default:expr, $parse:ident;
      js $js:literal, ts $ts:literal, default $shown:literal, doc $doc:literal;
  )*) => {
    /// Validated options.
    #[derive(Clone, Debug)]
    pub struct Options {
      $(#[doc = $doc] pub $field: $ty,)*
    }

    impl Default for Options {
      fn default() -> Self {
        Options { $($field: $default,)* }
      }
    }

    /// The table, in documentation order.
    pub const TABLE: &[Spec] = &[$(
      Spec {
        name: $js,
        #[cfg(not(target_arch = "wasm32"))]
        ts: $ts,
        #[cfg(not(target_arch = "wasm32"))]
        default: $shown,
        #[cfg(not(target_arch = "wasm32"))]
        doc: $doc,
        set: |o, v| {
          if !matches!(v, Value::Absent) {
            o.$field = $parse($js, v)?;
          }
          Ok(())
        },
      },
    )*];
  };
}

options! {
  secret: SecretList = SecretList::default(), secrets;
    js "secret", ts "string | string[]",
    default "env: `AUTH_SECRET_3`, `_2`, `_1`, `AUTH_SECRET`, `NEXTAUTH_SECRET`",
    doc "Secret(s) that may have encrypted the session, newest first (rotation: `[new, old]`).";
  cookie_name: Vec<String> = default_names(), cookie_names;
    js "cookieName", ts "string | string[]",
    default "the six names in \"How the cookie is found\"",
    doc "Session cookie name(s) to look for, replacing the defaults; secure-prefixed names are tried first.";
  salt: Option<String> = None, some_string;
    js "salt", ts "string",
    default "the cookie name found (v5), `\"\"` (v4)",
    doc "Key derivation salt override.";
  claim: String = "backendToken".to_string(), string;
    js "claim", ts "string",
    default "`\"backendToken\"`",
    doc "The claim `getBackendToken` returns; it must be a string.";
  clock_tolerance: f64 = 15.0, seconds;
    js "clockTolerance", ts "number",
    default "`15`",
    doc "Seconds of leeway on `exp` and `nbf`, as Auth.js.";
  now: Option<f64> = None, epoch;
    js "now", ts "number",
    default "the system clock",
    doc "The current time in epoch seconds (for tests).";
  bearer: bool = true, boolean;
    js "bearer", ts "boolean",
    default "`true`",
    doc "With no session cookie, accept `Authorization: Bearer <token>` as Auth.js's `getToken` does.";
  secure: SecureMode = SecureMode::Auto, secure_mode;
    js "secure", ts "boolean | 'auto'",
    default "`\"auto\"`",
    doc "`true`: only `__Secure-`/`__Host-` names; `false`: any name, secure first; `\"auto\"`: `true` when the request is known to be HTTPS.";
  debug: Debug = Debug::Env, debug_mode;
    js "debug", ts "boolean | ((report: TokenReport) => void)",
    default "`false`",
    doc "Explain each `null`: `true` logs one line (names and reason codes, never values) to stderr; a function receives the report. Also on with `DEBUG=nextauth-backend-token`.";
  max_header_bytes: usize = Limits::default().max_header_bytes, limit;
    js "maxHeaderBytes", ts "number",
    default "`131072`",
    doc "Largest Cookie header read (all Cookie headers together), in bytes; a larger one is not read (`TOO_LARGE`).";
  max_cookies: usize = Limits::default().max_cookies, limit;
    js "maxCookies", ts "number",
    default "`1024`",
    doc "Most cookies read from one request; the rest are ignored.";
  max_chunks: usize = Limits::default().max_chunks, limit;
    js "maxChunks", ts "number",
    default "`32`",
    doc "Most chunks (`NAME.0` … `NAME.n`) one session cookie may have.";
  max_token_bytes: usize = Limits::default().max_token_bytes, limit;
    js "maxTokenBytes", ts "number",
    default "`131072`",
    doc "Longest token after chunks are joined, in bytes.";
  max_payload_bytes: usize = Limits::default().max_payload_bytes, limit;
    js "maxPayloadBytes", ts "number",
    default "`98304`",
    doc "Largest decrypted payload, in bytes.";
  adapter: bool = false, adapter;
    js "adapter", ts "SessionAdapter",
    default "none",
    doc "The app's Auth.js adapter (v5 `@auth/*-adapter` or v4 `@next-auth/*-adapter`): database sessions are looked up with its `getSessionAndUser`, read-only.";
  adapter_timeout: f64 = 5000.0, milliseconds;
    js "adapterTimeout", ts "number",
    default "`5000`",
    doc "Milliseconds an adapter lookup may take before it fails with `ERR_ADAPTER_FAILED`.";
  session_cache_ttl: f64 = 0.0, seconds;
    js "sessionCacheTtl", ts "number",
    default "`0` (off)",
    doc "Seconds a successful database lookup is kept in memory (never past the session's `expires`); sign-out then takes up to this long to be seen.";
}

/// The shortest secret `createResolver` accepts (Auth.js asks for at least 32 characters).
pub const MIN_SECRET_CHARS: usize = 32;

impl Options {
  /// Applies one option by its JS name; unknown names are ignored (integrations pass their own).
  pub fn set(&mut self, name: &str, value: Value) -> Result<(), Error> {
    match TABLE.iter().find(|s| s.name == name) {
      Some(spec) => (spec.set)(self, value),
      None => Ok(()),
    }
  }

  /// Options from `(name, value)` pairs, in table order.
  pub fn from_values(values: impl IntoIterator<Item = (&'static str, Value)>) -> Result<Options, Error> {
    let mut o = Options::default();
    for (name, value) in values {
      o.set(name, value)?;
    }
    Ok(o)
  }

  /// What `createResolver` adds to per-call validation: the secrets are settled now (from the
  /// environment when not given) and must exist and be long enough.
  pub fn settle_secrets(&mut self) -> Result<(), Error> {
    if self.secret.is_empty() {
      self.secret = SecretList::new(secrets::from_env());
    }
    if self.secret.is_empty() && !self.adapter {
      return Err(Error::MissingSecret);
    }
    // Characters: the bytes that start one (UTF-8), as `chars().count()` without its machinery.
    let chars = |s: &str| s.bytes().filter(|b| b & 0xc0 != 0x80).count();
    if self.secret.iter().any(|s| chars(s) < MIN_SECRET_CHARS) {
      return Err(invalid(
        "secret",
        "expected at least 32 characters (generate one with `npx auth secret` or `openssl rand -base64 32`)",
      ));
    }
    Ok(())
  }

  pub fn limits(&self) -> Limits {
    Limits {
      max_header_bytes: self.max_header_bytes,
      max_cookies: self.max_cookies,
      max_chunks: self.max_chunks,
      max_token_bytes: self.max_token_bytes,
      max_payload_bytes: self.max_payload_bytes,
    }
  }

  /// The clock a resolution is judged by.
  pub fn clock(&self) -> Clock {
    let mut clock = Clock::system();
    if let Some(now) = self.now {
      clock.now = now;
    }
    clock.tolerance = self.clock_tolerance;
    clock
  }

  /// Substrings of which at least one occurs in any Cookie header that carries a candidate: the
  /// names without their `__Secure-`/`__Host-` prefix, or their common suffix when it is long.
  pub fn marks(&self) -> Vec<String> {
    // Sorted, each once.
    let mut bare: Vec<&str> = Vec::new();
    for n in &self.cookie_name {
      let n = n
        .strip_prefix("__Secure-")
        .or_else(|| n.strip_prefix("__Host-"))
        .unwrap_or(n);
      if let Err(at) = bare.binary_search(&n) {
        bare.insert(at, n);
      }
    }
    let suffix = bare
      .iter()
      .skip(1)
      .fold(bare.first().copied().unwrap_or(""), |acc, n| {
        let common = acc
          .bytes()
          .rev()
          .zip(n.bytes().rev())
          .take_while(|(a, b)| a == b)
          .count();
        // From the first character boundary: equal bytes may end two different characters.
        let mut start = acc.len() - common;
        while !acc.is_char_boundary(start) {
          start += 1;
        }
        acc.get(start..).unwrap_or_default()
      });
    if suffix.len() >= 8 {
      vec![suffix.to_string()]
    } else {
      bare.into_iter().map(str::to_string).collect()
    }
  }

  /// What the JS front needs to know of compiled options: `names` (candidates in resolution
  /// order), `marks` (substrings one of which a Cookie header carrying a candidate contains), the
  /// read limits, and `debug`: `"env"` (follow `DEBUG`), `"off"`, `"log"` or `"hook"`.
  pub fn front_info(&self) -> String {
    let debug = match self.debug {
      Debug::Env => "env",
      Debug::Off => "off",
      Debug::Log => "log",
      Debug::Hook => "hook",
    };
    let mut out = String::new();
    json::Object::new(&mut out)
      .bool("adapter", self.adapter)
      .str("claim", &self.claim)
      .num("adapterTimeout", self.adapter_timeout)
      .num("sessionCacheTtl", self.session_cache_ttl)
      .opt_num("now", self.now)
      .strs("names", self.cookie_name.iter().map(String::as_str))
      .strs("marks", self.marks().iter().map(String::as_str))
      .num("maxCookies", self.max_cookies as f64)
      .num("maxHeaderBytes", self.max_header_bytes as f64)
      .num("maxTokenBytes", self.max_token_bytes as f64)
      // No secret given: they are read from the environment when a token is opened.
      .bool("secretsFromEnv", self.secret.is_empty())
      .str("debug", debug)
      .end();
    out
  }

  /// Whether any candidate name is secure-prefixed.
  pub fn has_secure_names(&self) -> bool {
    self.cookie_name.iter().any(|n| is_secure_name(n))
  }
}

fn default_names() -> Vec<String> {
  DEFAULT_COOKIE_NAMES.iter().map(|n| n.to_string()).collect()
}

fn invalid(name: &'static str, expected: &'static str) -> Error {
  Error::InvalidOption(name, expected)
}

fn secrets(name: &'static str, v: Value) -> Result<SecretList, Error> {
  match v {
    Value::Str(s) => Ok(SecretList::new(vec![s])),
    Value::Strings(list) => Ok(SecretList::new(list)),
    _ => Err(invalid(name, "expected a string or an array of strings")),
  }
}

fn cookie_names(name: &'static str, v: Value) -> Result<Vec<String>, Error> {
  let list = match v {
    Value::Str(s) => vec![s],
    Value::Strings(list) => list,
    _ => return Err(invalid(name, "expected a string or an array of strings")),
  };
  if list.is_empty() || list.iter().any(String::is_empty) {
    return Err(invalid(name, "expected non-empty cookie names"));
  }
  Ok(ordered_names(&list))
}

fn string(name: &'static str, v: Value) -> Result<String, Error> {
  match v {
    Value::Str(s) => Ok(s),
    _ => Err(invalid(name, "expected a string")),
  }
}

fn some_string(name: &'static str, v: Value) -> Result<Option<String>, Error> {
  string(name, v).map(Some)
}

fn finite(name: &'static str, v: Value) -> Result<f64, Error> {
  match v {
    Value::Number(n) if n.is_finite() => Ok(n),
    Value::Number(_) => Err(invalid(name, "expected a finite number")),
    _ => Err(invalid(name, "expected a number")),
  }
}

fn seconds(name: &'static str, v: Value) -> Result<f64, Error> {
  let n = finite(name, v)?;
  if n < 0.0 {
    return Err(invalid(name, "expected a number of seconds >= 0"));
  }
  Ok(n)
}

fn epoch(name: &'static str, v: Value) -> Result<Option<f64>, Error> {
  finite(name, v).map(Some)
}

fn boolean(name: &'static str, v: Value) -> Result<bool, Error> {
  match v {
    Value::Bool(b) => Ok(b),
    _ => Err(invalid(name, "expected a boolean")),
  }
}

fn secure_mode(name: &'static str, v: Value) -> Result<SecureMode, Error> {
  match v {
    Value::Bool(true) => Ok(SecureMode::Always),
    Value::Bool(false) => Ok(SecureMode::Never),
    Value::Str(s) if s == "auto" => Ok(SecureMode::Auto),
    _ => Err(invalid(name, "expected true, false or \"auto\"")),
  }
}

fn debug_mode(name: &'static str, v: Value) -> Result<Debug, Error> {
  match v {
    Value::Bool(b) => Ok(if b { Debug::Log } else { Debug::Off }),
    Value::Function => Ok(Debug::Hook),
    _ => Err(invalid(name, "expected a boolean or a function")),
  }
}

fn adapter(name: &'static str, v: Value) -> Result<bool, Error> {
  match v {
    Value::Adapter => Ok(true),
    _ => Err(invalid(
      name,
      "expected an Auth.js adapter (an object with getSessionAndUser)",
    )),
  }
}

fn milliseconds(name: &'static str, v: Value) -> Result<f64, Error> {
  let n = finite(name, v)?;
  if !(1.0..=2f64.powi(31)).contains(&n) {
    return Err(invalid(name, "expected a number of milliseconds from 1 to 2^31"));
  }
  Ok(n)
}

fn limit(name: &'static str, v: Value) -> Result<usize, Error> {
  let n = finite(name, v)?;
  if n.fract() != 0.0 || !(1.0..=(1u64 << 30) as f64).contains(&n) {
    return Err(invalid(name, "expected a whole number from 1 to 2^30"));
  }
  Ok(n as usize)
}

/// The `ResolveOptions` TypeScript interface, rendered from the table.
#[cfg(not(target_arch = "wasm32"))]
pub fn typescript() -> String {
  let mut out =
    String::from("/** Options of `getBackendToken`, `getToken`, `inspectToken` and `createResolver`. */\n");
  out.push_str("export interface ResolveOptions {\n");
  for s in TABLE {
    out.push_str(&format!(
      "  /** {} Default: {}. */\n  {}?: {}\n",
      s.doc,
      s.default.replace('`', ""),
      s.name,
      s.ts
    ));
  }
  out.push_str("}\n");
  out
}

/// The README's options table, rendered from the table.
#[cfg(not(target_arch = "wasm32"))]
pub fn markdown() -> String {
  let mut out = String::from("| option | type | default | meaning |\n|---|---|---|---|\n");
  for s in TABLE {
    out.push_str(&format!(
      "| `{}` | `{}` | {} | {} |\n",
      s.name,
      s.ts.replace('|', "\\|"),
      s.default,
      s.doc.replace('|', "\\|")
    ));
  }
  out
}

#[cfg(test)]
mod tests {
  use super::*;

  fn set(name: &str, v: Value) -> Result<Options, Error> {
    let mut o = Options::default();
    o.set(name, v)?;
    Ok(o)
  }

  #[test]
  fn every_option_is_read_and_validated_by_name() {
    let o = set("cookieName", Value::Strings(vec!["a".into(), "__Host-b".into()])).unwrap();
    assert_eq!(o.cookie_name, ["__Host-b", "a"]);
    assert_eq!(set("claim", Value::Str("x".into())).unwrap().claim, "x");
    assert_eq!(
      set("secure", Value::Bool(true)).unwrap().secure,
      SecureMode::Always
    );
    assert_eq!(set("debug", Value::Function).unwrap().debug, Debug::Hook);
    assert_eq!(set("maxChunks", Value::Number(3.0)).unwrap().max_chunks, 3);
    assert_eq!(set("now", Value::Number(5.0)).unwrap().clock().now, 5.0);
    assert!(set("unknownOption", Value::Object).is_ok());
    let bad = [
      (
        "secret",
        Value::Number(1.0),
        "expected a string or an array of strings",
      ),
      (
        "cookieName",
        Value::Strings(vec![String::new()]),
        "expected non-empty cookie names",
      ),
      (
        "cookieName",
        Value::Strings(vec![]),
        "expected non-empty cookie names",
      ),
      (
        "clockTolerance",
        Value::Number(-1.0),
        "expected a number of seconds >= 0",
      ),
      ("now", Value::Number(f64::NAN), "expected a finite number"),
      (
        "secure",
        Value::Str("yes".into()),
        "expected true, false or \"auto\"",
      ),
      (
        "debug",
        Value::Str("x".into()),
        "expected a boolean or a function",
      ),
      (
        "maxCookies",
        Value::Number(1.5),
        "expected a whole number from 1 to 2^30",
      ),
      (
        "maxCookies",
        Value::Number(2f64.powi(31)),
        "expected a whole number from 1 to 2^30",
      ),
      ("bearer", Value::Str("no".into()), "expected a boolean"),
    ];
    for (name, v, expected) in bad {
      match set(name, v) {
        Err(Error::InvalidOption(n, e)) => assert_eq!((n, e), (name, expected)),
        other => panic!("{name}: {other:?}"),
      }
    }
    // Absent values keep the defaults; empty secrets fall back to the environment.
    assert_eq!(set("claim", Value::Absent).unwrap().claim, "backendToken");
    assert!(set("secret", Value::Strings(vec![String::new()]))
      .unwrap()
      .secret
      .is_empty());
  }

  #[test]
  fn the_table_names_every_field_once() {
    let mut names: Vec<_> = TABLE.iter().map(|s| s.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), TABLE.len());
    assert!(typescript().contains("  maxPayloadBytes?: number\n"));
    assert!(markdown().contains("| `secure` | `boolean \\| 'auto'` |"));
  }

  #[test]
  fn marks_cover_every_candidate() {
    assert_eq!(Options::default().marks(), [".session-token"]);
    let o = set(
      "cookieName",
      Value::Strings(vec!["__Secure-a".into(), "a".into(), "bb".into()]),
    )
    .unwrap();
    assert_eq!(o.marks(), ["a", "bb"]);
    // Equal last bytes of two different characters (U+00E9, U+0269): the mark starts after them.
    let o = set(
      "cookieName",
      Value::Strings(vec![
        "\u{e9}-session-token".into(),
        "\u{269}-session-token".into(),
      ]),
    )
    .unwrap();
    assert_eq!(o.marks(), ["-session-token"]);
  }

  #[test]
  fn settling_secrets_checks_presence_and_length() {
    let mut o = set("secret", Value::Str("short".into())).unwrap();
    assert!(matches!(
      o.settle_secrets(),
      Err(Error::InvalidOption("secret", _))
    ));
    let mut o = set("secret", Value::Str("x".repeat(MIN_SECRET_CHARS))).unwrap();
    assert_eq!(o.settle_secrets(), Ok(()));
  }
}
