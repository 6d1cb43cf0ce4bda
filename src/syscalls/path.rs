//! The path_* calls and `fd_readdir`: every guest path is checked and resolved beneath a
//! directory fd by [`crate::sandbox`]; nothing here builds a host path.
//!
//! Mirrors node:wasi (uvwasi) in which rights each call needs and in its errnos for bad paths,
//! except where node:wasi strays from the spec (see `__test__/differences.js`): `fd_readdir`
//! lists `.` and `..` with real inode numbers, a trailing NUL inside `path_len` is EINVAL, a
//! final symlink is never followed without `LOOKUPFLAGS_SYMLINK_FOLLOW`, O_APPEND and the other
//! fdflags given to `path_open` are reported by `fd_fdstat_get`, timestamps keep nanoseconds.

use super::SysResult;
use crate::abi::layout;
use crate::abi::{fdflags, filetype, lookupflags, oflags, rights, Errno};
use crate::ctx::Ctx;
use crate::fd_table::{default_rights, DirHandle, FdEntry, FdTable, Handle};
use crate::memory::GuestMemory;
#[cfg(windows)]
use crate::sandbox::OFlags;
use crate::sandbox::{self, listing::Listing, PathBuf};
use cap_std::fs::Dir;
#[cfg(unix)]
use rustix::fs::OFlags;
#[cfg(unix)]
use std::os::fd::AsFd;

/// The directory behind `fd`, if the guest holds `needed` rights on it.
fn dir_at(ctx: &mut Ctx, fd: u32, needed: u64) -> Result<&Dir, Errno> {
    ctx.fds.resolve(fd);
    dir_in(&ctx.fds, fd, needed)
}

/// The directories behind two fds at once (link, rename), each checked as [`dir_at`] does,
/// the first one first.
fn dirs_at(
    ctx: &mut Ctx,
    (a, needed_a): (u32, u64),
    (b, needed_b): (u32, u64),
) -> Result<(&Dir, &Dir), Errno> {
    ctx.fds.resolve(a);
    ctx.fds.resolve(b);
    Ok((
        dir_in(&ctx.fds, a, needed_a)?,
        dir_in(&ctx.fds, b, needed_b)?,
    ))
}

/// [`dir_at`] for an fd already typed.
fn dir_in(fds: &FdTable, fd: u32, needed: u64) -> Result<&Dir, Errno> {
    let e = fds.peek(fd).ok_or(Errno::EBADF)?;
    if e.rights_base & needed != needed {
        return Err(Errno::ENOTCAPABLE);
    }
    match &e.handle {
        Handle::Dir(d) => Ok(&d.dir),
        Handle::File(_) | Handle::Shared(_) => Err(Errno::ENOTDIR),
    }
}

/// The calls that act on one name beneath a directory fd and return nothing else
/// (mkdir, rmdir, unlink): the fd's rights, then the guest path, then the operation.
fn on_path(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    needed: u64,
    path: u32,
    path_len: u32,
    op: fn(&Dir, &str) -> SysResult,
) -> SysResult {
    let dir = dir_at(ctx, fd, needed)?;
    let mut pb = PathBuf::new();
    let p = sandbox::read_path(mem, path, path_len, &mut pb)?;
    op(dir, p)
}

fn follow(flags: u32) -> Result<bool, Errno> {
    if flags & !lookupflags::SYMLINK_FOLLOW != 0 {
        return Err(Errno::EINVAL);
    }
    Ok(flags & lookupflags::SYMLINK_FOLLOW != 0)
}

pub fn fd_readdir(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    buf: u32,
    buf_len: u32,
    cookie: u64,
    bufused: u32,
) -> SysResult {
    mem.range(buf, buf_len as u64)?;
    mem.range(bufused, 4)?;
    let e = ctx.fds.get(fd, rights::FD_READDIR)?;
    let DirHandle { dir, listing } = e.dir()?;
    let listing = listing.get_or_insert_with(|| Box::new(Listing::new()));
    if cookie == 0 {
        listing.rewind();
    }
    let mut used = 0u32;
    let mut failed = Ok(());
    #[cfg(unix)]
    let host = dir.as_fd();
    #[cfg(windows)]
    let host = &*dir;
    listing.serve(host, cookie, |next, ino, name, ft| {
        let header = layout::encode_dirent(next, ino, name.len() as u32, ft);
        let room = (buf_len - used) as usize;
        // The spec lets the last entry be cut short: the guest sees a full buffer and asks
        // again from that entry's cookie with a bigger one.
        let n = header.len().min(room);
        if let Err(e) = mem.write_bytes(buf + used, &header[..n]) {
            failed = Err(e);
            return false;
        }
        used += n as u32;
        let room = (buf_len - used) as usize;
        let m = name.len().min(room);
        if let Err(e) = mem.write_bytes(buf + used, &name[..m]) {
            failed = Err(e);
            return false;
        }
        used += m as u32;
        used < buf_len
    })?;
    failed?;
    mem.write_u32(bufused, used)
}

