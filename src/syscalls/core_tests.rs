//! Unit tests of the non-filesystem syscalls against an owned memory image and a `Ctx` whose
//! stdio are real host objects (temporary files, /dev/null, Unix socket pairs), without Node.

use super::portable_tests::{read_all, set_iovs};
use super::{args_env, clock, fd, poll, proc, random, sock};
use crate::abi::{Errno, Version};
use crate::ctx::Ctx;
use crate::memory::{GuestMemory, OwnedMemory};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::OwnedFd;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::net::{UnixListener, UnixStream};

fn devnull() -> OwnedFd {
    File::options()
        .read(true)
        .write(true)
        .open("/dev/null")
        .unwrap()
        .into()
}

fn ctx_with(version: Version, args: &[&str], env: &[&str], stdio: [OwnedFd; 3]) -> Ctx {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let env: Vec<String> = env.iter().map(|s| s.to_string()).collect();
    let stdio = stdio.map(|fd| std::sync::Arc::new(File::from(fd)));
    Ctx::new(version, &args, &env, stdio, Vec::new()).unwrap()
}

fn plain() -> Ctx {
    ctx_with(
        Version::Preview1,
        &[],
        &[],
        [devnull(), devnull(), devnull()],
    )
}

/// A temporary file with `content`, and a second handle on it for checking.
fn temp_file(content: &[u8]) -> (OwnedFd, File) {
    let mut f = tempfile::tempfile().unwrap();
    f.write_all(content).unwrap();
    f.seek(SeekFrom::Start(0)).unwrap();
    let guest = f.try_clone().unwrap();
    (guest.into(), f)
}

#[test]
fn args_and_environ_exact_bytes() {
    let mut ctx = ctx_with(
        Version::Preview1,
        &["prog", "a b", ""],
        &["K=v", "E="],
        [devnull(), devnull(), devnull()],
    );
    let mut m = OwnedMemory::new(4096);
    let g = m.view();
    args_env::args_sizes_get(&mut ctx, &g, 0, 4).unwrap();
    assert_eq!((g.read_u32(0).unwrap(), g.read_u32(4).unwrap()), (3, 10));
    args_env::args_get(&mut ctx, &g, 100, 200).unwrap();
    let ptrs: Vec<u32> = (0..3).map(|i| g.read_u32(100 + i * 4).unwrap()).collect();
    assert_eq!(ptrs, [200, 205, 209]);
    assert_eq!(g.read_bytes(200, 10).unwrap(), b"prog\0a b\0\0");
    args_env::environ_sizes_get(&mut ctx, &g, 0, 4).unwrap();
    assert_eq!((g.read_u32(0).unwrap(), g.read_u32(4).unwrap()), (2, 7));
    args_env::environ_get(&mut ctx, &g, 300, 400).unwrap();
    assert_eq!(g.read_u32(304).unwrap(), 404);
    assert_eq!(g.read_bytes(400, 7).unwrap(), b"K=v\0E=\0");
}

#[test]
fn args_get_checks_both_ranges_before_writing() {
    let mut ctx = ctx_with(
        Version::Preview1,
        &["abc"],
        &[],
        [devnull(), devnull(), devnull()],
    );
    let mut m = OwnedMemory::new(256);
    let g = m.view();
    assert_eq!(
        args_env::args_get(&mut ctx, &g, 0, 253),
        Err(Errno::EOVERFLOW)
    );
    assert_eq!(
        args_env::args_get(&mut ctx, &g, 253, 0),
        Err(Errno::EOVERFLOW)
    );
    assert_eq!(
        args_env::args_sizes_get(&mut ctx, &g, 0, 253),
        Err(Errno::EOVERFLOW)
    );
    assert!(m.bytes().iter().all(|&b| b == 0), "nothing written");
}

