//! The WASI preview1 ABI (and the `wasi_unstable` snapshot-0 variant) as plain data:
//! errno values, rights, flags, enums and the byte layout of every struct a syscall reads or
//! writes. Values follow the preview1 witx definitions; `Version` carries the three layouts
//! in which snapshot 0 differs (whence order, filestat, clock subscription).

pub mod errno;
pub mod layout;

pub use errno::Errno;

/// Which import module the guest links against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// `wasi_snapshot_preview1`
    Preview1,
    /// `wasi_unstable` (snapshot 0)
    Unstable,
}

impl Version {
    /// Size in bytes of a `filestat` record.
    pub fn filestat_size(self) -> u32 {
        match self {
            Version::Preview1 => 64,
            Version::Unstable => 56,
        }
    }

    /// Size in bytes of a `subscription` record.
    pub fn subscription_size(self) -> u32 {
        match self {
            Version::Preview1 => 48,
            Version::Unstable => 56,
        }
    }

    /// Maps the guest's `whence` value to a host `Whence`.
    pub fn whence(self, raw: u32) -> Option<Whence> {
        match (self, raw) {
            (Version::Preview1, 0) | (Version::Unstable, 2) => Some(Whence::Set),
            (Version::Preview1, 1) | (Version::Unstable, 0) => Some(Whence::Cur),
            (Version::Preview1, 2) | (Version::Unstable, 1) => Some(Whence::End),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whence {
    Set,
    Cur,
    End,
}

/// `filetype`
pub mod filetype {
    pub const UNKNOWN: u8 = 0;
    pub const BLOCK_DEVICE: u8 = 1;
    pub const CHARACTER_DEVICE: u8 = 2;
    pub const DIRECTORY: u8 = 3;
    pub const REGULAR_FILE: u8 = 4;
    pub const SOCKET_DGRAM: u8 = 5;
    pub const SOCKET_STREAM: u8 = 6;
    pub const SYMBOLIC_LINK: u8 = 7;
}

/// `clockid`
pub mod clockid {
    pub const REALTIME: u32 = 0;
    pub const MONOTONIC: u32 = 1;
    pub const PROCESS_CPUTIME_ID: u32 = 2;
    pub const THREAD_CPUTIME_ID: u32 = 3;
}

/// `fdflags`
pub mod fdflags {
    pub const APPEND: u16 = 1 << 0;
    pub const DSYNC: u16 = 1 << 1;
    pub const NONBLOCK: u16 = 1 << 2;
    pub const RSYNC: u16 = 1 << 3;
    pub const SYNC: u16 = 1 << 4;
    pub const ALL: u16 = APPEND | DSYNC | NONBLOCK | RSYNC | SYNC;
}

/// `oflags`
pub mod oflags {
    pub const CREAT: u16 = 1 << 0;
    pub const DIRECTORY: u16 = 1 << 1;
    pub const EXCL: u16 = 1 << 2;
    pub const TRUNC: u16 = 1 << 3;
    pub const ALL: u16 = CREAT | DIRECTORY | EXCL | TRUNC;
}

/// `lookupflags`
pub mod lookupflags {
    pub const SYMLINK_FOLLOW: u32 = 1 << 0;
}

/// `fstflags`
pub mod fstflags {
    pub const ATIM: u16 = 1 << 0;
    pub const ATIM_NOW: u16 = 1 << 1;
    pub const MTIM: u16 = 1 << 2;
    pub const MTIM_NOW: u16 = 1 << 3;
    pub const ALL: u16 = ATIM | ATIM_NOW | MTIM | MTIM_NOW;
}

/// `eventtype`
pub mod eventtype {
    pub const CLOCK: u8 = 0;
    pub const FD_READ: u8 = 1;
    pub const FD_WRITE: u8 = 2;
}

/// `subclockflags`
pub mod subclockflags {
    pub const ABSTIME: u16 = 1 << 0;
}

/// `eventrwflags`
pub mod eventrwflags {
    pub const FD_READWRITE_HANGUP: u16 = 1 << 0;
}

/// `advice`
pub mod advice {
    pub const NORMAL: u8 = 0;
    pub const SEQUENTIAL: u8 = 1;
    pub const RANDOM: u8 = 2;
    pub const WILLNEED: u8 = 3;
    pub const DONTNEED: u8 = 4;
    pub const NOREUSE: u8 = 5;
}

/// `sdflags`
pub mod sdflags {
    pub const RD: u8 = 1 << 0;
    pub const WR: u8 = 1 << 1;
}

/// `riflags` / `roflags`
pub mod riflags {
    pub const RECV_PEEK: u16 = 1 << 0;
    pub const RECV_WAITALL: u16 = 1 << 1;
    /// `roflags::recv_data_truncated`
    pub const RECV_DATA_TRUNCATED: u16 = 1 << 0;
}

/// `preopentype`
pub mod preopentype {
    pub const DIR: u8 = 0;
}

/// `signal`: the highest valid value (`sigsys`).
pub const SIGNAL_MAX: u32 = 30;

/// `rights`
pub mod rights {
    pub const FD_DATASYNC: u64 = 1 << 0;
    pub const FD_READ: u64 = 1 << 1;
    pub const FD_SEEK: u64 = 1 << 2;
    pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
    pub const FD_SYNC: u64 = 1 << 4;
    pub const FD_TELL: u64 = 1 << 5;
    pub const FD_WRITE: u64 = 1 << 6;
    pub const FD_ADVISE: u64 = 1 << 7;
    pub const FD_ALLOCATE: u64 = 1 << 8;
    pub const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
    pub const PATH_CREATE_FILE: u64 = 1 << 10;
    pub const PATH_LINK_SOURCE: u64 = 1 << 11;
    pub const PATH_LINK_TARGET: u64 = 1 << 12;
    pub const PATH_OPEN: u64 = 1 << 13;
    pub const FD_READDIR: u64 = 1 << 14;
    pub const PATH_READLINK: u64 = 1 << 15;
    pub const PATH_RENAME_SOURCE: u64 = 1 << 16;
    pub const PATH_RENAME_TARGET: u64 = 1 << 17;
    pub const PATH_FILESTAT_GET: u64 = 1 << 18;
    pub const PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
    pub const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
    pub const PATH_SYMLINK: u64 = 1 << 24;
    pub const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
    pub const PATH_UNLINK_FILE: u64 = 1 << 26;
    pub const POLL_FD_READWRITE: u64 = 1 << 27;
    pub const SOCK_SHUTDOWN: u64 = 1 << 28;
    pub const SOCK_ACCEPT: u64 = 1 << 29;

    pub const ALL: u64 = (1 << 30) - 1;

    /// Rights a regular file carries.
    pub const REGULAR_FILE_BASE: u64 = FD_DATASYNC
        | FD_READ
        | FD_SEEK
        | FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_TELL
        | FD_WRITE
        | FD_ADVISE
        | FD_ALLOCATE
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_SIZE
        | FD_FILESTAT_SET_TIMES
        | POLL_FD_READWRITE;

    /// Rights a directory carries.
    pub const DIRECTORY_BASE: u64 = FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_ADVISE
        | PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_LINK_SOURCE
        | PATH_LINK_TARGET
        | PATH_OPEN
        | FD_READDIR
        | PATH_READLINK
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_FILESTAT_GET
        | PATH_FILESTAT_SET_SIZE
        | PATH_FILESTAT_SET_TIMES
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_TIMES
        | PATH_SYMLINK
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE
        | POLL_FD_READWRITE;

    /// Rights a directory hands down to what is opened beneath it.
    pub const DIRECTORY_INHERITING: u64 = DIRECTORY_BASE | REGULAR_FILE_BASE;

    /// Rights of a terminal, pipe or other stream that cannot seek.
    pub const TTY_BASE: u64 =
        FD_READ | FD_FDSTAT_SET_FLAGS | FD_WRITE | FD_FILESTAT_GET | POLL_FD_READWRITE;

    /// Rights of a character device that is not a terminal (`/dev/null`): a stream's, plus
    /// seek and tell (the host answers them).
    pub const CHARACTER_DEVICE_BASE: u64 = TTY_BASE | FD_SEEK | FD_TELL;

    /// Rights of a socket.
    pub const SOCKET_BASE: u64 = FD_READ
        | FD_FDSTAT_SET_FLAGS
        | FD_WRITE
        | FD_FILESTAT_GET
        | POLL_FD_READWRITE
        | SOCK_SHUTDOWN
        | SOCK_ACCEPT;
}
