//! Fuzz target `syscalls`: a sequence of WASI calls with fuzzer-chosen arguments against one
//! instance (`Ctx`) over a 64 KiB `OwnedMemory` image, with a fresh preopen per input that
//! holds files, directories and symlinks, several of them pointing outside (to a sibling
//! directory, to an absolute path, to `..`, dangling into the sibling).
//!
//! Invariants checked on every input:
//! - no panic (libFuzzer reports it);
//! - no access outside guest memory (the image is a `Vec`, so AddressSanitizer reports it);
//! - every result is `Ok` or a WASI errno in 1..=76;
//! - nothing outside the preopen changed: the sibling directories are snapshotted (type,
//!   mode, size, link count, mtime, ctime, content or link target) and compared after the run;
//! - nothing outside the preopen was read: the sibling's files hold a per-process random
//!   marker, which must never show up in guest memory;
//! - no host fd leaks: after the instance is dropped the process holds the fds it had.
//!
//! Calls that could block forever are kept finite by construction: stdio is /dev/null and a
//! socket whose peer is closed, and clock subscriptions are clamped to at most 1 ms.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::os::fd::OwnedFd;
use std::os::unix::fs::{symlink, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use wasi_rs::abi::Version;
use wasi_rs::ctx::{Ctx, Preopen};
use wasi_rs::memory::{GuestMemory, OwnedMemory};
use wasi_rs::syscalls::{args_env, clock, fd, path, poll, proc, random, sock, SysResult};

const MEM: u32 = 65536;

/// A 32-bit argument: biased towards values that matter, any value possible.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum A {
    Fd(u8),
    Ptr(u16),
    Small(u8),
    End(u8),
    Raw(u32),
    Max,
}

fn a(x: A) -> u32 {
    match x {
        A::Fd(f) => u32::from(f % 12),
        A::Ptr(p) => u32::from(p),
        A::Small(s) => u32::from(s),
        A::End(k) => MEM.wrapping_sub(u32::from(k)),
        A::Raw(r) => r,
        A::Max => u32::MAX,
    }
}

/// A 64-bit argument.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum W {
    Small(u16),
    Raw(u64),
    Max,
    Neg(u8),
}

fn w(x: W) -> u64 {
    match x {
        W::Small(s) => u64::from(s),
        W::Raw(r) => r,
        W::Max => u64::MAX,
        W::Neg(k) => (-i64::from(k)) as u64,
    }
}

/// Paths worth trying against the tree `make_tree` builds.
const NAMES: &[&[u8]] = &[
    b"",
    b".",
    b"..",
    b"a",
    b"dir",
    b"dir/b",
    b"dir/sub",
    b"dir/sub/",
    b"a/",
    b"new",
    b"dir/new",
    b"link_out",
    b"link_out/secret",
    b"link_out/new",
    b"link_abs",
    b"link_abs/secret",
    b"link_file_out",
    b"link_in",
    b"link_in/b",
    b"loop",
    b"dangling",
    b"dangling_out",
    b"dot",
    b"dot/a",
    b"dot/../outside/secret",
    b"up",
    b"up/outside/secret",
    b"dir/up2",
    b"dir/up2/outside/secret",
    b"dir/etc",
    b"dir/etc/passwd",
    b"../outside/secret",
    b"../sandboxXYZ/x",
    b"/etc/passwd",
    b"/",
    b"dir/../../outside",
    b"dir/./b",
    b"a\0b",
    b"dir//b",
    b"dir/sub/../../a",
    b"\xff\xfe",
    b"link_in/../../outside/secret",
    b"../sandbox/a",
    b"outside",
];

#[derive(Arbitrary, Debug)]
enum PathSel {
    Named(u8),
    Joined(u8, u8),
    Bytes(Vec<u8>),
}

/// A path argument: the bytes are placed at `at` when they fit; `len` overrides the length.
#[derive(Arbitrary, Debug)]
struct P {
    sel: PathSel,
    at: u16,
    len: Option<A>,
}

#[derive(Arbitrary, Debug)]
struct Sub {
    userdata: u64,
    tag: u8,
    clock: u8,
    timeout_us: u16,
    flags: u16,
    fd: u8,
}

