//! Turning whatever the caller holds into cookie headers, cookie pairs and an Authorization header.
//!
//! Accepted: a Cookie header string; `undefined`/`null` (no cookies); anything with `.headers`
//! (`Request`, `NextRequest`, Node `IncomingMessage`, Express `req`), whose headers are a `Headers`
//! or a plain record of `string | string[]`; a `Headers`-like object with `get()`; a cookie store
//! with `getAll()` (`next/headers` `cookies()`, `NextRequest.cookies`); a plain record of cookie
//! names to values (`req.cookies`). Anything else is an `ERR_INVALID_SOURCE` TypeError.

use napi::bindgen_prelude::JsObjectValue;
use napi::bindgen_prelude::{Function, Object, Unknown};
use napi::{Env, JsValue, ValueType};

use crate::error::Error;
use crate::resolve::{is_candidate, Extra, OwnedRequest};

/// A conversion failure: our own coded error, or an exception a caller's getter threw.
pub enum SourceError {
  Invalid(Error),
  Js(napi::Error),
}

impl From<napi::Error> for SourceError {
  fn from(e: napi::Error) -> Self {
    SourceError::Js(e)
  }
}

type Result<T> = std::result::Result<T, SourceError>;

fn invalid(what: &'static str) -> SourceError {
  SourceError::Invalid(Error::InvalidSource(what))
}

/// A JS string as a Rust `String`. Headers are ASCII in practice: when the UTF-8 length equals the
/// character count the string is pure ASCII, and the Latin-1 copy (nearly a memcpy) is exact;
/// otherwise the UTF-8 conversion is used.
fn read_string(value: Unknown<'_>) -> napi::Result<String> {
  use napi::sys;
  let raw = value.value();
  let (env, v) = (raw.env, raw.value);
  // The UTF-16 form is exact for every string and its length is known without a scan. When every
  // code unit is ASCII, narrowing it is the string; otherwise napi's UTF-8 conversion is used.
  // (A Latin-1 copy would not do: V8 keeps only the low byte of characters above U+00FF, and
  // U+015F would read as '_'.)
  // SAFETY (both calls): `v` is a live string handle (the caller checked its type) in this
  // callback's scope; a null buffer asks only for the length; the buffer has room for `len` units
  // plus the NUL napi writes; `set_len` covers only units napi wrote.
  let mut len = 0usize;
  if unsafe { sys::napi_get_value_string_utf16(env, v, std::ptr::null_mut(), 0, &mut len) }
    != sys::Status::napi_ok
  {
    return unsafe { value.cast::<String>() };
  }
  let mut units: Vec<u16> = Vec::with_capacity(len + 1);
  let mut written = 0usize;
  let status = unsafe { sys::napi_get_value_string_utf16(env, v, units.as_mut_ptr(), len + 1, &mut written) };
  if status != sys::Status::napi_ok || written > len {
    return unsafe { value.cast::<String>() };
  }
  unsafe { units.set_len(written) };
  // Branch-free forms the compiler vectorises: an OR over all units, then a narrowing copy.
  if units.iter().fold(0u16, |acc, &u| acc | u) < 0x80 {
    let bytes: Vec<u8> = units.iter().map(|&u| u as u8).collect();
    // SAFETY: every byte is ASCII, which is valid UTF-8.
    return Ok(unsafe { String::from_utf8_unchecked(bytes) });
  }
  unsafe { value.cast::<String>() }
}

/// The rest of a request's headers, read only if resolution asks (see [`Extra`]).
pub struct Deferred<'e> {
  env: Env,
  /// The request object, for its `url`.
  request: Option<Object<'e>>,
  headers: Object<'e>,
  get: Option<Function<'e, Unknown<'e>, Unknown<'e>>>,
}

impl Deferred<'_> {
  /// The value, or `None` when absent, not a string, or when reading it threw (the exception
  /// stays pending and reaches the caller).
  pub fn read(&self, which: Extra) -> Option<String> {
    let value: Unknown = match which {
      Extra::Url => self.request.as_ref()?.get_named_property("url").ok()?,
      _ => {
        let name = match which {
          Extra::Authorization => "authorization",
          Extra::XForwardedProto => "x-forwarded-proto",
          _ => "forwarded",
        };
        match &self.get {
          Some(get) => get
            .apply(self.headers, self.env.create_string(name).ok()?.to_unknown())
            .ok()?,
          None => self.headers.get_named_property(name).ok()?,
        }
      }
    };
    let mut values = Vec::new();
    read_header_value(value, &mut values).ok()?;
    values.into_iter().next()
  }
}

