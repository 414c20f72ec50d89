//! The provider protocols (CloudSponge, Convio/Luminate, Popsell, Constant Contact, the XML
//! `contact.*` API) as clients over a small transport trait, the import job state machine,
//! and a sandbox server speaking the same protocols.
//!
//! STUB: being written (issue 3).

#[cfg(not(target_arch = "wasm32"))]
pub mod sandbox;
