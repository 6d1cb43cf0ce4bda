//! `Ctx`: everything one WASI instance owns: its version, the args and environment tables
//! (laid out once, in the exact bytes `args_get` / `environ_get` hand over), the fd table with
//! stdio and preopens, and the random generator. Dropping a `Ctx` closes every host fd it
//! opened (stdio duplicates included; never the Node process's own stdio).

use crate::abi::{filetype, Errno, Version};
use crate::fd_table::{default_rights, rights_for, DirHandle, FdEntry, FdTable, Handle};
use crate::sys;
use rand_chacha::ChaCha12Rng;
use std::fs::File;
use std::sync::Arc;

/// A string table as WASI hands it over: NUL-terminated entries back to back.
#[derive(Default, Debug)]
pub struct StringTable {
    /// All entries, each followed by a NUL.
    pub buf: Vec<u8>,
    /// Start of each entry within `buf`.
    pub offsets: Vec<u32>,
}

impl StringTable {
    pub fn new<S: AsRef<[u8]>>(items: &[S]) -> Self {
        let mut t = StringTable::default();
        for s in items {
            t.offsets.push(t.buf.len() as u32);
            t.buf.extend_from_slice(s.as_ref());
            t.buf.push(0);
        }
        t
    }
}

/// A preopen as requested: the guest's name for it and the opened host directory.
pub struct Preopen {
    pub guest_path: String,
    pub dir: cap_std::fs::Dir,
}

pub struct Ctx {
    pub version: Version,
    pub args: StringTable,
    pub env: StringTable,
    pub fds: FdTable,
    /// Boxed: most instances never ask for randomness, and an unboxed generator would make
    /// every instance ~300 bytes bigger.
    rng: Option<Box<ChaCha12Rng>>,
}

/// One of an instance's stdio files: a duplicate of a host stdio fd (shared by the instances
/// that name the same host description; never the host's own fd) with what the guest is told
/// about it.
pub struct StdioFile {
    pub file: Arc<File>,
    /// Its WASI filetype.
    pub filetype: u8,
    /// Whether its description is in append mode (`>>`), reported by fd_fdstat_get.
    pub append: bool,
    /// Whether it is a terminal (see [`crate::fd_table::rights_for`]).
    pub tty: bool,
}

impl StdioFile {
    /// Asks the host what `file` is (fstat, fcntl, and isatty for a character device).
    pub fn describe(file: Arc<File>) -> Result<StdioFile, Errno> {
        let filetype = sys::filetype(&*file)?;
        let append = sys::is_append(&*file);
        let tty = filetype == filetype::CHARACTER_DEVICE && sys::is_terminal(&*file);
        Ok(StdioFile {
            file,
            filetype,
            append,
            tty,
        })
    }
}

impl Ctx {
    /// Builds an instance's state. `stdio` are duplicates of the host's stdio fds (shared by
    /// the instances that name the same host fds; never the host's own fds).
    pub fn new(
        version: Version,
        args: &[String],
        env: &[String],
        stdio: [Arc<File>; 3],
        preopens: Vec<Preopen>,
    ) -> Result<Ctx, Errno> {
        let [a, b, c] = stdio;
        let stdio = [
            StdioFile::describe(a)?,
            StdioFile::describe(b)?,
            StdioFile::describe(c)?,
        ];
        Ctx::with_stdio(version, args, env, stdio, preopens)
    }

    /// [`Ctx::new`] with stdio files already described (the binding keeps their description
    /// with the shared duplicate, so constructing an instance does not ask again).
    pub fn with_stdio(
        version: Version,
        args: &[String],
        env: &[String],
        stdio: [StdioFile; 3],
        preopens: Vec<Preopen>,
    ) -> Result<Ctx, Errno> {
        let mut fds = FdTable::new();
        for StdioFile {
            file,
            filetype: ft,
            append,
            tty,
        } in stdio
        {
            let (base, inheriting) = rights_for(ft, tty);
            // A stdio file opened for appending (`>>`) says so in fd_fdstat_get. NONBLOCK is
            // not reported: Node may have made its own stdio non-blocking, and the guest still
            // gets blocking reads and writes.
            fds.insert(FdEntry {
                handle: Handle::Shared(file),
                filetype: ft,
                tty,
                rights_base: base,
                rights_inheriting: inheriting,
                flags: if append {
                    crate::abi::fdflags::APPEND
                } else {
                    0
                },
                preopen: None,
            })?;
        }
        for p in preopens {
            let (base, inheriting) = default_rights(filetype::DIRECTORY);
            fds.insert(FdEntry {
                handle: Handle::Dir(DirHandle {
                    dir: p.dir,
                    listing: None,
                }),
                filetype: filetype::DIRECTORY,
                tty: false,
                rights_base: base,
                rights_inheriting: inheriting,
                flags: 0,
                preopen: Some(p.guest_path.into_bytes()),
            })?;
        }
        Ok(Ctx {
            version,
            args: StringTable::new(args),
            env: StringTable::new(env),
            fds,
            rng: None,
        })
    }

    /// The instance's CSPRNG (ChaCha12, seeded from the OS on first use).
    pub fn rng(&mut self) -> Result<&mut ChaCha12Rng, Errno> {
        if self.rng.is_none() {
            use rand_core::SeedableRng;
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).map_err(|_| Errno::EIO)?;
            self.rng = Some(Box::new(ChaCha12Rng::from_seed(seed)));
        }
        Ok(self.rng.as_mut().expect("seeded above"))
    }
}

/// Opens a preopen's host directory (relative paths against the process cwd). The fd is a
/// real read-only directory descriptor (not `O_PATH`), so `fd_readdir` can list it; a
/// directory without read permission falls back to `O_PATH` (lookups only), as node:wasi
/// accepts such a preopen too.
#[cfg(unix)]
pub fn open_preopen(guest_path: &str, host_path: &str) -> Result<Preopen, Errno> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOCTTY;
    let fd = match rustix::fs::open(host_path, flags | OFlags::RDONLY, Mode::empty()) {
        // A directory the process may search but not list: lookups beneath it still work.
        #[cfg(target_os = "linux")]
        Err(rustix::io::Errno::ACCESS) => {
            rustix::fs::open(host_path, flags | OFlags::PATH, Mode::empty())
        }
        r => r,
    }
    .map_err(crate::host::errno)?;
    let dir = cap_std::fs::Dir::from_std_file(File::from(fd));
    Ok(Preopen {
        guest_path: guest_path.to_string(),
        dir,
    })
}

/// Opens a preopen's host directory (relative paths against the process cwd) with cap-std,
/// which opens directories on Windows (backup semantics) as a listable handle.
#[cfg(windows)]
pub fn open_preopen(guest_path: &str, host_path: &str) -> Result<Preopen, Errno> {
    let dir = cap_std::fs::Dir::open_ambient_dir(host_path, cap_std::ambient_authority())
        .map_err(Errno::from)?;
    Ok(Preopen {
        guest_path: guest_path.to_string(),
        dir,
    })
}
