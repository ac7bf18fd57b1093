//! JavaScript values to Rust and back: strings (bounded before they are copied), option values,
//! results, and errors thrown with their stable codes.

use napi::bindgen_prelude::{JsObjectValue, Object, ToNapiValue, TypeName, Unknown};
use napi::{sys, Env, JsValue, Status, ValueType};

use crate::error::Error;
use crate::options::{Options, Value, TABLE};

/// A conversion failure: our own coded error, or an exception a caller's getter threw (left
/// pending, so it reaches the caller unchanged).
pub enum Failure {
  Coded(Error),
  Js(napi::Error),
}

impl From<napi::Error> for Failure {
  fn from(e: napi::Error) -> Self {
    Failure::Js(e)
  }
}

impl From<Error> for Failure {
  fn from(e: Error) -> Self {
    Failure::Coded(e)
  }
}

impl Failure {
  /// Throws a coded error as a JS `Error`/`TypeError` with `code`; returns what napi-rs expects.
  pub fn throw(self, env: &Env) -> napi::Error {
    let e = match self {
      Failure::Js(e) => return e,
      Failure::Coded(e) => e,
    };
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
}

pub type Result<T> = std::result::Result<T, Failure>;

/// Runs an export's body so that no panic can cross into Node: a panic becomes a thrown `Error`
/// with code `ERR_INTERNAL` (its message says nothing of the input).
pub fn guarded<T>(env: &Env, body: impl FnOnce() -> Result<T>) -> napi::Result<T> {
  match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
    Ok(Ok(v)) => Ok(v),
    Ok(Err(failure)) => Err(failure.throw(env)),
    Err(_) => Err(Failure::Coded(Error::Internal).throw(env)),
  }
}

/// A JS string's length in UTF-16 code units, known without copying it.
fn utf16_len(value: &Unknown<'_>) -> napi::Result<usize> {
  let raw = value.value();
  let mut len = 0usize;
  // SAFETY: `raw.value` is a live string handle in this callback's scope (callers checked its
  // type); a null buffer asks only for the length, written to `len`.
  let status =
    unsafe { sys::napi_get_value_string_utf16(raw.env, raw.value, std::ptr::null_mut(), 0, &mut len) };
  napi::check_status!(status)?;
  Ok(len)
}

/// A JS string, copied exactly once, or `None` when it is longer than `max_bytes` (then it is not
/// copied at all: its UTF-16 length is a lower bound of its UTF-8 length).
///
/// The copy is the UTF-16 form, exact for every string: all-ASCII strings narrow to UTF-8 as
/// they are; others are converted (lone surrogates become U+FFFD, as in napi's UTF-8 copy). A
/// Latin-1 copy would not do: V8 keeps only the low byte of characters above U+00FF, and U+015F
/// would read as '_'.
pub fn read_string(value: Unknown<'_>, max_bytes: usize) -> napi::Result<Option<String>> {
  let len = utf16_len(&value)?;
  if len > max_bytes {
    return Ok(None);
  }
  let raw = value.value();
  let mut units: Vec<u16> = Vec::with_capacity(len + 1);
  let mut written = 0usize;
  // SAFETY: `raw.value` is a live string handle; the buffer has capacity for `len` units plus
  // the terminating NUL napi writes, and napi reports how many units it wrote in `written`.
  let status = unsafe {
    sys::napi_get_value_string_utf16(raw.env, raw.value, units.as_mut_ptr(), len + 1, &mut written)
  };
  napi::check_status!(status)?;
  // SAFETY: napi initialised the first `written` units (at most `len`, within the capacity).
  unsafe { units.set_len(written.min(len)) };
  // Branch-free forms the compiler vectorises: an OR over all units, then a narrowing copy.
  if units.iter().fold(0u16, |acc, &u| acc | u) < 0x80 {
    let bytes: Vec<u8> = units.iter().map(|&u| u as u8).collect();
    // SAFETY: every byte is ASCII, which is valid UTF-8.
    return Ok(Some(unsafe { String::from_utf8_unchecked(bytes) }));
  }
  Ok(Some(String::from_utf16_lossy(&units)))
}

