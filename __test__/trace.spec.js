'use strict';
// Syscall tracing: NODE_DEBUG_NATIVE=wasi prints node:wasi's lines (compared with node:wasi's
// own output for every call), and the `trace` option / `wasi-rs --trace` print decoded lines.

const test = require('ava');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { root, wat, tmpdir, rm } = require('./helpers.js');
const { importLines, WASI_SIGNATURES } = require('./guest.js');

const runner = path.join(__dirname, 'runner.js');
const cli = path.join(root, 'bin', 'wasi-rs.js');

let dir;
test.before(() => { dir = tmpdir('wasi-rs-trace-'); });
test.after.always(() => rm(dir));

function run(impl, file, options, env) {
  const res = spawnSync(process.execPath, ['--no-warnings', runner, impl, file, JSON.stringify(options)], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
  return { stdout: res.stdout, stderr: res.stderr, status: res.status };
}

// Calls every function once on fd 99 (EBADF everywhere, so nothing happens) with arguments
// that show how each is printed: pointers >= 2^31 and negative i64s.
async function allCalls() {
  const imports = importLines('wasi_snapshot_preview1', Object.keys(WASI_SIGNATURES)).join('\n');
  let body = '';
  for (const [name, sig] of Object.entries(WASI_SIGNATURES)) {
    const params = sig ? sig.split(' ') : [];
    const args = params.map((t, k) => {
      if (k === 0) return `(${t}.const 99)`;
      if (t === 'i64') return `(i64.const -${k + 1})`;
      return `(i32.const ${k % 2 ? -(k + 1) : 70000 + k})`;
    });
    body += `(drop (call $${name} ${args.join(' ')}))\n`;
  }
  const file = path.join(dir, 'all.wasm');
  fs.writeFileSync(file, await wat(`(module ${imports}
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 2)
    (func (export "_start") ${body} (call $exit (i32.const 3))))`));
  return file;
}

// node:wasi's lines for allCalls(), as Node 20 and 22 print them.
const NODE_LINES = `args_get(99, 4294967294)
args_sizes_get(99, 4294967294)
clock_res_get(99, 4294967294)
clock_time_get(99, 18446744073709551614, 70002)
environ_get(99, 4294967294)
environ_sizes_get(99, 4294967294)
fd_advise(99, 18446744073709551614, 18446744073709551613, 4294967292)
fd_allocate(99, 18446744073709551614, 18446744073709551613)
fd_close(99)
fd_datasync(99)
fd_fdstat_get(99, 4294967294)
fd_fdstat_set_flags(99, 4294967294)
fd_fdstat_set_rights(99, 18446744073709551614, 18446744073709551613)
fd_filestat_get(99, 4294967294)
fd_filestat_set_size(99, 18446744073709551614)
fd_filestat_set_times(99, 18446744073709551614, 18446744073709551613, 4294967292)
uvwasi_fd_pread(99, 4294967294, 70002, 18446744073709551612, 70004)
fd_prestat_get(99, 4294967294)
fd_prestat_dir_name(99, 4294967294, 70002)
uvwasi_fd_pwrite(99, 4294967294, 70002, 18446744073709551612, 70004)
fd_read(99, 4294967294, 70002, 4294967292)
uvwasi_fd_readdir(99, 4294967294, 70002, 18446744073709551612, 70004)
fd_renumber(99, 4294967294)
fd_seek(99, -2, 70002, 4294967292)
fd_sync(99)
fd_tell(99, 4294967294)
fd_write(99, 4294967294, 70002, 4294967292)
path_create_directory(99, 4294967294, 70002)
path_filestat_get(99, 70002, 4294967292)
path_filestat_set_times(99, 4294967294, 70002, 4294967292, 18446744073709551611, 18446744073709551610, 70006)
path_link(99, 4294967294, 70002, 4294967292, 70004, 4294967290, 70006)
path_open(99, 4294967294, 70002, 4294967292, 70004, 18446744073709551610, 18446744073709551609, 4294967288, 70008)
path_readlink(99, 4294967294, 70002, 4294967292, 70004, 4294967290)
path_remove_directory(99, 4294967294, 70002)
path_rename(99, 4294967294, 70002, 4294967292, 70004, 4294967290)
path_symlink(99, 4294967294, 70002, 4294967292, 70004)
path_unlink_file(99, 4294967294, 70002)
poll_oneoff(99, 4294967294, 70002, 4294967292)
proc_raise(99)
random_get(99, 4294967294)
sched_yield()
sock_accept(99, 4294967294, 70002)
sock_recv(99, 4294967294, 70002, 4294967292, 70004, 4294967290)
sock_send(99, 4294967294, 70002, 4294967292, 70004)
sock_shutdown(99, 4294967294)
`;

// Node 24's node:wasi prints nothing for these (see differences.js).
const SILENT_ON_NODE_24 = ['fd_advise', 'fd_filestat_set_times', 'uvwasi_fd_pread', 'uvwasi_fd_pwrite',
  'uvwasi_fd_readdir', 'fd_seek', 'path_filestat_set_times', 'path_open'];

test('NODE_DEBUG_NATIVE=wasi prints node:wasi\'s line for every call', async (t) => {
  const file = await allCalls();
  const ours = run('wasi-rs', file, {}, { NODE_DEBUG_NATIVE: 'wasi' });
  const node = run('node', file, {}, { NODE_DEBUG_NATIVE: 'wasi' });
  t.is(ours.status, 3);
  t.is(node.status, 3);
  // 45 calls; proc_exit prints nothing.
  t.is(ours.stderr, NODE_LINES);
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24) {
    t.is(node.stderr, NODE_LINES);
  } else {
    const dropped = NODE_LINES.split('\n').filter((l) => !SILENT_ON_NODE_24.includes(l.slice(0, l.indexOf('('))));
    t.is(node.stderr, dropped.join('\n'));
  }
});

