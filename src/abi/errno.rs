//! WASI errno values, their names (for traces and errors), and the mapping from host
//! errors (`std::io::Error`, raw `errno`) to the errno a guest sees.

use std::fmt;

/// A WASI errno (`errno` in the witx: u16).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Errno(pub u16);

#[allow(missing_docs)]
impl Errno {
    pub const SUCCESS: Errno = Errno(0);
    pub const E2BIG: Errno = Errno(1);
    pub const EACCES: Errno = Errno(2);
    pub const EADDRINUSE: Errno = Errno(3);
    pub const EADDRNOTAVAIL: Errno = Errno(4);
    pub const EAFNOSUPPORT: Errno = Errno(5);
    pub const EAGAIN: Errno = Errno(6);
    pub const EALREADY: Errno = Errno(7);
    pub const EBADF: Errno = Errno(8);
    pub const EBADMSG: Errno = Errno(9);
    pub const EBUSY: Errno = Errno(10);
    pub const ECANCELED: Errno = Errno(11);
    pub const ECHILD: Errno = Errno(12);
    pub const ECONNABORTED: Errno = Errno(13);
    pub const ECONNREFUSED: Errno = Errno(14);
    pub const ECONNRESET: Errno = Errno(15);
    pub const EDEADLK: Errno = Errno(16);
    pub const EDESTADDRREQ: Errno = Errno(17);
    pub const EDOM: Errno = Errno(18);
    pub const EDQUOT: Errno = Errno(19);
    pub const EEXIST: Errno = Errno(20);
    pub const EFAULT: Errno = Errno(21);
    pub const EFBIG: Errno = Errno(22);
    pub const EHOSTUNREACH: Errno = Errno(23);
    pub const EIDRM: Errno = Errno(24);
    pub const EILSEQ: Errno = Errno(25);
    pub const EINPROGRESS: Errno = Errno(26);
    pub const EINTR: Errno = Errno(27);
    pub const EINVAL: Errno = Errno(28);
    pub const EIO: Errno = Errno(29);
    pub const EISCONN: Errno = Errno(30);
    pub const EISDIR: Errno = Errno(31);
    pub const ELOOP: Errno = Errno(32);
    pub const EMFILE: Errno = Errno(33);
    pub const EMLINK: Errno = Errno(34);
    pub const EMSGSIZE: Errno = Errno(35);
    pub const EMULTIHOP: Errno = Errno(36);
    pub const ENAMETOOLONG: Errno = Errno(37);
    pub const ENETDOWN: Errno = Errno(38);
    pub const ENETRESET: Errno = Errno(39);
    pub const ENETUNREACH: Errno = Errno(40);
    pub const ENFILE: Errno = Errno(41);
    pub const ENOBUFS: Errno = Errno(42);
    pub const ENODEV: Errno = Errno(43);
    pub const ENOENT: Errno = Errno(44);
    pub const ENOEXEC: Errno = Errno(45);
    pub const ENOLCK: Errno = Errno(46);
    pub const ENOLINK: Errno = Errno(47);
    pub const ENOMEM: Errno = Errno(48);
    pub const ENOMSG: Errno = Errno(49);
    pub const ENOPROTOOPT: Errno = Errno(50);
    pub const ENOSPC: Errno = Errno(51);
    pub const ENOSYS: Errno = Errno(52);
    pub const ENOTCONN: Errno = Errno(53);
    pub const ENOTDIR: Errno = Errno(54);
    pub const ENOTEMPTY: Errno = Errno(55);
    pub const ENOTRECOVERABLE: Errno = Errno(56);
    pub const ENOTSOCK: Errno = Errno(57);
    pub const ENOTSUP: Errno = Errno(58);
    pub const ENOTTY: Errno = Errno(59);
    pub const ENXIO: Errno = Errno(60);
    pub const EOVERFLOW: Errno = Errno(61);
    pub const EOWNERDEAD: Errno = Errno(62);
    pub const EPERM: Errno = Errno(63);
    pub const EPIPE: Errno = Errno(64);
    pub const EPROTO: Errno = Errno(65);
    pub const EPROTONOSUPPORT: Errno = Errno(66);
    pub const EPROTOTYPE: Errno = Errno(67);
    pub const ERANGE: Errno = Errno(68);
    pub const EROFS: Errno = Errno(69);
    pub const ESPIPE: Errno = Errno(70);
    pub const ESRCH: Errno = Errno(71);
    pub const ESTALE: Errno = Errno(72);
    pub const ETIMEDOUT: Errno = Errno(73);
    pub const ETXTBSY: Errno = Errno(74);
    pub const EXDEV: Errno = Errno(75);
    pub const ENOTCAPABLE: Errno = Errno(76);
}