/// A string that is not bounded by an option (parameters of `encode`/`decode`).
pub fn read_any_string(value: Unknown<'_>) -> napi::Result<String> {
  Ok(read_string(value, usize::MAX)?.unwrap_or_default())
}

/// An option value as the table's parsers see it.
pub fn option_value(v: Unknown<'_>) -> napi::Result<Value> {
  Ok(match v.get_type()? {
    ValueType::Undefined | ValueType::Null => Value::Absent,
    // SAFETY (each cast): the value's type was checked just above.
    ValueType::Boolean => Value::Bool(unsafe { v.cast::<bool>() }?),
    ValueType::Number => Value::Number(unsafe { v.cast::<f64>() }?),
    ValueType::String => Value::Str(read_any_string(v)?),
    ValueType::Function => Value::Function,
    ValueType::Object => {
      // SAFETY: the type was checked.
      let obj = unsafe { v.cast::<Object>() }?;
      if !obj.is_array()? {
        let method: Unknown = obj.get_named_property("getSessionAndUser")?;
        return Ok(if method.get_type()? == ValueType::Function {
          Value::Adapter
        } else {
          Value::Object
        });
      }
      let mut list = Vec::new();
      for i in 0..obj.get_array_length()? {
        let item: Unknown = obj.get_element(i)?;
        if item.get_type()? != ValueType::String {
          return Ok(Value::Object);
        }
        list.push(read_any_string(item)?);
      }
      Value::Strings(list)
    }
    _ => Value::Other,
  })
}

/// The options object (`undefined`/`null` for the defaults), read once through the table.
pub fn read_options(options: Option<Unknown<'_>>) -> Result<Options> {
  let Some(obj) = object_or_absent(options, "options")? else {
    return Ok(Options::default());
  };
  let mut o = Options::default();
  for spec in TABLE {
    o.set(spec.name, option_value(obj.get_named_property(spec.name)?)?)?;
  }
  Ok(o)
}

/// `Some(object)`, `None` for `undefined`/`null`, or `ERR_INVALID_OPTION` naming `what`.
pub fn object_or_absent<'e>(v: Option<Unknown<'e>>, what: &'static str) -> Result<Option<Object<'e>>> {
  let Some(v) = v else { return Ok(None) };
  match v.get_type()? {
    ValueType::Undefined | ValueType::Null => Ok(None),
    // SAFETY: the type was checked.
    ValueType::Object => Ok(Some(unsafe { v.cast::<Object>() }?)),
    _ => Err(Error::InvalidOption(what, "expected an object").into()),
  }
}

/// A string result. ASCII (backend tokens, JSON of ASCII claims) is created as a Latin-1 string,
/// which V8 stores as is; anything else goes through UTF-8.
pub struct Text(pub String);

impl ToNapiValue for Text {
  unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
    if !val.0.is_ascii() {
      // SAFETY: `env` is the live env napi-rs passed in.
      return unsafe { String::to_napi_value(env, val.0) };
    }
    let mut out = std::ptr::null_mut();
    // SAFETY: `env` is the live env of this call; the pointer and length describe `val.0`, whose
    // bytes are ASCII and so the same in Latin-1.
    let status =
      unsafe { sys::napi_create_string_latin1(env, val.0.as_ptr().cast(), val.0.len() as isize, &mut out) };
    if status == sys::Status::napi_ok {
      Ok(out)
    } else {
      // SAFETY: as above.
      unsafe { String::to_napi_value(env, val.0) }
    }
  }
}

impl TypeName for Text {
  fn type_name() -> &'static str {
    "String"
  }
  fn value_type() -> ValueType {
    ValueType::String
  }
}
