//! The POSIX side of [`crate::sys`]: each call is one rustix call on the fd (macOS variants
//! noted where its SDK lacks the Linux call).

use super::Time;
use crate::abi::{fdflags, layout::Filestat, Errno};
use crate::host::{self, errno};
use cap_std::io_lifetimes::AsFilelike;
use rustix::fs::{Timespec, Timestamps, UTIME_NOW, UTIME_OMIT};
use std::io::SeekFrom;

/// The WASI filetype of an open fd (`fstat`; a socket is asked for its type).
pub fn filetype(f: impl AsFilelike) -> Result<u8, Errno> {
    host::filetype_of(f.as_fd())
}

/// `fstat` as a WASI filestat of filetype `ft`.
pub fn filestat(f: impl AsFilelike, ft: u8) -> Result<Filestat, Errno> {
    let st = rustix::fs::fstat(f.as_fd()).map_err(errno)?;
    Ok(host::filestat_from_stat(&st, ft))
}

/// `lseek`: the new offset.
#[inline]
pub fn seek(f: impl AsFilelike, pos: SeekFrom) -> Result<u64, Errno> {
    let pos = match pos {
        SeekFrom::Start(n) => rustix::fs::SeekFrom::Start(n),
        SeekFrom::Current(n) => rustix::fs::SeekFrom::Current(n),
        SeekFrom::End(n) => rustix::fs::SeekFrom::End(n),
    };
    rustix::fs::seek(f.as_fd(), pos).map_err(errno)
}

/// The current offset (`lseek(fd, 0, SEEK_CUR)`).
#[inline]
pub fn tell(f: impl AsFilelike) -> Result<u64, Errno> {
    rustix::fs::tell(f.as_fd()).map_err(errno)
}

/// `ftruncate`.
pub fn set_size(f: impl AsFilelike, size: u64) -> Result<(), Errno> {
    rustix::fs::ftruncate(f.as_fd(), size).map_err(errno)
}

/// The host form of two [`Time`]s (`UTIME_OMIT` / `UTIME_NOW` / a timespec).
pub fn timestamps(atim: Time, mtim: Time) -> Timestamps {
    let one = |t: Time| match t {
        Time::Omit => Timespec {
            tv_sec: 0,
            tv_nsec: UTIME_OMIT as _,
        },
        Time::Now => Timespec {
            tv_sec: 0,
            tv_nsec: UTIME_NOW as _,
        },
        Time::At(t) => Timespec {
            tv_sec: (t / 1_000_000_000) as _,
            tv_nsec: (t % 1_000_000_000) as _,
        },
    };
    Timestamps {
        last_access: one(atim),
        last_modification: one(mtim),
    }
}

/// `futimens`.
pub fn set_times(f: impl AsFilelike, atim: Time, mtim: Time) -> Result<(), Errno> {
    rustix::fs::futimens(f.as_fd(), &timestamps(atim, mtim)).map_err(errno)
}

/// `fsync`.
pub fn sync(f: impl AsFilelike) -> Result<(), Errno> {
    rustix::fs::fsync(f.as_fd()).map_err(errno)
}

/// `fdatasync`; macOS has none in its SDK, and `fsync` does at least as much.
pub fn datasync(f: impl AsFilelike) -> Result<(), Errno> {
    #[cfg(not(target_vendor = "apple"))]
    return rustix::fs::fdatasync(f.as_fd()).map_err(errno);
    #[cfg(target_vendor = "apple")]
    return rustix::fs::fsync(f.as_fd()).map_err(errno);
}

/// `posix_fadvise` with an advice value the caller validated. macOS has no
/// `posix_fadvise`; advice is only a hint, so there it is accepted and dropped.
pub fn advise(f: impl AsFilelike, offset: u64, len: u64, adv: u8) -> Result<(), Errno> {
    let len = std::num::NonZeroU64::new(len);
    #[cfg(not(target_vendor = "apple"))]
    {
        use crate::abi::advice;
        use rustix::fs::Advice;
        let a = match adv {
            advice::NORMAL => Advice::Normal,
            advice::SEQUENTIAL => Advice::Sequential,
            advice::RANDOM => Advice::Random,
            advice::WILLNEED => Advice::WillNeed,
            advice::DONTNEED => Advice::DontNeed,
            _ => Advice::NoReuse,
        };
        rustix::fs::fadvise(f.as_fd(), offset, len, a).map_err(errno)
    }
    #[cfg(target_vendor = "apple")]
    {
        let _ = (f, offset, len, adv);
        Ok(())
    }
}

