//! placeholder, replaced by the bench
#![allow(missing_docs)]
fn main() {}
