//! `GuestMemory`: the guest's linear memory as a checked window. Every guest pointer and
//! length a syscall touches is checked here, in 64-bit arithmetic, and nowhere else; a range
//! outside memory is `EOVERFLOW` (as node:wasi answers), never a trap or a host crash.
//!
//! No Rust reference (`&[u8]` / `&mut [u8]`) into guest memory is ever created: the guest may
//! hand overlapping buffers, and a shared memory may be written by other threads during a
//! call. Data moves with raw copies in and out, and host syscalls receive raw pointers.
//!
//! The binding hands in the window that is current for the call (it checks before every call
//! that the memory's buffer was not replaced by growth). A shared memory may grow on another
//! thread meanwhile: for it the binding passes a refresher, asked for the current window when
//! a range does not fit.
//!
//! A shared memory (`WebAssembly.Memory({ shared: true })`) may be written by other guest
//! threads while a syscall copies from it: copies in and out of a shared memory are relaxed
//! atomic byte accesses, so such a race is never a data race in Rust's memory model (the
//! guest sees torn values, as it would with its own plain stores, and the host stays sound).
//!
//! A `GuestMemory` also carries the embedder's interrupt check for the one call it serves:
//! blocking calls wait in slices of at most [`BLOCK_SLICE`] and ask [`GuestMemory::interrupted`]
//! between slices, so a Worker blocked in a guest sleep or read can be terminated.

use crate::abi::Errno;
use std::cell::Cell;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

/// The longest a blocking call waits before asking whether it was interrupted.
pub const BLOCK_SLICE: Duration = Duration::from_millis(50);

/// Copies `n` bytes between guest and host memory (either direction); with `shared`, every
/// guest byte is read or written with a relaxed atomic access.
///
/// # Safety
/// `src` must be valid for `n` reads and `dst` for `n` writes; `guest_is_src` says which one
/// is guest memory (the other is host memory no other thread touches).
#[inline]
unsafe fn copy(src: *const u8, dst: *mut u8, n: usize, shared: bool, guest_is_src: bool) {
    if !shared {
        // SAFETY: forwarded contract; `ptr::copy` tolerates overlap.
        unsafe { std::ptr::copy(src, dst, n) };
        return;
    }
    for i in 0..n {
        // SAFETY: `i < n`, inside both ranges; a guest byte is only touched through an
        // `AtomicU8` (u8 and AtomicU8 have the same size and alignment).
        unsafe {
            if guest_is_src {
                let b = AtomicU8::from_ptr(src.add(i) as *mut u8).load(Ordering::Relaxed);
                *dst.add(i) = b;
            } else {
                AtomicU8::from_ptr(dst.add(i)).store(*src.add(i), Ordering::Relaxed);
            }
        }
    }
}

/// A refresher returns the memory's current `(base, len)`, if it can.
pub type Refresh<'a> = &'a dyn Fn() -> Option<(*mut u8, usize)>;

pub struct GuestMemory<'a> {
    base: Cell<*mut u8>,
    len: Cell<usize>,
    refresh: Option<Refresh<'a>>,
    shared: bool,
    interrupt: Option<&'a dyn Fn() -> bool>,
}

impl<'a> GuestMemory<'a> {
    /// # Safety
    /// `base` must point to `len` bytes that stay allocated for the lifetime of this value
    /// (one syscall), as must every window the refresher returns.
    pub unsafe fn new(base: *mut u8, len: usize, refresh: Option<Refresh<'a>>) -> Self {
        GuestMemory {
            base: Cell::new(base),
            len: Cell::new(len),
            refresh,
            shared: false,
            interrupt: None,
        }
    }

    /// Marks the memory as shared with other threads (copies become atomic byte accesses).
    pub fn with_shared(mut self, shared: bool) -> Self {
        self.shared = shared;
        self
    }

    /// Installs the embedder's interrupt check (see [`GuestMemory::interrupted`]).
    pub fn with_interrupt(mut self, interrupt: &'a dyn Fn() -> bool) -> Self {
        self.interrupt = Some(interrupt);
        self
    }

    /// Whether the embedder wants a blocking call to give up now (a Worker being
    /// terminated). Blocking calls ask between slices of at most [`BLOCK_SLICE`].
    pub fn interrupted(&self) -> bool {
        self.interrupt.is_some_and(|f| f())
    }

