//! The provider protocols (CloudSponge, Convio/Luminate, Popsell, Constant Contact, the XML
//! `contact.*` API) as clients over a small transport trait, the import job state machine,
//! and a sandbox server speaking the same protocols.
//!
//! ```text
//!   client (cloudsponge, convio, popsell, constant_contact, xmlapi)
//!     ├─ gather        each page normalized and stored compactly as it arrives → ImportedContacts
//!     └─ job::Job      polling floor, deadline, cancel, retries by what a request does, progress
//!          └─ transport::Transport + Clock
//!               ├─ native::ReqwestTransport   (CLI, server: talks to the provider)
//!               ├─ browser::FetchTransport    (wasm: talks to the site's /proxy/<provider>)
//!               └─ memory::MemoryTransport    (tests: scripted answers, virtual clock)
//! ```
//!
//! Every client takes a base URL, so the same code talks to the provider (natively) or to the
//! proxy (in the browser), and every secret is optional: behind the proxy the browser has none.

mod answer;
pub mod cloudsponge;
pub mod constant_contact;
pub mod convio;
mod error;
mod gather;
pub mod job;
pub mod popsell;
pub mod transport;
pub mod xmlapi;

pub use error::{Error, Result};
pub use gather::ImportedContacts;
pub use job::{CancelToken, Effect, Imported, Job, JobOptions, Phase, Progress};
pub use transport::{BasicAuth, Clock, Method, Request, Response, Transport};

#[cfg(not(target_arch = "wasm32"))]
pub mod sandbox;
