//! placeholder, replaced by the example
fn main() {}
