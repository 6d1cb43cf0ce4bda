//! The fd_* calls that work on any open fd: reading and writing (straight between the host fd
//! and guest buffers), seeking, stat, flags and rights, sync, advise and allocate, closing and
//! renumbering, and the preopen queries. Directory listing (`fd_readdir`) lives with the path
//! calls. Stdio fds are the instance's own duplicates, so closing or renumbering them never
//! touches the Node process's stdio; blocking semantics hold even when Node left a stdio fd
//! non-blocking.

use super::SysResult;
use crate::abi::layout::{self, Fdstat};
use crate::abi::{advice, fdflags, rights, Errno, Whence};
use crate::ctx::Ctx;
use crate::fd_table::{FdEntry, Handle};
use crate::memory::{io, GuestMemory};
use crate::sys;
use std::io::SeekFrom;
#[cfg(unix)]
use std::os::fd::AsFd;

/// The most iovecs one call transfers (Linux's IOV_MAX); a longer table is a short transfer.
pub const IOV_MAX: u32 = 1024;

/// The most bytes one read or write call moves; a longer request is a short transfer (Linux
/// itself stops at 2 GiB - 4 KiB). Guest buffers are handed to the kernel directly, so this
/// bounds the time one call can take, not a host allocation.
pub const MAX_IO_BYTES: usize = 64 << 20;

/// Runs a host read or write, waiting for readiness when the host fd is non-blocking but the
/// guest did not ask for non-blocking I/O. A blocking read from a pipe, terminal or socket
/// first waits for readiness in interruptible slices, so a guest blocked on stdin inside a
/// Worker can be terminated.
pub(crate) fn blocking<T>(
    mem: &GuestMemory,
    e: &FdEntry,
    write: bool,
    mut op: impl FnMut() -> Result<T, Errno>,
) -> Result<T, Errno> {
    #[cfg(unix)]
    {
        let guest_blocking = e.flags & fdflags::NONBLOCK == 0;
        if guest_blocking && !write && e.is_stream() {
            super::poll::wait_ready(mem, e.handle.as_fd(), false)?;
        }
        if !guest_blocking && e.is_stream() && !ready_now(e.handle.as_fd(), write)? {
            // The guest asked for non-blocking I/O but the host fd (shared stdio, a socket
            // handed over) may be blocking: nothing ready means EAGAIN, not a wait.
            return Err(Errno::EAGAIN);
        }
        loop {
            match op() {
                Err(Errno::EAGAIN) if guest_blocking => {
                    super::poll::wait_ready(mem, e.handle.as_fd(), write)?
                }
                r => return r,
            }
        }
    }
    // Windows has no readiness wait for pipes and consoles: the transfer blocks in the host
    // (a blocked read cannot be interrupted), and NONBLOCK is not honoured for them.
    #[cfg(windows)]
    {
        let _ = (mem, e, write);
        op()
    }
}

