//! Where the decryption secrets come from when the caller passes none.

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

/// The secrets of one call: given by the caller, or read from the environment only when a token
/// has to be decrypted.
pub struct Secrets {
  given: Vec<String>,
  env: std::cell::OnceCell<Vec<String>>,
}

impl Secrets {
  /// `given` without empty strings; when that leaves none, the environment is used.
  pub fn new(given: Option<Vec<String>>) -> Secrets {
    let given = given
      .unwrap_or_default()
      .into_iter()
      .filter(|s| !s.is_empty())
      .collect();
    Secrets {
      given,
      env: std::cell::OnceCell::new(),
    }
  }

  pub fn list(&self) -> &[String] {
    if self.given.is_empty() {
      self.env.get_or_init(from_env)
    } else {
      &self.given
    }
  }
}

impl Drop for Secrets {
  fn drop(&mut self) {
    for s in &mut self.given {
      wipe_string(s);
    }
    if let Some(mut env) = self.env.take() {
      for s in &mut env {
        wipe_string(s);
      }
    }
  }
}

/// Overwrites a string's bytes before it is freed.
pub fn wipe_string(s: &mut String) {
  // SAFETY: zero bytes are valid UTF-8, so the string stays well-formed until it is dropped.
  crate::keys::wipe(unsafe { s.as_mut_vec() });
}

impl std::fmt::Debug for Secrets {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    write!(f, "Secrets(<redacted>)")
  }
}

/// [`from_env_with`] over the process environment.
pub fn from_env() -> Vec<String> {
  from_env_with(|name| std::env::var(name).ok())
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
}
