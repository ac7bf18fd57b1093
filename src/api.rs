//! The `#[napi]` surface: options and results converted between JS and the core, errors thrown
//! with their stable codes. Nothing here decides anything about tokens.

use napi::bindgen_prelude::JsObjectValue;
use napi::bindgen_prelude::{Either, Null, Object, Unknown};
use napi::{Env, JsValue, Status, ValueType};
use napi_derive::napi;
use serde_json::Value;

use crate::claims::{self, Clock};
use crate::cookies::Limits;
use crate::error::{Error, Reason};
use crate::jwe;
use crate::keys::{self, Enc, Format};
use crate::policy::Protocol;
use crate::policy::SecureMode;
use crate::resolve::{self, Config, Origin, Outcome, DEFAULT_COOKIE_NAMES};
use crate::secrets::Secrets;
use crate::sources::{read_source, SourceError};

/// Options of `getBackendToken`, `getToken`.
// Declared for the generated types only: values are read field by field (see `read_settings`)
// so that a wrongly typed option is reported by name, never echoed.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct ResolveOptions {
  /// Secret(s) that may have encrypted the session, newest first (rotation: `[new, old]`).
  /// Default: from the environment, in `@auth/core`'s order: `AUTH_SECRET_3`, `AUTH_SECRET_2`,
  /// `AUTH_SECRET_1`, `AUTH_SECRET`, then `NEXTAUTH_SECRET`.
  #[napi(ts_type = "string | string[]")]
  pub secret: Option<Vec<String>>,
  /// Session cookie name(s) to look for, replacing the defaults. Default:
  /// `__Secure-authjs.session-token`, `__Secure-next-auth.session-token`, the `__Host-` forms,
  /// `authjs.session-token`, `next-auth.session-token`. Secure-prefixed names are always tried
  /// first, and once one is present the unprefixed ones are ignored.
  #[napi(ts_type = "string | string[]")]
  pub cookie_name: Option<Vec<String>>,
  /// Key derivation salt. Default: the name the cookie was found under (Auth.js v5); `""` for
  /// NextAuth v4 tokens.
  pub salt: Option<String>,
  /// Claim that holds the backend token (`getBackendToken` only). Default: `"backendToken"`.
  pub claim: Option<String>,
  /// Seconds of leeway on `exp` and `nbf`. Default: `15` (as Auth.js).
  pub clock_tolerance: Option<f64>,
  /// The current time in epoch seconds, for tests. Default: the system clock.
  pub now: Option<f64>,
  /// With no session cookie, accept `Authorization: Bearer <token>` as `getToken` does.
  /// Default: `true`.
  pub bearer: Option<bool>,
  /// Cookie policy. `true`: only `__Secure-`/`__Host-` names. `false`: any candidate, secure
  /// first. `"auto"`: `true` when the request is known to be HTTPS (request URL, `x-forwarded-proto`,
  /// `forwarded`, `AUTH_URL`/`NEXTAUTH_URL` on https://) or a secure-prefixed session cookie is
  /// present. Default: `"auto"`.
  #[napi(ts_type = "boolean | 'auto'")]
  pub secure: Option<String>,
  /// Log why a `null` happened: `true` prints one line (names and reason codes, never values) to
  /// stderr; a function receives the report. Also on when `DEBUG` names `nextauth-backend-token`.
  /// Default: `false`.
  #[napi(ts_type = "boolean | ((report: TokenReport) => void)")]
  pub debug: Option<bool>,
  /// Largest Cookie header read (all Cookie headers together), in bytes; a larger one is not read
  /// (`TOO_LARGE`). Default: `131072` (128 KiB).
  pub max_header_bytes: Option<u32>,
  /// Most cookies read from one request; the rest are ignored. Default: `1024`.
  pub max_cookies: Option<u32>,
  /// Most chunks (`NAME.0` ... `NAME.n`) one session cookie may have. Default: `32`.
  pub max_chunks: Option<u32>,
  /// Longest token after chunks are joined, in bytes. Default: `131072` (128 KiB).
  pub max_token_bytes: Option<u32>,
  /// Largest decrypted payload, in bytes. Default: `98304` (96 KiB).
  pub max_payload_bytes: Option<u32>,
}