    /// Whether other threads may write this memory during a call.
    pub fn is_shared(&self) -> bool {
        self.shared
    }

    /// The size of guest memory in bytes (fetching the window if none was taken yet).
    pub fn len(&self) -> usize {
        if self.len.get() == 0 {
            self.try_refresh(1);
        }
        self.len.get()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Checks `[ptr, ptr + len)` and returns a raw pointer to its start.
    #[inline]
    pub fn range(&self, ptr: u32, len: u64) -> Result<*mut u8, Errno> {
        // Saturating: a length near u64::MAX must not wrap around to a small end.
        let end = (ptr as u64).saturating_add(len);
        if end > self.len.get() as u64 && !self.try_refresh(end) {
            return Err(Errno::EOVERFLOW);
        }
        // SAFETY: `ptr + len <= self.len`, so the offset stays inside the window.
        Ok(unsafe { self.base.get().add(ptr as usize) })
    }

    /// Asks the refresher for a window that covers `needed` bytes. Its first answer may be
    /// a cached window (a shared memory grown elsewhere keeps its old length there), so a
    /// window that is still too small is asked for once more.
    #[cold]
    fn try_refresh(&self, needed: u64) -> bool {
        let Some(refresh) = self.refresh else {
            return false;
        };
        for _ in 0..2 {
            let Some((base, len)) = refresh() else {
                return false;
            };
            self.base.set(base);
            self.len.set(len);
            if needed <= len as u64 {
                return true;
            }
        }
        false
    }

    /// Checks an array of `count` records of `size` bytes at `ptr`.
    pub fn array(&self, ptr: u32, count: u32, size: u32) -> Result<*mut u8, Errno> {
        self.range(ptr, count as u64 * size as u64)
    }

    /// Copies `len` guest bytes at `ptr` into a new vector.
    pub fn read_bytes(&self, ptr: u32, len: u32) -> Result<Vec<u8>, Errno> {
        let src = self.range(ptr, len as u64)?;
        let mut out = vec![0u8; len as usize];
        // SAFETY: `src` is checked for `len` bytes; `out` is a fresh host buffer.
        unsafe { copy(src, out.as_mut_ptr(), len as usize, self.shared, true) };
        Ok(out)
    }

    /// Copies guest bytes at `ptr` into `out`.
    pub fn read_into(&self, ptr: u32, out: &mut [u8]) -> Result<(), Errno> {
        let src = self.range(ptr, out.len() as u64)?;
        // SAFETY: `src` is checked for `out.len()` bytes; `out` is host memory.
        unsafe { copy(src, out.as_mut_ptr(), out.len(), self.shared, true) };
        Ok(())
    }

    /// Copies `data` into guest memory at `ptr`.
    pub fn write_bytes(&self, ptr: u32, data: &[u8]) -> Result<(), Errno> {
        let dst = self.range(ptr, data.len() as u64)?;
        // SAFETY: `dst` is checked for `data.len()` bytes; `data` is host memory (ptr::copy
        // tolerates overlap, should a caller ever pass guest-derived bytes).
        unsafe { copy(data.as_ptr(), dst, data.len(), self.shared, false) };
        Ok(())
    }

    pub fn read_u8(&self, ptr: u32) -> Result<u8, Errno> {
        let mut b = [0u8; 1];
        self.read_into(ptr, &mut b)?;
        Ok(b[0])
    }

    pub fn read_u16(&self, ptr: u32) -> Result<u16, Errno> {
        let mut b = [0u8; 2];
        self.read_into(ptr, &mut b)?;
        Ok(u16::from_le_bytes(b))
    }

    pub fn read_u32(&self, ptr: u32) -> Result<u32, Errno> {
        let mut b = [0u8; 4];
        self.read_into(ptr, &mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    pub fn read_u64(&self, ptr: u32) -> Result<u64, Errno> {
        let mut b = [0u8; 8];
        self.read_into(ptr, &mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    pub fn write_u8(&self, ptr: u32, v: u8) -> Result<(), Errno> {
        self.write_bytes(ptr, &[v])
    }

    pub fn write_u16(&self, ptr: u32, v: u16) -> Result<(), Errno> {
        self.write_bytes(ptr, &v.to_le_bytes())
    }

    pub fn write_u32(&self, ptr: u32, v: u32) -> Result<(), Errno> {
        self.write_bytes(ptr, &v.to_le_bytes())
    }

    pub fn write_u64(&self, ptr: u32, v: u64) -> Result<(), Errno> {
        self.write_bytes(ptr, &v.to_le_bytes())
    }

    /// Reads an iovec table (`count` × `{ buf: u32, buf_len: u32 }`) and checks every buffer.
    /// At most `max` entries are taken (a short transfer is always allowed); the table and
    /// each buffer must lie inside memory.
    #[inline]
    pub fn iovecs(&self, ptr: u32, count: u32, max: u32) -> Result<IoVecs, Errno> {
        self.array(ptr, count, 8)?;
        let take = count.min(max) as usize;
        let mut out = IoVecs::with_capacity(take);
        // The table is copied out in chunks of `INLINE_IOVECS` records, one checked copy
        // each (a table of that many or fewer: one copy, no allocation).
        let mut chunk = [0u8; 8 * INLINE_IOVECS];
        let mut i = 0u32;
        while i < count {
            let n = (count - i).min(INLINE_IOVECS as u32);
            let bytes = &mut chunk[..8 * n as usize];
            // Inside the table checked above, so `ptr + 8 * i` does not wrap.
            self.read_into(ptr + 8 * i, bytes)?;
            for rec in bytes.chunks_exact(8) {
                let buf = u32::from_le_bytes([rec[0], rec[1], rec[2], rec[3]]);
                let len = u32::from_le_bytes([rec[4], rec[5], rec[6], rec[7]]);
                let base = self.range(buf, len as u64)?;
                // Entries past `max` are not transferred, but they must still be valid.
                if (i as usize) < take {
                    out.push(IoVec {
                        guest: buf,
                        base,
                        len: len as usize,
                    });
                }
                i += 1;
            }
        }
        Ok(out)
    }
}

/// One checked guest buffer of an iovec table.
#[derive(Clone, Copy, Debug)]
pub struct IoVec {
    /// Guest address of the buffer.
    pub guest: u32,
    /// Host address of the buffer (valid for this call only).
    pub base: *mut u8,
    pub len: usize,
}

impl Blank for IoVec {
    const BLANK: IoVec = IoVec {
        guest: 0,
        base: std::ptr::null_mut(),
        len: 0,
    };
}

/// How many iovecs a call holds without allocating: wasi-libc's `read` and `write` pass one
/// buffer, its stdio two.
pub const INLINE_IOVECS: usize = 4;

/// The checked iovecs of one call.
pub type IoVecs = SmallList<IoVec, INLINE_IOVECS>;

/// The value a [`SmallList`] fills its unused inline room with.
pub trait Blank: Copy {
    const BLANK: Self;
}

/// A list of up to `N` values held inline and more on the heap, for the per-call lists of the
/// I/O path (guest iovecs, the kernel's iovec array), which are almost always short and so
/// cost no allocation.
pub struct SmallList<T: Blank, const N: usize> {
    inline: [T; N],
    len: usize,
    heap: Option<Vec<T>>,
}

impl<T: Blank, const N: usize> SmallList<T, N> {
    /// Room for `n` values.
    #[inline]
    pub fn with_capacity(n: usize) -> Self {
        SmallList {
            inline: [T::BLANK; N],
            len: 0,
            heap: (n > N).then(|| Vec::with_capacity(n)),
        }
    }

    #[inline]
    pub fn push(&mut self, v: T) {
        match &mut self.heap {
            Some(heap) => heap.push(v),
            None if self.len < N => {
                self.inline[self.len] = v;
                self.len += 1;
            }
            None => {
                let mut heap = self.inline.to_vec();
                heap.push(v);
                self.heap = Some(heap);
            }
        }
    }

    /// Keeps the first `n` values.
    pub fn truncate(&mut self, n: usize) {
        match &mut self.heap {
            Some(heap) => heap.truncate(n),
            None => self.len = self.len.min(n),
        }
    }
}

impl<T: Blank, const N: usize> std::ops::Deref for SmallList<T, N> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match &self.heap {
            Some(heap) => heap,
            None => &self.inline[..self.len],
        }
    }
}

impl<T: Blank, const N: usize> std::ops::DerefMut for SmallList<T, N> {
    fn deref_mut(&mut self) -> &mut [T] {
        match &mut self.heap {
            Some(heap) => heap,
            None => &mut self.inline[..self.len],
        }
    }
}

impl<'a, T: Blank, const N: usize> IntoIterator for &'a SmallList<T, N> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Blank + std::fmt::Debug, const N: usize> std::fmt::Debug for SmallList<T, N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Blank, const N: usize> FromIterator<T> for SmallList<T, N> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut out = SmallList::with_capacity(iter.size_hint().0);
        for v in iter {
            out.push(v);
        }
        out
    }
}

/// Trims an iovec list so that it moves at most `max` bytes in total (a short transfer).
pub fn limit_total(iovs: &mut IoVecs, max: usize) {
    let mut left = max;
    for i in 0..iovs.len() {
        if iovs[i].len >= left {
            iovs[i].len = left;
            iovs.truncate(i + 1);
            return;
        }
        left -= iovs[i].len;
    }
}

/// Host I/O straight between a host fd and guest buffers. The kernel reads or writes the
/// guest's memory through raw iovecs, so no Rust reference to guest memory exists even when
/// the guest's buffers overlap. `EINTR` is retried.
#[cfg(unix)]
pub mod io {
    use super::{Blank, IoVec, SmallList, INLINE_IOVECS};
    use crate::abi::Errno;
    use std::os::fd::{AsRawFd, BorrowedFd};

