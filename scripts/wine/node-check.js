'use strict';
// Run by scripts/test-windows-node.sh with Node for Windows (under wine): the Windows addon
// loads, inspects, and runs guests through new WASI(): hello.wasm with a file as stdout, and
// a guest that reads, creates and makes a directory beneath a preopen and tries to escape it.
//   node node-check.js PACKAGE_DIR WABT_DIR
// Prints one line per check and exits non-zero on the first failure.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const [pkg, wabtDir] = process.argv.slice(2);
const { WASI } = require(pkg);
const native = require(path.join(pkg, 'lib', 'native.js'));
const hello = fs.readFileSync(path.join(pkg, 'examples', 'hello', 'hello.wasm'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-rs-win-'));

function run(wasm, options) {
  const out = path.join(tmp, `stdout-${Math.random().toString(16).slice(2)}`);
  const fd = fs.openSync(out, 'w');
  const stdin = fs.openSync(path.join(tmp, 'stdin'), 'w+');
  try {
    const wasi = new WASI({ version: 'preview1', stdin, stdout: fd, stderr: fd, ...options });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(wasm), wasi.getImportObject());
    return { code: wasi.start(inst), stdout: (fs.closeSync(fd), fs.readFileSync(out, 'utf8')) };
  } finally {
    fs.closeSync(stdin);
  }
}

const info = native.inspectModule(hello);
assert.deepEqual(info.wasiCalls, ['fd_write', 'proc_exit']);
console.log(`ok inspectModule on ${process.platform}-${process.arch} ${process.version}`);

const h = run(hello, {});
assert.deepEqual(h, { code: 0, stdout: 'Hello from WebAssembly, run by wasi-rs!\n' });
console.log('ok hello.wasm through new WASI() with a file as stdout');

const GUEST = `(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory"
    (func $mkdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "in.txt")
  (data (i32.const 16) "out.txt")
  (data (i32.const 32) "newdir")
  (data (i32.const 48) "../escape")
  (data (i32.const 64) "written by the guest")
  (func (export "_start")
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 6) (i32.const 0)
          (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 200))
      (then (call $exit (i32.const 101))))
    (i32.store (i32.const 208) (i32.const 1024))
    (i32.store (i32.const 212) (i32.const 100))
    (if (call $fd_read (i32.load (i32.const 200)) (i32.const 208) (i32.const 1) (i32.const 204))
      (then (call $exit (i32.const 102))))
    (i32.store (i32.const 212) (i32.load (i32.const 204)))
    (if (call $fd_write (i32.const 1) (i32.const 208) (i32.const 1) (i32.const 300))
      (then (call $exit (i32.const 103))))
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 7) (i32.const 9)
          (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 200))
      (then (call $exit (i32.const 104))))
    (i32.store (i32.const 216) (i32.const 64))
    (i32.store (i32.const 220) (i32.const 20))
    (if (call $fd_write (i32.load (i32.const 200)) (i32.const 216) (i32.const 1) (i32.const 300))
      (then (call $exit (i32.const 105))))
    (if (call $mkdir (i32.const 3) (i32.const 32) (i32.const 6))
      (then (call $exit (i32.const 106))))
    ;; The exit status is the errno of an escape attempt: ENOTCAPABLE (76).
    (call $exit (call $path_open (i32.const 3) (i32.const 0) (i32.const 48) (i32.const 9)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 200)))))`;

(async () => {
  const wabt = await require(wabtDir)();
  const mod = wabt.parseWat('guest.wat', GUEST);
  const wasm = Buffer.from(mod.toBinary({}).buffer);
  const box = path.join(tmp, 'box');
  fs.mkdirSync(box);
  fs.writeFileSync(path.join(box, 'in.txt'), 'from the host\n');
  const g = run(wasm, { preopens: { '/sandbox': box } });
  assert.deepEqual(g, { code: 76, stdout: 'from the host\n' });
  assert.equal(fs.readFileSync(path.join(box, 'out.txt'), 'utf8'), 'written by the guest');
  assert.ok(fs.statSync(path.join(box, 'newdir')).isDirectory());
  assert.ok(!fs.existsSync(path.join(tmp, 'escape')));
  console.log('ok a guest reads, creates and mkdirs beneath a preopen; ../escape is ENOTCAPABLE');
  // Windows refuses to remove a directory while a handle on it is open, and the instances
  // hold their preopen (and the guest's unclosed files) until they are collected.
  globalThis.gc?.();
  try {
    fs.rmSync(tmp, { recursive: true, force: true });
  } catch (err) {
    console.log(`note: ${tmp} left behind (${err.code})`);
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
