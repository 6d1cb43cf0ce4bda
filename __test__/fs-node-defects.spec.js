'use strict';
// node:wasi's file defects (NODE-PARITY.md, last section), each shown on the same guest run
// under node:wasi and under wasi-rs: node:wasi must show the defect, wasi-rs must not. Every
// difference is listed in __test__/differences.js (checked here by id).

const test = require('ava');
const fs = require('node:fs');
const path = require('node:path');
const { wat, tmpdir, rm, runGuest } = require('./helpers.js');
const { commandWat, lines } = require('./fs-wat.js');
const differences = require('./differences.js');

const R_READ = (1n << 1n) | (1n << 13n) | (1n << 14n) | (1n << 21n); // fd_read, path_open, fd_readdir, fd_filestat_get
const R_RW = R_READ | (1n << 6n); // + fd_write

const label = (s, at) => `(call $str (i32.const ${at}) (i32.const ${s.length}))`;
const L = {};
const strings = { 1024: 'lnk', 1040: 'f', 1048: 'f\0', 1056: 'dl' };
let at = 1100;
for (const s of ['readlink', 'prestat', 'readdir', 'dirent', 'times', 'append', 'nul', 'dirlink', 'dirlink-follow']) {
  strings[at] = s;
  L[s] = label(s, at);
  at += s.length;
}

const body = `
  ;; readlink into a 4-byte buffer (the link text is 10 bytes)
  (i32.store (i32.const 0) (i32.const 0))
  ${L.readlink}
  (call $n (call $path_readlink (i32.const 3) (i32.const 1024) (i32.const 3) (i32.const 4096) (i32.const 4) (i32.const 0)))
  (call $n (i32.load (i32.const 0)))
  (call $ch (i32.const 32)) (call $str (i32.const 4096) (i32.load (i32.const 0)))
  (call $flush)
  ;; fd_prestat_dir_name into a 2-byte buffer (the name is "/sandbox")
  ${L.prestat} (call $n (call $fd_prestat_dir_name (i32.const 3) (i32.const 4096) (i32.const 2))) (call $flush)
  ;; fd_readdir of the preopen: one line per entry, "dirent NAME INO TYPE"
  (i32.store (i32.const 0) (i32.const 0))
  ${L.readdir} (call $n (call $fd_readdir (i32.const 3) (i32.const 4096) (i32.const 4096) (i64.const 0) (i32.const 0))) (call $flush)
  (local.set $p (i32.const 4096))
  (local.set $end (i32.add (i32.const 4096) (i32.load (i32.const 0))))
  (block $done (loop $next
    (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
    (local.set $len (i32.load offset=16 (local.get $p)))
    ${L.dirent} (call $ch (i32.const 32)) (call $str (i32.add (local.get $p) (i32.const 24)) (local.get $len))
    (call $num (i64.load offset=8 (local.get $p))) (call $n (i32.load8_u offset=20 (local.get $p)))
    (call $flush)
    (local.set $p (i32.add (local.get $p) (i32.add (i32.const 24) (local.get $len))))
    (br $next)))
  ;; nanosecond times set, then read back
  ${L.times}
  (call $n (call $path_filestat_set_times (i32.const 3) (i32.const 0) (i32.const 1040) (i32.const 1)
    (i64.const 1000000000123456789) (i64.const 1600000000987654321) (i32.const 5)))
  (call $n (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 1040) (i32.const 1) (i32.const 512)))
  (call $num (i64.load (i32.const 552))) (call $num (i64.load (i32.const 560)))
  (call $flush)
  ;; path_open with FDFLAGS_APPEND, then fd_fdstat_get's fs_flags
  ${L.append}
  (call $n (call $path_open (i32.const 3) (i32.const 0) (i32.const 1040) (i32.const 1) (i32.const 0)
    (i64.const ${R_RW}) (i64.const 0) (i32.const 1) (i32.const 0)))
  (call $n (call $fd_fdstat_get (i32.load (i32.const 0)) (i32.const 600)))
  (call $n (i32.load16_u (i32.const 602)))
  (call $flush)
  ;; "f\\0" with path_len 2
  ${L.nul}
  (call $n (call $path_open (i32.const 3) (i32.const 0) (i32.const 1048) (i32.const 2) (i32.const 0)
    (i64.const ${R_READ}) (i64.const 0) (i32.const 0) (i32.const 0)))
  (call $flush)
  ;; a symlink to a directory, O_DIRECTORY, without and with LOOKUPFLAGS_SYMLINK_FOLLOW
  ${L.dirlink}
  (call $n (call $path_open (i32.const 3) (i32.const 0) (i32.const 1056) (i32.const 2) (i32.const 2)
    (i64.const ${R_READ}) (i64.const 0) (i32.const 0) (i32.const 0)))
  (call $flush)
  ${L['dirlink-follow']}
  (call $n (call $path_open (i32.const 3) (i32.const 1) (i32.const 1056) (i32.const 2) (i32.const 2)
    (i64.const ${R_READ}) (i64.const 0) (i32.const 0) (i32.const 0)))
  (call $flush)`;

