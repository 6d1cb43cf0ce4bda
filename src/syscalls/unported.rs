//! Windows stand-ins for the two syscall families that are POSIX-only so far, with the
//! signatures of the real ones (`path.rs`, `sock.rs`), so the shared code and the binding's
//! import table need no cfg of their own.
//! - `path`: fd_readdir and every path_* call answer ENOSYS (not implemented on this host):
//!   resolving guest paths beneath a preopen is `sandbox`, built on *at calls and a
//!   cap-std fallback; its Windows side (cap-std only) is not written yet.
//! - `sock`: the fd is checked as on POSIX (EBADF for a closed fd), then ENOTSOCK: Windows
//!   never hands a socket to a guest (sockets as stdio are not supported there).

pub mod path {
    use crate::abi::Errno;
    use crate::ctx::Ctx;
    use crate::memory::GuestMemory;
    use crate::syscalls::SysResult;

    macro_rules! enosys {
        ($($name:ident($($arg:ident: $t:ty),*);)*) => {$(
            #[allow(clippy::too_many_arguments)]
            pub fn $name(_ctx: &mut Ctx, _mem: &GuestMemory, $($arg: $t),*) -> SysResult {
                let _ = ($($arg),*);
                Err(Errno::ENOSYS)
            }
        )*};
    }

    enosys! {
        fd_readdir(fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32);
        path_create_directory(fd: u32, path: u32, path_len: u32);
        path_filestat_get(fd: u32, flags: u32, path: u32, path_len: u32, buf: u32);
        path_filestat_set_times(
            fd: u32, flags: u32, path: u32, path_len: u32, atim: u64, mtim: u64, fst_flags: u32
        );
        path_link(
            old_fd: u32, old_flags: u32, old_path: u32, old_path_len: u32, new_fd: u32,
            new_path: u32, new_path_len: u32
        );
        path_open(
            fd: u32, dirflags: u32, path: u32, path_len: u32, oflags: u32, rights_base: u64,
            rights_inheriting: u64, fdflags: u32, opened_fd: u32
        );
        path_readlink(fd: u32, path: u32, path_len: u32, buf: u32, buf_len: u32, bufused: u32);
        path_remove_directory(fd: u32, path: u32, path_len: u32);
        path_rename(
            fd: u32, old_path: u32, old_path_len: u32, new_fd: u32, new_path: u32,
            new_path_len: u32
        );
        path_symlink(
            old_path: u32, old_path_len: u32, fd: u32, new_path: u32, new_path_len: u32
        );
        path_unlink_file(fd: u32, path: u32, path_len: u32);
    }
}

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
