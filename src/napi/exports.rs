//! The `#[napi]` surface. Each export converts its arguments, calls the core, converts the result;
//! nothing here decides anything about tokens. The public JavaScript API is `index.js`, which
//! builds on these.

use napi::bindgen_prelude::{Either, External, JsObjectValue, Unknown};
use napi::{Env, ValueType};
use napi_derive::napi;
use serde_json::Value as Json;

use super::sources::read_source;
use super::values::{guarded, object_or_absent, option_value, read_options, Failure, Result, Text};
use crate::claims::Clock;
use crate::error::Error;
use crate::options::{Options, Value, TABLE};
use crate::report::TokenReport;
use crate::resolve::{self, Outcome, Request, Session, Want};
use crate::secrets::Keyring;
use crate::token::{self, DecodeParams};

/// Options read and validated once (`compile`): every resolution through them reads no option
/// again. `index.js` keeps them for `createResolver` and its per-call options cache.
pub struct Compiled {
  opts: Options,
}

/// Reads and validates options. `settle`: `createResolver`'s stricter start-up checks (the
/// secrets must exist now and be long enough).
#[napi(skip_typescript)]
pub fn compile(env: Env, options: Option<Unknown>, settle: Option<bool>) -> napi::Result<External<Compiled>> {
  guarded(&env, || {
    let mut opts = read_options(options)?;
    if settle == Some(true) {
      opts.settle_secrets()?;
    }
    Ok(External::new(Compiled { opts }))
  })
}

/// What the JS front needs to know of compiled options ([`Options::front_info`]).
#[napi(skip_typescript)]
pub fn compiled_info(compiled: &External<Compiled>) -> Json {
  // The core writes it as JSON (the WebAssembly build hands that text over as it is).
  serde_json::from_str(&compiled.opts.front_info()).unwrap_or(Json::Null)
}

/// The backend token claim of the session, or `null`.
#[napi(skip_typescript)]
pub fn backend_token(env: Env, compiled: &External<Compiled>, source: Unknown) -> napi::Result<Option<Text>> {
  guarded(&env, || {
    run(&env, &compiled.opts, source, Want::Claim, |outcome, _| {
      outcome.found.ok()?.token()?.claim?.ok().map(Text)
    })
  })
}

/// The whole decrypted payload as JSON text (parsed by the JS front), or `null`.
#[napi(skip_typescript)]
pub fn token_json(env: Env, compiled: &External<Compiled>, source: Unknown) -> napi::Result<Option<Text>> {
  guarded(&env, || {
    run(&env, &compiled.opts, source, Want::Payload, |outcome, _| {
      outcome.found.ok()?.token().map(|f| Text(f.payload))
    })
  })
}

/// A session of either strategy, for `getSession`: `null`; with an adapter, the id of a database
/// session (a string; ids only come from cookies, never a Bearer header) for the JS side to look
/// up; or `{ from, payload, claim }` for a JWT session (`payload` the JSON text, `claim` the backend
/// token claim or `null`).
#[napi(skip_typescript)]
pub fn session(env: Env, compiled: &External<Compiled>, source: Unknown) -> napi::Result<Either<Text, Json>> {
  guarded(&env, || {
    run(&env, &compiled.opts, source, Want::Session, |outcome, _| {
      let from = outcome.decisive.as_ref().map(|a| a.origin.as_str());
      match outcome.found {
        Err(_) => Either::B(Json::Null),
        Ok(Session::Id(id)) => Either::A(Text(id.0)),
        Ok(Session::Token(found)) => Either::B(serde_json::json!({
          "from": from,
          "payload": found.payload,
          "claim": found.claim.and_then(|c| c.ok()),
        })),
      }
    })
  })
}

/// Whether a request's CSRF cookie value and header token are Auth.js's double-submit pair,
/// signed with one of the configured secrets (the environment's when none were given).
#[napi(skip_typescript)]
pub fn csrf_matches(
  env: Env,
  compiled: &External<Compiled>,
  cookie_value: String,
  header_token: String,
) -> napi::Result<bool> {
  guarded(&env, || {
    let keyring = Keyring::new(&compiled.opts.secret);
    Ok(crate::csrf::double_submit_ok(
      &cookie_value,
      &header_token,
      keyring.list(),
    ))
  })
}

/// Hands in the environment variables the core reads, as name/value pairs (for runtimes whose
/// `process.env` is not the C environment: Bun).
#[napi(skip_typescript)]
pub fn give_env(env: Env, pairs: Vec<String>) -> napi::Result<()> {
  guarded(&env, || {
    let vars = pairs
      .chunks_exact(2)
      .map(|p| (p[0].clone(), p[1].clone()))
      .collect();
    crate::host::give_env(vars);
    Ok(())
  })
}

/// The CSRF cookie names, in the order they are looked for.
#[napi(skip_typescript)]
pub fn csrf_cookie_names() -> Vec<&'static str> {
  crate::csrf::CSRF_COOKIE_NAMES.to_vec()
}

/// The hint of a reason code (for the reasons decided in JavaScript, after an adapter lookup).
#[napi(skip_typescript)]
pub fn reason_hint(code: String) -> Option<&'static str> {
  crate::error::Reason::ALL
    .iter()
    .find(|r| r.as_str() == code)
    .map(|r| r.hint())
}

