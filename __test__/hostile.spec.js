'use strict';
// The hostile-argument battery: raw calls with arguments no well-behaved guest sends (u32-max
// lengths and counts, pointers at the last byte of memory, empty paths at the very end of
// memory, overlapping input and output buffers, unknown flag bits and enum values, socket
// calls on pipes and /dev/null, huge poll counts, fd_renumber onto and from stdio and
// preopens). Each call runs in its own child process, which must stay alive and print a
// marker after the call; the exact errno is asserted. Each case also runs under node:wasi
// and the cases that kill or maim node:wasi are logged (not asserted: node:wasi is not ours).

const test = require('ava');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { wat, tmpdir, rm } = require('./helpers.js');
const { ALL_SIGNATURES } = require('./guest.js');

const child = path.join(__dirname, 'hostile-child.js');

const E = {
  SUCCESS: 0, BADF: 8, EXIST: 20, FAULT: 21, ILSEQ: 25, INTR: 27, INVAL: 28, ISDIR: 31,
  NAMETOOLONG: 37, NOENT: 44, NOSYS: 52, NOTDIR: 54, NOTSOCK: 57, OVERFLOW: 61, PERM: 63,
  SPIPE: 70, NOTCAPABLE: 76,
};
const MAX = -1; // u32::MAX as a wasm i32
const END = 65536; // one past the last byte of a one-page memory
const LAST = 65535;

const imports = Object.entries(ALL_SIGNATURES)
  .filter(([name]) => name !== 'proc_exit')
  .map(([name, params]) => `(import "wasi_snapshot_preview1" "${name}" (func $${name}${params ? ` (param ${params})` : ''} (result i32)))`)
  .join('\n');

const st32 = (at, v) => `(i32.store (i32.const ${at}) (i32.const ${v}))`;
const st64 = (at, v) => `(i64.store (i32.const ${at}) (i64.const ${v}))`;
const st8 = (at, v) => `(i32.store8 (i32.const ${at}) (i32.const ${v}))`;
const iov = (at, buf, len) => st32(at, buf) + st32(at + 4, len);
/** A clock subscription (preview1 layout) at `at`: relative timeout in ns. */
const clockSub = (at, ns, id = 1) => st64(at, 7) + st8(at + 8, 0) + st32(at + 16, id) + st64(at + 24, ns);

// Strings used by path cases.
const DATA = `(data (i32.const 1000) "a") (data (i32.const 1010) "d") (data (i32.const 1020) "new")
  (data (i32.const 1030) "hello")`;

function source({ setup = '', call, pages = 1 }) {
  return `(module ${imports}
    (memory (export "memory") ${pages})
    ${DATA}
    (func (export "call") (result i32) ${setup} ${call}))`;
}

const PO = (oflags = 0, fdflags = 0, dirflags = 0, p = 1000, len = 1, out = 2000) =>
  `(call $path_open (i32.const 3) (i32.const ${dirflags}) (i32.const ${p}) (i32.const ${len}) (i32.const ${oflags}) (i64.const -1) (i64.const -1) (i32.const ${fdflags}) (i32.const ${out}))`;