#[derive(Arbitrary, Debug)]
enum Op {
    /// Writes raw bytes into guest memory.
    Poke { at: u16, bytes: Vec<u8> },
    /// Writes an iovec table.
    Iovs { at: u16, entries: Vec<(A, A)> },
    /// Writes a subscription array.
    Subs { at: u16, subs: Vec<Sub> },
    /// One syscall, chosen by `which`.
    Call {
        which: u8,
        a: [A; 6],
        w: [W; 2],
        p: [P; 2],
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    unstable: bool,
    ops: Vec<Op>,
}

type Snapshot = BTreeMap<PathBuf, String>;

struct Env {
    base: PathBuf,
    marker: Vec<u8>,
    snapshot: Snapshot,
}

fn describe(p: &Path) -> String {
    let Ok(m) = fs::symlink_metadata(p) else {
        return "gone".into();
    };
    let mut s = format!(
        "mode={:o} size={} nlink={} mtime={}.{} ctime={}.{}",
        m.mode(),
        m.size(),
        m.nlink(),
        m.mtime(),
        m.mtime_nsec(),
        m.ctime(),
        m.ctime_nsec()
    );
    if m.file_type().is_symlink() {
        s += &format!(" -> {:?}", fs::read_link(p).ok());
    } else if m.is_file() {
        s += &format!(" content={:?}", fs::read(p).ok());
    }
    s
}

/// Everything under `base` except the preopen itself.
fn snapshot(base: &Path) -> Snapshot {
    let mut out = Snapshot::new();
    let mut stack = vec![base.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = fs::read_dir(&dir) else { continue };
        for ent in rd.flatten() {
            let p = ent.path();
            if p == base.join("sandbox") {
                continue;
            }
            out.insert(p.strip_prefix(base).unwrap().to_path_buf(), describe(&p));
            if ent.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                stack.push(p);
            }
        }
    }
    out
}

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        // The harness stands in for the Node process, which ignores SIGPIPE: a guest writing
        // to a stream whose peer is gone gets EPIPE there, and must here too (fd 0 is such a
        // socket), instead of the fuzzer being killed by the signal.
        // SAFETY: setting a signal disposition to SIG_IGN at start-up, before any thread of
        // the harness writes to a pipe; no handler code runs.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
        let root = std::env::var_os("WASI_RS_FUZZ_TMPDIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                let shm = PathBuf::from("/dev/shm");
                if shm.is_dir() {
                    shm
                } else {
                    std::env::temp_dir()
                }
            });
        // Trees left by earlier runs (libFuzzer exits without unwinding) are removed once
        // their process is gone.
        if let Ok(rd) = fs::read_dir(&root) {
            for ent in rd.flatten() {
                let name = ent.file_name().to_string_lossy().into_owned();
                if let Some(pid) = name.strip_prefix("wasi-rs-fuzz-") {
                    if !Path::new("/proc").join(pid).exists() {
                        let _ = fs::remove_dir_all(ent.path());
                    }
                }
            }
        }
        let base = root.join(format!("wasi-rs-fuzz-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        fs::create_dir_all(base.join("outside/sub")).unwrap();
        fs::create_dir_all(base.join("sandboxXYZ")).unwrap();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let marker = format!("OUTSIDE-{:x}-{:x}", nanos, std::process::id()).into_bytes();
        fs::write(base.join("outside/secret"), &marker).unwrap();
        fs::write(base.join("outside/sub/deep"), &marker).unwrap();
        fs::write(base.join("sandboxXYZ/x"), &marker).unwrap();
        let snapshot = snapshot(&base);
        Env {
            base,
            marker,
            snapshot,
        }
    })
}

fn make_tree(base: &Path) -> PathBuf {
    let s = base.join("sandbox");
    if fs::symlink_metadata(&s).is_ok() {
        fs::remove_dir_all(&s).unwrap();
    }
    fs::create_dir_all(s.join("dir/sub")).unwrap();
    fs::write(s.join("a"), b"hello from a\n").unwrap();
    fs::write(s.join("dir/b"), b"bee").unwrap();
    symlink("../outside", s.join("link_out")).unwrap();
    symlink(base.join("outside"), s.join("link_abs")).unwrap();
    symlink("../outside/secret", s.join("link_file_out")).unwrap();
    symlink("dir", s.join("link_in")).unwrap();
    symlink("loop", s.join("loop")).unwrap();
    symlink("nonexistent", s.join("dangling")).unwrap();
    symlink("../outside/created", s.join("dangling_out")).unwrap();
    symlink(".", s.join("dot")).unwrap();
    symlink("..", s.join("up")).unwrap();
    symlink("../..", s.join("dir/up2")).unwrap();
    symlink("/etc", s.join("dir/etc")).unwrap();
    s
}

