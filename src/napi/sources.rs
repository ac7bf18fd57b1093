//! Turning whatever the caller holds into cookies and, on demand, its other headers.
//!
//! Accepted: a Cookie header string; `undefined`/`null` (no cookies); anything with `.headers`
//! (`Request`, `NextRequest`, Node `IncomingMessage`, Express `req`), whose headers are a `Headers`
//! or a plain record of `string | string[]`; a `Headers`-like object with `get()`; a cookie store
//! with `getAll()` (`next/headers` `cookies()`, `NextRequest.cookies`); a plain record of cookie
//! names to values (`req.cookies`). Anything else is an `ERR_INVALID_SOURCE` TypeError.
//!
//! Sizes are checked before a string is copied out of V8; values of cookies whose names cannot
//! be session cookies are never read.

use napi::bindgen_prelude::{Function, JsObjectValue, JsValuesTupleIntoVec, Object, Unknown};
use napi::{Env, JsValue, ValueType};

use super::values::{read_string, Failure, Result};
use crate::cookies::{is_candidate, OwnedCookies};
use crate::error::Error;
use crate::options::Options;
use crate::resolve::Extra;

fn invalid(what: &'static str) -> Failure {
  Failure::Coded(Error::InvalidSource(what))
}

/// Reads the cookies of one source, within the limits of `opts`.
struct Reader<'o> {
  opts: &'o Options,
  out: OwnedCookies,
  /// UTF-16 units of Cookie headers read so far (a lower bound of their bytes).
  header_units: usize,
}

impl Reader<'_> {
  /// A Cookie header, unless the headers together would be over `maxHeaderBytes`.
  fn header(&mut self, v: Unknown<'_>) -> napi::Result<()> {
    let room = self.opts.max_header_bytes.saturating_sub(self.header_units);
    match read_string(v, room)? {
      Some(h) => {
        self.header_units += h.len();
        self.out.headers.push(h);
      }
      None => self.out.oversized = true,
    }
    Ok(())
  }

  /// One parsed cookie. Only a candidate's value is read, and only when it is a string no longer
  /// than `maxTokenBytes`. Returns false once `maxCookies` are read.
  fn pair<'v>(
    &mut self,
    name: String,
    value: impl FnOnce() -> napi::Result<Unknown<'v>>,
  ) -> napi::Result<bool> {
    if self.out.pairs.len() > self.opts.max_cookies {
      return Ok(false);
    }
    if !is_candidate(&name, &self.opts.cookie_name) {
      self.out.pairs.push((name, String::new()));
      return Ok(true);
    }
    let value = value()?;
    if value.get_type()? != ValueType::String {
      return Ok(true); // cookie-parser's JSON cookies and the like are not session cookies.
    }
    match read_string(value, self.opts.max_token_bytes)? {
      Some(v) => self.out.pairs.push((name, v)),
      None => self.out.oversized = true,
    }
    Ok(true)
  }
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
      Extra::TlsSocket => {
        let socket: Unknown = self.request.as_ref()?.get_named_property("socket").ok()?;
        if socket.get_type().ok()? != ValueType::Object {
          return None;
        }
        // SAFETY: the type was checked.
        let socket = unsafe { socket.cast::<Object>() }.ok()?;
        let encrypted: Unknown = socket.get_named_property("encrypted").ok()?;
        // SAFETY: `get_type` is a boolean check before the cast.
        let yes =
          encrypted.get_type().ok()? == ValueType::Boolean && unsafe { encrypted.cast::<bool>() }.ok()?;
        return yes.then(|| "true".to_string());
      }
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
    first_string(value).ok()?
  }
}

/// A header value's first string: the string, or (Node) the first string of an array.
fn first_string(v: Unknown<'_>) -> napi::Result<Option<String>> {
  // Only the Cookie header is bounded by an option; the others are bounded here.
  const MAX_OTHER_HEADER: usize = 64 * 1024;
  match v.get_type()? {
    ValueType::String => read_string(v, MAX_OTHER_HEADER),
    ValueType::Object => {
      // SAFETY: the type was checked.
      let obj = unsafe { v.cast::<Object>() }?;
      if obj.is_array()? && obj.get_array_length()? > 0 {
        let item: Unknown = obj.get_element(0)?;
        if item.get_type()? == ValueType::String {
          return read_string(item, MAX_OTHER_HEADER);
        }
      }
      Ok(None)
    }
    _ => Ok(None),
  }
}

/// Reads the cookies of `value` now, and returns a handle to its other headers when it has any.
pub fn read_source<'e>(
  env: &Env,
  value: Unknown<'e>,
  opts: &Options,
) -> Result<(OwnedCookies, Option<Deferred<'e>>)> {
  let mut r = Reader {
    opts,
    out: OwnedCookies::default(),
    header_units: 0,
  };
  let deferred = match value.get_type()? {
    ValueType::Undefined | ValueType::Null => None,
    ValueType::String => {
      r.header(value)?;
      None
    }
    // SAFETY: the type was checked just above.
    ValueType::Object => r.object(env, unsafe { value.cast::<Object>() }?)?,
    ValueType::Number => return Err(invalid("a number")),
    ValueType::Boolean => return Err(invalid("a boolean")),
    ValueType::BigInt => return Err(invalid("a bigint")),
    ValueType::Symbol => return Err(invalid("a symbol")),
    ValueType::Function => return Err(invalid("a function")),
    _ => return Err(invalid("an unsupported value")),
  };
  Ok((r.out, deferred))
}

