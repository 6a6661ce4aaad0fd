//! A fixture for tests/tidy.rs: `a` and `b` import each other, `c` only imports `a`.
//! Never compiled.

mod a;
mod b;
mod c;
