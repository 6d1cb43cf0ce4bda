//! The Windows side of [`crate::sys`], through std and cap-std on the file's handle (borrowed
//! as a `File` view, never closed here). Differences from POSIX, each answered honestly:
//! - `ctim` is the last write time: std exposes no change time on Windows.
//! - Setting times needs `FILE_WRITE_ATTRIBUTES` on the handle; a read-only handle gets the
//!   host's access error.
//! - Advice is a hint with no Windows equivalent: accepted and dropped.
//! - `allocate` grows the file with `SetEndOfFile` (the file's length, not a reservation).
//! - Clocks: realtime is the system time (`GetSystemTimePreciseAsFileTime`, 100 ns units);
//!   monotonic counts from the first use in this process with std's `Instant` (the
//!   performance counter). The process and thread CPU-time clocks need `GetProcessTimes` /
//!   `GetThreadTimes`, raw FFI that this crate keeps out of this layer for now: ENOTSUP.
//! - Append mode is chosen when a handle is opened (its access mask) and cannot be switched
//!   later: changing APPEND through `fd_fdstat_set_flags` is ENOTSUP; NONBLOCK has no meaning for a file
//!   handle and only changes the guest-visible flag.

use super::Time;
use crate::abi::{fdflags, layout::Filestat, Errno};
use cap_std::io_lifetimes::AsFilelike;
use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn err(e: std::io::Error) -> Errno {
    Errno::from_io(&e)
}

