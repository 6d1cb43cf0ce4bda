//! An instance's stdio on Windows: the numbers Node passes (`process.stdout.fd`, an
//! `fs.openSync` result) are C runtime fds of Node's own C runtime, which this addon cannot
//! read from its own; libuv's `uv_get_osfhandle`, exported by the Node executable (or
//! libnode) for addons, turns one into the Windows handle behind it. Each instance gets its
//! own duplicate of that handle (`DuplicateHandle`), so the guest never holds Node's handle
//! and closing a guest fd never closes Node's stdio. (Unlike POSIX, where instances naming
//! the same fd share one duplicate, Windows' per-process handle limit is in the millions.)

use crate::abi::Errno;
use std::fs::File;
use std::os::windows::io::BorrowedHandle;
use std::sync::Arc;
use windows_sys::Win32::Foundation::{HANDLE, INVALID_HANDLE_VALUE};
use windows_sys::Win32::System::LibraryLoader::{GetModuleHandleW, GetProcAddress};

type UvGetOsfhandle = unsafe extern "C" fn(fd: i32) -> HANDLE;

/// `uv_get_osfhandle` from the Node image hosting this addon (node.exe, else libnode.dll).
fn uv_get_osfhandle() -> Option<UvGetOsfhandle> {
    let libnode: Vec<u16> = "libnode.dll\0".encode_utf16().collect();
    for module in [std::ptr::null(), libnode.as_ptr()] {
        // SAFETY: a null name asks for the process image; `libnode` is a NUL-terminated
        // UTF-16 string that outlives the call. No reference count is taken.
        let h = unsafe { GetModuleHandleW(module) };
        if h.is_null() {
            continue;
        }
        // SAFETY: `h` is a loaded module and the symbol name is NUL-terminated.
        if let Some(f) = unsafe { GetProcAddress(h, c"uv_get_osfhandle".as_ptr().cast()) } {
            // SAFETY: libuv declares `uv_os_fd_t uv_get_osfhandle(int fd)`; on Windows
            // uv_os_fd_t is a HANDLE.
            return Some(unsafe {
                std::mem::transmute::<unsafe extern "system" fn() -> isize, UvGetOsfhandle>(f)
            });
        }
    }
    None
}

/// A duplicate of the handle behind Node's fd `fd` for an instance's stdio. EBADF when `fd`
/// is not open; ENOTSUP when this process exports no libuv (not a Node process).
pub(super) fn stdio_file(fd: i32) -> Result<Arc<File>, Errno> {
    if fd < 0 {
        return Err(Errno::EBADF);
    }
    let get = uv_get_osfhandle().ok_or(Errno::ENOTSUP)?;
    // SAFETY: uv_get_osfhandle only looks the fd up in Node's C runtime table (an fd that is
    // not open gives INVALID_HANDLE_VALUE).
    let raw = unsafe { get(fd) };
    if raw.is_null() || raw == INVALID_HANDLE_VALUE {
        return Err(Errno::EBADF);
    }
    // SAFETY: `raw` is the open handle behind Node's fd `fd`, which stays open during this
    // call; it is only borrowed to be duplicated.
    let borrowed = unsafe { BorrowedHandle::borrow_raw(raw) };
    let dup = borrowed.try_clone_to_owned().map_err(Errno::from)?;
    Ok(Arc::new(File::from(dup)))
}