const runs = {};
let wasmFile;
let workDir;

async function run(impl) {
  if (!runs[impl]) {
    runs[impl] = (async () => {
      if (!wasmFile) {
        workDir = fs.realpathSync(tmpdir('wasi-rs-defects-'));
        wasmFile = path.join(workDir, 'defects.wasm');
        fs.writeFileSync(wasmFile, await wat(commandWat({ strings, locals: '(local $p i32) (local $end i32) (local $len i32)', body })));
      }
      const sb = path.join(workDir, `sandbox-${impl}`);
      fs.mkdirSync(sb);
      fs.writeFileSync(path.join(sb, 'f'), 'data');
      fs.symlinkSync('0123456789', path.join(sb, 'lnk'));
      fs.mkdirSync(path.join(sb, 'd'));
      fs.symlinkSync('d', path.join(sb, 'dl'));
      const res = runGuest(impl, wasmFile, { preopens: { '/sandbox': sb } });
      const ino = (p) => fs.lstatSync(path.join(sb, p), { bigint: true }).ino.toString();
      const hostStat = fs.statSync(path.join(sb, 'f'), { bigint: true });
      return { res, out: lines(res.stdout), sb, ino, hostStat };
    })();
  }
  return runs[impl];
}

test.after.always(() => workDir && rm(workDir));

const byId = new Map(differences.map((d) => [d.id, d]));
function listed(t, id) {
  t.true(byId.has(id), `difference '${id}' is listed in differences.js`);
}

test('the guest runs to completion under both hosts', async (t) => {
  for (const impl of ['node', 'wasi-rs']) {
    const { res } = await run(impl);
    t.is(res.status, 0, `${impl}: ${res.stderr}`);
  }
});

test('path_readlink into a short buffer: node:wasi ENOBUFS, wasi-rs truncates (as wasmtime)', async (t) => {
  listed(t, 'readlink-short-buffer');
  t.deepEqual((await run('node')).out.readlink, [['42', '0', '']]);
  t.deepEqual((await run('wasi-rs')).out.readlink, [['0', '4', '0123']]);
});

test('fd_prestat_dir_name into a short buffer: node:wasi ENOBUFS, wasi-rs ENAMETOOLONG (as wasmtime)', async (t) => {
  listed(t, 'prestat-dir-name-short-buffer');
  t.deepEqual((await run('node')).out.prestat, [['42']]);
  t.deepEqual((await run('wasi-rs')).out.prestat, [['37']]);
});

test('fd_readdir: node:wasi omits . and .., wasi-rs lists them', async (t) => {
  listed(t, 'readdir-dot-entries');
  const names = (o) => o.dirent.map((e) => e[0]).sort();
  const node = await run('node');
  const rs = await run('wasi-rs');
  t.deepEqual(names(node.out), ['d', 'dl', 'f', 'lnk']);
  t.deepEqual(names(rs.out), ['.', '..', 'd', 'dl', 'f', 'lnk']);
  const types = Object.fromEntries(rs.out.dirent.map(([n, , ty]) => [n, ty]));
  t.deepEqual(types, { '.': '3', '..': '3', d: '3', dl: '7', f: '4', lnk: '7' });
});

