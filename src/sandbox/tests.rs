//! Sandbox unit tests: path checks and escapes, each checking the host side afterwards.

use super::*;
use crate::abi::filetype;
use std::fs;

struct Fixture {
    _tmp: tempfile::TempDir,
    /// The preopen's host directory: `<tmp>/sandbox`.
    root: std::path::PathBuf,
    /// A sibling outside the sandbox: `<tmp>/outside`.
    outside: std::path::PathBuf,
    dir: Dir,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("sandbox");
    let outside = tmp.path().join("outside");
    fs::create_dir(&root).unwrap();
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("secret"), b"secret").unwrap();
    fs::create_dir(tmp.path().join("sandboxXYZ")).unwrap();
    fs::write(tmp.path().join("sandboxXYZ/f"), b"xyz").unwrap();
    let dir = crate::ctx::open_preopen("/", root.to_str().unwrap())
        .unwrap()
        .dir;
    Fixture {
        _tmp: tmp,
        root,
        outside,
        dir,
    }
}

fn ln(target: &str, at: &std::path::Path) {
    std::os::unix::fs::symlink(target, at).unwrap();
}

#[test]
fn path_text_checks() {
    assert_eq!(check_path(b"a\0").unwrap_err(), Errno::EINVAL);
    assert_eq!(check_path(b"a\0b").unwrap_err(), Errno::EINVAL);
    assert_eq!(check_path(b"a\xff").unwrap_err(), Errno::EILSEQ);
    assert_eq!(check_path(b"").unwrap_err(), Errno::ENOENT);
    assert_eq!(check_path(b"/etc/passwd").unwrap_err(), Errno::ENOTCAPABLE);
    assert_eq!(check_path(b"..").unwrap_err(), Errno::ENOTCAPABLE);
    assert_eq!(check_path(b"a/../../b").unwrap_err(), Errno::ENOTCAPABLE);
    assert_eq!(
        check_path(b"../sandboxXYZ/f").unwrap_err(),
        Errno::ENOTCAPABLE
    );
    assert_eq!(check_path(b"a/./b/../c").unwrap(), "a/./b/../c");
    assert_eq!(check_path(b"a/..").unwrap(), "a/..");
}

#[test]
fn too_long_path_is_refused_before_copying() {
    let mut mem = crate::memory::OwnedMemory::new(65536);
    let view = mem.view();
    let mut buf = PathBuf::new();
    assert_eq!(
        read_path(&view, 0, PATH_MAX as u32 + 1, &mut buf).unwrap_err(),
        Errno::ENAMETOOLONG
    );
    assert_eq!(
        read_path(&view, 65530, 100, &mut buf).unwrap_err(),
        Errno::EOVERFLOW
    );
}

#[test]
fn middle_symlink_out_is_refused() {
    let f = fixture();
    ln(f.outside.to_str().unwrap(), &f.root.join("abs"));
    ln("../outside", &f.root.join("rel"));
    for p in ["abs/secret", "rel/secret"] {
        for follow in [false, true] {
            assert_eq!(
                open(&f.dir, p, follow, OFlags::RDONLY).unwrap_err(),
                Errno::EPERM,
                "{p}"
            );
            assert_eq!(stat(&f.dir, p, follow).unwrap_err(), Errno::EPERM, "{p}");
        }
        assert_eq!(unlink(&f.dir, p).unwrap_err(), Errno::EPERM);
        assert_eq!(
            create_dir(&f.dir, &format!("{p}x")).unwrap_err(),
            Errno::EPERM
        );
    }
    assert!(f.outside.join("secret").exists());
    assert!(!f.outside.join("secretx").exists());
}

