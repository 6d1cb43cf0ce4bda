'use strict';
// The wasi-rs command line (bin/wasi-rs.js): exit status = the guest's, arguments, env,
// preopens, WASI version detection, the one-line refusals and `wasi-rs inspect`.

const test = require('ava');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { root, wat, tmpdir, rm } = require('./helpers.js');

const cli = path.join(root, 'bin', 'wasi-rs.js');
const hello = path.join(root, 'examples', 'hello', 'hello.wasm');

function wasiRs(args, options = {}) {
  const res = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', ...options });
  return { stdout: res.stdout, stderr: res.stderr, status: res.status };
}

let dir;
test.before(() => { dir = tmpdir('wasi-rs-cli-'); });
test.after.always(() => rm(dir));

async function guest(name, source) {
  const file = path.join(dir, `${name}.wasm`);
  fs.writeFileSync(file, await wat(source));
  return file;
}

// A command that exits with the status `body` leaves on the stack, through proc_exit.
const exiting = (body, imports = '', module = 'wasi_snapshot_preview1') => `(module
  (import "${module}" "proc_exit" (func $exit (param i32)))
  ${imports}
  (memory (export "memory") 1)
  (func (export "_start") (call $exit ${body})))`;

test('runs the example and prints its greeting', (t) => {
  const r = wasiRs([hello]);
  t.is(r.stdout, 'Hello from WebAssembly, run by wasi-rs!\n');
  t.is(r.stderr, '');
  t.is(r.status, 0);
});

test('the exit status is the guest\'s', async (t) => {
  t.is(wasiRs([await guest('exit7', exiting('(i32.const 7)'))]).status, 7);
  t.is(wasiRs([await guest('exit0', exiting('(i32.const 0)'))]).status, 0);
  // proc_exit(256): a non-zero code whose low byte is 0 is 1 (see differences.js).
  t.is(wasiRs([await guest('exit256', exiting('(i32.const 256)'))]).status, 1);
  const returns = await guest('returns', '(module (memory (export "memory") 1) (func (export "_start")))');
  t.is(wasiRs([returns]).status, 0);
});

const argc = exiting('(drop (call $sizes (i32.const 0) (i32.const 4))) (i32.load (i32.const 0))',
  '(import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))');
const envc = exiting('(drop (call $sizes (i32.const 0) (i32.const 4))) (i32.load (i32.const 0))',
  '(import "wasi_snapshot_preview1" "environ_sizes_get" (func $sizes (param i32 i32) (result i32)))');

test('arguments after the module go to the guest, the module path first', async (t) => {
  const file = await guest('argc', argc);
  t.is(wasiRs([file]).status, 1);
  t.is(wasiRs([file, 'a', '--dir', 'c']).status, 4);
  t.is(wasiRs(['--', file, 'x']).status, 2);
});

test('--env sets variables; --inherit-env passes this process\'s environment', async (t) => {
  const file = await guest('envc', envc);
  const env = { ONLY: '1', TWO: '2' };
  t.is(wasiRs([file], { env }).status, 0);
  t.is(wasiRs(['--env', 'A=1', '--env=B=x=y', file], { env }).status, 2);
  t.is(wasiRs(['--inherit-env', file], { env }).status, 2);
  // --env overrides an inherited variable of the same name instead of adding one.
  t.is(wasiRs(['--inherit-env', '--env', 'ONLY=3', '--env', 'NEW=4', file], { env }).status, 3);
});

test('--dir preopens a directory as fd 3, named GUEST', async (t) => {
  // Exits with fd_prestat_dir_name's errno, or 100 + the name's first byte on success.
  const file = await guest('prestat', exiting(`
    (if (result i32) (i32.eqz (call $name (i32.const 3) (i32.const 16) (i32.const 8)))
      (then (i32.add (i32.const 100) (i32.load8_u (i32.const 16))))
      (else (i32.const 8)))`,
  '(import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $name (param i32 i32 i32) (result i32)))'));
  t.is(wasiRs([file]).status, 8);
  t.is(wasiRs(['--dir', `${dir}::/sandbox`, file]).status, 100 + '/'.charCodeAt(0));
  t.is(wasiRs(['--dir', `${dir}::x`, file]).status, 100 + 'x'.charCodeAt(0));
  t.is(wasiRs(['--dir', '.', file], { cwd: dir }).status, 100 + '.'.charCodeAt(0));
});

test('the WASI version comes from the imports; --version overrides it', async (t) => {
  const unstable = await guest('unstable', exiting('(i32.const 5)', '', 'wasi_unstable'));
  t.is(wasiRs([unstable]).status, 5);
  t.is(wasiRs(['--version', 'unstable', unstable]).status, 5);
  const r = wasiRs(['--version', 'preview1', unstable]);
  t.is(r.status, 1);
  t.is(r.stderr, `wasi-rs: ${unstable} imports what no WASI preview1 host provides: ` +
    'wasi_unstable.proc_exit (func) (a WASI unstable import; this run provides preview1)\n');
});

