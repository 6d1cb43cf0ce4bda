//! The operations on a path beneath a directory handle on Windows, all through cap-std (whose
//! resolver walks component by component from the handle and refuses to leave it). The
//! checks on the guest's path text are the shared ones in `sandbox/mod.rs`; these functions
//! have the POSIX side's names and meaning. Windows differences, each with its errno:
//! - a guest path containing `\` or `:` is ENOTCAPABLE, as an absolute path is: on Windows
//!   they would make it a drive, UNC or rooted path, a stream name or a separator, never part
//!   of a file name (`C:\secret` is Windows' absolute path);
//! - creating a symlink needs a privilege (or developer mode) Windows may not grant: EPERM;
//!   a symlink to a directory is made as a directory symlink when the target exists and is
//!   a directory, else as a file symlink;
//! - `readlink` hands back the link's contents with `\` turned into `/`.

use super::{io_err, strip_trailing_slashes};
use crate::abi::{filetype, layout::Filestat, Errno};
use crate::sys::{self, Time};
use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt};
use cap_std::fs::{Dir, OpenOptionsExt};
use std::os::windows::io::OwnedHandle;
use std::path::Path;

/// Host open flags for [`open`], named as the POSIX ones `path_open` maps to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OFlags(u32);

impl OFlags {
    pub const RDONLY: OFlags = OFlags(0);
    pub const WRONLY: OFlags = OFlags(1);
    pub const RDWR: OFlags = OFlags(2);
    const RWMODE: u32 = 3;
    pub const CREATE: OFlags = OFlags(1 << 2);
    pub const EXCL: OFlags = OFlags(1 << 3);
    pub const TRUNC: OFlags = OFlags(1 << 4);
    pub const DIRECTORY: OFlags = OFlags(1 << 5);
    pub const APPEND: OFlags = OFlags(1 << 6);
    pub const NONBLOCK: OFlags = OFlags(1 << 7);
    pub const DSYNC: OFlags = OFlags(1 << 8);
    pub const SYNC: OFlags = OFlags(1 << 9);