#[test]
fn final_symlink_without_follow_is_not_followed() {
    let f = fixture();
    ln("../outside/secret", &f.root.join("s"));
    ln("../outside", &f.root.join("d"));
    assert_eq!(
        open(&f.dir, "s", false, OFlags::RDONLY).unwrap_err(),
        Errno::ELOOP
    );
    assert_eq!(
        open(&f.dir, "s", true, OFlags::RDONLY).unwrap_err(),
        Errno::EPERM
    );
    // A trailing slash does not switch following on.
    assert_ne!(open(&f.dir, "d/", false, OFlags::RDONLY).map(drop), Ok(()));
    assert_eq!(
        stat(&f.dir, "s", false).unwrap().filetype,
        filetype::SYMBOLIC_LINK
    );
    assert_eq!(
        stat(&f.dir, "d", false).unwrap().filetype,
        filetype::SYMBOLIC_LINK
    );
    assert!(stat(&f.dir, "d/", false).is_err());
    assert_eq!(stat(&f.dir, "s", true).unwrap_err(), Errno::EPERM);
}

#[test]
fn dangling_symlink_with_creat_creates_nothing_outside() {
    let f = fixture();
    ln("../outside/new", &f.root.join("dangling"));
    let fl = OFlags::WRONLY | OFlags::CREATE;
    assert_eq!(
        open(&f.dir, "dangling", false, fl).unwrap_err(),
        Errno::ELOOP
    );
    assert_eq!(
        open(&f.dir, "dangling", true, fl).unwrap_err(),
        Errno::EPERM
    );
    assert!(!f.outside.join("new").exists());
}

#[test]
fn dot_chain_escape_is_refused() {
    let f = fixture();
    ln(".", &f.root.join("s"));
    ln("s/../outside/secret", &f.root.join("e"));
    assert_eq!(
        open(&f.dir, "e", true, OFlags::RDONLY).unwrap_err(),
        Errno::EPERM
    );
    assert_eq!(stat(&f.dir, "e", true).unwrap_err(), Errno::EPERM);
    assert_eq!(
        check_path(b"s/../../outside/secret").unwrap_err(),
        Errno::ENOTCAPABLE
    );
}

#[test]
fn symlink_loop_is_eloop() {
    let f = fixture();
    ln("b", &f.root.join("a"));
    ln("a", &f.root.join("b"));
    assert_eq!(
        open(&f.dir, "a", true, OFlags::RDONLY).unwrap_err(),
        Errno::ELOOP
    );
    assert_eq!(stat(&f.dir, "a/x", false).unwrap_err(), Errno::ELOOP);
}

#[test]
fn dotdot_that_returns_is_fine() {
    let f = fixture();
    fs::create_dir(f.root.join("a")).unwrap();
    fs::write(f.root.join("f"), b"in").unwrap();
    let fd = open(&f.dir, "a/../f", false, OFlags::RDONLY).unwrap();
    assert_eq!(host::filetype_of(&fd).unwrap(), filetype::REGULAR_FILE);
}

#[test]
fn mutations_stay_inside() {
    let f = fixture();
    fs::write(f.root.join("f"), b"in").unwrap();
    ln("../outside", &f.root.join("out"));
    assert_eq!(
        link(&f.dir, "f", false, &f.dir, "out/linked").unwrap_err(),
        Errno::EPERM
    );
    assert_eq!(
        rename(&f.dir, "f", &f.dir, "out/moved").unwrap_err(),
        Errno::EPERM
    );
    assert_eq!(
        rename(&f.dir, "out/secret", &f.dir, "stolen").unwrap_err(),
        Errno::EPERM
    );
    assert!(remove_dir(&f.dir, "out/").is_err());
    fs::create_dir(f.root.join("d")).unwrap();
    ln("d", &f.root.join("dl"));
    assert!(remove_dir(&f.dir, "dl/").is_err());
    assert!(f.root.join("d").is_dir());
    assert_eq!(symlink("/etc", &f.dir, "abs").unwrap_err(), Errno::EPERM);
    // Removing the symlink removes the link, never its target.
    unlink(&f.dir, "out").unwrap();
    assert!(f.outside.join("secret").exists());
    assert!(!f.outside.join("linked").exists() && !f.outside.join("moved").exists());
    assert!(f.root.join("f").exists());
}

