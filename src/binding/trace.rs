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
    let var = std::env::var("NODE_DEBUG_NATIVE").ok()?;
    var.split(',')
        .any(|c| c.eq_ignore_ascii_case("wasi"))
        .then_some(Mode::Node)
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

/// What a call was asked, read before it runs (it may overwrite its own inputs).
pub(crate) fn describe_call(name: &str, a: &[u64], mem: &GuestMemory, v: Version) -> String {
    let mut s = format!("[wasi] {name}(");
    let arg = |i: usize| a.get(i).copied().unwrap_or(0);
    let p = |i: usize| arg(i) as u32;
    let parts: Vec<String> = match name {
        "args_get" | "environ_get" | "args_sizes_get" | "environ_sizes_get" | "sched_yield"
        | "random_get" => match name {
            "random_get" => vec![format!("len={}", p(1))],
            _ => vec![],
        },
        "clock_res_get" => vec![clock(p(0))],
        "clock_time_get" => vec![clock(p(0)), format!("precision={}", arg(1))],
        "fd_advise" => vec![
            fd(p(0)),
            format!("offset={}", arg(1)),
            format!("len={}", arg(2)),
            advice_name(p(3)),
        ],
        "fd_allocate" => vec![
            fd(p(0)),
            format!("offset={}", arg(1)),
            format!("len={}", arg(2)),
        ],
        "fd_close" | "fd_datasync" | "fd_sync" | "fd_fdstat_get" | "fd_filestat_get"
        | "fd_prestat_get" | "fd_tell" => vec![fd(p(0))],
        "fd_fdstat_set_flags" => vec![fd(p(0)), format!("fdflags={}", flags(p(1), FDFLAGS))],
        "fd_fdstat_set_rights" => vec![
            fd(p(0)),
            format!("base={:#x}", arg(1)),
            format!("inheriting={:#x}", arg(2)),
        ],
        "fd_filestat_set_size" => vec![fd(p(0)), format!("size={}", arg(1))],
        "fd_filestat_set_times" => vec![
            fd(p(0)),
            format!("atim={}", arg(1)),
            format!("mtim={}", arg(2)),
            format!("fstflags={}", flags(p(3), FSTFLAGS)),
        ],
        "fd_pread" | "fd_pwrite" => vec![
            fd(p(0)),
            iovs(mem, p(1), p(2)),
            format!("offset={}", arg(3)),
        ],
        "fd_read" | "fd_write" => vec![fd(p(0)), iovs(mem, p(1), p(2))],
        "fd_prestat_dir_name" => vec![fd(p(0)), format!("len={}", p(2))],
        "fd_readdir" => vec![
            fd(p(0)),
            format!("buf_len={}", p(2)),
            format!("cookie={}", arg(3)),
        ],
        "fd_renumber" => vec![fd(p(0)), fd(p(1))],
        "fd_seek" => vec![fd(p(0)), format!("{}", arg(1) as i64), whence(v, p(2))],
        "path_create_directory" | "path_remove_directory" | "path_unlink_file" => {
            vec![fd(p(0)), string(mem, p(1), p(2))]
        }
        "path_filestat_get" => vec![
            fd(p(0)),
            format!("lookupflags={}", flags(p(1), LOOKUPFLAGS)),
            string(mem, p(2), p(3)),
        ],
        "path_filestat_set_times" => vec![
            fd(p(0)),
            format!("lookupflags={}", flags(p(1), LOOKUPFLAGS)),
            string(mem, p(2), p(3)),
            format!("atim={}", arg(4)),
            format!("mtim={}", arg(5)),
            format!("fstflags={}", flags(p(6), FSTFLAGS)),
        ],
        "path_link" => vec![
            fd(p(0)),
            format!("lookupflags={}", flags(p(1), LOOKUPFLAGS)),
            string(mem, p(2), p(3)),
            fd(p(4)),
            string(mem, p(5), p(6)),
        ],
        "path_open" => vec![
            fd(p(0)),
            format!("lookupflags={}", flags(p(1), LOOKUPFLAGS)),
            string(mem, p(2), p(3)),
            format!("oflags={}", flags(p(4), OFLAGS)),
            format!("rights={:#x}", arg(5)),
            format!("inheriting={:#x}", arg(6)),
            format!("fdflags={}", flags(p(7), FDFLAGS)),
        ],
        "path_readlink" => vec![
            fd(p(0)),
            string(mem, p(1), p(2)),
            format!("buf_len={}", p(4)),
        ],
        "path_rename" => vec![
            fd(p(0)),
            string(mem, p(1), p(2)),
            fd(p(3)),
            string(mem, p(4), p(5)),
        ],
        "path_symlink" => vec![string(mem, p(0), p(1)), fd(p(2)), string(mem, p(3), p(4))],
        "poll_oneoff" => vec![format!("nsubscriptions={}", p(2))],
        "proc_raise" => vec![format!("signal={}", p(0))],
        "sock_accept" => vec![fd(p(0)), format!("flags={}", flags(p(1), FDFLAGS))],
        "sock_recv" => vec![
            fd(p(0)),
            iovs(mem, p(1), p(2)),
            format!("riflags={}", flags(p(3), RIFLAGS)),
        ],
        "sock_send" => vec![fd(p(0)), iovs(mem, p(1), p(2)), format!("flags={}", p(3))],
        "sock_shutdown" => vec![fd(p(0)), format!("how={}", flags(p(1), SDFLAGS))],
        _ => a.iter().map(|x| x.to_string()).collect(),
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
        let p = |i: usize| a.get(i).copied().unwrap_or(0) as u32;
        let u32_at = |ptr: u32| {
            mem.read_u32(ptr)
                .map(|x| x.to_string())
                .unwrap_or_else(|_| "?".into())
        };
        let u64_at = |ptr: u32| {
            mem.read_u64(ptr)
                .map(|x| x.to_string())
                .unwrap_or_else(|_| "?".into())
        };
        let extra = match name {
            "args_sizes_get" => format!("argc={}, bytes={}", u32_at(p(0)), u32_at(p(1))),
            "environ_sizes_get" => format!("count={}, bytes={}", u32_at(p(0)), u32_at(p(1))),
            "clock_res_get" => format!("resolution={}", u64_at(p(1))),
            "clock_time_get" => format!("time={}", u64_at(p(2))),
            "fd_fdstat_get" => {
                let ft = mem.read_u8(p(1)).map(filetype_name).unwrap_or("?");
                let fl = mem
                    .read_u16(p(1).wrapping_add(2))
                    .map(|f| flags(f as u32, FDFLAGS))
                    .unwrap_or_default();
                format!("{ft}, fdflags={fl}")
            }
            "fd_filestat_get" | "path_filestat_get" => {
                let buf = if name == "fd_filestat_get" {
                    p(1)
                } else {
                    p(4)
                };
                let size_at = if v == Version::Preview1 { 32 } else { 24 };
                let ft = mem
                    .read_u8(buf.wrapping_add(16))
                    .map(filetype_name)
                    .unwrap_or("?");
                format!("{ft}, size={}", u64_at(buf.wrapping_add(size_at)))
            }
            // The count pointer is the last argument.
            "fd_pread" | "fd_read" => format!("read {}", u32_at(p(a.len().saturating_sub(1)))),
            "fd_pwrite" | "fd_write" => format!("wrote {}", u32_at(p(a.len().saturating_sub(1)))),
            "sock_recv" => format!("received {}", u32_at(p(4))),
            "sock_send" => format!("sent {}", u32_at(p(4))),
            "fd_prestat_get" => format!("dir, name_len={}", u32_at(p(1).wrapping_add(4))),
            "fd_prestat_dir_name" => string(mem, p(1), p(2)),
            "fd_readdir" => format!("used {}", u32_at(p(4))),
            "fd_seek" => format!("offset={}", u64_at(p(3))),
            "fd_tell" => format!("offset={}", u64_at(p(1))),
            "path_open" => format!("fd={}", u32_at(p(8))),
            "sock_accept" => format!("fd={}", u32_at(p(2))),
            "path_readlink" => match mem.read_u32(p(5)) {
                Ok(used) => string(mem, p(3), used),
                Err(_) => "?".into(),
            },
            "poll_oneoff" => format!("events={}", u32_at(p(3))),
            "random_get" => format!("{} bytes", p(1)),
            _ => String::new(),
        };
        if !extra.is_empty() {
            line.push_str(", ");
            line.push_str(&extra);
        }
    }
    line.push('\n');
    emit(&line);
}

