//! What the core asks of the place it runs in: environment variables, the time, random bytes.
//!
//! Natively these come from the process — except the environment under Bun, whose `process.env`
//! (assignments, its own `.env` loading) never reaches the C environment: there `index.js` hands
//! the variables in ([`give_env`]). WebAssembly (`wasm32-unknown-unknown`, no imports) has none of
//! them: the JavaScript loader hands them in — the environment when it changes, the time and (for
//! `encode`) random bytes with each call — and `crate::wasm` keeps them here.

#[cfg(not(target_arch = "wasm32"))]
pub use process::*;

#[cfg(not(target_arch = "wasm32"))]
mod process {
  use std::sync::atomic::{AtomicBool, Ordering};
  use std::sync::Mutex;

  use crate::secrets::SecretList;

  /// Whether variables were handed in (checked first, so the usual case takes no lock).
  static GIVEN: AtomicBool = AtomicBool::new(false);
  static VARS: Mutex<Vec<(String, SecretList)>> = Mutex::new(Vec::new());

  /// An environment variable (`AUTH_SECRET`, `AUTH_URL`, ...): the handed-in value when variables
  /// were handed in, otherwise the process environment's.
  pub fn env_var(name: &str) -> Option<String> {
    if GIVEN.load(Ordering::Acquire) {
      let vars = VARS.lock().unwrap_or_else(|e| e.into_inner());
      return vars
        .iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, v)| v.first().cloned());
    }
    std::env::var(name).ok()
  }

  /// From now on, these are the environment variables the core reads (an empty value is unset);
  /// the previous values are wiped.
  pub fn give_env(vars: Vec<(String, String)>) {
    let vars = vars
      .into_iter()
      .map(|(n, v)| (n, SecretList::new(vec![v])))
      .collect();
    *VARS.lock().unwrap_or_else(|e| e.into_inner()) = vars;
    GIVEN.store(true, Ordering::Release);
  }
}

/// The time in epoch seconds (whole seconds, as jose uses).
#[cfg(not(target_arch = "wasm32"))]
pub fn now_secs() -> f64 {
  std::time::SystemTime::now()
    .duration_since(std::time::UNIX_EPOCH)
    .map_or(0.0, |d| d.as_secs() as f64)
}

#[cfg(target_arch = "wasm32")]
pub use given::*;

#[cfg(target_arch = "wasm32")]
mod given {
  use std::cell::RefCell;

  use crate::secrets::SecretList;

  struct Host {
    /// Names and values, wiped when replaced (values may be secrets).
    env: Vec<(String, SecretList)>,
    now_ms: f64,
    random: Vec<u8>,
  }

  thread_local! {
    static HOST: RefCell<Host> = const {
      RefCell::new(Host {
        env: Vec::new(),
        now_ms: 0.0,
        random: Vec::new(),
      })
    };
  }

  pub fn env_var(name: &str) -> Option<String> {
    HOST.with(|h| {
      let h = h.borrow();
      let (_, v) = h.env.iter().find(|(n, _)| n == name)?;
      v.first().cloned()
    })
  }

  pub fn now_secs() -> f64 {
    HOST.with(|h| (h.borrow().now_ms / 1000.0).floor())
  }

  /// Takes `n` of the random bytes handed in with this call; `None` when there are not enough.
  pub fn random_bytes(n: usize) -> Option<Vec<u8>> {
    HOST.with(|h| {
      let mut h = h.borrow_mut();
      let at = h.random.len().checked_sub(n)?;
      let out = h.random[at..].to_vec();
      crate::crypto::wipe(&mut h.random[at..]);
      h.random.truncate(at);
      Some(out)
    })
  }

  /// Sets each variable; an empty value unsets it.
  pub fn set_env(env: Vec<(String, String)>) {
    HOST.with(|h| {
      let mut h = h.borrow_mut();
      for (name, value) in env {
        h.env.retain(|(n, _)| *n != name);
        if !value.is_empty() {
          h.env.push((name, SecretList::new(vec![value])));
        }
      }
    });
  }

  pub fn set_now(now_ms: f64) {
    HOST.with(|h| h.borrow_mut().now_ms = now_ms);
  }

  /// Random bytes for this call; what is left is wiped at the end of it.
  pub fn set_random(bytes: Vec<u8>) {
    HOST.with(|h| {
      let mut h = h.borrow_mut();
      crate::crypto::wipe(&mut h.random);
      h.random = bytes;
    });
  }
}
