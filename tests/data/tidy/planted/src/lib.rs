//! A fixture for tests/tidy.rs: a core crate with one forbidden call planted in it.
//! Never compiled.

pub mod sim;
