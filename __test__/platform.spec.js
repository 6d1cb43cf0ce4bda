'use strict';
// What each platform gets. Linux, macOS and Windows: the WASI host (Windows with the
// differences the README lists). A build with --cfg wasi_rs_unsupported (the binding for a
// platform with no host, which .ci/run checks on Linux with WASI_RS_EXPECT_UNSUPPORTED=1): the
// addon loads, inspectModule works, and new WASI() throws ERR_WASI_RS_UNSUPPORTED_PLATFORM.

const test = require('ava');
const fs = require('node:fs');
const path = require('node:path');

const hello = fs.readFileSync(path.join(__dirname, '..', 'examples', 'hello', 'hello.wasm'));
const unsupported = process.env.WASI_RS_EXPECT_UNSUPPORTED === '1';

test('the addon loads and inspects modules', (t) => {
  const native = require('../lib/native.js');
  const info = native.inspectModule(hello);
  t.deepEqual(info.wasiCalls, ['fd_write', 'proc_exit']);
  t.is(info.version, 'preview1');
  t.true(info.hasStart);
  t.true(info.hasMemory);
  t.deepEqual(info.unresolved, []);
});

if (unsupported) {
  test('new WASI() refuses with ERR_WASI_RS_UNSUPPORTED_PLATFORM', (t) => {
    const { WASI } = require('..');
    const err = t.throws(() => new WASI({ version: 'preview1' }));
    t.is(err.code, 'ERR_WASI_RS_UNSUPPORTED_PLATFORM');
    t.regex(err.message, /^wasi-rs cannot host WASI guests on \w+ yet: its host layer supports Linux, macOS and Windows/);
  });
} else {
  test('the WASI host runs a guest', (t) => {
    const { WASI } = require('..');
    const out = path.join(fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'wasi-rs-platform-')), 'out');
    const fd = fs.openSync(out, 'w');
    const wasi = new WASI({ version: 'preview1', stdout: fd });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(hello), wasi.getImportObject());
    t.is(wasi.start(instance), 0);
    fs.closeSync(fd);
    t.is(fs.readFileSync(out, 'utf8'), 'Hello from WebAssembly, run by wasi-rs!\n');
    try {
      fs.rmSync(path.dirname(out), { recursive: true });
    } catch (err) {
      // Windows: the instance holds its duplicate of `out` until it is collected, and a file
      // with an open handle cannot leave its directory (ENOTEMPTY); the directory stays.
      if (process.platform !== 'win32') throw err;
    }
  });
}
