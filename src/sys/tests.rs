//! The same expectations for every platform's `sys` (run natively and, for Windows, under
//! wine: scripts/test-windows.sh); the few real differences are cfg'd and say why.

use super::*;
use crate::abi::{fdflags, filetype};
use std::fs::File;
use std::io::{Read, SeekFrom, Write};

fn file_with(content: &[u8]) -> (tempfile::TempDir, File) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    std::fs::write(&path, content).unwrap();
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .unwrap();
    (dir, f)
}

#[test]
fn times_are_validated() {
    use crate::abi::fstflags::*;
    assert_eq!(times(1, 2, 0).unwrap(), (Time::Omit, Time::Omit));
    assert_eq!(
        times(1, 2, (ATIM | MTIM_NOW) as u32).unwrap(),
        (Time::At(1), Time::Now)
    );
    assert_eq!(times(1, 2, (ATIM | ATIM_NOW) as u32), Err(Errno::EINVAL));
    assert_eq!(times(1, 2, (MTIM | MTIM_NOW) as u32), Err(Errno::EINVAL));
    assert_eq!(times(1, 2, 1 << 4), Err(Errno::EINVAL));
}

#[test]
fn filestat_size_links_and_identity() {
    let (_d, f) = file_with(b"hello");
    let st = filestat(&f, filetype::REGULAR_FILE).unwrap();
    assert_eq!(st.size, 5);
    assert_eq!(st.nlink, 1);
    assert_eq!(st.filetype, filetype::REGULAR_FILE);
    assert_ne!(st.ino, 0);
    // The same file through another handle has the same identity.
    let again = f.try_clone().unwrap();
    let st2 = filestat(&again, filetype::REGULAR_FILE).unwrap();
    assert_eq!((st2.dev, st2.ino), (st.dev, st.ino));
}

#[test]
fn filestat_of_a_directory_handle() {
    let d = tempfile::tempdir().unwrap();
    let dir = cap_std::fs::Dir::open_ambient_dir(d.path(), cap_std::ambient_authority()).unwrap();
    let st = filestat(&dir, filetype::DIRECTORY).unwrap();
    assert_eq!(st.filetype, filetype::DIRECTORY);
    assert_ne!(st.ino, 0);
}

#[test]
fn seek_and_tell() {
    let (_d, mut f) = file_with(b"hello");
    assert_eq!(seek(&f, SeekFrom::End(0)).unwrap(), 5);
    assert_eq!(tell(&f).unwrap(), 5);
    assert_eq!(seek(&f, SeekFrom::Start(1)).unwrap(), 1);
    assert_eq!(seek(&f, SeekFrom::Current(2)).unwrap(), 3);
    let mut rest = String::new();
    f.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "lo");
    assert_eq!(seek(&f, SeekFrom::Current(-100)), Err(Errno::EINVAL));
    assert_eq!(tell(&f).unwrap(), 5);
}

#[test]
fn set_size_grows_with_zeros_and_shrinks() {
    let (_d, mut f) = file_with(b"hello");
    set_size(&f, 8).unwrap();
    assert_eq!(filestat(&f, filetype::REGULAR_FILE).unwrap().size, 8);
    let mut all = Vec::new();
    seek(&f, SeekFrom::Start(0)).unwrap();
    f.read_to_end(&mut all).unwrap();
    assert_eq!(all, b"hello\0\0\0");
    set_size(&f, 2).unwrap();
    assert_eq!(filestat(&f, filetype::REGULAR_FILE).unwrap().size, 2);
}

#[test]
fn set_times_exact_omit_and_now() {
    let (_d, f) = file_with(b"x");
    // Whole seconds plus a multiple of 100 ns: exact on every host's timestamp precision.
    let a = 1_000_000_000 * 1_500_000_000 + 300;
    let m = 1_000_000_000 * 1_600_000_000 + 700;
    set_times(&f, Time::At(a), Time::At(m)).unwrap();
    let st = filestat(&f, filetype::REGULAR_FILE).unwrap();
    assert_eq!((st.atim, st.mtim), (a, m));
    set_times(&f, Time::Omit, Time::Omit).unwrap();
    let st = filestat(&f, filetype::REGULAR_FILE).unwrap();
    assert_eq!((st.atim, st.mtim), (a, m));
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    set_times(&f, Time::Omit, Time::Now).unwrap();
    let st = filestat(&f, filetype::REGULAR_FILE).unwrap();
    assert_eq!(st.atim, a);
    // "Now" is at least a second past the fixed 2020 value and within a minute of the clock.
    assert!(st.mtim > m + 1_000_000_000);
    assert!(
        st.mtim.abs_diff(before) < 60_000_000_000,
        "{} vs {}",
        st.mtim,
        before
    );
}