#[test]
fn clocks_all_four_and_bad_ids() {
    let mut ctx = plain();
    let mut m = OwnedMemory::new(64);
    let g = m.view();
    for id in 0..4 {
        clock::clock_res_get(&mut ctx, &g, id, 0).unwrap();
        assert!(g.read_u64(0).unwrap() >= 1);
        clock::clock_time_get(&mut ctx, &g, id, 0, 8).unwrap();
        clock::clock_time_get(&mut ctx, &g, id, 0, 16).unwrap();
        assert!(
            g.read_u64(16).unwrap() >= g.read_u64(8).unwrap(),
            "clock {id}"
        );
    }
    for id in [4, 5, u32::MAX] {
        assert_eq!(
            clock::clock_res_get(&mut ctx, &g, id, 0),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            clock::clock_time_get(&mut ctx, &g, id, 0, 0),
            Err(Errno::EINVAL)
        );
    }
    // The result pointer is checked first, as node:wasi does.
    assert_eq!(
        clock::clock_time_get(&mut ctx, &g, 9, 0, 60),
        Err(Errno::EOVERFLOW)
    );
    assert_eq!(
        clock::clock_res_get(&mut ctx, &g, 9, 60),
        Err(Errno::EOVERFLOW)
    );
}

#[test]
fn random_get_fills_exactly_and_differs() {
    let mut ctx = plain();
    let mut m = OwnedMemory::new(1 << 21);
    let g = m.view();
    random::random_get(&mut ctx, &g, 16, 1 << 20).unwrap();
    random::random_get(&mut ctx, &g, (1 << 20) + 64, 32).unwrap();
    assert_eq!(random::random_get(&mut ctx, &g, 1 << 21, 0), Ok(()));
    assert_eq!(
        random::random_get(&mut ctx, &g, (1 << 21) - 4, 5),
        Err(Errno::EOVERFLOW)
    );
    let b = m.bytes();
    assert!(b[..16].iter().all(|&x| x == 0));
    assert!(b[16 + (1 << 20)..(1 << 20) + 64].iter().all(|&x| x == 0));
    for block in b[16..16 + (1 << 20)].chunks(4096) {
        assert!(block.iter().any(|&x| x != 0));
    }
    let mut seen = [false; 256];
    b[16..16 + (1 << 20)]
        .iter()
        .for_each(|&x| seen[x as usize] = true);
    assert!(seen.iter().all(|&s| s));
    // Another instance has its own stream.
    let mut other = plain();
    let mut m2 = OwnedMemory::new(64);
    random::random_get(&mut other, &m2.view(), 0, 32).unwrap();
    assert_ne!(
        &m2.bytes()[..32],
        &m.bytes()[(1 << 20) + 64..(1 << 20) + 96]
    );
}

#[test]
fn proc_raise_is_enosys_and_sched_yield_succeeds() {
    let mut ctx = plain();
    let mut m = OwnedMemory::new(8);
    let g = m.view();
    for sig in [0, 1, 9, 15, 30, 31, 100, u32::MAX] {
        assert_eq!(proc::proc_raise(&mut ctx, &g, sig), Err(Errno::ENOSYS));
    }
    assert_eq!(proc::sched_yield(&mut ctx, &g), Ok(()));
}

#[test]
fn fd_close_and_renumber_touch_only_the_guest_table() {
    let (out, mut out_check) = temp_file(b"");
    let (err, mut err_check) = temp_file(b"");
    let mut ctx = ctx_with(Version::Preview1, &[], &[], [devnull(), out, err]);
    let mut m = OwnedMemory::new(4096);
    let g = m.view();
    g.write_bytes(1000, b"hey").unwrap();
    set_iovs(&g, 0, &[(1000, 3)]);
    assert_eq!(fd::fd_renumber(&mut ctx, &g, 2, 5), Err(Errno::EBADF));
    assert_eq!(fd::fd_renumber(&mut ctx, &g, 5, 1), Err(Errno::EBADF));
    fd::fd_renumber(&mut ctx, &g, 2, 1).unwrap();
    fd::fd_write(&mut ctx, &g, 1, 0, 1, 100).unwrap();
    assert_eq!(fd::fd_write(&mut ctx, &g, 2, 0, 1, 100), Err(Errno::EBADF));
    fd::fd_close(&mut ctx, &g, 1).unwrap();
    assert_eq!(fd::fd_close(&mut ctx, &g, 1), Err(Errno::EBADF));
    assert_eq!(read_all(&mut err_check), b"hey");
    assert_eq!(read_all(&mut out_check), b"");
    // The checking handles (other descriptors of the same files) still work.
    out_check.write_all(b"host").unwrap();
    assert_eq!(read_all(&mut out_check), b"host");
}