// name, { setup, call, stdin: 'pipe' | 'null', input, expect, pages }
const CASES = [
  // u32-max lengths and counts
  ['fd_write iovs_len u32 max', { call: '(call $fd_write (i32.const 1) (i32.const 0) (i32.const -1) (i32.const 100))', expect: E.OVERFLOW }],
  ['fd_read iovs_len u32 max', { call: '(call $fd_read (i32.const 0) (i32.const 0) (i32.const -1) (i32.const 100))', expect: E.OVERFLOW }],
  ['fd_write one iovec of u32-max bytes', { setup: iov(0, 100, MAX), call: '(call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 100))', expect: E.OVERFLOW }],
  ['fd_pwrite iovs_len u32 max', { call: '(call $fd_pwrite (i32.const 1) (i32.const 0) (i32.const -1) (i64.const 0) (i32.const 100))', expect: E.OVERFLOW }],
  ['random_get u32-max length', { call: '(call $random_get (i32.const 0) (i32.const -1))', expect: E.OVERFLOW }],
  ['random_get the whole memory', { call: `(call $random_get (i32.const 0) (i32.const ${END}))`, expect: E.SUCCESS }],
  ['args_get into the last byte', { call: `(call $args_get (i32.const ${LAST}) (i32.const ${LAST}))`, expect: E.OVERFLOW }],
  ['args_sizes_get result at u32 max', { call: '(call $args_sizes_get (i32.const -1) (i32.const 0))', expect: E.OVERFLOW }],
  ['environ_get buffer crossing the end', { call: `(call $environ_get (i32.const 0) (i32.const ${END - 2}))`, expect: E.OVERFLOW }],
  ['fd_prestat_dir_name u32-max length', { call: '(call $fd_prestat_dir_name (i32.const 3) (i32.const 0) (i32.const -1))', expect: E.OVERFLOW }],
  ['fd_readdir u32-max buffer', { call: '(call $fd_readdir (i32.const 3) (i32.const 0) (i32.const -1) (i64.const 0) (i32.const 100))', expect: E.OVERFLOW }],
  ['path_open u32-max path length', { call: PO(0, 0, 0, 0, MAX), expect: E.OVERFLOW }],
  ['path_readlink u32-max buffer', { call: '(call $path_readlink (i32.const 3) (i32.const 1000) (i32.const 1) (i32.const 0) (i32.const -1) (i32.const 100))', expect: E.OVERFLOW }],
  // pointers at the last byte of memory
  ['fd_write nwritten at the last byte', { setup: iov(0, 1030, 5), call: `(call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const ${LAST}))`, expect: E.OVERFLOW }],
  ['fd_write iovec table at the last byte', { call: `(call $fd_write (i32.const 1) (i32.const ${LAST}) (i32.const 1) (i32.const 100))`, expect: E.OVERFLOW }],
  ['clock_time_get result at the last byte', { call: `(call $clock_time_get (i32.const 1) (i64.const 0) (i32.const ${LAST}))`, expect: E.OVERFLOW }],
  ['fd_fdstat_get at the last byte', { call: `(call $fd_fdstat_get (i32.const 1) (i32.const ${LAST}))`, expect: E.OVERFLOW }],
  ['fd_filestat_get at the last byte', { call: `(call $fd_filestat_get (i32.const 3) (i32.const ${LAST}))`, expect: E.OVERFLOW }],
  ['random_get one byte at the last byte', { call: `(call $random_get (i32.const ${LAST}) (i32.const 1))`, expect: E.SUCCESS }],
  ['random_get zero bytes at the end', { call: `(call $random_get (i32.const ${END}) (i32.const 0))`, expect: E.SUCCESS }],
  ['fd_prestat_get at the last byte', { call: `(call $fd_prestat_get (i32.const 3) (i32.const ${LAST}))`, expect: E.OVERFLOW }],
  // zero-length paths at the end of memory (node:wasi crashes on these)
  ['path_open empty path at the end of memory', { call: PO(0, 0, 0, END, 0), expect: E.NOENT }],
  ['path_filestat_get empty path at the end', { call: `(call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const ${END}) (i32.const 0) (i32.const 0))`, expect: E.NOENT }],
  ['path_create_directory empty path at the end', { call: `(call $path_create_directory (i32.const 3) (i32.const ${END}) (i32.const 0))`, expect: E.NOENT }],
  ['path_unlink_file empty path at the end', { call: `(call $path_unlink_file (i32.const 3) (i32.const ${END}) (i32.const 0))`, expect: E.NOENT }],
  ['path_remove_directory empty path at the end', { call: `(call $path_remove_directory (i32.const 3) (i32.const ${END}) (i32.const 0))`, expect: E.NOENT }],
  ['path_readlink empty path at the end', { call: `(call $path_readlink (i32.const 3) (i32.const ${END}) (i32.const 0) (i32.const 0) (i32.const 10) (i32.const 100))`, expect: E.NOENT }],
  ['path_symlink empty target at the end', { call: `(call $path_symlink (i32.const ${END}) (i32.const 0) (i32.const 3) (i32.const 1020) (i32.const 3))`, expect: E.NOENT }],
  ['path_rename empty names at the end', { call: `(call $path_rename (i32.const 3) (i32.const ${END}) (i32.const 0) (i32.const 3) (i32.const ${END}) (i32.const 0))`, expect: E.NOENT }],
  ['path_link empty names at the end', { call: `(call $path_link (i32.const 3) (i32.const 0) (i32.const ${END}) (i32.const 0) (i32.const 3) (i32.const ${END}) (i32.const 0))`, expect: E.NOENT }],
  ['path_unlink_file path crossing the end', { call: `(call $path_unlink_file (i32.const 3) (i32.const ${LAST}) (i32.const 2))`, expect: E.OVERFLOW }],
  ['path_open path one past the end', { call: PO(0, 0, 0, END + 1, 0), expect: E.OVERFLOW }],
  // overlapping input and output buffers
  ['fd_write: nwritten over its own iovec', { setup: iov(0, 1030, 5), call: '(call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 0))', expect: E.SUCCESS }],
  ['fd_read: data over its own iovec table', { setup: iov(0, 0, 16), stdin: 'pipe', input: '0123456789abcdef', call: '(call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 4))', expect: E.SUCCESS }],
  ['poll_oneoff: events over the subscriptions', { setup: clockSub(0, 0), call: '(call $poll_oneoff (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8))', expect: E.SUCCESS }],
  ['args_get: pointers over the strings', { call: '(call $args_get (i32.const 0) (i32.const 0))', expect: E.SUCCESS }],
  ['path_open: opened fd written over its own path', { call: '(call $path_open (i32.const 3) (i32.const 0) (i32.const 1000) (i32.const 1) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 1000))', expect: E.SUCCESS }],
  // unknown flag bits and enum values
  ['fd_fdstat_set_flags unknown bits', { call: '(call $fd_fdstat_set_flags (i32.const 1) (i32.const 0xff00))', expect: E.INVAL }],
  ['fd_filestat_set_times unknown fst bits', { call: '(call $fd_filestat_set_times (i32.const 3) (i64.const 0) (i64.const 0) (i32.const 0xff0))', expect: E.INVAL }],
  ['fd_filestat_set_times SET and NOW together', { call: '(call $fd_filestat_set_times (i32.const 3) (i64.const 0) (i64.const 0) (i32.const 3))', expect: E.INVAL }],
  ['fd_seek unknown whence', { call: '(call $fd_seek (i32.const 3) (i64.const 0) (i32.const 7) (i32.const 100))', expect: E.INVAL }],
  ['fd_advise unknown advice', { call: '(call $fd_advise (i32.const 3) (i64.const 0) (i64.const 0) (i32.const 99))', expect: E.INVAL }],
  ['clock_time_get unknown clock', { call: '(call $clock_time_get (i32.const 99) (i64.const 0) (i32.const 100))', expect: E.INVAL }],
  ['clock_res_get unknown clock', { call: '(call $clock_res_get (i32.const -1) (i32.const 100))', expect: E.INVAL }],
  ['path_open unknown oflags bits', { call: PO(0xff00), expect: E.INVAL }],
  ['path_open unknown fdflags bits', { call: PO(0, 0xff00), expect: E.INVAL }],
  ['path_open unknown lookupflags bits', { call: PO(0, 0, 0xfe), expect: E.INVAL }],
  ['sock_accept unknown flags', { call: '(call $sock_accept (i32.const 0) (i32.const 0xff) (i32.const 100))', expect: E.INVAL }],
  ['sock_recv unknown riflags', { call: '(call $sock_recv (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0xff) (i32.const 100) (i32.const 104))', expect: E.INVAL }],
  ['sock_send unknown siflags', { call: '(call $sock_send (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 100))', expect: E.INVAL }],
  ['sock_shutdown unknown how', { call: '(call $sock_shutdown (i32.const 1) (i32.const 99))', expect: E.INVAL }],
  ['poll_oneoff unknown subscription tag', { setup: st8(8, 9), call: '(call $poll_oneoff (i32.const 0) (i32.const 1000) (i32.const 1) (i32.const 2000))', expect: E.SUCCESS }],
  ['proc_raise u32 max', { call: '(call $proc_raise (i32.const -1))', expect: E.NOSYS }],
  // sock_* on stdio that is a pipe or /dev/null (node:wasi crashes on sock_accept)
  ['sock_accept on a stdin pipe', { stdin: 'pipe', call: '(call $sock_accept (i32.const 0) (i32.const 0) (i32.const 100))', expect: E.NOTSOCK }],
  ['sock_accept on /dev/null stdin', { stdin: 'null', call: '(call $sock_accept (i32.const 0) (i32.const 0) (i32.const 100))', expect: E.NOTSOCK }],
  ['sock_recv on a stdin pipe', { stdin: 'pipe', setup: iov(0, 100, 10), call: '(call $sock_recv (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 200) (i32.const 204))', expect: E.NOTSOCK }],
  ['sock_recv on /dev/null stdin', { stdin: 'null', setup: iov(0, 100, 10), call: '(call $sock_recv (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 200) (i32.const 204))', expect: E.NOTSOCK }],
  ['sock_send on a stdout pipe', { setup: iov(0, 1030, 5), call: '(call $sock_send (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 200))', expect: E.NOTSOCK }],
  ['sock_shutdown on a stdout pipe', { call: '(call $sock_shutdown (i32.const 1) (i32.const 3))', expect: E.NOTSOCK }],
  ['sock_shutdown on /dev/null stdin', { stdin: 'null', call: '(call $sock_shutdown (i32.const 0) (i32.const 1))', expect: E.NOTSOCK }],
  ['sock_accept on a preopen', { call: '(call $sock_accept (i32.const 3) (i32.const 0) (i32.const 100))', expect: E.NOTSOCK }],
  // poll_oneoff with huge counts
  ['poll_oneoff u32-max subscriptions', { call: '(call $poll_oneoff (i32.const 0) (i32.const 0) (i32.const -1) (i32.const 100))', expect: E.OVERFLOW }],
  ['poll_oneoff zero subscriptions', { call: '(call $poll_oneoff (i32.const 0) (i32.const 1000) (i32.const 0) (i32.const 100))', expect: E.INVAL }],
  ['poll_oneoff 2^28 subscriptions (count x size wraps 32 bits)', { call: '(call $poll_oneoff (i32.const 0) (i32.const 0) (i32.const 0x10000000) (i32.const 100))', expect: E.OVERFLOW }],
  ['poll_oneoff nevents at the last byte', { setup: clockSub(0, 0), call: `(call $poll_oneoff (i32.const 0) (i32.const 1000) (i32.const 1) (i32.const ${LAST}))`, expect: E.OVERFLOW }],
  // fd_renumber onto and from stdio and preopens
  ['fd_renumber preopen onto stdout', { call: '(call $fd_renumber (i32.const 3) (i32.const 1))', expect: E.SUCCESS }],
  ['fd_renumber stdout onto the preopen', { call: '(call $fd_renumber (i32.const 1) (i32.const 3))', expect: E.SUCCESS }],
  ['fd_renumber stdin onto stdout', { call: '(call $fd_renumber (i32.const 0) (i32.const 1))', expect: E.SUCCESS }],
  ['fd_renumber stdout onto itself', { call: '(call $fd_renumber (i32.const 1) (i32.const 1))', expect: E.SUCCESS }],
  ['fd_renumber stdout onto a closed fd', { call: '(call $fd_renumber (i32.const 1) (i32.const 99))', expect: E.BADF }],
  ['fd_renumber u32-max onto stdin', { call: '(call $fd_renumber (i32.const -1) (i32.const 0))', expect: E.BADF }],
  ['fd_close stdout', { call: '(call $fd_close (i32.const 1))', expect: E.SUCCESS }],
  ['fd_close u32 max', { call: '(call $fd_close (i32.const -1))', expect: E.BADF }],
  // odds and ends
  ['fd_pread with offset u64 max', { setup: iov(0, 100, 10), call: '(call $fd_pread (i32.const 3) (i32.const 0) (i32.const 1) (i64.const -1) (i32.const 200))', expect: E.INVAL }],
  ['fd_pwrite on a pipe', { setup: iov(0, 1030, 5), call: '(call $fd_pwrite (i32.const 1) (i32.const 0) (i32.const 1) (i64.const 0) (i32.const 200))', expect: E.SPIPE }],
  ['fd_tell on a pipe', { call: '(call $fd_tell (i32.const 1) (i32.const 100))', expect: E.SPIPE }],
  ['fd_fdstat_set_rights widening', { call: '(call $fd_fdstat_set_rights (i32.const 1) (i64.const -1) (i64.const -1))', expect: E.NOTCAPABLE }],
  ['fd_read from a directory (no read right)', { setup: iov(0, 100, 10), call: '(call $fd_read (i32.const 3) (i32.const 0) (i32.const 1) (i32.const 200))', expect: E.NOTCAPABLE }],
];

