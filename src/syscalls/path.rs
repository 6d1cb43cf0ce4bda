//! path_* calls and fd_readdir: resolved beneath a directory fd by the sandbox.
//! (Filled in by the filesystem work; until then every call reports ENOSYS.)

use super::SysResult;
use crate::abi::Errno;
use crate::ctx::Ctx;
use crate::memory::GuestMemory;

macro_rules! not_yet {
    ($($name:ident($($a:ident: $t:ty),*);)*) => {$(
        #[allow(clippy::too_many_arguments)]
        pub fn $name(_ctx: &mut Ctx, _mem: &GuestMemory, $($a: $t),*) -> SysResult {
            $(let _ = $a;)*
            Err(Errno::ENOSYS)
        }
    )*};
}

not_yet! {
    fd_readdir(fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32);
    path_create_directory(fd: u32, path: u32, path_len: u32);
    path_filestat_get(fd: u32, flags: u32, path: u32, path_len: u32, buf: u32);
    path_filestat_set_times(fd: u32, flags: u32, path: u32, path_len: u32, atim: u64, mtim: u64, fst_flags: u32);
    path_link(old_fd: u32, old_flags: u32, old_path: u32, old_path_len: u32, new_fd: u32, new_path: u32, new_path_len: u32);
    path_open(fd: u32, dirflags: u32, path: u32, path_len: u32, oflags: u32, rights_base: u64, rights_inheriting: u64, fdflags: u32, opened_fd: u32);
    path_readlink(fd: u32, path: u32, path_len: u32, buf: u32, buf_len: u32, bufused: u32);
    path_remove_directory(fd: u32, path: u32, path_len: u32);
    path_rename(fd: u32, old_path: u32, old_path_len: u32, new_fd: u32, new_path: u32, new_path_len: u32);
    path_symlink(old_path: u32, old_path_len: u32, fd: u32, new_path: u32, new_path_len: u32);
    path_unlink_file(fd: u32, path: u32, path_len: u32);
}