/// A cookie that was present but not used, and why.
#[napi(object, object_from_js = false)]
pub struct RejectedCookie {
  /// Base cookie name (without `.N`), or `"Authorization"` for a bearer token.
  pub name: String,
  #[napi(ts_type = "ReasonCode")]
  pub reason: String,
}

/// Why `getToken`/`getBackendToken` return what they return. Never contains a cookie value, token,
/// secret, key or claim value.
#[napi(object, object_from_js = false)]
pub struct TokenReport {
  /// A valid token was found (and, for the backend token, its claim is a string).
  pub ok: bool,
  /// `"OK"`, or the reason for `null`.
  #[napi(ts_type = "ReasonCode")]
  pub reason: String,
  /// One actionable sentence.
  pub hint: String,
  /// The session cookie used (or the one whose failure is the reason), without `.N`.
  #[napi(ts_type = "string | null")]
  pub cookie_name: Nullable<String>,
  #[napi(ts_type = "'cookie' | 'bearer' | null")]
  pub from: Nullable<String>,
  #[napi(ts_type = "'authjs-v5' | 'next-auth-v4' | 'opaque' | 'unknown' | null")]
  pub format: Nullable<String>,
  #[napi(ts_type = "'A256CBC-HS512' | 'A256GCM' | null")]
  pub enc: Nullable<String>,
  /// Cookie parts read: 1 when not chunked, 0 when none.
  pub chunks: u32,
  /// Index in the secrets list of the secret that decrypted it.
  #[napi(ts_type = "number | null")]
  pub secret_index: Nullable<u32>,
  #[napi(ts_type = "'https' | 'http' | 'unknown'")]
  pub protocol: String,
  #[napi(
    ts_type = "'request-url' | 'x-forwarded-proto' | 'forwarded' | 'AUTH_URL' | 'NEXTAUTH_URL' | 'option' | 'secure-cookie-present' | null"
  )]
  pub protocol_from: Nullable<String>,
  /// Names of every cookie the request carried.
  pub present_cookies: Vec<String>,
  /// Candidate names, in the order they were checked.
  pub checked_names: Vec<String>,
  /// Every candidate present but not used, and why.
  pub rejected: Vec<RejectedCookie>,
  /// `iat` and `exp` of the token, epoch seconds.
  #[napi(ts_type = "number | null")]
  pub issued_at: Nullable<f64>,
  #[napi(ts_type = "number | null")]
  pub expires_at: Nullable<f64>,
  /// Names of the token's claims (never their values).
  pub claims: Vec<String>,
}

/// Parameters of `decode`.
// Declared for the generated types only: values are read field by field (see `read_settings`)
// so that a wrongly typed option is reported by name, never echoed.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct DecodeParams {
  /// The JWE string (a session cookie value, chunks joined).
  pub token: String,
  /// Secret(s), newest first. Default: the environment, as for `getToken`.
  #[napi(ts_type = "string | string[]")]
  pub secret: Option<Vec<String>>,
  /// Salt: the cookie name the token was issued under (Auth.js v5). Default: `""` (NextAuth v4).
  pub salt: Option<String>,
  /// Seconds of leeway on `exp` and `nbf`. Default: `15`.
  pub clock_tolerance: Option<f64>,
  /// The current time in epoch seconds. Default: the system clock.
  pub now: Option<f64>,
}

/// Parameters of `encode`.
// Declared for the generated types only: values are read field by field (see `read_settings`)
// so that a wrongly typed option is reported by name, never echoed.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct EncodeParams {
  /// The claims to encrypt. `iat`, `exp` and `jti` are set as the issuers set them.
  #[napi(ts_type = "Record<string, unknown>")]
  pub token: Value,
  /// Secret(s); the first one encrypts. Default: the environment, as for `getToken`.
  #[napi(ts_type = "string | string[]")]
  pub secret: Option<Vec<String>>,
  /// Salt: the cookie name the token will be stored under (required for Auth.js v5). Default for
  /// NextAuth v4: `""`.
  pub salt: Option<String>,
  /// Lifetime in seconds. Default: 30 days, as both issuers.
  pub max_age: Option<f64>,
  /// Token format. Default: `"authjs-v5"`.
  #[napi(ts_type = "'authjs-v5' | 'next-auth-v4'")]
  pub format: Option<String>,
  /// Content encryption for `authjs-v5`. Default: `"A256CBC-HS512"`.
  #[napi(ts_type = "'A256CBC-HS512' | 'A256GCM'")]
  pub enc: Option<String>,
}