// stdio through bash so that the guest's fd 0 and fd 1 are real pipes (pipe(2)) or /dev/null:
// Node's own spawn() would hand the child socketpairs, on which the sock_* calls work.
const SCRIPT = 'set -o pipefail; if [ "$STDIN_MODE" = null ]; then "$@" </dev/null | cat; else cat | "$@" | cat; fi';

// At most a few children at a time: the cases are many and CI machines are small.
const MAX_CHILDREN = 4;
let running = 0;
const queue = [];
async function limited(fn) {
  if (running >= MAX_CHILDREN) await new Promise((r) => queue.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    queue.shift()?.();
  }
}

function run(...args) {
  return limited(() => runNow(...args));
}

function runNow(impl, wasmPath, dir, { stdin = 'pipe', input = '' }, timeout) {
  return new Promise((resolve) => {
    const p = spawn('bash', ['-c', SCRIPT, 'hostile', process.execPath, '--no-warnings', child, impl, wasmPath, dir], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, STDIN_MODE: stdin },
      detached: true, // its own process group, so a hung child can be killed with the pipeline
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.stdin.end(input);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-p.pid, 'SIGKILL'); } catch {}
    }, timeout);
    p.on('close', (code) => {
      clearTimeout(timer);
      const m = /HOSTILE-DONE (\d+)/.exec(stdout);
      // bash reports a child killed by signal N as 128 + N.
      const signal = code > 128 ? `signal ${code - 128}` : null;
      resolve({ status: code, signal, timedOut, errno: m ? Number(m[1]) : null, stderr });
    });
  });
}

