//! Syscall tracing, off by default and then free: `Instance::run` tests one bool and nothing
//! here runs. Two modes:
//!
//! - `Node`: `NODE_DEBUG_NATIVE=wasi` (a comma-separated list, any case, no spaces: as Node
//!   reads it) prints one
//!   line per call to stderr before it runs, in node:wasi's format: the name and the raw
//!   arguments in decimal (`fd_write(1, 1024, 1, 1040)`), with node:wasi's quirks kept so the
//!   two traces diff clean (`uvwasi_` before fd_pread/fd_pwrite/fd_readdir, fd_seek's offset
//!   signed, path_filestat_get showing fd, path pointer and length only, proc_exit silent).
//! - `Decoded` (`new WASI({ trace: true })`, `wasi-rs --trace`): one line per call after it
//!   ran, an strace for WASI guests: fds, paths and strings read from guest memory, flag and
//!   enum names, the errno's name and what came back (bytes moved, new fds, sizes).
//!
//! Lines go straight to the process's stderr (fd 2) in one write each.

use crate::abi::{
    advice, clockid, fdflags, filetype, fstflags, lookupflags, oflags, riflags, sdflags, Errno,
    Version,
};
use crate::memory::GuestMemory;
use std::fmt::Write as _;
use std::io::Write as _;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Mode {
    Node,
    Decoded,
}

/// The mode for a new instance: `trace: true` wins over NODE_DEBUG_NATIVE.
pub(crate) fn mode(trace_option: bool) -> Option<Mode> {
    if trace_option {
        return Some(Mode::Decoded);
    }
    node_debug_wasi().then_some(Mode::Node)
}

/// Whether NODE_DEBUG_NATIVE names `wasi`. Read once per process, as Node reads its debug
/// categories once at startup (a later change of the variable turns node:wasi's tracing
/// neither on nor off), which also keeps an environment scan out of every construction.
fn node_debug_wasi() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| {
        std::env::var("NODE_DEBUG_NATIVE")
            .is_ok_and(|var| var.split(',').any(|c| c.eq_ignore_ascii_case("wasi")))
    })
}