/// The process's open fds and what they refer to.
fn open_fds() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Ok(rd) = fs::read_dir("/proc/self/fd") {
        for ent in rd.flatten() {
            let target = fs::read_link(ent.path())
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            out.insert(ent.file_name().to_string_lossy().into_owned(), target);
        }
    }
    // The fd that listed the directory is closed by now; drop its entry. rustix caches
    // `/proc`, `/proc/<pid>` and `/proc/<pid>/fd` process-wide on first use (cap-std's
    // canonicalize reaches it): opened once, never per call, so not a leak.
    out.retain(|fd, target| {
        let procfs_cache = target == "/proc"
            || target
                .strip_prefix("/proc/")
                .map(|rest| rest.trim_end_matches("/fd"))
                .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
        !procfs_cache && Path::new("/proc/self/fd").join(fd).exists()
    });
    out
}

/// The instance's stdio, as the binding hands it over (shared duplicates).
fn stdio() -> [Arc<fs::File>; 3] {
    let null = || {
        OwnedFd::from(
            fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open("/dev/null")
                .unwrap(),
        )
    };
    // fd 0: a stream socket with a few bytes queued and its peer closed (never blocks).
    let (a, mut b) = std::os::unix::net::UnixStream::pair().unwrap();
    b.write_all(b"ping").unwrap();
    drop(b);
    [OwnedFd::from(a), null(), null()].map(|fd| Arc::new(fs::File::from(fd)))
}

fn path_bytes(sel: &PathSel) -> Vec<u8> {
    let named = |i: u8| NAMES[i as usize % NAMES.len()].to_vec();
    let mut v = match sel {
        PathSel::Named(i) => named(*i),
        PathSel::Joined(i, j) => {
            let mut v = named(*i);
            v.push(b'/');
            v.extend(named(*j));
            v
        }
        PathSel::Bytes(b) => b.clone(),
    };
    v.truncate(512);
    v
}

/// Places a path in guest memory; returns the (ptr, len) the call gets.
fn place(mem: &GuestMemory, p: &P) -> (u32, u32) {
    let bytes = path_bytes(&p.sel);
    let at = u32::from(p.at);
    let _ = mem.write_bytes(at, &bytes);
    (at, p.len.map(a).unwrap_or(bytes.len() as u32))
}

/// Clock subscriptions sleep; keep each at 1 ms or less so an input stays fast.
fn clamp_clocks(mem: &GuestMemory, version: Version, input: u32, n: u32) {
    let size = version.subscription_size();
    let timeout_at = match version {
        Version::Preview1 => 24,
        Version::Unstable => 32,
    };
    if u64::from(n) * u64::from(size) + u64::from(input) > u64::from(MEM) {
        return;
    }
    for i in 0..n {
        let s = input + i * size;
        if mem.read_u8(s + 8) == Ok(0) {
            if let Ok(t) = mem.read_u64(s + timeout_at) {
                let _ = mem.write_u64(s + timeout_at, t % 1_000_000);
            }
        }
    }
}

fn write_subs(mem: &GuestMemory, version: Version, at: u16, subs: &[Sub]) {
    let size = version.subscription_size();
    let base = match version {
        Version::Preview1 => 16,
        Version::Unstable => 24,
    };
    for (i, s) in subs.iter().take(64).enumerate() {
        let p = u32::from(at) + i as u32 * size;
        let mut b = vec![0u8; size as usize];
        b[0..8].copy_from_slice(&s.userdata.to_le_bytes());
        b[8] = s.tag % 4;
        if b[8] == 0 {
            b[base..base + 4].copy_from_slice(&u32::from(s.clock % 5).to_le_bytes());
            b[base + 8..base + 16]
                .copy_from_slice(&(u64::from(s.timeout_us) % 1000 * 1000).to_le_bytes());
            b[base + 24..base + 26].copy_from_slice(&s.flags.to_le_bytes());
        } else {
            b[16..20].copy_from_slice(&u32::from(s.fd % 12).to_le_bytes());
        }
        let _ = mem.write_bytes(p, &b);
    }
}