const FDFLAGS: &[(u32, &str)] = &[
    (fdflags::APPEND as u32, "APPEND"),
    (fdflags::DSYNC as u32, "DSYNC"),
    (fdflags::NONBLOCK as u32, "NONBLOCK"),
    (fdflags::RSYNC as u32, "RSYNC"),
    (fdflags::SYNC as u32, "SYNC"),
];
const OFLAGS: &[(u32, &str)] = &[
    (oflags::CREAT as u32, "CREAT"),
    (oflags::DIRECTORY as u32, "DIRECTORY"),
    (oflags::EXCL as u32, "EXCL"),
    (oflags::TRUNC as u32, "TRUNC"),
];
const LOOKUPFLAGS: &[(u32, &str)] = &[(lookupflags::SYMLINK_FOLLOW, "SYMLINK_FOLLOW")];
const FSTFLAGS: &[(u32, &str)] = &[
    (fstflags::ATIM as u32, "ATIM"),
    (fstflags::ATIM_NOW as u32, "ATIM_NOW"),
    (fstflags::MTIM as u32, "MTIM"),
    (fstflags::MTIM_NOW as u32, "MTIM_NOW"),
];
const RIFLAGS: &[(u32, &str)] = &[
    (riflags::RECV_PEEK as u32, "RECV_PEEK"),
    (riflags::RECV_WAITALL as u32, "RECV_WAITALL"),
];
const SDFLAGS: &[(u32, &str)] = &[(sdflags::RD as u32, "RD"), (sdflags::WR as u32, "WR")];

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
    match id {
        clockid::REALTIME => "REALTIME".into(),
        clockid::MONOTONIC => "MONOTONIC".into(),
        clockid::PROCESS_CPUTIME_ID => "PROCESS_CPUTIME_ID".into(),
        clockid::THREAD_CPUTIME_ID => "THREAD_CPUTIME_ID".into(),
        other => format!("clock {other}"),
    }
}