    pub fn contains(self, other: OFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for OFlags {
    type Output = OFlags;
    fn bitor(self, other: OFlags) -> OFlags {
        OFlags(self.0 | other.0)
    }
}

impl std::ops::BitOrAssign for OFlags {
    fn bitor_assign(&mut self, other: OFlags) {
        self.0 |= other.0;
    }
}

/// What `path_filestat_set_times` asks for: (access, modification).
pub type Timestamps = (Time, Time);

/// FILE_FLAG_WRITE_THROUGH: writes reach the disk before they return (DSYNC / SYNC).
const WRITE_THROUGH: u32 = 0x8000_0000;
/// FILE_READ_ATTRIBUTES: enough access to stat a file or directory.
const READ_ATTRIBUTES: u32 = 0x80;

/// A path as Windows may see it: `\` and `:` would not be part of a name there.
fn win_path(path: &str) -> Result<&Path, Errno> {
    if path.contains(['\\', ':']) {
        return Err(Errno::ENOTCAPABLE);
    }
    Ok(Path::new(path))
}

/// Opens with cap-std beneath `dir`; `flags` as [`open`] takes them.
fn open_with(
    dir: &Dir,
    path: &str,
    follow: bool,
    flags: OFlags,
) -> Result<cap_std::fs::File, Errno> {
    let (p, slash) = strip_trailing_slashes(path);
    let p = win_path(p)?;
    let mut o = cap_std::fs::OpenOptions::new();
    let acc = flags.0 & OFlags::RWMODE;
    let write = acc == OFlags::WRONLY.0 || acc == OFlags::RDWR.0;
    o.read(acc == OFlags::RDONLY.0 || acc == OFlags::RDWR.0);
    o.write(write);
    if flags.contains(OFlags::APPEND) {
        o.append(true);
    }
    o.truncate(flags.contains(OFlags::TRUNC));
    if flags.contains(OFlags::CREATE) {
        if flags.contains(OFlags::EXCL) {
            o.create_new(true);
        } else {
            o.create(true);
        }
    }
    o.follow(if follow {
        FollowSymlinks::Yes
    } else {
        FollowSymlinks::No
    });
    o.maybe_dir(true);
    if flags.contains(OFlags::DSYNC) || flags.contains(OFlags::SYNC) {
        o.custom_flags(WRITE_THROUGH);
    }
    let f = dir.open_with(p, &o).map_err(io_err)?;
    let is_dir = f.metadata().map_err(io_err)?.is_dir();
    if !is_dir && (slash || flags.contains(OFlags::DIRECTORY)) {
        return Err(Errno::ENOTDIR);
    }
    // Windows opens a directory with write access (backup semantics); POSIX refuses.
    if is_dir && write {
        return Err(Errno::EISDIR);
    }
    Ok(f)
}

/// Opens `path` beneath `dir` (see the POSIX `open`): `follow` says whether a final symlink
/// is followed.
pub fn open(dir: &Dir, path: &str, follow: bool, flags: OFlags) -> Result<OwnedHandle, Errno> {
    Ok(open_with(dir, path, follow, flags)?.into_std().into())
}

/// The stat of `path` beneath `dir` (of the symlink itself unless `follow`), from a handle
/// opened for attributes only.
pub fn stat(dir: &Dir, path: &str, follow: bool) -> Result<Filestat, Errno> {
    let (p, slash) = strip_trailing_slashes(path);
    let mut o = cap_std::fs::OpenOptions::new();
    o.access_mode(READ_ATTRIBUTES);
    o.follow(if follow || slash {
        FollowSymlinks::Yes
    } else {
        FollowSymlinks::No
    });
    o.maybe_dir(true);
    let f = dir.open_with(win_path(p)?, &o).map_err(io_err)?;
    let f = f.into_std();
    let ft = sys::filetype(&f)?;
    if slash && ft != filetype::DIRECTORY {
        return Err(Errno::ENOTDIR);
    }
    sys::filestat(&f, ft)
}

pub fn create_dir(dir: &Dir, path: &str) -> Result<(), Errno> {
    dir.create_dir(win_path(path)?).map_err(io_err)
}

pub fn remove_dir(dir: &Dir, path: &str) -> Result<(), Errno> {
    dir.remove_dir(win_path(path)?).map_err(io_err)
}

/// Removes a file or symlink (the link itself, never its target).
pub fn unlink(dir: &Dir, path: &str) -> Result<(), Errno> {
    if path.ends_with('/') {
        // A trailing slash names a directory; unlink never removes one.
        let st = stat(dir, path, false)?;
        return Err(if st.filetype == filetype::DIRECTORY {
            Errno::EISDIR
        } else {
            Errno::ENOTDIR
        });
    }
    let p = win_path(path)?;
    if let Ok(m) = dir.symlink_metadata(p) {
        if m.is_dir() && !m.is_symlink() {
            return Err(Errno::EISDIR);
        }
    }
    dir.remove_file_or_symlink(p).map_err(io_err)
}

/// What a name is, without following a final symlink: None when it does not exist.
fn kind(dir: &Dir, path: &Path) -> Option<(bool, bool)> {
    dir.symlink_metadata(path)
        .ok()
        .map(|m| (m.is_dir() && !m.is_symlink(), m.is_symlink()))
}

/// Renames `old` to `new`. Windows would replace a file by a directory and answers EACCES
/// where POSIX names the conflict, so the POSIX errnos are found first: a directory onto a
/// file is ENOTDIR, a file onto a directory EISDIR, a directory onto a non-empty one
/// ENOTEMPTY.
pub fn rename(old_dir: &Dir, old: &str, new_dir: &Dir, new: &str) -> Result<(), Errno> {
    let (o, n) = (win_path(old)?, win_path(new)?);
    if let (Some((old_is_dir, _)), Some((new_is_dir, _))) = (kind(old_dir, o), kind(new_dir, n)) {
        match (old_is_dir, new_is_dir) {
            (true, false) => return Err(Errno::ENOTDIR),
            (false, true) => return Err(Errno::EISDIR),
            (true, true) => {
                let mut entries = new_dir.read_dir(n).map_err(io_err)?;
                if entries.next().is_some() {
                    return Err(Errno::ENOTEMPTY);
                }
            }
            (false, false) => {}
        }
    }
    old_dir.rename(o, new_dir, n).map_err(io_err)
}

/// A new hard link `new` to `old` (with `follow`, to the file a final symlink names).
pub fn link(old_dir: &Dir, old: &str, follow: bool, new_dir: &Dir, new: &str) -> Result<(), Errno> {
    let (old, new) = (win_path(old)?, win_path(new)?);
    // POSIX: a hard link to a directory is EPERM (Windows answers EACCES).
    if kind(old_dir, old).is_some_and(|(is_dir, _)| is_dir) {
        return Err(Errno::EPERM);
    }
    if follow {
        let target = old_dir.canonicalize(old).map_err(io_err)?;
        return old_dir.hard_link(&target, new_dir, new).map_err(io_err);
    }
    old_dir.hard_link(old, new_dir, new).map_err(io_err)
}

/// Creates the symlink `path` beneath `dir` with contents `target` (the shared checks refuse
/// an absolute target or one that climbs above the preopen first).
pub fn symlink(target: &str, dir: &Dir, path: &str) -> Result<(), Errno> {
    super::check_link_target(target, path)?;
    let (t, p) = (win_path(target)?, win_path(path)?);
    let parent = p.parent().unwrap_or(Path::new(""));
    let to_dir = dir
        .metadata(parent.join(t))
        .map(|m| m.is_dir())
        .unwrap_or(false);
    if to_dir {
        dir.symlink_dir(t, p).map_err(io_err)
    } else {
        dir.symlink_file(t, p).map_err(io_err)
    }
}

/// The contents of the symlink at `path`, with `/` as the separator.
pub fn readlink(dir: &Dir, path: &str) -> Result<Vec<u8>, Errno> {
    let (p, slash) = strip_trailing_slashes(path);
    if slash {
        let st = stat(dir, path, false)?;
        return Err(if st.filetype == filetype::DIRECTORY {
            Errno::EINVAL
        } else {
            Errno::ENOTDIR
        });
    }
    let p = win_path(p)?;
    // POSIX: readlink of something that is not a symlink is EINVAL.
    if kind(dir, p).is_some_and(|(_, is_link)| !is_link) {
        return Err(Errno::EINVAL);
    }
    let v = dir.read_link_contents(p).map_err(io_err)?;
    let s = v.to_str().ok_or(Errno::EILSEQ)?;
    Ok(s.replace('\\', "/").into_bytes())
}

fn to_spec(t: Time) -> Option<cap_fs_ext::SystemTimeSpec> {
    match t {
        Time::Omit => None,
        Time::Now => Some(cap_fs_ext::SystemTimeSpec::SymbolicNow),
        Time::At(ns) => Some(cap_fs_ext::SystemTimeSpec::Absolute(
            cap_std::time::SystemTime::from_std(
                std::time::UNIX_EPOCH + std::time::Duration::from_nanos(ns),
            ),
        )),
    }
}

/// Sets the times of `path` beneath `dir`; a final symlink's own times unless `follow`.
pub fn set_times(dir: &Dir, path: &str, follow: bool, ts: &Timestamps) -> Result<(), Errno> {
    let (p, slash) = strip_trailing_slashes(path);
    if slash {
        // `x/` must be a directory, reached without following a final symlink.
        let f = open_with(dir, path, false, OFlags::RDONLY | OFlags::DIRECTORY)?;
        return sys::set_times(f.into_std(), ts.0, ts.1);
    }
    let (a, m) = (to_spec(ts.0), to_spec(ts.1));
    if follow {
        dir.set_times(win_path(p)?, a, m).map_err(io_err)
    } else {
        dir.set_symlink_times(win_path(p)?, a, m).map_err(io_err)
    }
}
