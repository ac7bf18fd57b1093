//! The protocol-aware cookie policy: is this request known to be HTTPS, and how do we know?
//!
//! On HTTPS, Auth.js issues the `__Secure-` cookie name, and a plain session cookie can only have
//! been planted (cookie tossing). So on a request known to be HTTPS only secure-prefixed names are
//! accepted. Every signal here can only make a request stricter: a client that sends
//! `x-forwarded-proto: https` narrows its own request, never someone else's.

/// What the caller asked for with `options.secure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecureMode {
  /// Only `__Secure-`/`__Host-` names.
  Always,
  /// Any candidate (secure ones first), even next to a secure cookie.
  Never,
  /// Strict when the request is known to be HTTPS or a secure session cookie is present.
  Auto,
}

string_enum! {
  /// Where the protocol was learnt from.
  pub enum ProtocolFrom {
    Option = "option",
    RequestUrl = "request-url",
    XForwardedProto = "x-forwarded-proto",
    Forwarded = "forwarded",
    AuthUrl = "AUTH_URL",
    NextauthUrl = "NEXTAUTH_URL",
    SecureCookiePresent = "secure-cookie-present",
    /// The request arrived on a TLS socket (a Node `https` server terminating TLS itself).
    TlsSocket = "tls-socket",
  }
}

string_enum! {
  /// The request's protocol, as far as it is known.
  pub enum Protocol {
    Https = "https",
    Http = "http",
    Unknown = "unknown",
  }
}

/// The protocol signals a request carries.
#[derive(Debug, Default, Clone)]
pub struct Signals<'a> {
  /// The connection itself is TLS.
  pub tls_socket: bool,
  pub request_url: Option<&'a str>,
  pub x_forwarded_proto: Option<&'a str>,
  pub forwarded: Option<&'a str>,
}

fn scheme_of_url(url: &str) -> Option<Protocol> {
  // The scheme is what precedes the first `://`; neither name holds a colon.
  let url = url.trim().as_bytes();
  let starts = |prefix: &[u8]| {
    url
      .get(..prefix.len())
      .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
  };
  if starts(b"https://") {
    Some(Protocol::Https)
  } else if starts(b"http://") {
    Some(Protocol::Http)
  } else {
    None
  }
}

fn scheme_of_token(value: &str) -> Option<Protocol> {
  // `x-forwarded-proto` may list several proxies: "https, http"; the first is the client's.
  let first = value.split(',').next()?.trim();
  match first.to_ascii_lowercase().as_str() {
    "https" => Some(Protocol::Https),
    "http" => Some(Protocol::Http),
    _ => None,
  }
}

fn scheme_of_forwarded(value: &str) -> Option<Protocol> {
  // RFC 7239: `Forwarded: for=1.2.3.4;proto=https, for=...`; the first element is the client's.
  let first = value.split(',').next()?;
  first.split(';').find_map(|pair| {
    let (k, v) = pair.split_once('=')?;
    if k.trim().eq_ignore_ascii_case("proto") {
      scheme_of_token(v.trim().trim_matches('"'))
    } else {
      None
    }
  })
}

