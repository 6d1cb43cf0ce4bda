//! Small safe helpers over host calls (through rustix) shared by the syscall families:
//! file types, stat conversion, timestamps, and waiting on a blocking fd.

use crate::abi::{filetype, layout::Filestat, Errno};
use rustix::fs::{FileType, Stat};
use std::os::fd::AsFd;

/// The WASI filetype of an open host fd.
pub fn filetype_of(fd: impl AsFd) -> Result<u8, Errno> {
    let st = rustix::fs::fstat(&fd).map_err(errno)?;
    Ok(filetype_from_stat(&st, fd))
}

/// The WASI filetype for a stat result (sockets are asked for their type).
pub fn filetype_from_stat(st: &Stat, fd: impl AsFd) -> u8 {
    match FileType::from_raw_mode(st.st_mode) {
        FileType::RegularFile => filetype::REGULAR_FILE,
        FileType::Directory => filetype::DIRECTORY,
        FileType::CharacterDevice => filetype::CHARACTER_DEVICE,
        FileType::BlockDevice => filetype::BLOCK_DEVICE,
        FileType::Symlink => filetype::SYMBOLIC_LINK,
        FileType::Socket => match rustix::net::sockopt::socket_type(&fd) {
            Ok(rustix::net::SocketType::DGRAM) => filetype::SOCKET_DGRAM,
            _ => filetype::SOCKET_STREAM,
        },
        // A FIFO has no WASI filetype of its own: the spec's `unknown` is the honest answer.
        _ => filetype::UNKNOWN,
    }
}

/// The WASI filetype of a mode alone (no fd to ask a socket's type). `RawMode` is the host's
/// `mode_t`: u32 on Linux, u16 on macOS.
pub fn filetype_from_mode(mode: rustix::fs::RawMode) -> u8 {
    match FileType::from_raw_mode(mode) {
        FileType::RegularFile => filetype::REGULAR_FILE,
        FileType::Directory => filetype::DIRECTORY,
        FileType::CharacterDevice => filetype::CHARACTER_DEVICE,
        FileType::BlockDevice => filetype::BLOCK_DEVICE,
        FileType::Symlink => filetype::SYMBOLIC_LINK,
        FileType::Socket => filetype::SOCKET_STREAM,
        _ => filetype::UNKNOWN,
    }
}

fn ns(sec: i64, nsec: i64) -> u64 {
    (sec as i128 * 1_000_000_000 + nsec as i128).clamp(0, u64::MAX as i128) as u64
}

/// Converts a host stat to a WASI filestat.
// The casts are identities on Linux x86_64 but not on every target.
#[allow(clippy::unnecessary_cast)]
pub fn filestat_from_stat(st: &Stat, ft: u8) -> Filestat {
    Filestat {
        dev: st.st_dev as u64,
        ino: st.st_ino as u64,
        filetype: ft,
        nlink: st.st_nlink as u64,
        size: st.st_size as u64,
        atim: ns(st.st_atime as i64, st.st_atime_nsec as i64),
        mtim: ns(st.st_mtime as i64, st.st_mtime_nsec as i64),
        ctim: ns(st.st_ctime as i64, st.st_ctime_nsec as i64),
    }
}

/// Maps a rustix error.
pub fn errno(e: rustix::io::Errno) -> Errno {
    Errno::from_raw_os_error(e.raw_os_error())
}

/// Blocks until `fd` is ready for reading (`write == false`) or writing. Used when a host fd
/// was left non-blocking by its owner (Node's stdio) but the guest asked for blocking I/O.
pub fn wait_ready(fd: impl AsFd, write: bool) -> Result<(), Errno> {
    use rustix::event::{poll, PollFd, PollFlags};
    let flags = if write { PollFlags::OUT } else { PollFlags::IN };
    let mut fds = [PollFd::new(&fd, flags)];
    loop {
        match poll(&mut fds, None) {
            Ok(_) => return Ok(()),
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(errno(e)),
        }
    }
}
