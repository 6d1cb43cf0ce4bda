//! The WASI syscalls, one module per family, each function named as in the witx and shaped
//! `fn(&mut Ctx, &GuestMemory, args…) -> Result<(), Errno>`: results go to guest memory
//! through the pointers the guest passed, and only the binding turns the `Errno` into the
//! number the guest sees. `proc_exit` is the one call the binding finishes itself.

//!
//! Every family is shared by all platforms except two that are POSIX-only for now: `path`
//! (fd_readdir and the path_* calls, resolved beneath a preopen by `sandbox`) and `sock`. On
//! Windows `unported.rs` stands in for them with the same signatures: the path calls answer
//! ENOSYS, the socket calls check the fd as on POSIX and answer ENOTSOCK (no Windows fd is a
//! socket: sockets as stdio are not supported there).

pub mod args_env;
pub mod clock;
pub mod fd;
#[cfg(unix)]
pub mod path;
pub mod poll;
pub mod proc;
pub mod random;
#[cfg(unix)]
pub mod sock;
#[cfg(windows)]
mod unported;
#[cfg(windows)]
pub use unported::{path, sock};

/// The result every syscall returns.
pub type SysResult = Result<(), crate::abi::Errno>;

#[cfg(all(test, unix))]
mod core_tests;
#[cfg(test)]
mod portable_tests;