fn advice_name(a: u32) -> String {
    let name = match a {
        x if x == advice::NORMAL as u32 => "NORMAL",
        x if x == advice::SEQUENTIAL as u32 => "SEQUENTIAL",
        x if x == advice::RANDOM as u32 => "RANDOM",
        x if x == advice::WILLNEED as u32 => "WILLNEED",
        x if x == advice::DONTNEED as u32 => "DONTNEED",
        x if x == advice::NOREUSE as u32 => "NOREUSE",
        other => return format!("advice {other}"),
    };
    name.into()
}

fn whence(v: Version, raw: u32) -> String {
    match v.whence(raw) {
        Some(w) => format!("{w:?}").to_ascii_uppercase(),
        None => format!("whence {raw}"),
    }
}

fn filetype_name(t: u8) -> &'static str {
    match t {
        filetype::BLOCK_DEVICE => "BLOCK_DEVICE",
        filetype::CHARACTER_DEVICE => "CHARACTER_DEVICE",
        filetype::DIRECTORY => "DIRECTORY",
        filetype::REGULAR_FILE => "REGULAR_FILE",
        filetype::SOCKET_DGRAM => "SOCKET_DGRAM",
        filetype::SOCKET_STREAM => "SOCKET_STREAM",
        filetype::SYMBOLIC_LINK => "SYMBOLIC_LINK",
        _ => "UNKNOWN",
    }
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
