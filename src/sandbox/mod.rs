//! The sandbox: every guest path is resolved beneath an open directory handle, never turned
//! into a host path string. This module owns the checks on the path text a guest hands over
//! (length, NUL, UTF-8, absolute, lexical `..` escape) and the operations on a path beneath a
//! directory (`open`, `stat`, `mkdir`, `unlink`, …).
//!
//! How resolution stays beneath the preopen:
//! - a single plain name (no `/`, not `.` or `..`) is handed straight to the `*at` call with
//!   "do not follow" semantics: the kernel looks only inside the directory handle, so nothing
//!   can escape, and the common case costs one syscall;
//! - anything else goes through `openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)` on Linux
//!   (one syscall, the kernel refuses any escape with `EXDEV`), or through cap-std
//!   (`cap_std::fs::Dir`, `cap_fs_ext::DirExt`), whose resolver walks component by component
//!   with `O_NOFOLLOW`, expands symlinks itself with a hop limit and never lets `..` rise above
//!   the start; operations on a final name (unlink, rename, link, symlink, mkdir, set times)
//!   open the parent that way and use the `*at` call on the last component.
//!
//! Errnos follow node:wasi where it answers sanely: an absolute path or a lexical `..` escape
//! is ENOTCAPABLE before the host is asked; an escape only a symlink reveals (including an
//! absolute symlink target) is EPERM; a symlink loop is ELOOP; a NUL inside the path length is
//! EINVAL; invalid UTF-8 is EILSEQ; an empty path is ENOENT; a path longer than [`PATH_MAX`]
//! is ENAMETOOLONG (checked before anything is copied).
//!
//! A final symlink is followed only when the guest passed `LOOKUPFLAGS_SYMLINK_FOLLOW`, and a
//! trailing slash does not change that: `link/` without the flag is not followed.
//!
//! One more fast path, for `path_filestat_get` of `dir/name` (two plain names, Linux): a walk
//! that stats every entry of a directory through its parent would pay an `openat2` + `fstat` +
//! `close` per entry. [`stat_two`] keeps `dir` open instead ([`ChildDir`], an `O_PATH` fd
//! opened with a plain `openat` of the single name and `O_NOFOLLOW`, so a real directory
//! beneath the handle) and answers with two single-name lookups: `fstatat(handle, dir,
//! NOFOLLOW)`, which must still show a directory with the kept fd's device and inode (POSIX's
//! file identity, unique among live files, and the kept fd keeps its inode alive), then
//! `fstatat(kept, name, NOFOLLOW)`. Neither lookup follows a symlink or crosses `..`, so neither can leave the
//! handle or the directory that `dir` names at that moment; anything else (a symlink or a
//! non-directory at `dir`, another inode there, a final symlink to follow, an unusual error)
//! falls back to the general walk, so answers and errnos are the walk's. (Checking that a
//! kept directory is still the one a name leads to by device and inode is what `fts` and
//! `rm -r` rely on against directories swapped during a traversal.) A name that cannot be
//! kept (a symlink, not a directory) is remembered so that it costs the walk nothing more.
//! One instance keeps at most one such directory (see `FdTable::dir_with_child`), for its
//! lifetime or until it stats beneath another name: one more host fd, which, like any open
//! fd, keeps a filesystem mounted at `dir` busy.

#[cfg(unix)]
pub mod listing;
#[cfg(windows)]
#[path = "listing_windows.rs"]
pub mod listing;
// Windows: the same operations through cap-std alone (the checks on the text are shared).
#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::*;

#[cfg(unix)]
use crate::abi::layout::Filestat;
use crate::abi::Errno;
#[cfg(unix)]
use crate::host;
use crate::memory::GuestMemory;
#[cfg(unix)]
use cap_std::fs::Dir;
#[cfg(unix)]
use rustix::fs::{AtFlags, Mode, OFlags, Timestamps};
#[cfg(unix)]
use std::os::fd::OwnedFd;
#[cfg(unix)]
use std::path::Path;

