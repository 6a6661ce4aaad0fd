//! Uses `a` only; `super::a` in a comment does not count.
pub fn f() -> super::a::A {
    super::a::A
}