pub fn path_create_directory(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    path: u32,
    path_len: u32,
) -> SysResult {
    on_path(
        ctx,
        mem,
        fd,
        rights::PATH_CREATE_DIRECTORY,
        path,
        path_len,
        sandbox::create_dir,
    )
}

pub fn path_filestat_get(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    flags: u32,
    path: u32,
    path_len: u32,
    buf: u32,
) -> SysResult {
    let version = ctx.version;
    mem.range(buf, version.filestat_size() as u64)?;
    #[cfg(target_os = "linux")]
    let (dir, child) = ctx.fds.dir_with_child(fd, rights::PATH_FILESTAT_GET)?;
    #[cfg(not(target_os = "linux"))]
    let dir = dir_at(ctx, fd, rights::PATH_FILESTAT_GET)?;
    let follow = follow(flags)?;
    let mut pb = PathBuf::new();
    let p = sandbox::read_path(mem, path, path_len, &mut pb)?;
    // `dir/name` beneath a preopen: through the kept directory when it answers exactly.
    #[cfg(target_os = "linux")]
    let fast = child.and_then(|c| sandbox::stat_two(dir, c, p, follow));
    #[cfg(not(target_os = "linux"))]
    let fast: Option<Result<layout::Filestat, Errno>> = None;
    let st = match fast {
        Some(r) => r?,
        None => sandbox::stat(dir, p, follow)?,
    };
    let (bytes, n) = st.encode(version);
    mem.write_bytes(buf, &bytes[..n])
}

#[allow(clippy::too_many_arguments)]
pub fn path_filestat_set_times(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    flags: u32,
    path: u32,
    path_len: u32,
    atim: u64,
    mtim: u64,
    fst_flags: u32,
) -> SysResult {
    let dir = dir_at(ctx, fd, rights::PATH_FILESTAT_SET_TIMES)?;
    let follow = follow(flags)?;
    let ts = super::fd::timestamps(atim, mtim, fst_flags)?;
    let mut pb = PathBuf::new();
    let p = sandbox::read_path(mem, path, path_len, &mut pb)?;
    sandbox::set_times(dir, p, follow, &ts)
}

#[allow(clippy::too_many_arguments)]
pub fn path_link(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    old_fd: u32,
    old_flags: u32,
    old_path: u32,
    old_path_len: u32,
    new_fd: u32,
    new_path: u32,
    new_path_len: u32,
) -> SysResult {
    let (old_dir, new_dir) = dirs_at(
        ctx,
        (old_fd, rights::PATH_LINK_SOURCE),
        (new_fd, rights::PATH_LINK_TARGET),
    )?;
    let follow = follow(old_flags)?;
    let mut ob = PathBuf::new();
    let old = sandbox::read_path(mem, old_path, old_path_len, &mut ob)?;
    let mut nb = PathBuf::new();
    let new = sandbox::read_path(mem, new_path, new_path_len, &mut nb)?;
    sandbox::link(old_dir, old, follow, new_dir, new)
}