test('imports no WASI version provides are named, one line, no LinkError', async (t) => {
  const file = await guest('unknown', exiting('(call $g)',
    '(import "env" "g" (func $g (result i32))) (import "wasi_snapshot_preview1" "fd_fancy" (func))'));
  const r = wasiRs([file]);
  t.is(r.status, 1);
  t.is(r.stdout, '');
  t.is(r.stderr, `wasi-rs: ${file} imports what no WASI preview1 host provides: ` +
    'env.g (func), wasi_snapshot_preview1.fd_fancy (func)\n');
  // sock_accept exists in preview1 only.
  const accept = await guest('accept', exiting('(i32.const 0)',
    '(import "wasi_unstable" "sock_accept" (func (param i32 i32 i32) (result i32)))', 'wasi_unstable'));
  t.is(wasiRs([accept]).stderr, `wasi-rs: ${accept} imports what no WASI unstable host provides: ` +
    'wasi_unstable.sock_accept (func)\n');
});

test('a module without _start or without an exported memory is refused in one line', async (t) => {
  const reactor = await guest('reactor', '(module (memory (export "memory") 1) (func (export "_initialize")))');
  let r = wasiRs([reactor]);
  t.is(r.status, 1);
  t.is(r.stderr, `wasi-rs: ${reactor} exports no _start function ` +
    '(it is a reactor: it exports _initialize; load it with the API)\n');
  const nomem = await guest('nomem', '(module (func (export "_start")))');
  r = wasiRs([nomem]);
  t.is(r.status, 1);
  t.is(r.stderr, `wasi-rs: ${nomem} exports no memory named "memory" (WASI passes all data through it)\n`);
  const neither = await guest('neither', '(module)');
  t.is(wasiRs([neither]).stderr,
    `wasi-rs: ${neither} exports no _start function (a WASI command exports _start)\n` +
    `wasi-rs: ${neither} exports no memory named "memory" (WASI passes all data through it)\n`);
});

test('files that are not modules, and usage errors', (t) => {
  const notWasm = path.join(root, 'package.json');
  let r = wasiRs([notWasm]);
  t.is(r.status, 1);
  t.is(r.stderr, `wasi-rs: ${notWasm}: not a WebAssembly module: no \\0asm header\n`);
  r = wasiRs([path.join(dir, 'missing.wasm')]);
  t.is(r.stderr, `wasi-rs: cannot read ${path.join(dir, 'missing.wasm')}: ENOENT\n`);
  t.is(r.status, 1);
  for (const args of [[], ['--bogus', hello], ['--version', 'preview2', hello], ['--env', 'NOEQ', hello],
    ['--dir'], ['inspect']]) {
    r = wasiRs(args);
    t.is(r.status, 2, args.join(' '));
    t.regex(r.stderr, /^wasi-rs: .+\nusage: wasi-rs /, args.join(' '));
  }
  r = wasiRs(['--help']);
  t.is(r.status, 0);
  t.regex(r.stdout, /^usage: wasi-rs /);
});

test('a trap is one line and status 1', async (t) => {
  const file = await guest('trap', '(module (memory (export "memory") 1) (func (export "_start") unreachable))');
  const r = wasiRs([file]);
  t.is(r.status, 1);
  t.is(r.stderr, 'wasi-rs: trap.wasm trapped: unreachable\n');
});

test('inspect prints imports, exports, memory and the WASI calls', async (t) => {
  let r = wasiRs(['inspect', hello]);
  t.is(r.status, 0);
  t.is(r.stdout, `${hello}: WASI preview1 command
imports (2):
  wasi_snapshot_preview1.fd_write   func (i32, i32, i32, i32) -> (i32)
  wasi_snapshot_preview1.proc_exit  func (i32) -> ()
exports (2):
  memory  memory
  _start  func () -> ()
memory: exported as "memory", initial 1 page (64 KiB), no maximum
WASI calls (2): fd_write, proc_exit
`);
  const file = await guest('mixed', `(module
    (import "wasi_unstable" "fd_read" (func (param i32 i32 i32 i32) (result i32)))
    (import "wasi_unstable" "clock_time_get" (func (param i32 i64 i32) (result i32)))
    (import "env" "mem" (memory 2 32 shared))
    (import "env" "f" (func (param f64)))
    (global (export "g") i32 (i32.const 0))
    (func (export "_initialize")))`);
  r = wasiRs(['inspect', file]);
  t.is(r.status, 0);
  t.is(r.stdout, `${file}: WASI unstable reactor
imports (4):
  wasi_unstable.fd_read         func (i32, i32, i32, i32) -> (i32)
  wasi_unstable.clock_time_get  func (i32, i64, i32) -> (i32)
  env.mem                       memory  [not provided by WASI]
  env.f                         func (f64) -> ()  [not provided by WASI]
exports (2):
  g            global
  _initialize  func () -> ()
memory: imported from env.mem, initial 2 pages (128 KiB), maximum 32 pages (2 MiB), shared
WASI calls (2): fd_read, clock_time_get
cannot run: ${file} imports what no WASI unstable host provides: env.mem (memory), env.f (func)
cannot run: ${file} exports no _start function (it is a reactor: it exports _initialize; load it with the API)
cannot run: ${file} exports no memory named "memory" (WASI passes all data through it)
`);
});
