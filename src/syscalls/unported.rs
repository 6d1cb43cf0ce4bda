//! The Windows stand-in for the one syscall family that is POSIX-only, `sock`, with the
//! signatures of the real one (`sock.rs`), so the shared code and the binding's import table
//! need no cfg of their own: the fd is checked as on POSIX (EBADF for a closed fd), then
//! ENOTSOCK: Windows never hands a socket to a guest (sockets as stdio are not supported).

pub mod sock {
    use crate::abi::Errno;
    use crate::ctx::Ctx;
    use crate::memory::GuestMemory;
    use crate::syscalls::SysResult;

    /// EBADF for a closed fd, else ENOTSOCK (no Windows fd is a socket).
    fn not_a_socket(ctx: &mut Ctx, fd: u32) -> SysResult {
        ctx.fds.get(fd, 0)?;
        Err(Errno::ENOTSOCK)
    }

    pub fn sock_accept(
        ctx: &mut Ctx,
        _mem: &GuestMemory,
        fd: u32,
        _flags: u32,
        _result: u32,
    ) -> SysResult {
        not_a_socket(ctx, fd)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn sock_recv(
        ctx: &mut Ctx,
        _mem: &GuestMemory,
        fd: u32,
        _ri_data: u32,
        _ri_data_len: u32,
        _ri_flags: u32,
        _ro_datalen: u32,
        _ro_flags: u32,
    ) -> SysResult {
        not_a_socket(ctx, fd)
    }

    pub fn sock_send(
        ctx: &mut Ctx,
        _mem: &GuestMemory,
        fd: u32,
        _si_data: u32,
        _si_data_len: u32,
        _si_flags: u32,
        _so_datalen: u32,
    ) -> SysResult {
        not_a_socket(ctx, fd)
    }

    pub fn sock_shutdown(ctx: &mut Ctx, _mem: &GuestMemory, fd: u32, _how: u32) -> SysResult {
        not_a_socket(ctx, fd)
    }
}