test('fd_readdir: node:wasi reports inode 0, wasi-rs the real inode numbers', async (t) => {
  listed(t, 'readdir-inode-zero');
  const node = await run('node');
  t.true(node.out.dirent.every((e) => e[1] === '0'));
  const rs = await run('wasi-rs');
  for (const [name, ino] of rs.out.dirent) {
    if (name === '..') continue; // the preopen's parent: the host's own number, not checked here
    t.is(ino, rs.ino(name), name);
  }
});

test('nanosecond timestamps: node:wasi keeps whole seconds, wasi-rs every nanosecond (host checked)', async (t) => {
  listed(t, 'timestamps-nanoseconds');
  const node = await run('node');
  t.deepEqual(node.out.times, [['0', '0', '1000000000000000000', '1600000000000000000']]);
  const rs = await run('wasi-rs');
  t.deepEqual(rs.out.times, [['0', '0', '1000000000123456789', '1600000000987654321']]);
  t.is(rs.hostStat.atimeNs, 1000000000123456789n);
  t.is(rs.hostStat.mtimeNs, 1600000000987654321n);
});

test('O_APPEND from path_open: node:wasi reports host bits in fs_flags, wasi-rs exactly FDFLAGS_APPEND', async (t) => {
  listed(t, 'fdstat-flags-host-bits');
  const [nodeOpen, nodeStat, nodeFlags] = (await run('node')).out.append[0];
  t.deepEqual([nodeOpen, nodeStat], ['0', '0']);
  t.not(nodeFlags, '1');
  t.deepEqual((await run('wasi-rs')).out.append, [['0', '0', '1']]);
});

test('a trailing NUL inside path_len: node:wasi opens the file, wasi-rs EINVAL', async (t) => {
  listed(t, 'path-trailing-nul');
  t.deepEqual((await run('node')).out.nul, [['0']]);
  t.deepEqual((await run('wasi-rs')).out.nul, [['28']]);
});

test('a directory symlink without the follow flag: node:wasi opens it, wasi-rs does not follow', async (t) => {
  listed(t, 'symlink-final-nofollow');
  t.deepEqual((await run('node')).out.dirlink, [['0']]);
  const [rs] = (await run('wasi-rs')).out.dirlink[0];
  t.true(rs === '54' || rs === '32', `ENOTDIR or ELOOP, got ${rs}`);
  // With the flag both hosts open it.
  t.deepEqual((await run('node')).out['dirlink-follow'], [['0']]);
  t.deepEqual((await run('wasi-rs')).out['dirlink-follow'], [['0']]);
});

test('path_filestat_set_times with ATIM and ATIM_NOW: node:wasi answers EINVAL, then aborts the process; wasi-rs answers EINVAL', async (t) => {
  listed(t, 'set-times-einval-abort');
  // uvwasi returns EINVAL with the directory's lock still held; destroying the WASI object
  // (at exit or on GC) then aborts in uv_mutex_destroy.
  const body = `(call $n (call $path_filestat_set_times (i32.const 3) (i32.const 0) (i32.const 1040) (i32.const 1)
    (i64.const 0) (i64.const 0) (i32.const 3))) (call $flush)`;
  const dir = fs.realpathSync(tmpdir('wasi-rs-abort-'));
  try {
    const file = path.join(dir, 'abort.wasm');
    fs.writeFileSync(file, await wat(commandWat({ strings: { 1040: 'f' }, body })));
    fs.writeFileSync(path.join(dir, 'f'), 'x');
    const node = runGuest('node', file, { preopens: { '/s': dir } });
    t.is(node.stdout, ' 28\n');
    t.is(node.signal, 'SIGABRT');
    const rs = runGuest('wasi-rs', file, { preopens: { '/s': dir } });
    t.is(rs.stdout, ' 28\n');
    t.is(rs.status, 0);
    t.is(rs.signal, null);
  } finally {
    rm(dir);
  }
});
