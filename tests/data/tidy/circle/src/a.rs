//! Uses `b`.
use crate::b::{B, helper};
