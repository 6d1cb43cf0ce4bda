'use strict';
// Small WAT command guests (with _start) for the filesystem differential suite: each makes
// a few exact WASI calls and prints one line per call ("label errno [values]"), so node:wasi
// and wasi-rs can be compared byte for byte in child processes. The preopen is fd 3.

// Built with fs-wat.js's commandWat (its printing helpers: $str, $ch, $num, $n, $flush).
// Memory map: 0..999 scratch for results, 1024.. strings (data segments placed by each
// guest), 8192.. the output line buffer, 16384.. a 4 KiB data buffer.
const { commandWat, data } = require('./fs-wat.js');

// Labels are placed at 1024 + 64*i.
function labels(...names) {
  return names.map((s, i) => data(1024 + 64 * i, s));
}

const RIGHTS_FILE = '0x1fffffff';

const guests = {
  // path_readlink into a buffer shorter than the link text.
  'readlink-short-buffer': () => {
    const [lSym, lFull, lShort, target, name] = labels('symlink', 'readlink full', 'readlink 4-byte buffer', '0123456789', 'l');
    return commandWat({
      segments: [lSym, lFull, lShort, target, name],
      body: `(call $str (i32.const ${lSym.ptr}) (i32.const ${lSym.len}))
        (call $n (call $path_symlink (i32.const ${target.ptr}) (i32.const ${target.len}) (i32.const 3) (i32.const ${name.ptr}) (i32.const ${name.len})))
        (call $flush)
        (call $str (i32.const ${lFull.ptr}) (i32.const ${lFull.len}))
        (call $n (call $path_readlink (i32.const 3) (i32.const ${name.ptr}) (i32.const ${name.len}) (i32.const 16384) (i32.const 64) (i32.const 16)))
        (call $n (i32.load (i32.const 16)))
        (call $ch (i32.const 32)) (call $str (i32.const 16384) (i32.load (i32.const 16)))
        (call $flush)
        (i32.store (i32.const 16) (i32.const 0))
        (call $str (i32.const ${lShort.ptr}) (i32.const ${lShort.len}))
        (call $n (call $path_readlink (i32.const 3) (i32.const ${name.ptr}) (i32.const ${name.len}) (i32.const 20000) (i32.const 4) (i32.const 16)))
        (call $n (i32.load (i32.const 16)))
        (call $ch (i32.const 32)) (call $str (i32.const 20000) (i32.load (i32.const 16)))
        (call $flush)`,
    });
  },
  // path_open with odd path bytes: a trailing NUL inside the length, an empty path,
  // invalid UTF-8, and a plain name for reference.
  'path-bytes': () => {
    const paths = [['plain', 'file.txt'], ['trailing NUL', 'file.txt\0'], ['empty', ''], ['invalid UTF-8', 'file\xff.txt'], ['absolute', '/file.txt'], ['dotdot', '../file.txt']];
    const ds = [];
    let body = '';
    paths.forEach(([label, p], i) => {
      const l = data(1024 + 128 * i, `open ${label}`);
      const d = data(1024 + 128 * i + 64, p);
      ds.push(l, d);
      body += `(call $str (i32.const ${l.ptr}) (i32.const ${l.len}))
        (call $n (call $path_open (i32.const 3) (i32.const 0) (i32.const ${d.ptr}) (i32.const ${d.len}) (i32.const 0) (i64.const 2) (i64.const 2) (i32.const 0) (i32.const 16)))
        (call $flush)\n`;
    });
    return commandWat({ segments: ds, body });
  },
  // fd_readdir over a directory of 5 entries: one line per entry (name, type, ino != 0);
  // the test sorts the lines (the order is the host's).
  readdir: () => {
    const [dname] = labels('d');
    return commandWat({
      segments: [dname],
      locals: '(local $fd i32) (local $p i32) (local $end i32) (local $len i32)',
      body: `(drop (call $path_open (i32.const 3) (i32.const 0) (i32.const ${dname.ptr}) (i32.const ${dname.len}) (i32.const 2) (i64.const 0x4000) (i64.const 0) (i32.const 0) (i32.const 16)))
        (local.set $fd (i32.load (i32.const 16)))
        (drop (call $fd_readdir (local.get $fd) (i32.const 16384) (i32.const 4096) (i64.const 0) (i32.const 20)))
        (local.set $p (i32.const 16384))
        (local.set $end (i32.add (i32.const 16384) (i32.load (i32.const 20))))
        (block $done (loop $each
          (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 24)) (local.get $end)))
          (local.set $len (i32.load (i32.add (local.get $p) (i32.const 16))))
          (call $str (i32.add (local.get $p) (i32.const 24)) (local.get $len))
          (call $n (i32.load8_u (i32.add (local.get $p) (i32.const 20))))
          (call $n (i64.ne (i64.load (i32.add (local.get $p) (i32.const 8))) (i64.const 0)))
          (call $flush)
          (local.set $p (i32.add (local.get $p) (i32.add (i32.const 24) (local.get $len))))
          (br $each)))`,
    });
  },
  // fd_readdir with a 37-byte buffer (one entry of a short name fits, the next is cut):
  // the guest continues from the d_next cookie of the last whole entry until bufused <
  // buf_len, printing every name once; the test sorts the lines.
  'readdir-small-buffer': () => {
    const [dname, lCalls] = labels('d', 'ended before 1000 calls');
    return commandWat({
      segments: [dname, lCalls],
      locals: '(local $fd i32) (local $p i32) (local $end i32) (local $len i32) (local $cookie i64) (local $used i32) (local $calls i32)',
      body: `(drop (call $path_open (i32.const 3) (i32.const 0) (i32.const ${dname.ptr}) (i32.const ${dname.len}) (i32.const 2) (i64.const 0x4000) (i64.const 0) (i32.const 0) (i32.const 16)))
        (local.set $fd (i32.load (i32.const 16)))
        (block $eof (loop $call
          (local.set $calls (i32.add (local.get $calls) (i32.const 1)))
          (br_if $eof (i32.gt_u (local.get $calls) (i32.const 1000)))
          (br_if $eof (call $fd_readdir (local.get $fd) (i32.const 16384) (i32.const 37) (local.get $cookie) (i32.const 20)))
          (local.set $used (i32.load (i32.const 20)))
          (local.set $p (i32.const 16384))
          (local.set $end (i32.add (i32.const 16384) (local.get $used)))
          (block $done (loop $each
            (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 24)) (local.get $end)))
            (local.set $len (i32.load (i32.add (local.get $p) (i32.const 16))))
            (br_if $done (i32.gt_u (i32.add (i32.add (local.get $p) (i32.const 24)) (local.get $len)) (local.get $end)))
            (call $str (i32.add (local.get $p) (i32.const 24)) (local.get $len))
            (call $flush)
            (local.set $cookie (i64.load (local.get $p)))
            (local.set $p (i32.add (local.get $p) (i32.add (i32.const 24) (local.get $len))))
            (br $each)))
          (br_if $call (i32.eq (local.get $used) (i32.const 37)))))
        (call $str (i32.const ${lCalls.ptr}) (i32.const ${lCalls.len}))
        (call $n (i32.lt_u (local.get $calls) (i32.const 1000)))
        (call $flush)`,
    });
  },
  // O_APPEND reported by fd_fdstat_get; nanosecond times through path_filestat_set_times.
  'fdstat-and-times': () => {
    const [lFlags, lSet, lGet, fname, lNow, lAfter] = labels('fdstat fs_flags', 'set times', 'get times', 'f.txt',
      'set mtime now', 'after now: atim, mtim later than 2023');
    return commandWat({
      segments: [lFlags, lSet, lGet, fname, lNow, lAfter],
      body: `(drop (call $path_open (i32.const 3) (i32.const 0) (i32.const ${fname.ptr}) (i32.const ${fname.len}) (i32.const 1) (i64.const 0x40) (i64.const 0) (i32.const 1) (i32.const 16)))
        (call $str (i32.const ${lFlags.ptr}) (i32.const ${lFlags.len}))
        (call $n (call $fd_fdstat_get (i32.load (i32.const 16)) (i32.const 32)))
        (call $n (i32.load16_u (i32.const 34)))
        (call $flush)
        (call $str (i32.const ${lSet.ptr}) (i32.const ${lSet.len}))
        (call $n (call $path_filestat_set_times (i32.const 3) (i32.const 0) (i32.const ${fname.ptr}) (i32.const ${fname.len}) (i64.const 1000000000123456789) (i64.const 1600000000987654321) (i32.const 5)))
        (call $flush)
        (call $str (i32.const ${lGet.ptr}) (i32.const ${lGet.len}))
        (call $n (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const ${fname.ptr}) (i32.const ${fname.len}) (i32.const 64)))
        (call $num (i64.load (i32.const 104)))
        (call $num (i64.load (i32.const 112)))
        (call $flush)
        (call $str (i32.const ${lNow.ptr}) (i32.const ${lNow.len}))
        (call $n (call $path_filestat_set_times (i32.const 3) (i32.const 0) (i32.const ${fname.ptr}) (i32.const ${fname.len}) (i64.const 0) (i64.const 0) (i32.const 8)))
        (call $flush)
        (call $str (i32.const ${lAfter.ptr}) (i32.const ${lAfter.len}))
        (call $n (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const ${fname.ptr}) (i32.const ${fname.len}) (i32.const 64)))
        (call $num (i64.load (i32.const 104)))
        (call $n (i64.gt_u (i64.load (i32.const 112)) (i64.const 1700000000000000000)))
        (call $flush)`,
    });
  },
};

module.exports = { guests, RIGHTS_FILE };