test('NODE_DEBUG_NATIVE is a comma-separated, case-insensitive list, as Node reads it', async (t) => {
  const file = path.join(root, 'examples', 'hello', 'hello.wasm');
  for (const value of ['WASI', 'fs,wasi']) {
    t.is(run('wasi-rs', file, {}, { NODE_DEBUG_NATIVE: value }).stderr, 'fd_write(1, 0, 1, 8)\n', value);
  }
  for (const value of [undefined, '', ' wasi', 'wasi2', 'fs']) {
    const env = value === undefined ? {} : { NODE_DEBUG_NATIVE: value };
    t.is(run('wasi-rs', file, {}, env).stderr, '', String(value));
  }
});

const decodedGuest = `(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $path_unlink_file (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "in.txt")
  (data (i32.const 120) "out.txt")
  (data (i32.const 140) "missing")
  (data (i32.const 160) "abc")
  (data (i32.const 200) "\\2c\\01\\00\\00\\40\\00\\00\\00")  ;; iovec: 300, 64
  (data (i32.const 208) "\\a0\\00\\00\\00\\03\\00\\00\\00")  ;; iovec: 160, 3
  (func (export "_start")
    (drop (call $args_sizes_get (i32.const 400) (i32.const 404)))
    (drop (call $path_open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 6) (i32.const 0)
      (i64.const 0x1fffffff) (i64.const 0) (i32.const 0) (i32.const 408)))
    (drop (call $fd_read (i32.load (i32.const 408)) (i32.const 200) (i32.const 1) (i32.const 412)))
    (drop (call $fd_seek (i32.load (i32.const 408)) (i64.const -2) (i32.const 2) (i32.const 416)))
    (drop (call $fd_close (i32.load (i32.const 408))))
    (drop (call $path_open (i32.const 3) (i32.const 1) (i32.const 120) (i32.const 7) (i32.const 9)
      (i64.const 0x1fffffff) (i64.const 0) (i32.const 1) (i32.const 408)))
    (drop (call $fd_write (i32.load (i32.const 408)) (i32.const 208) (i32.const 1) (i32.const 412)))
    (drop (call $fd_filestat_get (i32.load (i32.const 408)) (i32.const 512)))
    (drop (call $fd_fdstat_get (i32.load (i32.const 408)) (i32.const 600)))
    (drop (call $path_unlink_file (i32.const 3) (i32.const 140) (i32.const 7)))
    (drop (call $fd_close (i32.const 99)))
    (drop (call $fd_prestat_dir_name (i32.const 3) (i32.const 700) (i32.const 8)))
    (drop (call $fd_write (i32.const 1) (i32.const 200) (i32.const 1) (i32.const 0x7ffffff0)))
    (call $proc_exit (i32.const 7))))`;