#[test]
fn set_times_keeps_nanoseconds_and_never_follows_out() {
    let f = fixture();
    fs::write(f.root.join("f"), b"in").unwrap();
    ln("../outside/secret", &f.root.join("s"));
    let t = rustix::fs::Timespec {
        tv_sec: 1_000_000_000,
        tv_nsec: 123_456_789,
    };
    let ts = Timestamps {
        last_access: t,
        last_modification: t,
    };
    set_times(&f.dir, "f", false, &ts).unwrap();
    let st = stat(&f.dir, "f", false).unwrap();
    assert_eq!(st.mtim, 1_000_000_000_123_456_789);
    assert_eq!(st.atim, 1_000_000_000_123_456_789);
    let before = fs::metadata(f.outside.join("secret"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(set_times(&f.dir, "s", true, &ts).unwrap_err(), Errno::EPERM);
    let after = fs::metadata(f.outside.join("secret"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after);
}

#[test]
fn long_paths_are_copied_whole() {
    let f = fixture();
    fs::write(f.root.join("f"), b"in").unwrap();
    let long = format!("{}f", "./".repeat(1000));
    let mut mem = crate::memory::OwnedMemory::new(65536);
    mem.bytes_mut()[..long.len()].copy_from_slice(long.as_bytes());
    let view = mem.view();
    let mut buf = PathBuf::new();
    let p = read_path(&view, 0, long.len() as u32, &mut buf).unwrap();
    assert_eq!(p, long);
    assert_eq!(stat(&f.dir, p, false).unwrap().size, 2);
    // The same scratch serves a short path afterwards.
    let p = read_path(&view, 1998, 3, &mut buf).unwrap();
    assert_eq!(p, "./f");
}

#[test]
fn random_paths_never_panic_or_touch_outside() {
    let f = fixture();
    fs::create_dir(f.root.join("a")).unwrap();
    ln(".", &f.root.join("s"));
    ln("../outside", &f.root.join("out"));
    ln("s/../outside/secret", &f.root.join("e"));
    let parts: [&[u8]; 10] = [
        b"a", b"..", b".", b"/", b"s", b"out", b"e", b"secret", b"\xff", b"x",
    ];
    let mut seed = 0x9e3779b97f4a7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let before: Vec<_> = fs::read_dir(&f.outside)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    for _ in 0..3000 {
        let mut p = Vec::new();
        for _ in 0..(1 + next() % 6) {
            p.extend_from_slice(parts[(next() % parts.len() as u64) as usize]);
            if next() % 2 == 0 {
                p.push(b'/');
            }
        }
        let Ok(path) = check_path(&p) else { continue };
        let follow = next() % 2 == 0;
        let _ = stat(&f.dir, path, follow);
        let _ = open(&f.dir, path, follow, OFlags::RDONLY);
        let _ = open(&f.dir, path, follow, OFlags::WRONLY | OFlags::CREATE);
        let _ = create_dir(&f.dir, path);
        let _ = symlink("x", &f.dir, path);
        let _ = readlink(&f.dir, path);
        let _ = set_times(
            &f.dir,
            path,
            follow,
            &Timestamps {
                last_access: rustix::fs::Timespec {
                    tv_sec: 1,
                    tv_nsec: 0,
                },
                last_modification: rustix::fs::Timespec {
                    tv_sec: 1,
                    tv_nsec: 0,
                },
            },
        );
    }
    let after: Vec<_> = fs::read_dir(&f.outside)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after, "nothing created or removed outside");
    assert_eq!(fs::read(f.outside.join("secret")).unwrap(), b"secret");
    let m = fs::metadata(f.outside.join("secret")).unwrap();
    assert_ne!(
        m.modified().unwrap(),
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(1)
    );
}

/// `stat_two` answers exactly as the walk (`stat`) does, result or errno, over a matrix of
/// `dir/name` paths (in-tree and escaping symlinks at either place, files where a directory
/// is expected, missing and over-long names), with one kept child carried across all calls
/// and the tree changed under it between rounds.
#[cfg(target_os = "linux")]
#[test]
fn stat_two_answers_as_the_walk() {
    let f = fixture();
    let r = &f.root;
    fs::create_dir(r.join("d")).unwrap();
    fs::write(r.join("d/f"), b"12345").unwrap();
    fs::create_dir(r.join("d/sub")).unwrap();
    ln("f", &r.join("d/lf"));
    ln("../../outside/secret", &r.join("d/out"));
    ln("nowhere", &r.join("d/dangling"));
    ln("d", &r.join("ld"));
    ln(f.outside.to_str().unwrap(), &r.join("abs"));
    ln("../outside", &r.join("rel"));
    ln("loop", &r.join("loop"));
    fs::write(r.join("file"), b"x").unwrap();
    let long = "n".repeat(300);
    let names = [
        "f", "sub", "lf", "out", "dangling", "secret", "missing", &long,
    ];
    let dirs = ["d", "ld", "abs", "rel", "loop", "file", "missing", &long];
    let mut child = None;
    let round = |child: &mut Option<ChildDir>, label: &str| {
        let mut answered = Vec::new();
        for d in dirs {
            for n in names {
                for follow in [false, true] {
                    let p = format!("{d}/{n}");
                    let want = stat(&f.dir, &p, follow);
                    if let Some(got) = stat_two(&f.dir, child, &p, follow) {
                        assert_eq!(got, want, "{label}: {p} follow={follow}");
                        answered.push((p, follow));
                    }
                }
            }
        }
        answered
    };
    let answered = round(&mut child, "first");
    // The common cases are answered by the fast path, not handed back.
    for (p, follow) in [
        ("d/f", false),
        ("d/f", true),
        ("d/sub", true),
        ("d/lf", false),
    ] {
        assert!(answered.contains(&(p.to_string(), follow)), "{p} {follow}");
    }
    for p in ["d/missing", "missing/f"] {
        assert!(answered.contains(&(p.to_string(), false)), "{p}");
    }
    // Symlinks to follow, and directories reached through symlinks, go the walk's way.
    for p in [
        "d/lf",
        "d/out",
        "ld/f",
        "abs/secret",
        "rel/secret",
        "loop/f",
    ] {
        assert!(!answered.contains(&(p.to_string(), true)), "{p}");
    }
    // Each directory that cannot be kept is tried once, then left to the walk.
    assert_eq!(child.as_ref().map(|c| &*c.name), Some("file"));
    assert!(child.as_ref().unwrap().fd.is_none());
    for d in ["ld", "d"] {
        assert_eq!(
            stat_two(&f.dir, &mut child, &format!("{d}/f"), false).is_some(),
            d == "d"
        );
        assert_eq!(child.as_ref().map(|c| &*c.name), Some(d));
    }
    assert!(stat_two(&f.dir, &mut child, "d/f", false).is_some());
    assert!(child.as_ref().unwrap().id.is_some(), "reused");

    // `d` renamed away and a new `d` made: the kept directory is not the one `d` names.
    fs::rename(r.join("d"), r.join("d_old")).unwrap();
    fs::create_dir(r.join("d")).unwrap();
    fs::write(r.join("d/f"), b"new").unwrap();
    assert_eq!(stat_two(&f.dir, &mut child, "d/f", false), None);
    round(&mut child, "renamed");
    // Kept again, now the new `d`.
    assert_eq!(
        stat_two(&f.dir, &mut child, "d/f", false).map(|r| r.map(|st| st.size)),
        Some(Ok(3))
    );

    // `d` replaced by a symlink out of the sandbox while kept: EPERM from the walk.
    fs::remove_file(r.join("d/f")).unwrap();
    fs::remove_dir(r.join("d")).unwrap();
    ln("../outside", &r.join("d"));
    assert_eq!(stat_two(&f.dir, &mut child, "d/secret", false), None);
    assert_eq!(stat(&f.dir, "d/secret", false).unwrap_err(), Errno::EPERM);
    round(&mut child, "symlinked");

    // `d` a file: ENOTDIR from the walk.
    fs::remove_file(r.join("d")).unwrap();
    fs::write(r.join("d"), b"").unwrap();
    round(&mut child, "file");
    assert_eq!(stat(&f.dir, "d/f", false).unwrap_err(), Errno::ENOTDIR);
}
