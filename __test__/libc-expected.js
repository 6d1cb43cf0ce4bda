'use strict';
// The exact stdout wasi-rs must produce for each C fixture (__test__/fixtures/c) run with
// fresh, empty preopens /a and /b (twodirs: /a/input.txt = "hello, two preopens\n").
// Used by libc-fs.spec.js; differential-fs.spec.js compares node:wasi's output to the same
// programs under wasi-rs, with the known differences from differences.js.

function lines(...l) {
  return l.join('\n') + '\n';
}

const EXPECTED = {
  stdio: lines(
    'fwrite: 20', 'ftell after write: 20', 'fseek SEEK_SET 6: 0', 'fgets: bravo',
    'ftell after fgets: 12', 'fseek SEEK_CUR -6: 0', 'fwrite BRAVO: 5', 'fseek SEEK_END -8: 0',
    'fread: 8 [charlie', ']', 'feof: 1', 'rewind+fread: 20', 'content: alpha', 'BRAVO', 'charlie',
    'fclose: 0', 'fopen a: ok', 'ftell in append: 26', 'bytes.bin size: 16384', 'byte at 1000: 232',
    'byte sum: 2088960', 'fopen missing r: NULL errno 44'),
  stat: lines(
    'open data.txt: ok', 'fstat: ok', 'fstat: file size 16 nlink 1', 'stat: ok',
    'stat: file size 16 nlink 1', 'same inode: yes', 'inode nonzero: yes', 'utimensat: ok',
    'after utimensat: atime 1000000000.123456789 mtime 1600000000.987654321',
    'utimensat omit atime: ok',
    'after omit: atime 1000000000.123456789 mtime 1700000000.000000005',
    'futimens: ok',
    'after futimens: atime 1234567890.000000001 mtime 1234567891.999999999',
    'mkdir dir: ok', 'dir: dir', 'symlink: ok', 'lstat link: symlink size 8',
    'stat link: file size 16 nlink 1', 'fstatat nofollow: ok', 'fstatat nofollow: symlink',
    'stat missing: errno 44', 'stat through file: errno 54', 'utimensat missing: errno 44',
    'utimensat dir: ok', 'dir: atime 1500000000.250000000 mtime 1500000001.750000000'),
  links: lines(
    'rename one->two: ok', 'stat one: errno 44', 'cat /a/two: 11 [first file', ']',
    'rename over existing: ok', 'cat /a/two: 6 [third', ']', 'mkdir d1: ok', 'mkdir d2: ok',
    'rename dir d1->d3: ok', 'rename dir onto non-empty dir: errno 55',
    'rename file onto dir: errno 31', 'rename missing: errno 44', 'rename into subdir: ok',
    'link: ok', 'nlink after link: 2', 'link exists: errno 20', 'link dir: errno 63',
    'symlink rel: ok', 'symlink dangling: ok', 'symlink dir: ok', 'symlink exists: errno 20',
    'readlink sym: 6 [d2/two]', 'readlink dangling: 7 [nowhere]', 'readlink regular: -1 errno 28',
    'cat /a/sym: 6 [third', ']', 'cat /a/symdir/inner: 6 [inner', ']', 'cat /a/dangling: errno 44',
    'unlink hard: ok', 'nlink after unlink: 1', 'unlink sym (not its target): ok',
    'target still there: ok', 'unlink missing: errno 44', 'rename symlink: ok',
    'readlink renamed: 7 [nowhere]'),
  truncate: lines(
    'open: ok', 'ftruncate 5: ok', 'size: 5', 'offset kept: 11', 'ftruncate 4096: ok', 'size: 4096',
    'pread 0: 8 [hello] then 0 0 0', 'pwrite at 4094: 2', 'offset after pwrite: 11',
    'pread at 4092: 4 [0 0 X Y]', 'lseek 10000: 10000', 'size after write past end: 10001',
    'ftruncate -1: errno 28', 'lseek negative: errno 28', 'ftruncate read-only fd: errno 76',
    'O_TRUNC size: 0', 'truncate path: ok', 'truncate path size: 3'),
  append: lines(
    'create excl: ok', 'create excl again: errno 20', 'open append: ok', 'F_GETFL has O_APPEND: yes',
    'offset after append write: 14', 'F_SETFL clear append: ok',
    'F_GETFL has O_APPEND after clear: no', 'F_SETFL set append: ok', 'content 28:', 'LINE 1',
    'line 2', 'line 3', 'line 4', 'a+ read from start: 6 [LINE 1]', 'final size: 35'),
  twodirs: lines(
    'open /a/input.txt: ok', 'open /b/copy.txt: ok', 'copied 20 bytes',
    'rename /b/copy.txt -> /b/moved.txt: ok', 'rename across preopens /b -> /a: ok', 'mkdir /b/sub: ok',
    'link across preopens /a -> /b: ok', 'input nlink: 2',
    'symlink in /b pointing at ../../a/input.txt: errno 76',
    'open /b/sub/up (escapes /b): errno 44', 'open /b/../a/input.txt: errno 76',
    'read moved: 20 [HELLO, TWO PREOPENS', ']'),
};