    impl Blank for libc::iovec {
        const BLANK: libc::iovec = libc::iovec {
            iov_base: std::ptr::null_mut(),
            iov_len: 0,
        };
    }

    /// The iovecs as the kernel takes them (on the stack for the usual short lists).
    fn raw(iovs: &[IoVec]) -> SmallList<libc::iovec, INLINE_IOVECS> {
        iovs.iter()
            .map(|v| libc::iovec {
                iov_base: v.base.cast(),
                iov_len: v.len,
            })
            .collect()
    }

    fn retry(mut f: impl FnMut() -> isize) -> Result<usize, Errno> {
        loop {
            let n = f();
            if n >= 0 {
                return Ok(n as usize);
            }
            let e = std::io::Error::last_os_error();
            if e.raw_os_error() != Some(libc::EINTR) {
                return Err(Errno::from_io(&e));
            }
        }
    }

    /// `readv` / `preadv` into guest buffers (`read` / `pread` for a single buffer, as
    /// node:wasi does: no iovec array to build and copy in).
    pub fn read(fd: BorrowedFd<'_>, iovs: &[IoVec], offset: Option<u64>) -> Result<usize, Errno> {
        let fd = fd.as_raw_fd();
        if let [one] = iovs {
            return retry(|| match offset {
                // SAFETY: the buffer was checked by `GuestMemory::iovecs` to lie inside guest
                // memory, which stays mapped for the duration of the call.
                None => unsafe { libc::read(fd, one.base.cast(), one.len) },
                // SAFETY: as above.
                Some(off) => unsafe {
                    libc::pread(fd, one.base.cast(), one.len, off as libc::off_t)
                },
            });
        }
        let v = raw(iovs);
        retry(|| match offset {
            // SAFETY: every iovec was checked by `GuestMemory::iovecs` to lie inside guest
            // memory, which stays mapped for the duration of the call.
            None => unsafe { libc::readv(fd, v.as_ptr(), v.len() as i32) },
            Some(off) => {
                // SAFETY: as above.
                unsafe { libc::preadv(fd, v.as_ptr(), v.len() as i32, off as libc::off_t) }
            }
        })
    }

