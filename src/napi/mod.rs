//! Everything that touches Node-API: JavaScript values to the core's types and back (`values`),
//! request sources to cookies (`sources`), and the `#[napi]` exports (`exports`).

mod exports;
mod sources;
mod values;