/// `posix_fallocate(offset, len)` (the caller checked the range): the file grows to at least
/// `offset + len`, never shrinks.
pub fn allocate(f: impl AsFilelike, offset: u64, len: u64) -> Result<(), Errno> {
    #[cfg(not(target_vendor = "apple"))]
    return rustix::fs::fallocate(f.as_fd(), rustix::fs::FallocateFlags::empty(), offset, len)
        .map_err(errno);
    // macOS: rustix's fallocate preallocates and then ftruncates to offset + len, which would
    // shrink a longer file; fd_allocate never shrinks, so only a growing request reaches it
    // (and a filesystem without F_PREALLOCATE still gets the size).
    #[cfg(target_vendor = "apple")]
    {
        let fd = f.as_fd();
        let end = offset + len;
        let size = rustix::fs::fstat(fd).map_err(errno)?.st_size as u64;
        if end <= size {
            return Ok(());
        }
        match rustix::fs::fallocate(fd, rustix::fs::FallocateFlags::empty(), offset, len) {
            Err(rustix::io::Errno::NOTSUP | rustix::io::Errno::INVAL) => {
                rustix::fs::ftruncate(fd, end).map_err(errno)
            }
            r => r.map_err(errno),
        }
    }
}

/// Whether the fd is a terminal (`isatty`).
pub fn is_terminal(f: impl AsFilelike) -> bool {
    rustix::termios::isatty(f.as_fd())
}

/// Whether the open file description appends (`O_APPEND`); false when it cannot be asked.
pub fn is_append(f: impl AsFilelike) -> bool {
    rustix::fs::fcntl_getfl(f.as_fd())
        .map(|fl| fl.contains(rustix::fs::OFlags::APPEND))
        .unwrap_or(false)
}

/// Makes the host description's `O_APPEND` and `O_NONBLOCK` match the guest's new fdflags
/// `new` (`old` are the current ones; only the bits that matter are read).
pub fn set_file_flags(f: impl AsFilelike, old: u16, new: u16) -> Result<(), Errno> {
    use rustix::fs::OFlags;
    let _ = old;
    let fd = f.as_fd();
    let mut host = rustix::fs::fcntl_getfl(fd).map_err(errno)?;
    host.set(OFlags::APPEND, new & fdflags::APPEND != 0);
    host.set(OFlags::NONBLOCK, new & fdflags::NONBLOCK != 0);
    rustix::fs::fcntl_setfl(fd, host).map_err(errno)
}

fn host_clock(id: u32) -> Result<rustix::time::ClockId, Errno> {
    use crate::abi::clockid;
    use rustix::time::ClockId;
    Ok(match id {
        clockid::REALTIME => ClockId::Realtime,
        clockid::MONOTONIC => ClockId::Monotonic,
        clockid::PROCESS_CPUTIME_ID => ClockId::ProcessCPUTime,
        clockid::THREAD_CPUTIME_ID => ClockId::ThreadCPUTime,
        _ => return Err(Errno::EINVAL),
    })
}

fn to_ns(t: Timespec) -> u64 {
    (t.tv_sec as i128 * 1_000_000_000 + t.tv_nsec as i128).clamp(0, u64::MAX as i128) as u64
}

/// The current time of WASI clock `id` in nanoseconds (`clock_gettime`; EINVAL for an
/// unknown id). The vDSO answers where the kernel offers it.
#[inline]
pub fn clock_now(id: u32) -> Result<u64, Errno> {
    Ok(to_ns(rustix::time::clock_gettime(host_clock(id)?)))
}

/// The resolution of WASI clock `id` in nanoseconds (`clock_getres`, at least 1).
pub fn clock_res(id: u32) -> Result<u64, Errno> {
    Ok(to_ns(rustix::time::clock_getres(host_clock(id)?)).max(1))
}