#[test]
fn fdstat_flags_filestat_and_prestat_on_stdio() {
    let (file, check) = temp_file(b"twelve bytes");
    let mut ctx = ctx_with(Version::Preview1, &[], &[], [devnull(), file, devnull()]);
    let mut m = OwnedMemory::new(4096);
    let g = m.view();
    fd::fd_fdstat_get(&mut ctx, &g, 0, 0).unwrap();
    assert_eq!(
        g.read_u8(0).unwrap(),
        crate::abi::filetype::CHARACTER_DEVICE
    );
    fd::fd_fdstat_get(&mut ctx, &g, 1, 0).unwrap();
    assert_eq!(g.read_u8(0).unwrap(), crate::abi::filetype::REGULAR_FILE);
    assert_eq!(g.read_u16(2).unwrap(), 0);
    fd::fd_fdstat_set_flags(&mut ctx, &g, 1, 1).unwrap();
    fd::fd_fdstat_get(&mut ctx, &g, 1, 0).unwrap();
    assert_eq!(g.read_u16(2).unwrap(), 1);
    // The guest's APPEND stays its own: the description it shares with the host's fd (here
    // `check`, a duplicate of the same description) is not put in append mode.
    let host_flags = rustix::fs::fcntl_getfl(&check).unwrap();
    assert!(!host_flags.contains(rustix::fs::OFlags::APPEND));
    assert_eq!(
        fd::fd_fdstat_set_flags(&mut ctx, &g, 1, 2),
        Err(Errno::ENOTSUP)
    );
    assert_eq!(
        fd::fd_fdstat_set_flags(&mut ctx, &g, 1, 0x20),
        Err(Errno::EINVAL)
    );
    fd::fd_filestat_get(&mut ctx, &g, 1, 100).unwrap();
    assert_eq!(g.read_u64(132).unwrap(), 12, "size at 32");
    assert_eq!(g.read_u8(116).unwrap(), crate::abi::filetype::REGULAR_FILE);
    use std::os::unix::fs::MetadataExt;
    assert_eq!(g.read_u64(108).unwrap(), check.metadata().unwrap().ino());
    for f in [0, 1, 2, 3, 99] {
        let want = Err(Errno::EBADF);
        assert_eq!(fd::fd_prestat_get(&mut ctx, &g, f, 200), want, "fd {f}");
    }
}

#[test]
fn unstable_filestat_and_whence() {
    let (file, check) = temp_file(b"abcdef");
    let mut ctx = ctx_with(Version::Unstable, &[], &[], [devnull(), file, devnull()]);
    let mut m = OwnedMemory::new(4096);
    let g = m.view();
    g.write_bytes(100, &[0xee; 64]).unwrap();
    fd::fd_filestat_get(&mut ctx, &g, 1, 100).unwrap();
    use std::os::unix::fs::MetadataExt;
    // An unnamed temporary file has no links: nlink 0, from the host.
    let nlink = check.metadata().unwrap().nlink();
    assert_eq!(g.read_u32(120).unwrap() as u64, nlink, "nlink u32 at 20");
    assert_eq!(g.read_u64(100).unwrap(), check.metadata().unwrap().dev());
    assert_eq!(g.read_u64(124).unwrap(), 6, "size at 24");
    assert_eq!(g.read_u8(156).unwrap(), 0xee, "56 bytes only");
    fd::fd_seek(&mut ctx, &g, 1, 4, 2, 0).unwrap();
    assert_eq!(g.read_u64(0).unwrap(), 4, "SET is 2");
    fd::fd_seek(&mut ctx, &g, 1, 1, 0, 0).unwrap();
    assert_eq!(g.read_u64(0).unwrap(), 5, "CUR is 0");
    fd::fd_seek(&mut ctx, &g, 1, 0, 1, 0).unwrap();
    assert_eq!(g.read_u64(0).unwrap(), 6, "END is 1");
}

fn clock_sub(g: &GuestMemory, at: u32, userdata: u64, id: u32, timeout: u64, flags: u16) {
    g.write_bytes(at, &[0; 48]).unwrap();
    g.write_u64(at, userdata).unwrap();
    g.write_u32(at + 16, id).unwrap();
    g.write_u64(at + 24, timeout).unwrap();
    g.write_u16(at + 40, flags).unwrap();
}

