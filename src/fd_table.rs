//! The guest's fd numbers and what stands behind them: a host file (regular file, terminal,
//! pipe, socket, device) or a directory (with its readdir cache), plus the WASI rights and
//! fdflags the guest holds on it. New fds take the lowest free number, as POSIX and uvwasi
//! do; the table has a hard size cap so a guest cannot grow it without bound.
//!
//! A file `path_open` opened without O_DIRECTORY enters the table with its filetype not yet
//! known ([`FdEntry::untyped`]): the host is asked (one fstat) the first time the entry is
//! looked up through [`FdTable::get`] or [`FdTable::resolve`], and only then are its rights
//! narrowed to what that filetype allows and a directory turned into a [`Handle::Dir`]. An
//! open-then-close costs two host calls instead of three; every caller that reads an entry
//! sees it typed, so no check answers differently. The one caller that looks at an untyped
//! entry as it is ([`FdTable::get_untyped`]) is `fd_write`'s blocking write, whose outcome the
//! filetype cannot change (see `syscalls::fd`): open-write-close needs no fstat either.

use crate::abi::{filetype, rights, Errno};
use crate::sys;
use std::fs::File;
#[cfg(unix)]
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::Arc;

/// The most fds one instance may hold open at once.
pub const MAX_FDS: usize = 16384;

/// What a guest fd refers to on the host.
pub enum Handle {
    /// Any host fd that is not a directory.
    File(File),
    /// A host fd shared with other instances: the duplicates of the host's stdio, one per
    /// host fd for all instances (see `binding::stdio_file`), closed with the last user.
    Shared(Arc<File>),
    /// A directory, opened beneath a preopen (or a preopen itself).
    Dir(DirHandle),
}

/// An open directory and the listing `fd_readdir` serves cookies from.
pub struct DirHandle {
    pub dir: cap_std::fs::Dir,
    /// The listing read from the host since the last rewind (cookie 0); created on first use.
    pub listing: Option<Box<Listing>>,
}

/// What `fd_readdir` keeps per directory (sandbox/listing.rs, listing_windows.rs on Windows).
pub type Listing = crate::sandbox::listing::Listing;

impl Handle {
    #[cfg(unix)]
    pub fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            Handle::File(f) => f.as_fd(),
            Handle::Shared(f) => f.as_fd(),
            Handle::Dir(d) => d.dir.as_fd(),
        }
    }
}

// The host object behind a handle, for `sys` (which takes anything file-like).
#[cfg(unix)]
impl AsFd for Handle {
    fn as_fd(&self) -> BorrowedFd<'_> {
        Handle::as_fd(self)
    }
}
#[cfg(windows)]
impl std::os::windows::io::AsHandle for Handle {
    fn as_handle(&self) -> std::os::windows::io::BorrowedHandle<'_> {
        match self {
            Handle::File(f) => f.as_handle(),
            Handle::Shared(f) => f.as_handle(),
            Handle::Dir(d) => d.dir.as_handle(),
        }
    }
}

/// The `filetype` of an entry whose host object has not been asked for its type yet. Never
/// seen outside this module: lookups type the entry first.
const UNTYPED: u8 = u8::MAX;

pub struct FdEntry {
    pub handle: Handle,
    /// The WASI filetype (typed on first lookup for [`FdEntry::untyped`] entries).
    pub filetype: u8,
    /// For a character device: whether it is a terminal (no seek or tell, which is how a
    /// guest's `isatty` tells one from `/dev/null`).
    pub tty: bool,
    pub rights_base: u64,
    pub rights_inheriting: u64,
    /// The guest-visible fdflags.
    pub flags: u16,
    /// For a preopen: the name the guest sees (`fd_prestat_dir_name`).
    pub preopen: Option<Vec<u8>>,
}

impl FdEntry {
    /// A host file whose type is not known yet (`path_open` without O_DIRECTORY). `rights_base`
    /// and `rights_inheriting` are what the guest may hold at most; they are narrowed to the
    /// filetype's defaults ([`default_rights`]) when the entry is first looked up.
    pub fn untyped(file: File, rights_base: u64, rights_inheriting: u64, flags: u16) -> FdEntry {
        FdEntry {
            handle: Handle::File(file),
            filetype: UNTYPED,
            tty: false,
            rights_base,
            rights_inheriting,
            flags,
            preopen: None,
        }
    }

