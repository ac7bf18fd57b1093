#![deny(clippy::all)]
//! Resolve the token or session kept in a NextAuth / Auth.js session cookie.
//!
//! The core is plain Rust: `cookies` (the cookie rules), `options` (the options table), `keys`
//! (key derivation), `crypto` (the primitives), `jwe` (open and seal), `json` (payloads read,
//! answers written), `claims` (the claims check), `token` (one token, opened the one way), `policy`
//! (the HTTPS rule), `resolve` (the resolution), `report` (why). `napi` converts JavaScript values, behind the `node` feature.

#[macro_use]
mod enums;

pub mod claims;
pub mod cookies;
pub mod crypto;
pub mod csrf;
pub mod error;
pub mod host;
pub mod json;
pub mod jwe;
pub mod keys;
// Not in unit-test builds: the core's tests run without Node.
#[cfg(all(feature = "node", not(test)))]
mod napi;
pub mod options;
pub mod policy;
pub mod report;
pub mod resolve;
pub mod secrets;
pub mod token;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use error::{Error, Reason};
pub use options::Options;
pub use resolve::{resolve, Outcome, Request, Want};