fn fd_sub(g: &GuestMemory, at: u32, userdata: u64, tag: u8, fd: u32) {
    g.write_bytes(at, &[0; 48]).unwrap();
    g.write_u64(at, userdata).unwrap();
    g.write_u8(at + 8, tag).unwrap();
    g.write_u32(at + 16, fd).unwrap();
}

/// (userdata, error, type, nbytes, flags) of each event.
fn events(g: &GuestMemory, at: u32, n: u32) -> Vec<(u64, u16, u8, u64, u16)> {
    (0..n)
        .map(|i| {
            let p = at + i * 32;
            (
                g.read_u64(p).unwrap(),
                g.read_u16(p + 8).unwrap(),
                g.read_u8(p + 10).unwrap(),
                g.read_u64(p + 16).unwrap(),
                g.read_u16(p + 24).unwrap(),
            )
        })
        .collect()
}

#[test]
fn poll_clocks_relative_absolute_and_errors() {
    let mut ctx = plain();
    let mut m = OwnedMemory::new(8192);
    let g = m.view();
    assert_eq!(
        poll::poll_oneoff(&mut ctx, &g, 0, 1000, 0, 900),
        Err(Errno::EINVAL)
    );
    for id in 0..4 {
        clock_sub(&g, 0, 40 + id as u64, id, 100_000, 0);
        poll::poll_oneoff(&mut ctx, &g, 0, 1000, 1, 900).unwrap();
        assert_eq!(g.read_u32(900).unwrap(), 1);
        assert_eq!(events(&g, 1000, 1), [(40 + id as u64, 0, 0, 0, 0)]);
        // Absolute and already past: at once.
        clock_sub(&g, 0, 7, id, 1, 1);
        poll::poll_oneoff(&mut ctx, &g, 0, 1000, 1, 900).unwrap();
        assert_eq!(events(&g, 1000, 1), [(7, 0, 0, 0, 0)]);
    }
    // A bad clock id is an error event, returned without waiting for the long clock.
    clock_sub(&g, 0, 1, 1, 60_000_000_000, 0);
    clock_sub(&g, 48, 2, 77, 10, 0);
    poll::poll_oneoff(&mut ctx, &g, 0, 1000, 2, 900).unwrap();
    assert_eq!(g.read_u32(900).unwrap(), 1);
    assert_eq!(events(&g, 1000, 1), [(2, Errno::EINVAL.0, 0, 0, 0)]);
    // An unknown eventtype tag is an EINVAL event too.
    fd_sub(&g, 0, 3, 9, 0);
    poll::poll_oneoff(&mut ctx, &g, 0, 1000, 1, 900).unwrap();
    assert_eq!(events(&g, 1000, 1)[0].1, Errno::EINVAL.0);
}

#[test]
fn poll_fds_files_sockets_and_hangup() {
    let (file, _check) = temp_file(b"0123456789");
    let (mine, mut peer) = UnixStream::pair().unwrap();
    let mut ctx = ctx_with(Version::Preview1, &[], &[], [mine.into(), file, devnull()]);
    let mut m = OwnedMemory::new(8192);
    let g = m.view();
    // A socket with nothing to read is not ready; the file is ready with 10 bytes.
    fd_sub(&g, 0, 1, 1, 0);
    fd_sub(&g, 48, 2, 1, 1);
    fd_sub(&g, 96, 3, 2, 1);
    fd_sub(&g, 144, 4, 1, 42);
    poll::poll_oneoff(&mut ctx, &g, 0, 1000, 4, 900).unwrap();
    let mut got = events(&g, 1000, g.read_u32(900).unwrap());
    got.sort();
    assert_eq!(
        got,
        [
            (2, 0, 1, 10, 0),
            (3, 0, 2, 0, 0),
            (4, Errno::EBADF.0, 1, 0, 0)
        ]
    );
    // Data waiting on the socket: readable with nbytes.
    peer.write_all(b"xyz").unwrap();
    poll::poll_oneoff(&mut ctx, &g, 0, 1000, 1, 900).unwrap();
    assert_eq!(events(&g, 1000, 1), [(1, 0, 1, 3, 0)]);
    // A guest-NONBLOCK read with nothing waiting on a blocking host socket: EAGAIN.
    set_iovs(&g, 4000, &[(4100, 16)]);
    fd::fd_read(&mut ctx, &g, 0, 4000, 1, 4200).unwrap();
    assert_eq!(g.read_u32(4200).unwrap(), 3);
    fd::fd_fdstat_set_flags(&mut ctx, &g, 0, 4).unwrap();
    assert_eq!(
        fd::fd_read(&mut ctx, &g, 0, 4000, 1, 4200),
        Err(Errno::EAGAIN)
    );
    fd::fd_fdstat_set_flags(&mut ctx, &g, 0, 0).unwrap();
    // The peer gone: readable with the hangup flag.
    drop(peer);
    poll::poll_oneoff(&mut ctx, &g, 0, 1000, 1, 900).unwrap();
    assert_eq!(events(&g, 1000, 1), [(1, 0, 1, 0, 1)]);
}