const DECODED = `[wasi] args_sizes_get() = ok, argc=2, bytes=7
[wasi] path_open(3, lookupflags=0, "in.txt", oflags=0, rights=0x1fffffff, inheriting=0x0, fdflags=0) = ok, fd=4
[wasi] fd_read(4, iovs[1]=64 bytes) = ok, read 5
[wasi] fd_seek(4, -2, END) = ok, offset=3
[wasi] fd_close(4) = ok
[wasi] path_open(3, lookupflags=SYMLINK_FOLLOW, "out.txt", oflags=CREAT|TRUNC, rights=0x1fffffff, inheriting=0x0, fdflags=APPEND) = ok, fd=4
[wasi] fd_write(4, iovs[1]=3 bytes) = ok, wrote 3
[wasi] fd_filestat_get(4) = ok, REGULAR_FILE, size=3
[wasi] fd_fdstat_get(4) = ok, REGULAR_FILE, fdflags=APPEND
[wasi] path_unlink_file(3, "missing") = ENOENT
[wasi] fd_close(99) = EBADF
[wasi] fd_prestat_dir_name(3, len=8) = ok, "/sandbox"
[wasi] fd_write(1, iovs[1]=64 bytes) = EOVERFLOW
[wasi] proc_exit(7)
`;

function sandbox() {
  const box = fs.mkdtempSync(path.join(dir, 'box-'));
  fs.writeFileSync(path.join(box, 'in.txt'), 'hello');
  return box;
}

test('trace: true prints decoded lines: fds, paths, flag names, errno names, bytes moved', async (t) => {
  const file = path.join(dir, 'decoded.wasm');
  fs.writeFileSync(file, await wat(decodedGuest));
  const box = sandbox();
  const r = run('wasi-rs', file, { args: ['prog', 'x'], preopens: { '/sandbox': box }, trace: true, returnOnExit: false }, {});
  t.is(r.stderr, DECODED);
  t.is(r.status, 7);
  t.is(fs.readFileSync(path.join(box, 'out.txt'), 'utf8'), 'abc');
  // trace: true wins over NODE_DEBUG_NATIVE; trace: false leaves NODE_DEBUG_NATIVE in charge.
  const both = run('wasi-rs', file, { args: ['prog', 'x'], preopens: { '/sandbox': sandbox() }, trace: true }, { NODE_DEBUG_NATIVE: 'wasi' });
  t.is(both.stderr, DECODED);
  const off = run('wasi-rs', file, { args: ['prog', 'x'], preopens: { '/sandbox': sandbox() }, trace: false }, {});
  t.is(off.stderr, '');
  t.is(off.status, 7);
});

test('wasi-rs --trace prints the same decoded lines', async (t) => {
  const file = path.join(dir, 'decoded-cli.wasm');
  fs.writeFileSync(file, await wat(decodedGuest));
  const box = sandbox();
  const r = spawnSync(process.execPath, [cli, '--trace', '--dir', `${box}::/sandbox`, file, 'x'], { encoding: 'utf8' });
  // argv[0] is the module path as given.
  t.is(r.stderr, DECODED.replace('bytes=7', `bytes=${Buffer.byteLength(file) + 1 + 2}`));
  t.is(r.status, 7);
});

test('the trace option must be a boolean', (t) => {
  const { WASI } = require('..');
  t.throws(() => new WASI({ version: 'preview1', trace: 1 }), {
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "options.trace" property must be of type boolean. Received type number (1)',
  });
  t.notThrows(() => new WASI({ version: 'preview1', trace: false }));
});
