//! The directory listing behind `fd_readdir` on Windows, with the POSIX listing's contract:
//! cookies are entry indexes (`d_next` of entry `i` is `i + 1`), stable until the guest
//! rewinds with cookie 0, `.` and `..` come first, and at most [`WINDOW`] entries are held
//! in memory. A Windows directory handle cannot seek back to a listing position, so a cookie
//! outside the held window reads the directory again from its start (a full scan in order
//! reads it once per window). Inode numbers come from each entry's file index (an open for
//! attributes only); `..` of a preopen, which cannot be opened beneath it, has inode 0.

use crate::abi::{filetype, Errno};
use cap_fs_ext::{FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt};
use cap_std::fs::{Dir, OpenOptionsExt};

/// Entries held in memory at once.
pub const WINDOW: usize = 1024;

/// FILE_READ_ATTRIBUTES: enough access to read an entry's file index.
const READ_ATTRIBUTES: u32 = 0x80;

struct Entry {
    name: Vec<u8>,
    ino: u64,
    filetype: u8,
}

/// A directory's cached listing (one window of it).
#[derive(Default)]
pub struct Listing {
    valid: bool,
    /// The cookie (index) of `entries[0]`.
    base: u64,
    entries: Vec<Entry>,
    /// Whether the held window reaches the end of the directory.
    at_end: bool,
    /// How many entries were read from the host, over the listing's life (for tests).
    pub host_entries_read: u64,
}

/// The file index of `name` beneath `dir` (the symlink itself, not its target); 0 if it
/// cannot be opened.
fn ino(dir: &Dir, name: &str) -> u64 {
    let mut o = cap_std::fs::OpenOptions::new();
    o.access_mode(READ_ATTRIBUTES);
    o.follow(FollowSymlinks::No);
    o.maybe_dir(true);
    dir.open_with(name, &o)
        .ok()
        .and_then(|f| crate::sys::filestat(f.into_std(), 0).ok())
        .map_or(0, |st| st.ino)
}

fn type_of(t: cap_std::fs::FileType) -> u8 {
    if t.is_symlink() {
        filetype::SYMBOLIC_LINK
    } else if t.is_dir() {
        filetype::DIRECTORY
    } else if t.is_file() {
        filetype::REGULAR_FILE
    } else {
        filetype::UNKNOWN
    }
}

impl Listing {
    pub fn new() -> Self {
        Listing::default()
    }

    /// How many entries are held in memory now (at most [`WINDOW`]).
    pub fn held(&self) -> usize {
        self.entries.len()
    }

    /// Forgets what was read: the next call reads the host directory again (cookie 0).
    pub fn rewind(&mut self) {
        self.valid = false;
    }

    /// Hands the entries from `cookie` on to `f(next_cookie, ino, name, filetype)` until `f`
    /// returns false or the directory ends.
    pub fn serve(
        &mut self,
        dir: &Dir,
        cookie: u64,
        mut f: impl FnMut(u64, u64, &[u8], u8) -> bool,
    ) -> Result<(), Errno> {
        let mut c = cookie;
        loop {
            let k = c / WINDOW as u64;
            if !(self.valid && self.base / WINDOW as u64 == k) {
                self.load(dir, k)?;
            }
            let i = (c - self.base) as usize;
            if i >= self.entries.len() {
                return Ok(());
            }
            for e in &self.entries[i..] {
                c += 1;
                if !f(c, e.ino, &e.name, e.filetype) {
                    return Ok(());
                }
            }
            if self.at_end {
                return Ok(());
            }
        }
    }

    /// Reads window `k` (entries `k * WINDOW ..`) from the start of the directory.
    fn load(&mut self, dir: &Dir, k: u64) -> Result<(), Errno> {
        self.valid = false;
        self.entries.clear();
        self.base = k * WINDOW as u64;
        self.at_end = true;
        let dots = [
            (".", ino(dir, "."), filetype::DIRECTORY),
            ("..", ino(dir, ".."), filetype::DIRECTORY),
        ];
        let host = dir.entries().map_err(Errno::from)?.map(|e| {
            let e = e.map_err(Errno::from)?;
            let name = e.file_name();
            let name = name.to_str().ok_or(Errno::EILSEQ)?.to_string();
            let ft = e.file_type().map(type_of).unwrap_or(filetype::UNKNOWN);
            Ok::<_, Errno>((name, ft))
        });
        let mut index = 0u64;
        let all = dots
            .into_iter()
            .map(|(n, i, t)| Ok((n.to_string(), Some(i), t)))
            .chain(host.map(|r| r.map(|(n, t)| (n, None, t))));
        for r in all {
            if index < self.base {
                index += 1;
                continue;
            }
            if self.entries.len() == WINDOW {
                self.at_end = false;
                break;
            }
            let (name, known, ft) = r?;
            self.host_entries_read += 1;
            let ino = known.unwrap_or_else(|| ino(dir, &name));
            self.entries.push(Entry {
                name: name.into_bytes(),
                ino,
                filetype: ft,
            });
            index += 1;
        }
        self.valid = true;
        Ok(())
    }
}