fn call(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    which: u8,
    x: &[A; 6],
    y: &[W; 2],
    p: &[P; 2],
) -> SysResult {
    let [a0, a1, a2, a3, a4, a5] = x.map(a);
    let [w0, w1] = y.map(w);
    match which % 45 {
        0 => args_env::args_get(ctx, mem, a0, a1),
        1 => args_env::args_sizes_get(ctx, mem, a0, a1),
        2 => clock::clock_res_get(ctx, mem, a0 % 6, a1),
        3 => clock::clock_time_get(ctx, mem, a0 % 6, w0, a1),
        4 => args_env::environ_get(ctx, mem, a0, a1),
        5 => args_env::environ_sizes_get(ctx, mem, a0, a1),
        // Keep host allocations per input small (tmpfs reserves fallocate'd space).
        6 => fd::fd_advise(ctx, mem, a0, w0, w1, a1 % 8),
        7 => fd::fd_allocate(ctx, mem, a0, w0 % (1 << 20), w1 % (1 << 20)),
        8 => fd::fd_close(ctx, mem, a0),
        9 => fd::fd_datasync(ctx, mem, a0),
        10 => fd::fd_fdstat_get(ctx, mem, a0, a1),
        11 => fd::fd_fdstat_set_flags(ctx, mem, a0, a1),
        12 => fd::fd_fdstat_set_rights(ctx, mem, a0, w0, w1),
        13 => fd::fd_filestat_get(ctx, mem, a0, a1),
        14 => fd::fd_filestat_set_size(ctx, mem, a0, w0 % (1 << 24)),
        15 => fd::fd_filestat_set_times(ctx, mem, a0, w0, w1, a1),
        16 => fd::fd_pread(ctx, mem, a0, a1, a2, w0 % (1 << 24), a3),
        17 => fd::fd_prestat_get(ctx, mem, a0, a1),
        18 => fd::fd_prestat_dir_name(ctx, mem, a0, a1, a2),
        19 => fd::fd_pwrite(ctx, mem, a0, a1, a2, w0 % (1 << 24), a3),
        20 => fd::fd_read(ctx, mem, a0, a1, a2, a3),
        21 => path::fd_readdir(ctx, mem, a0, a1, a2, w0, a3),
        22 => fd::fd_renumber(ctx, mem, a0, a1),
        23 => fd::fd_seek(ctx, mem, a0, w0, a1, a2),
        24 => fd::fd_sync(ctx, mem, a0),
        25 => fd::fd_tell(ctx, mem, a0, a1),
        26 => fd::fd_write(ctx, mem, a0, a1, a2, a3),
        27 => {
            let (pp, pl) = place(mem, &p[0]);
            path::path_create_directory(ctx, mem, a0, pp, pl)
        }
        28 => {
            let (pp, pl) = place(mem, &p[0]);
            path::path_filestat_get(ctx, mem, a0, a1, pp, pl, a2)
        }
        29 => {
            let (pp, pl) = place(mem, &p[0]);
            path::path_filestat_set_times(ctx, mem, a0, a1, pp, pl, w0, w1, a2)
        }
        30 => {
            let (op, ol) = place(mem, &p[0]);
            let (np, nl) = place(mem, &p[1]);
            path::path_link(ctx, mem, a0, a1, op, ol, a2, np, nl)
        }
        31 => {
            let (pp, pl) = place(mem, &p[0]);
            path::path_open(ctx, mem, a0, a1, pp, pl, a2, w0, w1, a3, a4)
        }
        32 => {
            let (pp, pl) = place(mem, &p[0]);
            path::path_readlink(ctx, mem, a0, pp, pl, a1, a2, a3)
        }
        33 => {
            let (pp, pl) = place(mem, &p[0]);
            path::path_remove_directory(ctx, mem, a0, pp, pl)
        }
        34 => {
            let (op, ol) = place(mem, &p[0]);
            let (np, nl) = place(mem, &p[1]);
            path::path_rename(ctx, mem, a0, op, ol, a1, np, nl)
        }
        35 => {
            let (op, ol) = place(mem, &p[0]);
            let (np, nl) = place(mem, &p[1]);
            path::path_symlink(ctx, mem, op, ol, a0, np, nl)
        }
        36 => {
            let (pp, pl) = place(mem, &p[0]);
            path::path_unlink_file(ctx, mem, a0, pp, pl)
        }
        37 => {
            clamp_clocks(mem, ctx.version, a0, a2);
            poll::poll_oneoff(ctx, mem, a0, a1, a2, a3)
        }
        38 => proc::proc_raise(ctx, mem, a0),
        39 => random::random_get(ctx, mem, a0, a1),
        40 => proc::sched_yield(ctx, mem),
        41 => sock::sock_accept(ctx, mem, a0, a1, a2),
        42 => sock::sock_recv(ctx, mem, a0, a1, a2, a3, a4, a5),
        43 => sock::sock_send(ctx, mem, a0, a1, a2, a3, a4),
        _ => sock::sock_shutdown(ctx, mem, a0, a1),
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    let first = needle[0];
    hay.iter()
        .enumerate()
        .any(|(i, &b)| b == first && hay[i..].starts_with(needle))
}

/// The calls that can bring file contents into guest memory.
fn reads_data(which: u8) -> bool {
    matches!(which % 45, 16 | 20 | 42)
}

fuzz_target!(|input: Input| {
    let env = env();
    let sandbox = make_tree(&env.base);
    let fds_before = open_fds();
    let version = if input.unstable {
        Version::Unstable
    } else {
        Version::Preview1
    };
    let preopens = vec![
        Preopen {
            guest_path: "/sandbox".into(),
            dir: cap_std::fs::Dir::open_ambient_dir(&sandbox, cap_std::ambient_authority())
                .unwrap(),
        },
        Preopen {
            guest_path: "dir".into(),
            dir: cap_std::fs::Dir::open_ambient_dir(
                sandbox.join("dir"),
                cap_std::ambient_authority(),
            )
            .unwrap(),
        },
    ];
    let mut ctx = Ctx::new(
        version,
        &["prog".to_string(), "arg".to_string()],
        &["A=1".to_string()],
        stdio(),
        preopens,
    )
    .unwrap();
    let mut image = OwnedMemory::new(MEM as usize);
    for op in input.ops.iter().take(48) {
        let mem = image.view();
        match op {
            Op::Poke { at, bytes } => {
                let _ = mem.write_bytes(u32::from(*at), &bytes[..bytes.len().min(256)]);
            }
            Op::Iovs { at, entries } => {
                for (i, (buf, len)) in entries.iter().take(64).enumerate() {
                    let rec = u32::from(*at) + 8 * i as u32;
                    let _ = mem.write_u32(rec, a(*buf));
                    let _ = mem.write_u32(rec + 4, a(*len));
                }
            }
            Op::Subs { at, subs } => write_subs(&mem, version, *at, subs),
            Op::Call { which, a, w, p } => {
                if let Err(e) = call(&mut ctx, &mem, *which, a, w, p) {
                    assert!(
                        (1..=76).contains(&e.0),
                        "call {} returned errno {}",
                        which % 45,
                        e.0
                    );
                }
                drop(mem);
                assert!(
                    !reads_data(*which) || !contains(image.bytes(), &env.marker),
                    "call {} read a file outside the preopen into guest memory",
                    which % 45
                );
            }
        }
    }
    drop(ctx);
    assert_eq!(open_fds(), fds_before, "host fds leaked");
    let after = snapshot(&env.base);
    if after != env.snapshot {
        for (k, v) in &after {
            if env.snapshot.get(k) != Some(v) {
                eprintln!("changed outside the preopen: {k:?}: {v}");
            }
        }
        for k in env.snapshot.keys() {
            if !after.contains_key(k) {
                eprintln!("removed outside the preopen: {k:?}");
            }
        }
        panic!("something outside the preopen changed");
    }
});
