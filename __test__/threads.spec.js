'use strict';
// Threads: a guest built for a shared imported memory ((import "env" "memory" (memory 1 10
// shared)), as wasi-threads guests are) bound with finalizeBindings; memory grown by another
// thread seen by a syscall; independent WASI instances per Worker over one memory; Workers
// blocked in poll_oneoff (a long sleep) or in a read on an empty pipe can be terminated.

const test = require('ava');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { Worker } = require('node:worker_threads');
const { wat, tmpdir, rm } = require('./helpers.js');
const { ALL_SIGNATURES } = require('./guest.js');
const { WASI } = require('..');

const workerFile = path.join(__dirname, 'threads-worker.js');
const PAGE = 65536;

const calls = Object.entries(ALL_SIGNATURES).filter(([name]) => name !== 'proc_exit');
const SOURCE = `(module
  (import "env" "memory" (memory 1 10 shared))
  ${calls.map(([name, params]) => `(import "wasi_snapshot_preview1" "${name}" (func $${name}${params ? ` (param ${params})` : ''} (result i32)))`).join('\n')}
  ${calls.map(([name, params]) => {
    const list = params ? params.split(' ') : [];
    return `(func (export "${name}")${list.length ? ` (param ${params})` : ''} (result i32) (call $${name} ${list.map((_, i) => `(local.get ${i})`).join(' ')}))`;
  }).join('\n')}
  ;; Stores to memory from wasm itself, for the racing test.
  (func (export "scribble") (param $from i32) (param $len i32) (param $rounds i32) (result i32)
    (local $i i32)
    (block $done (loop $round
      (br_if $done (i32.eqz (local.get $rounds)))
      (local.set $i (i32.const 0))
      (block $inner (loop $bytes
        (br_if $inner (i32.ge_u (local.get $i) (local.get $len)))
        (i32.store8 (i32.add (local.get $from) (local.get $i)) (i32.add (local.get $i) (local.get $rounds)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $bytes)))
      (local.set $rounds (i32.sub (local.get $rounds) (i32.const 1)))
      (br $round)))
    (i32.const 0)))`;

let modulePromise;
function guestModule() {
  modulePromise ??= wat(SOURCE).then((b) => new WebAssembly.Module(b));
  return modulePromise;
}

function sharedMemory() {
  return new WebAssembly.Memory({ initial: 1, maximum: 10, shared: true });
}

/** Starts a Worker with its own WASI; returns { worker, call(name, ...args), started }. */
async function startWorker(module, memory, options) {
  const worker = new Worker(workerFile, { workerData: { wasmModule: module, memory, options } });
  const pending = new Map();
  const starts = new Map();
  let nextId = 0;
  await new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m) => {
      if (m.ready) resolve();
      if (m.started !== undefined) starts.get(m.started)?.();
      if (m.result !== undefined) pending.get(m.id)?.(m.result);
    });
  });
  return {
    worker,
    /** Posts a call; returns { started, result } promises. */
    send(call, ...args) {
      const id = nextId++;
      const started = new Promise((r) => starts.set(id, r));
      const result = new Promise((r) => pending.set(id, r));
      worker.postMessage({ id, call, args });
      return { started, result };
    },
  };
}