#[test]
fn poll_unstable_clock_layout() {
    let mut ctx = ctx_with(
        Version::Unstable,
        &[],
        &[],
        [devnull(), devnull(), devnull()],
    );
    let mut m = OwnedMemory::new(4096);
    let g = m.view();
    g.write_u64(0, 99).unwrap();
    g.write_u64(16, 0xdead).unwrap(); // identifier
    g.write_u32(24, 1).unwrap();
    g.write_u64(32, 1000).unwrap();
    poll::poll_oneoff(&mut ctx, &g, 0, 1000, 1, 900).unwrap();
    assert_eq!(events(&g, 1000, 1), [(99, 0, 0, 0, 0)]);
}

#[test]
fn sockets_on_stdio_and_not_sockets() {
    let (mine, mut peer) = UnixStream::pair().unwrap();
    let (file, _check) = temp_file(b"data");
    let mut ctx = ctx_with(Version::Preview1, &[], &[], [mine.into(), file, devnull()]);
    let mut m = OwnedMemory::new(4096);
    let g = m.view();
    peer.write_all(b"ping").unwrap();
    set_iovs(&g, 0, &[(1000, 2), (2000, 8)]);
    // PEEK leaves the data queued.
    sock::sock_recv(&mut ctx, &g, 0, 0, 2, 1, 100, 104).unwrap();
    assert_eq!(g.read_u32(100).unwrap(), 4);
    sock::sock_recv(&mut ctx, &g, 0, 0, 2, 0, 100, 104).unwrap();
    assert_eq!(g.read_u32(100).unwrap(), 4);
    assert_eq!(g.read_u16(104).unwrap(), 0);
    assert_eq!(g.read_bytes(1000, 2).unwrap(), b"pi");
    assert_eq!(g.read_bytes(2000, 2).unwrap(), b"ng");
    g.write_bytes(3000, b"pong").unwrap();
    set_iovs(&g, 0, &[(3000, 4)]);
    sock::sock_send(&mut ctx, &g, 0, 0, 1, 0, 100).unwrap();
    assert_eq!(g.read_u32(100).unwrap(), 4);
    let mut got = [0u8; 4];
    peer.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"pong");
    assert_eq!(
        sock::sock_send(&mut ctx, &g, 0, 0, 1, 1, 100),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        sock::sock_recv(&mut ctx, &g, 0, 0, 1, 8, 100, 104),
        Err(Errno::EINVAL)
    );
    sock::sock_shutdown(&mut ctx, &g, 0, 2).unwrap();
    let mut rest = Vec::new();
    peer.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty(), "the peer sees EOF after SHUT_WR");
    // A connected socket is not listening: accept is EINVAL from the host.
    assert_eq!(
        sock::sock_accept(&mut ctx, &g, 0, 0, 100),
        Err(Errno::EINVAL)
    );
    for f in [1, 2] {
        assert_eq!(
            sock::sock_accept(&mut ctx, &g, f, 0, 100),
            Err(Errno::ENOTSOCK)
        );
        assert_eq!(
            sock::sock_recv(&mut ctx, &g, f, 0, 1, 0, 100, 104),
            Err(Errno::ENOTSOCK)
        );
        assert_eq!(
            sock::sock_send(&mut ctx, &g, f, 0, 1, 0, 100),
            Err(Errno::ENOTSOCK)
        );
        assert_eq!(
            sock::sock_shutdown(&mut ctx, &g, f, 3),
            Err(Errno::ENOTSOCK)
        );
    }
    assert_eq!(sock::sock_shutdown(&mut ctx, &g, 9, 3), Err(Errno::EBADF));
    assert_eq!(
        sock::sock_recv(&mut ctx, &g, 9, 0, 1, 0, 100, 104),
        Err(Errno::EBADF)
    );
}