fn ns(t: std::io::Result<SystemTime>) -> u64 {
    t.ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// The WASI filetype of an open handle (`GetFileType`, then the metadata for a disk file): a
/// console or `NUL` is a character device; a pipe (or a socket, which Windows also reports as
/// a pipe) has no WASI type of its own and is `unknown`, as a FIFO is on POSIX.
pub fn filetype(f: impl AsFilelike) -> Result<u8, Errno> {
    use crate::abi::filetype as ft;
    let file = f.as_filelike_view::<File>();
    let t = winx::winapi_util::file::typ(&*file).map_err(err)?;
    if t.is_char() {
        return Ok(ft::CHARACTER_DEVICE);
    }
    if !t.is_disk() {
        return Ok(ft::UNKNOWN);
    }
    let m = file.metadata().map_err(err)?;
    Ok(if m.is_dir() {
        ft::DIRECTORY
    } else if m.is_symlink() {
        ft::SYMBOLIC_LINK
    } else {
        ft::REGULAR_FILE
    })
}

/// The handle's metadata (`GetFileInformationByHandle`) as a WASI filestat of filetype `ft`.
pub fn filestat(f: impl AsFilelike, ft: u8) -> Result<Filestat, Errno> {
    use cap_fs_ext::MetadataExt;
    let file = f.as_filelike_view::<File>();
    // Built from the open file, so the volume serial number, file index and link count
    // (dev, ino, nlink) are all filled in.
    let m = cap_primitives::fs::Metadata::from_file(&file).map_err(err)?;
    let std = file.metadata().map_err(err)?;
    Ok(Filestat {
        dev: m.dev(),
        ino: m.ino(),
        filetype: ft,
        nlink: m.nlink(),
        size: std.len(),
        atim: ns(std.accessed()),
        mtim: ns(std.modified()),
        ctim: ns(std.modified()),
    })
}

/// `SetFilePointerEx`: the new offset.
pub fn seek(f: impl AsFilelike, pos: SeekFrom) -> Result<u64, Errno> {
    let file = f.as_filelike_view::<File>();
    (&*file).seek(pos).map_err(err)
}

/// The current offset.
pub fn tell(f: impl AsFilelike) -> Result<u64, Errno> {
    seek(f, SeekFrom::Current(0))
}

/// `SetEndOfFile` at `size`.
pub fn set_size(f: impl AsFilelike, size: u64) -> Result<(), Errno> {
    f.as_filelike_view::<File>().set_len(size).map_err(err)
}

/// `SetFileTime`; an omitted time is left as it is, `Now` is the system clock now.
pub fn set_times(f: impl AsFilelike, atim: Time, mtim: Time) -> Result<(), Errno> {
    let at = |t: Time| match t {
        Time::Omit => None,
        Time::Now => Some(SystemTime::now()),
        Time::At(ns) => Some(UNIX_EPOCH + Duration::from_nanos(ns)),
    };
    let mut times = std::fs::FileTimes::new();
    if let Some(t) = at(atim) {
        times = times.set_accessed(t);
    }
    if let Some(t) = at(mtim) {
        times = times.set_modified(t);
    }
    if atim == Time::Omit && mtim == Time::Omit {
        return Ok(());
    }
    f.as_filelike_view::<File>().set_times(times).map_err(err)
}

/// `FlushFileBuffers`.
pub fn sync(f: impl AsFilelike) -> Result<(), Errno> {
    f.as_filelike_view::<File>().sync_all().map_err(err)
}

/// `FlushFileBuffers` (Windows has no data-only flush).
pub fn datasync(f: impl AsFilelike) -> Result<(), Errno> {
    f.as_filelike_view::<File>().sync_data().map_err(err)
}

/// Advice is a hint with no Windows equivalent: accepted, nothing done.
pub fn advise(f: impl AsFilelike, offset: u64, len: u64, adv: u8) -> Result<(), Errno> {
    let _ = (f, offset, len, adv);
    Ok(())
}

/// Grows the file to `offset + len` if it is shorter (never shrinks).
pub fn allocate(f: impl AsFilelike, offset: u64, len: u64) -> Result<(), Errno> {
    let file = f.as_filelike_view::<File>();
    let end = offset.checked_add(len).ok_or(Errno::EFBIG)?;
    if file.metadata().map_err(err)?.len() < end {
        file.set_len(end).map_err(err)?;
    }
    Ok(())
}

/// Whether the handle is a console.
pub fn is_terminal(f: impl AsFilelike) -> bool {
    use std::io::IsTerminal;
    f.as_filelike_view::<File>().is_terminal()
}

/// Whether the handle appends: Windows fixes this at open time as an access mask with
/// `FILE_APPEND_DATA` but not `FILE_WRITE_DATA` (what std's `append(true)` asks for). False
/// when the mask cannot be read.
pub fn is_append(f: impl AsFilelike) -> bool {
    use winx::file::AccessMode;
    let file = f.as_filelike_view::<File>();
    use std::os::windows::io::AsHandle;
    winx::file::query_access_information(file.as_handle()).is_ok_and(|m| {
        m.contains(AccessMode::FILE_APPEND_DATA) && !m.contains(AccessMode::FILE_WRITE_DATA)
    })
}

/// APPEND cannot be switched on an open handle (ENOTSUP); NONBLOCK needs no host change.
pub fn set_file_flags(f: impl AsFilelike, old: u16, new: u16) -> Result<(), Errno> {
    let _ = f;
    if (old ^ new) & fdflags::APPEND != 0 {
        return Err(Errno::ENOTSUP);
    }
    Ok(())
}

/// Windows' clock granularity as reported: the 100 ns unit of FILETIME and of the usual
/// 10 MHz performance counter.
const TICK_NS: u64 = 100;

/// The current time of WASI clock `id` in nanoseconds (EINVAL for an unknown id, ENOTSUP for
/// the CPU-time clocks).
pub fn clock_now(id: u32) -> Result<u64, Errno> {
    use crate::abi::clockid;
    match id {
        clockid::REALTIME => Ok(ns(Ok(SystemTime::now()))),
        clockid::MONOTONIC => {
            static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
            let start = *START.get_or_init(std::time::Instant::now);
            Ok(u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX))
        }
        clockid::PROCESS_CPUTIME_ID | clockid::THREAD_CPUTIME_ID => Err(Errno::ENOTSUP),
        _ => Err(Errno::EINVAL),
    }
}

/// The resolution of WASI clock `id` in nanoseconds.
pub fn clock_res(id: u32) -> Result<u64, Errno> {
    clock_now(id).map(|_| TICK_NS)
}