    /// `writev` / `pwritev` from guest buffers (`write` / `pwrite` for a single buffer).
    pub fn write(fd: BorrowedFd<'_>, iovs: &[IoVec], offset: Option<u64>) -> Result<usize, Errno> {
        let fd = fd.as_raw_fd();
        if let [one] = iovs {
            return retry(|| match offset {
                // SAFETY: the buffer was checked to lie inside guest memory.
                None => unsafe { libc::write(fd, one.base.cast(), one.len) },
                // SAFETY: as above.
                Some(off) => unsafe {
                    libc::pwrite(fd, one.base.cast(), one.len, off as libc::off_t)
                },
            });
        }
        let v = raw(iovs);
        retry(|| match offset {
            // SAFETY: every iovec was checked to lie inside guest memory.
            None => unsafe { libc::writev(fd, v.as_ptr(), v.len() as i32) },
            Some(off) => {
                // SAFETY: as above.
                unsafe { libc::pwritev(fd, v.as_ptr(), v.len() as i32, off as libc::off_t) }
            }
        })
    }

    /// `recvmsg` into guest buffers: returns (bytes, whether data was truncated).
    pub fn recv(fd: BorrowedFd<'_>, iovs: &[IoVec], flags: i32) -> Result<(usize, bool), Errno> {
        let mut v = raw(iovs);
        let fd = fd.as_raw_fd();
        // SAFETY: an all-zero msghdr is a valid empty header.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = v.as_mut_ptr();
        msg.msg_iovlen = v.len() as _;
        // SAFETY: the iovecs point into checked guest memory; `msg` outlives the call.
        let n = retry(|| unsafe { libc::recvmsg(fd, &mut msg, flags) })?;
        Ok((n, msg.msg_flags & libc::MSG_TRUNC != 0))
    }