#[test]
fn sock_accept_on_a_listening_socket() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    let listener = UnixListener::bind(&path).unwrap();
    let mut ctx = ctx_with(
        Version::Preview1,
        &[],
        &[],
        [listener.into(), devnull(), devnull()],
    );
    let mut m = OwnedMemory::new(4096);
    let g = m.view();
    let mut client = UnixStream::connect(&path).unwrap();
    sock::sock_accept(&mut ctx, &g, 0, 0, 100).unwrap();
    let conn = g.read_u32(100).unwrap();
    assert_eq!(conn, 3, "the lowest free fd");
    fd::fd_fdstat_get(&mut ctx, &g, conn, 200).unwrap();
    assert_eq!(g.read_u8(200).unwrap(), crate::abi::filetype::SOCKET_STREAM);
    client.write_all(b"hi").unwrap();
    set_iovs(&g, 0, &[(1000, 8)]);
    sock::sock_recv(&mut ctx, &g, conn, 0, 1, 0, 104, 108).unwrap();
    assert_eq!(g.read_u32(104).unwrap(), 2);
    // A guest-NONBLOCK listener (its host socket still blocking) with nobody waiting:
    // EAGAIN, not a hang; the accepted fd gets the flags asked for.
    fd::fd_fdstat_set_flags(&mut ctx, &g, 0, 4).unwrap();
    assert_eq!(
        sock::sock_accept(&mut ctx, &g, 0, 0, 100),
        Err(Errno::EAGAIN)
    );
    let _second = UnixStream::connect(&path).unwrap();
    sock::sock_accept(&mut ctx, &g, 0, 4, 100).unwrap();
    let conn2 = g.read_u32(100).unwrap();
    fd::fd_fdstat_get(&mut ctx, &g, conn2, 200).unwrap();
    assert_eq!(g.read_u16(202).unwrap(), 4);
    assert_eq!(
        sock::sock_recv(&mut ctx, &g, conn2, 0, 1, 0, 104, 108),
        Err(Errno::EAGAIN)
    );
    assert_eq!(
        sock::sock_accept(&mut ctx, &g, 0, 1, 100),
        Err(Errno::EINVAL)
    );
}

/// A terminal on stdin (a pseudo-terminal's master end, a tty on Linux) is a character device
/// without seek and tell, which is how a guest's isatty knows it; seeking is ESPIPE. The null
/// device next to it is a character device that keeps them.
#[test]
fn a_terminal_has_no_seek_rights_the_null_device_has() {
    let tty: OwnedFd = File::options()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open("/dev/ptmx")
        .expect("/dev/ptmx (this test needs a pseudo-terminal)")
        .into();
    assert!(rustix::termios::isatty(&tty));
    let mut ctx = ctx_with(Version::Preview1, &[], &[], [tty, devnull(), devnull()]);
    let mut m = OwnedMemory::new(4096);
    let g = m.view();
    let seek_tell = crate::abi::rights::FD_SEEK | crate::abi::rights::FD_TELL;
    for (fd, rights) in [(0, 0), (1, seek_tell)] {
        fd::fd_fdstat_get(&mut ctx, &g, fd, 0).unwrap();
        assert_eq!(
            g.read_u8(0).unwrap(),
            crate::abi::filetype::CHARACTER_DEVICE
        );
        assert_eq!(g.read_u64(8).unwrap() & seek_tell, rights, "fd {fd}");
    }
    assert_eq!(fd::fd_seek(&mut ctx, &g, 0, 0, 0, 100), Err(Errno::ESPIPE));
    assert_eq!(fd::fd_tell(&mut ctx, &g, 0, 100), Err(Errno::ESPIPE));
    fd::fd_seek(&mut ctx, &g, 1, 0, 0, 100).unwrap();
    fd::fd_tell(&mut ctx, &g, 1, 100).unwrap();
}