/// A string result. ASCII (backend tokens, JSON of ASCII claims) is created as a Latin-1 string,
/// which V8 stores as is; anything else goes through UTF-8.
pub struct Text(String);

impl napi::bindgen_prelude::ToNapiValue for Text {
  unsafe fn to_napi_value(env: napi::sys::napi_env, val: Self) -> napi::Result<napi::sys::napi_value> {
    if !val.0.is_ascii() {
      return unsafe { String::to_napi_value(env, val.0) };
    }
    let mut out = std::ptr::null_mut();
    // SAFETY: `env` is the live env of this call; the pointer and length describe `val.0`.
    let status = unsafe {
      napi::sys::napi_create_string_latin1(env, val.0.as_ptr().cast(), val.0.len() as isize, &mut out)
    };
    if status == napi::sys::Status::napi_ok {
      Ok(out)
    } else {
      unsafe { String::to_napi_value(env, val.0) }
    }
  }
}

impl napi::bindgen_prelude::TypeName for Text {
  fn type_name() -> &'static str {
    "String"
  }
  fn value_type() -> ValueType {
    ValueType::String
  }
}

/// A report field that is `null` (not absent) when unknown.
type Nullable<T> = Either<T, Null>;

fn nullable<T>(v: Option<T>) -> Nullable<T> {
  v.map_or(Either::B(Null), Either::A)
}

/// Runs an export's body so that no panic can cross into Node: a panic becomes a thrown `Error`
/// with code `ERR_INTERNAL` (its message says nothing of the input).
fn guard<T>(env: &Env, body: impl FnOnce() -> napi::Result<T>) -> napi::Result<T> {
  match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
    Ok(result) => result,
    Err(_) => Err(throw(env, &Error::Internal)),
  }
}

/// The default candidate session cookie names, in resolution order (for the JS front).
#[napi(skip_typescript)]
pub fn default_cookie_names() -> Vec<&'static str> {
  DEFAULT_COOKIE_NAMES.to_vec()
}

/// The default `maxCookies` (for the JS front).
#[napi(skip_typescript)]
pub fn default_max_cookies() -> u32 {
  Limits::default().max_cookies as u32
}

/// Proves the guard: panics inside it on purpose. Not part of the public API.
#[napi(skip_typescript)]
pub fn panic_guard_self_test(env: Env) -> napi::Result<()> {
  guard(&env, || -> napi::Result<()> { panic!("panic guard self-test") })
}

/// Throws `e` as a JS error with its code and returns the marker napi-rs expects.
fn throw(env: &Env, e: &Error) -> napi::Error {
  let message = e.to_string();
  let thrown = if e.is_type_error() {
    env.throw_type_error(&message, Some(e.code()))
  } else {
    env.throw_error(&message, Some(e.code()))
  };
  match thrown {
    Ok(()) => napi::Error::new(Status::PendingException, e.code()),
    Err(err) => err,
  }
}

fn source_error(env: &Env, e: SourceError) -> napi::Error {
  match e {
    SourceError::Invalid(e) => throw(env, &e),
    SourceError::Js(e) => e,
  }
}

/// A plain JS object's property, `None` when absent, `undefined` or `null`.
fn prop<'e>(obj: &Object<'e>, name: &str) -> napi::Result<Option<(Unknown<'e>, ValueType)>> {
  let v: Unknown = obj.get_named_property(name)?;
  Ok(match v.get_type()? {
    ValueType::Undefined | ValueType::Null => None,
    t => Some((v, t)),
  })
}

fn opt_string(obj: &Object<'_>, name: &'static str) -> Result<Option<String>, OptError> {
  match prop(obj, name)? {
    None => Ok(None),
    Some((v, ValueType::String)) => Ok(Some(unsafe { v.cast::<String>() }?)),
    Some(_) => Err(OptError::Invalid(Error::InvalidOption(name, "expected a string"))),
  }
}