/// The longest guest path accepted, in bytes (Linux's PATH_MAX).
pub const PATH_MAX: usize = 4096;

/// Paths up to this length are copied to the caller's stack; longer ones to the heap.
const SMALL_PATH: usize = 256;

/// Scratch space a guest path is copied into: a small inline buffer (no allocation, little
/// to clear on the hot path) and a heap vector for long paths.
pub struct PathBuf {
    small: [u8; SMALL_PATH],
    big: Vec<u8>,
}

impl PathBuf {
    #[inline]
    pub fn new() -> Self {
        PathBuf {
            small: [0; SMALL_PATH],
            big: Vec::new(),
        }
    }

    /// `len` bytes of scratch (`len` is at most [`PATH_MAX`]).
    #[inline]
    fn slot(&mut self, len: usize) -> &mut [u8] {
        if len <= SMALL_PATH {
            &mut self.small[..len]
        } else {
            self.big.resize(len, 0);
            &mut self.big[..]
        }
    }
}

impl Default for PathBuf {
    fn default() -> Self {
        PathBuf::new()
    }
}

/// Copies the guest path at `(ptr, len)` into `buf` and checks it. Returns the path text.
pub fn read_path<'b>(
    mem: &GuestMemory,
    ptr: u32,
    len: u32,
    buf: &'b mut PathBuf,
) -> Result<&'b str, Errno> {
    check_path(copy_path(mem, ptr, len, buf)?)
}

/// Copies guest path bytes into `buf` after the range and length checks every path and
/// symlink target share (EOVERFLOW, then ENAMETOOLONG before anything is copied).
fn copy_path<'b>(
    mem: &GuestMemory,
    ptr: u32,
    len: u32,
    buf: &'b mut PathBuf,
) -> Result<&'b mut [u8], Errno> {
    mem.range(ptr, len as u64)?;
    if len as usize > PATH_MAX {
        return Err(Errno::ENAMETOOLONG);
    }
    let bytes = buf.slot(len as usize);
    mem.read_into(ptr, bytes)?;
    Ok(bytes)
}

/// Copies a symlink target (`path_symlink`'s old path) from the guest: the same NUL, UTF-8
/// and length checks as a path, but it is link contents, not resolved here, so `..` is kept
/// as written (following it later stays beneath the preopen). An absolute target is EPERM.
pub fn read_target<'b>(
    mem: &GuestMemory,
    ptr: u32,
    len: u32,
    buf: &'b mut PathBuf,
) -> Result<&'b str, Errno> {
    check_text(copy_path(mem, ptr, len, buf)?, Errno::EPERM)
}

/// The checks every guest path text gets, paths and symlink targets alike, in the order the
/// errnos take precedence: NUL (EINVAL), UTF-8 (EILSEQ), empty (ENOENT), absolute (`absolute`:
/// ENOTCAPABLE for a path, EPERM for a symlink target).
fn check_text(bytes: &[u8], absolute: Errno) -> Result<&str, Errno> {
    if bytes.contains(&0) {
        return Err(Errno::EINVAL);
    }
    let s = std::str::from_utf8(bytes).map_err(|_| Errno::EILSEQ)?;
    if s.is_empty() {
        return Err(Errno::ENOENT);
    }
    if s.starts_with('/') {
        return Err(absolute);
    }
    Ok(s)
}

/// The checks on a guest path's bytes, in the order the errnos take precedence.
pub fn check_path(bytes: &[u8]) -> Result<&str, Errno> {
    let s = check_text(bytes, Errno::ENOTCAPABLE)?;
    let mut depth = 0usize;
    for c in s.split('/') {
        match c {
            "" | "." => {}
            ".." => depth = depth.checked_sub(1).ok_or(Errno::ENOTCAPABLE)?,
            _ => depth += 1,
        }
    }
    Ok(s)
}

