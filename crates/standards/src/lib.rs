//! National environmental standards as pure functions and typed tables.