/// The protocol and its source: `https` when any signal says so (in the documented order of
/// precedence), otherwise `http` when one says that, otherwise unknown. `env` reads `AUTH_URL`
/// and `NEXTAUTH_URL`, only when the request itself does not settle it.
pub fn detect(
  mode: SecureMode,
  signals: &Signals<'_>,
  env: impl Fn(&str) -> Option<String>,
  secure_cookie_present: bool,
) -> (Protocol, Option<ProtocolFrom>) {
  if mode == SecureMode::Always {
    return (Protocol::Https, Some(ProtocolFrom::Option));
  }
  let request = [
    (
      signals.tls_socket.then_some(Protocol::Https),
      ProtocolFrom::TlsSocket,
    ),
    (
      signals.request_url.and_then(scheme_of_url),
      ProtocolFrom::RequestUrl,
    ),
    (
      signals.x_forwarded_proto.and_then(scheme_of_token),
      ProtocolFrom::XForwardedProto,
    ),
    (
      signals.forwarded.and_then(scheme_of_forwarded),
      ProtocolFrom::Forwarded,
    ),
  ];
  if let Some((_, from)) = request.iter().find(|(p, _)| *p == Some(Protocol::Https)) {
    return (Protocol::Https, Some(*from));
  }
  let environment = [
    (
      env("AUTH_URL").as_deref().and_then(scheme_of_url),
      ProtocolFrom::AuthUrl,
    ),
    (
      env("NEXTAUTH_URL").as_deref().and_then(scheme_of_url),
      ProtocolFrom::NextauthUrl,
    ),
  ];
  if let Some((_, from)) = environment.iter().find(|(p, _)| *p == Some(Protocol::Https)) {
    return (Protocol::Https, Some(*from));
  }
  if secure_cookie_present {
    return (Protocol::Https, Some(ProtocolFrom::SecureCookiePresent));
  }
  if let Some((_, from)) = request
    .iter()
    .chain(&environment)
    .find(|(p, _)| *p == Some(Protocol::Http))
  {
    return (Protocol::Http, Some(*from));
  }
  (Protocol::Unknown, None)
}

/// Whether only secure-prefixed names may be used.
pub fn strict(mode: SecureMode, protocol: Protocol) -> bool {
  match mode {
    SecureMode::Always => true,
    SecureMode::Never => false,
    SecureMode::Auto => protocol == Protocol::Https,
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn each_signal_and_its_precedence() {
    let no_env = |_: &str| None;
    let none = Signals::default();
    assert_eq!(
      detect(SecureMode::Auto, &none, no_env, false),
      (Protocol::Unknown, None)
    );
    assert_eq!(
      detect(SecureMode::Always, &none, no_env, false),
      (Protocol::Https, Some(ProtocolFrom::Option))
    );
    assert_eq!(
      detect(SecureMode::Auto, &none, no_env, true),
      (Protocol::Https, Some(ProtocolFrom::SecureCookiePresent))
    );
    let s = Signals {
      request_url: Some("http://localhost:3000/x"),
      x_forwarded_proto: Some("https, http"),
      ..none.clone()
    };
    assert_eq!(
      detect(SecureMode::Auto, &s, no_env, false),
      (Protocol::Https, Some(ProtocolFrom::XForwardedProto))
    );
    let s = Signals {
      forwarded: Some("for=1.2.3.4;proto=\"HTTPS\";host=a, proto=http"),
      ..none.clone()
    };
    assert_eq!(
      detect(SecureMode::Auto, &s, no_env, false),
      (Protocol::Https, Some(ProtocolFrom::Forwarded))
    );
    let nextauth = |name: &str| (name == "NEXTAUTH_URL").then(|| "https://app.example.com".to_string());
    assert_eq!(
      detect(SecureMode::Auto, &none, nextauth, false),
      (Protocol::Https, Some(ProtocolFrom::NextauthUrl))
    );
    let auth_http = |name: &str| (name == "AUTH_URL").then(|| "http://localhost:3000".to_string());
    let s = Signals {
      request_url: Some("http://localhost:3000/"),
      ..none.clone()
    };
    assert_eq!(
      detect(SecureMode::Auto, &s, auth_http, false),
      (Protocol::Http, Some(ProtocolFrom::RequestUrl))
    );
    assert_eq!(
      detect(SecureMode::Auto, &none, auth_http, false),
      (Protocol::Http, Some(ProtocolFrom::AuthUrl))
    );
    let tls = Signals {
      tls_socket: true,
      request_url: Some("/api/me"),
      ..none.clone()
    };
    assert_eq!(
      detect(SecureMode::Auto, &tls, no_env, false),
      (Protocol::Https, Some(ProtocolFrom::TlsSocket))
    );
    assert!(!strict(SecureMode::Never, Protocol::Https));
    assert!(strict(SecureMode::Auto, Protocol::Https));
    assert!(!strict(SecureMode::Auto, Protocol::Unknown));
  }
}