/// Whether `fd` is ready for reading (or writing) right now, without waiting.
#[cfg(unix)]
pub(crate) fn ready_now(fd: std::os::fd::BorrowedFd<'_>, write: bool) -> Result<bool, Errno> {
    use crate::host::errno;
    use rustix::event::{PollFd, PollFlags};
    let flags = if write { PollFlags::OUT } else { PollFlags::IN };
    let mut fds = [PollFd::new(&fd, flags)];
    let zero = rustix::time::Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    loop {
        match rustix::event::poll(&mut fds, Some(&zero)) {
            Ok(n) => return Ok(n > 0),
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(errno(e)),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn transfer(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    offset: Option<u64>,
    result: u32,
    write: bool,
) -> SysResult {
    mem.range(result, 4)?;
    let mut v = mem.iovecs(iovs, iovs_len, IOV_MAX)?;
    crate::memory::limit_total(&mut v, MAX_IO_BYTES);
    let mut needed = if write {
        rights::FD_WRITE
    } else {
        rights::FD_READ
    };
    if offset.is_some() {
        needed |= rights::FD_SEEK;
    }
    if write && offset.is_none() {
        if let Some(n) = write_untyped(ctx, mem, fd, &v)? {
            return mem.write_u32(result, n as u32);
        }
    }
    let e = ctx.fds.get(fd, 0)?;
    if offset.is_some() && !e.seekable() {
        return Err(Errno::ESPIPE);
    }
    if e.rights_base & needed != needed {
        return Err(Errno::ENOTCAPABLE);
    }
    let file = e.file()?;
    #[cfg(unix)]
    let host = file.as_fd();
    #[cfg(windows)]
    let host = std::os::windows::io::AsHandle::as_handle(file);
    let n = blocking(mem, e, write, || {
        if write {
            io::write(host, &v, offset)
        } else {
            io::read(host, &v, offset)
        }
    })?;
    mem.write_u32(result, n as u32)
}

/// `fd_write` on an entry `path_open` left untyped, without the fstat that typing costs:
/// `Ok(None)` when the entry is typed (or closed) or the write needs its type.
///
/// The answer is the one the typed entry would give. The write needs `FD_WRITE`, which
/// every filetype but a directory keeps when typing narrows the rights, and an entry holding
/// `FD_WRITE` is never a directory: `path_open` opened it for writing (`host_flags`), which
/// the host refuses for a directory. A blocking write (no guest `NONBLOCK`) waits for
/// readiness only after the host says EAGAIN, whatever the filetype (see [`blocking`]);
/// a non-blocking one asks the filetype whether to poll first, so it is typed.
fn write_untyped(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    v: &[crate::memory::IoVec],
) -> Result<Option<usize>, Errno> {
    let Some(e) = ctx.fds.get_untyped(fd) else {
        return Ok(None);
    };
    if e.flags & fdflags::NONBLOCK != 0 || e.rights_base & rights::FD_WRITE == 0 {
        return Ok(None);
    }
    let file = e.file()?;
    #[cfg(unix)]
    let host = file.as_fd();
    #[cfg(windows)]
    let host = std::os::windows::io::AsHandle::as_handle(file);
    #[cfg(windows)]
    {
        let _ = mem;
        io::write(host, v, None).map(Some)
    }
    #[cfg(unix)]
    loop {
        match io::write(host, v, None) {
            Err(Errno::EAGAIN) => super::poll::wait_ready(mem, host, true)?,
            r => return r.map(Some),
        }
    }
}

pub fn fd_read(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    iovs: u32,
    len: u32,
    nread: u32,
) -> SysResult {
    transfer(ctx, mem, fd, iovs, len, None, nread, false)
}

pub fn fd_write(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    iovs: u32,
    len: u32,
    nwritten: u32,
) -> SysResult {
    transfer(ctx, mem, fd, iovs, len, None, nwritten, true)
}

pub fn fd_pread(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    iovs: u32,
    len: u32,
    offset: u64,
    nread: u32,
) -> SysResult {
    if offset > i64::MAX as u64 {
        return Err(Errno::EINVAL);
    }
    transfer(ctx, mem, fd, iovs, len, Some(offset), nread, false)
}

pub fn fd_pwrite(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    iovs: u32,
    len: u32,
    offset: u64,
    nwritten: u32,
) -> SysResult {
    if offset > i64::MAX as u64 {
        return Err(Errno::EINVAL);
    }
    transfer(ctx, mem, fd, iovs, len, Some(offset), nwritten, true)
}

pub fn fd_seek(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    offset: u64,
    whence: u32,
    newoffset: u32,
) -> SysResult {
    mem.range(newoffset, 8)?;
    let version = ctx.version;
    let e = ctx.fds.get(fd, 0)?;
    let whence = version.whence(whence).ok_or(Errno::EINVAL)?;
    let offset = offset as i64;
    // A pure position query needs only the tell right.
    let needed = if offset == 0 && whence == Whence::Cur {
        rights::FD_TELL
    } else {
        rights::FD_SEEK
    };
    if !e.seekable() {
        return Err(Errno::ESPIPE);
    }
    if e.rights_base & (needed | rights::FD_SEEK) == 0 {
        return Err(Errno::ENOTCAPABLE);
    }
    let pos = match whence {
        Whence::Set if offset < 0 => return Err(Errno::EINVAL),
        Whence::Set => SeekFrom::Start(offset as u64),
        Whence::Cur => SeekFrom::Current(offset),
        Whence::End => SeekFrom::End(offset),
    };
    let n = sys::seek(&e.handle, pos)?;
    mem.write_u64(newoffset, n)
}

pub fn fd_tell(ctx: &mut Ctx, mem: &GuestMemory, fd: u32, offset: u32) -> SysResult {
    mem.range(offset, 8)?;
    let e = ctx.fds.get(fd, 0)?;
    if !e.seekable() {
        return Err(Errno::ESPIPE);
    }
    if e.rights_base & (rights::FD_TELL | rights::FD_SEEK) == 0 {
        return Err(Errno::ENOTCAPABLE);
    }
    let n = sys::tell(&e.handle)?;
    mem.write_u64(offset, n)
}

pub fn fd_close(ctx: &mut Ctx, _mem: &GuestMemory, fd: u32) -> SysResult {
    ctx.fds.remove(fd).map(drop)
}

pub fn fd_renumber(ctx: &mut Ctx, _mem: &GuestMemory, from: u32, to: u32) -> SysResult {
    ctx.fds.renumber(from, to)
}

pub fn fd_fdstat_get(ctx: &mut Ctx, mem: &GuestMemory, fd: u32, stat: u32) -> SysResult {
    mem.range(stat, layout::FDSTAT_SIZE as u64)?;
    let e = ctx.fds.get(fd, 0)?;
    let st = Fdstat {
        filetype: e.filetype,
        flags: e.flags,
        rights_base: e.rights_base,
        rights_inheriting: e.rights_inheriting,
    };
    mem.write_bytes(stat, &st.encode())
}

pub fn fd_fdstat_set_flags(ctx: &mut Ctx, _mem: &GuestMemory, fd: u32, flags: u32) -> SysResult {
    if flags > fdflags::ALL as u32 {
        return Err(Errno::EINVAL);
    }
    let flags = flags as u16;
    let e = ctx.fds.get(fd, rights::FD_FDSTAT_SET_FLAGS)?;
    // The sync flags are fixed at open time on every host we support.
    let sync = fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC;
    if (flags ^ e.flags) & sync != 0 {
        return Err(Errno::ENOTSUP);
    }
    if matches!(e.handle, Handle::File(_)) && e.filetype == crate::abi::filetype::REGULAR_FILE {
        // A file the guest opened owns its host description: keep the host flags in step.
        sys::set_file_flags(&e.handle, e.flags, flags)?;
    }
    // Stdio and other shared descriptions are not changed on the host (that would change the
    // Node process's own stdio); NONBLOCK is honoured by the read/write path instead.
    e.flags = flags;
    Ok(())
}

pub fn fd_fdstat_set_rights(
    ctx: &mut Ctx,
    _mem: &GuestMemory,
    fd: u32,
    base: u64,
    inheriting: u64,
) -> SysResult {
    let e = ctx.fds.get(fd, 0)?;
    // Rights only narrow.
    if base & !e.rights_base != 0 || inheriting & !e.rights_inheriting != 0 {
        return Err(Errno::ENOTCAPABLE);
    }
    e.rights_base = base;
    e.rights_inheriting = inheriting;
    Ok(())
}

pub fn fd_filestat_get(ctx: &mut Ctx, mem: &GuestMemory, fd: u32, buf: u32) -> SysResult {
    let version = ctx.version;
    mem.range(buf, version.filestat_size() as u64)?;
    let e = ctx.fds.get(fd, rights::FD_FILESTAT_GET)?;
    let (bytes, n) = sys::filestat(&e.handle, e.filetype)?.encode(version);
    mem.write_bytes(buf, &bytes[..n])
}

pub fn fd_filestat_set_size(ctx: &mut Ctx, _mem: &GuestMemory, fd: u32, size: u64) -> SysResult {
    let e = ctx.fds.get(fd, rights::FD_FILESTAT_SET_SIZE)?;
    if size > i64::MAX as u64 {
        return Err(Errno::EINVAL);
    }
    let f = e.file()?;
    sys::set_size(f, size)
}

/// Turns WASI `(atim, mtim, fst_flags)` into what `sandbox::set_times` takes.
#[cfg(windows)]
pub fn timestamps(atim: u64, mtim: u64, flags: u32) -> Result<crate::sandbox::Timestamps, Errno> {
    sys::times(atim, mtim, flags)
}

/// Turns WASI `(atim, mtim, fst_flags)` into host timestamps (`UTIME_OMIT` / `UTIME_NOW`).
#[cfg(unix)]
pub fn timestamps(atim: u64, mtim: u64, flags: u32) -> Result<rustix::fs::Timestamps, Errno> {
    let (a, m) = sys::times(atim, mtim, flags)?;
    Ok(sys::timestamps(a, m))
}

pub fn fd_filestat_set_times(
    ctx: &mut Ctx,
    _mem: &GuestMemory,
    fd: u32,
    atim: u64,
    mtim: u64,
    flags: u32,
) -> SysResult {
    let (a, m) = sys::times(atim, mtim, flags)?;
    let e = ctx.fds.get(fd, rights::FD_FILESTAT_SET_TIMES)?;
    sys::set_times(&e.handle, a, m)
}

pub fn fd_advise(
    ctx: &mut Ctx,
    _mem: &GuestMemory,
    fd: u32,
    offset: u64,
    len: u64,
    adv: u32,
) -> SysResult {
    let adv = match u8::try_from(adv) {
        Ok(
            a @ (advice::NORMAL
            | advice::SEQUENTIAL
            | advice::RANDOM
            | advice::WILLNEED
            | advice::DONTNEED
            | advice::NOREUSE),
        ) => a,
        _ => return Err(Errno::EINVAL),
    };
    let e = ctx.fds.get(fd, rights::FD_ADVISE)?;
    if e.filetype == crate::abi::filetype::DIRECTORY {
        return Err(Errno::EBADF);
    }
    if !e.seekable() {
        return Err(Errno::ESPIPE);
    }
    sys::advise(&e.handle, offset, len, adv)
}

pub fn fd_allocate(ctx: &mut Ctx, _mem: &GuestMemory, fd: u32, offset: u64, len: u64) -> SysResult {
    let e = ctx.fds.get(fd, rights::FD_ALLOCATE)?;
    let f = e.file()?;
    if len == 0
        || offset
            .checked_add(len)
            .is_none_or(|end| end > i64::MAX as u64)
    {
        return Err(Errno::EINVAL);
    }
    sys::allocate(f, offset, len)
}

pub fn fd_datasync(ctx: &mut Ctx, _mem: &GuestMemory, fd: u32) -> SysResult {
    let e = ctx.fds.get(fd, rights::FD_DATASYNC)?;
    sys::datasync(&e.handle)
}

pub fn fd_sync(ctx: &mut Ctx, _mem: &GuestMemory, fd: u32) -> SysResult {
    let e = ctx.fds.get(fd, rights::FD_SYNC)?;
    sys::sync(&e.handle)
}

pub fn fd_prestat_get(ctx: &mut Ctx, mem: &GuestMemory, fd: u32, buf: u32) -> SysResult {
    mem.range(buf, layout::PRESTAT_SIZE as u64)?;
    let e = ctx.fds.get(fd, 0)?;
    let name = e.preopen.as_ref().ok_or(Errno::EBADF)?;
    mem.write_bytes(buf, &layout::encode_prestat_dir(name.len() as u32))
}

/// Writes the preopen's name. A buffer shorter than the name is ENAMETOOLONG, as wasmtime (the
/// reference runtime) answers; node:wasi says ENOBUFS. (`fd_prestat_get` gives the length.)
pub fn fd_prestat_dir_name(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    path: u32,
    len: u32,
) -> SysResult {
    mem.range(path, len as u64)?;
    let e = ctx.fds.get(fd, 0)?;
    let name = e.preopen.as_ref().ok_or(Errno::EBADF)?;
    if name.len() > len as usize {
        return Err(Errno::ENAMETOOLONG);
    }
    mem.write_bytes(path, name)
}

/// Whether an entry is a host socket (for the sock_* family).
pub fn is_socket(e: &FdEntry) -> bool {
    matches!(e.handle, Handle::File(_) | Handle::Shared(_))
        && matches!(
            e.filetype,
            crate::abi::filetype::SOCKET_STREAM | crate::abi::filetype::SOCKET_DGRAM
        )
}
