//! One module per subcommand.

pub mod device;
pub mod evaluate;
pub mod hj212;
pub mod import;
pub mod serve;
pub mod simulate;
