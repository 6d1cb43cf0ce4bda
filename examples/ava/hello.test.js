'use strict';
// Runs examples/hello/hello.wasm under wasi-rs inside an AVA test and checks what it printed.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const test = require('ava');
const { WASI } = require('wasi-rs');

test('hello.wasm prints its greeting and exits with 0', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-rs-ava-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'stdout.txt');
  const fd = fs.openSync(out, 'w');
  try {
    const wasi = new WASI({ version: 'preview1', args: ['hello'], stdout: fd, returnOnExit: true });
    const wasm = fs.readFileSync(path.join(__dirname, '..', 'hello', 'hello.wasm'));
    const { instance } = await WebAssembly.instantiate(wasm, wasi.getImportObject());
    t.is(wasi.start(instance), 0);
  } finally {
    fs.closeSync(fd);
  }
  t.is(fs.readFileSync(out, 'utf8'), 'Hello from WebAssembly, run by wasi-rs!\n');
});