fn opt_strings(obj: &Object<'_>, name: &'static str) -> Result<Option<Vec<String>>, OptError> {
  let bad = || {
    OptError::Invalid(Error::InvalidOption(
      name,
      "expected a string or an array of strings",
    ))
  };
  match prop(obj, name)? {
    None => Ok(None),
    Some((v, ValueType::String)) => Ok(Some(vec![unsafe { v.cast::<String>() }?])),
    Some((v, ValueType::Object)) => {
      let arr = unsafe { v.cast::<Object>() }?;
      if !arr.is_array()? {
        return Err(bad());
      }
      let mut out = Vec::new();
      for i in 0..arr.get_array_length()? {
        let item: Unknown = arr.get_element(i)?;
        if item.get_type()? != ValueType::String {
          return Err(bad());
        }
        out.push(unsafe { item.cast::<String>() }?);
      }
      Ok(Some(out))
    }
    Some(_) => Err(bad()),
  }
}

fn opt_number(obj: &Object<'_>, name: &'static str) -> Result<Option<f64>, OptError> {
  match prop(obj, name)? {
    None => Ok(None),
    Some((v, ValueType::Number)) => {
      let n = unsafe { v.cast::<f64>() }?;
      if n.is_finite() {
        Ok(Some(n))
      } else {
        Err(OptError::Invalid(Error::InvalidOption(
          name,
          "expected a finite number",
        )))
      }
    }
    Some(_) => Err(OptError::Invalid(Error::InvalidOption(name, "expected a number"))),
  }
}

fn opt_bool(obj: &Object<'_>, name: &'static str) -> Result<Option<bool>, OptError> {
  match prop(obj, name)? {
    None => Ok(None),
    Some((v, ValueType::Boolean)) => Ok(Some(unsafe { v.cast::<bool>() }?)),
    Some(_) => Err(OptError::Invalid(Error::InvalidOption(
      name,
      "expected a boolean",
    ))),
  }
}

enum OptError {
  Invalid(Error),
  Js(napi::Error),
}

impl From<napi::Error> for OptError {
  fn from(e: napi::Error) -> Self {
    OptError::Js(e)
  }
}

fn opt_error(env: &Env, e: OptError) -> napi::Error {
  match e {
    OptError::Invalid(e) => throw(env, &e),
    OptError::Js(e) => e,
  }
}

/// The options object, or `None` for `undefined`/`null`.
fn options_object<'e>(options: Option<Unknown<'e>>) -> Result<Option<Object<'e>>, OptError> {
  let Some(v) = options else { return Ok(None) };
  match v.get_type()? {
    ValueType::Undefined | ValueType::Null => Ok(None),
    ValueType::Object => Ok(Some(unsafe { v.cast::<Object>() }?)),
    _ => Err(OptError::Invalid(Error::InvalidOption(
      "options",
      "expected an object",
    ))),
  }
}

/// Secrets from an option, else the environment; empty strings are ignored.
fn secrets_or_env(given: Option<Vec<String>>) -> Result<Secrets, Error> {
  let secrets = Secrets::new(given);
  if secrets.list().is_empty() {
    return Err(Error::MissingSecret);
  }
  Ok(secrets)
}

fn clock(now: Option<f64>, tolerance: Option<f64>) -> Result<Clock, Error> {
  let mut c = Clock::system();
  if let Some(now) = now {
    c.now = now;
  }
  if let Some(t) = tolerance {
    if t < 0.0 {
      return Err(Error::InvalidOption(
        "clockTolerance",
        "expected a number of seconds >= 0",
      ));
    }
    c.tolerance = t;
  }
  Ok(c)
}

/// Resolution settings read from the JS options.
struct Settings {
  secrets: Secrets,
  /// Custom candidate names; `None` for the defaults.
  names: Option<Vec<String>>,
  salt: Option<String>,
  claim: String,
  clock: Clock,
  bearer: bool,
  limits: Limits,
  secure: SecureMode,
}

fn read_settings(options: Option<Unknown<'_>>) -> Result<Settings, OptError> {
  let Some(o) = options_object(options)? else {
    return Ok(Settings {
      secrets: Secrets::new(None),
      names: None,
      salt: None,
      claim: "backendToken".to_string(),
      clock: Clock::system(),
      bearer: true,
      limits: Limits::default(),
      secure: SecureMode::Auto,
    });
  };
  let names = match opt_strings(&o, "cookieName")? {
    Some(n) if n.is_empty() || n.iter().any(String::is_empty) => {
      return Err(OptError::Invalid(Error::InvalidOption(
        "cookieName",
        "expected non-empty cookie names",
      )))
    }
    n => n,
  };
  Ok(Settings {
    secrets: Secrets::new(opt_strings(&o, "secret")?),
    names,
    salt: opt_string(&o, "salt")?,
    claim: opt_string(&o, "claim")?.unwrap_or_else(|| "backendToken".to_string()),
    clock: {
      let (tolerance, now) = (opt_number(&o, "clockTolerance")?, opt_number(&o, "now")?);
      clock(now, tolerance).map_err(OptError::Invalid)?
    },
    bearer: opt_bool(&o, "bearer")?.unwrap_or(true),
    limits: read_limits(&o)?,
    secure: read_secure(&o)?,
  })
}

