//! The HJ 212 ingest path: TCP gateway → admission → single writer → answers.
//!
//! - [`gateway`] accepts connections within the configured limits and runs one task per connection;
//! - [`admission`] turns each frame into a journal record: verdict, cause and the values to store;
//! - [`writer`] commits records in batches and wakes the connection, which only then answers the device;
//! - [`devices`] caches the registered devices the gateway admits;
//! - [`guard`] keeps hostile clients from hurting honest ones: per-source caps and penalties, wrong-password
//!   delays and lockouts, the refused-frame journal budget.

pub mod admission;
pub mod devices;
pub mod gateway;
pub mod guard;
pub mod redact;
pub mod writer;

pub use devices::Devices;
pub use writer::{Committed, WriteError, Writer};
