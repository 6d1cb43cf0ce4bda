//! The directory listing behind `fd_readdir`: cookies are entry indexes (`d_next` of entry
//! `i` is `i + 1`), stable across calls until the guest rewinds with cookie 0.
//!
//! The host directory is read once per rewind, in windows of [`WINDOW`] entries. The listing
//! keeps one window in memory (so a guest cannot make the host hold an unbounded listing) and
//! the host directory offset at which every window starts (one u64 per [`WINDOW`] entries), so a
//! cookie in any window is served by seeking straight to that window: a full scan reads each
//! host entry once, and a cookie anywhere costs at most one window read, whatever cookies the
//! guest passes. `.` and `..` are listed as the host lists them, with real inode numbers and
//! file types (an unknown `d_type` is asked with `fstatat`).

use crate::abi::{filetype, Errno};
use std::os::fd::BorrowedFd;

/// Entries held in memory at once.
pub const WINDOW: usize = 1024;

/// Bytes of host directory records fetched per `getdents64` call (a stack buffer).
#[cfg(target_os = "linux")]
const GETDENTS_BUF: usize = 16 * 1024;

#[derive(Clone, Copy, Debug)]
struct Entry {
    name_at: u32,
    name_len: u32,
    ino: u64,
    filetype: u8,
}

/// A directory's cached listing (one window of it).
#[derive(Default)]
pub struct Listing {
    /// Whether `entries` holds window `base / WINDOW`.
    valid: bool,
    /// The cookie (index) of `entries[0]`.
    base: u64,
    entries: Vec<Entry>,
    names: Vec<u8>,
    /// Host offsets where windows 0, 1, … start (index k = window k), as far as known.
    checkpoints: Vec<u64>,
    /// Whether the held window reaches the end of the directory.
    at_end: bool,
    /// Whether the host fd's directory position is still where the open left it (the start):
    /// the first window read needs no seek. The listing is the only reader of a directory
    /// fd's position (a directory holds no FD_SEEK, FD_TELL or FD_READ right).
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    untouched: bool,
    /// How many entries were read from the host, over the listing's life (for tests).
    pub host_entries_read: u64,
}

impl Listing {
    /// The listing of a directory fd nothing has read from yet.
    pub fn new() -> Self {
        Listing {
            checkpoints: vec![0],
            untouched: true,
            ..Listing::default()
        }
    }

    /// How many entries are held in memory now (at most [`WINDOW`]).
    pub fn held(&self) -> usize {
        self.entries.len()
    }

    /// Forgets what was read: the next call reads the host directory again (cookie 0).
    pub fn rewind(&mut self) {
        self.valid = false;
        self.checkpoints.clear();
        self.checkpoints.push(0);
    }

    /// Hands the entries from `cookie` on to `f(next_cookie, ino, name, filetype)` until `f`
    /// returns false or the directory ends.
    pub fn serve(
        &mut self,
        fd: BorrowedFd<'_>,
        cookie: u64,
        mut f: impl FnMut(u64, u64, &[u8], u8) -> bool,
    ) -> Result<(), Errno> {
        let mut c = cookie;
        loop {
            let k = c / WINDOW as u64;
            let held = self.valid && self.base / WINDOW as u64 == k;
            if !held && !self.load(fd, k)? {
                return Ok(());
            }
            let i = (c - self.base) as usize;
            if i >= self.entries.len() {
                return Ok(());
            }
            for e in &self.entries[i..] {
                c += 1;
                let name = &self.names[e.name_at as usize..(e.name_at + e.name_len) as usize];
                if !f(c, e.ino, name, e.filetype) {
                    return Ok(());
                }
            }
            if self.at_end {
                return Ok(());
            }
        }
    }

    /// Makes window `k` the held one. False when the directory ends before it.
    fn load(&mut self, fd: BorrowedFd<'_>, k: u64) -> Result<bool, Errno> {
        // Walk forward through unknown windows to learn where window k starts.
        while self.checkpoints.len() as u64 <= k {
            let last = self.checkpoints.len() as u64 - 1;
            if !(self.valid && self.base / WINDOW as u64 == last) {
                self.read_window(fd, last)?;
            }
            if self.at_end {
                return Ok(false);
            }
        }
        self.read_window(fd, k)?;
        Ok(true)
    }