/// The limit options: whole numbers from 1 to 2^30.
fn read_limits(obj: &Object<'_>) -> Result<Limits, OptError> {
  let mut limits = Limits::default();
  let fields: [(&'static str, &mut usize); 5] = [
    ("maxHeaderBytes", &mut limits.max_header_bytes),
    ("maxCookies", &mut limits.max_cookies),
    ("maxChunks", &mut limits.max_chunks),
    ("maxTokenBytes", &mut limits.max_token_bytes),
    ("maxPayloadBytes", &mut limits.max_payload_bytes),
  ];
  for (name, slot) in fields {
    if let Some(n) = opt_number(obj, name)? {
      if n.fract() != 0.0 || !(1.0..=(1u64 << 30) as f64).contains(&n) {
        return Err(OptError::Invalid(Error::InvalidOption(
          name,
          "expected a whole number from 1 to 2^30",
        )));
      }
      *slot = n as usize;
    }
  }
  Ok(limits)
}

fn read_secure(obj: &Object<'_>) -> Result<SecureMode, OptError> {
  match prop(obj, "secure")? {
    None => Ok(SecureMode::Auto),
    Some((v, ValueType::Boolean)) => Ok(if unsafe { v.cast::<bool>() }? {
      SecureMode::Always
    } else {
      SecureMode::Never
    }),
    Some((v, ValueType::String)) if unsafe { v.cast::<String>() }? == "auto" => Ok(SecureMode::Auto),
    Some(_) => Err(OptError::Invalid(Error::InvalidOption(
      "secure",
      "expected true, false or \"auto\"",
    ))),
  }
}

/// What a resolution call wants besides the token.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
  /// The backend token claim.
  Claim,
  /// The whole payload.
  Payload,
  /// A report.
  Report,
}