/// The checks on a symlink's contents before it is created at `path`: an absolute target is
/// EPERM; a relative one whose `..` would climb above the preopen, counted from the link's
/// own directory, is ENOTCAPABLE.
fn check_link_target(target: &str, path: &str) -> Result<(), Errno> {
    if target.starts_with('/') {
        return Err(Errno::EPERM);
    }
    let (link, _) = strip_trailing_slashes(path);
    let parent = link.rfind('/').map_or("", |i| &link[..i]);
    let mut depth = 0usize;
    for c in parent.split('/').chain(target.split('/')) {
        match c {
            "" | "." => {}
            ".." => depth = depth.checked_sub(1).ok_or(Errno::ENOTCAPABLE)?,
            _ => depth += 1,
        }
    }
    Ok(())
}

/// Whether `path` is one plain name inside the directory (the fast path).
#[cfg(unix)]
#[inline]
fn is_plain_name(path: &str) -> bool {
    !path.contains('/') && path != "." && path != ".."
}

/// Splits off trailing slashes: `("a/b", true)` for `a/b//`. A path of only slashes cannot
/// reach here (absolute paths are refused first).
fn strip_trailing_slashes(path: &str) -> (&str, bool) {
    let t = path.trim_end_matches('/');
    if t.len() == path.len() {
        (path, false)
    } else {
        (t, true)
    }
}

fn io_err(e: std::io::Error) -> Errno {
    Errno::from_io(&e)
}

#[cfg(unix)]
/// Opens `path` beneath `dir` with host open flags `flags` (access mode, create, exclusive,
/// truncate, directory, append, sync, nonblock). `follow` says whether a final symlink is
/// followed. `O_CLOEXEC` and `O_NOCTTY` are always added.
pub fn open(dir: &Dir, path: &str, follow: bool, flags: OFlags) -> Result<OwnedFd, Errno> {
    let mode = Mode::from_bits_truncate(0o666);
    let flags = flags | OFlags::CLOEXEC | OFlags::NOCTTY;
    if is_plain_name(path) {
        match rustix::fs::openat(dir, path, flags | OFlags::NOFOLLOW, mode) {
            // With the follow flag a final symlink is resolved below, beneath `dir` (a
            // symlink opened with O_DIRECTORY | O_NOFOLLOW answers ENOTDIR rather than ELOOP).
            Err(rustix::io::Errno::LOOP | rustix::io::Errno::NOTDIR) if follow => {}
            r => return r.map_err(host::errno),
        }
    }
    let (path, slash) = strip_trailing_slashes(path);
    let mut flags = flags;
    if slash {
        flags |= OFlags::DIRECTORY;
    }
    if !follow {
        flags |= OFlags::NOFOLLOW;
    }
    open_beneath(dir, path, flags, mode)
}

/// Set once the kernel has answered that it has no `openat2`.
#[cfg(target_os = "linux")]
static NO_OPENAT2: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `openat2(RESOLVE_BENEATH)`; cap-std's manual walk where the kernel lacks it.
#[cfg(target_os = "linux")]
fn open_beneath(dir: &Dir, path: &str, flags: OFlags, mode: Mode) -> Result<OwnedFd, Errno> {
    use rustix::fs::ResolveFlags;
    // openat2 insists on a zero mode unless a file may be created.
    let mode = if flags.contains(OFlags::CREATE) {
        mode
    } else {
        Mode::empty()
    };
    use std::sync::atomic::Ordering;
    if !NO_OPENAT2.load(Ordering::Relaxed) {
        let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS;
        // EAGAIN: a rename raced the lookup somewhere on the host; retry a few times.
        for _ in 0..4 {
            match rustix::fs::openat2(dir, path, flags, mode, resolve) {
                Ok(fd) => return Ok(fd),
                Err(rustix::io::Errno::AGAIN) => continue,
                // The kernel refused to leave the directory: a symlink pointed outside.
                Err(rustix::io::Errno::XDEV) => return Err(Errno::EPERM),
                Err(rustix::io::Errno::NOSYS) => {
                    NO_OPENAT2.store(true, Ordering::Relaxed);
                    break;
                }
                // Some seccomp sandboxes answer EPERM for an unknown syscall: let cap-std decide.
                Err(rustix::io::Errno::PERM) => break,
                Err(e) => return Err(host::errno(e)),
            }
        }
    }
    cap_open(dir, path, flags, mode)
}