function dirsExpected() {
  const name = (i) => `file-${String(i).padStart(2, '0')}-with-a-longer-name-to-fill-buffers`;
  const all = [];
  for (let i = 0; i < 80; i++) all.push(`  ${name(i)} file`);
  const odd = [];
  for (let i = 1; i < 80; i += 2) odd.push(`  ${name(i)} file`);
  return lines(
    'mkdir /a/d: ok', 'mkdir /a/d again: errno 20', 'mkdir /a/d/sub: ok', 'symlink: ok',
    'list /a/d: 82 entries', ...all, '  link-to-sub symlink', '  sub dir', 'rewinddir count (dots included): 82',
    'list /a/d/sub: 0 entries', 'rewinddir count (dots included): 0',
    'rmdir non-empty: errno 55', 'rmdir file: errno 54', 'unlink dir: errno 31', 'opendir file: errno 54',
    'opendir missing: errno 44', 'unlink link-to-sub: ok', 'rmdir /a/d/sub: ok',
    'list /a/d: 40 entries', ...odd, 'rewinddir count (dots included): 40',
    'mkdir /a/empty: ok', 'rmdir /a/empty: ok', 'rmdir /a/empty again: errno 44');
}
EXPECTED.dirs = dirsExpected();

EXPECTED.bigdir = lines(
  'mkdir /a/big: ok', 'listed 1000, duplicates 0, missing 0, unexpected 0',
  'seekdir back re-reads the same entry: yes', 'after rewinddir: 1000',
  'removed while listing 500, duplicates 0', 'left 500');

EXPECTED.at = lines(
  'mkdir /a/sub: ok', 'open /a/sub O_DIRECTORY: ok', 'openat f.txt: ok', 'mkdirat inner: ok',
  'fstatat f.txt: ok', 'fstatat size: 8', 'renameat f.txt -> inner/g.txt: ok',
  'linkat inner/g.txt -> h.txt: ok', 'symlinkat inner/g.txt -> s: ok', 'readlinkat s: 11 [inner/g.txt]',
  'read through s: 8 [at-file', ']openat ../sub/h.txt (above the fd): errno 76',
  'openat /a/nothing (absolute: libc resolves it from the preopens): errno 44',
  'unlinkat inner (a directory, no AT_REMOVEDIR): errno 31', 'unlinkat h.txt with AT_REMOVEDIR: errno 54',
  'unlinkat s: ok', 'unlinkat inner/g.txt: ok', 'unlinkat inner AT_REMOVEDIR: ok', 'fstatat h.txt: ok',
  'h.txt nlink: 1', 'faccessat missing: errno 44', 'faccessat h.txt R_OK: ok', 'fstatat on a closed fd: errno 8');

EXPECTED.bigfile = lines(
  'open sparse.bin: ok', 'lseek 5 GiB: 5368709120', 'write: 1', 'size: 5368709121', 'pwrite at 4 GiB + 1: 4',
  'pread at 4 GiB: 5 [0 four]', 'lseek SEEK_END -1: 5368709120', 'read: 1 [Z]', 'lseek SEEK_CUR 0: 5368709121',
  'ftruncate 3 GiB: ok', 'size: 3221225472', 'ftruncate 0: ok', 'writev: 14', 'readv: 14 [one| two |three',
  ']mib.bin size: 1048576');

EXPECTED.modes = lines(
  'open O_RDWR|O_APPEND: ok', 'pwrite on O_APPEND: 2', 'pread: 12 [0123456789AB]', 'offset: 10',
  'open O_RDONLY: ok', 'write on O_RDONLY: -1 errno 8', 'pwrite on O_RDONLY: -1 errno 8',
  'ftruncate on O_RDONLY: errno 76', 'open O_WRONLY: ok', 'read on O_WRONLY: -1 errno 8',
  'open /a O_DIRECTORY: ok', 'read on a dir: -1 errno 8', 'write on a dir: -1 errno 8',
  'lseek on a dir: -1 errno 70', 'open O_DIRECTORY on a file: errno 54',
  'open f/ (trailing slash on a file): errno 54', 'open O_CREAT|O_DIRECTORY: errno 28',
  'open O_WRONLY on a dir: errno 31', 'open O_RDONLY|O_TRUNC: ok', 'size after O_RDONLY|O_TRUNC: 0');

module.exports = EXPECTED;