fn function<'e, Args: JsValuesTupleIntoVec>(
  obj: &Object<'e>,
  name: &str,
) -> napi::Result<Option<Function<'e, Args, Unknown<'e>>>> {
  let v: Unknown = obj.get_named_property(name)?;
  Ok(if v.get_type()? == ValueType::Function {
    // SAFETY: the type was checked.
    Some(unsafe { v.cast() }?)
  } else {
    None
  })
}

impl Reader<'_> {
  fn object<'e>(&mut self, env: &Env, obj: Object<'e>) -> Result<Option<Deferred<'e>>> {
    if obj.is_array()? {
      return Err(invalid("an array"));
    }
    let headers: Unknown = obj.get_named_property("headers")?;
    if headers.get_type()? == ValueType::Object {
      // A request: its Cookie header is complete (every chunk). Its parsed cookies, when it has
      // them (`NextRequest.cookies`, Express `req.cookies`), are read only if the header is missing.
      // SAFETY: the type was checked.
      let deferred = self.headers(env, unsafe { headers.cast::<Object>() }?, Some(obj))?;
      if self.out.headers.is_empty() && !self.out.oversized {
        let cookies: Unknown = obj.get_named_property("cookies")?;
        if cookies.get_type()? == ValueType::Object {
          // SAFETY: the type was checked.
          let cookies = unsafe { cookies.cast::<Object>() }?;
          if !self.store(&cookies)? {
            self.record(&cookies)?;
          }
        }
      }
      return Ok(Some(deferred));
    }
    // A `Headers` (it has the standard `getSetCookie`) before a cookie store: Cloudflare's
    // `Headers` also has a non-standard `getAll(name)`.
    let is_headers = function::<Unknown>(&obj, "getSetCookie")?.is_some();
    if !is_headers && self.store(&obj)? {
      return Ok(None);
    }
    if function::<Unknown>(&obj, "get")?.is_some() {
      return self.headers(env, obj, None).map(Some);
    }
    self.record(&obj)?;
    Ok(None)
  }

  /// A `Headers`-like object (`get(name)`) or a plain record of header values: the Cookie header
  /// now, the others on demand.
  fn headers<'e>(
    &mut self,
    env: &Env,
    headers: Object<'e>,
    request: Option<Object<'e>>,
  ) -> Result<Deferred<'e>> {
    let get = function::<Unknown>(&headers, "get")?;
    let cookie = match &get {
      Some(get) => get.apply(headers, env.create_string("cookie")?.to_unknown())?,
      None => headers.get_named_property::<Unknown>("cookie")?,
    };
    match cookie.get_type()? {
      ValueType::String => self.header(cookie)?,
      ValueType::Object => {
        // Node delivers repeated headers as an array of strings.
        // SAFETY: the type was checked.
        let list = unsafe { cookie.cast::<Object>() }?;
        if list.is_array()? {
          for i in 0..list.get_array_length()? {
            let item: Unknown = list.get_element(i)?;
            if item.get_type()? == ValueType::String {
              self.header(item)?;
            }
          }
        }
      }
      _ => {}
    }
    Ok(Deferred {
      env: *env,
      request,
      headers,
      get,
    })
  }

  /// A cookie store: `getAll()` returning `{ name, value }[]`. Returns false when `obj` has no
  /// `getAll`. Entries that are not objects with a string `name` are skipped.
  fn store(&mut self, obj: &Object<'_>) -> Result<bool> {
    let Some(get_all) = function::<()>(obj, "getAll")? else {
      return Ok(false);
    };
    let list = get_all.apply(*obj, ())?;
    let not_array = || invalid("a cookie store whose getAll() did not return an array");
    if list.get_type()? != ValueType::Object {
      return Err(not_array());
    }
    // SAFETY: the type was checked.
    let list = unsafe { list.cast::<Object>() }?;
    if !list.is_array()? {
      return Err(not_array());
    }
    for i in 0..list.get_array_length()? {
      let item: Unknown = list.get_element(i)?;
      if item.get_type()? != ValueType::Object {
        continue;
      }
      // SAFETY: the type was checked.
      let item = unsafe { item.cast::<Object>() }?;
      let name: Unknown = item.get_named_property("name")?;
      if name.get_type()? != ValueType::String {
        continue;
      }
      // A name longer than any header could carry is no cookie of this request.
      let Some(name) = read_string(name, self.opts.max_header_bytes)? else {
        continue;
      };
      if !self.pair(name, || item.get_named_property("value"))? {
        break;
      }
    }
    Ok(true)
  }

  /// A plain record of cookie name → value. Keys are used as the JS strings they are (a key may
  /// hold any character, NUL included).
  fn record(&mut self, obj: &Object<'_>) -> Result<()> {
    let keys = obj.get_property_names()?;
    for i in 0..keys.get_array_length()? {
      let key: Unknown = keys.get_element(i)?;
      if key.get_type()? != ValueType::String {
        continue;
      }
      let Some(name) = read_string(key, self.opts.max_header_bytes)? else {
        continue;
      };
      if !self.pair(name, || obj.get_property(key))? {
        break;
      }
    }
    Ok(())
  }
}
