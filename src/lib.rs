//! wasi-rs: a WASI preview1 (and `wasi_unstable`) host for Node.js, a drop-in for
//! `node:wasi` with a handle-based sandbox.
//!
//! Everything outside `binding` is plain Rust with no Node-API types, so `cargo test`
//! exercises the syscall layer directly against an owned memory image.

pub mod abi;
#[cfg(all(feature = "node", not(test)))]
mod binding;
pub mod ctx;
pub mod fd_table;
pub mod host;
pub mod inspect;
pub mod memory;
pub mod sandbox;
pub mod syscalls;
