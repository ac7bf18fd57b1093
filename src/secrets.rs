//! Where the decryption secrets come from, and how long they live.

use std::cell::OnceCell;
use std::ops::Deref;

use crate::crypto::wipe;

/// The secrets the issuers would use, newest first, from an environment lookup.
///
/// Order follows `@auth/core`: `AUTH_SECRET_3`, `AUTH_SECRET_2`, `AUTH_SECRET_1`, then
/// `AUTH_SECRET`. `NEXTAUTH_SECRET` (what next-auth@4 reads first) is added after `AUTH_SECRET`
/// when it differs, so an app that has both set decrypts whichever issued the cookie. Empty values
/// are ignored, as the issuers ignore them.
pub fn from_env_with(get: impl Fn(&str) -> Option<String>) -> Vec<String> {
  let mut out: Vec<String> = Vec::new();
  for name in [
    "AUTH_SECRET_3",
    "AUTH_SECRET_2",
    "AUTH_SECRET_1",
    "AUTH_SECRET",
    "NEXTAUTH_SECRET",
  ] {
    if let Some(v) = get(name).filter(|v| !v.is_empty()) {
      if !out.contains(&v) {
        out.push(v);
      }
    }
  }
  out
}

/// [`from_env_with`] over the process environment.
pub fn from_env() -> Vec<String> {
  from_env_with(crate::host::env_var)
}

/// A list of secrets, newest first, without empty strings; overwritten with zeros when dropped
/// and never printed. Empty means "read the environment when a token has to be decrypted".
#[derive(Clone, Default)]
pub struct SecretList(Vec<String>);

impl SecretList {
  pub fn new(list: Vec<String>) -> SecretList {
    SecretList(list.into_iter().filter(|s| !s.is_empty()).collect())
  }
}

impl Deref for SecretList {
  type Target = [String];
  fn deref(&self) -> &[String] {
    &self.0
  }
}

impl Drop for SecretList {
  fn drop(&mut self) {
    for s in &mut self.0 {
      wipe_string(s);
    }
  }
}

impl std::fmt::Debug for SecretList {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    write!(f, "SecretList(<{} redacted>)", self.0.len())
  }
}

/// The secrets of one resolution: the configured ones, or the environment's, read at most once
/// and only when a token has to be decrypted.
pub struct Keyring<'a> {
  given: &'a SecretList,
  env: OnceCell<SecretList>,
}

impl<'a> Keyring<'a> {
  pub fn new(given: &'a SecretList) -> Keyring<'a> {
    Keyring {
      given,
      env: OnceCell::new(),
    }
  }

  pub fn list(&self) -> &[String] {
    if self.given.is_empty() {
      self.env.get_or_init(|| SecretList::new(from_env()))
    } else {
      self.given
    }
  }
}

/// Overwrites a string's bytes before it is freed.
pub fn wipe_string(s: &mut String) {
  // SAFETY: zero bytes are valid UTF-8, so the string stays well-formed until it is dropped.
  wipe(unsafe { s.as_mut_vec() });
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn order_and_dedup() {
    let env = |name: &str| match name {
      "AUTH_SECRET" => Some("main".to_string()),
      "AUTH_SECRET_1" => Some("one".to_string()),
      "AUTH_SECRET_3" => Some("three".to_string()),
      "AUTH_SECRET_2" => Some(String::new()),
      "NEXTAUTH_SECRET" => Some("main".to_string()),
      _ => None,
    };
    assert_eq!(from_env_with(env), ["three", "one", "main"]);
    assert!(from_env_with(|_| None).is_empty());
    let v4 = |name: &str| (name == "NEXTAUTH_SECRET").then(|| "legacy".to_string());
    assert_eq!(from_env_with(v4), ["legacy"]);
  }

  #[test]
  fn never_printed() {
    let list = SecretList::new(vec!["hunter2-secret".into(), String::new()]);
    assert_eq!(list.len(), 1);
    assert!(!format!("{list:?}").contains("hunter2"));
  }
}
