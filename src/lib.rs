//! wasi-rs: a WASI preview1 (and `wasi_unstable`) host for Node.js, a drop-in for
//! `node:wasi` with a handle-based sandbox.
//!
//! Everything outside `binding` is plain Rust with no Node-API types, so `cargo test`
//! exercises the syscall layer directly against an owned memory image.

pub mod abi;
#[cfg(all(feature = "node", not(test), unix, not(wasi_rs_unsupported)))]
mod binding;
// Windows: the addon loads and inspects modules; hosting refuses (see the file).
#[cfg(all(feature = "node", not(test), any(not(unix), wasi_rs_unsupported)))]
#[path = "binding/unsupported.rs"]
mod binding;
pub mod inspect;
// The host layer is POSIX (fds, *at calls, readv); Windows builds without it.
#[cfg(unix)]
pub mod ctx;
#[cfg(unix)]
pub mod fd_table;
#[cfg(unix)]
pub mod host;
// Guest memory and its host I/O (readv/pread on Unix, ReadFile/WriteFile on Windows).
pub mod memory;
#[cfg(unix)]
pub mod sandbox;
#[cfg(unix)]
pub mod syscalls;
// Calls on one open file, per platform (std/cap-std on Windows): built everywhere.
pub mod sys;
