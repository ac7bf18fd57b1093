#![deny(clippy::all)]
//! Resolve the backend token kept in a NextAuth / Auth.js session cookie.
//!
//! The core (`cookies`, `keys`, `jwe`, `claims`, `resolve`) is plain Rust; `sources` and `api`
//! convert JS values at the napi boundary.

// The #[napi] exports are not compiled into unit-test builds, which leaves their helpers unused.
#[cfg_attr(test, allow(dead_code))]
mod api;
pub mod b64;
pub mod claims;
pub mod cookies;
pub mod error;
#[cfg(test)]
mod fuzz;
pub mod jwe;
pub mod keys;
pub mod policy;
pub mod resolve;
pub mod secrets;
#[cfg_attr(test, allow(dead_code))]
mod sources;

pub use error::{Error, Reason};
pub use resolve::{resolve, Config, Found, Outcome, Request};
