//! The platform layer for calls on one open host file or directory: its filestat, seeking,
//! size, times, sync, advice, preallocation, and the host flags behind the guest's fdflags.
//! Everything around these calls (fd numbers, rights, argument checks, guest memory, errno
//! order) is shared and lives in `syscalls`; only the host call differs per platform:
//! `unix.rs` makes the POSIX calls through rustix (`fstat`, `lseek`, `ftruncate`, `futimens`,
//! `fsync`, `posix_fadvise`, `fallocate`, `fcntl`), `windows.rs` the same requests through
//! std and cap-std (handle metadata, `SetFilePointerEx`, `SetEndOfFile`, `SetFileTime`,
//! `FlushFileBuffers`). The WASI clocks are here too (`clock_gettime` / `clock_getres` on
//! Unix; the system time and a monotonic `Instant` on Windows). Both take anything file-like (`AsFilelike`: an fd on Unix, a handle
//! on Windows) and answer with WASI errnos; where Windows has no equivalent the function says
//! so in its doc and returns `ENOTSUP` (or accepts a pure hint and does nothing).

use crate::abi::{fstflags, Errno};

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub use unix::*;
#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::*;

#[cfg(test)]
mod tests;

/// What to do with one of a file's timestamps (`fd_filestat_set_times` and friends).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Time {
    /// Leave it unchanged.
    Omit,
    /// The host's current time.
    Now,
    /// Nanoseconds since the Unix epoch.
    At(u64),
}

/// Validates WASI `(atim, mtim, fst_flags)`: unknown flag bits, or both `X` and `X_NOW` for
/// the same time, are EINVAL.
pub fn times(atim: u64, mtim: u64, flags: u32) -> Result<(Time, Time), Errno> {
    if flags > fstflags::ALL as u32 {
        return Err(Errno::EINVAL);
    }
    let flags = flags as u16;
    let one = |set: u16, now: u16, t: u64| match (flags & set != 0, flags & now != 0) {
        (true, true) => Err(Errno::EINVAL),
        (false, true) => Ok(Time::Now),
        (true, false) => Ok(Time::At(t)),
        (false, false) => Ok(Time::Omit),
    };
    Ok((
        one(fstflags::ATIM, fstflags::ATIM_NOW, atim)?,
        one(fstflags::MTIM, fstflags::MTIM_NOW, mtim)?,
    ))
}