#[cfg(all(unix, not(target_os = "linux")))]
fn open_beneath(dir: &Dir, path: &str, flags: OFlags, mode: Mode) -> Result<OwnedFd, Errno> {
    cap_open(dir, path, flags, mode)
}

#[cfg(unix)]
/// Opens through cap-std's resolver (the portable fallback).
fn cap_open(dir: &Dir, path: &str, flags: OFlags, _mode: Mode) -> Result<OwnedFd, Errno> {
    use cap_fs_ext::{FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt};
    use cap_std::fs::OpenOptionsExt;
    let mut o = cap_std::fs::OpenOptions::new();
    let acc = flags & OFlags::RWMODE;
    o.read(acc == OFlags::RDONLY || acc == OFlags::RDWR);
    o.write(acc == OFlags::WRONLY || acc == OFlags::RDWR);
    o.append(flags.contains(OFlags::APPEND));
    o.truncate(flags.contains(OFlags::TRUNC));
    if flags.contains(OFlags::CREATE) {
        if flags.contains(OFlags::EXCL) {
            o.create_new(true);
        } else {
            o.create(true);
        }
    }
    o.follow(if flags.contains(OFlags::NOFOLLOW) {
        FollowSymlinks::No
    } else {
        FollowSymlinks::Yes
    });
    o.maybe_dir(true);
    let handled = OFlags::RWMODE
        | OFlags::APPEND
        | OFlags::TRUNC
        | OFlags::CREATE
        | OFlags::EXCL
        | OFlags::NOFOLLOW
        | OFlags::CLOEXEC;
    o.custom_flags((flags & !handled).bits() as i32);
    let f = dir.open_with(Path::new(path), &o).map_err(io_err)?;
    Ok(f.into_std().into())
}

#[cfg(unix)]
/// `stat` of `path` beneath `dir` (of the symlink itself unless `follow`).
pub fn stat(dir: &Dir, path: &str, follow: bool) -> Result<Filestat, Errno> {
    if is_plain_name(path) {
        let st = rustix::fs::statat(dir, path, AtFlags::SYMLINK_NOFOLLOW).map_err(host::errno)?;
        let ft = host::filetype_from_mode(st.st_mode);
        if !(follow && ft == crate::abi::filetype::SYMBOLIC_LINK) {
            return Ok(host::filestat_from_stat(&st, ft));
        }
    }
    stat_slow(dir, path, follow)
}

#[cfg(target_os = "linux")]
fn stat_slow(dir: &Dir, path: &str, follow: bool) -> Result<Filestat, Errno> {
    let (p, slash) = strip_trailing_slashes(path);
    let mut flags = OFlags::PATH | OFlags::CLOEXEC;
    if slash {
        flags |= OFlags::DIRECTORY;
    }
    if !follow {
        flags |= OFlags::NOFOLLOW;
    }
    let fd = open_beneath(dir, p, flags, Mode::empty())?;
    let st = rustix::fs::fstat(&fd).map_err(host::errno)?;
    let ft = host::filetype_from_mode(st.st_mode);
    Ok(host::filestat_from_stat(&st, ft))
}