/// The host open flags for a `path_open`: access mode from the rights asked for (as uvwasi
/// and wasi-libc pair them), then oflags and fdflags.
fn host_flags(base: u64, oflags: u16, fdflags: u16) -> OFlags {
    let read = base & (rights::FD_READ | rights::FD_READDIR) != 0;
    let write = base
        & (rights::FD_WRITE
            | rights::FD_DATASYNC
            | rights::FD_ALLOCATE
            | rights::FD_FILESTAT_SET_SIZE)
        != 0;
    let mut f = match (read, write) {
        (true, true) => OFlags::RDWR,
        (false, true) => OFlags::WRONLY,
        _ => OFlags::RDONLY,
    };
    for (bit, host) in [
        (oflags::CREAT, OFlags::CREATE),
        (oflags::EXCL, OFlags::EXCL),
        (oflags::TRUNC, OFlags::TRUNC),
        (oflags::DIRECTORY, OFlags::DIRECTORY),
    ] {
        if oflags & bit != 0 {
            f |= host;
        }
    }
    for (bit, host) in [
        (fdflags::APPEND, OFlags::APPEND),
        (fdflags::NONBLOCK, OFlags::NONBLOCK),
        (fdflags::DSYNC, OFlags::DSYNC),
        (fdflags::SYNC, OFlags::SYNC),
    ] {
        if fdflags & bit != 0 {
            f |= host;
        }
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if fdflags & fdflags::RSYNC != 0 {
        f |= OFlags::RSYNC;
    }
    f
}

#[allow(clippy::too_many_arguments)]
pub fn path_open(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    dirflags: u32,
    path: u32,
    path_len: u32,
    oflags: u32,
    rights_base: u64,
    rights_inheriting: u64,
    fdflags: u32,
    opened_fd: u32,
) -> SysResult {
    mem.range(opened_fd, 4)?;
    if oflags > oflags::ALL as u32 || fdflags > fdflags::ALL as u32 {
        return Err(Errno::EINVAL);
    }
    let (oflags, fdflags) = (oflags as u16, fdflags as u16);
    let mut needed = rights::PATH_OPEN;
    if oflags & oflags::CREAT != 0 {
        needed |= rights::PATH_CREATE_FILE;
    }
    if oflags & oflags::TRUNC != 0 {
        needed |= rights::PATH_FILESTAT_SET_SIZE;
    }
    ctx.fds.resolve(fd);
    let inheritable = ctx.fds.peek(fd).map_or(0, |e| e.rights_inheriting);
    let dir = dir_in(&ctx.fds, fd, needed)?;
    let follow = follow(dirflags)?;
    let mut pb = PathBuf::new();
    let p = sandbox::read_path(mem, path, path_len, &mut pb)?;
    // Rights only narrow: what was asked for, within what the directory hands down.
    let base = rights_base & inheritable;
    let inheriting = rights_inheriting & inheritable;
    let host = sandbox::open(dir, p, follow, host_flags(base, oflags, fdflags))?;
    let file = std::fs::File::from(host);
    let entry = if oflags & oflags::DIRECTORY != 0 {
        // O_DIRECTORY succeeded: it is a directory, no fstat needed (opendir's case).
        let (max_base, max_inheriting) = default_rights(filetype::DIRECTORY);
        FdEntry {
            handle: Handle::Dir(DirHandle {
                dir: Dir::from_std_file(file),
                listing: None,
            }),
            filetype: filetype::DIRECTORY,
            tty: false,
            rights_base: base & max_base,
            rights_inheriting: inheriting & max_inheriting,
            flags: fdflags,
            preopen: None,
        }
    } else {
        // The filetype (and the rights it allows) is asked for on first use: an open and a
        // close (a probe, `access`-style code) need no fstat.
        FdEntry::untyped(file, base, inheriting, fdflags)
    };
    let new = ctx.fds.insert(entry)?;
    mem.write_u32(opened_fd, new)
}

/// Writes the symlink's contents; a short buffer receives as much as fits (the contents are
/// cut, as the spec's `size` result allows and as wasmtime does).
#[allow(clippy::too_many_arguments)]
pub fn path_readlink(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    path: u32,
    path_len: u32,
    buf: u32,
    buf_len: u32,
    bufused: u32,
) -> SysResult {
    mem.range(buf, buf_len as u64)?;
    mem.range(bufused, 4)?;
    let dir = dir_at(ctx, fd, rights::PATH_READLINK)?;
    let mut pb = PathBuf::new();
    let p = sandbox::read_path(mem, path, path_len, &mut pb)?;
    let target = sandbox::readlink(dir, p)?;
    let n = target.len().min(buf_len as usize);
    mem.write_bytes(buf, &target[..n])?;
    mem.write_u32(bufused, n as u32)
}

pub fn path_remove_directory(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    path: u32,
    path_len: u32,
) -> SysResult {
    on_path(
        ctx,
        mem,
        fd,
        rights::PATH_REMOVE_DIRECTORY,
        path,
        path_len,
        sandbox::remove_dir,
    )
}

#[allow(clippy::too_many_arguments)]
pub fn path_rename(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    old_path: u32,
    old_path_len: u32,
    new_fd: u32,
    new_path: u32,
    new_path_len: u32,
) -> SysResult {
    let (old_dir, new_dir) = dirs_at(
        ctx,
        (fd, rights::PATH_RENAME_SOURCE),
        (new_fd, rights::PATH_RENAME_TARGET),
    )?;
    let mut ob = PathBuf::new();
    let old = sandbox::read_path(mem, old_path, old_path_len, &mut ob)?;
    let mut nb = PathBuf::new();
    let new = sandbox::read_path(mem, new_path, new_path_len, &mut nb)?;
    sandbox::rename(old_dir, old, new_dir, new)
}

pub fn path_symlink(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    old_path: u32,
    old_path_len: u32,
    fd: u32,
    new_path: u32,
    new_path_len: u32,
) -> SysResult {
    let dir = dir_at(ctx, fd, rights::PATH_SYMLINK)?;
    let mut ob = PathBuf::new();
    let target = sandbox::read_target(mem, old_path, old_path_len, &mut ob)?;
    let mut nb = PathBuf::new();
    let new = sandbox::read_path(mem, new_path, new_path_len, &mut nb)?;
    sandbox::symlink(target, dir, new)
}

pub fn path_unlink_file(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    fd: u32,
    path: u32,
    path_len: u32,
) -> SysResult {
    on_path(
        ctx,
        mem,
        fd,
        rights::PATH_UNLINK_FILE,
        path,
        path_len,
        sandbox::unlink,
    )
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::abi::Version;
    use crate::ctx::open_preopen;
    use crate::memory::OwnedMemory;
    use crate::sandbox::listing::WINDOW;

    const BUF: u32 = 0;
    const USED: u32 = 60000;

    fn ctx_for(dir: &std::path::Path) -> Ctx {
        let null = || std::sync::Arc::new(std::fs::File::open("/dev/null").unwrap());
        let pre = open_preopen("/sandbox", dir.to_str().unwrap()).unwrap();
        Ctx::new(
            Version::Preview1,
            &[],
            &[],
            [null(), null(), null()],
            vec![pre],
        )
        .unwrap()
    }

    /// Parses one fd_readdir answer: complete entries as (d_next, ino, name, type).
    fn parse(bytes: &[u8]) -> Vec<(u64, u64, String, u8)> {
        let mut out = Vec::new();
        let mut at = 0;
        while at + 24 <= bytes.len() {
            let h = &bytes[at..at + 24];
            let next = u64::from_le_bytes(h[0..8].try_into().unwrap());
            let ino = u64::from_le_bytes(h[8..16].try_into().unwrap());
            let len = u32::from_le_bytes(h[16..20].try_into().unwrap()) as usize;
            if at + 24 + len > bytes.len() {
                break;
            }
            let name = String::from_utf8(bytes[at + 24..at + 24 + len].to_vec()).unwrap();
            out.push((next, ino, name, h[20]));
            at += 24 + len;
        }
        out
    }

    /// Lists fd 3 the way wasi-libc does: from cookie 0, each call from the last complete
    /// entry's d_next, until a call returns less than the buffer.
    fn list_all(ctx: &mut Ctx, buf_len: u32) -> Vec<(u64, u64, String, u8)> {
        let mut mem = OwnedMemory::new(65536);
        let mut all = Vec::new();
        let mut cookie = 0;
        loop {
            let view = mem.view();
            fd_readdir(ctx, &view, 3, BUF, buf_len, cookie, USED).unwrap();
            let used = view.read_u32(USED).unwrap();
            let got = parse(&mem.bytes()[BUF as usize..(BUF + used) as usize]);
            assert!(
                !got.is_empty() || used < buf_len,
                "no progress with {buf_len} bytes"
            );
            if let Some(last) = got.last() {
                cookie = last.0;
            }
            all.extend(got);
            if used < buf_len {
                return all;
            }
        }
    }

    /// Every right but those that make path_open open for writing (a directory refuses them).
    const READ_ONLY: u64 = rights::ALL
        & !(rights::FD_WRITE
            | rights::FD_DATASYNC
            | rights::FD_ALLOCATE
            | rights::FD_FILESTAT_SET_SIZE);

    /// path_open of (guest) `name` beneath `dir` without O_DIRECTORY, asking for every right
    /// a read-only open may have.
    fn open_untyped(ctx: &mut Ctx, mem: &mut OwnedMemory, dir: u32, name: &str) -> u32 {
        mem.bytes_mut()[1000..1000 + name.len()].copy_from_slice(name.as_bytes());
        let view = mem.view();
        path_open(
            ctx,
            &view,
            dir,
            lookupflags::SYMLINK_FOLLOW,
            1000,
            name.len() as u32,
            0,
            READ_ONLY,
            READ_ONLY,
            0,
            2000,
        )
        .unwrap();
        let fd = view.read_u32(2000).unwrap();
        assert!(
            ctx.fds.is_untyped(fd),
            "{name}: typed on first use, not at open"
        );
        fd
    }

    /// (filetype, rights_base, rights_inheriting) from fd_fdstat_get.
    fn fdstat(ctx: &mut Ctx, mem: &mut OwnedMemory, fd: u32) -> (u8, u64, u64) {
        let view = mem.view();
        crate::syscalls::fd::fd_fdstat_get(ctx, &view, fd, 3000).unwrap();
        let b = &mem.bytes()[3000..3024];
        (
            b[0],
            u64::from_le_bytes(b[8..16].try_into().unwrap()),
            u64::from_le_bytes(b[16..24].try_into().unwrap()),
        )
    }

    #[test]
    fn path_open_types_the_fd_on_first_use_exactly_as_at_open() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("f"), b"hello").unwrap();
        std::fs::create_dir(tmp.path().join("d")).unwrap();
        std::fs::write(tmp.path().join("d/inner"), b"x").unwrap();
        std::os::unix::fs::symlink("d", tmp.path().join("ld")).unwrap();
        let mut ctx = ctx_for(tmp.path());
        let mut mem = OwnedMemory::new(65536);
        use crate::abi::rights::{DIRECTORY_BASE, DIRECTORY_INHERITING, REGULAR_FILE_BASE};

        // Open and close: never typed (no fstat).
        let fd = open_untyped(&mut ctx, &mut mem, 3, "f");
        crate::syscalls::fd::fd_close(&mut ctx, &mem.view(), fd).unwrap();

        // A file: its rights narrowed to a regular file's, nothing inherited.
        let fd = open_untyped(&mut ctx, &mut mem, 3, "f");
        let want = (filetype::REGULAR_FILE, REGULAR_FILE_BASE & READ_ONLY, 0);
        assert_eq!(fdstat(&mut ctx, &mut mem, fd), want);
        let view = mem.view();
        // An iovec (4100 len 5) at 4000; read into 4100.
        view.write_u32(4000, 4100).unwrap();
        view.write_u32(4004, 5).unwrap();
        crate::syscalls::fd::fd_read(&mut ctx, &view, fd, 4000, 1, 4010).unwrap();
        assert_eq!(&mem.bytes()[4100..4105], b"hello");

        // A directory opened without O_DIRECTORY (and through a symlink): it becomes a
        // directory fd on first use, whichever call comes first.
        let want = (
            filetype::DIRECTORY,
            DIRECTORY_BASE & READ_ONLY,
            DIRECTORY_INHERITING & READ_ONLY,
        );
        let d1 = open_untyped(&mut ctx, &mut mem, 3, "d");
        let inner = open_untyped(&mut ctx, &mut mem, d1, "inner");
        assert_eq!(fdstat(&mut ctx, &mut mem, d1), want);
        assert_eq!(fdstat(&mut ctx, &mut mem, inner).0, filetype::REGULAR_FILE);

        let d2 = open_untyped(&mut ctx, &mut mem, 3, "ld");
        let view = mem.view();
        assert_eq!(
            crate::syscalls::fd::fd_read(&mut ctx, &view, d2, 4000, 1, 4010),
            Err(Errno::ENOTCAPABLE),
            "a directory holds no FD_READ"
        );
        assert_eq!(fdstat(&mut ctx, &mut mem, d2), want);

        let d3 = open_untyped(&mut ctx, &mut mem, 3, "d");
        let names = list_all_fd(&mut ctx, d3);
        assert!(names.iter().any(|n| n == "inner"), "{names:?}");

        // As the target of a rename (the second fd of a two-directory call).
        let d4 = open_untyped(&mut ctx, &mut mem, 3, "d");
        mem.bytes_mut()[1000..1001].copy_from_slice(b"f");
        mem.bytes_mut()[1100..1105].copy_from_slice(b"moved");
        path_rename(&mut ctx, &mem.view(), 3, 1000, 1, d4, 1100, 5).unwrap();
        assert_eq!(std::fs::read(tmp.path().join("d/moved")).unwrap(), b"hello");
        assert_eq!(fdstat(&mut ctx, &mut mem, d4), want);

        // A file as the directory of a path call: refused by the rights a file keeps once
        // typed (an untyped entry would still hold PATH_FILESTAT_GET and answer ENOTDIR).
        let f = open_untyped(&mut ctx, &mut mem, d1, "moved");
        mem.bytes_mut()[1000..1001].copy_from_slice(b"x");
        assert_eq!(
            path_filestat_get(&mut ctx, &mem.view(), f, 0, 1000, 1, 5000),
            Err(Errno::ENOTCAPABLE)
        );
    }

    /// path_open of `name` beneath fd 3 with `rights` (base and inheriting), `oflags` and
    /// `fdflags`; the new fd.
    fn open_with(ctx: &mut Ctx, name: &str, oflags: u16, rights: u64, fdflags: u16) -> u32 {
        let mut mem = OwnedMemory::new(4096);
        mem.bytes_mut()[1000..1000 + name.len()].copy_from_slice(name.as_bytes());
        let view = mem.view();
        path_open(
            ctx,
            &view,
            3,
            0,
            1000,
            name.len() as u32,
            oflags as u32,
            rights,
            rights,
            fdflags as u32,
            2000,
        )
        .unwrap();
        view.read_u32(2000).unwrap()
    }

    /// fd_write of `data` to `fd` (one iovec); the count written.
    fn write(ctx: &mut Ctx, fd: u32, data: &[u8]) -> Result<u32, Errno> {
        let mut mem = OwnedMemory::new(4096);
        mem.bytes_mut()[100..100 + data.len()].copy_from_slice(data);
        let view = mem.view();
        view.write_u32(0, 100).unwrap();
        view.write_u32(4, data.len() as u32).unwrap();
        crate::syscalls::fd::fd_write(ctx, &view, fd, 0, 1, 8)?;
        view.read_u32(8)
    }

    /// fd_read of up to `len` bytes from `fd` (one iovec).
    fn read(ctx: &mut Ctx, fd: u32, len: u32) -> Result<Vec<u8>, Errno> {
        let mut mem = OwnedMemory::new(4096);
        let view = mem.view();
        view.write_u32(0, 100).unwrap();
        view.write_u32(4, len).unwrap();
        crate::syscalls::fd::fd_read(ctx, &view, fd, 0, 1, 8)?;
        let n = view.read_u32(8).unwrap() as usize;
        Ok(mem.bytes()[100..100 + n].to_vec())
    }

    #[test]
    fn fd_write_on_an_untyped_fd_writes_without_typing_it() {
        use crate::abi::rights::{FD_WRITE, REGULAR_FILE_BASE};
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("d")).unwrap();
        let mut ctx = ctx_for(tmp.path());
        let mut mem = OwnedMemory::new(65536);

        // open(O_CREAT|O_WRONLY), write, close: the entry is never typed (no fstat).
        let f = open_with(&mut ctx, "out", oflags::CREAT, rights::ALL, 0);
        assert!(ctx.fds.is_untyped(f));
        assert_eq!(write(&mut ctx, f, b"hello "), Ok(6));
        assert_eq!(write(&mut ctx, f, b"world"), Ok(5));
        assert!(ctx.fds.is_untyped(f), "a blocking write leaves it untyped");
        assert_eq!(
            std::fs::read(tmp.path().join("out")).unwrap(),
            b"hello world"
        );
        // Typed later, it is the regular file it was all along.
        let want = (filetype::REGULAR_FILE, REGULAR_FILE_BASE, 0);
        assert_eq!(fdstat(&mut ctx, &mut mem, f), want);
        assert_eq!(write(&mut ctx, f, b"!"), Ok(1));
        assert_eq!(
            std::fs::read(tmp.path().join("out")).unwrap(),
            b"hello world!"
        );
        crate::syscalls::fd::fd_close(&mut ctx, &mem.view(), f).unwrap();
        assert_eq!(write(&mut ctx, f, b"x"), Err(Errno::EBADF));

        // Without FD_WRITE: ENOTCAPABLE, as the typed entry answers (the slow path types it).
        let r = open_with(&mut ctx, "out", 0, READ_ONLY & !FD_WRITE, 0);
        assert_eq!(write(&mut ctx, r, b"x"), Err(Errno::ENOTCAPABLE));
        assert!(!ctx.fds.is_untyped(r));
        // A directory (opened read-only: it cannot be opened for writing) likewise.
        let d = open_with(&mut ctx, "d", 0, READ_ONLY, 0);
        assert!(ctx.fds.is_untyped(d));
        assert_eq!(write(&mut ctx, d, b"x"), Err(Errno::ENOTCAPABLE));
        assert_eq!(fdstat(&mut ctx, &mut mem, d).0, filetype::DIRECTORY);

        // A non-blocking write asks the filetype whether to poll first: typed.
        let nb = open_with(&mut ctx, "out", 0, rights::ALL, fdflags::NONBLOCK);
        assert_eq!(write(&mut ctx, nb, b"H"), Ok(1));
        assert!(!ctx.fds.is_untyped(nb));
        assert_eq!(
            std::fs::read(tmp.path().join("out")).unwrap(),
            b"Hello world!"
        );

        // A FIFO (opened read-write, so the open does not wait for a peer): written
        // untyped; the read that follows types it (a stream: poll first, then read).
        #[cfg(target_os = "linux")]
        fifo_written_untyped(&mut ctx, &mut mem);
    }

    #[cfg(target_os = "linux")]
    fn fifo_written_untyped(ctx: &mut Ctx, mem: &mut OwnedMemory) {
        use crate::abi::rights::TTY_BASE;
        rustix::fs::mknodat(
            &ctx.fds.get(3, 0).unwrap().dir().unwrap().dir,
            "fifo",
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_bits_truncate(0o600),
            0,
        )
        .unwrap();
        let p = open_with(ctx, "fifo", 0, rights::ALL, 0);
        assert_eq!(write(ctx, p, b"through"), Ok(7));
        assert!(ctx.fds.is_untyped(p));
        assert_eq!(read(ctx, p, 100).unwrap(), b"through");
        let want = (filetype::UNKNOWN, TTY_BASE, 0);
        assert_eq!(fdstat(ctx, mem, p), want);
    }

    #[test]
    fn fd_read_on_an_untyped_fd_types_it_first() {
        // A read must know whether the fd is a stream (a FIFO or terminal is polled in
        // interruptible slices before a blocking read): the first read types the entry.
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("f"), b"contents").unwrap();
        let mut ctx = ctx_for(tmp.path());
        let f = open_with(&mut ctx, "f", 0, READ_ONLY, 0);
        assert!(ctx.fds.is_untyped(f));
        assert_eq!(read(&mut ctx, f, 100).unwrap(), b"contents");
        assert!(!ctx.fds.is_untyped(f));
        assert_eq!(read(&mut ctx, f, 100).unwrap(), b"");
    }

    /// path_filestat_get of `path` beneath `fd` (no follow): (filetype, size).
    #[cfg(target_os = "linux")]
    fn filestat(ctx: &mut Ctx, fd: u32, path: &str) -> Result<(u8, u64), Errno> {
        let mut mem = OwnedMemory::new(4096);
        mem.bytes_mut()[1000..1000 + path.len()].copy_from_slice(path.as_bytes());
        path_filestat_get(ctx, &mem.view(), fd, 0, 1000, path.len() as u32, 2000)?;
        let b = &mem.bytes()[2000..2064];
        Ok((b[16], u64::from_le_bytes(b[32..40].try_into().unwrap())))
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn path_filestat_get_keeps_one_child_of_a_preopen_until_its_fd_goes() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("d/sub")).unwrap();
        std::fs::write(tmp.path().join("d/f"), b"abc").unwrap();
        std::fs::write(tmp.path().join("d/sub/g"), b"abcd").unwrap();
        let mut ctx = ctx_for(tmp.path());
        assert_eq!(
            filestat(&mut ctx, 3, "d/f"),
            Ok((filetype::REGULAR_FILE, 3))
        );
        assert_eq!(ctx.fds.kept_child(), Some(3));
        assert_eq!(
            filestat(&mut ctx, 3, "d/f"),
            Ok((filetype::REGULAR_FILE, 3))
        );
        assert_eq!(
            filestat(&mut ctx, 3, "d/sub").unwrap().0,
            filetype::DIRECTORY
        );
        assert_eq!(filestat(&mut ctx, 3, "d/nope"), Err(Errno::ENOENT));
        // A directory the guest opened is not a preopen: no child kept for it.
        let d = open_with(&mut ctx, "d", oflags::DIRECTORY, READ_ONLY, 0);
        assert_eq!(
            filestat(&mut ctx, d, "sub/g"),
            Ok((filetype::REGULAR_FILE, 4))
        );
        assert_eq!(ctx.fds.kept_child(), Some(3));
        // Rights are still checked first, and the fd's kind.
        let f = open_with(&mut ctx, "d/f", 0, READ_ONLY, 0);
        assert_eq!(filestat(&mut ctx, f, "d/f"), Err(Errno::ENOTCAPABLE));
        crate::syscalls::fd::fd_fdstat_set_rights(&mut ctx, &OwnedMemory::new(8).view(), 3, 0, 0)
            .unwrap();
        assert_eq!(filestat(&mut ctx, 3, "d/f"), Err(Errno::ENOTCAPABLE));
        // Renumbering over the preopen, or closing it, drops the kept directory.
        crate::syscalls::fd::fd_renumber(&mut ctx, &OwnedMemory::new(8).view(), f, 3).unwrap();
        assert_eq!(ctx.fds.kept_child(), None);
        let mut ctx = ctx_for(tmp.path());
        assert_eq!(
            filestat(&mut ctx, 3, "d/f"),
            Ok((filetype::REGULAR_FILE, 3))
        );
        crate::syscalls::fd::fd_close(&mut ctx, &OwnedMemory::new(8).view(), 3).unwrap();
        assert_eq!(ctx.fds.kept_child(), None);
        assert_eq!(filestat(&mut ctx, 3, "d/f"), Err(Errno::EBADF));
    }

    /// The names fd_readdir lists for `fd`, from cookie 0 in one 4 KiB call.
    fn list_all_fd(ctx: &mut Ctx, fd: u32) -> Vec<String> {
        let mut mem = OwnedMemory::new(65536);
        let view = mem.view();
        fd_readdir(ctx, &view, fd, BUF, 4096, 0, USED).unwrap();
        let used = view.read_u32(USED).unwrap();
        parse(&mem.bytes()[..used as usize])
            .into_iter()
            .map(|e| e.2)
            .collect()
    }

    fn host_reads(ctx: &mut Ctx) -> u64 {
        let d = ctx.fds.get(3, 0).unwrap().dir().unwrap();
        d.listing.as_ref().unwrap().host_entries_read
    }

    #[test]
    fn readdir_lists_dot_entries_real_inodes_and_types() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("f"), b"x").unwrap();
        std::fs::create_dir(tmp.path().join("d")).unwrap();
        std::os::unix::fs::symlink("f", tmp.path().join("l")).unwrap();
        let mut ctx = ctx_for(tmp.path());
        let mut all = list_all(&mut ctx, 4096);
        for (i, e) in all.iter().enumerate() {
            assert_eq!(e.0, i as u64 + 1, "d_next is the next entry's cookie");
        }
        all.sort_by(|a, b| a.2.cmp(&b.2));
        let names: Vec<_> = all.iter().map(|e| (e.2.as_str(), e.3)).collect();
        assert_eq!(names, [(".", 3), ("..", 3), ("d", 3), ("f", 4), ("l", 7)]);
        use std::os::unix::fs::MetadataExt;
        for (_, ino, name, _) in &all {
            if name != ".." {
                let m = std::fs::symlink_metadata(tmp.path().join(name)).unwrap();
                assert_eq!(*ino, m.ino(), "{name}");
            }
        }
    }

    #[test]
    fn readdir_any_buffer_size_lists_everything_once() {
        let tmp = tempfile::tempdir().unwrap();
        for i in 0..50 {
            std::fs::write(tmp.path().join(format!("file-{i:03}")), b"").unwrap();
        }
        let mut ctx = ctx_for(tmp.path());
        let full = list_all(&mut ctx, 65000);
        assert_eq!(full.len(), 52);
        // The smallest buffer that holds the longest entry still lists everything.
        for len in [32u32, 33, 40, 47, 100, 777] {
            let got = list_all(&mut ctx, len);
            assert_eq!(got, full, "buffer {len}");
        }
        // A buffer too small for one entry is filled entirely (the entry cut short).
        let mut mem = OwnedMemory::new(65536);
        let view = mem.view();
        fd_readdir(&mut ctx, &view, 3, BUF, 10, 0, USED).unwrap();
        assert_eq!(view.read_u32(USED).unwrap(), 10);
        assert_eq!(mem.bytes()[0], 1, "d_next of the first entry");
        // Cookies past the end (any u64) list nothing; the next rewind lists everything.
        for cookie in [52, 53, 1 << 40, u64::MAX] {
            let view = mem.view();
            fd_readdir(&mut ctx, &view, 3, BUF, 4096, cookie, USED).unwrap();
            assert_eq!(view.read_u32(USED).unwrap(), 0, "cookie {cookie}");
        }
        assert_eq!(list_all(&mut ctx, 4096), full);
    }

    #[test]
    fn readdir_of_10000_entries_is_linear_in_host_reads() {
        let tmp = tempfile::tempdir().unwrap();
        let n = 10_000;
        for i in 0..n {
            std::fs::write(tmp.path().join(format!("entry-{i:05}")), b"").unwrap();
        }
        let mut ctx = ctx_for(tmp.path());
        let all = list_all(&mut ctx, 4096);
        assert_eq!(all.len(), n + 2);
        let mut names: Vec<_> = all.iter().map(|e| e.2.clone()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n + 2, "every entry exactly once");
        // Each host entry was read exactly once for the whole scan (~300 calls).
        assert_eq!(host_reads(&mut ctx), (n + 2) as u64);
        {
            let d = ctx.fds.get(3, 0).unwrap().dir().unwrap();
            assert!(
                d.listing.as_ref().unwrap().held() <= WINDOW,
                "bounded cache"
            );
        }

        // Adversarial cookies (jumping back and forth, past the end): every call costs at
        // most two windows of host reads, never a re-read of the whole directory.
        let mut mem = OwnedMemory::new(65536);
        let mut seed = 12345u64;
        let calls = 200u64;
        let before = host_reads(&mut ctx);
        for _ in 0..calls {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let cookie = 1 + (seed >> 33) % (n as u64 + 10);
            let view = mem.view();
            fd_readdir(&mut ctx, &view, 3, BUF, 4096, cookie, USED).unwrap();
            let used = view.read_u32(USED).unwrap();
            let got = parse(&mem.bytes()[..used as usize]);
            if cookie < (n + 2) as u64 {
                assert_eq!(got[0].0, cookie + 1, "serves from the cookie asked for");
                assert_eq!(got[0].2, all[cookie as usize].2, "stable cookies");
            } else {
                assert!(got.is_empty());
            }
        }
        let per_call = (host_reads(&mut ctx) - before) / calls;
        assert!(
            per_call <= 2 * WINDOW as u64,
            "{per_call} host entries per call"
        );

        // Rewinding (cookie 0) reads the directory again, once.
        let before = host_reads(&mut ctx);
        list_all(&mut ctx, 4096);
        assert_eq!(host_reads(&mut ctx) - before, (n + 2) as u64);
    }

    #[test]
    fn readdir_while_unlinking_across_windows_returns_each_entry_once() {
        // `rm -r`-style: every entry returned is removed before the next call, over several
        // listing windows (the later windows are read from the host after the removals).
        // WASI_RS_LISTING_DIR picks the filesystem (e.g. a tmpfs) to run it on.
        let tmp = match std::env::var_os("WASI_RS_LISTING_DIR") {
            Some(d) => tempfile::tempdir_in(d).unwrap(),
            None => tempfile::tempdir().unwrap(),
        };
        let n = 3 * WINDOW + 17;
        for i in 0..n {
            std::fs::write(tmp.path().join(format!("e{i:05}")), b"").unwrap();
        }
        let mut ctx = ctx_for(tmp.path());
        let mut mem = OwnedMemory::new(65536);
        let mut seen = std::collections::BTreeSet::new();
        let mut cookie = 0;
        loop {
            let view = mem.view();
            fd_readdir(&mut ctx, &view, 3, BUF, 4096, cookie, USED).unwrap();
            let used = view.read_u32(USED).unwrap();
            let got = parse(&mem.bytes()[..used as usize]);
            for (next, _, name, _) in &got {
                cookie = *next;
                if name != "." && name != ".." {
                    assert!(seen.insert(name.clone()), "{name} returned twice");
                    std::fs::remove_file(tmp.path().join(name)).unwrap();
                }
            }
            if used < 4096 {
                break;
            }
        }
        assert_eq!(seen.len(), n, "every entry exactly once");
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }
}