fn emit(line: &str) {
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// node:wasi's line, printed before the call runs.
pub(crate) fn node_line(name: &str, args: &[u64]) {
    let mut s = String::with_capacity(64);
    if matches!(name, "fd_pread" | "fd_pwrite" | "fd_readdir") {
        s.push_str("uvwasi_");
    }
    s.push_str(name);
    s.push('(');
    let shown: Vec<String> = match name {
        "path_filestat_get" => [0usize, 2, 3]
            .iter()
            .filter_map(|&i| args.get(i))
            .map(|a| a.to_string())
            .collect(),
        "fd_seek" => args
            .iter()
            .enumerate()
            .map(|(i, &a)| {
                if i == 1 {
                    (a as i64).to_string()
                } else {
                    a.to_string()
                }
            })
            .collect(),
        _ => args.iter().map(|a| a.to_string()).collect(),
    };
    s.push_str(&shown.join(", "));
    s.push_str(")\n");
    emit(&s);
}

/// The decoded line for `proc_exit`, printed before the guest leaves.
pub(crate) fn exit_line(code: u32) {
    emit(&format!("[wasi] proc_exit({code})\n"));
}

/// How a decoded line shows one argument (the numbers are argument positions).
#[derive(Clone, Copy)]
enum Arg {
    /// A file descriptor: its number.
    Fd(usize),
    /// `label=N`, the argument as a u32 (lengths, counts).
    U32(&'static str, usize),
    /// `label=N`, the whole 64-bit argument (offsets, sizes, times).
    U64(&'static str, usize),
    /// `label=0x…` (rights).
    Hex(&'static str, usize),
    /// `label=A|B`: the names of the bits set.
    Flags(&'static str, usize, &'static [(u32, &'static str)]),
    /// A guest string: its pointer and length arguments.
    Str(usize, usize),
    /// `iovs[n]=N bytes`: the iovec array's pointer and count arguments.
    Iovs(usize, usize),
    /// A clock id's name.
    Clock(usize),
    /// An advice's name.
    Advice(usize),
    /// fd_seek's offset: signed, no label.
    Offset(usize),
    /// fd_seek's whence, named as the instance's version numbers it.
    Whence(usize),
}

/// What an `ok` line shows after the call: values it wrote, read at its pointer arguments.
#[derive(Clone, Copy)]
enum Out {
    /// `labelN`: the u32 at a pointer argument plus an offset.
    U32At(&'static str, usize, u32),
    /// `labelN`: the u64 at a pointer argument.
    U64At(&'static str, usize),
    /// Fixed text.
    Text(&'static str),
    /// `N unit`: an argument as a u32.
    Count(usize, &'static str),
    /// The guest string at a pointer and length argument.
    Str(usize, usize),
    /// `REGULAR_FILE, fdflags=APPEND`: the fdstat at a pointer argument.
    Fdstat(usize),
    /// `REGULAR_FILE, size=3`: the filestat at a pointer argument (its layout is the
    /// version's).
    Filestat(usize),
    /// path_readlink's text: the buffer argument and the argument pointing at its length.
    Readlink(usize, usize),
}

use Arg as A;
use Out as O;

const FD: &[Arg] = &[A::Fd(0)];
const FD_PATH: &[Arg] = &[A::Fd(0), A::Str(1, 2)];
const LOOKUP: Arg = A::Flags("lookupflags", 1, LOOKUPFLAGS);

/// Every call's decoded line: name, arguments, and what an `ok` shows.
#[rustfmt::skip]
const CALLS: &[(&str, &[Arg], &[Out])] = &[
    ("args_get", &[], &[]),
    ("args_sizes_get", &[], &[O::U32At("argc=", 0, 0), O::U32At("bytes=", 1, 0)]),
    ("clock_res_get", &[A::Clock(0)], &[O::U64At("resolution=", 1)]),
    ("clock_time_get", &[A::Clock(0), A::U64("precision", 1)], &[O::U64At("time=", 2)]),
    ("environ_get", &[], &[]),
    ("environ_sizes_get", &[], &[O::U32At("count=", 0, 0), O::U32At("bytes=", 1, 0)]),
    ("fd_advise", &[A::Fd(0), A::U64("offset", 1), A::U64("len", 2), A::Advice(3)], &[]),
    ("fd_allocate", &[A::Fd(0), A::U64("offset", 1), A::U64("len", 2)], &[]),
    ("fd_close", FD, &[]),
    ("fd_datasync", FD, &[]),
    ("fd_fdstat_get", FD, &[O::Fdstat(1)]),
    ("fd_fdstat_set_flags", &[A::Fd(0), A::Flags("fdflags", 1, FDFLAGS)], &[]),
    ("fd_fdstat_set_rights", &[A::Fd(0), A::Hex("base", 1), A::Hex("inheriting", 2)], &[]),
    ("fd_filestat_get", FD, &[O::Filestat(1)]),
    ("fd_filestat_set_size", &[A::Fd(0), A::U64("size", 1)], &[]),
    ("fd_filestat_set_times", &[A::Fd(0), A::U64("atim", 1), A::U64("mtim", 2), A::Flags("fstflags", 3, FSTFLAGS)], &[]),
    ("fd_pread", &[A::Fd(0), A::Iovs(1, 2), A::U64("offset", 3)], &[O::U32At("read ", 4, 0)]),
    ("fd_prestat_get", FD, &[O::Text("dir"), O::U32At("name_len=", 1, 4)]),
    ("fd_prestat_dir_name", &[A::Fd(0), A::U32("len", 2)], &[O::Str(1, 2)]),
    ("fd_pwrite", &[A::Fd(0), A::Iovs(1, 2), A::U64("offset", 3)], &[O::U32At("wrote ", 4, 0)]),
    ("fd_read", &[A::Fd(0), A::Iovs(1, 2)], &[O::U32At("read ", 3, 0)]),
    ("fd_readdir", &[A::Fd(0), A::U32("buf_len", 2), A::U64("cookie", 3)], &[O::U32At("used ", 4, 0)]),
    ("fd_renumber", &[A::Fd(0), A::Fd(1)], &[]),
    ("fd_seek", &[A::Fd(0), A::Offset(1), A::Whence(2)], &[O::U64At("offset=", 3)]),
    ("fd_sync", FD, &[]),
    ("fd_tell", FD, &[O::U64At("offset=", 1)]),
    ("fd_write", &[A::Fd(0), A::Iovs(1, 2)], &[O::U32At("wrote ", 3, 0)]),
    ("path_create_directory", FD_PATH, &[]),
    ("path_filestat_get", &[A::Fd(0), LOOKUP, A::Str(2, 3)], &[O::Filestat(4)]),
    ("path_filestat_set_times", &[A::Fd(0), LOOKUP, A::Str(2, 3), A::U64("atim", 4), A::U64("mtim", 5), A::Flags("fstflags", 6, FSTFLAGS)], &[]),
    ("path_link", &[A::Fd(0), LOOKUP, A::Str(2, 3), A::Fd(4), A::Str(5, 6)], &[]),
    ("path_open", &[A::Fd(0), LOOKUP, A::Str(2, 3), A::Flags("oflags", 4, OFLAGS), A::Hex("rights", 5), A::Hex("inheriting", 6), A::Flags("fdflags", 7, FDFLAGS)], &[O::U32At("fd=", 8, 0)]),
    ("path_readlink", &[A::Fd(0), A::Str(1, 2), A::U32("buf_len", 4)], &[O::Readlink(3, 5)]),
    ("path_remove_directory", FD_PATH, &[]),
    ("path_rename", &[A::Fd(0), A::Str(1, 2), A::Fd(3), A::Str(4, 5)], &[]),
    ("path_symlink", &[A::Str(0, 1), A::Fd(2), A::Str(3, 4)], &[]),
    ("path_unlink_file", FD_PATH, &[]),
    ("poll_oneoff", &[A::U32("nsubscriptions", 2)], &[O::U32At("events=", 3, 0)]),
    ("proc_raise", &[A::U32("signal", 0)], &[]),
    ("random_get", &[A::U32("len", 1)], &[O::Count(1, "bytes")]),
    ("sched_yield", &[], &[]),
    ("sock_accept", &[A::Fd(0), A::Flags("flags", 1, FDFLAGS)], &[O::U32At("fd=", 2, 0)]),
    ("sock_recv", &[A::Fd(0), A::Iovs(1, 2), A::Flags("riflags", 3, RIFLAGS)], &[O::U32At("received ", 4, 0)]),
    ("sock_send", &[A::Fd(0), A::Iovs(1, 2), A::U32("flags", 3)], &[O::U32At("sent ", 4, 0)]),
    ("sock_shutdown", &[A::Fd(0), A::Flags("how", 1, SDFLAGS)], &[]),
];

fn shape(name: &str) -> Option<(&'static [Arg], &'static [Out])> {
    CALLS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|&(_, args, out)| (args, out))
}

/// Argument `i` (0 when missing).
fn arg(a: &[u64], i: usize) -> u64 {
    a.get(i).copied().unwrap_or(0)
}

/// Argument `i` as a guest pointer, length or u32 value.
fn p(a: &[u64], i: usize) -> u32 {
    arg(a, i) as u32
}

impl Arg {
    fn show(self, a: &[u64], mem: &GuestMemory, v: Version) -> String {
        match self {
            Arg::Fd(i) => fd(p(a, i)),
            Arg::U32(label, i) => format!("{label}={}", p(a, i)),
            Arg::U64(label, i) => format!("{label}={}", arg(a, i)),
            Arg::Hex(label, i) => format!("{label}={:#x}", arg(a, i)),
            Arg::Flags(label, i, names) => format!("{label}={}", flags(p(a, i), names)),
            Arg::Str(ptr, len) => string(mem, p(a, ptr), p(a, len)),
            Arg::Iovs(ptr, count) => iovs(mem, p(a, ptr), p(a, count)),
            Arg::Clock(i) => clock(p(a, i)),
            Arg::Advice(i) => advice_name(p(a, i)),
            Arg::Offset(i) => format!("{}", arg(a, i) as i64),
            Arg::Whence(i) => whence(v, p(a, i)),
        }
    }
}

impl Out {
    fn show(self, a: &[u64], mem: &GuestMemory, v: Version) -> String {
        match self {
            Out::U32At(label, i, offset) => {
                format!("{label}{}", u32_at(mem, p(a, i).wrapping_add(offset)))
            }
            Out::U64At(label, i) => format!("{label}{}", u64_at(mem, p(a, i))),
            Out::Text(text) => text.into(),
            Out::Count(i, unit) => format!("{} {unit}", p(a, i)),
            Out::Str(ptr, len) => string(mem, p(a, ptr), p(a, len)),
            Out::Fdstat(i) => {
                let ft = mem.read_u8(p(a, i)).map(filetype_name).unwrap_or("?");
                let fl = mem
                    .read_u16(p(a, i).wrapping_add(2))
                    .map(|f| flags(f as u32, FDFLAGS))
                    .unwrap_or_default();
                format!("{ft}, fdflags={fl}")
            }
            Out::Filestat(i) => {
                let buf = p(a, i);
                let size_at = if v == Version::Preview1 { 32 } else { 24 };
                let ft = mem
                    .read_u8(buf.wrapping_add(16))
                    .map(filetype_name)
                    .unwrap_or("?");
                format!("{ft}, size={}", u64_at(mem, buf.wrapping_add(size_at)))
            }
            Out::Readlink(buf, used) => match mem.read_u32(p(a, used)) {
                Ok(n) => string(mem, p(a, buf), n),
                Err(_) => "?".into(),
            },
        }
    }
}

/// The u32 at a guest pointer, or `?`.
fn u32_at(mem: &GuestMemory, ptr: u32) -> String {
    mem.read_u32(ptr)
        .map(|x| x.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// The u64 at a guest pointer, or `?`.
fn u64_at(mem: &GuestMemory, ptr: u32) -> String {
    mem.read_u64(ptr)
        .map(|x| x.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// What a call was asked, read before it runs (it may overwrite its own inputs).
pub(crate) fn describe_call(name: &str, a: &[u64], mem: &GuestMemory, v: Version) -> String {
    let mut s = format!("[wasi] {name}(");
    let parts: Vec<String> = match shape(name) {
        Some((args, _)) => args.iter().map(|x| x.show(a, mem, v)).collect(),
        None => a.iter().map(|x| x.to_string()).collect(),
    };
    s.push_str(&parts.join(", "));
    s.push(')');
    s
}

/// Finishes the line: ` = ok` with what came back, or ` = EBADF`; then prints it.
pub(crate) fn finish(
    mut line: String,
    name: &str,
    a: &[u64],
    mem: &GuestMemory,
    v: Version,
    errno: u16,
) {
    if errno != 0 {
        let _ = write!(line, " = E{}", Errno(errno).name().to_ascii_uppercase());
    } else {
        line.push_str(" = ok");
        let extra = match shape(name) {
            Some((_, out)) => out
                .iter()
                .map(|x| x.show(a, mem, v))
                .collect::<Vec<_>>()
                .join(", "),
            None => String::new(),
        };
        if !extra.is_empty() {
            line.push_str(", ");
            line.push_str(&extra);
        }
    }
    line.push('\n');
    emit(&line);
}

/// `(value, "NAME")` for constants of one `abi` module, each name written once.
macro_rules! names {
    ($module:ident, $($name:ident),+) => {
        &[$(($module::$name as u32, stringify!($name))),+]
    };
}

const FDFLAGS: &[(u32, &str)] = names!(fdflags, APPEND, DSYNC, NONBLOCK, RSYNC, SYNC);
const OFLAGS: &[(u32, &str)] = names!(oflags, CREAT, DIRECTORY, EXCL, TRUNC);
const LOOKUPFLAGS: &[(u32, &str)] = names!(lookupflags, SYMLINK_FOLLOW);
const FSTFLAGS: &[(u32, &str)] = names!(fstflags, ATIM, ATIM_NOW, MTIM, MTIM_NOW);
const RIFLAGS: &[(u32, &str)] = names!(riflags, RECV_PEEK, RECV_WAITALL);
const SDFLAGS: &[(u32, &str)] = names!(sdflags, RD, WR);
const CLOCKS: &[(u32, &str)] = names!(
    clockid,
    REALTIME,
    MONOTONIC,
    PROCESS_CPUTIME_ID,
    THREAD_CPUTIME_ID
);
const ADVICE: &[(u32, &str)] =
    names!(advice, NORMAL, SEQUENTIAL, RANDOM, WILLNEED, DONTNEED, NOREUSE);
const FILETYPES: &[(u32, &str)] = names!(
    filetype,
    BLOCK_DEVICE,
    CHARACTER_DEVICE,
    DIRECTORY,
    REGULAR_FILE,
    SOCKET_DGRAM,
    SOCKET_STREAM,
    SYMBOLIC_LINK
);

/// The name of `value` in a `names!` table.
fn name_of(value: u32, names: &[(u32, &'static str)]) -> Option<&'static str> {
    names.iter().find(|&&(v, _)| v == value).map(|&(_, n)| n)
}

/// `CREAT|TRUNC`, `0`, or the names plus the unknown bits in hex (`APPEND|0x40`).
fn flags(value: u32, names: &[(u32, &str)]) -> String {
    if value == 0 {
        return "0".into();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut rest = value;
    for &(bit, name) in names {
        if value & bit != 0 {
            parts.push(name.into());
            rest &= !bit;
        }
    }
    if rest != 0 {
        parts.push(format!("{rest:#x}"));
    }
    parts.join("|")
}

fn fd(n: u32) -> String {
    n.to_string()
}

fn clock(id: u32) -> String {
    name_of(id, CLOCKS).map_or_else(|| format!("clock {id}"), str::to_string)
}

fn advice_name(a: u32) -> String {
    name_of(a, ADVICE).map_or_else(|| format!("advice {a}"), str::to_string)
}

fn whence(v: Version, raw: u32) -> String {
    match v.whence(raw) {
        Some(w) => format!("{w:?}").to_ascii_uppercase(),
        None => format!("whence {raw}"),
    }
}

fn filetype_name(t: u8) -> &'static str {
    name_of(t as u32, FILETYPES).unwrap_or("UNKNOWN")
}

/// A guest string, quoted and escaped; at most 200 bytes shown.
fn string(mem: &GuestMemory, ptr: u32, len: u32) -> String {
    const MAX: u32 = 200;
    match mem.read_bytes(ptr, len.min(MAX)) {
        Ok(bytes) if mem.range(ptr, len as u64).is_ok() => {
            let text = String::from_utf8_lossy(&bytes);
            if len > MAX {
                format!("{text:?}...")
            } else {
                format!("{text:?}")
            }
        }
        _ => format!("<bad string {ptr:#x}+{len}>"),
    }
}

/// `iovs[2]=1024 bytes`: the iovec count and the bytes they ask for.
fn iovs(mem: &GuestMemory, ptr: u32, count: u32) -> String {
    let mut total: u64 = 0;
    for i in 0..count.min(1024) {
        match mem.read_u32(ptr.wrapping_add(i * 8).wrapping_add(4)) {
            Ok(len) => total += len as u64,
            Err(_) => return format!("iovs[{count}]=<bad iovec {ptr:#x}>"),
        }
    }
    if count > 1024 {
        format!("iovs[{count}]")
    } else {
        format!("iovs[{count}]={total} bytes")
    }
}