/// A directory one plain name beneath a directory handle, kept open by [`stat_two`].
#[cfg(target_os = "linux")]
pub struct ChildDir {
    name: Box<str>,
    /// `O_PATH | O_DIRECTORY`, opened beneath the handle without following a symlink; `None`
    /// when `name` could not be opened so (a symlink, not a directory): the walk answers for
    /// it without another try.
    fd: Option<OwnedFd>,
    /// `(st_dev, st_ino)` of `fd`, asked for when the kept directory is first reused.
    id: Option<(u64, u64)>,
}

/// A file's identity: `(st_dev, st_ino)`.
#[cfg(target_os = "linux")]
// The casts are identities on Linux x86_64 but not on every target.
#[allow(clippy::unnecessary_cast)]
fn file_id(st: &rustix::fs::Stat) -> (u64, u64) {
    (st.st_dev as u64, st.st_ino as u64)
}

/// The errnos a single-name lookup inside a directory answers exactly as the walk through
/// that directory would: nothing there, no search permission, a name too long.
#[cfg(target_os = "linux")]
fn walk_errno(e: rustix::io::Errno) -> Option<Errno> {
    use rustix::io::Errno as E;
    matches!(e, E::NOENT | E::ACCESS | E::NAMETOOLONG).then(|| host::errno(e))
}

/// `stat` of `dir/name` (two plain names, no trailing slash) beneath `handle` through the
/// kept child directory `child` (see the module docs), filling or replacing it as needed.
/// `None`: not such a path, or an answer only the general walk ([`stat`]) gives exactly.
#[cfg(target_os = "linux")]
pub fn stat_two(
    handle: &Dir,
    child: &mut Option<ChildDir>,
    path: &str,
    follow: bool,
) -> Option<Result<Filestat, Errno>> {
    let (dir, name) = path.split_once('/')?;
    if dir.is_empty() || name.is_empty() || !is_plain_name(dir) || !is_plain_name(name) {
        return None;
    }
    let reuse = match child {
        Some(c) if *c.name == *dir => {
            let fd = c.fd.as_ref()?;
            let id = match c.id {
                Some(id) => id,
                None => {
                    let st = rustix::fs::fstat(fd).ok()?;
                    *c.id.insert(file_id(&st))
                }
            };
            match rustix::fs::statat(handle, dir, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st)
                    if rustix::fs::FileType::from_raw_mode(st.st_mode)
                        == rustix::fs::FileType::Directory
                        && file_id(&st) == id =>
                {
                    true
                }
                // Gone, replaced or now a symlink: the walk answers; the next call refills.
                _ => {
                    *child = None;
                    return None;
                }
            }
        }
        _ => false,
    };
    if !reuse {
        // `dir` is one plain name (not `.` or `..`) opened without following a symlink, so
        // plain openat cannot leave `handle`: no openat2 needed (it is missing under older
        // kernels and qemu-user).
        let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        match rustix::fs::openat(handle, dir, flags, Mode::empty()) {
            Ok(fd) => {
                *child = Some(ChildDir {
                    name: dir.into(),
                    fd: Some(fd),
                    id: None,
                })
            }
            // The walk fails at `dir` the same way.
            Err(e) if walk_errno(e).is_some() => return walk_errno(e).map(Err),
            Err(_) => {
                *child = Some(ChildDir {
                    name: dir.into(),
                    fd: None,
                    id: None,
                });
                return None;
            }
        }
    }
    let kept = child.as_ref()?.fd.as_ref()?;
    match rustix::fs::statat(kept, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) => {
            let ft = host::filetype_from_mode(st.st_mode);
            if follow && ft == crate::abi::filetype::SYMBOLIC_LINK {
                return None;
            }
            Some(Ok(host::filestat_from_stat(&st, ft)))
        }
        Err(e) => walk_errno(e).map(Err),
    }
}