    /// Asks the host for the type of an untyped entry: sets the filetype, narrows the rights to
    /// the filetype's defaults and turns a directory into a [`Handle::Dir`]. An fstat that
    /// fails (it cannot on an open fd short of a broken filesystem) leaves the type unknown,
    /// with the rights of an unknown file.
    fn typed(mut self) -> FdEntry {
        let ft = match &self.handle {
            Handle::File(f) => sys::filetype(f).unwrap_or(filetype::UNKNOWN),
            Handle::Shared(f) => sys::filetype(&**f).unwrap_or(filetype::UNKNOWN),
            Handle::Dir(_) => filetype::DIRECTORY,
        };
        self.tty = ft == filetype::CHARACTER_DEVICE && sys::is_terminal(&self.handle);
        let (max_base, max_inheriting) = rights_for(ft, self.tty);
        self.filetype = ft;
        self.rights_base &= max_base;
        self.rights_inheriting &= max_inheriting;
        if ft == filetype::DIRECTORY {
            if let Handle::File(f) = self.handle {
                self.handle = Handle::Dir(DirHandle {
                    dir: cap_std::fs::Dir::from_std_file(f),
                    listing: None,
                });
            }
        }
        self
    }

    /// Whether `fd_seek` and friends go to the host (which may still answer ESPIPE): files,
    /// block devices, directories and character devices that are not terminals. Pipes,
    /// sockets and terminals answer ESPIPE without asking.
    pub fn seekable(&self) -> bool {
        match self.filetype {
            filetype::REGULAR_FILE | filetype::BLOCK_DEVICE | filetype::DIRECTORY => true,
            filetype::CHARACTER_DEVICE => !self.tty,
            _ => false,
        }
    }

    /// Whether a read may wait for data indefinitely (pipes, sockets, terminals, any
    /// character device): a blocking read waits for readiness first, in interruptible slices.
    pub fn is_stream(&self) -> bool {
        !matches!(
            self.filetype,
            filetype::REGULAR_FILE | filetype::BLOCK_DEVICE | filetype::DIRECTORY
        )
    }

    pub fn dir(&mut self) -> Result<&mut DirHandle, Errno> {
        match &mut self.handle {
            Handle::Dir(d) => Ok(d),
            Handle::File(_) | Handle::Shared(_) => Err(Errno::ENOTDIR),
        }
    }

    pub fn file(&self) -> Result<&File, Errno> {
        match &self.handle {
            Handle::File(f) => Ok(f),
            Handle::Shared(f) => Ok(f),
            Handle::Dir(_) => Err(Errno::EISDIR),
        }
    }
}

/// Default rights for a host object of the given WASI filetype: `(base, inheriting)`.
/// The rights an fd of filetype `ft` holds at most; `tty`: a character device that is a
/// terminal. A terminal cannot seek or tell; any other character device (`/dev/null`,
/// `/dev/zero`) may, as the host decides, and holding those rights is how wasi-libc's `isatty`
/// tells it is not a terminal (stdout on /dev/null is then fully buffered, as natively).
pub fn rights_for(ft: u8, tty: bool) -> (u64, u64) {
    if ft == filetype::CHARACTER_DEVICE && !tty {
        return (rights::CHARACTER_DEVICE_BASE, 0);
    }
    default_rights(ft)
}

pub fn default_rights(ft: u8) -> (u64, u64) {
    match ft {
        filetype::REGULAR_FILE | filetype::BLOCK_DEVICE => (rights::REGULAR_FILE_BASE, 0),
        filetype::DIRECTORY => (rights::DIRECTORY_BASE, rights::DIRECTORY_INHERITING),
        filetype::SOCKET_STREAM | filetype::SOCKET_DGRAM => (rights::SOCKET_BASE, rights::ALL),
        _ => (rights::TTY_BASE, 0),
    }
}

#[derive(Default)]
pub struct FdTable {
    slots: Vec<Option<FdEntry>>,
    open: usize,
    /// The directory `path_filestat_get` keeps open beneath one preopen (`sandbox::stat_two`),
    /// with that preopen's fd; dropped when the fd is closed or renumbered over.
    #[cfg(target_os = "linux")]
    child: (u32, Option<crate::sandbox::ChildDir>),
}

impl FdTable {
    pub fn new() -> Self {
        FdTable::default()
    }

    /// Inserts at the lowest free number.
    pub fn insert(&mut self, entry: FdEntry) -> Result<u32, Errno> {
        if let Some(i) = self.slots.iter().position(Option::is_none) {
            self.slots[i] = Some(entry);
            self.open += 1;
            return Ok(i as u32);
        }
        if self.slots.len() >= MAX_FDS {
            return Err(Errno::EMFILE);
        }
        self.slots.push(Some(entry));
        self.open += 1;
        Ok(self.slots.len() as u32 - 1)
    }