    /// MSG_NOSIGNAL where the kernel has it; elsewhere (macOS) Node's own SIG_IGN for
    /// SIGPIPE keeps a closed peer an EPIPE.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const NO_SIGPIPE: i32 = libc::MSG_NOSIGNAL;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    const NO_SIGPIPE: i32 = 0;

    /// `sendmsg` from guest buffers (never raises SIGPIPE).
    pub fn send(fd: BorrowedFd<'_>, iovs: &[IoVec]) -> Result<usize, Errno> {
        let mut v = raw(iovs);
        let fd = fd.as_raw_fd();
        // SAFETY: an all-zero msghdr is a valid empty header.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = v.as_mut_ptr();
        msg.msg_iovlen = v.len() as _;
        // SAFETY: the iovecs point into checked guest memory; `msg` outlives the call.
        retry(|| unsafe { libc::sendmsg(fd, &msg, NO_SIGPIPE) })
    }
}

/// Host I/O between a Windows file handle and guest buffers: `ReadFile` / `WriteFile` with the
/// guest buffer's raw address, so, as on Unix, no Rust reference to guest memory exists.
/// Windows has no readv/writev for file handles: the buffers are transferred one after the
/// other and a short transfer ends the call (what readv reports too). A positioned transfer
/// (`fd_pread` / `fd_pwrite`) passes its offset in an OVERLAPPED, which on a synchronous
/// handle also moves the file position; the position is put back, as pread leaves it alone.
/// A read from a pipe whose writer is gone is end of file (0 bytes), as on POSIX.
#[cfg(windows)]
pub mod io {
    use super::IoVec;
    use crate::abi::Errno;
    use cap_std::io_lifetimes::AsFilelike;
    use std::io::Seek;
    use std::os::windows::io::{AsRawHandle, BorrowedHandle};
    use windows_sys::Win32::Storage::FileSystem::{ReadFile, WriteFile};
    use windows_sys::Win32::System::IO::OVERLAPPED;

    /// ERROR_BROKEN_PIPE: the other end of a pipe is closed.
    const BROKEN_PIPE: i32 = 109;
    /// ERROR_HANDLE_EOF: a positioned read at or past the end.
    const HANDLE_EOF: i32 = 38;

    fn at(offset: u64) -> OVERLAPPED {
        let mut o = OVERLAPPED::default();
        o.Anonymous.Anonymous.Offset = offset as u32;
        o.Anonymous.Anonymous.OffsetHigh = (offset >> 32) as u32;
        o
    }

    /// One ReadFile or WriteFile of `v` (at most 4 GiB - 1 bytes: a shorter transfer).
    fn one(
        h: BorrowedHandle<'_>,
        v: &IoVec,
        offset: Option<u64>,
        write: bool,
    ) -> Result<usize, Errno> {
        let len = u32::try_from(v.len).unwrap_or(u32::MAX);
        let mut done = 0u32;
        let mut o = offset.map(at);
        let op = o
            .as_mut()
            .map_or(std::ptr::null_mut(), |o| o as *mut OVERLAPPED);
        let ok = if write {
            // SAFETY: `v` was checked by `GuestMemory::iovecs` to lie inside guest memory,
            // which stays mapped for the duration of the call; `done` and `o` outlive it.
            unsafe { WriteFile(h.as_raw_handle(), v.base, len, &mut done, op) }
        } else {
            // SAFETY: as above.
            unsafe { ReadFile(h.as_raw_handle(), v.base, len, &mut done, op) }
        };
        if ok != 0 {
            return Ok(done as usize);
        }
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            Some(BROKEN_PIPE | HANDLE_EOF) if !write => Ok(0),
            _ => Err(Errno::from_io(&e)),
        }
    }