#[cfg(all(unix, not(target_os = "linux")))]
fn stat_slow(dir: &Dir, path: &str, follow: bool) -> Result<Filestat, Errno> {
    use cap_std::fs::MetadataExt;
    let (p, slash) = strip_trailing_slashes(path);
    let m = if follow || slash {
        dir.metadata(Path::new(path))
    } else {
        dir.symlink_metadata(Path::new(p))
    }
    .map_err(io_err)?;
    if slash && !m.is_dir() {
        return Err(Errno::ENOTDIR);
    }
    Ok(Filestat {
        dev: m.dev(),
        ino: m.ino(),
        // std's mode() is u32 everywhere; the host's mode_t is narrower on macOS.
        filetype: host::filetype_from_mode(m.mode() as rustix::fs::RawMode),
        nlink: m.nlink(),
        size: m.size(),
        atim: ns(m.atime(), m.atime_nsec()),
        mtim: ns(m.mtime(), m.mtime_nsec()),
        ctim: ns(m.ctime(), m.ctime_nsec()),
    })
}

#[cfg(all(unix, not(target_os = "linux")))]
fn ns(sec: i64, nsec: i64) -> u64 {
    (sec as i128 * 1_000_000_000 + nsec as i128).clamp(0, u64::MAX as i128) as u64
}

#[cfg(unix)]
/// `mkdirat` beneath `dir`.
pub fn create_dir(dir: &Dir, path: &str) -> Result<(), Errno> {
    if is_plain_name(path) {
        return rustix::fs::mkdirat(dir, path, Mode::from_bits_truncate(0o777))
            .map_err(host::errno);
    }
    dir.create_dir(Path::new(path)).map_err(io_err)
}

#[cfg(unix)]
/// `unlinkat(AT_REMOVEDIR)` beneath `dir`.
pub fn remove_dir(dir: &Dir, path: &str) -> Result<(), Errno> {
    if is_plain_name(path) {
        return rustix::fs::unlinkat(dir, path, AtFlags::REMOVEDIR).map_err(host::errno);
    }
    dir.remove_dir(Path::new(path)).map_err(io_err)
}

#[cfg(unix)]
/// `unlinkat` of a file or symlink beneath `dir` (the link itself, never its target).
pub fn unlink(dir: &Dir, path: &str) -> Result<(), Errno> {
    if is_plain_name(path) {
        return rustix::fs::unlinkat(dir, path, AtFlags::empty()).map_err(host::errno);
    }
    if path.ends_with('/') {
        // A trailing slash names a directory; unlink never removes one.
        let st = stat(dir, path, false)?;
        return Err(if st.filetype == crate::abi::filetype::DIRECTORY {
            Errno::EISDIR
        } else {
            Errno::ENOTDIR
        });
    }
    use cap_fs_ext::DirExt;
    dir.remove_file_or_symlink(Path::new(path)).map_err(io_err)
}

#[cfg(unix)]
/// `renameat` between two directories, both ends resolved beneath their own handle.
pub fn rename(old_dir: &Dir, old: &str, new_dir: &Dir, new: &str) -> Result<(), Errno> {
    if is_plain_name(old) && is_plain_name(new) {
        return rustix::fs::renameat(old_dir, old, new_dir, new).map_err(host::errno);
    }
    old_dir
        .rename(Path::new(old), new_dir, Path::new(new))
        .map_err(io_err)
}

#[cfg(unix)]
/// `linkat`: a new hard link `new` to `old`. With `follow`, a final symlink at `old` is
/// resolved (beneath `old_dir`) first and its target linked.
pub fn link(old_dir: &Dir, old: &str, follow: bool, new_dir: &Dir, new: &str) -> Result<(), Errno> {
    if !follow && is_plain_name(old) && is_plain_name(new) {
        return rustix::fs::linkat(old_dir, old, new_dir, new, AtFlags::empty())
            .map_err(host::errno);
    }
    if follow {
        let target = old_dir.canonicalize(Path::new(old)).map_err(io_err)?;
        return old_dir
            .hard_link(&target, new_dir, Path::new(new))
            .map_err(io_err);
    }
    old_dir
        .hard_link(Path::new(old), new_dir, Path::new(new))
        .map_err(io_err)
}

