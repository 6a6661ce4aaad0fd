//! Uses `a` through a group.
use crate::{a::A, b::helper as _};