    /// The entry behind `fd` (typed), if the guest holds `needed` rights on it.
    #[inline]
    pub fn get(&mut self, fd: u32, needed: u64) -> Result<&mut FdEntry, Errno> {
        let e = self.typed_slot(fd).ok_or(Errno::EBADF)?;
        if e.rights_base & needed != needed {
            return Err(Errno::ENOTCAPABLE);
        }
        Ok(e)
    }

    /// The entry behind `fd`, typed first if it was untyped.
    #[inline]
    fn typed_slot(&mut self, fd: u32) -> Option<&mut FdEntry> {
        let slot = self.slots.get_mut(fd as usize)?;
        if slot.as_ref()?.filetype == UNTYPED {
            type_slot(slot);
        }
        slot.as_mut()
    }

    /// The entry behind `fd` only if it is still untyped, left untyped; no rights check.
    /// Its `filetype` is meaningless and its rights are those before narrowing (a superset
    /// of what typing leaves), so a caller must show that neither can change its answer.
    #[inline]
    pub fn get_untyped(&mut self, fd: u32) -> Option<&mut FdEntry> {
        self.slots
            .get_mut(fd as usize)?
            .as_mut()
            .filter(|e| e.filetype == UNTYPED)
    }

    /// Types the entry behind `fd` if it is untyped (nothing happens for a closed fd), so that
    /// [`FdTable::peek`] sees it typed.
    #[inline]
    pub fn resolve(&mut self, fd: u32) {
        self.typed_slot(fd);
    }

    /// For `path_filestat_get`: the directory behind `fd`, checked as [`FdTable::get`] with
    /// `needed` and then [`FdEntry::dir`] check it (EBADF, ENOTCAPABLE, ENOTDIR), and, when
    /// `fd` is a preopen, the kept child directory beneath it (`sandbox::stat_two`; one for
    /// the whole table, so at most one extra host fd).
    #[cfg(target_os = "linux")]
    pub fn dir_with_child(
        &mut self,
        fd: u32,
        needed: u64,
    ) -> Result<
        (
            &cap_std::fs::Dir,
            Option<&mut Option<crate::sandbox::ChildDir>>,
        ),
        Errno,
    > {
        self.get(fd, needed)?;
        let e = self.slots[fd as usize].as_ref().ok_or(Errno::EBADF)?;
        let Handle::Dir(d) = &e.handle else {
            return Err(Errno::ENOTDIR);
        };
        if e.preopen.is_none() {
            return Ok((&d.dir, None));
        }
        if self.child.0 != fd {
            self.child = (fd, None);
        }
        Ok((&d.dir, Some(&mut self.child.1)))
    }

    /// Drops the kept child directory if it belongs to `fd`.
    #[inline]
    fn forget_child(&mut self, fd: u32) {
        #[cfg(target_os = "linux")]
        if self.child.0 == fd {
            self.child.1 = None;
        }
        #[cfg(not(target_os = "linux"))]
        let _ = fd;
    }

    /// The entry behind `fd` without a rights check. Only for an fd [`FdTable::get`] or
    /// [`FdTable::resolve`] has looked up since it was opened (an untyped entry would show a
    /// plain file where there may be a directory).
    pub fn peek(&self, fd: u32) -> Option<&FdEntry> {
        let e = self.slots.get(fd as usize).and_then(Option::as_ref);
        debug_assert!(
            e.is_none_or(|e| e.filetype != UNTYPED),
            "peek of untyped fd {fd}"
        );
        e
    }

    pub fn contains(&self, fd: u32) -> bool {
        matches!(self.slots.get(fd as usize), Some(Some(_)))
    }

    pub fn remove(&mut self, fd: u32) -> Result<FdEntry, Errno> {
        let e = self
            .slots
            .get_mut(fd as usize)
            .and_then(Option::take)
            .ok_or(Errno::EBADF)?;
        self.open -= 1;
        self.forget_child(fd);
        while matches!(self.slots.last(), Some(None)) {
            self.slots.pop();
        }
        Ok(e)
    }

    /// Moves `from` onto `to`, closing what `to` held. Both must be open.
    pub fn renumber(&mut self, from: u32, to: u32) -> Result<(), Errno> {
        if !self.contains(from) || !self.contains(to) {
            return Err(Errno::EBADF);
        }
        if from == to {
            return Ok(());
        }
        let e = self.remove(from)?;
        self.forget_child(to);
        let old = self.slots[to as usize].replace(e);
        drop(old);
        Ok(())
    }