const NAMES: [&str; 77] = [
    "success",
    "2big",
    "acces",
    "addrinuse",
    "addrnotavail",
    "afnosupport",
    "again",
    "already",
    "badf",
    "badmsg",
    "busy",
    "canceled",
    "child",
    "connaborted",
    "connrefused",
    "connreset",
    "deadlk",
    "destaddrreq",
    "dom",
    "dquot",
    "exist",
    "fault",
    "fbig",
    "hostunreach",
    "idrm",
    "ilseq",
    "inprogress",
    "intr",
    "inval",
    "io",
    "isconn",
    "isdir",
    "loop",
    "mfile",
    "mlink",
    "msgsize",
    "multihop",
    "nametoolong",
    "netdown",
    "netreset",
    "netunreach",
    "nfile",
    "nobufs",
    "nodev",
    "noent",
    "noexec",
    "nolck",
    "nolink",
    "nomem",
    "nomsg",
    "noprotoopt",
    "nospc",
    "nosys",
    "notconn",
    "notdir",
    "notempty",
    "notrecoverable",
    "notsock",
    "notsup",
    "notty",
    "nxio",
    "overflow",
    "ownerdead",
    "perm",
    "pipe",
    "proto",
    "protonosupport",
    "prototype",
    "range",
    "rofs",
    "spipe",
    "srch",
    "stale",
    "timedout",
    "txtbsy",
    "xdev",
    "notcapable",
];

