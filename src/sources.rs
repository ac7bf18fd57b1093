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
use crate::resolve::OwnedRequest;

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

pub fn read_source(env: &Env, value: Unknown<'_>) -> Result<OwnedRequest> {
  let mut out = OwnedRequest::default();
  match value.get_type()? {
    ValueType::Undefined | ValueType::Null => {}
    // SAFETY: the type was checked just above.
    ValueType::String => out.cookie_headers.push(unsafe { value.cast::<String>() }?),
    ValueType::Object => read_object(env, unsafe { value.cast::<Object>() }?, &mut out)?,
    ValueType::Number => return Err(invalid("a number")),
    ValueType::Boolean => return Err(invalid("a boolean")),
    ValueType::BigInt => return Err(invalid("a bigint")),
    ValueType::Symbol => return Err(invalid("a symbol")),
    ValueType::Function => return Err(invalid("a function")),
    _ => return Err(invalid("an unsupported value")),
  }
  Ok(out)
}

fn read_object(env: &Env, obj: Object<'_>, out: &mut OwnedRequest) -> Result<()> {
  if obj.is_array()? {
    return Err(invalid("an array"));
  }
  let headers: Unknown = obj.get_named_property("headers")?;
  if headers.get_type()? == ValueType::Object {
    let url: Unknown = obj.get_named_property("url")?;
    if url.get_type()? == ValueType::String {
      out.url = Some(unsafe { url.cast::<String>() }?);
    }
    // A request: its Cookie header is complete (every chunk). Its parsed cookies, when it has them
    // (`NextRequest.cookies`, Express `req.cookies`), are read only if the header is missing.
    read_headers(env, unsafe { headers.cast::<Object>() }?, out)?;
    if out.cookie_headers.is_empty() {
      let cookies: Unknown = obj.get_named_property("cookies")?;
      if cookies.get_type()? == ValueType::Object {
        let cookies = unsafe { cookies.cast::<Object>() }?;
        if !read_store(env, &cookies, out)? {
          read_record(&cookies, out)?;
        }
      }
    }
    return Ok(());
  }
  if read_store(env, &obj, out)? {
    return Ok(());
  }
  if function::<Unknown>(&obj, "get")?.is_some() {
    return read_headers(env, obj, out);
  }
  read_record(&obj, out)
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

/// A `Headers`-like object (`get(name)`) or a plain record of header values.
fn read_headers(env: &Env, headers: Object<'_>, out: &mut OwnedRequest) -> Result<()> {
  const NAMES: [&str; 4] = ["cookie", "authorization", "x-forwarded-proto", "forwarded"];
  let get = function::<Unknown>(&headers, "get")?;
  let mut values: [Vec<String>; 4] = Default::default();
  for (name, into) in NAMES.iter().zip(values.iter_mut()) {
    let value = match &get {
      Some(get) => get.apply(headers, env.create_string(name)?.to_unknown())?,
      None => headers.get_named_property::<Unknown>(name)?,
    };
    read_header_value(value, into)?;
  }
  let [cookie, authorization, proto, forwarded] = values;
  out.cookie_headers.extend(cookie);
  out.authorization = authorization.into_iter().next();
  out.x_forwarded_proto = proto.into_iter().next();
  out.forwarded = forwarded.into_iter().next();
  Ok(())
}

/// A header value: a string, or (Node) an array of strings.
fn read_header_value(v: Unknown<'_>, into: &mut Vec<String>) -> Result<()> {
  match v.get_type()? {
    ValueType::String => into.push(unsafe { v.cast::<String>() }?),
    ValueType::Object => {
      let obj = unsafe { v.cast::<Object>() }?;
      if obj.is_array()? {
        for i in 0..obj.get_array_length()? {
          let item: Unknown = obj.get_element(i)?;
          if item.get_type()? == ValueType::String {
            into.push(unsafe { item.cast::<String>() }?);
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
fn read_store(env: &Env, obj: &Object<'_>, out: &mut OwnedRequest) -> Result<bool> {
  let Some(get_all) = function::<()>(obj, "getAll")? else {
    return Ok(false);
  };
  let _ = env;
  let list = get_all.apply(*obj, ())?;
  if list.get_type()? != ValueType::Object {
    return Err(invalid("a cookie store whose getAll() did not return an array"));
  }
  let list = unsafe { list.cast::<Object>() }?;
  if !list.is_array()? {
    return Err(invalid("a cookie store whose getAll() did not return an array"));
  }
  for i in 0..list.get_array_length()? {
    let item: Unknown = list.get_element(i)?;
    if item.get_type()? != ValueType::Object {
      continue;
    }
    let item = unsafe { item.cast::<Object>() }?;
    let name: Unknown = item.get_named_property("name")?;
    let value: Unknown = item.get_named_property("value")?;
    if name.get_type()? == ValueType::String && value.get_type()? == ValueType::String {
      out
        .cookie_pairs
        .push((unsafe { name.cast() }?, unsafe { value.cast() }?));
    }
  }
  Ok(true)
}

/// A plain record of cookie name → value; non-string values (cookie-parser's JSON cookies) are
/// skipped.
fn read_record(obj: &Object<'_>, out: &mut OwnedRequest) -> Result<()> {
  for name in Object::keys(obj)? {
    let value: Unknown = obj.get_named_property(&name)?;
    if value.get_type()? == ValueType::String {
      out.cookie_pairs.push((name, unsafe { value.cast() }?));
    }
  }
  Ok(())
}