#[cfg(unix)]
/// `symlinkat`: creates `path` beneath `dir` with contents `target`. An absolute target is
/// refused (EPERM): it could only ever lead outside the sandbox. A relative target whose `..`
/// would climb above the preopen, counted from the link's own directory, is refused with
/// ENOTCAPABLE before anything is created (as node:wasi does).
pub fn symlink(target: &str, dir: &Dir, path: &str) -> Result<(), Errno> {
    check_link_target(target, path)?;
    if is_plain_name(path) {
        return rustix::fs::symlinkat(target, dir, path).map_err(host::errno);
    }
    dir.symlink(Path::new(target), Path::new(path))
        .map_err(io_err)
}

#[cfg(unix)]
/// `readlinkat`: the raw contents of the symlink at `path`, copied into `out`; returns the
/// full length of the contents (which may exceed `out.len()`).
pub fn readlink(dir: &Dir, path: &str) -> Result<Vec<u8>, Errno> {
    use std::os::unix::ffi::OsStringExt;
    if is_plain_name(path) {
        let v = rustix::fs::readlinkat(dir, path, Vec::new()).map_err(host::errno)?;
        return Ok(v.into_bytes());
    }
    let (p, slash) = strip_trailing_slashes(path);
    if slash {
        // `link/` names the directory behind the link, which is not a symlink.
        let st = stat(dir, path, false)?;
        return Err(if st.filetype == crate::abi::filetype::DIRECTORY {
            Errno::EINVAL
        } else {
            Errno::ENOTDIR
        });
    }
    let v = dir.read_link_contents(Path::new(p)).map_err(io_err)?;
    Ok(v.into_os_string().into_vec())
}

#[cfg(unix)]
/// `utimensat` beneath `dir`; a final symlink's own times unless `follow`.
pub fn set_times(dir: &Dir, path: &str, follow: bool, ts: &Timestamps) -> Result<(), Errno> {
    if !follow && is_plain_name(path) {
        return rustix::fs::utimensat(dir, path, ts, AtFlags::SYMLINK_NOFOLLOW)
            .map_err(host::errno);
    }
    if !follow {
        return set_times_nofollow(dir, path, ts);
    }
    use cap_fs_ext::DirExt;
    let a = to_spec(ts.last_access);
    let m = to_spec(ts.last_modification);
    dir.set_times(Path::new(path), a, m).map_err(io_err)
}

#[cfg(unix)]
fn set_times_nofollow(dir: &Dir, path: &str, ts: &Timestamps) -> Result<(), Errno> {
    use cap_fs_ext::DirExt;
    let (p, slash) = strip_trailing_slashes(path);
    if slash {
        // `x/` must be a directory, reached without following a final symlink.
        let fd = open(dir, path, false, OFlags::RDONLY | OFlags::DIRECTORY)?;
        return rustix::fs::futimens(&fd, ts).map_err(host::errno);
    }
    let a = to_spec(ts.last_access);
    let m = to_spec(ts.last_modification);
    dir.set_symlink_times(Path::new(p), a, m).map_err(io_err)
}

#[cfg(unix)]
fn to_spec(t: rustix::fs::Timespec) -> Option<cap_fs_ext::SystemTimeSpec> {
    use rustix::fs::{UTIME_NOW, UTIME_OMIT};
    if t.tv_nsec == UTIME_OMIT as _ {
        None
    } else if t.tv_nsec == UTIME_NOW as _ {
        Some(cap_fs_ext::SystemTimeSpec::SymbolicNow)
    } else {
        let d = std::time::Duration::new(t.tv_sec as u64, t.tv_nsec as u32);
        Some(cap_fs_ext::SystemTimeSpec::Absolute(
            cap_std::time::SystemTime::from_std(std::time::UNIX_EPOCH + d),
        ))
    }
}

#[cfg(all(test, unix))]
mod tests;