impl Errno {
    /// The witx name of this errno (`badf`, `notcapable`, …).
    pub fn name(self) -> &'static str {
        NAMES.get(self.0 as usize).copied().unwrap_or("unknown")
    }

    /// Maps a host `errno` value to the WASI errno; anything unknown becomes EIO.
    #[cfg(unix)]
    pub fn from_raw_os_error(code: i32) -> Errno {
        #[allow(unreachable_patterns)]
        match code {
            libc::E2BIG => Errno::E2BIG,
            libc::EACCES => Errno::EACCES,
            libc::EADDRINUSE => Errno::EADDRINUSE,
            libc::EADDRNOTAVAIL => Errno::EADDRNOTAVAIL,
            libc::EAFNOSUPPORT => Errno::EAFNOSUPPORT,
            libc::EAGAIN => Errno::EAGAIN,
            libc::EALREADY => Errno::EALREADY,
            libc::EBADF => Errno::EBADF,
            libc::EBADMSG => Errno::EBADMSG,
            libc::EBUSY => Errno::EBUSY,
            libc::ECANCELED => Errno::ECANCELED,
            libc::ECHILD => Errno::ECHILD,
            libc::ECONNABORTED => Errno::ECONNABORTED,
            libc::ECONNREFUSED => Errno::ECONNREFUSED,
            libc::ECONNRESET => Errno::ECONNRESET,
            libc::EDEADLK => Errno::EDEADLK,
            libc::EDESTADDRREQ => Errno::EDESTADDRREQ,
            libc::EDOM => Errno::EDOM,
            libc::EDQUOT => Errno::EDQUOT,
            libc::EEXIST => Errno::EEXIST,
            libc::EFAULT => Errno::EFAULT,
            libc::EFBIG => Errno::EFBIG,
            libc::EHOSTUNREACH => Errno::EHOSTUNREACH,
            libc::EIDRM => Errno::EIDRM,
            libc::EILSEQ => Errno::EILSEQ,
            libc::EINPROGRESS => Errno::EINPROGRESS,
            libc::EINTR => Errno::EINTR,
            libc::EINVAL => Errno::EINVAL,
            libc::EIO => Errno::EIO,
            libc::EISCONN => Errno::EISCONN,
            libc::EISDIR => Errno::EISDIR,
            libc::ELOOP => Errno::ELOOP,
            libc::EMFILE => Errno::EMFILE,
            libc::EMLINK => Errno::EMLINK,
            libc::EMSGSIZE => Errno::EMSGSIZE,
            libc::EMULTIHOP => Errno::EMULTIHOP,
            libc::ENAMETOOLONG => Errno::ENAMETOOLONG,
            libc::ENETDOWN => Errno::ENETDOWN,
            libc::ENETRESET => Errno::ENETRESET,
            libc::ENETUNREACH => Errno::ENETUNREACH,
            libc::ENFILE => Errno::ENFILE,
            libc::ENOBUFS => Errno::ENOBUFS,
            libc::ENODEV => Errno::ENODEV,
            libc::ENOENT => Errno::ENOENT,
            libc::ENOEXEC => Errno::ENOEXEC,
            libc::ENOLCK => Errno::ENOLCK,
            libc::ENOLINK => Errno::ENOLINK,
            libc::ENOMEM => Errno::ENOMEM,
            libc::ENOMSG => Errno::ENOMSG,
            libc::ENOPROTOOPT => Errno::ENOPROTOOPT,
            libc::ENOSPC => Errno::ENOSPC,
            libc::ENOSYS => Errno::ENOSYS,
            libc::ENOTCONN => Errno::ENOTCONN,
            libc::ENOTDIR => Errno::ENOTDIR,
            libc::ENOTEMPTY => Errno::ENOTEMPTY,
            libc::ENOTRECOVERABLE => Errno::ENOTRECOVERABLE,
            libc::ENOTSOCK => Errno::ENOTSOCK,
            libc::ENOTTY => Errno::ENOTTY,
            libc::ENXIO => Errno::ENXIO,
            libc::EOVERFLOW => Errno::EOVERFLOW,
            libc::EOWNERDEAD => Errno::EOWNERDEAD,
            libc::EPERM => Errno::EPERM,
            libc::EPIPE => Errno::EPIPE,
            libc::EPROTO => Errno::EPROTO,
            libc::EPROTONOSUPPORT => Errno::EPROTONOSUPPORT,
            libc::EPROTOTYPE => Errno::EPROTOTYPE,
            libc::ERANGE => Errno::ERANGE,
            libc::EROFS => Errno::EROFS,
            libc::ESPIPE => Errno::ESPIPE,
            libc::ESRCH => Errno::ESRCH,
            libc::ESTALE => Errno::ESTALE,
            libc::ETIMEDOUT => Errno::ETIMEDOUT,
            libc::ETXTBSY => Errno::ETXTBSY,
            libc::EXDEV => Errno::EXDEV,
            libc::ENOTSUP | libc::EOPNOTSUPP => Errno::ENOTSUP,
            _ => Errno::EIO,
        }
    }

    /// Maps a Windows system error code (`GetLastError`, or a WinSock `WSA*` code, as
    /// `std::io::Error::raw_os_error` carries them) to the WASI errno; `None` for a code with
    /// no precise counterpart (the caller then falls back to the error's kind).
    #[cfg(windows)]
    pub fn from_windows_error(code: i32) -> Option<Errno> {
        Some(match code {
            2 | 3 | 123 => Errno::ENOENT, // FILE_NOT_FOUND, PATH_NOT_FOUND, INVALID_NAME
            4 => Errno::EMFILE,           // TOO_MANY_OPEN_FILES
            5 => Errno::EACCES,           // ACCESS_DENIED
            6 => Errno::EBADF,            // INVALID_HANDLE
            8 | 14 => Errno::ENOMEM,      // NOT_ENOUGH_MEMORY, OUTOFMEMORY
            17 => Errno::EXDEV,           // NOT_SAME_DEVICE
            19 => Errno::EROFS,           // WRITE_PROTECT
            32 | 33 => Errno::EBUSY,      // SHARING_VIOLATION, LOCK_VIOLATION
            39 | 112 => Errno::ENOSPC,    // HANDLE_DISK_FULL, DISK_FULL
            50 => Errno::ENOTSUP,         // NOT_SUPPORTED
            80 | 183 => Errno::EEXIST,    // FILE_EXISTS, ALREADY_EXISTS
            87 | 131 => Errno::EINVAL,    // INVALID_PARAMETER, NEGATIVE_SEEK
            109 | 232 => Errno::EPIPE,    // BROKEN_PIPE, NO_DATA
            145 => Errno::ENOTEMPTY,      // DIR_NOT_EMPTY
            206 => Errno::ENAMETOOLONG,   // FILENAME_EXCED_RANGE
            267 => Errno::ENOTDIR,        // DIRECTORY (the name is not a directory)
            1314 => Errno::EPERM,         // PRIVILEGE_NOT_HELD (e.g. creating a symlink)
            1921 => Errno::ELOOP,         // CANT_RESOLVE_FILENAME (symlink loop)
            10004 => Errno::EINTR,        // WSAEINTR
            10035 => Errno::EAGAIN,       // WSAEWOULDBLOCK
            10038 => Errno::ENOTSOCK,     // WSAENOTSOCK
            10054 => Errno::ECONNRESET,   // WSAECONNRESET
            10057 => Errno::ENOTCONN,     // WSAENOTCONN
            _ => return None,
        })
    }

    /// The errno left by the last failed libc call on this thread.
    #[cfg(unix)]
    pub fn last_os_error() -> Errno {
        Errno::from_io(&std::io::Error::last_os_error())
    }

    /// Maps a host I/O error. cap-std reports a sandbox escape as `PermissionDenied` without
    /// an OS code; that becomes EPERM (the caller turns lexical escapes into ENOTCAPABLE
    /// before the host is asked).
    pub fn from_io(err: &std::io::Error) -> Errno {
        #[cfg(unix)]
        if let Some(code) = err.raw_os_error() {
            return Errno::from_raw_os_error(code);
        }
        #[cfg(windows)]
        if let Some(e) = err.raw_os_error().and_then(Errno::from_windows_error) {
            return e;
        }
        use std::io::ErrorKind as K;
        match err.kind() {
            K::NotFound => Errno::ENOENT,
            K::PermissionDenied => Errno::EPERM,
            K::AlreadyExists => Errno::EEXIST,
            K::InvalidInput => Errno::EINVAL,
            K::WouldBlock => Errno::EAGAIN,
            K::Interrupted => Errno::EINTR,
            K::Unsupported => Errno::ENOTSUP,
            K::OutOfMemory => Errno::ENOMEM,
            _ => Errno::EIO,
        }
    }
}

