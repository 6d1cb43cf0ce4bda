'use strict';
// Runs examples/hello/hello.wasm under wasi-rs inside a Jest test and checks what it printed.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { WASI } = require('wasi-rs');

test('hello.wasm prints its greeting and exits with 0', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-rs-jest-'));
  const out = path.join(dir, 'stdout.txt');
  const fd = fs.openSync(out, 'w');
  try {
    const wasi = new WASI({ version: 'preview1', args: ['hello'], stdout: fd, returnOnExit: true });
    const wasm = fs.readFileSync(path.join(__dirname, '..', 'hello', 'hello.wasm'));
    const { instance } = await WebAssembly.instantiate(wasm, wasi.getImportObject());
    expect(wasi.start(instance)).toBe(0);
  } finally {
    fs.closeSync(fd);
  }
  expect(fs.readFileSync(out, 'utf8')).toBe('Hello from WebAssembly, run by wasi-rs!\n');
  fs.rmSync(dir, { recursive: true, force: true });
});