#[test]
fn sync_datasync_and_advise() {
    let (_d, mut f) = file_with(b"");
    f.write_all(b"data").unwrap();
    sync(&f).unwrap();
    datasync(&f).unwrap();
    advise(&f, 0, 4, crate::abi::advice::SEQUENTIAL).unwrap();
    assert_eq!(filestat(&f, filetype::REGULAR_FILE).unwrap().size, 4);
}

#[test]
fn allocate_grows_and_never_shrinks() {
    let (_d, f) = file_with(b"0123456789");
    allocate(&f, 2, 3).unwrap();
    assert_eq!(filestat(&f, filetype::REGULAR_FILE).unwrap().size, 10);
    allocate(&f, 8, 8).unwrap();
    assert_eq!(filestat(&f, filetype::REGULAR_FILE).unwrap().size, 16);
}

#[test]
fn append_flag() {
    let (_d, f) = file_with(b"abc");
    assert!(!is_append(&f));
    assert_eq!(set_file_flags(&f, 0, fdflags::NONBLOCK), Ok(()));
    let r = set_file_flags(&f, 0, fdflags::APPEND);
    #[cfg(unix)]
    {
        assert_eq!(r, Ok(()));
        assert!(is_append(&f));
        let mut w = &f;
        seek(&f, SeekFrom::Start(0)).unwrap();
        w.write_all(b"d").unwrap();
        assert_eq!(filestat(&f, filetype::REGULAR_FILE).unwrap().size, 4);
        set_file_flags(&f, fdflags::APPEND, 0).unwrap();
        assert!(!is_append(&f));
    }
    // Windows fixes append mode when the handle is opened.
    #[cfg(windows)]
    assert_eq!(r, Err(Errno::ENOTSUP));
}

#[test]
fn clocks() {
    use crate::abi::clockid;
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let rt = clock_now(clockid::REALTIME).unwrap();
    assert!(rt.abs_diff(wall) < 5_000_000_000, "{rt} vs {wall}");
    let a = clock_now(clockid::MONOTONIC).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let b = clock_now(clockid::MONOTONIC).unwrap();
    assert!(b >= a + 20_000_000, "{a} then {b}");
    for id in [clockid::REALTIME, clockid::MONOTONIC] {
        let r = clock_res(id).unwrap();
        assert!((1..=1_000_000).contains(&r), "{id}: {r}");
    }
    assert_eq!(clock_now(4), Err(Errno::EINVAL));
    assert_eq!(clock_res(4), Err(Errno::EINVAL));
    for id in [clockid::PROCESS_CPUTIME_ID, clockid::THREAD_CPUTIME_ID] {
        #[cfg(unix)]
        assert!(clock_res(id).unwrap() >= 1 && clock_now(id).is_ok());
        #[cfg(windows)]
        assert_eq!(
            (clock_now(id), clock_res(id)),
            (Err(Errno::ENOTSUP), Err(Errno::ENOTSUP))
        );
    }
}

#[test]
fn filetypes_of_open_files() {
    let (d, f) = file_with(b"x");
    assert_eq!(filetype(&f), Ok(filetype::REGULAR_FILE));
    let dir = cap_std::fs::Dir::open_ambient_dir(d.path(), cap_std::ambient_authority()).unwrap();
    assert_eq!(filetype(&dir), Ok(filetype::DIRECTORY));
    #[cfg(unix)]
    let null = File::open("/dev/null").unwrap();
    #[cfg(windows)]
    let null = File::open("NUL").unwrap();
    assert_eq!(filetype(&null), Ok(filetype::CHARACTER_DEVICE));
    // A pipe has no WASI filetype of its own.
    let (r, _w) = std::io::pipe().unwrap();
    assert_eq!(filetype(&r), Ok(filetype::UNKNOWN));
}

#[test]
fn a_file_opened_for_appending_says_so() {
    let (d, _f) = file_with(b"abc");
    let f = std::fs::OpenOptions::new()
        .append(true)
        .open(d.path().join("f"))
        .unwrap();
    assert!(is_append(&f));
    let (_d2, plain) = file_with(b"abc");
    assert!(!is_append(&plain));
}