impl From<std::io::Error> for Errno {
    fn from(err: std::io::Error) -> Errno {
        Errno::from_io(&err)
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "E{}({})", self.name().to_ascii_uppercase(), self.0)
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_line_up_with_values() {
        assert_eq!(Errno::EBADF.0, 8);
        assert_eq!(Errno::EBADF.name(), "badf");
        assert_eq!(Errno::EINVAL.0, 28);
        assert_eq!(Errno::EOVERFLOW.0, 61);
        assert_eq!(Errno::ENOTCAPABLE.0, 76);
        assert_eq!(Errno::ENOTCAPABLE.name(), "notcapable");
        assert_eq!(Errno(200).name(), "unknown");
    }

    #[cfg(unix)]
    #[test]
    fn host_errors_map() {
        assert_eq!(Errno::from_raw_os_error(libc::ENOENT), Errno::ENOENT);
        assert_eq!(Errno::from_raw_os_error(libc::EACCES), Errno::EACCES);
        assert_eq!(Errno::from_raw_os_error(libc::ELOOP), Errno::ELOOP);
        assert_eq!(Errno::from_raw_os_error(libc::EOPNOTSUPP), Errno::ENOTSUP);
        assert_eq!(Errno::from_raw_os_error(99999), Errno::EIO);
    }

    #[cfg(windows)]
    #[test]
    fn windows_errors_map() {
        let io = |code| Errno::from_io(&std::io::Error::from_raw_os_error(code));
        assert_eq!(io(2), Errno::ENOENT);
        assert_eq!(io(5), Errno::EACCES);
        assert_eq!(io(131), Errno::EINVAL);
        assert_eq!(io(145), Errno::ENOTEMPTY);
        assert_eq!(io(1314), Errno::EPERM);
        // An unlisted code falls back to its std error kind, then to EIO.
        assert_eq!(Errno::from_windows_error(999_999), None);
        assert_eq!(io(999_999), Errno::EIO);
    }
}