/// The same resolution, as a report.
#[napi(skip_typescript)]
pub fn report(env: Env, compiled: &External<Compiled>, source: Unknown) -> napi::Result<TokenReport> {
  let opts = &compiled.opts;
  guarded(&env, || {
    run(&env, opts, source, Want::Report, |outcome, req| {
      TokenReport::new(&outcome, &req.jar, opts)
    })
  })
}

/// Reads the source, resolves, and hands the outcome to `f` while the request is borrowed.
fn run<T>(
  env: &Env,
  opts: &Options,
  source: Unknown<'_>,
  want: Want,
  f: impl FnOnce(Outcome, &Request<'_>) -> T,
) -> Result<T> {
  let (cookies, deferred) = read_source(env, source, opts)?;
  let read_extra = |which| deferred.as_ref().and_then(|d| d.read(which));
  let request = Request {
    jar: cookies.jar(&opts.limits()),
    extra: deferred.is_some().then_some(&read_extra as resolve::ExtraReader),
  };
  let outcome = resolve::resolve(&request, opts, want)?;
  Ok(f(outcome, &request))
}

/// The names of every option, in table order.
#[napi(skip_typescript)]
pub fn option_names() -> Vec<&'static str> {
  TABLE.iter().map(|s| s.name).collect()
}

/// Reads the named fields of a parameters object.
fn fields<'e, const N: usize>(
  params: Unknown<'e>,
  what: &'static str,
  names: [&str; N],
) -> Result<[Unknown<'e>; N]> {
  let Some(obj) = object_or_absent(Some(params), what)? else {
    return Err(Error::InvalidOption(what, "expected an object").into());
  };
  let mut out = Vec::with_capacity(N);
  for name in names {
    out.push(obj.get_named_property::<Unknown>(name)?);
  }
  Ok(
    out
      .try_into()
      .unwrap_or_else(|_| unreachable!("one value per name")),
  )
}

/// A parameter parsed with an option's parser (same messages, same codes).
fn as_option(name: &'static str, v: Unknown<'_>) -> Result<Options> {
  let mut o = Options::default();
  o.set(name, option_value(v)?)?;
  Ok(o)
}

fn optional_string(name: &'static str, v: Unknown<'_>) -> Result<Option<String>> {
  match option_value(v)? {
    Value::Absent => Ok(None),
    Value::Str(s) => Ok(Some(s)),
    _ => Err(Error::InvalidOption(name, "expected a string").into()),
  }
}

/// `decode` (declared in `src/overloads.d.ts`): the payload as validated JSON text, parsed by the
/// JS front with `JSON.parse` so any nesting the issuers accept comes back whole.
#[napi(skip_typescript)]
pub fn decode_json(env: Env, params: Unknown) -> napi::Result<Option<Text>> {
  guarded(&env, || {
    let [token, secret, salt, now, tolerance] = fields(
      params,
      "decode params",
      ["token", "secret", "salt", "now", "clockTolerance"],
    )?;
    let token = optional_string("token", token)?;
    let secrets = as_option("secret", secret)?.secret;
    let keyring = Keyring::new(&secrets);
    let mut clock = Clock::system();
    if let Some(n) = as_option("now", now)?.now {
      clock.now = n;
    }
    if tolerance.get_type()? != ValueType::Undefined {
      clock.tolerance = as_option("clockTolerance", tolerance)?.clock_tolerance;
    }
    let salt = optional_string("salt", salt)?.unwrap_or_default();
    let params = DecodeParams {
      token: token.as_deref(),
      secrets: keyring.list(),
      salt: &salt,
      clock,
    };
    Ok(token::decode(&params)?.map(Text))
  })
}

/// Encrypts claims exactly as `@auth/core` `encode` or next-auth@4 `encode` does.
#[napi(skip_typescript)]
pub fn encode(env: Env, params: Unknown) -> napi::Result<String> {
  guarded(&env, || {
    let [claims, secret, salt, max_age, format, enc] = fields(
      params,
      "encode params",
      ["token", "secret", "salt", "maxAge", "format", "enc"],
    )?;
    let bad_claims = |_| {
      Failure::Coded(Error::InvalidOption(
        "token",
        "expected plain JSON claims (no BigInt, cycles or deep nesting)",
      ))
    };
    let not_claims = || Failure::Coded(Error::InvalidOption("token", "expected an object of claims"));
    if claims.get_type()? != ValueType::Object {
      return Err(not_claims());
    }
    // SAFETY: `claims` is a live object handle. napi's conversion bounds nesting depth; a failure
    // is reported by name, never echoed.
    let claims = unsafe { claims.cast::<Json>() }.map_err(bad_claims)?;
    if !claims.is_object() {
      return Err(not_claims());
    }
    let claims = claims.to_string();
    let secrets = as_option("secret", secret)?.secret;
    let max_age = match option_value(max_age)? {
      Value::Absent => None,
      Value::Number(n) if n.is_finite() => Some(n),
      _ => return Err(Error::InvalidOption("maxAge", "expected a finite number").into()),
    };
    let (salt, format, enc) = (
      optional_string("salt", salt)?,
      optional_string("format", format)?,
      optional_string("enc", enc)?,
    );
    Ok(token::encode_now(
      &claims,
      &secrets,
      salt.as_deref(),
      max_age,
      format.as_deref(),
      enc.as_deref(),
    )?)
  })
}

/// Proves the panic guard by panicking inside it. Only in builds with the `test-hooks` feature.
#[cfg(feature = "test-hooks")]
#[napi]
pub fn panic_guard_self_test(env: Env) -> napi::Result<()> {
  guarded(&env, || -> Result<()> { panic!("panic guard self-test") })
}