/// Reads the cookies of `value` now, and returns a handle to its other headers when it has any.
/// Values of cookies whose names cannot be session cookies (`names`) are not read.
pub fn read_source<'e>(
  env: &Env,
  value: Unknown<'e>,
  names: &[&str],
) -> Result<(OwnedRequest, Option<Deferred<'e>>)> {
  let mut out = OwnedRequest::default();
  let deferred = match value.get_type()? {
    ValueType::Undefined | ValueType::Null => None,
    ValueType::String => {
      out.cookie_headers.push(read_string(value)?);
      None
    }
    // SAFETY: the type was checked just above.
    ValueType::Object => read_object(env, unsafe { value.cast::<Object>() }?, &mut out, names)?,
    ValueType::Number => return Err(invalid("a number")),
    ValueType::Boolean => return Err(invalid("a boolean")),
    ValueType::BigInt => return Err(invalid("a bigint")),
    ValueType::Symbol => return Err(invalid("a symbol")),
    ValueType::Function => return Err(invalid("a function")),
    _ => return Err(invalid("an unsupported value")),
  };
  Ok((out, deferred))
}

fn read_object<'e>(
  env: &Env,
  obj: Object<'e>,
  out: &mut OwnedRequest,
  names: &[&str],
) -> Result<Option<Deferred<'e>>> {
  if obj.is_array()? {
    return Err(invalid("an array"));
  }
  let headers: Unknown = obj.get_named_property("headers")?;
  if headers.get_type()? == ValueType::Object {
    // A request: its Cookie header is complete (every chunk). Its parsed cookies, when it has them
    // (`NextRequest.cookies`, Express `req.cookies`), are read only if the header is missing.
    let deferred = read_headers(env, unsafe { headers.cast::<Object>() }?, Some(obj), out)?;
    if out.cookie_headers.is_empty() {
      let cookies: Unknown = obj.get_named_property("cookies")?;
      if cookies.get_type()? == ValueType::Object {
        let cookies = unsafe { cookies.cast::<Object>() }?;
        if !read_store(env, &cookies, out, names)? {
          read_record(&cookies, out, names)?;
        }
      }
    }
    return Ok(Some(deferred));
  }
  if read_store(env, &obj, out, names)? {
    return Ok(None);
  }
  if function::<Unknown>(&obj, "get")?.is_some() {
    return read_headers(env, obj, None, out).map(Some);
  }
  read_record(&obj, out, names)?;
  Ok(None)
}

fn function<'e, Args: napi::bindgen_prelude::JsValuesTupleIntoVec>(
  obj: &Object<'e>,
  name: &str,
) -> Result<Option<Function<'e, Args, Unknown<'e>>>> {
  let v: Unknown = obj.get_named_property(name)?;
  Ok(if v.get_type()? == ValueType::Function {
    Some(unsafe { v.cast() }?)
  } else {
    None
  })
}

/// A `Headers`-like object (`get(name)`) or a plain record of header values: the Cookie header
/// now, the others on demand.
fn read_headers<'e>(
  env: &Env,
  headers: Object<'e>,
  request: Option<Object<'e>>,
  out: &mut OwnedRequest,
) -> Result<Deferred<'e>> {
  let get = function::<Unknown>(&headers, "get")?;
  let cookie = match &get {
    Some(get) => get.apply(headers, env.create_string("cookie")?.to_unknown())?,
    None => headers.get_named_property::<Unknown>("cookie")?,
  };
  read_header_value(cookie, &mut out.cookie_headers)?;
  Ok(Deferred {
    env: *env,
    request,
    headers,
    get,
  })
}

/// A header value: a string, or (Node) an array of strings.
fn read_header_value(v: Unknown<'_>, into: &mut Vec<String>) -> Result<()> {
  match v.get_type()? {
    ValueType::String => into.push(read_string(v)?),
    ValueType::Object => {
      let obj = unsafe { v.cast::<Object>() }?;
      if obj.is_array()? {
        for i in 0..obj.get_array_length()? {
          let item: Unknown = obj.get_element(i)?;
          if item.get_type()? == ValueType::String {
            into.push(read_string(item)?);
          }
        }
      }
    }
    _ => {}
  }
  Ok(())
}

