//! sock_accept, sock_recv, sock_send, sock_shutdown on fds that are host sockets (a stdio
//! option may name a listening or connected socket, inetd-style). Any other fd is ENOTSOCK
//! and a closed fd EBADF: never a crash (node:wasi dereferences a pipe as a socket).

use super::fd::{blocking, is_socket, IOV_MAX, MAX_IO_BYTES};
use super::SysResult;
use crate::abi::{fdflags, riflags, rights, sdflags, Errno};
use crate::ctx::Ctx;
use crate::fd_table::{default_rights, FdEntry, Handle};
use crate::host::{self, errno};
use crate::memory::{io, limit_total, GuestMemory};

fn socket(ctx: &mut Ctx, fd: u32, needed: u64) -> Result<&mut FdEntry, Errno> {
    let e = ctx.fds.get(fd, 0)?;
    if !is_socket(e) {
        return Err(Errno::ENOTSOCK);
    }
    if e.rights_base & needed != needed {
        return Err(Errno::ENOTCAPABLE);
    }
    Ok(e)
}

pub fn sock_accept(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    flags: u32,
    result: u32,
) -> SysResult {
    mem.range(result, 4)?;
    if flags & !(fdflags::NONBLOCK as u32) != 0 {
        return Err(Errno::EINVAL);
    }
    let e = socket(ctx, fd, rights::SOCK_ACCEPT)?;
    // A socket that is not listening would make the readiness wait below last until data
    // arrives; accept(2) answers EINVAL for it, so do we, at once.
    if !is_listening(e.handle.as_fd()) {
        return Err(Errno::EINVAL);
    }
    let nonblocking_listener = e.flags & fdflags::NONBLOCK != 0;
    if !nonblocking_listener {
        // Wait interruptibly: accept() itself would block in the kernel for good.
        super::poll::wait_ready(mem, e.handle.as_fd(), false)?;
    } else if !super::fd::ready_now(e.handle.as_fd(), false)? {
        // A non-blocking listener whose host socket may block: nobody waiting is EAGAIN.
        return Err(Errno::EAGAIN);
    }
    let conn = loop {
        match accept_cloexec(e.handle.as_fd()) {
            Ok(c) => break c,
            Err(rustix::io::Errno::INTR) => continue,
            Err(rustix::io::Errno::AGAIN) if !nonblocking_listener => {
                super::poll::wait_ready(mem, e.handle.as_fd(), false)?
            }
            Err(err) => return Err(errno(err)),
        }
    };
    let file = std::fs::File::from(conn);
    let ft = host::filetype_of(&file)?;
    let (base, inheriting) = default_rights(ft);
    let flags = flags as u16;
    if flags & fdflags::NONBLOCK != 0 {
        rustix::io::ioctl_fionbio(&file, true).map_err(errno)?;
    }
    let new_fd = ctx.fds.insert(FdEntry {
        handle: Handle::File(file),
        filetype: ft,
        tty: false,
        rights_base: base,
        rights_inheriting: inheriting,
        flags,
        preopen: None,
    })?;
    mem.write_u32(result, new_fd)
}

#[allow(clippy::too_many_arguments)]
pub fn sock_recv(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    ri_data: u32,
    ri_data_len: u32,
    ri_flags: u32,
    ro_datalen: u32,
    ro_flags: u32,
) -> SysResult {
    mem.range(ro_datalen, 4)?;
    mem.range(ro_flags, 2)?;
    let mut v = mem.iovecs(ri_data, ri_data_len, IOV_MAX)?;
    limit_total(&mut v, MAX_IO_BYTES);
    let known = (riflags::RECV_PEEK | riflags::RECV_WAITALL) as u32;
    if ri_flags & !known != 0 {
        return Err(Errno::EINVAL);
    }
    let mut flags = 0;
    if ri_flags & riflags::RECV_PEEK as u32 != 0 {
        flags |= libc::MSG_PEEK;
    }
    if ri_flags & riflags::RECV_WAITALL as u32 != 0 {
        flags |= libc::MSG_WAITALL;
    }
    let e = socket(ctx, fd, rights::FD_READ)?;
    let (n, truncated) = blocking(mem, e, false, || io::recv(e.handle.as_fd(), &v, flags))?;
    mem.write_u32(ro_datalen, n as u32)?;
    let out = if truncated {
        riflags::RECV_DATA_TRUNCATED
    } else {
        0
    };
    mem.write_u16(ro_flags, out)
}

pub fn sock_send(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    si_data: u32,
    si_data_len: u32,
    si_flags: u32,
    so_datalen: u32,
) -> SysResult {
    mem.range(so_datalen, 4)?;
    let mut v = mem.iovecs(si_data, si_data_len, IOV_MAX)?;
    limit_total(&mut v, MAX_IO_BYTES);
    if si_flags != 0 {
        // siflags defines no bits.
        return Err(Errno::EINVAL);
    }
    let e = socket(ctx, fd, rights::FD_WRITE)?;
    let n = blocking(mem, e, true, || io::send(e.handle.as_fd(), &v))?;
    mem.write_u32(so_datalen, n as u32)
}

pub fn sock_shutdown(ctx: &mut Ctx, _mem: &GuestMemory, fd: u32, how: u32) -> SysResult {
    use rustix::net::Shutdown;
    let how = match how as u8 {
        _ if how > 3 => return Err(Errno::EINVAL),
        sdflags::RD => Shutdown::Read,
        sdflags::WR => Shutdown::Write,
        x if x == sdflags::RD | sdflags::WR => Shutdown::Both,
        _ => return Err(Errno::EINVAL),
    };
    let e = socket(ctx, fd, rights::SOCK_SHUTDOWN)?;
    rustix::net::shutdown(e.handle.as_fd(), how).map_err(errno)
}

/// Whether the socket listens (SO_ACCEPTCONN). Apple declares the option but does not
/// implement it, so there (and when the host cannot tell) the socket counts as listening: a
/// non-listening socket then waits for readiness instead of failing with EINVAL at once.
fn is_listening(fd: std::os::fd::BorrowedFd<'_>) -> bool {
    #[cfg(not(target_vendor = "apple"))]
    return rustix::net::sockopt::socket_acceptconn(fd).unwrap_or(true);
    #[cfg(target_vendor = "apple")]
    {
        let _ = fd;
        true
    }
}

/// accept4(SOCK_CLOEXEC) where it exists; macOS has no accept4, so the flag is set right after.
fn accept_cloexec(fd: std::os::fd::BorrowedFd<'_>) -> rustix::io::Result<std::os::fd::OwnedFd> {
    #[cfg(not(target_vendor = "apple"))]
    return rustix::net::accept_with(fd, rustix::net::SocketFlags::CLOEXEC);
    #[cfg(target_vendor = "apple")]
    {
        let conn = rustix::net::accept(fd)?;
        rustix::io::fcntl_setfd(&conn, rustix::io::FdFlags::CLOEXEC)?;
        Ok(conn)
    }
}