    /// Whether the entry behind `fd` is still untyped (for tests of the lazy typing).
    #[cfg(test)]
    pub fn is_untyped(&self, fd: u32) -> bool {
        matches!(self.slots.get(fd as usize), Some(Some(e)) if e.filetype == UNTYPED)
    }

    /// Whether a child directory is kept (`sandbox::stat_two`), and for which fd.
    #[cfg(all(test, target_os = "linux"))]
    pub fn kept_child(&self) -> Option<u32> {
        self.child.1.as_ref().map(|_| self.child.0)
    }

    /// The number of open fds.
    pub fn len(&self) -> usize {
        self.open
    }

    pub fn is_empty(&self) -> bool {
        self.open == 0
    }
}

/// The first lookup of an untyped entry, kept out of line: lookups inline only the test.
#[cold]
#[inline(never)]
fn type_slot(slot: &mut Option<FdEntry>) {
    *slot = slot.take().map(FdEntry::typed);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The null device, a character device on every host.
    fn null() -> File {
        File::open(if cfg!(windows) { "NUL" } else { "/dev/null" }).unwrap()
    }

    fn entry() -> FdEntry {
        FdEntry {
            handle: Handle::File(null()),
            filetype: filetype::CHARACTER_DEVICE,
            tty: false,
            rights_base: rights::TTY_BASE,
            rights_inheriting: 0,
            flags: 0,
            preopen: None,
        }
    }

    #[test]
    fn lowest_free_number_is_reused() {
        let mut t = FdTable::new();
        for i in 0..5 {
            assert_eq!(t.insert(entry()).unwrap(), i);
        }
        t.remove(1).unwrap();
        t.remove(3).unwrap();
        assert_eq!(t.insert(entry()).unwrap(), 1);
        assert_eq!(t.insert(entry()).unwrap(), 3);
        assert_eq!(t.insert(entry()).unwrap(), 5);
        assert_eq!(t.len(), 6);
    }

    #[test]
    fn rights_are_enforced() {
        let mut t = FdTable::new();
        let fd = t.insert(entry()).unwrap();
        assert!(t.get(fd, rights::FD_WRITE).is_ok());
        assert_eq!(t.get(fd, rights::FD_SEEK).err(), Some(Errno::ENOTCAPABLE));
        assert_eq!(t.get(99, 0).err(), Some(Errno::EBADF));
    }

    #[test]
    fn untyped_entries_are_typed_by_the_first_lookup() {
        let mut t = FdTable::new();
        let dev = t
            .insert(FdEntry::untyped(null(), rights::ALL, rights::ALL, 0))
            .unwrap();
        let dir = t
            .insert(FdEntry::untyped(
                cap_std::fs::Dir::open_ambient_dir(
                    std::env::temp_dir(),
                    cap_std::ambient_authority(),
                )
                .unwrap()
                .into_std_file(),
                rights::ALL,
                rights::ALL,
                0,
            ))
            .unwrap();
        assert!(t.is_untyped(dev) && t.is_untyped(dir));
        // The rights check is made on the narrowed rights: a character device cannot allocate;
        // the null device is not a terminal, so it keeps seek and tell.
        assert_eq!(
            t.get(dev, rights::FD_ALLOCATE).err(),
            Some(Errno::ENOTCAPABLE)
        );
        let e = t.get(dev, 0).unwrap();
        assert_eq!(e.filetype, filetype::CHARACTER_DEVICE);
        assert!(!e.tty);
        assert_eq!(
            (e.rights_base, e.rights_inheriting),
            (rights::CHARACTER_DEVICE_BASE, 0)
        );
        // resolve types without a rights check; a directory gets a Dir handle.
        t.resolve(dir);
        t.resolve(99);
        let e = t.peek(dir).unwrap();
        assert_eq!(e.filetype, filetype::DIRECTORY);
        assert!(matches!(e.handle, Handle::Dir(_)));
        assert_eq!(
            (e.rights_base, e.rights_inheriting),
            (rights::DIRECTORY_BASE, rights::DIRECTORY_INHERITING)
        );
        // Closing an untyped entry never types it.
        let f = t
            .insert(FdEntry::untyped(null(), rights::ALL, 0, 0))
            .unwrap();
        assert!(t.remove(f).unwrap().filetype == UNTYPED);
    }

    #[test]
    fn renumber_needs_both_open() {
        let mut t = FdTable::new();
        let a = t.insert(entry()).unwrap();
        let b = t.insert(entry()).unwrap();
        assert_eq!(t.renumber(a, 7).unwrap_err(), Errno::EBADF);
        t.renumber(b, a).unwrap();
        assert!(t.contains(a));
        assert!(!t.contains(b));
        assert_eq!(t.len(), 1);
    }
}
