//! The WASI syscalls, one module per family, each function named as in the witx and shaped
//! `fn(&mut Ctx, &GuestMemory, args…) -> Result<(), Errno>`: results go to guest memory
//! through the pointers the guest passed, and only the binding turns the `Errno` into the
//! number the guest sees. `proc_exit` is the one call the binding finishes itself.

//!
//! Every family is shared by all platforms except `sock`, POSIX-only for now: on Windows
//! `unported.rs` stands in for it with the same signatures (the fd is checked, then ENOTSOCK:
//! no Windows fd is a socket, sockets as stdio are not supported there). The path calls are
//! shared; `sandbox` resolves their paths with the host's calls (POSIX `*at` calls, or cap-std
//! alone on Windows).

pub mod args_env;
pub mod clock;
pub mod fd;
pub mod path;
pub mod poll;
pub mod proc;
pub mod random;
#[cfg(unix)]
pub mod sock;
#[cfg(windows)]
mod unported;
#[cfg(windows)]
pub use unported::sock;

/// The result every syscall returns.
pub type SysResult = Result<(), crate::abi::Errno>;

#[cfg(all(test, unix))]
mod core_tests;
#[cfg(test)]
mod portable_tests;