/// Reads the source and options, checks there is a secret, resolves; `f` turns the outcome into
/// the result while the request and settings are still borrowed.
fn run<T>(
  env: &Env,
  source: Unknown<'_>,
  options: Option<Unknown<'_>>,
  want: Want,
  f: impl FnOnce(Outcome, &Settings, &resolve::Request<'_>, &[&str]) -> T,
) -> napi::Result<T> {
  let settings = read_settings(options).map_err(|e| opt_error(env, e))?;
  let names: Vec<&str> = match &settings.names {
    None => DEFAULT_COOKIE_NAMES.to_vec(),
    Some(custom) => resolve::ordered_names(custom),
  };
  let (request, deferred) = read_source(env, source, &names).map_err(|e| source_error(env, e))?;
  let read_extra = |which| deferred.as_ref().and_then(|d| d.read(which));
  let view = request.view(
    &settings.limits,
    deferred.is_some().then_some(&read_extra as resolve::ExtraReader),
  );
  let cfg = Config {
    secrets: &settings.secrets,
    names: &names,
    salt: settings.salt.as_deref(),
    claim: (want != Want::Payload).then_some(settings.claim.as_str()),
    clock: settings.clock,
    bearer: settings.bearer,
    limits: settings.limits,
    secure: settings.secure,
    env: |name| std::env::var(name).ok(),
    diagnose: want == Want::Report,
  };
  let outcome = resolve::resolve(&view, &cfg).map_err(|e| throw(env, &e))?;
  Ok(f(outcome, &settings, &view, &names))
}

/// The backend token claim of the session, or `null`.
#[napi(skip_typescript)]
pub fn get_backend_token(env: Env, source: Unknown, options: Option<Unknown>) -> napi::Result<Option<Text>> {
  guard(&env, move || {
    run(&env, source, options, Want::Claim, |outcome, _, _, _| {
      outcome.found.ok().and_then(|f| f.claim?.ok()).map(Text)
    })
  })
}

/// The whole decrypted session payload as JSON text (parsed by the JS front), or `null`.
#[napi(skip_typescript)]
pub fn get_token_json(env: Env, source: Unknown, options: Option<Unknown>) -> napi::Result<Option<Text>> {
  guard(&env, move || {
    run(&env, source, options, Want::Payload, |outcome, _, _, _| {
      outcome.found.ok().map(|f| Text(f.payload))
    })
  })
}

/// Why `getBackendToken`/`getToken` give what they give: the same resolution, as a report.
#[napi(skip_typescript)]
pub fn inspect_token(env: Env, source: Unknown, options: Option<Unknown>) -> napi::Result<TokenReport> {
  guard(&env, move || {
    run(&env, source, options, Want::Report, |outcome, _, view, names| {
      let reason = match &outcome.found {
        Err(r) => *r,
        Ok(found) => match &found.claim {
          Some(Err(r)) => *r,
          _ => Reason::Ok,
        },
      };
      let decisive = outcome.decisive.as_ref();
      let info = decisive.map(|a| &a.info);
      let (protocol, protocol_from) = outcome.protocol.unwrap_or((Protocol::Unknown, None));
      TokenReport {
        ok: reason == Reason::Ok,
        reason: reason.code().to_string(),
        hint: reason.hint().to_string(),
        cookie_name: nullable(
          decisive
            .filter(|a| a.origin == Origin::Cookie || a.reason == Reason::Ok)
            .map(|a| a.name.clone()),
        ),
        from: nullable(decisive.map(|a| match a.origin {
          Origin::Cookie => "cookie".to_string(),
          Origin::Bearer => "bearer".to_string(),
        })),
        format: nullable(info.and_then(|i| i.format).map(str::to_string)),
        enc: nullable(info.and_then(|i| i.enc).map(|e| e.name().to_string())),
        chunks: decisive.map_or(0, |a| a.chunks as u32),
        secret_index: nullable(info.and_then(|i| i.secret_index).map(|i| i as u32)),
        protocol: protocol.name().to_string(),
        protocol_from: nullable(protocol_from.map(|p| p.name().to_string())),
        present_cookies: view.jar.names().map(str::to_string).collect(),
        checked_names: names.iter().map(|n| n.to_string()).collect(),
        rejected: outcome
          .rejected
          .iter()
          .map(|a| RejectedCookie {
            name: a.name.clone(),
            reason: a.reason.code().to_string(),
          })
          .collect(),
        issued_at: nullable(info.and_then(|i| i.issued_at)),
        expires_at: nullable(info.and_then(|i| i.expires_at)),
        claims: info.map(|i| i.claim_names.clone()).unwrap_or_default(),
      }
    })
  })
}

fn params_object<'e>(params: Unknown<'e>, what: &'static str) -> Result<Object<'e>, OptError> {
  match params.get_type()? {
    ValueType::Object => Ok(unsafe { params.cast::<Object>() }?),
    _ => Err(OptError::Invalid(Error::InvalidOption(
      what,
      "expected an object",
    ))),
  }
}

/// `decode` (declared in `src/overloads.d.ts`): the payload as validated JSON text, parsed by the
/// JS front with `JSON.parse` so any nesting the issuers accept comes back whole.
#[napi(skip_typescript)]
pub fn decode_json(env: Env, params: Unknown) -> napi::Result<Option<String>> {
  guard(&env, move || {
    let read = || -> Result<_, OptError> {
      let p = params_object(params, "decode params")?;
      Ok((
        opt_string(&p, "token")?,
        opt_strings(&p, "secret")?,
        opt_string(&p, "salt")?,
        opt_number(&p, "now")?,
        opt_number(&p, "clockTolerance")?,
      ))
    };
    let (token, secret, salt, now, tolerance) = read().map_err(|e| opt_error(&env, e))?;
    let secrets = secrets_or_env(secret).map_err(|e| throw(&env, &e))?;
    let clock = clock(now, tolerance).map_err(|e| throw(&env, &e))?;
    let Some(token) = token.filter(|t| t.len() <= Limits::default().max_token_bytes) else {
      return Ok(None);
    };
    let salt = salt.unwrap_or_default();
    let Ok(jwe) = jwe::parse(&token) else {
      return Ok(None);
    };
    let Some((payload, _)) = resolve::decrypt_with(&jwe, secrets.list(), &salt, &salt) else {
      return Ok(None);
    };
    let Ok(scan) = claims::scan(&payload, None, Limits::default().max_payload_bytes) else {
      return Ok(None);
    };
    if claims::check_scanned_times(&scan, clock).is_err() {
      return Ok(None);
    }
    Ok(String::from_utf8(payload).ok())
  })
}

/// Encrypts claims exactly as `@auth/core` `encode` (`format: "authjs-v5"`) or next-auth@4
/// `encode` (`format: "next-auth-v4"`) does: what this encodes, they decode, and the reverse.
#[napi(ts_args_type = "params: EncodeParams")]
pub fn encode(env: Env, params: Unknown) -> napi::Result<String> {
  guard(&env, move || {
    let read = || -> Result<_, OptError> {
      let p = params_object(params, "encode params")?;
      let token = match prop(&p, "token")? {
        // napi's conversion bounds nesting depth; any failure is reported by name, never echoed.
        Some((v, ValueType::Object)) => unsafe { v.cast::<Value>() }.map_err(|_| {
          OptError::Invalid(Error::InvalidOption(
            "token",
            "expected plain JSON claims (no BigInt, cycles or deep nesting)",
          ))
        })?,
        _ => {
          return Err(OptError::Invalid(Error::InvalidOption(
            "token",
            "expected an object of claims",
          )))
        }
      };
      Ok((
        token,
        opt_strings(&p, "secret")?,
        opt_string(&p, "salt")?,
        opt_number(&p, "maxAge")?,
        opt_string(&p, "format")?,
        opt_string(&p, "enc")?,
      ))
    };
    let (token, secret, salt, max_age, format, enc) = read().map_err(|e| opt_error(&env, e))?;
    let fail = |e: Error| throw(&env, &e);
    let Value::Object(mut claims) = token else {
      return Err(fail(Error::InvalidOption(
        "token",
        "expected an object of claims",
      )));
    };
    let secrets = secrets_or_env(secret).map_err(fail)?;
    let format = match format.as_deref() {
      None | Some("authjs-v5") => Format::AuthjsV5,
      Some("next-auth-v4") => Format::NextAuthV4,
      Some(_) => {
        return Err(fail(Error::InvalidOption(
          "format",
          "expected \"authjs-v5\" or \"next-auth-v4\"",
        )))
      }
    };
    let enc = match (format, enc.as_deref()) {
      (Format::NextAuthV4, None | Some("A256GCM")) => Enc::A256Gcm,
      (Format::NextAuthV4, Some(_)) => {
        return Err(fail(Error::InvalidOption(
          "enc",
          "next-auth-v4 tokens use A256GCM",
        )))
      }
      (Format::AuthjsV5, None) => Enc::A256CbcHs512,
      (Format::AuthjsV5, Some(name)) => Enc::from_name(name).ok_or_else(|| {
        fail(Error::InvalidOption(
          "enc",
          "expected \"A256CBC-HS512\" or \"A256GCM\"",
        ))
      })?,
    };
    let salt = match (format, salt) {
      (Format::AuthjsV5, None) => {
        return Err(fail(Error::InvalidOption(
          "salt",
          "Auth.js v5 tokens need the cookie name as salt",
        )))
      }
      (_, s) => s.unwrap_or_default(),
    };
    let max_age = max_age.unwrap_or(30.0 * 24.0 * 60.0 * 60.0);
    let now = Clock::system().now;
    claims.insert("iat".into(), Value::from(now as i64));
    claims.insert("exp".into(), Value::from((now + max_age).floor() as i64));
    claims.insert("jti".into(), Value::from(uuid_v4()));
    let payload = serde_json::to_vec(&claims).map_err(|_| fail(Error::EncryptFailed))?;
    let key = keys::cached(
      format,
      enc,
      secrets
        .list()
        .first()
        .ok_or_else(|| fail(Error::MissingSecret))?
        .as_bytes(),
      &salt,
    )
    .ok_or_else(|| fail(Error::EncryptFailed))?;
    let kid = (format == Format::AuthjsV5).then_some(key.kid.as_str());
    jwe::encrypt(&payload, &key, kid).map_err(fail)
  })
}

fn uuid_v4() -> String {
  let mut b = josekit::util::random_bytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
  format!(
    "{}-{}-{}-{}-{}",
    &hex[0..8],
    &hex[8..12],
    &hex[12..16],
    &hex[16..20],
    &hex[20..32]
  )
}