    fn push(&mut self, name: &[u8], ino: u64, ft: u8) {
        self.entries.push(Entry {
            name_at: self.names.len() as u32,
            name_len: name.len() as u32,
            ino,
            filetype: ft,
        });
        self.names.extend_from_slice(name);
        self.host_entries_read += 1;
    }

    #[cfg(target_os = "linux")]
    fn read_window(&mut self, fd: BorrowedFd<'_>, k: u64) -> Result<(), Errno> {
        use rustix::fs::{RawDir, SeekFrom};
        self.valid = false;
        self.entries.clear();
        self.names.clear();
        self.at_end = true;
        let start = self.checkpoints[k as usize];
        if !(self.untouched && start == 0) {
            rustix::fs::seek(fd, SeekFrom::Start(start)).map_err(crate::host::errno)?;
        }
        self.untouched = false;
        // On the stack: a listing held by each of thousands of open directory fds must not
        // keep a getdents buffer alive.
        let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); GETDENTS_BUF];
        let mut result = Ok(());
        {
            let mut dir = RawDir::new(fd, &mut buf);
            while let Some(entry) = dir.next() {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        result = Err(crate::host::errno(e));
                        break;
                    }
                };
                let name = entry.file_name().to_bytes();
                let ft = match entry.file_type() {
                    rustix::fs::FileType::Unknown => type_by_stat(fd, name),
                    t => filetype_of(t),
                };
                self.push(name, entry.ino(), ft);
                if self.entries.len() == WINDOW {
                    let next = entry.next_entry_cookie();
                    if self.checkpoints.len() as u64 == k + 1 {
                        self.checkpoints.push(next);
                    }
                    self.at_end = false;
                    break;
                }
            }
        }
        result?;
        self.base = k * WINDOW as u64;
        self.valid = true;
        Ok(())
    }

    /// Portable fallback: reads the directory from the start and skips to window `k`
    /// (quadratic over many windows, bounded memory).
    #[cfg(not(target_os = "linux"))]
    fn read_window(&mut self, fd: BorrowedFd<'_>, k: u64) -> Result<(), Errno> {
        self.valid = false;
        self.entries.clear();
        self.names.clear();
        self.at_end = true;
        let mut dir = rustix::fs::Dir::read_from(fd).map_err(crate::host::errno)?;
        let skip = k * WINDOW as u64;
        let mut i = 0u64;
        while let Some(entry) = dir.read() {
            let entry = entry.map_err(crate::host::errno)?;
            i += 1;
            if i <= skip {
                continue;
            }
            let name = entry.file_name().to_bytes();
            let ft = match entry.file_type() {
                rustix::fs::FileType::Unknown => type_by_stat(fd, name),
                t => filetype_of(t),
            };
            self.push(name, entry.ino(), ft);
            if self.entries.len() == WINDOW {
                if self.checkpoints.len() as u64 == k + 1 {
                    self.checkpoints.push(i);
                }
                self.at_end = false;
                break;
            }
        }
        self.base = skip;
        self.valid = true;
        Ok(())
    }
}

fn filetype_of(t: rustix::fs::FileType) -> u8 {
    use rustix::fs::FileType as T;
    match t {
        T::RegularFile => filetype::REGULAR_FILE,
        T::Directory => filetype::DIRECTORY,
        T::Symlink => filetype::SYMBOLIC_LINK,
        T::CharacterDevice => filetype::CHARACTER_DEVICE,
        T::BlockDevice => filetype::BLOCK_DEVICE,
        T::Socket => filetype::SOCKET_STREAM,
        _ => filetype::UNKNOWN,
    }
}

fn type_by_stat(fd: BorrowedFd<'_>, name: &[u8]) -> u8 {
    match std::ffi::CStr::from_bytes_with_nul(&[name, b"\0"].concat()) {
        Ok(c) => rustix::fs::statat(fd, c, rustix::fs::AtFlags::SYMLINK_NOFOLLOW)
            .map(|st| crate::host::filetype_from_mode(st.st_mode))
            .unwrap_or(filetype::UNKNOWN),
        Err(_) => filetype::UNKNOWN,
    }
}