/// A cookie store: `getAll()` returning `{ name, value }[]`. Returns false when `obj` has no
/// `getAll`.
fn read_store(env: &Env, obj: &Object<'_>, out: &mut OwnedRequest, names: &[&str]) -> Result<bool> {
  let Some(get_all) = function::<()>(obj, "getAll")? else {
    return Ok(false);
  };
  let list = get_all.apply(*obj, ())?;
  let not_array = || invalid("a cookie store whose getAll() did not return an array");
  if list.get_type()? != ValueType::Object {
    return Err(not_array());
  }
  let list = unsafe { list.cast::<Object>() }?;
  if !list.is_array()? {
    return Err(not_array());
  }
  // Four Node-API calls per cookie that cannot be a session cookie: the element, its type, its
  // `name` (by a key made once), and the name's bytes (into a stack buffer). Wrong types show as
  // failed statuses and are skipped.
  let (name_key, value_key) = (env.create_string("name")?, env.create_string("value")?);
  let raw_env = env.raw();
  let list_raw = list.value().value;
  for i in 0..list.get_array_length()? {
    let Some(item) = raw_get_element(raw_env, list_raw, i) else {
      continue;
    };
    if !raw_is_object(raw_env, item) {
      continue; // `napi_get_property` would coerce, and throw on null/undefined.
    }
    let Some(name) =
      raw_get_property(raw_env, item, name_key.raw()).and_then(|v| raw_short_string(raw_env, v))
    else {
      continue;
    };
    let value = if is_candidate(&name, names) {
      let Some(value) = raw_get_property(raw_env, item, value_key.raw()) else {
        continue;
      };
      // SAFETY: `value` is a live handle in this callback's scope.
      let value = unsafe { Unknown::from_raw_unchecked(raw_env, value) };
      if value.get_type()? != ValueType::String {
        continue;
      }
      read_string(value)?
    } else {
      String::new()
    };
    out.cookie_pairs.push((name, value));
  }
  Ok(true)
}

fn raw_get_element(
  env: napi::sys::napi_env,
  array: napi::sys::napi_value,
  i: u32,
) -> Option<napi::sys::napi_value> {
  let mut out = std::ptr::null_mut();
  // SAFETY: `array` is a live array handle in this callback's scope.
  let status = unsafe { napi::sys::napi_get_element(env, array, i, &mut out) };
  (status == napi::sys::Status::napi_ok).then_some(out)
}

fn raw_is_object(env: napi::sys::napi_env, v: napi::sys::napi_value) -> bool {
  let mut t = 0;
  // SAFETY: `v` is a live handle in this callback's scope.
  let status = unsafe { napi::sys::napi_typeof(env, v, &mut t) };
  status == napi::sys::Status::napi_ok && t == napi::sys::ValueType::napi_object
}

fn raw_get_property(
  env: napi::sys::napi_env,
  obj: napi::sys::napi_value,
  key: napi::sys::napi_value,
) -> Option<napi::sys::napi_value> {
  let mut out = std::ptr::null_mut();
  // SAFETY: live handles in this callback's scope. A non-object gives `napi_object_expected`
  // without a pending exception; a throwing getter leaves its exception pending for the caller.
  let status = unsafe { napi::sys::napi_get_property(env, obj, key, &mut out) };
  (status == napi::sys::Status::napi_ok).then_some(out)
}

/// A short string's content in one call (into a stack buffer); `None` if it is not a string.
/// Longer strings fall back to [`read_string`].
fn raw_short_string(env: napi::sys::napi_env, v: napi::sys::napi_value) -> Option<String> {
  let mut buf = [0u8; 256];
  let mut written = 0usize;
  // SAFETY: `buf` has room for 255 bytes and the NUL; `v` is a live handle.
  let status = unsafe {
    napi::sys::napi_get_value_string_utf8(env, v, buf.as_mut_ptr().cast(), buf.len(), &mut written)
  };
  if status != napi::sys::Status::napi_ok {
    return None;
  }
  if written < buf.len() - 1 {
    return std::str::from_utf8(buf.get(..written)?).ok().map(str::to_string);
  }
  // SAFETY: `v` is a live string handle.
  read_string(unsafe { Unknown::from_raw_unchecked(env, v) }).ok()
}

/// A plain record of cookie name → value; non-string values (cookie-parser's JSON cookies) are
/// skipped.
fn read_record(obj: &Object<'_>, out: &mut OwnedRequest, names: &[&str]) -> Result<()> {
  for name in Object::keys(obj)? {
    if !is_candidate(&name, names) {
      out.cookie_pairs.push((name, String::new()));
      continue;
    }
    let value: Unknown = obj.get_named_property(&name)?;
    if value.get_type()? == ValueType::String {
      out.cookie_pairs.push((name, read_string(value)?));
    }
  }
  Ok(())
}
