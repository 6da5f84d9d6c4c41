#![doc = include_str!("../README.md")]

#[doc(inline)]
pub use hookshield_core::*;