test('the battery has at least 40 calls', (t) => {
  t.true(CASES.length >= 40, `${CASES.length} cases`);
});

for (const [name, c] of CASES) {
  test(`hostile: ${name}`, async (t) => {
    const dir = tmpdir('wasi-rs-hostile-');
    try {
      const sandbox = path.join(dir, 'sandbox');
      fs.mkdirSync(path.join(sandbox, 'd'), { recursive: true });
      fs.writeFileSync(path.join(sandbox, 'a'), 'hello');
      const wasmPath = path.join(dir, 'guest.wasm');
      fs.writeFileSync(wasmPath, await wat(source(c)));

      const ours = await run('wasi-rs', wasmPath, sandbox, c, 60000);
      t.false(ours.timedOut, 'wasi-rs child hung');
      t.is(ours.signal, null, `wasi-rs child killed by ${ours.signal}: ${ours.stderr}`);
      t.is(ours.status, 0, ours.stderr);
      t.is(ours.errno, c.expect, `errno (stderr: ${ours.stderr.slice(0, 300)})`);
      // Nothing escaped the sandbox directory.
      t.deepEqual(fs.readdirSync(dir).sort(), ['guest.wasm', 'sandbox']);

      // node:wasi on the same call, in a fresh copy of the tree: logged, not asserted.
      rm(sandbox);
      fs.mkdirSync(path.join(sandbox, 'd'), { recursive: true });
      fs.writeFileSync(path.join(sandbox, 'a'), 'hello');
      const theirs = await run('node', wasmPath, sandbox, c, 15000);
      if (theirs.timedOut) {
        t.log(`${name}: node:wasi hung (killed after 15 s)`);
      } else if (theirs.signal || theirs.errno === null) {
        t.log(`${name}: node:wasi did not survive: ${theirs.signal ? `killed by ${theirs.signal}` : `exit ${theirs.status}, no marker`}`);
      } else if (theirs.errno !== c.expect) {
        t.log(`${name}: node:wasi returned ${theirs.errno}, wasi-rs ${ours.errno}`);
      }
    } finally {
      rm(dir);
    }
  });
}