test('a shared imported memory binds with finalizeBindings and syscalls read and write it', async (t) => {
  const dir = tmpdir('wasi-rs-threads-');
  try {
    const memory = sharedMemory();
    t.true(memory.buffer instanceof SharedArrayBuffer);
    const wasi = new WASI({ version: 'preview1', args: ['prog', 'arg1'], preopens: { '/d': dir } });
    const instance = new WebAssembly.Instance(await guestModule(), { ...wasi.getImportObject(), env: { memory } });
    wasi.finalizeBindings(instance, { memory });
    const g = instance.exports;
    const bytes = new Uint8Array(memory.buffer);
    const view = new DataView(memory.buffer);

    t.is(g.args_sizes_get(0, 4), 0);
    t.deepEqual([view.getUint32(0, true), view.getUint32(4, true)], [2, 10]);
    t.is(g.args_get(100, 200), 0);
    t.is(Buffer.from(bytes.subarray(200, 210)).toString(), 'prog\0arg1\0');

    bytes.set(Buffer.from('out.txt'), 1000);
    t.is(g.path_open(3, 0, 1000, 7, 1, -1n, -1n, 0, 1020), 0);
    const fd = view.getUint32(1020, true);
    bytes.set(Buffer.from('written from a shared memory\n'), 2000);
    view.setUint32(3000, 2000, true);
    view.setUint32(3004, 29, true);
    t.is(g.fd_write(fd, 3000, 1, 3008), 0);
    t.is(view.getUint32(3008, true), 29);
    t.is(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8'), 'written from a shared memory\n');

    t.is(g.fd_seek(fd, 0n, 0, 3016), 0);
    view.setUint32(3000, 4000, true);
    t.is(g.fd_read(fd, 3000, 1, 3008), 0);
    t.is(Buffer.from(bytes.subarray(4000, 4029)).toString(), 'written from a shared memory\n');

    t.is(g.random_get(5000, 64), 0);
    t.not(bytes.subarray(5000, 5064).reduce((a, b) => a + b, 0), 0);
    t.is(g.clock_time_get(0, 0n, 6000), 0);
    t.true(view.getBigUint64(6000, true) > 1_600_000_000_000_000_000n);
  } finally {
    rm(dir);
  }
});

test('memory grown by another thread is seen by the next syscall', async (t) => {
  const memory = sharedMemory();
  const module = await guestModule();
  const w = await startWorker(module, memory, {});
  try {
    // Bound at one page; past it is out of range.
    t.is(await w.send('random_get', 2 * PAGE + 8, 16).result, 61);
    // This thread grows the memory; the worker's bound view still has the old length.
    memory.grow(2);
    t.is(await w.send('random_get', 2 * PAGE + 8, 16).result, 0);
    const grown = new Uint8Array(memory.buffer);
    t.is(grown.length, 3 * PAGE);
    t.not(grown.subarray(2 * PAGE + 8, 2 * PAGE + 24).reduce((a, b) => a + b, 0), 0);
    t.is(await w.send('random_get', 3 * PAGE - 1, 2).result, 61);
  } finally {
    await w.worker.terminate();
  }
});

test('each Worker has its own WASI instance over the same shared memory', async (t) => {
  const a = tmpdir('wasi-rs-threads-a-');
  const b = tmpdir('wasi-rs-threads-b-');
  const memory = sharedMemory();
  const module = await guestModule();
  const wa = await startWorker(module, memory, { args: ['a'], preopens: { '/sandbox': a } });
  const wb = await startWorker(module, memory, { args: ['bee', 'x'], preopens: { '/sandbox': b } });
  try {
    const view = new DataView(memory.buffer);
    const bytes = new Uint8Array(memory.buffer);
    t.is(await wa.send('args_sizes_get', 0, 4).result, 0);
    t.deepEqual([view.getUint32(0, true), view.getUint32(4, true)], [1, 2]);
    t.is(await wb.send('args_sizes_get', 0, 4).result, 0);
    t.deepEqual([view.getUint32(0, true), view.getUint32(4, true)], [2, 6]);
    // Worker a closes its preopen; worker b's fd 3 is untouched.
    t.is(await wa.send('fd_close', 3).result, 0);
    t.is(await wa.send('fd_close', 3).result, 8);
    bytes.set(Buffer.from('only-b'), 100);
    t.is(await wb.send('path_open', 3, 0, 100, 6, 1, -1n, -1n, 0, 120).result, 0);
    t.is(view.getUint32(120, true), 4);
    t.deepEqual(fs.readdirSync(b), ['only-b']);
    t.deepEqual(fs.readdirSync(a), []);
    t.is(await wa.send('path_open', 3, 0, 100, 6, 1, -1n, -1n, 0, 120).result, 8);
  } finally {
    await Promise.all([wa.worker.terminate(), wb.worker.terminate()]);
    rm(a);
    rm(b);
  }
});

test('syscalls copying from memory another thread is writing stay sound', async (t) => {
  const dir = tmpdir('wasi-rs-threads-race-');
  const memory = sharedMemory();
  const module = await guestModule();
  const writer = await startWorker(module, memory, {});
  const reader = await startWorker(module, memory, { preopens: { '/sandbox': dir } });
  try {
    const view = new DataView(memory.buffer);
    const bytes = new Uint8Array(memory.buffer);
    bytes.set(Buffer.from('racy'), 100);
    t.is(await reader.send('path_open', 3, 0, 100, 4, 1, -1n, -1n, 0, 120).result, 0);
    const fd = view.getUint32(120, true);
    // The writer stores into 4096..8191 while the reader writes the same bytes to a file,
    // reads them back into the same range, and fills it with random bytes.
    const scribble = writer.send('scribble', 4096, 4096, 3000);
    await scribble.started;
    view.setUint32(200, 4096, true);
    view.setUint32(204, 4096, true);
    for (let i = 0; i < 200; i++) {
      t.is(await reader.send('fd_pwrite', fd, 200, 1, 0n, 208).result, 0);
      t.is(await reader.send('fd_pread', fd, 200, 1, 0n, 208).result, 0);
      t.is(await reader.send('random_get', 4096, 4096).result, 0);
    }
    t.is(await scribble.result, 0);
    t.is(fs.statSync(path.join(dir, 'racy')).size, 4096);
  } finally {
    await Promise.all([writer.worker.terminate(), reader.worker.terminate()]);
    rm(dir);
  }
});

test('a Worker blocked in poll_oneoff (a 10-minute sleep) can be terminated', async (t) => {
  const memory = sharedMemory();
  const module = await guestModule();
  const w = await startWorker(module, memory, {});
  const view = new DataView(memory.buffer);
  // One relative monotonic clock subscription of 600 s at 0; events at 1000, count at 2000.
  view.setBigUint64(0, 1n, true);
  view.setUint8(8, 0);
  view.setUint32(16, 1, true);
  view.setBigUint64(24, 600n * 1_000_000_000n, true);
  const call = w.send('poll_oneoff', 0, 1000, 1, 2000);
  await call.started;
  await new Promise((r) => setTimeout(r, 200));
  // Without interruptible sleeps this would wait out the 10 minutes (past AVA's timeout).
  const code = await w.worker.terminate();
  t.is(code, 1);
});

test('a Worker blocked reading an empty pipe on stdin can be terminated', async (t) => {
  const dir = tmpdir('wasi-rs-threads-fifo-');
  // A FIFO opened read-write never reaches EOF: a read on it blocks until data arrives.
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const fd = fs.openSync(fifo, 'r+');
  try {
    const memory = sharedMemory();
    const module = await guestModule();
    const w = await startWorker(module, memory, { stdin: fd });
    const view = new DataView(memory.buffer);
    view.setUint32(0, 100, true);
    view.setUint32(4, 100, true);
    const call = w.send('fd_read', 0, 0, 1, 8);
    await call.started;
    await new Promise((r) => setTimeout(r, 200));
    const code = await w.worker.terminate();
    t.is(code, 1);
  } finally {
    fs.closeSync(fd);
    rm(dir);
  }
});

test('a Worker blocked in sock_accept on a listening socket can be terminated', async (t) => {
  const net = require('node:net');
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    // The listening socket's fd (libuv keeps it non-blocking; the guest asks for blocking).
    const fd = server._handle.fd;
    t.true(Number.isInteger(fd) && fd > 2);
    const memory = sharedMemory();
    const module = await guestModule();
    const w = await startWorker(module, memory, { stdin: fd });
    const call = w.send('sock_accept', 0, 0, 8);
    await call.started;
    await new Promise((r) => setTimeout(r, 200));
    const code = await w.worker.terminate();
    t.is(code, 1);
  } finally {
    server.close();
  }
});
