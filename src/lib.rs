//! wasi-rs: a WASI preview1 (and `wasi_unstable`) host for Node.js, a drop-in for
//! `node:wasi` with a handle-based sandbox.
//!
//! Everything outside `binding` is plain Rust with no Node-API types, so `cargo test`
//! exercises the syscall layer directly against an owned memory image.

pub mod abi;
#[cfg(all(
    feature = "node",
    not(test),
    any(unix, windows),
    not(wasi_rs_unsupported)
))]
mod binding;
// Windows: the addon loads and inspects modules; hosting refuses (see the file).
#[cfg(all(
    feature = "node",
    not(test),
    any(not(any(unix, windows)), wasi_rs_unsupported)
))]
#[path = "binding/unsupported.rs"]
mod binding;
pub mod inspect;
// The host layer. Shared by every platform: the instance state, the fd table, guest memory
// and the syscalls (their checks, rights and errno order). POSIX-only: `host` (rustix helpers)
// and `sandbox` (path resolution beneath a preopen with *at calls); on Windows the path calls,
// sockets and fd polling answer ENOSYS / ENOTSUP for now (see syscalls/mod.rs). `sys` is the
// per-platform piece under the shared code.
pub mod ctx;
pub mod fd_table;
#[cfg(unix)]
pub mod host;
// Guest memory and its host I/O (readv/pread on Unix, ReadFile/WriteFile on Windows).
pub mod memory;
pub mod sandbox;
pub mod syscalls;
// Calls on one open file, per platform (std/cap-std on Windows): built everywhere.
pub mod sys;