    fn transfer(
        h: BorrowedHandle<'_>,
        iovs: &[IoVec],
        offset: Option<u64>,
        write: bool,
    ) -> Result<usize, Errno> {
        let file = h.as_filelike_view::<std::fs::File>();
        let saved = match offset {
            Some(_) => Some((&*file).stream_position().map_err(Errno::from)?),
            None => None,
        };
        let mut total = 0usize;
        let mut result = Ok(());
        for v in iovs {
            match one(h, v, offset.map(|o| o + total as u64), write) {
                Ok(n) => {
                    total += n;
                    if n < v.len {
                        break;
                    }
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        if let Some(pos) = saved {
            (&*file)
                .seek(std::io::SeekFrom::Start(pos))
                .map_err(Errno::from)?;
        }
        match result {
            // Bytes already moved are reported; the error would come again on the next call.
            Err(e) if total == 0 => Err(e),
            _ => Ok(total),
        }
    }

    /// `ReadFile` into guest buffers (at `offset` without moving the position, if given).
    pub fn read(
        h: BorrowedHandle<'_>,
        iovs: &[IoVec],
        offset: Option<u64>,
    ) -> Result<usize, Errno> {
        transfer(h, iovs, offset, false)
    }

    /// `WriteFile` from guest buffers (at `offset` without moving the position, if given).
    pub fn write(
        h: BorrowedHandle<'_>,
        iovs: &[IoVec],
        offset: Option<u64>,
    ) -> Result<usize, Errno> {
        transfer(h, iovs, offset, true)
    }
}

/// A guest memory image owned by the host, for tests and fuzzing without Node.
pub struct OwnedMemory {
    bytes: Vec<u8>,
}

impl OwnedMemory {
    pub fn new(len: usize) -> Self {
        OwnedMemory {
            bytes: vec![0u8; len],
        }
    }

    pub fn view(&mut self) -> GuestMemory<'static> {
        let len = self.bytes.len();
        // SAFETY: the vector outlives the view for as long as the caller keeps both alive;
        // tests hold `OwnedMemory` for the duration of every call they make.
        unsafe { GuestMemory::new(self.bytes.as_mut_ptr(), len, None) }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_checked_in_64_bits() {
        let mut m = OwnedMemory::new(65536);
        let g = m.view();
        assert!(g.range(65535, 1).is_ok());
        assert_eq!(g.range(65535, 2).unwrap_err(), Errno::EOVERFLOW);
        assert_eq!(g.range(u32::MAX, 1).unwrap_err(), Errno::EOVERFLOW);
        assert_eq!(g.range(0, u32::MAX as u64).unwrap_err(), Errno::EOVERFLOW);
        assert!(g.range(65536, 0).is_ok());
        assert_eq!(g.range(65537, 0).unwrap_err(), Errno::EOVERFLOW);
        assert_eq!(g.array(0, u32::MAX, 8).unwrap_err(), Errno::EOVERFLOW);
        // Found by the guest_memory fuzz target: the end must not wrap in 64 bits.
        assert_eq!(
            g.range(54016, u64::MAX - 158).unwrap_err(),
            Errno::EOVERFLOW
        );
        assert_eq!(g.range(1, u64::MAX).unwrap_err(), Errno::EOVERFLOW);
    }

    #[test]
    fn scalars_round_trip() {
        let mut m = OwnedMemory::new(64);
        let g = m.view();
        g.write_u64(8, 0x0102_0304_0506_0708).unwrap();
        assert_eq!(g.read_u64(8).unwrap(), 0x0102_0304_0506_0708);
        assert_eq!(g.read_u8(8).unwrap(), 8);
        assert_eq!(g.write_u32(61, 1).unwrap_err(), Errno::EOVERFLOW);
        assert_eq!(&m.bytes()[8..16], &[8, 7, 6, 5, 4, 3, 2, 1]);
    }

    #[test]
    fn iovecs_validate_every_entry() {
        let mut m = OwnedMemory::new(256);
        let g = m.view();
        g.write_u32(0, 100).unwrap();
        g.write_u32(4, 10).unwrap();
        g.write_u32(8, 250).unwrap();
        g.write_u32(12, 10).unwrap();
        assert_eq!(g.iovecs(0, 2, 1024).unwrap_err(), Errno::EOVERFLOW);
        let v = g.iovecs(0, 1, 1024).unwrap();
        assert_eq!((v[0].guest, v[0].len), (100, 10));
        // The second entry is past the cap but still checked.
        assert_eq!(g.iovecs(0, 2, 1).unwrap_err(), Errno::EOVERFLOW);
    }

    #[test]
    fn long_iovec_tables_are_read_in_chunks_and_checked_to_the_end() {
        let mut m = OwnedMemory::new(1024);
        let g = m.view();
        // 20 entries (more than four chunks of `INLINE_IOVECS`): entry i is (512 + i, i).
        for i in 0..20u32 {
            g.write_u32(8 * i, 512 + i).unwrap();
            g.write_u32(8 * i + 4, i).unwrap();
        }
        let v = g.iovecs(0, 20, 1024).unwrap();
        assert_eq!(v.len(), 20);
        assert!(v
            .iter()
            .enumerate()
            .all(|(i, e)| e.guest == 512 + i as u32 && e.len == i));
        let v = g.iovecs(0, 20, 9).unwrap();
        assert_eq!(
            v.iter().map(|e| e.len).collect::<Vec<_>>(),
            (0..9).collect::<Vec<_>>()
        );
        // A bad buffer in the last chunk fails the call, even past the cap.
        g.write_u32(8 * 19 + 4, 600).unwrap();
        assert_eq!(g.iovecs(0, 20, 3).unwrap_err(), Errno::EOVERFLOW);
        // The table itself must lie inside memory.
        assert_eq!(g.iovecs(1000, 20, 1024).unwrap_err(), Errno::EOVERFLOW);
    }

    #[test]
    fn refresh_is_tried_once_on_a_miss() {
        let mut big = vec![0u8; 128];
        let base = big.as_mut_ptr();
        let refresh = move || Some((base, 128usize));
        // SAFETY: the window (first 64 bytes of `big`) and the refreshed one stay alive.
        let g = unsafe { GuestMemory::new(base, 64, Some(&refresh)) };
        assert!(g.range(100, 8).is_ok());
        assert_eq!(g.len(), 128);
        assert_eq!(g.range(128, 1).unwrap_err(), Errno::EOVERFLOW);
        drop(big);
    }

    #[test]
    fn shared_memory_copies_round_trip() {
        let mut m = OwnedMemory::new(64);
        let g = m.view().with_shared(true);
        assert!(g.is_shared());
        g.write_bytes(3, b"hello").unwrap();
        g.write_u64(16, 0x1122_3344_5566_7788).unwrap();
        assert_eq!(g.read_bytes(3, 5).unwrap(), b"hello");
        assert_eq!(g.read_u64(16).unwrap(), 0x1122_3344_5566_7788);
        assert_eq!(g.write_bytes(62, b"abc").unwrap_err(), Errno::EOVERFLOW);
    }

    #[test]
    fn interrupt_hook_is_asked() {
        let mut m = OwnedMemory::new(8);
        assert!(!m.view().interrupted());
        let yes = || true;
        assert!(m.view().with_interrupt(&yes).interrupted());
    }

    #[test]
    fn totals_are_limited() {
        let iov = |len| IoVec {
            guest: 0,
            base: std::ptr::null_mut(),
            len,
        };
        let mut v: IoVecs = [iov(10), iov(10), iov(10)].into_iter().collect();
        limit_total(&mut v, 15);
        assert_eq!(v.iter().map(|v| v.len).collect::<Vec<_>>(), [10, 5]);
        let mut v: IoVecs = [iov(10), iov(10)].into_iter().collect();
        limit_total(&mut v, 100);
        assert_eq!(v.len(), 2);
        // Past the inline room: the same answers from the heap.
        let mut v: IoVecs = (0..20).map(|_| iov(10)).collect();
        assert_eq!(v.len(), 20);
        limit_total(&mut v, 95);
        assert_eq!(v.len(), 10);
        assert_eq!(v[9].len, 5);
    }

    /// The host side of `memory::io` for a std file: its fd on Unix, its handle on Windows.
    #[cfg(unix)]
    fn host(f: &std::fs::File) -> std::os::fd::BorrowedFd<'_> {
        std::os::fd::AsFd::as_fd(f)
    }
    #[cfg(windows)]
    fn host(f: &std::fs::File) -> std::os::windows::io::BorrowedHandle<'_> {
        std::os::windows::io::AsHandle::as_handle(f)
    }

    #[test]
    fn io_moves_bytes_between_files_and_guest_buffers() {
        use std::io::{Seek, SeekFrom};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .unwrap();
        let mut m = OwnedMemory::new(512);
        let g = m.view();
        // An iovec table at 0 (8 bytes per entry) pointing at buffers from 256 on.
        let iovs = |list: &[(u32, u32)]| {
            for (i, (at, len)) in list.iter().enumerate() {
                g.write_u32(i as u32 * 8, *at).unwrap();
                g.write_u32(i as u32 * 8 + 4, *len).unwrap();
            }
            g.iovecs(0, list.len() as u32, 1024).unwrap()
        };
        g.write_bytes(256, b"hello").unwrap();
        g.write_bytes(300, b" world").unwrap();
        assert_eq!(
            io::write(host(&f), &iovs(&[(256, 5), (300, 6)]), None).unwrap(),
            11
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"hello world");
        // A positioned write and read leave the position where it was (11).
        assert_eq!(
            io::write(host(&f), &iovs(&[(300, 6)]), Some(20)).unwrap(),
            6
        );
        assert_eq!(f.stream_position().unwrap(), 11);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"hello world\0\0\0\0\0\0\0\0\0 world"
        );
        assert_eq!(io::read(host(&f), &iovs(&[(400, 8)]), Some(17)).unwrap(), 8);
        assert_eq!(g.read_bytes(400, 8).unwrap(), b"\0\0\0 worl");
        assert_eq!(f.stream_position().unwrap(), 11);
        // At the end of the file a read moves nothing, positioned or not.
        assert_eq!(
            io::read(host(&f), &iovs(&[(400, 8)]), Some(100)).unwrap(),
            0
        );
        f.seek(SeekFrom::End(0)).unwrap();
        assert_eq!(io::read(host(&f), &iovs(&[(400, 8)]), None).unwrap(), 0);
        // Two buffers are filled in order; a short first one ends the transfer.
        f.seek(SeekFrom::Start(0)).unwrap();
        assert_eq!(
            io::read(host(&f), &iovs(&[(400, 5), (440, 6)]), None).unwrap(),
            11
        );
        assert_eq!(g.read_bytes(400, 5).unwrap(), b"hello");
        assert_eq!(g.read_bytes(440, 6).unwrap(), b" world");
        assert_eq!(f.stream_position().unwrap(), 11);
        let n = io::read(host(&f), &iovs(&[(400, 8), (440, 4)]), Some(20)).unwrap();
        assert_eq!(n, 6);
        assert_eq!(g.read_bytes(400, 6).unwrap(), b" world");
        // More buffers than the kernel's iovec array holds inline (the heap path).
        let six: Vec<(u32, u32)> = (0..6).map(|i| (256 + i, 1)).collect();
        assert_eq!(io::write(host(&f), &iovs(&six), Some(0)).unwrap(), 6);
        assert_eq!(&std::fs::read(&path).unwrap()[..12], b"hello\0world\0");
        assert_eq!(
            io::read(
                host(&f),
                &iovs(&six.iter().map(|(at, _)| (at + 200, 1)).collect::<Vec<_>>()),
                Some(6)
            )
            .unwrap(),
            6
        );
        assert_eq!(g.read_bytes(456, 6).unwrap(), b"world\0");
    }

    #[test]
    fn a_stale_first_refresh_is_followed_by_a_fresh_one() {
        // As the binding does for a shared memory grown elsewhere: the first answer is the
        // cached (old, shorter) window, the second the current one, then nothing more.
        let mut big = vec![0u8; 256];
        let base = big.as_mut_ptr();
        let calls = Cell::new(0u32);
        let refresh = || {
            calls.set(calls.get() + 1);
            match calls.get() {
                1 => Some((base, 64usize)),
                2 => Some((base, 256usize)),
                _ => None,
            }
        };
        // SAFETY: both windows lie inside `big`, which outlives `g`.
        let g = unsafe { GuestMemory::new(base, 0, Some(&refresh)) };
        assert!(g.range(200, 8).is_ok());
        assert_eq!(calls.get(), 2);
        assert_eq!(g.range(256, 1).unwrap_err(), Errno::EOVERFLOW);
        assert_eq!(calls.get(), 3);
        drop(big);
    }
}
