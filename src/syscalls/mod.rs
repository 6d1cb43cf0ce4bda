//! The WASI syscalls, one module per family, each function named as in the witx and shaped
//! `fn(&mut Ctx, &GuestMemory, args…) -> Result<(), Errno>`: results go to guest memory
//! through the pointers the guest passed, and only the binding turns the `Errno` into the
//! number the guest sees. `proc_exit` is the one call the binding finishes itself.

pub mod args_env;
pub mod clock;
pub mod fd;
pub mod path;
pub mod poll;
pub mod proc;
pub mod random;
pub mod sock;

/// The result every syscall returns.
pub type SysResult = Result<(), crate::abi::Errno>;

#[cfg(test)]
mod core_tests;
