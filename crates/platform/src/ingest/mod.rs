//! The HJ 212 ingest path: TCP gateway → admission → single writer → answers.
//!
//! - [`gateway`] accepts connections within the configured limits and runs one task per connection;
//! - [`admission`] turns each frame into a journal record: verdict, cause and the values to store;
//! - [`writer`] commits records in batches and wakes the connection, which only then answers the device;
//! - [`registry`] caches the registered devices.

pub mod admission;
pub mod gateway;
pub mod registry;
pub mod writer;

pub use registry::Registry;
pub use writer::{WriteError, Writer};
