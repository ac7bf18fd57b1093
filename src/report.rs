//! `inspectToken`'s report: why a resolution gives what it gives. Never a cookie value, token,
//! secret, key or claim value — only names, codes, counts and times.

use crate::cookies::Jar;
use crate::error::Reason;
use crate::keys::Enc;
use crate::options::Options;
use crate::policy::{Protocol, ProtocolFrom};
use crate::resolve::{Origin, Outcome, Strategy};
use crate::token::TokenFormat;

/// A session cookie that was present but not used, and why.
#[cfg_attr(feature = "node", napi_derive::napi(object, object_from_js = false))]
#[derive(Debug, Clone, PartialEq)]
pub struct RejectedCookie {
  /// Base cookie name (without `.N`), or `"Authorization"` for a bearer token.
  pub name: String,
  pub reason: Reason,
}

/// Why `getToken`/`getBackendToken` return what they return.
#[cfg_attr(
  feature = "node",
  napi_derive::napi(object, object_from_js = false, use_nullable = true)
)]
#[derive(Debug, Clone, PartialEq)]
pub struct TokenReport {
  /// A valid token was found (and, for the backend token, its claim is a string).
  pub ok: bool,
  /// `"OK"`, or the reason for `null`.
  pub reason: Reason,
  /// One actionable sentence.
  pub hint: String,
  /// The session cookie used (or the one whose failure is the reason), without `.N`.
  pub cookie_name: Option<String>,
  /// `"jwt"` when the cookie held a token, `"database"` when it held a session id (looked up with
  /// the adapter); `null` when neither was found.
  pub strategy: Option<Strategy>,
  pub from: Option<Origin>,
  pub format: Option<TokenFormat>,
  pub enc: Option<Enc>,
  /// Cookie parts read: 1 when not chunked, 0 when none.
  pub chunks: u32,
  /// Index in the secrets list of the secret that decrypted it.
  pub secret_index: Option<u32>,
  pub protocol: Protocol,
  pub protocol_from: Option<ProtocolFrom>,
  /// Names of every cookie the request carried.
  pub present_cookies: Vec<String>,
  /// Candidate names, in the order they were checked.
  pub checked_names: Vec<String>,
  /// Every candidate present but not used, and why.
  pub rejected: Vec<RejectedCookie>,
  /// `iat` of the token, epoch seconds.
  pub issued_at: Option<f64>,
  /// `exp` of the token, epoch seconds.
  pub expires_at: Option<f64>,
  /// Names of the token's claims (never their values).
  pub claims: Vec<String>,
}

impl TokenReport {
  pub fn new(outcome: &Outcome, jar: &Jar<'_>, opts: &Options) -> TokenReport {
    let reason = outcome.reason();
    let decisive = outcome.decisive.as_ref();
    let info = decisive.map(|a| &a.info);
    let (protocol, protocol_from) = outcome.protocol.unwrap_or((Protocol::Unknown, None));
    TokenReport {
      ok: reason == Reason::Ok,
      reason,
      hint: reason.hint().to_string(),
      cookie_name: decisive
        .filter(|a| a.origin == Origin::Cookie || a.reason == Reason::Ok)
        .map(|a| a.name.clone()),
      strategy: outcome
        .found
        .as_ref()
        .ok()
        .map(|s| s.strategy())
        .or_else(|| (info.and_then(|i| i.format) == Some(TokenFormat::Opaque)).then_some(Strategy::Database)),
      from: decisive.map(|a| a.origin),
      format: info.and_then(|i| i.format),
      enc: info.and_then(|i| i.enc),
      chunks: decisive.map_or(0, |a| a.chunks as u32),
      secret_index: info.and_then(|i| i.secret_index).map(|i| i as u32),
      protocol,
      protocol_from,
      present_cookies: jar.names().map(str::to_string).collect(),
      checked_names: opts.cookie_name.clone(),
      rejected: outcome
        .rejected
        .iter()
        .map(|a| RejectedCookie {
          name: a.name.clone(),
          reason: a.reason,
        })
        .collect(),
      issued_at: info.and_then(|i| i.issued_at),
      expires_at: info.and_then(|i| i.expires_at),
      claims: info.map(|i| i.claim_names.clone()).unwrap_or_default(),
    }
  }

  /// The report as the object the native binding returns, in JSON (for the WebAssembly build).
  #[cfg(any(test, target_arch = "wasm32"))]
  pub fn to_json(&self) -> String {
    let mut out = String::new();
    let mut o = crate::json::Object::new(&mut out);
    o.bool("ok", self.ok)
      .str("reason", self.reason.as_str())
      .str("hint", &self.hint)
      .opt_str("cookieName", self.cookie_name.as_deref())
      .opt_str("strategy", self.strategy.map(|s| s.as_str()))
      .opt_str("from", self.from.map(|s| s.as_str()))
      .opt_str("format", self.format.map(|s| s.as_str()))
      .opt_str("enc", self.enc.map(|s| s.as_str()))
      .num("chunks", f64::from(self.chunks))
      .opt_num("secretIndex", self.secret_index.map(f64::from))
      .str("protocol", self.protocol.as_str())
      .opt_str("protocolFrom", self.protocol_from.map(|s| s.as_str()))
      .strs("presentCookies", self.present_cookies.iter().map(String::as_str))
      .strs("checkedNames", self.checked_names.iter().map(String::as_str));
    let rejected = o.key("rejected");
    rejected.push('[');
    for (i, r) in self.rejected.iter().enumerate() {
      if i > 0 {
        rejected.push(',');
      }
      crate::json::Object::new(rejected)
        .str("name", &r.name)
        .str("reason", r.reason.as_str())
        .end();
    }
    rejected.push(']');
    o.opt_num("issuedAt", self.issued_at)
      .opt_num("expiresAt", self.expires_at)
      .strs("claims", self.claims.iter().map(String::as_str))
      .end();
    out
  }
}
