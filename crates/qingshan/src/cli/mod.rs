//! One module per subcommand.

pub mod evaluate;
pub mod hj212;
pub mod serve;
